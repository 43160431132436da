/* generator_reference.c — the reference tables: tariff codes and Prescribed
 * Minimum Benefit conditions, and the code vocabulary billing and plans draw on.
 *
 * Reference dirt per §3: duplicate codes (the later row must win), a null code
 * (ignored), padded and lower-case codes. Unknown tariff codes used by billing
 * come from 9900–9919, a range the table never holds, so that an update can add
 * some of them and turn earlier rejects valid (§6). */
#include <stdio.h>

#include "generator_internal.h"

#define N(a) ((int64_t)(sizeof a / sizeof a[0]))

void gen_tariff_code(int64_t index, char *buf, size_t size) {
  if (index % 20 == 19) snprintf(buf, size, "MED%03lld", (long long)index);
  else snprintf(buf, size, "%04lld", (long long)(190 + 7 * index));
}

int64_t gen_tariff_price_cents(const gen_context *ctx, int64_t index) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_TARIFF, (uint64_t)index + 1000000);
  return gen_range(&r, 85, 3500) * 100 + (gen_chance(&r, 0.5) ? 0 : gen_below(&r, 100));
}

static const char *const categories[] = {"CONSULTATION", "PROCEDURE", "ASSESSMENT"};
static const char *const tariff_words[] = {
    "Consultation", "Follow-up visit", "Home visit", "Wound care", "ECG", "Spirometry",
    "Cognitive screening", "Falls assessment", "Injection", "Blood glucose test", "Catheter care",
    "Medication review", "Physiotherapy session", "Dietitian consult", "Après-hours visit",
};

static void put_tariff(gen_builder *b, gen_rng *r, const char *code, const char *description, const char *category) {
  if (code) gen_put_dirty_code(b, r, code);
  else gen_put_null(b);
  gen_put_str(b, description);
  gen_put_dirty_code(b, r, category);
  gen_end_row(b);
}

void gen_emit_tariff(const gen_context *ctx, int64_t index, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_TARIFF, (uint64_t)index);
  char code[16], description[128];
  gen_tariff_code(index, code, sizeof code);
  const char *category = index % 20 == 19 ? "MEDICATION" : categories[gen_below(&r, N(categories))];
  snprintf(description, sizeof description, "%s (%s)", tariff_words[gen_below(&r, N(tariff_words))], code);
  if (index == 3 || gen_chance(&r, 0.01)) /* an outdated row first; the later one wins */
    put_tariff(b, &r, code, "Superseded tariff", categories[gen_below(&r, N(categories))]);
  put_tariff(b, &r, code, description, category);
  if (index == 5) put_tariff(b, &r, NULL, "Row without a code", "PROCEDURE");
}

/* Real PMB chronic-disease-list codes first, then generated ones. */
static const struct { const char *icd10, *pmb, *description; } known_pmb[] = {
    {"E11.9", "CDL12", "Diabetes mellitus type 2"},  {"I10", "CDL17", "Hypertension"},
    {"J45.9", "CDL02", "Asthma"},                    {"I50.9", "CDL07", "Cardiac failure"},
    {"N18.9", "CDL05", "Chronic renal disease"},     {"G30.9", "PMB910", "Alzheimer's disease"},
    {"F03", "PMB910", "Dementia, unspecified"},      {"G20", "CDL22", "Parkinson's disease"},
    {"J44.9", "CDL04", "Chronic obstructive pulmonary disease"}, {"E78.5", "CDL13", "Hyperlipidaemia"},
    {"I25.1", "CDL06", "Coronary artery disease"},   {"E03.9", "CDL15", "Hypothyroidism"},
    {"B20", "CDL26", "HIV disease"},                 {"G40.9", "CDL11", "Epilepsy"},
    {"M06.9", "CDL20", "Rheumatoid arthritis"},      {"F32.9", "PMB910", "Depressive episode"},
};

void gen_pmb_icd10(int64_t index, char *buf, size_t size) {
  if (index < N(known_pmb)) snprintf(buf, size, "%s", known_pmb[index].icd10);
  else {
    int64_t k = index - N(known_pmb);
    snprintf(buf, size, "%c%02lld.%lld", (char)('A' + k % 26), (long long)(k / 26 % 100), (long long)(k % 10));
  }
}

void gen_other_icd10(gen_rng *r, char *buf, size_t size) {
  /* Generated PMB codes carry category numbers 00-09; these use 50-99, so a
   * non-PMB code can never collide with a PMB one. */
  snprintf(buf, size, "%c%02d.%d", gen_chance(r, 0.5) ? 'Z' : 'R', (int)gen_range(r, 50, 99), (int)gen_below(r, 10));
}

void gen_emit_pmb(const gen_context *ctx, int64_t index, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PMB, (uint64_t)index);
  char icd[16], pmb[16], description[96];
  gen_pmb_icd10(index, icd, sizeof icd);
  const char *description_value = description;
  if (index < N(known_pmb)) {
    snprintf(pmb, sizeof pmb, "%s", known_pmb[index].pmb);
    description_value = known_pmb[index].description;
  } else {
    snprintf(pmb, sizeof pmb, "%lld%c", (long long)(900 + index % 100), (char)('A' + gen_below(&r, 6)));
    snprintf(description, sizeof description, "PMB condition %s", icd);
  }
  if (index == 4 || gen_chance(&r, 0.01)) { /* duplicate: the later row wins */
    gen_put_dirty_code(b, &r, icd);
    gen_put_str(b, "000X");
    gen_put_str(b, "Withdrawn entry");
    gen_end_row(b);
  }
  gen_put_dirty_code(b, &r, icd);
  gen_put_str(b, pmb);
  gen_put_str(b, description_value);
  gen_end_row(b);
  if (index == 6) {
    gen_put_null(b);
    gen_put_str(b, "999Z");
    gen_put_str(b, "Row without a code");
    gen_end_row(b);
  }
}
