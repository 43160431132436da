/* main.c — the `medallion` command: dispatch to one cmd_*.c per subcommand.
 * Exit status: 0 success, 1 data or usage error (one "medallion: ..." line on stderr). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "medallion/medallion.h"

/* `cat` serves Parquet files and Delta tables: an operand that is a Delta table
 * directory decides (any operand, so that `cat --version 3 DIR` works too). */
static int cmd_cat_any(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-' && md_delta_is_table(argv[i])) return cmd_delta_cat(argc, argv);
  return cmd_cat(argc, argv);
}

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"assets", cmd_assets, "print the pipeline's assets and their dependencies"},
    {"cat", cmd_cat_any,
     "print a Parquet file or a Delta table (TABLE_DIR [--version N | --timestamp ISO8601]) as JSON lines"},
    {"cp", cmd_cp, "rewrite a Parquet file (codec, row group size, page size, dictionary)"},
    {"demo", cmd_demo, "write a sample billing file, read it back and print it"},
    {"diff", cmd_diff, "compare two tables (Delta, Parquet, SQLite or DuckDB) row by row; exit 1 when they differ"},
    {"generate", cmd_generate, "write the synthetic clinic data set (Parquet folder and/or Firebird)"},
    {"history", cmd_delta_history, "print the commits of a Delta table (TABLE_DIR [--json])"},
    {"lineage", cmd_lineage, "the table versions and runs behind a silver or gold table, back to the source"},
    {"run", cmd_run, "run the healthcare pipeline: bronze, silver, gold, legacy SQLite/DuckDB outputs"},
    {"runs", cmd_runs, "the run history (runs show ID: one run's assets, rejects and checks)"},
    {"ui", cmd_ui, "serve a read-only web UI: asset graph, runs, table history and rows, checks"},
    {"vacuum", cmd_delta_vacuum, "delete data files no recent version of a Delta table references"},
    {"write", cmd_delta_write, "load a Parquet file or Delta table into a Delta table (one commit)"},
};

static void print_usage(FILE *out) {
  fprintf(out,
          "usage: medallion <command> [options]\n"
          "       medallion <command> --help\n"
          "\n"
          "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\n"
          "options:\n"
          "  -h, --help     show this help\n"
          "  --version      print the version\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 1;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("medallion %s\n", md_version());
    return 0;
  }
  /* The UI server is long-lived and keeps glibc's defaults, which return memory. */
  if (strcmp(argv[1], "ui") != 0) cli_tune_allocator_for_batch_work();
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "medallion: unknown command '%s' (try 'medallion --help')\n", argv[1]);
  return 1;
}
