/* encode_dictionary.c — dictionary building for RLE_DICTIONARY pages.
 *
 * This is the writer's hottest loop for low-cardinality columns, so fixed
 * widths 4 and 8 get their own loops comparing integers rather than memcmp,
 * the table stays at most half full (short probe chains), and hashes are one
 * multiply (Fibonacci hashing: the high bits of value * 2^64/phi). */
#include "parquet/encode_dictionary.h"

#include <stdlib.h>
#include <string.h>

enum { INITIAL_SLOTS = 1024 };

#define GOLDEN64 0x9E3779B97F4A7C15ull

void encode_dict_init(encode_dict *dict, int width) {
  memset(dict, 0, sizeof *dict);
  dict->width = width;
  writer_buf_init(&dict->values);
}

void encode_dict_reset(encode_dict *dict) {
  dict->values.size = 0;
  dict->count = 0;
  if (dict->slots) memset(dict->slots, 0, ((size_t)dict->slot_mask + 1) * sizeof *dict->slots);
  if (dict->byte_slots) memset(dict->byte_slots, 0, ((size_t)dict->slot_mask + 1) * sizeof *dict->byte_slots);
}

void encode_dict_free(encode_dict *dict) {
  writer_buf_free(&dict->values);
  free(dict->entry_pos);
  free(dict->entry_hash);
  free(dict->slots);
  free(dict->byte_slots);
  memset(dict, 0, sizeof *dict);
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* A fast 64-bit mix of arbitrary bytes (8 at a time, then the tail). */
static uint64_t hash_bytes(const uint8_t *p, size_t n) {
  uint64_t h = n * GOLDEN64;
  while (n >= 8) {
    h = (h ^ load64(p)) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  /* The last 0-7 bytes with at most two fixed-size loads (a memcpy of a
   * run-time length is a library call, per value). */
  uint64_t tail = 0;
  if (n >= 4) tail = (uint64_t)load32(p) | (uint64_t)load32(p + n - 4) << 32;
  else if (n) tail = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return h * GOLDEN64;
}

static inline uint64_t hash_fixed(const encode_dict *dict, const uint8_t *v) {
  if (dict->width == 4) return (uint64_t)load32(v) * GOLDEN64;
  if (dict->width == 8) {
    uint64_t x = load64(v);
    return (x ^ (x >> 29)) * GOLDEN64;
  }
  return hash_bytes(v, (size_t)dict->width);
}

/* Slot of the top bits of an already-mixed hash. */
static inline uint32_t slot_of(const encode_dict *dict, uint64_t h) { return (uint32_t)(h >> dict->slot_shift); }

static uint64_t entry_hash(const encode_dict *dict, uint32_t index) {
  if (dict->width == 0) return (uint64_t)dict->entry_hash[index] << 32;
  return hash_fixed(dict, dict->values.data + (size_t)index * dict->width);
}

static bool has_table(const encode_dict *dict) { return dict->width ? dict->slots != NULL : dict->byte_slots != NULL; }

/* Byte-array hashes are kept as their top 32 bits (enough for any table),
 * in the slot itself: a probe compares them without touching the entries. */
static bool resize(encode_dict *dict, uint32_t slot_count) {
  uint32_t *slots = NULL;
  uint64_t *byte_slots = NULL;
  if (dict->width) slots = calloc(slot_count, sizeof *slots);
  else byte_slots = calloc(slot_count, sizeof *byte_slots);
  if (!slots && !byte_slots) return false;
  int shift = 64;
  for (uint32_t s = slot_count; s > 1; s >>= 1) shift--;
  free(dict->slots);
  free(dict->byte_slots);
  dict->slots = slots;
  dict->byte_slots = byte_slots;
  dict->slot_mask = slot_count - 1;
  dict->slot_shift = shift;
  for (uint32_t i = 0; i < dict->count; i++) {
    uint64_t h = entry_hash(dict, i);
    uint32_t s = slot_of(dict, h);
    if (byte_slots) {
      while (byte_slots[s]) s = (s + 1) & dict->slot_mask;
      byte_slots[s] = (h & 0xFFFFFFFF00000000ull) | (i + 1);
    } else {
      while (slots[s]) s = (s + 1) & dict->slot_mask;
      slots[s] = i + 1;
    }
  }
  return true;
}

/* Keeps the table at most half full before one more insertion. */
static bool ensure_room(encode_dict *dict) {
  if (!has_table(dict)) return resize(dict, INITIAL_SLOTS);
  if ((uint64_t)(dict->count + 1) * 2 <= (uint64_t)dict->slot_mask + 1) return true;
  if (dict->slot_mask >= 0x7FFFFFFFu) return false;
  return resize(dict, (dict->slot_mask + 1) * 2);
}

static inline __attribute__((always_inline)) bool put_fixed_width(encode_dict *dict, const uint8_t *values,
                                                                  int64_t count, uint32_t *indices, int width) {
  for (int64_t k = 0; k < count; k++) {
    const uint8_t *v = values + k * width;
    uint64_t h;
    if (width == 4) h = (uint64_t)load32(v) * GOLDEN64;
    else if (width == 8) h = (load64(v) ^ (load64(v) >> 29)) * GOLDEN64;
    else h = hash_bytes(v, (size_t)width);
    uint32_t s = slot_of(dict, h);
    for (;;) {
      uint32_t e = dict->slots[s];
      if (!e) break;
      const uint8_t *stored = dict->values.data + (size_t)(e - 1) * width;
      bool equal = width == 4   ? load32(stored) == load32(v)
                   : width == 8 ? load64(stored) == load64(v)
                                : memcmp(stored, v, (size_t)width) == 0;
      if (equal) break;
      s = (s + 1) & dict->slot_mask;
    }
    if (dict->slots[s]) {
      indices[k] = dict->slots[s] - 1;
      continue;
    }
    if (!ensure_room(dict)) return false;
    /* A resize moved every slot: find the free one again. */
    s = slot_of(dict, h);
    while (dict->slots[s]) s = (s + 1) & dict->slot_mask;
    writer_buf_append(&dict->values, v, (size_t)width);
    if (dict->values.failed) return false;
    dict->slots[s] = ++dict->count;
    indices[k] = dict->count - 1;
  }
  return true;
}

bool encode_dict_put_fixed(encode_dict *dict, const uint8_t *values, int64_t count, uint32_t *indices) {
  if (count <= 0) return true;
  if (!has_table(dict) && !resize(dict, INITIAL_SLOTS)) return false;
  switch (dict->width) {
    case 4: return put_fixed_width(dict, values, count, indices, 4);
    case 8: return put_fixed_width(dict, values, count, indices, 8);
    default: return put_fixed_width(dict, values, count, indices, dict->width);
  }
}

static bool grow_entries(encode_dict *dict) {
  if (dict->count < dict->entry_capacity) return true;
  uint32_t capacity = dict->entry_capacity ? dict->entry_capacity * 2 : 1024;
  uint32_t *pos = realloc(dict->entry_pos, (size_t)capacity * sizeof *pos);
  if (!pos) return false;
  dict->entry_pos = pos;
  uint32_t *hashes = realloc(dict->entry_hash, (size_t)capacity * sizeof *hashes);
  if (!hashes) return false;
  dict->entry_hash = hashes;
  dict->entry_capacity = capacity;
  return true;
}

bool encode_dict_put_bytes(encode_dict *dict, const uint8_t *bytes, uint32_t length, uint32_t *index) {
  if (!dict->byte_slots && !resize(dict, INITIAL_SLOTS)) return false;
  uint64_t h = hash_bytes(bytes, length) & 0xFFFFFFFF00000000ull;
  uint32_t s = slot_of(dict, h);
  for (;;) {
    uint64_t e = dict->byte_slots[s];
    if (!e) break;
    if ((e & 0xFFFFFFFF00000000ull) == h) {
      uint32_t i = (uint32_t)e - 1;
      const uint8_t *stored = dict->values.data + dict->entry_pos[i];
      if (load32(stored) == length && memcmp(stored + 4, bytes, length) == 0) {
        *index = i;
        return true;
      }
    }
    s = (s + 1) & dict->slot_mask;
  }
  if (!ensure_room(dict) || !grow_entries(dict)) return false;
  if (dict->values.size > UINT32_MAX - 4 - (size_t)length) return false;
  s = slot_of(dict, h);
  while (dict->byte_slots[s]) s = (s + 1) & dict->slot_mask;
  dict->entry_pos[dict->count] = (uint32_t)dict->values.size;
  dict->entry_hash[dict->count] = (uint32_t)(h >> 32);
  writer_buf_append_u32le(&dict->values, length);
  writer_buf_append(&dict->values, bytes, length);
  if (dict->values.failed) return false;
  dict->byte_slots[s] = h | ++dict->count;
  *index = dict->count - 1;
  return true;
}
