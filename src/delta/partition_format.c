/* partition_format.c — partition values from typed columns to the text the
 * log stores, and to directory names and log paths.
 *
 * The text follows PROTOCOL.md "Partition Value Serialization" (the reverse of
 * partition_values.c). Directory names use Hive's escaping, as Spark does,
 * because other engines list partition directories by that convention; the
 * log path is then a URI path, so a '%' of the escaping is itself encoded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/time_text.h"
#include "delta/write.h"

static int64_t int_value(const md_column *column, int64_t row) {
  const void *v = md_column_values(column);
  switch (md_column_type(column).id) {
    case MD_TYPE_INT8: return ((const int8_t *)v)[row];
    case MD_TYPE_INT16: return ((const int16_t *)v)[row];
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32: return ((const int32_t *)v)[row];
    default: return ((const int64_t *)v)[row];
  }
}

/* Appends the serialized value; false for types partitions cannot have. */
static bool format_value(delta_buf *buf, const md_column *column, int64_t row) {
  md_type type = md_column_type(column);
  char text[64];
  switch (type.id) {
    case MD_TYPE_BOOL:
      delta_buf_append_str(buf, md_bit_get(md_column_values(column), row) ? "true" : "false");
      return true;
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64: delta_json_write_int(buf, int_value(column, row)); return true;
    case MD_TYPE_FLOAT32: delta_json_write_float(buf, ((const float *)md_column_values(column))[row]); return true;
    case MD_TYPE_FLOAT64: delta_json_write_double(buf, ((const double *)md_column_values(column))[row]); return true;
    case MD_TYPE_DATE32:
      delta_format_date(int_value(column, row), text, sizeof text);
      delta_buf_append_str(buf, text);
      return true;
    case MD_TYPE_TIMESTAMP: {
      delta_format_timestamp_micros(delta_timestamp_to_micros(int_value(column, row), type.unit), false, text,
                                    sizeof text);
      char *t = strchr(text, 'T');
      if (t) *t = ' ';
      delta_buf_append_str(buf, text);
      return true;
    }
    case MD_TYPE_DECIMAL128:
      delta_decimal_append(buf, (const uint8_t *)md_column_values(column) + row * 16, type.scale);
      return true;
    case MD_TYPE_UTF8: {
      const int32_t *off = md_column_offsets(column);
      delta_buf_append(buf, md_column_data(column) + off[row], (size_t)(off[row + 1] - off[row]));
      return true;
    }
    case MD_TYPE_BINARY: {
      const int32_t *off = md_column_offsets(column);
      for (int32_t i = off[row]; i < off[row + 1]; i++) {
        unsigned char c = md_column_data(column)[i];
        if (c < 0x80) {
          delta_buf_append_char(buf, (char)c);
        } else {
          delta_buf_append_char(buf, (char)(0xC0 | (c >> 6)));
          delta_buf_append_char(buf, (char)(0x80 | (c & 0x3F)));
        }
      }
      return true;
    }
    default: return false;
  }
}

md_code delta_partition_value_format(const md_column *column, int64_t row, char **out, md_error *err) {
  if (md_column_is_null(column, row)) {
    *out = NULL;
    return MD_OK;
  }
  delta_buf buf;
  delta_buf_init(&buf);
  if (!format_value(&buf, column, row)) {
    delta_buf_free(&buf);
    char name[64];
    md_type_to_string(md_column_type(column), name, sizeof name);
    return md_error_set(err, MD_ERR_UNSUPPORTED, "partition columns of type %s are not supported", name);
  }
  if (delta_buf_failed(&buf)) {
    delta_buf_free(&buf);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  if (buf.len == 0) { /* an empty string reads back as null: the protocol has no other encoding */
    delta_buf_free(&buf);
    *out = NULL;
    return MD_OK;
  }
  *out = delta_buf_take(&buf, NULL);
  return MD_OK;
}

md_code delta_partition_value_canonical(const md_field *field, const char *text, char **out, md_error *err) {
  md_column *column = md_column_new_for_field(field);
  if (!column) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = delta_partition_value_append(column, field, text, err);
  if (rc == MD_OK) rc = delta_partition_value_format(column, 0, out, err);
  md_column_free(column);
  return rc;
}

/* Hive's FileUtils.escapePathName set. */
static bool hive_escaped(unsigned char c) {
  return c < 0x20 || c == 0x7F || strchr("\"#%'*/:=?\\{[]^", c) != NULL;
}

void delta_partition_dir_append(delta_buf *buf, const char *column, const char *value) {
  const char *parts[2] = {column, value ? value : NULL};
  for (int p = 0; p < 2; p++) {
    if (p == 1) delta_buf_append_char(buf, '=');
    if (!parts[p]) {
      delta_buf_append_str(buf, "__HIVE_DEFAULT_PARTITION__");
      continue;
    }
    for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++) {
      if (hive_escaped(*s)) delta_buf_printf(buf, "%%%02X", *s);
      else delta_buf_append_char(buf, (char)*s);
    }
  }
}

void delta_path_encode_append(delta_buf *buf, const char *path) {
  for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
    unsigned char c = *s;
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~/=", c);
    if (plain) delta_buf_append_char(buf, (char)c);
    else delta_buf_printf(buf, "%%%02X", c);
  }
}
