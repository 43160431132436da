/* thrift_read.c — decoding of the Thrift compact protocol from untrusted bytes.
 *
 * Parquet's metadata is Thrift compact: varint/zigzag integers, field headers
 * carrying an id delta and a type nibble, length-prefixed binaries and lists.
 * Unknown fields of every type must be skippable because newer writers add
 * fields freely; skipping recurses, so depth is limited. */
#include "parquet/thrift_read.h"

#include <stdio.h>
#include <string.h>

void thrift_reader_init(thrift_reader *r, const uint8_t *data, size_t size) {
  r->start = data;
  r->pos = data;
  r->end = data + size;
  r->depth = 0;
  r->failed = false;
  r->what[0] = '\0';
}

size_t thrift_offset(const thrift_reader *r) { return (size_t)(r->pos - r->start); }

bool thrift_fail(thrift_reader *r, const char *what) {
  if (!r->failed) {
    r->failed = true;
    snprintf(r->what, sizeof r->what, "%s at byte %zu", what, thrift_offset(r));
  }
  r->pos = r->end; /* make every later read fail fast */
  return false;
}

bool thrift_read_varint(thrift_reader *r, uint64_t *out) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->pos >= r->end) return thrift_fail(r, "truncated varint");
    uint8_t byte = *r->pos++;
    value |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *out = value;
      return true;
    }
  }
  return thrift_fail(r, "varint longer than 10 bytes");
}

static bool read_zigzag(thrift_reader *r, int64_t *out) {
  uint64_t raw;
  if (!thrift_read_varint(r, &raw)) return false;
  *out = thrift_zigzag(raw);
  return true;
}

bool thrift_struct_begin(thrift_reader *r, thrift_struct *s) {
  if (r->failed) return false;
  if (++r->depth > THRIFT_MAX_DEPTH) return thrift_fail(r, "structures nested too deeply");
  s->last_id = 0;
  return true;
}

void thrift_struct_end(thrift_reader *r) {
  if (r->depth > 0) r->depth--;
}

bool thrift_next_field(thrift_reader *r, thrift_struct *s, int16_t *id, int *type) {
  if (r->failed) return false;
  if (r->pos >= r->end) return thrift_fail(r, "truncated struct (no field stop)");
  uint8_t header = *r->pos++;
  int t = header & 0x0f;
  if (t == THRIFT_STOP) return false;
  int delta = header >> 4;
  if (delta) {
    int next = s->last_id + delta;
    if (next > INT16_MAX) return thrift_fail(r, "field id out of range");
    *id = (int16_t)next;
  } else {
    int64_t wide;
    if (!read_zigzag(r, &wide)) return false;
    if (wide < INT16_MIN || wide > INT16_MAX) return thrift_fail(r, "field id out of range");
    *id = (int16_t)wide;
  }
  if (t > THRIFT_STRUCT) return thrift_fail(r, "unknown field type");
  s->last_id = *id;
  *type = t;
  return true;
}

bool thrift_field_bool(thrift_reader *r, int type, bool *out) {
  if (type == THRIFT_TRUE || type == THRIFT_FALSE) {
    *out = type == THRIFT_TRUE;
    return true;
  }
  return thrift_fail(r, "expected a bool field");
}

static bool is_integer_type(int type) {
  return type == THRIFT_BYTE || type == THRIFT_I16 || type == THRIFT_I32 || type == THRIFT_I64;
}

/* All integer widths read into int64 first, then narrow with a range check:
 * a writer using a wider type than the IDL says is tolerated when it fits. */
static bool read_integer(thrift_reader *r, int type, int64_t min, int64_t max, int64_t *out) {
  if (!is_integer_type(type)) return thrift_fail(r, "expected an integer field");
  int64_t v = 0;
  if (type == THRIFT_BYTE) {
    if (r->pos >= r->end) return thrift_fail(r, "truncated byte");
    v = (int8_t)*r->pos++;
  } else if (!read_zigzag(r, &v)) {
    return false;
  }
  if (v < min || v > max) return thrift_fail(r, "integer out of range");
  *out = v;
  return true;
}

bool thrift_read_i8(thrift_reader *r, int type, int8_t *out) {
  int64_t v = 0;
  if (!read_integer(r, type, INT8_MIN, INT8_MAX, &v)) return false;
  *out = (int8_t)v;
  return true;
}

bool thrift_read_i16(thrift_reader *r, int type, int16_t *out) {
  int64_t v = 0;
  if (!read_integer(r, type, INT16_MIN, INT16_MAX, &v)) return false;
  *out = (int16_t)v;
  return true;
}

bool thrift_read_i32(thrift_reader *r, int type, int32_t *out) {
  int64_t v = 0;
  if (!read_integer(r, type, INT32_MIN, INT32_MAX, &v)) return false;
  *out = (int32_t)v;
  return true;
}

bool thrift_read_i64(thrift_reader *r, int type, int64_t *out) {
  return read_integer(r, type, INT64_MIN, INT64_MAX, out);
}

bool thrift_read_double(thrift_reader *r, int type, double *out) {
  if (type != THRIFT_DOUBLE) return thrift_fail(r, "expected a double field");
  if (r->end - r->pos < 8) return thrift_fail(r, "truncated double");
  uint64_t bits = 0;
  for (int i = 7; i >= 0; i--) bits = (bits << 8) | r->pos[i];
  r->pos += 8;
  memcpy(out, &bits, sizeof *out);
  return true;
}

bool thrift_read_binary(thrift_reader *r, int type, const uint8_t **bytes, uint32_t *length) {
  if (type != THRIFT_BINARY) return thrift_fail(r, "expected a binary field");
  uint64_t n;
  if (!thrift_read_varint(r, &n)) return false;
  if (n > (uint64_t)(r->end - r->pos)) return thrift_fail(r, "binary longer than the input");
  *bytes = r->pos;
  *length = (uint32_t)n;
  r->pos += n;
  return true;
}

bool thrift_read_list_begin(thrift_reader *r, int type, int *elem_type, uint32_t *count) {
  if (type != THRIFT_LIST && type != THRIFT_SET) return thrift_fail(r, "expected a list field");
  if (r->pos >= r->end) return thrift_fail(r, "truncated list header");
  uint8_t header = *r->pos++;
  uint64_t n = header >> 4;
  if (n == 15 && !thrift_read_varint(r, &n)) return false;
  int t = header & 0x0f;
  /* In lists, booleans are one byte each and use type code 1 or 2 alike. */
  if (t == THRIFT_STOP || t > THRIFT_STRUCT) return thrift_fail(r, "unknown list element type");
  if (n > (uint64_t)(r->end - r->pos)) return thrift_fail(r, "list longer than the input");
  *elem_type = t;
  *count = (uint32_t)n;
  return true;
}

bool thrift_read_list_i32(thrift_reader *r, int elem_type, int32_t *out) {
  return thrift_read_i32(r, elem_type, out);
}

bool thrift_skip(thrift_reader *r, int type) {
  if (r->failed) return false;
  switch (type) {
    case THRIFT_TRUE:
    case THRIFT_FALSE:
      return true; /* a bool field's value lives in its header */
    case THRIFT_BYTE:
      if (r->pos >= r->end) return thrift_fail(r, "truncated byte");
      r->pos++;
      return true;
    case THRIFT_I16:
    case THRIFT_I32:
    case THRIFT_I64: {
      uint64_t ignored;
      return thrift_read_varint(r, &ignored);
    }
    case THRIFT_DOUBLE:
      if (r->end - r->pos < 8) return thrift_fail(r, "truncated double");
      r->pos += 8;
      return true;
    case THRIFT_BINARY: {
      const uint8_t *bytes;
      uint32_t length;
      return thrift_read_binary(r, type, &bytes, &length);
    }
    case THRIFT_LIST:
    case THRIFT_SET: {
      int elem;
      uint32_t count;
      if (!thrift_read_list_begin(r, type, &elem, &count)) return false;
      if (++r->depth > THRIFT_MAX_DEPTH) return thrift_fail(r, "structures nested too deeply");
      for (uint32_t i = 0; i < count && !r->failed; i++) {
        /* A bool inside a list is a whole byte, unlike a bool field. */
        if (elem == THRIFT_TRUE || elem == THRIFT_FALSE) {
          if (!thrift_skip(r, THRIFT_BYTE)) return false;
        } else if (!thrift_skip(r, elem)) {
          return false;
        }
      }
      r->depth--;
      return !r->failed;
    }
    case THRIFT_MAP: {
      uint64_t count;
      if (!thrift_read_varint(r, &count)) return false;
      if (count == 0) return true;
      if (r->pos >= r->end) return thrift_fail(r, "truncated map header");
      uint8_t types = *r->pos++;
      int key = types >> 4, value = types & 0x0f;
      if (key == THRIFT_STOP || key > THRIFT_STRUCT || value == THRIFT_STOP || value > THRIFT_STRUCT)
        return thrift_fail(r, "unknown map element type");
      if (count > (uint64_t)(r->end - r->pos)) return thrift_fail(r, "map longer than the input");
      if (++r->depth > THRIFT_MAX_DEPTH) return thrift_fail(r, "structures nested too deeply");
      for (uint64_t i = 0; i < count && !r->failed; i++) {
        int kt = key == THRIFT_TRUE || key == THRIFT_FALSE ? THRIFT_BYTE : key;
        int vt = value == THRIFT_TRUE || value == THRIFT_FALSE ? THRIFT_BYTE : value;
        if (!thrift_skip(r, kt) || !thrift_skip(r, vt)) return false;
      }
      r->depth--;
      return !r->failed;
    }
    case THRIFT_STRUCT: {
      thrift_struct s;
      if (!thrift_struct_begin(r, &s)) return false;
      int16_t id;
      int t;
      while (thrift_next_field(r, &s, &id, &t)) {
        if (!thrift_skip(r, t)) return false;
      }
      thrift_struct_end(r);
      return !r->failed;
    }
    default:
      return thrift_fail(r, "unknown type");
  }
}
