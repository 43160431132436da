/* writer_buf.c — growth of the writer's byte buffers (see writer_buf.h).
 * Capacity doubles so that appending n bytes costs amortised O(n). */
#include "parquet/writer_buf.h"

#include <stdlib.h>

void writer_buf_init(writer_buf *buf) {
  buf->data = NULL;
  buf->size = 0;
  buf->capacity = 0;
  buf->failed = false;
}

void writer_buf_free(writer_buf *buf) {
  if (!buf) return;
  free(buf->data);
  writer_buf_init(buf);
}

bool writer_buf_grow(writer_buf *buf, size_t additional) {
  if (buf->failed) return false;
  if (additional > SIZE_MAX / 2 - buf->size) {
    buf->failed = true;
    return false;
  }
  size_t needed = buf->size + additional;
  if (needed <= buf->capacity) return true;
  size_t capacity = buf->capacity ? buf->capacity : 256;
  while (capacity < needed) capacity *= 2;
  uint8_t *data = realloc(buf->data, capacity);
  if (!data) {
    buf->failed = true;
    return false;
  }
  buf->data = data;
  buf->capacity = capacity;
  return true;
}
