/* test_calendar.c — civil dates <-> days since 1970-01-01, proleptic Gregorian. */
#include "support.h"

#include "medallion/core.h"

static void test_calendar_known_days(void **state) {
  (void)state;
  assert_true(md_days_from_civil(1970, 1, 1) == 0);
  assert_true(md_days_from_civil(2000, 3, 1) == 11017);
  assert_true(md_days_from_civil(2024, 2, 29) == 19782);
  assert_true(md_days_from_civil(1969, 12, 31) == -1);
  assert_true(md_days_from_civil(0, 1, 1) == -719528);
  assert_true(md_days_from_civil(9999, 12, 31) == 2932896);
}

static void test_calendar_round_trips_every_day_of_four_centuries(void **state) {
  (void)state;
  /* 1600-01-01 .. 2400-12-31 spans leap centuries (1600, 2000, 2400) and
   * non-leap ones (1700, 1800, 1900, 2100 ...). */
  int64_t first = md_days_from_civil(1600, 1, 1), last = md_days_from_civil(2400, 12, 31);
  int64_t expected_year = 1600;
  int expected_month = 1, expected_day = 1;
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int64_t days = first; days <= last; days++) {
    int64_t year;
    int month, day;
    md_civil_from_days(days, &year, &month, &day);
    assert_true(year == expected_year);
    assert_int_equal(month, expected_month);
    assert_int_equal(day, expected_day);
    assert_true(md_days_from_civil(year, month, day) == days);
    bool leap = (expected_year % 4 == 0 && expected_year % 100 != 0) || expected_year % 400 == 0;
    int length = month_days[expected_month - 1] + (expected_month == 2 && leap);
    if (++expected_day > length) {
      expected_day = 1;
      if (++expected_month > 12) expected_month = 1, expected_year++;
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_calendar_known_days),
      cmocka_unit_test(test_calendar_round_trips_every_day_of_four_centuries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
