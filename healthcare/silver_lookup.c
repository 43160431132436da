/* silver_lookup.c — enriching silver rows from a small reference table
 * (tariff codes, PMB conditions) as a left join would, but with expressions:
 * a join copies every column of every probed row into its output, while
 * `code IN (...)` over the reference's codes adds only the looked-up columns
 * (one hash lookup per row and per distinct value, on the executor's threads)
 * and passes the row's other columns through untouched. A reference table
 * too large or of other types than text for that keeps the join. */
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"

enum { LOOKUP_MAX_ROWS = 65536, LOOKUP_MAX_VALUES = 64 };

md_plan *hc_lookup(md_batch *ref, const char *code, const char *value, const char *value_as, const char *marker) {
  md_expr *e[3] = {md_col(code), md_lit_bool(true), value ? md_col(value) : NULL};
  const char *n[3] = {code, marker, value_as};
  return md_plan_project(hc_scan(ref), e, n, value ? 3 : 2);
}

static md_scalar text_at(const md_column *c, int64_t r) {
  const int32_t *off = md_column_offsets(c);
  md_scalar s = {.type = md_type_make(MD_TYPE_UTF8)};
  s.v.bytes.ptr = md_column_data(c) + off[r];
  s.v.bytes.length = off[r + 1] - off[r];
  return s;
}

static bool same_text(md_scalar a, md_scalar b) {
  return a.v.bytes.length == b.v.bytes.length && memcmp(a.v.bytes.ptr, b.v.bytes.ptr, (size_t)a.v.bytes.length) == 0;
}

/* CASE WHEN column IN (codes) THEN true END: true, or null like a missing join partner. */
static md_expr *found_expr(const char *column, const md_scalar *codes, int n) {
  if (n == 0) return md_lit_null(md_type_make(MD_TYPE_BOOL));
  md_expr *cond = md_in_set(md_col(column), codes, n), *yes = md_lit_bool(true);
  return md_case_when(&cond, &yes, 1, NULL);
}

/* CASE WHEN column IN (codes of v1) THEN v1 WHEN ... END; rows whose value is
 * null fall through to null, as the join would give. false when there are
 * more distinct values than the expression should carry. */
static bool value_expr(const char *column, const md_column *codes, const md_column *values, md_expr **out) {
  int64_t rows = md_column_length(codes);
  md_scalar distinct[LOOKUP_MAX_VALUES];
  int k = 0;
  int *which = malloc((size_t)rows * sizeof *which + 1);
  md_scalar *set = malloc((size_t)rows * sizeof *set + 1);
  bool ok = which && set;
  for (int64_t r = 0; ok && r < rows; r++) {
    which[r] = -1;
    if (md_column_is_null(codes, r) || md_column_is_null(values, r)) continue;
    md_scalar v = text_at(values, r);
    int j = 0;
    while (j < k && !same_text(distinct[j], v)) j++;
    if (j == k && (ok = k < LOOKUP_MAX_VALUES)) distinct[k++] = v;
    which[r] = j;
  }
  md_expr *conds[LOOKUP_MAX_VALUES], *vals[LOOKUP_MAX_VALUES];
  for (int j = 0; ok && j < k; j++) {
    int n = 0;
    for (int64_t r = 0; r < rows; r++)
      if (which[r] == j) set[n++] = text_at(codes, r);
    conds[j] = md_in_set(md_col(column), set, n);
    vals[j] = md_lit(distinct[j]);
  }
  if (ok) *out = k ? md_case_when(conds, vals, k, NULL) : md_lit_null(md_type_make(MD_TYPE_UTF8));
  free(which);
  free(set);
  return ok;
}

static bool is_text(const md_batch *b, int column) {
  return column >= 0 && md_field_type(md_schema_field(md_batch_schema(b), column)).id == MD_TYPE_UTF8;
}

md_plan *hc_join_lookup(md_plan *rows, md_batch *ref, const char *code, const char *value, const char *value_as,
                        const char *marker) {
  const md_schema *rs = md_batch_schema(ref);
  int ci = md_schema_find(rs, code), vi = value ? md_schema_find(rs, value) : -1;
  int64_t n = md_batch_num_rows(ref);
  md_schema *schema = NULL;
  bool small = n <= LOOKUP_MAX_ROWS && is_text(ref, ci) && (!value || is_text(ref, vi)) &&
               md_plan_schema(rows, &schema, NULL) == MD_OK && md_schema_find(schema, code) >= 0 &&
               md_field_type(md_schema_field(schema, md_schema_find(schema, code))).id == MD_TYPE_UTF8;
  int nf = schema ? md_schema_num_fields(schema) : 0;
  md_expr **e = small ? calloc((size_t)nf + 2, sizeof *e) : NULL;
  const char **names = small ? calloc((size_t)nf + 2, sizeof *names) : NULL;
  md_scalar *codes = small ? malloc((size_t)n * sizeof *codes + 1) : NULL;
  md_expr *looked_up = NULL;
  small = small && e && names && codes && (!value || value_expr(code, md_batch_column(ref, ci), md_batch_column(ref, vi),
                                                                &looked_up));
  md_plan *out = NULL;
  if (small) {
    int k = 0;
    const md_column *c = md_batch_column(ref, ci);
    for (int64_t r = 0; r < n; r++)
      if (!md_column_is_null(c, r)) codes[k++] = text_at(c, r);
    for (int i = 0; i < nf; i++) {
      names[i] = md_field_name(md_schema_field(schema, i));
      e[i] = md_col(names[i]);
    }
    /* The join's column order: the rows' columns, the marker, the value. */
    e[nf] = found_expr(code, codes, k);
    names[nf] = marker;
    if (value) {
      e[nf + 1] = looked_up;
      names[nf + 1] = value_as;
    }
    out = md_plan_project(rows, e, names, value ? nf + 2 : nf + 1);
  } else {
    md_expr_free(looked_up);
    out = md_plan_join(rows, hc_lookup(ref, code, value, value_as, marker), MD_JOIN_LEFT, &code, &code, 1);
  }
  free(e);
  free(names);
  free(codes);
  md_schema_free(schema);
  return out;
}
