/* decode_delta.c — DELTA_BINARY_PACKED and the two byte-array encodings built
 * on it (DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY).
 *
 * A delta stream is a header (block size, miniblocks per block, value count,
 * first value) and blocks of (min delta, one bit width per miniblock, packed
 * miniblocks). Deltas are added in uint64 so that wraparound, which writers
 * rely on for INT64 extremes, is defined behaviour; INT32 readers truncate. */
#include <stdlib.h>
#include <string.h>

#include "parquet/decode.h"

static inline uint64_t zigzag_bits(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

md_code delta_decoder_init(delta_decoder *d, const uint8_t *data, size_t size, md_error *err) {
  memset(d, 0, sizeof *d);
  d->pos = data;
  d->end = data + size;
  uint64_t first;
  if (!pq_read_uleb(&d->pos, d->end, &d->block_size) || !pq_read_uleb(&d->pos, d->end, &d->miniblocks) ||
      !pq_read_uleb(&d->pos, d->end, &d->total) || !pq_read_uleb(&d->pos, d->end, &first))
    return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED header truncated");
  if (d->block_size == 0 || d->block_size % 128 != 0 || d->block_size > (1u << 24) || d->miniblocks == 0 ||
      d->block_size % d->miniblocks != 0 || (d->block_size / d->miniblocks) % 8 != 0)
    return md_error_set(err, MD_ERR_CORRUPT,
                        "DELTA_BINARY_PACKED block size %llu with %llu miniblocks is invalid",
                        (unsigned long long)d->block_size, (unsigned long long)d->miniblocks);
  d->values_per_miniblock = d->block_size / d->miniblocks;
  d->last = zigzag_bits(first);
  return MD_OK;
}

/* Moves to the next miniblock, reading a block header when the block is done. */
static md_code next_miniblock(delta_decoder *d, md_error *err) {
  if (!d->widths || d->miniblock + 1 >= d->miniblocks) {
    uint64_t raw;
    if (!pq_read_uleb(&d->pos, d->end, &raw))
      return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED block header truncated");
    d->min_delta = zigzag_bits(raw);
    if ((uint64_t)(d->end - d->pos) < d->miniblocks)
      return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED bit widths truncated");
    d->widths = d->pos;
    d->pos += d->miniblocks;
    d->miniblock = 0;
  } else {
    d->miniblock++;
  }
  int width = d->widths[d->miniblock];
  if (width > 64) return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED bit width %d above 64", width);
  uint64_t remaining = d->total - d->produced;
  uint64_t used = remaining < d->values_per_miniblock ? remaining : d->values_per_miniblock;
  uint64_t full = d->values_per_miniblock * (uint64_t)width / 8;
  uint64_t needed = (used * (uint64_t)width + 7) / 8;
  uint64_t avail = (uint64_t)(d->end - d->pos);
  if (needed > avail) return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED miniblock truncated");
  d->mb_width = width;
  d->mb_data = d->pos;
  d->mb_index = 0;
  d->in_miniblock = d->values_per_miniblock;
  /* The last miniblock is normally padded to full size; tolerate writers that
   * stop after the last value. */
  d->pos += full < avail ? full : avail;
  return MD_OK;
}

md_code delta_decode(delta_decoder *d, int64_t *out, int64_t count, md_error *err) {
  if (count < 0 || (uint64_t)count > d->total - d->produced)
    return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BINARY_PACKED stream holds %llu values, %lld wanted",
                        (unsigned long long)(d->total - d->produced), (long long)count);
  int64_t i = 0;
  if (count > 0 && d->produced == 0) {
    memcpy(&out[0], &d->last, sizeof out[0]);
    d->produced = 1;
    i = 1;
  }
  while (i < count) {
    if (d->in_miniblock == 0) {
      md_code rc = next_miniblock(d, err);
      if (rc) return rc;
    }
    uint64_t n = d->in_miniblock;
    if (n > (uint64_t)(count - i)) n = (uint64_t)(count - i);
    const int w = d->mb_width;
    const uint64_t mask = w == 64 ? ~0ull : ((1ull << w) - 1);
    const size_t mb_bytes = (size_t)(d->pos - d->mb_data);
    uint64_t last = d->last;
    uint64_t bit = d->mb_index * (uint64_t)w;
    for (uint64_t k = 0; k < n; k++, bit += (uint64_t)w) {
      uint64_t delta = 0;
      if (w) {
        size_t byte = (size_t)(bit >> 3);
        unsigned shift = (unsigned)(bit & 7);
        delta = pq_load_le(d->mb_data + byte, mb_bytes - byte) >> shift;
        if (shift + (unsigned)w > 64 && byte + 8 < mb_bytes) delta |= (uint64_t)d->mb_data[byte + 8] << (64 - shift);
        delta &= mask;
      }
      last += d->min_delta + delta;
      memcpy(&out[i + (int64_t)k], &last, sizeof last);
    }
    d->last = last;
    d->mb_index += n;
    d->in_miniblock -= n;
    d->produced += n;
    i += (int64_t)n;
  }
  return MD_OK;
}

const uint8_t *delta_decoder_end(const delta_decoder *d) { return d->pos; }

/* Decodes a whole delta stream of exactly count lengths, checking each. */
static md_code decode_lengths(const uint8_t *data, size_t size, int64_t count, int64_t **lengths,
                              const uint8_t **after, const char *what, md_error *err) {
  delta_decoder d;
  md_code rc = delta_decoder_init(&d, data, size, err);
  if (rc) return md_error_context(err, "%s lengths", what);
  if (d.total != (uint64_t)count)
    return md_error_set(err, MD_ERR_CORRUPT, "%s has %llu lengths for %lld values", what,
                        (unsigned long long)d.total, (long long)count);
  int64_t *out = malloc((size_t)(count ? count : 1) * sizeof *out);
  if (!out) return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", what);
  rc = delta_decode(&d, out, count, err);
  if (rc) {
    free(out);
    return md_error_context(err, "%s lengths", what);
  }
  for (int64_t i = 0; i < count; i++) {
    if (out[i] < 0 || out[i] > INT32_MAX) {
      long long bad = (long long)out[i];
      free(out);
      return md_error_set(err, MD_ERR_CORRUPT, "%s: length %lld of value %lld is invalid", what, bad,
                          (long long)i);
    }
  }
  *lengths = out;
  *after = delta_decoder_end(&d);
  return MD_OK;
}

md_code delta_length_decode(const uint8_t *data, size_t size, int64_t count, pq_view *out, size_t *consumed,
                            md_error *err) {
  int64_t *lengths;
  const uint8_t *bytes;
  md_code rc = decode_lengths(data, size, count, &lengths, &bytes, "DELTA_LENGTH_BYTE_ARRAY", err);
  if (rc) return rc;
  size_t avail = (size_t)(data + size - bytes);
  size_t pos = 0;
  for (int64_t i = 0; i < count; i++) {
    if ((uint64_t)lengths[i] > avail - pos) {
      free(lengths);
      return md_error_set(err, MD_ERR_CORRUPT, "DELTA_LENGTH_BYTE_ARRAY value %lld runs past the page",
                          (long long)i);
    }
    out[i].ptr = bytes + pos;
    out[i].length = (uint32_t)lengths[i];
    pos += (size_t)lengths[i];
  }
  free(lengths);
  *consumed = (size_t)(bytes - data) + pos;
  return MD_OK;
}

md_code delta_byte_array_decode(const uint8_t *data, size_t size, int64_t count, pq_view *out,
                                uint8_t **storage, md_error *err) {
  int64_t *prefixes;
  const uint8_t *rest;
  md_code rc = decode_lengths(data, size, count, &prefixes, &rest, "DELTA_BYTE_ARRAY prefix", err);
  if (rc) return rc;
  size_t suffix_bytes;
  rc = delta_length_decode(rest, (size_t)(data + size - rest), count, out, &suffix_bytes, err);
  if (rc) {
    free(prefixes);
    return md_error_context(err, "DELTA_BYTE_ARRAY suffixes");
  }
  /* Shared prefixes can make the output far larger than the page; cap it by
   * what int32 offsets can hold and by a generous multiple of the input. */
  uint64_t cap = (uint64_t)size * 1024 + (1u << 20);
  if (cap > INT32_MAX) cap = INT32_MAX;
  uint64_t total = 0, previous = 0;
  for (int64_t i = 0; i < count; i++) {
    if ((uint64_t)prefixes[i] > previous) {
      long long bad = (long long)prefixes[i];
      free(prefixes);
      return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BYTE_ARRAY value %lld: prefix %lld longer than the previous value",
                          (long long)i, bad);
    }
    previous = (uint64_t)prefixes[i] + out[i].length;
    total += previous;
    if (total > cap) {
      free(prefixes);
      return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BYTE_ARRAY values exceed %llu bytes",
                          (unsigned long long)cap);
    }
  }
  uint8_t *buf = malloc(total ? (size_t)total : 1);
  if (!buf) {
    free(prefixes);
    return md_error_set(err, MD_ERR_NOMEM, "DELTA_BYTE_ARRAY: out of memory");
  }
  size_t pos = 0;
  const uint8_t *prev = buf;
  for (int64_t i = 0; i < count; i++) {
    size_t prefix = (size_t)prefixes[i];
    uint8_t *value = buf + pos;
    if (prefix) memmove(value, prev, prefix);
    if (out[i].length) memcpy(value + prefix, out[i].ptr, out[i].length);
    out[i].ptr = value;
    out[i].length = (uint32_t)(prefix + out[i].length);
    prev = value;
    pos += out[i].length;
  }
  free(prefixes);
  *storage = buf;
  return MD_OK;
}
