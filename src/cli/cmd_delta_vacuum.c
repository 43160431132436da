/* cmd_delta_vacuum.c — `medallion vacuum TABLE_DIR [--retain-hours H]
 * [--dry-run] [--force]`: delete (or list) the data files no version in the
 * retention window references; prints one relative path per line. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "medallion/medallion.h"

enum { OPT_RETAIN_HOURS, OPT_DRY_RUN, OPT_FORCE };

static const cli_option vacuum_options[] = {
    [OPT_RETAIN_HOURS] = {"--retain-hours", "H", "keep files referenced within the last H hours (default 168)"},
    [OPT_DRY_RUN] = {"--dry-run", NULL, "list the files that would go, delete nothing"},
    [OPT_FORCE] = {"--force", NULL, "allow a window below 168 hours"},
};

static const cli_command_spec vacuum_spec = {
    .name = "vacuum",
    .usage = "TABLE_DIR [--retain-hours H] [--dry-run] [--force]",
    .summary = "Delete the data files of a Delta table that no version in the retention window references;\n"
               "prints one relative path per line.",
    .options = vacuum_options,
    .num_options = sizeof vacuum_options / sizeof vacuum_options[0],
    .min_positional = 1,
    .max_positional = 1,
};

int cmd_delta_vacuum(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&vacuum_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *path = args.positional[0];
  md_delta_vacuum_options o = {.dry_run = args.values[OPT_DRY_RUN] != NULL, .force = args.values[OPT_FORCE] != NULL};
  const char *hours = args.values[OPT_RETAIN_HOURS];
  if (hours) {
    char *end = NULL;
    o.retain_hours = strtod(hours, &end);
    if (!*hours || *end || !(o.retain_hours >= 0))
      return cli_fail("vacuum: --retain-hours wants a number of hours, not '%s'", hours);
    o.retain_zero = o.retain_hours == 0;
  }
  md_error err;
  md_delta_vacuum_result *result = NULL;
  if (md_delta_vacuum(path, &o, &result, &err) != MD_OK) return cli_fail_error(&err, path);
  for (int64_t i = 0; i < md_delta_vacuum_count(result); i++) printf("%s\n", md_delta_vacuum_file(result, i));
  fprintf(stderr, "%s %lld file(s)\n", o.dry_run ? "would delete" : "deleted", (long long)md_delta_vacuum_count(result));
  md_delta_vacuum_result_free(result);
  return 0;
}
