/* test_incremental.c — PIPELINE.md §2 and §6 for incremental runs: for several
 * seeds, a random sequence of 2–4 generator update batches applied with
 * incremental runs ends with the same silver, rejects and gold tables as a
 * full refresh of the final source in a fresh home; a retried run id appends
 * nothing twice; a new tariff code makes earlier unknown_tariff_code lines
 * valid; a changed tariff category, a renamed PMB condition and a bill
 * losing its lines (its payments become rejects) end as a full refresh does. */
#include "support.h"
#include "hc_incr_util.h"

static char root[1024];

static uint64_t next_random(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return *state >> 33;
}

static int64_t bronze_rows(const char *home, const char *table) {
  char path[4096];
  snprintf(path, sizeof path, "%s/bronze/%s", home, table);
  hct_rows r = hct_delta_rows_ex(path, true, NULL);
  int64_t n = r.count;
  rows_free(&r);
  return n;
}

/* One seed: generate, incremental first run (a full load), 2–4 update
 * batches each followed by an incremental run, then a full refresh of the
 * last source in a fresh home; the homes must match. */
static void check_seed(uint64_t seed) {
  char dir[1400], src[1500], prev[1500], inc_home[1500], full_home[1500];
  snprintf(dir, sizeof dir, "%s/seed%llu", root, (unsigned long long)seed);
  mkdir(dir, 0777);
  snprintf(src, sizeof src, "%s/source0", dir);
  snprintf(inc_home, sizeof inc_home, "%s/incremental", dir);
  snprintf(full_home, sizeof full_home, "%s/full", dir);
  uint64_t rng = seed * 7919 + 1;
  double scale = 0.01 + (double)(next_random(&rng) % 3) * 0.01;
  md_generate_options g = {{scale, seed, MD_GENERATOR_DEFAULT_AS_OF}, src, NULL, NULL, NULL};
  md_error err;
  if (md_generate(&g, &err)) fail_msg("generate: %s", err.message);
  hci_run_ok(src, inc_home, NULL, true, NULL);
  int batches = 2 + (int)(next_random(&rng) % 3);
  for (int b = 1; b <= batches; b++) {
    snprintf(prev, sizeof prev, "%s", src);
    snprintf(src, sizeof src, "%s/source%d", dir, b);
    double fraction = 0.005 + (double)(next_random(&rng) % 100) / 1000.0;
    hci_update(prev, src, fraction, seed * 100 + (uint64_t)b);
    hci_run_ok(src, inc_home, NULL, true, NULL);
  }
  hci_run_ok(src, full_home, NULL, false, NULL);
  fprintf(stderr, "seed %llu: scale %.2f, %d batches, %lld bronze billing rows\n", (unsigned long long)seed, scale,
          batches, (long long)bronze_rows(inc_home, "billing_raw"));
  assert_int_equal(hci_compare_homes(inc_home, full_home), 0);
  /* Bronze holds each source row once: the incremental history has exactly
   * the rows of the final source (updates only ever add rows). */
  assert_int_equal(bronze_rows(inc_home, "billing_raw"), bronze_rows(full_home, "billing_raw"));
  assert_int_equal(bronze_rows(inc_home, "bill_payments_raw"), bronze_rows(full_home, "bill_payments_raw"));
}

static void test_incremental_runs_equal_full_refresh_seed_1(void **state) {
  (void)state;
  check_seed(1);
}
static void test_incremental_runs_equal_full_refresh_seed_2(void **state) {
  (void)state;
  check_seed(2);
}
static void test_incremental_runs_equal_full_refresh_seed_3(void **state) {
  (void)state;
  check_seed(3);
}

/* A run that committed bronze and then died is retried with the same run id:
 * bronze keeps its single append, the rest catches up, and a further retry
 * changes no table. */
static void test_retry_with_same_run_id_appends_nothing_twice(void **state) {
  (void)state;
  char dir[1400];
  snprintf(dir, sizeof dir, "%s/retry", root);
  hci_case c;
  hci_prepare(&c, dir, 0.01, 77, NULL, 0.05, 78);
  const char *src1 = c.src1, *home = c.home, *full = c.full;
  const char *run_id = "7d9e2f4c-1b3a-4c5d-8e6f-0a1b2c3d4e5f";
  hci_run_ok(src1, home, run_id, true, "bronze");
  int64_t billing_v = hci_version(home, "bronze/billing_raw");
  int64_t billing_rows = bronze_rows(home, "billing_raw");
  hci_run_ok(src1, home, run_id, true, NULL);
  assert_int_equal(hci_version(home, "bronze/billing_raw"), billing_v);
  assert_int_equal(bronze_rows(home, "billing_raw"), billing_rows);
  int64_t versions[HCI_NUM_COMPARED];
  for (int i = 0; i < HCI_NUM_COMPARED; i++) versions[i] = hci_version(home, HCI_COMPARED[i]);
  hci_run_ok(src1, home, run_id, true, NULL);
  for (int i = 0; i < HCI_NUM_COMPARED; i++) assert_int_equal(hci_version(home, HCI_COMPARED[i]), versions[i]);
  assert_int_equal(bronze_rows(home, "billing_raw"), billing_rows);
  hci_run_ok(src1, full, NULL, false, NULL);
  assert_int_equal(bronze_rows(full, "billing_raw"), billing_rows);
  assert_int_equal(hci_compare_homes(home, full), 0);
}

/* Rows of <home>/silver/<table> whose TARIFF_CODE is 9900 or 9901 (the codes
 * the generator's update adds to tariff_codes). */
static int64_t lines_with_new_codes(const char *home, const char *table, const char *reason) {
  char path[4096];
  snprintf(path, sizeof path, "%s/silver/%s", home, table);
  md_error err;
  hct_scan h = hct_scan_latest(path);
  int64_t n = 0;
  md_batch *b = NULL;
  while (md_delta_scan_next(h.scan, &b, &err) == MD_OK && b) {
    int tc = md_schema_find(md_batch_schema(b), "TARIFF_CODE");
    int rr = md_schema_find(md_batch_schema(b), "_reject_reason");
    const md_column *code = md_batch_column(b, tc);
    for (int64_t r = 0; r < md_batch_num_rows(b); r++) {
      if (md_column_is_null(code, r)) continue;
      const int32_t *o = md_column_offsets(code);
      const char *v = (const char *)md_column_data(code) + o[r];
      int len = o[r + 1] - o[r];
      if (len != 4 || (strncmp(v, "9900", 4) != 0 && strncmp(v, "9901", 4) != 0)) continue;
      if (reason) {
        const md_column *rc = md_batch_column(b, rr);
        const int32_t *ro = md_column_offsets(rc);
        if ((size_t)(ro[r + 1] - ro[r]) != strlen(reason) ||
            memcmp(md_column_data(rc) + ro[r], reason, strlen(reason)) != 0)
          continue;
      }
      n++;
    }
    md_batch_free(b);
  }
  hct_scan_close(&h);
  return n;
}

static void test_new_tariff_code_makes_earlier_unknown_lines_valid(void **state) {
  (void)state;
  char dir[1400];
  snprintf(dir, sizeof dir, "%s/tariff", root);
  hci_case c;
  /* A tiny update: the old lines with 9900/9901 are not in it, only the new codes. */
  hci_prepare(&c, dir, 0.02, 5, NULL, 0.001, 6);
  const char *src1 = c.src1, *home = c.home;
  int64_t unknown = lines_with_new_codes(home, "billing_rejects", "unknown_tariff_code");
  assert_true(unknown > 0);
  assert_int_equal(lines_with_new_codes(home, "billing", NULL), 0);
  hci_run_ok(src1, home, NULL, true, NULL);
  assert_int_equal(lines_with_new_codes(home, "billing_rejects", "unknown_tariff_code"), 0);
  assert_true(lines_with_new_codes(home, "billing", NULL) >= unknown);
}

/* Rows of <home>/<table> whose string column equals value. */
static int64_t rows_where(const char *home, const char *table, const char *column, const char *value) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", home, table);
  md_error err;
  hct_scan h = hct_scan_latest(path);
  int64_t n = 0;
  md_batch *b = NULL;
  while (md_delta_scan_next(h.scan, &b, &err) == MD_OK && b) {
    const md_column *c = md_batch_column(b, md_schema_find(md_batch_schema(b), column));
    const int32_t *o = md_column_offsets(c);
    for (int64_t r = 0; r < md_batch_num_rows(b); r++)
      if (!md_column_is_null(c, r) && (size_t)(o[r + 1] - o[r]) == strlen(value) &&
          memcmp(md_column_data(c) + o[r], value, strlen(value)) == 0)
        n++;
    md_batch_free(b);
  }
  hct_scan_close(&h);
  return n;
}

/* Known tariff codes whose category changes: silver already holds their
 * lines, so they (and gold's groups) must be recategorised exactly as a full
 * refresh of the same source does. */
static void test_changed_tariff_category_equals_full_refresh(void **state) {
  (void)state;
  char dir[1400], path[1600];
  snprintf(dir, sizeof dir, "%s/category", root);
  hci_case c;
  hci_prepare(&c, dir, 0.01, 21, NULL, 0.002, 22);
  assert_true(rows_where(c.home, "silver/billing", "TARIFF_CATEGORY", "CONSULTATION") > 0);
  snprintf(path, sizeof path, "%s/tariff_codes.parquet", c.src1);
  hct_rewrite_column(path, "CATEGORY", md_lit_str("PROCEDURE"));
  hci_run_ok(c.src1, c.home, NULL, true, NULL);
  assert_int_equal(rows_where(c.home, "silver/billing", "TARIFF_CATEGORY", "CONSULTATION"), 0);
  hci_run_ok(c.src1, c.full, NULL, false, NULL);
  assert_int_equal(hci_compare_homes(c.home, c.full), 0);
}

/* A PMB condition code that leaves the table (renamed here): the lines that
 * had it stay valid but lose IS_PMB, those of the new code gain it. PMB
 * does not decide validity, so this stays on the incremental path. */
static void test_renamed_pmb_condition_equals_full_refresh(void **state) {
  (void)state;
  char dir[1400], path[1600];
  snprintf(dir, sizeof dir, "%s/pmb", root);
  hci_case c;
  hci_prepare(&c, dir, 0.01, 31, NULL, 0.002, 32);
  snprintf(path, sizeof path, "%s/pmb_conditions.parquet", c.src1);
  md_expr *parts[2] = {md_col("ICD10_CODE"), md_lit_str("9")};
  hct_rewrite_column(path, "ICD10_CODE", md_concat(parts, 2));
  hci_run_ok(c.src1, c.home, NULL, true, NULL);
  hci_run_ok(c.src1, c.full, NULL, false, NULL);
  assert_int_equal(hci_compare_homes(c.home, c.full), 0);
}

/* Every line of the first bills loses its amount (a correction newer than
 * anything ingested): the bills leave silver/billing, so their payments turn
 * unknown_bill rejects — bill_payments follows silver/billing's bills on its
 * incremental path and must end as a full refresh does. */
static void test_bill_losing_its_lines_turns_its_payments_unknown_bill(void **state) {
  (void)state;
  char dir[1400], path[1600];
  snprintf(dir, sizeof dir, "%s/lost_bill", root);
  hci_case c;
  hci_prepare(&c, dir, 0.01, 41, NULL, 0.002, 42);
  int64_t unknown_before = rows_where(c.home, "silver/bill_payments_rejects", "_reject_reason", "unknown_bill");
  snprintf(path, sizeof path, "%s/billing.parquet", c.src1);
  md_batch *billing = hct_read_parquet(path);
  const md_column *u = md_batch_column(billing, md_schema_find(md_batch_schema(billing), "UPDATED_AT"));
  md_scalar later = {.type = md_type_timestamp(MD_MICRO, false)};
  for (int64_t r = 0; r < md_column_length(u); r++)
    if (!md_column_is_null(u, r) && ((const int64_t *)md_column_values(u))[r] > later.v.i)
      later.v.i = ((const int64_t *)md_column_values(u))[r];
  md_batch_free(billing);
  later.v.i += 1000000;
  md_expr *kept[1] = {md_ge(md_col("BILL_ID"), md_lit_int(1060))};
  md_expr *amount[1] = {md_col("AMOUNT")};
  hct_rewrite_column(path, "AMOUNT", md_case_when(kept, amount, 1, NULL));
  md_expr *lost[1] = {md_lt(md_col("BILL_ID"), md_lit_int(1060))};
  md_expr *stamp[1] = {md_lit(later)};
  hct_rewrite_column(path, "UPDATED_AT", md_case_when(lost, stamp, 1, md_col("UPDATED_AT")));
  hci_run_ok(c.src1, c.home, NULL, true, NULL);
  assert_true(rows_where(c.home, "silver/bill_payments_rejects", "_reject_reason", "unknown_bill") > unknown_before);
  hci_run_ok(c.src1, c.full, NULL, false, NULL);
  assert_int_equal(hci_compare_homes(c.home, c.full), 0);
}

/* A later as_of changes unchanged rows (future service dates become valid,
 * ages and active plans move): an incremental run on the same source must
 * still equal a full refresh for that date. */
static void test_incremental_run_with_later_as_of_equals_full_refresh(void **state) {
  (void)state;
  char dir[1400], full[1500];
  snprintf(dir, sizeof dir, "%s/as_of", root);
  hci_case c;
  hci_prepare(&c, dir, 0.01, 12, NULL, 0.02, 13);
  hci_as_of = MD_GENERATOR_DEFAULT_AS_OF + 200;
  hci_run_ok(c.src1, c.home, NULL, true, NULL);
  snprintf(full, sizeof full, "%s/full_later", dir);
  hci_run_ok(c.src1, full, NULL, false, NULL);
  hci_as_of = MD_GENERATOR_DEFAULT_AS_OF;
  assert_int_equal(hci_compare_homes(c.home, full), 0);
}

int main(void) {
  snprintf(root, sizeof root, "%s", test_temp_dir("healthcare_incremental"));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_tariff_code_makes_earlier_unknown_lines_valid),
      cmocka_unit_test(test_changed_tariff_category_equals_full_refresh),
      cmocka_unit_test(test_renamed_pmb_condition_equals_full_refresh),
      cmocka_unit_test(test_bill_losing_its_lines_turns_its_payments_unknown_bill),
      cmocka_unit_test(test_retry_with_same_run_id_appends_nothing_twice),
      cmocka_unit_test(test_incremental_run_with_later_as_of_equals_full_refresh),
      cmocka_unit_test(test_incremental_runs_equal_full_refresh_seed_1),
      cmocka_unit_test(test_incremental_runs_equal_full_refresh_seed_2),
      cmocka_unit_test(test_incremental_runs_equal_full_refresh_seed_3),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
