/* plan_exec.c — executing a plan: one pull-based iterator per operator.
 *
 * Scans, filters, projections, unions, limits and join probes pass batches
 * through as they come; a join first gathers its right input, an aggregation
 * folds its input into groups, sorts and keep-latest gather their input, and
 * these blocking operators then hand out their result in batch_rows slices.
 *
 * Parallelism is per batch: scans, filters, projections and join probes ask
 * their input for up to `width` batches at once (exec_next_many), work on them
 * on the stream's thread pool, and queue the results in input order, so the
 * output is the same whatever the thread count. Aggregation and keep-latest
 * run one state per thread, each owning the keys that hash to it, and put the
 * states' results together in input order (consume_partitioned). */
#include <stdlib.h>
#include <unistd.h>

#include "plan_internal.h"
#include "scan_internal.h"

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
  scan_state *scan;
  thread_pool *pool;
  int width;        /* batches worked on at once */
  md_batch **queue; /* results waiting to be handed out: [queue_pos, queue_count) */
  int queue_count, queue_pos;
};

struct md_stream {
  exec *root;
  thread_pool *pool;
};

static void exec_free(exec *e) {
  if (!e) return;
  for (int i = 0; i < e->num_children; i++) exec_free(e->children[i]);
  free(e->children);
  md_schema_free(e->schema);
  md_batch_free(e->result);
  join_free(e->join);
  scan_close(e->scan);
  for (int i = e->queue_pos; i < e->queue_count; i++) md_batch_free(e->queue[i]);
  free(e->queue);
  free(e);
}

static md_code exec_new(md_plan *plan, const md_exec_options *options, thread_pool *pool, exec **out, md_error *err) {
  exec *e = calloc(1, sizeof *e);
  if (!e) return md_error_set(err, MD_ERR_NOMEM, "execute: out of memory");
  e->plan = plan;
  e->pool = pool;
  e->width = pool_threads(pool);
  if (e->width > 64) e->width = 64;
  e->batch_rows = options && options->batch_rows > 0 ? options->batch_rows : 65536;
  e->children = calloc((size_t)(plan->num_inputs + 1), sizeof *e->children);
  e->queue = calloc((size_t)e->width, sizeof *e->queue);
  md_code code = e->children && e->queue ? plan_derive_schema(plan, &e->schema, err)
                                         : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (code == MD_OK && plan->kind == PLAN_SOURCE && plan->scan) code = scan_open(plan, e->schema, pool, &e->scan, err);
  for (int i = 0; i < plan->num_inputs && code == MD_OK; i++) {
    code = exec_new(plan->inputs[i], options, pool, &e->children[i], err);
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

/* Every batch of a child, as they came. */
static md_code gather_list(exec *child, md_batch ***out, int *out_count, md_error *err) {
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
  *out = batches;
  *out_count = count;
  return code;
}

static void free_list(md_batch **batches, int count) {
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  free(batches);
}

static bool is_blocking(const exec *e) {
  return e->plan->kind == PLAN_AGGREGATE || e->plan->kind == PLAN_SORT || e->plan->kind == PLAN_KEEP_LATEST;
}

static md_code blocking_start(exec *e, md_error *err);

/* Every batch of a child, concatenated. A blocking child's result is handed
 * over whole (shared), not sliced into batches and glued back together. */
static md_code gather(exec *child, md_batch **out, md_error *err) {
  if (is_blocking(child) && !child->started) {
    md_code code = blocking_start(child, err);
    if (code != MD_OK) return code;
    child->result_pos = md_batch_num_rows(child->result);
    child->finished = true;
    return md_batch_share(child->result, out, err);
  }
  md_batch **batches = NULL;
  int count = 0;
  md_code code = gather_list(child, &batches, &count, err);
  if (code == MD_OK) code = md_batch_concat(child->schema, batches, count, out, err);
  free_list(batches, count);
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

/* ------------------------------------------------------- parallel batches */

typedef struct batch_job {
  exec *e;
  md_batch **in, **out;
  md_code *codes;
  md_error *errs;
} batch_job;

static void batch_task(void *ctx, int i) {
  batch_job *job = ctx;
  exec *e = job->e;
  md_error_clear(&job->errs[i]);
  job->out[i] = NULL;
  switch (e->plan->kind) {
    case PLAN_FILTER: job->codes[i] = batch_filter(job->in[i], e->plan->predicate, &job->out[i], &job->errs[i]); break;
    case PLAN_PROJECT: job->codes[i] = batch_project(job->in[i], e->plan, e->schema, &job->out[i], &job->errs[i]); break;
    case PLAN_JOIN: job->codes[i] = join_probe(e->join, job->in[i], &job->out[i], &job->errs[i]); break;
    default: job->codes[i] = md_error_set(&job->errs[i], MD_ERR_INTERNAL, "execute: not a per-batch operator");
  }
  md_batch_free(job->in[i]);
  job->in[i] = NULL;
}

/* Applies the operator to in[0..n) (consumed) on the pool; keeps the non-empty
 * results in order in out. The first failing batch's error wins. */
static md_code apply_many(exec *e, md_batch **in, int n, md_batch **out, int *count, md_error *err) {
  md_batch *results[64];
  md_code codes[64];
  md_error *errs = malloc((size_t)n * sizeof *errs);
  *count = 0;
  if (!errs) {
    for (int i = 0; i < n; i++) md_batch_free(in[i]);
    return md_error_set(err, MD_ERR_NOMEM, "execute: out of memory");
  }
  batch_job job = {e, in, results, codes, errs};
  pool_run(e->pool, n, batch_task, &job);
  md_code code = MD_OK;
  for (int i = 0; i < n; i++) {
    if (code == MD_OK && codes[i] != MD_OK) {
      code = codes[i];
      if (err) *err = errs[i];
    }
    if (code != MD_OK || md_batch_num_rows(results[i]) == 0) md_batch_free(results[i]);
    else out[(*count)++] = results[i];
  }
  free(errs);
  return code;
}

static md_code exec_next(exec *e, md_batch **out, md_error *err);
static md_code exec_next_many(exec *e, md_batch **out, int max, int *count, md_error *err);

static md_code join_start(exec *e, md_error *err) {
  if (e->started) return MD_OK;
  md_batch *right = NULL;
  e->started = true;
  md_code code = gather(e->children[1], &right, err);
  if (code == MD_OK) code = join_build(e->plan, right, e->schema, &e->join, err);
  return code;
}

static bool is_streaming(const exec *e) {
  switch (e->plan->kind) {
    case PLAN_FILTER:
    case PLAN_PROJECT: return true;
    case PLAN_SOURCE: return e->scan != NULL;
    case PLAN_JOIN: return e->plan->join_type != MD_JOIN_FULL;
    default: return false;
  }
}

/* Up to max output batches of a streaming operator (none only at the end). */
static md_code produce_many(exec *e, md_batch **out, int max, int *count, md_error *err) {
  *count = 0;
  if (e->plan->kind == PLAN_SOURCE) return scan_next_many(e->scan, out, max, count, err);
  md_code code = e->plan->kind == PLAN_JOIN ? join_start(e, err) : MD_OK;
  while (code == MD_OK && *count == 0) {
    md_batch *in[64];
    int n = 0;
    if ((code = exec_next_many(e->children[0], in, max, &n, err)) != MD_OK || n == 0) break;
    code = apply_many(e, in, n, out, count, err);
  }
  return code;
}

static md_code exec_next_many(exec *e, md_batch **out, int max, int *count, md_error *err) {
  *count = 0;
  if (max > 64) max = 64;
  if (e->queue_pos < e->queue_count) {
    while (*count < max && e->queue_pos < e->queue_count) out[(*count)++] = e->queue[e->queue_pos++];
    return MD_OK;
  }
  if (is_streaming(e)) return produce_many(e, out, max, count, err);
  if (e->plan->kind == PLAN_SOURCE) {
    md_code code = MD_OK;
    while (code == MD_OK && *count < max && e->pos < e->plan->num_batches) {
      code = source_next(e, &out[*count], err);
      if (code == MD_OK) (*count)++;
    }
    return code;
  }
  md_batch *batch = NULL;
  md_code code = exec_next(e, &batch, err);
  if (batch) out[(*count)++] = batch;
  return code;
}

/* The next batch of a streaming operator, refilling its queue width at a time. */
static md_code streaming_next(exec *e, md_batch **out, md_error *err) {
  if (e->queue_pos >= e->queue_count) {
    e->queue_pos = e->queue_count = 0;
    md_code code = produce_many(e, e->queue, e->width, &e->queue_count, err);
    if (code != MD_OK) return code;
  }
  *out = e->queue_pos < e->queue_count ? e->queue[e->queue_pos++] : NULL;
  return MD_OK;
}

static md_code full_join_next(exec *e, md_batch **out, md_error *err) {
  md_code code = join_start(e, err);
  if (code != MD_OK) return code;
  for (;;) {
    md_batch *left = NULL;
    if (!e->finished && (code = exec_next(e->children[0], &left, err)) != MD_OK) return code;
    if (!left) {
      e->finished = true;
      if (e->pos == 0) {
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

/* ------------------------------------------- key-partitioned consumption */

/* Aggregation and keep-latest on several threads: every row goes to the state
 * of the partition its key hashes to, so each state owns its keys outright
 * and sees their rows in input order; nothing needs merging afterwards, only
 * putting the states' results together in input order. */
typedef md_code (*consume_fn)(void *state, const md_batch *batch, int64_t seq, const int64_t *rows, md_error *err);
/* Keep-latest takes the whole batch and its partition's row numbers (no copy). */
typedef md_code (*consume_rows_fn)(void *state, const md_batch *batch, int64_t seq, const int64_t *rows, int64_t count,
                                   md_error *err);

typedef struct part_job {
  char *const *keys;
  int num_keys, num_parts, n;
  md_batch **in;
  uint8_t *part[64];
  int64_t seq;
  void **states;
  consume_fn consume;
  consume_rows_fn consume_rows; /* used instead of consume when set */
  md_code codes[64];
  md_error errs[64];
} part_job;

static void partition_task(void *ctx, int b) {
  part_job *job = ctx;
  md_error_clear(&job->errs[b]);
  int64_t n = md_batch_num_rows(job->in[b]);
  md_column *columns[64];
  job->codes[b] = batch_columns_by_name(job->in[b], job->keys, job->num_keys, columns, &job->errs[b]);
  if (job->codes[b] == MD_OK && !(job->part[b] = malloc((size_t)(n > 0 ? n : 1))))
    job->codes[b] = md_error_set(&job->errs[b], MD_ERR_NOMEM, "out of memory partitioning rows");
  if (job->codes[b] == MD_OK)
    job->codes[b] = key_partitions(columns, job->num_keys, n, job->num_parts, job->part[b], &job->errs[b]);
}

static void consume_task(void *ctx, int p) {
  part_job *job = ctx;
  md_error_clear(&job->errs[p]);
  job->codes[p] = MD_OK;
  for (int b = 0; b < job->n && job->codes[p] == MD_OK && job->consume_rows; b++) {
    int64_t n = md_batch_num_rows(job->in[b]);
    int64_t *rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *rows);
    if (!rows) job->codes[p] = md_error_set(&job->errs[p], MD_ERR_NOMEM, "out of memory partitioning rows");
    int64_t count = rows ? partition_rows(job->part[b], n, p, rows) : 0;
    if (count > 0) job->codes[p] = job->consume_rows(job->states[p], job->in[b], job->seq + b, rows, count, &job->errs[p]);
    free(rows);
  }
  for (int b = 0; b < job->n && job->codes[p] == MD_OK && !job->consume_rows; b++) {
    md_batch *share = NULL;
    int64_t *rows = NULL, count = 0;
    job->codes[p] = batch_partition(job->in[b], job->part[b], p, &share, &rows, &count, &job->errs[p]);
    if (job->codes[p] == MD_OK && count > 0)
      job->codes[p] = job->consume(job->states[p], share, job->seq + b, rows, &job->errs[p]);
    md_batch_free(share);
    free(rows);
  }
}

static md_code first_failure(const part_job *job, int n, md_error *err) {
  for (int i = 0; i < n; i++)
    if (job->codes[i] != MD_OK) {
      if (err) *err = job->errs[i];
      return job->codes[i];
    }
  return MD_OK;
}

/* Feeds the child's batches, width at a time, to states[0..width). */
static md_code consume_partitioned(exec *e, char *const *keys, int num_keys, void **states, consume_fn consume,
                                   consume_rows_fn consume_rows, md_error *err) {
  md_code code = MD_OK;
  part_job *job = calloc(1, sizeof *job);
  if (!job) return md_error_set(err, MD_ERR_NOMEM, "execute: out of memory");
  job->keys = keys;
  job->num_keys = num_keys;
  job->num_parts = e->width;
  job->states = states;
  job->consume = consume;
  job->consume_rows = consume_rows;
  for (int64_t seq = 0; code == MD_OK;) {
    md_batch *in[64];
    int n = 0;
    if ((code = exec_next_many(e->children[0], in, e->width, &n, err)) != MD_OK || n == 0) break;
    job->in = in;
    job->n = n;
    job->seq = seq;
    pool_run(e->pool, n, partition_task, job);
    code = first_failure(job, n, err);
    if (code == MD_OK) {
      pool_run(e->pool, job->num_parts, consume_task, job);
      code = first_failure(job, job->num_parts, err);
    }
    for (int b = 0; b < n; b++) {
      md_batch_free(in[b]);
      free(job->part[b]);
      job->part[b] = NULL;
    }
    seq += n;
  }
  free(job);
  return code;
}

/* One state fed every batch in order, on the calling thread. */
static md_code consume_serial(exec *e, void *state, consume_fn consume, md_error *err) {
  md_code code = MD_OK;
  for (int64_t seq = 0; code == MD_OK; seq++) {
    md_batch *batch = NULL;
    if ((code = exec_next(e->children[0], &batch, err)) != MD_OK || !batch) break;
    code = consume(state, batch, seq, NULL, err);
    md_batch_free(batch);
  }
  return code;
}

static md_code agg_consume_fn(void *state, const md_batch *batch, int64_t seq, const int64_t *rows, md_error *err) {
  return agg_consume(state, batch, seq, rows, err);
}

static md_code latest_consume_fn(void *state, const md_batch *batch, int64_t seq, const int64_t *rows,
                                 md_error *err) {
  return latest_consume(state, batch, seq, rows, md_batch_num_rows(batch), err);
}

static md_code latest_consume_rows_fn(void *state, const md_batch *batch, int64_t seq, const int64_t *rows,
                                      int64_t count, md_error *err) {
  return latest_consume(state, batch, seq, rows, count, err);
}

static md_code aggregate_run(exec *e, md_error *err) {
  md_plan *plan = e->plan;
  agg_state *parts[64] = {0};
  /* Without keys there is one group: nothing to partition. */
  int width = plan->num_keys > 0 ? e->width : 1;
  md_code code = MD_OK;
  for (int p = 0; p < width && code == MD_OK; p++) code = agg_new(plan, e->children[0]->schema, e->schema, &parts[p], err);
  if (code == MD_OK && width > 1) {
    code = consume_partitioned(e, plan->keys, plan->num_keys, (void **)parts, agg_consume_fn, NULL, err);
    if (code == MD_OK) code = agg_finish_partitions(parts, width, &e->result, err);
  } else if (code == MD_OK && (code = consume_serial(e, parts[0], agg_consume_fn, err)) == MD_OK) {
    code = agg_finish(parts[0], &e->result, err);
  }
  for (int p = 0; p < width; p++) agg_free(parts[p]);
  return code;
}

static md_code keep_latest_run(exec *e, md_error *err) {
  md_plan *plan = e->plan;
  latest_state *parts[64] = {0};
  int width = e->width;
  md_code code = MD_OK;
  for (int p = 0; p < width && code == MD_OK; p++)
    code = latest_new(plan->keys, plan->num_keys, plan->order_column, &parts[p], err);
  if (code == MD_OK && width > 1) {
    code = consume_partitioned(e, plan->keys, plan->num_keys, (void **)parts, NULL, latest_consume_rows_fn, err);
  } else if (code == MD_OK) {
    code = consume_serial(e, parts[0], latest_consume_fn, err);
  }
  if (code == MD_OK) code = latest_finish_partitions(parts, width, e->children[0]->schema, &e->result, err);
  for (int p = 0; p < width; p++) latest_free(parts[p]);
  return code;
}

/* Runs a blocking operator over its whole input into e->result. */
static md_code blocking_start(exec *e, md_error *err) {
  md_code code = MD_OK;
  e->started = true;
  md_plan *plan = e->plan;
  if (plan->kind == PLAN_AGGREGATE) {
    code = aggregate_run(e, err);
  } else if (plan->kind == PLAN_KEEP_LATEST) {
    code = keep_latest_run(e, err);
  } else {
    md_batch *all = NULL;
    if ((code = gather(e->children[0], &all, err)) != MD_OK) return code;
    code = sort_batch(all, plan->sort_keys, plan->num_sort_keys, &e->result, err);
    md_batch_free(all);
  }
  return code;
}

static md_code blocking_next(exec *e, md_batch **out, md_error *err) {
  if (!e->started) {
    md_code code = blocking_start(e, err);
    if (code != MD_OK) return code;
  }
  return emit_result(e, out, err);
}

static md_code exec_next(exec *e, md_batch **out, md_error *err) {
  md_code code = MD_OK;
  md_batch *batch = NULL;
  *out = NULL;
  switch (e->plan->kind) {
    case PLAN_SOURCE: return e->scan ? streaming_next(e, out, err) : source_next(e, out, err);
    case PLAN_FILTER:
    case PLAN_PROJECT: return streaming_next(e, out, err);
    case PLAN_JOIN: return e->plan->join_type == MD_JOIN_FULL ? full_join_next(e, out, err) : streaming_next(e, out, err);
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
  md_code code = pool_new(options ? options->threads : 0, &stream->pool, err);
  if (code == MD_OK) code = exec_new(plan, options, stream->pool, &stream->root, err);
  if (code != MD_OK) {
    pool_free(stream->pool);
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
  pool_free(stream->pool);
  free(stream);
}

static void sum_scan_stats(const exec *e, md_scan_stats *out) {
  if (e->scan) scan_add_stats(e->scan, out);
  for (int i = 0; i < e->num_children; i++) sum_scan_stats(e->children[i], out);
}

void md_stream_scan_stats(const md_stream *stream, md_scan_stats *out) {
  memset(out, 0, sizeof *out);
  if (stream) sum_scan_stats(stream->root, out);
}

md_code md_plan_collect(md_plan *plan, const md_exec_options *options, md_batch **out, md_error *err) {
  md_stream *stream = NULL;
  md_code code = md_plan_execute(plan, options, &stream, err);
  if (code != MD_OK) return code;
  code = gather(stream->root, out, err);
  md_stream_free(stream);
  return code;
}
