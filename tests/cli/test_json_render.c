/* test_json_render.c — the canonical JSON renderer behind `medallion cat`, checked
 * value by value against the format of shared/conformance/parquet/README.md.
 * Columns are built by hand with md_column_append_* so that every edge of every
 * type (extreme integers, 38-digit decimals, dates outside 0000..9999, times
 * before the epoch, broken UTF-8, nesting) is covered without a Parquet file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json_render.h"
#include "medallion/core.h"
#include "support.h"

/* Renders every row of a one-column batch (field takes ownership of column) as
 * lines joined by '\n'; returns a malloc'd string. */
static char *render_rows(md_field *field, md_column *column) {
  md_error err;
  md_error_clear(&err);
  md_schema *schema = md_schema_new();
  assert_non_null(schema);
  assert_int_equal(md_schema_add(schema, field, &err), MD_OK);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, &column, 1, &batch, &err), MD_OK);
  text_buf out;
  text_buf_init(&out);
  for (int64_t row = 0; row < md_batch_num_rows(batch); row++) {
    if (row) text_buf_append_char(&out, '\n');
    md_code code = json_render_row(&out, batch, row, &err);
    if (code != MD_OK) fail_msg("render failed: %s", err.message);
  }
  char *text = strdup(text_buf_cstr(&out));
  text_buf_free(&out);
  md_batch_free(batch);
  return text;
}

static void assert_rows(md_field *field, md_column *column, const char *expected) {
  char *actual = render_rows(field, column);
  assert_string_equal(actual, expected);
  free(actual);
}

static md_column *new_column(md_type type) {
  md_column *column = md_column_new(type);
  assert_non_null(column);
  return column;
}

static void append_ints(md_column *column, const int64_t *values, int count) {
  for (int i = 0; i < count; i++) assert_int_equal(md_column_append_int(column, values[i], NULL), MD_OK);
}

static void test_render_prints_integer_extremes_exactly(void **state) {
  (void)state;
  md_column *u64 = new_column(md_type_make(MD_TYPE_UINT64));
  append_ints(u64, (int64_t[]){0, -1, INT64_MIN}, 3); /* stored bits: 0, 2^64-1, 2^63 */
  assert_rows(md_field_new("u", md_type_make(MD_TYPE_UINT64), true), u64,
              "{\"u\":0}\n{\"u\":18446744073709551615}\n{\"u\":9223372036854775808}");

  md_column *i64 = new_column(md_type_make(MD_TYPE_INT64));
  append_ints(i64, (int64_t[]){INT64_MIN, INT64_MAX, -1}, 3);
  assert_rows(md_field_new("i", md_type_make(MD_TYPE_INT64), false), i64,
              "{\"i\":-9223372036854775808}\n{\"i\":9223372036854775807}\n{\"i\":-1}");

  md_column *i8 = new_column(md_type_make(MD_TYPE_INT8));
  append_ints(i8, (int64_t[]){-128, 127}, 2);
  assert_rows(md_field_new("b", md_type_make(MD_TYPE_INT8), false), i8, "{\"b\":-128}\n{\"b\":127}");

  md_column *u8 = new_column(md_type_make(MD_TYPE_UINT8));
  append_ints(u8, (int64_t[]){255, 0}, 2);
  assert_rows(md_field_new("b", md_type_make(MD_TYPE_UINT8), false), u8, "{\"b\":255}\n{\"b\":0}");

  md_column *u32 = new_column(md_type_make(MD_TYPE_UINT32));
  append_ints(u32, (int64_t[]){4294967295LL}, 1);
  assert_rows(md_field_new("u", md_type_make(MD_TYPE_UINT32), false), u32, "{\"u\":4294967295}");
}

static void test_render_prints_bools_and_nulls(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_BOOL));
  assert_int_equal(md_column_append_bool(column, true, NULL), MD_OK);
  assert_int_equal(md_column_append_null(column, NULL), MD_OK);
  assert_int_equal(md_column_append_bool(column, false, NULL), MD_OK);
  assert_rows(md_field_new("ok", md_type_make(MD_TYPE_BOOL), true), column,
              "{\"ok\":true}\n{\"ok\":null}\n{\"ok\":false}");
}

static void test_render_prints_decimal128_with_exact_scale(void **state) {
  (void)state;
  md_type type = md_type_decimal(38, 10);
  md_column *column = new_column(type);
  /* -1250 (one word), 10^38 - 1 (the largest 38-digit value), its negation,
   * 5 (leading zeros after the point), 0. */
  assert_int_equal(md_column_append_decimal(column, -1, (uint64_t)-1250, NULL), MD_OK);
  assert_int_equal(md_column_append_decimal(column, 0x4B3B4CA85A86C47ALL, 0x098A223FFFFFFFFFULL, NULL), MD_OK);
  assert_int_equal(md_column_append_decimal(column, (int64_t)0xB4C4B357A5793B85ULL, 0xF675DDC000000001ULL, NULL),
                   MD_OK);
  assert_int_equal(md_column_append_decimal(column, 0, 5, NULL), MD_OK);
  assert_int_equal(md_column_append_decimal(column, 0, 0, NULL), MD_OK);
  assert_rows(md_field_new("d", type, false), column,
              "{\"d\":\"-0.0000001250\"}\n"
              "{\"d\":\"9999999999999999999999999999.9999999999\"}\n"
              "{\"d\":\"-9999999999999999999999999999.9999999999\"}\n"
              "{\"d\":\"0.0000000005\"}\n"
              "{\"d\":\"0.0000000000\"}");

  md_column *whole = new_column(md_type_decimal(12, 0));
  assert_int_equal(md_column_append_decimal(whole, -1, (uint64_t)-123, NULL), MD_OK);
  assert_int_equal(md_column_append_decimal(whole, 0, 0, NULL), MD_OK);
  assert_rows(md_field_new("d", md_type_decimal(12, 0), false), whole, "{\"d\":\"-123\"}\n{\"d\":\"0\"}");

  md_column *cents = new_column(md_type_decimal(12, 2));
  assert_int_equal(md_column_append_decimal(cents, -1, (uint64_t)-1250, NULL), MD_OK);
  assert_int_equal(md_column_append_decimal(cents, 0, 5, NULL), MD_OK);
  assert_rows(md_field_new("d", md_type_decimal(12, 2), false), cents, "{\"d\":\"-12.50\"}\n{\"d\":\"0.05\"}");
}

static void test_render_formats_most_negative_128_bit_value(void **state) {
  (void)state;
  char text[JSON_SCALAR_MAX];
  json_format_decimal128(INT64_MIN, 0, 0, text);
  assert_string_equal(text, "\"-170141183460469231731687303715884105728\"");
  json_format_decimal128(INT64_MAX, UINT64_MAX, 38, text);
  assert_string_equal(text, "\"1.70141183460469231731687303715884105727\"");
  json_format_decimal128(-1, 0, 0, text); /* -2^64: the borrow crosses the halves */
  assert_string_equal(text, "\"-18446744073709551616\"");
}

static void test_render_prints_special_doubles(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_FLOAT64));
  const double values[] = {-0.0, 0.0, NAN, INFINITY, -INFINITY};
  for (int i = 0; i < 5; i++) assert_int_equal(md_column_append_double(column, values[i], NULL), MD_OK);
  assert_rows(md_field_new("x", md_type_make(MD_TYPE_FLOAT64), false), column,
              "{\"x\":-0.0}\n{\"x\":0.0}\n{\"x\":\"NaN\"}\n{\"x\":\"Infinity\"}\n{\"x\":\"-Infinity\"}");
}

static void test_render_prints_shortest_round_trip_doubles(void **state) {
  (void)state;
  struct { double value; const char *text; } cases[] = {
      {0.1, "0.1"},
      {3.0, "3.0"},
      {-65602976.42857143, "-65602976.42857143"},
      {2.0 / 3.0, "0.6666666666666666"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000.0"},
      {1e-7, "1e-7"},
      {0.000001, "0.000001"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
      {-2.5e-300, "-2.5e-300"},
  };
  char text[JSON_SCALAR_MAX];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_format_double(cases[i].value, text);
    assert_string_equal(text, cases[i].text);
    if (isfinite(cases[i].value)) assert_true(strtod(text, NULL) == cases[i].value);
  }
}

static void test_render_widens_float32_exactly(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_FLOAT32));
  assert_int_equal(md_column_append_double(column, 1.1, NULL), MD_OK);
  assert_int_equal(md_column_append_double(column, 609.5140380859375, NULL), MD_OK);
  assert_int_equal(md_column_append_double(column, -2.0, NULL), MD_OK);
  assert_rows(md_field_new("f", md_type_make(MD_TYPE_FLOAT32), false), column,
              "{\"f\":1.100000023841858}\n{\"f\":609.5140380859375}\n{\"f\":-2.0}");
}

static void test_render_prints_dates_outside_four_digit_years(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_DATE32));
  /* epoch, the day before, 1600-03-01 (a 400-year leap day neighbour),
   * 0000-01-01, the day before it, 10000-01-01, 2000-02-29 */
  append_ints(column, (int64_t[]){0, -1, -135080, -719528, -719529, 2932897, 11016}, 7);
  assert_rows(md_field_new("d", md_type_make(MD_TYPE_DATE32), false), column,
              "{\"d\":\"1970-01-01\"}\n{\"d\":\"1969-12-31\"}\n{\"d\":\"1600-03-01\"}\n"
              "{\"d\":\"0000-01-01\"}\n{\"d\":\"-0001-12-31\"}\n{\"d\":\"10000-01-01\"}\n{\"d\":\"2000-02-29\"}");
}

static void test_render_prints_timestamps_before_epoch_with_floor_division(void **state) {
  (void)state;
  md_type micros_utc = md_type_timestamp(MD_MICRO, true);
  md_column *column = new_column(micros_utc);
  append_ints(column, (int64_t[]){-1, 0, 1591012817000000LL}, 3);
  assert_rows(md_field_new("t", micros_utc, false), column,
              "{\"t\":\"1969-12-31T23:59:59.999999Z\"}\n{\"t\":\"1970-01-01T00:00:00.000000Z\"}\n"
              "{\"t\":\"2020-06-01T12:00:17.000000Z\"}");

  md_type millis = md_type_timestamp(MD_MILLI, false);
  md_column *ms = new_column(millis);
  append_ints(ms, (int64_t[]){-1500, 1}, 2);
  assert_rows(md_field_new("t", millis, false), ms,
              "{\"t\":\"1969-12-31T23:59:58.500000\"}\n{\"t\":\"1970-01-01T00:00:00.001000\"}");
}

static void test_render_prints_nanosecond_timestamps_and_times(void **state) {
  (void)state;
  md_type nanos = md_type_timestamp(MD_NANO, false);
  md_column *column = new_column(nanos);
  append_ints(column, (int64_t[]){1577840523123456789LL, INT64_MIN, -1}, 3);
  assert_rows(md_field_new("t", nanos, false), column,
              "{\"t\":\"2020-01-01T01:02:03.123456789\"}\n{\"t\":\"1677-09-21T00:12:43.145224192\"}\n"
              "{\"t\":\"1969-12-31T23:59:59.999999999\"}");

  md_type time_ns = md_type_time(MD_NANO);
  md_column *times = new_column(time_ns);
  append_ints(times, (int64_t[]){3723000000001LL, 3723000000000LL}, 2);
  assert_rows(md_field_new("t", time_ns, false), times, "{\"t\":\"01:02:03.000000001\"}\n{\"t\":\"01:02:03\"}");

  md_type time_ms = md_type_time(MD_MILLI);
  md_column *ms = new_column(time_ms);
  append_ints(ms, (int64_t[]){3723500, 0, 86399999}, 3);
  assert_rows(md_field_new("t", time_ms, false), ms,
              "{\"t\":\"01:02:03.500000\"}\n{\"t\":\"00:00:00\"}\n{\"t\":\"23:59:59.999000\"}");

  md_type time_us = md_type_time(MD_MICRO);
  md_column *us = new_column(time_us);
  append_ints(us, (int64_t[]){18490152870LL}, 1);
  assert_rows(md_field_new("t", time_us, false), us, "{\"t\":\"05:08:10.152870\"}");
}

static void test_render_escapes_strings_and_replaces_invalid_utf8(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_UTF8));
  const char quoted[] = "say \"hi\" \\ /";
  const char controls[] = "a\nb\tc\rd\be\ff\x01g\x1f";
  const char with_nul[] = {'x', '\0', 'y'};
  const char accents[] = "h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80";
  /* lone continuation byte, truncated 2-byte sequence, UTF-16 surrogate, overlong '/' */
  const char broken[] = "\x80|\xC3|\xED\xA0\x80|\xC0\xAF";
  assert_int_equal(md_column_append_bytes(column, quoted, (int64_t)strlen(quoted), NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, controls, (int64_t)strlen(controls), NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, with_nul, 3, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, accents, (int64_t)strlen(accents), NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, broken, (int64_t)strlen(broken), NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, "", 0, NULL), MD_OK);
  assert_rows(md_field_new("s", md_type_make(MD_TYPE_UTF8), false), column,
              "{\"s\":\"say \\\"hi\\\" \\\\ /\"}\n"
              "{\"s\":\"a\\nb\\tc\\rd\\be\\ff\\u0001g\\u001f\"}\n"
              "{\"s\":\"x\\u0000y\"}\n"
              "{\"s\":\"h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80\"}\n"
              "{\"s\":\"\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\"}\n"
              "{\"s\":\"\"}");
}

static void test_render_escapes_column_names(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_INT32));
  append_ints(column, (int64_t[]){7}, 1);
  assert_rows(md_field_new("we\"ird\n", md_type_make(MD_TYPE_INT32), false), column, "{\"we\\\"ird\\n\":7}");
}

static void test_render_prints_binary_as_lower_case_hex(void **state) {
  (void)state;
  md_column *column = new_column(md_type_make(MD_TYPE_BINARY));
  assert_int_equal(md_column_append_bytes(column, "\x00\xff\x10" "abc", 6, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(column, "", 0, NULL), MD_OK);
  assert_int_equal(md_column_append_null(column, NULL), MD_OK);
  assert_rows(md_field_new("b", md_type_make(MD_TYPE_BINARY), true), column,
              "{\"b\":\"00ff10616263\"}\n{\"b\":\"\"}\n{\"b\":null}");

  md_type uuid = md_type_fixed_binary(4);
  md_column *fixed = new_column(uuid);
  assert_int_equal(md_column_append_bytes(fixed, "\xDE\xAD\xBE\xEF", 4, NULL), MD_OK);
  assert_rows(md_field_new("f", uuid, false), fixed, "{\"f\":\"deadbeef\"}");
}

static void test_render_prints_interval_as_months_days_millis(void **state) {
  (void)state;
  md_type type = md_type_make(MD_TYPE_INTERVAL_MDN);
  md_column *column = new_column(type);
  uint8_t value[16];
  int32_t months = 14, days = -3;
  int64_t nanos = 1500000000LL;
  memcpy(value, &months, 4);
  memcpy(value + 4, &days, 4);
  memcpy(value + 8, &nanos, 8);
  assert_int_equal(md_column_append_fixed(column, value, NULL), MD_OK);
  assert_rows(md_field_new("i", type, false), column, "{\"i\":{\"months\":14,\"days\":-3,\"millis\":1500}}");
}

static md_field *child_field(md_field *parent, md_field *child) {
  assert_int_equal(md_field_add_child(parent, child, NULL), MD_OK);
  return parent;
}

static void test_render_prints_lists_with_null_and_empty_entries(void **state) {
  (void)state;
  md_field *field = child_field(md_field_new("l", md_type_make(MD_TYPE_LIST), true),
                                md_field_new("element", md_type_make(MD_TYPE_INT64), true));
  md_column *column = md_column_new_for_field(field);
  assert_non_null(column);
  md_column *items = md_column_child(column, 0);
  assert_int_equal(md_column_append_int(items, 1, NULL), MD_OK);
  assert_int_equal(md_column_append_null(items, NULL), MD_OK);
  assert_int_equal(md_column_append_int(items, 2, NULL), MD_OK);
  assert_int_equal(md_column_append_list(column, NULL), MD_OK); /* [1,null,2] */
  assert_int_equal(md_column_append_list(column, NULL), MD_OK); /* [] */
  assert_int_equal(md_column_append_null(column, NULL), MD_OK); /* null */
  assert_rows(field, column, "{\"l\":[1,null,2]}\n{\"l\":[]}\n{\"l\":null}");
}

static void test_render_prints_structs_with_field_names_in_order(void **state) {
  (void)state;
  md_field *inner = child_field(md_field_new("z", md_type_make(MD_TYPE_STRUCT), true),
                                md_field_new("inner", md_type_make(MD_TYPE_FLOAT64), true));
  md_field *field = md_field_new("s", md_type_make(MD_TYPE_STRUCT), true);
  child_field(field, md_field_new("x", md_type_make(MD_TYPE_INT32), true));
  child_field(field, md_field_new("y", md_type_make(MD_TYPE_UTF8), true));
  child_field(field, inner);
  md_column *column = md_column_new_for_field(field);
  assert_non_null(column);
  md_column *x = md_column_child(column, 0), *y = md_column_child(column, 1), *z = md_column_child(column, 2);
  assert_int_equal(md_column_append_int(x, 1, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(y, "s1", 2, NULL), MD_OK);
  assert_int_equal(md_column_append_double(md_column_child(z, 0), 1.5, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(z, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(column, NULL), MD_OK);
  assert_int_equal(md_column_append_null(x, NULL), MD_OK);
  assert_int_equal(md_column_append_null(y, NULL), MD_OK);
  assert_int_equal(md_column_append_null(md_column_child(z, 0), NULL), MD_OK);
  assert_int_equal(md_column_append_null(z, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(column, NULL), MD_OK);
  assert_rows(field, column,
              "{\"s\":{\"x\":1,\"y\":\"s1\",\"z\":{\"inner\":1.5}}}\n"
              "{\"s\":{\"x\":null,\"y\":null,\"z\":null}}");
}

static void test_render_prints_maps_as_key_value_objects(void **state) {
  (void)state;
  md_field *entries = md_field_new("key_value", md_type_make(MD_TYPE_STRUCT), false);
  child_field(entries, md_field_new("k", md_type_make(MD_TYPE_UTF8), false));
  child_field(entries, md_field_new("v", md_type_make(MD_TYPE_INT32), true));
  md_field *field = child_field(md_field_new("m", md_type_make(MD_TYPE_MAP), true), entries);
  md_column *column = md_column_new_for_field(field);
  assert_non_null(column);
  md_column *pairs = md_column_child(column, 0);
  md_column *keys = md_column_child(pairs, 0), *values = md_column_child(pairs, 1);
  assert_int_equal(md_column_append_bytes(keys, "a", 1, NULL), MD_OK);
  assert_int_equal(md_column_append_int(values, 1, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(pairs, NULL), MD_OK);
  assert_int_equal(md_column_append_bytes(keys, "b", 1, NULL), MD_OK);
  assert_int_equal(md_column_append_null(values, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(pairs, NULL), MD_OK);
  assert_int_equal(md_column_append_list(column, NULL), MD_OK);
  assert_int_equal(md_column_append_null(column, NULL), MD_OK);
  assert_int_equal(md_column_append_list(column, NULL), MD_OK);
  assert_rows(field, column,
              "{\"m\":[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":null}]}\n{\"m\":null}\n{\"m\":[]}");
}

static void test_render_prints_list_of_lists_and_list_of_structs(void **state) {
  (void)state;
  md_field *field = child_field(md_field_new("ll", md_type_make(MD_TYPE_LIST), true),
                                child_field(md_field_new("element", md_type_make(MD_TYPE_LIST), true),
                                            md_field_new("element", md_type_make(MD_TYPE_INT32), true)));
  md_column *column = md_column_new_for_field(field);
  assert_non_null(column);
  md_column *inner = md_column_child(column, 0);
  md_column *ints = md_column_child(inner, 0);
  append_ints(ints, (int64_t[]){1, 2}, 2);
  assert_int_equal(md_column_append_list(inner, NULL), MD_OK);
  assert_int_equal(md_column_append_null(inner, NULL), MD_OK);
  assert_int_equal(md_column_append_list(inner, NULL), MD_OK);
  assert_int_equal(md_column_append_list(column, NULL), MD_OK);
  assert_rows(field, column, "{\"ll\":[[1,2],null,[]]}");

  md_field *structs = child_field(md_field_new("ls", md_type_make(MD_TYPE_LIST), false),
                                  child_field(md_field_new("element", md_type_make(MD_TYPE_STRUCT), true),
                                              md_field_new("a", md_type_make(MD_TYPE_INT64), true)));
  md_column *list = md_column_new_for_field(structs);
  assert_non_null(list);
  md_column *elements = md_column_child(list, 0);
  assert_int_equal(md_column_append_int(md_column_child(elements, 0), 4, NULL), MD_OK);
  assert_int_equal(md_column_append_struct(elements, NULL), MD_OK);
  assert_int_equal(md_column_append_null(md_column_child(elements, 0), NULL), MD_OK);
  assert_int_equal(md_column_append_null(elements, NULL), MD_OK);
  assert_int_equal(md_column_append_list(list, NULL), MD_OK);
  assert_rows(structs, list, "{\"ls\":[{\"a\":4},null]}");
}

static void test_render_scalar_matches_column_rendering(void **state) {
  (void)state;
  text_buf out;
  text_buf_init(&out);
  md_scalar value = {.type = md_type_decimal(12, 2)};
  value.v.decimal.high = -1;
  value.v.decimal.low = (uint64_t)-1250;
  assert_int_equal(json_render_scalar(&out, &value, NULL), MD_OK);
  text_buf_append_char(&out, ' ');
  md_scalar text = {.type = md_type_make(MD_TYPE_UTF8)};
  text.v.bytes.ptr = (const uint8_t *)"h\xC3\xA9";
  text.v.bytes.length = 3;
  assert_int_equal(json_render_scalar(&out, &text, NULL), MD_OK);
  text_buf_append_char(&out, ' ');
  md_scalar date = {.type = md_type_make(MD_TYPE_DATE32)};
  date.v.i = -1;
  assert_int_equal(json_render_scalar(&out, &date, NULL), MD_OK);
  text_buf_append_char(&out, ' ');
  md_scalar big = {.type = md_type_make(MD_TYPE_UINT64)};
  big.v.u = UINT64_MAX;
  assert_int_equal(json_render_scalar(&out, &big, NULL), MD_OK);
  text_buf_append_char(&out, ' ');
  md_scalar nothing = {.type = md_type_make(MD_TYPE_INT32), .is_null = true};
  assert_int_equal(json_render_scalar(&out, &nothing, NULL), MD_OK);
  assert_string_equal(text_buf_cstr(&out), "\"-12.50\" \"h\xC3\xA9\" \"1969-12-31\" 18446744073709551615 null");
  text_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_render_prints_integer_extremes_exactly),
      cmocka_unit_test(test_render_prints_bools_and_nulls),
      cmocka_unit_test(test_render_prints_decimal128_with_exact_scale),
      cmocka_unit_test(test_render_formats_most_negative_128_bit_value),
      cmocka_unit_test(test_render_prints_special_doubles),
      cmocka_unit_test(test_render_prints_shortest_round_trip_doubles),
      cmocka_unit_test(test_render_widens_float32_exactly),
      cmocka_unit_test(test_render_prints_dates_outside_four_digit_years),
      cmocka_unit_test(test_render_prints_timestamps_before_epoch_with_floor_division),
      cmocka_unit_test(test_render_prints_nanosecond_timestamps_and_times),
      cmocka_unit_test(test_render_escapes_strings_and_replaces_invalid_utf8),
      cmocka_unit_test(test_render_escapes_column_names),
      cmocka_unit_test(test_render_prints_binary_as_lower_case_hex),
      cmocka_unit_test(test_render_prints_interval_as_months_days_millis),
      cmocka_unit_test(test_render_prints_lists_with_null_and_empty_entries),
      cmocka_unit_test(test_render_prints_structs_with_field_names_in_order),
      cmocka_unit_test(test_render_prints_maps_as_key_value_objects),
      cmocka_unit_test(test_render_prints_list_of_lists_and_list_of_structs),
      cmocka_unit_test(test_render_scalar_matches_column_rendering),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
