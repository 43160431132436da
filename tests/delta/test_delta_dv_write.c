/* test_delta_dv_write.c — md_delta_delete_and_append: rows deleted with
 * deletion vectors and rows appended in one commit, read back through the
 * snapshot reader; a DV on a file that already has one, a file whose rows are
 * all deleted, the protocol upgrade, checkpoints carrying the DV, row
 * positions from the scan, a conflicting concurrent commit, and that nothing
 * is visible before the commit (a failed commit leaves no DV file behind). */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/write.h"
#include "medallion/delta.h"

static md_batch *id_batch(int64_t first, int64_t count) {
  md_schema *schema = md_schema_new();
  md_error err;
  assert_int_equal(md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), true), &err), MD_OK);
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int64_t i = 0; i < count; i++) assert_int_equal(md_column_append_int(c, first + i, &err), MD_OK);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, &c, 1, &batch, &err), MD_OK);
  return batch;
}

static void write_ids(const char *path, int64_t first, int64_t count) {
  md_batch *b = id_batch(first, count);
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  md_error err;
  if (md_delta_write(path, &b, 1, &o, NULL, &err) != MD_OK) fail_msg("%s", err.message);
  md_batch_free(b);
}

static md_delta_snapshot *latest(const char *path, md_delta_table **table) {
  md_error err;
  md_delta_snapshot *s = NULL;
  if (md_delta_table_open(path, table, &err) || md_delta_snapshot_at_version(*table, -1, &s, &err))
    fail_msg("%s", err.message);
  return s;
}

/* The path of the only live file. */
static char *only_file(const char *path) {
  md_delta_table *t = NULL;
  md_delta_snapshot *s = latest(path, &t);
  assert_int_equal(md_delta_snapshot_num_files(s), 1);
  md_delta_file_info f;
  md_error err;
  assert_int_equal(md_delta_snapshot_file(s, 0, &f, &err), MD_OK);
  char *p = strdup(f.path);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return p;
}

static md_code delete_rows(const char *path, const char *file, const int64_t *rows, int64_t n, md_batch *append,
                           md_error *err) {
  md_delta_row_deletes d = {file, rows, n};
  return md_delta_delete_and_append(path, &d, 1, append ? &append : NULL, append ? 1 : 0, NULL, NULL, err);
}

static void test_delete_and_append_commits_dv_and_new_rows_at_once(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("dv-roundtrip"));
  write_ids(path, 0, 5); /* ids 0..4 at positions 0..4 */
  char *file = only_file(path);
  const int64_t rows[] = {3, 1, 3};
  md_batch *b = id_batch(10, 2);
  md_error err;
  if (delete_rows(path, file, rows, 3, b, &err) != MD_OK) fail_msg("%s", err.message);
  md_batch_free(b);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":0}\n{\"id\":10}\n{\"id\":11}\n{\"id\":2}\n{\"id\":4}\n");
  free(text);

  md_delta_table *t = NULL;
  md_delta_snapshot *s = latest(path, &t);
  assert_int_equal(md_delta_snapshot_version(s), 1);
  md_delta_protocol_info p;
  md_delta_snapshot_protocol(s, &p);
  assert_int_equal(p.min_reader_version, 3);
  assert_int_equal(p.min_writer_version, 7);
  assert_int_equal(p.num_reader_features, 1);
  assert_string_equal(p.reader_features[0], "deletionVectors");
  assert_int_equal(p.num_writer_features, 3); /* appendOnly, invariants (writer 2) + deletionVectors */
  const char *on = md_metadata_get(md_delta_snapshot_configuration(s), "delta.enableDeletionVectors");
  assert_non_null(on);
  assert_string_equal(on, "true");
  int64_t live = 0;
  for (int64_t i = 0; i < md_delta_snapshot_num_files(s); i++) {
    md_delta_file_info f;
    assert_int_equal(md_delta_snapshot_file(s, i, &f, &err), MD_OK);
    live += f.num_records;
    if (strcmp(f.path, file) == 0) {
      assert_true(f.has_deletion_vector);
      assert_int_equal(f.num_deleted_rows, 2);
      assert_int_equal(f.num_physical_records, 5);
    }
  }
  assert_int_equal(live, 5);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  free(file);
}

static void test_dv_on_a_dv_file_unions_and_scan_gives_physical_positions(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("dv-twice"));
  write_ids(path, 100, 6);
  char *file = only_file(path);
  md_error err;
  const int64_t first[] = {0, 5};
  assert_int_equal(delete_rows(path, file, first, 2, NULL, &err), MD_OK);
  const int64_t second[] = {2, 0}; /* 0 again: already deleted, still fine */
  if (delete_rows(path, file, second, 2, NULL, &err) != MD_OK) fail_msg("%s", err.message);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":101}\n{\"id\":103}\n{\"id\":104}\n");
  free(text);

  md_delta_table *t = NULL;
  md_delta_snapshot *s = latest(path, &t);
  md_delta_scan *scan = NULL;
  assert_int_equal(md_delta_scan_new(s, NULL, -1, &scan, &err), MD_OK);
  assert_int_equal(md_delta_scan_add_row_positions(scan, "_pos", &err), MD_OK);
  md_batch *batch = NULL;
  assert_int_equal(md_delta_scan_next(scan, &batch, &err), MD_OK);
  assert_non_null(batch);
  assert_int_equal(md_batch_num_rows(batch), 3);
  const int64_t *ids = md_column_values(md_batch_column(batch, 0));
  const int64_t *pos = md_column_values(md_batch_column(batch, 1));
  for (int i = 0; i < 3; i++) assert_int_equal(ids[i] - 100, pos[i]); /* id 100+k sits at position k */
  md_batch_free(batch);
  md_delta_scan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);

  /* A checkpoint keeps the DV: reading through it gives the same rows. */
  assert_int_equal(md_delta_checkpoint(path, -1, &err), MD_OK);
  text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":101}\n{\"id\":103}\n{\"id\":104}\n");
  free(text);
  free(file);
}

static void test_deleting_every_row_removes_the_file(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("dv-all"));
  write_ids(path, 0, 3);
  write_ids(path, 7, 1);
  md_delta_table *t = NULL;
  md_delta_snapshot *s = latest(path, &t);
  md_delta_file_info f;
  md_error err;
  char *target = NULL;
  for (int64_t i = 0; i < md_delta_snapshot_num_files(s); i++) {
    assert_int_equal(md_delta_snapshot_file(s, i, &f, &err), MD_OK);
    if (f.num_records == 3) target = strdup(f.path);
  }
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  const int64_t rows[] = {0, 1, 2};
  assert_int_equal(delete_rows(path, target, rows, 3, NULL, &err), MD_OK);
  s = latest(path, &t);
  assert_int_equal(md_delta_snapshot_num_files(s), 1);
  assert_int_equal(md_delta_snapshot_file(s, 0, &f, &err), MD_OK);
  assert_false(f.has_deletion_vector);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":7}\n");
  free(text);
  /* Positions past the file's rows and files that are not live are refused. */
  const int64_t past[] = {9};
  char *other = only_file(path);
  assert_int_equal(delete_rows(path, other, past, 1, NULL, &err), MD_ERR_INVALID);
  assert_int_equal(delete_rows(path, target, rows, 1, NULL, &err), MD_ERR_NOT_FOUND);
  free(other);
  free(target);
}

static int count_dv_files(const char *path) {
  DIR *d = opendir(path);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, "deletion_vector_") != NULL;
  if (d) closedir(d);
  return n;
}

/* The race itself: a transaction that DV'd `file` (and so removes its old
 * add) against a winner that re-DV'd the same file first. */
static void test_concurrent_re_dv_of_the_same_file_conflicts(void **state) {
  (void)state;
  char file[] = "part-1.parquet";
  char *removed[] = {file};
  delta_write_txn txn;
  memset(&txn, 0, sizeof txn);
  txn.mode = MD_DELTA_APPEND;
  txn.removed = removed;
  txn.num_removed = 1;
  const char *winner_text =
      "{\"commitInfo\":{\"timestamp\":1,\"operation\":\"DELETE\"}}\n"
      "{\"remove\":{\"path\":\"part-1.parquet\",\"dataChange\":true}}\n"
      "{\"add\":{\"path\":\"part-1.parquet\",\"partitionValues\":{},\"size\":10,\"modificationTime\":1,\"dataChange\":true,"
      "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":1,"
      "\"sizeInBytes\":36,\"cardinality\":1}}}\n";
  delta_commit winner;
  md_error err;
  assert_int_equal(delta_commit_parse(winner_text, strlen(winner_text), "00000000000000000003.json", &winner, &err), MD_OK);
  winner.version = 3;
  assert_int_equal(delta_check_conflict(&txn, &winner, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "part-1.parquet"));
  delta_commit_clear(&winner);
  /* A winner that touched another file does not conflict. */
  char other[] = "part-2.parquet";
  removed[0] = other;
  assert_int_equal(delta_commit_parse(winner_text, strlen(winner_text), "00000000000000000003.json", &winner, &err), MD_OK);
  winner.version = 3;
  assert_int_equal(delta_check_conflict(&txn, &winner, &err), MD_OK);
  delta_commit_clear(&winner);
}

/* A failed commit (the file is no longer live when planning) writes no DV
 * file and changes nothing. */
static void test_failed_delete_leaves_no_dv_file_and_no_change(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("dv-failed"));
  write_ids(path, 0, 4);
  char *file = only_file(path);
  md_error err;
  const int64_t rows[] = {1, 7}; /* 7 is past the 4 rows: refused after parsing, before any write */
  char *before = test_delta_canonical(path, -1, NULL);
  assert_int_equal(delete_rows(path, file, rows, 2, NULL, &err), MD_ERR_INVALID);
  assert_int_equal(count_dv_files(path), 0);
  char *after = test_delta_canonical(path, -1, NULL);
  assert_string_equal(before, after);
  md_delta_table *t = NULL;
  md_delta_snapshot *s = latest(path, &t);
  assert_int_equal(md_delta_snapshot_version(s), 0);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  free(before);
  free(after);
  free(file);
}

/* Vacuum keeps the DV file of a live file and takes the superseded one. */
static void test_vacuum_keeps_live_deletion_vector_files(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("dv-vacuum"));
  write_ids(path, 0, 6);
  char *file = only_file(path);
  md_error err;
  const int64_t first[] = {0}, second[] = {4};
  assert_int_equal(delete_rows(path, file, first, 1, NULL, &err), MD_OK);
  assert_int_equal(delete_rows(path, file, second, 1, NULL, &err), MD_OK);
  assert_int_equal(count_dv_files(path), 2);
  md_delta_vacuum_options v = {.retain_zero = true, .force = true};
  md_delta_vacuum_result *result = NULL;
  if (md_delta_vacuum(path, &v, &result, &err) != MD_OK) fail_msg("%s", err.message);
  md_delta_vacuum_result_free(result);
  assert_int_equal(count_dv_files(path), 1);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":5}\n");
  free(text);
  free(file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_delete_and_append_commits_dv_and_new_rows_at_once),
      cmocka_unit_test(test_dv_on_a_dv_file_unions_and_scan_gives_physical_positions),
      cmocka_unit_test(test_deleting_every_row_removes_the_file),
      cmocka_unit_test(test_concurrent_re_dv_of_the_same_file_conflicts),
      cmocka_unit_test(test_failed_delete_leaves_no_dv_file_and_no_change),
      cmocka_unit_test(test_vacuum_keeps_live_deletion_vector_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
