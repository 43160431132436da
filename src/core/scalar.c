/* scalar.c — ordering of single values, as statistics pruning and literal
 * comparisons need it: nulls first, NaN greatest, bytes unsigned lexicographic. */
#include <string.h>

#include "medallion/core.h"

static int compare_doubles(double a, double b) {
  bool a_nan = a != a, b_nan = b != b;
  if (a_nan || b_nan) return (int)a_nan - (int)b_nan;
  return (a > b) - (a < b);
}

static int compare_bytes(const uint8_t *a, int64_t a_len, const uint8_t *b, int64_t b_len) {
  int64_t common = a_len < b_len ? a_len : b_len;
  if (common > 0) {
    int c = memcmp(a, b, (size_t)common);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return (a_len > b_len) - (a_len < b_len);
}

int md_scalar_compare(const md_scalar *a, const md_scalar *b) {
  if (a->is_null || b->is_null) return (int)b->is_null - (int)a->is_null;
  switch (a->type.id) {
    case MD_TYPE_BOOL: return (int)a->v.b - (int)b->v.b;
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case MD_TYPE_UINT8:
    case MD_TYPE_UINT16:
    case MD_TYPE_UINT32:
    case MD_TYPE_UINT64: return (a->v.u > b->v.u) - (a->v.u < b->v.u);
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: return compare_doubles(a->v.f, b->v.f);
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
    case MD_TYPE_FIXED_BINARY:
      return compare_bytes(a->v.bytes.ptr, a->v.bytes.length, b->v.bytes.ptr, b->v.bytes.length);
    case MD_TYPE_DECIMAL128:
      if (a->v.decimal.high != b->v.decimal.high) return a->v.decimal.high < b->v.decimal.high ? -1 : 1;
      return (a->v.decimal.low > b->v.decimal.low) - (a->v.decimal.low < b->v.decimal.low);
    default: return 0; /* null, interval and nested values have no order */
  }
}
