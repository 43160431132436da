/* schema_write.c — core fields to metaData.schemaString (Spark's JSON schema),
 * the inverse of schema_json.c, for tables we create. */
#include <string.h>

#include "delta/log.h"

static md_code write_type(delta_buf *buf, const md_field *field, md_error *err);

static md_code write_field(delta_buf *buf, const md_field *field, md_error *err) {
  delta_buf_append_str(buf, "{\"name\":");
  delta_json_write_string(buf, md_field_name(field), strlen(md_field_name(field)));
  delta_buf_append_str(buf, ",\"type\":");
  md_code rc = write_type(buf, field, err);
  if (rc != MD_OK) return rc;
  delta_buf_printf(buf, ",\"nullable\":%s,\"metadata\":{}}", md_field_nullable(field) ? "true" : "false");
  return MD_OK;
}

static md_code write_type(delta_buf *buf, const md_field *field, md_error *err) {
  md_type t = md_field_type(field);
  const char *name = NULL;
  switch (t.id) {
    case MD_TYPE_NULL: name = "void"; break;
    case MD_TYPE_BOOL: name = "boolean"; break;
    case MD_TYPE_INT8: name = "byte"; break;
    case MD_TYPE_INT16: name = "short"; break;
    case MD_TYPE_INT32: name = "integer"; break;
    case MD_TYPE_INT64: name = "long"; break;
    case MD_TYPE_FLOAT32: name = "float"; break;
    case MD_TYPE_FLOAT64: name = "double"; break;
    case MD_TYPE_UTF8: name = "string"; break;
    case MD_TYPE_BINARY: name = "binary"; break;
    case MD_TYPE_DATE32: name = "date"; break;
    case MD_TYPE_TIMESTAMP:
      if (t.unit != MD_MICRO) break;
      name = t.utc ? "timestamp" : "timestamp_ntz";
      break;
    case MD_TYPE_DECIMAL128: delta_buf_printf(buf, "\"decimal(%d,%d)\"", t.precision, t.scale); return MD_OK;
    case MD_TYPE_STRUCT:
      delta_buf_append_str(buf, "{\"type\":\"struct\",\"fields\":[");
      for (int i = 0; i < md_field_num_children(field); i++) {
        if (i) delta_buf_append_char(buf, ',');
        md_code rc = write_field(buf, md_field_child(field, i), err);
        if (rc != MD_OK) return rc;
      }
      delta_buf_append_str(buf, "]}");
      return MD_OK;
    case MD_TYPE_LIST: {
      const md_field *element = md_field_child(field, 0);
      delta_buf_append_str(buf, "{\"type\":\"array\",\"elementType\":");
      md_code rc = write_type(buf, element, err);
      if (rc != MD_OK) return rc;
      delta_buf_printf(buf, ",\"containsNull\":%s}", md_field_nullable(element) ? "true" : "false");
      return MD_OK;
    }
    case MD_TYPE_MAP: {
      const md_field *entries = md_field_child(field, 0);
      delta_buf_append_str(buf, "{\"type\":\"map\",\"keyType\":");
      md_code rc = write_type(buf, md_field_child(entries, 0), err);
      if (rc == MD_OK) {
        delta_buf_append_str(buf, ",\"valueType\":");
        rc = write_type(buf, md_field_child(entries, 1), err);
      }
      if (rc != MD_OK) return rc;
      delta_buf_printf(buf, ",\"valueContainsNull\":%s}", md_field_nullable(md_field_child(entries, 1)) ? "true" : "false");
      return MD_OK;
    }
    default: break;
  }
  if (!name) {
    char text[64];
    md_type_to_string(t, text, sizeof text);
    return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: type %s has no Delta equivalent", md_field_name(field), text);
  }
  delta_buf_printf(buf, "\"%s\"", name);
  return MD_OK;
}

md_code delta_schema_to_json(const md_schema *schema, delta_buf *buf, md_error *err) {
  delta_buf_append_str(buf, "{\"type\":\"struct\",\"fields\":[");
  for (int i = 0; i < md_schema_num_fields(schema); i++) {
    if (i) delta_buf_append_char(buf, ',');
    md_code rc = write_field(buf, md_schema_field(schema, i), err);
    if (rc != MD_OK) return rc;
  }
  delta_buf_append_str(buf, "]}");
  return delta_buf_failed(buf) ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : MD_OK;
}
