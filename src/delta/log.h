/* log.h — the Delta module's private model of the transaction log: actions as
 * parsed from commits, the listing of _delta_log, and log replay into the
 * state of one version (protocol, metadata, live files, transactions).
 *
 * Everything here owns its strings (malloc'd); the *_clear functions free them. */
#ifndef MEDALLION_DELTA_LOG_H
#define MEDALLION_DELTA_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta/deletion_vector.h"
#include "delta/json.h"
#include "medallion/core.h"

/* ------------------------------------------------------------------ actions */

typedef struct delta_string_pair {
  char *key;
  char *value; /* NULL for a JSON null */
} delta_string_pair;

typedef struct delta_string_map {
  delta_string_pair *pairs;
  size_t count;
} delta_string_map;

void delta_string_map_clear(delta_string_map *map);
/* true and *value (possibly NULL for null) when the key is present. */
bool delta_string_map_find(const delta_string_map *map, const char *key, const char **value);

typedef struct delta_file_action {
  char *path;          /* as written in the log (URL-encoded, relative or a URI) */
  char *decoded_path;  /* percent-decoded */
  char *dv_id;         /* deletion vector identity (storageType + path/inline + @offset), or NULL */
  int64_t dv_cardinality;
  delta_dv_descriptor dv; /* storage_type 0 when the file has none */
  delta_string_map partition_values;
  int64_t size;        /* -1 when absent (removes may omit it) */
  int64_t modification_time;
  int64_t deletion_timestamp; /* remove only; -1 when absent */
  bool data_change;
  char *stats;         /* raw JSON text of the stats string, or NULL */
} delta_file_action;

void delta_file_action_clear(delta_file_action *file);

typedef struct delta_protocol {
  int32_t min_reader_version;
  int32_t min_writer_version;
  char **reader_features; /* NULL when the field is absent */
  size_t num_reader_features;
  char **writer_features;
  size_t num_writer_features;
  bool has_reader_features;
  bool has_writer_features;
} delta_protocol;

void delta_protocol_clear(delta_protocol *protocol);
bool delta_protocol_has_reader_feature(const delta_protocol *protocol, const char *feature);

typedef struct delta_metadata {
  char *id;
  char *name;
  char *description;
  char *format_provider;
  char *schema_string;
  char **partition_columns;
  size_t num_partition_columns;
  delta_string_map configuration;
  int64_t created_time; /* -1 when absent */
} delta_metadata;

void delta_metadata_clear(delta_metadata *metadata);

typedef struct delta_txn {
  char *app_id;
  int64_t version;
  int64_t last_updated; /* -1 when absent */
} delta_txn;

typedef struct delta_commit_info {
  bool present;
  int64_t timestamp;            /* -1 when absent */
  int64_t in_commit_timestamp;  /* -1 when absent */
  char *operation;
  char *operation_parameters;   /* JSON text, or NULL */
  char *engine_info;
  char *json;                   /* the whole commitInfo object as JSON text */
} delta_commit_info;

void delta_commit_info_clear(delta_commit_info *info);

typedef struct delta_domain_metadata {
  char *domain;
  char *configuration;
  bool removed;
} delta_domain_metadata;

/* The actions of one commit file, in file order by kind. */
typedef struct delta_commit {
  int64_t version;
  delta_file_action *adds;
  size_t num_adds;
  delta_file_action *removes;
  size_t num_removes;
  size_t num_cdc;
  bool has_protocol;
  delta_protocol protocol;
  bool has_metadata;
  delta_metadata metadata;
  delta_txn *txns;
  size_t num_txns;
  delta_domain_metadata *domains;
  size_t num_domains;
  delta_commit_info commit_info;
  bool has_checkpoint_metadata;
  size_t num_sidecars;
} delta_commit;

void delta_commit_clear(delta_commit *commit);

/* Parses a newline-delimited JSON commit (or a JSON v2 checkpoint body). name
 * is used in errors: "00000000000000000003.json: line 2: add: missing path". */
md_code delta_commit_parse(const char *text, size_t len, const char *name, delta_commit *out, md_error *err);

/* Percent-decodes a log path ("a%20b" -> "a b"); malformed escapes are errors. */
md_code delta_url_decode(const char *in, char **out, md_error *err);

/* ------------------------------------------------------------------ listing */

typedef enum delta_checkpoint_kind {
  DELTA_CHECKPOINT_CLASSIC,    /* NNN.checkpoint.parquet */
  DELTA_CHECKPOINT_MULTI_PART, /* NNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet */
  DELTA_CHECKPOINT_UUID        /* NNN.checkpoint.<uuid>.(json|parquet), v2 */
} delta_checkpoint_kind;

typedef struct delta_checkpoint {
  int64_t version;
  delta_checkpoint_kind kind;
  int32_t parts;      /* multi-part: total parts; otherwise 1 */
  char **files;       /* file names inside _delta_log, parts in order */
  size_t num_files;
} delta_checkpoint;

typedef struct delta_log_listing {
  int64_t *commit_versions; /* ascending */
  int64_t *commit_mtimes_ms;
  size_t num_commits;
  delta_checkpoint *checkpoints; /* complete ones only, ascending by version */
  size_t num_checkpoints;
  int64_t latest_version;
} delta_log_listing;

/* Lists <table>/_delta_log. MD_ERR_NOT_FOUND when it is not a Delta table. */
md_code delta_log_list(const char *table_path, delta_log_listing *out, md_error *err);
void delta_log_listing_clear(delta_log_listing *listing);
/* "<table>/_delta_log/<20-digit version>.json" into buf. */
void delta_commit_file_name(int64_t version, char *buf, size_t size);
bool delta_log_has_commit(const delta_log_listing *listing, int64_t version);

/* Reads a whole file (at most max_bytes) into a malloc'd, NUL-terminated buffer. */
md_code delta_read_file(const char *path, size_t max_bytes, char **out, size_t *len, md_error *err);

/* ------------------------------------------------------------------- replay */

/* The reconciled state of the table at one version. */
typedef struct delta_log_state {
  int64_t version;
  int64_t timestamp_ms;  /* of this version's commit (see log_replay.c) */
  delta_protocol protocol;
  delta_metadata metadata;
  delta_file_action *files; /* live adds, sorted by decoded path */
  size_t num_files;
  delta_txn *txns;
  size_t num_txns;
  delta_domain_metadata *domains;
  size_t num_domains;
} delta_log_state;

/* Reads one checkpoint (all parts) as if it were one commit: adds, protocol,
 * metaData, txns, domainMetadata. */
md_code delta_checkpoint_read(const char *table_path, const delta_checkpoint *checkpoint, delta_commit *out,
                              md_error *err);
/* One checkpoint part's actions from Parquet bytes in memory (borrowed),
 * appended to *out (zeroed by the caller) — the fuzzer's entry point. */
md_code delta_checkpoint_parse_memory(const uint8_t *data, size_t size, const char *name, delta_commit *out,
                                      md_error *err);
/* Reads and parses <table>/_delta_log/<version>.json. */
md_code delta_log_commit_read(const char *table_path, int64_t version, delta_commit *out, md_error *err);
/* The version's timestamp (in-commit timestamp, commitInfo.timestamp, file time). */
int64_t delta_log_commit_timestamp(const delta_commit *commit, int64_t file_mtime_ms);

md_code delta_log_replay(const char *table_path, const delta_log_listing *listing, int64_t version,
                         delta_log_state *out, md_error *err);
void delta_log_state_clear(delta_log_state *state);
/* Replays commits[0..n) (already read, in order) into *out: the same
 * reconciliation as delta_log_replay, without the file system. Takes what it
 * keeps out of the commits; the caller still clears them. */
md_code delta_log_replay_commits(delta_commit *commits, size_t n, delta_log_state *out, md_error *err);

/* Refuses tables that need a reader feature we do not implement, naming it. */
md_code delta_protocol_check_readable(const delta_protocol *protocol, const delta_metadata *metadata,
                                      md_error *err);

/* ------------------------------------------------------------------- schema */

/* Parses metaData.schemaString into core fields (Spark's JSON schema form). */
md_code delta_schema_parse(const char *schema_string, md_schema **out, md_error *err);

/* The inverse: core fields to a schemaString (JSON text appended to buf). */
md_code delta_schema_to_json(const md_schema *schema, delta_buf *buf, md_error *err);

/* Publishes <table>/_delta_log/<version>.json atomically with exactly text:
 * written to a temporary file, synced, then hard-linked into place, which
 * fails if the name exists, so of two concurrent writers only one wins (the
 * loser gets MD_ERR_INVALID "version N was committed concurrently"). */
md_code delta_commit_publish(const char *table_path, int64_t version, const char *text, size_t len, md_error *err);

/* ---------------------------------------------------------- partition values */

/* Appends the partition value text (NULL or "" for null) to column, typed by
 * the column's type, per the protocol's "Partition Value Serialization". */
md_code delta_partition_value_append(md_column *column, const md_field *field, const char *text, md_error *err);

#endif /* MEDALLION_DELTA_LOG_H */
