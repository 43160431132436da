/* test_delta_writer_stream.c — md_delta_writer, the write whose batches
 * arrive one at a time: the rows of every batch land in one commit (the
 * caller frees each batch right after appending it), an overwrite replaces
 * the table, the rules of md_delta_write hold at commit (NOT NULL columns,
 * idempotent app ids), a partitioned table still gets one file per
 * partition, and a write that fails or is abandoned leaves the table at its
 * previous version with no file of its own left in the directory. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/delta.h"

/* (id int64, name utf8, part utf8) rows id = first .. first + n - 1, name
 * "n<id>" (null when id % 5 == 0), part "even"/"odd". */
static md_schema *rows_schema(bool id_nullable) {
  md_error err;
  md_schema *s = md_schema_new();
  assert_int_equal(md_schema_add(s, md_field_new("id", md_type_make(MD_TYPE_INT64), id_nullable), &err), MD_OK);
  assert_int_equal(md_schema_add(s, md_field_new("name", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  assert_int_equal(md_schema_add(s, md_field_new("part", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  return s;
}

static md_batch *rows_batch(int64_t first, int64_t n, bool null_ids) {
  md_error err;
  md_column *cols[3] = {md_column_new(md_type_make(MD_TYPE_INT64)), md_column_new(md_type_make(MD_TYPE_UTF8)),
                        md_column_new(md_type_make(MD_TYPE_UTF8))};
  for (int64_t id = first; id < first + n; id++) {
    if (null_ids && id % 7 == 0) assert_int_equal(md_column_append_null(cols[0], &err), MD_OK);
    else assert_int_equal(md_column_append_int(cols[0], id, &err), MD_OK);
    char text[32];
    int len = snprintf(text, sizeof text, "n%lld", (long long)id);
    if (id % 5 == 0) assert_int_equal(md_column_append_null(cols[1], &err), MD_OK);
    else assert_int_equal(md_column_append_bytes(cols[1], text, len, &err), MD_OK);
    const char *part = id % 2 ? "odd" : "even";
    assert_int_equal(md_column_append_bytes(cols[2], part, (int64_t)strlen(part), &err), MD_OK);
  }
  md_batch *b = NULL;
  assert_int_equal(md_batch_new(rows_schema(true), cols, 3, &b, &err), MD_OK);
  return b;
}

/* The latest snapshot's rows as sorted canonical JSON lines, and its version. */
static int compare_lines(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What test_delta_canonical must print for ids first .. first + n - 1: their lines,
 * sorted bytewise as the canonical format sorts them. */
static char *expected_rows(int64_t first, int64_t n) {
  char **lines = calloc((size_t)n + 1, sizeof *lines);
  size_t cap = (size_t)n * 128 + 1, used = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  for (int64_t i = 0; i < n; i++) {
    int64_t id = first + i;
    char name[32];
    if (id % 5 == 0) snprintf(name, sizeof name, "null");
    else snprintf(name, sizeof name, "\"n%lld\"", (long long)id);
    lines[i] = malloc(128);
    snprintf(lines[i], 128, "{\"id\":%lld,\"name\":%s,\"part\":\"%s\"}\n", (long long)id, name, id % 2 ? "odd" : "even");
  }
  qsort(lines, (size_t)n, sizeof *lines, compare_lines);
  for (int64_t i = 0; i < n; i++) {
    used += (size_t)snprintf(out + used, cap - used, "%s", lines[i]);
    free(lines[i]);
  }
  free(lines);
  return out;
}

/* Parquet files (and temporaries) directly in dir. */
static int count_data_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".parquet") != NULL;
  closedir(d);
  return n;
}

/* Streams batches of `per` rows for ids first .. first + total - 1. */
static md_code stream_rows(const char *path, const md_delta_write_options *o, int64_t first, int64_t total, int64_t per,
                           int64_t *version, md_error *err) {
  md_delta_writer *w = NULL;
  md_schema *schema = rows_schema(true);
  md_code rc = md_delta_writer_open(path, schema, o, &w, err);
  md_schema_free(schema);
  for (int64_t at = first; rc == MD_OK && at < first + total; at += per) {
    md_batch *b = rows_batch(at, first + total - at < per ? first + total - at : per, false);
    rc = md_delta_writer_append(w, b, err);
    md_batch_free(b); /* the writer must not need it any more */
  }
  if (rc == MD_OK) assert_int_equal(md_delta_writer_rows(w), total);
  if (rc == MD_OK) rc = md_delta_writer_commit(w, version, err);
  md_delta_writer_free(w);
  return rc;
}

static void test_streamed_batches_land_in_one_commit_and_one_file(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  int64_t version = -1;
  if (stream_rows(path, NULL, 1, 50000, 7000, &version, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(version, 0);
  assert_int_equal(count_data_files(path), 1);
  char *got = test_delta_canonical(path, -1, NULL), *want = expected_rows(1, 50000);
  assert_string_equal(got, want);
  free(got);
  free(want);
  /* An overwrite through the writer replaces every row, in a new version. */
  md_delta_write_options overwrite = {.mode = MD_DELTA_OVERWRITE};
  if (stream_rows(path, &overwrite, 100, 30, 8, &version, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(version, 1);
  got = test_delta_canonical(path, -1, NULL);
  want = expected_rows(100, 30);
  assert_string_equal(got, want);
  free(got);
  free(want);
}

static void test_abandoned_and_failed_writes_leave_the_table_and_directory_as_they_were(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  md_schema *strict = rows_schema(false);
  md_batch *first = rows_batch(1, 10, false);
  /* A table whose id column is NOT NULL. */
  md_delta_writer *w = NULL;
  assert_int_equal(md_delta_writer_open(path, strict, NULL, &w, &err), MD_OK);
  md_delta_writer_free(w); /* abandoned before any batch: nothing exists */
  assert_int_equal(md_delta_is_table(path), false);
  assert_int_equal(count_data_files(path), 0);
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  md_column *cols[3];
  for (int i = 0; i < 3; i++) cols[i] = md_column_ref(md_batch_column(first, i));
  md_batch *strict_batch = NULL;
  assert_int_equal(md_batch_new(md_schema_copy(strict), cols, 3, &strict_batch, &err), MD_OK);
  assert_int_equal(md_delta_write(path, &strict_batch, 1, &o, NULL, &err), MD_OK);
  char *before = test_delta_canonical(path, -1, NULL);

  /* Abandoned after batches: the table is untouched and the file is gone. */
  md_schema *loose = rows_schema(true);
  assert_int_equal(md_delta_writer_open(path, loose, &o, &w, &err), MD_OK);
  md_batch *more = rows_batch(11, 20000, false);
  assert_int_equal(md_delta_writer_append(w, more, &err), MD_OK);
  md_delta_writer_free(w);
  assert_int_equal(count_data_files(path), 1);

  /* Nulls in the NOT NULL column: the commit refuses as md_delta_write does. */
  md_batch *nulls = rows_batch(11, 20000, true);
  assert_int_equal(md_delta_writer_open(path, loose, &o, &w, &err), MD_OK);
  assert_int_equal(md_delta_writer_append(w, more, &err), MD_OK);
  assert_int_equal(md_delta_writer_append(w, nulls, &err), MD_OK);
  assert_int_equal(md_delta_writer_commit(w, NULL, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "column id is NOT NULL in the table, but the data has nulls"));
  assert_int_equal(md_delta_writer_append(w, more, &err), MD_ERR_INVALID);
  md_delta_writer_free(w);
  assert_int_equal(count_data_files(path), 1);

  /* A batch of another schema is refused, and the write cannot commit. */
  assert_int_equal(md_delta_writer_open(path, strict, &o, &w, &err), MD_OK);
  assert_int_equal(md_delta_writer_append(w, more, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "schema differs"));
  md_delta_writer_free(w);

  int64_t version = -1;
  char *after = test_delta_canonical(path, -1, &version);
  assert_int_equal(version, 0);
  assert_string_equal(before, after);
  assert_int_equal(count_data_files(path), 1);
  free(before);
  free(after);
  md_batch_free(first);
  md_batch_free(strict_batch);
  md_batch_free(more);
  md_batch_free(nulls);
  md_schema_free(strict);
  md_schema_free(loose);
}

static void test_a_repeated_app_id_commits_nothing_and_keeps_no_file(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .app_id = "loader", .txn_version = 3};
  int64_t version = -1;
  assert_int_equal(stream_rows(path, &o, 1, 100, 40, &version, &err), MD_OK);
  assert_int_equal(version, 0);
  /* The same app id and version again (a retry after a crash): skipped. */
  assert_int_equal(stream_rows(path, &o, 500, 100, 40, &version, &err), MD_OK);
  assert_int_equal(version, 0);
  assert_int_equal(count_data_files(path), 1);
  char *got = test_delta_canonical(path, -1, NULL), *want = expected_rows(1, 100);
  assert_string_equal(got, want);
  free(got);
  free(want);
}

static void test_a_partitioned_table_gets_one_file_per_partition(void **state) {
  (void)state;
  char path[4200], dir[4300];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  static const char *const by[] = {"part"};
  md_delta_write_options o = {.mode = MD_DELTA_OVERWRITE, .partition_by = by, .num_partition_by = 1};
  int64_t version = -1;
  if (stream_rows(path, &o, 1, 3000, 1000, &version, &err) != MD_OK) fail_msg("%s", err.message);
  snprintf(dir, sizeof dir, "%s/part=odd", path);
  assert_int_equal(count_data_files(dir), 1);
  snprintf(dir, sizeof dir, "%s/part=even", path);
  assert_int_equal(count_data_files(dir), 1);
  /* Appending to the existing partitioned table (no partition_by given). */
  md_delta_write_options append = {.mode = MD_DELTA_APPEND};
  if (stream_rows(path, &append, 3001, 10, 4, &version, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(version, 1);
  assert_int_equal(count_data_files(dir), 2);
  char *got = test_delta_canonical(path, -1, NULL), *want = expected_rows(1, 3010);
  assert_string_equal(got, want);
  free(got);
  free(want);
}

static void test_an_abandoned_partitioned_write_leaves_no_file_in_any_partition(void **state) {
  (void)state;
  char path[4200], dir[4300];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  static const char *const by[] = {"part"};
  md_delta_write_options o = {.mode = MD_DELTA_OVERWRITE, .partition_by = by, .num_partition_by = 1};
  if (stream_rows(path, &o, 1, 100, 30, NULL, &err) != MD_OK) fail_msg("%s", err.message);
  char *before = test_delta_canonical(path, -1, NULL);
  /* Each partition's file is open (and holds rows) when the write is dropped. */
  md_schema *schema = rows_schema(true);
  md_delta_writer *w = NULL;
  md_batch *more = rows_batch(101, 5000, false);
  assert_int_equal(md_delta_writer_open(path, schema, &o, &w, &err), MD_OK);
  assert_int_equal(md_delta_writer_append(w, more, &err), MD_OK);
  md_delta_writer_free(w);
  snprintf(dir, sizeof dir, "%s/part=odd", path);
  assert_int_equal(count_data_files(dir), 1);
  snprintf(dir, sizeof dir, "%s/part=even", path);
  assert_int_equal(count_data_files(dir), 1);
  /* Split by another column than the table's: refused at commit, files gone. */
  static const char *const other[] = {"name"};
  md_delta_write_options wrong = {.mode = MD_DELTA_OVERWRITE, .partition_by = other, .num_partition_by = 1};
  md_batch *few = rows_batch(101, 20, false);
  assert_int_equal(md_delta_writer_open(path, schema, &wrong, &w, &err), MD_OK);
  assert_int_equal(md_delta_writer_append(w, few, &err), MD_OK);
  assert_int_equal(md_delta_writer_commit(w, NULL, &err), MD_ERR_SCHEMA);
  md_delta_writer_free(w);
  assert_int_equal(count_data_files(dir), 1);
  char *after = test_delta_canonical(path, -1, NULL);
  assert_string_equal(before, after);
  free(before);
  free(after);
  md_batch_free(more);
  md_batch_free(few);
  md_schema_free(schema);
}

static void test_no_batches_make_a_table_with_columns_and_no_rows(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("writer_stream"));
  md_error err;
  md_schema *schema = rows_schema(true);
  md_delta_writer *w = NULL;
  assert_int_equal(md_delta_writer_open(path, schema, NULL, &w, &err), MD_OK);
  assert_int_equal(md_delta_writer_commit(w, NULL, &err), MD_OK);
  assert_int_equal(md_delta_writer_commit(w, NULL, &err), MD_ERR_INVALID);
  md_delta_writer_free(w);
  int64_t version = -1;
  char *got = test_delta_canonical(path, -1, &version);
  assert_int_equal(version, 0);
  assert_string_equal(got, "");
  free(got);
  md_schema_free(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_streamed_batches_land_in_one_commit_and_one_file),
      cmocka_unit_test(test_abandoned_and_failed_writes_leave_the_table_and_directory_as_they_were),
      cmocka_unit_test(test_a_repeated_app_id_commits_nothing_and_keeps_no_file),
      cmocka_unit_test(test_a_partitioned_table_gets_one_file_per_partition),
      cmocka_unit_test(test_an_abandoned_partitioned_write_leaves_no_file_in_any_partition),
      cmocka_unit_test(test_no_batches_make_a_table_with_columns_and_no_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
