/* text_buf.h — a growable byte buffer for the CLI's output.
 *
 * The renderers append into one of these and the commands write it out in large
 * chunks: one fwrite per megabyte instead of one per value keeps `cat` fast. */
#ifndef MEDALLION_CLI_TEXT_BUF_H
#define MEDALLION_CLI_TEXT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct text_buf {
  char *data;      /* not NUL-terminated unless text_buf_cstr is called */
  size_t length;
  size_t capacity;
  bool failed;     /* an allocation failed; appends since then were dropped */
} text_buf;

/* An empty buffer needs no allocation: `text_buf b = {0};` works too. */
void text_buf_init(text_buf *buf);
void text_buf_free(text_buf *buf);
void text_buf_clear(text_buf *buf);
/* Makes room for `more` bytes; false (and buf->failed) on allocation failure. */
bool text_buf_reserve(text_buf *buf, size_t more);
void text_buf_append(text_buf *buf, const void *bytes, size_t length);
void text_buf_printf(text_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents as a C string (appends a NUL that is not counted in length). */
const char *text_buf_cstr(text_buf *buf);
/* Writes the contents to out and clears the buffer; false on a write error. */
bool text_buf_flush(text_buf *buf, FILE *out);

static inline void text_buf_append_str(text_buf *buf, const char *s) { text_buf_append(buf, s, strlen(s)); }

static inline void text_buf_append_char(text_buf *buf, char c) {
  if (buf->length < buf->capacity || text_buf_reserve(buf, 1)) buf->data[buf->length++] = c;
}

#endif
