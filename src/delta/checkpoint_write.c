/* checkpoint_write.c — md_delta_checkpoint: a classic single-file checkpoint
 * (<version>.checkpoint.parquet) and _last_checkpoint.
 *
 * One row per action, one struct column per action kind (txn, add, remove,
 * metaData, protocol), the others null in that row — the layout of
 * PROTOCOL.md "Checkpoint Schema". The file is written through the Parquet
 * writer's temporary file and renamed into place, so a reader never sees part
 * of a checkpoint; _last_checkpoint is replaced the same way, after it. A
 * checkpoint only summarizes commits that exist, so writing one twice (two
 * writers) yields the same content and either copy is correct. Remove
 * tombstones are not kept in our replay state, so the remove column is empty:
 * readers of a snapshot never need them. An add keeps its deletionVector
 * descriptor: without it a reader would resurrect deleted rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/snapshot.h"
#include "delta/write.h"
#include "medallion/parquet.h"

static md_field *leaf(const char *name, md_type_id id, bool nullable) {
  return md_field_new(name, md_type_make(id), nullable);
}

/* Adds children to parent (NULL-safe: a failed allocation fails the add). */
static bool add_children(md_field *parent, md_field **children, int n) {
  bool ok = parent != NULL;
  for (int i = 0; i < n; i++) {
    if (!children[i]) ok = false;
    else if (ok && md_field_add_child(parent, children[i], NULL) != MD_OK) ok = false;
    else if (!ok) md_field_free(children[i]);
  }
  return ok;
}

static md_field *string_map(const char *name) {
  md_field *map = md_field_new(name, md_type_make(MD_TYPE_MAP), true);
  md_field *entries = md_field_new("key_value", md_type_make(MD_TYPE_STRUCT), false);
  md_field *kv[] = {leaf("key", MD_TYPE_UTF8, false), leaf("value", MD_TYPE_UTF8, true)};
  if (!add_children(entries, kv, 2) || !add_children(map, &entries, 1)) {
    md_field_free(map);
    return NULL;
  }
  return map;
}

static md_field *string_list(const char *name) {
  md_field *list = md_field_new(name, md_type_make(MD_TYPE_LIST), true);
  md_field *element = leaf("element", MD_TYPE_UTF8, true);
  if (!add_children(list, &element, 1)) {
    md_field_free(list);
    return NULL;
  }
  return list;
}

static md_field *action(const char *name, md_field **children, int n) {
  md_field *s = md_field_new(name, md_type_make(MD_TYPE_STRUCT), true);
  if (!add_children(s, children, n)) {
    md_field_free(s);
    return NULL;
  }
  return s;
}

/* PROTOCOL.md "Deletion Vector Descriptor Schema". */
static md_field *deletion_vector_field(void) {
  md_field *kids[] = {leaf("storageType", MD_TYPE_UTF8, true), leaf("pathOrInlineDv", MD_TYPE_UTF8, true),
                      leaf("offset", MD_TYPE_INT32, true), leaf("sizeInBytes", MD_TYPE_INT32, true),
                      leaf("cardinality", MD_TYPE_INT64, true)};
  return action("deletionVector", kids, 5);
}

enum { COL_TXN, COL_ADD, COL_REMOVE, COL_METADATA, COL_PROTOCOL, NUM_COLS };

static md_schema *checkpoint_schema(void) {
  md_field *txn[] = {leaf("appId", MD_TYPE_UTF8, true), leaf("version", MD_TYPE_INT64, true),
                     leaf("lastUpdated", MD_TYPE_INT64, true)};
  md_field *add[] = {leaf("path", MD_TYPE_UTF8, true),          string_map("partitionValues"),
                     leaf("size", MD_TYPE_INT64, true),         leaf("modificationTime", MD_TYPE_INT64, true),
                     leaf("dataChange", MD_TYPE_BOOL, true),    leaf("stats", MD_TYPE_UTF8, true),
                     deletion_vector_field()};
  md_field *remove[] = {leaf("path", MD_TYPE_UTF8, true), leaf("deletionTimestamp", MD_TYPE_INT64, true),
                        leaf("dataChange", MD_TYPE_BOOL, true)};
  md_field *format_kids[] = {leaf("provider", MD_TYPE_UTF8, true), string_map("options")};
  md_field *meta[] = {leaf("id", MD_TYPE_UTF8, true),
                      leaf("name", MD_TYPE_UTF8, true),
                      leaf("description", MD_TYPE_UTF8, true),
                      action("format", format_kids, 2),
                      leaf("schemaString", MD_TYPE_UTF8, true),
                      string_list("partitionColumns"),
                      string_map("configuration"),
                      leaf("createdTime", MD_TYPE_INT64, true)};
  md_field *protocol[] = {leaf("minReaderVersion", MD_TYPE_INT32, true), leaf("minWriterVersion", MD_TYPE_INT32, true),
                          string_list("readerFeatures"), string_list("writerFeatures")};
  md_field *top[NUM_COLS] = {action("txn", txn, 3), action("add", add, 7), action("remove", remove, 3),
                             action("metaData", meta, 8), action("protocol", protocol, 4)};
  md_schema *schema = md_schema_new();
  bool ok = schema != NULL;
  for (int i = 0; i < NUM_COLS; i++) {
    if (!top[i]) ok = false;
    else if (ok && md_schema_add(schema, top[i], NULL) != MD_OK) ok = false;
    else if (!ok) md_field_free(top[i]);
  }
  if (!ok) {
    md_schema_free(schema);
    return NULL;
  }
  return schema;
}

/* Appending values: each returns false on failure. */
static bool put_string(md_column *c, const char *s) {
  return (s ? md_column_append_bytes(c, s, (int64_t)strlen(s), NULL) : md_column_append_null(c, NULL)) == MD_OK;
}
static bool put_int(md_column *c, int64_t v) { return md_column_append_int(c, v, NULL) == MD_OK; }

static bool put_map(md_column *c, const delta_string_map *m) {
  md_column *entries = md_column_child(c, 0);
  bool ok = true;
  for (size_t i = 0; ok && m && i < m->count; i++)
    ok = put_string(md_column_child(entries, 0), m->pairs[i].key) &&
         put_string(md_column_child(entries, 1), m->pairs[i].value) && md_column_append_struct(entries, NULL) == MD_OK;
  return ok && md_column_append_list(c, NULL) == MD_OK;
}

static bool put_list(md_column *c, char *const *items, size_t n, bool present) {
  if (!present) return md_column_append_null(c, NULL) == MD_OK;
  bool ok = true;
  for (size_t i = 0; ok && i < n; i++) ok = put_string(md_column_child(c, 0), items[i]);
  return ok && md_column_append_list(c, NULL) == MD_OK;
}

/* One row: the struct column `which` gets the action (filled by the caller through its children), the rest null. */
static bool nulls_except(md_column **cols, int which) {
  for (int i = 0; i < NUM_COLS; i++)
    if (i != which && md_column_append_null(cols[i], NULL) != MD_OK) return false;
  return md_column_append_struct(cols[which], NULL) == MD_OK;
}

static bool put_optional_int(md_column *c, int64_t v) {
  return v >= 0 ? put_int(c, v) : md_column_append_null(c, NULL) == MD_OK;
}

static bool put_deletion_vector(md_column *c, const delta_dv_descriptor *dv) {
  if (!dv->storage_type) return md_column_append_null(c, NULL) == MD_OK;
  char type[2] = {dv->storage_type, 0};
  return put_string(md_column_child(c, 0), type) && put_string(md_column_child(c, 1), dv->path_or_inline) &&
         put_optional_int(md_column_child(c, 2), dv->offset) && put_optional_int(md_column_child(c, 3), dv->size_in_bytes) &&
         put_optional_int(md_column_child(c, 4), dv->cardinality) && md_column_append_struct(c, NULL) == MD_OK;
}

static bool fill_rows(md_column **cols, const delta_log_state *st) {
  const delta_protocol *p = &st->protocol;
  md_column *c = cols[COL_PROTOCOL];
  bool ok = put_int(md_column_child(c, 0), p->min_reader_version) && put_int(md_column_child(c, 1), p->min_writer_version) &&
            put_list(md_column_child(c, 2), p->reader_features, p->num_reader_features, p->has_reader_features) &&
            put_list(md_column_child(c, 3), p->writer_features, p->num_writer_features, p->has_writer_features) &&
            nulls_except(cols, COL_PROTOCOL);
  const delta_metadata *m = &st->metadata;
  c = cols[COL_METADATA];
  md_column *format = md_column_child(c, 3);
  ok = ok && put_string(md_column_child(c, 0), m->id) && put_string(md_column_child(c, 1), m->name) &&
       put_string(md_column_child(c, 2), m->description) &&
       put_string(md_column_child(format, 0), m->format_provider ? m->format_provider : "parquet") &&
       put_map(md_column_child(format, 1), NULL) && md_column_append_struct(format, NULL) == MD_OK &&
       put_string(md_column_child(c, 4), m->schema_string) &&
       put_list(md_column_child(c, 5), m->partition_columns, m->num_partition_columns, true) &&
       put_map(md_column_child(c, 6), &m->configuration) &&
       (m->created_time >= 0 ? put_int(md_column_child(c, 7), m->created_time)
                             : md_column_append_null(md_column_child(c, 7), NULL) == MD_OK) &&
       nulls_except(cols, COL_METADATA);
  for (size_t i = 0; ok && i < st->num_txns; i++) {
    c = cols[COL_TXN];
    ok = put_string(md_column_child(c, 0), st->txns[i].app_id) && put_int(md_column_child(c, 1), st->txns[i].version) &&
         (st->txns[i].last_updated >= 0 ? put_int(md_column_child(c, 2), st->txns[i].last_updated)
                                        : md_column_append_null(md_column_child(c, 2), NULL) == MD_OK) &&
         nulls_except(cols, COL_TXN);
  }
  for (size_t i = 0; ok && i < st->num_files; i++) {
    const delta_file_action *f = &st->files[i];
    c = cols[COL_ADD];
    ok = put_string(md_column_child(c, 0), f->path) && put_map(md_column_child(c, 1), &f->partition_values) &&
         put_int(md_column_child(c, 2), f->size >= 0 ? f->size : 0) && put_int(md_column_child(c, 3), f->modification_time) &&
         md_column_append_bool(md_column_child(c, 4), false, NULL) == MD_OK && put_string(md_column_child(c, 5), f->stats) &&
         put_deletion_vector(md_column_child(c, 6), &f->dv) && nulls_except(cols, COL_ADD);
  }
  return ok;
}

static md_code write_last_checkpoint(const char *table, int64_t version, int64_t rows, md_error *err) {
  char final_path[4400], temp_path[4450], text[128];
  snprintf(final_path, sizeof final_path, "%s/_delta_log/_last_checkpoint", table);
  snprintf(temp_path, sizeof temp_path, "%s.%ld.tmp", final_path, (long)getpid());
  int n = snprintf(text, sizeof text, "{\"version\":%lld,\"size\":%lld}\n", (long long)version, (long long)rows);
  FILE *f = fopen(temp_path, "w");
  if (!f) return md_error_set(err, MD_ERR_IO, "%s: cannot create", temp_path);
  bool ok = fwrite(text, 1, (size_t)n, f) == (size_t)n && fflush(f) == 0 && fsync(fileno(f)) == 0;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(temp_path, final_path) != 0) {
    remove(temp_path);
    return md_error_set(err, MD_ERR_IO, "%s: write failed", final_path);
  }
  return MD_OK;
}

md_code md_delta_checkpoint(const char *path, int64_t version, md_error *err) {
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_code rc = md_delta_table_open(path, &table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, version, &snapshot, err);
  md_schema *schema = rc == MD_OK ? checkpoint_schema() : NULL;
  if (rc == MD_OK && !schema) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_column *cols[NUM_COLS] = {0};
  for (int i = 0; rc == MD_OK && i < NUM_COLS; i++)
    if (!(cols[i] = md_column_new_for_field(md_schema_field(schema, i)))) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK && !fill_rows(cols, &snapshot->state)) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_batch *batch = NULL;
  if (rc == MD_OK) {
    md_schema *owned = md_schema_copy(schema);
    rc = owned ? md_batch_new(owned, cols, NUM_COLS, &batch, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    memset(cols, 0, sizeof cols); /* owned by the batch now, also on failure */
  }
  int64_t v = snapshot ? md_delta_snapshot_version(snapshot) : version;
  char file[4400];
  snprintf(file, sizeof file, "%s/_delta_log/%020lld.checkpoint.parquet", table ? md_delta_table_path(table) : path,
           (long long)v);
  md_parquet_writer *writer = NULL;
  if (rc == MD_OK) rc = md_parquet_writer_open(file, schema, NULL, &writer, err);
  if (rc == MD_OK) rc = md_parquet_writer_write(writer, batch, err);
  if (rc == MD_OK) rc = md_parquet_writer_close(writer, err);
  if (rc == MD_OK) rc = write_last_checkpoint(md_delta_table_path(table), v, md_batch_num_rows(batch), err);
  md_parquet_writer_free(writer);
  md_batch_free(batch);
  for (int i = 0; i < NUM_COLS; i++) md_column_free(cols[i]);
  md_schema_free(schema);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  if (rc != MD_OK) md_error_context(err, "%s: checkpoint of version %lld", path, (long long)v);
  return rc;
}
