/* plan_explain.c — the optimised plan as indented text, one operator per line,
 * so that a reader can see what pushdown did ("Scan ... columns [A, B]" below a
 * "Filter" that moved there). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan_internal.h"
#include "scan_internal.h"

typedef struct out_text {
  char *buf;
  size_t used, capacity;
  bool failed;
} out_text;

static void emit(out_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(out_text *t, const char *fmt, ...) {
  if (t->failed) return;
  va_list ap;
  va_start(ap, fmt);
  char line[2048];
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  if (t->used + len + 1 > t->capacity) {
    size_t cap = t->capacity ? t->capacity * 2 : 1024;
    while (cap < t->used + len + 1) cap *= 2;
    char *grown = realloc(t->buf, cap);
    if (!grown) {
      t->failed = true;
      return;
    }
    t->buf = grown;
    t->capacity = cap;
  }
  memcpy(t->buf + t->used, line, len);
  t->used += len;
  t->buf[t->used] = '\0';
}

static const char *agg_name(md_agg_fn fn) {
  static const char *names[] = {"count(*)", "count", "count_distinct", "sum", "min", "max", "mean"};
  return names[fn];
}

static void render(out_text *t, const md_plan *plan, int depth) {
  char expr[1024];
  emit(t, "%*s%s", depth * 2, "", plan_kind_name(plan->kind));
  switch (plan->kind) {
    case PLAN_SOURCE: {
      int64_t rows = 0;
      for (int i = 0; i < plan->num_batches; i++) rows += md_batch_num_rows(plan->batches[i]);
      if (plan->scan && plan->scan->snapshot)
        emit(t, " delta version=%" PRId64 " files=%" PRId64 " columns=[", md_delta_snapshot_version(plan->scan->snapshot),
             md_delta_snapshot_num_files(plan->scan->snapshot));
      else if (plan->scan)
        emit(t, " parquet files=%d first=%s columns=[", plan->scan->num_paths, plan->scan->paths[0]);
      else
        emit(t, " batches=%d rows=%" PRId64 " columns=[", plan->num_batches, rows);
      int n = plan->source_columns ? plan->num_source_columns : md_schema_num_fields(plan->source_schema);
      for (int i = 0; i < n; i++)
        emit(t, "%s%s", i ? ", " : "",
             md_field_name(md_schema_field(plan->source_schema, plan->source_columns ? plan->source_columns[i] : i)));
      emit(t, "]");
      if (plan->scan_predicate) {
        md_expr_format(plan->scan_predicate, expr, sizeof expr);
        emit(t, " prune_by=%s", expr);
      }
      break;
    }
    case PLAN_FILTER:
      md_expr_format(plan->predicate, expr, sizeof expr);
      emit(t, " %s", expr);
      break;
    case PLAN_PROJECT:
      for (int i = 0; i < plan->num_exprs; i++) {
        md_expr_format(plan->exprs[i], expr, sizeof expr);
        emit(t, "%s%s := %s", i ? ", " : " ", plan->names[i], expr);
      }
      break;
    case PLAN_JOIN: {
      static const char *types[] = {"inner", "left", "semi", "anti", "full"};
      emit(t, " %s on", types[plan->join_type]);
      for (int k = 0; k < plan->num_keys; k++)
        emit(t, "%s%s = %s", k ? " AND " : " ", plan->left_keys[k], plan->right_keys[k]);
      break;
    }
    case PLAN_AGGREGATE:
      emit(t, " by [");
      for (int k = 0; k < plan->num_keys; k++) emit(t, "%s%s", k ? ", " : "", plan->keys[k]);
      emit(t, "]");
      for (int a = 0; a < plan->num_aggs; a++)
        emit(t, "%s%s := %s(%s)", a ? ", " : " ", plan->aggs[a].name, agg_name(plan->aggs[a].fn),
             plan->aggs[a].fn == MD_AGG_COUNT_ALL ? "" : plan->aggs[a].column);
      break;
    case PLAN_SORT:
      for (int k = 0; k < plan->num_sort_keys; k++)
        emit(t, "%s%s %s NULLS %s", k ? ", " : " ", plan->sort_keys[k].column,
             plan->sort_keys[k].descending ? "DESC" : "ASC", plan->sort_keys[k].nulls_first ? "FIRST" : "LAST");
      break;
    case PLAN_KEEP_LATEST:
      emit(t, " by [");
      for (int k = 0; k < plan->num_keys; k++) emit(t, "%s%s", k ? ", " : "", plan->keys[k]);
      emit(t, "] greatest %s", plan->order_column);
      break;
    case PLAN_LIMIT: emit(t, " %" PRId64, plan->limit); break;
    case PLAN_UNION: break;
  }
  emit(t, "\n");
  for (int i = 0; i < plan->num_inputs; i++) render(t, plan->inputs[i], depth + 1);
}

md_code md_plan_explain(md_plan *plan, char **out, md_error *err) {
  if (!plan || !out) return md_error_set(err, MD_ERR_INVALID, "explain: NULL plan (out of memory while building it?)");
  md_schema *schema = NULL;
  md_code code = plan_derive_schema(plan, &schema, err);
  if (code != MD_OK) return code;
  md_schema_free(schema);
  plan_optimize(plan, err);
  out_text t = {0};
  render(&t, plan, 0);
  if (t.failed || !t.buf) {
    free(t.buf);
    return md_error_set(err, MD_ERR_NOMEM, "explain: out of memory");
  }
  *out = t.buf;
  return MD_OK;
}
