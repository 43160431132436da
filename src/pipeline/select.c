/* select.c — asset selection: names or groups, with '+' for upstream
 * ("+gold/x") and downstream ("bronze+"), as a comma-separated list. */
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline_internal.h"

/* Assets are in dependency order, so one backward (upstream) or forward
 * (downstream) sweep closes the marking. */
static void close_upstream(const md_pipeline *p, bool *mark) {
  for (int a = p->count - 1; a >= 0; a--)
    if (mark[a])
      for (int b = 0; b < a; b++)
        if (pipeline_depends(p, a, b)) mark[b] = true;
}

static void close_downstream(const md_pipeline *p, bool *mark) {
  for (int a = 0; a < p->count; a++)
    for (int b = 0; b < a; b++)
      if (mark[b] && pipeline_depends(p, a, b)) mark[a] = true;
}

md_code md_pipeline_select(const md_pipeline *pipeline, const char *selection, bool *selected, md_error *err) {
  int n = pipeline->count;
  bool all = !selection || !*selection || strcmp(selection, "*") == 0;
  for (int i = 0; i < n; i++) selected[i] = all;
  if (all) return MD_OK;
  char *copy = strdup(selection);
  bool *mark = calloc((size_t)n + 1, sizeof *mark);
  if (!copy || !mark) {
    free(copy);
    free(mark);
    return md_error_set(err, MD_ERR_NOMEM, "select: out of memory");
  }
  md_code rc = MD_OK;
  char *save = NULL;
  for (char *term = strtok_r(copy, ", ", &save); term && rc == MD_OK; term = strtok_r(NULL, ", ", &save)) {
    bool up = term[0] == '+';
    if (up) term++;
    size_t len = strlen(term);
    bool down = len > 0 && term[len - 1] == '+';
    if (down) term[--len] = '\0';
    memset(mark, 0, (size_t)n * sizeof *mark);
    bool any = false;
    for (int i = 0; i < n; i++)
      if (strcmp(pipeline->assets[i].name, term) == 0 || strcmp(pipeline->assets[i].group, term) == 0)
        mark[i] = any = true;
    if (!any) {
      rc = md_error_set(err, MD_ERR_NOT_FOUND, "select: no asset or group named '%s'", term);
      break;
    }
    bool *base = malloc((size_t)n * sizeof *base);
    if (!base) {
      rc = md_error_set(err, MD_ERR_NOMEM, "select: out of memory");
      break;
    }
    memcpy(base, mark, (size_t)n * sizeof *base);
    if (up) close_upstream(pipeline, mark);
    if (down) {
      bool *downm = base;
      close_downstream(pipeline, downm);
      for (int i = 0; i < n; i++) mark[i] = mark[i] || downm[i];
    }
    free(base);
    for (int i = 0; i < n; i++) selected[i] = selected[i] || mark[i];
  }
  free(copy);
  free(mark);
  return rc;
}
