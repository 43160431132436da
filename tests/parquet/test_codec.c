/* test_codec.c — every writable codec round-trips; corrupt or mis-sized input is
 * an error, never a crash; Hadoop-framed LZ4 decodes. */
#include "support.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/codec.h"

static const md_parquet_codec writable[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_GZIP,
                                            MD_PARQUET_BROTLI, MD_PARQUET_ZSTD, MD_PARQUET_LZ4_RAW};

static uint8_t *sample(size_t n) {
  uint8_t *data = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) data[i] = (uint8_t)((i * 7) % 13 + (i % 251 == 0 ? 200 : 0));
  return data;
}

static void test_codec_round_trips_every_writable_codec(void **state) {
  (void)state;
  const size_t sizes[] = {0, 1, 100, 70000};
  for (size_t c = 0; c < sizeof writable / sizeof writable[0]; c++) {
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
      md_error err;
      uint8_t *src = sample(sizes[s]);
      size_t bound = parquet_compress_bound(writable[c], sizes[s]);
      uint8_t *packed = malloc(bound + 1);
      size_t packed_size = 0;
      assert_int_equal(parquet_compress(writable[c], 0, src, sizes[s], packed, bound, &packed_size, &err), MD_OK);
      uint8_t *back = malloc(sizes[s] + 1);
      assert_int_equal(parquet_decompress(writable[c], packed, packed_size, back, sizes[s], &err), MD_OK);
      assert_memory_equal(back, src, sizes[s]);
      free(src);
      free(packed);
      free(back);
    }
  }
}

static void test_codec_rejects_wrong_uncompressed_size(void **state) {
  (void)state;
  for (size_t c = 0; c < sizeof writable / sizeof writable[0]; c++) {
    md_error err;
    uint8_t *src = sample(1000);
    size_t bound = parquet_compress_bound(writable[c], 1000);
    uint8_t *packed = malloc(bound);
    size_t packed_size = 0;
    assert_int_equal(parquet_compress(writable[c], 0, src, 1000, packed, bound, &packed_size, &err), MD_OK);
    uint8_t back[1200];
    assert_int_equal(parquet_decompress(writable[c], packed, packed_size, back, 999, &err), MD_ERR_CORRUPT);
    assert_int_equal(parquet_decompress(writable[c], packed, packed_size, back, 1001, &err), MD_ERR_CORRUPT);
    free(src);
    free(packed);
  }
}

static void test_codec_rejects_garbage(void **state) {
  (void)state;
  uint8_t garbage[64];
  for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (uint8_t)(0xA5 ^ (i * 31));
  uint8_t out[256];
  for (size_t c = 1; c < sizeof writable / sizeof writable[0]; c++) {
    md_error err;
    assert_int_not_equal(parquet_decompress(writable[c], garbage, sizeof garbage, out, sizeof out, &err), MD_OK);
  }
}

static void test_codec_decodes_hadoop_framed_lz4(void **state) {
  (void)state;
  uint8_t *src = sample(5000);
  uint8_t framed[8192];
  size_t at = 0;
  /* Two blocks of 2500 bytes, each [BE raw size][BE compressed size][block]. */
  for (int block = 0; block < 2; block++) {
    int n = LZ4_compress_default((const char *)src + block * 2500, (char *)framed + at + 8, 2500, 4000);
    assert_true(n > 0);
    uint32_t raw = 2500, packed = (uint32_t)n;
    for (int i = 0; i < 4; i++) {
      framed[at + (size_t)i] = (uint8_t)(raw >> (24 - 8 * i));
      framed[at + 4 + (size_t)i] = (uint8_t)(packed >> (24 - 8 * i));
    }
    at += 8 + (size_t)n;
  }
  uint8_t back[5000];
  md_error err;
  assert_int_equal(parquet_decompress(MD_PARQUET_LZ4, framed, at, back, sizeof back, &err), MD_OK);
  assert_memory_equal(back, src, 5000);
  free(src);
}

static void test_codec_names_parse(void **state) {
  (void)state;
  md_parquet_codec codec;
  md_error err;
  assert_int_equal(md_parquet_codec_parse("ZSTD", &codec, &err), MD_OK);
  assert_int_equal(codec, MD_PARQUET_ZSTD);
  assert_int_equal(md_parquet_codec_parse("none", &codec, &err), MD_OK);
  assert_int_equal(codec, MD_PARQUET_UNCOMPRESSED);
  assert_int_equal(md_parquet_codec_parse("lzo2", &codec, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "lzo2"));
  assert_string_equal(md_parquet_codec_name(MD_PARQUET_LZ4_RAW), "LZ4_RAW");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codec_round_trips_every_writable_codec),
      cmocka_unit_test(test_codec_rejects_wrong_uncompressed_size),
      cmocka_unit_test(test_codec_rejects_garbage),
      cmocka_unit_test(test_codec_decodes_hadoop_framed_lz4),
      cmocka_unit_test(test_codec_names_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
