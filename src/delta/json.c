/* json.c — strict, bounded JSON parser producing a small DOM (see json.h).
 *
 * Values and strings live in an arena owned by the document, so freeing is one
 * walk over a chunk list and no value needs its own free. Children are gathered
 * on a shared scratch stack while their container is open and copied into the
 * arena when it closes, so arrays and objects are exact-sized. Every value
 * consumes at least one input byte and every decoded string is no longer than
 * its source, which bounds memory by a constant times the input size. */
#include "delta/json.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct arena_chunk {
  struct arena_chunk *next;
  size_t used;
  size_t cap;
  _Alignas(16) unsigned char data[];
} arena_chunk;

struct delta_json_doc {
  arena_chunk *chunks;
  delta_json_value root;
};

typedef struct parser {
  const char *text;
  size_t len;
  size_t pos;
  delta_json_doc *doc;
  /* scratch stacks for open containers */
  delta_json_value *values;
  size_t values_len, values_cap;
  delta_json_member *members;
  size_t members_len, members_cap;
  md_error *err;
} parser;

static void *arena_alloc(delta_json_doc *doc, size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (size == 0) size = 16;
  arena_chunk *chunk = doc->chunks;
  if (!chunk || chunk->cap - chunk->used < size) {
    size_t cap = 64 * 1024;
    if (size > cap) cap = size;
    chunk = malloc(sizeof *chunk + cap);
    if (!chunk) return NULL;
    chunk->next = doc->chunks;
    chunk->used = 0;
    chunk->cap = cap;
    doc->chunks = chunk;
  }
  void *p = chunk->data + chunk->used;
  chunk->used += size;
  return p;
}

static md_code fail(parser *p, md_code code, const char *what) {
  return md_error_set(p->err, code, "%s at byte %zu", what, p->pos);
}

static void skip_ws(parser *p) {
  while (p->pos < p->len) {
    char c = p->text[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->pos++;
  }
}

static md_code parse_value(parser *p, delta_json_value *out, int depth);

static bool match_literal(parser *p, const char *word) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0) return false;
  p->pos += n;
  return true;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF are refused). */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (avail < n) return 0;
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return n;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool read_hex4(parser *p, unsigned *out) {
  if (p->len - p->pos < 4) return false;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int d = hex_digit(p->text[p->pos + i]);
    if (d < 0) return false;
    v = (v << 4) | (unsigned)d;
  }
  p->pos += 4;
  *out = v;
  return true;
}

static size_t encode_utf8(unsigned cp, char *dst) {
  if (cp < 0x80) { dst[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    dst[0] = (char)(0xC0 | (cp >> 6));
    dst[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = (char)(0xE0 | (cp >> 12));
    dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = (char)(0xF0 | (cp >> 18));
  dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* At the opening quote. The decoded form is never longer than the source (a
 * \uXXXX escape is 6 bytes for at most 3, a surrogate pair 12 for 4), so the
 * source length bounds the allocation. */
static md_code parse_string(parser *p, const char **out, size_t *out_len) {
  size_t start = ++p->pos;
  size_t end = start;
  while (end < p->len && p->text[end] != '"') {
    if (p->text[end] == '\\') end++;
    end++;
  }
  if (end >= p->len) return fail(p, MD_ERR_CORRUPT, "unterminated string");
  char *dst = arena_alloc(p->doc, end - start + 1);
  if (!dst) return fail(p, MD_ERR_NOMEM, "out of memory");
  size_t n = 0;
  while (p->pos < end) {
    unsigned char c = (unsigned char)p->text[p->pos];
    if (c < 0x20) return fail(p, MD_ERR_CORRUPT, "control character in string");
    if (c != '\\') {
      size_t seq = utf8_sequence_length((const unsigned char *)p->text + p->pos, end - p->pos);
      if (seq == 0) return fail(p, MD_ERR_CORRUPT, "invalid UTF-8 in string");
      memcpy(dst + n, p->text + p->pos, seq);
      n += seq;
      p->pos += seq;
      continue;
    }
    size_t escape_at = p->pos;
    p->pos++;
    char e = p->text[p->pos++];
    switch (e) {
      case '"': dst[n++] = '"'; break;
      case '\\': dst[n++] = '\\'; break;
      case '/': dst[n++] = '/'; break;
      case 'b': dst[n++] = '\b'; break;
      case 'f': dst[n++] = '\f'; break;
      case 'n': dst[n++] = '\n'; break;
      case 'r': dst[n++] = '\r'; break;
      case 't': dst[n++] = '\t'; break;
      case 'u': {
        unsigned cp;
        if (!read_hex4(p, &cp) || p->pos > end) {
          p->pos = escape_at;
          return fail(p, MD_ERR_CORRUPT, "invalid \\u escape");
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          p->pos = escape_at;
          return fail(p, MD_ERR_CORRUPT, "unpaired low surrogate");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned low;
          if (end - p->pos < 6 || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u') {
            p->pos = escape_at;
            return fail(p, MD_ERR_CORRUPT, "unpaired high surrogate");
          }
          p->pos += 2;
          if (!read_hex4(p, &low) || low < 0xDC00 || low > 0xDFFF) {
            p->pos = escape_at;
            return fail(p, MD_ERR_CORRUPT, "unpaired high surrogate");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        n += encode_utf8(cp, dst + n);
        break;
      }
      default:
        p->pos = escape_at;
        return fail(p, MD_ERR_CORRUPT, "invalid escape");
    }
  }
  dst[n] = '\0';
  p->pos = end + 1;
  *out = dst;
  *out_len = n;
  return MD_OK;
}

static md_code parse_number(parser *p, delta_json_value *out) {
  size_t start = p->pos;
  bool negative = false;
  if (p->text[p->pos] == '-') {
    negative = true;
    p->pos++;
  }
  if (p->pos >= p->len || p->text[p->pos] < '0' || p->text[p->pos] > '9')
    return fail(p, MD_ERR_CORRUPT, "invalid number");
  uint64_t magnitude = 0;
  bool overflow = false;
  if (p->text[p->pos] == '0') {
    p->pos++;
  } else {
    while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9') {
      unsigned d = (unsigned)(p->text[p->pos] - '0');
      if (magnitude > (UINT64_MAX - d) / 10) overflow = true;
      else magnitude = magnitude * 10 + d;
      p->pos++;
    }
  }
  bool integral = true;
  if (p->pos < p->len && p->text[p->pos] == '.') {
    integral = false;
    p->pos++;
    size_t digits = p->pos;
    while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9') p->pos++;
    if (p->pos == digits) return fail(p, MD_ERR_CORRUPT, "invalid number: no digits after '.'");
  }
  if (p->pos < p->len && (p->text[p->pos] == 'e' || p->text[p->pos] == 'E')) {
    integral = false;
    p->pos++;
    if (p->pos < p->len && (p->text[p->pos] == '+' || p->text[p->pos] == '-')) p->pos++;
    size_t digits = p->pos;
    while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9') p->pos++;
    if (p->pos == digits) return fail(p, MD_ERR_CORRUPT, "invalid number: no exponent digits");
  }
  size_t n = p->pos - start;
  char *text = arena_alloc(p->doc, n + 1);
  if (!text) return fail(p, MD_ERR_NOMEM, "out of memory");
  memcpy(text, p->text + start, n);
  text[n] = '\0';
  out->str = text;
  out->len = n;
  if (integral && !overflow) {
    if (!negative && magnitude <= (uint64_t)INT64_MAX) {
      out->kind = DELTA_JSON_INT;
      out->num.i = (int64_t)magnitude;
      return MD_OK;
    }
    if (!negative) {
      out->kind = DELTA_JSON_UINT;
      out->num.u = magnitude;
      return MD_OK;
    }
    if (magnitude <= (uint64_t)INT64_MAX + 1) {
      out->kind = DELTA_JSON_INT;
      out->num.i = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
      return MD_OK;
    }
  }
  errno = 0;
  char *endp = NULL;
  double d = strtod(text, &endp);
  if (endp != text + n) {
    p->pos = start;
    return fail(p, MD_ERR_CORRUPT, "invalid number");
  }
  if (isinf(d)) {
    p->pos = start;
    return fail(p, MD_ERR_CORRUPT, "number out of range");
  }
  out->kind = DELTA_JSON_DOUBLE;
  out->num.d = d;
  return MD_OK;
}

static bool push_value(parser *p, const delta_json_value *v) {
  if (p->values_len == p->values_cap) {
    size_t cap = p->values_cap ? p->values_cap * 2 : 64;
    delta_json_value *grown = realloc(p->values, cap * sizeof *grown);
    if (!grown) return false;
    p->values = grown;
    p->values_cap = cap;
  }
  p->values[p->values_len++] = *v;
  return true;
}

static bool push_member(parser *p, const delta_json_member *m) {
  if (p->members_len == p->members_cap) {
    size_t cap = p->members_cap ? p->members_cap * 2 : 64;
    delta_json_member *grown = realloc(p->members, cap * sizeof *grown);
    if (!grown) return false;
    p->members = grown;
    p->members_cap = cap;
  }
  p->members[p->members_len++] = *m;
  return true;
}

static md_code parse_array(parser *p, delta_json_value *out, int depth) {
  p->pos++; /* '[' */
  size_t base = p->values_len;
  skip_ws(p);
  if (p->pos < p->len && p->text[p->pos] == ']') {
    p->pos++;
  } else {
    for (;;) {
      delta_json_value item;
      md_code rc = parse_value(p, &item, depth + 1);
      if (rc != MD_OK) return rc;
      if (!push_value(p, &item)) return fail(p, MD_ERR_NOMEM, "out of memory");
      skip_ws(p);
      if (p->pos >= p->len) return fail(p, MD_ERR_CORRUPT, "unterminated array");
      char c = p->text[p->pos++];
      if (c == ']') break;
      if (c != ',') {
        p->pos--;
        return fail(p, MD_ERR_CORRUPT, "expected ',' or ']' in array");
      }
    }
  }
  size_t count = p->values_len - base;
  memset(out, 0, sizeof *out);
  out->kind = DELTA_JSON_ARRAY;
  out->count = count;
  if (count) {
    out->items = arena_alloc(p->doc, count * sizeof *out->items);
    if (!out->items) return fail(p, MD_ERR_NOMEM, "out of memory");
    memcpy(out->items, p->values + base, count * sizeof *out->items);
  }
  p->values_len = base;
  return MD_OK;
}

static md_code parse_object(parser *p, delta_json_value *out, int depth) {
  p->pos++; /* '{' */
  size_t base = p->members_len;
  skip_ws(p);
  if (p->pos < p->len && p->text[p->pos] == '}') {
    p->pos++;
  } else {
    for (;;) {
      skip_ws(p);
      if (p->pos >= p->len || p->text[p->pos] != '"')
        return fail(p, MD_ERR_CORRUPT, "expected a string key in object");
      delta_json_member member;
      md_code rc = parse_string(p, &member.key, &member.key_len);
      if (rc != MD_OK) return rc;
      skip_ws(p);
      if (p->pos >= p->len || p->text[p->pos] != ':')
        return fail(p, MD_ERR_CORRUPT, "expected ':' after object key");
      p->pos++;
      rc = parse_value(p, &member.value, depth + 1);
      if (rc != MD_OK) return rc;
      if (!push_member(p, &member)) return fail(p, MD_ERR_NOMEM, "out of memory");
      skip_ws(p);
      if (p->pos >= p->len) return fail(p, MD_ERR_CORRUPT, "unterminated object");
      char c = p->text[p->pos++];
      if (c == '}') break;
      if (c != ',') {
        p->pos--;
        return fail(p, MD_ERR_CORRUPT, "expected ',' or '}' in object");
      }
    }
  }
  size_t count = p->members_len - base;
  memset(out, 0, sizeof *out);
  out->kind = DELTA_JSON_OBJECT;
  out->count = count;
  if (count) {
    out->members = arena_alloc(p->doc, count * sizeof *out->members);
    if (!out->members) return fail(p, MD_ERR_NOMEM, "out of memory");
    memcpy(out->members, p->members + base, count * sizeof *out->members);
  }
  p->members_len = base;
  return MD_OK;
}

static md_code parse_value(parser *p, delta_json_value *out, int depth) {
  if (depth > DELTA_JSON_MAX_DEPTH) return fail(p, MD_ERR_CORRUPT, "nesting deeper than the limit");
  skip_ws(p);
  if (p->pos >= p->len) return fail(p, MD_ERR_CORRUPT, "unexpected end of input");
  memset(out, 0, sizeof *out);
  char c = p->text[p->pos];
  switch (c) {
    case '{': return parse_object(p, out, depth);
    case '[': return parse_array(p, out, depth);
    case '"':
      out->kind = DELTA_JSON_STRING;
      return parse_string(p, &out->str, &out->len);
    case 't':
      if (!match_literal(p, "true")) break;
      out->kind = DELTA_JSON_BOOL;
      out->num.b = true;
      return MD_OK;
    case 'f':
      if (!match_literal(p, "false")) break;
      out->kind = DELTA_JSON_BOOL;
      return MD_OK;
    case 'n':
      if (!match_literal(p, "null")) break;
      out->kind = DELTA_JSON_NULL;
      return MD_OK;
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, out);
      break;
  }
  return fail(p, MD_ERR_CORRUPT, "unexpected character");
}

md_code delta_json_parse(const char *text, size_t len, delta_json_doc **out, md_error *err) {
  if (!text && len) return md_error_set(err, MD_ERR_INVALID, "delta_json_parse: NULL text");
  delta_json_doc *doc = calloc(1, sizeof *doc);
  if (!doc) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  parser p = {.text = text ? text : "", .len = len, .doc = doc, .err = err};
  md_code rc = parse_value(&p, &doc->root, 0);
  if (rc == MD_OK) {
    skip_ws(&p);
    if (p.pos != p.len) rc = fail(&p, MD_ERR_CORRUPT, "trailing characters after the JSON value");
  }
  free(p.values);
  free(p.members);
  if (rc != MD_OK) {
    delta_json_doc_free(doc);
    return rc;
  }
  *out = doc;
  return MD_OK;
}

void delta_json_doc_free(delta_json_doc *doc) {
  if (!doc) return;
  arena_chunk *chunk = doc->chunks;
  while (chunk) {
    arena_chunk *next = chunk->next;
    free(chunk);
    chunk = next;
  }
  free(doc);
}

const delta_json_value *delta_json_root(const delta_json_doc *doc) { return doc ? &doc->root : NULL; }

const delta_json_value *delta_json_get(const delta_json_value *obj, const char *key) {
  if (!obj || obj->kind != DELTA_JSON_OBJECT || !key) return NULL;
  size_t key_len = strlen(key);
  for (size_t i = obj->count; i-- > 0;) {
    const delta_json_member *m = &obj->members[i];
    if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) return &m->value;
  }
  return NULL;
}

const char *delta_json_get_string(const delta_json_value *obj, const char *key) {
  const delta_json_value *v = delta_json_get(obj, key);
  return v && v->kind == DELTA_JSON_STRING ? v->str : NULL;
}

bool delta_json_get_int(const delta_json_value *obj, const char *key, int64_t *out) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind != DELTA_JSON_INT) return false;
  *out = v->num.i;
  return true;
}

bool delta_json_get_bool(const delta_json_value *obj, const char *key, bool *out) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind != DELTA_JSON_BOOL) return false;
  *out = v->num.b;
  return true;
}

bool delta_json_is(const delta_json_value *value, delta_json_kind kind) { return value && value->kind == kind; }

const char *delta_json_kind_name(delta_json_kind kind) {
  switch (kind) {
    case DELTA_JSON_NULL: return "null";
    case DELTA_JSON_BOOL: return "boolean";
    case DELTA_JSON_INT:
    case DELTA_JSON_UINT:
    case DELTA_JSON_DOUBLE: return "number";
    case DELTA_JSON_STRING: return "string";
    case DELTA_JSON_ARRAY: return "array";
    case DELTA_JSON_OBJECT: return "object";
  }
  return "unknown";
}
