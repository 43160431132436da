/* metadata.c — FileMetaData and PageHeader from Thrift compact bytes.
 *
 * Each parse_* function walks one Thrift struct, keeps the fields Medallion
 * uses and skips the rest (new writers add fields; old readers must ignore
 * them). Required fields are checked after the walk so that a truncated or
 * garbled footer fails with a message rather than yielding zeros. */
#include "parquet/metadata.h"

#include <stdlib.h>
#include <string.h>

#include "parquet/thrift_read.h"

static char *dup_binary(thrift_reader *r, int type) {
  const uint8_t *bytes;
  uint32_t length;
  if (!thrift_read_binary(r, type, &bytes, &length)) return NULL;
  char *s = malloc((size_t)length + 1);
  if (!s) {
    thrift_fail(r, "out of memory");
    return NULL;
  }
  memcpy(s, bytes, length);
  s[length] = '\0';
  return s;
}

/* Reads an empty-struct union member (e.g. TimeUnit's MILLIS) and returns its id. */
static bool parse_union_id(thrift_reader *r, int *out_id) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  *out_id = 0;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (*out_id == 0) *out_id = id;
    if (!thrift_skip(r, type)) return false;
  }
  thrift_struct_end(r);
  return !r->failed;
}

static bool parse_time_like(thrift_reader *r, pq_logical_type *lt) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id == 1) {
      thrift_field_bool(r, type, &lt->adjusted_to_utc);
    } else if (id == 2 && type == THRIFT_STRUCT) {
      int unit;
      if (parse_union_id(r, &unit)) lt->unit = unit >= 1 && unit <= 3 ? unit : 0;
    } else {
      thrift_skip(r, type);
    }
  }
  thrift_struct_end(r);
  return !r->failed;
}

static bool parse_logical_type(thrift_reader *r, pq_logical_type *lt) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  memset(lt, 0, sizeof *lt);
  while (thrift_next_field(r, &s, &id, &type)) {
    if (type != THRIFT_STRUCT) {
      thrift_skip(r, type);
      continue;
    }
    if (lt->kind != PQ_LT_NONE) { /* a union has one member; keep the first */
      thrift_skip(r, type);
      continue;
    }
    switch (id) {
      case PQ_LT_DECIMAL: {
        lt->kind = PQ_LT_DECIMAL;
        thrift_struct d;
        if (!thrift_struct_begin(r, &d)) break;
        int16_t fid;
        int ft;
        while (thrift_next_field(r, &d, &fid, &ft)) {
          if (fid == 1) thrift_read_i32(r, ft, &lt->scale);
          else if (fid == 2) thrift_read_i32(r, ft, &lt->precision);
          else thrift_skip(r, ft);
        }
        thrift_struct_end(r);
        break;
      }
      case PQ_LT_TIME:
      case PQ_LT_TIMESTAMP:
        lt->kind = id;
        parse_time_like(r, lt);
        break;
      case PQ_LT_INTEGER: {
        lt->kind = PQ_LT_INTEGER;
        thrift_struct d;
        if (!thrift_struct_begin(r, &d)) break;
        int16_t fid;
        int ft;
        while (thrift_next_field(r, &d, &fid, &ft)) {
          if (fid == 1) thrift_read_i8(r, ft, &lt->bit_width);
          else if (fid == 2) thrift_field_bool(r, ft, &lt->is_signed);
          else thrift_skip(r, ft);
        }
        thrift_struct_end(r);
        break;
      }
      case PQ_LT_STRING: case PQ_LT_MAP: case PQ_LT_LIST: case PQ_LT_ENUM: case PQ_LT_DATE:
      case PQ_LT_NULL: case PQ_LT_JSON: case PQ_LT_BSON: case PQ_LT_UUID: case PQ_LT_FLOAT16:
      case PQ_LT_VARIANT: case PQ_LT_GEOMETRY: case PQ_LT_GEOGRAPHY: case PQ_LT_VECTOR:
        lt->kind = id;
        thrift_skip(r, type);
        break;
      default:
        lt->kind = PQ_LT_UNKNOWN_ID;
        thrift_skip(r, type);
        break;
    }
  }
  thrift_struct_end(r);
  return !r->failed;
}

static bool parse_schema_element(thrift_reader *r, pq_schema_element *e) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  while (thrift_next_field(r, &s, &id, &type)) {
    switch (id) {
      case 1: e->has_type = thrift_read_i32(r, type, &e->type); break;
      case 2: thrift_read_i32(r, type, &e->type_length); break;
      case 3: e->has_repetition = thrift_read_i32(r, type, &e->repetition); break;
      case 4:
        if (e->name) thrift_skip(r, type);
        else e->name = dup_binary(r, type);
        break;
      case 5: thrift_read_i32(r, type, &e->num_children); break;
      case 6: e->has_converted = thrift_read_i32(r, type, &e->converted_type); break;
      case 7: thrift_read_i32(r, type, &e->scale); break;
      case 8: thrift_read_i32(r, type, &e->precision); break;
      case 10:
        if (type == THRIFT_STRUCT) parse_logical_type(r, &e->logical);
        else thrift_skip(r, type);
        break;
      default: thrift_skip(r, type); break;
    }
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  if (!e->name) return thrift_fail(r, "schema element without a name");
  if (e->num_children < 0) return thrift_fail(r, "negative num_children");
  return true;
}

static bool parse_binary_field(thrift_reader *r, int type, pq_binary *out) {
  return thrift_read_binary(r, type, &out->ptr, &out->length);
}

static bool parse_statistics(thrift_reader *r, pq_statistics *st) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  while (thrift_next_field(r, &s, &id, &type)) {
    switch (id) {
      case 1: parse_binary_field(r, type, &st->max); break;
      case 2: parse_binary_field(r, type, &st->min); break;
      case 3: st->has_null_count = thrift_read_i64(r, type, &st->null_count); break;
      case 5: parse_binary_field(r, type, &st->max_value); break;
      case 6: parse_binary_field(r, type, &st->min_value); break;
      default: thrift_skip(r, type); break;
    }
  }
  thrift_struct_end(r);
  return !r->failed;
}

static bool parse_column_meta(thrift_reader *r, pq_column_meta *m) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  uint32_t seen = 0;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id > 0 && id < 32) seen |= 1u << id;
    switch (id) {
      case 1: thrift_read_i32(r, type, &m->type); break;
      case 2: {
        int elem;
        uint32_t count;
        if (!thrift_read_list_begin(r, type, &elem, &count)) break;
        for (uint32_t i = 0; i < count; i++) {
          int32_t e;
          if (!thrift_read_list_i32(r, elem, &e)) break;
          if (e >= 0 && e < 32) m->encodings_mask |= 1u << e;
        }
        break;
      }
      case 3: {
        int elem;
        uint32_t count;
        if (!thrift_read_list_begin(r, type, &elem, &count)) break;
        m->path_length = count;
        for (uint32_t i = 0; i < count; i++)
          if (!thrift_skip(r, elem)) break;
        break;
      }
      case 4: thrift_read_i32(r, type, &m->codec); break;
      case 5: thrift_read_i64(r, type, &m->num_values); break;
      case 6: thrift_read_i64(r, type, &m->total_uncompressed_size); break;
      case 7: thrift_read_i64(r, type, &m->total_compressed_size); break;
      case 9: thrift_read_i64(r, type, &m->data_page_offset); break;
      case 11:
        m->has_dictionary_page_offset = thrift_read_i64(r, type, &m->dictionary_page_offset);
        break;
      case 12:
        if (type == THRIFT_STRUCT) m->has_statistics = parse_statistics(r, &m->statistics);
        else thrift_skip(r, type);
        break;
      default: thrift_skip(r, type); break;
    }
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  uint32_t required = (1u << 1) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 9);
  if ((seen & required) != required) return thrift_fail(r, "column metadata misses a required field");
  return true;
}

static bool parse_column_chunk(thrift_reader *r, pq_column_chunk *c) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id == 1 && type == THRIFT_BINARY) {
      c->has_file_path = true;
      thrift_skip(r, type);
    } else if (id == 3 && type == THRIFT_STRUCT && !c->has_meta) {
      c->has_meta = parse_column_meta(r, &c->meta);
    } else {
      thrift_skip(r, type);
    }
  }
  thrift_struct_end(r);
  return !r->failed;
}

static bool parse_row_group(thrift_reader *r, pq_row_group *g) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  bool has_rows = false;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id == 1 && !g->columns) {
      int elem;
      uint32_t count;
      if (!thrift_read_list_begin(r, type, &elem, &count)) break;
      if (elem != THRIFT_STRUCT) {
        thrift_fail(r, "row group columns are not structs");
        break;
      }
      g->columns = calloc(count ? count : 1, sizeof *g->columns);
      if (!g->columns) {
        thrift_fail(r, "out of memory");
        break;
      }
      g->num_columns = count;
      for (uint32_t i = 0; i < count; i++)
        if (!parse_column_chunk(r, &g->columns[i])) break;
    } else if (id == 2) {
      thrift_read_i64(r, type, &g->total_byte_size);
    } else if (id == 3) {
      has_rows = thrift_read_i64(r, type, &g->num_rows);
    } else {
      thrift_skip(r, type);
    }
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  if (!g->columns || !has_rows) return thrift_fail(r, "row group misses columns or num_rows");
  if (g->num_rows < 0) return thrift_fail(r, "negative row count in row group");
  return true;
}

static bool parse_key_value(thrift_reader *r, pq_key_value *kv) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id == 1 && !kv->key) kv->key = dup_binary(r, type);
    else if (id == 2 && !kv->value) kv->value = dup_binary(r, type);
    else thrift_skip(r, type);
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  if (!kv->key) return thrift_fail(r, "key-value pair without a key");
  return true;
}

/* Allocates the array for a list of structs; the caller parses the elements. */
static void *begin_struct_list(thrift_reader *r, int type, uint32_t *count, size_t elem_size) {
  int elem;
  if (!thrift_read_list_begin(r, type, &elem, count)) return NULL;
  if (elem != THRIFT_STRUCT) {
    thrift_fail(r, "list of structs expected");
    return NULL;
  }
  void *items = calloc(*count ? *count : 1, elem_size);
  if (!items) thrift_fail(r, "out of memory");
  return items;
}

md_code pq_parse_file_meta(const uint8_t *data, size_t size, pq_file_meta *out, md_error *err) {
  thrift_reader r;
  thrift_reader_init(&r, data, size);
  pq_file_meta meta;
  memset(&meta, 0, sizeof meta);
  thrift_struct s;
  bool has_version = false, has_rows = false;
  if (thrift_struct_begin(&r, &s)) {
    int16_t id;
    int type;
    while (thrift_next_field(&r, &s, &id, &type)) {
      switch (id) {
        case 1: has_version = thrift_read_i32(&r, type, &meta.version); break;
        case 2:
          if (meta.schema) { thrift_skip(&r, type); break; }
          meta.schema = begin_struct_list(&r, type, &meta.num_schema, sizeof *meta.schema);
          for (uint32_t i = 0; meta.schema && i < meta.num_schema; i++)
            if (!parse_schema_element(&r, &meta.schema[i])) break;
          break;
        case 3: has_rows = thrift_read_i64(&r, type, &meta.num_rows); break;
        case 4:
          if (meta.row_groups) { thrift_skip(&r, type); break; }
          meta.row_groups = begin_struct_list(&r, type, &meta.num_row_groups, sizeof *meta.row_groups);
          for (uint32_t i = 0; meta.row_groups && i < meta.num_row_groups; i++)
            if (!parse_row_group(&r, &meta.row_groups[i])) break;
          break;
        case 5:
          if (meta.key_values) { thrift_skip(&r, type); break; }
          meta.key_values = begin_struct_list(&r, type, &meta.num_key_values, sizeof *meta.key_values);
          for (uint32_t i = 0; meta.key_values && i < meta.num_key_values; i++)
            if (!parse_key_value(&r, &meta.key_values[i])) break;
          break;
        case 6:
          if (!meta.created_by) meta.created_by = dup_binary(&r, type);
          else thrift_skip(&r, type);
          break;
        case 7:
          meta.has_column_orders = true;
          thrift_skip(&r, type);
          break;
        case 8:
          meta.encrypted = true;
          thrift_skip(&r, type);
          break;
        default: thrift_skip(&r, type); break;
      }
    }
    thrift_struct_end(&r);
  }
  if (!r.failed && (!has_version || !meta.schema || !has_rows || !meta.row_groups))
    thrift_fail(&r, "file metadata misses a required field");
  if (!r.failed && meta.num_schema == 0) thrift_fail(&r, "empty schema");
  if (!r.failed && meta.num_rows < 0) thrift_fail(&r, "negative row count");
  if (r.failed) {
    pq_file_meta_free(&meta);
    return md_error_set(err, MD_ERR_CORRUPT, "footer: %s", r.what);
  }
  *out = meta;
  return MD_OK;
}

void pq_file_meta_free(pq_file_meta *meta) {
  if (!meta) return;
  for (uint32_t i = 0; meta->schema && i < meta->num_schema; i++) free(meta->schema[i].name);
  free(meta->schema);
  for (uint32_t i = 0; meta->row_groups && i < meta->num_row_groups; i++) free(meta->row_groups[i].columns);
  free(meta->row_groups);
  for (uint32_t i = 0; meta->key_values && i < meta->num_key_values; i++) {
    free(meta->key_values[i].key);
    free(meta->key_values[i].value);
  }
  free(meta->key_values);
  free(meta->created_by);
  memset(meta, 0, sizeof *meta);
}

/* DataPageHeader and DictionaryPageHeader share num_values (1) and encoding (2);
 * the v1 data page adds the level encodings (3, 4). */
static bool parse_data_or_dict_header(thrift_reader *r, pq_page_header *h, bool is_data) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  bool has_values = false, has_encoding = false;
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id == 1) has_values = thrift_read_i32(r, type, &h->num_values);
    else if (id == 2) has_encoding = thrift_read_i32(r, type, &h->encoding);
    else if (id == 3 && is_data) thrift_read_i32(r, type, &h->def_encoding);
    else if (id == 4 && is_data) thrift_read_i32(r, type, &h->rep_encoding);
    else thrift_skip(r, type);
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  if (!has_values || !has_encoding) return thrift_fail(r, "page header misses num_values or encoding");
  return true;
}

static bool parse_v2_header(thrift_reader *r, pq_page_header *h) {
  thrift_struct s;
  if (!thrift_struct_begin(r, &s)) return false;
  int16_t id;
  int type;
  uint32_t seen = 0;
  h->is_compressed = true; /* the IDL default */
  while (thrift_next_field(r, &s, &id, &type)) {
    if (id > 0 && id < 32) seen |= 1u << id;
    switch (id) {
      case 1: thrift_read_i32(r, type, &h->num_values); break;
      case 2: thrift_read_i32(r, type, &h->num_nulls); break;
      case 3: thrift_read_i32(r, type, &h->num_rows); break;
      case 4: thrift_read_i32(r, type, &h->encoding); break;
      case 5: thrift_read_i32(r, type, &h->def_levels_byte_length); break;
      case 6: thrift_read_i32(r, type, &h->rep_levels_byte_length); break;
      case 7: thrift_field_bool(r, type, &h->is_compressed); break;
      default: thrift_skip(r, type); break;
    }
  }
  thrift_struct_end(r);
  if (r->failed) return false;
  uint32_t required = 0x7e; /* ids 1..6 */
  if ((seen & required) != required) return thrift_fail(r, "v2 page header misses a required field");
  return true;
}

md_code pq_parse_page_header(const uint8_t *data, size_t size, pq_page_header *out, size_t *header_size,
                             md_error *err) {
  thrift_reader r;
  thrift_reader_init(&r, data, size);
  pq_page_header h;
  memset(&h, 0, sizeof h);
  thrift_struct s;
  uint32_t seen = 0;
  if (thrift_struct_begin(&r, &s)) {
    int16_t id;
    int type;
    while (thrift_next_field(&r, &s, &id, &type)) {
      if (id > 0 && id < 32) seen |= 1u << id;
      switch (id) {
        case 1: thrift_read_i32(&r, type, &h.type); break;
        case 2: thrift_read_i32(&r, type, &h.uncompressed_page_size); break;
        case 3: thrift_read_i32(&r, type, &h.compressed_page_size); break;
        case 4: {
          int32_t crc;
          h.has_crc = thrift_read_i32(&r, type, &crc);
          h.crc = (uint32_t)crc;
          break;
        }
        case 5:
          if (type == THRIFT_STRUCT && !h.has_data_header)
            h.has_data_header = parse_data_or_dict_header(&r, &h, true);
          else thrift_skip(&r, type);
          break;
        case 7:
          if (type == THRIFT_STRUCT && !h.has_dictionary_header)
            h.has_dictionary_header = parse_data_or_dict_header(&r, &h, false);
          else thrift_skip(&r, type);
          break;
        case 8:
          if (type == THRIFT_STRUCT && !h.has_v2_header) h.has_v2_header = parse_v2_header(&r, &h);
          else thrift_skip(&r, type);
          break;
        default: thrift_skip(&r, type); break;
      }
    }
    thrift_struct_end(&r);
  }
  if (!r.failed && (seen & 0xe) != 0xe) thrift_fail(&r, "page header misses a required field");
  if (!r.failed && (h.uncompressed_page_size < 0 || h.compressed_page_size < 0))
    thrift_fail(&r, "negative page size");
  if (!r.failed && h.num_values < 0) thrift_fail(&r, "negative value count in page header");
  if (r.failed) return md_error_set(err, MD_ERR_CORRUPT, "page header: %s", r.what);
  *out = h;
  *header_size = thrift_offset(&r);
  return MD_OK;
}

const char *pq_physical_type_name(int32_t type) {
  static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return type >= 0 && type < 8 ? names[type] : "?";
}

const char *pq_encoding_name(int32_t encoding) {
  static const char *const names[] = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
                                      "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY",
                                      "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  return encoding >= 0 && encoding < 10 ? names[encoding] : "?";
}
