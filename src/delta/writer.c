/* writer.c — md_delta_write: one data file and one atomic commit per call.
 *
 * The commit is built from what the snapshot we read said (version, live
 * files, txn versions), then published with delta_commit_publish; if another
 * writer took that version first we re-read the log and try again, since
 * blind appends never conflict and an overwrite simply removes what is live
 * at the version it lands on. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "delta/snapshot.h"
#include "medallion/parquet.h"

enum { COMMIT_ATTEMPTS = 5 };

static void random_uuid(char out[37]) {
  unsigned char b[16] = {0};
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, b, sizeof b) != (ssize_t)sizeof b) memset(b, 0, sizeof b);
    close(fd);
  }
  struct timeval tv;
  gettimeofday(&tv, NULL);
  b[0] ^= (unsigned char)tv.tv_usec; /* never all zero even without /dev/urandom */
  b[1] ^= (unsigned char)getpid();
  b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
           b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int64_t now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static md_code check_schema(const md_schema *table, const md_schema *data, md_error *err) {
  for (int i = 0; i < md_schema_num_fields(data); i++) {
    const md_field *f = md_schema_field(data, i);
    int j = md_schema_find(table, md_field_name(f));
    if (j < 0) return md_error_set(err, MD_ERR_SCHEMA, "column %s is not in the table", md_field_name(f));
    md_type want = md_field_type(md_schema_field(table, j)), have = md_field_type(f);
    if (!md_type_equal(want, have)) {
      char a[64], b[64];
      md_type_to_string(want, a, sizeof a);
      md_type_to_string(have, b, sizeof b);
      return md_error_set(err, MD_ERR_SCHEMA, "column %s: the table has %s, the data %s", md_field_name(f), a, b);
    }
  }
  if (!md_schema_equal(table, data))
    return md_error_set(err, MD_ERR_SCHEMA, "the data's columns differ from the table's (order, nullability or missing columns)");
  return MD_OK;
}

/* Writes the batches to <table>/part-00000-<uuid>.c000.snappy.parquet. */
static md_code write_data_file(const char *table_path, md_batch *const *batches, int num_batches, char **name_out,
                               int64_t *size_out, int64_t *rows_out, md_error *err) {
  char uuid[37], name[128], path[4400];
  random_uuid(uuid);
  snprintf(name, sizeof name, "part-00000-%s.c000.snappy.parquet", uuid);
  snprintf(path, sizeof path, "%s/%s", table_path, name);
  md_parquet_writer *writer = NULL;
  md_code rc = md_parquet_writer_open(path, md_batch_schema(batches[0]), NULL, &writer, err);
  int64_t rows = 0;
  for (int i = 0; rc == MD_OK && i < num_batches; i++) {
    rc = md_parquet_writer_write(writer, batches[i], err);
    rows += md_batch_num_rows(batches[i]);
  }
  if (rc == MD_OK) rc = md_parquet_writer_close(writer, err);
  if (rc == MD_OK) *size_out = md_parquet_writer_file_size(writer);
  md_parquet_writer_free(writer);
  if (rc != MD_OK) return rc;
  *name_out = strdup(name);
  *rows_out = rows;
  return *name_out ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
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

/* The commit text for version (snapshot NULL when the table is new). */
static md_code build_commit(const md_delta_snapshot *snapshot, const md_schema *schema,
                            const md_delta_write_options *o, const char *file, int64_t size, int64_t rows,
                            delta_buf *buf, md_error *err) {
  int64_t now = now_ms();
  delta_buf_printf(buf, "{\"commitInfo\":{\"timestamp\":%lld,\"operation\":\"%s\",", (long long)now,
                   snapshot ? "WRITE" : "CREATE TABLE");
  delta_buf_printf(buf, "\"operationParameters\":{\"mode\":\"%s\",\"partitionBy\":\"[]\"},", mode_name(o->mode));
  delta_buf_printf(buf, "\"engineInfo\":\"medallion/%s\",\"isBlindAppend\":%s", md_version(),
                   o->mode == MD_DELTA_APPEND && snapshot ? "true" : "false");
  for (int i = 0; o->commit_metadata && i < md_metadata_count(o->commit_metadata); i++) {
    const char *k = md_metadata_key(o->commit_metadata, i), *v = md_metadata_value(o->commit_metadata, i);
    delta_buf_append_char(buf, ',');
    delta_json_write_string(buf, k, strlen(k));
    delta_buf_append_char(buf, ':');
    delta_json_write_string(buf, v, strlen(v));
  }
  delta_buf_append_str(buf, "}}\n");
  if (!snapshot) {
    char uuid[37];
    random_uuid(uuid);
    delta_buf_append_str(buf, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n");
    delta_buf t;
    delta_buf_init(&t);
    md_code rc = delta_schema_to_json(schema, &t, err);
    if (rc != MD_OK) {
      delta_buf_free(&t);
      return rc;
    }
    delta_buf_printf(buf, "{\"metaData\":{\"id\":\"%s\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":", uuid);
    delta_json_write_string(buf, t.data, t.len);
    delta_buf_printf(buf, ",\"partitionColumns\":[],\"configuration\":{},\"createdTime\":%lld}}\n", (long long)now);
    delta_buf_free(&t);
  }
  if (o->app_id) {
    delta_buf_append_str(buf, "{\"txn\":{\"appId\":");
    delta_json_write_string(buf, o->app_id, strlen(o->app_id));
    delta_buf_printf(buf, ",\"version\":%lld,\"lastUpdated\":%lld}}\n", (long long)o->txn_version, (long long)now);
  }
  if (snapshot && o->mode == MD_DELTA_OVERWRITE) {
    for (size_t i = 0; i < snapshot->state.num_files; i++) {
      delta_buf_append_str(buf, "{\"remove\":{\"path\":");
      const char *p = snapshot->state.files[i].path;
      delta_json_write_string(buf, p, strlen(p));
      delta_buf_printf(buf, ",\"deletionTimestamp\":%lld,\"dataChange\":true,\"extendedFileMetadata\":false,\"size\":%lld}}\n",
                       (long long)now, (long long)snapshot->state.files[i].size);
    }
  }
  if (file) {
    char stats[64];
    snprintf(stats, sizeof stats, "{\"numRecords\":%lld}", (long long)rows);
    delta_buf_append_str(buf, "{\"add\":{\"path\":");
    delta_json_write_string(buf, file, strlen(file));
    delta_buf_printf(buf, ",\"partitionValues\":{},\"size\":%lld,\"modificationTime\":%lld,\"dataChange\":true,\"stats\":",
                     (long long)size, (long long)now);
    delta_json_write_string(buf, stats, strlen(stats));
    delta_buf_append_str(buf, "}}\n");
  }
  return delta_buf_failed(buf) ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : MD_OK;
}

/* One attempt: read the latest snapshot, decide, publish. *retry is set when
 * another writer took the version. */
static md_code write_once(const char *path, md_batch *const *batches, int num_batches, const md_delta_write_options *o,
                          char **file, int64_t *size, int64_t *rows, int64_t *version_out, bool *retry, md_error *err) {
  *retry = false;
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_code rc = MD_OK;
  if (md_delta_is_table(path)) {
    rc = md_delta_table_open(path, &table, err);
    if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, -1, &snapshot, err);
  }
  const md_schema *schema = md_batch_schema(batches[0]);
  int64_t version = snapshot ? md_delta_snapshot_version(snapshot) + 1 : 0;
  bool skip = false;
  if (rc == MD_OK && snapshot) {
    if (o->mode == MD_DELTA_ERROR_IF_EXISTS) rc = md_error_set(err, MD_ERR_INVALID, "%s: the table already exists", path);
    else if (o->mode == MD_DELTA_IGNORE) skip = true;
    else if (o->app_id && md_delta_snapshot_txn_version(snapshot, o->app_id) >= o->txn_version) skip = true;
    else rc = check_schema(md_delta_snapshot_schema(snapshot), schema, err);
  }
  if (rc == MD_OK && skip) {
    if (version_out) *version_out = version - 1;
  } else if (rc == MD_OK) {
    if (!*file) {
      mkdir(path, 0777);
      rc = write_data_file(path, batches, num_batches, file, size, rows, err);
    }
    delta_buf buf;
    delta_buf_init(&buf);
    if (rc == MD_OK) rc = build_commit(snapshot, schema, o, *file, *size, *rows, &buf, err);
    if (rc == MD_OK) {
      rc = delta_commit_publish(path, version, buf.data, buf.len, err);
      if (rc == MD_ERR_INVALID) *retry = true;
      else if (rc == MD_OK && version_out) *version_out = version;
    }
    delta_buf_free(&buf);
  }
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
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
  char *file = NULL;
  int64_t size = 0, rows = 0;
  md_code rc = MD_OK;
  bool retry = true;
  for (int attempt = 0; retry && attempt < COMMIT_ATTEMPTS; attempt++)
    rc = write_once(path, batches, num_batches, o, &file, &size, &rows, version_out, &retry, err);
  if (rc != MD_OK && file) { /* nothing references the data file: remove it */
    char full[4400];
    snprintf(full, sizeof full, "%s/%s", path, file);
    unlink(full);
  }
  free(file);
  return rc;
}
