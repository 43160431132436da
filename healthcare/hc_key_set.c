/* hc_key_set.c — the key hash set of hc_key_set.h.
 *
 * Each row's key is encoded into bytes (a tag per part, integers widened to
 * 8 bytes, strings with their length), so one open-addressing table serves
 * every key shape; the encoded keys live in one growing arena. Sets hold the
 * recomputed keys of an incremental run (about 1% of a table) and are probed
 * once per stored row, so probing is the loop that matters: it encodes into
 * a reused buffer and compares the stored hash before any bytes. */
#include <stdlib.h>
#include <string.h>

#include "hc_key_set.h"

#define MAX_PARTS 8

typedef struct slot {
  uint64_t hash;
  int64_t offset; /* into the arena; -1: empty */
  int64_t id;
  uint32_t length;
  unsigned flags;
} slot;

struct hc_key_set {
  slot *slots;
  /* One bit per hash value (8 per slot): most probed keys are absent, and
   * this small bitmap answers them without touching a slot (a cache miss). */
  uint8_t *filter;
  int64_t capacity, count; /* capacity: a power of two */
  uint8_t *arena;
  int64_t arena_used, arena_cap;
};

/* A growing buffer for one encoded key. */
typedef struct key_buf {
  uint8_t *bytes;
  size_t used, cap;
} key_buf;

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
  uint64_t h = 0x243F6A8885A308D3ULL ^ (uint64_t)n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  memcpy(&tail, p + i, n - i);
  h = (h ^ tail) * 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

hc_key_set *hc_key_set_new(void) {
  hc_key_set *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->capacity = 1024;
  s->slots = malloc((size_t)s->capacity * sizeof *s->slots);
  s->filter = calloc((size_t)s->capacity, 1);
  if (!s->slots || !s->filter) {
    free(s->slots);
    free(s->filter);
    free(s);
    return NULL;
  }
  for (int64_t i = 0; i < s->capacity; i++) s->slots[i].offset = -1;
  return s;
}

void hc_key_set_free(hc_key_set *set) {
  if (!set) return;
  free(set->slots);
  free(set->filter);
  free(set->arena);
  free(set);
}

int64_t hc_key_set_count(const hc_key_set *set) { return set->count; }

/* One key column, read straight from its buffers: probing encodes a key per
 * stored row, so the per-part work is a switch and a copy. */
typedef enum part_kind { PART_INT, PART_BYTES, PART_BOOL, PART_FIXED } part_kind;
typedef struct part {
  part_kind kind;
  md_type_id id;
  int width;
  const uint8_t *validity, *values, *data;
  const int32_t *offsets;
} part;

/* The key columns of batch, checked for a supported type. */
static md_code key_columns(const md_batch *batch, const char *const *columns, int n, part *out, md_error *err) {
  if (n < 1 || n > MAX_PARTS) return md_error_set(err, MD_ERR_INTERNAL, "key of %d columns", n);
  for (int i = 0; i < n; i++) {
    int at = md_schema_find(md_batch_schema(batch), columns[i]);
    if (at < 0) return md_error_set(err, MD_ERR_INVALID, "key column %s missing", columns[i]);
    const md_column *c = md_batch_column(batch, at);
    md_type t = md_column_type(c);
    if (md_type_is_nested(t) || (!md_type_is_variable(t) && md_type_fixed_width(t) <= 0 && t.id != MD_TYPE_BOOL))
      return md_error_set(err, MD_ERR_UNSUPPORTED, "key column %s: type not supported", columns[i]);
    part *p = &out[i];
    p->id = t.id;
    p->validity = md_column_null_count(c) > 0 ? md_column_validity(c) : NULL;
    p->values = md_column_values(c);
    switch (t.id) {
      case MD_TYPE_INT8: case MD_TYPE_INT16: case MD_TYPE_INT32: case MD_TYPE_INT64: case MD_TYPE_DATE32:
      case MD_TYPE_UINT8: case MD_TYPE_UINT16: case MD_TYPE_UINT32: p->kind = PART_INT; break;
      case MD_TYPE_UTF8: case MD_TYPE_BINARY:
        p->kind = PART_BYTES;
        p->offsets = md_column_offsets(c);
        p->data = md_column_data(c);
        break;
      case MD_TYPE_BOOL: p->kind = PART_BOOL; break;
      default: p->kind = PART_FIXED; break;
    }
    p->width = p->kind == PART_BOOL ? 1 : p->kind == PART_BYTES ? 0 : md_type_fixed_width(t);
  }
  return MD_OK;
}

static int64_t int_value(const part *p, int64_t r) {
  switch (p->id) {
    case MD_TYPE_INT8: return ((const int8_t *)p->values)[r];
    case MD_TYPE_INT16: return ((const int16_t *)p->values)[r];
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32: return ((const int32_t *)p->values)[r];
    case MD_TYPE_UINT8: return p->values[r];
    case MD_TYPE_UINT16: return ((const uint16_t *)p->values)[r];
    case MD_TYPE_UINT32: return ((const uint32_t *)p->values)[r];
    default: return ((const int64_t *)p->values)[r];
  }
}

/* Row r's key into b; false when a part is null (or out of memory: *nomem).
 * Every integer is one kind of value (tag 1, 8 bytes), strings carry their
 * length, other types their id. */
static bool encode(const part *parts, int n, int64_t r, key_buf *b, bool *nomem) {
  size_t need = 0;
  for (int i = 0; i < n; i++) {
    const part *p = &parts[i];
    if (p->validity && !md_bit_get(p->validity, r)) return false;
    need += p->kind == PART_BYTES ? 5 + (size_t)(p->offsets[r + 1] - p->offsets[r]) : 2 + 8 + (size_t)p->width;
  }
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    uint8_t *g = realloc(b->bytes, cap);
    if (!g) {
      *nomem = true;
      return false;
    }
    b->bytes = g;
    b->cap = cap;
  }
  uint8_t *o = b->bytes;
  for (int i = 0; i < n; i++) {
    const part *p = &parts[i];
    if (p->kind == PART_INT) {
      int64_t v = int_value(p, r);
      *o++ = 1;
      memcpy(o, &v, 8);
      o += 8;
    } else if (p->kind == PART_BYTES) {
      uint32_t len = (uint32_t)(p->offsets[r + 1] - p->offsets[r]);
      *o++ = 2;
      memcpy(o, &len, 4);
      memcpy(o + 4, p->data + p->offsets[r], len);
      o += 4 + len;
    } else if (p->kind == PART_BOOL) {
      *o++ = 3;
      *o++ = md_bit_get(p->values, r);
    } else {
      *o++ = 4;
      *o++ = (uint8_t)p->id;
      memcpy(o, p->values + (size_t)p->width * (size_t)r, (size_t)p->width);
      o += p->width;
    }
  }
  b->used = (size_t)(o - b->bytes);
  return true;
}

static uint64_t filter_bit(const hc_key_set *s, uint64_t h) { return (h >> 17) & ((uint64_t)s->capacity * 8 - 1); }

static void filter_set(hc_key_set *s, uint64_t h) {
  uint64_t bit = filter_bit(s, h);
  s->filter[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

static slot *lookup(const hc_key_set *s, uint64_t h, const uint8_t *key, size_t len) {
  uint64_t mask = (uint64_t)s->capacity - 1;
  for (uint64_t i = h & mask;; i = (i + 1) & mask) {
    slot *e = &s->slots[i];
    if (e->offset < 0) return e;
    if (e->hash == h && e->length == len && memcmp(s->arena + e->offset, key, len) == 0) return e;
  }
}

static bool grow(hc_key_set *s) {
  int64_t cap = s->capacity * 2;
  slot *g = malloc((size_t)cap * sizeof *g);
  uint8_t *filter = calloc((size_t)cap, 1);
  if (!g || !filter) {
    free(g);
    free(filter);
    return false;
  }
  for (int64_t i = 0; i < cap; i++) g[i].offset = -1;
  for (int64_t i = 0; i < s->capacity; i++) {
    if (s->slots[i].offset < 0) continue;
    uint64_t j = s->slots[i].hash & (uint64_t)(cap - 1);
    while (g[j].offset >= 0) j = (j + 1) & (uint64_t)(cap - 1);
    g[j] = s->slots[i];
  }
  free(s->slots);
  free(s->filter);
  s->slots = g;
  s->filter = filter;
  s->capacity = cap;
  for (int64_t i = 0; i < cap; i++)
    if (g[i].offset >= 0) filter_set(s, g[i].hash);
  return true;
}

static bool arena_put(hc_key_set *s, const uint8_t *key, size_t len, int64_t *offset) {
  if (s->arena_used + (int64_t)len > s->arena_cap) {
    int64_t cap = s->arena_cap ? s->arena_cap : 4096;
    while (cap < s->arena_used + (int64_t)len) cap *= 2;
    uint8_t *g = realloc(s->arena, (size_t)cap);
    if (!g) return false;
    s->arena = g;
    s->arena_cap = cap;
  }
  memcpy(s->arena + s->arena_used, key, len);
  *offset = s->arena_used;
  s->arena_used += (int64_t)len;
  return true;
}

md_code hc_key_set_add(hc_key_set *set, const md_batch *batch, const char *const *columns, int num_columns,
                       unsigned flag, int64_t *repeats, int64_t *ids, md_error *err) {
  part cols[MAX_PARTS];
  md_code rc = key_columns(batch, columns, num_columns, cols, err);
  key_buf b = {0};
  bool nomem = false;
  for (int64_t r = 0; rc == MD_OK && r < md_batch_num_rows(batch); r++) {
    if (ids) ids[r] = -1;
    if (!encode(cols, num_columns, r, &b, &nomem)) {
      if (nomem) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
      continue;
    }
    /* At most half full: probes stay short. */
    if ((set->count + 1) * 2 > set->capacity && !grow(set)) {
      rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
      break;
    }
    uint64_t h = hash_bytes(b.bytes, b.used);
    slot *e = lookup(set, h, b.bytes, b.used);
    if (e->offset < 0) {
      int64_t offset = 0;
      if (!arena_put(set, b.bytes, b.used, &offset)) {
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      *e = (slot){h, offset, set->count, (uint32_t)b.used, 0};
      filter_set(set, h);
      set->count++;
    } else if ((e->flags & flag) && repeats) {
      (*repeats)++;
    }
    e->flags |= flag;
    if (ids) ids[r] = e->id;
  }
  free(b.bytes);
  return rc;
}

md_code hc_key_set_find(const hc_key_set *set, const md_batch *batch, const char *const *columns, int num_columns,
                        unsigned char *flags, int64_t *ids, md_error *err) {
  part cols[MAX_PARTS];
  md_code rc = key_columns(batch, columns, num_columns, cols, err);
  key_buf b = {0};
  bool nomem = false;
  for (int64_t r = 0; rc == MD_OK && r < md_batch_num_rows(batch); r++) {
    if (flags) flags[r] = 0;
    if (ids) ids[r] = -1;
    if (!encode(cols, num_columns, r, &b, &nomem)) {
      if (nomem) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
      continue;
    }
    uint64_t h = hash_bytes(b.bytes, b.used), bit = filter_bit(set, h);
    if (!(set->filter[bit >> 3] & (1u << (bit & 7)))) continue;
    const slot *e = lookup(set, h, b.bytes, b.used);
    if (e->offset < 0) continue;
    if (flags) flags[r] = (unsigned char)e->flags;
    if (ids) ids[r] = e->id;
  }
  free(b.bytes);
  return rc;
}
