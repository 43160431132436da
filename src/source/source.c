/* source.c — the md_source interface: dispatch to the implementation, resolve
 * table names, and fill in default scan options.
 *
 * Keeping the name matching and option defaults here means every kind behaves
 * the same to the pipeline, which must not know which source it reads. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_internal.h"

bool source_name_equal(const char *a, const char *b) {
  for (;; a++, b++) {
    char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
    char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
    if (ca != cb) return false;
    if (ca == 0) return true;
  }
}

md_source *source_new(const source_vtable *vtable, void *impl) {
  md_source *source = calloc(1, sizeof *source);
  if (!source) {
    vtable->free_impl(impl);
    return NULL;
  }
  source->vtable = vtable;
  source->impl = impl;
  return source;
}

md_code source_set_label(md_source *source, md_error *err, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char *label = strdup(buf);
  if (!label) return md_error_set(err, MD_ERR_NOMEM, "source: out of memory");
  free(source->label);
  source->label = label;
  return MD_OK;
}

const char *source_label(const md_source *source) { return source->label ? source->label : source->vtable->kind; }

md_code source_add_table(md_source *source, const char *name, md_error *err) {
  char **tables = realloc(source->tables, (size_t)(source->num_tables + 1) * sizeof *tables);
  if (!tables) return md_error_set(err, MD_ERR_NOMEM, "source: out of memory listing tables");
  source->tables = tables;
  tables[source->num_tables] = strdup(name);
  if (!tables[source->num_tables]) return md_error_set(err, MD_ERR_NOMEM, "source: out of memory listing tables");
  source->num_tables++;
  return MD_OK;
}

void md_source_free(md_source *source) {
  if (!source) return;
  source->vtable->free_impl(source->impl);
  for (int i = 0; i < source->num_tables; i++) free(source->tables[i]);
  free(source->tables);
  free(source->label);
  free(source);
}

const char *md_source_kind(const md_source *source) { return source->vtable->kind; }
int md_source_num_tables(const md_source *source) { return source->num_tables; }

const char *md_source_table_name(const md_source *source, int i) {
  return i >= 0 && i < source->num_tables ? source->tables[i] : NULL;
}

/* Exact match first, so that a source holding both "a" and "A" stays addressable. */
static int find_table(const md_source *source, const char *table) {
  for (int i = 0; i < source->num_tables; i++)
    if (strcmp(source->tables[i], table) == 0) return i;
  for (int i = 0; i < source->num_tables; i++)
    if (source_name_equal(source->tables[i], table)) return i;
  return -1;
}

static md_code missing_table(const md_source *source, const char *table, md_error *err) {
  return md_error_set(err, MD_ERR_NOT_FOUND, "%s: no table '%s'", source_label(source), table);
}

md_code md_source_table_schema(md_source *source, const char *table, md_schema **out, md_error *err) {
  if (!source || !table || !out) return md_error_set(err, MD_ERR_INVALID, "source: NULL argument");
  int index = find_table(source, table);
  if (index < 0) return missing_table(source, table, err);
  return source->vtable->table_schema(source, index, out, err);
}

md_code md_source_scan(md_source *source, const char *table, const md_source_scan_options *options,
                       md_source_stream **out, md_error *err) {
  if (!source || !table || !out) return md_error_set(err, MD_ERR_INVALID, "source: NULL argument");
  md_source_scan_options filled = {0};
  if (options) filled = *options;
  if (filled.num_columns < 0 || (filled.num_columns > 0 && !filled.columns))
    return md_error_set(err, MD_ERR_INVALID, "source: bad projection for table '%s'", table);
  if (filled.batch_rows < 0) return md_error_set(err, MD_ERR_INVALID, "source: negative batch size");
  if (filled.batch_rows == 0) filled.batch_rows = SOURCE_DEFAULT_BATCH_ROWS;
  int index = find_table(source, table);
  if (index < 0) return missing_table(source, table, err);
  return source->vtable->scan(source, index, &filled, out, err);
}

md_code source_stream_new(const stream_vtable *vtable, void *impl, md_schema *schema,
                          md_source_stream **out, md_error *err) {
  md_source_stream *stream = calloc(1, sizeof *stream);
  if (!stream) {
    vtable->free_impl(impl);
    md_schema_free(schema);
    return md_error_set(err, MD_ERR_NOMEM, "source: out of memory");
  }
  stream->vtable = vtable;
  stream->impl = impl;
  stream->schema = schema;
  *out = stream;
  return MD_OK;
}

md_code md_source_stream_next(md_source_stream *stream, md_batch **out, md_error *err) {
  if (!stream || !out) return md_error_set(err, MD_ERR_INVALID, "source: NULL argument");
  return stream->vtable->next(stream, out, err);
}

const md_schema *md_source_stream_schema(const md_source_stream *stream) { return stream->schema; }

void md_source_stream_free(md_source_stream *stream) {
  if (!stream) return;
  stream->vtable->free_impl(stream->impl);
  md_schema_free(stream->schema);
  free(stream);
}
