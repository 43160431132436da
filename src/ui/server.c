/* server.c — the HTTP side of the UI: libmicrohttpd (Debian's libmicrohttpd,
 * not a parser of our own) with its internal thread pool, a GET-only access
 * handler that hands the path to router.c, and the headers every response
 * carries. Nothing here writes to the home. */
#include <arpa/inet.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui_internal.h"

#define DEFAULT_THREADS 4
#define CONNECTION_LIMIT 1024
#define CONNECTION_TIMEOUT_SECONDS 30

struct md_ui_server {
  struct MHD_Daemon *daemon;
  ui_context ctx;
  int port;
};

/* The pages load only their own script and style and talk only to this
 * origin; data never becomes markup (see app.js), and the policy makes sure
 * nothing injected could run either. */
static const char *const CSP =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

bool md_ui_address_is_loopback(const char *address) {
  struct in_addr a;
  if (!address || inet_pton(AF_INET, address, &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

typedef struct query_lookup {
  struct MHD_Connection *connection;
} query_lookup;

/* A parameter given without "=" ("?version") reads as "" so that it is
 * rejected as malformed rather than ignored. */
static const char *lookup_query(void *context, const char *name) {
  query_lookup *q = context;
  const char *value = NULL;
  size_t value_size = 0;
  if (MHD_lookup_connection_value_n(q->connection, MHD_GET_ARGUMENT_KIND, name, strlen(name), &value, &value_size) !=
      MHD_YES)
    return NULL;
  if (value && strlen(value) != value_size) return "\x01"; /* an encoded NUL: malformed */
  return value ? value : "";
}

static enum MHD_Result send_response(struct MHD_Connection *connection, ui_response *r) {
  struct MHD_Response *response;
  if (r->static_body) {
    response = MHD_create_response_from_buffer(r->static_len, (void *)r->static_body, MHD_RESPMEM_PERSISTENT);
  } else {
    if (r->body.failed) ui_respond_error(r, 500, "out of memory");
    if (r->body.failed) { /* not even the error fits */
      ui_buf_free(&r->body);
      r->status = 500;
    }
    /* MUST_FREE: libmicrohttpd frees the body with free() once it is sent. */
    response = MHD_create_response_from_buffer(r->body.len, r->body.data ? r->body.data : (void *)"",
                                               r->body.data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (response) r->body = (ui_buf){0};
  }
  if (!response) {
    ui_buf_free(&r->body);
    return MHD_NO;
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                          r->content_type ? r->content_type : "application/json");
  MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "Content-Security-Policy", CSP);
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  if (r->status == 405) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  enum MHD_Result result = MHD_queue_response(connection, (unsigned)r->status, response);
  MHD_destroy_response(response);
  return result;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **request_state) {
  (void)version;
  (void)upload_data;
  const md_ui_server *server = cls;
  ui_response r = {0};
  if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
    ui_respond_error(&r, 405, "the UI is read-only: only GET and HEAD");
    return send_response(connection, &r);
  }
  /* The first call only announces the request; answer on the second, after
   * any (ignored) body has been read. */
  if (*request_state == NULL) {
    *request_state = (void *)1;
    return MHD_YES;
  }
  if (*upload_data_size) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  query_lookup q = {connection};
  ui_route(&server->ctx, url, lookup_query, &q, &r);
  return send_response(connection, &r);
}

md_code md_ui_start(const md_ui_options *options, md_ui_server **out, md_error *err) {
  if (!options || !options->home)
    return md_error_set(err, MD_ERR_INVALID, "ui: no home given");
  const char *address = options->bind_address ? options->bind_address : "127.0.0.1";
  struct sockaddr_in sa = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1)
    return md_error_set(err, MD_ERR_INVALID, "ui: bind address '%s' is not a numeric IPv4 address", address);
  if (!md_ui_address_is_loopback(address) && !options->allow_remote)
    return md_error_set(err, MD_ERR_INVALID,
                        "ui: refusing to listen on %s: the UI has no authentication; allow it explicitly", address);
  if (options->port < 0 || options->port > 65535)
    return md_error_set(err, MD_ERR_INVALID, "ui: port %d out of range", options->port);
  sa.sin_port = htons((uint16_t)options->port);
  struct stat st;
  if (stat(options->home, &st) != 0 || !S_ISDIR(st.st_mode))
    return md_error_set(err, MD_ERR_NOT_FOUND, "ui: home %s is not a directory", options->home);

  md_ui_server *s = calloc(1, sizeof *s);
  if (!s) return md_error_set(err, MD_ERR_NOMEM, "ui: out of memory");
  s->ctx.home = realpath(options->home, NULL);
  if (!s->ctx.home) {
    free(s);
    return md_error_set(err, MD_ERR_NOMEM, "ui: %s: cannot resolve the home", options->home);
  }
  s->ctx.pipeline = options->pipeline;
  unsigned threads = options->threads > 0 ? (unsigned)options->threads : DEFAULT_THREADS;
  s->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, on_request, s,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                               MHD_OPTION_THREAD_POOL_SIZE, threads,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_SECONDS,
                               MHD_OPTION_END);
  if (!s->daemon) {
    md_ui_stop(s);
    return md_error_set(err, MD_ERR_IO, "ui: cannot listen on %s:%d (in use?)", address, options->port);
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : options->port;
  *out = s;
  return MD_OK;
}

int md_ui_port(const md_ui_server *server) { return server ? server->port : 0; }

void md_ui_stop(md_ui_server *server) {
  if (!server) return;
  if (server->daemon) MHD_stop_daemon(server->daemon);
  free(server->ctx.home);
  free(server);
}
