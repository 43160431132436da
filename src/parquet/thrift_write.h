/* thrift_write.h — a Thrift compact protocol encoder, just enough for Parquet's
 * footer (FileMetaData) and page headers.
 *
 * Parquet's metadata is Thrift compact: structs are sequences of field headers
 * whose ids are written as deltas from the previous field of the same struct,
 * so the encoder keeps a stack of "last field id" per open struct. Errors are
 * sticky in the underlying writer_buf (allocation) and in `failed` (misuse such
 * as nesting deeper than THRIFT_WRITE_MAX_DEPTH). Private to the parquet module. */
#ifndef MEDALLION_PARQUET_THRIFT_WRITE_H
#define MEDALLION_PARQUET_THRIFT_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/writer_buf.h"

/* Compact protocol type codes (field headers and list element types). */
enum {
  THRIFT_TYPE_BOOL_TRUE = 1,
  THRIFT_TYPE_BOOL_FALSE = 2,
  THRIFT_TYPE_I8 = 3,
  THRIFT_TYPE_I16 = 4,
  THRIFT_TYPE_I32 = 5,
  THRIFT_TYPE_I64 = 6,
  THRIFT_TYPE_DOUBLE = 7,
  THRIFT_TYPE_BINARY = 8,
  THRIFT_TYPE_LIST = 9,
  THRIFT_TYPE_SET = 10,
  THRIFT_TYPE_MAP = 11,
  THRIFT_TYPE_STRUCT = 12
};

#define THRIFT_WRITE_MAX_DEPTH 16

typedef struct thrift_writer {
  writer_buf *out;                                /* borrowed */
  int16_t last_field[THRIFT_WRITE_MAX_DEPTH + 1]; /* per open struct */
  int depth;
  bool failed;
} thrift_writer;

/* Starts at the top level of one struct that the caller is about to write
 * (its fields go straight in; finish with thrift_write_stop). */
void thrift_writer_init(thrift_writer *w, writer_buf *out);
/* true when everything was written (no allocation failure, balanced structs). */
bool thrift_writer_ok(const thrift_writer *w);

/* Fields of the current struct. */
void thrift_write_i32_field(thrift_writer *w, int16_t id, int32_t value);
void thrift_write_i64_field(thrift_writer *w, int16_t id, int64_t value);
void thrift_write_i16_field(thrift_writer *w, int16_t id, int16_t value);
void thrift_write_i8_field(thrift_writer *w, int16_t id, int8_t value);
void thrift_write_bool_field(thrift_writer *w, int16_t id, bool value);
void thrift_write_binary_field(thrift_writer *w, int16_t id, const void *bytes, size_t length);
void thrift_write_string_field(thrift_writer *w, int16_t id, const char *text);
/* Opens a struct-valued field; close it with thrift_write_struct_end. */
void thrift_write_struct_begin(thrift_writer *w, int16_t id);
void thrift_write_struct_end(thrift_writer *w);
/* An empty struct field (Parquet's marker structs such as StringType). */
void thrift_write_empty_struct_field(thrift_writer *w, int16_t id);
/* Opens a list-valued field of `count` elements of elem_type; then write the
 * elements with the thrift_write_*_element calls (structs: element_begin/end). */
void thrift_write_list_begin(thrift_writer *w, int16_t id, int elem_type, int64_t count);
void thrift_write_i32_element(thrift_writer *w, int32_t value);
void thrift_write_i64_element(thrift_writer *w, int64_t value);
void thrift_write_string_element(thrift_writer *w, const char *text);
void thrift_write_struct_element_begin(thrift_writer *w);
/* Ends the top-level struct (writes its stop byte). */
void thrift_write_stop(thrift_writer *w);

#endif
