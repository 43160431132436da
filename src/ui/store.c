/* store.c — the run store (<home>/runs.sqlite, written by src/pipeline/run_store.c)
 * opened read-only for the UI, one connection per request so request threads
 * share nothing. The schema read here is run_store.c's: runs(run_id,
 * started_at, ended_at, status, selection, config, seconds), assets(run_id,
 * asset, status, rows_written, rejects, version, bytes, seconds, checks_failed,
 * error) and events(run_id, asset, at, event, name, value, detail). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "ui/ui_internal.h"

sqlite3 *ui_store_open(const ui_context *ctx) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/runs.sqlite", ctx->home) >= (int)sizeof path) return NULL;
  sqlite3 *db = NULL;
  /* READONLY: the UI must never create or change the store; a missing file
   * fails here instead of being created. */
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, 2000);
  return db;
}

const char *ui_run_mode(const char *config_json) {
  if (!config_json) return "full";
  /* The run records its configuration as a flat JSON object; an incremental
   * run says "incremental":true or "mode":"incremental". */
  if (strstr(config_json, "\"incremental\":true") || strstr(config_json, "\"mode\":\"incremental\""))
    return "incremental";
  return "full";
}
