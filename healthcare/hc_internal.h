/* hc_internal.h — helpers shared by the healthcare assets: table paths,
 * reading a Delta table whole, idempotent writes, normalisation and the
 * silver split into accepted rows and rejects. */
#ifndef MEDALLION_HC_INTERNAL_H
#define MEDALLION_HC_INTERNAL_H

#include "healthcare.h"

#define HC_PATH_MAX 4096

/* <home>/<layer>/<name> */
md_code hc_path(const hc_config *cfg, const char *layer, const char *name, char out[HC_PATH_MAX], md_error *err);
/* The whole latest snapshot as one batch; *version (may be NULL) gets its version. */
md_code hc_read_table(const char *path, md_batch **out, int64_t *version, md_error *err);
/* hc_read_table of <home>/<layer>/<name>, recorded as an input of the asset (lineage). */
md_code hc_read(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch **out,
                md_error *err);
/* Overwrites the table with batch, unless its latest commit was already made
 * by this run (a re-run of the same run id changes nothing); reports rows,
 * version and bytes to ctx. */
md_code hc_write(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch *batch,
                 md_error *err);
/* The same for a table partitioned by one column (Hive-style directories). */
md_code hc_write_partitioned(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                             md_batch *batch, const char *partition_column, md_error *err);
/* How hc_write_with writes: overwrite (default) or append, a partition column,
 * a replaceWhere predicate over it (overwrite only those partitions), and the
 * bronze high-water mark to record in the commit. */
#define HC_WATERMARK_KEY "medallion.watermark"
typedef struct hc_write_spec {
  bool append;
  const char *partition_column;
  const char *replace_where;
  const char *watermark;
} hc_write_spec;
/* hc_write with a spec (NULL: overwrite); batch NULL writes nothing and only
 * reports the table's current version. */
md_code hc_write_with(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch *batch,
                      const hc_write_spec *spec, md_error *err);
/* Runs a plan (freed) and gathers its rows. */
md_code hc_collect(md_plan *plan, md_batch **out, md_error *err);
/* A plan over one batch (borrowed). */
md_plan *hc_scan(md_batch *batch);

/* Normalise (§3 step 1) every column of batch except '_' metadata columns. */
md_plan *hc_normalise(md_batch *bronze);
bool hc_is_code_column(const char *name);
bool hc_is_identifier(const char *name);

/* A silver table's rules: the rows of `validated` get `_reject_reason` from the
 * first matching rule (after key_missing on keys). */
typedef struct hc_rule {
  const char *name;
  md_expr *when; /* owned */
} hc_rule;

typedef struct hc_silver_table {
  const char *table;           /* e.g. "billing" */
  const char *const *keys;
  int num_keys;
  hc_rule *rules;
  int num_rules;
  /* silver output: expressions over the validated rows (owned) */
  md_expr **exprs;
  const char *const *names;
  int num_exprs;
  const char *const *silver_keys; /* the key in silver when it differs (PATIENT_KEY), else NULL */
  const char *partition_by;       /* silver partition column, or NULL */
} hc_silver_table;

/* Validates `validated` (a plan whose columns include the normalised source
 * columns of source_schema), writes silver/<table> and silver/<table>_rejects,
 * records rejects by reason and the §3 checks. Takes ownership of validated and
 * of the spec's expressions. */
md_code hc_silver_finish(md_asset_ctx *ctx, const hc_config *cfg, hc_silver_table *spec, md_plan *validated,
                         const md_schema *source_schema, int64_t distinct_keys_plus_null, md_error *err);
/* Normalise then keep-latest on keys; also counts distinct non-null keys plus
 * null-key rows of the normalised rows (for the §3 count check). */
md_code hc_normalise_dedupe(md_batch *bronze, const char *const *keys, int num_keys, md_batch **out,
                            int64_t *expected_count, md_error *err);

md_expr *hc_patient_key(const hc_config *cfg);
/* The source columns of a schema (no '_' columns). */
md_schema *hc_source_columns(const md_schema *schema);
/* Sum of a decimal column (unscaled, must fit int64); null values skipped. */
int64_t hc_decimal_sum(const md_batch *batch, const char *column);
md_code hc_check_no_identifiers(md_asset_ctx *ctx, const md_batch *batch, const char *table);

/* Incremental runs (hc_incremental.c). The medallion.inputs text of the
 * table's newest commit (*out malloc'd, NULL when none). */
md_code hc_commit_inputs(const hc_config *cfg, const char *layer, const char *name, char **out, md_error *err);
/* The version of table ("silver/billing") listed in inputs, or -1. */
int64_t hc_input_version(const char *inputs, const char *table);
/* The latest version of <home>/<table>, or -1 when it is no table. */
int64_t hc_table_version(const hc_config *cfg, const char *table);
/* In an incremental run: true when <layer>/<name> was last written from the
 * current versions of deps, after recording them as inputs and reporting the
 * table unchanged; the asset then has nothing to do. */
bool hc_skip_unchanged(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                       const char *const *deps, int num_deps);
/* Equal row for row over the columns not starting with '_' (any order of columns). */
bool hc_same_rows(const md_batch *a, const md_batch *b);

md_expr *hc_str_in(const char *column, const char *const *values, int n);

#endif
