/* firebird_catalog.c — what tables a Firebird database holds and what their
 * columns are, read from the system tables, mapped to core types.
 *
 * The system tables, not a prepared statement's description, are the truth
 * here: only they carry a NUMERIC's declared precision (a NUMERIC(12,2) and a
 * NUMERIC(18,2) are both stored as BIGINT with scale -2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firebird_internal.h"
#include "source_internal.h"

/* RDB$FIELD_TYPE values (Firebird's blr type codes). */
enum { RDB_SMALLINT = 7, RDB_INTEGER = 8, RDB_QUAD = 9, RDB_FLOAT = 10, RDB_DATE = 12, RDB_TIME = 13, RDB_CHAR = 14,
       RDB_BIGINT = 16, RDB_BOOLEAN = 23, RDB_DOUBLE = 27, RDB_TIMESTAMP = 35, RDB_VARCHAR = 37, RDB_CSTRING = 40,
       RDB_BLOB = 261 };

static void map_type(fb_column_info *c) {
  c->type = md_type_make(MD_TYPE_NULL);
  c->unsupported = NULL;
  if (c->is_array) {
    c->unsupported = "ARRAY";
    return;
  }
  bool exact_numeric = c->scale < 0 || c->sub_type == 1 || c->sub_type == 2;
  switch (c->field_type) {
    case RDB_SMALLINT:
    case RDB_INTEGER:
    case RDB_BIGINT: {
      if (exact_numeric) {
        int precision = c->precision > 0 ? c->precision : c->field_type == RDB_SMALLINT ? 4 : c->field_type == RDB_INTEGER ? 9 : 18;
        c->type = md_type_decimal(precision, -c->scale);
      } else {
        c->type = md_type_make(c->field_type == RDB_SMALLINT ? MD_TYPE_INT16 : c->field_type == RDB_INTEGER ? MD_TYPE_INT32 : MD_TYPE_INT64);
      }
      return;
    }
    case RDB_FLOAT: c->type = md_type_make(MD_TYPE_FLOAT32); return;
    case RDB_DOUBLE: c->type = md_type_make(MD_TYPE_FLOAT64); return;
    case RDB_DATE: c->type = md_type_make(MD_TYPE_DATE32); return;
    case RDB_TIME: c->type = md_type_time(MD_MICRO); return;
    case RDB_TIMESTAMP: c->type = md_type_timestamp(MD_MICRO, false); return;
    case RDB_BOOLEAN: c->type = md_type_make(MD_TYPE_BOOL); return;
    case RDB_CHAR:
    case RDB_VARCHAR:
    case RDB_CSTRING: c->type = md_type_make(c->charset == 1 ? MD_TYPE_BINARY : MD_TYPE_UTF8); return;
    case RDB_BLOB:
      if (c->sub_type == 1) c->type = md_type_make(MD_TYPE_UTF8);
      else if (c->sub_type == 0) c->type = md_type_make(MD_TYPE_BINARY);
      else c->unsupported = "BLOB of a custom sub-type";
      return;
    case RDB_QUAD: c->unsupported = "QUAD"; return;
    default: c->unsupported = "an unknown Firebird type"; return;
  }
}

static void sql_string(const char *value, char *buf, size_t size) {
  size_t n = 0;
  buf[n++] = '\'';
  for (const char *p = value; *p && n + 3 < size; p++) {
    if (*p == '\'') buf[n++] = '\'';
    buf[n++] = *p;
  }
  buf[n++] = '\'';
  buf[n] = 0;
}

md_code fb_list_tables(fb_conn *conn, char ***names, int *count, md_error *err) {
  fb_cursor c;
  md_code code = fb_cursor_open(conn,
                                "SELECT RDB$RELATION_NAME FROM RDB$RELATIONS WHERE COALESCE(RDB$SYSTEM_FLAG, 0) = 0 "
                                "AND RDB$VIEW_BLR IS NULL ORDER BY RDB$RELATION_NAME",
                                &c, err);
  if (code != MD_OK) return code;
  char **list = NULL;
  int n = 0;
  for (bool row = true; code == MD_OK;) {
    code = fb_cursor_fetch(&c, &row, err);
    if (code != MD_OK || !row) break;
    char name[300];
    fb_var_text(&c.out->sqlvar[0], name, sizeof name);
    char **grown = realloc(list, (size_t)(n + 1) * sizeof *list);
    if (!grown) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    else if (!(grown[n] = strdup(name))) list = grown, code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    else list = grown, n++;
  }
  fb_cursor_close(&c);
  if (code != MD_OK) {
    for (int i = 0; i < n; i++) free(list[i]);
    free(list);
    return code;
  }
  *names = list;
  *count = n;
  return MD_OK;
}

md_code fb_describe_table(fb_conn *conn, const char *table, char *stored_name, size_t name_size,
                          fb_column_info **columns, int *num_columns, md_error *err) {
  /* Unquoted names are stored upper case; match either spelling. */
  char upper[300], literal[700], literal_upper[700], sql[4096];
  size_t i = 0;
  for (; table[i] && i + 1 < sizeof upper; i++) upper[i] = table[i] >= 'a' && table[i] <= 'z' ? (char)(table[i] - 32) : table[i];
  upper[i] = 0;
  sql_string(table, literal, sizeof literal);
  sql_string(upper, literal_upper, sizeof literal_upper);
  snprintf(sql, sizeof sql,
           "SELECT rf.RDB$RELATION_NAME, rf.RDB$FIELD_NAME, f.RDB$FIELD_TYPE, COALESCE(f.RDB$FIELD_SUB_TYPE, 0), "
           "COALESCE(f.RDB$FIELD_SCALE, 0), COALESCE(f.RDB$FIELD_PRECISION, 0), COALESCE(f.RDB$CHARACTER_SET_ID, 0), "
           "COALESCE(f.RDB$CHARACTER_LENGTH, 0), COALESCE(rf.RDB$NULL_FLAG, f.RDB$NULL_FLAG, 0), "
           "COALESCE(f.RDB$DIMENSIONS, 0) "
           "FROM RDB$RELATION_FIELDS rf JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE "
           "WHERE rf.RDB$RELATION_NAME = (SELECT FIRST 1 RDB$RELATION_NAME FROM RDB$RELATIONS "
           "WHERE RDB$RELATION_NAME IN (%s, %s) ORDER BY IIF(RDB$RELATION_NAME = %s, 0, 1)) "
           "ORDER BY rf.RDB$FIELD_POSITION",
           literal, literal_upper, literal);
  fb_cursor c;
  md_code code = fb_cursor_open(conn, sql, &c, err);
  if (code != MD_OK) return code;
  fb_column_info *list = NULL;
  int n = 0;
  for (bool row = true; code == MD_OK;) {
    code = fb_cursor_fetch(&c, &row, err);
    if (code != MD_OK || !row) break;
    fb_column_info *grown = realloc(list, (size_t)(n + 1) * sizeof *list);
    if (!grown) {
      code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
      break;
    }
    list = grown;
    fb_column_info *col = &list[n++];
    memset(col, 0, sizeof *col);
    XSQLVAR *v = c.out->sqlvar;
    fb_var_text(&v[0], stored_name, name_size);
    fb_var_text(&v[1], col->name, sizeof col->name);
    col->field_type = (short)fb_var_int(&v[2]);
    col->sub_type = (short)fb_var_int(&v[3]);
    col->scale = (short)fb_var_int(&v[4]);
    col->precision = (short)fb_var_int(&v[5]);
    col->charset = (short)fb_var_int(&v[6]);
    col->char_length = (int)fb_var_int(&v[7]);
    col->not_null = fb_var_int(&v[8]) != 0;
    col->is_array = fb_var_int(&v[9]) != 0;
    map_type(col);
  }
  fb_cursor_close(&c);
  if (code == MD_OK && n == 0) code = md_error_set(err, MD_ERR_NOT_FOUND, "%s: no table '%s'", conn->label, table);
  if (code != MD_OK) {
    free(list);
    return code;
  }
  *columns = list;
  *num_columns = n;
  return MD_OK;
}
