/* source_compare.h — value-by-value comparison of columns and whole table scans,
 * shared by the source tests (header-only: each test is one program). */
#ifndef MEDALLION_TEST_SOURCE_COMPARE_H
#define MEDALLION_TEST_SOURCE_COMPARE_H

#include <stdio.h>
#include <string.h>

#include "medallion/source.h"

/* true if equal; otherwise why says where they first differ. */
static inline bool compare_column_rows(const md_column *a, int64_t a_offset, const md_column *b, int64_t b_offset,
                                int64_t rows, char *why, size_t size) {
  if (!md_type_equal(md_column_type(a), md_column_type(b))) {
    char ta[64], tb[64];
    md_type_to_string(md_column_type(a), ta, sizeof ta);
    md_type_to_string(md_column_type(b), tb, sizeof tb);
    snprintf(why, size, "types differ: %s vs %s", ta, tb);
    return false;
  }
  md_type type = md_column_type(a);
  int width = md_type_fixed_width(type);
  for (int64_t i = 0; i < rows; i++) {
    int64_t ra = a_offset + i, rb = b_offset + i;
    bool na = md_column_is_null(a, ra), nb = md_column_is_null(b, rb);
    if (na != nb) {
      snprintf(why, size, "row %lld: null %d vs %d", (long long)i, na, nb);
      return false;
    }
    if (na) continue;
    bool same;
    if (md_type_is_variable(type)) {
      const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
      int32_t la = oa[ra + 1] - oa[ra], lb = ob[rb + 1] - ob[rb];
      same = la == lb && memcmp(md_column_data(a) + oa[ra], md_column_data(b) + ob[rb], (size_t)la) == 0;
      if (!same) {
        snprintf(why, size, "row %lld: '%.*s' vs '%.*s'", (long long)i, (int)la, md_column_data(a) + oa[ra], (int)lb,
                 md_column_data(b) + ob[rb]);
        return false;
      }
    } else if (type.id == MD_TYPE_BOOL) {
      same = md_bit_get(md_column_values(a), ra) == md_bit_get(md_column_values(b), rb);
    } else {
      same = memcmp((const uint8_t *)md_column_values(a) + ra * width, (const uint8_t *)md_column_values(b) + rb * width,
                    (size_t)width) == 0;
    }
    if (!same) {
      snprintf(why, size, "row %lld: values differ", (long long)i);
      return false;
    }
  }
  return true;
}

/* Reads a whole scan into one batch per column (concatenated). Returns the
 * number of rows, or -1 on error (message in err). columns[] gets new columns. */
static inline int64_t scan_all(md_source *source, const char *table, const md_source_scan_options *options,
                        md_column **columns, int max_columns, int *num_columns, md_error *err) {
  md_source_stream *stream = NULL;
  if (md_source_scan(source, table, options, &stream, err) != MD_OK) return -1;
  const md_schema *schema = md_source_stream_schema(stream);
  int n = md_schema_num_fields(schema);
  if (n > max_columns) n = max_columns;
  for (int i = 0; i < n; i++) columns[i] = md_column_new(md_field_type(md_schema_field(schema, i)));
  *num_columns = n;
  int64_t rows = 0;
  for (;;) {
    md_batch *batch = NULL;
    if (md_source_stream_next(stream, &batch, err) != MD_OK) {
      md_source_stream_free(stream);
      return -1;
    }
    if (!batch) break;
    for (int i = 0; i < n; i++) md_column_append_column(columns[i], md_batch_column(batch, i), err);
    rows += md_batch_num_rows(batch);
    md_batch_free(batch);
  }
  md_source_stream_free(stream);
  return rows;
}

/* Compares one table of two sources, column by column; prints the difference. */
static inline bool compare_tables(md_source *a, md_source *b, const char *table, int64_t *rows_out) {
  md_column *ca[32] = {0}, *cb[32] = {0};
  int na = 0, nb = 0;
  md_error err;
  int64_t ra = scan_all(a, table, NULL, ca, 32, &na, &err);
  if (ra < 0) {
    fprintf(stderr, "%s: %s\n", table, err.message);
    return false;
  }
  int64_t rb = scan_all(b, table, NULL, cb, 32, &nb, &err);
  bool ok = rb >= 0;
  if (!ok) fprintf(stderr, "%s: %s\n", table, err.message);
  if (ok && (ra != rb || na != nb)) {
    fprintf(stderr, "%s: %lld rows x %d columns vs %lld x %d\n", table, (long long)ra, na, (long long)rb, nb);
    ok = false;
  }
  md_schema *sa = NULL, *sb = NULL;
  if (ok && (md_source_table_schema(a, table, &sa, &err) != MD_OK || md_source_table_schema(b, table, &sb, &err) != MD_OK)) {
    fprintf(stderr, "%s: %s\n", table, err.message);
    ok = false;
  }
  for (int i = 0; ok && i < na; i++) {
    char why[256];
    if (strcmp(md_field_name(md_schema_field(sa, i)), md_field_name(md_schema_field(sb, i))) != 0) {
      fprintf(stderr, "%s: column %d named %s vs %s\n", table, i, md_field_name(md_schema_field(sa, i)),
              md_field_name(md_schema_field(sb, i)));
      ok = false;
    } else if (!compare_column_rows(ca[i], 0, cb[i], 0, ra, why, sizeof why)) {
      fprintf(stderr, "%s.%s: %s\n", table, md_field_name(md_schema_field(sa, i)), why);
      ok = false;
    }
  }
  md_schema_free(sa);
  md_schema_free(sb);
  for (int i = 0; i < 32; i++) {
    md_column_free(ca[i]);
    md_column_free(cb[i]);
  }
  if (rows_out) *rows_out = ra;
  return ok;
}

#endif
