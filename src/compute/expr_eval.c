/* expr_eval.c — evaluating an expression tree over a batch, column at a time.
 *
 * Each node evaluates its arguments to whole columns, coerces them to the
 * operator's common type (a cast kernel, skipped when types already agree) and
 * hands them to one kernel. Dispatch happens once per node per batch, never per
 * row. Literals are broadcast to the batch length, which keeps every kernel on
 * the column-column path; the copy is a memset-like cost next to the work. */
#include <stdio.h>
#include <stdlib.h>

#include "compute_internal.h"

static md_code column_not_found(const char *name, const md_schema *schema, md_error *err) {
  (void)schema;
  return md_error_set(err, MD_ERR_NOT_FOUND, "column %s not found", name);
}

md_code expr_type_in(const md_expr *expr, const md_schema *schema, md_type *out, md_error *err) {
  if (!expr) return md_error_set(err, MD_ERR_NOMEM, "expression: NULL (out of memory while building it?)");
  if (expr->op == EXPR_COLUMN) {
    int index = schema ? md_schema_find(schema, expr->name) : -1;
    if (index < 0) return column_not_found(expr->name, schema, err);
    *out = md_field_type(md_schema_field(schema, index));
    return MD_OK;
  }
  md_type local[4];
  md_type *types = expr->num_args <= 4 ? local : malloc((size_t)expr->num_args * sizeof *types);
  if (!types) return md_error_set(err, MD_ERR_NOMEM, "expression: out of memory");
  md_code code = MD_OK;
  for (int i = 0; i < expr->num_args && code == MD_OK; i++) code = expr_type_in(expr->args[i], schema, &types[i], err);
  if (code == MD_OK) code = expr_infer_type(expr, types, out, err);
  if (types != local) free(types);
  return code;
}

md_code md_expr_result_type(const md_expr *expr, const md_schema *schema, md_type *out, md_error *err) {
  md_type type;
  md_code code = expr_type_in(expr, schema, &type, err);
  if (code != MD_OK) return code;
  *out = type;
  return MD_OK;
}

/* Replace *column by its cast to type (no-op when already of that type). */
static md_code coerce(md_column **column, md_type type, md_error *err) {
  if (md_type_equal(md_column_type(*column), type)) return MD_OK;
  md_column *cast = NULL;
  md_code code = kernel_cast(*column, type, &cast, err);
  if (code != MD_OK) return code;
  md_column_free(*column);
  *column = cast;
  return MD_OK;
}

/* The set of an IN expression as a column of type `type`. */
static md_code build_set_column(const md_expr *expr, md_type type, md_column **out, md_error *err) {
  md_column *set = md_column_new(type);
  if (!set) return md_error_set(err, MD_ERR_NOMEM, "IN: out of memory");
  md_code code = MD_OK;
  for (int i = 0; i < expr->num_set && code == MD_OK; i++) {
    md_column *one = NULL;
    code = column_broadcast(&expr->set[i], 1, &one, err);
    if (code == MD_OK) code = coerce(&one, type, err);
    if (code == MD_OK) code = md_column_append_column(set, one, err);
    md_column_free(one);
  }
  if (code != MD_OK) {
    md_column_free(set);
    return code;
  }
  *out = set;
  return MD_OK;
}

static md_code dispatch(const md_expr *expr, md_column **args, md_type result, md_column **out, md_error *err) {
  md_code code = MD_OK;
  int n = expr->num_args;
  md_type t;
  switch (expr->op) {
    case EXPR_ADD:
    case EXPR_SUB:
      t = result.id == MD_TYPE_DECIMAL128 ? md_type_decimal(38, result.scale) : result;
      for (int i = 0; i < 2 && code == MD_OK; i++) code = coerce(&args[i], t, err);
      return code != MD_OK ? code : kernel_arith(expr->op, args[0], args[1], result, out, err);
    case EXPR_MUL:
      for (int i = 0; i < 2 && code == MD_OK; i++) {
        md_type at = md_column_type(args[i]);
        if (result.id != MD_TYPE_DECIMAL128) t = result;
        else if (at.id == MD_TYPE_DECIMAL128) continue;
        else t = md_type_decimal(at.id == MD_TYPE_NULL ? 1 : type_int_digits(at), 0);
        code = coerce(&args[i], t, err);
      }
      return code != MD_OK ? code : kernel_arith(expr->op, args[0], args[1], result, out, err);
    case EXPR_DIV:
      for (int i = 0; i < 2 && code == MD_OK; i++) code = coerce(&args[i], result, err);
      return code != MD_OK ? code : kernel_arith(expr->op, args[0], args[1], result, out, err);
    case EXPR_NEG:
      code = coerce(&args[0], result, err);
      return code != MD_OK ? code : kernel_arith(expr->op, args[0], NULL, result, out, err);
    case EXPR_EQ:
    case EXPR_NE:
    case EXPR_LT:
    case EXPR_LE:
    case EXPR_GT:
    case EXPR_GE:
    case EXPR_NULLIF:
      code = expr_common_type(md_column_type(args[0]), md_column_type(args[1]), true, &t, err);
      if (t.id == MD_TYPE_NULL) t = md_type_make(MD_TYPE_BOOL);
      for (int i = 0; i < 2 && code == MD_OK; i++) code = coerce(&args[i], t, err);
      if (code != MD_OK) return code;
      if (expr->op == EXPR_NULLIF) {
        if ((code = coerce(&args[0], result.id == MD_TYPE_NULL ? t : result, err)) != MD_OK) return code;
        return kernel_nullif(args[0], args[1], out, err);
      }
      return kernel_compare(expr->op, args[0], args[1], out, err);
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_NOT:
      for (int i = 0; i < n && code == MD_OK; i++) code = coerce(&args[i], result, err);
      return code != MD_OK ? code : kernel_logic(expr->op, args[0], n > 1 ? args[1] : NULL, out, err);
    case EXPR_IS_NULL:
    case EXPR_IS_NOT_NULL: return kernel_is_null(args[0], expr->op == EXPR_IS_NULL, out, err);
    case EXPR_COALESCE:
      for (int i = 0; i < n && code == MD_OK; i++) code = coerce(&args[i], result, err);
      return code != MD_OK ? code : kernel_coalesce(args, n, out, err);
    case EXPR_CASE:
      for (int i = 0; i + 1 < n && code == MD_OK; i += 2) {
        code = coerce(&args[i], md_type_make(MD_TYPE_BOOL), err);
        if (code == MD_OK) code = coerce(&args[i + 1], result, err);
      }
      if (code == MD_OK) code = coerce(&args[n - 1], result, err);
      if (code != MD_OK) return code;
      {
        int branches = n / 2;
        md_column *conds[branches > 0 ? branches : 1], *values[branches > 0 ? branches : 1];
        for (int i = 0; i < branches; i++) {
          conds[i] = args[2 * i];
          values[i] = args[2 * i + 1];
        }
        return kernel_case(conds, values, branches, args[n - 1], out, err);
      }
    case EXPR_CAST: return kernel_cast(args[0], expr->type, out, err);
    case EXPR_TRIM:
    case EXPR_UPPER:
    case EXPR_LOWER:
    case EXPR_LENGTH:
    case EXPR_SUBSTRING:
    case EXPR_STARTS_WITH:
    case EXPR_HMAC:
      if ((code = coerce(&args[0], md_column_type(args[0]).id == MD_TYPE_NULL ? md_type_make(MD_TYPE_UTF8)
                                                                             : md_column_type(args[0]),
                         err)) != MD_OK)
        return code;
      if (expr->op == EXPR_SUBSTRING) return kernel_substring(args[0], expr->start, expr->length, out, err);
      if (expr->op == EXPR_STARTS_WITH) return kernel_starts_with(args[0], expr->bytes, expr->bytes_len, out, err);
      if (expr->op == EXPR_HMAC) return kernel_hmac(args[0], expr->bytes, expr->bytes_len, out, err);
      return kernel_string_unary(expr->op, args[0], out, err);
    case EXPR_CONCAT:
      for (int i = 0; i < n && code == MD_OK; i++)
        if (md_column_type(args[i]).id == MD_TYPE_NULL) code = coerce(&args[i], md_type_make(MD_TYPE_UTF8), err);
      return code != MD_OK ? code : kernel_concat(args, n, out, err);
    case EXPR_IN_SET: {
      t = md_column_type(args[0]);
      for (int i = 0; i < expr->num_set && code == MD_OK; i++) code = expr_common_type(t, expr->set[i].type, true, &t, err);
      if (code != MD_OK) return md_error_context(err, "IN");
      md_column *set = NULL;
      if ((code = coerce(&args[0], t, err)) != MD_OK || (code = build_set_column(expr, t, &set, err)) != MD_OK)
        return code;
      code = kernel_in_set(args[0], set, out, err);
      md_column_free(set);
      return code;
    }
    case EXPR_YEAR:
    case EXPR_MONTH:
    case EXPR_FIRST_OF_MONTH:
      if (md_column_type(args[0]).id == MD_TYPE_NULL && (code = coerce(&args[0], md_type_make(MD_TYPE_DATE32), err)))
        return code;
      return kernel_date_unary(expr->op, args[0], out, err);
    case EXPR_DAYS_BETWEEN:
    case EXPR_YEARS_BETWEEN:
    case EXPR_ADD_DAYS:
      for (int i = 0; i < 2 && code == MD_OK; i++) {
        md_type at = md_column_type(args[i]);
        if (expr->op == EXPR_ADD_DAYS && i == 1) code = coerce(&args[i], md_type_make(MD_TYPE_INT64), err);
        else if (at.id == MD_TYPE_NULL) code = coerce(&args[i], md_type_make(MD_TYPE_DATE32), err);
      }
      return code != MD_OK ? code : kernel_date_binary(expr->op, args[0], args[1], out, err);
    case EXPR_COLUMN:
    case EXPR_LITERAL: break;
  }
  return md_error_set(err, MD_ERR_INTERNAL, "expression: unexpected operator %s", expr_op_name(expr->op));
}

static bool is_signed_int(md_type t) {
  return t.id == MD_TYPE_INT8 || t.id == MD_TYPE_INT16 || t.id == MD_TYPE_INT32 || t.id == MD_TYPE_INT64;
}

#define CMP_LITERAL_LOOP(T)                                                              \
  for (int64_t i = 0; i < n; i++) {                                                      \
    int64_t x = ((const T *)values)[i];                                                  \
    int c = (x > lit) - (x < lit);                                                       \
    r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));                         \
  }

/* column OP integer literal (either order) over a signed integer column, the
 * commonest filter: compared in place, without casting the column to the
 * common type or broadcasting the literal to a column. False when the shape
 * does not apply (nothing done). Both sides widen to int64, as the generic
 * path's coercion would. */
static bool compare_with_literal(const md_expr *expr, const md_batch *batch, int64_t n, md_column **out,
                                 md_code *code, md_error *err) {
  if (expr->op < EXPR_EQ || expr->op > EXPR_GE || expr->num_args != 2 || !batch) return false;
  int lit_side = expr->args[1]->op == EXPR_LITERAL ? 1 : expr->args[0]->op == EXPR_LITERAL ? 0 : -1;
  if (lit_side < 0 || expr->args[1 - lit_side]->op != EXPR_COLUMN) return false;
  const md_scalar *literal = &expr->args[lit_side]->literal;
  if (literal->is_null || !is_signed_int(literal->type)) return false;
  int index = md_schema_find(md_batch_schema(batch), expr->args[1 - lit_side]->name);
  if (index < 0) return false;
  const md_column *column = md_batch_column(batch, index);
  if (!is_signed_int(md_column_type(column)) || md_column_length(column) < n) return false;
  expr_op op = expr->op;
  if (lit_side == 0) /* literal OP column = column OP' literal */
    op = op == EXPR_LT ? EXPR_GT : op == EXPR_GT ? EXPR_LT : op == EXPR_LE ? EXPR_GE : op == EXPR_GE ? EXPR_LE : op;
  /* Bit c + 1 of mask answers "x OP lit" for c = sign(x - lit). */
  unsigned mask = op == EXPR_EQ ? 2u : op == EXPR_NE ? 5u : op == EXPR_LT ? 1u : op == EXPR_LE ? 3u
                : op == EXPR_GT ? 4u : 6u;
  md_column *result = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  if (!result) {
    *code = err ? err->code : MD_ERR_NOMEM;
    return true;
  }
  uint8_t *r = md_column_values_mut(result);
  memset(r, 0, (size_t)bits_bytes(n));
  const void *values = md_column_values(column);
  int64_t lit = literal->v.i;
  switch (md_column_type(column).id) {
    case MD_TYPE_INT8: CMP_LITERAL_LOOP(int8_t) break;
    case MD_TYPE_INT16: CMP_LITERAL_LOOP(int16_t) break;
    case MD_TYPE_INT32: CMP_LITERAL_LOOP(int32_t) break;
    default: CMP_LITERAL_LOOP(int64_t) break;
  }
  *code = column_finish_out(result, n, md_column_validity(column), out, err);
  return true;
}
#undef CMP_LITERAL_LOOP

md_code expr_eval_rows(const md_expr *expr, const md_batch *batch, int64_t n, md_column **out, md_error *err) {
  if (!expr) return md_error_set(err, MD_ERR_NOMEM, "expression: NULL (out of memory while building it?)");
  if (expr->op == EXPR_COLUMN) {
    const md_schema *schema = batch ? md_batch_schema(batch) : NULL;
    int index = schema ? md_schema_find(schema, expr->name) : -1;
    if (index < 0) return column_not_found(expr->name, schema, err);
    *out = md_column_ref(md_batch_column(batch, index));
    return MD_OK;
  }
  if (expr->op == EXPR_LITERAL) return column_broadcast(&expr->literal, n, out, err);
  md_code fast = MD_OK;
  if (compare_with_literal(expr, batch, n, out, &fast, err)) return fast;
  md_column *local[4] = {NULL};
  md_column **args = expr->num_args <= 4 ? local : calloc((size_t)expr->num_args, sizeof *args);
  if (!args) return md_error_set(err, MD_ERR_NOMEM, "expression: out of memory");
  md_code code = MD_OK;
  for (int i = 0; i < expr->num_args && code == MD_OK; i++) code = expr_eval_rows(expr->args[i], batch, n, &args[i], err);
  md_type result;
  if (code == MD_OK) {
    md_type local_types[4] = {{0}};
    md_type *types = expr->num_args <= 4 ? local_types : malloc((size_t)expr->num_args * sizeof *types);
    if (!types) code = md_error_set(err, MD_ERR_NOMEM, "expression: out of memory");
    for (int i = 0; code == MD_OK && i < expr->num_args; i++) types[i] = md_column_type(args[i]);
    if (code == MD_OK) code = expr_infer_type(expr, types, &result, err);
    if (types != local_types) free(types);
  }
  if (code == MD_OK) code = dispatch(expr, args, result, out, err);
  for (int i = 0; i < expr->num_args; i++) md_column_free(args[i]);
  if (args != local) free(args);
  return code;
}

md_code md_expr_eval(const md_expr *expr, const md_batch *batch, md_column **out, md_error *err) {
  if (!batch || !out) return md_error_set(err, MD_ERR_INVALID, "expression: NULL batch or output");
  md_column *column = NULL;
  md_code code = expr_eval_rows(expr, batch, md_batch_num_rows(batch), &column, err);
  if (code != MD_OK) {
    if (expr && err) {
      char text[256];
      md_expr_format(expr, text, sizeof text);
      md_error_context(err, "%s", text);
    }
    return code;
  }
  *out = column;
  return MD_OK;
}
