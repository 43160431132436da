/* decode_rle.c — the RLE / bit-packed hybrid (levels, dictionary indices,
 * booleans) and the legacy MSB-first BIT_PACKED level encoding.
 *
 * A hybrid stream is a sequence of runs, each introduced by a varint header:
 * odd = (groups of 8) bit-packed values, even = one value repeated. Bit widths
 * go up to 32 (dictionary indices); width 0 means every value is 0. */
#include <string.h>

#include "parquet/decode.h"

int pq_bit_width(uint64_t max_value) {
  int width = 0;
  while (max_value) {
    width++;
    max_value >>= 1;
  }
  return width;
}

md_code rle_decoder_init(rle_decoder *d, const uint8_t *data, size_t size, int bit_width, md_error *err) {
  if (bit_width < 0 || bit_width > 32)
    return md_error_set(err, MD_ERR_CORRUPT, "RLE bit width %d out of range 0..32", bit_width);
  memset(d, 0, sizeof *d);
  d->pos = data;
  d->end = data + size;
  d->bit_width = bit_width;
  return MD_OK;
}

static md_code next_run(rle_decoder *d, md_error *err) {
  uint64_t header;
  if (!pq_read_uleb(&d->pos, d->end, &header))
    return md_error_set(err, MD_ERR_CORRUPT, "RLE data ends before all values were decoded");
  uint64_t n = header >> 1;
  if (header & 1) {
    /* Bit-packed: n groups of 8 values, n * bit_width bytes. Writers may cut
     * the last group short at the end of a page, so only values whose bits are
     * present are available. */
    size_t avail = (size_t)(d->end - d->pos);
    uint64_t want = n * (uint64_t)d->bit_width;
    if (n > (UINT64_MAX / 8)) return md_error_set(err, MD_ERR_CORRUPT, "RLE bit-packed run too long");
    size_t bytes = want < avail ? (size_t)want : avail;
    uint64_t values = d->bit_width ? (uint64_t)bytes * 8 / (uint64_t)d->bit_width : n * 8;
    if (values > n * 8) values = n * 8;
    if (values > UINT32_MAX) values = UINT32_MAX;
    if (values == 0) return md_error_set(err, MD_ERR_CORRUPT, "empty RLE bit-packed run");
    d->packed = d->pos;
    d->packed_bytes = bytes;
    d->packed_index = 0;
    d->packed_left = (uint32_t)values;
    d->pos += bytes;
  } else {
    if (n == 0) return md_error_set(err, MD_ERR_CORRUPT, "empty RLE run");
    size_t value_bytes = ((size_t)d->bit_width + 7) / 8;
    if ((size_t)(d->end - d->pos) < value_bytes)
      return md_error_set(err, MD_ERR_CORRUPT, "RLE run value truncated");
    uint64_t v = pq_load_le(d->pos, value_bytes);
    d->pos += value_bytes;
    if (d->bit_width < 32 && (v >> d->bit_width) != 0)
      return md_error_set(err, MD_ERR_CORRUPT, "RLE run value wider than %d bits", d->bit_width);
    d->rle_value = (uint32_t)v;
    d->rle_left = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
  }
  return MD_OK;
}

/* Eight values of w bits from in (w bytes), reading whole 8-byte windows:
 * the caller guarantees w + 8 readable bytes. With w a constant at each call
 * site the shifts and offsets are immediates. */
static inline __attribute__((always_inline)) void unpack8(const uint8_t *in, uint32_t *out, int w) {
  const uint64_t mask = (w == 32) ? 0xffffffffull : ((1ull << w) - 1);
  for (int k = 0; k < 8; k++) {
    int bit = k * w;
    uint64_t v;
    memcpy(&v, in + (bit >> 3), 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    out[k] = (uint32_t)((v >> (bit & 7)) & mask);
  }
}

#define UNPACK_GROUPS(W)                                                 \
  case W:                                                                \
    for (uint32_t g = 0; g < groups; g++) unpack8(in + g * W, out + g * 8, W); \
    break

/* groups whole groups of 8 values starting at a byte boundary. */
static void unpack_groups(const uint8_t *in, uint32_t *out, uint32_t groups, int w) {
  switch (w) {
    UNPACK_GROUPS(1); UNPACK_GROUPS(2); UNPACK_GROUPS(3); UNPACK_GROUPS(4);
    UNPACK_GROUPS(5); UNPACK_GROUPS(6); UNPACK_GROUPS(7); UNPACK_GROUPS(8);
    UNPACK_GROUPS(9); UNPACK_GROUPS(10); UNPACK_GROUPS(11); UNPACK_GROUPS(12);
    UNPACK_GROUPS(13); UNPACK_GROUPS(14); UNPACK_GROUPS(15); UNPACK_GROUPS(16);
    UNPACK_GROUPS(17); UNPACK_GROUPS(18); UNPACK_GROUPS(19); UNPACK_GROUPS(20);
    UNPACK_GROUPS(21); UNPACK_GROUPS(22); UNPACK_GROUPS(23); UNPACK_GROUPS(24);
    UNPACK_GROUPS(25); UNPACK_GROUPS(26); UNPACK_GROUPS(27); UNPACK_GROUPS(28);
    UNPACK_GROUPS(29); UNPACK_GROUPS(30); UNPACK_GROUPS(31); UNPACK_GROUPS(32);
    default: break;
  }
}
#undef UNPACK_GROUPS

static void unpack(rle_decoder *d, uint32_t *out, uint32_t n) {
  const int w = d->bit_width;
  if (w == 0) {
    memset(out, 0, n * sizeof *out);
    d->packed_index += n;
    return;
  }
  /* Whole groups on a group boundary, while 8 spare bytes follow them. */
  if ((d->packed_index & 7) == 0 && n >= 8) {
    size_t start = (size_t)(d->packed_index / 8) * (size_t)w;
    if (d->packed_bytes >= start + (size_t)w + 8) {
      uint32_t groups = n / 8;
      size_t safe = (d->packed_bytes - start - 8) / (size_t)w; /* groups with 8 bytes after them */
      if (groups > safe) groups = (uint32_t)safe;
      unpack_groups(d->packed + start, out, groups, w);
      d->packed_index += (uint64_t)groups * 8;
      out += groups * 8;
      n -= groups * 8;
    }
  }
  const uint64_t mask = (w == 32) ? 0xffffffffull : ((1ull << w) - 1);
  uint64_t bit = d->packed_index * (uint64_t)w;
  for (uint32_t i = 0; i < n; i++, bit += (uint64_t)w) {
    size_t byte = (size_t)(bit >> 3);
    /* shift <= 7 and w <= 32: one 64-bit window always holds the value. */
    out[i] = (uint32_t)((pq_load_le(d->packed + byte, d->packed_bytes - byte) >> (bit & 7)) & mask);
  }
  d->packed_index += n;
}

md_code rle_decode(rle_decoder *d, uint32_t *out, int64_t count, md_error *err) {
  while (count > 0) {
    if (d->rle_left) {
      uint32_t n = count < (int64_t)d->rle_left ? (uint32_t)count : d->rle_left;
      for (uint32_t i = 0; i < n; i++) out[i] = d->rle_value;
      d->rle_left -= n;
      out += n;
      count -= n;
    } else if (d->packed_left) {
      uint32_t n = count < (int64_t)d->packed_left ? (uint32_t)count : d->packed_left;
      unpack(d, out, n);
      d->packed_left -= n;
      out += n;
      count -= n;
    } else {
      md_code rc = next_run(d, err);
      if (rc) return rc;
    }
  }
  return MD_OK;
}

/* Width-1 levels (a flat nullable column: 1 = value, 0 = null) straight from
 * whole packed bytes, eight levels a byte, without the 32-bit detour. Returns
 * how many it wrote (a multiple of 8, at most n); the caller does the rest. */
static uint32_t unpack_levels_w1(rle_decoder *d, int16_t *out, uint32_t n) {
  if (d->packed_index & 7) return 0;
  /* packed_left never exceeds the bits present, so these bytes are in the run. */
  const uint8_t *in = d->packed + d->packed_index / 8;
  uint32_t bytes = n / 8;
  for (uint32_t g = 0; g < bytes; g++) {
    unsigned b = in[g];
    for (int k = 0; k < 8; k++) out[g * 8 + k] = (int16_t)((b >> k) & 1u);
  }
  d->packed_index += (uint64_t)bytes * 8;
  return bytes * 8;
}

md_code rle_decode_levels(rle_decoder *d, int16_t *out, int64_t count, md_error *err) {
  if (d->bit_width > 16) return md_error_set(err, MD_ERR_CORRUPT, "level bit width above 16");
  while (count > 0) {
    if (d->rle_left) {
      uint32_t n = count < (int64_t)d->rle_left ? (uint32_t)count : d->rle_left;
      int16_t v = (int16_t)d->rle_value;
      for (uint32_t i = 0; i < n; i++) out[i] = v;
      d->rle_left -= n;
      out += n;
      count -= n;
    } else if (d->packed_left) {
      uint32_t chunk[256];
      uint32_t n = count < (int64_t)d->packed_left ? (uint32_t)count : d->packed_left;
      if (d->bit_width == 1 && n >= 8) {
        uint32_t done = unpack_levels_w1(d, out, n);
        d->packed_left -= done;
        out += done;
        count -= done;
        if (done) continue;
      }
      if (n > 256) n = 256;
      unpack(d, chunk, n);
      for (uint32_t i = 0; i < n; i++) out[i] = (int16_t)chunk[i];
      d->packed_left -= n;
      out += n;
      count -= n;
    } else {
      md_code rc = next_run(d, err);
      if (rc) return rc;
    }
  }
  return MD_OK;
}

md_code bitpacked_legacy_decode_levels(const uint8_t *data, size_t size, int bit_width, int16_t *out,
                                       int64_t count, size_t *consumed, md_error *err) {
  if (bit_width < 0 || bit_width > 16)
    return md_error_set(err, MD_ERR_CORRUPT, "BIT_PACKED level width %d out of range", bit_width);
  uint64_t bits = (uint64_t)count * (uint64_t)bit_width;
  uint64_t bytes = (bits + 7) / 8;
  if (bytes > size) return md_error_set(err, MD_ERR_CORRUPT, "BIT_PACKED levels truncated");
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; i++) {
    uint32_t v = 0;
    for (int b = 0; b < bit_width; b++, bit++)
      v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1u);
    out[i] = (int16_t)v;
  }
  *consumed = (size_t)bytes;
  return MD_OK;
}
