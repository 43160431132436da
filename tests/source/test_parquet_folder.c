/* test_parquet_folder.c — `generate` writes the seven tables as Parquet with
 * identical bytes for identical arguments, and the Parquet folder source reads
 * them back equal to the generator, with projection and the watermark. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "medallion/source.h"
#include "source_compare.h"

static bool same_file(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  char *da = test_read_file(a, &na), *db = test_read_file(b, &nb);
  bool same = da && db && na == nb && memcmp(da, db, na) == 0;
  free(da);
  free(db);
  return same;
}

static void generate(const char *dir, double scale, uint64_t seed) {
  md_generate_options options = {{scale, seed, MD_GENERATOR_DEFAULT_AS_OF}, dir, NULL, NULL, NULL};
  md_error err;
  if (md_generate(&options, &err) != MD_OK) fail_msg("%s", err.message);
}

static void test_generate_writes_identical_bytes_for_identical_arguments(void **state) {
  (void)state;
  char a[1024], b[1024], c[1024], pa[1200], pb[1200];
  snprintf(a, sizeof a, "%s", test_temp_dir("gen_a"));
  snprintf(b, sizeof b, "%s", test_temp_dir("gen_b"));
  snprintf(c, sizeof c, "%s", test_temp_dir("gen_c"));
  generate(a, 0.003, 5);
  generate(b, 0.003, 5);
  generate(c, 0.003, 6);
  static const char *const tables[] = {"billing", "patients", "geriatric_assessments", "patient_plans",
                                       "bill_payments", "tariff_codes", "pmb_conditions"};
  for (int i = 0; i < 7; i++) {
    snprintf(pa, sizeof pa, "%s/%s.parquet", a, tables[i]);
    snprintf(pb, sizeof pb, "%s/%s.parquet", b, tables[i]);
    assert_true(same_file(pa, pb));
  }
  snprintf(pb, sizeof pb, "%s/billing.parquet", c);
  snprintf(pa, sizeof pa, "%s/billing.parquet", a);
  assert_false(same_file(pa, pb));
}

static void test_parquet_folder_reads_back_what_the_generator_made(void **state) {
  (void)state;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", test_temp_dir("gen_folder"));
  generate(dir, 0.004, 8);
  md_source *folder = NULL, *gen = NULL;
  md_error err;
  assert_int_equal(md_source_open_parquet_folder(dir, &folder, &err), MD_OK);
  md_generator_options options = {0.004, 8, MD_GENERATOR_DEFAULT_AS_OF};
  assert_int_equal(md_source_open_generator(&options, &gen, &err), MD_OK);
  assert_string_equal(md_source_kind(folder), "parquet");
  assert_int_equal(md_source_num_tables(folder), 7);
  assert_string_equal(md_source_table_name(folder, 0), "bill_payments"); /* by file name */
  for (int i = 0; i < md_source_num_tables(gen); i++) {
    const char *table = md_source_table_name(gen, i);
    assert_true(compare_tables(folder, gen, table, NULL));
    md_schema *a = NULL, *b = NULL;
    assert_int_equal(md_source_table_schema(folder, table, &a, &err), MD_OK);
    assert_int_equal(md_source_table_schema(gen, table, &b, &err), MD_OK);
    assert_true(md_schema_equal(a, b));
    md_schema_free(a);
    md_schema_free(b);
  }
  /* Projection without UPDATED_AT, with a watermark: the filter still applies. */
  const char *columns[] = {"AMOUNT", "PAYMENT_ID"};
  int64_t watermark = (int64_t)(MD_GENERATOR_DEFAULT_AS_OF - 60) * 86400000000ll;
  md_source_scan_options scan = {columns, 2, true, watermark, 0};
  md_column *ca[2] = {0}, *cb[2] = {0};
  int na = 0, nb = 0;
  int64_t ra = scan_all(folder, "bill_payments", &scan, ca, 2, &na, &err);
  int64_t rb = scan_all(gen, "bill_payments", &scan, cb, 2, &nb, &err);
  assert_true(ra > 0 && na == 2);
  assert_int_equal(ra, rb);
  char why[256];
  assert_true(compare_column_rows(ca[1], 0, cb[1], 0, ra, why, sizeof why));
  for (int i = 0; i < 2; i++) {
    md_column_free(ca[i]);
    md_column_free(cb[i]);
  }
  md_source_stream *stream = NULL;
  assert_int_equal(md_source_scan(folder, "claims", NULL, &stream, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "claims"));
  assert_non_null(strstr(err.message, dir));
  md_source_free(folder);
  md_source_free(gen);
}

static void test_parquet_folder_refuses_a_missing_folder(void **state) {
  (void)state;
  md_source *source = NULL;
  md_error err;
  assert_int_equal(md_source_open_parquet_folder("/nonexistent/medallion", &source, &err), MD_ERR_IO);
  assert_non_null(strstr(err.message, "/nonexistent/medallion"));
  assert_null(source);
}

static void test_cli_generate_writes_the_folder_and_checks_its_arguments(void **state) {
  (void)state;
  const char *bin = getenv("MEDALLION_BIN");
  if (!bin) skip();
  char dir[1024], cmd[4096], path[1200];
  snprintf(dir, sizeof dir, "%s", test_temp_dir("gen_cli"));
  snprintf(cmd, sizeof cmd, "'%s' generate --scale 0.001 --seed 3 --out '%s/out' --as-of 2024-02-29 2>/dev/null", bin, dir);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/out/patients.parquet", dir);
  md_parquet_reader *reader = NULL;
  assert_int_equal(md_parquet_reader_open(path, &reader, NULL), MD_OK);
  assert_true(md_parquet_reader_num_rows(reader) >= 60);
  md_parquet_reader_free(reader);
  snprintf(cmd, sizeof cmd, "'%s' generate --scale -1 --seed 3 --out '%s/bad' 2>/dev/null", bin, dir);
  assert_int_not_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "'%s' generate --scale 1 --seed 3 --out '%s/bad' --as-of 2024-13-01 2>/dev/null", bin, dir);
  assert_int_not_equal(system(cmd), 0);
}

/* A table "events" of 300 rows (ID, UPDATED_AT = ID * 1000 µs, every 7th null)
 * in row groups of 100, whose FIRST row group's bytes are then overwritten:
 * only a reader that skips that group can read past it. */
static void write_events_with_broken_first_group(const char *dir) {
  md_error err;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("ID", md_type_make(MD_TYPE_INT64), false), &err), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("UPDATED_AT", md_type_timestamp(MD_MICRO, false), true), &err),
                   MD_OK);
  md_column *c[2] = {md_column_new(md_type_make(MD_TYPE_INT64)), md_column_new(md_type_timestamp(MD_MICRO, false))};
  for (int64_t i = 0; i < 300; i++) {
    assert_int_equal(md_column_append_int(c[0], i, &err), MD_OK);
    assert_int_equal(i % 7 == 3 ? md_column_append_null(c[1], &err) : md_column_append_int(c[1], i * 1000, &err),
                     MD_OK);
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, c, 2, &batch, &err), MD_OK);
  char path[4200];
  snprintf(path, sizeof path, "%s/events.parquet", dir);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 100;
  md_parquet_writer *w = NULL;
  if (md_parquet_writer_open(path, md_batch_schema(batch), &options, &w, &err) ||
      md_parquet_writer_write(w, batch, &err) || md_parquet_writer_close(w, &err))
    fail_msg("%s", err.message);
  md_parquet_writer_free(w);
  md_batch_free(batch);
  md_parquet_reader *r = NULL;
  md_parquet_chunk_info first;
  if (md_parquet_reader_open(path, &r, &err) || md_parquet_reader_chunk(r, 0, 0, &first, &err))
    fail_msg("%s", err.message);
  assert_int_equal(md_parquet_reader_num_row_groups(r), 3);
  md_parquet_reader_free(r);
  /* The first column chunk starts right after the "PAR1" magic. */
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, 4, SEEK_SET), 0);
  for (int64_t i = 0; i < first.total_compressed_size; i++) fputc(0xff, f);
  fclose(f);
}

static void test_parquet_folder_watermark_skips_row_groups_by_statistics(void **state) {
  (void)state;
  const char *dir = test_temp_dir("source_folder_prune");
  write_events_with_broken_first_group(dir);
  md_error err;
  md_source *folder = NULL;
  assert_int_equal(md_source_open_parquet_folder(dir, &folder, &err), MD_OK);
  /* Past the first group's greatest UPDATED_AT (99,000): that group is never
   * decoded, and the rows after the mark in the second group are kept. */
  md_source_scan_options scan = {NULL, 0, true, 150000, 0};
  md_source_stream *stream = NULL;
  if (md_source_scan(folder, "events", &scan, &stream, &err)) fail_msg("%s", err.message);
  int64_t rows = 0, expected = 0;
  for (int64_t i = 151; i < 300; i++) expected += i % 7 != 3;
  for (;;) {
    md_batch *b = NULL;
    if (md_source_stream_next(stream, &b, &err)) fail_msg("%s", err.message);
    if (!b) break;
    const int64_t *id = md_column_values(md_batch_column(b, 0));
    for (int64_t r = 0; r < md_batch_num_rows(b); r++) assert_true(id[r] > 150 && id[r] % 7 != 3);
    rows += md_batch_num_rows(b);
    md_batch_free(b);
  }
  assert_int_equal(rows, expected);
  md_source_stream_free(stream);
  /* Without the watermark the broken group is read, and fails. */
  assert_int_equal(md_source_scan(folder, "events", NULL, &stream, &err), MD_OK);
  md_batch *b = NULL;
  assert_int_not_equal(md_source_stream_next(stream, &b, &err), MD_OK);
  assert_non_null(strstr(err.message, "events.parquet"));
  md_source_stream_free(stream);
  md_source_free(folder);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generate_writes_identical_bytes_for_identical_arguments),
      cmocka_unit_test(test_parquet_folder_reads_back_what_the_generator_made),
      cmocka_unit_test(test_parquet_folder_refuses_a_missing_folder),
      cmocka_unit_test(test_parquet_folder_watermark_skips_row_groups_by_statistics),
      cmocka_unit_test(test_cli_generate_writes_the_folder_and_checks_its_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
