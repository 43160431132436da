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
  int64_t capacity, count; /* capacity: a power of two */
  uint8_t *arena;
  int64_t arena_used, arena_cap;
};

/* A growing buffer for one encoded key. */
typedef struct key_buf {
  uint8_t *bytes;
  size_t used, cap;
} key_buf;

static bool buf_put(key_buf *b, const void *p, size_t n) {
  if (b->used + n > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->used + n) cap *= 2;
    uint8_t *g = realloc(b->bytes, cap);
    if (!g) return false;
    b->bytes = g;
    b->cap = cap;
  }
  memcpy(b->bytes + b->used, p, n);
  b->used += n;
  return true;
}

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
  if (!s->slots) {
    free(s);
    return NULL;
  }
  for (int64_t i = 0; i < s->capacity; i++) s->slots[i].offset = -1;
  return s;
}

void hc_key_set_free(hc_key_set *set) {
  if (!set) return;
  free(set->slots);
  free(set->arena);
  free(set);
}

int64_t hc_key_set_count(const hc_key_set *set) { return set->count; }

/* The key columns of batch, checked for a supported type. */
static md_code key_columns(const md_batch *batch, const char *const *columns, int n, const md_column **out,
                           md_error *err) {
  if (n < 1 || n > MAX_PARTS) return md_error_set(err, MD_ERR_INTERNAL, "key of %d columns", n);
  for (int i = 0; i < n; i++) {
    int at = md_schema_find(md_batch_schema(batch), columns[i]);
    if (at < 0) return md_error_set(err, MD_ERR_INVALID, "key column %s missing", columns[i]);
    out[i] = md_batch_column(batch, at);
    md_type t = md_column_type(out[i]);
    if (md_type_is_nested(t) || (!md_type_is_variable(t) && md_type_fixed_width(t) <= 0 && t.id != MD_TYPE_BOOL))
      return md_error_set(err, MD_ERR_UNSUPPORTED, "key column %s: type not supported", columns[i]);
  }
  return MD_OK;
}

/* Row r's key into b; false when a part is null (or out of memory: *nomem). */
static bool encode(const md_column *const *cols, int n, int64_t r, key_buf *b, bool *nomem) {
  b->used = 0;
  for (int i = 0; i < n; i++) {
    const md_column *c = cols[i];
    if (md_column_is_null(c, r)) return false;
    md_type t = md_column_type(c);
    const uint8_t *v = md_column_values(c);
    uint8_t tag = (uint8_t)t.id;
    int64_t wide = 0;
    bool ok = true;
    switch (t.id) {
      case MD_TYPE_INT8: wide = ((const int8_t *)v)[r]; break;
      case MD_TYPE_INT16: wide = ((const int16_t *)v)[r]; break;
      case MD_TYPE_INT32:
      case MD_TYPE_DATE32: wide = ((const int32_t *)v)[r]; break;
      case MD_TYPE_INT64: wide = ((const int64_t *)v)[r]; break;
      case MD_TYPE_UINT8: wide = ((const uint8_t *)v)[r]; break;
      case MD_TYPE_UINT16: wide = ((const uint16_t *)v)[r]; break;
      case MD_TYPE_UINT32: wide = ((const uint32_t *)v)[r]; break;
      default: tag = 0xFF; break;
    }
    if (tag != 0xFF) {
      /* Every signed or small integer is one kind of value. */
      tag = 1;
      ok = buf_put(b, &tag, 1) && buf_put(b, &wide, 8);
    } else if (t.id == MD_TYPE_UTF8 || t.id == MD_TYPE_BINARY) {
      const int32_t *o = md_column_offsets(c);
      uint32_t len = (uint32_t)(o[r + 1] - o[r]);
      tag = 2;
      ok = buf_put(b, &tag, 1) && buf_put(b, &len, 4) && buf_put(b, md_column_data(c) + o[r], len);
    } else if (t.id == MD_TYPE_BOOL) {
      uint8_t bit = md_bit_get(v, r);
      tag = 3;
      ok = buf_put(b, &tag, 1) && buf_put(b, &bit, 1);
    } else {
      size_t w = (size_t)md_type_fixed_width(t);
      uint8_t id = (uint8_t)t.id;
      tag = 4;
      ok = buf_put(b, &tag, 1) && buf_put(b, &id, 1) && buf_put(b, v + w * (size_t)r, w);
    }
    if (!ok) {
      *nomem = true;
      return false;
    }
  }
  return true;
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
  if (!g) return false;
  for (int64_t i = 0; i < cap; i++) g[i].offset = -1;
  for (int64_t i = 0; i < s->capacity; i++) {
    if (s->slots[i].offset < 0) continue;
    uint64_t j = s->slots[i].hash & (uint64_t)(cap - 1);
    while (g[j].offset >= 0) j = (j + 1) & (uint64_t)(cap - 1);
    g[j] = s->slots[i];
  }
  free(s->slots);
  s->slots = g;
  s->capacity = cap;
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
  const md_column *cols[MAX_PARTS];
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
  const md_column *cols[MAX_PARTS];
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
    const slot *e = lookup(set, hash_bytes(b.bytes, b.used), b.bytes, b.used);
    if (e->offset < 0) continue;
    if (flags) flags[r] = (unsigned char)e->flags;
    if (ids) ids[r] = e->id;
  }
  free(b.bytes);
  return rc;
}
