/* test_schema.c — key/value metadata, fields with children, schemas. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static void test_metadata_keeps_order_and_replaces_values(void **state) {
  (void)state;
  md_metadata *md = md_metadata_new();
  assert_non_null(md);
  assert_int_equal(md_metadata_set(md, "b", "1", NULL), MD_OK);
  assert_int_equal(md_metadata_set(md, "a", "2", NULL), MD_OK);
  assert_int_equal(md_metadata_set(md, "b", "3", NULL), MD_OK);
  assert_int_equal(md_metadata_count(md), 2);
  assert_string_equal(md_metadata_key(md, 0), "b");
  assert_string_equal(md_metadata_value(md, 0), "3");
  assert_string_equal(md_metadata_key(md, 1), "a");
  assert_string_equal(md_metadata_get(md, "a"), "2");
  assert_null(md_metadata_get(md, "missing"));
  assert_null(md_metadata_key(md, 2));
  md_metadata *copy = md_metadata_copy(md);
  md_metadata_free(md);
  assert_string_equal(md_metadata_get(copy, "b"), "3");
  md_metadata_free(copy);
  md_metadata_free(NULL);
}

static md_field *map_field(const char *name) {
  md_field *map = md_field_new(name, md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("entries", md_type_make(MD_TYPE_STRUCT), false);
  assert_int_equal(md_field_add_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), false), NULL), MD_OK);
  assert_int_equal(md_field_add_child(entries, md_field_new("value", md_type_make(MD_TYPE_INT32), true), NULL), MD_OK);
  assert_int_equal(md_field_add_child(map, entries, NULL), MD_OK);
  return map;
}

static void test_field_children_and_copy(void **state) {
  (void)state;
  md_field *list = md_field_new("tags", md_type_make(MD_TYPE_LIST), true);
  assert_int_equal(md_field_add_child(list, md_field_new("element", md_type_make(MD_TYPE_UTF8), true), NULL), MD_OK);
  md_error err;
  /* A list has exactly one child; the refused child is freed (no leak under ASan). */
  assert_int_equal(md_field_add_child(list, md_field_new("x", md_type_make(MD_TYPE_INT8), true), &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "tags"));
  assert_int_equal(md_field_num_children(list), 1);
  assert_string_equal(md_field_name(md_field_child(list, 0)), "element");
  assert_null(md_field_child(list, 1));
  assert_int_equal(md_metadata_set(md_field_metadata(list), "k", "v", NULL), MD_OK);
  md_field *copy = md_field_copy(list);
  md_field_free(list);
  assert_string_equal(md_field_name(copy), "tags");
  assert_true(md_field_nullable(copy));
  assert_int_equal(md_field_type(md_field_child(copy, 0)).id, MD_TYPE_UTF8);
  assert_string_equal(md_metadata_get(md_field_metadata_const(copy), "k"), "v");
  md_field_free(copy);
}

static void test_field_rejects_children_on_flat_types_and_bad_map(void **state) {
  (void)state;
  md_error err;
  md_field *flat = md_field_new("x", md_type_make(MD_TYPE_INT32), false);
  assert_int_equal(md_field_add_child(flat, md_field_new("y", md_type_make(MD_TYPE_INT32), false), &err), MD_ERR_SCHEMA);
  assert_int_equal(md_field_num_children(flat), 0);
  assert_null(md_field_metadata_const(flat));
  md_field_free(flat);
  md_field *map = md_field_new("m", md_type_make(MD_TYPE_MAP), false);
  assert_int_equal(md_field_add_child(map, md_field_new("y", md_type_make(MD_TYPE_INT32), false), &err), MD_ERR_SCHEMA);
  md_field_free(map);
  md_field *good = map_field("m");
  assert_int_equal(md_field_num_children(md_field_child(good, 0)), 2);
  md_field_free(good);
}

static void test_schema_finds_fields_and_refuses_duplicates(void **state) {
  (void)state;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), NULL), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("naïve", md_type_make(MD_TYPE_UTF8), true), NULL), MD_OK);
  md_error err;
  assert_int_equal(md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT32), false), &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "'id'"));
  assert_int_equal(md_schema_num_fields(schema), 2);
  assert_int_equal(md_schema_find(schema, "naïve"), 1);
  assert_int_equal(md_schema_find(schema, "missing"), -1);
  assert_null(md_schema_field(schema, 2));
  md_schema_free(schema);
}

static void test_schema_equal_ignores_metadata_but_not_children(void **state) {
  (void)state;
  md_schema *a = md_schema_new();
  md_schema_add(a, md_field_new("id", md_type_make(MD_TYPE_INT64), false), NULL);
  md_schema_add(a, map_field("attrs"), NULL);
  md_schema *b = md_schema_copy(a);
  assert_true(md_schema_equal(a, b));
  md_metadata_set(md_schema_metadata(b), "origin", "test", NULL);
  assert_true(md_schema_equal(a, b));
  assert_string_equal(md_metadata_get(md_schema_metadata_const(b), "origin"), "test");
  md_schema *c = md_schema_new();
  md_schema_add(c, md_field_new("id", md_type_make(MD_TYPE_INT64), false), NULL);
  md_field *other_map = md_field_new("attrs", md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("entries", md_type_make(MD_TYPE_STRUCT), false);
  md_field_add_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), false), NULL);
  md_field_add_child(entries, md_field_new("value", md_type_make(MD_TYPE_INT64), true), NULL);
  md_field_add_child(other_map, entries, NULL);
  md_schema_add(c, other_map, NULL);
  assert_false(md_schema_equal(a, c));
  md_schema_free(a);
  md_schema_free(b);
  md_schema_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_metadata_keeps_order_and_replaces_values),
      cmocka_unit_test(test_field_children_and_copy),
      cmocka_unit_test(test_field_rejects_children_on_flat_types_and_bad_map),
      cmocka_unit_test(test_schema_finds_fields_and_refuses_duplicates),
      cmocka_unit_test(test_schema_equal_ignores_metadata_but_not_children),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
