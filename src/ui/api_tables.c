/* api_tables.c — /api/tables, /api/tables/<layer>/<name>/history and .../rows:
 * the Delta tables under the home, their schema and version history (read
 * from the Delta log), rows at any version (time travel) and, for silver
 * tables, the rejects of the last runs from the run store.
 *
 * Only <home>/<layer>/<name> with a known layer and a name of letters, digits
 * and '_' is ever opened, so no request reaches outside the home. */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/delta.h"
#include "ui/ui_internal.h"

/* Rows added/removed are computed by diffing the live files of consecutive
 * snapshots, one log replay each: only for the newest versions. */
#define HISTORY_DIFF_MAX 100
#define REJECT_RUNS_MAX 10

static const char *const LAYERS[] = {"bronze", "silver", "gold"};

bool ui_layer_valid(const char *layer) {
  for (size_t i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++)
    if (strcmp(layer, LAYERS[i]) == 0) return true;
  return false;
}

bool ui_table_name_valid(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 128) return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

static bool table_path(const ui_context *ctx, const char *layer, const char *name, char *path, size_t size) {
  return snprintf(path, size, "%s/%s/%s", ctx->home, layer, name) < (int)size;
}

/* Opens the table; on failure answers 404 (not a table) or 500. */
static md_delta_table *open_table(const ui_context *ctx, const char *layer, const char *name, ui_response *r) {
  char path[4096];
  if (!table_path(ctx, layer, name, path, sizeof path) || !md_delta_is_table(path)) {
    ui_respond_error(r, 404, "no table %s/%s", layer, name);
    return NULL;
  }
  md_delta_table *t = NULL;
  md_error err;
  md_code rc = md_delta_table_open(path, &t, &err);
  if (rc) {
    ui_respond_error(r, rc == MD_ERR_NOT_FOUND ? 404 : 500, "%s/%s: %s", layer, name, err.message);
    return NULL;
  }
  return t;
}

static int64_t snapshot_rows(const md_delta_snapshot *s) {
  int64_t rows = 0;
  for (int64_t i = 0; i < md_delta_snapshot_num_files(s); i++) {
    md_delta_file_info f;
    if (md_delta_snapshot_file(s, i, &f, NULL) || f.num_records < 0) return -1;
    rows += f.num_records;
  }
  return rows;
}

void ui_api_tables(const ui_context *ctx, ui_response *r) {
  r->status = 200;
  r->content_type = "application/json";
  ui_buf_puts(&r->body, "{\"tables\":[");
  int n = 0;
  for (size_t l = 0; l < sizeof LAYERS / sizeof LAYERS[0]; l++) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", ctx->home, LAYERS[l]);
    struct dirent **names = NULL;
    int count = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < count; i++) {
      const char *name = names[i]->d_name;
      char path[4096];
      md_delta_table *t = NULL;
      md_delta_snapshot *s = NULL;
      if (ui_table_name_valid(name) && table_path(ctx, LAYERS[l], name, path, sizeof path) &&
          md_delta_is_table(path) && md_delta_table_open(path, &t, NULL) == MD_OK) {
        ui_buf_puts(&r->body, n++ ? ",{" : "{");
        ui_buf_puts(&r->body, "\"layer\":");
        ui_json_string(&r->body, LAYERS[l]);
        ui_buf_puts(&r->body, ",\"name\":");
        ui_json_string(&r->body, name);
        ui_buf_puts(&r->body, ",\"version\":");
        ui_json_int(&r->body, md_delta_table_latest_version(t));
        ui_buf_puts(&r->body, ",\"rows\":");
        if (md_delta_snapshot_at_version(t, -1, &s, NULL) == MD_OK) {
          int64_t rows = snapshot_rows(s);
          if (rows >= 0) ui_json_int(&r->body, rows);
          else ui_buf_puts(&r->body, "null");
          ui_buf_puts(&r->body, ",\"updated_at_ms\":");
          ui_json_int(&r->body, md_delta_snapshot_timestamp(s));
        } else {
          ui_buf_puts(&r->body, "null,\"updated_at_ms\":null");
        }
        ui_buf_put(&r->body, "}", 1);
      }
      md_delta_snapshot_free(s);
      md_delta_table_free(t);
      free(names[i]);
    }
    free(names);
  }
  ui_buf_puts(&r->body, "]}");
}

/* The value of a "key":"text" member in commitInfo JSON. Medallion writes run
 * ids (UUIDs) and asset names (letters, digits, '/', '_'), never escapes, so
 * the text ends at the next quote; anything else is not ours and is skipped. */
static bool commit_info_text(const char *json, const char *key, char *out, size_t size) {
  out[0] = '\0';
  if (!json) return false;
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *p = strstr(json, pattern);
  if (!p) return false;
  p += strlen(pattern);
  const char *end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= size || memchr(p, '\\', (size_t)(end - p))) return false;
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
  return true;
}

typedef struct file_rows {
  char *path;
  int64_t rows;
} file_rows;

typedef struct file_set {
  file_rows *files;
  int64_t count;
  bool known; /* every file's row count is known */
} file_set;

static void file_set_free(file_set *s) {
  for (int64_t i = 0; i < s->count; i++) free(s->files[i].path);
  free(s->files);
  *s = (file_set){0};
}

static bool file_set_load(const md_delta_table *t, int64_t version, file_set *out) {
  *out = (file_set){0};
  md_delta_snapshot *s = NULL;
  if (md_delta_snapshot_at_version(t, version, &s, NULL)) return false;
  int64_t n = md_delta_snapshot_num_files(s);
  out->files = calloc((size_t)(n ? n : 1), sizeof *out->files);
  out->known = out->files != NULL;
  for (int64_t i = 0; out->files && i < n; i++) {
    md_delta_file_info f;
    if (md_delta_snapshot_file(s, i, &f, NULL)) {
      out->known = false;
      break;
    }
    out->files[i].path = strdup(f.path);
    out->files[i].rows = f.num_records;
    out->count = i + 1;
    if (!out->files[i].path || f.num_records < 0) {
      out->known = false;
      break;
    }
  }
  md_delta_snapshot_free(s);
  return out->known;
}

/* Live files are sorted by path: a merge finds the files each side lacks. */
static void file_set_diff(const file_set *before, const file_set *after, int64_t *added, int64_t *removed) {
  *added = *removed = 0;
  int64_t i = 0, j = 0;
  while (i < before->count || j < after->count) {
    int c = i >= before->count ? 1 : j >= after->count ? -1 : strcmp(before->files[i].path, after->files[j].path);
    if (c < 0) *removed += before->files[i++].rows;
    else if (c > 0) *added += after->files[j++].rows;
    else i++, j++;
  }
}

static void schema_json(ui_buf *b, const md_delta_snapshot *s) {
  const md_schema *schema = md_delta_snapshot_schema(s);
  ui_buf_puts(b, ",\"schema\":[");
  for (int i = 0; i < md_schema_num_fields(schema); i++) {
    const md_field *f = md_schema_field(schema, i);
    char type[128];
    md_type_to_string(md_field_type(f), type, sizeof type);
    ui_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
    ui_json_string(b, md_field_name(f));
    ui_buf_puts(b, ",\"type\":");
    ui_json_string(b, type);
    ui_buf_printf(b, ",\"nullable\":%s}", md_field_nullable(f) ? "true" : "false");
  }
  ui_buf_puts(b, "],\"partition_columns\":[");
  for (int i = 0; i < md_delta_snapshot_num_partition_columns(s); i++) {
    if (i) ui_buf_put(b, ",", 1);
    ui_json_string(b, md_delta_snapshot_partition_column(s, i));
  }
  ui_buf_put(b, "]", 1);
}

static void history_json(ui_buf *b, const md_delta_table *t, const md_delta_history *h) {
  int64_t count = md_delta_history_count(h);
  ui_buf_puts(b, ",\"history\":[");
  file_set previous = {0};
  bool have_previous = false;
  int64_t diff_from = count > HISTORY_DIFF_MAX ? count - HISTORY_DIFF_MAX : 0;
  for (int64_t i = 0; i < count; i++) {
    md_delta_commit_info c;
    md_delta_history_entry(h, i, &c);
    char run_id[64], asset[256];
    commit_info_text(c.commit_info, "medallion.run_id", run_id, sizeof run_id);
    commit_info_text(c.commit_info, "medallion.asset", asset, sizeof asset);
    ui_buf_puts(b, i ? ",{\"version\":" : "{\"version\":");
    ui_json_int(b, c.version);
    ui_buf_puts(b, ",\"timestamp_ms\":");
    if (c.timestamp >= 0) ui_json_int(b, c.timestamp);
    else ui_buf_puts(b, "null");
    ui_buf_puts(b, ",\"operation\":");
    ui_json_string(b, c.operation);
    ui_buf_puts(b, ",\"run_id\":");
    ui_json_string(b, run_id[0] ? run_id : NULL);
    ui_buf_puts(b, ",\"asset\":");
    ui_json_string(b, asset[0] ? asset : NULL);
    file_set current = {0};
    bool have_current = i >= diff_from && file_set_load(t, c.version, &current);
    if (have_current && !have_previous && c.version > 0 && i > 0) /* first diffed version: load its parent */
      have_previous = file_set_load(t, c.version - 1, &previous);
    if (have_current && (have_previous || c.version == 0)) {
      int64_t added, removed, rows = 0;
      file_set_diff(&previous, &current, &added, &removed);
      for (int64_t k = 0; k < current.count; k++) rows += current.files[k].rows;
      ui_buf_printf(b, ",\"rows_added\":%lld,\"rows_removed\":%lld,\"rows\":%lld", (long long)added,
                    (long long)removed, (long long)rows);
    } else {
      ui_buf_puts(b, ",\"rows_added\":null,\"rows_removed\":null,\"rows\":null");
    }
    ui_buf_put(b, "}", 1);
    file_set_free(&previous);
    previous = current;
    have_previous = have_current;
  }
  file_set_free(&previous);
  ui_buf_put(b, "]", 1);
}

/* Silver tables: rejects by reason in each of the last runs of their asset. */
static void rejects_json(const ui_context *ctx, ui_buf *b, const char *layer, const char *name) {
  char asset[256];
  snprintf(asset, sizeof asset, "%s/%s", layer, name);
  ui_buf_puts(b, ",\"rejects_by_run\":[");
  sqlite3 *db = strcmp(layer, "silver") == 0 ? ui_store_open(ctx) : NULL;
  sqlite3_stmt *runs = NULL, *reasons = NULL;
  if (db &&
      sqlite3_prepare_v2(db,
                         "SELECT * FROM (SELECT a.run_id, r.started_at, a.rejects, r.rowid AS k FROM assets a"
                         " JOIN runs r ON r.run_id = a.run_id WHERE a.asset = ? AND a.status = 'succeeded'"
                         " ORDER BY r.started_at DESC, k DESC LIMIT ?) ORDER BY started_at, k",
                         -1, &runs, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT name, value FROM events WHERE run_id = ? AND asset = ? AND event = 'rejects'"
                             " ORDER BY rowid", -1, &reasons, NULL) == SQLITE_OK) {
    sqlite3_bind_text(runs, 1, asset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(runs, 2, REJECT_RUNS_MAX);
    for (int n = 0; sqlite3_step(runs) == SQLITE_ROW; n++) {
      const char *run_id = (const char *)sqlite3_column_text(runs, 0);
      ui_buf_puts(b, n ? ",{\"run_id\":" : "{\"run_id\":");
      ui_json_string(b, run_id);
      ui_buf_puts(b, ",\"started_at\":");
      ui_json_string(b, (const char *)sqlite3_column_text(runs, 1));
      ui_buf_puts(b, ",\"total\":");
      ui_json_int(b, sqlite3_column_int64(runs, 2));
      ui_buf_puts(b, ",\"reasons\":[");
      sqlite3_reset(reasons);
      sqlite3_bind_text(reasons, 1, run_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(reasons, 2, asset, -1, SQLITE_TRANSIENT);
      for (int k = 0; sqlite3_step(reasons) == SQLITE_ROW; k++) {
        ui_buf_puts(b, k ? ",{\"reason\":" : "{\"reason\":");
        ui_json_string(b, (const char *)sqlite3_column_text(reasons, 0));
        ui_buf_puts(b, ",\"rows\":");
        ui_json_int(b, sqlite3_column_int64(reasons, 1));
        ui_buf_put(b, "}", 1);
      }
      ui_buf_puts(b, "]}");
    }
  }
  sqlite3_finalize(runs);
  sqlite3_finalize(reasons);
  sqlite3_close(db);
  ui_buf_put(b, "]", 1);
}

static void table_header(ui_buf *b, const char *layer, const char *name) {
  ui_buf_puts(b, "{\"layer\":");
  ui_json_string(b, layer);
  ui_buf_puts(b, ",\"name\":");
  ui_json_string(b, name);
}

void ui_api_table_history(const ui_context *ctx, const char *layer, const char *name, ui_response *r) {
  md_delta_table *t = open_table(ctx, layer, name, r);
  if (!t) return;
  md_delta_snapshot *s = NULL;
  md_delta_history *h = NULL;
  md_error err;
  if (md_delta_snapshot_at_version(t, -1, &s, &err) || md_delta_table_history(t, &h, &err)) {
    ui_respond_error(r, 500, "%s/%s: %s", layer, name, err.message);
  } else {
    r->status = 200;
    r->content_type = "application/json";
    table_header(&r->body, layer, name);
    ui_buf_puts(&r->body, ",\"version\":");
    ui_json_int(&r->body, md_delta_snapshot_version(s));
    schema_json(&r->body, s);
    history_json(&r->body, t, h);
    rejects_json(ctx, &r->body, layer, name);
    ui_buf_put(&r->body, "}", 1);
  }
  md_delta_history_free(h);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}

void ui_api_table_rows(const ui_context *ctx, const char *layer, const char *name, int64_t version, int64_t limit,
                       ui_response *r) {
  md_delta_table *t = open_table(ctx, layer, name, r);
  if (!t) return;
  md_delta_snapshot *s = NULL;
  char *text = NULL;
  size_t len = 0;
  md_error err;
  int64_t latest = md_delta_table_latest_version(t);
  if (version > latest) {
    ui_respond_error(r, 404, "%s/%s has no version %lld (latest %lld)", layer, name, (long long)version,
                     (long long)latest);
  } else if (md_delta_snapshot_at_version(t, version, &s, &err)) {
    ui_respond_error(r, err.code == MD_ERR_NOT_FOUND ? 404 : 500, "%s/%s: %s", layer, name, err.message);
  } else if (md_delta_snapshot_canonical(s, &text, &len, &err)) {
    ui_respond_error(r, 500, "%s/%s: %s", layer, name, err.message);
  } else {
    r->status = 200;
    r->content_type = "application/json";
    ui_buf *b = &r->body;
    table_header(b, layer, name);
    ui_buf_puts(b, ",\"version\":");
    ui_json_int(b, md_delta_snapshot_version(s));
    ui_buf_puts(b, ",\"timestamp_ms\":");
    ui_json_int(b, md_delta_snapshot_timestamp(s));
    const md_schema *schema = md_delta_snapshot_schema(s);
    ui_buf_puts(b, ",\"columns\":[");
    for (int i = 0; i < md_schema_num_fields(schema); i++) {
      if (i) ui_buf_put(b, ",", 1);
      ui_json_string(b, md_field_name(md_schema_field(schema, i)));
    }
    /* Canonical rows: one JSON object per line, sorted, so a preview is the
     * same on every request and every engine. */
    ui_buf_puts(b, "],\"rows\":[");
    int64_t total = 0;
    for (size_t start = 0; start < len;) {
      const char *nl = memchr(text + start, '\n', len - start);
      size_t end = nl ? (size_t)(nl - text) : len;
      if (total < limit) {
        if (total) ui_buf_put(b, ",", 1);
        ui_json_raw_escaped(b, text + start, end - start);
      }
      total++;
      start = end + 1;
    }
    ui_buf_printf(b, "],\"limit\":%lld,\"total_rows\":%lld}", (long long)limit, (long long)total);
  }
  free(text);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}
