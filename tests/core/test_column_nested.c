/* test_column_nested.c — LIST, STRUCT and MAP columns built from fields. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static md_field *list_of(md_type element) {
  md_field *list = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  md_field_add_child(list, md_field_new("element", element, true), NULL);
  return list;
}

static void test_nested_list_of_int_with_null_and_empty_lists(void **state) {
  (void)state;
  md_field *field = list_of(md_type_make(MD_TYPE_INT32));
  md_column *c = md_column_new_for_field(field);
  md_field_free(field);
  assert_int_equal(md_column_num_children(c), 1);
  md_column *values = md_column_child(c, 0);
  /* [1, 2], null, [], [null, 3] */
  md_column_append_int(values, 1, NULL);
  md_column_append_int(values, 2, NULL);
  assert_int_equal(md_column_append_list(c, NULL), MD_OK);
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  assert_int_equal(md_column_append_list(c, NULL), MD_OK);
  md_column_append_null(values, NULL);
  md_column_append_int(values, 3, NULL);
  assert_int_equal(md_column_append_list(c, NULL), MD_OK);
  assert_int_equal(md_column_length(c), 4);
  assert_int_equal(md_column_null_count(c), 1);
  const int32_t *offsets = md_column_offsets(c);
  const int32_t expected[] = {0, 2, 2, 2, 4};
  assert_memory_equal(offsets, expected, sizeof expected);
  assert_true(md_column_is_null(c, 1));
  assert_false(md_column_is_null(c, 2));
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
}

static void test_nested_struct_rows_and_null_rows_keep_children_aligned(void **state) {
  (void)state;
  md_field *field = md_field_new("s", md_type_make(MD_TYPE_STRUCT), true);
  md_field_add_child(field, md_field_new("a", md_type_make(MD_TYPE_INT64), false), NULL);
  md_field_add_child(field, md_field_new("b", md_type_make(MD_TYPE_UTF8), true), NULL);
  md_column *c = md_column_new_for_field(field);
  md_field_free(field);
  md_error err;
  assert_int_equal(md_column_append_struct(c, &err), MD_ERR_INVALID); /* children hold no row yet */
  md_column_append_int(md_column_child(c, 0), 10, NULL);
  md_column_append_bytes(md_column_child(c, 1), "x", 1, NULL);
  assert_int_equal(md_column_append_struct(c, NULL), MD_OK);
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  assert_int_equal(md_column_length(c), 2);
  assert_int_equal(md_column_length(md_column_child(c, 0)), 2);
  assert_int_equal(md_column_length(md_column_child(c, 1)), 2);
  assert_true(md_column_is_null(c, 1));
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
}

static md_field *string_int_map(void) {
  md_field *map = md_field_new("m", md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("entries", md_type_make(MD_TYPE_STRUCT), false);
  md_field_add_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), false), NULL);
  md_field_add_child(entries, md_field_new("value", md_type_make(MD_TYPE_INT32), true), NULL);
  md_field_add_child(map, entries, NULL);
  return map;
}

static void test_nested_map_entries_and_null_key_rejected(void **state) {
  (void)state;
  md_field *field = string_int_map();
  md_column *c = md_column_new_for_field(field);
  md_field_free(field);
  md_column *entries = md_column_child(c, 0);
  assert_int_equal(md_column_type(entries).id, MD_TYPE_STRUCT);
  md_column_append_bytes(md_column_child(entries, 0), "k1", 2, NULL);
  md_column_append_int(md_column_child(entries, 1), 1, NULL);
  md_column_append_struct(entries, NULL);
  md_column_append_bytes(md_column_child(entries, 0), "k2", 2, NULL);
  md_column_append_null(md_column_child(entries, 1), NULL);
  md_column_append_struct(entries, NULL);
  assert_int_equal(md_column_append_list(c, NULL), MD_OK);
  assert_int_equal(md_column_append_null(c, NULL), MD_OK);
  assert_int_equal(md_column_offsets(c)[1], 2);
  assert_int_equal(md_column_offsets(c)[2], 2);
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_append_null(md_column_child(entries, 0), NULL);
  md_column_append_int(md_column_child(entries, 1), 5, NULL);
  md_column_append_struct(entries, NULL);
  md_column_append_list(c, NULL);
  md_error err;
  assert_int_equal(md_column_validate(c, true, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "keys"));
  md_column_free(c);
}

static void test_nested_list_of_list_of_strings(void **state) {
  (void)state;
  md_field *outer = md_field_new("ll", md_type_make(MD_TYPE_LIST), true);
  md_field_add_child(outer, list_of(md_type_make(MD_TYPE_UTF8)), NULL);
  md_column *c = md_column_new_for_field(outer);
  md_field_free(outer);
  md_column *inner = md_column_child(c, 0);
  md_column *strings = md_column_child(inner, 0);
  assert_non_null(strings);
  /* [["a", "ü"], []], [[""]] */
  md_column_append_bytes(strings, "a", 1, NULL);
  md_column_append_bytes(strings, "ü", 2, NULL);
  md_column_append_list(inner, NULL);
  md_column_append_list(inner, NULL);
  md_column_append_list(c, NULL);
  md_column_append_bytes(strings, "", 0, NULL);
  md_column_append_list(inner, NULL);
  md_column_append_list(c, NULL);
  assert_int_equal(md_column_length(c), 2);
  assert_int_equal(md_column_length(inner), 3);
  assert_int_equal(md_column_length(strings), 3);
  assert_int_equal(md_column_validate(c, true, NULL), MD_OK);
  md_column_free(c);
}

static void test_nested_list_without_child_refuses_append(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_LIST));
  md_error err;
  assert_int_equal(md_column_append_list(c, &err), MD_ERR_SCHEMA);
  assert_int_equal(md_column_validate(c, false, NULL), MD_ERR_CORRUPT);
  md_column_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_list_of_int_with_null_and_empty_lists),
      cmocka_unit_test(test_nested_struct_rows_and_null_rows_keep_children_aligned),
      cmocka_unit_test(test_nested_map_entries_and_null_key_rejected),
      cmocka_unit_test(test_nested_list_of_list_of_strings),
      cmocka_unit_test(test_nested_list_without_child_refuses_append),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
