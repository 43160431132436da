/* column_append.c — appending one value (or a run of nulls) at a time.
 *
 * The convenient path for tests, sources and small results; decoders use the
 * bulk API instead. Each append reserves first, so a failure leaves the column
 * exactly as it was. */
#include <string.h>

#include "column_internal.h"

static md_code reserve_one(md_column *column, int64_t bytes, md_error *err) {
  return md_column_reserve(column, 1, bytes, err);
}

/* The row just written is valid: keep the bitmap (if any) in step. */
static void commit_valid(md_column *column) {
  if (column->validity) md_bit_set(column->validity, column->length);
  column->length++;
}

static md_code wrong_type(const md_column *column, const char *what, md_error *err) {
  char name[64];
  md_type_to_string(column->type, name, sizeof name);
  return md_error_set(err, MD_ERR_SCHEMA, "column: cannot append %s to a %s column", what, name);
}

md_code md_column_append_nulls(md_column *column, int64_t count, md_error *err) {
  if (count < 0) return md_error_set(err, MD_ERR_INVALID, "column: negative null count");
  md_code code = md_column_reserve(column, count, 0, err);
  if (code != MD_OK || count == 0) return code;
  if (column->type.id == MD_TYPE_STRUCT) {
    /* Struct children stay as long as the struct; a null row masks their slots. */
    for (int i = 0; i < column->num_children; i++) {
      code = md_column_reserve(column->children[i], count, 0, err);
      if (code != MD_OK) return code;
    }
  }
  if (column->type.id != MD_TYPE_NULL) {
    uint8_t *validity = md_column_validity_mut(column, err);
    if (!validity) return err ? err->code : MD_ERR_NOMEM;
    bitmap_fill(validity, column->length, count, false);
  }
  int width = md_type_fixed_width(column->type);
  if (width > 0) memset(column->values + column->length * width, 0, (size_t)(count * width));
  else if (column->type.id == MD_TYPE_BOOL) bitmap_fill(column->values, column->length, count, false);
  if (column->offsets) {
    int32_t end = column->offsets[column->length];
    for (int64_t i = 1; i <= count; i++) column->offsets[column->length + i] = end;
  }
  if (column->type.id == MD_TYPE_STRUCT) {
    for (int i = 0; i < column->num_children; i++) {
      /* Cannot fail: room was reserved above. */
      code = md_column_append_nulls(column->children[i], count, err);
      if (code != MD_OK) return code;
    }
  }
  column->length += count;
  column->null_count += count;
  return MD_OK;
}

md_code md_column_append_null(md_column *column, md_error *err) { return md_column_append_nulls(column, 1, err); }

md_code md_column_append_bool(md_column *column, bool value, md_error *err) {
  if (column->type.id != MD_TYPE_BOOL) return wrong_type(column, "a bool", err);
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  if (value) md_bit_set(column->values, column->length);
  else md_bit_clear(column->values, column->length);
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_int(md_column *column, int64_t value, md_error *err) {
  switch (column->type.id) {
    case MD_TYPE_INT8: case MD_TYPE_INT16: case MD_TYPE_INT32: case MD_TYPE_INT64:
    case MD_TYPE_UINT8: case MD_TYPE_UINT16: case MD_TYPE_UINT32: case MD_TYPE_UINT64:
    case MD_TYPE_DATE32: case MD_TYPE_TIME32: case MD_TYPE_TIME64: case MD_TYPE_TIMESTAMP: break;
    default: return wrong_type(column, "an integer", err);
  }
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  int width = md_type_fixed_width(column->type);
  uint8_t *slot = column->values + column->length * width;
  /* Truncation to the width is two's complement on every platform we build for. */
  switch (width) {
    case 1: { int8_t v = (int8_t)value; memcpy(slot, &v, 1); break; }
    case 2: { int16_t v = (int16_t)value; memcpy(slot, &v, 2); break; }
    case 4: { int32_t v = (int32_t)value; memcpy(slot, &v, 4); break; }
    default: memcpy(slot, &value, 8); break;
  }
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_double(md_column *column, double value, md_error *err) {
  if (column->type.id != MD_TYPE_FLOAT32 && column->type.id != MD_TYPE_FLOAT64)
    return wrong_type(column, "a floating-point value", err);
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  if (column->type.id == MD_TYPE_FLOAT32) {
    float narrow = (float)value;
    memcpy(column->values + column->length * 4, &narrow, 4);
  } else {
    memcpy(column->values + column->length * 8, &value, 8);
  }
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_bytes(md_column *column, const void *bytes, int64_t length, md_error *err) {
  if (length < 0 || (length > 0 && !bytes)) return md_error_set(err, MD_ERR_INVALID, "column: bad byte string");
  if (column->type.id == MD_TYPE_FIXED_BINARY) {
    if (length != column->type.byte_width)
      return md_error_set(err, MD_ERR_INVALID, "column: %lld bytes for a fixed_size_binary[%d] value",
                          (long long)length, (int)column->type.byte_width);
    return md_column_append_fixed(column, bytes, err);
  }
  if (!md_type_is_variable(column->type)) return wrong_type(column, "bytes", err);
  md_code code = reserve_one(column, length, err);
  if (code != MD_OK) return code;
  int32_t start = column->offsets[column->length];
  if (length > 0) memcpy(column->values + start, bytes, (size_t)length);
  column->offsets[column->length + 1] = start + (int32_t)length;
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_decimal(md_column *column, int64_t high, uint64_t low, md_error *err) {
  if (column->type.id != MD_TYPE_DECIMAL128) return wrong_type(column, "a decimal", err);
  uint8_t value[16];
  memcpy(value, &low, 8); /* little-endian: low half first */
  memcpy(value + 8, &high, 8);
  return md_column_append_fixed(column, value, err);
}

md_code md_column_append_fixed(md_column *column, const void *value, md_error *err) {
  int width = md_type_fixed_width(column->type);
  if (width <= 0) return wrong_type(column, "a fixed-width value", err);
  if (!value) return md_error_set(err, MD_ERR_INVALID, "column: NULL value");
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  memcpy(column->values + column->length * width, value, (size_t)width);
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_list(md_column *column, md_error *err) {
  if (column->type.id != MD_TYPE_LIST && column->type.id != MD_TYPE_MAP) return wrong_type(column, "a list", err);
  if (column->num_children != 1) return md_error_set(err, MD_ERR_SCHEMA, "column: list has no child column");
  int64_t end = column->children[0]->length;
  if (end > INT32_MAX)
    return md_error_set(err, MD_ERR_NOMEM, "column: list child exceeds %d values (int32 offsets)", INT32_MAX);
  if (end < column->offsets[column->length])
    return md_error_set(err, MD_ERR_INVALID, "column: list child shrank below the previous list's end");
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  column->offsets[column->length + 1] = (int32_t)end;
  commit_valid(column);
  return MD_OK;
}

md_code md_column_append_struct(md_column *column, md_error *err) {
  if (column->type.id != MD_TYPE_STRUCT) return wrong_type(column, "a struct row", err);
  for (int i = 0; i < column->num_children; i++) {
    if (column->children[i]->length != column->length + 1)
      return md_error_set(err, MD_ERR_INVALID, "column: struct child %d has %lld rows, expected %lld", i,
                          (long long)column->children[i]->length, (long long)column->length + 1);
  }
  md_code code = reserve_one(column, 0, err);
  if (code != MD_OK) return code;
  commit_valid(column);
  return MD_OK;
}
