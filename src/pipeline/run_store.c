/* run_store.c — the run history in SQLite (<home>/runs.sqlite): one row per
 * run, one per asset of a run, and the events as they happened. A re-run of
 * the same run id replaces the run and asset rows and adds its events. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/pipeline_internal.h"

struct run_store {
  sqlite3 *db;
};

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS runs(run_id TEXT PRIMARY KEY, started_at TEXT, ended_at TEXT, status TEXT,"
    " selection TEXT, config TEXT, seconds REAL);"
    "CREATE TABLE IF NOT EXISTS assets(run_id TEXT, asset TEXT, status TEXT, rows_written INTEGER,"
    " rejects INTEGER, version INTEGER, bytes INTEGER, seconds REAL, checks_failed INTEGER, error TEXT,"
    " PRIMARY KEY(run_id, asset));"
    "CREATE TABLE IF NOT EXISTS events(run_id TEXT, asset TEXT, at TEXT, event TEXT, name TEXT,"
    " value INTEGER, detail TEXT);";

static void utc_now(char *buf, size_t size) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static md_code db_error(sqlite3 *db, md_error *err, const char *what) {
  return md_error_set(err, MD_ERR_IO, "run store: %s: %s", what, db ? sqlite3_errmsg(db) : "cannot open");
}

md_code run_store_open(const char *home, run_store **out, md_error *err) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/runs.sqlite", home) >= (int)sizeof path)
    return md_error_set(err, MD_ERR_INVALID, "run store: home path too long");
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    md_code rc = md_error_set(err, MD_ERR_IO, "run store: %s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
    md_code rc = db_error(db, err, path);
    sqlite3_close(db);
    return rc;
  }
  run_store *s = malloc(sizeof *s);
  if (!s) {
    sqlite3_close(db);
    return md_error_set(err, MD_ERR_NOMEM, "run store: out of memory");
  }
  s->db = db;
  *out = s;
  return MD_OK;
}

void run_store_close(run_store *store) {
  if (!store) return;
  sqlite3_close(store->db);
  free(store);
}

/* Binds args: 's' text (may be NULL), 'i' int64, 'd' double. */
static md_code exec(run_store *s, const char *sql, const char *types, md_error *err, ...) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return db_error(s->db, err, "prepare");
  va_list ap;
  va_start(ap, err);
  for (int i = 0; types[i]; i++) {
    if (types[i] == 's') {
      const char *v = va_arg(ap, const char *);
      if (v) sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
      else sqlite3_bind_null(st, i + 1);
    } else if (types[i] == 'i') {
      sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
    } else {
      sqlite3_bind_double(st, i + 1, va_arg(ap, double));
    }
  }
  va_end(ap);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  return r == SQLITE_DONE ? MD_OK : db_error(s->db, err, "write");
}

md_code run_store_begin(run_store *s, const char *run_id, const char *selection, const char *config_json,
                        md_error *err) {
  char now[32];
  utc_now(now, sizeof now);
  return exec(s, "INSERT OR REPLACE INTO runs VALUES(?,?,NULL,'running',?,?,NULL)", "ssss", err, run_id, now,
              selection, config_json);
}

md_code run_store_event(run_store *s, const char *run_id, const char *asset, const char *event, const char *name,
                        int64_t value, const char *detail, md_error *err) {
  char now[32];
  utc_now(now, sizeof now);
  return exec(s, "INSERT INTO events VALUES(?,?,?,?,?,?,?)", "sssssis", err, run_id, asset, now, event, name, value,
              detail);
}

const char *md_asset_status_name(md_asset_status s) {
  switch (s) {
    case MD_ASSET_SUCCEEDED: return "succeeded";
    case MD_ASSET_FAILED: return "failed";
    case MD_ASSET_SKIPPED: return "skipped";
    case MD_ASSET_NOT_SELECTED: return "not selected";
    default: return "pending";
  }
}

md_code run_store_asset(run_store *s, const char *run_id, const md_asset_result *r, md_error *err) {
  return exec(s, "INSERT OR REPLACE INTO assets VALUES(?,?,?,?,?,?,?,?,?,?)", "sssiiiidis", err, run_id, r->name,
              md_asset_status_name(r->status), r->rows_written, r->rejects, r->version, r->bytes, r->seconds,
              (int64_t)r->checks_failed, r->error[0] ? r->error : NULL);
}

md_code run_store_end(run_store *s, const char *run_id, const char *status, double seconds, md_error *err) {
  char now[32];
  utc_now(now, sizeof now);
  return exec(s, "UPDATE runs SET ended_at=?, status=?, seconds=? WHERE run_id=?", "ssds", err, now, status, seconds,
              run_id);
}
