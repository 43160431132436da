/* test_reader_dictionary_reuse.c — dictionary pages are decompressed into a
 * buffer the reader keeps from chunk to chunk, and fixed-width dictionaries
 * are read in place from it (or from the file mapping when uncompressed).
 * These tests prove that reuse never shows one chunk's dictionary to another:
 * row groups whose dictionaries grow, shrink and grow again, several data
 * pages per chunk, nulls, every flat type the direct and general paths
 * handle, snappy and uncompressed, read fresh and into recycled batches on one
 * thread and on several, all equal the values written. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "support.h"

enum { GROUP_ROWS = 5000, GROUPS = 5, COLUMNS = 6 };

/* Distinct values per row group: large, tiny, larger, one, medium. */
static int64_t distinct_in_group(int group) {
  static const int64_t d[GROUPS] = {3000, 3, 4999, 1, 700};
  return d[group];
}

static bool is_null(int64_t row, int column) { return column > 0 && (row * 7 + column) % 13 == 0; }

static int64_t value_of(int64_t row) {
  int group = (int)(row / GROUP_ROWS);
  int64_t key = (row * 2654435761u) % distinct_in_group(group);
  return key * 1000003 + group * 17 - 40000; /* groups differ, negatives too */
}

static md_schema *schema(void) {
  md_schema *s = md_schema_new();
  md_schema_add(s, md_field_new("i64", md_type_make(MD_TYPE_INT64), false), NULL);
  md_schema_add(s, md_field_new("i32", md_type_make(MD_TYPE_INT32), true), NULL);
  md_schema_add(s, md_field_new("f64", md_type_make(MD_TYPE_FLOAT64), true), NULL);
  md_schema_add(s, md_field_new("s", md_type_make(MD_TYPE_UTF8), true), NULL);
  md_schema_add(s, md_field_new("dec", md_type_decimal(12, 2), true), NULL);
  md_schema_add(s, md_field_new("b", md_type_make(MD_TYPE_BOOL), true), NULL);
  return s;
}

static void write_file(const char *path, md_parquet_codec codec) {
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.codec = codec;
  options.row_group_rows = GROUP_ROWS;
  options.page_bytes = 4096; /* several data pages per chunk */
  md_schema *s = schema();
  md_parquet_writer *w = NULL;
  md_error err;
  assert_int_equal(md_parquet_writer_open(path, s, &options, &w, &err), MD_OK);
  md_column *cols[COLUMNS];
  for (int c = 0; c < COLUMNS; c++) cols[c] = md_column_new(md_field_type(md_schema_field(s, c)));
  for (int64_t row = 0; row < (int64_t)GROUP_ROWS * GROUPS; row++) {
    int64_t v = value_of(row);
    char text[32];
    int len = snprintf(text, sizeof text, "v%" PRId64, v);
    for (int c = 0; c < COLUMNS; c++) {
      md_code rc;
      if (is_null(row, c)) rc = md_column_append_null(cols[c], &err);
      else if (c == 0 || c == 1) rc = md_column_append_int(cols[c], c == 0 ? v : (int32_t)v, &err);
      else if (c == 2) rc = md_column_append_double(cols[c], (double)v / 4, &err);
      else if (c == 3) rc = md_column_append_bytes(cols[c], text, len, &err);
      else if (c == 4) rc = md_column_append_decimal(cols[c], v < 0 ? -1 : 0, (uint64_t)v, &err);
      else rc = md_column_append_bool(cols[c], v % 3 == 0, &err);
      assert_int_equal(rc, MD_OK);
    }
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(md_schema_copy(s), cols, COLUMNS, &batch, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(w, batch, &err), MD_OK);
  assert_int_equal(md_parquet_writer_close(w, &err), MD_OK);
  md_parquet_writer_free(w);
  md_batch_free(batch);
  md_schema_free(s);
}

static void check_group(const md_batch *b, int group) {
  assert_int_equal(md_batch_num_rows(b), GROUP_ROWS);
  for (int64_t i = 0; i < GROUP_ROWS; i++) {
    int64_t row = (int64_t)group * GROUP_ROWS + i, v = value_of(row);
    for (int c = 0; c < COLUMNS; c++) {
      const md_column *col = md_batch_column(b, c);
      if (md_column_is_null(col, i) != is_null(row, c)) fail_msg("row %lld column %d: validity", (long long)row, c);
      if (is_null(row, c)) continue;
      const void *values = md_column_values(col);
      bool same;
      if (c == 0) same = ((const int64_t *)values)[i] == v;
      else if (c == 1) same = ((const int32_t *)values)[i] == (int32_t)v;
      else if (c == 2) same = ((const double *)values)[i] == (double)v / 4;
      else if (c == 3) {
        char text[32];
        int len = snprintf(text, sizeof text, "v%" PRId64, v);
        const int32_t *o = md_column_offsets(col);
        same = o[i + 1] - o[i] == len && memcmp(md_column_data(col) + o[i], text, (size_t)len) == 0;
      } else if (c == 4) {
        int64_t low, high;
        memcpy(&low, (const uint8_t *)values + i * 16, 8);
        memcpy(&high, (const uint8_t *)values + i * 16 + 8, 8);
        same = low == v && high == (v < 0 ? -1 : 0);
      } else {
        same = md_bit_get(values, i) == (v % 3 == 0);
      }
      if (!same) fail_msg("row %lld column %d: wrong value", (long long)row, c);
    }
  }
}

static void read_back(const char *path, int threads, bool recycle, const int *order, int count) {
  md_parquet_reader *r = NULL;
  md_error err;
  assert_int_equal(md_parquet_reader_open(path, &r, &err), MD_OK);
  assert_int_equal(md_parquet_reader_set_threads(r, threads, &err), MD_OK);
  assert_int_equal(md_parquet_reader_num_row_groups(r), GROUPS);
  md_batch *batch = NULL;
  for (int k = 0; k < count; k++) {
    if (!recycle) {
      md_batch_free(batch);
      batch = NULL;
      assert_int_equal(md_parquet_reader_read_row_group(r, order[k], NULL, -1, &batch, &err), MD_OK);
    } else {
      assert_int_equal(md_parquet_reader_read_row_group_into(r, order[k], NULL, -1, &batch, &err), MD_OK);
    }
    check_group(batch, order[k]);
  }
  md_batch_free(batch);
  md_parquet_reader_free(r);
}

static void check_codec(md_parquet_codec codec, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/dict.parquet", test_temp_dir(name));
  write_file(path, codec);
  /* Forwards, then shrinking and growing dictionaries in another order, with a
   * repeat, so every buffer is reused by a chunk of another size. */
  const int forwards[] = {0, 1, 2, 3, 4}, mixed[] = {2, 3, 0, 0, 1, 4, 2};
  for (int threads = 1; threads <= 3; threads += 2) {
    read_back(path, threads, false, forwards, 5);
    read_back(path, threads, true, forwards, 5);
    read_back(path, threads, false, mixed, 7);
    read_back(path, threads, true, mixed, 7);
  }
}

static void test_dictionaries_of_changing_size_read_back_with_snappy(void **state) {
  (void)state;
  check_codec(MD_PARQUET_SNAPPY, "dict_reuse_snappy");
}

static void test_dictionaries_of_changing_size_read_back_uncompressed(void **state) {
  (void)state;
  check_codec(MD_PARQUET_UNCOMPRESSED, "dict_reuse_plain");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dictionaries_of_changing_size_read_back_with_snappy),
      cmocka_unit_test(test_dictionaries_of_changing_size_read_back_uncompressed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
