/* silver_billing.c — silver/billing and silver/billing_rejects (§3): lines
 * lines deduplicated on (BILL_ID, LINE_NR), validated, enriched with the tariff
 * category and the PMB flag, pseudonymised. */
#include <stdio.h>
#include <stdlib.h>

#include "hc_internal.h"

static const hc_lookup_dep billing_lookups[] = {{"silver/tariff_codes", "TARIFF_CODE", "TARIFF_CODE", "CATEGORY", true},
                                                 {"silver/pmb_conditions", "ICD10_CODE", "ICD10_CODE", NULL, false}};

md_code hc_silver_billing(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_billing(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  static const char *const keys[] = {"BILL_ID", "LINE_NR"};
  hc_silver_input in = {0};
  md_batch *tariffs = NULL, *pmb = NULL;
  md_schema *src = NULL;
  static const char *const deps[] = {"bronze/billing_raw", "silver/tariff_codes", "silver/pmb_conditions"};
  if (hc_skip_unchanged(ctx, cfg, "silver", "billing", deps, 3)) return MD_OK;
  static const hc_silver_source source = {"billing", keys, 2, NULL, billing_lookups, 2, NULL};
  md_code rc = hc_silver_begin(ctx, cfg, &source, &in, err);
  if (rc == MD_OK) rc = hc_read(ctx, cfg, "silver", "tariff_codes", &tariffs, err);
  if (rc == MD_OK) rc = hc_read(ctx, cfg, "silver", "pmb_conditions", &pmb, err);
  if (rc == MD_OK && !(src = hc_source_columns(hc_silver_schema(&in))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    const char *tc = "TARIFF_CODE", *icd = "ICD10_CODE";
    md_plan *p = hc_join_lookup(hc_silver_rows(&in), tariffs, tc, "CATEGORY", "TARIFF_CATEGORY", "_tariff_found");
    p = hc_join_lookup(p, pmb, icd, NULL, NULL, "_pmb_found");
    md_expr *as_of = md_lit_date(cfg->as_of);
    hc_rule rules[] = {
        {"patient_nr_missing", md_is_null(md_col("PATIENT_NR"))},
        {"service_date_missing", md_is_null(md_col("SERVICE_DATE"))},
        {"service_date_in_future", md_gt(md_col("SERVICE_DATE"), md_expr_copy(as_of))},
        {"quantity_not_positive", md_or(md_is_null(md_col("QUANTITY")), md_le(md_col("QUANTITY"), md_lit_int(0)))},
        {"amount_missing", md_is_null(md_col("AMOUNT"))},
        {"amount_negative", md_lt(md_col("AMOUNT"), md_lit_int(0))},
        {"unknown_tariff_code", md_is_null(md_col("_tariff_found"))},
    };
    md_expr_free(as_of);
    md_expr *pmb_pair[2] = {md_col("_pmb_found"), md_lit_bool(false)};
    md_expr *exprs[] = {md_col("BILL_ID"),        md_col("LINE_NR"),           md_col("SOURCE"),
                        hc_patient_key(&in.cfg),      md_col("SERVICE_DATE"),      md_first_of_month(md_col("SERVICE_DATE")),
                        md_col("TARIFF_CODE"),    md_col("TARIFF_CATEGORY"),   md_col("ICD10_CODE"),
                        md_coalesce(pmb_pair, 2), md_col("QUANTITY"),          md_col("UNIT_PRICE"),
                        md_col("AMOUNT"),         md_col("MEDICAL_AID"),       md_col("UPDATED_AT")};
    static const char *const names[] = {"BILL_ID",     "LINE_NR",    "SOURCE",          "PATIENT_KEY",
                                        "SERVICE_DATE", "SERVICE_MONTH", "TARIFF_CODE", "TARIFF_CATEGORY",
                                        "ICD10_CODE",  "IS_PMB",     "QUANTITY",        "UNIT_PRICE",
                                        "AMOUNT",      "MEDICAL_AID", "UPDATED_AT"};
    hc_silver_table spec = {"billing", keys, 2, rules, 7, exprs, names, 15, NULL, "SERVICE_MONTH"};
    rc = hc_silver_finish(ctx, &in, &spec, p, src, err);
  }
  md_schema_free(src);
  hc_silver_input_free(&in);
  md_batch_free(tariffs);
  md_batch_free(pmb);
  return rc;
}
