/* canonical.c — a snapshot's rows as canonical JSON lines, the format of the
 * Delta conformance corpus (shared/conformance/delta/README.md): one object
 * per row with keys in schema order, ECMAScript number text, decimals with
 * exactly `scale` fraction digits, binary as lower-case hex, dates and
 * microsecond timestamps as ISO text, maps as [{"key":…,"value":…}], and the
 * lines sorted bytewise so that two readers' outputs compare with `cmp`. */
#include <stdlib.h>
#include <string.h>

#include "delta/json.h"
#include "delta/snapshot.h"
#include "delta/time_text.h"

static void write_value(delta_buf *buf, const md_column *c, const md_field *field, int64_t row);

static void write_quoted(delta_buf *buf, const char *s) { delta_json_write_string(buf, s, strlen(s)); }

static void write_decimal(delta_buf *buf, const uint8_t *p, int scale) {
  delta_buf_append_char(buf, '"');
  delta_decimal_append(buf, p, scale);
  delta_buf_append_char(buf, '"');
}

static void write_floating(delta_buf *buf, double v, bool is_float32) {
  bool quoted = v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0;
  if (quoted) delta_buf_append_char(buf, '"');
  if (is_float32) delta_json_write_float(buf, (float)v);
  else delta_json_write_double(buf, v);
  if (quoted) delta_buf_append_char(buf, '"');
}

static void write_struct(delta_buf *buf, const md_column *c, const md_field *field, int64_t row) {
  delta_buf_append_char(buf, '{');
  for (int i = 0; i < md_field_num_children(field) && i < md_column_num_children(c); i++) {
    if (i) delta_buf_append_char(buf, ',');
    write_quoted(buf, md_field_name(md_field_child(field, i)));
    delta_buf_append_char(buf, ':');
    write_value(buf, md_column_child((md_column *)c, i), md_field_child(field, i), row);
  }
  delta_buf_append_char(buf, '}');
}

static void write_list(delta_buf *buf, const md_column *c, const md_field *field, int64_t row) {
  const int32_t *offsets = md_column_offsets(c);
  const md_column *child = md_column_child((md_column *)c, 0);
  const md_field *child_field = md_field_child(field, 0);
  bool is_map = md_column_type(c).id == MD_TYPE_MAP;
  delta_buf_append_char(buf, '[');
  for (int32_t j = offsets[row]; j < offsets[row + 1]; j++) {
    if (j > offsets[row]) delta_buf_append_char(buf, ',');
    if (is_map) { /* entries print with the canonical key names whatever the file called them */
      delta_buf_append_str(buf, "{\"key\":");
      write_value(buf, md_column_child((md_column *)child, 0), md_field_child(child_field, 0), j);
      delta_buf_append_str(buf, ",\"value\":");
      write_value(buf, md_column_child((md_column *)child, 1), md_field_child(child_field, 1), j);
      delta_buf_append_char(buf, '}');
    } else {
      write_value(buf, child, child_field, j);
    }
  }
  delta_buf_append_char(buf, ']');
}

static void write_value(delta_buf *buf, const md_column *c, const md_field *field, int64_t row) {
  md_type type = md_column_type(c);
  if (type.id == MD_TYPE_NULL || md_column_is_null(c, row)) {
    delta_buf_append_str(buf, "null");
    return;
  }
  const void *values = md_column_values(c);
  char text[64];
  switch (type.id) {
    case MD_TYPE_BOOL: delta_buf_append_str(buf, md_bit_get(values, row) ? "true" : "false"); return;
    case MD_TYPE_INT8: delta_json_write_int(buf, ((const int8_t *)values)[row]); return;
    case MD_TYPE_INT16: delta_json_write_int(buf, ((const int16_t *)values)[row]); return;
    case MD_TYPE_INT32: delta_json_write_int(buf, ((const int32_t *)values)[row]); return;
    case MD_TYPE_INT64: delta_json_write_int(buf, ((const int64_t *)values)[row]); return;
    case MD_TYPE_UINT8: delta_json_write_uint(buf, ((const uint8_t *)values)[row]); return;
    case MD_TYPE_UINT16: delta_json_write_uint(buf, ((const uint16_t *)values)[row]); return;
    case MD_TYPE_UINT32: delta_json_write_uint(buf, ((const uint32_t *)values)[row]); return;
    case MD_TYPE_UINT64: delta_json_write_uint(buf, ((const uint64_t *)values)[row]); return;
    case MD_TYPE_FLOAT32: write_floating(buf, ((const float *)values)[row], true); return;
    case MD_TYPE_FLOAT64: write_floating(buf, ((const double *)values)[row], false); return;
    case MD_TYPE_UTF8: {
      const int32_t *o = md_column_offsets(c);
      delta_json_write_string(buf, (const char *)md_column_data(c) + o[row], (size_t)(o[row + 1] - o[row]));
      return;
    }
    case MD_TYPE_BINARY:
    case MD_TYPE_FIXED_BINARY: {
      static const char hex[] = "0123456789abcdef";
      const uint8_t *p;
      int64_t n;
      if (type.id == MD_TYPE_BINARY) {
        const int32_t *o = md_column_offsets(c);
        p = md_column_data(c) + o[row];
        n = o[row + 1] - o[row];
      } else {
        p = (const uint8_t *)values + row * type.byte_width;
        n = type.byte_width;
      }
      delta_buf_append_char(buf, '"');
      for (int64_t i = 0; i < n; i++) {
        delta_buf_append_char(buf, hex[p[i] >> 4]);
        delta_buf_append_char(buf, hex[p[i] & 15]);
      }
      delta_buf_append_char(buf, '"');
      return;
    }
    case MD_TYPE_DATE32:
      delta_format_date(((const int32_t *)values)[row], text, sizeof text);
      write_quoted(buf, text);
      return;
    case MD_TYPE_TIMESTAMP:
      delta_format_timestamp_micros(delta_timestamp_to_micros(((const int64_t *)values)[row], type.unit), type.utc, text, sizeof text);
      write_quoted(buf, text);
      return;
    case MD_TYPE_DECIMAL128: write_decimal(buf, (const uint8_t *)values + row * 16, type.scale); return;
    case MD_TYPE_STRUCT: write_struct(buf, c, field, row); return;
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: write_list(buf, c, field, row); return;
    default: {
      char name[64];
      md_type_to_string(type, name, sizeof name);
      delta_buf_printf(buf, "\"<%s>\"", name);
      return;
    }
  }
}

typedef struct line {
  char *text;
  size_t len;
} line;

static int compare_lines(const void *a, const void *b) {
  const line *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->text, y->text, n);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

static void render_row(delta_buf *buf, const md_batch *batch, int64_t row) {
  const md_schema *schema = md_batch_schema(batch);
  delta_buf_append_char(buf, '{');
  for (int i = 0; i < md_batch_num_columns(batch); i++) {
    const md_field *field = md_schema_field(schema, i);
    if (i) delta_buf_append_char(buf, ',');
    write_quoted(buf, md_field_name(field));
    delta_buf_append_char(buf, ':');
    write_value(buf, md_batch_column(batch, i), field, row);
  }
  delta_buf_append_char(buf, '}');
}

md_code md_delta_batch_row_json(const md_batch *batch, int64_t row, char **out, size_t *len, md_error *err) {
  if (row < 0 || row >= md_batch_num_rows(batch))
    return md_error_set(err, MD_ERR_INVALID, "row %lld out of range", (long long)row);
  delta_buf buf;
  delta_buf_init(&buf);
  render_row(&buf, batch, row);
  if (delta_buf_failed(&buf) || !buf.data) {
    delta_buf_free(&buf);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  *len = buf.len;
  *out = buf.data; /* a malloc'd, NUL-terminated block: handed over */
  return MD_OK;
}

static md_code render_batch(const md_batch *batch, line **lines, size_t *count, size_t *cap, md_error *err) {
  delta_buf buf;
  delta_buf_init(&buf);
  for (int64_t row = 0; row < md_batch_num_rows(batch); row++) {
    delta_buf_reset(&buf);
    render_row(&buf, batch, row);
    delta_buf_append_char(&buf, '\n');
    if (delta_buf_failed(&buf)) break;
    if (*count == *cap) {
      size_t grown_cap = *cap ? *cap * 2 : 1024;
      line *grown = realloc(*lines, grown_cap * sizeof *grown);
      if (!grown) break;
      *lines = grown;
      *cap = grown_cap;
    }
    line *l = &(*lines)[*count];
    l->text = malloc(buf.len);
    if (!l->text) break;
    memcpy(l->text, buf.data, buf.len);
    l->len = buf.len;
    (*count)++;
  }
  bool failed = delta_buf_failed(&buf); /* a short count is caught by the caller */
  delta_buf_free(&buf);
  return failed ? md_error_set(err, MD_ERR_NOMEM, "out of memory") : MD_OK;
}

md_code md_delta_snapshot_canonical(const md_delta_snapshot *snapshot, char **out, size_t *len, md_error *err) {
  md_delta_scan *scan = NULL;
  md_code rc = md_delta_scan_new(snapshot, NULL, -1, &scan, err);
  if (rc != MD_OK) return rc;
  line *lines = NULL;
  size_t count = 0, cap = 0, total = 0;
  for (;;) {
    md_batch *batch = NULL;
    rc = md_delta_scan_next(scan, &batch, err);
    if (rc != MD_OK || !batch) break;
    size_t before = count;
    rc = render_batch(batch, &lines, &count, &cap, err);
    if (rc == MD_OK && count - before != (size_t)md_batch_num_rows(batch))
      rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    md_batch_free(batch);
    if (rc != MD_OK) break;
  }
  md_delta_scan_free(scan);
  char *text = NULL;
  if (rc == MD_OK) {
    if (count) qsort(lines, count, sizeof *lines, compare_lines);
    for (size_t i = 0; i < count; i++) total += lines[i].len;
    text = malloc(total + 1);
    if (!text) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  size_t pos = 0;
  for (size_t i = 0; i < count; i++) {
    if (text) memcpy(text + pos, lines[i].text, lines[i].len);
    pos += lines[i].len;
    free(lines[i].text);
  }
  free(lines);
  if (rc != MD_OK) {
    free(text);
    return rc;
  }
  text[total] = '\0';
  *out = text;
  *len = total;
  return MD_OK;
}
