/* cmd_ui.c — `medallion ui [--home DIR] [--port N] [--bind ADDR]`: serve the
 * read-only web UI (src/ui) for a lakehouse home until SIGINT or SIGTERM.
 *
 * It binds 127.0.0.1 unless --bind names another address; the UI has no
 * authentication, so a non-loopback bind is only done when asked for
 * explicitly, and then with a warning. The healthcare pipeline's asset graph
 * is handed to the UI here, so the ui module does not depend on healthcare/.
 * The first line on stdout is "medallion ui: serving HOME at http://ADDR:PORT/"
 * (tests read the port from it when --port 0 picks a free one). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "healthcare.h"
#include "medallion/ui.h"

static const cli_option OPTIONS[] = {
    {"--home", "DIR", "the lakehouse home (default $MEDALLION_HOME, else ./lakehouse)"},
    {"--port", "N", "TCP port (default 8080; 0 picks a free one)"},
    {"--bind", "ADDR", "IPv4 address to listen on (default 127.0.0.1; anything else is reachable unauthenticated)"},
};
enum { OPT_HOME, OPT_PORT, OPT_BIND };

static const cli_command_spec SPEC = {
    "ui", "[--home DIR] [--port N] [--bind ADDR]",
    "Serve a read-only web UI for the lakehouse: the asset graph, runs, Delta table history and\n"
    "rows at any version, and asset checks. Stops on Ctrl-C (SIGINT) or SIGTERM.",
    OPTIONS, (int)(sizeof OPTIONS / sizeof OPTIONS[0]), 0, 0};

int cmd_ui(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&SPEC, argc, argv, &args);
  if (parsed == CLI_HELP_SHOWN) return 0;
  if (parsed == CLI_FAILED) return 1;
  const char *env_home = getenv("MEDALLION_HOME");
  const char *home = args.values[OPT_HOME] ? args.values[OPT_HOME] : env_home && *env_home ? env_home : "lakehouse";
  int64_t port = 8080;
  if (args.values[OPT_PORT] && (!cli_parse_count("ui", "--port", args.values[OPT_PORT], 0, &port) || port > 65535))
    return port > 65535 ? cli_fail("ui: --port: %lld is above 65535", (long long)port) : 1;
  const char *bind = args.values[OPT_BIND] ? args.values[OPT_BIND] : "127.0.0.1";
  bool remote = args.values[OPT_BIND] && !md_ui_address_is_loopback(bind);

  md_pipeline *pipeline = NULL;
  md_error err;
  if (hc_pipeline_build(&pipeline, &err)) return cli_fail("ui: building the asset graph: %s", err.message);
  /* Block the stop signals before the server's threads exist, so they inherit
   * the mask and only sigwait below receives them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);

  md_ui_options options = {.home = home, .bind_address = bind, .port = (int)port, .allow_remote = remote,
                           .pipeline = pipeline};
  md_ui_server *server = NULL;
  if (md_ui_start(&options, &server, &err)) {
    md_pipeline_free(pipeline);
    return cli_fail("%s", err.message);
  }
  if (remote)
    fprintf(stderr, "medallion ui: warning: listening on %s: the UI has NO authentication; anyone who can reach "
                    "this address can read every table in %s\n", bind, home);
  printf("medallion ui: serving %s at http://%s:%d/\n", home, bind, md_ui_port(server));
  fflush(stdout);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  fprintf(stderr, "medallion ui: %s received, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  md_ui_stop(server);
  md_pipeline_free(pipeline);
  return 0;
}
