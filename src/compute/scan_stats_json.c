/* scan_stats_json.c — the few facts file pruning needs from a Delta add
 * action's "stats" JSON: a column's minValues, maxValues and nullCount.
 *
 * A tiny scanner rather than a JSON library: we only skip values and look up
 * top-level members, on text the Delta module already accepted. Anything
 * unexpected means "no statistics" (the file is read), never an error. Only
 * integers, dates and short escape-free strings are used: engines truncate
 * long string statistics, and a truncated max is no upper bound. */
#include <stdio.h>
#include <stdlib.h>

#include "scan_internal.h"

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* Past the JSON string starting at p (at its quote); NULL when malformed. */
static const char *skip_string(const char *p) {
  if (*p != '"') return NULL;
  for (p++; *p; p++) {
    if (*p == '\\') {
      if (!*++p) return NULL;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return NULL;
}

/* Past one JSON value at p; NULL when malformed. depth bounds recursion. */
static const char *skip_value(const char *p, int depth) {
  p = skip_ws(p);
  if (depth > 64) return NULL;
  if (*p == '"') return skip_string(p);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = skip_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (!(p = skip_string(skip_ws(p)))) return NULL;
        p = skip_ws(p);
        if (*p++ != ':') return NULL;
      }
      if (!(p = skip_value(p, depth + 1))) return NULL;
      p = skip_ws(p);
      if (*p == ',') {
        p++;
        continue;
      }
      return *p == close ? p + 1 : NULL;
    }
  }
  while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
  return p;
}

/* The value of member key of the object at p, or NULL. */
static const char *member(const char *p, const char *key) {
  p = skip_ws(p);
  if (!p || *p != '{') return NULL;
  p = skip_ws(p + 1);
  size_t key_len = strlen(key);
  while (*p == '"') {
    const char *name = p + 1, *end = skip_string(p);
    if (!end) return NULL;
    bool match = (size_t)(end - 1 - name) == key_len && memcmp(name, key, key_len) == 0;
    p = skip_ws(end);
    if (*p++ != ':') return NULL;
    p = skip_ws(p);
    if (match) return p;
    if (!(p = skip_value(p, 0))) return NULL;
    p = skip_ws(p);
    if (*p != ',') return NULL;
    p = skip_ws(p + 1);
  }
  return NULL;
}

static bool parse_int_value(const char *p, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(p, &end, 10);
  if (end == p || *end == '.' || *end == 'e' || *end == 'E') return false;
  *out = (int64_t)v;
  return true;
}

static int64_t utf8_chars(const uint8_t *s, size_t n) {
  int64_t chars = 0;
  for (size_t i = 0; i < n; i++) chars += (s[i] & 0xC0) != 0x80;
  return chars;
}

/* A typed scalar from the JSON value at p; string bytes go to buf. */
static bool parse_scalar(const char *p, md_type type, uint8_t *buf, size_t buf_size, md_scalar *out) {
  memset(out, 0, sizeof *out);
  out->type = type;
  if (!p) return false;
  switch (type.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64: return parse_int_value(p, &out->v.i);
    case MD_TYPE_UTF8:
    case MD_TYPE_DATE32: {
      const char *end = skip_string(p);
      if (!end) return false;
      size_t n = (size_t)(end - p - 2);
      if (memchr(p + 1, '\\', n) || n > buf_size) return false;
      if (type.id == MD_TYPE_DATE32) {
        int y, m, d;
        char tail;
        if (n != 10 || sscanf(p + 1, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 4 || tail != '"') return false;
        out->v.i = days_from_civil(y, m, d);
        return true;
      }
      if (utf8_chars((const uint8_t *)p + 1, n) >= 32) return false;
      memcpy(buf, p + 1, n);
      out->v.bytes.ptr = buf;
      out->v.bytes.length = (int64_t)n;
      return true;
    }
    default: return false;
  }
}

bool scan_delta_json_stats(const char *json, const char *column, md_type type, int64_t num_records,
                           uint8_t *buf, size_t buf_size, scan_col_stats *out) {
  memset(out, 0, sizeof *out);
  if (!json) return false;
  const char *nulls = member(member(json, "nullCount"), column);
  int64_t null_count;
  if (nulls && parse_int_value(nulls, &null_count)) {
    out->has_null_count = true;
    out->null_count = null_count;
    out->all_null = num_records > 0 && null_count >= num_records;
  }
  size_t half = buf_size / 2;
  out->has_min_max = parse_scalar(member(member(json, "minValues"), column), type, buf, half, &out->min) &&
                     parse_scalar(member(member(json, "maxValues"), column), type, buf + half, half, &out->max);
  return out->has_null_count || out->has_min_max;
}
