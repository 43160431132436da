/* cmd_delta_cat.c — `medallion cat TABLE_DIR [--version N]` for a directory
 * holding a Delta table: print the snapshot's rows as canonical JSON lines
 * (the conformance corpus format), sorted, so outputs can be diffed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/medallion.h"

int cmd_delta_cat(int argc, char **argv) {
  const char *path = NULL;
  int64_t version = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
      char *end = NULL;
      version = strtoll(argv[++i], &end, 10);
      if (!*argv[i] || *end || version < 0) {
        fprintf(stderr, "medallion cat: --version wants a version number, not '%s'\n", argv[i]);
        return 1;
      }
    } else if (!path && argv[i][0] != '-') {
      path = argv[i];
    } else {
      fprintf(stderr, "usage: medallion cat TABLE_DIR [--version N]\n");
      return 1;
    }
  }
  if (!path) {
    fprintf(stderr, "usage: medallion cat TABLE_DIR [--version N]\n");
    return 1;
  }
  md_error err;
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  char *text = NULL;
  size_t len = 0;
  md_code rc = md_delta_table_open(path, &table, &err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, version, &snapshot, &err);
  if (rc == MD_OK) rc = md_delta_snapshot_canonical(snapshot, &text, &len, &err);
  if (rc == MD_OK && fwrite(text, 1, len, stdout) != len) {
    fprintf(stderr, "medallion cat: write failed\n");
    rc = MD_ERR_IO;
  } else if (rc != MD_OK) {
    fprintf(stderr, "medallion cat: %s\n", err.message);
  }
  free(text);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return rc == MD_OK ? 0 : 1;
}
