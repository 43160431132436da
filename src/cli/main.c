/* main.c — the `medallion` command: dispatch to one cmd_*.c per subcommand.
 * Exit status: 0 success, 1 data or usage error (message on stderr). */
#include <stdio.h>
#include <string.h>

#include "medallion/medallion.h"

int cmd_generate(int argc, char **argv);

static void print_usage(FILE *out) {
  fprintf(out,
          "usage: medallion <command> [options]\n"
          "\n"
          "commands:\n"
          "  generate     write the synthetic clinic data set (Parquet and/or Firebird)\n"
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
  if (strcmp(argv[1], "generate") == 0) return cmd_generate(argc, argv);
  fprintf(stderr, "medallion: unknown command '%s' (try --help)\n", argv[1]);
  return 1;
}
