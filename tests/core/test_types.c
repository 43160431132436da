/* test_types.c — md_type constructors, equality, widths, names and the
 * ordering of md_scalar values. */
#include "support.h"

#include <math.h>
#include <string.h>

#include "medallion/core.h"

static void assert_type_name(md_type type, const char *expected) {
  char buf[64];
  md_type_to_string(type, buf, sizeof buf);
  assert_string_equal(buf, expected);
}

static void test_type_to_string_names_parameters(void **state) {
  (void)state;
  assert_type_name(md_type_make(MD_TYPE_INT64), "int64");
  assert_type_name(md_type_make(MD_TYPE_BOOL), "bool");
  assert_type_name(md_type_make(MD_TYPE_UTF8), "utf8");
  assert_type_name(md_type_decimal(12, 2), "decimal(12,2)");
  assert_type_name(md_type_timestamp(MD_MICRO, true), "timestamp[us, UTC]");
  assert_type_name(md_type_timestamp(MD_NANO, false), "timestamp[ns]");
  assert_type_name(md_type_fixed_binary(16), "fixed_size_binary[16]");
  assert_type_name(md_type_time(MD_MILLI), "time32[ms]");
  assert_type_name(md_type_time(MD_NANO), "time64[ns]");
  assert_type_name(md_type_make(MD_TYPE_LIST), "list");
}

static void test_type_to_string_truncates_to_buffer(void **state) {
  (void)state;
  char buf[6];
  memset(buf, 'x', sizeof buf);
  md_type_to_string(md_type_timestamp(MD_MICRO, true), buf, sizeof buf);
  assert_string_equal(buf, "times");
  md_type_to_string(md_type_make(MD_TYPE_INT8), buf, 0); /* must not write */
  assert_string_equal(buf, "times");
}

static void test_type_time_picks_width_by_unit(void **state) {
  (void)state;
  assert_int_equal(md_type_time(MD_SECOND).id, MD_TYPE_TIME32);
  assert_int_equal(md_type_time(MD_MILLI).id, MD_TYPE_TIME32);
  assert_int_equal(md_type_time(MD_MICRO).id, MD_TYPE_TIME64);
  assert_int_equal(md_type_time(MD_NANO).id, MD_TYPE_TIME64);
}

static void test_type_equal_compares_parameters(void **state) {
  (void)state;
  assert_true(md_type_equal(md_type_decimal(12, 2), md_type_decimal(12, 2)));
  assert_false(md_type_equal(md_type_decimal(12, 2), md_type_decimal(12, 3)));
  assert_false(md_type_equal(md_type_timestamp(MD_MICRO, true), md_type_timestamp(MD_MICRO, false)));
  assert_false(md_type_equal(md_type_timestamp(MD_MICRO, true), md_type_timestamp(MD_NANO, true)));
  assert_false(md_type_equal(md_type_fixed_binary(4), md_type_fixed_binary(8)));
  assert_false(md_type_equal(md_type_make(MD_TYPE_INT32), md_type_make(MD_TYPE_UINT32)));
  assert_true(md_type_equal(md_type_make(MD_TYPE_UTF8), md_type_make(MD_TYPE_UTF8)));
}

static void test_type_fixed_width_by_layout(void **state) {
  (void)state;
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_INT8)), 1);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_UINT16)), 2);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_DATE32)), 4);
  assert_int_equal(md_type_fixed_width(md_type_time(MD_MILLI)), 4);
  assert_int_equal(md_type_fixed_width(md_type_timestamp(MD_MICRO, false)), 8);
  assert_int_equal(md_type_fixed_width(md_type_decimal(38, 0)), 16);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_INTERVAL_MDN)), 16);
  assert_int_equal(md_type_fixed_width(md_type_fixed_binary(5)), 5);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_BOOL)), 0);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_UTF8)), 0);
  assert_int_equal(md_type_fixed_width(md_type_make(MD_TYPE_STRUCT)), 0);
  assert_true(md_type_is_variable(md_type_make(MD_TYPE_BINARY)));
  assert_false(md_type_is_variable(md_type_fixed_binary(3)));
  assert_true(md_type_is_nested(md_type_make(MD_TYPE_MAP)));
  assert_false(md_type_is_nested(md_type_make(MD_TYPE_UTF8)));
}

static md_scalar int_scalar(int64_t v) {
  md_scalar s = {.type = md_type_make(MD_TYPE_INT64)};
  s.v.i = v;
  return s;
}

static void test_scalar_compare_puts_nulls_first(void **state) {
  (void)state;
  md_scalar a = int_scalar(-5), null = int_scalar(0);
  null.is_null = true;
  assert_true(md_scalar_compare(&null, &a) < 0);
  assert_true(md_scalar_compare(&a, &null) > 0);
  assert_int_equal(md_scalar_compare(&null, &null), 0);
  md_scalar b = int_scalar(3);
  assert_true(md_scalar_compare(&a, &b) < 0);
  assert_int_equal(md_scalar_compare(&b, &b), 0);
}

static void test_scalar_compare_puts_nan_last(void **state) {
  (void)state;
  md_scalar nan = {.type = md_type_make(MD_TYPE_FLOAT64)}, big = nan, small = nan;
  nan.v.f = NAN;
  big.v.f = INFINITY;
  small.v.f = -1.5;
  assert_true(md_scalar_compare(&nan, &big) > 0);
  assert_true(md_scalar_compare(&small, &nan) < 0);
  assert_int_equal(md_scalar_compare(&nan, &nan), 0);
  assert_true(md_scalar_compare(&small, &big) < 0);
}

static void test_scalar_compare_bytes_unsigned_lexicographic(void **state) {
  (void)state;
  md_scalar a = {.type = md_type_make(MD_TYPE_UTF8)}, b = a;
  a.v.bytes.ptr = (const uint8_t *)"\xc3\xa9";
  a.v.bytes.length = 2; /* "é" sorts after "z" by bytes */
  b.v.bytes.ptr = (const uint8_t *)"z";
  b.v.bytes.length = 1;
  assert_true(md_scalar_compare(&a, &b) > 0);
  md_scalar prefix = b;
  prefix.v.bytes.length = 0;
  assert_true(md_scalar_compare(&prefix, &b) < 0);
  md_scalar with_nul = {.type = md_type_make(MD_TYPE_BINARY)}, plain = with_nul;
  with_nul.v.bytes.ptr = (const uint8_t *)"a\0b";
  with_nul.v.bytes.length = 3;
  plain.v.bytes.ptr = (const uint8_t *)"a";
  plain.v.bytes.length = 1;
  assert_true(md_scalar_compare(&with_nul, &plain) > 0);
}

static void test_scalar_compare_decimal_and_unsigned(void **state) {
  (void)state;
  md_scalar neg = {.type = md_type_decimal(38, 0)}, pos = neg;
  neg.v.decimal.high = -1;
  neg.v.decimal.low = UINT64_MAX; /* -1 */
  pos.v.decimal.high = 0;
  pos.v.decimal.low = 1;
  assert_true(md_scalar_compare(&neg, &pos) < 0);
  md_scalar big = {.type = md_type_make(MD_TYPE_UINT64)}, one = big;
  big.v.u = UINT64_MAX;
  one.v.u = 1;
  assert_true(md_scalar_compare(&big, &one) > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_to_string_names_parameters),
      cmocka_unit_test(test_type_to_string_truncates_to_buffer),
      cmocka_unit_test(test_type_time_picks_width_by_unit),
      cmocka_unit_test(test_type_equal_compares_parameters),
      cmocka_unit_test(test_type_fixed_width_by_layout),
      cmocka_unit_test(test_scalar_compare_puts_nulls_first),
      cmocka_unit_test(test_scalar_compare_puts_nan_last),
      cmocka_unit_test(test_scalar_compare_bytes_unsigned_lexicographic),
      cmocka_unit_test(test_scalar_compare_decimal_and_unsigned),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
