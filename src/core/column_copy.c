/* column_copy.c — copying row ranges between columns: md_column_slice_copy and
 * md_column_append_column share one recursive range copy.
 *
 * Sources may be imported columns whose offsets do not start at zero, so every
 * offset is rebased onto the destination's current end. */
#include <string.h>

#include "column_internal.h"

static md_code append_range(md_column *dst, const md_column *src, int64_t start, int64_t count, md_error *err);

static md_code copy_validity(md_column *dst, const md_column *src, int64_t start, int64_t count, md_error *err) {
  bool src_has_nulls = src->null_count > 0 && bitmap_count_set(src->validity, start, count) != count;
  if (src_has_nulls) {
    uint8_t *validity = md_column_validity_mut(dst, err);
    if (!validity) return err ? err->code : MD_ERR_NOMEM;
    bitmap_copy(validity, dst->length, src->validity, start, count);
  } else if (dst->validity) {
    bitmap_fill(dst->validity, dst->length, count, true);
  }
  return MD_OK;
}

/* Copies the range of src's offsets (and returns the child/data range they span). */
static md_code copy_offsets(md_column *dst, const md_column *src, int64_t start, int64_t count, int64_t base,
                            int64_t *from, int64_t *to, md_error *err) {
  *from = src->offsets[start];
  *to = src->offsets[start + count];
  if (*to - *from > INT32_MAX - base)
    return md_error_set(err, MD_ERR_NOMEM, "column: appended data exceeds %d entries (int32 offsets)", INT32_MAX);
  for (int64_t i = 1; i <= count; i++)
    dst->offsets[dst->length + i] = (int32_t)(base + (src->offsets[start + i] - *from));
  return MD_OK;
}

static md_code append_range(md_column *dst, const md_column *src, int64_t start, int64_t count, md_error *err) {
  if (count == 0) return MD_OK;
  int64_t data_bytes = 0;
  if (md_type_is_variable(src->type)) data_bytes = src->offsets[start + count] - src->offsets[start];
  md_code code = md_column_reserve(dst, count, data_bytes, err);
  if (code != MD_OK) return code;
  if (src->type.id != MD_TYPE_NULL && (code = copy_validity(dst, src, start, count, err)) != MD_OK) return code;
  int width = md_type_fixed_width(src->type);
  int64_t from = 0, to = 0;
  switch (src->type.id) {
    case MD_TYPE_NULL:
    case MD_TYPE_STRUCT: break;
    case MD_TYPE_BOOL: bitmap_copy(dst->values, dst->length, src->values, start, count); break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      int64_t base = dst->offsets[dst->length];
      if ((code = copy_offsets(dst, src, start, count, base, &from, &to, err)) != MD_OK) return code;
      if (to > from) memcpy(dst->values + base, src->values + from, (size_t)(to - from));
      break;
    }
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: {
      int64_t base = dst->children[0]->length;
      if ((code = copy_offsets(dst, src, start, count, base, &from, &to, err)) != MD_OK) return code;
      if ((code = append_range(dst->children[0], src->children[0], from, to - from, err)) != MD_OK) return code;
      break;
    }
    default:
      memcpy(dst->values + dst->length * width, src->values + start * width, (size_t)(count * width));
      break;
  }
  if (src->type.id == MD_TYPE_STRUCT) {
    for (int i = 0; i < src->num_children; i++)
      if ((code = append_range(dst->children[i], src->children[i], start, count, err)) != MD_OK) return code;
  }
  if (src->type.id == MD_TYPE_NULL) dst->null_count += count;
  else if (src->validity) dst->null_count += count - bitmap_count_set(src->validity, start, count);
  dst->length += count;
  return MD_OK;
}

md_code md_column_slice_copy(const md_column *column, int64_t offset, int64_t length, md_column **out,
                             md_error *err) {
  if (!column || !out) return md_error_set(err, MD_ERR_INVALID, "column: NULL argument to slice_copy");
  if (offset < 0 || length < 0 || offset > column->length || length > column->length - offset)
    return md_error_set(err, MD_ERR_INVALID, "column: slice [%lld, +%lld) outside %lld rows", (long long)offset,
                        (long long)length, (long long)column->length);
  md_column *slice = column_new_like(column);
  if (!slice) return md_error_set(err, MD_ERR_NOMEM, "column: out of memory for a slice");
  md_code code = append_range(slice, column, offset, length, err);
  if (code != MD_OK) {
    md_column_free(slice);
    return code;
  }
  *out = slice;
  return MD_OK;
}

md_code md_column_append_column(md_column *dst, const md_column *src, md_error *err) {
  if (!dst || !src) return md_error_set(err, MD_ERR_INVALID, "column: NULL argument to append_column");
  if (!column_same_shape(dst, src)) {
    char want[64], got[64];
    md_type_to_string(dst->type, want, sizeof want);
    md_type_to_string(src->type, got, sizeof got);
    return md_error_set(err, MD_ERR_SCHEMA, "column: cannot append a %s column to a %s column", got, want);
  }
  md_code code = column_check_writable(dst, err);
  if (code != MD_OK) return code;
  return append_range(dst, src, 0, src->length, err);
}

static md_code check_append(const md_column *dst, const md_column *src, md_error *err) {
  if (!column_same_shape(dst, src)) {
    char want[64], got[64];
    md_type_to_string(dst->type, want, sizeof want);
    md_type_to_string(src->type, got, sizeof got);
    return md_error_set(err, MD_ERR_SCHEMA, "column: cannot append a %s column to a %s column", got, want);
  }
  return column_check_writable(dst, err);
}

md_code md_column_append_range(md_column *dst, const md_column *src, int64_t offset, int64_t length,
                               md_error *err) {
  if (!dst || !src) return md_error_set(err, MD_ERR_INVALID, "column: NULL argument to append_range");
  if (offset < 0 || length < 0 || offset > src->length || length > src->length - offset)
    return md_error_set(err, MD_ERR_INVALID, "column: range [%lld, +%lld) outside %lld rows", (long long)offset,
                        (long long)length, (long long)src->length);
  md_code code = check_append(dst, src, err);
  if (code != MD_OK) return code;
  return append_range(dst, src, offset, length, err);
}

md_code md_column_append_rows(md_column *dst, const md_column *src, const int64_t *rows, int64_t n,
                              md_error *err) {
  if (!dst || !src || (n > 0 && !rows) || n < 0)
    return md_error_set(err, MD_ERR_INVALID, "column: bad arguments to append_rows");
  md_code code = check_append(dst, src, err);
  if (code != MD_OK) return code;
  bool variable = md_type_is_variable(src->type);
  int64_t bytes = 0;
  for (int64_t i = 0; i < n; i++) {
    if (rows[i] < 0 || rows[i] >= src->length)
      return md_error_set(err, MD_ERR_INVALID, "column: row %lld outside %lld rows", (long long)rows[i],
                          (long long)src->length);
    if (variable) bytes += src->offsets[rows[i] + 1] - src->offsets[rows[i]];
  }
  int width = md_type_fixed_width(src->type);
  bool flat = variable || width > 0 || src->type.id == MD_TYPE_BOOL;
  if (!flat || (variable && src->type.id != MD_TYPE_UTF8 && src->type.id != MD_TYPE_BINARY)) {
    /* Nested and null columns: one range copy per run of consecutive rows. */
    for (int64_t i = 0; i < n && code == MD_OK;) {
      int64_t j = i + 1;
      while (j < n && rows[j] == rows[j - 1] + 1) j++;
      code = append_range(dst, src, rows[i], j - i, err);
      i = j;
    }
    return code;
  }
  if (bytes > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "column: appended data exceeds %d bytes", INT32_MAX);
  if ((code = md_column_reserve(dst, n, bytes, err)) != MD_OK) return code;
  int64_t base = dst->length, nulls = 0;
  if (src->null_count > 0) {
    uint8_t *validity = md_column_validity_mut(dst, err);
    if (!validity) return err ? err->code : MD_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++) {
      bool valid = md_bit_get(src->validity, rows[i]);
      if (valid) md_bit_set(validity, base + i);
      else md_bit_clear(validity, base + i);
      nulls += !valid;
    }
  } else if (dst->validity) {
    bitmap_fill(dst->validity, base, n, true);
  }
  if (variable) {
    int32_t pos = dst->offsets[base];
    for (int64_t i = 0; i < n; i++) {
      int32_t start = src->offsets[rows[i]], len = src->offsets[rows[i] + 1] - start;
      if (len > 0) memcpy(dst->values + pos, src->values + start, (size_t)len);
      pos += len;
      dst->offsets[base + i + 1] = pos;
    }
  } else if (src->type.id == MD_TYPE_BOOL) {
    for (int64_t i = 0; i < n; i++) {
      if (md_bit_get(src->values, rows[i])) md_bit_set(dst->values, base + i);
      else md_bit_clear(dst->values, base + i);
    }
  } else {
    uint8_t *out = dst->values + base * width;
    const uint8_t *in = src->values;
#define GATHER(T) for (int64_t i = 0; i < n; i++) ((T *)(void *)out)[i] = ((const T *)(const void *)in)[rows[i]];
    if (width == 8) GATHER(uint64_t)
    else if (width == 4) GATHER(uint32_t)
    else if (width == 2) GATHER(uint16_t)
    else if (width == 1) GATHER(uint8_t)
    else
      for (int64_t i = 0; i < n; i++) memcpy(out + i * width, in + rows[i] * width, (size_t)width);
#undef GATHER
  }
  dst->length += n;
  dst->null_count += nulls;
  return MD_OK;
}
