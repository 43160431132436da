/* duckdb_api.h — our own declarations of the few functions of DuckDB's
 * documented C API (duckdb.h) that the DuckDB output calls, for loading
 * libduckdb.so with dlopen: no DuckDB header or library is needed to build. */
#ifndef MEDALLION_DUCKDB_API_H
#define MEDALLION_DUCKDB_API_H

#include <stdint.h>

typedef uint64_t duckdb_idx_t;
typedef enum { DUCKDB_SUCCESS = 0, DUCKDB_ERROR = 1 } duckdb_state;
typedef struct duckdb_database_s { void *internal_ptr; } *duckdb_database;
typedef struct duckdb_connection_s { void *internal_ptr; } *duckdb_connection;
/* The C API's result struct (its first five fields are deprecated but keep
 * their places in the layout). */
typedef struct duckdb_result {
  duckdb_idx_t deprecated_column_count;
  duckdb_idx_t deprecated_row_count;
  duckdb_idx_t deprecated_rows_changed;
  void *deprecated_columns;
  char *deprecated_error_message;
  void *internal_data;
} duckdb_result;

typedef struct duckdb_api {
  void *handle;
  duckdb_state (*open)(const char *path, duckdb_database *out);
  void (*close)(duckdb_database *db);
  duckdb_state (*connect)(duckdb_database db, duckdb_connection *out);
  void (*disconnect)(duckdb_connection *con);
  duckdb_state (*query)(duckdb_connection con, const char *sql, duckdb_result *out);
  void (*destroy_result)(duckdb_result *result);
  const char *(*result_error)(duckdb_result *result);
} duckdb_api;

#endif
