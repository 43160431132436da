/* decode_plain.c — the PLAIN encoding: fixed-width values back to back,
 * booleans as LSB-first bits, byte arrays as 4-byte length + bytes. Fixed-width
 * values are little-endian both on disk and in memory, so decoding is a copy. */
#include <string.h>

#include "parquet/decode.h"

md_code plain_decode_fixed(const uint8_t *data, size_t size, int width, int64_t count, uint8_t *out,
                           size_t *consumed, md_error *err) {
  if (width <= 0 || count < 0) return md_error_set(err, MD_ERR_CORRUPT, "invalid PLAIN value width");
  if ((uint64_t)count > size / (uint64_t)width)
    return md_error_set(err, MD_ERR_CORRUPT, "PLAIN data holds %zu of %lld values", size / (size_t)width,
                        (long long)count);
  size_t bytes = (size_t)count * (size_t)width;
  if (bytes) memcpy(out, data, bytes);
  *consumed = bytes;
  return MD_OK;
}

md_code plain_decode_bool(const uint8_t *data, size_t size, int64_t count, uint8_t *out, size_t *consumed,
                          md_error *err) {
  if (count < 0 || (uint64_t)count > (uint64_t)size * 8)
    return md_error_set(err, MD_ERR_CORRUPT, "PLAIN boolean data holds %zu of %lld values", size * 8,
                        (long long)count);
  for (int64_t i = 0; i < count; i++) out[i] = (data[i >> 3] >> (i & 7)) & 1;
  *consumed = (size_t)((count + 7) / 8);
  return MD_OK;
}

md_code plain_decode_byte_array(const uint8_t *data, size_t size, int64_t count, pq_view *out,
                                size_t *consumed, md_error *err) {
  size_t pos = 0;
  for (int64_t i = 0; i < count; i++) {
    if (size - pos < 4)
      return md_error_set(err, MD_ERR_CORRUPT, "PLAIN byte array %lld of %lld: length truncated",
                          (long long)i, (long long)count);
    uint32_t length = (uint32_t)data[pos] | (uint32_t)data[pos + 1] << 8 | (uint32_t)data[pos + 2] << 16 |
                      (uint32_t)data[pos + 3] << 24;
    pos += 4;
    if (length > size - pos)
      return md_error_set(err, MD_ERR_CORRUPT, "PLAIN byte array %lld of %lld: %u bytes past the end",
                          (long long)i, (long long)count, length);
    out[i].ptr = data + pos;
    out[i].length = length;
    pos += length;
  }
  *consumed = pos;
  return MD_OK;
}
