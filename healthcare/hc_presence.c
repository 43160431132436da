/* hc_presence.c — how a presence lookup on a large table moved between two
 * of its versions, read from the files that changed instead of a distinct
 * over every row of both versions (bill_payments: "the bill has a line in
 * silver/billing", 10M lines for 3M bills at scale 10).
 *
 * Incremental silver writes only add files and grow deletion vectors, so
 * the rows gained are those of files the old version lacks and the rows lost
 * are those of files the new version lacks plus the positions a grown
 * deletion vector now hides. Their codes are the only ones whose presence
 * can have changed ("touched"). One scan of the code column of the latest
 * version then counts the live rows of the touched codes and of the codes
 * the caller asks about; the old count of a touched code is the new one
 * minus the rows it gained plus those it lost. A file of both versions whose
 * deletion vector shrank (rows came back: a restore) is not decided here:
 * the caller falls back to comparing the versions whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_internal.h"
#include "hc_key_set.h"

enum { TOUCHED = 1, WANTED = 2 };

/* The codes seen, by key id, with their row counts. */
typedef struct presence {
  hc_key_set *set;
  const char *code;
  md_column *codes; /* value of each key id */
  int64_t *gained, *lost, *now;
  int64_t cap;
} presence;

static md_code ensure_ids(presence *p, md_error *err) {
  int64_t need = hc_key_set_count(p->set);
  if (need <= p->cap) return MD_OK;
  int64_t cap = p->cap ? p->cap : 1024;
  while (cap < need) cap *= 2;
  int64_t **arrays[3] = {&p->gained, &p->lost, &p->now};
  for (int i = 0; i < 3; i++) {
    int64_t *g = realloc(*arrays[i], (size_t)cap * sizeof *g);
    if (!g) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    memset(g + p->cap, 0, (size_t)(cap - p->cap) * sizeof *g);
    *arrays[i] = g;
  }
  p->cap = cap;
  return MD_OK;
}

/* Adds the codes of the rows of batch (all when rows is NULL) with flag;
 * counts[id] (may be NULL) grows by one per row. */
static md_code track(presence *p, const md_batch *batch, const int64_t *rows, int64_t n, unsigned flag,
                     int64_t **counts, md_error *err) {
  md_batch *picked = NULL;
  md_code rc = MD_OK;
  if (rows) {
    int at = md_schema_find(md_batch_schema(batch), p->code);
    md_column *c = md_column_new(md_column_type(md_batch_column(batch, at)));
    md_schema *s = md_schema_new();
    md_field *f = md_field_new(p->code, md_column_type(md_batch_column(batch, at)), true);
    rc = c && s && f ? md_schema_add(s, f, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc != MD_OK && !s) md_field_free(f);
    if (rc == MD_OK) rc = md_column_append_rows(c, md_batch_column(batch, at), rows, n, err);
    if (rc == MD_OK) {
      rc = md_batch_new(s, &c, 1, &picked, err);
      s = NULL;
      c = NULL;
    }
    md_schema_free(s);
    md_column_free(c);
    batch = picked;
  }
  int64_t len = rc == MD_OK ? md_batch_num_rows(batch) : 0;
  int64_t *ids = rc == MD_OK ? malloc((size_t)len * sizeof *ids + 1) : NULL;
  if (rc == MD_OK && !ids) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int64_t before = rc == MD_OK ? hc_key_set_count(p->set) : 0;
  if (rc == MD_OK) rc = hc_key_set_add(p->set, batch, &p->code, 1, flag, NULL, ids, err);
  if (rc == MD_OK) rc = ensure_ids(p, err);
  const md_column *col = rc == MD_OK ? md_batch_column(batch, md_schema_find(md_batch_schema(batch), p->code)) : NULL;
  if (rc == MD_OK && !p->codes && !(p->codes = md_column_new(md_column_type(col))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int64_t r = 0; rc == MD_OK && r < len; r++) {
    if (ids[r] < 0) continue;
    if (counts) (*counts)[ids[r]]++;
    /* Ids come in order: a key new to the set is the next id. */
    if (ids[r] == before) {
      rc = md_column_append_rows(p->codes, col, &r, 1, err);
      before++;
    }
  }
  free(ids);
  md_batch_free(picked);
  return rc;
}

/* Every live row of file f of scan (codes, and positions when the scan has
 * them) through fn. */
typedef md_code (*file_fn)(presence *p, const md_batch *b, void *arg, md_error *err);
static md_code each_group(const md_delta_scan *scan, int64_t f, presence *p, file_fn fn, void *arg, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open(md_delta_scan_file_path(scan, f), &reader, err);
  for (int g = 0; rc == MD_OK && g < md_parquet_reader_num_row_groups(reader); g++) {
    md_batch *b = NULL;
    rc = md_delta_scan_read(scan, f, reader, g, &b, err);
    if (rc == MD_OK) rc = fn(p, b, arg, err);
    md_batch_free(b);
  }
  md_parquet_reader_free(reader);
  return rc;
}

static md_code gained_rows(presence *p, const md_batch *b, void *arg, md_error *err) {
  (void)arg;
  return track(p, b, NULL, 0, TOUCHED, &p->gained, err);
}

static md_code lost_rows(presence *p, const md_batch *b, void *arg, md_error *err) {
  (void)arg;
  return track(p, b, NULL, 0, TOUCHED, &p->lost, err);
}

/* The positions a file keeps in the new version, ascending. */
typedef struct positions {
  int64_t *at;
  int64_t n, cap, next; /* next: the walk's place while the old rows pass */
  bool shrank;          /* a kept position the old version did not have */
} positions;

static md_code collect_positions(presence *p, const md_batch *b, void *arg, md_error *err) {
  (void)p;
  positions *k = arg;
  int64_t n = md_batch_num_rows(b);
  if (k->n + n > k->cap) {
    int64_t cap = k->cap ? k->cap : 4096;
    while (cap < k->n + n) cap *= 2;
    int64_t *g = realloc(k->at, (size_t)cap * sizeof *g);
    if (!g) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    k->at = g;
    k->cap = cap;
  }
  memcpy(k->at + k->n, md_column_values(md_batch_column(b, md_batch_num_columns(b) - 1)), (size_t)n * sizeof *k->at);
  k->n += n;
  return MD_OK;
}

/* Old live rows (code, position) the new version no longer keeps. */
static md_code dropped_rows(presence *p, const md_batch *b, void *arg, md_error *err) {
  positions *k = arg;
  int64_t n = md_batch_num_rows(b), *rows = malloc((size_t)n * sizeof *rows + 1), m = 0;
  if (!rows) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  const int64_t *pos = md_column_values(md_batch_column(b, md_batch_num_columns(b) - 1));
  for (int64_t r = 0; r < n; r++) {
    while (k->next < k->n && k->at[k->next] < pos[r]) {
      k->shrank = true; /* kept, yet not live before */
      k->next++;
    }
    if (k->next < k->n && k->at[k->next] == pos[r]) k->next++;
    else rows[m++] = r;
  }
  md_code rc = m ? track(p, b, rows, m, TOUCHED, &p->lost, err) : MD_OK;
  free(rows);
  return rc;
}

static md_code count_now(presence *p, const md_batch *b, void *arg, md_error *err) {
  (void)arg;
  int64_t n = md_batch_num_rows(b), *ids = malloc((size_t)n * sizeof *ids + 1);
  if (!ids) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = hc_key_set_find(p->set, b, &p->code, 1, NULL, ids, err);
  for (int64_t r = 0; rc == MD_OK && r < n; r++)
    if (ids[r] >= 0) p->now[ids[r]]++;
  free(ids);
  return rc;
}

/* Pass one: the touched codes, from the files that differ. */
static md_code diff_files(presence *p, const md_delta_snapshot *s0, const md_delta_snapshot *s1, bool *decided,
                          md_error *err) {
  md_delta_scan *old = NULL, *gained = NULL, *kept = NULL;
  const char *const none[1] = {NULL};
  md_code rc = md_delta_scan_new(s0, &p->code, 1, &old, err);
  if (rc == MD_OK) rc = md_delta_scan_add_row_positions(old, "_pos", err);
  if (rc == MD_OK) rc = md_delta_scan_new(s1, &p->code, 1, &gained, err);
  /* No data column: the new version's positions cost only its deletion vectors. */
  if (rc == MD_OK) rc = md_delta_scan_new(s1, none, 0, &kept, err);
  if (rc == MD_OK) rc = md_delta_scan_add_row_positions(kept, "_pos", err);
  int64_t n0 = md_delta_snapshot_num_files(s0), n1 = md_delta_snapshot_num_files(s1), i = 0, j = 0;
  while (rc == MD_OK && *decided && (i < n0 || j < n1)) {
    md_delta_file_info a = {0}, b = {0};
    if (i < n0) rc = md_delta_snapshot_file(s0, i, &a, err);
    if (rc == MD_OK && j < n1) rc = md_delta_snapshot_file(s1, j, &b, err);
    if (rc) break;
    int c = i >= n0 ? 1 : j >= n1 ? -1 : strcmp(a.path, b.path);
    if (c < 0) {
      rc = each_group(old, i++, p, lost_rows, NULL, err);
    } else if (c > 0) {
      rc = each_group(gained, j++, p, gained_rows, NULL, err);
    } else if (a.has_deletion_vector == b.has_deletion_vector && a.num_deleted_rows == b.num_deleted_rows) {
      /* Deletion vectors only grow: the same count is the same rows. */
      i++;
      j++;
    } else {
      positions k = {0};
      rc = each_group(kept, j++, p, collect_positions, &k, err);
      if (rc == MD_OK) rc = each_group(old, i++, p, dropped_rows, &k, err);
      if (k.shrank || k.next < k.n) *decided = false;
      free(k.at);
    }
  }
  md_delta_scan_free(old);
  md_delta_scan_free(gained);
  md_delta_scan_free(kept);
  return rc;
}

static md_code one_column_batch(const char *name, md_column *c, md_batch **out, md_error *err) {
  md_schema *s = md_schema_new();
  md_field *f = md_field_new(name, md_column_type(c), true);
  md_code rc = s && f ? md_schema_add(s, f, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc != MD_OK && !s) md_field_free(f);
  if (rc == MD_OK) return md_batch_new(s, &c, 1, out, err);
  md_schema_free(s);
  md_column_free(c);
  return rc;
}

/* The outputs: the changed codes with _was_known, and the present codes. */
static md_code results(presence *p, const char *column, md_batch **changed, bool *removed, md_batch **present,
                       md_error *err) {
  int64_t n = hc_key_set_count(p->set);
  int64_t *pick_changed = malloc((size_t)n * sizeof(int64_t) + 1), *pick_present = malloc((size_t)n * sizeof(int64_t) + 1);
  md_type type = p->codes ? md_column_type(p->codes) : md_type_make(MD_TYPE_INT64);
  md_column *cc = md_column_new(type), *was = md_column_new(md_type_make(MD_TYPE_BOOL)), *pc = md_column_new(type);
  md_code rc = pick_changed && pick_present && cc && was && pc ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int64_t nc = 0, np = 0;
  *removed = false;
  for (int64_t id = 0; rc == MD_OK && id < n; id++) {
    /* A touched code's old count follows from its new one. */
    bool is = p->now[id] > 0, was_there = p->now[id] - p->gained[id] + p->lost[id] > 0;
    bool touched = p->gained[id] > 0 || p->lost[id] > 0;
    if (is) pick_present[np++] = id;
    if (!touched || is == was_there) continue;
    pick_changed[nc++] = id;
    rc = md_column_append_bool(was, was_there, err);
    if (was_there && !is) *removed = true;
  }
  if (rc == MD_OK && nc > 0) rc = md_column_append_rows(cc, p->codes, pick_changed, nc, err);
  if (rc == MD_OK && np > 0) rc = md_column_append_rows(pc, p->codes, pick_present, np, err);
  if (rc == MD_OK) {
    md_schema *s = md_schema_new();
    md_field *f1 = md_field_new(column, type, true), *f2 = md_field_new("_was_known", md_type_make(MD_TYPE_BOOL), false);
    rc = s && f1 && f2 ? md_schema_add(s, f1, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = md_schema_add(s, f2, err);
    else md_field_free(f2);
    if (rc != MD_OK && !s) md_field_free(f1);
    md_column *cols[2] = {cc, was};
    if (rc == MD_OK) rc = md_batch_new(s, cols, 2, changed, err);
    else md_schema_free(s);
    if (rc != MD_OK && !*changed) {
      md_column_free(cc);
      md_column_free(was);
    }
    cc = was = NULL;
  }
  if (rc == MD_OK) {
    rc = one_column_batch(column, pc, present, err);
    pc = NULL;
  }
  md_column_free(cc);
  md_column_free(was);
  md_column_free(pc);
  free(pick_changed);
  free(pick_present);
  return rc;
}

md_code hc_presence_changes(const hc_config *cfg, const hc_lookup_dep *dep, int64_t was,
                            const md_batch *wanted, md_batch **changed, bool *removed, md_batch **present,
                            bool *decided, md_error *err) {
  char path[HC_PATH_MAX];
  md_delta_table *t = NULL;
  md_delta_snapshot *s0 = NULL, *s1 = NULL;
  md_delta_scan *scan = NULL;
  presence p = {.code = dep->code};
  *changed = *present = NULL;
  *decided = true;
  md_code rc = snprintf(path, sizeof path, "%s/%s", cfg->home, dep->table) >= (int)sizeof path
                   ? md_error_set(err, MD_ERR_INVALID, "path too long")
                   : md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, was, &s0, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, -1, &s1, err);
  if (rc == MD_OK && !md_schema_equal(md_delta_snapshot_schema(s0), md_delta_snapshot_schema(s1))) *decided = false;
  if (rc == MD_OK && *decided && !(p.set = hc_key_set_new())) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK && *decided) rc = diff_files(&p, s0, s1, decided, err);
  /* The caller's codes are named like its column; the set knows the lookup's name. */
  if (rc == MD_OK && *decided && wanted) {
    md_batch *renamed = NULL;
    const md_schema *ts = md_delta_snapshot_schema(s1);
    int at = md_schema_find(md_batch_schema(wanted), dep->column), code_at = md_schema_find(ts, dep->code);
    /* One type for the codes kept (p.codes): else compare the versions whole. */
    if (at < 0 || code_at < 0 ||
        !md_type_equal(md_column_type(md_batch_column(wanted, at)), md_field_type(md_schema_field(ts, code_at))))
      *decided = false;
    if (*decided) rc = one_column_batch(dep->code, md_column_ref(md_batch_column(wanted, at)), &renamed, err);
    if (rc == MD_OK && *decided) rc = track(&p, renamed, NULL, 0, WANTED, NULL, err);
    md_batch_free(renamed);
  }
  /* Pass two: the live rows of the latest version, counted per code seen. */
  if (rc == MD_OK && *decided && hc_key_set_count(p.set) > 0) {
    rc = md_delta_scan_new(s1, &p.code, 1, &scan, err);
    for (int64_t f = 0; rc == MD_OK && f < md_delta_snapshot_num_files(s1); f++)
      rc = each_group(scan, f, &p, count_now, NULL, err);
  }
  if (rc == MD_OK && *decided) rc = results(&p, dep->column, changed, removed, present, err);
  if (rc != MD_OK) md_error_context(err, "%s", dep->table);
  if (rc != MD_OK || !*decided) {
    md_batch_free(*changed);
    md_batch_free(*present);
    *changed = *present = NULL;
  }
  md_delta_scan_free(scan);
  hc_key_set_free(p.set);
  md_column_free(p.codes);
  free(p.gained);
  free(p.lost);
  free(p.now);
  md_delta_snapshot_free(s0);
  md_delta_snapshot_free(s1);
  md_delta_table_free(t);
  return rc;
}
