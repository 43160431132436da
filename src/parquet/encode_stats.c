/* encode_stats.c — min/max statistics in each column's defined order.
 *
 * Orders follow parquet.thrift's ColumnOrder notes: signed for INT32/INT64
 * (dates, times, timestamps, small decimals), unsigned for UINT_* (the bit
 * patterns compared as unsigned), unsigned lexicographic for byte arrays and
 * fixed binary, signed numeric for big-endian decimals. Floats skip NaN (and
 * count them), and a zero bound is written as -0.0 for min and +0.0 for max,
 * so readers that treat both zeros alike still prune correctly. */
#include "parquet/encode_stats.h"

#include <math.h>
#include <string.h>

void encode_stats_init(encode_stats *stats, writer_order order, int width) {
  memset(stats, 0, sizeof *stats);
  stats->order = order;
  stats->width = width;
  writer_buf_init(&stats->min_bytes);
  writer_buf_init(&stats->max_bytes);
}

void encode_stats_reset(encode_stats *stats) {
  stats->has_min_max = false;
  stats->null_count = 0;
  stats->nan_count = 0;
  stats->min_bytes.size = 0;
  stats->max_bytes.size = 0;
}

void encode_stats_free(encode_stats *stats) {
  writer_buf_free(&stats->min_bytes);
  writer_buf_free(&stats->max_bytes);
}

static void set_bytes(writer_buf *buf, const uint8_t *bytes, int64_t length) {
  buf->size = 0;
  writer_buf_append(buf, bytes, (size_t)length);
}

/* memcmp with the shorter value first on a shared prefix. */
static int compare_unsigned(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  size_t n = a_len < b_len ? a_len : b_len;
  int c = n ? memcmp(a, b, n) : 0;
  if (c) return c;
  return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

static int compare_signed_be(const uint8_t *a, const uint8_t *b, int width) {
  if (a[0] != b[0]) return (int)(int8_t)a[0] < (int)(int8_t)b[0] ? -1 : 1;
  return width > 1 ? memcmp(a + 1, b + 1, (size_t)width - 1) : 0;
}

static void update_bytes_bound(encode_stats *stats, const uint8_t *v, int64_t length, bool signed_be) {
  if (!stats->has_min_max) {
    set_bytes(&stats->min_bytes, v, length);
    set_bytes(&stats->max_bytes, v, length);
    stats->has_min_max = true;
    return;
  }
  int cmin = signed_be ? compare_signed_be(v, stats->min_bytes.data, stats->width)
                       : compare_unsigned(v, (size_t)length, stats->min_bytes.data, stats->min_bytes.size);
  if (cmin < 0) {
    set_bytes(&stats->min_bytes, v, length);
    return;
  }
  int cmax = signed_be ? compare_signed_be(v, stats->max_bytes.data, stats->width)
                       : compare_unsigned(v, (size_t)length, stats->max_bytes.data, stats->max_bytes.size);
  if (cmax > 0) set_bytes(&stats->max_bytes, v, length);
}

/* One tight loop per primitive order; the compiler vectorises min/max reductions. */
#define MINMAX_LOOP(ctype, field)                                    \
  do {                                                               \
    const ctype *v = (const ctype *)(const void *)values;           \
    ctype lo = v[0], hi = v[0];                                     \
    for (int64_t k = 1; k < count; k++) {                            \
      lo = v[k] < lo ? v[k] : lo;                                    \
      hi = v[k] > hi ? v[k] : hi;                                    \
    }                                                                \
    if (!stats->has_min_max || lo < (ctype)stats->min.field) stats->min.field = lo; \
    if (!stats->has_min_max || hi > (ctype)stats->max.field) stats->max.field = hi; \
    stats->has_min_max = true;                                       \
  } while (0)

static void update_floating(encode_stats *stats, const uint8_t *values, int64_t count, bool is_float) {
  double lo = INFINITY, hi = -INFINITY;
  bool any = false;
  int64_t nans = 0;
  for (int64_t k = 0; k < count; k++) {
    double x;
    if (is_float) {
      float f;
      memcpy(&f, values + 4 * k, 4);
      x = f;
    } else {
      memcpy(&x, values + 8 * k, 8);
    }
    if (isnan(x)) {
      nans++;
      continue;
    }
    any = true;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  stats->nan_count += nans;
  if (!any) return;
  if (!stats->has_min_max || lo < stats->min.d) stats->min.d = lo;
  if (!stats->has_min_max || hi > stats->max.d) stats->max.d = hi;
  stats->has_min_max = true;
}

void encode_stats_update_fixed(encode_stats *stats, const uint8_t *values, int64_t count) {
  if (count <= 0) return;
  switch (stats->order) {
    case WRITER_ORDER_INT32: MINMAX_LOOP(int32_t, i); break;
    case WRITER_ORDER_UINT32: MINMAX_LOOP(uint32_t, u); break;
    case WRITER_ORDER_INT64: MINMAX_LOOP(int64_t, i); break;
    case WRITER_ORDER_UINT64: MINMAX_LOOP(uint64_t, u); break;
    case WRITER_ORDER_FLOAT: update_floating(stats, values, count, true); break;
    case WRITER_ORDER_DOUBLE: update_floating(stats, values, count, false); break;
    case WRITER_ORDER_BYTES:
    case WRITER_ORDER_SIGNED_BE:
      for (int64_t k = 0; k < count; k++)
        update_bytes_bound(stats, values + k * stats->width, stats->width, stats->order == WRITER_ORDER_SIGNED_BE);
      break;
    default: break;
  }
}

void encode_stats_update_bytes(encode_stats *stats, const uint8_t *bytes, int64_t length) {
  if (stats->order == WRITER_ORDER_BYTES) update_bytes_bound(stats, bytes, length, false);
}

void encode_stats_update_bools(encode_stats *stats, const uint8_t *bits, int64_t offset, int64_t count) {
  if (count <= 0 || stats->order != WRITER_ORDER_BOOL) return;
  if (stats->has_min_max && stats->min.i == 0 && stats->max.i == 1) return;
  bool any_true = false, any_false = false;
  for (int64_t k = offset; k < offset + count && !(any_true && any_false); k++) {
    if (md_bit_get(bits, k)) any_true = true;
    else any_false = true;
  }
  int64_t lo = any_false ? 0 : 1, hi = any_true ? 1 : 0;
  if (!stats->has_min_max || lo < stats->min.i) stats->min.i = lo;
  if (!stats->has_min_max || hi > stats->max.i) stats->max.i = hi;
  stats->has_min_max = true;
}

/* PLAIN encoding of a bound (no length prefix for byte arrays). */
static size_t encode_bound(const encode_stats *stats, bool is_min, uint8_t *scratch, const uint8_t **out) {
  const writer_buf *bytes = is_min ? &stats->min_bytes : &stats->max_bytes;
  int64_t i = is_min ? stats->min.i : stats->max.i;
  double d = is_min ? stats->min.d : stats->max.d;
  *out = scratch;
  switch (stats->order) {
    case WRITER_ORDER_BOOL: scratch[0] = (uint8_t)i; return 1;
    case WRITER_ORDER_INT32:
    case WRITER_ORDER_UINT32: {
      uint32_t v = (uint32_t)i;
      memcpy(scratch, &v, 4);
      return 4;
    }
    case WRITER_ORDER_INT64:
    case WRITER_ORDER_UINT64: memcpy(scratch, &i, 8); return 8;
    case WRITER_ORDER_FLOAT: {
      if (d == 0) d = is_min ? -0.0 : 0.0;
      float f = (float)d;
      memcpy(scratch, &f, 4);
      return 4;
    }
    case WRITER_ORDER_DOUBLE:
      if (d == 0) d = is_min ? -0.0 : 0.0;
      memcpy(scratch, &d, 8);
      return 8;
    default: *out = bytes->data; return bytes->size;
  }
}

bool encode_stats_write(const encode_stats *stats, thrift_writer *w, int16_t id) {
  thrift_write_struct_begin(w, id);
  thrift_write_i64_field(w, 3, stats->null_count);
  if (stats->has_min_max && stats->order != WRITER_ORDER_NONE) {
    uint8_t min_scratch[8], max_scratch[8];
    const uint8_t *min_ptr, *max_ptr;
    size_t min_len = encode_bound(stats, true, min_scratch, &min_ptr);
    size_t max_len = encode_bound(stats, false, max_scratch, &max_ptr);
    if (stats->min_bytes.failed || stats->max_bytes.failed) return false;
    thrift_write_binary_field(w, 5, max_ptr, max_len);
    thrift_write_binary_field(w, 6, min_ptr, min_len);
    thrift_write_bool_field(w, 7, true);
    thrift_write_bool_field(w, 8, true);
  }
  if (stats->order == WRITER_ORDER_FLOAT || stats->order == WRITER_ORDER_DOUBLE)
    thrift_write_i64_field(w, 9, stats->nan_count);
  thrift_write_struct_end(w);
  return true;
}
