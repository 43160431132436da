/* encode_stats.h — column chunk statistics (min/max/null_count/nan_count) in
 * the column's sort order, computed over physical values. Private to the
 * parquet module. */
#ifndef MEDALLION_PARQUET_ENCODE_STATS_H
#define MEDALLION_PARQUET_ENCODE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/thrift_write.h"
#include "parquet/writer_buf.h"
#include "parquet/writer_schema.h"

typedef struct encode_stats {
  writer_order order;
  int width;          /* FLBA width for BYTES / SIGNED_BE orders on fixed values */
  bool has_min_max;
  int64_t null_count;
  int64_t nan_count;
  union { int64_t i; uint64_t u; double d; } min, max;
  writer_buf min_bytes, max_bytes; /* BYTES / SIGNED_BE: copies of the current bounds */
} encode_stats;

void encode_stats_init(encode_stats *stats, writer_order order, int width);
void encode_stats_reset(encode_stats *stats);
void encode_stats_free(encode_stats *stats);

/* count physical values laid out contiguously (INT32, INT64, FLOAT, DOUBLE: native
 * little-endian; FLBA: `width` bytes each). */
void encode_stats_update_fixed(encode_stats *stats, const uint8_t *values, int64_t count);
/* One variable-length value (BYTE_ARRAY). */
void encode_stats_update_bytes(encode_stats *stats, const uint8_t *bytes, int64_t length);
/* count boolean values from bits [offset, offset + count). */
void encode_stats_update_bools(encode_stats *stats, const uint8_t *bits, int64_t offset, int64_t count);

/* Writes the Statistics struct as field `id` of the current struct (null_count
 * always; min_value/max_value when there were non-null, non-NaN values;
 * nan_count for floating point). false on allocation failure. */
bool encode_stats_write(const encode_stats *stats, thrift_writer *w, int16_t id);

#endif
