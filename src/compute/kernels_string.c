/* kernels_string.c — string functions over utf8/binary columns: trim, upper,
 * lower, length, substring, starts_with, concat.
 *
 * Trim and case mapping touch ASCII bytes only, which is exactly silver's
 * normalisation rule and leaves multi-byte UTF-8 sequences intact (their bytes
 * are all >= 0x80). Length and substring count code points: a code point starts
 * at every byte that is not a continuation byte (10xxxxxx). */
#include <stdlib.h>

#include "compute_internal.h"

static bool is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool is_continuation(uint8_t c) { return (c & 0xC0) == 0x80; }

/* Byte offset of code point `chars` within s (or len when s is shorter). */
static int64_t skip_chars(const uint8_t *s, int64_t len, int64_t chars) {
  int64_t i = 0;
  while (i < len && chars > 0) {
    i++;
    while (i < len && is_continuation(s[i])) i++;
    chars--;
  }
  return i;
}

/* True when trim / upper / lower would return a's values as they are (the
 * common case for cleaned data): the result is then a's column itself, shared,
 * instead of a copy of every string. Null rows' bytes are checked too, which
 * only makes the answer more conservative. */
static bool unchanged(expr_op op, const md_column *a) {
  int64_t n = md_column_length(a);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  if (md_column_type(a).id == MD_TYPE_NULL || !off) return false;
  if (op == EXPR_TRIM) {
    for (int64_t i = 0; i < n; i++)
      if (off[i + 1] > off[i] && (is_space(data[off[i]]) || is_space(data[off[i + 1] - 1]))) return false;
    return true;
  }
  uint8_t lo = op == EXPR_UPPER ? 'a' : 'A', hi = op == EXPR_UPPER ? 'z' : 'Z';
  for (int32_t j = off[0]; j < off[n]; j++)
    if (data[j] >= lo && data[j] <= hi) return false;
  return true;
}

md_code kernel_string_unary(expr_op op, const md_column *a, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  const uint8_t *validity = md_column_validity(a);
  if (op == EXPR_LENGTH) {
    md_column *column = column_begin(md_type_make(MD_TYPE_INT32), n, 0, err);
    if (!column) return err ? err->code : MD_ERR_NOMEM;
    int32_t *r = md_column_values_mut(column);
    for (int64_t i = 0; i < n; i++) {
      int32_t count = 0;
      for (int32_t j = off[i]; j < off[i + 1]; j++) count += !is_continuation(data[j]);
      r[i] = count;
    }
    return column_finish_out(column, n, validity, out, err);
  }
  if (unchanged(op, a)) {
    *out = md_column_ref((md_column *)a);
    return MD_OK;
  }
  md_column *column = column_begin(md_column_type(a), n, md_column_data_size(a), err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  int32_t *ro = md_column_offsets_mut(column), pos = 0;
  uint8_t *rd = md_column_data_mut(column);
  ro[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    int32_t start = off[i], end = off[i + 1];
    if (op == EXPR_TRIM) {
      while (start < end && is_space(data[start])) start++;
      while (end > start && is_space(data[end - 1])) end--;
      memcpy(rd + pos, data + start, (size_t)(end - start));
    } else if (op == EXPR_UPPER) {
      for (int32_t j = start; j < end; j++) {
        uint8_t c = data[j];
        rd[pos + j - start] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
      }
    } else {
      for (int32_t j = start; j < end; j++) {
        uint8_t c = data[j];
        rd[pos + j - start] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
    }
    pos += end - start;
    ro[i + 1] = pos;
  }
  return column_finish_out(column, n, validity, out, err);
}

md_code kernel_substring(const md_column *a, int64_t start, int64_t length, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  md_column *column = column_begin(md_column_type(a), n, md_column_data_size(a), err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  int32_t *ro = md_column_offsets_mut(column), pos = 0;
  uint8_t *rd = md_column_data_mut(column);
  ro[0] = 0;
  /* SQL: characters [start, start + length) counting from 1; positions before 1
   * exist but hold nothing, so substring('abc', 0, 2) is 'a'. */
  int64_t first = start - 1, count = length;
  if (first < 0) {
    if (count >= 0) count = count + first < 0 ? 0 : count + first;
    first = 0;
  }
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *s = data + off[i];
    int64_t len = off[i + 1] - off[i];
    int64_t from = skip_chars(s, len, first);
    int64_t to = count < 0 ? len : from + skip_chars(s + from, len - from, count);
    memcpy(rd + pos, s + from, (size_t)(to - from));
    pos += (int32_t)(to - from);
    ro[i + 1] = pos;
  }
  return column_finish_out(column, n, md_column_validity(a), out, err);
}

md_code kernel_starts_with(const md_column *a, const uint8_t *prefix, int64_t len, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  md_column *column = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  uint8_t *r = md_column_values_mut(column);
  memset(r, 0, (size_t)bits_bytes(n));
  for (int64_t i = 0; i < n; i++)
    if (off[i + 1] - off[i] >= len && (len == 0 || memcmp(data + off[i], prefix, (size_t)len) == 0)) md_bit_set(r, i);
  return column_finish_out(column, n, md_column_validity(a), out, err);
}

md_code kernel_concat(md_column *const *args, int count, md_column **out, md_error *err) {
  int64_t n = md_column_length(args[0]), total = 0;
  for (int k = 0; k < count; k++) total += md_column_data_size(args[k]);
  if (total > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "concat: result exceeds 2 GiB");
  uint8_t *valid = bits_new(n, true);
  if (!valid) return md_error_set(err, MD_ERR_NOMEM, "concat: out of memory");
  for (int k = 0; k < count; k++) {
    const uint8_t *v = md_column_validity(args[k]);
    if (v)
      for (int64_t i = 0; i < bits_bytes(n); i++) valid[i] &= v[i];
  }
  md_column *column = column_begin(md_type_make(MD_TYPE_UTF8), n, total, err);
  if (!column) {
    free(valid);
    return err ? err->code : MD_ERR_NOMEM;
  }
  int32_t *ro = md_column_offsets_mut(column), pos = 0;
  uint8_t *rd = md_column_data_mut(column);
  ro[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    if (md_bit_get(valid, i)) {
      for (int k = 0; k < count; k++) {
        const int32_t *o = md_column_offsets(args[k]);
        int32_t len = o[i + 1] - o[i];
        memcpy(rd + pos, column_bytes(args[k]) + o[i], (size_t)len);
        pos += len;
      }
    }
    ro[i + 1] = pos;
  }
  md_code code = column_finish_out(column, n, valid, out, err);
  free(valid);
  return code;
}
