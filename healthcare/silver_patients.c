/* silver_patients.c — silver/patients and its rejects (§3): one row per
 * patient, gender mapped to M/F/U, age and age band at as_of; the direct
 * identifiers never leave bronze. */
#include <stdlib.h>

#include "hc_internal.h"

md_code hc_silver_patients(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_patients(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  static const char *const keys[] = {"PATIENT_NR"};
  hc_silver_input in = {0};
  md_schema *src = NULL;
  static const char *const deps[] = {"bronze/patients_raw"};
  if (hc_skip_unchanged(ctx, cfg, "silver", "patients", deps, 1)) return MD_OK;
  static const char *const silver_keys_[] = {"PATIENT_KEY"};
  static const hc_silver_source source = {"patients", keys, 1, silver_keys_, NULL, 0, NULL};
  md_code rc = hc_silver_begin(ctx, cfg, &source, &in, err);
  if (rc == MD_OK && !(src = hc_source_columns(hc_silver_schema(&in))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    md_expr *dob = md_col("DATE_OF_BIRTH");
    hc_rule rules[] = {
        {"patient_nr_missing", md_is_null(md_col("PATIENT_NR"))},
        {"date_of_birth_missing", md_is_null(md_col("DATE_OF_BIRTH"))},
        {"date_of_birth_invalid", md_or(md_gt(md_expr_copy(dob), md_lit_date(cfg->as_of)),
                                        md_lt(md_expr_copy(dob), md_lit_date(-25567 /* 1900-01-01 */)))},
    };
    static const char *const male[] = {"M", "MALE"}, *const female[] = {"F", "FEMALE"};
    md_expr *gc[2] = {hc_str_in("GENDER", male, 2), hc_str_in("GENDER", female, 2)};
    md_expr *gv[2] = {md_lit_str("M"), md_lit_str("F")};
    md_expr *age = md_years_between(md_expr_copy(dob), md_lit_date(cfg->as_of));
    md_expr *bc[5] = {md_lt(md_expr_copy(age), md_lit_int(18)), md_lt(md_expr_copy(age), md_lit_int(45)),
                      md_lt(md_expr_copy(age), md_lit_int(65)), md_lt(md_expr_copy(age), md_lit_int(75)),
                      md_lt(md_expr_copy(age), md_lit_int(85))};
    md_expr *bv[5] = {md_lit_str("0-17"), md_lit_str("18-44"), md_lit_str("45-64"), md_lit_str("65-74"),
                      md_lit_str("75-84")};
    md_expr *exprs[] = {hc_patient_key(&in.cfg),
                        md_case_when(gc, gv, 2, md_lit_str("U")),
                        md_year(md_expr_copy(dob)),
                        age,
                        md_case_when(bc, bv, 5, md_lit_str("85+")),
                        md_col("MEDICAL_AID"),
                        md_col("UPDATED_AT")};
    md_expr_free(dob);
    static const char *const names[] = {"PATIENT_KEY", "GENDER", "BIRTH_YEAR", "AGE", "AGE_BAND", "MEDICAL_AID",
                                        "UPDATED_AT"};
    static const char *const silver_keys[] = {"PATIENT_KEY"};
    hc_silver_table spec = {"patients", keys, 1, rules, 3, exprs, names, 7, silver_keys};
    rc = hc_silver_finish(ctx, &in, &spec, hc_silver_rows(&in), src, err);
  }
  md_schema_free(src);
  hc_silver_input_free(&in);
  return rc;
}
