/* writer_schema.c — core type -> Parquet column mapping and its SchemaElements
 * (the choices are listed in writer_schema.h). Both the logical type and, where
 * one exists, the legacy converted type are written, so that readers predating
 * logical types still see dates, decimals, strings, lists and maps. Nested
 * fields become a node tree carrying the definition and repetition levels that
 * record shredding (writer_shred.c) needs. */
#include "parquet/writer_schema.h"

#include <stdlib.h>
#include <string.h>

enum {
  CONVERTED_UTF8 = 0,
  CONVERTED_MAP = 1,
  CONVERTED_LIST = 3,
  CONVERTED_DECIMAL = 5,
  CONVERTED_DATE = 6,
  CONVERTED_TIME_MILLIS = 7,
  CONVERTED_TIME_MICROS = 8,
  CONVERTED_TIMESTAMP_MILLIS = 9,
  CONVERTED_TIMESTAMP_MICROS = 10,
  CONVERTED_UINT_8 = 11,
  CONVERTED_INT_8 = 15,
  CONVERTED_INTERVAL = 21
};

/* Fewest bytes whose two's complement holds every value of `precision` digits. */
static int32_t decimal_flba_width(int precision) {
  unsigned __int128 limit = 1;
  for (int i = 0; i < precision; i++) limit *= 10;
  for (int32_t n = 1; n < 16; n++) {
    unsigned __int128 max_positive = ((unsigned __int128)1 << (8 * n - 1));
    if (max_positive >= limit) return n;
  }
  return 16;
}

static void set_fixed(writer_leaf *leaf, writer_physical physical, int width, writer_conversion conversion,
                      writer_order order) {
  leaf->physical = physical;
  leaf->value_width = width;
  leaf->conversion = conversion;
  leaf->order = order;
}

/* Maps a leaf field stored under Parquet name `name`; dotted names it in errors. */
static md_code leaf_from_field(const md_field *field, const char *name, bool optional, const char *dotted,
                               writer_leaf *out, md_error *err) {
  writer_leaf leaf;
  memset(&leaf, 0, sizeof leaf);
  leaf.name = name;
  leaf.type = md_field_type(field);
  leaf.optional = optional;
  leaf.dictionary_allowed = true;
  switch (leaf.type.id) {
    case MD_TYPE_NULL:
      set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_NULL, WRITER_ORDER_NONE);
      leaf.optional = true;
      leaf.dictionary_allowed = false;
      break;
    case MD_TYPE_BOOL:
      set_fixed(&leaf, WRITER_BOOLEAN, 0, WRITER_CONV_BOOL, WRITER_ORDER_BOOL);
      leaf.dictionary_allowed = false;
      break;
    case MD_TYPE_INT8: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_INT8, WRITER_ORDER_INT32); break;
    case MD_TYPE_INT16: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_INT16, WRITER_ORDER_INT32); break;
    case MD_TYPE_INT32: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_COPY, WRITER_ORDER_INT32); break;
    case MD_TYPE_INT64: set_fixed(&leaf, WRITER_INT64, 8, WRITER_CONV_COPY, WRITER_ORDER_INT64); break;
    case MD_TYPE_UINT8: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_UINT8, WRITER_ORDER_UINT32); break;
    case MD_TYPE_UINT16: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_UINT16, WRITER_ORDER_UINT32); break;
    case MD_TYPE_UINT32: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_COPY, WRITER_ORDER_UINT32); break;
    case MD_TYPE_UINT64: set_fixed(&leaf, WRITER_INT64, 8, WRITER_CONV_COPY, WRITER_ORDER_UINT64); break;
    case MD_TYPE_FLOAT32: set_fixed(&leaf, WRITER_FLOAT, 4, WRITER_CONV_COPY, WRITER_ORDER_FLOAT); break;
    case MD_TYPE_FLOAT64: set_fixed(&leaf, WRITER_DOUBLE, 8, WRITER_CONV_COPY, WRITER_ORDER_DOUBLE); break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
      set_fixed(&leaf, WRITER_BYTE_ARRAY, 0, WRITER_CONV_BYTES, WRITER_ORDER_BYTES);
      break;
    case MD_TYPE_FIXED_BINARY:
      if (leaf.type.byte_width <= 0)
        return md_error_set(err, MD_ERR_SCHEMA, "column %s: fixed binary width %d is not positive", dotted,
                            (int)leaf.type.byte_width);
      set_fixed(&leaf, WRITER_FLBA, leaf.type.byte_width, WRITER_CONV_COPY, WRITER_ORDER_BYTES);
      leaf.type_length = leaf.type.byte_width;
      break;
    case MD_TYPE_DATE32: set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_COPY, WRITER_ORDER_INT32); break;
    case MD_TYPE_TIME32:
      set_fixed(&leaf, WRITER_INT32, 4, leaf.type.unit == MD_SECOND ? WRITER_CONV_TIME_S_TO_MS : WRITER_CONV_COPY,
                WRITER_ORDER_INT32);
      break;
    case MD_TYPE_TIME64: set_fixed(&leaf, WRITER_INT64, 8, WRITER_CONV_COPY, WRITER_ORDER_INT64); break;
    case MD_TYPE_TIMESTAMP:
      set_fixed(&leaf, WRITER_INT64, 8, leaf.type.unit == MD_SECOND ? WRITER_CONV_TS_S_TO_MS : WRITER_CONV_COPY,
                WRITER_ORDER_INT64);
      break;
    case MD_TYPE_DECIMAL128:
      if (leaf.type.precision < 1 || leaf.type.precision > 38 || leaf.type.scale < 0 ||
          leaf.type.scale > leaf.type.precision)
        return md_error_set(err, MD_ERR_SCHEMA, "column %s: invalid decimal(%d,%d)", dotted,
                            leaf.type.precision, leaf.type.scale);
      if (leaf.type.precision <= 9) {
        set_fixed(&leaf, WRITER_INT32, 4, WRITER_CONV_DECIMAL_INT32, WRITER_ORDER_INT32);
      } else if (leaf.type.precision <= 18) {
        set_fixed(&leaf, WRITER_INT64, 8, WRITER_CONV_DECIMAL_INT64, WRITER_ORDER_INT64);
      } else {
        leaf.type_length = decimal_flba_width(leaf.type.precision);
        set_fixed(&leaf, WRITER_FLBA, leaf.type_length, WRITER_CONV_DECIMAL_FLBA, WRITER_ORDER_SIGNED_BE);
      }
      break;
    case MD_TYPE_INTERVAL_MDN:
      set_fixed(&leaf, WRITER_FLBA, 12, WRITER_CONV_INTERVAL, WRITER_ORDER_NONE);
      leaf.type_length = 12;
      break;
    default:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: type id %d cannot be written", dotted,
                          (int)leaf.type.id);
  }
  *out = leaf;
  return MD_OK;
}

static void write_time_unit(thrift_writer *w, int16_t id, md_time_unit unit) {
  thrift_write_struct_begin(w, id);
  /* TimeUnit union: MILLIS 1, MICROS 2, NANOS 3; seconds were widened to millis. */
  int16_t field = unit == MD_NANO ? 3 : unit == MD_MICRO ? 2 : 1;
  thrift_write_empty_struct_field(w, field);
  thrift_write_struct_end(w);
}

static void write_int_logical(thrift_writer *w, int bits, bool is_signed) {
  thrift_write_struct_begin(w, 10); /* SchemaElement.logicalType */
  thrift_write_struct_begin(w, 10); /* LogicalType.INTEGER */
  thrift_write_i8_field(w, 1, (int8_t)bits);
  thrift_write_bool_field(w, 2, is_signed);
  thrift_write_struct_end(w);
  thrift_write_struct_end(w);
}

/* The legacy ConvertedType matching the logical type, or -1 when none exists
 * (TIME/TIMESTAMP NANOS, local timestamps, binary, floats). */
static int converted_type_of(const writer_leaf *leaf) {
  md_type t = leaf->type;
  switch (t.id) {
    case MD_TYPE_INT8: return CONVERTED_INT_8;
    case MD_TYPE_INT16: return CONVERTED_INT_8 + 1;
    case MD_TYPE_INT32: return CONVERTED_INT_8 + 2;
    case MD_TYPE_INT64: return CONVERTED_INT_8 + 3;
    case MD_TYPE_UINT8: return CONVERTED_UINT_8;
    case MD_TYPE_UINT16: return CONVERTED_UINT_8 + 1;
    case MD_TYPE_UINT32: return CONVERTED_UINT_8 + 2;
    case MD_TYPE_UINT64: return CONVERTED_UINT_8 + 3;
    case MD_TYPE_UTF8: return CONVERTED_UTF8;
    case MD_TYPE_DATE32: return CONVERTED_DATE;
    case MD_TYPE_TIME32: return CONVERTED_TIME_MILLIS;
    case MD_TYPE_TIME64: return t.unit == MD_MICRO ? CONVERTED_TIME_MICROS : -1;
    case MD_TYPE_TIMESTAMP:
      if (!t.utc) return -1;
      if (t.unit == MD_SECOND || t.unit == MD_MILLI) return CONVERTED_TIMESTAMP_MILLIS;
      if (t.unit == MD_MICRO) return CONVERTED_TIMESTAMP_MICROS;
      return -1;
    case MD_TYPE_DECIMAL128: return CONVERTED_DECIMAL;
    case MD_TYPE_INTERVAL_MDN: return CONVERTED_INTERVAL;
    default: return -1;
  }
}

static void write_logical_type(thrift_writer *w, const writer_leaf *leaf) {
  md_type t = leaf->type;
  switch (t.id) {
    case MD_TYPE_NULL:
      thrift_write_struct_begin(w, 10);
      thrift_write_empty_struct_field(w, 11); /* UNKNOWN */
      thrift_write_struct_end(w);
      return;
    case MD_TYPE_INT8: write_int_logical(w, 8, true); return;
    case MD_TYPE_INT16: write_int_logical(w, 16, true); return;
    case MD_TYPE_INT32: write_int_logical(w, 32, true); return;
    case MD_TYPE_INT64: write_int_logical(w, 64, true); return;
    case MD_TYPE_UINT8: write_int_logical(w, 8, false); return;
    case MD_TYPE_UINT16: write_int_logical(w, 16, false); return;
    case MD_TYPE_UINT32: write_int_logical(w, 32, false); return;
    case MD_TYPE_UINT64: write_int_logical(w, 64, false); return;
    case MD_TYPE_UTF8:
      thrift_write_struct_begin(w, 10);
      thrift_write_empty_struct_field(w, 1); /* STRING */
      thrift_write_struct_end(w);
      return;
    case MD_TYPE_DATE32:
      thrift_write_struct_begin(w, 10);
      thrift_write_empty_struct_field(w, 6); /* DATE */
      thrift_write_struct_end(w);
      return;
    case MD_TYPE_TIME32:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP:
      thrift_write_struct_begin(w, 10);
      thrift_write_struct_begin(w, t.id == MD_TYPE_TIMESTAMP ? 8 : 7);
      thrift_write_bool_field(w, 1, t.id == MD_TYPE_TIMESTAMP ? t.utc : false);
      write_time_unit(w, 2, t.unit);
      thrift_write_struct_end(w);
      thrift_write_struct_end(w);
      return;
    case MD_TYPE_DECIMAL128:
      thrift_write_struct_begin(w, 10);
      thrift_write_struct_begin(w, 5); /* DECIMAL */
      thrift_write_i32_field(w, 1, t.scale);
      thrift_write_i32_field(w, 2, t.precision);
      thrift_write_struct_end(w);
      thrift_write_struct_end(w);
      return;
    default: return; /* binary, fixed binary, floats, bool, interval: none */
  }
}

static void writer_schema_element(thrift_writer *w, const writer_leaf *leaf) {
  thrift_write_struct_element_begin(w);
  thrift_write_i32_field(w, 1, (int32_t)leaf->physical);
  if (leaf->physical == WRITER_FLBA) thrift_write_i32_field(w, 2, leaf->type_length);
  thrift_write_i32_field(w, 3, leaf->optional ? 1 : 0);
  thrift_write_string_field(w, 4, leaf->name);
  int converted = converted_type_of(leaf);
  if (converted >= 0) thrift_write_i32_field(w, 6, converted);
  if (leaf->type.id == MD_TYPE_DECIMAL128) {
    thrift_write_i32_field(w, 7, leaf->type.scale);
    thrift_write_i32_field(w, 8, leaf->type.precision);
  }
  write_logical_type(w, leaf);
  thrift_write_struct_end(w);
}

/* ------------------------------------------------------------ nested fields */

typedef struct tree_builder {
  writer_leaf *leaves;
  int *next_leaf;
  const char *path[2 * WRITER_MAX_NESTING + 2]; /* Parquet names from the top-level field down */
  int path_len;
} tree_builder;

int writer_count_leaves(const md_field *field) {
  md_type_id id = md_field_type(field).id;
  if (id != MD_TYPE_LIST && id != MD_TYPE_STRUCT && id != MD_TYPE_MAP) return 1;
  int n = 0;
  for (int i = 0; i < md_field_num_children(field); i++) n += writer_count_leaves(md_field_child(field, i));
  return n;
}

static md_code make_leaf(tree_builder *b, const md_field *field, writer_node *node, md_error *err) {
  size_t dotted_size = 1;
  for (int i = 0; i < b->path_len; i++) dotted_size += strlen(b->path[i]) + 1;
  char *dotted = malloc(dotted_size);
  const char **path = malloc((size_t)b->path_len * sizeof *path);
  if (!dotted || !path) {
    free(dotted);
    free(path);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  size_t at = 0;
  for (int i = 0; i < b->path_len; i++) {
    size_t n = strlen(b->path[i]);
    if (i) dotted[at++] = '.';
    memcpy(dotted + at, b->path[i], n);
    at += n;
    path[i] = b->path[i];
  }
  dotted[at] = '\0';
  writer_leaf leaf;
  md_code code = leaf_from_field(field, node->name, node->nullable, dotted, &leaf, err);
  if (code != MD_OK) {
    free(dotted);
    free(path);
    return code;
  }
  leaf.max_def = node->def;
  leaf.max_rep = node->rep;
  leaf.path = path;
  leaf.path_len = b->path_len;
  leaf.dotted = dotted;
  node->leaf = (*b->next_leaf)++;
  b->leaves[node->leaf] = leaf;
  return MD_OK;
}

static md_code build_node(tree_builder *b, const md_field *field, const char *name, bool nullable, int16_t def,
                          int16_t rep, writer_node *node, md_error *err);

/* Children of a node, built into a fresh array; names[i] overrides the field names. */
static md_code build_children(tree_builder *b, writer_node *node, const md_field *const *fields,
                              const char *const *names, const bool *nullable, int count, int16_t def, int16_t rep,
                              md_error *err) {
  node->children = calloc((size_t)count, sizeof *node->children);
  if (!node->children) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  node->num_children = count;
  for (int i = 0; i < count; i++) node->children[i].leaf = -1;
  for (int i = 0; i < count; i++) {
    md_code code = build_node(b, fields[i], names[i], nullable[i], def, rep, &node->children[i], err);
    if (code != MD_OK) return code;
    if (node->children[i].depth + 1 > node->depth) node->depth = node->children[i].depth + 1;
  }
  return MD_OK;
}

static md_code build_list(tree_builder *b, const md_field *field, writer_node *node, md_error *err) {
  if (md_field_num_children(field) != 1)
    return md_error_set(err, MD_ERR_SCHEMA, "column %s: a list needs exactly one child field", node->name);
  const md_field *element = md_field_child(field, 0);
  const char *name = "element";
  bool nullable = md_field_nullable(element);
  b->path[b->path_len++] = "list";
  md_code code = build_children(b, node, &element, &name, &nullable, 1, (int16_t)(node->def + 1), node->rep, err);
  b->path_len--;
  return code;
}

static md_code build_map(tree_builder *b, const md_field *field, writer_node *node, md_error *err) {
  const md_field *entries = md_field_num_children(field) == 1 ? md_field_child(field, 0) : NULL;
  if (!entries || md_field_type(entries).id != MD_TYPE_STRUCT || md_field_num_children(entries) != 2)
    return md_error_set(err, MD_ERR_SCHEMA, "column %s: a map needs one struct<key, value> child", node->name);
  node->children = calloc(1, sizeof *node->children);
  if (!node->children) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  node->num_children = 1;
  writer_node *kv = &node->children[0];
  kv->name = "key_value";
  kv->kind = MD_TYPE_STRUCT;
  kv->def = (int16_t)(node->def + 1);
  kv->rep = node->rep;
  kv->leaf = -1;
  kv->depth = 1;
  const md_field *fields[2] = {md_field_child(entries, 0), md_field_child(entries, 1)};
  const char *names[2] = {"key", "value"};
  bool nullable[2] = {false, md_field_nullable(fields[1])};
  b->path[b->path_len++] = "key_value";
  md_code code = build_children(b, kv, fields, names, nullable, 2, kv->def, node->rep, err);
  b->path_len--;
  node->depth = kv->depth + 1;
  return code;
}

static md_code build_struct(tree_builder *b, const md_field *field, writer_node *node, md_error *err) {
  int count = md_field_num_children(field);
  /* Parquet has no empty groups. */
  if (count == 0) return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: a struct without fields", node->name);
  const md_field **fields = malloc((size_t)count * sizeof *fields);
  const char **names = malloc((size_t)count * sizeof *names);
  bool *nullable = malloc((size_t)count * sizeof *nullable);
  md_code code;
  if (!fields || !names || !nullable) {
    code = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  } else {
    for (int i = 0; i < count; i++) {
      fields[i] = md_field_child(field, i);
      names[i] = md_field_name(fields[i]);
      nullable[i] = md_field_nullable(fields[i]);
    }
    code = build_children(b, node, fields, names, nullable, count, node->def, node->rep, err);
  }
  free(fields);
  free(names);
  free(nullable);
  return code;
}

/* def and rep are the levels a value of this node is reached with when present. */
static md_code build_node(tree_builder *b, const md_field *field, const char *name, bool nullable, int16_t def,
                          int16_t rep, writer_node *node, md_error *err) {
  md_type_id kind = md_field_type(field).id;
  node->name = name;
  node->kind = kind;
  node->nullable = nullable || kind == MD_TYPE_NULL;
  node->def = (int16_t)(def + (node->nullable ? 1 : 0));
  node->rep = rep;
  node->leaf = -1;
  node->depth = 1;
  if (b->path_len >= 2 * WRITER_MAX_NESTING)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: nested deeper than %d levels", b->path[0],
                        WRITER_MAX_NESTING);
  b->path[b->path_len++] = name;
  md_code code;
  switch (kind) {
    case MD_TYPE_LIST:
    case MD_TYPE_MAP:
      node->rep = (int16_t)(rep + 1);
      code = kind == MD_TYPE_LIST ? build_list(b, field, node, err) : build_map(b, field, node, err);
      break;
    case MD_TYPE_STRUCT: code = build_struct(b, field, node, err); break;
    default: code = make_leaf(b, field, node, err); break;
  }
  b->path_len--;
  return code;
}

md_code writer_node_build(const md_field *field, writer_leaf *leaves, int *next_leaf, writer_node *out,
                          md_error *err) {
  tree_builder b = {.leaves = leaves, .next_leaf = next_leaf, .path_len = 0};
  memset(out, 0, sizeof *out);
  return build_node(&b, field, md_field_name(field), md_field_nullable(field), 0, 0, out, err);
}

void writer_node_free(writer_node *node) {
  if (!node) return;
  for (int i = 0; node->children && i < node->num_children; i++) writer_node_free(&node->children[i]);
  free(node->children);
  node->children = NULL;
  node->num_children = 0;
}

void writer_leaf_free(writer_leaf *leaf) {
  if (!leaf) return;
  free(leaf->path);
  free(leaf->dotted);
  leaf->path = NULL;
  leaf->dotted = NULL;
}

enum { REPETITION_REQUIRED = 0, REPETITION_OPTIONAL = 1, REPETITION_REPEATED = 2 };

/* A group SchemaElement; converted < 0 and logical_field 0 mean no annotation. */
static void group_element(thrift_writer *w, const char *name, int repetition, int num_children, int converted,
                          int16_t logical_field) {
  thrift_write_struct_element_begin(w);
  thrift_write_i32_field(w, 3, repetition);
  thrift_write_string_field(w, 4, name);
  thrift_write_i32_field(w, 5, num_children);
  if (converted >= 0) thrift_write_i32_field(w, 6, converted);
  if (logical_field) {
    thrift_write_struct_begin(w, 10);
    thrift_write_empty_struct_field(w, logical_field);
    thrift_write_struct_end(w);
  }
  thrift_write_struct_end(w);
}

int writer_schema_count_elements(const writer_node *node) {
  int n = node->kind == MD_TYPE_LIST || node->kind == MD_TYPE_MAP ? 2 : 1;
  const writer_node *parent = node->kind == MD_TYPE_MAP ? &node->children[0] : node;
  for (int i = 0; i < parent->num_children; i++) n += writer_schema_count_elements(&parent->children[i]);
  return n;
}

void writer_schema_elements(thrift_writer *w, const writer_node *node, const writer_leaf *leaves) {
  int repetition = node->nullable ? REPETITION_OPTIONAL : REPETITION_REQUIRED;
  switch (node->kind) {
    case MD_TYPE_STRUCT:
      group_element(w, node->name, repetition, node->num_children, -1, 0);
      for (int i = 0; i < node->num_children; i++) writer_schema_elements(w, &node->children[i], leaves);
      return;
    case MD_TYPE_LIST:
      group_element(w, node->name, repetition, 1, CONVERTED_LIST, 3); /* LogicalType.LIST */
      group_element(w, "list", REPETITION_REPEATED, 1, -1, 0);
      writer_schema_elements(w, &node->children[0], leaves);
      return;
    case MD_TYPE_MAP: {
      const writer_node *kv = &node->children[0];
      group_element(w, node->name, repetition, 1, CONVERTED_MAP, 2); /* LogicalType.MAP */
      group_element(w, kv->name, REPETITION_REPEATED, kv->num_children, -1, 0);
      for (int i = 0; i < kv->num_children; i++) writer_schema_elements(w, &kv->children[i], leaves);
      return;
    }
    default: writer_schema_element(w, &leaves[node->leaf]); return;
  }
}
