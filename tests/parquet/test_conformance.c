/* test_conformance.c — the shared Parquet conformance corpus.
 *
 * valid/: every file is read row group by row group, each row rendered as
 * canonical JSON (shared/conformance/parquet/README.md) and compared, as a JSON
 * value, with NAME.expected.jsonl. Files refused with "unsupported nested
 * column" count as refused, not failed.
 * malformed/: each file is read in a forked child under alarm() and an address
 * space limit; a signal, a hang or (for `error` files) returned data is a
 * failure. The renderer here is a test oracle, independent of the CLI's. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "medallion/parquet.h"
#include "support.h"

/* ------------------------------------------------------------ text buffer */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    assert_non_null(t->s);
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = '\0';
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

static void putf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(text *t, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  put(t, buf, (size_t)n);
}

/* --------------------------------------------------------------- renderer */

static void put_json_string(text *t, const uint8_t *s, int64_t n) {
  puts_(t, "\"");
  for (int64_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"') puts_(t, "\\\"");
    else if (c == '\\') puts_(t, "\\\\");
    else if (c < 0x20) putf(t, "\\u%04x", c);
    else put(t, (const char *)&c, 1);
  }
  puts_(t, "\"");
}

static void put_hex(text *t, const uint8_t *s, int64_t n) {
  puts_(t, "\"");
  for (int64_t i = 0; i < n; i++) putf(t, "%02x", s[i]);
  puts_(t, "\"");
}

/* Days since 1970-01-01 to proleptic Gregorian year/month/day. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static void put_date(text *t, int64_t days) {
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0) putf(t, "-%04lld-%02d-%02d", (long long)-y, m, d);
  else putf(t, "%04lld-%02d-%02d", (long long)y, m, d);
}

static void put_double(text *t, double v) {
  if (isnan(v)) puts_(t, "\"NaN\"");
  else if (isinf(v)) puts_(t, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else putf(t, "%.17g", v);
}

static void put_decimal(text *t, const uint8_t *p, int scale) {
  uint64_t lo, hi;
  memcpy(&lo, p, 8);
  memcpy(&hi, p + 8, 8);
  bool neg = (hi >> 63) != 0;
  if (neg) { /* two's complement negate */
    lo = ~lo + 1;
    hi = ~hi + (lo == 0);
  }
  char digits[64];
  int n = 0;
  while (hi || lo) { /* divide the 128-bit magnitude by 10 */
    uint64_t rem = 0, qhi, qlo;
    qhi = hi / 10;
    rem = hi % 10;
    unsigned __int128 cur = ((unsigned __int128)rem << 64) | lo;
    qlo = (uint64_t)(cur / 10);
    digits[n++] = (char)('0' + (int)(cur % 10));
    hi = qhi;
    lo = qlo;
  }
  while (n <= scale) digits[n++] = '0';
  puts_(t, "\"");
  if (neg) puts_(t, "-");
  for (int i = n - 1; i >= 0; i--) {
    put(t, &digits[i], 1);
    if (i == scale && scale > 0) puts_(t, ".");
  }
  puts_(t, "\"");
}

static void render(text *t, const md_column *c, const md_field *f, int64_t row);

static void render_time(text *t, int64_t v, md_time_unit unit) {
  int64_t per_sec = unit == MD_SECOND ? 1 : unit == MD_MILLI ? 1000 : unit == MD_MICRO ? 1000000 : 1000000000;
  int64_t secs = floor_div(v, per_sec), frac = v - secs * per_sec;
  putf(t, "\"%02lld:%02lld:%02lld", (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
  if (frac) {
    if (unit == MD_NANO) putf(t, ".%09lld", (long long)frac);
    else putf(t, ".%06lld", (long long)(unit == MD_MILLI ? frac * 1000 : frac));
  }
  puts_(t, "\"");
}

static void render_timestamp(text *t, int64_t v, md_type type) {
  int64_t per_sec = type.unit == MD_SECOND ? 1 : type.unit == MD_MILLI ? 1000 : type.unit == MD_MICRO ? 1000000 : 1000000000;
  int64_t secs = floor_div(v, per_sec), frac = v - secs * per_sec;
  int64_t days = floor_div(secs, 86400), sod = secs - days * 86400;
  puts_(t, "\"");
  text tmp = {0};
  put_date(&tmp, days);
  put(t, tmp.s, tmp.len);
  free(tmp.s);
  putf(t, "T%02lld:%02lld:%02lld", (long long)(sod / 3600), (long long)(sod / 60 % 60), (long long)(sod % 60));
  if (type.unit == MD_NANO) putf(t, ".%09lld", (long long)frac);
  else putf(t, ".%06lld", (long long)(type.unit == MD_MILLI ? frac * 1000 : type.unit == MD_SECOND ? 0 : frac));
  puts_(t, type.utc ? "Z\"" : "\"");
}

static void render(text *t, const md_column *c, const md_field *f, int64_t row) {
  if (md_column_is_null(c, row)) {
    puts_(t, "null");
    return;
  }
  md_type type = md_column_type(c);
  const uint8_t *values = md_column_values(c);
  switch (type.id) {
    case MD_TYPE_BOOL: puts_(t, md_bit_get(values, row) ? "true" : "false"); return;
    case MD_TYPE_INT8: putf(t, "%d", ((const int8_t *)values)[row]); return;
    case MD_TYPE_INT16: putf(t, "%d", ((const int16_t *)values)[row]); return;
    case MD_TYPE_INT32: putf(t, "%d", ((const int32_t *)values)[row]); return;
    case MD_TYPE_INT64: putf(t, "%lld", (long long)((const int64_t *)values)[row]); return;
    case MD_TYPE_UINT8: putf(t, "%u", ((const uint8_t *)values)[row]); return;
    case MD_TYPE_UINT16: putf(t, "%u", ((const uint16_t *)values)[row]); return;
    case MD_TYPE_UINT32: putf(t, "%u", ((const uint32_t *)values)[row]); return;
    case MD_TYPE_UINT64: putf(t, "%llu", (unsigned long long)((const uint64_t *)values)[row]); return;
    case MD_TYPE_FLOAT32: put_double(t, ((const float *)values)[row]); return;
    case MD_TYPE_FLOAT64: put_double(t, ((const double *)values)[row]); return;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *off = md_column_offsets(c);
      const uint8_t *data = md_column_data(c);
      if (type.id == MD_TYPE_UTF8) put_json_string(t, data + off[row], off[row + 1] - off[row]);
      else put_hex(t, data + off[row], off[row + 1] - off[row]);
      return;
    }
    case MD_TYPE_FIXED_BINARY: put_hex(t, values + row * type.byte_width, type.byte_width); return;
    case MD_TYPE_DATE32:
      puts_(t, "\"");
      put_date(t, ((const int32_t *)values)[row]);
      puts_(t, "\"");
      return;
    case MD_TYPE_TIME32: render_time(t, ((const int32_t *)values)[row], type.unit); return;
    case MD_TYPE_TIME64: render_time(t, ((const int64_t *)values)[row], type.unit); return;
    case MD_TYPE_TIMESTAMP: render_timestamp(t, ((const int64_t *)values)[row], type); return;
    case MD_TYPE_DECIMAL128: put_decimal(t, values + row * 16, type.scale); return;
    case MD_TYPE_INTERVAL_MDN: {
      int32_t months, days;
      int64_t nanos;
      memcpy(&months, values + row * 16, 4);
      memcpy(&days, values + row * 16 + 4, 4);
      memcpy(&nanos, values + row * 16 + 8, 8);
      putf(t, "{\"months\":%d,\"days\":%d,\"millis\":%lld}", months, days, (long long)(nanos / 1000000));
      return;
    }
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: {
      const int32_t *off = md_column_offsets(c);
      const md_column *child = md_column_child(c, 0);
      const md_field *cf = md_field_child(f, 0);
      puts_(t, "[");
      for (int32_t i = off[row]; i < off[row + 1]; i++) {
        if (i > off[row]) puts_(t, ",");
        if (type.id == MD_TYPE_MAP) {
          puts_(t, "{\"key\":");
          render(t, md_column_child(child, 0), md_field_child(cf, 0), i);
          puts_(t, ",\"value\":");
          render(t, md_column_child(child, 1), md_field_child(cf, 1), i);
          puts_(t, "}");
        } else {
          render(t, child, cf, i);
        }
      }
      puts_(t, "]");
      return;
    }
    case MD_TYPE_STRUCT:
      puts_(t, "{");
      for (int k = 0; k < md_column_num_children(c); k++) {
        if (k) puts_(t, ",");
        const char *name = md_field_name(md_field_child(f, k));
        put_json_string(t, (const uint8_t *)name, (int64_t)strlen(name));
        puts_(t, ":");
        render(t, md_column_child(c, k), md_field_child(f, k), row);
      }
      puts_(t, "}");
      return;
    default: puts_(t, "\"?\""); return;
  }
}

static void render_row(text *t, const md_batch *b, int64_t row) {
  const md_schema *schema = md_batch_schema(b);
  puts_(t, "{");
  for (int i = 0; i < md_batch_num_columns(b); i++) {
    if (i) puts_(t, ",");
    const md_field *f = md_schema_field(schema, i);
    put_json_string(t, (const uint8_t *)md_field_name(f), (int64_t)strlen(md_field_name(f)));
    puts_(t, ":");
    render(t, md_batch_column(b, i), f, row);
  }
  puts_(t, "}");
}

/* ------------------------------------------------------ JSON value compare */

typedef struct json_cursor {
  const char *p;
} json_cursor;

static void skip_ws(json_cursor *c) {
  while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n') c->p++;
}

/* Parses one JSON value into a normal form with sorted object keys and
 * numbers written canonically, so that comparing two values is comparing text. */
static bool canon(json_cursor *c, text *out);

static bool canon_string(json_cursor *c, text *out) {
  /* Decode escapes to raw bytes, then re-escape uniformly. */
  text raw = {0};
  put(&raw, "", 0);
  c->p++;
  while (*c->p && *c->p != '"') {
    if (*c->p == '\\') {
      c->p++;
      char e = *c->p++;
      if (e == 'u') {
        unsigned cp = 0;
        for (int i = 0; i < 4; i++) {
          char h = *c->p++;
          cp = cp * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
        }
        if (cp >= 0xd800 && cp < 0xdc00 && c->p[0] == '\\' && c->p[1] == 'u') {
          unsigned lo = 0;
          c->p += 2;
          for (int i = 0; i < 4; i++) {
            char h = *c->p++;
            lo = lo * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
          }
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        char u[4];
        int n;
        if (cp < 0x80) u[0] = (char)cp, n = 1;
        else if (cp < 0x800) u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
        else if (cp < 0x10000)
          u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
        else
          u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
          u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
        put(&raw, u, (size_t)n);
      } else {
        char ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        put(&raw, &ch, 1);
      }
    } else {
      put(&raw, c->p++, 1);
    }
  }
  if (*c->p != '"') {
    free(raw.s);
    return false;
  }
  c->p++;
  put_json_string(out, (const uint8_t *)raw.s, (int64_t)raw.len);
  free(raw.s);
  return true;
}

static bool canon_number(json_cursor *c, text *out) {
  const char *start = c->p;
  bool integer = true;
  if (*c->p == '-') c->p++;
  while (isdigit((unsigned char)*c->p) || *c->p == '.' || *c->p == 'e' || *c->p == 'E' || *c->p == '+' ||
         *c->p == '-') {
    if (!isdigit((unsigned char)*c->p)) integer = false;
    c->p++;
  }
  size_t n = (size_t)(c->p - start);
  if (integer) {
    /* Exact: strip the sign of zero and leading zeros. */
    const char *s = start;
    bool neg = *s == '-';
    if (neg) s++;
    while (*s == '0' && s + 1 < c->p) s++;
    if (neg && !(s + 1 == c->p && *s == '0')) puts_(out, "-");
    put(out, s, (size_t)(c->p - s));
    /* Integers that are exactly representable also equal their double form:
     * mark them so that 3 and 3.0 compare equal. */
    if ((size_t)(c->p - s) < 16) {
      double d = strtod(start, NULL);
      out->len -= (size_t)(c->p - s) + (neg && !(s + 1 == c->p && *s == '0'));
      out->s[out->len] = '\0';
      if (d == 0) d = 0; /* -0 == 0 */
      putf(out, "%.17g", d);
    }
  } else {
    char buf[128];
    if (n >= sizeof buf) return false;
    memcpy(buf, start, n);
    buf[n] = '\0';
    double d = strtod(buf, NULL);
    if (d == 0) d = 0;
    putf(out, "%.17g", d);
  }
  return true;
}

typedef struct member {
  char *key;
  char *value;
} member;

static int member_cmp(const void *a, const void *b) {
  return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

static bool canon(json_cursor *c, text *out) {
  skip_ws(c);
  char ch = *c->p;
  if (ch == '"') return canon_string(c, out);
  if (ch == '-' || isdigit((unsigned char)ch)) return canon_number(c, out);
  if (!strncmp(c->p, "null", 4) || !strncmp(c->p, "true", 4)) {
    put(out, c->p, 4);
    c->p += 4;
    return true;
  }
  if (!strncmp(c->p, "false", 5)) {
    put(out, c->p, 5);
    c->p += 5;
    return true;
  }
  if (ch == '[') {
    c->p++;
    puts_(out, "[");
    skip_ws(c);
    if (*c->p == ']') {
      c->p++;
      puts_(out, "]");
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first) puts_(out, ",");
      if (!canon(c, out)) return false;
      skip_ws(c);
      if (*c->p == ',') {
        c->p++;
        continue;
      }
      if (*c->p == ']') {
        c->p++;
        puts_(out, "]");
        return true;
      }
      return false;
    }
  }
  if (ch == '{') {
    c->p++;
    member *members = NULL;
    size_t n = 0;
    bool ok = true;
    skip_ws(c);
    if (*c->p == '}') {
      c->p++;
    } else {
      for (;;) {
        skip_ws(c);
        text key = {0}, value = {0};
        if (*c->p != '"' || !canon_string(c, &key)) { ok = false; free(key.s); break; }
        skip_ws(c);
        if (*c->p != ':') { ok = false; free(key.s); break; }
        c->p++;
        if (!canon(c, &value)) { ok = false; free(key.s); free(value.s); break; }
        members = realloc(members, (n + 1) * sizeof *members);
        members[n].key = key.s;
        members[n].value = value.s;
        n++;
        skip_ws(c);
        if (*c->p == ',') { c->p++; continue; }
        if (*c->p == '}') { c->p++; break; }
        ok = false;
        break;
      }
    }
    if (ok) {
      qsort(members, n, sizeof *members, member_cmp);
      puts_(out, "{");
      for (size_t i = 0; i < n; i++) {
        if (i) puts_(out, ",");
        puts_(out, members[i].key);
        puts_(out, ":");
        puts_(out, members[i].value ? members[i].value : "");
      }
      puts_(out, "}");
    }
    for (size_t i = 0; i < n; i++) {
      free(members[i].key);
      free(members[i].value);
    }
    free(members);
    return ok;
  }
  return false;
}

static char *canonical(const char *line) {
  json_cursor c = {line};
  text out = {0};
  put(&out, "", 0);
  if (!canon(&c, &out)) {
    free(out.s);
    return NULL;
  }
  return out.s;
}

/* ------------------------------------------------------------ valid files */

static char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = '\0';
  fclose(f);
  if (size) *size = (size_t)n;
  return s;
}

typedef enum outcome { PASSED, FAILED, REFUSED } outcome;

static outcome check_valid(const char *dir, const char *name) {
  char path[8192], expected_path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(expected_path, sizeof expected_path, "%s/%.*s.expected.jsonl", dir, (int)(strlen(name) - 8), name);
  char *expected = slurp(expected_path, NULL);
  if (!expected) {
    printf("FAIL %s: no expected file\n", name);
    return FAILED;
  }
  md_error err;
  md_error_clear(&err);
  md_parquet_reader *r = NULL;
  outcome result = PASSED;
  char *line = expected;
  int64_t row_number = 0;
  if (md_parquet_reader_open(path, &r, &err) != MD_OK) {
    printf("FAIL %s: %s\n", name, err.message);
    free(expected);
    return FAILED;
  }
  for (int g = 0; g < md_parquet_reader_num_row_groups(r) && result == PASSED; g++) {
    for (int l = 0; l < md_parquet_reader_num_leaves(r); l++) {
      md_parquet_chunk_info info;
      if (md_parquet_reader_chunk(r, g, l, &info, &err) != MD_OK) {
        printf("FAIL %s: chunk info: %s\n", name, err.message);
        result = FAILED;
      }
    }
    md_batch *b = NULL;
    if (md_parquet_reader_read_row_group(r, g, NULL, -1, &b, &err) != MD_OK) {
      bool nested = strstr(err.message, "unsupported nested column") != NULL;
      printf("%s %s: %s\n", nested ? "REFUSED" : "FAIL", name, err.message);
      result = nested ? REFUSED : FAILED;
      break;
    }
    for (int64_t i = 0; i < md_batch_num_rows(b) && result == PASSED; i++, row_number++) {
      text t = {0};
      render_row(&t, b, i);
      char *nl = strchr(line, '\n');
      if (!*line) {
        printf("FAIL %s: more rows than expected at row %lld\n", name, (long long)row_number);
        result = FAILED;
      } else {
        if (nl) *nl = '\0';
        char *want = canonical(line), *got = canonical(t.s);
        if (!want || !got || strcmp(want, got) != 0) {
          printf("FAIL %s: row %lld\n  expected %s\n  actual   %s\n", name, (long long)row_number, line, t.s);
          result = FAILED;
        }
        free(want);
        free(got);
        line = nl ? nl + 1 : line + strlen(line);
      }
      free(t.s);
    }
    md_batch_free(b);
  }
  if (result == PASSED && *line) {
    printf("FAIL %s: fewer rows than expected (%lld)\n", name, (long long)row_number);
    result = FAILED;
  }
  md_parquet_reader_free(r);
  free(expected);
  return result;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static bool is_parquet(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  return n > 8 && strcmp(e->d_name + n - 8, ".parquet") == 0;
}

static int filter_parquet(const struct dirent *e) { return is_parquet(e); }

static void test_conformance_valid_files_match_expected_rows(void **state) {
  const char *dir = *state;
  char valid[4096];
  snprintf(valid, sizeof valid, "%s/valid", dir);
  struct dirent **names;
  int n = scandir(valid, &names, filter_parquet, by_name);
  assert_true(n > 0);
  int passed = 0, failed = 0, refused = 0;
  for (int i = 0; i < n; i++) {
    outcome o = check_valid(valid, names[i]->d_name);
    if (o == PASSED) passed++;
    else if (o == FAILED) failed++;
    else refused++;
    free(names[i]);
  }
  free(names);
  printf("valid: %d passed, %d failed, %d refused\n", passed, failed, refused);
  assert_int_equal(failed, 0);
}

/* -------------------------------------------------------- malformed files */

/* Exit status of the child: 0 data returned, 1 clean error. */
static int read_everything(const char *path) {
  md_error err;
  md_parquet_reader *r = NULL;
  if (md_parquet_reader_open(path, &r, &err) != MD_OK) return 1;
  int status = 0;
  for (int g = 0; g < md_parquet_reader_num_row_groups(r); g++) {
    for (int l = 0; l < md_parquet_reader_num_leaves(r); l++) {
      md_parquet_chunk_info info;
      md_parquet_reader_chunk(r, g, l, &info, &err);
    }
    md_batch *b = NULL;
    if (md_parquet_reader_read_row_group(r, g, NULL, -1, &b, &err) != MD_OK) {
      status = 1;
      break;
    }
    text t = {0};
    for (int64_t i = 0; i < md_batch_num_rows(b); i++) {
      t.len = 0;
      render_row(&t, b, i);
    }
    free(t.s);
    md_batch_free(b);
  }
  md_parquet_reader_free(r);
  return status;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void test_conformance_malformed_files_fail_cleanly(void **state) {
  const char *dir = *state;
  char manifest_path[4096];
  snprintf(manifest_path, sizeof manifest_path, "%s/malformed/manifest.tsv", dir);
  char *manifest = slurp(manifest_path, NULL);
  assert_non_null(manifest);
  int passed = 0, failed = 0;
  char *save = NULL;
  for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char file[512], expect[64];
    if (sscanf(line, "%511[^\t]\t%63[^\t]", file, expect) != 2 || strcmp(file, "file") == 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/malformed/%s", dir, file);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      alarm(10);
#ifndef UNDER_ASAN
      struct rlimit lim = {(rlim_t)2 << 30, (rlim_t)2 << 30};
      setrlimit(RLIMIT_AS, &lim);
#endif
      _exit(read_everything(path));
    }
    int status;
    waitpid(pid, &status, 0);
    const char *verdict = NULL;
    if (WIFSIGNALED(status)) verdict = WTERMSIG(status) == SIGALRM ? "hang (10 s)" : "crash";
    else if (WEXITSTATUS(status) > 1) verdict = "abnormal exit";
    else if (strcmp(expect, "error") == 0 && WEXITSTATUS(status) == 0) verdict = "returned data, expected an error";
    if (verdict) {
      printf("FAIL malformed/%s: %s (signal %d)\n", file, verdict, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
      failed++;
    } else {
      passed++;
    }
  }
  free(manifest);
  printf("malformed: %d passed, %d failed, 0 refused\n", passed, failed);
  assert_int_equal(failed, 0);
}

int main(void) {
  const char *shared = test_shared_dir();
  if (!shared) return test_shared_missing("test_conformance");
  static char dir[4096];
  snprintf(dir, sizeof dir, "%s/conformance/parquet", shared);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate(test_conformance_valid_files_match_expected_rows, dir),
      cmocka_unit_test_prestate(test_conformance_malformed_files_fail_cleanly, dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
