/* parquet_bench.c — Medallion's side of bench/parquet: write or read the
 * benchmark table, one phase per process so the peak RSS is that phase's own.
 *
 *   medallion_bench_parquet write FILE ROWS [ROW_GROUP_ROWS] [THREADS]
 *   medallion_bench_parquet read FILE [THREADS]
 *   medallion_bench_parquet read-nested FILE [THREADS]
 *
 * write: builds the ten-column table in memory (timed apart, not counted), then
 *        times writing it with the Parquet writer (snappy, dictionary on),
 *        encoding columns on THREADS threads (default 0: every online CPU).
 * read:  times opening the file and reading every row group with every column
 *        into Arrow-layout batches, folding each batch into a checksum so the
 *        work cannot be skipped; streaming, each batch is handed back to the
 *        reader to be refilled with the next row group (as a scan would).
 *        THREADS: the reader's decoding threads (default 0: every online CPU).
 * Prints one JSON object; the values follow the same formulas as
 * bench/duckdb_bench.mjs, so both engines' checksums must agree. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "medallion/medallion.h"

enum { COL_ID, COL_QTY, COL_AMOUNT, COL_DAY, COL_TS, COL_PRICE, COL_CATEGORY, COL_NAME, COL_FLAG, COL_REF, NUM_COLS };

static const char *const column_names[NUM_COLS] = {"id",    "qty",      "amount", "day",  "ts",
                                                   "price", "category", "name",   "flag", "ref"};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (all threads): on a loaded machine wall time
 * varies with the neighbours, CPU time much less. */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kb(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int64_t file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static md_type column_type(int c) {
  switch (c) {
    case COL_QTY: return md_type_make(MD_TYPE_INT32);
    case COL_AMOUNT: return md_type_decimal(12, 2);
    case COL_DAY: return md_type_make(MD_TYPE_DATE32);
    case COL_TS: return md_type_timestamp(MD_MICRO, false);
    case COL_PRICE: return md_type_make(MD_TYPE_FLOAT64);
    case COL_CATEGORY:
    case COL_NAME: return md_type_make(MD_TYPE_UTF8);
    case COL_FLAG: return md_type_make(MD_TYPE_BOOL);
    default: return md_type_make(MD_TYPE_INT64);
  }
}

/* ~1% nulls in every column but id, at a different row in each column. */
static bool row_is_null(int c, int64_t i) { return c != COL_ID && (i * 7 + c) % 100 == 0; }

/* what is NULL when the library's message already names the file. */
static int fail(const char *what, const md_error *err) {
  if (what) fprintf(stderr, "medallion_bench_parquet: %s: %s\n", what, err->message);
  else fprintf(stderr, "medallion_bench_parquet: %s\n", err->message);
  return 1;
}

/* Fills the columns with rows [0, rows) through the bulk building API. */
static md_code generate(md_column **cols, int64_t rows, md_error *err) {
  for (int c = 0; c < NUM_COLS; c++) {
    int64_t bytes = c == COL_CATEGORY ? rows * 11 : c == COL_NAME ? rows * 19 : 0;
    md_code code = md_column_reserve(cols[c], rows, bytes, err);
    if (code != MD_OK) return code;
  }
  uint8_t *validity[NUM_COLS] = {0};
  for (int c = COL_QTY; c < NUM_COLS; c++) {
    if (!(validity[c] = md_column_validity_mut(cols[c], err))) return err ? err->code : MD_ERR_NOMEM;
  }
  int64_t *id = md_column_values_mut(cols[COL_ID]);
  int32_t *qty = md_column_values_mut(cols[COL_QTY]);
  uint8_t *amount = md_column_values_mut(cols[COL_AMOUNT]);
  int32_t *day = md_column_values_mut(cols[COL_DAY]);
  int64_t *ts = md_column_values_mut(cols[COL_TS]);
  double *price = md_column_values_mut(cols[COL_PRICE]);
  int32_t *cat_offsets = md_column_offsets_mut(cols[COL_CATEGORY]);
  uint8_t *cat_data = md_column_data_mut(cols[COL_CATEGORY]);
  int32_t *name_offsets = md_column_offsets_mut(cols[COL_NAME]);
  uint8_t *name_data = md_column_data_mut(cols[COL_NAME]);
  uint8_t *flag = md_column_values_mut(cols[COL_FLAG]);
  int64_t *ref = md_column_values_mut(cols[COL_REF]);
  int32_t cat_used = 0, name_used = 0;
  cat_offsets[0] = name_offsets[0] = 0;
  for (int64_t i = 0; i < rows; i++) {
    uint64_t h = ((uint64_t)i * 2654435761u) % 4294967296u;
    for (int c = COL_QTY; c < NUM_COLS; c++) {
      if (row_is_null(c, i)) md_bit_clear(validity[c], i);
      else md_bit_set(validity[c], i);
    }
    id[i] = i;
    qty[i] = (int32_t)(h % 1000) - 500;
    uint64_t cents = h % 10000000u;
    memset(amount + i * 16, 0, 16);
    memcpy(amount + i * 16, &cents, 8); /* little-endian low half; high half 0 */
    day[i] = 18262 + (int32_t)(i % 2000);  /* 2020-01-01 */
    ts[i] = INT64_C(1577836800000000) + i * 1000003;
    price[i] = (double)h / 1000;
    if (!row_is_null(COL_CATEGORY, i)) cat_used += snprintf((char *)cat_data + cat_used, 12, "category_%u", (unsigned)(h % 16));
    cat_offsets[i + 1] = cat_used;
    if (!row_is_null(COL_NAME, i)) name_used += snprintf((char *)name_data + name_used, 20, "customer_%" PRIu64, h);
    name_offsets[i + 1] = name_used;
    if (h % 3 == 0) md_bit_set(flag, i);
    else md_bit_clear(flag, i);
    ref[i] = (int64_t)(h % 100000);
  }
  for (int c = 0; c < NUM_COLS; c++) md_column_set_length(cols[c], rows);
  return MD_OK;
}

static int bench_write(const char *path, int64_t rows, int64_t row_group_rows, int threads) {
  md_error err;
  md_error_clear(&err);
  md_schema *schema = md_schema_new();
  md_column *cols[NUM_COLS] = {0};
  if (!schema) return 1;
  for (int c = 0; c < NUM_COLS; c++) {
    if (md_schema_add(schema, md_field_new(column_names[c], column_type(c), c != COL_ID), &err) != MD_OK)
      return fail("schema", &err);
    if (!(cols[c] = md_column_new(column_type(c)))) return 1;
  }
  double g0 = now_seconds();
  if (generate(cols, rows, &err) != MD_OK) return fail("generate", &err);
  md_batch *batch = NULL;
  if (md_batch_new(schema, cols, NUM_COLS, &batch, &err) != MD_OK) return fail("batch", &err);
  double g1 = now_seconds();

  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.codec = MD_PARQUET_SNAPPY;
  if (row_group_rows > 0) options.row_group_rows = row_group_rows;
  options.threads = threads;
  md_parquet_writer *writer = NULL;
  double c0 = cpu_seconds();
  double t0 = now_seconds();
  if (md_parquet_writer_open(path, md_batch_schema(batch), &options, &writer, &err) != MD_OK ||
      md_parquet_writer_write(writer, batch, &err) != MD_OK || md_parquet_writer_close(writer, &err) != MD_OK) {
    md_parquet_writer_free(writer);
    return fail(NULL, &err);
  }
  double t1 = now_seconds();
  double c1 = cpu_seconds();
  md_parquet_writer_free(writer);
  md_batch_free(batch);
  printf("{\"engine\":\"medallion\",\"phase\":\"write\",\"rows\":%" PRId64 ",\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
         "\"generate_seconds\":%.6f,\"bytes\":%" PRId64 ",\"threads\":%d,\"max_rss_kb\":%ld}\n",
         rows, t1 - t0, c1 - c0, g1 - g0, file_size(path), threads, max_rss_kb());
  return 0;
}

typedef struct checksum {
  int64_t rows, sum_id, sum_qty, days, tss, category_bytes, name_bytes, flags, sum_ref;
  __int128 sum_amount;
  double sum_price;
} checksum;

static int64_t sum_valid_int(const md_column *col, int width) {
  int64_t sum = 0, n = md_column_length(col);
  const uint8_t *validity = md_column_validity(col);
  const void *values = md_column_values(col);
  for (int64_t i = 0; i < n; i++) {
    if (validity && !md_bit_get(validity, i)) continue;
    sum += width == 4 ? ((const int32_t *)values)[i] : ((const int64_t *)values)[i];
  }
  return sum;
}

static void fold_batch(checksum *sum, const md_batch *batch) {
  int64_t n = md_batch_num_rows(batch);
  sum->rows += n;
  sum->sum_id += sum_valid_int(md_batch_column(batch, COL_ID), 8);
  sum->sum_qty += sum_valid_int(md_batch_column(batch, COL_QTY), 4);
  sum->sum_ref += sum_valid_int(md_batch_column(batch, COL_REF), 8);
  sum->days += n - md_column_null_count(md_batch_column(batch, COL_DAY));
  sum->tss += n - md_column_null_count(md_batch_column(batch, COL_TS));
  const md_column *amount = md_batch_column(batch, COL_AMOUNT);
  const uint8_t *amount_values = md_column_values(amount);
  const md_column *price = md_batch_column(batch, COL_PRICE);
  const double *price_values = md_column_values(price);
  const md_column *flag = md_batch_column(batch, COL_FLAG);
  const uint8_t *flag_bits = md_column_values(flag);
  /* Straight from the bitmaps (no call per value): the fold is not what is
   * being measured, so it should cost as little as DuckDB's aggregates. */
  const uint8_t *amount_valid = md_column_validity(amount), *price_valid = md_column_validity(price);
  const uint8_t *flag_valid = md_column_validity(flag);
  for (int64_t i = 0; i < n; i++) {
    if (!amount_valid || md_bit_get(amount_valid, i)) {
      int64_t low;
      memcpy(&low, amount_values + i * 16, 8); /* values fit in the low half */
      sum->sum_amount += low;
    }
    if (!price_valid || md_bit_get(price_valid, i)) sum->sum_price += price_values[i];
    if ((!flag_valid || md_bit_get(flag_valid, i)) && md_bit_get(flag_bits, i)) sum->flags++;
  }
  for (int c = COL_CATEGORY; c <= COL_NAME; c++) {
    const md_column *col = md_batch_column(batch, c);
    const int32_t *offsets = md_column_offsets(col);
    int64_t bytes = n ? offsets[n] - offsets[0] : 0;
    if (c == COL_CATEGORY) sum->category_bytes += bytes;
    else sum->name_bytes += bytes;
  }
}

/* Times opening path and reading every row group fully, each batch folded by
 * fold(state, batch) before the reader refills it with the next row group.
 * check(schema) says whether the file is the expected table. Returns 0, or 1
 * after printing the error. */
static int read_all(const char *path, int threads, bool (*check)(const md_schema *),
                    void (*fold)(void *, const md_batch *), void *state, double *seconds, double *cpu) {
  md_error err;
  md_error_clear(&err);
  double c0 = cpu_seconds();
  double t0 = now_seconds();
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open(path, &reader, &err) != MD_OK) return fail(NULL, &err);
  if (md_parquet_reader_set_threads(reader, threads, &err) != MD_OK) {
    md_parquet_reader_free(reader);
    return fail(NULL, &err);
  }
  if (!check(md_parquet_reader_schema(reader))) {
    md_parquet_reader_free(reader);
    fprintf(stderr, "medallion_bench_parquet: %s: not the benchmark table\n", path);
    return 1;
  }
  md_batch *batch = NULL;
  for (int g = 0; g < md_parquet_reader_num_row_groups(reader); g++) {
    if (md_parquet_reader_read_row_group_into(reader, g, NULL, -1, &batch, &err) != MD_OK) {
      md_parquet_reader_free(reader);
      return fail(NULL, &err);
    }
    fold(state, batch);
  }
  md_batch_free(batch);
  md_parquet_reader_free(reader);
  *seconds = now_seconds() - t0;
  *cpu = cpu_seconds() - c0;
  return 0;
}

static bool is_flat_table(const md_schema *schema) { return md_schema_num_fields(schema) == NUM_COLS; }

static void fold_flat(void *state, const md_batch *batch) { fold_batch(state, batch); }

static int bench_read(const char *path, int threads) {
  checksum sum = {0};
  double seconds, cpu;
  if (read_all(path, threads, is_flat_table, fold_flat, &sum, &seconds, &cpu)) return 1;
  int64_t amount_int = (int64_t)(sum.sum_amount / 100), amount_frac = (int64_t)(sum.sum_amount % 100);
  printf("{\"engine\":\"medallion\",\"phase\":\"read\",\"rows\":%" PRId64 ",\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
         "\"bytes\":%" PRId64 ",\"checksum\":{\"rows\":\"%" PRId64 "\",\"sum_id\":\"%" PRId64 "\",\"sum_qty\":\"%" PRId64
         "\",\"sum_amount\":\"%" PRId64 ".%02" PRId64 "\",\"days\":\"%" PRId64 "\",\"tss\":\"%" PRId64
         "\",\"sum_price\":\"%.4f\",\"category_bytes\":\"%" PRId64 "\",\"name_bytes\":\"%" PRId64
         "\",\"flags\":\"%" PRId64 "\",\"sum_ref\":\"%" PRId64 "\"},\"threads\":%d,\"max_rss_kb\":%ld}\n",
         sum.rows, seconds, cpu, file_size(path), sum.rows, sum.sum_id, sum.sum_qty, amount_int, amount_frac, sum.days,
         sum.tss, sum.sum_price, sum.category_bytes, sum.name_bytes, sum.flags, sum.sum_ref, threads, max_rss_kb());
  return 0;
}

/* The nested case: a file DuckDB wrote (see duckdb_bench.mjs, write-nested)
 * with id int64, l list<int64>, s struct<a int64, b double, c utf8>; every
 * row group is read fully and folded the way DuckDB's query folds it. */
typedef struct nested_checksum {
  int64_t rows, list_values, sum_list, sum_a, c_bytes;
  double sum_b;
} nested_checksum;

static void fold_nested(nested_checksum *sum, const md_batch *batch) {
  int64_t n = md_batch_num_rows(batch);
  sum->rows += n;
  md_column *list = (md_column *)md_batch_column(batch, 1), *st = (md_column *)md_batch_column(batch, 2);
  const uint8_t *list_valid = md_column_validity(list);
  const int32_t *offsets = md_column_offsets(list);
  const md_column *items = md_column_child(list, 0);
  const int64_t *item_values = md_column_values(items);
  const uint8_t *item_valid = md_column_validity(items);
  for (int64_t i = 0; i < n; i++) {
    if (list_valid && !md_bit_get(list_valid, i)) continue;
    for (int32_t k = offsets[i]; k < offsets[i + 1]; k++) {
      if (item_valid && !md_bit_get(item_valid, k)) continue;
      sum->list_values++;
      sum->sum_list += item_values[k];
    }
  }
  const uint8_t *st_valid = md_column_validity(st);
  const md_column *a = md_column_child(st, 0), *b = md_column_child(st, 1), *c = md_column_child(st, 2);
  const int64_t *a_values = md_column_values(a);
  const double *b_values = md_column_values(b);
  const int32_t *c_offsets = md_column_offsets(c);
  const uint8_t *a_valid = md_column_validity(a), *b_valid = md_column_validity(b), *c_valid = md_column_validity(c);
  for (int64_t i = 0; i < n; i++) {
    if (st_valid && !md_bit_get(st_valid, i)) continue;
    if (!a_valid || md_bit_get(a_valid, i)) sum->sum_a += a_values[i];
    if (!b_valid || md_bit_get(b_valid, i)) sum->sum_b += b_values[i];
    if (!c_valid || md_bit_get(c_valid, i)) sum->c_bytes += c_offsets[i + 1] - c_offsets[i];
  }
}

static bool is_nested_table(const md_schema *schema) {
  return md_schema_num_fields(schema) == 3 && md_field_type(md_schema_field(schema, 1)).id == MD_TYPE_LIST &&
         md_field_type(md_schema_field(schema, 2)).id == MD_TYPE_STRUCT;
}

static void fold_nested_state(void *state, const md_batch *batch) { fold_nested(state, batch); }

static int bench_read_nested(const char *path, int threads) {
  nested_checksum sum = {0};
  double seconds, cpu;
  if (read_all(path, threads, is_nested_table, fold_nested_state, &sum, &seconds, &cpu)) return 1;
  printf("{\"engine\":\"medallion\",\"phase\":\"nested\",\"rows\":%" PRId64 ",\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
         "\"bytes\":%" PRId64 ",\"checksum\":{\"rows\":\"%" PRId64 "\",\"list_values\":\"%" PRId64
         "\",\"sum_list\":\"%" PRId64 "\",\"sum_a\":\"%" PRId64 "\",\"sum_b\":\"%.4f\",\"c_bytes\":\"%" PRId64
         "\"},\"threads\":%d,\"max_rss_kb\":%ld}\n",
         sum.rows, seconds, cpu, file_size(path), sum.rows, sum.list_values, sum.sum_list, sum.sum_a, sum.sum_b,
         sum.c_bytes, threads, max_rss_kb());
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "write") == 0) {
    int64_t rows = strtoll(argv[3], NULL, 10);
    int64_t row_group_rows = argc >= 5 ? strtoll(argv[4], NULL, 10) : 0;
    int write_threads = argc >= 6 ? atoi(argv[5]) : 0;
    if (rows < 1) {
      fprintf(stderr, "medallion_bench_parquet: ROWS must be positive\n");
      return 2;
    }
    return bench_write(argv[2], rows, row_group_rows, write_threads);
  }
  int threads = argc >= 4 ? atoi(argv[3]) : 0;
  if ((argc == 3 || argc == 4) && strcmp(argv[1], "read") == 0) return bench_read(argv[2], threads);
  if ((argc == 3 || argc == 4) && strcmp(argv[1], "read-nested") == 0) return bench_read_nested(argv[2], threads);
  fprintf(stderr, "usage: medallion_bench_parquet write FILE ROWS [ROW_GROUP_ROWS] [THREADS] | read FILE [THREADS] |"
                  " read-nested FILE [THREADS]\n");
  return 2;
}
