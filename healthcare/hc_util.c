/* hc_util.c — table paths, whole-table reads and idempotent writes for the
 * healthcare assets. Tables are small enough per layer to be handled as one
 * batch each (a 1M-line billing table is ~100 MB in memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hc_internal.h"

const char *const HC_SOURCE_TABLES[7] = {"billing",       "patients",     "geriatric_assessments", "patient_plans",
                                         "bill_payments", "tariff_codes", "pmb_conditions"};

md_code hc_path(const hc_config *cfg, const char *layer, const char *name, char out[HC_PATH_MAX], md_error *err) {
  int n = snprintf(out, HC_PATH_MAX, "%s/%s/%s", cfg->home, layer, name);
  if (n < 0 || n >= HC_PATH_MAX) return md_error_set(err, MD_ERR_INVALID, "%s/%s: path too long", layer, name);
  return MD_OK;
}

md_code hc_empty_batch(const md_schema *schema, md_batch **out, md_error *err) {
  int n = md_schema_num_fields(schema);
  md_column **cols = calloc((size_t)n + 1, sizeof *cols);
  md_schema *copy = md_schema_copy(schema);
  bool ok = cols && copy;
  for (int i = 0; ok && i < n; i++) ok = (cols[i] = md_column_new_for_field(md_schema_field(schema, i))) != NULL;
  if (!ok) {
    for (int i = 0; cols && i < n; i++) md_column_free(cols[i]);
    free(cols);
    md_schema_free(copy);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  md_code rc = md_batch_new(copy, cols, n, out, err);
  free(cols);
  return rc;
}

md_code hc_read_table(const char *path, md_batch **out, int64_t *version, md_error *err) {
  return hc_read_table_columns(path, NULL, -1, out, version, err);
}

md_code hc_read_table_columns(const char *path, const char *const *columns, int num_columns, md_batch **out,
                              int64_t *version, md_error *err) {
  md_delta_table *table = NULL;
  md_delta_snapshot *snap = NULL;
  md_delta_scan *scan = NULL;
  md_batch **batches = NULL;
  int count = 0, cap = 0;
  md_code rc = md_delta_table_open(path, &table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, -1, &snap, err);
  if (rc == MD_OK) rc = md_delta_scan_new(snap, columns, num_columns, &scan, err);
  if (rc == MD_OK && version) *version = md_delta_snapshot_version(snap);
  while (rc == MD_OK) {
    md_batch *b = NULL;
    rc = md_delta_scan_next(scan, &b, err);
    if (rc || !b) break;
    if (count == cap) {
      cap = cap ? cap * 2 : 8;
      md_batch **g = realloc(batches, (size_t)cap * sizeof *g);
      if (!g) {
        md_batch_free(b);
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      batches = g;
    }
    batches[count++] = b;
  }
  if (rc == MD_OK && count == 0 && columns) {
    /* No rows: the wanted columns of the table schema. */
    md_schema *wanted = md_schema_new();
    const md_schema *all = md_delta_snapshot_schema(snap);
    for (int i = 0; rc == MD_OK && wanted && i < num_columns; i++) {
      int f = md_schema_find(all, columns[i]);
      rc = f < 0 ? md_error_set(err, MD_ERR_NOT_FOUND, "no column %s", columns[i])
                 : md_schema_add(wanted, md_field_copy(md_schema_field(all, f)), err);
    }
    if (!wanted) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = hc_empty_batch(wanted, out, err);
    md_schema_free(wanted);
  } else if (rc == MD_OK) {
    const md_schema *schema = md_delta_snapshot_schema(snap);
    if (count == 0) rc = hc_empty_batch(schema, out, err);
    else if (count == 1) {
      *out = batches[0];
      count = 0;
    } else {
      rc = md_batch_concat(md_batch_schema(batches[0]), batches, count, out, err);
    }
  }
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  free(batches);
  md_delta_scan_free(scan);
  md_delta_snapshot_free(snap);
  md_delta_table_free(table);
  if (rc) md_error_context(err, "%s", path);
  return rc;
}

md_code hc_read(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch **out,
                md_error *err) {
  return hc_read_columns(ctx, cfg, layer, name, NULL, -1, out, err);
}

md_code hc_read_columns(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                        const char *const *columns, int num_columns, md_batch **out, md_error *err) {
  char path[HC_PATH_MAX], table[256];
  int64_t version = -1;
  md_code rc = hc_path(cfg, layer, name, path, err);
  if (rc == MD_OK) rc = hc_read_table_columns(path, columns, num_columns, out, &version, err);
  if (rc == MD_OK) {
    snprintf(table, sizeof table, "%s/%s", layer, name);
    md_asset_ctx_input(ctx, table, version);
  }
  return rc;
}

md_code hc_open_snapshot(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                         hc_snapshot *out, md_error *err) {
  char path[HC_PATH_MAX], table[256];
  memset(out, 0, sizeof *out);
  md_code rc = hc_path(cfg, layer, name, path, err);
  if (rc == MD_OK) rc = md_delta_table_open(path, &out->table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(out->table, -1, &out->snapshot, err);
  if (rc == MD_OK) {
    snprintf(table, sizeof table, "%s/%s", layer, name);
    md_asset_ctx_input(ctx, table, md_delta_snapshot_version(out->snapshot));
  } else {
    md_error_context(err, "%s", path);
    hc_snapshot_close(out);
  }
  return rc;
}

void hc_snapshot_close(hc_snapshot *s) {
  md_delta_snapshot_free(s->snapshot);
  md_delta_table_free(s->table);
  memset(s, 0, sizeof *s);
}

md_plan *hc_scan_snapshot(const hc_snapshot *s, const char *const *columns, int num_columns) {
  md_plan *scan = NULL;
  md_expr *e[16];
  if (num_columns > 16 || !s->snapshot) return NULL;
  if (md_plan_scan_delta(s->snapshot, &scan, NULL) != MD_OK) return NULL;
  for (int i = 0; i < num_columns; i++) e[i] = md_col(columns[i]);
  return md_plan_project(scan, e, columns, num_columns);
}

md_code hc_plan_decimal_sum(md_plan *plan, const char *column, int64_t *out, md_error *err) {
  md_agg sum = {MD_AGG_SUM, column, "_sum"};
  md_batch *b = NULL;
  md_code rc = hc_collect(plan ? md_plan_aggregate(plan, NULL, 0, &sum, 1) : NULL, &b, err);
  if (rc == MD_OK) *out = hc_decimal_sum(b, "_sum");
  md_batch_free(b);
  return rc;
}

static md_code mkdirs(const char *path, md_error *err) {
  char buf[HC_PATH_MAX];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    mkdir(buf, 0777);
    *p = '/';
  }
  if (mkdir(buf, 0777) != 0 && !md_delta_is_table(buf)) {
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return md_error_set(err, MD_ERR_IO, "%s: cannot create", buf);
  }
  return MD_OK;
}

/* Version, rows and bytes of the table's latest snapshot. */
static md_code table_stats(const char *path, int64_t *version, int64_t *rows, int64_t *bytes, md_error *err) {
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_code rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, -1, &s, err);
  if (rc == MD_OK) {
    *version = md_delta_snapshot_version(s);
    *rows = 0;
    *bytes = 0;
    for (int64_t i = 0; rc == MD_OK && i < md_delta_snapshot_num_files(s); i++) {
      md_delta_file_info f;
      rc = md_delta_snapshot_file(s, i, &f, err);
      if (rc == MD_OK) {
        *bytes += f.size;
        *rows += f.num_records > 0 ? f.num_records : 0;
      }
    }
  }
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return rc;
}

/* true when the newest commit of the table was made by run_id. */
static bool committed_by(const char *path, const char *run_id) {
  if (!md_delta_is_table(path)) return false;
  md_delta_table *t = NULL;
  md_delta_history *h = NULL;
  bool found = false;
  if (md_delta_table_open(path, &t, NULL) == MD_OK && md_delta_table_history(t, &h, NULL) == MD_OK) {
    int64_t n = md_delta_history_count(h);
    if (n > 0) {
      md_delta_commit_info info;
      md_delta_history_entry(h, n - 1, &info);
      found = info.commit_info && strstr(info.commit_info, run_id) != NULL;
    }
  }
  md_delta_history_free(h);
  md_delta_table_free(t);
  return found;
}

md_code hc_write(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch *batch,
                 md_error *err) {
  return hc_write_with(ctx, cfg, layer, name, batch, NULL, err);
}

md_code hc_write_partitioned(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                             md_batch *batch, const char *partition_column, md_error *err) {
  hc_write_spec spec = {.partition_column = partition_column};
  return hc_write_with(ctx, cfg, layer, name, batch, &spec, err);
}

md_code hc_write_with(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name, md_batch *batch,
                      const hc_write_spec *spec, md_error *err) {
  return hc_write_batches(ctx, cfg, layer, name, batch ? &batch : NULL, batch ? 1 : 0, spec, err);
}

md_code hc_write_batches(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                         md_batch *const *batches, int num_batches, const hc_write_spec *spec, md_error *err) {
  static const hc_write_spec plain = {0};
  bool batch = num_batches > 0;
  if (!spec) spec = &plain;
  char path[HC_PATH_MAX];
  md_code rc = hc_path(cfg, layer, name, path, err);
  if (rc) return rc;
  const char *run_id = md_asset_ctx_run_id(ctx);
  int64_t version = -1, rows = 0, bytes = 0;
  if (!batch || committed_by(path, run_id)) {
    /* Nothing to write, or a retry of this run: the table stays as it is. */
    if (md_delta_is_table(path)) rc = table_stats(path, &version, &rows, &bytes, err);
    if (rc == MD_OK) {
      char note[HC_PATH_MAX + 64];
      snprintf(note, sizeof note, "%s/%s %s: unchanged", layer, name,
               batch ? "already written by this run" : "has nothing new");
      md_asset_ctx_note(ctx, note);
    }
    if (!batch) rows = 0;
  } else {
    rc = mkdirs(path, err);
    md_metadata *meta = md_metadata_new();
    if (rc == MD_OK && !meta) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.run_id", run_id, err);
    if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.asset", md_asset_ctx_asset(ctx), err);
    if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.inputs", md_asset_ctx_inputs(ctx), err);
    if (rc == MD_OK && spec->watermark) rc = md_metadata_set(meta, HC_WATERMARK_KEY, spec->watermark, err);
    char as_of[16];
    snprintf(as_of, sizeof as_of, "%d", (int)cfg->as_of);
    if (rc == MD_OK) rc = md_metadata_set(meta, HC_AS_OF_KEY, as_of, err);
    /* merge_schema: a source column added later reaches bronze and the rejects
     * tables as a new nullable column (older rows read as null). */
    md_delta_write_options opts = {.mode = spec->append ? MD_DELTA_APPEND : MD_DELTA_OVERWRITE,
                                   .commit_metadata = meta,
                                   .merge_schema = true,
                                   .replace_where = spec->replace_where};
    if (spec->partition_column) {
      opts.partition_by = &spec->partition_column;
      opts.num_partition_by = 1;
    }
    if (rc == MD_OK) rc = md_delta_write(path, batches, num_batches, &opts, &version, err);
    md_metadata_free(meta);
    if (rc == MD_OK) rc = table_stats(path, &version, &rows, &bytes, err);
    rows = 0;
    for (int i = 0; i < num_batches; i++) rows += md_batch_num_rows(batches[i]);
  }
  if (rc) return md_error_context(err, "%s/%s", layer, name);
  /* The asset's headline numbers are those of its main table (the first write). */
  md_asset_ctx_rows(ctx, rows);
  md_asset_ctx_table(ctx, version, bytes);
  return MD_OK;
}

md_plan *hc_scan(md_batch *batch) {
  md_batch *const list[1] = {batch};
  return md_plan_from_batches(md_batch_schema(batch), list, 1);
}

static md_code collect_on(int threads, md_plan *plan, md_batch **out, md_error *err) {
  md_exec_options opts = {.threads = threads};
  md_code rc = plan ? md_plan_collect(plan, &opts, out, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_plan_free(plan);
  return rc;
}

md_code hc_collect(md_plan *plan, md_batch **out, md_error *err) {
  return collect_on(1, plan, out, err);
}

md_code hc_collect_with(const hc_config *cfg, md_plan *plan, md_batch **out, md_error *err) {
  return collect_on(cfg->threads, plan, out, err);
}

md_schema *hc_source_columns(const md_schema *schema) {
  md_schema *out = md_schema_new();
  for (int i = 0; out && i < md_schema_num_fields(schema); i++) {
    const md_field *f = md_schema_field(schema, i);
    if (md_field_name(f)[0] == '_') continue;
    if (md_schema_add(out, md_field_copy(f), NULL) != MD_OK) {
      md_schema_free(out);
      return NULL;
    }
  }
  return out;
}

int64_t hc_decimal_sum(const md_batch *batch, const char *column) {
  int c = md_schema_find(md_batch_schema(batch), column);
  if (c < 0) return 0;
  const md_column *col = md_batch_column(batch, c);
  const uint8_t *v = md_column_values(col);
  int64_t sum = 0;
  for (int64_t r = 0; r < md_column_length(col); r++) {
    if (md_column_is_null(col, r)) continue;
    int64_t low;
    memcpy(&low, v + 16 * r, 8);
    sum += low;
  }
  return sum;
}

md_expr *hc_str_in(const char *column, const char *const *values, int n) {
  md_scalar s[16];
  for (int i = 0; i < n && i < 16; i++) {
    s[i] = (md_scalar){.type = md_type_make(MD_TYPE_UTF8)};
    s[i].v.bytes.ptr = (const uint8_t *)values[i];
    s[i].v.bytes.length = (int64_t)strlen(values[i]);
  }
  return md_in_set(md_col(column), s, n < 16 ? n : 16);
}

md_expr *hc_patient_key(const hc_config *cfg) {
  if (cfg->patient_nr_is_key) return md_col("PATIENT_NR");
  return md_hmac_sha256_hex(md_col("PATIENT_NR"), cfg->key, cfg->key_length);
}
