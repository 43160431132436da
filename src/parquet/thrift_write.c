/* thrift_write.c — Thrift compact protocol encoding (see thrift_write.h).
 *
 * Integers are zigzag varints; a field header is one byte when the id delta is
 * 1..15, else the type byte followed by the id as a zigzag varint. Booleans
 * live in the field header's type nibble. */
#include "parquet/thrift_write.h"

#include <string.h>

void thrift_writer_init(thrift_writer *w, writer_buf *out) {
  w->out = out;
  w->depth = 0;
  w->last_field[0] = 0;
  w->failed = false;
}

bool thrift_writer_ok(const thrift_writer *w) { return !w->failed && !w->out->failed && w->depth == 0; }

static uint64_t zigzag64(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

static void write_field_header(thrift_writer *w, int16_t id, int type) {
  int16_t last = w->last_field[w->depth];
  int delta = (int)id - (int)last;
  if (delta > 0 && delta <= 15) {
    writer_buf_append_byte(w->out, (uint8_t)((delta << 4) | type));
  } else {
    writer_buf_append_byte(w->out, (uint8_t)type);
    writer_buf_append_uvarint(w->out, zigzag64(id));
  }
  w->last_field[w->depth] = id;
}

void thrift_write_i32_field(thrift_writer *w, int16_t id, int32_t value) {
  write_field_header(w, id, THRIFT_TYPE_I32);
  writer_buf_append_uvarint(w->out, zigzag64(value));
}

void thrift_write_i64_field(thrift_writer *w, int16_t id, int64_t value) {
  write_field_header(w, id, THRIFT_TYPE_I64);
  writer_buf_append_uvarint(w->out, zigzag64(value));
}

void thrift_write_i16_field(thrift_writer *w, int16_t id, int16_t value) {
  write_field_header(w, id, THRIFT_TYPE_I16);
  writer_buf_append_uvarint(w->out, zigzag64(value));
}

void thrift_write_i8_field(thrift_writer *w, int16_t id, int8_t value) {
  write_field_header(w, id, THRIFT_TYPE_I8);
  writer_buf_append_byte(w->out, (uint8_t)value);
}

void thrift_write_bool_field(thrift_writer *w, int16_t id, bool value) {
  write_field_header(w, id, value ? THRIFT_TYPE_BOOL_TRUE : THRIFT_TYPE_BOOL_FALSE);
}

void thrift_write_binary_field(thrift_writer *w, int16_t id, const void *bytes, size_t length) {
  write_field_header(w, id, THRIFT_TYPE_BINARY);
  writer_buf_append_uvarint(w->out, length);
  writer_buf_append(w->out, bytes, length);
}

void thrift_write_string_field(thrift_writer *w, int16_t id, const char *text) {
  thrift_write_binary_field(w, id, text, strlen(text));
}

static void push_struct(thrift_writer *w) {
  if (w->depth >= THRIFT_WRITE_MAX_DEPTH) {
    w->failed = true;
    return;
  }
  w->depth++;
  w->last_field[w->depth] = 0;
}

void thrift_write_struct_begin(thrift_writer *w, int16_t id) {
  write_field_header(w, id, THRIFT_TYPE_STRUCT);
  push_struct(w);
}

void thrift_write_struct_end(thrift_writer *w) {
  writer_buf_append_byte(w->out, 0);
  if (w->depth == 0) {
    w->failed = true;
    return;
  }
  w->depth--;
}

void thrift_write_empty_struct_field(thrift_writer *w, int16_t id) {
  thrift_write_struct_begin(w, id);
  thrift_write_struct_end(w);
}

void thrift_write_list_begin(thrift_writer *w, int16_t id, int elem_type, int64_t count) {
  write_field_header(w, id, THRIFT_TYPE_LIST);
  if (count < 0) {
    w->failed = true;
    count = 0;
  }
  if (count < 15) {
    writer_buf_append_byte(w->out, (uint8_t)((count << 4) | elem_type));
  } else {
    writer_buf_append_byte(w->out, (uint8_t)(0xF0 | elem_type));
    writer_buf_append_uvarint(w->out, (uint64_t)count);
  }
}

void thrift_write_i32_element(thrift_writer *w, int32_t value) { writer_buf_append_uvarint(w->out, zigzag64(value)); }

void thrift_write_i64_element(thrift_writer *w, int64_t value) { writer_buf_append_uvarint(w->out, zigzag64(value)); }

void thrift_write_string_element(thrift_writer *w, const char *text) {
  size_t length = strlen(text);
  writer_buf_append_uvarint(w->out, length);
  writer_buf_append(w->out, text, length);
}

void thrift_write_struct_element_begin(thrift_writer *w) { push_struct(w); }

void thrift_write_stop(thrift_writer *w) { writer_buf_append_byte(w->out, 0); }
