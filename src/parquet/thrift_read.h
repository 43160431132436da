/* thrift_read.h — a bounded reader for the Thrift compact protocol, the encoding
 * of every Parquet footer and page header.
 *
 * The input is untrusted: every read is bounds-checked, nesting is limited, list
 * lengths are capped by the bytes left (every element takes at least one byte),
 * and the first failure is latched so that callers can check once at the end of
 * a struct instead of after every field. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_THRIFT_READ_H
#define MEDALLION_PARQUET_THRIFT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medallion/core.h"

/* Compact protocol type codes (as they appear in field headers). */
enum {
  THRIFT_STOP = 0,
  THRIFT_TRUE = 1,
  THRIFT_FALSE = 2,
  THRIFT_BYTE = 3,
  THRIFT_I16 = 4,
  THRIFT_I32 = 5,
  THRIFT_I64 = 6,
  THRIFT_DOUBLE = 7,
  THRIFT_BINARY = 8,
  THRIFT_LIST = 9,
  THRIFT_SET = 10,
  THRIFT_MAP = 11,
  THRIFT_STRUCT = 12
};

/* Deeper than any Parquet structure (LogicalType -> TimestampType -> TimeUnit is 4). */
enum { THRIFT_MAX_DEPTH = 32 };

typedef struct thrift_reader {
  const uint8_t *start;
  const uint8_t *pos;
  const uint8_t *end;
  int depth;
  bool failed;
  char what[160]; /* the first failure, with its byte offset */
} thrift_reader;

/* One struct's field iteration state: the previous field id for delta decoding. */
typedef struct thrift_struct {
  int16_t last_id;
} thrift_struct;

void thrift_reader_init(thrift_reader *r, const uint8_t *data, size_t size);
/* Records the first failure (later ones are ignored); returns false. */
bool thrift_fail(thrift_reader *r, const char *what);
size_t thrift_offset(const thrift_reader *r);

/* Struct framing: begin enters a nesting level (failing past THRIFT_MAX_DEPTH),
 * next_field reads one field header and returns false at STOP or failure;
 * end leaves the level. A boolean field's value is in its type code: read it
 * with thrift_field_bool. */
bool thrift_struct_begin(thrift_reader *r, thrift_struct *s);
bool thrift_next_field(thrift_reader *r, thrift_struct *s, int16_t *id, int *type);
void thrift_struct_end(thrift_reader *r);

bool thrift_field_bool(thrift_reader *r, int type, bool *out);
bool thrift_read_i8(thrift_reader *r, int type, int8_t *out);
bool thrift_read_i16(thrift_reader *r, int type, int16_t *out);
bool thrift_read_i32(thrift_reader *r, int type, int32_t *out);
bool thrift_read_i64(thrift_reader *r, int type, int64_t *out);
bool thrift_read_double(thrift_reader *r, int type, double *out);
/* Borrowed bytes inside the input. */
bool thrift_read_binary(thrift_reader *r, int type, const uint8_t **bytes, uint32_t *length);
/* List (or set) header: element type and count (count <= bytes left). */
bool thrift_read_list_begin(thrift_reader *r, int type, int *elem_type, uint32_t *count);
/* Reads one list element of an integer type (lists encode i8..i64 alike). */
bool thrift_read_list_i32(thrift_reader *r, int elem_type, int32_t *out);

/* Skips a value of any type, recursing into containers within the depth limit. */
bool thrift_skip(thrift_reader *r, int type);

/* Low-level: ULEB128 varint up to 64 bits; zigzag decode. Shared with the
 * Parquet encodings that use the same varints (DELTA_BINARY_PACKED). */
bool thrift_read_varint(thrift_reader *r, uint64_t *out);
static inline int64_t thrift_zigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

#endif
