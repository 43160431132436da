/* kernels_hmac.c — pseudonymisation: lower-case hex HMAC-SHA256 of each value,
 * via OpenSSL's one-shot HMAC().
 *
 * A batch often repeats a value (a patient's many bill lines), and HMAC costs
 * far more than a hash lookup, so each distinct input is hashed once per batch:
 * an open-addressing table maps a value to the first row that had it, and later
 * rows copy that row's 64 hex characters. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>

#include "compute_internal.h"

#define HEX_LEN 64

md_code kernel_hmac(const md_column *a, const uint8_t *key, int64_t key_len, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  if (n > INT32_MAX / HEX_LEN) return md_error_set(err, MD_ERR_NOMEM, "hmac_sha256: batch of %lld rows too large", (long long)n);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  int64_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  int64_t *slots = malloc((size_t)capacity * sizeof *slots);
  md_column *column = column_begin(md_type_make(MD_TYPE_UTF8), n, n * HEX_LEN, err);
  if (!slots || !column) {
    free(slots);
    md_column_free(column);
    return md_error_set(err, MD_ERR_NOMEM, "hmac_sha256: out of memory");
  }
  for (int64_t i = 0; i < capacity; i++) slots[i] = -1;
  int32_t *ro = md_column_offsets_mut(column), pos = 0;
  uint8_t *rd = md_column_data_mut(column);
  static const char hex[] = "0123456789abcdef";
  md_code code = MD_OK;
  ro[0] = 0;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    if (md_column_is_null(a, i)) {
      ro[i + 1] = pos;
      continue;
    }
    const uint8_t *s = data + off[i];
    int32_t len = off[i + 1] - off[i];
    uint64_t h = hash_bytes(s, (size_t)len, 0);
    int64_t slot = (int64_t)(h & (uint64_t)(capacity - 1)), first = -1;
    for (; slots[slot] >= 0; slot = (slot + 1) & (capacity - 1)) {
      int64_t j = slots[slot];
      if (off[j + 1] - off[j] == len && memcmp(data + off[j], s, (size_t)len) == 0) {
        first = j;
        break;
      }
    }
    if (first >= 0) {
      memcpy(rd + pos, rd + ro[first], HEX_LEN);
    } else {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_len = 0;
      if (!HMAC(EVP_sha256(), key, (int)key_len, s, (size_t)len, mac, &mac_len) || mac_len != 32) {
        code = md_error_set(err, MD_ERR_INTERNAL, "hmac_sha256: OpenSSL HMAC failed at row %lld", (long long)i);
        break;
      }
      for (int k = 0; k < 32; k++) {
        rd[pos + 2 * k] = (uint8_t)hex[mac[k] >> 4];
        rd[pos + 2 * k + 1] = (uint8_t)hex[mac[k] & 15];
      }
      slots[slot] = i;
    }
    pos += HEX_LEN;
    ro[i + 1] = pos;
  }
  free(slots);
  if (code == MD_OK) code = column_finish(column, n, md_column_validity(a), err);
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}
