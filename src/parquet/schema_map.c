/* schema_map.c — Parquet schema elements to core fields and column nodes.
 *
 * Types are mapped logical type first, then converted type, then physical type
 * (LogicalTypes.md); an annotation that does not fit its physical type is
 * ignored rather than trusted. Nested groups follow the spec's backward-
 * compatibility rules for LIST (3-level, 2-level, `array`, `<name>_tuple`,
 * un-annotated repeated fields) and MAP / MAP_KEY_VALUE. */
#include "parquet/schema_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SCHEMA_DEPTH = 64 };

typedef struct tree {
  const pq_file_meta *meta;
  int16_t *def, *rep;   /* per element */
  int *kid_offset;      /* per element: start of its children in kids */
  int *kids;
  int kid_used;
  int *leaf_of;         /* per element: leaf index or -1 */
  int pos;              /* next element to parse */
  pq_schema_map *map;
  md_time_unit int96_unit;
} tree;

/* --------------------------------------------------------------- leaf types */

static void set_type(pq_leaf *l, md_type type, pq_conv conv, bool is_signed) {
  l->type = type;
  l->conv = conv;
  l->is_signed = is_signed;
}

static void map_physical(pq_leaf *l) {
  switch (l->physical) {
    case PQ_BOOLEAN: set_type(l, md_type_make(MD_TYPE_BOOL), PQ_CONV_BOOL, false); break;
    case PQ_INT32: set_type(l, md_type_make(MD_TYPE_INT32), PQ_CONV_INT, true); break;
    case PQ_INT64: set_type(l, md_type_make(MD_TYPE_INT64), PQ_CONV_INT, true); break;
    case PQ_INT96: set_type(l, md_type_timestamp(MD_NANO, false), PQ_CONV_INT96, false); break;
    case PQ_FLOAT: set_type(l, md_type_make(MD_TYPE_FLOAT32), PQ_CONV_FLOAT, false); break;
    case PQ_DOUBLE: set_type(l, md_type_make(MD_TYPE_FLOAT64), PQ_CONV_DOUBLE, false); break;
    case PQ_BYTE_ARRAY: set_type(l, md_type_make(MD_TYPE_BINARY), PQ_CONV_BYTES, false); break;
    default: set_type(l, md_type_fixed_binary(l->type_length), PQ_CONV_FIXED, false); break;
  }
}

static bool is_int_physical(const pq_leaf *l) { return l->physical == PQ_INT32 || l->physical == PQ_INT64; }

static bool map_integer(pq_leaf *l, int bits, bool is_signed) {
  if (!is_int_physical(l)) return false;
  md_type_id id;
  switch (bits) {
    case 8: id = is_signed ? MD_TYPE_INT8 : MD_TYPE_UINT8; break;
    case 16: id = is_signed ? MD_TYPE_INT16 : MD_TYPE_UINT16; break;
    case 32: id = is_signed ? MD_TYPE_INT32 : MD_TYPE_UINT32; break;
    case 64: id = is_signed ? MD_TYPE_INT64 : MD_TYPE_UINT64; break;
    default: return false;
  }
  set_type(l, md_type_make(id), PQ_CONV_INT, is_signed);
  return true;
}

static md_code map_decimal(pq_leaf *l, int32_t precision, int32_t scale, bool *mapped, md_error *err) {
  bool ints = is_int_physical(l);
  if (!ints && l->physical != PQ_BYTE_ARRAY && l->physical != PQ_FIXED_LEN_BYTE_ARRAY) return MD_OK;
  if (precision > 38)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: DECIMAL(%d,%d) is wider than 38 digits", l->path,
                        precision, scale);
  if (precision < 1 || scale < 0 || scale > precision)
    return md_error_set(err, MD_ERR_CORRUPT, "column %s: invalid DECIMAL(%d,%d)", l->path, precision, scale);
  set_type(l, md_type_decimal(precision, scale), ints ? PQ_CONV_DECIMAL_INT : PQ_CONV_DECIMAL_BYTES, true);
  *mapped = true;
  return MD_OK;
}

static bool map_time(pq_leaf *l, int unit) {
  if (unit == 1 && l->physical == PQ_INT32) set_type(l, md_type_time(MD_MILLI), PQ_CONV_INT, true);
  else if (unit == 2 && l->physical == PQ_INT64) set_type(l, md_type_time(MD_MICRO), PQ_CONV_INT, true);
  else if (unit == 3 && l->physical == PQ_INT64) set_type(l, md_type_time(MD_NANO), PQ_CONV_INT, true);
  else return false;
  return true;
}

static bool map_timestamp(pq_leaf *l, int unit, bool utc) {
  static const md_time_unit units[] = {MD_SECOND, MD_MILLI, MD_MICRO, MD_NANO};
  if (l->physical != PQ_INT64 || unit < 1 || unit > 3) return false;
  set_type(l, md_type_timestamp(units[unit], utc), PQ_CONV_INT, true);
  return true;
}

static const char *unit_name(int unit) { return unit == 1 ? "MILLIS" : unit == 2 ? "MICROS" : "NANOS"; }

static md_code map_logical(const pq_schema_element *e, pq_leaf *l, bool *mapped, md_error *err) {
  const pq_logical_type *lt = &e->logical;
  char *name = l->logical_name;
  size_t cap = sizeof l->logical_name;
  bool bytes = l->physical == PQ_BYTE_ARRAY;
  switch (lt->kind) {
    case PQ_LT_STRING: snprintf(name, cap, "STRING"); goto text;
    case PQ_LT_ENUM: snprintf(name, cap, "ENUM"); goto text;
    case PQ_LT_JSON: snprintf(name, cap, "JSON");
    text:
      if (bytes) {
        set_type(l, md_type_make(MD_TYPE_UTF8), PQ_CONV_BYTES, false);
        *mapped = true;
      }
      return MD_OK;
    case PQ_LT_DECIMAL: {
      int32_t precision = lt->precision ? lt->precision : e->precision;
      int32_t scale = lt->precision ? lt->scale : e->scale;
      snprintf(name, cap, "DECIMAL(%d,%d)", precision, scale);
      return map_decimal(l, precision, scale, mapped, err);
    }
    case PQ_LT_DATE:
      snprintf(name, cap, "DATE");
      if (l->physical == PQ_INT32) {
        set_type(l, md_type_make(MD_TYPE_DATE32), PQ_CONV_INT, true);
        *mapped = true;
      }
      return MD_OK;
    case PQ_LT_TIME:
      snprintf(name, cap, "TIME(%s,%s)", unit_name(lt->unit), lt->adjusted_to_utc ? "UTC" : "local");
      *mapped = map_time(l, lt->unit);
      return MD_OK;
    case PQ_LT_TIMESTAMP:
      snprintf(name, cap, "TIMESTAMP(%s,%s)", unit_name(lt->unit), lt->adjusted_to_utc ? "UTC" : "local");
      *mapped = map_timestamp(l, lt->unit, lt->adjusted_to_utc);
      return MD_OK;
    case PQ_LT_INTEGER:
      snprintf(name, cap, "INT(%d,%s)", lt->bit_width, lt->is_signed ? "signed" : "unsigned");
      *mapped = map_integer(l, lt->bit_width, lt->is_signed);
      return MD_OK;
    case PQ_LT_FLOAT16:
      snprintf(name, cap, "FLOAT16");
      if (l->physical == PQ_FIXED_LEN_BYTE_ARRAY && l->type_length == 2) {
        set_type(l, md_type_make(MD_TYPE_FLOAT32), PQ_CONV_FLOAT16, false);
        *mapped = true;
      }
      return MD_OK;
    case PQ_LT_UUID: snprintf(name, cap, "UUID"); break;
    case PQ_LT_BSON: snprintf(name, cap, "BSON"); break;
    case PQ_LT_NULL: snprintf(name, cap, "NULL"); break;
    case PQ_LT_GEOMETRY: snprintf(name, cap, "GEOMETRY"); break;
    case PQ_LT_GEOGRAPHY: snprintf(name, cap, "GEOGRAPHY"); break;
    case PQ_LT_VARIANT: snprintf(name, cap, "VARIANT"); break;
    default: snprintf(name, cap, "UNKNOWN"); break;
  }
  /* Annotations that keep the physical representation. */
  map_physical(l);
  *mapped = true;
  return MD_OK;
}

static md_code map_converted(const pq_schema_element *e, pq_leaf *l, bool *mapped, md_error *err) {
  static const char *const names[] = {"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL",
                                      "DATE", "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS",
                                      "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64",
                                      "INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL"};
  int ct = e->converted_type;
  if (ct >= 0 && ct <= PQ_CT_INTERVAL) snprintf(l->logical_name, sizeof l->logical_name, "%s", names[ct]);
  switch (ct) {
    case PQ_CT_UTF8:
    case PQ_CT_ENUM:
    case PQ_CT_JSON:
      if (l->physical == PQ_BYTE_ARRAY) {
        set_type(l, md_type_make(MD_TYPE_UTF8), PQ_CONV_BYTES, false);
        *mapped = true;
      }
      return MD_OK;
    case PQ_CT_DECIMAL:
      snprintf(l->logical_name, sizeof l->logical_name, "DECIMAL(%d,%d)", e->precision, e->scale);
      return map_decimal(l, e->precision, e->scale, mapped, err);
    case PQ_CT_DATE:
      if (l->physical == PQ_INT32) {
        set_type(l, md_type_make(MD_TYPE_DATE32), PQ_CONV_INT, true);
        *mapped = true;
      }
      return MD_OK;
    case PQ_CT_TIME_MILLIS: *mapped = map_time(l, 1); return MD_OK;
    case PQ_CT_TIME_MICROS: *mapped = map_time(l, 2); return MD_OK;
    /* The spec defines the legacy timestamp annotations as UTC-adjusted. */
    case PQ_CT_TIMESTAMP_MILLIS: *mapped = map_timestamp(l, 1, true); return MD_OK;
    case PQ_CT_TIMESTAMP_MICROS: *mapped = map_timestamp(l, 2, true); return MD_OK;
    case PQ_CT_UINT_8: *mapped = map_integer(l, 8, false); return MD_OK;
    case PQ_CT_UINT_16: *mapped = map_integer(l, 16, false); return MD_OK;
    case PQ_CT_UINT_32: *mapped = map_integer(l, 32, false); return MD_OK;
    case PQ_CT_UINT_64: *mapped = map_integer(l, 64, false); return MD_OK;
    case PQ_CT_INT_8: *mapped = map_integer(l, 8, true); return MD_OK;
    case PQ_CT_INT_16: *mapped = map_integer(l, 16, true); return MD_OK;
    case PQ_CT_INT_32: *mapped = map_integer(l, 32, true); return MD_OK;
    case PQ_CT_INT_64: *mapped = map_integer(l, 64, true); return MD_OK;
    case PQ_CT_INTERVAL:
      if (l->physical == PQ_FIXED_LEN_BYTE_ARRAY && l->type_length == 12) {
        set_type(l, md_type_make(MD_TYPE_INTERVAL_MDN), PQ_CONV_INTERVAL, false);
        *mapped = true;
      }
      return MD_OK;
    default: return MD_OK;
  }
}

static md_code map_leaf(const pq_schema_element *e, pq_leaf *l, md_error *err) {
  l->physical = e->type;
  l->type_length = e->type_length;
  static const int widths[] = {1, 4, 8, 12, 4, 8, 0, 0};
  if (e->type < 0 || e->type > PQ_FIXED_LEN_BYTE_ARRAY)
    return md_error_set(err, MD_ERR_CORRUPT, "column %s: unknown physical type %d", l->path, e->type);
  l->src_width = widths[e->type];
  if (e->type == PQ_FIXED_LEN_BYTE_ARRAY) {
    if (e->type_length <= 0 || e->type_length > (1 << 24))
      return md_error_set(err, MD_ERR_CORRUPT, "column %s: invalid FIXED_LEN_BYTE_ARRAY length %d", l->path,
                          e->type_length);
    l->src_width = e->type_length;
  }
  l->logical_name[0] = '\0';
  bool mapped = false;
  md_code rc = MD_OK;
  if (e->logical.kind == PQ_LT_UNKNOWN_ID) {
    snprintf(l->logical_name, sizeof l->logical_name, "UNKNOWN");
  } else if (e->logical.kind != PQ_LT_NONE) {
    rc = map_logical(e, l, &mapped, err);
  } else if (e->has_converted) {
    rc = map_converted(e, l, &mapped, err);
  }
  if (rc) return rc;
  if (!mapped) map_physical(l);
  return MD_OK;
}

/* ------------------------------------------------------------- tree parsing */

static md_code parse_node(tree *t, int depth, int16_t parent_def, int16_t parent_rep, int top_level,
                          const char *parent_path, md_error *err) {
  const pq_file_meta *meta = t->meta;
  if (t->pos >= (int)meta->num_schema)
    return md_error_set(err, MD_ERR_CORRUPT, "schema: element list ends inside a group");
  if (depth > MAX_SCHEMA_DEPTH)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "schema: nested deeper than %d levels", MAX_SCHEMA_DEPTH);
  int idx = t->pos++;
  const pq_schema_element *e = &meta->schema[idx];
  bool is_root = depth == 0;
  if (!is_root && top_level < 0) top_level = t->map->num_top++;
  int16_t def = parent_def, rep = parent_rep;
  if (!is_root && e->repetition != PQ_REQUIRED) def++;
  if (!is_root && e->repetition == PQ_REPEATED) rep++;
  t->def[idx] = def;
  t->rep[idx] = rep;
  t->leaf_of[idx] = -1;

  char *path = NULL;
  if (!is_root) {
    size_t n = strlen(parent_path) + strlen(e->name) + 2;
    path = malloc(n);
    if (!path) return md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
    snprintf(path, n, "%s%s%s", parent_path, parent_path[0] ? "." : "", e->name);
  }
  int children = e->num_children;
  if (children == 0 && !is_root) {
    if (!e->has_type) {
      md_code rc = md_error_set(err, MD_ERR_UNSUPPORTED, "schema: empty group %s", path);
      free(path);
      return rc;
    }
    pq_leaf *l = &t->map->leaves[t->map->num_leaves];
    memset(l, 0, sizeof *l);
    l->element = idx;
    l->top_level = top_level;
    l->max_def = def;
    l->max_rep = rep;
    l->path = path;
    t->leaf_of[idx] = t->map->num_leaves++;
    md_code rc = map_leaf(e, l, err);
    if (rc == MD_OK && l->conv == PQ_CONV_INT96) l->type.unit = t->int96_unit;
    return rc;
  }
  if (children > (int)meta->num_schema - t->kid_used) {
    free(path);
    return md_error_set(err, MD_ERR_CORRUPT, "schema: group %s claims %d children", e->name, children);
  }
  t->kid_offset[idx] = t->kid_used;
  t->kid_used += children;
  for (int k = 0; k < children; k++) {
    t->kids[t->kid_offset[idx] + k] = t->pos;
    md_code rc = parse_node(t, depth + 1, def, rep, is_root ? -1 : top_level, path ? path : "", err);
    if (rc) {
      free(path);
      return rc;
    }
  }
  free(path);
  return MD_OK;
}

/* ------------------------------------------------------ fields & col nodes */

static bool is_annotated(const pq_schema_element *e, int logical, int converted) {
  if (e->logical.kind == logical) return true;
  return e->logical.kind == PQ_LT_NONE && e->has_converted && e->converted_type == converted;
}

static md_code convert(tree *t, int idx, int16_t slot_def, int16_t slot_rep, bool as_required, const char *name,
                       md_field **out_field, pq_colnode *cn, md_error *err);

static md_code convert_struct(tree *t, int idx, int16_t def, bool nullable, int16_t slot_def, int16_t slot_rep,
                              const char *name, const char *const *child_names, md_field **out_field,
                              pq_colnode *cn, md_error *err);

static int first_leaf_below(tree *t, int idx) {
  while (t->leaf_of[idx] < 0) idx = t->kids[t->kid_offset[idx]];
  return t->leaf_of[idx];
}

static md_code make_field(const char *name, md_type type, bool nullable, md_field **out, md_error *err) {
  *out = md_field_new(name, type, nullable);
  return *out ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
}

/* Builds a LIST or MAP node whose repeated child is rep_idx and element elem_idx. */
static md_code convert_repeated(tree *t, md_type_id kind, int16_t def, bool nullable, int rep_idx, int elem_idx,
                                bool elem_as_required, const char *name, int16_t slot_def, int16_t slot_rep,
                                md_field **out_field, pq_colnode *cn, md_error *err) {
  cn->kind = kind;
  cn->def = def;
  cn->nullable = nullable;
  cn->slot_def = slot_def;
  cn->slot_rep = slot_rep;
  cn->child_def = t->def[rep_idx];
  cn->child_rep = t->rep[rep_idx];
  cn->leaf = -1;
  cn->first_leaf = first_leaf_below(t, rep_idx);
  cn->children = calloc(1, sizeof *cn->children);
  if (!cn->children) return md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
  cn->num_children = 1;
  md_field *field;
  md_code rc = make_field(name, md_type_make(kind), nullable, &field, err);
  if (rc) return rc;
  md_field *child = NULL;
  static const char *const entry_names[] = {"key", "value"};
  if (kind == MD_TYPE_MAP)
    rc = convert_struct(t, elem_idx, t->def[elem_idx], false, cn->child_def, cn->child_rep, "key_value",
                        entry_names, &child, &cn->children[0], err);
  else
    rc = convert(t, elem_idx, cn->child_def, cn->child_rep, elem_as_required, "element", &child,
                 &cn->children[0], err);
  if (!rc) rc = md_field_add_child(field, child, err);
  if (rc) {
    md_field_free(field);
    return rc;
  }
  *out_field = field;
  return MD_OK;
}

/* child_names overrides the Parquet names (map entries are always key, value). */
static md_code convert_struct(tree *t, int idx, int16_t def, bool nullable, int16_t slot_def, int16_t slot_rep,
                              const char *name, const char *const *child_names, md_field **out_field,
                              pq_colnode *cn, md_error *err) {
  const pq_schema_element *e = &t->meta->schema[idx];
  cn->kind = MD_TYPE_STRUCT;
  cn->def = def;
  cn->nullable = nullable;
  cn->slot_def = slot_def;
  cn->slot_rep = slot_rep;
  cn->leaf = -1;
  cn->first_leaf = first_leaf_below(t, idx);
  cn->children = calloc((size_t)e->num_children, sizeof *cn->children);
  if (!cn->children) return md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
  cn->num_children = e->num_children;
  md_field *field;
  md_code rc = make_field(name, md_type_make(MD_TYPE_STRUCT), nullable, &field, err);
  for (int k = 0; !rc && k < e->num_children; k++) {
    int kid = t->kids[t->kid_offset[idx] + k];
    md_field *child = NULL;
    const char *child_name = child_names ? child_names[k] : t->meta->schema[kid].name;
    rc = convert(t, kid, slot_def, slot_rep, false, child_name, &child, &cn->children[k], err);
    if (!rc) rc = md_field_add_child(field, child, err);
  }
  if (rc) {
    md_field_free(field);
    return rc;
  }
  *out_field = field;
  return MD_OK;
}

static md_code convert(tree *t, int idx, int16_t slot_def, int16_t slot_rep, bool as_required, const char *name,
                       md_field **out_field, pq_colnode *cn, md_error *err) {
  const pq_schema_element *e = &t->meta->schema[idx];
  bool repeated = e->repetition == PQ_REPEATED;
  if (repeated && !as_required) {
    /* An un-annotated repeated field is a required list of required elements. */
    return convert_repeated(t, MD_TYPE_LIST, (int16_t)(t->def[idx] - 1), false, idx, idx, true, name, slot_def,
                            slot_rep, out_field, cn, err);
  }
  bool nullable = !as_required && e->repetition == PQ_OPTIONAL;
  int16_t def = t->def[idx];
  int leaf = t->leaf_of[idx];
  if (leaf >= 0) {
    pq_leaf *l = &t->map->leaves[leaf];
    l->slot_def = slot_def;
    l->slot_rep = slot_rep;
    memset(cn, 0, sizeof *cn);
    cn->kind = l->type.id;
    cn->def = def;
    cn->nullable = nullable;
    cn->slot_def = slot_def;
    cn->slot_rep = slot_rep;
    cn->leaf = leaf;
    cn->first_leaf = leaf;
    return make_field(name, l->type, nullable, out_field, err);
  }
  int n = e->num_children;
  const int *kids = &t->kids[t->kid_offset[idx]];
  if (n == 1 && is_annotated(e, PQ_LT_LIST, PQ_CT_LIST) && t->meta->schema[kids[0]].repetition == PQ_REPEATED) {
    int r = kids[0];
    const pq_schema_element *re = &t->meta->schema[r];
    int elem = r;
    bool elem_required = true;
    if (re->num_children == 1 && strcmp(re->name, "array") != 0) {
      char tuple[512];
      snprintf(tuple, sizeof tuple, "%s_tuple", e->name);
      if (strcmp(re->name, tuple) != 0) {
        elem = t->kids[t->kid_offset[r]]; /* the standard 3-level form */
        elem_required = false;
      }
    }
    return convert_repeated(t, MD_TYPE_LIST, def, nullable, r, elem, elem_required, name, slot_def, slot_rep,
                            out_field, cn, err);
  }
  if (n == 1 && (is_annotated(e, PQ_LT_MAP, PQ_CT_MAP) || (e->has_converted && e->converted_type == PQ_CT_MAP_KEY_VALUE)) &&
      t->meta->schema[kids[0]].repetition == PQ_REPEATED) {
    int kv = kids[0];
    const pq_schema_element *kve = &t->meta->schema[kv];
    if (kve->num_children != 2)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "schema: map %s without exactly a key and a value", e->name);
    return convert_repeated(t, MD_TYPE_MAP, def, nullable, kv, kv, true, name, slot_def, slot_rep, out_field, cn,
                            err);
  }
  return convert_struct(t, idx, def, nullable, slot_def, slot_rep, name, NULL, out_field, cn, err);
}

static void colnode_free(pq_colnode *cn) {
  for (int i = 0; i < cn->num_children; i++) colnode_free(&cn->children[i]);
  free(cn->children);
}

void pq_schema_map_free(pq_schema_map *map) {
  if (!map) return;
  md_schema_free(map->schema);
  for (int i = 0; i < map->num_leaves; i++) free(map->leaves[i].path);
  free(map->leaves);
  for (int i = 0; map->top && i < map->num_top; i++) colnode_free(&map->top[i]);
  free(map->top);
  free(map->top_first_leaf);
  free(map->top_num_leaves);
  memset(map, 0, sizeof *map);
}

md_code pq_schema_map_build(const pq_file_meta *meta, md_time_unit int96_unit, pq_schema_map *out, md_error *err) {
  pq_schema_map map;
  memset(&map, 0, sizeof map);
  size_t n = meta->num_schema;
  tree t = {.meta = meta, .map = &map, .int96_unit = int96_unit};
  t.def = calloc(n, sizeof *t.def);
  t.rep = calloc(n, sizeof *t.rep);
  t.kid_offset = calloc(n, sizeof *t.kid_offset);
  t.kids = calloc(n, sizeof *t.kids);
  t.leaf_of = calloc(n, sizeof *t.leaf_of);
  map.leaves = calloc(n, sizeof *map.leaves);
  md_code rc = MD_OK;
  if (!t.def || !t.rep || !t.kid_offset || !t.kids || !t.leaf_of || !map.leaves)
    rc = md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
  if (!rc) rc = parse_node(&t, 0, 0, 0, -1, "", err);
  if (!rc && t.pos != (int)n)
    rc = md_error_set(err, MD_ERR_CORRUPT, "schema: %zu elements after the root's last child", n - (size_t)t.pos);
  if (!rc) {
    map.schema = md_schema_new();
    map.top = calloc((size_t)map.num_top + 1, sizeof *map.top);
    map.top_first_leaf = calloc((size_t)map.num_top + 1, sizeof *map.top_first_leaf);
    map.top_num_leaves = calloc((size_t)map.num_top + 1, sizeof *map.top_num_leaves);
    if (!map.schema || !map.top || !map.top_first_leaf || !map.top_num_leaves)
      rc = md_error_set(err, MD_ERR_NOMEM, "schema: out of memory");
  }
  for (int i = 0; !rc && i < map.num_top; i++) {
    int idx = t.kids[t.kid_offset[0] + i];
    md_field *field = NULL;
    rc = convert(&t, idx, 0, 0, false, meta->schema[idx].name, &field, &map.top[i], err);
    if (!rc) rc = md_schema_add(map.schema, field, err);
    map.top_first_leaf[i] = -1;
  }
  for (int l = 0; !rc && l < map.num_leaves; l++) {
    int top = map.leaves[l].top_level;
    if (map.top_first_leaf[top] < 0) map.top_first_leaf[top] = l;
    map.top_num_leaves[top]++;
  }
  if (!rc) {
    for (uint32_t i = 0; i < meta->num_key_values; i++) {
      const pq_key_value *kv = &meta->key_values[i];
      rc = md_metadata_set(md_schema_metadata(map.schema), kv->key, kv->value ? kv->value : "", err);
      if (rc) break;
    }
  }
  free(t.def);
  free(t.rep);
  free(t.kid_offset);
  free(t.kids);
  free(t.leaf_of);
  if (rc) {
    pq_schema_map_free(&map);
    return rc;
  }
  *out = map;
  return MD_OK;
}
