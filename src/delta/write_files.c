/* write_files.c — a write's data files: rows split by partition values into
 * Hive-style directories, one Parquet file per partition, each with an add
 * action carrying its partition values and statistics.
 *
 * Rows are grouped without copying them: each row's partition values are
 * encoded as raw bytes (null flag, then the value's own bytes) and looked up
 * in a hash table of groups, and a stable counting sort turns the group ids
 * into one list of row indexes per group. A partition's file is then written
 * by gathering its rows a chunk at a time into a small batch handed to the
 * Parquet encoder, so no partition is ever materialised whole and each
 * partition's rows keep their input order. The text of the partition values
 * is formatted once per group, not per row. */
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

/* Rows gathered per batch handed to the Parquet writer: large enough for the
 * encoder's per-call costs to vanish, small enough to stay in cache. */
enum { GATHER_ROWS = 65536 };

typedef struct partition_group {
  char **values; /* per partition column, NULL for null */
  size_t num_values;
  size_t index; /* in splitter.groups */
} partition_group;

/* One input batch's rows, ordered by group: group g's rows are
 * rows[offsets[g] .. offsets[g + 1]) for g < num_groups (groups first seen in
 * later batches have no rows here). */
typedef struct batch_split {
  int64_t *rows;
  int64_t *offsets;
  size_t num_groups;
} batch_split;

typedef struct key_slot {
  uint64_t hash;
  size_t key_at; /* into splitter.keys */
  size_t key_len;
  int32_t group; /* -1: empty */
} key_slot;

typedef struct splitter {
  const md_schema *data_schema;
  md_schema *file_schema;   /* data columns without the partition columns */
  int *partition_index;     /* partition column -> data field */
  size_t num_partition;
  char *const *partition_columns;
  partition_group *groups;
  size_t num_groups;
  batch_split *splits;      /* one per input batch (partitioned writes) */
  int num_splits;
  key_slot *slots;          /* raw row key -> group */
  size_t num_slots;
  delta_buf keys;           /* the raw keys of the slots */
} splitter;

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
  }
  free(sp->groups);
  for (int i = 0; i < sp->num_splits; i++) {
    free(sp->splits[i].rows);
    free(sp->splits[i].offsets);
  }
  free(sp->splits);
  free(sp->slots);
  delta_buf_free(&sp->keys);
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

/* The group for values (taking ownership of values either way). Different raw
 * keys can format alike (NaN payloads): they share the group. */
static md_code group_for(splitter *sp, char **values, int32_t *out, md_error *err) {
  for (size_t g = 0; g < sp->num_groups; g++) {
    if (same_values(sp->groups[g].values, values, sp->num_partition)) {
      for (size_t k = 0; k < sp->num_partition; k++) free(values[k]);
      free(values);
      *out = (int32_t)g;
      return MD_OK;
    }
  }
  partition_group *grown = sp->num_groups < INT32_MAX ? realloc(sp->groups, (sp->num_groups + 1) * sizeof *grown) : NULL;
  if (!grown) {
    for (size_t k = 0; k < sp->num_partition; k++) free(values[k]);
    free(values);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  sp->groups = grown;
  sp->groups[sp->num_groups] = (partition_group){values, sp->num_partition, sp->num_groups};
  *out = (int32_t)sp->num_groups++;
  return MD_OK;
}

static bool is_partition_field(const splitter *sp, int field) {
  for (size_t k = 0; k < sp->num_partition; k++)
    if (sp->partition_index[k] == field) return true;
  return false;
}

/* Row r's partition values as raw bytes: per column a null flag, then the
 * value (bool: one byte; strings: length and bytes). Equal values give equal
 * keys; the text is formatted only for new keys. */
static void raw_key(const splitter *sp, const md_batch *batch, int64_t r, delta_buf *key) {
  delta_buf_reset(key);
  for (size_t k = 0; k < sp->num_partition; k++) {
    const md_column *c = md_batch_column(batch, sp->partition_index[k]);
    if (md_column_is_null(c, r)) {
      delta_buf_append_char(key, 0);
      continue;
    }
    delta_buf_append_char(key, 1);
    md_type type = md_column_type(c);
    size_t width = (size_t)md_type_fixed_width(type);
    if (type.id == MD_TYPE_BOOL) {
      delta_buf_append_char(key, md_bit_get(md_column_values(c), r) ? 1 : 0);
    } else if (width) {
      delta_buf_append(key, (const uint8_t *)md_column_values(c) + (size_t)r * width, width);
    } else {
      const int32_t *off = md_column_offsets(c);
      int32_t len = off ? off[r + 1] - off[r] : 0;
      delta_buf_append(key, &len, sizeof len);
      if (len > 0) delta_buf_append(key, md_column_data(c) + off[r], (size_t)len);
    }
  }
}

static uint64_t hash_key(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then a final mix */
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

static md_code slots_grow(splitter *sp, md_error *err) {
  size_t n = sp->num_slots ? sp->num_slots * 2 : 64;
  key_slot *slots = malloc(n * sizeof *slots);
  if (!slots) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) slots[i].group = -1;
  for (size_t i = 0; i < sp->num_slots; i++) {
    if (sp->slots[i].group < 0) continue;
    size_t at = (size_t)sp->slots[i].hash & (n - 1);
    while (slots[at].group >= 0) at = (at + 1) & (n - 1);
    slots[at] = sp->slots[i];
  }
  free(sp->slots);
  sp->slots = slots;
  sp->num_slots = n;
  return MD_OK;
}

/* The group of row r, whose raw key is in key. */
static md_code lookup_group(splitter *sp, const md_batch *batch, int64_t r, const delta_buf *key, size_t *used,
                            int32_t *out, md_error *err) {
  const uint8_t *kp = (const uint8_t *)key->data;
  uint64_t h = hash_key(kp, key->len);
  size_t mask = sp->num_slots - 1, at = (size_t)h & mask;
  for (; sp->slots[at].group >= 0; at = (at + 1) & mask) {
    const key_slot *s = &sp->slots[at];
    if (s->hash == h && s->key_len == key->len && memcmp(sp->keys.data + s->key_at, kp, key->len) == 0) {
      *out = s->group;
      return MD_OK;
    }
  }
  char **values = calloc(sp->num_partition + 1, sizeof *values);
  md_code rc = values ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t k = 0; rc == MD_OK && k < sp->num_partition; k++)
    rc = delta_partition_value_format(md_batch_column(batch, sp->partition_index[k]), r, &values[k], err);
  if (rc != MD_OK) {
    for (size_t k = 0; values && k < sp->num_partition; k++) free(values[k]);
    free(values);
    return rc;
  }
  rc = group_for(sp, values, out, err);
  if (rc != MD_OK) return rc;
  sp->slots[at] = (key_slot){.hash = h, .key_at = sp->keys.len, .key_len = key->len, .group = *out};
  delta_buf_append(&sp->keys, kp, key->len);
  if (delta_buf_failed(&sp->keys)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (++*used * 2 > sp->num_slots) return slots_grow(sp, err);
  return MD_OK;
}

/* Groups the rows of batch (the next split): a group id per row, then a
 * stable counting sort of the row indexes by group. */
static md_code split_batch(splitter *sp, const md_batch *batch, size_t *used, md_error *err) {
  batch_split *split = &sp->splits[sp->num_splits];
  memset(split, 0, sizeof *split);
  int64_t rows = md_batch_num_rows(batch);
  int32_t *group_of = malloc(((size_t)rows + 1) * sizeof *group_of);
  delta_buf key;
  delta_buf_init(&key);
  md_code rc = group_of ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK && !sp->slots) rc = slots_grow(sp, err);
  for (int64_t r = 0; rc == MD_OK && r < rows; r++) {
    raw_key(sp, batch, r, &key);
    rc = delta_buf_failed(&key) ? md_error_set(err, MD_ERR_NOMEM, "out of memory")
                                : lookup_group(sp, batch, r, &key, used, &group_of[r], err);
  }
  delta_buf_free(&key);
  if (rc == MD_OK) {
    split->num_groups = sp->num_groups;
    split->offsets = calloc(sp->num_groups + 1, sizeof *split->offsets);
    split->rows = malloc(((size_t)rows + 1) * sizeof *split->rows);
    if (!split->offsets || !split->rows) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  if (rc == MD_OK) {
    for (int64_t r = 0; r < rows; r++) split->offsets[group_of[r] + 1]++;
    for (size_t g = 0; g < split->num_groups; g++) split->offsets[g + 1] += split->offsets[g];
    /* offsets[g] walks group g's slots, then is restored from its end. */
    for (int64_t r = 0; r < rows; r++) split->rows[split->offsets[group_of[r]]++] = r;
    for (size_t g = split->num_groups; g > 0; g--) split->offsets[g] = split->offsets[g - 1];
    split->offsets[0] = 0;
  }
  sp->num_splits++; /* counted either way, so that clear frees it */
  free(group_of);
  return rc;
}

/* Rows rows[0..n) of batch as a batch of the file schema, handed to writer. */
static md_code write_rows(const splitter *sp, md_parquet_writer *writer, const md_batch *batch, const int64_t *rows,
                          int64_t n, md_error *err) {
  int nf = md_schema_num_fields(sp->file_schema);
  md_column **columns = calloc((size_t)nf + 1, sizeof *columns);
  if (!columns) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  int c = 0;
  for (int f = 0; rc == MD_OK && f < md_batch_num_columns(batch); f++) {
    if (is_partition_field(sp, f)) continue;
    /* An empty copy of src gives the column's shape (children included). */
    const md_column *src = md_batch_column(batch, f);
    rc = md_column_slice_copy(src, 0, 0, &columns[c], err);
    if (rc == MD_OK) rc = md_column_append_rows(columns[c], src, rows, n, err);
    c++;
  }
  md_schema *schema = rc == MD_OK ? md_schema_copy(sp->file_schema) : NULL;
  if (rc == MD_OK && !schema) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_batch *part = NULL;
  if (rc == MD_OK) rc = md_batch_new(schema, columns, nf, &part, err);
  else
    for (int i = 0; i < nf; i++) md_column_free(columns[i]);
  if (rc == MD_OK) rc = md_parquet_writer_write(writer, part, err);
  md_batch_free(part);
  free(columns);
  return rc;
}

/* Group g's rows of every batch, a chunk at a time (partitioned), or the
 * batches as they are (unpartitioned: the file schema is the data schema). */
static md_code write_group_rows(const splitter *sp, md_parquet_writer *writer, size_t g, md_batch *const *batches,
                                int num_batches, md_error *err) {
  md_code rc = MD_OK;
  for (int b = 0; rc == MD_OK && b < num_batches; b++) {
    if (sp->num_partition == 0) {
      rc = md_parquet_writer_write(writer, batches[b], err);
      continue;
    }
    const batch_split *split = &sp->splits[b];
    if (g >= split->num_groups) continue;
    for (int64_t at = split->offsets[g]; rc == MD_OK && at < split->offsets[g + 1]; at += GATHER_ROWS) {
      int64_t n = split->offsets[g + 1] - at;
      rc = write_rows(sp, writer, batches[b], split->rows + at, n < GATHER_ROWS ? n : GATHER_ROWS, err);
    }
  }
  return rc;
}

/* Null sorts first, then by text, column by column: the order files are
 * written and listed in the commit. */
int delta_partition_values_compare(char *const *a, char *const *b, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (!a[k] || !b[k]) {
      if (a[k] || b[k]) return a[k] ? 1 : -1;
      continue;
    }
    int c = strcmp(a[k], b[k]);
    if (c) return c;
  }
  return 0;
}

static int compare_groups(const void *pa, const void *pb) {
  const partition_group *a = *(const partition_group *const *)pa, *b = *(const partition_group *const *)pb;
  return delta_partition_values_compare(a->values, b->values, a->num_values);
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

md_code delta_write_txn_add_written(delta_write_txn *txn, const char *full, const char *relative,
                                    char *const *partition_columns, char *const *values, size_t num_partition,
                                    int64_t size, int64_t now, md_error *err) {
  delta_buf stats;
  delta_buf_init(&stats);
  md_code rc = delta_write_txn_add_file(txn, full, err);
  if (rc == MD_OK) rc = delta_file_stats(full, &stats, err);
  if (rc == MD_OK) {
    delta_buf *a = &txn->actions;
    delta_buf_append_str(a, "{\"add\":{\"path\":\"");
    delta_path_encode_append(a, relative);
    delta_buf_append_str(a, "\",\"partitionValues\":{");
    for (size_t k = 0; k < num_partition; k++) {
      if (k) delta_buf_append_char(a, ',');
      delta_json_write_string(a, partition_columns[k], strlen(partition_columns[k]));
      delta_buf_append_char(a, ':');
      if (values[k]) delta_json_write_string(a, values[k], strlen(values[k]));
      else delta_buf_append_str(a, "null");
    }
    delta_buf_printf(a, "},\"size\":%lld,\"modificationTime\":%lld,\"dataChange\":true,\"stats\":", (long long)size,
                     (long long)now);
    delta_json_write_string(a, stats.data ? stats.data : "{}", stats.len);
    delta_buf_append_str(a, "}}\n");
  }
  delta_buf_free(&stats);
  return rc;
}

md_code delta_partition_file_path(const char *table_path, char *const *columns, char *const *values, size_t n,
                                  char **full_out, char **relative_out, md_error *err) {
  delta_buf rel;
  delta_buf_init(&rel);
  for (size_t k = 0; k < n; k++) {
    delta_partition_dir_append(&rel, columns[k], values[k]);
    delta_buf_append_char(&rel, '/');
  }
  char uuid[37];
  delta_random_uuid(uuid);
  delta_buf_printf(&rel, "part-00000-%s.c000.snappy.parquet", uuid);
  size_t table_len = strlen(table_path);
  char *full = NULL;
  md_code rc = delta_buf_failed(&rel) ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : MD_OK;
  if (rc == MD_OK) {
    full = malloc(table_len + rel.len + 2);
    if (!full) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    else snprintf(full, table_len + rel.len + 2, "%s/%s", table_path, rel.data);
  }
  if (rc == MD_OK) rc = make_dirs(full, table_len, err);
  if (rc == MD_OK) {
    *full_out = full;
    *relative_out = rel.data; /* the buffer's memory is handed over */
    return MD_OK;
  }
  free(full);
  delta_buf_free(&rel);
  return rc;
}

static md_code write_group(delta_write_txn *txn, const splitter *sp, size_t g, md_batch *const *batches,
                           int num_batches, int64_t now, md_error *err) {
  const partition_group *group = &sp->groups[g];
  char *full = NULL, *rel = NULL;
  md_code rc = delta_partition_file_path(txn->table_path, sp->partition_columns, group->values, sp->num_partition,
                                         &full, &rel, err);
  md_parquet_writer *writer = NULL;
  if (rc == MD_OK) rc = md_parquet_writer_open(full, sp->file_schema, NULL, &writer, err);
  if (rc == MD_OK) rc = write_group_rows(sp, writer, g, batches, num_batches, err);
  if (rc == MD_OK) rc = md_parquet_writer_close(writer, err);
  int64_t size = rc == MD_OK ? md_parquet_writer_file_size(writer) : 0;
  md_parquet_writer_free(writer);
  if (rc == MD_OK)
    rc = delta_write_txn_add_written(txn, full, rel, sp->partition_columns, group->values, sp->num_partition, size,
                                     now, err);
  free(full);
  free(rel);
  return rc;
}

static md_code splitter_init(splitter *sp, const md_schema *data, char *const *partition_columns,
                             size_t num_partition, md_error *err) {
  delta_buf_init(&sp->keys);
  sp->data_schema = data;
  sp->partition_columns = partition_columns;
  sp->num_partition = num_partition;
  sp->partition_index = calloc(num_partition + 1, sizeof *sp->partition_index);
  sp->file_schema = md_schema_new();
  md_code rc = sp->partition_index && sp->file_schema ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t k = 0; rc == MD_OK && k < num_partition; k++) {
    sp->partition_index[k] = md_schema_find(data, partition_columns[k]);
    if (sp->partition_index[k] < 0)
      rc = md_error_set(err, MD_ERR_SCHEMA, "partition column %s is not in the data", partition_columns[k]);
  }
  for (int f = 0; rc == MD_OK && f < md_schema_num_fields(data); f++) {
    if (is_partition_field(sp, f)) continue;
    md_field *copy = md_field_copy(md_schema_field(data, f));
    rc = copy ? md_schema_add(sp->file_schema, copy, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  return rc;
}

md_code delta_write_data_files(delta_write_txn *txn, md_batch *const *batches, int num_batches,
                               char *const *partition_columns, size_t num_partition, const delta_predicate *check,
                               int64_t now, md_error *err) {
  splitter sp = {0};
  md_code rc = splitter_init(&sp, md_batch_schema(batches[0]), partition_columns, num_partition, err);
  if (rc == MD_OK && num_partition > 0) {
    sp.splits = calloc((size_t)num_batches + 1, sizeof *sp.splits);
    if (!sp.splits) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    size_t used = 0;
    for (int b = 0; rc == MD_OK && b < num_batches; b++) rc = split_batch(&sp, batches[b], &used, err);
  } else if (rc == MD_OK) {
    /* One file: the batches as they are. No rows still gives one (empty)
     * file, so that readers see the columns. */
    char **values = calloc(1, sizeof *values);
    int32_t g = 0;
    rc = values ? group_for(&sp, values, &g, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (size_t g = 0; rc == MD_OK && check && g < sp.num_groups; g++) {
    if (!delta_predicate_matches_row(check, partition_columns, sp.groups[g].values, num_partition)) {
      const char *v = sp.groups[g].values[0];
      rc = md_error_set(err, MD_ERR_INVALID, "rows with %s=%s do not match the replaceWhere predicate",
                        partition_columns[0], v ? v : "null");
    }
  }
  /* Files in partition-value order (the groups are in order of first sight). */
  const partition_group **order = rc == MD_OK ? malloc((sp.num_groups + 1) * sizeof *order) : NULL;
  if (rc == MD_OK && !order) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; rc == MD_OK && i < sp.num_groups; i++) order[i] = &sp.groups[i];
  if (rc == MD_OK) qsort(order, sp.num_groups, sizeof *order, compare_groups);
  for (size_t i = 0; rc == MD_OK && i < sp.num_groups; i++)
    rc = write_group(txn, &sp, order[i]->index, batches, num_batches, now, err);
  free(order);
  splitter_clear(&sp);
  return rc;
}

/* ------------------------------------------------ streamed partitioning */

struct delta_partitioner {
  splitter sp;
  size_t used; /* slots in use */
};

md_code delta_partitioner_new(const md_schema *data, char *const *partition_columns, size_t num_partition,
                              delta_partitioner **out, md_error *err) {
  delta_partitioner *p = calloc(1, sizeof *p);
  if (!p) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = splitter_init(&p->sp, data, partition_columns, num_partition, err);
  if (rc == MD_OK && !(p->sp.splits = calloc(1, sizeof *p->sp.splits)))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc != MD_OK) {
    delta_partitioner_free(p);
    return rc;
  }
  *out = p;
  return MD_OK;
}

md_code delta_partitioner_split(delta_partitioner *p, const md_batch *batch, md_error *err) {
  splitter *sp = &p->sp;
  /* One split at a time: the previous batch's goes. */
  if (sp->num_splits) {
    free(sp->splits[0].rows);
    free(sp->splits[0].offsets);
    sp->num_splits = 0;
  }
  return split_batch(sp, batch, &p->used, err);
}

size_t delta_partitioner_num_groups(const delta_partitioner *p) { return p->sp.num_groups; }

char *const *delta_partitioner_values(const delta_partitioner *p, size_t g) { return p->sp.groups[g].values; }

const md_schema *delta_partitioner_file_schema(const delta_partitioner *p) { return p->sp.file_schema; }

int64_t delta_partitioner_group_rows(const delta_partitioner *p, size_t g) {
  const batch_split *split = p->sp.num_splits ? &p->sp.splits[0] : NULL;
  return split && g < split->num_groups ? split->offsets[g + 1] - split->offsets[g] : 0;
}

md_code delta_partitioner_write(const delta_partitioner *p, size_t g, md_parquet_writer *writer,
                                const md_batch *batch, md_error *err) {
  md_batch *const *one = (md_batch *const *)&batch; /* only read */
  return write_group_rows(&p->sp, writer, g, one, 1, err);
}

void delta_partitioner_free(delta_partitioner *p) {
  if (!p) return;
  splitter_clear(&p->sp);
  free(p);
}
