/* diff_table.c — loading a table for `medallion diff` (see diff_table.h).
 *
 * Delta and Parquet go through the compute engine's scans; SQLite through its
 * C library; DuckDB is asked (through the dlopen'ed libduckdb of the export
 * module) to copy the table into a temporary Parquet file, which we then read
 * like any other, so DECIMAL and DATE keep their types. */
#include "cli/diff_table.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/json_render.h"
#include "cli/text_buf.h"
#include "medallion/export.h"
#include "medallion/medallion.h"

static char *dup_bytes(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* Sets columns (the names not starting with '_') and the cell array. */
static bool table_init(diff_table *t, int n, const char *const *names, int64_t rows, int *kept, char *message,
                       size_t size) {
  t->names = calloc((size_t)n + 1, sizeof *t->names);
  if (!t->names) goto nomem;
  for (int i = 0; i < n; i++) {
    kept[i] = names[i][0] != '_';
    if (kept[i] && !(t->names[t->num_columns++] = strdup(names[i]))) goto nomem;
  }
  t->num_rows = rows;
  t->cells = calloc((size_t)(rows * t->num_columns) + 1, sizeof *t->cells);
  if (!t->cells) goto nomem;
  return true;
nomem:
  snprintf(message, size, "out of memory");
  return false;
}

static bool set_text(diff_cell *c, const char *s, size_t n) {
  c->kind = DIFF_TEXT;
  c->text = dup_bytes(s, n);
  return c->text != NULL;
}

static bool set_float(diff_cell *c, double v) {
  char buf[JSON_SCALAR_MAX];
  size_t n = json_format_double(v, buf);
  c->kind = DIFF_FLOAT;
  c->number = v;
  c->text = dup_bytes(buf, n);
  return c->text != NULL;
}

static bool from_batch(md_batch *batch, diff_table *t, char *message, size_t size) {
  const md_schema *schema = md_batch_schema(batch);
  int n = md_schema_num_fields(schema);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  int *kept = calloc((size_t)n + 1, sizeof *kept);
  bool ok = names && kept;
  for (int i = 0; ok && i < n; i++) names[i] = md_field_name(md_schema_field(schema, i));
  ok = ok && table_init(t, n, names, md_batch_num_rows(batch), kept, message, size);
  text_buf buf = {0};
  for (int i = 0, out = 0; ok && i < n; i++) {
    if (!kept[i]) continue;
    const md_field *field = md_schema_field(schema, i);
    const md_column *col = md_batch_column(batch, i);
    md_type_id id = md_column_type(col).id;
    for (int64_t r = 0; ok && r < t->num_rows; r++) {
      diff_cell *c = &t->cells[r * t->num_columns + out];
      if (md_column_is_null(col, r)) continue;
      if (id == MD_TYPE_FLOAT64 || id == MD_TYPE_FLOAT32) {
        double v = id == MD_TYPE_FLOAT64 ? ((const double *)md_column_values(col))[r]
                                         : ((const float *)md_column_values(col))[r];
        ok = set_float(c, v);
      } else if (id == MD_TYPE_UTF8) {
        const int32_t *off = md_column_offsets(col);
        ok = set_text(c, (const char *)md_column_data(col) + off[r], (size_t)(off[r + 1] - off[r]));
      } else {
        md_error err;
        text_buf_clear(&buf);
        if (json_render_value(&buf, field, col, r, &err)) {
          snprintf(message, size, "column %s: %s", md_field_name(field), err.message);
          ok = false;
          break;
        }
        /* Decimals, dates and timestamps render as JSON strings without escapes. */
        const char *s = buf.data;
        size_t len = buf.length;
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
          s++;
          len -= 2;
        }
        ok = !buf.failed && set_text(c, s, len);
      }
      if (!ok && !message[0]) snprintf(message, size, "out of memory");
    }
    out++;
  }
  text_buf_free(&buf);
  free(names);
  free(kept);
  return ok;
}

static bool from_plan(md_code rc, md_plan *plan, const md_error *err, diff_table *t, char *message, size_t size) {
  md_error e = *err;
  md_batch *batch = NULL;
  if (rc == MD_OK) rc = md_plan_collect(plan, NULL, &batch, &e);
  md_plan_free(plan);
  if (rc) {
    snprintf(message, size, "%s", e.message);
    return false;
  }
  bool ok = from_batch(batch, t, message, size);
  md_batch_free(batch);
  return ok;
}

static bool load_delta(const char *path, diff_table *t, char *message, size_t size) {
  md_error err;
  md_error_clear(&err);
  md_delta_table *table = NULL;
  md_delta_snapshot *snap = NULL;
  md_plan *plan = NULL;
  md_code rc = md_delta_table_open(path, &table, &err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, -1, &snap, &err);
  if (rc == MD_OK) rc = md_plan_scan_delta(snap, &plan, &err);
  bool ok = from_plan(rc, plan, &err, t, message, size);
  md_delta_snapshot_free(snap);
  md_delta_table_free(table);
  return ok;
}

static bool load_parquet(const char *path, diff_table *t, char *message, size_t size) {
  md_error err;
  md_error_clear(&err);
  md_plan *plan = NULL;
  md_code rc = md_plan_scan_parquet(&path, 1, &plan, &err);
  return from_plan(rc, plan, &err, t, message, size);
}

static bool load_sqlite(const char *path, const char *table, diff_table *t, char *message, size_t size) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  bool ok = false;
  char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", table);
  char *count_sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
  int64_t rows = 0;
  if (!sql || !count_sql) {
    snprintf(message, size, "out of memory");
    goto done;
  }
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, count_sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
    snprintf(message, size, "%s: table %s: %s", path, table, db ? sqlite3_errmsg(db) : "cannot open");
    goto done;
  }
  rows = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(message, size, "%s: table %s: %s", path, table, sqlite3_errmsg(db));
    goto done;
  }
  int n = sqlite3_column_count(st);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  int *kept = calloc((size_t)n + 1, sizeof *kept);
  ok = names && kept;
  for (int i = 0; ok && i < n; i++) names[i] = sqlite3_column_name(st, i);
  ok = ok && table_init(t, n, names, rows, kept, message, size);
  int64_t r = 0;
  int step = SQLITE_ROW;
  for (; ok && (step = sqlite3_step(st)) == SQLITE_ROW && r < rows; r++) {
    for (int i = 0, out = 0; ok && i < n; i++) {
      if (!kept[i]) continue;
      diff_cell *c = &t->cells[r * t->num_columns + out++];
      int type = sqlite3_column_type(st, i);
      if (type == SQLITE_FLOAT) ok = set_float(c, sqlite3_column_double(st, i));
      else if (type != SQLITE_NULL)
        ok = set_text(c, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
      if (!ok) snprintf(message, size, "out of memory");
    }
  }
  if (ok && (r != rows || (step != SQLITE_DONE && step != SQLITE_ROW))) {
    snprintf(message, size, "%s: table %s: changed while being read", path, table);
    ok = false;
  }
  free(names);
  free(kept);
done:
  sqlite3_finalize(st);
  sqlite3_close(db);
  sqlite3_free(sql);
  sqlite3_free(count_sql);
  return ok;
}

static bool load_duckdb(const char *path, const char *table, const char *libduckdb, diff_table *t, char *message,
                        size_t size) {
  char tmp[] = "/tmp/medallion-diff-XXXXXX";
  int fd = mkstemp(tmp);
  if (fd < 0) {
    snprintf(message, size, "cannot create a temporary file");
    return false;
  }
  close(fd);
  md_error err;
  bool ok = md_duckdb_copy_to_parquet(path, table, libduckdb, tmp, &err) == MD_OK;
  if (!ok) snprintf(message, size, "%s", err.message);
  else ok = load_parquet(tmp, t, message, size);
  unlink(tmp);
  return ok;
}

/* The first bytes of path: "SQLite format 3\0", DuckDB's "DUCK" at offset 8, "PAR1". */
typedef enum file_kind { FILE_UNKNOWN, FILE_SQLITE, FILE_DUCKDB, FILE_PARQUET } file_kind;

static file_kind sniff(const char *path) {
  unsigned char head[16] = {0};
  FILE *f = fopen(path, "rb");
  if (!f) return FILE_UNKNOWN;
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  if (n >= 16 && memcmp(head, "SQLite format 3", 16) == 0) return FILE_SQLITE;
  if (n >= 12 && memcmp(head + 8, "DUCK", 4) == 0) return FILE_DUCKDB;
  if (n >= 4 && memcmp(head, "PAR1", 4) == 0) return FILE_PARQUET;
  return FILE_UNKNOWN;
}

bool diff_table_load(const char *spec, const char *libduckdb, diff_table *out, char *message, size_t size) {
  memset(out, 0, sizeof *out);
  message[0] = '\0';
  bool ok;
  if (md_delta_is_table(spec)) {
    ok = load_delta(spec, out, message, size);
  } else if (sniff(spec) == FILE_PARQUET) {
    ok = load_parquet(spec, out, message, size);
  } else {
    const char *colon = strrchr(spec, ':');
    char *file = colon ? dup_bytes(spec, (size_t)(colon - spec)) : NULL;
    file_kind kind = file ? sniff(file) : FILE_UNKNOWN;
    if (kind == FILE_SQLITE) ok = load_sqlite(file, colon + 1, out, message, size);
    else if (kind == FILE_DUCKDB) ok = load_duckdb(file, colon + 1, libduckdb, out, message, size);
    else {
      snprintf(message, size, "%s: not a Delta table, a Parquet file, FILE.sqlite:TABLE or FILE.duckdb:TABLE", spec);
      ok = false;
    }
    free(file);
  }
  if (!ok) diff_table_free(out);
  return ok;
}

void diff_table_free(diff_table *t) {
  if (!t) return;
  for (int64_t i = 0; t->cells && i < t->num_rows * t->num_columns; i++) free(t->cells[i].text);
  for (int i = 0; t->names && i < t->num_columns; i++) free(t->names[i]);
  free(t->cells);
  free(t->names);
  memset(t, 0, sizeof *t);
}
