/* keep_latest_finish.c — the last step of keep-latest: the live rows of every
 * partition's held batches, put back in input order and gathered into one
 * batch.
 *
 * The live bitmaps already say which rows survive, so the key tables are
 * freed first and no key is looked up again. The output order is worked out
 * once as (source, data row) pairs — held batches in input order, and the
 * partitions' rows of one input batch merged by input row — and then each
 * column is gathered in one typed pass over all sources, after which that
 * column of every held batch is freed: at most one output column is ever held
 * alongside the input that is left. */
#include <stdlib.h>

#include "keep_latest_internal.h"

static int64_t input_row(const held_batch *h, int64_t d) { return h->orig ? h->orig[d] : d; }

static bool is_live(const held_batch *h, int64_t d) {
  int64_t r = input_row(h, d);
  return (h->live[r >> 6] >> (r & 63)) & 1;
}

/* The first live data row at or after d (data_rows when none). */
static int64_t next_live(const held_batch *h, int64_t d) {
  if (!h->orig) {
    int64_t words = (h->input_rows + 63) / 64;
    for (int64_t w = d >> 6; w < words; w++) {
      uint64_t bits = h->live[w] & (w == d >> 6 ? ~(uint64_t)0 << (d & 63) : ~(uint64_t)0);
      if (bits) return w * 64 + __builtin_ctzll(bits);
    }
    return h->data_rows;
  }
  while (d < h->data_rows && !is_live(h, d)) d++;
  return d;
}

typedef struct output_order {
  held_batch **sources; /* the held batches with live rows, in input order */
  int num_sources;
  uint32_t *source; /* per output row: index into sources */
  uint32_t *row;    /* per output row: data row in that source */
  int64_t total;
} output_order;

static void order_free(output_order *o) {
  free(o->sources);
  free(o->source);
  free(o->row);
}

static md_code build_order(latest_state **parts, int num_parts, output_order *o, md_error *err) {
  memset(o, 0, sizeof *o);
  latest_held held[64];
  int count = 0;
  for (int p = 0; p < num_parts; p++) {
    held[p] = latest_state_held(parts[p]);
    for (int b = 0; b < held[p].num_held; b++)
      if (held[p].held[b].columns && held[p].held[b].num_live > 0) {
        count++;
        o->total += held[p].held[b].num_live;
      }
  }
  o->sources = malloc((size_t)(count > 0 ? count : 1) * sizeof *o->sources);
  o->source = malloc((size_t)(o->total > 0 ? o->total : 1) * sizeof *o->source);
  o->row = malloc((size_t)(o->total > 0 ? o->total : 1) * sizeof *o->row);
  if (!o->sources || !o->source || !o->row) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  int next[64] = {0};
  int64_t out = 0;
  for (;;) {
    /* The smallest input batch position any partition holds next. */
    int64_t seq = INT64_MAX;
    for (int p = 0; p < num_parts; p++) {
      while (next[p] < held[p].num_held && !(held[p].held[next[p]].columns && held[p].held[next[p]].num_live > 0))
        next[p]++;
      if (next[p] < held[p].num_held && held[p].held[next[p]].seq < seq) seq = held[p].held[next[p]].seq;
    }
    if (seq == INT64_MAX) break;
    /* Merge that batch's live rows over the partitions holding them. */
    int first = o->num_sources;
    int64_t cursor[64];
    for (int p = 0; p < num_parts; p++) {
      if (next[p] >= held[p].num_held || held[p].held[next[p]].seq != seq) continue;
      held_batch *h = &held[p].held[next[p]++];
      cursor[o->num_sources - first] = next_live(h, 0);
      o->sources[o->num_sources++] = h;
    }
    int m = o->num_sources - first;
    for (;;) {
      int best = -1;
      int64_t best_row = INT64_MAX;
      for (int i = 0; i < m; i++) {
        const held_batch *h = o->sources[first + i];
        if (cursor[i] < h->data_rows && input_row(h, cursor[i]) < best_row) best = i, best_row = input_row(h, cursor[i]);
      }
      if (best < 0) break;
      o->source[out] = (uint32_t)(first + best);
      o->row[out++] = (uint32_t)cursor[best];
      cursor[best] = next_live(o->sources[first + best], cursor[best] + 1);
    }
  }
  o->total = out;
  return MD_OK;
}

/* Column c of the output: one typed pass over the output order. */
static md_code gather_column(const output_order *o, int c, const md_field *field, md_column **out, md_error *err) {
  md_type type = md_field_type(field);
  int64_t n = o->total;
  bool variable = md_type_is_variable(type);
  int width = md_type_fixed_width(type);
  bool any_nulls = false;
  int64_t bytes = 0;
  for (int s = 0; s < o->num_sources; s++) any_nulls |= md_column_validity(o->sources[s]->columns[c]) != NULL;
  if (variable) {
    for (int64_t i = 0; i < n; i++) {
      const int32_t *offsets = md_column_offsets(o->sources[o->source[i]]->columns[c]);
      bytes += offsets[o->row[i] + 1] - offsets[o->row[i]];
    }
    if (bytes > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: gathered strings exceed 2 GiB");
  }
  if (md_type_is_nested(type) || (!variable && width == 0 && type.id != MD_TYPE_BOOL && type.id != MD_TYPE_NULL)) {
    /* Anything else: runs of one source through the generic row append. */
    md_column *column = md_column_new_for_field(field);
    md_code code = column ? md_column_reserve(column, n, 0, err) : md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    int64_t run[1024];
    for (int64_t i = 0; i < n && code == MD_OK;) {
      int64_t k = 0;
      uint32_t s = o->source[i];
      while (i < n && o->source[i] == s && k < 1024) run[k++] = o->row[i++];
      code = md_column_append_rows(column, o->sources[s]->columns[c], run, k, err);
    }
    if (code != MD_OK) {
      md_column_free(column);
      return code;
    }
    *out = column;
    return MD_OK;
  }
  md_column *column = column_begin(type, n, bytes, err);
  if (!column) return err ? err->code : MD_ERR_NOMEM;
  uint8_t *bits = NULL;
  if (any_nulls && !(bits = bits_new(n, true))) {
    md_column_free(column);
    return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  }
  for (int64_t i = 0; bits && i < n; i++) {
    const uint8_t *valid = md_column_validity(o->sources[o->source[i]]->columns[c]);
    if (valid && !md_bit_get(valid, o->row[i])) md_bit_clear(bits, i);
  }
  if (variable) {
    int32_t *offsets = md_column_offsets_mut(column);
    uint8_t *data = md_column_data_mut(column);
    int32_t pos = 0;
    offsets[0] = 0;
    for (int64_t i = 0; i < n; i++) {
      const md_column *src = o->sources[o->source[i]]->columns[c];
      const int32_t *so = md_column_offsets(src);
      int32_t start = so[o->row[i]], len = so[o->row[i] + 1] - start;
      if (len > 0) memcpy(data + pos, md_column_data(src) + start, (size_t)len);
      pos += len;
      offsets[i + 1] = pos;
    }
  } else if (type.id == MD_TYPE_BOOL) {
    uint8_t *dst = md_column_values_mut(column);
    memset(dst, 0, (size_t)bits_bytes(n > 0 ? n : 1));
    for (int64_t i = 0; i < n; i++)
      if (md_bit_get(md_column_values(o->sources[o->source[i]]->columns[c]), o->row[i])) md_bit_set(dst, i);
  } else if (type.id != MD_TYPE_NULL) {
    uint8_t *dst = md_column_values_mut(column);
    const uint8_t **srcs = malloc((size_t)(o->num_sources > 0 ? o->num_sources : 1) * sizeof *srcs);
    if (!srcs) {
      free(bits);
      md_column_free(column);
      return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    }
    for (int s = 0; s < o->num_sources; s++) srcs[s] = md_column_values(o->sources[s]->columns[c]);
#define GATHER_LOOP(T) \
  for (int64_t i = 0; i < n; i++) ((T *)dst)[i] = ((const T *)srcs[o->source[i]])[o->row[i]];
    if (width == 8) GATHER_LOOP(uint64_t)
    else if (width == 4) GATHER_LOOP(uint32_t)
    else if (width == 2) GATHER_LOOP(uint16_t)
    else if (width == 1) GATHER_LOOP(uint8_t)
    else
      for (int64_t i = 0; i < n; i++) memcpy(dst + i * width, srcs[o->source[i]] + (int64_t)o->row[i] * width, (size_t)width);
#undef GATHER_LOOP
    free(srcs);
  }
  md_code code = column_finish_out(column, n, bits, out, err);
  free(bits);
  return code;
}

md_code latest_finish_partitions(latest_state **parts, int num_parts, const md_schema *schema, md_batch **out,
                                 md_error *err) {
  /* The keys are no longer needed: give their memory back before gathering. */
  for (int p = 0; p < num_parts; p++) latest_release_keys(parts[p]);
  output_order order;
  md_code code = build_order(parts, num_parts, &order, err);
  int nc = md_schema_num_fields(schema);
  md_column **columns = code == MD_OK ? calloc((size_t)(nc > 0 ? nc : 1), sizeof *columns) : NULL;
  if (code == MD_OK && !columns) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int c = 0; c < nc && code == MD_OK; c++) {
    code = gather_column(&order, c, md_schema_field(schema, c), &columns[c], err);
    if (code != MD_OK) md_error_context(err, "keep-latest: column %s", md_field_name(md_schema_field(schema, c)));
    /* Done with this column of the input. */
    for (int s = 0; s < order.num_sources; s++) {
      md_column_free(order.sources[s]->columns[c]);
      order.sources[s]->columns[c] = NULL;
    }
  }
  order_free(&order);
  if (!columns) return code;
  return batch_build(code == MD_OK ? md_schema_copy(schema) : NULL, columns, nc, code, out, err);
}
