/* test_firebird.c — the Firebird source against a real embedded Firebird 3
 * engine: generate → load → read back equals the Parquet folder, column by
 * column; the watermark and projection in SQL; every mapped type with nulls;
 * and the errors for a missing table, a missing database and an unsupported
 * column type. Skips (77) when firebird3.0-server is not installed. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "firebird_test_setup.h"
#include "medallion/source.h"
#include "source_compare.h"

static char dir[1024], database[1200], parquet_dir[1200];

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "%s", test_temp_dir("firebird"));
  snprintf(database, sizeof database, "%s/clinic.fdb", dir);
  snprintf(parquet_dir, sizeof parquet_dir, "%s/parquet", dir);
  md_firebird_options fb = {database, NULL, NULL};
  md_generate_options options = {{0.004, 11, MD_GENERATOR_DEFAULT_AS_OF}, parquet_dir, &fb, NULL, NULL};
  md_error err;
  if (md_generate(&options, &err) != MD_OK) {
    fprintf(stderr, "generate: %s\n", err.message);
    return -1;
  }
  return 0;
}

static md_source *open_firebird(void) {
  md_firebird_options options = {database, NULL, NULL};
  md_source *source = NULL;
  md_error err;
  if (md_source_open_firebird(&options, &source, &err) != MD_OK) fail_msg("%s", err.message);
  return source;
}

static void test_firebird_round_trip_equals_parquet_folder(void **state) {
  (void)state;
  md_source *fb = open_firebird(), *pq = NULL;
  md_error err;
  assert_int_equal(md_source_open_parquet_folder(parquet_dir, &pq, &err), MD_OK);
  assert_string_equal(md_source_kind(fb), "firebird");
  assert_int_equal(md_source_num_tables(fb), 7);
  static const char *const tables[] = {"billing", "patients", "geriatric_assessments", "patient_plans",
                                       "bill_payments", "tariff_codes", "pmb_conditions"};
  for (int i = 0; i < 7; i++) {
    int64_t rows = 0;
    assert_true(compare_tables(fb, pq, tables[i], &rows));
    assert_true(rows > 0);
    md_schema *a = NULL, *b = NULL;
    assert_int_equal(md_source_table_schema(fb, tables[i], &a, &err), MD_OK);
    assert_int_equal(md_source_table_schema(pq, tables[i], &b, &err), MD_OK);
    assert_true(md_schema_equal(a, b));
    md_schema_free(a);
    md_schema_free(b);
  }
  md_source_free(fb);
  md_source_free(pq);
}

static int64_t count_rows(md_source *source, const md_source_scan_options *options, int64_t watermark) {
  md_column *cols[4] = {0};
  int n = 0;
  md_error err;
  int64_t rows = scan_all(source, "billing", options, cols, 4, &n, &err);
  if (rows < 0) fail_msg("%s", err.message);
  assert_int_equal(n, 2);
  for (int64_t r = 0; r < rows; r++) assert_true(((const int64_t *)md_column_values(cols[1]))[r] > watermark);
  for (int i = 0; i < n; i++) md_column_free(cols[i]);
  return rows;
}

static void test_firebird_watermark_and_projection_run_in_sql(void **state) {
  (void)state;
  md_source *fb = open_firebird(), *pq = NULL;
  assert_int_equal(md_source_open_parquet_folder(parquet_dir, &pq, NULL), MD_OK);
  const char *columns[] = {"BILL_ID", "UPDATED_AT"};
  /* A watermark that is not a multiple of 100 µs must behave like "> watermark". */
  int64_t watermark = (int64_t)(MD_GENERATOR_DEFAULT_AS_OF - 20) * 86400000000ll + 12345;
  md_source_scan_options options = {columns, 2, true, watermark, 97};
  int64_t from_fb = count_rows(fb, &options, watermark), from_pq = count_rows(pq, &options, watermark);
  assert_true(from_fb > 0);
  assert_int_equal(from_fb, from_pq);
  md_source_free(fb);
  md_source_free(pq);
}

static void test_firebird_missing_table_names_database_and_table(void **state) {
  (void)state;
  md_source *fb = open_firebird();
  md_source_stream *stream = NULL;
  md_error err;
  assert_int_equal(md_source_scan(fb, "invoices", NULL, &stream, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "invoices"));
  assert_non_null(strstr(err.message, database));
  md_source_free(fb);
  md_firebird_options missing = {"/nonexistent/dir/none.fdb", NULL, NULL};
  md_source *source = NULL;
  assert_int_not_equal(md_source_open_firebird(&missing, &source, &err), MD_OK);
  assert_non_null(strstr(err.message, "/nonexistent/dir/none.fdb"));
  assert_null(source);
}

static void test_firebird_maps_every_supported_type_with_nulls(void **state) {
  (void)state;
  char types_db[1300];
  snprintf(types_db, sizeof types_db, "%s/types.fdb", dir);
  static const char *const sql[] = {
      ("CREATE TABLE ALL_TYPES (S SMALLINT, I INTEGER, B BIGINT, N NUMERIC(9,3), D DECIMAL(18,4), "
      "F FLOAT, DP DOUBLE PRECISION, DT DATE, TM TIME, TS TIMESTAMP, BO BOOLEAN, "
      "C CHAR(5) CHARACTER SET UTF8, V VARCHAR(10) CHARACTER SET WIN1252, T BLOB SUB_TYPE TEXT CHARACTER SET UTF8, "
      "UPDATED_AT TIMESTAMP)"),
      ("INSERT INTO ALL_TYPES VALUES (-7, 123456, -9000000000, -12.345, 12345678901234.5678, 1.5, 2.25, "
      "DATE '2024-02-29', TIME '13:14:15.1234', TIMESTAMP '1969-12-31 23:59:59.9999', TRUE, 'Zoë', 'Jürgen', "
      "'Nomvula Dlamini-Ndlovu — notes', TIMESTAMP '2026-06-30 10:00:00')"),
      ("INSERT INTO ALL_TYPES VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
       "NULL, NULL, NULL)"),
  };
  md_error err;
  if (firebird_run(types_db, true, sql, 3, &err) != MD_OK) fail_msg("%s", err.message);
  md_firebird_options options = {types_db, NULL, NULL};
  md_source *fb = NULL;
  assert_int_equal(md_source_open_firebird(&options, &fb, &err), MD_OK);
  md_schema *schema = NULL;
  assert_int_equal(md_source_table_schema(fb, "all_types", &schema, &err), MD_OK);
  md_type expected[] = {md_type_make(MD_TYPE_INT16),   md_type_make(MD_TYPE_INT32),   md_type_make(MD_TYPE_INT64),
                        md_type_decimal(9, 3),         md_type_decimal(18, 4),        md_type_make(MD_TYPE_FLOAT32),
                        md_type_make(MD_TYPE_FLOAT64), md_type_make(MD_TYPE_DATE32),  md_type_time(MD_MICRO),
                        md_type_timestamp(MD_MICRO, false), md_type_make(MD_TYPE_BOOL), md_type_make(MD_TYPE_UTF8),
                        md_type_make(MD_TYPE_UTF8),    md_type_make(MD_TYPE_UTF8),    md_type_timestamp(MD_MICRO, false)};
  assert_int_equal(md_schema_num_fields(schema), 15);
  for (int i = 0; i < 15; i++) assert_true(md_type_equal(md_field_type(md_schema_field(schema, i)), expected[i]));
  md_schema_free(schema);
  md_column *c[16] = {0};
  int n = 0;
  md_source_scan_options scan = {NULL, 0, false, 0, 1};
  assert_int_equal(scan_all(fb, "ALL_TYPES", &scan, c, 16, &n, &err), 2);
  for (int i = 0; i < 15; i++) {
    assert_false(md_column_is_null(c[i], 0));
    assert_true(md_column_is_null(c[i], 1));
  }
  assert_int_equal(((const int16_t *)md_column_values(c[0]))[0], -7);
  assert_int_equal(((const int32_t *)md_column_values(c[1]))[0], 123456);
  assert_int_equal(((const int64_t *)md_column_values(c[2]))[0], -9000000000ll);
  assert_int_equal(((const int64_t *)md_column_values(c[3]))[0], -12345);
  assert_int_equal(((const int64_t *)md_column_values(c[3]))[1], -1); /* sign extension */
  assert_int_equal(((const int64_t *)md_column_values(c[4]))[0], 123456789012345678ll);
  assert_true(((const float *)md_column_values(c[5]))[0] == 1.5f);
  assert_true(((const double *)md_column_values(c[6]))[0] == 2.25);
  assert_int_equal(((const int32_t *)md_column_values(c[7]))[0], 19782); /* 2024-02-29 */
  assert_int_equal(((const int64_t *)md_column_values(c[8]))[0], (13 * 3600 + 14 * 60 + 15) * 1000000ll + 123400);
  assert_int_equal(((const int64_t *)md_column_values(c[9]))[0], -100);
  assert_true(md_bit_get(md_column_values(c[10]), 0));
  const int32_t *o = md_column_offsets(c[11]);
  assert_int_equal(o[1] - o[0], 6); /* "Zoë  ": CHAR(5) keeps its padding to 5 characters */
  assert_memory_equal(md_column_data(c[11]), "Zo\xc3\xab  ", 6);
  o = md_column_offsets(c[12]);
  assert_int_equal(o[1] - o[0], 7); /* WIN1252 converted to UTF-8 */
  assert_memory_equal(md_column_data(c[12]), "J\xc3\xbcrgen", 7);
  o = md_column_offsets(c[13]);
  assert_memory_equal(md_column_data(c[13]), "Nomvula Dlamini-Ndlovu \xe2\x80\x94 notes", (size_t)(o[1] - o[0]));
  for (int i = 0; i < 16; i++) md_column_free(c[i]);
  md_source_free(fb);
}

static void test_firebird_refuses_unsupported_column_types(void **state) {
  (void)state;
  char db[1300];
  snprintf(db, sizeof db, "%s/arrays.fdb", dir);
  static const char *const sql[] = {"CREATE TABLE WITH_ARRAY (ID INTEGER, SCORES INTEGER[3])",
                                    "INSERT INTO WITH_ARRAY (ID) VALUES (1)"};
  md_error err;
  if (firebird_run(db, true, sql, 2, &err) != MD_OK) fail_msg("%s", err.message);
  md_firebird_options options = {db, NULL, NULL};
  md_source *fb = NULL;
  assert_int_equal(md_source_open_firebird(&options, &fb, &err), MD_OK);
  md_schema *schema = NULL;
  assert_int_equal(md_source_table_schema(fb, "with_array", &schema, &err), MD_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "SCORES"));
  assert_non_null(strstr(err.message, "ARRAY"));
  assert_non_null(strstr(err.message, "WITH_ARRAY"));
  md_source_stream *stream = NULL;
  assert_int_equal(md_source_scan(fb, "with_array", NULL, &stream, &err), MD_ERR_UNSUPPORTED);
  const char *id_only[] = {"ID"};
  md_source_scan_options projected = {id_only, 1, false, 0, 0};
  md_column *c[1] = {0};
  int n = 0;
  assert_int_equal(scan_all(fb, "with_array", &projected, c, 1, &n, &err), 1);
  md_column_free(c[0]);
  md_source_free(fb);
}

int main(void) {
  if (!firebird_engine_path()) return firebird_skip("no Firebird 3 engine (apt-get install firebird3.0-server)");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_firebird_round_trip_equals_parquet_folder),
      cmocka_unit_test(test_firebird_watermark_and_projection_run_in_sql),
      cmocka_unit_test(test_firebird_missing_table_names_database_and_table),
      cmocka_unit_test(test_firebird_maps_every_supported_type_with_nulls),
      cmocka_unit_test(test_firebird_refuses_unsupported_column_types),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
