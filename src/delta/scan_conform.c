/* scan_conform.c — convert a data file's column to the table schema's type.
 *
 * Delta fixes the logical type in the log, but the Parquet files come from
 * many writers: Spark before 3 writes timestamps as INT96 (nanoseconds), some
 * writers use milliseconds, old files store strings as un-annotated binary or
 * bytes and shorts as plain INT32, and nested structs may lack fields added
 * later. When the column already matches we hand it on without a copy;
 * otherwise we rebuild it value by value (the slow path, rare in practice). */
#include "delta/scan_conform.h"

#include <string.h>

#include "delta/time_text.h"

/* Same type and, for nested types, the same children by name and type. */
static bool matches(const md_column *column, const md_field *src_field, const md_field *field) {
  if (!md_type_equal(md_column_type(column), md_field_type(field))) return false;
  if (!md_type_is_nested(md_column_type(column))) return true;
  int n = md_column_num_children(column);
  if (n != md_field_num_children(field) || n != md_field_num_children(src_field)) return false;
  for (int i = 0; i < n; i++) {
    const md_field *want = md_field_child(field, i), *have = md_field_child(src_field, i);
    bool positional = md_column_type(column).id != MD_TYPE_STRUCT; /* list/map child names vary by writer */
    if (!positional && strcmp(md_field_name(want), md_field_name(have)) != 0) return false;
    if (!matches(md_column_child((md_column *)column, i), have, want)) return false;
  }
  return true;
}

static bool is_integer_like(md_type_id id) {
  return (id >= MD_TYPE_INT8 && id <= MD_TYPE_UINT64) || id == MD_TYPE_DATE32;
}

static int64_t int_at(const md_column *c, int64_t row) {
  const void *v = md_column_values(c);
  switch (md_column_type(c).id) {
    case MD_TYPE_INT8: return ((const int8_t *)v)[row];
    case MD_TYPE_INT16: return ((const int16_t *)v)[row];
    case MD_TYPE_INT32: case MD_TYPE_DATE32: return ((const int32_t *)v)[row];
    case MD_TYPE_UINT8: return ((const uint8_t *)v)[row];
    case MD_TYPE_UINT16: return ((const uint16_t *)v)[row];
    case MD_TYPE_UINT32: return ((const uint32_t *)v)[row];
    default: return ((const int64_t *)v)[row];
  }
}

static bool int_fits(md_type_id id, int64_t v) {
  switch (id) {
    case MD_TYPE_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case MD_TYPE_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case MD_TYPE_INT32: case MD_TYPE_DATE32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
  }
}

static md_code mismatch(const md_column *src, const md_field *field, md_error *err) {
  char have[64], want[64];
  md_type_to_string(md_column_type(src), have, sizeof have);
  md_type_to_string(md_field_type(field), want, sizeof want);
  return md_error_set(err, MD_ERR_SCHEMA, "the file stores %s where the table has %s", have, want);
}

static md_code append_value(md_column *dst, const md_field *field, const md_column *src, const md_field *src_field,
                            int64_t row, md_error *err);

/* Struct children are matched by name: files written before a nested field
 * was added lack it (null), and writers need not keep the field order. */
static md_code append_struct(md_column *dst, const md_field *field, const md_column *src, const md_field *src_field,
                             int64_t row, md_error *err) {
  for (int i = 0; i < md_field_num_children(field); i++) {
    const md_field *want = md_field_child(field, i);
    int k = -1;
    for (int j = 0; j < md_field_num_children(src_field) && k < 0; j++)
      if (strcmp(md_field_name(md_field_child(src_field, j)), md_field_name(want)) == 0) k = j;
    md_column *dst_child = md_column_child(dst, i);
    md_code rc = k >= 0 && k < md_column_num_children(src)
                     ? append_value(dst_child, want, md_column_child((md_column *)src, k), md_field_child(src_field, k),
                                    row, err)
                     : md_column_append_null(dst_child, err);
    if (rc != MD_OK) return md_error_context(err, "%s", md_field_name(want));
  }
  return md_column_append_struct(dst, err);
}

static md_code append_list(md_column *dst, const md_field *field, const md_column *src, const md_field *src_field,
                           int64_t row, md_error *err) {
  const int32_t *offsets = md_column_offsets(src);
  const md_column *child = md_column_child((md_column *)src, 0);
  for (int32_t j = offsets[row]; j < offsets[row + 1]; j++) {
    md_code rc = append_value(md_column_child(dst, 0), md_field_child(field, 0), child, md_field_child(src_field, 0), j, err);
    if (rc != MD_OK) return rc;
  }
  return md_column_append_list(dst, err);
}

static md_code append_decimal(md_column *dst, md_type want, const md_column *src, int64_t row, md_error *err) {
  md_type have = md_column_type(src);
  if (have.scale != want.scale) return md_error_set(err, MD_ERR_SCHEMA, "decimal scale %d where the table has %d",
                                                    have.scale, want.scale);
  const uint8_t *p = (const uint8_t *)md_column_values(src) + row * 16;
  uint64_t low, high;
  memcpy(&low, p, 8);
  memcpy(&high, p + 8, 8);
  return md_column_append_decimal(dst, (int64_t)high, low, err);
}

static md_code append_value(md_column *dst, const md_field *field, const md_column *src, const md_field *src_field,
                            int64_t row, md_error *err) {
  md_type want = md_field_type(field);
  md_type have = md_column_type(src);
  if (want.id == MD_TYPE_NULL || md_column_is_null(src, row)) return md_column_append_null(dst, err);
  if (is_integer_like(want.id) && is_integer_like(have.id)) {
    int64_t v = int_at(src, row);
    if (!int_fits(want.id, v)) return md_error_set(err, MD_ERR_SCHEMA, "value %lld does not fit the table type", (long long)v);
    return md_column_append_int(dst, v, err);
  }
  switch (want.id) {
    case MD_TYPE_BOOL:
      if (have.id == MD_TYPE_BOOL) return md_column_append_bool(dst, md_bit_get(md_column_values(src), row), err);
      break;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64:
      if (have.id == MD_TYPE_FLOAT32) return md_column_append_double(dst, ((const float *)md_column_values(src))[row], err);
      if (have.id == MD_TYPE_FLOAT64 && want.id == MD_TYPE_FLOAT64)
        return md_column_append_double(dst, ((const double *)md_column_values(src))[row], err);
      if (is_integer_like(have.id) && want.id == MD_TYPE_FLOAT64)
        return md_column_append_double(dst, (double)int_at(src, row), err);
      break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
      if (have.id == MD_TYPE_UTF8 || have.id == MD_TYPE_BINARY) {
        const int32_t *o = md_column_offsets(src);
        return md_column_append_bytes(dst, md_column_data(src) + o[row], o[row + 1] - o[row], err);
      }
      if (have.id == MD_TYPE_FIXED_BINARY)
        return md_column_append_bytes(dst, (const uint8_t *)md_column_values(src) + row * have.byte_width,
                                      have.byte_width, err);
      break;
    case MD_TYPE_TIMESTAMP:
      if (have.id == MD_TYPE_TIMESTAMP && want.unit == MD_MICRO)
        return md_column_append_int(dst, delta_timestamp_to_micros(((const int64_t *)md_column_values(src))[row], have.unit), err);
      break;
    case MD_TYPE_DECIMAL128:
      if (have.id == MD_TYPE_DECIMAL128) return append_decimal(dst, want, src, row, err);
      break;
    case MD_TYPE_STRUCT:
      if (have.id == MD_TYPE_STRUCT) return append_struct(dst, field, src, src_field, row, err);
      break;
    case MD_TYPE_LIST:
    case MD_TYPE_MAP:
      if (have.id == want.id) return append_list(dst, field, src, src_field, row, err);
      break;
    default:
      if (md_type_equal(want, have) && md_type_fixed_width(want) > 0)
        return md_column_append_fixed(dst, (const uint8_t *)md_column_values(src) + row * md_type_fixed_width(want), err);
      break;
  }
  return mismatch(src, field, err);
}

md_code delta_conform_column(md_column *src, const md_field *src_field, const md_field *field, md_column **out,
                             md_error *err) {
  if (matches(src, src_field, field)) {
    *out = md_column_ref(src);
    return MD_OK;
  }
  md_column *dst = md_column_new_for_field(field);
  if (!dst) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int64_t n = md_column_length(src);
  for (int64_t row = 0; row < n; row++) {
    md_code rc = append_value(dst, field, src, src_field, row, err);
    if (rc != MD_OK) {
      md_column_free(dst);
      return rc;
    }
  }
  *out = dst;
  return MD_OK;
}
