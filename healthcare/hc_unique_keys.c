/* hc_unique_keys.c — the silver_keys_unique check's count of duplicate keys
 * for the common case of one or two integer key columns without nulls
 * (billing's BILL_ID, LINE_NR; the ids of the other tables).
 *
 * Keep-latest makes silver's keys unique by construction, but the check is
 * there to catch a bug in that, so it must really look at every key: each
 * row's key is packed into two 64-bit words and put into an open-addressing
 * set, and a key met again is a duplicate (counted once per distinct key, as
 * the generic aggregation counts groups of more than one row). It costs a
 * 16-byte slot per row instead of a general hash aggregation's grouping
 * machinery. The hash space is split between threads: each scans every key
 * and keeps only those whose hash falls in its share, in its own set.
 *
 * Other key shapes (strings, nulls, floats whose equality is not bitwise)
 * return handled = false and the caller aggregates. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"

enum { MAX_KEY_THREADS = 8 };

typedef struct packed_key {
  uint64_t a, b;
} packed_key;

/* The key columns of every batch, as positions and widths. */
typedef struct key_source {
  md_batch *const *batches;
  int num_batches;
  int columns[2];
  int widths[2];
  int num_keys;
  int64_t rows;
} key_source;

typedef struct key_share {
  const key_source *src;
  int index, count; /* this thread takes the index-th of count equal ranges of hashes */
  int64_t dups;
  bool nomem;
} key_share;

static uint64_t read_int(const md_column *c, int width, int64_t r) {
  const uint8_t *p = (const uint8_t *)md_column_values(c) + (size_t)r * (size_t)width;
  switch (width) {
  case 1: return (uint64_t)(int64_t)(int8_t)p[0];
  case 2: {
    int16_t v;
    memcpy(&v, p, sizeof v);
    return (uint64_t)(int64_t)v;
  }
  case 4: {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return (uint64_t)(int64_t)v;
  }
  default: {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
  }
  }
}

static uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

static void *count_share(void *arg) {
  key_share *me = arg;
  const key_source *src = me->src;
  /* This share gets about rows/count keys: at most three quarters full. */
  size_t share = (size_t)(src->rows / me->count + 1), want = share + share / 3, cap = 64;
  while (cap < want) cap *= 2;
  packed_key *slots = malloc(cap * sizeof *slots);
  uint8_t *state = calloc(cap, 1); /* 0 empty, 1 seen once, 2 counted as duplicate */
  if (!slots || !state) {
    free(slots);
    free(state);
    me->nomem = true;
    return NULL;
  }
  size_t mask = cap - 1;
  for (int bi = 0; bi < src->num_batches; bi++) {
    const md_batch *batch = src->batches[bi];
    const md_column *c0 = md_batch_column(batch, src->columns[0]);
    const md_column *c1 = src->num_keys > 1 ? md_batch_column(batch, src->columns[1]) : NULL;
    int64_t n = md_batch_num_rows(batch);
    for (int64_t r = 0; r < n; r++) {
      packed_key k = {read_int(c0, src->widths[0], r), c1 ? read_int(c1, src->widths[1], r) : 0};
      uint64_t h = mix(k.a, k.b);
      if ((int)(((h >> 32) * (uint64_t)me->count) >> 32) != me->index) continue; /* no division */
      size_t at = (size_t)(h >> 7) & mask;
      while (state[at] && (slots[at].a != k.a || slots[at].b != k.b)) at = (at + 1) & mask;
      if (!state[at]) {
        slots[at] = k;
        state[at] = 1;
      } else if (state[at] == 1) {
        state[at] = 2;
        me->dups++;
      }
    }
  }
  free(slots);
  free(state);
  return NULL;
}

static bool integer_type(md_type type) {
  switch (type.id) {
  case MD_TYPE_INT8:
  case MD_TYPE_INT16:
  case MD_TYPE_INT32:
  case MD_TYPE_INT64:
  case MD_TYPE_UINT8:
  case MD_TYPE_UINT16:
  case MD_TYPE_UINT32:
  case MD_TYPE_UINT64:
  case MD_TYPE_DATE32:
  case MD_TYPE_TIME32:
  case MD_TYPE_TIME64:
  case MD_TYPE_TIMESTAMP: return true;
  default: return false;
  }
}

md_code hc_count_duplicate_int_keys(md_batch *const *batches, int num_batches, const char *const *keys, int num_keys,
                                    int threads, int64_t *dups, bool *handled, md_error *err) {
  *handled = false;
  if (num_batches < 1 || num_keys < 1 || num_keys > 2) return MD_OK;
  key_source src = {.batches = batches, .num_batches = num_batches, .num_keys = num_keys};
  const md_schema *schema = md_batch_schema(batches[0]);
  for (int k = 0; k < num_keys; k++) {
    src.columns[k] = md_schema_find(schema, keys[k]);
    if (src.columns[k] < 0) return MD_OK;
    md_type type = md_field_type(md_schema_field(schema, src.columns[k]));
    src.widths[k] = md_type_fixed_width(type);
    if (!integer_type(type) || src.widths[k] < 1 || src.widths[k] > 8) return MD_OK;
  }
  for (int b = 0; b < num_batches; b++) {
    if (!md_schema_equal(md_batch_schema(batches[b]), schema)) return MD_OK;
    for (int k = 0; k < num_keys; k++)
      if (md_column_null_count(md_batch_column(batches[b], src.columns[k])) > 0) return MD_OK;
    src.rows += md_batch_num_rows(batches[b]);
  }
  int count = threads < 1 ? 1 : threads > MAX_KEY_THREADS ? MAX_KEY_THREADS : threads;
  if (src.rows < 100000) count = 1;
  key_share shares[MAX_KEY_THREADS];
  pthread_t ids[MAX_KEY_THREADS];
  bool started[MAX_KEY_THREADS] = {false};
  for (int t = 0; t < count; t++) shares[t] = (key_share){&src, t, count, 0, false};
  for (int t = 1; t < count; t++) started[t] = pthread_create(&ids[t], NULL, count_share, &shares[t]) == 0;
  count_share(&shares[0]);
  for (int t = 1; t < count; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else count_share(&shares[t]); /* no thread: this one does the share */
  }
  int64_t total = 0;
  for (int t = 0; t < count; t++) {
    if (shares[t].nomem) return md_error_set(err, MD_ERR_NOMEM, "out of memory checking silver keys");
    total += shares[t].dups;
  }
  *dups = total;
  *handled = true;
  return MD_OK;
}
