/* cmd_delta_write.c — `medallion write TABLE_DIR --from SOURCE [options]`:
 * load a Parquet file, or another Delta table's latest snapshot, into a Delta
 * table in one commit. The user-facing way to make and change tables, and how
 * the end-to-end tests build theirs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/delta_open.h"
#include "medallion/medallion.h"

enum { OPT_FROM, OPT_MODE, OPT_PARTITION_BY, OPT_MERGE_SCHEMA, OPT_REPLACE_WHERE };

static const cli_option write_options[] = {
    [OPT_FROM] = {"--from", "SOURCE", "a Parquet file or a Delta table directory (its latest version)"},
    [OPT_MODE] = {"--mode", "MODE", "append (default), overwrite, error or ignore"},
    [OPT_PARTITION_BY] = {"--partition-by", "COL,...", "partition columns of a new table"},
    [OPT_MERGE_SCHEMA] = {"--merge-schema", NULL, "add the source's new columns to the table"},
    [OPT_REPLACE_WHERE] = {"--replace-where", "PREDICATE", "overwrite only the partitions matching it"},
};

static const cli_command_spec write_spec = {
    .name = "write",
    .usage = "TABLE_DIR --from FILE.parquet|TABLE_DIR [--mode append|overwrite|error|ignore]\n"
             "                       [--partition-by COL,...] [--merge-schema] [--replace-where PREDICATE]",
    .summary = "Load a Parquet file or a Delta table's latest snapshot into a Delta table, in one commit.",
    .options = write_options,
    .num_options = sizeof write_options / sizeof write_options[0],
    .min_positional = 1,
    .max_positional = 1,
};

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
  md_code rc = cli_open_snapshot(path, NULL, &table, &snapshot, err);
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
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&write_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *path = args.positional[0], *from = args.values[OPT_FROM];
  if (!from) return cli_fail("write: missing argument --from SOURCE");
  md_delta_write_options o = {.mode = MD_DELTA_APPEND,
                              .merge_schema = args.values[OPT_MERGE_SCHEMA] != NULL,
                              .replace_where = args.values[OPT_REPLACE_WHERE]};
  bool mode_given = args.values[OPT_MODE] != NULL;
  if (mode_given && !parse_mode(args.values[OPT_MODE], &o.mode))
    return cli_fail("write: unknown --mode '%s' (append, overwrite, error or ignore)", args.values[OPT_MODE]);
  /* split_columns cuts the text in place; argv is ours to change. */
  char *partition_by = (char *)args.values[OPT_PARTITION_BY];
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
  else cli_fail("write: %s", err.message);
  for (int i = 0; i < batches.count; i++) md_batch_free(batches.items[i]);
  free(batches.items);
  free(cols);
  return rc == MD_OK ? 0 : 1;
}
