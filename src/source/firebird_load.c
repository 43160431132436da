/* firebird_load.c — writes record batches into a Firebird table: used by
 * `medallion generate --firebird` to put the synthetic clinic into a real
 * database, and by the tests that read it back through the Firebird source.
 *
 * One prepared INSERT per table, parameters bound through the XSQLDA that
 * Firebird describes for it (so text keeps the column's character set), and a
 * commit every few thousand rows to bound the transaction. Timestamps are
 * truncated to Firebird's 100 µs, never rounded (PIPELINE.md §1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firebird_internal.h"

#define LOAD_COMMIT_ROWS 20000

typedef struct loader {
  fb_conn *conn;
  const char *table;
  isc_tr_handle tr;
  isc_stmt_handle stmt;
  XSQLDA *in;
  char *buffer;
  short *nulls;
} loader;

static void loader_close(loader *l, bool commit) {
  ISC_STATUS_ARRAY status;
  if (l->stmt) isc_dsql_free_statement(status, &l->stmt, DSQL_drop);
  if (l->tr) {
    if (commit) isc_commit_transaction(status, &l->tr);
    else isc_rollback_transaction(status, &l->tr);
  }
  free(l->in);
  free(l->buffer);
  free(l->nulls);
}

/* Chooses the parameter's C representation from the column's core type. */
static md_code bind_type(loader *l, XSQLVAR *var, const md_field *field, md_error *err) {
  md_type t = md_field_type(field);
  switch (t.id) {
    case MD_TYPE_INT16: var->sqltype = SQL_SHORT; var->sqllen = 2; var->sqlscale = 0; break;
    case MD_TYPE_INT32: var->sqltype = SQL_LONG; var->sqllen = 4; var->sqlscale = 0; break;
    case MD_TYPE_INT64: var->sqltype = SQL_INT64; var->sqllen = 8; var->sqlscale = 0; break;
    case MD_TYPE_DECIMAL128:
      if (t.precision > 18) goto unsupported;
      var->sqltype = SQL_INT64; var->sqllen = 8; var->sqlscale = (short)-t.scale; break;
    case MD_TYPE_FLOAT32: var->sqltype = SQL_FLOAT; var->sqllen = 4; break;
    case MD_TYPE_FLOAT64: var->sqltype = SQL_DOUBLE; var->sqllen = 8; break;
    case MD_TYPE_DATE32: var->sqltype = SQL_TYPE_DATE; var->sqllen = 4; break;
    case MD_TYPE_TIME64: var->sqltype = SQL_TYPE_TIME; var->sqllen = 4; break;
    case MD_TYPE_TIMESTAMP: var->sqltype = SQL_TIMESTAMP; var->sqllen = 8; break;
    case MD_TYPE_BOOL: var->sqltype = SQL_BOOLEAN; var->sqllen = 1; break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
      /* Keep Firebird's described length and character set; send VARYING so
       * trailing spaces are data, not padding. */
      if ((var->sqltype & ~1) != SQL_VARYING && (var->sqltype & ~1) != SQL_TEXT) goto unsupported;
      var->sqltype = SQL_VARYING;
      break;
    default: goto unsupported;
  }
  var->sqltype |= 1; /* nullable */
  return MD_OK;
unsupported:;
  char name[64];
  md_type_to_string(t, name, sizeof name);
  return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: table %s: column %s: cannot load a %s column", l->conn->label,
                      l->table, md_field_name(field), name);
}

static md_code prepare(loader *l, const md_schema *schema, md_error *err) {
  ISC_STATUS_ARRAY status;
  int n = md_schema_num_fields(schema);
  size_t size = 64 + (size_t)n * 300;
  char *sql = malloc(size);
  if (!sql) return md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  char quoted[600];
  fb_quote(l->table, quoted, sizeof quoted);
  size_t used = (size_t)snprintf(sql, size, "INSERT INTO %s (", quoted);
  for (int i = 0; i < n && used < size; i++) {
    fb_quote(md_field_name(md_schema_field(schema, i)), quoted, sizeof quoted);
    used += (size_t)snprintf(sql + used, size - used, "%s%s", i ? ", " : "", quoted);
  }
  for (int i = 0; i < n && used < size; i++) used += (size_t)snprintf(sql + used, size - used, "%s", i ? ", ?" : ") VALUES (?");
  if (used < size) snprintf(sql + used, size - used, ")");
  md_code code = MD_OK;
  static const char tpb[] = {isc_tpb_version3, isc_tpb_write, isc_tpb_concurrency, isc_tpb_wait};
  l->in = calloc(1, XSQLDA_LENGTH(n > 0 ? n : 1));
  if (!l->in) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  else if (isc_start_transaction(status, &l->tr, 1, &l->conn->db, (unsigned short)sizeof tpb, tpb) ||
           isc_dsql_allocate_statement(status, &l->conn->db, &l->stmt) ||
           isc_dsql_prepare(status, &l->tr, &l->stmt, 0, sql, SQL_DIALECT_V6, NULL))
    code = fb_status_error(l->conn, status, err, "table %s: cannot prepare the insert", l->table);
  free(sql);
  if (code != MD_OK) return code;
  l->in->version = SQLDA_VERSION1;
  l->in->sqln = (short)n;
  if (isc_dsql_describe_bind(status, &l->stmt, SQL_DIALECT_V6, l->in))
    return fb_status_error(l->conn, status, err, "table %s: cannot describe the insert", l->table);
  size_t total = 0;
  for (int i = 0; i < n && code == MD_OK; i++) {
    code = bind_type(l, &l->in->sqlvar[i], md_schema_field(schema, i), err);
    total += ((size_t)l->in->sqlvar[i].sqllen + 2 + 7) & ~(size_t)7;
  }
  if (code != MD_OK) return code;
  l->buffer = malloc(total ? total : 1);
  l->nulls = calloc((size_t)(n ? n : 1), sizeof *l->nulls);
  if (!l->buffer || !l->nulls) return md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  size_t offset = 0;
  for (int i = 0; i < n; i++) {
    l->in->sqlvar[i].sqldata = l->buffer + offset;
    l->in->sqlvar[i].sqlind = &l->nulls[i];
    offset += ((size_t)l->in->sqlvar[i].sqllen + 2 + 7) & ~(size_t)7;
  }
  return MD_OK;
}

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

static md_code set_param(loader *l, XSQLVAR *var, const md_column *col, int64_t row, md_error *err) {
  if (md_column_is_null(col, row)) {
    *var->sqlind = -1;
    return MD_OK;
  }
  *var->sqlind = 0;
  const void *values = md_column_values(col);
  md_type t = md_column_type(col);
  switch (t.id) {
    case MD_TYPE_INT16: memcpy(var->sqldata, (const int16_t *)values + row, 2); break;
    case MD_TYPE_INT32: memcpy(var->sqldata, (const int32_t *)values + row, 4); break;
    case MD_TYPE_INT64: memcpy(var->sqldata, (const int64_t *)values + row, 8); break;
    case MD_TYPE_FLOAT32: memcpy(var->sqldata, (const float *)values + row, 4); break;
    case MD_TYPE_FLOAT64: memcpy(var->sqldata, (const double *)values + row, 8); break;
    case MD_TYPE_DECIMAL128: {
      const int64_t *halves = (const int64_t *)values + 2 * row;
      if (halves[1] != (halves[0] < 0 ? -1 : 0))
        return md_error_set(err, MD_ERR_OVERFLOW, "%s: table %s: row %lld: decimal does not fit NUMERIC(18)",
                            l->conn->label, l->table, (long long)row);
      memcpy(var->sqldata, &halves[0], 8);
      break;
    }
    case MD_TYPE_DATE32: {
      ISC_DATE d = (ISC_DATE)(((const int32_t *)values)[row] + FB_EPOCH_DAYS);
      memcpy(var->sqldata, &d, sizeof d);
      break;
    }
    case MD_TYPE_TIME64: {
      ISC_TIME v = (ISC_TIME)(((const int64_t *)values)[row] / 100);
      memcpy(var->sqldata, &v, sizeof v);
      break;
    }
    case MD_TYPE_TIMESTAMP: {
      int64_t us = ((const int64_t *)values)[row];
      if (t.unit == MD_MILLI) us *= 1000;
      else if (t.unit == MD_SECOND) us *= 1000000;
      else if (t.unit == MD_NANO) us = floor_div(us, 1000);
      int64_t ticks = floor_div(us, 100); /* truncate to Firebird's 100 µs */
      int64_t days = floor_div(ticks, FB_TICKS_PER_DAY);
      ISC_TIMESTAMP ts = {(ISC_DATE)(days + FB_EPOCH_DAYS), (ISC_TIME)(ticks - days * FB_TICKS_PER_DAY)};
      memcpy(var->sqldata, &ts, sizeof ts);
      break;
    }
    case MD_TYPE_BOOL: *(FB_BOOLEAN *)var->sqldata = md_bit_get(values, row) ? 1 : 0; break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *offsets = md_column_offsets(col);
      int32_t len = offsets[row + 1] - offsets[row];
      if (len > var->sqllen)
        return md_error_set(err, MD_ERR_OVERFLOW, "%s: table %s: row %lld: a %d-byte value exceeds the column's %d bytes",
                            l->conn->label, l->table, (long long)row, (int)len, (int)var->sqllen);
      unsigned short n = (unsigned short)len;
      memcpy(var->sqldata, &n, 2);
      memcpy(var->sqldata + 2, md_column_data(col) + offsets[row], (size_t)len);
      break;
    }
    default: return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: table %s: unsupported column", l->conn->label, l->table);
  }
  return MD_OK;
}

md_code fb_load_table(fb_conn *conn, const char *table, const char *ddl, md_source_stream *stream,
                      md_generate_progress_fn progress, void *progress_context, int64_t expected,
                      md_error *err) {
  loader l = {conn, table, 0, 0, NULL, NULL, NULL};
  char stored[300];
  fb_column_info *existing = NULL;
  int num_existing = 0;
  md_error probe;
  if (fb_describe_table(conn, table, stored, sizeof stored, &existing, &num_existing, &probe) == MD_OK) {
    free(existing);
    char quoted[600], sql[700];
    fb_quote(stored, quoted, sizeof quoted);
    snprintf(sql, sizeof sql, "DROP TABLE %s", quoted);
    md_code code = fb_execute(conn, sql, err);
    if (code != MD_OK) return code;
  }
  md_code code = fb_execute(conn, ddl, err);
  /* The DDL names the table unquoted (stored upper case): insert into what it made. */
  if (code == MD_OK) code = fb_describe_table(conn, table, stored, sizeof stored, &existing, &num_existing, err);
  free(existing);
  l.table = stored;
  if (code == MD_OK) code = prepare(&l, md_source_stream_schema(stream), err);
  int64_t done = 0;
  while (code == MD_OK) {
    md_batch *batch = NULL;
    code = md_source_stream_next(stream, &batch, err);
    if (code != MD_OK || !batch) break;
    ISC_STATUS_ARRAY status;
    int n = md_batch_num_columns(batch);
    for (int64_t row = 0; row < md_batch_num_rows(batch) && code == MD_OK; row++) {
      for (int i = 0; i < n && code == MD_OK; i++) code = set_param(&l, &l.in->sqlvar[i], md_batch_column(batch, i), row, err);
      if (code == MD_OK && isc_dsql_execute(status, &l.tr, &l.stmt, SQL_DIALECT_V6, l.in))
        code = fb_status_error(conn, status, err, "table %s: insert of row %lld failed", table, (long long)(done + row));
      if (code == MD_OK && (done + row + 1) % LOAD_COMMIT_ROWS == 0 && isc_commit_retaining(status, &l.tr))
        code = fb_status_error(conn, status, err, "table %s: commit failed", table);
    }
    done += md_batch_num_rows(batch);
    md_batch_free(batch);
    if (code == MD_OK && progress) progress(progress_context, table, done, expected);
  }
  if (code == MD_OK) {
    ISC_STATUS_ARRAY status;
    if (isc_commit_transaction(status, &l.tr)) code = fb_status_error(conn, status, err, "table %s: commit failed", table);
    else l.tr = 0;
  }
  loader_close(&l, false);
  return code;
}
