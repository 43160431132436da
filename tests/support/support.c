/* support.c — see support.h. */
#include "support.h"

#include "medallion/delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *test_shared_dir(void) {
  static char path[4096];
  const char *env = getenv("MEDALLION_SHARED");
  if (env && *env) snprintf(path, sizeof path, "%s", env);
  else snprintf(path, sizeof path, "%s/../shared", MEDALLION_SOURCE_DIR);
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return path;
}

int test_shared_missing(const char *what) {
  const char *required = getenv("MEDALLION_REQUIRE_SHARED");
  if (required && *required && strcmp(required, "0") != 0) {
    fprintf(stderr, "FAILED: %s needs ../shared (or $MEDALLION_SHARED), which is absent\n", what);
    return 1;
  }
  printf("SKIPPED: %s: ../shared (or $MEDALLION_SHARED) is absent\n", what);
  return 77;
}

const char *test_temp_dir(const char *name) {
  static char path[4096];
  static int counter;
  snprintf(path, sizeof path, "%s/test-tmp/%s-%d-%d", MEDALLION_BINARY_DIR, name, (int)getpid(), counter++);
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", path, path);
  if (system(cmd) != 0) return NULL;
  return path;
}

char *test_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long length = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = length >= 0 ? malloc((size_t)length + 1) : NULL;
  if (!data || fread(data, 1, (size_t)length, f) != (size_t)length) fail_msg("cannot read %s", path);
  data[length] = '\0';
  fclose(f);
  if (size) *size = (size_t)length;
  return data;
}

char *test_delta_canonical(const char *path, int64_t version, int64_t *version_out) {
  md_error err;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  char *text = NULL;
  size_t len = 0;
  if (md_delta_table_open(path, &t, &err) || md_delta_snapshot_at_version(t, version, &s, &err) ||
      md_delta_snapshot_canonical(s, &text, &len, &err))
    fail_msg("%s: %s", path, err.message);
  if (version_out) *version_out = md_delta_snapshot_version(s);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return text;
}
