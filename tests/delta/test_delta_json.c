/* test_delta_json.c — the Delta module's strict JSON parser and writer: exact
 * integers, escapes and surrogate pairs, refusal of malformed input with byte
 * offsets, and ECMAScript number text. */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "delta/json.h"

static delta_json_doc *parse_ok(const char *text) {
  delta_json_doc *doc = NULL;
  md_error err;
  md_error_clear(&err);
  md_code rc = delta_json_parse(text, strlen(text), &doc, &err);
  if (rc != MD_OK) fail_msg("parse of %s failed: %s", text, err.message);
  return doc;
}

static void expect_refusal(const char *text, size_t len, const char *message) {
  delta_json_doc *doc = NULL;
  md_error err;
  md_error_clear(&err);
  assert_int_equal(delta_json_parse(text, len, &doc, &err), MD_ERR_CORRUPT);
  assert_null(doc);
  if (strcmp(err.message, message) != 0) fail_msg("for %.*s: got '%s', want '%s'", (int)len, text, err.message, message);
}

static void test_json_keeps_int64_and_uint64_exact(void **state) {
  (void)state;
  delta_json_doc *doc = parse_ok("[9223372036854775807, -9223372036854775808, 18446744073709551615, 18446744073709551616, 0, -0]");
  const delta_json_value *root = delta_json_root(doc);
  assert_int_equal(root->count, 6);
  assert_int_equal(root->items[0].kind, DELTA_JSON_INT);
  assert_true(root->items[0].num.i == INT64_MAX);
  assert_int_equal(root->items[1].kind, DELTA_JSON_INT);
  assert_true(root->items[1].num.i == INT64_MIN);
  assert_int_equal(root->items[2].kind, DELTA_JSON_UINT);
  assert_true(root->items[2].num.u == UINT64_MAX);
  assert_int_equal(root->items[3].kind, DELTA_JSON_DOUBLE);
  assert_string_equal(root->items[3].str, "18446744073709551616");
  assert_int_equal(root->items[5].kind, DELTA_JSON_INT);
  delta_json_doc_free(doc);
}

static void test_json_parses_doubles_and_keeps_their_text(void **state) {
  (void)state;
  delta_json_doc *doc = parse_ok("{\"a\": 1.5e3, \"b\": -0.125, \"c\": 123.4500}");
  const delta_json_value *root = delta_json_root(doc);
  assert_true(delta_json_get(root, "a")->num.d == 1500.0);
  assert_true(delta_json_get(root, "b")->num.d == -0.125);
  assert_string_equal(delta_json_get(root, "c")->str, "123.4500");
  delta_json_doc_free(doc);
}

static void test_json_decodes_escapes_and_surrogate_pairs(void **state) {
  (void)state;
  delta_json_doc *doc = parse_ok("\"a\\\"b\\\\c\\/d\\n\\u00e9\\u20ac\\ud83d\\ude00\\u0000z\"");
  const delta_json_value *root = delta_json_root(doc);
  const char want[] = "a\"b\\c/d\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z";
  assert_int_equal(root->len, sizeof want - 1);
  assert_memory_equal(root->str, want, sizeof want - 1);
  delta_json_doc_free(doc);
}

static void test_json_object_lookup_takes_last_duplicate(void **state) {
  (void)state;
  delta_json_doc *doc = parse_ok("{\"k\": 1, \"k\": 2, \"s\": \"x\", \"t\": true}");
  const delta_json_value *root = delta_json_root(doc);
  int64_t v = 0;
  assert_true(delta_json_get_int(root, "k", &v));
  assert_int_equal(v, 2);
  assert_string_equal(delta_json_get_string(root, "s"), "x");
  bool b = false;
  assert_true(delta_json_get_bool(root, "t", &b));
  assert_true(b);
  assert_null(delta_json_get(root, "missing"));
  delta_json_doc_free(doc);
}

static void test_json_refuses_malformed_input_with_offsets(void **state) {
  (void)state;
  expect_refusal("", 0, "unexpected end of input at byte 0");
  expect_refusal("[1,]", 4, "unexpected character at byte 3");
  expect_refusal("{\"a\" 1}", 7, "expected ':' after object key at byte 5");
  expect_refusal("\"abc", 4, "unterminated string at byte 1");
  expect_refusal("\"\\x\"", 4, "invalid escape at byte 1");
  expect_refusal("\"\\ud800\"", 8, "unpaired high surrogate at byte 1");
  expect_refusal("\"\\udc00\"", 8, "unpaired low surrogate at byte 1");
  expect_refusal("\"\xff\"", 3, "invalid UTF-8 in string at byte 1");
  expect_refusal("\"\xc0\xaf\"", 4, "invalid UTF-8 in string at byte 1");
  expect_refusal("\"a\nb\"", 5, "control character in string at byte 2");
  expect_refusal("01", 2, "trailing characters after the JSON value at byte 1");
  expect_refusal("1.", 2, "invalid number: no digits after '.' at byte 2");
  expect_refusal("1e999", 5, "number out of range at byte 0");
  expect_refusal("tru", 3, "unexpected character at byte 0");
  expect_refusal("{} {}", 5, "trailing characters after the JSON value at byte 3");
}

static void test_json_refuses_nesting_beyond_the_limit(void **state) {
  (void)state;
  size_t n = 100000;
  char *deep = malloc(n);
  memset(deep, '[', n);
  delta_json_doc *doc = NULL;
  md_error err;
  assert_int_equal(delta_json_parse(deep, n, &doc, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "nesting deeper than the limit"));
  free(deep);
}

static const char *double_text(delta_buf *buf, double v) {
  delta_buf_reset(buf);
  delta_json_write_double(buf, v);
  return buf->data;
}

static const char *float_text(delta_buf *buf, float v) {
  delta_buf_reset(buf);
  delta_json_write_float(buf, v);
  return buf->data;
}

static void test_json_writes_numbers_as_ecmascript_does(void **state) {
  (void)state;
  delta_buf buf;
  delta_buf_init(&buf);
  assert_string_equal(double_text(&buf, 1.0), "1");
  assert_string_equal(double_text(&buf, 0.1), "0.1");
  assert_string_equal(double_text(&buf, 1.234567890123), "1.234567890123");
  assert_string_equal(double_text(&buf, 1e21), "1e+21");
  assert_string_equal(double_text(&buf, 1e20), "100000000000000000000");
  assert_string_equal(double_text(&buf, 5e-7), "5e-7");
  assert_string_equal(double_text(&buf, 0.000001), "0.000001");
  assert_string_equal(double_text(&buf, -0.0), "0");
  assert_string_equal(double_text(&buf, -123.5), "-123.5");
  assert_string_equal(double_text(&buf, 1.7976931348623157e308), "1.7976931348623157e+308");
  assert_string_equal(double_text(&buf, 5e-324), "5e-324");
  assert_string_equal(double_text(&buf, NAN), "NaN");
  assert_string_equal(double_text(&buf, -INFINITY), "-Infinity");
  assert_string_equal(double_text(&buf, (double)3.4f), "3.4000000953674316");
  assert_string_equal(float_text(&buf, 36.504f), "36.504");
  assert_string_equal(float_text(&buf, 3.4f), "3.4");
  assert_string_equal(float_text(&buf, 3.4028235e38f), "3.4028235e+38");
  delta_buf_free(&buf);
}

static void test_json_escapes_strings_as_json_stringify(void **state) {
  (void)state;
  delta_buf buf;
  delta_buf_init(&buf);
  const char in[] = "q\"b\\n\n\t\x01\x1f\xc3\xa9/";
  delta_json_write_string(&buf, in, sizeof in - 1);
  assert_string_equal(buf.data, "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\xc3\xa9/\"");
  delta_buf_free(&buf);
}

static void test_json_round_trips_a_document(void **state) {
  (void)state;
  const char *text = "{\"add\":{\"path\":\"a b.parquet\",\"size\":123,\"dataChange\":true,\"x\":[null,1.50,{}]}}";
  delta_json_doc *doc = parse_ok(text);
  delta_buf buf;
  delta_buf_init(&buf);
  delta_json_write_value(&buf, delta_json_root(doc));
  assert_string_equal(buf.data, text);
  delta_buf_free(&buf);
  delta_json_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_keeps_int64_and_uint64_exact),
      cmocka_unit_test(test_json_parses_doubles_and_keeps_their_text),
      cmocka_unit_test(test_json_decodes_escapes_and_surrogate_pairs),
      cmocka_unit_test(test_json_object_lookup_takes_last_duplicate),
      cmocka_unit_test(test_json_refuses_malformed_input_with_offsets),
      cmocka_unit_test(test_json_refuses_nesting_beyond_the_limit),
      cmocka_unit_test(test_json_writes_numbers_as_ecmascript_does),
      cmocka_unit_test(test_json_escapes_strings_as_json_stringify),
      cmocka_unit_test(test_json_round_trips_a_document),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
