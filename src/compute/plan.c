/* plan.c — building lazy plans: the constructors, freeing, and deriving each
 * operator's output schema (which is also where names and types are checked,
 * so every mistake is reported naming the operator and the column). */
#include <stdio.h>
#include <stdlib.h>

#include "plan_internal.h"
#include "scan_internal.h"

char **strings_copy(const char *const *strings, int n) {
  char **copy = calloc(n > 0 ? (size_t)n : 1, sizeof *copy);
  if (!copy) return NULL;
  for (int i = 0; i < n; i++) {
    if (!strings || !strings[i] || !(copy[i] = strdup(strings[i]))) {
      strings_free(copy, n);
      return NULL;
    }
  }
  return copy;
}

void strings_free(char **strings, int n) {
  if (!strings) return;
  for (int i = 0; i < n; i++) free(strings[i]);
  free(strings);
}

md_plan *plan_new(plan_kind kind, int num_inputs) {
  md_plan *plan = calloc(1, sizeof *plan);
  if (!plan) return NULL;
  plan->kind = kind;
  if (num_inputs > 0 && !(plan->inputs = calloc((size_t)num_inputs, sizeof *plan->inputs))) {
    free(plan);
    return NULL;
  }
  plan->num_inputs = num_inputs;
  return plan;
}

void md_plan_free(md_plan *plan) {
  if (!plan) return;
  for (int i = 0; i < plan->num_inputs; i++) md_plan_free(plan->inputs[i]);
  free(plan->inputs);
  md_schema_free(plan->source_schema);
  for (int i = 0; i < plan->num_batches; i++) md_batch_free(plan->batches[i]);
  free(plan->batches);
  free(plan->source_columns);
  scan_source_free(plan->scan);
  md_expr_free(plan->scan_predicate);
  md_expr_free(plan->predicate);
  for (int i = 0; i < plan->num_exprs; i++) md_expr_free(plan->exprs[i]);
  free(plan->exprs);
  strings_free(plan->names, plan->num_exprs);
  strings_free(plan->left_keys, plan->num_keys);
  strings_free(plan->right_keys, plan->num_keys);
  strings_free(plan->keys, plan->num_keys);
  strings_free(plan->right_input_names, plan->num_right_output_names);
  strings_free(plan->right_output_names, plan->num_right_output_names);
  for (int i = 0; i < plan->num_aggs; i++) {
    free((char *)plan->aggs[i].column);
    free((char *)plan->aggs[i].name);
  }
  free(plan->aggs);
  for (int i = 0; i < plan->num_sort_keys; i++) free((char *)plan->sort_keys[i].column);
  free(plan->sort_keys);
  free(plan->order_column);
  free(plan);
}

/* A node over one input, or NULL (and the input freed) when anything is missing. */
static md_plan *unary_node(plan_kind kind, md_plan *input) {
  md_plan *plan = input ? plan_new(kind, 1) : NULL;
  if (!plan) {
    md_plan_free(input);
    return NULL;
  }
  plan->inputs[0] = input;
  return plan;
}

/* A batch holding references to batch's columns (no copy); NULL when out of memory. */
static md_batch *share_batch(const md_batch *batch) {
  md_batch *out = NULL;
  return md_batch_share(batch, &out, NULL) == MD_OK ? out : NULL;
}

md_plan *md_plan_from_batches(const md_schema *schema, md_batch *const *batches, int num_batches) {
  if (!schema || num_batches < 0 || (num_batches > 0 && !batches)) return NULL;
  md_plan *plan = plan_new(PLAN_SOURCE, 0);
  if (!plan) return NULL;
  plan->source_schema = md_schema_copy(schema);
  plan->batches = calloc(num_batches > 0 ? (size_t)num_batches : 1, sizeof *plan->batches);
  bool ok = plan->source_schema && plan->batches;
  for (int i = 0; ok && i < num_batches; i++) {
    ok = batches[i] && md_schema_equal(md_batch_schema(batches[i]), schema) && (plan->batches[i] = share_batch(batches[i]));
    plan->num_batches = i + 1;
  }
  if (!ok) {
    md_plan_free(plan);
    return NULL;
  }
  return plan;
}

md_plan *md_plan_filter(md_plan *input, md_expr *predicate) {
  md_plan *plan = predicate ? unary_node(PLAN_FILTER, input) : (md_plan_free(input), NULL);
  if (!plan) {
    md_expr_free(predicate);
    return NULL;
  }
  plan->predicate = predicate;
  return plan;
}

md_plan *md_plan_project(md_plan *input, md_expr **exprs, const char *const *names, int num_exprs) {
  bool ok = num_exprs > 0 && exprs && names;
  for (int i = 0; ok && i < num_exprs; i++) ok = exprs[i] && names[i];
  md_plan *plan = ok ? unary_node(PLAN_PROJECT, input) : (md_plan_free(input), NULL);
  if (plan) {
    plan->exprs = calloc((size_t)num_exprs, sizeof *plan->exprs);
    plan->names = strings_copy(names, num_exprs);
    plan->num_exprs = num_exprs;
    if (!plan->exprs || !plan->names) {
      plan->num_exprs = 0;
      md_plan_free(plan);
      plan = NULL;
    }
  }
  for (int i = 0; exprs && i < num_exprs; i++) {
    if (plan) plan->exprs[i] = exprs[i];
    else md_expr_free(exprs[i]);
  }
  return plan;
}

md_plan *md_plan_join(md_plan *left, md_plan *right, md_join_type type, const char *const *left_keys,
                      const char *const *right_keys, int num_keys) {
  md_plan *plan = left && right && num_keys > 0 ? plan_new(PLAN_JOIN, 2) : NULL;
  if (plan) {
    plan->inputs[0] = left;
    plan->inputs[1] = right;
    plan->join_type = type;
    plan->left_keys = strings_copy(left_keys, num_keys);
    plan->right_keys = strings_copy(right_keys, num_keys);
    plan->num_keys = num_keys;
    if (plan->left_keys && plan->right_keys && type >= MD_JOIN_INNER && type <= MD_JOIN_FULL) return plan;
    md_plan_free(plan);
    return NULL;
  }
  md_plan_free(left);
  md_plan_free(right);
  return NULL;
}

md_plan *md_plan_aggregate(md_plan *input, const char *const *keys, int num_keys, const md_agg *aggs, int num_aggs) {
  md_plan *plan = num_keys >= 0 && num_aggs >= 0 && num_keys + num_aggs > 0 ? unary_node(PLAN_AGGREGATE, input)
                                                                           : (md_plan_free(input), NULL);
  if (!plan) return NULL;
  plan->keys = strings_copy(keys, num_keys);
  plan->num_keys = num_keys;
  plan->aggs = calloc(num_aggs > 0 ? (size_t)num_aggs : 1, sizeof *plan->aggs);
  bool ok = plan->keys && plan->aggs;
  for (int i = 0; ok && i < num_aggs; i++) {
    plan->aggs[i].fn = aggs[i].fn;
    plan->num_aggs = i + 1;
    const char *column = aggs[i].column ? aggs[i].column : "";
    ok = aggs[i].name && (aggs[i].column || aggs[i].fn == MD_AGG_COUNT_ALL) &&
         (plan->aggs[i].column = strdup(column)) && (plan->aggs[i].name = strdup(aggs[i].name));
  }
  if (!ok) {
    md_plan_free(plan);
    return NULL;
  }
  return plan;
}

md_plan *md_plan_sort(md_plan *input, const md_sort_key *keys, int num_keys) {
  md_plan *plan = num_keys > 0 && keys ? unary_node(PLAN_SORT, input) : (md_plan_free(input), NULL);
  if (!plan) return NULL;
  plan->sort_keys = calloc((size_t)num_keys, sizeof *plan->sort_keys);
  bool ok = plan->sort_keys != NULL;
  for (int i = 0; ok && i < num_keys; i++) {
    plan->sort_keys[i] = keys[i];
    plan->num_sort_keys = i + 1;
    ok = keys[i].column && (plan->sort_keys[i].column = strdup(keys[i].column));
    if (!ok) plan->sort_keys[i].column = NULL;
  }
  if (!ok) {
    md_plan_free(plan);
    return NULL;
  }
  return plan;
}

md_plan *md_plan_keep_latest(md_plan *input, const char *const *keys, int num_keys, const char *order_column) {
  md_plan *plan = num_keys > 0 && order_column ? unary_node(PLAN_KEEP_LATEST, input) : (md_plan_free(input), NULL);
  if (!plan) return NULL;
  plan->keys = strings_copy(keys, num_keys);
  plan->num_keys = num_keys;
  plan->order_column = strdup(order_column);
  if (!plan->keys || !plan->order_column) {
    md_plan_free(plan);
    return NULL;
  }
  return plan;
}

md_plan *md_plan_union(md_plan **inputs, int num_inputs) {
  bool ok = num_inputs > 0 && inputs;
  for (int i = 0; ok && i < num_inputs; i++) ok = inputs[i] != NULL;
  md_plan *plan = ok ? plan_new(PLAN_UNION, num_inputs) : NULL;
  for (int i = 0; inputs && i < num_inputs; i++) {
    if (plan) plan->inputs[i] = inputs[i];
    else md_plan_free(inputs[i]);
  }
  return plan;
}

md_plan *md_plan_limit(md_plan *input, int64_t limit) {
  md_plan *plan = limit >= 0 ? unary_node(PLAN_LIMIT, input) : (md_plan_free(input), NULL);
  if (plan) plan->limit = limit;
  return plan;
}

const char *plan_kind_name(plan_kind kind) {
  static const char *names[] = {"Scan", "Filter", "Project", "HashJoin", "Aggregate", "Sort", "KeepLatest", "Union", "Limit"};
  return names[kind];
}

/* ------------------------------------------------------------ schemas */

static md_code add_field(md_schema *schema, const char *name, md_type type, md_error *err) {
  md_field *field = md_field_new(name, type, true);
  if (!field) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return md_schema_add(schema, field, err);
}

static md_code copy_field(md_schema *schema, const md_field *field, const char *name, md_error *err) {
  md_field *copy = md_field_copy(field);
  if (copy && name && strcmp(name, md_field_name(field)) != 0) {
    md_field *renamed = md_field_new(name, md_field_type(field), md_field_nullable(field));
    for (int i = 0; renamed && i < md_field_num_children(copy); i++)
      md_field_add_child(renamed, md_field_copy(md_field_child(copy, i)), NULL);
    md_field_free(copy);
    copy = renamed;
  }
  if (!copy) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return md_schema_add(schema, copy, err);
}

static md_code find_column(const md_schema *schema, const char *name, int *index, md_error *err) {
  *index = md_schema_find(schema, name);
  if (*index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "column %s not found", name);
  return MD_OK;
}

static md_code source_schema(const md_plan *plan, md_schema *out, md_error *err) {
  md_code code = MD_OK;
  if (!plan->source_columns) {
    for (int i = 0; i < md_schema_num_fields(plan->source_schema) && code == MD_OK; i++)
      code = copy_field(out, md_schema_field(plan->source_schema, i), NULL, err);
  } else {
    for (int i = 0; i < plan->num_source_columns && code == MD_OK; i++)
      code = copy_field(out, md_schema_field(plan->source_schema, plan->source_columns[i]), NULL, err);
  }
  return code;
}

static bool is_right_key(const md_plan *plan, const char *name) {
  for (int k = 0; k < plan->num_keys; k++)
    if (strcmp(plan->right_keys[k], name) == 0) return true;
  return false;
}

static md_code join_schema(md_plan *plan, md_schema *const *in, md_schema *out, md_error *err) {
  md_code code = MD_OK;
  for (int k = 0; k < plan->num_keys && code == MD_OK; k++) {
    int li, ri;
    md_type common;
    if ((code = find_column(in[0], plan->left_keys[k], &li, err)) != MD_OK) return md_error_context(err, "left");
    if ((code = find_column(in[1], plan->right_keys[k], &ri, err)) != MD_OK) return md_error_context(err, "right");
    code = expr_common_type(md_field_type(md_schema_field(in[0], li)), md_field_type(md_schema_field(in[1], ri)), true,
                            &common, err);
    if (code != MD_OK) return md_error_context(err, "key %s = %s", plan->left_keys[k], plan->right_keys[k]);
  }
  for (int i = 0; i < md_schema_num_fields(in[0]) && code == MD_OK; i++)
    code = copy_field(out, md_schema_field(in[0], i), NULL, err);
  if (plan->join_type == MD_JOIN_SEMI || plan->join_type == MD_JOIN_ANTI || code != MD_OK) return code;
  if (!plan->right_output_names) {
    /* Fix the output names now, from the unpruned inputs, so that pruning
     * columns later can never change a "_right" suffix. */
    int n = md_schema_num_fields(in[1]);
    md_schema *names = md_schema_copy(out);
    plan->right_input_names = calloc(n > 0 ? (size_t)n : 1, sizeof *plan->right_input_names);
    plan->right_output_names = calloc(n > 0 ? (size_t)n : 1, sizeof *plan->right_output_names);
    plan->num_right_output_names = n;
    bool ok = names && plan->right_input_names && plan->right_output_names;
    for (int i = 0; ok && i < n; i++) {
      const char *name = md_field_name(md_schema_field(in[1], i));
      if (is_right_key(plan, name)) continue;
      char buf[512];
      snprintf(buf, sizeof buf, "%s", name);
      while (md_schema_find(names, buf) >= 0 && strlen(buf) + 7 < sizeof buf) strcat(buf, "_right");
      ok = (plan->right_input_names[i] = strdup(name)) && (plan->right_output_names[i] = strdup(buf)) &&
           add_field(names, buf, md_type_make(MD_TYPE_NULL), err) == MD_OK;
    }
    md_schema_free(names);
    if (!ok) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < md_schema_num_fields(in[1]) && code == MD_OK; i++) {
    const md_field *field = md_schema_field(in[1], i);
    if (is_right_key(plan, md_field_name(field))) continue;
    code = copy_field(out, field, plan_right_output_name(plan, md_field_name(field)), err);
  }
  return code;
}

const char *plan_right_output_name(const md_plan *plan, const char *input_name) {
  for (int i = 0; i < plan->num_right_output_names; i++)
    if (plan->right_input_names[i] && strcmp(plan->right_input_names[i], input_name) == 0)
      return plan->right_output_names[i];
  return input_name;
}

static md_code aggregate_schema(const md_plan *plan, const md_schema *in, md_schema *out, md_error *err) {
  md_code code = MD_OK;
  int index;
  for (int k = 0; k < plan->num_keys && code == MD_OK; k++) {
    if ((code = find_column(in, plan->keys[k], &index, err)) != MD_OK) return code;
    code = copy_field(out, md_schema_field(in, index), NULL, err);
  }
  for (int a = 0; a < plan->num_aggs && code == MD_OK; a++) {
    const md_agg *agg = &plan->aggs[a];
    md_type type = md_type_make(MD_TYPE_INT64), input = type;
    if (agg->fn != MD_AGG_COUNT_ALL) {
      if ((code = find_column(in, agg->column, &index, err)) != MD_OK) return md_error_context(err, "%s", agg->name);
      input = md_field_type(md_schema_field(in, index));
    }
    char name[64];
    md_type_to_string(input, name, sizeof name);
    bool numeric = type_is_numeric(input);
    switch (agg->fn) {
      case MD_AGG_SUM:
        if (!numeric) return md_error_set(err, MD_ERR_SCHEMA, "%s: cannot sum %s values", agg->name, name);
        type = type_is_int(input) ? md_type_make(MD_TYPE_INT64)
               : type_is_float(input) ? md_type_make(MD_TYPE_FLOAT64) : md_type_decimal(38, input.scale);
        break;
      case MD_AGG_MEAN:
        if (!numeric) return md_error_set(err, MD_ERR_SCHEMA, "%s: cannot average %s values", agg->name, name);
        type = md_type_make(MD_TYPE_FLOAT64);
        break;
      case MD_AGG_MIN:
      case MD_AGG_MAX:
        if (md_type_is_nested(input) || input.id == MD_TYPE_INTERVAL_MDN || input.id == MD_TYPE_NULL)
          return md_error_set(err, MD_ERR_SCHEMA, "%s: %s values have no order", agg->name, name);
        type = input;
        break;
      case MD_AGG_COUNT_DISTINCT:
        if (md_type_is_nested(input) || input.id == MD_TYPE_INTERVAL_MDN)
          return md_error_set(err, MD_ERR_SCHEMA, "%s: cannot count distinct %s values", agg->name, name);
        break;
      default: break;
    }
    code = add_field(out, agg->name, type, err);
  }
  return code;
}

static md_code derive(md_plan *plan, md_schema **out, md_error *err) {
  md_schema *in[2] = {NULL, NULL};
  md_code code = MD_OK;
  for (int i = 0; i < plan->num_inputs && code == MD_OK; i++) {
    md_schema *schema = NULL;
    code = derive(plan->inputs[i], &schema, err);
    if (i < 2) in[i] = schema;
    else md_schema_free(schema);
  }
  md_schema *schema = code == MD_OK ? md_schema_new() : NULL;
  if (code == MD_OK && !schema) code = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int index;
  md_type type;
  if (code == MD_OK) {
    switch (plan->kind) {
      case PLAN_SOURCE: code = source_schema(plan, schema, err); break;
      case PLAN_FILTER:
        code = expr_type_in(plan->predicate, in[0], &type, err);
        if (code == MD_OK && type.id != MD_TYPE_BOOL && type.id != MD_TYPE_NULL)
          code = md_error_set(err, MD_ERR_SCHEMA, "predicate is not boolean");
        for (int i = 0; code == MD_OK && i < md_schema_num_fields(in[0]); i++)
          code = copy_field(schema, md_schema_field(in[0], i), NULL, err);
        break;
      case PLAN_PROJECT:
        for (int i = 0; i < plan->num_exprs && code == MD_OK; i++) {
          code = expr_type_in(plan->exprs[i], in[0], &type, err);
          if (code == MD_OK && plan->exprs[i]->op == EXPR_COLUMN) {
            index = md_schema_find(in[0], plan->exprs[i]->name);
            code = copy_field(schema, md_schema_field(in[0], index), plan->names[i], err);
          } else if (code == MD_OK) {
            code = add_field(schema, plan->names[i], type, err);
          } else {
            md_error_context(err, "%s", plan->names[i]);
          }
        }
        break;
      case PLAN_JOIN: code = join_schema(plan, in, schema, err); break;
      case PLAN_AGGREGATE: code = aggregate_schema(plan, in[0], schema, err); break;
      case PLAN_SORT:
      case PLAN_KEEP_LATEST:
      case PLAN_LIMIT:
        for (int k = 0; plan->kind == PLAN_SORT && k < plan->num_sort_keys && code == MD_OK; k++)
          code = find_column(in[0], plan->sort_keys[k].column, &index, err);
        for (int k = 0; plan->kind == PLAN_KEEP_LATEST && k < plan->num_keys && code == MD_OK; k++)
          code = find_column(in[0], plan->keys[k], &index, err);
        if (plan->kind == PLAN_KEEP_LATEST && code == MD_OK) code = find_column(in[0], plan->order_column, &index, err);
        for (int i = 0; code == MD_OK && i < md_schema_num_fields(in[0]); i++)
          code = copy_field(schema, md_schema_field(in[0], i), NULL, err);
        break;
      case PLAN_UNION:
        for (int i = 1; i < plan->num_inputs && code == MD_OK; i++) {
          md_schema *other = NULL;
          if ((code = derive(plan->inputs[i], &other, err)) != MD_OK) break;
          bool same = md_schema_num_fields(other) == md_schema_num_fields(in[0]);
          for (int f = 0; same && f < md_schema_num_fields(other); f++)
            same = strcmp(md_field_name(md_schema_field(other, f)), md_field_name(md_schema_field(in[0], f))) == 0 &&
                   md_type_equal(md_field_type(md_schema_field(other, f)), md_field_type(md_schema_field(in[0], f)));
          md_schema_free(other);
          if (!same) code = md_error_set(err, MD_ERR_SCHEMA, "input %d's columns differ from input 0's", i);
        }
        for (int i = 0; code == MD_OK && i < md_schema_num_fields(in[0]); i++)
          code = copy_field(schema, md_schema_field(in[0], i), NULL, err);
        break;
    }
    if (code != MD_OK) md_error_context(err, "%s", plan_kind_name(plan->kind));
  }
  md_schema_free(in[0]);
  md_schema_free(in[1]);
  if (code != MD_OK) {
    md_schema_free(schema);
    return code;
  }
  *out = schema;
  return MD_OK;
}

md_code plan_derive_schema(md_plan *plan, md_schema **out, md_error *err) {
  if (!plan) return md_error_set(err, MD_ERR_NOMEM, "plan: NULL (out of memory while building it?)");
  return derive(plan, out, err);
}

md_code md_plan_schema(const md_plan *plan, md_schema **out, md_error *err) {
  if (!out) return md_error_set(err, MD_ERR_INVALID, "plan: NULL output");
  /* Deriving may record a join's output names: a cache, not a visible change. */
  return plan_derive_schema((md_plan *)plan, out, err);
}
