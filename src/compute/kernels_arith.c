/* kernels_arith.c — +, -, *, / and negation over int64, float64 and decimal128
 * columns (expr_eval.c has already coerced the operands).
 *
 * Overflow is detected with the compiler's checked-arithmetic builtins in a
 * branch-free first pass that only ORs a flag; the rare second pass finds the
 * first valid row that overflowed so the error can name its operands. Values
 * under null slots take part in the first pass but never cause an error. */
#include <inttypes.h>
#include <stdlib.h>

#include "compute_internal.h"

static bool valid_at(const uint8_t *bits, int64_t i) { return !bits || md_bit_get(bits, i); }

static md_code overflow_error(expr_op op, const md_column *a, const md_column *b, int64_t row, md_type result,
                              md_error *err) {
  char x[96], y[96] = "", type[64];
  column_format_value(a, row, x, sizeof x);
  if (b) column_format_value(b, row, y, sizeof y);
  md_type_to_string(result, type, sizeof type);
  if (op == EXPR_NEG)
    return md_error_set(err, MD_ERR_OVERFLOW, "negate: row %" PRId64 ": -%s does not fit in %s", row, x, type);
  return md_error_set(err, MD_ERR_OVERFLOW, "%s: row %" PRId64 ": %s %s %s does not fit in %s", expr_op_name(op), row,
                      x, expr_op_name(op), y, type);
}

static md_code int64_arith(expr_op op, const int64_t *a, const int64_t *b, int64_t *r, int64_t n, bool *overflow) {
  bool any = false;
  switch (op) {
    case EXPR_ADD: for (int64_t i = 0; i < n; i++) any |= __builtin_add_overflow(a[i], b[i], &r[i]); break;
    case EXPR_SUB: for (int64_t i = 0; i < n; i++) any |= __builtin_sub_overflow(a[i], b[i], &r[i]); break;
    case EXPR_MUL: for (int64_t i = 0; i < n; i++) any |= __builtin_mul_overflow(a[i], b[i], &r[i]); break;
    case EXPR_NEG: for (int64_t i = 0; i < n; i++) any |= __builtin_sub_overflow((int64_t)0, a[i], &r[i]); break;
    default: return MD_ERR_INTERNAL;
  }
  *overflow = any;
  return MD_OK;
}

static bool int64_overflows(expr_op op, int64_t a, int64_t b) {
  int64_t r;
  switch (op) {
    case EXPR_ADD: return __builtin_add_overflow(a, b, &r);
    case EXPR_SUB: return __builtin_sub_overflow(a, b, &r);
    case EXPR_MUL: return __builtin_mul_overflow(a, b, &r);
    default: return __builtin_sub_overflow((int64_t)0, a, &r);
  }
}

static void float64_arith(expr_op op, const double *a, const double *b, double *r, int64_t n) {
  switch (op) {
    case EXPR_ADD: for (int64_t i = 0; i < n; i++) r[i] = a[i] + b[i]; break;
    case EXPR_SUB: for (int64_t i = 0; i < n; i++) r[i] = a[i] - b[i]; break;
    case EXPR_MUL: for (int64_t i = 0; i < n; i++) r[i] = a[i] * b[i]; break;
    case EXPR_DIV: for (int64_t i = 0; i < n; i++) r[i] = b[i] != 0 ? a[i] / b[i] : 0; break;
    default: for (int64_t i = 0; i < n; i++) r[i] = -a[i]; break;
  }
}

/* Decimal operands are at most 38 digits, so + and - cannot leave i128; only
 * the precision check can fail. * can leave i128 and is checked for that too. */
static bool decimal_op(expr_op op, i128 a, i128 b, int precision, i128 *r) {
  switch (op) {
    case EXPR_ADD: *r = a + b; break;
    case EXPR_SUB: *r = a - b; break;
    case EXPR_NEG: *r = -a; break;
    default:
      if (__builtin_mul_overflow(a, b, r)) return false;
      break;
  }
  return dec_fits(*r, precision);
}

md_code kernel_arith(expr_op op, const md_column *a, const md_column *b, md_type result, md_column **out,
                     md_error *err) {
  int64_t n = md_column_length(a);
  uint8_t *bits = NULL;
  md_code code = bits_and(a, b, n, &bits, err);
  if (code != MD_OK) return code;
  md_column *column = column_begin(result, n, 0, err);
  if (!column) {
    free(bits);
    return err ? err->code : MD_ERR_NOMEM;
  }
  void *r = md_column_values_mut(column);
  const void *x = md_column_values(a), *y = b ? md_column_values(b) : NULL;
  if (result.id == MD_TYPE_INT64) {
    bool overflow = false;
    code = int64_arith(op, x, y ? y : x, r, n, &overflow);
    for (int64_t i = 0; overflow && code == MD_OK && i < n; i++)
      if (valid_at(bits, i) && int64_overflows(op, ((const int64_t *)x)[i], y ? ((const int64_t *)y)[i] : 0))
        code = overflow_error(op, a, b, i, result, err);
  } else if (result.id == MD_TYPE_FLOAT64) {
    float64_arith(op, x, y ? y : x, r, n);
    if (op == EXPR_DIV) {
      /* x / 0 is null, as in SQLite. */
      for (int64_t i = 0; i < n && code == MD_OK; i++) {
        if (((const double *)y)[i] != 0 || !valid_at(bits, i)) continue;
        if (!bits && !(bits = bits_new(n, true))) code = md_error_set(err, MD_ERR_NOMEM, "/: out of memory");
        else md_bit_clear(bits, i);
      }
    }
  } else if (result.id == MD_TYPE_DECIMAL128) {
    for (int64_t i = 0; i < n && code == MD_OK; i++) {
      i128 v = 0;
      bool fits = decimal_op(op, dec_load((const uint8_t *)x + i * 16), y ? dec_load((const uint8_t *)y + i * 16) : 0,
                             result.precision, &v);
      if (!fits && valid_at(bits, i)) code = overflow_error(op, a, b, i, result, err);
      dec_store((uint8_t *)r + i * 16, fits ? v : 0);
    }
  } else {
    code = md_error_set(err, MD_ERR_INTERNAL, "%s: unexpected result type", expr_op_name(op));
  }
  if (code == MD_OK) code = column_finish(column, n, bits, err);
  free(bits);
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}
