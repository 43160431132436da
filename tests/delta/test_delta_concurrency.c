/* test_delta_concurrency.c — writers in separate processes: 8 processes
 * appending 50 commits each give 400 dense versions holding every row, and a
 * writer SIGKILLed at random points (200 times) never leaves the table
 * unreadable or showing part of a commit. */
#include "support.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "medallion/delta.h"

enum { WRITERS = 8, COMMITS_PER_WRITER = 50, ROWS_PER_COMMIT = 2, KILLS = 200, KILL_ROWS = 3 };

static md_batch *tag_batch(int64_t tag, int rows) {
  md_error err;
  md_schema *schema = md_schema_new();
  if (md_schema_add(schema, md_field_new("tag", md_type_make(MD_TYPE_INT64), true), &err) != MD_OK) return NULL;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT64));
  for (int i = 0; i < rows; i++)
    if (md_column_append_int(c, tag, &err) != MD_OK) return NULL;
  md_batch *batch = NULL;
  return md_batch_new(schema, &c, 1, &batch, &err) == MD_OK ? batch : NULL;
}

static int write_tag(const char *path, int64_t tag, int rows, md_delta_save_mode mode) {
  md_batch *b = tag_batch(tag, rows);
  md_delta_write_options o = {.mode = mode};
  md_error err;
  md_code rc = b ? md_delta_write(path, &b, 1, &o, NULL, &err) : MD_ERR_NOMEM;
  if (rc != MD_OK) fprintf(stderr, "write of tag %lld failed: %s\n", (long long)tag, err.message);
  md_batch_free(b);
  return rc == MD_OK ? 0 : 1;
}

/* Every tag of the latest snapshot, in *tags (malloc'd). */
static md_code read_tags(const char *path, int64_t **tags, int64_t *count, int64_t *version, md_error *err) {
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_delta_scan *scan = NULL;
  md_code rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, -1, &s, err);
  if (rc == MD_OK) rc = md_delta_scan_new(s, NULL, -1, &scan, err);
  *tags = NULL;
  *count = 0;
  if (rc == MD_OK) *version = md_delta_snapshot_version(s);
  md_batch *batch = NULL;
  while (rc == MD_OK && (rc = md_delta_scan_next(scan, &batch, err)) == MD_OK && batch) {
    const int64_t *v = md_column_values(md_batch_column(batch, 0));
    int64_t n = md_batch_num_rows(batch);
    *tags = realloc(*tags, (size_t)(*count + n) * sizeof **tags);
    memcpy(*tags + *count, v, (size_t)n * sizeof **tags);
    *count += n;
    md_batch_free(batch);
  }
  md_delta_scan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return rc;
}

static int compare_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static void test_eight_processes_append_fifty_commits_each(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("concurrent"));
  assert_int_equal(write_tag(path, -1, 1, MD_DELTA_APPEND), 0); /* version 0 */
  pid_t pids[WRITERS];
  for (int w = 0; w < WRITERS; w++) {
    pids[w] = fork();
    assert_true(pids[w] >= 0);
    if (pids[w] == 0) {
      int failed = 0;
      for (int i = 0; i < COMMITS_PER_WRITER && !failed; i++)
        failed = write_tag(path, w * 1000 + i, ROWS_PER_COMMIT, MD_DELTA_APPEND);
      _exit(failed);
    }
  }
  for (int w = 0; w < WRITERS; w++) {
    int status = 0;
    assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  md_error err;
  md_delta_table *t = NULL;
  assert_int_equal(md_delta_table_open(path, &t, &err), MD_OK);
  assert_int_equal(md_delta_table_latest_version(t), WRITERS * COMMITS_PER_WRITER);
  md_delta_history *h = NULL;
  assert_int_equal(md_delta_table_history(t, &h, &err), MD_OK);
  assert_int_equal(md_delta_history_count(h), WRITERS * COMMITS_PER_WRITER + 1); /* dense: 0..400 */
  md_delta_history_free(h);
  md_delta_table_free(t);
  int64_t *tags = NULL, count = 0, version = -1;
  if (read_tags(path, &tags, &count, &version, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(count, 1 + WRITERS * COMMITS_PER_WRITER * ROWS_PER_COMMIT);
  qsort(tags, (size_t)count, sizeof *tags, compare_i64);
  assert_int_equal(tags[0], -1);
  int64_t at = 1;
  for (int w = 0; w < WRITERS; w++)
    for (int i = 0; i < COMMITS_PER_WRITER; i++)
      for (int r = 0; r < ROWS_PER_COMMIT; r++) assert_int_equal(tags[at++], w * 1000 + i);
  free(tags);
}

/* The child appends (and every fifth time overwrites) KILL_ROWS rows tagged
 * uniquely per commit until it is killed. */
static void writer_until_killed(const char *path, int round) {
  for (int i = 0;; i++) {
    md_delta_save_mode mode = i % 5 == 4 ? MD_DELTA_OVERWRITE : MD_DELTA_APPEND;
    if (write_tag(path, (int64_t)round * 100000 + i, KILL_ROWS, mode) != 0) _exit(1);
  }
}

static void test_killed_writer_never_leaves_a_partial_commit(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/t", test_temp_dir("kill"));
  assert_int_equal(write_tag(path, -1, KILL_ROWS, MD_DELTA_APPEND), 0);
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  int64_t last_version = 0, commits_seen = 0;
  for (int round = 1; round <= KILLS; round++) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) writer_until_killed(path, round);
    usleep((useconds_t)(rand() % 60000)); /* a commit takes a few ms: kill before, during and after */
    kill(pid, SIGKILL);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status)); /* the writer itself never failed */
    int64_t *tags = NULL, count = 0, version = -1;
    md_error err;
    if (read_tags(path, &tags, &count, &version, &err) != MD_OK) fail_msg("round %d: %s", round, err.message);
    assert_true(version >= last_version);
    commits_seen += version - last_version;
    last_version = version;
    qsort(tags, (size_t)count, sizeof *tags, compare_i64);
    for (int64_t i = 0; i < count;) { /* every commit's rows are all there or all absent */
      int64_t j = i;
      while (j < count && tags[j] == tags[i]) j++;
      if (j - i != KILL_ROWS) fail_msg("round %d: tag %lld has %lld rows", round, (long long)tags[i], (long long)(j - i));
      i = j;
    }
    free(tags);
  }
  print_message("killed %d writers; %lld commits landed\n", KILLS, (long long)commits_seen);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_eight_processes_append_fifty_commits_each),
      cmocka_unit_test(test_killed_writer_never_leaves_a_partial_commit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
