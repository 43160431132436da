/* args.h — the small command-line toolkit every cmd_*.c shares: option parsing
 * ("--name value", "--name=value", flags, positionals, "--" and --help), number
 * parsing, and the one-line "medallion: ..." error report.
 *
 * Commands return exit statuses: 0 success, 1 data or usage error. */
#ifndef MEDALLION_CLI_ARGS_H
#define MEDALLION_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "medallion/core.h"

#define CLI_MAX_OPTIONS 16
#define CLI_MAX_POSITIONAL 8

typedef struct cli_option {
  const char *name;       /* "--codec" */
  const char *value_name; /* "NAME" for an option that takes a value; NULL for a flag */
  const char *help;       /* one line */
} cli_option;

typedef struct cli_command_spec {
  const char *name;       /* "cp" */
  const char *usage;      /* "SRC.parquet DST.parquet [options]" */
  const char *summary;    /* what the command does, one or more lines */
  const cli_option *options;
  int num_options;
  int min_positional;
  int max_positional;
} cli_command_spec;

typedef struct cli_args {
  /* Per option, in spec order: its value, "" for a flag that was given, NULL if absent. */
  const char *values[CLI_MAX_OPTIONS];
  const char *positional[CLI_MAX_POSITIONAL];
  int num_positional;
} cli_args;

typedef enum cli_parse_result { CLI_PARSED = 0, CLI_FAILED = 1, CLI_HELP_SHOWN = 2 } cli_parse_result;

/* Parses argv[1..argc) (argv[0] is the command name). Prints the command's help
 * to stdout for --help/-h (CLI_HELP_SHOWN) or a usage error to stderr (CLI_FAILED). */
cli_parse_result cli_args_parse(const cli_command_spec *spec, int argc, char **argv, cli_args *out);
void cli_print_command_help(const cli_command_spec *spec, FILE *out);

/* Prints "medallion: <message>" and a newline to stderr; returns 1 (the exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a library error; prefixes "<path>: " unless the message already names
 * the file (by path or base name). path may be NULL. */
int cli_fail_error(const md_error *err, const char *path);

/* Parses a non-negative integer with an optional k/m/g (x1024) suffix, >= minimum.
 * On error prints "medallion: <command>: <option>: ..." and returns false. */
bool cli_parse_count(const char *command, const char *option, const char *text, int64_t minimum,
                     int64_t *out);

/* Parses YYYY-MM-DD (as --as-of takes it) into days since 1970-01-01, proleptic
 * Gregorian. Returns false on anything else; prints nothing. */
bool cli_parse_date(const char *text, int32_t *days);

#endif
