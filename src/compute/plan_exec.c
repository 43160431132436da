/* plan_exec.c — executing a plan: one pull-based iterator per operator.
 *
 * Scans, filters, projections, unions, limits and join probes pass batches
 * through as they come; a join first gathers its right input, an aggregation
 * folds its input into groups, sorts and keep-latest gather their input, and
 * these blocking operators then hand out their result in batch_rows slices. */
#include <stdlib.h>
#include <unistd.h>

#include "plan_internal.h"

typedef struct exec exec;
struct exec {
  md_plan *plan;
  md_schema *schema;
  exec **children;
  int num_children;
  int64_t batch_rows;
  int pos;
  int64_t emitted;
  md_batch *result;
  int64_t result_pos;
  bool started, finished;
  join_state *join;
};

struct md_stream {
  exec *root;
};

static void exec_free(exec *e) {
  if (!e) return;
  for (int i = 0; i < e->num_children; i++) exec_free(e->children[i]);
  free(e->children);
  md_schema_free(e->schema);
  md_batch_free(e->result);
  join_free(e->join);
  free(e);
}

static md_code exec_new(md_plan *plan, const md_exec_options *options, exec **out, md_error *err) {
  exec *e = calloc(1, sizeof *e);
  if (!e) return md_error_set(err, MD_ERR_NOMEM, "execute: out of memory");
  e->plan = plan;
  e->batch_rows = options && options->batch_rows > 0 ? options->batch_rows : 65536;
  e->children = calloc((size_t)(plan->num_inputs + 1), sizeof *e->children);
  md_code code = e->children ? plan_derive_schema(plan, &e->schema, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; i < plan->num_inputs && code == MD_OK; i++) {
    code = exec_new(plan->inputs[i], options, &e->children[i], err);
    e->num_children = i + 1;
  }
  if (code != MD_OK) {
    exec_free(e);
    return code;
  }
  *out = e;
  return MD_OK;
}

static md_code exec_next(exec *e, md_batch **out, md_error *err);

/* Every batch of a child, concatenated. */
static md_code gather(exec *child, md_batch **out, md_error *err) {
  md_batch **batches = NULL;
  int count = 0, capacity = 0;
  md_code code = MD_OK;
  for (;;) {
    md_batch *batch = NULL;
    if ((code = exec_next(child, &batch, err)) != MD_OK || !batch) break;
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      md_batch **grown = realloc(batches, (size_t)capacity * sizeof *grown);
      if (!grown) {
        md_batch_free(batch);
        code = md_error_set(err, MD_ERR_NOMEM, "out of memory gathering batches");
        break;
      }
      batches = grown;
    }
    batches[count++] = batch;
  }
  if (code == MD_OK) code = md_batch_concat(child->schema, batches, count, out, err);
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  free(batches);
  return code;
}

static md_code emit_result(exec *e, md_batch **out, md_error *err) {
  int64_t rows = md_batch_num_rows(e->result);
  if (e->result_pos >= rows && (rows > 0 || e->finished)) {
    *out = NULL;
    return MD_OK;
  }
  int64_t take = rows - e->result_pos < e->batch_rows ? rows - e->result_pos : e->batch_rows;
  md_code code = batch_slice(e->result, e->result_pos, take, out, err);
  e->result_pos += take;
  e->finished = true;
  return code;
}

static md_code source_next(exec *e, md_batch **out, md_error *err) {
  md_plan *plan = e->plan;
  if (e->pos >= plan->num_batches) {
    *out = NULL;
    return MD_OK;
  }
  md_batch *batch = plan->batches[e->pos++];
  int n = plan->source_columns ? plan->num_source_columns : md_batch_num_columns(batch);
  md_column **columns = calloc((size_t)(n > 0 ? n : 1), sizeof *columns);
  md_schema *schema = md_schema_copy(e->schema);
  if (!columns || !schema) {
    free(columns);
    md_schema_free(schema);
    return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  }
  for (int i = 0; i < n; i++)
    columns[i] = md_column_ref(md_batch_column(batch, plan->source_columns ? plan->source_columns[i] : i));
  md_code code = md_batch_new(schema, columns, n, out, err);
  free(columns);
  return code;
}

static md_code join_next(exec *e, md_batch **out, md_error *err) {
  md_code code = MD_OK;
  if (!e->started) {
    md_batch *right = NULL;
    e->started = true;
    if ((code = gather(e->children[1], &right, err)) != MD_OK) return code;
    if ((code = join_build(e->plan, right, e->schema, &e->join, err)) != MD_OK) return code;
  }
  for (;;) {
    md_batch *left = NULL;
    if (!e->finished && (code = exec_next(e->children[0], &left, err)) != MD_OK) return code;
    if (!left) {
      e->finished = true;
      if (e->plan->join_type == MD_JOIN_FULL && e->pos == 0) {
        e->pos = 1;
        return join_unmatched(e->join, out, err);
      }
      *out = NULL;
      return MD_OK;
    }
    code = join_probe(e->join, left, out, err);
    md_batch_free(left);
    if (code != MD_OK || md_batch_num_rows(*out) > 0) return code;
    md_batch_free(*out);
  }
}

static md_code blocking_next(exec *e, md_batch **out, md_error *err) {
  md_code code = MD_OK;
  if (!e->started) {
    e->started = true;
    md_plan *plan = e->plan;
    if (plan->kind == PLAN_AGGREGATE) {
      agg_state *agg = NULL;
      if ((code = agg_new(plan, e->children[0]->schema, e->schema, &agg, err)) != MD_OK) return code;
      for (;;) {
        md_batch *batch = NULL;
        if ((code = exec_next(e->children[0], &batch, err)) != MD_OK || !batch) break;
        code = agg_consume(agg, batch, err);
        md_batch_free(batch);
        if (code != MD_OK) break;
      }
      if (code == MD_OK) code = agg_finish(agg, &e->result, err);
      agg_free(agg);
    } else {
      md_batch *all = NULL;
      if ((code = gather(e->children[0], &all, err)) != MD_OK) return code;
      if (plan->kind == PLAN_SORT) code = sort_batch(all, plan->sort_keys, plan->num_sort_keys, &e->result, err);
      else code = keep_latest_batch(all, plan->keys, plan->num_keys, plan->order_column, &e->result, err);
      md_batch_free(all);
    }
    if (code != MD_OK) return code;
  }
  return emit_result(e, out, err);
}

static md_code exec_next(exec *e, md_batch **out, md_error *err) {
  md_code code = MD_OK;
  md_batch *batch = NULL;
  *out = NULL;
  switch (e->plan->kind) {
    case PLAN_SOURCE: return source_next(e, out, err);
    case PLAN_FILTER:
      for (;;) {
        if ((code = exec_next(e->children[0], &batch, err)) != MD_OK || !batch) return code;
        code = batch_filter(batch, e->plan->predicate, out, err);
        md_batch_free(batch);
        if (code != MD_OK || md_batch_num_rows(*out) > 0) return code;
        md_batch_free(*out);
        *out = NULL;
      }
    case PLAN_PROJECT:
      if ((code = exec_next(e->children[0], &batch, err)) != MD_OK || !batch) return code;
      code = batch_project(batch, e->plan, e->schema, out, err);
      md_batch_free(batch);
      return code;
    case PLAN_JOIN: return join_next(e, out, err);
    case PLAN_AGGREGATE:
    case PLAN_SORT:
    case PLAN_KEEP_LATEST: return blocking_next(e, out, err);
    case PLAN_UNION:
      while (e->pos < e->num_children) {
        if ((code = exec_next(e->children[e->pos], out, err)) != MD_OK || *out) return code;
        e->pos++;
      }
      return MD_OK;
    case PLAN_LIMIT:
      if (e->emitted >= e->plan->limit) return MD_OK;
      if ((code = exec_next(e->children[0], &batch, err)) != MD_OK || !batch) return code;
      {
        int64_t rows = md_batch_num_rows(batch), room = e->plan->limit - e->emitted;
        int64_t take = rows < room ? rows : room;
        code = batch_slice(batch, 0, take, out, err);
        e->emitted += take;
      }
      md_batch_free(batch);
      return code;
  }
  return md_error_set(err, MD_ERR_INTERNAL, "execute: unknown operator");
}

md_code md_plan_execute(md_plan *plan, const md_exec_options *options, md_stream **out, md_error *err) {
  if (!plan || !out) return md_error_set(err, MD_ERR_INVALID, "execute: NULL plan (out of memory while building it?)");
  if (!options || !options->no_optimize) plan_optimize(plan, err);
  md_stream *stream = calloc(1, sizeof *stream);
  if (!stream) return md_error_set(err, MD_ERR_NOMEM, "execute: out of memory");
  md_code code = exec_new(plan, options, &stream->root, err);
  if (code != MD_OK) {
    free(stream);
    return code;
  }
  *out = stream;
  return MD_OK;
}

md_code md_stream_next(md_stream *stream, md_batch **out, md_error *err) {
  if (!stream || !out) return md_error_set(err, MD_ERR_INVALID, "stream: NULL argument");
  md_batch *batch = NULL;
  md_code code = exec_next(stream->root, &batch, err);
  if (code != MD_OK) {
    md_batch_free(batch);
    return code;
  }
  *out = batch;
  return MD_OK;
}

const md_schema *md_stream_schema(const md_stream *stream) { return stream->root->schema; }

void md_stream_free(md_stream *stream) {
  if (!stream) return;
  exec_free(stream->root);
  free(stream);
}

md_code md_plan_collect(md_plan *plan, const md_exec_options *options, md_batch **out, md_error *err) {
  md_stream *stream = NULL;
  md_code code = md_plan_execute(plan, options, &stream, err);
  if (code != MD_OK) return code;
  code = gather(stream->root, out, err);
  md_stream_free(stream);
  return code;
}
