/* delta.h — read (and write) Delta Lake tables on the local file system.
 *
 * The format is delta-io/delta PROTOCOL.md. A table is a directory with a
 * _delta_log of JSON commits and Parquet checkpoints; a snapshot is the table
 * at one version: its protocol, schema, partition columns and live data files.
 * Reading needs only reader version 1, or 3 with the reader features
 * timestampNtz, vacuumProtocolCheck and deletionVectors (rows a deletion
 * vector marks deleted are never returned); columnMapping is accepted while
 * the mapping mode is none. Anything else is refused with MD_ERR_UNSUPPORTED
 * naming the feature. */
#ifndef MEDALLION_DELTA_H
#define MEDALLION_DELTA_H

#include "medallion/core.h"
#include "medallion/parquet.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_delta_table md_delta_table;
typedef struct md_delta_snapshot md_delta_snapshot;

/* Opens the table at path (a directory containing _delta_log) and lists its
 * log. MD_ERR_NOT_FOUND when path is not a Delta table. */
md_code md_delta_table_open(const char *path, md_delta_table **out, md_error *err);
void md_delta_table_free(md_delta_table *table);
/* Borrowed. */
const char *md_delta_table_path(const md_delta_table *table);
/* The newest version in the log (as of open). */
int64_t md_delta_table_latest_version(const md_delta_table *table);
/* true when path is a directory containing _delta_log. */
bool md_delta_is_table(const char *path);

/* Snapshots. version -1 means the latest. Refuses unreadable protocols with
 * MD_ERR_UNSUPPORTED naming the reader feature. */
md_code md_delta_snapshot_at_version(const md_delta_table *table, int64_t version, md_delta_snapshot **out,
                                     md_error *err);
/* The newest version whose commit timestamp (ms since the epoch: in-commit
 * timestamp, else commitInfo.timestamp, else the commit file's time) is at or
 * before timestamp_ms; MD_ERR_NOT_FOUND when every commit is later. */
md_code md_delta_snapshot_at_timestamp(const md_delta_table *table, int64_t timestamp_ms, md_delta_snapshot **out,
                                       md_error *err);
void md_delta_snapshot_free(md_delta_snapshot *snapshot);

int64_t md_delta_snapshot_version(const md_delta_snapshot *snapshot);
/* ms since the epoch, or -1 when unknown. */
int64_t md_delta_snapshot_timestamp(const md_delta_snapshot *snapshot);
/* The table schema (logical names, partition columns included). Borrowed. */
const md_schema *md_delta_snapshot_schema(const md_delta_snapshot *snapshot);
int md_delta_snapshot_num_partition_columns(const md_delta_snapshot *snapshot);
const char *md_delta_snapshot_partition_column(const md_delta_snapshot *snapshot, int i);
/* metaData.configuration (table properties). Borrowed. */
const md_metadata *md_delta_snapshot_configuration(const md_delta_snapshot *snapshot);
const char *md_delta_snapshot_table_id(const md_delta_snapshot *snapshot);

typedef struct md_delta_protocol_info {
  int32_t min_reader_version;
  int32_t min_writer_version;
  int num_reader_features;
  const char *const *reader_features; /* borrowed */
  int num_writer_features;
  const char *const *writer_features;
} md_delta_protocol_info;

void md_delta_snapshot_protocol(const md_delta_snapshot *snapshot, md_delta_protocol_info *out);

/* The version of the last transaction of application app_id (txn action), or -1. */
int64_t md_delta_snapshot_txn_version(const md_delta_snapshot *snapshot, const char *app_id);

/* Live data files, sorted by path. */
int64_t md_delta_snapshot_num_files(const md_delta_snapshot *snapshot);

typedef struct md_delta_file_info {
  const char *path;          /* URL-decoded, relative to the table (or a URI) */
  int64_t size;
  int64_t modification_time; /* ms since the epoch */
  const char *stats;         /* the add action's stats JSON, or NULL */
  int64_t num_records;       /* live rows: from stats minus the deletion vector's cardinality, -1 when unknown */
  bool has_deletion_vector;
  int64_t num_deleted_rows;  /* rows the deletion vector marks deleted (0 without one) */
  int64_t num_physical_records; /* rows in the Parquet file, as stats say (what min/max/nullCount describe), or -1 */
} md_delta_file_info;

md_code md_delta_snapshot_file(const md_delta_snapshot *snapshot, int64_t i, md_delta_file_info *out,
                               md_error *err);
/* The file's partition value text for column (NULL for null or absent). */
const char *md_delta_snapshot_file_partition_value(const md_delta_snapshot *snapshot, int64_t i,
                                                   const char *column);

/* ------------------------------------------------------------------ history */

typedef struct md_delta_history md_delta_history;

typedef struct md_delta_commit_info {
  int64_t version;
  int64_t timestamp;            /* ms since the epoch, or -1 */
  const char *operation;        /* e.g. "WRITE", or NULL */
  const char *operation_parameters; /* JSON object text, or NULL */
  const char *engine_info;      /* or NULL */
  const char *commit_info;      /* the whole commitInfo JSON, or NULL when the commit has none */
} md_delta_commit_info;

/* Every commit still in the log, oldest first. */
md_code md_delta_table_history(const md_delta_table *table, md_delta_history **out, md_error *err);
int64_t md_delta_history_count(const md_delta_history *history);
/* Strings are borrowed from history. */
void md_delta_history_entry(const md_delta_history *history, int64_t i, md_delta_commit_info *out);
void md_delta_history_free(md_delta_history *history);

/* --------------------------------------------------------------------- scan */

typedef struct md_delta_scan md_delta_scan;

/* Reads the snapshot's live files as batches in the table schema (or the
 * columns named, in that order; NULL/-1 for all). Partition columns are filled
 * from partition values; columns missing from older files are null. Checks
 * first that every file exists: a snapshot whose files were vacuumed fails
 * naming the file instead of returning some of its rows. The snapshot must
 * outlive the scan. */
md_code md_delta_scan_new(const md_delta_snapshot *snapshot, const char *const *columns, int num_columns,
                          md_delta_scan **out, md_error *err);
/* *out is NULL at the end. */
md_code md_delta_scan_next(md_delta_scan *scan, md_batch **out, md_error *err);
/* Before the first read: every batch also carries an INT64 column `name`
 * (last, not null) holding each row's physical position in its Parquet file
 * (0-based, counting rows a deletion vector already deleted), which is what
 * md_delta_delete_and_append takes. */
md_code md_delta_scan_add_row_positions(md_delta_scan *scan, const char *name, md_error *err);
void md_delta_scan_free(md_delta_scan *scan);
/* For engines that choose files and row groups themselves (pruning by
 * partition values and statistics): the local path of live file i (as
 * md_delta_snapshot_file numbers them; borrowed, NULL when out of range), and
 * one row group of that file, read through reader (opened by the caller on
 * that path), in the scan's output schema. md_delta_scan_read changes no
 * state, so several threads may call it at once. */
const char *md_delta_scan_file_path(const md_delta_scan *scan, int64_t file);
md_code md_delta_scan_read(const md_delta_scan *scan, int64_t file, md_parquet_reader *reader, int row_group,
                           md_batch **out, md_error *err);

/* The snapshot's rows in the canonical line format of the Delta conformance
 * corpus: one JSON object per row, keys in schema order, rows sorted bytewise,
 * "\n" after each. *out is malloc'd (free with free()). */
md_code md_delta_snapshot_canonical(const md_delta_snapshot *snapshot, char **out, size_t *len, md_error *err);
/* Row `row` of batch as one JSON object in that same format (no newline), for
 * callers that show a few rows without rendering the whole snapshot. *out is
 * malloc'd and NUL-terminated, *len excludes the NUL. */
md_code md_delta_batch_row_json(const md_batch *batch, int64_t row, char **out, size_t *len, md_error *err);

/* ------------------------------------------------------------------- writer */

typedef enum md_delta_save_mode {
  MD_DELTA_APPEND = 0,          /* create the table if needed, else add rows */
  MD_DELTA_OVERWRITE = 1,       /* create, or replace every live file */
  MD_DELTA_ERROR_IF_EXISTS = 2, /* create; MD_ERR_INVALID if the table exists */
  MD_DELTA_IGNORE = 3           /* create; do nothing if the table exists */
} md_delta_save_mode;

typedef struct md_delta_write_options {
  md_delta_save_mode mode;
  /* Idempotence: with app_id set, a write whose txn_version is not greater
   * than the table's recorded version for app_id is skipped (the same batch
   * retried after a crash is not added twice); otherwise a txn action records it. */
  const char *app_id;
  int64_t txn_version;
  /* Extra string keys recorded in the commitInfo action (borrowed), or NULL. */
  const md_metadata *commit_metadata;
  /* Partition columns of a new table, Hive-style directories (col=value/).
   * For an existing table NULL, or exactly the table's partition columns. */
  const char *const *partition_by;
  int num_partition_by;
  /* Schema evolution: columns of the data that the table lacks are added
   * (as nullable); without it such a write fails. Table columns missing from
   * the data are null in the new rows either way. */
  bool merge_schema;
  /* MD_DELTA_OVERWRITE only: replace just the partitions matching this
   * predicate over partition columns: `col = 'x'`, `col IN ('x', 'y')`,
   * joined by AND. Every written row must match it. */
  const char *replace_where;
  /* Write a checkpoint after versions divisible by this (0 means 10,
   * negative never). Checkpoint failure never fails the write. */
  int checkpoint_interval;
} md_delta_write_options;

/* Writes the batches (all with the same schema) as one data file per
 * partition and one commit. Columns are matched by name; a column whose type
 * differs from the table's fails naming the column and both types. A write
 * that loses its version to a concurrent writer is retried on top of the
 * winner when they do not conflict (blind appends never do); otherwise it
 * fails with MD_ERR_INVALID "concurrent commit at version N conflicts: ...".
 * *version_out (may be NULL) gets the table version after the call. */
md_code md_delta_write(const char *path, md_batch *const *batches, int num_batches,
                       const md_delta_write_options *options, int64_t *version_out, md_error *err);

/* A write whose rows arrive a batch at a time, for tables too big to hold
 * in memory. md_delta_writer_open starts it; md_delta_writer_append encodes
 * each batch (same schema as given to open) into the write's data file at
 * once, so the caller may free the batch after the call; and
 * md_delta_writer_commit publishes all the rows in one commit, with the
 * rules, options and conflict handling of md_delta_write (the table is
 * planned on its latest snapshot at commit time). Until then readers see
 * nothing, and md_delta_writer_free without a successful commit deletes what
 * was written, so a failed or abandoned write leaves the table as it was.
 * options (and everything it points to) is borrowed until the commit.
 *
 * An unpartitioned table is streamed into one Parquet file. For a
 * partitioned one (options->partition_by, or an existing partitioned table)
 * the batches are kept by reference and written at commit, as md_delta_write
 * writes them. */
typedef struct md_delta_writer md_delta_writer;

md_code md_delta_writer_open(const char *path, const md_schema *schema, const md_delta_write_options *options,
                             md_delta_writer **out, md_error *err);
md_code md_delta_writer_append(md_delta_writer *writer, const md_batch *batch, md_error *err);
/* *version_out (may be NULL) gets the table version after the commit. After a
 * commit, successful or not, the writer takes no more batches. */
md_code md_delta_writer_commit(md_delta_writer *writer, int64_t *version_out, md_error *err);
/* Rows appended so far. */
int64_t md_delta_writer_rows(const md_delta_writer *writer);
void md_delta_writer_free(md_delta_writer *writer);

/* Rows of one live data file to mark deleted: path as md_delta_file_info
 * gives it, rows its physical row positions (see
 * md_delta_scan_add_row_positions), any order, repeats allowed. */
typedef struct md_delta_row_deletes {
  const char *path;
  const int64_t *rows;
  int64_t num_rows;
} md_delta_row_deletes;

/* In ONE atomic commit: marks the rows of each deletes[i] deleted with a
 * deletion vector (unioned with the file's existing one; a file left without
 * live rows is removed) and appends the batches (the table's columns, no
 * schema change) as new data files, partitioned as the table is. DV files are
 * written before the commit, so nothing is visible until it lands. Upgrades
 * the protocol to reader 3 / writer 7 with the deletionVectors feature (plus
 * the features the old writer version implied) and sets
 * delta.enableDeletionVectors=true. Of options only app_id/txn_version,
 * commit_metadata and checkpoint_interval apply. A concurrent commit that
 * removed or re-DV'd one of the files conflicts (MD_ERR_INVALID). */
md_code md_delta_delete_and_append(const char *table_path, const md_delta_row_deletes *deletes, int num_deletes,
                                   md_batch *const *batches, int num_batches, const md_delta_write_options *options,
                                   int64_t *version_out, md_error *err);

/* Writes a classic single-file checkpoint of version (-1: latest), then
 * _last_checkpoint; both appear atomically. Readers then replay from it. */
md_code md_delta_checkpoint(const char *path, int64_t version, md_error *err);

/* ------------------------------------------------------------------- vacuum */

typedef struct md_delta_vacuum_options {
  double retain_hours; /* files unreferenced for this long go; 0 means the default, 168 (7 days) */
  bool retain_zero;    /* retain_hours is really 0 (needs force) */
  bool dry_run;        /* list, delete nothing */
  bool force;          /* allow a window below the 168 hour minimum */
} md_delta_vacuum_options;

typedef struct md_delta_vacuum_result md_delta_vacuum_result;

/* Deletes data files that no version within the retention window references
 * and that are older than the window (in-flight writes are newer). Refuses a
 * window below 168 hours unless forced: readers of older versions and
 * concurrent writers would lose files. */
md_code md_delta_vacuum(const char *path, const md_delta_vacuum_options *options, md_delta_vacuum_result **out,
                        md_error *err);
/* Paths relative to the table, sorted; deleted (or, dry run, to be deleted). */
int64_t md_delta_vacuum_count(const md_delta_vacuum_result *result);
const char *md_delta_vacuum_file(const md_delta_vacuum_result *result, int64_t i);
void md_delta_vacuum_result_free(md_delta_vacuum_result *result);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_DELTA_H */
