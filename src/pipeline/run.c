/* run.c — executing a pipeline: the selected assets in dependency order, each
 * started as soon as all its selected dependencies succeeded, on a small pool
 * of worker threads; a failed asset marks everything downstream of it as
 * skipped, the rest of the graph still runs. Events go to the run store as
 * they happen so a crashed run still shows how far it got.
 *
 * One mutex guards the schedule; a second one serialises the run store (one
 * SQLite connection) and the progress callback, so neither sees two threads
 * at once. Asset functions run outside both locks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/pipeline_internal.h"

typedef enum slot_state { SLOT_WAITING = 0, SLOT_RUNNING, SLOT_DONE } slot_state;

struct md_run {
  char id[40];
  md_asset_result *results;
  int count;
  bool succeeded;
  double seconds;
};

/* What the workers share while a run is under way. */
typedef struct run_exec {
  const md_pipeline *pipeline;
  const md_run_options *options;
  md_run *run;
  const bool *selected;
  slot_state *state;
  run_store *store;
  pthread_mutex_t lock; /* state, results' status, failed, serial_busy, rc */
  pthread_cond_t changed;
  pthread_mutex_t io;   /* the run store and the progress callback */
  bool serial_busy;     /* an asset of options->serial_group is running */
  bool failed;          /* an asset failed, was skipped or failed a check */
  md_code rc;           /* first run store error: no new assets start */
  md_error err;
} run_exec;

struct md_asset_ctx {
  const char *run_id;
  const char *asset;
  run_exec *exec;
  md_asset_result *result;
  md_error store_err; /* first run store failure, reported after the asset */
  char inputs[2048];  /* "table@version,..." */
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ctx_event(md_asset_ctx *ctx, const char *event, const char *name, int64_t value, const char *detail) {
  if (!ctx->exec->store || ctx->store_err.code) return;
  pthread_mutex_lock(&ctx->exec->io);
  run_store_event(ctx->exec->store, ctx->run_id, ctx->asset, event, name, value, detail, &ctx->store_err);
  pthread_mutex_unlock(&ctx->exec->io);
}

void md_asset_ctx_rows(md_asset_ctx *ctx, int64_t rows_written) {
  ctx->result->rows_written = rows_written;
  ctx_event(ctx, "rows_written", NULL, rows_written, NULL);
}

void md_asset_ctx_table(md_asset_ctx *ctx, int64_t version, int64_t bytes) {
  ctx->result->version = version;
  ctx->result->bytes = bytes;
  ctx_event(ctx, "table_version", NULL, version, NULL);
  ctx_event(ctx, "bytes", NULL, bytes, NULL);
}

void md_asset_ctx_rejects(md_asset_ctx *ctx, const char *reason, int64_t rows) {
  ctx->result->rejects += rows;
  ctx_event(ctx, "rejects", reason, rows, NULL);
}

void md_asset_ctx_check(md_asset_ctx *ctx, const char *check, bool passed, const char *detail) {
  if (!passed) ctx->result->checks_failed++;
  ctx_event(ctx, "check", check, passed ? 1 : 0, detail);
}

void md_asset_ctx_input(md_asset_ctx *ctx, const char *table, int64_t version) {
  size_t used = strlen(ctx->inputs);
  snprintf(ctx->inputs + used, sizeof ctx->inputs - used, "%s%s@%lld", used ? "," : "", table, (long long)version);
  ctx_event(ctx, "input", table, version, NULL);
}
const char *md_asset_ctx_inputs(const md_asset_ctx *ctx) { return ctx->inputs; }

void md_asset_ctx_note(md_asset_ctx *ctx, const char *note) { ctx_event(ctx, "note", NULL, 0, note); }
const char *md_asset_ctx_run_id(const md_asset_ctx *ctx) { return ctx->run_id; }
const char *md_asset_ctx_asset(const md_asset_ctx *ctx) { return ctx->asset; }

void md_run_free(md_run *run) {
  if (!run) return;
  for (int i = 0; run->results && i < run->count; i++) free((char *)run->results[i].name);
  free(run->results);
  free(run);
}
const char *md_run_id(const md_run *run) { return run->id; }
bool md_run_succeeded(const md_run *run) { return run->succeeded; }
int md_run_num_results(const md_run *run) { return run->count; }
const md_asset_result *md_run_result(const md_run *run, int i) {
  return i >= 0 && i < run->count ? &run->results[i] : NULL;
}
double md_run_seconds(const md_run *run) { return run->seconds; }

/* Records a store failure once; later assets are not started. Called with io held. */
static void note_store_error(run_exec *x, const md_error *e) {
  pthread_mutex_lock(&x->lock);
  if (!x->rc) {
    x->rc = e->code;
    x->err = *e;
  }
  pthread_mutex_unlock(&x->lock);
}

static void report(run_exec *x, const md_asset_result *r) {
  if (x->options->progress) x->options->progress(x->options->progress_context, r);
}

/* Runs asset i outside the schedule lock. */
static void run_one(run_exec *x, int i) {
  const md_asset_def *d = &x->pipeline->assets[i];
  md_asset_result *r = &x->run->results[i];
  md_asset_ctx ctx = {.run_id = x->run->id, .asset = d->name, .exec = x, .result = r, .inputs = ""};
  md_error_clear(&ctx.store_err);
  pthread_mutex_lock(&x->io);
  report(x, r);
  pthread_mutex_unlock(&x->io);
  ctx_event(&ctx, "start", NULL, 0, NULL);
  double t0 = now_seconds();
  md_error aerr;
  md_error_clear(&aerr);
  md_code rc = d->fn(&ctx, x->options->resources, &aerr);
  r->seconds = now_seconds() - t0;
  md_asset_status status = rc ? MD_ASSET_FAILED : MD_ASSET_SUCCEEDED;
  if (rc) snprintf(r->error, sizeof r->error, "%s", aerr.message[0] ? aerr.message : md_code_name(rc));
  ctx_event(&ctx, "end", rc ? "failed" : "succeeded", (int64_t)(r->seconds * 1000), rc ? r->error : NULL);
  pthread_mutex_lock(&x->io);
  /* The status is published under the schedule lock below; the store and the
   * progress callback see it here already. */
  r->status = status;
  if (x->store && !ctx.store_err.code) run_store_asset(x->store, x->run->id, r, &ctx.store_err);
  report(x, r);
  if (ctx.store_err.code) note_store_error(x, &ctx.store_err);
  pthread_mutex_unlock(&x->io);
}

/* An asset whose selected upstream did not succeed is skipped; the dependency
 * order makes one pass enough. Called with lock held; the skipped ones are
 * reported after the lock is released. */
static void skip_blocked(run_exec *x, int *skipped, int *num_skipped) {
  const md_pipeline *p = x->pipeline;
  for (int i = 0; i < p->count; i++) {
    if (!x->selected[i] || x->state[i] != SLOT_WAITING) continue;
    const char *blocker = NULL;
    for (int j = 0; j < i && !blocker; j++) {
      if (!x->selected[j] || x->state[j] != SLOT_DONE || !pipeline_depends(p, i, j)) continue;
      md_asset_status s = x->run->results[j].status;
      if (s == MD_ASSET_FAILED || s == MD_ASSET_SKIPPED)
        blocker = p->assets[j].name;
    }
    if (!blocker) continue;
    md_asset_result *r = &x->run->results[i];
    r->status = MD_ASSET_SKIPPED;
    snprintf(r->error, sizeof r->error, "upstream %s did not succeed", blocker);
    x->state[i] = SLOT_DONE;
    x->failed = true;
    skipped[(*num_skipped)++] = i;
  }
}

static bool in_serial_group(const run_exec *x, int i) {
  const char *g = x->options->serial_group;
  return g && strcmp(x->pipeline->assets[i].group, g) == 0;
}

/* The first waiting asset whose selected dependencies all succeeded, or -1.
 * Called with lock held. */
static int next_ready(const run_exec *x) {
  const md_pipeline *p = x->pipeline;
  for (int i = 0; i < p->count; i++) {
    if (!x->selected[i] || x->state[i] != SLOT_WAITING) continue;
    if (x->serial_busy && in_serial_group(x, i)) continue;
    bool ready = true;
    for (int j = 0; j < i && ready; j++)
      if (x->selected[j] && pipeline_depends(p, i, j) &&
          (x->state[j] != SLOT_DONE || x->run->results[j].status != MD_ASSET_SUCCEEDED))
        ready = false;
    if (ready) return i;
  }
  return -1;
}

static bool any_waiting(const run_exec *x) {
  for (int i = 0; i < x->pipeline->count; i++)
    if (x->selected[i] && x->state[i] == SLOT_WAITING) return true;
  return false;
}

static bool any_running(const run_exec *x) {
  for (int i = 0; i < x->pipeline->count; i++)
    if (x->state[i] == SLOT_RUNNING) return true;
  return false;
}

static void report_skipped(run_exec *x, const int *skipped, int n) {
  if (!n) return;
  pthread_mutex_lock(&x->io);
  for (int k = 0; k < n; k++) {
    md_asset_result *r = &x->run->results[skipped[k]];
    md_error e;
    if (x->store && run_store_asset(x->store, x->run->id, r, &e)) note_store_error(x, &e);
    report(x, r);
  }
  pthread_mutex_unlock(&x->io);
}

static void *worker(void *arg) {
  run_exec *x = arg;
  int *skipped = malloc(((size_t)x->pipeline->count + 1) * sizeof *skipped);
  pthread_mutex_lock(&x->lock);
  for (;;) {
    int num_skipped = 0;
    if (skipped) skip_blocked(x, skipped, &num_skipped);
    if (num_skipped) {
      pthread_cond_broadcast(&x->changed);
      pthread_mutex_unlock(&x->lock);
      report_skipped(x, skipped, num_skipped);
      pthread_mutex_lock(&x->lock);
      continue;
    }
    if (x->rc || !skipped || !any_waiting(x)) break;
    int i = next_ready(x);
    if (i < 0) {
      if (!any_running(x)) break; /* cannot happen after a check; never wait forever */
      pthread_cond_wait(&x->changed, &x->lock);
      continue;
    }
    bool serial = in_serial_group(x, i);
    x->state[i] = SLOT_RUNNING;
    if (serial) x->serial_busy = true;
    pthread_mutex_unlock(&x->lock);
    run_one(x, i);
    pthread_mutex_lock(&x->lock);
    x->state[i] = SLOT_DONE;
    if (serial) x->serial_busy = false;
    const md_asset_result *r = &x->run->results[i];
    if (r->status != MD_ASSET_SUCCEEDED || r->checks_failed) x->failed = true;
    pthread_cond_broadcast(&x->changed);
  }
  if (!skipped && !x->rc) {
    x->rc = md_error_set(&x->err, MD_ERR_NOMEM, "run: out of memory");
  }
  pthread_cond_broadcast(&x->changed);
  pthread_mutex_unlock(&x->lock);
  free(skipped);
  return NULL;
}

static int worker_count(const md_run_options *o, int selected) {
  int n = o->threads;
  if (n <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus > 0 ? (int)cpus : 1;
  }
  if (n > selected) n = selected;
  if (n > 64) n = 64;
  return n < 1 ? 1 : n;
}

/* Runs every selected asset; the calling thread is one of the workers. */
static md_code execute(run_exec *x, int num_selected, md_error *err) {
  pthread_mutex_init(&x->lock, NULL);
  pthread_mutex_init(&x->io, NULL);
  pthread_cond_init(&x->changed, NULL);
  int n = worker_count(x->options, num_selected);
  pthread_t threads[64];
  int started = 0;
  for (int k = 1; k < n; k++) {
    if (pthread_create(&threads[started], NULL, worker, x) != 0) break; /* fewer workers still finish the run */
    started++;
  }
  worker(x);
  for (int k = 0; k < started; k++) pthread_join(threads[k], NULL);
  pthread_cond_destroy(&x->changed);
  pthread_mutex_destroy(&x->io);
  pthread_mutex_destroy(&x->lock);
  if (x->rc) {
    if (err) *err = x->err;
    return x->rc;
  }
  return MD_OK;
}

md_code md_pipeline_run(const md_pipeline *pipeline, const md_run_options *options, md_run **out, md_error *err) {
  md_run_options none = {0};
  const md_run_options *o = options ? options : &none;
  md_code rc = md_pipeline_check(pipeline, err);
  if (rc) return rc;
  int n = pipeline->count;
  md_run *run = calloc(1, sizeof *run);
  bool *selected = calloc((size_t)n + 1, sizeof *selected);
  slot_state *state = calloc((size_t)n + 1, sizeof *state);
  if (!run || !selected || !state || !(run->results = calloc((size_t)n + 1, sizeof *run->results))) {
    free(selected);
    free(state);
    md_run_free(run);
    return md_error_set(err, MD_ERR_NOMEM, "run: out of memory");
  }
  run->count = n;
  if (o->run_id) {
    if (!md_uuid_valid(o->run_id)) rc = md_error_set(err, MD_ERR_INVALID, "run: run id '%s' is not a UUID", o->run_id);
    else snprintf(run->id, sizeof run->id, "%s", o->run_id);
  } else {
    rc = md_uuid_v4(run->id, err);
  }
  if (rc == MD_OK) rc = md_pipeline_select(pipeline, o->selection, selected, err);
  int num_selected = 0;
  for (int i = 0; rc == MD_OK && i < n; i++) {
    md_asset_result *r = &run->results[i];
    /* The run outlives the pipeline: its names are its own. */
    r->name = strdup(pipeline->assets[i].name);
    if (!r->name) rc = md_error_set(err, MD_ERR_NOMEM, "run: out of memory");
    r->rows_written = -1;
    r->version = -1;
    if (!selected[i]) r->status = MD_ASSET_NOT_SELECTED;
    else num_selected++;
  }
  run_store *store = NULL;
  if (rc == MD_OK && o->home) rc = run_store_open(o->home, &store, err);
  if (rc == MD_OK && store) rc = run_store_begin(store, run->id, o->selection ? o->selection : "*", o->config_json, err);
  double t0 = now_seconds();
  run_exec x = {.pipeline = pipeline, .options = o, .run = run, .selected = selected, .state = state, .store = store};
  if (rc == MD_OK) rc = execute(&x, num_selected, err);
  run->seconds = now_seconds() - t0;
  run->succeeded = !x.failed && rc == MD_OK;
  if (rc == MD_OK && store) rc = run_store_end(store, run->id, x.failed ? "failed" : "succeeded", run->seconds, err);
  run_store_close(store);
  free(selected);
  free(state);
  if (rc) {
    md_run_free(run);
    return rc;
  }
  *out = run;
  return MD_OK;
}
