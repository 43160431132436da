/* key_map.c — dense ids for the keys of a stream of batches (grouping,
 * keep-latest) and a set of (group, value) pairs for count distinct.
 *
 * The generic path encodes every key into bytes (keys.c) and compares with
 * memcmp, which costs a variable-length encoding, four allocations per batch
 * and a byte hash per row. Most keys are one or a few integer or string
 * columns, so the map picks, from the key types, the cheapest exact form:
 *   - one integer-like column: the int64 table;
 *   - up to KEY_MAP_MAX_WORDS integer-like or string columns: each row becomes
 *     a fixed row of int64 words (strings replaced by a dense id from a
 *     per-column dictionary, plus one word of null flags), hashed and compared
 *     word by word;
 *   - anything else: the byte encoding.
 * Slot arrays come from md_alloc, which asks for huge pages when large: their
 * first touch (filling them empty) otherwise costs a page fault per 4 KiB. */
#include <stdlib.h>

#include "plan_internal.h"

static bool is_string(md_type type) { return type.id == MD_TYPE_UTF8 || type.id == MD_TYPE_BINARY; }

void key_map_init(key_map *map, bool null_groups) {
  memset(map, 0, sizeof *map);
  map->null_groups = null_groups;
  int_table_init(&map->ints);
  key_table_init(&map->bytes);
}

void key_map_free(key_map *map) {
  int_table_free(&map->ints);
  key_table_free(&map->bytes);
  for (int k = 0; k < map->num_keys && map->dicts; k++) key_table_free(&map->dicts[k]);
  free(map->dicts);
  free(map->words);
  free(map->hashes);
  md_free(map->slots);
  bool null_groups = map->null_groups;
  key_map_init(map, null_groups);
}

int64_t key_map_count(const key_map *map) {
  switch (map->mode) {
    case KEY_MODE_INT: return map->ints.count;
    case KEY_MODE_WORDS: return map->count;
    default: return map->bytes.count;
  }
}

static md_code choose_mode(key_map *map, md_column *const *columns, int num_keys, md_error *err) {
  map->num_keys = num_keys;
  if (num_keys == 1 && key_is_int(md_column_type(columns[0]))) {
    map->mode = KEY_MODE_INT;
    return MD_OK;
  }
  bool words = num_keys >= 1 && num_keys < KEY_MAP_MAX_WORDS;
  for (int k = 0; k < num_keys && words; k++) {
    md_type t = md_column_type(columns[k]);
    words = key_is_int(t) || is_string(t);
  }
  if (!words) {
    map->mode = KEY_MODE_BYTES;
    return MD_OK;
  }
  map->mode = KEY_MODE_WORDS;
  map->width = num_keys + 1;
  map->dicts = calloc((size_t)num_keys, sizeof *map->dicts);
  if (!map->dicts) return md_error_set(err, MD_ERR_NOMEM, "out of memory for a key map");
  for (int k = 0; k < num_keys; k++) key_table_init(&map->dicts[k]);
  return MD_OK;
}

static uint64_t hash_words(const int64_t *w, int width) {
  uint64_t h = 0x5eedULL;
  for (int i = 0; i < width; i++) h = hash_mix(h ^ ((uint64_t)w[i] + 0x9E3779B97F4A7C15ULL));
  return h;
}

static bool words_grow(key_map *m) {
  int64_t cap = m->capacity ? m->capacity * 2 : 1024;
  int64_t *slots = md_alloc((size_t)cap * sizeof *slots);
  if (!slots) return false;
  for (int64_t i = 0; i < cap; i++) slots[i] = -1;
  for (int64_t id = 0; id < m->count; id++) {
    int64_t s = (int64_t)(m->hashes[id] & (uint64_t)(cap - 1));
    while (slots[s] >= 0) s = (s + 1) & (cap - 1);
    slots[s] = id;
  }
  md_free(m->slots);
  m->slots = slots;
  m->capacity = cap;
  return true;
}

static bool words_room(key_map *m) {
  if (m->count < m->ids_capacity) return true;
  int64_t cap = m->ids_capacity ? m->ids_capacity * 2 : 1024;
  int64_t *words = realloc(m->words, (size_t)cap * (size_t)m->width * sizeof *words);
  if (!words) return false;
  m->words = words;
  uint64_t *hashes = realloc(m->hashes, (size_t)cap * sizeof *hashes);
  if (!hashes) return false;
  m->hashes = hashes;
  m->ids_capacity = cap;
  return true;
}

/* -1 on OOM. */
static int64_t words_insert(key_map *m, const int64_t *key, bool *inserted) {
  *inserted = false;
  if ((m->count + 1) * 2 > m->capacity && !words_grow(m)) return -1;
  uint64_t h = hash_words(key, m->width);
  int64_t mask = m->capacity - 1;
  int64_t s = (int64_t)(h & (uint64_t)mask);
  for (;; s = (s + 1) & mask) {
    int64_t id = m->slots[s];
    if (id < 0) break;
    if (m->hashes[id] == h && memcmp(m->words + id * m->width, key, (size_t)m->width * 8) == 0) return id;
  }
  if (!words_room(m)) return -1;
  int64_t id = m->count++;
  memcpy(m->words + id * m->width, key, (size_t)m->width * 8);
  m->hashes[id] = h;
  m->slots[s] = id;
  *inserted = true;
  return id;
}

/* Consecutive equal values (common in sorted or clustered data) skip the
 * lookup. */
md_code key_dict_ids(key_table *dict, const md_column *column, const int64_t *rows, int64_t n, int64_t *out,
                     md_error *err) {
  const int32_t *o = md_column_offsets(column);
  const uint8_t *data = column_bytes(column);
  const uint8_t *valid = md_column_validity(column);
  int64_t last = -1, last_id = 0;
  for (int64_t j = 0; j < n; j++) {
    int64_t i = rows ? rows[j] : j;
    if (valid && !md_bit_get(valid, i)) {
      out[j] = 0;
      continue;
    }
    int64_t len = o[i + 1] - o[i];
    const uint8_t *p = data + o[i];
    if (last >= 0 && o[last + 1] - o[last] == len && memcmp(data + o[last], p, (size_t)len) == 0) {
      out[j] = last_id;
      continue;
    }
    bool inserted;
    int64_t id = key_table_insert(dict, hash_bytes(p, (size_t)len, 0x5eed), p, len, &inserted, err);
    if (id < 0) return MD_ERR_NOMEM;
    out[j] = last_id = id;
    last = i;
  }
  return MD_OK;
}

static md_code assign_words(key_map *m, md_column *const *columns, int64_t n, int64_t *ids, int64_t *new_rows,
                            int64_t *new_count, md_error *err) {
  int k = m->num_keys;
  /* Column-major staging: one typed pass per key column, then one pass of rows. */
  int64_t *stage = malloc((size_t)(n > 0 ? n : 1) * (size_t)k * sizeof *stage);
  uint64_t *nulls = calloc((size_t)(n > 0 ? n : 1), sizeof *nulls);
  md_code code = stage && nulls ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory for keys");
  for (int c = 0; c < k && code == MD_OK; c++) {
    const md_column *column = columns[c];
    int64_t *dst = stage + (int64_t)c * n;
    const uint8_t *valid = md_column_validity(column);
    if (is_string(md_column_type(column))) {
      code = key_dict_ids(&m->dicts[c], column, NULL, n, dst, err);
    } else {
      int64_t *owned = NULL;
      const int64_t *v = key_ints(column, &owned);
      if (!v) code = md_error_set(err, MD_ERR_NOMEM, "out of memory for keys");
      else if (n > 0) memcpy(dst, v, (size_t)n * sizeof *dst);
      free(owned);
    }
    if (valid)
      for (int64_t i = 0; i < n; i++)
        if (!md_bit_get(valid, i)) {
          nulls[i] |= (uint64_t)1 << c;
          dst[i] = 0;
        }
  }
  int64_t key[KEY_MAP_MAX_WORDS];
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (nulls[i] && !m->null_groups) {
      ids[i] = -1;
      continue;
    }
    for (int c = 0; c < k; c++) key[c] = stage[(int64_t)c * n + i];
    key[k] = (int64_t)nulls[i];
    bool inserted;
    ids[i] = words_insert(m, key, &inserted);
    if (ids[i] < 0) code = md_error_set(err, MD_ERR_NOMEM, "out of memory for %lld keys", (long long)m->count);
    else if (inserted && new_rows) new_rows[(*new_count)++] = i;
  }
  free(stage);
  free(nulls);
  return code;
}

md_code key_map_assign(key_map *map, md_column *const *columns, int num_keys, int64_t n, int64_t *ids,
                       int64_t *new_rows, int64_t *new_count, md_error *err) {
  if (new_count) *new_count = 0;
  if (!map->mode) {
    md_code code = choose_mode(map, columns, num_keys, err);
    if (code != MD_OK) return code;
  }
  if (map->mode == KEY_MODE_WORDS) return assign_words(map, columns, n, ids, new_rows, new_count, err);
  md_code code = MD_OK;
  if (map->mode == KEY_MODE_INT) {
    int64_t *owned = NULL;
    const int64_t *v = key_ints(columns[0], &owned);
    const uint8_t *valid = md_column_validity(columns[0]);
    if (!v) return md_error_set(err, MD_ERR_NOMEM, "out of memory for keys");
    for (int64_t i = 0; i < n && code == MD_OK; i++) {
      bool inserted = false;
      if (valid && !md_bit_get(valid, i)) {
        ids[i] = map->null_groups ? int_table_insert_null(&map->ints, &inserted) : -1;
        if (!map->null_groups) continue;
      } else {
        ids[i] = int_table_insert(&map->ints, v[i], &inserted);
      }
      if (ids[i] < 0) code = md_error_set(err, MD_ERR_NOMEM, "out of memory for %lld keys", (long long)map->ints.count);
      else if (inserted && new_rows) new_rows[(*new_count)++] = i;
    }
    free(owned);
    return code;
  }
  key_rows keys;
  code = keys_encode(columns, num_keys, n, map->null_groups, &keys, err);
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (!map->null_groups && keys.has_null[i]) {
      ids[i] = -1;
      continue;
    }
    bool inserted;
    ids[i] = key_table_insert(&map->bytes, keys.hashes[i], keys.bytes + keys.offsets[i],
                              keys.offsets[i + 1] - keys.offsets[i], &inserted, err);
    if (ids[i] < 0) code = MD_ERR_NOMEM;
    else if (inserted && new_rows) new_rows[(*new_count)++] = i;
  }
  keys_free(&keys); /* zeroed by keys_encode even when it fails */
  return code;
}

/* ------------------------------------------------------------- pair sets */

/* Narrow slots pack (group, value) into one word when the group fits 31 bits
 * and the value 32; the first pair that does not fit moves the set to wide
 * slots of two words. EMPTY cannot be a packed pair (its top bit is set). */
#define PAIR_EMPTY UINT64_MAX

void pair_set_init(pair_set *set) { memset(set, 0, sizeof *set); }

void pair_set_free(pair_set *set) {
  md_free(set->narrow);
  md_free(set->wide);
  pair_set_init(set);
}

static bool fits_narrow(int64_t group, int64_t value) {
  return group >= 0 && group < ((int64_t)1 << 31) && value >= INT32_MIN && value <= INT32_MAX;
}

static uint64_t pack(int64_t group, int64_t value) { return ((uint64_t)group << 32) | (uint32_t)(int32_t)value; }

static uint64_t wide_hash(int64_t group, int64_t value) {
  return hash_mix((uint64_t)value ^ hash_mix((uint64_t)group + 0x9E3779B97F4A7C15ULL));
}

/* Inserts into wide slots known to have room. */
static bool wide_put(int64_t *slots, int64_t cap, int64_t group, int64_t value) {
  int64_t mask = cap - 1;
  for (int64_t s = (int64_t)(wide_hash(group, value) & (uint64_t)mask);; s = (s + 1) & mask) {
    if (slots[2 * s] < 0) {
      slots[2 * s] = group;
      slots[2 * s + 1] = value;
      return true;
    }
    if (slots[2 * s] == group && slots[2 * s + 1] == value) return false;
  }
}

static bool narrow_put(uint64_t *slots, int64_t cap, uint64_t key) {
  int64_t mask = cap - 1;
  for (int64_t s = (int64_t)(hash_mix(key) & (uint64_t)mask);; s = (s + 1) & mask) {
    if (slots[s] == PAIR_EMPTY) {
      slots[s] = key;
      return true;
    }
    if (slots[s] == key) return false;
  }
}

/* Rehash into cap slots, wide when `wide` (which may switch a narrow set). */
static bool pair_rehash(pair_set *set, int64_t cap, bool wide) {
  if (wide) {
    int64_t *slots = md_alloc((size_t)cap * 2 * sizeof *slots);
    if (!slots) return false;
    for (int64_t i = 0; i < 2 * cap; i += 2) slots[i] = -1;
    for (int64_t s = 0; set->narrow && s < set->capacity; s++)
      if (set->narrow[s] != PAIR_EMPTY)
        wide_put(slots, cap, (int64_t)(set->narrow[s] >> 32), (int64_t)(int32_t)(uint32_t)set->narrow[s]);
    for (int64_t s = 0; set->wide && s < set->capacity; s++)
      if (set->wide[2 * s] >= 0) wide_put(slots, cap, set->wide[2 * s], set->wide[2 * s + 1]);
    md_free(set->narrow);
    md_free(set->wide);
    set->narrow = NULL;
    set->wide = slots;
  } else {
    uint64_t *slots = md_alloc((size_t)cap * sizeof *slots);
    if (!slots) return false;
    for (int64_t i = 0; i < cap; i++) slots[i] = PAIR_EMPTY;
    for (int64_t s = 0; set->narrow && s < set->capacity; s++)
      if (set->narrow[s] != PAIR_EMPTY) narrow_put(slots, cap, set->narrow[s]);
    md_free(set->narrow);
    set->narrow = slots;
  }
  set->capacity = cap;
  set->is_wide = wide;
  return true;
}

int pair_set_insert(pair_set *set, int64_t group, int64_t value) {
  if (!set->is_wide && !fits_narrow(group, value) && !pair_rehash(set, set->capacity ? set->capacity : 1024, true))
    return -1;
  if ((set->count + 1) * 10 > set->capacity * 7 &&
      !pair_rehash(set, set->capacity ? set->capacity * 2 : 1024, set->is_wide))
    return -1;
  bool added = set->is_wide ? wide_put(set->wide, set->capacity, group, value)
                            : narrow_put(set->narrow, set->capacity, pack(group, value));
  set->count += added;
  return added ? 1 : 0;
}
