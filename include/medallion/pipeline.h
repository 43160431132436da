/* pipeline.h — assets and runs: what the healthcare pipeline needs of an
 * orchestrator (the seed used Dagster).
 *
 * An asset is a named table-producing function with a group (bronze, silver,
 * gold, export), a kind (free text such as "delta" or "sqlite") and the names
 * of the assets it reads. A pipeline is a set of assets; md_pipeline_check
 * refuses a graph with a missing dependency or a cycle. A run executes the
 * selected assets in dependency order; an asset that fails stops only the
 * assets downstream of it (they are recorded as "skipped"). Independent assets
 * run in parallel, each as soon as all its selected dependencies succeeded, so
 * asset functions must not share mutable state without their own locking.
 * Every run has a
 * UUID and a status, and every asset leaves events (start, end, rows written,
 * rejects by reason, table version, bytes, duration, check results, notes) in
 * a SQLite run store, <home>/runs.sqlite. */
#ifndef MEDALLION_PIPELINE_H
#define MEDALLION_PIPELINE_H

#include "medallion/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an asset reports while it runs; passed to its function. Opaque. */
typedef struct md_asset_ctx md_asset_ctx;

typedef md_code (*md_asset_fn)(md_asset_ctx *ctx, void *resources, md_error *err);

typedef struct md_asset_def {
  const char *name;  /* unique, e.g. "silver/billing" */
  const char *group; /* "bronze", "silver", "gold", "export" */
  const char *kind;  /* "delta", "sqlite+duckdb", ... */
  const char *const *deps; /* names of upstream assets */
  int num_deps;
  md_asset_fn fn;
} md_asset_def;

typedef struct md_pipeline md_pipeline;

md_code md_pipeline_new(md_pipeline **out, md_error *err);
void md_pipeline_free(md_pipeline *pipeline);
/* Copies the definition (names and dependency names too). A duplicate name is
 * MD_ERR_INVALID. */
md_code md_pipeline_add(md_pipeline *pipeline, const md_asset_def *def, md_error *err);
/* Missing dependency ("asset silver/x depends on unknown asset bronze/y") or
 * cycle ("cycle: a -> b -> a") is MD_ERR_INVALID. */
md_code md_pipeline_check(const md_pipeline *pipeline, md_error *err);
int md_pipeline_num_assets(const md_pipeline *pipeline);
/* The i-th asset in dependency order (after a successful check). Borrowed. */
const md_asset_def *md_pipeline_asset(const md_pipeline *pipeline, int i);

/* Selection: a comma-separated list of terms; each term is an asset name or a
 * group name, optionally with a leading '+' (and everything upstream) and/or a
 * trailing '+' (and everything downstream). NULL or "" or "*" selects all.
 * selected must have md_pipeline_num_assets entries, indexed like
 * md_pipeline_asset. An unknown term is MD_ERR_NOT_FOUND. */
md_code md_pipeline_select(const md_pipeline *pipeline, const char *selection, bool *selected, md_error *err);

/* ------------------------------------------------------------- reporting */

void md_asset_ctx_rows(md_asset_ctx *ctx, int64_t rows_written);
void md_asset_ctx_table(md_asset_ctx *ctx, int64_t version, int64_t bytes);
void md_asset_ctx_rejects(md_asset_ctx *ctx, const char *reason, int64_t rows);
void md_asset_ctx_check(md_asset_ctx *ctx, const char *check, bool passed, const char *detail);
/* A free-text note recorded with the run (e.g. "DuckDB output skipped: ..."). */
void md_asset_ctx_note(md_asset_ctx *ctx, const char *note);
/* Lineage: the asset read version `version` of `table` (recorded as an
 * "input" event); md_asset_ctx_inputs lists them as "table@version,..." (""
 * when none), for the asset's commits. */
void md_asset_ctx_input(md_asset_ctx *ctx, const char *table, int64_t version);
const char *md_asset_ctx_inputs(const md_asset_ctx *ctx);
const char *md_asset_ctx_run_id(const md_asset_ctx *ctx);
const char *md_asset_ctx_asset(const md_asset_ctx *ctx);

/* ------------------------------------------------------------------- runs */

typedef enum md_asset_status {
  MD_ASSET_PENDING = 0,
  MD_ASSET_SUCCEEDED,
  MD_ASSET_FAILED,
  MD_ASSET_SKIPPED,   /* an upstream asset failed */
  MD_ASSET_NOT_SELECTED
} md_asset_status;

typedef struct md_asset_result {
  const char *name;
  md_asset_status status;
  int64_t rows_written; /* -1 when not reported */
  int64_t rejects;      /* sum over reasons */
  int64_t version;      /* -1 when not reported */
  int64_t bytes;
  double seconds;
  int checks_failed;
  char error[MD_ERROR_MESSAGE_MAX];
} md_asset_result;

/* "succeeded", "failed", "skipped", "not selected", "pending". */
const char *md_asset_status_name(md_asset_status status);

/* Called when an asset starts (result->status PENDING) and ends; never from two
 * threads at once, but not always from the caller's thread. */
typedef void (*md_run_progress_fn)(void *context, const md_asset_result *result);

typedef struct md_run_options {
  const char *run_id;    /* NULL: a new random UUID */
  const char *home;      /* the run store lives in <home>/runs.sqlite; NULL: no store */
  const char *selection; /* see md_pipeline_select */
  const char *config_json; /* recorded with the run (no secrets!), may be NULL */
  void *resources;       /* passed to every asset function */
  md_run_progress_fn progress;
  void *progress_context;
  int threads;           /* assets run at once; <= 0: the number of online CPUs */
  /* Assets of this group run one at a time (e.g. "bronze" when the source is
   * one database connection); NULL: no such limit. */
  const char *serial_group;
} md_run_options;

typedef struct md_run md_run;

/* Runs the selected assets. Returns MD_OK when the run itself could be carried
 * out (even if assets failed: see md_run_succeeded); an error only when the
 * run store cannot be written or the graph is invalid. */
md_code md_pipeline_run(const md_pipeline *pipeline, const md_run_options *options, md_run **out, md_error *err);
void md_run_free(md_run *run);
const char *md_run_id(const md_run *run);
/* Every asset succeeded (or was not selected) and every check passed. */
bool md_run_succeeded(const md_run *run);
int md_run_num_results(const md_run *run);
const md_asset_result *md_run_result(const md_run *run, int i);
double md_run_seconds(const md_run *run);

/* A new random UUID (version 4, lower-case text, 36 characters + NUL). */
md_code md_uuid_v4(char out[37], md_error *err);
bool md_uuid_valid(const char *text);

/* ------------------------------------------------------------ run store */

/* Print the history: one line per run, newest first (limit <= 0: all). */
md_code md_runs_list(const char *home, int limit, char **out_text, md_error *err);
/* Print one run: its status, config, per-asset rows and events. *out_text is
 * malloc'd; MD_ERR_NOT_FOUND for an unknown id (a unique prefix is accepted). */
md_code md_runs_show(const char *home, const char *run_id, char **out_text, md_error *err);

/* ---------------------------------------------------------------- lineage */

/* The chain of table versions and runs behind <home>/<table> at version
 * (-1: latest), read from the medallion.run_id / medallion.asset /
 * medallion.inputs keys of each commit's commitInfo, back to the source: one
 * line per table version, indented by depth. *out_text is malloc'd. */
md_code md_lineage(const char *home, const char *table, int64_t version, char **out_text, md_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_PIPELINE_H */
