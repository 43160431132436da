/* checkpoint.c — read a Delta checkpoint (classic single-file or multi-part
 * Parquet) as one commit's worth of actions.
 *
 * A checkpoint holds one action per row in top-level struct columns named like
 * the JSON actions (add, remove, metaData, protocol, txn, domainMetadata, ...);
 * add.partitionValues and metaData.configuration are map<string,string>. We
 * look children up by name, never by position, because writers differ in
 * which optional fields they include (stats_parsed, tags, deletionVector...).
 * Removes in a checkpoint are tombstones for vacuum only and are skipped.
 * V2 (UUID-named, sidecar) checkpoints are refused: their reader feature is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"
#include "medallion/parquet.h"

/* A struct column and its field, for by-name child access at one row. */
typedef struct struct_view {
  md_column *column;
  const md_field *field;
} struct_view;

static bool child(const struct_view *s, const char *name, struct_view *out) {
  if (!s->column) return false;
  for (int i = 0; i < md_field_num_children(s->field) && i < md_column_num_children(s->column); i++) {
    if (strcmp(md_field_name(md_field_child(s->field, i)), name) == 0) {
      out->column = md_column_child(s->column, i);
      out->field = md_field_child(s->field, i);
      return true;
    }
  }
  return false;
}

static md_code nomem(md_error *err) { return md_error_set(err, MD_ERR_NOMEM, "out of memory"); }

/* A copy of a UTF8/BINARY value, or NULL (with *ok true) when null or absent. */
static char *string_at(const md_column *c, int64_t row, bool *ok) {
  *ok = true;
  if (!c || md_column_is_null(c, row)) return NULL;
  md_type_id id = md_column_type(c).id;
  if (id != MD_TYPE_UTF8 && id != MD_TYPE_BINARY) return NULL;
  const int32_t *o = md_column_offsets(c);
  size_t n = (size_t)(o[row + 1] - o[row]);
  char *s = malloc(n + 1);
  if (!s) {
    *ok = false;
    return NULL;
  }
  memcpy(s, md_column_data(c) + o[row], n);
  s[n] = '\0';
  return s;
}

static md_code get_string(const struct_view *s, const char *name, int64_t row, char **out, md_error *err) {
  struct_view c;
  bool ok = true;
  *out = child(s, name, &c) ? string_at(c.column, row, &ok) : NULL;
  return ok ? MD_OK : nomem(err);
}

static bool get_int(const struct_view *s, const char *name, int64_t row, int64_t *out) {
  struct_view c;
  if (!child(s, name, &c) || md_column_is_null(c.column, row)) return false;
  switch (md_column_type(c.column).id) {
    case MD_TYPE_INT32: *out = ((const int32_t *)md_column_values(c.column))[row]; return true;
    case MD_TYPE_INT64: *out = ((const int64_t *)md_column_values(c.column))[row]; return true;
    default: return false;
  }
}

static bool get_bool(const struct_view *s, const char *name, int64_t row, bool *out) {
  struct_view c;
  if (!child(s, name, &c) || md_column_is_null(c.column, row) || md_column_type(c.column).id != MD_TYPE_BOOL)
    return false;
  *out = md_bit_get(md_column_values(c.column), row);
  return true;
}

static md_code get_map(const struct_view *s, const char *name, int64_t row, delta_string_map *out, md_error *err) {
  struct_view c;
  if (!child(s, name, &c) || md_column_is_null(c.column, row) || md_column_type(c.column).id != MD_TYPE_MAP)
    return MD_OK;
  const int32_t *o = md_column_offsets(c.column);
  md_column *entries = md_column_child(c.column, 0);
  if (md_column_num_children(entries) != 2) return md_error_set(err, MD_ERR_CORRUPT, "%s: malformed map", name);
  md_column *keys = md_column_child(entries, 0), *values = md_column_child(entries, 1);
  size_t n = (size_t)(o[row + 1] - o[row]);
  if (!n) return MD_OK;
  out->pairs = calloc(n, sizeof *out->pairs);
  if (!out->pairs) return nomem(err);
  for (size_t i = 0; i < n; i++) {
    bool ok_key, ok_value;
    out->pairs[i].key = string_at(keys, o[row] + (int64_t)i, &ok_key);
    out->pairs[i].value = string_at(values, o[row] + (int64_t)i, &ok_value);
    out->count = i + 1;
    if (!ok_key || !ok_value) return nomem(err);
    if (!out->pairs[i].key) return md_error_set(err, MD_ERR_CORRUPT, "%s: null map key", name);
  }
  return MD_OK;
}

static md_code get_string_list(const struct_view *s, const char *name, int64_t row, char ***out, size_t *count,
                               bool *present, md_error *err) {
  struct_view c;
  if (!child(s, name, &c) || md_column_is_null(c.column, row) || md_column_type(c.column).id != MD_TYPE_LIST)
    return MD_OK;
  if (present) *present = true;
  const int32_t *o = md_column_offsets(c.column);
  md_column *items = md_column_child(c.column, 0);
  size_t n = (size_t)(o[row + 1] - o[row]);
  if (!n) return MD_OK;
  *out = calloc(n, sizeof **out);
  if (!*out) return nomem(err);
  for (size_t i = 0; i < n; i++) {
    bool ok;
    (*out)[i] = string_at(items, o[row] + (int64_t)i, &ok);
    *count = i + 1;
    if (!ok) return nomem(err);
    if (!(*out)[i]) return md_error_set(err, MD_ERR_CORRUPT, "%s: null list item", name);
  }
  return MD_OK;
}

static void *grow_one(void **array, size_t *count, size_t elem) {
  void *grown = realloc(*array, (*count + 1) * elem);
  if (!grown) return NULL;
  *array = grown;
  void *slot = (char *)grown + *count * elem;
  memset(slot, 0, elem);
  (*count)++;
  return slot;
}

static md_code read_add(const struct_view *add, int64_t row, delta_commit *out, md_error *err) {
  delta_file_action *f = grow_one((void **)&out->adds, &out->num_adds, sizeof *f);
  if (!f) return nomem(err);
  f->size = -1;
  f->modification_time = -1;
  f->deletion_timestamp = -1;
  f->data_change = false;
  md_code rc = get_string(add, "path", row, &f->path, err);
  if (rc == MD_OK && !f->path) rc = md_error_set(err, MD_ERR_CORRUPT, "add without a path");
  if (rc == MD_OK) rc = delta_url_decode(f->path, &f->decoded_path, err);
  if (rc == MD_OK) rc = get_map(add, "partitionValues", row, &f->partition_values, err);
  if (rc == MD_OK) rc = get_string(add, "stats", row, &f->stats, err);
  get_int(add, "size", row, &f->size);
  get_int(add, "modificationTime", row, &f->modification_time);
  get_bool(add, "dataChange", row, &f->data_change);
  struct_view dv;
  if (rc == MD_OK && child(add, "deletionVector", &dv) && !md_column_is_null(dv.column, row)) {
    char *storage = NULL, *where = NULL;
    delta_dv_descriptor *d = &f->dv;
    d->offset = d->size_in_bytes = d->cardinality = -1;
    rc = get_string(&dv, "storageType", row, &storage, err);
    if (rc == MD_OK) rc = get_string(&dv, "pathOrInlineDv", row, &where, err);
    get_int(&dv, "offset", row, &d->offset);
    get_int(&dv, "sizeInBytes", row, &d->size_in_bytes);
    get_int(&dv, "cardinality", row, &d->cardinality);
    if (rc == MD_OK && (!storage || strlen(storage) != 1 || !where))
      rc = md_error_set(err, MD_ERR_CORRUPT, "add %s: bad deletionVector", f->path);
    if (rc == MD_OK) {
      d->storage_type = storage[0];
      d->path_or_inline = where;
      where = NULL;
      f->dv_cardinality = d->cardinality;
      f->dv_id = delta_dv_unique_id(d);
      if (!f->dv_id) rc = nomem(err);
    }
    free(storage);
    free(where);
  }
  if (rc == MD_OK && f->size < 0) rc = md_error_set(err, MD_ERR_CORRUPT, "add %s without a size", f->path);
  return rc;
}

static md_code read_metadata(const struct_view *m, int64_t row, delta_commit *out, md_error *err) {
  delta_metadata_clear(&out->metadata);
  out->has_metadata = true;
  delta_metadata *md = &out->metadata;
  md->created_time = -1;
  md_code rc = get_string(m, "id", row, &md->id, err);
  if (rc == MD_OK) rc = get_string(m, "name", row, &md->name, err);
  if (rc == MD_OK) rc = get_string(m, "description", row, &md->description, err);
  if (rc == MD_OK) rc = get_string(m, "schemaString", row, &md->schema_string, err);
  if (rc == MD_OK) rc = get_string_list(m, "partitionColumns", row, &md->partition_columns, &md->num_partition_columns, NULL, err);
  if (rc == MD_OK) rc = get_map(m, "configuration", row, &md->configuration, err);
  get_int(m, "createdTime", row, &md->created_time);
  struct_view format;
  if (rc == MD_OK && child(m, "format", &format)) rc = get_string(&format, "provider", row, &md->format_provider, err);
  if (rc == MD_OK && (!md->id || !md->schema_string)) rc = md_error_set(err, MD_ERR_CORRUPT, "metaData without id or schemaString");
  return rc;
}

static md_code read_protocol(const struct_view *p, int64_t row, delta_commit *out, md_error *err) {
  delta_protocol_clear(&out->protocol);
  out->has_protocol = true;
  delta_protocol *pr = &out->protocol;
  int64_t reader = 0, writer = 0;
  get_int(p, "minReaderVersion", row, &reader);
  get_int(p, "minWriterVersion", row, &writer);
  if (reader < 1 || reader > INT32_MAX || writer < 1 || writer > INT32_MAX)
    return md_error_set(err, MD_ERR_CORRUPT, "invalid minReaderVersion/minWriterVersion");
  pr->min_reader_version = (int32_t)reader;
  pr->min_writer_version = (int32_t)writer;
  md_code rc = get_string_list(p, "readerFeatures", row, &pr->reader_features, &pr->num_reader_features,
                               &pr->has_reader_features, err);
  if (rc == MD_OK)
    rc = get_string_list(p, "writerFeatures", row, &pr->writer_features, &pr->num_writer_features,
                         &pr->has_writer_features, err);
  return rc;
}

static md_code read_txn(const struct_view *t, int64_t row, delta_commit *out, md_error *err) {
  delta_txn *txn = grow_one((void **)&out->txns, &out->num_txns, sizeof *txn);
  if (!txn) return nomem(err);
  txn->last_updated = -1;
  md_code rc = get_string(t, "appId", row, &txn->app_id, err);
  if (rc == MD_OK && !txn->app_id) rc = md_error_set(err, MD_ERR_CORRUPT, "txn without appId");
  get_int(t, "version", row, &txn->version);
  get_int(t, "lastUpdated", row, &txn->last_updated);
  return rc;
}

static md_code read_domain(const struct_view *d, int64_t row, delta_commit *out, md_error *err) {
  delta_domain_metadata *dm = grow_one((void **)&out->domains, &out->num_domains, sizeof *dm);
  if (!dm) return nomem(err);
  md_code rc = get_string(d, "domain", row, &dm->domain, err);
  if (rc == MD_OK) rc = get_string(d, "configuration", row, &dm->configuration, err);
  if (rc == MD_OK && !dm->domain) rc = md_error_set(err, MD_ERR_CORRUPT, "domainMetadata without domain");
  get_bool(d, "removed", row, &dm->removed);
  return rc;
}

/* The actions of one opened checkpoint part, appended to out. */
static md_code read_actions(md_parquet_reader *reader, delta_commit *out, md_error *err) {
  md_code rc = MD_OK;
  const md_schema *schema = md_parquet_reader_schema(reader);
  static const char *const wanted_names[] = {"add", "metaData", "protocol", "txn", "domainMetadata"};
  int wanted[5], kinds[5], num_wanted = 0;
  for (int k = 0; k < 5; k++) {
    int i = md_schema_find(schema, wanted_names[k]);
    if (i >= 0 && md_field_type(md_schema_field(schema, i)).id == MD_TYPE_STRUCT) {
      kinds[num_wanted] = k;
      wanted[num_wanted++] = i;
    }
  }
  for (int g = 0; rc == MD_OK && num_wanted && g < md_parquet_reader_num_row_groups(reader); g++) {
    md_batch *batch = NULL;
    rc = md_parquet_reader_read_row_group(reader, g, wanted, num_wanted, &batch, err);
    for (int c = 0; rc == MD_OK && c < num_wanted; c++) {
      struct_view view = {md_batch_column(batch, c), md_schema_field(md_batch_schema(batch), c)};
      for (int64_t row = 0; rc == MD_OK && row < md_batch_num_rows(batch); row++) {
        if (md_column_is_null(view.column, row)) continue;
        switch (kinds[c]) {
          case 0: rc = read_add(&view, row, out, err); break;
          case 1: rc = read_metadata(&view, row, out, err); break;
          case 2: rc = read_protocol(&view, row, out, err); break;
          case 3: rc = read_txn(&view, row, out, err); break;
          default: rc = read_domain(&view, row, out, err); break;
        }
        if (rc != MD_OK) md_error_context(err, "row group %d: row %lld: %s", g, (long long)row, wanted_names[kinds[c]]);
      }
    }
    md_batch_free(batch);
  }
  return rc;
}

static md_code read_part(const char *path, delta_commit *out, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open(path, &reader, err);
  if (rc == MD_OK) rc = read_actions(reader, out, err);
  md_parquet_reader_free(reader);
  return rc;
}

md_code delta_checkpoint_parse_memory(const uint8_t *data, size_t size, const char *name, delta_commit *out,
                                      md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open_memory(data, size, name, &reader, err);
  if (rc == MD_OK) rc = read_actions(reader, out, err);
  md_parquet_reader_free(reader);
  return rc;
}

md_code delta_checkpoint_read(const char *table_path, const delta_checkpoint *checkpoint, delta_commit *out,
                              md_error *err) {
  if (checkpoint->kind == DELTA_CHECKPOINT_UUID)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "_delta_log/%s: V2 checkpoints (reader feature v2Checkpoint) are not supported",
                        checkpoint->files[0]);
  delta_commit commit;
  memset(&commit, 0, sizeof commit);
  commit.version = checkpoint->version;
  md_code rc = MD_OK;
  for (size_t i = 0; rc == MD_OK && i < checkpoint->num_files; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/_delta_log/%s", table_path, checkpoint->files[i]);
    rc = read_part(path, &commit, err);
    if (rc != MD_OK) md_error_context(err, "_delta_log/%s", checkpoint->files[i]);
  }
  if (rc != MD_OK) {
    delta_commit_clear(&commit);
    return rc;
  }
  *out = commit;
  return MD_OK;
}
