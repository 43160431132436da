/* test_parallel.c — the same plans executed with 1 and 4 threads give the
 * same rows in the same order: filters, projections (HMAC included), joins,
 * aggregations and keep-latest over many input batches, and a Parquet scan
 * whose row groups are decoded in parallel. */
#include <stdio.h>

#include "support.h"

#include "compute/compute_internal.h"
#include "compute_test_util.h"

#define BATCHES 24
#define ROWS 700

static uint64_t rng = 42;
static int64_t next_rand(int64_t n) {
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (int64_t)((rng >> 33) % (uint64_t)n);
}

/* k int64 (with nulls), s utf8, v int32, t int64 */
static md_batch *random_batch(int b) {
  md_column *k = md_column_new(md_type_make(MD_TYPE_INT64)), *s = md_column_new(md_type_make(MD_TYPE_UTF8)),
            *v = md_column_new(md_type_make(MD_TYPE_INT32)), *t = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int i = 0; i < ROWS; i++) {
    if (next_rand(50) == 0) md_column_append_null(k, NULL);
    else md_column_append_int(k, next_rand(300), NULL);
    char text[24];
    snprintf(text, sizeof text, "s%d", (int)next_rand(40));
    md_column_append_bytes(s, text, (int64_t)strlen(text), NULL);
    md_column_append_int(v, next_rand(1000) - 500, NULL);
    md_column_append_int(t, (int64_t)b * ROWS + i, NULL);
  }
  const char *names[] = {"k", "s", "v", "t"};
  return make_batch(4, names, (md_column *[]){k, s, v, t});
}

static md_batch *dim_batch(void) {
  md_column *k = md_column_new(md_type_make(MD_TYPE_INT64)), *w = md_column_new(md_type_make(MD_TYPE_UTF8));
  for (int i = 0; i < 200; i++) {
    md_column_append_int(k, i * 2, NULL);
    char text[24];
    snprintf(text, sizeof text, "w%d", i);
    md_column_append_bytes(w, text, (int64_t)strlen(text), NULL);
  }
  const char *names[] = {"dk", "w"};
  return make_batch(2, names, (md_column *[]){k, w});
}

static md_batch *inputs[BATCHES], *dim;

static md_plan *fact(void) { return md_plan_from_batches(md_batch_schema(inputs[0]), inputs, BATCHES); }
static md_plan *dimension(void) { return md_plan_from_batches(md_batch_schema(dim), &dim, 1); }

static md_batch *collect(md_plan *plan, int threads) {
  md_exec_options options = {.threads = threads, .batch_rows = 500};
  md_batch *out = NULL;
  md_error err;
  if (md_plan_collect(plan, &options, &out, &err) != MD_OK) fail_msg("collect: %s", err.message);
  return out;
}

static void assert_same_with_1_and_4_threads(md_plan *plan) {
  md_batch *a = collect(plan, 1), *b = collect(plan, 4);
  assert_int_equal(md_batch_num_rows(a), md_batch_num_rows(b));
  assert_true(md_batch_num_rows(a) > 0);
  for (int c = 0; c < md_batch_num_columns(a); c++)
    for (int64_t r = 0; r < md_batch_num_rows(a); r++) {
      char p[160], q[160];
      column_format_value(md_batch_column(a, c), r, p, sizeof p);
      column_format_value(md_batch_column(b, c), r, q, sizeof q);
      if (strcmp(p, q) != 0) fail_msg("column %d row %lld: %s vs %s", c, (long long)r, p, q);
    }
  md_batch_free(a);
  md_batch_free(b);
  md_plan_free(plan);
}

static void test_filter_and_project_with_hmac_agree_across_thread_counts(void **state) {
  (void)state;
  md_expr *exprs[] = {md_col("k"), md_hmac_sha256_hex(md_col("s"), "key", 3), md_mul(md_col("v"), md_lit_int(3))};
  const char *names[] = {"k", "h", "v3"};
  assert_same_with_1_and_4_threads(
      md_plan_project(md_plan_filter(fact(), md_gt(md_col("v"), md_lit_int(-100))), exprs, names, 3));
}

static void test_joins_agree_across_thread_counts(void **state) {
  (void)state;
  md_join_type types[] = {MD_JOIN_INNER, MD_JOIN_LEFT, MD_JOIN_SEMI, MD_JOIN_ANTI, MD_JOIN_FULL};
  const char *lk[] = {"k"}, *rk[] = {"dk"};
  for (int i = 0; i < 5; i++) assert_same_with_1_and_4_threads(md_plan_join(fact(), dimension(), types[i], lk, rk, 1));
}

static void test_aggregates_and_keep_latest_agree_across_thread_counts(void **state) {
  (void)state;
  const char *one[] = {"k"}, *two[] = {"k", "s"};
  md_agg aggs[] = {{MD_AGG_COUNT_ALL, NULL, "n"},        {MD_AGG_SUM, "v", "sum"},  {MD_AGG_MEAN, "v", "mean"},
                   {MD_AGG_COUNT_DISTINCT, "s", "ds"}, {MD_AGG_MIN, "s", "mins"}, {MD_AGG_MAX, "t", "maxt"}};
  assert_same_with_1_and_4_threads(md_plan_aggregate(fact(), one, 1, aggs, 6));
  assert_same_with_1_and_4_threads(md_plan_aggregate(fact(), two, 2, aggs, 6));
  assert_same_with_1_and_4_threads(md_plan_keep_latest(fact(), one, 1, "v"));
  assert_same_with_1_and_4_threads(md_plan_keep_latest(fact(), two, 2, "t"));
}

/* Float sums depend on the order of additions: each key's rows must still be
 * added in input order when the keys are split over threads. */
static void test_float_sums_by_key_are_identical_across_thread_counts(void **state) {
  (void)state;
  const char *one[] = {"k"}, *two[] = {"s", "k"};
  md_agg aggs[] = {{MD_AGG_SUM, "f", "sumf"}, {MD_AGG_MEAN, "f", "meanf"}, {MD_AGG_MAX, "f", "maxf"}};
  md_expr *exprs[] = {md_col("k"), md_col("s"), md_div(md_col("v"), md_lit_double(7.0))};
  const char *names[] = {"k", "s", "f"};
  assert_same_with_1_and_4_threads(md_plan_aggregate(md_plan_project(fact(), exprs, names, 3), one, 1, aggs, 3));
  md_expr *exprs2[] = {md_col("k"), md_col("s"), md_div(md_col("v"), md_lit_double(7.0))};
  assert_same_with_1_and_4_threads(md_plan_aggregate(md_plan_project(fact(), exprs2, names, 3), two, 2, aggs, 3));
}

static void test_parquet_scan_agrees_across_thread_counts(void **state) {
  (void)state;
  char path[600];
  snprintf(path, sizeof path, "%s/p.parquet", test_temp_dir("compute_parallel"));
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 1000;
  md_parquet_writer *writer = NULL;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(inputs[0]), &options, &writer, NULL), MD_OK);
  for (int b = 0; b < BATCHES; b++) assert_int_equal(md_parquet_writer_write(writer, inputs[b], NULL), MD_OK);
  assert_int_equal(md_parquet_writer_close(writer, NULL), MD_OK);
  md_parquet_writer_free(writer);
  const char *paths[] = {path};
  md_plan *scan = NULL;
  assert_int_equal(md_plan_scan_parquet(paths, 1, &scan, NULL), MD_OK);
  const char *lk[] = {"k"}, *rk[] = {"dk"};
  assert_same_with_1_and_4_threads(
      md_plan_join(md_plan_filter(scan, md_lt(md_col("t"), md_lit_int(9000))), dimension(), MD_JOIN_LEFT, lk, rk, 1));
}

static int setup(void **state) {
  (void)state;
  for (int b = 0; b < BATCHES; b++) inputs[b] = random_batch(b);
  dim = dim_batch();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  for (int b = 0; b < BATCHES; b++) md_batch_free(inputs[b]);
  md_batch_free(dim);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter_and_project_with_hmac_agree_across_thread_counts),
      cmocka_unit_test(test_joins_agree_across_thread_counts),
      cmocka_unit_test(test_aggregates_and_keep_latest_agree_across_thread_counts),
      cmocka_unit_test(test_float_sums_by_key_are_identical_across_thread_counts),
      cmocka_unit_test(test_parquet_scan_agrees_across_thread_counts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
