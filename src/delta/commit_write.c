/* commit_write.c — publish one commit file atomically.
 *
 * Delta's only concurrency control on a local file system is that a version's
 * file is created exactly once. rename() would silently replace a concurrent
 * writer's commit, so we write a temporary file, fsync it, and link() it to
 * the final name: link fails with EEXIST when another writer got there first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delta/log.h"

md_code delta_commit_publish(const char *table_path, int64_t version, const char *text, size_t len, md_error *err) {
  char log_dir[4200], final_path[4300], temp_path[4300], name[64];
  snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table_path);
  if (mkdir(log_dir, 0777) != 0 && errno != EEXIST) return md_error_set(err, MD_ERR_IO, "%s: %s", log_dir, strerror(errno));
  delta_commit_file_name(version, name, sizeof name);
  snprintf(final_path, sizeof final_path, "%s/%s", log_dir, name);
  snprintf(temp_path, sizeof temp_path, "%s/.%s.%ld.tmp", log_dir, name, (long)getpid());
  int fd = open(temp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0) return md_error_set(err, MD_ERR_IO, "%s: %s", temp_path, strerror(errno));
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, text + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  bool ok = done == len && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    unlink(temp_path);
    return md_error_set(err, MD_ERR_IO, "%s: write failed", temp_path);
  }
  int rc = link(temp_path, final_path);
  int link_errno = errno;
  unlink(temp_path);
  if (rc != 0 && link_errno == EEXIST)
    return md_error_set(err, MD_ERR_INVALID, "%s: version %lld was committed concurrently", table_path, (long long)version);
  if (rc != 0) return md_error_set(err, MD_ERR_IO, "%s: %s", final_path, strerror(link_errno));
  int dir_fd = open(log_dir, O_RDONLY);
  if (dir_fd >= 0) {
    fsync(dir_fd); /* make the new name durable; failure here does not undo the commit */
    close(dir_fd);
  }
  return MD_OK;
}
