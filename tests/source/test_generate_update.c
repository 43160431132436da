/* test_generate_update.c — `generate --update-of`: the next source state keeps
 * every base row in order, then appends changed copies and new rows, all newer
 * than the base's high-water mark, so the watermark scan returns exactly the
 * update batch; reference tables gain codes that change earlier results. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "medallion/source.h"
#include "source_compare.h"

static char base[1024], next[1200];

static int setup(void **state) {
  (void)state;
  snprintf(base, sizeof base, "%s", test_temp_dir("update"));
  snprintf(next, sizeof next, "%s/next", base);
  strcat(base, "/base");
  md_generate_options options = {{0.005, 4, MD_GENERATOR_DEFAULT_AS_OF}, base, NULL, NULL, NULL};
  md_generate_update_options update = {base, 0.1, 9, next, NULL, NULL};
  md_error err;
  if (md_generate(&options, &err) != MD_OK || md_generate_update(&update, &err) != MD_OK) {
    fprintf(stderr, "%s\n", err.message);
    return -1;
  }
  return 0;
}

static int64_t max_updated(const md_column *c, int64_t rows) {
  int64_t max = INT64_MIN;
  for (int64_t r = 0; r < rows; r++)
    if (!md_column_is_null(c, r) && ((const int64_t *)md_column_values(c))[r] > max) max = ((const int64_t *)md_column_values(c))[r];
  return max;
}

static void test_update_appends_newer_changed_and_new_rows_after_the_base(void **state) {
  (void)state;
  md_source *a = NULL, *b = NULL;
  md_error err;
  assert_int_equal(md_source_open_parquet_folder(base, &a, &err), MD_OK);
  assert_int_equal(md_source_open_parquet_folder(next, &b, &err), MD_OK);
  static const char *const keyed[] = {"billing", "patients", "geriatric_assessments", "patient_plans", "bill_payments"};
  for (int t = 0; t < 5; t++) {
    md_column *ca[16] = {0}, *cb[16] = {0};
    int na = 0, nb = 0;
    int64_t ra = scan_all(a, keyed[t], NULL, ca, 16, &na, &err), rb = scan_all(b, keyed[t], NULL, cb, 16, &nb, &err);
    assert_int_equal(na, nb);
    assert_true(rb > ra + ra / 20 && rb < ra + ra * 3 / 20); /* about 10% more */
    char why[256];
    for (int c = 0; c < na; c++) assert_true(compare_column_rows(ca[c], 0, cb[c], 0, ra, why, sizeof why));
    int updated = na - 1; /* UPDATED_AT is the last column of every keyed table */
    int64_t high = max_updated(ca[updated], ra);
    for (int64_t r = ra; r < rb; r++) assert_true(((const int64_t *)md_column_values(cb[updated]))[r] > high);
    /* The watermark scan returns exactly the appended rows. */
    md_source_scan_options scan = {NULL, 0, true, high, 0};
    md_column *cw[16] = {0};
    int nw = 0;
    assert_int_equal(scan_all(b, keyed[t], &scan, cw, 16, &nw, &err), rb - ra);
    assert_true(compare_column_rows(cw[0], 0, cb[0], ra, rb - ra, why, sizeof why));
    for (int c = 0; c < 16; c++) {
      md_column_free(ca[c]);
      md_column_free(cb[c]);
      md_column_free(cw[c]);
    }
  }
  md_source_free(a);
  md_source_free(b);
}

static void test_update_adds_reference_codes_that_change_earlier_results(void **state) {
  (void)state;
  md_source *b = NULL;
  md_error err;
  assert_int_equal(md_source_open_parquet_folder(next, &b, &err), MD_OK);
  md_column *c[4] = {0};
  int n = 0;
  int64_t rows = scan_all(b, "tariff_codes", NULL, c, 4, &n, &err);
  const int32_t *o = md_column_offsets(c[0]);
  assert_memory_equal(md_column_data(c[0]) + o[rows - 2], "9900", 4);
  assert_memory_equal(md_column_data(c[0]) + o[rows - 1], "9901", 4);
  for (int i = 0; i < 4; i++) md_column_free(c[i]);
  rows = scan_all(b, "pmb_conditions", NULL, c, 4, &n, &err);
  o = md_column_offsets(c[0]);
  assert_memory_equal(md_column_data(c[0]) + o[rows - 1], "R50.1", 5);
  for (int i = 0; i < 4; i++) md_column_free(c[i]);
  md_source_free(b);
}

static void test_update_refuses_to_overwrite_its_base(void **state) {
  (void)state;
  md_generate_update_options update = {base, 0.1, 9, base, NULL, NULL};
  md_error err;
  assert_int_equal(md_generate_update(&update, &err), MD_ERR_INVALID);
  update.out_dir = next;
  update.fraction = 1.5;
  assert_int_equal(md_generate_update(&update, &err), MD_ERR_INVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_update_appends_newer_changed_and_new_rows_after_the_base),
      cmocka_unit_test(test_update_adds_reference_codes_that_change_earlier_results),
      cmocka_unit_test(test_update_refuses_to_overwrite_its_base),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
