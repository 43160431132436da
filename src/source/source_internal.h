/* source_internal.h — how an md_source implementation plugs in: a table of
 * functions per kind, plus the projection/watermark helpers every kind that
 * cannot push them down (Parquet folder, generator) shares.
 *
 * Private to src/source. */
#ifndef MEDALLION_SOURCE_INTERNAL_H
#define MEDALLION_SOURCE_INTERNAL_H

#include "medallion/source.h"

#define SOURCE_DEFAULT_BATCH_ROWS 65536

typedef struct source_vtable {
  const char *kind;
  /* Frees the implementation's state (source->impl), not the table names. */
  void (*free_impl)(void *impl);
  md_code (*table_schema)(md_source *source, int table, md_schema **out, md_error *err);
  /* table is an index into source->tables; options are filled (never NULL). */
  md_code (*scan)(md_source *source, int table, const md_source_scan_options *options,
                  md_source_stream **out, md_error *err);
} source_vtable;

struct md_source {
  const source_vtable *vtable;
  void *impl;
  int num_tables;
  char **tables; /* owned */
  char *label;   /* owned; names the source in errors, e.g. "firebird (host db, database /x.fdb)" */
};

typedef struct stream_vtable {
  md_code (*next)(md_source_stream *stream, md_batch **out, md_error *err);
  void (*free_impl)(void *impl);
} stream_vtable;

struct md_source_stream {
  const stream_vtable *vtable;
  void *impl;
  md_schema *schema; /* owned: the schema of the batches returned */
};

/* A source with no tables yet; takes ownership of impl (freed with free_impl on
 * failure). NULL on allocation failure. */
md_source *source_new(const source_vtable *vtable, void *impl);
/* Sets the label errors start with (printf format). */
md_code source_set_label(md_source *source, md_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The label, or the kind when none was set. */
const char *source_label(const md_source *source);
/* Appends a copy of name to the table list. */
md_code source_add_table(md_source *source, const char *name, md_error *err);
/* Takes ownership of impl and schema (both freed on failure). */
md_code source_stream_new(const stream_vtable *vtable, void *impl, md_schema *schema,
                          md_source_stream **out, md_error *err);

/* ASCII case-insensitive equality, for table and column names. */
bool source_name_equal(const char *a, const char *b);

/* What a scan of a table with schema `full` must return: the indices of the
 * projected columns in `full` and the index of UPDATED_AT (-1 when no
 * watermark). Errors name the table and the missing column. *columns is
 * malloc'ed; *out_schema is the projected schema. */
md_code source_plan_scan(const md_schema *full, const char *table, const md_source_scan_options *options,
                         int **columns, int *num_columns, int *updated_at, md_schema **out_schema,
                         md_error *err);

/* Projects and filters one full batch: keeps `columns` (in that order) and, when
 * updated_at >= 0, only rows whose UPDATED_AT > watermark. Takes ownership of
 * batch. *out may hold zero rows. */
md_code source_select(md_batch *batch, const int *columns, int num_columns, const md_schema *schema,
                      int updated_at, int64_t watermark, md_batch **out, md_error *err);

/* A stream that pulls full batches from `inner` and hands out projected and
 * filtered ones, skipping empty batches. Takes ownership of inner. */
md_code source_select_stream(md_source_stream *inner, const char *table,
                             const md_source_scan_options *options, md_source_stream **out, md_error *err);

#endif
