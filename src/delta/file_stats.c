/* file_stats.c — the stats JSON of an add action, read back from the data
 * file's own column chunk statistics.
 *
 * Taking them from the footer we just wrote (rather than recomputing from the
 * batches) makes the log agree with the file by construction: any reader that
 * checks one against the other sees the same numbers. Row groups are merged:
 * null counts add up, min/max are the extremes. A column whose chunks lack a
 * statistic gets none (a missing bound skips nothing; a wrong one loses rows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "delta/time_text.h"
#include "delta/write.h"
#include "medallion/parquet.h"

/* Spark's dataSkippingStringPrefixLength. */
enum { STRING_PREFIX_CHARS = 32 };

typedef struct column_stats {
  const char *name;
  md_type type;
  bool has_nulls, has_bounds;
  int64_t null_count;
  md_scalar min, max;
} column_stats;

static size_t utf8_chars(const uint8_t *p, int64_t n) {
  size_t chars = 0;
  for (int64_t i = 0; i < n; i++) chars += (p[i] & 0xC0) != 0x80;
  return chars;
}

static bool bounds_wanted(const md_scalar *min, const md_scalar *max) {
  switch (min->type.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_INT16:
    case MD_TYPE_INT32:
    case MD_TYPE_INT64:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIMESTAMP:
    case MD_TYPE_DECIMAL128: return true;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: return isfinite(min->v.f) && isfinite(max->v.f);
    case MD_TYPE_UTF8:
      return utf8_chars(min->v.bytes.ptr, min->v.bytes.length) <= STRING_PREFIX_CHARS &&
             utf8_chars(max->v.bytes.ptr, max->v.bytes.length) <= STRING_PREFIX_CHARS;
    default: return false;
  }
}

static void write_decimal(delta_buf *buf, const md_scalar *s) {
  uint8_t le[16];
  uint64_t high = (uint64_t)s->v.decimal.high;
  for (int i = 0; i < 8; i++) {
    le[i] = (uint8_t)(s->v.decimal.low >> (8 * i));
    le[8 + i] = (uint8_t)(high >> (8 * i));
  }
  delta_decimal_append(buf, le, s->type.scale);
}

static void write_scalar(delta_buf *buf, const md_scalar *s) {
  char text[64];
  switch (s->type.id) {
    case MD_TYPE_FLOAT32: delta_json_write_float(buf, (float)s->v.f); break;
    case MD_TYPE_FLOAT64: delta_json_write_double(buf, s->v.f); break;
    case MD_TYPE_DATE32:
      delta_format_date(s->v.i, text, sizeof text);
      delta_json_write_string(buf, text, strlen(text));
      break;
    case MD_TYPE_TIMESTAMP:
      delta_format_timestamp_micros(delta_timestamp_to_micros(s->v.i, s->type.unit), s->type.utc, text, sizeof text);
      delta_json_write_string(buf, text, strlen(text));
      break;
    case MD_TYPE_DECIMAL128: write_decimal(buf, s); break;
    case MD_TYPE_UTF8: delta_json_write_string(buf, (const char *)s->v.bytes.ptr, (size_t)s->v.bytes.length); break;
    default: delta_json_write_int(buf, s->v.i); break;
  }
}

static void write_section(delta_buf *buf, const char *key, const column_stats *cols, int n, int which) {
  bool any = false;
  for (int i = 0; i < n; i++) {
    bool has = which == 2 ? cols[i].has_nulls : cols[i].has_bounds;
    if (!has) continue;
    delta_buf_append_str(buf, any ? "," : ",\"");
    if (!any) {
      delta_buf_append_str(buf, key);
      delta_buf_append_str(buf, "\":{");
    }
    any = true;
    delta_json_write_string(buf, cols[i].name, strlen(cols[i].name));
    delta_buf_append_char(buf, ':');
    if (which == 0) write_scalar(buf, &cols[i].min);
    else if (which == 1) write_scalar(buf, &cols[i].max);
    else delta_json_write_int(buf, cols[i].null_count);
  }
  if (any) delta_buf_append_char(buf, '}');
}

static md_code collect(md_parquet_reader *reader, column_stats *cols, md_error *err) {
  const md_schema *schema = md_parquet_reader_schema(reader);
  int n = md_schema_num_fields(schema);
  int *leaves_of = calloc((size_t)n + 1, sizeof *leaves_of);
  if (!leaves_of) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  for (int leaf = 0; rc == MD_OK && leaf < md_parquet_reader_num_leaves(reader); leaf++) {
    md_parquet_leaf_info info;
    rc = md_parquet_reader_leaf(reader, leaf, &info, err);
    if (rc == MD_OK && info.top_level_field >= 0 && info.top_level_field < n) leaves_of[info.top_level_field]++;
  }
  for (int i = 0; i < n; i++) {
    const md_field *f = md_schema_field(schema, i);
    cols[i].name = md_field_name(f);
    cols[i].type = md_field_type(f);
    /* Nested columns get no statistics: their null counts are per leaf. */
    bool flat = !md_type_is_nested(cols[i].type) && leaves_of[i] == 1;
    cols[i].has_nulls = flat;
    cols[i].has_bounds = flat;
  }
  free(leaves_of);
  for (int leaf = 0; rc == MD_OK && leaf < md_parquet_reader_num_leaves(reader); leaf++) {
    md_parquet_leaf_info info;
    rc = md_parquet_reader_leaf(reader, leaf, &info, err);
    if (rc != MD_OK || info.top_level_field < 0 || info.top_level_field >= n) continue;
    column_stats *c = &cols[info.top_level_field];
    if (!c->has_nulls && !c->has_bounds) continue;
    for (int g = 0; rc == MD_OK && g < md_parquet_reader_num_row_groups(reader); g++) {
      md_parquet_chunk_info chunk;
      rc = md_parquet_reader_chunk(reader, g, leaf, &chunk, err);
      if (rc != MD_OK) break;
      if (!chunk.has_null_count) c->has_nulls = false;
      c->null_count += chunk.null_count;
      if (!chunk.has_min_max) {
        /* an all-null chunk has no bounds but does not widen them either */
        if (!(chunk.has_null_count && chunk.null_count == chunk.num_values)) c->has_bounds = false;
        continue;
      }
      if (c->min.type.id == MD_TYPE_NULL) { /* the first chunk with bounds */
        c->min = chunk.min;
        c->max = chunk.max;
      } else {
        if (md_scalar_compare(&chunk.min, &c->min) < 0) c->min = chunk.min;
        if (md_scalar_compare(&chunk.max, &c->max) > 0) c->max = chunk.max;
      }
    }
  }
  for (int i = 0; i < n; i++) {
    column_stats *c = &cols[i];
    if (c->has_bounds && c->min.type.id == MD_TYPE_NULL) c->has_bounds = false; /* all values null */
    if (c->has_bounds) c->has_bounds = bounds_wanted(&c->min, &c->max);
  }
  return rc;
}

md_code delta_file_stats(const char *path, delta_buf *out, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open(path, &reader, err);
  if (rc != MD_OK) return rc;
  int n = md_schema_num_fields(md_parquet_reader_schema(reader));
  column_stats *cols = calloc((size_t)n + 1, sizeof *cols);
  rc = cols ? collect(reader, cols, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    delta_buf_printf(out, "{\"numRecords\":%lld", (long long)md_parquet_reader_num_rows(reader));
    write_section(out, "minValues", cols, n, 0);
    write_section(out, "maxValues", cols, n, 1);
    write_section(out, "nullCount", cols, n, 2);
    delta_buf_append_char(out, '}');
  }
  free(cols);
  md_parquet_reader_free(reader); /* the scalars' bytes are borrowed from the reader: written above */
  return rc;
}
