/* schema.c — the ordered top-level fields of a table or batch, plus metadata.
 * Field names are unique so that lookups by name (SQL, Delta, Parquet paths)
 * are unambiguous. */
#include <stdlib.h>
#include <string.h>

#include "medallion/core.h"

struct md_schema {
  int num_fields;
  int capacity;
  md_field **fields;
  md_metadata *metadata; /* NULL until first asked for */
};

md_schema *md_schema_new(void) { return calloc(1, sizeof(md_schema)); }

void md_schema_free(md_schema *schema) {
  if (!schema) return;
  for (int i = 0; i < schema->num_fields; i++) md_field_free(schema->fields[i]);
  free(schema->fields);
  md_metadata_free(schema->metadata);
  free(schema);
}

md_schema *md_schema_copy(const md_schema *schema) {
  if (!schema) return NULL;
  md_schema *copy = md_schema_new();
  if (!copy) return NULL;
  if (schema->metadata) {
    copy->metadata = md_metadata_copy(schema->metadata);
    if (!copy->metadata) goto fail;
  }
  for (int i = 0; i < schema->num_fields; i++) {
    md_field *field = md_field_copy(schema->fields[i]);
    if (!field || md_schema_add(copy, field, NULL) != MD_OK) goto fail;
  }
  return copy;
fail:
  md_schema_free(copy);
  return NULL;
}

md_code md_schema_add(md_schema *schema, md_field *field, md_error *err) {
  if (!schema || !field) {
    md_field_free(field);
    return md_error_set(err, MD_ERR_INVALID, "schema: NULL schema or field");
  }
  if (md_schema_find(schema, md_field_name(field)) >= 0) {
    md_code code = md_error_set(err, MD_ERR_SCHEMA, "schema: duplicate field name '%s'", md_field_name(field));
    md_field_free(field);
    return code;
  }
  if (schema->num_fields == schema->capacity) {
    int grown_capacity = schema->capacity ? schema->capacity * 2 : 8;
    md_field **grown = realloc(schema->fields, (size_t)grown_capacity * sizeof *grown);
    if (!grown) {
      md_field_free(field);
      return md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
    }
    schema->fields = grown;
    schema->capacity = grown_capacity;
  }
  schema->fields[schema->num_fields++] = field;
  return MD_OK;
}

int md_schema_num_fields(const md_schema *schema) { return schema ? schema->num_fields : 0; }

const md_field *md_schema_field(const md_schema *schema, int i) {
  return schema && i >= 0 && i < schema->num_fields ? schema->fields[i] : NULL;
}

int md_schema_find(const md_schema *schema, const char *name) {
  if (!schema || !name) return -1;
  for (int i = 0; i < schema->num_fields; i++)
    if (strcmp(md_field_name(schema->fields[i]), name) == 0) return i;
  return -1;
}

md_metadata *md_schema_metadata(md_schema *schema) {
  if (!schema->metadata) schema->metadata = md_metadata_new();
  return schema->metadata;
}

const md_metadata *md_schema_metadata_const(const md_schema *schema) { return schema->metadata; }

static bool fields_equal(const md_field *a, const md_field *b) {
  if (strcmp(md_field_name(a), md_field_name(b)) != 0) return false;
  if (!md_type_equal(md_field_type(a), md_field_type(b))) return false;
  if (md_field_nullable(a) != md_field_nullable(b)) return false;
  if (md_field_num_children(a) != md_field_num_children(b)) return false;
  for (int i = 0; i < md_field_num_children(a); i++)
    if (!fields_equal(md_field_child(a, i), md_field_child(b, i))) return false;
  return true;
}

bool md_schema_equal(const md_schema *a, const md_schema *b) {
  if (!a || !b) return a == b;
  if (a->num_fields != b->num_fields) return false;
  for (int i = 0; i < a->num_fields; i++)
    if (!fields_equal(a->fields[i], b->fields[i])) return false;
  return true;
}
