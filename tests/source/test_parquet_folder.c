/* test_parquet_folder.c — `generate` writes the seven tables as Parquet with
 * identical bytes for identical arguments, and the Parquet folder source reads
 * them back equal to the generator, with projection and the watermark. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "medallion/source.h"
#include "source_compare.h"

static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)n + 1);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

static bool same_file(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  char *da = read_file(a, &na), *db = read_file(b, &nb);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generate_writes_identical_bytes_for_identical_arguments),
      cmocka_unit_test(test_parquet_folder_reads_back_what_the_generator_made),
      cmocka_unit_test(test_parquet_folder_refuses_a_missing_folder),
      cmocka_unit_test(test_cli_generate_writes_the_folder_and_checks_its_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
