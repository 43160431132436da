/* test_pipeline_matches_sql.c — end to end on a small generated data set: every
 * silver, rejects and gold table the pipeline writes equals the result of the
 * same rules written independently as SQL (from shared/spec/PIPELINE.md, not
 * from the C code) over the same source data loaded into SQLite. Also: running
 * again with the same run id changes nothing, and the §3 invariants hold.
 *
 * On the SQLite side decimals are integer cents, dates ISO text and timestamps
 * integer microseconds; the Delta side is rendered the same way. */
#include <sys/stat.h>

#include "support.h"
#include "hc_test_util.h"

#define WS "char(32,9,10,11,12,13)"

static const char *const CODE_COLUMNS[] = {"SOURCE", "TARIFF_CODE", "ICD10_CODE", "GENDER", "FALLS_RISK",
                                           "PLAN_TYPE", "STATUS", "PAYER", "METHOD"};

static bool is_code(const char *name) {
  for (size_t i = 0; i < sizeof CODE_COLUMNS / sizeof *CODE_COLUMNS; i++)
    if (strcmp(CODE_COLUMNS[i], name) == 0) return true;
  return false;
}

/* §3 step 1 as SQL: n_<table> from src_<table>. */
static void normalise(sqlite3 *db, const char *table) {
  char sql[8192];
  int k = snprintf(sql, sizeof sql, "CREATE TABLE n_%s AS SELECT _rowid", table);
  char q[256];
  snprintf(q, sizeof q, "SELECT name, type FROM pragma_table_info('src_%s')", table);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
  /* Types are not declared: decide text columns from the data (any text value). */
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(name, "_rowid") == 0) continue;
    char probe[512];
    snprintf(probe, sizeof probe, "SELECT count(*) FROM src_%s WHERE typeof(%s) = 'text'", table, name);
    sqlite3_stmt *p = NULL;
    sqlite3_prepare_v2(db, probe, -1, &p, NULL);
    sqlite3_step(p);
    bool text = sqlite3_column_int(p, 0) > 0 && strstr(name, "DATE") == NULL && strcmp(name, "DATE_OF_BIRTH") != 0;
    sqlite3_finalize(p);
    if (text && is_code(name))
      k += snprintf(sql + k, sizeof sql - (size_t)k, ", NULLIF(upper(trim(%s, " WS ")), '') AS %s", name, name);
    else if (text)
      k += snprintf(sql + k, sizeof sql - (size_t)k, ", NULLIF(trim(%s, " WS "), '') AS %s", name, name);
    else
      k += snprintf(sql + k, sizeof sql - (size_t)k, ", %s", name);
  }
  sqlite3_finalize(st);
  snprintf(sql + k, sizeof sql - (size_t)k, " FROM src_%s", table);
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
}

static void exec(sqlite3 *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("SQL failed: %s\n%s", msg, sql);
}

/* The rules of PIPELINE.md §3 and §4, as SQL. :as_of is 2026-06-30. */
static const char *const SPEC_SQL =
    /* reference tables: null codes ignored, a duplicate keeps its later source row */
    "CREATE TABLE ref_tariff AS SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY TARIFF_CODE ORDER BY _rowid DESC) rn"
    "  FROM n_tariff_codes WHERE TARIFF_CODE IS NOT NULL) WHERE rn = 1;"
    "CREATE TABLE ref_pmb AS SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ICD10_CODE ORDER BY _rowid DESC) rn"
    "  FROM n_pmb_conditions WHERE ICD10_CODE IS NOT NULL) WHERE rn = 1;"
    /* deduplication: greatest UPDATED_AT (null oldest), ties to the later row; null keys kept */
    "CREATE TABLE d_billing AS SELECT * FROM (SELECT *, CASE WHEN BILL_ID IS NULL OR LINE_NR IS NULL THEN 1 ELSE"
    "  row_number() OVER (PARTITION BY BILL_ID, LINE_NR ORDER BY UPDATED_AT IS NULL, UPDATED_AT DESC, _rowid DESC) END rn"
    "  FROM n_billing) WHERE rn = 1;"
    "CREATE TABLE d_patients AS SELECT * FROM (SELECT *, CASE WHEN PATIENT_NR IS NULL THEN 1 ELSE"
    "  row_number() OVER (PARTITION BY PATIENT_NR ORDER BY UPDATED_AT IS NULL, UPDATED_AT DESC, _rowid DESC) END rn"
    "  FROM n_patients) WHERE rn = 1;"
    "CREATE TABLE d_assess AS SELECT * FROM (SELECT *, CASE WHEN ASSESSMENT_ID IS NULL THEN 1 ELSE"
    "  row_number() OVER (PARTITION BY ASSESSMENT_ID ORDER BY UPDATED_AT IS NULL, UPDATED_AT DESC, _rowid DESC) END rn"
    "  FROM n_geriatric_assessments) WHERE rn = 1;"
    "CREATE TABLE d_plans AS SELECT * FROM (SELECT *, CASE WHEN PLAN_ID IS NULL THEN 1 ELSE"
    "  row_number() OVER (PARTITION BY PLAN_ID ORDER BY UPDATED_AT IS NULL, UPDATED_AT DESC, _rowid DESC) END rn"
    "  FROM n_patient_plans) WHERE rn = 1;"
    "CREATE TABLE d_payments AS SELECT * FROM (SELECT *, CASE WHEN PAYMENT_ID IS NULL THEN 1 ELSE"
    "  row_number() OVER (PARTITION BY PAYMENT_ID ORDER BY UPDATED_AT IS NULL, UPDATED_AT DESC, _rowid DESC) END rn"
    "  FROM n_bill_payments) WHERE rn = 1;"
    /* validation, first failing rule wins */
    "CREATE TABLE v_billing AS SELECT *, CASE"
    "  WHEN BILL_ID IS NULL OR LINE_NR IS NULL THEN 'key_missing'"
    "  WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'"
    "  WHEN SERVICE_DATE IS NULL THEN 'service_date_missing'"
    "  WHEN SERVICE_DATE > '2026-06-30' THEN 'service_date_in_future'"
    "  WHEN QUANTITY IS NULL OR QUANTITY <= 0 THEN 'quantity_not_positive'"
    "  WHEN AMOUNT IS NULL THEN 'amount_missing'"
    "  WHEN AMOUNT < 0 THEN 'amount_negative'"
    "  WHEN TARIFF_CODE IS NULL OR TARIFF_CODE NOT IN (SELECT TARIFF_CODE FROM ref_tariff) THEN 'unknown_tariff_code'"
    "  END AS reason FROM d_billing;"
    "CREATE TABLE s_billing AS SELECT BILL_ID, LINE_NR, SOURCE, hmac(PATIENT_NR) AS PATIENT_KEY, SERVICE_DATE,"
    "  substr(SERVICE_DATE, 1, 8) || '01' AS SERVICE_MONTH, TARIFF_CODE,"
    "  (SELECT CATEGORY FROM ref_tariff t WHERE t.TARIFF_CODE = v.TARIFF_CODE) AS TARIFF_CATEGORY, ICD10_CODE,"
    "  (ICD10_CODE IS NOT NULL AND ICD10_CODE IN (SELECT ICD10_CODE FROM ref_pmb)) AS IS_PMB,"
    "  QUANTITY, UNIT_PRICE, AMOUNT, MEDICAL_AID, UPDATED_AT FROM v_billing v WHERE reason IS NULL;"
    "CREATE TABLE r_billing AS SELECT BILL_ID, LINE_NR, SOURCE, hmac(PATIENT_NR) AS PATIENT_KEY, SERVICE_DATE,"
    "  TARIFF_CODE, ICD10_CODE, QUANTITY, UNIT_PRICE, AMOUNT, MEDICAL_AID, CREATED_AT, UPDATED_AT, reason"
    "  FROM v_billing WHERE reason IS NOT NULL;"

    "CREATE TABLE v_patients AS SELECT *, CASE"
    "  WHEN PATIENT_NR IS NULL THEN 'key_missing'"
    "  WHEN DATE_OF_BIRTH IS NULL THEN 'date_of_birth_missing'"
    "  WHEN DATE_OF_BIRTH > '2026-06-30' OR DATE_OF_BIRTH < '1900-01-01' THEN 'date_of_birth_invalid'"
    "  END AS reason FROM d_patients;"
    "CREATE TABLE s_patients AS SELECT PATIENT_KEY, GENDER, BIRTH_YEAR, AGE,"
    "  CASE WHEN AGE < 18 THEN '0-17' WHEN AGE < 45 THEN '18-44' WHEN AGE < 65 THEN '45-64' WHEN AGE < 75 THEN '65-74'"
    "  WHEN AGE < 85 THEN '75-84' ELSE '85+' END AS AGE_BAND, MEDICAL_AID, UPDATED_AT FROM ("
    "  SELECT hmac(PATIENT_NR) AS PATIENT_KEY,"
    "  CASE WHEN GENDER IN ('M', 'MALE') THEN 'M' WHEN GENDER IN ('F', 'FEMALE') THEN 'F' ELSE 'U' END AS GENDER,"
    "  CAST(substr(DATE_OF_BIRTH, 1, 4) AS INTEGER) AS BIRTH_YEAR,"
    "  2026 - CAST(substr(DATE_OF_BIRTH, 1, 4) AS INTEGER) - ('06-30' < substr(DATE_OF_BIRTH, 6, 5)) AS AGE,"
    "  MEDICAL_AID, UPDATED_AT FROM v_patients WHERE reason IS NULL);"
    "CREATE TABLE r_patients AS SELECT hmac(PATIENT_NR), GENDER, MEDICAL_AID, CREATED_AT, UPDATED_AT, reason"
    "  FROM v_patients WHERE reason IS NOT NULL;"

    "CREATE TABLE v_assess AS SELECT *, CASE"
    "  WHEN ASSESSMENT_ID IS NULL THEN 'key_missing'"
    "  WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'"
    "  WHEN ASSESSMENT_DATE IS NULL THEN 'assessment_date_missing'"
    "  WHEN (ADL_SCORE IS NOT NULL AND (ADL_SCORE < 0 OR ADL_SCORE > 6))"
    "    OR (IADL_SCORE IS NOT NULL AND (IADL_SCORE < 0 OR IADL_SCORE > 8))"
    "    OR (MMSE_SCORE IS NOT NULL AND (MMSE_SCORE < 0 OR MMSE_SCORE > 30))"
    "    OR (FRAILTY_SCORE IS NOT NULL AND (FRAILTY_SCORE < 1 OR FRAILTY_SCORE > 9)) THEN 'score_out_of_range'"
    "  END AS reason FROM d_assess;"
    "CREATE TABLE s_assess AS SELECT ASSESSMENT_ID, hmac(PATIENT_NR) AS PATIENT_KEY, ASSESSMENT_DATE, ADL_SCORE,"
    "  IADL_SCORE, MMSE_SCORE, FRAILTY_SCORE,"
    "  CASE WHEN FRAILTY_SCORE BETWEEN 1 AND 3 THEN 'FIT' WHEN FRAILTY_SCORE = 4 THEN 'VULNERABLE'"
    "  WHEN FRAILTY_SCORE BETWEEN 5 AND 6 THEN 'FRAIL' WHEN FRAILTY_SCORE BETWEEN 7 AND 9 THEN 'SEVERELY_FRAIL' END"
    "  AS FRAILTY_BAND,"
    "  CASE WHEN FALLS_RISK IN ('LOW', 'MEDIUM', 'HIGH') THEN FALLS_RISK END AS FALLS_RISK,"
    "  CASE WHEN MMSE_SCORE IS NULL THEN NULL ELSE MMSE_SCORE < 24 END AS COGNITIVE_IMPAIRMENT, UPDATED_AT"
    "  FROM v_assess WHERE reason IS NULL;"
    "CREATE TABLE r_assess AS SELECT ASSESSMENT_ID, hmac(PATIENT_NR), ASSESSMENT_DATE, ADL_SCORE, IADL_SCORE,"
    "  MMSE_SCORE, FRAILTY_SCORE, FALLS_RISK, ASSESSOR, UPDATED_AT, reason FROM v_assess WHERE reason IS NOT NULL;"

    "CREATE TABLE v_plans AS SELECT *, CASE"
    "  WHEN PLAN_ID IS NULL THEN 'key_missing'"
    "  WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'"
    "  WHEN START_DATE IS NULL THEN 'start_date_missing'"
    "  WHEN END_DATE < START_DATE THEN 'end_before_start'"
    "  END AS reason FROM d_plans;"
    "CREATE TABLE s_plans AS SELECT PLAN_ID, hmac(PATIENT_NR) AS PATIENT_KEY, PLAN_TYPE, ICD10_CODE, START_DATE,"
    "  END_DATE, STATUS, (ICD10_CODE IS NOT NULL AND ICD10_CODE IN (SELECT ICD10_CODE FROM ref_pmb)) AS IS_PMB,"
    "  coalesce(STATUS = 'ACTIVE' AND START_DATE <= '2026-06-30' AND (END_DATE IS NULL OR END_DATE >= '2026-06-30'), 0)"
    "  AS IS_ACTIVE, UPDATED_AT FROM v_plans WHERE reason IS NULL;"
    "CREATE TABLE r_plans AS SELECT PLAN_ID, hmac(PATIENT_NR), PLAN_TYPE, ICD10_CODE, START_DATE, END_DATE, STATUS,"
    "  UPDATED_AT, reason FROM v_plans WHERE reason IS NOT NULL;"

    "CREATE TABLE v_payments AS SELECT *, CASE"
    "  WHEN PAYMENT_ID IS NULL THEN 'key_missing'"
    "  WHEN BILL_ID IS NULL THEN 'bill_id_missing'"
    "  WHEN PAYMENT_DATE IS NULL THEN 'payment_date_missing'"
    "  WHEN AMOUNT IS NULL OR AMOUNT <= 0 THEN 'amount_not_positive'"
    "  WHEN BILL_ID NOT IN (SELECT BILL_ID FROM s_billing) THEN 'unknown_bill'"
    "  END AS reason FROM d_payments;"
    "CREATE TABLE s_payments AS SELECT PAYMENT_ID, BILL_ID, PAYMENT_DATE, AMOUNT, PAYER, METHOD, UPDATED_AT"
    "  FROM v_payments WHERE reason IS NULL;"
    "CREATE TABLE r_payments AS SELECT PAYMENT_ID, BILL_ID, PAYMENT_DATE, AMOUNT, PAYER, METHOD, UPDATED_AT, reason"
    "  FROM v_payments WHERE reason IS NOT NULL;";

static const char *const GOLD_GROUPED =
    "SELECT SOURCE, SERVICE_MONTH, TARIFF_CATEGORY, count(*), count(DISTINCT BILL_ID), count(DISTINCT PATIENT_KEY),"
    " sum(AMOUNT), sum(AMOUNT) / 100.0 / count(*) FROM s_billing GROUP BY 1, 2, 3";
static const char *const GOLD_PMB =
    "WITH elig AS (SELECT * FROM s_patients p WHERE AGE >= 65 AND EXISTS (SELECT 1 FROM s_plans pl"
    "   WHERE pl.PATIENT_KEY = p.PATIENT_KEY AND pl.IS_ACTIVE AND pl.IS_PMB)),"
    " latest AS (SELECT * FROM (SELECT a.*, row_number() OVER (PARTITION BY PATIENT_KEY"
    "   ORDER BY ASSESSMENT_DATE DESC, ASSESSMENT_ID DESC) rn FROM s_assess a) WHERE rn = 1),"
    " billed AS (SELECT PATIENT_KEY, sum(AMOUNT) b FROM s_billing WHERE SERVICE_DATE > date('2026-06-30', '-365 days')"
    "   AND SERVICE_DATE <= '2026-06-30' GROUP BY PATIENT_KEY)"
    " SELECT e.AGE_BAND, e.GENDER, coalesce(l.FRAILTY_BAND, 'NOT_ASSESSED'), count(*), count(l.ASSESSMENT_ID),"
    " avg(l.MMSE_SCORE), avg(l.ADL_SCORE), sum(CASE WHEN l.COGNITIVE_IMPAIRMENT = 1 THEN 1 ELSE 0 END),"
    " coalesce(sum(b.b), 0) FROM elig e LEFT JOIN latest l ON l.PATIENT_KEY = e.PATIENT_KEY"
    " LEFT JOIN billed b ON b.PATIENT_KEY = e.PATIENT_KEY GROUP BY 1, 2, 3";
static const char *const GOLD_OUTSTANDING =
    "WITH bills AS (SELECT BILL_ID, sum(AMOUNT) billed, min(SERVICE_DATE) bill_date, min(SOURCE) source,"
    "   min(MEDICAL_AID) aid FROM s_billing GROUP BY BILL_ID),"
    " paid AS (SELECT BILL_ID, sum(AMOUNT) paid FROM s_payments GROUP BY BILL_ID),"
    " o AS (SELECT b.*, billed - coalesce(p.paid, 0) AS outstanding,"
    "   CAST(julianday('2026-06-30') - julianday(bill_date) AS INTEGER) AS d FROM bills b LEFT JOIN paid p USING (BILL_ID))"
    " SELECT source, coalesce(aid, 'PRIVATE'), CASE WHEN d <= 30 THEN '0-30' WHEN d <= 60 THEN '31-60'"
    " WHEN d <= 90 THEN '61-90' WHEN d <= 180 THEN '91-180' ELSE '181+' END, count(*), sum(outstanding)"
    " FROM o WHERE outstanding > 0 GROUP BY 1, 2, 3";
static const char *const GOLD_MONTHLY =
    "WITH b AS (SELECT SERVICE_MONTH m, sum(AMOUNT) s FROM s_billing GROUP BY 1),"
    " c AS (SELECT substr(PAYMENT_DATE, 1, 8) || '01' m, sum(AMOUNT) s FROM s_payments GROUP BY 1),"
    " months AS (SELECT m FROM b UNION SELECT m FROM c)"
    " SELECT months.m, coalesce(b.s, 0), coalesce(c.s, 0),"
    " CASE WHEN coalesce(b.s, 0) = 0 THEN NULL ELSE coalesce(c.s, 0) * 1.0 / b.s END"
    " FROM months LEFT JOIN b USING (m) LEFT JOIN c USING (m)";

static int compare_table(sqlite3 *db, const char *home, const char *rel, const char *sql) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", home, rel);
  hct_rows got = hct_delta_rows(path), want = hct_sql_rows(db, sql);
  int diff = hct_compare(rel, &got, &want);
  if (!diff) fprintf(stderr, "%-36s %6lld rows equal\n", rel, (long long)got.count);
  rows_free(&got);
  rows_free(&want);
  return diff;
}

static char dir[1024];
static char home[1100];

static void test_pipeline_equals_independent_sql(void **state) {
  (void)state;
  md_run *run = hct_run(dir, "11111111-2222-4333-8444-555555555555", NULL, 0);
  for (int i = 0; i < md_run_num_results(run); i++) {
    const md_asset_result *r = md_run_result(run, i);
    if (r->status != MD_ASSET_SUCCEEDED) fprintf(stderr, "%s: %s\n", r->name, r->error);
    assert_int_equal(r->status, MD_ASSET_SUCCEEDED);
    assert_int_equal(r->checks_failed, 0);
  }
  assert_true(md_run_succeeded(run));
  md_run_free(run);

  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_create_function(db, "hmac", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, hmac_fn, NULL, NULL);
  for (int i = 0; i < 7; i++) {
    hct_load(db, dir, HC_SOURCE_TABLES[i]);
    normalise(db, HC_SOURCE_TABLES[i]);
  }
  exec(db, SPEC_SQL);
  int diffs = 0;
  diffs += compare_table(db, home, "silver/tariff_codes", "SELECT TARIFF_CODE, DESCRIPTION, CATEGORY FROM ref_tariff");
  diffs += compare_table(db, home, "silver/pmb_conditions", "SELECT ICD10_CODE, PMB_CODE, DESCRIPTION FROM ref_pmb");
  diffs += compare_table(db, home, "silver/billing", "SELECT * FROM s_billing");
  diffs += compare_table(db, home, "silver/billing_rejects", "SELECT * FROM r_billing");
  diffs += compare_table(db, home, "silver/patients", "SELECT * FROM s_patients");
  diffs += compare_table(db, home, "silver/patients_rejects", "SELECT * FROM r_patients");
  diffs += compare_table(db, home, "silver/geriatric_assessments", "SELECT * FROM s_assess");
  diffs += compare_table(db, home, "silver/geriatric_assessments_rejects", "SELECT * FROM r_assess");
  diffs += compare_table(db, home, "silver/patient_plans", "SELECT * FROM s_plans");
  diffs += compare_table(db, home, "silver/patient_plans_rejects", "SELECT * FROM r_plans");
  diffs += compare_table(db, home, "silver/bill_payments", "SELECT * FROM s_payments");
  diffs += compare_table(db, home, "silver/bill_payments_rejects", "SELECT * FROM r_payments");
  diffs += compare_table(db, home, "gold/grouped_billing", GOLD_GROUPED);
  diffs += compare_table(db, home, "gold/pmb_geriatric", GOLD_PMB);
  diffs += compare_table(db, home, "gold/outstanding_balances", GOLD_OUTSTANDING);
  diffs += compare_table(db, home, "gold/monthly_revenue", GOLD_MONTHLY);

  /* The data set must exercise the rules: every reject reason the generator
   * produces shows up, and gold is not trivially empty. */
  sqlite3_stmt *st = NULL;
  sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM r_billing), (SELECT count(*) FROM r_payments),"
                         " (SELECT count(*) FROM r_assess), (SELECT count(*) FROM s_patients WHERE AGE >= 65)", -1, &st, NULL);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_true(sqlite3_column_int(st, 0) > 0);
  assert_true(sqlite3_column_int(st, 1) > 0);
  assert_true(sqlite3_column_int(st, 2) > 0);
  assert_true(sqlite3_column_int(st, 3) > 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_int_equal(diffs, 0);
}

/* Versions of every silver and gold table. */
static void versions(int64_t *out, int *n) {
  static const char *const tables[] = {"bronze/billing_raw", "silver/billing", "silver/billing_rejects", "silver/patients",
                                       "silver/bill_payments", "gold/grouped_billing", "gold/pmb_geriatric",
                                       "gold/outstanding_balances", "gold/monthly_revenue"};
  *n = (int)(sizeof tables / sizeof *tables);
  for (int i = 0; i < *n; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", home, tables[i]);
    md_delta_table *t = NULL;
    assert_int_equal(md_delta_table_open(path, &t, NULL), MD_OK);
    out[i] = md_delta_table_latest_version(t);
    md_delta_table_free(t);
  }
}

static void test_rerun_with_same_run_id_changes_nothing(void **state) {
  (void)state;
  int64_t before[16], after[16];
  int n = 0;
  versions(before, &n);
  md_run *run = hct_run(dir, "11111111-2222-4333-8444-555555555555", NULL, 0);
  assert_true(md_run_succeeded(run));
  md_run_free(run);
  versions(after, &n);
  for (int i = 0; i < n; i++) assert_int_equal(before[i], after[i]);
  /* A new run id writes new versions with the same content. */
  run = hct_run(dir, NULL, NULL, 0);
  assert_true(md_run_succeeded(run));
  md_run_free(run);
  versions(after, &n);
  for (int i = 0; i < n; i++) assert_int_equal(before[i] + 1, after[i]);
}

static void test_lineage_reaches_the_source(void **state) {
  (void)state;
  char *text = NULL;
  md_error err;
  if (md_lineage(home, "gold/monthly_revenue", -1, &text, &err)) fail_msg("%s", err.message);
  assert_non_null(strstr(text, "gold/monthly_revenue v"));
  assert_non_null(strstr(text, "  silver/bill_payments v"));
  assert_non_null(strstr(text, "    bronze/bill_payments_raw v"));
  assert_non_null(strstr(text, "source:parquet/billing"));
  free(text);
  assert_int_equal(md_lineage(home, "gold/monthly_revenue", 99, &text, NULL), MD_ERR_NOT_FOUND);
}

static void test_duckdb_missing_is_skipped_and_recorded(void **state) {
  (void)state;
  char note[2048];
  md_run *run = hct_run(dir, NULL, note, sizeof note);
  assert_true(md_run_succeeded(run));
  assert_non_null(strstr(note, "DuckDB output skipped"));
  char *text = NULL;
  assert_int_equal(md_runs_show(home, md_run_id(run), &text, NULL), MD_OK);
  assert_non_null(strstr(text, "DuckDB output skipped"));
  free(text);
  char sqlite_path[4400];
  snprintf(sqlite_path, sizeof sqlite_path, "%s/legacy/medallion.sqlite", home);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM gold_monthly_revenue", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_true(sqlite3_column_int(st, 0) > 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  md_run_free(run);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", test_temp_dir("healthcare_sql"));
  snprintf(home, sizeof home, "%s/home", dir);
  hct_generate(dir, 0.004, 20260630);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pipeline_equals_independent_sql),
      cmocka_unit_test(test_rerun_with_same_run_id_changes_nothing),
      cmocka_unit_test(test_lineage_reaches_the_source),
      cmocka_unit_test(test_duckdb_missing_is_skipped_and_recorded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
