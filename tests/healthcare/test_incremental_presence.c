/* test_incremental_presence.c — hc_presence_changes, the presence lookup
 * bill_payments' incremental runs use on silver/billing: from the files that
 * changed between two versions (appends, grown deletion vectors, removed
 * files) it finds exactly the codes whose presence changed, with whether
 * they were known before, and which asked-for codes the latest version holds;
 * an unchanged table answers the asked-for codes alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "hc_internal.h"

static char home[1024], table[1200];

static md_batch *codes_batch(const char *name, const int64_t *codes, int n) {
  md_error err;
  md_schema *s = md_schema_new();
  assert_int_equal(md_schema_add(s, md_field_new(name, md_type_make(MD_TYPE_INT64), true), &err), MD_OK);
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int i = 0; i < n; i++) assert_int_equal(md_column_append_int(c, codes[i], &err), MD_OK);
  md_batch *out = NULL;
  assert_int_equal(md_batch_new(s, &c, 1, &out, &err), MD_OK);
  return out;
}

static void write_codes(const int64_t *codes, int n, md_delta_save_mode mode) {
  md_error err;
  md_batch *b = codes_batch("CODE", codes, n);
  md_delta_write_options o = {.mode = mode};
  if (md_delta_write(table, &b, 1, &o, NULL, &err)) fail_msg("write: %s", err.message);
  md_batch_free(b);
}

/* Deletes the live rows holding code in the first file that has it (all of
 * them, or the first only) and appends the codes added, in one commit. */
static void delete_and_append(int64_t code, bool only_one, const int64_t *added, int num_added) {
  md_error err;
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_delta_scan *scan = NULL;
  assert_int_equal(md_delta_table_open(table, &t, &err), MD_OK);
  assert_int_equal(md_delta_snapshot_at_version(t, -1, &s, &err), MD_OK);
  const char *cols[1] = {"CODE"};
  assert_int_equal(md_delta_scan_new(s, cols, 1, &scan, &err), MD_OK);
  assert_int_equal(md_delta_scan_add_row_positions(scan, "_pos", &err), MD_OK);
  int64_t rows[64], n = 0;
  md_delta_file_info info = {0};
  for (int64_t f = 0; n == 0 && f < md_delta_snapshot_num_files(s); f++) {
    assert_int_equal(md_delta_snapshot_file(s, f, &info, &err), MD_OK);
    md_parquet_reader *reader = NULL;
    assert_int_equal(md_parquet_reader_open(md_delta_scan_file_path(scan, f), &reader, &err), MD_OK);
    md_batch *b = NULL;
    assert_int_equal(md_delta_scan_read(scan, f, reader, 0, &b, &err), MD_OK);
    const int64_t *v = md_column_values(md_batch_column(b, 0)), *pos = md_column_values(md_batch_column(b, 1));
    for (int64_t r = 0; r < md_batch_num_rows(b) && n < 64; r++)
      if (v[r] == code && (!only_one || n == 0)) rows[n++] = pos[r];
    md_batch_free(b);
    md_parquet_reader_free(reader);
  }
  md_delta_row_deletes del = {info.path, rows, n};
  md_batch *more = codes_batch("CODE", added, num_added);
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  assert_int_equal(md_delta_delete_and_append(table, &del, 1, &more, 1, &o, NULL, &err), MD_OK);
  md_batch_free(more);
  md_delta_scan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
}

/* The int64 values of column c of b, sorted, as text "1,2,3". */
static void sorted_text(const md_batch *b, int c, char *out, size_t size) {
  int64_t n = md_batch_num_rows(b), v[64];
  assert_true(n <= 64);
  if (n > 0) memcpy(v, md_column_values(md_batch_column(b, c)), (size_t)n * sizeof *v);
  for (int64_t i = 1; i < n; i++)
    for (int64_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
      int64_t x = v[j];
      v[j] = v[j - 1];
      v[j - 1] = x;
    }
  size_t used = 0;
  out[0] = '\0';
  for (int64_t i = 0; i < n; i++) used += (size_t)snprintf(out + used, size - used, "%s%lld", i ? "," : "", (long long)v[i]);
}

/* Runs hc_presence_changes from version was; checks the changed codes (and
 * which of them were known), removed and the present codes. */
static void check(int64_t was, const int64_t *wanted, int num_wanted, const char *want_changed, const char *want_known,
                  bool want_removed, const char *want_present) {
  hc_config cfg = {.home = home};
  hc_lookup_dep dep = {"t", "BILL", "CODE", NULL, true, true};
  md_batch *asked = codes_batch("BILL", wanted, num_wanted), *changed = NULL, *present = NULL;
  bool removed = false, decided = false;
  md_error err;
  if (hc_presence_changes(&cfg, &dep, was, asked, &changed, &removed, &present, &decided, &err))
    fail_msg("presence: %s", err.message);
  assert_true(decided);
  char text[512], known[512] = "";
  sorted_text(changed, 0, text, sizeof text);
  assert_string_equal(text, want_changed);
  /* The known ones: the changed codes whose _was_known is true. */
  const int64_t *v = md_column_values(md_batch_column(changed, 0));
  int64_t k[64], nk = 0;
  for (int64_t r = 0; r < md_batch_num_rows(changed); r++)
    if (md_bit_get(md_column_values(md_batch_column(changed, 1)), r)) k[nk++] = v[r];
  md_batch *kb = codes_batch("K", k, (int)nk);
  sorted_text(kb, 0, known, sizeof known);
  assert_string_equal(known, want_known);
  assert_int_equal(removed, want_removed);
  assert_string_equal(md_field_name(md_schema_field(md_batch_schema(present), 0)), "BILL");
  sorted_text(present, 0, text, sizeof text);
  assert_string_equal(text, want_present);
  md_batch_free(kb);
  md_batch_free(asked);
  md_batch_free(changed);
  md_batch_free(present);
}

static void test_presence_follows_appends_deletion_vectors_and_overwrites(void **state) {
  (void)state;
  const int64_t v0[] = {1, 1, 2, 3, 7};
  write_codes(v0, 5, MD_DELTA_APPEND); /* version 0 */
  const int64_t zero[] = {0};
  /* Unchanged: only the asked-for codes, nothing changed. */
  const int64_t ask0[] = {1, 5, 7};
  check(0, ask0, 3, "", "", false, "1,7");
  /* Version 1: one of the two 1s and the 2 deleted, 4 added. */
  const int64_t add1[] = {4};
  delete_and_append(1, true, add1, 1);
  delete_and_append(2, false, zero, 1); /* version 2: 2 gone, a 0 added */
  const int64_t ask1[] = {1, 5, 4};
  check(0, ask1, 3, "0,2,4", "2", true, "0,1,4");
  /* Version 3 overwrites: every file removed, 4 and 6 remain. */
  const int64_t v3[] = {4, 6};
  write_codes(v3, 2, MD_DELTA_OVERWRITE);
  const int64_t ask3[] = {3};
  check(2, ask3, 1, "0,1,3,6,7", "0,1,3,7", true, "4,6");
}

int main(void) {
  snprintf(home, sizeof home, "%s", test_temp_dir("healthcare_incremental_presence"));
  snprintf(table, sizeof table, "%s/t", home);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_presence_follows_appends_deletion_vectors_and_overwrites),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
