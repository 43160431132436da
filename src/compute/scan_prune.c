/* scan_prune.c — deciding from statistics that a file or row group cannot hold
 * a row that a filter keeps, so the scan may skip it.
 *
 * The filter itself always stays above the scan: pruning is only allowed to
 * drop data that provably fails it, never to decide which rows pass. So every
 * doubt (missing statistics, a type pair we do not compare, floats whose NaNs
 * statistics may omit, an expression shape we do not understand) answers
 * "may match" and the data is read. */
#include "scan_internal.h"

static bool is_signed_int(md_type_id id) { return id >= MD_TYPE_INT8 && id <= MD_TYPE_INT64; }
static bool is_unsigned_int(md_type_id id) { return id >= MD_TYPE_UINT8 && id <= MD_TYPE_UINT64; }

static int sign3(int c) { return (c > 0) - (c < 0); }

/* Compares two non-null scalars when their order is certain to be the one the
 * engine's comparison uses; false when we do not know. */
static bool scalar_order(const md_scalar *a, const md_scalar *b, int *out) {
  md_type_id x = a->type.id, y = b->type.id;
  if (a->is_null || b->is_null) return false;
  if (is_signed_int(x) && is_signed_int(y)) {
    *out = (a->v.i > b->v.i) - (a->v.i < b->v.i);
    return true;
  }
  if (is_unsigned_int(x) && is_unsigned_int(y)) {
    *out = (a->v.u > b->v.u) - (a->v.u < b->v.u);
    return true;
  }
  if (x != y) return false;
  switch (x) {
    case MD_TYPE_DATE32:
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: *out = sign3(md_scalar_compare(a, b)); return true;
    case MD_TYPE_TIMESTAMP:
      if (a->type.unit != b->type.unit) return false;
      *out = (a->v.i > b->v.i) - (a->v.i < b->v.i);
      return true;
    case MD_TYPE_DECIMAL128: {
      if (a->type.scale != b->type.scale) return false;
      i128 p = ((i128)a->v.decimal.high << 64) | (i128)a->v.decimal.low;
      i128 q = ((i128)b->v.decimal.high << 64) | (i128)b->v.decimal.low;
      *out = (p > q) - (p < q);
      return true;
    }
    default: return false;
  }
}

static expr_op flip(expr_op op) {
  switch (op) {
    case EXPR_LT: return EXPR_GT;
    case EXPR_LE: return EXPR_GE;
    case EXPR_GT: return EXPR_LT;
    case EXPR_GE: return EXPR_LE;
    default: return op;
  }
}

/* column <op> literal over a chunk with these statistics. */
static bool compare_may_match(expr_op op, const scan_col_stats *s, const md_scalar *lit) {
  if (lit->is_null) return false; /* a comparison with null is never true */
  if (s->all_null) return false;
  if (!s->has_min_max) return true;
  int lo, hi; /* min vs lit, max vs lit */
  if (!scalar_order(&s->min, lit, &lo) || !scalar_order(&s->max, lit, &hi)) return true;
  switch (op) {
    case EXPR_EQ: return lo <= 0 && hi >= 0;
    case EXPR_NE: return !(lo == 0 && hi == 0);
    case EXPR_LT: return lo < 0;
    case EXPR_LE: return lo <= 0;
    case EXPR_GT: return hi > 0;
    case EXPR_GE: return hi >= 0;
    default: return true;
  }
}

bool scan_may_match(const md_expr *e, scan_stats_fn lookup, void *ctx) {
  if (!e) return true;
  scan_col_stats s;
  switch (e->op) {
    case EXPR_AND: return scan_may_match(e->args[0], lookup, ctx) && scan_may_match(e->args[1], lookup, ctx);
    case EXPR_OR: return scan_may_match(e->args[0], lookup, ctx) || scan_may_match(e->args[1], lookup, ctx);
    case EXPR_LITERAL:
      /* A filter folded to false or null keeps nothing. */
      return !(e->literal.type.id == MD_TYPE_BOOL && (e->literal.is_null || !e->literal.v.b));
    case EXPR_EQ:
    case EXPR_NE:
    case EXPR_LT:
    case EXPR_LE:
    case EXPR_GT:
    case EXPR_GE: {
      const md_expr *a = e->args[0], *b = e->args[1];
      if (a->op == EXPR_COLUMN && b->op == EXPR_LITERAL) {
        if (!lookup(ctx, a->name, &s)) return true;
        return compare_may_match(e->op, &s, &b->literal);
      }
      if (a->op == EXPR_LITERAL && b->op == EXPR_COLUMN) {
        if (!lookup(ctx, b->name, &s)) return true;
        return compare_may_match(flip(e->op), &s, &a->literal);
      }
      return true;
    }
    case EXPR_IS_NULL:
      if (e->args[0]->op != EXPR_COLUMN || !lookup(ctx, e->args[0]->name, &s)) return true;
      return !(s.has_null_count && s.null_count == 0 && !s.all_null);
    case EXPR_IS_NOT_NULL:
      if (e->args[0]->op != EXPR_COLUMN || !lookup(ctx, e->args[0]->name, &s)) return true;
      return !s.all_null;
    case EXPR_IN_SET: {
      if (e->args[0]->op != EXPR_COLUMN || !lookup(ctx, e->args[0]->name, &s)) return true;
      for (int i = 0; i < e->num_set; i++)
        if (compare_may_match(EXPR_EQ, &s, &e->set[i])) return true;
      return false;
    }
    default: return true;
  }
}

/* ----------------------------------------------------- Parquet statistics */

void scan_parquet_chunk_stats(const md_parquet_chunk_info *chunk, int64_t rows, scan_col_stats *out) {
  memset(out, 0, sizeof *out);
  out->has_null_count = chunk->has_null_count;
  out->null_count = chunk->null_count;
  out->all_null = chunk->has_null_count && rows > 0 && chunk->null_count >= rows;
  md_type_id id = chunk->min.type.id;
  bool floating = id == MD_TYPE_FLOAT32 || id == MD_TYPE_FLOAT64;
  /* Legacy min/max were written with signed byte order for strings and are
   * unreliable for anything but signed integers. */
  bool trusted = !chunk->min_max_deprecated || is_signed_int(id) || id == MD_TYPE_DATE32;
  if (chunk->has_min_max && trusted && !floating && !chunk->min.is_null && !chunk->max.is_null) {
    out->has_min_max = true;
    out->min = chunk->min;
    out->max = chunk->max;
  }
}
