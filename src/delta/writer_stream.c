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
 * A write that names its partition columns keeps one file open per
 * partition: each batch is split by partition values as it comes and each
 * part goes to its partition's file, so only the files' current row groups
 * (encoded and compressed) are held, never the rows. The files are handed to
 * the commit in partition-value order, as md_delta_write orders them. A
 * write into a partitioned table that does not name the columns keeps its
 * batches (shared, not copied) and writes them at commit. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delta/snapshot.h"
#include "delta/write.h"
#include "medallion/parquet.h"

/* Partitions of a batch written at once, at most. */
enum { MAX_PART_THREADS = 8 };

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
  /* partitioned with named columns: one open file per partition group */
  delta_partitioner *splitter;
  md_parquet_writer **part_files;
  char **part_full, **part_relative;
  int64_t *part_sizes;
  size_t num_parts;
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
  if (rc == MD_OK && w->options.num_partition_by > 0) {
    /* The commit checks these against the table's partition columns. */
    mkdir(w->path, 0777);
    w->null_counts = calloc((size_t)md_schema_num_fields(w->schema) + 1, sizeof *w->null_counts);
    rc = w->null_counts ? delta_partitioner_new(w->schema, (char *const *)w->options.partition_by,
                                                (size_t)w->options.num_partition_by, &w->splitter, err)
                        : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  } else if (rc == MD_OK) {
    w->keep_batches = table_is_partitioned(w->path);
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

/* Grows the per-group arrays to the partitioner's groups, opening a file
 * for each new one. */
static md_code open_part_files(md_delta_writer *w, md_error *err) {
  size_t n = delta_partitioner_num_groups(w->splitter);
  if (n <= w->num_parts) return MD_OK;
  md_parquet_writer **files = realloc(w->part_files, n * sizeof *files);
  if (files) w->part_files = files;
  char **full = files ? realloc(w->part_full, n * sizeof *full) : NULL;
  if (full) w->part_full = full;
  char **relative = full ? realloc(w->part_relative, n * sizeof *relative) : NULL;
  if (relative) w->part_relative = relative;
  int64_t *sizes = relative ? realloc(w->part_sizes, n * sizeof *sizes) : NULL;
  if (sizes) w->part_sizes = sizes;
  if (!sizes) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  for (; rc == MD_OK && w->num_parts < n; w->num_parts++) {
    size_t g = w->num_parts;
    w->part_files[g] = NULL;
    w->part_full[g] = w->part_relative[g] = NULL;
    w->part_sizes[g] = 0;
    rc = delta_partition_file_path(w->path, (char *const *)w->options.partition_by,
                                   delta_partitioner_values(w->splitter, g), (size_t)w->options.num_partition_by,
                                   &w->part_full[g], &w->part_relative[g], err);
    if (rc == MD_OK)
      rc = md_parquet_writer_open(w->part_full[g], delta_partitioner_file_schema(w->splitter), NULL,
                                  &w->part_files[g], err);
  }
  return rc;
}

/* A batch's partitions are written on several threads at once: each file is
 * written by one thread only, and the split is only read. */
typedef struct part_job {
  md_delta_writer *w;
  const md_batch *batch;
  atomic_size_t next;
  md_code *codes; /* per group */
  md_error *errors;
} part_job;

static void *write_some_parts(void *arg) {
  part_job *job = arg;
  md_delta_writer *w = job->w;
  for (size_t g = atomic_fetch_add(&job->next, 1); g < w->num_parts; g = atomic_fetch_add(&job->next, 1))
    if (delta_partitioner_group_rows(w->splitter, g) > 0)
      job->codes[g] = delta_partitioner_write(w->splitter, g, w->part_files[g], job->batch, &job->errors[g]);
  return NULL;
}

static md_code write_parts(md_delta_writer *w, const md_batch *batch, md_error *err) {
  md_code rc = delta_partitioner_split(w->splitter, batch, err);
  if (rc == MD_OK) rc = open_part_files(w, err);
  if (rc != MD_OK) return rc;
  part_job job = {.w = w, .batch = batch};
  job.codes = calloc(w->num_parts + 1, sizeof *job.codes);
  job.errors = calloc(w->num_parts + 1, sizeof *job.errors);
  if (!job.codes || !job.errors) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = cpus < 1 ? 1 : cpus > MAX_PART_THREADS ? MAX_PART_THREADS : (int)cpus;
  if ((size_t)threads > w->num_parts) threads = (int)w->num_parts;
  if (rc == MD_OK) {
    atomic_init(&job.next, 0);
    pthread_t extra[MAX_PART_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++, started++)
      if (pthread_create(&extra[started], NULL, write_some_parts, &job) != 0) break; /* fewer threads */
    write_some_parts(&job);
    for (int t = 0; t < started; t++) pthread_join(extra[t], NULL);
    for (size_t g = 0; rc == MD_OK && g < w->num_parts; g++) {
      rc = job.codes[g];
      if (rc != MD_OK && err) *err = job.errors[g];
    }
  }
  free(job.codes);
  free(job.errors);
  return rc;
}

md_code md_delta_writer_append(md_delta_writer *w, const md_batch *batch, md_error *err) {
  if (!w || !batch) return md_error_set(err, MD_ERR_INVALID, "md_delta_writer_append: NULL argument");
  if (w->ended) return md_error_set(err, MD_ERR_INVALID, "%s: the write has ended", w->path);
  if (w->failed) return md_error_set(err, MD_ERR_INVALID, "%s: the write failed earlier", w->path);
  if (!md_schema_equal(md_batch_schema(batch), w->schema))
    return md_error_set(err, MD_ERR_SCHEMA, "%s: the batch's schema differs from the writer's", w->path);
  md_code rc = w->keep_batches ? keep(w, batch, err)
               : w->splitter  ? write_parts(w, batch, err)
                              : md_parquet_writer_write(w->file, batch, err);
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

/* A part with its partition column count, for qsort's comparator. */
typedef struct sorted_part {
  delta_written_part part;
  size_t num_columns;
} sorted_part;

static int compare_parts(const void *pa, const void *pb) {
  const sorted_part *a = pa, *b = pb;
  return delta_partition_values_compare(a->part.values, b->part.values, a->num_columns);
}

/* Closes every partition's file and commits them, in partition-value order. */
static md_code commit_parts(md_delta_writer *w, int64_t *version_out, md_error *err) {
  md_code rc = MD_OK;
  for (size_t g = 0; rc == MD_OK && g < w->num_parts; g++) {
    rc = md_parquet_writer_close(w->part_files[g], err);
    if (rc == MD_OK) w->part_sizes[g] = md_parquet_writer_file_size(w->part_files[g]);
  }
  if (rc != MD_OK) return md_error_context(err, "%s", w->path);
  size_t num_columns = (size_t)w->options.num_partition_by;
  sorted_part *sorted = calloc(w->num_parts + 1, sizeof *sorted);
  delta_written_part *parts = calloc(w->num_parts + 1, sizeof *parts);
  if (!sorted || !parts) {
    free(sorted);
    free(parts);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (size_t g = 0; g < w->num_parts; g++)
    sorted[g] = (sorted_part){{w->part_full[g], w->part_relative[g], delta_partitioner_values(w->splitter, g),
                               w->part_sizes[g]},
                              num_columns};
  qsort(sorted, w->num_parts, sizeof *sorted, compare_parts);
  for (size_t g = 0; g < w->num_parts; g++) parts[g] = sorted[g].part;
  free(sorted);
  delta_write_data data = {.schema = w->schema,
                           .null_counts = w->null_counts,
                           .part_columns = (char *const *)w->options.partition_by,
                           .num_part_columns = num_columns,
                           .parts = parts,
                           .num_parts = w->num_parts};
  rc = delta_write_run(w->path, &data, &w->options, version_out, err);
  w->file_kept = rc == MD_OK;
  free(parts);
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
  if (w->splitter) return commit_parts(w, version_out, err);
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
  for (size_t g = 0; g < w->num_parts; g++) {
    md_parquet_writer_free(w->part_files[g]);
    if (w->part_full[g] && !w->file_kept) remove(w->part_full[g]);
    free(w->part_full[g]);
    free(w->part_relative[g]);
  }
  free(w->part_files);
  free(w->part_full);
  free(w->part_relative);
  free(w->part_sizes);
  delta_partitioner_free(w->splitter);
  if (w->full && !w->file_kept) remove(w->full);
  free(w->full);
  free(w->null_counts);
  for (int i = 0; i < w->count; i++) md_batch_free(w->batches[i]);
  free(w->batches);
  md_schema_free(w->schema);
  free(w->path);
  free(w);
}
