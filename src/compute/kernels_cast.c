/* kernels_cast.c — converting a column to another type, checking that every
 * (non-null) value fits and naming the first one that does not.
 *
 * Numbers travel through one canonical array per family — int64 for integers,
 * dates and timestamps, double for floats, 128-bit unscaled values for
 * decimals — loaded and stored by width-specialised loops. That keeps the cast
 * matrix small without a per-row switch on the type. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compute_internal.h"

typedef struct cast_ctx {
  const md_column *in;
  md_type to;
  const uint8_t *valid; /* NULL: every row valid */
  int64_t n;
  md_error *err;
} cast_ctx;

static bool row_valid(const cast_ctx *c, int64_t i) { return !c->valid || md_bit_get(c->valid, i); }

static md_code does_not_fit(const cast_ctx *c, int64_t row, const char *value_text) {
  char to[64];
  md_type_to_string(c->to, to, sizeof to);
  return md_error_set(c->err, MD_ERR_OVERFLOW, "cast: row %" PRId64 ": %s does not fit in %s", row, value_text, to);
}

static md_code value_does_not_fit(const cast_ctx *c, int64_t row) {
  char text[128];
  column_format_value(c->in, row, text, sizeof text);
  return does_not_fit(c, row, text);
}

static md_code not_parsable(const cast_ctx *c, int64_t row) {
  char text[128], to[64];
  column_format_value(c->in, row, text, sizeof text);
  md_type_to_string(c->to, to, sizeof to);
  return md_error_set(c->err, MD_ERR_INVALID, "cast: row %" PRId64 ": %s is not a valid %s", row, text, to);
}

static int64_t units_per_day(md_time_unit unit) {
  static const int64_t per_day[] = {86400, 86400000, 86400000000, 86400000000000};
  return per_day[unit];
}

static int64_t units_per_second(md_time_unit unit) {
  static const int64_t per_second[] = {1, 1000, 1000000, 1000000000};
  return per_second[unit];
}

/* ------------------------------------------------------------ parsing text */

static bool parse_int(const uint8_t *s, int64_t len, int64_t *out) {
  int64_t i = 0;
  bool negative = false;
  if (i < len && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == len) return false;
  uint64_t v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (negative ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return false;
  *out = negative ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

/* "[-+]digits[.digits]" at scale, rounding extra fraction digits half away from zero. */
static bool parse_decimal(const uint8_t *s, int64_t len, int scale, i128 *out) {
  int64_t i = 0;
  bool negative = false, any = false;
  if (i < len && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  i128 v = 0, limit = dec_pow10(38);
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = true) {
    v = v * 10 + (s[i] - '0');
    if (v >= limit) return false;
  }
  int digits = 0;
  bool round_up = false;
  if (i < len && s[i] == '.') {
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = true) {
      if (digits < scale) {
        v = v * 10 + (s[i] - '0');
        if (v >= limit) return false;
        digits++;
      } else if (digits == scale) {
        round_up = s[i] >= '5';
        digits++;
      }
    }
  }
  if (i != len || !any) return false;
  for (int d = digits; d < scale; d++) {
    v *= 10;
    if (v >= limit) return false;
  }
  if (round_up) v += 1;
  *out = negative ? -v : v;
  return true;
}

static bool parse_digits(const uint8_t *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static bool valid_civil(int year, int month, int day) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap);
}

/* "YYYY-MM-DD" → days. */
static bool parse_date(const uint8_t *s, int64_t len, int64_t *out) {
  int y, m, d;
  if (len != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!parse_digits(s, 4, &y) || !parse_digits(s + 5, 2, &m) || !parse_digits(s + 8, 2, &d)) return false;
  if (!valid_civil(y, m, d)) return false;
  *out = days_from_civil(y, m, d);
  return true;
}

/* "YYYY-MM-DD[ T]HH:MM:SS[.fraction]" → units since the epoch. */
static bool parse_timestamp(const uint8_t *s, int64_t len, md_time_unit unit, int64_t *out) {
  int64_t days;
  if (len < 10 || !parse_date(s, 10, &days)) return false;
  int64_t v = days * units_per_day(unit);
  if (len == 10) {
    *out = v;
    return true;
  }
  int h, mi, se;
  if (len < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
  if (!parse_digits(s + 11, 2, &h) || !parse_digits(s + 14, 2, &mi) || !parse_digits(s + 17, 2, &se)) return false;
  if (h > 23 || mi > 59 || se > 59) return false;
  v += ((int64_t)h * 3600 + mi * 60 + se) * units_per_second(unit);
  if (len > 19) {
    if (s[19] != '.' || len == 20) return false;
    int64_t per = units_per_second(unit), frac = 0, scale = 1;
    for (int64_t i = 20; i < len; i++) {
      if (s[i] < '0' || s[i] > '9') return false;
      if (scale < per) {
        frac = frac * 10 + (s[i] - '0');
        scale *= 10;
      }
    }
    v += frac * (per / scale);
  }
  *out = v;
  return true;
}

/* Digits with an optional sign: a parse failure then means "too large". */
static bool looks_integer(const uint8_t *s, int64_t len) {
  int64_t i = len > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == len) return false;
  for (; i < len; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* ------------------------------------------------------ canonical loading */

/* Integers, bools, dates, times and timestamps as int64 (raw encodings). */
static md_code load_int64(const cast_ctx *c, int64_t *dst) {
  const md_column *in = c->in;
  const uint8_t *v = md_column_values(in);
  int64_t n = c->n;
  md_type from = md_column_type(in);
  switch (from.id) {
    case MD_TYPE_BOOL:
      for (int64_t i = 0; i < n; i++) dst[i] = md_bit_get(v, i);
      return MD_OK;
    case MD_TYPE_INT8: for (int64_t i = 0; i < n; i++) dst[i] = ((const int8_t *)v)[i]; return MD_OK;
    case MD_TYPE_INT16: for (int64_t i = 0; i < n; i++) dst[i] = ((const int16_t *)v)[i]; return MD_OK;
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: for (int64_t i = 0; i < n; i++) dst[i] = ((const int32_t *)v)[i]; return MD_OK;
    case MD_TYPE_INT64:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: if (n > 0) memcpy(dst, v, (size_t)n * 8); return MD_OK;
    case MD_TYPE_UINT8: for (int64_t i = 0; i < n; i++) dst[i] = ((const uint8_t *)v)[i]; return MD_OK;
    case MD_TYPE_UINT16: for (int64_t i = 0; i < n; i++) dst[i] = ((const uint16_t *)v)[i]; return MD_OK;
    case MD_TYPE_UINT32: for (int64_t i = 0; i < n; i++) dst[i] = ((const uint32_t *)v)[i]; return MD_OK;
    case MD_TYPE_UINT64:
      for (int64_t i = 0; i < n; i++) {
        uint64_t u = ((const uint64_t *)v)[i];
        if (u > INT64_MAX && row_valid(c, i)) return value_does_not_fit(c, i);
        dst[i] = (int64_t)u;
      }
      return MD_OK;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64:
      for (int64_t i = 0; i < n; i++) {
        double f = from.id == MD_TYPE_FLOAT32 ? ((const float *)v)[i] : ((const double *)v)[i];
        if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) {
          if (row_valid(c, i)) return value_does_not_fit(c, i);
          f = 0;
        }
        dst[i] = (int64_t)f; /* truncates toward zero */
      }
      return MD_OK;
    case MD_TYPE_DECIMAL128: {
      i128 div = dec_pow10(from.scale);
      for (int64_t i = 0; i < n; i++) {
        i128 q = dec_load(v + i * 16) / div;
        if ((q > INT64_MAX || q < INT64_MIN) && row_valid(c, i)) return value_does_not_fit(c, i);
        dst[i] = (int64_t)q;
      }
      return MD_OK;
    }
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *off = md_column_offsets(in);
      const uint8_t *data = column_bytes(in);
      md_type to = c->to;
      for (int64_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (!row_valid(c, i)) continue;
        const uint8_t *s = data + off[i];
        int64_t len = off[i + 1] - off[i];
        bool ok;
        if (to.id == MD_TYPE_DATE32) ok = parse_date(s, len, &dst[i]);
        else if (to.id == MD_TYPE_TIMESTAMP) ok = parse_timestamp(s, len, to.unit, &dst[i]);
        else if (to.id == MD_TYPE_BOOL) {
          ok = (len == 4 && !memcmp(s, "true", 4)) || (len == 5 && !memcmp(s, "false", 5));
          dst[i] = len == 4;
        } else ok = parse_int(s, len, &dst[i]);
        if (!ok) return looks_integer(s, len) && type_is_int(to) ? value_does_not_fit(c, i) : not_parsable(c, i);
      }
      return MD_OK;
    }
    default: break;
  }
  return md_error_set(c->err, MD_ERR_INTERNAL, "cast: no integer form");
}

static md_code load_double(const cast_ctx *c, double *dst) {
  const uint8_t *v = md_column_values(c->in);
  md_type from = md_column_type(c->in);
  int64_t n = c->n;
  if (from.id == MD_TYPE_FLOAT64) {
    if (n > 0) memcpy(dst, v, (size_t)n * 8);
  } else if (from.id == MD_TYPE_FLOAT32) {
    for (int64_t i = 0; i < n; i++) dst[i] = ((const float *)v)[i];
  } else if (from.id == MD_TYPE_DECIMAL128) {
    double div = (double)dec_pow10(from.scale);
    for (int64_t i = 0; i < n; i++) dst[i] = (double)dec_load(v + i * 16) / div;
  } else if (md_type_is_variable(from)) {
    const int32_t *off = md_column_offsets(c->in);
    const uint8_t *data = column_bytes(c->in);
    for (int64_t i = 0; i < n; i++) {
      dst[i] = 0;
      if (!row_valid(c, i)) continue;
      char buf[128];
      int64_t len = off[i + 1] - off[i];
      if (len == 0 || len >= (int64_t)sizeof buf) return not_parsable(c, i);
      memcpy(buf, data + off[i], (size_t)len);
      buf[len] = '\0';
      char *end;
      dst[i] = strtod(buf, &end);
      if (*end != '\0' || buf[0] == ' ' || buf[0] == '\t') return not_parsable(c, i);
    }
  } else {
    int64_t *ints = malloc((size_t)(n > 0 ? n : 1) * sizeof *ints);
    if (!ints) return md_error_set(c->err, MD_ERR_NOMEM, "cast: out of memory");
    md_code code = load_int64(c, ints);
    for (int64_t i = 0; code == MD_OK && i < n; i++) dst[i] = (double)ints[i];
    free(ints);
    return code;
  }
  return MD_OK;
}

/* Unscaled values at the target decimal's scale. */
static md_code load_i128(const cast_ctx *c, i128 *dst) {
  const uint8_t *v = md_column_values(c->in);
  md_type from = md_column_type(c->in);
  int scale = c->to.scale;
  int64_t n = c->n;
  if (from.id == MD_TYPE_DECIMAL128) {
    if (from.scale <= scale) {
      i128 mul = dec_pow10(scale - from.scale), limit = dec_pow10(38) / mul;
      for (int64_t i = 0; i < n; i++) {
        i128 x = dec_load(v + i * 16);
        bool fits = x < limit && x > -limit;
        if (!fits && row_valid(c, i)) return value_does_not_fit(c, i);
        dst[i] = fits ? x * mul : 0;
      }
    } else {
      i128 div = dec_pow10(from.scale - scale), half = div / 2;
      for (int64_t i = 0; i < n; i++) {
        i128 x = dec_load(v + i * 16), q = x / div, r = x % div;
        if (r >= half && r > 0) q++; /* half away from zero */
        else if (r <= -half && r < 0) q--;
        dst[i] = q;
      }
    }
    return MD_OK;
  }
  if (type_is_float(from)) {
    double mul = (double)dec_pow10(scale), limit = 1e38;
    for (int64_t i = 0; i < n; i++) {
      double f = (from.id == MD_TYPE_FLOAT32 ? ((const float *)v)[i] : ((const double *)v)[i]) * mul;
      if (!(f < limit && f > -limit)) {
        if (row_valid(c, i)) return value_does_not_fit(c, i);
        f = 0;
      }
      dst[i] = (i128)round(f);
    }
    return MD_OK;
  }
  if (md_type_is_variable(from)) {
    const int32_t *off = md_column_offsets(c->in);
    const uint8_t *data = column_bytes(c->in);
    for (int64_t i = 0; i < n; i++) {
      dst[i] = 0;
      if (row_valid(c, i) && !parse_decimal(data + off[i], off[i + 1] - off[i], scale, &dst[i]))
        return not_parsable(c, i);
    }
    return MD_OK;
  }
  int64_t *ints = malloc((size_t)(n > 0 ? n : 1) * sizeof *ints);
  if (!ints) return md_error_set(c->err, MD_ERR_NOMEM, "cast: out of memory");
  md_code code = load_int64(c, ints);
  i128 mul = dec_pow10(scale), limit = dec_pow10(38) / mul;
  for (int64_t i = 0; code == MD_OK && i < n; i++) {
    bool fits = (i128)ints[i] < limit && (i128)ints[i] > -limit;
    if (!fits && row_valid(c, i)) code = value_does_not_fit(c, i);
    dst[i] = fits ? (i128)ints[i] * mul : 0;
  }
  free(ints);
  return code;
}

/* ------------------------------------------------------------------ storing */

static md_code store_int(const cast_ctx *c, const int64_t *src, void *values) {
  int64_t n = c->n, lo, hi;
  switch (c->to.id) {
    case MD_TYPE_INT8: lo = INT8_MIN, hi = INT8_MAX; break;
    case MD_TYPE_INT16: lo = INT16_MIN, hi = INT16_MAX; break;
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: lo = INT32_MIN, hi = INT32_MAX; break;
    case MD_TYPE_UINT8: lo = 0, hi = UINT8_MAX; break;
    case MD_TYPE_UINT16: lo = 0, hi = UINT16_MAX; break;
    case MD_TYPE_UINT32: lo = 0, hi = UINT32_MAX; break;
    case MD_TYPE_UINT64: lo = 0, hi = INT64_MAX; break;
    default: lo = INT64_MIN, hi = INT64_MAX; break;
  }
  for (int64_t i = 0; i < n; i++)
    if ((src[i] < lo || src[i] > hi) && row_valid(c, i)) return value_does_not_fit(c, i);
  int width = md_type_fixed_width(c->to);
#define STORE(T) for (int64_t i = 0; i < n; i++) ((T *)values)[i] = (T)src[i];
  if (width == 1) STORE(uint8_t)
  else if (width == 2) STORE(uint16_t)
  else if (width == 4) STORE(uint32_t)
  else if (n > 0) memcpy(values, src, (size_t)n * 8);
#undef STORE
  return MD_OK;
}

/* Text of one valid row for casts to utf8 (no quotes, ISO dates). */
static int format_plain(const md_column *in, int64_t i, char *buf, size_t size) {
  md_scalar v = column_scalar_at(in, i);
  md_type t = v.type;
  int64_t y;
  int m, d;
  switch (t.id) {
    case MD_TYPE_BOOL: return snprintf(buf, size, "%s", v.v.b ? "true" : "false");
    case MD_TYPE_FLOAT32: return snprintf(buf, size, "%.9g", v.v.f);
    case MD_TYPE_FLOAT64: return snprintf(buf, size, "%.17g", v.v.f);
    case MD_TYPE_UINT8:
    case MD_TYPE_UINT16:
    case MD_TYPE_UINT32:
    case MD_TYPE_UINT64: return snprintf(buf, size, "%" PRIu64, v.v.u);
    case MD_TYPE_DECIMAL128:
      dec_format((i128)(((u128)(uint64_t)v.v.decimal.high << 64) | v.v.decimal.low), t.scale, buf, size);
      return (int)strlen(buf);
    case MD_TYPE_DATE32:
      civil_from_days(v.v.i, &y, &m, &d);
      return snprintf(buf, size, "%04" PRId64 "-%02d-%02d", y, m, d);
    case MD_TYPE_TIMESTAMP: {
      int64_t per_day = units_per_day(t.unit), days = floor_div(v.v.i, per_day), rest = v.v.i - days * per_day;
      int64_t per_second = units_per_second(t.unit), seconds = rest / per_second, frac = rest % per_second;
      civil_from_days(days, &y, &m, &d);
      int len = snprintf(buf, size, "%04" PRId64 "-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(seconds / 3600),
                         (int)(seconds / 60 % 60), (int)(seconds % 60));
      static const int widths[] = {0, 3, 6, 9};
      if (frac && len > 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, ".%0*" PRId64, widths[t.unit], frac);
      return len;
    }
    default: return snprintf(buf, size, "%" PRId64, v.v.i);
  }
}

static md_code cast_to_string(const cast_ctx *c, md_column **out) {
  md_type from = md_column_type(c->in);
  int64_t n = c->n;
  if (md_type_is_variable(from)) {
    md_column *result = column_begin(c->to, n, md_column_data_size(c->in), c->err);
    if (!result) return c->err ? c->err->code : MD_ERR_NOMEM;
    if (n > 0) {
      memcpy(md_column_offsets_mut(result), md_column_offsets(c->in), (size_t)(n + 1) * 4);
      memcpy(md_column_data_mut(result), column_bytes(c->in), (size_t)md_column_data_size(c->in));
    }
    md_code code = column_finish(result, n, md_column_validity(c->in), c->err);
    if (code != MD_OK) md_column_free(result);
    else *out = result;
    return code;
  }
  md_column *result = column_begin(c->to, n, n * 24, c->err);
  if (!result) return c->err ? c->err->code : MD_ERR_NOMEM;
  int32_t *off = md_column_offsets_mut(result);
  int32_t pos = 0;
  off[0] = 0;
  md_code code = MD_OK;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (row_valid(c, i)) {
      char buf[64];
      int len = format_plain(c->in, i, buf, sizeof buf);
      if (len < 0) len = 0;
      if (len > (int)sizeof buf - 1) len = (int)sizeof buf - 1;
      code = md_column_reserve(result, 0, len, c->err); /* n*24 usually suffices */
      off = md_column_offsets_mut(result);
      if (code == MD_OK) memcpy(md_column_data_mut(result) + pos, buf, (size_t)len);
      pos += len;
    }
    off[i + 1] = pos;
  }
  if (code == MD_OK) code = column_finish(result, n, c->valid, c->err);
  if (code != MD_OK) md_column_free(result);
  else *out = result;
  return code;
}

static bool is_intlike(md_type t) {
  return type_is_int(t) || t.id == MD_TYPE_BOOL || t.id == MD_TYPE_DATE32 || t.id == MD_TYPE_TIME32 ||
         t.id == MD_TYPE_TIME64 || t.id == MD_TYPE_TIMESTAMP;
}

md_code kernel_cast(const md_column *in, md_type to, md_column **out, md_error *err) {
  md_type from = md_column_type(in);
  int64_t n = md_column_length(in);
  if (md_type_equal(from, to)) {
    *out = md_column_ref((md_column *)in);
    return MD_OK;
  }
  char from_name[64], to_name[64];
  md_type_to_string(from, from_name, sizeof from_name);
  md_type_to_string(to, to_name, sizeof to_name);
  if (from.id == MD_TYPE_NULL || md_column_null_count(in) == n) {
    md_column *result = md_column_new(to);
    if (!result) return md_error_set(err, MD_ERR_NOMEM, "cast: out of memory");
    md_code code = md_column_append_nulls(result, n, err);
    if (code != MD_OK) {
      md_column_free(result);
      return code;
    }
    *out = result;
    return MD_OK;
  }
  cast_ctx c = {in, to, md_column_validity(in), n, err};
  bool from_string = md_type_is_variable(from);
  if (to.id == MD_TYPE_UTF8 || to.id == MD_TYPE_BINARY) {
    if (md_type_is_nested(from) || from.id == MD_TYPE_FIXED_BINARY || from.id == MD_TYPE_INTERVAL_MDN) goto unsupported;
    return cast_to_string(&c, out);
  }
  md_column *result = (md_type_is_nested(to) || to.id == MD_TYPE_FIXED_BINARY || to.id == MD_TYPE_INTERVAL_MDN ||
                       md_type_is_nested(from) || from.id == MD_TYPE_FIXED_BINARY || from.id == MD_TYPE_INTERVAL_MDN)
                          ? NULL
                          : column_begin(to, n, 0, err);
  if (!result) {
    if (err && err->code == MD_ERR_NOMEM) return MD_ERR_NOMEM;
    goto unsupported;
  }
  void *values = md_column_values_mut(result);
  size_t count = (size_t)(n > 0 ? n : 1);
  md_code code = MD_OK;
  if (type_is_float(to)) {
    double *tmp = malloc(count * sizeof *tmp);
    if (!tmp) code = md_error_set(err, MD_ERR_NOMEM, "cast: out of memory");
    else if ((code = load_double(&c, tmp)) == MD_OK) {
      if (to.id == MD_TYPE_FLOAT64) memcpy(values, tmp, (size_t)n * 8);
      else for (int64_t i = 0; i < n; i++) ((float *)values)[i] = (float)tmp[i];
    }
    free(tmp);
  } else if (to.id == MD_TYPE_DECIMAL128) {
    i128 *tmp = malloc(count * sizeof *tmp);
    if (!tmp) code = md_error_set(err, MD_ERR_NOMEM, "cast: out of memory");
    else if (!is_intlike(from) && !type_is_float(from) && from.id != MD_TYPE_DECIMAL128 && !from_string) code = MD_ERR_UNSUPPORTED;
    else if ((code = load_i128(&c, tmp)) == MD_OK) {
      for (int64_t i = 0; i < n && code == MD_OK; i++) {
        if (!dec_fits(tmp[i], to.precision) && row_valid(&c, i)) code = value_does_not_fit(&c, i);
        else dec_store((uint8_t *)values + i * 16, tmp[i]);
      }
    }
    free(tmp);
  } else if (is_intlike(to)) {
    int64_t *tmp = malloc(count * sizeof *tmp);
    bool date_to_ts = from.id == MD_TYPE_DATE32 && to.id == MD_TYPE_TIMESTAMP;
    bool ts_to_date = from.id == MD_TYPE_TIMESTAMP && to.id == MD_TYPE_DATE32;
    bool ts_to_ts = from.id == MD_TYPE_TIMESTAMP && to.id == MD_TYPE_TIMESTAMP;
    if (!tmp) code = md_error_set(err, MD_ERR_NOMEM, "cast: out of memory");
    else if ((code = load_int64(&c, tmp)) == MD_OK) {
      if (date_to_ts) {
        int64_t per = units_per_day(to.unit), limit = INT64_MAX / per;
        for (int64_t i = 0; i < n && code == MD_OK; i++) {
          if ((tmp[i] > limit || tmp[i] < -limit) && row_valid(&c, i)) code = value_does_not_fit(&c, i);
          else tmp[i] *= per;
        }
      } else if (ts_to_date) {
        int64_t per = units_per_day(from.unit);
        for (int64_t i = 0; i < n; i++) tmp[i] = floor_div(tmp[i], per);
      } else if (ts_to_ts) {
        int64_t f = units_per_second(from.unit), t = units_per_second(to.unit);
        for (int64_t i = 0; i < n && code == MD_OK; i++) {
          if (t >= f) {
            int64_t m = t / f;
            if ((tmp[i] > INT64_MAX / m || tmp[i] < INT64_MIN / m) && row_valid(&c, i)) code = value_does_not_fit(&c, i);
            else tmp[i] *= m;
          } else {
            tmp[i] = floor_div(tmp[i], f / t);
          }
        }
      }
      if (code == MD_OK && to.id == MD_TYPE_BOOL) {
        memset(values, 0, (size_t)bits_bytes(n));
        for (int64_t i = 0; i < n; i++)
          if (tmp[i] != 0) md_bit_set(values, i);
      } else if (code == MD_OK) {
        code = store_int(&c, tmp, values);
      }
    }
    free(tmp);
  } else {
    code = MD_ERR_UNSUPPORTED;
  }
  if (code == MD_OK) code = column_finish(result, n, c.valid, err);
  if (code != MD_OK) {
    md_column_free(result);
    if (code == MD_ERR_UNSUPPORTED) goto unsupported;
    return code;
  }
  *out = result;
  return MD_OK;
unsupported:
  return md_error_set(err, MD_ERR_UNSUPPORTED, "cast: %s to %s is not supported", from_name, to_name);
}
