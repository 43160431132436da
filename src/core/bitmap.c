/* bitmap.c — counting, copying and filling ranges of Arrow bitmaps (validity
 * and BOOL values). Ranges rarely start on byte boundaries after slicing, so
 * these work bit-wise at the edges and byte-wise in between. */
#include <string.h>

#include "column_internal.h"

int64_t bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t count) {
  int64_t total = 0, i = offset, end = offset + count;
  for (; i < end && (i & 7); i++) total += md_bit_get(bits, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t word;
    memcpy(&word, bits + (i >> 3), sizeof word);
    total += __builtin_popcountll(word);
  }
  for (; i + 8 <= end; i += 8) total += __builtin_popcount(bits[i >> 3]);
  for (; i < end; i++) total += md_bit_get(bits, i);
  return total;
}

void bitmap_copy(uint8_t *dst, int64_t dst_offset, const uint8_t *src, int64_t src_offset, int64_t count) {
  int64_t i = 0;
  if (((dst_offset | src_offset) & 7) == 0) {
    int64_t whole = count / 8;
    if (whole > 0) memcpy(dst + (dst_offset >> 3), src + (src_offset >> 3), (size_t)whole);
    i = whole * 8;
  }
  for (; i < count; i++) {
    if (md_bit_get(src, src_offset + i)) md_bit_set(dst, dst_offset + i);
    else md_bit_clear(dst, dst_offset + i);
  }
}

void bitmap_fill(uint8_t *bits, int64_t offset, int64_t count, bool value) {
  int64_t i = offset, end = offset + count;
  for (; i < end && (i & 7); i++) value ? md_bit_set(bits, i) : md_bit_clear(bits, i);
  if (end - i >= 8) {
    int64_t whole = (end - i) / 8;
    memset(bits + (i >> 3), value ? 0xff : 0, (size_t)whole);
    i += whole * 8;
  }
  for (; i < end; i++) value ? md_bit_set(bits, i) : md_bit_clear(bits, i);
}
