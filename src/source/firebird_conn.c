/* firebird_conn.c — attaching to Firebird (embedded or server), turning status
 * vectors into md_error values that name host and database, and the small
 * cursor the source, the loader and the catalogue queries share.
 *
 * Credentials come from the options or FIREBIRD_USER / FIREBIRD_PASSWORD; the
 * password lives only in the attach buffer, which is wiped right after use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firebird_internal.h"

md_code fb_conn_parse(const char *connection, fb_conn *conn, md_error *err) {
  memset(conn, 0, sizeof *conn);
  if (!connection || !connection[0]) return md_error_set(err, MD_ERR_INVALID, "firebird: empty connection string");
  /* "host[/port]:path": a colon before any slash-rooted path. Paths on this
   * platform start with '/' or '.', so "host:..." is never mistaken for one. */
  const char *colon = strchr(connection, ':');
  bool server = colon && connection[0] != '/' && connection[0] != '.' && colon > connection;
  conn->connection = strdup(connection);
  const char *slash = server ? memchr(connection, '/', (size_t)(colon - connection)) : NULL;
  conn->host = server ? strndup(connection, (size_t)((slash ? slash : colon) - connection)) : strdup("");
  conn->database = strdup(server ? colon + 1 : connection);
  char label[1200], port[32] = "";
  if (slash) snprintf(port, sizeof port, ", port %.*s", (int)(colon - slash - 1), slash + 1);
  if (server) snprintf(label, sizeof label, "firebird (host %s%s, database %s)", conn->host ? conn->host : "", port, colon + 1);
  else snprintf(label, sizeof label, "firebird (embedded, database %s)", connection);
  conn->label = strdup(label);
  if (!conn->connection || !conn->host || !conn->database || !conn->label) {
    fb_conn_close(conn);
    return md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  }
  return MD_OK;
}

void fb_conn_close(fb_conn *conn) {
  if (conn->db) {
    ISC_STATUS_ARRAY status;
    isc_detach_database(status, &conn->db);
  }
  free(conn->connection);
  free(conn->host);
  free(conn->database);
  free(conn->label);
  memset(conn, 0, sizeof *conn);
}

static md_code code_for(ISC_STATUS gds) {
  switch (gds) {
    case isc_login:
    case isc_login_error: return MD_ERR_INVALID;
    case isc_dsql_relation_err: return MD_ERR_NOT_FOUND;
    case isc_network_error:
    case isc_io_error:
    case isc_unavailable: return MD_ERR_IO;
    default: return MD_ERR_IO;
  }
}

md_code fb_status_error(const fb_conn *conn, const ISC_STATUS *status, md_error *err, const char *fmt, ...) {
  char what[512], text[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  char messages[MD_ERROR_MESSAGE_MAX] = "";
  size_t used = 0;
  const ISC_STATUS *vector = status;
  while (used + 3 < sizeof messages && fb_interpret(text, sizeof text, &vector) > 0) {
    int n = snprintf(messages + used, sizeof messages - used, "%s%s", used ? "; " : "", text);
    if (n < 0) break;
    used += (size_t)n;
  }
  const char *hint = status[1] == isc_login || status[1] == isc_login_error ? "wrong user name or password: " : "";
  return md_error_set(err, code_for(status[1]), "%s: %s: %s%s", conn->label, what, hint, messages);
}

static void dpb_add(char *dpb, size_t *n, size_t size, char tag, const char *value) {
  size_t len = strlen(value);
  if (len > 255 || *n + 2 + len > size) return;
  dpb[(*n)++] = tag;
  dpb[(*n)++] = (char)len;
  memcpy(dpb + *n, value, len);
  *n += len;
}

md_code fb_conn_open(const md_firebird_options *options, bool create, fb_conn *conn, md_error *err) {
  md_code code = fb_conn_parse(options ? options->connection : NULL, conn, err);
  if (code != MD_OK) return code;
  const char *user = options->user ? options->user : getenv("FIREBIRD_USER");
  const char *password = options->password ? options->password : getenv("FIREBIRD_PASSWORD");
  if (!user || !user[0]) user = "SYSDBA";
  char dpb[1024];
  size_t n = 0;
  dpb[n++] = isc_dpb_version1;
  dpb_add(dpb, &n, sizeof dpb, isc_dpb_user_name, user);
  if (password) dpb_add(dpb, &n, sizeof dpb, isc_dpb_password, password);
  dpb_add(dpb, &n, sizeof dpb, isc_dpb_lc_ctype, "UTF8");
  if (create) {
    dpb_add(dpb, &n, sizeof dpb, isc_dpb_set_db_charset, "UTF8");
    dpb[n++] = isc_dpb_page_size;
    dpb[n++] = 4;
    ISC_LONG page = 8192;
    memcpy(dpb + n, &page, 4); /* little-endian on every platform we build for */
    n += 4;
    /* A generated database is scratch data: skip the fsync of every page write,
     * which would otherwise dominate loading time. */
    dpb[n++] = isc_dpb_force_write;
    dpb[n++] = 1;
    dpb[n++] = 0;
    /* Without this the database is dialect 1, where BIGINT does not exist. */
    dpb[n++] = isc_dpb_sql_dialect;
    dpb[n++] = 4;
    ISC_LONG dialect = SQL_DIALECT_V6;
    memcpy(dpb + n, &dialect, 4);
    n += 4;
  }
  ISC_STATUS_ARRAY status;
  ISC_STATUS failed;
  if (create)
    failed = isc_create_database(status, 0, conn->connection, &conn->db, (short)n, dpb, SQL_DIALECT_V6);
  else
    failed = isc_attach_database(status, 0, conn->connection, &conn->db, (short)n, dpb);
  /* Wipe through a volatile pointer so the store is not optimised away. */
  for (volatile char *p = dpb; p < dpb + sizeof dpb; p++) *p = 0;
  if (failed) {
    code = fb_status_error(conn, status, err, create ? "cannot create database" : "cannot attach as %s", user);
    conn->db = 0;
    fb_conn_close(conn);
    return code;
  }
  return MD_OK;
}

static const char read_tpb[] = {isc_tpb_version3, isc_tpb_read, isc_tpb_concurrency, isc_tpb_wait};
static const char write_tpb[] = {isc_tpb_version3, isc_tpb_write, isc_tpb_read_committed, isc_tpb_rec_version,
                                 isc_tpb_wait};

md_code fb_execute(fb_conn *conn, const char *sql, md_error *err) {
  ISC_STATUS_ARRAY status;
  isc_tr_handle tr = 0;
  if (isc_start_transaction(status, &tr, 1, &conn->db, (unsigned short)sizeof write_tpb, write_tpb))
    return fb_status_error(conn, status, err, "cannot start a transaction");
  if (isc_dsql_execute_immediate(status, &conn->db, &tr, 0, sql, SQL_DIALECT_V6, NULL)) {
    md_code code = fb_status_error(conn, status, err, "%.120s", sql);
    isc_rollback_transaction(status, &tr);
    return code;
  }
  if (isc_commit_transaction(status, &tr)) return fb_status_error(conn, status, err, "cannot commit");
  return MD_OK;
}

/* Room for one value of var, aligned for its widest member. */
static size_t var_size(const XSQLVAR *var) {
  size_t size = (size_t)var->sqllen + ((var->sqltype & ~1) == SQL_VARYING ? 2 : 0);
  return (size + 7) & ~(size_t)7;
}

md_code fb_cursor_open(fb_conn *conn, const char *sql, fb_cursor *c, md_error *err) {
  memset(c, 0, sizeof *c);
  c->conn = conn;
  ISC_STATUS_ARRAY status;
  md_code code = MD_OK;
  if (isc_start_transaction(status, &c->tr, 1, &conn->db, (unsigned short)sizeof read_tpb, read_tpb))
    return fb_status_error(conn, status, err, "cannot start a transaction");
  c->out = calloc(1, XSQLDA_LENGTH(1));
  if (!c->out) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  if (code == MD_OK) {
    c->out->version = SQLDA_VERSION1;
    c->out->sqln = 1;
    if (isc_dsql_allocate_statement(status, &conn->db, &c->stmt) ||
        isc_dsql_prepare(status, &c->tr, &c->stmt, 0, sql, SQL_DIALECT_V6, c->out))
      code = fb_status_error(conn, status, err, "cannot prepare %.200s", sql);
  }
  if (code == MD_OK && c->out->sqld > c->out->sqln) {
    short wanted = c->out->sqld;
    free(c->out);
    c->out = calloc(1, XSQLDA_LENGTH(wanted));
    if (!c->out) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
    else {
      c->out->version = SQLDA_VERSION1;
      c->out->sqln = wanted;
      if (isc_dsql_describe(status, &c->stmt, SQL_DIALECT_V6, c->out))
        code = fb_status_error(conn, status, err, "cannot describe %.200s", sql);
    }
  }
  size_t total = 0;
  for (int i = 0; code == MD_OK && i < c->out->sqld; i++) total += var_size(&c->out->sqlvar[i]);
  if (code == MD_OK) {
    c->buffer = malloc(total ? total : 1);
    c->nulls = calloc((size_t)(c->out->sqld ? c->out->sqld : 1), sizeof *c->nulls);
    if (!c->buffer || !c->nulls) code = md_error_set(err, MD_ERR_NOMEM, "firebird: out of memory");
  }
  size_t offset = 0;
  for (int i = 0; code == MD_OK && i < c->out->sqld; i++) {
    XSQLVAR *var = &c->out->sqlvar[i];
    var->sqldata = c->buffer + offset;
    var->sqlind = &c->nulls[i];
    offset += var_size(var);
  }
  if (code == MD_OK && isc_dsql_execute(status, &c->tr, &c->stmt, SQL_DIALECT_V6, NULL))
    code = fb_status_error(conn, status, err, "cannot run %.200s", sql);
  if (code != MD_OK) fb_cursor_close(c);
  return code;
}

md_code fb_cursor_fetch(fb_cursor *c, bool *row, md_error *err) {
  ISC_STATUS_ARRAY status;
  ISC_STATUS result = isc_dsql_fetch(status, &c->stmt, SQL_DIALECT_V6, c->out);
  if (result == 100) {
    *row = false;
    return MD_OK;
  }
  if (result) return fb_status_error(c->conn, status, err, "fetch failed");
  *row = true;
  return MD_OK;
}

void fb_cursor_close(fb_cursor *c) {
  ISC_STATUS_ARRAY status;
  if (c->stmt) isc_dsql_free_statement(status, &c->stmt, DSQL_drop);
  if (c->tr) isc_commit_transaction(status, &c->tr);
  free(c->out);
  free(c->buffer);
  free(c->nulls);
  memset(c, 0, sizeof *c);
}

bool fb_var_is_null(const XSQLVAR *var) { return (var->sqltype & 1) && *var->sqlind < 0; }

int64_t fb_var_int(const XSQLVAR *var) {
  if (fb_var_is_null(var)) return 0;
  switch (var->sqltype & ~1) {
    case SQL_SHORT: { short v; memcpy(&v, var->sqldata, sizeof v); return v; }
    case SQL_LONG: { ISC_LONG v; memcpy(&v, var->sqldata, sizeof v); return v; }
    case SQL_INT64: { ISC_INT64 v; memcpy(&v, var->sqldata, sizeof v); return v; }
    default: return 0;
  }
}

void fb_var_text(const XSQLVAR *var, char *buf, size_t size) {
  buf[0] = 0;
  if (fb_var_is_null(var) || size == 0) return;
  const char *data = var->sqldata;
  size_t len = (size_t)var->sqllen;
  if ((var->sqltype & ~1) == SQL_VARYING) {
    unsigned short l;
    memcpy(&l, data, 2);
    len = l;
    data += 2;
  }
  while (len > 0 && data[len - 1] == ' ') len--;
  if (len >= size) len = size - 1;
  memcpy(buf, data, len);
  buf[len] = 0;
}

void fb_quote(const char *name, char *buf, size_t size) {
  size_t n = 0;
  if (size < 3) return;
  buf[n++] = '"';
  for (const char *p = name; *p && n + 3 < size; p++) {
    if (*p == '"') buf[n++] = '"';
    buf[n++] = *p;
  }
  buf[n++] = '"';
  buf[n] = 0;
}
