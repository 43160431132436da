/* ui_buf.c — the growable text buffer the API handlers write their JSON into,
 * and the JSON value writers. Strings are escaped for JSON and, beyond what
 * JSON needs, '<' '>' '&' become \u escapes so no response body can be taken
 * for markup by any reader (a browser sniffing, a proxy, a copy into a page). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_internal.h"

void ui_buf_free(ui_buf *b) {
  free(b->data);
  *b = (ui_buf){0};
}

static bool reserve(ui_buf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) {
    b->failed = true;
    return false;
  }
  b->data = d;
  b->cap = cap;
  return true;
}

void ui_buf_put(ui_buf *b, const char *bytes, size_t n) {
  if (!reserve(b, n)) return;
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void ui_buf_puts(ui_buf *b, const char *s) { ui_buf_put(b, s, strlen(s)); }

void ui_buf_printf(ui_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0 || !reserve(b, (size_t)need)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)need;
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is not
 * one: invalid bytes are replaced so the body is always valid UTF-8. */
static int utf8_sequence(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
  if (n == 0 || s[0] > 0xF4) return 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
  if (n == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0; /* surrogates */
  if (n == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;
  if (n == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;
  return n;
}

void ui_json_string(ui_buf *b, const char *s) {
  if (!s) {
    ui_buf_puts(b, "null");
    return;
  }
  ui_buf_put(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      ui_buf_put(b, esc, 2);
      p++;
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) {
      ui_buf_printf(b, "\\u%04x", c);
      p++;
    } else {
      int n = utf8_sequence(p);
      if (n == 0) {
        ui_buf_puts(b, "\\ufffd");
        p++;
      } else {
        ui_buf_put(b, (const char *)p, (size_t)n);
        p += n;
      }
    }
  }
  ui_buf_put(b, "\"", 1);
}

void ui_json_key(ui_buf *b, const char *key) {
  ui_json_string(b, key);
  ui_buf_put(b, ":", 1);
}

void ui_json_int(ui_buf *b, int64_t v) { ui_buf_printf(b, "%lld", (long long)v); }

void ui_json_double(ui_buf *b, double v) {
  if (!isfinite(v)) {
    ui_buf_puts(b, "null");
    return;
  }
  char text[40];
  snprintf(text, sizeof text, "%.15g", v); /* shortest that usually round-trips */
  if (strtod(text, NULL) != v) snprintf(text, sizeof text, "%.17g", v);
  ui_buf_puts(b, text);
}

void ui_json_raw_escaped(ui_buf *b, const char *json, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    char c = json[i];
    if (c != '<' && c != '>' && c != '&') continue;
    ui_buf_put(b, json + start, i - start);
    ui_buf_printf(b, "\\u%04x", (unsigned)c);
    start = i + 1;
  }
  ui_buf_put(b, json + start, n - start);
}

void ui_respond_error(ui_response *r, int status, const char *fmt, ...) {
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  ui_buf_free(&r->body);
  r->status = status;
  r->content_type = "application/json";
  ui_buf_printf(&r->body, "{\"error\":{\"status\":%d,\"message\":", status);
  ui_json_string(&r->body, message);
  ui_buf_puts(&r->body, "}}");
}
