/* decode_bss.c — BYTE_STREAM_SPLIT: byte k of every value is stored in stream k,
 * the streams one after another. Used for FLOAT and DOUBLE (and since format
 * 2.11 INT32, INT64 and FIXED_LEN_BYTE_ARRAY); decoding interleaves them back. */
#include "parquet/decode.h"

md_code bss_decode(const uint8_t *data, size_t size, int width, int64_t count, uint8_t *out,
                   md_error *err) {
  if (width <= 0 || count < 0) return md_error_set(err, MD_ERR_CORRUPT, "invalid BYTE_STREAM_SPLIT width");
  if ((uint64_t)count > size / (uint64_t)width)
    return md_error_set(err, MD_ERR_CORRUPT, "BYTE_STREAM_SPLIT data holds %zu of %lld values",
                        size / (size_t)width, (long long)count);
  size_t n = (size_t)count;
  for (int k = 0; k < width; k++) {
    const uint8_t *stream = data + (size_t)k * n;
    uint8_t *dst = out + k;
    for (size_t i = 0; i < n; i++) dst[i * (size_t)width] = stream[i];
  }
  return MD_OK;
}
