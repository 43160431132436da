/* test_reader_threads.c — the reader's decoding threads and batch recycling
 * (md_parquet_reader_set_threads, md_parquet_reader_read_row_group_into) must
 * not change what is read: every row group of every conformance file, valid
 * or malformed, read on several threads into recycled batches equals the
 * single-threaded fresh read (same values, or the same error), and a column
 * the caller still holds is never overwritten. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "support.h"

static void assert_columns_equal(const md_column *a, const md_column *b, const char *where) {
  md_type type = md_column_type(a);
  if (!md_type_equal(type, md_column_type(b))) fail_msg("%s: types differ", where);
  int64_t n = md_column_length(a);
  if (n != md_column_length(b))
    fail_msg("%s: lengths %lld and %lld", where, (long long)n, (long long)md_column_length(b));
  if (md_column_null_count(a) != md_column_null_count(b)) fail_msg("%s: null counts differ", where);
  if (type.id == MD_TYPE_NULL) return;
  for (int64_t i = 0; i < n; i++)
    if (md_column_is_null(a, i) != md_column_is_null(b, i)) fail_msg("%s: row %lld: validity differs", where, (long long)i);
  int width = md_type_fixed_width(type);
  if (type.id == MD_TYPE_BOOL) {
    const uint8_t *va = md_column_values(a), *vb = md_column_values(b);
    for (int64_t i = 0; i < n; i++)
      if (!md_column_is_null(a, i) && md_bit_get(va, i) != md_bit_get(vb, i))
        fail_msg("%s: row %lld: booleans differ", where, (long long)i);
  } else if (width > 0) {
    const uint8_t *va = md_column_values(a), *vb = md_column_values(b);
    for (int64_t i = 0; i < n; i++)
      if (!md_column_is_null(a, i) && memcmp(va + i * width, vb + i * width, (size_t)width) != 0)
        fail_msg("%s: row %lld: values differ", where, (long long)i);
  } else if (md_type_is_variable(type)) {
    const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
    const uint8_t *da = md_column_data(a), *db = md_column_data(b);
    for (int64_t i = 0; i < n; i++) {
      int32_t la = oa[i + 1] - oa[i], lb = ob[i + 1] - ob[i];
      if (la != lb || (la && memcmp(da + oa[i], db + ob[i], (size_t)la) != 0))
        fail_msg("%s: row %lld: bytes differ", where, (long long)i);
    }
  }
  if (type.id == MD_TYPE_LIST || type.id == MD_TYPE_MAP) {
    const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
    for (int64_t i = 0; i <= n; i++)
      if (oa[i] != ob[i]) fail_msg("%s: row %lld: list offsets differ", where, (long long)i);
  }
  if (md_column_num_children(a) != md_column_num_children(b)) fail_msg("%s: child counts differ", where);
  for (int k = 0; k < md_column_num_children(a); k++) {
    char child[4400];
    snprintf(child, sizeof child, "%s.%d", where, k);
    assert_columns_equal(md_column_child(a, k), md_column_child(b, k), child);
  }
}

static void assert_batches_equal(const md_batch *a, const md_batch *b, const char *where) {
  if (!md_schema_equal(md_batch_schema(a), md_batch_schema(b))) fail_msg("%s: schemas differ", where);
  if (md_batch_num_columns(a) != md_batch_num_columns(b)) fail_msg("%s: column counts differ", where);
  for (int c = 0; c < md_batch_num_columns(a); c++) {
    char col[4300];
    snprintf(col, sizeof col, "%s: column %d", where, c);
    assert_columns_equal(md_batch_column(a, c), md_batch_column(b, c), col);
  }
}

/* Reads path both ways and compares; returns the row groups compared. */
static int compare_file(const char *path) {
  md_error err1, err2;
  md_parquet_reader *single = NULL, *multi = NULL;
  if (md_parquet_reader_open(path, &single, &err1) != MD_OK) return 0;
  assert_int_equal(md_parquet_reader_open(path, &multi, &err2), MD_OK);
  assert_int_equal(md_parquet_reader_set_threads(single, 1, &err1), MD_OK);
  assert_int_equal(md_parquet_reader_set_threads(multi, 3, &err2), MD_OK);
  md_batch *recycled = NULL;
  int groups = md_parquet_reader_num_row_groups(single);
  for (int g = 0; g < groups; g++) {
    md_batch *fresh = NULL;
    md_code rc1 = md_parquet_reader_read_row_group(single, g, NULL, -1, &fresh, &err1);
    md_code rc2 = md_parquet_reader_read_row_group_into(multi, g, NULL, -1, &recycled, &err2);
    char where[4200];
    snprintf(where, sizeof where, "%s: row group %d", path, g);
    if (rc1 != rc2) fail_msg("%s: codes %d and %d (%s / %s)", where, rc1, rc2, err1.message, err2.message);
    if (rc1) {
      assert_string_equal(err1.message, err2.message);
      assert_null(recycled);
    } else {
      assert_batches_equal(fresh, recycled, where);
    }
    md_batch_free(fresh);
  }
  md_batch_free(recycled);
  md_parquet_reader_free(single);
  md_parquet_reader_free(multi);
  return groups;
}

static int compare_folder(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) fail_msg("cannot open %s", dir);
  int groups = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 8 || strcmp(e->d_name + len - 8, ".parquet") != 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    groups += compare_file(path);
  }
  closedir(d);
  return groups;
}

static void test_threaded_recycled_reads_equal_single_threaded_on_conformance_corpus(void **state) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/valid", (const char *)*state);
  int valid = compare_folder(dir);
  snprintf(dir, sizeof dir, "%s/malformed", (const char *)*state);
  int malformed = compare_folder(dir);
  printf("compared %d valid and %d malformed row groups\n", valid, malformed);
  assert_true(valid > 60);
}

/* Three row groups of 1000 rows; nulls in n only in the first, in s only in
 * the second, so recycled columns move between "has nulls" and "has none". */
static const char *write_table(void) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/t.parquet", test_temp_dir("reader_threads"));
  md_error err;
  md_schema *schema = md_schema_new();
  assert_int_equal(md_schema_add(schema, md_field_new("n", md_type_make(MD_TYPE_INT32), true), &err), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("s", md_type_make(MD_TYPE_UTF8), true), &err), MD_OK);
  assert_int_equal(md_schema_add(schema, md_field_new("b", md_type_make(MD_TYPE_BOOL), true), &err), MD_OK);
  md_column *cols[3] = {md_column_new(md_type_make(MD_TYPE_INT32)), md_column_new(md_type_make(MD_TYPE_UTF8)),
                        md_column_new(md_type_make(MD_TYPE_BOOL))};
  for (int64_t i = 0; i < 3000; i++) {
    if (i < 1000 && i % 7 == 0) assert_int_equal(md_column_append_null(cols[0], &err), MD_OK);
    else assert_int_equal(md_column_append_int(cols[0], i * 3, &err), MD_OK);
    char text[32];
    int len = snprintf(text, sizeof text, "v%lld", (long long)(i % (i < 2000 ? 50 : 3000)));
    if (i >= 1000 && i < 2000 && i % 5 == 0) assert_int_equal(md_column_append_null(cols[1], &err), MD_OK);
    else assert_int_equal(md_column_append_bytes(cols[1], text, len, &err), MD_OK);
    assert_int_equal(md_column_append_bool(cols[2], i % 3 == (i / 1000), &err), MD_OK);
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, cols, 3, &batch, &err), MD_OK);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  options.row_group_rows = 1000;
  md_parquet_writer *w = NULL;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), &options, &w, &err), MD_OK);
  assert_int_equal(md_parquet_writer_write(w, batch, &err), MD_OK);
  assert_int_equal(md_parquet_writer_close(w, &err), MD_OK);
  md_parquet_writer_free(w);
  md_batch_free(batch);
  return path;
}

static md_parquet_reader *open_table(void) {
  md_error err;
  md_parquet_reader *r = NULL;
  assert_int_equal(md_parquet_reader_open(write_table(), &r, &err), MD_OK);
  return r;
}

static void test_recycled_batches_follow_nulls_appearing_and_vanishing(void **state) {
  (void)state;
  assert_int_equal(compare_file(write_table()), 3);
}

static void test_recycling_leaves_a_column_the_caller_holds_untouched(void **state) {
  (void)state;
  md_error err;
  md_parquet_reader *r = open_table();
  md_batch *batch = NULL;
  assert_int_equal(md_parquet_reader_read_row_group_into(r, 0, NULL, -1, &batch, &err), MD_OK);
  md_column *held = md_column_ref(md_batch_column(batch, 0));
  md_column *recycled = md_batch_column(batch, 2);
  assert_int_equal(md_parquet_reader_read_row_group_into(r, 1, NULL, -1, &batch, &err), MD_OK);
  assert_ptr_not_equal(md_batch_column(batch, 0), held);
  assert_ptr_equal(md_batch_column(batch, 2), recycled); /* nobody held it: refilled in place */
  assert_true(md_column_is_null(held, 0));
  assert_int_equal(((const int32_t *)md_column_values(held))[1], 3);
  assert_int_equal(((const int32_t *)md_column_values(md_batch_column(batch, 0)))[1], 3003);
  md_column_free(held);
  /* A different projection recycles what matches by position and type. */
  int only_s[] = {1};
  assert_int_equal(md_parquet_reader_read_row_group_into(r, 2, only_s, 1, &batch, &err), MD_OK);
  assert_int_equal(md_batch_num_columns(batch), 1);
  assert_int_equal(md_column_null_count(md_batch_column(batch, 0)), 0);
  md_batch_free(batch);
  md_parquet_reader_free(r);
}

static void test_failed_recycled_read_leaves_no_batch(void **state) {
  (void)state;
  md_error err;
  md_parquet_reader *r = open_table();
  md_batch *batch = NULL;
  assert_int_equal(md_parquet_reader_read_row_group_into(r, 0, NULL, -1, &batch, &err), MD_OK);
  assert_int_equal(md_parquet_reader_read_row_group_into(r, 7, NULL, -1, &batch, &err), MD_ERR_INVALID);
  assert_null(batch);
  assert_non_null(strstr(err.message, "row group 7"));
  md_parquet_reader_free(r);
}

static void test_set_threads_rejects_a_negative_count(void **state) {
  (void)state;
  md_error err;
  md_parquet_reader *r = open_table();
  assert_int_equal(md_parquet_reader_set_threads(r, -1, &err), MD_ERR_INVALID);
  assert_int_equal(md_parquet_reader_set_threads(r, 257, &err), MD_ERR_INVALID);
  assert_int_equal(md_parquet_reader_set_threads(r, 0, &err), MD_OK);
  md_parquet_reader_free(r);
}

int main(void) {
  static char dir[4096];
  const char *shared = test_shared_dir();
  const struct CMUnitTest local[] = {
      cmocka_unit_test(test_recycled_batches_follow_nulls_appearing_and_vanishing),
      cmocka_unit_test(test_recycling_leaves_a_column_the_caller_holds_untouched),
      cmocka_unit_test(test_failed_recycled_read_leaves_no_batch),
      cmocka_unit_test(test_set_threads_rejects_a_negative_count),
  };
  int failed = cmocka_run_group_tests_name("reader_threads_local", local, NULL, NULL);
  if (!shared) return failed ? failed : test_shared_missing("test_reader_threads");
  snprintf(dir, sizeof dir, "%s/conformance/parquet", shared);
  const struct CMUnitTest corpus[] = {
      cmocka_unit_test_prestate(test_threaded_recycled_reads_equal_single_threaded_on_conformance_corpus, dir),
  };
  return failed + cmocka_run_group_tests_name("reader_threads_corpus", corpus, NULL, NULL);
}
