/* column_util.c — building result columns, broadcasting literals, gathering
 * rows by index (the "take" every operator ends with), and reading single
 * values for error messages.
 *
 * Kernels write straight into reserved buffers and commit once with
 * column_finish; that keeps them free of per-row append calls. */
#include <stdlib.h>

#include "compute_internal.h"

uint8_t *bits_new(int64_t n, bool value) {
  size_t bytes = (size_t)bits_bytes(n > 0 ? n : 1);
  uint8_t *bits = malloc(bytes);
  if (bits) memset(bits, value ? 0xff : 0, bytes);
  return bits;
}

void bits_copy_validity(uint8_t *dst, const md_column *column, int64_t n) {
  const uint8_t *validity = md_column_validity(column);
  if (md_column_type(column).id == MD_TYPE_NULL) memset(dst, 0, (size_t)bits_bytes(n));
  else if (!validity) memset(dst, 0xff, (size_t)bits_bytes(n));
  else memcpy(dst, validity, (size_t)bits_bytes(n));
}

md_code bits_and(const md_column *a, const md_column *b, int64_t n, uint8_t **out, md_error *err) {
  bool a_all = md_column_type(a).id != MD_TYPE_NULL && !md_column_validity(a);
  bool b_all = !b || (md_column_type(b).id != MD_TYPE_NULL && !md_column_validity(b));
  *out = NULL;
  if (a_all && b_all) return MD_OK;
  uint8_t *bits = bits_new(n, true);
  if (!bits) return md_error_set(err, MD_ERR_NOMEM, "out of memory for a validity bitmap");
  int64_t bytes = bits_bytes(n);
  const md_column *sides[2] = {a, b};
  for (int s = 0; s < 2; s++) {
    const md_column *c = sides[s];
    if (!c) continue;
    if (md_column_type(c).id == MD_TYPE_NULL) memset(bits, 0, (size_t)bytes);
    else if (md_column_validity(c))
      for (int64_t i = 0; i < bytes; i++) bits[i] &= md_column_validity(c)[i];
  }
  *out = bits;
  return MD_OK;
}

md_column *column_begin(md_type type, int64_t n, int64_t data_bytes, md_error *err) {
  md_column *column = md_column_new(type);
  if (!column) {
    md_error_set(err, MD_ERR_NOMEM, "out of memory for a result column");
    return NULL;
  }
  /* One spare row and data byte keep every buffer pointer non-NULL, so kernels
   * need no special case for empty columns (memset/memcpy reject NULL). */
  if (md_column_reserve(column, n + 1, md_type_is_variable(type) ? data_bytes + 1 : 0, err) != MD_OK) {
    md_column_free(column);
    return NULL;
  }
  return column;
}

md_code column_finish(md_column *column, int64_t n, const uint8_t *bits, md_error *err) {
  if (md_column_type(column).id == MD_TYPE_NULL) {
    md_column_set_length(column, n);
    return MD_OK;
  }
  if (bits) {
    bool all_valid = true;
    int64_t whole = n / 8;
    for (int64_t i = 0; i < whole && all_valid; i++) all_valid = bits[i] == 0xff;
    for (int64_t i = whole * 8; i < n && all_valid; i++) all_valid = md_bit_get(bits, i);
    if (!all_valid) {
      uint8_t *validity = md_column_validity_mut(column, err);
      if (!validity) return err ? err->code : MD_ERR_NOMEM;
      if (n > 0) memcpy(validity, bits, (size_t)bits_bytes(n));
    }
  }
  md_column_set_length(column, n);
  return MD_OK;
}

md_code column_finish_out(md_column *column, int64_t n, const uint8_t *bits, md_column **out, md_error *err) {
  md_code code = column_finish(column, n, bits, err);
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}

/* The scalar's value in the column's little-endian layout (width bytes). */
static void encode_fixed(const md_scalar *v, int width, uint8_t *out) {
  memset(out, 0, 16);
  if (type_is_float(v->type)) {
    if (width == 4) {
      float f = (float)v->v.f;
      memcpy(out, &f, 4);
    } else {
      memcpy(out, &v->v.f, 8);
    }
  } else if (v->type.id == MD_TYPE_DECIMAL128) {
    memcpy(out, &v->v.decimal.low, 8);
    memcpy(out + 8, &v->v.decimal.high, 8);
  } else if (v->type.id == MD_TYPE_FIXED_BINARY) {
    memcpy(out, v->v.bytes.ptr, (size_t)width);
  } else {
    memcpy(out, &v->v.i, (size_t)(width < 8 ? width : 8)); /* little-endian truncation */
  }
}

md_code column_broadcast(const md_scalar *value, int64_t n, md_column **out, md_error *err) {
  md_type type = value->type;
  int64_t len = 0;
  bool variable = md_type_is_variable(type);
  if (variable && !value->is_null) {
    len = value->v.bytes.length;
    if (len > 0 && n > INT32_MAX / len) return md_error_set(err, MD_ERR_NOMEM, "literal repeated %lld times exceeds 2 GiB", (long long)n);
  }
  md_column *column = column_begin(type, n, len * n, err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  md_code code = MD_OK;
  if (value->is_null || type.id == MD_TYPE_NULL) {
    code = md_column_append_nulls(column, n, err);
  } else {
    if (variable) {
      int32_t *offsets = md_column_offsets_mut(column);
      uint8_t *data = md_column_data_mut(column);
      for (int64_t i = 0; i < n; i++) {
        if (len > 0) memcpy(data + i * len, value->v.bytes.ptr, (size_t)len);
        offsets[i + 1] = (int32_t)((i + 1) * len);
      }
    } else if (type.id == MD_TYPE_BOOL) {
      memset(md_column_values_mut(column), value->v.b ? 0xff : 0, (size_t)bits_bytes(n));
    } else {
      int width = md_type_fixed_width(type);
      uint8_t one[16];
      encode_fixed(value, width, one);
      uint8_t *values = md_column_values_mut(column);
      if (width == 8) {
        uint64_t word;
        memcpy(&word, one, 8);
        for (int64_t i = 0; i < n; i++) memcpy(values + i * 8, &word, 8);
      } else {
        for (int64_t i = 0; i < n; i++) memcpy(values + i * width, one, (size_t)width);
      }
    }
    code = column_finish(column, n, NULL, err);
  }
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}

md_scalar column_scalar_at(const md_column *column, int64_t i) {
  md_scalar v;
  memset(&v, 0, sizeof v);
  v.type = md_column_type(column);
  if (md_column_is_null(column, i)) {
    v.is_null = true;
    return v;
  }
  const uint8_t *values = md_column_values(column);
  switch (v.type.id) {
    case MD_TYPE_BOOL: v.v.b = md_bit_get(values, i); break;
    case MD_TYPE_INT8: v.v.i = ((const int8_t *)values)[i]; break;
    case MD_TYPE_INT16: v.v.i = ((const int16_t *)values)[i]; break;
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: v.v.i = ((const int32_t *)values)[i]; break;
    case MD_TYPE_INT64:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: v.v.i = ((const int64_t *)values)[i]; break;
    case MD_TYPE_UINT8: v.v.u = ((const uint8_t *)values)[i]; break;
    case MD_TYPE_UINT16: v.v.u = ((const uint16_t *)values)[i]; break;
    case MD_TYPE_UINT32: v.v.u = ((const uint32_t *)values)[i]; break;
    case MD_TYPE_UINT64: v.v.u = ((const uint64_t *)values)[i]; break;
    case MD_TYPE_FLOAT32: v.v.f = ((const float *)values)[i]; break;
    case MD_TYPE_FLOAT64: v.v.f = ((const double *)values)[i]; break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *offsets = md_column_offsets(column);
      v.v.bytes.ptr = column_bytes(column) + offsets[i];
      v.v.bytes.length = offsets[i + 1] - offsets[i];
      break;
    }
    case MD_TYPE_FIXED_BINARY:
      v.v.bytes.ptr = values + i * v.type.byte_width;
      v.v.bytes.length = v.type.byte_width;
      break;
    case MD_TYPE_DECIMAL128:
      memcpy(&v.v.decimal.low, values + i * 16, 8);
      memcpy(&v.v.decimal.high, values + i * 16 + 8, 8);
      break;
    default: v.is_null = true; break; /* nested and interval values have no scalar form */
  }
  return v;
}

void column_format_value(const md_column *column, int64_t i, char *buf, size_t size) {
  md_scalar v = column_scalar_at(column, i);
  scalar_format(&v, buf, size);
}

enum { TAKE_SLACK = 16 };

md_code column_take(const md_column *column, const int64_t *indices, int64_t n, md_column **out, md_error *err) {
  md_type type = md_column_type(column);
  if (md_type_is_nested(type) || type.id == MD_TYPE_INTERVAL_MDN) {
    char name[64];
    md_type_to_string(type, name, sizeof name);
    return md_error_set(err, MD_ERR_UNSUPPORTED, "gathering rows of %s columns is not supported", name);
  }
  const uint8_t *validity = md_column_validity(column);
  bool any_missing = false;
  for (int64_t i = 0; i < n && !any_missing; i++) any_missing = indices[i] < 0;
  int64_t data_bytes = 0;
  const int32_t *offsets = md_column_offsets(column);
  if (md_type_is_variable(type))
    for (int64_t i = 0; i < n; i++)
      if (indices[i] >= 0) data_bytes += offsets[indices[i] + 1] - offsets[indices[i]];
  if (data_bytes > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "gathered strings exceed 2 GiB");
  /* TAKE_SLACK spare bytes let short strings be copied with one fixed-size move. */
  md_column *result = column_begin(type, n, md_type_is_variable(type) ? data_bytes + TAKE_SLACK : 0, err);
  if (!result) return err ? err->code : MD_ERR_NOMEM;
  if (type.id == MD_TYPE_NULL) {
    md_column_set_length(result, n);
    *out = result;
    return MD_OK;
  }
  uint8_t *bits = NULL;
  if (validity || any_missing) {
    bits = bits_new(n, true);
    if (!bits) {
      md_column_free(result);
      return md_error_set(err, MD_ERR_NOMEM, "out of memory gathering rows");
    }
    for (int64_t i = 0; i < n; i++)
      if (indices[i] < 0 || (validity && !md_bit_get(validity, indices[i]))) md_bit_clear(bits, i);
  }
  if (md_type_is_variable(type)) {
    const uint8_t *data = column_bytes(column);
    int32_t *dst_offsets = md_column_offsets_mut(result);
    uint8_t *dst = md_column_data_mut(result);
    int32_t pos = 0, data_end = offsets[md_column_length(column)];
    dst_offsets[0] = 0;
    for (int64_t i = 0; i < n; i++) {
      if (indices[i] >= 0) {
        int32_t start = offsets[indices[i]], len = offsets[indices[i] + 1] - start;
        /* Short values (codes, names) with one 16-byte move, not a libc call
         * each, where the source has 16 bytes from start; the destination
         * always has TAKE_SLACK spare bytes. */
        if (len <= TAKE_SLACK && data_end - start >= TAKE_SLACK) memcpy(dst + pos, data + start, TAKE_SLACK);
        else memcpy(dst + pos, data + start, (size_t)len);
        pos += len;
      }
      dst_offsets[i + 1] = pos;
    }
  } else if (type.id == MD_TYPE_BOOL) {
    const uint8_t *src = md_column_values(column);
    uint8_t *dst = md_column_values_mut(result);
    memset(dst, 0, (size_t)bits_bytes(n));
    for (int64_t i = 0; i < n; i++)
      if (indices[i] >= 0 && md_bit_get(src, indices[i])) md_bit_set(dst, i);
  } else {
    int width = md_type_fixed_width(type);
    const uint8_t *src = md_column_values(column);
    uint8_t *dst = md_column_values_mut(result);
#define TAKE_LOOP(T)                                                               \
  for (int64_t i = 0; i < n; i++) ((T *)dst)[i] = indices[i] >= 0 ? ((const T *)src)[indices[i]] : 0;
    if (width == 8) TAKE_LOOP(uint64_t)
    else if (width == 4) TAKE_LOOP(uint32_t)
    else if (width == 2) TAKE_LOOP(uint16_t)
    else if (width == 1) TAKE_LOOP(uint8_t)
    else
      for (int64_t i = 0; i < n; i++) {
        if (indices[i] >= 0) memcpy(dst + i * width, src + indices[i] * width, (size_t)width);
        else memset(dst + i * width, 0, (size_t)width);
      }
#undef TAKE_LOOP
  }
  md_code code = column_finish(result, n, bits, err);
  free(bits);
  if (code != MD_OK) {
    md_column_free(result);
    return code;
  }
  *out = result;
  return MD_OK;
}

md_code batch_build(md_schema *schema, md_column **columns, int n, md_code code, md_batch **out, md_error *err) {
  if (code == MD_OK && !schema) code = md_error_set(err, MD_ERR_NOMEM, "out of memory building a batch");
  if (code != MD_OK) {
    for (int i = 0; columns && i < n; i++) md_column_free(columns[i]);
    md_schema_free(schema);
  } else {
    code = md_batch_new(schema, columns, n, out, err);
  }
  free(columns);
  return code;
}

md_code batch_take(const md_batch *batch, const int64_t *indices, int64_t n, md_batch **out, md_error *err) {
  int count = md_batch_num_columns(batch);
  md_column **columns = calloc(count > 0 ? (size_t)count : 1, sizeof *columns);
  if (!columns) return md_error_set(err, MD_ERR_NOMEM, "out of memory gathering rows");
  md_code code = MD_OK;
  for (int i = 0; i < count && code == MD_OK; i++) {
    code = column_take(md_batch_column(batch, i), indices, n, &columns[i], err);
    if (code != MD_OK)
      md_error_context(err, "column %s", md_field_name(md_schema_field(md_batch_schema(batch), i)));
  }
  return batch_build(code == MD_OK ? md_schema_copy(md_batch_schema(batch)) : NULL, columns, count, code, out, err);
}
