/* write_files.c — a write's data files: rows split by partition values into
 * Hive-style directories, one Parquet file per partition, each with an add
 * action carrying its partition values and statistics.
 *
 * Rows are grouped by sorting (partition key, row) so each partition's rows
 * keep their input order; runs of adjacent rows are copied as slices. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "delta/write.h"
#include "medallion/parquet.h"

typedef struct partition_group {
  char **values; /* per partition column, NULL for null */
  md_batch **parts;
  size_t num_parts;
} partition_group;

typedef struct splitter {
  const md_schema *data_schema;
  md_schema *file_schema;   /* data columns without the partition columns */
  int *partition_index;     /* partition column -> data field */
  size_t num_partition;
  char *const *partition_columns;
  partition_group *groups;
  size_t num_groups;
} splitter;

typedef struct row_key {
  char *key;
  int64_t row;
} row_key;

void delta_random_uuid(char out[37]) {
  unsigned char b[16] = {0};
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, b, sizeof b) != (ssize_t)sizeof b) memset(b, 0, sizeof b);
    close(fd);
  }
  struct timeval tv;
  gettimeofday(&tv, NULL);
  b[0] ^= (unsigned char)tv.tv_usec; /* never all zero even without /dev/urandom */
  b[1] ^= (unsigned char)getpid();
  b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
           b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static void splitter_clear(splitter *sp) {
  for (size_t g = 0; g < sp->num_groups; g++) {
    for (size_t k = 0; k < sp->num_partition; k++) free(sp->groups[g].values[k]);
    free(sp->groups[g].values);
    for (size_t i = 0; i < sp->groups[g].num_parts; i++) md_batch_free(sp->groups[g].parts[i]);
    free(sp->groups[g].parts);
  }
  free(sp->groups);
  free(sp->partition_index);
  md_schema_free(sp->file_schema);
}

static bool same_values(char *const *a, char *const *b, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (!a[k] != !b[k]) return false;
    if (a[k] && strcmp(a[k], b[k]) != 0) return false;
  }
  return true;
}

/* The group for values (taking ownership of values either way). */
static md_code group_for(splitter *sp, char **values, partition_group **out, md_error *err) {
  for (size_t g = 0; g < sp->num_groups; g++) {
    if (same_values(sp->groups[g].values, values, sp->num_partition)) {
      for (size_t k = 0; k < sp->num_partition; k++) free(values[k]);
      free(values);
      *out = &sp->groups[g];
      return MD_OK;
    }
  }
  partition_group *grown = realloc(sp->groups, (sp->num_groups + 1) * sizeof *grown);
  if (!grown) {
    for (size_t k = 0; k < sp->num_partition; k++) free(values[k]);
    free(values);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  sp->groups = grown;
  memset(&sp->groups[sp->num_groups], 0, sizeof *grown);
  sp->groups[sp->num_groups].values = values;
  *out = &sp->groups[sp->num_groups++];
  return MD_OK;
}

static md_code group_add(partition_group *group, md_batch *part, md_error *err) {
  md_batch **grown = realloc(group->parts, (group->num_parts + 1) * sizeof *grown);
  if (!grown) {
    md_batch_free(part);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  group->parts = grown;
  group->parts[group->num_parts++] = part;
  return MD_OK;
}

static bool is_partition_field(const splitter *sp, int field) {
  for (size_t k = 0; k < sp->num_partition; k++)
    if (sp->partition_index[k] == field) return true;
  return false;
}

/* The rows keys[from..to) (one partition) of batch as a batch of the file schema. */
static md_code take_rows(const splitter *sp, const md_batch *batch, const row_key *keys, size_t from, size_t to,
                         md_batch **out, md_error *err) {
  int n = md_schema_num_fields(sp->file_schema);
  md_column **columns = calloc((size_t)n + 1, sizeof *columns);
  if (!columns) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int64_t *rows = malloc((to - from + 1) * sizeof *rows);
  md_code rc = rows ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t i = from; rows && i < to; i++) rows[i - from] = keys[i].row;
  int c = 0;
  for (int f = 0; rc == MD_OK && f < md_batch_num_columns(batch); f++) {
    if (is_partition_field(sp, f)) continue;
    /* One gather per column (an empty copy of src gives the column's shape). */
    const md_column *src = md_batch_column(batch, f);
    rc = md_column_slice_copy(src, 0, 0, &columns[c], err);
    if (rc == MD_OK) rc = md_column_append_rows(columns[c], src, rows, (int64_t)(to - from), err);
    c++;
  }
  md_schema *schema = rc == MD_OK ? md_schema_copy(sp->file_schema) : NULL;
  if (rc == MD_OK && !schema) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    rc = md_batch_new(schema, columns, n, out, err);
  } else {
    for (int i = 0; i < n; i++) md_column_free(columns[i]);
  }
  free(rows);
  free(columns);
  return rc;
}

static int compare_row_keys(const void *a, const void *b) {
  const row_key *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* A sortable key of a row's partition values: per column "\x01" for null or
 * "\x02" + text, then "\x03" (texts are UTF-8 without those bytes in practice;
 * a collision would only merge two groups' sort runs, not their values). */
static md_code split_batch(splitter *sp, const md_batch *batch, md_error *err) {
  int64_t rows = md_batch_num_rows(batch);
  if (rows == 0) return MD_OK;
  row_key *keys = calloc((size_t)rows, sizeof *keys);
  if (!keys) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  delta_buf buf;
  delta_buf_init(&buf);
  for (int64_t r = 0; rc == MD_OK && r < rows; r++) {
    delta_buf_reset(&buf);
    for (size_t k = 0; rc == MD_OK && k < sp->num_partition; k++) {
      char *text = NULL;
      rc = delta_partition_value_format(md_batch_column(batch, sp->partition_index[k]), r, &text, err);
      if (rc != MD_OK) break;
      delta_buf_append_char(&buf, text ? '\x02' : '\x01');
      if (text) delta_buf_append_str(&buf, text);
      delta_buf_append_char(&buf, '\x03');
      free(text);
    }
    keys[r].row = r;
    keys[r].key = rc == MD_OK && !delta_buf_failed(&buf) ? strdup(buf.data ? buf.data : "") : NULL;
    if (rc == MD_OK && !keys[r].key) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  delta_buf_free(&buf);
  if (rc == MD_OK) qsort(keys, (size_t)rows, sizeof *keys, compare_row_keys);
  for (size_t i = 0; rc == MD_OK && i < (size_t)rows;) {
    size_t j = i + 1;
    while (j < (size_t)rows && strcmp(keys[j].key, keys[i].key) == 0) j++;
    char **values = calloc(sp->num_partition + 1, sizeof *values);
    if (!values) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    for (size_t k = 0; rc == MD_OK && k < sp->num_partition; k++)
      rc = delta_partition_value_format(md_batch_column(batch, sp->partition_index[k]), keys[i].row, &values[k], err);
    partition_group *group = NULL;
    if (rc == MD_OK) {
      rc = group_for(sp, values, &group, err);
    } else if (values) {
      for (size_t k = 0; k < sp->num_partition; k++) free(values[k]);
      free(values);
    }
    md_batch *part = NULL;
    if (rc == MD_OK) rc = take_rows(sp, batch, keys, i, j, &part, err);
    if (rc == MD_OK) rc = group_add(group, part, err);
    i = j;
  }
  for (int64_t r = 0; r < rows; r++) free(keys[r].key);
  free(keys);
  return rc;
}

/* mkdir -p of path's directory part below the table. */
static md_code make_dirs(char *path, size_t table_len, md_error *err) {
  for (char *p = path + table_len + 1; (p = strchr(p, '/')) != NULL; p++) {
    *p = '\0';
    int rc = mkdir(path, 0777);
    int e = errno;
    *p = '/';
    if (rc != 0 && e != EEXIST) return md_error_set(err, MD_ERR_IO, "%s: %s", path, strerror(e));
  }
  return MD_OK;
}

static md_code record_file(delta_write_txn *txn, const char *full, md_error *err) {
  char **grown = realloc(txn->data_files, (txn->num_data_files + 1) * sizeof *grown);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->data_files = grown;
  txn->data_files[txn->num_data_files] = strdup(full);
  if (!txn->data_files[txn->num_data_files]) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  txn->num_data_files++;
  return MD_OK;
}

static md_code write_group(delta_write_txn *txn, const splitter *sp, const partition_group *group, int64_t now,
                           md_error *err) {
  delta_buf rel, stats;
  delta_buf_init(&rel);
  delta_buf_init(&stats);
  for (size_t k = 0; k < sp->num_partition; k++) {
    delta_partition_dir_append(&rel, sp->partition_columns[k], group->values[k]);
    delta_buf_append_char(&rel, '/');
  }
  char uuid[37];
  delta_random_uuid(uuid);
  delta_buf_printf(&rel, "part-00000-%s.c000.snappy.parquet", uuid);
  size_t table_len = strlen(txn->table_path);
  char *full = NULL;
  md_code rc = delta_buf_failed(&rel) ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : MD_OK;
  if (rc == MD_OK) {
    full = malloc(table_len + rel.len + 2);
    if (!full) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    else snprintf(full, table_len + rel.len + 2, "%s/%s", txn->table_path, rel.data);
  }
  if (rc == MD_OK) rc = make_dirs(full, table_len, err);
  md_parquet_writer *writer = NULL;
  if (rc == MD_OK) rc = md_parquet_writer_open(full, sp->file_schema, NULL, &writer, err);
  for (size_t i = 0; rc == MD_OK && i < group->num_parts; i++) rc = md_parquet_writer_write(writer, group->parts[i], err);
  if (rc == MD_OK) rc = md_parquet_writer_close(writer, err);
  int64_t size = rc == MD_OK ? md_parquet_writer_file_size(writer) : 0;
  md_parquet_writer_free(writer);
  if (rc == MD_OK) rc = record_file(txn, full, err);
  if (rc == MD_OK) rc = delta_file_stats(full, &stats, err);
  if (rc == MD_OK) {
    delta_buf *a = &txn->actions;
    delta_buf_append_str(a, "{\"add\":{\"path\":\"");
    delta_path_encode_append(a, rel.data);
    delta_buf_append_str(a, "\",\"partitionValues\":{");
    for (size_t k = 0; k < sp->num_partition; k++) {
      if (k) delta_buf_append_char(a, ',');
      delta_json_write_string(a, sp->partition_columns[k], strlen(sp->partition_columns[k]));
      delta_buf_append_char(a, ':');
      if (group->values[k]) delta_json_write_string(a, group->values[k], strlen(group->values[k]));
      else delta_buf_append_str(a, "null");
    }
    delta_buf_printf(a, "},\"size\":%lld,\"modificationTime\":%lld,\"dataChange\":true,\"stats\":", (long long)size,
                     (long long)now);
    delta_json_write_string(a, stats.data ? stats.data : "{}", stats.len);
    delta_buf_append_str(a, "}}\n");
  }
  free(full);
  delta_buf_free(&rel);
  delta_buf_free(&stats);
  return rc;
}

md_code delta_write_data_files(delta_write_txn *txn, md_batch *const *batches, int num_batches,
                               char *const *partition_columns, size_t num_partition, const delta_predicate *check,
                               int64_t now, md_error *err) {
  splitter sp = {0};
  sp.data_schema = md_batch_schema(batches[0]);
  sp.partition_columns = partition_columns;
  sp.num_partition = num_partition;
  sp.partition_index = calloc(num_partition + 1, sizeof *sp.partition_index);
  sp.file_schema = md_schema_new();
  md_code rc = sp.partition_index && sp.file_schema ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t k = 0; rc == MD_OK && k < num_partition; k++) {
    sp.partition_index[k] = md_schema_find(sp.data_schema, partition_columns[k]);
    if (sp.partition_index[k] < 0)
      rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s is not in the data", partition_columns[k]);
  }
  for (int f = 0; rc == MD_OK && f < md_schema_num_fields(sp.data_schema); f++) {
    if (is_partition_field(&sp, f)) continue;
    md_field *copy = md_field_copy(md_schema_field(sp.data_schema, f));
    rc = copy ? md_schema_add(sp.file_schema, copy, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (int b = 0; rc == MD_OK && b < num_batches; b++) {
    if (num_partition == 0) { /* one file: the batches as they are */
      partition_group *group = NULL;
      char **values = calloc(1, sizeof *values);
      rc = values ? group_for(&sp, values, &group, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
      md_batch *part = NULL;
      md_schema *schema = rc == MD_OK ? md_schema_copy(sp.file_schema) : NULL;
      int n = md_batch_num_columns(batches[b]);
      md_column **columns = calloc((size_t)n + 1, sizeof *columns);
      if (rc == MD_OK && (!schema || !columns)) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
      for (int c = 0; rc == MD_OK && c < n; c++) columns[c] = md_column_ref(md_batch_column(batches[b], c));
      if (rc == MD_OK) rc = md_batch_new(schema, columns, n, &part, err);
      else md_schema_free(schema);
      free(columns);
      if (rc == MD_OK) rc = group_add(group, part, err);
    } else {
      rc = split_batch(&sp, batches[b], err);
    }
  }
  for (size_t g = 0; rc == MD_OK && check && g < sp.num_groups; g++) {
    if (!delta_predicate_matches_row(check, partition_columns, sp.groups[g].values, num_partition)) {
      const char *v = sp.groups[g].values[0];
      rc = md_error_set(err, MD_ERR_INVALID, "rows with %s=%s do not match the replaceWhere predicate",
                        partition_columns[0], v ? v : "null");
    }
  }
  /* No rows unpartitioned: still one (empty) file, so that readers see the
   * columns; partitioned, zero rows have no partition to go to. */
  if (rc == MD_OK && sp.num_groups == 0 && num_partition == 0) {
    char **values = calloc(1, sizeof *values);
    partition_group *group = NULL;
    rc = values ? group_for(&sp, values, &group, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (size_t g = 0; rc == MD_OK && g < sp.num_groups; g++) rc = write_group(txn, &sp, &sp.groups[g], now, err);
  splitter_clear(&sp);
  return rc;
}
