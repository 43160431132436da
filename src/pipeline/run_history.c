/* run_history.c — reading the run store back for `medallion runs` and
 * `medallion runs show ID`, as text. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/pipeline.h"

typedef struct text {
  char *buf;
  size_t len, cap;
  bool failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
  if (t->failed) return;
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0) return;
  if (t->len + (size_t)need + 1 > t->cap) {
    size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)need;
    char *b = realloc(t->buf, cap);
    if (!b) {
      t->failed = true;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)need;
}

static md_code open_store(const char *home, sqlite3 **db, md_error *err) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/runs.sqlite", home) >= (int)sizeof path)
    return md_error_set(err, MD_ERR_INVALID, "runs: home path too long");
  if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(*db);
    return md_error_set(err, MD_ERR_NOT_FOUND, "runs: %s: no run store (no run yet?)", path);
  }
  return MD_OK;
}

static const char *col(sqlite3_stmt *st, int i) {
  const unsigned char *v = sqlite3_column_text(st, i);
  return v ? (const char *)v : "-";
}

static md_code finish(text *t, sqlite3 *db, char **out, md_error *err) {
  sqlite3_close(db);
  if (t->failed || !t->buf) {
    free(t->buf);
    if (t->failed) return md_error_set(err, MD_ERR_NOMEM, "runs: out of memory");
    *out = calloc(1, 1);
    return *out ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "runs: out of memory");
  }
  *out = t->buf;
  return MD_OK;
}

md_code md_runs_list(const char *home, int limit, char **out_text, md_error *err) {
  sqlite3 *db = NULL;
  md_code rc = open_store(home, &db, err);
  if (rc) return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT run_id, started_at, status, printf('%.1f', seconds), selection,"
                         " (SELECT count(*) FROM assets a WHERE a.run_id = r.run_id AND a.status = 'succeeded'),"
                         " (SELECT count(*) FROM assets a WHERE a.run_id = r.run_id AND a.status <> 'not selected')"
                         " FROM runs r ORDER BY started_at DESC, rowid DESC LIMIT ?",
                         -1, &st, NULL) != SQLITE_OK) {
    rc = md_error_set(err, MD_ERR_IO, "runs: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
  }
  sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
  text t = {0};
  put(&t, "%-36s  %-20s  %-9s  %8s  %7s  %s\n", "RUN", "STARTED", "STATUS", "SECONDS", "ASSETS", "SELECTION");
  while (sqlite3_step(st) == SQLITE_ROW)
    put(&t, "%-36s  %-20s  %-9s  %8s  %3d/%-3d  %s\n", col(st, 0), col(st, 1), col(st, 2), col(st, 3),
        sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), col(st, 4));
  sqlite3_finalize(st);
  return finish(&t, db, out_text, err);
}

md_code md_runs_show(const char *home, const char *run_id, char **out_text, md_error *err) {
  sqlite3 *db = NULL;
  md_code rc = open_store(home, &db, err);
  if (rc) return rc;
  sqlite3_stmt *st = NULL;
  char id[64] = "";
  int matches = 0;
  if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs WHERE run_id LIKE ? || '%'", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
      if (++matches == 1) snprintf(id, sizeof id, "%s", col(st, 0));
    }
  }
  sqlite3_finalize(st);
  if (matches != 1) {
    sqlite3_close(db);
    return md_error_set(err, MD_ERR_NOT_FOUND, "runs: %s run matches '%s'", matches ? "more than one" : "no",
                        run_id);
  }
  text t = {0};
  sqlite3_prepare_v2(db, "SELECT started_at, ended_at, status, printf('%.2f', seconds), selection, config"
                         " FROM runs WHERE run_id = ?", -1, &st, NULL);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW)
    put(&t, "run       %s\nstatus    %s\nstarted   %s\nended     %s\nseconds   %s\nselection %s\nconfig    %s\n\n",
        id, col(st, 2), col(st, 0), col(st, 1), col(st, 3), col(st, 4), col(st, 5));
  sqlite3_finalize(st);
  put(&t, "%-32s %-12s %10s %8s %8s %12s %8s  %s\n", "ASSET", "STATUS", "ROWS", "REJECTS", "VERSION", "BYTES",
      "SECONDS", "ERROR");
  sqlite3_prepare_v2(db, "SELECT asset, status, rows_written, rejects, version, bytes, printf('%.2f', seconds), error"
                         " FROM assets WHERE run_id = ? AND status <> 'not selected' ORDER BY rowid", -1, &st, NULL);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW)
    put(&t, "%-32s %-12s %10s %8s %8s %12s %8s  %s\n", col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
        col(st, 5), col(st, 6), sqlite3_column_type(st, 7) == SQLITE_NULL ? "" : col(st, 7));
  sqlite3_finalize(st);
  put(&t, "\nevents:\n");
  sqlite3_prepare_v2(db, "SELECT at, asset, event, name, value, detail FROM events WHERE run_id = ?"
                         " AND event NOT IN ('start','rows_written','bytes','table_version') ORDER BY rowid", -1, &st, NULL);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *ev = col(st, 2);
    if (strcmp(ev, "check") == 0)
      put(&t, "  %s %-28s check %-36s %s %s\n", col(st, 0), col(st, 1), col(st, 3),
          sqlite3_column_int64(st, 4) ? "passed" : "FAILED", sqlite3_column_type(st, 5) == SQLITE_NULL ? "" : col(st, 5));
    else if (strcmp(ev, "rejects") == 0)
      put(&t, "  %s %-28s rejects %-34s %lld\n", col(st, 0), col(st, 1), col(st, 3),
          (long long)sqlite3_column_int64(st, 4));
    else
      put(&t, "  %s %-28s %s %s %s\n", col(st, 0), col(st, 1), ev,
          sqlite3_column_type(st, 3) == SQLITE_NULL ? "" : col(st, 3),
          sqlite3_column_type(st, 5) == SQLITE_NULL ? "" : col(st, 5));
  }
  sqlite3_finalize(st);
  return finish(&t, db, out_text, err);
}
