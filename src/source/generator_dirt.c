/* generator_dirt.c — the helpers every row producer shares: office-hours
 * timestamps, UPDATED_AT with ties, duplicate versions, and the padding and
 * case dirt of §7. */
#include <stdio.h>
#include <string.h>

#include "generator_internal.h"

int64_t gen_office_time(gen_rng *r, int32_t day) {
  /* Whole 100 µs ticks between 07:00 and 18:00; most at 1 s granularity, some with
   * sub-second parts so that the 100 µs truncation rule is exercised. */
  int64_t seconds = gen_range(r, 7 * 3600, 18 * 3600 - 1);
  int64_t ticks = seconds * 10000;
  if (gen_chance(r, 0.3)) ticks += gen_below(r, 10000);
  return gen_day_ticks(day) + ticks;
}

int64_t gen_updated_after(const gen_context *ctx, gen_rng *r, int64_t created) {
  int64_t end = gen_day_ticks(ctx->options.as_of + 1) - 1;
  int64_t bulk = gen_day_ticks(ctx->options.as_of - 200) + 2 * 3600 * 10000ll;
  if (created > end) created = end;
  if (gen_chance(r, 0.03) && bulk >= created) return bulk;
  if (gen_chance(r, 0.6)) return created; /* never edited */
  int64_t span = end - created;
  int64_t step = gen_below(r, 90) * GEN_TICKS_PER_DAY + gen_below(r, GEN_TICKS_PER_DAY / 10000) * 10000;
  return step <= span ? created + step : end;
}

gen_dup gen_pick_dup(gen_rng *r) {
  uint64_t x = gen_next(r) % 100000;
  if (x < 800) return GEN_DUP_OLDER_FIRST;
  if (x < 900) return GEN_DUP_OLDER_LAST;
  if (x < 1000) return GEN_DUP_TIE;
  return GEN_DUP_NONE;
}

void gen_put_ts(gen_builder *b, int64_t ticks) { gen_put_int(b, gen_timestamp(0, ticks)); }

const char *gen_pad(gen_rng *r, const char *s, char *buf, size_t size) {
  static const char *const left[] = {" ", "", "  ", "\t", ""};
  static const char *const right[] = {"", " ", "  ", " ", "\r\n"};
  int which = (int)gen_below(r, 5);
  snprintf(buf, size, "%s%s%s", left[which], s, right[which]);
  return buf;
}

const char *gen_lower(const char *s, char *buf, size_t size) {
  size_t i = 0;
  for (; s[i] && i + 1 < size; i++) buf[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
  buf[i] = 0;
  return buf;
}

void gen_put_dirty_code(gen_builder *b, gen_rng *r, const char *code) {
  char buf[64], lower[64];
  if (!gen_chance(r, 0.05)) {
    gen_put_str(b, code);
    return;
  }
  switch (gen_below(r, 3)) {
    case 0: gen_put_str(b, gen_lower(code, lower, sizeof lower)); break;
    case 1: gen_put_str(b, gen_pad(r, code, buf, sizeof buf)); break;
    default: gen_put_str(b, gen_pad(r, gen_lower(code, lower, sizeof lower), buf, sizeof buf)); break;
  }
}
