/* reader.c — the public Parquet reader: open (file or memory), footer, schema,
 * leaf and chunk metadata (row groups are read in row_group_read.c).
 *
 * Files are mapped read-only so that uncompressed pages are decoded in place;
 * memory sources (the fuzzer, tests) use the caller's bytes the same way. The
 * footer is parsed once at open; row groups are read on demand. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet/reader_internal.h"

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Finds and parses the footer: ... <FileMetaData> <u32 length> "PAR1". */
static md_code open_footer(md_parquet_reader *r, md_error *err) {
  const uint8_t *d = r->data;
  size_t size = r->size;
  if (size < 12) return md_error_set(err, MD_ERR_CORRUPT, "not a Parquet file (%zu bytes)", size);
  if (memcmp(d + size - 4, "PARE", 4) == 0)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "encrypted Parquet footer");
  if (memcmp(d + size - 4, "PAR1", 4) != 0)
    return md_error_set(err, MD_ERR_CORRUPT, "not a Parquet file (no PAR1 magic at the end)");
  /* The leading magic is not checked: many readers ignore it, and nothing
   * depends on it. */
  uint32_t footer = (uint32_t)d[size - 8] | (uint32_t)d[size - 7] << 8 | (uint32_t)d[size - 6] << 16 |
                    (uint32_t)d[size - 5] << 24;
  if (footer == 0 || footer > size - 12)
    return md_error_set(err, MD_ERR_CORRUPT, "footer length %u does not fit a %zu-byte file", footer, size);
  md_code rc = pq_parse_file_meta(d + size - 8 - footer, footer, &r->meta, err);
  if (rc) return rc;
  if (r->meta.encrypted) return md_error_set(err, MD_ERR_UNSUPPORTED, "encrypted Parquet file");
  rc = pq_schema_map_build(&r->meta, MD_NANO, &r->map, err);
  if (rc) return rc;
  for (uint32_t g = 0; g < r->meta.num_row_groups; g++) {
    const pq_row_group *rg = &r->meta.row_groups[g];
    if (rg->num_columns != (uint32_t)r->map.num_leaves)
      return md_error_set(err, MD_ERR_CORRUPT, "row group %u has %u column chunks for %d leaf columns", g,
                          rg->num_columns, r->map.num_leaves);
    for (uint32_t c = 0; c < rg->num_columns; c++) {
      if (rg->columns[c].has_file_path)
        return md_error_set(err, MD_ERR_UNSUPPORTED, "row group %u: column %s is stored in another file", g,
                            r->map.leaves[c].path);
      if (!rg->columns[c].has_meta)
        return md_error_set(err, MD_ERR_CORRUPT, "row group %u: column %s has no metadata", g,
                            r->map.leaves[c].path);
    }
  }
  /* A chunk may claim at most this many values: generous for real files (4096
   * values per file byte; a constant column RLE-encodes ~1000 values per byte
   * including page headers), yet it keeps a forged count in a small file from
   * allocating gigabytes. */
  r->view.data = d;
  r->view.size = size;
  int64_t limit = (int64_t)size * 4096;
  r->view.rows_limit = limit < (1 << 20) ? (1 << 20) : limit;
  return MD_OK;
}

static md_code finish_open(md_parquet_reader *r, md_parquet_reader **out, md_error *err) {
  md_code rc = open_footer(r, err);
  if (rc) {
    md_error_context(err, "%s", r->name);
    md_parquet_reader_free(r);
    return rc;
  }
  *out = r;
  return MD_OK;
}

static md_parquet_reader *reader_new(const char *name) {
  md_parquet_reader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->name = strdup(name ? name : "<memory>");
  if (!r->name || pthread_mutex_init(&r->pool_lock, NULL) != 0) {
    free(r->name);
    free(r);
    return NULL;
  }
  atomic_init(&r->active_reads, 0);
  return r;
}

md_code md_parquet_reader_open(const char *path, md_parquet_reader **out, md_error *err) {
  if (!path || !out) return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_open: NULL argument");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    md_code code = errno == ENOENT ? MD_ERR_NOT_FOUND : MD_ERR_IO;
    return md_error_set(err, code, "%s: %s", path, strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    md_error_set(err, MD_ERR_IO, "%s: %s", path, strerror(errno));
    close(fd);
    return MD_ERR_IO;
  }
  md_parquet_reader *r = reader_new(base_name(path));
  if (!r) {
    close(fd);
    return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", path);
  }
  if (st.st_size > 0) {
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      md_error_set(err, MD_ERR_IO, "%s: mmap: %s", path, strerror(errno));
      close(fd);
      md_parquet_reader_free(r);
      return MD_ERR_IO;
    }
    r->mapping = map;
    r->data = map;
    r->size = (size_t)st.st_size;
  } else {
    static const uint8_t empty[1] = {0};
    r->data = empty;
    r->size = 0;
  }
  close(fd);
  return finish_open(r, out, err);
}

md_code md_parquet_reader_open_memory(const uint8_t *data, size_t size, const char *name, md_parquet_reader **out,
                                      md_error *err) {
  if ((!data && size) || !out) return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_open_memory: NULL argument");
  md_parquet_reader *r = reader_new(name);
  if (!r) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  static const uint8_t empty[1] = {0};
  r->data = data ? data : empty;
  r->size = size;
  return finish_open(r, out, err);
}

void md_parquet_reader_free(md_parquet_reader *r) {
  if (!r) return;
  pq_schema_map_free(&r->map);
  pq_file_meta_free(&r->meta);
  if (r->mapping) munmap(r->mapping, r->size);
  for (int i = 0; i < r->pool_size; i++) pq_read_buffers_free(r->pool[i]);
  pthread_mutex_destroy(&r->pool_lock);
  free(r->name);
  free(r);
}

const md_schema *md_parquet_reader_schema(const md_parquet_reader *r) { return r->map.schema; }

md_code md_parquet_reader_set_int96_unit(md_parquet_reader *r, md_time_unit unit, md_error *err) {
  if (!r || unit < MD_SECOND || unit > MD_NANO)
    return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_set_int96_unit: bad argument");
  pq_schema_map map;
  md_code rc = pq_schema_map_build(&r->meta, unit, &map, err);
  if (rc) return md_error_context(err, "%s", r->name);
  pq_schema_map_free(&r->map);
  r->map = map;
  return MD_OK;
}
int64_t md_parquet_reader_num_rows(const md_parquet_reader *r) { return r->meta.num_rows; }
int md_parquet_reader_num_row_groups(const md_parquet_reader *r) { return (int)r->meta.num_row_groups; }
const char *md_parquet_reader_created_by(const md_parquet_reader *r) { return r->meta.created_by; }
int md_parquet_reader_num_leaves(const md_parquet_reader *r) { return r->map.num_leaves; }

int64_t md_parquet_reader_row_group_num_rows(const md_parquet_reader *r, int row_group) {
  if (row_group < 0 || (uint32_t)row_group >= r->meta.num_row_groups) return -1;
  return r->meta.row_groups[row_group].num_rows;
}

md_code md_parquet_reader_leaf(const md_parquet_reader *r, int leaf, md_parquet_leaf_info *out, md_error *err) {
  if (!r || !out || leaf < 0 || leaf >= r->map.num_leaves)
    return md_error_set(err, MD_ERR_INVALID, "%s: leaf %d out of range", r ? r->name : "?", leaf);
  const pq_leaf *l = &r->map.leaves[leaf];
  out->path = l->path;
  out->top_level_field = l->top_level;
  out->physical_type = pq_physical_type_name(l->physical);
  out->logical_type = l->logical_name;
  out->type_length = l->physical == PQ_FIXED_LEN_BYTE_ARRAY ? l->type_length : 0;
  out->max_definition_level = l->max_def;
  out->max_repetition_level = l->max_rep;
  out->type = l->type;
  return MD_OK;
}

md_code md_parquet_reader_chunk(const md_parquet_reader *r, int row_group, int leaf, md_parquet_chunk_info *out,
                                md_error *err) {
  if (!r || !out) return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_chunk: NULL argument");
  if (row_group < 0 || (uint32_t)row_group >= r->meta.num_row_groups || leaf < 0 || leaf >= r->map.num_leaves)
    return md_error_set(err, MD_ERR_INVALID, "%s: row group %d / leaf %d out of range", r->name, row_group, leaf);
  const pq_column_meta *m = &r->meta.row_groups[row_group].columns[leaf].meta;
  memset(out, 0, sizeof *out);
  out->codec = (md_parquet_codec)m->codec;
  out->num_values = m->num_values;
  out->total_compressed_size = m->total_compressed_size;
  out->total_uncompressed_size = m->total_uncompressed_size;
  size_t used = 0;
  for (int e = 0; e < 32; e++) {
    if (!(m->encodings_mask & (1u << e))) continue;
    const char *name = pq_encoding_name(e);
    int n = snprintf(out->encodings + used, sizeof out->encodings - used, "%s%s", used ? "," : "", name);
    if (n < 0 || (size_t)n >= sizeof out->encodings - used) break;
    used += (size_t)n;
  }
  parquet_chunk_statistics(&r->map.leaves[leaf], m, out);
  return MD_OK;
}
