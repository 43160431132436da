/* cmd_runs.c — `medallion runs [--home DIR]` (the history) and
 * `medallion runs show ID [--home DIR]` (one run's assets, checks and notes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"


int cmd_runs(int argc, char **argv) {
  const char *home = getenv("MEDALLION_HOME") && *getenv("MEDALLION_HOME") ? getenv("MEDALLION_HOME") : "lakehouse";
  const char *show = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--home") == 0 && i + 1 < argc) home = argv[++i];
    else if (strcmp(argv[i], "show") == 0 && i + 1 < argc) show = argv[++i];
    else {
      fprintf(stderr, "usage: medallion runs [show RUN_ID] [--home DIR]\n");
      return 1;
    }
  }
  char *text = NULL;
  md_error err;
  md_code rc = show ? md_runs_show(home, show, &text, &err) : md_runs_list(home, 50, &text, &err);
  if (rc) {
    fprintf(stderr, "medallion runs: %s\n", err.message);
    return 1;
  }
  fputs(text, stdout);
  free(text);
  return 0;
}
