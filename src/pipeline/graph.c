/* graph.c — the asset graph: definitions, the missing-dependency and cycle
 * checks, and the dependency order that runs use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline_internal.h"

md_code md_pipeline_new(md_pipeline **out, md_error *err) {
  md_pipeline *p = calloc(1, sizeof *p);
  if (!p) return md_error_set(err, MD_ERR_NOMEM, "pipeline: out of memory");
  *out = p;
  return MD_OK;
}

static void def_free(md_asset_def *d) {
  free((char *)d->name);
  free((char *)d->group);
  free((char *)d->kind);
  for (int i = 0; i < d->num_deps; i++) free((char *)d->deps[i]);
  free((char **)d->deps);
}

void md_pipeline_free(md_pipeline *pipeline) {
  if (!pipeline) return;
  for (int i = 0; i < pipeline->count; i++) def_free(&pipeline->assets[i]);
  free(pipeline->assets);
  free(pipeline);
}

int pipeline_find(const md_pipeline *pipeline, const char *name) {
  for (int i = 0; i < pipeline->count; i++)
    if (strcmp(pipeline->assets[i].name, name) == 0) return i;
  return -1;
}

bool pipeline_depends(const md_pipeline *pipeline, int a, int b) {
  const md_asset_def *d = &pipeline->assets[a];
  for (int i = 0; i < d->num_deps; i++)
    if (strcmp(d->deps[i], pipeline->assets[b].name) == 0) return true;
  return false;
}

md_code md_pipeline_add(md_pipeline *pipeline, const md_asset_def *def, md_error *err) {
  if (!def || !def->name || !def->fn || def->num_deps < 0)
    return md_error_set(err, MD_ERR_INVALID, "pipeline: asset needs a name and a function");
  if (pipeline_find(pipeline, def->name) >= 0)
    return md_error_set(err, MD_ERR_INVALID, "pipeline: duplicate asset %s", def->name);
  if (pipeline->count == pipeline->capacity) {
    int cap = pipeline->capacity ? pipeline->capacity * 2 : 16;
    md_asset_def *grown = realloc(pipeline->assets, (size_t)cap * sizeof *grown);
    if (!grown) return md_error_set(err, MD_ERR_NOMEM, "pipeline: out of memory");
    pipeline->assets = grown;
    pipeline->capacity = cap;
  }
  md_asset_def d = {0};
  d.name = strdup(def->name);
  d.group = strdup(def->group ? def->group : "");
  d.kind = strdup(def->kind ? def->kind : "");
  d.fn = def->fn;
  char **deps = calloc((size_t)def->num_deps + 1, sizeof *deps);
  d.deps = (const char *const *)deps;
  bool ok = d.name && d.group && d.kind && deps;
  for (int i = 0; ok && i < def->num_deps; i++) {
    deps[i] = strdup(def->deps[i]);
    ok = deps[i] != NULL;
    d.num_deps = i + 1;
  }
  if (!ok) {
    def_free(&d);
    return md_error_set(err, MD_ERR_NOMEM, "pipeline: out of memory");
  }
  pipeline->assets[pipeline->count++] = d;
  return MD_OK;
}

int md_pipeline_num_assets(const md_pipeline *pipeline) { return pipeline->count; }
const md_asset_def *md_pipeline_asset(const md_pipeline *pipeline, int i) {
  return i >= 0 && i < pipeline->count ? &pipeline->assets[i] : NULL;
}

/* Depth-first search; state 1 = on the stack, 2 = done. On a cycle, the path is
 * written into the error. */
static md_code visit(const md_pipeline *p, int i, int *state, int *order, int *n, int *stack, int depth,
                     md_error *err) {
  if (state[i] == 2) return MD_OK;
  stack[depth] = i;
  if (state[i] == 1) {
    char text[512] = "";
    size_t used = 0;
    int start = 0;
    while (stack[start] != i) start++;
    for (int k = start; k <= depth && used < sizeof text; k++) {
      int w = snprintf(text + used, sizeof text - used, "%s%s", k > start ? " -> " : "", p->assets[stack[k]].name);
      if (w < 0) break;
      used += (size_t)w;
    }
    return md_error_set(err, MD_ERR_INVALID, "pipeline: cycle: %s", text);
  }
  state[i] = 1;
  const md_asset_def *d = &p->assets[i];
  for (int k = 0; k < d->num_deps; k++) {
    int j = pipeline_find(p, d->deps[k]);
    if (j < 0)
      return md_error_set(err, MD_ERR_INVALID, "pipeline: asset %s depends on unknown asset %s", d->name, d->deps[k]);
    md_code rc = visit(p, j, state, order, n, stack, depth + 1, err);
    if (rc) return rc;
  }
  state[i] = 2;
  order[(*n)++] = i;
  return MD_OK;
}

/* Checks and, as a side effect on a mutable pipeline, puts the assets in
 * dependency order (stable: an asset comes as early as its dependencies allow
 * in definition order). */
md_code md_pipeline_check(const md_pipeline *pipeline, md_error *err) {
  md_pipeline *p = (md_pipeline *)pipeline;
  int n = p->count, done = 0;
  int *state = calloc((size_t)n + 1, sizeof *state), *order = calloc((size_t)n + 1, sizeof *order);
  int *stack = calloc((size_t)n + 2, sizeof *stack);
  md_code rc = state && order && stack ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "pipeline: out of memory");
  for (int i = 0; rc == MD_OK && i < n; i++) rc = visit(p, i, state, order, &done, stack, 0, err);
  if (rc == MD_OK) {
    md_asset_def *sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
    if (!sorted) {
      rc = md_error_set(err, MD_ERR_NOMEM, "pipeline: out of memory");
    } else {
      for (int i = 0; i < n; i++) sorted[i] = p->assets[order[i]];
      memcpy(p->assets, sorted, (size_t)n * sizeof *sorted);
      free(sorted);
    }
  }
  free(state);
  free(order);
  free(stack);
  return rc;
}
