/* kernels_compare.c — =, <>, <, <=, >, >= over two columns of one type.
 *
 * Every type is compared three-way (-1, 0, 1) and the operator picks which of
 * the three outcomes are true from a 3-bit mask, so each physical layout needs
 * one loop, not six, and the loop has no branch on the operator. */
#include <stdlib.h>

#include "compute_internal.h"

static unsigned op_mask(expr_op op) {
  switch (op) {
    case EXPR_EQ: return 2;
    case EXPR_NE: return 5;
    case EXPR_LT: return 1;
    case EXPR_LE: return 3;
    case EXPR_GT: return 4;
    default: return 6; /* GE */
  }
}

static int compare_bytes(const uint8_t *a, int64_t a_len, const uint8_t *b, int64_t b_len) {
  int64_t common = a_len < b_len ? a_len : b_len;
  int c = common > 0 ? memcmp(a, b, (size_t)common) : 0;
  if (c != 0) return c < 0 ? -1 : 1;
  return (a_len > b_len) - (a_len < b_len);
}

#define CMP_LOOP(T)                                                            \
  for (int64_t i = 0; i < n; i++) {                                            \
    T u = ((const T *)x)[i], v = ((const T *)y)[i];                            \
    int c = (u > v) - (u < v);                                                 \
    r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));               \
  }

md_code kernel_compare(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  md_type type = md_column_type(a);
  uint8_t *bits = NULL;
  md_code code = bits_and(a, b, n, &bits, err);
  if (code != MD_OK) return code;
  md_column *column = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  if (!column) {
    free(bits);
    return err ? err->code : MD_ERR_NOMEM;
  }
  uint8_t *r = md_column_values_mut(column);
  memset(r, 0, (size_t)bits_bytes(n));
  unsigned mask = op_mask(op);
  const void *x = md_column_values(a), *y = md_column_values(b);
  switch (type.id) {
    case MD_TYPE_NULL: break;
    case MD_TYPE_BOOL:
      for (int64_t i = 0; i < n; i++) {
        int c = (int)md_bit_get(x, i) - (int)md_bit_get(y, i);
        r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));
      }
      break;
    case MD_TYPE_INT8: CMP_LOOP(int8_t) break;
    case MD_TYPE_INT16: CMP_LOOP(int16_t) break;
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: CMP_LOOP(int32_t) break;
    case MD_TYPE_INT64:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: CMP_LOOP(int64_t) break;
    case MD_TYPE_UINT8: CMP_LOOP(uint8_t) break;
    case MD_TYPE_UINT16: CMP_LOOP(uint16_t) break;
    case MD_TYPE_UINT32: CMP_LOOP(uint32_t) break;
    case MD_TYPE_UINT64: CMP_LOOP(uint64_t) break;
    case MD_TYPE_FLOAT32: CMP_LOOP(float) break;
    case MD_TYPE_FLOAT64: CMP_LOOP(double) break;
    case MD_TYPE_DECIMAL128:
      for (int64_t i = 0; i < n; i++) {
        i128 u = dec_load((const uint8_t *)x + i * 16), v = dec_load((const uint8_t *)y + i * 16);
        int c = (u > v) - (u < v);
        r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));
      }
      break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *xo = md_column_offsets(a), *yo = md_column_offsets(b);
      const uint8_t *xd = column_bytes(a), *yd = column_bytes(b);
      for (int64_t i = 0; i < n; i++) {
        int c = compare_bytes(xd + xo[i], xo[i + 1] - xo[i], yd + yo[i], yo[i + 1] - yo[i]);
        r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));
      }
      break;
    }
    case MD_TYPE_FIXED_BINARY: {
      int w = type.byte_width;
      for (int64_t i = 0; i < n; i++) {
        int c = compare_bytes((const uint8_t *)x + i * w, w, (const uint8_t *)y + i * w, w);
        r[i >> 3] |= (uint8_t)(((mask >> (c + 1)) & 1u) << (i & 7));
      }
      break;
    }
    default: {
      char name[64];
      md_type_to_string(type, name, sizeof name);
      code = md_error_set(err, MD_ERR_UNSUPPORTED, "%s: cannot compare %s values", expr_op_name(op), name);
    }
  }
  if (code == MD_OK) code = column_finish(column, n, type.id == MD_TYPE_NULL && !bits ? NULL : bits, err);
  if (code == MD_OK && type.id == MD_TYPE_NULL) code = md_column_append_nulls(column, 0, err);
  free(bits);
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}
