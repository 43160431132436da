/* silver_reference.c — silver/tariff_codes and silver/pmb_conditions: the
 * reference tables normalised like every table (§3 step 1); a null code is
 * ignored and a duplicate code keeps its later source row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"

static md_code silver_reference(md_asset_ctx *ctx, const hc_config *cfg, const char *table, const char *code,
                                md_error *err) {
  char bronze_name[128];
  snprintf(bronze_name, sizeof bronze_name, "%s_raw", table);
  md_batch *bronze = NULL, *norm = NULL, *out = NULL;
  md_schema *cols = NULL;
  md_code rc = hc_read(ctx, cfg, "bronze", bronze_name, &bronze, err);
  if (rc == MD_OK) rc = hc_collect(hc_normalise(bronze), &norm, err);
  if (rc == MD_OK && !(cols = hc_source_columns(md_batch_schema(norm))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    /* keep-latest with a constant order column: every tie goes to the later row. */
    int n = md_schema_num_fields(cols);
    md_expr *e[34];
    const char *names[34];
    if (n > 32) n = 32;
    for (int i = 0; i < n; i++) {
      names[i] = md_field_name(md_schema_field(cols, i));
      e[i] = md_col(names[i]);
    }
    e[n] = md_lit_int(0);
    names[n] = "_order";
    md_plan *p = md_plan_project(md_plan_filter(hc_scan(norm), md_is_not_null(md_col(code))), e, names, n + 1);
    p = md_plan_keep_latest(p, &code, 1, "_order");
    for (int i = 0; i < n; i++) e[i] = md_col(names[i]);
    e[n] = md_lit_str(md_asset_ctx_run_id(ctx));
    names[n] = "_run_id";
    rc = hc_collect(md_plan_project(p, e, names, n + 1), &out, err);
  }
  if (rc == MD_OK && cfg->incremental) {
    /* An unchanged reference table keeps its version, so the silver tables
     * that look codes up in it see no change. */
    char path[HC_PATH_MAX];
    md_batch *old = NULL;
    if (hc_path(cfg, "silver", table, path, NULL) == MD_OK && md_delta_is_table(path) &&
        hc_read_table(path, &old, NULL, NULL) == MD_OK && hc_same_rows(old, out)) {
      md_batch_free(out);
      out = NULL;
    }
    md_batch_free(old);
  }
  if (rc == MD_OK) rc = hc_write_with(ctx, cfg, "silver", table, out, NULL, err);
  md_schema_free(cols);
  md_batch_free(bronze);
  md_batch_free(norm);
  md_batch_free(out);
  return rc;
}

md_code hc_silver_tariffs(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_pmb(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_tariffs(md_asset_ctx *ctx, void *res, md_error *err) {
  return silver_reference(ctx, res, "tariff_codes", "TARIFF_CODE", err);
}
md_code hc_silver_pmb(md_asset_ctx *ctx, void *res, md_error *err) {
  return silver_reference(ctx, res, "pmb_conditions", "ICD10_CODE", err);
}
