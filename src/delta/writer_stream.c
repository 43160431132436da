/* writer_stream.c — md_delta_writer: a write whose batches arrive one at a
 * time (bronze copies whole source tables through it without holding them).
 *
 * An unpartitioned table gets one Parquet file, written under a temporary
 * name by the Parquet writer as batches come and renamed into the table
 * directory when the commit begins. Only then is the write planned on the
 * latest snapshot, exactly as md_delta_write plans it (delta_write_run), with
 * the file as its data: the schema checks need only the data's schema and
 * per-column null counts, which are kept as batches pass. A file that never
 * makes it into a commit is deleted, so the table never references it and
 * the directory keeps no orphan (short of a crash, which vacuum clears).
 *
 * Partitioned tables spread rows over one file per partition; rather than
 * keep a file open per partition, their batches are kept (shared, not
 * copied) and written at commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/snapshot.h"
#include "delta/write.h"
#include "medallion/parquet.h"

struct md_delta_writer {
  char *path; /* the table directory, without trailing slashes */
  md_schema *schema;
  md_delta_write_options options;
  bool ended; /* committed, or a commit failed */
  bool failed;
  int64_t rows;
  /* partitioned: the batches, shared */
  bool keep_batches;
  md_batch **batches;
  int count, capacity;
  /* unpartitioned: the data file being written */
  md_parquet_writer *file;
  char relative[80];
  char *full;
  int64_t *null_counts;
  bool file_kept; /* committed: the file belongs to the table now */
};

/* Does the table at path exist with partition columns? Unreadable: no (the
 * commit plans on the table again and reports what is wrong with it). */
static bool table_is_partitioned(const char *path) {
  if (!md_delta_is_table(path)) return false;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  bool partitioned = md_delta_table_open(path, &t, NULL) == MD_OK && md_delta_table_latest_version(t) >= 0 &&
                     md_delta_snapshot_at_version(t, -1, &s, NULL) == MD_OK &&
                     s->state.metadata.num_partition_columns > 0;
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return partitioned;
}

static md_code open_file(md_delta_writer *w, md_error *err) {
  char uuid[37];
  delta_random_uuid(uuid);
  snprintf(w->relative, sizeof w->relative, "part-00000-%s.c000.snappy.parquet", uuid);
  size_t size = strlen(w->path) + strlen(w->relative) + 2;
  w->full = malloc(size);
  w->null_counts = calloc((size_t)md_schema_num_fields(w->schema) + 1, sizeof *w->null_counts);
  if (!w->full || !w->null_counts) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  snprintf(w->full, size, "%s/%s", w->path, w->relative);
  mkdir(w->path, 0777); /* as md_delta_write does; a missing parent fails just below */
  return md_parquet_writer_open(w->full, w->schema, NULL, &w->file, err);
}

md_code md_delta_writer_open(const char *path, const md_schema *schema, const md_delta_write_options *options,
                             md_delta_writer **out, md_error *err) {
  if (!path || !schema || !out) return md_error_set(err, MD_ERR_INVALID, "md_delta_writer_open: NULL argument");
  md_delta_writer *w = calloc(1, sizeof *w);
  if (!w) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  w->path = strndup(path, n);
  w->schema = md_schema_copy(schema);
  if (options) w->options = *options;
  md_code rc = w->path && w->schema ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    w->keep_batches = w->options.num_partition_by > 0 || table_is_partitioned(w->path);
    if (!w->keep_batches) rc = open_file(w, err);
  }
  if (rc != MD_OK) {
    md_error_context(err, "%s", path);
    md_delta_writer_free(w);
    return rc;
  }
  *out = w;
  return MD_OK;
}

static md_code keep(md_delta_writer *w, const md_batch *batch, md_error *err) {
  if (w->count == w->capacity) {
    int capacity = w->capacity ? w->capacity * 2 : 16;
    md_batch **grown = realloc(w->batches, (size_t)capacity * sizeof *grown);
    if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    w->batches = grown;
    w->capacity = capacity;
  }
  md_code rc = md_batch_share(batch, &w->batches[w->count], err);
  if (rc == MD_OK) w->count++;
  return rc;
}

md_code md_delta_writer_append(md_delta_writer *w, const md_batch *batch, md_error *err) {
  if (!w || !batch) return md_error_set(err, MD_ERR_INVALID, "md_delta_writer_append: NULL argument");
  if (w->ended) return md_error_set(err, MD_ERR_INVALID, "%s: the write has ended", w->path);
  if (w->failed) return md_error_set(err, MD_ERR_INVALID, "%s: the write failed earlier", w->path);
  if (!md_schema_equal(md_batch_schema(batch), w->schema))
    return md_error_set(err, MD_ERR_SCHEMA, "%s: the batch's schema differs from the writer's", w->path);
  md_code rc = w->keep_batches ? keep(w, batch, err) : md_parquet_writer_write(w->file, batch, err);
  if (rc != MD_OK) {
    w->failed = true;
    return md_error_context(err, "%s", w->path);
  }
  for (int i = 0; !w->keep_batches && i < md_batch_num_columns(batch); i++)
    w->null_counts[i] += md_column_null_count(md_batch_column(batch, i));
  w->rows += md_batch_num_rows(batch);
  return MD_OK;
}

/* No batch at all still writes (a table with its columns and no rows). */
static md_code empty_batch(const md_schema *schema, md_batch **out, md_error *err) {
  int n = md_schema_num_fields(schema);
  md_column **columns = calloc((size_t)n + 1, sizeof *columns);
  md_schema *copy = md_schema_copy(schema);
  md_code rc = columns && copy ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; rc == MD_OK && i < n; i++)
    if (!(columns[i] = md_column_new_for_field(md_schema_field(schema, i))))
      rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    rc = md_batch_new(copy, columns, n, out, err);
  } else {
    for (int i = 0; columns && i < n; i++) md_column_free(columns[i]);
    md_schema_free(copy);
  }
  free(columns);
  return rc;
}

md_code md_delta_writer_commit(md_delta_writer *w, int64_t *version_out, md_error *err) {
  if (!w) return md_error_set(err, MD_ERR_INVALID, "md_delta_writer_commit: NULL argument");
  if (w->ended) return md_error_set(err, MD_ERR_INVALID, "%s: the write has ended", w->path);
  if (w->failed) return md_error_set(err, MD_ERR_INVALID, "%s: the write failed earlier", w->path);
  w->ended = true;
  md_code rc = MD_OK;
  if (w->keep_batches) {
    if (w->count == 0) {
      md_batch *none = NULL;
      rc = empty_batch(w->schema, &none, err);
      if (rc == MD_OK) {
        rc = md_delta_write(w->path, &none, 1, &w->options, version_out, err);
        md_batch_free(none);
      }
    } else {
      rc = md_delta_write(w->path, w->batches, w->count, &w->options, version_out, err);
    }
    return rc;
  }
  rc = md_parquet_writer_close(w->file, err);
  if (rc != MD_OK) return md_error_context(err, "%s", w->path);
  delta_write_data data = {.schema = w->schema,
                           .written_file = w->full,
                           .written_relative = w->relative,
                           .written_size = md_parquet_writer_file_size(w->file),
                           .null_counts = w->null_counts};
  rc = delta_write_run(w->path, &data, &w->options, version_out, err);
  /* Committed (or skipped, which removed it): the file is no longer ours to delete. */
  w->file_kept = rc == MD_OK;
  return rc;
}

int64_t md_delta_writer_rows(const md_delta_writer *w) { return w ? w->rows : 0; }

void md_delta_writer_free(md_delta_writer *w) {
  if (!w) return;
  md_parquet_writer_free(w->file); /* an unclosed file's temporary goes with it */
  if (w->full && !w->file_kept) remove(w->full);
  free(w->full);
  free(w->null_counts);
  for (int i = 0; i < w->count; i++) md_batch_free(w->batches[i]);
  free(w->batches);
  md_schema_free(w->schema);
  free(w->path);
  free(w);
}
