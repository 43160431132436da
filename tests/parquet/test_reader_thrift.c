/* test_reader_thrift.c — the compact-protocol reader and the footer / page
 * header parsers: unknown fields of every type are skipped, nesting is bounded,
 * truncation and missing required fields are errors. */
#include <stdint.h>
#include <string.h>

#include "parquet/metadata.h"
#include "parquet/thrift_read.h"
#include "support.h"

/* version 1, schema [root{children 1}, a INT32 REQUIRED], num_rows 0, no row
 * groups, created_by "x", and an unknown field 20 holding a map<string,i32>. */
static const uint8_t minimal_footer[] = {
    0x15, 0x02,                                                 /* 1: version = 1 */
    0x19, 0x2C,                                                 /* 2: list of 2 structs */
    0x48, 0x04, 'r', 'o', 'o', 't', 0x15, 0x02, 0x00,           /* root, num_children 1 */
    0x15, 0x02, 0x25, 0x00, 0x18, 0x01, 'a', 0x00,             /* INT32, REQUIRED, "a" */
    0x16, 0x00,                                                 /* 3: num_rows = 0 */
    0x19, 0x0C,                                                 /* 4: empty list of row groups */
    0x28, 0x01, 'x',                                            /* 6: created_by */
    0x0B, 0x28, 0x01, 0x85, 0x01, 'k', 0x02,                    /* 20: map {"k": 1} */
    0x00};

static void test_reader_parses_minimal_footer_skipping_unknown_fields(void **state) {
  (void)state;
  pq_file_meta meta;
  md_error err;
  assert_int_equal(pq_parse_file_meta(minimal_footer, sizeof minimal_footer, &meta, &err), MD_OK);
  assert_int_equal(meta.version, 1);
  assert_int_equal(meta.num_schema, 2);
  assert_string_equal(meta.schema[0].name, "root");
  assert_int_equal(meta.schema[0].num_children, 1);
  assert_string_equal(meta.schema[1].name, "a");
  assert_true(meta.schema[1].has_type);
  assert_int_equal(meta.schema[1].type, PQ_INT32);
  assert_int_equal(meta.schema[1].repetition, PQ_REQUIRED);
  assert_int_equal(meta.num_row_groups, 0);
  assert_string_equal(meta.created_by, "x");
  pq_file_meta_free(&meta);
}

static void test_reader_rejects_every_truncation_of_the_footer(void **state) {
  (void)state;
  for (size_t n = 0; n < sizeof minimal_footer; n++) {
    pq_file_meta meta;
    md_error err;
    assert_int_not_equal(pq_parse_file_meta(minimal_footer, n, &meta, &err), MD_OK);
    assert_int_equal(err.code, MD_ERR_CORRUPT);
  }
}

static void test_reader_rejects_footer_without_schema(void **state) {
  (void)state;
  const uint8_t no_schema[] = {0x15, 0x02, 0x26, 0x00, 0x19, 0x0C, 0x00};
  pq_file_meta meta;
  md_error err;
  assert_int_equal(pq_parse_file_meta(no_schema, sizeof no_schema, &meta, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "required"));
}

static void test_thrift_skips_every_type(void **state) {
  (void)state;
  const uint8_t data[] = {
      0x11,                                           /* 1: bool true */
      0x12,                                           /* 2: bool false */
      0x13, 0x7f,                                     /* 3: byte */
      0x14, 0x03,                                     /* 4: i16 */
      0x15, 0x04,                                     /* 5: i32 */
      0x16, 0x80, 0x01,                               /* 6: i64 */
      0x17, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,             /* 7: double 1.0 */
      0x18, 0x02, 'h', 'i',                           /* 8: binary */
      0x19, 0x21, 0x01, 0x02,                         /* 9: list<bool> [true, false] */
      0x1A, 0x15, 0x02,                               /* 10: set<i32> {1} */
      0x1B, 0x01, 0x8C, 0x01, 'k', 0x15, 0x02, 0x00,  /* 11: map<binary, struct> */
      0x1C, 0x11, 0x00,                               /* 12: struct {bool} */
      0x00};
  thrift_reader r;
  thrift_reader_init(&r, data, sizeof data);
  assert_true(thrift_skip(&r, THRIFT_STRUCT));
  assert_int_equal(thrift_offset(&r), sizeof data);
  for (size_t n = 0; n < sizeof data; n++) {
    thrift_reader_init(&r, data, n);
    assert_false(thrift_skip(&r, THRIFT_STRUCT));
  }
}

static void test_thrift_limits_nesting_depth(void **state) {
  (void)state;
  uint8_t data[200];
  size_t n = 0;
  for (int i = 0; i < 60; i++) data[n++] = 0x1C; /* field 1: struct, nested */
  for (int i = 0; i < 61; i++) data[n++] = 0x00;
  thrift_reader r;
  thrift_reader_init(&r, data, n);
  assert_false(thrift_skip(&r, THRIFT_STRUCT));
  assert_non_null(strstr(r.what, "nested"));
}

static void test_thrift_rejects_list_longer_than_input(void **state) {
  (void)state;
  const uint8_t data[] = {0x19, 0xF5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
  thrift_reader r;
  thrift_reader_init(&r, data, sizeof data);
  assert_false(thrift_skip(&r, THRIFT_STRUCT));
}

static void test_reader_parses_v2_page_header(void **state) {
  (void)state;
  const uint8_t data[] = {
      0x15, 0x06,                                   /* 1: type DATA_PAGE_V2 (3) */
      0x15, 0x28,                                   /* 2: uncompressed 20 */
      0x15, 0x1e,                                   /* 3: compressed 15 */
      0x15, 0x0a,                                   /* 4: crc 5 */
      0x4C,                                         /* 8: DataPageHeaderV2 */
      0x15, 0x08, 0x15, 0x02, 0x15, 0x08, 0x15, 0x00, 0x15, 0x04, 0x15, 0x00, 0x12, 0x00,
      0x00};
  pq_page_header h;
  size_t used;
  md_error err;
  assert_int_equal(pq_parse_page_header(data, sizeof data, &h, &used, &err), MD_OK);
  assert_int_equal(used, sizeof data);
  assert_int_equal(h.type, PQ_DATA_PAGE_V2);
  assert_true(h.has_v2_header);
  assert_true(h.has_crc);
  assert_int_equal(h.crc, 5);
  assert_int_equal(h.num_values, 4);
  assert_int_equal(h.num_nulls, 1);
  assert_int_equal(h.def_levels_byte_length, 2);
  assert_false(h.is_compressed);
  assert_int_equal(pq_parse_page_header(data, sizeof data - 2, &h, &used, &err), MD_ERR_CORRUPT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reader_parses_minimal_footer_skipping_unknown_fields),
      cmocka_unit_test(test_reader_rejects_every_truncation_of_the_footer),
      cmocka_unit_test(test_reader_rejects_footer_without_schema),
      cmocka_unit_test(test_thrift_skips_every_type),
      cmocka_unit_test(test_thrift_limits_nesting_depth),
      cmocka_unit_test(test_thrift_rejects_list_longer_than_input),
      cmocka_unit_test(test_reader_parses_v2_page_header),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
