/* writer_oracle.h — shared by the test_writer_*.c programs: runs the independent
 * Parquet reader (DuckDB through shared/tools/parquet-oracle) on a file we wrote,
 * and builds columns from compact text so a test states its rows in one table.
 *
 * The oracle needs `npm ci` once: it is looked for at $MEDALLION_PARQUET_ORACLE,
 * then <build>/oracle/oracle.mjs, and if absent copied there from shared/ and
 * installed (needs node and the npm registry). Header-only (static functions)
 * because tests/<module>/ holds one program per test_*.c file. */
#ifndef MEDALLION_TEST_WRITER_ORACLE_H
#define MEDALLION_TEST_WRITER_ORACLE_H

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medallion/parquet.h"

static char oracle_path[4096];

static inline bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* The oracle script, installing it if needed; NULL when it cannot be had. */
static inline const char *oracle_script(void) {
  if (oracle_path[0]) return oracle_path;
  const char *env = getenv("MEDALLION_PARQUET_ORACLE");
  if (env && *env) {
    snprintf(oracle_path, sizeof oracle_path, "%s", env);
    return oracle_path;
  }
  char modules[4200];
  snprintf(oracle_path, sizeof oracle_path, "%s/oracle/oracle.mjs", MEDALLION_BINARY_DIR);
  snprintf(modules, sizeof modules, "%s/oracle/node_modules/@duckdb", MEDALLION_BINARY_DIR);
  if (file_exists(oracle_path) && file_exists(modules)) return oracle_path;
  const char *shared = test_shared_dir();
  if (!shared) {
    oracle_path[0] = '\0';
    return NULL;
  }
  char cmd[9000];
  snprintf(cmd, sizeof cmd,
           "rm -rf '%s/oracle' && cp -r '%s/tools/parquet-oracle' '%s/oracle' && chmod -R u+w '%s/oracle' && "
           "cd '%s/oracle' && npm ci --silent >/dev/null 2>&1",
           MEDALLION_BINARY_DIR, shared, MEDALLION_BINARY_DIR, MEDALLION_BINARY_DIR, MEDALLION_BINARY_DIR);
  if (system(cmd) != 0 || !file_exists(modules)) {
    oracle_path[0] = '\0';
    return NULL;
  }
  return oracle_path;
}

/* Exit code for a test program whose oracle is unavailable: skip, or fail
 * when $MEDALLION_REQUIRE_SHARED says the shared tools must be there. */
static inline int oracle_missing(const char *what) {
  if (!test_shared_dir()) return test_shared_missing(what);
  const char *required = getenv("MEDALLION_REQUIRE_SHARED");
  if (required && *required && strcmp(required, "0") != 0) {
    fprintf(stderr, "FAILED: %s: the parquet oracle could not be installed (node, npm ci)\n", what);
    return 1;
  }
  printf("SKIPPED: %s: the parquet oracle could not be installed (node, npm ci)\n", what);
  return 77;
}

/* Runs the oracle (with "--meta" when meta) and returns its stdout (malloc'd);
 * fails the test when it exits non-zero. */
static inline char *oracle_run(const char *file, bool meta) {
  char cmd[9000];
  /* stderr (notes such as DuckDB's nanosecond precision) is kept apart from the rows. */
  snprintf(cmd, sizeof cmd, "node '%s' %s '%s' 2>'%s.stderr'", oracle_script(), meta ? "--meta" : "", file, file);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, size = 0;
  char *out = malloc(cap);
  size_t n;
  while ((n = fread(out + size, 1, cap - size - 1, p)) > 0) {
    size += n;
    if (cap - size < 4096) out = realloc(out, cap *= 2);
  }
  out[size] = '\0';
  int status = pclose(p);
  if (status != 0) fail_msg("oracle failed on %s: %s", file, out);
  return out;
}

/* ------------------------------------------------------------- columns from text */

static inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static inline __int128 parse_i128(const char *text) {
  bool negative = *text == '-';
  if (negative) text++;
  __int128 v = 0;
  for (; *text; text++) v = v * 10 + (*text - '0');
  return negative ? -v : v;
}

/* Appends one value given as text: NULL = null; bool "1"/"0"; integers and
 * temporal types in decimal; floats as strtod reads them ("nan", "-inf");
 * utf8/binary/fixed as lower-case hex; decimals as their unscaled integer;
 * interval as "months,days,nanos". */
static inline void append_text(md_column *column, const char *text) {
  md_error err;
  md_type type = md_column_type(column);
  md_code code = MD_OK;
  if (!text) {
    code = md_column_append_null(column, &err);
  } else {
    switch (type.id) {
      case MD_TYPE_BOOL: code = md_column_append_bool(column, text[0] == '1', &err); break;
      case MD_TYPE_FLOAT32:
      case MD_TYPE_FLOAT64: code = md_column_append_double(column, strtod(text, NULL), &err); break;
      case MD_TYPE_UINT64: code = md_column_append_int(column, (int64_t)strtoull(text, NULL, 10), &err); break;
      case MD_TYPE_UTF8:
      case MD_TYPE_BINARY:
      case MD_TYPE_FIXED_BINARY: {
        uint8_t bytes[256];
        size_t n = strlen(text) / 2;
        for (size_t i = 0; i < n; i++) bytes[i] = (uint8_t)(hex_value(text[2 * i]) * 16 + hex_value(text[2 * i + 1]));
        code = md_column_append_bytes(column, bytes, (int64_t)n, &err);
        break;
      }
      case MD_TYPE_DECIMAL128: {
        __int128 v = parse_i128(text);
        code = md_column_append_decimal(column, (int64_t)(v >> 64), (uint64_t)v, &err);
        break;
      }
      case MD_TYPE_INTERVAL_MDN: {
        uint8_t raw[16];
        int32_t months = 0, days = 0;
        long long nanos = 0;
        assert_int_equal(sscanf(text, "%d,%d,%lld", &months, &days, &nanos), 3);
        int64_t ns = nanos;
        memcpy(raw, &months, 4);
        memcpy(raw + 4, &days, 4);
        memcpy(raw + 8, &ns, 8);
        code = md_column_append_fixed(column, raw, &err);
        break;
      }
      default: code = md_column_append_int(column, strtoll(text, NULL, 10), &err); break;
    }
  }
  if (code != MD_OK) fail_msg("append %s: %s", text ? text : "null", err.message);
}

/* A column spec: name, type, nullability, input texts and the oracle's JSON. */
#define MAX_ROWS 8
typedef struct column_case {
  const char *name;
  md_type type;
  bool nullable;
  const char *input[MAX_ROWS];    /* NULL = null */
  const char *expected[MAX_ROWS]; /* JSON; NULL = null */
} column_case;

static inline md_schema *schema_of(const column_case *cases, int num_cases) {
  md_schema *schema = md_schema_new();
  for (int c = 0; c < num_cases; c++) {
    md_error err;
    md_field *field = md_field_new(cases[c].name, cases[c].type, cases[c].nullable);
    assert_non_null(field);
    if (md_schema_add(schema, field, &err) != MD_OK) fail_msg("%s", err.message);
  }
  return schema;
}

static inline md_batch *batch_of(const column_case *cases, int num_cases, int rows) {
  md_column *columns[64];
  for (int c = 0; c < num_cases; c++) {
    columns[c] = md_column_new(cases[c].type);
    assert_non_null(columns[c]);
    for (int r = 0; r < rows; r++) append_text(columns[c], cases[c].input[r]);
  }
  md_batch *batch = NULL;
  md_error err;
  if (md_batch_new(schema_of(cases, num_cases), columns, num_cases, &batch, &err) != MD_OK)
    fail_msg("batch: %s", err.message);
  return batch;
}

/* The JSON lines the oracle should print for the cases' rows. */
static inline char *expected_lines(const column_case *cases, int num_cases, int rows) {
  size_t cap = 1 << 16, size = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  for (int r = 0; r < rows; r++) {
    size += (size_t)snprintf(out + size, cap - size, "{");
    for (int c = 0; c < num_cases; c++) {
      const char *json = cases[c].expected[r] ? cases[c].expected[r] : "null";
      size += (size_t)snprintf(out + size, cap - size, "%s\"%s\":%s", c ? "," : "", cases[c].name, json);
    }
    size += (size_t)snprintf(out + size, cap - size, "}\n");
    assert_true(size < cap);
  }
  return out;
}

/* Writes one batch to path with the given options; fails the test on error. */
static inline void write_file(const char *path, const md_batch *batch, const md_parquet_write_options *options) {
  md_parquet_writer *writer = NULL;
  md_error err;
  if (md_parquet_writer_open(path, md_batch_schema(batch), options, &writer, &err) != MD_OK)
    fail_msg("open: %s", err.message);
  if (md_parquet_writer_write(writer, batch, &err) != MD_OK) fail_msg("write: %s", err.message);
  if (md_parquet_writer_close(writer, &err) != MD_OK) fail_msg("close: %s", err.message);
  assert_true(md_parquet_writer_file_size(writer) > 12);
  md_parquet_writer_free(writer);
}

#endif
