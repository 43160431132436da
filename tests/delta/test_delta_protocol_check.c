/* test_delta_protocol_check.c — what our writer commits is valid Delta, as
 * judged by tools that share no code with it.
 *
 * Tables are written in every shape the writer makes (partitioned by several
 * types, appended, overwritten, replaceWhere, schema-evolved, timestamp_ntz,
 * copied with `medallion write --from TABLE`, vacuumed); for each one
 * tests/delta/protocol_check.mjs validates every action (fields, types, path
 * encoding, stats equal to the data file's own rows read by parquet-oracle),
 * and shared/tools/delta-oracle (an independent log replay) must print the
 * same rows as `medallion cat`. Checkpointed tables are missing: we cannot
 * write checkpoints yet. The oracles need Node.js and `npm ci`, done here into
 * the build tree on first use; without them the test is skipped. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "medallion/delta.h"

static char oracle_dir[4200], parquet_oracle_dir[4200];

/* Copies shared/tools/<tool> into the build tree and runs npm ci there once. */
static bool install_tool(const char *tool, const char *script, char *dir, size_t size) {
  snprintf(dir, size, "%s/%s", MEDALLION_BINARY_DIR, tool);
  char marker[4400], cmd[13000];
  snprintf(marker, sizeof marker, "%s/node_modules", dir);
  struct stat st;
  if (stat(marker, &st) == 0) return true;
  snprintf(cmd, sizeof cmd,
           "mkdir -p '%s' && cp '%s/tools/%s/package.json' '%s/tools/%s/package-lock.json' '%s/tools/%s/%s' '%s/' && "
           "cd '%s' && npm ci --no-audit --no-fund >/dev/null 2>&1",
           dir, test_shared_dir(), tool, test_shared_dir(), tool, test_shared_dir(), tool, script, dir, dir);
  return system(cmd) == 0;
}

static char *run(const char *cmd, int *status) {
  FILE *p = popen(cmd, "r");
  if (!p) fail_msg("cannot run %s", cmd);
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  size_t n;
  while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (cap - len < 2) out = realloc(out, cap *= 2);
  }
  out[len] = '\0';
  *status = pclose(p);
  return out;
}

static void check_table(const char *table) {
  char cmd[13000];
  int status = 0;
  snprintf(cmd, sizeof cmd, "node '%s/tests/delta/protocol_check.mjs' '%s' '%s' 2>&1", MEDALLION_SOURCE_DIR,
           parquet_oracle_dir, table);
  char *out = run(cmd, &status);
  if (status != 0) fail_msg("protocol check of %s:\n%s", table, out);
  print_message("%s: %s", table, out);
  free(out);
  snprintf(cmd, sizeof cmd, "node '%s/delta-oracle.mjs' '%s' 2>&1", oracle_dir, table);
  char *expected = run(cmd, &status);
  if (status != 0) fail_msg("delta-oracle on %s:\n%s", table, expected);
  snprintf(cmd, sizeof cmd, "'%s' cat '%s' 2>&1", getenv("MEDALLION_BIN"), table);
  char *actual = run(cmd, &status);
  if (status != 0 || strcmp(expected, actual) != 0)
    fail_msg("%s: medallion cat differs from delta-oracle\n--- oracle\n%s--- medallion\n%s", table, expected, actual);
  free(expected);
  free(actual);
}

/* Rows (p, d, id, i32, f64, s, dec, ts, flag) from seed. */
static md_batch *typed_batch(int seed, int rows, bool extra_column) {
  md_error err;
  md_schema *schema = md_schema_new();
  md_type types[] = {md_type_make(MD_TYPE_UTF8),  md_type_make(MD_TYPE_DATE32), md_type_make(MD_TYPE_INT64),
                     md_type_make(MD_TYPE_INT32), md_type_make(MD_TYPE_FLOAT64), md_type_make(MD_TYPE_UTF8),
                     md_type_decimal(10, 2),      md_type_timestamp(MD_MICRO, true), md_type_make(MD_TYPE_BOOL),
                     md_type_make(MD_TYPE_INT16)};
  const char *names[] = {"p", "d", "id", "i32", "f64", "s", "dec", "ts", "flag", "added"};
  int n = extra_column ? 10 : 9;
  md_column *cols[10];
  for (int c = 0; c < n; c++) {
    assert_int_equal(md_schema_add(schema, md_field_new(names[c], types[c], true), &err), MD_OK);
    cols[c] = md_column_new(types[c]);
  }
  const char *parts[] = {"north", "south/east", "x y=1"};
  for (int r = 0; r < rows; r++) {
    int v = seed * 100 + r;
    const char *p = parts[(seed + r) % 3];
    assert_int_equal(md_column_append_bytes(cols[0], p, (int64_t)strlen(p), &err), MD_OK);
    if (r % 4 == 3) assert_int_equal(md_column_append_null(cols[1], &err), MD_OK);
    else assert_int_equal(md_column_append_int(cols[1], 19000 + (seed % 2), &err), MD_OK);
    assert_int_equal(md_column_append_int(cols[2], (int64_t)v * 1000003 - 500, &err), MD_OK);
    assert_int_equal(md_column_append_int(cols[3], -v, &err), MD_OK);
    assert_int_equal(md_column_append_double(cols[4], v * 0.25 - 3, &err), MD_OK);
    char s[32];
    snprintf(s, sizeof s, "name-%d\xc3\xa9", v);
    if (r % 5 == 2) assert_int_equal(md_column_append_null(cols[5], &err), MD_OK);
    else assert_int_equal(md_column_append_bytes(cols[5], s, (int64_t)strlen(s), &err), MD_OK);
    assert_int_equal(md_column_append_decimal(cols[6], v % 2 ? -1 : 0, (uint64_t)(v % 2 ? -(int64_t)v * 101 : v * 101), &err),
                     MD_OK);
    assert_int_equal(md_column_append_int(cols[7], 1700000000000000 + (int64_t)v * 1234567, &err), MD_OK);
    assert_int_equal(md_column_append_bool(cols[8], r % 2, &err), MD_OK);
    if (extra_column) assert_int_equal(md_column_append_int(cols[9], v, &err), MD_OK);
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, cols, n, &batch, &err), MD_OK);
  return batch;
}

static void write(const char *path, md_batch *b, const md_delta_write_options *o) {
  md_error err;
  if (md_delta_write(path, &b, 1, o, NULL, &err) != MD_OK) fail_msg("%s: %s", path, err.message);
  md_batch_free(b);
}

static const char *const PARTITIONS[] = {"p", "d"};

static void test_written_tables_pass_the_protocol_check_and_read_the_same_in_the_oracle(void **state) {
  (void)state;
  const char *dir = test_temp_dir("protocol");
  char path[4400], copy[4400], cmd[13000];
  int status = 0;

  snprintf(path, sizeof path, "%s/partitioned", dir);
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = PARTITIONS, .num_partition_by = 2};
  write(path, typed_batch(1, 12, false), &o);
  o.partition_by = NULL;
  o.num_partition_by = 0;
  write(path, typed_batch(2, 7, false), &o); /* appended */
  check_table(path);
  o.mode = MD_DELTA_OVERWRITE;
  o.replace_where = "p = 'north'";
  md_batch *b = typed_batch(3, 9, false); /* has every p: refused */
  md_error err;
  assert_int_equal(md_delta_write(path, &b, 1, &o, NULL, &err), MD_ERR_INVALID);
  md_batch_free(b);
  o.replace_where = "p = 'north' AND d IN ('2022-01-08', '2022-01-09')";
  write(path, typed_batch(3, 1, false), &o); /* one row: north, 2022-01-09 */
  check_table(path);

  snprintf(path, sizeof path, "%s/plain", dir);
  o = (md_delta_write_options){.mode = MD_DELTA_APPEND};
  write(path, typed_batch(4, 20, false), &o);
  o.mode = MD_DELTA_OVERWRITE;
  write(path, typed_batch(5, 5, false), &o); /* overwritten */
  o.mode = MD_DELTA_APPEND;
  o.merge_schema = true;
  write(path, typed_batch(6, 6, true), &o); /* schema-evolved */
  check_table(path);

  snprintf(copy, sizeof copy, "%s/copy", dir);
  snprintf(cmd, sizeof cmd, "'%s' write '%s' --from '%s' --partition-by p >/dev/null 2>&1", getenv("MEDALLION_BIN"),
           copy, path);
  assert_int_equal(system(cmd), 0);
  check_table(copy);

  snprintf(cmd, sizeof cmd, "'%s' vacuum '%s' --retain-hours 0 --force >/dev/null 2>&1", getenv("MEDALLION_BIN"), path);
  assert_int_equal(system(cmd), 0); /* vacuumed: the overwritten file is gone, the latest version reads the same */
  check_table(path);
  snprintf(cmd, sizeof cmd, "'%s' cat '%s' --version 0 2>&1", getenv("MEDALLION_BIN"), path);
  char *out = run(cmd, &status);
  assert_int_not_equal(status, 0);
  assert_non_null(strstr(out, "is missing (vacuumed?)"));
  free(out);
}

/* Deletes positions `rows` (those below the file's row count) of every live file. */
static void delete_in_every_file(const char *path, const int64_t *rows, int n, md_batch *append) {
  md_error err;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  if (md_delta_table_open(path, &t, &err) || md_delta_snapshot_at_version(t, -1, &s, &err)) fail_msg("%s", err.message);
  int64_t files = md_delta_snapshot_num_files(s);
  md_delta_row_deletes *d = calloc((size_t)files + 1, sizeof *d);
  for (int64_t i = 0; i < files; i++) {
    md_delta_file_info f;
    assert_int_equal(md_delta_snapshot_file(s, i, &f, &err), MD_OK);
    d[i].path = f.path;
    d[i].rows = rows;
    while (d[i].num_rows < n && rows[d[i].num_rows] < f.num_physical_records) d[i].num_rows++;
  }
  if (md_delta_delete_and_append(path, d, (int)files, append ? &append : NULL, append ? 1 : 0, NULL, NULL, &err))
    fail_msg("%s", err.message);
  free(d);
  md_batch_free(append);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}

/* Tables we wrote with deletion vectors ('u' DV files), read by the oracle. */
static void test_tables_with_deletion_vectors_read_the_same_in_the_oracle(void **state) {
  (void)state;
  char path[4400];
  snprintf(path, sizeof path, "%s/dv", test_temp_dir("protocol-dv"));
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = PARTITIONS, .num_partition_by = 2};
  write(path, typed_batch(1, 40, false), &o);
  const int64_t first[] = {0, 2};
  delete_in_every_file(path, first, 2, typed_batch(7, 6, false)); /* DVs + appended rows */
  const int64_t second[] = {1};
  delete_in_every_file(path, second, 1, NULL); /* DVs on DV'd files, and files left empty */
  check_table(path);
  md_error err;
  assert_int_equal(md_delta_checkpoint(path, -1, &err), MD_OK);
  delete_in_every_file(path, second, 1, NULL); /* on top of the checkpoint */
  check_table(path);
}

int main(void) {
  if (!test_shared_dir()) return test_shared_missing("the Delta and Parquet oracles");
  if (!getenv("MEDALLION_BIN")) return test_shared_missing("MEDALLION_BIN");
  if (system("node --version >/dev/null 2>&1") != 0 ||
      !install_tool("delta-oracle", "delta-oracle.mjs", oracle_dir, sizeof oracle_dir) ||
      !install_tool("parquet-oracle", "oracle.mjs", parquet_oracle_dir, sizeof parquet_oracle_dir)) {
    printf("SKIPPED: Node.js or npm ci of the oracles is not available\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_written_tables_pass_the_protocol_check_and_read_the_same_in_the_oracle),
      cmocka_unit_test(test_tables_with_deletion_vectors_read_the_same_in_the_oracle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
