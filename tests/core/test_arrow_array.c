/* test_arrow_array.c — columns and batches through the Arrow C Data Interface:
 * zero-copy round trips of every type, release semantics, and import of
 * hand-built arrays (offsets, refused formats, corrupt layouts). */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "medallion/core.h"

/* ------------------------------------------------------------ comparisons */

static bool rows_equal(const md_column *a, int64_t ra, const md_column *b, int64_t rb) {
  bool a_null = md_column_is_null(a, ra), b_null = md_column_is_null(b, rb);
  if (a_null || b_null) return a_null == b_null;
  md_type type = md_column_type(a);
  int width = md_type_fixed_width(type);
  switch (type.id) {
    case MD_TYPE_NULL: return true;
    case MD_TYPE_BOOL: return md_bit_get(md_column_values(a), ra) == md_bit_get(md_column_values(b), rb);
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: {
      const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
      int32_t len = oa[ra + 1] - oa[ra];
      return len == ob[rb + 1] - ob[rb] &&
             (len == 0 || memcmp(md_column_data(a) + oa[ra], md_column_data(b) + ob[rb], (size_t)len) == 0);
    }
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: {
      const int32_t *oa = md_column_offsets(a), *ob = md_column_offsets(b);
      int32_t len = oa[ra + 1] - oa[ra];
      if (len != ob[rb + 1] - ob[rb]) return false;
      for (int32_t i = 0; i < len; i++)
        if (!rows_equal(md_column_child(a, 0), oa[ra] + i, md_column_child(b, 0), ob[rb] + i)) return false;
      return true;
    }
    case MD_TYPE_STRUCT:
      for (int i = 0; i < md_column_num_children(a); i++)
        if (!rows_equal(md_column_child(a, i), ra, md_column_child(b, i), rb)) return false;
      return true;
    default:
      return memcmp((const uint8_t *)md_column_values(a) + ra * width, (const uint8_t *)md_column_values(b) + rb * width,
                    (size_t)width) == 0;
  }
}

static void assert_columns_equal(const md_column *a, const md_column *b) {
  assert_true(md_type_equal(md_column_type(a), md_column_type(b)));
  assert_int_equal(md_column_length(a), md_column_length(b));
  assert_int_equal(md_column_null_count(a), md_column_null_count(b));
  for (int64_t r = 0; r < md_column_length(a); r++) {
    if (!rows_equal(a, r, b, r)) fail_msg("row %lld differs", (long long)r);
  }
}

/* ------------------------------------------------- a batch of every type */

static md_field *field_of(const char *name, md_type type) { return md_field_new(name, type, true); }

static md_schema *every_type_schema(void) {
  md_schema *s = md_schema_new();
  const md_type flat[] = {
      md_type_make(MD_TYPE_NULL),     md_type_make(MD_TYPE_BOOL),       md_type_make(MD_TYPE_INT8),
      md_type_make(MD_TYPE_INT16),    md_type_make(MD_TYPE_INT32),      md_type_make(MD_TYPE_INT64),
      md_type_make(MD_TYPE_UINT8),    md_type_make(MD_TYPE_UINT16),     md_type_make(MD_TYPE_UINT32),
      md_type_make(MD_TYPE_UINT64),   md_type_make(MD_TYPE_FLOAT32),    md_type_make(MD_TYPE_FLOAT64),
      md_type_make(MD_TYPE_UTF8),     md_type_make(MD_TYPE_BINARY),     md_type_fixed_binary(3),
      md_type_make(MD_TYPE_DATE32),   md_type_time(MD_MILLI),           md_type_time(MD_NANO),
      md_type_timestamp(MD_MICRO, true), md_type_decimal(20, 4),        md_type_make(MD_TYPE_INTERVAL_MDN),
  };
  char name[16];
  for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
    snprintf(name, sizeof name, "c%zu", i);
    md_schema_add(s, field_of(name, flat[i]), NULL);
  }
  md_field *list = field_of("list", md_type_make(MD_TYPE_LIST));
  md_field_add_child(list, field_of("element", md_type_make(MD_TYPE_UTF8)), NULL);
  md_schema_add(s, list, NULL);
  md_field *st = field_of("struct", md_type_make(MD_TYPE_STRUCT));
  md_field_add_child(st, field_of("a", md_type_make(MD_TYPE_INT32)), NULL);
  md_field_add_child(st, field_of("b", md_type_make(MD_TYPE_BOOL)), NULL);
  md_schema_add(s, st, NULL);
  md_field *map = field_of("map", md_type_make(MD_TYPE_MAP));
  md_field *entries = md_field_new("entries", md_type_make(MD_TYPE_STRUCT), false);
  md_field_add_child(entries, md_field_new("key", md_type_make(MD_TYPE_UTF8), false), NULL);
  md_field_add_child(entries, field_of("value", md_type_make(MD_TYPE_INT64)), NULL);
  md_field_add_child(map, entries, NULL);
  md_schema_add(s, map, NULL);
  return s;
}

/* Row r of every column: null when r % 5 == 4, else a value derived from r. */
static void fill_row(md_column *c, int64_t r) {
  md_type type = md_column_type(c);
  if (r % 5 == 4 || type.id == MD_TYPE_NULL) {
    assert_int_equal(md_column_append_null(c, NULL), MD_OK);
    return;
  }
  char text[32];
  int len = snprintf(text, sizeof text, "r%lld\xc3\xa9%c", (long long)r, 0);
  uint8_t raw[16];
  for (int i = 0; i < 16; i++) raw[i] = (uint8_t)(r * 16 + i);
  md_code code = MD_OK;
  switch (type.id) {
    case MD_TYPE_BOOL: code = md_column_append_bool(c, r % 3 == 0, NULL); break;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: code = md_column_append_double(c, (double)r / 4, NULL); break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY: code = md_column_append_bytes(c, text, len, NULL); break;
    case MD_TYPE_FIXED_BINARY:
    case MD_TYPE_INTERVAL_MDN: code = md_column_append_fixed(c, raw, NULL); break;
    case MD_TYPE_DECIMAL128: code = md_column_append_decimal(c, -r, (uint64_t)r * 1000, NULL); break;
    case MD_TYPE_LIST:
      for (int i = 0; i < r % 3; i++) assert_int_equal(md_column_append_bytes(md_column_child(c, 0), text, i, NULL), MD_OK);
      code = md_column_append_list(c, NULL);
      break;
    case MD_TYPE_STRUCT:
      fill_row(md_column_child(c, 0), r + 1);
      fill_row(md_column_child(c, 1), r + 2);
      code = md_column_append_struct(c, NULL);
      break;
    case MD_TYPE_MAP: {
      md_column *e = md_column_child(c, 0);
      for (int i = 0; i < r % 3; i++) {
        assert_int_equal(md_column_append_bytes(md_column_child(e, 0), text, i + 1, NULL), MD_OK);
        fill_row(md_column_child(e, 1), r + i);
        assert_int_equal(md_column_append_struct(e, NULL), MD_OK);
      }
      code = md_column_append_list(c, NULL);
      break;
    }
    default: code = md_column_append_int(c, r * 37 - 100, NULL); break;
  }
  assert_int_equal(code, MD_OK);
}

static md_batch *every_type_batch(int64_t rows) {
  md_schema *schema = every_type_schema();
  int n = md_schema_num_fields(schema);
  md_column *columns[32];
  for (int i = 0; i < n; i++) {
    columns[i] = md_column_new_for_field(md_schema_field(schema, i));
    for (int64_t r = 0; r < rows; r++) fill_row(columns[i], r);
  }
  md_batch *batch = NULL;
  assert_int_equal(md_batch_new(schema, columns, n, &batch, NULL), MD_OK);
  return batch;
}

/* ------------------------------------------------------------------ tests */

static void round_trip_batch(int64_t rows) {
  md_batch *batch = every_type_batch(rows);
  struct ArrowSchema schema;
  struct ArrowArray array;
  assert_int_equal(md_schema_export(md_batch_schema(batch), &schema, NULL), MD_OK);
  assert_int_equal(md_batch_export(batch, &array, NULL), MD_OK);
  assert_int_equal(array.length, rows);
  md_batch *back = NULL;
  md_error err;
  if (md_batch_import(&array, &schema, &back, &err) != MD_OK) fail_msg("%s", err.message);
  assert_null(array.release); /* moved */
  assert_true(md_schema_equal(md_batch_schema(batch), md_batch_schema(back)));
  for (int i = 0; i < md_batch_num_columns(batch); i++) {
    /* zero copy: the imported buffers are ours */
    md_column *orig = md_batch_column(batch, i), *imported = md_batch_column(back, i);
    if (rows > 0 && md_type_fixed_width(md_column_type(orig)) > 0) assert_ptr_equal(md_column_values(orig), md_column_values(imported));
    assert_columns_equal(orig, imported);
  }
  md_batch_free(batch); /* the import keeps the columns alive */
  md_batch_free(back);
  schema.release(&schema);
}

static void test_arrow_array_round_trips_every_type_with_nulls(void **state) {
  (void)state;
  round_trip_batch(23);
}

static void test_arrow_array_round_trips_empty_batch(void **state) {
  (void)state;
  round_trip_batch(0);
}

static void test_arrow_array_export_uses_spec_buffers(void **state) {
  (void)state;
  md_column *s = md_column_new(md_type_make(MD_TYPE_UTF8));
  md_column_append_bytes(s, "ab", 2, NULL);
  md_column_append_null(s, NULL);
  struct ArrowArray array;
  assert_int_equal(md_column_export(s, &array, NULL), MD_OK);
  assert_int_equal(array.n_buffers, 3);
  assert_int_equal(array.null_count, 1);
  assert_int_equal(array.offset, 0);
  assert_ptr_equal(array.buffers[0], md_column_validity(s));
  assert_ptr_equal(array.buffers[1], md_column_offsets(s));
  assert_ptr_equal(array.buffers[2], md_column_data(s));
  md_column_free(s); /* the export holds its own reference */
  assert_memory_equal(array.buffers[2], "ab", 2);
  array.release(&array);
  assert_null(array.release);

  md_column *n = md_column_new(md_type_make(MD_TYPE_NULL));
  md_column_append_nulls(n, 3, NULL);
  assert_int_equal(md_column_export(n, &array, NULL), MD_OK);
  assert_int_equal(array.n_buffers, 0);
  assert_int_equal(array.null_count, 3);
  array.release(&array);
  md_column_free(n);

  md_column *empty = md_column_new(md_type_make(MD_TYPE_INT32));
  assert_int_equal(md_column_export(empty, &array, NULL), MD_OK);
  assert_int_equal(array.n_buffers, 2);
  assert_null(array.buffers[0]);
  assert_non_null(array.buffers[1]);
  array.release(&array);
  md_column_free(empty);
}

static void test_arrow_array_exported_column_is_read_only_until_released(void **state) {
  (void)state;
  md_column *c = md_column_new(md_type_make(MD_TYPE_INT64));
  md_column_append_int(c, 1, NULL);
  struct ArrowArray array;
  assert_int_equal(md_column_export(c, &array, NULL), MD_OK);
  assert_int_equal(md_column_append_int(c, 2, NULL), MD_ERR_INVALID);
  array.release(&array);
  assert_int_equal(md_column_append_int(c, 2, NULL), MD_OK);
  md_column_free(c);
}

/* A producer whose release counts its calls. */
static int release_calls;

static void counting_release(struct ArrowArray *array) {
  release_calls++;
  array->release = NULL;
}

static void noop_schema_release(struct ArrowSchema *schema) { schema->release = NULL; }

static void test_arrow_array_import_releases_producer_once_after_last_column(void **state) {
  (void)state;
  /* struct<a: int32, b: utf8> with 3 rows, built by hand */
  static const int32_t a_values[] = {10, 20, 30};
  static const int32_t b_offsets[] = {0, 1, 3, 6};
  static const char b_data[] = "xyyzzz";
  const void *a_buffers[] = {NULL, a_values};
  const void *b_buffers[] = {NULL, b_offsets, b_data};
  const void *root_buffers[] = {NULL};
  struct ArrowArray a = {.length = 3, .n_buffers = 2, .buffers = a_buffers, .release = counting_release};
  struct ArrowArray b = {.length = 3, .n_buffers = 3, .buffers = b_buffers, .release = counting_release};
  struct ArrowArray *children[] = {&a, &b};
  struct ArrowArray root = {.length = 3, .n_buffers = 1, .buffers = root_buffers, .n_children = 2,
                            .children = children, .release = counting_release};
  struct ArrowSchema sa = {.format = "i", .name = "a", .release = noop_schema_release};
  struct ArrowSchema sb = {.format = "u", .name = "b", .release = noop_schema_release};
  struct ArrowSchema *schildren[] = {&sa, &sb};
  struct ArrowSchema sroot = {.format = "+s", .name = "", .n_children = 2, .children = schildren,
                              .release = noop_schema_release};
  release_calls = 0;
  md_column *column = NULL;
  assert_int_equal(md_column_import(&root, &sroot, &column, NULL), MD_OK);
  assert_null(root.release);
  md_column *b_column = md_column_ref(md_column_child(column, 1));
  assert_ptr_equal(md_column_values(md_column_child(column, 0)), a_values);
  md_column_free(column);
  assert_int_equal(release_calls, 0); /* b still references the producer */
  assert_int_equal(md_column_offsets(b_column)[3], 6);
  assert_memory_equal(md_column_data(b_column) + 3, "zzz", 3);
  md_error err;
  assert_int_equal(md_column_append_bytes(b_column, "q", 1, &err), MD_ERR_INVALID);
  md_column_free(b_column);
  assert_int_equal(release_calls, 1);
}

static void test_arrow_array_import_with_offsets_adjusts_views(void **state) {
  (void)state;
  /* int32 [0..9] with validity (row 5 null); view offset 3, length 4 → 3,4,null,6 */
  static const int32_t values[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  static const uint8_t validity[] = {0xdf, 0x03};
  const void *buffers[] = {validity, values};
  struct ArrowArray ints = {.length = 4, .offset = 3, .null_count = -1, .n_buffers = 2, .buffers = buffers,
                            .release = counting_release};
  struct ArrowSchema sint = {.format = "i", .name = "n", .release = noop_schema_release};
  release_calls = 0;
  md_column *c = NULL;
  assert_int_equal(md_column_import(&ints, &sint, &c, NULL), MD_OK);
  assert_int_equal(md_column_length(c), 4);
  assert_int_equal(md_column_null_count(c), 1);
  assert_true(md_column_is_null(c, 2));
  const int32_t *v = md_column_values(c);
  assert_int_equal(v[0], 3);
  assert_int_equal(v[3], 6);
  md_column *copy = NULL;
  assert_int_equal(md_column_slice_copy(c, 1, 3, &copy, NULL), MD_OK);
  md_column_free(c);
  assert_int_equal(release_calls, 1);
  assert_true(md_column_is_null(copy, 1));
  md_column_free(copy);

  /* bool values and utf8 strings at offset 5: bitmaps copied, offsets advanced */
  static const uint8_t bools[] = {0xa0, 0x01}; /* bits 5,7,8 set */
  const void *bool_buffers[] = {NULL, bools};
  struct ArrowArray bool_array = {.length = 4, .offset = 5, .n_buffers = 2, .buffers = bool_buffers,
                                  .release = counting_release};
  struct ArrowSchema sbool = {.format = "b", .name = "flag", .release = noop_schema_release};
  assert_int_equal(md_column_import(&bool_array, &sbool, &c, NULL), MD_OK);
  const uint8_t *bits = md_column_values(c);
  assert_true(md_bit_get(bits, 0));
  assert_false(md_bit_get(bits, 1));
  assert_true(md_bit_get(bits, 2));
  assert_true(md_bit_get(bits, 3));
  md_column_free(c);
  assert_int_equal(release_calls, 2);

  static const int32_t offsets[] = {0, 1, 2, 3, 4, 5, 7, 9};
  static const char data[] = "abcdeffgg";
  static const uint8_t string_validity[] = {0x5f}; /* row 5 null */
  const void *string_buffers[] = {string_validity, offsets, data};
  struct ArrowArray strings = {.length = 2, .offset = 5, .null_count = 1, .n_buffers = 3, .buffers = string_buffers,
                               .release = counting_release};
  struct ArrowSchema sstr = {.format = "u", .name = "s", .release = noop_schema_release};
  assert_int_equal(md_column_import(&strings, &sstr, &c, NULL), MD_OK);
  assert_true(md_column_is_null(c, 0));
  assert_false(md_column_is_null(c, 1));
  assert_int_equal(md_column_offsets(c)[1] - md_column_offsets(c)[0], 2);
  assert_memory_equal(md_column_data(c) + md_column_offsets(c)[1], "gg", 2);
  md_column *slice = NULL;
  assert_int_equal(md_column_slice_copy(c, 1, 1, &slice, NULL), MD_OK);
  assert_int_equal(md_column_offsets(slice)[0], 0);
  assert_memory_equal(md_column_data(slice), "gg", 2);
  md_column_free(slice);
  md_column_free(c);
  assert_int_equal(release_calls, 3);
}

static void test_arrow_array_struct_offset_applies_to_children(void **state) {
  (void)state;
  /* child int64 [0..7] with its own offset 1; struct offset 2, length 3 → 3,4,5 */
  static const int64_t values[] = {0, 1, 2, 3, 4, 5, 6, 7};
  const void *child_buffers[] = {NULL, values};
  const void *root_buffers[] = {NULL};
  struct ArrowArray child = {.length = 7, .offset = 1, .n_buffers = 2, .buffers = child_buffers,
                             .release = counting_release};
  struct ArrowArray *children[] = {&child};
  struct ArrowArray root = {.length = 3, .offset = 2, .n_buffers = 1, .buffers = root_buffers, .n_children = 1,
                            .children = children, .release = counting_release};
  struct ArrowSchema sc = {.format = "l", .name = "v", .release = noop_schema_release};
  struct ArrowSchema *schildren[] = {&sc};
  struct ArrowSchema sroot = {.format = "+s", .n_children = 1, .children = schildren, .release = noop_schema_release};
  release_calls = 0;
  md_batch *batch = NULL;
  md_error err;
  if (md_batch_import(&root, &sroot, &batch, &err) != MD_OK) fail_msg("%s", err.message);
  assert_int_equal(md_batch_num_rows(batch), 3);
  const md_column *v = md_batch_column(batch, 0);
  assert_int_equal(md_column_length(v), 3);
  assert_int_equal(((const int64_t *)md_column_values(v))[0], 3);
  assert_int_equal(((const int64_t *)md_column_values(v))[2], 5);
  md_batch_free(batch);
  assert_int_equal(release_calls, 1);
}

static void test_arrow_array_refuses_unknown_format_and_still_releases(void **state) {
  (void)state;
  static const int64_t values[] = {1};
  const void *buffers[] = {NULL, values};
  struct ArrowArray array = {.length = 1, .n_buffers = 2, .buffers = buffers, .release = counting_release};
  struct ArrowSchema schema = {.format = "tdm", .name = "when", .release = noop_schema_release};
  release_calls = 0;
  md_column *c = NULL;
  md_error err;
  assert_int_equal(md_column_import(&array, &schema, &c, &err), MD_ERR_UNSUPPORTED);
  assert_null(c);
  assert_non_null(strstr(err.message, "'tdm'"));
  assert_int_equal(release_calls, 1);
  assert_null(array.release);
  assert_int_equal(md_column_import(&array, &schema, &c, &err), MD_ERR_INVALID); /* already released */
  assert_int_equal(release_calls, 1);
}

static void test_arrow_array_refuses_corrupt_layouts(void **state) {
  (void)state;
  static const int32_t bad_offsets[] = {0, 4, 2};
  static const char data[] = "abcd";
  const void *buffers[] = {NULL, bad_offsets, data};
  struct ArrowSchema schema = {.format = "u", .name = "s", .release = noop_schema_release};
  struct ArrowArray decreasing = {.length = 2, .n_buffers = 3, .buffers = buffers, .release = counting_release};
  release_calls = 0;
  md_column *c = NULL;
  md_error err;
  assert_int_equal(md_column_import(&decreasing, &schema, &c, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "decrease"));
  static const int32_t offsets[] = {0, 2};
  static const char bad_utf8[] = "\xff\xfe";
  const void *bad_buffers[] = {NULL, offsets, bad_utf8};
  struct ArrowArray invalid = {.length = 1, .n_buffers = 3, .buffers = bad_buffers, .release = counting_release};
  assert_int_equal(md_column_import(&invalid, &schema, &c, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "UTF-8"));
  struct ArrowArray wrong_buffers = {.length = 1, .n_buffers = 2, .buffers = bad_buffers, .release = counting_release};
  assert_int_equal(md_column_import(&wrong_buffers, &schema, &c, &err), MD_ERR_CORRUPT);
  struct ArrowArray nulls_without_bitmap = {.length = 1, .null_count = 1, .n_buffers = 3, .buffers = buffers,
                                            .release = counting_release};
  assert_int_equal(md_column_import(&nulls_without_bitmap, &schema, &c, &err), MD_ERR_CORRUPT);
  assert_int_equal(release_calls, 4);
  assert_null(c);
}

static void test_arrow_array_consumer_may_move_a_child_out(void **state) {
  (void)state;
  md_batch *batch = every_type_batch(7);
  struct ArrowArray array, moved;
  assert_int_equal(md_batch_export(batch, &array, NULL), MD_OK);
  md_batch_free(batch);
  moved = *array.children[12]; /* the utf8 column */
  array.children[12]->release = NULL;
  array.release(&array);
  assert_int_equal(moved.length, 7);
  assert_int_equal(moved.n_buffers, 3);
  moved.release(&moved);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arrow_array_round_trips_every_type_with_nulls),
      cmocka_unit_test(test_arrow_array_round_trips_empty_batch),
      cmocka_unit_test(test_arrow_array_export_uses_spec_buffers),
      cmocka_unit_test(test_arrow_array_exported_column_is_read_only_until_released),
      cmocka_unit_test(test_arrow_array_import_releases_producer_once_after_last_column),
      cmocka_unit_test(test_arrow_array_import_with_offsets_adjusts_views),
      cmocka_unit_test(test_arrow_array_struct_offset_applies_to_children),
      cmocka_unit_test(test_arrow_array_refuses_unknown_format_and_still_releases),
      cmocka_unit_test(test_arrow_array_refuses_corrupt_layouts),
      cmocka_unit_test(test_arrow_array_consumer_may_move_a_child_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
