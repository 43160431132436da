/* test_delta_write_features.c — the writer's partitioning (Hive directories,
 * escaped values, nulls), per-file statistics, schema evolution, replaceWhere,
 * the timestampNtz protocol, and the conflict rules between two writers
 * (delta-rs issue 3622: two overwrites of one partition must not both win). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delta/write.h"
#include "medallion/delta.h"

/* A batch of (p utf8, k int64[, extra utf8]) rows; p NULL means null. */
static md_batch *pk_batch(const char *const *p, const int64_t *k, int n, const char *extra_name) {
  md_error err;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("p", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("k", md_type_make(MD_TYPE_INT64), true), &err), MD_OK);
  if (extra_name)
    assert_int_equal(md_schema_add(schema, md_field_new(extra_name, md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  md_column *cols[3] = {md_column_new(md_type_make(MD_TYPE_UTF8)), md_column_new(md_type_make(MD_TYPE_INT64)),
                        md_column_new(md_type_make(MD_TYPE_UTF8))};
  for (int i = 0; i < n; i++) {
    if (p[i]) assert_int_equal(md_column_append_bytes(cols[0], p[i], (int64_t)strlen(p[i]), &err), MD_OK);
    else assert_int_equal(md_column_append_null(cols[0], &err), MD_OK);
    assert_int_equal(md_column_append_int(cols[1], k[i], &err), MD_OK);
    assert_int_equal(md_column_append_bytes(cols[2], "x", 1, &err), MD_OK);
  }
  int num = extra_name ? 3 : 2;
  if (!extra_name) md_column_free(cols[2]);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, cols, num, &batch, &err), MD_OK);
  return batch;
}

static char *commit_text(const char *path, int64_t version) {
  char file[4400];
  snprintf(file, sizeof file, "%s/_delta_log/%020lld.json", path, (long long)version);
  char *text = NULL;
  size_t len = 0;
  md_error err;
  if (delta_read_file(file, 1 << 20, &text, &len, &err) != MD_OK) fail_msg("%s", err.message);
  return text;
}

static void write_ok(const char *path, md_batch *b, const md_delta_write_options *o) {
  md_error err;
  if (md_delta_write(path, &b, 1, o, NULL, &err) != MD_OK) fail_msg("%s", err.message);
  md_batch_free(b);
}

static const char *const P_COLS[] = {"p"};

static void test_write_partitions_into_hive_directories_with_escaping_and_nulls(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-part"));
  const char *p[] = {"a", "b/c", NULL, "a", "x y:%"};
  int64_t k[] = {1, 2, 3, 4, 5};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = P_COLS, .num_partition_by = 1};
  write_ok(path, pk_batch(p, k, 5, NULL), &o);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"p\":\"a\",\"k\":1}\n{\"p\":\"a\",\"k\":4}\n{\"p\":\"b/c\",\"k\":2}\n"
                            "{\"p\":\"x y:%\",\"k\":5}\n{\"p\":null,\"k\":3}\n");
  free(text);
  char *log = commit_text(path, 0);
  assert_non_null(strstr(log, "\"path\":\"p=b%252Fc/part-"));
  assert_non_null(strstr(log, "\"path\":\"p=x%20y%253A%2525/part-"));
  assert_non_null(strstr(log, "\"path\":\"p=__HIVE_DEFAULT_PARTITION__/part-"));
  assert_non_null(strstr(log, "\"partitionValues\":{\"p\":null}"));
  assert_non_null(strstr(log, "\"partitionColumns\":[\"p\"]"));
  free(log);
  char dir[4400];
  struct stat st;
  snprintf(dir, sizeof dir, "%s/p=b%%2Fc", path);
  assert_int_equal(stat(dir, &st), 0);
  snprintf(dir, sizeof dir, "%s/p=x y%%3A%%25", path);
  assert_int_equal(stat(dir, &st), 0);
}

/* Every k of the table in scan order (files by path, rows in file order). */
static int scan_k(const char *path, int64_t *out, int cap) {
  md_error err;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_delta_scan *scan = NULL;
  static const char *const k_only[] = {"k"};
  if (md_delta_table_open(path, &t, &err) || md_delta_snapshot_at_version(t, -1, &s, &err) ||
      md_delta_scan_new(s, k_only, 1, &scan, &err))
    fail_msg("%s", err.message);
  int n = 0;
  for (;;) {
    md_batch *b = NULL;
    if (md_delta_scan_next(scan, &b, &err) != MD_OK) fail_msg("%s", err.message);
    if (!b) break;
    const int64_t *k = md_column_values(md_batch_column(b, 0));
    for (int64_t r = 0; r < md_batch_num_rows(b) && n < cap; r++) out[n++] = k[r];
    md_batch_free(b);
  }
  md_delta_scan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return n;
}

static int count_of(const char *text, const char *needle) {
  int n = 0;
  for (const char *at = text; (at = strstr(at, needle)) != NULL; at++) n++;
  return n;
}

static void test_write_partitions_several_batches_into_one_file_each_keeping_row_order(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-part-batches"));
  const char *p1[] = {"a", "b", "a", NULL}, *p2[] = {"b", "a", NULL};
  int64_t k1[] = {1, 2, 3, 4}, k2[] = {5, 6, 7};
  md_batch *batches[2] = {pk_batch(p1, k1, 4, NULL), pk_batch(p2, k2, 3, NULL)};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = P_COLS, .num_partition_by = 1};
  md_error err;
  if (md_delta_write(path, batches, 2, &o, NULL, &err) != MD_OK) fail_msg("%s", err.message);
  md_batch_free(batches[0]);
  md_batch_free(batches[1]);
  char *log = commit_text(path, 0);
  assert_int_equal(count_of(log, "{\"add\":"), 3);
  free(log);
  int64_t got[16];
  assert_int_equal(scan_k(path, got, 16), 7);
  const int64_t want[] = {4, 7, 1, 3, 6, 2, 5}; /* null partition, a, b */
  assert_memory_equal(got, want, sizeof want);
}

static void test_write_partitions_by_integer_into_many_partitions(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-part-ints"));
  md_error err;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("d", md_type_make(MD_TYPE_DATE32), true), &err), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("k", md_type_make(MD_TYPE_INT64), true), &err), MD_OK);
  md_column *cols[2] = {md_column_new(md_type_make(MD_TYPE_DATE32)), md_column_new(md_type_make(MD_TYPE_INT64))};
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(md_column_append_int(cols[0], 20000 + (i * 7) % 100, &err), MD_OK);
    assert_int_equal(md_column_append_int(cols[1], i, &err), MD_OK);
  }
  md_batch *b = NULL;
  assert_int_equal(md_batch_new(schema, cols, 2, &b, &err), MD_OK);
  static const char *const by_d[] = {"d"};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = by_d, .num_partition_by = 1};
  write_ok(path, b, &o);
  char *log = commit_text(path, 0);
  assert_int_equal(count_of(log, "{\"add\":"), 100);
  assert_non_null(strstr(log, "\"partitionValues\":{\"d\":\"2024-10-04\"}")); /* day 20000 */
  free(log);
  int64_t got[1000];
  assert_int_equal(scan_k(path, got, 1000), 1000);
  /* Each partition's rows in input order: k ascending within the runs of
   * one partition; 100 partitions of 10 rows each. */
  for (int i = 0; i < 1000; i++)
    if (i % 10) assert_true(got[i] > got[i - 1] && (got[i] - got[i - 1]) % 100 == 0);
}

static void test_write_records_stats_matching_the_data(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-stats"));
  const char *p[] = {"m", NULL, "c"};
  int64_t k[] = {7, -3, 12};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  write_ok(path, pk_batch(p, k, 3, NULL), &o);
  char *log = commit_text(path, 0);
  assert_non_null(strstr(log, "\"stats\":\"{\\\"numRecords\\\":3,\\\"minValues\\\":{\\\"p\\\":\\\"c\\\",\\\"k\\\":-3},"
                              "\\\"maxValues\\\":{\\\"p\\\":\\\"m\\\",\\\"k\\\":12},"
                              "\\\"nullCount\\\":{\\\"p\\\":1,\\\"k\\\":0}}\""));
  free(log);
  md_error err;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  assert_int_equal(md_delta_table_open(path, &t, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_at_version(t, -1, &s, &err), MD_OK);
  md_delta_file_info info;
  assert_int_equal(md_delta_snapshot_file(s, 0, &info, &err), MD_OK);
  assert_int_equal(info.num_records, 3);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}

static void test_write_merge_schema_adds_nullable_columns_and_old_rows_read_null(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-merge"));
  const char *p[] = {"a"};
  int64_t k[] = {1};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  write_ok(path, pk_batch(p, k, 1, NULL), &o);
  md_batch *wide = pk_batch(p, k, 1, "extra");
  md_error err;
  assert_int_equal(md_delta_write(path, &wide, 1, &o, NULL, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "column extra is not in the table"));
  o.merge_schema = true;
  write_ok(path, wide, &o);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"p\":\"a\",\"k\":1,\"extra\":\"x\"}\n{\"p\":\"a\",\"k\":1,\"extra\":null}\n");
  free(text);
  char *log = commit_text(path, 1);
  assert_non_null(strstr(log, "\"metaData\":"));
  assert_non_null(strstr(log, "\"isBlindAppend\":false"));
  free(log);
  /* the narrow data still appends: missing columns read as null */
  o.merge_schema = false;
  const char *p2[] = {"z"};
  write_ok(path, pk_batch(p2, k, 1, NULL), &o);
  text = test_delta_canonical(path, -1, NULL);
  assert_non_null(strstr(text, "{\"p\":\"z\",\"k\":1,\"extra\":null}\n"));
  free(text);
}

static void test_write_replace_where_overwrites_only_matching_partitions(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-rw"));
  const char *p[] = {"a", "b", "c"};
  int64_t k[] = {1, 2, 3};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = P_COLS, .num_partition_by = 1};
  write_ok(path, pk_batch(p, k, 3, NULL), &o);
  const char *p2[] = {"a", "b"};
  int64_t k2[] = {10, 20};
  o.mode = MD_DELTA_OVERWRITE;
  o.replace_where = "p IN ('a', 'b') AND (p = 'a' OR_NOT_SUPPORTED)";
  md_batch *b = pk_batch(p2, k2, 2, NULL);
  md_error err;
  assert_int_equal(md_delta_write(path, &b, 1, &o, NULL, &err), MD_ERR_INVALID);
  o.replace_where = "k = 1";
  assert_int_equal(md_delta_write(path, &b, 1, &o, NULL, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "k is not a partition column"));
  o.replace_where = "p = 'a'";
  assert_int_equal(md_delta_write(path, &b, 1, &o, NULL, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "do not match the replaceWhere"));
  o.replace_where = "p IN ('a', 'b')";
  write_ok(path, b, &o);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"p\":\"a\",\"k\":10}\n{\"p\":\"b\",\"k\":20}\n{\"p\":\"c\",\"k\":3}\n");
  free(text);
  char *log = commit_text(path, 1);
  assert_non_null(strstr(log, "\"predicate\":\"p IN ('a', 'b')\""));
  free(log);
}

static void test_write_timestamp_ntz_needs_table_features(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-ntz"));
  md_error err;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("t", md_type_timestamp(MD_MICRO, false), true), &err), MD_OK);
  md_column *c = md_column_new(md_type_timestamp(MD_MICRO, false));
  assert_int_equal(md_column_append_int(c, 1700000000123456, &err), MD_OK);
  md_batch *b = NULL;
  assert_int_equal(md_batch_new(schema, &c, 1, &b, &err), MD_OK);
  write_ok(path, b, NULL);
  char *log = commit_text(path, 0);
  assert_non_null(strstr(log, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                              "\"readerFeatures\":[\"timestampNtz\"],\"writerFeatures\":[\"timestampNtz\"]}}"));
  assert_non_null(strstr(log, "\\\"minValues\\\":{\\\"t\\\":\\\"2023-11-14T22:13:20.123456\\\"}"));
  free(log);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"t\":\"2023-11-14T22:13:20.123456\"}\n");
  free(text);
  snprintf(path, sizeof path, "%s/u", test_temp_dir("write-plain"));
  const char *p[] = {"a"};
  int64_t k[] = {1};
  write_ok(path, pk_batch(p, k, 1, NULL), NULL);
  log = commit_text(path, 0);
  assert_non_null(strstr(log, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}"));
  free(log);
}

/* The first phase of md_delta_write for one batch. */
static md_code prepare_one(const char *path, md_batch *batch, const md_delta_write_options *o, delta_write_txn *txn,
                           md_error *err) {
  delta_write_data data = {.schema = md_batch_schema(batch), .batches = &batch, .num_batches = 1};
  return delta_write_prepare(path, &data, o, txn, err);
}

/* delta-rs issue 3622: both writers plan an overwrite of partition a on the
 * same version; the first wins, the second must fail naming the version. */
static void test_concurrent_overwrites_of_one_partition_conflict(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-3622"));
  const char *p[] = {"a", "a", "a", "b", "b", "b"};
  int64_t k[] = {1, 2, 3, 1, 2, 3};
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = P_COLS, .num_partition_by = 1};
  write_ok(path, pk_batch(p, k, 6, NULL), &o);
  o.mode = MD_DELTA_OVERWRITE;
  o.replace_where = "p = 'a'";
  int64_t ka[] = {3, 4, 5}, kb[] = {1, 2, 3};
  md_batch *a = pk_batch(p, ka, 3, NULL), *b = pk_batch(p, kb, 3, NULL);
  md_error err;
  delta_write_txn ta, tb;
  assert_int_equal(prepare_one(path, a, &o, &ta, &err), MD_OK);
  assert_int_equal(prepare_one(path, b, &o, &tb, &err), MD_OK);
  int64_t v = -1;
  assert_int_equal(delta_write_commit(&ta, &v, &err), MD_OK);
  assert_int_equal(v, 1);
  assert_int_equal(delta_write_commit(&tb, &v, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "concurrent commit at version 1 conflicts"));
  delta_write_txn_clear(&ta, true);
  delta_write_txn_clear(&tb, false);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"p\":\"a\",\"k\":3}\n{\"p\":\"a\",\"k\":4}\n{\"p\":\"a\",\"k\":5}\n"
                            "{\"p\":\"b\",\"k\":1}\n{\"p\":\"b\",\"k\":2}\n{\"p\":\"b\",\"k\":3}\n");
  free(text);
  /* Overwrites of different partitions, and blind appends, both commit. */
  o.replace_where = "p = 'b'";
  md_delta_write_options append = {.mode = MD_DELTA_APPEND};
  assert_int_equal(prepare_one(path, a, &o, &ta, &err), MD_ERR_INVALID); /* a rows, b predicate */
  delta_write_txn_clear(&ta, false);
  const char *pb[] = {"b", "b", "b"};
  md_batch *bb = pk_batch(pb, kb, 3, NULL);
  assert_int_equal(prepare_one(path, bb, &o, &ta, &err), MD_OK);
  o.replace_where = "p = 'a'";
  assert_int_equal(prepare_one(path, a, &o, &tb, &err), MD_OK);
  delta_write_txn tc;
  assert_int_equal(prepare_one(path, a, &append, &tc, &err), MD_OK);
  assert_int_equal(delta_write_commit(&ta, &v, &err), MD_OK);
  assert_int_equal(delta_write_commit(&tb, &v, &err), MD_OK);
  assert_int_equal(v, 3);
  assert_int_equal(delta_write_commit(&tc, &v, &err), MD_OK);
  assert_int_equal(v, 4);
  delta_write_txn_clear(&ta, true);
  delta_write_txn_clear(&tb, true);
  delta_write_txn_clear(&tc, true);
  md_batch_free(a);
  md_batch_free(b);
  md_batch_free(bb);
}

static void test_checkpoint_every_ten_commits_replays_like_json(void **state) {
  (void)state;
  char path[4200], file[4400];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-checkpoint"));
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .partition_by = P_COLS, .num_partition_by = 1,
                              .app_id = "job"};
  const char *p[] = {"a", "b", NULL};
  for (int v = 0; v < 12; v++) {
    int64_t k[] = {v, v + 100, v + 200};
    o.mode = v == 6 ? MD_DELTA_OVERWRITE : MD_DELTA_APPEND;
    o.txn_version = v;
    write_ok(path, pk_batch(p, k, 3, NULL), &o);
  }
  snprintf(file, sizeof file, "%s/_delta_log/%020d.checkpoint.parquet", path, 10);
  struct stat st;
  assert_int_equal(stat(file, &st), 0);
  char *last = NULL;
  size_t len = 0;
  md_error err;
  snprintf(file, sizeof file, "%s/_delta_log/_last_checkpoint", path);
  assert_int_equal(delta_read_file(file, 4096, &last, &len, &err), MD_OK);
  assert_non_null(strstr(last, "\"version\":10"));
  free(last);
  char *with_json = test_delta_canonical(path, -1, NULL);
  /* Without the commits the checkpoint covers, the same rows and txn come from it. */
  for (int v = 0; v <= 10; v++) {
    snprintf(file, sizeof file, "%s/_delta_log/%020d.json", path, v);
    assert_int_equal(unlink(file), 0);
  }
  char *from_checkpoint = test_delta_canonical(path, -1, NULL);
  assert_string_equal(from_checkpoint, with_json);
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  assert_int_equal(md_delta_table_open(path, &t, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_at_version(t, -1, &s, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_txn_version(s, "job"), 11);
  assert_int_equal(md_delta_snapshot_num_partition_columns(s), 1);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  free(with_json);
  free(from_checkpoint);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_write_partitions_into_hive_directories_with_escaping_and_nulls),
      cmocka_unit_test(test_write_partitions_several_batches_into_one_file_each_keeping_row_order),
      cmocka_unit_test(test_write_partitions_by_integer_into_many_partitions),
      cmocka_unit_test(test_write_records_stats_matching_the_data),
      cmocka_unit_test(test_write_merge_schema_adds_nullable_columns_and_old_rows_read_null),
      cmocka_unit_test(test_write_replace_where_overwrites_only_matching_partitions),
      cmocka_unit_test(test_write_timestamp_ntz_needs_table_features),
      cmocka_unit_test(test_concurrent_overwrites_of_one_partition_conflict),
      cmocka_unit_test(test_checkpoint_every_ten_commits_replays_like_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
