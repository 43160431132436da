/* silver_plans.c — silver/patient_plans and its rejects (§3): IS_PMB and
 * IS_ACTIVE at as_of, both never null. */
#include <stdlib.h>

#include "hc_internal.h"

static const hc_lookup_dep plan_lookups[] = {{"silver/pmb_conditions", "ICD10_CODE", "ICD10_CODE", NULL, false}};

md_code hc_silver_plans(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_plans(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  static const char *const keys[] = {"PLAN_ID"};
  hc_silver_input in = {0};
  md_batch *pmb = NULL;
  md_schema *src = NULL;
  static const char *const deps[] = {"bronze/patient_plans_raw", "silver/pmb_conditions"};
  if (hc_skip_unchanged(ctx, cfg, "silver", "patient_plans", deps, 2)) return MD_OK;
  static const hc_silver_source source = {"patient_plans", keys, 1, NULL, plan_lookups, 1, NULL};
  md_code rc = hc_silver_begin(ctx, cfg, &source, &in, err);
  if (rc == MD_OK) rc = hc_read(ctx, cfg, "silver", "pmb_conditions", &pmb, err);
  if (rc == MD_OK && !(src = hc_source_columns(hc_silver_schema(&in))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    const char *icd = "ICD10_CODE";
    md_plan *p = hc_join_lookup(hc_silver_rows(&in), pmb, icd, NULL, NULL, "_pmb_found");
    hc_rule rules[] = {
        {"patient_nr_missing", md_is_null(md_col("PATIENT_NR"))},
        {"start_date_missing", md_is_null(md_col("START_DATE"))},
        {"end_before_start", md_lt(md_col("END_DATE"), md_col("START_DATE"))},
    };
    md_expr *pmb_pair[2] = {md_col("_pmb_found"), md_lit_bool(false)};
    md_expr *active = md_and(md_and(md_eq(md_col("STATUS"), md_lit_str("ACTIVE")),
                                    md_le(md_col("START_DATE"), md_lit_date(cfg->as_of))),
                             md_or(md_is_null(md_col("END_DATE")), md_ge(md_col("END_DATE"), md_lit_date(cfg->as_of))));
    md_expr *active_pair[2] = {active, md_lit_bool(false)};
    md_expr *exprs[] = {md_col("PLAN_ID"),    hc_patient_key(&in.cfg),      md_col("PLAN_TYPE"),
                        md_col("ICD10_CODE"), md_col("START_DATE"),     md_col("END_DATE"),
                        md_col("STATUS"),     md_coalesce(pmb_pair, 2), md_coalesce(active_pair, 2),
                        md_col("UPDATED_AT")};
    static const char *const names[] = {"PLAN_ID", "PATIENT_KEY", "PLAN_TYPE", "ICD10_CODE", "START_DATE",
                                        "END_DATE", "STATUS",     "IS_PMB",    "IS_ACTIVE",  "UPDATED_AT"};
    hc_silver_table spec = {"patient_plans", keys, 1, rules, 3, exprs, names, 10};
    rc = hc_silver_finish(ctx, &in, &spec, p, src, err);
  }
  md_schema_free(src);
  hc_silver_input_free(&in);
  md_batch_free(pmb);
  return rc;
}
