/* cmd_run.c — `medallion run`: resolve the configuration (flags over
 * environment over defaults), open the source, run the healthcare pipeline and
 * print progress and a summary table.
 *
 *   medallion run [--select SEL] [--home DIR] [--source parquet:DIR|firebird:CONN]
 *                 [--as-of YYYY-MM-DD] [--run-id UUID] [--incremental] [--json]
 *
 * Environment: MEDALLION_ENV (dev|prod), MEDALLION_HOME, MEDALLION_SOURCE,
 * MEDALLION_AS_OF, MEDALLION_HASH_KEY, MEDALLION_LIBDUCKDB, FIREBIRD_USER,
 * FIREBIRD_PASSWORD. With nothing configured (dev), the home is ./lakehouse and
 * demo data is generated into <home>/demo-source on first use. The hash key is
 * never printed, logged or stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "healthcare.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"


#define TEST_KEY "medallion-test-key"

static void usage(FILE *out) {
  fprintf(out,
          "usage: medallion run [--select SEL] [--home DIR] [--source parquet:DIR|firebird:CONN]\n"
          "                     [--as-of YYYY-MM-DD] [--run-id UUID] [--incremental] [--json]\n"
          "  --incremental: bronze appends only rows newer than each table's last high-water mark\n"
          "  SEL: comma-separated asset or group names; +name adds upstream, name+ downstream\n"
          "  environment: MEDALLION_ENV=dev|prod, MEDALLION_HOME, MEDALLION_SOURCE, MEDALLION_AS_OF,\n"
          "               MEDALLION_HASH_KEY, MEDALLION_LIBDUCKDB, FIREBIRD_USER, FIREBIRD_PASSWORD\n");
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

typedef struct progress_state {
  bool json;
} progress_state;

static void on_progress(void *context, const md_asset_result *r) {
  progress_state *p = context;
  if (p->json) return;
  if (r->status == MD_ASSET_PENDING) {
    fprintf(stderr, "  %-34s running\n", r->name);
  } else if (r->status == MD_ASSET_SUCCEEDED) {
    fprintf(stderr, "  %-34s ok       %10lld rows  %7.2f s%s\n", r->name, (long long)(r->rows_written > 0 ? r->rows_written : 0),
            r->seconds, r->checks_failed ? "  (CHECK FAILED)" : "");
  } else if (r->status == MD_ASSET_FAILED) {
    fprintf(stderr, "  %-34s FAILED   %s\n", r->name, r->error);
  } else if (r->status == MD_ASSET_SKIPPED) {
    fprintf(stderr, "  %-34s skipped  (%s)\n", r->name, r->error);
  }
  fflush(stderr);
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
    if (!slot || i + 1 >= argc) {
      fprintf(stderr, "medallion run: %s '%s'\n", slot ? "missing value for" : "unknown option", argv[i]);
      usage(stderr);
      return 1;
    }
    *slot = argv[++i];
  }
  const char *env_name = env("MEDALLION_ENV") ? env("MEDALLION_ENV") : "dev";
  bool prod = strcmp(env_name, "prod") == 0;
  if (!prod && strcmp(env_name, "dev") != 0) return fail("MEDALLION_ENV must be dev or prod", NULL);
  if (!home) home = env("MEDALLION_HOME") ? env("MEDALLION_HOME") : "lakehouse";
  if (!source) source = env("MEDALLION_SOURCE");
  if (!as_of_text) as_of_text = env("MEDALLION_AS_OF");
  int32_t as_of = (int32_t)(time(NULL) / 86400);
  if (as_of_text && !cli_parse_date(as_of_text, &as_of)) return fail("--as-of must be YYYY-MM-DD", NULL);

  /* The key is checked before anything is read. */
  const char *key = env("MEDALLION_HASH_KEY");
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
    md_firebird_options fb = {source + 9, NULL, NULL};
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
                   .libduckdb = env("MEDALLION_LIBDUCKDB"),
                   .incremental = incremental};
  char as_of_iso[48];
  {
    int64_t z = (int64_t)as_of + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, y = yoe + era * 400 + (mp >= 10);
    snprintf(as_of_iso, sizeof as_of_iso, "%04d-%02d-%02d", (int)(y % 10000), (int)(mp < 10 ? mp + 3 : mp - 9),
             (int)(doy - (153 * mp + 2) / 5 + 1));
  }
  char config[8192];
  snprintf(config, sizeof config, "{\"env\":\"%s\",\"home\":\"%.1024s\",\"source\":\"%s:%.1024s\",\"as_of\":\"%s\"}",
           env_name, home, md_source_kind(src), source ? strchr(source, ':') + 1 : demo, as_of_iso);
  progress_state progress = {json};
  if (!json) fprintf(stderr, "medallion run: env %s, home %s, as_of %s\n", env_name, home, as_of_iso);
  md_run_options options = {.run_id = run_id,
                            .home = home,
                            .selection = select,
                            .config_json = config,
                            .resources = &cfg,
                            .progress = on_progress,
                            .progress_context = &progress};
  md_run *run = NULL;
  rc = md_pipeline_run(pipeline, &options, &run, &err);
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
