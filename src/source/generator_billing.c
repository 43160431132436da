/* generator_billing.c — bills (billing lines) and their payments.
 *
 * A bill's lines are produced by one function that both emits rows and computes
 * the bill's facts, so bill_payments can recompute a bill's total from its
 * number alone — no table of bills is kept, and memory stays flat at any scale.
 * Edge cases: service dates exactly on as_of and on as_of - 365 (and -364),
 * future and null service dates, bills whose every line is rejected, null or
 * negative amounts, unknown and dirty tariff codes, duplicate lines with older
 * or tied UPDATED_AT; payments that overpay, that point at no bill, or that pay
 * a fully rejected bill. */
#include <stdio.h>
#include <string.h>

#include "generator_internal.h"

#define N(a) ((int64_t)(sizeof a / sizeof a[0]))

static const char *const sources[] = {"PRACTICE_A", "PRACTICE_B", "BRANCH_NORTH", "BRANCH_SOUTH"};
static const int line_weights[] = {25, 22, 18, 13, 9, 6, 4, 3}; /* 1..8 lines, mean ≈ 3.08 */

typedef struct line_values {
  const char *tariff;     /* code as written (maybe dirty), NULL = null */
  char tariff_buf[32];
  bool tariff_unknown;
  char icd[16];
  bool icd_null;
  int32_t quantity;
  int64_t unit_price;
  int64_t amount;
  bool amount_null;
  int64_t updated;
} line_values;

/* One line's values from its own stream, so an older version differs. */
static void draw_line(const gen_context *ctx, int64_t bill, int line, int version, bool force_reject,
                      line_values *v) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_BILL, ((uint64_t)bill << 8) + (uint64_t)(line << 2) + (uint64_t)version + 1);
  char clean[16], lower[32];
  int64_t tariff_index = gen_chance(&r, 0.5) ? gen_below(&r, 40) : gen_below(&r, ctx->tariff_codes);
  gen_tariff_code(tariff_index, clean, sizeof clean);
  v->tariff_unknown = force_reject || gen_chance(&r, 0.003);
  if (v->tariff_unknown) {
    snprintf(v->tariff_buf, sizeof v->tariff_buf, "99%02d", (int)gen_below(&r, 20));
    v->tariff = v->tariff_buf;
  } else if (gen_chance(&r, 0.001)) {
    v->tariff = NULL;
    v->tariff_unknown = true;
  } else if (gen_chance(&r, 0.05)) {
    if (gen_chance(&r, 0.5)) v->tariff = gen_pad(&r, clean, v->tariff_buf, sizeof v->tariff_buf);
    else v->tariff = gen_pad(&r, gen_lower(clean, lower, sizeof lower), v->tariff_buf, sizeof v->tariff_buf);
  } else {
    snprintf(v->tariff_buf, sizeof v->tariff_buf, "%s", clean);
    v->tariff = v->tariff_buf;
  }
  v->icd_null = gen_chance(&r, 0.1);
  if (gen_chance(&r, 0.4)) gen_pmb_icd10(gen_below(&r, ctx->pmb_conditions), v->icd, sizeof v->icd);
  else gen_other_icd10(&r, v->icd, sizeof v->icd);
  v->quantity = gen_chance(&r, 0.8) ? 1 : (int32_t)gen_range(&r, 2, 4);
  if (gen_chance(&r, 0.001)) v->quantity = (int32_t)gen_range(&r, -2, 0);
  v->unit_price = gen_tariff_price_cents(ctx, tariff_index);
  v->amount = v->quantity * v->unit_price;
  v->amount_null = false;
  uint64_t x = gen_next(&r) % 10000;
  if (x < 10) v->amount_null = true;
  else if (x < 20) v->amount = -v->amount - 100; /* a credit line */
}

static bool line_rejected(const gen_bill *bill, const line_values *v, int32_t as_of) {
  return bill->patient < 0 || bill->service_date_null || bill->service_date > as_of || v->quantity <= 0 ||
         v->amount_null || v->amount < 0 || v->tariff_unknown;
}

static void put_line(gen_builder *b, int64_t bill_id, int line, const char *source, const char *patient,
                     const gen_bill *bill, const char *aid, int64_t created, const line_values *v) {
  gen_put_int(b, bill_id);
  gen_put_int(b, line);
  gen_put_str(b, source);
  gen_put_str(b, patient);
  if (bill->service_date_null) gen_put_null(b);
  else gen_put_int(b, bill->service_date);
  gen_put_str(b, v->tariff);
  gen_put_str(b, v->icd_null ? NULL : v->icd);
  gen_put_int(b, v->quantity);
  gen_put_money(b, v->unit_price);
  if (v->amount_null) gen_put_null(b);
  else gen_put_money(b, v->amount);
  gen_put_str(b, aid);
  gen_put_ts(b, created);
  gen_put_ts(b, v->updated);
  gen_end_row(b);
}

/* Emits the bill's rows when b is not NULL; always fills facts. */
static void bill_lines(const gen_context *ctx, int64_t bill, gen_bill *facts, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_BILL, (uint64_t)bill);
  int32_t as_of = ctx->options.as_of;
  memset(facts, 0, sizeof *facts);
  int pick = (int)gen_below(&r, 100), lines = 1;
  while (pick >= line_weights[lines - 1]) pick -= line_weights[lines - 1], lines++;
  facts->lines = lines;
  facts->patient = gen_below(&r, ctx->patients);
  if (gen_chance(&r, 0.002)) facts->patient = -1;
  facts->service_date = as_of - (int32_t)gen_below(&r, 1095);
  uint64_t x = gen_next(&r) % 100000;
  if (bill == 0 || x < 100) facts->service_date = as_of;
  else if (bill == 1 || x < 200) facts->service_date = as_of - 365;
  else if (bill == 2 || x < 300) facts->service_date = as_of - 364;
  else if (bill == 3 || x < 350) facts->service_date = as_of + (int32_t)gen_range(&r, 1, 45);
  else if (x < 400) facts->service_date_null = true;
  /* A bill whose every line is rejected although its date is fine (payments to
   * it become unknown_bill in silver). */
  bool all_unknown = bill == 4 || gen_chance(&r, 0.002);

  char source_buf[40], lower[40], patient_buf[48], nr[32];
  const char *source = sources[gen_below(&r, N(sources))];
  if (gen_chance(&r, 0.05))
    source = gen_chance(&r, 0.5) ? gen_lower(source, lower, sizeof lower) : gen_pad(&r, source, source_buf, sizeof source_buf);
  const char *patient = NULL;
  if (facts->patient >= 0) {
    gen_patient_nr(facts->patient, nr, sizeof nr);
    patient = gen_chance(&r, 0.03) ? gen_pad(&r, nr, patient_buf, sizeof patient_buf) : nr;
  }
  const char *aid = facts->patient >= 0 ? gen_patient_medical_aid(ctx, facts->patient) : NULL;
  int32_t created_day = facts->service_date_null ? as_of - (int32_t)gen_below(&r, 1095)
                        : facts->service_date > as_of ? as_of : facts->service_date;
  int64_t created = gen_office_time(&r, created_day);
  facts->created_ticks = created;

  facts->all_rejected = true;
  for (int line = 1; line <= lines; line++) {
    line_values current, older;
    draw_line(ctx, bill, line, 0, all_unknown, &current);
    current.updated = gen_updated_after(ctx, &r, created);
    if (!current.amount_null) facts->total_cents += current.amount;
    if (!line_rejected(facts, &current, as_of)) facts->all_rejected = false;
    gen_dup dup = bill == 5 && line == 1 ? GEN_DUP_TIE : gen_pick_dup(&r);
    int64_t older_updated = dup == GEN_DUP_TIE ? current.updated : created - 10000 * gen_range(&r, 1, 3600);
    if (!b) continue;
    if (dup != GEN_DUP_NONE) {
      draw_line(ctx, bill, line, 1, all_unknown, &older);
      older.updated = older_updated;
    }
    if (dup == GEN_DUP_OLDER_FIRST || dup == GEN_DUP_TIE) put_line(b, bill + 1, line, source, patient, facts, aid, created, &older);
    put_line(b, bill + 1, line, source, patient, facts, aid, created, &current);
    if (dup == GEN_DUP_OLDER_LAST) put_line(b, bill + 1, line, source, patient, facts, aid, created, &older);
  }
}

void gen_bill_facts(const gen_context *ctx, int64_t bill, gen_bill *out) { bill_lines(ctx, bill, out, NULL); }
void gen_emit_billing(const gen_context *ctx, int64_t bill, gen_builder *b) {
  gen_bill facts;
  bill_lines(ctx, bill, &facts, b);
}

static const char *const methods[] = {"EFT", "CARD", "CASH"};

static void put_payment(gen_builder *b, gen_rng *r, int64_t id, int64_t bill_id, bool bill_null, int32_t date,
                        bool date_null, int64_t amount, bool amount_null, const char *payer, int64_t updated) {
  gen_put_int(b, id);
  if (bill_null) gen_put_null(b);
  else gen_put_int(b, bill_id);
  if (date_null) gen_put_null(b);
  else gen_put_int(b, date);
  if (amount_null) gen_put_null(b);
  else gen_put_money(b, amount);
  gen_put_dirty_code(b, r, payer);
  gen_put_dirty_code(b, r, methods[gen_below(r, N(methods))]);
  gen_put_ts(b, updated);
  gen_end_row(b);
}

/* Up to three payments per bill; PAYMENT_ID = 4 × bill + k + 1 keeps ids unique
 * without counting earlier bills' payments. */
void gen_emit_payments(const gen_context *ctx, int64_t bill, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PAYMENT, (uint64_t)bill);
  int32_t as_of = ctx->options.as_of;
  int pick = (int)gen_below(&r, 100);
  int count = pick < 25 ? 0 : pick < 85 ? 1 : 2;
  gen_bill facts;
  gen_bill_facts(ctx, bill, &facts);
  if (bill == 4 && count == 0) count = 1; /* the all-rejected bill is paid: unknown_bill */
  bool overpaid = bill == 6 || gen_chance(&r, 0.01);
  if (overpaid && count == 0) count = 1;
  int64_t remaining = facts.total_cents > 0 ? facts.total_cents : gen_range(&r, 100, 100000);
  int32_t base = facts.service_date_null ? as_of - 400 : facts.service_date;
  for (int k = 0; k < count; k++) {
    int64_t id = 4 * bill + k + 1;
    bool orphan = bill == 7 || gen_chance(&r, 0.005);
    int64_t bill_id = orphan ? ctx->bills + 1 + gen_below(&r, ctx->bills) : bill + 1;
    bool last = k == count - 1;
    int64_t amount = last ? remaining : remaining / 2 + gen_below(&r, remaining / 4 + 1);
    if (overpaid && last) amount += gen_range(&r, 100, 50000);
    remaining -= amount;
    bool amount_null = false;
    uint64_t x = gen_next(&r) % 10000;
    if (x < 10) amount_null = true;
    else if (x < 20) amount = -amount;
    else if (x < 25) amount = 0;
    int32_t date = base + (int32_t)gen_range(&r, 5, 120);
    if (date > as_of) date = as_of;
    bool date_null = gen_chance(&r, 0.0005);
    const char *payer = k == 0 && facts.patient >= 0 && gen_patient_medical_aid(ctx, facts.patient) ? "MEDICAL_AID" : "PATIENT";
    int64_t created = gen_office_time(&r, date);
    int64_t updated = gen_updated_after(ctx, &r, created);
    gen_dup dup = gen_pick_dup(&r);
    int64_t older = dup == GEN_DUP_TIE ? updated : created - 10000 * gen_range(&r, 1, 3600);
    bool bill_null = gen_chance(&r, 0.0005);
    if (dup == GEN_DUP_OLDER_FIRST || dup == GEN_DUP_TIE)
      put_payment(b, &r, id, bill_id, bill_null, date, date_null, amount / 2, amount_null, payer, older);
    put_payment(b, &r, id, bill_id, bill_null, date, date_null, amount, amount_null, payer, updated);
    if (dup == GEN_DUP_OLDER_LAST)
      put_payment(b, &r, id, bill_id, bill_null, date, date_null, amount / 2, amount_null, payer, older);
  }
}
