/* test_writer_oracle.c — files written by md_parquet_writer, read back by an
 * independent reader (DuckDB via shared/tools/parquet-oracle): every flat core
 * type x (PLAIN, dictionary) x every writable codec, with nulls, non-ASCII
 * UTF-8 and embedded NUL bytes; plus the metadata (logical types, statistics). */
#include "writer_oracle.h"

#define ROWS 5

/* Row 2 is null everywhere it can be; rows 3-4 repeat values so that the
 * dictionary has repeats to find. */
static const column_case all_types[] = {
    {"b", {MD_TYPE_BOOL}, true, {"1", "0", NULL, "1", "1"}, {"true", "false", NULL, "true", "true"}},
    {"i8", {MD_TYPE_INT8}, true, {"-128", "127", NULL, "0", "-128"}, {"-128", "127", NULL, "0", "-128"}},
    {"i16", {MD_TYPE_INT16}, true, {"-32768", "32767", NULL, "0", "7"}, {"-32768", "32767", NULL, "0", "7"}},
    {"i32", {MD_TYPE_INT32}, false, {"-2147483648", "2147483647", "0", "42", "42"},
     {"-2147483648", "2147483647", "0", "42", "42"}},
    {"i64", {MD_TYPE_INT64}, true, {"-9223372036854775808", "9223372036854775807", NULL, "0", "0"},
     {"-9223372036854775808", "9223372036854775807", NULL, "0", "0"}},
    {"u8", {MD_TYPE_UINT8}, true, {"0", "255", NULL, "1", "200"}, {"0", "255", NULL, "1", "200"}},
    {"u16", {MD_TYPE_UINT16}, true, {"0", "65535", NULL, "1", "40000"}, {"0", "65535", NULL, "1", "40000"}},
    {"u32", {MD_TYPE_UINT32}, true, {"0", "4294967295", NULL, "1", "2147483648"},
     {"0", "4294967295", NULL, "1", "2147483648"}},
    {"u64", {MD_TYPE_UINT64}, true, {"0", "18446744073709551615", NULL, "1", "9223372036854775808"},
     {"0", "18446744073709551615", NULL, "1", "9223372036854775808"}},
    {"f32", {MD_TYPE_FLOAT32}, true, {"1.5", "-0.0", NULL, "nan", "-inf"},
     {"1.5", "-0.0", NULL, "\"NaN\"", "\"-Infinity\""}},
    {"f64", {MD_TYPE_FLOAT64}, true, {"0.1", "-2.5", NULL, "inf", "3"}, {"0.1", "-2.5", NULL, "\"Infinity\"", "3.0"}},
    /* "héllo", "", null, "a\0b", "日本語" */
    {"s", {MD_TYPE_UTF8}, true, {"68c3a96c6c6f", "", NULL, "610062", "e697a5e69cace8aa9e"},
     {"\"h\xc3\xa9llo\"", "\"\"", NULL, "\"a\\u0000b\"", "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\""}},
    {"bin", {MD_TYPE_BINARY}, true, {"00ff", "", NULL, "616263", "00ff"}, {"\"00ff\"", "\"\"", NULL, "\"616263\"", "\"00ff\""}},
    {"fb", {MD_TYPE_FIXED_BINARY, 3}, true, {"616263", "000001", NULL, "ffffff", "616263"},
     {"\"616263\"", "\"000001\"", NULL, "\"ffffff\"", "\"616263\""}},
    {"d", {MD_TYPE_DATE32}, true, {"0", "18628", NULL, "-1", "18628"},
     {"\"1970-01-01\"", "\"2021-01-01\"", NULL, "\"1969-12-31\"", "\"2021-01-01\""}},
    {"t_s", {MD_TYPE_TIME32, .unit = MD_SECOND}, true, {"3661", "86399", NULL, "0", "3661"},
     {"\"01:01:01\"", "\"23:59:59\"", NULL, "\"00:00:00\"", "\"01:01:01\""}},
    {"t_ms", {MD_TYPE_TIME32, .unit = MD_MILLI}, true, {"3661001", "0", NULL, "1", "3661001"},
     {"\"01:01:01.001000\"", "\"00:00:00\"", NULL, "\"00:00:00.001000\"", "\"01:01:01.001000\""}},
    {"t_us", {MD_TYPE_TIME64, .unit = MD_MICRO}, true, {"1", "86399999999", NULL, "0", "1"},
     {"\"00:00:00.000001\"", "\"23:59:59.999999\"", NULL, "\"00:00:00\"", "\"00:00:00.000001\""}},
    {"t_ns", {MD_TYPE_TIME64, .unit = MD_NANO}, true, {"1000", "86399999999000", NULL, "0", "1000"},
     {"\"00:00:00.000001000\"", "\"23:59:59.999999000\"", NULL, "\"00:00:00\"", "\"00:00:00.000001000\""}},
    {"ts_s", {MD_TYPE_TIMESTAMP, .unit = MD_SECOND}, true, {"0", "1609459200", NULL, "-1", "0"},
     {"\"1970-01-01T00:00:00.000000\"", "\"2021-01-01T00:00:00.000000\"", NULL, "\"1969-12-31T23:59:59.000000\"",
      "\"1970-01-01T00:00:00.000000\""}},
    {"ts_ms_utc", {MD_TYPE_TIMESTAMP, .unit = MD_MILLI, .utc = true}, true, {"1", "1609459200123", NULL, "0", "1"},
     {"\"1970-01-01T00:00:00.001000Z\"", "\"2021-01-01T00:00:00.123000Z\"", NULL, "\"1970-01-01T00:00:00.000000Z\"",
      "\"1970-01-01T00:00:00.001000Z\""}},
    {"ts_us", {MD_TYPE_TIMESTAMP, .unit = MD_MICRO}, true, {"-1", "1609459200123456", NULL, "0", "-1"},
     {"\"1969-12-31T23:59:59.999999\"", "\"2021-01-01T00:00:00.123456\"", NULL, "\"1970-01-01T00:00:00.000000\"",
      "\"1969-12-31T23:59:59.999999\""}},
    {"ts_ns_utc", {MD_TYPE_TIMESTAMP, .unit = MD_NANO, .utc = true}, true, {"1000", "1609459200123456000", NULL, "0", "1000"},
     {"\"1970-01-01T00:00:00.000001000Z\"", "\"2021-01-01T00:00:00.123456000Z\"", NULL,
      "\"1970-01-01T00:00:00.000000000Z\"", "\"1970-01-01T00:00:00.000001000Z\""}},
    {"dec5_2", {MD_TYPE_DECIMAL128, .precision = 5, .scale = 2}, true, {"12345", "-1", NULL, "0", "-99999"},
     {"\"123.45\"", "\"-0.01\"", NULL, "\"0.00\"", "\"-999.99\""}},
    {"dec18_6", {MD_TYPE_DECIMAL128, .precision = 18, .scale = 6}, true,
     {"123456789012345678", "-999999999999999999", NULL, "0", "1"},
     {"\"123456789012.345678\"", "\"-999999999999.999999\"", NULL, "\"0.000000\"", "\"0.000001\""}},
    {"dec38_10", {MD_TYPE_DECIMAL128, .precision = 38, .scale = 10}, true,
     {"-12345678901234567890123456789012345678", "99999999999999999999999999999999999999", NULL, "0", "-1"},
     {"\"-1234567890123456789012345678.9012345678\"", "\"9999999999999999999999999999.9999999999\"", NULL,
      "\"0.0000000000\"", "\"-0.0000000001\""}},
    {"dec20_0", {MD_TYPE_DECIMAL128, .precision = 20, .scale = 0}, true,
     {"-99999999999999999999", "12", NULL, "0", "12"}, {"\"-99999999999999999999\"", "\"12\"", NULL, "\"0\"", "\"12\""}},
    {"iv", {MD_TYPE_INTERVAL_MDN}, true, {"1,2,3000000", "0,0,0", NULL, "14,31,86400000000000", "1,2,3000000"},
     {"{\"months\":1,\"days\":2,\"millis\":3}", "{\"months\":0,\"days\":0,\"millis\":0}", NULL,
      "{\"months\":14,\"days\":31,\"millis\":86400000}", "{\"months\":1,\"days\":2,\"millis\":3}"}},
    {"nothing", {MD_TYPE_NULL}, true, {NULL, NULL, NULL, NULL, NULL}, {NULL, NULL, NULL, NULL, NULL}},
};
#define NUM_ALL_TYPES ((int)(sizeof all_types / sizeof all_types[0]))

static void check_round_trip(const column_case *cases, int num_cases, int rows, md_parquet_codec codec,
                             bool dictionary) {
  md_batch *batch = batch_of(cases, num_cases, rows);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.codec = codec;
  options.dictionary = dictionary;
  char path[4200];
  snprintf(path, sizeof path, "%s/t_%s_%d.parquet", test_temp_dir("writer_oracle"), md_parquet_codec_name(codec),
           dictionary);
  write_file(path, batch, &options);
  char *got = oracle_run(path, false);
  char *want = expected_lines(cases, num_cases, rows);
  if (strcmp(got, want) != 0)
    fail_msg("%s, dictionary %d:\n got: %s\nwant: %s", md_parquet_codec_name(codec), dictionary, got, want);
  free(got);
  free(want);
  md_batch_free(batch);
}

static void test_writer_every_type_reads_back_with_every_codec(void **state) {
  (void)state;
  const md_parquet_codec codecs[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_GZIP,
                                     MD_PARQUET_BROTLI,       MD_PARQUET_ZSTD,   MD_PARQUET_LZ4_RAW};
  for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
    check_round_trip(all_types, NUM_ALL_TYPES, ROWS, codecs[c], true);
    check_round_trip(all_types, NUM_ALL_TYPES, ROWS, codecs[c], false);
  }
}

static void test_writer_one_row_table(void **state) {
  (void)state;
  check_round_trip(all_types, NUM_ALL_TYPES, 1, MD_PARQUET_SNAPPY, true);
  check_round_trip(all_types, NUM_ALL_TYPES, 1, MD_PARQUET_UNCOMPRESSED, false);
}

static void test_writer_empty_table_has_schema_and_no_rows(void **state) {
  (void)state;
  md_batch *batch = batch_of(all_types, NUM_ALL_TYPES, 0);
  char path[4200];
  snprintf(path, sizeof path, "%s/empty.parquet", test_temp_dir("writer_oracle"));
  write_file(path, batch, NULL);
  char *rows = oracle_run(path, false);
  assert_string_equal(rows, "");
  char *meta = oracle_run(path, true);
  assert_non_null(strstr(meta, "\"num_rows\":0,\"num_row_groups\":0"));
  assert_non_null(strstr(meta, "\"name\":\"dec38_10\""));
  free(rows);
  free(meta);
  md_batch_free(batch);
}

/* The meta line of one column in row group 0 (from "path":"NAME" to the next "}"). */
static char *column_meta(const char *meta, const char *name) {
  char key[128];
  snprintf(key, sizeof key, "\"path\":\"%s\"", name);
  const char *at = strstr(meta, key);
  if (!at) fail_msg("no column %s in %s", name, meta);
  const char *end = strchr(at, '}');
  return strndup(at, (size_t)(end - at));
}

static void expect_meta(const char *meta, const char *column, const char *fragment) {
  char *line = column_meta(meta, column);
  if (!strstr(line, fragment)) fail_msg("column %s: expected %s in %s", column, fragment, line);
  free(line);
}

static void test_writer_statistics_follow_each_type_order(void **state) {
  (void)state;
  md_batch *batch = batch_of(all_types, NUM_ALL_TYPES, ROWS);
  char path[4200];
  snprintf(path, sizeof path, "%s/stats.parquet", test_temp_dir("writer_oracle"));
  write_file(path, batch, NULL);
  char *meta = oracle_run(path, true);
  assert_non_null(strstr(meta, "\"created_by\":\"medallion version "));
  assert_non_null(strstr(meta, "\"name\":\"u16\",\"physical_type\":\"INT32\",\"type_length\":null,"
                               "\"repetition\":\"OPTIONAL\",\"num_children\":null,\"converted_type\":\"UINT_16\","
                               "\"logical_type\":\"IntType(bitWidth=16, isSigned=0)\""));
  assert_non_null(strstr(meta, "\"name\":\"i32\",\"physical_type\":\"INT32\",\"type_length\":null,"
                               "\"repetition\":\"REQUIRED\""));
  assert_non_null(strstr(meta, "\"name\":\"dec20_0\",\"physical_type\":\"FIXED_LEN_BYTE_ARRAY\",\"type_length\":9"));
  expect_meta(meta, "i8", "\"null_count\":1,\"min\":\"-128\",\"max\":\"127\"");
  expect_meta(meta, "i32", "\"null_count\":0,\"min\":\"-2147483648\",\"max\":\"2147483647\"");
  expect_meta(meta, "u32", "\"min\":\"0\",\"max\":\"4294967295\"");
  expect_meta(meta, "u64", "\"min\":\"0\",\"max\":\"18446744073709551615\"");
  /* DuckDB renders infinite bounds as null; the finite ends show. */
  expect_meta(meta, "f32", "\"max\":\"1.5\"");
  expect_meta(meta, "f64", "\"min\":\"-2.5\"");
  expect_meta(meta, "s", "\"min\":\"\",\"max\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"");
  expect_meta(meta, "d", "\"min\":\"1969-12-31\",\"max\":\"2021-01-01\"");
  expect_meta(meta, "dec5_2", "\"min\":\"-999.99\",\"max\":\"123.45\"");
  expect_meta(meta, "dec38_10",
              "\"min\":\"-1234567890123456789012345678.9012345678\",\"max\":\"9999999999999999999999999999.9999999999\"");
  expect_meta(meta, "dec20_0", "\"min\":\"-99999999999999999999\",\"max\":\"12\"");
  expect_meta(meta, "iv", "\"null_count\":1,\"min\":null,\"max\":null");
  expect_meta(meta, "nothing", "\"null_count\":5,\"min\":null,\"max\":null");
  expect_meta(meta, "s", "\"encodings\":\"PLAIN, RLE, RLE_DICTIONARY\"");
  expect_meta(meta, "s", "\"page_types\":[\"DICTIONARY_PAGE\",\"DATA_PAGE\"]");
  expect_meta(meta, "b", "\"encodings\":\"PLAIN, RLE\"");
  expect_meta(meta, "i32", "\"encodings\":\"PLAIN, RLE_DICTIONARY\"");
  free(meta);
  md_batch_free(batch);
}

int main(void) {
  if (!oracle_script()) return oracle_missing("test_writer_oracle");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_every_type_reads_back_with_every_codec),
      cmocka_unit_test(test_writer_one_row_table),
      cmocka_unit_test(test_writer_empty_table_has_schema_and_no_rows),
      cmocka_unit_test(test_writer_statistics_follow_each_type_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
