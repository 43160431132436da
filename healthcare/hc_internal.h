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
/* Only the columns named, in that order (NULL, -1: all). */
md_code hc_read_table_columns(const char *path, const char *const *columns, int num_columns, md_batch **out,
                              int64_t *version, md_error *err);
/* hc_read_table of <home>/<layer>/<name>, recorded as an input of the asset (lineage). */
md_code hc_read(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch **out,
                md_error *err);
/* hc_read of the columns named only (gold reads a few columns of wide tables). */
md_code hc_read_columns(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                        const char *const *columns, int num_columns, md_batch **out, md_error *err);
/* The latest snapshot of <layer>/<name>, recorded as an input of the asset:
 * gold scans it through plans (hc_scan_snapshot) instead of reading it whole. */
typedef struct hc_snapshot {
  md_delta_table *table;
  md_delta_snapshot *snapshot;
} hc_snapshot;
md_code hc_open_snapshot(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                         hc_snapshot *out, md_error *err);
void hc_snapshot_close(hc_snapshot *s);
/* A streaming scan of the snapshot (which must outlive the plan) reading only
 * the columns named (at most 16), in that order; NULL when out of memory. */
md_plan *hc_scan_snapshot(const hc_snapshot *s, const char *const *columns, int num_columns);
/* The sum of a decimal column over a plan's rows (freed), unscaled, on the run's threads. */
md_code hc_plan_decimal_sum(const hc_config *cfg, md_plan *plan, const char *column, int64_t *out, md_error *err);
/* Overwrites the table with batch, unless its latest commit was already made
 * by this run (a re-run of the same run id changes nothing); reports rows,
 * version and bytes to ctx. */
md_code hc_write(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch *batch,
                 md_error *err);
/* The same for a table partitioned by one column (Hive-style directories). */
md_code hc_write_partitioned(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                             md_batch *batch, const char *partition_column, md_error *err);
/* Commits the rows of an earlier version again (nothing when version < 0 or
 * it is already the latest): a failed asset undoes its first table's write. */
md_code hc_restore(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, int64_t version,
                   md_error *err);
/* How hc_write_with writes: overwrite (default) or append, a partition column,
 * a replaceWhere predicate over it (overwrite only those partitions), and the
 * bronze high-water mark to record in the commit. */
#define HC_WATERMARK_KEY "medallion.watermark"
#define HC_AS_OF_KEY "medallion.as_of" /* date32 days, every commit */
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
/* A table write whose batches come one at a time (hc_table_writer.c): open
 * (schema NULL only for a write that will finish with nothing new), append,
 * then finish, which commits (unless nothing_new: the table stays as it is)
 * and reports rows, version and bytes to the asset. Idempotent per run as
 * hc_write is. free without finish leaves the table as it was. */
typedef struct hc_table_writer hc_table_writer;
md_code hc_table_writer_open(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                             const md_schema *schema, const hc_write_spec *spec, hc_table_writer **out,
                             md_error *err);
md_code hc_table_writer_append(hc_table_writer *w, const md_batch *batch, md_error *err);
/* The high-water mark to record in the commit, known only once every row has passed. */
md_code hc_table_writer_set_watermark(hc_table_writer *w, const char *watermark, md_error *err);
md_code hc_table_writer_finish(hc_table_writer *w, bool nothing_new, md_error *err);
void hc_table_writer_free(hc_table_writer *w);
/* hc_write_with of several batches of one schema, written as they are (no
 * concatenation); num_batches 0 writes nothing, as a NULL batch does. */
md_code hc_write_batches(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                         md_batch *const *batches, int num_batches, const hc_write_spec *spec, md_error *err);
/* Runs a plan (freed) and gathers its rows. */
md_code hc_collect(md_plan *plan, md_batch **out, md_error *err);
/* hc_collect on the run's compute threads (cfg->threads): the executor's
 * output does not depend on the thread count. */
md_code hc_collect_with(const hc_config *cfg, md_plan *plan, md_batch **out, md_error *err);
/* A batch of no rows with this schema. */
md_code hc_empty_batch(const md_schema *schema, md_batch **out, md_error *err);
/* A plan over one batch (borrowed). */
md_plan *hc_scan(md_batch *batch);

/* Normalise (§3 step 1) every column of batch except '_' metadata columns. */
md_plan *hc_normalise(md_batch *bronze);
/* The same over a plan (owned) whose output schema is schema. */
md_plan *hc_normalise_plan(md_plan *input, const md_schema *schema);
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

/* Where a keyed silver table's rows come from (silver_incremental.c). */
#define HC_MAX_LOOKUPS 2
typedef struct hc_lookup_dep {
  const char *table;     /* e.g. "silver/tariff_codes" */
  const char *column;    /* the code column in this table, its silver and its rejects */
  const char *code;      /* the code column of the lookup table */
  const char *value;     /* a value column taken from it, or NULL */
  bool decides_validity; /* a code leaving the lookup turns silver rows into rejects */
  bool large;            /* presence in a large table (value NULL): in a narrow run its
                          * changes come from its changed files (hc_presence_changes)
                          * and in->present hands the asset the presence it needs */
} hc_lookup_dep;

typedef struct hc_silver_source {
  const char *table; /* "billing": bronze/billing_raw -> silver/billing + silver/billing_rejects */
  const char *const *keys;
  int num_keys;
  const char *const *silver_keys; /* the key in silver and rejects when it differs, else NULL */
  const hc_lookup_dep *lookups;
  int num_lookups;
  const char *full_if_changed; /* an input whose change means a full recompute, or NULL */
} hc_silver_source;

/* The rows a silver asset validates. A full recompute: every bronze row,
 * deduplicated. An incremental run (narrow): only the keys that new bronze
 * rows or changed lookup codes touch, in keyed form (cfg.patient_nr_is_key),
 * plus the stored tables they are merged into. */
typedef struct hc_silver_input {
  hc_config cfg;
  const hc_silver_source *source;
  md_batch *rows;   /* narrow: the keyed rows; full: NULL, see row_batches */
  md_batch **row_batches; /* full: the deduplicated rows as keep-latest handed them out (never gathered) */
  int num_row_batches;    /* at least one (an empty batch carries the schema) */
  int64_t expected; /* full: distinct non-null keys + null-key rows */
  bool narrow;
  md_batch *old_silver, *old_rejects;
  md_batch *present; /* narrow, a large lookup: which codes of in->rows' lookup column
                      * its latest version holds (that column, distinct), or NULL */
} hc_silver_input;

md_code hc_silver_begin(md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_source *src, hc_silver_input *in,
                        md_error *err);
/* A large presence lookup between version was and the latest
 * (hc_presence.c): *changed the codes whose presence changed (column
 * dep->column, _was_known), *removed whether one left, *present which of
 * those and of wanted's dep->column codes the latest version holds. *decided
 * false (nothing set) when its files alone cannot tell: compare whole. */
md_code hc_presence_changes(const hc_config *cfg, const hc_lookup_dep *dep, int64_t was, const md_batch *wanted,
                            md_batch **changed, bool *removed, md_batch **present, bool *decided, md_error *err);
void hc_silver_input_free(hc_silver_input *in);
/* What a narrow write leaves for hc_silver_finish's checks. silver is NULL
 * unless the write had to merge with the stored silver (a schema change):
 * then it is the whole new table and duplicate_keys is -1 (check it whole).
 * Otherwise duplicate_keys counts the keys the write saw twice: within the
 * recomputed part, or in the part and in a stored row that stays. */
typedef struct hc_narrow_result {
  md_batch *silver;
  md_batch *rejects;        /* the whole rejects table */
  int64_t old_silver_rows;  /* live silver rows before the write */
  int64_t silver_rows;      /* and after it */
  int64_t duplicate_keys;
  int64_t expected;         /* the rows silver + rejects must add up to */
} hc_narrow_result;
/* Narrow runs: merges the recomputed rows into the stored tables and writes
 * them (silver by deletion vectors, or after a schema change only in the
 * partitions that changed). */
md_code hc_silver_write_narrow(md_asset_ctx *ctx, const hc_silver_input *in, md_batch *silver_part,
                               md_batch *rejects_part, const char *partition_by, hc_narrow_result *out,
                               md_error *err);

/* Validates `validated` (a plan over in->rows with the lookups joined),
 * writes silver/<table> and silver/<table>_rejects, records rejects by reason
 * and the §3 checks. Takes ownership of validated and of the spec's
 * expressions. */
md_code hc_silver_finish(md_asset_ctx *ctx, const hc_silver_input *in, hc_silver_table *spec, md_plan *validated,
                         const md_schema *source_schema, md_error *err);
/* A full recompute's rows: bronze/<table>_raw scanned as a stream,
 * normalised and kept latest per key straight into in->row_batches (no whole
 * copy of bronze or of the normalised rows); in->expected gets the distinct
 * non-null keys plus the null-key rows (for the §3 count check). */
md_code hc_silver_latest_rows(md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_source *src,
                              hc_silver_input *in, md_error *err);
/* A plan over the rows to validate (narrow or full) and their schema. */
md_plan *hc_silver_rows(const hc_silver_input *in);
const md_schema *hc_silver_schema(const hc_silver_input *in);

md_expr *hc_patient_key(const hc_config *cfg);
/* The source columns of a schema (no '_' columns). */
md_schema *hc_source_columns(const md_schema *schema);
/* Sum of a decimal column (unscaled, must fit int64); null values skipped. */
int64_t hc_decimal_sum(const md_batch *batch, const char *column);
md_code hc_check_no_identifiers(md_asset_ctx *ctx, const md_batch *batch, const char *table);
/* Distinct keys met more than once among batches' rows, when the keys are one
 * or two integer columns without nulls (hc_unique_keys.c); otherwise
 * *handled is false and nothing is counted. */
md_code hc_count_duplicate_int_keys(md_batch *const *batches, int num_batches, const char *const *keys, int num_keys,
                                    int threads, int64_t *dups, bool *handled, md_error *err);

/* Incremental runs (hc_incremental.c). The medallion.inputs text of the
 * table's newest commit (*out malloc'd), NULL when none or when that commit
 * was made for another as_of. */
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

/* Lookups in a small reference table (silver_lookup.c). hc_lookup: a join's
 * right side, the reference's code column plus a found-marker (true) and
 * optionally one value column renamed. hc_join_lookup: rows (owned) left
 * joined with it on code, with the same columns and values as that join,
 * computed by expressions when the reference is small text (no copy of the
 * rows' columns). ref is borrowed and must outlive the plan. */
md_plan *hc_lookup(md_batch *ref, const char *code, const char *value, const char *value_as, const char *marker);
md_plan *hc_join_lookup(md_plan *rows, md_batch *ref, const char *code, const char *value, const char *value_as,
                        const char *marker);

#endif
