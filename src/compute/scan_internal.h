/* scan_internal.h — scans of Parquet files and Delta snapshots: what the plan
 * keeps about them, statistics-based pruning, and the executor's scan state.
 * Private to src/compute. */
#ifndef MEDALLION_COMPUTE_SCAN_INTERNAL_H
#define MEDALLION_COMPUTE_SCAN_INTERNAL_H

#include "compute_internal.h"
#include "medallion/delta.h"
#include "medallion/parquet.h"
#include "thread_pool.h"

/* What a plan's scan reads: Parquet files, or a Delta snapshot (borrowed). */
typedef struct scan_source {
  char **paths;
  int num_paths;
  const md_delta_snapshot *snapshot;
} scan_source;

void scan_source_free(scan_source *source);

/* Statistics of one column over a file or row group. Scalars' bytes are
 * borrowed from whoever filled the struct. */
typedef struct scan_col_stats {
  bool all_null;       /* every value is null (so no comparison is true) */
  bool has_null_count;
  int64_t null_count;
  bool has_min_max;    /* min and max of the non-null values */
  md_scalar min, max;
} scan_col_stats;

/* Fills *out for column name; false when nothing is known about it. */
typedef bool (*scan_stats_fn)(void *ctx, const char *name, scan_col_stats *out);

/* False only when no row described by the statistics can make predicate true. */
bool scan_may_match(const md_expr *predicate, scan_stats_fn lookup, void *ctx);
/* A Parquet chunk's statistics as scan_col_stats (rows: the row group's rows). */
void scan_parquet_chunk_stats(const md_parquet_chunk_info *chunk, int64_t rows, scan_col_stats *out);

/* Delta add-action statistics ({"numRecords":..,"minValues":{..},"maxValues":{..},
 * "nullCount":{..}}) for a top-level column of the given type; false when
 * absent or not usable. Strings are copied into buf (of buf_size bytes). */
bool scan_delta_json_stats(const char *json, const char *column, md_type type, int64_t num_records,
                           uint8_t *buf, size_t buf_size, scan_col_stats *out);

/* ---------------------------------------------------------------- execution */

typedef struct scan_state scan_state;

/* plan is a PLAN_SOURCE with a scan; schema its output schema (borrowed). */
md_code scan_open(const md_plan *plan, const md_schema *schema, thread_pool *pool, scan_state **out, md_error *err);
/* Up to max batches (one per row group, in file and row group order); *count
 * 0 at the end. Row groups are decoded in parallel on the pool. */
md_code scan_next_many(scan_state *state, md_batch **out, int max, int *count, md_error *err);
void scan_add_stats(const scan_state *state, md_scan_stats *sum);
void scan_close(scan_state *state);

#endif
