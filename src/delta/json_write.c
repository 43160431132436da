/* json_write.c — the writer half of json.h: a growable buffer, JSON string
 * escaping and ECMAScript number text.
 *
 * Number text follows Number.prototype.toString because both the commit files
 * other engines read and the canonical conformance rows are compared with what
 * JavaScript and Spark print: the shortest digits that round-trip, laid out
 * plainly for exponents in [-7, 21) and as d.ddde±x otherwise. */
#include "delta/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void delta_buf_init(delta_buf *buf) { memset(buf, 0, sizeof *buf); }

void delta_buf_free(delta_buf *buf) {
  if (!buf) return;
  free(buf->data);
  memset(buf, 0, sizeof *buf);
}

void delta_buf_reset(delta_buf *buf) {
  buf->len = 0;
  buf->failed = false;
  if (buf->data) buf->data[0] = '\0';
}

bool delta_buf_failed(const delta_buf *buf) { return buf->failed; }

static bool reserve(delta_buf *buf, size_t extra) {
  if (buf->failed) return false;
  if (extra > SIZE_MAX / 2 - buf->len) {
    buf->failed = true;
    return false;
  }
  size_t need = buf->len + extra + 1;
  if (need <= buf->cap) return true;
  size_t cap = buf->cap ? buf->cap : 256;
  while (cap < need) cap *= 2;
  char *grown = realloc(buf->data, cap);
  if (!grown) {
    buf->failed = true;
    return false;
  }
  buf->data = grown;
  buf->cap = cap;
  return true;
}

void delta_buf_append(delta_buf *buf, const void *bytes, size_t len) {
  if (!reserve(buf, len)) return;
  if (len) memcpy(buf->data + buf->len, bytes, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
}

void delta_buf_append_str(delta_buf *buf, const char *s) { delta_buf_append(buf, s, strlen(s)); }

void delta_buf_append_char(delta_buf *buf, char c) { delta_buf_append(buf, &c, 1); }

void delta_buf_printf(delta_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    buf->failed = true;
    return;
  }
  if (!reserve(buf, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->len += (size_t)n;
}

char *delta_buf_take(delta_buf *buf, size_t *len) {
  if (!reserve(buf, 0)) return NULL;
  char *data = buf->data;
  if (len) *len = buf->len;
  memset(buf, 0, sizeof *buf);
  return data;
}

void delta_json_write_string(delta_buf *buf, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  delta_buf_append_char(buf, '"');
  size_t run = 0; /* start of the pending unescaped run */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char uesc[7];
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default:
        if (c < 0x20) {
          memcpy(uesc, "\\u00", 4);
          uesc[4] = hex[c >> 4];
          uesc[5] = hex[c & 15];
          uesc[6] = '\0';
          esc = uesc;
        }
    }
    if (esc) {
      delta_buf_append(buf, s + run, i - run);
      delta_buf_append_str(buf, esc);
      run = i + 1;
    }
  }
  delta_buf_append(buf, s + run, len - run);
  delta_buf_append_char(buf, '"');
}

void delta_json_write_int(delta_buf *buf, int64_t value) { delta_buf_printf(buf, "%lld", (long long)value); }

void delta_json_write_uint(delta_buf *buf, uint64_t value) {
  delta_buf_printf(buf, "%llu", (unsigned long long)value);
}

/* Lays out significant digits (no sign, no leading zeros) with decimal exponent
 * n (value = 0.digits × 10^n) the way Number::toString does. */
static void write_ecmascript(delta_buf *buf, bool negative, const char *digits, int k, int n) {
  if (negative) delta_buf_append_char(buf, '-');
  if (k <= n && n <= 21) {
    delta_buf_append(buf, digits, (size_t)k);
    for (int i = 0; i < n - k; i++) delta_buf_append_char(buf, '0');
  } else if (0 < n && n <= 21) {
    delta_buf_append(buf, digits, (size_t)n);
    delta_buf_append_char(buf, '.');
    delta_buf_append(buf, digits + n, (size_t)(k - n));
  } else if (-6 < n && n <= 0) {
    delta_buf_append_str(buf, "0.");
    for (int i = 0; i < -n; i++) delta_buf_append_char(buf, '0');
    delta_buf_append(buf, digits, (size_t)k);
  } else {
    delta_buf_append_char(buf, digits[0]);
    if (k > 1) {
      delta_buf_append_char(buf, '.');
      delta_buf_append(buf, digits + 1, (size_t)(k - 1));
    }
    delta_buf_printf(buf, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
  }
}

/* From "%.*e" text ("-1.2345e+05"): the significant digits without trailing
 * zeros, their count, and the exponent in write_ecmascript's convention. */
static void split_exponent_form(const char *text, char *digits, int *k, int *n) {
  const char *p = text;
  if (*p == '-') p++;
  int count = 0;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') digits[count++] = *p;
  int exponent = *p == 'e' ? atoi(p + 1) : 0;
  while (count > 1 && digits[count - 1] == '0') count--;
  digits[count] = '\0';
  *k = count;
  *n = exponent + 1;
}

static bool write_non_finite(delta_buf *buf, double value) {
  if (isnan(value)) delta_buf_append_str(buf, "NaN");
  else if (isinf(value)) delta_buf_append_str(buf, value < 0 ? "-Infinity" : "Infinity");
  else if (value == 0) delta_buf_append_char(buf, '0');
  else return false;
  return true;
}

void delta_json_write_double(delta_buf *buf, double value) {
  if (write_non_finite(buf, value)) return;
  char text[40], digits[40];
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*e", precision - 1, value);
    if (strtod(text, NULL) == value) break;
  }
  int k, n;
  split_exponent_form(text, digits, &k, &n);
  write_ecmascript(buf, value < 0, digits, k, n);
}

void delta_json_write_float(delta_buf *buf, float value) {
  if (write_non_finite(buf, value)) return;
  char text[40], digits[40];
  for (int precision = 1; precision <= 9; precision++) {
    snprintf(text, sizeof text, "%.*e", precision - 1, (double)value);
    if (strtof(text, NULL) == value) break;
  }
  int k, n;
  split_exponent_form(text, digits, &k, &n);
  write_ecmascript(buf, value < 0, digits, k, n);
}

void delta_json_write_value(delta_buf *buf, const delta_json_value *value) {
  switch (value->kind) {
    case DELTA_JSON_NULL: delta_buf_append_str(buf, "null"); return;
    case DELTA_JSON_BOOL: delta_buf_append_str(buf, value->num.b ? "true" : "false"); return;
    case DELTA_JSON_INT:
    case DELTA_JSON_UINT:
    case DELTA_JSON_DOUBLE: delta_buf_append(buf, value->str, value->len); return;
    case DELTA_JSON_STRING: delta_json_write_string(buf, value->str, value->len); return;
    case DELTA_JSON_ARRAY:
      delta_buf_append_char(buf, '[');
      for (size_t i = 0; i < value->count; i++) {
        if (i) delta_buf_append_char(buf, ',');
        delta_json_write_value(buf, &value->items[i]);
      }
      delta_buf_append_char(buf, ']');
      return;
    case DELTA_JSON_OBJECT:
      delta_buf_append_char(buf, '{');
      for (size_t i = 0; i < value->count; i++) {
        if (i) delta_buf_append_char(buf, ',');
        delta_json_write_string(buf, value->members[i].key, value->members[i].key_len);
        delta_buf_append_char(buf, ':');
        delta_json_write_value(buf, &value->members[i].value);
      }
      delta_buf_append_char(buf, '}');
      return;
  }
}

void delta_decimal_append(delta_buf *buf, const uint8_t *le16, int scale) {
  uint64_t low, high;
  memcpy(&low, le16, 8);
  memcpy(&high, le16 + 8, 8);
  unsigned __int128 bits = ((unsigned __int128)high << 64) | low;
  bool negative = (high >> 63) != 0;
  unsigned __int128 magnitude = negative ? ~bits + 1 : bits;
  char digits[48];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (int)(magnitude % 10));
    magnitude /= 10;
  } while (magnitude);
  while (n <= scale) digits[n++] = '0'; /* at least one digit before the point */
  if (negative) delta_buf_append_char(buf, '-');
  for (int i = n - 1; i >= 0; i--) {
    delta_buf_append_char(buf, digits[i]);
    if (i == scale && scale > 0) delta_buf_append_char(buf, '.');
  }
}
