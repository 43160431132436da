/* run.c — executing a pipeline: the selected assets in dependency order, one
 * at a time; a failed asset marks everything downstream of it as skipped, the
 * rest of the graph still runs. Events go to the run store as they happen so
 * a crashed run still shows how far it got. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/pipeline_internal.h"

struct md_asset_ctx {
  const char *run_id;
  const char *asset;
  run_store *store;
  md_asset_result *result;
  md_error store_err; /* first run store failure, reported after the asset */
  char inputs[2048];  /* "table@version,..." */
};

struct md_run {
  char id[40];
  md_asset_result *results;
  int count;
  bool succeeded;
  double seconds;
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ctx_event(md_asset_ctx *ctx, const char *event, const char *name, int64_t value, const char *detail) {
  if (!ctx->store || ctx->store_err.code) return;
  run_store_event(ctx->store, ctx->run_id, ctx->asset, event, name, value, detail, &ctx->store_err);
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

static md_code run_one(const md_pipeline *p, int i, md_run *run, run_store *store, const md_run_options *o,
                       md_error *err) {
  const md_asset_def *d = &p->assets[i];
  md_asset_result *r = &run->results[i];
  md_asset_ctx ctx = {.run_id = run->id, .asset = d->name, .store = store, .result = r, .inputs = ""};
  md_error_clear(&ctx.store_err);
  if (o->progress) o->progress(o->progress_context, r);
  ctx_event(&ctx, "start", NULL, 0, NULL);
  double t0 = now_seconds();
  md_error aerr;
  md_error_clear(&aerr);
  md_code rc = d->fn(&ctx, o->resources, &aerr);
  r->seconds = now_seconds() - t0;
  if (rc) {
    r->status = MD_ASSET_FAILED;
    snprintf(r->error, sizeof r->error, "%s", aerr.message[0] ? aerr.message : md_code_name(rc));
  } else {
    r->status = MD_ASSET_SUCCEEDED;
  }
  ctx_event(&ctx, "end", rc ? "failed" : "succeeded", (int64_t)(r->seconds * 1000), rc ? r->error : NULL);
  if (store && !ctx.store_err.code) run_store_asset(store, run->id, r, &ctx.store_err);
  if (o->progress) o->progress(o->progress_context, r);
  if (ctx.store_err.code) {
    if (err) *err = ctx.store_err;
    return ctx.store_err.code;
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
  if (!run || !selected || !(run->results = calloc((size_t)n + 1, sizeof *run->results))) {
    free(selected);
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
  run_store *store = NULL;
  if (rc == MD_OK && o->home) rc = run_store_open(o->home, &store, err);
  if (rc == MD_OK && store) rc = run_store_begin(store, run->id, o->selection ? o->selection : "*", o->config_json, err);
  double t0 = now_seconds();
  bool ok = true;
  for (int i = 0; rc == MD_OK && i < n; i++) {
    md_asset_result *r = &run->results[i];
    /* The run outlives the pipeline: its names are its own. */
    r->name = strdup(pipeline->assets[i].name);
    if (!r->name) {
      rc = md_error_set(err, MD_ERR_NOMEM, "run: out of memory");
      break;
    }
    r->rows_written = -1;
    r->version = -1;
    if (!selected[i]) {
      r->status = MD_ASSET_NOT_SELECTED;
      continue;
    }
    /* Skip when a selected upstream asset did not succeed. */
    const char *blocker = NULL;
    for (int j = 0; j < i && !blocker; j++)
      if (pipeline_depends(pipeline, i, j) &&
          (run->results[j].status == MD_ASSET_FAILED || run->results[j].status == MD_ASSET_SKIPPED))
        blocker = pipeline->assets[j].name;
    if (blocker) {
      r->status = MD_ASSET_SKIPPED;
      snprintf(r->error, sizeof r->error, "upstream %s did not succeed", blocker);
      if (store) rc = run_store_asset(store, run->id, r, err);
      if (o->progress) o->progress(o->progress_context, r);
      ok = false;
      continue;
    }
    rc = run_one(pipeline, i, run, store, o, err);
    if (r->status != MD_ASSET_SUCCEEDED || r->checks_failed) ok = false;
  }
  run->seconds = now_seconds() - t0;
  run->succeeded = ok && rc == MD_OK;
  if (rc == MD_OK && store) rc = run_store_end(store, run->id, ok ? "succeeded" : "failed", run->seconds, err);
  run_store_close(store);
  free(selected);
  if (rc) {
    md_run_free(run);
    return rc;
  }
  *out = run;
  return MD_OK;
}
