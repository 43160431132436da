/* uuid.c — random version-4 UUIDs for run ids, from the kernel's random source. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "medallion/pipeline.h"

md_code md_uuid_v4(char out[37], md_error *err) {
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t r = getrandom(b + got, sizeof b - got, 0);
    if (r <= 0) return md_error_set(err, MD_ERR_IO, "uuid: getrandom failed");
    got += (size_t)r;
  }
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  static const char hex[] = "0123456789abcdef";
  int k = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[k++] = '-';
    out[k++] = hex[b[i] >> 4];
    out[k++] = hex[b[i] & 15];
  }
  out[k] = '\0';
  return MD_OK;
}

bool md_uuid_valid(const char *text) {
  if (!text || strlen(text) != 36) return false;
  for (int i = 0; i < 36; i++) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}
