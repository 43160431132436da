/* write.h — the Delta module's private writer pieces: partition values as
 * text and paths, per-file statistics, the replaceWhere predicate, the
 * two-phase write transaction (prepare data files and actions, then publish
 * them at the next free version) and the conflict rules applied when another
 * writer published first.
 *
 * The transaction is split in two so that tests can interleave two writers
 * deterministically (prepare A, prepare B, commit A, commit B). */
#ifndef MEDALLION_DELTA_WRITE_H
#define MEDALLION_DELTA_WRITE_H

#include "delta/log.h"
#include "medallion/delta.h"
#include "medallion/parquet.h"

/* ------------------------------------------------------- partition values */

/* The protocol's serialization of row's value (NULL for null), malloc'd:
 * integers and decimals in plain digits, dates "YYYY-MM-DD", timestamps
 * "YYYY-MM-DD HH:MM:SS.ffffff", binary as code points U+0000..U+00FF. */
md_code delta_partition_value_format(const md_column *column, int64_t row, char **out, md_error *err);
/* text (a partition value or a predicate literal) typed by field and
 * serialized again, so "01" and "1" of an integer column compare equal. */
md_code delta_partition_value_canonical(const md_field *field, const char *text, char **out, md_error *err);
/* "col=value" with Hive's escaping (%XX for / : = % and friends), null as
 * __HIVE_DEFAULT_PARTITION__, appended to buf. */
void delta_partition_dir_append(delta_buf *buf, const char *column, const char *value);
/* A relative file path as a URI path for the log: percent-encodes every byte
 * outside A-Z a-z 0-9 - _ . ~ / = (so a Hive "%3A" becomes "%253A"). */
void delta_path_encode_append(delta_buf *buf, const char *path);

/* A random (version 4) UUID, for data file names and table ids. */
void delta_random_uuid(char out[37]);

/* -------------------------------------------------------------- statistics */

/* {"numRecords":N,"minValues":{..},"maxValues":{..},"nullCount":{..}} of the
 * Parquet file at path, from its column chunk statistics: top-level primitive
 * columns only; no min/max for booleans, binary, NaN floats, or strings longer
 * than 32 characters (a prefix would not be the file's true maximum). */
md_code delta_file_stats(const char *path, delta_buf *out, md_error *err);

/* --------------------------------------------------------------- predicate */

/* replaceWhere: `col = lit`, `col IN (lit, ...)`, joined by AND, with
 * parentheses; columns must be partition columns. Literals are 'quoted
 * strings' ('' for a quote) or bare numbers/true/false. */
typedef struct delta_predicate delta_predicate;

md_code delta_predicate_parse(const char *text, const md_schema *schema, char *const *partition_columns,
                              size_t num_partition_columns, delta_predicate **out, md_error *err);
void delta_predicate_free(delta_predicate *predicate);
/* Does a file with these partition values match? (null never matches) */
bool delta_predicate_matches(const delta_predicate *predicate, const delta_string_map *partition_values);
/* Does a row whose partition values are values[i] (canonical text or NULL)
 * for columns[i] match? */
bool delta_predicate_matches_row(const delta_predicate *predicate, char *const *columns, char *const *values,
                                 size_t count);

/* ------------------------------------------------------------- transaction */

typedef struct delta_write_txn {
  char *table_path;
  int64_t read_version;     /* the snapshot the write was planned on; -1: no table */
  bool skip;                /* nothing to commit (ignore mode, txn already applied) */
  md_delta_save_mode mode;
  bool blind_append;        /* read nothing: only metadata changes conflict */
  delta_predicate *replace_where; /* overwrite of these partitions only */
  char *app_id;
  char **removed;           /* decoded paths this commit removes */
  size_t num_removed;
  char **data_files;        /* written data files (full paths), removed on failure */
  size_t num_data_files;
  delta_buf actions;        /* every action but commitInfo, one per line */
  delta_buf operation;      /* commitInfo fields after "timestamp": operation... */
} delta_write_txn;

/* One data file of a partitioned table already written by the caller. */
typedef struct delta_written_part {
  const char *full;     /* inside the table directory */
  const char *relative; /* the same, relative to the table, unencoded */
  char *const *values;  /* per partition column, NULL for null */
  int64_t size;
} delta_written_part;

/* The rows a write adds: batches still to be written as data files, or the
 * Parquet files already written by the caller (md_delta_writer) — one for
 * an unpartitioned table, or one per partition of part_columns — described
 * by the data's schema and per-column null counts. */
typedef struct delta_write_data {
  const md_schema *schema;
  md_batch *const *batches;
  int num_batches;
  const char *written_file;     /* full path, inside the table directory */
  const char *written_relative; /* the same, relative to the table */
  int64_t written_size;
  const int64_t *null_counts; /* per schema field, for the written files */
  char *const *part_columns;  /* num_part_columns > 0: parts were written, split by these */
  size_t num_part_columns;
  const delta_written_part *parts;
  size_t num_parts;
} delta_write_data;

/* Plans the write on the latest snapshot and writes its data files (or
 * records the one already written). */
md_code delta_write_prepare(const char *path, const delta_write_data *data, const md_delta_write_options *options,
                            delta_write_txn *out, md_error *err);
/* Publishes at the first free version after read_version, checking every
 * commit that won a version since against the conflict rules. A conflict is
 * MD_ERR_INVALID "...: concurrent commit at version N conflicts: ...".
 * MD_ERR_NOT_FOUND is returned (and only then) when the table was created
 * concurrently: the caller prepares again on the new table. */
md_code delta_write_commit(delta_write_txn *txn, int64_t *version_out, md_error *err);
/* prepare + commit, planned again when the table was created concurrently
 * (a streamed file is kept for that), then a checkpoint when one is due. */
md_code delta_write_run(const char *path, const delta_write_data *data, const md_delta_write_options *options,
                        int64_t *version_out, md_error *err);
/* Frees; data files of a transaction that did not commit are deleted. */
void delta_write_txn_clear(delta_write_txn *txn, bool committed);
/* Records a file the transaction wrote (copied; deleted if it never commits). */
md_code delta_write_txn_add_file(delta_write_txn *txn, const char *path, md_error *err);
/* Records a data file written for the transaction (full path; relative to
 * the table, unencoded) with its add action: partition values, size and the
 * statistics read back from the file's footer. */
md_code delta_write_txn_add_written(delta_write_txn *txn, const char *full, const char *relative,
                                    char *const *partition_columns, char *const *values, size_t num_partition,
                                    int64_t size, int64_t now, md_error *err);
/* Records a decoded table-relative path the transaction removes (copied). */
md_code delta_write_txn_add_removed(delta_write_txn *txn, const char *decoded, md_error *err);

/* Writes the batches (data schema, partition columns included) as one
 * Parquet file per partition under txn->table_path, records each in
 * txn->data_files and appends its add action to txn->actions. With check, every
 * row's partition values must match it (replaceWhere writes only what it
 * replaces). */
md_code delta_write_data_files(delta_write_txn *txn, md_batch *const *batches, int num_batches,
                               char *const *partition_columns, size_t num_partition, const delta_predicate *check,
                               int64_t now, md_error *err);

/* Null first, then by text, column by column: the order of a commit's files. */
int delta_partition_values_compare(char *const *a, char *const *b, size_t n);
/* A new data file's path for a partition (Hive-style directories below
 * table_path, made here, then a random file name): full and relative,
 * both malloc'd. */
md_code delta_partition_file_path(const char *table_path, char *const *columns, char *const *values, size_t n,
                                  char **full_out, char **relative_out, md_error *err);

/* Rows of batches that arrive one at a time, split by partition values
 * (md_delta_writer's partitioned mode): a group keeps its index across
 * batches. Split a batch, then write each group's rows of it. */
typedef struct delta_partitioner delta_partitioner;
md_code delta_partitioner_new(const md_schema *data, char *const *partition_columns, size_t num_partition,
                              delta_partitioner **out, md_error *err);
md_code delta_partitioner_split(delta_partitioner *p, const md_batch *batch, md_error *err);
size_t delta_partitioner_num_groups(const delta_partitioner *p);
char *const *delta_partitioner_values(const delta_partitioner *p, size_t g);
/* The data schema without the partition columns: the files' schema. */
const md_schema *delta_partitioner_file_schema(const delta_partitioner *p);
/* Rows of group g in the batch split last. */
int64_t delta_partitioner_group_rows(const delta_partitioner *p, size_t g);
/* Group g's rows of batch (the one split last), in order, into writer. */
md_code delta_partitioner_write(const delta_partitioner *p, size_t g, md_parquet_writer *writer,
                                const md_batch *batch, md_error *err);
void delta_partitioner_free(delta_partitioner *p);

/* Does the commit that won version `winner->version` conflict with txn? */
md_code delta_check_conflict(const delta_write_txn *txn, const delta_commit *winner, md_error *err);

#endif /* MEDALLION_DELTA_WRITE_H */
