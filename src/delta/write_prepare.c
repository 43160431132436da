/* write_prepare.c — plan a write on the latest snapshot: decide the mode's
 * outcome, check and evolve the schema, choose the protocol, list the files an
 * overwrite removes, write the data files, and collect every action but
 * commitInfo (which is stamped when the commit is published).
 *
 * Protocol: reader 1 / writer 2 unless the schema has a timestamp without
 * time zone, which needs the timestampNtz table feature (reader 3 / writer 7).
 * We write only to tables whose writer features we honour; anything else is
 * refused by name, because a writer that ignores a feature (CHECK constraints,
 * generated columns, deletion vectors) corrupts the table for everyone. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "delta/snapshot.h"
#include "delta/write.h"

static int64_t now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static const char *mode_name(md_delta_save_mode mode) {
  switch (mode) {
    case MD_DELTA_APPEND: return "Append";
    case MD_DELTA_OVERWRITE: return "Overwrite";
    case MD_DELTA_ERROR_IF_EXISTS: return "ErrorIfExists";
    case MD_DELTA_IGNORE: return "Ignore";
  }
  return "Append";
}

static md_code check_writable(const delta_protocol *p, const delta_metadata *m, md_delta_save_mode mode,
                              md_error *err) {
  if (p->min_writer_version > 2 && p->min_writer_version < 7)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "writer version %d is not supported (we write versions 2 and 7)",
                        (int)p->min_writer_version);
  if (p->min_writer_version > 7)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "writer version %d is not supported", (int)p->min_writer_version);
  for (size_t i = 0; i < p->num_writer_features; i++) {
    const char *f = p->writer_features[i];
    if (strcmp(f, "appendOnly") != 0 && strcmp(f, "invariants") != 0 && strcmp(f, "timestampNtz") != 0 &&
        strcmp(f, "deletionVectors") != 0)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "writer feature %s is not supported", f);
  }
  const char *append_only = NULL;
  if (mode == MD_DELTA_OVERWRITE && delta_string_map_find(&m->configuration, "delta.appendOnly", &append_only) &&
      append_only && strcmp(append_only, "true") == 0)
    return md_error_set(err, MD_ERR_INVALID, "the table is append-only (delta.appendOnly): overwrite refused");
  return MD_OK;
}

static md_code type_mismatch(const md_field *table, const md_field *data, md_error *err) {
  char a[64], b[64];
  md_type_to_string(md_field_type(table), a, sizeof a);
  md_type_to_string(md_field_type(data), b, sizeof b);
  return md_error_set(err, MD_ERR_SCHEMA, "column %s: the table has %s, the data %s", md_field_name(data), a, b);
}

/* Checks data against table by name. With merge, *merged gets the table's
 * fields plus the data's new ones (nullable); NULL when nothing is new. */
static int64_t data_null_count(const delta_write_data *d, int field) {
  if (d->written_file || d->num_part_columns) return d->null_counts[field];
  int64_t n = 0;
  for (int b = 0; b < d->num_batches; b++) n += md_column_null_count(md_batch_column(d->batches[b], field));
  return n;
}

static md_code resolve_schema(const md_schema *table, const delta_write_data *d, bool merge, md_schema **merged,
                              md_error *err) {
  const md_schema *data = d->schema;
  *merged = NULL;
  md_code rc = MD_OK;
  for (int i = 0; rc == MD_OK && i < md_schema_num_fields(data); i++) {
    const md_field *f = md_schema_field(data, i);
    int j = md_schema_find(table, md_field_name(f));
    if (j < 0) {
      if (!merge)
        return md_error_set(err, MD_ERR_SCHEMA, "column %s is not in the table (write with merge schema to add it)",
                            md_field_name(f));
      if (!*merged && !(*merged = md_schema_copy(table))) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
      md_field *added = md_field_new(md_field_name(f), md_field_type(f), true);
      if (added && md_field_num_children(f)) { /* nested: keep the children as they are */
        md_field_free(added);
        added = md_field_copy(f);
      }
      rc = added ? md_schema_add(*merged, added, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
      continue;
    }
    const md_field *t = md_schema_field(table, j);
    if (!md_type_equal(md_field_type(t), md_field_type(f))) rc = type_mismatch(t, f, err);
    if (rc == MD_OK && !md_field_nullable(t) && data_null_count(d, i) > 0)
      rc = md_error_set(err, MD_ERR_SCHEMA, "column %s is NOT NULL in the table, but the data has nulls",
                        md_field_name(f));
  }
  for (int j = 0; rc == MD_OK && j < md_schema_num_fields(table); j++) {
    const md_field *t = md_schema_field(table, j);
    if (md_schema_find(data, md_field_name(t)) < 0 && !md_field_nullable(t))
      rc = md_error_set(err, MD_ERR_SCHEMA, "column %s is NOT NULL in the table but missing from the data",
                        md_field_name(t));
  }
  if (rc != MD_OK) {
    md_schema_free(*merged);
    *merged = NULL;
  }
  return rc;
}

static bool field_needs_ntz(const md_field *f) {
  md_type t = md_field_type(f);
  if (t.id == MD_TYPE_TIMESTAMP && !t.utc) return true;
  for (int i = 0; i < md_field_num_children(f); i++)
    if (field_needs_ntz(md_field_child(f, i))) return true;
  return false;
}

static bool schema_needs_ntz(const md_schema *schema) {
  for (int i = 0; i < md_schema_num_fields(schema); i++)
    if (field_needs_ntz(md_schema_field(schema, i))) return true;
  return false;
}

static void write_string_array(delta_buf *buf, char *const *items, size_t n) {
  delta_buf_append_char(buf, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) delta_buf_append_char(buf, ',');
    delta_json_write_string(buf, items[i], strlen(items[i]));
  }
  delta_buf_append_char(buf, ']');
}

/* A protocol action for a table needing ntz; old is the current protocol
 * (NULL for a new table). Moving to writer 7 lists the features writer 2 implied. */
static void append_protocol(delta_buf *buf, bool ntz, const delta_protocol *old) {
  if (!ntz) {
    delta_buf_append_str(buf, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n");
    return;
  }
  delta_buf_append_str(buf, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                            "\"readerFeatures\":[\"timestampNtz\"],\"writerFeatures\":[");
  if (old && old->min_writer_version >= 2) delta_buf_append_str(buf, "\"appendOnly\",\"invariants\",");
  delta_buf_append_str(buf, "\"timestampNtz\"]}}\n");
}

static md_code append_metadata(delta_buf *buf, const delta_metadata *old, const md_schema *schema,
                               char *const *partition_columns, size_t num_partition, int64_t now, md_error *err) {
  delta_buf schema_json;
  delta_buf_init(&schema_json);
  md_code rc = delta_schema_to_json(schema, &schema_json, err);
  if (rc != MD_OK) {
    delta_buf_free(&schema_json);
    return rc;
  }
  char uuid[37];
  delta_random_uuid(uuid);
  const char *id = old && old->id ? old->id : uuid;
  delta_buf_append_str(buf, "{\"metaData\":{\"id\":");
  delta_json_write_string(buf, id, strlen(id));
  if (old && old->name) {
    delta_buf_append_str(buf, ",\"name\":");
    delta_json_write_string(buf, old->name, strlen(old->name));
  }
  if (old && old->description) {
    delta_buf_append_str(buf, ",\"description\":");
    delta_json_write_string(buf, old->description, strlen(old->description));
  }
  delta_buf_append_str(buf, ",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":");
  delta_json_write_string(buf, schema_json.data, schema_json.len);
  delta_buf_append_str(buf, ",\"partitionColumns\":");
  write_string_array(buf, partition_columns, num_partition);
  delta_buf_append_str(buf, ",\"configuration\":{");
  for (size_t i = 0; old && i < old->configuration.count; i++) {
    const delta_string_pair *p = &old->configuration.pairs[i];
    if (i) delta_buf_append_char(buf, ',');
    delta_json_write_string(buf, p->key, strlen(p->key));
    delta_buf_append_char(buf, ':');
    if (p->value) delta_json_write_string(buf, p->value, strlen(p->value));
    else delta_buf_append_str(buf, "null");
  }
  delta_buf_printf(buf, "},\"createdTime\":%lld}}\n", (long long)(old && old->created_time >= 0 ? old->created_time : now));
  delta_buf_free(&schema_json);
  return MD_OK;
}

md_code delta_write_txn_add_file(delta_write_txn *txn, const char *path, md_error *err) {
  char **grown = realloc(txn->data_files, (txn->num_data_files + 1) * sizeof *grown);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->data_files = grown;
  if (!(txn->data_files[txn->num_data_files] = strdup(path))) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->num_data_files++;
  return MD_OK;
}

md_code delta_write_txn_add_removed(delta_write_txn *txn, const char *decoded, md_error *err) {
  char **grown = realloc(txn->removed, (txn->num_removed + 1) * sizeof *grown);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->removed = grown;
  if (!(txn->removed[txn->num_removed] = strdup(decoded))) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->num_removed++;
  return MD_OK;
}

static md_code append_removes(delta_write_txn *txn, const delta_log_state *state, int64_t now, md_error *err) {
  delta_buf *a = &txn->actions;
  for (size_t i = 0; i < state->num_files; i++) {
    const delta_file_action *f = &state->files[i];
    if (txn->replace_where && !delta_predicate_matches(txn->replace_where, &f->partition_values)) continue;
    md_code rc = delta_write_txn_add_removed(txn, f->decoded_path, err);
    if (rc != MD_OK) return rc;
    delta_buf_append_str(a, "{\"remove\":{\"path\":");
    delta_json_write_string(a, f->path, strlen(f->path));
    delta_buf_printf(a, ",\"deletionTimestamp\":%lld,\"dataChange\":true,\"extendedFileMetadata\":true,"
                        "\"partitionValues\":{", (long long)now);
    for (size_t k = 0; k < f->partition_values.count; k++) {
      const delta_string_pair *p = &f->partition_values.pairs[k];
      if (k) delta_buf_append_char(a, ',');
      delta_json_write_string(a, p->key, strlen(p->key));
      delta_buf_append_char(a, ':');
      if (p->value) delta_json_write_string(a, p->value, strlen(p->value));
      else delta_buf_append_str(a, "null");
    }
    delta_buf_append_char(a, '}');
    if (f->size >= 0) delta_buf_printf(a, ",\"size\":%lld", (long long)f->size);
    if (f->dv.storage_type) delta_dv_descriptor_append_json(a, &f->dv); /* the remove must name the DV'd file */
    delta_buf_append_str(a, "}}\n");
  }
  return MD_OK;
}

/* The partition columns of the write: the table's, or the option's for a new table. */
static md_code partition_columns_for(const md_delta_snapshot *s, const md_delta_write_options *o,
                                     const md_schema *schema, char ***out, size_t *count, md_error *err) {
  if (s) {
    const delta_metadata *m = &s->state.metadata;
    bool same = o->num_partition_by == 0 || (size_t)o->num_partition_by == m->num_partition_columns;
    for (size_t i = 0; same && o->num_partition_by && i < m->num_partition_columns; i++)
      same = strcmp(o->partition_by[i], m->partition_columns[i]) == 0;
    if (!same) return md_error_set(err, MD_ERR_SCHEMA, "the partition columns differ from the table's");
  }
  size_t n = s ? s->state.metadata.num_partition_columns : (size_t)(o->num_partition_by > 0 ? o->num_partition_by : 0);
  char **cols = calloc(n + 1, sizeof *cols);
  if (!cols) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  for (size_t i = 0; i < n; i++) {
    const char *name = s ? s->state.metadata.partition_columns[i] : o->partition_by[i];
    int f = md_schema_find(schema, name);
    if (f < 0) rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s is not in the schema", name);
    else if (md_type_is_nested(md_field_type(md_schema_field(schema, f))))
      rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s has a nested type", name);
    for (size_t j = 0; j < i && rc == MD_OK; j++)
      if (strcmp(cols[j], name) == 0) rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s is repeated", name);
    if (rc == MD_OK && !(cols[i] = strdup(name))) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc != MD_OK) break;
  }
  if (rc != MD_OK) {
    for (size_t i = 0; i < n; i++) free(cols[i]);
    free(cols);
    return rc;
  }
  *out = cols;
  *count = n;
  return MD_OK;
}

static void append_operation(delta_write_txn *txn, const md_delta_write_options *o, char *const *partition_columns,
                             size_t num_partition, bool created) {
  delta_buf *b = &txn->operation;
  delta_buf_printf(b, "\"operation\":\"%s\",\"operationParameters\":{\"mode\":\"%s\",\"partitionBy\":",
                   created ? "CREATE TABLE" : "WRITE", mode_name(o->mode));
  delta_buf pb;
  delta_buf_init(&pb);
  write_string_array(&pb, partition_columns, num_partition);
  delta_json_write_string(b, pb.data ? pb.data : "[]", pb.len);
  delta_buf_free(&pb);
  if (txn->replace_where) {
    delta_buf_append_str(b, ",\"predicate\":");
    delta_json_write_string(b, o->replace_where, strlen(o->replace_where));
  }
  delta_buf_printf(b, "},\"readVersion\":%lld,\"engineInfo\":\"medallion/%s\",\"isBlindAppend\":%s",
                   (long long)txn->read_version, md_version(), txn->blind_append ? "true" : "false");
  for (int i = 0; o->commit_metadata && i < md_metadata_count(o->commit_metadata); i++) {
    const char *k = md_metadata_key(o->commit_metadata, i), *v = md_metadata_value(o->commit_metadata, i);
    delta_buf_append_char(b, ',');
    delta_json_write_string(b, k, strlen(k));
    delta_buf_append_char(b, ':');
    delta_json_write_string(b, v, strlen(v));
  }
}

/* Files written split by other columns than the table's cannot be used. */
static md_code check_part_columns(const delta_write_data *d, char *const *pcs, size_t num_pc, md_error *err) {
  bool same = d->num_part_columns == num_pc;
  for (size_t k = 0; same && k < num_pc; k++) same = strcmp(d->part_columns[k], pcs[k]) == 0;
  return same ? MD_OK
              : md_error_set(err, MD_ERR_UNSUPPORTED,
                             "not yet supported: a streamed write split by other partition columns than the table's");
}

/* Everything after opening the snapshot (s NULL for a new table). */
static md_code plan(delta_write_txn *txn, const md_delta_snapshot *s, const delta_write_data *d,
                    const md_delta_write_options *o, md_error *err) {
  const md_schema *data = d->schema;
  if (s) {
    if (o->mode == MD_DELTA_ERROR_IF_EXISTS)
      return md_error_set(err, MD_ERR_INVALID, "%s: the table already exists", txn->table_path);
    if (o->mode == MD_DELTA_IGNORE || (o->app_id && md_delta_snapshot_txn_version(s, o->app_id) >= o->txn_version)) {
      txn->skip = true;
      return MD_OK;
    }
    md_code rc = check_writable(&s->state.protocol, &s->state.metadata, o->mode, err);
    if (rc != MD_OK) return md_error_context(err, "%s", txn->table_path);
  }
  md_schema *merged = NULL;
  md_code rc = s ? resolve_schema(s->schema, d, o->merge_schema, &merged, err) : MD_OK;
  if (rc != MD_OK) return rc;
  const md_schema *schema = merged ? merged : s ? s->schema : data;
  char **pcs = NULL;
  size_t num_pc = 0;
  rc = partition_columns_for(s, o, schema, &pcs, &num_pc, err);
  for (size_t k = 0; rc == MD_OK && k < num_pc; k++)
    if (md_schema_find(data, pcs[k]) < 0)
      rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s is missing from the data", pcs[k]);
  if (rc == MD_OK && d->written_file && num_pc > 0)
    rc = md_error_set(err, MD_ERR_UNSUPPORTED, "not yet supported: a streamed write into a partitioned table");
  if (rc == MD_OK && d->num_part_columns) rc = check_part_columns(d, pcs, num_pc, err);
  if (rc == MD_OK && o->replace_where && o->mode != MD_DELTA_OVERWRITE)
    rc = md_error_set(err, MD_ERR_INVALID, "replaceWhere needs the overwrite mode");
  if (rc == MD_OK && o->replace_where)
    rc = delta_predicate_parse(o->replace_where, schema, pcs, num_pc, &txn->replace_where, err);
  int64_t now = now_ms();
  bool ntz = schema_needs_ntz(schema);
  if (rc == MD_OK && !s) {
    append_protocol(&txn->actions, ntz, NULL);
    rc = append_metadata(&txn->actions, NULL, schema, pcs, num_pc, now, err);
  } else if (rc == MD_OK && merged) {
    if (ntz && !delta_protocol_has_reader_feature(&s->state.protocol, "timestampNtz"))
      append_protocol(&txn->actions, true, &s->state.protocol);
    rc = append_metadata(&txn->actions, &s->state.metadata, schema, pcs, num_pc, now, err);
  }
  if (rc == MD_OK && o->app_id) {
    delta_buf_append_str(&txn->actions, "{\"txn\":{\"appId\":");
    delta_json_write_string(&txn->actions, o->app_id, strlen(o->app_id));
    delta_buf_printf(&txn->actions, ",\"version\":%lld,\"lastUpdated\":%lld}}\n", (long long)o->txn_version,
                     (long long)now);
  }
  if (rc == MD_OK && s && o->mode == MD_DELTA_OVERWRITE) rc = append_removes(txn, &s->state, now, err);
  if (rc == MD_OK && d->written_file) {
    rc = delta_write_txn_add_written(txn, d->written_file, d->written_relative, NULL, NULL, 0, d->written_size, now,
                                     err);
  } else if (rc == MD_OK && d->num_part_columns) {
    for (size_t i = 0; rc == MD_OK && i < d->num_parts; i++) {
      const delta_written_part *part = &d->parts[i];
      if (txn->replace_where && !delta_predicate_matches_row(txn->replace_where, pcs, part->values, num_pc))
        rc = md_error_set(err, MD_ERR_INVALID, "rows with %s=%s do not match the replaceWhere predicate", pcs[0],
                          part->values[0] ? part->values[0] : "null");
      if (rc == MD_OK)
        rc = delta_write_txn_add_written(txn, part->full, part->relative, pcs, part->values, num_pc, part->size, now,
                                         err);
    }
  } else if (rc == MD_OK) {
    mkdir(txn->table_path, 0777);
    rc = delta_write_data_files(txn, d->batches, d->num_batches, pcs, num_pc, txn->replace_where, now, err);
  }
  txn->blind_append = s && o->mode == MD_DELTA_APPEND && !merged;
  if (rc == MD_OK) append_operation(txn, o, pcs, num_pc, !s);
  if (rc == MD_OK && (delta_buf_failed(&txn->actions) || delta_buf_failed(&txn->operation)))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < num_pc; k++) free(pcs[k]);
  free(pcs);
  md_schema_free(merged);
  return rc;
}

/* True when the table's _delta_log holds no commit or checkpoint (every
 * log file's name starts with a digit; temporary files start with a dot). */
static bool log_is_empty(const char *table_path) {
  char log_dir[4200];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table_path);
  DIR *d = opendir(log_dir);
  if (!d) return false;
  bool empty = true;
  for (struct dirent *e; empty && (e = readdir(d));) empty = !(e->d_name[0] >= '0' && e->d_name[0] <= '9');
  closedir(d);
  return empty;
}

md_code delta_write_prepare(const char *path, const delta_write_data *data, const md_delta_write_options *o,
                            delta_write_txn *txn, md_error *err) {
  memset(txn, 0, sizeof *txn);
  delta_buf_init(&txn->actions);
  delta_buf_init(&txn->operation);
  txn->mode = o->mode;
  txn->read_version = -1;
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  txn->table_path = strndup(path, n);
  txn->app_id = o->app_id ? strdup(o->app_id) : NULL;
  if (!txn->table_path || (o->app_id && !txn->app_id)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_code rc = MD_OK;
  if (md_delta_is_table(txn->table_path)) {
    rc = md_delta_table_open(txn->table_path, &table, err);
    /* A log without commits (a crashed first write of an older writer or
     * another tool) holds no table yet: this write creates version 0. */
    if (rc == MD_ERR_NOT_FOUND && log_is_empty(txn->table_path)) {
      md_error_clear(err);
      rc = MD_OK;
    }
    if (rc == MD_OK && table && md_delta_table_latest_version(table) >= 0)
      rc = md_delta_snapshot_at_version(table, -1, &snapshot, err);
  }
  if (snapshot) txn->read_version = md_delta_snapshot_version(snapshot);
  if (rc == MD_OK) rc = plan(txn, snapshot, data, o, err);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return rc;
}

void delta_write_txn_clear(delta_write_txn *txn, bool committed) {
  for (size_t i = 0; i < txn->num_data_files; i++) {
    if (!committed) remove(txn->data_files[i]);
    free(txn->data_files[i]);
  }
  free(txn->data_files);
  for (size_t i = 0; i < txn->num_removed; i++) free(txn->removed[i]);
  free(txn->removed);
  delta_predicate_free(txn->replace_where);
  free(txn->app_id);
  free(txn->table_path);
  delta_buf_free(&txn->actions);
  delta_buf_free(&txn->operation);
  memset(txn, 0, sizeof *txn);
}
