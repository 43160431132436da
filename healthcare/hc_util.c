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

md_code hc_plan_decimal_sum(const hc_config *cfg, md_plan *plan, const char *column, int64_t *out, md_error *err) {
  md_agg sum = {MD_AGG_SUM, column, "_sum"};
  md_batch *b = NULL;
  md_code rc = hc_collect_with(cfg, plan ? md_plan_aggregate(plan, NULL, 0, &sum, 1) : NULL, &b, err);
  if (rc == MD_OK) *out = hc_decimal_sum(b, "_sum");
  md_batch_free(b);
  return rc;
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
