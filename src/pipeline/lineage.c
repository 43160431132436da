/* lineage.c — the audit trail of a table version: which run and asset wrote
 * it and which versions of which tables it read, recursively back to the
 * source, from the keys the pipeline records in every commitInfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/delta.h"
#include "medallion/pipeline.h"

typedef struct lineage_text {
  char *buf;
  size_t len, cap;
  bool failed;
} lineage_text;

static void put(lineage_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(lineage_text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0 || t->failed) return;
  if (t->len + (size_t)need + 1 > t->cap) {
    size_t cap = t->cap * 2 + (size_t)need + 256;
    char *g = realloc(t->buf, cap);
    if (!g) {
      t->failed = true;
      return;
    }
    t->buf = g;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)need;
}

/* The string value of "key":"..." in a JSON object text (no escapes in our values). */
static void json_value(const char *json, const char *key, char *out, size_t size) {
  char pattern[96];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  const char *at = json ? strstr(json, pattern) : NULL;
  if (!at) return;
  at += strlen(pattern);
  const char *end = strchr(at, '"');
  if (!end) return;
  size_t n = (size_t)(end - at) < size - 1 ? (size_t)(end - at) : size - 1;
  memcpy(out, at, n);
  out[n] = '\0';
}

static md_code walk(const char *home, const char *table, int64_t version, int depth, lineage_text *t, md_error *err) {
  if (depth > 12) {
    put(t, "%*s...\n", depth * 2, "");
    return MD_OK;
  }
  if (strncmp(table, "source:", 7) == 0) {
    put(t, "%*s%s\n", depth * 2, "", table);
    return MD_OK;
  }
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", home, table) >= (int)sizeof path)
    return md_error_set(err, MD_ERR_INVALID, "lineage: path too long");
  md_delta_table *dt = NULL;
  md_delta_history *h = NULL;
  md_code rc = md_delta_table_open(path, &dt, err);
  if (rc == MD_OK) rc = md_delta_table_history(dt, &h, err);
  if (rc == MD_OK) {
    int64_t want = version < 0 ? md_delta_table_latest_version(dt) : version;
    md_delta_commit_info info = {0};
    bool found = false;
    for (int64_t i = 0; i < md_delta_history_count(h) && !found; i++) {
      md_delta_history_entry(h, i, &info);
      found = info.version == want;
    }
    if (!found) {
      rc = md_error_set(err, MD_ERR_NOT_FOUND, "lineage: %s has no version %lld in its log", table, (long long)want);
    } else {
      char run[64], asset[160], inputs[2048];
      json_value(info.commit_info, "medallion.run_id", run, sizeof run);
      json_value(info.commit_info, "medallion.asset", asset, sizeof asset);
      json_value(info.commit_info, "medallion.inputs", inputs, sizeof inputs);
      put(t, "%*s%s v%lld  run %s  asset %s  %s\n", depth * 2, "", table, (long long)want, run[0] ? run : "-",
          asset[0] ? asset : "-", info.operation ? info.operation : "");
      char *save = NULL;
      for (char *item = strtok_r(inputs, ",", &save); item && rc == MD_OK; item = strtok_r(NULL, ",", &save)) {
        char *at = strrchr(item, '@');
        if (!at) continue;
        *at = '\0';
        rc = walk(home, item, strtoll(at + 1, NULL, 10), depth + 1, t, err);
      }
    }
  }
  md_delta_history_free(h);
  md_delta_table_free(dt);
  return rc;
}

md_code md_lineage(const char *home, const char *table, int64_t version, char **out_text, md_error *err) {
  lineage_text t = {0};
  md_code rc = walk(home, table, version, 0, &t, err);
  if (rc == MD_OK && t.failed) rc = md_error_set(err, MD_ERR_NOMEM, "lineage: out of memory");
  if (rc) {
    free(t.buf);
    return rc;
  }
  *out_text = t.buf ? t.buf : calloc(1, 1);
  return *out_text ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "lineage: out of memory");
}
