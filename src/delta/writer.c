/* writer.c — md_delta_write: prepare (data files and actions, planned on the
 * latest snapshot), then publish at the next free version.
 *
 * Optimistic concurrency as in Delta: the commit is published with an atomic
 * create-if-absent (delta_commit_publish); a writer that finds its version
 * taken reads the winning commit, checks it against the conflict rules
 * (conflict.c) and, when they allow, tries the next version with the same
 * actions. Every lost race means another writer made progress, so the retry
 * loop ends; its bound only guards against a log that cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "delta/write.h"

enum { MAX_LOST_RACES = 100000, MAX_CREATE_RACES = 8, DEFAULT_CHECKPOINT_INTERVAL = 10 };

static int64_t now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

md_code delta_write_commit(delta_write_txn *txn, int64_t *version_out, md_error *err) {
  if (txn->skip) {
    if (version_out) *version_out = txn->read_version;
    return MD_OK;
  }
  delta_buf text;
  delta_buf_init(&text);
  delta_buf_printf(&text, "{\"commitInfo\":{\"timestamp\":%lld,", (long long)now_ms());
  delta_buf_append(&text, txn->operation.data, txn->operation.len);
  delta_buf_append_str(&text, "}}\n");
  delta_buf_append(&text, txn->actions.data, txn->actions.len);
  if (delta_buf_failed(&text)) {
    delta_buf_free(&text);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  md_code rc = MD_OK;
  int64_t version = txn->read_version + 1;
  for (int lost = 0;; lost++, version++) {
    rc = delta_commit_publish(txn->table_path, version, text.data, text.len, err);
    if (rc == MD_OK) {
      if (version_out) *version_out = version;
      break;
    }
    if (rc != MD_ERR_INVALID) break; /* not a lost race: an I/O error */
    if (txn->read_version < 0) {
      rc = md_error_set(err, MD_ERR_NOT_FOUND, "%s: the table was created concurrently", txn->table_path);
      break;
    }
    if (lost >= MAX_LOST_RACES) {
      rc = md_error_set(err, MD_ERR_IO, "%s: gave up after losing %d commit races", txn->table_path, lost);
      break;
    }
    delta_commit winner;
    memset(&winner, 0, sizeof winner);
    rc = delta_log_commit_read(txn->table_path, version, &winner, err);
    winner.version = version;
    if (rc == MD_OK) rc = delta_check_conflict(txn, &winner, err);
    delta_commit_clear(&winner);
    if (rc != MD_OK) {
      md_error_context(err, "%s", txn->table_path);
      break;
    }
  }
  delta_buf_free(&text);
  return rc;
}

/* Forgets the data files of txn without deleting them (a streamed file that
 * a retry on a concurrently created table commits after all). */
static void keep_data_files(delta_write_txn *txn) {
  for (size_t i = 0; i < txn->num_data_files; i++) free(txn->data_files[i]);
  txn->num_data_files = 0;
}

md_code delta_write_run(const char *path, const delta_write_data *data, const md_delta_write_options *o,
                        int64_t *version_out, md_error *err) {
  md_code rc = MD_OK;
  int64_t version = -1;
  for (int attempt = 0; attempt < MAX_CREATE_RACES; attempt++) {
    delta_write_txn txn;
    rc = delta_write_prepare(path, data, o, &txn, err);
    if (rc == MD_OK) rc = delta_write_commit(&txn, &version, err);
    bool committed = rc == MD_OK && !txn.skip;
    bool retry = rc == MD_ERR_NOT_FOUND && md_delta_is_table(path);
    /* A streamed file outlives a retry; it goes when the write ends without it. */
    bool streamed = data->written_file || data->num_part_columns;
    if (streamed && retry) keep_data_files(&txn);
    if (data->written_file && rc == MD_OK && txn.skip) remove(data->written_file);
    for (size_t i = 0; rc == MD_OK && txn.skip && i < data->num_parts; i++) remove(data->parts[i].full);
    delta_write_txn_clear(&txn, rc == MD_OK);
    if (!retry) {
      if (committed) {
        int interval = o->checkpoint_interval ? o->checkpoint_interval : DEFAULT_CHECKPOINT_INTERVAL;
        if (interval > 0 && version > 0 && version % interval == 0)
          md_delta_checkpoint(path, version, NULL); /* best effort: the commit stands either way */
      }
      break;
    }
    /* Someone else created the table first: plan again on what they made. */
  }
  if (rc == MD_OK && version_out) *version_out = version;
  return rc;
}

md_code md_delta_write(const char *path, md_batch *const *batches, int num_batches,
                       const md_delta_write_options *options, int64_t *version_out, md_error *err) {
  if (!path || !batches || num_batches < 1) return md_error_set(err, MD_ERR_INVALID, "md_delta_write: no batches");
  md_delta_write_options defaults = {0};
  const md_delta_write_options *o = options ? options : &defaults;
  for (int i = 1; i < num_batches; i++)
    if (!md_schema_equal(md_batch_schema(batches[0]), md_batch_schema(batches[i])))
      return md_error_set(err, MD_ERR_SCHEMA, "md_delta_write: batch %d has a different schema than batch 0", i);
  delta_write_data data = {.schema = md_batch_schema(batches[0]), .batches = batches, .num_batches = num_batches};
  return delta_write_run(path, &data, o, version_out, err);
}
