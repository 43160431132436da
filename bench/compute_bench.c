/* compute_bench.c — the Medallion side of bench/compute.
 *
 *   medallion_bench_compute gen DIR ROWS          write DIR/fact.parquet and DIR/dim.parquet
 *   medallion_bench_compute run DIR QUERY THREADS  run one query, print one JSON line
 *
 * The data is generated here and written with our Parquet writer so that the
 * peers (bench/compute_peers.mjs) read exactly the same input. Each query runs
 * in its own process so that its peak RSS is its own. The JSON line carries
 * the wall time (from opening the files to the checksum), peak RSS and a
 * checksum of the result that the peers must reproduce. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "medallion/compute.h"
#include "medallion/parquet.h"

#define DIM_ROWS 100000
#define HMAC_KEY "bench-secret-key"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const md_error *err) {
  fprintf(stderr, "medallion_bench_compute: %s: %s\n", what, err ? err->message : "failed");
  exit(1);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* ------------------------------------------------------------------- data */

static md_schema *fact_schema(void) {
  md_schema *s = md_schema_new();
  const char *names[] = {"id", "k1", "k2", "k3", "k4", "ek", "ts", "amount", "name"};
  md_type_id types[] = {MD_TYPE_INT64, MD_TYPE_INT64, MD_TYPE_INT32, MD_TYPE_UTF8, MD_TYPE_INT32,
                        MD_TYPE_INT64, MD_TYPE_INT64, MD_TYPE_INT64, MD_TYPE_UTF8};
  for (int i = 0; i < 9; i++) md_schema_add(s, md_field_new(names[i], md_type_make(types[i]), false), NULL);
  return s;
}

static void write_parquet(const char *path, md_schema *schema, int64_t rows,
                          void (*fill)(md_column **cols, int64_t start, int64_t n)) {
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 131072;
  md_parquet_writer *writer = NULL;
  md_error err;
  if (md_parquet_writer_open(path, schema, &options, &writer, &err) != MD_OK) die(path, &err);
  int n = md_schema_num_fields(schema);
  for (int64_t start = 0; start < rows; start += 131072) {
    int64_t count = rows - start < 131072 ? rows - start : 131072;
    md_column *cols[16];
    for (int i = 0; i < n; i++) cols[i] = md_column_new(md_field_type(md_schema_field(schema, i)));
    fill(cols, start, count);
    md_batch *batch = NULL;
    if (md_batch_new(md_schema_copy(schema), cols, n, &batch, &err) != MD_OK) die("batch", &err);
    if (md_parquet_writer_write(writer, batch, &err) != MD_OK) die(path, &err);
    md_batch_free(batch);
  }
  if (md_parquet_writer_close(writer, &err) != MD_OK) die(path, &err);
  md_parquet_writer_free(writer);
  md_schema_free(schema);
}

static int64_t fact_rows;

static void fill_fact(md_column **c, int64_t start, int64_t n) {
  static const char *statuses[] = {"active", "closed", "pending", "void", "held", "new", "late", "paid"};
  for (int64_t i = start; i < start + n; i++) {
    uint64_t r = next_random();
    char text[32];
    md_column_append_int(c[0], i, NULL);
    md_column_append_int(c[1], (int64_t)(r % 200000), NULL);              /* half match the dimension */
    md_column_append_int(c[2], (int64_t)((r >> 20) % 100), NULL);
    const char *s = statuses[(r >> 28) % 8];
    md_column_append_bytes(c[3], s, (int64_t)strlen(s), NULL);
    md_column_append_int(c[4], (int64_t)((r >> 32) % 1000), NULL);
    md_column_append_int(c[5], (int64_t)(next_random() % (uint64_t)(fact_rows / 4 + 1)), NULL); /* entity */
    md_column_append_int(c[6], (int64_t)(next_random() % 1000000000), NULL);                     /* version */
    md_column_append_int(c[7], (int64_t)((r >> 40) % 100000), NULL);                            /* cents */
    int len = snprintf(text, sizeof text, "patient-%" PRIu64, (next_random() % 1000000));
    md_column_append_bytes(c[8], text, len, NULL);
  }
}

static void fill_dim(md_column **c, int64_t start, int64_t n) {
  static const char *regions[] = {"north", "south", "east", "west", "central"};
  for (int64_t i = start; i < start + n; i++) {
    md_column_append_int(c[0], i * 2, NULL);
    const char *s = regions[i % 5];
    md_column_append_bytes(c[1], s, (int64_t)strlen(s), NULL);
    md_column_append_int(c[2], (int64_t)(i % 97), NULL);
  }
}

static void generate(const char *dir, int64_t rows) {
  char path[4096];
  fact_rows = rows;
  snprintf(path, sizeof path, "%s/fact.parquet", dir);
  write_parquet(path, fact_schema(), rows, fill_fact);
  md_schema *dim = md_schema_new();
  md_schema_add(dim, md_field_new("dk", md_type_make(MD_TYPE_INT64), false), NULL);
  md_schema_add(dim, md_field_new("region", md_type_make(MD_TYPE_UTF8), false), NULL);
  md_schema_add(dim, md_field_new("weight", md_type_make(MD_TYPE_INT32), false), NULL);
  snprintf(path, sizeof path, "%s/dim.parquet", dir);
  write_parquet(path, dim, DIM_ROWS, fill_dim);
}

/* ---------------------------------------------------------------- queries */

static md_plan *scan(const char *dir, const char *file) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  const char *paths[] = {path};
  md_plan *plan = NULL;
  md_error err;
  if (md_plan_scan_parquet(paths, 1, &plan, &err) != MD_OK) die(path, &err);
  return plan;
}

/* The checksum: named integer (or float) totals over the result's columns. */
typedef struct checksum {
  const char *names[8];
  double values[8];
  int n;
} checksum;

static void add(checksum *c, const char *name, double v) {
  c->names[c->n] = name;
  c->values[c->n++] = v;
}

static int column_index(const md_batch *b, const char *name) {
  int i = md_schema_find(md_batch_schema(b), name);
  if (i < 0) {
    fprintf(stderr, "medallion_bench_compute: no column %s in the result\n", name);
    exit(1);
  }
  return i;
}

/* Sums of a column over every batch: int64/int32 exactly, float64 as double;
 * also counts non-null values. */
static void sum_column(md_batch *const *bs, int nb, const char *name, double *sum, int64_t *non_null) {
  *sum = 0;
  *non_null = 0;
  for (int b = 0; b < nb; b++) {
    md_column *c = md_batch_column(bs[b], column_index(bs[b], name));
    int64_t n = md_column_length(c);
    md_type t = md_column_type(c);
    const void *v = md_column_values(c);
    for (int64_t i = 0; i < n; i++) {
      if (md_column_is_null(c, i)) continue;
      (*non_null)++;
      if (t.id == MD_TYPE_INT64) *sum += (double)((const int64_t *)v)[i];
      else if (t.id == MD_TYPE_INT32) *sum += ((const int32_t *)v)[i];
      else if (t.id == MD_TYPE_FLOAT64) *sum += ((const double *)v)[i];
      else if (t.id == MD_TYPE_UTF8) { /* the first 6 hex digits of each value */
        const int32_t *o = md_column_offsets(c);
        char hex[7] = {0};
        memcpy(hex, md_column_data(c) + o[i], 6);
        *sum += (double)strtoul(hex, NULL, 16);
      }
    }
  }
}

static md_plan *query(const char *dir, const char *name) {
  if (strcmp(name, "filter_project") == 0) {
    md_expr *exprs[] = {md_col("id"), md_mul(md_col("amount"), md_lit_int(2)), md_col("k3")};
    const char *names[] = {"id", "a2", "k3"};
    return md_plan_project(
        md_plan_filter(scan(dir, "fact.parquet"), md_and(md_gt(md_col("amount"), md_lit_int(50000)), md_lt(md_col("k2"), md_lit_int(50)))),
        exprs, names, 3);
  }
  md_agg aggs[] = {{MD_AGG_SUM, "amount", "s"},
                   {MD_AGG_COUNT_ALL, NULL, "n"},
                   {MD_AGG_COUNT_DISTINCT, "k2", "d"},
                   {MD_AGG_MEAN, "amount", "m"}};
  if (strcmp(name, "groupby_1key") == 0) {
    const char *keys[] = {"k1"};
    return md_plan_aggregate(scan(dir, "fact.parquet"), keys, 1, aggs, 4);
  }
  if (strcmp(name, "groupby_3keys") == 0) {
    const char *keys[] = {"k2", "k3", "k4"};
    aggs[2].column = "k1";
    return md_plan_aggregate(scan(dir, "fact.parquet"), keys, 3, aggs, 4);
  }
  if (strcmp(name, "join_inner") == 0 || strcmp(name, "join_left") == 0) {
    const char *lk[] = {"k1"}, *rk[] = {"dk"};
    md_plan *join = md_plan_join(scan(dir, "fact.parquet"), scan(dir, "dim.parquet"),
                                 name[5] == 'i' ? MD_JOIN_INNER : MD_JOIN_LEFT, lk, rk, 1);
    md_expr *exprs[] = {md_col("id"), md_col("amount"), md_col("weight"), md_col("region")};
    const char *names[] = {"id", "amount", "weight", "region"};
    return md_plan_project(join, exprs, names, 4);
  }
  if (strcmp(name, "keep_latest") == 0) {
    const char *keys[] = {"ek"};
    md_plan *latest = md_plan_keep_latest(scan(dir, "fact.parquet"), keys, 1, "ts");
    md_expr *exprs[] = {md_col("ek"), md_col("amount")};
    const char *names[] = {"ek", "amount"};
    return md_plan_project(latest, exprs, names, 2);
  }
  if (strcmp(name, "hmac") == 0) {
    md_expr *exprs[] = {md_col("id"), md_hmac_sha256_hex(md_col("name"), HMAC_KEY, strlen(HMAC_KEY))};
    const char *names[] = {"id", "h"};
    return md_plan_project(scan(dir, "fact.parquet"), exprs, names, 2);
  }
  fprintf(stderr, "medallion_bench_compute: unknown query %s\n", name);
  exit(2);
}

/* Which columns each query's checksum sums (the peers sum the same). */
static const char *const *checksum_columns(const char *name) {
  static const char *fp[] = {"id", "a2", NULL}, *gb[] = {"s", "n", "d", "m", NULL},
                    *jn[] = {"id", "amount", "weight", NULL}, *kl[] = {"ek", "amount", NULL}, *hm[] = {"id", "h", NULL};
  if (strcmp(name, "filter_project") == 0) return fp;
  if (strncmp(name, "groupby", 7) == 0) return gb;
  if (strncmp(name, "join", 4) == 0) return jn;
  if (strcmp(name, "keep_latest") == 0) return kl;
  return hm;
}

static void run(const char *dir, const char *name, int threads) {
  double start = now();
  md_plan *plan = query(dir, name);
  md_exec_options options = {.threads = threads};
  md_stream *stream = NULL;
  md_error err;
  if (md_plan_execute(plan, &options, &stream, &err) != MD_OK) die(name, &err);
  md_batch **batches = NULL;
  int nb = 0, cap = 0;
  int64_t rows = 0;
  for (;;) {
    md_batch *b = NULL;
    if (md_stream_next(stream, &b, &err) != MD_OK) die(name, &err);
    if (!b) break;
    if (nb == cap) {
      cap = cap ? cap * 2 : 64;
      batches = realloc(batches, (size_t)cap * sizeof *batches);
    }
    rows += md_batch_num_rows(b);
    batches[nb++] = b;
  }
  checksum sum = {0};
  add(&sum, "rows", (double)rows);
  for (const char *const *c = checksum_columns(name); *c; c++) {
    double total;
    int64_t non_null;
    sum_column(batches, nb, *c, &total, &non_null);
    add(&sum, *c, total);
    if (strcmp(*c, "weight") == 0) add(&sum, "weight_non_null", (double)non_null);
  }
  double seconds = now() - start;
  for (int b = 0; b < nb; b++) md_batch_free(batches[b]);
  free(batches);
  md_stream_free(stream);
  md_plan_free(plan);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("{\"engine\":\"medallion\",\"query\":\"%s\",\"seconds\":%.4f,\"max_rss_kb\":%ld,\"checksum\":{", name, seconds,
         usage.ru_maxrss);
  for (int i = 0; i < sum.n; i++) printf("%s\"%s\":%.17g", i ? "," : "", sum.names[i], sum.values[i]);
  printf("}}\n");
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "gen") == 0) {
    generate(argv[2], strtoll(argv[3], NULL, 10));
    return 0;
  }
  if (argc == 5 && strcmp(argv[1], "run") == 0) {
    run(argv[2], argv[3], atoi(argv[4]));
    return 0;
  }
  fprintf(stderr, "usage: medallion_bench_compute gen DIR ROWS | run DIR QUERY THREADS\n");
  return 2;
}
