/* test_nested_foreign.c — nested Parquet files written by other engines,
 * generated here (tests/parquet/nested_duckdb.mjs, nested_polars.mjs), read
 * by our reader and compared with what the DuckDB oracle reads: lists, structs
 * and maps to depth 4, null lists vs empty lists vs lists of nulls, null
 * structs vs structs of nulls, empty and null maps, several row groups and
 * codecs, each engine's own page layout and encodings. */
#include "nested_node.h"

static void read_like_the_oracle(const char *path) {
  char *want = oracle_run(path, false);
  char *got = json_read_file(path, NULL);
  assert_true(strlen(want) > 1000);
  char *what = strf("our reader on %s", path);
  expect_same_lines(what, want, got);
  free(what);
  free(want);
  free(got);
}

static void test_nested_files_written_by_duckdb_read_as_the_oracle_reads_them(void **state) {
  (void)state;
  const char *dir = test_temp_dir("nested_duckdb");
  char *args = strf("nested_duckdb.mjs '%s'", dir);
  node_run(duckdb_dir(), args);
  free(args);
  char *path = strf("%s/duckdb_nested.parquet", dir);
  read_like_the_oracle(path);
  free(path);
}

static void test_nested_files_written_by_polars_read_as_the_oracle_reads_them(void **state) {
  (void)state;
  const char *dir = test_temp_dir("nested_polars");
  char *args = strf("nested_polars.mjs write '%s'", dir);
  node_run(polars_dir(), args);
  free(args);
  static const char *const files[] = {"polars_nested_snappy.parquet", "polars_nested_grouped.parquet"};
  for (int i = 0; i < 2; i++) {
    char *path = strf("%s/%s", dir, files[i]);
    read_like_the_oracle(path);
    free(path);
  }
}

int main(void) {
  if (!oracle_script() || !duckdb_dir()) return oracle_missing("test_nested_foreign");
  if (!polars_dir()) return oracle_missing("test_nested_foreign (nodejs-polars)");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_files_written_by_duckdb_read_as_the_oracle_reads_them),
      cmocka_unit_test(test_nested_files_written_by_polars_read_as_the_oracle_reads_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
