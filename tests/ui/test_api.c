/* test_api.c — the UI's JSON API over loopback HTTP, against a home built in
 * the test: two runs of a small pipeline (a table written twice, rejects, a
 * passing and a failing check, a failing asset) and a table whose column names
 * and values are markup. Proves the API's numbers equal the run store's and
 * the Delta log's, that data never comes back as markup, that paths outside
 * the tables and malformed parameters are refused, and that serving writes
 * nothing to the home. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http_get.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"
#include "medallion/ui.h"
#include "support.h"

/* Delta forbids " ,;{}()=" and tabs/newlines in column names; markup and quotes pass. */
#define EVIL_COLUMN "<script>\"x'</script>"
#define EVIL_VALUE "\"'><img src=x onerror=alert(1)>&amp;"

typedef struct fixture {
  char home[1024];
  char run1[37], run2[37];
  md_pipeline *pipeline;
  md_ui_server *server;
  int port;
} fixture;

static md_batch *make_batch(const char *id_name, const char *text_name, int64_t first_id, int rows,
                            const char *text) {
  md_error err;
  md_schema *schema = md_schema_new();
  md_field *id_field = md_field_new(id_name, md_type_make(MD_TYPE_INT64), true);
  md_field *text_field = md_field_new(text_name, md_type_make(MD_TYPE_UTF8), true);
  md_column *cols[2] = {md_column_new_for_field(id_field), md_column_new_for_field(text_field)};
  for (int i = 0; i < rows; i++) {
    assert_int_equal(md_column_append_int(cols[0], first_id + i, &err), MD_OK);
    assert_int_equal(md_column_append_bytes(cols[1], text, (int64_t)strlen(text), &err), MD_OK);
  }
  assert_int_equal(md_schema_add(schema, id_field, &err), MD_OK);
  assert_int_equal(md_schema_add(schema, text_field, &err), MD_OK);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, cols, 2, &batch, &err), MD_OK);
  return batch;
}

/* md_delta_write wants the table's directory to exist: <home>/<layer>/<name>. */
static void make_table_dir(const char *home, const char *table, char *path, size_t size) {
  snprintf(path, size, "%s/%s", home, table);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0777);
  *slash = '/';
  mkdir(path, 0777);
}

/* Appends rows to <home>/<table>, stamping the commit with the run id and
 * asset the way the healthcare assets do (the UI reads them back). */
static md_code write_rows(md_asset_ctx *ctx, const char *home, const char *table, int64_t first_id, int rows,
                          int64_t *version, md_error *err) {
  char path[2048];
  make_table_dir(home, table, path, sizeof path);
  md_batch *batch = make_batch("id", "text", first_id, rows, "plain");
  md_metadata *commit = md_metadata_new();
  md_metadata_set(commit, "medallion.run_id", md_asset_ctx_run_id(ctx), err);
  md_metadata_set(commit, "medallion.asset", md_asset_ctx_asset(ctx), err);
  md_delta_write_options options = {.mode = MD_DELTA_APPEND, .commit_metadata = commit};
  md_code rc = md_delta_write(path, &batch, 1, &options, version, err);
  md_metadata_free(commit);
  md_batch_free(batch);
  return rc;
}

/* bronze/things: 3 rows on the first run, 2 more on the second. */
static md_code asset_bronze(md_asset_ctx *ctx, void *resources, md_error *err) {
  const char *home = resources;
  char path[2048];
  snprintf(path, sizeof path, "%s/bronze/things", home);
  bool exists = md_delta_is_table(path);
  int64_t version = -1;
  int rows = exists ? 2 : 3;
  md_code rc = write_rows(ctx, home, "bronze/things", exists ? 100 : 1, rows, &version, err);
  if (rc) return rc;
  md_asset_ctx_rows(ctx, rows);
  md_asset_ctx_table(ctx, version, 0);
  return MD_OK;
}

static md_code asset_silver(md_asset_ctx *ctx, void *resources, md_error *err) {
  int64_t version = -1;
  md_code rc = write_rows(ctx, resources, "silver/things", 1, 4, &version, err);
  if (rc) return rc;
  md_asset_ctx_rows(ctx, 4);
  md_asset_ctx_table(ctx, version, 0);
  md_asset_ctx_rejects(ctx, "amount_missing", 2);
  md_asset_ctx_rejects(ctx, "bad_date", 1);
  md_asset_ctx_check(ctx, "keys_unique(things)", true, NULL);
  md_asset_ctx_check(ctx, "rows_match(things)", false, "silver 4 + rejects 3, expected 8");
  return MD_OK;
}

static md_code asset_gold(md_asset_ctx *ctx, void *resources, md_error *err) {
  (void)ctx;
  (void)resources;
  return md_error_set(err, MD_ERR_INVALID, "division by <zero> in \"gold\"");
}

static void run_once(fixture *f, char run_id[37]) {
  md_error err;
  md_run_options options = {.home = f->home, .resources = f->home, .config_json = "{\"env\":\"test\"}"};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(f->pipeline, &options, &run, &err), MD_OK);
  snprintf(run_id, 37, "%s", md_run_id(run));
  md_run_free(run);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  snprintf(f->home, sizeof f->home, "%s", test_temp_dir("ui_api"));
  md_error err;
  static const char *const bronze_deps[] = {"bronze/things"};
  static const char *const silver_deps[] = {"silver/things"};
  const md_asset_def defs[] = {
      {"bronze/things", "bronze", "delta", NULL, 0, asset_bronze},
      {"silver/things", "silver", "delta", bronze_deps, 1, asset_silver},
      {"gold/broken", "gold", "delta", silver_deps, 1, asset_gold},
  };
  assert_int_equal(md_pipeline_new(&f->pipeline, &err), MD_OK);
  for (int i = 0; i < 3; i++) assert_int_equal(md_pipeline_add(f->pipeline, &defs[i], &err), MD_OK);
  assert_int_equal(md_pipeline_check(f->pipeline, &err), MD_OK);
  run_once(f, f->run1);
  run_once(f, f->run2);

  char path[2048];
  make_table_dir(f->home, "silver/xss", path, sizeof path);
  md_batch *batch = make_batch(EVIL_COLUMN, "q'\"<b>", 1, 2, EVIL_VALUE);
  md_delta_write_options options = {.mode = MD_DELTA_APPEND};
  md_code rc = md_delta_write(path, &batch, 1, &options, NULL, &err);
  if (rc) fprintf(stderr, "%s\n", err.message);
  assert_int_equal(rc, MD_OK);
  md_batch_free(batch);

  md_ui_options ui = {.home = f->home, .port = 0, .pipeline = f->pipeline};
  assert_int_equal(md_ui_start(&ui, &f->server, &err), MD_OK);
  f->port = md_ui_port(f->server);
  assert_true(f->port > 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  if (!f) return 0;
  md_ui_stop(f->server);
  md_pipeline_free(f->pipeline);
  free(f);
  return 0;
}

/* GET path, expect status, return the body (caller frees). */
static char *get(fixture *f, const char *path, int status) {
  http_reply r = http_get(f->port, path);
  if (r.status != status) fprintf(stderr, "GET %s: %d %s\n", path, r.status, r.body ? r.body : "");
  assert_int_equal(r.status, status);
  assert_non_null(strstr(r.headers, "Content-Type: application/json"));
  char *body = r.body;
  r.body = NULL;
  http_reply_free(&r);
  return body;
}

static void assert_contains(const char *body, const char *needle) {
  if (!strstr(body, needle)) fprintf(stderr, "expected %s\n  in %s\n", needle, body);
  assert_non_null(strstr(body, needle));
}

static void test_runs_lists_both_runs_newest_first_with_status_and_mode(void **state) {
  fixture *f = *state;
  char *body = get(f, "/api/runs", 200);
  char *second = strstr(body, f->run2), *first = strstr(body, f->run1);
  assert_non_null(first);
  assert_non_null(second);
  assert_true(second < first);
  assert_contains(body, "\"status\":\"failed\"");
  assert_contains(body, "\"mode\":\"full\"");
  assert_contains(body, "\"assets_succeeded\":2,\"assets_run\":3,\"checks_failed\":1");
  free(body);
}

static void test_run_page_has_rejects_checks_and_the_error_text(void **state) {
  fixture *f = *state;
  char path[128];
  snprintf(path, sizeof path, "/api/runs/%s", f->run1);
  char *body = get(f, path, 200);
  assert_contains(body, "{\"asset\":\"silver/things\",\"reason\":\"amount_missing\",\"rows\":2}");
  assert_contains(body, "{\"asset\":\"silver/things\",\"reason\":\"bad_date\",\"rows\":1}");
  assert_contains(body, "\"check\":\"rows_match(things)\",\"passed\":false,\"detail\":\"silver 4 + rejects 3, expected 8\"");
  assert_contains(body, "\"check\":\"keys_unique(things)\",\"passed\":true");
  assert_contains(body, "\"name\":\"gold/broken\",\"status\":\"failed\"");
  assert_contains(body, "division by \\u003czero\\u003e in \\\"gold\\\"");
  assert_contains(body, "\"name\":\"bronze/things\",\"status\":\"succeeded\",\"rows_written\":3");
  free(body);
  /* A unique prefix finds the run; an unknown id is 404. */
  snprintf(path, sizeof path, "/api/runs/%.8s", f->run2);
  body = get(f, path, 200);
  assert_contains(body, f->run2);
  free(body);
  free(get(f, "/api/runs/00000000-0000-0000-0000-000000000000", 404));
  free(get(f, "/api/runs/not-a-run'--", 404));
}

static void test_assets_carry_latest_status_rows_and_table_version(void **state) {
  fixture *f = *state;
  char *body = get(f, "/api/assets", 200);
  char expect[512];
  snprintf(expect, sizeof expect,
           "\"name\":\"bronze/things\",\"group\":\"bronze\",\"kind\":\"delta\",\"deps\":[],\"last_run\":{\"run_id\":\"%s\","
           "\"status\":\"succeeded\",\"rows_written\":2,\"rejects\":0,\"version\":1",
           f->run2);
  assert_contains(body, expect);
  assert_contains(body, "\"table\":{\"layer\":\"bronze\",\"name\":\"things\",\"version\":1,\"rows\":5");
  assert_contains(body, "\"name\":\"gold/broken\",\"group\":\"gold\",\"kind\":\"delta\",\"deps\":[\"silver/things\"]");
  assert_contains(body, "\"status\":\"failed\"");
  free(body);
}

static void test_history_lists_versions_with_rows_added_and_run_ids(void **state) {
  fixture *f = *state;
  char *body = get(f, "/api/tables/bronze/things/history", 200);
  assert_contains(body, "\"schema\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":true}");
  char expect[512];
  snprintf(expect, sizeof expect, "{\"version\":0,");
  assert_contains(body, expect);
  assert_contains(body, "\"rows_added\":3,\"rows_removed\":0,\"rows\":3}");
  assert_contains(body, "\"rows_added\":2,\"rows_removed\":0,\"rows\":5}");
  assert_contains(body, f->run1);
  assert_contains(body, f->run2);
  assert_contains(body, "\"rejects_by_run\":[]"); /* not a silver table */
  free(body);
  body = get(f, "/api/tables/silver/things/history", 200);
  assert_contains(body, "\"reasons\":[{\"reason\":\"amount_missing\",\"rows\":2},{\"reason\":\"bad_date\",\"rows\":1}]");
  free(body);
}

static void test_rows_time_travel_to_each_version(void **state) {
  fixture *f = *state;
  char *body = get(f, "/api/tables/bronze/things/rows?version=0", 200);
  assert_contains(body, "\"version\":0,");
  assert_contains(body, "\"columns\":[\"id\",\"text\"]");
  assert_contains(body, "\"total_rows\":3}");
  assert_null(strstr(body, "\"id\":100"));
  free(body);
  body = get(f, "/api/tables/bronze/things/rows?version=1&limit=4", 200);
  assert_contains(body, "\"id\":100");
  assert_contains(body, "\"limit\":4,\"total_rows\":5}");
  free(body);
  body = get(f, "/api/tables/bronze/things/rows", 200); /* latest */
  assert_contains(body, "\"version\":1,");
  free(body);
  free(get(f, "/api/tables/bronze/things/rows?version=7", 404));
}

static void test_markup_in_names_and_values_comes_back_escaped(void **state) {
  fixture *f = *state;
  const char *paths[] = {"/api/tables/silver/xss/history", "/api/tables/silver/xss/rows?version=0", "/api/tables",
                         "/api/runs/", "/api/checks"};
  char path[128];
  snprintf(path, sizeof path, "/api/runs/%s", f->run1);
  paths[3] = path;
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    char *body = get(f, paths[i], 200);
    assert_null(strchr(body, '<'));
    assert_null(strchr(body, '>'));
    assert_null(strchr(body, '&'));
    free(body);
  }
  char *body = get(f, "/api/tables/silver/xss/rows?version=0", 200);
  assert_contains(body, "\\u003cscript\\u003e\\\"x'\\u003c/script\\u003e");
  assert_contains(body, "\\\"'\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\\u0026amp;");
  free(body);
}

static void test_paths_outside_the_tables_are_404(void **state) {
  fixture *f = *state;
  const char *paths[] = {"/api/tables/../../etc",
                         "/api/tables/../../etc/passwd/history",
                         "/api/tables/silver/../../../etc/history",
                         "/api/tables/silver/%2e%2e/history",
                         "/api/tables/silver/..%2f..%2fetc/rows",
                         "/api/tables/etc/passwd/history",
                         "/api/tables/silver/nope/history",
                         "/api/tables/silver/things/",
                         "/api/tables/silver//history",
                         "/api/tables/silver/things/secrets",
                         "/api/nothing",
                         "/../../etc/passwd",
                         "/runs.sqlite"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    http_reply r = http_get(f->port, paths[i]);
    if (r.status != 404) fprintf(stderr, "GET %s: %d\n", paths[i], r.status);
    assert_int_equal(r.status, 404);
    assert_null(strstr(r.body, "root:"));
    http_reply_free(&r);
  }
}

static void test_malformed_parameters_are_400(void **state) {
  fixture *f = *state;
  const char *queries[] = {"version=abc", "version=-1", "version=1.5", "version=", "version", "version=1e3",
                           "version=99999999999999999999", "limit=0", "limit=1001", "limit=x", "limit=-5",
                           "version=0&limit=", "version=%00"};
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    char path[256];
    snprintf(path, sizeof path, "/api/tables/bronze/things/rows?%s", queries[i]);
    free(get(f, path, 400));
  }
}

static void test_pages_are_compiled_in_with_a_content_security_policy(void **state) {
  fixture *f = *state;
  const char *paths[] = {"/", "/app.js", "/style.css"};
  for (size_t i = 0; i < 3; i++) {
    http_reply r = http_get(f->port, paths[i]);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Security-Policy: default-src 'none'; script-src 'self'"));
    assert_non_null(strstr(r.headers, "X-Content-Type-Options: nosniff"));
    assert_true(r.body_len > 100);
    http_reply_free(&r);
  }
  http_reply r = http_request(f->port, "POST", "/api/runs");
  assert_int_equal(r.status, 405);
  http_reply_free(&r);
  r = http_request(f->port, "DELETE", "/api/tables/silver/things/history");
  assert_int_equal(r.status, 405);
  http_reply_free(&r);
}

/* A listing of every file under dir with its size and modification time. */
static void snapshot_tree(const char *dir, char *out, size_t size) {
  struct dirent **names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (strcmp(name, ".") && strcmp(name, "..")) {
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dir, name);
      struct stat st;
      if (stat(path, &st) == 0) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s %lld %lld.%09ld\n", path, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec);
        if (S_ISDIR(st.st_mode)) snapshot_tree(path, out, size);
      }
    }
    free(names[i]);
  }
  free(names);
}

static void test_serving_writes_nothing_to_the_home(void **state) {
  fixture *f = *state;
  static char before[1 << 16], after[1 << 16];
  before[0] = after[0] = '\0';
  snapshot_tree(f->home, before, sizeof before);
  const char *paths[] = {"/api/assets", "/api/runs", "/api/checks", "/api/tables", "/api/tables/silver/things/history",
                         "/api/tables/bronze/things/rows?version=0", "/"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) free(http_get(f->port, paths[i]).body);
  snapshot_tree(f->home, after, sizeof after);
  assert_string_equal(before, after);
}

static void test_checks_list_failures_first(void **state) {
  fixture *f = *state;
  char *body = get(f, "/api/checks", 200);
  char *failed = strstr(body, "\"passed\":false"), *passed = strstr(body, "\"passed\":true");
  assert_non_null(failed);
  assert_non_null(passed);
  assert_true(failed < passed);
  assert_contains(body, "\"run_started_at\":\"");
  free(body);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runs_lists_both_runs_newest_first_with_status_and_mode),
      cmocka_unit_test(test_run_page_has_rejects_checks_and_the_error_text),
      cmocka_unit_test(test_assets_carry_latest_status_rows_and_table_version),
      cmocka_unit_test(test_history_lists_versions_with_rows_added_and_run_ids),
      cmocka_unit_test(test_rows_time_travel_to_each_version),
      cmocka_unit_test(test_markup_in_names_and_values_comes_back_escaped),
      cmocka_unit_test(test_paths_outside_the_tables_are_404),
      cmocka_unit_test(test_malformed_parameters_are_400),
      cmocka_unit_test(test_pages_are_compiled_in_with_a_content_security_policy),
      cmocka_unit_test(test_serving_writes_nothing_to_the_home),
      cmocka_unit_test(test_checks_list_failures_first),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
