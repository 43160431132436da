/* decode_convert.c — the few physical-to-logical value conversions that both
 * column decoding and statistics need: FLOAT16, big-endian decimals, INT96. */
#include <string.h>

#include "parquet/decode.h"

float pq_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else { /* subnormal half: normalise the mantissa */
    int e = -1;
    do {
      e++;
      mant <<= 1;
    } while (!(mant & 0x400));
    bits = sign | ((uint32_t)(112 - e) << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

md_code pq_decimal_from_be(const uint8_t *p, uint32_t len, uint8_t out[16], md_error *err) {
  uint8_t fill = len && (p[0] & 0x80) ? 0xff : 0x00;
  if (len > 16) {
    /* Wider storage is fine while the extra bytes only extend the sign. */
    for (uint32_t i = 0; i < len - 16; i++)
      if (p[i] != fill) return md_error_set(err, MD_ERR_OVERFLOW, "decimal of %u bytes does not fit 128 bits", len);
    if ((p[len - 16] & 0x80) != (fill & 0x80))
      return md_error_set(err, MD_ERR_OVERFLOW, "decimal of %u bytes does not fit 128 bits", len);
    p += len - 16;
    len = 16;
  }
  memset(out, fill, 16);
  for (uint32_t i = 0; i < len; i++) out[i] = p[len - 1 - i];
  return MD_OK;
}

bool pq_int96_to_unit(const uint8_t bytes[12], md_time_unit unit, int64_t *out) {
  /* Spark and Impala wrote INT96 for legacy timestamps; Julian day 2440588 is
   * 1970-01-01. Years outside 1677..2262 do not fit nanoseconds in int64.
   * Coarser units (Delta reads INT96 as microseconds) reach years past 2262.
   * The time of day is floored to the unit. */
  static const int64_t per_day[] = {86400, 86400000, 86400000000, 86400000000000};
  static const int64_t per_unit[] = {1000000000, 1000000, 1000, 1};
  int64_t nanos;
  uint32_t day;
  memcpy(&nanos, bytes, 8);
  memcpy(&day, bytes + 8, 4);
  int64_t of_day = nanos / per_unit[unit] - (nanos % per_unit[unit] < 0);
  int64_t day_units;
  if (__builtin_mul_overflow((int64_t)day - 2440588, per_day[unit], &day_units)) return false;
  return !__builtin_add_overflow(day_units, of_day, out);
}
