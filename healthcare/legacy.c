/* legacy.c — the legacy-compatible outputs (§5): every gold table, prefixed
 * gold_, into <home>/legacy/medallion.sqlite and <home>/legacy/medallion.duckdb.
 * Without libduckdb the SQLite file is still written and the run succeeds; the
 * skip and its reason are recorded as a note. */
#include <stdio.h>
#include <sys/stat.h>

#include "hc_internal.h"
#include "medallion/export.h"

static const char *const GOLD[] = {"grouped_billing", "pmb_geriatric", "outstanding_balances", "monthly_revenue"};

md_code hc_legacy_outputs(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_legacy_outputs(md_asset_ctx *ctx, void *res, md_error *err) {
  hc_config *cfg = res;
  md_batch *batches[4] = {0};
  md_export_table tables[4];
  char names[4][64];
  int64_t rows = 0;
  md_code rc = MD_OK;
  for (int i = 0; rc == MD_OK && i < 4; i++) {
    rc = hc_read(ctx, cfg, "gold", GOLD[i], &batches[i], err);
    snprintf(names[i], sizeof names[i], "gold_%s", GOLD[i]);
    tables[i] = (md_export_table){names[i], batches[i]};
    if (rc == MD_OK) rows += md_batch_num_rows(batches[i]);
  }
  char dir[HC_PATH_MAX], sqlite_path[HC_PATH_MAX + 32], duck_path[HC_PATH_MAX + 32];
  if (rc == MD_OK) rc = hc_path(cfg, "legacy", "", dir, err);
  if (rc == MD_OK) {
    mkdir(dir, 0777);
    snprintf(sqlite_path, sizeof sqlite_path, "%smedallion.sqlite", dir);
    snprintf(duck_path, sizeof duck_path, "%smedallion.duckdb", dir);
    rc = md_export_sqlite(sqlite_path, tables, 4, err);
  }
  if (rc == MD_OK) {
    md_error derr;
    md_error_clear(&derr);
    md_code drc = md_export_duckdb(duck_path, cfg->libduckdb, tables, 4, &derr);
    if (drc == MD_ERR_NOT_FOUND) {
      snprintf(cfg->duckdb_skipped, sizeof cfg->duckdb_skipped, "DuckDB output skipped: %s", derr.message);
      md_asset_ctx_note(ctx, cfg->duckdb_skipped);
      md_asset_ctx_check(ctx, "duckdb_output_written", true, cfg->duckdb_skipped);
    } else if (drc) {
      if (err) *err = derr;
      rc = drc;
    }
  }
  if (rc == MD_OK) md_asset_ctx_rows(ctx, rows);
  for (int i = 0; i < 4; i++) md_batch_free(batches[i]);
  return rc;
}
