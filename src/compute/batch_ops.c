/* batch_ops.c — the streaming operators applied to one batch at a time
 * (filter, project, slice) and concatenation, which the blocking operators use
 * to gather their input. */
#include <stdlib.h>

#include "plan_internal.h"

md_code batch_columns_by_name(const md_batch *batch, char *const *names, int n, md_column **out, md_error *err) {
  for (int i = 0; i < n; i++) {
    int index = md_schema_find(md_batch_schema(batch), names[i]);
    if (index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "column %s not found", names[i]);
    out[i] = md_batch_column(batch, index);
  }
  return MD_OK;
}

md_code batch_filter(const md_batch *batch, const md_expr *predicate, md_batch **out, md_error *err) {
  md_column *mask = NULL;
  md_code code = md_expr_eval(predicate, batch, &mask, err);
  if (code != MD_OK) return code;
  int64_t n = md_batch_num_rows(batch), kept = 0;
  int64_t *indices = malloc((size_t)(n > 0 ? n : 1) * sizeof *indices);
  if (!indices) {
    md_column_free(mask);
    return md_error_set(err, MD_ERR_NOMEM, "filter: out of memory");
  }
  if (md_column_type(mask).id == MD_TYPE_BOOL) {
    const uint8_t *bits = md_column_values(mask), *valid = md_column_validity(mask);
    for (int64_t i = 0; i < n; i++) {
      /* Branch-free append: write every index, advance only when selected. */
      indices[kept] = i;
      kept += md_bit_get(bits, i) & (valid ? md_bit_get(valid, i) : 1);
    }
  }
  md_column_free(mask);
  code = kept == n ? md_batch_share(batch, out, err) : batch_take(batch, indices, kept, out, err);
  free(indices);
  return code;
}

md_code batch_project(const md_batch *batch, const md_plan *project, const md_schema *schema, md_batch **out,
                      md_error *err) {
  int n = project->num_exprs;
  md_column **columns = calloc((size_t)n, sizeof *columns);
  md_schema *copy = md_schema_copy(schema);
  if (!columns || !copy) {
    free(columns);
    md_schema_free(copy);
    return md_error_set(err, MD_ERR_NOMEM, "project: out of memory");
  }
  md_code code = MD_OK;
  for (int i = 0; i < n && code == MD_OK; i++) {
    code = md_expr_eval(project->exprs[i], batch, &columns[i], err);
    if (code == MD_OK && !md_type_equal(md_column_type(columns[i]), md_field_type(md_schema_field(schema, i)))) {
      /* A type the plan did not foresee (e.g. an all-null CASE): conform. */
      md_column *cast = NULL;
      code = kernel_cast(columns[i], md_field_type(md_schema_field(schema, i)), &cast, err);
      md_column_free(columns[i]);
      columns[i] = cast;
    }
    if (code != MD_OK) md_error_context(err, "column %s", project->names[i]);
  }
  return batch_build(copy, columns, n, code, out, err);
}

md_code batch_slice(const md_batch *batch, int64_t offset, int64_t length, md_batch **out, md_error *err) {
  if (offset == 0 && length == md_batch_num_rows(batch)) return md_batch_share(batch, out, err);
  int n = md_batch_num_columns(batch);
  md_column **columns = calloc(n > 0 ? (size_t)n : 1, sizeof *columns);
  md_schema *schema = md_schema_copy(md_batch_schema(batch));
  md_code code = columns && schema ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; i < n && code == MD_OK; i++)
    code = md_column_slice_copy(md_batch_column(batch, i), offset, length, &columns[i], err);
  return batch_build(schema, columns, n, code, out, err);
}

md_code md_batch_concat(const md_schema *schema, md_batch *const *batches, int num_batches, md_batch **out,
                        md_error *err) {
  if (!schema || !out || num_batches < 0 || (num_batches > 0 && !batches))
    return md_error_set(err, MD_ERR_INVALID, "concat: bad arguments");
  if (num_batches == 1 && md_schema_equal(md_batch_schema(batches[0]), schema)) return md_batch_share(batches[0], out, err);
  int n = md_schema_num_fields(schema);
  md_column **columns = calloc(n > 0 ? (size_t)n : 1, sizeof *columns);
  md_schema *copy = md_schema_copy(schema);
  md_code code = columns && copy ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "concat: out of memory");
  for (int i = 0; i < n && code == MD_OK; i++) {
    if (!(columns[i] = md_column_new_for_field(md_schema_field(schema, i))))
      code = md_error_set(err, MD_ERR_NOMEM, "concat: out of memory");
    int64_t rows = 0, bytes = 0;
    for (int b = 0; b < num_batches && code == MD_OK; b++) {
      md_column *column = md_batch_column(batches[b], i);
      if (!column) code = md_error_set(err, MD_ERR_SCHEMA, "concat: batch %d has too few columns", b);
      else {
        rows += md_column_length(column);
        if (md_type_is_variable(md_column_type(column))) bytes += md_column_data_size(column);
      }
    }
    if (code == MD_OK) code = md_column_reserve(columns[i], rows, bytes, err);
    for (int b = 0; b < num_batches && code == MD_OK; b++)
      code = md_column_append_column(columns[i], md_batch_column(batches[b], i), err);
  }
  return batch_build(copy, columns, n, code, out, err);
}
