/* encode_rle.h — the RLE / bit-packed hybrid encoding of Parquet (Encodings.md),
 * used for definition levels and dictionary indices. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_ENCODE_RLE_H
#define MEDALLION_PARQUET_ENCODE_RLE_H

#include <stdint.h>

#include "parquet/writer_buf.h"

/* Bits needed to store values 0..max_value (0 for max_value 0). */
int encode_bit_width(uint64_t max_value);

/* Appends count values (each < 2^bit_width, bit_width 0..32) as RLE runs and
 * bit-packed runs, without any length prefix or bit-width byte. */
void encode_rle_hybrid(writer_buf *out, const uint32_t *values, int64_t count, int bit_width);

/* The same for bit width 1 when the values are the bits of an LSB-first bitmap
 * (bits [0, count)): definition levels of a flat optional column are exactly
 * its validity bitmap, so whole bytes go out as bit-packed groups unchanged. */
void encode_rle_bitmap(writer_buf *out, const uint8_t *bits, int64_t count);

#endif
