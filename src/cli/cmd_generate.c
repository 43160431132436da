/* cmd_generate.c — `medallion generate`: write the synthetic clinic of
 * PIPELINE.md §7 as Parquet files and/or into Firebird, or an update batch on
 * top of an earlier folder for incremental-run tests.
 *
 * The Firebird password comes from $FIREBIRD_PASSWORD (never the command line,
 * where other users could read it); the user from $FIREBIRD_USER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "medallion/medallion.h"

enum { OPT_SCALE, OPT_SEED, OPT_OUT, OPT_AS_OF, OPT_FIREBIRD, OPT_UPDATE_OF, OPT_FRACTION };

static const cli_option generate_options[] = {
    [OPT_SCALE] = {"--scale", "S", "size of the clinic; 1 is about a million billing lines"},
    [OPT_SEED] = {"--seed", "N", "random seed (the same seed gives the same data)"},
    [OPT_OUT] = {"--out", "DIR", "write one <table>.parquet per source table here"},
    [OPT_AS_OF] = {"--as-of", "YYYY-MM-DD", "the data's logical date"},
    [OPT_FIREBIRD] = {"--firebird", "CONNECTION", "also load the tables into Firebird"},
    [OPT_UPDATE_OF] = {"--update-of", "DIR", "write an update batch on top of this earlier folder"},
    [OPT_FRACTION] = {"--fraction", "F", "update: share of rows changed or added (0..1)"},
};

static const cli_command_spec generate_spec = {
    .name = "generate",
    .usage = "--scale S --seed N --out DIR [--as-of YYYY-MM-DD] [--firebird CONNECTION]\n"
             "       medallion generate --update-of DIR --fraction F --seed N --out DIR2",
    .summary = "Write the synthetic clinic of PIPELINE.md section 7, or an update batch for incremental runs.\n"
               "CONNECTION: /path/db.fdb (embedded) or host[/port]:/path/db.fdb; credentials from\n"
               "$FIREBIRD_USER and $FIREBIRD_PASSWORD (never the command line, where others could read them).",
    .options = generate_options,
    .num_options = sizeof generate_options / sizeof generate_options[0],
    .min_positional = 0,
    .max_positional = 0,
};

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
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&generate_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *scale = args.values[OPT_SCALE], *seed = args.values[OPT_SEED], *out = args.values[OPT_OUT],
             *as_of = args.values[OPT_AS_OF], *firebird = args.values[OPT_FIREBIRD],
             *update_of = args.values[OPT_UPDATE_OF], *fraction = args.values[OPT_FRACTION];
  char *end = NULL;
  uint64_t seed_value = 0;
  if (seed) {
    seed_value = strtoull(seed, &end, 10);
    if (!*seed || *end) {
      return cli_fail("generate: --seed must be a non-negative integer");
    }
  }
  progress_state progress = {isatty(STDERR_FILENO) != 0, ""};
  md_error err;
  md_code code;
  if (update_of) {
    double f = fraction ? strtod(fraction, &end) : -1;
    if (!fraction || *end || !(f >= 0 && f <= 1) || !out || !seed || scale || as_of || firebird) {
      return cli_fail("generate: an update needs --update-of DIR --fraction F (0..1) --seed N --out DIR2");
    }
    md_generate_update_options options = {update_of, f, seed_value, out, show_progress, &progress};
    code = md_generate_update(&options, &err);
  } else {
    double s = scale ? strtod(scale, &end) : -1;
    if (!scale || *end || !(s > 0) || !seed || (!out && !firebird) || fraction) {
      return cli_fail("generate: needs --scale S (> 0) --seed N and --out DIR and/or --firebird CONNECTION");
    }
    md_generate_options options = {{s, seed_value, MD_GENERATOR_DEFAULT_AS_OF}, out, NULL, show_progress, &progress};
    if (as_of && !cli_parse_date(as_of, &options.data.as_of)) {
      return cli_fail("generate: --as-of must be YYYY-MM-DD");
    }
    md_firebird_options fb = {firebird, NULL, NULL};
    if (firebird) options.firebird = &fb;
    code = md_generate(&options, &err);
  }
  if (progress.tty && progress.table[0]) fputc('\n', stderr);
  return code == MD_OK ? 0 : cli_fail("generate: %s", err.message);
}
