/* test_graph.c — assets and runs: graph checks (missing dependency, cycle),
 * dependency order, selection with +name / name+ / groups, a failed asset
 * stopping only its dependents, and the run store's record of a run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_spec.h"
#include "support.h"
#include "medallion/pipeline.h"

typedef struct trace {
  char order[512];
} trace;

/* Independent assets run on several threads: the trace is shared. */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

static md_code record(md_asset_ctx *ctx, void *res, md_error *err) {
  trace *t = res;
  const char *name = md_asset_ctx_asset(ctx);
  pthread_mutex_lock(&trace_lock);
  strncat(t->order, name, sizeof t->order - strlen(t->order) - 2);
  strncat(t->order, " ", sizeof t->order - strlen(t->order) - 1);
  pthread_mutex_unlock(&trace_lock);
  if (strcmp(name, "bad") == 0) return md_error_set(err, MD_ERR_CORRUPT, "bad.parquet: column X: broken");
  md_asset_ctx_rows(ctx, 42);
  md_asset_ctx_table(ctx, 3, 1000);
  md_asset_ctx_rejects(ctx, "key_missing", 2);
  md_asset_ctx_check(ctx, "keys_unique", true, NULL);
  return MD_OK;
}

static md_pipeline *build(const char *spec) {
  md_pipeline *p = graph_from_spec(spec, record);
  return p;
}

static const char *GRAPH = "gold:gold:s1,s2;s1:silver:b1;s2:silver:b2;b1:bronze:;b2:bronze:;other:silver:b2";

static void test_check_refuses_missing_dependency(void **state) {
  (void)state;
  md_pipeline *p = build("a:x:b");
  md_error err;
  assert_int_equal(md_pipeline_check(p, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "a depends on unknown asset b"));
  md_pipeline_free(p);
}

static void test_check_refuses_cycle(void **state) {
  (void)state;
  md_pipeline *p = build("a:x:c;b:x:a;c:x:b;d:x:");
  md_error err;
  assert_int_equal(md_pipeline_check(p, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "cycle: "));
  assert_non_null(strstr(err.message, "a -> "));
  md_pipeline_free(p);
}

static void test_duplicate_asset_is_refused(void **state) {
  (void)state;
  md_pipeline *p = build("a:x:");
  md_asset_def def = {"a", "x", "test", NULL, 0, record};
  assert_int_equal(md_pipeline_add(p, &def, NULL), MD_ERR_INVALID);
  md_pipeline_free(p);
}

static int position(const char *order, const char *name) {
  char key[64];
  snprintf(key, sizeof key, "%s ", name);
  const char *at = strstr(order, key);
  while (at && at != order && at[-1] != ' ') at = strstr(at + 1, key);
  return at ? (int)(at - order) : -1;
}

static void test_run_follows_dependency_order(void **state) {
  (void)state;
  md_pipeline *p = build(GRAPH);
  trace t = {""};
  md_run_options o = {.resources = &t};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_OK);
  assert_true(md_run_succeeded(run));
  assert_true(position(t.order, "b1") < position(t.order, "s1"));
  assert_true(position(t.order, "s1") < position(t.order, "gold"));
  assert_true(position(t.order, "s2") < position(t.order, "gold"));
  assert_true(position(t.order, "b2") < position(t.order, "other"));
  md_run_free(run);
  md_pipeline_free(p);
}

static void selected_names(md_pipeline *p, const char *sel, char *out, size_t size) {
  bool chosen[16];
  assert_int_equal(md_pipeline_check(p, NULL), MD_OK);
  assert_int_equal(md_pipeline_select(p, sel, chosen, NULL), MD_OK);
  out[0] = '\0';
  for (int i = 0; i < md_pipeline_num_assets(p); i++)
    if (chosen[i]) {
      strncat(out, md_pipeline_asset(p, i)->name, size - strlen(out) - 2);
      strncat(out, " ", size - strlen(out) - 1);
    }
}

static void test_selection_by_name_group_upstream_downstream(void **state) {
  (void)state;
  md_pipeline *p = build(GRAPH);
  char s[256];
  selected_names(p, "s1", s, sizeof s);
  assert_string_equal(s, "s1 ");
  selected_names(p, "+s1", s, sizeof s);
  assert_int_equal(position(s, "b1") >= 0 && position(s, "s1") >= 0 && position(s, "gold") < 0, 1);
  selected_names(p, "b2+", s, sizeof s);
  assert_true(position(s, "b2") >= 0 && position(s, "s2") >= 0 && position(s, "gold") >= 0 && position(s, "other") >= 0);
  assert_true(position(s, "b1") < 0 && position(s, "s1") < 0);
  selected_names(p, "bronze", s, sizeof s);
  assert_true(position(s, "b1") >= 0 && position(s, "b2") >= 0 && position(s, "s1") < 0);
  selected_names(p, "+gold", s, sizeof s);
  assert_true(position(s, "other") < 0 && position(s, "b1") >= 0 && position(s, "gold") >= 0);
  bool chosen[16];
  md_error err;
  assert_int_equal(md_pipeline_select(p, "nope", chosen, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "nope"));
  md_pipeline_free(p);
}

static void test_failed_asset_stops_only_its_dependents(void **state) {
  (void)state;
  md_pipeline *p = build("bad:bronze:;good:bronze:;s_bad:silver:bad;s_good:silver:good;g:gold:s_bad,s_good");
  trace t = {""};
  const char *home = test_temp_dir("pipeline_fail");
  md_run_options o = {.resources = &t, .home = home, .run_id = "00000000-0000-4000-8000-000000000001"};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_OK);
  assert_false(md_run_succeeded(run));
  for (int i = 0; i < md_run_num_results(run); i++) {
    const md_asset_result *r = md_run_result(run, i);
    if (strcmp(r->name, "bad") == 0) {
      assert_int_equal(r->status, MD_ASSET_FAILED);
      assert_non_null(strstr(r->error, "bad.parquet: column X"));
    } else if (strcmp(r->name, "s_bad") == 0 || strcmp(r->name, "g") == 0) {
      assert_int_equal(r->status, MD_ASSET_SKIPPED);
    } else {
      assert_int_equal(r->status, MD_ASSET_SUCCEEDED);
      assert_int_equal(r->rows_written, 42);
      assert_int_equal(r->rejects, 2);
    }
  }
  assert_null(strstr(t.order, "s_bad"));
  char *text = NULL;
  assert_int_equal(md_runs_show(home, "00000000", &text, NULL), MD_OK);
  assert_non_null(strstr(text, "status    failed"));
  assert_non_null(strstr(text, "bad.parquet: column X"));
  assert_non_null(strstr(text, "skipped"));
  assert_non_null(strstr(text, "key_missing"));
  assert_non_null(strstr(text, "keys_unique"));
  free(text);
  assert_int_equal(md_runs_list(home, 10, &text, NULL), MD_OK);
  assert_non_null(strstr(text, "00000000-0000-4000-8000-000000000001"));
  free(text);
  md_run_free(run);
  md_pipeline_free(p);
}

static md_code failing_check(md_asset_ctx *ctx, void *res, md_error *err) {
  (void)res;
  (void)err;
  md_asset_ctx_check(ctx, "silver_keys_unique(x)", false, "3 duplicate keys");
  return MD_OK;
}

static void test_failed_check_fails_the_run(void **state) {
  (void)state;
  md_pipeline *p = NULL;
  assert_int_equal(md_pipeline_new(&p, NULL), MD_OK);
  md_asset_def def = {"x", "silver", "test", NULL, 0, failing_check};
  assert_int_equal(md_pipeline_add(p, &def, NULL), MD_OK);
  const char *home = test_temp_dir("pipeline_check");
  md_run_options o = {.home = home, .run_id = "00000000-0000-4000-8000-000000000002"};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_OK);
  assert_false(md_run_succeeded(run));
  assert_int_equal(md_run_result(run, 0)->status, MD_ASSET_SUCCEEDED);
  assert_int_equal(md_run_result(run, 0)->checks_failed, 1);
  char *text = NULL;
  assert_int_equal(md_runs_show(home, "00000000-0000-4000-8000-000000000002", &text, NULL), MD_OK);
  assert_non_null(strstr(text, "FAILED 3 duplicate keys"));
  assert_non_null(strstr(text, "status    failed"));
  free(text);
  md_run_free(run);
  md_pipeline_free(p);
}

static void test_run_id_must_be_a_uuid(void **state) {
  (void)state;
  md_pipeline *p = build("a:x:");
  trace t = {""};
  md_run_options o = {.resources = &t, .run_id = "not-a-uuid"};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_ERR_INVALID);
  char id[37];
  assert_int_equal(md_uuid_v4(id, NULL), MD_OK);
  assert_true(md_uuid_valid(id));
  assert_int_equal(id[14], '4');
  md_pipeline_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_refuses_missing_dependency),
      cmocka_unit_test(test_check_refuses_cycle),
      cmocka_unit_test(test_duplicate_asset_is_refused),
      cmocka_unit_test(test_run_follows_dependency_order),
      cmocka_unit_test(test_selection_by_name_group_upstream_downstream),
      cmocka_unit_test(test_failed_asset_stops_only_its_dependents),
      cmocka_unit_test(test_failed_check_fails_the_run),
      cmocka_unit_test(test_run_id_must_be_a_uuid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
