/* json.h — the Delta module's strict JSON reader (a small DOM) and writer.
 *
 * The Delta log is newline-delimited JSON written by many engines, and it is
 * untrusted input: the parser validates everything (grammar, UTF-8, \u escapes
 * including surrogate pairs, nesting depth), never reads past its input, and
 * allocates at most a small constant times the input size. Integers keep all
 * 64 bits (int64, or uint64 above INT64_MAX) because file sizes, versions and
 * statistics must round-trip exactly; every number also keeps its source text,
 * so decimals in statistics lose nothing. Errors give the byte offset.
 *
 * The writer side is a growable byte buffer with JSON escaping (as JavaScript's
 * JSON.stringify does) and number formatting (ECMAScript Number::toString, the
 * shortest text that round-trips), used for commits and canonical rows. */
#ifndef MEDALLION_DELTA_JSON_H
#define MEDALLION_DELTA_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medallion/core.h"

/* Deeper nesting than this is refused: Delta actions nest a handful of levels,
 * and the limit keeps the recursive parser's stack bounded. */
#define DELTA_JSON_MAX_DEPTH 128

typedef enum delta_json_kind {
  DELTA_JSON_NULL = 0,
  DELTA_JSON_BOOL,
  DELTA_JSON_INT,    /* integer literal that fits int64 */
  DELTA_JSON_UINT,   /* integer literal in (INT64_MAX, UINT64_MAX] */
  DELTA_JSON_DOUBLE, /* any other number (fraction, exponent, or too large) */
  DELTA_JSON_STRING,
  DELTA_JSON_ARRAY,
  DELTA_JSON_OBJECT
} delta_json_kind;

typedef struct delta_json_value delta_json_value;
typedef struct delta_json_member delta_json_member;

struct delta_json_value {
  delta_json_kind kind;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
  } num;
  /* STRING: the decoded UTF-8 bytes (NUL-terminated; may contain NUL).
   * numbers: the literal's source text. Otherwise NULL. */
  const char *str;
  size_t len;
  /* ARRAY: items; OBJECT: members in source order. */
  size_t count;
  delta_json_value *items;
  delta_json_member *members;
};

struct delta_json_member {
  const char *key; /* decoded UTF-8, NUL-terminated */
  size_t key_len;
  delta_json_value value;
};

/* A parsed document; owns every value and string in it. */
typedef struct delta_json_doc delta_json_doc;

/* Parses exactly one JSON value (surrounding whitespace allowed). On error the
 * message says what and where: "invalid escape at byte 17". */
md_code delta_json_parse(const char *text, size_t len, delta_json_doc **out, md_error *err);
void delta_json_doc_free(delta_json_doc *doc);
const delta_json_value *delta_json_root(const delta_json_doc *doc);

/* Object member by key (the last one when a key repeats, as JSON.parse does),
 * or NULL when obj is not an object or has no such key. */
const delta_json_value *delta_json_get(const delta_json_value *obj, const char *key);
/* The value as a NUL-terminated string, or NULL when it is absent or not a string. */
const char *delta_json_get_string(const delta_json_value *obj, const char *key);
/* true and *out when the member is an integer that fits int64. */
bool delta_json_get_int(const delta_json_value *obj, const char *key, int64_t *out);
/* true and *out when the member is a boolean. */
bool delta_json_get_bool(const delta_json_value *obj, const char *key, bool *out);
bool delta_json_is(const delta_json_value *value, delta_json_kind kind);
const char *delta_json_kind_name(delta_json_kind kind);

/* ------------------------------------------------------------------ writer */

/* A growable byte buffer. Operations after an allocation failure do nothing and
 * delta_buf_failed reports it, so callers check once at the end. */
typedef struct delta_buf {
  char *data; /* NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
  bool failed;
} delta_buf;

void delta_buf_init(delta_buf *buf);
void delta_buf_free(delta_buf *buf);
void delta_buf_reset(delta_buf *buf); /* length 0, keeps the memory */
bool delta_buf_failed(const delta_buf *buf);
void delta_buf_append(delta_buf *buf, const void *bytes, size_t len);
void delta_buf_append_str(delta_buf *buf, const char *s);
void delta_buf_append_char(delta_buf *buf, char c);
void delta_buf_printf(delta_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the bytes out of the buffer (caller frees with free()); the buffer is reset. */
char *delta_buf_take(delta_buf *buf, size_t *len);

/* A JSON string literal, escaped as JSON.stringify does: \" \\ \b \f \n \r \t,
 * other control characters as \u00XX, everything else (UTF-8) as is. */
void delta_json_write_string(delta_buf *buf, const char *s, size_t len);
void delta_json_write_int(delta_buf *buf, int64_t value);
void delta_json_write_uint(delta_buf *buf, uint64_t value);
/* ECMAScript Number::toString text of value (shortest round-trip): "1", "0.1",
 * "1e+21", "5e-7"; -0 prints "0". NaN and infinities are not JSON numbers:
 * these write "NaN", "Infinity", "-Infinity" unquoted; callers quote them. */
void delta_json_write_double(delta_buf *buf, double value);
/* The same for a float32: the shortest decimal that reads back as the same float. */
void delta_json_write_float(delta_buf *buf, float value);
/* The plain decimal text of a 16-byte little-endian two's complement
 * unscaled value: "-12.30" for -1230 at scale 2 (unquoted). */
void delta_decimal_append(delta_buf *buf, const uint8_t *le16, int scale);
/* Writes value's JSON text (compact, members in order). */
void delta_json_write_value(delta_buf *buf, const delta_json_value *value);

#endif /* MEDALLION_DELTA_JSON_H */
