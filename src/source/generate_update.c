/* generate_update.c — `medallion generate --update-of DIR`: the next state of
 * the source for incremental-run tests.
 *
 * Each keyed table of the new folder holds the base rows unchanged, in the same
 * order, then changed copies of about `fraction` of them, then new rows with
 * fresh keys — the new and changed rows all with UPDATED_AT later than any base
 * row of that table. So an incremental run over the new folder (watermark = the
 * base's high-water mark) sees exactly the update batch, while a full refresh
 * over it sees the same final state (§6). Reference tables are rewritten in full
 * plus codes that change earlier results across tables: two of the unknown
 * tariff codes billing uses (9900, 9901) and a new PMB condition (R50.1).
 * Everything streams, twice over the base table: memory does not grow with
 * scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generator_internal.h"
#include "source_internal.h"

typedef struct update_plan {
  int key;        /* column holding the key */
  int updated;    /* UPDATED_AT */
  int change;     /* the column a changed copy modifies */
} update_plan;

/* Appends src[row] to dst (same flat type). */
static md_code copy_value(md_column *dst, const md_column *src, int64_t row, md_error *err) {
  if (md_column_is_null(src, row)) return md_column_append_null(dst, err);
  md_type t = md_column_type(src);
  const void *v = md_column_values(src);
  switch (t.id) {
    case MD_TYPE_INT32:
    case MD_TYPE_DATE32: return md_column_append_int(dst, ((const int32_t *)v)[row], err);
    case MD_TYPE_INT64:
    case MD_TYPE_TIMESTAMP: return md_column_append_int(dst, ((const int64_t *)v)[row], err);
    case MD_TYPE_DECIMAL128: {
      const int64_t *h = (const int64_t *)v + 2 * row;
      return md_column_append_decimal(dst, h[1], (uint64_t)h[0], err);
    }
    case MD_TYPE_UTF8: {
      const int32_t *o = md_column_offsets(src);
      return md_column_append_bytes(dst, md_column_data(src) + o[row], o[row + 1] - o[row], err);
    }
    default: return md_error_set(err, MD_ERR_UNSUPPORTED, "generate: unexpected column type in an update");
  }
}

/* The changed value of a copy: a realistic correction per table. */
static md_code changed_value(int table, md_column *dst, const md_column *src, int64_t row, gen_rng *r, md_error *err) {
  char buf[32];
  switch (table) {
    case GEN_BILLING:
    case GEN_BILL_PAYMENTS: {
      int64_t cents = md_column_is_null(src, row) ? 0 : ((const int64_t *)md_column_values(src))[2 * row];
      cents += gen_range(r, 1, 50) * 100;
      return md_column_append_decimal(dst, cents < 0 ? -1 : 0, (uint64_t)cents, err);
    }
    case GEN_PATIENTS:
      snprintf(buf, sizeof buf, "082%07lld", (long long)gen_range(r, 0, 9999999));
      return md_column_append_bytes(dst, buf, (int64_t)strlen(buf), err);
    case GEN_GERIATRIC_ASSESSMENTS: return md_column_append_int(dst, gen_range(r, 10, 30), err);
    case GEN_PATIENT_PLANS: return md_column_append_bytes(dst, "CLOSED", 6, err);
    default: return copy_value(dst, src, row, err);
  }
}

static md_code new_columns(const md_schema *schema, md_column **cols, md_error *err) {
  for (int i = 0; i < md_schema_num_fields(schema); i++) {
    cols[i] = md_column_new(md_field_type(md_schema_field(schema, i)));
    if (!cols[i]) return md_error_set(err, MD_ERR_NOMEM, "generate: out of memory");
  }
  return MD_OK;
}

/* A stream over the update rows of one table: pass 1 copies the base, pass 2
 * emits changed copies and new rows. */
typedef struct update_stream {
  md_source_stream *base;      /* current pass over the base table */
  md_source *folder;
  int table;
  const char *name;
  int pass;                    /* 1 copy, 2 changes */
  update_plan plan;
  double fraction;
  uint64_t seed;
  int64_t row_index;           /* rows of the base seen in this pass */
  int64_t max_updated;
  int64_t max_key;
  int64_t new_rows;
} update_stream;

static void update_free(void *impl) {
  update_stream *u = impl;
  if (!u) return;
  md_source_stream_free(u->base);
  free(u);
}

static void note_base(update_stream *u, const md_batch *batch) {
  const md_column *updated = md_batch_column(batch, u->plan.updated);
  const md_column *key = md_batch_column(batch, u->plan.key);
  bool int_key = md_column_type(key).id == MD_TYPE_INT64;
  for (int64_t r = 0; r < md_batch_num_rows(batch); r++) {
    if (!md_column_is_null(updated, r) && ((const int64_t *)md_column_values(updated))[r] > u->max_updated)
      u->max_updated = ((const int64_t *)md_column_values(updated))[r];
    if (int_key && !md_column_is_null(key, r) && ((const int64_t *)md_column_values(key))[r] > u->max_key)
      u->max_key = ((const int64_t *)md_column_values(key))[r];
  }
}

static md_code emit_changes(update_stream *u, const md_batch *base, md_batch **out, md_error *err) {
  const md_schema *schema = md_batch_schema(base);
  int n = md_schema_num_fields(schema);
  md_column *cols[16] = {0};
  md_code code = new_columns(schema, cols, err);
  /* One second after the base's high-water mark, then 100 µs apart. */
  int64_t stamp = u->max_updated + 1000000 + u->row_index * 100;
  for (int64_t r = 0; r < md_batch_num_rows(base) && code == MD_OK; r++) {
    gen_rng rng = gen_rng_for(u->seed, 0x5550 + (uint64_t)u->table, (uint64_t)(u->row_index + r));
    if (!gen_chance(&rng, u->fraction)) continue;
    /* Every third pick becomes a new row with a fresh key instead of a change. */
    bool is_new = gen_below(&rng, 3) == 0;
    for (int c = 0; c < n && code == MD_OK; c++) {
      md_column *src = md_batch_column(base, c);
      if (c == u->plan.updated) code = md_column_append_int(cols[c], stamp + r * 100, err);
      else if (is_new && c == u->plan.key) {
        if (md_column_type(src).id == MD_TYPE_INT64) code = md_column_append_int(cols[c], u->max_key + ++u->new_rows, err);
        else {
          char key[32];
          snprintf(key, sizeof key, "N%08lld", (long long)++u->new_rows);
          code = md_column_append_bytes(cols[c], key, (int64_t)strlen(key), err);
        }
      } else if (!is_new && c == u->plan.change) code = changed_value(u->table, cols[c], src, r, &rng, err);
      else code = copy_value(cols[c], src, r, err);
    }
  }
  md_schema *copy = code == MD_OK ? md_schema_copy(schema) : NULL;
  if (code == MD_OK && !copy) code = md_error_set(err, MD_ERR_NOMEM, "generate: out of memory");
  if (code != MD_OK) {
    for (int c = 0; c < n; c++) md_column_free(cols[c]);
    return code;
  }
  return md_batch_new(copy, cols, n, out, err);
}

static md_code update_next(md_source_stream *stream, md_batch **out, md_error *err) {
  update_stream *u = stream->impl;
  for (;;) {
    md_batch *batch = NULL;
    md_code code = md_source_stream_next(u->base, &batch, err);
    if (code != MD_OK) return code;
    if (!batch) {
      if (u->pass == 2 || u->plan.updated < 0) {
        *out = NULL;
        return MD_OK;
      }
      md_source_stream_free(u->base);
      u->base = NULL;
      u->pass = 2;
      u->row_index = 0;
      code = md_source_scan(u->folder, u->name, NULL, &u->base, err);
      if (code != MD_OK) return code;
      continue;
    }
    if (u->pass == 1) {
      if (u->plan.updated >= 0) note_base(u, batch);
      *out = batch;
      return MD_OK;
    }
    code = emit_changes(u, batch, out, err);
    u->row_index += md_batch_num_rows(batch);
    md_batch_free(batch);
    if (code != MD_OK) return code;
    if (md_batch_num_rows(*out) > 0) return MD_OK;
    md_batch_free(*out);
    *out = NULL;
  }
}

static const stream_vtable update_vtable = {update_next, update_free};

/* Reference rows appended to the full reference tables. */
static md_code reference_extra(int table, const md_schema *schema, md_batch **out, md_error *err) {
  static const char *const tariff[][3] = {{"9900", "Chronic medication review", "ASSESSMENT"},
                                          {"9901", "Telehealth follow-up", "CONSULTATION"}};
  static const char *const pmb[][3] = {{"R50.1", "PMB911", "Persistent fever (added by update)"}};
  int rows = table == GEN_TARIFF_CODES ? 2 : 1;
  md_column *cols[3] = {0};
  md_code code = new_columns(schema, cols, err);
  for (int r = 0; r < rows && code == MD_OK; r++)
    for (int c = 0; c < 3 && code == MD_OK; c++) {
      const char *v = table == GEN_TARIFF_CODES ? tariff[r][c] : pmb[r][c];
      code = md_column_append_bytes(cols[c], v, (int64_t)strlen(v), err);
    }
  md_schema *copy = code == MD_OK ? md_schema_copy(schema) : NULL;
  if (code == MD_OK && !copy) code = md_error_set(err, MD_ERR_NOMEM, "generate: out of memory");
  if (code != MD_OK) {
    for (int c = 0; c < 3; c++) md_column_free(cols[c]);
    return code;
  }
  return md_batch_new(copy, cols, 3, out, err);
}

static md_code update_table(md_source *folder, int table, const md_generate_update_options *options, md_error *err) {
  const gen_table_def *def = generator_table(table);
  md_source_stream *base = NULL;
  md_code code = md_source_scan(folder, def->name, NULL, &base, err);
  if (code != MD_OK) return code;
  const md_schema *schema = md_source_stream_schema(base);
  md_schema *expected = generator_table_schema(table);
  bool matches = expected && md_schema_equal(expected, schema);
  md_schema_free(expected);
  if (!matches) {
    md_source_stream_free(base);
    return md_error_set(err, MD_ERR_SCHEMA, "%s/%s.parquet: not a table written by medallion generate", options->base_dir,
                        def->name);
  }
  update_stream *u = calloc(1, sizeof *u);
  md_schema *copy = md_schema_copy(schema);
  if (!u || !copy) {
    free(u);
    md_schema_free(copy);
    md_source_stream_free(base);
    return md_error_set(err, MD_ERR_NOMEM, "generate: out of memory");
  }
  u->base = base;
  u->folder = folder;
  u->table = table;
  u->name = def->name;
  u->pass = 1;
  u->fraction = options->fraction;
  u->seed = options->seed;
  u->max_updated = INT64_MIN;
  u->plan.key = 0;
  u->plan.updated = def->keyed_by_updated_at ? md_schema_find(schema, "UPDATED_AT") : -1;
  static const char *const change[GEN_TABLE_COUNT] = {"AMOUNT", "PHONE", "MMSE_SCORE", "STATUS", "AMOUNT", NULL, NULL};
  u->plan.change = change[table] ? md_schema_find(schema, change[table]) : -1;
  md_source_stream *stream = NULL;
  code = source_stream_new(&update_vtable, u, copy, &stream, err);
  if (code != MD_OK) return code;
  if (u->plan.updated >= 0) {
    code = generator_write_parquet(stream, options->out_dir, def->name, options->progress, options->progress_context, 0, err);
    md_source_stream_free(stream);
    return code;
  }
  /* Reference tables: base rows, then the extra codes, through a one-batch tail. */
  md_batch *extra = NULL;
  code = reference_extra(table, schema, &extra, err);
  if (code != MD_OK) {
    md_source_stream_free(stream);
    return code;
  }
  code = generator_write_parquet_tail(stream, extra, options->out_dir, def->name, err);
  md_batch_free(extra);
  md_source_stream_free(stream);
  return code;
}

md_code md_generate_update(const md_generate_update_options *options, md_error *err) {
  if (!options || !options->base_dir || !options->out_dir)
    return md_error_set(err, MD_ERR_INVALID, "generate: an update needs a base folder and an output folder");
  if (!(options->fraction >= 0 && options->fraction <= 1))
    return md_error_set(err, MD_ERR_INVALID, "generate: the fraction must lie in [0, 1]");
  if (strcmp(options->base_dir, options->out_dir) == 0)
    return md_error_set(err, MD_ERR_INVALID, "generate: the update must go to another folder than %s", options->base_dir);
  md_source *folder = NULL;
  md_code code = md_source_open_parquet_folder(options->base_dir, &folder, err);
  if (code == MD_OK) code = generator_make_dir(options->out_dir, err);
  for (int t = 0; t < GEN_TABLE_COUNT && code == MD_OK; t++) code = update_table(folder, t, options, err);
  md_source_free(folder);
  return code;
}
