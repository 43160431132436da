/* hash_agg.c — grouped aggregation: count, count distinct, sum, min, max and
 * mean per group of equal keys, consuming the input a batch at a time and
 * holding only the groups.
 *
 * Each batch is first mapped to dense group ids (one hash lookup per row), then
 * every aggregate runs one typed loop over (group id, value) pairs. Inputs are
 * brought to a canonical representation first (int64, float64, 128-bit decimal
 * or bytes) so the loops do not branch on types. Sums are exact: int64 overflow
 * is an error, decimals accumulate in 128 bits and must fit 38 digits. */
#include <inttypes.h>
#include <stdlib.h>

#include "plan_internal.h"

typedef enum canon { CANON_INT, CANON_FLOAT, CANON_DEC, CANON_BYTES } canon;

typedef struct accumulator {
  md_agg_fn fn;
  const char *column, *name;
  md_type input;
  canon kind;
  int64_t *count; /* values seen (or rows for COUNT_ALL) */
  int64_t *i64;
  double *f64;
  i128 *dec;
  uint8_t **bytes;
  int32_t *bytes_len;
  key_table distinct; /* count distinct of other types: (group, value bytes) */
  pair_set pairs;     /* count distinct of integer-like and string values */
  key_table dict;     /* count distinct of strings: value -> dense id */
} accumulator;

struct agg_state {
  md_schema *out_schema;
  int num_keys;
  char **keys;
  key_map groups;
  md_column **key_values; /* the keys of each group, in group order */
  int64_t *first;         /* per group: input position (batch seq << 32 | row) of its first row */
  int64_t num_groups, capacity;
  accumulator *accs;
  int num_accs;
  const int64_t *rows; /* the batch being consumed: its rows' input rows (NULL = themselves) */
};

static canon canon_of(md_type t) {
  if (type_is_float(t)) return CANON_FLOAT;
  if (t.id == MD_TYPE_DECIMAL128) return CANON_DEC;
  if (md_type_is_variable(t) || t.id == MD_TYPE_FIXED_BINARY) return CANON_BYTES;
  return CANON_INT;
}

void agg_free(agg_state *state) {
  if (!state) return;
  md_schema_free(state->out_schema);
  key_map_free(&state->groups);
  for (int k = 0; state->key_values && k < state->num_keys; k++) md_column_free(state->key_values[k]);
  free(state->key_values);
  free(state->first);
  for (int a = 0; state->accs && a < state->num_accs; a++) {
    accumulator *acc = &state->accs[a];
    free(acc->count);
    free(acc->i64);
    free(acc->f64);
    free(acc->dec);
    for (int64_t g = 0; acc->bytes && g < state->num_groups; g++) free(acc->bytes[g]);
    free(acc->bytes);
    free(acc->bytes_len);
    key_table_free(&acc->distinct);
    pair_set_free(&acc->pairs);
    key_table_free(&acc->dict);
  }
  free(state->accs);
  free(state);
}

md_code agg_new(const md_plan *plan, const md_schema *input, const md_schema *out_schema, agg_state **out,
                md_error *err) {
  agg_state *state = calloc(1, sizeof *state);
  if (!state) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  state->num_keys = plan->num_keys;
  state->keys = plan->keys;
  state->num_accs = plan->num_aggs;
  state->out_schema = md_schema_copy(out_schema);
  state->key_values = calloc((size_t)(plan->num_keys + 1), sizeof *state->key_values);
  state->accs = calloc((size_t)(plan->num_aggs + 1), sizeof *state->accs);
  key_map_init(&state->groups, true);
  bool ok = state->out_schema && state->key_values && state->accs;
  for (int k = 0; ok && k < plan->num_keys; k++)
    ok = (state->key_values[k] = md_column_new_for_field(md_schema_field(out_schema, k))) != NULL;
  for (int a = 0; ok && a < plan->num_aggs; a++) {
    accumulator *acc = &state->accs[a];
    acc->fn = plan->aggs[a].fn;
    acc->column = plan->aggs[a].column;
    acc->name = plan->aggs[a].name;
    key_table_init(&acc->distinct);
    pair_set_init(&acc->pairs);
    key_table_init(&acc->dict);
    if (acc->fn != MD_AGG_COUNT_ALL) {
      int index = md_schema_find(input, acc->column);
      if (index < 0) {
        agg_free(state);
        return md_error_set(err, MD_ERR_NOT_FOUND, "aggregate %s: column %s not found", acc->name, acc->column);
      }
      acc->input = md_field_type(md_schema_field(input, index));
      acc->kind = canon_of(acc->input);
    }
  }
  if (!ok) {
    agg_free(state);
    return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  }
  *out = state;
  return MD_OK;
}

static bool grow(void **p, size_t elem, int64_t old_cap, int64_t cap) {
  void *grown = realloc(*p, (size_t)cap * elem);
  if (!grown) return false;
  memset((uint8_t *)grown + (size_t)old_cap * elem, 0, (size_t)(cap - old_cap) * elem);
  *p = grown;
  return true;
}

static md_code ensure_groups(agg_state *state, int64_t groups, md_error *err) {
  if (groups <= state->capacity) return MD_OK;
  int64_t cap = state->capacity ? state->capacity : 256;
  while (cap < groups) cap *= 2;
  if (!grow((void **)&state->first, sizeof *state->first, state->capacity, cap))
    return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory for %" PRId64 " groups", groups);
  for (int a = 0; a < state->num_accs; a++) {
    accumulator *acc = &state->accs[a];
    bool ok = grow((void **)&acc->count, sizeof *acc->count, state->capacity, cap);
    if (ok && acc->kind == CANON_INT) ok = grow((void **)&acc->i64, sizeof *acc->i64, state->capacity, cap);
    if (ok && acc->kind == CANON_FLOAT) ok = grow((void **)&acc->f64, sizeof *acc->f64, state->capacity, cap);
    if (ok && (acc->kind == CANON_DEC || (acc->kind == CANON_INT && acc->fn == MD_AGG_MEAN)))
      ok = grow((void **)&acc->dec, sizeof *acc->dec, state->capacity, cap);
    if (ok && acc->kind == CANON_BYTES) {
      ok = grow((void **)&acc->bytes, sizeof *acc->bytes, state->capacity, cap) &&
           grow((void **)&acc->bytes_len, sizeof *acc->bytes_len, state->capacity, cap);
    }
    if (!ok) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory for %" PRId64 " groups", groups);
  }
  state->capacity = cap;
  return MD_OK;
}

/* Group id of every row; new groups get their keys appended and their first
 * input position (seq << 32 | row) recorded. */
static md_code assign_groups(agg_state *state, const md_batch *batch, int64_t seq, const int64_t *rows, int64_t *gid,
                             md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  if (state->num_keys == 0) {
    for (int64_t i = 0; i < n; i++) gid[i] = 0;
    return MD_OK;
  }
  md_column *columns[64];
  if (state->num_keys > 64) return md_error_set(err, MD_ERR_UNSUPPORTED, "aggregate: more than 64 keys");
  md_code code = batch_columns_by_name(batch, state->keys, state->num_keys, columns, err);
  if (code != MD_OK) return code;
  int64_t *new_rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *new_rows), new_count = 0;
  if (!new_rows) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  int64_t before = key_map_count(&state->groups);
  code = key_map_assign(&state->groups, columns, state->num_keys, n, gid, new_rows, &new_count, err);
  for (int k = 0; k < state->num_keys && code == MD_OK && new_count > 0; k++)
    code = md_column_append_rows(state->key_values[k], columns[k], new_rows, new_count, err);
  if (code == MD_OK) code = ensure_groups(state, before + new_count, err);
  for (int64_t j = 0; j < new_count && code == MD_OK; j++) state->first[before + j] = (seq << 32) | (rows ? rows[new_rows[j]] : new_rows[j]);
  free(new_rows);
  return code;
}

static md_code canonical_column(const accumulator *acc, const md_column *column, md_column **out, md_error *err) {
  md_type to = acc->input;
  if (acc->kind == CANON_INT) to = md_type_make(MD_TYPE_INT64);
  else if (acc->kind == CANON_FLOAT) to = md_type_make(MD_TYPE_FLOAT64);
  else if (acc->kind == CANON_DEC) to = md_type_decimal(38, acc->input.scale);
  return kernel_cast(column, to, out, err);
}

static md_code overflow(const accumulator *acc, const int64_t *rows, int64_t row, md_error *err) {
  if (rows) row = rows[row];
  return md_error_set(err, MD_ERR_OVERFLOW, "aggregate %s: sum of %s overflows at input row %" PRId64, acc->name,
                      acc->column, row);
}

/* Integer-like and string values: (group, value or string id) pairs. */
static md_code update_distinct_pairs(accumulator *acc, const md_column *column, const int64_t *gid, int64_t n,
                                     md_error *err) {
  const uint8_t *valid = md_column_validity(column);
  int64_t *owned = NULL;
  const int64_t *v;
  md_code code = MD_OK;
  if (key_is_int(acc->input)) {
    v = key_ints(column, &owned);
  } else {
    /* Null rows keep whatever id; they are skipped below. */
    owned = malloc((size_t)(n > 0 ? n : 1) * sizeof *owned);
    const int32_t *o = md_column_offsets(column);
    const uint8_t *data = column_bytes(column);
    for (int64_t i = 0; owned && i < n; i++) {
      owned[i] = 0;
      if (valid && !md_bit_get(valid, i)) continue;
      bool inserted;
      int64_t len = o[i + 1] - o[i];
      owned[i] = key_table_insert(&acc->dict, hash_bytes(data + o[i], (size_t)len, 0x5eed), data + o[i], len,
                                  &inserted, err);
      if (owned[i] < 0) {
        free(owned);
        return MD_ERR_NOMEM;
      }
    }
    v = owned;
  }
  if (!v) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  for (int64_t i = 0; i < n; i++) {
    if (valid && !md_bit_get(valid, i)) continue;
    int added = pair_set_insert(&acc->pairs, gid[i], v[i]);
    if (added < 0) {
      code = md_error_set(err, MD_ERR_NOMEM, "aggregate %s: out of memory for distinct values", acc->name);
      break;
    }
    acc->count[gid[i]] += added;
  }
  free(owned);
  return code;
}

static md_code update_distinct(accumulator *acc, const md_column *column, const int64_t *gid, int64_t n, md_error *err) {
  if (md_column_type(column).id == MD_TYPE_NULL) return MD_OK;
  if (key_is_int(acc->input) || acc->input.id == MD_TYPE_UTF8 || acc->input.id == MD_TYPE_BINARY)
    return update_distinct_pairs(acc, column, gid, n, err);
  md_column *cols[1] = {(md_column *)column};
  key_rows keys;
  md_code code = keys_encode(cols, 1, n, false, &keys, err);
  if (code != MD_OK) return code;
  uint8_t small[256], *scratch = small;
  size_t scratch_size = sizeof small;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (keys.has_null[i]) continue;
    int64_t len = keys.offsets[i + 1] - keys.offsets[i];
    if ((size_t)len + 8 > scratch_size) {
      if (scratch != small) free(scratch);
      scratch_size = (size_t)len + 8;
      if (!(scratch = malloc(scratch_size))) {
        code = md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
        break;
      }
    }
    memcpy(scratch, &gid[i], 8);
    memcpy(scratch + 8, keys.bytes + keys.offsets[i], (size_t)len);
    bool inserted;
    uint64_t h = hash_mix(keys.hashes[i] ^ hash_mix((uint64_t)gid[i] + 0x9E3779B97F4A7C15ULL));
    if (key_table_insert(&acc->distinct, h, scratch, len + 8, &inserted, err) < 0) code = MD_ERR_NOMEM;
    else if (inserted) acc->count[gid[i]]++;
  }
  if (scratch != small) free(scratch);
  keys_free(&keys);
  return code;
}

static int compare_bytes(const uint8_t *a, int64_t a_len, const uint8_t *b, int64_t b_len) {
  int64_t common = a_len < b_len ? a_len : b_len;
  int c = common > 0 ? memcmp(a, b, (size_t)common) : 0;
  if (c != 0) return c;
  return (a_len > b_len) - (a_len < b_len);
}

static md_code update(accumulator *acc, const md_batch *batch, const int64_t *rows, const int64_t *gid, md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  if (acc->fn == MD_AGG_COUNT_ALL) {
    for (int64_t i = 0; i < n; i++) acc->count[gid[i]]++;
    return MD_OK;
  }
  md_column *raw = md_batch_column(batch, md_schema_find(md_batch_schema(batch), acc->column));
  if (acc->fn == MD_AGG_COUNT_DISTINCT) return update_distinct(acc, raw, gid, n, err);
  const uint8_t *valid = md_column_validity(raw);
  if (md_column_type(raw).id == MD_TYPE_NULL) return MD_OK;
  if (acc->fn == MD_AGG_COUNT) {
    for (int64_t i = 0; i < n; i++) acc->count[gid[i]] += !valid || md_bit_get(valid, i);
    return MD_OK;
  }
  md_column *column = NULL;
  md_code code = canonical_column(acc, raw, &column, err);
  if (code != MD_OK) return code;
  const void *v = md_column_values(column);
  bool is_min = acc->fn == MD_AGG_MIN, sum = acc->fn == MD_AGG_SUM || acc->fn == MD_AGG_MEAN;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (valid && !md_bit_get(valid, i)) continue;
    int64_t g = gid[i];
    bool first = acc->count[g]++ == 0;
    switch (acc->kind) {
      case CANON_INT: {
        int64_t x = ((const int64_t *)v)[i];
        if (acc->fn == MD_AGG_MEAN) acc->dec[g] += x; /* 128 bits: cannot overflow below 2^64 rows */
        else if (sum) {
          if (__builtin_add_overflow(acc->i64[g], x, &acc->i64[g])) code = overflow(acc, rows, i, err);
        } else if (first || (is_min ? x < acc->i64[g] : x > acc->i64[g])) acc->i64[g] = x;
        break;
      }
      case CANON_FLOAT: {
        double x = ((const double *)v)[i];
        if (sum) acc->f64[g] += x;
        else if (first || (is_min ? x < acc->f64[g] : x > acc->f64[g])) acc->f64[g] = x;
        break;
      }
      case CANON_DEC: {
        i128 x = dec_load((const uint8_t *)v + 16 * i);
        if (sum) {
          acc->dec[g] += x;
          if (!dec_fits(acc->dec[g], 38)) code = overflow(acc, rows, i, err);
        } else if (first || (is_min ? x < acc->dec[g] : x > acc->dec[g])) acc->dec[g] = x;
        break;
      }
      case CANON_BYTES: {
        md_scalar s = column_scalar_at(column, i);
        int c = first ? 0 : compare_bytes(s.v.bytes.ptr, s.v.bytes.length, acc->bytes[g], acc->bytes_len[g]);
        if (first || (is_min ? c < 0 : c > 0)) {
          uint8_t *copy = malloc(s.v.bytes.length > 0 ? (size_t)s.v.bytes.length : 1);
          if (!copy) {
            code = md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
            break;
          }
          if (s.v.bytes.length > 0) memcpy(copy, s.v.bytes.ptr, (size_t)s.v.bytes.length);
          free(acc->bytes[g]);
          acc->bytes[g] = copy;
          acc->bytes_len[g] = (int32_t)s.v.bytes.length;
        }
        break;
      }
    }
  }
  md_column_free(column);
  return code;
}

md_code agg_consume(agg_state *state, const md_batch *batch, int64_t seq, const int64_t *rows, md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  int64_t *gid = malloc((size_t)(n > 0 ? n : 1) * sizeof *gid);
  if (!gid) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  state->rows = rows;
  md_code code = assign_groups(state, batch, seq, rows, gid, err);
  int64_t groups = state->num_keys == 0 ? 1 : key_map_count(&state->groups);
  if (code == MD_OK) code = ensure_groups(state, groups, err);
  if (code == MD_OK) state->num_groups = groups;
  for (int a = 0; a < state->num_accs && code == MD_OK; a++) code = update(&state->accs[a], batch, rows, gid, err);
  free(gid);
  return code;
}

/* The result column of one aggregate, in its output type. */
static md_code result_column(const accumulator *acc, int64_t groups, md_type out_type, md_column **out, md_error *err) {
  bool count = acc->fn == MD_AGG_COUNT_ALL || acc->fn == MD_AGG_COUNT || acc->fn == MD_AGG_COUNT_DISTINCT;
  md_type build = out_type;
  if (!count && acc->fn != MD_AGG_MEAN) {
    if (acc->kind == CANON_INT) build = md_type_make(MD_TYPE_INT64);
    else if (acc->kind == CANON_FLOAT) build = md_type_make(MD_TYPE_FLOAT64);
    else if (acc->kind == CANON_DEC) build = md_type_decimal(38, acc->input.scale);
  }
  md_column *column = md_column_new(build);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  md_code code = md_column_reserve(column, groups, 0, err);
  double scale = acc->kind == CANON_DEC ? (double)dec_pow10(acc->input.scale) : 1.0;
  for (int64_t g = 0; g < groups && code == MD_OK; g++) {
    if (count) {
      code = md_column_append_int(column, acc->count[g], err);
    } else if (acc->count[g] == 0) {
      code = md_column_append_null(column, err);
    } else if (acc->fn == MD_AGG_MEAN) {
      double total = acc->kind == CANON_FLOAT ? acc->f64[g] : (double)acc->dec[g] / scale;
      code = md_column_append_double(column, total / (double)acc->count[g], err);
    } else if (acc->kind == CANON_INT) {
      code = md_column_append_int(column, acc->i64[g], err);
    } else if (acc->kind == CANON_FLOAT) {
      code = md_column_append_double(column, acc->f64[g], err);
    } else if (acc->kind == CANON_DEC) {
      u128 u = (u128)acc->dec[g];
      code = md_column_append_decimal(column, (int64_t)(uint64_t)(u >> 64), (uint64_t)u, err);
    } else {
      code = md_column_append_bytes(column, acc->bytes[g], acc->bytes_len[g], err);
    }
  }
  if (code == MD_OK && !md_type_equal(build, out_type)) {
    md_column *cast = NULL;
    code = kernel_cast(column, out_type, &cast, err);
    md_column_free(column);
    column = cast;
  }
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}

md_code agg_finish(agg_state *state, md_batch **out, md_error *err) {
  int64_t groups = state->num_keys == 0 ? 1 : key_map_count(&state->groups);
  md_code code = ensure_groups(state, groups, err);
  if (code == MD_OK) state->num_groups = groups;
  int n = state->num_keys + state->num_accs;
  md_column **columns = calloc((size_t)(n > 0 ? n : 1), sizeof *columns);
  md_schema *schema = md_schema_copy(state->out_schema);
  if (code == MD_OK && (!columns || !schema)) code = md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  for (int k = 0; k < state->num_keys && code == MD_OK; k++) columns[k] = md_column_ref(state->key_values[k]);
  for (int a = 0; a < state->num_accs && code == MD_OK; a++)
    code = result_column(&state->accs[a], groups, md_field_type(md_schema_field(state->out_schema, state->num_keys + a)),
                         &columns[state->num_keys + a], err);
  return batch_build(schema, columns, n, code, out, err);
}


/* ------------------------------------------------- partitioned aggregation */

static int compare_first(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

md_code agg_finish_partitions(agg_state **parts, int num_parts, md_batch **out, md_error *err) {
  md_batch *results[64] = {0};
  md_code code = MD_OK;
  int64_t groups = 0;
  for (int p = 0; p < num_parts && code == MD_OK; p++) {
    code = agg_finish(parts[p], &results[p], err);
    if (code == MD_OK) groups += md_batch_num_rows(results[p]);
  }
  md_batch *all = NULL;
  if (code == MD_OK) code = md_batch_concat(parts[0]->out_schema, results, num_parts, &all, err);
  for (int p = 0; p < num_parts; p++) md_batch_free(results[p]);
  if (code != MD_OK) return code;
  /* Each partition's groups are in first-appearance order; interleave them by
   * input position so the result is what one thread gives. */
  int64_t *pairs = malloc((size_t)(groups > 0 ? groups : 1) * 2 * sizeof *pairs);
  int64_t *order = malloc((size_t)(groups > 0 ? groups : 1) * sizeof *order);
  if (!pairs || !order) code = md_error_set(err, MD_ERR_NOMEM, "aggregate: out of memory");
  for (int p = 0, g = 0; p < num_parts && code == MD_OK; p++)
    for (int64_t i = 0; i < parts[p]->num_groups; i++, g++) pairs[2 * g] = parts[p]->first[i], pairs[2 * g + 1] = g;
  if (code == MD_OK) {
    qsort(pairs, (size_t)groups, 2 * sizeof *pairs, compare_first);
    for (int64_t g = 0; g < groups; g++) order[g] = pairs[2 * g + 1];
    code = batch_take(all, order, groups, out, err);
  }
  free(pairs);
  free(order);
  md_batch_free(all);
  return code;
}
