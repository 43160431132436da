/* duckdb_out.c — gold tables into a DuckDB database file through libduckdb
 * loaded at run time (dlopen), replaced atomically by writing a temporary file
 * and renaming it. Rows go in as multi-row INSERT statements with literals.
 * The reverse, a DuckDB table copied out to Parquet, serves `medallion diff`. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/duckdb_api.h"
#include "export/export_internal.h"

/* Where scripts/setup.sh puts the library it fetches from npm. */
#define MD_DEFAULT_LIBDUCKDB "/usr/local/lib/medallion/libduckdb.so"

static md_code load_api(const char *path, duckdb_api *api, md_error *err) {
  memset(api, 0, sizeof *api);
  /* Without an explicit path: the loader's search path, then where
   * scripts/setup.sh installs the library from npm. */
  const char *lib = path && *path ? path : "libduckdb.so";
  api->handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!api->handle && !(path && *path)) {
    api->handle = dlopen(MD_DEFAULT_LIBDUCKDB, RTLD_NOW | RTLD_LOCAL);
    if (api->handle) lib = MD_DEFAULT_LIBDUCKDB;
    else lib = "libduckdb.so (nor " MD_DEFAULT_LIBDUCKDB ")";
  }
  if (!api->handle) return md_error_set(err, MD_ERR_NOT_FOUND, "cannot load %s: %s", lib, dlerror());
  *(void **)&api->open = dlsym(api->handle, "duckdb_open");
  *(void **)&api->close = dlsym(api->handle, "duckdb_close");
  *(void **)&api->connect = dlsym(api->handle, "duckdb_connect");
  *(void **)&api->disconnect = dlsym(api->handle, "duckdb_disconnect");
  *(void **)&api->query = dlsym(api->handle, "duckdb_query");
  *(void **)&api->destroy_result = dlsym(api->handle, "duckdb_destroy_result");
  *(void **)&api->result_error = dlsym(api->handle, "duckdb_result_error");
  if (!api->open || !api->close || !api->connect || !api->disconnect || !api->query || !api->destroy_result ||
      !api->result_error) {
    dlclose(api->handle);
    return md_error_set(err, MD_ERR_NOT_FOUND, "%s lacks the DuckDB C API functions", lib);
  }
  return MD_OK;
}

typedef struct sbuf {
  char *p;
  size_t len, cap;
  bool failed;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
    char *g = realloc(b->p, cap);
    if (!g) {
      b->failed = true;
      return;
    }
    b->p = g;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}
static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static const char *duck_type(md_type t, char *buf, size_t size) {
  switch (t.id) {
    case MD_TYPE_BOOL: return "BOOLEAN";
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32: return "INTEGER";
    case MD_TYPE_INT64: return "BIGINT";
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: return "DOUBLE";
    case MD_TYPE_DATE32: return "DATE";
    case MD_TYPE_TIMESTAMP: return "TIMESTAMP";
    case MD_TYPE_DECIMAL128: snprintf(buf, size, "DECIMAL(%d,%d)", t.precision, t.scale); return buf;
    default: return "VARCHAR";
  }
}

static void put_value(sbuf *b, const md_column *c, int64_t r) {
  if (md_column_is_null(c, r)) {
    sb_str(b, "NULL");
    return;
  }
  md_type t = md_column_type(c);
  const uint8_t *v = md_column_values(c);
  char text[96];
  switch (t.id) {
    case MD_TYPE_BOOL: sb_str(b, md_bit_get(v, r) ? "true" : "false"); return;
    case MD_TYPE_INT8: snprintf(text, sizeof text, "%d", ((const int8_t *)v)[r]); break;
    case MD_TYPE_INT16: snprintf(text, sizeof text, "%d", ((const int16_t *)v)[r]); break;
    case MD_TYPE_INT32: snprintf(text, sizeof text, "%d", ((const int32_t *)v)[r]); break;
    case MD_TYPE_INT64: snprintf(text, sizeof text, "%lld", (long long)((const int64_t *)v)[r]); break;
    case MD_TYPE_FLOAT32: snprintf(text, sizeof text, "%.9g", (double)((const float *)v)[r]); break;
    case MD_TYPE_FLOAT64: snprintf(text, sizeof text, "%.17g", ((const double *)v)[r]); break;
    case MD_TYPE_DECIMAL128: export_decimal_text(v + 16 * r, t.scale, text, sizeof text); break;
    case MD_TYPE_DATE32: {
      char d[32];
      export_date_text(((const int32_t *)v)[r], d, sizeof d);
      snprintf(text, sizeof text, "DATE '%s'", d);
      break;
    }
    case MD_TYPE_TIMESTAMP: {
      char d[48];
      export_timestamp_text(((const int64_t *)v)[r], d, sizeof d);
      snprintf(text, sizeof text, "TIMESTAMP '%s'", d);
      break;
    }
    case MD_TYPE_UTF8: {
      const int32_t *off = md_column_offsets(c);
      const char *s = (const char *)md_column_data(c) + off[r];
      sb_str(b, "'");
      for (int32_t i = 0; i < off[r + 1] - off[r]; i++) sb_put(b, s[i] == '\'' ? "''" : s + i, s[i] == '\'' ? 2 : 1);
      sb_str(b, "'");
      return;
    }
    default: sb_str(b, "NULL"); return;
  }
  sb_str(b, text);
}

static md_code run_sql(const duckdb_api *api, duckdb_connection con, const char *sql, md_error *err) {
  duckdb_result res;
  memset(&res, 0, sizeof res);
  md_code rc = MD_OK;
  if (api->query(con, sql, &res) != DUCKDB_SUCCESS) {
    const char *e = api->result_error(&res);
    rc = md_error_set(err, MD_ERR_IO, "duckdb: %s", e ? e : "query failed");
  }
  api->destroy_result(&res);
  return rc;
}

static md_code write_table(const duckdb_api *api, duckdb_connection con, const md_export_table *t, md_error *err) {
  const md_schema *s = md_batch_schema(t->batch);
  sbuf b = {0};
  char tb[48];
  sb_str(&b, "CREATE TABLE \"");
  sb_str(&b, t->name);
  sb_str(&b, "\"(");
  for (int i = 0; i < md_schema_num_fields(s); i++) {
    const md_field *f = md_schema_field(s, i);
    if (i) sb_str(&b, ", ");
    sb_str(&b, "\"");
    sb_str(&b, md_field_name(f));
    sb_str(&b, "\" ");
    sb_str(&b, duck_type(md_field_type(f), tb, sizeof tb));
  }
  sb_str(&b, ")");
  md_code rc = b.failed ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : run_sql(api, con, b.p, err);
  int64_t rows = md_batch_num_rows(t->batch);
  for (int64_t start = 0; rc == MD_OK && start < rows; start += 1000) {
    b.len = 0;
    sb_str(&b, "INSERT INTO \"");
    sb_str(&b, t->name);
    sb_str(&b, "\" VALUES ");
    for (int64_t r = start; r < rows && r < start + 1000; r++) {
      sb_str(&b, r > start ? ",(" : "(");
      for (int c = 0; c < md_batch_num_columns(t->batch); c++) {
        if (c) sb_str(&b, ",");
        put_value(&b, md_batch_column(t->batch, c), r);
      }
      sb_str(&b, ")");
    }
    rc = b.failed ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : run_sql(api, con, b.p, err);
  }
  free(b.p);
  if (rc) md_error_context(err, "table %s", t->name);
  return rc;
}

md_code md_export_duckdb(const char *path, const char *libduckdb_path, const md_export_table *tables, int num_tables,
                         md_error *err) {
  duckdb_api api;
  md_code rc = load_api(libduckdb_path, &api, err);
  if (rc) return rc;
  char tmp[4200], wal[4300];
  rc = export_temp_path(path, tmp, sizeof tmp, err);
  snprintf(wal, sizeof wal, "%s.wal", tmp);
  remove(tmp);
  remove(wal);
  duckdb_database db = NULL;
  duckdb_connection con = NULL;
  if (rc == MD_OK && api.open(tmp, &db) != DUCKDB_SUCCESS) rc = md_error_set(err, MD_ERR_IO, "duckdb: cannot create %s", tmp);
  if (rc == MD_OK && api.connect(db, &con) != DUCKDB_SUCCESS) rc = md_error_set(err, MD_ERR_IO, "duckdb: cannot connect");
  if (rc == MD_OK) rc = run_sql(&api, con, "BEGIN TRANSACTION", err);
  for (int i = 0; rc == MD_OK && i < num_tables; i++) rc = write_table(&api, con, &tables[i], err);
  if (rc == MD_OK) rc = run_sql(&api, con, "COMMIT", err);
  if (rc == MD_OK) rc = run_sql(&api, con, "CHECKPOINT", err);
  if (con) api.disconnect(&con);
  if (db) api.close(&db);
  dlclose(api.handle);
  if (rc == MD_OK && rename(tmp, path) != 0) rc = md_error_set(err, MD_ERR_IO, "rename to %s failed", path);
  if (rc) {
    remove(tmp);
    md_error_context(err, "%s", path);
  }
  remove(wal);
  return rc;
}

/* Appends text to b with every `quote` doubled (SQL literal / identifier). */
static void sb_quoted(sbuf *b, const char *text, char quote) {
  char q[2] = {quote, 0};
  sb_str(b, q);
  for (const char *p = text; *p; p++) {
    sb_put(b, p, 1);
    if (*p == quote) sb_put(b, p, 1);
  }
  sb_str(b, q);
}

md_code md_duckdb_copy_to_parquet(const char *db_path, const char *table, const char *libduckdb_path,
                                  const char *parquet_path, md_error *err) {
  if (access(db_path, R_OK) != 0) /* duckdb_open would create an empty database */
    return md_error_set(err, MD_ERR_NOT_FOUND, "%s: no such DuckDB file", db_path);
  duckdb_api api;
  md_code rc = load_api(libduckdb_path, &api, err);
  if (rc) return rc;
  duckdb_database db = NULL;
  duckdb_connection con = NULL;
  if (api.open(db_path, &db) != DUCKDB_SUCCESS) rc = md_error_set(err, MD_ERR_IO, "duckdb: cannot open %s", db_path);
  if (rc == MD_OK && api.connect(db, &con) != DUCKDB_SUCCESS) rc = md_error_set(err, MD_ERR_IO, "duckdb: cannot connect");
  sbuf b = {0};
  sb_str(&b, "COPY (SELECT * FROM ");
  sb_quoted(&b, table, '"');
  sb_str(&b, ") TO ");
  sb_quoted(&b, parquet_path, '\'');
  sb_str(&b, " (FORMAT parquet)");
  if (rc == MD_OK) rc = b.failed ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : run_sql(&api, con, b.p, err);
  free(b.p);
  if (con) api.disconnect(&con);
  if (db) api.close(&db);
  dlclose(api.handle);
  if (rc) md_error_context(err, "%s: table %s", db_path, table);
  return rc;
}
