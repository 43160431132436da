/* hash.c — the byte hash behind hash joins, hash aggregation and HMAC
 * deduplication. Word-at-a-time with a strong 64-bit finaliser: keys are short
 * (ids, codes, dates), so per-call overhead matters more than throughput. */
#include "compute_internal.h"

uint64_t hash_bytes(const void *bytes, size_t len, uint64_t seed) {
  const uint8_t *p = bytes;
  uint64_t h = seed ^ ((uint64_t)len * 0x9E3779B97F4A7C15ULL);
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = hash_mix(h ^ w) + 0x9E3779B97F4A7C15ULL;
    p += 8;
    len -= 8;
  }
  uint64_t tail = 0;
  if (len > 0) memcpy(&tail, p, len);
  return hash_mix(h ^ tail ^ ((uint64_t)len << 56));
}
