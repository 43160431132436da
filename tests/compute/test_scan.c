/* test_scan.c — Parquet and Delta scans: projection, row-group pruning by
 * chunk statistics, file pruning by Delta partition values and add-action
 * statistics; every pruned result is compared with an unpruned scan
 * (no_optimize) and the row groups / files actually read are counted. */
#include <stdio.h>
#include <sys/stat.h>

#include "support.h"

#include "compute/scan_internal.h"
#include "compute_test_util.h"

#define GROUPS 10
#define GROUP_ROWS 100

/* id int64 0..999 sorted; name 'n<id/100>'; v int32, all null in row group 7. */
static void write_table(const char *path) {
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = GROUP_ROWS;
  md_column *id = md_column_new(md_type_make(MD_TYPE_INT64)), *name = md_column_new(md_type_make(MD_TYPE_UTF8)),
            *v = md_column_new(md_type_make(MD_TYPE_INT32));
  for (int i = 0; i < GROUPS * GROUP_ROWS; i++) {
    char text[16];
    snprintf(text, sizeof text, "n%d", i / GROUP_ROWS);
    md_column_append_int(id, i, NULL);
    md_column_append_bytes(name, text, (int64_t)strlen(text), NULL);
    if (i / GROUP_ROWS == 7) md_column_append_null(v, NULL);
    else md_column_append_int(v, i % 7, NULL);
  }
  const char *names[] = {"id", "name", "v"};
  md_batch *batch = make_batch(3, names, (md_column *[]){id, name, v});
  md_parquet_writer *writer = NULL;
  md_error err;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), &options, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_OK);
  assert_int_equal(md_parquet_writer_close(writer, &err), MD_OK);
  md_parquet_writer_free(writer);
  md_batch_free(batch);
}

static const char *table_path(void) {
  static char path[600];
  snprintf(path, sizeof path, "%s/t.parquet", test_temp_dir("compute_scan"));
  write_table(path);
  return path;
}

static md_plan *scan_of(const char *path) {
  md_plan *plan = NULL;
  md_error err;
  if (md_plan_scan_parquet(&path, 1, &plan, &err) != MD_OK) fail_msg("scan: %s", err.message);
  return plan;
}

/* Collects plan; stats gets what the scans read. */
static md_batch *run(md_plan *plan, bool optimize, int threads, md_scan_stats *stats) {
  md_exec_options options = {.threads = threads, .no_optimize = !optimize};
  md_stream *stream = NULL;
  md_error err;
  if (md_plan_execute(plan, &options, &stream, &err) != MD_OK) fail_msg("execute: %s", err.message);
  md_batch *batches[256];
  int n = 0;
  for (;;) {
    md_batch *b = NULL;
    if (md_stream_next(stream, &b, &err) != MD_OK) fail_msg("next: %s", err.message);
    if (!b) break;
    assert_true(n < 256);
    batches[n++] = b;
  }
  if (stats) md_stream_scan_stats(stream, stats);
  md_batch *all = NULL;
  assert_int_equal(md_batch_concat(md_stream_schema(stream), batches, n, &all, &err), MD_OK);
  for (int i = 0; i < n; i++) md_batch_free(batches[i]);
  md_stream_free(stream);
  return all;
}

static void assert_batches_equal(const md_batch *a, const md_batch *b) {
  assert_int_equal(md_batch_num_rows(a), md_batch_num_rows(b));
  assert_int_equal(md_batch_num_columns(a), md_batch_num_columns(b));
  for (int c = 0; c < md_batch_num_columns(a); c++) {
    md_column *x = md_batch_column(a, c), *y = md_batch_column(b, c);
    for (int64_t r = 0; r < md_batch_num_rows(a); r++) {
      char p[128], q[128];
      column_format_value(x, r, p, sizeof p);
      column_format_value(y, r, q, sizeof q);
      assert_string_equal(p, q);
    }
  }
}

/* Runs the filter over the file pruned and unpruned; returns row groups read. */
static int64_t pruned_vs_full(const char *path, md_expr *predicate, int64_t expect_rows) {
  md_expr *copy = md_expr_copy(predicate);
  md_plan *pruned = md_plan_filter(scan_of(path), predicate), *full = md_plan_filter(scan_of(path), copy);
  md_scan_stats ps, fs;
  md_batch *a = run(pruned, true, 2, &ps), *b = run(full, false, 1, &fs);
  assert_int_equal(fs.row_groups_read, GROUPS);
  assert_int_equal(md_batch_num_rows(a), expect_rows);
  assert_batches_equal(a, b);
  md_batch_free(a);
  md_batch_free(b);
  md_plan_free(pruned);
  md_plan_free(full);
  return ps.row_groups_read;
}

static void test_parquet_scan_reads_only_row_groups_whose_range_can_match(void **state) {
  (void)state;
  const char *path = table_path();
  assert_int_equal(pruned_vs_full(path, md_and(md_ge(md_col("id"), md_lit_int(250)), md_lt(md_col("id"), md_lit_int(420))), 170), 3);
  assert_int_equal(pruned_vs_full(path, md_eq(md_lit_int32(555), md_col("id")), 1), 1);
  assert_int_equal(pruned_vs_full(path, md_gt(md_col("id"), md_lit_int(5000)), 0), 0);
  assert_int_equal(pruned_vs_full(path, md_or(md_lt(md_col("id"), md_lit_int(10)), md_ge(md_col("id"), md_lit_int(990))), 20), 2);
  md_scalar set[2] = {{.type = md_type_make(MD_TYPE_UTF8)}, {.type = md_type_make(MD_TYPE_UTF8)}};
  set[0].v.bytes.ptr = (const uint8_t *)"n3";
  set[0].v.bytes.length = 2;
  set[1].v.bytes.ptr = (const uint8_t *)"n9";
  set[1].v.bytes.length = 2;
  assert_int_equal(pruned_vs_full(path, md_in_set(md_col("name"), set, 2), 200), 2);
}

static void test_parquet_scan_prunes_all_null_row_groups_and_keeps_unknown_shapes(void **state) {
  (void)state;
  const char *path = table_path();
  assert_int_equal(pruned_vs_full(path, md_is_not_null(md_col("v")), 900), 9);
  assert_int_equal(pruned_vs_full(path, md_is_null(md_col("v")), 100), 1);
  assert_int_equal(pruned_vs_full(path, md_eq(md_col("v"), md_lit_int(3)), 129), 9);
  /* An expression of the column is not understood: everything is read. */
  assert_int_equal(pruned_vs_full(path, md_gt(md_add(md_col("id"), md_lit_int(1)), md_lit_int(995)), 5), GROUPS);
}

static void test_parquet_scan_projects_pushed_down_columns(void **state) {
  (void)state;
  md_expr *exprs[] = {md_mul(md_col("v"), md_lit_int(2))};
  const char *names[] = {"v2"};
  md_plan *plan = md_plan_project(md_plan_filter(scan_of(table_path()), md_lt(md_col("id"), md_lit_int(3))), exprs, names, 1);
  char *text = NULL;
  md_error err;
  assert_int_equal(md_plan_explain(plan, &text, &err), MD_OK);
  assert_non_null(strstr(text, "columns=[id, v]"));
  assert_non_null(strstr(text, "prune_by=(id < 3)"));
  free(text);
  md_batch *out = run(plan, true, 1, NULL);
  assert_int_equal(md_batch_num_rows(out), 3);
  assert_int_equal(col_int(md_batch_column(out, 0), 2), 4);
  md_batch_free(out);
  md_plan_free(plan);
}

/* Statistics we do not have or do not trust never prune. */
static bool no_stats(void *ctx, const char *name, scan_col_stats *out) {
  (void)ctx;
  (void)name;
  memset(out, 0, sizeof *out);
  return false;
}
static bool float_like(void *ctx, const char *name, scan_col_stats *out) {
  (void)name;
  md_parquet_chunk_info chunk = {0};
  chunk.has_min_max = true;
  chunk.min.type = chunk.max.type = md_type_make(*(md_type_id *)ctx);
  chunk.min.v.f = 1.0;
  chunk.max.v.f = 2.0;
  chunk.min.v.i = chunk.max.v.i = 1;
  scan_parquet_chunk_stats(&chunk, 10, out);
  return true;
}

static void test_pruning_keeps_data_without_trusted_statistics(void **state) {
  (void)state;
  md_expr *e = md_gt(md_col("x"), md_lit_int(100));
  assert_true(scan_may_match(e, no_stats, NULL));
  md_type_id id = MD_TYPE_FLOAT64;
  assert_true(scan_may_match(e, float_like, &id)); /* floats: NaN may be missing from statistics */
  id = MD_TYPE_INT64;
  assert_false(scan_may_match(e, float_like, &id));
  md_expr_free(e);
  e = md_gt(md_col("x"), md_lit_str("z"));
  assert_true(scan_may_match(e, float_like, &id)); /* a type pair we do not compare */
  md_expr_free(e);
}

/* --------------------------------------------------------------- Delta */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A table partitioned by p (int) with three files of ids [0,100), [100,200),
 * [200,300); file 2 has no statistics. */
static const char *delta_table(void) {
  const char *dir = test_temp_dir("compute_scan_delta");
  static char root[600];
  snprintf(root, sizeof root, "%s", dir);
  char path[700], log[8192] = "";
  snprintf(path, sizeof path, "%s/_delta_log", root);
  mkdir(path, 0777);
  strcat(log, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
              "{\"metaData\":{\"id\":\"t\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
              "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
              "\\\"nullable\\\":true,\\\"metadata\\\":{}},{\\\"name\\\":\\\"p\\\",\\\"type\\\":\\\"integer\\\","
              "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[\"p\"],\"configuration\":{}}}\n");
  for (int f = 0; f < 3; f++) {
    md_column *id = md_column_new(md_type_make(MD_TYPE_INT64));
    for (int i = 0; i < 100; i++) md_column_append_int(id, f * 100 + i, NULL);
    const char *names[] = {"id"};
    md_batch *batch = make_batch(1, names, (md_column *[]){id});
    snprintf(path, sizeof path, "%s/f%d.parquet", root, f);
    md_parquet_writer *writer = NULL;
    assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &writer, NULL), MD_OK);
    assert_int_equal(md_parquet_writer_write(writer, batch, NULL), MD_OK);
    assert_int_equal(md_parquet_writer_close(writer, NULL), MD_OK);
    long long size = md_parquet_writer_file_size(writer);
    md_parquet_writer_free(writer);
    md_batch_free(batch);
    char add[600], stats[200] = "";
    if (f != 2)
      snprintf(stats, sizeof stats,
               ",\"stats\":\"{\\\"numRecords\\\":100,\\\"minValues\\\":{\\\"id\\\":%d},\\\"maxValues\\\":{\\\"id\\\":%d},"
               "\\\"nullCount\\\":{\\\"id\\\":0}}\"",
               f * 100, f * 100 + 99);
    snprintf(add, sizeof add,
             "{\"add\":{\"path\":\"f%d.parquet\",\"partitionValues\":{\"p\":\"%d\"},\"size\":%lld,"
             "\"modificationTime\":0,\"dataChange\":true%s}}\n",
             f, f % 2, size, stats);
    strcat(log, add);
  }
  snprintf(path, sizeof path, "%s/_delta_log/00000000000000000000.json", root);
  write_file(path, log);
  return root;
}

static int64_t delta_files_read(const md_delta_snapshot *snapshot, md_expr *predicate, int64_t expect_rows) {
  md_plan *pruned = NULL, *full = NULL;
  md_error err;
  assert_int_equal(md_plan_scan_delta(snapshot, &pruned, &err), MD_OK);
  assert_int_equal(md_plan_scan_delta(snapshot, &full, &err), MD_OK);
  pruned = md_plan_filter(pruned, md_expr_copy(predicate));
  full = md_plan_filter(full, predicate);
  md_scan_stats ps, fs;
  md_batch *a = run(pruned, true, 4, &ps), *b = run(full, false, 1, &fs);
  assert_int_equal(fs.files_read, md_delta_snapshot_num_files(snapshot));
  assert_int_equal(md_batch_num_rows(a), expect_rows);
  assert_batches_equal(a, b);
  md_batch_free(a);
  md_batch_free(b);
  md_plan_free(pruned);
  md_plan_free(full);
  return ps.files_read;
}

static void test_delta_scan_prunes_files_by_partition_values_and_statistics(void **state) {
  (void)state;
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_error err;
  assert_int_equal(md_delta_table_open(delta_table(), &table, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_at_version(table, -1, &snapshot, &err), MD_OK);
  assert_int_equal(delta_files_read(snapshot, md_eq(md_col("p"), md_lit_int(1)), 100), 1);
  assert_int_equal(delta_files_read(snapshot, md_lt(md_col("id"), md_lit_int(50)), 50), 2); /* file 2 has no stats */
  assert_int_equal(delta_files_read(snapshot, md_ge(md_col("id"), md_lit_int(150)), 150), 2);
  assert_int_equal(delta_files_read(snapshot, md_and(md_eq(md_col("p"), md_lit_int(0)), md_lt(md_col("id"), md_lit_int(50))), 50), 2);
  assert_int_equal(delta_files_read(snapshot, md_is_null(md_col("p")), 0), 0);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
}

static void test_delta_scan_of_string_partitions_matches_unpruned_scan(void **state) {
  (void)state;
  const char *shared = test_shared_dir();
  if (!shared) skip();
  char path[700];
  snprintf(path, sizeof path, "%s/conformance/delta/cases/delta-0.8.0-partitioned/table", shared);
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_error err;
  assert_int_equal(md_delta_table_open(path, &table, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_at_version(table, -1, &snapshot, &err), MD_OK);
  int64_t files = md_delta_snapshot_num_files(snapshot);
  assert_true(delta_files_read(snapshot, md_eq(md_col("year"), md_lit_str("2021")), 4) < files);
  assert_int_equal(delta_files_read(snapshot, md_and(md_eq(md_col("year"), md_lit_str("2021")), md_eq(md_col("month"), md_lit_str("12"))), 3), 2);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
}

/* The scan refills the columns of a batch it handed out once the consumer
 * has freed them; a consumer that keeps batches (every other one here, the
 * others freed at once) must still see its values unchanged at the end. */
static void check_scan_with_held_batches(int threads) {
  const char *path = table_path();
  md_plan *plan = scan_of(path);
  md_exec_options options = {.threads = threads};
  md_stream *stream = NULL;
  md_error err;
  assert_int_equal(md_plan_execute(plan, &options, &stream, &err), MD_OK);
  md_batch *held[GROUPS];
  int64_t held_first[GROUPS], next_id = 0;
  int n = 0, seen = 0;
  for (;;) {
    md_batch *b = NULL;
    assert_int_equal(md_stream_next(stream, &b, &err), MD_OK);
    if (!b) break;
    const md_column *id = md_batch_column(b, md_schema_find(md_batch_schema(b), "id"));
    int64_t rows = md_batch_num_rows(b);
    for (int64_t r = 0; r < rows; r++) assert_int_equal(col_int(id, r), next_id + r);
    if (seen++ % 2 == 0 && n < GROUPS) {
      held_first[n] = next_id;
      held[n++] = b;
    } else {
      md_batch_free(b);
    }
    next_id += rows;
  }
  assert_int_equal(next_id, GROUPS * GROUP_ROWS);
  for (int k = 0; k < n; k++) {
    const md_batch *b = held[k];
    const md_column *id = md_batch_column(b, md_schema_find(md_batch_schema(b), "id"));
    const md_column *name = md_batch_column(b, md_schema_find(md_batch_schema(b), "name"));
    for (int64_t r = 0; r < md_batch_num_rows(b); r++) {
      char text[16];
      snprintf(text, sizeof text, "n%d", (int)((held_first[k] + r) / GROUP_ROWS));
      assert_int_equal(col_int(id, r), held_first[k] + r);
      assert_string_equal(col_str(name, r), text);
    }
    md_batch_free(held[k]);
  }
  md_stream_free(stream);
  md_plan_free(plan);
}

static void test_parquet_scan_batches_kept_by_the_consumer_are_not_refilled(void **state) {
  (void)state;
  check_scan_with_held_batches(1);
  check_scan_with_held_batches(3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parquet_scan_reads_only_row_groups_whose_range_can_match),
      cmocka_unit_test(test_parquet_scan_prunes_all_null_row_groups_and_keeps_unknown_shapes),
      cmocka_unit_test(test_parquet_scan_projects_pushed_down_columns),
      cmocka_unit_test(test_pruning_keeps_data_without_trusted_statistics),
      cmocka_unit_test(test_delta_scan_prunes_files_by_partition_values_and_statistics),
      cmocka_unit_test(test_delta_scan_of_string_partitions_matches_unpruned_scan),
      cmocka_unit_test(test_parquet_scan_batches_kept_by_the_consumer_are_not_refilled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
