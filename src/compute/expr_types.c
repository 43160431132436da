/* expr_types.c — the typing rules of expressions: which operand types an
 * operator accepts, the common type operands are coerced to, and the result
 * type. One place for the rules so that planning (md_expr_result_type) and
 * evaluation can never disagree. */
#include "compute_internal.h"

bool type_is_int(md_type t) { return t.id >= MD_TYPE_INT8 && t.id <= MD_TYPE_UINT64; }
bool type_is_float(md_type t) { return t.id == MD_TYPE_FLOAT32 || t.id == MD_TYPE_FLOAT64; }
bool type_is_numeric(md_type t) { return type_is_int(t) || type_is_float(t) || t.id == MD_TYPE_DECIMAL128; }
bool type_is_temporal(md_type t) {
  return t.id == MD_TYPE_DATE32 || t.id == MD_TYPE_TIME32 || t.id == MD_TYPE_TIME64 || t.id == MD_TYPE_TIMESTAMP;
}

int type_int_digits(md_type t) {
  switch (t.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_UINT8: return 3;
    case MD_TYPE_INT16:
    case MD_TYPE_UINT16: return 5;
    case MD_TYPE_INT32:
    case MD_TYPE_UINT32: return 10;
    case MD_TYPE_UINT64: return 20;
    default: return 19;
  }
}

static const char *type_name(md_type t, char *buf, size_t size) {
  md_type_to_string(t, buf, size);
  return buf;
}

static md_code mismatch(const char *what, md_type a, md_type b, md_error *err) {
  char x[64], y[64];
  return md_error_set(err, MD_ERR_SCHEMA, "%s: incompatible types %s and %s", what, type_name(a, x, sizeof x),
                      type_name(b, y, sizeof y));
}

static md_code wrong_arg(const char *what, md_type a, md_error *err) {
  char x[64];
  return md_error_set(err, MD_ERR_SCHEMA, "%s: unsupported argument type %s", what, type_name(a, x, sizeof x));
}

static int cap38(int p) { return p > 38 ? 38 : p; }

/* Integers behave as decimal(digits, 0) next to decimals. */
static md_type as_decimal(md_type t) {
  return t.id == MD_TYPE_DECIMAL128 ? t : md_type_decimal(type_int_digits(t), 0);
}

md_code expr_common_type(md_type a, md_type b, bool for_compare, md_type *out, md_error *err) {
  (void)for_compare;
  if (a.id == MD_TYPE_NULL) {
    *out = b;
    return MD_OK;
  }
  if (b.id == MD_TYPE_NULL || md_type_equal(a, b)) {
    *out = a;
    return MD_OK;
  }
  if (type_is_numeric(a) && type_is_numeric(b)) {
    if (type_is_float(a) || type_is_float(b)) *out = md_type_make(MD_TYPE_FLOAT64);
    else if (a.id == MD_TYPE_DECIMAL128 || b.id == MD_TYPE_DECIMAL128) {
      md_type x = as_decimal(a), y = as_decimal(b);
      int scale = x.scale > y.scale ? x.scale : y.scale;
      int whole = x.precision - x.scale > y.precision - y.scale ? x.precision - x.scale : y.precision - y.scale;
      int precision = cap38(whole + scale);
      if (scale > precision) scale = precision;
      *out = md_type_decimal(precision, scale);
    } else {
      *out = md_type_make(MD_TYPE_INT64);
    }
    return MD_OK;
  }
  if ((a.id == MD_TYPE_UTF8 && b.id == MD_TYPE_BINARY) || (a.id == MD_TYPE_BINARY && b.id == MD_TYPE_UTF8)) {
    *out = md_type_make(MD_TYPE_BINARY);
    return MD_OK;
  }
  if (a.id == MD_TYPE_TIMESTAMP && b.id == MD_TYPE_TIMESTAMP && a.unit == b.unit) {
    *out = a; /* UTC flag differences do not change the instant's encoding */
    return MD_OK;
  }
  return mismatch("types", a, b, err);
}

static md_code arith_type(expr_op op, md_type a, md_type b, md_type *out, md_error *err) {
  const char *name = expr_op_name(op);
  if ((a.id != MD_TYPE_NULL && !type_is_numeric(a)) || (b.id != MD_TYPE_NULL && !type_is_numeric(b)))
    return mismatch(name, a, b, err);
  if (op == EXPR_DIV) {
    *out = md_type_make(MD_TYPE_FLOAT64);
    return MD_OK;
  }
  if (a.id == MD_TYPE_NULL || b.id == MD_TYPE_NULL) {
    md_type other = a.id == MD_TYPE_NULL ? b : a;
    *out = type_is_int(other) ? md_type_make(MD_TYPE_INT64)
           : type_is_float(other) ? md_type_make(MD_TYPE_FLOAT64) : other;
    return MD_OK;
  }
  if (type_is_float(a) || type_is_float(b)) {
    *out = md_type_make(MD_TYPE_FLOAT64);
  } else if (a.id == MD_TYPE_DECIMAL128 || b.id == MD_TYPE_DECIMAL128) {
    md_type x = as_decimal(a), y = as_decimal(b);
    int scale, precision;
    if (op == EXPR_MUL) {
      scale = x.scale + y.scale;
      precision = x.precision + y.precision + 1;
    } else {
      scale = x.scale > y.scale ? x.scale : y.scale;
      int whole = x.precision - x.scale > y.precision - y.scale ? x.precision - x.scale : y.precision - y.scale;
      precision = whole + scale + 1;
    }
    if (scale > 38)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: result scale %d exceeds 38 digits", name, scale);
    *out = md_type_decimal(cap38(precision), scale);
  } else {
    *out = md_type_make(MD_TYPE_INT64);
  }
  return MD_OK;
}

static bool is_string(md_type t) { return t.id == MD_TYPE_UTF8 || t.id == MD_TYPE_BINARY || t.id == MD_TYPE_NULL; }
static bool is_dateish(md_type t) { return t.id == MD_TYPE_DATE32 || t.id == MD_TYPE_TIMESTAMP || t.id == MD_TYPE_NULL; }

md_code expr_infer_type(const md_expr *expr, const md_type *args, md_type *out, md_error *err) {
  const char *name = expr_op_name(expr->op);
  md_type t;
  md_code code;
  switch (expr->op) {
    case EXPR_COLUMN: return md_error_set(err, MD_ERR_INTERNAL, "column types come from the schema");
    case EXPR_LITERAL: *out = expr->literal.type; return MD_OK;
    case EXPR_ADD:
    case EXPR_SUB:
    case EXPR_MUL:
    case EXPR_DIV: return arith_type(expr->op, args[0], args[1], out, err);
    case EXPR_NEG:
      if (args[0].id != MD_TYPE_NULL && !type_is_numeric(args[0])) return wrong_arg(name, args[0], err);
      return arith_type(EXPR_ADD, args[0], md_type_make(MD_TYPE_NULL), out, err);
    case EXPR_EQ:
    case EXPR_NE:
    case EXPR_LT:
    case EXPR_LE:
    case EXPR_GT:
    case EXPR_GE:
      if ((code = expr_common_type(args[0], args[1], true, &t, err)) != MD_OK) return md_error_context(err, "%s", name);
      if (md_type_is_nested(t) || t.id == MD_TYPE_INTERVAL_MDN) return wrong_arg(name, t, err);
      *out = md_type_make(MD_TYPE_BOOL);
      return MD_OK;
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_NOT:
      for (int i = 0; i < expr->num_args; i++)
        if (args[i].id != MD_TYPE_BOOL && args[i].id != MD_TYPE_NULL) return wrong_arg(name, args[i], err);
      *out = md_type_make(MD_TYPE_BOOL);
      return MD_OK;
    case EXPR_IS_NULL:
    case EXPR_IS_NOT_NULL:
    case EXPR_STARTS_WITH:
    case EXPR_IN_SET:
      if (expr->op == EXPR_STARTS_WITH && !is_string(args[0])) return wrong_arg(name, args[0], err);
      *out = md_type_make(MD_TYPE_BOOL);
      return MD_OK;
    case EXPR_COALESCE:
    case EXPR_NULLIF:
      t = args[0];
      for (int i = 1; i < expr->num_args; i++)
        if ((code = expr_common_type(t, args[i], false, &t, err)) != MD_OK) return md_error_context(err, "%s", name);
      *out = t;
      return MD_OK;
    case EXPR_CASE:
      t = args[expr->num_args - 1];
      for (int i = 0; i + 1 < expr->num_args; i += 2) {
        if (args[i].id != MD_TYPE_BOOL && args[i].id != MD_TYPE_NULL) return wrong_arg("case condition", args[i], err);
        if ((code = expr_common_type(t, args[i + 1], false, &t, err)) != MD_OK) return md_error_context(err, "case");
      }
      *out = t;
      return MD_OK;
    case EXPR_CAST: *out = expr->type; return MD_OK;
    case EXPR_TRIM:
    case EXPR_UPPER:
    case EXPR_LOWER:
    case EXPR_SUBSTRING:
      if (!is_string(args[0])) return wrong_arg(name, args[0], err);
      *out = args[0].id == MD_TYPE_NULL ? md_type_make(MD_TYPE_UTF8) : args[0];
      return MD_OK;
    case EXPR_LENGTH:
      if (!is_string(args[0])) return wrong_arg(name, args[0], err);
      *out = md_type_make(MD_TYPE_INT32);
      return MD_OK;
    case EXPR_CONCAT:
      for (int i = 0; i < expr->num_args; i++)
        if (!is_string(args[i])) return wrong_arg(name, args[i], err);
      *out = md_type_make(MD_TYPE_UTF8);
      return MD_OK;
    case EXPR_YEAR:
    case EXPR_MONTH:
    case EXPR_FIRST_OF_MONTH:
      if (!is_dateish(args[0])) return wrong_arg(name, args[0], err);
      *out = md_type_make(expr->op == EXPR_FIRST_OF_MONTH ? MD_TYPE_DATE32 : MD_TYPE_INT32);
      return MD_OK;
    case EXPR_DAYS_BETWEEN:
    case EXPR_YEARS_BETWEEN:
      if (!is_dateish(args[0]) || !is_dateish(args[1])) return mismatch(name, args[0], args[1], err);
      *out = md_type_make(MD_TYPE_INT32);
      return MD_OK;
    case EXPR_ADD_DAYS:
      if (!is_dateish(args[0]) || args[0].id == MD_TYPE_TIMESTAMP || (!type_is_int(args[1]) && args[1].id != MD_TYPE_NULL))
        return mismatch(name, args[0], args[1], err);
      *out = md_type_make(MD_TYPE_DATE32);
      return MD_OK;
    case EXPR_HMAC:
      if (!is_string(args[0])) return wrong_arg(name, args[0], err);
      *out = md_type_make(MD_TYPE_UTF8);
      return MD_OK;
  }
  return md_error_set(err, MD_ERR_INTERNAL, "unknown expression operator %d", (int)expr->op);
}

const char *expr_op_name(expr_op op) {
  switch (op) {
    case EXPR_COLUMN: return "column";
    case EXPR_LITERAL: return "literal";
    case EXPR_ADD: return "+";
    case EXPR_SUB: return "-";
    case EXPR_MUL: return "*";
    case EXPR_DIV: return "/";
    case EXPR_NEG: return "negate";
    case EXPR_EQ: return "=";
    case EXPR_NE: return "<>";
    case EXPR_LT: return "<";
    case EXPR_LE: return "<=";
    case EXPR_GT: return ">";
    case EXPR_GE: return ">=";
    case EXPR_AND: return "AND";
    case EXPR_OR: return "OR";
    case EXPR_NOT: return "NOT";
    case EXPR_IS_NULL: return "IS NULL";
    case EXPR_IS_NOT_NULL: return "IS NOT NULL";
    case EXPR_COALESCE: return "coalesce";
    case EXPR_NULLIF: return "nullif";
    case EXPR_CASE: return "case";
    case EXPR_CAST: return "cast";
    case EXPR_TRIM: return "trim";
    case EXPR_UPPER: return "upper";
    case EXPR_LOWER: return "lower";
    case EXPR_LENGTH: return "length";
    case EXPR_SUBSTRING: return "substring";
    case EXPR_STARTS_WITH: return "starts_with";
    case EXPR_CONCAT: return "concat";
    case EXPR_IN_SET: return "IN";
    case EXPR_YEAR: return "year";
    case EXPR_MONTH: return "month";
    case EXPR_FIRST_OF_MONTH: return "first_of_month";
    case EXPR_DAYS_BETWEEN: return "days_between";
    case EXPR_ADD_DAYS: return "add_days";
    case EXPR_YEARS_BETWEEN: return "years_between";
    case EXPR_HMAC: return "hmac_sha256";
  }
  return "?";
}
