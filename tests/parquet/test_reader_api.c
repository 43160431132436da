/* test_reader_api.c — the public reader on corpus files and on small footers
 * built here: type mapping (logical, converted, physical), INT96, projection,
 * leaf and chunk metadata, and clean errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/parquet.h"
#include "support.h"

static char corpus[4096];

static md_parquet_reader *open_valid(const char *name) {
  char path[4600];
  snprintf(path, sizeof path, "%s/valid/%s", corpus, name);
  md_parquet_reader *r = NULL;
  md_error err;
  if (md_parquet_reader_open(path, &r, &err) != MD_OK) fail_msg("%s: %s", name, err.message);
  return r;
}

static md_type field_type(const md_parquet_reader *r, const char *name) {
  const md_schema *s = md_parquet_reader_schema(r);
  int i = md_schema_find(s, name);
  assert_true(i >= 0);
  return md_field_type(md_schema_field(s, i));
}

static void test_reader_maps_logical_and_converted_types(void **state) {
  (void)state;
  md_parquet_reader *r = open_valid("duckdb_alltypes_snappy.parquet");
  assert_int_equal(field_type(r, "c_int8").id, MD_TYPE_INT8);
  assert_int_equal(field_type(r, "c_uint16").id, MD_TYPE_UINT16);
  assert_int_equal(field_type(r, "c_uint64").id, MD_TYPE_UINT64);
  assert_int_equal(field_type(r, "c_float").id, MD_TYPE_FLOAT32);
  assert_int_equal(field_type(r, "c_date").id, MD_TYPE_DATE32);
  assert_int_equal(field_type(r, "c_utf8").id, MD_TYPE_UTF8);
  assert_int_equal(field_type(r, "c_blob").id, MD_TYPE_BINARY);
  md_type dec = field_type(r, "c_dec38_10");
  assert_int_equal(dec.id, MD_TYPE_DECIMAL128);
  assert_int_equal(dec.precision, 38);
  assert_int_equal(dec.scale, 10);
  md_type tz = field_type(r, "c_timestamptz");
  assert_int_equal(tz.id, MD_TYPE_TIMESTAMP);
  assert_int_equal(tz.unit, MD_MICRO);
  assert_true(tz.utc);
  md_type ms = field_type(r, "c_timestamp_ms");
  assert_int_equal(ms.unit, MD_MILLI);
  assert_false(ms.utc);
  md_type time = field_type(r, "c_time");
  assert_int_equal(time.id, MD_TYPE_TIME64);
  assert_int_equal(time.unit, MD_MICRO);
  md_parquet_reader_free(r);
}

static void test_reader_decodes_int96_timestamps(void **state) {
  (void)state;
  md_parquet_reader *r = open_valid("alltypes_plain.parquet");
  md_type t = field_type(r, "timestamp_col");
  assert_int_equal(t.id, MD_TYPE_TIMESTAMP);
  assert_int_equal(t.unit, MD_NANO);
  assert_false(t.utc);
  int col = md_schema_find(md_parquet_reader_schema(r), "timestamp_col");
  md_batch *b = NULL;
  md_error err;
  assert_int_equal(md_parquet_reader_read_row_group(r, 0, &col, 1, &b, &err), MD_OK);
  const int64_t *v = md_column_values(md_batch_column(b, 0));
  assert_true(v[0] == 1235865600000000000LL); /* 2009-03-01T00:00:00 */
  assert_true(v[1] == 1235865660000000000LL); /* 2009-03-01T00:01:00 */
  md_batch_free(b);
  md_parquet_reader_free(r);
}

static void test_reader_projects_columns_in_requested_order(void **state) {
  (void)state;
  md_parquet_reader *r = open_valid("alltypes_plain.parquet");
  int cols[] = {3, 0};
  md_batch *b = NULL;
  md_error err;
  assert_int_equal(md_parquet_reader_read_row_group(r, 0, cols, 2, &b, &err), MD_OK);
  assert_int_equal(md_batch_num_columns(b), 2);
  assert_int_equal(md_batch_num_rows(b), 8);
  assert_string_equal(md_field_name(md_schema_field(md_batch_schema(b), 0)), "smallint_col");
  assert_string_equal(md_field_name(md_schema_field(md_batch_schema(b), 1)), "id");
  assert_int_equal(((const int32_t *)md_column_values(md_batch_column(b, 1)))[0], 4);
  md_batch_free(b);
  int bad = 99;
  assert_int_equal(md_parquet_reader_read_row_group(r, 0, &bad, 1, &b, &err), MD_ERR_INVALID);
  assert_int_equal(md_parquet_reader_read_row_group(r, 5, NULL, -1, &b, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "alltypes_plain.parquet"));
  md_parquet_reader_free(r);
}

static void test_reader_reads_nested_list_struct_and_map(void **state) {
  (void)state;
  md_parquet_reader *r = open_valid("duckdb_nested_zstd.parquet");
  assert_int_equal(field_type(r, "c_list_int").id, MD_TYPE_LIST);
  assert_int_equal(field_type(r, "c_struct").id, MD_TYPE_STRUCT);
  assert_int_equal(field_type(r, "c_map").id, MD_TYPE_MAP);
  md_parquet_leaf_info leaf;
  md_error err;
  assert_int_equal(md_parquet_reader_leaf(r, 1, &leaf, &err), MD_OK);
  assert_non_null(strstr(leaf.path, "c_list_int."));
  assert_int_equal(leaf.max_repetition_level, 1);
  assert_int_equal(leaf.max_definition_level, 3);
  int col = md_schema_find(md_parquet_reader_schema(r), "c_list_int");
  md_batch *b = NULL;
  assert_int_equal(md_parquet_reader_read_row_group(r, 0, &col, 1, &b, &err), MD_OK);
  const md_column *list = md_batch_column(b, 0);
  /* Row 0 null, row 1 [], row 2 [2, null, 4]. */
  assert_true(md_column_is_null(list, 0));
  const int32_t *off = md_column_offsets(list);
  assert_int_equal(off[2] - off[1], 0);
  assert_int_equal(off[3] - off[2], 3);
  const md_column *elems = md_column_child(list, 0);
  assert_int_equal(((const int32_t *)md_column_values(elems))[off[2]], 2);
  assert_true(md_column_is_null(elems, off[2] + 1));
  md_batch_free(b);
  md_parquet_reader_free(r);
}

static void test_reader_chunk_statistics_are_typed(void **state) {
  (void)state;
  md_parquet_reader *r = open_valid("duckdb_alltypes_snappy.parquet");
  md_error err;
  int found = 0;
  for (int l = 0; l < md_parquet_reader_num_leaves(r); l++) {
    md_parquet_leaf_info leaf;
    assert_int_equal(md_parquet_reader_leaf(r, l, &leaf, &err), MD_OK);
    md_parquet_chunk_info info;
    assert_int_equal(md_parquet_reader_chunk(r, 0, l, &info, &err), MD_OK);
    assert_non_null(strstr(info.encodings, "PLAIN"));
    if (!strcmp(leaf.path, "c_int32")) {
      found++;
      assert_true(info.has_min_max);
      assert_true(info.has_null_count);
      assert_int_equal(info.min.type.id, MD_TYPE_INT32);
      assert_true(info.min.v.i <= info.max.v.i);
      assert_true(info.min.v.i == -2147483648LL);
    }
    if (!strcmp(leaf.path, "c_utf8")) {
      found++;
      assert_true(info.has_min_max);
      assert_int_equal(info.max.type.id, MD_TYPE_UTF8);
    }
    if (!strcmp(leaf.path, "c_dec12_2")) {
      found++;
      assert_string_equal(leaf.logical_type, "DECIMAL(12,2)");
      assert_string_equal(leaf.physical_type, "INT64");
    }
  }
  assert_int_equal(found, 3);
  md_parquet_reader_free(r);
}

/* A file with no rows whose one column is described by leaf (a SchemaElement
 * body without its stop byte). */
static size_t one_column_file(const uint8_t *leaf, size_t leaf_size, uint8_t *out) {
  static const uint8_t head[] = {0x15, 0x02, 0x19, 0x2C, 0x48, 0x04, 'r', 'o', 'o', 't', 0x15, 0x02, 0x00};
  static const uint8_t tail[] = {0x00, 0x16, 0x00, 0x19, 0x0C, 0x00};
  size_t n = 0;
  memcpy(out, "PAR1", 4);
  n = 4;
  memcpy(out + n, head, sizeof head);
  n += sizeof head;
  memcpy(out + n, leaf, leaf_size);
  n += leaf_size;
  memcpy(out + n, tail, sizeof tail);
  n += sizeof tail;
  uint32_t footer = (uint32_t)(n - 4);
  for (int i = 0; i < 4; i++) out[n++] = (uint8_t)(footer >> (8 * i));
  memcpy(out + n, "PAR1", 4);
  return n + 4;
}

static void test_reader_refuses_decimal_wider_than_38_digits(void **state) {
  (void)state;
  /* FLBA(20) DECIMAL(40,2) */
  const uint8_t leaf[] = {0x15, 0x0E, 0x15, 0x28, 0x15, 0x02, 0x18, 0x01, 'd', 0x25, 0x0A, 0x15, 0x04, 0x15, 0x50};
  uint8_t file[128];
  size_t n = one_column_file(leaf, sizeof leaf, file);
  md_parquet_reader *r = NULL;
  md_error err;
  assert_int_equal(md_parquet_reader_open_memory(file, n, "wide.parquet", &r, &err), MD_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "wide.parquet"));
  assert_non_null(strstr(err.message, "DECIMAL(40,2)"));
}

static void test_reader_maps_legacy_interval_and_timestamp_millis(void **state) {
  (void)state;
  md_error err;
  md_parquet_reader *r = NULL;
  uint8_t file[128];
  /* FLBA(12) INTERVAL */
  const uint8_t interval[] = {0x15, 0x0E, 0x15, 0x18, 0x15, 0x02, 0x18, 0x01, 'i', 0x25, 0x2A};
  size_t n = one_column_file(interval, sizeof interval, file);
  if (md_parquet_reader_open_memory(file, n, "i.parquet", &r, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(md_field_type(md_schema_field(md_parquet_reader_schema(r), 0)).id, MD_TYPE_INTERVAL_MDN);
  md_parquet_reader_free(r);
  /* INT64 TIMESTAMP_MILLIS: the legacy annotation means UTC-adjusted. */
  const uint8_t ts[] = {0x15, 0x04, 0x25, 0x02, 0x18, 0x01, 't', 0x25, 0x12};
  n = one_column_file(ts, sizeof ts, file);
  assert_int_equal(md_parquet_reader_open_memory(file, n, "t.parquet", &r, &err), MD_OK);
  md_type t = md_field_type(md_schema_field(md_parquet_reader_schema(r), 0));
  assert_int_equal(t.id, MD_TYPE_TIMESTAMP);
  assert_int_equal(t.unit, MD_MILLI);
  assert_true(t.utc);
  assert_int_equal(md_parquet_reader_num_row_groups(r), 0);
  md_parquet_reader_free(r);
}

static void test_reader_rejects_truncated_files_naming_them(void **state) {
  (void)state;
  md_parquet_reader *r = NULL;
  md_error err;
  const uint8_t tiny[] = {'P', 'A', 'R', '1', 'P', 'A', 'R', '1'};
  assert_int_equal(md_parquet_reader_open_memory(tiny, sizeof tiny, "tiny.parquet", &r, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "tiny.parquet"));
  assert_int_equal(md_parquet_reader_open("/nonexistent/x.parquet", &r, &err), MD_ERR_NOT_FOUND);
}

int main(void) {
  const char *shared = test_shared_dir();
  if (!shared) return test_shared_missing("test_reader_api");
  snprintf(corpus, sizeof corpus, "%s/conformance/parquet", shared);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reader_maps_logical_and_converted_types),
      cmocka_unit_test(test_reader_decodes_int96_timestamps),
      cmocka_unit_test(test_reader_projects_columns_in_requested_order),
      cmocka_unit_test(test_reader_reads_nested_list_struct_and_map),
      cmocka_unit_test(test_reader_chunk_statistics_are_typed),
      cmocka_unit_test(test_reader_refuses_decimal_wider_than_38_digits),
      cmocka_unit_test(test_reader_maps_legacy_interval_and_timestamp_millis),
      cmocka_unit_test(test_reader_rejects_truncated_files_naming_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
