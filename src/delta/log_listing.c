/* log_listing.c — list <table>/_delta_log: which commit versions exist and
 * which checkpoints are complete.
 *
 * The listing, not _last_checkpoint, is the truth: _last_checkpoint is only a
 * hint and may be stale (a writer can die between writing a checkpoint and
 * updating it), so we never depend on it. Multi-part checkpoints count only
 * when every part is present, since a reader of a partial one would silently
 * lose files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/log.h"

void delta_commit_file_name(int64_t version, char *buf, size_t size) {
  snprintf(buf, size, "%020lld.json", (long long)version);
}

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

static int64_t parse_digits(const char *s, size_t n) {
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (v > (INT64_MAX - 9) / 10) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

typedef struct found_checkpoint {
  int64_t version;
  delta_checkpoint_kind kind;
  int32_t part;
  int32_t parts;
  char *name;
} found_checkpoint;

static int compare_found(const void *a, const void *b) {
  const found_checkpoint *x = a, *y = b;
  if (x->version != y->version) return x->version < y->version ? -1 : 1;
  if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
  if (x->parts != y->parts) return x->parts - y->parts;
  if (x->part != y->part) return x->part - y->part;
  return strcmp(x->name, y->name);
}

typedef struct commit_entry {
  int64_t version;
  int64_t mtime_ms;
} commit_entry;

static int compare_commits(const void *a, const void *b) {
  const commit_entry *x = a, *y = b;
  return x->version < y->version ? -1 : x->version > y->version;
}

void delta_log_listing_clear(delta_log_listing *listing) {
  free(listing->commit_versions);
  free(listing->commit_mtimes_ms);
  for (size_t i = 0; i < listing->num_checkpoints; i++) {
    for (size_t j = 0; j < listing->checkpoints[i].num_files; j++) free(listing->checkpoints[i].files[j]);
    free(listing->checkpoints[i].files);
  }
  free(listing->checkpoints);
  memset(listing, 0, sizeof *listing);
}

bool delta_log_has_commit(const delta_log_listing *listing, int64_t version) {
  size_t lo = 0, hi = listing->num_commits;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (listing->commit_versions[mid] == version) return true;
    if (listing->commit_versions[mid] < version) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/* Classifies one file name; returns true for a checkpoint (filling *cp). */
static bool classify_checkpoint(const char *name, found_checkpoint *cp) {
  size_t n = strlen(name);
  if (n < 20 + 12 || !all_digits(name, 20) || strncmp(name + 20, ".checkpoint.", 12) != 0) return false;
  cp->version = parse_digits(name, 20);
  cp->part = 1;
  cp->parts = 1;
  const char *rest = name + 32;
  size_t rest_len = n - 32;
  if (strcmp(rest, "parquet") == 0) {
    cp->kind = DELTA_CHECKPOINT_CLASSIC;
    return true;
  }
  if (rest_len == 10 + 1 + 10 + 8 && all_digits(rest, 10) && rest[10] == '.' && all_digits(rest + 11, 10) &&
      strcmp(rest + 21, ".parquet") == 0) {
    cp->kind = DELTA_CHECKPOINT_MULTI_PART;
    cp->part = (int32_t)parse_digits(rest, 10);
    cp->parts = (int32_t)parse_digits(rest + 11, 10);
    return cp->part >= 1 && cp->parts >= 1 && cp->part <= cp->parts;
  }
  if (ends_with(rest, ".json") || ends_with(rest, ".parquet")) {
    cp->kind = DELTA_CHECKPOINT_UUID;
    return true;
  }
  return false;
}

/* Keeps only complete checkpoints: a classic or UUID file alone, or every part
 * 1..n of a multi-part set with the same n. */
static md_code gather_checkpoints(found_checkpoint *found, size_t count, delta_log_listing *out, md_error *err) {
  if (count == 0) return MD_OK;
  qsort(found, count, sizeof *found, compare_found);
  out->checkpoints = calloc(count, sizeof *out->checkpoints);
  if (!out->checkpoints) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < count;) {
    size_t j = i + 1;
    if (found[i].kind == DELTA_CHECKPOINT_MULTI_PART) {
      while (j < count && found[j].version == found[i].version && found[j].kind == found[i].kind &&
             found[j].parts == found[i].parts)
        j++;
      bool complete = (int64_t)(j - i) == found[i].parts;
      for (size_t k = i; complete && k < j; k++) complete = found[k].part == (int32_t)(k - i + 1);
      if (!complete) {
        i = j;
        continue;
      }
    }
    delta_checkpoint *cp = &out->checkpoints[out->num_checkpoints];
    cp->files = calloc(j - i, sizeof *cp->files);
    if (!cp->files) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    out->num_checkpoints++;
    cp->version = found[i].version;
    cp->kind = found[i].kind;
    cp->parts = found[i].parts;
    for (size_t k = i; k < j; k++) {
      cp->files[k - i] = found[k].name;
      found[k].name = NULL;
    }
    cp->num_files = j - i;
    i = j;
  }
  return MD_OK;
}

md_code delta_log_list(const char *table_path, delta_log_listing *out, md_error *err) {
  char log_dir[4096];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table_path);
  DIR *dir = opendir(log_dir);
  if (!dir) {
    if (errno == ENOENT || errno == ENOTDIR)
      return md_error_set(err, MD_ERR_NOT_FOUND, "%s: not a Delta table (no _delta_log)", table_path);
    return md_error_set(err, MD_ERR_IO, "%s: %s", log_dir, strerror(errno));
  }
  delta_log_listing listing;
  memset(&listing, 0, sizeof listing);
  commit_entry *commits = NULL;
  size_t num_commits = 0, cap_commits = 0;
  found_checkpoint *found = NULL;
  size_t num_found = 0, cap_found = 0;
  md_code rc = MD_OK;
  struct dirent *entry;
  while (rc == MD_OK && (entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    size_t n = strlen(name);
    found_checkpoint cp;
    if (n == 25 && all_digits(name, 20) && strcmp(name + 20, ".json") == 0) {
      if (num_commits == cap_commits) {
        cap_commits = cap_commits ? cap_commits * 2 : 64;
        commit_entry *grown = realloc(commits, cap_commits * sizeof *grown);
        if (!grown) {
          rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
          break;
        }
        commits = grown;
      }
      char path[4400];
      snprintf(path, sizeof path, "%s/%s", log_dir, name);
      struct stat st;
      int64_t mtime = stat(path, &st) == 0 ? (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 : -1;
      commits[num_commits].version = parse_digits(name, 20);
      commits[num_commits].mtime_ms = mtime;
      num_commits++;
    } else if (classify_checkpoint(name, &cp)) {
      if (num_found == cap_found) {
        cap_found = cap_found ? cap_found * 2 : 16;
        found_checkpoint *grown = realloc(found, cap_found * sizeof *grown);
        if (!grown) {
          rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
          break;
        }
        found = grown;
      }
      cp.name = strdup(name);
      if (!cp.name) {
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      found[num_found++] = cp;
    }
  }
  closedir(dir);
  if (rc == MD_OK) rc = gather_checkpoints(found, num_found, &listing, err);
  for (size_t i = 0; i < num_found; i++) free(found[i].name);
  free(found);
  if (rc == MD_OK && num_commits) {
    qsort(commits, num_commits, sizeof *commits, compare_commits);
    listing.commit_versions = malloc(num_commits * sizeof(int64_t));
    listing.commit_mtimes_ms = malloc(num_commits * sizeof(int64_t));
    if (!listing.commit_versions || !listing.commit_mtimes_ms) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MD_OK && i < num_commits; i++) {
      listing.commit_versions[i] = commits[i].version;
      listing.commit_mtimes_ms[i] = commits[i].mtime_ms;
    }
    listing.num_commits = num_commits;
  }
  free(commits);
  if (rc == MD_OK && listing.num_commits == 0 && listing.num_checkpoints == 0)
    rc = md_error_set(err, MD_ERR_NOT_FOUND, "%s: not a Delta table (_delta_log has no commits)", table_path);
  if (rc != MD_OK) {
    delta_log_listing_clear(&listing);
    return rc;
  }
  listing.latest_version = -1;
  if (listing.num_commits) listing.latest_version = listing.commit_versions[listing.num_commits - 1];
  if (listing.num_checkpoints && listing.checkpoints[listing.num_checkpoints - 1].version > listing.latest_version)
    listing.latest_version = listing.checkpoints[listing.num_checkpoints - 1].version;
  *out = listing;
  return MD_OK;
}

md_code delta_read_file(const char *path, size_t max_bytes, char **out, size_t *len, md_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    md_code code = errno == ENOENT ? MD_ERR_NOT_FOUND : MD_ERR_IO;
    return md_error_set(err, code, "%s: %s", path, strerror(errno));
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
    fclose(f);
    return md_error_set(err, MD_ERR_IO, "%s: cannot stat", path);
  }
  if ((uint64_t)st.st_size > max_bytes) {
    fclose(f);
    return md_error_set(err, MD_ERR_NOMEM, "%s: %lld bytes is more than the limit of %zu", path,
                        (long long)st.st_size, max_bytes);
  }
  size_t size = (size_t)st.st_size;
  char *data = malloc(size + 1);
  if (!data) {
    fclose(f);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", path);
  }
  size_t got = fread(data, 1, size, f);
  bool failed = ferror(f) != 0;
  fclose(f);
  if (failed || got != size) {
    free(data);
    return md_error_set(err, MD_ERR_IO, "%s: short read", path);
  }
  data[size] = '\0';
  *out = data;
  *len = size;
  return MD_OK;
}
