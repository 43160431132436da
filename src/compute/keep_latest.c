/* keep_latest.c — keep-latest-by-key over a stream of batches: per key, the row
 * with the greatest order value (null older than any value, ties to the later
 * input row); rows with a null key part are all kept. This file consumes the
 * batches; keep_latest_finish.c puts the survivors together.
 *
 * The cost is one hash-table probe per row, so the table is built for it: a
 * slot holds the key (as int64 words: integers as themselves, strings as ids
 * from a per-column dictionary, other types as an id of their byte encoding),
 * the current winner's order value (integers, dates, timestamps, floats and
 * booleans mapped to an int64 that sorts the same way) and a reference to the
 * winner (held batch, input row). Deciding whether a row wins then touches one
 * slot, usually one cache line, and the probes of a batch are prefetched a few
 * rows ahead. Order types with no int64 image (decimals, strings) compare
 * against the winner's row in its held batch.
 *
 * Rows are not copied as they arrive: a batch is held by reference (the
 * partitions' states share it, each consuming its own rows), with a bitmap of
 * its rows that are still some key's latest. A held batch is cut down to its
 * live rows once fewer than half of its rows (of this state's) are live, and
 * dropped when none is, so memory stays within about twice the output plus
 * the batches in flight. References name input rows, which cutting down does
 * not change; the finish walks the bitmaps, so winners need no final lookup.
 * Batches arrive in input order and rows ascending within a batch, so a later
 * row wins a tie simply by arriving later. */
#include <stdlib.h>

#include "keep_latest_internal.h"

enum { KEYS_UNSET, KEYS_WORDS, KEYS_BYTES };
enum { ORDER_INT, ORDER_UINT, ORDER_BOOL, ORDER_FLOAT, ORDER_NULL, ORDER_VIEW };

/* A reference: bit 63 the order value is null, bits 32-62 the held batch,
 * bits 0-31 the input row. All ones marks an empty slot (no held batch gets
 * that index). */
#define REF_NULL_ORDER ((uint64_t)1 << 63)
#define REF_EMPTY UINT64_MAX
#define MAX_HELD 0x7ffffffe
/* Rows probed ahead of the one being decided. */
#define PREFETCH_DISTANCE 24
/* Held batches smaller than this are not worth cutting down. */
#define MIN_CUT_ROWS 32

static inline uint64_t make_ref(int64_t held, int64_t row) { return ((uint64_t)held << 32) | (uint64_t)row; }
static inline int64_t ref_held(uint64_t ref) { return (int64_t)((ref >> 32) & 0x7fffffff); }
static inline int64_t ref_row(uint64_t ref) { return (int64_t)(ref & 0xffffffffu); }

struct latest_state {
  char *const *keys;
  int num_keys;
  const char *order_column;
  md_schema *schema; /* of the first batch: the fields for rebuilding nested columns */
  int key_mode, order_kind;
  int width, stride;  /* key words per slot; words per slot (key, order, reference) */
  key_table *dicts;   /* KEYS_WORDS: per string key column */
  key_table encoded;  /* KEYS_BYTES */
  uint64_t *slots;
  int64_t capacity, count;
  held_batch *held;
  int num_held, held_capacity;
  int *queue; /* held batches to check for cutting down */
  int num_queued, queue_capacity;
  /* Per-batch scratch, kept between batches: rows with no null key part, their
   * key words, hashes, references and order values. */
  int64_t *rows, *words, *orders;
  uint64_t *hashes, *refs;
  int64_t scratch_capacity;
};

void held_release(held_batch *h, int num_columns) {
  for (int c = 0; h->columns && c < num_columns; c++) md_column_free(h->columns[c]);
  free(h->columns);
  h->columns = NULL;
  if (h->has_order_view) md_column_free(h->order.column);
  h->has_order_view = false;
  free(h->orig);
  free(h->live);
  h->orig = NULL;
  h->live = NULL;
  h->data_rows = h->owned = h->num_live = 0;
}

static int state_num_columns(const latest_state *s) { return s->schema ? md_schema_num_fields(s->schema) : 0; }

static void held_drop(latest_state *s, held_batch *h) { held_release(h, state_num_columns(s)); }

void latest_release_keys(latest_state *s) {
  md_free(s->slots);
  s->slots = NULL;
  s->capacity = s->count = 0;
  for (int k = 0; s->dicts && k < s->num_keys; k++) key_table_free(&s->dicts[k]);
  free(s->dicts);
  s->dicts = NULL;
  key_table_free(&s->encoded);
  free(s->rows);
  free(s->words);
  free(s->orders);
  free(s->hashes);
  free(s->refs);
  s->rows = s->words = s->orders = NULL;
  s->hashes = s->refs = NULL;
  s->scratch_capacity = 0;
  free(s->queue);
  s->queue = NULL;
  s->num_queued = s->queue_capacity = 0;
}

void latest_free(latest_state *state) {
  if (!state) return;
  latest_release_keys(state);
  for (int h = 0; h < state->num_held; h++) held_drop(state, &state->held[h]);
  free(state->held);
  md_schema_free(state->schema);
  free(state);
}

latest_held latest_state_held(latest_state *state) {
  return (latest_held){state->held, state->num_held, state_num_columns(state)};
}

md_code latest_new(char *const *keys, int num_keys, const char *order_column, latest_state **out, md_error *err) {
  if (num_keys > 64) return md_error_set(err, MD_ERR_UNSUPPORTED, "keep-latest: more than 64 keys");
  latest_state *state = calloc(1, sizeof *state);
  if (!state) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  state->keys = keys;
  state->num_keys = num_keys;
  state->order_column = order_column;
  key_table_init(&state->encoded);
  *out = state;
  return MD_OK;
}

static bool is_string(md_type type) { return type.id == MD_TYPE_UTF8 || type.id == MD_TYPE_BINARY; }

/* The key and order representations, fixed by the first batch's types. */
static md_code choose_modes(latest_state *s, const md_batch *batch, md_column *const *keys, const md_column *order,
                            md_error *err) {
  s->schema = md_schema_copy(md_batch_schema(batch));
  if (!s->schema) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  s->key_mode = KEYS_WORDS;
  for (int k = 0; k < s->num_keys; k++) {
    md_type t = md_column_type(keys[k]);
    if (!key_is_int(t) && !is_string(t)) s->key_mode = KEYS_BYTES;
  }
  s->width = s->key_mode == KEYS_WORDS ? s->num_keys : 1;
  if (s->width == 0) s->width = 1; /* no keys: one key, the empty one */
  s->stride = s->width + 2;
  if (s->key_mode == KEYS_WORDS && s->num_keys > 0) {
    s->dicts = calloc((size_t)s->num_keys, sizeof *s->dicts);
    if (!s->dicts) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    for (int k = 0; k < s->num_keys; k++) key_table_init(&s->dicts[k]);
  }
  md_type t = md_column_type(order);
  if (key_is_int(t)) s->order_kind = ORDER_INT;
  else if (t.id == MD_TYPE_UINT64) s->order_kind = ORDER_UINT;
  else if (t.id == MD_TYPE_BOOL) s->order_kind = ORDER_BOOL;
  else if (type_is_float(t)) s->order_kind = ORDER_FLOAT;
  else if (t.id == MD_TYPE_NULL) s->order_kind = ORDER_NULL;
  else s->order_kind = ORDER_VIEW;
  return MD_OK;
}

static md_code ensure_scratch(latest_state *s, int64_t n, md_error *err) {
  if (n <= s->scratch_capacity) return MD_OK;
  int64_t cap = s->scratch_capacity ? s->scratch_capacity : 1024;
  while (cap < n) cap *= 2;
  free(s->rows);
  free(s->words);
  free(s->orders);
  free(s->hashes);
  free(s->refs);
  s->rows = malloc((size_t)cap * sizeof *s->rows);
  s->words = malloc((size_t)cap * (size_t)s->width * sizeof *s->words);
  s->orders = malloc((size_t)cap * sizeof *s->orders);
  s->hashes = malloc((size_t)cap * sizeof *s->hashes);
  s->refs = malloc((size_t)cap * sizeof *s->refs);
  if (!s->rows || !s->words || !s->orders || !s->hashes || !s->refs) {
    s->scratch_capacity = 0;
    return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory for %lld rows", (long long)n);
  }
  s->scratch_capacity = cap;
  return MD_OK;
}

/* ------------------------------------------------------------- key table */

static inline uint64_t hash_words(const int64_t *w, int width) {
  uint64_t h = 0x5eedULL;
  for (int i = 0; i < width; i++) h = (h ^ (uint64_t)w[i]) * 0x9E3779B97F4A7C15ULL;
  return hash_mix(h);
}

static inline bool words_equal(const uint64_t *slot, const int64_t *key, int width) {
  for (int i = 0; i < width; i++)
    if (slot[i] != (uint64_t)key[i]) return false;
  return true;
}

/* Room for `more` keys at a load of at most 0.7, so that no slot moves while a
 * batch is probed (its prefetched addresses stay right). */
static md_code reserve_slots(latest_state *s, int64_t more, md_error *err) {
  int64_t need = s->count + more;
  if (need * 10 <= s->capacity * 7) return MD_OK;
  int64_t cap = s->capacity ? s->capacity : 1024;
  while (need * 10 > cap * 7) cap *= 2;
  int stride = s->stride, width = s->width;
  uint64_t *slots = md_alloc((size_t)cap * (size_t)stride * sizeof *slots); /* huge pages when large */
  if (!slots) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory for %lld keys", (long long)need);
  memset(slots, 0xff, (size_t)cap * (size_t)stride * sizeof *slots);
  uint64_t mask = (uint64_t)cap - 1;
  for (int64_t i = 0; i < s->capacity; i++) {
    const uint64_t *old = s->slots + i * stride;
    if (old[width + 1] == REF_EMPTY) continue;
    uint64_t at = hash_words((const int64_t *)old, width) & mask;
    while (slots[at * (uint64_t)stride + (uint64_t)width + 1] != REF_EMPTY) at = (at + 1) & mask;
    memcpy(slots + at * (uint64_t)stride, old, (size_t)stride * sizeof *slots);
  }
  md_free(s->slots);
  s->slots = slots;
  s->capacity = cap;
  return MD_OK;
}

/* ------------------------------------------------------------ held batches */

static md_code queue_push(latest_state *s, int b, md_error *err) {
  if (s->held[b].queued) return MD_OK;
  if (s->num_queued == s->queue_capacity) {
    int cap = s->queue_capacity ? s->queue_capacity * 2 : 16;
    int *grown = realloc(s->queue, (size_t)cap * sizeof *grown);
    if (!grown) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    s->queue = grown;
    s->queue_capacity = cap;
  }
  s->queue[s->num_queued++] = b;
  s->held[b].queued = true;
  return MD_OK;
}

static bool worth_cutting(const held_batch *h) {
  return h->num_live == 0 || (h->owned >= MIN_CUT_ROWS && h->num_live * 2 < h->owned);
}

/* The data row of input row r. */
static int64_t data_row(const held_batch *h, int64_t r) {
  if (!h->orig) return r;
  int64_t lo = 0, hi = h->data_rows;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (h->orig[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static md_code init_order_view(latest_state *s, held_batch *h, md_error *err) {
  if (s->order_kind != ORDER_VIEW) return MD_OK;
  int index = md_schema_find(s->schema, s->order_column);
  md_code code = key_view_init(&h->order, h->columns[index], err);
  h->has_order_view = code == MD_OK;
  return code;
}

/* Column rows rows[0..n) as a new column. */
static md_code take_rows(const md_field *field, const md_column *column, const int64_t *rows, int64_t n,
                         md_column **out, md_error *err) {
  md_type t = md_column_type(column);
  if (!md_type_is_nested(t) && t.id != MD_TYPE_INTERVAL_MDN) return column_take(column, rows, n, out, err);
  md_column *taken = md_column_new_for_field(field);
  if (!taken) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  md_code code = md_column_append_rows(taken, column, rows, n, err);
  if (code != MD_OK) {
    md_column_free(taken);
    return code;
  }
  *out = taken;
  return MD_OK;
}

/* Cuts held batch h down to its live rows (dropping it when there are none). */
static md_code cut_down(latest_state *s, held_batch *h, md_error *err) {
  h->queued = false;
  if (h->num_live == 0) {
    held_drop(s, h);
    return MD_OK;
  }
  int nc = state_num_columns(s);
  int64_t k = 0;
  int64_t *keep = malloc((size_t)h->num_live * sizeof *keep);
  int32_t *orig = malloc((size_t)h->num_live * sizeof *orig);
  md_column **columns = calloc((size_t)(nc > 0 ? nc : 1), sizeof *columns);
  md_code code = keep && orig && columns ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  if (code == MD_OK && !h->orig) {
    /* The input batch itself: its live rows are the set bits, a word at a time. */
    for (int64_t w = 0; w < (h->input_rows + 63) / 64; w++)
      for (uint64_t bits = h->live[w]; bits; bits &= bits - 1) {
        int64_t r = w * 64 + __builtin_ctzll(bits);
        keep[k] = r;
        orig[k++] = (int32_t)r;
      }
  } else if (code == MD_OK) {
    for (int64_t d = 0; d < h->data_rows; d++)
      if ((h->live[h->orig[d] >> 6] >> (h->orig[d] & 63)) & 1) {
        keep[k] = d;
        orig[k++] = h->orig[d];
      }
  }
  for (int c = 0; c < nc && code == MD_OK; c++) {
    code = take_rows(md_schema_field(s->schema, c), h->columns[c], keep, k, &columns[c], err);
    if (code != MD_OK) md_error_context(err, "keep-latest: column %s", md_field_name(md_schema_field(s->schema, c)));
  }
  free(keep);
  if (code != MD_OK) {
    for (int c = 0; columns && c < nc; c++) md_column_free(columns[c]);
    free(columns);
    free(orig);
    return code;
  }
  uint64_t *live = h->live;
  h->live = NULL;
  held_release(h, nc);
  h->live = live;
  h->num_live = k;
  h->columns = columns;
  h->orig = orig;
  h->data_rows = h->owned = k;
  return init_order_view(s, h, err);
}

/* A new held batch for batch (its columns shared), with no row live yet. */
static md_code hold(latest_state *s, const md_batch *batch, int64_t seq, int64_t count, md_error *err) {
  if (s->num_held == s->held_capacity) {
    int cap = s->held_capacity ? s->held_capacity * 2 : 16;
    held_batch *grown = realloc(s->held, (size_t)cap * sizeof *grown);
    if (!grown) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    s->held = grown;
    s->held_capacity = cap;
  }
  int nc = state_num_columns(s);
  int64_t n = md_batch_num_rows(batch);
  held_batch h = {.data_rows = n, .input_rows = n, .owned = count, .seq = seq};
  h.columns = calloc((size_t)(nc > 0 ? nc : 1), sizeof *h.columns);
  h.live = calloc((size_t)((n + 63) / 64 + 1), sizeof *h.live);
  if (!h.columns || !h.live) {
    free(h.columns);
    free(h.live);
    return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  }
  for (int c = 0; c < nc; c++) h.columns[c] = md_column_ref(md_batch_column(batch, c));
  md_code code = init_order_view(s, &h, err);
  if (code != MD_OK) {
    held_drop(s, &h);
    return code;
  }
  s->held[s->num_held++] = h;
  return MD_OK;
}

/* ------------------------------------------------------------- consuming */

static bool is_null_at(const md_column *column, int64_t row) {
  const uint8_t *valid = md_column_validity(column);
  return md_column_type(column).id == MD_TYPE_NULL || (valid && !md_bit_get(valid, row));
}

/* Fills s->rows with the rows of rows[0..count) whose key has no null part
 * (returned: how many) and marks the others live in held batch cur. */
static int64_t split_null_keys(latest_state *s, md_column *const *keys, const int64_t *rows, int64_t count, int cur) {
  bool any_null = false;
  for (int k = 0; k < s->num_keys; k++)
    any_null |= md_column_type(keys[k]).id == MD_TYPE_NULL || md_column_validity(keys[k]) != NULL;
  held_batch *h = &s->held[cur];
  int64_t kept = 0;
  for (int64_t j = 0; j < count; j++) {
    int64_t r = rows ? rows[j] : j;
    bool null_key = false;
    for (int k = 0; any_null && k < s->num_keys && !null_key; k++) null_key = is_null_at(keys[k], r);
    if (!null_key) {
      s->rows[kept++] = r;
      continue;
    }
    h->live[r >> 6] |= (uint64_t)1 << (r & 63);
    h->num_live++;
  }
  return kept;
}

/* Key words and hashes of the rows s->rows[0..n). */
static md_code stage_keys(latest_state *s, md_column *const *keys, int64_t n, md_error *err) {
  int width = s->width;
  md_code code = MD_OK;
  if (s->key_mode == KEYS_BYTES) {
    md_column *taken[64] = {0};
    key_rows encoded = {0};
    for (int k = 0; k < s->num_keys && code == MD_OK; k++) code = column_take(keys[k], s->rows, n, &taken[k], err);
    if (code == MD_OK) code = keys_encode(taken, s->num_keys, n, false, &encoded, err);
    for (int64_t j = 0; j < n && code == MD_OK; j++) {
      bool inserted;
      s->words[j] = key_table_insert(&s->encoded, encoded.hashes[j], encoded.bytes + encoded.offsets[j],
                                     encoded.offsets[j + 1] - encoded.offsets[j], &inserted, err);
      if (s->words[j] < 0) code = MD_ERR_NOMEM;
    }
    keys_free(&encoded);
    for (int k = 0; k < s->num_keys; k++) md_column_free(taken[k]);
  } else {
    for (int64_t j = 0; s->num_keys == 0 && j < n; j++) s->words[j] = 0;
    for (int k = 0; k < s->num_keys && code == MD_OK; k++) {
      int64_t *dst = width == 1 ? s->words : s->orders; /* orders: free until stage_orders */
      if (is_string(md_column_type(keys[k]))) {
        code = key_dict_ids(&s->dicts[k], keys[k], s->rows, n, dst, err);
      } else {
        int64_t *owned = NULL;
        const int64_t *v = key_ints(keys[k], &owned);
        if (!v) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
        for (int64_t j = 0; v && j < n; j++) dst[j] = v[s->rows[j]];
        free(owned);
      }
      for (int64_t j = 0; width > 1 && j < n; j++) s->words[j * width + k] = dst[j];
    }
  }
  for (int64_t j = 0; j < n && code == MD_OK; j++) s->hashes[j] = hash_words(s->words + j * width, width);
  return code;
}

/* A double as an int64 of the same order: -0.0 equal to 0.0, every NaN equal
 * and above +infinity (as key_view_compare orders them). */
static int64_t float_order(double f) {
  if (f != f) return INT64_MAX;
  if (f == 0) f = 0;
  uint64_t u;
  memcpy(&u, &f, 8);
  u = (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
  return (int64_t)(u ^ ((uint64_t)1 << 63));
}

/* Order values (inline kinds) and references of the rows s->rows[0..n). */
static md_code stage_orders(latest_state *s, const md_column *order, int cur, int64_t n, md_error *err) {
  const uint8_t *valid = md_column_validity(order);
  const void *values = md_column_values(order);
  int64_t *owned = NULL;
  const int64_t *ints = NULL;
  if (s->order_kind == ORDER_INT && !(ints = key_ints(order, &owned)))
    return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int64_t j = 0; j < n; j++) {
    int64_t r = s->rows[j];
    bool null = s->order_kind == ORDER_NULL || (valid && !md_bit_get(valid, r));
    int64_t v = 0;
    switch (s->order_kind) {
      case ORDER_INT: v = ints[r]; break;
      case ORDER_UINT: v = (int64_t)(((const uint64_t *)values)[r] ^ ((uint64_t)1 << 63)); break;
      case ORDER_BOOL: v = md_bit_get(values, r); break;
      case ORDER_FLOAT:
        v = float_order(md_column_type(order).id == MD_TYPE_FLOAT32 ? (double)((const float *)values)[r]
                                                                     : ((const double *)values)[r]);
        break;
      default: break;
    }
    s->orders[j] = v;
    s->refs[j] = make_ref(cur, r) | (null ? REF_NULL_ORDER : 0);
  }
  free(owned);
  return MD_OK;
}

/* The winner referenced by `old` lost: its row is no longer live. */
static md_code lose(latest_state *s, uint64_t old, int cur, md_error *err) {
  int b = (int)ref_held(old);
  held_batch *h = &s->held[b];
  int64_t r = ref_row(old);
  h->live[r >> 6] &= ~((uint64_t)1 << (r & 63));
  h->num_live--;
  return b != cur && worth_cutting(h) ? queue_push(s, b, err) : MD_OK;
}

/* Does staged row j (reference ref) beat the slot's winner? */
static inline bool beats(const latest_state *s, const uint64_t *slot, int64_t j, uint64_t ref, int cur) {
  uint64_t best = slot[s->width + 1];
  if (ref & REF_NULL_ORDER) return (best & REF_NULL_ORDER) != 0; /* null beats only null (later) */
  if (best & REF_NULL_ORDER) return true;
  if (s->order_kind != ORDER_VIEW) return s->orders[j] >= (int64_t)slot[s->width];
  const held_batch *w = &s->held[ref_held(best)];
  return key_view_compare(&s->held[cur].order, ref_row(ref), &w->order, data_row(w, ref_row(best))) >= 0;
}

/* Probes the table for the staged rows [0, n) in order. The misses are
 * overlapped in two steps: a row's slot is prefetched PREFETCH_DISTANCE rows
 * ahead, and half-way there, with its slot then at hand, the live bitmap word
 * of the winner it will most likely replace. */
static md_code probe(latest_state *s, int cur, int64_t n, md_error *err) {
  int width = s->width, stride = s->stride;
  uint64_t mask = (uint64_t)s->capacity - 1;
  uint64_t *slots = s->slots;
  const uint64_t *hashes = s->hashes, *refs = s->refs;
  const int64_t *words = s->words, *orders = s->orders;
  held_batch *held = s->held, *h = &held[cur];
  md_code code = MD_OK;
  for (int64_t j = 0; j < n && code == MD_OK; j++) {
    if (j + PREFETCH_DISTANCE < n) {
      const uint64_t *ahead = slots + (hashes[j + PREFETCH_DISTANCE] & mask) * (uint64_t)stride;
      __builtin_prefetch(ahead, 1);
      __builtin_prefetch(ahead + width + 1, 1); /* a slot may straddle two lines */
    }
    if (j + PREFETCH_DISTANCE / 2 < n) {
      uint64_t best = slots[(hashes[j + PREFETCH_DISTANCE / 2] & mask) * (uint64_t)stride + (uint64_t)width + 1];
      if (best != REF_EMPTY) __builtin_prefetch(&held[ref_held(best)].live[ref_row(best) >> 6], 1);
    }
    const int64_t *key = words + j * width;
    uint64_t at = hashes[j] & mask;
    uint64_t *slot;
    for (;; at = (at + 1) & mask) {
      slot = slots + at * (uint64_t)stride;
      if (slot[width + 1] == REF_EMPTY || words_equal(slot, key, width)) break;
    }
    uint64_t ref = refs[j];
    if (slot[width + 1] == REF_EMPTY) {
      memcpy(slot, key, (size_t)width * sizeof *slot);
      s->count++;
    } else if (beats(s, slot, j, ref, cur)) {
      code = lose(s, slot[width + 1], cur, err);
    } else {
      continue;
    }
    slot[width] = (uint64_t)orders[j];
    slot[width + 1] = ref;
    int64_t r = ref_row(ref);
    h->live[r >> 6] |= (uint64_t)1 << (r & 63);
    h->num_live++;
  }
  return code;
}

md_code latest_consume(latest_state *s, const md_batch *batch, int64_t seq, const int64_t *rows, int64_t count,
                       md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  if (count <= 0) return MD_OK;
  if (n > INT32_MAX) return md_error_set(err, MD_ERR_UNSUPPORTED, "keep-latest: a batch of more than 2^31 rows");
  if (s->num_held >= MAX_HELD) return md_error_set(err, MD_ERR_UNSUPPORTED, "keep-latest: too many input batches");
  int order_index = md_schema_find(md_batch_schema(batch), s->order_column);
  if (order_index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "keep-latest: column %s not found", s->order_column);
  const md_column *order = md_batch_column(batch, order_index);
  md_column *keys[64];
  md_code code = batch_columns_by_name(batch, s->keys, s->num_keys, keys, err);
  if (code == MD_OK && s->key_mode == KEYS_UNSET) code = choose_modes(s, batch, keys, order, err);
  if (code == MD_OK && md_batch_num_columns(batch) != state_num_columns(s))
    code = md_error_set(err, MD_ERR_INVALID, "keep-latest: batches of different schemas");
  if (code == MD_OK) code = ensure_scratch(s, count, err);
  if (code == MD_OK) code = hold(s, batch, seq, count, err);
  if (code != MD_OK) return code;
  int cur = s->num_held - 1;
  int64_t staged = split_null_keys(s, keys, rows, count, cur);
  code = stage_keys(s, keys, staged, err);
  if (code == MD_OK) code = stage_orders(s, order, cur, staged, err);
  if (code == MD_OK) code = reserve_slots(s, staged, err);
  if (code == MD_OK) code = probe(s, cur, staged, err);
  if (code != MD_OK) return code;
  if (s->held[cur].num_live == 0) { /* nothing refers to it: forget it */
    held_drop(s, &s->held[cur]);
    s->num_held--;
  } else if (worth_cutting(&s->held[cur])) {
    code = queue_push(s, cur, err);
  }
  while (code == MD_OK && s->num_queued > 0) code = cut_down(s, &s->held[s->queue[--s->num_queued]], err);
  return code;
}
