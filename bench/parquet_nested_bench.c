/* parquet_nested_bench.c — Medallion's side of bench/parquet_nested: write or
 * read the nested benchmark table, one phase per process (as parquet_bench.c).
 *
 *   medallion_bench_parquet_nested write FILE ROWS [ROW_GROUP_ROWS]
 *   medallion_bench_parquet_nested read FILE
 *
 * The table (same formulas in duckdb_nested_bench.mjs), h = (i * 2654435761) mod 2^32:
 *   id  int64 not null   i
 *   l   list<int64>      h mod 5 elements (h + 31k) mod 100000 - 50000; null when (7i + 1) mod 100 = 0
 *   s   struct<a int64, b float64, c utf8>
 *                        {h mod 1000, h / 1000, "v_" h mod 64}; null when (7i + 2) mod 100 = 0
 * Prints one JSON object; read folds every value into a checksum that must
 * equal DuckDB's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "medallion/medallion.h"

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int64_t size_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static int failed(const char *what, const md_error *err) {
  fprintf(stderr, "medallion_bench_parquet_nested: %s: %s\n", what, err->message);
  return 1;
}

static md_schema *nested_schema(md_error *err) {
  md_schema *schema = md_schema_new();
  md_field *l = md_field_new("l", md_type_make(MD_TYPE_LIST), true);
  md_field *s = md_field_new("s", md_type_make(MD_TYPE_STRUCT), true);
  if (!schema || !l || !s) return NULL;
  md_code code = md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), err);
  if (code == MD_OK) code = md_field_add_child(l, md_field_new("element", md_type_make(MD_TYPE_INT64), true), err);
  if (code == MD_OK) code = md_field_add_child(s, md_field_new("a", md_type_make(MD_TYPE_INT64), true), err);
  if (code == MD_OK) code = md_field_add_child(s, md_field_new("b", md_type_make(MD_TYPE_FLOAT64), true), err);
  if (code == MD_OK) code = md_field_add_child(s, md_field_new("c", md_type_make(MD_TYPE_UTF8), true), err);
  if (code == MD_OK) code = md_schema_add(schema, l, err);
  else md_field_free(l);
  if (code == MD_OK) code = md_schema_add(schema, s, err);
  else md_field_free(s);
  if (code != MD_OK) {
    md_schema_free(schema);
    return NULL;
  }
  return schema;
}

/* Fills the three columns through the bulk building API. */
static md_code generate(md_column **cols, int64_t rows, md_error *err) {
  md_column *elements = md_column_child(cols[1], 0);
  md_column *a = md_column_child(cols[2], 0), *b = md_column_child(cols[2], 1), *c = md_column_child(cols[2], 2);
  md_code code = MD_OK;
  if (!code) code = md_column_reserve(cols[0], rows, 0, err);
  if (!code) code = md_column_reserve(cols[1], rows, 0, err);
  if (!code) code = md_column_reserve(elements, rows * 4, 0, err);
  if (!code) code = md_column_reserve(cols[2], rows, 0, err);
  if (!code) code = md_column_reserve(a, rows, 0, err);
  if (!code) code = md_column_reserve(b, rows, 0, err);
  if (!code) code = md_column_reserve(c, rows, rows * 4, err);
  if (code) return code;
  uint8_t *l_valid = md_column_validity_mut(cols[1], err), *s_valid = md_column_validity_mut(cols[2], err);
  if (!l_valid || !s_valid) return MD_ERR_NOMEM;
  int64_t *id = md_column_values_mut(cols[0]), *element = md_column_values_mut(elements);
  int64_t *a_values = md_column_values_mut(a);
  double *b_values = md_column_values_mut(b);
  int32_t *l_offsets = md_column_offsets_mut(cols[1]), *c_offsets = md_column_offsets_mut(c);
  uint8_t *c_data = md_column_data_mut(c);
  int32_t used = 0, bytes = 0;
  l_offsets[0] = c_offsets[0] = 0;
  for (int64_t i = 0; i < rows; i++) {
    uint64_t h = ((uint64_t)i * 2654435761u) % 4294967296u;
    id[i] = i;
    if ((i * 7 + 1) % 100 == 0) {
      md_bit_clear(l_valid, i);
    } else {
      md_bit_set(l_valid, i);
      for (uint64_t k = 0; k < h % 5; k++) element[used++] = (int64_t)((h + 31 * k) % 100000) - 50000;
    }
    l_offsets[i + 1] = used;
    if ((i * 7 + 2) % 100 == 0) md_bit_clear(s_valid, i);
    else md_bit_set(s_valid, i);
    a_values[i] = (int64_t)(h % 1000);
    b_values[i] = (double)h / 1000;
    bytes += snprintf((char *)c_data + bytes, 5, "v_%u", (unsigned)(h % 64));
    c_offsets[i + 1] = bytes;
  }
  md_column_set_length(elements, used);
  md_column_set_length(a, rows);
  md_column_set_length(b, rows);
  md_column_set_length(c, rows);
  for (int k = 0; k < 3; k++) md_column_set_length(cols[k], rows);
  return MD_OK;
}

static int bench_write(const char *path, int64_t rows, int64_t row_group_rows) {
  md_error err;
  md_error_clear(&err);
  md_schema *schema = nested_schema(&err);
  if (!schema) return failed("schema", &err);
  md_column *cols[3];
  for (int k = 0; k < 3; k++)
    if (!(cols[k] = md_column_new_for_field(md_schema_field(schema, k)))) return 1;
  double g0 = clock_seconds(CLOCK_MONOTONIC);
  if (generate(cols, rows, &err) != MD_OK) return failed("generate", &err);
  md_batch *batch = NULL;
  if (md_batch_new(schema, cols, 3, &batch, &err) != MD_OK) return failed("batch", &err);
  double g1 = clock_seconds(CLOCK_MONOTONIC);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.codec = MD_PARQUET_SNAPPY;
  if (row_group_rows > 0) options.row_group_rows = row_group_rows;
  md_parquet_writer *writer = NULL;
  double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_seconds(CLOCK_MONOTONIC);
  if (md_parquet_writer_open(path, md_batch_schema(batch), &options, &writer, &err) != MD_OK ||
      md_parquet_writer_write(writer, batch, &err) != MD_OK || md_parquet_writer_close(writer, &err) != MD_OK) {
    md_parquet_writer_free(writer);
    return failed("write", &err);
  }
  double t1 = clock_seconds(CLOCK_MONOTONIC), c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  md_parquet_writer_free(writer);
  md_batch_free(batch);
  printf("{\"engine\":\"medallion\",\"phase\":\"write\",\"rows\":%" PRId64 ",\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
         "\"generate_seconds\":%.6f,\"bytes\":%" PRId64 ",\"threads\":1,\"max_rss_kb\":%ld}\n",
         rows, t1 - t0, c1 - c0, g1 - g0, size_of(path), peak_rss_kb());
  return 0;
}

typedef struct checksum {
  int64_t rows, lists, elements, sum_elements, structs, sum_a, c_bytes;
} checksum;

static void fold_batch(checksum *sum, const md_batch *batch) {
  int64_t n = md_batch_num_rows(batch);
  const md_column *l = md_batch_column(batch, 1), *s = md_batch_column(batch, 2);
  const int32_t *offsets = md_column_offsets(l);
  const md_column *elements = md_column_child(l, 0);
  const int64_t *element = md_column_values(elements);
  const int64_t *a = md_column_values(md_column_child(s, 0));
  const md_column *c = md_column_child(s, 2);
  const int32_t *c_offsets = md_column_offsets(c);
  sum->rows += n;
  for (int64_t i = 0; i < n; i++) {
    if (!md_column_is_null(l, i)) {
      sum->lists++;
      sum->elements += offsets[i + 1] - offsets[i];
      for (int32_t k = offsets[i]; k < offsets[i + 1]; k++)
        if (!md_column_is_null(elements, k)) sum->sum_elements += element[k];
    }
    if (!md_column_is_null(s, i)) {
      sum->structs++;
      sum->sum_a += a[i];
      sum->c_bytes += c_offsets[i + 1] - c_offsets[i];
    }
  }
}

static int bench_read(const char *path) {
  md_error err;
  md_error_clear(&err);
  checksum sum = {0};
  double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_seconds(CLOCK_MONOTONIC);
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open(path, &reader, &err) != MD_OK) return failed("open", &err);
  for (int g = 0; g < md_parquet_reader_num_row_groups(reader); g++) {
    md_batch *batch = NULL;
    if (md_parquet_reader_read_row_group(reader, g, NULL, -1, &batch, &err) != MD_OK) {
      md_parquet_reader_free(reader);
      return failed("read", &err);
    }
    fold_batch(&sum, batch);
    md_batch_free(batch);
  }
  md_parquet_reader_free(reader);
  double t1 = clock_seconds(CLOCK_MONOTONIC), c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  printf("{\"engine\":\"medallion\",\"phase\":\"read\",\"rows\":%" PRId64 ",\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
         "\"bytes\":%" PRId64 ",\"checksum\":{\"rows\":\"%" PRId64 "\",\"lists\":\"%" PRId64 "\",\"elements\":\"%" PRId64
         "\",\"sum_elements\":\"%" PRId64 "\",\"structs\":\"%" PRId64 "\",\"sum_a\":\"%" PRId64 "\",\"c_bytes\":\"%" PRId64
         "\"},\"threads\":1,\"max_rss_kb\":%ld}\n",
         sum.rows, t1 - t0, c1 - c0, size_of(path), sum.rows, sum.lists, sum.elements, sum.sum_elements, sum.structs,
         sum.sum_a, sum.c_bytes, peak_rss_kb());
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "write") == 0) {
    int64_t rows = strtoll(argv[3], NULL, 10);
    if (rows < 1 || rows > 100000000) {
      fprintf(stderr, "medallion_bench_parquet_nested: ROWS must be in 1..100,000,000\n");
      return 2;
    }
    return bench_write(argv[2], rows, argc >= 5 ? strtoll(argv[4], NULL, 10) : 0);
  }
  if (argc == 3 && strcmp(argv[1], "read") == 0) return bench_read(argv[2]);
  fprintf(stderr, "usage: medallion_bench_parquet_nested write FILE ROWS [ROW_GROUP_ROWS] | read FILE\n");
  return 2;
}
