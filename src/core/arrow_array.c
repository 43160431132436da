/* arrow_array.c — columns and batches through the Arrow C Data Interface
 * (ArrowArray), without copying values in either direction.
 *
 * Export: the ArrowArray holds a reference to the column (and each child array
 * to its child column); release drops it. Import: the producer's ArrowArray is
 * moved into a shared owner that every imported column references; the last
 * column freed calls the producer's release, exactly once.
 *
 * ArrowArray.offset != 0 is adjusted, not copied: value and offset pointers are
 * advanced, and a struct's offset is passed down to its children. Only bitmaps
 * (validity, BOOL values) whose offset is not a multiple of 8 are copied, since
 * a column's bitmaps always start at bit 0. */
#include <stdlib.h>
#include <string.h>

#include "column_internal.h"

/* Stands in for buffers that are empty (NULL) on our side: some consumers
 * dislike NULL data buffers even at length 0. Never written. */
static _Alignas(64) const uint8_t empty_buffer[64];

/* ------------------------------------------------------------------ export */

struct array_private {
  md_column *column; /* the reference this array holds; NULL for a batch's root */
  const void *buffers[3];
  int64_t n_children;
  struct ArrowArray **child_pointers;
  struct ArrowArray *children;
};

static void release_array(struct ArrowArray *array) {
  if (!array || !array->release) return;
  struct array_private *priv = array->private_data;
  for (int64_t i = 0; i < priv->n_children; i++)
    if (priv->children[i].release) priv->children[i].release(&priv->children[i]);
  md_column_free(priv->column);
  free(priv->child_pointers);
  free(priv->children);
  free(priv);
  array->release = NULL;
}

static md_code export_column_into(md_column *column, struct ArrowArray *out, md_error *err);

/* Builds an array node over the given buffers and child columns; takes the
 * holder reference (dropped on failure). out is untouched on error. */
static md_code export_node(md_column *holder, md_column *const *children, int n_children, int64_t length,
                           int64_t null_count, const void *const *buffers, int n_buffers, struct ArrowArray *out,
                           md_error *err) {
  struct array_private *priv = calloc(1, sizeof *priv);
  if (!priv) {
    md_column_free(holder);
    return md_error_set(err, MD_ERR_NOMEM, "arrow export: out of memory");
  }
  priv->column = holder;
  struct ArrowArray node = {0};
  node.private_data = priv;
  node.release = release_array;
  priv->children = calloc(n_children > 0 ? (size_t)n_children : 1, sizeof *priv->children);
  priv->child_pointers = calloc(n_children > 0 ? (size_t)n_children : 1, sizeof *priv->child_pointers);
  if (!priv->children || !priv->child_pointers) {
    release_array(&node);
    return md_error_set(err, MD_ERR_NOMEM, "arrow export: out of memory");
  }
  for (int i = 0; i < n_children; i++) {
    md_code code = export_column_into(children[i], &priv->children[i], err);
    if (code != MD_OK) {
      release_array(&node);
      return md_error_context(err, "child %d", i);
    }
    priv->child_pointers[i] = &priv->children[i];
    priv->n_children++;
  }
  for (int i = 0; i < n_buffers; i++) priv->buffers[i] = buffers[i];
  node.length = length;
  node.null_count = null_count;
  node.offset = 0;
  node.n_buffers = n_buffers;
  node.buffers = priv->buffers;
  node.n_children = n_children;
  node.children = priv->child_pointers;
  *out = node;
  return MD_OK;
}

static md_code export_column_into(md_column *column, struct ArrowArray *out, md_error *err) {
  const void *buffers[3] = {column->null_count > 0 ? column->validity : NULL, NULL, NULL};
  const void *values = column->values ? (const void *)column->values : empty_buffer;
  int n_buffers;
  switch (column->type.id) {
    case MD_TYPE_NULL: n_buffers = 0; break;
    case MD_TYPE_STRUCT: n_buffers = 1; break;
    case MD_TYPE_LIST:
    case MD_TYPE_MAP:
      n_buffers = 2;
      buffers[1] = column->offsets;
      break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
      n_buffers = 3;
      buffers[1] = column->offsets;
      buffers[2] = values;
      break;
    default:
      n_buffers = 2;
      buffers[1] = values;
      break;
  }
  return export_node(md_column_ref(column), column->children, column->num_children, column->length,
                     column->null_count, buffers, n_buffers, out, err);
}

md_code md_column_export(md_column *column, struct ArrowArray *out, md_error *err) {
  if (!column || !out) return md_error_set(err, MD_ERR_INVALID, "arrow export: NULL column or output");
  return export_column_into(column, out, err);
}

md_code md_batch_export(md_batch *batch, struct ArrowArray *out, md_error *err) {
  if (!batch || !out) return md_error_set(err, MD_ERR_INVALID, "arrow export: NULL batch or output");
  int n = md_batch_num_columns(batch);
  md_column **columns = calloc(n > 0 ? (size_t)n : 1, sizeof *columns);
  if (!columns) return md_error_set(err, MD_ERR_NOMEM, "arrow export: out of memory");
  for (int i = 0; i < n; i++) columns[i] = md_batch_column(batch, i);
  const void *validity = NULL;
  md_code code = export_node(NULL, columns, n, md_batch_num_rows(batch), 0, &validity, 1, out, err);
  free(columns);
  return code;
}

/* ------------------------------------------------------------------ import */

struct import_owner {
  atomic_int refs;
  struct ArrowArray array; /* moved from the producer */
};

static void owner_drop(void *foreign) {
  struct import_owner *owner = foreign;
  if (atomic_fetch_sub(&owner->refs, 1) != 1) return;
  if (owner->array.release) owner->array.release(&owner->array);
  free(owner);
}

/* A bitmap starting at bit 0 for rows [offset, offset+length) of bits. */
static md_code view_bitmap(md_column *column, int slot, const uint8_t *bits, int64_t offset, int64_t length,
                           uint8_t **out, md_error *err) {
  if (offset % 8 == 0) {
    *out = (uint8_t *)bits + offset / 8;
    return MD_OK;
  }
  uint8_t *copy = md_alloc_zeroed((size_t)bitmap_bytes(length > 0 ? length : 1));
  if (!copy) return md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  bitmap_copy(copy, 0, bits, offset, length);
  column->import_copies[slot] = copy;
  *out = copy;
  return MD_OK;
}

static int expected_buffers(md_type type) {
  switch (type.id) {
    case MD_TYPE_NULL: return 0;
    case MD_TYPE_STRUCT: return 1;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: return 3;
    default: return 2;
  }
}

static md_code import_node(const struct ArrowArray *array, const md_field *field, struct import_owner *owner,
                           int64_t parent_offset, md_column **out, md_error *err);

static md_code import_buffers(md_column *column, const struct ArrowArray *array, int64_t offset, int64_t length,
                              md_error *err) {
  static const int32_t zero_offset[1] = {0};
  md_type type = column->type;
  const void *const *buffers = array->buffers;
  md_code code = MD_OK;
  /* null_count 0 means the bitmap (if any) may be ignored, as the spec allows. */
  if (type.id != MD_TYPE_NULL && buffers[0] && array->null_count != 0)
    code = view_bitmap(column, 0, buffers[0], offset, length, &column->validity, err);
  else if (type.id != MD_TYPE_NULL && array->null_count > 0)
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: %lld nulls but no validity buffer",
                        (long long)array->null_count);
  if (code != MD_OK) return code;
  int width = md_type_fixed_width(type);
  if (type.id == MD_TYPE_BOOL || width > 0) {
    if (!buffers[1]) {
      if (length > 0) return md_error_set(err, MD_ERR_CORRUPT, "arrow import: missing values buffer");
    } else if (type.id == MD_TYPE_BOOL) {
      code = view_bitmap(column, 1, buffers[1], offset, length, &column->values, err);
    } else {
      if (offset > COLUMN_MAX_BUFFER_BYTES / width)
        return md_error_set(err, MD_ERR_CORRUPT, "arrow import: offset %lld too large", (long long)offset);
      column->values = (uint8_t *)buffers[1] + offset * width;
    }
  } else if (md_type_is_variable(type) || type.id == MD_TYPE_LIST || type.id == MD_TYPE_MAP) {
    if (buffers[1]) column->offsets = (int32_t *)buffers[1] + offset;
    else if (length == 0) column->offsets = (int32_t *)zero_offset;
    else return md_error_set(err, MD_ERR_CORRUPT, "arrow import: missing offsets buffer");
    if (md_type_is_variable(type)) column->values = (uint8_t *)buffers[2];
  }
  return code;
}

static md_code import_node(const struct ArrowArray *array, const md_field *field, struct import_owner *owner,
                           int64_t parent_offset, md_column **out, md_error *err) {
  md_type type = md_field_type(field);
  const char *name = md_field_name(field);
  if (array->length < 0 || array->offset < 0 || array->offset > INT64_MAX - parent_offset)
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: column %s: bad length or offset", name);
  if (array->dictionary)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "arrow import: column %s: dictionary arrays are not supported", name);
  int64_t offset = array->offset + parent_offset;
  /* A struct's offset applies to its children too: they must reach past it. */
  int64_t length = array->length - parent_offset;
  if (length < 0)
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: column %s: %lld rows, shorter than its parent's offset",
                        name, (long long)array->length);
  int want_buffers = expected_buffers(type);
  int want_children = md_type_is_nested(type) ? md_field_num_children(field) : 0;
  if (array->n_buffers != want_buffers || (want_buffers > 0 && !array->buffers))
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: column %s: %lld buffers, expected %d", name,
                        (long long)array->n_buffers, want_buffers);
  if (array->n_children != want_children || (want_children > 0 && !array->children))
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: column %s: %lld children, expected %d", name,
                        (long long)array->n_children, want_children);
  md_column *column = column_alloc(type);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  atomic_fetch_add(&owner->refs, 1);
  column->foreign = owner;
  column->foreign_release = owner_drop;
  column->length = length;
  md_code code = import_buffers(column, array, offset, length, err);
  for (int i = 0; code == MD_OK && i < want_children; i++) {
    md_column *child = NULL;
    if (!array->children[i]) {
      code = md_error_set(err, MD_ERR_CORRUPT, "arrow import: column %s: NULL child %d", name, i);
      break;
    }
    code = import_node(array->children[i], md_field_child(field, i), owner,
                       type.id == MD_TYPE_STRUCT ? offset : 0, &child, err);
    if (code == MD_OK) code = column_add_child(column, child, err);
  }
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  column_recount_nulls(column);
  *out = column;
  return MD_OK;
}

/* Moves array into a new owner holding one reference (for the caller). On
 * failure the array is released, since ownership was promised. */
static md_code take_array(struct ArrowArray *array, struct import_owner **out, md_error *err) {
  if (!array) return md_error_set(err, MD_ERR_INVALID, "arrow import: NULL array");
  if (!array->release) return md_error_set(err, MD_ERR_INVALID, "arrow import: array was already released");
  struct import_owner *owner = malloc(sizeof *owner);
  if (!owner) {
    array->release(array);
    return md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  }
  owner->array = *array;
  array->release = NULL;
  atomic_init(&owner->refs, 1);
  *out = owner;
  return MD_OK;
}

md_code md_column_import(struct ArrowArray *array, const struct ArrowSchema *schema, md_column **out,
                         md_error *err) {
  struct import_owner *owner = NULL;
  md_code code = take_array(array, &owner, err);
  if (code != MD_OK) return code;
  md_field *field = NULL;
  md_column *column = NULL;
  if (!schema || !out) code = md_error_set(err, MD_ERR_INVALID, "arrow import: NULL schema or output");
  else code = md_field_import(schema, &field, err);
  if (code == MD_OK) code = import_node(&owner->array, field, owner, 0, &column, err);
  if (code == MD_OK && (code = md_column_validate(column, true, err)) != MD_OK) {
    md_error_context(err, "arrow import: column %s", md_field_name(field));
    md_column_free(column);
  }
  md_field_free(field);
  owner_drop(owner); /* the columns now hold the owner, if anything does */
  if (code == MD_OK) *out = column;
  return code;
}

md_code md_batch_import(struct ArrowArray *array, const struct ArrowSchema *schema, md_batch **out,
                        md_error *err) {
  md_column *root = NULL;
  md_code code = md_column_import(array, schema, &root, err);
  if (code != MD_OK) return code;
  md_schema *batch_schema = NULL;
  if (!out) code = md_error_set(err, MD_ERR_INVALID, "arrow import: NULL output");
  else if (root->type.id != MD_TYPE_STRUCT)
    code = md_error_set(err, MD_ERR_SCHEMA, "arrow import: a batch must be a struct array ('+s')");
  else if (root->null_count > 0)
    code = md_error_set(err, MD_ERR_SCHEMA, "arrow import: a batch's struct array must have no nulls");
  else code = md_schema_import(schema, &batch_schema, err);
  md_column **columns = NULL;
  if (code == MD_OK) {
    columns = calloc(root->num_children > 0 ? (size_t)root->num_children : 1, sizeof *columns);
    if (!columns) code = md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  }
  if (code != MD_OK) {
    md_schema_free(batch_schema);
    md_column_free(root);
    return code;
  }
  /* A struct child can be longer than the struct; a batch's columns cannot. */
  int n = root->num_children;
  for (int i = 0; i < n && code == MD_OK; i++) {
    if (root->children[i]->length == root->length) columns[i] = md_column_ref(root->children[i]);
    else code = md_column_slice_copy(root->children[i], 0, root->length, &columns[i], err);
    if (code != MD_OK) {
      for (int k = 0; k < i; k++) md_column_free(columns[k]);
    }
  }
  md_column_free(root);
  if (code != MD_OK) {
    md_schema_free(batch_schema);
    free(columns);
    return code;
  }
  code = md_batch_new(batch_schema, columns, n, out, err);
  free(columns);
  return code;
}
