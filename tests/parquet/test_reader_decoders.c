/* test_reader_decoders.c — the Parquet value decoders on hand-built bytes,
 * including the examples of Encodings.md and the edge widths (0, 32, 64). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/decode.h"
#include "support.h"

static void test_rle_decodes_bitpacked_then_rle_run(void **state) {
  (void)state;
  /* Encodings.md example: 0..7 bit-packed at width 3, then five 4s. */
  const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA, 0x0A, 0x04};
  rle_decoder d;
  md_error err;
  assert_int_equal(rle_decoder_init(&d, data, sizeof data, 3, &err), MD_OK);
  uint32_t out[13];
  assert_int_equal(rle_decode(&d, out, 13, &err), MD_OK);
  for (uint32_t i = 0; i < 8; i++) assert_int_equal(out[i], i);
  for (int i = 8; i < 13; i++) assert_int_equal(out[i], 4);
  assert_int_equal(rle_decode(&d, out, 1, &err), MD_ERR_CORRUPT);
}

static void test_rle_decodes_bit_width_zero_as_zeros(void **state) {
  (void)state;
  const uint8_t data[] = {0x14, 0x03}; /* RLE run of 10 (no value bytes), then 8 bit-packed */
  rle_decoder d;
  md_error err;
  assert_int_equal(rle_decoder_init(&d, data, sizeof data, 0, &err), MD_OK);
  uint32_t out[18];
  memset(out, 0xff, sizeof out);
  assert_int_equal(rle_decode(&d, out, 18, &err), MD_OK);
  for (int i = 0; i < 18; i++) assert_int_equal(out[i], 0);
}

static void test_rle_decodes_bit_width_32(void **state) {
  (void)state;
  const uint8_t data[] = {0x04, 0xff, 0xff, 0xff, 0xff, 0x03, 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff,
                          0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  rle_decoder d;
  md_error err;
  assert_int_equal(rle_decoder_init(&d, data, sizeof data, 32, &err), MD_OK);
  uint32_t out[5];
  assert_int_equal(rle_decode(&d, out, 5, &err), MD_OK);
  assert_int_equal(out[0], 0xffffffffu);
  assert_int_equal(out[1], 0xffffffffu);
  assert_int_equal(out[2], 1);
  assert_int_equal(out[3], 0xfffffffeu);
  assert_int_equal(out[4], 0x80000000u);
}

static void test_rle_rejects_truncated_run_and_wide_value(void **state) {
  (void)state;
  rle_decoder d;
  md_error err;
  const uint8_t truncated[] = {0x0A}; /* RLE run without its value byte */
  assert_int_equal(rle_decoder_init(&d, truncated, sizeof truncated, 3, &err), MD_OK);
  uint32_t out[5];
  assert_int_equal(rle_decode(&d, out, 5, &err), MD_ERR_CORRUPT);
  const uint8_t wide[] = {0x0A, 0x09}; /* value 9 needs 4 bits, width is 3 */
  assert_int_equal(rle_decoder_init(&d, wide, sizeof wide, 3, &err), MD_OK);
  assert_int_equal(rle_decode(&d, out, 5, &err), MD_ERR_CORRUPT);
  assert_int_equal(rle_decoder_init(&d, wide, sizeof wide, 33, &err), MD_ERR_CORRUPT);
}

static void test_rle_decodes_levels_from_short_last_group(void **state) {
  (void)state;
  /* One group of 8 at width 1 whose data holds all 8 values; ask for 3. */
  const uint8_t data[] = {0x03, 0x05};
  rle_decoder d;
  md_error err;
  assert_int_equal(rle_decoder_init(&d, data, sizeof data, 1, &err), MD_OK);
  int16_t levels[3];
  assert_int_equal(rle_decode_levels(&d, levels, 3, &err), MD_OK);
  assert_int_equal(levels[0], 1);
  assert_int_equal(levels[1], 0);
  assert_int_equal(levels[2], 1);
}

static void test_bitpacked_legacy_levels_are_msb_first(void **state) {
  (void)state;
  const uint8_t data[] = {0x05, 0x39, 0x77}; /* Encodings.md: 0..7 at width 3 */
  int16_t out[8];
  size_t used;
  md_error err;
  assert_int_equal(bitpacked_legacy_decode_levels(data, sizeof data, 3, out, 8, &used, &err), MD_OK);
  assert_int_equal(used, 3);
  for (int i = 0; i < 8; i++) assert_int_equal(out[i], i);
  assert_int_equal(bitpacked_legacy_decode_levels(data, 2, 3, out, 8, &used, &err), MD_ERR_CORRUPT);
}

static void test_plain_decodes_bool_fixed_and_byte_array(void **state) {
  (void)state;
  md_error err;
  size_t used;
  const uint8_t bits[] = {0x05, 0x01};
  uint8_t b[9];
  assert_int_equal(plain_decode_bool(bits, sizeof bits, 9, b, &used, &err), MD_OK);
  assert_int_equal(used, 2);
  const uint8_t expect[] = {1, 0, 1, 0, 0, 0, 0, 0, 1};
  assert_memory_equal(b, expect, 9);
  assert_int_equal(plain_decode_bool(bits, sizeof bits, 17, b, &used, &err), MD_ERR_CORRUPT);

  const uint8_t ints[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  int32_t v[2];
  assert_int_equal(plain_decode_fixed(ints, sizeof ints, 4, 2, (uint8_t *)v, &used, &err), MD_OK);
  assert_int_equal(v[0], 1);
  assert_int_equal(v[1], -1);
  assert_int_equal(plain_decode_fixed(ints, sizeof ints, 4, 3, (uint8_t *)v, &used, &err), MD_ERR_CORRUPT);

  const uint8_t arrays[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b'};
  pq_view views[3];
  assert_int_equal(plain_decode_byte_array(arrays, 14, 2, views, &used, &err), MD_OK);
  assert_int_equal(used, 10);
  assert_int_equal(views[0].length, 2);
  assert_memory_equal(views[0].ptr, "hi", 2);
  assert_int_equal(views[1].length, 0);
  assert_int_equal(plain_decode_byte_array(arrays, sizeof arrays, 3, views, &used, &err), MD_ERR_CORRUPT);
}

static void test_delta_binary_packed_decodes_spec_example(void **state) {
  (void)state;
  /* 1 2 3 4 5: block 128, 4 miniblocks, 5 values, first 1; min delta 1, widths 0. */
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
  delta_decoder d;
  md_error err;
  assert_int_equal(delta_decoder_init(&d, data, sizeof data, &err), MD_OK);
  assert_int_equal(delta_decoder_total(&d), 5);
  int64_t out[5];
  assert_int_equal(delta_decode(&d, out, 5, &err), MD_OK);
  for (int i = 0; i < 5; i++) assert_int_equal(out[i], i + 1);
  assert_ptr_equal(delta_decoder_end(&d), data + sizeof data);
}

static void test_delta_binary_packed_decodes_packed_miniblock(void **state) {
  (void)state;
  /* 10, 7, 20: min delta -3, relative deltas 0 and 16 at width 5. */
  uint8_t data[10 + 20] = {0x80, 0x01, 0x04, 0x03, 0x14, 0x05, 5, 0, 0, 0};
  data[10] = 0x00;
  data[11] = 0x02;
  delta_decoder d;
  md_error err;
  assert_int_equal(delta_decoder_init(&d, data, sizeof data, &err), MD_OK);
  int64_t out[3];
  assert_int_equal(delta_decode(&d, out, 2, &err), MD_OK);
  assert_int_equal(delta_decode(&d, out + 2, 1, &err), MD_OK);
  assert_int_equal(out[0], 10);
  assert_int_equal(out[1], 7);
  assert_int_equal(out[2], 20);
  assert_ptr_equal(delta_decoder_end(&d), data + sizeof data);
  assert_int_equal(delta_decode(&d, out, 1, &err), MD_ERR_CORRUPT);
}

static void test_delta_binary_packed_wraps_int64_extremes(void **state) {
  (void)state;
  /* INT64_MIN then INT64_MAX: the delta -1 wraps. */
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0, 0, 0, 0};
  delta_decoder d;
  md_error err;
  assert_int_equal(delta_decoder_init(&d, data, sizeof data, &err), MD_OK);
  int64_t out[2];
  assert_int_equal(delta_decode(&d, out, 2, &err), MD_OK);
  assert_true(out[0] == INT64_MIN);
  assert_true(out[1] == INT64_MAX);
}

static void test_delta_binary_packed_decodes_bit_width_64(void **state) {
  (void)state;
  /* 0, -1, 5: min delta 0; deltas 2^64-1 and 6 at width 64 (32 values * 8 bytes). */
  uint8_t data[10 + 256];
  memset(data, 0, sizeof data);
  const uint8_t head[] = {0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 64, 0, 0, 0};
  memcpy(data, head, sizeof head);
  memset(data + 10, 0xff, 8);
  data[18] = 6;
  delta_decoder d;
  md_error err;
  assert_int_equal(delta_decoder_init(&d, data, sizeof data, &err), MD_OK);
  int64_t out[3];
  assert_int_equal(delta_decode(&d, out, 3, &err), MD_OK);
  assert_int_equal(out[0], 0);
  assert_int_equal(out[1], -1);
  assert_int_equal(out[2], 5);
}

static void test_delta_binary_packed_rejects_bad_header_and_width(void **state) {
  (void)state;
  delta_decoder d;
  md_error err;
  const uint8_t bad_block[] = {0x10, 0x04, 0x05, 0x02};
  assert_int_equal(delta_decoder_init(&d, bad_block, sizeof bad_block, &err), MD_ERR_CORRUPT);
  const uint8_t bad_width[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 65, 0, 0, 0};
  assert_int_equal(delta_decoder_init(&d, bad_width, sizeof bad_width, &err), MD_OK);
  int64_t out[5];
  assert_int_equal(delta_decode(&d, out, 5, &err), MD_ERR_CORRUPT);
  const uint8_t truncated[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 8, 0, 0, 0, 1, 2};
  assert_int_equal(delta_decoder_init(&d, truncated, sizeof truncated, &err), MD_OK);
  assert_int_equal(delta_decode(&d, out, 5, &err), MD_ERR_CORRUPT);
}

static void test_delta_length_byte_array_decodes_strings(void **state) {
  (void)state;
  const uint8_t head[] = {0x80, 0x01, 0x04, 0x03, 0x0A, 0x00, 1, 0, 0, 0, 0x02, 0, 0, 0};
  uint8_t data[sizeof head + 16];
  memcpy(data, head, sizeof head);
  memcpy(data + sizeof head, "HelloWorldFoobar", 16);
  pq_view v[3];
  size_t used;
  md_error err;
  assert_int_equal(delta_length_decode(data, sizeof data, 3, v, &used, &err), MD_OK);
  assert_int_equal(used, sizeof data);
  assert_int_equal(v[2].length, 6);
  assert_memory_equal(v[2].ptr, "Foobar", 6);
  assert_memory_equal(v[1].ptr, "World", 5);
  assert_int_equal(delta_length_decode(data, sizeof data - 1, 3, v, &used, &err), MD_ERR_CORRUPT);
}

static void test_delta_byte_array_rebuilds_prefixes(void **state) {
  (void)state;
  uint8_t data[64];
  size_t n = 0;
  const uint8_t prefixes[] = {0x80, 0x01, 0x04, 0x03, 0x00, 0x02, 2, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t suffix_lengths[] = {0x80, 0x01, 0x04, 0x03, 0x0A, 0x07, 3, 0, 0, 0,
                                    0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  memcpy(data + n, prefixes, sizeof prefixes);
  n += sizeof prefixes;
  memcpy(data + n, suffix_lengths, sizeof suffix_lengths);
  n += sizeof suffix_lengths;
  memcpy(data + n, "Hellops", 7);
  n += 7;
  pq_view v[3];
  uint8_t *storage = NULL;
  md_error err;
  assert_int_equal(delta_byte_array_decode(data, n, 3, v, &storage, &err), MD_OK);
  assert_int_equal(v[0].length, 5);
  assert_memory_equal(v[0].ptr, "Hello", 5);
  assert_int_equal(v[1].length, 4);
  assert_memory_equal(v[1].ptr, "Help", 4);
  assert_int_equal(v[2].length, 5);
  assert_memory_equal(v[2].ptr, "Helps", 5);
  free(storage);
  /* A prefix longer than the previous value is corrupt. */
  data[5] = 0x10; /* min delta 8 makes the second prefix 10, longer than "Hello" */
  assert_int_equal(delta_byte_array_decode(data, n, 3, v, &storage, &err), MD_ERR_CORRUPT);
}

static void test_byte_stream_split_interleaves_streams(void **state) {
  (void)state;
  const uint8_t data[] = {0, 0, 0, 0, 0x80, 0, 0x3f, 0x40};
  float f[2];
  md_error err;
  assert_int_equal(bss_decode(data, sizeof data, 4, 2, (uint8_t *)f, &err), MD_OK);
  assert_true(f[0] == 1.0f);
  assert_true(f[1] == 2.0f);
  assert_int_equal(bss_decode(data, sizeof data, 4, 3, (uint8_t *)f, &err), MD_ERR_CORRUPT);
  const uint8_t flba[] = {1, 2, 3, 4, 5, 6}; /* two 3-byte values */
  uint8_t out[6];
  assert_int_equal(bss_decode(flba, sizeof flba, 3, 2, out, &err), MD_OK);
  const uint8_t expect[] = {1, 3, 5, 2, 4, 6};
  assert_memory_equal(out, expect, 6);
}

static void test_int96_converts_julian_days_and_refuses_overflow(void **state) {
  (void)state;
  uint8_t v[12] = {0};
  uint32_t day = 2440589; /* 1970-01-02 */
  uint64_t nanos = 1000;
  memcpy(v, &nanos, 8);
  memcpy(v + 8, &day, 4);
  int64_t out;
  assert_true(pq_int96_to_unit(v, MD_NANO, &out));
  assert_true(out == 86400000001000LL);
  assert_true(pq_int96_to_unit(v, MD_MICRO, &out));
  assert_true(out == 86400000001LL);
  day = 0; /* 4713 BC: far outside int64 nanoseconds, inside microseconds */
  memcpy(v + 8, &day, 4);
  assert_false(pq_int96_to_unit(v, MD_NANO, &out));
  assert_true(pq_int96_to_unit(v, MD_MICRO, &out));
  assert_true(out == -2440588LL * 86400000000LL + 1);
}

static void test_half_floats_widen_exactly(void **state) {
  (void)state;
  assert_true(pq_half_to_float(0x3c00) == 1.0f);
  assert_true(pq_half_to_float(0xc000) == -2.0f);
  assert_true(pq_half_to_float(0x0001) == 5.9604644775390625e-08f); /* smallest subnormal */
  assert_true(pq_half_to_float(0x7c00) > 1e38f);
  float nan = pq_half_to_float(0x7e00);
  assert_true(nan != nan);
}

static void test_decimal_bytes_sign_extend_to_128_bits(void **state) {
  (void)state;
  uint8_t out[16];
  md_error err;
  const uint8_t minus_one[] = {0xff};
  assert_int_equal(pq_decimal_from_be(minus_one, 1, out, &err), MD_OK);
  for (int i = 0; i < 16; i++) assert_int_equal(out[i], 0xff);
  const uint8_t wide[18] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02};
  assert_int_equal(pq_decimal_from_be(wide, 18, out, &err), MD_OK);
  assert_int_equal(out[0], 0x02);
  assert_int_equal(out[1], 0x01);
  const uint8_t too_wide[17] = {0x01};
  assert_int_equal(pq_decimal_from_be(too_wide, 17, out, &err), MD_ERR_OVERFLOW);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rle_decodes_bitpacked_then_rle_run),
      cmocka_unit_test(test_rle_decodes_bit_width_zero_as_zeros),
      cmocka_unit_test(test_rle_decodes_bit_width_32),
      cmocka_unit_test(test_rle_rejects_truncated_run_and_wide_value),
      cmocka_unit_test(test_rle_decodes_levels_from_short_last_group),
      cmocka_unit_test(test_bitpacked_legacy_levels_are_msb_first),
      cmocka_unit_test(test_plain_decodes_bool_fixed_and_byte_array),
      cmocka_unit_test(test_delta_binary_packed_decodes_spec_example),
      cmocka_unit_test(test_delta_binary_packed_decodes_packed_miniblock),
      cmocka_unit_test(test_delta_binary_packed_wraps_int64_extremes),
      cmocka_unit_test(test_delta_binary_packed_decodes_bit_width_64),
      cmocka_unit_test(test_delta_binary_packed_rejects_bad_header_and_width),
      cmocka_unit_test(test_delta_length_byte_array_decodes_strings),
      cmocka_unit_test(test_delta_byte_array_rebuilds_prefixes),
      cmocka_unit_test(test_byte_stream_split_interleaves_streams),
      cmocka_unit_test(test_int96_converts_julian_days_and_refuses_overflow),
      cmocka_unit_test(test_half_floats_widen_exactly),
      cmocka_unit_test(test_decimal_bytes_sign_extend_to_128_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
