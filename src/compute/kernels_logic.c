/* kernels_logic.c — three-valued AND/OR/NOT, IS [NOT] NULL, and the kernels
 * that pick each row's value from one of several columns: coalesce, nullif,
 * case-when. IN-set lives here too: it is a disjunction of equalities.
 *
 * AND/OR work a byte (8 rows) at a time on the validity and value bitmaps:
 * false AND anything is false, true OR anything is true, otherwise null wins. */
#include <stdlib.h>

#include "plan_internal.h"

static uint8_t byte_or_ones(const uint8_t *bits, int64_t i) { return bits ? bits[i] : 0xff; }

md_code kernel_logic(expr_op op, const md_column *a, const md_column *b, md_column **out, md_error *err) {
  int64_t n = md_column_length(a), bytes = bits_bytes(n);
  md_column *column = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  uint8_t *valid = bits_new(n, true);
  if (!column || !valid) {
    md_column_free(column);
    free(valid);
    return column ? md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", expr_op_name(op)) : (err ? err->code : MD_ERR_NOMEM);
  }
  uint8_t *r = md_column_values_mut(column);
  const uint8_t *ad = md_column_values(a), *av = md_column_validity(a);
  const uint8_t *bd = b ? md_column_values(b) : NULL, *bv = b ? md_column_validity(b) : NULL;
  for (int64_t i = 0; i < bytes; i++) {
    uint8_t va = byte_or_ones(av, i), xa = ad[i];
    if (op == EXPR_NOT) {
      r[i] = (uint8_t)~xa;
      valid[i] = va;
      continue;
    }
    uint8_t vb = byte_or_ones(bv, i), xb = bd[i];
    if (op == EXPR_AND) {
      uint8_t false_a = va & (uint8_t)~xa, false_b = vb & (uint8_t)~xb;
      valid[i] = (va & vb) | false_a | false_b;
      r[i] = xa & xb & va & vb;
    } else {
      uint8_t true_a = va & xa, true_b = vb & xb;
      valid[i] = (va & vb) | true_a | true_b;
      r[i] = true_a | true_b;
    }
  }
  md_code code = column_finish_out(column, n, valid, out, err);
  free(valid);
  return code;
}

md_code kernel_is_null(const md_column *a, bool want_null, md_column **out, md_error *err) {
  int64_t n = md_column_length(a), bytes = bits_bytes(n);
  md_column *column = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  uint8_t *r = md_column_values_mut(column);
  bits_copy_validity(r, a, n);
  if (want_null)
    for (int64_t i = 0; i < bytes; i++) r[i] = (uint8_t)~r[i];
  return column_finish_out(column, n, NULL, out, err);
}

/* Row i takes its value from sources[which[i]], or is null when which[i] < 0.
 * All sources share one type. */
static md_code column_choose(md_column *const *sources, const int32_t *which, int64_t n, md_column **out,
                             md_error *err) {
  md_type type = md_column_type(sources[0]);
  int64_t data_bytes = 0;
  bool variable = md_type_is_variable(type);
  if (variable)
    for (int64_t i = 0; i < n; i++)
      if (which[i] >= 0) {
        const int32_t *o = md_column_offsets(sources[which[i]]);
        data_bytes += o[i + 1] - o[i];
      }
  if (data_bytes > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "result strings exceed 2 GiB");
  md_column *column = column_begin(type, n, data_bytes, err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  uint8_t *valid = bits_new(n, true);
  if (!valid) {
    md_column_free(column);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (int64_t i = 0; i < n; i++)
    if (which[i] < 0 || md_column_is_null(sources[which[i]], i)) md_bit_clear(valid, i);
  if (type.id == MD_TYPE_NULL) {
    free(valid);
    md_column_set_length(column, n);
    *out = column;
    return MD_OK;
  }
  if (variable) {
    int32_t *off = md_column_offsets_mut(column), pos = 0;
    uint8_t *data = md_column_data_mut(column);
    off[0] = 0;
    for (int64_t i = 0; i < n; i++) {
      if (which[i] >= 0) {
        const int32_t *o = md_column_offsets(sources[which[i]]);
        int32_t len = o[i + 1] - o[i];
        memcpy(data + pos, column_bytes(sources[which[i]]) + o[i], (size_t)len);
        pos += len;
      }
      off[i + 1] = pos;
    }
  } else if (type.id == MD_TYPE_BOOL) {
    uint8_t *r = md_column_values_mut(column);
    memset(r, 0, (size_t)bits_bytes(n));
    for (int64_t i = 0; i < n; i++)
      if (which[i] >= 0 && md_bit_get(md_column_values(sources[which[i]]), i)) md_bit_set(r, i);
  } else {
    int w = md_type_fixed_width(type);
    uint8_t *r = md_column_values_mut(column);
    for (int64_t i = 0; i < n; i++) {
      if (which[i] >= 0) memcpy(r + i * w, (const uint8_t *)md_column_values(sources[which[i]]) + i * w, (size_t)w);
      else memset(r + i * w, 0, (size_t)w);
    }
  }
  md_code code = column_finish_out(column, n, valid, out, err);
  free(valid);
  return code;
}

static int32_t *which_new(int64_t n, md_error *err) {
  int32_t *which = malloc((size_t)(n > 0 ? n : 1) * sizeof *which);
  if (!which) md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return which;
}

md_code kernel_coalesce(md_column *const *args, int count, md_column **out, md_error *err) {
  int64_t n = md_column_length(args[0]);
  int32_t *which = which_new(n, err);
  if (!which) return MD_ERR_NOMEM;
  for (int64_t i = 0; i < n; i++) {
    which[i] = -1;
    for (int k = 0; k < count; k++)
      if (!md_column_is_null(args[k], i)) {
        which[i] = k;
        break;
      }
  }
  md_code code = column_choose(args, which, n, out, err);
  free(which);
  return code;
}

md_code kernel_nullif(const md_column *a, const md_column *equal, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  md_column *eq = NULL;
  md_code code = kernel_compare(EXPR_EQ, a, equal, &eq, err);
  if (code != MD_OK) return code;
  int32_t *which = which_new(n, err);
  if (!which) {
    md_column_free(eq);
    return MD_ERR_NOMEM;
  }
  const uint8_t *eq_bits = md_column_values(eq);
  bool any = false;
  for (int64_t i = 0; i < n; i++) {
    which[i] = !md_column_is_null(eq, i) && md_bit_get(eq_bits, i) ? -1 : 0;
    any |= which[i] < 0;
  }
  md_column *sources[1] = {(md_column *)a};
  /* No row equal: the result is a itself (shared, not copied). */
  if (!any) *out = md_column_ref((md_column *)a);
  else code = column_choose(sources, which, n, out, err);
  free(which);
  md_column_free(eq);
  return code;
}

md_code kernel_case(md_column *const *conds, md_column *const *values, int count, const md_column *otherwise,
                    md_column **out, md_error *err) {
  int64_t n = md_column_length(otherwise);
  int32_t *which = which_new(n, err);
  md_column **sources = malloc((size_t)(count + 1) * sizeof *sources);
  if (!which || !sources) {
    free(which);
    free(sources);
    return md_error_set(err, MD_ERR_NOMEM, "case: out of memory");
  }
  for (int k = 0; k < count; k++) sources[k] = values[k];
  sources[count] = (md_column *)otherwise;
  for (int64_t i = 0; i < n; i++) which[i] = count;
  /* Later branches first, so that the earliest true condition writes last. */
  for (int k = count - 1; k >= 0; k--) {
    const uint8_t *bits = md_column_values(conds[k]);
    for (int64_t i = 0; i < n; i++)
      if (md_bit_get(bits, i) && !md_column_is_null(conds[k], i)) which[i] = k;
  }
  md_code code = column_choose(sources, which, n, out, err);
  free(which);
  free(sources);
  return code;
}

static bool same_value(const md_column *a, int64_t i, const md_column *set, int64_t j) {
  md_type type = md_column_type(a);
  if (md_type_is_variable(type)) {
    const int32_t *ao = md_column_offsets(a), *so = md_column_offsets(set);
    int32_t len = ao[i + 1] - ao[i];
    return len == so[j + 1] - so[j] && memcmp(column_bytes(a) + ao[i], column_bytes(set) + so[j], (size_t)len) == 0;
  }
  if (type.id == MD_TYPE_BOOL) return md_bit_get(md_column_values(a), i) == md_bit_get(md_column_values(set), j);
  if (type.id == MD_TYPE_FLOAT64) return ((const double *)md_column_values(a))[i] == ((const double *)md_column_values(set))[j];
  if (type.id == MD_TYPE_FLOAT32) return ((const float *)md_column_values(a))[i] == ((const float *)md_column_values(set))[j];
  int w = md_type_fixed_width(type);
  return memcmp((const uint8_t *)md_column_values(a) + i * w, (const uint8_t *)md_column_values(set) + j * w, (size_t)w) == 0;
}

static md_code in_set_hashed(const md_column *a, const md_column *set, uint8_t *valid, uint8_t *r, bool set_has_null,
                             md_error *err) {
  key_rows set_keys = {0}, keys = {0};
  key_table table;
  key_table_init(&table);
  md_column *sc[1] = {(md_column *)set}, *ac[1] = {(md_column *)a};
  md_code code = keys_encode(sc, 1, md_column_length(set), false, &set_keys, err);
  for (int64_t j = 0; code == MD_OK && j < set_keys.n; j++) {
    bool inserted;
    if (!set_keys.has_null[j] &&
        key_table_insert(&table, set_keys.hashes[j], set_keys.bytes + set_keys.offsets[j],
                         set_keys.offsets[j + 1] - set_keys.offsets[j], &inserted, err) < 0)
      code = MD_ERR_NOMEM;
  }
  if (code == MD_OK) code = keys_encode(ac, 1, md_column_length(a), false, &keys, err);
  for (int64_t i = 0; code == MD_OK && i < keys.n; i++) {
    if (!md_bit_get(valid, i)) continue;
    if (key_table_find(&table, keys.hashes[i], keys.bytes + keys.offsets[i], keys.offsets[i + 1] - keys.offsets[i]) >= 0)
      md_bit_set(r, i);
    else if (set_has_null) md_bit_clear(valid, i); /* x IN (.., NULL) is null, not false */
  }
  keys_free(&set_keys);
  keys_free(&keys);
  key_table_free(&table);
  return code;
}

md_code kernel_in_set(const md_column *a, const md_column *set, md_column **out, md_error *err) {
  int64_t n = md_column_length(a), m = md_column_length(set);
  bool set_has_null = md_column_null_count(set) > 0;
  md_column *column = column_begin(md_type_make(MD_TYPE_BOOL), n, 0, err);
  uint8_t *valid = bits_new(n, true);
  if (!column || !valid) {
    md_column_free(column);
    free(valid);
    return md_error_set(err, MD_ERR_NOMEM, "IN: out of memory");
  }
  uint8_t *r = md_column_values_mut(column);
  memset(r, 0, (size_t)bits_bytes(n));
  bits_copy_validity(valid, a, n);
  md_type type = md_column_type(a);
  if (m > 8 && type.id != MD_TYPE_NULL && !type_is_float(type) && !md_type_is_nested(type) &&
      md_type_equal(type, md_column_type(set))) {
    /* Large sets: one hash lookup per row instead of m comparisons. Byte-equal
     * keys are equal values for every non-float type of one kind. */
    md_code code = in_set_hashed(a, set, valid, r, set_has_null, err);
    if (code != MD_OK) {
      md_column_free(column);
      free(valid);
      return code;
    }
  } else if (type.id != MD_TYPE_NULL) {
    for (int64_t i = 0; i < n; i++) {
      if (!md_bit_get(valid, i)) continue;
      bool found = false;
      for (int64_t j = 0; j < m && !found; j++) found = !md_column_is_null(set, j) && same_value(a, i, set, j);
      if (found) md_bit_set(r, i);
      else if (set_has_null) md_bit_clear(valid, i); /* x IN (.., NULL) is null, not false */
    }
  }
  md_code code = column_finish_out(column, n, valid, out, err);
  free(valid);
  return code;
}
