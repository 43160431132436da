/* ui.h — a read-only local web UI for a lakehouse home: the asset graph, the
 * run history, every Delta table's versions and rows, and the asset checks,
 * served over HTTP (libmicrohttpd) as static pages plus a JSON API
 * (docs/ui-api.md).
 *
 * The server never writes under the home: it opens the run store
 * (<home>/runs.sqlite) read-only and reads Delta tables under
 * <home>/{bronze,silver,gold}/<name>. It binds 127.0.0.1 unless told otherwise;
 * it has no authentication, so md_ui_start refuses any other address unless
 * allow_remote is set. Requests are answered on libmicrohttpd's own threads;
 * md_ui_stop waits for them. */
#ifndef MEDALLION_UI_H
#define MEDALLION_UI_H

#include "medallion/core.h"
#include "medallion/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_ui_options {
  const char *home;            /* lakehouse root; required */
  const char *bind_address;    /* numeric IPv4 address; NULL: "127.0.0.1" */
  int port;                    /* 0: any free port (see md_ui_port) */
  bool allow_remote;           /* permit a non-loopback bind_address */
  /* The asset graph to draw (borrowed; must outlive the server). NULL: the
   * graph is the assets the run store has seen, without edges. */
  const md_pipeline *pipeline;
  int threads;                 /* request threads; <= 0: 4 */
} md_ui_options;

typedef struct md_ui_server md_ui_server;

/* Starts serving in background threads. MD_ERR_INVALID for a bad address, a
 * missing home or a non-loopback address without allow_remote; MD_ERR_IO when
 * the port cannot be bound. */
md_code md_ui_start(const md_ui_options *options, md_ui_server **out, md_error *err);
/* The port actually bound (useful with port 0). */
int md_ui_port(const md_ui_server *server);
/* Stops accepting, finishes the requests in flight and frees. Accepts NULL. */
void md_ui_stop(md_ui_server *server);

/* true for 127.0.0.0/8 (the address must be numeric IPv4). */
bool md_ui_address_is_loopback(const char *address);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_UI_H */
