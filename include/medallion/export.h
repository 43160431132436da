/* export.h — legacy-compatible outputs (PIPELINE.md §5): tables written into a
 * SQLite database file or a DuckDB database file, replacing the previous file
 * atomically (everything goes to a temporary file in the same directory that
 * is renamed over the target), so a reader never sees a half-written table.
 *
 * Types: integers → INTEGER/BIGINT, float64 → REAL/DOUBLE, utf8 → TEXT/VARCHAR,
 * bool → INTEGER 0/1 (SQLite) / BOOLEAN, date32 → DATE (SQLite: ISO text),
 * decimal(p,s) → exact text such as "1234.50" in SQLite (a DECIMAL column would
 * round through REAL), DECIMAL(p,s) in DuckDB. */
#ifndef MEDALLION_EXPORT_H
#define MEDALLION_EXPORT_H

#include "medallion/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_export_table {
  const char *name;       /* table name in the database, e.g. "gold_monthly_revenue" */
  const md_batch *batch;  /* borrowed */
} md_export_table;

/* Writes every table into a new SQLite file and renames it over path. */
md_code md_export_sqlite(const char *path, const md_export_table *tables, int num_tables, md_error *err);

/* Writes every table into a new DuckDB file through libduckdb's C API, loaded
 * with dlopen from libduckdb_path (NULL: "libduckdb.so" on the loader's path).
 * MD_ERR_NOT_FOUND, with the reason, when the library cannot be loaded: the
 * caller may treat that as "DuckDB output skipped". */
md_code md_export_duckdb(const char *path, const char *libduckdb_path, const md_export_table *tables, int num_tables,
                         md_error *err);

/* Copies a table of a DuckDB database file into a Parquet file (DuckDB's own
 * COPY ... TO, types kept), so that tools reading Parquet can read it, e.g.
 * `medallion diff`. Library loading as for md_export_duckdb. */
md_code md_duckdb_copy_to_parquet(const char *db_path, const char *table, const char *libduckdb_path,
                                  const char *parquet_path, md_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_EXPORT_H */
