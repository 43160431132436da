/* scan.c — scanning Parquet files and Delta snapshots as a plan's source.
 *
 * Pruning happens twice, both times only to skip data that provably fails the
 * filter kept above the scan (scan_prune.c): whole Delta files by partition
 * values and add-action statistics, then row groups by their column chunk
 * statistics. Surviving row groups of a file are decoded several at a time on
 * the thread pool (the reader is read-only once opened), and handed out in
 * file and row group order so results do not depend on the thread count. */
#include <stdio.h>
#include <stdlib.h>

#include "plan_internal.h"
#include "scan_internal.h"

void scan_source_free(scan_source *source) {
  if (!source) return;
  strings_free(source->paths, source->num_paths);
  free(source);
}

md_code md_plan_scan_parquet(const char *const *paths, int num_paths, md_plan **out, md_error *err) {
  if (!paths || num_paths <= 0 || !out) return md_error_set(err, MD_ERR_INVALID, "scan: no Parquet files given");
  md_parquet_reader *reader = NULL;
  md_code code = md_parquet_reader_open(paths[0], &reader, err);
  if (code != MD_OK) return code;
  md_plan *plan = plan_new(PLAN_SOURCE, 0);
  if (plan) {
    plan->scan = calloc(1, sizeof *plan->scan);
    plan->source_schema = md_schema_copy(md_parquet_reader_schema(reader));
  }
  md_parquet_reader_free(reader);
  if (!plan || !plan->scan || !plan->source_schema || !(plan->scan->paths = strings_copy(paths, num_paths))) {
    md_plan_free(plan);
    return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  }
  plan->scan->num_paths = num_paths;
  *out = plan;
  return MD_OK;
}

md_code md_plan_scan_delta(const md_delta_snapshot *snapshot, md_plan **out, md_error *err) {
  if (!snapshot || !out) return md_error_set(err, MD_ERR_INVALID, "scan: NULL snapshot");
  md_plan *plan = plan_new(PLAN_SOURCE, 0);
  if (plan) {
    plan->scan = calloc(1, sizeof *plan->scan);
    plan->source_schema = md_schema_copy(md_delta_snapshot_schema(snapshot));
  }
  if (!plan || !plan->scan || !plan->source_schema) {
    md_plan_free(plan);
    return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  }
  plan->scan->snapshot = snapshot;
  *out = plan;
  return MD_OK;
}

/* ---------------------------------------------------------------- execution */

struct scan_state {
  const md_plan *plan;
  const scan_source *source;
  const md_schema *schema; /* output */
  thread_pool *pool;
  int64_t num_files, file;  /* file: the next one to open */
  int64_t reader_file;      /* the file reader reads */
  md_parquet_reader *reader;
  int row_group, num_row_groups;
  int *columns; /* Parquet: output column -> field of the current file */
  /* Per read slot, the reader's batch behind the last batch handed out from
   * it: its columns are refilled by the next read in that slot when the
   * consumer has let go of them by then (a filter or projection has), so
   * that a long scan decodes into the same warm memory instead of fresh
   * pages the kernel must fault in and zero for every row group. */
  md_batch *recycle[64];
  md_delta_scan *delta;
  md_scan_stats stats;
};

md_code scan_open(const md_plan *plan, const md_schema *schema, thread_pool *pool, scan_state **out, md_error *err) {
  scan_state *s = calloc(1, sizeof *s);
  int n = md_schema_num_fields(schema);
  if (!s || !(s->columns = calloc((size_t)n + 1, sizeof *s->columns))) {
    free(s);
    return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  }
  s->plan = plan;
  s->source = plan->scan;
  s->schema = schema;
  s->pool = pool;
  if (s->source->snapshot) {
    const char **names = calloc((size_t)n + 1, sizeof *names);
    if (!names) {
      scan_close(s);
      return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
    }
    for (int i = 0; i < n; i++) names[i] = md_field_name(md_schema_field(schema, i));
    md_code code = md_delta_scan_new(s->source->snapshot, names, n, &s->delta, err);
    free(names);
    if (code != MD_OK) {
      scan_close(s);
      return code;
    }
    s->num_files = md_delta_snapshot_num_files(s->source->snapshot);
  } else {
    s->num_files = s->source->num_paths;
  }
  s->stats.files_total = s->num_files;
  *out = s;
  return MD_OK;
}

void scan_close(scan_state *s) {
  if (!s) return;
  md_parquet_reader_free(s->reader);
  md_delta_scan_free(s->delta);
  for (int i = 0; i < 64; i++) md_batch_free(s->recycle[i]);
  free(s->columns);
  free(s);
}

void scan_add_stats(const scan_state *s, md_scan_stats *sum) {
  sum->files_total += s->stats.files_total;
  sum->files_read += s->stats.files_read;
  sum->row_groups_total += s->stats.row_groups_total;
  sum->row_groups_read += s->stats.row_groups_read;
  sum->rows_read += s->stats.rows_read;
}

/* ------------------------------------------------------- pruning lookups */

typedef struct file_lookup {
  const md_delta_snapshot *snapshot;
  const md_schema *table;
  int64_t file;
  md_delta_file_info info;
  uint8_t buf[512];
  uint8_t value[256];
} file_lookup;

/* A partition value's text as a scalar of type (ints, strings, dates). */
static bool partition_scalar(const char *text, md_type type, uint8_t *buf, size_t size, md_scalar *out) {
  memset(out, 0, sizeof *out);
  out->type = type;
  char *end = NULL;
  switch (type.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64:
      out->v.i = strtoll(text, &end, 10);
      return end != text && *end == '\0';
    case MD_TYPE_UTF8: {
      size_t n = strlen(text);
      if (n > size) return false;
      memcpy(buf, text, n);
      out->v.bytes.ptr = buf;
      out->v.bytes.length = (int64_t)n;
      return true;
    }
    case MD_TYPE_DATE32: {
      int y, m, d;
      char tail;
      if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
      out->v.i = days_from_civil(y, m, d);
      return true;
    }
    default: return false;
  }
}

static bool file_stats(void *ctx, const char *name, scan_col_stats *out) {
  file_lookup *f = ctx;
  memset(out, 0, sizeof *out);
  int index = md_schema_find(f->table, name);
  if (index < 0) return false;
  md_type type = md_field_type(md_schema_field(f->table, index));
  int parts = md_delta_snapshot_num_partition_columns(f->snapshot);
  for (int p = 0; p < parts; p++) {
    if (strcmp(md_delta_snapshot_partition_column(f->snapshot, p), name) != 0) continue;
    const char *text = md_delta_snapshot_file_partition_value(f->snapshot, f->file, name);
    if (!text || !*text) { /* null (an empty string is null for every type) */
      out->all_null = true;
      return true;
    }
    out->has_null_count = true;
    out->null_count = 0;
    out->has_min_max = partition_scalar(text, type, f->value, sizeof f->value, &out->min);
    out->max = out->min;
    return out->has_min_max;
  }
  return scan_delta_json_stats(f->info.stats, name, type, f->info.num_physical_records, f->buf, sizeof f->buf, out);
}

typedef struct row_group_lookup {
  const md_parquet_reader *reader;
  const md_schema *table; /* the scan's declared types */
  int row_group;
  md_parquet_chunk_info chunk;
} row_group_lookup;

static bool row_group_stats(void *ctx, const char *name, scan_col_stats *out) {
  row_group_lookup *r = ctx;
  int table_index = md_schema_find(r->table, name);
  int field = md_schema_find(md_parquet_reader_schema(r->reader), name);
  if (table_index < 0 || field < 0) return false;
  md_type want = md_field_type(md_schema_field(r->table, table_index));
  int found = -1, leaves = md_parquet_reader_num_leaves(r->reader);
  for (int l = 0; l < leaves; l++) {
    md_parquet_leaf_info leaf;
    if (md_parquet_reader_leaf(r->reader, l, &leaf, NULL) != MD_OK || leaf.top_level_field != field) continue;
    /* Nested fields have several leaves or repetition: no simple statistics. */
    if (found >= 0 || leaf.max_repetition_level > 0 || !md_type_equal(leaf.type, want)) return false;
    found = l;
  }
  if (found < 0 || md_parquet_reader_chunk(r->reader, r->row_group, found, &r->chunk, NULL) != MD_OK) return false;
  scan_parquet_chunk_stats(&r->chunk, md_parquet_reader_row_group_num_rows(r->reader, r->row_group), out);
  return true;
}

/* ------------------------------------------------------------- reading */

static const char *file_path(const scan_state *s, int64_t file) {
  return s->delta ? md_delta_scan_file_path(s->delta, file) : s->source->paths[file];
}

/* Opens the next file that pruning keeps; false at the end. */
static md_code open_next_file(scan_state *s, bool *opened, md_error *err) {
  *opened = false;
  const md_expr *predicate = s->plan->scan_predicate;
  while (s->file < s->num_files) {
    int64_t file = s->file++;
    if (s->delta && predicate) {
      file_lookup lookup = {.snapshot = s->source->snapshot, .table = md_delta_snapshot_schema(s->source->snapshot),
                            .file = file};
      if (md_delta_snapshot_file(s->source->snapshot, file, &lookup.info, err) != MD_OK) return err ? err->code : MD_ERR_INTERNAL;
      if (!scan_may_match(predicate, file_stats, &lookup)) continue;
    }
    md_parquet_reader_free(s->reader);
    s->reader = NULL;
    md_code code = md_parquet_reader_open(file_path(s, file), &s->reader, err);
    if (code != MD_OK) return code;
    if (!s->delta) { /* map the output columns onto this file's fields */
      const md_schema *fs = md_parquet_reader_schema(s->reader);
      for (int i = 0; i < md_schema_num_fields(s->schema); i++) {
        const md_field *want = md_schema_field(s->schema, i);
        int index = md_schema_find(fs, md_field_name(want));
        if (index < 0)
          return md_error_set(err, MD_ERR_SCHEMA, "%s: no column %s", file_path(s, file), md_field_name(want));
        if (!md_type_equal(md_field_type(md_schema_field(fs, index)), md_field_type(want))) {
          char a[64], b[64];
          md_type_to_string(md_field_type(md_schema_field(fs, index)), a, sizeof a);
          md_type_to_string(md_field_type(want), b, sizeof b);
          return md_error_set(err, MD_ERR_SCHEMA, "%s: column %s is %s, the scan expects %s", file_path(s, file),
                              md_field_name(want), a, b);
        }
        s->columns[i] = index;
      }
    }
    s->reader_file = file;
    s->row_group = 0;
    s->num_row_groups = md_parquet_reader_num_row_groups(s->reader);
    s->stats.files_read++;
    s->stats.row_groups_total += s->num_row_groups;
    *opened = true;
    return MD_OK;
  }
  return MD_OK;
}

typedef struct read_job {
  scan_state *s;
  int row_groups[64];
  md_batch *out[64];
  md_code codes[64];
  md_error errs[64];
} read_job;

static md_code read_parquet(scan_state *s, int slot, int row_group, md_batch **out, md_error *err) {
  md_batch *read = s->recycle[slot]; /* only columns nobody else holds are refilled */
  s->recycle[slot] = NULL;
  int n = md_schema_num_fields(s->schema);
  md_code code = md_parquet_reader_read_row_group_into(s->reader, row_group, s->columns, n, &read, err);
  if (code != MD_OK) return code;
  /* Re-label with the scan's schema (the file's may differ in metadata or nullability). */
  md_column **columns = calloc((size_t)n + 1, sizeof *columns);
  md_schema *schema = md_schema_copy(s->schema);
  if (!columns || !schema) {
    free(columns);
    md_schema_free(schema);
    md_batch_free(read);
    return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  }
  for (int i = 0; i < n; i++) columns[i] = md_column_ref(md_batch_column(read, i));
  s->recycle[slot] = read;
  code = md_batch_new(schema, columns, n, out, err);
  free(columns);
  return code;
}

static void read_task(void *ctx, int task) {
  read_job *job = ctx;
  scan_state *s = job->s;
  md_error_clear(&job->errs[task]);
  if (s->delta)
    job->codes[task] =
        md_delta_scan_read(s->delta, s->reader_file, s->reader, job->row_groups[task], &job->out[task], &job->errs[task]);
  else
    job->codes[task] = read_parquet(s, task, job->row_groups[task], &job->out[task], &job->errs[task]);
}

md_code scan_next_many(scan_state *s, md_batch **out, int max, int *count, md_error *err) {
  *count = 0;
  if (max > 64) max = 64;
  read_job *job = calloc(1, sizeof *job);
  if (!job) return md_error_set(err, MD_ERR_NOMEM, "scan: out of memory");
  job->s = s;
  int jobs = 0;
  md_code code = MD_OK;
  while (jobs == 0 && code == MD_OK) {
    if (!s->reader || s->row_group >= s->num_row_groups) {
      bool opened;
      if ((code = open_next_file(s, &opened, err)) != MD_OK || !opened) break;
    }
    row_group_lookup lookup = {.reader = s->reader, .table = s->delta ? md_delta_snapshot_schema(s->source->snapshot)
                                                                      : md_parquet_reader_schema(s->reader)};
    while (jobs < max && s->row_group < s->num_row_groups) {
      int rg = s->row_group++;
      lookup.row_group = rg;
      if (s->plan->scan_predicate && !scan_may_match(s->plan->scan_predicate, row_group_stats, &lookup)) continue;
      job->row_groups[jobs++] = rg;
    }
  }
  if (code == MD_OK && jobs > 0) {
    pool_run(s->pool, jobs, read_task, job);
    for (int i = 0; i < jobs; i++) {
      if (code == MD_OK && job->codes[i] != MD_OK) {
        code = job->codes[i];
        if (err) *err = job->errs[i];
      }
    }
    for (int i = 0; i < jobs; i++) {
      if (code != MD_OK) {
        md_batch_free(job->out[i]);
        continue;
      }
      s->stats.row_groups_read++;
      s->stats.rows_read += md_batch_num_rows(job->out[i]);
      out[(*count)++] = job->out[i];
    }
  }
  free(job);
  return code;
}
