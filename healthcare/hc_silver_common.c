/* hc_silver_common.c — the steps every silver table shares (PIPELINE.md §3):
 * normalise, keep the latest row per key, validate in rule order, split into
 * silver and pseudonymised rejects, and the per-table checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_internal.h"

static const char *const CODE_COLUMNS[] = {"SOURCE", "TARIFF_CODE", "ICD10_CODE", "GENDER", "FALLS_RISK",
                                           "PLAN_TYPE", "STATUS", "PAYER", "METHOD"};
static const char *const IDENTIFIERS[] = {"PATIENT_NR", "FIRST_NAME",    "SURNAME", "ID_NUMBER",
                                          "DATE_OF_BIRTH", "PHONE", "MEDICAL_AID_NR"};

bool hc_is_code_column(const char *name) {
  for (size_t i = 0; i < sizeof CODE_COLUMNS / sizeof *CODE_COLUMNS; i++)
    if (strcmp(name, CODE_COLUMNS[i]) == 0) return true;
  return false;
}

bool hc_is_identifier(const char *name) {
  for (size_t i = 0; i < sizeof IDENTIFIERS / sizeof *IDENTIFIERS; i++)
    if (strcmp(name, IDENTIFIERS[i]) == 0) return true;
  return false;
}

md_plan *hc_normalise(md_batch *bronze) {
  return hc_normalise_plan(hc_scan(bronze), md_batch_schema(bronze));
}

md_plan *hc_normalise_plan(md_plan *input, const md_schema *s) {
  int n = md_schema_num_fields(s), k = 0;
  md_expr **exprs = calloc((size_t)n + 1, sizeof *exprs);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  if (!exprs || !names) {
    free(exprs);
    free(names);
    md_plan_free(input);
    return NULL;
  }
  for (int i = 0; i < n; i++) {
    const md_field *f = md_schema_field(s, i);
    const char *name = md_field_name(f);
    if (name[0] == '_') continue;
    md_expr *e = md_col(name);
    if (md_field_type(f).id == MD_TYPE_UTF8) {
      e = md_trim(e);
      if (hc_is_code_column(name)) e = md_upper(e);
      e = md_nullif(e, md_lit_str(""));
    }
    exprs[k] = e;
    names[k++] = name;
  }
  md_plan *p = md_plan_project(input, exprs, names, k);
  free(exprs);
  free(names);
  return p;
}

static md_expr *any_key_null(const char *const *keys, int num_keys) {
  md_expr *e = md_is_null(md_col(keys[0]));
  for (int i = 1; i < num_keys; i++) e = md_or(e, md_is_null(md_col(keys[i])));
  return e;
}

static md_code count_rows(const hc_config *cfg, md_plan *plan, int64_t *out, md_error *err) {
  md_batch *b = NULL;
  md_code rc = hc_collect_with(cfg, plan, &b, err);
  if (rc == MD_OK) *out = md_batch_num_rows(b);
  md_batch_free(b);
  return rc;
}

md_code hc_check_no_identifiers(md_asset_ctx *ctx, const md_batch *batch, const char *table) {
  const md_schema *s = md_batch_schema(batch);
  char detail[256] = "";
  for (int i = 0; i < md_schema_num_fields(s); i++)
    if (hc_is_identifier(md_field_name(md_schema_field(s, i))))
      snprintf(detail, sizeof detail, "%s has identifier column %s", table, md_field_name(md_schema_field(s, i)));
  char name[160];
  snprintf(name, sizeof name, "no_identifier_columns(%s)", table);
  md_asset_ctx_check(ctx, name, detail[0] == '\0', detail[0] ? detail : NULL);
  return MD_OK;
}

/* A growing list of batches of one schema (a table kept in the pieces it
 * was produced in, instead of gathered into one batch). */
typedef struct batch_list {
  md_batch **items;
  int count, cap;
} batch_list;

static md_code list_push(batch_list *l, md_batch *b, md_error *err) {
  if (l->count == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    md_batch **g = realloc(l->items, (size_t)cap * sizeof *g);
    if (!g) {
      md_batch_free(b);
      return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    }
    l->items = g;
    l->cap = cap;
  }
  l->items[l->count++] = b;
  return MD_OK;
}

static void list_clear(batch_list *l) {
  for (int i = 0; i < l->count; i++) md_batch_free(l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}

static int64_t list_rows(const batch_list *l) {
  int64_t n = 0;
  for (int i = 0; i < l->count; i++) n += md_batch_num_rows(l->items[i]);
  return n;
}

/* The list as one batch (a copy unless it has one batch), for the narrow
 * merge whose interface takes a batch; the list is emptied. */
static md_code list_take_one(batch_list *l, md_batch **out, md_error *err) {
  md_code rc = MD_OK;
  if (l->count == 1) {
    *out = l->items[0];
    l->count = 0;
  } else {
    rc = md_batch_concat(md_batch_schema(l->items[0]), l->items, l->count, out, err);
  }
  list_clear(l);
  return rc;
}

static md_plan *list_scan(const batch_list *l) {
  return md_plan_from_batches(md_batch_schema(l->items[0]), l->items, l->count);
}

/* Runs a plan (freed) on threads, appending its batches to list as they
 * come; a list left empty gets one empty batch, for its schema. */
static md_code run_into(md_plan *p, int threads, batch_list *list, md_error *err) {
  md_exec_options opts = {.threads = threads};
  md_stream *stream = NULL;
  md_code rc = p ? md_plan_execute(p, &opts, &stream, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  while (rc == MD_OK) {
    md_batch *part = NULL;
    rc = md_stream_next(stream, &part, err);
    if (rc || !part) break;
    rc = list_push(list, part, err);
  }
  if (rc == MD_OK && list->count == 0) {
    md_batch *none = NULL;
    rc = hc_empty_batch(md_stream_schema(stream), &none, err);
    if (rc == MD_OK) rc = list_push(list, none, err);
  }
  md_stream_free(stream);
  md_plan_free(p);
  return rc;
}

md_code hc_silver_latest_rows(md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_source *src,
                              hc_silver_input *in, md_error *err) {
  char bronze_name[160];
  snprintf(bronze_name, sizeof bronze_name, "%s_raw", src->table);
  hc_snapshot bronze = {0};
  batch_list rows = {0};
  md_code rc = hc_open_snapshot(ctx, cfg, "bronze", bronze_name, &bronze, err);
  md_plan *scan = NULL;
  if (rc == MD_OK) rc = md_plan_scan_delta(bronze.snapshot, &scan, err);
  /* Only the source columns are read (the projection drops '_' metadata). */
  if (rc == MD_OK) {
    md_plan *latest = md_plan_keep_latest(hc_normalise_plan(scan, md_delta_snapshot_schema(bronze.snapshot)),
                                          src->keys, src->num_keys, "UPDATED_AT");
    rc = run_into(latest, cfg->threads, &rows, err);
  }
  hc_snapshot_close(&bronze);
  if (rc) {
    list_clear(&rows);
    return md_error_context(err, "bronze/%s", bronze_name);
  }
  /* The §3 count is distinct non-null keys plus null-key rows of the
   * normalised rows, which is exactly keep-latest's output: one row per
   * distinct key without a null part, and every row with a null key part
   * kept as it is (md_plan_keep_latest). So no second pass is needed. */
  in->expected = list_rows(&rows);
  in->row_batches = rows.items;
  in->num_row_batches = rows.count;
  return MD_OK;
}

md_plan *hc_silver_rows(const hc_silver_input *in) {
  if (in->rows) return hc_scan(in->rows);
  return md_plan_from_batches(hc_silver_schema(in), in->row_batches, in->num_row_batches);
}

const md_schema *hc_silver_schema(const hc_silver_input *in) {
  return md_batch_schema(in->rows ? in->rows : in->row_batches[0]);
}

/* Rejects by reason, from the rejects batches. */
static md_code report_rejects(md_asset_ctx *ctx, const hc_config *cfg, const batch_list *rejects, md_error *err) {
  const char *key = "_reject_reason";
  md_agg count = {MD_AGG_COUNT_ALL, NULL, "n"};
  md_batch *b = NULL;
  md_code rc = hc_collect_with(cfg, md_plan_aggregate(list_scan(rejects), &key, 1, &count, 1), &b, err);
  if (rc) return rc;
  const md_column *reason = md_batch_column(b, 0), *n = md_batch_column(b, 1);
  const int32_t *off = md_column_offsets(reason);
  const uint8_t *data = md_column_data(reason);
  const int64_t *counts = md_column_values(n);
  for (int64_t r = 0; r < md_batch_num_rows(b); r++) {
    char text[128];
    int len = off[r + 1] - off[r];
    snprintf(text, sizeof text, "%.*s", len < 120 ? len : 120, (const char *)data + off[r]);
    md_asset_ctx_rejects(ctx, text, counts[r]);
  }
  md_batch_free(b);
  return MD_OK;
}

/* Threads to use at once (batches split together, key check shares). */
static int group_size(const hc_config *cfg) {
  long n = cfg->threads > 0 ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* The narrow case of the key check takes the duplicates the write counted
 * (hc_narrow_result): silver afterwards is the stored rows that stay plus the
 * recomputed part. A duplicate there is two part rows of one key, a part row
 * whose key also stays in a stored row (the write probes every stored row's
 * key against the part's), or two stored rows that stay: those are rows of
 * the previous version, whose run checked them whole. So aggregating every
 * key again would only re-check what was already checked. */
static void report_keys_unique(md_asset_ctx *ctx, const hc_silver_table *spec, int64_t dups) {
  char name[160], detail[160];
  snprintf(name, sizeof name, "silver_keys_unique(%s)", spec->table);
  snprintf(detail, sizeof detail, "%lld duplicate keys", (long long)dups);
  md_asset_ctx_check(ctx, name, dups == 0, dups ? detail : NULL);
}

static md_code check_keys_unique(md_asset_ctx *ctx, const hc_config *cfg, const batch_list *silver,
                                 const hc_silver_table *spec, md_error *err) {
  md_agg count = {MD_AGG_COUNT_ALL, NULL, "_n"};
  int64_t dups = 0;
  const char *const *keys = spec->silver_keys ? spec->silver_keys : spec->keys;
  bool handled = false;
  md_code rc = hc_count_duplicate_int_keys(silver->items, silver->count, keys, spec->num_keys, group_size(cfg), &dups,
                                           &handled, err);
  if (rc == MD_OK && !handled)
    rc = count_rows(cfg, md_plan_filter(md_plan_aggregate(list_scan(silver), keys, spec->num_keys, &count, 1),
                                        md_gt(md_col("_n"), md_lit_int(1))),
                    &dups, err);
  if (rc) return rc;
  report_keys_unique(ctx, spec, dups);
  return MD_OK;
}

/* A full refresh's silver rows go to the table as they are made (a file
 * per partition, open until the commit), so the table is never held whole;
 * only the key columns stay, for the uniqueness check, and the first batch,
 * for the schema checks. */
typedef struct silver_sink {
  hc_table_writer *writer;
  batch_list keys; /* the key columns of every batch, shared */
  md_batch *first;
  int64_t rows;
} silver_sink;

/* The key columns of batch, sharing its buffers. */
static md_code key_columns(const md_batch *batch, const char *const *keys, int num_keys, md_batch **out,
                           md_error *err) {
  md_schema *schema = md_schema_new();
  md_column **columns = calloc((size_t)num_keys + 1, sizeof *columns);
  md_code rc = schema && columns ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int n = 0;
  for (int k = 0; rc == MD_OK && k < num_keys; k++) {
    int f = md_schema_find(md_batch_schema(batch), keys[k]);
    if (f < 0) {
      rc = md_error_set(err, MD_ERR_SCHEMA, "key column %s is not in silver", keys[k]);
      break;
    }
    md_field *field = md_field_copy(md_schema_field(md_batch_schema(batch), f));
    rc = field ? md_schema_add(schema, field, err) : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (rc == MD_OK) columns[n++] = md_column_ref((md_column *)md_batch_column(batch, f));
  }
  if (rc == MD_OK) {
    rc = md_batch_new(schema, columns, n, out, err);
  } else {
    for (int i = 0; i < n; i++) md_column_free(columns[i]);
    md_schema_free(schema);
  }
  free(columns);
  return rc;
}

/* Hands the batches of made (emptied) to the silver table. */
static md_code sink_take(silver_sink *sink, md_asset_ctx *ctx, const hc_config *cfg, const hc_silver_table *spec,
                         batch_list *made, md_error *err) {
  md_code rc = MD_OK;
  const char *const *keys = spec->silver_keys ? spec->silver_keys : spec->keys;
  for (int i = 0; rc == MD_OK && i < made->count; i++) {
    md_batch *b = made->items[i];
    if (!sink->writer) {
      hc_write_spec by = {.partition_column = spec->partition_by};
      rc = hc_table_writer_open(ctx, cfg, "silver", spec->table, md_batch_schema(b), &by, &sink->writer, err);
    }
    if (rc == MD_OK) rc = hc_table_writer_append(sink->writer, b, err);
    md_batch *k = NULL;
    if (rc == MD_OK) rc = key_columns(b, keys, spec->num_keys, &k, err);
    if (rc == MD_OK) rc = list_push(&sink->keys, k, err);
    sink->rows += md_batch_num_rows(b);
    if (rc == MD_OK && !sink->first) {
      sink->first = b;
      made->items[i] = NULL;
    }
  }
  list_clear(made);
  return rc;
}

static void sink_clear(silver_sink *sink) {
  hc_table_writer_free(sink->writer);
  list_clear(&sink->keys);
  md_batch_free(sink->first);
  memset(sink, 0, sizeof *sink);
}

/* The expressions of one output (silver or rejects), copied for each batch. */
typedef struct output_spec {
  md_expr **exprs; /* owned templates */
  const char **names;
  int count;
} output_spec;

/* The rows of a group of validated batches with a null (silver) or non-null
 * (rejects) reason, projected through out's expressions and appended to list
 * one batch per input batch: the executor splits the group's batches on its
 * threads and keeps their order. */
static md_code split_part(md_batch *const *group, int n, bool rejected, const output_spec *out, int threads,
                          batch_list *list, md_error *err) {
  md_expr **e = calloc((size_t)out->count + 1, sizeof *e);
  if (!e) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int i = 0; i < out->count; i++) e[i] = md_expr_copy(out->exprs[i]);
  md_expr *reason = md_col("_reject_reason");
  md_plan *p = md_plan_from_batches(md_batch_schema(group[0]), group, n);
  p = md_plan_project(md_plan_filter(p, rejected ? md_is_not_null(reason) : md_is_null(reason)), e, out->names,
                      out->count);
  free(e);
  return run_into(p, threads, list, err);
}


md_code hc_silver_finish(md_asset_ctx *ctx, const hc_silver_input *in, hc_silver_table *spec, md_plan *validated,
                         const md_schema *source_schema, md_error *err) {
  const hc_config *cfg = &in->cfg;
  int64_t expected = in->expected;
  md_schema *vs = NULL;
  batch_list silver = {0}, rejects = {0};
  md_expr **conds = NULL, **vals = NULL, **pe = NULL, **re = NULL;
  const char **pn = NULL, **rn = NULL;
  output_spec silver_out = {0}, rejects_out = {0};
  md_plan *with_reason = NULL;
  md_stream *stream = NULL;
  silver_sink sink = {0};
  md_code rc = md_plan_schema(validated, &vs, err);
  int nv = vs ? md_schema_num_fields(vs) : 0;
  int nr = spec->num_rules + 1;
  if (rc == MD_OK) {
    conds = calloc((size_t)nr, sizeof *conds);
    vals = calloc((size_t)nr, sizeof *vals);
    pe = calloc((size_t)nv + 64, sizeof *pe);
    pn = calloc((size_t)nv + 64, sizeof *pn);
    re = calloc((size_t)nv + 64, sizeof *re);
    rn = calloc((size_t)nv + 64, sizeof *rn);
    silver_out.exprs = calloc((size_t)spec->num_exprs + 1, sizeof *silver_out.exprs);
    silver_out.names = calloc((size_t)spec->num_exprs + 1, sizeof *silver_out.names);
    if (!conds || !vals || !pe || !pn || !re || !rn || !silver_out.exprs || !silver_out.names)
      rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  if (rc == MD_OK) {
    /* Conditions that are null (unknown) count as not failing; coalesce keeps
     * the CASE honest about it. */
    conds[0] = any_key_null(spec->keys, spec->num_keys);
    vals[0] = md_lit_str("key_missing");
    for (int i = 0; i < spec->num_rules; i++) {
      md_expr *pair[2] = {spec->rules[i].when, md_lit_bool(false)};
      spec->rules[i].when = NULL;
      conds[i + 1] = md_coalesce(pair, 2);
      vals[i + 1] = md_lit_str(spec->rules[i].name);
    }
    for (int i = 0; i < nv; i++) {
      pn[i] = md_field_name(md_schema_field(vs, i));
      pe[i] = md_col(pn[i]);
    }
    pe[nv] = md_case_when(conds, vals, nr, NULL);
    pn[nv] = "_reject_reason";
    with_reason = md_plan_project(validated, pe, pn, nv + 1);
    validated = NULL;
    /* Silver: the spec's expressions plus _run_id. */
    for (int i = 0; i < spec->num_exprs; i++) {
      silver_out.exprs[i] = spec->exprs[i];
      spec->exprs[i] = NULL;
      silver_out.names[i] = spec->names[i];
    }
    silver_out.exprs[spec->num_exprs] = md_lit_str(md_asset_ctx_run_id(ctx));
    silver_out.names[spec->num_exprs] = "_run_id";
    silver_out.count = spec->num_exprs + 1;
    /* Rejects: the normalised source columns in source order, PATIENT_NR
     * replaced in place by PATIENT_KEY, direct identifiers dropped. */
    int k = 0;
    for (int i = 0; i < md_schema_num_fields(source_schema); i++) {
      const char *name = md_field_name(md_schema_field(source_schema, i));
      if (strcmp(name, "PATIENT_NR") == 0) {
        re[k] = hc_patient_key(cfg);
        rn[k++] = "PATIENT_KEY";
      } else if (!hc_is_identifier(name)) {
        re[k] = md_col(name);
        rn[k++] = name;
      }
    }
    re[k] = md_col("_reject_reason");
    rn[k++] = "_reject_reason";
    re[k] = md_lit_str(md_asset_ctx_run_id(ctx));
    rn[k++] = "_run_id";
    rejects_out = (output_spec){re, rn, k};
    /* One pass over the validated rows: each batch is split into its silver
     * and rejects parts as it comes, so the validated table is never
     * gathered whole. */
    md_exec_options opts = {.threads = cfg->threads};
    rc = with_reason ? md_plan_execute(with_reason, &opts, &stream, err)
                     : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  md_plan_free(validated);
  /* Up to one batch per thread is pulled, then split in parallel. */
  int width = group_size(cfg), got = 0;
  md_batch *group[64];
  bool done = false, any = false;
  while (rc == MD_OK && !done) {
    got = 0;
    while (rc == MD_OK && got < width) {
      md_batch *b = NULL;
      rc = md_stream_next(stream, &b, err);
      if (rc == MD_OK && !b && !any && got == 0) rc = hc_empty_batch(md_stream_schema(stream), &b, err);
      if (rc == MD_OK && !b) done = true;
      if (rc || !b) break;
      group[got++] = b;
      any = true;
    }
    if (rc == MD_OK && got > 0) rc = split_part(group, got, false, &silver_out, cfg->threads, &silver, err);
    if (rc == MD_OK && got > 0 && !in->narrow) rc = sink_take(&sink, ctx, cfg, spec, &silver, err);
    if (rc == MD_OK && got > 0) rc = split_part(group, got, true, &rejects_out, cfg->threads, &rejects, err);
    for (int i = 0; i < got; i++) md_batch_free(group[i]);
  }
  md_stream_free(stream);
  md_plan_free(with_reason);
  char rejects_name[128];
  snprintf(rejects_name, sizeof rejects_name, "%s_rejects", spec->table);
  /* If the silver write fails after the rejects write, rejects goes back to
   * its previous rows, so a failed asset leaves both tables as they were. */
  char rejects_table[160];
  snprintf(rejects_table, sizeof rejects_table, "silver/%s", rejects_name);
  int64_t rejects_before = hc_table_version(cfg, rejects_table);
  hc_narrow_result narrow = {.duplicate_keys = -1};
  if (rc == MD_OK && in->narrow) {
    /* silver keeps the part (for the identifier check) unless the write
     * merged the whole table; rejects becomes the whole table. */
    md_batch *part_silver = NULL, *part_rejects = NULL;
    rc = list_take_one(&silver, &part_silver, err);
    if (rc == MD_OK) rc = list_take_one(&rejects, &part_rejects, err);
    if (rc == MD_OK)
      rc = hc_silver_write_narrow(ctx, in, part_silver, part_rejects, spec->partition_by, &narrow, err);
    expected = narrow.expected;
    md_batch_free(part_rejects);
    if (narrow.silver) md_batch_free(part_silver);
    if (rc == MD_OK) rc = list_push(&silver, narrow.silver ? narrow.silver : part_silver, err);
    else md_batch_free(narrow.silver ? narrow.silver : part_silver);
    if (rc == MD_OK) rc = list_push(&rejects, narrow.rejects, err);
    else md_batch_free(narrow.rejects);
  } else if (rc == MD_OK) {
    /* The rejects table first, so the asset's headline numbers are silver's. */
    rc = hc_write_batches(ctx, cfg, "silver", rejects_name, rejects.items, rejects.count, NULL, err);
    if (rc == MD_OK) rc = hc_table_writer_finish(sink.writer, false, err);
  }
  if (rc != MD_OK) hc_restore(ctx, cfg, "silver", rejects_name, rejects_before, NULL);
  if (rc == MD_OK) rc = report_rejects(ctx, cfg, &rejects, err);
  bool narrow_keys = in->narrow && narrow.duplicate_keys >= 0;
  if (rc == MD_OK && narrow_keys) report_keys_unique(ctx, spec, narrow.duplicate_keys);
  if (rc == MD_OK && !narrow_keys) rc = check_keys_unique(ctx, cfg, in->narrow ? &silver : &sink.keys, spec, err);
  if (rc == MD_OK) {
    int64_t ns = narrow_keys ? narrow.silver_rows : in->narrow ? list_rows(&silver) : sink.rows;
    int64_t nj = list_rows(&rejects);
    char name[160], detail[200];
    snprintf(name, sizeof name, "silver_plus_rejects_equals_source_keys(%s)", spec->table);
    snprintf(detail, sizeof detail, "silver %lld + rejects %lld, expected %lld", (long long)ns, (long long)nj,
             (long long)expected);
    md_asset_ctx_check(ctx, name, ns + nj == expected, detail);
    hc_check_no_identifiers(ctx, in->narrow ? silver.items[0] : sink.first, spec->table);
  }
  sink_clear(&sink);
  for (int i = 0; i < spec->num_exprs; i++) md_expr_free(spec->exprs[i]);
  for (int i = 0; i < spec->num_rules; i++) md_expr_free(spec->rules[i].when);
  for (int i = 0; i < silver_out.count; i++) md_expr_free(silver_out.exprs[i]);
  for (int i = 0; i < rejects_out.count; i++) md_expr_free(rejects_out.exprs[i]);
  free(silver_out.exprs);
  free(silver_out.names);
  free(conds);
  free(vals);
  free(pe);
  free(pn);
  free(re);
  free(rn);
  md_schema_free(vs);
  list_clear(&silver);
  list_clear(&rejects);
  return rc;
}
