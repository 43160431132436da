/* api_runs.c — /api/runs, /api/runs/<id> and /api/checks: the run store as
 * JSON for the Runs and Checks pages. Field names are the API's contract
 * (docs/ui-api.md); they are spelled out here, never taken from the data. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "ui/ui_internal.h"

/* At most this many runs and check results per response: the pages show
 * recent history, and a response must stay small whatever the store holds. */
#define RUNS_MAX 500
#define CHECKS_MAX 5000

/* Column i as a JSON value of its SQLite type. */
static void column_json(ui_buf *b, sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: ui_json_int(b, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: ui_json_double(b, sqlite3_column_double(st, i)); break;
    case SQLITE_TEXT: ui_json_string(b, (const char *)sqlite3_column_text(st, i)); break;
    default: ui_buf_puts(b, "null"); break;
  }
}

static void field(ui_buf *b, bool *first, const char *key, sqlite3_stmt *st, int i) {
  if (!*first) ui_buf_put(b, ",", 1);
  *first = false;
  ui_json_key(b, key);
  column_json(b, st, i);
}

static bool prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, ui_response *r) {
  if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK) return true;
  ui_respond_error(r, 500, "run store: %s", sqlite3_errmsg(db));
  return false;
}

static void begin_json(ui_response *r) {
  r->status = 200;
  r->content_type = "application/json";
}

#define RUN_COLUMNS                                                                                              \
  "SELECT r.run_id, r.started_at, r.ended_at, r.seconds, r.status, r.selection, r.config,"                       \
  " (SELECT count(*) FROM assets a WHERE a.run_id = r.run_id AND a.status = 'succeeded'),"                      \
  " (SELECT count(*) FROM assets a WHERE a.run_id = r.run_id AND a.status <> 'not selected'),"                  \
  " (SELECT count(*) FROM events e WHERE e.run_id = r.run_id AND e.event = 'check' AND e.value = 0)"           \
  " FROM runs r"

static void run_object(ui_buf *b, sqlite3_stmt *st, bool with_config) {
  bool first = true;
  ui_buf_put(b, "{", 1);
  field(b, &first, "run_id", st, 0);
  field(b, &first, "started_at", st, 1);
  field(b, &first, "ended_at", st, 2);
  field(b, &first, "seconds", st, 3);
  field(b, &first, "status", st, 4);
  field(b, &first, "selection", st, 5);
  ui_buf_puts(b, ",\"mode\":");
  ui_json_string(b, ui_run_mode((const char *)sqlite3_column_text(st, 6)));
  if (with_config) field(b, &first, "config", st, 6);
  field(b, &first, "assets_succeeded", st, 7);
  field(b, &first, "assets_run", st, 8);
  field(b, &first, "checks_failed", st, 9);
  ui_buf_put(b, "}", 1);
}

void ui_api_runs(const ui_context *ctx, ui_response *r) {
  begin_json(r);
  sqlite3 *db = ui_store_open(ctx);
  ui_buf_puts(&r->body, "{\"runs\":[");
  if (db) {
    sqlite3_stmt *st = NULL;
    if (!prepare(db, RUN_COLUMNS " ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?", &st, r)) {
      sqlite3_close(db);
      return;
    }
    sqlite3_bind_int(st, 1, RUNS_MAX);
    for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
      if (n) ui_buf_put(&r->body, ",", 1);
      run_object(&r->body, st, false);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  ui_buf_puts(&r->body, "]}");
}

/* The full id of the one run whose id starts with prefix (prefix holds only
 * hex digits and '-', checked by the router, so LIKE sees no wildcard). */
static int resolve_run(sqlite3 *db, const char *prefix, char id[64]) {
  sqlite3_stmt *st = NULL;
  int matches = 0;
  if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs WHERE run_id = ?1 OR run_id LIKE ?1 || '%' LIMIT 2", -1, &st,
                         NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *v = sqlite3_column_text(st, 0);
    if (!v) continue;
    if (strcmp((const char *)v, prefix) == 0) { /* an exact match wins over longer ids */
      snprintf(id, 64, "%s", v);
      sqlite3_finalize(st);
      return 1;
    }
    if (++matches == 1) snprintf(id, 64, "%s", v);
  }
  sqlite3_finalize(st);
  return matches;
}

/* ,"<member>":[{keys[0]: column 0, ...}, ...] for the rows sql returns with
 * ?1 bound to the run id. */
static void run_rows(sqlite3 *db, const char *id, const char *member, const char *sql, const char *const *keys,
                     int num_keys, ui_buf *b) {
  sqlite3_stmt *st = NULL;
  ui_buf_printf(b, ",\"%s\":[", member);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
      bool first = true;
      ui_buf_puts(b, n ? ",{" : "{");
      for (int i = 0; i < num_keys; i++) field(b, &first, keys[i], st, i);
      ui_buf_put(b, "}", 1);
    }
  }
  sqlite3_finalize(st);
  ui_buf_put(b, "]", 1);
}

static void run_assets(sqlite3 *db, const char *id, ui_buf *b) {
  static const char *const keys[] = {"name",  "status",  "rows_written",  "rejects", "version",
                                     "bytes", "seconds", "checks_failed", "error",   "ended_at"};
  run_rows(db, id, "assets",
           "SELECT asset, status, rows_written, rejects, version, bytes, seconds, checks_failed, error,"
           " (SELECT max(at) FROM events e WHERE e.run_id = a.run_id AND e.asset = a.asset AND e.event = 'end')"
           " FROM assets a WHERE run_id = ? ORDER BY rowid",
           keys, 10, b);
}

static void run_events(sqlite3 *db, const char *id, ui_buf *b) {
  static const char *const keys[] = {"at", "asset", "event", "name", "value", "detail"};
  run_rows(db, id, "events", "SELECT at, asset, event, name, value, detail FROM events WHERE run_id = ? ORDER BY rowid",
           keys, 6, b);
}

static void run_rejects(sqlite3 *db, const char *id, ui_buf *b) {
  static const char *const keys[] = {"asset", "reason", "rows"};
  run_rows(db, id, "rejects",
           "SELECT asset, name, value FROM events WHERE run_id = ? AND event = 'rejects' ORDER BY rowid", keys, 3, b);
}

/* Check events carry the check's name, 1/0 for passed, and a detail text. */
static void check_object(ui_buf *b, sqlite3_stmt *st, int first_col, bool with_run) {
  bool first = true;
  ui_buf_put(b, "{", 1);
  if (with_run) {
    field(b, &first, "run_id", st, first_col - 2);
    field(b, &first, "run_started_at", st, first_col - 1);
  }
  field(b, &first, "asset", st, first_col);
  field(b, &first, "check", st, first_col + 1);
  ui_buf_puts(b, ",\"passed\":");
  ui_buf_puts(b, sqlite3_column_int64(st, first_col + 2) ? "true" : "false");
  field(b, &first, "detail", st, first_col + 3);
  field(b, &first, "at", st, first_col + 4);
  ui_buf_put(b, "}", 1);
}

static void run_checks(sqlite3 *db, const char *id, ui_buf *b) {
  sqlite3_stmt *st = NULL;
  ui_buf_puts(b, ",\"checks\":[");
  if (sqlite3_prepare_v2(db, "SELECT asset, name, value, detail, at FROM events WHERE run_id = ? AND event = 'check'"
                             " ORDER BY rowid",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
      if (n) ui_buf_put(b, ",", 1);
      check_object(b, st, 0, false);
    }
  }
  sqlite3_finalize(st);
  ui_buf_put(b, "]", 1);
}

void ui_api_run(const ui_context *ctx, const char *run_id, ui_response *r) {
  sqlite3 *db = ui_store_open(ctx);
  char id[64] = "";
  int matches = db ? resolve_run(db, run_id, id) : 0;
  if (matches != 1) {
    sqlite3_close(db);
    if (matches > 1) ui_respond_error(r, 404, "more than one run matches '%s'", run_id);
    else ui_respond_error(r, 404, "no run '%s'", run_id);
    return;
  }
  sqlite3_stmt *st = NULL;
  if (!prepare(db, RUN_COLUMNS " WHERE r.run_id = ?", &st, r)) {
    sqlite3_close(db);
    return;
  }
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    sqlite3_close(db);
    ui_respond_error(r, 404, "no run '%s'", run_id);
    return;
  }
  begin_json(r);
  ui_buf_puts(&r->body, "{\"run\":");
  run_object(&r->body, st, true);
  sqlite3_finalize(st);
  run_assets(db, id, &r->body);
  run_rejects(db, id, &r->body);
  run_checks(db, id, &r->body);
  run_events(db, id, &r->body);
  ui_buf_put(&r->body, "}", 1);
  sqlite3_close(db);
}

void ui_api_checks(const ui_context *ctx, ui_response *r) {
  begin_json(r);
  ui_buf_puts(&r->body, "{\"checks\":[");
  sqlite3 *db = ui_store_open(ctx);
  if (db) {
    sqlite3_stmt *st = NULL;
    /* Failures first, then the newest runs: the page leads with what is wrong. */
    if (!prepare(db,
                 "SELECT e.run_id, r.started_at, e.asset, e.name, e.value, e.detail, e.at FROM events e"
                 " LEFT JOIN runs r ON r.run_id = e.run_id WHERE e.event = 'check'"
                 " ORDER BY e.value <> 0, r.started_at DESC, e.rowid LIMIT ?",
                 &st, r)) {
      sqlite3_close(db);
      return;
    }
    sqlite3_bind_int(st, 1, CHECKS_MAX);
    for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
      if (n) ui_buf_put(&r->body, ",", 1);
      check_object(&r->body, st, 2, true);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  ui_buf_puts(&r->body, "]}");
}
