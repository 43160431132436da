/* partition.c — split rows by a hash of their key, for operators that run on
 * several threads with each thread owning a share of the keys (aggregation,
 * keep-latest).
 *
 * Equal keys must land in the same partition, and "equal" must mean what the
 * key map means by it: integer-like values equal as int64, strings equal as
 * bytes, and every other type equal when its byte encoding (keys.c) is. The
 * hash here only has to agree with that equality, not with the key map's own
 * hash. */
#include <stdlib.h>

#include "plan_internal.h"

/* The combined hash of one key part, as the general loop below forms it. */
static inline uint64_t combine_one(uint64_t x) { return hash_mix((0x5eedULL ^ x) * 0x9E3779B97F4A7C15ULL); }

/* The commonest key, one integer column, in one pass without the per-row
 * hash array; the same partitions as the general loop, with a mask instead
 * of a 64-bit division when parts is a power of two (it is the thread count). */
static md_code one_int_key(const md_column *column, int64_t n, int parts, uint8_t *out, md_error *err) {
  const uint8_t *valid = md_column_validity(column);
  int64_t *owned = NULL;
  const int64_t *v = key_ints(column, &owned);
  if (!v) return md_error_set(err, MD_ERR_NOMEM, "out of memory partitioning rows");
  const uint64_t null_part = combine_one(0x6e756c6cULL) % (uint64_t)parts;
  if ((parts & (parts - 1)) == 0) {
    const uint64_t mask = (uint64_t)parts - 1;
    for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)(combine_one(hash_mix((uint64_t)v[i])) & mask);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)(combine_one(hash_mix((uint64_t)v[i])) % (uint64_t)parts);
  }
  for (int64_t i = 0; valid && i < n; i++)
    if (!md_bit_get(valid, i)) out[i] = (uint8_t)null_part;
  free(owned);
  return MD_OK;
}

md_code key_partitions(md_column *const *columns, int num_keys, int64_t n, int parts, uint8_t *out, md_error *err) {
  bool simple = true;
  for (int k = 0; k < num_keys && simple; k++) {
    md_type t = md_column_type(columns[k]);
    simple = key_is_int(t) || t.id == MD_TYPE_UTF8 || t.id == MD_TYPE_BINARY;
  }
  if (!simple) {
    key_rows keys;
    md_code code = keys_encode(columns, num_keys, n, true, &keys, err);
    if (code != MD_OK) return code;
    for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)(hash_mix(keys.hashes[i]) % (uint64_t)parts);
    keys_free(&keys);
    return MD_OK;
  }
  if (num_keys == 1 && key_is_int(md_column_type(columns[0]))) return one_int_key(columns[0], n, parts, out, err);
  uint64_t *h = malloc((size_t)(n > 0 ? n : 1) * sizeof *h);
  if (!h) return md_error_set(err, MD_ERR_NOMEM, "out of memory partitioning rows");
  for (int64_t i = 0; i < n; i++) h[i] = 0x5eedULL;
  for (int k = 0; k < num_keys; k++) {
    const md_column *column = columns[k];
    const uint8_t *valid = md_column_validity(column);
    if (key_is_int(md_column_type(column))) {
      int64_t *owned = NULL;
      const int64_t *v = key_ints(column, &owned);
      if (!v) {
        free(h);
        return md_error_set(err, MD_ERR_NOMEM, "out of memory partitioning rows");
      }
      for (int64_t i = 0; i < n; i++) {
        uint64_t x = valid && !md_bit_get(valid, i) ? 0x6e756c6cULL : hash_mix((uint64_t)v[i]);
        h[i] = (h[i] ^ x) * 0x9E3779B97F4A7C15ULL;
      }
      free(owned);
    } else {
      const int32_t *o = md_column_offsets(column);
      const uint8_t *data = column_bytes(column);
      for (int64_t i = 0; i < n; i++) {
        uint64_t x = valid && !md_bit_get(valid, i) ? 0x6e756c6cULL : hash_bytes(data + o[i], (size_t)(o[i + 1] - o[i]), 7);
        h[i] = (h[i] ^ x) * 0x9E3779B97F4A7C15ULL;
      }
    }
  }
  for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)(hash_mix(h[i]) % (uint64_t)parts);
  free(h);
  return MD_OK;
}

int64_t partition_rows(const uint8_t *part, int64_t n, int p, int64_t *rows) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++) {
    rows[k] = i;
    k += part[i] == p; /* branch-free: the parts of consecutive rows are random */
  }
  return k;
}

md_code batch_partition(const md_batch *batch, const uint8_t *part, int p, md_batch **out, int64_t **rows,
                        int64_t *count, md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  int64_t *r = malloc((size_t)(n > 0 ? n : 1) * sizeof *r);
  if (!r) return md_error_set(err, MD_ERR_NOMEM, "out of memory partitioning rows");
  int64_t k = partition_rows(part, n, p, r);
  md_code code = batch_take(batch, r, k, out, err);
  if (code != MD_OK) {
    free(r);
    return code;
  }
  *rows = r;
  *count = k;
  return MD_OK;
}
