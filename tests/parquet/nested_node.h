/* nested_node.h — the Node.js side of the test_nested_*.c programs: Polars
 * (nodejs-polars 0.25.2, the interop tests' pinned package) and the
 * helper scripts tests/parquet/nested_*.mjs, which are copied next to the
 * node_modules they import (ES modules resolve packages from the script's
 * folder). The DuckDB oracle comes from writer_oracle.h. Header-only: one
 * program per test file. */
#ifndef MEDALLION_TEST_NESTED_NODE_H
#define MEDALLION_TEST_NESTED_NODE_H

#include "nested_gen.h"
#include "writer_oracle.h"

static char polars_dir_path[4096];

/* printf into a fresh malloc'd string (no fixed buffer to outgrow). */
static inline char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *strf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* Copies tests/parquet/<script> into dir; false on failure. */
static inline bool node_copy_script(const char *dir, const char *script) {
  char *cmd = strf("cp '%s/tests/parquet/%s' '%s/'", MEDALLION_SOURCE_DIR, script, dir);
  bool ok = system(cmd) == 0;
  free(cmd);
  return ok;
}

/* The folder holding nodejs-polars and nested_polars.mjs; NULL when it
 * cannot be installed. The package is the interop tests' (tests/interop/polars,
 * pinned by its lock file), installed once by scripts/npm-ci.sh into the same
 * folder they use ($MEDALLION_NODE_DIR or <source>/build/node). */
static inline const char *polars_dir(void) {
  if (polars_dir_path[0]) return polars_dir_path;
  const char *node_dir = getenv("MEDALLION_NODE_DIR");
  char *dest = node_dir && *node_dir ? strf("%s/polars", node_dir) : strf("%s/build/node/polars", MEDALLION_SOURCE_DIR);
  char *cmd = strf("'%s/scripts/npm-ci.sh' '%s/tests/interop/polars' '%s' >/dev/null 2>&1", MEDALLION_SOURCE_DIR,
                   MEDALLION_SOURCE_DIR, dest);
  bool ok = system(cmd) == 0 && node_copy_script(dest, "nested_polars.mjs");
  if (ok) snprintf(polars_dir_path, sizeof polars_dir_path, "%s", dest);
  free(cmd);
  free(dest);
  return ok ? polars_dir_path : NULL;
}

/* The oracle's folder (its node_modules has @duckdb/node-api) with
 * nested_duckdb.mjs beside it; NULL when the oracle is unavailable. */
static inline const char *duckdb_dir(void) {
  static char dir[4096];
  if (dir[0]) return dir;
  const char *script = oracle_script();
  if (!script) return NULL;
  const char *slash = strrchr(script, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - script) : 1, slash ? script : ".");
  if (!node_copy_script(dir, "nested_duckdb.mjs")) dir[0] = '\0';
  return dir[0] ? dir : NULL;
}

/* Runs `node <args>` in dir; fails the test on a non-zero exit. */
static inline void node_run(const char *dir, const char *args) {
  char *cmd = strf("cd '%s' && node %s", dir, args);
  int status = system(cmd);
  if (status != 0) fail_msg("node failed (%d): %s", status, cmd);
  free(cmd);
}

/* A whole file, NUL-terminated (malloc'd); fails the test when unreadable. */
static inline char *slurp_text(const char *path) { return test_read_file(path, NULL); }

/* Fails with the first differing line when got differs from want. */
static inline void expect_same_lines(const char *what, const char *want, const char *got) {
  if (strcmp(want, got) == 0) return;
  char diff[2048];
  json_first_difference(want, got, diff, sizeof diff);
  fail_msg("%s: %s", what, diff);
}

#endif
