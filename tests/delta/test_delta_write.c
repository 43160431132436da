/* test_delta_write.c — md_delta_write: create, append, overwrite, the
 * error-if-exists and ignore modes, txn idempotence, schema enforcement, and
 * that two writers cannot both commit the same version; every table written
 * is read back through the snapshot reader. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/log.h"
#include "medallion/delta.h"

static md_batch *id_batch(int64_t first, int64_t count, md_type_id type) {
  md_schema *schema = md_schema_new();
  md_error err;
  assert_int_equal(md_schema_add(schema, md_field_new("id", md_type_make(type), true), &err), MD_OK);
  md_column *c = md_column_new(md_type_make(type));
  for (int64_t i = 0; i < count; i++) assert_int_equal(md_column_append_int(c, first + i, &err), MD_OK);
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, &c, 1, &batch, &err), MD_OK);
  return batch;
}

static int64_t write_ids(const char *path, int64_t first, int64_t count, md_delta_save_mode mode, md_code want) {
  md_batch *b = id_batch(first, count, MD_TYPE_INT64);
  md_delta_write_options o = {.mode = mode};
  int64_t version = -1;
  md_error err;
  md_code rc = md_delta_write(path, &b, 1, &o, &version, &err);
  if (rc != want) fail_msg("got %s (%s)", md_code_name(rc), err.message);
  md_batch_free(b);
  return version;
}

static void test_write_creates_appends_and_overwrites(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write"));
  assert_int_equal(write_ids(path, 1, 2, MD_DELTA_APPEND, MD_OK), 0);
  assert_int_equal(write_ids(path, 3, 1, MD_DELTA_APPEND, MD_OK), 1);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
  free(text);
  assert_int_equal(write_ids(path, 7, 1, MD_DELTA_OVERWRITE, MD_OK), 2);
  text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":7}\n");
  free(text);
  text = test_delta_canonical(path, 1, NULL); /* time travel still sees the old files */
  assert_string_equal(text, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
  free(text);
  write_ids(path, 9, 1, MD_DELTA_ERROR_IF_EXISTS, MD_ERR_INVALID);
  assert_int_equal(write_ids(path, 9, 1, MD_DELTA_IGNORE, MD_OK), 2);
  md_delta_table *t = NULL;
  md_delta_history *h = NULL;
  md_error err;
  assert_int_equal(md_delta_table_open(path, &t, &err), MD_OK);
  assert_int_equal(md_delta_table_history(t, &h, &err), MD_OK);
  md_delta_commit_info info;
  md_delta_history_entry(h, 0, &info);
  assert_string_equal(info.operation, "CREATE TABLE");
  assert_non_null(strstr(info.engine_info, "medallion/"));
  md_delta_history_free(h);
  md_delta_table_free(t);
}

static void test_write_enforces_schema_naming_column_and_types(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-schema"));
  write_ids(path, 1, 1, MD_DELTA_APPEND, MD_OK);
  md_batch *b = id_batch(1, 1, MD_TYPE_INT32);
  md_error err;
  assert_int_equal(md_delta_write(path, &b, 1, NULL, NULL, &err), MD_ERR_SCHEMA);
  assert_non_null(strstr(err.message, "column id: the table has int64, the data int32"));
  md_batch_free(b);
}

static void test_write_txn_makes_retries_idempotent(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("write-txn"));
  md_batch *b = id_batch(1, 1, MD_TYPE_INT64);
  md_metadata *meta = md_metadata_new();
  md_error err;
  assert_int_equal(md_metadata_set(meta, "runId", "r-42", &err), MD_OK);
  md_delta_write_options o = {.mode = MD_DELTA_APPEND, .app_id = "bronze", .txn_version = 5, .commit_metadata = meta};
  int64_t v = -1;
  assert_int_equal(md_delta_write(path, &b, 1, &o, &v, &err), MD_OK);
  assert_int_equal(v, 0);
  assert_int_equal(md_delta_write(path, &b, 1, &o, &v, &err), MD_OK); /* the same batch retried */
  assert_int_equal(v, 0);
  char *text = test_delta_canonical(path, -1, NULL);
  assert_string_equal(text, "{\"id\":1}\n");
  free(text);
  md_delta_table *t = NULL;
  md_delta_history *h = NULL;
  assert_int_equal(md_delta_table_open(path, &t, &err), MD_OK);
  assert_int_equal(md_delta_table_history(t, &h, &err), MD_OK);
  md_delta_commit_info info;
  md_delta_history_entry(h, 0, &info);
  assert_non_null(strstr(info.commit_info, "\"runId\":\"r-42\""));
  md_delta_history_free(h);
  md_delta_table_free(t);
  md_metadata_free(meta);
  md_batch_free(b);
}

static void test_commit_publish_lets_only_one_writer_win(void **state) {
  (void)state;
  const char *dir = test_temp_dir("publish");
  md_error err;
  assert_int_equal(delta_commit_publish(dir, 0, "a\n", 2, &err), MD_OK);
  assert_int_equal(delta_commit_publish(dir, 0, "b\n", 2, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "committed concurrently"));
  char path[4300], *text = NULL;
  size_t len = 0;
  snprintf(path, sizeof path, "%s/_delta_log/00000000000000000000.json", dir);
  assert_int_equal(delta_read_file(path, 100, &text, &len, &err), MD_OK);
  assert_string_equal(text, "a\n");
  free(text);
}

/* No entry of dir whose name starts with prefix. */
static void assert_no_entry_starting(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d));)
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) fail_msg("%s/%s left behind", dir, e->d_name);
  closedir(d);
}

/* Version 0 arrives with its log directory (renamed into place whole), so a
 * kill can never leave a _delta_log without a commit; a log left empty by an
 * older writer's crash still takes version 0 through the ordinary path. */
static void test_first_commit_appears_with_its_log(void **state) {
  (void)state;
  const char *dir = test_temp_dir("first-commit");
  char fresh[4200], leftover[4200], log_dir[4300];
  snprintf(fresh, sizeof fresh, "%s/fresh", dir);
  assert_int_equal(mkdir(fresh, 0777), 0);
  md_error err;
  assert_int_equal(delta_commit_publish(fresh, 0, "a\n", 2, &err), MD_OK);
  assert_no_entry_starting(fresh, "._delta_log");
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", fresh);
  assert_no_entry_starting(log_dir, ".0"); /* no temporary commit file */
  assert_int_equal(delta_commit_publish(fresh, 0, "b\n", 2, &err), MD_ERR_INVALID);

  snprintf(leftover, sizeof leftover, "%s/leftover", dir);
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", leftover);
  assert_int_equal(mkdir(leftover, 0777), 0);
  assert_int_equal(mkdir(log_dir, 0777), 0);
  assert_int_equal(write_ids(leftover, 1, 2, MD_DELTA_APPEND, MD_OK), 0);
  char *text = test_delta_canonical(leftover, -1, NULL);
  assert_string_equal(text, "{\"id\":1}\n{\"id\":2}\n");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_write_creates_appends_and_overwrites),
      cmocka_unit_test(test_write_enforces_schema_naming_column_and_types),
      cmocka_unit_test(test_write_txn_makes_retries_idempotent),
      cmocka_unit_test(test_commit_publish_lets_only_one_writer_win),
      cmocka_unit_test(test_first_commit_appears_with_its_log),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
