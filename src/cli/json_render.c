/* json_render.c — canonical JSON for rows, values and scalars (see json_render.h
 * for the format's open choices).
 *
 * This is the inner loop of `medallion cat`, so values are formatted by hand into
 * small stack buffers (integers, dates) and appended with one reservation each;
 * printf is only used for the double round-trip search, where correctness of the
 * shortest representation matters more than speed. */
#include "cli/json_render.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ integers */

/* Writes the decimal digits of v (no NUL); returns the count. */
static size_t format_u64(uint64_t v, char *out) {
  char rev[20];
  size_t n = 0;
  do {
    rev[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = rev[n - 1 - i];
  return n;
}

static size_t format_i64(int64_t v, char *out) {
  if (v >= 0) return format_u64((uint64_t)v, out);
  out[0] = '-';
  /* 0 - (uint64_t)v is the magnitude even for INT64_MIN. */
  return 1 + format_u64(0 - (uint64_t)v, out + 1);
}

/* v as at least `width` digits, zero-padded on the left. */
static size_t format_padded(uint64_t v, int width, char *out) {
  char digits[20];
  size_t n = format_u64(v, digits);
  size_t pad = (size_t)width > n ? (size_t)width - n : 0;
  memset(out, '0', pad);
  memcpy(out + pad, digits, n);
  return pad + n;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* ------------------------------------------------------------- doubles */

static size_t copy_literal(char *out, const char *text) {
  size_t n = strlen(text);
  memcpy(out, text, n + 1);
  return n;
}

/* Finds the fewest significant digits (15..17 for normal doubles, any count for
 * subnormals) whose correctly rounded decimal parses back to value. For normal
 * doubles a 15-digit decimal that round-trips is unique in the rounding interval,
 * so trailing zeros stripped from it give the shortest representation. */
static void shortest_digits(double value, char *digits, int *num_digits, int *exponent) {
  char tmp[40];
  int first = fabs(value) < DBL_MIN ? 1 : 15;
  for (int precision = first; precision <= 17; precision++) {
    snprintf(tmp, sizeof tmp, "%.*e", precision - 1, value);
    if (precision == 17 || strtod(tmp, NULL) == value) break;
  }
  /* tmp is "[-]d.ddde[+-]xx" or "[-]de[+-]xx". */
  const char *p = tmp;
  if (*p == '-') p++;
  int n = 0;
  for (; *p && *p != 'e'; p++)
    if (*p != '.') digits[n++] = *p;
  while (n > 1 && digits[n - 1] == '0') n--;
  *num_digits = n;
  *exponent = atoi(p + 1);
}

size_t json_format_double(double value, char *out) {
  if (isnan(value)) return copy_literal(out, "\"NaN\"");
  if (isinf(value)) return copy_literal(out, value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  if (value == 0) return copy_literal(out, signbit(value) ? "-0.0" : "0.0");
  char digits[24];
  int k, exponent;
  shortest_digits(value, digits, &k, &exponent);
  size_t n = 0;
  if (value < 0) out[n++] = '-';
  int point = exponent + 1; /* digits before the decimal point */
  if (point >= k && point <= 21) {
    memcpy(out + n, digits, (size_t)k);
    n += (size_t)k;
    memset(out + n, '0', (size_t)(point - k));
    n += (size_t)(point - k);
    memcpy(out + n, ".0", 2);
    n += 2;
  } else if (point > 0 && point <= 21) {
    memcpy(out + n, digits, (size_t)point);
    n += (size_t)point;
    out[n++] = '.';
    memcpy(out + n, digits + point, (size_t)(k - point));
    n += (size_t)(k - point);
  } else if (point > -6 && point <= 0) {
    out[n++] = '0';
    out[n++] = '.';
    memset(out + n, '0', (size_t)(-point));
    n += (size_t)(-point);
    memcpy(out + n, digits, (size_t)k);
    n += (size_t)k;
  } else {
    out[n++] = digits[0];
    if (k > 1) {
      out[n++] = '.';
      memcpy(out + n, digits + 1, (size_t)(k - 1));
      n += (size_t)(k - 1);
    }
    out[n++] = 'e';
    out[n++] = exponent < 0 ? '-' : '+';
    n += format_u64((uint64_t)(exponent < 0 ? -exponent : exponent), out + n);
  }
  out[n] = '\0';
  return n;
}

/* ------------------------------------------------------------ decimals */

/* Decimal digits of a 128-bit magnitude, most significant first; returns count. */
static size_t format_u128(uint64_t high, uint64_t low, char *out) {
  /* Long division by 10^9 over four 32-bit limbs: each step's dividend
   * (remainder < 10^9) * 2^32 + limb stays below 2^62. */
  uint32_t limbs[4] = {(uint32_t)(high >> 32), (uint32_t)high, (uint32_t)(low >> 32), (uint32_t)low};
  uint32_t chunks[5]; /* 2^128 < 10^39, so at most five 9-digit chunks */
  int num_chunks = 0;
  for (;;) {
    uint64_t remainder = 0;
    bool nonzero = false;
    for (int i = 0; i < 4; i++) {
      uint64_t current = (remainder << 32) | limbs[i];
      limbs[i] = (uint32_t)(current / 1000000000u);
      remainder = current % 1000000000u;
      nonzero |= limbs[i] != 0;
    }
    chunks[num_chunks++] = (uint32_t)remainder;
    if (!nonzero) break;
  }
  size_t n = format_u64(chunks[num_chunks - 1], out);
  for (int i = num_chunks - 2; i >= 0; i--) n += format_padded(chunks[i], 9, out + n);
  return n;
}

size_t json_format_decimal128(int64_t high, uint64_t low, int scale, char *out) {
  if (scale < 0) scale = 0;
  if (scale > 76) scale = 76;
  bool negative = high < 0;
  uint64_t mag_high = (uint64_t)high, mag_low = low;
  if (negative) { /* two's complement negation over 128 bits */
    mag_low = ~low + 1;
    mag_high = ~(uint64_t)high + (mag_low == 0 ? 1 : 0);
  }
  char digits[40];
  size_t k = format_u128(mag_high, mag_low, digits);
  size_t n = 0;
  out[n++] = '"';
  if (negative) out[n++] = '-';
  if (scale == 0) {
    memcpy(out + n, digits, k);
    n += k;
  } else {
    size_t s = (size_t)scale;
    size_t integer_digits = k > s ? k - s : 0;
    if (integer_digits == 0) out[n++] = '0';
    memcpy(out + n, digits, integer_digits);
    n += integer_digits;
    out[n++] = '.';
    size_t zeros = s > k ? s - k : 0;
    memset(out + n, '0', zeros);
    n += zeros;
    memcpy(out + n, digits + integer_digits, k - integer_digits);
    n += k - integer_digits;
  }
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

/* -------------------------------------------------------- dates, times */

/* Writes YYYY-MM-DD (no quotes, no NUL). */
static size_t write_date(int64_t days, char *out) {
  int64_t year;
  int month, day;
  md_civil_from_days(days, &year, &month, &day);
  size_t n = 0;
  if (year < 0) out[n++] = '-';
  n += format_padded(year < 0 ? 0 - (uint64_t)year : (uint64_t)year, 4, out + n);
  out[n++] = '-';
  n += format_padded((uint64_t)month, 2, out + n);
  out[n++] = '-';
  n += format_padded((uint64_t)day, 2, out + n);
  return n;
}

/* Writes HH:MM:SS from seconds of day (hours may exceed 23 for odd TIME values). */
static size_t write_clock(uint64_t seconds, char *out) {
  size_t n = format_padded(seconds / 3600, 2, out);
  out[n++] = ':';
  n += format_padded(seconds / 60 % 60, 2, out + n);
  out[n++] = ':';
  n += format_padded(seconds % 60, 2, out + n);
  return n;
}

static int64_t ticks_per_second(md_time_unit unit) {
  switch (unit) {
    case MD_SECOND: return 1;
    case MD_MILLI: return 1000;
    case MD_MICRO: return 1000000;
    case MD_NANO: return 1000000000;
  }
  return 1;
}

/* The fraction of a second as 6 (or 9 for NANO) digits. */
static size_t write_fraction(int64_t fraction, md_time_unit unit, char *out) {
  out[0] = '.';
  if (unit == MD_NANO) return 1 + format_padded((uint64_t)fraction, 9, out + 1);
  int64_t micros = fraction * (1000000 / ticks_per_second(unit));
  return 1 + format_padded((uint64_t)micros, 6, out + 1);
}

size_t json_format_date(int64_t days, char *out) {
  size_t n = 0;
  out[n++] = '"';
  n += write_date(days, out + n);
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

size_t json_format_time(int64_t ticks, md_time_unit unit, char *out) {
  /* A time of day is never negative in valid data; a negative count prints as
   * "-" and the clock of its magnitude rather than as a wrapped value. */
  uint64_t magnitude = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
  uint64_t per_second = (uint64_t)ticks_per_second(unit);
  size_t n = 0;
  out[n++] = '"';
  if (ticks < 0) out[n++] = '-';
  n += write_clock(magnitude / per_second, out + n);
  if (magnitude % per_second != 0) n += write_fraction((int64_t)(magnitude % per_second), unit, out + n);
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

size_t json_format_timestamp(int64_t ticks, md_time_unit unit, bool utc, char *out) {
  int64_t per_second = ticks_per_second(unit);
  int64_t seconds = floor_div(ticks, per_second);
  int64_t fraction = ticks % per_second; /* not ticks - seconds * per_second: that overflows at INT64_MIN */
  if (fraction < 0) fraction += per_second;
  int64_t days = floor_div(seconds, 86400);
  int64_t second_of_day = seconds - days * 86400;
  size_t n = 0;
  out[n++] = '"';
  n += write_date(days, out + n);
  out[n++] = 'T';
  n += write_clock((uint64_t)second_of_day, out + n);
  n += write_fraction(fraction, unit, out + n);
  if (utc) out[n++] = 'Z';
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

/* ------------------------------------------------------ strings, bytes */

/* Length of the well-formed UTF-8 sequence starting at s (Unicode table 3-7), or
 * 0 if the bytes there are not one. */
static size_t utf8_sequence_length(const uint8_t *s, size_t available) {
  uint8_t b0 = s[0];
  uint8_t low = 0x80, high = 0xBF;
  size_t length;
  if (b0 >= 0xC2 && b0 <= 0xDF) length = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F; /* no UTF-16 surrogates */
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F; /* nothing above U+10FFFF */
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (s[1] < low || s[1] > high) return 0;
  for (size_t i = 2; i < length; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return length;
}

/* Bytes that print as themselves inside a JSON string. */
static inline bool is_plain_ascii(uint8_t c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void json_append_string(text_buf *out, const uint8_t *bytes, size_t length) {
  static const char hex_digits[] = "0123456789abcdef";
  /* Worst case: every byte becomes a 6-byte escape or a 3-byte U+FFFD. */
  if (length > (SIZE_MAX - 2) / 6 || !text_buf_reserve(out, length * 6 + 2)) return;
  char *p = out->data + out->length;
  *p++ = '"';
  size_t i = 0;
  while (i < length) {
    size_t run = i;
    while (run < length && is_plain_ascii(bytes[run])) run++;
    if (run > i) {
      memcpy(p, bytes + i, run - i);
      p += run - i;
      i = run;
      if (i == length) break;
    }
    uint8_t c = bytes[i];
    if (c >= 0x80) {
      size_t sequence = utf8_sequence_length(bytes + i, length - i);
      if (sequence) {
        memcpy(p, bytes + i, sequence);
        p += sequence;
        i += sequence;
      } else {
        memcpy(p, "\xEF\xBF\xBD", 3);
        p += 3;
        i++;
      }
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\b': *p++ = 'b'; break;
      case '\f': *p++ = 'f'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        memcpy(p, "u00", 3);
        p[3] = hex_digits[c >> 4];
        p[4] = hex_digits[c & 15];
        p += 5;
    }
    i++;
  }
  *p++ = '"';
  out->length = (size_t)(p - out->data);
}

void json_append_hex(text_buf *out, const uint8_t *bytes, size_t length) {
  static const char hex_digits[] = "0123456789abcdef";
  if (length > (SIZE_MAX - 2) / 2 || !text_buf_reserve(out, length * 2 + 2)) return;
  char *p = out->data + out->length;
  *p++ = '"';
  for (size_t i = 0; i < length; i++) {
    *p++ = hex_digits[bytes[i] >> 4];
    *p++ = hex_digits[bytes[i] & 15];
  }
  *p++ = '"';
  out->length = (size_t)(p - out->data);
}

/* ---------------------------------------------------------------- values */

static md_code out_of_memory(md_error *err) {
  return md_error_set(err, MD_ERR_NOMEM, "out of memory while rendering JSON");
}

/* The value at row of a flat column (not null, not nested, not an interval) as a
 * scalar, so that column values and statistics share one formatter. Bytes are
 * borrowed from the column. */
static md_code scalar_from_column(const md_column *column, md_type type, int64_t row, md_scalar *out,
                                  md_error *err) {
  const void *values = md_column_values(column);
  memset(out, 0, sizeof *out);
  out->type = type;
  switch (type.id) {
    case MD_TYPE_BOOL: out->v.b = md_bit_get(values, row); break;
    case MD_TYPE_INT8: out->v.i = ((const int8_t *)values)[row]; break;
    case MD_TYPE_INT16: out->v.i = ((const int16_t *)values)[row]; break;
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: out->v.i = ((const int32_t *)values)[row]; break;
    case MD_TYPE_INT64:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: out->v.i = ((const int64_t *)values)[row]; break;
    case MD_TYPE_UINT8: out->v.u = ((const uint8_t *)values)[row]; break;
    case MD_TYPE_UINT16: out->v.u = ((const uint16_t *)values)[row]; break;
    case MD_TYPE_UINT32: out->v.u = ((const uint32_t *)values)[row]; break;
    case MD_TYPE_UINT64: out->v.u = ((const uint64_t *)values)[row]; break;
    case MD_TYPE_FLOAT32: out->v.f = ((const float *)values)[row]; break;
    case MD_TYPE_FLOAT64: out->v.f = ((const double *)values)[row]; break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *offsets = md_column_offsets(column);
      int64_t start = offsets[row], end = offsets[row + 1];
      if (start < 0 || end < start || end > md_column_data_size(column))
        return md_error_set(err, MD_ERR_CORRUPT, "row %lld: offsets %lld..%lld outside data of %lld bytes",
                            (long long)row, (long long)start, (long long)end,
                            (long long)md_column_data_size(column));
      const uint8_t *data = md_column_data(column);
      out->v.bytes.ptr = data ? data + start : NULL;
      out->v.bytes.length = end - start;
      break;
    }
    case MD_TYPE_FIXED_BINARY:
      out->v.bytes.ptr = (const uint8_t *)values + (size_t)row * (size_t)type.byte_width;
      out->v.bytes.length = type.byte_width;
      break;
    case MD_TYPE_DECIMAL128: {
      const uint8_t *value = (const uint8_t *)values + (size_t)row * 16;
      uint64_t high;
      memcpy(&out->v.decimal.low, value, 8); /* little-endian halves, as Arrow stores them */
      memcpy(&high, value + 8, 8);
      out->v.decimal.high = (int64_t)high;
      break;
    }
    default:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "cannot render type id %d as JSON", (int)type.id);
  }
  return MD_OK;
}

/* {"months":m,"days":d,"millis":ms} from Arrow's month_day_nano layout. */
static void render_interval(text_buf *out, const md_column *column, int64_t row) {
  const uint8_t *value = (const uint8_t *)md_column_values(column) + (size_t)row * 16;
  int32_t months, days;
  int64_t nanos;
  memcpy(&months, value, 4);
  memcpy(&days, value + 4, 4);
  memcpy(&nanos, value + 8, 8);
  char text[3][24];
  size_t n[3] = {format_i64(months, text[0]), format_i64(days, text[1]),
                 format_i64(floor_div(nanos, 1000000), text[2])};
  text_buf_append(out, "{\"months\":", 10);
  text_buf_append(out, text[0], n[0]);
  text_buf_append(out, ",\"days\":", 8);
  text_buf_append(out, text[1], n[1]);
  text_buf_append(out, ",\"millis\":", 10);
  text_buf_append(out, text[2], n[2]);
  text_buf_append_char(out, '}');
}

/* [start, end) of row's entries in a LIST/MAP child, checked against the child. */
static md_code list_bounds(const md_column *column, const md_column *child, int64_t row, int64_t *start,
                           int64_t *end, md_error *err) {
  const int32_t *offsets = md_column_offsets(column);
  *start = offsets[row];
  *end = offsets[row + 1];
  if (*start < 0 || *end < *start || *end > md_column_length(child))
    return md_error_set(err, MD_ERR_CORRUPT, "row %lld: list offsets %lld..%lld outside child of length %lld",
                        (long long)row, (long long)*start, (long long)*end, (long long)md_column_length(child));
  return MD_OK;
}

static md_code render_nested(text_buf *out, const md_field *field, const md_column *column, md_type_id id,
                             int64_t row, md_error *err);

md_code json_render_value(text_buf *out, const md_field *field, const md_column *column, int64_t row,
                          md_error *err) {
  const uint8_t *validity = md_column_validity(column);
  md_type type = md_column_type(column);
  md_code code = MD_OK;
  if ((validity && !md_bit_get(validity, row)) || type.id == MD_TYPE_NULL) {
    text_buf_append(out, "null", 4);
  } else if (type.id == MD_TYPE_LIST || type.id == MD_TYPE_STRUCT || type.id == MD_TYPE_MAP) {
    code = render_nested(out, field, column, type.id, row, err);
  } else if (type.id == MD_TYPE_INTERVAL_MDN) {
    render_interval(out, column, row);
  } else {
    md_scalar value;
    code = scalar_from_column(column, type, row, &value, err);
    if (code == MD_OK) code = json_render_scalar(out, &value, err);
  }
  if (code != MD_OK) return code;
  return out->failed ? out_of_memory(err) : MD_OK;
}

/* Appends `"name":`. */
static void append_key(text_buf *out, const char *name) {
  json_append_string(out, (const uint8_t *)name, strlen(name));
  text_buf_append_char(out, ':');
}

static md_code render_nested(text_buf *out, const md_field *field, const md_column *column, md_type_id id,
                             int64_t row, md_error *err) {
  md_code code;
  if (id == MD_TYPE_STRUCT) {
    int children = md_column_num_children(column);
    if (field && md_field_num_children(field) != children)
      return md_error_set(err, MD_ERR_INTERNAL, "struct field %s has %d children, its column %d",
                          md_field_name(field), md_field_num_children(field), children);
    text_buf_append_char(out, '{');
    for (int i = 0; i < children; i++) {
      const md_field *child_field = field ? md_field_child(field, i) : NULL;
      if (i) text_buf_append_char(out, ',');
      if (child_field) append_key(out, md_field_name(child_field));
      else text_buf_printf(out, "\"f%d\":", i);
      code = json_render_value(out, child_field, md_column_child(column, i), row, err);
      if (code != MD_OK) return code;
    }
    text_buf_append_char(out, '}');
    return MD_OK;
  }
  const md_column *child = md_column_child(column, 0);
  const md_field *child_field = field && md_field_num_children(field) > 0 ? md_field_child(field, 0) : NULL;
  int64_t start, end;
  code = list_bounds(column, child, row, &start, &end, err);
  if (code != MD_OK) return code;
  text_buf_append_char(out, '[');
  for (int64_t i = start; i < end; i++) {
    if (i > start) text_buf_append_char(out, ',');
    if (id == MD_TYPE_LIST) {
      code = json_render_value(out, child_field, child, i, err);
      if (code != MD_OK) return code;
      continue;
    }
    /* MAP: child is struct<key, value>; the canonical form names them key/value
     * whatever the file called them. A null entry cannot occur in a valid map. */
    if (md_column_num_children(child) != 2)
      return md_error_set(err, MD_ERR_INTERNAL, "map entries have %d children, not 2",
                          md_column_num_children(child));
    const md_field *key_field = child_field ? md_field_child(child_field, 0) : NULL;
    const md_field *value_field = child_field ? md_field_child(child_field, 1) : NULL;
    text_buf_append(out, "{\"key\":", 7);
    code = json_render_value(out, key_field, md_column_child(child, 0), i, err);
    if (code != MD_OK) return code;
    text_buf_append(out, ",\"value\":", 9);
    code = json_render_value(out, value_field, md_column_child(child, 1), i, err);
    if (code != MD_OK) return code;
    text_buf_append_char(out, '}');
  }
  text_buf_append_char(out, ']');
  return MD_OK;
}

md_code json_render_row(text_buf *out, const md_batch *batch, int64_t row, md_error *err) {
  const md_schema *schema = md_batch_schema(batch);
  int columns = md_batch_num_columns(batch);
  text_buf_append_char(out, '{');
  for (int i = 0; i < columns; i++) {
    const md_field *field = md_schema_field(schema, i);
    if (i) text_buf_append_char(out, ',');
    append_key(out, md_field_name(field));
    md_code code = json_render_value(out, field, md_batch_column(batch, i), row, err);
    if (code != MD_OK) return md_error_context(err, "column %s", md_field_name(field));
  }
  text_buf_append_char(out, '}');
  return out->failed ? out_of_memory(err) : MD_OK;
}

/* ---------------------------------------------------------------- scalars */

md_code json_render_scalar(text_buf *out, const md_scalar *value, md_error *err) {
  char text[JSON_SCALAR_MAX];
  size_t n;
  md_type type = value->type;
  if (value->is_null || type.id == MD_TYPE_NULL) {
    n = copy_literal(text, "null");
  } else if (type.id == MD_TYPE_UTF8 || type.id == MD_TYPE_BINARY || type.id == MD_TYPE_FIXED_BINARY) {
    static const uint8_t empty[1] = {0}; /* a zero-length value may have no buffer */
    const uint8_t *bytes = value->v.bytes.ptr ? value->v.bytes.ptr : empty;
    size_t length = value->v.bytes.length > 0 ? (size_t)value->v.bytes.length : 0;
    if (type.id == MD_TYPE_UTF8) json_append_string(out, bytes, length);
    else json_append_hex(out, bytes, length);
    return out->failed ? out_of_memory(err) : MD_OK;
  } else {
    switch (type.id) {
      case MD_TYPE_BOOL: n = copy_literal(text, value->v.b ? "true" : "false"); break;
      case MD_TYPE_INT8:
      case MD_TYPE_INT16:
      case MD_TYPE_INT32:
      case MD_TYPE_INT64: n = format_i64(value->v.i, text); break;
      case MD_TYPE_UINT8:
      case MD_TYPE_UINT16:
      case MD_TYPE_UINT32:
      case MD_TYPE_UINT64: n = format_u64(value->v.u, text); break;
      case MD_TYPE_FLOAT32:
      case MD_TYPE_FLOAT64: n = json_format_double(value->v.f, text); break;
      case MD_TYPE_DATE32: n = json_format_date(value->v.i, text); break;
      case MD_TYPE_TIME32:
      case MD_TYPE_TIME64: n = json_format_time(value->v.i, type.unit, text); break;
      case MD_TYPE_TIMESTAMP: n = json_format_timestamp(value->v.i, type.unit, type.utc, text); break;
      case MD_TYPE_DECIMAL128:
        n = json_format_decimal128(value->v.decimal.high, value->v.decimal.low, type.scale, text);
        break;
      default:
        return md_error_set(err, MD_ERR_UNSUPPORTED, "cannot render a value of type id %d as JSON",
                            (int)type.id);
    }
  }
  text_buf_append(out, text, n);
  return out->failed ? out_of_memory(err) : MD_OK;
}
