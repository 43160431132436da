/* test_column_copy.c — md_column_slice_copy, md_column_append_column,
 * md_column_append_range and md_column_append_rows on flat and nested
 * columns, at byte-unaligned offsets. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "medallion/core.h"

static md_column *strings_with_nulls(int n) {
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  char buf[32];
  for (int i = 0; i < n; i++) {
    if (i % 3 == 2) {
      md_column_append_null(c, NULL);
    } else {
      int len = snprintf(buf, sizeof buf, "v%dé", i);
      md_column_append_bytes(c, buf, len, NULL);
    }
  }
  return c;
}

static void test_copy_slice_of_strings_rebases_offsets(void **state) {
  (void)state;
  md_column *c = strings_with_nulls(50);
  md_column *slice = NULL;
  assert_int_equal(md_column_slice_copy(c, 13, 20, &slice, NULL), MD_OK);
  assert_int_equal(md_column_length(slice), 20);
  assert_int_equal(md_column_offsets(slice)[0], 0);
  const int32_t *so = md_column_offsets(slice), *co = md_column_offsets(c);
  int64_t nulls = 0;
  for (int i = 0; i < 20; i++) {
    assert_int_equal(md_column_is_null(slice, i), md_column_is_null(c, 13 + i));
    nulls += md_column_is_null(c, 13 + i);
    assert_int_equal(so[i + 1] - so[i], co[14 + i] - co[13 + i]);
    assert_memory_equal(md_column_data(slice) + so[i], md_column_data(c) + co[13 + i], (size_t)(so[i + 1] - so[i]));
  }
  assert_int_equal(md_column_null_count(slice), nulls);
  assert_int_equal(md_column_validate(slice, true, NULL), MD_OK);
  md_column_free(slice);
  md_column_free(c);
}

static void test_copy_slice_bounds_are_checked(void **state) {
  (void)state;
  md_column *c = strings_with_nulls(5);
  md_column *slice = (md_column *)0x1;
  md_error err;
  assert_int_equal(md_column_slice_copy(c, 3, 3, &slice, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_slice_copy(c, -1, 1, &slice, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_slice_copy(c, 1, INT64_MAX, &slice, &err), MD_ERR_INVALID);
  assert_ptr_equal(slice, (md_column *)0x1);
  assert_int_equal(md_column_slice_copy(c, 5, 0, &slice, NULL), MD_OK);
  assert_int_equal(md_column_length(slice), 0);
  assert_int_equal(md_column_offsets(slice)[0], 0);
  md_column_free(slice);
  md_column_free(c);
}

static void test_copy_slice_of_bools_at_odd_offset(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_BOOL));
  for (int i = 0; i < 40; i++) md_column_append_bool(c, (i * 7) % 3 == 0, NULL);
  md_column *slice = NULL;
  assert_int_equal(md_column_slice_copy(c, 5, 30, &slice, NULL), MD_OK);
  const uint8_t *bits = md_column_values(slice);
  for (int i = 0; i < 30; i++) assert_int_equal(md_bit_get(bits, i), ((i + 5) * 7) % 3 == 0);
  assert_null(md_column_validity(slice));
  md_column_free(slice);
  md_column_free(c);
}

static void test_copy_append_column_joins_nulls_and_values(void **state) {
  (void)state;
  md_column *a = md_column_new(md_type_make(MD_TYPE_INT16));
  md_column_append_int(a, 1, NULL);
  md_column_append_int(a, 2, NULL);
  md_column *b = md_column_new(md_type_make(MD_TYPE_INT16));
  md_column_append_null(b, NULL);
  md_column_append_int(b, 4, NULL);
  assert_int_equal(md_column_append_column(a, b, NULL), MD_OK);
  assert_int_equal(md_column_append_column(a, a == b ? NULL : b, NULL), MD_OK);
  assert_int_equal(md_column_length(a), 6);
  assert_int_equal(md_column_null_count(a), 2);
  assert_false(md_column_is_null(a, 1));
  assert_true(md_column_is_null(a, 2));
  assert_true(md_column_is_null(a, 4));
  assert_int_equal(((const int16_t *)md_column_values(a))[5], 4);
  md_column *wrong = md_column_new(md_type_make(MD_TYPE_INT32));
  md_error err;
  assert_int_equal(md_column_append_column(a, wrong, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "int32"));
  md_column_free(wrong);
  md_column_free(a);
  md_column_free(b);
}

static void test_copy_slice_of_list_of_structs(void **state) {
  (void)state;
  md_field *field = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  md_field *item = md_field_new("item", md_type_make(MD_TYPE_STRUCT), true);
  md_field_add_child(item, md_field_new("n", md_type_make(MD_TYPE_INT32), true), NULL);
  md_field_add_child(item, md_field_new("s", md_type_make(MD_TYPE_UTF8), true), NULL);
  md_field_add_child(field, item, NULL);
  md_column *c = md_column_new_for_field(field);
  md_field_free(field);
  md_column *st = md_column_child(c, 0);
  /* row i holds i structs {n: i*10+j, s: "j"}; every 4th row is null */
  for (int i = 0; i < 12; i++) {
    if (i % 4 == 3) {
      md_column_append_null(c, NULL);
      continue;
    }
    for (int j = 0; j < i % 3; j++) {
      md_column_append_int(md_column_child(st, 0), i * 10 + j, NULL);
      char s[2] = {(char)('0' + j), 0};
      md_column_append_bytes(md_column_child(st, 1), s, 1, NULL);
      md_column_append_struct(st, NULL);
    }
    md_column_append_list(c, NULL);
  }
  md_column *slice = NULL;
  assert_int_equal(md_column_slice_copy(c, 4, 6, &slice, NULL), MD_OK);
  assert_int_equal(md_column_validate(slice, true, NULL), MD_OK);
  const int32_t *offsets = md_column_offsets(slice);
  assert_int_equal(offsets[0], 0);
  md_column *sst = md_column_child(slice, 0);
  const int32_t *n = md_column_values(md_column_child(sst, 0));
  for (int r = 0; r < 6; r++) {
    int i = r + 4;
    assert_int_equal(md_column_is_null(slice, r), i % 4 == 3);
    int count = i % 4 == 3 ? 0 : i % 3;
    assert_int_equal(offsets[r + 1] - offsets[r], count);
    for (int j = 0; j < count; j++) assert_int_equal(n[offsets[r] + j], i * 10 + j);
  }
  assert_int_equal(md_column_length(sst), offsets[6]);
  md_column *joined = NULL;
  assert_int_equal(md_column_slice_copy(c, 0, 0, &joined, NULL), MD_OK);
  assert_int_equal(md_column_append_column(joined, slice, NULL), MD_OK);
  assert_int_equal(md_column_append_column(joined, c, NULL), MD_OK);
  assert_int_equal(md_column_length(joined), 18);
  assert_int_equal(md_column_validate(joined, true, NULL), MD_OK);
  md_column_free(joined);
  md_column_free(slice);
  md_column_free(c);
}

static void test_append_rows_gathers_strings_ints_and_bools_in_any_order(void **state) {
  (void)state;
  md_column *strings = strings_with_nulls(40);
  md_column *ints = md_column_new(md_type_make(MD_TYPE_INT32)), *bools = md_column_new(md_type_make(MD_TYPE_BOOL));
  for (int i = 0; i < 40; i++) {
    md_column_append_int(ints, i * 7, NULL);
    if (i % 5 == 4) md_column_append_null(bools, NULL);
    else md_column_append_bool(bools, i % 2, NULL);
  }
  const int64_t rows[] = {39, 0, 2, 2, 17, 5, 38, 11, 11, 30};
  const int n = 10;
  md_column *sources[] = {strings, ints, bools};
  for (int s = 0; s < 3; s++) {
    /* dst starts with a few rows so appended offsets and bits must be rebased. */
    md_column *dst = NULL;
    assert_int_equal(md_column_slice_copy(sources[s], 3, 3, &dst, NULL), MD_OK);
    assert_int_equal(md_column_append_rows(dst, sources[s], rows, n, NULL), MD_OK);
    md_column *expect = NULL;
    assert_int_equal(md_column_slice_copy(sources[s], 3, 3, &expect, NULL), MD_OK);
    for (int i = 0; i < n; i++) assert_int_equal(md_column_append_range(expect, sources[s], rows[i], 1, NULL), MD_OK);
    assert_int_equal(md_column_length(dst), 3 + n);
    assert_int_equal(md_column_null_count(dst), md_column_null_count(expect));
    assert_int_equal(md_column_validate(dst, true, NULL), MD_OK);
    for (int i = 0; i < 3 + n; i++) {
      assert_int_equal(md_column_is_null(dst, i), md_column_is_null(expect, i));
      if (md_column_is_null(dst, i)) continue;
      if (s == 0) {
        const int32_t *a = md_column_offsets(dst), *b = md_column_offsets(expect);
        assert_int_equal(a[i + 1] - a[i], b[i + 1] - b[i]);
        assert_memory_equal(md_column_data(dst) + a[i], md_column_data(expect) + b[i], (size_t)(a[i + 1] - a[i]));
      } else if (s == 1) {
        assert_int_equal(((const int32_t *)md_column_values(dst))[i], ((const int32_t *)md_column_values(expect))[i]);
      } else {
        assert_int_equal(md_bit_get(md_column_values(dst), i), md_bit_get(md_column_values(expect), i));
      }
    }
    md_column_free(dst);
    md_column_free(expect);
  }
  md_error err;
  const int64_t bad[] = {1, 40};
  assert_int_equal(md_column_append_rows(ints, ints, bad, 2, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_append_range(bools, ints, 0, 1, &err), MD_ERR_SCHEMA);
  assert_int_equal(md_column_append_range(ints, ints, 39, 2, &err), MD_ERR_INVALID);
  assert_int_equal(md_column_length(ints), 40);
  md_column_free(strings);
  md_column_free(ints);
  md_column_free(bools);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_slice_of_strings_rebases_offsets),
      cmocka_unit_test(test_copy_slice_bounds_are_checked),
      cmocka_unit_test(test_copy_slice_of_bools_at_odd_offset),
      cmocka_unit_test(test_copy_append_column_joins_nulls_and_values),
      cmocka_unit_test(test_copy_slice_of_list_of_structs),
      cmocka_unit_test(test_append_rows_gathers_strings_ints_and_bools_in_any_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
