/* test_batch.c — record batches: ownership, shape and length checks. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static md_schema *two_field_schema(void) {
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), NULL);
  md_schema_add(schema, md_field_new("name", md_type_make(MD_TYPE_UTF8), true), NULL);
  return schema;
}

static void test_batch_holds_columns_of_equal_length(void **state) {
  (void)state;
  md_column *cols[2] = {md_column_new(md_type_make(MD_TYPE_INT64)), md_column_new(md_type_make(MD_TYPE_UTF8))};
  md_column_append_int(cols[0], 1, NULL);
  md_column_append_bytes(cols[1], "a", 1, NULL);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(two_field_schema(), cols, 2, &batch, NULL), MD_OK);
  assert_int_equal(md_batch_num_rows(batch), 1);
  assert_int_equal(md_batch_num_columns(batch), 2);
  assert_string_equal(md_field_name(md_schema_field(md_batch_schema(batch), 1)), "name");
  md_column *kept = md_column_ref(md_batch_column(batch, 1));
  assert_null(md_batch_column(batch, 2));
  md_batch_free(batch);
  assert_int_equal(md_column_length(kept), 1); /* survives the batch */
  md_column_free(kept);
  md_batch_free(NULL);
}

static void test_batch_rejects_mismatches_and_frees_what_it_was_given(void **state) {
  (void)state;
  md_error err;
  md_batch *batch = NULL;
  md_column *cols[2] = {md_column_new(md_type_make(MD_TYPE_INT64)), md_column_new(md_type_make(MD_TYPE_UTF8))};
  md_column_append_int(cols[0], 1, NULL);
  assert_int_equal(md_batch_new(two_field_schema(), cols, 2, &batch, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "name"));
  assert_null(batch);
  md_column *wrong[2] = {md_column_new(md_type_make(MD_TYPE_INT32)), md_column_new(md_type_make(MD_TYPE_UTF8))};
  assert_int_equal(md_batch_new(two_field_schema(), wrong, 2, &batch, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "int32"));
  md_column *one[1] = {md_column_new(md_type_make(MD_TYPE_INT64))};
  assert_int_equal(md_batch_new(two_field_schema(), one, 1, &batch, &err), MD_ERR_SCHEMA);
  assert_null(batch);
}

static void test_batch_checks_nested_shape(void **state) {
  (void)state;
  md_schema *schema = md_schema_new();
  md_field *list = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  md_field_add_child(list, md_field_new("element", md_type_make(MD_TYPE_INT32), true), NULL);
  md_schema_add(schema, list, NULL);
  md_column *childless[1] = {md_column_new(md_type_make(MD_TYPE_LIST))};
  md_batch *batch = NULL;
  md_schema *copy = md_schema_copy(schema);
  assert_int_equal(md_batch_new(schema, childless, 1, &batch, NULL), MD_ERR_SCHEMA);
  md_column *good[1] = {md_column_new_for_field(md_schema_field(copy, 0))};
  assert_int_equal(md_batch_new(copy, good, 1, &batch, NULL), MD_OK);
  assert_int_equal(md_batch_num_rows(batch), 0);
  md_batch_free(batch);
}

static void test_batch_of_no_columns_is_empty(void **state) {
  (void)state;
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(md_schema_new(), NULL, 0, &batch, NULL), MD_OK);
  assert_int_equal(md_batch_num_rows(batch), 0);
  assert_int_equal(md_batch_num_columns(batch), 0);
  md_batch_free(batch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_holds_columns_of_equal_length),
      cmocka_unit_test(test_batch_rejects_mismatches_and_frees_what_it_was_given),
      cmocka_unit_test(test_batch_checks_nested_shape),
      cmocka_unit_test(test_batch_of_no_columns_is_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
