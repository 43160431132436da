/* router.c — map a GET path to a handler: the compiled-in pages and the JSON
 * API (docs/ui-api.md). Paths are split into segments and every segment is
 * checked before anything is opened: ".", "..", empty segments and names
 * outside [A-Za-z0-9_] are 404, so a request cannot name a file outside the
 * home. Malformed query parameters are 400. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_internal.h"

#define MAX_SEGMENTS 8
#define MAX_SEGMENT 128
#define ROWS_LIMIT_DEFAULT 50
#define ROWS_LIMIT_MAX 1000

/* Splits "/a/b/c" into segments; false for anything unusual. */
static bool split_path(const char *path, char seg[MAX_SEGMENTS][MAX_SEGMENT + 1], int *count) {
  *count = 0;
  if (path[0] != '/') return false;
  const char *p = path + 1;
  if (!*p) return true;
  while (*p) {
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 0 || n > MAX_SEGMENT || *count == MAX_SEGMENTS) return false;
    memcpy(seg[*count], p, n);
    seg[*count][n] = '\0';
    if (strcmp(seg[*count], ".") == 0 || strcmp(seg[*count], "..") == 0 || memchr(p, '\\', n)) return false;
    (*count)++;
    p += n;
    if (*p == '/') {
      p++;
      if (!*p) return false; /* trailing slash */
    }
  }
  return true;
}

/* A non-negative decimal integer <= max; false for anything else ("", "-1",
 * "1e3", "12abc", overflow). */
static bool parse_count(const char *text, int64_t max, int64_t *out) {
  if (!text || !*text || strlen(text) > 18) return false;
  for (const char *c = text; *c; c++)
    if (*c < '0' || *c > '9') return false;
  errno = 0;
  long long v = strtoll(text, NULL, 10);
  if (errno || v > max) return false;
  *out = v;
  return true;
}

static bool run_id_valid(const char *id) {
  size_t n = strlen(id);
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-')) return false;
  }
  return true;
}

static void table_route(const ui_context *ctx, char seg[MAX_SEGMENTS][MAX_SEGMENT + 1], ui_query_fn query,
                        void *query_ctx, ui_response *r) {
  const char *layer = seg[2], *name = seg[3], *what = seg[4];
  if (!ui_layer_valid(layer) || !ui_table_name_valid(name)) {
    ui_respond_error(r, 404, "no such table");
    return;
  }
  if (strcmp(what, "history") == 0) {
    ui_api_table_history(ctx, layer, name, r);
    return;
  }
  if (strcmp(what, "rows") != 0) {
    ui_respond_error(r, 404, "not found");
    return;
  }
  const char *version_text = query(query_ctx, "version");
  const char *limit_text = query(query_ctx, "limit");
  int64_t version = -1, limit = ROWS_LIMIT_DEFAULT;
  if (version_text && !parse_count(version_text, INT64_MAX / 2, &version)) {
    ui_respond_error(r, 400, "version must be a non-negative integer");
    return;
  }
  if (limit_text && (!parse_count(limit_text, ROWS_LIMIT_MAX, &limit) || limit < 1)) {
    ui_respond_error(r, 400, "limit must be an integer from 1 to %d", ROWS_LIMIT_MAX);
    return;
  }
  ui_api_table_rows(ctx, layer, name, version, limit, r);
}

void ui_route(const ui_context *ctx, const char *path, ui_query_fn query, void *query_ctx, ui_response *r) {
  char seg[MAX_SEGMENTS][MAX_SEGMENT + 1];
  int n = 0;
  if (!split_path(path, seg, &n)) {
    ui_respond_error(r, 404, "not found");
    return;
  }
  if (n == 0 || (n == 1 && strcmp(seg[0], "api") != 0)) {
    const ui_static_file *f = ui_static_lookup(n == 0 ? "/index.html" : path);
    if (!f) {
      ui_respond_error(r, 404, "not found");
      return;
    }
    r->status = 200;
    r->content_type = f->content_type;
    r->static_body = f->data;
    r->static_len = f->size;
    return;
  }
  if (strcmp(seg[0], "api") != 0 || n < 2) {
    ui_respond_error(r, 404, "not found");
    return;
  }
  const char *what = seg[1];
  if (n == 2 && strcmp(what, "assets") == 0) ui_api_assets(ctx, r);
  else if (n == 2 && strcmp(what, "runs") == 0) ui_api_runs(ctx, r);
  else if (n == 3 && strcmp(what, "runs") == 0 && run_id_valid(seg[2])) ui_api_run(ctx, seg[2], r);
  else if (n == 2 && strcmp(what, "checks") == 0) ui_api_checks(ctx, r);
  else if (n == 2 && strcmp(what, "tables") == 0) ui_api_tables(ctx, r);
  else if (n == 5 && strcmp(what, "tables") == 0) table_route(ctx, seg, query, query_ctx, r);
  else ui_respond_error(r, 404, "not found");
}
