/* encode_plain.h — turning core column values into Parquet physical values
 * (PLAIN layout), skipping nulls. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_ENCODE_PLAIN_H
#define MEDALLION_PARQUET_ENCODE_PLAIN_H

#include <stdint.h>

#include "medallion/core.h"
#include "parquet/writer_buf.h"
#include "parquet/writer_schema.h"

/* Converts the non-null values of rows [row, row + count) of a fixed-physical
 * column (INT32, INT64, FLOAT, DOUBLE, FLBA) to PLAIN values in dst (room for
 * count * leaf->value_width bytes); *written receives how many. When no
 * conversion or copy is needed, *out points into the column itself instead of
 * dst. Errors (a value that does not fit its Parquet type) name the row. */
md_code encode_plain_fixed(const writer_leaf *leaf, const md_column *column, int64_t row, int64_t count,
                           uint8_t *dst, const uint8_t **out, int64_t *written, md_error *err);

/* Appends bits [src_offset, src_offset + count) of src to the bitmap in buf,
 * which holds *bit_count bits (updated). A NULL src means all ones. */
void encode_append_bits(writer_buf *buf, int64_t *bit_count, const uint8_t *src, int64_t src_offset,
                        int64_t count);

/* Zero bits in bits [offset, offset + count) of a bitmap (0 when bits is NULL). */
int64_t encode_count_zeros(const uint8_t *bits, int64_t offset, int64_t count);

/* Appends the values of the non-null rows of a BOOL column as bits. */
void encode_plain_bools(writer_buf *buf, int64_t *bit_count, const md_column *column, int64_t row, int64_t count);

#endif
