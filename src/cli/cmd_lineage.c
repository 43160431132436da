/* cmd_lineage.c — `medallion lineage TABLE [--version N] [--home DIR]`: the
 * chain of table versions and runs behind a silver or gold table (e.g.
 * gold/grouped_billing), back to bronze and the source — what an auditor asks
 * of a gold number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"

int cmd_lineage(int argc, char **argv) {
  const char *home = getenv("MEDALLION_HOME") && *getenv("MEDALLION_HOME") ? getenv("MEDALLION_HOME") : "lakehouse";
  const char *table = NULL;
  int64_t version = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--home") == 0 && i + 1 < argc) home = argv[++i];
    else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) version = strtoll(argv[++i], NULL, 10);
    else if (argv[i][0] != '-' && !table) table = argv[i];
    else {
      fprintf(stderr, "usage: medallion lineage TABLE [--version N] [--home DIR]   (TABLE e.g. gold/grouped_billing)\n");
      return strcmp(argv[i], "--help") == 0 ? 0 : 1;
    }
  }
  if (!table) {
    fprintf(stderr, "usage: medallion lineage TABLE [--version N] [--home DIR]\n");
    return 1;
  }
  char *text = NULL;
  md_error err;
  if (md_lineage(home, table, version, &text, &err)) {
    fprintf(stderr, "medallion lineage: %s\n", err.message);
    return 1;
  }
  fputs(text, stdout);
  free(text);
  return 0;
}
