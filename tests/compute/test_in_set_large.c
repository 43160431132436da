/* test_in_set_large.c — in-set with more than 8 values goes through a hash set;
 * it must keep the SQL semantics of the small-set loop: a null input is null,
 * no match with a null in the set is null, and strings compare bytewise. */
#include <stdio.h>

#include "support.h"

#include "compute_test_util.h"

static md_column *eval(md_batch *batch, md_expr *e) {
  md_column *out = NULL;
  md_error err;
  if (md_expr_eval(e, batch, &out, &err) != MD_OK) fail_msg("eval: %s", err.message);
  md_expr_free(e);
  return out;
}

static void test_large_int_set_matches_members_and_is_null_without_match_when_set_has_null(void **state) {
  (void)state;
  int64_t v[] = {3, 4, NUL, 40, 41};
  const char *names[] = {"x"};
  md_batch *batch = make_batch(1, names, (md_column *[]){int_col(MD_TYPE_INT64, v, 5)});
  md_scalar set[21];
  for (int i = 0; i < 20; i++) set[i] = (md_scalar){.type = md_type_make(MD_TYPE_INT64), .v.i = i * 2};
  md_column *plain = eval(batch, md_in_set(md_col("x"), set, 20));
  assert_false(col_bool(plain, 0));
  assert_true(col_bool(plain, 1));
  assert_true(col_null(plain, 2));
  assert_false(col_bool(plain, 4));
  set[20] = (md_scalar){.type = md_type_make(MD_TYPE_INT64), .is_null = true};
  md_column *with_null = eval(batch, md_in_set(md_col("x"), set, 21));
  assert_true(col_null(with_null, 0));
  assert_true(col_bool(with_null, 1));
  assert_true(col_null(with_null, 3)); /* 40 is not in the set */
  assert_true(col_null(with_null, 4));
  md_column_free(plain);
  md_column_free(with_null);
  md_batch_free(batch);
}

static void test_large_string_set_compares_bytes(void **state) {
  (void)state;
  const char *v[] = {"k5", "K5", "k55", NULL, "é"};
  const char *names[] = {"s"};
  md_batch *batch = make_batch(1, names, (md_column *[]){str_col(v, 5)});
  md_scalar set[12];
  char text[12][8];
  for (int i = 0; i < 12; i++) {
    snprintf(text[i], sizeof text[i], "k%d", i);
    set[i] = (md_scalar){.type = md_type_make(MD_TYPE_UTF8)};
    set[i].v.bytes.ptr = (const uint8_t *)text[i];
    set[i].v.bytes.length = (int64_t)strlen(text[i]);
  }
  set[11].v.bytes.ptr = (const uint8_t *)"é";
  set[11].v.bytes.length = (int64_t)strlen("é");
  md_column *out = eval(batch, md_in_set(md_col("s"), set, 12));
  assert_true(col_bool(out, 0));
  assert_false(col_bool(out, 1));
  assert_false(col_bool(out, 2));
  assert_true(col_null(out, 3));
  assert_true(col_bool(out, 4));
  md_column_free(out);
  md_batch_free(batch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_large_int_set_matches_members_and_is_null_without_match_when_set_has_null),
      cmocka_unit_test(test_large_string_set_compares_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
