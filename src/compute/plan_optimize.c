/* plan_optimize.c — rewriting a plan before execution: constant folding,
 * predicate pushdown and projection pushdown.
 *
 * Every rewrite keeps the plan's output (names, types, rows) unchanged; a
 * rewrite that cannot be proven safe is simply not done. Failures (out of
 * memory) leave the plan as it was at that point, which is still correct. */
#include <stdlib.h>

#include "plan_internal.h"

/* ----------------------------------------------------------- constant folding */

static bool is_bool_literal(const md_expr *e, bool value) {
  return e->op == EXPR_LITERAL && !e->literal.is_null && e->literal.type.id == MD_TYPE_BOOL && e->literal.v.b == value;
}

/* Returns the folded expression (e itself, or a replacement after freeing e). */
static md_expr *fold(md_expr *e) {
  if (!e) return NULL;
  for (int i = 0; i < e->num_args; i++) e->args[i] = fold(e->args[i]);
  if (e->op == EXPR_AND || e->op == EXPR_OR) {
    /* false AND x = false, true OR x = true (whatever x, even null);
     * true AND x = x, false OR x = x. */
    bool absorbing = e->op == EXPR_OR;
    for (int i = 0; i < 2; i++) {
      if (is_bool_literal(e->args[i], absorbing)) {
        md_expr *keep = e->args[i];
        e->args[i] = NULL;
        md_expr_free(e);
        return keep;
      }
      if (is_bool_literal(e->args[i], !absorbing)) {
        md_expr *other = e->args[1 - i];
        e->args[1 - i] = NULL;
        md_expr_free(e);
        return other;
      }
    }
  }
  if (e->op == EXPR_COLUMN || e->op == EXPR_LITERAL || !expr_is_constant(e)) return e;
  md_column *value = NULL;
  if (expr_eval_rows(e, NULL, 1, &value, NULL) != MD_OK) return e; /* the error will surface at execution */
  md_scalar scalar = column_scalar_at(value, 0);
  md_expr *literal = md_type_is_nested(scalar.type) ? NULL : md_lit(scalar);
  md_column_free(value);
  if (!literal) return e;
  md_expr_free(e);
  return literal;
}

static void fold_plan(md_plan *plan) {
  for (int i = 0; i < plan->num_inputs; i++) fold_plan(plan->inputs[i]);
  if (plan->predicate) plan->predicate = fold(plan->predicate);
  for (int i = 0; i < plan->num_exprs; i++) plan->exprs[i] = fold(plan->exprs[i]);
}

/* ------------------------------------------------------------ name sets */

typedef struct names {
  char **items;
  int count, capacity;
  bool all; /* every column */
} names;

static bool names_has(const names *s, const char *name) {
  if (s->all) return true;
  for (int i = 0; i < s->count; i++)
    if (strcmp(s->items[i], name) == 0) return true;
  return false;
}

static void names_add(const char *name, void *ctx) {
  names *s = ctx;
  if (s->all || names_has(s, name)) return;
  if (s->count == s->capacity) {
    int cap = s->capacity ? s->capacity * 2 : 8;
    char **grown = realloc(s->items, (size_t)cap * sizeof *grown);
    if (!grown) {
      s->all = true; /* out of memory: fall back to keeping everything */
      return;
    }
    s->items = grown;
    s->capacity = cap;
  }
  char *copy = strdup(name);
  if (!copy) {
    s->all = true;
    return;
  }
  s->items[s->count++] = copy;
}

static void names_free(names *s) {
  for (int i = 0; i < s->count; i++) free(s->items[i]);
  free(s->items);
}

static names names_of_expr(const md_expr *e) {
  names s = {0};
  if (e) expr_visit_columns(e, names_add, &s);
  return s;
}

/* True when every name in s is a field of schema (or, with allowed, in allowed). */
static bool names_within(const names *s, const md_schema *schema, char *const *allowed, int num_allowed) {
  for (int i = 0; i < s->count; i++) {
    bool ok = false;
    if (schema) ok = md_schema_find(schema, s->items[i]) >= 0;
    for (int j = 0; !ok && j < num_allowed; j++) ok = strcmp(allowed[j], s->items[i]) == 0;
    if (!ok) return false;
  }
  return !s->all;
}

/* ---------------------------------------------------------- predicate pushdown */

typedef struct conjuncts {
  md_expr **items;
  int count, capacity;
} conjuncts;

static bool conjuncts_add(conjuncts *c, md_expr *e) {
  if (c->count == c->capacity) {
    int cap = c->capacity ? c->capacity * 2 : 8;
    md_expr **grown = realloc(c->items, (size_t)cap * sizeof *grown);
    if (!grown) return false;
    c->items = grown;
    c->capacity = cap;
  }
  c->items[c->count++] = e;
  return true;
}

/* Splits e (owned) at its top-level ANDs. */
static bool split(md_expr *e, conjuncts *out) {
  if (e->op == EXPR_AND) {
    md_expr *a = e->args[0], *b = e->args[1];
    e->args[0] = e->args[1] = NULL;
    md_expr_free(e);
    return split(a, out) && split(b, out);
  }
  return conjuncts_add(out, e);
}

/* ANDs the conjuncts back together (consumed). NULL when there are none. */
static md_expr *combine(conjuncts *c) {
  md_expr *e = NULL;
  for (int i = 0; i < c->count; i++) e = e ? md_and(e, c->items[i]) : c->items[i];
  free(c->items);
  c->items = NULL;
  c->count = c->capacity = 0;
  return e;
}

/* Puts a filter with predicate (owned) directly above *slot; false (predicate
 * freed) when memory runs out. */
static bool wrap_filter(md_plan **slot, md_expr *predicate) {
  md_plan *filter = predicate ? plan_new(PLAN_FILTER, 1) : NULL;
  if (!filter) {
    md_expr_free(predicate);
    return false;
  }
  filter->inputs[0] = *slot;
  filter->predicate = predicate;
  *slot = filter;
  return true;
}

typedef struct substitution {
  const md_plan *project;
} substitution;

static md_expr *project_expr_for(const char *name, void *ctx) {
  const md_plan *project = ((substitution *)ctx)->project;
  for (int i = 0; i < project->num_exprs; i++)
    if (strcmp(project->names[i], name) == 0) return md_expr_copy(project->exprs[i]);
  return NULL;
}

/* The conjunct rewritten over the project's input, or NULL. */
static md_expr *through_project(const md_plan *project, md_expr *e) {
  substitution ctx = {project};
  if (e->op == EXPR_COLUMN) {
    md_expr *replacement = project_expr_for(e->name, &ctx);
    md_expr_free(e);
    return replacement;
  }
  if (!expr_rewrite_columns(e, project_expr_for, &ctx)) {
    md_expr_free(e);
    return NULL;
  }
  return e;
}

static void push_down(md_plan **slot, bool is_root);

/* Tries to move conjunct e (owned) below node; true when it did. */
static bool push_conjunct(md_plan *node, md_expr *e) {
  names refs = names_of_expr(e);
  bool pushed = false;
  md_schema *left = NULL;
  switch (node->kind) {
    case PLAN_PROJECT: {
      md_expr *copy = md_expr_copy(e);
      md_expr *rewritten = copy ? through_project(node, copy) : NULL;
      pushed = rewritten && wrap_filter(&node->inputs[0], rewritten);
      break;
    }
    case PLAN_SORT: pushed = wrap_filter(&node->inputs[0], md_expr_copy(e)); break;
    case PLAN_UNION:
      /* A filter pushed into some inputs but kept above too is still correct. */
      pushed = true;
      for (int i = 0; i < node->num_inputs; i++) pushed = wrap_filter(&node->inputs[i], md_expr_copy(e)) && pushed;
      break;
    case PLAN_AGGREGATE:
    case PLAN_KEEP_LATEST:
      /* Only conditions on the grouping keys select whole groups. */
      if (node->num_keys > 0 && names_within(&refs, NULL, node->keys, node->num_keys))
        pushed = wrap_filter(&node->inputs[0], md_expr_copy(e));
      break;
    case PLAN_JOIN:
      if (node->join_type != MD_JOIN_FULL && plan_derive_schema(node->inputs[0], &left, NULL) == MD_OK &&
          names_within(&refs, left, NULL, 0))
        pushed = wrap_filter(&node->inputs[0], md_expr_copy(e));
      md_schema_free(left);
      break;
    default: break;
  }
  names_free(&refs);
  if (pushed) md_expr_free(e);
  return pushed;
}

static void push_down(md_plan **slot, bool is_root) {
  md_plan *plan = *slot;
  if (plan->kind == PLAN_FILTER) {
    /* Merge stacked filters, then try each conjunct one level down. */
    while (plan->inputs[0]->kind == PLAN_FILTER) {
      md_plan *child = plan->inputs[0];
      md_expr *merged = md_and(plan->predicate, child->predicate);
      child->predicate = NULL;
      plan->predicate = merged;
      plan->inputs[0] = child->inputs[0];
      child->inputs[0] = NULL;
      child->num_inputs = 0;
      md_plan_free(child);
      if (!merged) return;
    }
    conjuncts parts = {0}, kept = {0};
    md_expr *predicate = plan->predicate;
    plan->predicate = NULL;
    if (!split(predicate, &parts)) {
      plan->predicate = combine(&parts);
      return;
    }
    for (int i = 0; i < parts.count; i++) {
      if (is_bool_literal(parts.items[i], true)) md_expr_free(parts.items[i]);
      else if (!push_conjunct(plan->inputs[0], parts.items[i])) conjuncts_add(&kept, parts.items[i]);
    }
    free(parts.items);
    plan->predicate = combine(&kept);
    if (!plan->predicate && is_root) {
      plan->predicate = md_lit_bool(true); /* the caller holds the root: keep the node */
    } else if (!plan->predicate) {
      /* Everything moved down: the filter disappears. */
      *slot = plan->inputs[0];
      plan->inputs[0] = NULL;
      plan->num_inputs = 0;
      md_plan_free(plan);
      push_down(slot, false);
      return;
    }
  }
  for (int i = 0; i < plan->num_inputs; i++) push_down(&plan->inputs[i], false);
}

/* --------------------------------------------------------- projection pushdown */

static void prune(md_plan *plan, const names *required) {
  names child = {0};
  switch (plan->kind) {
    case PLAN_SOURCE: {
      if (required->all || plan->source_columns) break;
      int fields = md_schema_num_fields(plan->source_schema), kept = 0;
      int *columns = malloc((size_t)(fields > 0 ? fields : 1) * sizeof *columns);
      if (!columns) break;
      for (int i = 0; i < fields; i++)
        if (names_has(required, md_field_name(md_schema_field(plan->source_schema, i)))) columns[kept++] = i;
      if (kept == 0 && fields > 0) columns[kept++] = 0; /* rows still need counting */
      if (kept == fields) {
        free(columns);
        break;
      }
      plan->source_columns = columns;
      plan->num_source_columns = kept;
      break;
    }
    case PLAN_FILTER:
      child = *required;
      child.items = NULL;
      child.count = child.capacity = 0;
      for (int i = 0; i < required->count; i++) names_add(required->items[i], &child);
      expr_visit_columns(plan->predicate, names_add, &child);
      prune(plan->inputs[0], &child);
      break;
    case PLAN_PROJECT: {
      if (!required->all) {
        int kept = 0;
        for (int i = 0; i < plan->num_exprs; i++) {
          if (names_has(required, plan->names[i]) || (kept == 0 && i == plan->num_exprs - 1)) {
            plan->exprs[kept] = plan->exprs[i];
            plan->names[kept++] = plan->names[i];
          } else {
            md_expr_free(plan->exprs[i]);
            free(plan->names[i]);
          }
        }
        plan->num_exprs = kept;
      }
      for (int i = 0; i < plan->num_exprs; i++) expr_visit_columns(plan->exprs[i], names_add, &child);
      prune(plan->inputs[0], &child);
      break;
    }
    case PLAN_JOIN: {
      md_schema *left = NULL, *right = NULL;
      names right_needed = {0};
      if (plan_derive_schema(plan, &left, NULL) != MD_OK) break; /* fixes the right output names */
      md_schema_free(left);
      left = NULL;
      if (plan_derive_schema(plan->inputs[0], &left, NULL) == MD_OK &&
          plan_derive_schema(plan->inputs[1], &right, NULL) == MD_OK) {
        child.all = required->all;
        right_needed.all = required->all || plan->join_type == MD_JOIN_SEMI || plan->join_type == MD_JOIN_ANTI
                               ? required->all
                               : false;
        for (int i = 0; !child.all && i < md_schema_num_fields(left); i++) {
          const char *name = md_field_name(md_schema_field(left, i));
          if (names_has(required, name)) names_add(name, &child);
        }
        for (int k = 0; k < plan->num_keys; k++) {
          names_add(plan->left_keys[k], &child);
          names_add(plan->right_keys[k], &right_needed);
        }
        for (int i = 0; !right_needed.all && i < md_schema_num_fields(right); i++) {
          const char *name = md_field_name(md_schema_field(right, i));
          if (plan->join_type != MD_JOIN_SEMI && plan->join_type != MD_JOIN_ANTI &&
              names_has(required, plan_right_output_name(plan, name)))
            names_add(name, &right_needed);
        }
        prune(plan->inputs[0], &child);
        prune(plan->inputs[1], &right_needed);
      }
      md_schema_free(left);
      md_schema_free(right);
      names_free(&right_needed);
      break;
    }
    case PLAN_AGGREGATE:
      for (int k = 0; k < plan->num_keys; k++) names_add(plan->keys[k], &child);
      for (int a = 0; a < plan->num_aggs; a++)
        if (plan->aggs[a].fn != MD_AGG_COUNT_ALL) names_add(plan->aggs[a].column, &child);
      prune(plan->inputs[0], &child);
      break;
    case PLAN_SORT:
    case PLAN_KEEP_LATEST:
    case PLAN_LIMIT:
    case PLAN_UNION:
      child.all = required->all;
      for (int i = 0; i < required->count; i++) names_add(required->items[i], &child);
      for (int k = 0; plan->kind == PLAN_SORT && k < plan->num_sort_keys; k++) names_add(plan->sort_keys[k].column, &child);
      for (int k = 0; plan->kind == PLAN_KEEP_LATEST && k < plan->num_keys; k++) names_add(plan->keys[k], &child);
      if (plan->kind == PLAN_KEEP_LATEST) names_add(plan->order_column, &child);
      for (int i = 0; i < plan->num_inputs; i++) prune(plan->inputs[i], &child);
      break;
  }
  names_free(&child);
}

/* Gives each file scan a copy of the filter right above it, for pruning. */
static void attach_scan_predicates(md_plan *plan) {
  for (int i = 0; i < plan->num_inputs; i++) attach_scan_predicates(plan->inputs[i]);
  if (plan->kind == PLAN_FILTER && plan->inputs[0]->kind == PLAN_SOURCE && plan->inputs[0]->scan) {
    md_plan *scan = plan->inputs[0];
    md_expr_free(scan->scan_predicate);
    scan->scan_predicate = md_expr_copy(plan->predicate); /* NULL (no pruning) when out of memory */
  }
}

void plan_optimize(md_plan *plan, md_error *err) {
  (void)err;
  if (!plan || plan->optimized) return;
  /* Check first: a plan with mistakes is left as built, for execution to report. */
  md_schema *schema = NULL;
  if (plan_derive_schema(plan, &schema, NULL) != MD_OK) return;
  md_schema_free(schema);
  fold_plan(plan);
  md_plan *root = plan;
  push_down(&root, true);
  names all = {0};
  all.all = true;
  prune(plan, &all);
  attach_scan_predicates(plan);
  plan->optimized = true;
}
