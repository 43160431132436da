/* hc_restore.c — putting a table back to an earlier version when the asset
 * that advanced it fails later on (an asset with two tables, such as a silver
 * table and its rejects, must not leave one of them half-way: PIPELINE.md's
 * "a failed asset leaves its table at its previous version").
 *
 * The earlier version's rows are read and committed again as an overwrite.
 * That commit deliberately carries no medallion.run_id: a retry of the same
 * run must write the table again, not take it as already written. */
#include <stdio.h>

#include "hc_internal.h"

md_code hc_restore(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, int64_t version,
                   md_error *err) {
  char path[HC_PATH_MAX];
  md_code rc = hc_path(cfg, layer, name, path, err);
  char table[HC_PATH_MAX];
  snprintf(table, sizeof table, "%s/%s", layer, name);
  if (rc || version < 0 || hc_table_version(cfg, table) == version) return rc;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_plan *plan = NULL;
  md_batch *rows = NULL;
  md_metadata *meta = md_metadata_new();
  if (!meta) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, version, &s, err);
  if (rc == MD_OK) rc = md_plan_scan_delta(s, &plan, err);
  md_exec_options one = {.threads = 1};
  if (rc == MD_OK) rc = md_plan_collect(plan, &one, &rows, err);
  char from[32];
  snprintf(from, sizeof from, "%lld", (long long)version);
  if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.restored_version", from, err);
  if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.asset", md_asset_ctx_asset(ctx), err);
  const char *parts[8];
  int num_parts = s ? md_delta_snapshot_num_partition_columns(s) : 0;
  if (num_parts > 8) num_parts = 8;
  for (int i = 0; i < num_parts; i++) parts[i] = md_delta_snapshot_partition_column(s, i);
  md_delta_write_options opts = {.mode = MD_DELTA_OVERWRITE, .commit_metadata = meta,
                                 .partition_by = num_parts ? parts : NULL, .num_partition_by = num_parts};
  if (rc == MD_OK) rc = md_delta_write(path, &rows, 1, &opts, NULL, err);
  if (rc == MD_OK) {
    char note[HC_PATH_MAX + 96];
    snprintf(note, sizeof note, "%s/%s restored to the rows of version %lld (the asset failed)", layer, name,
             (long long)version);
    md_asset_ctx_note(ctx, note);
  }
  md_batch_free(rows);
  md_plan_free(plan);
  md_metadata_free(meta);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  if (rc) md_error_context(err, "restoring %s/%s to version %lld", layer, name, (long long)version);
  return rc;
}
