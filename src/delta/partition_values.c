/* partition_values.c — typed partition values from the strings in an add
 * action's partitionValues, per the protocol's "Partition Value Serialization".
 *
 * A null or empty string is null for every type. Timestamps are either
 * "YYYY-MM-DD HH:MM:SS[.ffffff]" (no zone: taken as UTC, the only zone a
 * reader that is not the writer can know) or ISO 8601 with Z or an offset.
 * Binary values are strings whose code points are the bytes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"
#include "delta/time_text.h"

static md_code bad_value(const char *text, const char *what, md_error *err) {
  return md_error_set(err, MD_ERR_CORRUPT, "partition value '%s' is not a valid %s", text, what);
}

static md_code append_integer(md_column *column, const char *text, int64_t min, int64_t max, md_error *err) {
  errno = 0;
  char *end = NULL;
  long long v = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return bad_value(text, "integer of the column's width", err);
  return md_column_append_int(column, (int64_t)v, err);
}

static md_code append_floating(md_column *column, const char *text, md_error *err) {
  errno = 0;
  char *end = NULL;
  double v = strtod(text, &end);
  if (end == text || *end != '\0') return bad_value(text, "floating-point number", err);
  return md_column_append_double(column, v, err);
}

/* Code points U+0000..U+00FF of a UTF-8 string, one byte each. */
static md_code append_binary(md_column *column, const char *text, md_error *err) {
  size_t n = strlen(text);
  unsigned char *bytes = malloc(n + 1);
  if (!bytes) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  size_t j = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
      bytes[j++] = c;
      i++;
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < n && ((unsigned char)text[i + 1] & 0xC0) == 0x80) {
      bytes[j++] = (unsigned char)(((c & 0x1F) << 6) | ((unsigned char)text[i + 1] & 0x3F));
      i += 2;
    } else {
      free(bytes);
      return bad_value(text, "binary string (code points above U+00FF)", err);
    }
  }
  md_code rc = md_column_append_bytes(column, bytes, (int64_t)j, err);
  free(bytes);
  return rc;
}

/* "[-+]digits[.digits][e[-+]digits]" scaled to `scale` digits after the point;
 * refuses values that would lose digits or exceed the precision. */
static md_code append_decimal(md_column *column, md_type type, const char *text, md_error *err) {
  const char *p = text;
  bool negative = false;
  if (*p == '-' || *p == '+') negative = *p++ == '-';
  __int128 unscaled = 0;
  int digits = 0, fraction_digits = 0;
  bool seen_point = false, any = false;
  const __int128 limit = (__int128)1 << 120;
  for (; *p; p++) {
    if (*p == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (*p < '0' || *p > '9') break;
    any = true;
    if (unscaled > limit) return bad_value(text, "decimal of the column's precision", err);
    unscaled = unscaled * 10 + (*p - '0');
    if (unscaled) digits++;
    if (seen_point) fraction_digits++;
  }
  long exponent = 0;
  if (*p == 'e' || *p == 'E') {
    char *end = NULL;
    errno = 0;
    exponent = strtol(p + 1, &end, 10);
    if (errno || end == p + 1 || exponent > 1000 || exponent < -1000) return bad_value(text, "decimal", err);
    p = end;
  }
  if (!any || *p != '\0') return bad_value(text, "decimal", err);
  long shift = (long)type.scale - fraction_digits + exponent;
  for (; shift > 0; shift--) {
    if (unscaled > limit) return bad_value(text, "decimal of the column's precision", err);
    unscaled *= 10;
  }
  for (; shift < 0; shift++) {
    if (unscaled % 10 != 0) return bad_value(text, "decimal of the column's scale", err);
    unscaled /= 10;
  }
  __int128 bound = 1;
  for (int i = 0; i < type.precision; i++) bound *= 10;
  if (unscaled >= bound) return bad_value(text, "decimal of the column's precision", err);
  (void)digits;
  if (negative) unscaled = -unscaled;
  unsigned __int128 bits = (unsigned __int128)unscaled;
  return md_column_append_decimal(column, (int64_t)(bits >> 64), (uint64_t)bits, err);
}

md_code delta_partition_value_append(md_column *column, const md_field *field, const char *text, md_error *err) {
  if (!text || !*text) return md_column_append_null(column, err);
  md_type type = md_field_type(field);
  md_code rc;
  int64_t v;
  switch (type.id) {
    case MD_TYPE_NULL: return md_column_append_null(column, err);
    case MD_TYPE_INT8: rc = append_integer(column, text, INT8_MIN, INT8_MAX, err); break;
    case MD_TYPE_INT16: rc = append_integer(column, text, INT16_MIN, INT16_MAX, err); break;
    case MD_TYPE_INT32: rc = append_integer(column, text, INT32_MIN, INT32_MAX, err); break;
    case MD_TYPE_INT64: rc = append_integer(column, text, INT64_MIN, INT64_MAX, err); break;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: rc = append_floating(column, text, err); break;
    case MD_TYPE_BOOL:
      if (strcmp(text, "true") == 0) rc = md_column_append_bool(column, true, err);
      else if (strcmp(text, "false") == 0) rc = md_column_append_bool(column, false, err);
      else rc = bad_value(text, "boolean", err);
      break;
    case MD_TYPE_UTF8: rc = md_column_append_bytes(column, text, (int64_t)strlen(text), err); break;
    case MD_TYPE_BINARY: rc = append_binary(column, text, err); break;
    case MD_TYPE_DATE32:
      rc = delta_parse_date(text, &v) ? md_column_append_int(column, v, err) : bad_value(text, "date", err);
      break;
    case MD_TYPE_TIMESTAMP:
      rc = delta_parse_timestamp_micros(text, &v) ? md_column_append_int(column, v, err)
                                                  : bad_value(text, "timestamp", err);
      break;
    case MD_TYPE_DECIMAL128: rc = append_decimal(column, type, text, err); break;
    default: {
      char name[64];
      md_type_to_string(type, name, sizeof name);
      rc = md_error_set(err, MD_ERR_UNSUPPORTED, "partition columns of type %s are not supported", name);
    }
  }
  if (rc != MD_OK) md_error_context(err, "partition column %s", md_field_name(field));
  return rc;
}
