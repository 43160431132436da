/* kernels_hmac.c — pseudonymisation: lower-case hex HMAC-SHA256 of each value,
 * via OpenSSL's SHA-256.
 *
 * HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). The two padded-key blocks
 * are hashed once per batch and their digest states copied for every value:
 * OpenSSL's one-shot HMAC() redoes that setup (and an algorithm fetch) per
 * call, which made it ~10 us per value.
 *
 * A batch often repeats a value (a patient's many bill lines), and HMAC costs
 * far more than a hash lookup, so each distinct input is hashed once per batch:
 * an open-addressing table maps a value to the first row that had it, and later
 * rows copy that row's 64 hex characters. */
#include <openssl/evp.h>
#include <stdlib.h>

#include "compute_internal.h"

#define HEX_LEN 64

typedef struct hmac_states {
  EVP_MD_CTX *inner, *outer, *work;
} hmac_states;

static void hmac_states_free(hmac_states *h) {
  EVP_MD_CTX_free(h->inner);
  EVP_MD_CTX_free(h->outer);
  EVP_MD_CTX_free(h->work);
}

static bool hmac_states_init(hmac_states *h, const uint8_t *key, int64_t key_len) {
  uint8_t block[64] = {0}, pad[64];
  unsigned int len = 0;
  const EVP_MD *sha256 = EVP_sha256();
  h->inner = EVP_MD_CTX_new();
  h->outer = EVP_MD_CTX_new();
  h->work = EVP_MD_CTX_new();
  if (!h->inner || !h->outer || !h->work) return false;
  if (key_len > 64) { /* longer keys are hashed first (RFC 2104) */
    if (!EVP_Digest(key, (size_t)key_len, block, &len, sha256, NULL)) return false;
  } else if (key_len > 0) {
    memcpy(block, key, (size_t)key_len);
  }
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
  if (!EVP_DigestInit_ex(h->inner, sha256, NULL) || !EVP_DigestUpdate(h->inner, pad, 64)) return false;
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
  return EVP_DigestInit_ex(h->outer, sha256, NULL) && EVP_DigestUpdate(h->outer, pad, 64);
}

static bool hmac_value(hmac_states *h, const uint8_t *s, size_t len, uint8_t mac[32]) {
  uint8_t inner[EVP_MAX_MD_SIZE];
  unsigned int a = 0, b = 0;
  return EVP_MD_CTX_copy_ex(h->work, h->inner) && EVP_DigestUpdate(h->work, s, len) &&
         EVP_DigestFinal_ex(h->work, inner, &a) && a == 32 && EVP_MD_CTX_copy_ex(h->work, h->outer) &&
         EVP_DigestUpdate(h->work, inner, 32) && EVP_DigestFinal_ex(h->work, mac, &b) && b == 32;
}

md_code kernel_hmac(const md_column *a, const uint8_t *key, int64_t key_len, md_column **out, md_error *err) {
  int64_t n = md_column_length(a);
  if (n > INT32_MAX / HEX_LEN) return md_error_set(err, MD_ERR_NOMEM, "hmac_sha256: batch of %lld rows too large", (long long)n);
  const int32_t *off = md_column_offsets(a);
  const uint8_t *data = column_bytes(a);
  int64_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  int64_t *slots = malloc((size_t)capacity * sizeof *slots);
  md_column *column = column_begin(md_type_make(MD_TYPE_UTF8), n, n * HEX_LEN, err);
  hmac_states states = {0};
  if (!slots || !column || !hmac_states_init(&states, key, key_len)) {
    hmac_states_free(&states);
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
      uint8_t mac[32];
      if (!hmac_value(&states, s, (size_t)len, mac)) {
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
  hmac_states_free(&states);
  if (code == MD_OK) code = column_finish(column, n, md_column_validity(a), err);
  if (code != MD_OK) {
    md_column_free(column);
    return code;
  }
  *out = column;
  return MD_OK;
}
