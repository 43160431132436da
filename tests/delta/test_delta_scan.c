/* test_delta_scan.c — scanning a snapshot: projection in the order asked,
 * partition columns filled from partition values, and a missing data file
 * failing the whole scan with its name instead of returning some rows. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/delta.h"

static const char *case_table(const char *name) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/conformance/delta/cases/%s/table", test_shared_dir(), name);
  return path;
}

static md_delta_snapshot *snapshot_of(const char *path, int64_t version) {
  md_error err;
  md_delta_table *table = NULL;
  assert_int_equal(md_delta_table_open(path, &table, &err), MD_OK);
  md_delta_snapshot *s = NULL;
  if (md_delta_snapshot_at_version(table, version, &s, &err) != MD_OK) fail_msg("%s", err.message);
  md_delta_table_free(table);
  return s;
}

static void test_scan_projects_columns_in_requested_order(void **state) {
  (void)state;
  md_delta_snapshot *s = snapshot_of(case_table("delta-0.8.0-partitioned"), 0);
  const md_schema *schema = md_delta_snapshot_schema(s);
  assert_true(md_schema_num_fields(schema) >= 2);
  const char *last = md_field_name(md_schema_field(schema, md_schema_num_fields(schema) - 1));
  const char *first = md_field_name(md_schema_field(schema, 0));
  const char *columns[] = {last, first};
  md_delta_scan *scan = NULL;
  md_error err;
  assert_int_equal(md_delta_scan_new(s, columns, 2, &scan, &err), MD_OK);
  int64_t rows = 0;
  md_batch *batch = NULL;
  while (md_delta_scan_next(scan, &batch, &err) == MD_OK && batch) {
    assert_int_equal(md_batch_num_columns(batch), 2);
    assert_string_equal(md_field_name(md_schema_field(md_batch_schema(batch), 0)), last);
    rows += md_batch_num_rows(batch);
    md_batch_free(batch);
  }
  assert_true(rows > 0);
  md_delta_scan_free(scan);
  const char *unknown[] = {"no_such_column"};
  assert_int_equal(md_delta_scan_new(s, unknown, 1, &scan, &err), MD_ERR_NOT_FOUND);
  md_delta_snapshot_free(s);
}

static void test_scan_refuses_snapshot_with_a_missing_file(void **state) {
  (void)state;
  const char *dir = test_temp_dir("missing-file");
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cp -r '%s/.' '%s/'", case_table("simple_table"), dir);
  assert_int_equal(system(cmd), 0);
  md_delta_snapshot *s = snapshot_of(dir, 4);
  md_delta_file_info info;
  md_error err;
  assert_int_equal(md_delta_snapshot_file(s, 0, &info, &err), MD_OK);
  char victim[8400];
  snprintf(victim, sizeof victim, "%s/%s", dir, info.path);
  assert_int_equal(remove(victim), 0);
  md_delta_scan *scan = NULL;
  assert_int_equal(md_delta_scan_new(s, NULL, -1, &scan, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, info.path));
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(md_delta_snapshot_canonical(s, &text, &len, &err), MD_ERR_NOT_FOUND);
  assert_null(text);
  md_delta_snapshot_free(s);
}

int main(void) {
  if (!test_shared_dir()) return test_shared_missing("test_delta_scan");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan_projects_columns_in_requested_order),
      cmocka_unit_test(test_scan_refuses_snapshot_with_a_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
