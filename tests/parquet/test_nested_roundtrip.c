/* test_nested_roundtrip.c — nested columns written by md_parquet_writer and
 * read back by our reader: random schemas (LIST, STRUCT, MAP to depth 4, any
 * nullability) with random rows, under random writer options (codecs,
 * dictionary on/off and overflowing, tiny pages, small row groups, several
 * batches), compared cell by cell through their canonical JSON; plus the
 * writer's refusals for nested data Parquet cannot hold. */
#include "nested_gen.h"
#include "writer_oracle.h"

enum { ROUND_TRIPS = 300 };

static void test_nested_random_schemas_round_trip_through_our_reader(void **state) {
  (void)state;
  const char *dir = test_temp_dir("nested_roundtrip");
  for (uint64_t seed = 1; seed <= ROUND_TRIPS; seed++) {
    char path[4200];
    snprintf(path, sizeof path, "%s/r%llu.parquet", dir, (unsigned long long)seed);
    md_schema *schema = NULL;
    char *expected = gen_random_file(seed, 4, path, &schema);
    md_schema *read_schema = NULL;
    char *got = json_read_file(path, &read_schema);
    if (!md_schema_equal(schema, read_schema)) fail_msg("seed %llu: the schema read back differs", (unsigned long long)seed);
    if (strcmp(expected, got) != 0) {
      char diff[2048];
      json_first_difference(expected, got, diff, sizeof diff);
      fail_msg("seed %llu: %s", (unsigned long long)seed, diff);
    }
    free(expected);
    free(got);
    md_schema_free(schema);
    md_schema_free(read_schema);
    if (!getenv("KEEP")) unlink(path);
  }
}

/* Writes one batch and expects write (or open) to fail with code and fragment. */
static void expect_refusal(md_schema *schema, md_column *column, bool at_open, md_code code, const char *fragment) {
  char path[4200];
  snprintf(path, sizeof path, "%s/refused.parquet", test_temp_dir("nested_refusals"));
  md_error err;
  md_parquet_writer *writer = NULL;
  if (at_open) {
    assert_int_equal(md_parquet_writer_open(path, schema, NULL, &writer, &err), code);
    assert_null(writer);
  } else {
    md_batch *batch = NULL;
    if (md_batch_new(md_schema_copy(schema), &column, 1, &batch, &err) != MD_OK) fail_msg("%s", err.message);
    assert_int_equal(md_parquet_writer_open(path, schema, NULL, &writer, &err), MD_OK);
    assert_int_equal(md_parquet_writer_write(writer, batch, &err), code);
    md_parquet_writer_free(writer);
    md_batch_free(batch);
    assert_int_equal(access(path, F_OK), -1);
  }
  if (!strstr(err.message, fragment)) fail_msg("expected \"%s\" in \"%s\"", fragment, err.message);
  md_schema_free(schema);
}

static md_schema *one_field_schema(md_field *field) {
  md_error err;
  md_schema *schema = md_schema_new();
  if (md_schema_add(schema, field, &err) != MD_OK) fail_msg("%s", err.message);
  return schema;
}

static void test_nested_writer_refuses_null_keys_null_required_elements_and_empty_structs(void **state) {
  (void)state;
  md_error err;
  /* map<utf8, int32> whose second entry has a null key: Parquet keys are required. */
  md_field *map = md_field_new("m", md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("key_value", md_type_make(MD_TYPE_STRUCT), false);
  gen_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), true));
  gen_child(entries, md_field_new("value", md_type_make(MD_TYPE_INT32), true));
  gen_child(map, entries);
  md_schema *schema = one_field_schema(map);
  md_column *column = md_column_new_for_field(md_schema_field(schema, 0));
  md_column *kv = md_column_child(column, 0);
  gen_check(md_column_append_bytes(md_column_child(kv, 0), "a", 1, &err), &err);
  gen_check(md_column_append_int(md_column_child(kv, 1), 1, &err), &err);
  gen_check(md_column_append_struct(kv, &err), &err);
  gen_check(md_column_append_null(md_column_child(kv, 0), &err), &err);
  gen_check(md_column_append_int(md_column_child(kv, 1), 2, &err), &err);
  gen_check(md_column_append_struct(kv, &err), &err);
  gen_check(md_column_append_list(column, &err), &err);
  expect_refusal(schema, column, false, MD_ERR_SCHEMA, "row group 0: column m: key: null value in a non-nullable column (row 1)");

  /* list<int64 not null> holding a null inside a valid list. */
  md_field *list = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  gen_child(list, md_field_new("element", md_type_make(MD_TYPE_INT64), false));
  schema = one_field_schema(list);
  column = md_column_new_for_field(md_schema_field(schema, 0));
  gen_check(md_column_append_null(md_column_child(column, 0), &err), &err);
  gen_check(md_column_append_list(column, &err), &err);
  expect_refusal(schema, column, false, MD_ERR_SCHEMA, "column l: element: null value in a non-nullable column");

  /* Parquet has no empty groups. */
  md_field *st = md_field_new("s", md_type_make(MD_TYPE_STRUCT), true);
  expect_refusal(one_field_schema(st), NULL, true, MD_ERR_UNSUPPORTED, "column s: a struct without fields");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_random_schemas_round_trip_through_our_reader),
      cmocka_unit_test(test_nested_writer_refuses_null_keys_null_required_elements_and_empty_structs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
