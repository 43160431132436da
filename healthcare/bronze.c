/* bronze.c — the bronze assets (PIPELINE.md §2): every source table copied as
 * read, in source order, plus _source_system, _run_id and _ingested_at; a full
 * refresh overwrites the table.
 *
 * Incremental runs append only the rows whose UPDATED_AT is newer than the
 * table's high-water mark. The mark lives in the Delta log itself (commitInfo
 * key medallion.watermark of the commit that wrote it), so it moves exactly
 * when the rows it covers are committed: a crash before the commit leaves the
 * old mark, and a retry of the same run finds its own commit and appends
 * nothing (hc_write_with). Reference tables have no UPDATED_AT and are always
 * refreshed in full. A source column added later evolves the bronze schema
 * (older rows read as null); a changed type or a dropped column fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"

static md_schema *bronze_schema(const md_schema *source) {
  md_schema *s = md_schema_copy(source);
  if (!s) return NULL;
  if (md_schema_add(s, md_field_new("_source_system", md_type_make(MD_TYPE_UTF8), true), NULL) ||
      md_schema_add(s, md_field_new("_run_id", md_type_make(MD_TYPE_UTF8), true), NULL) ||
      md_schema_add(s, md_field_new("_ingested_at", md_type_timestamp(MD_MICRO, true), true), NULL)) {
    md_schema_free(s);
    return NULL;
  }
  return s;
}

static md_column *constant_text(const char *text, int64_t rows, md_error *err) {
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  if (!c) return NULL;
  size_t len = strlen(text);
  if (md_column_reserve(c, rows, (int64_t)len * rows, err)) {
    md_column_free(c);
    return NULL;
  }
  for (int64_t r = 0; r < rows; r++)
    if (md_column_append_bytes(c, text, (int64_t)len, err)) {
      md_column_free(c);
      return NULL;
    }
  return c;
}

static md_column *constant_time(int64_t us, int64_t rows, md_error *err) {
  md_column *c = md_column_new(md_type_timestamp(MD_MICRO, true));
  if (!c) return NULL;
  for (int64_t r = 0; r < rows; r++)
    if (md_column_append_int(c, us, err)) {
      md_column_free(c);
      return NULL;
    }
  return c;
}

/* The three metadata columns hold one value each for the whole run. They are
 * built once per batch length and shared by every batch of that length
 * (source batches are mostly equal-sized row groups): filling a run id into
 * every row of every batch took 15% of bronze's time. */
typedef struct metadata_columns {
  int64_t rows;
  md_column *source_system, *run_id, *ingested_at;
} metadata_columns;

static void metadata_clear(metadata_columns *m) {
  md_column_free(m->source_system);
  md_column_free(m->run_id);
  md_column_free(m->ingested_at);
  memset(m, 0, sizeof *m);
}

static md_code metadata_for(metadata_columns *m, const hc_config *cfg, const char *run_id, int64_t rows,
                            md_error *err) {
  if (m->source_system && m->rows == rows) return MD_OK;
  metadata_clear(m);
  m->rows = rows;
  m->source_system = constant_text(cfg->source_system, rows, err);
  m->run_id = m->source_system ? constant_text(run_id, rows, err) : NULL;
  m->ingested_at = m->run_id ? constant_time(cfg->started_at_us, rows, err) : NULL;
  if (m->ingested_at) return MD_OK;
  metadata_clear(m);
  return err && err->code ? err->code : md_error_set(err, MD_ERR_NOMEM, "out of memory");
}

/* The source batch with the three metadata columns appended. */
static md_code with_metadata(metadata_columns *m, const hc_config *cfg, const char *run_id, md_batch *in,
                             md_batch **out, md_error *err) {
  int n = md_batch_num_columns(in);
  md_code rc = metadata_for(m, cfg, run_id, md_batch_num_rows(in), err);
  if (rc) return rc;
  md_schema *s = bronze_schema(md_batch_schema(in));
  md_column **cols = calloc((size_t)n + 3, sizeof *cols);
  if (!s || !cols) {
    md_schema_free(s);
    free(cols);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < n; i++) cols[i] = md_column_ref(md_batch_column(in, i));
  cols[n] = md_column_ref(m->source_system);
  cols[n + 1] = md_column_ref(m->run_id);
  cols[n + 2] = md_column_ref(m->ingested_at);
  rc = md_batch_new(s, cols, n + 3, out, err);
  free(cols);
  return rc;
}

/* Compares the new rows' schema with the existing bronze table's, so that a
 * changed source names the table, the column and both types. */
static md_code check_schema(const hc_config *cfg, const char *table, const md_schema *data, md_error *err) {
  char name[128], path[HC_PATH_MAX];
  snprintf(name, sizeof name, "%s_raw", table);
  md_code rc = hc_path(cfg, "bronze", name, path, err);
  if (rc || !md_delta_is_table(path)) return rc;
  md_delta_table *t = NULL;
  md_delta_snapshot *snap = NULL;
  rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, -1, &snap, err);
  const md_schema *have = rc == MD_OK ? md_delta_snapshot_schema(snap) : NULL;
  for (int i = 0; rc == MD_OK && i < md_schema_num_fields(have); i++) {
    const md_field *f = md_schema_field(have, i);
    int j = md_schema_find(data, md_field_name(f));
    char a[64], b[64];
    md_type_to_string(md_field_type(f), a, sizeof a);
    if (j < 0) {
      rc = md_error_set(err, MD_ERR_SCHEMA, "source table %s: column %s (%s in %s) is missing", table, md_field_name(f),
                        a, path);
    } else if (!md_type_equal(md_field_type(f), md_field_type(md_schema_field(data, j)))) {
      md_type_to_string(md_field_type(md_schema_field(data, j)), b, sizeof b);
      rc = md_error_set(err, MD_ERR_SCHEMA, "source table %s: column %s: the source now has %s, bronze has %s", table,
                        md_field_name(f), b, a);
    }
  }
  md_delta_snapshot_free(snap);
  md_delta_table_free(t);
  return rc;
}

/* The high-water mark recorded by the newest commit that has one; false when
 * none has (a new table, or one written before marks were recorded). */
static bool read_watermark(const char *path, int64_t *out) {
  if (!md_delta_is_table(path)) return false;
  md_delta_table *t = NULL;
  md_delta_history *h = NULL;
  bool found = false;
  static const char needle[] = "\"" HC_WATERMARK_KEY "\":\"";
  if (md_delta_table_open(path, &t, NULL) == MD_OK && md_delta_table_history(t, &h, NULL) == MD_OK) {
    for (int64_t i = md_delta_history_count(h) - 1; i >= 0 && !found; i--) {
      md_delta_commit_info info;
      md_delta_history_entry(h, i, &info);
      const char *at = info.commit_info ? strstr(info.commit_info, needle) : NULL;
      if (!at) continue;
      char *end = NULL;
      long long v = strtoll(at + sizeof needle - 1, &end, 10);
      if (end && *end == '"') {
        *out = v;
        found = true;
      }
    }
  }
  md_delta_history_free(h);
  md_delta_table_free(t);
  return found;
}

/* Raises *mark to the greatest non-null UPDATED_AT of batch. */
static void raise_watermark(const md_batch *batch, bool *have, int64_t *mark) {
  int c = md_schema_find(md_batch_schema(batch), "UPDATED_AT");
  if (c < 0) return;
  const md_column *col = md_batch_column(batch, c);
  if (md_column_type(col).id != MD_TYPE_TIMESTAMP) return;
  const int64_t *v = md_column_values(col);
  for (int64_t r = 0; r < md_column_length(col); r++) {
    if (md_column_is_null(col, r)) continue;
    if (!*have || v[r] > *mark) *mark = v[r];
    *have = true;
  }
}

static bool is_reference_table(const char *table) {
  return strcmp(table, "tariff_codes") == 0 || strcmp(table, "pmb_conditions") == 0;
}

static md_code bronze_table(md_asset_ctx *ctx, const hc_config *cfg, const char *table, md_error *err) {
  md_source_stream *stream = NULL;
  md_batch **batches = NULL, *all = NULL;
  int count = 0, cap = 0;
  char origin[160], name[128], path[HC_PATH_MAX];
  snprintf(origin, sizeof origin, "source:%s/%s", cfg->source_system, table);
  snprintf(name, sizeof name, "%s_raw", table);
  md_asset_ctx_input(ctx, origin, 0);
  md_code rc = hc_path(cfg, "bronze", name, path, err);
  int64_t mark = 0;
  bool append = rc == MD_OK && cfg->incremental && !is_reference_table(table) && read_watermark(path, &mark);
  bool have_mark = append;
  md_source_scan_options scan = {.has_watermark = append, .watermark = mark};
  metadata_columns meta = {0};
  if (rc == MD_OK) rc = md_source_scan(cfg->source, table, &scan, &stream, err);
  while (rc == MD_OK) {
    md_batch *b = NULL, *wb = NULL;
    rc = md_source_stream_next(stream, &b, err);
    if (rc || !b) break;
    raise_watermark(b, &have_mark, &mark);
    rc = with_metadata(&meta, cfg, md_asset_ctx_run_id(ctx), b, &wb, err);
    md_batch_free(b);
    if (rc) break;
    if (count == cap) {
      cap = cap ? cap * 2 : 8;
      md_batch **g = realloc(batches, (size_t)cap * sizeof *g);
      if (!g) {
        md_batch_free(wb);
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      batches = g;
    }
    batches[count++] = wb;
  }
  /* The batches are written as they came (one Parquet file, row groups
   * filling as they arrive): no whole-table copy. Only a reference table
   * compared with its bronze copy (tiny) is concatenated. */
  bool compare = rc == MD_OK && is_reference_table(table) && cfg->incremental && md_delta_is_table(path);
  if (rc == MD_OK) {
    md_schema *s = bronze_schema(md_source_stream_schema(stream));
    if (s) rc = check_schema(cfg, table, s, err);
    if (!s) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    else if (rc == MD_OK && count == 0) rc = hc_empty_batch(s, &all, err);
    else if (rc == MD_OK && compare) rc = md_batch_concat(s, batches, count, &all, err);
    md_schema_free(s);
  }
  md_source_stream_free(stream);
  metadata_clear(&meta);
  bool unchanged = false;
  if (rc == MD_OK && compare) {
    /* A reference table equal to its bronze copy is not rewritten: downstream
     * assets then see no new version. */
    md_batch *old = NULL;
    unchanged = hc_read_table(path, &old, NULL, NULL) == MD_OK && hc_same_rows(old, all);
    md_batch_free(old);
  }
  if (rc == MD_OK) {
    int64_t rows = 0;
    for (int i = 0; i < count; i++) rows += md_batch_num_rows(batches[i]);
    char mark_text[32];
    snprintf(mark_text, sizeof mark_text, "%lld", (long long)mark);
    hc_write_spec spec = {.append = append, .watermark = have_mark ? mark_text : NULL};
    /* An incremental run without newer rows commits nothing. */
    bool nothing = unchanged || (append && rows == 0);
    md_batch *const *list = all ? &all : batches;
    rc = hc_write_batches(ctx, cfg, "bronze", name, list, nothing ? 0 : all ? 1 : count, &spec, err);
  }
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  free(batches);
  md_batch_free(all);
  if (rc) md_error_context(err, "bronze %s", table);
  return rc;
}

#define BRONZE_ASSET(fn, table) \
  md_code fn(md_asset_ctx *ctx, void *res, md_error *err) { return bronze_table(ctx, res, table, err); }

md_code hc_bronze_billing(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_patients(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_assessments(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_plans(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_payments(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_tariffs(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_bronze_pmb(md_asset_ctx *ctx, void *res, md_error *err);
BRONZE_ASSET(hc_bronze_billing, "billing")
BRONZE_ASSET(hc_bronze_patients, "patients")
BRONZE_ASSET(hc_bronze_assessments, "geriatric_assessments")
BRONZE_ASSET(hc_bronze_plans, "patient_plans")
BRONZE_ASSET(hc_bronze_payments, "bill_payments")
BRONZE_ASSET(hc_bronze_tariffs, "tariff_codes")
BRONZE_ASSET(hc_bronze_pmb, "pmb_conditions")
