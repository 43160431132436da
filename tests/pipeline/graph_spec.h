/* graph_spec.h — the pipeline tests' shorthand for a graph: "name:group:dep1,dep2;..."
 * becomes a pipeline whose assets all run fn. Shared by the graph and the
 * parallel-run tests. */
#ifndef MEDALLION_TESTS_PIPELINE_GRAPH_SPEC_H
#define MEDALLION_TESTS_PIPELINE_GRAPH_SPEC_H

#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "medallion/pipeline.h"

static inline md_pipeline *graph_from_spec(const char *spec, md_asset_fn fn) {
  md_pipeline *p = NULL;
  assert_int_equal(md_pipeline_new(&p, NULL), MD_OK);
  char *copy = strdup(spec), *save = NULL;
  for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
    char *name = item, *group = strchr(name, ':');
    *group++ = '\0';
    char *deps = strchr(group, ':');
    *deps++ = '\0';
    const char *list[8];
    int n = 0;
    char *s2 = NULL;
    for (char *d = strtok_r(deps, ",", &s2); d && n < 8; d = strtok_r(NULL, ",", &s2)) list[n++] = d;
    md_asset_def def = {name, group, "test", list, n, fn};
    assert_int_equal(md_pipeline_add(p, &def, NULL), MD_OK);
  }
  free(copy);
  return p;
}

#endif
