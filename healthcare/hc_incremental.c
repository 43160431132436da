/* hc_incremental.c — what incremental runs need to know about tables they
 * already wrote: whether an asset's inputs moved since its last commit (the
 * medallion.inputs key of that commit lists them as table@version, and
 * medallion.as_of the logical date it was computed for), and
 * whether a freshly computed small table equals the stored one (so an
 * unchanged reference table makes no new version and downstream assets see
 * no change). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"

static const char INPUTS_KEY[] = "\"medallion.inputs\":\"";

md_code hc_commit_inputs(const hc_config *cfg, const char *layer, const char *name, char **out, md_error *err) {
  char path[HC_PATH_MAX];
  *out = NULL;
  md_code rc = hc_path(cfg, layer, name, path, err);
  if (rc || !md_delta_is_table(path)) return rc;
  md_delta_table *t = NULL;
  md_delta_history *h = NULL;
  rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_table_history(t, &h, err);
  int64_t n = rc == MD_OK ? md_delta_history_count(h) : 0;
  if (n > 0) {
    md_delta_commit_info info;
    md_delta_history_entry(h, n - 1, &info);
    /* Results depend on as_of (future dates, ages, active plans, aging): a
     * commit made for another as_of counts as made from other inputs. */
    char as_of[64];
    snprintf(as_of, sizeof as_of, "\"%s\":\"%d\"", HC_AS_OF_KEY, (int)cfg->as_of);
    const char *at = info.commit_info && strstr(info.commit_info, as_of) ? strstr(info.commit_info, INPUTS_KEY) : NULL;
    if (at) {
      at += sizeof INPUTS_KEY - 1;
      const char *end = strchr(at, '"');
      size_t len = end ? (size_t)(end - at) : 0;
      *out = malloc(len + 1);
      if (!*out) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
      else {
        memcpy(*out, at, len);
        (*out)[len] = '\0';
      }
    }
  }
  md_delta_history_free(h);
  md_delta_table_free(t);
  return rc;
}

int64_t hc_input_version(const char *inputs, const char *table) {
  size_t len = strlen(table);
  for (const char *p = inputs; p && *p;) {
    if (strncmp(p, table, len) == 0 && p[len] == '@') return strtoll(p + len + 1, NULL, 10);
    p = strchr(p, ',');
    if (p) p++;
  }
  return -1;
}

int64_t hc_table_version(const hc_config *cfg, const char *table) {
  char path[HC_PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", cfg->home, table) >= (int)sizeof path || !md_delta_is_table(path)) return -1;
  md_delta_table *t = NULL;
  if (md_delta_table_open(path, &t, NULL) != MD_OK) return -1;
  int64_t v = md_delta_table_latest_version(t);
  md_delta_table_free(t);
  return v;
}

bool hc_skip_unchanged(md_asset_ctx *ctx, const hc_config *cfg, const char *layer, const char *name,
                       const char *const *deps, int num_deps) {
  if (!cfg->incremental) return false;
  char *inputs = NULL;
  if (hc_commit_inputs(cfg, layer, name, &inputs, NULL) != MD_OK || !inputs) return false;
  bool same = true;
  for (int i = 0; same && i < num_deps; i++) {
    int64_t now = hc_table_version(cfg, deps[i]);
    same = now >= 0 && hc_input_version(inputs, deps[i]) == now;
  }
  free(inputs);
  if (!same) return false;
  for (int i = 0; i < num_deps; i++) md_asset_ctx_input(ctx, deps[i], hc_table_version(cfg, deps[i]));
  /* Reports the table's current version and size; writes nothing. */
  return hc_write_with(ctx, cfg, layer, name, NULL, NULL, NULL) == MD_OK;
}

static bool same_value(const md_column *a, const md_column *b, int64_t ra, int64_t rb) {
  bool na = md_column_is_null(a, ra), nb = md_column_is_null(b, rb);
  if (na || nb) return na == nb;
  md_type t = md_column_type(a);
  const uint8_t *va = md_column_values(a), *vb = md_column_values(b);
  if (t.id == MD_TYPE_UTF8 || t.id == MD_TYPE_BINARY) {
    const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
    int32_t la = oa[ra + 1] - oa[ra], lb = ob[rb + 1] - ob[rb];
    return la == lb && memcmp(md_column_data(a) + oa[ra], md_column_data(b) + ob[rb], (size_t)la) == 0;
  }
  if (t.id == MD_TYPE_BOOL) return md_bit_get(va, ra) == md_bit_get(vb, rb);
  int w = md_type_fixed_width(t);
  return w > 0 && memcmp(va + (size_t)w * (size_t)ra, vb + (size_t)w * (size_t)rb, (size_t)w) == 0;
}

bool hc_same_rows(const md_batch *a, const md_batch *b) {
  if (md_batch_num_rows(a) != md_batch_num_rows(b)) return false;
  const md_schema *sa = md_batch_schema(a), *sb = md_batch_schema(b);
  int compared = 0;
  for (int i = 0; i < md_schema_num_fields(sa); i++) {
    const char *name = md_field_name(md_schema_field(sa, i));
    if (name[0] == '_') continue;
    int j = md_schema_find(sb, name);
    if (j < 0) return false;
    const md_column *ca = md_batch_column(a, i), *cb = md_batch_column(b, j);
    if (!md_type_equal(md_column_type(ca), md_column_type(cb))) return false;
    for (int64_t r = 0; r < md_batch_num_rows(a); r++)
      if (!same_value(ca, cb, r, r)) return false;
    compared++;
  }
  for (int j = 0; j < md_schema_num_fields(sb); j++)
    if (md_field_name(md_schema_field(sb, j))[0] != '_') compared--;
  return compared == 0;
}
