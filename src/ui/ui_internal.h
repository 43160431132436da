/* ui_internal.h — what the ui module's files share: a growable text buffer
 * with a JSON writer, the response a handler fills, and the handlers the
 * router dispatches to. Not installed. */
#ifndef MEDALLION_UI_INTERNAL_H
#define MEDALLION_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medallion/ui.h"

/* ------------------------------------------------------------- ui_buf.c */

typedef struct ui_buf {
  char *data;
  size_t len, cap;
  bool failed; /* an allocation failed: the content is incomplete */
} ui_buf;

void ui_buf_free(ui_buf *b);
void ui_buf_put(ui_buf *b, const char *bytes, size_t n);
void ui_buf_puts(ui_buf *b, const char *s);
void ui_buf_printf(ui_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON values. Strings are escaped so that the output is valid JSON and holds
 * no raw '<', '>' or '&' (written as \u003c ...), so a response can never be
 * read as markup whatever the data says. NULL strings are written as null. */
void ui_json_string(ui_buf *b, const char *s);
void ui_json_key(ui_buf *b, const char *key); /* "key": (after a ',' when needed: see ui_json_sep) */
void ui_json_int(ui_buf *b, int64_t v);
void ui_json_double(ui_buf *b, double v);
/* Copies JSON text written by a trusted encoder (the Delta canonical rows),
 * replacing '<', '>' and '&' (which can only occur inside its strings) by
 * their \u escapes. */
void ui_json_raw_escaped(ui_buf *b, const char *json, size_t n);

/* ---------------------------------------------------------- responses */

typedef struct ui_response {
  int status;               /* HTTP status */
  const char *content_type; /* static string */
  ui_buf body;
  const unsigned char *static_body; /* instead of body, for compiled-in assets */
  size_t static_len;
} ui_response;

/* Sets a JSON error body {"error":{"status":N,"message":"..."}}. */
void ui_respond_error(ui_response *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What every handler needs: the server's immutable settings. */
typedef struct ui_context {
  char *home;
  const md_pipeline *pipeline;
} ui_context;

/* Query parameter lookup, supplied by the HTTP layer: value or NULL. */
typedef const char *(*ui_query_fn)(void *query_ctx, const char *name);

/* router.c: answer GET <path>. */
void ui_route(const ui_context *ctx, const char *path, ui_query_fn query, void *query_ctx, ui_response *r);

/* api_runs.c */
void ui_api_runs(const ui_context *ctx, ui_response *r);
void ui_api_run(const ui_context *ctx, const char *run_id, ui_response *r);
void ui_api_checks(const ui_context *ctx, ui_response *r);
/* api_assets.c */
void ui_api_assets(const ui_context *ctx, ui_response *r);
/* api_tables.c; layer and name are already validated (see ui_table_name_valid). */
void ui_api_tables(const ui_context *ctx, ui_response *r);
void ui_api_table_history(const ui_context *ctx, const char *layer, const char *name, ui_response *r);
void ui_api_table_rows(const ui_context *ctx, const char *layer, const char *name, int64_t version, int64_t limit,
                       ui_response *r);
bool ui_layer_valid(const char *layer);
bool ui_table_name_valid(const char *name);

/* store.c: the run store opened read-only; NULL (and no error) when there is
 * none yet. */
struct sqlite3;
struct sqlite3 *ui_store_open(const ui_context *ctx);
/* "incremental" when the run's config says so, else "full". */
const char *ui_run_mode(const char *config_json);

/* assets_data.c (generated from src/ui/assets/ at build time). */
typedef struct ui_static_file {
  const char *path; /* "/app.js" */
  const char *content_type;
  const unsigned char *data;
  size_t size;
} ui_static_file;
const ui_static_file *ui_static_lookup(const char *path);

#endif
