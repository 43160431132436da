/* test_keep_latest.c — keep-latest on inputs large enough that held batches
 * are cut down and dropped many times over, against a brute-force reference
 * written here: per key the greatest order value (null older than any value,
 * ties to the later row), null-key rows all kept, survivors in input order.
 *
 * Key shapes cover each table form (one integer; integer and string words; a
 * float key through the byte encoding) and order values compared as int64
 * (integers, floats with NaN, infinities and signed zeros) and in place
 * (strings), on 1 to 4 threads and with batches of uneven sizes. */
#include "support.h"

#include <math.h>

#include "compute_test_util.h"

#define ROWS 60000
#define KEYS 4000

static uint64_t rng = 1;
static uint32_t rnd(uint32_t n) {
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng >> 33) % n;
}

static const char *const WORDS[] = {"a", "b", "", "\xc3\xa9", "ab", "ba"};
static const double FLOAT_KEYS[] = {0.0, -0.0, 1.5, -1.5, INFINITY, NAN};
/* Key index of each FLOAT_KEYS entry: -0.0 is 0.0, NaN is one key. */
static const int FLOAT_KEY_ID[] = {0, 0, 1, 2, 3, 4};
static const double FLOAT_ORDERS[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 2.5};

typedef struct input {
  int64_t k[ROWS], t[ROWS];
  int k2[ROWS], fk[ROWS], fo[ROWS], so[ROWS]; /* indices into the tables above; -1 null */
  bool k_null[ROWS], t_null[ROWS];
} input;

static input in;

static void random_input(void) {
  for (int i = 0; i < ROWS; i++) {
    in.k_null[i] = rnd(50) == 0;
    in.k[i] = rnd(KEYS);
    in.t_null[i] = rnd(20) == 0;
    in.t[i] = rnd(40); /* few values: many ties */
    in.k2[i] = rnd(30) == 0 ? -1 : (int)rnd(6);
    in.fk[i] = rnd(40) == 0 ? -1 : (int)rnd(6);
    in.fo[i] = rnd(15) == 0 ? -1 : (int)rnd(8);
    in.so[i] = rnd(15) == 0 ? -1 : (int)rnd(6);
  }
}

/* The input as batches of uneven sizes (some empty). */
static md_plan *input_plan(void) {
  md_batch *batches[256];
  int count = 0;
  for (int start = 0; start < ROWS;) {
    int n = (int)rnd(4) == 0 ? (int)rnd(50) : 1000 + (int)rnd(6000);
    if (n > ROWS - start) n = ROWS - start;
    md_column *id = md_column_new(md_type_make(MD_TYPE_INT64)), *k = md_column_new(md_type_make(MD_TYPE_INT64)),
              *t = md_column_new(md_type_timestamp(MD_MICRO, false)), *k2 = md_column_new(md_type_make(MD_TYPE_UTF8)),
              *fk = md_column_new(md_type_make(MD_TYPE_FLOAT64)), *fo = md_column_new(md_type_make(MD_TYPE_FLOAT32)),
              *so = md_column_new(md_type_make(MD_TYPE_UTF8));
    for (int i = start; i < start + n; i++) {
      md_column_append_int(id, i, NULL);
      if (in.k_null[i]) md_column_append_null(k, NULL);
      else md_column_append_int(k, in.k[i], NULL);
      if (in.t_null[i]) md_column_append_null(t, NULL);
      else md_column_append_int(t, in.t[i], NULL);
      if (in.k2[i] < 0) md_column_append_null(k2, NULL);
      else md_column_append_bytes(k2, WORDS[in.k2[i]], (int64_t)strlen(WORDS[in.k2[i]]), NULL);
      if (in.fk[i] < 0) md_column_append_null(fk, NULL);
      else md_column_append_double(fk, FLOAT_KEYS[in.fk[i]], NULL);
      if (in.fo[i] < 0) md_column_append_null(fo, NULL);
      else md_column_append_double(fo, FLOAT_ORDERS[in.fo[i]], NULL);
      if (in.so[i] < 0) md_column_append_null(so, NULL);
      else md_column_append_bytes(so, WORDS[in.so[i]], (int64_t)strlen(WORDS[in.so[i]]), NULL);
    }
    const char *names[] = {"id", "k", "t", "k2", "fk", "fo", "so"};
    md_column *cols[] = {id, k, t, k2, fk, fo, so};
    batches[count++] = make_batch(7, names, cols);
    start += n;
  }
  md_plan *plan = md_plan_from_batches(md_batch_schema(batches[0]), batches, count);
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  return plan;
}

typedef enum shape { BY_K_ORDER_T, BY_K_K2_ORDER_FO, BY_FK_ORDER_SO } shape;

/* The key's index, or -1 for a null key part. */
static int key_of(shape s, int i) {
  switch (s) {
    case BY_K_ORDER_T: return in.k_null[i] ? -1 : (int)in.k[i];
    case BY_K_K2_ORDER_FO: return in.k_null[i] || in.k2[i] < 0 ? -1 : (int)in.k[i] * 6 + in.k2[i];
    default: return in.fk[i] < 0 ? -1 : FLOAT_KEY_ID[in.fk[i]];
  }
}

/* Order comparison of rows a and b with null oldest: <0, 0, >0. */
static int order_cmp(shape s, int a, int b) {
  bool an, bn;
  if (s == BY_K_ORDER_T) an = in.t_null[a], bn = in.t_null[b];
  else if (s == BY_K_K2_ORDER_FO) an = in.fo[a] < 0, bn = in.fo[b] < 0;
  else an = in.so[a] < 0, bn = in.so[b] < 0;
  if (an || bn) return (int)bn - (int)an;
  if (s == BY_K_ORDER_T) return (in.t[a] > in.t[b]) - (in.t[a] < in.t[b]);
  if (s == BY_K_K2_ORDER_FO) {
    double x = (float)FLOAT_ORDERS[in.fo[a]], y = (float)FLOAT_ORDERS[in.fo[b]];
    if (isnan(x) || isnan(y)) return (int)isnan(x) - (int)isnan(y);
    return (x > y) - (x < y);
  }
  return strcmp(WORDS[in.so[a]], WORDS[in.so[b]]) < 0 ? -1 : strcmp(WORDS[in.so[a]], WORDS[in.so[b]]) > 0;
}

static void check_shape(shape s) {
  static int best[KEYS * 6];
  static int64_t want[ROWS];
  for (int i = 0; i < KEYS * 6; i++) best[i] = -1;
  for (int i = 0; i < ROWS; i++) {
    int key = key_of(s, i);
    if (key >= 0 && (best[key] < 0 || order_cmp(s, i, best[key]) >= 0)) best[key] = i;
  }
  int expected = 0;
  for (int i = 0; i < ROWS; i++) {
    int key = key_of(s, i);
    if (key < 0 || best[key] == i) want[expected++] = i;
  }
  static const char *const k[] = {"k"}, *const k_k2[] = {"k", "k2"}, *const fk[] = {"fk"};
  const char *const *keys = s == BY_K_ORDER_T ? k : s == BY_K_K2_ORDER_FO ? k_k2 : fk;
  const char *order = s == BY_K_ORDER_T ? "t" : s == BY_K_K2_ORDER_FO ? "fo" : "so";
  md_plan *plan = md_plan_keep_latest(input_plan(), keys, s == BY_K_K2_ORDER_FO ? 2 : 1, order);
  for (int threads = 1; threads <= 4; threads++) {
    md_exec_options options = {.threads = threads, .batch_rows = 7000};
    md_batch *out = NULL;
    md_error err;
    if (md_plan_collect(plan, &options, &out, &err) != MD_OK) fail_msg("keep-latest failed: %s", err.message);
    assert_int_equal(md_batch_num_rows(out), expected);
    const md_column *id = md_batch_column(out, md_schema_find(md_batch_schema(out), "id"));
    for (int i = 0; i < expected; i++)
      if (col_int(id, i) != want[i])
        fail_msg("shape %d, %d threads: row %d is input row %lld, want %lld", (int)s, threads, i,
                 (long long)col_int(id, i), (long long)want[i]);
    /* The other columns travel with their rows. */
    const md_column *so = md_batch_column(out, md_schema_find(md_batch_schema(out), "so"));
    for (int i = 0; i < expected; i++) {
      int row = (int)want[i];
      assert_int_equal(col_null(so, i), in.so[row] < 0);
      if (in.so[row] >= 0) assert_string_equal(col_str(so, i), WORDS[in.so[row]]);
    }
    md_batch_free(out);
  }
  md_plan_free(plan);
}

static void test_keep_latest_by_one_integer_key_matches_brute_force(void **state) {
  (void)state;
  rng = 11;
  random_input();
  check_shape(BY_K_ORDER_T);
}

static void test_keep_latest_by_integer_and_string_key_with_float_order_matches_brute_force(void **state) {
  (void)state;
  rng = 12;
  random_input();
  check_shape(BY_K_K2_ORDER_FO);
}

static void test_keep_latest_by_float_key_with_string_order_matches_brute_force(void **state) {
  (void)state;
  rng = 13;
  random_input();
  check_shape(BY_FK_ORDER_SO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keep_latest_by_one_integer_key_matches_brute_force),
      cmocka_unit_test(test_keep_latest_by_integer_and_string_key_with_float_order_matches_brute_force),
      cmocka_unit_test(test_keep_latest_by_float_key_with_string_order_matches_brute_force),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
