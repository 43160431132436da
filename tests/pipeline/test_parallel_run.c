/* test_parallel_run.c — the runner's parallelism on synthetic graphs, with
 * assertions that do not depend on timing: every asset starts only after all
 * its dependencies ended, independent assets really overlap (a barrier that
 * only opens when several are inside at once), threads = 1 and a serial group
 * never overlap, the progress callback is never entered twice at once, and a
 * failure stops only what depends on it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_spec.h"
#include "support.h"
#include "medallion/pipeline.h"

#define MAX_ASSETS 32

typedef struct shared {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  const md_pipeline *pipeline;
  bool ended[MAX_ASSETS];
  bool started_early; /* an asset started before one of its dependencies ended */
  int inside;         /* assets running now */
  int max_inside;
  int barrier;        /* > 0: assets wait until this many are inside (or a 20 s grace) */
  bool barrier_open;
  const char *fail;   /* the asset that fails */
  int in_progress;    /* progress callbacks running now */
  bool progress_overlap;
  int progress_calls;
} shared;

static int index_of(const md_pipeline *p, const char *name) {
  for (int i = 0; i < md_pipeline_num_assets(p); i++)
    if (strcmp(md_pipeline_asset(p, i)->name, name) == 0) return i;
  return -1;
}

static md_code asset(md_asset_ctx *ctx, void *res, md_error *err) {
  shared *s = res;
  const char *name = md_asset_ctx_asset(ctx);
  const md_asset_def *d = md_pipeline_asset(s->pipeline, index_of(s->pipeline, name));
  pthread_mutex_lock(&s->lock);
  for (int k = 0; k < d->num_deps; k++)
    if (!s->ended[index_of(s->pipeline, d->deps[k])]) s->started_early = true;
  s->inside++;
  if (s->inside > s->max_inside) s->max_inside = s->inside;
  if (s->barrier > 0) {
    /* The grace period only keeps a broken runner from hanging the test; a
     * correct one opens the barrier at once. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    if (s->inside >= s->barrier) s->barrier_open = true;
    pthread_cond_broadcast(&s->changed);
    while (!s->barrier_open)
      if (pthread_cond_timedwait(&s->changed, &s->lock, &until) != 0) break;
  }
  s->inside--;
  s->ended[index_of(s->pipeline, name)] = true;
  pthread_mutex_unlock(&s->lock);
  md_asset_ctx_rows(ctx, 1);
  if (s->fail && strcmp(name, s->fail) == 0) return md_error_set(err, MD_ERR_IO, "%s: disk on fire", name);
  return MD_OK;
}

static void on_progress(void *context, const md_asset_result *r) {
  (void)r;
  shared *s = context;
  pthread_mutex_lock(&s->lock);
  if (s->in_progress) s->progress_overlap = true;
  s->in_progress++;
  s->progress_calls++;
  pthread_mutex_unlock(&s->lock);
  /* Widen the window in which a second caller would be caught. */
  struct timespec pause = {0, 200000};
  nanosleep(&pause, NULL);
  pthread_mutex_lock(&s->lock);
  s->in_progress--;
  pthread_mutex_unlock(&s->lock);
}

static md_pipeline *build(const char *spec) {
  md_pipeline *p = graph_from_spec(spec, asset);
  assert_int_equal(md_pipeline_check(p, NULL), MD_OK);
  return p;
}

static void shared_init(shared *s, const md_pipeline *p) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  s->pipeline = p;
}

static void shared_destroy(shared *s) {
  pthread_cond_destroy(&s->changed);
  pthread_mutex_destroy(&s->lock);
}

static md_run *run_with(md_pipeline *p, shared *s, int threads, const char *serial_group) {
  md_run_options o = {.resources = s, .threads = threads, .serial_group = serial_group, .progress = on_progress,
                      .progress_context = s};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_OK);
  return run;
}

static md_asset_status status_of(const md_run *run, const char *name) {
  for (int i = 0; i < md_run_num_results(run); i++)
    if (strcmp(md_run_result(run, i)->name, name) == 0) return md_run_result(run, i)->status;
  fail_msg("no result for %s", name);
  return MD_ASSET_PENDING;
}

/* A diamond-rich graph: three sources, fan-out, fan-in, a long chain. */
static const char *WIDE =
    "b1:bronze:;b2:bronze:;b3:bronze:;"
    "s1:silver:b1;s2:silver:b1,b2;s3:silver:b3;s4:silver:s1,b3;"
    "g1:gold:s1,s2;g2:gold:s3,s4;g3:gold:s2,s3,s4;x:export:g1,g2,g3;"
    "c1:chain:;c2:chain:c1;c3:chain:c2;c4:chain:c3";

static void test_every_asset_starts_after_its_dependencies_ended(void **state) {
  (void)state;
  for (int threads = 1; threads <= 8; threads *= 2) {
    for (int repeat = 0; repeat < 20; repeat++) {
      md_pipeline *p = build(WIDE);
      shared s;
      shared_init(&s, p);
      md_run *run = run_with(p, &s, threads, NULL);
      assert_true(md_run_succeeded(run));
      assert_false(s.started_early);
      for (int i = 0; i < md_pipeline_num_assets(p); i++) assert_true(s.ended[i]);
      assert_int_equal(s.progress_calls, 2 * md_pipeline_num_assets(p));
      assert_false(s.progress_overlap);
      md_run_free(run);
      shared_destroy(&s);
      md_pipeline_free(p);
    }
  }
}

static void test_independent_assets_run_at_the_same_time(void **state) {
  (void)state;
  md_pipeline *p = build("a:bronze:;b:bronze:;c:bronze:;d:silver:a,b,c");
  shared s;
  shared_init(&s, p);
  s.barrier = 3; /* a, b and c must all be inside at once for any of them to leave */
  md_run *run = run_with(p, &s, 3, NULL);
  assert_true(md_run_succeeded(run));
  assert_true(s.barrier_open);
  assert_int_equal(s.max_inside, 3);
  assert_false(s.started_early);
  md_run_free(run);
  shared_destroy(&s);
  md_pipeline_free(p);
}

static void test_one_thread_runs_one_asset_at_a_time(void **state) {
  (void)state;
  md_pipeline *p = build(WIDE);
  shared s;
  shared_init(&s, p);
  md_run *run = run_with(p, &s, 1, NULL);
  assert_true(md_run_succeeded(run));
  assert_int_equal(s.max_inside, 1);
  md_run_free(run);
  shared_destroy(&s);
  md_pipeline_free(p);
}

static void test_serial_group_assets_never_overlap(void **state) {
  (void)state;
  /* Only bronze assets exist at first: with the group serial, at most one runs. */
  md_pipeline *p = build("a:bronze:;b:bronze:;c:bronze:;d:bronze:;s:silver:a,b,c,d");
  shared s;
  shared_init(&s, p);
  md_run *run = run_with(p, &s, 4, "bronze");
  assert_true(md_run_succeeded(run));
  assert_int_equal(s.max_inside, 1);
  md_run_free(run);
  shared_destroy(&s);
  md_pipeline_free(p);
}

static void test_failure_stops_only_its_dependents_in_parallel(void **state) {
  (void)state;
  for (int threads = 1; threads <= 4; threads *= 2) {
    md_pipeline *p = build(WIDE);
    shared s;
    shared_init(&s, p);
    s.fail = "s1";
    md_run *run = run_with(p, &s, threads, NULL);
    assert_false(md_run_succeeded(run));
    assert_int_equal(status_of(run, "s1"), MD_ASSET_FAILED);
    /* downstream of s1: s4, g1, g2, g3, x */
    const char *skipped[] = {"s4", "g1", "g2", "g3", "x"};
    for (size_t k = 0; k < sizeof skipped / sizeof *skipped; k++) {
      assert_int_equal(status_of(run, skipped[k]), MD_ASSET_SKIPPED);
      assert_false(s.ended[index_of(p, skipped[k])]);
    }
    const char *ran[] = {"b1", "b2", "b3", "s2", "s3", "c1", "c2", "c3", "c4"};
    for (size_t k = 0; k < sizeof ran / sizeof *ran; k++) assert_int_equal(status_of(run, ran[k]), MD_ASSET_SUCCEEDED);
    /* every asset reported: start + end for those that ran, one line for skipped */
    assert_int_equal(s.progress_calls, 2 * 10 + 5);
    assert_false(s.progress_overlap);
    md_run_free(run);
    shared_destroy(&s);
    md_pipeline_free(p);
  }
}

static void test_unselected_dependency_does_not_block(void **state) {
  (void)state;
  md_pipeline *p = build(WIDE);
  shared s;
  shared_init(&s, p);
  md_run_options o = {.resources = &s, .threads = 4, .selection = "g1,c4"};
  md_run *run = NULL;
  assert_int_equal(md_pipeline_run(p, &o, &run, NULL), MD_OK);
  assert_true(md_run_succeeded(run));
  assert_int_equal(status_of(run, "g1"), MD_ASSET_SUCCEEDED);
  assert_int_equal(status_of(run, "c4"), MD_ASSET_SUCCEEDED);
  assert_int_equal(status_of(run, "s1"), MD_ASSET_NOT_SELECTED);
  md_run_free(run);
  shared_destroy(&s);
  md_pipeline_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_asset_starts_after_its_dependencies_ended),
      cmocka_unit_test(test_independent_assets_run_at_the_same_time),
      cmocka_unit_test(test_one_thread_runs_one_asset_at_a_time),
      cmocka_unit_test(test_serial_group_assets_never_overlap),
      cmocka_unit_test(test_failure_stops_only_its_dependents_in_parallel),
      cmocka_unit_test(test_unselected_dependency_does_not_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
