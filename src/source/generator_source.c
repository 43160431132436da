/* generator_source.c — the generator as an md_source: a scan regenerates the
 * table's rows batch by batch, so the pipeline can read synthetic data without
 * files, and md_generate streams the same batches into Parquet and Firebird. */
#include <stdlib.h>
#include <string.h>

#include "generator_internal.h"
#include "source_internal.h"

typedef struct gen_stream {
  gen_context ctx;
  int table;
  int64_t next_entity;
  int64_t entities;
  int64_t batch_rows;
} gen_stream;

static void gen_stream_free(void *impl) { free(impl); }

static md_code gen_stream_next(md_source_stream *stream, md_batch **out, md_error *err) {
  gen_stream *s = stream->impl;
  if (s->next_entity >= s->entities) {
    *out = NULL;
    return MD_OK;
  }
  int n = md_schema_num_fields(stream->schema);
  md_column *columns[16] = {0};
  gen_builder b = {columns, n, 0, 0, MD_OK, err};
  for (int i = 0; i < n && b.code == MD_OK; i++) {
    md_type type = md_field_type(md_schema_field(stream->schema, i));
    columns[i] = md_column_new(type);
    if (!columns[i]) b.code = md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
    /* Room for the whole batch up front: growing by doubling would copy each
     * buffer several times (an entity may overshoot the batch by a few rows). */
    else b.code = md_column_reserve(columns[i], s->batch_rows + 64,
                                    md_type_is_variable(type) ? (s->batch_rows + 64) * 16 : 0, err);
  }
  while (b.code == MD_OK && b.rows < s->batch_rows && s->next_entity < s->entities)
    generator_emit(&s->ctx, s->table, s->next_entity++, &b);
  md_schema *schema = b.code == MD_OK ? md_schema_copy(stream->schema) : NULL;
  if (b.code == MD_OK && !schema) b.code = md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
  if (b.code != MD_OK) {
    for (int i = 0; i < n; i++) md_column_free(columns[i]);
    return md_error_context(err, "generator: table %s", generator_table(s->table)->name);
  }
  return md_batch_new(schema, columns, n, out, err);
}

static const stream_vtable gen_stream_vtable = {gen_stream_next, gen_stream_free};

static void gen_source_free(void *impl) { free(impl); }

static md_code gen_table_schema(md_source *source, int table, md_schema **out, md_error *err) {
  (void)source;
  md_schema *schema = generator_table_schema(table);
  if (!schema) return md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
  *out = schema;
  return MD_OK;
}

static md_code gen_scan(md_source *source, int table, const md_source_scan_options *options,
                        md_source_stream **out, md_error *err) {
  gen_stream *s = calloc(1, sizeof *s);
  md_schema *schema = generator_table_schema(table);
  if (!s || !schema) {
    free(s);
    md_schema_free(schema);
    return md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
  }
  s->ctx = *(const gen_context *)source->impl;
  s->table = table;
  s->entities = generator_entities(&s->ctx, table);
  s->batch_rows = options->batch_rows;
  md_source_stream *stream = NULL;
  md_code code = source_stream_new(&gen_stream_vtable, s, schema, &stream, err);
  if (code != MD_OK) return code;
  if (options->num_columns == 0 && !options->has_watermark) {
    *out = stream;
    return MD_OK;
  }
  return source_select_stream(stream, generator_table(table)->name, options, out, err);
}

static const source_vtable gen_source_vtable = {"generator", gen_source_free, gen_table_schema, gen_scan};

md_code md_source_open_generator(const md_generator_options *options, md_source **out, md_error *err) {
  if (!out) return md_error_set(err, MD_ERR_INVALID, "generator: NULL argument");
  gen_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
  md_code code = generator_context_init(ctx, options, err);
  if (code != MD_OK) {
    free(ctx);
    return code;
  }
  md_source *source = source_new(&gen_source_vtable, ctx);
  if (!source) return md_error_set(err, MD_ERR_NOMEM, "generator: out of memory");
  for (int i = 0; i < GEN_TABLE_COUNT && code == MD_OK; i++)
    code = source_add_table(source, generator_table(i)->name, err);
  if (code != MD_OK) {
    md_source_free(source);
    return code;
  }
  *out = source;
  return MD_OK;
}
