/* history.c — the table's history from each commit's commitInfo action
 * (operation, parameters, engine, timestamp), oldest first. Commits removed by
 * log cleanup are simply absent: history covers what the log still holds. */
#include <stdlib.h>
#include <string.h>

#include "delta/snapshot.h"

struct md_delta_history {
  int64_t count;
  int64_t *versions;
  int64_t *timestamps;
  delta_commit_info *infos;
};

void md_delta_history_free(md_delta_history *history) {
  if (!history) return;
  for (int64_t i = 0; i < history->count; i++) delta_commit_info_clear(&history->infos[i]);
  free(history->infos);
  free(history->versions);
  free(history->timestamps);
  free(history);
}

md_code md_delta_table_history(const md_delta_table *table, md_delta_history **out, md_error *err) {
  if (!table || !out) return md_error_set(err, MD_ERR_INVALID, "md_delta_table_history: NULL argument");
  const delta_log_listing *listing = &table->listing;
  md_delta_history *h = calloc(1, sizeof *h);
  size_t n = listing->num_commits ? listing->num_commits : 1;
  if (h) {
    h->versions = calloc(n, sizeof *h->versions);
    h->timestamps = calloc(n, sizeof *h->timestamps);
    h->infos = calloc(n, sizeof *h->infos);
  }
  if (!h || !h->versions || !h->timestamps || !h->infos) {
    md_delta_history_free(h);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < listing->num_commits; i++) {
    delta_commit commit;
    memset(&commit, 0, sizeof commit);
    md_code rc = delta_log_commit_read(table->path, listing->commit_versions[i], &commit, err);
    if (rc != MD_OK) {
      md_delta_history_free(h);
      return md_error_context(err, "%s", table->path);
    }
    h->versions[h->count] = listing->commit_versions[i];
    h->timestamps[h->count] = delta_log_commit_timestamp(&commit, listing->commit_mtimes_ms[i]);
    h->infos[h->count] = commit.commit_info;
    memset(&commit.commit_info, 0, sizeof commit.commit_info);
    h->count++;
    delta_commit_clear(&commit);
  }
  *out = h;
  return MD_OK;
}

int64_t md_delta_history_count(const md_delta_history *history) { return history->count; }

void md_delta_history_entry(const md_delta_history *history, int64_t i, md_delta_commit_info *out) {
  memset(out, 0, sizeof *out);
  if (i < 0 || i >= history->count) return;
  const delta_commit_info *info = &history->infos[i];
  out->version = history->versions[i];
  out->timestamp = history->timestamps[i];
  out->operation = info->operation;
  out->operation_parameters = info->operation_parameters;
  out->engine_info = info->engine_info;
  out->commit_info = info->present ? info->json : NULL;
}
