/* actions_json.c — parse one Delta commit file (newline-delimited JSON, one
 * action per line) into the action structs of log.h.
 *
 * Required fields are checked (a file action without a path cannot be
 * reconciled); unknown action kinds and unknown fields are ignored, as the
 * protocol asks of readers so that newer writers stay readable. */
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"

void delta_string_map_clear(delta_string_map *map) {
  for (size_t i = 0; i < map->count; i++) {
    free(map->pairs[i].key);
    free(map->pairs[i].value);
  }
  free(map->pairs);
  map->pairs = NULL;
  map->count = 0;
}

bool delta_string_map_find(const delta_string_map *map, const char *key, const char **value) {
  for (size_t i = 0; i < map->count; i++) {
    if (strcmp(map->pairs[i].key, key) == 0) {
      *value = map->pairs[i].value;
      return true;
    }
  }
  return false;
}

void delta_file_action_clear(delta_file_action *file) {
  free(file->path);
  free(file->decoded_path);
  free(file->dv_id);
  delta_dv_descriptor_clear(&file->dv);
  free(file->stats);
  delta_string_map_clear(&file->partition_values);
  memset(file, 0, sizeof *file);
}

static void free_strings(char **strings, size_t count) {
  for (size_t i = 0; i < count; i++) free(strings[i]);
  free(strings);
}

void delta_protocol_clear(delta_protocol *protocol) {
  free_strings(protocol->reader_features, protocol->num_reader_features);
  free_strings(protocol->writer_features, protocol->num_writer_features);
  memset(protocol, 0, sizeof *protocol);
}

bool delta_protocol_has_reader_feature(const delta_protocol *protocol, const char *feature) {
  for (size_t i = 0; i < protocol->num_reader_features; i++)
    if (strcmp(protocol->reader_features[i], feature) == 0) return true;
  return false;
}

void delta_metadata_clear(delta_metadata *metadata) {
  free(metadata->id);
  free(metadata->name);
  free(metadata->description);
  free(metadata->format_provider);
  free(metadata->schema_string);
  free_strings(metadata->partition_columns, metadata->num_partition_columns);
  delta_string_map_clear(&metadata->configuration);
  memset(metadata, 0, sizeof *metadata);
}

void delta_commit_info_clear(delta_commit_info *info) {
  free(info->operation);
  free(info->operation_parameters);
  free(info->engine_info);
  free(info->json);
  memset(info, 0, sizeof *info);
}

void delta_commit_clear(delta_commit *commit) {
  for (size_t i = 0; i < commit->num_adds; i++) delta_file_action_clear(&commit->adds[i]);
  free(commit->adds);
  for (size_t i = 0; i < commit->num_removes; i++) delta_file_action_clear(&commit->removes[i]);
  free(commit->removes);
  delta_protocol_clear(&commit->protocol);
  delta_metadata_clear(&commit->metadata);
  for (size_t i = 0; i < commit->num_txns; i++) free(commit->txns[i].app_id);
  free(commit->txns);
  for (size_t i = 0; i < commit->num_domains; i++) {
    free(commit->domains[i].domain);
    free(commit->domains[i].configuration);
  }
  free(commit->domains);
  delta_commit_info_clear(&commit->commit_info);
  memset(commit, 0, sizeof *commit);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

md_code delta_url_decode(const char *in, char **out, md_error *err) {
  size_t n = strlen(in);
  char *decoded = malloc(n + 1);
  if (!decoded) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    if (in[i] != '%') {
      decoded[j++] = in[i];
      continue;
    }
    int hi = i + 2 < n ? hex_value(in[i + 1]) : -1;
    int lo = i + 2 < n ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      free(decoded);
      return md_error_set(err, MD_ERR_CORRUPT, "path '%s': malformed percent escape at byte %zu", in, i);
    }
    decoded[j++] = (char)(hi * 16 + lo);
    i += 2;
  }
  decoded[j] = '\0';
  *out = decoded;
  return MD_OK;
}

/* A copy of the JSON string value (strings may hold NUL; the copy stops there,
 * which is fine for every Delta field we keep). */
static char *dup_string(const delta_json_value *v) {
  char *s = malloc(v->len + 1);
  if (s) {
    memcpy(s, v->str, v->len);
    s[v->len] = '\0';
  }
  return s;
}

static md_code nomem(md_error *err) { return md_error_set(err, MD_ERR_NOMEM, "out of memory"); }

/* Optional string field: absent or null leaves *out NULL; another type is an error. */
static md_code opt_string(const delta_json_value *obj, const char *key, char **out, md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind == DELTA_JSON_NULL) return MD_OK;
  if (v->kind != DELTA_JSON_STRING)
    return md_error_set(err, MD_ERR_CORRUPT, "%s: expected a string, found %s", key, delta_json_kind_name(v->kind));
  *out = dup_string(v);
  return *out ? MD_OK : nomem(err);
}

static md_code req_string(const delta_json_value *obj, const char *key, char **out, md_error *err) {
  md_code rc = opt_string(obj, key, out, err);
  if (rc == MD_OK && !*out) return md_error_set(err, MD_ERR_CORRUPT, "missing %s", key);
  return rc;
}

static md_code opt_int(const delta_json_value *obj, const char *key, int64_t *out, md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind == DELTA_JSON_NULL) return MD_OK;
  if (v->kind != DELTA_JSON_INT)
    return md_error_set(err, MD_ERR_CORRUPT, "%s: expected an integer, found %s", key, delta_json_kind_name(v->kind));
  *out = v->num.i;
  return MD_OK;
}

static md_code opt_bool(const delta_json_value *obj, const char *key, bool *out, md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind == DELTA_JSON_NULL) return MD_OK;
  if (v->kind != DELTA_JSON_BOOL)
    return md_error_set(err, MD_ERR_CORRUPT, "%s: expected a boolean, found %s", key, delta_json_kind_name(v->kind));
  *out = v->num.b;
  return MD_OK;
}

/* JSON text of a member (objects kept verbatim, e.g. operationParameters). */
static md_code opt_json_text(const delta_json_value *obj, const char *key, char **out, md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v) return MD_OK;
  delta_buf buf;
  delta_buf_init(&buf);
  delta_json_write_value(&buf, v);
  *out = delta_buf_take(&buf, NULL);
  return *out ? MD_OK : nomem(err);
}

/* An object of string (or null) values: partitionValues, configuration. */
static md_code string_map(const delta_json_value *obj, const char *key, delta_string_map *out, md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind == DELTA_JSON_NULL) return MD_OK;
  if (v->kind != DELTA_JSON_OBJECT)
    return md_error_set(err, MD_ERR_CORRUPT, "%s: expected an object, found %s", key, delta_json_kind_name(v->kind));
  if (v->count == 0) return MD_OK;
  out->pairs = calloc(v->count, sizeof *out->pairs);
  if (!out->pairs) return nomem(err);
  for (size_t i = 0; i < v->count; i++) {
    const delta_json_member *m = &v->members[i];
    if (m->value.kind != DELTA_JSON_STRING && m->value.kind != DELTA_JSON_NULL)
      return md_error_set(err, MD_ERR_CORRUPT, "%s.%s: expected a string or null, found %s", key, m->key,
                          delta_json_kind_name(m->value.kind));
    out->pairs[i].key = strdup(m->key);
    out->count = i + 1;
    if (!out->pairs[i].key) return nomem(err);
    if (m->value.kind == DELTA_JSON_STRING && !(out->pairs[i].value = dup_string(&m->value))) return nomem(err);
  }
  return MD_OK;
}

static md_code string_array(const delta_json_value *obj, const char *key, char ***out, size_t *count, bool *present,
                            md_error *err) {
  const delta_json_value *v = delta_json_get(obj, key);
  if (!v || v->kind == DELTA_JSON_NULL) return MD_OK;
  if (v->kind != DELTA_JSON_ARRAY)
    return md_error_set(err, MD_ERR_CORRUPT, "%s: expected an array, found %s", key, delta_json_kind_name(v->kind));
  if (present) *present = true;
  if (v->count == 0) return MD_OK;
  *out = calloc(v->count, sizeof **out);
  if (!*out) return nomem(err);
  for (size_t i = 0; i < v->count; i++) {
    if (v->items[i].kind != DELTA_JSON_STRING)
      return md_error_set(err, MD_ERR_CORRUPT, "%s[%zu]: expected a string", key, i);
    (*out)[i] = dup_string(&v->items[i]);
    *count = i + 1;
    if (!(*out)[i]) return nomem(err);
  }
  return MD_OK;
}

/* The protocol identifies a deletion vector by its storage type, path or
 * inline data, and offset; two actions on one path with different DVs are
 * different logical files. */
static md_code deletion_vector(const delta_json_value *obj, delta_file_action *file, md_error *err) {
  const delta_json_value *dv = delta_json_get(obj, "deletionVector");
  if (!dv || dv->kind == DELTA_JSON_NULL) return MD_OK;
  if (dv->kind != DELTA_JSON_OBJECT) return md_error_set(err, MD_ERR_CORRUPT, "deletionVector: expected an object");
  const char *storage = delta_json_get_string(dv, "storageType");
  const char *where = delta_json_get_string(dv, "pathOrInlineDv");
  if (!storage || !where) return md_error_set(err, MD_ERR_CORRUPT, "deletionVector: missing storageType or pathOrInlineDv");
  if (strlen(storage) != 1) return md_error_set(err, MD_ERR_CORRUPT, "deletionVector: bad storageType '%s'", storage);
  delta_dv_descriptor *d = &file->dv;
  d->offset = d->size_in_bytes = d->cardinality = -1;
  md_code rc = opt_int(dv, "offset", &d->offset, err);
  if (rc == MD_OK) rc = opt_int(dv, "sizeInBytes", &d->size_in_bytes, err);
  if (rc == MD_OK) rc = opt_int(dv, "cardinality", &d->cardinality, err);
  if (rc != MD_OK) return md_error_context(err, "deletionVector");
  d->storage_type = storage[0];
  d->path_or_inline = strdup(where);
  file->dv_cardinality = d->cardinality;
  file->dv_id = d->path_or_inline ? delta_dv_unique_id(d) : NULL;
  return file->dv_id ? MD_OK : nomem(err);
}

static md_code file_action(const delta_json_value *obj, bool is_add, delta_file_action *file, md_error *err) {
  memset(file, 0, sizeof *file);
  file->size = -1;
  file->modification_time = -1;
  file->deletion_timestamp = -1;
  file->data_change = true;
  md_code rc = req_string(obj, "path", &file->path, err);
  if (rc == MD_OK) rc = delta_url_decode(file->path, &file->decoded_path, err);
  if (rc == MD_OK) rc = string_map(obj, "partitionValues", &file->partition_values, err);
  if (rc == MD_OK) rc = opt_int(obj, "size", &file->size, err);
  if (rc == MD_OK) rc = opt_int(obj, "modificationTime", &file->modification_time, err);
  if (rc == MD_OK) rc = opt_int(obj, "deletionTimestamp", &file->deletion_timestamp, err);
  if (rc == MD_OK) rc = opt_bool(obj, "dataChange", &file->data_change, err);
  if (rc == MD_OK) rc = opt_string(obj, "stats", &file->stats, err);
  if (rc == MD_OK) rc = deletion_vector(obj, file, err);
  if (rc == MD_OK && is_add && file->size < 0) rc = md_error_set(err, MD_ERR_CORRUPT, "missing size");
  if (rc != MD_OK && file->path) md_error_context(err, "%s", file->path);
  return rc;
}

static md_code protocol_action(const delta_json_value *obj, delta_protocol *out, md_error *err) {
  int64_t reader = 0, writer = 0;
  md_code rc = opt_int(obj, "minReaderVersion", &reader, err);
  if (rc == MD_OK) rc = opt_int(obj, "minWriterVersion", &writer, err);
  if (rc != MD_OK) return rc;
  if (reader < 1 || reader > INT32_MAX || writer < 1 || writer > INT32_MAX)
    return md_error_set(err, MD_ERR_CORRUPT, "invalid minReaderVersion/minWriterVersion");
  out->min_reader_version = (int32_t)reader;
  out->min_writer_version = (int32_t)writer;
  rc = string_array(obj, "readerFeatures", &out->reader_features, &out->num_reader_features,
                    &out->has_reader_features, err);
  if (rc == MD_OK)
    rc = string_array(obj, "writerFeatures", &out->writer_features, &out->num_writer_features,
                      &out->has_writer_features, err);
  return rc;
}

static md_code metadata_action(const delta_json_value *obj, delta_metadata *out, md_error *err) {
  out->created_time = -1;
  md_code rc = req_string(obj, "id", &out->id, err);
  if (rc == MD_OK) rc = opt_string(obj, "name", &out->name, err);
  if (rc == MD_OK) rc = opt_string(obj, "description", &out->description, err);
  if (rc == MD_OK) rc = req_string(obj, "schemaString", &out->schema_string, err);
  if (rc == MD_OK)
    rc = string_array(obj, "partitionColumns", &out->partition_columns, &out->num_partition_columns, NULL, err);
  if (rc == MD_OK) rc = string_map(obj, "configuration", &out->configuration, err);
  if (rc == MD_OK) rc = opt_int(obj, "createdTime", &out->created_time, err);
  const delta_json_value *format = delta_json_get(obj, "format");
  if (rc == MD_OK && format) rc = opt_string(format, "provider", &out->format_provider, err);
  return rc;
}

static md_code commit_info_action(const delta_json_value *obj, delta_commit_info *out, md_error *err) {
  out->present = true;
  out->timestamp = -1;
  out->in_commit_timestamp = -1;
  md_code rc = opt_int(obj, "timestamp", &out->timestamp, err);
  if (rc == MD_OK) rc = opt_int(obj, "inCommitTimestamp", &out->in_commit_timestamp, err);
  if (rc == MD_OK) rc = opt_string(obj, "operation", &out->operation, err);
  if (rc == MD_OK) rc = opt_json_text(obj, "operationParameters", &out->operation_parameters, err);
  if (rc == MD_OK) rc = opt_string(obj, "engineInfo", &out->engine_info, err);
  if (rc == MD_OK) {
    delta_buf buf;
    delta_buf_init(&buf);
    delta_json_write_value(&buf, obj);
    out->json = delta_buf_take(&buf, NULL);
    if (!out->json) rc = nomem(err);
  }
  return rc;
}

/* Grows *array (of element size elem) by one zeroed slot; returns it or NULL. */
static void *append_slot(void **array, size_t *count, size_t elem) {
  size_t n = *count + 1;
  /* capacity is the smallest power of two >= count: full when count is one */
  if (*count == 0 || (*count & (*count - 1)) == 0) {
    size_t cap = 1;
    while (cap < n) cap *= 2;
    void *grown = realloc(*array, cap * elem);
    if (!grown) return NULL;
    *array = grown;
  }
  void *slot = (char *)*array + *count * elem;
  memset(slot, 0, elem);
  *count = n;
  return slot;
}

static md_code one_action(const delta_json_value *line, delta_commit *out, md_error *err) {
  for (size_t i = 0; i < line->count; i++) {
    const char *kind = line->members[i].key;
    const delta_json_value *body = &line->members[i].value;
    if (body->kind == DELTA_JSON_NULL) continue;
    bool known = strcmp(kind, "add") == 0 || strcmp(kind, "remove") == 0 || strcmp(kind, "protocol") == 0 ||
                 strcmp(kind, "metaData") == 0 || strcmp(kind, "commitInfo") == 0 || strcmp(kind, "txn") == 0 ||
                 strcmp(kind, "cdc") == 0 || strcmp(kind, "domainMetadata") == 0 ||
                 strcmp(kind, "checkpointMetadata") == 0 || strcmp(kind, "sidecar") == 0;
    if (!known) continue;
    if (body->kind != DELTA_JSON_OBJECT) return md_error_set(err, MD_ERR_CORRUPT, "%s: expected an object", kind);
    md_code rc = MD_OK;
    if (strcmp(kind, "add") == 0 || strcmp(kind, "remove") == 0) {
      bool is_add = kind[0] == 'a';
      delta_file_action *slot = is_add ? append_slot((void **)&out->adds, &out->num_adds, sizeof *slot)
                                       : append_slot((void **)&out->removes, &out->num_removes, sizeof *slot);
      if (!slot) return nomem(err);
      rc = file_action(body, is_add, slot, err);
    } else if (strcmp(kind, "protocol") == 0) {
      delta_protocol_clear(&out->protocol);
      out->has_protocol = true;
      rc = protocol_action(body, &out->protocol, err);
    } else if (strcmp(kind, "metaData") == 0) {
      delta_metadata_clear(&out->metadata);
      out->has_metadata = true;
      rc = metadata_action(body, &out->metadata, err);
    } else if (strcmp(kind, "commitInfo") == 0) {
      delta_commit_info_clear(&out->commit_info);
      rc = commit_info_action(body, &out->commit_info, err);
    } else if (strcmp(kind, "txn") == 0) {
      delta_txn *txn = append_slot((void **)&out->txns, &out->num_txns, sizeof *txn);
      if (!txn) return nomem(err);
      txn->last_updated = -1;
      rc = req_string(body, "appId", &txn->app_id, err);
      if (rc == MD_OK) rc = opt_int(body, "version", &txn->version, err);
      if (rc == MD_OK) rc = opt_int(body, "lastUpdated", &txn->last_updated, err);
    } else if (strcmp(kind, "domainMetadata") == 0) {
      delta_domain_metadata *dm = append_slot((void **)&out->domains, &out->num_domains, sizeof *dm);
      if (!dm) return nomem(err);
      rc = req_string(body, "domain", &dm->domain, err);
      if (rc == MD_OK) rc = opt_string(body, "configuration", &dm->configuration, err);
      if (rc == MD_OK) rc = opt_bool(body, "removed", &dm->removed, err);
    } else if (strcmp(kind, "cdc") == 0) {
      out->num_cdc++; /* change data files never belong to a snapshot */
    } else if (strcmp(kind, "checkpointMetadata") == 0) {
      out->has_checkpoint_metadata = true;
    } else {
      out->num_sidecars++;
    }
    if (rc != MD_OK) return md_error_context(err, "%s", kind);
  }
  return MD_OK;
}

md_code delta_commit_parse(const char *text, size_t len, const char *name, delta_commit *out, md_error *err) {
  delta_commit commit;
  memset(&commit, 0, sizeof commit);
  size_t pos = 0;
  int line_no = 0;
  md_code rc = MD_OK;
  while (pos < len && rc == MD_OK) {
    line_no++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t start = pos;
    pos = end + 1;
    bool blank = true;
    for (size_t i = start; i < end && blank; i++)
      blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\r';
    if (blank) continue;
    delta_json_doc *doc = NULL;
    rc = delta_json_parse(text + start, end - start, &doc, err);
    if (rc == MD_OK) {
      const delta_json_value *root = delta_json_root(doc);
      if (root->kind != DELTA_JSON_OBJECT) rc = md_error_set(err, MD_ERR_CORRUPT, "an action must be a JSON object");
      else rc = one_action(root, &commit, err);
    }
    delta_json_doc_free(doc);
    if (rc != MD_OK) md_error_context(err, "%s: line %d", name, line_no);
  }
  if (rc != MD_OK) {
    delta_commit_clear(&commit);
    return rc;
  }
  *out = commit;
  return MD_OK;
}
