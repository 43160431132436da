/* hc_table_writer.c — how every asset writes a table: a Delta write streamed
 * batch by batch (md_delta_writer), stamped with the run id, the asset, its
 * inputs and as_of in the commit, and idempotent per run: when the table's
 * newest commit was made by this run (a retry), nothing is written again. The
 * asset's headline numbers (rows, version, bytes) are reported at the end.
 *
 * hc_write_batches, which most assets use, is this writer over a list of
 * batches; bronze streams source batches through it directly so that a
 * source table is never held whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hc_internal.h"

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

struct hc_table_writer {
  md_asset_ctx *ctx;
  char layer[32], name[128];
  char path[HC_PATH_MAX];
  bool retry; /* the table's newest commit is this run's */
  md_metadata *meta;
  const char *partition_column;
  md_delta_write_options options; /* points at meta and partition_column */
  md_delta_writer *delta;
  int64_t rows;
};

md_code hc_table_writer_open(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                             const md_schema *schema, const hc_write_spec *spec, hc_table_writer **out,
                             md_error *err) {
  static const hc_write_spec plain = {0};
  if (!spec) spec = &plain;
  hc_table_writer *w = calloc(1, sizeof *w);
  if (!w) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  w->ctx = ctx;
  snprintf(w->layer, sizeof w->layer, "%s", layer);
  snprintf(w->name, sizeof w->name, "%s", name);
  const char *run_id = md_asset_ctx_run_id(ctx);
  md_code rc = hc_path(cfg, layer, name, w->path, err);
  if (rc == MD_OK) w->retry = committed_by(w->path, run_id);
  if (rc == MD_OK && schema && !w->retry) {
    rc = mkdirs(w->path, err);
    w->meta = md_metadata_new();
    if (rc == MD_OK && !w->meta) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = md_metadata_set(w->meta, "medallion.run_id", run_id, err);
    if (rc == MD_OK) rc = md_metadata_set(w->meta, "medallion.asset", md_asset_ctx_asset(ctx), err);
    if (rc == MD_OK) rc = md_metadata_set(w->meta, "medallion.inputs", md_asset_ctx_inputs(ctx), err);
    if (rc == MD_OK && spec->watermark) rc = md_metadata_set(w->meta, HC_WATERMARK_KEY, spec->watermark, err);
    char as_of[16];
    snprintf(as_of, sizeof as_of, "%d", (int)cfg->as_of);
    if (rc == MD_OK) rc = md_metadata_set(w->meta, HC_AS_OF_KEY, as_of, err);
    /* merge_schema: a source column added later reaches bronze and the rejects
     * tables as a new nullable column (older rows read as null). */
    w->options = (md_delta_write_options){.mode = spec->append ? MD_DELTA_APPEND : MD_DELTA_OVERWRITE,
                                          .commit_metadata = w->meta,
                                          .merge_schema = true,
                                          .replace_where = spec->replace_where};
    w->partition_column = spec->partition_column;
    if (w->partition_column) {
      w->options.partition_by = &w->partition_column;
      w->options.num_partition_by = 1;
    }
    if (rc == MD_OK) rc = md_delta_writer_open(w->path, schema, &w->options, &w->delta, err);
  }
  if (rc != MD_OK) {
    hc_table_writer_free(w);
    return md_error_context(err, "%s/%s", layer, name);
  }
  *out = w;
  return MD_OK;
}

md_code hc_table_writer_append(hc_table_writer *w, const md_batch *batch, md_error *err) {
  w->rows += md_batch_num_rows(batch);
  if (w->retry) return MD_OK;
  if (!w->delta) return md_error_set(err, MD_ERR_INTERNAL, "%s/%s: writer opened without a schema", w->layer, w->name);
  md_code rc = md_delta_writer_append(w->delta, batch, err);
  return rc ? md_error_context(err, "%s/%s", w->layer, w->name) : MD_OK;
}

md_code hc_table_writer_set_watermark(hc_table_writer *w, const char *watermark, md_error *err) {
  if (!w->meta) return MD_OK; /* a retry: nothing is committed */
  md_code rc = md_metadata_set(w->meta, HC_WATERMARK_KEY, watermark, err);
  return rc ? md_error_context(err, "%s/%s", w->layer, w->name) : MD_OK;
}

md_code hc_table_writer_finish(hc_table_writer *w, bool nothing_new, md_error *err) {
  int64_t version = -1, rows = 0, bytes = 0;
  md_code rc = MD_OK;
  if (nothing_new || w->retry) {
    /* Nothing to write, or a retry of this run: the table stays as it is. */
    if (md_delta_is_table(w->path)) rc = table_stats(w->path, &version, &rows, &bytes, err);
    if (rc == MD_OK) {
      char note[HC_PATH_MAX + 64];
      snprintf(note, sizeof note, "%s/%s %s: unchanged", w->layer, w->name,
               nothing_new ? "has nothing new" : "already written by this run");
      md_asset_ctx_note(w->ctx, note);
    }
    if (nothing_new) rows = 0;
  } else {
    rc = md_delta_writer_commit(w->delta, &version, err);
    if (rc == MD_OK) rc = table_stats(w->path, &version, &rows, &bytes, err);
    rows = w->rows;
  }
  if (rc) return md_error_context(err, "%s/%s", w->layer, w->name);
  /* The asset's headline numbers are those of its main table (the first write). */
  md_asset_ctx_rows(w->ctx, rows);
  md_asset_ctx_table(w->ctx, version, bytes);
  return MD_OK;
}

void hc_table_writer_free(hc_table_writer *w) {
  if (!w) return;
  md_delta_writer_free(w->delta);
  md_metadata_free(w->meta);
  free(w);
}

md_code hc_write_batches(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                         md_batch *const *batches, int num_batches, const hc_write_spec *spec, md_error *err) {
  hc_table_writer *w = NULL;
  const md_schema *schema = num_batches > 0 ? md_batch_schema(batches[0]) : NULL;
  md_code rc = hc_table_writer_open(ctx, cfg, layer, name, schema, spec, &w, err);
  for (int i = 0; rc == MD_OK && i < num_batches; i++) rc = hc_table_writer_append(w, batches[i], err);
  if (rc == MD_OK) rc = hc_table_writer_finish(w, num_batches == 0, err);
  hc_table_writer_free(w);
  return rc;
}
