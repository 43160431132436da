/* hc_test_util.h — helpers for the healthcare tests: generate a small source,
 * run the pipeline through the library, load Parquet files into SQLite, and
 * render Delta tables and SQL results as sorted text rows for comparison. */
#ifndef MEDALLION_HC_TEST_UTIL_H
#define MEDALLION_HC_TEST_UTIL_H

#include <openssl/hmac.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthcare.h"
#include "medallion/medallion.h"
#include "medallion/pipeline.h"

#define HC_TEST_KEY "medallion-test-key"
#define HC_AS_OF_TEXT "2026-06-30"

static __attribute__((unused)) void hct_date_text(int32_t days, char *out, size_t size) {
  int64_t z = (int64_t)days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t y = yoe + era * 400 + (mp >= 10);
  snprintf(out, size, "%04d-%02d-%02d", (int)(y % 10000), (int)(mp < 10 ? mp + 3 : mp - 9),
           (int)(doy - (153 * mp + 2) / 5 + 1));
}

/* Generates the source (scale, seed) into <dir>/source. */
static __attribute__((unused)) void hct_generate(const char *dir, double scale, uint64_t seed) {
  char src[4096];
  snprintf(src, sizeof src, "%s/source", dir);
  md_generate_options g = {{scale, seed, MD_GENERATOR_DEFAULT_AS_OF}, src, NULL, NULL, NULL};
  md_error err;
  if (md_generate(&g, &err)) fail_msg("generate: %s", err.message);
}

/* Runs the pipeline on <dir>/source into <dir>/home; returns the run (caller frees). */
static __attribute__((unused)) md_run *hct_run(const char *dir, const char *run_id, char *duck_note, size_t duck_size) {
  char src[4096], home[4096];
  snprintf(src, sizeof src, "%s/source", dir);
  snprintf(home, sizeof home, "%s/home", dir);
  mkdir(home, 0777);
  md_error err;
  md_source *source = NULL;
  if (md_source_open_parquet_folder(src, &source, &err)) fail_msg("source: %s", err.message);
  md_pipeline *p = NULL;
  if (hc_pipeline_build(&p, &err)) fail_msg("build: %s", err.message);
  hc_config cfg = {.home = home, .source = source, .source_system = md_source_kind(source), .key = HC_TEST_KEY,
                   .key_length = strlen(HC_TEST_KEY), .as_of = MD_GENERATOR_DEFAULT_AS_OF,
                   .started_at_us = 1782777600000000LL, .libduckdb = "/nonexistent/libduckdb.so"};
  md_run_options o = {.run_id = run_id, .home = home, .resources = &cfg};
  md_run *run = NULL;
  if (md_pipeline_run(p, &o, &run, &err)) fail_msg("run: %s", err.message);
  if (duck_note) snprintf(duck_note, duck_size, "%s", cfg.duckdb_skipped);
  md_pipeline_free(p);
  md_source_free(source);
  return run;
}

static __attribute__((unused)) void hmac_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const unsigned char *v = sqlite3_value_text(argv[0]);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), HC_TEST_KEY, (int)strlen(HC_TEST_KEY), v, (size_t)sqlite3_value_bytes(argv[0]), mac, &len);
  char hex[65];
  for (unsigned i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", mac[i]);
  sqlite3_result_text(ctx, hex, 64, SQLITE_TRANSIENT);
}

/* Loads <dir>/source/<table>.parquet as table src_<table> with a _rowid column
 * (source order). Decimals become integer cents, dates ISO text, timestamps µs. */
static __attribute__((unused)) void hct_load(sqlite3 *db, const char *dir, const char *table) {
  char path[4096];
  snprintf(path, sizeof path, "%s/source/%s.parquet", dir, table);
  md_parquet_reader *r = NULL;
  md_error err;
  if (md_parquet_reader_open(path, &r, &err)) fail_msg("%s", err.message);
  const md_schema *s = md_parquet_reader_schema(r);
  int n = md_schema_num_fields(s);
  char sql[8192], ins[8192];
  int k = snprintf(sql, sizeof sql, "CREATE TABLE src_%s(_rowid INTEGER", table);
  int q = snprintf(ins, sizeof ins, "INSERT INTO src_%s VALUES(?", table);
  for (int i = 0; i < n; i++) {
    k += snprintf(sql + k, sizeof sql - (size_t)k, ", %s", md_field_name(md_schema_field(s, i)));
    q += snprintf(ins + q, sizeof ins - (size_t)q, ",?");
  }
  snprintf(sql + k, sizeof sql - (size_t)k, ")");
  snprintf(ins + q, sizeof ins - (size_t)q, ")");
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, ins, -1, &st, NULL), SQLITE_OK);
  int64_t rowid = 0;
  for (int g = 0; g < md_parquet_reader_num_row_groups(r); g++) {
    md_batch *b = NULL;
    if (md_parquet_reader_read_row_group(r, g, NULL, -1, &b, &err)) fail_msg("%s", err.message);
    for (int64_t row = 0; row < md_batch_num_rows(b); row++) {
      sqlite3_bind_int64(st, 1, rowid++);
      for (int c = 0; c < n; c++) {
        const md_column *col = md_batch_column(b, c);
        const uint8_t *v = md_column_values(col);
        md_type t = md_column_type(col);
        if (md_column_is_null(col, row)) {
          sqlite3_bind_null(st, c + 2);
        } else if (t.id == MD_TYPE_UTF8) {
          const int32_t *off = md_column_offsets(col);
          sqlite3_bind_text(st, c + 2, (const char *)md_column_data(col) + off[row], off[row + 1] - off[row],
                            SQLITE_TRANSIENT);
        } else if (t.id == MD_TYPE_INT32) {
          sqlite3_bind_int64(st, c + 2, ((const int32_t *)v)[row]);
        } else if (t.id == MD_TYPE_INT64 || t.id == MD_TYPE_TIMESTAMP) {
          sqlite3_bind_int64(st, c + 2, ((const int64_t *)v)[row]);
        } else if (t.id == MD_TYPE_DECIMAL128) {
          int64_t low;
          memcpy(&low, v + 16 * row, 8);
          sqlite3_bind_int64(st, c + 2, low);
        } else if (t.id == MD_TYPE_DATE32) {
          char d[32];
          hct_date_text(((const int32_t *)v)[row], d, sizeof d);
          sqlite3_bind_text(st, c + 2, d, -1, SQLITE_TRANSIENT);
        } else {
          fail_msg("%s: unexpected type %d", table, t.id);
        }
      }
      assert_int_equal(sqlite3_step(st), SQLITE_DONE);
      sqlite3_reset(st);
    }
    md_batch_free(b);
  }
  sqlite3_finalize(st);
  md_parquet_reader_free(r);
}

/* Writes batch as the Parquet file path (replacing it). */
static __attribute__((unused)) void hct_write_parquet(const char *path, const md_batch *batch) {
  md_parquet_writer *w = NULL;
  assert_int_equal(md_parquet_writer_open(path, md_batch_schema(batch), NULL, &w, NULL), MD_OK);
  assert_int_equal(md_parquet_writer_write(w, batch, NULL), MD_OK);
  assert_int_equal(md_parquet_writer_close(w, NULL), MD_OK);
  md_parquet_writer_free(w);
}

/* Reads the Parquet file at path whole (all row groups, concatenated). */
static __attribute__((unused)) md_batch *hct_read_parquet(const char *path) {
  md_parquet_reader *r = NULL;
  md_error err;
  if (md_parquet_reader_open(path, &r, &err)) fail_msg("%s", err.message);
  md_batch *parts[64];
  int n = md_parquet_reader_num_row_groups(r);
  assert_true(n > 0 && n <= 64);
  for (int g = 0; g < n; g++)
    if (md_parquet_reader_read_row_group(r, g, NULL, -1, &parts[g], &err)) fail_msg("%s", err.message);
  md_parquet_reader_free(r);
  md_batch *all = NULL;
  if (md_batch_concat(md_batch_schema(parts[0]), parts, n, &all, &err)) fail_msg("%s", err.message);
  for (int g = 0; g < n; g++) md_batch_free(parts[g]);
  return all;
}

/* Rewrites the source file at path with `column` replaced by the expression
 * (appended when the file lacks the column), or dropped when value is NULL.
 * Takes ownership of value. How the tests make a source file drift. */
static __attribute__((unused)) void hct_rewrite_column(const char *path, const char *column, md_expr *value) {
  md_batch *b = hct_read_parquet(path);
  const md_schema *s = md_batch_schema(b);
  md_expr *exprs[32];
  const char *names[32];
  int n = 0;
  bool found = false;
  for (int i = 0; i < md_schema_num_fields(s) && n < 31; i++) {
    const char *name = md_field_name(md_schema_field(s, i));
    bool is_column = strcmp(name, column) == 0;
    found |= is_column;
    if (is_column && !value) continue;
    exprs[n] = is_column ? md_expr_copy(value) : md_col(name);
    names[n++] = name;
  }
  if (!found && value) {
    exprs[n] = md_expr_copy(value);
    names[n++] = column;
  }
  md_expr_free(value);
  md_batch *const list[1] = {b};
  md_plan *p = md_plan_project(md_plan_from_batches(s, list, 1), exprs, names, n);
  md_batch *out = NULL;
  md_error err;
  if (md_plan_collect(p, NULL, &out, &err)) fail_msg("%s", err.message);
  md_plan_free(p);
  hct_write_parquet(path, out);
  md_batch_free(out);
  md_batch_free(b);
}

/* ------------------------------------------------------------ row text */

typedef struct hct_rows {
  char **rows;
  int64_t count, cap;
} hct_rows;

static __attribute__((unused)) void rows_add(hct_rows *r, const char *line) {
  if (r->count == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 256;
    r->rows = realloc(r->rows, (size_t)r->cap * sizeof *r->rows);
  }
  r->rows[r->count++] = strdup(line);
}

static __attribute__((unused)) int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static __attribute__((unused)) void rows_free(hct_rows *r) {
  for (int64_t i = 0; i < r->count; i++) free(r->rows[i]);
  free(r->rows);
}

static __attribute__((unused)) void cell(char *line, size_t size, size_t *used, const char *text) {
  int w = snprintf(line + *used, size - *used, "%s%s", *used ? "|" : "", text);
  if (w > 0) *used += (size_t)w;
  if (*used >= size) *used = size - 1;
}

/* Rows of a Delta table over the columns not starting with '_' (plus
 * _reject_reason), values rendered like the SQL side; all columns when
 * all_columns, except the one named skip (may be NULL). */
static const md_schema *hct_order_schema_;
static __attribute__((unused)) int hct_cmp_column_name(const void *a, const void *b) {
  return strcmp(md_field_name(md_schema_field(hct_order_schema_, *(const int *)a)),
                md_field_name(md_schema_field(hct_order_schema_, *(const int *)b)));
}

/* The latest snapshot of the Delta table at path, open for a scan of all
 * columns; fails the test naming the table. Close with hct_scan_close. */
typedef struct hct_scan {
  md_delta_table *table;
  md_delta_snapshot *snapshot;
  md_delta_scan *scan;
} hct_scan;

static __attribute__((unused)) hct_scan hct_scan_latest(const char *path) {
  hct_scan h = {0};
  md_error err;
  if (md_delta_table_open(path, &h.table, &err) || md_delta_snapshot_at_version(h.table, -1, &h.snapshot, &err) ||
      md_delta_scan_new(h.snapshot, NULL, -1, &h.scan, &err))
    fail_msg("%s: %s", path, err.message);
  return h;
}

static __attribute__((unused)) void hct_scan_close(hct_scan *h) {
  md_delta_scan_free(h->scan);
  md_delta_snapshot_free(h->snapshot);
  md_delta_table_free(h->table);
  memset(h, 0, sizeof *h);
}

/* As hct_delta_rows_ex; by_name renders the columns sorted by name, so a
 * table whose schema evolved (new columns at the end) compares equal to one
 * written with the column in place. */
static __attribute__((unused)) hct_rows hct_delta_rows_ordered(const char *path, bool all_columns, const char *skip,
                                                               bool by_name) {
  md_batch *b = NULL;
  md_error err;
  hct_rows out = {0};
  hct_scan h = hct_scan_latest(path);
  while (md_delta_scan_next(h.scan, &b, &err) == MD_OK && b) {
    const md_schema *sc = md_batch_schema(b);
    int order[256];
    for (int c = 0; c < md_batch_num_columns(b) && c < 256; c++) order[c] = c;
    hct_order_schema_ = sc;
    if (by_name) qsort(order, (size_t)md_batch_num_columns(b), sizeof *order, hct_cmp_column_name);
    for (int64_t row = 0; row < md_batch_num_rows(b); row++) {
      char line[4096];
      size_t used = 0;
      line[0] = '\0';
      for (int k = 0; k < md_batch_num_columns(b); k++) {
        int c = order[k];
        const char *name = md_field_name(md_schema_field(sc, c));
        if (!all_columns && name[0] == '_' && strcmp(name, "_reject_reason") != 0) continue;
        if (skip && strcmp(name, skip) == 0) continue;
        const md_column *col = md_batch_column(b, c);
        const uint8_t *v = md_column_values(col);
        md_type ty = md_column_type(col);
        char text[512];
        if (md_column_is_null(col, row)) snprintf(text, sizeof text, "NULL");
        else if (ty.id == MD_TYPE_UTF8) {
          const int32_t *off = md_column_offsets(col);
          int len = off[row + 1] - off[row];
          snprintf(text, sizeof text, "%.*s", len < 500 ? len : 500, (const char *)md_column_data(col) + off[row]);
        } else if (ty.id == MD_TYPE_BOOL) snprintf(text, sizeof text, "%d", md_bit_get(v, row) ? 1 : 0);
        else if (ty.id == MD_TYPE_INT32) snprintf(text, sizeof text, "%d", ((const int32_t *)v)[row]);
        else if (ty.id == MD_TYPE_INT64 || ty.id == MD_TYPE_TIMESTAMP)
          snprintf(text, sizeof text, "%lld", (long long)((const int64_t *)v)[row]);
        else if (ty.id == MD_TYPE_FLOAT64) snprintf(text, sizeof text, "%.9g", ((const double *)v)[row]);
        else if (ty.id == MD_TYPE_DATE32) hct_date_text(((const int32_t *)v)[row], text, sizeof text);
        else if (ty.id == MD_TYPE_DECIMAL128) {
          int64_t low;
          memcpy(&low, v + 16 * row, 8);
          snprintf(text, sizeof text, "%lld", (long long)low);
        } else snprintf(text, sizeof text, "?type%d", ty.id);
        cell(line, sizeof line, &used, text);
      }
      rows_add(&out, line);
    }
    md_batch_free(b);
  }
  hct_scan_close(&h);
  if (out.count) qsort(out.rows, (size_t)out.count, sizeof *out.rows, cmp_str);
  return out;
}

static __attribute__((unused)) hct_rows hct_delta_rows_ex(const char *path, bool all_columns, const char *skip) {
  return hct_delta_rows_ordered(path, all_columns, skip, false);
}

static __attribute__((unused)) hct_rows hct_delta_rows(const char *path) { return hct_delta_rows_ex(path, false, NULL); }

static __attribute__((unused)) hct_rows hct_sql_rows(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("SQL: %s\n%s", sqlite3_errmsg(db), sql);
  hct_rows out = {0};
  while (sqlite3_step(st) == SQLITE_ROW) {
    char line[4096];
    size_t used = 0;
    line[0] = '\0';
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      char text[512];
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_NULL: snprintf(text, sizeof text, "NULL"); break;
        case SQLITE_INTEGER: snprintf(text, sizeof text, "%lld", (long long)sqlite3_column_int64(st, c)); break;
        case SQLITE_FLOAT: snprintf(text, sizeof text, "%.9g", sqlite3_column_double(st, c)); break;
        default: snprintf(text, sizeof text, "%.500s", (const char *)sqlite3_column_text(st, c)); break;
      }
      cell(line, sizeof line, &used, text);
    }
    rows_add(&out, line);
  }
  sqlite3_finalize(st);
  qsort(out.rows, (size_t)out.count, sizeof *out.rows, cmp_str);
  return out;
}

/* Compares as multisets; prints up to 5 differing rows each way. */
static __attribute__((unused)) int hct_compare(const char *what, hct_rows *got, hct_rows *want) {
  int64_t i = 0, j = 0, shown = 0, diffs = 0;
  while (i < got->count || j < want->count) {
    int c = i >= got->count ? 1 : j >= want->count ? -1 : strcmp(got->rows[i], want->rows[j]);
    if (c == 0) {
      i++;
      j++;
      continue;
    }
    diffs++;
    if (shown++ < 6) fprintf(stderr, "%s: %s %s\n", what, c < 0 ? "only in pipeline:" : "only in SQL:     ", c < 0 ? got->rows[i] : want->rows[j]);
    if (c < 0) i++;
    else j++;
  }
  if (diffs) fprintf(stderr, "%s: %lld differing rows (pipeline %lld, SQL %lld)\n", what, (long long)diffs,
                     (long long)got->count, (long long)want->count);
  return diffs ? 1 : 0;
}

#endif
