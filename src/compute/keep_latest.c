/* keep_latest.c — keep-latest-by-key over a stream of batches: per key, the row
 * with the greatest order value (null older than any value, ties to the later
 * input row); rows with a null key part are all kept.
 *
 * Holding the whole input until the end costs its full size in memory, yet
 * most rows lose to a later row of their key. So each batch is cut down as it
 * arrives to the rows that are, at that moment, their key's latest (plus the
 * null-key rows), and a held batch is cut down again whenever a third of its
 * rows have lost to later ones. Memory is then bounded by about 1.5 times the
 * output plus one batch. Each held row carries its input position
 * (batch seq << 32 | row), which puts the survivors back in input order at
 * the end, and lets several states, each owning a partition of the keys, run
 * on different threads and be put together exactly as one state would give. */
#include <stdlib.h>

#include "plan_internal.h"

typedef struct held_batch {
  md_batch *batch;
  int64_t *pos; /* input position of each row */
  int64_t *ids; /* key id of each row; -1: a null key part (always kept) */
  int64_t live; /* rows still some key's latest (or null-key rows) */
  key_view order;
} held_batch;

struct latest_state {
  char *const *keys;
  int num_keys;
  const char *order_column;
  key_map map;
  int32_t *best_held; /* per key id: the held batch of its latest row, -1 none */
  int64_t *best_row;
  int64_t capacity;
  held_batch *held;
  int num_held, held_capacity;
  int64_t null_rows;
};

static void held_free(held_batch *h) {
  md_batch_free(h->batch);
  free(h->pos);
  free(h->ids);
  md_column_free(h->order.column);
  memset(h, 0, sizeof *h);
}

void latest_free(latest_state *state) {
  if (!state) return;
  key_map_free(&state->map);
  free(state->best_held);
  free(state->best_row);
  for (int h = 0; h < state->num_held; h++) held_free(&state->held[h]);
  free(state->held);
  free(state);
}

md_code latest_new(char *const *keys, int num_keys, const char *order_column, latest_state **out, md_error *err) {
  if (num_keys > 64) return md_error_set(err, MD_ERR_UNSUPPORTED, "keep-latest: more than 64 keys");
  latest_state *state = calloc(1, sizeof *state);
  if (!state) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  state->keys = keys;
  state->num_keys = num_keys;
  state->order_column = order_column;
  key_map_init(&state->map, false);
  *out = state;
  return MD_OK;
}

static md_code ensure_keys(latest_state *s, int64_t keys, md_error *err) {
  if (keys <= s->capacity) return MD_OK;
  int64_t cap = s->capacity ? s->capacity : 1024;
  while (cap < keys) cap *= 2;
  int32_t *held = realloc(s->best_held, (size_t)cap * sizeof *held);
  if (held) s->best_held = held;
  int64_t *row = held ? realloc(s->best_row, (size_t)cap * sizeof *row) : NULL;
  if (row) s->best_row = row;
  if (!held || !row) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory for %lld keys", (long long)keys);
  for (int64_t g = s->capacity; g < cap; g++) s->best_held[g] = -1;
  s->capacity = cap;
  return MD_OK;
}

/* Appends rows idx[0..k) of batch (input positions pos, key ids ids; both
 * taken over) as a held batch; the keys' latest rows point into it. */
static md_code hold(latest_state *s, const md_batch *batch, const int64_t *idx, int64_t k, int64_t *pos, int64_t *ids,
                    md_error *err) {
  held_batch h = {.pos = pos, .ids = ids};
  md_code code = MD_OK;
  if (s->num_held == s->held_capacity) {
    int cap = s->held_capacity ? s->held_capacity * 2 : 16;
    held_batch *grown = realloc(s->held, (size_t)cap * sizeof *grown);
    if (!grown) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    else s->held = grown, s->held_capacity = cap;
  }
  if (code == MD_OK) code = batch_take(batch, idx, k, &h.batch, err);
  if (code == MD_OK)
    code = key_view_init(&h.order, md_batch_column(h.batch, md_schema_find(md_batch_schema(h.batch), s->order_column)), err);
  if (code != MD_OK) {
    held_free(&h);
    return code;
  }
  for (int64_t j = 0; j < k; j++)
    if (ids[j] >= 0) {
      s->best_held[ids[j]] = s->num_held;
      s->best_row[ids[j]] = j;
    }
  h.live = k;
  s->held[s->num_held++] = h;
  return MD_OK;
}

/* Cuts held batch b down to its live rows (same order). */
static md_code compact(latest_state *s, int b, md_error *err) {
  held_batch *h = &s->held[b];
  int64_t n = md_batch_num_rows(h->batch), k = 0;
  int64_t *idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *idx);
  if (!idx) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int64_t r = 0; r < n; r++) {
    int64_t id = h->ids[r];
    if (id >= 0 && (s->best_held[id] != b || s->best_row[id] != r)) continue;
    idx[k] = r;
    h->pos[k] = h->pos[r];
    h->ids[k++] = id;
  }
  md_batch *kept = NULL;
  key_view order = {0};
  md_code code = batch_take(h->batch, idx, k, &kept, err);
  free(idx);
  if (code == MD_OK)
    code = key_view_init(&order, md_batch_column(kept, md_schema_find(md_batch_schema(kept), s->order_column)), err);
  if (code != MD_OK) {
    md_batch_free(kept);
    return code;
  }
  md_batch_free(h->batch);
  md_column_free(h->order.column);
  h->batch = kept;
  h->order = order;
  h->live = k;
  for (int64_t j = 0; j < k; j++)
    if (h->ids[j] >= 0) s->best_row[h->ids[j]] = j;
  return MD_OK;
}

md_code latest_consume(latest_state *s, const md_batch *batch, int64_t seq, const int64_t *rows, md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  int order_index = md_schema_find(md_batch_schema(batch), s->order_column);
  if (order_index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "keep-latest: column %s not found", s->order_column);
  md_column *columns[64];
  md_code code = batch_columns_by_name(batch, s->keys, s->num_keys, columns, err);
  if (code != MD_OK) return code;
  key_view order = {0};
  int64_t *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
  if (!ids) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  code = key_view_init(&order, md_batch_column(batch, order_index), err);
  if (code == MD_OK) code = key_map_assign(&s->map, columns, s->num_keys, n, ids, NULL, NULL, err);
  if (code == MD_OK) code = ensure_keys(s, key_map_count(&s->map), err);
  /* Candidates from this batch point at held batch `cur` (not yet added). */
  int32_t cur = s->num_held;
  int64_t nulls = 0;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    int64_t id = ids[i];
    if (id < 0) {
      nulls++;
      continue;
    }
    int32_t b = s->best_held[id];
    if (b >= 0) {
      const key_view *bv = b == cur ? &order : &s->held[b].order;
      int64_t r = s->best_row[id];
      bool row_null = key_view_null(&order, i), best_null = key_view_null(bv, r);
      /* Later rows win ties; a null order value is older than any value. */
      if (!(row_null ? best_null : (best_null || key_view_compare(&order, i, bv, r) >= 0))) continue;
      if (b != cur) s->held[b].live--;
    }
    s->best_held[id] = cur;
    s->best_row[id] = i;
  }
  int64_t *idx = NULL, *pos = NULL, *kept_ids = NULL, k = 0;
  if (code == MD_OK) {
    idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *idx);
    pos = malloc((size_t)(n > 0 ? n : 1) * sizeof *pos);
    kept_ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *kept_ids);
    if (!idx || !pos || !kept_ids) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  }
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    int64_t id = ids[i];
    if (id >= 0 && (s->best_held[id] != cur || s->best_row[id] != i)) continue;
    idx[k] = i;
    pos[k] = (seq << 32) | (rows ? rows[i] : i);
    kept_ids[k++] = id;
  }
  md_column_free(order.column);
  free(ids);
  if (code == MD_OK && k > 0) {
    code = hold(s, batch, idx, k, pos, kept_ids, err);
    pos = kept_ids = NULL;
  }
  free(idx);
  free(pos);
  free(kept_ids);
  if (code != MD_OK) return code;
  s->null_rows += nulls;
  /* A held batch is cut down once a third of its rows have lost to later ones,
   * which bounds the rows held to 1.5 times the rows kept, plus small batches. */
  for (int b = 0; b < s->num_held && code == MD_OK; b++) {
    int64_t rows_held = md_batch_num_rows(s->held[b].batch);
    if (rows_held >= 1024 && s->held[b].live * 3 < rows_held * 2) code = compact(s, b, err);
  }
  return code;
}

/* The live rows of one state, in input order: (held batch, row) pairs. */
typedef struct live_rows {
  const latest_state *state;
  int32_t *held;
  int64_t *rows, count, next;
} live_rows;

static md_code list_live(const latest_state *s, live_rows *out, md_error *err) {
  memset(out, 0, sizeof *out);
  out->state = s;
  int64_t cap = s->null_rows + key_map_count(&s->map);
  out->held = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *out->held);
  out->rows = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *out->rows);
  if (!out->held || !out->rows) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int b = 0; b < s->num_held; b++) {
    const held_batch *h = &s->held[b];
    int64_t n = md_batch_num_rows(h->batch);
    for (int64_t r = 0; r < n; r++) {
      int64_t id = h->ids[r];
      if (id >= 0 && (s->best_held[id] != b || s->best_row[id] != r)) continue;
      out->held[out->count] = b;
      out->rows[out->count++] = r;
    }
  }
  return MD_OK;
}

static int64_t live_pos(const live_rows *l) { return l->state->held[l->held[l->next]].pos[l->rows[l->next]]; }

/* Column c of the kept rows: the states' lists merged by input position, the
 * rows appended a run of one source batch at a time. Merging again per column
 * costs a little time and saves holding the merged order for every row. */
static md_code gather_column(live_rows *lists, int num_parts, int c, const md_field *field, int64_t total,
                             md_column **out, md_error *err) {
  md_column *column = md_column_new_for_field(field);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  md_code code = md_column_reserve(column, total, 0, err);
  for (int p = 0; p < num_parts; p++) lists[p].next = 0;
  int64_t run[1024], count = 0;
  const md_batch *source = NULL;
  for (int64_t i = 0; i <= total && code == MD_OK; i++) {
    int best = -1;
    int64_t best_pos = 0;
    for (int p = 0; i < total && p < num_parts; p++) {
      if (lists[p].next >= lists[p].count) continue;
      int64_t pos = live_pos(&lists[p]);
      if (best < 0 || pos < best_pos) best = p, best_pos = pos;
    }
    const md_batch *next = best < 0 ? NULL : lists[best].state->held[lists[best].held[lists[best].next]].batch;
    if (count > 0 && (next != source || count == 1024)) {
      code = md_column_append_rows(column, md_batch_column(source, c), run, count, err);
      count = 0;
    }
    if (best < 0) break;
    source = next;
    run[count++] = lists[best].rows[lists[best].next++];
  }
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}

md_code latest_finish_partitions(latest_state **parts, int num_parts, const md_schema *schema, md_batch **out,
                                 md_error *err) {
  live_rows lists[64];
  int64_t total = 0;
  md_code code = MD_OK;
  int listed = 0;
  for (; listed < num_parts && code == MD_OK; listed++) {
    code = list_live(parts[listed], &lists[listed], err);
    total += lists[listed].count;
    /* The keys are no longer needed: give their memory back before gathering. */
    key_map_free(&parts[listed]->map);
  }
  int nc = md_schema_num_fields(schema);
  md_column **columns = code == MD_OK ? calloc((size_t)(nc > 0 ? nc : 1), sizeof *columns) : NULL;
  if (code == MD_OK && !columns) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int c = 0; c < nc && code == MD_OK; c++) {
    code = gather_column(lists, num_parts, c, md_schema_field(schema, c), total, &columns[c], err);
    if (code != MD_OK) md_error_context(err, "column %s", md_field_name(md_schema_field(schema, c)));
  }
  for (int p = 0; p < listed; p++) {
    free(lists[p].held);
    free(lists[p].rows);
  }
  if (!columns) return code;
  return batch_build(code == MD_OK ? md_schema_copy(schema) : NULL, columns, nc, code, out, err);
}
