/* arrow_schema.c — fields and schemas through the Arrow C Data Interface
 * (ArrowSchema): export with Arrow's format strings, import refusing what we
 * cannot represent with an error naming the format.
 *
 * Import notes: a timestamp with any non-empty timezone becomes utc=true
 * (Arrow stores such values as UTC instants; the zone name itself is dropped);
 * "d:p,s" and "d:p,s,128" are decimal128, other bit widths are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/core.h"

/* ------------------------------------------------------------------ export */

struct schema_private {
  char format[32];
  char *name;
  char *metadata; /* Arrow's binary key/value encoding, or NULL */
  int64_t n_children;
  struct ArrowSchema **child_pointers;
  struct ArrowSchema *children;
};

static void release_schema(struct ArrowSchema *schema) {
  if (!schema || !schema->release) return;
  struct schema_private *priv = schema->private_data;
  /* A consumer may have moved a child out (its release is then NULL). */
  for (int64_t i = 0; i < priv->n_children; i++)
    if (priv->children[i].release) priv->children[i].release(&priv->children[i]);
  free(priv->child_pointers);
  free(priv->children);
  free(priv->metadata);
  free(priv->name);
  free(priv);
  schema->release = NULL;
}

static char unit_letter(md_time_unit unit) {
  switch (unit) {
    case MD_SECOND: return 's';
    case MD_MILLI: return 'm';
    case MD_MICRO: return 'u';
    case MD_NANO: return 'n';
  }
  return '?';
}

static md_code format_of(md_type type, char *buf, size_t size, md_error *err) {
  static const char *const simple[MD_TYPE_COUNT_] = {
      [MD_TYPE_NULL] = "n",   [MD_TYPE_BOOL] = "b",   [MD_TYPE_INT8] = "c",    [MD_TYPE_INT16] = "s",
      [MD_TYPE_INT32] = "i",  [MD_TYPE_INT64] = "l",  [MD_TYPE_UINT8] = "C",   [MD_TYPE_UINT16] = "S",
      [MD_TYPE_UINT32] = "I", [MD_TYPE_UINT64] = "L", [MD_TYPE_FLOAT32] = "f", [MD_TYPE_FLOAT64] = "g",
      [MD_TYPE_UTF8] = "u",   [MD_TYPE_BINARY] = "z", [MD_TYPE_DATE32] = "tdD", [MD_TYPE_INTERVAL_MDN] = "tin",
      [MD_TYPE_LIST] = "+l",  [MD_TYPE_STRUCT] = "+s", [MD_TYPE_MAP] = "+m",
  };
  switch (type.id) {
    case MD_TYPE_FIXED_BINARY: snprintf(buf, size, "w:%d", (int)type.byte_width); return MD_OK;
    case MD_TYPE_DECIMAL128: snprintf(buf, size, "d:%d,%d", type.precision, type.scale); return MD_OK;
    case MD_TYPE_TIME32:
    case MD_TYPE_TIME64: snprintf(buf, size, "tt%c", unit_letter(type.unit)); return MD_OK;
    case MD_TYPE_TIMESTAMP:
      snprintf(buf, size, "ts%c:%s", unit_letter(type.unit), type.utc ? "UTC" : "");
      return MD_OK;
    default: break;
  }
  if (type.id < 0 || type.id >= MD_TYPE_COUNT_ || !simple[type.id])
    return md_error_set(err, MD_ERR_INTERNAL, "arrow export: no format for type id %d", (int)type.id);
  snprintf(buf, size, "%s", simple[type.id]);
  return MD_OK;
}

/* Arrow's metadata encoding: int32 count, then (int32 length, bytes) for each
 * key and value, in native byte order. */
static char *encode_metadata(const md_metadata *md) {
  int count = md_metadata_count(md);
  if (count == 0) return NULL;
  size_t size = 4;
  for (int i = 0; i < count; i++) size += 8 + strlen(md_metadata_key(md, i)) + strlen(md_metadata_value(md, i));
  char *buf = malloc(size);
  if (!buf) return NULL;
  char *at = buf;
  int32_t n = count;
  memcpy(at, &n, 4);
  at += 4;
  for (int i = 0; i < count; i++) {
    const char *parts[2] = {md_metadata_key(md, i), md_metadata_value(md, i)};
    for (int k = 0; k < 2; k++) {
      int32_t len = (int32_t)strlen(parts[k]);
      memcpy(at, &len, 4);
      memcpy(at + 4, parts[k], (size_t)len);
      at += 4 + len;
    }
  }
  return buf;
}

/* Fills out (untouched on error) for a node with the given type and children. */
/* Children come from a field or a schema; child_at abstracts which. */
typedef const md_field *(*child_at_fn)(const void *parent, int i);

static const md_field *field_child_at(const void *parent, int i) { return md_field_child(parent, i); }
static const md_field *schema_field_at(const void *parent, int i) { return md_schema_field(parent, i); }

static md_code export_node(const char *name, md_type type, int64_t flags, const md_metadata *metadata,
                           const void *parent, child_at_fn child_at, int n_children, struct ArrowSchema *out,
                           md_error *err);

static md_code export_field_into(const md_field *field, struct ArrowSchema *out, md_error *err) {
  int64_t flags = md_field_nullable(field) ? ARROW_FLAG_NULLABLE : 0;
  return export_node(md_field_name(field), md_field_type(field), flags, md_field_metadata_const(field), field,
                     field_child_at, md_field_num_children(field), out, err);
}

static md_code export_node(const char *name, md_type type, int64_t flags, const md_metadata *metadata,
                           const void *parent, child_at_fn child_at, int n_children, struct ArrowSchema *out,
                           md_error *err) {
  struct schema_private *priv = calloc(1, sizeof *priv);
  if (!priv) return md_error_set(err, MD_ERR_NOMEM, "arrow export: out of memory");
  struct ArrowSchema node = {0};
  node.private_data = priv;
  node.release = release_schema;
  md_code code = format_of(type, priv->format, sizeof priv->format, err);
  if (code != MD_OK) goto fail;
  priv->name = strdup(name);
  priv->metadata = encode_metadata(metadata);
  priv->children = calloc(n_children > 0 ? (size_t)n_children : 1, sizeof *priv->children);
  priv->child_pointers = calloc(n_children > 0 ? (size_t)n_children : 1, sizeof *priv->child_pointers);
  if (!priv->name || (md_metadata_count(metadata) > 0 && !priv->metadata) || !priv->children ||
      !priv->child_pointers) {
    code = md_error_set(err, MD_ERR_NOMEM, "arrow export: out of memory");
    goto fail;
  }
  for (int i = 0; i < n_children; i++) {
    if ((code = export_field_into(child_at(parent, i), &priv->children[i], err)) != MD_OK) {
      md_error_context(err, "field %s", name);
      goto fail;
    }
    priv->child_pointers[i] = &priv->children[i];
    priv->n_children++;
  }
  node.format = priv->format;
  node.name = priv->name;
  node.metadata = priv->metadata;
  node.flags = flags;
  node.n_children = n_children;
  node.children = priv->child_pointers;
  *out = node;
  return MD_OK;
fail:
  release_schema(&node);
  return code;
}

md_code md_field_export(const md_field *field, struct ArrowSchema *out, md_error *err) {
  if (!field || !out) return md_error_set(err, MD_ERR_INVALID, "arrow export: NULL field or output");
  return export_field_into(field, out, err);
}

md_code md_schema_export(const md_schema *schema, struct ArrowSchema *out, md_error *err) {
  if (!schema || !out) return md_error_set(err, MD_ERR_INVALID, "arrow export: NULL schema or output");
  return export_node("", md_type_make(MD_TYPE_STRUCT), 0, md_schema_metadata_const(schema), schema,
                     schema_field_at, md_schema_num_fields(schema), out, err);
}

/* ------------------------------------------------------------------ import */

static bool parse_int(const char **at, int *out) {
  const char *p = *at;
  if (*p < '0' || *p > '9') return false;
  long value = 0;
  while (*p >= '0' && *p <= '9') {
    value = value * 10 + (*p - '0');
    if (value > INT32_MAX) return false;
    p++;
  }
  *at = p;
  *out = (int)value;
  return true;
}

static bool parse_unit(char c, md_time_unit *unit) {
  switch (c) {
    case 's': *unit = MD_SECOND; return true;
    case 'm': *unit = MD_MILLI; return true;
    case 'u': *unit = MD_MICRO; return true;
    case 'n': *unit = MD_NANO; return true;
    default: return false;
  }
}

/* True when format names a type we represent; *out then holds it. */
static bool parse_format(const char *format, md_type *out) {
  static const struct { const char *format; md_type_id id; } simple[] = {
      {"n", MD_TYPE_NULL},    {"b", MD_TYPE_BOOL},    {"c", MD_TYPE_INT8},     {"s", MD_TYPE_INT16},
      {"i", MD_TYPE_INT32},   {"l", MD_TYPE_INT64},   {"C", MD_TYPE_UINT8},    {"S", MD_TYPE_UINT16},
      {"I", MD_TYPE_UINT32},  {"L", MD_TYPE_UINT64},  {"f", MD_TYPE_FLOAT32},  {"g", MD_TYPE_FLOAT64},
      {"u", MD_TYPE_UTF8},    {"z", MD_TYPE_BINARY},  {"tdD", MD_TYPE_DATE32}, {"tin", MD_TYPE_INTERVAL_MDN},
      {"+l", MD_TYPE_LIST},   {"+s", MD_TYPE_STRUCT}, {"+m", MD_TYPE_MAP},
  };
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
    if (strcmp(format, simple[i].format) == 0) {
      *out = md_type_make(simple[i].id);
      return true;
    }
  }
  const char *p = format;
  int a, b;
  md_time_unit unit;
  if (strncmp(p, "w:", 2) == 0) {
    p += 2;
    if (!parse_int(&p, &a) || *p || a <= 0) return false;
    *out = md_type_fixed_binary(a);
    return true;
  }
  if (strncmp(p, "d:", 2) == 0) {
    p += 2;
    if (!parse_int(&p, &a) || *p++ != ',' || !parse_int(&p, &b)) return false;
    if (*p == ',') {
      int bits;
      p++;
      if (!parse_int(&p, &bits) || bits != 128) return false;
    }
    if (*p || a < 1 || a > 38 || b > a) return false;
    *out = md_type_decimal(a, b);
    return true;
  }
  if (strncmp(p, "tt", 2) == 0 && p[2] && !p[3] && parse_unit(p[2], &unit)) {
    *out = md_type_time(unit);
    return true;
  }
  if (strncmp(p, "ts", 2) == 0 && p[2] && p[3] == ':' && parse_unit(p[2], &unit)) {
    *out = md_type_timestamp(unit, p[4] != '\0');
    return true;
  }
  return false;
}

/* Decodes Arrow's metadata encoding into md. The producer vouches for its bounds. */
static md_code import_metadata(const char *encoded, md_metadata *md, md_error *err) {
  if (!encoded) return MD_OK;
  if (!md) return md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  int32_t count;
  memcpy(&count, encoded, 4);
  const char *at = encoded + 4;
  if (count < 0) return md_error_set(err, MD_ERR_CORRUPT, "arrow import: negative metadata count");
  for (int32_t i = 0; i < count; i++) {
    char *parts[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
      int32_t len;
      memcpy(&len, at, 4);
      if (len < 0) {
        free(parts[0]);
        return md_error_set(err, MD_ERR_CORRUPT, "arrow import: negative metadata length");
      }
      parts[k] = strndup(at + 4, (size_t)len);
      at += 4 + len;
    }
    md_code code = parts[0] && parts[1] ? md_metadata_set(md, parts[0], parts[1], err)
                                        : md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
    free(parts[0]);
    free(parts[1]);
    if (code != MD_OK) return code;
  }
  return MD_OK;
}

static md_code import_field(const struct ArrowSchema *schema, md_field **out, md_error *err) {
  const char *name = schema->name ? schema->name : "";
  if (!schema->format) return md_error_set(err, MD_ERR_CORRUPT, "arrow import: field %s has no format", name);
  if (schema->dictionary)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "arrow import: field %s: dictionary-encoded format '%s' is not supported",
                        name, schema->format);
  md_type type;
  if (!parse_format(schema->format, &type))
    return md_error_set(err, MD_ERR_UNSUPPORTED, "arrow import: field %s: unsupported format '%s'", name,
                        schema->format);
  int64_t want = -1;
  if (type.id == MD_TYPE_LIST || type.id == MD_TYPE_MAP) want = 1;
  else if (type.id != MD_TYPE_STRUCT) want = 0;
  if (schema->n_children < 0 || (want >= 0 && schema->n_children != want) || (schema->n_children > 0 && !schema->children))
    return md_error_set(err, MD_ERR_CORRUPT, "arrow import: field %s: format '%s' with %lld children", name,
                        schema->format, (long long)schema->n_children);
  md_field *field = md_field_new(name, type, (schema->flags & ARROW_FLAG_NULLABLE) != 0);
  if (!field) return md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  md_code code = schema->metadata ? import_metadata(schema->metadata, md_field_metadata(field), err) : MD_OK;
  for (int64_t i = 0; code == MD_OK && i < schema->n_children; i++) {
    md_field *child = NULL;
    if (!schema->children[i]) code = md_error_set(err, MD_ERR_CORRUPT, "arrow import: NULL child %lld", (long long)i);
    else if ((code = import_field(schema->children[i], &child, err)) == MD_OK) code = md_field_add_child(field, child, err);
  }
  if (code == MD_OK && type.id == MD_TYPE_MAP && md_field_num_children(md_field_child(field, 0)) != 2)
    code = md_error_set(err, MD_ERR_CORRUPT, "arrow import: map entries must be struct<key, value>");
  if (code != MD_OK) {
    md_field_free(field);
    return md_error_context(err, "field %s", name);
  }
  *out = field;
  return MD_OK;
}

md_code md_field_import(const struct ArrowSchema *schema, md_field **out, md_error *err) {
  if (!schema || !out) return md_error_set(err, MD_ERR_INVALID, "arrow import: NULL schema or output");
  if (!schema->release) return md_error_set(err, MD_ERR_INVALID, "arrow import: schema was already released");
  return import_field(schema, out, err);
}

md_code md_schema_import(const struct ArrowSchema *schema, md_schema **out, md_error *err) {
  if (!schema || !out) return md_error_set(err, MD_ERR_INVALID, "arrow import: NULL schema or output");
  if (!schema->release) return md_error_set(err, MD_ERR_INVALID, "arrow import: schema was already released");
  if (!schema->format || strcmp(schema->format, "+s") != 0)
    return md_error_set(err, MD_ERR_SCHEMA, "arrow import: a schema must be a struct ('+s'), not '%s'",
                        schema->format ? schema->format : "(null)");
  md_field *root = NULL;
  md_code code = import_field(schema, &root, err);
  if (code != MD_OK) return code;
  md_schema *result = md_schema_new();
  if (!result) code = md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  if (code == MD_OK && md_field_metadata_const(root)) {
    const md_metadata *md = md_field_metadata_const(root);
    for (int i = 0; code == MD_OK && i < md_metadata_count(md); i++)
      code = md_metadata_set(md_schema_metadata(result), md_metadata_key(md, i), md_metadata_value(md, i), err);
  }
  for (int i = 0; code == MD_OK && i < md_field_num_children(root); i++) {
    md_field *copy = md_field_copy(md_field_child(root, i));
    code = copy ? md_schema_add(result, copy, err) : md_error_set(err, MD_ERR_NOMEM, "arrow import: out of memory");
  }
  md_field_free(root);
  if (code != MD_OK) {
    md_schema_free(result);
    return code;
  }
  *out = result;
  return MD_OK;
}
