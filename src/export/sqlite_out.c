/* sqlite_out.c — gold tables into a SQLite database file, replaced atomically:
 * written to a temporary file in one transaction, then renamed over the target. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"

static const char *sqlite_type(md_type t) {
  switch (t.id) {
    case MD_TYPE_BOOL:
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64: return "INTEGER";
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: return "REAL";
    case MD_TYPE_DATE32: return "DATE";
    case MD_TYPE_TIMESTAMP: return "TIMESTAMP";
    default: return "TEXT";
  }
}

static void bind_value(sqlite3_stmt *st, int i, const md_column *c, int64_t r) {
  md_type t = md_column_type(c);
  if (md_column_is_null(c, r)) {
    sqlite3_bind_null(st, i);
    return;
  }
  const uint8_t *v = md_column_values(c);
  char text[80];
  switch (t.id) {
    case MD_TYPE_BOOL: sqlite3_bind_int(st, i, md_bit_get(v, r)); break;
    case MD_TYPE_INT8: sqlite3_bind_int64(st, i, ((const int8_t *)v)[r]); break;
    case MD_TYPE_INT16: sqlite3_bind_int64(st, i, ((const int16_t *)v)[r]); break;
    case MD_TYPE_INT32: sqlite3_bind_int64(st, i, ((const int32_t *)v)[r]); break;
    case MD_TYPE_INT64: sqlite3_bind_int64(st, i, ((const int64_t *)v)[r]); break;
    case MD_TYPE_FLOAT32: sqlite3_bind_double(st, i, ((const float *)v)[r]); break;
    case MD_TYPE_FLOAT64: sqlite3_bind_double(st, i, ((const double *)v)[r]); break;
    case MD_TYPE_DATE32:
      export_date_text(((const int32_t *)v)[r], text, sizeof text);
      sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
      break;
    case MD_TYPE_TIMESTAMP:
      export_timestamp_text(((const int64_t *)v)[r], text, sizeof text);
      sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
      break;
    case MD_TYPE_DECIMAL128:
      export_decimal_text(v + 16 * r, t.scale, text, sizeof text);
      sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
      break;
    case MD_TYPE_UTF8: {
      const int32_t *off = md_column_offsets(c);
      sqlite3_bind_text(st, i, (const char *)md_column_data(c) + off[r], off[r + 1] - off[r], SQLITE_TRANSIENT);
      break;
    }
    default: sqlite3_bind_null(st, i); break;
  }
}

/* CREATE TABLE and INSERT statements for one table (malloc'd). */
static char *table_sql(const md_export_table *t, bool insert) {
  const md_schema *s = md_batch_schema(t->batch);
  size_t cap = 256 + strlen(t->name);
  for (int i = 0; i < md_schema_num_fields(s); i++) cap += strlen(md_field_name(md_schema_field(s, i))) + 24;
  char *sql = malloc(cap);
  if (!sql) return NULL;
  size_t n = (size_t)snprintf(sql, cap, insert ? "INSERT INTO \"%s\" VALUES(" : "CREATE TABLE \"%s\"(", t->name);
  for (int i = 0; i < md_schema_num_fields(s); i++) {
    const md_field *f = md_schema_field(s, i);
    if (insert) n += (size_t)snprintf(sql + n, cap - n, "%s?", i ? "," : "");
    else
      n += (size_t)snprintf(sql + n, cap - n, "%s\"%s\" %s", i ? ", " : "", md_field_name(f),
                            sqlite_type(md_field_type(f)));
  }
  snprintf(sql + n, cap - n, ")");
  return sql;
}

static md_code write_table(sqlite3 *db, const md_export_table *t, md_error *err) {
  char *create = table_sql(t, false), *insert = table_sql(t, true);
  sqlite3_stmt *st = NULL;
  md_code rc = MD_OK;
  if (!create || !insert) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  else if (sqlite3_exec(db, create, NULL, NULL, NULL) != SQLITE_OK ||
           sqlite3_prepare_v2(db, insert, -1, &st, NULL) != SQLITE_OK)
    rc = md_error_set(err, MD_ERR_IO, "%s", sqlite3_errmsg(db));
  int ncol = md_batch_num_columns(t->batch);
  for (int64_t r = 0; rc == MD_OK && r < md_batch_num_rows(t->batch); r++) {
    for (int c = 0; c < ncol; c++) bind_value(st, c + 1, md_batch_column(t->batch, c), r);
    if (sqlite3_step(st) != SQLITE_DONE) rc = md_error_set(err, MD_ERR_IO, "row %lld: %s", (long long)r, sqlite3_errmsg(db));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  free(create);
  free(insert);
  if (rc) md_error_context(err, "table %s", t->name);
  return rc;
}

md_code md_export_sqlite(const char *path, const md_export_table *tables, int num_tables, md_error *err) {
  char tmp[4200];
  md_code rc = export_temp_path(path, tmp, sizeof tmp, err);
  if (rc) return rc;
  remove(tmp);
  sqlite3 *db = NULL;
  if (sqlite3_open(tmp, &db) != SQLITE_OK) {
    rc = md_error_set(err, MD_ERR_IO, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return rc;
  }
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) rc = md_error_set(err, MD_ERR_IO, "%s", sqlite3_errmsg(db));
  for (int i = 0; rc == MD_OK && i < num_tables; i++) rc = write_table(db, &tables[i], err);
  if (rc == MD_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    rc = md_error_set(err, MD_ERR_IO, "commit: %s", sqlite3_errmsg(db));
  if (sqlite3_close(db) != SQLITE_OK && rc == MD_OK) rc = md_error_set(err, MD_ERR_IO, "close failed");
  if (rc == MD_OK && rename(tmp, path) != 0) rc = md_error_set(err, MD_ERR_IO, "rename to %s failed", path);
  if (rc) {
    remove(tmp);
    md_error_context(err, "%s", path);
  }
  return rc;
}
