/* test_error.c — the error value: codes, messages and prepended context. */
#include "support.h"

#include <string.h>

#include "medallion/core.h"

static void test_error_context_reads_outermost_first(void **state) {
  (void)state;
  md_error err;
  md_error_clear(&err);
  assert_int_equal(md_error_set(&err, MD_ERR_CORRUPT, "page header truncated at byte %d", 81920), MD_ERR_CORRUPT);
  md_error_context(&err, "column %s", "AMOUNT");
  md_error_context(&err, "row group %d", 3);
  md_error_context(&err, "%s", "billing.parquet");
  assert_string_equal(err.message, "billing.parquet: row group 3: column AMOUNT: page header truncated at byte 81920");
  assert_int_equal(err.code, MD_ERR_CORRUPT);
}

static void test_error_set_accepts_null(void **state) {
  (void)state;
  assert_int_equal(md_error_set(NULL, MD_ERR_IO, "x"), MD_ERR_IO);
}

static void test_error_long_context_truncates_safely(void **state) {
  (void)state;
  md_error err;
  char long_text[2000];
  memset(long_text, 'a', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  md_error_set(&err, MD_ERR_IO, "%s", long_text);
  md_error_context(&err, "%s", long_text);
  assert_true(strlen(err.message) < MD_ERROR_MESSAGE_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_context_reads_outermost_first),
      cmocka_unit_test(test_error_set_accepts_null),
      cmocka_unit_test(test_error_long_context_truncates_safely),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
