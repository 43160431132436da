/* time_text.c — see time_text.h. The civil-date conversions are core's
 * (md_days_from_civil, md_civil_from_days). */
#include "delta/time_text.h"

#include <stdio.h>
#include <string.h>

int64_t delta_days_from_civil(int64_t year, int month, int day) { return md_days_from_civil(year, month, day); }

void delta_civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
  md_civil_from_days(days, year, month, day);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

static bool valid_day(int year, int month, int day) {
  static const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int max = days_in_month[month - 1];
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) max = 29;
  return day <= max;
}

static bool parse_date_prefix(const char **p, int64_t *days) {
  int y, m, d;
  if (!digits(p, 4, &y) || **p != '-') return false;
  (*p)++;
  if (!digits(p, 2, &m) || **p != '-') return false;
  (*p)++;
  if (!digits(p, 2, &d) || !valid_day(y, m, d)) return false;
  *days = delta_days_from_civil(y, m, d);
  return true;
}

bool delta_parse_date(const char *text, int64_t *days) {
  const char *p = text;
  return parse_date_prefix(&p, days) && *p == '\0';
}

bool delta_parse_timestamp_micros(const char *text, int64_t *micros) {
  const char *p = text;
  int64_t days;
  if (!parse_date_prefix(&p, &days)) return false;
  int h = 0, mi = 0, s = 0;
  int64_t fraction = 0;
  if (*p == ' ' || *p == 'T') {
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return false;
    if (*p == ':') {
      p++;
      if (!digits(&p, 2, &s)) return false;
    }
    if (h > 23 || mi > 59 || s > 59) return false;
    if (*p == '.') {
      p++;
      int n = 0;
      for (; *p >= '0' && *p <= '9'; p++, n++)
        if (n < 6) fraction = fraction * 10 + (*p - '0');
      if (n == 0) return false;
      for (; n < 6; n++) fraction *= 10;
    }
  }
  int64_t offset_seconds = 0;
  if (*p == 'Z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
    if (!digits(&p, 2, &oh)) return false;
    if (*p == ':') p++;
    if (*p && !digits(&p, 2, &om)) return false;
    offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (*p != '\0') return false;
  int64_t seconds = days * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  *micros = seconds * 1000000 + fraction;
  return true;
}

void delta_format_date(int64_t days, char *buf, size_t size) {
  int64_t y;
  int m, d;
  delta_civil_from_days(days, &y, &m, &d);
  snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
}

void delta_format_timestamp_micros(int64_t micros, bool utc, char *buf, size_t size) {
  int64_t seconds = micros / 1000000, fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    seconds--;
  }
  int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days--;
  }
  int64_t y;
  int m, d;
  delta_civil_from_days(days, &y, &m, &d);
  snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lld%s", (long long)y, m, d, (int)(rest / 3600),
           (int)(rest / 60 % 60), (int)(rest % 60), (long long)fraction, utc ? "Z" : "");
}

int64_t delta_timestamp_to_micros(int64_t v, md_time_unit unit) {
  switch (unit) {
    case MD_SECOND: return v * 1000000;
    case MD_MILLI: return v * 1000;
    case MD_MICRO: return v;
    case MD_NANO: return v >= 0 ? v / 1000 : -((-v + 999) / 1000);
  }
  return v;
}
