/* snapshot.c — the public table and snapshot handles of delta.h over log
 * listing and replay: open a table, pick a version (by number or time), check
 * its protocol, parse its schema, and expose its live files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/snapshot.h"

md_code md_delta_table_open(const char *path, md_delta_table **out, md_error *err) {
  if (!path || !out) return md_error_set(err, MD_ERR_INVALID, "md_delta_table_open: NULL argument");
  md_delta_table *table = calloc(1, sizeof *table);
  if (!table) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  table->path = strndup(path, n);
  if (!table->path) {
    free(table);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  md_code rc = delta_log_list(table->path, &table->listing, err);
  if (rc != MD_OK) {
    free(table->path);
    free(table);
    return rc;
  }
  *out = table;
  return MD_OK;
}

void md_delta_table_free(md_delta_table *table) {
  if (!table) return;
  delta_log_listing_clear(&table->listing);
  free(table->path);
  free(table);
}

const char *md_delta_table_path(const md_delta_table *table) { return table->path; }

int64_t md_delta_table_latest_version(const md_delta_table *table) { return table->listing.latest_version; }

bool md_delta_is_table(const char *path) {
  char log_dir[4096];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", path);
  struct stat st;
  return stat(log_dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static md_code build_views(md_delta_snapshot *s, md_error *err) {
  md_code rc = delta_schema_parse(s->state.metadata.schema_string, &s->schema, err);
  if (rc != MD_OK) return rc;
  for (size_t i = 0; i < s->state.metadata.num_partition_columns; i++)
    if (md_schema_find(s->schema, s->state.metadata.partition_columns[i]) < 0)
      return md_error_set(err, MD_ERR_CORRUPT, "partition column %s is not in the schema",
                          s->state.metadata.partition_columns[i]);
  s->configuration = md_metadata_new();
  if (!s->configuration) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  const delta_string_map *config = &s->state.metadata.configuration;
  for (size_t i = 0; i < config->count; i++) {
    rc = md_metadata_set(s->configuration, config->pairs[i].key, config->pairs[i].value ? config->pairs[i].value : "",
                         err);
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

md_code md_delta_snapshot_at_version(const md_delta_table *table, int64_t version, md_delta_snapshot **out,
                                     md_error *err) {
  if (!table || !out) return md_error_set(err, MD_ERR_INVALID, "md_delta_snapshot_at_version: NULL argument");
  if (version < 0) version = table->listing.latest_version;
  md_delta_snapshot *s = calloc(1, sizeof *s);
  if (!s) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  s->table_path = strdup(table->path);
  md_code rc = s->table_path ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) rc = delta_log_replay(table->path, &table->listing, version, &s->state, err);
  if (rc == MD_OK) {
    rc = delta_protocol_check_readable(&s->state.protocol, &s->state.metadata, err);
    if (rc == MD_OK) rc = build_views(s, err);
    if (rc != MD_OK) md_error_context(err, "%s: version %lld", table->path, (long long)version);
  }
  if (rc != MD_OK) {
    md_delta_snapshot_free(s);
    return rc;
  }
  *out = s;
  return MD_OK;
}

md_code md_delta_snapshot_at_timestamp(const md_delta_table *table, int64_t timestamp_ms, md_delta_snapshot **out,
                                       md_error *err) {
  md_delta_history *history = NULL;
  md_code rc = md_delta_table_history(table, &history, err);
  if (rc != MD_OK) return rc;
  int64_t chosen = -1;
  for (int64_t i = 0; i < md_delta_history_count(history); i++) {
    md_delta_commit_info info;
    md_delta_history_entry(history, i, &info);
    if (info.timestamp >= 0 && info.timestamp <= timestamp_ms) chosen = info.version;
  }
  md_delta_history_free(history);
  if (chosen < 0)
    return md_error_set(err, MD_ERR_NOT_FOUND, "%s: no version at or before timestamp %lld ms", table->path,
                        (long long)timestamp_ms);
  return md_delta_snapshot_at_version(table, chosen, out, err);
}

void md_delta_snapshot_free(md_delta_snapshot *snapshot) {
  if (!snapshot) return;
  delta_log_state_clear(&snapshot->state);
  md_schema_free(snapshot->schema);
  md_metadata_free(snapshot->configuration);
  free(snapshot->table_path);
  free(snapshot);
}

int64_t md_delta_snapshot_version(const md_delta_snapshot *snapshot) { return snapshot->state.version; }
int64_t md_delta_snapshot_timestamp(const md_delta_snapshot *snapshot) { return snapshot->state.timestamp_ms; }
const md_schema *md_delta_snapshot_schema(const md_delta_snapshot *snapshot) { return snapshot->schema; }

int md_delta_snapshot_num_partition_columns(const md_delta_snapshot *snapshot) {
  return (int)snapshot->state.metadata.num_partition_columns;
}

const char *md_delta_snapshot_partition_column(const md_delta_snapshot *snapshot, int i) {
  if (i < 0 || (size_t)i >= snapshot->state.metadata.num_partition_columns) return NULL;
  return snapshot->state.metadata.partition_columns[i];
}

const md_metadata *md_delta_snapshot_configuration(const md_delta_snapshot *snapshot) {
  return snapshot->configuration;
}

const char *md_delta_snapshot_table_id(const md_delta_snapshot *snapshot) { return snapshot->state.metadata.id; }

void md_delta_snapshot_protocol(const md_delta_snapshot *snapshot, md_delta_protocol_info *out) {
  const delta_protocol *p = &snapshot->state.protocol;
  out->min_reader_version = p->min_reader_version;
  out->min_writer_version = p->min_writer_version;
  out->num_reader_features = (int)p->num_reader_features;
  out->reader_features = (const char *const *)p->reader_features;
  out->num_writer_features = (int)p->num_writer_features;
  out->writer_features = (const char *const *)p->writer_features;
}

int64_t md_delta_snapshot_txn_version(const md_delta_snapshot *snapshot, const char *app_id) {
  for (size_t i = 0; i < snapshot->state.num_txns; i++)
    if (strcmp(snapshot->state.txns[i].app_id, app_id) == 0) return snapshot->state.txns[i].version;
  return -1;
}

int64_t md_delta_snapshot_num_files(const md_delta_snapshot *snapshot) { return (int64_t)snapshot->state.num_files; }

static int64_t stats_num_records(const char *stats) {
  if (!stats) return -1;
  delta_json_doc *doc = NULL;
  if (delta_json_parse(stats, strlen(stats), &doc, NULL) != MD_OK) return -1;
  int64_t n = -1;
  if (!delta_json_get_int(delta_json_root(doc), "numRecords", &n) || n < 0) n = -1;
  delta_json_doc_free(doc);
  return n;
}

md_code md_delta_snapshot_file(const md_delta_snapshot *snapshot, int64_t i, md_delta_file_info *out,
                               md_error *err) {
  if (i < 0 || (size_t)i >= snapshot->state.num_files)
    return md_error_set(err, MD_ERR_INVALID, "file index %lld out of range", (long long)i);
  const delta_file_action *f = &snapshot->state.files[i];
  out->path = f->decoded_path;
  out->size = f->size;
  out->modification_time = f->modification_time;
  out->stats = f->stats;
  out->num_records = stats_num_records(f->stats);
  out->has_deletion_vector = f->dv_id != NULL;
  out->num_deleted_rows = f->dv_id && f->dv_cardinality > 0 ? f->dv_cardinality : 0;
  out->num_physical_records = out->num_records;
  if (out->num_records >= out->num_deleted_rows) out->num_records -= out->num_deleted_rows;
  return MD_OK;
}

const char *md_delta_snapshot_file_partition_value(const md_delta_snapshot *snapshot, int64_t i,
                                                   const char *column) {
  if (i < 0 || (size_t)i >= snapshot->state.num_files) return NULL;
  const char *value = NULL;
  if (!delta_string_map_find(&snapshot->state.files[i].partition_values, column, &value)) return NULL;
  return value;
}
