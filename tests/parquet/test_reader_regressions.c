/* test_reader_regressions.c — replays every input the fuzzer found a bug with
 * (tests/parquet/regressions/): each must open and read to the end or fail
 * with an error value, never crash. Run it in the sanitizer build too. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "support.h"

static void read_all(const uint8_t *data, size_t size, const char *name) {
  md_error err;
  md_parquet_reader *r = NULL;
  if (md_parquet_reader_open_memory(data, size, name, &r, &err) != MD_OK) {
    assert_true(err.code != MD_OK);
    return;
  }
  for (int g = 0; g < md_parquet_reader_num_row_groups(r); g++) {
    for (int l = 0; l < md_parquet_reader_num_leaves(r); l++) {
      md_parquet_chunk_info info;
      md_parquet_reader_chunk(r, g, l, &info, &err);
    }
    md_batch *b = NULL;
    if (md_parquet_reader_read_row_group(r, g, NULL, -1, &b, &err) == MD_OK) {
      for (int c = 0; c < md_batch_num_columns(b); c++)
        assert_int_equal(md_column_validate(md_batch_column(b, c), false, &err), MD_OK);
      md_batch_free(b);
    } else {
      assert_true(err.message[0] != '\0');
    }
  }
  md_parquet_reader_free(r);
}

static void test_reader_survives_every_fuzzer_regression(void **state) {
  (void)state;
  const char *dir = MEDALLION_SOURCE_DIR "/tests/parquet/regressions";
  DIR *d = opendir(dir);
  assert_non_null(d);
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    read_all(buf, (size_t)n, e->d_name);
    free(buf);
    count++;
  }
  closedir(d);
  assert_true(count > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reader_survives_every_fuzzer_regression),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
