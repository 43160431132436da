/* commit_write.c — publish one commit file atomically.
 *
 * Delta's only concurrency control on a local file system is that a version's
 * file is created exactly once. rename() would silently replace a concurrent
 * writer's commit, so we write a temporary file, fsync it, and link() it to
 * the final name: link fails with EEXIST when another writer got there first.
 *
 * The first commit of a new table also creates _delta_log. Made with mkdir
 * and then filled, a kill in between would leave a log with no commit, which
 * readers reject as "not a Delta table". So version 0 is written into a
 * private directory that is renamed to _delta_log whole: the log appears
 * with its first commit or not at all. rename() of a directory fails when the
 * target is a non-empty directory, i.e. when another writer got there first;
 * then the ordinary link() path decides. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delta/log.h"

/* Writes text to path (created exclusively) and fsyncs it. */
static bool write_synced(const char *path, const char *text, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, text + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  bool ok = done == len && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok) unlink(path);
  return ok;
}

static void fsync_dir(const char *dir) {
  int dir_fd = open(dir, O_RDONLY);
  if (dir_fd >= 0) {
    fsync(dir_fd); /* make new names durable; failure here does not undo the commit */
    close(dir_fd);
  }
}

/* Version 0 of a table without a log: the log directory appears with the
 * commit in it. *published is false when the log exists by now (the caller
 * then links into it as for any other version). */
static md_code publish_new_log(const char *table_path, const char *log_dir, const char *name, const char *text,
                               size_t len, bool *published, md_error *err) {
  char staging[4300], staged[4400];
  *published = false;
  /* Unique per process and thread (the buffer's stack address differs per
   * live thread); mkdir rather than mkdtemp so the umask decides the mode. */
  int made = -1;
  for (int attempt = 0; attempt < 100 && made != 0; attempt++) {
    snprintf(staging, sizeof staging, "%s/._delta_log.%ld.%lx.%d.tmp", table_path, (long)getpid(),
             (unsigned long)(uintptr_t)staging, attempt);
    made = mkdir(staging, 0777);
    if (made != 0 && errno != EEXIST) break;
  }
  if (made != 0) return md_error_set(err, MD_ERR_IO, "%s: %s", staging, strerror(errno));
  snprintf(staged, sizeof staged, "%s/%s", staging, name);
  if (!write_synced(staged, text, len)) {
    rmdir(staging);
    return md_error_set(err, MD_ERR_IO, "%s: write failed", staged);
  }
  fsync_dir(staging);
  if (rename(staging, log_dir) == 0) {
    *published = true;
    fsync_dir(table_path);
    return MD_OK;
  }
  int rename_errno = errno;
  unlink(staged);
  rmdir(staging);
  if (rename_errno == ENOTEMPTY || rename_errno == EEXIST) return MD_OK;
  return md_error_set(err, MD_ERR_IO, "%s: %s", log_dir, strerror(rename_errno));
}

md_code delta_commit_publish(const char *table_path, int64_t version, const char *text, size_t len, md_error *err) {
  char log_dir[4200], final_path[4300], temp_path[4300], name[64];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table_path);
  delta_commit_file_name(version, name, sizeof name);
  struct stat st;
  if (version == 0 && stat(log_dir, &st) != 0 && errno == ENOENT) {
    bool published = false;
    md_code rc = publish_new_log(table_path, log_dir, name, text, len, &published, err);
    if (rc != MD_OK || published) return rc;
  }
  if (mkdir(log_dir, 0777) != 0 && errno != EEXIST) return md_error_set(err, MD_ERR_IO, "%s: %s", log_dir, strerror(errno));
  snprintf(final_path, sizeof final_path, "%s/%s", log_dir, name);
  snprintf(temp_path, sizeof temp_path, "%s/.%s.%ld.tmp", log_dir, name, (long)getpid());
  if (!write_synced(temp_path, text, len)) return md_error_set(err, MD_ERR_IO, "%s: write failed", temp_path);
  int rc = link(temp_path, final_path);
  int link_errno = errno;
  unlink(temp_path);
  if (rc != 0 && link_errno == EEXIST)
    return md_error_set(err, MD_ERR_INVALID, "%s: version %lld was committed concurrently", table_path, (long long)version);
  if (rc != 0) return md_error_set(err, MD_ERR_IO, "%s: %s", final_path, strerror(link_errno));
  fsync_dir(log_dir);
  return MD_OK;
}
