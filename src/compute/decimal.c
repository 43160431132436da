/* decimal.c — 128-bit helpers for decimal128 values: loading and storing the
 * Arrow little-endian layout, powers of ten, precision checks and text.
 *
 * Decimal arithmetic is exact integer arithmetic on the unscaled value; the only
 * question is whether a result still fits its precision, which dec_fits answers. */
#include <stdio.h>

#include "compute_internal.h"

i128 dec_load(const void *p) {
  uint64_t low, high;
  memcpy(&low, p, 8);
  memcpy(&high, (const uint8_t *)p + 8, 8);
  return (i128)(((u128)high << 64) | low);
}

void dec_store(void *p, i128 v) {
  uint64_t low = (uint64_t)(u128)v, high = (uint64_t)((u128)v >> 64);
  memcpy(p, &low, 8);
  memcpy((uint8_t *)p + 8, &high, 8);
}

/* Casts and sums ask for a power of ten per value (dec_fits): a constant
 * table, not a loop of up to 38 128-bit multiplications each time. */
#define E18 ((i128)1000000000000000000LL)
static const i128 POW10[39] = {
    (i128)1LL, (i128)10LL, (i128)100LL,
    (i128)1000LL, (i128)10000LL, (i128)100000LL,
    (i128)1000000LL, (i128)10000000LL, (i128)100000000LL,
    (i128)1000000000LL, (i128)10000000000LL, (i128)100000000000LL,
    (i128)1000000000000LL, (i128)10000000000000LL, (i128)100000000000000LL,
    (i128)1000000000000000LL, (i128)10000000000000000LL, (i128)100000000000000000LL,
    (i128)1000000000000000000LL, E18 * 10LL, E18 * 100LL,
    E18 * 1000LL, E18 * 10000LL, E18 * 100000LL,
    E18 * 1000000LL, E18 * 10000000LL, E18 * 100000000LL,
    E18 * 1000000000LL, E18 * 10000000000LL, E18 * 100000000000LL,
    E18 * 1000000000000LL, E18 * 10000000000000LL, E18 * 100000000000000LL,
    E18 * 1000000000000000LL, E18 * 10000000000000000LL, E18 * 100000000000000000LL,
    E18 * 1000000000000000000LL, E18 * E18 * 10LL, E18 * E18 * 100LL};
#undef E18

i128 dec_pow10(int n) { return POW10[n < 0 ? 0 : n > 38 ? 38 : n]; }

bool dec_fits(i128 v, int precision) {
  i128 limit = dec_pow10(precision);
  return v < limit && v > -limit;
}

void dec_format(i128 v, int scale, char *buf, size_t size) {
  char digits[48];
  int n = 0;
  bool negative = v < 0;
  u128 magnitude = negative ? (u128)0 - (u128)v : (u128)v;
  do {
    digits[n++] = (char)('0' + (int)(magnitude % 10));
    magnitude /= 10;
  } while (magnitude > 0 || n <= scale);
  char out[64];
  int o = 0;
  if (negative) out[o++] = '-';
  for (int i = n - 1; i >= 0; i--) {
    out[o++] = digits[i];
    if (i == scale && scale > 0) out[o++] = '.';
  }
  out[o] = '\0';
  snprintf(buf, size, "%s", out);
}
