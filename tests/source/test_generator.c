/* test_generator.c — the synthetic data set of PIPELINE.md §7 through the
 * generator source: spec columns and types, determinism, planted edge cases,
 * dirt rates, batching, projection and the watermark filter. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "medallion/source.h"
#include "source/generator_internal.h"
#include "source_compare.h"

#define AS_OF MD_GENERATOR_DEFAULT_AS_OF

static md_source *open_generator(double scale, uint64_t seed) {
  md_generator_options options = {scale, seed, AS_OF};
  md_source *source = NULL;
  md_error err;
  assert_int_equal(md_source_open_generator(&options, &source, &err), MD_OK);
  return source;
}

typedef struct table_data {
  md_column *columns[32];
  int num_columns;
  int64_t rows;
  md_schema *schema;
} table_data;

static void load(md_source *source, const char *table, table_data *t) {
  md_error err;
  memset(t, 0, sizeof *t);
  t->rows = scan_all(source, table, NULL, t->columns, 32, &t->num_columns, &err);
  assert_true(t->rows > 0);
  assert_int_equal(md_source_table_schema(source, table, &t->schema, &err), MD_OK);
}

static void unload(table_data *t) {
  for (int i = 0; i < t->num_columns; i++) md_column_free(t->columns[i]);
  md_schema_free(t->schema);
}

static const md_column *col(const table_data *t, const char *name) {
  int i = md_schema_find(t->schema, name);
  assert_true(i >= 0);
  return t->columns[i];
}

static int64_t i64(const md_column *c, int64_t row) {
  md_type type = md_column_type(c);
  if (type.id == MD_TYPE_INT32 || type.id == MD_TYPE_DATE32) return ((const int32_t *)md_column_values(c))[row];
  return ((const int64_t *)md_column_values(c))[row];
}

static int64_t money(const md_column *c, int64_t row) { return ((const int64_t *)md_column_values(c))[row * 2]; }

/* The row's string into buf (NUL-terminated); NULL when null. */
static const char *str(const md_column *c, int64_t row, char *buf, size_t size) {
  if (md_column_is_null(c, row)) return NULL;
  const int32_t *o = md_column_offsets(c);
  size_t n = (size_t)(o[row + 1] - o[row]);
  if (n >= size) n = size - 1;
  memcpy(buf, md_column_data(c) + o[row], n);
  buf[n] = 0;
  return buf;
}

static void test_generator_tables_match_pipeline_spec(void **state) {
  (void)state;
  md_source *source = open_generator(0.001, 1);
  static const char *const names[] = {"billing", "patients", "geriatric_assessments", "patient_plans",
                                      "bill_payments", "tariff_codes", "pmb_conditions"};
  assert_int_equal(md_source_num_tables(source), 7);
  for (int i = 0; i < 7; i++) assert_string_equal(md_source_table_name(source, i), names[i]);
  assert_string_equal(md_source_kind(source), "generator");
  md_schema *schema = NULL;
  assert_int_equal(md_source_table_schema(source, "BILLING", &schema, NULL), MD_OK);
  static const char *const billing[] = {"BILL_ID", "LINE_NR", "SOURCE", "PATIENT_NR", "SERVICE_DATE",
                                        "TARIFF_CODE", "ICD10_CODE", "QUANTITY", "UNIT_PRICE", "AMOUNT",
                                        "MEDICAL_AID", "CREATED_AT", "UPDATED_AT"};
  assert_int_equal(md_schema_num_fields(schema), 13);
  for (int i = 0; i < 13; i++) assert_string_equal(md_field_name(md_schema_field(schema, i)), billing[i]);
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 0)), md_type_make(MD_TYPE_INT64)));
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 1)), md_type_make(MD_TYPE_INT32)));
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 4)), md_type_make(MD_TYPE_DATE32)));
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 9)), md_type_decimal(12, 2)));
  assert_true(md_type_equal(md_field_type(md_schema_field(schema, 12)), md_type_timestamp(MD_MICRO, false)));
  md_schema_free(schema);
  assert_int_equal(md_source_table_schema(source, "patients", &schema, NULL), MD_OK);
  assert_int_equal(md_schema_num_fields(schema), 11);
  assert_string_equal(md_field_name(md_schema_field(schema, 5)), "GENDER");
  md_schema_free(schema);
  md_error err;
  assert_int_equal(md_source_table_schema(source, "nope", &schema, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "nope"));
  assert_non_null(md_generator_table_ddl("bill_payments"));
  assert_non_null(strstr(md_generator_table_ddl("billing"), "UNIT_PRICE NUMERIC(12,2)"));
  md_source_free(source);
}

static void test_generator_same_arguments_give_same_rows(void **state) {
  (void)state;
  md_source *a = open_generator(0.002, 42), *b = open_generator(0.002, 42), *c = open_generator(0.002, 43);
  for (int i = 0; i < md_source_num_tables(a); i++)
    assert_true(compare_tables(a, b, md_source_table_name(a, i), NULL));
  table_data ta, tc;
  load(a, "billing", &ta);
  load(c, "billing", &tc);
  char why[256];
  assert_false(ta.rows == tc.rows && compare_column_rows(col(&ta, "AMOUNT"), 0, col(&tc, "AMOUNT"), 0, ta.rows, why, sizeof why));
  unload(&ta);
  unload(&tc);
  md_source_free(a);
  md_source_free(b);
  md_source_free(c);
}

static void test_generator_billing_contains_the_spec_edge_cases(void **state) {
  (void)state;
  md_source *source = open_generator(0.01, 7);
  table_data t;
  load(source, "billing", &t);
  const md_column *bill = col(&t, "BILL_ID"), *line = col(&t, "LINE_NR"), *date = col(&t, "SERVICE_DATE"),
                  *updated = col(&t, "UPDATED_AT"), *created = col(&t, "CREATED_AT"), *tariff = col(&t, "TARIFF_CODE"),
                  *patient = col(&t, "PATIENT_NR"), *amount = col(&t, "AMOUNT"), *qty = col(&t, "QUANTITY"),
                  *price = col(&t, "UNIT_PRICE");
  int64_t on_as_of = 0, on_year_before = 0, future = 0, null_date = 0, dup = 0, tie = 0, unknown = 0, dirty = 0,
          null_patient = 0, negative = 0, null_amount = 0, product = 0;
  char buf[64];
  for (int64_t r = 0; r < t.rows; r++) {
    assert_int_equal(i64(updated, r) % 100, 0);
    assert_int_equal(i64(created, r) % 100, 0);
    assert_true(i64(updated, r) >= i64(created, r) - 3600ll * 1000000 * 2);
    if (md_column_is_null(date, r)) null_date++;
    else if (i64(date, r) == AS_OF) on_as_of++;
    else if (i64(date, r) == AS_OF - 365) on_year_before++;
    else if (i64(date, r) > AS_OF) future++;
    if (r > 0 && i64(bill, r) == i64(bill, r - 1) && i64(line, r) == i64(line, r - 1)) {
      dup++;
      if (i64(updated, r) == i64(updated, r - 1)) tie++;
    }
    const char *code = str(tariff, r, buf, sizeof buf);
    if (code && strncmp(code, "99", 2) == 0) unknown++;
    else if (code && (code[0] == ' ' || code[0] == '\t' || code[strlen(code) - 1] == ' ' || strchr(code, 'm') || strchr(code, 'e')))
      dirty++;
    if (md_column_is_null(patient, r)) null_patient++;
    if (md_column_is_null(amount, r)) null_amount++;
    else if (money(amount, r) < 0) negative++;
    else if (money(amount, r) == i64(qty, r) * money(price, r)) product++;
  }
  assert_true(on_as_of > 0 && on_year_before > 0 && future > 0 && null_date > 0);
  assert_true(dup > t.rows / 200 && dup < t.rows / 40); /* ~1% */
  assert_true(tie > 0);
  assert_true(unknown > 0 && dirty > t.rows / 50);
  assert_true(null_patient > 0 && negative > 0 && null_amount > 0);
  assert_true(product > t.rows * 9 / 10);
  /* Bill 1 is dated on as_of, bill 2 on as_of - 365 (fixed edge cases). */
  assert_int_equal(i64(bill, 0), 1);
  assert_int_equal(i64(date, 0), AS_OF);
  unload(&t);
  md_source_free(source);
}

static void test_generator_patients_contain_the_spec_edge_cases(void **state) {
  (void)state;
  md_source *source = open_generator(0.01, 7);
  table_data t;
  load(source, "patients", &t);
  const md_column *first = col(&t, "FIRST_NAME"), *surname = col(&t, "SURNAME"), *birth = col(&t, "DATE_OF_BIRTH"),
                  *gender = col(&t, "GENDER"), *nr = col(&t, "PATIENT_NR"), *id = col(&t, "ID_NUMBER");
  int64_t leap = 0, blank = 0, non_ascii = 0, bad_gender = 0, null_nr = 0, ids = 0;
  char buf[128];
  for (int64_t r = 0; r < t.rows; r++) {
    int y, m, d;
    if (!md_column_is_null(birth, r)) {
      gen_civil_from_days((int32_t)i64(birth, r), &y, &m, &d);
      if (m == 2 && d == 29) leap++;
    }
    const char *s = str(first, r, buf, sizeof buf);
    if (s && s[0] && strspn(s, " \t") == strlen(s)) blank++;
    for (const char *p = s; p && *p; p++)
      if ((unsigned char)*p >= 0x80) {
        non_ascii++;
        break;
      }
    s = str(gender, r, buf, sizeof buf);
    if (s && strcmp(s, "M") && strcmp(s, "F") && strcmp(s, "Male") && strcmp(s, "female") && strcmp(s, " f ") &&
        strcmp(s, "m") && strcmp(s, "FEMALE") && strcmp(s, "MALE"))
      bad_gender++;
    if (md_column_is_null(nr, r)) null_nr++;
    s = str(id, r, buf, sizeof buf);
    if (s && strlen(s) == 13 && strspn(s, "0123456789") == 13) ids++;
  }
  assert_true(leap >= 2 && blank >= 1 && non_ascii > t.rows / 20 && null_nr >= 1);
  assert_true(bad_gender > t.rows / 100 && bad_gender < t.rows / 20); /* ~2% */
  assert_true(ids > t.rows * 9 / 10);
  int64_t zoe = 0;
  for (int64_t r = 0; r < t.rows; r++) {
    const char *s = str(first, r, buf, sizeof buf);
    char other[128];
    const char *sur = str(surname, r, other, sizeof other);
    if (s && sur && strcmp(s, "Zoë") == 0 && strcmp(sur, "Dlamini-Ndlovu") == 0) zoe++;
  }
  assert_true(zoe >= 1);
  unload(&t);
  md_source_free(source);
}

static void test_generator_payments_overpay_orphan_and_pay_rejected_bills(void **state) {
  (void)state;
  md_generator_options options = {0.01, 7, AS_OF};
  gen_context ctx;
  assert_int_equal(generator_context_init(&ctx, &options, NULL), MD_OK);
  md_source *source = open_generator(0.01, 7);
  table_data t;
  load(source, "bill_payments", &t);
  const md_column *bill = col(&t, "BILL_ID"), *amount = col(&t, "AMOUNT");
  int64_t orphans = 0, paid_rejected = 0, overpaid_bill7 = 0;
  gen_bill facts;
  gen_bill_facts(&ctx, 4, &facts);
  assert_true(facts.all_rejected);
  for (int64_t r = 0; r < t.rows; r++) {
    if (md_column_is_null(bill, r)) continue;
    if (i64(bill, r) > ctx.bills) orphans++;
    if (i64(bill, r) == 5) paid_rejected++;
    if (i64(bill, r) == 7 && !md_column_is_null(amount, r)) overpaid_bill7 += money(amount, r);
  }
  gen_bill_facts(&ctx, 6, &facts);
  assert_true(orphans > 0 && paid_rejected > 0);
  assert_true(overpaid_bill7 > facts.total_cents);
  assert_true(t.rows > ctx.bills * 8 / 10 && t.rows < ctx.bills);
  unload(&t);
  md_source_free(source);
}

static void test_generator_other_tables_are_dirty_as_specified(void **state) {
  (void)state;
  md_source *source = open_generator(0.05, 3);
  table_data t;
  load(source, "geriatric_assessments", &t);
  int64_t out_of_range = 0;
  const md_column *mmse = col(&t, "MMSE_SCORE"), *adl = col(&t, "ADL_SCORE");
  for (int64_t r = 0; r < t.rows; r++) {
    if (!md_column_is_null(mmse, r) && (i64(mmse, r) < 0 || i64(mmse, r) > 30)) out_of_range++;
    if (!md_column_is_null(adl, r) && (i64(adl, r) < 0 || i64(adl, r) > 6)) out_of_range++;
  }
  assert_true(out_of_range > 0 && out_of_range < t.rows / 50);
  unload(&t);
  load(source, "patient_plans", &t);
  int64_t end_before_start = 0;
  const md_column *start = col(&t, "START_DATE"), *end = col(&t, "END_DATE");
  for (int64_t r = 0; r < t.rows; r++)
    if (!md_column_is_null(start, r) && !md_column_is_null(end, r) && i64(end, r) < i64(start, r)) end_before_start++;
  assert_true(end_before_start > 0 && end_before_start < t.rows / 50);
  unload(&t);
  load(source, "tariff_codes", &t);
  assert_true(t.rows > 400 && t.rows < 420);
  assert_true(md_column_null_count(col(&t, "TARIFF_CODE")) == 1);
  unload(&t);
  load(source, "pmb_conditions", &t);
  assert_true(t.rows > 270 && t.rows < 290);
  unload(&t);
  md_source_free(source);
}

static void test_generator_scan_projects_filters_and_batches(void **state) {
  (void)state;
  md_source *source = open_generator(0.005, 9);
  table_data t;
  load(source, "billing", &t);
  int64_t watermark = (int64_t)(AS_OF - 30) * 86400000000ll, expected = 0;
  for (int64_t r = 0; r < t.rows; r++)
    if (i64(col(&t, "UPDATED_AT"), r) > watermark) expected++;
  const char *columns[] = {"updated_at", "BILL_ID"};
  md_source_scan_options options = {columns, 2, true, watermark, 500};
  md_source_stream *stream = NULL;
  md_error err;
  assert_int_equal(md_source_scan(source, "billing", &options, &stream, &err), MD_OK);
  assert_string_equal(md_field_name(md_schema_field(md_source_stream_schema(stream), 0)), "UPDATED_AT");
  int64_t got = 0;
  for (;;) {
    md_batch *batch = NULL;
    assert_int_equal(md_source_stream_next(stream, &batch, &err), MD_OK);
    if (!batch) break;
    assert_int_equal(md_batch_num_columns(batch), 2);
    assert_true(md_batch_num_rows(batch) <= 500 + 32);
    for (int64_t r = 0; r < md_batch_num_rows(batch); r++) assert_true(i64(md_batch_column(batch, 0), r) > watermark);
    got += md_batch_num_rows(batch);
    md_batch_free(batch);
  }
  md_source_stream_free(stream);
  assert_true(expected > 0 && expected < t.rows);
  assert_int_equal(got, expected);
  const char *missing[] = {"NO_SUCH"};
  md_source_scan_options bad = {missing, 1, false, 0, 0};
  assert_int_equal(md_source_scan(source, "billing", &bad, &stream, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "NO_SUCH"));
  md_source_scan_options wm = {NULL, 0, true, 0, 0};
  assert_int_equal(md_source_scan(source, "tariff_codes", &wm, &stream, &err), MD_ERR_SCHEMA);
  unload(&t);
  md_source_free(source);
}

static void test_generator_rejects_bad_options(void **state) {
  (void)state;
  md_generator_options options = {0, 1, AS_OF};
  md_source *source = NULL;
  md_error err;
  assert_int_equal(md_source_open_generator(&options, &source, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "scale"));
  assert_null(source);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generator_tables_match_pipeline_spec),
      cmocka_unit_test(test_generator_same_arguments_give_same_rows),
      cmocka_unit_test(test_generator_billing_contains_the_spec_edge_cases),
      cmocka_unit_test(test_generator_patients_contain_the_spec_edge_cases),
      cmocka_unit_test(test_generator_payments_overpay_orphan_and_pay_rejected_bills),
      cmocka_unit_test(test_generator_other_tables_are_dirty_as_specified),
      cmocka_unit_test(test_generator_scan_projects_filters_and_batches),
      cmocka_unit_test(test_generator_rejects_bad_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
