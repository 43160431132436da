/* text_buf.c — see text_buf.h. Growth doubles so that appending n bytes one at a
 * time costs O(n); the CLI uses the C allocator (it is not library code). */
#include "cli/text_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

void text_buf_init(text_buf *buf) { memset(buf, 0, sizeof *buf); }

void text_buf_free(text_buf *buf) {
  if (!buf) return;
  free(buf->data);
  memset(buf, 0, sizeof *buf);
}

void text_buf_clear(text_buf *buf) { buf->length = 0; }

bool text_buf_reserve(text_buf *buf, size_t more) {
  if (buf->failed) return false;
  if (more <= buf->capacity - buf->length) return true;
  if (more > SIZE_MAX / 2 - buf->length) {
    buf->failed = true;
    return false;
  }
  size_t want = buf->length + more;
  size_t capacity = buf->capacity ? buf->capacity : 256;
  while (capacity < want) capacity *= 2;
  char *grown = realloc(buf->data, capacity);
  if (!grown) {
    buf->failed = true;
    return false;
  }
  buf->data = grown;
  buf->capacity = capacity;
  return true;
}

void text_buf_append(text_buf *buf, const void *bytes, size_t length) {
  if (length == 0 || !text_buf_reserve(buf, length)) return;
  memcpy(buf->data + buf->length, bytes, length);
  buf->length += length;
}

void text_buf_printf(text_buf *buf, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    text_buf_append(buf, small, (size_t)n);
    return;
  }
  if (!text_buf_reserve(buf, (size_t)n + 1)) return;
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->length, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->length += (size_t)n;
}

const char *text_buf_cstr(text_buf *buf) {
  if (!text_buf_reserve(buf, 1)) return "";
  buf->data[buf->length] = '\0';
  return buf->data;
}

bool text_buf_flush(text_buf *buf, FILE *out) {
  bool ok = buf->length == 0 || fwrite(buf->data, 1, buf->length, out) == buf->length;
  buf->length = 0;
  return ok;
}
