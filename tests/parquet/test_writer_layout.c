/* test_writer_layout.c — how md_parquet_writer lays a table out: row groups
 * cut at row_group_rows across batches, pages cut at page_bytes, dictionary
 * fallback to PLAIN, and atomic publication — checked by reading the files
 * back with the independent oracle. Also the writer's refusals (nested ones
 * are in test_nested_roundtrip.c). */
#include "writer_oracle.h"

#include <dirent.h>

enum { MANY_ROWS = 10000 };

/* id int64 (required), name utf8 (every 7th null, 50 distinct values or all
 * distinct), score float64 — and the JSON line the oracle prints for row i. */
static md_batch *many_rows_batch(int64_t first, int64_t count, bool distinct_names) {
  md_error err;
  md_column *id = md_column_new(md_type_make(MD_TYPE_INT64));
  md_column *name = md_column_new(md_type_make(MD_TYPE_UTF8));
  md_column *score = md_column_new(md_type_make(MD_TYPE_FLOAT64));
  for (int64_t i = first; i < first + count; i++) {
    assert_int_equal(md_column_append_int(id, i, &err), MD_OK);
    if (i % 7 == 3) {
      assert_int_equal(md_column_append_null(name, &err), MD_OK);
    } else {
      char text[64];
      int n = snprintf(text, sizeof text, "name-\xc3\xa9-%lld", (long long)(distinct_names ? i : i % 50));
      assert_int_equal(md_column_append_bytes(name, text, n, &err), MD_OK);
    }
    assert_int_equal(md_column_append_double(score, (double)(i % 1000) * 0.5, &err), MD_OK);
  }
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), &err);
  md_schema_add(schema, md_field_new("name", md_type_make(MD_TYPE_UTF8), true), &err);
  md_schema_add(schema, md_field_new("score", md_type_make(MD_TYPE_FLOAT64), true), &err);
  md_column *columns[] = {id, name, score};
  md_batch *batch = NULL;
  if (md_batch_new(schema, columns, 3, &batch, &err) != MD_OK) fail_msg("%s", err.message);
  return batch;
}

static char *many_rows_expected(int64_t count, bool distinct_names) {
  size_t cap = (size_t)count * 80 + 1, size = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  for (int64_t i = 0; i < count; i++) {
    char name[64];
    if (i % 7 == 3) snprintf(name, sizeof name, "null");
    else snprintf(name, sizeof name, "\"name-\xc3\xa9-%lld\"", (long long)(distinct_names ? i : i % 50));
    double score = (double)(i % 1000) * 0.5;
    char score_text[32];
    if (score == (double)(int64_t)score) snprintf(score_text, sizeof score_text, "%.1f", score);
    else snprintf(score_text, sizeof score_text, "%g", score);
    size += (size_t)snprintf(out + size, cap - size, "{\"id\":%lld,\"name\":%s,\"score\":%s}\n", (long long)i, name,
                             score_text);
  }
  return out;
}

static int count_occurrences(const char *text, const char *needle) {
  int n = 0;
  for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle)) n++;
  return n;
}

/* ---- a minimal Thrift compact reader, to walk the page headers ourselves */

static uint64_t varint(const uint8_t *p, size_t *at) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = p[(*at)++];
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
}

static int64_t zigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

static void skip_value(const uint8_t *p, size_t *at, int type);

/* Reads a struct, recording its integer fields 1..15 in ints (when given) and
 * the integer fields of its struct field 5 (DataPageHeader) in inner. */
static void read_struct(const uint8_t *p, size_t *at, int64_t *ints, int64_t *inner) {
  int16_t last = 0;
  for (;;) {
    uint8_t header = p[(*at)++];
    if (header == 0) return;
    int type = header & 0x0F;
    int16_t id = (header >> 4) ? (int16_t)(last + (header >> 4)) : (int16_t)zigzag(varint(p, at));
    last = id;
    if (ints && (type == 5 || type == 6) && id > 0 && id < 16) ints[id] = zigzag(varint(p, at));
    else if (inner && type == 12 && id == 5) read_struct(p, at, inner, NULL);
    else skip_value(p, at, type);
  }
}

static void skip_value(const uint8_t *p, size_t *at, int type) {
  switch (type) {
    case 1: case 2: return;
    case 3: (*at)++; return;
    case 4: case 5: case 6: varint(p, at); return;
    case 7: *at += 8; return;
    case 8: { uint64_t n = varint(p, at); *at += n; return; }
    case 9: case 10: {
      uint8_t h = p[(*at)++];
      uint64_t n = h >> 4;
      if (n == 15) n = varint(p, at);
      for (uint64_t i = 0; i < n; i++) skip_value(p, at, h & 0x0F);
      return;
    }
    case 12: read_struct(p, at, NULL, NULL); return;
    default: fail_msg("unexpected thrift type %d", type);
  }
}

/* Walks every page from byte 4 to the footer (column chunks are contiguous),
 * counting dictionary pages and data pages (PLAIN ones in *plain_pages). */
static void count_pages(const char *path, int *data_pages, int *dictionary_pages, int *plain_pages) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *bytes = malloc((size_t)size);
  assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  uint32_t footer;
  memcpy(&footer, bytes + size - 8, 4);
  size_t end = (size_t)size - 8 - footer, at = 4;
  while (at < end) {
    int64_t fields[16], data_header[16];
    for (int i = 0; i < 16; i++) fields[i] = data_header[i] = -1;
    read_struct(bytes, &at, fields, data_header);
    assert_true(fields[3] >= 0);
    if (fields[1] == 0) (*data_pages)++;
    if (fields[1] == 0 && data_header[2] == 0) (*plain_pages)++;
    if (fields[1] == 2) (*dictionary_pages)++;
    at += (size_t)fields[3];
  }
  assert_int_equal(at, end);
  free(bytes);
}

static void write_batches(const char *path, const md_parquet_write_options *options, int64_t total, int64_t batch_rows,
                          bool distinct_names) {
  md_parquet_writer *writer = NULL;
  md_error err;
  md_batch *first = many_rows_batch(0, 1, distinct_names);
  if (md_parquet_writer_open(path, md_batch_schema(first), options, &writer, &err) != MD_OK)
    fail_msg("open: %s", err.message);
  md_batch_free(first);
  for (int64_t at = 0; at < total; at += batch_rows) {
    int64_t n = total - at < batch_rows ? total - at : batch_rows;
    md_batch *batch = many_rows_batch(at, n, distinct_names);
    if (md_parquet_writer_write(writer, batch, &err) != MD_OK) fail_msg("write: %s", err.message);
    md_batch_free(batch);
  }
  if (md_parquet_writer_close(writer, &err) != MD_OK) fail_msg("close: %s", err.message);
  md_parquet_writer_free(writer);
}

/* Writes MANY_ROWS rows in batches of batch_rows to <temp>/name, checks the
 * oracle reads them all back exactly, and returns the oracle's metadata. */
static char *write_and_check_rows(char *path, size_t path_size, const char *name,
                                  const md_parquet_write_options *options, int64_t batch_rows, bool distinct_names) {
  snprintf(path, path_size, "%s/%s", test_temp_dir("writer_layout"), name);
  write_batches(path, options, MANY_ROWS, batch_rows, distinct_names);
  char *rows = oracle_run(path, false);
  char *want = many_rows_expected(MANY_ROWS, distinct_names);
  assert_string_equal(rows, want);
  free(rows);
  free(want);
  return oracle_run(path, true);
}

static void test_writer_row_groups_cut_across_batches_and_pages_cut_at_page_bytes(void **state) {
  (void)state;
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 3000;
  options.page_bytes = 1024;
  char path[4200];
  char *meta = write_and_check_rows(path, sizeof path, "many.parquet", &options, 2500, false);
  assert_non_null(strstr(meta, "\"num_rows\":10000,\"num_row_groups\":4"));
  assert_int_equal(count_occurrences(meta, "\"num_rows\":3000,"), 3);
  assert_int_equal(count_occurrences(meta, "\"num_rows\":1000,"), 1);
  /* id: 3000 distinct values per group = 12-bit indices, ~4.5 KiB per group in
   * 1 KiB pages; name and score are smaller. Several pages per chunk overall. */
  int data_pages = 0, dictionary_pages = 0, plain_pages = 0;
  count_pages(path, &data_pages, &dictionary_pages, &plain_pages);
  assert_int_equal(plain_pages, 0);
  assert_int_equal(dictionary_pages, 4 * 3);
  assert_true(data_pages >= 4 * 5);
  free(meta);
}

static void test_writer_plain_pages_without_dictionary(void **state) {
  (void)state;
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.dictionary = false;
  options.page_bytes = 4096;
  options.codec = MD_PARQUET_ZSTD;
  char path[4200];
  char *meta = write_and_check_rows(path, sizeof path, "plain.parquet", &options, MANY_ROWS, true);
  assert_int_equal(count_occurrences(meta, "RLE_DICTIONARY"), 0);
  assert_int_equal(count_occurrences(meta, "DICTIONARY_PAGE"), 0);
  assert_non_null(strstr(meta, "\"min\":\"name-\xc3\xa9-0\",\"max\":\"name-\xc3\xa9-9998\""));
  free(meta);
}

static void test_writer_dictionary_falls_back_to_plain_when_too_big_and_stays_plain(void **state) {
  (void)state;
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.dictionary_page_bytes = 2000;
  options.page_bytes = 2048;
  options.row_group_rows = 5000;
  char path[4200];
  char *meta = write_and_check_rows(path, sizeof path, "fallback.parquet", &options, 3333, true);
  /* name in row group 0 (rows 0-4999): some pages dictionary-encoded, the
   * rest PLAIN; "name-é-999" is its greatest value byte-wise. */
  const char *name = strstr(meta, "\"path\":\"name\"");
  assert_non_null(name);
  assert_non_null(strstr(name, "\"encodings\":\"PLAIN, RLE, RLE_DICTIONARY\""));
  assert_non_null(strstr(name, "\"page_types\":[\"DICTIONARY_PAGE\",\"DATA_PAGE\""));
  assert_non_null(strstr(name, "\"min\":\"name-\xc3\xa9-0\",\"max\":\"name-\xc3\xa9-999\""));
  int data_pages = 0, dictionary_pages = 0, plain_pages = 0;
  count_pages(path, &data_pages, &dictionary_pages, &plain_pages);
  /* One per column in row group 0; row group 1 starts PLAIN, since every
   * column's dictionary overflowed in row group 0. */
  assert_int_equal(dictionary_pages, 3);
  assert_true(plain_pages > 0 && plain_pages < data_pages);
  free(meta);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static void test_writer_publishes_atomically_and_free_without_close_leaves_nothing(void **state) {
  (void)state;
  char dir[4200], path[4300];
  snprintf(dir, sizeof dir, "%s", test_temp_dir("writer_layout"));
  snprintf(path, sizeof path, "%s/atomic.parquet", dir);
  md_batch *batch = many_rows_batch(0, 100, false);
  md_parquet_writer *writer = NULL;
  md_error err;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_OK);
  assert_false(file_exists(path));
  assert_int_equal(count_entries(dir), 1); /* the temporary file */
  md_parquet_writer_free(writer);
  assert_int_equal(count_entries(dir), 0);

  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_OK);
  assert_int_equal(md_parquet_writer_close(writer, &err), MD_OK);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, md_parquet_writer_file_size(writer));
  assert_int_equal(count_entries(dir), 1);
  assert_int_equal(md_parquet_writer_close(writer, &err), MD_ERR_INVALID);
  md_parquet_writer_free(writer);
  md_batch_free(batch);
}

static void expect_write_error(const column_case *c, md_code code, const char *fragment) {
  md_batch *batch = batch_of(c, 1, 2);
  char path[4200];
  snprintf(path, sizeof path, "%s/bad.parquet", test_temp_dir("writer_layout"));
  md_parquet_writer *writer = NULL;
  md_error err;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), code);
  if (!strstr(err.message, fragment)) fail_msg("expected '%s' in '%s'", fragment, err.message);
  assert_int_equal(md_parquet_writer_close(writer, &err), MD_ERR_INVALID);
  md_parquet_writer_free(writer);
  assert_false(file_exists(path));
  md_batch_free(batch);
}

static void test_writer_refuses_values_parquet_cannot_hold(void **state) {
  (void)state;
  const column_case seconds = {"ts", {MD_TYPE_TIMESTAMP, .unit = MD_SECOND}, true, {"1", "9223372036854775807"}};
  expect_write_error(&seconds, MD_ERR_OVERFLOW, "bad.parquet: row group 0: column ts: row 1: timestamp");
  const column_case sub_milli = {"iv", {MD_TYPE_INTERVAL_MDN}, true, {"1,2,3000000", "0,0,1"}};
  expect_write_error(&sub_milli, MD_ERR_OVERFLOW, "column iv: row 1: interval");
  const column_case too_wide = {"d", {MD_TYPE_DECIMAL128, .precision = 5, .scale = 0}, true, {"1", "99999999999"}};
  expect_write_error(&too_wide, MD_ERR_OVERFLOW, "column d: row 1: decimal");
}

static void test_writer_refuses_lzo_and_null_in_required_column(void **state) {
  (void)state;
  md_error err;
  md_parquet_writer *writer = NULL;
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.codec = MD_PARQUET_LZO;
  md_schema *flat = md_schema_new();
  md_schema_add(flat, md_field_new("x", md_type_make(MD_TYPE_INT32), false), &err);
  assert_int_equal(md_parquet_writer_open("/tmp/never.parquet", flat, &options, &writer, &err), MD_ERR_UNSUPPORTED);
  md_schema_free(flat);

  /* A non-nullable field whose column still carries a null. */
  md_column *column = md_column_new(md_type_make(MD_TYPE_INT32));
  md_column_append_int(column, 1, &err);
  md_column_append_null(column, &err);
  md_schema *required = md_schema_new();
  md_schema_add(required, md_field_new("x", md_type_make(MD_TYPE_INT32), false), &err);
  md_batch *batch = NULL;
  if (md_batch_new(required, &column, 1, &batch, &err) != MD_OK) return; /* core refuses it first: fine */
  char path[4200];
  snprintf(path, sizeof path, "%s/required.parquet", test_temp_dir("writer_layout"));
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &writer, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(writer, batch, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "column x: null value in a non-nullable column"));
  md_parquet_writer_free(writer);
  md_batch_free(batch);
}

int main(void) {
  if (!oracle_script()) return oracle_missing("test_writer_layout");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_row_groups_cut_across_batches_and_pages_cut_at_page_bytes),
      cmocka_unit_test(test_writer_plain_pages_without_dictionary),
      cmocka_unit_test(test_writer_dictionary_falls_back_to_plain_when_too_big_and_stays_plain),
      cmocka_unit_test(test_writer_publishes_atomically_and_free_without_close_leaves_nothing),
      cmocka_unit_test(test_writer_refuses_values_parquet_cannot_hold),
      cmocka_unit_test(test_writer_refuses_lzo_and_null_in_required_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
