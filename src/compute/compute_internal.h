/* compute_internal.h — what the compute module's files share: the expression
 * tree, 128-bit decimal helpers, bitmap and column-building helpers, and the
 * kernels (one function per operation over whole columns).
 *
 * Kernels receive operands already coerced to one common type (expr.c casts
 * them first), so each kernel loops over a single physical layout and the hot
 * loops never branch on types per row. Private to src/compute. */
#ifndef MEDALLION_COMPUTE_INTERNAL_H
#define MEDALLION_COMPUTE_INTERNAL_H

#include <string.h>

#include "medallion/compute.h"

/* GCC and clang both provide 128-bit integers; decimal128 needs them. */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

typedef enum expr_op {
  EXPR_COLUMN,
  EXPR_LITERAL,
  EXPR_ADD,
  EXPR_SUB,
  EXPR_MUL,
  EXPR_DIV,
  EXPR_NEG,
  EXPR_EQ,
  EXPR_NE,
  EXPR_LT,
  EXPR_LE,
  EXPR_GT,
  EXPR_GE,
  EXPR_AND,
  EXPR_OR,
  EXPR_NOT,
  EXPR_IS_NULL,
  EXPR_IS_NOT_NULL,
  EXPR_COALESCE,
  EXPR_NULLIF,
  EXPR_CASE, /* args: cond0, value0, cond1, value1, ..., else */
  EXPR_CAST,
  EXPR_TRIM,
  EXPR_UPPER,
  EXPR_LOWER,
  EXPR_LENGTH,
  EXPR_SUBSTRING,
  EXPR_STARTS_WITH,
  EXPR_CONCAT,
  EXPR_IN_SET,
  EXPR_YEAR,
  EXPR_MONTH,
  EXPR_FIRST_OF_MONTH,
  EXPR_DAYS_BETWEEN,
  EXPR_ADD_DAYS,
  EXPR_YEARS_BETWEEN,
  EXPR_HMAC
} expr_op;

struct md_expr {
  expr_op op;
  int num_args;
  md_expr **args;
  char *name;         /* COLUMN */
  md_scalar literal;  /* LITERAL; its bytes point into `bytes` */
  uint8_t *bytes;     /* literal bytes, STARTS_WITH prefix, HMAC key (owned) */
  int64_t bytes_len;
  md_type type;       /* CAST target; CASE without else: filled at evaluation */
  int64_t start;      /* SUBSTRING */
  int64_t length;
  md_scalar *set;     /* IN_SET values; bytes owned by set_bytes */
  uint8_t **set_bytes;
  int num_set;
};

md_expr *expr_new(expr_op op, int num_args);
/* The operator's display name ("+", "trim", ...). */
const char *expr_op_name(expr_op op);
/* True when no column is referenced below expr. */
bool expr_is_constant(const md_expr *expr);
/* Calls fn for every column name referenced (with repetition). */
void expr_visit_columns(const md_expr *expr, void (*fn)(const char *name, void *ctx), void *ctx);
/* Replace every column reference by what map returns (a new expression, owned),
 * or keep it when map returns NULL; false on allocation failure. */
bool expr_rewrite_columns(md_expr *expr, md_expr *(*map)(const char *name, void *ctx), void *ctx);

/* Type inference shared by md_expr_result_type and evaluation. */
md_code expr_infer_type(const md_expr *expr, const md_type *arg_types, md_type *out, md_error *err);
/* The type both operands of a binary arithmetic/comparison are coerced to. */
md_code expr_common_type(md_type a, md_type b, bool for_compare, md_type *out, md_error *err);
/* Evaluate over n rows of batch (batch may be NULL for constant expressions). */
md_code expr_eval_rows(const md_expr *expr, const md_batch *batch, int64_t n, md_column **out, md_error *err);
/* Result type given a schema (NULL for constant expressions). */
md_code expr_type_in(const md_expr *expr, const md_schema *schema, md_type *out, md_error *err);

/* ------------------------------------------------------------ type classes */

bool type_is_int(md_type type);   /* INT8..INT64, UINT8..UINT64 */
bool type_is_float(md_type type); /* FLOAT32, FLOAT64 */
bool type_is_numeric(md_type type);
bool type_is_temporal(md_type type); /* DATE32, TIME32/64, TIMESTAMP */
/* Digits needed for any value of an integer type (int32 = 10, int64 = 19, ...). */
int type_int_digits(md_type type);

/* ---------------------------------------------------------------- decimals */

i128 dec_load(const void *p);
void dec_store(void *p, i128 v);
i128 dec_pow10(int n); /* n in 0..38 */
/* True when |v| < 10^precision. */
bool dec_fits(i128 v, int precision);
/* Decimal text of an unscaled value at scale, e.g. (-1234, 2) → "-12.34". */
void dec_format(i128 v, int scale, char *buf, size_t size);

/* ------------------------------------------------------------------ bitmaps */

static inline int64_t bits_bytes(int64_t bits) { return (bits + 7) / 8; }
/* A malloc'd bitmap of n bits, all set or all clear; NULL on failure. */
uint8_t *bits_new(int64_t n, bool value);
/* dst = validity of column (all set when it has none). */
void bits_copy_validity(uint8_t *dst, const md_column *column, int64_t n);
/* *out = validity of a AND validity of b (b may be NULL), malloc'd; NULL when
 * every row of both is valid. */
md_code bits_and(const md_column *a, const md_column *b, int64_t n, uint8_t **out, md_error *err);

/* ------------------------------------------------------------------ columns */

/* A new column of n rows, values reserved (and data_bytes for UTF8/BINARY).
 * The caller writes values through md_column_values_mut / data_mut / offsets_mut
 * and then calls column_finish. NULL on failure (err set). */
md_column *column_begin(md_type type, int64_t n, int64_t data_bytes, md_error *err);
/* The data bytes of a utf8/binary column, never NULL (an empty column may have
 * no buffer, and pointer arithmetic on NULL is undefined even by zero). */
static inline const uint8_t *column_bytes(const md_column *column) {
  const uint8_t *data = md_column_data(column);
  return data ? data : (const uint8_t *)"";
}
/* Sets the length to n and the validity from bits (NULL = all valid; copied). */
md_code column_finish(md_column *column, int64_t n, const uint8_t *bits, md_error *err);
/* column_finish, then *out = column; on failure the column is freed. */
md_code column_finish_out(md_column *column, int64_t n, const uint8_t *bits, md_column **out, md_error *err);
/* A column of n copies of value (null when value->is_null). */
md_code column_broadcast(const md_scalar *value, int64_t n, md_column **out, md_error *err);
/* Row i as a scalar (bytes borrowed from the column). */
md_scalar column_scalar_at(const md_column *column, int64_t i);
/* Rows at indices (index -1 gives a null row), as a new column. Flat types only. */
md_code column_take(const md_column *column, const int64_t *indices, int64_t n, md_column **out,
                    md_error *err);
/* The last step of building a batch from a malloc'd columns array: with code
 * MD_OK, md_batch_new(schema, columns); otherwise frees the columns and the
 * schema and returns code. The array itself is always freed. */
md_code batch_build(md_schema *schema, md_column **columns, int n, md_code code, md_batch **out, md_error *err);
/* A batch of the given columns' rows at indices; borrows schema (copied). */
md_code batch_take(const md_batch *batch, const int64_t *indices, int64_t n, md_batch **out, md_error *err);
/* A scalar as text ("NULL", "12.34", "'abc'", "DATE '2024-02-29'"). */
void scalar_format(const md_scalar *value, char *buf, size_t size);
/* Text of row i for error messages ("null", "12.34", "'abc'"). */
void column_format_value(const md_column *column, int64_t i, char *buf, size_t size);

/* ------------------------------------------------------------------ hashing */

uint64_t hash_bytes(const void *bytes, size_t len, uint64_t seed);
static inline uint64_t hash_mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

/* ------------------------------------------------------------------ kernels */

md_code kernel_cast(const md_column *in, md_type to, md_column **out, md_error *err);
/* ADD, SUB, MUL (operands of the common type, or decimals of any scales for MUL)
 * into result type; DIV into float64; NEG. */
md_code kernel_arith(expr_op op, const md_column *a, const md_column *b, md_type result, md_column **out,
                     md_error *err);
md_code kernel_compare(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err);
md_code kernel_logic(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err);
md_code kernel_is_null(const md_column *a, bool want_null, md_column **out, md_error *err);
md_code kernel_coalesce(md_column *const *args, int n, md_column **out, md_error *err);
md_code kernel_nullif(const md_column *a, const md_column *equal, md_column **out, md_error *err);
/* conds[i] bool, values[i] and otherwise of one type. */
md_code kernel_case(md_column *const *conds, md_column *const *values, int n, const md_column *otherwise,
                    md_column **out, md_error *err);
md_code kernel_string_unary(expr_op op, const md_column *a, md_column **out, md_error *err);
md_code kernel_substring(const md_column *a, int64_t start, int64_t length, md_column **out, md_error *err);
md_code kernel_starts_with(const md_column *a, const uint8_t *prefix, int64_t len, md_column **out,
                           md_error *err);
md_code kernel_concat(md_column *const *args, int n, md_column **out, md_error *err);
/* set: the candidate values, of a's type (nulls allowed). */
md_code kernel_in_set(const md_column *a, const md_column *set, md_column **out, md_error *err);
md_code kernel_date_unary(expr_op op, const md_column *a, md_column **out, md_error *err);
md_code kernel_date_binary(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err);
md_code kernel_hmac(const md_column *a, const uint8_t *key, int64_t key_len, md_column **out, md_error *err);

static inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
/* Days since 1970-01-01 of a date32 or timestamp value. */
int64_t temporal_days(md_type type, int64_t value);
void civil_from_days(int64_t days, int64_t *year, int *month, int *day);
int64_t days_from_civil(int64_t year, int month, int day);

#endif
