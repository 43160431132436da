/* test_unique_keys.c — hc_count_duplicate_int_keys, the silver_keys_unique
 * check's fast path: it counts each distinct key met more than once (not
 * each extra row), finds duplicates that sit in different batches and in
 * both halves of the hash space (several threads), treats (1, 2) and (2, 1)
 * as different keys, and leaves keys it cannot pack (strings, nulls) to the
 * generic aggregation. */
#include "support.h"

#include <stdlib.h>

#include "hc_internal.h"

/* (id int64, line int32) rows id = ids[i], line = lines[i]. */
static md_batch *key_batch(const int64_t *ids, const int32_t *lines, int n, bool null_line) {
  md_error err;
  md_schema *s = md_schema_new();
  assert_int_equal(md_schema_add(s, md_field_new("ID", md_type_make(MD_TYPE_INT64), false), &err), MD_OK);
  assert_int_equal(md_schema_add(s, md_field_new("LINE", md_type_make(MD_TYPE_INT32), true), &err), MD_OK);
  md_column *cols[2] = {md_column_new(md_type_make(MD_TYPE_INT64)), md_column_new(md_type_make(MD_TYPE_INT32))};
  for (int i = 0; i < n; i++) {
    assert_int_equal(md_column_append_int(cols[0], ids[i], &err), MD_OK);
    if (null_line && i == 0) assert_int_equal(md_column_append_null(cols[1], &err), MD_OK);
    else assert_int_equal(md_column_append_int(cols[1], lines[i], &err), MD_OK);
  }
  md_batch *b = NULL;
  assert_int_equal(md_batch_new(s, cols, 2, &b, &err), MD_OK);
  return b;
}

static const char *const KEYS[] = {"ID", "LINE"};

static void test_each_repeated_key_counts_once_across_batches(void **state) {
  (void)state;
  int64_t ids_a[] = {1, 2, 1, 5};
  int32_t lines_a[] = {2, 1, 2, 0};
  int64_t ids_b[] = {1, 5, 7, 1};
  int32_t lines_b[] = {2, 0, -3, 3};
  md_batch *b[2] = {key_batch(ids_a, lines_a, 4, false), key_batch(ids_b, lines_b, 4, false)};
  md_error err;
  int64_t dups = -1;
  bool handled = false;
  /* (1,2) three times and (5,0) twice: two duplicate keys; (2,1) is not (1,2). */
  assert_int_equal(hc_count_duplicate_int_keys(b, 2, KEYS, 2, 2, &dups, &handled, &err), MD_OK);
  assert_true(handled);
  assert_int_equal(dups, 2);
  /* One key column: ids 1 (x4) and 5 (x2) repeat. */
  assert_int_equal(hc_count_duplicate_int_keys(b, 2, KEYS, 1, 1, &dups, &handled, &err), MD_OK);
  assert_true(handled);
  assert_int_equal(dups, 2);
  md_batch_free(b[0]);
  md_batch_free(b[1]);
}

static void test_many_keys_on_several_threads_find_every_duplicate(void **state) {
  (void)state;
  enum { N = 300000 };
  int64_t *ids = malloc(N * sizeof *ids);
  int32_t *lines = malloc(N * sizeof *lines);
  for (int i = 0; i < N; i++) {
    ids[i] = (int64_t)i * 7919 - 1000000;
    lines[i] = i % 3;
  }
  /* Every 1000th row repeats the row before it. */
  int planted = 0;
  for (int i = 1000; i < N; i += 1000, planted++) {
    ids[i] = ids[i - 1];
    lines[i] = lines[i - 1];
  }
  md_batch *b[1] = {key_batch(ids, lines, N, false)};
  md_error err;
  int64_t dups = -1;
  bool handled = false;
  for (int threads = 1; threads <= 3; threads++) {
    assert_int_equal(hc_count_duplicate_int_keys(b, 1, KEYS, 2, threads, &dups, &handled, &err), MD_OK);
    assert_true(handled);
    assert_int_equal(dups, planted);
  }
  md_batch_free(b[0]);
  free(ids);
  free(lines);
}

static void test_null_or_missing_keys_are_left_to_the_aggregation(void **state) {
  (void)state;
  int64_t ids[] = {1, 1};
  int32_t lines[] = {1, 1};
  md_batch *b[1] = {key_batch(ids, lines, 2, true)};
  static const char *const missing[] = {"NOPE"};
  md_error err;
  int64_t dups = -1;
  bool handled = true;
  assert_int_equal(hc_count_duplicate_int_keys(b, 1, KEYS, 2, 1, &dups, &handled, &err), MD_OK);
  assert_false(handled);
  handled = true;
  assert_int_equal(hc_count_duplicate_int_keys(b, 1, missing, 1, 1, &dups, &handled, &err), MD_OK);
  assert_false(handled);
  md_batch_free(b[0]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_repeated_key_counts_once_across_batches),
      cmocka_unit_test(test_many_keys_on_several_threads_find_every_duplicate),
      cmocka_unit_test(test_null_or_missing_keys_are_left_to_the_aggregation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
