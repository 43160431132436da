/* dv_file.c — deletion vectors on disk: resolve a descriptor to its bytes
 * (inline, a UUID-named file next to the data, or an absolute path), check
 * them (version byte, size, CRC-32, cardinality) and decode; and write a new
 * DV file atomically for the writer.
 *
 * A DV file is a version byte (1) followed by DVs, each stored as a 4-byte
 * big-endian size, the bitmap bytes and a big-endian CRC-32 of those bytes;
 * the descriptor's offset points at the size. Only the bytes of the one DV
 * are read, never more than the file holds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "delta/deletion_vector.h"
#include "delta/log.h"
#include "delta/write.h"

static md_code nomem(md_error *err) { return md_error_set(err, MD_ERR_NOMEM, "out of memory"); }

md_code delta_local_path(const char *table_path, const char *decoded, char **out, md_error *err) {
  const char *p = decoded;
  if (strncmp(p, "file://", 7) == 0) p += 7;
  else if (strncmp(p, "file:", 5) == 0) p += 5;
  else if (strstr(p, "://"))
    return md_error_set(err, MD_ERR_UNSUPPORTED, "%s: only local files are supported", decoded);
  size_t n = strlen(table_path) + strlen(p) + 2;
  char *path = malloc(n);
  if (!path) return nomem(err);
  if (p[0] == '/') snprintf(path, n, "%s", p);
  else snprintf(path, n, "%s/%s", table_path, p);
  *out = path;
  return MD_OK;
}

/* 'u': <random prefix><20 z85 characters of the UUID's 16 bytes>; table_path
 * NULL gives the path relative to the table. */
static md_code uuid_path(const char *table_path, const char *text, char **out, md_error *err) {
  size_t len = strlen(text);
  if (len < 20) return md_error_set(err, MD_ERR_CORRUPT, "UUID deletion vector path '%s' is too short", text);
  uint8_t *b = NULL;
  size_t n = 0;
  md_code rc = delta_z85_decode(text + len - 20, 20, &b, &n, err);
  if (rc != MD_OK) return rc;
  delta_buf buf;
  delta_buf_init(&buf);
  if (table_path) delta_buf_printf(&buf, "%s/", table_path);
  if (len > 20) {
    delta_buf_append(&buf, text, len - 20);
    delta_buf_append_char(&buf, '/');
  }
  delta_buf_printf(&buf, "deletion_vector_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x.bin",
                   b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                   b[15]);
  free(b);
  *out = delta_buf_take(&buf, NULL);
  return *out ? MD_OK : nomem(err);
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static md_code read_exact(int fd, uint8_t *buf, size_t n, off_t at, md_error *err) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = pread(fd, buf + done, n - done, at + (off_t)done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return md_error_set(err, MD_ERR_IO, "read failed: %s", got < 0 ? strerror(errno) : "end of file");
    done += (size_t)got;
  }
  return MD_OK;
}

/* The bitmap bytes of the DV stored in file at offset. */
static md_code read_stored(const char *file, const delta_dv_descriptor *dv, uint8_t **out, size_t *len,
                           md_error *err) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return md_error_set(err, errno == ENOENT ? MD_ERR_NOT_FOUND : MD_ERR_IO, "cannot open: %s", strerror(errno));
  struct stat st;
  int64_t offset = dv->offset < 0 ? 1 : dv->offset;
  uint8_t head[4], version = 0;
  md_code rc = fstat(fd, &st) == 0 ? MD_OK : md_error_set(err, MD_ERR_IO, "stat failed: %s", strerror(errno));
  if (rc == MD_OK && (offset < 1 || offset > (int64_t)st.st_size - 8))
    rc = md_error_set(err, MD_ERR_CORRUPT, "offset %lld is outside the %lld-byte file", (long long)offset, (long long)st.st_size);
  if (rc == MD_OK) rc = read_exact(fd, &version, 1, 0, err);
  if (rc == MD_OK && version != 1) rc = md_error_set(err, MD_ERR_CORRUPT, "unknown format version %u", version);
  if (rc == MD_OK) rc = read_exact(fd, head, 4, (off_t)offset, err);
  int64_t size = rc == MD_OK ? be32(head) : 0;
  if (rc == MD_OK && dv->size_in_bytes >= 0 && size != dv->size_in_bytes)
    rc = md_error_set(err, MD_ERR_CORRUPT, "stored size %lld differs from sizeInBytes %lld", (long long)size, (long long)dv->size_in_bytes);
  if (rc == MD_OK && size > (int64_t)st.st_size - offset - 8)
    rc = md_error_set(err, MD_ERR_CORRUPT, "%lld bytes at offset %lld run past the %lld-byte file", (long long)size, (long long)offset, (long long)st.st_size);
  uint8_t *bytes = rc == MD_OK ? malloc((size_t)size + 4) : NULL;
  if (rc == MD_OK && !bytes) rc = nomem(err);
  if (rc == MD_OK) rc = read_exact(fd, bytes, (size_t)size + 4, (off_t)offset + 4, err);
  close(fd);
  if (rc == MD_OK) {
    uint32_t want = be32(bytes + size);
    uint32_t got = (uint32_t)crc32(crc32(0L, Z_NULL, 0), bytes, (uInt)size);
    if (want != got) rc = md_error_set(err, MD_ERR_CORRUPT, "checksum mismatch (stored %08x, computed %08x)", want, got);
  }
  if (rc != MD_OK) {
    free(bytes);
    return rc;
  }
  *out = bytes;
  *len = (size_t)size;
  return MD_OK;
}

md_code delta_dv_file(const delta_dv_descriptor *dv, char **out, md_error *err) {
  *out = NULL;
  if (dv->storage_type == 'u') return uuid_path(NULL, dv->path_or_inline, out, err);
  if (dv->storage_type == 'p') return delta_url_decode(dv->path_or_inline, out, err);
  return MD_OK;
}

md_code delta_dv_load(const char *table_path, const char *data_file, const delta_dv_descriptor *dv,
                      delta_row_set *out, md_error *err) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  char *file = NULL;
  md_code rc = MD_OK;
  if (dv->storage_type == 'i') {
    const char *text = dv->path_or_inline;
    rc = delta_z85_decode(text, strlen(text), &bytes, &len, err);
    if (rc == MD_OK && dv->size_in_bytes >= 0) {
      if ((size_t)dv->size_in_bytes > len)
        rc = md_error_set(err, MD_ERR_CORRUPT, "sizeInBytes %lld exceeds the %zu inline bytes", (long long)dv->size_in_bytes, len);
      else len = (size_t)dv->size_in_bytes;
    }
  } else if (dv->storage_type == 'u' || dv->storage_type == 'p') {
    if (dv->storage_type == 'u') {
      rc = uuid_path(table_path, dv->path_or_inline, &file, err);
    } else {
      char *decoded = NULL;
      rc = delta_url_decode(dv->path_or_inline, &decoded, err);
      if (rc == MD_OK) rc = delta_local_path(table_path, decoded, &file, err);
      free(decoded);
    }
    if (rc == MD_OK) rc = read_stored(file, dv, &bytes, &len, err);
  } else {
    rc = md_error_set(err, MD_ERR_CORRUPT, "unknown storageType '%c'", dv->storage_type);
  }
  if (rc == MD_OK) rc = delta_dv_decode_bitmap(bytes, len, out, err);
  if (rc == MD_OK && dv->cardinality >= 0 && out->cardinality != dv->cardinality)
    rc = md_error_set(err, MD_ERR_CORRUPT, "holds %lld rows, cardinality says %lld", (long long)out->cardinality,
                      (long long)dv->cardinality);
  if (rc != MD_OK) {
    delta_row_set_clear(out);
    if (file) md_error_context(err, "%s: data file %s: deletion vector %s", table_path, data_file, file);
    else md_error_context(err, "%s: data file %s: inline deletion vector", table_path, data_file);
  }
  free(file);
  free(bytes);
  return rc;
}

static int hex_digit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

void delta_dv_descriptor_append_json(delta_buf *buf, const delta_dv_descriptor *dv) {
  delta_buf_printf(buf, ",\"deletionVector\":{\"storageType\":\"%c\",\"pathOrInlineDv\":", dv->storage_type);
  delta_json_write_string(buf, dv->path_or_inline, strlen(dv->path_or_inline));
  if (dv->offset >= 0) delta_buf_printf(buf, ",\"offset\":%lld", (long long)dv->offset);
  delta_buf_printf(buf, ",\"sizeInBytes\":%lld,\"cardinality\":%lld}", (long long)dv->size_in_bytes,
                   (long long)dv->cardinality);
}

md_code delta_dv_write(const char *table_path, const delta_row_set *rows, delta_dv_descriptor *out, char **file_out,
                       md_error *err) {
  char uuid[37];
  delta_random_uuid(uuid);
  uint8_t id[16];
  for (int i = 0, k = 0; i < 36; i++) {
    if (uuid[i] == '-') continue;
    if (k % 2 == 0) id[k / 2] = (uint8_t)(hex_digit(uuid[i]) << 4);
    else id[k / 2] |= (uint8_t)hex_digit(uuid[i]);
    k++;
  }
  delta_buf file;
  delta_buf_init(&file);
  uint8_t head[5] = {1, 0, 0, 0, 0};
  delta_buf_append(&file, head, 5);
  delta_dv_encode_bitmap(rows, &file);
  size_t size = file.len - 5;
  uint8_t tail[4];
  if (!delta_buf_failed(&file)) {
    put_be32((uint8_t *)file.data + 1, (uint32_t)size);
    put_be32(tail, (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const uint8_t *)file.data + 5, (uInt)size));
    delta_buf_append(&file, tail, 4);
  }
  delta_buf z85, path, temp;
  delta_buf_init(&z85);
  delta_buf_init(&path);
  delta_buf_init(&temp);
  delta_z85_encode(id, 16, &z85);
  delta_buf_printf(&path, "%s/deletion_vector_%s.bin", table_path, uuid);
  delta_buf_printf(&temp, "%s/.deletion_vector_%s.bin.tmp", table_path, uuid);
  md_code rc = delta_buf_failed(&file) || delta_buf_failed(&z85) || delta_buf_failed(&path) || delta_buf_failed(&temp)
                   ? nomem(err)
                   : MD_OK;
  if (rc == MD_OK) {
    int fd = open(temp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) rc = md_error_set(err, MD_ERR_IO, "%s: cannot create: %s", temp.data, strerror(errno));
    size_t done = 0;
    while (rc == MD_OK && done < file.len) {
      ssize_t put = write(fd, file.data + done, file.len - done);
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) rc = md_error_set(err, MD_ERR_IO, "%s: write failed: %s", temp.data, strerror(errno));
      else done += (size_t)put;
    }
    if (rc == MD_OK && fsync(fd) != 0) rc = md_error_set(err, MD_ERR_IO, "%s: fsync failed: %s", temp.data, strerror(errno));
    if (fd >= 0 && close(fd) != 0 && rc == MD_OK) rc = md_error_set(err, MD_ERR_IO, "%s: close failed", temp.data);
    if (rc == MD_OK && rename(temp.data, path.data) != 0)
      rc = md_error_set(err, MD_ERR_IO, "%s: rename failed: %s", path.data, strerror(errno));
    if (rc != MD_OK) unlink(temp.data);
  }
  if (rc == MD_OK) {
    memset(out, 0, sizeof *out);
    out->storage_type = 'u';
    out->path_or_inline = delta_buf_take(&z85, NULL);
    out->offset = 1;
    out->size_in_bytes = (int64_t)size;
    out->cardinality = rows->cardinality;
    *file_out = delta_buf_take(&path, NULL);
    if (!out->path_or_inline || !*file_out) rc = nomem(err);
  }
  delta_buf_free(&file);
  delta_buf_free(&z85);
  delta_buf_free(&path);
  delta_buf_free(&temp);
  return rc;
}
