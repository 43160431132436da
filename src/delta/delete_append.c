/* delete_append.c — md_delta_delete_and_append: mark rows of live files
 * deleted with deletion vectors and add new rows, in one commit.
 *
 * This is how an update touches 1% of a table without rewriting its files:
 * per touched file, the new DV (old DV ∪ the rows given) is written to its own
 * file first (temp + rename), then one commit removes the file's old add and
 * adds it back with the new DV (a file left with no live rows is just
 * removed), next to the adds of the new data files. Nothing is visible before
 * that commit. The first such commit upgrades the protocol to reader 3 /
 * writer 7 with the deletionVectors feature (keeping every feature the old
 * versions implied) and sets delta.enableDeletionVectors. A concurrent commit
 * that removed or re-DV'd one of our files removed its old add too, which the
 * conflict rules (conflict.c) see as a remove of a file we remove. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "delta/snapshot.h"
#include "delta/write.h"

enum { DEFAULT_CHECKPOINT_INTERVAL = 10 };

static int64_t now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static bool has(char *const *items, size_t n, const char *want) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i], want) == 0) return true;
  return false;
}

static md_code check_writable(const delta_log_state *st, md_error *err) {
  const delta_protocol *p = &st->protocol;
  if (p->min_writer_version > 2 && p->min_writer_version < 7)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "writer version %d is not supported (we write versions 2 and 7)",
                        (int)p->min_writer_version);
  if (p->min_writer_version > 7)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "writer version %d is not supported", (int)p->min_writer_version);
  static const char *const ours[] = {"appendOnly", "invariants", "timestampNtz", "deletionVectors"};
  for (size_t i = 0; i < p->num_writer_features; i++)
    if (!has((char *const *)ours, 4, p->writer_features[i]))
      return md_error_set(err, MD_ERR_UNSUPPORTED, "writer feature %s is not supported", p->writer_features[i]);
  const char *append_only = NULL;
  if (delta_string_map_find(&st->metadata.configuration, "delta.appendOnly", &append_only) && append_only &&
      strcmp(append_only, "true") == 0)
    return md_error_set(err, MD_ERR_INVALID, "the table is append-only (delta.appendOnly): deletes refused");
  return MD_OK;
}

static void write_features(delta_buf *b, char *const *old, size_t n, const char *const *implied, size_t num_implied,
                           const char *extra) {
  delta_buf_append_char(b, '[');
  size_t written = 0;
  for (size_t i = 0; i < num_implied; i++) {
    if (old && has(old, n, implied[i])) continue;
    delta_buf_printf(b, "%s\"%s\"", written++ ? "," : "", implied[i]);
  }
  for (size_t i = 0; old && i < n; i++) {
    if (strcmp(old[i], extra) == 0) continue;
    delta_buf_append_str(b, written++ ? "," : "");
    delta_json_write_string(b, old[i], strlen(old[i]));
  }
  delta_buf_printf(b, "%s\"%s\"]", written ? "," : "", extra);
}

/* Protocol 3/7 with deletionVectors, unless the table has it already. */
static void append_protocol_upgrade(delta_buf *b, const delta_protocol *p) {
  if (p->min_reader_version >= 3 && delta_protocol_has_reader_feature(p, "deletionVectors") &&
      has(p->writer_features, p->num_writer_features, "deletionVectors"))
    return;
  static const char *const writer2[] = {"appendOnly", "invariants"};
  delta_buf_append_str(b, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":");
  write_features(b, p->min_reader_version >= 3 ? p->reader_features : NULL, p->num_reader_features, NULL, 0,
                 "deletionVectors");
  delta_buf_append_str(b, ",\"writerFeatures\":");
  bool v7 = p->min_writer_version >= 7;
  write_features(b, v7 ? p->writer_features : NULL, p->num_writer_features, writer2,
                 !v7 && p->min_writer_version >= 2 ? 2 : 0, "deletionVectors");
  delta_buf_append_str(b, "}}\n");
}

static void write_json_string(delta_buf *b, const char *s) {
  if (s) delta_json_write_string(b, s, strlen(s));
  else delta_buf_append_str(b, "null");
}

static void write_string_map(delta_buf *b, const delta_string_map *m, const char *skip) {
  delta_buf_append_char(b, '{');
  size_t written = 0;
  for (size_t i = 0; i < m->count; i++) {
    if (skip && strcmp(m->pairs[i].key, skip) == 0) continue;
    if (written++) delta_buf_append_char(b, ',');
    write_json_string(b, m->pairs[i].key);
    delta_buf_append_char(b, ':');
    write_json_string(b, m->pairs[i].value);
  }
  if (skip) delta_buf_printf(b, "%s\"%s\":\"true\"", written ? "," : "", skip);
  delta_buf_append_char(b, '}');
}

/* The old metaData with delta.enableDeletionVectors=true, unless already set. */
static void append_metadata_upgrade(delta_buf *b, const delta_metadata *m) {
  const char *on = NULL;
  if (delta_string_map_find(&m->configuration, "delta.enableDeletionVectors", &on) && on && strcmp(on, "true") == 0)
    return;
  delta_buf_append_str(b, "{\"metaData\":{\"id\":");
  write_json_string(b, m->id);
  if (m->name) {
    delta_buf_append_str(b, ",\"name\":");
    write_json_string(b, m->name);
  }
  if (m->description) {
    delta_buf_append_str(b, ",\"description\":");
    write_json_string(b, m->description);
  }
  delta_buf_append_str(b, ",\"format\":{\"provider\":");
  write_json_string(b, m->format_provider ? m->format_provider : "parquet");
  delta_buf_append_str(b, ",\"options\":{}},\"schemaString\":");
  write_json_string(b, m->schema_string);
  delta_buf_append_str(b, ",\"partitionColumns\":[");
  for (size_t i = 0; i < m->num_partition_columns; i++) {
    if (i) delta_buf_append_char(b, ',');
    write_json_string(b, m->partition_columns[i]);
  }
  delta_buf_append_str(b, "],\"configuration\":");
  write_string_map(b, &m->configuration, "delta.enableDeletionVectors");
  if (m->created_time >= 0) delta_buf_printf(b, ",\"createdTime\":%lld", (long long)m->created_time);
  delta_buf_append_str(b, "}}\n");
}

static void append_file_action(delta_buf *b, const char *kind, const delta_file_action *f, const delta_dv_descriptor *dv,
                               int64_t now) {
  delta_buf_printf(b, "{\"%s\":{\"path\":", kind);
  write_json_string(b, f->path);
  delta_buf_append_str(b, ",\"partitionValues\":");
  write_string_map(b, &f->partition_values, NULL);
  if (f->size >= 0) delta_buf_printf(b, ",\"size\":%lld", (long long)f->size);
  if (strcmp(kind, "add") == 0) {
    delta_buf_printf(b, ",\"modificationTime\":%lld,\"dataChange\":true", (long long)f->modification_time);
    /* numRecords stays the physical count: readers subtract the DV's cardinality. */
    if (f->stats) {
      delta_buf_append_str(b, ",\"stats\":");
      write_json_string(b, f->stats);
    }
  } else {
    delta_buf_printf(b, ",\"deletionTimestamp\":%lld,\"dataChange\":true,\"extendedFileMetadata\":true", (long long)now);
  }
  if (dv && dv->storage_type) delta_dv_descriptor_append_json(b, dv);
  delta_buf_append_str(b, "}}\n");
}

static const delta_file_action *find_live(const delta_log_state *st, const char *path) {
  size_t lo = 0, hi = st->num_files;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(st->files[mid].decoded_path, path);
    if (c == 0) return &st->files[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static int64_t stats_records(const char *stats) {
  delta_json_doc *doc = NULL;
  int64_t n = -1;
  if (stats && delta_json_parse(stats, strlen(stats), &doc, NULL) == MD_OK &&
      (!delta_json_get_int(delta_json_root(doc), "numRecords", &n) || n < 0))
    n = -1;
  delta_json_doc_free(doc);
  return n;
}

/* One file's deletes: a DV file and remove + add, or just a remove. */
static md_code plan_delete(delta_write_txn *txn, const delta_log_state *st, const md_delta_row_deletes *d, int64_t now,
                           md_error *err) {
  if (!d->path) return md_error_set(err, MD_ERR_INVALID, "a delete without a file path");
  if (d->num_rows <= 0) return MD_OK;
  if (!d->rows) return md_error_set(err, MD_ERR_INVALID, "%s: NULL rows", d->path);
  const delta_file_action *f = find_live(st, d->path);
  if (!f) return md_error_set(err, MD_ERR_NOT_FOUND, "%s is not a live file of version %lld", d->path, (long long)st->version);
  delta_row_set asked = {0}, old = {0}, all = {0};
  md_code rc = delta_row_set_from_rows(d->rows, d->num_rows, &asked, err);
  if (rc == MD_OK && f->dv.storage_type) rc = delta_dv_load(txn->table_path, f->decoded_path, &f->dv, &old, err);
  if (rc == MD_OK) rc = delta_row_set_union(&asked, &old, &all, err);
  int64_t records = stats_records(f->stats);
  if (rc == MD_OK && records >= 0 && all.count && all.ranges[all.count - 1].end > records)
    rc = md_error_set(err, MD_ERR_INVALID, "row %lld is past the file's %lld rows", (long long)all.ranges[all.count - 1].end - 1,
                      (long long)records);
  if (rc == MD_OK) rc = delta_write_txn_add_removed(txn, f->decoded_path, err);
  if (rc == MD_OK) append_file_action(&txn->actions, "remove", f, &f->dv, now);
  if (rc == MD_OK && !(records >= 0 && all.cardinality == records)) {
    delta_dv_descriptor dv = {0};
    char *file = NULL;
    rc = delta_dv_write(txn->table_path, &all, &dv, &file, err);
    if (rc == MD_OK) rc = delta_write_txn_add_file(txn, file, err);
    free(file);
    if (rc == MD_OK) append_file_action(&txn->actions, "add", f, &dv, now);
    delta_dv_descriptor_clear(&dv);
  }
  if (rc != MD_OK) md_error_context(err, "%s", d->path);
  delta_row_set_clear(&asked);
  delta_row_set_clear(&old);
  delta_row_set_clear(&all);
  return rc;
}

static md_code check_batches(const md_schema *table, md_batch *const *batches, int num_batches, md_error *err) {
  for (int b = 0; b < num_batches; b++) {
    const md_schema *data = md_batch_schema(batches[b]);
    if (b && !md_schema_equal(data, md_batch_schema(batches[0])))
      return md_error_set(err, MD_ERR_SCHEMA, "batch %d has a different schema than batch 0", b);
    for (int i = 0; b == 0 && i < md_schema_num_fields(data); i++) {
      const md_field *f = md_schema_field(data, i);
      int j = md_schema_find(table, md_field_name(f));
      if (j < 0) return md_error_set(err, MD_ERR_SCHEMA, "column %s is not in the table", md_field_name(f));
      if (!md_type_equal(md_field_type(md_schema_field(table, j)), md_field_type(f)))
        return md_error_set(err, MD_ERR_SCHEMA, "column %s: the data's type differs from the table's", md_field_name(f));
    }
  }
  return MD_OK;
}

static md_code plan(delta_write_txn *txn, const md_delta_snapshot *s, const md_delta_row_deletes *deletes,
                    int num_deletes, md_batch *const *batches, int num_batches, const md_delta_write_options *o,
                    md_error *err) {
  const delta_log_state *st = &s->state;
  if (o->app_id && md_delta_snapshot_txn_version(s, o->app_id) >= o->txn_version) {
    txn->skip = true;
    return MD_OK;
  }
  md_code rc = check_writable(st, err);
  if (rc == MD_OK) rc = check_batches(s->schema, batches, num_batches, err);
  if (rc != MD_OK) return rc;
  int64_t now = now_ms();
  append_protocol_upgrade(&txn->actions, &st->protocol);
  append_metadata_upgrade(&txn->actions, &st->metadata);
  if (o->app_id) {
    delta_buf_append_str(&txn->actions, "{\"txn\":{\"appId\":");
    write_json_string(&txn->actions, o->app_id);
    delta_buf_printf(&txn->actions, ",\"version\":%lld,\"lastUpdated\":%lld}}\n", (long long)o->txn_version,
                     (long long)now);
  }
  for (int i = 0; rc == MD_OK && i < num_deletes; i++) {
    for (int j = 0; j < i && rc == MD_OK; j++)
      if (deletes[j].path && deletes[i].path && strcmp(deletes[j].path, deletes[i].path) == 0)
        rc = md_error_set(err, MD_ERR_INVALID, "%s is listed twice", deletes[i].path);
    if (rc == MD_OK) rc = plan_delete(txn, st, &deletes[i], now, err);
  }
  if (rc == MD_OK && num_batches > 0)
    rc = delta_write_data_files(txn, batches, num_batches, st->metadata.partition_columns,
                                st->metadata.num_partition_columns, NULL, now, err);
  delta_buf *op = &txn->operation;
  delta_buf_printf(op, "\"operation\":\"DELETE\",\"operationParameters\":{\"predicate\":\"[]\",\"deletionVectors\":\"true\"},"
                       "\"readVersion\":%lld,\"engineInfo\":\"medallion/%s\",\"isBlindAppend\":false",
                   (long long)txn->read_version, md_version());
  for (int i = 0; o->commit_metadata && i < md_metadata_count(o->commit_metadata); i++) {
    const char *k = md_metadata_key(o->commit_metadata, i), *v = md_metadata_value(o->commit_metadata, i);
    delta_buf_append_char(op, ',');
    write_json_string(op, k);
    delta_buf_append_char(op, ':');
    write_json_string(op, v);
  }
  if (rc == MD_OK && (delta_buf_failed(&txn->actions) || delta_buf_failed(op)))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return rc;
}

md_code md_delta_delete_and_append(const char *table_path, const md_delta_row_deletes *deletes, int num_deletes,
                                   md_batch *const *batches, int num_batches, const md_delta_write_options *options,
                                   int64_t *version_out, md_error *err) {
  if (!table_path || (num_deletes > 0 && !deletes) || (num_batches > 0 && !batches) || num_deletes < 0 || num_batches < 0)
    return md_error_set(err, MD_ERR_INVALID, "md_delta_delete_and_append: bad argument");
  md_delta_write_options defaults = {0};
  const md_delta_write_options *o = options ? options : &defaults;
  delta_write_txn txn;
  memset(&txn, 0, sizeof txn);
  delta_buf_init(&txn.actions);
  delta_buf_init(&txn.operation);
  txn.mode = MD_DELTA_APPEND;
  size_t n = strlen(table_path);
  while (n > 1 && table_path[n - 1] == '/') n--;
  txn.table_path = strndup(table_path, n);
  txn.app_id = o->app_id ? strdup(o->app_id) : NULL;
  md_code rc = txn.table_path && (!o->app_id || txn.app_id) ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  if (rc == MD_OK) rc = md_delta_table_open(txn.table_path, &table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, -1, &snapshot, err);
  if (rc == MD_OK) {
    txn.read_version = md_delta_snapshot_version(snapshot);
    rc = plan(&txn, snapshot, deletes, num_deletes, batches, num_batches, o, err);
    if (rc != MD_OK) md_error_context(err, "%s", txn.table_path);
  }
  int64_t version = -1;
  if (rc == MD_OK) rc = delta_write_commit(&txn, &version, err);
  bool committed = rc == MD_OK && !txn.skip;
  delta_write_txn_clear(&txn, rc == MD_OK);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  if (committed) {
    int interval = o->checkpoint_interval ? o->checkpoint_interval : DEFAULT_CHECKPOINT_INTERVAL;
    if (interval > 0 && version > 0 && version % interval == 0) md_delta_checkpoint(table_path, version, NULL);
  }
  if (rc == MD_OK && version_out) *version_out = version;
  return rc;
}
