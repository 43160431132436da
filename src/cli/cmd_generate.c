/* cmd_generate.c — `medallion generate`: write the synthetic clinic of
 * PIPELINE.md §7 as Parquet files and/or into Firebird, or an update batch on
 * top of an earlier folder for incremental-run tests.
 *
 *   medallion generate --scale S --seed N --out DIR [--as-of YYYY-MM-DD] [--firebird CONN]
 *   medallion generate --update-of DIR --fraction F --seed N --out DIR2
 *
 * The Firebird password comes from $FIREBIRD_PASSWORD (never the command line,
 * where other users could read it); the user from $FIREBIRD_USER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "medallion/medallion.h"

int cmd_generate(int argc, char **argv);

static void usage(FILE *out) {
  fprintf(out,
          "usage: medallion generate --scale S --seed N --out DIR [--as-of YYYY-MM-DD] [--firebird CONNECTION]\n"
          "       medallion generate --update-of DIR --fraction F --seed N --out DIR2\n"
          "  CONNECTION: /path/db.fdb (embedded) or host[/port]:/path/db.fdb;\n"
          "              credentials from $FIREBIRD_USER and $FIREBIRD_PASSWORD\n");
}

typedef struct progress_state {
  bool tty;
  char table[64];
} progress_state;

static void show_progress(void *context, const char *table, int64_t done, int64_t expected) {
  progress_state *p = context;
  if (!p->tty) return;
  if (strcmp(p->table, table) != 0 && p->table[0]) fputc('\n', stderr);
  snprintf(p->table, sizeof p->table, "%s", table);
  int percent = expected > 0 ? (int)(done * 100 / expected) : 100;
  if (percent > 100) percent = 100;
  fprintf(stderr, "\rgenerate: %-22s %12lld rows (%3d%%)", table, (long long)done, percent);
  fflush(stderr);
}

int cmd_generate(int argc, char **argv) {
  const char *scale = NULL, *seed = NULL, *out = NULL, *as_of = NULL, *firebird = NULL, *update_of = NULL,
             *fraction = NULL;
  for (int i = 1; i < argc; i++) {
    const char **slot = NULL;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(argv[i], "--scale") == 0) slot = &scale;
    else if (strcmp(argv[i], "--seed") == 0) slot = &seed;
    else if (strcmp(argv[i], "--out") == 0) slot = &out;
    else if (strcmp(argv[i], "--as-of") == 0) slot = &as_of;
    else if (strcmp(argv[i], "--firebird") == 0) slot = &firebird;
    else if (strcmp(argv[i], "--update-of") == 0) slot = &update_of;
    else if (strcmp(argv[i], "--fraction") == 0) slot = &fraction;
    if (!slot || i + 1 >= argc) {
      fprintf(stderr, "medallion generate: %s '%s'\n", slot ? "missing value for" : "unknown option", argv[i]);
      usage(stderr);
      return 1;
    }
    *slot = argv[++i];
  }
  char *end = NULL;
  uint64_t seed_value = 0;
  if (seed) {
    seed_value = strtoull(seed, &end, 10);
    if (!*seed || *end) {
      fprintf(stderr, "medallion generate: --seed must be a non-negative integer\n");
      return 1;
    }
  }
  progress_state progress = {isatty(STDERR_FILENO) != 0, ""};
  md_error err;
  md_code code;
  if (update_of) {
    double f = fraction ? strtod(fraction, &end) : -1;
    if (!fraction || *end || !(f >= 0 && f <= 1) || !out || !seed || scale || as_of || firebird) {
      fprintf(stderr, "medallion generate: an update needs --update-of DIR --fraction F (0..1) --seed N --out DIR2\n");
      return 1;
    }
    md_generate_update_options options = {update_of, f, seed_value, out, show_progress, &progress};
    code = md_generate_update(&options, &err);
  } else {
    double s = scale ? strtod(scale, &end) : -1;
    if (!scale || *end || !(s > 0) || !seed || (!out && !firebird) || fraction) {
      fprintf(stderr, "medallion generate: needs --scale S (> 0) --seed N and --out DIR and/or --firebird CONNECTION\n");
      usage(stderr);
      return 1;
    }
    md_generate_options options = {{s, seed_value, MD_GENERATOR_DEFAULT_AS_OF}, out, NULL, show_progress, &progress};
    if (as_of && !cli_parse_date(as_of, &options.data.as_of)) {
      fprintf(stderr, "medallion generate: --as-of must be YYYY-MM-DD\n");
      return 1;
    }
    md_firebird_options fb = {firebird, NULL, NULL};
    if (firebird) options.firebird = &fb;
    code = md_generate(&options, &err);
  }
  if (progress.tty && progress.table[0]) fputc('\n', stderr);
  if (code != MD_OK) {
    fprintf(stderr, "medallion generate: %s\n", err.message);
    return 1;
  }
  return 0;
}
