/* cmd_delta_cat.c — `medallion cat TABLE_DIR [--version N | --timestamp
 * ISO8601]` for a directory holding a Delta table: print the snapshot's rows
 * as canonical JSON lines (the conformance corpus format), sorted, so outputs
 * can be diffed. A timestamp selects the newest version committed at or
 * before it (UTC unless the text has a zone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/delta_open.h"
#include "medallion/medallion.h"

enum { OPT_VERSION, OPT_TIMESTAMP };

static const cli_option delta_cat_options[] = {
    [OPT_VERSION] = {"--version", "N", "print this version instead of the latest"},
    [OPT_TIMESTAMP] = {"--timestamp", "ISO8601", "print the newest version committed at or before this time"},
};

static const cli_command_spec delta_cat_spec = {
    .name = "cat",
    .usage = "TABLE_DIR [--version N | --timestamp ISO8601]",
    .summary = "Print the rows of a Delta table version as canonical JSON lines, sorted.",
    .options = delta_cat_options,
    .num_options = sizeof delta_cat_options / sizeof delta_cat_options[0],
    .min_positional = 1,
    .max_positional = 1,
};

/* "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH:MM]" to ms since the epoch. */
static bool parse_iso8601(const char *s, int64_t *ms) {
  struct tm tm = {0};
  int used = 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3) return false;
  s += used;
  int64_t fraction_ms = 0;
  if (*s == 'T' || *s == ' ') {
    used = 0;
    if (sscanf(s + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &used) != 2) return false;
    s += 1 + used;
    if (*s == ':') {
      used = 0;
      if (sscanf(s + 1, "%2d%n", &tm.tm_sec, &used) != 1) return false;
      s += 1 + used;
      if (*s == '.') {
        int digits = 0;
        for (s++; *s >= '0' && *s <= '9'; s++, digits++)
          if (digits < 3) fraction_ms = fraction_ms * 10 + (*s - '0');
        for (; digits < 3; digits++) fraction_ms *= 10;
      }
    }
  }
  int offset_minutes = 0;
  if (*s == 'Z') {
    s++;
  } else if (*s == '+' || *s == '-') {
    int h = 0, m = 0;
    used = 0;
    if (sscanf(s + 1, "%2d:%2d%n", &h, &m, &used) != 2) return false;
    offset_minutes = (*s == '-' ? -1 : 1) * (h * 60 + m);
    s += 1 + used;
  }
  if (*s) return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t t = timegm(&tm);
  *ms = ((int64_t)t - offset_minutes * 60) * 1000 + fraction_ms;
  return true;
}

int cmd_delta_cat(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&delta_cat_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *path = args.positional[0];
  cli_snapshot_choice choice = {.version = -1};
  if (args.values[OPT_VERSION] && args.values[OPT_TIMESTAMP])
    return cli_fail("cat: give --version or --timestamp, not both");
  if (args.values[OPT_VERSION] && !cli_parse_count("cat", "--version", args.values[OPT_VERSION], 0, &choice.version))
    return 1;
  if (args.values[OPT_TIMESTAMP]) {
    choice.by_timestamp = parse_iso8601(args.values[OPT_TIMESTAMP], &choice.timestamp_ms);
    if (!choice.by_timestamp)
      return cli_fail("cat: --timestamp wants ISO 8601 (2024-01-31T12:00:00Z), not '%s'", args.values[OPT_TIMESTAMP]);
  }
  md_error err;
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  char *text = NULL;
  size_t len = 0;
  md_code rc = cli_open_snapshot(path, &choice, &table, &snapshot, &err);
  if (rc == MD_OK) rc = md_delta_snapshot_canonical(snapshot, &text, &len, &err);
  int status = rc == MD_OK ? 0 : cli_fail_error(&err, path);
  if (rc == MD_OK && fwrite(text, 1, len, stdout) != len) status = cli_fail("cat: cannot write to standard output");
  free(text);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return status;
}
