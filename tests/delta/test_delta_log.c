/* test_delta_log.c — Delta log replay: file reconciliation by (path, deletion
 * vector), snapshots at versions and timestamps, protocol refusals, schema and
 * partition value parsing, history; on the conformance tables and on small
 * logs written by the test. Expected file counts were taken from the
 * independent oracle (shared/tools/delta-oracle --meta). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/log.h"
#include "medallion/delta.h"

static char *case_table(const char *name) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/conformance/delta/cases/%s/table", test_shared_dir(), name);
  return path;
}

static md_delta_snapshot *open_snapshot(const char *path, int64_t version) {
  md_error err;
  md_delta_table *table = NULL;
  if (md_delta_table_open(path, &table, &err) != MD_OK) fail_msg("open %s: %s", path, err.message);
  md_delta_snapshot *snapshot = NULL;
  md_code rc = md_delta_snapshot_at_version(table, version, &snapshot, &err);
  md_delta_table_free(table);
  if (rc != MD_OK) fail_msg("snapshot %s@%lld: %s", path, (long long)version, err.message);
  return snapshot;
}

static void write_file(const char *dir, const char *name, const char *text) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static const char *PROTOCOL_AND_METADATA =
    "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
    "{\"metaData\":{\"id\":\"t\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
    "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"long\\\","
    "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n";

/* A log in a fresh temp dir: version i gets commits[i]. */
static const char *make_log(const char *name, const char *const *commits, int n) {
  const char *dir = test_temp_dir(name);
  assert_non_null(dir);
  static char table[4096];
  snprintf(table, sizeof table, "%s", dir);
  char log_dir[4200];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table);
  assert_int_equal(mkdir(log_dir, 0755), 0);
  for (int i = 0; i < n; i++) {
    char file[64];
    delta_commit_file_name(i, file, sizeof file);
    write_file(log_dir, file, commits[i]);
  }
  return table;
}

static void test_log_replay_matches_oracle_file_counts(void **state) {
  (void)state;
  static const struct { const char *table; int64_t version; int64_t files; } cases[] = {
      {"simple_table", 0, 6}, {"simple_table", 2, 6}, {"simple_table", 4, 5},
      {"delta-0.8-empty", 1, 0}, {"multi-part-checkpoint", 1, 10},
      {"basic-with-inserts-deletes-checkpoint", 13, 7}, {"table_failed_last_checkpoint_update", 3, 4},
      {"snapshot-vacuumed", 5, 2}, {"cdf-table", 3, 9}, {"delta-0.2.0", 3, 3},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    md_delta_snapshot *s = open_snapshot(case_table(cases[i].table), cases[i].version);
    if (md_delta_snapshot_num_files(s) != cases[i].files)
      fail_msg("%s@%lld: %lld files, oracle says %lld", cases[i].table, (long long)cases[i].version,
               (long long)md_delta_snapshot_num_files(s), (long long)cases[i].files);
    assert_int_equal(md_delta_snapshot_version(s), cases[i].version);
    md_delta_snapshot_free(s);
  }
}

static void test_log_replay_reconciles_by_path_and_deletion_vector(void **state) {
  (void)state;
  char first[2048];
  snprintf(first, sizeof first,
           "%s{\"add\":{\"path\":\"a%%20b.parquet\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n"
           "{\"add\":{\"path\":\"c.parquet\",\"partitionValues\":{},\"size\":2,\"modificationTime\":1,\"dataChange\":true}}\n",
           PROTOCOL_AND_METADATA);
  const char *commits[] = {
      first,
      /* the remove names the encoded path differently: reconciliation is by the decoded path */
      "{\"remove\":{\"path\":\"a b.parquet\",\"deletionTimestamp\":5,\"dataChange\":true}}\n"
      "{\"add\":{\"path\":\"c.parquet\",\"partitionValues\":{},\"size\":2,\"modificationTime\":1,\"dataChange\":false,"
      "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":4,\"sizeInBytes\":40,\"cardinality\":2}}}\n",
      "{\"remove\":{\"path\":\"c.parquet\",\"deletionTimestamp\":5,\"dataChange\":true}}\n",
  };
  const char *table = make_log("reconcile", commits, 3);
  delta_log_listing listing;
  md_error err;
  assert_int_equal(delta_log_list(table, &listing, &err), MD_OK);
  delta_log_state st;
  assert_int_equal(delta_log_replay(table, &listing, 1, &st, &err), MD_OK);
  /* c.parquet without a DV and c.parquet with one are two logical files */
  assert_int_equal(st.num_files, 2);
  assert_string_equal(st.files[0].decoded_path, "c.parquet");
  assert_string_equal(st.files[1].decoded_path, "c.parquet");
  delta_log_state_clear(&st);
  assert_int_equal(delta_log_replay(table, &listing, 2, &st, &err), MD_OK);
  assert_int_equal(st.num_files, 1);
  assert_non_null(st.files[0].dv_id);
  assert_string_equal(st.files[0].dv_id, "uab^-aqEH.-t@S}K{vb[*k^@4");
  delta_log_state_clear(&st);
  delta_log_listing_clear(&listing);
}

static void test_log_snapshot_at_timestamp_picks_latest_commit_at_or_before(void **state) {
  (void)state;
  md_error err;
  md_delta_table *table = NULL;
  assert_int_equal(md_delta_table_open(case_table("simple_table"), &table, &err), MD_OK);
  md_delta_snapshot *s = NULL;
  assert_int_equal(md_delta_snapshot_at_timestamp(table, 1587968604143, &s, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_version(s), 2);
  md_delta_snapshot_free(s);
  assert_int_equal(md_delta_snapshot_at_timestamp(table, 1587968604142, &s, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_version(s), 1);
  md_delta_snapshot_free(s);
  assert_int_equal(md_delta_snapshot_at_timestamp(table, 1, &s, &err), MD_ERR_NOT_FOUND);
  md_delta_table_free(table);
}

static void test_log_refuses_missing_versions(void **state) {
  (void)state;
  md_error err;
  md_delta_table *table = NULL;
  assert_int_equal(md_delta_table_open(case_table("simple_table"), &table, &err), MD_OK);
  md_delta_snapshot *s = NULL;
  assert_int_equal(md_delta_snapshot_at_version(table, 5, &s, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "version 5 does not exist (latest is 4)"));
  md_delta_table_free(table);
  assert_int_equal(md_delta_table_open("/nonexistent/table", &table, &err), MD_ERR_NOT_FOUND);
}

static void test_log_refuses_unsupported_reader_features_by_name(void **state) {
  (void)state;
  static const struct { const char *table; const char *feature; } cases[] = {
      {"type-widening", "typeWidening"}, {"table_with_column_mapping", "columnMapping"},
      {"v2-checkpoint-parquet", "v2Checkpoint"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    md_error err;
    md_delta_table *table = NULL;
    assert_int_equal(md_delta_table_open(case_table(cases[i].table), &table, &err), MD_OK);
    md_delta_snapshot *s = NULL;
    assert_int_equal(md_delta_snapshot_at_version(table, -1, &s, &err), MD_ERR_UNSUPPORTED);
    if (!strstr(err.message, cases[i].feature)) fail_msg("%s: '%s' does not name %s", cases[i].table, err.message, cases[i].feature);
    md_delta_table_free(table);
  }
}

static void test_log_needs_checkpoint_when_early_commits_are_gone(void **state) {
  (void)state;
  const char *dir = test_temp_dir("cleaned-log");
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cp -r '%s/_delta_log' '%s/' && rm '%s/_delta_log/00000000000000000000.json'",
           case_table("multi-part-checkpoint"), dir, dir);
  assert_int_equal(system(cmd), 0);
  md_error err;
  md_delta_table *table = NULL;
  assert_int_equal(md_delta_table_open(dir, &table, &err), MD_OK);
  md_delta_snapshot *s = NULL;
  /* version 1 comes from the two-part checkpoint alone */
  assert_int_equal(md_delta_snapshot_at_version(table, 1, &s, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_num_files(s), 10);
  md_delta_snapshot_free(s);
  /* version 0 can no longer be reconstructed at all */
  assert_int_equal(md_delta_snapshot_at_version(table, 0, &s, &err), MD_ERR_NOT_FOUND);
  md_delta_table_free(table);
}

static void test_log_reads_rows_through_a_checkpoint_when_commits_are_gone(void **state) {
  (void)state;
  const char *dir = test_temp_dir("checkpoint-only");
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cp -r '%s/.' '%s/' && rm '%s'/_delta_log/0000000000000000000[012].json",
           case_table("delta-0.2.0"), dir, dir);
  assert_int_equal(system(cmd), 0);
  md_delta_snapshot *s = open_snapshot(dir, 3);
  char *got = NULL, *want = NULL;
  size_t got_len = 0, want_len = 0;
  md_error err;
  assert_int_equal(md_delta_snapshot_canonical(s, &got, &got_len, &err), MD_OK);
  char expected[4400];
  snprintf(expected, sizeof expected, "%s/conformance/delta/cases/delta-0.2.0/expected/v3.jsonl", test_shared_dir());
  assert_int_equal(delta_read_file(expected, 1 << 20, &want, &want_len, &err), MD_OK);
  assert_int_equal(got_len, want_len);
  assert_memory_equal(got, want, want_len);
  free(got);
  free(want);
  md_delta_snapshot_free(s);
}

static void test_log_refuses_malformed_commits_naming_file_and_line(void **state) {
  (void)state;
  char first[2048];
  snprintf(first, sizeof first, "%s{\"add\":{\"partitionValues\":{},\"size\":1}}\n", PROTOCOL_AND_METADATA);
  const char *commits[] = {first};
  const char *table = make_log("malformed", commits, 1);
  md_error err;
  md_delta_table *t = NULL;
  assert_int_equal(md_delta_table_open(table, &t, &err), MD_OK);
  md_delta_snapshot *s = NULL;
  assert_int_equal(md_delta_snapshot_at_version(t, 0, &s, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "00000000000000000000.json: line 3: add: missing path"));
  md_delta_table_free(t);
}

static void test_schema_parses_primitive_and_nested_types(void **state) {
  (void)state;
  const char *text =
      "{\"type\":\"struct\",\"fields\":["
      "{\"name\":\"d\",\"type\":\"decimal(12, 2)\",\"nullable\":false,\"metadata\":{\"comment\":\"money\",\"n\":1}},"
      "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"ntz\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"elementType\":\"integer\",\"containsNull\":false},\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":{\"type\":\"struct\",\"fields\":"
      "[{\"name\":\"v\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}}]},\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}";
  md_schema *schema = NULL;
  md_error err;
  assert_int_equal(delta_schema_parse(text, &schema, &err), MD_OK);
  assert_int_equal(md_schema_num_fields(schema), 5);
  const md_field *d = md_schema_field(schema, 0);
  assert_true(md_type_equal(md_field_type(d), md_type_decimal(12, 2)));
  assert_false(md_field_nullable(d));
  assert_string_equal(md_metadata_get(md_field_metadata_const(d), "comment"), "money");
  assert_string_equal(md_metadata_get(md_field_metadata_const(d), "n"), "1");
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 1)), md_type_timestamp(MD_MICRO, true)));
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 2)), md_type_timestamp(MD_MICRO, false)));
  const md_field *a = md_schema_field(schema, 3);
  assert_int_equal(md_field_type(a).id, MD_TYPE_LIST);
  assert_false(md_field_nullable(md_field_child(a, 0)));
  const md_field *m = md_schema_field(schema, 4);
  assert_int_equal(md_field_type(m).id, MD_TYPE_MAP);
  const md_field *entries = md_field_child(m, 0);
  assert_string_equal(md_field_name(md_field_child(entries, 0)), "key");
  assert_int_equal(md_field_type(md_field_child(md_field_child(entries, 1), 0)).id, MD_TYPE_INT8);
  md_schema_free(schema);
  assert_int_equal(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"variant\"}]}", &schema, &err),
                   MD_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "variant"));
}

static md_column *partition_column(md_type type, const char *const *texts, int n) {
  md_field *field = md_field_new("p", type, true);
  md_column *column = md_column_new(type);
  md_error err;
  for (int i = 0; i < n; i++)
    if (delta_partition_value_append(column, field, texts[i], &err) != MD_OK) fail_msg("'%s': %s", texts[i], err.message);
  md_field_free(field);
  return column;
}

static void test_partition_values_parse_per_serialization_rules(void **state) {
  (void)state;
  const char *ints[] = {"-2147483648", "", NULL, "7"};
  md_column *c = partition_column(md_type_make(MD_TYPE_INT32), ints, 4);
  assert_int_equal(md_column_null_count(c), 2);
  assert_int_equal(((const int32_t *)md_column_values(c))[0], INT32_MIN);
  md_column_free(c);
  const char *dates[] = {"1970-01-02", "2021-09-08"};
  c = partition_column(md_type_make(MD_TYPE_DATE32), dates, 2);
  assert_int_equal(((const int32_t *)md_column_values(c))[0], 1);
  assert_int_equal(((const int32_t *)md_column_values(c))[1], 18878);
  md_column_free(c);
  const char *stamps[] = {"1970-01-01 00:00:01", "1970-01-01 00:00:00.123456", "1970-01-01T01:00:00.5Z",
                          "1970-01-01T01:00:00+01:00"};
  c = partition_column(md_type_timestamp(MD_MICRO, true), stamps, 4);
  const int64_t *ts = md_column_values(c);
  assert_true(ts[0] == 1000000 && ts[1] == 123456 && ts[2] == 3600500000LL && ts[3] == 0);
  md_column_free(c);
  const char *decimals[] = {"-12.5", "3", "1E+1"};
  c = partition_column(md_type_decimal(5, 2), decimals, 3);
  const int64_t *dec = md_column_values(c); /* little-endian 16 bytes: low word first */
  assert_true(dec[0] == -1250 && dec[1] == -1 && dec[2] == 300 && dec[4] == 1000);
  md_column_free(c);
  const char *binary[] = {"\x01\xc3\xbf"};
  c = partition_column(md_type_make(MD_TYPE_BINARY), binary, 1);
  assert_int_equal(md_column_data_size(c), 2);
  assert_memory_equal(md_column_data(c), "\x01\xff", 2);
  md_column_free(c);
  md_field *field = md_field_new("p", md_type_make(MD_TYPE_INT8), true);
  md_column *bad = md_column_new(md_type_make(MD_TYPE_INT8));
  md_error err;
  assert_int_equal(delta_partition_value_append(bad, field, "300", &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "partition column p"));
  md_column_free(bad);
  md_field_free(field);
}

static void test_history_lists_commit_operations(void **state) {
  (void)state;
  md_error err;
  md_delta_table *table = NULL;
  assert_int_equal(md_delta_table_open(case_table("simple_table"), &table, &err), MD_OK);
  md_delta_history *h = NULL;
  assert_int_equal(md_delta_table_history(table, &h, &err), MD_OK);
  assert_int_equal(md_delta_history_count(h), 5);
  static const char *ops[] = {"WRITE", "MERGE", "WRITE", "UPDATE", "DELETE"};
  for (int i = 0; i < 5; i++) {
    md_delta_commit_info info;
    md_delta_history_entry(h, i, &info);
    assert_int_equal(info.version, i);
    assert_string_equal(info.operation, ops[i]);
  }
  md_delta_commit_info info;
  md_delta_history_entry(h, 4, &info);
  assert_true(info.timestamp == 1587968626537);
  md_delta_history_free(h);
  md_delta_table_free(table);
}

int main(void) {
  if (!test_shared_dir()) return test_shared_missing("test_delta_log");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_log_replay_matches_oracle_file_counts),
      cmocka_unit_test(test_log_replay_reconciles_by_path_and_deletion_vector),
      cmocka_unit_test(test_log_snapshot_at_timestamp_picks_latest_commit_at_or_before),
      cmocka_unit_test(test_log_refuses_missing_versions),
      cmocka_unit_test(test_log_refuses_unsupported_reader_features_by_name),
      cmocka_unit_test(test_log_needs_checkpoint_when_early_commits_are_gone),
      cmocka_unit_test(test_log_reads_rows_through_a_checkpoint_when_commits_are_gone),
      cmocka_unit_test(test_log_refuses_malformed_commits_naming_file_and_line),
      cmocka_unit_test(test_schema_parses_primitive_and_nested_types),
      cmocka_unit_test(test_partition_values_parse_per_serialization_rules),
      cmocka_unit_test(test_history_lists_commit_operations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
