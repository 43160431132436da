/* api_assets.c — /api/assets: the asset graph (from the pipeline given to
 * md_ui_start, else the assets the run store has seen) with each asset's
 * latest status from the run store and its table's current Delta version. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/delta.h"
#include "ui/ui_internal.h"

typedef struct asset_stmts {
  sqlite3_stmt *latest, *materialized;
} asset_stmts;

static void store_fields(ui_buf *b, asset_stmts *q, const char *name) {
  static const char *const keys[] = {"run_id", "status", "rows_written", "rejects", "version", "checks_failed", "error"};
  bool found = false;
  if (q->latest) {
    sqlite3_reset(q->latest);
    sqlite3_bind_text(q->latest, 1, name, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(q->latest) == SQLITE_ROW;
  }
  ui_buf_puts(b, ",\"last_run\":");
  if (!found) {
    ui_buf_puts(b, "null");
  } else {
    ui_buf_put(b, "{", 1);
    for (int i = 0; i < 7; i++) {
      if (i) ui_buf_put(b, ",", 1);
      ui_json_key(b, keys[i]);
      switch (sqlite3_column_type(q->latest, i)) {
        case SQLITE_INTEGER: ui_json_int(b, sqlite3_column_int64(q->latest, i)); break;
        case SQLITE_TEXT: ui_json_string(b, (const char *)sqlite3_column_text(q->latest, i)); break;
        default: ui_buf_puts(b, "null"); break;
      }
    }
    ui_buf_put(b, "}", 1);
  }
  const char *at = NULL;
  if (q->materialized) {
    sqlite3_reset(q->materialized);
    sqlite3_bind_text(q->materialized, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q->materialized) == SQLITE_ROW) at = (const char *)sqlite3_column_text(q->materialized, 0);
  }
  ui_buf_puts(b, ",\"materialized_at\":");
  ui_json_string(b, at);
}

/* An asset named <layer>/<table> writes the Delta table <home>/<layer>/<table>. */
static void table_fields(const ui_context *ctx, ui_buf *b, const char *name) {
  char layer[16], table[160], path[4096];
  const char *slash = strchr(name, '/');
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  bool ok = slash && (size_t)(slash - name) < sizeof layer && strlen(slash + 1) < sizeof table;
  if (ok) {
    memcpy(layer, name, (size_t)(slash - name));
    layer[slash - name] = '\0';
    snprintf(table, sizeof table, "%s", slash + 1);
    ok = ui_layer_valid(layer) && ui_table_name_valid(table) &&
         snprintf(path, sizeof path, "%s/%s/%s", ctx->home, layer, table) < (int)sizeof path &&
         md_delta_is_table(path) && md_delta_table_open(path, &t, NULL) == MD_OK &&
         md_delta_snapshot_at_version(t, -1, &s, NULL) == MD_OK;
  }
  ui_buf_puts(b, ",\"table\":");
  if (!ok) {
    ui_buf_puts(b, "null");
  } else {
    int64_t rows = 0;
    for (int64_t i = 0; i < md_delta_snapshot_num_files(s) && rows >= 0; i++) {
      md_delta_file_info f;
      if (md_delta_snapshot_file(s, i, &f, NULL) || f.num_records < 0) rows = -1;
      else rows += f.num_records;
    }
    ui_buf_puts(b, "{\"layer\":");
    ui_json_string(b, layer);
    ui_buf_puts(b, ",\"name\":");
    ui_json_string(b, table);
    ui_buf_printf(b, ",\"version\":%lld,\"rows\":", (long long)md_delta_snapshot_version(s));
    if (rows >= 0) ui_json_int(b, rows);
    else ui_buf_puts(b, "null");
    ui_buf_puts(b, ",\"updated_at_ms\":");
    ui_json_int(b, md_delta_snapshot_timestamp(s));
    ui_buf_put(b, "}", 1);
  }
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}

static void asset_json(const ui_context *ctx, ui_buf *b, asset_stmts *q, const char *name, const char *group,
                       const char *kind, const char *const *deps, int num_deps) {
  ui_buf_puts(b, "{\"name\":");
  ui_json_string(b, name);
  ui_buf_puts(b, ",\"group\":");
  ui_json_string(b, group);
  ui_buf_puts(b, ",\"kind\":");
  ui_json_string(b, kind);
  ui_buf_puts(b, ",\"deps\":[");
  for (int i = 0; i < num_deps; i++) {
    if (i) ui_buf_put(b, ",", 1);
    ui_json_string(b, deps[i]);
  }
  ui_buf_put(b, "]", 1);
  store_fields(b, q, name);
  table_fields(ctx, b, name);
  ui_buf_put(b, "}", 1);
}

void ui_api_assets(const ui_context *ctx, ui_response *r) {
  sqlite3 *db = ui_store_open(ctx);
  asset_stmts q = {0};
  if (db) {
    sqlite3_prepare_v2(db,
                       "SELECT a.run_id, a.status, a.rows_written, a.rejects, a.version, a.checks_failed, a.error"
                       " FROM assets a JOIN runs r ON r.run_id = a.run_id"
                       " WHERE a.asset = ? AND a.status <> 'not selected'"
                       " ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1",
                       -1, &q.latest, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT max(e.at) FROM events e WHERE e.asset = ? AND e.event = 'end'"
                       " AND e.name = 'succeeded'",
                       -1, &q.materialized, NULL);
  }
  r->status = 200;
  r->content_type = "application/json";
  ui_buf *b = &r->body;
  ui_buf_puts(b, "{\"source\":");
  ui_json_string(b, ctx->pipeline ? "pipeline" : "run_store");
  ui_buf_puts(b, ",\"assets\":[");
  if (ctx->pipeline) {
    for (int i = 0; i < md_pipeline_num_assets(ctx->pipeline); i++) {
      const md_asset_def *d = md_pipeline_asset(ctx->pipeline, i);
      if (i) ui_buf_put(b, ",", 1);
      asset_json(ctx, b, &q, d->name, d->group, d->kind, d->deps, d->num_deps);
    }
  } else if (db) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT asset FROM assets ORDER BY asset", -1, &st, NULL) == SQLITE_OK) {
      for (int n = 0; sqlite3_step(st) == SQLITE_ROW;) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name) continue;
        char group[32] = "";
        const char *slash = strchr(name, '/');
        if (slash && (size_t)(slash - name) < sizeof group) snprintf(group, sizeof group, "%.*s", (int)(slash - name), name);
        if (n++) ui_buf_put(b, ",", 1);
        asset_json(ctx, b, &q, name, group, NULL, NULL, 0);
      }
    }
    sqlite3_finalize(st);
  }
  ui_buf_puts(b, "]}");
  sqlite3_finalize(q.latest);
  sqlite3_finalize(q.materialized);
  sqlite3_close(db);
}
