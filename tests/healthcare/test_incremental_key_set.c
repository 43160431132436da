/* test_incremental_key_set.c — the key set incremental silver writes probe
 * (hc_key_set.h): composite keys match as a join on them does (integers by
 * value across widths, strings bytewise, a null part matches nothing),
 * repeats of a flag are counted, flags accumulate, ids are dense in arrival
 * order, and the set keeps every
 * key through its growth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "hc_key_set.h"

/* Rows (id, name): name NULL for a null. */
static md_batch *id_name_rows(md_type id_type, const int64_t *ids, const char *const *names, int n) {
  md_error err;
  md_schema *s = md_schema_new();
  assert_int_equal(md_schema_add(s, md_field_new("ID", id_type, true), &err), MD_OK);
  assert_int_equal(md_schema_add(s, md_field_new("NAME", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  md_column *id = md_column_new(id_type), *name = md_column_new(md_type_make(MD_TYPE_UTF8));
  for (int i = 0; i < n; i++) {
    assert_int_equal(md_column_append_int(id, ids[i], &err), MD_OK);
    if (names[i]) assert_int_equal(md_column_append_bytes(name, names[i], (int64_t)strlen(names[i]), &err), MD_OK);
    else assert_int_equal(md_column_append_null(name, &err), MD_OK);
  }
  md_column *cols[2] = {id, name};
  md_batch *out = NULL;
  assert_int_equal(md_batch_new(s, cols, 2, &out, &err), MD_OK);
  return out;
}

static const char *const KEY[] = {"ID", "NAME"};

static void test_composite_keys_match_across_integer_widths_and_not_on_null(void **state) {
  (void)state;
  md_error err;
  const int64_t ids[] = {1, 2, 3, 1};
  const char *const names[] = {"a", "b", NULL, "b"};
  md_batch *stored = id_name_rows(md_type_make(MD_TYPE_INT64), ids, names, 4);
  hc_key_set *set = hc_key_set_new();
  assert_non_null(set);
  int64_t repeats = 0;
  assert_int_equal(hc_key_set_add(set, stored, KEY, 2, 1, &repeats, NULL, &err), MD_OK);
  assert_int_equal(repeats, 0);
  assert_int_equal(hc_key_set_count(set), 3); /* (3, null) is never added */

  const int64_t probe_ids[] = {1, 1, 2, 3, 4, 2};
  const char *const probe_names[] = {"a", "b", "b", NULL, "a", "bb"};
  md_batch *probe = id_name_rows(md_type_make(MD_TYPE_INT32), probe_ids, probe_names, 6);
  unsigned char flags[6];
  assert_int_equal(hc_key_set_find(set, probe, KEY, 2, flags, NULL, &err), MD_OK);
  const unsigned char want[6] = {1, 1, 1, 0, 0, 0};
  assert_memory_equal(flags, want, 6);
  md_batch_free(probe);
  md_batch_free(stored);
  hc_key_set_free(set);
}

static void test_repeats_of_a_flag_are_counted_and_flags_accumulate(void **state) {
  (void)state;
  md_error err;
  const int64_t ids[] = {7, 8, 7};
  const char *const names[] = {"x", "y", "x"};
  md_batch *rows = id_name_rows(md_type_make(MD_TYPE_INT64), ids, names, 3);
  hc_key_set *set = hc_key_set_new();
  int64_t repeats = 0;
  assert_int_equal(hc_key_set_add(set, rows, KEY, 2, 1, &repeats, NULL, &err), MD_OK);
  assert_int_equal(repeats, 1);
  repeats = 0;
  /* A second flag: its own repeats only; (8, y) ends with both flags. */
  const int64_t more_ids[] = {8, 9};
  const char *const more_names[] = {"y", "z"};
  md_batch *more = id_name_rows(md_type_make(MD_TYPE_INT64), more_ids, more_names, 2);
  assert_int_equal(hc_key_set_add(set, more, KEY, 2, 2, &repeats, NULL, &err), MD_OK);
  assert_int_equal(repeats, 0);
  unsigned char flags[3];
  assert_int_equal(hc_key_set_find(set, rows, KEY, 2, flags, NULL, &err), MD_OK);
  const unsigned char want[3] = {1, 3, 1};
  assert_memory_equal(flags, want, 3);
  int64_t key_ids[2];
  assert_int_equal(hc_key_set_find(set, more, KEY, 2, flags, key_ids, &err), MD_OK);
  assert_int_equal(flags[1], 2);
  /* Ids are dense, in the order keys came: (7, x) 0, (8, y) 1, (9, z) 2. */
  assert_int_equal(key_ids[0], 1);
  assert_int_equal(key_ids[1], 2);
  md_batch_free(rows);
  md_batch_free(more);
  hc_key_set_free(set);
}

static void test_every_key_survives_growth(void **state) {
  (void)state;
  md_error err;
  enum { N = 50000 };
  md_column *id = md_column_new(md_type_make(MD_TYPE_INT64)), *name = md_column_new(md_type_make(MD_TYPE_UTF8));
  for (int i = 0; i < N; i++) {
    char text[32];
    int len = snprintf(text, sizeof text, "n%d", i % 977);
    assert_int_equal(md_column_append_int(id, i / 3, &err), MD_OK);
    assert_int_equal(md_column_append_bytes(name, text, len, &err), MD_OK);
  }
  md_schema *s = md_schema_new();
  assert_int_equal(md_schema_add(s, md_field_new("ID", md_type_make(MD_TYPE_INT64), true), &err), MD_OK);
  assert_int_equal(md_schema_add(s, md_field_new("NAME", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  md_column *cols[2] = {id, name};
  md_batch *rows = NULL;
  assert_int_equal(md_batch_new(s, cols, 2, &rows, &err), MD_OK);
  hc_key_set *set = hc_key_set_new();
  assert_int_equal(hc_key_set_add(set, rows, KEY, 2, 1, NULL, NULL, &err), MD_OK);
  assert_int_equal(hc_key_set_count(set), N);
  unsigned char *flags = malloc(N);
  assert_int_equal(hc_key_set_find(set, rows, KEY, 2, flags, NULL, &err), MD_OK);
  int64_t found = 0;
  for (int i = 0; i < N; i++) found += flags[i] == 1;
  assert_int_equal(found, N);
  free(flags);
  md_batch_free(rows);
  hc_key_set_free(set);
}

static void test_missing_key_column_is_an_error(void **state) {
  (void)state;
  md_error err;
  const int64_t ids[] = {1};
  const char *const names[] = {"a"};
  md_batch *rows = id_name_rows(md_type_make(MD_TYPE_INT64), ids, names, 1);
  hc_key_set *set = hc_key_set_new();
  const char *const wrong[] = {"ID", "NOPE"};
  assert_int_equal(hc_key_set_add(set, rows, wrong, 2, 1, NULL, NULL, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "NOPE"));
  md_batch_free(rows);
  hc_key_set_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_composite_keys_match_across_integer_widths_and_not_on_null),
      cmocka_unit_test(test_repeats_of_a_flag_are_counted_and_flags_accumulate),
      cmocka_unit_test(test_every_key_survives_growth),
      cmocka_unit_test(test_missing_key_column_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
