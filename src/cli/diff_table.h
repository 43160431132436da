/* diff_table.h — a table of `medallion diff` in memory: its columns (those not
 * starting with '_', PIPELINE.md §6) and its rows as comparable cells, loaded
 * from a Delta table directory, a Parquet file, FILE.sqlite:TABLE or
 * FILE.duckdb:TABLE.
 *
 * Every store ends up as text cells, except floating-point values, which keep
 * their double for the relative 1e-9 comparison: decimals as exact text
 * ("1234.50"), dates as ISO text, integers as digits, strings as their bytes.
 * That is the form in which SQLite holds our decimals and dates, so the four
 * stores compare directly. */
#ifndef MEDALLION_CLI_DIFF_TABLE_H
#define MEDALLION_CLI_DIFF_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum diff_kind { DIFF_NULL = 0, DIFF_FLOAT, DIFF_TEXT } diff_kind;

typedef struct diff_cell {
  diff_kind kind;
  double number; /* DIFF_FLOAT */
  char *text;    /* DIFF_TEXT: the value; DIFF_FLOAT: how it prints; NULL for DIFF_NULL */
} diff_cell;

typedef struct diff_table {
  int num_columns;
  char **names;
  int64_t num_rows;
  diff_cell *cells; /* row-major: cells[row * num_columns + column] */
} diff_table;

/* Loads spec (see above; libduckdb may be NULL). On error writes one line to
 * message and returns false. */
bool diff_table_load(const char *spec, const char *libduckdb, diff_table *out, char *message, size_t size);
void diff_table_free(diff_table *table);

#endif
