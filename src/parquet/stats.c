/* stats.c — column chunk statistics as typed scalars, for pruning.
 *
 * min_value / max_value are ordered by the column's logical type and are
 * preferred. The deprecated min / max were written with signed comparison, so
 * they are only trusted where signed order is the right order: booleans,
 * signed integers (and decimals stored in them), floats and doubles. A NaN
 * bound is never trusted. */
#include <math.h>
#include <string.h>

#include "parquet/decode.h"
#include "parquet/reader_internal.h"

static bool legacy_order_is_signed(const pq_leaf *leaf) {
  switch (leaf->conv) {
    case PQ_CONV_BOOL:
    case PQ_CONV_FLOAT:
    case PQ_CONV_DOUBLE:
    case PQ_CONV_DECIMAL_INT:
      return true;
    case PQ_CONV_INT:
      return leaf->is_signed;
    default:
      return false;
  }
}

static int64_t load_signed(const uint8_t *p, int width) {
  if (width == 4) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, p, 8);
  return v;
}

static bool decode_bound(const pq_leaf *leaf, pq_binary b, md_scalar *out) {
  memset(out, 0, sizeof *out);
  out->type = leaf->type;
  const uint8_t *p = b.ptr;
  uint32_t n = b.length;
  int w = leaf->src_width;
  bool fixed_size = leaf->physical != PQ_BYTE_ARRAY;
  if (fixed_size && n != (uint32_t)w) return false;
  switch (leaf->conv) {
    case PQ_CONV_BOOL: out->v.b = p[0] != 0; return true;
    case PQ_CONV_INT:
      if (leaf->is_signed) out->v.i = load_signed(p, w);
      else out->v.u = w == 4 ? (uint64_t)(uint32_t)load_signed(p, 4) : (uint64_t)load_signed(p, 8);
      return true;
    case PQ_CONV_FLOAT: {
      float f;
      memcpy(&f, p, 4);
      out->v.f = f;
      return !isnan(out->v.f);
    }
    case PQ_CONV_DOUBLE:
      memcpy(&out->v.f, p, 8);
      return !isnan(out->v.f);
    case PQ_CONV_FLOAT16:
      out->v.f = pq_half_to_float((uint16_t)(p[0] | p[1] << 8));
      return !isnan(out->v.f);
    case PQ_CONV_INT96:
      return pq_int96_to_unit(p, leaf->type.unit, &out->v.i);
    case PQ_CONV_DECIMAL_INT: {
      int64_t v = load_signed(p, w);
      out->v.decimal.low = (uint64_t)v;
      out->v.decimal.high = v < 0 ? -1 : 0;
      return true;
    }
    case PQ_CONV_DECIMAL_BYTES: {
      uint8_t le[16];
      if (pq_decimal_from_be(p, n, le, NULL) != MD_OK) return false;
      memcpy(&out->v.decimal.low, le, 8);
      memcpy(&out->v.decimal.high, le + 8, 8);
      return true;
    }
    case PQ_CONV_BYTES:
    case PQ_CONV_FIXED:
      out->v.bytes.ptr = p;
      out->v.bytes.length = n;
      return true;
    default:
      return false;
  }
}

void parquet_chunk_statistics(const pq_leaf *leaf, const pq_column_meta *meta, md_parquet_chunk_info *out) {
  out->has_null_count = false;
  out->has_min_max = false;
  out->min_max_deprecated = false;
  memset(&out->min, 0, sizeof out->min);
  memset(&out->max, 0, sizeof out->max);
  if (!meta->has_statistics) return;
  const pq_statistics *st = &meta->statistics;
  if (st->has_null_count && st->null_count >= 0) {
    out->has_null_count = true;
    out->null_count = st->null_count;
  }
  pq_binary lo = st->min_value, hi = st->max_value;
  bool deprecated = false;
  if (!lo.ptr || !hi.ptr) {
    if (!st->min.ptr || !st->max.ptr || !legacy_order_is_signed(leaf)) return;
    lo = st->min;
    hi = st->max;
    deprecated = true;
  }
  md_scalar min, max;
  if (!decode_bound(leaf, lo, &min) || !decode_bound(leaf, hi, &max)) return;
  out->min = min;
  out->max = max;
  out->has_min_max = true;
  out->min_max_deprecated = deprecated;
}
