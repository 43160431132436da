/* column.c — md_column lifecycle, read access and the bulk-building API
 * (reserve, *_mut, set_length).
 *
 * Buffers grow by doubling so that appending n values costs O(n) copies in
 * total; every size is checked against COLUMN_MAX_BUFFER_BYTES before any
 * multiplication so that a hostile length turns into MD_ERR_NOMEM, never into
 * a wrapped small allocation. */
#include <stdlib.h>
#include <string.h>

#include "column_internal.h"

md_column *column_alloc(md_type type) {
  md_column *column = calloc(1, sizeof *column);
  if (!column) return NULL;
  column->type = type;
  atomic_init(&column->refcount, 1);
  return column;
}

static bool has_offsets(md_type type) {
  return md_type_is_variable(type) || type.id == MD_TYPE_LIST || type.id == MD_TYPE_MAP;
}

md_column *md_column_new(md_type type) {
  if (type.id < 0 || type.id >= MD_TYPE_COUNT_) return NULL;
  if (type.id == MD_TYPE_FIXED_BINARY && type.byte_width <= 0) return NULL;
  md_column *column = column_alloc(type);
  if (!column) return NULL;
  if (has_offsets(type)) {
    /* offsets always hold length + 1 entries, so even an empty column has one. */
    column->offsets = md_alloc_zeroed(sizeof(int32_t));
    if (!column->offsets) {
      free(column);
      return NULL;
    }
    column->offsets_bytes = sizeof(int32_t);
  }
  return column;
}

md_code column_add_child(md_column *column, md_column *child, md_error *err) {
  md_column **grown = realloc(column->children, (size_t)(column->num_children + 1) * sizeof *grown);
  if (!grown) {
    md_column_free(child);
    return md_error_set(err, MD_ERR_NOMEM, "column: out of memory adding a child");
  }
  column->children = grown;
  column->children[column->num_children++] = child;
  return MD_OK;
}

md_column *md_column_new_for_field(const md_field *field) {
  md_column *column = md_column_new(md_field_type(field));
  if (!column || !md_type_is_nested(column->type)) return column;
  for (int i = 0; i < md_field_num_children(field); i++) {
    md_column *child = md_column_new_for_field(md_field_child(field, i));
    if (!child || column_add_child(column, child, NULL) != MD_OK) {
      md_column_free(column);
      return NULL;
    }
  }
  return column;
}

md_column *column_new_like(const md_column *column) {
  md_column *copy = md_column_new(column->type);
  if (!copy) return NULL;
  for (int i = 0; i < column->num_children; i++) {
    md_column *child = column_new_like(column->children[i]);
    if (!child || column_add_child(copy, child, NULL) != MD_OK) {
      md_column_free(copy);
      return NULL;
    }
  }
  return copy;
}

bool column_same_shape(const md_column *a, const md_column *b) {
  if (!md_type_equal(a->type, b->type) || a->num_children != b->num_children) return false;
  for (int i = 0; i < a->num_children; i++)
    if (!column_same_shape(a->children[i], b->children[i])) return false;
  return true;
}

md_column *md_column_ref(md_column *column) {
  if (column) atomic_fetch_add(&column->refcount, 1);
  return column;
}

void md_column_free(md_column *column) {
  if (!column) return;
  if (atomic_fetch_sub(&column->refcount, 1) != 1) return;
  for (int i = 0; i < column->num_children; i++) md_column_free(column->children[i]);
  free(column->children);
  md_free(column->import_copies[0]);
  md_free(column->import_copies[1]);
  if (column->foreign) {
    column->foreign_release(column->foreign);
  } else {
    md_free(column->validity);
    md_free(column->values);
    md_free(column->offsets);
  }
  free(column);
}

md_type md_column_type(const md_column *column) { return column->type; }
int64_t md_column_length(const md_column *column) { return column->length; }
int64_t md_column_null_count(const md_column *column) { return column->null_count; }
int md_column_num_children(const md_column *column) { return column->num_children; }

md_column *md_column_child(const md_column *column, int i) {
  return i >= 0 && i < column->num_children ? column->children[i] : NULL;
}

const uint8_t *md_column_validity(const md_column *column) {
  return column->null_count > 0 ? column->validity : NULL;
}

const void *md_column_values(const md_column *column) { return column->values; }
const int32_t *md_column_offsets(const md_column *column) { return column->offsets; }
const uint8_t *md_column_data(const md_column *column) { return column->values; }

int64_t md_column_data_size(const md_column *column) {
  if (md_type_is_variable(column->type)) return column->offsets[column->length];
  if (column->type.id == MD_TYPE_BOOL) return bitmap_bytes(column->length);
  return column->length * md_type_fixed_width(column->type);
}

bool md_column_is_null(const md_column *column, int64_t row) {
  if (column->type.id == MD_TYPE_NULL) return true;
  return column->validity && !md_bit_get(column->validity, row);
}

md_code column_check_writable(const md_column *column, md_error *err) {
  if (!column) return md_error_set(err, MD_ERR_INVALID, "column: NULL");
  if (column->foreign)
    return md_error_set(err, MD_ERR_INVALID, "column: imported columns are read-only");
  int refs = atomic_load(&column->refcount);
  if (refs > 1)
    return md_error_set(err, MD_ERR_INVALID, "column: shared by %d references, cannot be modified", refs);
  return MD_OK;
}

/* Grows *buffer to hold at least new_bytes (rounded to 64, Arrow's padding). */
static md_code grow_buffer(void *buffer, int64_t *bytes, int64_t new_bytes, bool zero_tail, md_error *err) {
  if (new_bytes <= *bytes) return MD_OK;
  if (new_bytes > COLUMN_MAX_BUFFER_BYTES)
    return md_error_set(err, MD_ERR_NOMEM, "column: buffer of %lld bytes exceeds the limit", (long long)new_bytes);
  new_bytes = (new_bytes + 63) & ~(int64_t)63;
  uint8_t **slot = buffer;
  uint8_t *grown = md_realloc(*slot, (size_t)*bytes, (size_t)new_bytes);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "column: out of memory for %lld bytes", (long long)new_bytes);
  if (zero_tail) memset(grown + *bytes, 0, (size_t)(new_bytes - *bytes));
  *slot = grown;
  *bytes = new_bytes;
  return MD_OK;
}

/* Rows-per-buffer size in bytes, or -1 when it would exceed the limit. */
static int64_t row_bytes(int64_t rows, int64_t width) {
  if (rows > (COLUMN_MAX_BUFFER_BYTES - 64) / width) return -1;
  return rows * width;
}

static md_code grow_rows(md_column *column, int64_t need, md_error *err) {
  int64_t capacity = column->capacity < 16 ? 16 : column->capacity;
  while (capacity < need && capacity <= COLUMN_MAX_BUFFER_BYTES / 2) capacity *= 2;
  if (capacity < need) capacity = need;
  int width = md_type_fixed_width(column->type);
  int64_t values = 0, offsets = 0;
  if (width > 0) values = row_bytes(capacity, width);
  else if (column->type.id == MD_TYPE_BOOL) values = bitmap_bytes(capacity);
  if (has_offsets(column->type)) offsets = row_bytes(capacity + 1, sizeof(int32_t));
  if (values < 0 || offsets < 0 || capacity > COLUMN_MAX_BUFFER_BYTES)
    return md_error_set(err, MD_ERR_NOMEM, "column: %lld rows exceed the size limit", (long long)need);
  md_code code = MD_OK;
  if (values > 0) code = grow_buffer(&column->values, &column->values_bytes, values, column->type.id == MD_TYPE_BOOL, err);
  if (code == MD_OK && offsets > 0) code = grow_buffer(&column->offsets, &column->offsets_bytes, offsets, false, err);
  if (code == MD_OK && column->validity)
    code = grow_buffer(&column->validity, &column->validity_bytes, bitmap_bytes(capacity), true, err);
  if (code == MD_OK) column->capacity = capacity;
  return code;
}

md_code md_column_reserve(md_column *column, int64_t additional, int64_t additional_bytes, md_error *err) {
  md_code code = column_check_writable(column, err);
  if (code != MD_OK) return code;
  if (additional < 0 || additional_bytes < 0)
    return md_error_set(err, MD_ERR_INVALID, "column: negative reservation");
  if (additional > COLUMN_MAX_BUFFER_BYTES - column->length)
    return md_error_set(err, MD_ERR_NOMEM, "column: %lld more rows exceed the size limit", (long long)additional);
  int64_t need = column->length + additional;
  if (need > column->capacity) {
    if (column->type.id == MD_TYPE_NULL) column->capacity = need; /* no buffers at all */
    else if ((code = grow_rows(column, need, err)) != MD_OK) return code;
  }
  if (md_type_is_variable(column->type) && additional_bytes > 0) {
    int64_t used = column->offsets[column->length];
    /* int32 offsets cap a column's data at 2 GiB; larger data needs another column. */
    if (additional_bytes > INT32_MAX - used)
      return md_error_set(err, MD_ERR_NOMEM, "column: data would exceed %d bytes (int32 offsets)", INT32_MAX);
    int64_t want = used + additional_bytes;
    if (want > column->values_bytes) {
      int64_t doubled = column->values_bytes * 2;
      if (doubled > want && doubled <= (int64_t)INT32_MAX + 64) want = doubled;
      code = grow_buffer(&column->values, &column->values_bytes, want, false, err);
    }
  }
  return code;
}

void *md_column_values_mut(md_column *column) { return column->foreign ? NULL : column->values; }
int32_t *md_column_offsets_mut(md_column *column) { return column->foreign ? NULL : column->offsets; }
uint8_t *md_column_data_mut(md_column *column) { return column->foreign ? NULL : column->values; }

uint8_t *md_column_validity_mut(md_column *column, md_error *err) {
  if (column_check_writable(column, err) != MD_OK) return NULL;
  if (column->type.id == MD_TYPE_NULL) {
    md_error_set(err, MD_ERR_INVALID, "column: the null type has no validity bitmap");
    return NULL;
  }
  if (column->validity) return column->validity;
  int64_t bytes = bitmap_bytes(column->capacity > 0 ? column->capacity : 1);
  bytes = (bytes + 63) & ~(int64_t)63;
  uint8_t *validity = md_alloc_zeroed((size_t)bytes);
  if (!validity) {
    md_error_set(err, MD_ERR_NOMEM, "column: out of memory for a validity bitmap");
    return NULL;
  }
  bitmap_fill(validity, 0, column->length, true);
  column->validity = validity;
  column->validity_bytes = bytes;
  return validity;
}

void column_recount_nulls(md_column *column) {
  if (column->type.id == MD_TYPE_NULL) column->null_count = column->length;
  else if (!column->validity) column->null_count = 0;
  else column->null_count = column->length - bitmap_count_set(column->validity, 0, column->length);
}

void md_column_set_length(md_column *column, int64_t length) {
  /* Past the reserved capacity there is no memory to trust: clamp rather than read it. */
  if (length < 0) length = 0;
  if (length > column->capacity) length = column->capacity;
  column->length = length;
  column_recount_nulls(column);
}
