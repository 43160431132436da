/* test_delta_conformance.c — the Delta conformance corpus
 * (shared/conformance/delta/cases/<name>): every `expect: read` case must give
 * its expected/v<N>.jsonl rows at every listed version, compared as multisets
 * of canonical lines; `refuse` cases may instead be refused with
 * MD_ERR_UNSUPPORTED naming the feature; versions in unreadable_versions must
 * fail. Prints "N passed, N failed, N refused".
 *
 * A refusal (MD_ERR_UNSUPPORTED) of a read case is counted as refused, not
 * failed: it returns no wrong rows, and it is how features still missing in a
 * dependency (nested Parquet columns) show. Wrong rows always fail, except the
 * named gaps below, which are printed as failures but do not fail the test
 * because the fix belongs to another module. A `refuse` case whose
 * refuse_reason names only reader features we implement (deletion vectors)
 * must read: refusing it fails. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/json.h"
#include "delta/log.h"
#include "medallion/delta.h"

/* Cases we fail for a known reason (none at the moment: INT96 past 2262 is
 * read as microseconds since md_parquet_reader_set_int96_unit). */
static const struct { const char *name; const char *reason; } KNOWN_GAPS[] = {
    {"", ""},
};

/* refuse_reason values of cases we must now read exactly. */
static const char *const IMPLEMENTED_REFUSE_REASONS[] = {
    "uses reader feature(s): deletionVectors",
};

static bool must_read(const delta_json_value *root) {
  const char *reason = delta_json_get_string(root, "refuse_reason");
  for (size_t i = 0; reason && i < sizeof IMPLEMENTED_REFUSE_REASONS / sizeof *IMPLEMENTED_REFUSE_REASONS; i++)
    if (strcmp(reason, IMPLEMENTED_REFUSE_REASONS[i]) == 0) return true;
  return false;
}

static const char *known_gap(const char *name) {
  for (size_t i = 0; i < sizeof KNOWN_GAPS / sizeof KNOWN_GAPS[0]; i++)
    if (*KNOWN_GAPS[i].name && strcmp(KNOWN_GAPS[i].name, name) == 0) return KNOWN_GAPS[i].reason;
  return NULL;
}

/* A canonical line re-serialized with numbers normalized (integers exact,
 * others as shortest doubles), so that equal values compare equal as text. */
static void normalize_value(delta_buf *buf, const delta_json_value *v) {
  switch (v->kind) {
    case DELTA_JSON_DOUBLE: delta_json_write_double(buf, v->num.d); return;
    case DELTA_JSON_ARRAY:
      delta_buf_append_char(buf, '[');
      for (size_t i = 0; i < v->count; i++) {
        if (i) delta_buf_append_char(buf, ',');
        normalize_value(buf, &v->items[i]);
      }
      delta_buf_append_char(buf, ']');
      return;
    case DELTA_JSON_OBJECT:
      delta_buf_append_char(buf, '{');
      for (size_t i = 0; i < v->count; i++) {
        if (i) delta_buf_append_char(buf, ',');
        delta_json_write_string(buf, v->members[i].key, v->members[i].key_len);
        delta_buf_append_char(buf, ':');
        normalize_value(buf, &v->members[i].value);
      }
      delta_buf_append_char(buf, '}');
      return;
    default: delta_json_write_value(buf, v); return;
  }
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Splits text into normalized, sorted lines; returns the count or -1 on a parse error. */
static long normalized_lines(const char *text, size_t len, char ***out) {
  char **lines = NULL;
  long count = 0;
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    delta_json_doc *doc = NULL;
    if (delta_json_parse(text + pos, end - pos, &doc, NULL) != MD_OK) {
      for (long i = 0; i < count; i++) free(lines[i]);
      free(lines);
      return -1;
    }
    delta_buf buf;
    delta_buf_init(&buf);
    normalize_value(&buf, delta_json_root(doc));
    delta_json_doc_free(doc);
    lines = realloc(lines, (size_t)(count + 1) * sizeof *lines);
    lines[count++] = delta_buf_take(&buf, NULL);
    pos = end + 1;
  }
  if (count) qsort(lines, (size_t)count, sizeof *lines, compare_strings);
  *out = lines;
  return count;
}

static bool same_rows(const char *got, size_t got_len, const char *want, size_t want_len, char *why, size_t why_size) {
  if (got_len == want_len && memcmp(got, want, got_len) == 0) return true;
  char **a = NULL, **b = NULL;
  long na = normalized_lines(got, got_len, &a), nb = normalized_lines(want, want_len, &b);
  bool same = na >= 0 && na == nb;
  long first_diff = -1;
  for (long i = 0; same && i < na; i++)
    if (strcmp(a[i], b[i]) != 0) {
      same = false;
      first_diff = i;
    }
  if (!same) {
    if (first_diff >= 0) snprintf(why, why_size, "row %ld: got %.200s want %.200s", first_diff, a[first_diff], b[first_diff]);
    else snprintf(why, why_size, "%ld rows, want %ld", na, nb);
  }
  for (long i = 0; i < na; i++) free(a[i]);
  for (long i = 0; i < nb; i++) free(b[i]);
  free(a);
  free(b);
  return same;
}

typedef enum outcome { PASSED, FAILED, REFUSED } outcome;

static char *read_text(const char *path, size_t *len) {
  char *text = NULL;
  md_error err;
  if (delta_read_file(path, (size_t)1 << 30, &text, len, &err) != MD_OK) return NULL;
  return text;
}

/* Reads the table at version: MD_OK with canonical text, or the error. */
static md_code read_version(const char *table_path, int64_t version, char **text, size_t *len, md_error *err) {
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_code rc = md_delta_table_open(table_path, &table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, version, &snapshot, err);
  if (rc == MD_OK) rc = md_delta_snapshot_canonical(snapshot, text, len, err);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return rc;
}

static outcome run_case(const char *dir, const char *name) {
  char path[4400], table_path[4400];
  snprintf(path, sizeof path, "%.4000s/case.json", dir);
  snprintf(table_path, sizeof table_path, "%.4000s/table", dir);
  size_t len = 0;
  char *text = read_text(path, &len);
  delta_json_doc *doc = NULL;
  if (!text || delta_json_parse(text, len, &doc, NULL) != MD_OK) {
    printf("FAILED   %s: cannot read case.json\n", name);
    free(text);
    return FAILED;
  }
  free(text);
  const delta_json_value *root = delta_json_root(doc);
  const char *expect = delta_json_get_string(root, "expect");
  bool may_refuse = expect && strcmp(expect, "refuse") == 0 && !must_read(root);
  bool refusal_fails = must_read(root);
  const delta_json_value *expected = delta_json_get(root, "expected");
  const delta_json_value *unreadable = delta_json_get(root, "unreadable_versions");
  outcome result = PASSED;
  char detail[1200] = "";
  (void)sizeof detail;
  for (size_t i = 0; expected && i < expected->count && result == PASSED; i++) {
    const char *key = expected->members[i].key; /* "v<N>" */
    int64_t version = atoll(key + 1);
    const char *file = delta_json_get_string(&expected->members[i].value, "file");
    snprintf(path, sizeof path, "%.4000s/%.300s", dir, file ? file : "");
    size_t want_len = 0;
    char *want = read_text(path, &want_len);
    char *got = NULL;
    size_t got_len = 0;
    md_error err;
    md_code rc = read_version(table_path, version, &got, &got_len, &err);
    if (rc == MD_ERR_UNSUPPORTED) {
      result = refusal_fails ? FAILED : REFUSED;
      snprintf(detail, sizeof detail, "v%lld: %.1000s%s", (long long)version, err.message,
               refusal_fails ? " (a supported feature: must read)" : may_refuse ? "" : " (a read case: refused, not wrong)");
    } else if (rc != MD_OK) {
      result = FAILED;
      snprintf(detail, sizeof detail, "v%lld: %.1000s", (long long)version, err.message);
    } else if (!want) {
      result = FAILED;
      snprintf(detail, sizeof detail, "v%lld: cannot read %.900s", (long long)version, path);
    } else {
      char why[1024] = "";
      if (!same_rows(got, got_len, want, want_len, why, sizeof why)) {
        result = FAILED;
        snprintf(detail, sizeof detail, "v%lld: %.1000s", (long long)version, why);
      }
    }
    free(got);
    free(want);
  }
  if (!expected || expected->count == 0) { /* nothing to compare: at least the latest version must not misread */
    char *got = NULL;
    size_t got_len = 0;
    md_error err;
    md_code rc = read_version(table_path, -1, &got, &got_len, &err);
    if (rc == MD_ERR_UNSUPPORTED) {
      result = REFUSED;
      snprintf(detail, sizeof detail, "latest: %.1000s", err.message);
    } else if (rc != MD_OK || !may_refuse) {
      result = FAILED;
      snprintf(detail, sizeof detail, "latest: no expected rows to compare (%.900s)", rc ? err.message : "read");
    }
    free(got);
  }
  for (size_t i = 0; unreadable && result == PASSED && i < unreadable->count; i++) {
    int64_t version = unreadable->items[i].num.i;
    char *got = NULL;
    size_t got_len = 0;
    md_error err;
    if (read_version(table_path, version, &got, &got_len, &err) == MD_OK) {
      result = FAILED;
      snprintf(detail, sizeof detail, "v%lld is unreadable (vacuumed) but was read", (long long)version);
    }
    free(got);
  }
  const char *gap = result == FAILED ? known_gap(name) : NULL;
  printf("%-8s %s%s%s%s%s%s\n", result == PASSED ? "PASSED" : result == FAILED ? "FAILED" : "REFUSED", name,
         *detail ? ": " : "", detail, gap ? " [known gap: " : "", gap ? gap : "", gap ? "]" : "");
  delta_json_doc_free(doc);
  return result;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_delta_conformance_corpus(void **state) {
  (void)state;
  char cases_dir[4200];
  snprintf(cases_dir, sizeof cases_dir, "%s/conformance/delta/cases", test_shared_dir());
  DIR *d = opendir(cases_dir);
  assert_non_null(d);
  char *names[512];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 512)
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, compare_names);
  int passed = 0, failed = 0, refused = 0, unexpected = 0;
  for (int i = 0; i < n; i++) {
    char dir[4400];
    snprintf(dir, sizeof dir, "%s/%s", cases_dir, names[i]);
    outcome o = run_case(dir, names[i]);
    if (o == PASSED) passed++;
    else if (o == REFUSED) refused++;
    else {
      failed++;
      if (!known_gap(names[i])) unexpected++;
    }
    free(names[i]);
  }
  printf("%d passed, %d failed, %d refused\n", passed, failed, refused);
  assert_int_equal(unexpected, 0);
  /* 25 since deletion vectors are read (the four deletionVectors-only cases). */
  assert_true(passed >= 25);
}

int main(void) {
  if (!test_shared_dir()) return test_shared_missing("test_delta_conformance");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_delta_conformance_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
