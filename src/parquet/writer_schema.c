/* writer_schema.c — core type -> Parquet column mapping and its SchemaElement
 * (the choices are listed in writer_schema.h). Both the logical type and, where
 * one exists, the legacy converted type are written, so that readers predating
 * logical types still see dates, decimals and strings. */
#include "parquet/writer_schema.h"

#include <string.h>

enum {
  CONVERTED_UTF8 = 0,
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

md_code writer_leaf_from_field(const md_field *field, writer_leaf *out, md_error *err) {
  writer_leaf leaf;
  memset(&leaf, 0, sizeof leaf);
  leaf.name = md_field_name(field);
  leaf.type = md_field_type(field);
  leaf.optional = md_field_nullable(field);
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
        return md_error_set(err, MD_ERR_SCHEMA, "column %s: fixed binary width %d is not positive", leaf.name,
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
        return md_error_set(err, MD_ERR_SCHEMA, "column %s: invalid decimal(%d,%d)", leaf.name,
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
    case MD_TYPE_LIST:
    case MD_TYPE_STRUCT:
    case MD_TYPE_MAP:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "not yet supported: writing nested column %s", leaf.name);
    default:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "column %s: type id %d cannot be written", leaf.name,
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

void writer_schema_element(thrift_writer *w, const writer_leaf *leaf) {
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
