/* batch.c — a record batch: a schema and one column per field, all of the same
 * length. The unit that flows between readers, kernels and writers. */
#include <stdlib.h>

#include "column_internal.h"

struct md_batch {
  md_schema *schema;
  int num_columns;
  md_column **columns;
  int64_t num_rows;
};

/* The column's type and child shape follow the field's, recursively. */
static bool column_matches_field(const md_column *column, const md_field *field) {
  if (!md_type_equal(column->type, md_field_type(field))) return false;
  if (!md_type_is_nested(column->type)) return true;
  if (column->num_children != md_field_num_children(field)) return false;
  for (int i = 0; i < column->num_children; i++)
    if (!column_matches_field(column->children[i], md_field_child(field, i))) return false;
  return true;
}

static md_code check_columns(const md_schema *schema, md_column **columns, int num_columns, md_error *err) {
  if (num_columns != md_schema_num_fields(schema))
    return md_error_set(err, MD_ERR_SCHEMA, "batch: %d columns for %d fields", num_columns,
                        md_schema_num_fields(schema));
  for (int i = 0; i < num_columns; i++) {
    const md_field *field = md_schema_field(schema, i);
    if (!columns[i]) return md_error_set(err, MD_ERR_INVALID, "batch: column %s is NULL", md_field_name(field));
    if (!column_matches_field(columns[i], field)) {
      char want[64], got[64];
      md_type_to_string(md_field_type(field), want, sizeof want);
      md_type_to_string(columns[i]->type, got, sizeof got);
      return md_error_set(err, MD_ERR_SCHEMA, "batch: column %s: %s column for a %s field", md_field_name(field), got,
                          want);
    }
    if (columns[i]->length != columns[0]->length)
      return md_error_set(err, MD_ERR_SCHEMA, "batch: column %s has %lld rows, column %s has %lld",
                          md_field_name(field), (long long)columns[i]->length,
                          md_field_name(md_schema_field(schema, 0)), (long long)columns[0]->length);
  }
  return MD_OK;
}

md_code md_batch_new(md_schema *schema, md_column **columns, int num_columns, md_batch **out, md_error *err) {
  md_code code = MD_OK;
  md_batch *batch = NULL;
  if (!schema || !out || num_columns < 0 || (num_columns > 0 && !columns)) {
    code = md_error_set(err, MD_ERR_INVALID, "batch: bad arguments");
  } else if ((code = check_columns(schema, columns, num_columns, err)) == MD_OK) {
    batch = calloc(1, sizeof *batch);
    md_column **owned = calloc(num_columns > 0 ? (size_t)num_columns : 1, sizeof *owned);
    if (!batch || !owned) {
      free(batch);
      free(owned);
      code = md_error_set(err, MD_ERR_NOMEM, "batch: out of memory");
    } else {
      for (int i = 0; i < num_columns; i++) owned[i] = columns[i];
      batch->schema = schema;
      batch->columns = owned;
      batch->num_columns = num_columns;
      batch->num_rows = num_columns > 0 ? owned[0]->length : 0;
      *out = batch;
      return MD_OK;
    }
  }
  /* Ownership was taken: release what we were given. */
  md_schema_free(schema);
  for (int i = 0; columns && i < num_columns; i++) md_column_free(columns[i]);
  return code;
}

md_code md_batch_share(const md_batch *batch, md_batch **out, md_error *err) {
  int n = md_batch_num_columns(batch);
  md_column **columns = calloc(n > 0 ? (size_t)n : 1, sizeof *columns);
  md_schema *schema = md_schema_copy(md_batch_schema(batch));
  if (!columns || !schema) {
    free(columns);
    md_schema_free(schema);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < n; i++) columns[i] = md_column_ref(md_batch_column(batch, i));
  md_code code = md_batch_new(schema, columns, n, out, err);
  free(columns);
  return code;
}

void md_batch_free(md_batch *batch) {
  if (!batch) return;
  for (int i = 0; i < batch->num_columns; i++) md_column_free(batch->columns[i]);
  free(batch->columns);
  md_schema_free(batch->schema);
  free(batch);
}

const md_schema *md_batch_schema(const md_batch *batch) { return batch->schema; }
int64_t md_batch_num_rows(const md_batch *batch) { return batch->num_rows; }
int md_batch_num_columns(const md_batch *batch) { return batch->num_columns; }

md_column *md_batch_column(const md_batch *batch, int i) {
  return i >= 0 && i < batch->num_columns ? batch->columns[i] : NULL;
}
