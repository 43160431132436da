/* field.c — a named, typed, nullable slot of a schema, with the child fields
 * that give nested types (LIST, STRUCT, MAP) their shape. */
#include <stdlib.h>
#include <string.h>

#include "medallion/core.h"

struct md_field {
  char *name;
  md_type type;
  bool nullable;
  md_metadata *metadata; /* NULL until first asked for */
  int num_children;
  md_field **children;
};

md_field *md_field_new(const char *name, md_type type, bool nullable) {
  md_field *field = calloc(1, sizeof *field);
  if (!field) return NULL;
  field->name = strdup(name ? name : "");
  if (!field->name) {
    free(field);
    return NULL;
  }
  field->type = type;
  field->nullable = nullable;
  return field;
}

void md_field_free(md_field *field) {
  if (!field) return;
  for (int i = 0; i < field->num_children; i++) md_field_free(field->children[i]);
  free(field->children);
  md_metadata_free(field->metadata);
  free(field->name);
  free(field);
}

md_field *md_field_copy(const md_field *field) {
  if (!field) return NULL;
  md_field *copy = md_field_new(field->name, field->type, field->nullable);
  if (!copy) return NULL;
  if (field->metadata) {
    copy->metadata = md_metadata_copy(field->metadata);
    if (!copy->metadata) goto fail;
  }
  for (int i = 0; i < field->num_children; i++) {
    md_field *child = md_field_copy(field->children[i]);
    if (!child || md_field_add_child(copy, child, NULL) != MD_OK) goto fail;
  }
  return copy;
fail:
  md_field_free(copy);
  return NULL;
}

md_code md_field_add_child(md_field *parent, md_field *child, md_error *err) {
  md_code code = MD_OK;
  if (!parent || !child) {
    code = md_error_set(err, MD_ERR_INVALID, "field: NULL parent or child");
  } else if (!md_type_is_nested(parent->type)) {
    code = md_error_set(err, MD_ERR_SCHEMA, "field %s: only list, struct and map fields have children",
                        parent->name);
  } else if (parent->type.id != MD_TYPE_STRUCT && parent->num_children >= 1) {
    code = md_error_set(err, MD_ERR_SCHEMA, "field %s: list and map fields have exactly one child",
                        parent->name);
  } else if (parent->type.id == MD_TYPE_MAP && child->type.id != MD_TYPE_STRUCT) {
    code = md_error_set(err, MD_ERR_SCHEMA, "field %s: a map's child must be a struct<key, value>",
                        parent->name);
  } else {
    md_field **grown = realloc(parent->children, (size_t)(parent->num_children + 1) * sizeof *grown);
    if (!grown) {
      code = md_error_set(err, MD_ERR_NOMEM, "field %s: out of memory", parent->name);
    } else {
      parent->children = grown;
      parent->children[parent->num_children++] = child;
      return MD_OK;
    }
  }
  md_field_free(child);
  return code;
}

const char *md_field_name(const md_field *field) { return field->name; }
md_type md_field_type(const md_field *field) { return field->type; }
bool md_field_nullable(const md_field *field) { return field->nullable; }
int md_field_num_children(const md_field *field) { return field->num_children; }

const md_field *md_field_child(const md_field *field, int i) {
  return i >= 0 && i < field->num_children ? field->children[i] : NULL;
}

md_metadata *md_field_metadata(md_field *field) {
  if (!field->metadata) field->metadata = md_metadata_new();
  return field->metadata;
}

const md_metadata *md_field_metadata_const(const md_field *field) { return field->metadata; }
