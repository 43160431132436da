/* encode_rle.c — RLE / bit-packed hybrid encoder (see encode_rle.h).
 *
 * A run of 8 or more equal values becomes an RLE run (header count<<1, then
 * the value in ceil(bit_width/8) bytes); everything else is bit-packed in
 * groups of 8 values (header groups<<1 | 1), LSB first. Bit-packed runs stop
 * at a group boundary where an RLE run of at least 8 begins, so long runs are
 * never swallowed; the last group is zero-padded (readers stop at num_values). */
#include "parquet/encode_rle.h"

int encode_bit_width(uint64_t max_value) {
  int width = 0;
  while (max_value) {
    width++;
    max_value >>= 1;
  }
  return width;
}

static void emit_rle_run(writer_buf *out, uint32_t value, int64_t count, int bit_width) {
  writer_buf_append_uvarint(out, (uint64_t)count << 1);
  int value_bytes = (bit_width + 7) / 8;
  for (int i = 0; i < value_bytes; i++) writer_buf_append_byte(out, (uint8_t)(value >> (8 * i)));
}

/* Packs 8 values of `width` bits into exactly `width` bytes. Inlined per width
 * from pack_groups' switch so the shifts become constants. */
static inline __attribute__((always_inline)) void pack_group(uint8_t *dst, const uint32_t *v, int width) {
  uint64_t acc = 0;
  int bits = 0;
  for (int i = 0; i < 8; i++) {
    acc |= (uint64_t)v[i] << bits;
    bits += width;
    if (bits >= 32) {
      uint32_t word = (uint32_t)acc;
      dst[0] = (uint8_t)word;
      dst[1] = (uint8_t)(word >> 8);
      dst[2] = (uint8_t)(word >> 16);
      dst[3] = (uint8_t)(word >> 24);
      dst += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  while (bits > 0) {
    *dst++ = (uint8_t)acc;
    acc >>= 8;
    bits -= 8;
  }
}

static inline __attribute__((always_inline)) void pack_groups_width(uint8_t *dst, const uint32_t *v, int64_t groups,
                                                                     int width) {
  for (int64_t g = 0; g < groups; g++) pack_group(dst + g * width, v + g * 8, width);
}

static void pack_groups(uint8_t *dst, const uint32_t *v, int64_t groups, int width) {
  switch (width) {
#define PACK_CASE(w) \
  case w: pack_groups_width(dst, v, groups, w); break;
    PACK_CASE(1) PACK_CASE(2) PACK_CASE(3) PACK_CASE(4) PACK_CASE(5) PACK_CASE(6) PACK_CASE(7) PACK_CASE(8)
    PACK_CASE(9) PACK_CASE(10) PACK_CASE(11) PACK_CASE(12) PACK_CASE(13) PACK_CASE(14) PACK_CASE(15)
    PACK_CASE(16) PACK_CASE(17) PACK_CASE(18) PACK_CASE(19) PACK_CASE(20)
#undef PACK_CASE
    default: pack_groups_width(dst, v, groups, width); break;
  }
}

static void emit_bitpacked_run(writer_buf *out, const uint32_t *values, int64_t count, int bit_width) {
  int64_t groups = (count + 7) / 8;
  writer_buf_append_uvarint(out, ((uint64_t)groups << 1) | 1);
  if (bit_width == 0) return;
  int64_t full = count / 8;
  if (!writer_buf_reserve(out, (size_t)(groups * bit_width))) return;
  uint8_t *dst = out->data + out->size;
  pack_groups(dst, values, full, bit_width);
  if (full < groups) {
    uint32_t last[8] = {0};
    for (int64_t i = full * 8; i < count; i++) last[i - full * 8] = values[i];
    pack_groups(dst + full * bit_width, last, 1, bit_width);
  }
  out->size += (size_t)(groups * bit_width);
}

/* Length of the run of equal values starting at i, looking at most `limit` ahead. */
static int64_t run_length(const uint32_t *values, int64_t i, int64_t count, int64_t limit) {
  int64_t end = count - i < limit ? count : i + limit;
  int64_t j = i + 1;
  while (j < end && values[j] == values[i]) j++;
  return j - i;
}

void encode_rle_hybrid(writer_buf *out, const uint32_t *values, int64_t count, int bit_width) {
  int64_t i = 0;
  while (i < count) {
    int64_t run = run_length(values, i, count, INT64_MAX);
    if (run >= 8) {
      emit_rle_run(out, values[i], run, bit_width);
      i += run;
      continue;
    }
    int64_t start = i;
    int64_t end = i;
    for (;;) {
      end += 8;
      if (end >= count) {
        end = count;
        break;
      }
      if (run_length(values, end, count, 8) >= 8) break;
    }
    emit_bitpacked_run(out, values + start, end - start, bit_width);
    i = end;
  }
}

/* The bits of group g (8 values) with bits past count cleared, and whether
 * they are all equal (*uniform_value set to 0 or 1 then). */
static uint8_t group_byte(const uint8_t *bits, int64_t g, int64_t count, int *group_values) {
  int64_t remaining = count - g * 8;
  *group_values = remaining >= 8 ? 8 : (int)remaining;
  uint8_t byte = bits[g];
  if (*group_values < 8) byte &= (uint8_t)((1u << *group_values) - 1);
  return byte;
}

static int group_uniform(uint8_t byte, int group_values) {
  uint8_t all = (uint8_t)(group_values >= 8 ? 0xFF : (1u << group_values) - 1);
  if (byte == 0) return 0;
  if (byte == all) return 1;
  return -1;
}

void encode_rle_bitmap(writer_buf *out, const uint8_t *bits, int64_t count) {
  int64_t groups = (count + 7) / 8;
  int64_t g = 0;
  while (g < groups) {
    int n = 0;
    int u = group_uniform(group_byte(bits, g, count, &n), n);
    if (u >= 0) {
      int64_t values = 0;
      while (g < groups) {
        uint8_t byte = group_byte(bits, g, count, &n);
        if (group_uniform(byte, n) != u) break;
        values += n;
        g++;
      }
      emit_rle_run(out, (uint32_t)u, values, 1);
      continue;
    }
    /* Bit-packed until two uniform groups of the same value in a row (one
     * alone is cheaper to keep packed than to cost two run headers). */
    int64_t start = g;
    g++;
    while (g < groups) {
      uint8_t byte = group_byte(bits, g, count, &n);
      int uu = group_uniform(byte, n);
      if (uu >= 0) {
        if (g + 1 == groups) break;
        int n2 = 0;
        uint8_t next = group_byte(bits, g + 1, count, &n2);
        if (group_uniform(next, n2) == uu) break;
      }
      g++;
    }
    writer_buf_append_uvarint(out, ((uint64_t)(g - start) << 1) | 1);
    if (!writer_buf_reserve(out, (size_t)(g - start))) return;
    for (int64_t k = start; k < g; k++) {
      int unused;
      out->data[out->size++] = group_byte(bits, k, count, &unused);
    }
  }
}
