/* cmd_run.c — `medallion run`: resolve the configuration (flags over
 * environment over the config file over defaults: run_config.c), open the
 * source, run the healthcare pipeline with live progress (run_progress.c) and
 * print a summary table.
 *
 *   medallion run [--select SEL] [--home DIR] [--source parquet:DIR|firebird:CONN]
 *                 [--as-of YYYY-MM-DD] [--run-id UUID] [--threads N] [--config FILE] [--incremental]
 *                 [--json]
 *
 * Environment: MEDALLION_ENV (dev|prod), MEDALLION_HOME, MEDALLION_SOURCE,
 * MEDALLION_AS_OF, MEDALLION_HASH_KEY, MEDALLION_LIBDUCKDB, MEDALLION_THREADS,
 * MEDALLION_CONFIG, FIREBIRD_USER, FIREBIRD_PASSWORD. With nothing configured
 * (dev), the home is ./lakehouse and demo data is generated into
 * <home>/demo-source on first use. The hash key is never printed, logged or
 * stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_config.h"
#include "cli/run_progress.h"
#include "healthcare.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"


#define TEST_KEY "medallion-test-key"

static void usage(FILE *out) {
  fprintf(out,
          "usage: medallion run [--select SEL] [--home DIR] [--source parquet:DIR|firebird:CONN]\n"
          "                     [--as-of YYYY-MM-DD] [--run-id UUID] [--threads N] [--config FILE]\n"
          "                     [--incremental] [--json]\n"
          "  --incremental: bronze appends only rows newer than each table's last high-water mark\n"
          "  SEL: comma-separated asset or group names; +name adds upstream, name+ downstream\n"
          "  --threads N: assets run at once, and threads inside each (default: the number of CPUs)\n"
          "  environment: MEDALLION_ENV=dev|prod, MEDALLION_HOME, MEDALLION_SOURCE, MEDALLION_AS_OF,\n"
          "               MEDALLION_HASH_KEY, MEDALLION_LIBDUCKDB, MEDALLION_THREADS, MEDALLION_CONFIG,\n"
          "               FIREBIRD_USER, FIREBIRD_PASSWORD\n"
          "  config file: <home>/medallion.conf (or --config FILE, or $MEDALLION_CONFIG), lines\n"
          "               'key = value' with keys env, home, source, as_of, hash_key, libduckdb,\n"
          "               firebird_user, firebird_password, threads\n"
          "  precedence: flags > environment > config file > defaults\n");
}

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
    else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", *s);
    else fputc(*s, out);
  }
  fputc('"', out);
}

static void print_summary(const md_run *run, bool json, const hc_config *cfg) {
  int n = md_run_num_results(run);
  if (json) {
    printf("{\"run_id\":\"%s\",\"status\":\"%s\",\"seconds\":%.3f,", md_run_id(run),
           md_run_succeeded(run) ? "succeeded" : "failed", md_run_seconds(run));
    printf("\"duckdb_skipped\":");
    if (cfg->duckdb_skipped[0]) json_string(stdout, cfg->duckdb_skipped);
    else printf("null");
    printf(",\"assets\":[");
    int k = 0;
    for (int i = 0; i < n; i++) {
      const md_asset_result *r = md_run_result(run, i);
      if (r->status == MD_ASSET_NOT_SELECTED) continue;
      printf("%s{\"asset\":\"%s\",\"status\":\"%s\",\"rows_written\":%lld,\"rejects\":%lld,\"version\":%lld,"
             "\"bytes\":%lld,\"seconds\":%.3f,\"checks_failed\":%d,\"error\":",
             k++ ? "," : "", r->name, md_asset_status_name(r->status), (long long)r->rows_written, (long long)r->rejects,
             (long long)r->version, (long long)r->bytes, r->seconds, r->checks_failed);
      if (r->error[0]) json_string(stdout, r->error);
      else printf("null");
      printf("}");
    }
    printf("]}\n");
    return;
  }
  printf("\n%-34s %-10s %12s %9s %8s %9s\n", "ASSET", "STATUS", "ROWS", "REJECTS", "VERSION", "SECONDS");
  for (int i = 0; i < n; i++) {
    const md_asset_result *r = md_run_result(run, i);
    if (r->status == MD_ASSET_NOT_SELECTED) continue;
    char rows[32] = "-", version[32] = "-";
    if (r->rows_written >= 0) snprintf(rows, sizeof rows, "%lld", (long long)r->rows_written);
    if (r->version >= 0) snprintf(version, sizeof version, "%lld", (long long)r->version);
    printf("%-34s %-10s %12s %9lld %8s %9.2f%s\n", r->name, md_asset_status_name(r->status), rows, (long long)r->rejects,
           version, r->seconds, r->checks_failed ? "  check failed" : "");
  }
  printf("\nrun %s %s in %.2f s\n", md_run_id(run), md_run_succeeded(run) ? "succeeded" : "FAILED",
         md_run_seconds(run));
}

static int fail(const char *msg, const md_error *err) {
  fprintf(stderr, "medallion run: %s%s%s\n", msg, err ? ": " : "", err ? err->message : "");
  return 1;
}

int cmd_run(int argc, char **argv) {
  const char *select = NULL, *home = NULL, *source = NULL, *as_of_text = NULL, *run_id = NULL;
  const char *threads_text = NULL, *config_file = NULL;
  bool json = false, incremental = false;
  for (int i = 1; i < argc; i++) {
    const char **slot = NULL;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
      continue;
    }
    if (strcmp(argv[i], "--incremental") == 0) {
      incremental = true;
      continue;
    }
    if (strcmp(argv[i], "--select") == 0) slot = &select;
    else if (strcmp(argv[i], "--home") == 0) slot = &home;
    else if (strcmp(argv[i], "--source") == 0) slot = &source;
    else if (strcmp(argv[i], "--as-of") == 0) slot = &as_of_text;
    else if (strcmp(argv[i], "--run-id") == 0) slot = &run_id;
    else if (strcmp(argv[i], "--threads") == 0) slot = &threads_text;
    else if (strcmp(argv[i], "--config") == 0) slot = &config_file;
    if (!slot || i + 1 >= argc) {
      fprintf(stderr, "medallion run: %s '%s'\n", slot ? "missing value for" : "unknown option", argv[i]);
      usage(stderr);
      return 1;
    }
    *slot = argv[++i];
  }
  const char *flags[RUN_NUM_SETTINGS] = {[RUN_HOME] = home, [RUN_SOURCE] = source, [RUN_AS_OF] = as_of_text,
                                         [RUN_THREADS] = threads_text};
  static run_config settings; /* large; cmd_run runs once per process */
  char message[RUN_CONFIG_VALUE_MAX + 256];
  if (!run_config_resolve(&settings, flags, config_file, message, sizeof message)) return fail(message, NULL);
  const char *env_name = settings.value[RUN_ENV];
  bool prod = strcmp(env_name, "prod") == 0;
  if (!prod && strcmp(env_name, "dev") != 0) return fail("MEDALLION_ENV must be dev or prod", NULL);
  home = settings.value[RUN_HOME];
  source = settings.value[RUN_SOURCE];
  as_of_text = settings.value[RUN_AS_OF];
  int32_t as_of = (int32_t)(time(NULL) / 86400);
  if (as_of_text && !cli_parse_date(as_of_text, &as_of)) return fail("--as-of must be YYYY-MM-DD", NULL);
  int64_t threads = 0;
  if (settings.value[RUN_THREADS] && !cli_parse_count("run", "--threads", settings.value[RUN_THREADS], 0, &threads))
    return 1;

  /* The key is checked before anything is read. */
  const char *key = settings.value[RUN_HASH_KEY];
  if (!key) {
    if (prod) return fail("MEDALLION_HASH_KEY is not set (required when MEDALLION_ENV=prod)", NULL);
    fprintf(stderr, "medallion run: warning: MEDALLION_HASH_KEY is not set; using the documented test key (dev only)\n");
    key = TEST_KEY;
  }
  if (mkdir(home, 0777) != 0) {
    struct stat st;
    if (stat(home, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "medallion run: cannot create home %s\n", home);
      return 1;
    }
  }

  md_error err;
  md_source *src = NULL;
  char demo[4200] = "";
  md_code rc = MD_OK;
  if (!source) {
    if (prod) return fail("MEDALLION_SOURCE (firebird:CONNECTION) is required when MEDALLION_ENV=prod", NULL);
    snprintf(demo, sizeof demo, "%s/demo-source", home);
    char probe[4300];
    snprintf(probe, sizeof probe, "%s/billing.parquet", demo);
    if (access(probe, R_OK) != 0) {
      if (!json) fprintf(stderr, "medallion run: no source configured: generating demo data into %s\n", demo);
      md_generate_options g = {{0.01, 42, as_of}, demo, NULL, NULL, NULL};
      rc = md_generate(&g, &err);
      if (rc) return fail("generating demo data", &err);
    }
    rc = md_source_open_parquet_folder(demo, &src, &err);
  } else if (strncmp(source, "parquet:", 8) == 0) {
    if (prod) fprintf(stderr, "medallion run: warning: MEDALLION_ENV=prod with a Parquet source\n");
    rc = md_source_open_parquet_folder(source + 8, &src, &err);
  } else if (strncmp(source, "firebird:", 9) == 0) {
    md_firebird_options fb = {source + 9, settings.value[RUN_FIREBIRD_USER], settings.value[RUN_FIREBIRD_PASSWORD]};
    rc = md_source_open_firebird(&fb, &src, &err);
  } else {
    return fail("--source must be parquet:DIR or firebird:CONNECTION", NULL);
  }
  if (rc) return fail("opening the source", &err);

  md_pipeline *pipeline = NULL;
  rc = hc_pipeline_build(&pipeline, &err);
  if (rc) {
    md_source_free(src);
    return fail("building the pipeline", &err);
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  hc_config cfg = {.home = home,
                   .source = src,
                   .source_system = md_source_kind(src),
                   .key = key,
                   .key_length = strlen(key),
                   .as_of = as_of,
                   .started_at_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000,
                   .libduckdb = settings.value[RUN_LIBDUCKDB],
                   .incremental = incremental,
                   .threads = (int)(threads > 64 ? 64 : threads)};
  char as_of_iso[48];
  {
    int64_t y;
    int m, d;
    md_civil_from_days(as_of, &y, &m, &d);
    snprintf(as_of_iso, sizeof as_of_iso, "%04d-%02d-%02d", (int)(y % 10000), m, d);
  }
  char config[8192];
  snprintf(config, sizeof config, "{\"env\":\"%s\",\"home\":\"%.1024s\",\"source\":\"%s:%.1024s\",\"as_of\":\"%s\","
           "\"mode\":\"%s\"}",
           env_name, home, md_source_kind(src), source ? strchr(source, ':') + 1 : demo, as_of_iso,
           incremental ? "incremental" : "full");
  run_progress *progress = run_progress_new(stderr, isatty(fileno(stderr)), json);
  if (!json) fprintf(stderr, "medallion run: env %s, home %s, as_of %s\n", env_name, home, as_of_iso);
  md_run_options options = {.run_id = run_id,
                            .home = home,
                            .selection = select,
                            .config_json = config,
                            .resources = &cfg,
                            .progress = run_progress_update,
                            .progress_context = progress,
                            .threads = (int)(threads > 64 ? 64 : threads),
                            /* one Firebird connection serves every bronze asset */
                            .serial_group = strcmp(md_source_kind(src), "firebird") == 0 ? "bronze" : NULL};
  md_run *run = NULL;
  rc = md_pipeline_run(pipeline, &options, &run, &err);
  run_progress_free(progress);
  if (rc == MD_OK) {
    if (cfg.duckdb_skipped[0] && !json) fprintf(stderr, "medallion run: %s\n", cfg.duckdb_skipped);
    print_summary(run, json, &cfg);
  }
  int status = rc == MD_OK && md_run_succeeded(run) ? 0 : 1;
  if (rc) fail("run", &err);
  md_run_free(run);
  md_pipeline_free(pipeline);
  md_source_free(src);
  return status;
}
