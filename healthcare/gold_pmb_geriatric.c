/* gold_pmb_geriatric.c — gold/pmb_geriatric (§4): patients aged 65+ with an
 * active PMB plan, their latest assessment, and what they were billed in the
 * 365 days up to as_of, grouped by age band, gender and frailty band. */
#include <stdlib.h>

#include "hc_internal.h"

md_code hc_gold_pmb_geriatric(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_gold_pmb_geriatric(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  md_batch *patients = NULL, *plans = NULL, *assessments = NULL, *out = NULL;
  hc_snapshot billing = {0};
  static const char *const deps[] = {"silver/patients", "silver/patient_plans", "silver/geriatric_assessments",
                                     "silver/billing"};
  if (hc_skip_unchanged(ctx, cfg, "gold", "pmb_geriatric", deps, 4)) return MD_OK;
  /* Only the columns used: the silver tables are wide. */
  static const char *const patient_cols[] = {"PATIENT_KEY", "AGE", "AGE_BAND", "GENDER"};
  static const char *const plan_cols[] = {"PATIENT_KEY", "IS_ACTIVE", "IS_PMB"};
  static const char *const assessment_cols[] = {"PATIENT_KEY",  "ASSESSMENT_ID", "ASSESSMENT_DATE",     "FRAILTY_BAND",
                                                "MMSE_SCORE", "ADL_SCORE",     "COGNITIVE_IMPAIRMENT"};
  md_code rc = hc_read_columns(ctx, cfg, "silver", "patients", patient_cols, 4, &patients, err);
  if (rc == MD_OK) rc = hc_read_columns(ctx, cfg, "silver", "patient_plans", plan_cols, 3, &plans, err);
  if (rc == MD_OK)
    rc = hc_read_columns(ctx, cfg, "silver", "geriatric_assessments", assessment_cols, 7, &assessments, err);
  static const char *const bill_cols[] = {"PATIENT_KEY", "SERVICE_DATE", "AMOUNT"};
  if (rc == MD_OK) rc = hc_open_snapshot(ctx, cfg, "silver", "billing", &billing, err);
  if (rc == MD_OK) {
    const char *pk = "PATIENT_KEY";
    md_plan *pmb_plans = md_plan_filter(hc_scan(plans), md_and(md_col("IS_ACTIVE"), md_col("IS_PMB")));
    md_plan *p = md_plan_join(md_plan_filter(hc_scan(patients), md_ge(md_col("AGE"), md_lit_int(65))), pmb_plans,
                              MD_JOIN_SEMI, &pk, &pk, 1);
    /* Latest assessment: a stable sort by id, then keep-latest by date whose
     * ties go to the later row, i.e. the greater ASSESSMENT_ID. */
    md_sort_key by_id = {"ASSESSMENT_ID", false, false};
    md_plan *latest = md_plan_keep_latest(md_plan_sort(hc_scan(assessments), &by_id, 1), &pk, 1, "ASSESSMENT_DATE");
    md_expr *le[] = {md_col("PATIENT_KEY"), md_col("FRAILTY_BAND"), md_col("MMSE_SCORE"), md_col("ADL_SCORE"),
                     md_col("COGNITIVE_IMPAIRMENT"), md_lit_bool(true)};
    static const char *const ln[] = {"PATIENT_KEY", "FRAILTY_BAND", "MMSE_SCORE", "ADL_SCORE",
                                     "COGNITIVE_IMPAIRMENT", "_assessed"};
    latest = md_plan_project(latest, le, ln, 6);
    md_expr *window = md_and(md_gt(md_col("SERVICE_DATE"), md_lit_date(cfg->as_of - 365)),
                             md_le(md_col("SERVICE_DATE"), md_lit_date(cfg->as_of)));
    md_agg billed = {MD_AGG_SUM, "AMOUNT", "_billed"};
    md_plan *b12 = md_plan_aggregate(md_plan_filter(hc_scan_snapshot(&billing, bill_cols, 3), window), &pk, 1, &billed, 1);
    p = md_plan_join(md_plan_join(p, latest, MD_JOIN_LEFT, &pk, &pk, 1), b12, MD_JOIN_LEFT, &pk, &pk, 1);
    md_expr *band_pair[2] = {md_col("FRAILTY_BAND"), md_lit_str("NOT_ASSESSED")};
    md_expr *cog_c[1] = {md_col("COGNITIVE_IMPAIRMENT")};
    md_expr *cog_v[1] = {md_lit_int(1)};
    md_expr *e1[] = {md_col("AGE_BAND"), md_col("GENDER"), md_coalesce(band_pair, 2), md_col("_assessed"),
                     md_col("MMSE_SCORE"), md_col("ADL_SCORE"), md_case_when(cog_c, cog_v, 1, NULL), md_col("_billed")};
    static const char *const n1[] = {"AGE_BAND",  "GENDER",    "FRAILTY_BAND", "_assessed",
                                     "MMSE_SCORE", "ADL_SCORE", "_cog",         "_billed"};
    p = md_plan_project(p, e1, n1, 8);
    md_agg g[] = {{MD_AGG_COUNT_ALL, NULL, "PATIENT_COUNT"},       {MD_AGG_COUNT, "_assessed", "ASSESSED_COUNT"},
                  {MD_AGG_MEAN, "MMSE_SCORE", "AVG_MMSE"},          {MD_AGG_MEAN, "ADL_SCORE", "AVG_ADL"},
                  {MD_AGG_COUNT, "_cog", "COGNITIVE_IMPAIRMENT_COUNT"}, {MD_AGG_SUM, "_billed", "_b"}};
    p = md_plan_aggregate(p, n1, 3, g, 6);
    md_expr *b_pair[2] = {md_cast(md_col("_b"), md_type_decimal(18, 2)), md_lit_decimal(0, 18, 2)};
    md_expr *e2[] = {md_col("AGE_BAND"),  md_col("GENDER"),  md_col("FRAILTY_BAND"), md_col("PATIENT_COUNT"),
                     md_col("ASSESSED_COUNT"), md_col("AVG_MMSE"), md_col("AVG_ADL"), md_col("COGNITIVE_IMPAIRMENT_COUNT"),
                     md_coalesce(b_pair, 2)};
    static const char *const n2[] = {"AGE_BAND", "GENDER",  "FRAILTY_BAND", "PATIENT_COUNT", "ASSESSED_COUNT",
                                     "AVG_MMSE", "AVG_ADL", "COGNITIVE_IMPAIRMENT_COUNT", "BILLED_12M"};
    rc = hc_collect_with(cfg, md_plan_project(p, e2, n2, 9), &out, err);
  }
  if (rc == MD_OK) rc = hc_write(ctx, cfg, "gold", "pmb_geriatric", out, err);
  if (rc == MD_OK) hc_check_no_identifiers(ctx, out, "gold/pmb_geriatric");
  md_batch_free(patients);
  md_batch_free(plans);
  md_batch_free(assessments);
  hc_snapshot_close(&billing);
  md_batch_free(out);
  return rc;
}
