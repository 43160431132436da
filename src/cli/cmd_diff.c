/* cmd_diff.c — `medallion diff A B [--key COLS]`: are two tables equal under
 * PIPELINE.md §6? Multisets of rows over the columns not starting with '_';
 * floating-point values equal within a relative 1e-9, everything else exactly.
 * The tool for the parallel-run cutover check (old pipeline vs new).
 *
 * Both tables are sorted (key columns first) and merged; rows left over are
 * "only in A" / "only in B", and with --key, an A row and a B row with the same
 * key are reported as one changed row, column by column.
 * Exit status: 0 equal, 1 different, 2 error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/diff_table.h"

static const cli_option OPTIONS[] = {
    {"--key", "COLS", "comma-separated key columns: order the output and pair changed rows"},
    {"--limit", "N", "print at most N rows per kind of difference (default 100; 0: all)"},
    {"--libduckdb", "PATH", "libduckdb.so for FILE.duckdb:TABLE (default $MEDALLION_LIBDUCKDB, then the loader's path)"},
};
static const cli_command_spec SPEC = {
    "diff",
    "A B [--key COLS] [--limit N]",
    "Compare two tables as multisets of rows over the columns not starting with '_'\n"
    "(doubles within a relative 1e-9; decimals, dates and strings exactly) and print\n"
    "the rows only in A, only in B and, with --key, changed for a key.\n"
    "A and B: a Delta table directory, a Parquet file, FILE.sqlite:TABLE or FILE.duckdb:TABLE.\n"
    "Exit status: 0 equal, 1 different, 2 error.",
    OPTIONS,
    3,
    2,
    2,
};

typedef struct diff_view {
  const diff_table *table;
  int *column; /* view column k -> table column (key columns first) */
} diff_view;

static const diff_cell *cell(const diff_view *v, int64_t row, int k) {
  return &v->table->cells[row * v->table->num_columns + v->column[k]];
}

static bool as_number(const diff_cell *c, double *out) {
  if (c->kind == DIFF_FLOAT) {
    *out = c->number;
    return true;
  }
  char *end = NULL;
  *out = strtod(c->text, &end);
  return end != c->text && *end == '\0';
}

/* Order of two cells; 0 when equal under §6. */
static int cell_cmp(const diff_cell *a, const diff_cell *b) {
  if (a->kind == DIFF_NULL || b->kind == DIFF_NULL) return (a->kind != DIFF_NULL) - (b->kind != DIFF_NULL);
  if (a->kind == DIFF_FLOAT || b->kind == DIFF_FLOAT) {
    double x, y;
    bool nx = as_number(a, &x), ny = as_number(b, &y);
    if (!nx || !ny) return nx - ny; /* a number sorts before text */
    if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
    if (x == y || fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y))) return 0;
    return x < y ? -1 : 1;
  }
  return strcmp(a->text, b->text);
}

static int row_cmp(const diff_view *va, int64_t ra, const diff_view *vb, int64_t rb, int columns) {
  for (int k = 0; k < columns; k++) {
    int c = cell_cmp(cell(va, ra, k), cell(vb, rb, k));
    if (c) return c;
  }
  return 0;
}

/* A stable merge sort of row numbers (qsort has no context argument). */
static void merge_sort(const diff_view *v, int columns, int64_t *rows, int64_t *scratch, int64_t n) {
  if (n < 2) return;
  int64_t half = n / 2;
  merge_sort(v, columns, rows, scratch, half);
  merge_sort(v, columns, rows + half, scratch, n - half);
  int64_t i = 0, j = half, k = 0;
  while (i < half && j < n) scratch[k++] = row_cmp(v, rows[j], v, rows[i], columns) < 0 ? rows[j++] : rows[i++];
  while (i < half) scratch[k++] = rows[i++];
  while (j < n) scratch[k++] = rows[j++];
  memcpy(rows, scratch, (size_t)n * sizeof *rows);
}

static int64_t *sorted_rows(const diff_view *v, int columns) {
  int64_t n = v->table->num_rows;
  int64_t *rows = malloc(((size_t)n + 1) * sizeof *rows), *scratch = malloc(((size_t)n + 1) * sizeof *scratch);
  if (!rows || !scratch) {
    free(rows);
    free(scratch);
    return NULL;
  }
  for (int64_t r = 0; r < n; r++) rows[r] = r;
  merge_sort(v, columns, rows, scratch, n);
  free(scratch);
  return rows;
}

static void print_row(const diff_view *v, int64_t row, int columns, const char *prefix) {
  printf("%s", prefix);
  for (int k = 0; k < columns; k++) {
    const diff_cell *c = cell(v, row, k);
    printf("%s%s=%s", k ? ", " : "", v->table->names[v->column[k]], c->kind == DIFF_NULL ? "null" : c->text);
  }
  printf("\n");
}

static void print_changed(const diff_view *va, int64_t ra, const diff_view *vb, int64_t rb, int columns, int keys) {
  printf("~ ");
  for (int k = 0; k < keys; k++) printf("%s%s=%s", k ? ", " : "", va->table->names[va->column[k]], cell(va, ra, k)->text ? cell(va, ra, k)->text : "null");
  printf(":");
  for (int k = keys; k < columns; k++) {
    const diff_cell *a = cell(va, ra, k), *b = cell(vb, rb, k);
    if (cell_cmp(a, b) == 0) continue;
    printf(" %s: %s -> %s;", va->table->names[va->column[k]], a->kind == DIFF_NULL ? "null" : a->text,
           b->kind == DIFF_NULL ? "null" : b->text);
  }
  printf("\n");
}

static int find_column(const diff_table *t, const char *name, size_t length) {
  for (int i = 0; i < t->num_columns; i++)
    if (strlen(t->names[i]) == length && strncmp(t->names[i], name, length) == 0) return i;
  return -1;
}

/* Key columns first (in --key order), then A's other columns; B follows A's names. */
static int build_views(const diff_table *a, const diff_table *b, const char *keys, diff_view *va, diff_view *vb,
                       int *num_keys) {
  int n = a->num_columns;
  va->table = a;
  vb->table = b;
  va->column = calloc((size_t)n + 1, sizeof *va->column);
  vb->column = calloc((size_t)n + 1, sizeof *vb->column);
  if (!va->column || !vb->column) return cli_fail("diff: out of memory") + 1;
  int k = 0;
  for (const char *p = keys; p && *p;) {
    size_t len = strcspn(p, ",");
    int i = find_column(a, p, len);
    if (i < 0) return cli_fail("diff: --key: no column '%.*s' in A", (int)len, p) + 1;
    for (int j = 0; j < k; j++)
      if (va->column[j] == i) return cli_fail("diff: --key: column '%.*s' given twice", (int)len, p) + 1;
    va->column[k++] = i;
    p += len + (p[len] == ',');
  }
  *num_keys = k;
  for (int i = 0; i < n; i++) {
    bool is_key = false;
    for (int j = 0; j < *num_keys; j++) is_key |= va->column[j] == i;
    if (!is_key) va->column[k++] = i;
  }
  for (int j = 0; j < n; j++) vb->column[j] = find_column(b, a->names[va->column[j]], strlen(a->names[va->column[j]]));
  return 0;
}

/* Same column names on both sides? Prints the difference when not. */
static bool same_columns(const diff_table *a, const diff_table *b) {
  bool same = a->num_columns == b->num_columns;
  for (int i = 0; i < a->num_columns; i++)
    if (find_column(b, a->names[i], strlen(a->names[i])) < 0) {
      printf("column %s only in A\n", a->names[i]);
      same = false;
    }
  for (int i = 0; i < b->num_columns; i++)
    if (find_column(a, b->names[i], strlen(b->names[i])) < 0) {
      printf("column %s only in B\n", b->names[i]);
      same = false;
    }
  return same;
}

typedef struct leftovers {
  int64_t *rows;
  int64_t count;
} leftovers;

static int compare(const diff_view *va, const diff_view *vb, int keys, int64_t limit) {
  int columns = va->table->num_columns;
  int64_t *ra = sorted_rows(va, columns), *rb = sorted_rows(vb, columns);
  leftovers only_a = {malloc(((size_t)va->table->num_rows + 1) * sizeof(int64_t)), 0};
  leftovers only_b = {malloc(((size_t)vb->table->num_rows + 1) * sizeof(int64_t)), 0};
  if (!ra || !rb || !only_a.rows || !only_b.rows) {
    free(ra), free(rb), free(only_a.rows), free(only_b.rows);
    return cli_fail("diff: out of memory") + 1;
  }
  int64_t i = 0, j = 0, na = va->table->num_rows, nb = vb->table->num_rows;
  while (i < na || j < nb) {
    int c = i >= na ? 1 : j >= nb ? -1 : row_cmp(va, ra[i], vb, rb[j], columns);
    if (c == 0) i++, j++;
    else if (c < 0) only_a.rows[only_a.count++] = ra[i++];
    else only_b.rows[only_b.count++] = rb[j++];
  }
  /* With a key, leftovers with equal keys are one changed row (both lists are in key order). */
  int64_t changed = 0, printed_changed = 0, removed = 0, added = 0;
  int64_t x = 0, y = 0;
  leftovers rest_a = {ra, 0}, rest_b = {rb, 0}; /* reuse the sort arrays */
  while (x < only_a.count || y < only_b.count) {
    int c = !keys ? (x < only_a.count ? -1 : 1)
            : x >= only_a.count ? 1
            : y >= only_b.count ? -1
                                : row_cmp(va, only_a.rows[x], vb, only_b.rows[y], keys);
    if (c == 0) {
      if (!limit || printed_changed < limit) print_changed(va, only_a.rows[x], vb, only_b.rows[y], columns, keys);
      printed_changed++;
      changed++;
      x++, y++;
    } else if (c < 0) {
      rest_a.rows[rest_a.count++] = only_a.rows[x++];
    } else {
      rest_b.rows[rest_b.count++] = only_b.rows[y++];
    }
  }
  for (int64_t k = 0; k < rest_a.count; k++, removed++)
    if (!limit || k < limit) print_row(va, rest_a.rows[k], columns, "- ");
  for (int64_t k = 0; k < rest_b.count; k++, added++)
    if (!limit || k < limit) print_row(vb, rest_b.rows[k], columns, "+ ");
  printf("A: %lld rows, B: %lld rows; %lld only in A (-), %lld only in B (+)%s", (long long)na, (long long)nb,
         (long long)removed, (long long)added, keys ? "" : "\n");
  if (keys) printf(", %lld changed (~)\n", (long long)changed);
  free(ra), free(rb), free(only_a.rows), free(only_b.rows);
  return removed || added || changed ? 1 : 0;
}

int cmd_diff(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&SPEC, argc, argv, &args);
  if (parsed == CLI_HELP_SHOWN) return 0;
  if (parsed == CLI_FAILED) return 2;
  int64_t limit = 100;
  if (args.values[1] && !cli_parse_count("diff", "--limit", args.values[1], 0, &limit)) return 2;
  const char *libduckdb = args.values[2] ? args.values[2] : getenv("MEDALLION_LIBDUCKDB");
  diff_table a, b;
  char message[1024];
  if (!diff_table_load(args.positional[0], libduckdb, &a, message, sizeof message))
    return cli_fail("diff: %s", message) + 1;
  if (!diff_table_load(args.positional[1], libduckdb, &b, message, sizeof message)) {
    diff_table_free(&a);
    return cli_fail("diff: %s", message) + 1;
  }
  int status;
  if (!same_columns(&a, &b)) {
    printf("A and B have different columns\n");
    status = 1;
  } else {
    diff_view va = {0}, vb = {0};
    int keys = 0;
    status = build_views(&a, &b, args.values[0], &va, &vb, &keys);
    if (status == 0) status = compare(&va, &vb, keys, limit);
    free(va.column);
    free(vb.column);
  }
  diff_table_free(&a);
  diff_table_free(&b);
  return status;
}
