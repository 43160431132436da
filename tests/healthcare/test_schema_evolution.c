/* test_schema_evolution.c — bronze schema evolution (PIPELINE.md §2, issue
 * #8): a source table that gains a column evolves its bronze table (rows
 * ingested before read the column as null) and the incremental home still
 * equals a full refresh; a column whose type changes fails the table's bronze
 * asset naming the table, the column and both types, and leaves every table
 * at its previous version. */
#include <unistd.h>

#include "support.h"
#include "hc_incr_util.h"

static char root[1024];
static hci_case c;
static const char *src0 = c.src0, *src1 = c.src1, *home = c.home;
static const char *FIRST_RUN = "0b6c1f0e-7a1d-4c2b-9e3f-5a6b7c8d9e01";

static md_batch *read_source(const char *dir, const char *table) {
  char path[1600];
  snprintf(path, sizeof path, "%s/%s.parquet", dir, table);
  return hct_read_parquet(path);
}

/* Rewrites <dir>/<table>.parquet with `column` replaced by (or, when absent,
 * followed by) the expression. */
static void rewrite_source(const char *dir, const char *table, const char *column, md_expr *value) {
  char path[1600];
  snprintf(path, sizeof path, "%s/%s.parquet", dir, table);
  hct_rewrite_column(path, column, value);
}

static int64_t max_updated_at(const char *dir, const char *table) {
  md_batch *b = read_source(dir, table);
  const md_column *c = md_batch_column(b, md_schema_find(md_batch_schema(b), "UPDATED_AT"));
  int64_t max = INT64_MIN;
  for (int64_t r = 0; r < md_column_length(c); r++)
    if (!md_column_is_null(c, r) && ((const int64_t *)md_column_values(c))[r] > max)
      max = ((const int64_t *)md_column_values(c))[r];
  md_batch_free(b);
  return max;
}

static void test_new_source_column_evolves_bronze_and_old_rows_read_null(void **state) {
  (void)state;
  /* The column is filled only in rows changed after the first run, as a
   * source that just started recording it would have it. */
  md_scalar mark = {.type = md_type_timestamp(MD_MICRO, false)};
  mark.v.i = max_updated_at(src0, "patients");
  md_expr *cond[1] = {md_gt(md_col("UPDATED_AT"), md_lit(mark))};
  md_expr *val[1] = {md_lit_str("isiZulu")};
  rewrite_source(src1, "patients", "PREFERRED_LANGUAGE", md_case_when(cond, val, 1, NULL));
  hci_run_ok(src1, home, NULL, true, NULL);

  char path[1600];
  snprintf(path, sizeof path, "%s/bronze/patients_raw", home);
  md_error err;
  hct_scan h = hct_scan_latest(path);
  assert_true(md_schema_find(md_delta_snapshot_schema(h.snapshot), "PREFERRED_LANGUAGE") >= 0);
  int64_t old_rows = 0, new_rows = 0;
  md_batch *b = NULL;
  while (md_delta_scan_next(h.scan, &b, &err) == MD_OK && b) {
    const md_column *lang = md_batch_column(b, md_schema_find(md_batch_schema(b), "PREFERRED_LANGUAGE"));
    const md_column *run = md_batch_column(b, md_schema_find(md_batch_schema(b), "_run_id"));
    for (int64_t r = 0; r < md_batch_num_rows(b); r++) {
      const int32_t *o = md_column_offsets(run);
      bool first = (size_t)(o[r + 1] - o[r]) == strlen(FIRST_RUN) &&
                   memcmp(md_column_data(run) + o[r], FIRST_RUN, strlen(FIRST_RUN)) == 0;
      if (first) {
        assert_true(md_column_is_null(lang, r));
        old_rows++;
      } else {
        assert_false(md_column_is_null(lang, r));
        new_rows++;
      }
    }
    md_batch_free(b);
  }
  hct_scan_close(&h);
  assert_true(old_rows > 0 && new_rows > 0);

  hci_run_ok(src1, c.full, NULL, false, NULL);
  assert_int_equal(hci_compare_homes(home, c.full), 0);
}

static void test_incompatible_type_fails_naming_table_column_and_types(void **state) {
  (void)state;
  rewrite_source(src1, "billing", "QUANTITY", md_cast(md_col("QUANTITY"), md_type_make(MD_TYPE_UTF8)));
  static const char *const bronze[] = {"bronze/billing_raw", "bronze/patients_raw", "bronze/bill_payments_raw",
                                       "bronze/tariff_codes_raw", "bronze/pmb_conditions_raw"};
  int64_t before[HCI_NUM_COMPARED + 5];
  for (int i = 0; i < HCI_NUM_COMPARED; i++) before[i] = hci_version(home, HCI_COMPARED[i]);
  for (int i = 0; i < 5; i++) before[HCI_NUM_COMPARED + i] = hci_version(home, bronze[i]);
  md_run *run = hci_run(src1, home, NULL, true, NULL);
  assert_false(md_run_succeeded(run));
  const md_asset_result *r = NULL;
  for (int i = 0; i < md_run_num_results(run); i++)
    if (strcmp(md_run_result(run, i)->name, "bronze/billing_raw") == 0) r = md_run_result(run, i);
  assert_non_null(r);
  fprintf(stderr, "bronze/billing_raw: %s\n", r->error);
  assert_int_equal(r->status, MD_ASSET_FAILED);
  assert_non_null(strstr(r->error, "billing"));
  assert_non_null(strstr(r->error, "QUANTITY"));
  assert_non_null(strstr(r->error, "utf8"));
  assert_non_null(strstr(r->error, "int32"));
  md_run_free(run);
  for (int i = 0; i < HCI_NUM_COMPARED; i++) assert_int_equal(hci_version(home, HCI_COMPARED[i]), before[i]);
  for (int i = 0; i < 5; i++) assert_int_equal(hci_version(home, bronze[i]), before[HCI_NUM_COMPARED + i]);
}

int main(void) {
  snprintf(root, sizeof root, "%s", test_temp_dir("healthcare_schema_evolution"));
  hci_prepare(&c, root, 0.005, 3, FIRST_RUN, 0.05, 4);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_source_column_evolves_bronze_and_old_rows_read_null),
      cmocka_unit_test(test_incompatible_type_fails_naming_table_column_and_types),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
