/* export_text.c — exact text for decimals, dates and timestamps, as the
 * legacy outputs store them. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "export/export_internal.h"

void export_decimal_text(const uint8_t value[16], int scale, char *out, size_t size) {
  unsigned __int128 u;
  __int128 v;
  memcpy(&v, value, 16);
  bool neg = v < 0;
  u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
  char digits[48];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u && n < 45);
  while (n <= scale) digits[n++] = '0';
  char buf[64];
  int k = 0;
  if (neg) buf[k++] = '-';
  for (int i = n - 1; i >= 0; i--) {
    buf[k++] = digits[i];
    if (i == scale && scale > 0) buf[k++] = '.';
  }
  buf[k] = '\0';
  snprintf(out, size, "%s", buf);
}

void export_date_text(int32_t days, char *out, size_t size) {
  int64_t y;
  int m, d;
  md_civil_from_days(days, &y, &m, &d);
  snprintf(out, size, "%04d-%02d-%02d", (int)y, m, d);
}

void export_timestamp_text(int64_t us, char *out, size_t size) {
  int64_t day = us >= 0 ? us / 86400000000LL : -((-us + 86400000000LL - 1) / 86400000000LL);
  int64_t rest = us - day * 86400000000LL;
  char date[24];
  export_date_text((int32_t)day, date, sizeof date);
  snprintf(out, size, "%s %02d:%02d:%02d.%06d", date, (int)(rest / 3600000000LL), (int)(rest / 60000000LL % 60),
           (int)(rest / 1000000 % 60), (int)(rest % 1000000));
}

md_code export_temp_path(const char *path, char *out, size_t size, md_error *err) {
  int n = snprintf(out, size, "%s.tmp-%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= size) return md_error_set(err, MD_ERR_INVALID, "%s: path too long", path);
  return MD_OK;
}
