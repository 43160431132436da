/* test_bad_source.c — a source file with a wrong column type, a missing
 * column, or truncated bytes fails its bronze asset with a message naming the
 * file or table and the column; its downstream assets are skipped and every
 * table stays at its previous version while unrelated assets still run. */
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "hc_test_util.h"

static char dir[1024];

static int64_t version_of(const char *rel) {
  char path[1200];
  snprintf(path, sizeof path, "%s/home/%s", dir, rel);
  md_delta_table *t = NULL;
  assert_int_equal(md_delta_table_open(path, &t, NULL), MD_OK);
  int64_t v = md_delta_table_latest_version(t);
  md_delta_table_free(t);
  return v;
}

static const md_asset_result *result(const md_run *run, const char *name) {
  for (int i = 0; i < md_run_num_results(run); i++)
    if (strcmp(md_run_result(run, i)->name, name) == 0) return md_run_result(run, i);
  fail_msg("no asset %s", name);
  return NULL;
}

/* Rewrites source/<table>.parquet with `column` cast to utf8 text, or
 * dropped when drop is set. */
static void rewrite(const char *table, const char *column, bool drop) {
  char path[1200];
  snprintf(path, sizeof path, "%s/source/%s.parquet", dir, table);
  hct_rewrite_column(path, column, drop ? NULL : md_cast(md_col(column), md_type_make(MD_TYPE_UTF8)));
}

static void expect_bronze_failure(const char *table, const char *mention1, const char *mention2) {
  char bronze[128], silver[128];
  snprintf(bronze, sizeof bronze, "bronze/%s_raw", table);
  snprintf(silver, sizeof silver, "silver/%s", table);
  int64_t bv = version_of(bronze), sv = version_of(silver), gv = version_of("gold/pmb_geriatric");
  md_run *run = hct_run(dir, NULL, NULL, 0);
  assert_false(md_run_succeeded(run));
  const md_asset_result *r = result(run, bronze);
  fprintf(stderr, "%s failed: %s\n", bronze, r->error);
  assert_int_equal(r->status, MD_ASSET_FAILED);
  assert_non_null(strstr(r->error, mention1));
  assert_non_null(strstr(r->error, mention2));
  assert_int_equal(result(run, silver)->status, MD_ASSET_SKIPPED);
  assert_int_equal(result(run, "gold/pmb_geriatric")->status, MD_ASSET_SKIPPED);
  assert_int_equal(result(run, "bronze/tariff_codes_raw")->status, MD_ASSET_SUCCEEDED);
  assert_int_equal(version_of(bronze), bv);
  assert_int_equal(version_of(silver), sv);
  assert_int_equal(version_of("gold/pmb_geriatric"), gv);
  md_run_free(run);
}

static void test_wrong_column_type_fails_bronze_naming_table_and_column(void **state) {
  (void)state;
  rewrite("patients", "DATE_OF_BIRTH", false);
  expect_bronze_failure("patients", "patients", "DATE_OF_BIRTH");
}

static void test_missing_column_fails_bronze_naming_table_and_column(void **state) {
  (void)state;
  rewrite("patient_plans", "STATUS", true);
  expect_bronze_failure("patient_plans", "patient_plans", "STATUS");
}

static void test_truncated_file_fails_bronze_naming_the_file(void **state) {
  (void)state;
  char path[1200];
  snprintf(path, sizeof path, "%s/source/geriatric_assessments.parquet", dir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(truncate(path, st.st_size / 2), 0);
  expect_bronze_failure("geriatric_assessments", "geriatric_assessments.parquet", "bronze");
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", test_temp_dir("healthcare_bad_source"));
  hct_generate(dir, 0.002, 5);
  md_run *run = hct_run(dir, NULL, NULL, 0);
  if (!md_run_succeeded(run)) fail_msg("first run failed");
  md_run_free(run);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wrong_column_type_fails_bronze_naming_table_and_column),
      cmocka_unit_test(test_missing_column_fails_bronze_naming_table_and_column),
      cmocka_unit_test(test_truncated_file_fails_bronze_naming_the_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
