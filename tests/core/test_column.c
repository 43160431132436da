/* test_column.c — flat columns: appends of every kind, nulls, empty and
 * all-null columns, strings, refcounting and the bulk-building API. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static void test_column_empty_utf8_has_one_zero_offset(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  assert_non_null(c);
  assert_int_equal(md_column_length(c), 0);
  assert_non_null(md_column_offsets(c));
  assert_int_equal(md_column_offsets(c)[0], 0);
  assert_int_equal(md_column_data_size(c), 0);
  assert_null(md_column_validity(c));
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
  md_column_free(NULL);
}

static void test_column_int_appends_truncate_to_width(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT8));
  assert_int_equal(md_column_append_int(c, 300, NULL), MD_OK); /* 300 mod 256 = 44 */
  assert_int_equal(md_column_append_int(c, -1, NULL), MD_OK);
  const int8_t *v = md_column_values(c);
  assert_int_equal(v[0], 44);
  assert_int_equal(v[1], -1);
  md_column_free(c);
  c = md_column_new(md_type_make(MD_TYPE_UINT32));
  assert_int_equal(md_column_append_int(c, 0xffffffffLL, NULL), MD_OK);
  assert_int_equal(((const uint32_t *)md_column_values(c))[0], 0xffffffffu);
  md_column_free(c);
}

static void test_column_int64_with_nulls_counts_and_reads_them(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int64_t i = 0; i < 100; i++) {
    md_code code = (i % 7 == 3) ? md_column_append_null(c, NULL) : md_column_append_int(c, i * 1000, NULL);
    assert_int_equal(code, MD_OK);
  }
  assert_int_equal(md_column_length(c), 100);
  assert_int_equal(md_column_null_count(c), 14);
  assert_non_null(md_column_validity(c));
  const int64_t *v = md_column_values(c);
  for (int64_t i = 0; i < 100; i++) {
    assert_int_equal(md_column_is_null(c, i), i % 7 == 3);
    if (i % 7 != 3) assert_int_equal(v[i], i * 1000);
  }
  assert_int_equal(md_column_data_size(c), 800);
  assert_int_equal((uintptr_t)md_column_values(c) % 64, 0);
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
}

static void test_column_validity_created_late_marks_earlier_rows_valid(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_FLOAT64));
  for (int i = 0; i < 20; i++) assert_int_equal(md_column_append_double(c, i + 0.5, NULL), MD_OK);
  assert_null(md_column_validity(c));
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  for (int i = 0; i < 20; i++) assert_false(md_column_is_null(c, i));
  assert_true(md_column_is_null(c, 20));
  assert_int_equal(md_column_null_count(c), 1);
  assert_true(((const double *)md_column_values(c))[19] == 19.5);
  md_column_free(c);
}

static void test_column_all_null_column(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  assert_int_equal(md_column_append_nulls(c, 37, NULL), MD_OK);
  assert_int_equal(md_column_length(c), 37);
  assert_int_equal(md_column_null_count(c), 37);
  assert_int_equal(md_column_offsets(c)[37], 0);
  for (int i = 0; i < 37; i++) assert_true(md_column_is_null(c, i));
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
  md_column *n = md_column_new(md_type_make(MD_TYPE_NULL));
  assert_int_equal(md_column_append_nulls(n, 5, NULL), MD_OK);
  assert_int_equal(md_column_null_count(n), 5);
  assert_true(md_column_is_null(n, 4));
  assert_null(md_column_validity_mut(n, NULL));
  md_column_free(n);
}

static void test_column_bool_values_are_bit_packed(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_BOOL));
  const bool pattern[10] = {true, false, true, true, false, false, false, true, false, true};
  for (int i = 0; i < 10; i++) assert_int_equal(md_column_append_bool(c, pattern[i], NULL), MD_OK);
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  const uint8_t *bits = md_column_values(c);
  assert_int_equal(bits[0], 0x8d); /* 1,0,1,1,0,0,0,1 LSB first */
  assert_int_equal(bits[1] & 0x03, 0x02);
  assert_int_equal(md_column_data_size(c), 2);
  assert_true(md_column_is_null(c, 10));
  md_column_free(c);
}

static void test_column_strings_keep_non_ascii_and_embedded_nul(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  const char *values[] = {"", "héllo", "日本語", "a\0b", "🙂"};
  const int64_t lengths[] = {0, 6, 9, 3, 4};
  for (int i = 0; i < 5; i++) assert_int_equal(md_column_append_bytes(c, values[i], lengths[i], NULL), MD_OK);
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  const int32_t *offsets = md_column_offsets(c);
  const uint8_t *data = md_column_data(c);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(offsets[i + 1] - offsets[i], lengths[i]);
    if (lengths[i] > 0) assert_memory_equal(data + offsets[i], values[i], (size_t)lengths[i]);
  }
  assert_int_equal(offsets[6], offsets[5]);
  assert_int_equal(md_column_data_size(c), 22);
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
}

static void test_column_validate_rejects_invalid_utf8(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  assert_int_equal(md_column_append_bytes(c, "ok", 2, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(c, "\xc3\x28", 2, NULL), MD_OK);
  md_error err;
  assert_int_equal(md_column_validate(c, true, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "row 1"));
  assert_int_equal(md_column_validate(c, false, NULL), MD_OK);
  md_column_free(c);
  md_column *overlong = md_column_new(md_type_make(MD_TYPE_UTF8));
  md_column_append_bytes(overlong, "\xc0\xaf", 2, NULL);
  assert_int_equal(md_column_validate(overlong, true, NULL), MD_ERR_CORRUPT);
  md_column_free(overlong);
}

static void test_column_fixed_binary_and_decimal(void **state) {
  (void)state;
  md_error err;
  md_column *f = md_column_new(md_type_fixed_binary(4));
  assert_int_equal(md_column_append_bytes(f, "ab\0d", 4, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(f, "abc", 3, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_length(f), 1);
  assert_memory_equal(md_column_values(f), "ab\0d", 4);
  md_column_free(f);
  assert_null(md_column_new(md_type_fixed_binary(0)));
  md_column *d = md_column_new(md_type_decimal(12, 2));
  assert_int_equal(md_column_append_decimal(d, -1, (uint64_t)-12345, NULL), MD_OK); /* -123.45 */
  const uint8_t *bytes = md_column_values(d);
  int64_t low, high;
  memcpy(&low, bytes, 8);
  memcpy(&high, bytes + 8, 8);
  assert_int_equal(low, -12345);
  assert_int_equal(high, -1);
  assert_int_equal(md_column_validate(d, true, NULL), MD_OK);
  md_column_free(d);
}

static void test_column_refuses_appends_of_the_wrong_type(void **state) {
  (void)state;
  md_error err;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT32));
  assert_int_equal(md_column_append_bytes(c, "x", 1, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "int32"));
  assert_int_equal(md_column_append_double(c, 1.0, NULL), MD_ERR_SCHEMA);
  assert_int_equal(md_column_append_bool(c, true, NULL), MD_ERR_SCHEMA);
  assert_int_equal(md_column_append_list(c, NULL), MD_ERR_SCHEMA);
  assert_int_equal(md_column_length(c), 0);
  md_column_free(c);
}

static void test_column_shared_column_is_read_only(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT32));
  assert_int_equal(md_column_append_int(c, 1, NULL), MD_OK);
  md_column *again = md_column_ref(c);
  assert_ptr_equal(again, c);
  md_error err;
  assert_int_equal(md_column_append_int(c, 2, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "shared"));
  md_column_free(again);
  assert_int_equal(md_column_append_int(c, 2, NULL), MD_OK);
  assert_int_equal(md_column_length(c), 2);
  md_column_free(c);
}

static void test_column_bulk_build_counts_nulls_on_set_length(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT32));
  assert_int_equal(md_column_append_int(c, 7, NULL), MD_OK);
  assert_int_equal(md_column_reserve(c, 1000, 0, NULL), MD_OK);
  int32_t *values = md_column_values_mut(c);
  uint8_t *validity = md_column_validity_mut(c, NULL);
  assert_non_null(validity);
  assert_true(md_bit_get(validity, 0)); /* existing row stays valid */
  for (int i = 1; i <= 1000; i++) {
    values[i] = i;
    if (i % 10 == 0) md_bit_clear(validity, i);
    else md_bit_set(validity, i);
  }
  md_column_set_length(c, 1001);
  assert_int_equal(md_column_length(c), 1001);
  assert_int_equal(md_column_null_count(c), 100);
  assert_int_equal(((const int32_t *)md_column_values(c))[0], 7);
  md_column_set_length(c, 5);
  assert_int_equal(md_column_null_count(c), 0);
  md_column_free(c);
}

static void test_column_bulk_build_strings(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_BINARY));
  assert_int_equal(md_column_reserve(c, 3, 6, NULL), MD_OK);
  int32_t *offsets = md_column_offsets_mut(c);
  uint8_t *data = md_column_data_mut(c);
  memcpy(data, "abcdef", 6);
  offsets[1] = 1;
  offsets[2] = 3;
  offsets[3] = 6;
  md_column_set_length(c, 3);
  assert_int_equal(md_column_data_size(c), 6);
  assert_int_equal(md_column_validate(c, false, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(c, "g", 1, NULL), MD_OK);
  assert_memory_equal(md_column_data(c), "abcdefg", 7);
  md_column_free(c);
}

static void test_column_huge_sizes_fail_with_nomem_instead_of_wrapping(void **state) {
  (void)state;
  md_error err;
  md_column *c = md_column_new(md_type_decimal(10, 0));
  assert_int_equal(md_column_reserve(c, INT64_MAX, 0, &err), MD_ERR_NOMEM);
  assert_int_equal(md_column_reserve(c, INT64_MAX / 16 + 1, 0, &err), MD_ERR_NOMEM);
  assert_int_equal(md_column_reserve(c, -1, 0, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_append_nulls(c, INT64_MAX, &err), MD_ERR_NOMEM);
  assert_int_equal(md_column_length(c), 0);
  md_column_free(c);
  md_column *s = md_column_new(md_type_make(MD_TYPE_UTF8));
  assert_int_equal(md_column_append_bytes(s, "x", 1, NULL), MD_OK);
  assert_int_equal(md_column_reserve(s, 1, INT32_MAX, &err), MD_ERR_NOMEM);
  assert_non_null(strstr(err.message, "int32"));
  assert_int_equal(md_column_reserve(s, 1, INT64_MAX, &err), MD_ERR_NOMEM);
  assert_int_equal(md_column_length(s), 1);
  md_column_free(s);
  md_column *b = md_column_new(md_type_make(MD_TYPE_BOOL));
  assert_int_equal(md_column_reserve(b, INT64_MAX - 1, 0, &err), MD_ERR_NOMEM);
  md_column_free(b);
}

static void test_column_validate_catches_bad_offsets(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  assert_int_equal(md_column_reserve(c, 2, 4, NULL), MD_OK);
  int32_t *offsets = md_column_offsets_mut(c);
  offsets[1] = 3;
  offsets[2] = 1;
  md_column_set_length(c, 2);
  md_error err;
  assert_int_equal(md_column_validate(c, false, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "decrease"));
  offsets[2] = 1 << 20; /* beyond the data buffer */
  assert_int_equal(md_column_validate(c, false, &err), MD_ERR_CORRUPT);
  md_column_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_column_empty_utf8_has_one_zero_offset),
      cmocka_unit_test(test_column_int_appends_truncate_to_width),
      cmocka_unit_test(test_column_int64_with_nulls_counts_and_reads_them),
      cmocka_unit_test(test_column_validity_created_late_marks_earlier_rows_valid),
      cmocka_unit_test(test_column_all_null_column),
      cmocka_unit_test(test_column_bool_values_are_bit_packed),
      cmocka_unit_test(test_column_strings_keep_non_ascii_and_embedded_nul),
      cmocka_unit_test(test_column_validate_rejects_invalid_utf8),
      cmocka_unit_test(test_column_fixed_binary_and_decimal),
      cmocka_unit_test(test_column_refuses_appends_of_the_wrong_type),
      cmocka_unit_test(test_column_shared_column_is_read_only),
      cmocka_unit_test(test_column_bulk_build_counts_nulls_on_set_length),
      cmocka_unit_test(test_column_bulk_build_strings),
      cmocka_unit_test(test_column_huge_sizes_fail_with_nomem_instead_of_wrapping),
      cmocka_unit_test(test_column_validate_catches_bad_offsets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
