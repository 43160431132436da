/* firebird_internal.h — what the Firebird source and the Firebird loader share:
 * a connection (attach, errors from status vectors, small queries) and the
 * mapping between Firebird column types and core types.
 *
 * We use the legacy ISC API of ibase.h: it is plain C, stable since Firebird
 * 1.0, and fbclient routes it to the embedded engine or to a server by the
 * connection string. Private to src/source. */
#ifndef MEDALLION_SOURCE_FIREBIRD_INTERNAL_H
#define MEDALLION_SOURCE_FIREBIRD_INTERNAL_H

#include <ibase.h>

#include "medallion/source.h"

typedef struct fb_conn {
  isc_db_handle db;
  char *connection; /* as given: passed to fbclient */
  char *host;       /* "" when embedded */
  char *database;   /* the path or alias after host[/port]: */
  char *label;      /* "firebird (host h, database d)" / "firebird (embedded, database d)" */
} fb_conn;

/* Splits "host[/port]:path" or an embedded path. NULL/"" is an error. */
md_code fb_conn_parse(const char *connection, fb_conn *conn, md_error *err);
/* Attaches (or creates, when create is set) with the UTF8 connection character
 * set. Credentials from options, else $FIREBIRD_USER / $FIREBIRD_PASSWORD. The
 * password is wiped from memory after use and never appears in an error. */
md_code fb_conn_open(const md_firebird_options *options, bool create, fb_conn *conn, md_error *err);
void fb_conn_close(fb_conn *conn);

/* Sets err from a status vector: "<label>: <what>: <Firebird's messages>", with a
 * code chosen from the first Firebird error (login, network, missing table...). */
md_code fb_status_error(const fb_conn *conn, const ISC_STATUS *status, md_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Runs a statement without results in its own transaction. */
md_code fb_execute(fb_conn *conn, const char *sql, md_error *err);

/* A prepared and executed SELECT in its own read-only snapshot transaction,
 * with an output buffer per column (sqldata/sqlind point into it). */
typedef struct fb_cursor {
  fb_conn *conn;
  isc_tr_handle tr;
  isc_stmt_handle stmt;
  XSQLDA *out;
  char *buffer;
  short *nulls;
} fb_cursor;

md_code fb_cursor_open(fb_conn *conn, const char *sql, fb_cursor *cursor, md_error *err);
/* *row is false at the end. */
md_code fb_cursor_fetch(fb_cursor *cursor, bool *row, md_error *err);
void fb_cursor_close(fb_cursor *cursor);
/* Integer and string values of system-table columns (CHAR padding trimmed). */
int64_t fb_var_int(const XSQLVAR *var);
bool fb_var_is_null(const XSQLVAR *var);
void fb_var_text(const XSQLVAR *var, char *buf, size_t size);

/* A table's column as the system tables describe it. */
typedef struct fb_column_info {
  char name[64 * 4 + 1];
  short field_type;   /* RDB$FIELD_TYPE: 7 smallint, 8 integer, 16 bigint, 35 timestamp, ... */
  short sub_type;
  short scale;        /* <= 0 */
  short precision;
  short charset;      /* 1 = OCTETS */
  int char_length;    /* CHAR(n)/VARCHAR(n) in characters */
  bool not_null;
  bool is_array;
  md_type type;       /* the core type; id MD_TYPE_NULL when unsupported */
  const char *unsupported; /* why, when unsupported */
} fb_column_info;

/* The relation's exact stored name (matched case-insensitively) and its columns.
 * *columns is malloc'ed. MD_ERR_NOT_FOUND when the table does not exist. */
md_code fb_describe_table(fb_conn *conn, const char *table, char *stored_name, size_t name_size,
                          fb_column_info **columns, int *num_columns, md_error *err);
/* User tables (not views, not system), by name. */
md_code fb_list_tables(fb_conn *conn, char ***names, int *count, md_error *err);

/* Identifier quoted for SQL: "NAME" with embedded quotes doubled. */
void fb_quote(const char *name, char *buf, size_t size);

/* Firebird's DATE counts days from 1858-11-17 (the Modified Julian Day epoch);
 * 40587 of them reach 1970-01-01. Time of day is in units of 100 µs. */
#define FB_EPOCH_DAYS 40587
#define FB_TICKS_PER_DAY 864000000ll

/* Loads one table: creates it with ddl (dropping an existing one) and inserts
 * every row of stream. Commits every few thousand rows. */
md_code fb_load_table(fb_conn *conn, const char *table, const char *ddl, md_source_stream *stream,
                      md_generate_progress_fn progress, void *progress_context, int64_t expected,
                      md_error *err);

#endif
