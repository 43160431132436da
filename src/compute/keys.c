/* keys.c — row keys for hashing: the byte encoding of multi-column keys and an
 * open-addressing table of distinct keys.
 *
 * Encoding a key column at a time (typed loops writing into each row's slot)
 * keeps the per-row work to a memcpy; after that, every join and grouping
 * compares keys with one memcmp, whatever the key types. */
#include <math.h>
#include <stdlib.h>

#include "plan_internal.h"

static int value_width(md_type type, const md_column *column, int64_t row) {
  if (md_type_is_variable(type)) {
    const int32_t *o = md_column_offsets(column);
    return 4 + (o[row + 1] - o[row]);
  }
  if (type.id == MD_TYPE_DECIMAL128) return 16;
  if (type.id == MD_TYPE_FIXED_BINARY) return type.byte_width;
  return 8;
}

static bool supported_key(md_type type) {
  return !md_type_is_nested(type) && type.id != MD_TYPE_INTERVAL_MDN;
}

md_code keys_encode(md_column *const *columns, int num_columns, int64_t n, bool null_tags, key_rows *out,
                    md_error *err) {
  memset(out, 0, sizeof *out);
  out->n = n;
  size_t rows = (size_t)(n > 0 ? n : 1);
  out->offsets = malloc((rows + 1) * sizeof *out->offsets);
  out->hashes = malloc(rows * sizeof *out->hashes);
  out->has_null = calloc(rows, 1);
  int64_t *cursor = malloc(rows * sizeof *cursor);
  if (!out->offsets || !out->hashes || !out->has_null || !cursor) goto nomem;
  for (int c = 0; c < num_columns; c++) {
    if (!supported_key(md_column_type(columns[c]))) {
      char name[64];
      md_type_to_string(md_column_type(columns[c]), name, sizeof name);
      free(cursor);
      keys_free(out);
      return md_error_set(err, MD_ERR_UNSUPPORTED, "%s columns cannot be keys", name);
    }
  }
  /* Pass 1: sizes. */
  int64_t total = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t len = 0;
    for (int c = 0; c < num_columns; c++) {
      md_type type = md_column_type(columns[c]);
      bool is_null = md_column_is_null(columns[c], i);
      if (is_null) out->has_null[i] = 1;
      len += (null_tags ? 1 : 0) + (is_null ? 0 : value_width(type, columns[c], i));
    }
    out->offsets[i] = total;
    cursor[i] = total;
    total += len;
  }
  out->offsets[n] = total;
  out->bytes = malloc((size_t)(total > 0 ? total : 1));
  if (!out->bytes) goto nomem;
  /* Pass 2: values, a column at a time. */
  uint8_t *bytes = out->bytes;
  for (int c = 0; c < num_columns; c++) {
    const md_column *column = columns[c];
    md_type type = md_column_type(column);
    const void *values = md_column_values(column);
    for (int64_t i = 0; i < n; i++) {
      bool is_null = md_column_is_null(column, i);
      if (null_tags) bytes[cursor[i]++] = is_null ? 0 : 1;
      if (is_null) continue;
      uint8_t *dst = bytes + cursor[i];
      int64_t v = 0;
      double f;
      switch (type.id) {
        case MD_TYPE_BOOL: v = md_bit_get(values, i); break;
        case MD_TYPE_INT8: v = ((const int8_t *)values)[i]; break;
        case MD_TYPE_INT16: v = ((const int16_t *)values)[i]; break;
        case MD_TYPE_INT32:
        case MD_TYPE_DATE32:
        case MD_TYPE_TIME32: v = ((const int32_t *)values)[i]; break;
        case MD_TYPE_UINT8: v = ((const uint8_t *)values)[i]; break;
        case MD_TYPE_UINT16: v = ((const uint16_t *)values)[i]; break;
        case MD_TYPE_UINT32: v = ((const uint32_t *)values)[i]; break;
        case MD_TYPE_FLOAT32:
        case MD_TYPE_FLOAT64:
          f = type.id == MD_TYPE_FLOAT32 ? ((const float *)values)[i] : ((const double *)values)[i];
          if (f == 0) f = 0;            /* -0.0 groups with 0.0 */
          if (isnan(f)) f = NAN;         /* one NaN */
          memcpy(&v, &f, 8);
          break;
        case MD_TYPE_DECIMAL128: memcpy(dst, (const uint8_t *)values + i * 16, 16); break;
        case MD_TYPE_FIXED_BINARY: memcpy(dst, (const uint8_t *)values + i * type.byte_width, (size_t)type.byte_width); break;
        case MD_TYPE_UTF8:
        case MD_TYPE_BINARY: {
          const int32_t *o = md_column_offsets(column);
          int32_t len = o[i + 1] - o[i];
          memcpy(dst, &len, 4);
          memcpy(dst + 4, column_bytes(column) + o[i], (size_t)len);
          break;
        }
        default: v = ((const int64_t *)values)[i]; break; /* INT64, UINT64, TIME64, TIMESTAMP */
      }
      if (type.id != MD_TYPE_DECIMAL128 && type.id != MD_TYPE_FIXED_BINARY && !md_type_is_variable(type)) memcpy(dst, &v, 8);
      cursor[i] += value_width(type, column, i);
    }
  }
  for (int64_t i = 0; i < n; i++)
    out->hashes[i] = hash_bytes(bytes + out->offsets[i], (size_t)(out->offsets[i + 1] - out->offsets[i]), 0x5eed);
  free(cursor);
  return MD_OK;
nomem:
  free(cursor);
  keys_free(out);
  return md_error_set(err, MD_ERR_NOMEM, "out of memory encoding keys");
}

void keys_free(key_rows *keys) {
  free(keys->bytes);
  free(keys->offsets);
  free(keys->hashes);
  free(keys->has_null);
  memset(keys, 0, sizeof *keys);
}

void key_table_init(key_table *table) { memset(table, 0, sizeof *table); }

void key_table_free(key_table *table) {
  free(table->slots);
  free(table->hashes);
  free(table->offsets);
  free(table->arena);
  memset(table, 0, sizeof *table);
}

static bool grow_slots(key_table *table) {
  int64_t capacity = table->capacity ? table->capacity * 2 : 1024;
  int64_t *slots = malloc((size_t)capacity * sizeof *slots);
  if (!slots) return false;
  for (int64_t i = 0; i < capacity; i++) slots[i] = -1;
  for (int64_t id = 0; id < table->count; id++) {
    int64_t s = (int64_t)(table->hashes[id] & (uint64_t)(capacity - 1));
    while (slots[s] >= 0) s = (s + 1) & (capacity - 1);
    slots[s] = id;
  }
  free(table->slots);
  table->slots = slots;
  table->capacity = capacity;
  return true;
}

int64_t key_table_find(const key_table *table, uint64_t hash, const uint8_t *key, int64_t len) {
  if (table->capacity == 0) return -1;
  int64_t mask = table->capacity - 1;
  for (int64_t s = (int64_t)(hash & (uint64_t)mask);; s = (s + 1) & mask) {
    int64_t id = table->slots[s];
    if (id < 0) return -1;
    if (table->hashes[id] == hash && table->offsets[id + 1] - table->offsets[id] == len &&
        memcmp(table->arena + table->offsets[id], key, (size_t)len) == 0)
      return id;
  }
}

int64_t key_table_insert(key_table *table, uint64_t hash, const uint8_t *key, int64_t len, bool *inserted,
                         md_error *err) {
  *inserted = false;
  int64_t found = key_table_find(table, hash, key, len);
  if (found >= 0) return found;
  if ((table->count + 1) * 2 > table->capacity && !grow_slots(table)) goto nomem;
  if (table->count + 1 >= table->entries_capacity) {
    int64_t cap = table->entries_capacity ? table->entries_capacity * 2 : 1024;
    uint64_t *hashes = realloc(table->hashes, (size_t)cap * sizeof *hashes);
    if (!hashes) goto nomem;
    table->hashes = hashes;
    int64_t *offsets = realloc(table->offsets, (size_t)(cap + 1) * sizeof *offsets);
    if (!offsets) goto nomem;
    table->offsets = offsets;
    table->entries_capacity = cap;
  }
  /* Allocated even for empty keys: key_table_find offsets into the arena. */
  if (!table->arena || table->arena_used + len > table->arena_capacity) {
    int64_t cap = table->arena_capacity ? table->arena_capacity * 2 : 4096;
    while (cap < table->arena_used + len) cap *= 2;
    uint8_t *arena = realloc(table->arena, (size_t)cap);
    if (!arena) goto nomem;
    table->arena = arena;
    table->arena_capacity = cap;
  }
  int64_t id = table->count++;
  table->hashes[id] = hash;
  table->offsets[id] = table->arena_used;
  if (len > 0) memcpy(table->arena + table->arena_used, key, (size_t)len);
  table->arena_used += len;
  table->offsets[id + 1] = table->arena_used;
  int64_t mask = table->capacity - 1;
  int64_t s = (int64_t)(hash & (uint64_t)mask);
  while (table->slots[s] >= 0) s = (s + 1) & mask;
  table->slots[s] = id;
  *inserted = true;
  return id;
nomem:
  md_error_set(err, MD_ERR_NOMEM, "out of memory for a hash table of %lld keys", (long long)table->count);
  return -1;
}

/* ------------------------------------------------------- single integer keys */

bool key_is_int(md_type type) {
  switch (type.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64:
    case MD_TYPE_UINT8:
    case MD_TYPE_UINT16:
    case MD_TYPE_UINT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: return true;
    default: return false;
  }
}

const int64_t *key_ints(const md_column *column, int64_t **owned) {
  *owned = NULL;
  md_type type = md_column_type(column);
  int64_t n = md_column_length(column);
  const void *v = md_column_values(column);
  if (md_type_fixed_width(type) == 8) return v ? v : (const int64_t *)(const void *)"\0\0\0\0\0\0\0\0";
  int64_t *out = malloc((size_t)(n > 0 ? n : 1) * sizeof *out);
  if (!out) return NULL;
  switch (type.id) {
    case MD_TYPE_INT8: for (int64_t i = 0; i < n; i++) out[i] = ((const int8_t *)v)[i]; break;
    case MD_TYPE_INT16: for (int64_t i = 0; i < n; i++) out[i] = ((const int16_t *)v)[i]; break;
    case MD_TYPE_UINT8: for (int64_t i = 0; i < n; i++) out[i] = ((const uint8_t *)v)[i]; break;
    case MD_TYPE_UINT16: for (int64_t i = 0; i < n; i++) out[i] = ((const uint16_t *)v)[i]; break;
    case MD_TYPE_UINT32: for (int64_t i = 0; i < n; i++) out[i] = ((const uint32_t *)v)[i]; break;
    default: for (int64_t i = 0; i < n; i++) out[i] = ((const int32_t *)v)[i]; break;
  }
  *owned = out;
  return out;
}

void int_table_init(int_table *table) {
  memset(table, 0, sizeof *table);
  table->null_id = -1;
}

void int_table_free(int_table *table) {
  md_free(table->slots);
  free(table->keys);
  int_table_init(table);
}

static bool int_table_grow(int_table *t) {
  int64_t cap = t->capacity ? t->capacity * 2 : 1024;
  int64_t *slots = md_alloc((size_t)cap * sizeof *slots); /* huge pages when large (key_map.c) */
  if (!slots) return false;
  for (int64_t i = 0; i < cap; i++) slots[i] = -1;
  int64_t mask = cap - 1;
  for (int64_t id = 0; id < t->count; id++) {
    if (id == t->null_id) continue;
    int64_t s = (int64_t)(hash_mix((uint64_t)t->keys[id]) & (uint64_t)mask);
    while (slots[s] >= 0) s = (s + 1) & mask;
    slots[s] = id;
  }
  md_free(t->slots);
  t->slots = slots;
  t->capacity = cap;
  return true;
}

static bool int_table_room(int_table *t) {
  if (t->count < t->keys_capacity) return true;
  int64_t cap = t->keys_capacity ? t->keys_capacity * 2 : 1024;
  int64_t *keys = realloc(t->keys, (size_t)cap * sizeof *keys);
  if (!keys) return false;
  t->keys = keys;
  t->keys_capacity = cap;
  return true;
}

int64_t int_table_insert(int_table *t, int64_t key, bool *inserted) {
  *inserted = false;
  if ((t->count + 1) * 2 > t->capacity && !int_table_grow(t)) return -1;
  int64_t mask = t->capacity - 1;
  int64_t s = (int64_t)(hash_mix((uint64_t)key) & (uint64_t)mask);
  for (;; s = (s + 1) & mask) {
    int64_t id = t->slots[s];
    if (id < 0) break;
    if (t->keys[id] == key) return id;
  }
  if (!int_table_room(t)) return -1;
  int64_t id = t->count++;
  t->keys[id] = key;
  t->slots[s] = id;
  *inserted = true;
  return id;
}

int64_t int_table_insert_null(int_table *t, bool *inserted) {
  *inserted = false;
  if (t->null_id >= 0) return t->null_id;
  if (!int_table_room(t)) return -1;
  t->null_id = t->count++;
  t->keys[t->null_id] = 0;
  *inserted = true;
  return t->null_id;
}

int64_t int_table_find(const int_table *t, int64_t key) {
  if (t->capacity == 0) return -1;
  int64_t mask = t->capacity - 1;
  for (int64_t s = (int64_t)(hash_mix((uint64_t)key) & (uint64_t)mask);; s = (s + 1) & mask) {
    int64_t id = t->slots[s];
    if (id < 0) return -1;
    if (t->keys[id] == key) return id;
  }
}
