/* test_differential_sqlite.c — the same filters, joins, aggregations, sorts and
 * keep-latest queries run on random tables in our engine and in SQLite (Debian's
 * libsqlite3), which must agree row for row, over many seeds.
 *
 * Tables are small with few distinct values so that duplicates, null keys and
 * empty groups are common. Decimals are kept as integer cents on the SQLite
 * side, which makes SQLite's integer arithmetic an exact oracle for ours. */
#include "support.h"

#include <sqlite3.h>

#include "compute_test_util.h"

#define SEEDS 400
#define MAX_ROWS 300
#define CHUNK 64 /* rows per input batch: every query spans several batches */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng_state >> 33) % n;
}

static const char *const STRINGS[] = {"x", "y", "Z", "", "\xc3\xa9t\xc3\xa9", "xy"};

typedef struct table {
  int rows;
  int64_t a[MAX_ROWS], b[MAX_ROWS], d[MAX_ROWS];
  const char *s[MAX_ROWS];
} table;

static void random_table(table *t) {
  t->rows = (int)rnd(4) == 0 ? (int)rnd(3) : (int)rnd(MAX_ROWS);
  for (int i = 0; i < t->rows; i++) {
    t->a[i] = rnd(10) == 0 ? NUL : (int64_t)rnd(11) - 5;
    t->b[i] = rnd(10) == 0 ? NUL : (int64_t)rnd(21);
    t->d[i] = rnd(8) == 0 ? NUL : (int64_t)rnd(20001) - 10000;
    t->s[i] = rnd(8) == 0 ? NULL : STRINGS[rnd(6)];
  }
}

/* The table as a plan over CHUNK-row batches: id int64, a int64, b int32, s utf8, d decimal(12,2). */
static md_plan *table_plan(const table *t, const char *prefix) {
  char names_buf[5][16];
  const char *base[] = {"id", "a", "b", "s", "d"};
  const char *names[5];
  for (int i = 0; i < 5; i++) {
    snprintf(names_buf[i], sizeof names_buf[i], "%s%s", base[i], prefix);
    names[i] = names_buf[i];
  }
  md_batch *batches[MAX_ROWS / CHUNK + 2];
  int count = 0;
  for (int start = 0; start < t->rows || (start == 0 && count == 0); start += CHUNK) {
    int n = t->rows - start < CHUNK ? t->rows - start : CHUNK;
    int64_t ids[CHUNK];
    for (int i = 0; i < n; i++) ids[i] = start + i;
    md_column *cols[] = {int_col(MD_TYPE_INT64, ids, n), int_col(MD_TYPE_INT64, t->a + start, n),
                         int_col(MD_TYPE_INT32, t->b + start, n), str_col(t->s + start, n), dec_col(12, 2, t->d + start, n)};
    batches[count++] = make_batch(5, names, cols);
    if (n == 0) break;
  }
  md_plan *plan = md_plan_from_batches(md_batch_schema(batches[0]), batches, count);
  for (int i = 0; i < count; i++) md_batch_free(batches[i]);
  return plan;
}

static void load_sqlite(sqlite3 *db, const table *t, const char *name) {
  char sql[256];
  snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s; CREATE TABLE %s (id INTEGER, a INTEGER, b INTEGER, s TEXT, d INTEGER);", name, name);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?, ?, ?, ?, ?)", name);
  sqlite3_stmt *stmt;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
  for (int i = 0; i < t->rows; i++) {
    sqlite3_bind_int64(stmt, 1, i);
    const int64_t *ints[] = {t->a, t->b};
    for (int c = 0; c < 2; c++) {
      if (ints[c][i] == NUL) sqlite3_bind_null(stmt, 2 + c);
      else sqlite3_bind_int64(stmt, 2 + c, ints[c][i]);
    }
    if (t->s[i]) sqlite3_bind_text(stmt, 4, t->s[i], -1, SQLITE_STATIC);
    else sqlite3_bind_null(stmt, 4);
    if (t->d[i] == NUL) sqlite3_bind_null(stmt, 5);
    else sqlite3_bind_int64(stmt, 5, t->d[i]);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
}

/* ------------------------------------------------------------ result rows */

typedef struct rows {
  char **items;
  int count;
} rows;

static void rows_free(rows *r) {
  for (int i = 0; i < r->count; i++) free(r->items[i]);
  free(r->items);
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void format_double(double v, char *buf, size_t size) { snprintf(buf, size, "%.9g", v); }

/* The plan's result as text rows; the plan stays (it can run again). */
static rows run_rows(md_plan *plan, const md_exec_options *options) {
  md_batch *batch = NULL;
  md_error err;
  if (md_plan_collect(plan, options, &batch, &err) != MD_OK) fail_msg("engine failed: %s", err.message);
  rows r = {calloc((size_t)md_batch_num_rows(batch) + 1, sizeof(char *)), (int)md_batch_num_rows(batch)};
  for (int64_t i = 0; i < md_batch_num_rows(batch); i++) {
    char line[1024] = "";
    for (int c = 0; c < md_batch_num_columns(batch); c++) {
      md_column *col = md_batch_column(batch, c);
      char value[600];
      md_type t = md_column_type(col);
      if (md_column_is_null(col, i)) snprintf(value, sizeof value, "NULL");
      else if (t.id == MD_TYPE_UTF8) snprintf(value, sizeof value, "'%s'", col_str(col, i));
      else if (t.id == MD_TYPE_FLOAT64) format_double(col_dbl(col, i), value, sizeof value);
      else if (t.id == MD_TYPE_DECIMAL128) snprintf(value, sizeof value, "%lld", (long long)col_dec_low(col, i));
      else if (t.id == MD_TYPE_BOOL) snprintf(value, sizeof value, "%d", (int)col_bool(col, i));
      else snprintf(value, sizeof value, "%lld", (long long)col_int(col, i));
      strncat(line, c ? "|" : "", sizeof line - strlen(line) - 1);
      strncat(line, value, sizeof line - strlen(line) - 1);
    }
    r.items[i] = strdup(line);
  }
  md_batch_free(batch);
  return r;
}

/* The plan's result as text rows; frees the plan. */
static rows our_rows_with(md_plan *plan, const md_exec_options *options) {
  rows r = run_rows(plan, options);
  md_plan_free(plan);
  return r;
}

static rows our_rows(md_plan *plan) { return our_rows_with(plan, NULL); }

static rows rows_copy(rows r) {
  rows c = {malloc((size_t)(r.count > 0 ? r.count : 1) * sizeof *c.items), r.count};
  for (int i = 0; i < r.count; i++) c.items[i] = strdup(r.items[i]);
  return c;
}

static rows sqlite_rows(sqlite3 *db, const char *sql) {
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) fail_msg("sqlite: %s: %s", sql, sqlite3_errmsg(db));
  rows r = {NULL, 0};
  int capacity = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    char line[1024] = "";
    for (int c = 0; c < sqlite3_column_count(stmt); c++) {
      char value[256];
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL: snprintf(value, sizeof value, "NULL"); break;
        case SQLITE_INTEGER: snprintf(value, sizeof value, "%lld", (long long)sqlite3_column_int64(stmt, c)); break;
        case SQLITE_FLOAT: format_double(sqlite3_column_double(stmt, c), value, sizeof value); break;
        default: snprintf(value, sizeof value, "'%s'", (const char *)sqlite3_column_text(stmt, c)); break;
      }
      strncat(line, c ? "|" : "", sizeof line - strlen(line) - 1);
      strncat(line, value, sizeof line - strlen(line) - 1);
    }
    if (r.count == capacity) {
      capacity = capacity ? capacity * 2 : 64;
      r.items = realloc(r.items, (size_t)capacity * sizeof *r.items);
    }
    r.items[r.count++] = strdup(line);
  }
  sqlite3_finalize(stmt);
  return r;
}

static int64_t rows_compared;

/* Equal as lists (ordered) or as multisets. */
static void expect_same(rows ours, rows theirs, bool ordered, const char *what, uint64_t seed) {
  if (!ordered) {
    if (ours.count) qsort(ours.items, (size_t)ours.count, sizeof *ours.items, compare_strings);
    if (theirs.count) qsort(theirs.items, (size_t)theirs.count, sizeof *theirs.items, compare_strings);
  }
  if (ours.count != theirs.count) fail_msg("seed %llu: %s: %d rows, SQLite %d", (unsigned long long)seed, what, ours.count, theirs.count);
  for (int i = 0; i < ours.count; i++)
    if (strcmp(ours.items[i], theirs.items[i]) != 0)
      fail_msg("seed %llu: %s: row %d: ours %s, SQLite %s", (unsigned long long)seed, what, i, ours.items[i], theirs.items[i]);
  rows_compared += ours.count;
  rows_free(&ours);
  rows_free(&theirs);
}

/* The plan run on 1 to 4 threads: every run gives the 1-thread rows in the
 * same order (aggregation and keep-latest split keys over threads and must put
 * results back in input order), and those agree with SQLite. */
static void expect_same_on_every_thread_count(md_plan *plan, rows theirs, bool ordered, const char *what,
                                              uint64_t seed) {
  md_exec_options one = {.threads = 1};
  rows reference = run_rows(plan, &one);
  for (int threads = 2; threads <= 4; threads++) {
    md_exec_options options = {.threads = threads};
    char label[900];
    snprintf(label, sizeof label, "%s (%d threads against 1)", what, threads);
    expect_same(run_rows(plan, &options), rows_copy(reference), true, label, seed);
  }
  md_plan_free(plan);
  expect_same(reference, theirs, ordered, what, seed);
}

/* ------------------------------------------------------------ predicates */

static const char *const OPS[] = {"=", "<>", "<", "<=", ">", ">="};

static md_expr *compare_expr(int op, md_expr *a, md_expr *b) {
  switch (op) {
    case 0: return md_eq(a, b);
    case 1: return md_ne(a, b);
    case 2: return md_lt(a, b);
    case 3: return md_le(a, b);
    case 4: return md_gt(a, b);
    default: return md_ge(a, b);
  }
}

/* A random predicate over t1's columns, as an expression and as SQL. */
static md_expr *random_predicate(int depth, char *sql, size_t size) {
  int kind = depth > 0 ? (int)rnd(12) : (int)rnd(9);
  int op = (int)rnd(6);
  int64_t k = (int64_t)rnd(13) - 6;
  const char *str = STRINGS[rnd(6)];
  char left[512], right[512];
  md_expr *x, *y;
  switch (kind) {
    case 0: snprintf(sql, size, "(a %s %lld)", OPS[op], (long long)k); return compare_expr(op, md_col("a"), md_lit_int(k));
    case 1:
      if (rnd(2)) { /* literal first: the in-place compare flips the operator */
        snprintf(sql, size, "(%lld %s b)", (long long)(k + 8), OPS[op]);
        return compare_expr(op, md_lit_int(k + 8), md_col("b"));
      }
      snprintf(sql, size, "(b %s %lld)", OPS[op], (long long)(k + 8));
      return compare_expr(op, md_col("b"), md_lit_int(k + 8));
    case 2: snprintf(sql, size, "(s %s '%s')", OPS[op], str); return compare_expr(op, md_col("s"), md_lit_str(str));
    case 3:
      snprintf(sql, size, "(d %s %lld)", OPS[op], (long long)k * 1000);
      return compare_expr(op, md_col("d"), md_lit_decimal(k * 1000, 12, 2));
    case 4:
      snprintf(sql, size, "((a + b) %s %lld)", OPS[op], (long long)k);
      return compare_expr(op, md_add(md_col("a"), md_col("b")), md_lit_int(k));
    case 5:
      snprintf(sql, size, "((a * b - d) %s %lld)", OPS[op], (long long)k * 100);
      /* a*b is int64; minus decimal(12,2) cents: scale both to cents on the SQLite side. */
      snprintf(sql, size, "((a * b * 100 - d) %s %lld)", OPS[op], (long long)k * 100);
      return compare_expr(op, md_sub(md_mul(md_col("a"), md_col("b")), md_col("d")), md_lit_int(k));
    case 6:
      if (rnd(2)) {
        snprintf(sql, size, "(a IS NULL)");
        return md_is_null(md_col("a"));
      }
      snprintf(sql, size, "(s IS NOT NULL)");
      return md_is_not_null(md_col("s"));
    case 7:
      snprintf(sql, size, "(length(s) %s %lld)", OPS[op], (long long)(k < 0 ? -k : k) % 4);
      return compare_expr(op, md_length(md_col("s")), md_lit_int((k < 0 ? -k : k) % 4));
    case 8: {
      md_scalar set[2];
      memset(set, 0, sizeof set);
      const char *first = STRINGS[rnd(6)];
      for (int i = 0; i < 2; i++) {
        set[i].type = md_type_make(MD_TYPE_UTF8);
        set[i].v.bytes.ptr = (const uint8_t *)(i ? str : first);
        set[i].v.bytes.length = (int64_t)strlen(i ? str : first);
      }
      if (rnd(3) == 0) {
        snprintf(sql, size, "(upper(s) IN ('%s', '%s'))", first, str);
        return md_in_set(md_upper(md_col("s")), set, 2);
      }
      snprintf(sql, size, "(s IN ('%s', '%s'))", first, str);
      return md_in_set(md_col("s"), set, 2);
    }
    case 9:
      x = random_predicate(depth - 1, left, sizeof left);
      snprintf(sql, size, "(NOT %s)", left);
      return md_not(x);
    default:
      x = random_predicate(depth - 1, left, sizeof left);
      y = random_predicate(depth - 1, right, sizeof right);
      snprintf(sql, size, "(%s %s %s)", left, kind == 10 ? "AND" : "OR", right);
      return kind == 10 ? md_and(x, y) : md_or(x, y);
  }
}

/* ------------------------------------------------------------ queries */

static void check_filter(sqlite3 *db, const table *t1, uint64_t seed) {
  char where[4096], sql[4200];
  md_expr *predicate = random_predicate(3, where, sizeof where);
  snprintf(sql, sizeof sql, "SELECT id, a, b, s, d FROM t1 WHERE %s ORDER BY id", where);
  md_plan *plan = md_plan_filter(table_plan(t1, ""), predicate);
  expect_same(our_rows(plan), sqlite_rows(db, sql), true, sql, seed);
}

static void check_joins(sqlite3 *db, const table *t1, const table *t2, uint64_t seed) {
  bool two_keys = rnd(2);
  const char *lk[] = {"a", "s"}, *rk[] = {"a2", "s2"};
  const char *on = two_keys ? "t1.a = t2.a AND t1.s = t2.s" : "t1.a = t2.a";
  static const char *const kinds[] = {"JOIN", "LEFT JOIN", NULL, NULL, "FULL OUTER JOIN"};
  for (int type = MD_JOIN_INNER; type <= MD_JOIN_FULL; type++) {
    char sql[512];
    md_plan *join = md_plan_join(table_plan(t1, ""), table_plan(t2, "2"), (md_join_type)type, lk, rk, two_keys ? 2 : 1);
    md_plan *plan;
    if (type == MD_JOIN_SEMI || type == MD_JOIN_ANTI) {
      snprintf(sql, sizeof sql, "SELECT id, d FROM t1 WHERE %s EXISTS (SELECT 1 FROM t2 WHERE %s)",
               type == MD_JOIN_ANTI ? "NOT" : "", on);
      md_expr *exprs[] = {md_col("id"), md_col("d")};
      const char *names[] = {"id", "d"};
      plan = md_plan_project(join, exprs, names, 2);
    } else {
      snprintf(sql, sizeof sql, "SELECT t1.id, t2.id, t2.b FROM t1 %s t2 ON %s", kinds[type], on);
      md_expr *exprs[] = {md_col("id"), md_col("id2"), md_col("b2")};
      const char *names[] = {"id", "id2", "b2"};
      plan = md_plan_project(join, exprs, names, 3);
    }
    expect_same(our_rows(plan), sqlite_rows(db, sql), false, sql, seed);
  }
}

/* Key shapes chosen to reach every grouping path: none, one integer (int64
 * table), integers and strings (fixed words with string dictionaries), a
 * decimal with a string (byte encoding). Count distinct runs over integers
 * (packed pairs), integers beyond 32 bits (wide pairs), strings (dictionary
 * ids) and decimals (byte encoding). */
static void check_aggregates(sqlite3 *db, const table *t1, uint64_t seed) {
  static const char *const key_sets[][2] = {{"s", "b"}, {"a", NULL}, {NULL, NULL}, {"a", "b"}, {"d", "s"}, {"b", "a"}};
  static const int key_counts[] = {2, 1, 0, 2, 2, 2};
  int variant = (int)rnd(6);
  int num_keys = key_counts[variant];
  const char *const *keys = key_sets[variant];
  char group[64] = "", by[64] = "";
  if (num_keys > 0) {
    snprintf(group, sizeof group, "%s%s%s, ", keys[0], num_keys > 1 ? ", " : "", num_keys > 1 ? keys[1] : "");
    snprintf(by, sizeof by, " GROUP BY %s%s%s", keys[0], num_keys > 1 ? ", " : "", num_keys > 1 ? keys[1] : "");
  }
  md_agg aggs[] = {{MD_AGG_COUNT_ALL, NULL, "n"},      {MD_AGG_COUNT, "d", "nd"},   {MD_AGG_COUNT_DISTINCT, "s", "ds"},
                   {MD_AGG_SUM, "b", "sb"},            {MD_AGG_SUM, "d", "sd"},     {MD_AGG_MIN, "s", "mins"},
                   {MD_AGG_MAX, "d", "maxd"},          {MD_AGG_MEAN, "b", "avgb"},  {MD_AGG_MIN, "a", "mina"},
                   {MD_AGG_COUNT_DISTINCT, "a", "da"}, {MD_AGG_COUNT_DISTINCT, "b", "db"},
                   {MD_AGG_COUNT_DISTINCT, "big", "dbig"}, {MD_AGG_COUNT_DISTINCT, "d", "dd"}};
  char sql[768];
  snprintf(sql, sizeof sql,
           "SELECT %scount(*), count(d), count(DISTINCT s), sum(b), sum(d), min(s), max(d), avg(b), min(a), "
           "count(DISTINCT a), count(DISTINCT b), count(DISTINCT a * 3000000000 + b), count(DISTINCT d) FROM t1%s",
           group, by);
  /* big = a * 3e9 + b: distinct values that do not fit 32 bits. */
  md_expr *exprs[] = {md_col("id"), md_col("a"), md_col("b"), md_col("s"), md_col("d"),
                      md_add(md_mul(md_col("a"), md_lit_int(3000000000LL)), md_col("b"))};
  const char *names[] = {"id", "a", "b", "s", "d", "big"};
  md_plan *input = md_plan_project(table_plan(t1, ""), exprs, names, 6);
  md_plan *plan = md_plan_aggregate(input, (const char *const *)keys, num_keys, aggs, 13);
  expect_same_on_every_thread_count(plan, sqlite_rows(db, sql), false, sql, seed);
}

static void check_sort(sqlite3 *db, const table *t1, uint64_t seed) {
  bool desc = rnd(2), nulls_first = rnd(2);
  md_sort_key keys[] = {{"s", desc, nulls_first}, {"b", !desc, !nulls_first}};
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT id, s, b FROM t1 ORDER BY s %s NULLS %s, b %s NULLS %s, id", desc ? "DESC" : "ASC",
           nulls_first ? "FIRST" : "LAST", desc ? "ASC" : "DESC", nulls_first ? "LAST" : "FIRST");
  md_expr *exprs[] = {md_col("id"), md_col("s"), md_col("b")};
  const char *names[] = {"id", "s", "b"};
  md_plan *plan = md_plan_project(md_plan_sort(table_plan(t1, ""), keys, 2), exprs, names, 3);
  expect_same(our_rows(plan), sqlite_rows(db, sql), true, sql, seed);
}

/* Keys of one integer (a), integer and string words (a, s) and the byte
 * encoding (d, s); order values compared as int64 (b) and in place (decimal d,
 * string s). */
static void check_keep_latest(sqlite3 *db, const table *t1, uint64_t seed) {
  static const char *const key_sets[][2] = {{"a", "s"}, {"a", NULL}, {"d", "s"}};
  static const char *const orders[] = {"b", "d", "s"};
  int variant = (int)rnd(3);
  int num_keys = variant == 1 ? 1 : 2;
  const char *const *keys = key_sets[variant];
  const char *order = orders[rnd(3)];
  char sql[512];
  if (num_keys == 2)
    snprintf(sql, sizeof sql,
             "SELECT id, a, s, b FROM (SELECT *, row_number() OVER (PARTITION BY %s, %s ORDER BY %s DESC NULLS LAST, id "
             "DESC) AS rn FROM t1) WHERE rn = 1 OR %s IS NULL OR %s IS NULL ORDER BY id",
             keys[0], keys[1], order, keys[0], keys[1]);
  else
    snprintf(sql, sizeof sql,
             "SELECT id, a, s, b FROM (SELECT *, row_number() OVER (PARTITION BY %s ORDER BY %s DESC NULLS LAST, id "
             "DESC) AS rn FROM t1) WHERE rn = 1 OR %s IS NULL ORDER BY id",
             keys[0], order, keys[0]);
  md_expr *exprs[] = {md_col("id"), md_col("a"), md_col("s"), md_col("b")};
  const char *names[] = {"id", "a", "s", "b"};
  md_plan *plan = md_plan_project(md_plan_keep_latest(table_plan(t1, ""), (const char *const *)keys, num_keys, order),
                                  exprs, names, 4);
  expect_same_on_every_thread_count(plan, sqlite_rows(db, sql), true, sql, seed);
}

static void test_engine_agrees_with_sqlite_on_random_tables(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  int64_t input_rows = 0;
  for (uint64_t seed = 1; seed <= SEEDS; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ULL;
    static table t1, t2;
    random_table(&t1);
    random_table(&t2);
    input_rows += t1.rows + t2.rows;
    load_sqlite(db, &t1, "t1");
    load_sqlite(db, &t2, "t2");
    for (int i = 0; i < 4; i++) check_filter(db, &t1, seed);
    check_joins(db, &t1, &t2, seed);
    check_aggregates(db, &t1, seed);
    check_sort(db, &t1, seed);
    check_keep_latest(db, &t1, seed);
  }
  sqlite3_close(db);
  printf("differential: %d seeds, %lld input rows, %lld result rows compared\n", SEEDS, (long long)input_rows,
         (long long)rows_compared);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_engine_agrees_with_sqlite_on_random_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
