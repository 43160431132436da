/* test_writer_roundtrip.c — what md_parquet_writer writes, md_parquet_reader
 * reads back: every flat type cell for cell (seconds come back as milliseconds,
 * the one documented widening), key-value metadata from the schema and the
 * options, created_by, and column chunk statistics. Needs no shared/ files. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"

/* One cell as text (type-independent comparison). */
static void cell_text(const md_column *column, int64_t row, char *out, size_t size) {
  if (md_column_is_null(column, row)) {
    snprintf(out, size, "null");
    return;
  }
  md_type type = md_column_type(column);
  const uint8_t *values = md_column_values(column);
  int width = md_type_fixed_width(type);
  switch (type.id) {
    case MD_TYPE_BOOL: snprintf(out, size, "%d", md_bit_get(values, row)); return;
    case MD_TYPE_FLOAT32: {
      float f;
      memcpy(&f, values + 4 * row, 4);
      snprintf(out, size, "%a", (double)f);
      return;
    }
    case MD_TYPE_FLOAT64: {
      double d;
      memcpy(&d, values + 8 * row, 8);
      snprintf(out, size, "%a", d);
      return;
    }
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *offsets = md_column_offsets(column);
      const uint8_t *data = md_column_data(column);
      size_t at = 0;
      for (int32_t i = offsets[row]; i < offsets[row + 1] && at + 3 < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%02x", data[i]);
      if (at == 0) out[0] = '\0';
      return;
    }
    default: {
      /* Fixed-width values: raw little-endian bytes in hex, widened ints as int64. */
      if (type.id == MD_TYPE_INT8 || type.id == MD_TYPE_INT16 || type.id == MD_TYPE_INT32 ||
          type.id == MD_TYPE_INT64 || type.id == MD_TYPE_DATE32 || type.id == MD_TYPE_TIME32 ||
          type.id == MD_TYPE_TIME64 || type.id == MD_TYPE_TIMESTAMP) {
        int64_t v = 0;
        if (width == 1) v = ((const int8_t *)values)[row];
        if (width == 2) v = ((const int16_t *)(const void *)values)[row];
        if (width == 4) v = ((const int32_t *)(const void *)values)[row];
        if (width == 8) v = ((const int64_t *)(const void *)values)[row];
        snprintf(out, size, "%lld", (long long)v);
        return;
      }
      size_t at = 0;
      for (int i = 0; i < width && at + 3 < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%02x", values[(size_t)row * width + i]);
      return;
    }
  }
}

static void append_cells(md_column *column, md_type type, int case_index, md_error *err) {
  /* Four rows per column: extremes, zero/empty, null, something ordinary. */
  for (int row = 0; row < 4; row++) {
    md_code code = MD_OK;
    if (row == 2) {
      code = md_column_append_null(column, err);
    } else {
      switch (type.id) {
        case MD_TYPE_NULL: code = md_column_append_null(column, err); break;
        case MD_TYPE_BOOL: code = md_column_append_bool(column, row != 1, err); break;
        case MD_TYPE_FLOAT32:
        case MD_TYPE_FLOAT64: code = md_column_append_double(column, row == 0 ? -1.25e30 : row == 1 ? -0.0 : 3.5, err); break;
        case MD_TYPE_UTF8:
        case MD_TYPE_BINARY:
          code = row == 1 ? md_column_append_bytes(column, "", 0, err)
                          : md_column_append_bytes(column, row == 0 ? "\xc5\xbc\0x" : "plain", row == 0 ? 4 : 5, err);
          break;
        case MD_TYPE_FIXED_BINARY: code = md_column_append_bytes(column, row == 0 ? "\0\1\2\3" : "wxyz", 4, err); break;
        case MD_TYPE_DECIMAL128:
          code = md_column_append_decimal(column, row == 0 ? -1 : 0, row == 0 ? (uint64_t)-123456789 : row == 1 ? 0 : 42, err);
          break;
        case MD_TYPE_INTERVAL_MDN: {
          uint8_t raw[16] = {0};
          int32_t months = row == 0 ? 25 : 0, days = row == 0 ? 3 : 1;
          int64_t nanos = row == 0 ? 4000000 : 0;
          memcpy(raw, &months, 4);
          memcpy(raw + 4, &days, 4);
          memcpy(raw + 8, &nanos, 8);
          code = md_column_append_fixed(column, raw, err);
          break;
        }
        case MD_TYPE_UINT8: case MD_TYPE_UINT16: case MD_TYPE_UINT32: case MD_TYPE_UINT64:
          code = md_column_append_int(column, row == 0 ? -1 : row == 1 ? 0 : 7 + case_index, err);
          break;
        case MD_TYPE_TIME32: code = md_column_append_int(column, row == 0 ? 86399 : row * 5, err); break;
        default: code = md_column_append_int(column, row == 0 ? -100000 - case_index : row == 1 ? 0 : 77, err); break;
      }
    }
    if (code != MD_OK) fail_msg("append: %s", err->message);
  }
}

static const md_type round_trip_types[] = {
    {MD_TYPE_BOOL}, {MD_TYPE_INT8}, {MD_TYPE_INT16}, {MD_TYPE_INT32}, {MD_TYPE_INT64}, {MD_TYPE_UINT8},
    {MD_TYPE_UINT16}, {MD_TYPE_UINT32}, {MD_TYPE_UINT64}, {MD_TYPE_FLOAT32}, {MD_TYPE_FLOAT64}, {MD_TYPE_UTF8},
    {MD_TYPE_BINARY}, {MD_TYPE_FIXED_BINARY, 4}, {MD_TYPE_DATE32}, {MD_TYPE_TIME32, .unit = MD_MILLI},
    {MD_TYPE_TIME64, .unit = MD_MICRO}, {MD_TYPE_TIME64, .unit = MD_NANO}, {MD_TYPE_TIMESTAMP, .unit = MD_MILLI},
    {MD_TYPE_TIMESTAMP, .unit = MD_MICRO, .utc = true}, {MD_TYPE_TIMESTAMP, .unit = MD_NANO},
    {MD_TYPE_DECIMAL128, .precision = 9, .scale = 2}, {MD_TYPE_DECIMAL128, .precision = 18, .scale = 0},
    {MD_TYPE_DECIMAL128, .precision = 30, .scale = 5}, {MD_TYPE_INTERVAL_MDN},
};
#define NUM_TYPES ((int)(sizeof round_trip_types / sizeof round_trip_types[0]))

static md_batch *make_batch(bool with_metadata) {
  md_error err;
  md_schema *schema = md_schema_new();
  md_column *columns[NUM_TYPES];
  for (int i = 0; i < NUM_TYPES; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    md_schema_add(schema, md_field_new(name, round_trip_types[i], true), &err);
    columns[i] = md_column_new(round_trip_types[i]);
    append_cells(columns[i], round_trip_types[i], i, &err);
  }
  if (with_metadata) {
    md_metadata_set(md_schema_metadata(schema), "origin", "schema", &err);
    md_metadata_set(md_schema_metadata(schema), "shared", "from schema", &err);
  }
  md_batch *batch = NULL;
  if (md_batch_new(schema, columns, NUM_TYPES, &batch, &err) != MD_OK) fail_msg("%s", err.message);
  return batch;
}

static md_parquet_reader *write_then_open(const char *name, const md_batch *batch,
                                          const md_parquet_write_options *options) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", test_temp_dir("writer_roundtrip"), name);
  md_parquet_writer *writer = NULL;
  md_error err;
  if (md_parquet_writer_open(path, md_batch_schema(batch), options, &writer, &err) != MD_OK ||
      md_parquet_writer_write(writer, batch, &err) != MD_OK || md_parquet_writer_close(writer, &err) != MD_OK)
    fail_msg("write: %s", err.message);
  md_parquet_writer_free(writer);
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open(path, &reader, &err) != MD_OK) fail_msg("read: %s", err.message);
  return reader;
}

static void test_writer_round_trips_every_flat_type_through_our_reader(void **state) {
  (void)state;
  const md_parquet_codec codecs[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_GZIP,
                                     MD_PARQUET_BROTLI,       MD_PARQUET_ZSTD,   MD_PARQUET_LZ4_RAW};
  md_batch *batch = make_batch(false);
  for (int variant = 0; variant < 12; variant++) {
    md_parquet_write_options options;
    md_parquet_write_options_default(&options);
    options.codec = codecs[variant / 2];
    options.dictionary = variant % 2 == 0;
    md_parquet_reader *reader = write_then_open("types.parquet", batch, &options);
    md_batch *back = NULL;
    md_error err;
    assert_int_equal(md_parquet_reader_num_rows(reader), 4);
    if (md_parquet_reader_read_row_group(reader, 0, NULL, -1, &back, &err) != MD_OK)
      fail_msg("read row group: %s", err.message);
    assert_int_equal(md_batch_num_columns(back), NUM_TYPES);
    for (int c = 0; c < NUM_TYPES; c++) {
      const md_column *want = md_batch_column(batch, c), *got = md_batch_column(back, c);
      char want_type[64], got_type[64];
      md_type_to_string(md_column_type(want), want_type, sizeof want_type);
      md_type_to_string(md_column_type(got), got_type, sizeof got_type);
      assert_string_equal(got_type, want_type);
      for (int64_t r = 0; r < 4; r++) {
        char a[128], b[128];
        cell_text(want, r, a, sizeof a);
        cell_text(got, r, b, sizeof b);
        if (strcmp(a, b) != 0)
          fail_msg("%s, dictionary %d: column %d (%s) row %lld: wrote %s, read %s",
                   md_parquet_codec_name(options.codec), options.dictionary, c, want_type, (long long)r, a, b);
      }
    }
    md_batch_free(back);
    md_parquet_reader_free(reader);
  }
  md_batch_free(batch);
}

static void test_writer_widens_seconds_to_milliseconds(void **state) {
  (void)state;
  md_error err;
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("ts", md_type_timestamp(MD_SECOND, true), false), &err);
  md_schema_add(schema, md_field_new("t", md_type_time(MD_SECOND), false), &err);
  md_column *columns[2] = {md_column_new(md_type_timestamp(MD_SECOND, true)), md_column_new(md_type_time(MD_SECOND))};
  md_column_append_int(columns[0], -86400, &err);
  md_column_append_int(columns[1], 3600, &err);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, columns, 2, &batch, &err), MD_OK);
  md_parquet_reader *reader = write_then_open("seconds.parquet", batch, NULL);
  md_batch *back = NULL;
  assert_int_equal(md_parquet_reader_read_row_group(reader, 0, NULL, -1, &back, &err), MD_OK);
  md_type ts = md_column_type(md_batch_column(back, 0)), t = md_column_type(md_batch_column(back, 1));
  assert_true(md_type_equal(ts, md_type_timestamp(MD_MILLI, true)));
  assert_true(md_type_equal(t, md_type_time(MD_MILLI)));
  assert_int_equal(((const int64_t *)md_column_values(md_batch_column(back, 0)))[0], -86400000);
  assert_int_equal(((const int32_t *)md_column_values(md_batch_column(back, 1)))[0], 3600000);
  md_batch_free(back);
  md_parquet_reader_free(reader);
  md_batch_free(batch);
}

static void test_writer_records_metadata_and_statistics(void **state) {
  (void)state;
  md_batch *batch = make_batch(true);
  md_metadata *extra = md_metadata_new();
  md_error err;
  md_metadata_set(extra, "shared", "from options", &err);
  md_metadata_set(extra, "job", "nightly \xe2\x9c\x93", &err);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.key_value = extra;
  md_parquet_reader *reader = write_then_open("meta.parquet", batch, &options);
  const md_metadata *kv = md_schema_metadata_const(md_parquet_reader_schema(reader));
  assert_non_null(kv);
  assert_string_equal(md_metadata_get(kv, "origin"), "schema");
  assert_string_equal(md_metadata_get(kv, "shared"), "from options");
  assert_string_equal(md_metadata_get(kv, "job"), "nightly \xe2\x9c\x93");
  char expected_created_by[64];
  snprintf(expected_created_by, sizeof expected_created_by, "medallion version %s (build medallion)", md_version());
  assert_string_equal(md_parquet_reader_created_by(reader), expected_created_by);

  /* c3 int32: -100003, 0, null, 77. */
  md_parquet_chunk_info chunk;
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 3, &chunk, &err), MD_OK);
  assert_true(chunk.has_null_count);
  assert_int_equal(chunk.null_count, 1);
  assert_true(chunk.has_min_max);
  assert_false(chunk.min_max_deprecated);
  assert_int_equal(chunk.min.v.i, -100003);
  assert_int_equal(chunk.max.v.i, 77);
  assert_string_equal(chunk.encodings, "PLAIN,RLE,RLE_DICTIONARY");
  /* c7 uint32: 0xFFFFFFFF is the maximum under unsigned order. */
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 7, &chunk, &err), MD_OK);
  assert_true(chunk.has_min_max);
  assert_int_equal(chunk.min.v.u, 0);
  assert_int_equal(chunk.max.v.u, 0xFFFFFFFFu);
  /* c10 float64: -1.25e30 .. 3.5 with -0.0 in between. */
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 10, &chunk, &err), MD_OK);
  assert_true(chunk.min.v.f == -1.25e30 && chunk.max.v.f == 3.5);
  /* c11 utf8: "" is the least, "\xc5\xbc\0x" the greatest by unsigned bytes. */
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 11, &chunk, &err), MD_OK);
  assert_int_equal(chunk.min.v.bytes.length, 0);
  assert_int_equal(chunk.max.v.bytes.length, 4);
  assert_memory_equal(chunk.max.v.bytes.ptr, "\xc5\xbc\0x", 4);
  /* c23 decimal(30,5) in 13-byte FIXED_LEN_BYTE_ARRAY: signed order. */
  md_parquet_leaf_info leaf;
  assert_int_equal(md_parquet_reader_leaf(reader, 23, &leaf, &err), MD_OK);
  assert_string_equal(leaf.physical_type, "FIXED_LEN_BYTE_ARRAY");
  assert_int_equal(leaf.type_length, 13);
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 23, &chunk, &err), MD_OK);
  assert_true(chunk.has_min_max);
  assert_int_equal(chunk.min.v.decimal.high, -1);
  assert_int_equal(chunk.min.v.decimal.low, (uint64_t)-123456789);
  assert_int_equal(chunk.max.v.decimal.high, 0);
  assert_int_equal(chunk.max.v.decimal.low, 42);
  /* c24 interval: no defined order, so no min/max. */
  assert_int_equal(md_parquet_reader_chunk(reader, 0, 24, &chunk, &err), MD_OK);
  assert_false(chunk.has_min_max);
  md_parquet_reader_free(reader);
  md_metadata_free(extra);
  md_batch_free(batch);
}

static void test_writer_many_row_groups_read_back_in_order(void **state) {
  (void)state;
  md_error err;
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("n", md_type_make(MD_TYPE_INT64), true), &err);
  md_column *column = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int64_t i = 0; i < 100000; i++) {
    if (i % 13 == 0) md_column_append_null(column, &err);
    else md_column_append_int(column, i * 3, &err);
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, &column, 1, &batch, &err), MD_OK);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 30000;
  options.page_bytes = 5000;
  options.dictionary_page_bytes = 50000;
  md_parquet_reader *reader = write_then_open("groups.parquet", batch, &options);
  assert_int_equal(md_parquet_reader_num_row_groups(reader), 4);
  int64_t next = 0;
  for (int g = 0; g < 4; g++) {
    md_batch *back = NULL;
    assert_int_equal(md_parquet_reader_read_row_group(reader, g, NULL, -1, &back, &err), MD_OK);
    const md_column *got = md_batch_column(back, 0);
    const int64_t *values = md_column_values(got);
    for (int64_t r = 0; r < md_column_length(got); r++, next++) {
      assert_int_equal(md_column_is_null(got, r), next % 13 == 0);
      if (next % 13) assert_int_equal(values[r], next * 3);
    }
    md_batch_free(back);
  }
  assert_int_equal(next, 100000);
  md_parquet_reader_free(reader);
  md_batch_free(batch);
}

static void test_writer_empty_table_reads_back_with_its_schema(void **state) {
  (void)state;
  md_error err;
  md_schema *schema = md_schema_new();
  md_schema_add(schema, md_field_new("a", md_type_make(MD_TYPE_UTF8), true), &err);
  md_schema_add(schema, md_field_new("b", md_type_decimal(20, 3), false), &err);
  md_column *columns[2] = {md_column_new(md_type_make(MD_TYPE_UTF8)), md_column_new(md_type_decimal(20, 3))};
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, columns, 2, &batch, &err), MD_OK);
  md_parquet_reader *reader = write_then_open("empty.parquet", batch, NULL);
  assert_int_equal(md_parquet_reader_num_rows(reader), 0);
  assert_int_equal(md_parquet_reader_num_row_groups(reader), 0);
  assert_true(md_schema_equal(md_parquet_reader_schema(reader), md_batch_schema(batch)));
  md_parquet_reader_free(reader);
  md_batch_free(batch);
}

/* Random tables under random options (tiny pages and row groups, dictionary
 * limits that overflow mid-page, every codec), written in random batch sizes,
 * must read back cell for cell. */
static void test_writer_random_tables_under_random_options_round_trip(void **state) {
  (void)state;
  static const md_type types[] = {{MD_TYPE_INT32}, {MD_TYPE_INT64}, {MD_TYPE_UTF8}, {MD_TYPE_FLOAT64},
                                  {MD_TYPE_BOOL}, {MD_TYPE_DECIMAL128, .precision = 30, .scale = 2},
                                  {MD_TYPE_UINT16}, {MD_TYPE_FIXED_BINARY, 5}};
  const int num_types = (int)(sizeof types / sizeof types[0]);
  const md_parquet_codec codecs[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_GZIP,
                                     MD_PARQUET_BROTLI,       MD_PARQUET_ZSTD,   MD_PARQUET_LZ4_RAW};
  srand(2024);
  for (int round = 0; round < 30; round++) {
    md_error err;
    int64_t rows = rand() % 4000;
    int cardinality = 1 + rand() % 300;
    int null_percent = rand() % 3 == 0 ? 0 : rand() % 100;
    md_schema *schema = md_schema_new();
    md_column *columns[8];
    for (int c = 0; c < num_types; c++) {
      char name[16];
      snprintf(name, sizeof name, "c%d", c);
      md_schema_add(schema, md_field_new(name, types[c], true), &err);
      columns[c] = md_column_new(types[c]);
      for (int64_t r = 0; r < rows; r++) {
        int v = rand() % cardinality;
        char text[32];
        if (rand() % 100 < null_percent) {
          md_column_append_null(columns[c], &err);
        } else if (types[c].id == MD_TYPE_UTF8) {
          int n = snprintf(text, sizeof text, "v%0*d", v % 20, v);
          md_column_append_bytes(columns[c], text, n, &err);
        } else if (types[c].id == MD_TYPE_FIXED_BINARY) {
          snprintf(text, sizeof text, "%05d", v);
          md_column_append_bytes(columns[c], text, 5, &err);
        } else if (types[c].id == MD_TYPE_FLOAT64) {
          md_column_append_double(columns[c], v * 0.25 - 10, &err);
        } else if (types[c].id == MD_TYPE_BOOL) {
          md_column_append_bool(columns[c], v & 1, &err);
        } else if (types[c].id == MD_TYPE_DECIMAL128) {
          md_column_append_decimal(columns[c], v % 2 ? -1 : 0, v % 2 ? (uint64_t)-(int64_t)v : (uint64_t)v, &err);
        } else {
          md_column_append_int(columns[c], (int64_t)v * 1000003 - 7, &err);
        }
      }
    }
    md_batch *batch = NULL;
    assert_int_equal(md_batch_new(schema, columns, num_types, &batch, &err), MD_OK);

    md_parquet_write_options options;
    md_parquet_write_options_default(&options);
    options.codec = codecs[rand() % 6];
    options.dictionary = rand() % 4 != 0;
    options.page_bytes = 16 + rand() % 4000;
    options.row_group_rows = 1 + rand() % 3000;
    options.dictionary_page_bytes = rand() % 3000;
    char path[4200];
    snprintf(path, sizeof path, "%s/random.parquet", test_temp_dir("writer_roundtrip"));
    md_parquet_writer *writer = NULL;
    assert_int_equal(md_parquet_writer_open(path, schema, &options, &writer, &err), MD_OK);
    for (int64_t at = 0; at < rows;) {
      int64_t n = 1 + rand() % 1500;
      if (n > rows - at) n = rows - at;
      md_batch *slice = NULL;
      md_column *parts[8];
      for (int c = 0; c < num_types; c++)
        assert_int_equal(md_column_slice_copy(md_batch_column(batch, c), at, n, &parts[c], &err), MD_OK);
      assert_int_equal(md_batch_new(md_schema_copy(schema), parts, num_types, &slice, &err), MD_OK);
      if (md_parquet_writer_write(writer, slice, &err) != MD_OK) fail_msg("round %d: %s", round, err.message);
      md_batch_free(slice);
      at += n;
    }
    if (md_parquet_writer_close(writer, &err) != MD_OK) fail_msg("round %d: %s", round, err.message);
    md_parquet_writer_free(writer);

    md_parquet_reader *reader = NULL;
    if (md_parquet_reader_open(path, &reader, &err) != MD_OK) fail_msg("round %d: %s", round, err.message);
    assert_int_equal(md_parquet_reader_num_rows(reader), rows);
    int64_t row = 0;
    for (int g = 0; g < md_parquet_reader_num_row_groups(reader); g++) {
      md_batch *back = NULL;
      if (md_parquet_reader_read_row_group(reader, g, NULL, -1, &back, &err) != MD_OK)
        fail_msg("round %d, row group %d: %s", round, g, err.message);
      int64_t n = md_batch_num_rows(back);
      assert_true(n <= options.row_group_rows);
      for (int c = 0; c < num_types; c++) {
        for (int64_t r = 0; r < n; r++) {
          char a[128], b[128];
          cell_text(md_batch_column(batch, c), row + r, a, sizeof a);
          cell_text(md_batch_column(back, c), r, b, sizeof b);
          if (strcmp(a, b) != 0)
            fail_msg("round %d (codec %s, dictionary %d, page %lld, group %lld, dict bytes %lld): column %d row %lld: "
                     "wrote %s, read %s",
                     round, md_parquet_codec_name(options.codec), options.dictionary, (long long)options.page_bytes,
                     (long long)options.row_group_rows, (long long)options.dictionary_page_bytes, c,
                     (long long)(row + r), a, b);
        }
      }
      row += n;
      md_batch_free(back);
    }
    assert_int_equal(row, rows);
    md_parquet_reader_free(reader);
    md_batch_free(batch);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_round_trips_every_flat_type_through_our_reader),
      cmocka_unit_test(test_writer_widens_seconds_to_milliseconds),
      cmocka_unit_test(test_writer_records_metadata_and_statistics),
      cmocka_unit_test(test_writer_many_row_groups_read_back_in_order),
      cmocka_unit_test(test_writer_empty_table_reads_back_with_its_schema),
      cmocka_unit_test(test_writer_random_tables_under_random_options_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
