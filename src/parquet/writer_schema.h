/* writer_schema.h — how the writer stores each core type in Parquet: the
 * physical type, the logical and converted type annotations, the conversion
 * applied to values, and the order statistics use.
 *
 * Choices (documented here because readers depend on them):
 *  - int8/16/32 -> INT32 + INT(bits, signed); uint8/16/32 -> INT32 + INT(bits,
 *    unsigned) holding the bit pattern; int64/uint64 -> INT64 likewise.
 *  - time32[s] -> INT32 TIME(MILLIS) (Parquet has no seconds unit; exact);
 *    time32[ms] -> INT32 TIME(MILLIS); time64[us|ns] -> INT64 TIME(MICROS|NANOS);
 *    isAdjustedToUTC = false, because core times carry no time zone.
 *  - timestamp[s] -> INT64 TIMESTAMP(MILLIS) (values x1000, overflow-checked);
 *    isAdjustedToUTC = the type's utc flag. The legacy TIMESTAMP_MILLIS/MICROS
 *    converted type is written only for UTC timestamps, because legacy readers
 *    take it to mean UTC-adjusted (as parquet-cpp does).
 *  - decimal128(p, s) -> INT32 for p <= 9, INT64 for p <= 18, else
 *    FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold p digits (what Spark
 *    writes by default); values that do not fit p digits' storage are refused.
 *  - interval (month_day_nano) -> FIXED_LEN_BYTE_ARRAY(12) with converted type
 *    INTERVAL (months, days, millis as little-endian uint32): nanoseconds must
 *    be whole milliseconds and every part non-negative, else MD_ERR_OVERFLOW.
 *    INTERVAL has no defined order, so it gets no min/max statistics.
 *  - null -> INT32 with logical type UNKNOWN, always optional, all values null.
 * Private to the parquet module. */
#ifndef MEDALLION_PARQUET_WRITER_SCHEMA_H
#define MEDALLION_PARQUET_WRITER_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "medallion/core.h"
#include "parquet/thrift_write.h"

/* parquet.thrift enum values. */
typedef enum writer_physical {
  WRITER_BOOLEAN = 0,
  WRITER_INT32 = 1,
  WRITER_INT64 = 2,
  WRITER_FLOAT = 4,
  WRITER_DOUBLE = 5,
  WRITER_BYTE_ARRAY = 6,
  WRITER_FLBA = 7
} writer_physical;

enum {
  WRITER_ENCODING_PLAIN = 0,
  WRITER_ENCODING_RLE = 3,
  WRITER_ENCODING_RLE_DICTIONARY = 8,
  WRITER_PAGE_DATA = 0,
  WRITER_PAGE_DICTIONARY = 2
};

/* How a core value becomes a physical value. */
typedef enum writer_conversion {
  WRITER_CONV_NULL,          /* no values at all */
  WRITER_CONV_BOOL,          /* bitmap */
  WRITER_CONV_COPY,          /* fixed width, same bytes (width = physical width) */
  WRITER_CONV_INT8,          /* sign-extend to int32 */
  WRITER_CONV_INT16,
  WRITER_CONV_UINT8,         /* zero-extend to int32 */
  WRITER_CONV_UINT16,
  WRITER_CONV_TIME_S_TO_MS,  /* int32 x 1000 */
  WRITER_CONV_TS_S_TO_MS,    /* int64 x 1000, overflow-checked */
  WRITER_CONV_DECIMAL_INT32, /* decimal128 -> int32 (checked) */
  WRITER_CONV_DECIMAL_INT64, /* decimal128 -> int64 (checked) */
  WRITER_CONV_DECIMAL_FLBA,  /* decimal128 -> big-endian two's complement, type_length bytes */
  WRITER_CONV_INTERVAL,      /* month_day_nano -> months, days, millis (uint32 LE each) */
  WRITER_CONV_BYTES          /* utf8 / binary: offsets + data */
} writer_conversion;

/* The order min/max statistics follow (parquet.thrift ColumnOrder notes). */
typedef enum writer_order {
  WRITER_ORDER_NONE,      /* no min/max */
  WRITER_ORDER_BOOL,
  WRITER_ORDER_INT32,
  WRITER_ORDER_UINT32,
  WRITER_ORDER_INT64,
  WRITER_ORDER_UINT64,
  WRITER_ORDER_FLOAT,
  WRITER_ORDER_DOUBLE,
  WRITER_ORDER_BYTES,     /* unsigned lexicographic */
  WRITER_ORDER_SIGNED_BE  /* big-endian two's complement (decimal FLBA) */
} writer_order;

typedef struct writer_leaf {
  const char *name;          /* borrowed from the writer's schema copy */
  md_type type;
  bool optional;
  writer_physical physical;
  int32_t type_length;       /* FLBA width; else 0 */
  int value_width;           /* bytes per physical value for fixed physical types; 0 otherwise */
  writer_conversion conversion;
  writer_order order;
  bool dictionary_allowed;
} writer_leaf;

/* Maps a top-level field; MD_ERR_UNSUPPORTED for nested types. */
md_code writer_leaf_from_field(const md_field *field, writer_leaf *out, md_error *err);

/* Writes one SchemaElement struct element for the leaf (list element context). */
void writer_schema_element(thrift_writer *w, const writer_leaf *leaf);

#endif
