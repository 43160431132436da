/* hc_pipeline.c — the healthcare pipeline's asset graph: seven bronze tables,
 * two reference and five keyed silver tables, four gold tables, the legacy
 * outputs. */
#include "hc_internal.h"

#define DECL(fn) md_code fn(md_asset_ctx *ctx, void *res, md_error *err)
DECL(hc_bronze_billing);
DECL(hc_bronze_patients);
DECL(hc_bronze_assessments);
DECL(hc_bronze_plans);
DECL(hc_bronze_payments);
DECL(hc_bronze_tariffs);
DECL(hc_bronze_pmb);
DECL(hc_silver_tariffs);
DECL(hc_silver_pmb);
DECL(hc_silver_billing);
DECL(hc_silver_patients);
DECL(hc_silver_assessments);
DECL(hc_silver_plans);
DECL(hc_silver_payments);
DECL(hc_gold_grouped_billing);
DECL(hc_gold_pmb_geriatric);
DECL(hc_gold_outstanding);
DECL(hc_gold_monthly_revenue);
DECL(hc_legacy_outputs);

#define DEPS(...) ((const char *const[]){__VA_ARGS__}), (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

md_code hc_pipeline_build(md_pipeline **out, md_error *err) {
  const md_asset_def defs[] = {
      {"bronze/billing_raw", "bronze", "delta", NULL, 0, hc_bronze_billing},
      {"bronze/patients_raw", "bronze", "delta", NULL, 0, hc_bronze_patients},
      {"bronze/geriatric_assessments_raw", "bronze", "delta", NULL, 0, hc_bronze_assessments},
      {"bronze/patient_plans_raw", "bronze", "delta", NULL, 0, hc_bronze_plans},
      {"bronze/bill_payments_raw", "bronze", "delta", NULL, 0, hc_bronze_payments},
      {"bronze/tariff_codes_raw", "bronze", "delta", NULL, 0, hc_bronze_tariffs},
      {"bronze/pmb_conditions_raw", "bronze", "delta", NULL, 0, hc_bronze_pmb},
      {"silver/tariff_codes", "silver", "delta", DEPS("bronze/tariff_codes_raw"), hc_silver_tariffs},
      {"silver/pmb_conditions", "silver", "delta", DEPS("bronze/pmb_conditions_raw"), hc_silver_pmb},
      {"silver/billing", "silver", "delta", DEPS("bronze/billing_raw", "silver/tariff_codes", "silver/pmb_conditions"),
       hc_silver_billing},
      {"silver/patients", "silver", "delta", DEPS("bronze/patients_raw"), hc_silver_patients},
      {"silver/geriatric_assessments", "silver", "delta", DEPS("bronze/geriatric_assessments_raw"),
       hc_silver_assessments},
      {"silver/patient_plans", "silver", "delta", DEPS("bronze/patient_plans_raw", "silver/pmb_conditions"),
       hc_silver_plans},
      {"silver/bill_payments", "silver", "delta", DEPS("bronze/bill_payments_raw", "silver/billing"),
       hc_silver_payments},
      {"gold/grouped_billing", "gold", "delta", DEPS("silver/billing"), hc_gold_grouped_billing},
      {"gold/pmb_geriatric", "gold", "delta",
       DEPS("silver/patients", "silver/patient_plans", "silver/geriatric_assessments", "silver/billing"),
       hc_gold_pmb_geriatric},
      {"gold/outstanding_balances", "gold", "delta", DEPS("silver/billing", "silver/bill_payments"), hc_gold_outstanding},
      {"gold/monthly_revenue", "gold", "delta", DEPS("silver/billing", "silver/bill_payments"), hc_gold_monthly_revenue},
      {"export/legacy_outputs", "export", "sqlite+duckdb",
       DEPS("gold/grouped_billing", "gold/pmb_geriatric", "gold/outstanding_balances", "gold/monthly_revenue"),
       hc_legacy_outputs},
  };
  md_pipeline *p = NULL;
  md_code rc = md_pipeline_new(&p, err);
  for (size_t i = 0; rc == MD_OK && i < sizeof defs / sizeof *defs; i++) rc = md_pipeline_add(p, &defs[i], err);
  if (rc == MD_OK) rc = md_pipeline_check(p, err);
  if (rc) {
    md_pipeline_free(p);
    return rc;
  }
  *out = p;
  return MD_OK;
}
