/* compute_test_util.h — small builders shared by the compute tests: columns
 * from C arrays (with a null marker), one-batch sources, and row access. */
#ifndef MEDALLION_COMPUTE_TEST_UTIL_H
#define MEDALLION_COMPUTE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/compute.h"

#define NUL INT64_MIN /* marks a null in int arrays */

static inline md_column *int_col(md_type_id id, const int64_t *v, int n) {
  md_column *c = md_column_new(md_type_make(id));
  for (int i = 0; i < n; i++) {
    if (v[i] == NUL) md_column_append_null(c, NULL);
    else md_column_append_int(c, v[i], NULL);
  }
  return c;
}

static inline md_column *str_col(const char *const *v, int n) {
  md_column *c = md_column_new(md_type_make(MD_TYPE_UTF8));
  for (int i = 0; i < n; i++) {
    if (!v[i]) md_column_append_null(c, NULL);
    else md_column_append_bytes(c, v[i], (int64_t)strlen(v[i]), NULL);
  }
  return c;
}

static inline md_column *dec_col(int p, int s, const int64_t *v, int n) {
  md_column *c = md_column_new(md_type_decimal(p, s));
  for (int i = 0; i < n; i++) {
    if (v[i] == NUL) md_column_append_null(c, NULL);
    else md_column_append_decimal(c, v[i] < 0 ? -1 : 0, (uint64_t)v[i], NULL);
  }
  return c;
}

static inline md_column *dbl_col(const double *v, const bool *null, int n) {
  md_column *c = md_column_new(md_type_make(MD_TYPE_FLOAT64));
  for (int i = 0; i < n; i++) {
    if (null && null[i]) md_column_append_null(c, NULL);
    else md_column_append_double(c, v[i], NULL);
  }
  return c;
}

/* A batch from name/column pairs; takes ownership of the columns. */
static inline md_batch *make_batch(int n, const char *const *names, md_column **cols) {
  md_schema *schema = md_schema_new();
  for (int i = 0; i < n; i++) md_schema_add(schema, md_field_new(names[i], md_column_type(cols[i]), true), NULL);
  md_batch *batch = NULL;
  md_error err;
  if (md_batch_new(schema, cols, n, &batch, &err) != MD_OK) {
    fprintf(stderr, "make_batch: %s\n", err.message);
    return NULL;
  }
  return batch;
}

static inline bool col_null(const md_column *c, int64_t i) { return md_column_is_null(c, i); }
static inline int64_t col_int(const md_column *c, int64_t i) {
  switch (md_column_type(c).id) {
    case MD_TYPE_INT8: return ((const int8_t *)md_column_values(c))[i];
    case MD_TYPE_INT16: return ((const int16_t *)md_column_values(c))[i];
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32: return ((const int32_t *)md_column_values(c))[i];
    default: return ((const int64_t *)md_column_values(c))[i];
  }
}
static inline bool col_bool(const md_column *c, int64_t i) { return md_bit_get(md_column_values(c), i); }
static inline double col_dbl(const md_column *c, int64_t i) { return ((const double *)md_column_values(c))[i]; }
static inline int64_t col_dec_low(const md_column *c, int64_t i) {
  int64_t v;
  memcpy(&v, (const uint8_t *)md_column_values(c) + 16 * i, 8);
  return v;
}
/* Row i of a utf8 column as a NUL-terminated string in a static buffer. */
static inline const char *col_str(const md_column *c, int64_t i) {
  static char buf[512];
  const int32_t *o = md_column_offsets(c);
  int len = o[i + 1] - o[i];
  if (len > 511) len = 511;
  if (len > 0) memcpy(buf, md_column_data(c) + o[i], (size_t)len);
  buf[len] = '\0';
  return buf;
}

#endif
