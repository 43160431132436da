/* firebird_source.c — the production source: a clinic's Firebird database,
 * embedded or through a server, read with libfbclient.
 *
 * Projection and the watermark become the SELECT's column list and WHERE
 * clause, so Firebird does the filtering; rows come without ORDER BY, which is
 * the "source order" of PIPELINE.md §1. Each fetched row is decoded straight
 * into the batch's columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "firebird_internal.h"
#include "source_internal.h"

typedef struct fb_source {
  fb_conn conn;
} fb_source;

static void fb_source_free(void *impl) {
  fb_source *s = impl;
  if (!s) return;
  fb_conn_close(&s->conn);
  free(s);
}

static md_code unsupported(const fb_conn *conn, const char *table, const fb_column_info *c, md_error *err) {
  return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: table %s: column %s: unsupported type %s", conn->label, table,
                      c->name, c->unsupported);
}

static md_code fb_table_schema(md_source *source, int table, md_schema **out, md_error *err) {
  fb_source *s = source->impl;
  char stored[300];
  fb_column_info *cols = NULL;
  int n = 0;
  md_code code = fb_describe_table(&s->conn, source->tables[table], stored, sizeof stored, &cols, &n, err);
  if (code != MD_OK) return code;
  md_schema *schema = md_schema_new();
  if (!schema) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  for (int i = 0; i < n && code == MD_OK; i++) {
    if (cols[i].unsupported) {
      code = unsupported(&s->conn, stored, &cols[i], err);
      break;
    }
    md_field *field = md_field_new(cols[i].name, cols[i].type, !cols[i].not_null);
    code = field ? md_schema_add(schema, field, err) : md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  }
  free(cols);
  if (code != MD_OK) {
    md_schema_free(schema);
    return code;
  }
  *out = schema;
  return MD_OK;
}

typedef struct fb_stream {
  fb_cursor cursor;
  fb_conn *conn;
  char table[300];
  fb_column_info *columns; /* the selected ones, in order */
  int num_columns;
  int64_t batch_rows;
  bool done;
  char *blob;              /* scratch for BLOB values */
  size_t blob_size;
} fb_stream;

static void fb_stream_free(void *impl) {
  fb_stream *s = impl;
  if (!s) return;
  fb_cursor_close(&s->cursor);
  free(s->columns);
  free(s->blob);
  free(s);
}

/* The bytes of a CHAR(n) value: Firebird pads to the byte width of n characters
 * of the character set; the value is its first n characters. */
static int64_t char_length_bytes(const char *data, int64_t bytes, int chars) {
  int64_t i = 0;
  for (int seen = 0; i < bytes; i++) {
    if (((unsigned char)data[i] & 0xC0) != 0x80) {
      if (seen == chars) break;
      seen++;
    }
  }
  return i;
}

static md_code read_blob(fb_stream *s, const XSQLVAR *var, int64_t *length, md_error *err) {
  ISC_STATUS_ARRAY status;
  isc_blob_handle blob = 0;
  ISC_QUAD id;
  memcpy(&id, var->sqldata, sizeof id);
  if (isc_open_blob2(status, &s->conn->db, &s->cursor.tr, &blob, &id, 0, NULL))
    return fb_status_error(s->conn, status, err, "table %s: column %.*s: cannot open blob", s->table,
                           (int)var->sqlname_length, var->sqlname);
  size_t used = 0;
  md_code code = MD_OK;
  for (;;) {
    if (s->blob_size - used < 65535) {
      size_t size = s->blob_size ? s->blob_size * 2 : 131072;
      char *grown = realloc(s->blob, size);
      if (!grown) {
        code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory reading a blob");
        break;
      }
      s->blob = grown;
      s->blob_size = size;
    }
    unsigned short got = 0;
    ISC_STATUS r = isc_get_segment(status, &blob, &got, 65535, s->blob + used);
    used += got;
    if (r == isc_segstr_eof) break;
    if (r && r != isc_segment) {
      code = fb_status_error(s->conn, status, err, "table %s: cannot read blob", s->table);
      break;
    }
  }
  isc_close_blob(status, &blob);
  if (used > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "%s: table %s: blob too large", s->conn->label, s->table);
  *length = (int64_t)used;
  return code;
}

static md_code append_value(fb_stream *s, const fb_column_info *info, const XSQLVAR *var, md_column *col,
                            md_error *err) {
  if ((var->sqltype & 1) && *var->sqlind < 0) return md_column_append_null(col, err);
  const char *data = var->sqldata;
  switch (var->sqltype & ~1) {
    case SQL_SHORT:
    case SQL_LONG:
    case SQL_INT64: {
      int64_t v = fb_var_int(var);
      if (info->type.id == MD_TYPE_DECIMAL128) return md_column_append_decimal(col, v < 0 ? -1 : 0, (uint64_t)v, err);
      return md_column_append_int(col, v, err);
    }
    case SQL_FLOAT: {
      float v;
      memcpy(&v, data, sizeof v);
      return md_column_append_double(col, v, err);
    }
    case SQL_DOUBLE:
    case SQL_D_FLOAT: {
      double v;
      memcpy(&v, data, sizeof v);
      return md_column_append_double(col, v, err);
    }
    case SQL_TYPE_DATE: {
      ISC_DATE v;
      memcpy(&v, data, sizeof v);
      return md_column_append_int(col, (int64_t)v - FB_EPOCH_DAYS, err);
    }
    case SQL_TYPE_TIME: {
      ISC_TIME v;
      memcpy(&v, data, sizeof v);
      return md_column_append_int(col, (int64_t)v * 100, err);
    }
    case SQL_TIMESTAMP: {
      ISC_TIMESTAMP v;
      memcpy(&v, data, sizeof v);
      return md_column_append_int(col, (((int64_t)v.timestamp_date - FB_EPOCH_DAYS) * FB_TICKS_PER_DAY + v.timestamp_time) * 100, err);
    }
    case SQL_BOOLEAN: return md_column_append_bool(col, *(const FB_BOOLEAN *)data != 0, err);
    case SQL_TEXT: {
      int64_t len = var->sqllen;
      if (info->type.id == MD_TYPE_UTF8 && info->char_length > 0) len = char_length_bytes(data, len, info->char_length);
      return md_column_append_bytes(col, data, len, err);
    }
    case SQL_VARYING: {
      unsigned short len;
      memcpy(&len, data, 2);
      return md_column_append_bytes(col, data + 2, len, err);
    }
    case SQL_BLOB: {
      int64_t len = 0;
      md_code code = read_blob(s, var, &len, err);
      return code != MD_OK ? code : md_column_append_bytes(col, s->blob, len, err);
    }
    default:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: table %s: column %s: unsupported SQL type %d", s->conn->label,
                          s->table, info->name, var->sqltype & ~1);
  }
}

static md_code fb_stream_next(md_source_stream *stream, md_batch **out, md_error *err) {
  fb_stream *s = stream->impl;
  if (s->done) {
    *out = NULL;
    return MD_OK;
  }
  int n = s->num_columns;
  md_column **cols = calloc((size_t)(n ? n : 1), sizeof *cols);
  md_code code = cols ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  for (int i = 0; i < n && code == MD_OK; i++) {
    cols[i] = md_column_new(s->columns[i].type);
    if (!cols[i]) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    else code = md_column_reserve(cols[i], s->batch_rows, 0, err);
  }
  int64_t rows = 0;
  while (code == MD_OK && rows < s->batch_rows) {
    bool row = false;
    code = fb_cursor_fetch(&s->cursor, &row, err);
    if (code != MD_OK) {
      md_error_context(err, "table %s", s->table);
      break;
    }
    if (!row) {
      s->done = true;
      break;
    }
    for (int i = 0; i < n && code == MD_OK; i++)
      code = append_value(s, &s->columns[i], &s->cursor.out->sqlvar[i], cols[i], err);
    rows++;
  }
  md_schema *schema = code == MD_OK ? md_schema_copy(stream->schema) : NULL;
  if (code == MD_OK && !schema) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  if (code == MD_OK && rows == 0) {
    md_schema_free(schema);
    schema = NULL;
  }
  if (code != MD_OK || rows == 0) {
    for (int i = 0; cols && i < n; i++) md_column_free(cols[i]);
    free(cols);
    if (code == MD_OK) *out = NULL;
    return code;
  }
  code = md_batch_new(schema, cols, n, out, err);
  free(cols);
  return code;
}

static const stream_vtable fb_stream_vtable = {fb_stream_next, fb_stream_free};

static void append_sql(char *sql, size_t size, size_t *used, const char *text) {
  size_t len = strlen(text);
  if (*used + len + 1 > size) return;
  memcpy(sql + *used, text, len + 1);
  *used += len;
}

static md_code fb_scan(md_source *source, int table, const md_source_scan_options *options,
                       md_source_stream **out, md_error *err) {
  fb_source *src = source->impl;
  fb_stream *s = calloc(1, sizeof *s);
  if (!s) return md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  s->conn = &src->conn;
  s->batch_rows = options->batch_rows;
  fb_column_info *all = NULL;
  int num_all = 0;
  md_code code = fb_describe_table(&src->conn, source->tables[table], s->table, sizeof s->table, &all, &num_all, err);
  int n = options->num_columns > 0 ? options->num_columns : num_all;
  if (code == MD_OK) {
    s->columns = calloc((size_t)(n ? n : 1), sizeof *s->columns);
    if (!s->columns) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  }
  for (int i = 0; i < n && code == MD_OK; i++) {
    int index = i;
    if (options->num_columns > 0) {
      index = -1;
      for (int j = 0; j < num_all && index < 0; j++)
        if (source_name_equal(all[j].name, options->columns[i])) index = j;
      if (index < 0) {
        code = md_error_set(err, MD_ERR_NOT_FOUND, "%s: table %s: no column '%s'", src->conn.label, s->table, options->columns[i]);
        break;
      }
    }
    if (all[index].unsupported) code = unsupported(&src->conn, s->table, &all[index], err);
    s->columns[i] = all[index];
  }
  s->num_columns = n;
  int updated = -1;
  for (int j = 0; j < num_all && code == MD_OK && options->has_watermark; j++)
    if (strcmp(all[j].name, "UPDATED_AT") == 0 && all[j].type.id == MD_TYPE_TIMESTAMP) updated = j;
  if (code == MD_OK && options->has_watermark && updated < 0)
    code = md_error_set(err, MD_ERR_SCHEMA, "%s: table %s: a watermark needs a TIMESTAMP column UPDATED_AT", src->conn.label, s->table);
  free(all);

  md_schema *schema = code == MD_OK ? md_schema_new() : NULL;
  if (code == MD_OK && !schema) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  size_t size = 256 + (size_t)n * 600, used = 0;
  char *sql = code == MD_OK ? malloc(size) : NULL;
  if (code == MD_OK && !sql) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  if (code == MD_OK) {
    char quoted[600];
    sql[0] = 0;
    append_sql(sql, size, &used, "SELECT ");
    for (int i = 0; i < n && code == MD_OK; i++) {
      fb_quote(s->columns[i].name, quoted, sizeof quoted);
      if (i) append_sql(sql, size, &used, ", ");
      append_sql(sql, size, &used, quoted);
      md_field *field = md_field_new(s->columns[i].name, s->columns[i].type, !s->columns[i].not_null);
      code = field ? md_schema_add(schema, field, err) : md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    }
    fb_quote(s->table, quoted, sizeof quoted);
    append_sql(sql, size, &used, " FROM ");
    append_sql(sql, size, &used, quoted);
    if (options->has_watermark) {
      /* Firebird keeps 100 µs; every stored value is a multiple of that, so
       * "> floor(watermark)" selects exactly the rows "> watermark". */
      int64_t ticks = options->watermark >= 0 ? options->watermark / 100 : -((-options->watermark + 99) / 100);
      int64_t days = ticks >= 0 ? ticks / FB_TICKS_PER_DAY : -((-ticks + FB_TICKS_PER_DAY - 1) / FB_TICKS_PER_DAY);
      int64_t tod = ticks - days * FB_TICKS_PER_DAY;
      ISC_TIMESTAMP ts = {(ISC_DATE)(days + FB_EPOCH_DAYS), (ISC_TIME)tod};
      struct tm tm;
      isc_decode_timestamp(&ts, &tm);
      char where[160];
      snprintf(where, sizeof where, " WHERE \"UPDATED_AT\" > TIMESTAMP '%04d-%02d-%02d %02d:%02d:%02d.%04d'",
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tod % 10000));
      append_sql(sql, size, &used, where);
    }
  }
  if (code == MD_OK) {
    code = fb_cursor_open(&src->conn, sql, &s->cursor, err);
    if (code == MD_OK && s->cursor.out->sqld != n)
      code = md_error_set(err, MD_ERR_INTERNAL, "%s: table %s: query returned %d columns, expected %d", src->conn.label,
                          s->table, s->cursor.out->sqld, n);
  }
  free(sql);
  if (code != MD_OK) {
    md_schema_free(schema);
    fb_stream_free(s);
    return code;
  }
  return source_stream_new(&fb_stream_vtable, s, schema, out, err);
}

static const source_vtable fb_vtable = {"firebird", fb_source_free, fb_table_schema, fb_scan};

md_code md_source_open_firebird(const md_firebird_options *options, md_source **out, md_error *err) {
  if (!options || !out) return md_error_set(err, MD_ERR_INVALID, "firebird: NULL argument");
  fb_source *s = calloc(1, sizeof *s);
  if (!s) return md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  md_code code = fb_conn_open(options, false, &s->conn, err);
  if (code != MD_OK) {
    free(s);
    return code;
  }
  char **names = NULL;
  int count = 0;
  code = fb_list_tables(&s->conn, &names, &count, err);
  md_source *source = NULL;
  if (code == MD_OK) {
    char label[1200];
    snprintf(label, sizeof label, "%s", s->conn.label);
    source = source_new(&fb_vtable, s);
    s = NULL;
    if (!source) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    else code = source_set_label(source, err, "%s", label);
  }
  for (int i = 0; i < count && code == MD_OK; i++) code = source_add_table(source, names[i], err);
  for (int i = 0; i < count; i++) free(names[i]);
  free(names);
  if (s) fb_source_free(s);
  if (code != MD_OK) {
    md_source_free(source);
    return code;
  }
  *out = source;
  return MD_OK;
}
