/* cmd_delta_write.c — `medallion write TABLE_DIR --from SOURCE [options]`:
 * load a Parquet file, or another Delta table's latest snapshot, into a Delta
 * table in one commit. The user-facing way to make and change tables, and how
 * the end-to-end tests build theirs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/medallion.h"

static const char USAGE[] =
    "usage: medallion write TABLE_DIR --from FILE.parquet|TABLE_DIR [--mode append|overwrite|error|ignore]\n"
    "                       [--partition-by COL,...] [--merge-schema] [--replace-where PREDICATE]\n";

typedef struct batch_list {
  md_batch **items;
  int count;
} batch_list;

static int add_batch(batch_list *list, md_batch *batch) {
  md_batch **grown = realloc(list->items, (size_t)(list->count + 1) * sizeof *grown);
  if (!grown) {
    md_batch_free(batch);
    return 1;
  }
  list->items = grown;
  list->items[list->count++] = batch;
  return 0;
}

static md_code load_parquet(const char *path, batch_list *out, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open(path, &reader, err);
  for (int g = 0; rc == MD_OK && g < md_parquet_reader_num_row_groups(reader); g++) {
    md_batch *batch = NULL;
    rc = md_parquet_reader_read_row_group(reader, g, NULL, -1, &batch, err);
    if (rc == MD_OK && add_batch(out, batch)) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  md_parquet_reader_free(reader);
  return rc;
}

static md_code load_table(const char *path, batch_list *out, md_error *err) {
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  md_delta_scan *scan = NULL;
  md_code rc = md_delta_table_open(path, &table, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, -1, &snapshot, err);
  if (rc == MD_OK) rc = md_delta_scan_new(snapshot, NULL, -1, &scan, err);
  md_batch *batch = NULL;
  while (rc == MD_OK && (rc = md_delta_scan_next(scan, &batch, err)) == MD_OK && batch)
    if (add_batch(out, batch)) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_delta_scan_free(scan);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return rc;
}

/* Splits "a,b" into a malloc'd array of pointers into the (modified) text. */
static const char **split_columns(char *text, int *count) {
  int n = 1;
  for (const char *p = text; *p; p++) n += *p == ',';
  const char **cols = calloc((size_t)n, sizeof *cols);
  if (!cols) return NULL;
  *count = 0;
  for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    cols[(*count)++] = tok;
  return cols;
}

static bool parse_mode(const char *s, md_delta_save_mode *mode) {
  if (strcmp(s, "append") == 0) *mode = MD_DELTA_APPEND;
  else if (strcmp(s, "overwrite") == 0) *mode = MD_DELTA_OVERWRITE;
  else if (strcmp(s, "error") == 0 || strcmp(s, "errorifexists") == 0) *mode = MD_DELTA_ERROR_IF_EXISTS;
  else if (strcmp(s, "ignore") == 0) *mode = MD_DELTA_IGNORE;
  else return false;
  return true;
}

int cmd_delta_write(int argc, char **argv) {
  const char *path = NULL, *from = NULL;
  char *partition_by = NULL;
  md_delta_write_options o = {.mode = MD_DELTA_APPEND};
  bool mode_given = false;
  for (int i = 1; i < argc; i++) {
    bool has_value = i + 1 < argc;
    if (strcmp(argv[i], "--from") == 0 && has_value) from = argv[++i];
    else if (strcmp(argv[i], "--mode") == 0 && has_value) {
      if (!parse_mode(argv[++i], &o.mode)) {
        fprintf(stderr, "medallion: write: unknown --mode '%s' (append, overwrite, error or ignore)\n", argv[i]);
        return 1;
      }
      mode_given = true;
    } else if (strcmp(argv[i], "--partition-by") == 0 && has_value) partition_by = argv[++i];
    else if (strcmp(argv[i], "--merge-schema") == 0) o.merge_schema = true;
    else if (strcmp(argv[i], "--replace-where") == 0 && has_value) o.replace_where = argv[++i];
    else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("%s", USAGE);
      return 0;
    } else if (!path && argv[i][0] != '-') path = argv[i];
    else {
      fprintf(stderr, "medallion: write: unexpected argument '%s' (try 'medallion write --help')\n", argv[i]);
      return 1;
    }
  }
  if (!path || !from) {
    fprintf(stderr, "medallion: write: missing argument %s\n", path ? "--from SOURCE" : "TABLE_DIR");
    return 1;
  }
  if (o.replace_where && !mode_given) o.mode = MD_DELTA_OVERWRITE;
  const char **cols = NULL;
  if (partition_by) {
    cols = split_columns(partition_by, &o.num_partition_by);
    o.partition_by = cols;
  }
  md_error err;
  batch_list batches = {0};
  md_code rc = md_delta_is_table(from) ? load_table(from, &batches, &err) : load_parquet(from, &batches, &err);
  int64_t version = -1;
  if (rc == MD_OK && batches.count == 0)
    rc = md_error_set(&err, MD_ERR_INVALID, "%s has no rows or row groups to take the schema from", from);
  if (rc == MD_OK) rc = md_delta_write(path, batches.items, batches.count, &o, &version, &err);
  if (rc == MD_OK) printf("%s: version %lld\n", path, (long long)version);
  else fprintf(stderr, "medallion: write: %s\n", err.message);
  for (int i = 0; i < batches.count; i++) md_batch_free(batches.items[i]);
  free(batches.items);
  free(cols);
  return rc == MD_OK ? 0 : 1;
}
