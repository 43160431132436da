/* cmd_delta_history.c — `medallion history TABLE_DIR [--json]`: the commits
 * still in the Delta log, oldest first. Plain: a table for people (version,
 * UTC time, operation, parameters). --json: one JSON line per commit in the
 * form the conformance oracle prints, {"version":N,"operation":"WRITE",
 * "timestamp":MS,...}, plus the whole commitInfo. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "medallion/medallion.h"

enum { OPT_JSON };

static const cli_option history_options[] = {
    [OPT_JSON] = {"--json", NULL, "one JSON line per commit (the conformance oracle's form)"},
};

static const cli_command_spec history_spec = {
    .name = "history",
    .usage = "TABLE_DIR [--json]",
    .summary = "Print the commits still in a Delta table's log, oldest first.",
    .options = history_options,
    .num_options = sizeof history_options / sizeof history_options[0],
    .min_positional = 1,
    .max_positional = 1,
};

static void print_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_json(const md_delta_commit_info *info) {
  printf("{\"version\":%lld,\"operation\":", (long long)info->version);
  if (info->operation) print_json_string(info->operation);
  else printf("null");
  printf(",\"timestamp\":%lld", (long long)info->timestamp);
  if (info->operation_parameters) printf(",\"operationParameters\":%s", info->operation_parameters);
  if (info->engine_info) {
    printf(",\"engineInfo\":");
    print_json_string(info->engine_info);
  }
  if (info->commit_info) printf(",\"commitInfo\":%s", info->commit_info);
  printf("}\n");
}

static void print_plain(const md_delta_commit_info *info) {
  char when[64] = "-";
  if (info->timestamp >= 0) {
    time_t t = (time_t)(info->timestamp / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  printf("%-8lld %-21s %-14s %s\n", (long long)info->version, when, info->operation ? info->operation : "-",
         info->operation_parameters ? info->operation_parameters : "");
}

int cmd_delta_history(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&history_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *path = args.positional[0];
  bool json = args.values[OPT_JSON] != NULL;
  md_error err;
  md_delta_table *table = NULL;
  md_delta_history *history = NULL;
  if (md_delta_table_open(path, &table, &err) != MD_OK || md_delta_table_history(table, &history, &err) != MD_OK) {
    md_delta_table_free(table);
    return cli_fail_error(&err, path);
  }
  if (!json) printf("%-8s %-21s %-14s %s\n", "VERSION", "TIMESTAMP", "OPERATION", "PARAMETERS");
  for (int64_t i = 0; i < md_delta_history_count(history); i++) {
    md_delta_commit_info info;
    md_delta_history_entry(history, i, &info);
    if (json) print_json(&info);
    else print_plain(&info);
  }
  md_delta_history_free(history);
  md_delta_table_free(table);
  return 0;
}
