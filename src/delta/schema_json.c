/* schema_json.c — metaData.schemaString (Spark's JSON schema) to core fields.
 *
 * Delta types map to core types as the Parquet files store them: timestamp is
 * microseconds adjusted to UTC, timestamp_ntz microseconds without zone, date
 * days, decimal(p,s) decimal128. Arrays become LIST<element>, maps
 * MAP<entries: struct<key, value>> as Arrow lays them out. Column metadata is
 * kept on the field (strings as is, other JSON values as their JSON text)
 * because column mapping and generated columns live there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"

static md_code parse_field(const delta_json_value *obj, md_field **out, md_error *err);
static md_code parse_type(const delta_json_value *type, const char *name, bool nullable, md_field **out,
                          md_error *err);

static md_code nomem(md_error *err) { return md_error_set(err, MD_ERR_NOMEM, "out of memory"); }

/* "decimal(12, 2)" or plain "decimal" (Spark's default, decimal(10,0)). */
static bool parse_decimal(const char *s, int *precision, int *scale) {
  if (strcmp(s, "decimal") == 0) {
    *precision = 10;
    *scale = 0;
    return true;
  }
  int p = -1, sc = -1, consumed = 0;
  if (sscanf(s, "decimal(%d ,%d )%n", &p, &sc, &consumed) != 2 || s[consumed] != '\0') return false;
  if (p < 1 || p > 38 || sc < 0 || sc > p) return false;
  *precision = p;
  *scale = sc;
  return true;
}

static bool primitive_type(const char *s, md_type *out) {
  static const struct { const char *name; md_type_id id; } simple[] = {
      {"string", MD_TYPE_UTF8},   {"long", MD_TYPE_INT64},     {"integer", MD_TYPE_INT32},
      {"short", MD_TYPE_INT16},   {"byte", MD_TYPE_INT8},      {"float", MD_TYPE_FLOAT32},
      {"double", MD_TYPE_FLOAT64}, {"boolean", MD_TYPE_BOOL},  {"binary", MD_TYPE_BINARY},
      {"date", MD_TYPE_DATE32},   {"void", MD_TYPE_NULL},
  };
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
    if (strcmp(s, simple[i].name) == 0) {
      *out = md_type_make(simple[i].id);
      return true;
    }
  }
  if (strcmp(s, "timestamp") == 0) {
    *out = md_type_timestamp(MD_MICRO, true);
    return true;
  }
  if (strcmp(s, "timestamp_ntz") == 0) {
    *out = md_type_timestamp(MD_MICRO, false);
    return true;
  }
  int precision, scale;
  if (strncmp(s, "decimal", 7) == 0 && parse_decimal(s, &precision, &scale)) {
    *out = md_type_decimal(precision, scale);
    return true;
  }
  return false;
}

static md_code new_field(const char *name, md_type type, bool nullable, md_field **out, md_error *err) {
  *out = md_field_new(name, type, nullable);
  return *out ? MD_OK : nomem(err);
}

static md_code struct_fields(const delta_json_value *type, md_field *parent, md_error *err) {
  const delta_json_value *fields = delta_json_get(type, "fields");
  if (!delta_json_is(fields, DELTA_JSON_ARRAY)) return md_error_set(err, MD_ERR_CORRUPT, "struct without a fields array");
  for (size_t i = 0; i < fields->count; i++) {
    md_field *child = NULL;
    md_code rc = parse_field(&fields->items[i], &child, err);
    if (rc == MD_OK) rc = md_field_add_child(parent, child, err);
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

static md_code nested_type(const delta_json_value *type, const char *name, bool nullable, md_field **out,
                           md_error *err) {
  const char *kind = delta_json_get_string(type, "type");
  if (!kind) return md_error_set(err, MD_ERR_CORRUPT, "type object without a \"type\"");
  md_field *field = NULL;
  md_code rc;
  if (strcmp(kind, "struct") == 0) {
    rc = new_field(name, md_type_make(MD_TYPE_STRUCT), nullable, &field, err);
    if (rc == MD_OK) rc = struct_fields(type, field, err);
  } else if (strcmp(kind, "array") == 0) {
    bool contains_null = true;
    delta_json_get_bool(type, "containsNull", &contains_null);
    const delta_json_value *element = delta_json_get(type, "elementType");
    md_field *child = NULL;
    rc = element ? parse_type(element, "element", contains_null, &child, err)
                 : md_error_set(err, MD_ERR_CORRUPT, "array without elementType");
    if (rc == MD_OK) rc = new_field(name, md_type_make(MD_TYPE_LIST), nullable, &field, err);
    if (rc == MD_OK) rc = md_field_add_child(field, child, err);
    else md_field_free(child);
  } else if (strcmp(kind, "map") == 0) {
    bool value_contains_null = true;
    delta_json_get_bool(type, "valueContainsNull", &value_contains_null);
    const delta_json_value *key_type = delta_json_get(type, "keyType");
    const delta_json_value *value_type = delta_json_get(type, "valueType");
    if (!key_type || !value_type) return md_error_set(err, MD_ERR_CORRUPT, "map without keyType or valueType");
    md_field *entries = NULL, *key = NULL, *value = NULL;
    rc = new_field("entries", md_type_make(MD_TYPE_STRUCT), false, &entries, err);
    if (rc == MD_OK) rc = parse_type(key_type, "key", false, &key, err);
    if (rc == MD_OK) rc = md_field_add_child(entries, key, err);
    if (rc == MD_OK) rc = parse_type(value_type, "value", value_contains_null, &value, err);
    if (rc == MD_OK) rc = md_field_add_child(entries, value, err);
    if (rc == MD_OK) rc = new_field(name, md_type_make(MD_TYPE_MAP), nullable, &field, err);
    if (rc == MD_OK) rc = md_field_add_child(field, entries, err);
    else md_field_free(entries);
  } else if (strcmp(kind, "variant") == 0) {
    rc = md_error_set(err, MD_ERR_UNSUPPORTED, "type variant (reader feature variantType) is not supported");
  } else {
    rc = md_error_set(err, MD_ERR_UNSUPPORTED, "unknown type \"%s\"", kind);
  }
  if (rc != MD_OK) {
    md_field_free(field);
    return rc;
  }
  *out = field;
  return MD_OK;
}

static md_code parse_type(const delta_json_value *type, const char *name, bool nullable, md_field **out,
                          md_error *err) {
  if (type->kind == DELTA_JSON_STRING) {
    md_type t;
    if (strcmp(type->str, "variant") == 0)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "type variant (reader feature variantType) is not supported");
    if (!primitive_type(type->str, &t)) return md_error_set(err, MD_ERR_UNSUPPORTED, "unknown type \"%s\"", type->str);
    return new_field(name, t, nullable, out, err);
  }
  if (type->kind == DELTA_JSON_OBJECT) return nested_type(type, name, nullable, out, err);
  return md_error_set(err, MD_ERR_CORRUPT, "a type must be a string or an object");
}

static md_code copy_metadata(const delta_json_value *metadata, md_field *field, md_error *err) {
  if (!delta_json_is(metadata, DELTA_JSON_OBJECT) || metadata->count == 0) return MD_OK;
  md_metadata *md = md_field_metadata(field);
  if (!md) return nomem(err);
  for (size_t i = 0; i < metadata->count; i++) {
    const delta_json_member *m = &metadata->members[i];
    md_code rc;
    if (m->value.kind == DELTA_JSON_STRING) {
      rc = md_metadata_set(md, m->key, m->value.str, err);
    } else {
      delta_buf buf;
      delta_buf_init(&buf);
      delta_json_write_value(&buf, &m->value);
      rc = delta_buf_failed(&buf) ? nomem(err) : md_metadata_set(md, m->key, buf.data, err);
      delta_buf_free(&buf);
    }
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

static md_code parse_field(const delta_json_value *obj, md_field **out, md_error *err) {
  const char *name = delta_json_get_string(obj, "name");
  const delta_json_value *type = delta_json_get(obj, "type");
  if (!name || !type) return md_error_set(err, MD_ERR_CORRUPT, "field without name or type");
  bool nullable = true;
  delta_json_get_bool(obj, "nullable", &nullable);
  md_field *field = NULL;
  md_code rc = parse_type(type, name, nullable, &field, err);
  if (rc == MD_OK) rc = copy_metadata(delta_json_get(obj, "metadata"), field, err);
  if (rc != MD_OK) {
    md_field_free(field);
    return md_error_context(err, "field %s", name);
  }
  *out = field;
  return MD_OK;
}

md_code delta_schema_parse(const char *schema_string, md_schema **out, md_error *err) {
  delta_json_doc *doc = NULL;
  md_code rc = delta_json_parse(schema_string, strlen(schema_string), &doc, err);
  if (rc != MD_OK) return md_error_context(err, "schemaString");
  const delta_json_value *root = delta_json_root(doc);
  const char *kind = delta_json_get_string(root, "type");
  const delta_json_value *fields = delta_json_get(root, "fields");
  md_schema *schema = NULL;
  if (!kind || strcmp(kind, "struct") != 0 || !delta_json_is(fields, DELTA_JSON_ARRAY)) {
    rc = md_error_set(err, MD_ERR_CORRUPT, "schemaString: the top level must be a struct with fields");
  } else if (!(schema = md_schema_new())) {
    rc = nomem(err);
  }
  for (size_t i = 0; rc == MD_OK && i < fields->count; i++) {
    md_field *field = NULL;
    rc = parse_field(&fields->items[i], &field, err);
    if (rc == MD_OK) rc = md_schema_add(schema, field, err);
    if (rc != MD_OK) md_error_context(err, "schemaString");
  }
  delta_json_doc_free(doc);
  if (rc != MD_OK) {
    md_schema_free(schema);
    return rc;
  }
  *out = schema;
  return MD_OK;
}
