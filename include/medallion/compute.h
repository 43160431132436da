/* compute.h — Medallion's compute engine: expressions with SQL null semantics
 * over record batches, relational operators (filter, project, hash join, hash
 * aggregation, sort, keep-latest-by-key, union, limit) and a lazy plan that is
 * optimised (predicate and projection pushdown, constant folding) before it is
 * executed batch by batch.
 *
 * Expressions
 *  - An md_expr is an immutable tree. Constructors take ownership of their
 *    argument expressions (also on failure) and return NULL only when memory
 *    runs out or an argument is NULL, so calls nest without checks in between;
 *    the NULL then surfaces as MD_ERR_NOMEM when the expression is used.
 *  - Nulls follow SQL: an operator on a null operand gives null, except
 *    and/or (three-valued logic), is null / is not null, coalesce, case-when and
 *    in-set (which is null when nothing matches and the set holds a null).
 *  - Integer arithmetic is done in int64 whatever the operand widths; a result
 *    outside int64 is MD_ERR_OVERFLOW naming the operands and the row, never a
 *    wrap. Integers mixed with floats give float64. Division always gives
 *    float64, and dividing by zero gives null (as SQLite does, and as gold's
 *    ratios want). Integers mixed with decimals are treated as decimal(19,0).
 *  - Decimal rules (p = precision, s = scale; results capped at 38 digits):
 *      a + b, a - b: scale max(s1, s2), precision max(p1-s1, p2-s2) + scale + 1
 *      a * b:        scale s1 + s2,     precision p1 + p2 + 1
 *    A value that does not fit the result precision is MD_ERR_OVERFLOW. Decimals
 *    mixed with floats give float64.
 *  - Casts check that the value fits and report the first one that does not,
 *    e.g. "cast: row 3: 300 does not fit in int8". Decimal scale reductions round
 *    half away from zero; float to integer truncates toward zero.
 *  - Strings are UTF-8: length and substring count characters (code points),
 *    trim/upper/lower touch only ASCII (as silver's normalisation wants).
 *
 * Plans
 *  - Plan constructors take ownership of their input plans and expressions
 *    (also on failure). Names are copied. Mistakes such as an unknown column are
 *    reported when the plan is used (md_plan_schema, md_plan_explain, execution),
 *    naming the operator and the column.
 *  - Execution pulls batches through the tree: scans, filters, projections,
 *    unions, limits and the probe side of joins stream; joins hold their build
 *    (right) side, aggregations their groups, sorts and keep-latest their input. */
#ifndef MEDALLION_COMPUTE_H
#define MEDALLION_COMPUTE_H

#include "medallion/core.h"
#include "medallion/delta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -------------------------------------------------------------- expressions */

typedef struct md_expr md_expr;

void md_expr_free(md_expr *expr);
md_expr *md_expr_copy(const md_expr *expr);

/* A reference to the batch's column named name (copied). */
md_expr *md_col(const char *name);
/* A literal; the scalar's bytes are copied. */
md_expr *md_lit(md_scalar value);
md_expr *md_lit_null(md_type type);
md_expr *md_lit_bool(bool value);
md_expr *md_lit_int(int64_t value);          /* int64 */
md_expr *md_lit_int32(int32_t value);        /* int32 */
md_expr *md_lit_double(double value);        /* float64 */
md_expr *md_lit_str(const char *utf8);       /* utf8, NUL-terminated */
md_expr *md_lit_date(int32_t days);          /* date32: days since 1970-01-01 */
/* decimal(precision, scale) from its unscaled value (e.g. 1234, 12, 2 is 12.34). */
md_expr *md_lit_decimal(int64_t unscaled, int precision, int scale);

/* Arithmetic (see the rules above). */
md_expr *md_add(md_expr *a, md_expr *b);
md_expr *md_sub(md_expr *a, md_expr *b);
md_expr *md_mul(md_expr *a, md_expr *b);
md_expr *md_div(md_expr *a, md_expr *b);
md_expr *md_neg(md_expr *a);

/* Comparisons give bool. Numbers compare by value across int/float/decimal,
 * strings and binary bytewise (unsigned), dates, times and timestamps of the
 * same unit by value. */
md_expr *md_eq(md_expr *a, md_expr *b);
md_expr *md_ne(md_expr *a, md_expr *b);
md_expr *md_lt(md_expr *a, md_expr *b);
md_expr *md_le(md_expr *a, md_expr *b);
md_expr *md_gt(md_expr *a, md_expr *b);
md_expr *md_ge(md_expr *a, md_expr *b);

/* Three-valued logic: false AND null = false, true OR null = true. */
md_expr *md_and(md_expr *a, md_expr *b);
md_expr *md_or(md_expr *a, md_expr *b);
md_expr *md_not(md_expr *a);
md_expr *md_is_null(md_expr *a);
md_expr *md_is_not_null(md_expr *a);
/* The first non-null argument; arguments must share a type (numbers are
 * promoted as in arithmetic). Takes ownership of the array's entries. */
md_expr *md_coalesce(md_expr **args, int num_args);
/* null when a = b, else a. */
md_expr *md_nullif(md_expr *a, md_expr *b);
/* CASE WHEN conditions[0] THEN values[0] ... ELSE otherwise END. otherwise may
 * be NULL (null of the values' type). Takes ownership of the entries. */
md_expr *md_case_when(md_expr **conditions, md_expr **values, int num_branches, md_expr *otherwise);
md_expr *md_cast(md_expr *a, md_type type);

/* Strings. */
md_expr *md_trim(md_expr *a);  /* ASCII space, \t, \n, \v, \f, \r at both ends */
md_expr *md_upper(md_expr *a); /* ASCII letters only */
md_expr *md_lower(md_expr *a);
md_expr *md_length(md_expr *a); /* characters, int32 */
/* Characters [start, start + length), start counting from 1 (SQL); length < 0
 * means to the end. */
md_expr *md_substring(md_expr *a, int64_t start, int64_t length);
md_expr *md_starts_with(md_expr *a, const char *prefix);
/* Concatenation; null if any argument is null. Takes ownership of the entries. */
md_expr *md_concat(md_expr **args, int num_args);
/* a IN (values...): values must have a's type (numbers are promoted); copied. */
md_expr *md_in_set(md_expr *a, const md_scalar *values, int num_values);

/* Dates (date32, or timestamps, whose date part is used). */
md_expr *md_year(md_expr *a);           /* int32 */
md_expr *md_month(md_expr *a);          /* int32, 1..12 */
md_expr *md_first_of_month(md_expr *a); /* date32 */
/* end - start in days, int32. */
md_expr *md_days_between(md_expr *start, md_expr *end);
md_expr *md_add_days(md_expr *date, md_expr *days);
/* Whole years from start to end: the year difference, minus one when end's
 * (month, day) is before start's. A 29 February birthday is thus reached on
 * 1 March in common years (PIPELINE.md §3 silver/patients AGE). int32. */
md_expr *md_years_between(md_expr *start, md_expr *end);

/* Lower-case hex HMAC-SHA256 of a utf8/binary value under key (copied), via
 * OpenSSL. Computed once per distinct input within a batch. */
md_expr *md_hmac_sha256_hex(md_expr *a, const void *key, size_t key_length);

/* The expression's result type over a schema (checks names and types). */
md_code md_expr_result_type(const md_expr *expr, const md_schema *schema, md_type *out, md_error *err);
/* Evaluate over every row of batch; *out is a new column of the batch's length. */
md_code md_expr_eval(const md_expr *expr, const md_batch *batch, md_column **out, md_error *err);
/* SQL-like text, e.g. "(upper(trim(SOURCE)) = 'A')"; truncated to size. */
void md_expr_format(const md_expr *expr, char *buf, size_t size);

/* -------------------------------------------------------------------- plans */

typedef struct md_plan md_plan;

typedef enum md_join_type {
  MD_JOIN_INNER = 0,
  MD_JOIN_LEFT, /* every left row; right columns null when nothing matches */
  MD_JOIN_SEMI, /* left rows with at least one match, once each; left columns only */
  MD_JOIN_ANTI, /* left rows without a match; left columns only */
  MD_JOIN_FULL  /* left join plus the right rows nothing matched */
} md_join_type;

typedef enum md_agg_fn {
  MD_AGG_COUNT_ALL = 0,  /* rows (column ignored, may be NULL); int64 */
  MD_AGG_COUNT,          /* non-null values; int64 */
  MD_AGG_COUNT_DISTINCT, /* distinct non-null values; int64 */
  MD_AGG_SUM,            /* ints: int64 (overflow is an error); decimal(p,s): decimal(38,s), exact;
                            floats: float64. Null when the group has no non-null value. */
  MD_AGG_MIN,            /* the input type; null when no non-null value */
  MD_AGG_MAX,
  MD_AGG_MEAN            /* float64 (decimals: the exact sum divided); null when no value */
} md_agg_fn;

typedef struct md_agg {
  md_agg_fn fn;
  const char *column; /* input column */
  const char *name;   /* output column */
} md_agg;

typedef struct md_sort_key {
  const char *column;
  bool descending;
  bool nulls_first;
} md_sort_key;

/* A source over in-memory batches (borrowed: their columns are referenced, not
 * copied). schema is copied; every batch must match it. */
md_plan *md_plan_from_batches(const md_schema *schema, md_batch *const *batches, int num_batches);
/* A scan of Parquet files (paths copied), one batch per row group. The first
 * file is opened now for the schema; every file must have those columns (by
 * name, same types; extra columns are ignored). A filter directly above the
 * scan (where predicate pushdown puts it) skips row groups whose statistics
 * (min, max, null count) prove that no row passes; comparisons of a column
 * with a literal, in-set, is [not] null, and/or of those are understood.
 * Projection pushdown reads only the columns used. */
md_code md_plan_scan_parquet(const char *const *paths, int num_paths, md_plan **out, md_error *err);
/* A scan of a Delta snapshot's live files (borrowed: it must outlive the plan
 * and its streams). Files are skipped by partition values and add-action
 * statistics, then row groups as above. */
md_code md_plan_scan_delta(const md_delta_snapshot *snapshot, md_plan **out, md_error *err);
/* Rows where predicate is true (null counts as false). */
md_plan *md_plan_filter(md_plan *input, md_expr *predicate);
/* One output column per expression, named names[i]. */
md_plan *md_plan_project(md_plan *input, md_expr **exprs, const char *const *names, int num_exprs);
/* Hash join on left_keys[i] = right_keys[i] (a null key never matches). Output:
 * the left columns, then the right columns except its keys (names already in
 * the output get the suffix "_right"). A full outer join's key columns hold
 * whichever side's key is present. */
md_plan *md_plan_join(md_plan *left, md_plan *right, md_join_type type, const char *const *left_keys,
                      const char *const *right_keys, int num_keys);
/* Group by keys (nulls form a group, as in SQL's GROUP BY); output: the keys,
 * then one column per aggregate. With no keys, one row over all the input. */
md_plan *md_plan_aggregate(md_plan *input, const char *const *keys, int num_keys, const md_agg *aggs,
                           int num_aggs);
/* Stable multi-key sort. */
md_plan *md_plan_sort(md_plan *input, const md_sort_key *keys, int num_keys);
/* Per key, the row with the greatest order_column (null is older than any
 * value; a tie goes to the later input row). Rows with a null key part are all
 * kept, undeduplicated. Survivors keep their input order. */
md_plan *md_plan_keep_latest(md_plan *input, const char *const *keys, int num_keys, const char *order_column);
/* All rows of every input, in order; schemas must have equal names and types. */
md_plan *md_plan_union(md_plan **inputs, int num_inputs);
md_plan *md_plan_limit(md_plan *input, int64_t limit);
void md_plan_free(md_plan *plan);

/* The output schema (new, owned by the caller). */
md_code md_plan_schema(const md_plan *plan, md_schema **out, md_error *err);
/* Optimises the plan in place and renders it, one operator per line, children
 * indented (malloc'd, caller frees with free()). */
md_code md_plan_explain(md_plan *plan, char **out, md_error *err);

typedef struct md_exec_options {
  int threads;        /* worker threads; 0 = number of online CPUs */
  int64_t batch_rows; /* rows per output batch of blocking operators; 0 = 65536 */
  bool no_optimize;   /* execute the plan as built (for tests and comparison) */
} md_exec_options;

typedef struct md_stream md_stream;

/* Optimises the plan (unless options say not to) and starts it. The plan is
 * borrowed and must outlive the stream. options may be NULL. */
md_code md_plan_execute(md_plan *plan, const md_exec_options *options, md_stream **out, md_error *err);
/* The next batch (owned by the caller), or *out = NULL at the end. */
md_code md_stream_next(md_stream *stream, md_batch **out, md_error *err);
const md_schema *md_stream_schema(const md_stream *stream);
void md_stream_free(md_stream *stream);

/* What the stream's scans have read so far (pruned data is not read). */
typedef struct md_scan_stats {
  int64_t files_total, files_read;           /* files listed, files opened */
  int64_t row_groups_total, row_groups_read; /* in the files opened */
  int64_t rows_read;
} md_scan_stats;
void md_stream_scan_stats(const md_stream *stream, md_scan_stats *out);
/* Execute and gather every row into one batch. */
md_code md_plan_collect(md_plan *plan, const md_exec_options *options, md_batch **out, md_error *err);

/* Concatenate batches of equal schema into one (a copy). */
md_code md_batch_concat(const md_schema *schema, md_batch *const *batches, int num_batches, md_batch **out,
                        md_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_COMPUTE_H */
