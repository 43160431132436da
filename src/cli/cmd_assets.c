/* cmd_assets.c — `medallion assets`: the healthcare pipeline's asset graph in
 * dependency order, with group, kind and upstream assets. */
#include <stdio.h>

#include "cli/commands.h"
#include "healthcare.h"
#include "medallion/pipeline.h"


int cmd_assets(int argc, char **argv) {
  (void)argc;
  (void)argv;
  md_pipeline *p = NULL;
  md_error err;
  if (hc_pipeline_build(&p, &err)) {
    fprintf(stderr, "medallion assets: %s\n", err.message);
    return 1;
  }
  printf("%-34s %-7s %-14s %s\n", "ASSET", "GROUP", "KIND", "DEPENDS ON");
  for (int i = 0; i < md_pipeline_num_assets(p); i++) {
    const md_asset_def *d = md_pipeline_asset(p, i);
    printf("%-34s %-7s %-14s ", d->name, d->group, d->kind);
    for (int k = 0; k < d->num_deps; k++) printf("%s%s", k ? ", " : "", d->deps[k]);
    printf("%s\n", d->num_deps ? "" : "-");
  }
  md_pipeline_free(p);
  return 0;
}
