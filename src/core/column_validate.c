/* column_validate.c — checks the Arrow layout invariants of a column, so that
 * data from outside (Arrow import, hand-filled bulk buffers) can be trusted by
 * code that indexes without bounds checks. */
#include <string.h>

#include "column_internal.h"

/* Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
 * Returns the index of the first bad byte, or -1. */
static int64_t first_invalid_utf8(const uint8_t *s, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) { i++; continue; }
    int len;
    uint32_t min, cp;
    if ((c & 0xe0) == 0xc0) { len = 2; min = 0x80; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; min = 0x10000; cp = c & 0x07; }
    else return i;
    if (n - i < len) return i;
    for (int k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}

/* Offsets start at >= 0, never decrease, and end within limit (-1: unknown). */
static md_code validate_offsets(const md_column *column, int64_t limit, md_error *err) {
  if (!column->offsets) return md_error_set(err, MD_ERR_CORRUPT, "column: missing offsets buffer");
  const int32_t *offsets = column->offsets;
  if (offsets[0] < 0) return md_error_set(err, MD_ERR_CORRUPT, "column: negative first offset %d", offsets[0]);
  for (int64_t i = 0; i < column->length; i++) {
    if (offsets[i + 1] < offsets[i])
      return md_error_set(err, MD_ERR_CORRUPT, "column: offsets decrease at row %lld (%d after %d)",
                          (long long)i, offsets[i + 1], offsets[i]);
  }
  if (limit >= 0 && offsets[column->length] > limit)
    return md_error_set(err, MD_ERR_CORRUPT, "column: last offset %d beyond %lld available",
                        offsets[column->length], (long long)limit);
  return MD_OK;
}

static md_code validate_children(const md_column *column, bool check_utf8, md_error *err) {
  for (int i = 0; i < column->num_children; i++) {
    md_code code = md_column_validate(column->children[i], check_utf8, err);
    if (code != MD_OK) return md_error_context(err, "child %d", i);
  }
  return MD_OK;
}

md_code md_column_validate(const md_column *column, bool check_utf8, md_error *err) {
  if (!column) return md_error_set(err, MD_ERR_INVALID, "column: NULL");
  if (column->length < 0) return md_error_set(err, MD_ERR_CORRUPT, "column: negative length");
  if (column->null_count < 0 || column->null_count > column->length)
    return md_error_set(err, MD_ERR_CORRUPT, "column: null count %lld outside [0, %lld]",
                        (long long)column->null_count, (long long)column->length);
  md_type type = column->type;
  if (type.id != MD_TYPE_NULL && column->null_count > 0 && !column->validity)
    return md_error_set(err, MD_ERR_CORRUPT, "column: %lld nulls but no validity bitmap", (long long)column->null_count);
  int width = md_type_fixed_width(type);
  if ((width > 0 || type.id == MD_TYPE_BOOL) && column->length > 0 && !column->values)
    return md_error_set(err, MD_ERR_CORRUPT, "column: missing values buffer");
  md_code code = MD_OK;
  switch (type.id) {
    case MD_TYPE_FIXED_BINARY:
      if (type.byte_width <= 0)
        return md_error_set(err, MD_ERR_CORRUPT, "column: fixed_size_binary width %d", (int)type.byte_width);
      break;
    case MD_TYPE_DECIMAL128:
      if (type.precision < 1 || type.precision > 38 || type.scale < 0 || type.scale > type.precision)
        return md_error_set(err, MD_ERR_CORRUPT, "column: decimal(%d,%d) out of range", type.precision, type.scale);
      break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      /* Our own buffers have a known size; imported ones are trusted to span their offsets. */
      int64_t limit = column->foreign ? -1 : column->values_bytes;
      if ((code = validate_offsets(column, limit, err)) != MD_OK) return code;
      if (column->offsets[column->length] > column->offsets[0] && !column->values)
        return md_error_set(err, MD_ERR_CORRUPT, "column: missing data buffer");
      if (type.id == MD_TYPE_UTF8 && check_utf8) {
        for (int64_t i = 0; i < column->length; i++) {
          if (md_column_is_null(column, i)) continue;
          int32_t start = column->offsets[i];
          int64_t bad = first_invalid_utf8(column->values + start, column->offsets[i + 1] - start);
          if (bad >= 0)
            return md_error_set(err, MD_ERR_CORRUPT, "column: row %lld: invalid UTF-8 at byte %lld", (long long)i,
                                (long long)bad);
        }
      }
      break;
    }
    case MD_TYPE_LIST:
    case MD_TYPE_MAP:
      if (column->num_children != 1)
        return md_error_set(err, MD_ERR_CORRUPT, "column: list/map with %d children", column->num_children);
      if ((code = validate_offsets(column, column->children[0]->length, err)) != MD_OK) return code;
      if (type.id == MD_TYPE_MAP) {
        const md_column *entries = column->children[0];
        if (entries->type.id != MD_TYPE_STRUCT || entries->num_children != 2)
          return md_error_set(err, MD_ERR_CORRUPT, "column: map entries must be struct<key, value>");
        if (entries->null_count > 0 || entries->children[0]->null_count > 0)
          return md_error_set(err, MD_ERR_CORRUPT, "column: map entries and keys must not be null");
      }
      return validate_children(column, check_utf8, err);
    case MD_TYPE_STRUCT:
      for (int i = 0; i < column->num_children; i++) {
        if (column->children[i]->length < column->length)
          return md_error_set(err, MD_ERR_CORRUPT, "column: struct child %d has %lld rows, fewer than %lld", i,
                              (long long)column->children[i]->length, (long long)column->length);
      }
      return validate_children(column, check_utf8, err);
    default:
      if (type.id < 0 || type.id >= MD_TYPE_COUNT_)
        return md_error_set(err, MD_ERR_CORRUPT, "column: unknown type id %d", (int)type.id);
      break;
  }
  return MD_OK;
}
