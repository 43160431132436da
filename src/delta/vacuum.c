/* vacuum.c — md_delta_vacuum: delete data files no version in the retention
 * window can need.
 *
 * The versions a reader may still ask for are those committed after the
 * cutoff (now - retention) plus the one current at the cutoff. The files they
 * reference are the live files of that version and every file added after it.
 * Any other file in the table directory is garbage once it is itself older
 * than the cutoff: younger unreferenced files may belong to a write that has
 * not committed yet. Hidden names (_delta_log, .tmp files, _SUCCESS) are never
 * touched. The 7-day minimum protects concurrent writers and readers of old
 * versions; going below it needs force. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "delta/snapshot.h"

#define DEFAULT_RETAIN_HOURS 168.0

struct md_delta_vacuum_result {
  char **files;
  int64_t count;
};

typedef struct string_list {
  char **items;
  size_t count, cap;
} string_list;

static bool list_add(string_list *list, const char *s) {
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 64;
    char **grown = realloc(list->items, cap * sizeof *grown);
    if (!grown) return false;
    list->items = grown;
    list->cap = cap;
  }
  if (!(list->items[list->count] = strdup(s))) return false;
  list->count++;
  return true;
}

static void list_clear(string_list *list) {
  for (size_t i = 0; i < list->count; i++) free(list->items[i]);
  free(list->items);
  memset(list, 0, sizeof *list);
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A log path relative to the table, or NULL for files elsewhere. */
static const char *relative_to(const char *table, const char *decoded) {
  const char *p = decoded;
  if (strncmp(p, "file://", 7) == 0) p += 7;
  else if (strncmp(p, "file:", 5) == 0) p += 5;
  if (p[0] != '/') return strstr(p, "://") ? NULL : p;
  size_t n = strlen(table);
  return strncmp(p, table, n) == 0 && p[n] == '/' ? p + n + 1 : NULL;
}

static bool keep_path(string_list *keep, const char *table, const char *decoded) {
  const char *rel = relative_to(table, decoded);
  return !rel || list_add(keep, rel);
}

/* The data file and its deletion vector file (which vacuum must not take
 * from a live file: its deleted rows would come back). */
static bool keep_file(string_list *keep, const char *table, const delta_file_action *file) {
  char *dv = NULL;
  if (delta_dv_file(&file->dv, &dv, NULL) != MD_OK) return false;
  bool ok = keep_path(keep, table, file->decoded_path) && (!dv || keep_path(keep, table, dv));
  free(dv);
  return ok;
}

/* The files some version in the window references. */
static md_code referenced_files(const md_delta_table *table, int64_t cutoff_ms, string_list *keep, md_error *err) {
  md_delta_history *history = NULL;
  md_code rc = md_delta_table_history(table, &history, err);
  if (rc != MD_OK) return rc;
  int64_t start = -1;
  for (int64_t i = 0; i < md_delta_history_count(history); i++) {
    md_delta_commit_info info;
    md_delta_history_entry(history, i, &info);
    if (info.timestamp >= 0 && info.timestamp <= cutoff_ms) start = info.version;
    if (start < 0 && i == 0) start = info.version; /* every version is in the window: from the oldest */
  }
  md_delta_history_free(history);
  if (start < 0) start = table->listing.latest_version;
  md_delta_snapshot *snapshot = NULL;
  rc = md_delta_snapshot_at_version(table, start, &snapshot, err);
  for (size_t i = 0; rc == MD_OK && i < snapshot->state.num_files; i++)
    if (!keep_file(keep, table->path, &snapshot->state.files[i]))
      rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_delta_snapshot_free(snapshot);
  for (int64_t v = start + 1; rc == MD_OK && v <= table->listing.latest_version; v++) {
    delta_commit commit;
    memset(&commit, 0, sizeof commit);
    rc = delta_log_commit_read(table->path, v, &commit, err);
    for (size_t i = 0; rc == MD_OK && i < commit.num_adds; i++)
      if (!keep_file(keep, table->path, &commit.adds[i]))
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    delta_commit_clear(&commit);
  }
  if (rc == MD_OK && keep->count) qsort(keep->items, keep->count, sizeof *keep->items, compare_strings);
  return rc;
}

/* Unreferenced regular files older than the cutoff, below dir (relative rel). */
static md_code find_garbage(const char *table, const char *rel, const string_list *keep, int64_t cutoff_ms,
                            string_list *out, int depth, md_error *err) {
  char dir_path[4400];
  snprintf(dir_path, sizeof dir_path, "%s%s%s", table, *rel ? "/" : "", rel);
  DIR *dir = opendir(dir_path);
  if (!dir) return md_error_set(err, MD_ERR_IO, "%s: %s", dir_path, strerror(errno));
  md_code rc = MD_OK;
  struct dirent *entry;
  while (rc == MD_OK && (entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    bool hidden = (name[0] == '.' || name[0] == '_') && !strchr(name, '='); /* "_c=1" is a partition */
    if (hidden) continue;
    char child_rel[4400], child_path[8900];
    snprintf(child_rel, sizeof child_rel, "%s%s%s", rel, *rel ? "/" : "", name);
    snprintf(child_path, sizeof child_path, "%s/%s", table, child_rel);
    struct stat st;
    if (lstat(child_path, &st) != 0) continue; /* removed meanwhile */
    if (S_ISDIR(st.st_mode)) {
      if (depth < 64) rc = find_garbage(table, child_rel, keep, cutoff_ms, out, depth + 1, err);
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    const char *key = child_rel;
    if (keep->count && bsearch(&key, keep->items, keep->count, sizeof *keep->items, compare_strings)) continue;
    int64_t mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (mtime_ms >= cutoff_ms) continue;
    if (!list_add(out, child_rel)) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  closedir(dir);
  return rc;
}

md_code md_delta_vacuum(const char *path, const md_delta_vacuum_options *options, md_delta_vacuum_result **out,
                        md_error *err) {
  md_delta_vacuum_options defaults = {0};
  const md_delta_vacuum_options *o = options ? options : &defaults;
  double hours = o->retain_zero ? 0.0 : o->retain_hours > 0 ? o->retain_hours : DEFAULT_RETAIN_HOURS;
  if (hours < DEFAULT_RETAIN_HOURS && !o->force)
    return md_error_set(err, MD_ERR_INVALID,
                        "%s: a retention of %g hours is below the minimum of %g hours (7 days): concurrent writers "
                        "and readers of older versions could lose files; force it to go below",
                        path, hours, DEFAULT_RETAIN_HOURS);
  md_delta_table *table = NULL;
  md_code rc = md_delta_table_open(path, &table, err);
  if (rc != MD_OK) return rc;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  int64_t now = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  int64_t cutoff = now - (int64_t)(hours * 3600.0 * 1000.0);
  string_list keep = {0}, garbage = {0};
  rc = referenced_files(table, cutoff, &keep, err);
  if (rc == MD_OK) rc = find_garbage(table->path, "", &keep, cutoff, &garbage, 0, err);
  if (rc == MD_OK && garbage.count) qsort(garbage.items, garbage.count, sizeof *garbage.items, compare_strings);
  for (size_t i = 0; rc == MD_OK && !o->dry_run && i < garbage.count; i++) {
    char full[8900];
    snprintf(full, sizeof full, "%s/%s", table->path, garbage.items[i]);
    if (unlink(full) != 0 && errno != ENOENT) rc = md_error_set(err, MD_ERR_IO, "%s: %s", full, strerror(errno));
  }
  list_clear(&keep);
  md_delta_table_free(table);
  md_delta_vacuum_result *result = rc == MD_OK ? calloc(1, sizeof *result) : NULL;
  if (rc == MD_OK && !result) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc != MD_OK) {
    list_clear(&garbage);
    return rc;
  }
  result->files = garbage.items;
  result->count = (int64_t)garbage.count;
  *out = result;
  return MD_OK;
}

int64_t md_delta_vacuum_count(const md_delta_vacuum_result *result) { return result ? result->count : 0; }

const char *md_delta_vacuum_file(const md_delta_vacuum_result *result, int64_t i) {
  return result && i >= 0 && i < result->count ? result->files[i] : NULL;
}

void md_delta_vacuum_result_free(md_delta_vacuum_result *result) {
  if (!result) return;
  for (int64_t i = 0; i < result->count; i++) free(result->files[i]);
  free(result->files);
  free(result);
}
