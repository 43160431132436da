/* writer_buf.h — a growable byte buffer for the Parquet writer's encoders.
 *
 * Encoders append to it in tight loops, so the fast path is inline: reserve
 * once, then write through the tail pointer. Growth failure is sticky
 * (`failed`), which lets a long encoding sequence check for NOMEM once at the
 * end instead of after every append. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_WRITER_BUF_H
#define MEDALLION_PARQUET_WRITER_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct writer_buf {
  uint8_t *data;
  size_t size;
  size_t capacity;
  bool failed; /* an allocation failed; contents are incomplete */
} writer_buf;

void writer_buf_init(writer_buf *buf);
void writer_buf_free(writer_buf *buf);
/* Makes room for `additional` more bytes; false (and failed set) if it cannot. */
bool writer_buf_grow(writer_buf *buf, size_t additional);

static inline bool writer_buf_reserve(writer_buf *buf, size_t additional) {
  if (buf->capacity - buf->size >= additional) return !buf->failed;
  return writer_buf_grow(buf, additional);
}

static inline void writer_buf_append(writer_buf *buf, const void *bytes, size_t length) {
  if (!writer_buf_reserve(buf, length)) return;
  if (length) memcpy(buf->data + buf->size, bytes, length);
  buf->size += length;
}

static inline void writer_buf_append_byte(writer_buf *buf, uint8_t byte) {
  if (!writer_buf_reserve(buf, 1)) return;
  buf->data[buf->size++] = byte;
}

static inline void writer_buf_append_u32le(writer_buf *buf, uint32_t v) {
  uint8_t bytes[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  writer_buf_append(buf, bytes, 4);
}

/* Unsigned LEB128, as Thrift compact and the RLE hybrid headers use. */
static inline void writer_buf_append_uvarint(writer_buf *buf, uint64_t v) {
  if (!writer_buf_reserve(buf, 10)) return;
  uint8_t *p = buf->data + buf->size;
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  buf->size = (size_t)(p - buf->data);
}

#endif
