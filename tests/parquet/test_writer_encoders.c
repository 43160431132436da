/* test_writer_encoders.c — the writer's low-level encoders on their own:
 * Thrift compact bytes, the RLE / bit-packed hybrid (checked with a decoder
 * written here from Encodings.md), the dictionary, statistics bounds. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/encode_dictionary.h"
#include "parquet/encode_rle.h"
#include "parquet/encode_stats.h"
#include "parquet/thrift_write.h"

/* ------------------------------------------------------------- helpers */

static uint64_t read_uvarint(const uint8_t *p, size_t size, size_t *at) {
  uint64_t v = 0;
  int shift = 0;
  while (*at < size) {
    uint8_t b = p[(*at)++];
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
    shift += 7;
  }
  fail_msg("varint runs past the end");
  return 0;
}

/* Decodes a hybrid stream into out (count values); asserts it is well formed. */
static void decode_hybrid(const uint8_t *p, size_t size, int width, uint32_t *out, int64_t count) {
  size_t at = 0;
  int64_t n = 0;
  while (n < count) {
    uint64_t header = read_uvarint(p, size, &at);
    if (header & 1) {
      int64_t values = (int64_t)(header >> 1) * 8;
      uint64_t bitpos = 0;
      for (int64_t k = 0; k < values; k++) {
        uint32_t v = 0;
        for (int b = 0; b < width; b++, bitpos++) {
          assert_true(at + bitpos / 8 < size);
          if ((p[at + bitpos / 8] >> (bitpos % 8)) & 1) v |= 1u << b;
        }
        if (n < count) out[n++] = v;
      }
      at += (size_t)((header >> 1) * (uint64_t)width);
    } else {
      int64_t run = (int64_t)(header >> 1);
      assert_true(run > 0);
      uint32_t v = 0;
      for (int b = 0; b < (width + 7) / 8; b++) v |= (uint32_t)p[at++] << (8 * b);
      for (int64_t k = 0; k < run; k++) {
        assert_true(n < count);
        out[n++] = v;
      }
    }
  }
  assert_int_equal(at, size);
}

/* ------------------------------------------------------------- thrift */

static void test_writer_thrift_field_headers_use_deltas_and_long_form(void **state) {
  (void)state;
  writer_buf buf;
  writer_buf_init(&buf);
  thrift_writer w;
  thrift_writer_init(&w, &buf);
  thrift_write_i32_field(&w, 1, 1);      /* 0x15 0x02 */
  thrift_write_i64_field(&w, 20, -1);    /* delta 19: long form 0x06, id zigzag 40 = 0x28, value 0x01 */
  thrift_write_bool_field(&w, 21, true); /* 0x11 */
  thrift_write_string_field(&w, 22, "ab");
  thrift_write_struct_begin(&w, 23);
  thrift_write_i32_field(&w, 1, 300); /* zigzag 600 = 0xD8 0x04 */
  thrift_write_struct_end(&w);
  thrift_write_list_begin(&w, 24, THRIFT_TYPE_I32, 16);
  for (int i = 0; i < 16; i++) thrift_write_i32_element(&w, i);
  thrift_write_stop(&w);
  assert_true(thrift_writer_ok(&w));
  const uint8_t expected_prefix[] = {0x15, 0x02, 0x06, 0x28, 0x01, 0x11, 0x18, 0x02, 'a',  'b',
                                     0x1C, 0x15, 0xD8, 0x04, 0x00, 0x19, 0xF5, 0x10, 0x00, 0x02};
  assert_true(buf.size == sizeof expected_prefix + 14 + 1);
  assert_memory_equal(buf.data, expected_prefix, sizeof expected_prefix);
  assert_int_equal(buf.data[buf.size - 1], 0);
  writer_buf_free(&buf);
}

static void test_writer_thrift_unbalanced_struct_is_reported(void **state) {
  (void)state;
  writer_buf buf;
  writer_buf_init(&buf);
  thrift_writer w;
  thrift_writer_init(&w, &buf);
  thrift_write_struct_begin(&w, 1);
  assert_false(thrift_writer_ok(&w));
  thrift_write_struct_end(&w);
  assert_true(thrift_writer_ok(&w));
  writer_buf_free(&buf);
}

/* ------------------------------------------------------------- rle */

static void test_writer_rle_long_run_is_one_rle_run(void **state) {
  (void)state;
  uint32_t values[100];
  for (int i = 0; i < 100; i++) values[i] = 5;
  writer_buf buf;
  writer_buf_init(&buf);
  encode_rle_hybrid(&buf, values, 100, 3);
  const uint8_t expected[] = {200, 1, 5}; /* header 100<<1 = 200 as varint, value in one byte */
  assert_int_equal(buf.size, sizeof expected);
  assert_memory_equal(buf.data, expected, sizeof expected);
  writer_buf_free(&buf);
}

static void test_writer_rle_bitpacks_spec_example(void **state) {
  (void)state;
  /* Encodings.md: 0..7 with bit width 3 packs to 10001000 11000110 11111010. */
  uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  writer_buf buf;
  writer_buf_init(&buf);
  encode_rle_hybrid(&buf, values, 8, 3);
  const uint8_t expected[] = {0x03, 0x88, 0xC6, 0xFA};
  assert_int_equal(buf.size, sizeof expected);
  assert_memory_equal(buf.data, expected, sizeof expected);
  writer_buf_free(&buf);
}

static void test_writer_rle_round_trips_mixed_runs_at_every_width(void **state) {
  (void)state;
  enum { N = 5000 };
  uint32_t *values = malloc(N * sizeof *values), *decoded = malloc(N * sizeof *decoded);
  srand(7);
  for (int width = 1; width <= 32; width++) {
    uint64_t mask = width == 32 ? 0xFFFFFFFFull : ((1ull << width) - 1);
    for (int i = 0; i < N;) {
      int run = rand() % 3 == 0 ? 1 + rand() % 40 : 1;
      uint32_t v = (uint32_t)(((uint64_t)rand() * 2654435761u) & mask);
      for (int k = 0; k < run && i < N; k++) values[i++] = v;
    }
    for (int count = 0; count <= N; count += count < 20 ? 1 : 997) {
      writer_buf buf;
      writer_buf_init(&buf);
      encode_rle_hybrid(&buf, values, count, width);
      memset(decoded, 0xAB, N * sizeof *decoded);
      decode_hybrid(buf.data, buf.size, width, decoded, count);
      assert_memory_equal(decoded, values, (size_t)count * sizeof *values);
      writer_buf_free(&buf);
    }
  }
  free(values);
  free(decoded);
}

static void test_writer_rle_bitmap_matches_bits(void **state) {
  (void)state;
  enum { N = 3001 };
  uint8_t bits[(N + 7) / 8];
  uint32_t expected[N], decoded[N];
  srand(11);
  for (int pattern = 0; pattern < 4; pattern++) {
    memset(bits, 0, sizeof bits);
    for (int i = 0; i < N; i++) {
      bool on = pattern == 0 ? true : pattern == 1 ? false : pattern == 2 ? (rand() % 2) : ((i / 100) % 2 == 0 || i % 17 == 0);
      if (on) bits[i / 8] |= (uint8_t)(1u << (i % 8));
      expected[i] = on;
    }
    for (int count = 0; count <= N; count += count < 40 ? 1 : 331) {
      writer_buf buf;
      writer_buf_init(&buf);
      encode_rle_bitmap(&buf, bits, count);
      decode_hybrid(buf.data, buf.size, 1, decoded, count);
      assert_memory_equal(decoded, expected, (size_t)count * sizeof *expected);
      if (pattern == 0 && count == 1000) assert_true(buf.size <= 3); /* all valid: one RLE run */
      writer_buf_free(&buf);
    }
  }
}

/* ------------------------------------------------------------- dictionary */

static void test_writer_dictionary_assigns_first_seen_indices(void **state) {
  (void)state;
  encode_dict d;
  encode_dict_init(&d, 8);
  enum { N = 100000 };
  int64_t *values = malloc(N * sizeof *values);
  uint32_t *indices = malloc(N * sizeof *indices);
  for (int i = 0; i < N; i++) values[i] = (int64_t)(i % 3000) * 1000003 - 5;
  assert_true(encode_dict_put_fixed(&d, (const uint8_t *)values, N, indices));
  assert_int_equal(d.count, 3000);
  assert_int_equal(encode_dict_bytes(&d), 3000 * 8);
  for (int i = 0; i < N; i++) assert_int_equal(indices[i], (uint32_t)(i % 3000));
  encode_dict_reset(&d);
  assert_true(encode_dict_put_fixed(&d, (const uint8_t *)(values + 7), 1, indices));
  assert_int_equal(indices[0], 0);
  encode_dict_free(&d);
  free(values);
  free(indices);
}

static void test_writer_dictionary_distinguishes_byte_strings(void **state) {
  (void)state;
  encode_dict d;
  encode_dict_init(&d, 0);
  const char *words[] = {"", "a", "a\0b", "ab", "a", "", "żółw", "ab"};
  const uint32_t lengths[] = {0, 1, 3, 2, 1, 0, 7, 2};
  const uint32_t expected[] = {0, 1, 2, 3, 1, 0, 4, 3};
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 8; i++) {
      uint32_t index;
      assert_true(encode_dict_put_bytes(&d, (const uint8_t *)words[i], lengths[i], &index));
      assert_int_equal(index, expected[i]);
    }
  }
  assert_int_equal(d.count, 5);
  /* PLAIN page body: 4-byte lengths + bytes. */
  assert_int_equal(encode_dict_bytes(&d), 5 * 4 + 0 + 1 + 3 + 2 + 7);
  for (int i = 0; i < 20000; i++) {
    char text[32];
    uint32_t index;
    int n = snprintf(text, sizeof text, "key-%d", i);
    assert_true(encode_dict_put_bytes(&d, (const uint8_t *)text, (uint32_t)n, &index));
    assert_int_equal(index, 5 + i);
  }
  encode_dict_free(&d);
}

/* ------------------------------------------------------------- stats */

static void stats_bounds(encode_stats *s, writer_buf *out) {
  writer_buf_init(out);
  thrift_writer w;
  thrift_writer_init(&w, out);
  assert_true(encode_stats_write(s, &w, 1));
  thrift_write_stop(&w);
  assert_true(thrift_writer_ok(&w));
}

static void test_writer_stats_unsigned_order_for_uint32(void **state) {
  (void)state;
  encode_stats s;
  encode_stats_init(&s, WRITER_ORDER_UINT32, 4);
  uint32_t values[] = {5, 0xFFFFFFF0u, 7};
  encode_stats_update_fixed(&s, (const uint8_t *)values, 3);
  assert_true(s.has_min_max);
  assert_int_equal((uint32_t)s.min.u, 5);
  assert_int_equal((uint32_t)s.max.u, 0xFFFFFFF0u);
  encode_stats_free(&s);
}

static void test_writer_stats_floats_skip_nan_and_sign_zero_bounds(void **state) {
  (void)state;
  encode_stats s;
  encode_stats_init(&s, WRITER_ORDER_DOUBLE, 8);
  double values[] = {NAN, 0.0, -0.0, NAN};
  encode_stats_update_fixed(&s, (const uint8_t *)values, 4);
  assert_int_equal(s.nan_count, 2);
  writer_buf out;
  stats_bounds(&s, &out);
  /* struct(1) { null_count(3)=0, max_value(5) = +0.0, min_value(6) = -0.0, exact flags, nan_count(9)=2 } */
  const uint8_t expected[] = {0x1C, 0x36, 0x00, 0x28, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
                              0x18, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x11, 0x11, 0x16, 0x04, 0x00, 0x00};
  assert_int_equal(out.size, sizeof expected);
  assert_memory_equal(out.data, expected, sizeof expected);
  writer_buf_free(&out);
  encode_stats_free(&s);
}

static void test_writer_stats_all_nan_has_no_bounds(void **state) {
  (void)state;
  encode_stats s;
  encode_stats_init(&s, WRITER_ORDER_FLOAT, 4);
  float values[] = {NAN, NAN};
  encode_stats_update_fixed(&s, (const uint8_t *)values, 2);
  assert_false(s.has_min_max);
  encode_stats_free(&s);
}

static void test_writer_stats_bytes_unsigned_and_decimal_signed(void **state) {
  (void)state;
  encode_stats s;
  encode_stats_init(&s, WRITER_ORDER_BYTES, 0);
  encode_stats_update_bytes(&s, (const uint8_t *)"b", 1);
  encode_stats_update_bytes(&s, (const uint8_t *)"\xc3\xa9", 2); /* é sorts after ASCII bytes */
  encode_stats_update_bytes(&s, (const uint8_t *)"", 0);
  encode_stats_update_bytes(&s, (const uint8_t *)"b\0", 2);
  assert_int_equal(s.min_bytes.size, 0);
  assert_int_equal(s.max_bytes.size, 2);
  assert_memory_equal(s.max_bytes.data, "\xc3\xa9", 2);
  encode_stats_free(&s);

  encode_stats_init(&s, WRITER_ORDER_SIGNED_BE, 3);
  const uint8_t decimals[] = {0x00, 0x00, 0x05, 0xFF, 0xFF, 0xFE, 0x7F, 0x00, 0x00, 0x80, 0x00, 0x00};
  encode_stats_update_fixed(&s, decimals, 4);
  assert_memory_equal(s.min_bytes.data, "\x80\x00\x00", 3);
  assert_memory_equal(s.max_bytes.data, "\x7F\x00\x00", 3);
  encode_stats_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_thrift_field_headers_use_deltas_and_long_form),
      cmocka_unit_test(test_writer_thrift_unbalanced_struct_is_reported),
      cmocka_unit_test(test_writer_rle_long_run_is_one_rle_run),
      cmocka_unit_test(test_writer_rle_bitpacks_spec_example),
      cmocka_unit_test(test_writer_rle_round_trips_mixed_runs_at_every_width),
      cmocka_unit_test(test_writer_rle_bitmap_matches_bits),
      cmocka_unit_test(test_writer_dictionary_assigns_first_seen_indices),
      cmocka_unit_test(test_writer_dictionary_distinguishes_byte_strings),
      cmocka_unit_test(test_writer_stats_unsigned_order_for_uint32),
      cmocka_unit_test(test_writer_stats_floats_skip_nan_and_sign_zero_bounds),
      cmocka_unit_test(test_writer_stats_all_nan_has_no_bounds),
      cmocka_unit_test(test_writer_stats_bytes_unsigned_and_decimal_signed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
