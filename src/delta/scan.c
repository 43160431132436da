/* scan.c — read a snapshot's live data files into batches in the table schema.
 *
 * One batch per Parquet row group. Each output column comes from one of three
 * places: the partition value of the file (repeated for every row), the file's
 * column of the same name (conformed to the table type: files written by other
 * engines store timestamps as INT96 or milliseconds, small integers as INT32,
 * strings as un-annotated binary), or nulls when the file predates the column.
 * Before the first batch every file is checked to exist, so a snapshot whose
 * files were vacuumed fails as a whole, naming the file, and every deletion
 * vector is loaded (they are small: ranges of deleted rows); rows a DV marks
 * deleted are dropped from each row group's batch. On request the batch also
 * carries each row's physical position in its file, which is what a writer
 * of deletion vectors needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "delta/deletion_vector.h"
#include "delta/scan_conform.h"
#include "delta/snapshot.h"
#include "medallion/parquet.h"

struct md_delta_scan {
  const md_delta_snapshot *snapshot;
  md_schema *schema;       /* output fields (copies of the table's) */
  bool *is_partition;      /* per output field */
  char **paths;            /* local path per live file */
  size_t file;             /* next file */
  md_parquet_reader *reader;
  int row_group;           /* next row group of reader */
  delta_row_set *deleted;  /* per live file; empty without a deletion vector */
  bool positions;          /* append a row position column */
};

static bool is_partition_column(const md_delta_snapshot *s, const char *name) {
  for (size_t i = 0; i < s->state.metadata.num_partition_columns; i++)
    if (strcmp(s->state.metadata.partition_columns[i], name) == 0) return true;
  return false;
}

void md_delta_scan_free(md_delta_scan *scan) {
  if (!scan) return;
  md_parquet_reader_free(scan->reader);
  for (size_t i = 0; i < scan->snapshot->state.num_files; i++) {
    free(scan->paths ? scan->paths[i] : NULL);
    if (scan->deleted) delta_row_set_clear(&scan->deleted[i]);
  }
  free(scan->paths);
  free(scan->deleted);
  free(scan->is_partition);
  md_schema_free(scan->schema);
  free(scan);
}

static md_code build_output_schema(md_delta_scan *scan, const char *const *columns, int num_columns,
                                   md_error *err) {
  const md_schema *table = scan->snapshot->schema;
  int n = columns ? num_columns : md_schema_num_fields(table);
  scan->schema = md_schema_new();
  scan->is_partition = calloc(n > 0 ? (size_t)n : 1, sizeof *scan->is_partition);
  if (!scan->schema || !scan->is_partition) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    int index = columns ? md_schema_find(table, columns[i]) : i;
    if (index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "no column %s in the table", columns[i]);
    const md_field *field = md_schema_field(table, index);
    md_field *copy = md_field_copy(field);
    if (!copy) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    md_code rc = md_schema_add(scan->schema, copy, err);
    if (rc != MD_OK) return rc;
    scan->is_partition[i] = is_partition_column(scan->snapshot, md_field_name(field));
  }
  return MD_OK;
}

static md_code check_files_exist(md_delta_scan *scan, md_error *err) {
  const delta_log_state *st = &scan->snapshot->state;
  scan->paths = calloc(st->num_files ? st->num_files : 1, sizeof *scan->paths);
  scan->deleted = calloc(st->num_files ? st->num_files : 1, sizeof *scan->deleted);
  if (!scan->paths || !scan->deleted) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < st->num_files; i++) {
    md_code rc = delta_local_path(scan->snapshot->table_path, st->files[i].decoded_path, &scan->paths[i], err);
    if (rc != MD_OK) return md_error_context(err, "data file");
    struct stat sb;
    if (stat(scan->paths[i], &sb) != 0)
      return md_error_set(err, MD_ERR_NOT_FOUND, "data file %s is missing (vacuumed?)", st->files[i].decoded_path);
    if (st->files[i].dv.storage_type) {
      rc = delta_dv_load(scan->snapshot->table_path, st->files[i].decoded_path, &st->files[i].dv, &scan->deleted[i], err);
      if (rc != MD_OK) return rc;
    }
  }
  return MD_OK;
}

md_code md_delta_scan_new(const md_delta_snapshot *snapshot, const char *const *columns, int num_columns,
                          md_delta_scan **out, md_error *err) {
  if (!snapshot || !out) return md_error_set(err, MD_ERR_INVALID, "md_delta_scan_new: NULL argument");
  md_delta_scan *scan = calloc(1, sizeof *scan);
  if (!scan) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  scan->snapshot = snapshot;
  md_code rc = build_output_schema(scan, columns, num_columns, err);
  if (rc == MD_OK) rc = check_files_exist(scan, err);
  if (rc != MD_OK) {
    md_delta_scan_free(scan);
    return md_error_context(err, "%s: version %lld", snapshot->table_path, (long long)snapshot->state.version);
  }
  *out = scan;
  return MD_OK;
}

/* The file's top-level field for a table column: exact name, else the
 * case-insensitive match (Spark resolves names case-insensitively). */
static int find_file_field(const md_schema *file_schema, const char *name) {
  int i = md_schema_find(file_schema, name);
  if (i >= 0) return i;
  for (int j = 0; j < md_schema_num_fields(file_schema); j++)
    if (strcasecmp(md_field_name(md_schema_field(file_schema, j)), name) == 0) return j;
  return -1;
}

static md_code partition_column(const md_field *field, const char *text, int64_t rows, md_column **out,
                                md_error *err) {
  md_column *column = md_column_new_for_field(field);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int64_t r = 0; r < rows; r++) {
    md_code rc = delta_partition_value_append(column, field, text, err);
    if (rc != MD_OK) {
      md_column_free(column);
      return rc;
    }
  }
  *out = column;
  return MD_OK;
}

static md_code null_column(const md_field *field, int64_t rows, md_column **out, md_error *err) {
  md_column *column = md_column_new_for_field(field);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = md_column_append_nulls(column, rows, err);
  if (rc != MD_OK) {
    md_column_free(column);
    return rc;
  }
  *out = column;
  return MD_OK;
}

static md_code position_column(int64_t first_row, int64_t rows, md_column **out, md_error *err) {
  md_column *column = md_column_new(md_type_make(MD_TYPE_INT64));
  md_code rc = column ? md_column_reserve(column, rows, 0, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    int64_t *values = md_column_values_mut(column);
    for (int64_t r = 0; r < rows; r++) values[r] = first_row + r;
    md_column_set_length(column, rows);
    *out = column;
  } else {
    md_column_free(column);
  }
  return rc;
}

/* Keeps the rows of columns[0..n) (rows first_row.. of the file) that
 * deleted does not hold, copying the stretches between deleted ranges. */
static md_code drop_deleted(const delta_row_set *deleted, int64_t first_row, int64_t rows, const md_schema *schema,
                            md_column **columns, int n, md_error *err) {
  size_t lo = 0, hi = deleted->count;
  while (lo < hi) { /* first range ending after first_row */
    size_t mid = lo + (hi - lo) / 2;
    if (deleted->ranges[mid].end <= first_row) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= deleted->count || deleted->ranges[lo].start >= first_row + rows) return MD_OK;
  md_code rc = MD_OK;
  for (int c = 0; rc == MD_OK && c < n; c++) {
    md_column *kept = md_column_new_for_field(md_schema_field(schema, c));
    if (!kept) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    int64_t at = 0; /* next row of this row group not yet decided */
    for (size_t i = lo; rc == MD_OK && i < deleted->count && at < rows; i++) {
      int64_t start = deleted->ranges[i].start - first_row, end = deleted->ranges[i].end - first_row;
      if (start > rows) start = rows;
      if (start > at) rc = md_column_append_range(kept, columns[c], at, start - at, err);
      if (end > at) at = end;
    }
    if (rc == MD_OK && at < rows) rc = md_column_append_range(kept, columns[c], at, rows - at, err);
    if (rc == MD_OK) {
      md_column_free(columns[c]);
      columns[c] = kept;
    } else {
      md_column_free(kept);
    }
  }
  return rc;
}

/* Builds the output batch of one row group of live file file_index. Reads
 * only const state, so engines may call it for several row groups at once. */
static md_code read_row_group(const md_delta_scan *scan, size_t file_index, md_parquet_reader *reader, int row_group,
                              md_batch **out, md_error *err) {
  const delta_file_action *file = &scan->snapshot->state.files[file_index];
  const md_schema *file_schema = md_parquet_reader_schema(reader);
  int total = md_schema_num_fields(scan->schema);
  int n = total - (scan->positions ? 1 : 0); /* table columns; the position column comes last */
  int64_t rows = md_parquet_reader_row_group_num_rows(reader, row_group);
  int64_t first_row = 0;
  for (int g = 0; g < row_group; g++) first_row += md_parquet_reader_row_group_num_rows(reader, g);
  int *wanted = calloc((size_t)n + 1, sizeof *wanted);
  int *source = calloc((size_t)n + 1, sizeof *source); /* output field -> index in the read batch, or -1 */
  md_column **columns = calloc((size_t)n + 1, sizeof *columns);
  md_batch *read = NULL;
  md_code rc = wanted && source && columns ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int num_wanted = 0;
  for (int i = 0; rc == MD_OK && i < n; i++) {
    source[i] = -1;
    if (scan->is_partition[i]) continue;
    int f = find_file_field(file_schema, md_field_name(md_schema_field(scan->schema, i)));
    if (f >= 0) {
      source[i] = num_wanted;
      wanted[num_wanted++] = f;
    }
  }
  if (rc == MD_OK && num_wanted)
    rc = md_parquet_reader_read_row_group(reader, row_group, wanted, num_wanted, &read, err);
  if (rc == MD_OK && read) rows = md_batch_num_rows(read);
  for (int i = 0; rc == MD_OK && i < n; i++) {
    const md_field *field = md_schema_field(scan->schema, i);
    if (scan->is_partition[i]) {
      const char *text = NULL;
      delta_string_map_find(&file->partition_values, md_field_name(field), &text);
      rc = partition_column(field, text, rows, &columns[i], err);
    } else if (source[i] < 0) {
      rc = null_column(field, rows, &columns[i], err);
    } else {
      const md_field *file_field = md_schema_field(md_batch_schema(read), source[i]);
      rc = delta_conform_column(md_batch_column(read, source[i]), file_field, field, &columns[i], err);
      if (rc != MD_OK) md_error_context(err, "column %s", md_field_name(field));
    }
  }
  md_batch_free(read);
  if (rc == MD_OK && scan->positions) rc = position_column(first_row, rows, &columns[n], err);
  if (rc == MD_OK) rc = drop_deleted(&scan->deleted[file_index], first_row, rows, scan->schema, columns, total, err);
  if (rc == MD_OK) {
    md_schema *schema = md_schema_copy(scan->schema);
    rc = schema ? md_batch_new(schema, columns, total, out, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  } else if (columns) {
    for (int i = 0; i < total; i++) md_column_free(columns[i]);
  }
  free(wanted);
  free(source);
  free(columns);
  return rc;
}

md_code md_delta_scan_next(md_delta_scan *scan, md_batch **out, md_error *err) {
  const delta_log_state *st = &scan->snapshot->state;
  while (scan->file < st->num_files) {
    const char *name = st->files[scan->file].decoded_path;
    md_code rc = MD_OK;
    if (!scan->reader) {
      rc = md_parquet_reader_open(scan->paths[scan->file], &scan->reader, err);
      /* Delta timestamps are microseconds; INT96 as nanoseconds would overflow past 2262. */
      if (rc == MD_OK) rc = md_parquet_reader_set_int96_unit(scan->reader, MD_MICRO, err);
      scan->row_group = 0;
    }
    if (rc == MD_OK && scan->row_group < md_parquet_reader_num_row_groups(scan->reader)) {
      rc = read_row_group(scan, scan->file, scan->reader, scan->row_group, out, err);
      scan->row_group++;
      if (rc == MD_OK) return MD_OK;
    }
    if (rc != MD_OK) {
      /* The reader's messages already name the file by its base name. */
      const char *base = strrchr(name, '/');
      base = base ? base + 1 : name;
      if (err && strstr(err->message, base)) md_error_context(err, "%s", scan->snapshot->table_path);
      else md_error_context(err, "%s: %s", scan->snapshot->table_path, name);
      return rc;
    }
    md_parquet_reader_free(scan->reader);
    scan->reader = NULL;
    scan->file++;
  }
  *out = NULL;
  return MD_OK;
}

const char *md_delta_scan_file_path(const md_delta_scan *scan, int64_t file) {
  if (!scan || file < 0 || (size_t)file >= scan->snapshot->state.num_files) return NULL;
  return scan->paths[file];
}

md_code md_delta_scan_read(const md_delta_scan *scan, int64_t file, md_parquet_reader *reader, int row_group,
                           md_batch **out, md_error *err) {
  if (!scan || !reader || !out || file < 0 || (size_t)file >= scan->snapshot->state.num_files)
    return md_error_set(err, MD_ERR_INVALID, "md_delta_scan_read: bad argument");
  md_code rc = read_row_group(scan, (size_t)file, reader, row_group, out, err);
  if (rc != MD_OK)
    md_error_context(err, "%s: %s", scan->snapshot->table_path, scan->snapshot->state.files[file].decoded_path);
  return rc;
}

md_code md_delta_scan_add_row_positions(md_delta_scan *scan, const char *name, md_error *err) {
  if (!scan || !name) return md_error_set(err, MD_ERR_INVALID, "md_delta_scan_add_row_positions: NULL argument");
  if (scan->positions) return md_error_set(err, MD_ERR_INVALID, "the scan already has a row position column");
  if (md_schema_find(scan->schema, name) >= 0)
    return md_error_set(err, MD_ERR_INVALID, "row position column %s: the scan already has a column of that name", name);
  md_field *field = md_field_new(name, md_type_make(MD_TYPE_INT64), false);
  if (!field) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = md_schema_add(scan->schema, field, err);
  if (rc == MD_OK) scan->positions = true;
  return rc;
}
