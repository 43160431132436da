/* test_expr.c — expressions: arithmetic (ints, floats, exact decimals and their
 * overflow), comparisons, three-valued logic, null handling, casts, strings,
 * dates and HMAC, each with nulls and edge cases written out. */
#include "support.h"

#include "compute_test_util.h"

/* Evaluates expr over batch, failing the test on error; caller frees. */
static md_column *eval_ok(md_expr *expr, md_batch *batch) {
  md_column *out = NULL;
  md_error err;
  md_code code = md_expr_eval(expr, batch, &out, &err);
  if (code != MD_OK) fail_msg("eval failed: %s", err.message);
  md_expr_free(expr);
  return out;
}

static md_code eval_err(md_expr *expr, md_batch *batch, md_error *err) {
  md_column *out = NULL;
  md_code code = md_expr_eval(expr, batch, &out, err);
  md_expr_free(expr);
  assert_null(out);
  return code;
}

static md_batch *ints_batch(void) {
  int64_t a[] = {1, 2, NUL, INT64_MAX, -5};
  int64_t b[] = {10, NUL, 3, 0, 7};
  const char *names[] = {"a", "b"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, a, 5), int_col(MD_TYPE_INT32, b, 5)};
  return make_batch(2, names, cols);
}

static void test_int_arithmetic_propagates_nulls(void **state) {
  (void)state;
  md_batch *batch = ints_batch();
  md_column *sum = eval_ok(md_add(md_col("a"), md_col("b")), batch);
  assert_int_equal(md_column_type(sum).id, MD_TYPE_INT64);
  assert_int_equal(col_int(sum, 0), 11);
  assert_true(col_null(sum, 1));
  assert_true(col_null(sum, 2));
  assert_int_equal(col_int(sum, 3), INT64_MAX);
  assert_int_equal(col_int(sum, 4), 2);
  md_column_free(sum);
  md_column *product = eval_ok(md_mul(md_col("b"), md_lit_int(-2)), batch);
  assert_int_equal(col_int(product, 4), -14);
  md_column_free(product);
  md_batch_free(batch);
}

static void test_int64_overflow_is_an_error_naming_the_operands(void **state) {
  (void)state;
  md_batch *batch = ints_batch();
  md_error err;
  assert_int_equal(eval_err(md_add(md_col("a"), md_lit_int(1)), batch, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "9223372036854775807 + 1"));
  assert_non_null(strstr(err.message, "row 3"));
  assert_int_equal(eval_err(md_mul(md_col("a"), md_lit_int(2)), batch, &err), MD_ERR_OVERFLOW);
  /* A null row never overflows, whatever sits under it. */
  md_column *ok = eval_ok(md_sub(md_col("b"), md_lit_int(1)), batch);
  assert_true(col_null(ok, 1));
  md_column_free(ok);
  md_batch_free(batch);
}

static void test_division_gives_float_and_null_for_zero(void **state) {
  (void)state;
  md_batch *batch = ints_batch();
  md_column *q = eval_ok(md_div(md_col("a"), md_col("b")), batch);
  assert_int_equal(md_column_type(q).id, MD_TYPE_FLOAT64);
  assert_true(col_dbl(q, 0) == 0.1);
  assert_true(col_null(q, 3)); /* divided by zero */
  assert_true(col_null(q, 2));
  md_column_free(q);
  md_batch_free(batch);
}

static void test_decimal_add_and_multiply_are_exact_with_documented_types(void **state) {
  (void)state;
  int64_t x[] = {1234, -5, NUL};  /* 12.34, -0.05 */
  int64_t y[] = {1, 1005, 100};   /* 0.001, 1.005, 0.100 */
  const char *names[] = {"x", "y"};
  md_column *cols[] = {dec_col(12, 2, x, 3), dec_col(10, 3, y, 3)};
  md_batch *batch = make_batch(2, names, cols);
  md_column *sum = eval_ok(md_add(md_col("x"), md_col("y")), batch);
  md_type t = md_column_type(sum);
  assert_int_equal(t.id, MD_TYPE_DECIMAL128);
  assert_int_equal(t.precision, 14); /* max(10, 7) + 3 + 1 */
  assert_int_equal(t.scale, 3);
  assert_int_equal(col_dec_low(sum, 0), 12341);
  assert_int_equal(col_dec_low(sum, 1), 955);
  assert_true(col_null(sum, 2));
  md_column_free(sum);
  md_column *product = eval_ok(md_mul(md_col("x"), md_col("y")), batch);
  t = md_column_type(product);
  assert_int_equal(t.precision, 23);
  assert_int_equal(t.scale, 5);
  assert_int_equal(col_dec_low(product, 1), -5025); /* -0.05 * 1.005 = -0.05025 */
  md_column_free(product);
  /* decimal * int keeps the decimal's scale. */
  md_column *times = eval_ok(md_mul(md_col("x"), md_lit_int32(3)), batch);
  assert_int_equal(md_column_type(times).scale, 2);
  assert_int_equal(col_dec_low(times, 0), 3702);
  md_column_free(times);
  md_batch_free(batch);
}

static void test_decimal_overflow_is_an_error_not_a_wrap(void **state) {
  (void)state;
  /* 10^37 as decimal(38,0): times 100 needs 40 digits. */
  md_column *c = md_column_new(md_type_decimal(38, 0));
  __int128 big = 1;
  for (int i = 0; i < 37; i++) big *= 10;
  md_column_append_decimal(c, (int64_t)(big >> 64), (uint64_t)big, NULL);
  const char *names[] = {"d"};
  md_batch *batch = make_batch(1, names, &c);
  md_error err;
  assert_int_equal(eval_err(md_mul(md_col("d"), md_lit_int(100)), batch, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "10000000000000000000000000000000000000"));
  /* A cast that does not fit names the value. */
  assert_int_equal(eval_err(md_cast(md_col("d"), md_type_decimal(18, 2)), batch, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "decimal(18,2)"));
  md_batch_free(batch);
}

static void test_comparisons_across_numeric_types_and_strings(void **state) {
  (void)state;
  int64_t d[] = {1250, 1300, NUL};
  const char *s[] = {"abc", "abd", "ab"};
  int64_t i[] = {12, 13, 14};
  const char *names[] = {"d", "s", "i"};
  md_column *cols[] = {dec_col(12, 2, d, 3), str_col(s, 3), int_col(MD_TYPE_INT32, i, 3)};
  md_batch *batch = make_batch(3, names, cols);
  md_column *gt = eval_ok(md_gt(md_col("d"), md_col("i")), batch); /* 12.50 > 12, 13.00 > 13 */
  assert_true(col_bool(gt, 0));
  assert_false(col_bool(gt, 1));
  assert_true(col_null(gt, 2));
  md_column_free(gt);
  md_column *eq = eval_ok(md_eq(md_col("d"), md_lit_double(13.0)), batch);
  assert_false(col_bool(eq, 0));
  assert_true(col_bool(eq, 1));
  md_column_free(eq);
  md_column *lt = eval_ok(md_lt(md_col("s"), md_lit_str("abd")), batch);
  assert_true(col_bool(lt, 0));
  assert_false(col_bool(lt, 1));
  assert_true(col_bool(lt, 2)); /* a prefix sorts first */
  md_column_free(lt);
  md_batch_free(batch);
}

static void test_and_or_not_follow_three_valued_logic(void **state) {
  (void)state;
  /* Every pair of {true, false, null}. */
  md_column *a = md_column_new(md_type_make(MD_TYPE_BOOL)), *b = md_column_new(md_type_make(MD_TYPE_BOOL));
  int values[3] = {1, 0, -1};
  for (int x = 0; x < 3; x++)
    for (int y = 0; y < 3; y++) {
      if (values[x] < 0) md_column_append_null(a, NULL);
      else md_column_append_bool(a, values[x], NULL);
      if (values[y] < 0) md_column_append_null(b, NULL);
      else md_column_append_bool(b, values[y], NULL);
    }
  const char *names[] = {"a", "b"};
  md_column *cols[] = {a, b};
  md_batch *batch = make_batch(2, names, cols);
  md_column *and = eval_ok(md_and(md_col("a"), md_col("b")), batch);
  md_column *or = eval_ok(md_or(md_col("a"), md_col("b")), batch);
  md_column *not = eval_ok(md_not(md_col("a")), batch);
  /* expected: 1 true, 0 false, -1 null */
  int want_and[9] = {1, 0, -1, 0, 0, 0, -1, 0, -1};
  int want_or[9] = {1, 1, 1, 1, 0, -1, 1, -1, -1};
  int want_not[9] = {0, 0, 0, 1, 1, 1, -1, -1, -1};
  for (int i = 0; i < 9; i++) {
    int got_and = col_null(and, i) ? -1 : col_bool(and, i);
    int got_or = col_null(or, i) ? -1 : col_bool(or, i);
    int got_not = col_null(not, i) ? -1 : col_bool(not, i);
    assert_int_equal(got_and, want_and[i]);
    assert_int_equal(got_or, want_or[i]);
    assert_int_equal(got_not, want_not[i]);
  }
  md_column_free(and);
  md_column_free(or);
  md_column_free(not);
  md_batch_free(batch);
}

static void test_is_null_coalesce_nullif_and_case_when(void **state) {
  (void)state;
  md_batch *batch = ints_batch();
  md_column *isnull = eval_ok(md_is_null(md_col("b")), batch);
  assert_true(col_bool(isnull, 1));
  assert_false(col_bool(isnull, 0));
  assert_int_equal(md_column_null_count(isnull), 0);
  md_column_free(isnull);
  md_expr *args[] = {md_col("b"), md_col("a"), md_lit_int(0)};
  md_column *first = eval_ok(md_coalesce(args, 3), batch);
  assert_int_equal(md_column_type(first).id, MD_TYPE_INT64);
  assert_int_equal(col_int(first, 0), 10);
  assert_int_equal(col_int(first, 1), 2);
  assert_int_equal(col_int(first, 2), 3);
  md_column_free(first);
  md_column *nullif = eval_ok(md_nullif(md_col("b"), md_lit_int(0)), batch);
  assert_true(col_null(nullif, 3));
  assert_int_equal(col_int(nullif, 4), 7);
  md_column_free(nullif);
  /* CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN 'none' END (no else: null) */
  md_expr *conds[] = {md_gt(md_col("a"), md_lit_int(1)), md_is_null(md_col("a"))};
  md_expr *values[] = {md_lit_str("big"), md_lit_str("none")};
  md_column *c = eval_ok(md_case_when(conds, values, 2, NULL), batch);
  assert_int_equal(md_column_type(c).id, MD_TYPE_UTF8);
  assert_true(col_null(c, 0));
  assert_string_equal(col_str(c, 1), "big");
  assert_string_equal(col_str(c, 2), "none");
  assert_true(col_null(c, 4));
  md_column_free(c);
  md_batch_free(batch);
}

static void test_casts_check_fit_and_name_the_value(void **state) {
  (void)state;
  int64_t v[] = {300, -1, NUL};
  const char *s[] = {"12.345", "-7", "abc"};
  const char *names[] = {"v", "s"};
  md_column *cols[] = {int_col(MD_TYPE_INT64, v, 3), str_col(s, 3)};
  md_batch *batch = make_batch(2, names, cols);
  md_error err;
  assert_int_equal(eval_err(md_cast(md_col("v"), md_type_make(MD_TYPE_INT8)), batch, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "300 does not fit in int8"));
  assert_int_equal(eval_err(md_cast(md_col("v"), md_type_make(MD_TYPE_UINT32)), batch, &err), MD_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "-1"));
  md_column *i16 = eval_ok(md_cast(md_col("v"), md_type_make(MD_TYPE_INT16)), batch);
  assert_int_equal(col_int(i16, 0), 300);
  assert_true(col_null(i16, 2));
  md_column_free(i16);
  assert_int_equal(eval_err(md_cast(md_col("s"), md_type_make(MD_TYPE_INT32)), batch, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "'12.345'"));
  md_column *dec = eval_ok(md_cast(md_lit_str("12.345"), md_type_decimal(5, 2)), batch);
  assert_int_equal(col_dec_low(dec, 0), 1235); /* rounded half away from zero */
  md_column_free(dec);
  dec = eval_ok(md_cast(md_lit_str("-7"), md_type_decimal(5, 2)), batch);
  assert_int_equal(col_dec_low(dec, 0), -700);
  md_column_free(dec);
  assert_int_equal(eval_err(md_cast(md_col("s"), md_type_decimal(5, 2)), batch, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "row 2: 'abc' is not a valid decimal(5,2)"));
  md_error_clear(&err);
  md_column *text = eval_ok(md_cast(md_lit_decimal(-5, 5, 2), md_type_make(MD_TYPE_UTF8)), batch);
  assert_string_equal(col_str(text, 0), "-0.05");
  md_column_free(text);
  md_column *date = eval_ok(md_cast(md_lit_str("2024-02-29"), md_type_make(MD_TYPE_DATE32)), batch);
  assert_int_equal(col_int(date, 0), 19782);
  md_column_free(date);
  assert_int_equal(eval_err(md_cast(md_lit_str("2023-02-29"), md_type_make(MD_TYPE_DATE32)), batch, &err),
                   MD_ERR_INVALID);
  md_batch_free(batch);
}

/* Trim, upper, lower and nullif hand back their input column (shared) when
 * nothing changes; the values must be the same either way. */
static void test_string_functions_on_clean_values_share_their_input(void **state) {
  (void)state;
  const char *s[] = {"ABC", "X Y", NULL, "\xc3\xa9T\xc3\xa9", "Q"};
  const char *names[] = {"s"};
  md_column *cols[] = {str_col(s, 5)};
  md_batch *batch = make_batch(1, names, cols);
  md_expr *exprs[] = {md_trim(md_col("s")), md_upper(md_col("s")), md_nullif(md_col("s"), md_lit_str("")),
                      md_lower(md_col("s"))};
  for (int e = 0; e < 4; e++) {
    md_column *r = eval_ok(exprs[e], batch);
    if (e < 3) assert_ptr_equal(r, md_batch_column(batch, 0));
    for (int i = 0; i < 5; i++) {
      assert_int_equal(col_null(r, i), s[i] == NULL);
      if (!s[i]) continue;
      char want[16];
      snprintf(want, sizeof want, "%s", s[i]);
      for (char *c = want; e == 3 && *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
      assert_string_equal(col_str(r, i), want);
    }
    md_column_free(r);
  }
  md_batch_free(batch);
}

static void test_string_functions_touch_ascii_only_and_count_characters(void **state) {
  (void)state;
  const char *s[] = {" \t\xc3\xa9" "clair\r\n\v\f", "h\xc3\xa9llo", NULL, "", "  "};
  const char *names[] = {"s"};
  md_column *cols[] = {str_col(s, 5)};
  md_batch *batch = make_batch(1, names, cols);
  md_column *t = eval_ok(md_upper(md_trim(md_col("s"))), batch);
  assert_string_equal(col_str(t, 0), "\xc3\xa9" "CLAIR");
  assert_string_equal(col_str(t, 1), "H\xc3\xa9LLO");
  assert_true(col_null(t, 2));
  assert_string_equal(col_str(t, 4), "");
  md_column_free(t);
  md_column *lower = eval_ok(md_lower(md_lit_str("AbC\xc3\x89")), batch);
  assert_string_equal(col_str(lower, 0), "abc\xc3\x89"); /* É is not ASCII: kept */
  md_column_free(lower);
  md_column *len = eval_ok(md_length(md_col("s")), batch);
  assert_int_equal(col_int(len, 1), 5);
  assert_int_equal(col_int(len, 3), 0);
  assert_true(col_null(len, 2));
  md_column_free(len);
  md_column *sub = eval_ok(md_substring(md_col("s"), 2, 3), batch);
  assert_string_equal(col_str(sub, 1), "\xc3\xa9ll");
  md_column_free(sub);
  md_column *tail = eval_ok(md_substring(md_col("s"), 0, 2), batch);
  assert_string_equal(col_str(tail, 1), "h");
  md_column_free(tail);
  md_column *sw = eval_ok(md_starts_with(md_col("s"), "h\xc3\xa9"), batch);
  assert_true(col_bool(sw, 1));
  assert_false(col_bool(sw, 0));
  assert_true(col_null(sw, 2));
  md_column_free(sw);
  md_expr *parts[] = {md_lit_str("<"), md_col("s"), md_lit_str(">")};
  md_column *cat = eval_ok(md_concat(parts, 3), batch);
  assert_string_equal(col_str(cat, 1), "<h\xc3\xa9llo>");
  assert_true(col_null(cat, 2));
  md_column_free(cat);
  md_column *empty_null = eval_ok(md_nullif(md_trim(md_col("s")), md_lit_str("")), batch);
  assert_true(col_null(empty_null, 3));
  assert_true(col_null(empty_null, 4));
  assert_false(col_null(empty_null, 1));
  md_column_free(empty_null);
  md_batch_free(batch);
}

static void test_in_set_is_null_when_unmatched_and_the_set_holds_null(void **state) {
  (void)state;
  const char *s[] = {"LOW", "high", NULL};
  const char *names[] = {"s"};
  md_column *cols[] = {str_col(s, 3)};
  md_batch *batch = make_batch(1, names, cols);
  md_scalar set[3];
  memset(set, 0, sizeof set);
  const char *words[] = {"LOW", "MEDIUM", "HIGH"};
  for (int i = 0; i < 3; i++) {
    set[i].type = md_type_make(MD_TYPE_UTF8);
    set[i].v.bytes.ptr = (const uint8_t *)words[i];
    set[i].v.bytes.length = (int64_t)strlen(words[i]);
  }
  md_column *in = eval_ok(md_in_set(md_col("s"), set, 3), batch);
  assert_true(col_bool(in, 0));
  assert_false(col_bool(in, 1));
  assert_false(col_null(in, 1));
  assert_true(col_null(in, 2));
  md_column_free(in);
  set[2].is_null = true;
  md_column *with_null = eval_ok(md_in_set(md_col("s"), set, 3), batch);
  assert_true(col_bool(with_null, 0));
  assert_true(col_null(with_null, 1));
  md_column_free(with_null);
  /* Numbers are promoted: int32 values against an int64 set. */
  md_scalar nums[2];
  memset(nums, 0, sizeof nums);
  nums[0].type = md_type_make(MD_TYPE_INT64);
  nums[0].v.i = 5;
  nums[1] = nums[0];
  nums[1].v.i = 7;
  md_column *n = eval_ok(md_in_set(md_lit_int32(7), nums, 2), batch);
  assert_true(col_bool(n, 0));
  md_column_free(n);
  md_batch_free(batch);
}

static void test_date_functions_and_the_29_february_birthday(void **state) {
  (void)state;
  int64_t born[] = {-3594, 19782, NUL, -25567}; /* 1960-02-29, 2024-02-29, null, 1900-01-01 */
  int64_t asof[] = {20147, 20148, 20147, 20147}; /* 2025-02-28, 2025-03-01 */
  const char *names[] = {"born", "asof"};
  md_column *cols[] = {int_col(MD_TYPE_DATE32, born, 4), int_col(MD_TYPE_DATE32, asof, 4)};
  md_batch *batch = make_batch(2, names, cols);
  md_column *age = eval_ok(md_years_between(md_col("born"), md_col("asof")), batch);
  assert_int_equal(col_int(age, 0), 64); /* 29 Feb not yet reached on 28 Feb 2025 */
  assert_int_equal(col_int(age, 1), 1);  /* reached on 1 March */
  assert_true(col_null(age, 2));
  assert_int_equal(col_int(age, 3), 125);
  md_column_free(age);
  md_column *year = eval_ok(md_year(md_col("born")), batch);
  md_column *month = eval_ok(md_month(md_col("born")), batch);
  md_column *first = eval_ok(md_first_of_month(md_col("born")), batch);
  assert_int_equal(col_int(year, 0), 1960);
  assert_int_equal(col_int(month, 0), 2);
  assert_int_equal(col_int(first, 1), 19782 - 28);
  assert_int_equal(col_int(year, 3), 1900);
  md_column_free(year);
  md_column_free(month);
  md_column_free(first);
  md_column *days = eval_ok(md_days_between(md_col("born"), md_col("asof")), batch);
  assert_int_equal(col_int(days, 1), 366);
  md_column_free(days);
  md_column *later = eval_ok(md_add_days(md_col("born"), md_lit_int(-365)), batch);
  assert_int_equal(col_int(later, 1), 19782 - 365);
  md_column_free(later);
  /* Timestamps use their date part, also before 1970. */
  md_column *ts = md_column_new(md_type_timestamp(MD_MICRO, false));
  md_column_append_int(ts, -1, NULL); /* 1969-12-31T23:59:59.999999 */
  const char *tn[] = {"ts"};
  md_batch *tb = make_batch(1, tn, &ts);
  md_column *ty = eval_ok(md_year(md_col("ts")), tb);
  assert_int_equal(col_int(ty, 0), 1969);
  md_column_free(ty);
  md_batch_free(tb);
  md_batch_free(batch);
}

static void test_hmac_is_lower_hex_and_computed_per_distinct_value(void **state) {
  (void)state;
  const char *s[] = {"P00012345", NULL, "P00012345", ""};
  const char *names[] = {"p"};
  md_column *cols[] = {str_col(s, 4)};
  md_batch *batch = make_batch(1, names, cols);
  const char *key = "medallion-test-key";
  md_column *h = eval_ok(md_hmac_sha256_hex(md_col("p"), key, strlen(key)), batch);
  assert_string_equal(col_str(h, 0), "8d61e5e3190ec9556a8c031e2778b5f8eac2288c20faf5292bc5a4feb19ecb75");
  assert_true(col_null(h, 1));
  assert_string_equal(col_str(h, 2), "8d61e5e3190ec9556a8c031e2778b5f8eac2288c20faf5292bc5a4feb19ecb75");
  assert_string_equal(col_str(h, 3), "97a1ba0d998a9f799d9a32dbb75518071ba62d74a95fc15469e55c661e000e0d");
  md_column_free(h);
  char text[256];
  md_expr *e = md_hmac_sha256_hex(md_col("p"), key, strlen(key));
  md_expr_format(e, text, sizeof text);
  assert_null(strstr(text, key)); /* the key never appears in plans or errors */
  md_expr_free(e);
  md_batch_free(batch);
}

static void test_empty_and_all_null_columns(void **state) {
  (void)state;
  const char *names[] = {"a"};
  md_column *empty[] = {md_column_new(md_type_make(MD_TYPE_INT64))};
  md_batch *batch = make_batch(1, names, empty);
  md_column *r = eval_ok(md_add(md_col("a"), md_lit_int(1)), batch);
  assert_int_equal(md_column_length(r), 0);
  md_column_free(r);
  md_batch_free(batch);
  int64_t nulls[] = {NUL, NUL};
  md_column *all_null[] = {int_col(MD_TYPE_INT64, nulls, 2)};
  batch = make_batch(1, names, all_null);
  r = eval_ok(md_gt(md_mul(md_col("a"), md_lit_int(INT64_MAX)), md_lit_int(0)), batch);
  assert_int_equal(md_column_null_count(r), 2);
  md_column_free(r);
  r = eval_ok(md_add(md_col("a"), md_lit_null(md_type_make(MD_TYPE_NULL))), batch);
  assert_int_equal(md_column_null_count(r), 2);
  md_column_free(r);
  md_batch_free(batch);
}

static void test_unknown_columns_and_bad_types_are_reported(void **state) {
  (void)state;
  md_batch *batch = ints_batch();
  md_error err;
  assert_int_equal(eval_err(md_add(md_col("nope"), md_lit_int(1)), batch, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "nope"));
  assert_int_equal(eval_err(md_add(md_col("a"), md_lit_str("x")), batch, &err), MD_ERR_SCHEMA);
  assert_int_equal(eval_err(md_upper(md_col("a")), batch, &err), MD_ERR_SCHEMA);
  md_type t;
  md_expr *e = md_and(md_gt(md_col("a"), md_col("b")), md_is_null(md_col("b")));
  assert_int_equal(md_expr_result_type(e, md_batch_schema(batch), &t, &err), MD_OK);
  assert_int_equal(t.id, MD_TYPE_BOOL);
  md_expr_free(e);
  md_batch_free(batch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int_arithmetic_propagates_nulls),
      cmocka_unit_test(test_int64_overflow_is_an_error_naming_the_operands),
      cmocka_unit_test(test_division_gives_float_and_null_for_zero),
      cmocka_unit_test(test_decimal_add_and_multiply_are_exact_with_documented_types),
      cmocka_unit_test(test_decimal_overflow_is_an_error_not_a_wrap),
      cmocka_unit_test(test_comparisons_across_numeric_types_and_strings),
      cmocka_unit_test(test_and_or_not_follow_three_valued_logic),
      cmocka_unit_test(test_is_null_coalesce_nullif_and_case_when),
      cmocka_unit_test(test_string_functions_on_clean_values_share_their_input),
      cmocka_unit_test(test_casts_check_fit_and_name_the_value),
      cmocka_unit_test(test_string_functions_touch_ascii_only_and_count_characters),
      cmocka_unit_test(test_in_set_is_null_when_unmatched_and_the_set_holds_null),
      cmocka_unit_test(test_date_functions_and_the_29_february_birthday),
      cmocka_unit_test(test_hmac_is_lower_hex_and_computed_per_distinct_value),
      cmocka_unit_test(test_empty_and_all_null_columns),
      cmocka_unit_test(test_unknown_columns_and_bad_types_are_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
