/* cmd_delta_vacuum.c — `medallion vacuum TABLE_DIR [--retain-hours H]
 * [--dry-run] [--force]`: delete (or list) the data files no version in the
 * retention window references; prints one relative path per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/medallion.h"

static const char USAGE[] = "usage: medallion vacuum TABLE_DIR [--retain-hours H] [--dry-run] [--force]\n";

int cmd_delta_vacuum(int argc, char **argv) {
  const char *path = NULL;
  md_delta_vacuum_options o = {0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--retain-hours") == 0 && i + 1 < argc) {
      char *end = NULL;
      o.retain_hours = strtod(argv[++i], &end);
      if (!*argv[i] || *end || o.retain_hours < 0) {
        fprintf(stderr, "medallion: vacuum: --retain-hours wants a number of hours, not '%s'\n", argv[i]);
        return 1;
      }
      o.retain_zero = o.retain_hours == 0;
    } else if (strcmp(argv[i], "--dry-run") == 0) {
      o.dry_run = true;
    } else if (strcmp(argv[i], "--force") == 0) {
      o.force = true;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("%s", USAGE);
      return 0;
    } else if (!path && argv[i][0] != '-') {
      path = argv[i];
    } else {
      fprintf(stderr, "medallion: vacuum: unexpected argument '%s' (try 'medallion vacuum --help')\n", argv[i]);
      return 1;
    }
  }
  if (!path) {
    fprintf(stderr, "medallion: vacuum: missing argument TABLE_DIR\n");
    return 1;
  }
  md_error err;
  md_delta_vacuum_result *result = NULL;
  if (md_delta_vacuum(path, &o, &result, &err) != MD_OK) {
    fprintf(stderr, "medallion: vacuum: %s\n", err.message);
    return 1;
  }
  for (int64_t i = 0; i < md_delta_vacuum_count(result); i++) printf("%s\n", md_delta_vacuum_file(result, i));
  fprintf(stderr, "%s %lld file(s)\n", o.dry_run ? "would delete" : "deleted", (long long)md_delta_vacuum_count(result));
  md_delta_vacuum_result_free(result);
  return 0;
}
