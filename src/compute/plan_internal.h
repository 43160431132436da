/* plan_internal.h — the plan tree, the key encoding and hash table shared by
 * joins, aggregation and keep-latest, and the operator entry points the
 * executor calls. Private to src/compute. */
#ifndef MEDALLION_COMPUTE_PLAN_INTERNAL_H
#define MEDALLION_COMPUTE_PLAN_INTERNAL_H

#include "compute_internal.h"

typedef enum plan_kind {
  PLAN_SOURCE,
  PLAN_FILTER,
  PLAN_PROJECT,
  PLAN_JOIN,
  PLAN_AGGREGATE,
  PLAN_SORT,
  PLAN_KEEP_LATEST,
  PLAN_UNION,
  PLAN_LIMIT
} plan_kind;

typedef struct scan_source scan_source;

struct md_plan {
  plan_kind kind;
  int num_inputs;
  md_plan **inputs;
  /* SOURCE: the batches, and after projection pushdown the columns kept
   * (indices into source_schema; NULL = all). */
  md_schema *source_schema;
  md_batch **batches;
  int num_batches;
  int *source_columns;
  int num_source_columns;
  /* SOURCE that scans files instead of batches, and a copy of the filter
   * directly above it, used only to skip data by statistics. */
  scan_source *scan;
  md_expr *scan_predicate;
  /* FILTER */
  md_expr *predicate;
  /* PROJECT */
  md_expr **exprs;
  char **names;
  int num_exprs;
  /* JOIN (left_keys/right_keys), AGGREGATE and KEEP_LATEST (keys) */
  md_join_type join_type;
  char **left_keys, **right_keys, **keys;
  int num_keys;
  /* JOIN: output names of the right input's columns, fixed when first derived so
   * that pruning columns can never change a "_right" suffix. NULL entries are
   * the right keys (not output). */
  char **right_input_names, **right_output_names;
  int num_right_output_names;
  /* AGGREGATE */
  md_agg *aggs; /* column and name strings owned */
  int num_aggs;
  /* SORT */
  md_sort_key *sort_keys; /* column strings owned */
  int num_sort_keys;
  /* KEEP_LATEST */
  char *order_column;
  /* LIMIT */
  int64_t limit;
  bool optimized;
};

md_plan *plan_new(plan_kind kind, int num_inputs);
/* Output schema with every name and type checked. */
md_code plan_derive_schema(md_plan *plan, md_schema **out, md_error *err);
/* The join's output name for the right input's column input_name. */
const char *plan_right_output_name(const md_plan *plan, const char *input_name);
/* "Filter", "HashJoin", ... */
const char *plan_kind_name(plan_kind kind);
void plan_optimize(md_plan *plan, md_error *err);
char **strings_copy(const char *const *strings, int n);
void strings_free(char **strings, int n);

/* ------------------------------------------------------------ row keys */

/* Key columns of n rows encoded as one byte string per row, so that equal keys
 * are equal bytes whatever the column types: integers, dates and timestamps as
 * int64, floats as normalised float64, decimals as 16 bytes, strings as length
 * + bytes. With null_tags each value is preceded by a validity byte (grouping:
 * nulls form a group); without, rows with a null part are flagged instead
 * (joins: a null key never matches). */
typedef struct key_rows {
  uint8_t *bytes;
  int64_t *offsets; /* n + 1 */
  uint64_t *hashes;
  uint8_t *has_null; /* 1 when any part is null */
  int64_t n;
} key_rows;

md_code keys_encode(md_column *const *columns, int num_columns, int64_t n, bool null_tags, key_rows *out,
                    md_error *err);
void keys_free(key_rows *keys);

/* Distinct keys, each given a dense id in insertion order. */
typedef struct key_table {
  int64_t *slots; /* entry id or -1 */
  int64_t capacity;
  uint64_t *hashes;
  int64_t *offsets; /* count + 1 into arena */
  uint8_t *arena;
  int64_t arena_used, arena_capacity;
  int64_t count, entries_capacity;
} key_table;

void key_table_init(key_table *table);
void key_table_free(key_table *table);
/* The key's id, inserting it when new (*inserted tells which); -1 on OOM. */
int64_t key_table_insert(key_table *table, uint64_t hash, const uint8_t *key, int64_t len, bool *inserted,
                         md_error *err);
int64_t key_table_find(const key_table *table, uint64_t hash, const uint8_t *key, int64_t len);

/* The fast path for the commonest key, one integer-like column: values are
 * compared as int64 with no byte encoding. Ids are dense in insertion order;
 * null (grouping only) gets an id of its own. */
typedef struct int_table {
  int64_t *slots; /* id or -1 */
  int64_t capacity;
  int64_t *keys;  /* per id */
  int64_t count, keys_capacity;
  int64_t null_id;
} int_table;

/* Integer-like types whose values fit int64 exactly. */
bool key_is_int(md_type type);
/* The column's values widened to int64 (borrowed when already 8 bytes wide;
 * else malloc'd into *owned). NULL on OOM. Null rows hold garbage. */
const int64_t *key_ints(const md_column *column, int64_t **owned);
void int_table_init(int_table *table);
void int_table_free(int_table *table);
/* -1 on OOM. */
int64_t int_table_insert(int_table *table, int64_t key, bool *inserted);
int64_t int_table_insert_null(int_table *table, bool *inserted);
int64_t int_table_find(const int_table *table, int64_t key);

/* Dense ids (insertion order) for the rows of a key of one or more columns,
 * batch after batch, through the cheapest exact form the key types allow
 * (key_map.c). With null_groups a null part is a value of its own (grouping);
 * without, rows with a null part get id -1 (keep-latest, joins). The column
 * types must be the same in every batch. */
#define KEY_MAP_MAX_WORDS 9
enum { KEY_MODE_NONE, KEY_MODE_INT, KEY_MODE_WORDS, KEY_MODE_BYTES };
typedef struct key_map {
  bool null_groups;
  int mode, num_keys, width;
  int_table ints;  /* KEY_MODE_INT */
  key_table bytes; /* KEY_MODE_BYTES */
  /* KEY_MODE_WORDS: width = num_keys + 1 int64 words per key (the last holds
   * the null flags); string parts are ids from dicts[k]. */
  key_table *dicts;
  int64_t *words;
  uint64_t *hashes;
  int64_t *slots; /* id or -1 */
  int64_t capacity, count, ids_capacity;
} key_map;

void key_map_init(key_map *map, bool null_groups);
void key_map_free(key_map *map);
int64_t key_map_count(const key_map *map);
/* ids[i] for rows [0, n); new_rows (may be NULL) receives the rows that
 * created a new id, ascending, *new_count of them. */
md_code key_map_assign(key_map *map, md_column *const *columns, int num_keys, int64_t n, int64_t *ids,
                       int64_t *new_rows, int64_t *new_count, md_error *err);

/* Dense ids of a string column's values (rows[0..n), or 0..n when rows is
 * NULL) through a dictionary of them; null rows get 0. */
md_code key_dict_ids(key_table *dict, const md_column *column, const int64_t *rows, int64_t n, int64_t *out,
                     md_error *err);

/* A set of (group, value) int64 pairs, for count distinct. */
typedef struct pair_set {
  uint64_t *narrow; /* packed pairs, or NULL once wide */
  int64_t *wide;    /* two words per slot; group -1 = empty */
  int64_t capacity, count;
  bool is_wide;
} pair_set;

void pair_set_init(pair_set *set);
void pair_set_free(pair_set *set);
/* 1 when added, 0 when present, -1 on OOM. */
int pair_set_insert(pair_set *set, int64_t group, int64_t value);

/* ------------------------------------------------------------ operators */

/* Columns of batch named names (borrowed); NOT_FOUND naming what is missing. */
md_code batch_columns_by_name(const md_batch *batch, char *const *names, int n, md_column **out, md_error *err);
md_code batch_filter(const md_batch *batch, const md_expr *predicate, md_batch **out, md_error *err);
md_code batch_project(const md_batch *batch, const md_plan *project, const md_schema *schema, md_batch **out,
                      md_error *err);
/* Rows [offset, offset + length) as a new batch. */
md_code batch_slice(const md_batch *batch, int64_t offset, int64_t length, md_batch **out, md_error *err);

typedef struct join_state join_state;
/* Takes ownership of right (all right rows in one batch). */
md_code join_build(const md_plan *plan, md_batch *right, const md_schema *out_schema, join_state **out, md_error *err);
md_code join_probe(join_state *state, const md_batch *left, md_batch **out, md_error *err);
/* FULL: the right rows nothing matched (NULL *out when none). */
md_code join_unmatched(join_state *state, md_batch **out, md_error *err);
void join_free(join_state *state);

typedef struct agg_state agg_state;
md_code agg_new(const md_plan *plan, const md_schema *input, const md_schema *out_schema, agg_state **out,
                md_error *err);
/* seq: the batch's position in the input; rows (NULL = the batch's own rows):
 * the input row of each of the batch's rows, when it holds a partition's share
 * of an input batch. Groups are ordered by first input position. */
md_code agg_consume(agg_state *state, const md_batch *batch, int64_t seq, const int64_t *rows, md_error *err);
md_code agg_finish(agg_state *state, md_batch **out, md_error *err);
/* Parallel aggregation: partition p's state got the rows whose key hashes to p
 * (key_partitions), so the states' groups are disjoint and each group saw its
 * rows in input order; their results are put together in first-appearance
 * order, exactly as one state fed the whole input gives. */
md_code agg_finish_partitions(agg_state **parts, int num_parts, md_batch **out, md_error *err);
void agg_free(agg_state *state);

/* Whole-input operators over one concatenated batch. */
md_code sort_batch(const md_batch *batch, const md_sort_key *keys, int num_keys, md_batch **out, md_error *err);
/* A column read through a canonical view (int64, float64, decimal128 or
 * bytes), so that comparing rows never looks at types (sort.c). */
typedef enum view_kind { VIEW_INT, VIEW_FLOAT, VIEW_DEC, VIEW_BYTES } view_kind;
typedef struct key_view {
  view_kind kind;
  md_column *column; /* owned (possibly a cast of the input) */
  const void *values;
  const int32_t *offsets;
  const uint8_t *data;
  const uint8_t *valid;
  bool descending, nulls_first;
} key_view;
md_code key_view_init(key_view *view, const md_column *column, md_error *err);
bool key_view_null(const key_view *v, int64_t i);
/* Values only (both rows valid), rows of two views of one kind. */
int key_view_compare(const key_view *va, int64_t a, const key_view *vb, int64_t b);

/* Keep-latest, streaming (keep_latest.c): batches are consumed one at a time
 * and only the rows that are still some key's latest are held. seq: the
 * batch's position in the input; rows: the rows of batch this state is to
 * consume (rows[0..count), ascending; NULL: all of them) — with partitions,
 * the rows whose key hashes to the state's partition. The state keeps a
 * reference to the batch's columns instead of copying them. */
typedef struct latest_state latest_state;
md_code latest_new(char *const *keys, int num_keys, const char *order_column, latest_state **out, md_error *err);
md_code latest_consume(latest_state *state, const md_batch *batch, int64_t seq, const int64_t *rows, int64_t count,
                       md_error *err);
/* The kept rows of all partitions' states, in input order (schema: the input's). */
md_code latest_finish_partitions(latest_state **parts, int num_parts, const md_schema *schema, md_batch **out,
                                 md_error *err);
void latest_free(latest_state *state);
/* Partition (0..parts-1) of each row by a hash of its key columns: equal keys
 * (as the key map compares them) get equal partitions. */
md_code key_partitions(md_column *const *columns, int num_keys, int64_t n, int parts, uint8_t *out, md_error *err);
/* The row numbers i in [0, n) with part[i] == p, ascending, into rows; their count. */
int64_t partition_rows(const uint8_t *part, int64_t n, int p, int64_t *rows);
/* The rows of batch whose part is p, as a new batch, and their row numbers in
 * batch (*rows, malloc'd, *count of them). */
md_code batch_partition(const md_batch *batch, const uint8_t *part, int p, md_batch **out, int64_t **rows,
                        int64_t *count, md_error *err);

#endif
