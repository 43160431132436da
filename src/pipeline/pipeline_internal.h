/* pipeline_internal.h — the pipeline module's private structures, shared by
 * the graph, the runner and the run store. */
#ifndef MEDALLION_PIPELINE_INTERNAL_H
#define MEDALLION_PIPELINE_INTERNAL_H

#include "medallion/pipeline.h"

struct md_pipeline {
  md_asset_def *assets; /* in dependency order after pipeline_sort */
  int count;
  int capacity;
};

/* Index of the asset named name, or -1. */
int pipeline_find(const md_pipeline *pipeline, const char *name);
/* true when asset a depends on asset b directly. */
bool pipeline_depends(const md_pipeline *pipeline, int a, int b);

typedef struct run_store run_store;

/* Opens (creating tables if needed) <home>/runs.sqlite. */
md_code run_store_open(const char *home, run_store **out, md_error *err);
void run_store_close(run_store *store);
md_code run_store_begin(run_store *store, const char *run_id, const char *selection, const char *config_json,
                        md_error *err);
md_code run_store_event(run_store *store, const char *run_id, const char *asset, const char *event,
                        const char *name, int64_t value, const char *detail, md_error *err);
md_code run_store_asset(run_store *store, const char *run_id, const md_asset_result *result, md_error *err);
md_code run_store_end(run_store *store, const char *run_id, const char *status, double seconds, md_error *err);

#endif
