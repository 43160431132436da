/* silver_assessments.c — silver/geriatric_assessments and its rejects (§3):
 * scores range-checked, falls risk cleaned, frailty band and cognitive
 * impairment derived. */
#include <stdlib.h>

#include "hc_internal.h"

static md_expr *out_of_range(const char *column, int lo, int hi) {
  return md_or(md_lt(md_col(column), md_lit_int(lo)), md_gt(md_col(column), md_lit_int(hi)));
}

md_code hc_silver_assessments(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_assessments(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  static const char *const keys[] = {"ASSESSMENT_ID"};
  hc_silver_input in = {0};
  md_schema *src = NULL;
  static const char *const deps[] = {"bronze/geriatric_assessments_raw"};
  if (hc_skip_unchanged(ctx, cfg, "silver", "geriatric_assessments", deps, 1)) return MD_OK;
  static const hc_silver_source source = {"geriatric_assessments", keys, 1, NULL, NULL, 0, NULL};
  md_code rc = hc_silver_begin(ctx, cfg, &source, &in, err);
  if (rc == MD_OK && !(src = hc_source_columns(hc_silver_schema(&in))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    /* Each range test is null for a null score; OR's three-valued logic makes
     * the rule true as soon as one non-null score is out of range. */
    hc_rule rules[] = {
        {"patient_nr_missing", md_is_null(md_col("PATIENT_NR"))},
        {"assessment_date_missing", md_is_null(md_col("ASSESSMENT_DATE"))},
        {"score_out_of_range", md_or(md_or(out_of_range("ADL_SCORE", 0, 6), out_of_range("IADL_SCORE", 0, 8)),
                                     md_or(out_of_range("MMSE_SCORE", 0, 30), out_of_range("FRAILTY_SCORE", 1, 9)))},
    };
    static const char *const risks[] = {"LOW", "MEDIUM", "HIGH"};
    md_expr *rc_[1] = {hc_str_in("FALLS_RISK", risks, 3)};
    md_expr *rv[1] = {md_col("FALLS_RISK")};
    md_expr *fc[4] = {md_le(md_col("FRAILTY_SCORE"), md_lit_int(3)), md_le(md_col("FRAILTY_SCORE"), md_lit_int(4)),
                      md_le(md_col("FRAILTY_SCORE"), md_lit_int(6)), md_le(md_col("FRAILTY_SCORE"), md_lit_int(9))};
    md_expr *fv[4] = {md_lit_str("FIT"), md_lit_str("VULNERABLE"), md_lit_str("FRAIL"), md_lit_str("SEVERELY_FRAIL")};
    md_expr *exprs[] = {md_col("ASSESSMENT_ID"), hc_patient_key(&in.cfg),          md_col("ASSESSMENT_DATE"),
                        md_col("ADL_SCORE"),     md_col("IADL_SCORE"),         md_col("MMSE_SCORE"),
                        md_col("FRAILTY_SCORE"), md_case_when(fc, fv, 4, NULL), md_case_when(rc_, rv, 1, NULL),
                        md_lt(md_col("MMSE_SCORE"), md_lit_int(24)), md_col("UPDATED_AT")};
    static const char *const names[] = {"ASSESSMENT_ID", "PATIENT_KEY",  "ASSESSMENT_DATE", "ADL_SCORE",
                                        "IADL_SCORE",    "MMSE_SCORE",   "FRAILTY_SCORE",   "FRAILTY_BAND",
                                        "FALLS_RISK",    "COGNITIVE_IMPAIRMENT", "UPDATED_AT"};
    hc_silver_table spec = {"geriatric_assessments", keys, 1, rules, 3, exprs, names, 11};
    rc = hc_silver_finish(ctx, &in, &spec, hc_silver_rows(&in), src, err);
  }
  md_schema_free(src);
  hc_silver_input_free(&in);
  return rc;
}
