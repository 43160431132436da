/* test_arrow_schema.c — fields and schemas through the Arrow C Data Interface:
 * format strings, flags, metadata, children, and refused formats. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static void assert_format(md_type type, const char *expected) {
  md_field *field = md_field_new("x", type, true);
  struct ArrowSchema schema;
  assert_int_equal(md_field_export(field, &schema, NULL), MD_OK);
  assert_string_equal(schema.format, expected);
  assert_string_equal(schema.name, "x");
  assert_int_equal(schema.flags, ARROW_FLAG_NULLABLE);
  md_field *back = NULL;
  assert_int_equal(md_field_import(&schema, &back, NULL), MD_OK);
  assert_true(md_type_equal(md_field_type(back), type));
  schema.release(&schema);
  assert_null(schema.release);
  md_field_free(back);
  md_field_free(field);
}

static void test_arrow_schema_format_strings_follow_the_spec(void **state) {
  (void)state;
  assert_format(md_type_make(MD_TYPE_NULL), "n");
  assert_format(md_type_make(MD_TYPE_BOOL), "b");
  assert_format(md_type_make(MD_TYPE_INT8), "c");
  assert_format(md_type_make(MD_TYPE_INT16), "s");
  assert_format(md_type_make(MD_TYPE_INT32), "i");
  assert_format(md_type_make(MD_TYPE_INT64), "l");
  assert_format(md_type_make(MD_TYPE_UINT8), "C");
  assert_format(md_type_make(MD_TYPE_UINT16), "S");
  assert_format(md_type_make(MD_TYPE_UINT32), "I");
  assert_format(md_type_make(MD_TYPE_UINT64), "L");
  assert_format(md_type_make(MD_TYPE_FLOAT32), "f");
  assert_format(md_type_make(MD_TYPE_FLOAT64), "g");
  assert_format(md_type_make(MD_TYPE_UTF8), "u");
  assert_format(md_type_make(MD_TYPE_BINARY), "z");
  assert_format(md_type_fixed_binary(16), "w:16");
  assert_format(md_type_make(MD_TYPE_DATE32), "tdD");
  assert_format(md_type_time(MD_SECOND), "tts");
  assert_format(md_type_time(MD_MILLI), "ttm");
  assert_format(md_type_time(MD_MICRO), "ttu");
  assert_format(md_type_time(MD_NANO), "ttn");
  assert_format(md_type_timestamp(MD_SECOND, false), "tss:");
  assert_format(md_type_timestamp(MD_MICRO, true), "tsu:UTC");
  assert_format(md_type_decimal(12, 2), "d:12,2");
  assert_format(md_type_make(MD_TYPE_INTERVAL_MDN), "tin");
}

static md_schema *nested_schema(void) {
  md_schema *schema = md_schema_new();
  md_field *id = md_field_new("id", md_type_make(MD_TYPE_INT64), false);
  md_metadata_set(md_field_metadata(id), "comment", "primary key", NULL);
  md_schema_add(schema, id, NULL);
  md_field *list = md_field_new("tags", md_type_make(MD_TYPE_LIST), true);
  md_field_add_child(list, md_field_new("element", md_type_make(MD_TYPE_UTF8), true), NULL);
  md_schema_add(schema, list, NULL);
  md_field *map = md_field_new("attrs", md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("entries", md_type_make(MD_TYPE_STRUCT), false);
  md_field_add_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), false), NULL);
  md_field_add_child(entries, md_field_new("value", md_type_decimal(9, 3), true), NULL);
  md_field_add_child(map, entries, NULL);
  md_schema_add(schema, map, NULL);
  md_field *st = md_field_new("where", md_type_make(MD_TYPE_STRUCT), true);
  md_field_add_child(st, md_field_new("lat", md_type_make(MD_TYPE_FLOAT64), false), NULL);
  md_field_add_child(st, md_field_new("ünïcode", md_type_timestamp(MD_NANO, true), true), NULL);
  md_schema_add(schema, st, NULL);
  md_metadata_set(md_schema_metadata(schema), "delta.version", "7", NULL);
  md_metadata_set(md_schema_metadata(schema), "empty", "", NULL);
  return schema;
}

static void test_arrow_schema_round_trips_nested_fields_and_metadata(void **state) {
  (void)state;
  md_schema *schema = nested_schema();
  struct ArrowSchema exported;
  assert_int_equal(md_schema_export(schema, &exported, NULL), MD_OK);
  assert_string_equal(exported.format, "+s");
  assert_int_equal(exported.n_children, 4);
  assert_string_equal(exported.children[1]->format, "+l");
  assert_string_equal(exported.children[2]->format, "+m");
  assert_int_equal(exported.children[2]->children[0]->flags & ARROW_FLAG_NULLABLE, 0);
  assert_int_equal(exported.children[0]->flags, 0);
  assert_non_null(exported.children[0]->metadata);
  md_schema *back = NULL;
  assert_int_equal(md_schema_import(&exported, &back, NULL), MD_OK);
  assert_true(md_schema_equal(schema, back));
  assert_string_equal(md_metadata_get(md_schema_metadata_const(back), "delta.version"), "7");
  assert_string_equal(md_metadata_get(md_schema_metadata_const(back), "empty"), "");
  assert_string_equal(md_metadata_get(md_field_metadata_const(md_schema_field(back, 0)), "comment"), "primary key");
  exported.release(&exported);
  md_schema_free(back);
  md_schema_free(schema);
}

static void test_arrow_schema_child_moved_out_is_released_separately(void **state) {
  (void)state;
  md_schema *schema = nested_schema();
  struct ArrowSchema exported, moved;
  assert_int_equal(md_schema_export(schema, &exported, NULL), MD_OK);
  md_schema_free(schema); /* the export owns its own strings */
  moved = *exported.children[3];
  exported.children[3]->release = NULL;
  exported.release(&exported);
  assert_string_equal(moved.children[1]->name, "ünïcode");
  moved.release(&moved);
}

static void noop_schema_release(struct ArrowSchema *schema) { schema->release = NULL; }

static void assert_refused(const char *format) {
  struct ArrowSchema schema = {.format = format, .name = "col", .release = noop_schema_release};
  md_field *field = NULL;
  md_error err;
  assert_int_equal(md_field_import(&schema, &field, &err), MD_ERR_UNSUPPORTED);
  assert_null(field);
  assert_non_null(strstr(err.message, format));
  assert_non_null(strstr(err.message, "col"));
}

static void test_arrow_schema_refuses_unknown_formats_naming_them(void **state) {
  (void)state;
  assert_refused("U");        /* large utf8 */
  assert_refused("Z");        /* large binary */
  assert_refused("e");        /* float16 */
  assert_refused("tdm");      /* date64 */
  assert_refused("tDs");      /* duration */
  assert_refused("d:40,2");   /* beyond decimal128 */
  assert_refused("d:10,2,256");
  assert_refused("w:0");
  assert_refused("vu");       /* string view */
  assert_refused("tsx:UTC");
  assert_refused("");
}

static void test_arrow_schema_refuses_dictionary_and_bad_child_counts(void **state) {
  (void)state;
  struct ArrowSchema dict = {.format = "u", .release = noop_schema_release};
  struct ArrowSchema with_dict = {.format = "i", .name = "d", .dictionary = &dict, .release = noop_schema_release};
  md_field *field = NULL;
  md_error err;
  assert_int_equal(md_field_import(&with_dict, &field, &err), MD_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "dictionary"));
  struct ArrowSchema list = {.format = "+l", .name = "l", .release = noop_schema_release};
  assert_int_equal(md_field_import(&list, &field, &err), MD_ERR_CORRUPT);
  struct ArrowSchema not_struct = {.format = "i", .release = noop_schema_release};
  md_schema *schema = NULL;
  assert_int_equal(md_schema_import(&not_struct, &schema, &err), MD_ERR_SCHEMA);
  assert_null(schema);
  struct ArrowSchema released = {.format = "i"};
  assert_int_equal(md_field_import(&released, &field, &err), MD_ERR_INVALID);
}

static void test_arrow_schema_accepts_decimal_bitwidth_and_other_timezones(void **state) {
  (void)state;
  struct ArrowSchema dec = {.format = "d:38,10,128", .release = noop_schema_release};
  md_field *field = NULL;
  assert_int_equal(md_field_import(&dec, &field, NULL), MD_OK);
  assert_true(md_type_equal(md_field_type(field), md_type_decimal(38, 10)));
  assert_string_equal(md_field_name(field), "");
  md_field_free(field);
  struct ArrowSchema ts = {.format = "tsm:Europe/Paris", .release = noop_schema_release};
  assert_int_equal(md_field_import(&ts, &field, NULL), MD_OK);
  assert_true(md_type_equal(md_field_type(field), md_type_timestamp(MD_MILLI, true)));
  md_field_free(field);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arrow_schema_format_strings_follow_the_spec),
      cmocka_unit_test(test_arrow_schema_round_trips_nested_fields_and_metadata),
      cmocka_unit_test(test_arrow_schema_child_moved_out_is_released_separately),
      cmocka_unit_test(test_arrow_schema_refuses_unknown_formats_naming_them),
      cmocka_unit_test(test_arrow_schema_refuses_dictionary_and_bad_child_counts),
      cmocka_unit_test(test_arrow_schema_accepts_decimal_bitwidth_and_other_timezones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
