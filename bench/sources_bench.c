/* sources_bench.c — the driver bench/sources times: the generator writing the
 * seven tables, loading them into Firebird, and extracting one table through
 * the Firebird source. Prints "<rows> <seconds>" for the shell script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "medallion/medallion.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const md_error *err) {
  fprintf(stderr, "sources_bench: %s\n", err->message);
  return 1;
}

static int64_t folder_rows(const char *dir) {
  static const char *const tables[] = {"billing", "patients", "geriatric_assessments", "patient_plans",
                                       "bill_payments", "tariff_codes", "pmb_conditions"};
  int64_t rows = 0;
  for (int i = 0; i < 7; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.parquet", dir, tables[i]);
    md_parquet_reader *reader = NULL;
    if (md_parquet_reader_open(path, &reader, NULL) != MD_OK) return -1;
    rows += md_parquet_reader_num_rows(reader);
    md_parquet_reader_free(reader);
  }
  return rows;
}

int main(int argc, char **argv) {
  md_error err;
  if (argc == 5 && (strcmp(argv[1], "generate") == 0 || strcmp(argv[1], "load") == 0)) {
    bool load = strcmp(argv[1], "load") == 0;
    md_firebird_options fb = {argv[2], NULL, NULL};
    md_generate_options options = {{atof(argv[3]), strtoull(argv[4], NULL, 10), MD_GENERATOR_DEFAULT_AS_OF},
                                   load ? NULL : argv[2], load ? &fb : NULL, NULL, NULL};
    double start = now();
    if (md_generate(&options, &err) != MD_OK) return fail(&err);
    double seconds = now() - start;
    printf("%lld %.3f\n", load ? 0ll : (long long)folder_rows(argv[2]), seconds);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "extract") == 0) {
    md_firebird_options fb = {argv[2], NULL, NULL};
    double start = now();
    md_source *source = NULL;
    md_source_stream *stream = NULL;
    if (md_source_open_firebird(&fb, &source, &err) != MD_OK || md_source_scan(source, argv[3], NULL, &stream, &err) != MD_OK)
      return fail(&err);
    int64_t rows = 0;
    for (;;) {
      md_batch *batch = NULL;
      if (md_source_stream_next(stream, &batch, &err) != MD_OK) return fail(&err);
      if (!batch) break;
      rows += md_batch_num_rows(batch);
      md_batch_free(batch);
    }
    md_source_stream_free(stream);
    md_source_free(source);
    printf("%lld %.3f\n", (long long)rows, now() - start);
    return 0;
  }
  fprintf(stderr, "usage: sources_bench generate DIR SCALE SEED | load DB SCALE SEED | extract DB TABLE\n");
  return 2;
}
