/* kernels_date.c — calendar functions over date32 (and the date part of
 * timestamps): year, month, first of month, days between, add days, whole
 * years between.
 *
 * Civil-date conversion uses the well-known era arithmetic on the proleptic
 * Gregorian calendar (400-year cycles of 146097 days), which is exact for every
 * int32 day and needs no tables. */
#include <stdlib.h>

#include "compute_internal.h"

void civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = yoe + era * 400 + (m <= 2);
  *month = (int)m;
  *day = (int)d;
}

int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2;
  int64_t era = floor_div(year, 400);
  int64_t yoe = year - era * 400;
  int64_t mp = month > 2 ? month - 3 : month + 9;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t temporal_days(md_type type, int64_t value) {
  static const int64_t per_day[] = {86400, 86400000, 86400000000, 86400000000000};
  return type.id == MD_TYPE_TIMESTAMP ? floor_div(value, per_day[type.unit]) : value;
}

/* Days of each row (date32 or timestamp) into dst. */
static void load_days(const md_column *a, int64_t *dst, int64_t n) {
  md_type type = md_column_type(a);
  const void *v = md_column_values(a);
  if (type.id == MD_TYPE_DATE32)
    for (int64_t i = 0; i < n; i++) dst[i] = ((const int32_t *)v)[i];
  else
    for (int64_t i = 0; i < n; i++) dst[i] = temporal_days(type, ((const int64_t *)v)[i]);
}

md_code kernel_date_unary(expr_op op, const md_column *a, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  int64_t *days = malloc((size_t)(n > 0 ? n : 1) * sizeof *days);
  md_column *column = column_begin(md_type_make(op == EXPR_FIRST_OF_MONTH ? MD_TYPE_DATE32 : MD_TYPE_INT32), n, 0, err);
  if (!days || !column) {
    free(days);
    md_column_free(column);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", expr_op_name(op));
  }
  load_days(a, days, n);
  int32_t *r = md_column_values_mut(column);
  for (int64_t i = 0; i < n; i++) {
    int64_t y;
    int m, d;
    civil_from_days(days[i], &y, &m, &d);
    r[i] = op == EXPR_YEAR ? (int32_t)y : op == EXPR_MONTH ? m : (int32_t)(days[i] - (d - 1));
  }
  free(days);
  return column_finish_out(column, n, md_column_validity(a), out, err);
}

md_code kernel_date_binary(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  uint8_t *bits = NULL;
  md_code code = bits_and(a, b, n, &bits, err);
  if (code != MD_OK) return code;
  int64_t *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
  int64_t *y = malloc((size_t)(n > 0 ? n : 1) * sizeof *y);
  md_column *column = column_begin(md_type_make(op == EXPR_ADD_DAYS ? MD_TYPE_DATE32 : MD_TYPE_INT32), n, 0, err);
  if (!x || !y || !column) {
    free(x);
    free(y);
    free(bits);
    md_column_free(column);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", expr_op_name(op));
  }
  load_days(a, x, n);
  if (op == EXPR_ADD_DAYS) {
    if (n > 0) memcpy(y, md_column_values(b), (size_t)n * 8);
  } else {
    load_days(b, y, n);
  }
  int32_t *r = md_column_values_mut(column);
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    int64_t v;
    if (bits && !md_bit_get(bits, i)) {
      r[i] = 0; /* values under nulls may be anything: never compute with them */
      continue;
    }
    if (op == EXPR_YEARS_BETWEEN) {
      int64_t y0, y1;
      int m0, d0, m1, d1;
      civil_from_days(x[i], &y0, &m0, &d0);
      civil_from_days(y[i], &y1, &m1, &d1);
      /* Minus one when the end's (month, day) is before the start's: a 29 Feb
       * start is thus reached on 1 March in common years (PIPELINE.md §3). */
      v = y1 - y0 - (m1 < m0 || (m1 == m0 && d1 < d0));
    } else if (op == EXPR_DAYS_BETWEEN) {
      v = y[i] - x[i];
    } else if (__builtin_add_overflow(x[i], y[i], &v)) {
      v = INT64_MAX;
    }
    if (v > INT32_MAX || v < INT32_MIN) {
      code = md_error_set(err, MD_ERR_OVERFLOW, "%s: row %lld: result %lld does not fit in %s", expr_op_name(op),
                          (long long)i, (long long)v, op == EXPR_ADD_DAYS ? "date32" : "int32");
    }
    r[i] = (int32_t)v;
  }
  free(x);
  free(y);
  if (code != MD_OK) {
    free(bits);
    md_column_free(column);
    return code;
  }
  code = column_finish_out(column, n, bits, out, err);
  free(bits);
  return code;
}
