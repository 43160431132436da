/* encode_plain.c — core values to PLAIN physical values.
 *
 * Most columns need no conversion at all (int32/64, floats, dates, times,
 * micro/nano timestamps share Parquet's little-endian layout), so the common
 * no-null case hands back a pointer into the column and copies nothing. The
 * rest widen (int8/16), rescale (seconds to millis, checked) or re-lay out
 * (decimal to big-endian, month_day_nano to the legacy 12-byte INTERVAL). */
#include "parquet/encode_plain.h"

#include <string.h>

static inline bool row_valid(const uint8_t *validity, int64_t row) {
  return !validity || md_bit_get(validity, row);
}

#define CONVERT_LOOP(src_type, dst_type, expression)                        \
  do {                                                                     \
    const src_type *src = (const src_type *)values;                        \
    dst_type *o = (dst_type *)(void *)dst;                                 \
    for (int64_t k = row; k < row + count; k++) {                          \
      if (!row_valid(validity, k)) continue;                               \
      src_type x = src[k];                                                 \
      o[n++] = (dst_type)(expression);                                     \
    }                                                                      \
  } while (0)

/* The little-endian 16 bytes of a decimal128 as two halves. */
static void decimal_halves(const uint8_t *v, int64_t *high, uint64_t *low) {
  memcpy(low, v, 8);
  memcpy(high, v + 8, 8);
}

static md_code convert_decimal(const writer_leaf *leaf, const uint8_t *values, const uint8_t *validity, int64_t row,
                               int64_t count, uint8_t *dst, int64_t *written, md_error *err) {
  int64_t n = 0;
  int width = leaf->value_width;
  for (int64_t k = row; k < row + count; k++) {
    if (!row_valid(validity, k)) continue;
    int64_t high;
    uint64_t low;
    decimal_halves(values + 16 * k, &high, &low);
    bool fits64 = high == ((int64_t)low >> 63);
    if (leaf->conversion == WRITER_CONV_DECIMAL_INT64) {
      if (!fits64) goto overflow;
      memcpy(dst + 8 * n, &low, 8);
    } else if (leaf->conversion == WRITER_CONV_DECIMAL_INT32) {
      int64_t v = (int64_t)low;
      if (!fits64 || v < INT32_MIN || v > INT32_MAX) goto overflow;
      int32_t v32 = (int32_t)v;
      memcpy(dst + 4 * n, &v32, 4);
    } else {
      /* Big-endian two's complement in `width` bytes: the dropped high bytes
       * must all be the sign extension of the kept ones. */
      uint8_t be[16];
      for (int b = 0; b < 8; b++) {
        be[b] = (uint8_t)((uint64_t)high >> (56 - 8 * b));
        be[8 + b] = (uint8_t)(low >> (56 - 8 * b));
      }
      uint8_t sign = (be[16 - width] & 0x80) ? 0xFF : 0x00;
      for (int b = 0; b < 16 - width; b++)
        if (be[b] != sign) goto overflow;
      memcpy(dst + (size_t)width * n, be + 16 - width, (size_t)width);
    }
    n++;
    continue;
  overflow:
    return md_error_set(err, MD_ERR_OVERFLOW, "row %lld: decimal value does not fit decimal(%d,%d)", (long long)k,
                        leaf->type.precision, leaf->type.scale);
  }
  *written = n;
  return MD_OK;
}

static md_code convert_interval(const uint8_t *values, const uint8_t *validity, int64_t row, int64_t count,
                                uint8_t *dst, int64_t *written, md_error *err) {
  int64_t n = 0;
  for (int64_t k = row; k < row + count; k++) {
    if (!row_valid(validity, k)) continue;
    int32_t months, days;
    int64_t nanos;
    memcpy(&months, values + 16 * k, 4);
    memcpy(&days, values + 16 * k + 4, 4);
    memcpy(&nanos, values + 16 * k + 8, 8);
    if (months < 0 || days < 0 || nanos < 0 || nanos % 1000000 != 0 || nanos / 1000000 > UINT32_MAX)
      return md_error_set(err, MD_ERR_OVERFLOW,
                          "row %lld: interval (%d months, %d days, %lld ns) has no Parquet INTERVAL equivalent "
                          "(parts must be non-negative and nanoseconds whole milliseconds)",
                          (long long)k, months, days, (long long)nanos);
    uint32_t millis = (uint32_t)(nanos / 1000000);
    uint8_t *o = dst + 12 * n;
    memcpy(o, &months, 4);
    memcpy(o + 4, &days, 4);
    memcpy(o + 8, &millis, 4);
    n++;
  }
  *written = n;
  return MD_OK;
}

md_code encode_plain_fixed(const writer_leaf *leaf, const md_column *column, int64_t row, int64_t count,
                           uint8_t *dst, const uint8_t **out, int64_t *written, md_error *err) {
  const uint8_t *values = md_column_values(column);
  const uint8_t *validity = md_column_validity(column);
  int64_t n = 0;
  *out = dst;
  if (leaf->conversion == WRITER_CONV_NULL) {
    *written = 0;
    return MD_OK;
  }
  switch (leaf->conversion) {
    case WRITER_CONV_COPY: {
      size_t width = (size_t)leaf->value_width;
      if (!validity) {
        *out = values + (size_t)row * width;
        *written = count;
        return MD_OK;
      }
      for (int64_t k = row; k < row + count; k++) {
        if (!md_bit_get(validity, k)) continue;
        memcpy(dst + n * width, values + (size_t)k * width, width);
        n++;
      }
      break;
    }
    case WRITER_CONV_INT8: CONVERT_LOOP(int8_t, int32_t, x); break;
    case WRITER_CONV_INT16: CONVERT_LOOP(int16_t, int32_t, x); break;
    case WRITER_CONV_UINT8: CONVERT_LOOP(uint8_t, int32_t, x); break;
    case WRITER_CONV_UINT16: CONVERT_LOOP(uint16_t, int32_t, x); break;
    case WRITER_CONV_TIME_S_TO_MS: {
      const int32_t *src = (const int32_t *)(const void *)values;
      int32_t *o = (int32_t *)(void *)dst;
      for (int64_t k = row; k < row + count; k++) {
        if (!row_valid(validity, k)) continue;
        int32_t ms;
        if (__builtin_mul_overflow(src[k], 1000, &ms))
          return md_error_set(err, MD_ERR_OVERFLOW, "row %lld: time %d s overflows milliseconds", (long long)k,
                              src[k]);
        o[n++] = ms;
      }
      break;
    }
    case WRITER_CONV_TS_S_TO_MS: {
      const int64_t *src = (const int64_t *)(const void *)values;
      int64_t *o = (int64_t *)(void *)dst;
      for (int64_t k = row; k < row + count; k++) {
        if (!row_valid(validity, k)) continue;
        int64_t ms;
        if (__builtin_mul_overflow(src[k], (int64_t)1000, &ms))
          return md_error_set(err, MD_ERR_OVERFLOW,
                              "row %lld: timestamp %lld s overflows milliseconds (Parquet has no seconds unit)",
                              (long long)k, (long long)src[k]);
        o[n++] = ms;
      }
      break;
    }
    case WRITER_CONV_DECIMAL_INT32:
    case WRITER_CONV_DECIMAL_INT64:
    case WRITER_CONV_DECIMAL_FLBA: return convert_decimal(leaf, values, validity, row, count, dst, written, err);
    case WRITER_CONV_INTERVAL: return convert_interval(values, validity, row, count, dst, written, err);
    default: return md_error_set(err, MD_ERR_INTERNAL, "conversion %d is not fixed width", (int)leaf->conversion);
  }
  *written = n;
  return MD_OK;
}

void encode_append_bits(writer_buf *buf, int64_t *bit_count, const uint8_t *src, int64_t src_offset,
                        int64_t count) {
  int64_t start = *bit_count;
  int64_t end_bytes = (start + count + 7) / 8;
  size_t have = (size_t)((start + 7) / 8);
  if (!writer_buf_reserve(buf, (size_t)end_bytes - have)) return;
  uint8_t *dst = buf->data;
  if (end_bytes > (int64_t)have) memset(dst + have, 0, (size_t)end_bytes - have);
  buf->size = (size_t)end_bytes;
  *bit_count = start + count;
  int64_t k = 0;
  if (!src) {
    while (k < count && ((start + k) & 7)) md_bit_set(dst, start + k++);
    int64_t whole = (count - k) / 8;
    memset(dst + (start + k) / 8, 0xFF, (size_t)whole);
    k += whole * 8;
    for (; k < count; k++) md_bit_set(dst, start + k);
    return;
  }
  while (k < count && ((start + k) & 7))
    if (md_bit_get(src, src_offset + k++)) md_bit_set(dst, start + k - 1);
  /* Destination now byte aligned: gather 8 source bits per output byte. */
  int shift = (int)((src_offset + k) & 7);
  if (shift == 0) {
    int64_t whole = (count - k) / 8;
    memcpy(dst + (start + k) / 8, src + (src_offset + k) / 8, (size_t)whole);
    k += whole * 8;
  } else {
    for (; k + 8 <= count; k += 8) {
      const uint8_t *s = src + (src_offset + k) / 8;
      dst[(start + k) / 8] = (uint8_t)((s[0] >> shift) | (s[1] << (8 - shift)));
    }
  }
  for (; k < count; k++)
    if (md_bit_get(src, src_offset + k)) md_bit_set(dst, start + k);
}

int64_t encode_count_zeros(const uint8_t *bits, int64_t offset, int64_t count) {
  if (!bits) return 0;
  int64_t ones = 0, k = 0;
  while (k < count && ((offset + k) & 7)) ones += md_bit_get(bits, offset + k++);
  for (; k + 64 <= count; k += 64) {
    uint64_t word;
    memcpy(&word, bits + (offset + k) / 8, 8);
    ones += __builtin_popcountll(word);
  }
  for (; k < count; k++) ones += md_bit_get(bits, offset + k);
  return count - ones;
}

void encode_plain_bools(writer_buf *buf, int64_t *bit_count, const md_column *column, int64_t row, int64_t count) {
  const uint8_t *values = md_column_values(column);
  const uint8_t *validity = md_column_validity(column);
  if (!validity) {
    encode_append_bits(buf, bit_count, values, row, count);
    return;
  }
  int64_t start = *bit_count;
  int64_t valid = count - encode_count_zeros(validity, row, count);
  int64_t end_bytes = (start + valid + 7) / 8;
  size_t have = (size_t)((start + 7) / 8);
  if (!writer_buf_reserve(buf, (size_t)end_bytes - have)) return;
  if (end_bytes > (int64_t)have) memset(buf->data + have, 0, (size_t)end_bytes - have);
  buf->size = (size_t)end_bytes;
  int64_t at = start;
  for (int64_t k = row; k < row + count; k++) {
    if (!md_bit_get(validity, k)) continue;
    if (md_bit_get(values, k)) md_bit_set(buf->data, at);
    at++;
  }
  *bit_count = at;
}
