/* main.c — the `medallion` command: dispatch to one cmd_*.c per subcommand.
 * Exit status: 0 success, 1 data or usage error (message on stderr). */
#include <stdio.h>
#include <string.h>

#include "medallion/medallion.h"

int cmd_delta_history(int argc, char **argv); /* cmd_delta_history.c */
int cmd_delta_cat(int argc, char **argv);     /* cmd_delta_cat.c */
int cmd_generate(int argc, char **argv);
int cmd_run(int argc, char **argv);    /* cmd_run.c */
int cmd_runs(int argc, char **argv);   /* cmd_runs.c */
int cmd_assets(int argc, char **argv); /* cmd_assets.c */

static void print_usage(FILE *out) {
  fprintf(out,
          "usage: medallion <command> [options]\n"
          "\n"
          "commands:\n"
          "  cat TABLE_DIR [--version N]   rows of a Delta table as canonical JSON lines\n"
          "  history TABLE_DIR   commits of a Delta table\n"
          "  generate     write the synthetic clinic data set (Parquet and/or Firebird)\n"
          "  run          run the healthcare pipeline (bronze, silver, gold, legacy outputs)\n"
          "  runs [show ID]   the run history, or one run's assets and checks\n"
          "  assets       the pipeline's assets and their dependencies\n"
          "  --help       show this help\n"
          "  --version    print the version\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 1;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("medallion %s\n", md_version());
    return 0;
  }
  if (strcmp(argv[1], "cat") == 0 && argc > 2 && md_delta_is_table(argv[2])) return cmd_delta_cat(argc - 1, argv + 1);
  if (strcmp(argv[1], "history") == 0) return cmd_delta_history(argc - 1, argv + 1);
  if (strcmp(argv[1], "generate") == 0) return cmd_generate(argc, argv);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
  if (strcmp(argv[1], "runs") == 0) return cmd_runs(argc, argv);
  if (strcmp(argv[1], "assets") == 0) return cmd_assets(argc, argv);
  fprintf(stderr, "medallion: unknown command '%s' (try --help)\n", argv[1]);
  return 1;
}
