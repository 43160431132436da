/* silver_incremental.c — the rows a keyed silver table must recompute in an
 * incremental run, and merging them into the stored silver and rejects tables.
 *
 * Bronze only ever gains rows past the watermark, strictly newer than every
 * row before them, so for a key that appears among the new bronze rows the
 * latest new row wins outright and older rows need not be read. Besides those
 * keys, a change of a lookup table (tariff codes, PMB conditions) changes
 * the rows whose code changed there (PIPELINE.md §6): they are rebuilt from
 * the stored silver or rejects row, which holds the normalised source columns
 * with PATIENT_KEY in place of PATIENT_NR, so validation runs on "keyed" rows
 * where PATIENT_NR already holds the key. A lookup may also be a silver table
 * used for presence (bill_payments: a bill with a line in silver/billing);
 * its changed codes come from the files that changed (hc_presence.c), or
 * when those cannot tell, from its code column read distinct. Whatever this cannot decide safely
 * (bronze rewritten, its schema evolved, an input whose change touches
 * unknown rows, a code leaving a lookup that decides validity while rejects
 * hold columns silver lacks, history vacuumed) falls back to the full
 * recompute: correctness first.
 *
 * Writing: the rejects table is small and is rewritten. Silver is not read
 * whole: only its key columns and each row's physical position, per file,
 * each key probed in a hash set of the recomputed ones (hc_key_set.h);
 * the rows whose key was recomputed are marked deleted with deletion vectors
 * and the recomputed rows appended, in one commit (md_delta_delete_and_append;
 * new rows land in their SERVICE_MONTH partitions as new files). A lookup
 * change reads, file by file, the code column of silver and whole only the
 * files holding a changed code, and writes the same way; only new columns
 * (schema evolution) take the older path of merging with the stored silver
 * and rewriting touched partitions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_internal.h"
#include "hc_key_set.h"

void hc_silver_input_free(hc_silver_input *in) {
  md_batch_free(in->rows);
  for (int i = 0; i < in->num_row_batches; i++) md_batch_free(in->row_batches[i]);
  free(in->row_batches);
  md_batch_free(in->old_silver);
  md_batch_free(in->old_rejects);
  md_batch_free(in->present);
  memset(in, 0, sizeof *in);
}

static md_code open_version(const char *path, int64_t version, md_delta_table **t, md_delta_snapshot **s,
                            md_error *err) {
  md_code rc = md_delta_table_open(path, t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(*t, version, s, err);
  return rc;
}

/* Rows of the files of `now` that `before` lacks; false when `before` has a
 * file `now` lacks (the table was rewritten, not appended to). */
static md_code appended_rows(const md_delta_snapshot *before, const md_delta_snapshot *now, md_batch **out,
                             bool *append_only, md_error *err) {
  *append_only = false;
  int64_t nb = md_delta_snapshot_num_files(before), nn = md_delta_snapshot_num_files(now), i = 0, j = 0;
  bool *is_new = calloc((size_t)nn + 1, sizeof *is_new);
  if (!is_new) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  md_code rc = MD_OK;
  /* Both lists are sorted by path. */
  while (rc == MD_OK && i < nb) {
    md_delta_file_info a, b;
    rc = md_delta_snapshot_file(before, i, &a, err);
    if (rc == MD_OK && j >= nn) break;
    if (rc == MD_OK) rc = md_delta_snapshot_file(now, j, &b, err);
    if (rc) break;
    int c = strcmp(a.path, b.path);
    if (c == 0) {
      i++;
      j++;
    } else if (c > 0) {
      is_new[j++] = true;
    } else {
      break; /* a file of `before` is gone */
    }
  }
  if (rc == MD_OK && i == nb) {
    *append_only = true;
    for (; j < nn; j++) is_new[j] = true;
  }
  md_delta_scan *scan = NULL;
  md_batch **batches = NULL;
  int count = 0;
  if (rc == MD_OK && *append_only) rc = md_delta_scan_new(now, NULL, -1, &scan, err);
  for (int64_t f = 0; rc == MD_OK && *append_only && f < nn; f++) {
    if (!is_new[f]) continue;
    md_parquet_reader *reader = NULL;
    rc = md_parquet_reader_open(md_delta_scan_file_path(scan, f), &reader, err);
    for (int g = 0; rc == MD_OK && g < md_parquet_reader_num_row_groups(reader); g++) {
      md_batch *b = NULL;
      md_batch **grown = realloc(batches, ((size_t)count + 1) * sizeof *grown);
      if (!grown) {
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      batches = grown;
      rc = md_delta_scan_read(scan, f, reader, g, &b, err);
      if (rc == MD_OK) batches[count++] = b;
    }
    md_parquet_reader_free(reader);
  }
  if (rc == MD_OK && *append_only) {
    if (count == 0) rc = hc_empty_batch(md_delta_snapshot_schema(now), out, err);
    else rc = md_batch_concat(md_batch_schema(batches[0]), batches, count, out, err);
  }
  for (int k = 0; k < count; k++) md_batch_free(batches[k]);
  free(batches);
  md_delta_scan_free(scan);
  free(is_new);
  return rc;
}

/* normalise → keep latest per key → PATIENT_NR replaced by its key. */
static md_code keyed_latest(const hc_config *cfg, md_batch *bronze, const hc_silver_source *src, md_batch **out,
                            md_error *err) {
  md_batch *norm = NULL;
  md_code rc = hc_collect(md_plan_keep_latest(hc_normalise(bronze), src->keys, src->num_keys, "UPDATED_AT"), &norm, err);
  if (rc) return rc;
  const md_schema *s = md_batch_schema(norm);
  int n = md_schema_num_fields(s);
  md_expr **e = calloc((size_t)n + 1, sizeof *e);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  if (!e || !names) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; rc == MD_OK && i < n; i++) {
    names[i] = md_field_name(md_schema_field(s, i));
    e[i] = strcmp(names[i], "PATIENT_NR") == 0 ? md_hmac_sha256_hex(md_col(names[i]), cfg->key, cfg->key_length)
                                                : md_col(names[i]);
  }
  if (rc == MD_OK) rc = hc_collect(md_plan_project(hc_scan(norm), e, names, n), out, err);
  free(e);
  free(names);
  md_batch_free(norm);
  return rc;
}

/* The distinct non-null codes of one version (-1: the latest) of a lookup
 * table with their value named value_as (true when the table is used for
 * presence only) and a marker column named marker. Only those columns are
 * read: the lookup may be a large silver table (bill_payments looks up
 * silver/billing's BILL_ID). */
static md_code lookup_codes(const char *path, int64_t version, const hc_lookup_dep *dep, const char *value_as,
                            const char *marker, md_batch **out, md_error *err) {
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_plan *scan = NULL;
  md_code rc = open_version(path, version, &t, &s, err);
  if (rc == MD_OK) rc = md_plan_scan_delta(s, &scan, err);
  if (rc == MD_OK) {
    const char *code = dep->code;
    md_expr *e[2] = {md_col(code), dep->value ? md_col(dep->value) : md_lit_bool(true)};
    const char *n[2] = {code, "_value"};
    /* Codes are unique in a reference table, so MIN is the value itself. */
    md_agg agg = dep->value ? (md_agg){MD_AGG_MIN, "_value", "_value"} : (md_agg){MD_AGG_COUNT_ALL, NULL, "_n"};
    md_plan *p = md_plan_filter(md_plan_project(scan, e, n, 2), md_is_not_null(md_col(code)));
    p = md_plan_aggregate(p, &code, 1, &agg, 1);
    md_expr *f[3] = {md_col(code), dep->value ? md_col("_value") : md_lit_bool(true), md_lit_bool(true)};
    const char *fn[3] = {code, value_as, marker};
    scan = NULL;
    rc = hc_collect(md_plan_project(p, f, fn, 3), out, err);
  }
  md_plan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return rc;
}

/* Codes whose presence or value differs between two versions of a lookup
 * table, as a batch of the code column (named like this table's column) and
 * _was_known (the code was in the old version); *removed is set when a code
 * left the table. */
static md_code changed_codes(const hc_config *cfg, const hc_lookup_dep *dep, int64_t old_version, md_batch **out,
                             bool *removed, md_error *err) {
  char path[HC_PATH_MAX];
  md_batch *old = NULL, *now = NULL;
  md_code rc = snprintf(path, sizeof path, "%s/%s", cfg->home, dep->table) >= (int)sizeof path
                   ? md_error_set(err, MD_ERR_INVALID, "path too long")
                   : lookup_codes(path, old_version, dep, "_v", "_in_old", &old, err);
  if (rc == MD_OK) rc = lookup_codes(path, -1, dep, "_w", "_in_new", &now, err);
  /* A full outer join on the code: a side missing, or a differing value,
   * marks the code as changed. */
  if (rc == MD_OK) {
    const char *code = dep->code;
    md_plan *p = md_plan_join(hc_scan(old), hc_scan(now), MD_JOIN_FULL, &code, &code, 1);
    md_expr *diff = md_or(md_or(md_is_null(md_col("_v")), md_is_null(md_col("_w"))),
                          md_not(md_eq(md_col("_v"), md_col("_w"))));
    md_batch *changed = NULL;
    rc = hc_collect(md_plan_filter(p, diff), &changed, err);
    if (rc == MD_OK) {
      md_batch *gone = NULL;
      rc = hc_collect(md_plan_filter(hc_scan(changed), md_is_null(md_col("_in_new"))), &gone, err);
      *removed = rc == MD_OK && md_batch_num_rows(gone) > 0;
      md_batch_free(gone);
      md_expr *c[2] = {md_col(code), md_is_not_null(md_col("_in_old"))};
      const char *cn[2] = {dep->column, "_was_known"};
      if (rc == MD_OK) rc = hc_collect(md_plan_project(hc_scan(changed), c, cn, 2), out, err);
    }
    md_batch_free(changed);
  }
  md_batch_free(old);
  md_batch_free(now);
  return rc;
}

/* A stored silver or rejects row back in keyed source form: the source
 * columns in source order, PATIENT_NR holding PATIENT_KEY, columns that
 * silver dropped as null (only rows that stay in silver come from silver). */
static md_plan *keyed_from_stored(md_plan *stored, const md_schema *stored_schema, const md_schema *source) {
  int n = md_schema_num_fields(source);
  md_expr **e = calloc((size_t)n + 1, sizeof *e);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  if (!e || !names) {
    free(e);
    free(names);
    md_plan_free(stored);
    return NULL;
  }
  for (int i = 0; i < n; i++) {
    const md_field *f = md_schema_field(source, i);
    names[i] = md_field_name(f);
    const char *from = strcmp(names[i], "PATIENT_NR") == 0 ? "PATIENT_KEY" : names[i];
    e[i] = md_schema_find(stored_schema, from) >= 0 ? md_cast(md_col(from), md_field_type(f))
                                                    : md_lit_null(md_field_type(f));
  }
  md_plan *p = md_plan_project(stored, e, names, n);
  free(e);
  free(names);
  return p;
}

/* The stored rows whose lookup column is among the changed codes. Rows with a
 * null key part are left alone: key_missing rejects them whatever the codes. */
static md_plan *stored_with_codes(md_batch *stored, md_batch *codes, const char *column, const hc_silver_source *src,
                                  const md_schema *source) {
  const char *const *keys = src->silver_keys ? src->silver_keys : src->keys;
  md_expr *has_key = md_is_not_null(md_col(keys[0]));
  for (int i = 1; i < src->num_keys; i++) has_key = md_and(has_key, md_is_not_null(md_col(keys[i])));
  md_plan *p = md_plan_join(md_plan_filter(hc_scan(stored), has_key), hc_scan(codes), MD_JOIN_SEMI, &column, &column, 1);
  return keyed_from_stored(p, md_batch_schema(stored), source);
}

/* The rows of batch whose column is among codes (column of the same name). */
static md_code rows_with_codes(md_batch *batch, md_batch *codes, const char *column, md_batch **out, md_error *err) {
  return hc_collect(md_plan_join(hc_scan(batch), hc_scan(codes), MD_JOIN_SEMI, &column, &column, 1), out, err);
}

/* The live silver rows whose column is among codes. Silver is read file by
 * file, first that column alone, then the whole file only where it holds one
 * of the codes: a changed code costs one column of silver plus the files
 * that really hold it, never silver gathered whole. */
static md_code silver_rows_with_codes(const hc_config *cfg, const hc_silver_source *src, const char *column,
                                      md_batch *codes, md_batch **out, md_error *err) {
  char path[HC_PATH_MAX];
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_delta_scan *probe = NULL, *whole = NULL;
  md_batch **found = NULL;
  int count = 0;
  md_code rc = hc_path(cfg, "silver", src->table, path, err);
  if (rc == MD_OK) rc = open_version(path, -1, &t, &s, err);
  if (rc == MD_OK) rc = md_delta_scan_new(s, &column, 1, &probe, err);
  if (rc == MD_OK) rc = md_delta_scan_new(s, NULL, -1, &whole, err);
  int64_t files = rc == MD_OK ? md_delta_snapshot_num_files(s) : 0;
  for (int64_t f = 0; rc == MD_OK && f < files; f++) {
    md_parquet_reader *reader = NULL;
    rc = md_parquet_reader_open(md_delta_scan_file_path(whole, f), &reader, err);
    for (int g = 0; rc == MD_OK && g < md_parquet_reader_num_row_groups(reader); g++) {
      md_batch *b = NULL, *hits = NULL;
      rc = md_delta_scan_read(probe, f, reader, g, &b, err);
      if (rc == MD_OK) rc = rows_with_codes(b, codes, column, &hits, err);
      bool any = rc == MD_OK && md_batch_num_rows(hits) > 0;
      md_batch_free(b);
      md_batch_free(hits);
      b = hits = NULL;
      if (!any) continue;
      md_batch **grown = realloc(found, ((size_t)count + 1) * sizeof *grown);
      if (!grown) {
        rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
        break;
      }
      found = grown;
      rc = md_delta_scan_read(whole, f, reader, g, &b, err);
      if (rc == MD_OK) rc = rows_with_codes(b, codes, column, &found[count], err);
      if (rc == MD_OK) count++;
      md_batch_free(b);
    }
    md_parquet_reader_free(reader);
  }
  if (rc == MD_OK) {
    if (count == 0) rc = hc_empty_batch(md_delta_snapshot_schema(s), out, err);
    else rc = md_batch_concat(md_batch_schema(found[0]), found, count, out, err);
  }
  if (rc != MD_OK) md_error_context(err, "silver/%s", src->table);
  for (int i = 0; i < count; i++) md_batch_free(found[i]);
  free(found);
  md_delta_scan_free(probe);
  md_delta_scan_free(whole);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return rc;
}

static md_code read_layer(const hc_config *cfg, const char *layer, const char *name, md_batch **out, md_error *err) {
  char path[HC_PATH_MAX];
  md_code rc = hc_path(cfg, layer, name, path, err);
  return rc ? rc : hc_read_table(path, out, NULL, err);
}

/* Can a silver row that turns into a reject be rebuilt from silver alone?
 * Only when silver holds every column the rejects table has (a source column
 * added later reaches rejects but not silver). */
static bool silver_holds_rejects_columns(const hc_config *cfg, const hc_silver_source *src, const md_batch *rejects) {
  char path[HC_PATH_MAX];
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  bool holds = hc_path(cfg, "silver", src->table, path, NULL) == MD_OK && open_version(path, -1, &t, &s, NULL) == MD_OK;
  const md_schema *rs = md_batch_schema(rejects);
  for (int i = 0; holds && i < md_schema_num_fields(rs); i++) {
    const char *name = md_field_name(md_schema_field(rs, i));
    holds = name[0] == '_' || md_schema_find(md_delta_snapshot_schema(s), name) >= 0;
  }
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return holds;
}

/* The narrow path; *narrow stays false when it must not be taken. */
static md_code begin_narrow(md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_source *src, hc_silver_input *in,
                            md_error *err) {
  char bronze_name[160], bronze_table[200], rejects_name[160], path[HC_PATH_MAX];
  snprintf(bronze_name, sizeof bronze_name, "%s_raw", src->table);
  snprintf(bronze_table, sizeof bronze_table, "bronze/%s", bronze_name);
  snprintf(rejects_name, sizeof rejects_name, "%s_rejects", src->table);
  char *inputs = NULL;
  md_code rc = hc_commit_inputs(cfg, "silver", src->table, &inputs, err);
  int64_t consumed = inputs ? hc_input_version(inputs, bronze_table) : -1;
  bool ok = rc == MD_OK && consumed >= 0 && (!src->full_if_changed ||
            hc_input_version(inputs, src->full_if_changed) == hc_table_version(cfg, src->full_if_changed));
  md_delta_table *t0 = NULL, *t1 = NULL;
  md_delta_snapshot *s0 = NULL, *s1 = NULL;
  md_batch *fresh = NULL, *keyed = NULL;
  md_plan *parts[1 + 2 * HC_MAX_LOOKUPS];
  int num_parts = 0;
  if (ok) ok = hc_path(cfg, "bronze", bronze_name, path, NULL) == MD_OK &&
               open_version(path, consumed, &t0, &s0, NULL) == MD_OK && open_version(path, -1, &t1, &s1, NULL) == MD_OK &&
               md_schema_equal(md_delta_snapshot_schema(s0), md_delta_snapshot_schema(s1));
  if (ok) {
    md_asset_ctx_input(ctx, bronze_table, md_delta_snapshot_version(s1));
    rc = appended_rows(s0, s1, &fresh, &ok, err);
  }
  if (rc == MD_OK && ok) rc = keyed_latest(cfg, fresh, src, &keyed, err);
  md_schema *source = rc == MD_OK && ok ? hc_source_columns(md_batch_schema(keyed)) : NULL;
  if (rc == MD_OK && ok && !source) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK && ok) rc = read_layer(cfg, "silver", rejects_name, &in->old_rejects, err);
  if (rc == MD_OK && ok) parts[num_parts++] = hc_scan(keyed);
  md_batch *codes[HC_MAX_LOOKUPS] = {0}, *known[HC_MAX_LOOKUPS] = {0}, *stored[HC_MAX_LOOKUPS] = {0};
  for (int i = 0; rc == MD_OK && ok && i < src->num_lookups; i++) {
    const hc_lookup_dep *dep = &src->lookups[i];
    int64_t was = hc_input_version(inputs, dep->table);
    if (was < 0) ok = false;
    bool moved = ok && was != hc_table_version(cfg, dep->table), removed = false, decided = false;
    md_error lookup_err;
    /* A large lookup is asked even when it did not move: the asset needs the
     * presence of the new rows' codes. Undecided, the asset reads it whole. */
    if (ok && dep->large && !in->present &&
        (hc_presence_changes(cfg, dep, was, keyed, &codes[i], &removed, &in->present, &decided, &lookup_err) !=
             MD_OK ||
         !decided)) {
      md_batch_free(codes[i]);
      codes[i] = NULL;
      removed = false;
    }
    if (!moved) {
      md_batch_free(codes[i]);
      codes[i] = NULL;
      continue;
    }
    /* History we cannot read back (vacuumed) only costs the narrow path. */
    if ((!decided && changed_codes(cfg, dep, was, &codes[i], &removed, &lookup_err) != MD_OK) ||
        (removed && dep->decides_validity && !silver_holds_rejects_columns(cfg, src, in->old_rejects))) {
      ok = false;
      continue;
    }
    /* Which stored rows a changed code can touch: a lookup that decides
     * validity turns rejects of a code it gained valid, and can hold silver
     * rows only of codes it already had; one that does not (a flag such as
     * IS_PMB) changes silver rows only, rejects do not carry its value. */
    if (dep->decides_validity) {
      parts[num_parts++] = stored_with_codes(in->old_rejects, codes[i], dep->column, src, source);
      rc = hc_collect(md_plan_filter(hc_scan(codes[i]), md_col("_was_known")), &known[i], err);
    }
    md_batch *silver_codes = known[i] ? known[i] : codes[i];
    if (rc == MD_OK && md_batch_num_rows(silver_codes) > 0)
      rc = silver_rows_with_codes(cfg, src, dep->column, silver_codes, &stored[i], err);
    if (rc == MD_OK && stored[i])
      parts[num_parts++] = stored_with_codes(stored[i], silver_codes, dep->column, src, source);
  }
  if (rc == MD_OK && ok && num_parts > 1) {
    /* Rebuilt rows of keys that also have new bronze rows lose to those; a
     * row rebuilt through two lookups is the same row twice. */
    md_plan *rebuilt = md_plan_union(parts + 1, num_parts - 1);
    rebuilt = md_plan_join(rebuilt, hc_scan(keyed), MD_JOIN_ANTI, src->keys, src->keys, src->num_keys);
    rebuilt = md_plan_keep_latest(rebuilt, src->keys, src->num_keys, "UPDATED_AT");
    md_plan *both[2] = {parts[0], rebuilt};
    num_parts = 0;
    rc = hc_collect(md_plan_union(both, 2), &in->rows, err);
  } else if (rc == MD_OK && ok) {
    in->rows = keyed; /* parts[0], a scan over it, is freed below */
    keyed = NULL;
  }
  for (int i = 0; i < num_parts; i++) md_plan_free(parts[i]);
  for (int i = 0; i < HC_MAX_LOOKUPS; i++) {
    md_batch_free(codes[i]);
    md_batch_free(known[i]);
    md_batch_free(stored[i]);
  }
  in->narrow = rc == MD_OK && ok;
  if (in->narrow) in->cfg.patient_nr_is_key = true;
  md_schema_free(source);
  md_batch_free(fresh);
  md_batch_free(keyed);
  md_delta_snapshot_free(s0);
  md_delta_snapshot_free(s1);
  md_delta_table_free(t0);
  md_delta_table_free(t1);
  free(inputs);
  return rc;
}

md_code hc_silver_begin(md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_source *src, hc_silver_input *in,
                        md_error *err) {
  memset(in, 0, sizeof *in);
  in->cfg = *cfg;
  in->source = src;
  md_code rc = cfg->incremental ? begin_narrow(ctx, cfg, src, in, err) : MD_OK;
  if (rc || in->narrow) return rc;
  md_batch_free(in->old_silver);
  md_batch_free(in->old_rejects);
  md_batch_free(in->present);
  in->old_silver = in->old_rejects = in->present = NULL;
  md_batch_free(in->rows);
  in->rows = NULL;
  return hc_silver_latest_rows(ctx, cfg, src, in, err);
}

/* stored rows whose key was recomputed are left out; the rest, in the
 * columns and order of part, followed by part. */
static md_code merge(md_batch *stored, md_batch *part, const hc_silver_input *in, md_batch **out, int64_t *removed,
                     md_error *err) {
  const hc_silver_source *src = in->source;
  const char *const *stored_keys = src->silver_keys ? src->silver_keys : src->keys;
  const md_schema *ps = md_batch_schema(part);
  int n = md_schema_num_fields(ps);
  md_expr **e = calloc((size_t)n + 1, sizeof *e);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  md_code rc = e && names ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; rc == MD_OK && i < n; i++) {
    const md_field *f = md_schema_field(ps, i);
    names[i] = md_field_name(f);
    e[i] = md_schema_find(md_batch_schema(stored), names[i]) >= 0 ? md_cast(md_col(names[i]), md_field_type(f))
                                                                   : md_lit_null(md_field_type(f));
  }
  md_batch *kept = NULL;
  if (rc == MD_OK) {
    md_plan *p = md_plan_join(hc_scan(stored), hc_scan(in->rows), MD_JOIN_ANTI, stored_keys, src->keys, src->num_keys);
    rc = hc_collect(md_plan_project(p, e, names, n), &kept, err);
  }
  if (rc == MD_OK) {
    *removed = md_batch_num_rows(stored) - md_batch_num_rows(kept);
    md_batch *both[2] = {kept, part};
    rc = md_batch_concat(md_batch_schema(part), both, 2, out, err);
  }
  md_batch_free(kept);
  free(e);
  free(names);
  return rc;
}

/* 'YYYY-MM-DD' list of the distinct dates of column in the batches. */
static md_code date_list(md_batch *const *batches, int n, const char *column, char **out, md_error *err) {
  md_batch *months = NULL;
  md_plan *parts[2];
  md_agg none = {MD_AGG_COUNT_ALL, NULL, "_n"};
  for (int i = 0; i < n; i++) {
    md_expr *e[1] = {md_col(column)};
    parts[i] = md_plan_project(hc_scan(batches[i]), e, &column, 1);
  }
  md_code rc = hc_collect(md_plan_aggregate(md_plan_union(parts, n), &column, 1, &none, 1), &months, err);
  if (rc) return rc;
  const md_column *c = md_batch_column(months, 0);
  int64_t rows = md_batch_num_rows(months);
  size_t cap = (size_t)rows * 16 + 64, used = 0;
  *out = malloc(cap);
  if (!*out) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int64_t r = 0; rc == MD_OK && r < rows; r++) {
    if (md_column_is_null(c, r)) continue; /* silver rows always have a date */
    int64_t y;
    int m, d;
    md_civil_from_days(((const int32_t *)md_column_values(c))[r], &y, &m, &d);
    used += (size_t)snprintf(*out + used, cap - used, "%s'%04d-%02d-%02d'", used ? ", " : "", (int)y, m, d);
  }
  if (rc == MD_OK) (*out)[used] = '\0';
  md_batch_free(months);
  return rc;
}

/* Can part be appended to the table without a schema change? */
static bool fits_table(const md_schema *table, const md_batch *part) {
  const md_schema *s = md_batch_schema(part);
  for (int i = 0; i < md_schema_num_fields(s); i++) {
    int j = md_schema_find(table, md_field_name(md_schema_field(s, i)));
    if (j < 0 || !md_type_equal(md_field_type(md_schema_field(table, j)), md_field_type(md_schema_field(s, i))))
      return false;
  }
  return true;
}
/* Flags of the keys in write_silver_by_dv's set. */
enum { KEY_RECOMPUTED = 1, KEY_IN_PART = 2 };

typedef struct dv_plan {
  md_delta_row_deletes *deletes;
  int64_t **positions; /* owned, per delete */
  int num;
  int64_t old_rows, removed;
  int64_t kept_in_part; /* rows that stay although the part brings their key again */
} dv_plan;

static void dv_plan_clear(dv_plan *p) {
  for (int i = 0; i < p->num; i++) free(p->positions[i]);
  free(p->deletes);
  free(p->positions);
  memset(p, 0, sizeof *p);
}

/* What one live file contributes: the positions to delete and counts. */
typedef struct file_plan {
  int64_t *rows, n, cap;
  int64_t old_rows, kept_in_part;
  md_code rc;
  md_error err;
} file_plan;

/* One live file, row group by row group: its keys and positions, each key
 * probed in the set; the rows whose key was recomputed become deletes. */
static md_code plan_file(const md_delta_scan *scan, int64_t f, const hc_key_set *set, const char *const *stored_keys,
                         int num_keys, file_plan *p, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code rc = md_parquet_reader_open(md_delta_scan_file_path(scan, f), &reader, err);
  int groups = rc == MD_OK ? md_parquet_reader_num_row_groups(reader) : 0;
  for (int g = 0; rc == MD_OK && g < groups; g++) {
    md_batch *b = NULL;
    rc = md_delta_scan_read(scan, f, reader, g, &b, err);
    int64_t len = rc == MD_OK ? md_batch_num_rows(b) : 0;
    unsigned char *flags = rc == MD_OK ? malloc((size_t)len + 1) : NULL;
    if (rc == MD_OK && !flags) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = hc_key_set_find(set, b, stored_keys, num_keys, flags, NULL, err);
    const int64_t *pos = rc == MD_OK ? md_column_values(md_batch_column(b, md_batch_num_columns(b) - 1)) : NULL;
    for (int64_t r = 0; rc == MD_OK && r < len; r++) {
      if (!(flags[r] & KEY_RECOMPUTED)) {
        if (flags[r] & KEY_IN_PART) p->kept_in_part++;
        continue;
      }
      if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        int64_t *grown = realloc(p->rows, (size_t)p->cap * sizeof *grown);
        if (!grown) {
          rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
          break;
        }
        p->rows = grown;
      }
      p->rows[p->n++] = pos[r];
    }
    p->old_rows += len;
    free(flags);
    md_batch_free(b);
  }
  md_parquet_reader_free(reader);
  return rc;
}

/* The files are planned on the run's threads: each reads and probes its own
 * files (the scan and the set are only read), taking the next one free. */
typedef struct plan_job {
  const md_delta_scan *scan;
  const hc_key_set *set;
  const char *const *keys;
  int num_keys;
  file_plan *files;
  int64_t num_files;
  int64_t next; /* atomic */
} plan_job;

static void *plan_worker(void *arg) {
  plan_job *job = arg;
  for (;;) {
    int64_t f = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
    if (f >= job->num_files) break;
    file_plan *p = &job->files[f];
    md_error_clear(&p->err);
    p->rc = plan_file(job->scan, f, job->set, job->keys, job->num_keys, p, &p->err);
  }
  return NULL;
}

static void plan_files(const hc_config *cfg, plan_job *job) {
  long n = cfg->threads > 0 ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (n > 8) n = 8;
  if (n > job->num_files) n = (long)job->num_files;
  pthread_t threads[8];
  int started = 0;
  while (started < n - 1 && pthread_create(&threads[started], NULL, plan_worker, job) == 0) started++;
  plan_worker(job); /* this thread too; fewer helpers still finish */
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
}

/* Live rows and bytes of the table, for the asset's numbers. */
static void report_table(md_asset_ctx *ctx, const md_delta_snapshot *s) {
  int64_t rows = 0, bytes = 0;
  for (int64_t i = 0; i < md_delta_snapshot_num_files(s); i++) {
    md_delta_file_info f;
    if (md_delta_snapshot_file(s, i, &f, NULL) != MD_OK) continue;
    bytes += f.size;
    rows += f.num_records > 0 ? f.num_records : 0;
  }
  md_asset_ctx_rows(ctx, rows);
  md_asset_ctx_table(ctx, md_delta_snapshot_version(s), bytes);
}

/* The set write_silver_by_dv probes: the recomputed keys (in->rows, source
 * names) and the keys of the silver part (stored names); a key the part
 * holds twice is counted in *repeats. */
static md_code recomputed_set(const hc_silver_input *in, md_batch *silver_part, const char *const *stored_keys,
                              hc_key_set **out, int64_t *repeats, md_error *err) {
  const hc_silver_source *src = in->source;
  *out = hc_key_set_new();
  md_code rc = *out ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) rc = hc_key_set_add(*out, in->rows, src->keys, src->num_keys, KEY_RECOMPUTED, NULL, NULL, err);
  if (rc == MD_OK) rc = hc_key_set_add(*out, silver_part, stored_keys, src->num_keys, KEY_IN_PART, repeats, NULL, err);
  return rc;
}

/* Silver by deletion vectors (see the header comment): out gets silver's
 * live rows afterwards and the duplicate keys this write can see (the
 * narrow key check, hc_silver_finish). *fallback when the part does not fit
 * the table's schema (nothing was written). */
static md_code write_silver_by_dv(md_asset_ctx *ctx, const hc_silver_input *in, md_batch *silver_part,
                                  hc_narrow_result *out, int64_t *removed, bool *fallback, md_error *err) {
  const hc_silver_source *src = in->source;
  const char *const *stored_keys = src->silver_keys ? src->silver_keys : src->keys;
  char path[HC_PATH_MAX];
  md_delta_table *t = NULL;
  md_delta_snapshot *s = NULL;
  md_delta_scan *scan = NULL;
  hc_key_set *set = NULL;
  dv_plan plan = {0};
  int64_t part_repeats = 0;
  *fallback = false;
  md_code rc = hc_path(&in->cfg, "silver", src->table, path, err);
  if (rc == MD_OK) rc = md_delta_table_open(path, &t, err);
  if (rc == MD_OK) rc = md_delta_snapshot_at_version(t, -1, &s, err);
  if (rc == MD_OK && !fits_table(md_delta_snapshot_schema(s), silver_part)) *fallback = true;
  if (rc == MD_OK && !*fallback) rc = recomputed_set(in, silver_part, stored_keys, &set, &part_repeats, err);
  if (rc == MD_OK && !*fallback) rc = md_delta_scan_new(s, (const char *const *)stored_keys, src->num_keys, &scan, err);
  if (rc == MD_OK && !*fallback) rc = md_delta_scan_add_row_positions(scan, "_pos", err);
  int64_t files = rc == MD_OK && !*fallback ? md_delta_snapshot_num_files(s) : 0;
  plan.deletes = calloc((size_t)files + 1, sizeof *plan.deletes);
  plan.positions = calloc((size_t)files + 1, sizeof *plan.positions);
  file_plan *per_file = calloc((size_t)files + 1, sizeof *per_file);
  if (rc == MD_OK && (!plan.deletes || !plan.positions || !per_file))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK && files > 0) {
    plan_job job = {scan, set, stored_keys, src->num_keys, per_file, files, 0};
    plan_files(&in->cfg, &job);
  }
  for (int64_t f = 0; rc == MD_OK && f < files; f++) {
    md_delta_file_info info;
    file_plan *p = &per_file[f];
    if (p->rc != MD_OK) {
      if (err) *err = p->err;
      rc = p->rc;
      break;
    }
    rc = md_delta_snapshot_file(s, f, &info, err);
    plan.old_rows += p->old_rows;
    plan.kept_in_part += p->kept_in_part;
    if (rc == MD_OK && p->n > 0) {
      plan.positions[plan.num] = p->rows;
      plan.deletes[plan.num++] = (md_delta_row_deletes){info.path, p->rows, p->n};
      plan.removed += p->n;
      p->rows = NULL;
    }
  }
  for (int64_t f = 0; per_file && f < files; f++) free(per_file[f].rows);
  free(per_file);
  md_metadata *meta = NULL;
  if (rc == MD_OK && !*fallback) {
    meta = md_metadata_new();
    char as_of[16];
    snprintf(as_of, sizeof as_of, "%d", (int)in->cfg.as_of);
    rc = meta ? md_metadata_set(meta, "medallion.run_id", md_asset_ctx_run_id(ctx), err)
              : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.asset", md_asset_ctx_asset(ctx), err);
    if (rc == MD_OK) rc = md_metadata_set(meta, "medallion.inputs", md_asset_ctx_inputs(ctx), err);
    if (rc == MD_OK) rc = md_metadata_set(meta, HC_AS_OF_KEY, as_of, err);
  }
  if (rc == MD_OK && !*fallback) {
    /* The run id as a Delta txn: a retried run commits nothing twice. */
    md_delta_write_options o = {.mode = MD_DELTA_APPEND, .commit_metadata = meta, .txn_version = 1};
    char app[200];
    snprintf(app, sizeof app, "medallion.silver:%s", md_asset_ctx_run_id(ctx));
    o.app_id = app;
    bool any = md_batch_num_rows(silver_part) > 0;
    rc = md_delta_delete_and_append(path, plan.deletes, plan.num, any ? &silver_part : NULL, any ? 1 : 0, &o, NULL, err);
  }
  if (rc == MD_OK && !*fallback) {
    md_delta_snapshot *now = NULL;
    md_delta_table *t2 = NULL;
    if (md_delta_table_open(path, &t2, NULL) == MD_OK && md_delta_snapshot_at_version(t2, -1, &now, NULL) == MD_OK)
      report_table(ctx, now);
    md_delta_snapshot_free(now);
    md_delta_table_free(t2);
    out->old_silver_rows = plan.old_rows;
    out->silver_rows = plan.old_rows - plan.removed + md_batch_num_rows(silver_part);
    out->duplicate_keys = part_repeats + plan.kept_in_part;
    *removed = plan.removed;
  }
  if (rc != MD_OK) md_error_context(err, "silver/%s", src->table);
  md_metadata_free(meta);
  dv_plan_clear(&plan);
  hc_key_set_free(set);
  md_delta_scan_free(scan);
  md_delta_snapshot_free(s);
  md_delta_table_free(t);
  return rc;
}

md_code hc_silver_write_narrow(md_asset_ctx *ctx, const hc_silver_input *in, md_batch *silver_part,
                               md_batch *rejects_part, const char *partition_by, hc_narrow_result *out,
                               md_error *err) {
  const hc_silver_source *src = in->source;
  int64_t removed_silver = 0, removed_rejects = 0;
  md_batch *rejects = NULL, *silver = NULL, *removed_rows = NULL, *written = NULL;
  char *months = NULL;
  memset(out, 0, sizeof *out);
  md_code rc = merge(in->old_rejects, rejects_part, in, &rejects, &removed_rejects, err);
  char rejects_name[160];
  snprintf(rejects_name, sizeof rejects_name, "%s_rejects", src->table);
  if (rc == MD_OK) rc = hc_write(ctx, &in->cfg, "silver", rejects_name, rejects, err);
  if (rc == MD_OK) {
    bool fallback = false;
    rc = write_silver_by_dv(ctx, in, silver_part, out, &removed_silver, &fallback, err);
    if (rc == MD_OK && !fallback) {
      out->expected = out->old_silver_rows + md_batch_num_rows(in->old_rejects) - removed_silver - removed_rejects +
                      md_batch_num_rows(in->rows);
      out->rejects = rejects;
      return MD_OK;
    }
    /* The part brings new columns: the merge below evolves the schema. */
    if (rc == MD_OK && !in->old_silver)
      rc = read_layer(&in->cfg, "silver", src->table, (md_batch **)&in->old_silver, err);
  }
  if (rc == MD_OK) rc = merge(in->old_silver, silver_part, in, &silver, &removed_silver, err);
  hc_write_spec spec = {.partition_column = partition_by};
  if (rc == MD_OK && partition_by) {
    /* Only the partitions that lose or gain a row are rewritten. */
    const char *const *stored_keys = src->silver_keys ? src->silver_keys : src->keys;
    rc = hc_collect(md_plan_join(hc_scan(in->old_silver), hc_scan(in->rows), MD_JOIN_SEMI, stored_keys, src->keys,
                                 src->num_keys),
                    &removed_rows, err);
    md_batch *sides[2] = {removed_rows, silver_part};
    if (rc == MD_OK) rc = date_list(sides, 2, partition_by, &months, err);
  }
  size_t where_len = months ? strlen(months) + strlen(partition_by) + 16 : 0;
  char *where = where_len ? malloc(where_len) : NULL;
  if (rc == MD_OK && months && months[0] && where) {
    snprintf(where, where_len, "%s IN (%s)", partition_by, months);
    spec.replace_where = where;
    /* The merged rows of those partitions: a semi join on the partition column. */
    md_batch *touched = NULL;
    md_agg none = {MD_AGG_COUNT_ALL, NULL, "_n"};
    md_plan *sides[2];
    md_expr *e1[1] = {md_col(partition_by)}, *e2[1] = {md_col(partition_by)};
    sides[0] = md_plan_project(hc_scan(removed_rows), e1, &partition_by, 1);
    sides[1] = md_plan_project(hc_scan(silver_part), e2, &partition_by, 1);
    rc = hc_collect(md_plan_aggregate(md_plan_union(sides, 2), &partition_by, 1, &none, 1), &touched, err);
    if (rc == MD_OK)
      rc = hc_collect(md_plan_join(hc_scan(silver), hc_scan(touched), MD_JOIN_SEMI, &partition_by, &partition_by, 1),
                      &written, err);
    md_batch_free(touched);
  }
  if (rc == MD_OK) rc = hc_write_with(ctx, &in->cfg, "silver", src->table, written ? written : silver, &spec, err);
  if (rc == MD_OK) {
    out->expected = md_batch_num_rows(in->old_silver) + md_batch_num_rows(in->old_rejects) - removed_silver -
                    removed_rejects + md_batch_num_rows(in->rows);
    out->silver = silver;
    out->rejects = rejects;
    out->silver_rows = md_batch_num_rows(silver);
    out->duplicate_keys = -1;
    silver = rejects = NULL;
  }
  free(where);
  free(months);
  md_batch_free(written);
  md_batch_free(removed_rows);
  md_batch_free(silver);
  md_batch_free(rejects);
  return rc;
}
