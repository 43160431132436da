/* source_select.c — projection and the UPDATED_AT watermark for sources that
 * cannot push them into a query engine (the Parquet folder, the generator).
 *
 * The filter copies runs of kept rows rather than single rows: incremental
 * batches are mostly long runs of old rows then long runs of new ones. */
#include <stdlib.h>
#include <string.h>

#include "source_internal.h"

md_code source_plan_scan(const md_schema *full, const char *table, const md_source_scan_options *options,
                         int **columns, int *num_columns, int *updated_at, md_schema **out_schema,
                         md_error *err) {
  int n = options->num_columns > 0 ? options->num_columns : md_schema_num_fields(full);
  int *indices = malloc((size_t)(n > 0 ? n : 1) * sizeof *indices);
  md_schema *schema = md_schema_new();
  if (!indices || !schema) {
    free(indices);
    md_schema_free(schema);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", table);
  }
  md_code code = MD_OK;
  for (int i = 0; i < n && code == MD_OK; i++) {
    int index = i;
    if (options->num_columns > 0) {
      index = -1;
      for (int f = 0; f < md_schema_num_fields(full) && index < 0; f++)
        if (source_name_equal(md_field_name(md_schema_field(full, f)), options->columns[i])) index = f;
      if (index < 0) {
        code = md_error_set(err, MD_ERR_NOT_FOUND, "%s: no column '%s'", table, options->columns[i]);
        break;
      }
    }
    indices[i] = index;
    md_field *copy = md_field_copy(md_schema_field(full, index));
    code = copy ? md_schema_add(schema, copy, err) : md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", table);
    if (code != MD_OK) md_error_context(err, "%s", table);
  }
  int updated = -1;
  if (code == MD_OK && options->has_watermark) {
    updated = md_schema_find(full, "UPDATED_AT");
    if (updated < 0 || md_field_type(md_schema_field(full, updated)).id != MD_TYPE_TIMESTAMP)
      code = md_error_set(err, MD_ERR_SCHEMA, "%s: a watermark needs a timestamp column UPDATED_AT", table);
  }
  if (code != MD_OK) {
    free(indices);
    md_schema_free(schema);
    return code;
  }
  *columns = indices;
  *num_columns = n;
  *updated_at = updated;
  *out_schema = schema;
  return MD_OK;
}

static bool keep_row(const md_column *updated, int64_t row, int64_t watermark) {
  if (md_column_is_null(updated, row)) return false;
  return ((const int64_t *)md_column_values(updated))[row] > watermark;
}

/* Copies the kept rows of column into a new column, run by run. */
static md_code filter_column(const md_column *column, const md_column *updated, int64_t watermark,
                             md_column **out, md_error *err) {
  md_column *result = NULL;
  int64_t rows = md_column_length(column);
  md_code code = md_column_slice_copy(column, 0, 0, &result, err);
  for (int64_t row = 0; row < rows && code == MD_OK;) {
    if (!keep_row(updated, row, watermark)) {
      row++;
      continue;
    }
    int64_t end = row + 1;
    while (end < rows && keep_row(updated, end, watermark)) end++;
    md_column *run = NULL;
    code = md_column_slice_copy(column, row, end - row, &run, err);
    if (code == MD_OK) code = md_column_append_column(result, run, err);
    md_column_free(run);
    row = end;
  }
  if (code != MD_OK) {
    md_column_free(result);
    return code;
  }
  *out = result;
  return MD_OK;
}

md_code source_select(md_batch *batch, const int *columns, int num_columns, const md_schema *schema,
                      int updated_at, int64_t watermark, md_batch **out, md_error *err) {
  md_column **selected = calloc((size_t)(num_columns > 0 ? num_columns : 1), sizeof *selected);
  md_schema *copy = md_schema_copy(schema);
  md_code code = selected && copy ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "source: out of memory");
  const md_column *updated = updated_at >= 0 ? md_batch_column(batch, updated_at) : NULL;
  for (int i = 0; i < num_columns && code == MD_OK; i++) {
    md_column *column = md_batch_column(batch, columns[i]);
    if (updated) code = filter_column(column, updated, watermark, &selected[i], err);
    else selected[i] = md_column_ref(column);
  }
  md_batch_free(batch);
  if (code != MD_OK) {
    for (int i = 0; selected && i < num_columns; i++) md_column_free(selected[i]);
    free(selected);
    md_schema_free(copy);
    return code;
  }
  code = md_batch_new(copy, selected, num_columns, out, err);
  free(selected);
  return code;
}

typedef struct select_stream {
  md_source_stream *inner;
  int *columns;
  int num_columns;
  int updated_at;
  int64_t watermark;
} select_stream;

static void select_free(void *impl) {
  select_stream *s = impl;
  if (!s) return;
  md_source_stream_free(s->inner);
  free(s->columns);
  free(s);
}

static md_code select_next(md_source_stream *stream, md_batch **out, md_error *err) {
  select_stream *s = stream->impl;
  for (;;) {
    md_batch *full = NULL;
    md_code code = md_source_stream_next(s->inner, &full, err);
    if (code != MD_OK) return code;
    if (!full) {
      *out = NULL;
      return MD_OK;
    }
    md_batch *selected = NULL;
    code = source_select(full, s->columns, s->num_columns, stream->schema, s->updated_at, s->watermark,
                         &selected, err);
    if (code != MD_OK) return code;
    if (md_batch_num_rows(selected) > 0) {
      *out = selected;
      return MD_OK;
    }
    md_batch_free(selected);
  }
}

static const stream_vtable select_vtable = {select_next, select_free};

md_code source_select_stream(md_source_stream *inner, const char *table,
                             const md_source_scan_options *options, md_source_stream **out, md_error *err) {
  select_stream *s = calloc(1, sizeof *s);
  if (!s) {
    md_source_stream_free(inner);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", table);
  }
  s->inner = inner;
  s->watermark = options->watermark;
  md_schema *schema = NULL;
  md_code code = source_plan_scan(md_source_stream_schema(inner), table, options, &s->columns,
                                  &s->num_columns, &s->updated_at, &schema, err);
  if (code != MD_OK) {
    select_free(s);
    return code;
  }
  return source_stream_new(&select_vtable, s, schema, out, err);
}
