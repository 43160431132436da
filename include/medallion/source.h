/* source.h — where the pipeline's data comes from: one interface over a clinic's
 * Firebird database, a folder of Parquet files, and the deterministic generator.
 *
 * The pipeline's assets only ever see md_source: list the tables, ask a table's
 * schema, and scan a table as a stream of record batches, optionally projected to
 * some columns and optionally filtered to rows whose UPDATED_AT is newer than a
 * watermark (incremental runs). Each implementation does the filter where it is
 * cheapest: Firebird in its own SQL, the others while streaming.
 *
 * The tables and their columns are those of shared/spec/PIPELINE.md §1. */
#ifndef MEDALLION_SOURCE_H
#define MEDALLION_SOURCE_H

#include "medallion/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- interface */

typedef struct md_source md_source;               /* opaque; one implementation each */
typedef struct md_source_stream md_source_stream; /* one scan of one table */

void md_source_free(md_source *source);
/* "firebird", "parquet" or "generator" — also the bronze _source_system value. */
const char *md_source_kind(const md_source *source);
/* Tables in a stable order (Firebird: by name; folder: by file name; generator:
 * the order of PIPELINE.md §1). Borrowed names, valid until the source is freed. */
int md_source_num_tables(const md_source *source);
const char *md_source_table_name(const md_source *source, int i);
/* The table's columns as core fields. *out is the caller's (md_schema_free).
 * Table names match case-insensitively; MD_ERR_NOT_FOUND names the table. */
md_code md_source_table_schema(md_source *source, const char *table, md_schema **out, md_error *err);

typedef struct md_source_scan_options {
  /* Projection: the columns wanted, in this order; NULL (and num_columns 0) for all. */
  const char *const *columns;
  int num_columns;
  /* Incremental filter: only rows with UPDATED_AT > watermark (a timestamp in
   * microseconds, like the column). Rows with a null UPDATED_AT are excluded.
   * A table without UPDATED_AT is an MD_ERR_SCHEMA error when this is set. */
  bool has_watermark;
  int64_t watermark;
  /* Rows per batch; 0 for the default (65,536). A batch may hold fewer rows. */
  int64_t batch_rows;
} md_source_scan_options;

/* Starts a scan; options may be NULL (all columns, all rows). Errors for a missing
 * table or column name it. */
md_code md_source_scan(md_source *source, const char *table, const md_source_scan_options *options,
                       md_source_stream **out, md_error *err);
/* The next batch (the caller's: md_batch_free), or *out = NULL at the end. Rows
 * come in source order. */
md_code md_source_stream_next(md_source_stream *stream, md_batch **out, md_error *err);
/* The schema of the batches this stream returns. Borrowed. */
const md_schema *md_source_stream_schema(const md_source_stream *stream);
void md_source_stream_free(md_source_stream *stream);

/* ------------------------------------------------------- implementations */

/* A folder with one <table>.parquet per table (PIPELINE.md §1, development and
 * tests). The folder is listed at open; files are opened per scan. */
md_code md_source_open_parquet_folder(const char *dir, md_source **out, md_error *err);

typedef struct md_firebird_options {
  /* An embedded database ("/path/clinic.fdb") or a server
   * ("host:/path/clinic.fdb", "host/3051:/path/clinic.fdb", "host:alias"). */
  const char *connection;
  /* NULL: $FIREBIRD_USER, else SYSDBA. */
  const char *user;
  /* NULL: $FIREBIRD_PASSWORD, else none. Never printed or put in an error. */
  const char *password;
} md_firebird_options;

/* Attaches to the database (UTF-8 connection character set) and lists its user
 * tables. Errors name the host and database: unreachable server, wrong
 * credentials, missing database. */
md_code md_source_open_firebird(const md_firebird_options *options, md_source **out, md_error *err);

/* ------------------------------------------------------------- generator */

/* 2026-06-30 as days since 1970-01-01: the as_of of the reference data sets. */
#define MD_GENERATOR_DEFAULT_AS_OF 20634

typedef struct md_generator_options {
  double scale;    /* 1.0 ≈ 1,000,000 billing lines; must be > 0 */
  uint64_t seed;
  int32_t as_of;   /* date32 (days since 1970-01-01) */
} md_generator_options;

/* The synthetic data set of PIPELINE.md §7 as a source: every scan regenerates
 * its rows from (scale, seed, as_of), so equal options give equal rows, and
 * memory does not depend on scale. */
md_code md_source_open_generator(const md_generator_options *options, md_source **out, md_error *err);

/* Called after every batch written: table, rows written so far in this table,
 * and the table's expected total (an estimate for tables with random sizes). */
typedef void (*md_generate_progress_fn)(void *context, const char *table, int64_t rows_done,
                                        int64_t rows_expected);

typedef struct md_generate_options {
  md_generator_options data;
  const char *out_dir;                   /* DIR/<table>.parquet; NULL to skip Parquet */
  const md_firebird_options *firebird;   /* also load into this database; NULL to skip */
  md_generate_progress_fn progress;      /* may be NULL */
  void *progress_context;
} md_generate_options;

/* Writes the seven tables (identical bytes for identical options), creating
 * out_dir if needed, and/or creates and loads them into Firebird. */
md_code md_generate(const md_generate_options *options, md_error *err);

typedef struct md_generate_update_options {
  const char *base_dir;  /* a folder written by md_generate (or an earlier update) */
  double fraction;       /* share of each table's rows changed, 0..1 */
  uint64_t seed;
  const char *out_dir;   /* must differ from base_dir */
  md_generate_progress_fn progress;
  void *progress_context;
} md_generate_update_options;

/* The next state of the source for incremental-run tests: out_dir/<table>.parquet
 * holds base_dir's rows unchanged, followed by changed copies of about `fraction`
 * of the keyed rows and new rows, all with UPDATED_AT later than any in the base
 * table. Reference tables are rewritten in full with a few new codes. */
md_code md_generate_update(const md_generate_update_options *options, md_error *err);

/* Firebird DDL of §1 for a generated table, e.g. "CREATE TABLE BILLING (...)"; NULL
 * for unknown tables. Static string. */
const char *md_generator_table_ddl(const char *table);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_SOURCE_H */
