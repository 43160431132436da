/* test_operators.c — the relational operators through small plans: filter,
 * project, the five joins, aggregation, sort, keep-latest, union and limit,
 * with null keys, empty inputs and the documented tie-breaking rules; and
 * explain showing what pushdown did. */
#include "support.h"

#include "compute_test_util.h"

static md_plan *source_of(md_batch *batch) {
  md_plan *plan = md_plan_from_batches(md_batch_schema(batch), &batch, 1);
  md_batch_free(batch);
  return plan;
}

static md_batch *collect_ok(md_plan *plan) {
  md_batch *out = NULL;
  md_error err;
  if (md_plan_collect(plan, NULL, &out, &err) != MD_OK) fail_msg("collect failed: %s", err.message);
  md_plan_free(plan);
  return out;
}

static md_column *col(const md_batch *batch, const char *name) {
  int i = md_schema_find(md_batch_schema(batch), name);
  if (i < 0) fail_msg("no column %s", name);
  return md_batch_column(batch, i);
}

/* id int64, k utf8, v int32 */
static md_batch *people(void) {
  int64_t id[] = {1, 2, 3, 4, 5};
  const char *k[] = {"a", "b", NULL, "a", "c"};
  int64_t v[] = {10, NUL, 30, 40, 50};
  const char *names[] = {"id", "k", "v"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, id, 5), str_col(k, 5), int_col(MD_TYPE_INT32, v, 5)};
  return make_batch(3, names, cols);
}

static void test_filter_drops_false_and_null_rows(void **state) {
  (void)state;
  md_batch *out = collect_ok(md_plan_filter(source_of(people()), md_gt(md_col("v"), md_lit_int(15))));
  assert_int_equal(md_batch_num_rows(out), 3);
  assert_int_equal(col_int(col(out, "id"), 0), 3);
  assert_int_equal(col_int(col(out, "id"), 2), 5);
  md_batch_free(out);
}

static void test_project_computes_named_columns(void **state) {
  (void)state;
  md_expr *exprs[] = {md_mul(md_col("v"), md_lit_int(2)), md_coalesce((md_expr *[]){md_col("k"), md_lit_str("?")}, 2)};
  const char *names[] = {"v2", "k2"};
  md_batch *out = collect_ok(md_plan_project(source_of(people()), exprs, names, 2));
  assert_int_equal(md_batch_num_columns(out), 2);
  assert_int_equal(col_int(col(out, "v2"), 4), 100);
  assert_true(col_null(col(out, "v2"), 1));
  assert_string_equal(col_str(col(out, "k2"), 2), "?");
  md_batch_free(out);
}

/* right side: k utf8, w int64 (with a duplicate and a null key) */
static md_batch *codes(void) {
  const char *k[] = {"a", "b", "a", NULL, "z"};
  int64_t w[] = {100, 200, 300, 400, 500};
  const char *names[] = {"k", "w"};
  md_column *cols[] = {str_col(k, 5), int_col(MD_TYPE_INT64, w, 5)};
  return make_batch(2, names, cols);
}

static md_batch *join_of(md_join_type type) {
  const char *lk[] = {"k"}, *rk[] = {"k"};
  return collect_ok(md_plan_join(source_of(people()), source_of(codes()), type, lk, rk, 1));
}

static void test_inner_join_matches_in_left_then_right_order_and_never_on_null(void **state) {
  (void)state;
  md_batch *out = join_of(MD_JOIN_INNER);
  assert_int_equal(md_batch_num_rows(out), 5); /* a×2, b×1, a×2 */
  assert_int_equal(md_batch_num_columns(out), 4);
  int64_t ids[] = {1, 1, 2, 4, 4}, ws[] = {100, 300, 200, 100, 300};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(col_int(col(out, "id"), i), ids[i]);
    assert_int_equal(col_int(col(out, "w"), i), ws[i]);
  }
  md_batch_free(out);
}

static void test_left_semi_anti_and_full_joins(void **state) {
  (void)state;
  md_batch *left = join_of(MD_JOIN_LEFT);
  assert_int_equal(md_batch_num_rows(left), 7); /* + id 3 (null key) + id 5 (c) */
  assert_int_equal(col_int(col(left, "id"), 3), 3);
  assert_true(col_null(col(left, "w"), 3));
  md_batch_free(left);
  md_batch *semi = join_of(MD_JOIN_SEMI);
  assert_int_equal(md_batch_num_rows(semi), 3);
  assert_int_equal(md_batch_num_columns(semi), 3);
  assert_int_equal(col_int(col(semi, "id"), 2), 4);
  md_batch_free(semi);
  md_batch *anti = join_of(MD_JOIN_ANTI);
  assert_int_equal(md_batch_num_rows(anti), 2);
  assert_int_equal(col_int(col(anti, "id"), 0), 3);
  assert_int_equal(col_int(col(anti, "id"), 1), 5);
  md_batch_free(anti);
  md_batch *full = join_of(MD_JOIN_FULL);
  assert_int_equal(md_batch_num_rows(full), 9); /* 7 + right's null key + z */
  md_column *k = col(full, "k"), *id = col(full, "id");
  assert_true(col_null(k, 7)); /* right row with a null key: unmatched, key null */
  assert_int_equal(col_int(col(full, "w"), 7), 400);
  assert_string_equal(col_str(k, 8), "z"); /* key taken from the right side */
  assert_true(col_null(id, 8));
  md_batch_free(full);
}

static void test_join_on_two_keys_of_different_int_widths_renames_clashes(void **state) {
  (void)state;
  int64_t a1[] = {1, 1, 2}, b1[] = {10, 20, 10};
  int64_t a2[] = {1, 2, 1}, b2[] = {20, 10, NUL}, x2[] = {7, 8, 9};
  const char *ln[] = {"a", "b"}, *rn[] = {"a2", "b2", "b"};
  md_column *lc[] = {int_col(MD_TYPE_INT32, a1, 3), int_col(MD_TYPE_INT64, b1, 3)};
  md_column *rc[] = {int_col(MD_TYPE_INT64, a2, 3), int_col(MD_TYPE_INT16, b2, 3), int_col(MD_TYPE_INT64, x2, 3)};
  const char *lk[] = {"a", "b"}, *rk[] = {"a2", "b2"};
  md_batch *out = collect_ok(md_plan_join(source_of(make_batch(2, ln, lc)), source_of(make_batch(3, rn, rc)),
                                          MD_JOIN_INNER, lk, rk, 2));
  assert_int_equal(md_batch_num_rows(out), 2);
  assert_int_equal(col_int(col(out, "b_right"), 0), 7); /* (1,20) */
  assert_int_equal(col_int(col(out, "b"), 0), 20);
  assert_int_equal(col_int(col(out, "b_right"), 1), 8); /* (2,10) */
  md_batch_free(out);
}

static void test_aggregate_counts_sums_and_means_per_group_with_null_group(void **state) {
  (void)state;
  const char *g[] = {"x", "y", "x", NULL, "x", NULL};
  int64_t amount[] = {1050, 200, NUL, 5, 1050, 7};
  int64_t bill[] = {1, 2, 1, 3, 4, 3};
  const char *names[] = {"g", "amount", "bill"};
  md_column *cols[] = {str_col(g, 6), dec_col(12, 2, amount, 6), int_col(MD_TYPE_INT64, bill, 6)};
  md_agg aggs[] = {{MD_AGG_COUNT_ALL, NULL, "lines"},     {MD_AGG_COUNT, "amount", "amounts"},
                   {MD_AGG_COUNT_DISTINCT, "bill", "bills"}, {MD_AGG_SUM, "amount", "total"},
                   {MD_AGG_MEAN, "amount", "avg"},           {MD_AGG_MIN, "amount", "lo"},
                   {MD_AGG_MAX, "bill", "hi"}};
  const char *keys[] = {"g"};
  md_batch *out = collect_ok(md_plan_aggregate(source_of(make_batch(3, names, cols)), keys, 1, aggs, 7));
  assert_int_equal(md_batch_num_rows(out), 3); /* x, y, null — in first-seen order */
  assert_string_equal(col_str(col(out, "g"), 0), "x");
  assert_true(col_null(col(out, "g"), 2));
  assert_int_equal(col_int(col(out, "lines"), 0), 3);
  assert_int_equal(col_int(col(out, "amounts"), 0), 2);
  assert_int_equal(col_int(col(out, "bills"), 0), 2);
  md_type total = md_column_type(col(out, "total"));
  assert_int_equal(total.precision, 38);
  assert_int_equal(total.scale, 2);
  assert_int_equal(col_dec_low(col(out, "total"), 0), 2100);
  assert_true(col_dbl(col(out, "avg"), 0) == 10.5);
  assert_int_equal(col_dec_low(col(out, "lo"), 2), 5);
  assert_int_equal(col_int(col(out, "hi"), 2), 3);
  assert_int_equal(col_int(col(out, "bills"), 2), 1);
  md_batch_free(out);
}

static void test_aggregate_over_empty_input_without_keys_gives_one_row(void **state) {
  (void)state;
  md_agg aggs[] = {{MD_AGG_COUNT_ALL, NULL, "n"}, {MD_AGG_SUM, "v", "s"}, {MD_AGG_MAX, "k", "m"}};
  md_plan *empty = md_plan_filter(source_of(people()), md_lit_bool(false));
  md_batch *out = collect_ok(md_plan_aggregate(empty, NULL, 0, aggs, 3));
  assert_int_equal(md_batch_num_rows(out), 1);
  assert_int_equal(col_int(col(out, "n"), 0), 0);
  assert_true(col_null(col(out, "s"), 0));
  assert_true(col_null(col(out, "m"), 0));
  md_batch_free(out);
  /* With keys: no groups at all. */
  const char *keys[] = {"k"};
  out = collect_ok(md_plan_aggregate(md_plan_filter(source_of(people()), md_lit_bool(false)), keys, 1, aggs, 1));
  assert_int_equal(md_batch_num_rows(out), 0);
  md_batch_free(out);
}

static void test_sum_of_int64_overflow_is_an_error(void **state) {
  (void)state;
  int64_t v[] = {INT64_MAX, 1};
  const char *names[] = {"v"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, v, 2)};
  md_agg aggs[] = {{MD_AGG_SUM, "v", "s"}};
  md_plan *plan = md_plan_aggregate(source_of(make_batch(1, names, cols)), NULL, 0, aggs, 1);
  md_batch *out = NULL;
  md_error err;
  assert_int_equal(md_plan_collect(plan, NULL, &out, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "overflows"));
  md_plan_free(plan);
}

static void test_sort_is_stable_multi_key_with_null_placement(void **state) {
  (void)state;
  md_sort_key keys[] = {{"k", false, false}, {"v", true, true}};
  md_batch *out = collect_ok(md_plan_sort(source_of(people()), keys, 2));
  /* k asc nulls last; within a: v desc → 4 (40) before 1 (10) */
  int64_t want[] = {4, 1, 2, 5, 3};
  for (int i = 0; i < 5; i++) assert_int_equal(col_int(col(out, "id"), i), want[i]);
  md_batch_free(out);
  md_sort_key first[] = {{"v", false, true}};
  out = collect_ok(md_plan_sort(source_of(people()), first, 1));
  assert_int_equal(col_int(col(out, "id"), 0), 2);
  md_batch_free(out);
  /* Equal keys keep input order. */
  int64_t same[] = {1, 1, 1, 1};
  int64_t order[] = {0, 1, 2, 3};
  const char *names[] = {"s", "o"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, same, 4), int_col(MD_TYPE_INT64, order, 4)};
  md_sort_key by_s[] = {{"s", true, false}};
  out = collect_ok(md_plan_sort(source_of(make_batch(2, names, cols)), by_s, 1));
  for (int i = 0; i < 4; i++) assert_int_equal(col_int(col(out, "o"), i), i);
  md_batch_free(out);
}

static void test_keep_latest_prefers_greatest_then_later_row_and_keeps_null_keys(void **state) {
  (void)state;
  int64_t key[] = {1, 1, 2, 2, NUL, 3, 3, NUL};
  int64_t upd[] = {5, 3, NUL, 1, 9, 7, 7, 1};
  int64_t row[] = {0, 1, 2, 3, 4, 5, 6, 7};
  const char *names[] = {"key", "upd", "row"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, key, 8), NULL, int_col(MD_TYPE_INT64, row, 8)};
  cols[1] = md_column_new(md_type_timestamp(MD_MICRO, false));
  for (int i = 0; i < 8; i++) {
    if (upd[i] == NUL) md_column_append_null(cols[1], NULL);
    else md_column_append_int(cols[1], upd[i], NULL);
  }
  const char *keys[] = {"key"};
  md_batch *out = collect_ok(md_plan_keep_latest(source_of(make_batch(3, names, cols)), keys, 1, "upd"));
  /* key 1: row 0 (5 > 3); key 2: row 3 (null is oldest); key 3: row 6 (tie → later);
   * null keys: rows 4 and 7 kept; output in input order. */
  int64_t want[] = {0, 3, 4, 6, 7};
  assert_int_equal(md_batch_num_rows(out), 5);
  for (int i = 0; i < 5; i++) assert_int_equal(col_int(col(out, "row"), i), want[i]);
  md_batch_free(out);
}

static void test_union_and_limit(void **state) {
  (void)state;
  md_plan *inputs[] = {source_of(people()), source_of(people())};
  md_batch *out = collect_ok(md_plan_limit(md_plan_union(inputs, 2), 7));
  assert_int_equal(md_batch_num_rows(out), 7);
  assert_int_equal(col_int(col(out, "id"), 6), 2);
  md_batch_free(out);
  md_plan *mismatch[] = {source_of(people()), source_of(codes())};
  md_plan *bad = md_plan_union(mismatch, 2);
  md_schema *schema = NULL;
  md_error err;
  assert_int_equal(md_plan_schema(bad, &schema, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "Union"));
  md_plan_free(bad);
}

static void test_explain_shows_pushdown_and_folding(void **state) {
  (void)state;
  md_expr *exprs[] = {md_col("id"), md_add(md_col("v"), md_add(md_lit_int(1), md_lit_int(2)))};
  const char *names[] = {"id", "v3"};
  md_plan *project = md_plan_project(source_of(people()), exprs, names, 2);
  md_sort_key keys[] = {{"id", false, false}};
  md_plan *plan = md_plan_filter(md_plan_sort(project, keys, 1), md_and(md_gt(md_col("v3"), md_lit_int(20)), md_lit_bool(true)));
  char *text = NULL;
  md_error err;
  assert_int_equal(md_plan_explain(plan, &text, &err), MD_OK);
  /* The filter moved below sort and project, rewritten over the scan's columns;
   * 1 + 2 was folded; the scan reads only id and v. */
  const char *scan = strstr(text, "Scan");
  const char *filter = strstr(text, "Filter ((v + 3) > 20)");
  assert_non_null(filter);
  assert_non_null(scan);
  assert_true(filter < scan);
  assert_true(strstr(text, "Project") < filter);
  assert_non_null(strstr(text, "columns=[id, v]"));
  free(text);
  md_batch *out = collect_ok(plan);
  assert_int_equal(md_batch_num_rows(out), 3);
  assert_int_equal(col_int(col(out, "v3"), 0), 33);
  md_batch_free(out);
}

static void test_plan_errors_name_operator_and_column(void **state) {
  (void)state;
  md_plan *plan = md_plan_filter(source_of(people()), md_gt(md_col("missing"), md_lit_int(1)));
  md_batch *out = NULL;
  md_error err;
  assert_int_equal(md_plan_collect(plan, NULL, &out, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "Filter"));
  assert_non_null(strstr(err.message, "missing"));
  md_plan_free(plan);
  const char *lk[] = {"k"}, *rk[] = {"w"};
  plan = md_plan_join(source_of(people()), source_of(codes()), MD_JOIN_INNER, lk, rk, 1);
  assert_int_equal(md_plan_collect(plan, NULL, &out, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "HashJoin"));
  md_plan_free(plan);
}

/* Dense integer build keys are probed through a direct index, sparse ones
 * through the hash table: the same join with the build keys spread out
 * (times 1000, probes likewise) must give the same rows. Probes below, above
 * and far outside the build range, nulls on both sides, int32 probing int64,
 * duplicate build keys (chained in right order) and the int64 extremes. */
static md_batch *int_join(md_join_type type, int64_t scale) {
  int64_t l[] = {5, 3, NUL, -4, 9, 6, 3, INT64_MIN, INT64_MAX, 100000, 4, -1};
  int64_t r[] = {3, 4, 5, 6, 3, NUL, 7, -4, 8, 0};
  int64_t lid[12], rv[10];
  for (int i = 0; i < 12; i++) {
    lid[i] = i;
    if (l[i] != NUL && l[i] != INT64_MIN && l[i] != INT64_MAX) l[i] *= scale;
  }
  for (int i = 0; i < 10; i++) {
    rv[i] = 100 + i;
    if (r[i] != NUL) r[i] *= scale;
  }
  const char *ln[] = {"lk", "lid"}, *rn[] = {"rk", "rv"};
  md_column *lc[] = {int_col(scale == 1 ? MD_TYPE_INT32 : MD_TYPE_INT64, l, 12), int_col(MD_TYPE_INT64, lid, 12)};
  if (scale == 1) { /* int32 cannot hold the extremes: use the sparse form's for them */
    md_column_free(lc[0]);
    int64_t narrow[12];
    for (int i = 0; i < 12; i++) narrow[i] = l[i] == INT64_MIN ? -2000000000 : l[i] == INT64_MAX ? 2000000000 : l[i];
    lc[0] = int_col(MD_TYPE_INT32, narrow, 12);
  }
  md_column *rc[] = {int_col(MD_TYPE_INT64, r, 10), int_col(MD_TYPE_INT64, rv, 10)};
  const char *lk[] = {"lk"}, *rk[] = {"rk"};
  return collect_ok(md_plan_join(source_of(make_batch(2, ln, lc)), source_of(make_batch(2, rn, rc)), type, lk, rk, 1));
}

static void test_join_on_dense_and_sparse_integer_keys_gives_the_same_rows(void **state) {
  (void)state;
  md_join_type types[] = {MD_JOIN_INNER, MD_JOIN_LEFT, MD_JOIN_SEMI, MD_JOIN_ANTI, MD_JOIN_FULL};
  int64_t expect_rows[] = {8, 14, 6, 6, 18};
  for (int t = 0; t < 5; t++) {
    md_batch *dense = int_join(types[t], 1), *sparse = int_join(types[t], 1000);
    assert_int_equal(md_batch_num_rows(dense), expect_rows[t]);
    assert_int_equal(md_batch_num_rows(sparse), expect_rows[t]);
    for (int64_t i = 0; i < md_batch_num_rows(dense); i++) {
      md_column *a = col(dense, "lid"), *b = col(sparse, "lid");
      assert_int_equal(col_null(a, i), col_null(b, i));
      if (!col_null(a, i)) assert_int_equal(col_int(a, i), col_int(b, i));
      if (types[t] == MD_JOIN_SEMI || types[t] == MD_JOIN_ANTI) continue;
      a = col(dense, "rv");
      b = col(sparse, "rv");
      assert_int_equal(col_null(a, i), col_null(b, i));
      if (!col_null(a, i)) assert_int_equal(col_int(a, i), col_int(b, i));
    }
    md_batch_free(dense);
    md_batch_free(sparse);
  }
  md_batch *inner = int_join(MD_JOIN_INNER, 1);
  /* left 5 -> right 5 (rv 102); left 3 -> rows 0 and 4 in right order */
  assert_int_equal(col_int(col(inner, "lid"), 0), 0);
  assert_int_equal(col_int(col(inner, "rv"), 0), 102);
  assert_int_equal(col_int(col(inner, "lid"), 1), 1);
  assert_int_equal(col_int(col(inner, "rv"), 1), 100);
  assert_int_equal(col_int(col(inner, "rv"), 2), 104);
  md_batch_free(inner);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter_drops_false_and_null_rows),
      cmocka_unit_test(test_project_computes_named_columns),
      cmocka_unit_test(test_inner_join_matches_in_left_then_right_order_and_never_on_null),
      cmocka_unit_test(test_left_semi_anti_and_full_joins),
      cmocka_unit_test(test_join_on_two_keys_of_different_int_widths_renames_clashes),
      cmocka_unit_test(test_aggregate_counts_sums_and_means_per_group_with_null_group),
      cmocka_unit_test(test_aggregate_over_empty_input_without_keys_gives_one_row),
      cmocka_unit_test(test_sum_of_int64_overflow_is_an_error),
      cmocka_unit_test(test_sort_is_stable_multi_key_with_null_placement),
      cmocka_unit_test(test_keep_latest_prefers_greatest_then_later_row_and_keeps_null_keys),
      cmocka_unit_test(test_union_and_limit),
      cmocka_unit_test(test_explain_shows_pushdown_and_folding),
      cmocka_unit_test(test_plan_errors_name_operator_and_column),
      cmocka_unit_test(test_join_on_dense_and_sparse_integer_keys_gives_the_same_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
