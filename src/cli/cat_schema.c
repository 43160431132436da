/* cat_schema.c — see cat_schema.h. One "key=value" item per fact so the report
 * is easy to grep and to diff between two files (e.g. before and after `cp`). */
#include "cli/cat_schema.h"

#include <stdlib.h>
#include <string.h>

#include "cli/json_render.h"

/* Long metadata values (Arrow's base64 schema, Spark's JSON) are cut here. */
#define METADATA_VALUE_SHOWN 160

static void print_field(text_buf *out, const md_field *field, int depth) {
  char type_name[128];
  md_type_to_string(md_field_type(field), type_name, sizeof type_name);
  text_buf_printf(out, "%*s%s: %s %s\n", 2 + 2 * depth, "", md_field_name(field), type_name,
                  md_field_nullable(field) ? "nullable" : "not null");
  for (int i = 0; i < md_field_num_children(field); i++) print_field(out, md_field_child(field, i), depth + 1);
}

static void print_metadata(text_buf *out, const md_metadata *metadata) {
  int count = metadata ? md_metadata_count(metadata) : 0;
  text_buf_printf(out, "key-value metadata: %d\n", count);
  for (int i = 0; i < count; i++) {
    const char *key = md_metadata_key(metadata, i);
    const char *value = md_metadata_value(metadata, i);
    size_t length = value ? strlen(value) : 0;
    text_buf_append_str(out, "  ");
    json_append_string(out, (const uint8_t *)key, strlen(key));
    text_buf_append_str(out, " = ");
    json_append_string(out, (const uint8_t *)(value ? value : ""),
                       length > METADATA_VALUE_SHOWN ? METADATA_VALUE_SHOWN : length);
    if (length > METADATA_VALUE_SHOWN) text_buf_printf(out, " ... (%zu bytes)", length);
    text_buf_append_char(out, '\n');
  }
}

static md_code print_chunk(text_buf *out, const md_parquet_reader *reader, int row_group, int leaf,
                           const md_parquet_leaf_info *info, md_error *err) {
  md_parquet_chunk_info chunk;
  md_code code = md_parquet_reader_chunk(reader, row_group, leaf, &chunk, err);
  if (code != MD_OK) return md_error_context(err, "row group %d: column %s", row_group, info->path);
  const char *codec = md_parquet_codec_name(chunk.codec);
  text_buf_append_str(out, "    ");
  text_buf_append_str(out, info->path);
  text_buf_printf(out, ": num_values=%lld codec=%s encodings=%s compressed=%lld uncompressed=%lld",
                  (long long)chunk.num_values, codec ? codec : "UNKNOWN", chunk.encodings[0] ? chunk.encodings : "-",
                  (long long)chunk.total_compressed_size, (long long)chunk.total_uncompressed_size);
  if (chunk.has_null_count) text_buf_printf(out, " null_count=%lld", (long long)chunk.null_count);
  if (chunk.has_min_max) {
    text_buf_append_str(out, " min=");
    code = json_render_scalar(out, &chunk.min, err);
    if (code == MD_OK) {
      text_buf_append_str(out, " max=");
      code = json_render_scalar(out, &chunk.max, err);
    }
    if (code != MD_OK) return md_error_context(err, "row group %d: column %s: statistics", row_group, info->path);
    if (chunk.min_max_deprecated) text_buf_append_str(out, " (legacy min/max)");
  }
  text_buf_append_char(out, '\n');
  return MD_OK;
}

md_code cat_schema_print(const md_parquet_reader *reader, const char *path, text_buf *out, md_error *err) {
  const md_schema *schema = md_parquet_reader_schema(reader);
  const char *created_by = md_parquet_reader_created_by(reader);
  int row_groups = md_parquet_reader_num_row_groups(reader);
  int leaves = md_parquet_reader_num_leaves(reader);

  text_buf_printf(out, "file: %s\n", path);
  text_buf_printf(out, "rows: %lld\n", (long long)md_parquet_reader_num_rows(reader));
  text_buf_printf(out, "row groups: %d\n", row_groups);
  text_buf_append_str(out, "created by: ");
  if (created_by) json_append_string(out, (const uint8_t *)created_by, strlen(created_by));
  else text_buf_append_str(out, "-");
  text_buf_append_char(out, '\n');
  print_metadata(out, md_schema_metadata_const(schema));

  text_buf_printf(out, "schema: %d fields\n", md_schema_num_fields(schema));
  for (int i = 0; i < md_schema_num_fields(schema); i++) print_field(out, md_schema_field(schema, i), 0);

  md_parquet_leaf_info *infos = calloc((size_t)(leaves > 0 ? leaves : 1), sizeof *infos);
  if (!infos) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  text_buf_printf(out, "leaves: %d\n", leaves);
  md_code code = MD_OK;
  for (int leaf = 0; leaf < leaves && code == MD_OK; leaf++) {
    code = md_parquet_reader_leaf(reader, leaf, &infos[leaf], err);
    if (code != MD_OK) break;
    const md_parquet_leaf_info *info = &infos[leaf];
    char type_name[128];
    md_type_to_string(info->type, type_name, sizeof type_name);
    text_buf_printf(out, "  %s: physical=%s", info->path, info->physical_type);
    if (info->type_length > 0) text_buf_printf(out, "(%d)", (int)info->type_length);
    text_buf_printf(out, " logical=%s type=%s max_definition_level=%d max_repetition_level=%d\n",
                    info->logical_type && info->logical_type[0] ? info->logical_type : "-", type_name,
                    (int)info->max_definition_level, (int)info->max_repetition_level);
  }
  for (int rg = 0; rg < row_groups && code == MD_OK; rg++) {
    text_buf_printf(out, "row group %d: rows=%lld\n", rg, (long long)md_parquet_reader_row_group_num_rows(reader, rg));
    for (int leaf = 0; leaf < leaves && code == MD_OK; leaf++) code = print_chunk(out, reader, rg, leaf, &infos[leaf], err);
  }
  free(infos);
  if (code == MD_OK && out->failed) code = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return code;
}
