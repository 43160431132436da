/* test_writer_threads.c — encoding columns on several threads
 * (md_parquet_write_options.threads) must not change a single byte of the
 * file: random schemas of flat and nested fields, in slices big enough to go
 * parallel, written on 1, 2 and 5 threads give identical files. An error in a
 * column encoded by a worker thread is reported like a serial one (naming the
 * file, the row group and the column) and leaves no file behind. */
#include "nested_gen.h"

#include <unistd.h>

enum { ROWS_PER_BATCH = 40000 }; /* above the writer's parallel threshold */

static void write_file(const char *path, const md_schema *schema, const md_parquet_write_options *options,
                       md_batch *const *batches, int count) {
  md_parquet_writer *writer = NULL;
  md_error err;
  if (md_parquet_writer_open(path, schema, options, &writer, &err) != MD_OK) fail_msg("open: %s", err.message);
  for (int b = 0; b < count; b++)
    if (md_parquet_writer_write(writer, batches[b], &err) != MD_OK) fail_msg("write %s: %s", path, err.message);
  if (md_parquet_writer_close(writer, &err) != MD_OK) fail_msg("close: %s", err.message);
  md_parquet_writer_free(writer);
}

static void test_files_are_identical_whatever_the_thread_count(void **state) {
  (void)state;
  const char *dir = test_temp_dir("writer_threads");
  for (uint64_t seed = 1; seed <= 10; seed++) {
    rng r = {seed * 7919};
    md_schema *schema = gen_schema(&r, 2, 2);
    md_error err;
    for (int i = 0; i < 5; i++) {
      char name[16];
      snprintf(name, sizeof name, "f%d", i);
      if (md_schema_add(schema, gen_leaf_field(&r, name, rng_percent(&r, 70)), &err) != MD_OK)
        fail_msg("%s", err.message);
    }
    md_parquet_write_options options;
    md_parquet_write_options_default(&options);
    static const md_parquet_codec codecs[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_ZSTD};
    options.codec = codecs[seed % 3];
    options.dictionary = seed % 4 != 0;
    if (seed % 3 == 1) options.dictionary_page_bytes = 2000; /* some chunks fall back to PLAIN midway */
    if (seed % 2 == 0) options.page_bytes = 4096 + rng_below(&r, 60000);
    if (seed % 5 == 2) options.row_group_rows = 30000; /* row groups end inside a batch */
    md_batch *batches[2] = {gen_batch(&r, schema, 0, ROWS_PER_BATCH), gen_batch(&r, schema, ROWS_PER_BATCH, ROWS_PER_BATCH)};
    static const int thread_counts[] = {1, 2, 5};
    char *first = NULL;
    size_t first_size = 0;
    for (int t = 0; t < 3; t++) {
      char path[4200];
      snprintf(path, sizeof path, "%s/seed%llu-threads%d.parquet", dir, (unsigned long long)seed, thread_counts[t]);
      options.threads = thread_counts[t];
      write_file(path, schema, &options, batches, 2);
      size_t size = 0;
      char *bytes = test_read_file(path, &size);
      if (!first) {
        first = bytes;
        first_size = size;
        continue;
      }
      if (size != first_size || memcmp(bytes, first, size) != 0)
        fail_msg("seed %llu: the file written on %d threads (%zu bytes) differs from the one on 1 thread (%zu bytes)",
                 (unsigned long long)seed, thread_counts[t], size, first_size);
      free(bytes);
    }
    free(first);
    md_batch_free(batches[0]);
    md_batch_free(batches[1]);
    md_schema_free(schema);
  }
}

static void test_an_error_on_a_worker_thread_names_the_column_and_leaves_no_file(void **state) {
  (void)state;
  md_error err;
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("a", md_type_make(MD_TYPE_INT64), true), &err);
  md_schema_add(schema, md_field_new("b", md_type_make(MD_TYPE_UTF8), true), &err);
  md_schema_add(schema, md_field_new("must_have", md_type_make(MD_TYPE_INT64), false), &err);
  md_schema_add(schema, md_field_new("d", md_type_make(MD_TYPE_FLOAT64), true), &err);
  md_column *columns[4];
  for (int c = 0; c < 4; c++) columns[c] = md_column_new(md_field_type(md_schema_field(schema, c)));
  for (int64_t i = 0; i < ROWS_PER_BATCH; i++) {
    char text[32];
    int n = snprintf(text, sizeof text, "v%lld", (long long)(i % 100));
    assert_int_equal(md_column_append_int(columns[0], i, &err), MD_OK);
    assert_int_equal(md_column_append_bytes(columns[1], text, n, &err), MD_OK);
    /* A null where the schema promised none: md_batch_new checks types and
     * lengths, not this; the writer must refuse it. */
    if (i == 30000) assert_int_equal(md_column_append_null(columns[2], &err), MD_OK);
    else assert_int_equal(md_column_append_int(columns[2], i, &err), MD_OK);
    assert_int_equal(md_column_append_double(columns[3], (double)i / 4, &err), MD_OK);
  }
  md_schema *copy = md_schema_copy(schema);
  md_batch *batch = NULL;
  if (md_batch_new(copy, columns, 4, &batch, &err) != MD_OK) fail_msg("%s", err.message);
  char path[4200];
  snprintf(path, sizeof path, "%s/bad.parquet", test_temp_dir("writer_threads"));
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.threads = 4;
  md_parquet_writer *writer = NULL;
  assert_int_equal(md_parquet_writer_open(path, schema, &options, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "bad.parquet: row group 0: column must_have"));
  assert_non_null(strstr(err.message, "null value in a non-nullable column"));
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "failed earlier"));
  md_parquet_writer_free(writer);
  assert_int_equal(access(path, F_OK), -1);
  md_batch_free(batch);
  md_schema_free(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_files_are_identical_whatever_the_thread_count),
      cmocka_unit_test(test_an_error_on_a_worker_thread_names_the_column_and_leaves_no_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
