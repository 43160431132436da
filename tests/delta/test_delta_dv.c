/* test_delta_dv.c — deletion vector bytes: Z85, the RoaringTreemap codec
 * (array, bitmap and run containers, several 32-bit halves), and the checks a
 * reader makes on untrusted DV files (checksum, size, cardinality), with
 * errors naming the table, the data file and the DV file. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/deletion_vector.h"

static void push(delta_row_set *set, int64_t start, int64_t end) {
  assert_int_equal(delta_row_set_push(set, start, end, NULL), MD_OK);
}

static void assert_same_set(const delta_row_set *a, const delta_row_set *b) {
  assert_int_equal(a->count, b->count);
  assert_int_equal(a->cardinality, b->cardinality);
  for (size_t i = 0; i < a->count; i++) {
    assert_int_equal(a->ranges[i].start, b->ranges[i].start);
    assert_int_equal(a->ranges[i].end, b->ranges[i].end);
  }
}

/* A set with every container kind: a sparse array, a dense bitmap (every
 * other row of a container), long runs, a range crossing a 2^16 boundary
 * and rows above 2^32. */
static void build_mixed_set(delta_row_set *set) {
  push(set, 0, 1);
  push(set, 7, 8);
  push(set, 500, 501);
  for (int64_t v = 65536; v < 65536 + 2 * 5000; v += 2) push(set, v, v + 1);
  push(set, 200000, 300000);
  push(set, ((int64_t)1 << 32) + 5, ((int64_t)1 << 32) + 9);
  push(set, ((int64_t)3 << 32), ((int64_t)3 << 32) + 1);
}

static void test_dv_bitmap_round_trips_every_container_kind(void **state) {
  (void)state;
  delta_row_set set = {0}, back = {0};
  build_mixed_set(&set);
  delta_buf buf;
  delta_buf_init(&buf);
  delta_dv_encode_bitmap(&set, &buf);
  assert_false(delta_buf_failed(&buf));
  md_error err;
  assert_int_equal(delta_dv_decode_bitmap((const uint8_t *)buf.data, buf.len, &back, &err), MD_OK);
  assert_same_set(&set, &back);
  delta_row_set_clear(&back);
  delta_row_set_clear(&set);
  delta_buf_free(&buf);
}

/* Positions up to high key 0x7FFFFFFE round trip; the last high key is
 * refused, so no range end or container boundary can overflow int64 (the
 * fuzz_delta_dv finding: a position near 2^63 overflowed the encoder). */
static void test_dv_positions_near_int64_max_are_bounded(void **state) {
  (void)state;
  md_error err;
  delta_row_set top = {0}, back = {0}, beyond = {0};
  push(&top, ((int64_t)0x7FFFFFFE << 32) + 0xFFFF0000, ((int64_t)0x7FFFFFFE << 32) + 0xFFFFFFFF + 1);
  delta_buf buf;
  delta_buf_init(&buf);
  delta_dv_encode_bitmap(&top, &buf);
  assert_false(delta_buf_failed(&buf));
  assert_int_equal(delta_dv_decode_bitmap((const uint8_t *)buf.data, buf.len, &back, &err), MD_OK);
  assert_same_set(&top, &back);
  delta_buf_free(&buf);
  push(&beyond, ((int64_t)0x7FFFFFFF << 32) + 5, ((int64_t)0x7FFFFFFF << 32) + 6);
  delta_buf_init(&buf);
  delta_dv_encode_bitmap(&beyond, &buf);
  assert_false(delta_buf_failed(&buf));
  delta_row_set_clear(&back);
  assert_int_equal(delta_dv_decode_bitmap((const uint8_t *)buf.data, buf.len, &back, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "beyond"));
  delta_buf_free(&buf);
  delta_row_set_clear(&top);
  delta_row_set_clear(&back);
  delta_row_set_clear(&beyond);
}

static void test_dv_decoder_refuses_every_truncation_and_bit_flip(void **state) {
  (void)state;
  delta_row_set set = {0};
  build_mixed_set(&set);
  delta_buf buf;
  delta_buf_init(&buf);
  delta_dv_encode_bitmap(&set, &buf);
  for (size_t cut = 0; cut < buf.len; cut++) {
    delta_row_set back = {0};
    md_error err;
    assert_int_not_equal(delta_dv_decode_bitmap((const uint8_t *)buf.data, cut, &back, &err), MD_OK);
    delta_row_set_clear(&back);
  }
  /* Flipped bytes either fail or decode to some set: never crash. */
  for (size_t at = 0; at < buf.len; at += 7) {
    uint8_t *copy = malloc(buf.len);
    memcpy(copy, buf.data, buf.len);
    copy[at] ^= 0x5A;
    delta_row_set back = {0};
    md_error err;
    (void)delta_dv_decode_bitmap(copy, buf.len, &back, &err);
    delta_row_set_clear(&back);
    free(copy);
  }
  delta_row_set_clear(&set);
  delta_buf_free(&buf);
}

static void test_z85_round_trips_and_refuses_bad_text(void **state) {
  (void)state;
  const uint8_t bytes[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
  delta_buf text;
  delta_buf_init(&text);
  delta_z85_encode(bytes, 8, &text);
  assert_string_equal(text.data, "HelloWorld"); /* the example of ZeroMQ RFC 32 */
  uint8_t *back = NULL;
  size_t len = 0;
  md_error err;
  assert_int_equal(delta_z85_decode(text.data, text.len, &back, &len, &err), MD_OK);
  assert_int_equal(len, 8);
  assert_memory_equal(back, bytes, 8);
  free(back);
  assert_int_equal(delta_z85_decode("Hell", 4, &back, &len, &err), MD_ERR_CORRUPT);
  assert_int_equal(delta_z85_decode("Hell\"", 5, &back, &len, &err), MD_ERR_CORRUPT);
  assert_int_equal(delta_z85_decode("#####", 5, &back, &len, &err), MD_ERR_CORRUPT); /* above 2^32 */
  delta_buf_free(&text);
}

static void test_row_set_union_merges_touching_ranges(void **state) {
  (void)state;
  delta_row_set a = {0}, b = {0}, u = {0};
  push(&a, 0, 3);
  push(&a, 10, 12);
  push(&b, 3, 5);
  push(&b, 11, 20);
  push(&b, 30, 31);
  assert_int_equal(delta_row_set_union(&a, &b, &u, NULL), MD_OK);
  assert_int_equal(u.count, 3);
  assert_int_equal(u.ranges[0].end, 5);
  assert_int_equal(u.ranges[1].start, 10);
  assert_int_equal(u.ranges[1].end, 20);
  assert_int_equal(u.cardinality, 5 + 10 + 1);
  delta_row_set rows = {0};
  const int64_t list[] = {9, 3, 4, 3, 5, 100};
  assert_int_equal(delta_row_set_from_rows(list, 6, &rows, NULL), MD_OK);
  assert_int_equal(rows.count, 3); /* {3,4,5} {9} {100} */
  assert_int_equal(rows.cardinality, 5);
  delta_row_set_clear(&a);
  delta_row_set_clear(&b);
  delta_row_set_clear(&u);
  delta_row_set_clear(&rows);
}

static void flip_byte(const char *path, long at) {
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  fseek(f, at, SEEK_SET);
  int c = fgetc(f);
  fseek(f, at, SEEK_SET);
  fputc(c ^ 1, f);
  fclose(f);
}

static void test_dv_file_is_checked_and_errors_name_table_data_file_and_dv(void **state) {
  (void)state;
  const char *dir = test_temp_dir("dv-file");
  delta_row_set set = {0}, back = {0};
  build_mixed_set(&set);
  delta_dv_descriptor dv;
  md_error err;
  char *written = NULL;
  assert_int_equal(delta_dv_write(dir, &set, &dv, &written, &err), MD_OK);
  assert_non_null(strstr(written, "/deletion_vector_"));
  free(written);
  assert_int_equal(dv.storage_type, 'u');
  assert_int_equal(strlen(dv.path_or_inline), 20);
  assert_int_equal(dv.cardinality, set.cardinality);
  assert_int_equal(delta_dv_load(dir, "part-0.parquet", &dv, &back, &err), MD_OK);
  assert_same_set(&set, &back);
  delta_row_set_clear(&back);

  dv.cardinality++; /* the log lies about the count */
  assert_int_equal(delta_dv_load(dir, "part-0.parquet", &dv, &back, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "cardinality"));
  dv.cardinality--;

  char *file = NULL;
  char cmd[4600];
  snprintf(cmd, sizeof cmd, "ls %s/deletion_vector_*.bin", dir);
  FILE *p = popen(cmd, "r");
  char line[4300] = "";
  assert_non_null(fgets(line, sizeof line, p));
  pclose(p);
  line[strcspn(line, "\n")] = 0;
  file = line;
  flip_byte(file, 20);
  assert_int_equal(delta_dv_load(dir, "part-0.parquet", &dv, &back, &err), MD_ERR_CORRUPT);
  assert_non_null(strstr(err.message, "checksum"));
  assert_non_null(strstr(err.message, dir));
  assert_non_null(strstr(err.message, "part-0.parquet"));
  assert_non_null(strstr(err.message, "deletion_vector_"));
  flip_byte(file, 20);

  dv.offset = 1 << 30;
  assert_int_equal(delta_dv_load(dir, "part-0.parquet", &dv, &back, &err), MD_ERR_CORRUPT);
  delta_dv_descriptor_clear(&dv);
  delta_row_set_clear(&set);
}

static void test_inline_dv_decodes(void **state) {
  (void)state;
  delta_row_set set = {0}, back = {0};
  push(&set, 2, 4);
  push(&set, 9, 10);
  delta_buf bitmap, text;
  delta_buf_init(&bitmap);
  delta_buf_init(&text);
  delta_dv_encode_bitmap(&set, &bitmap);
  size_t size = bitmap.len;
  while (bitmap.len % 4) delta_buf_append_char(&bitmap, 0); /* z85 works on 4-byte groups */
  delta_z85_encode((const uint8_t *)bitmap.data, bitmap.len, &text);
  delta_dv_descriptor dv = {'i', text.data, -1, (int64_t)size, 3};
  md_error err;
  assert_int_equal(delta_dv_load("/nonexistent", "f.parquet", &dv, &back, &err), MD_OK);
  assert_same_set(&set, &back);
  delta_row_set_clear(&back);
  delta_row_set_clear(&set);
  delta_buf_free(&bitmap);
  delta_buf_free(&text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dv_bitmap_round_trips_every_container_kind),
      cmocka_unit_test(test_dv_decoder_refuses_every_truncation_and_bit_flip),
      cmocka_unit_test(test_dv_positions_near_int64_max_are_bounded),
      cmocka_unit_test(test_z85_round_trips_and_refuses_bad_text),
      cmocka_unit_test(test_row_set_union_merges_touching_ranges),
      cmocka_unit_test(test_dv_file_is_checked_and_errors_name_table_data_file_and_dv),
      cmocka_unit_test(test_inline_dv_decodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
