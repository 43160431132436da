/* test_no_identifiers.c — the CLI end to end: no silver or gold column, no log
 * line and no run-store row contains a source PATIENT_NR, name, ID number,
 * phone number or the hash key (the test collects those values from the source
 * and greps for them); prod without a hash key fails before reading anything;
 * dev without one warns once; with nothing configured, `medallion run`
 * generates demo data and succeeds; `runs`, `runs show` and `assets` work. */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "hc_test_util.h"

#define SECRET "s3cret-hash-key-for-the-grep-test"

static char dir[1024];
static const char *bin;

typedef struct values {
  char **v;
  int n, cap;
} values;

static void add_value(values *vs, const char *s, size_t len) {
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  if (len < 4) return; /* too short to be a meaningful identifier to grep for */
  if (vs->n == vs->cap) {
    vs->cap = vs->cap ? vs->cap * 2 : 1024;
    vs->v = realloc(vs->v, (size_t)vs->cap * sizeof *vs->v);
  }
  vs->v[vs->n++] = strndup(s, len);
}

/* The identifier values of the source: PATIENT_NR of every table, and the
 * patients' names, ID numbers and phone numbers. */
static void collect(values *vs) {
  static const char *const tables[] = {"patients", "billing", "geriatric_assessments", "patient_plans"};
  static const char *const cols[] = {"PATIENT_NR", "FIRST_NAME", "SURNAME", "ID_NUMBER", "PHONE"};
  for (int t = 0; t < 4; t++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/source/%s.parquet", dir, tables[t]);
    md_parquet_reader *r = NULL;
    assert_int_equal(md_parquet_reader_open(path, &r, NULL), MD_OK);
    for (int g = 0; g < md_parquet_reader_num_row_groups(r); g++) {
      md_batch *b = NULL;
      assert_int_equal(md_parquet_reader_read_row_group(r, g, NULL, -1, &b, NULL), MD_OK);
      for (int c = 0; c < 5; c++) {
        int i = md_schema_find(md_batch_schema(b), cols[c]);
        if (i < 0) continue;
        const md_column *col = md_batch_column(b, i);
        const int32_t *off = md_column_offsets(col);
        for (int64_t row = 0; row < md_batch_num_rows(b); row++)
          if (!md_column_is_null(col, row))
            add_value(vs, (const char *)md_column_data(col) + off[row], (size_t)(off[row + 1] - off[row]));
      }
      md_batch_free(b);
    }
    md_parquet_reader_free(r);
  }
  add_value(vs, SECRET, strlen(SECRET));
}

static int leaks(const values *vs, const char *text, const char *where) {
  int found = 0;
  for (int i = 0; i < vs->n; i++)
    if (strstr(text, vs->v[i])) {
      if (found++ < 5) fprintf(stderr, "%s contains identifier value '%s'\n", where, vs->v[i]);
    }
  return found;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return strdup("");
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = calloc(1, (size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) buf[0] = '\0';
  fclose(f);
  return buf;
}

static int sh(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Every cell of every table (all columns) joined as text. */
static int table_leaks(const values *vs, const char *layer) {
  char path[1200];
  snprintf(path, sizeof path, "%s/home/%s", dir, layer);
  DIR *d = opendir(path);
  assert_non_null(d);
  int found = 0, tables = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char tp[1500];
    snprintf(tp, sizeof tp, "%s/%s", path, e->d_name);
    md_batch *b = NULL;
    md_delta_table *t = NULL;
    md_delta_snapshot *s = NULL;
    assert_int_equal(md_delta_table_open(tp, &t, NULL), MD_OK);
    assert_int_equal(md_delta_snapshot_at_version(t, -1, &s, NULL), MD_OK);
    const md_schema *sc = md_delta_snapshot_schema(s);
    for (int c = 0; c < md_schema_num_fields(sc); c++) {
      const char *name = md_field_name(md_schema_field(sc, c));
      static const char *const ids[] = {"PATIENT_NR", "FIRST_NAME", "SURNAME", "ID_NUMBER", "DATE_OF_BIRTH", "PHONE",
                                        "MEDICAL_AID_NR"};
      for (int k = 0; k < 7; k++)
        if (strcmp(name, ids[k]) == 0) {
          fprintf(stderr, "%s has identifier column %s\n", tp, name);
          found++;
        }
    }
    /* ASSESSOR (the clinician who assessed, kept in the assessments' rejects as
     * the spec says) is no patient identifier, though surnames can coincide. */
    hct_rows rows = hct_delta_rows_ex(tp, true, "ASSESSOR");
    for (int64_t i = 0; i < rows.count; i++) found += leaks(vs, rows.rows[i], tp);
    rows_free(&rows);
    (void)b;
    md_delta_snapshot_free(s);
    md_delta_table_free(t);
    /* The log too (commitInfo must not carry the key). */
    char cmd[1700];
    snprintf(cmd, sizeof cmd, "grep -rq '%s' '%s/_delta_log'", SECRET, tp);
    if (sh(cmd) == 0) {
      fprintf(stderr, "%s/_delta_log contains the key\n", tp);
      found++;
    }
    tables++;
  }
  closedir(d);
  assert_true(tables >= 4);
  return found;
}

/* Runs the pipeline with the key given by key_env (a shell prefix such as
 * "MEDALLION_HASH_KEY=..."), then looks for identifiers and the key in the
 * CLI's output, the run store and every silver and gold table. */
static void run_and_check_no_identifiers(const char *key_env) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && MEDALLION_ENV=dev %s '%s' run --home home --source parquet:source "
           "--as-of 2026-06-30 > log.txt 2>&1 && '%s' runs --home home >> log.txt 2>&1 && "
           "'%s' runs show \"$(sqlite3 home/runs.sqlite 'select run_id from runs limit 1' 2>/dev/null || echo x)\" "
           "--home home >> log.txt 2>&1; '%s' assets >> log.txt 2>&1; sqlite3 home/runs.sqlite .dump > store.txt 2>&1",
           dir, key_env, bin, bin, bin, bin);
  assert_int_equal(sh(cmd), 0);
  values vs = {0};
  collect(&vs);
  assert_true(vs.n > 100);
  char path[1200];
  snprintf(path, sizeof path, "%s/log.txt", dir);
  char *log = slurp(path);
  assert_non_null(strstr(log, "silver/billing"));
  assert_non_null(strstr(log, "succeeded"));
  int found = leaks(&vs, log, "CLI output");
  free(log);
  snprintf(path, sizeof path, "%s/store.txt", dir);
  char *store = slurp(path);
  if (strstr(store, "INSERT INTO")) found += leaks(&vs, store, "run store");
  else {
    /* no sqlite3 shell: read the store through the API */
    free(store);
    char home[1100];
    snprintf(home, sizeof home, "%s/home", dir);
    assert_int_equal(md_runs_list(home, 0, &store, NULL), MD_OK);
    found += leaks(&vs, store, "run store");
  }
  free(store);
  found += table_leaks(&vs, "silver");
  found += table_leaks(&vs, "gold");
  for (int i = 0; i < vs.n; i++) free(vs.v[i]);
  free(vs.v);
  assert_int_equal(found, 0);
}

static void test_no_identifier_in_silver_gold_logs_or_run_store(void **state) {
  (void)state;
  char key_env[256];
  snprintf(key_env, sizeof key_env, "MEDALLION_HASH_KEY='%s'", SECRET);
  run_and_check_no_identifiers(key_env);
}

/* The key read from <home>/medallion.conf is kept out of the same places. */
static void test_hash_key_from_config_file_is_never_printed_or_stored(void **state) {
  (void)state;
  char path[1200];
  snprintf(path, sizeof path, "%s/home", dir);
  mkdir(path, 0777);
  snprintf(path, sizeof path, "%s/home/medallion.conf", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "# the key comes from here\nhash_key = %s\n", SECRET);
  fclose(f);
  run_and_check_no_identifiers("env -u MEDALLION_HASH_KEY");
  snprintf(path, sizeof path, "%s/log.txt", dir);
  char *log = slurp(path);
  assert_null(strstr(log, "warning")); /* the file's key was used, not the test key */
  free(log);
  unlink(path);
  snprintf(path, sizeof path, "%s/home/medallion.conf", dir);
  unlink(path);
}

static void test_prod_without_hash_key_fails_before_reading(void **state) {
  (void)state;
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && env -u MEDALLION_HASH_KEY MEDALLION_ENV=prod '%s' run --home prodhome --source parquet:source "
           "> prod.txt 2>&1",
           dir, bin);
  assert_int_equal(sh(cmd), 1);
  char path[1200];
  snprintf(path, sizeof path, "%s/prod.txt", dir);
  char *out = slurp(path);
  assert_non_null(strstr(out, "MEDALLION_HASH_KEY"));
  free(out);
  snprintf(path, sizeof path, "%s/prodhome/bronze", dir);
  struct stat st;
  assert_int_not_equal(stat(path, &st), 0);
}

static void test_dev_without_key_warns_once_and_demo_data_is_generated(void **state) {
  (void)state;
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "mkdir -p '%s/demo' && cd '%s/demo' && env -u MEDALLION_HASH_KEY -u MEDALLION_ENV -u MEDALLION_HOME "
           "-u MEDALLION_SOURCE -u MEDALLION_AS_OF '%s' run --select '+gold/monthly_revenue' > out.txt 2> err.txt",
           dir, dir, bin);
  assert_int_equal(sh(cmd), 0);
  char path[1200];
  snprintf(path, sizeof path, "%s/demo/err.txt", dir);
  char *err = slurp(path);
  int warnings = 0;
  for (const char *p = err; (p = strstr(p, "warning")); p++) warnings++;
  assert_int_equal(warnings, 1);
  assert_non_null(strstr(err, "test key"));
  assert_null(strstr(err, HC_TEST_KEY));
  free(err);
  snprintf(path, sizeof path, "%s/demo/lakehouse/demo-source/billing.parquet", dir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s/demo/lakehouse/gold/monthly_revenue/_delta_log", dir);
  assert_int_equal(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s/demo/lakehouse/gold/pmb_geriatric", dir);
  assert_int_not_equal(stat(path, &st), 0); /* not selected */
}

int main(void) {
  bin = getenv("MEDALLION_BIN");
  if (!bin) {
    fprintf(stderr, "SKIPPED: MEDALLION_BIN not set\n");
    return 77;
  }
  snprintf(dir, sizeof dir, "%s", test_temp_dir("healthcare_ids"));
  hct_generate(dir, 0.002, 99);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_identifier_in_silver_gold_logs_or_run_store),
      cmocka_unit_test(test_hash_key_from_config_file_is_never_printed_or_stored),
      cmocka_unit_test(test_prod_without_hash_key_fails_before_reading),
      cmocka_unit_test(test_dev_without_key_warns_once_and_demo_data_is_generated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
