/* generator_context.c — the generator's sizes, calendar arithmetic and row
 * builder, and the dispatch from a table to its row producer.
 *
 * Sizes follow §7 at scale 1 and grow linearly, with floors so that even a tiny
 * test scale contains every edge case. The reference tables (tariff codes, PMB
 * conditions) describe the medical world, not the clinic's volume, so they keep
 * their size at every scale. */
#include <math.h>

#include "generator_internal.h"

static int64_t scaled(double scale, double at_one, int64_t floor) {
  double n = llround(at_one * scale);
  return n < (double)floor ? floor : (int64_t)n;
}

md_code generator_context_init(gen_context *ctx, const md_generator_options *options, md_error *err) {
  if (!options || !(options->scale > 0) || options->scale > 1e5)
    return md_error_set(err, MD_ERR_INVALID, "generator: scale must be in (0, 100000]");
  if (options->as_of < gen_days_from_civil(1950, 1, 1) || options->as_of > gen_days_from_civil(2200, 1, 1))
    return md_error_set(err, MD_ERR_INVALID, "generator: as_of must lie between 1950 and 2200");
  ctx->options = *options;
  ctx->patients = scaled(options->scale, 50000, 60);
  ctx->bills = scaled(options->scale, 330000, 120);
  ctx->assessments = scaled(options->scale, 20000, 40);
  ctx->plans = scaled(options->scale, 30000, 60);
  ctx->tariff_codes = 400;
  ctx->pmb_conditions = 270;
  return MD_OK;
}

int64_t generator_entities(const gen_context *ctx, int table) {
  switch (table) {
    case GEN_BILLING: return ctx->bills;
    case GEN_PATIENTS: return ctx->patients;
    case GEN_GERIATRIC_ASSESSMENTS: return ctx->assessments;
    case GEN_PATIENT_PLANS: return ctx->plans;
    /* Payments are drawn per bill; orphans are some of those draws. */
    case GEN_BILL_PAYMENTS: return ctx->bills;
    case GEN_TARIFF_CODES: return ctx->tariff_codes;
    case GEN_PMB_CONDITIONS: return ctx->pmb_conditions;
  }
  return 0;
}

int64_t generator_expected_rows(const gen_context *ctx, int table) {
  int64_t n = generator_entities(ctx, table);
  switch (table) {
    case GEN_BILLING: return (int64_t)(n * 3.08 * 1.011);
    case GEN_BILL_PAYMENTS: return (int64_t)(n * 0.91);
    case GEN_TARIFF_CODES:
    case GEN_PMB_CONDITIONS: return n + n / 100 + 1;
    default: return n + n / 100;
  }
}

void generator_emit(const gen_context *ctx, int table, int64_t entity, gen_builder *b) {
  switch (table) {
    case GEN_BILLING: gen_emit_billing(ctx, entity, b); break;
    case GEN_PATIENTS: gen_emit_patient(ctx, entity, b); break;
    case GEN_GERIATRIC_ASSESSMENTS: gen_emit_assessment(ctx, entity, b); break;
    case GEN_PATIENT_PLANS: gen_emit_plan(ctx, entity, b); break;
    case GEN_BILL_PAYMENTS: gen_emit_payments(ctx, entity, b); break;
    case GEN_TARIFF_CODES: gen_emit_tariff(ctx, entity, b); break;
    case GEN_PMB_CONDITIONS: gen_emit_pmb(ctx, entity, b); break;
  }
}

int32_t gen_days_from_civil(int y, int m, int d) { return (int32_t)md_days_from_civil(y, m, d); }

void gen_civil_from_days(int32_t days, int *y, int *m, int *d) {
  int64_t year;
  md_civil_from_days(days, &year, m, d);
  *y = (int)year;
}

static md_column *take(gen_builder *b) {
  if (b->code != MD_OK) return NULL;
  if (b->next >= b->num_columns) {
    b->code = md_error_set(b->err, MD_ERR_INTERNAL, "generator: row has too many values");
    return NULL;
  }
  return b->columns[b->next++];
}

void gen_put_null(gen_builder *b) {
  md_column *c = take(b);
  if (c) b->code = md_column_append_null(c, b->err);
}

void gen_put_int(gen_builder *b, int64_t value) {
  md_column *c = take(b);
  if (c) b->code = md_column_append_int(c, value, b->err);
}

void gen_put_str(gen_builder *b, const char *value) {
  md_column *c = take(b);
  if (!c) return;
  if (!value) b->code = md_column_append_null(c, b->err);
  else {
    int64_t n = 0;
    while (value[n]) n++;
    b->code = md_column_append_bytes(c, value, n, b->err);
  }
}

void gen_put_money(gen_builder *b, int64_t cents) {
  md_column *c = take(b);
  if (c) b->code = md_column_append_decimal(c, cents < 0 ? -1 : 0, (uint64_t)cents, b->err);
}

void gen_end_row(gen_builder *b) {
  if (b->code == MD_OK && b->next != b->num_columns)
    b->code = md_error_set(b->err, MD_ERR_INTERNAL, "generator: row has %d of %d values", b->next, b->num_columns);
  b->next = 0;
  b->rows++;
}
