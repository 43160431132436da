/* parquet_folder.c — the development source: a folder with one <table>.parquet
 * per table (PIPELINE.md §1), read through the Parquet reader.
 *
 * Projection goes down to the reader (only wanted column chunks are decoded).
 * The watermark first prunes whole row groups by UPDATED_AT's statistics (a
 * group whose greatest value is not past the mark holds no row to keep: an
 * incremental run over a source that appends its changes reads only its last
 * groups), then filters the rows of the groups it reads. Batches are the
 * files' row groups. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "source_internal.h"

typedef struct folder {
  char *dir;
} folder;

static void folder_free(void *impl) {
  folder *f = impl;
  if (!f) return;
  free(f->dir);
  free(f);
}

static md_code open_table(md_source *source, int table, md_parquet_reader **out, md_error *err) {
  folder *f = source->impl;
  size_t size = strlen(f->dir) + strlen(source->tables[table]) + 16;
  char *path = malloc(size);
  if (!path) return md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  snprintf(path, size, "%s/%s.parquet", f->dir, source->tables[table]);
  md_code code = md_parquet_reader_open(path, out, err);
  free(path);
  return code;
}

static md_code folder_table_schema(md_source *source, int table, md_schema **out, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code code = open_table(source, table, &reader, err);
  if (code != MD_OK) return code;
  md_schema *schema = md_schema_copy(md_parquet_reader_schema(reader));
  md_parquet_reader_free(reader);
  if (!schema) return md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  *out = schema;
  return MD_OK;
}

typedef struct folder_stream {
  md_parquet_reader *reader;
  char *table;
  int row_group;
  int *read_columns;     /* indices into the file's schema, for the reader */
  int num_read;
  int *keep;             /* positions in the read batch: 0..num_projected-1 */
  int num_projected;
  int updated_at;        /* position of UPDATED_AT in the read batch, or -1 */
  int updated_leaf;      /* UPDATED_AT's leaf, whose statistics prune row groups, or -1 */
  int64_t watermark;
} folder_stream;

static void folder_stream_free(void *impl) {
  folder_stream *s = impl;
  if (!s) return;
  md_parquet_reader_free(s->reader);
  free(s->table);
  free(s->read_columns);
  free(s->keep);
  free(s);
}

/* True when row group's statistics prove every UPDATED_AT in it null or not
 * past the watermark. Missing or unreadable statistics prove nothing. */
static bool group_before_watermark(const folder_stream *s, int row_group) {
  if (s->updated_leaf < 0) return false;
  md_parquet_chunk_info info;
  if (md_parquet_reader_chunk(s->reader, row_group, s->updated_leaf, &info, NULL) != MD_OK) return false;
  if (info.has_null_count && info.null_count == info.num_values) return true;
  return info.has_min_max && !info.max.is_null && info.max.v.i <= s->watermark;
}

static md_code folder_stream_next(md_source_stream *stream, md_batch **out, md_error *err) {
  folder_stream *s = stream->impl;
  while (s->row_group < md_parquet_reader_num_row_groups(s->reader)) {
    if (group_before_watermark(s, s->row_group)) {
      s->row_group++;
      continue;
    }
    md_batch *batch = NULL;
    md_code code = md_parquet_reader_read_row_group(s->reader, s->row_group++, s->read_columns, s->num_read,
                                                    &batch, err);
    if (code != MD_OK) return code;
    md_batch *selected = NULL;
    code = source_select(batch, s->keep, s->num_projected, stream->schema, s->updated_at, s->watermark,
                         &selected, err);
    if (code != MD_OK) return code;
    if (md_batch_num_rows(selected) > 0) {
      *out = selected;
      return MD_OK;
    }
    md_batch_free(selected);
  }
  *out = NULL;
  return MD_OK;
}

static const stream_vtable folder_stream_vtable = {folder_stream_next, folder_stream_free};

/* The leaf of top-level field `field` when it is a flat INT64 timestamp
 * column (what the watermark compares), else -1. */
static int timestamp_leaf(const md_parquet_reader *reader, int field) {
  for (int leaf = 0; leaf < md_parquet_reader_num_leaves(reader); leaf++) {
    md_parquet_leaf_info info;
    if (md_parquet_reader_leaf(reader, leaf, &info, NULL) != MD_OK || info.top_level_field != field) continue;
    /* INT64 only: INT96 timestamps have no usable order in their statistics. */
    bool flat = info.max_repetition_level == 0 && info.max_definition_level <= 1;
    return flat && info.type.id == MD_TYPE_TIMESTAMP && strcmp(info.physical_type, "INT64") == 0 ? leaf : -1;
  }
  return -1;
}

static md_code folder_scan(md_source *source, int table, const md_source_scan_options *options,
                           md_source_stream **out, md_error *err) {
  folder_stream *s = calloc(1, sizeof *s);
  if (!s) return md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  s->watermark = options->watermark;
  md_code code = open_table(source, table, &s->reader, err);
  md_schema *schema = NULL;
  int *projected = NULL, updated = -1;
  if (code == MD_OK)
    code = source_plan_scan(md_parquet_reader_schema(s->reader), source->tables[table], options, &projected,
                            &s->num_projected, &updated, &schema, err);
  if (code == MD_OK) {
    s->table = strdup(source->tables[table]);
    s->read_columns = malloc((size_t)(s->num_projected + 1) * sizeof(int));
    s->keep = malloc((size_t)(s->num_projected + 1) * sizeof(int));
    if (!s->table || !s->read_columns || !s->keep) code = md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  }
  if (code == MD_OK) {
    s->updated_at = -1;
    for (int i = 0; i < s->num_projected; i++) {
      s->read_columns[i] = projected[i];
      s->keep[i] = i;
      if (projected[i] == updated) s->updated_at = i;
    }
    s->num_read = s->num_projected;
    if (updated >= 0 && s->updated_at < 0) {
      s->read_columns[s->num_read] = updated;
      s->updated_at = s->num_read++;
    }
    s->updated_leaf = updated >= 0 ? timestamp_leaf(s->reader, updated) : -1;
  }
  free(projected);
  if (code != MD_OK) {
    md_schema_free(schema);
    folder_stream_free(s);
    return code;
  }
  return source_stream_new(&folder_stream_vtable, s, schema, out, err);
}

static const source_vtable folder_vtable = {"parquet", folder_free, folder_table_schema, folder_scan};

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

md_code md_source_open_parquet_folder(const char *dir, md_source **out, md_error *err) {
  if (!dir || !out) return md_error_set(err, MD_ERR_INVALID, "parquet source: NULL argument");
  DIR *d = opendir(dir);
  if (!d) return md_error_set(err, MD_ERR_IO, "parquet source: cannot open folder %s", dir);
  char **names = NULL;
  int count = 0;
  md_code code = MD_OK;
  for (struct dirent *entry; code == MD_OK && (entry = readdir(d));) {
    size_t len = strlen(entry->d_name);
    if (len <= 8 || entry->d_name[0] == '.' || strcmp(entry->d_name + len - 8, ".parquet") != 0) continue;
    char **grown = realloc(names, (size_t)(count + 1) * sizeof *names);
    char *name = grown ? strndup(entry->d_name, len - 8) : NULL;
    if (grown) names = grown;
    if (!name) code = md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
    else names[count++] = name;
  }
  closedir(d);
  if (count > 1) qsort(names, (size_t)count, sizeof *names, compare_names);
  folder *f = code == MD_OK ? calloc(1, sizeof *f) : NULL;
  if (f) f->dir = strdup(dir);
  if (code == MD_OK && (!f || !f->dir)) code = md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  md_source *source = NULL;
  if (code == MD_OK) {
    source = source_new(&folder_vtable, f);
    f = NULL;
    if (!source) code = md_error_set(err, MD_ERR_NOMEM, "parquet source: out of memory");
  }
  if (code == MD_OK) code = source_set_label(source, err, "parquet folder %s", dir);
  for (int i = 0; i < count && code == MD_OK; i++) code = source_add_table(source, names[i], err);
  for (int i = 0; i < count; i++) free(names[i]);
  free(names);
  folder_free(f);
  if (code != MD_OK) {
    md_source_free(source);
    return code;
  }
  *out = source;
  return MD_OK;
}
