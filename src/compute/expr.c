/* expr.c — expression trees: constructors, copying, freeing and tree walks.
 *
 * Constructors take ownership of their arguments even when they fail, and
 * return NULL if any argument is NULL, so that callers can nest calls like
 * md_eq(md_upper(md_trim(md_col("A"))), md_lit_str("X")) and check once. */
#include <stdlib.h>

#include "compute_internal.h"

md_expr *expr_new(expr_op op, int num_args) {
  md_expr *expr = calloc(1, sizeof *expr);
  if (!expr) return NULL;
  expr->op = op;
  if (num_args > 0) {
    expr->args = calloc((size_t)num_args, sizeof *expr->args);
    if (!expr->args) {
      free(expr);
      return NULL;
    }
  }
  expr->num_args = num_args;
  return expr;
}

void md_expr_free(md_expr *expr) {
  if (!expr) return;
  for (int i = 0; i < expr->num_args; i++) md_expr_free(expr->args[i]);
  free(expr->args);
  free(expr->name);
  free(expr->bytes);
  for (int i = 0; i < expr->num_set; i++) free(expr->set_bytes[i]);
  free(expr->set_bytes);
  free(expr->set);
  free(expr);
}

static uint8_t *copy_bytes(const void *bytes, int64_t len) {
  uint8_t *copy = malloc(len > 0 ? (size_t)len : 1);
  if (copy && len > 0) memcpy(copy, bytes, (size_t)len);
  return copy;
}

/* A scalar's bytes copied into *owned, and the scalar repointed at the copy. */
static bool own_scalar(md_scalar *value, uint8_t **owned) {
  *owned = NULL;
  md_type_id id = value->type.id;
  if (value->is_null || (id != MD_TYPE_UTF8 && id != MD_TYPE_BINARY && id != MD_TYPE_FIXED_BINARY)) return true;
  *owned = copy_bytes(value->v.bytes.ptr, value->v.bytes.length);
  if (!*owned) return false;
  value->v.bytes.ptr = *owned;
  return true;
}

/* Builds a node over args (owned), or frees them all when anything fails. */
static md_expr *node(expr_op op, md_expr **args, int n) {
  bool ok = true;
  for (int i = 0; i < n; i++) ok = ok && args[i];
  md_expr *expr = ok ? expr_new(op, n) : NULL;
  if (!expr) {
    for (int i = 0; i < n; i++) md_expr_free(args[i]);
    return NULL;
  }
  for (int i = 0; i < n; i++) expr->args[i] = args[i];
  return expr;
}

static md_expr *unary(expr_op op, md_expr *a) { return node(op, &a, 1); }
static md_expr *binary(expr_op op, md_expr *a, md_expr *b) {
  md_expr *args[2] = {a, b};
  return node(op, args, 2);
}

md_expr *md_expr_copy(const md_expr *expr) {
  if (!expr) return NULL;
  md_expr *copy = expr_new(expr->op, expr->num_args);
  if (!copy) return NULL;
  copy->type = expr->type;
  copy->start = expr->start;
  copy->length = expr->length;
  copy->literal = expr->literal;
  bool ok = true;
  for (int i = 0; i < expr->num_args; i++) ok = ok && (copy->args[i] = md_expr_copy(expr->args[i]));
  if (expr->name) ok = ok && (copy->name = strdup(expr->name));
  if (expr->bytes) {
    ok = ok && (copy->bytes = copy_bytes(expr->bytes, expr->bytes_len));
    copy->bytes_len = expr->bytes_len;
    if (ok && expr->op == EXPR_LITERAL) copy->literal.v.bytes.ptr = copy->bytes;
  }
  if (ok && expr->num_set > 0) {
    copy->set = calloc((size_t)expr->num_set, sizeof *copy->set);
    copy->set_bytes = calloc((size_t)expr->num_set, sizeof *copy->set_bytes);
    ok = copy->set && copy->set_bytes;
    for (int i = 0; ok && i < expr->num_set; i++) {
      copy->set[i] = expr->set[i];
      copy->num_set = i + 1;
      ok = own_scalar(&copy->set[i], &copy->set_bytes[i]);
    }
  }
  if (!ok) {
    md_expr_free(copy);
    return NULL;
  }
  return copy;
}

md_expr *md_col(const char *name) {
  if (!name) return NULL;
  md_expr *expr = expr_new(EXPR_COLUMN, 0);
  if (expr && !(expr->name = strdup(name))) {
    free(expr);
    return NULL;
  }
  return expr;
}

md_expr *md_lit(md_scalar value) {
  md_expr *expr = expr_new(EXPR_LITERAL, 0);
  if (!expr) return NULL;
  expr->literal = value;
  if (!own_scalar(&expr->literal, &expr->bytes)) {
    free(expr);
    return NULL;
  }
  if (expr->bytes) expr->bytes_len = value.v.bytes.length;
  return expr;
}

static md_scalar scalar_of(md_type_id id) {
  md_scalar value;
  memset(&value, 0, sizeof value);
  value.type = md_type_make(id);
  return value;
}

md_expr *md_lit_null(md_type type) {
  md_scalar value = scalar_of(MD_TYPE_NULL);
  value.type = type;
  value.is_null = true;
  return md_lit(value);
}

md_expr *md_lit_bool(bool b) {
  md_scalar value = scalar_of(MD_TYPE_BOOL);
  value.v.b = b;
  return md_lit(value);
}

md_expr *md_lit_int(int64_t i) {
  md_scalar value = scalar_of(MD_TYPE_INT64);
  value.v.i = i;
  return md_lit(value);
}

md_expr *md_lit_int32(int32_t i) {
  md_scalar value = scalar_of(MD_TYPE_INT32);
  value.v.i = i;
  return md_lit(value);
}

md_expr *md_lit_double(double f) {
  md_scalar value = scalar_of(MD_TYPE_FLOAT64);
  value.v.f = f;
  return md_lit(value);
}

md_expr *md_lit_str(const char *utf8) {
  if (!utf8) return NULL;
  md_scalar value = scalar_of(MD_TYPE_UTF8);
  value.v.bytes.ptr = (const uint8_t *)utf8;
  value.v.bytes.length = (int64_t)strlen(utf8);
  return md_lit(value);
}

md_expr *md_lit_date(int32_t days) {
  md_scalar value = scalar_of(MD_TYPE_DATE32);
  value.v.i = days;
  return md_lit(value);
}

md_expr *md_lit_decimal(int64_t unscaled, int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return NULL;
  md_scalar value = scalar_of(MD_TYPE_DECIMAL128);
  value.type = md_type_decimal(precision, scale);
  value.v.decimal.high = unscaled < 0 ? -1 : 0;
  value.v.decimal.low = (uint64_t)unscaled;
  return md_lit(value);
}

md_expr *md_add(md_expr *a, md_expr *b) { return binary(EXPR_ADD, a, b); }
md_expr *md_sub(md_expr *a, md_expr *b) { return binary(EXPR_SUB, a, b); }
md_expr *md_mul(md_expr *a, md_expr *b) { return binary(EXPR_MUL, a, b); }
md_expr *md_div(md_expr *a, md_expr *b) { return binary(EXPR_DIV, a, b); }
md_expr *md_neg(md_expr *a) { return unary(EXPR_NEG, a); }
md_expr *md_eq(md_expr *a, md_expr *b) { return binary(EXPR_EQ, a, b); }
md_expr *md_ne(md_expr *a, md_expr *b) { return binary(EXPR_NE, a, b); }
md_expr *md_lt(md_expr *a, md_expr *b) { return binary(EXPR_LT, a, b); }
md_expr *md_le(md_expr *a, md_expr *b) { return binary(EXPR_LE, a, b); }
md_expr *md_gt(md_expr *a, md_expr *b) { return binary(EXPR_GT, a, b); }
md_expr *md_ge(md_expr *a, md_expr *b) { return binary(EXPR_GE, a, b); }
md_expr *md_and(md_expr *a, md_expr *b) { return binary(EXPR_AND, a, b); }
md_expr *md_or(md_expr *a, md_expr *b) { return binary(EXPR_OR, a, b); }
md_expr *md_not(md_expr *a) { return unary(EXPR_NOT, a); }
md_expr *md_is_null(md_expr *a) { return unary(EXPR_IS_NULL, a); }
md_expr *md_is_not_null(md_expr *a) { return unary(EXPR_IS_NOT_NULL, a); }
md_expr *md_nullif(md_expr *a, md_expr *b) { return binary(EXPR_NULLIF, a, b); }

md_expr *md_coalesce(md_expr **args, int num_args) {
  if (num_args < 1 || !args) return NULL;
  return node(EXPR_COALESCE, args, num_args);
}

md_expr *md_case_when(md_expr **conditions, md_expr **values, int num_branches, md_expr *otherwise) {
  if (num_branches < 1 || !conditions || !values) {
    md_expr_free(otherwise);
    return NULL;
  }
  int n = 2 * num_branches + 1;
  md_expr **args = calloc((size_t)n, sizeof *args);
  /* Without an else, a typed null is filled in at evaluation (type of values). */
  md_expr *fallback = otherwise ? otherwise : md_lit_null(md_type_make(MD_TYPE_NULL));
  if (!args) {
    for (int i = 0; i < num_branches; i++) {
      md_expr_free(conditions[i]);
      md_expr_free(values[i]);
    }
    md_expr_free(fallback);
    return NULL;
  }
  for (int i = 0; i < num_branches; i++) {
    args[2 * i] = conditions[i];
    args[2 * i + 1] = values[i];
  }
  args[n - 1] = fallback;
  md_expr *expr = node(EXPR_CASE, args, n);
  free(args);
  return expr;
}

md_expr *md_cast(md_expr *a, md_type type) {
  md_expr *expr = unary(EXPR_CAST, a);
  if (expr) expr->type = type;
  return expr;
}

md_expr *md_trim(md_expr *a) { return unary(EXPR_TRIM, a); }
md_expr *md_upper(md_expr *a) { return unary(EXPR_UPPER, a); }
md_expr *md_lower(md_expr *a) { return unary(EXPR_LOWER, a); }
md_expr *md_length(md_expr *a) { return unary(EXPR_LENGTH, a); }

md_expr *md_substring(md_expr *a, int64_t start, int64_t length) {
  md_expr *expr = unary(EXPR_SUBSTRING, a);
  if (expr) {
    expr->start = start;
    expr->length = length;
  }
  return expr;
}

static md_expr *with_bytes(md_expr *expr, const void *bytes, size_t len) {
  if (!expr) return NULL;
  if (!bytes && len > 0) {
    md_expr_free(expr);
    return NULL;
  }
  expr->bytes = copy_bytes(bytes, (int64_t)len);
  expr->bytes_len = (int64_t)len;
  if (!expr->bytes) {
    md_expr_free(expr);
    return NULL;
  }
  return expr;
}

md_expr *md_starts_with(md_expr *a, const char *prefix) {
  if (!prefix) {
    md_expr_free(a);
    return NULL;
  }
  return with_bytes(unary(EXPR_STARTS_WITH, a), prefix, strlen(prefix));
}

md_expr *md_concat(md_expr **args, int num_args) {
  if (num_args < 1 || !args) return NULL;
  return node(EXPR_CONCAT, args, num_args);
}

md_expr *md_in_set(md_expr *a, const md_scalar *values, int num_values) {
  md_expr *expr = unary(EXPR_IN_SET, a);
  if (!expr || num_values < 0 || (num_values > 0 && !values)) {
    md_expr_free(expr);
    return NULL;
  }
  if (num_values > 0) {
    expr->set = calloc((size_t)num_values, sizeof *expr->set);
    expr->set_bytes = calloc((size_t)num_values, sizeof *expr->set_bytes);
    bool ok = expr->set && expr->set_bytes;
    for (int i = 0; ok && i < num_values; i++) {
      expr->set[i] = values[i];
      expr->num_set = i + 1;
      ok = own_scalar(&expr->set[i], &expr->set_bytes[i]);
    }
    if (!ok) {
      md_expr_free(expr);
      return NULL;
    }
  }
  return expr;
}

md_expr *md_year(md_expr *a) { return unary(EXPR_YEAR, a); }
md_expr *md_month(md_expr *a) { return unary(EXPR_MONTH, a); }
md_expr *md_first_of_month(md_expr *a) { return unary(EXPR_FIRST_OF_MONTH, a); }
md_expr *md_days_between(md_expr *start, md_expr *end) { return binary(EXPR_DAYS_BETWEEN, start, end); }
md_expr *md_add_days(md_expr *date, md_expr *days) { return binary(EXPR_ADD_DAYS, date, days); }
md_expr *md_years_between(md_expr *start, md_expr *end) { return binary(EXPR_YEARS_BETWEEN, start, end); }

md_expr *md_hmac_sha256_hex(md_expr *a, const void *key, size_t key_length) {
  return with_bytes(unary(EXPR_HMAC, a), key, key_length);
}

bool expr_is_constant(const md_expr *expr) {
  if (expr->op == EXPR_COLUMN) return false;
  for (int i = 0; i < expr->num_args; i++)
    if (!expr_is_constant(expr->args[i])) return false;
  return true;
}

void expr_visit_columns(const md_expr *expr, void (*fn)(const char *name, void *ctx), void *ctx) {
  if (expr->op == EXPR_COLUMN) fn(expr->name, ctx);
  for (int i = 0; i < expr->num_args; i++) expr_visit_columns(expr->args[i], fn, ctx);
}

bool expr_rewrite_columns(md_expr *expr, md_expr *(*map)(const char *name, void *ctx), void *ctx) {
  for (int i = 0; i < expr->num_args; i++) {
    md_expr *arg = expr->args[i];
    if (arg->op == EXPR_COLUMN) {
      md_expr *replacement = map(arg->name, ctx);
      if (replacement) {
        md_expr_free(arg);
        expr->args[i] = replacement;
      }
    } else if (!expr_rewrite_columns(arg, map, ctx)) {
      return false;
    }
  }
  return true;
}
