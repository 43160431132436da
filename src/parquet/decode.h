/* decode.h — the decode side of Parquet's value encodings (Encodings.md):
 * RLE/bit-packed hybrid, legacy BIT_PACKED levels, PLAIN, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
 *
 * Every decoder works on a bounded input slice and produces exactly the number
 * of values asked for, or fails with MD_ERR_CORRUPT: a page that claims more
 * values than its bytes hold is an error, never a read past the end. Outputs are
 * dense (nulls are spread out by the caller, which knows the levels).
 * Private to the parquet module. */
#ifndef MEDALLION_PARQUET_DECODE_H
#define MEDALLION_PARQUET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medallion/core.h"

/* A byte-array value viewed in place (inside a page or dictionary buffer). */
typedef struct pq_view {
  const uint8_t *ptr;
  uint32_t length;
} pq_view;

/* Little-endian load of up to 8 bytes, never reading past avail. */
static inline uint64_t pq_load_le(const uint8_t *p, size_t avail) {
  uint64_t v = 0;
  if (avail >= 8) {
    __builtin_memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
  }
  for (size_t i = 0; i < avail; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* ULEB128 varint (as in Thrift and the encodings' headers); false if truncated. */
static inline bool pq_read_uleb(const uint8_t **pos, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= end) return false;
    uint8_t b = *(*pos)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* ------------------------------------------------ RLE / bit-packed hybrid */

typedef struct rle_decoder {
  const uint8_t *pos;
  const uint8_t *end;
  int bit_width;           /* 0..32 */
  uint32_t rle_left;       /* values left in the current RLE run */
  uint32_t rle_value;
  uint32_t packed_left;    /* values left in the current bit-packed run */
  const uint8_t *packed;   /* start of the bit-packed run's data */
  uint64_t packed_index;   /* next value index within the bit-packed run */
  size_t packed_bytes;     /* bytes of the bit-packed run actually present */
} rle_decoder;

/* bit_width 0..32. The input has no length prefix (the caller strips it). */
md_code rle_decoder_init(rle_decoder *d, const uint8_t *data, size_t size, int bit_width, md_error *err);
/* Decodes exactly count values into out. */
md_code rle_decode(rle_decoder *d, uint32_t *out, int64_t count, md_error *err);
/* Decodes exactly count levels (values must fit int16: bit_width <= 16). */
md_code rle_decode_levels(rle_decoder *d, int16_t *out, int64_t count, md_error *err);

/* Legacy BIT_PACKED level encoding: values packed MSB first, no header;
 * *consumed receives ceil(count * bit_width / 8). */
md_code bitpacked_legacy_decode_levels(const uint8_t *data, size_t size, int bit_width, int16_t *out,
                                       int64_t count, size_t *consumed, md_error *err);

/* Bits needed to represent max_value (0 for 0). */
int pq_bit_width(uint64_t max_value);

/* ------------------------------------------------------------------ PLAIN */

/* Fixed-width types (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FLBA n):
 * copies count values of width bytes; *consumed receives count * width. */
md_code plain_decode_fixed(const uint8_t *data, size_t size, int width, int64_t count, uint8_t *out,
                           size_t *consumed, md_error *err);
/* BOOLEAN: bits LSB first, one byte per output value (0 or 1). */
md_code plain_decode_bool(const uint8_t *data, size_t size, int64_t count, uint8_t *out,
                          size_t *consumed, md_error *err);
/* BYTE_ARRAY: 4-byte little-endian length + bytes, viewed in place. */
md_code plain_decode_byte_array(const uint8_t *data, size_t size, int64_t count, pq_view *out,
                                size_t *consumed, md_error *err);

/* ---------------------------------------------------- DELTA_BINARY_PACKED */

typedef struct delta_decoder {
  const uint8_t *pos;
  const uint8_t *end;
  uint64_t block_size;
  uint64_t miniblocks;
  uint64_t values_per_miniblock;
  uint64_t total;          /* values in the whole stream */
  uint64_t produced;       /* values handed out so far */
  uint64_t last;           /* previous value, as two's complement bits */
  /* current block */
  uint64_t min_delta;
  const uint8_t *widths;   /* bit widths of the current block's miniblocks */
  uint64_t miniblock;      /* index of the current miniblock in the block */
  uint64_t in_miniblock;   /* values left in the current miniblock */
  const uint8_t *mb_data;  /* current miniblock data */
  uint64_t mb_index;       /* next value index in the miniblock */
  int mb_width;
} delta_decoder;

md_code delta_decoder_init(delta_decoder *d, const uint8_t *data, size_t size, md_error *err);
/* Values in the stream (from its header). */
static inline uint64_t delta_decoder_total(const delta_decoder *d) { return d->total; }
/* Decodes exactly count values (count <= total - produced). Arithmetic wraps in
 * uint64; INT32 callers truncate each result to 32 bits, which equals int32
 * wraparound arithmetic. */
md_code delta_decode(delta_decoder *d, int64_t *out, int64_t count, md_error *err);
/* Where the stream's bytes end (after its last used miniblock); only valid once
 * all total values were decoded. */
const uint8_t *delta_decoder_end(const delta_decoder *d);

/* DELTA_LENGTH_BYTE_ARRAY: count values viewed in place. *consumed = bytes used. */
md_code delta_length_decode(const uint8_t *data, size_t size, int64_t count, pq_view *out,
                            size_t *consumed, md_error *err);
/* DELTA_BYTE_ARRAY: values are rebuilt from prefix + suffix, so they cannot be
 * views; *storage receives a malloc'ed buffer the views point into (free it). */
md_code delta_byte_array_decode(const uint8_t *data, size_t size, int64_t count, pq_view *out,
                                uint8_t **storage, md_error *err);

/* ------------------------------------------------ physical -> logical values */

/* IEEE binary16 to binary32; exact (every half is a float). */
float pq_half_to_float(uint16_t half);
/* Big-endian two's complement of any length to 16-byte little-endian;
 * MD_ERR_OVERFLOW if it does not fit 128 bits. */
md_code pq_decimal_from_be(const uint8_t *bytes, uint32_t length, uint8_t out[16], md_error *err);
/* INT96 timestamp (8 bytes nanoseconds of day, 4 bytes Julian day) to the count
 * since 1970-01-01 in unit (time of day floored); false when that overflows
 * int64. Nanoseconds reach years 1677..2262 only; coarser units reach further. */
bool pq_int96_to_unit(const uint8_t bytes[12], md_time_unit unit, int64_t *out);

/* ------------------------------------------------------ BYTE_STREAM_SPLIT */

/* count values of width bytes; the input must be exactly count * width bytes. */
md_code bss_decode(const uint8_t *data, size_t size, int width, int64_t count, uint8_t *out,
                   md_error *err);

#endif
