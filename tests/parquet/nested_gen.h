/* nested_gen.h — shared by the test_nested_*.c programs: random nested schemas
 * (LIST, STRUCT, MAP up to depth 4, random nullability) with random rows that
 * hit the cases record shredding must keep apart (null lists, empty lists,
 * lists of nulls, null structs, structs of nulls, empty maps), and a renderer
 * that prints core rows as the canonical JSON lines of
 * shared/conformance/parquet/README.md, so that our columns can be compared
 * with what DuckDB and Polars read.
 *
 * Nulls are sometimes "dirty", as Arrow allows: a null list still spans child
 * values and a null struct still has field values; a writer must ignore them.
 * Leaf values stay simple to print exactly (ints below 2^53, doubles in
 * quarters, lower-case ASCII strings). Header-only: one program per test file. */
#ifndef MEDALLION_TEST_NESTED_GEN_H
#define MEDALLION_TEST_NESTED_GEN_H

#include "support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"

/* ------------------------------------------------------------------ random */

typedef struct rng {
  uint64_t state;
} rng;

static inline uint64_t rng_next(rng *r) {
  /* splitmix64: tiny, and every seed gives a good stream. */
  uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline int rng_below(rng *r, int n) { return (int)(rng_next(r) % (uint64_t)n); }
static inline bool rng_percent(rng *r, int percent) { return rng_below(r, 100) < percent; }

/* ------------------------------------------------------------------ schemas */

static inline md_field *gen_child(md_field *parent, md_field *child) {
  md_error err;
  assert_non_null(child);
  if (md_field_add_child(parent, child, &err) != MD_OK) fail_msg("add child: %s", err.message);
  return parent;
}

static inline md_field *gen_leaf_field(rng *r, const char *name, bool nullable) {
  static const md_type_id leaf_types[] = {MD_TYPE_INT32, MD_TYPE_INT64, MD_TYPE_UTF8, MD_TYPE_BOOL, MD_TYPE_FLOAT64};
  md_type_id id = leaf_types[rng_below(r, (int)(sizeof leaf_types / sizeof leaf_types[0]))];
  return md_field_new(name, md_type_make(id), nullable);
}

/* A random field with at most `depth` levels of nesting below it. Names are
 * the ones our reader gives back (element, key_value, key, value), so that a
 * round trip keeps the schema equal. */
static inline md_field *gen_field(rng *r, const char *name, bool nullable, int depth) {
  int kind = depth > 0 ? rng_below(r, 4) : 0; /* leaf, list, struct, map */
  if (kind == 0) return gen_leaf_field(r, name, nullable);
  if (kind == 1) {
    md_field *list = md_field_new(name, md_type_make(MD_TYPE_LIST), nullable);
    return gen_child(list, gen_field(r, "element", rng_percent(r, 70), depth - 1));
  }
  if (kind == 2) {
    md_field *st = md_field_new(name, md_type_make(MD_TYPE_STRUCT), nullable);
    int fields = 1 + rng_below(r, 3);
    for (int i = 0; i < fields; i++) {
      char child[16];
      snprintf(child, sizeof child, "f%d", i);
      gen_child(st, gen_field(r, child, rng_percent(r, 70), depth - 1));
    }
    return st;
  }
  md_field *map = md_field_new(name, md_type_make(MD_TYPE_MAP), nullable);
  md_field *entries = md_field_new("key_value", md_type_make(MD_TYPE_STRUCT), false);
  bool string_keys = rng_percent(r, 50);
  gen_child(entries, md_field_new("key", md_type_make(string_keys ? MD_TYPE_UTF8 : MD_TYPE_INT32), false));
  gen_child(entries, gen_field(r, "value", rng_percent(r, 70), depth - 1));
  return gen_child(map, entries);
}

/* "id" (int64, required, the row number) and 1..max_fields random fields. */
static inline md_schema *gen_schema(rng *r, int max_fields, int max_depth) {
  md_error err;
  md_schema *schema = md_schema_new();
  assert_non_null(schema);
  if (md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), &err) != MD_OK)
    fail_msg("%s", err.message);
  int fields = 1 + rng_below(r, max_fields);
  for (int i = 0; i < fields; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    /* At least one level of nesting: flat columns have their own tests. */
    md_field *field = gen_field(r, name, rng_percent(r, 60), 1 + rng_below(r, max_depth));
    if (!md_type_is_nested(md_field_type(field))) {
      md_field *list = md_field_new(name, md_type_make(MD_TYPE_LIST), md_field_nullable(field));
      md_field *element = md_field_new("element", md_field_type(field), true);
      md_field_free(field);
      field = gen_child(list, element);
    }
    if (md_schema_add(schema, field, &err) != MD_OK) fail_msg("%s", err.message);
  }
  return schema;
}

/* ------------------------------------------------------------------- values */

static inline void gen_check(md_code code, const md_error *err) {
  if (code != MD_OK) fail_msg("building a column: %s", err->message);
}

/* Marks the last row null after a full value was appended (a dirty null). */
static inline void gen_null_last(md_column *column) {
  md_error err;
  uint8_t *validity = md_column_validity_mut(column, &err);
  if (!validity) fail_msg("validity: %s", err.message);
  md_bit_clear(validity, md_column_length(column) - 1);
  md_column_set_length(column, md_column_length(column));
}

static inline void gen_leaf_value(rng *r, md_column *column, int64_t key) {
  md_error err;
  md_code code = MD_OK;
  switch (md_column_type(column).id) {
    case MD_TYPE_BOOL: code = md_column_append_bool(column, rng_percent(r, 50), &err); break;
    case MD_TYPE_INT32:
      code = md_column_append_int(column, key >= 0 ? key : (int64_t)rng_below(r, 2001) - 1000, &err);
      break;
    case MD_TYPE_INT64:
      code = md_column_append_int(column, (int64_t)(rng_next(r) % (1ull << 52)) - (1ll << 51), &err);
      break;
    case MD_TYPE_FLOAT64: code = md_column_append_double(column, (rng_below(r, 4001) - 2000) / 4.0, &err); break;
    case MD_TYPE_UTF8: {
      char text[16];
      int n;
      if (key >= 0) {
        n = snprintf(text, sizeof text, "k%" PRId64, key);
      } else {
        /* Few distinct strings, so that dictionaries have repeats. */
        n = rng_below(r, 6);
        for (int i = 0; i < n; i++) text[i] = (char)('a' + rng_below(r, 3));
      }
      code = md_column_append_bytes(column, text, n, &err);
      break;
    }
    default: fail_msg("unexpected leaf type %d", (int)md_column_type(column).id);
  }
  gen_check(code, &err);
}

static inline void gen_value(rng *r, const md_field *field, md_column *column, int64_t key);

/* One list (or map) row of `count` elements. */
static inline void gen_list_value(rng *r, const md_field *field, md_column *column, int count) {
  md_error err;
  md_column *child = md_column_child(column, 0);
  const md_field *element = md_field_child(field, 0);
  bool is_map = md_field_type(field).id == MD_TYPE_MAP;
  /* Map keys are distinct within a map: readers may merge or refuse duplicates. */
  int64_t first_key = is_map ? rng_below(r, 100) : -1;
  for (int i = 0; i < count; i++) {
    if (!is_map) {
      gen_value(r, element, child, -1);
      continue;
    }
    gen_value(r, md_field_child(element, 0), md_column_child(child, 0), first_key + i);
    gen_value(r, md_field_child(element, 1), md_column_child(child, 1), -1);
    gen_check(md_column_append_struct(child, &err), &err);
  }
  gen_check(md_column_append_list(column, &err), &err);
}

/* Appends one random row to column (shaped like field). key >= 0 asks for
 * that exact (non-null) value: map keys. */
static inline void gen_value(rng *r, const md_field *field, md_column *column, int64_t key) {
  md_error err;
  md_type_id id = md_field_type(field).id;
  bool null = key < 0 && md_field_nullable(field) && rng_percent(r, 20);
  bool dirty = null && md_type_is_nested(md_field_type(field)) && rng_percent(r, 50);
  if (null && !dirty) {
    gen_check(md_column_append_null(column, &err), &err);
    return;
  }
  switch (id) {
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: {
      /* Empty lists often, so that they meet null lists and lists of nulls. */
      int count = rng_percent(r, 25) ? 0 : 1 + rng_below(r, 3);
      gen_list_value(r, field, column, count);
      break;
    }
    case MD_TYPE_STRUCT:
      for (int i = 0; i < md_field_num_children(field); i++)
        gen_value(r, md_field_child(field, i), md_column_child(column, i), -1);
      gen_check(md_column_append_struct(column, &err), &err);
      break;
    default: gen_leaf_value(r, column, key); break;
  }
  if (dirty) gen_null_last(column);
}

/* A batch of `rows` random rows for schema (id = first_id + row). Takes no
 * ownership of schema (copies it). */
static inline md_batch *gen_batch(rng *r, const md_schema *schema, int64_t first_id, int64_t rows) {
  int n = md_schema_num_fields(schema);
  md_column **columns = calloc((size_t)n, sizeof *columns);
  assert_non_null(columns);
  md_error err;
  for (int c = 0; c < n; c++) {
    const md_field *field = md_schema_field(schema, c);
    columns[c] = md_column_new_for_field(field);
    assert_non_null(columns[c]);
    for (int64_t row = 0; row < rows; row++) {
      if (c == 0) gen_check(md_column_append_int(columns[c], first_id + row, &err), &err);
      else gen_value(r, field, columns[c], -1);
    }
  }
  md_batch *batch = NULL;
  md_schema *copy = md_schema_copy(schema);
  if (md_batch_new(copy, columns, n, &batch, &err) != MD_OK) fail_msg("batch: %s", err.message);
  free(columns);
  return batch;
}

/* ------------------------------------------------------------ canonical JSON */


typedef struct json_text {
  char *data;
  size_t size, capacity;
} json_text;

static inline void json_put(json_text *t, const char *s, size_t n) {
  if (t->size + n + 1 > t->capacity) {
    size_t capacity = t->capacity ? t->capacity : 4096;
    while (t->size + n + 1 > capacity) capacity *= 2;
    t->data = realloc(t->data, capacity);
    assert_non_null(t->data);
    t->capacity = capacity;
  }
  memcpy(t->data + t->size, s, n);
  t->size += n;
  t->data[t->size] = '\0';
}

static inline void json_puts(json_text *t, const char *s) { json_put(t, s, strlen(s)); }

static inline void json_value(json_text *t, const md_field *field, const md_column *column, int64_t row);

/* `"name":value`, preceded by a comma unless first. */
static inline void json_member(json_text *t, bool first, const md_field *field, const md_column *column,
                               int64_t row) {
  json_puts(t, first ? "\"" : ",\"");
  json_puts(t, md_field_name(field));
  json_puts(t, "\":");
  json_value(t, field, column, row);
}

/* One value of the types gen_* produces. */
static inline void json_value(json_text *t, const md_field *field, const md_column *column, int64_t row) {
  char buf[64];
  if (md_column_is_null(column, row)) {
    json_puts(t, "null");
    return;
  }
  switch (md_column_type(column).id) {
    case MD_TYPE_BOOL: json_puts(t, md_bit_get(md_column_values(column), row) ? "true" : "false"); return;
    case MD_TYPE_INT32:
      snprintf(buf, sizeof buf, "%d", ((const int32_t *)md_column_values(column))[row]);
      json_puts(t, buf);
      return;
    case MD_TYPE_INT64:
      snprintf(buf, sizeof buf, "%" PRId64, ((const int64_t *)md_column_values(column))[row]);
      json_puts(t, buf);
      return;
    case MD_TYPE_INT8: snprintf(buf, sizeof buf, "%d", ((const int8_t *)md_column_values(column))[row]); break;
    case MD_TYPE_INT16: snprintf(buf, sizeof buf, "%d", ((const int16_t *)md_column_values(column))[row]); break;
    case MD_TYPE_UINT8: snprintf(buf, sizeof buf, "%u", ((const uint8_t *)md_column_values(column))[row]); break;
    case MD_TYPE_UINT16: snprintf(buf, sizeof buf, "%u", ((const uint16_t *)md_column_values(column))[row]); break;
    case MD_TYPE_UINT32: snprintf(buf, sizeof buf, "%u", ((const uint32_t *)md_column_values(column))[row]); break;
    case MD_TYPE_UINT64:
      snprintf(buf, sizeof buf, "%" PRIu64, ((const uint64_t *)md_column_values(column))[row]);
      break;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: {
      double v = md_column_type(column).id == MD_TYPE_FLOAT32 ? (double)((const float *)md_column_values(column))[row]
                                                               : ((const double *)md_column_values(column))[row];
      /* The oracle's form: integral values keep a ".0"; others the shortest
       * exact digits (the tests use quarters, which %.17g prints exactly). */
      if (v == (double)(int64_t)v) snprintf(buf, sizeof buf, "%.1f", v);
      else snprintf(buf, sizeof buf, "%.17g", v);
      json_puts(t, buf);
      return;
    }
    case MD_TYPE_UTF8: {
      const int32_t *offsets = md_column_offsets(column);
      const char *data = (const char *)md_column_data(column); /* NULL when every string is empty */
      json_puts(t, "\"");
      if (offsets[row + 1] > offsets[row]) json_put(t, data + offsets[row], (size_t)(offsets[row + 1] - offsets[row]));
      json_puts(t, "\"");
      return;
    }
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: {
      const int32_t *offsets = md_column_offsets(column);
      const md_column *child = md_column_child(column, 0);
      const md_field *element = md_field_child(field, 0);
      bool is_map = md_column_type(column).id == MD_TYPE_MAP;
      json_puts(t, "[");
      for (int32_t i = offsets[row]; i < offsets[row + 1]; i++) {
        if (i > offsets[row]) json_puts(t, ",");
        if (!is_map) {
          json_value(t, element, child, i);
          continue;
        }
        json_puts(t, "{\"key\":");
        json_value(t, md_field_child(element, 0), md_column_child(child, 0), i);
        json_puts(t, ",\"value\":");
        json_value(t, md_field_child(element, 1), md_column_child(child, 1), i);
        json_puts(t, "}");
      }
      json_puts(t, "]");
      return;
    }
    case MD_TYPE_STRUCT:
      json_puts(t, "{");
      for (int i = 0; i < md_field_num_children(field); i++)
        json_member(t, i == 0, md_field_child(field, i), md_column_child(column, i), row);
      json_puts(t, "}");
      return;
    default: fail_msg("cannot render type %d", (int)md_column_type(column).id);
  }
  json_puts(t, buf); /* the small integer types */
}

/* Appends the batch's rows as canonical JSON lines. */
static inline void json_batch(json_text *t, const md_batch *batch) {
  const md_schema *schema = md_batch_schema(batch);
  for (int64_t row = 0; row < md_batch_num_rows(batch); row++) {
    json_puts(t, "{");
    for (int c = 0; c < md_batch_num_columns(batch); c++)
      json_member(t, c == 0, md_schema_field(schema, c), md_batch_column(batch, c), row);
    json_puts(t, "}\n");
  }
}

/* Every row group of a file we can read, as canonical JSON lines (and the
 * file's schema through *schema when not NULL: a copy to free). */
static inline char *json_read_file(const char *path, md_schema **schema) {
  md_parquet_reader *reader = NULL;
  md_error err;
  if (md_parquet_reader_open(path, &reader, &err) != MD_OK) fail_msg("open %s: %s", path, err.message);
  json_text t = {NULL, 0, 0};
  json_puts(&t, "");
  for (int g = 0; g < md_parquet_reader_num_row_groups(reader); g++) {
    md_batch *batch = NULL;
    if (md_parquet_reader_read_row_group(reader, g, NULL, -1, &batch, &err) != MD_OK)
      fail_msg("read %s: %s", path, err.message);
    json_batch(&t, batch);
    md_batch_free(batch);
  }
  if (schema) *schema = md_schema_copy(md_parquet_reader_schema(reader));
  md_parquet_reader_free(reader);
  return t.data;
}

/* The first line where two texts differ, for failure messages. */
static inline void json_first_difference(const char *a, const char *b, char *out, size_t size) {
  int line = 1;
  const char *la = a, *lb = b;
  while (*a && *a == *b) {
    if (*a == '\n') {
      line++;
      la = a + 1;
      lb = b + 1;
    }
    a++;
    b++;
  }
  const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
  int na = ea ? (int)(ea - la) : (int)strlen(la), nb = eb ? (int)(eb - lb) : (int)strlen(lb);
  snprintf(out, size, "line %d:\n  want %.*s\n  got  %.*s", line, na > 900 ? 900 : na, la, nb > 900 ? 900 : nb, lb);
}

/* ------------------------------------------------------------ random files */

/* Random options; the same seed gives the same options. */
static inline void gen_options(rng *r, md_parquet_write_options *options) {
  static const md_parquet_codec codecs[] = {MD_PARQUET_UNCOMPRESSED, MD_PARQUET_SNAPPY, MD_PARQUET_ZSTD,
                                            MD_PARQUET_GZIP};
  md_parquet_write_options_default(options);
  options->codec = codecs[rng_below(r, 4)];
  options->dictionary = rng_percent(r, 70);
  if (rng_percent(r, 20)) options->dictionary_page_bytes = 16 + rng_below(r, 200);
  if (rng_percent(r, 50)) options->page_bytes = 32 + rng_below(r, 2000);
  if (rng_percent(r, 40)) options->row_group_rows = 1 + rng_below(r, 120);
}

/* Writes 1..3 random batches (up to 200 rows each) of a random schema of up
 * to max_fields nested fields to path; returns the rows as canonical JSON
 * lines and the schema through *schema_out. */
static inline char *gen_random_file(uint64_t seed, int max_fields, const char *path, md_schema **schema_out) {
  rng r = {seed};
  md_schema *schema = gen_schema(&r, max_fields, 4);
  md_parquet_write_options options;
  gen_options(&r, &options);
  md_parquet_writer *writer = NULL;
  md_error err;
  if (md_parquet_writer_open(path, schema, &options, &writer, &err) != MD_OK)
    fail_msg("seed %llu: open: %s", (unsigned long long)seed, err.message);
  json_text expected = {NULL, 0, 0};
  json_puts(&expected, "");
  int batches = 1 + rng_below(&r, 3);
  int64_t id = 0;
  for (int b = 0; b < batches; b++) {
    int64_t rows = rng_percent(&r, 10) ? 0 : rng_below(&r, 200);
    md_batch *batch = gen_batch(&r, schema, id, rows);
    id += rows;
    json_batch(&expected, batch);
    if (md_parquet_writer_write(writer, batch, &err) != MD_OK)
      fail_msg("seed %llu: write: %s", (unsigned long long)seed, err.message);
    md_batch_free(batch);
  }
  if (md_parquet_writer_close(writer, &err) != MD_OK)
    fail_msg("seed %llu: close: %s", (unsigned long long)seed, err.message);
  md_parquet_writer_free(writer);
  *schema_out = schema;
  return expected.data;
}

#endif
