/* test_nested_oracle.c — nested files written by md_parquet_writer, read by
 * two independent engines: DuckDB (shared/tools/parquet-oracle) and Polars
 * (nodejs-polars). Random schemas (LIST, STRUCT, MAP to depth 4, random
 * nullability, dirty nulls) must read back row for row as we wrote them; a
 * hand-written table checks the Parquet layout (three-level LIST and MAP),
 * the levels and the leaf statistics. */
#include "nested_node.h"

/* Few files with many random columns each: every engine start costs seconds. */
enum { RANDOM_FILES = 4, FIELDS_PER_FILE = 16 };

static void test_nested_random_files_read_back_by_duckdb_and_polars(void **state) {
  (void)state;
  const char *dir = test_temp_dir("nested_oracle");
  char *paths[RANDOM_FILES], *expected[RANDOM_FILES];
  char *polars_args = strf("nested_polars.mjs read");
  for (int f = 0; f < RANDOM_FILES; f++) {
    paths[f] = strf("%s/random%d.parquet", dir, f);
    md_schema *schema = NULL;
    expected[f] = gen_random_file(7000 + (uint64_t)f, FIELDS_PER_FILE, paths[f], &schema);
    md_schema_free(schema);
    char *more = strf("%s '%s'", polars_args, paths[f]);
    free(polars_args);
    polars_args = more;
  }
  node_run(polars_dir(), polars_args);
  free(polars_args);
  for (int f = 0; f < RANDOM_FILES; f++) {
    char *duckdb = oracle_run(paths[f], false);
    char *what = strf("DuckDB reading %s", paths[f]);
    expect_same_lines(what, expected[f], duckdb);
    free(what);
    char *polars_path = strf("%s.polars.jsonl", paths[f]);
    char *polars = slurp_text(polars_path);
    what = strf("Polars reading %s", paths[f]);
    expect_same_lines(what, expected[f], polars);
    free(what);
    free(polars_path);
    free(duckdb);
    free(polars);
    free(expected[f]);
    free(paths[f]);
  }
}

/* ---------------------------------------------------- a hand-written table */

static void check(md_code code, const md_error *err) {
  if (code != MD_OK) fail_msg("%s", err->message);
}

/* l list<int64>, s struct<a int32, b utf8 not null>, m map<utf8, float64>. */
static md_schema *layout_schema(void) {
  md_error err;
  md_schema *schema = md_schema_new();
  check(md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), &err), &err);
  md_field *l = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  gen_child(l, md_field_new("element", md_type_make(MD_TYPE_INT64), true));
  check(md_schema_add(schema, l, &err), &err);
  md_field *s = md_field_new("s", md_type_make(MD_TYPE_STRUCT), true);
  gen_child(s, md_field_new("a", md_type_make(MD_TYPE_INT32), true));
  gen_child(s, md_field_new("b", md_type_make(MD_TYPE_UTF8), false));
  check(md_schema_add(schema, s, &err), &err);
  md_field *m = md_field_new("m", md_type_make(MD_TYPE_MAP), true);
  md_field *kv = md_field_new("key_value", md_type_make(MD_TYPE_STRUCT), false);
  gen_child(kv, md_field_new("key", md_type_make(MD_TYPE_UTF8), false));
  gen_child(kv, md_field_new("value", md_type_make(MD_TYPE_FLOAT64), true));
  check(md_schema_add(schema, gen_child(m, kv), &err), &err);
  return schema;
}

static void append_list(md_column *l, const char *values) {
  md_error err;
  if (!values) {
    check(md_column_append_null(l, &err), &err);
    return;
  }
  md_column *element = md_column_child(l, 0);
  for (const char *p = values; *p;) {
    if (*p == 'n') {
      check(md_column_append_null(element, &err), &err);
      p += 4;
    } else {
      char *end;
      check(md_column_append_int(element, strtoll(p, &end, 10), &err), &err);
      p = end;
    }
    if (*p == ',') p++;
  }
  check(md_column_append_list(l, &err), &err);
}

static void append_struct(md_column *s, bool valid, int a, const char *b) {
  md_error err;
  if (!valid) {
    check(md_column_append_null(s, &err), &err);
    return;
  }
  if (a < 0) check(md_column_append_null(md_column_child(s, 0), &err), &err);
  else check(md_column_append_int(md_column_child(s, 0), a, &err), &err);
  check(md_column_append_bytes(md_column_child(s, 1), b, (int64_t)strlen(b), &err), &err);
  check(md_column_append_struct(s, &err), &err);
}

/* entries: "key=value;..." with value "null" for a null. */
static void append_map(md_column *m, const char *entries) {
  md_error err;
  if (!entries) {
    check(md_column_append_null(m, &err), &err);
    return;
  }
  md_column *kv = md_column_child(m, 0);
  for (const char *p = entries; *p;) {
    const char *eq = strchr(p, '=');
    check(md_column_append_bytes(md_column_child(kv, 0), p, eq - p, &err), &err);
    if (strncmp(eq + 1, "null", 4) == 0) check(md_column_append_null(md_column_child(kv, 1), &err), &err);
    else check(md_column_append_double(md_column_child(kv, 1), strtod(eq + 1, NULL), &err), &err);
    check(md_column_append_struct(kv, &err), &err);
    const char *semi = strchr(eq, ';');
    p = semi ? semi + 1 : eq + strlen(eq);
  }
  check(md_column_append_list(m, &err), &err);
}

static const char *const layout_rows =
    "{\"id\":0,\"l\":[1,null,5],\"s\":{\"a\":1,\"b\":\"x\"},\"m\":[{\"key\":\"a\",\"value\":1.5}]}\n"
    "{\"id\":1,\"l\":null,\"s\":null,\"m\":[]}\n"
    "{\"id\":2,\"l\":[],\"s\":{\"a\":null,\"b\":\"y\"},\"m\":null}\n"
    "{\"id\":3,\"l\":[null],\"s\":{\"a\":4,\"b\":\"z\"},\"m\":[{\"key\":\"b\",\"value\":null},{\"key\":\"c\",\"value\":-2.0}]}\n"
    "{\"id\":4,\"l\":[-3],\"s\":null,\"m\":[]}\n";

static void write_layout_file(const char *path) {
  md_schema *schema = layout_schema();
  md_column *columns[4];
  for (int c = 0; c < 4; c++) columns[c] = md_column_new_for_field(md_schema_field(schema, c));
  md_error err;
  for (int i = 0; i < 5; i++) check(md_column_append_int(columns[0], i, &err), &err);
  append_list(columns[1], "1,null,5");
  append_list(columns[1], NULL);
  append_list(columns[1], "");
  append_list(columns[1], "null");
  append_list(columns[1], "-3");
  append_struct(columns[2], true, 1, "x");
  append_struct(columns[2], false, 0, NULL);
  append_struct(columns[2], true, -1, "y");
  append_struct(columns[2], true, 4, "z");
  append_struct(columns[2], false, 0, NULL);
  append_map(columns[3], "a=1.5");
  append_map(columns[3], "");
  append_map(columns[3], NULL);
  append_map(columns[3], "b=null;c=-2");
  append_map(columns[3], "");
  md_batch *batch = NULL;
  check(md_batch_new(schema, columns, 4, &batch, &err), &err);
  write_file(path, batch, NULL);
  md_batch_free(batch);
}

static void expect_in(const char *text, const char *fragment) {
  if (!strstr(text, fragment)) fail_msg("expected %s in %s", fragment, text);
}

static void test_nested_writer_uses_standard_layouts_levels_and_leaf_statistics(void **state) {
  (void)state;
  char *path = strf("%s/layout.parquet", test_temp_dir("nested_layout"));
  write_layout_file(path);
  char *rows = oracle_run(path, false);
  expect_same_lines("DuckDB", layout_rows, rows);
  free(rows);
  char *ours = json_read_file(path, NULL);
  expect_same_lines("our reader", layout_rows, ours);
  free(ours);

  char *meta = oracle_run(path, true);
  /* Three-level LIST and MAP, annotated with both logical and converted types. */
  expect_in(meta, "{\"name\":\"l\",\"physical_type\":null,\"type_length\":null,\"repetition\":\"OPTIONAL\","
                  "\"num_children\":1,\"converted_type\":\"LIST\",\"logical_type\":\"ListType()\"");
  expect_in(meta, "{\"name\":\"list\",\"physical_type\":null,\"type_length\":null,\"repetition\":\"REPEATED\","
                  "\"num_children\":1,\"converted_type\":null,\"logical_type\":null");
  expect_in(meta, "{\"name\":\"element\",\"physical_type\":\"INT64\",\"type_length\":null,\"repetition\":\"OPTIONAL\"");
  expect_in(meta, "{\"name\":\"s\",\"physical_type\":null,\"type_length\":null,\"repetition\":\"OPTIONAL\","
                  "\"num_children\":2,\"converted_type\":null");
  expect_in(meta, "{\"name\":\"b\",\"physical_type\":\"BYTE_ARRAY\",\"type_length\":null,\"repetition\":\"REQUIRED\"");
  expect_in(meta, "{\"name\":\"m\",\"physical_type\":null,\"type_length\":null,\"repetition\":\"OPTIONAL\","
                  "\"num_children\":1,\"converted_type\":\"MAP\",\"logical_type\":\"MapType()\"");
  expect_in(meta, "{\"name\":\"key_value\",\"physical_type\":null,\"type_length\":null,\"repetition\":\"REPEATED\","
                  "\"num_children\":2");
  expect_in(meta, "{\"name\":\"key\",\"physical_type\":\"BYTE_ARRAY\",\"type_length\":null,\"repetition\":\"REQUIRED\"");
  /* Statistics of leaves: min/max over values, null_count = level entries
   * without a value (nulls and empty or null parents), num_values = entries. */
  expect_in(meta, "\"path\":\"l, list, element\",\"physical_type\":\"INT64\",\"num_values\":7,\"null_count\":4,"
                  "\"min\":\"-3\",\"max\":\"5\"");
  expect_in(meta, "\"path\":\"s, a\",\"physical_type\":\"INT32\",\"num_values\":5,\"null_count\":3,\"min\":\"1\","
                  "\"max\":\"4\"");
  expect_in(meta, "\"path\":\"s, b\",\"physical_type\":\"BYTE_ARRAY\",\"num_values\":5,\"null_count\":2,"
                  "\"min\":\"x\",\"max\":\"z\"");
  expect_in(meta, "\"path\":\"m, key_value, key\",\"physical_type\":\"BYTE_ARRAY\",\"num_values\":6,\"null_count\":3,"
                  "\"min\":\"a\",\"max\":\"c\"");
  expect_in(meta, "\"path\":\"m, key_value, value\",\"physical_type\":\"DOUBLE\",\"num_values\":6,\"null_count\":4,"
                  "\"min\":\"-2.0\",\"max\":\"1.5\"");
  free(meta);

  /* Levels, as our reader sees them. */
  md_parquet_reader *reader = NULL;
  md_error err;
  check(md_parquet_reader_open(path, &reader, &err), &err);
  static const struct {
    const char *path;
    int def, rep;
  } levels[] = {{"id", 0, 0},        {"l.list.element", 3, 1},       {"s.a", 2, 0},
                {"s.b", 1, 0},       {"m.key_value.key", 2, 1},      {"m.key_value.value", 3, 1}};
  assert_int_equal(md_parquet_reader_num_leaves(reader), 6);
  for (int i = 0; i < 6; i++) {
    md_parquet_leaf_info info;
    check(md_parquet_reader_leaf(reader, i, &info, &err), &err);
    assert_string_equal(info.path, levels[i].path);
    assert_int_equal(info.max_definition_level, levels[i].def);
    assert_int_equal(info.max_repetition_level, levels[i].rep);
  }
  md_parquet_reader_free(reader);
  free(path);
}

int main(void) {
  if (!oracle_script()) return oracle_missing("test_nested_oracle");
  if (!polars_dir()) return oracle_missing("test_nested_oracle (nodejs-polars)");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_random_files_read_back_by_duckdb_and_polars),
      cmocka_unit_test(test_nested_writer_uses_standard_layouts_levels_and_leaf_statistics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
