/* generator_clinical.c — geriatric assessments and patient plans.
 *
 * Assessments go mostly to patients of 65 and over (the practice's geriatric
 * clinic); plans reference PMB conditions often enough that gold/pmb_geriatric
 * has rows at every scale. Dirt: out-of-range and null scores, dirty FALLS_RISK
 * and PLAN_TYPE case, plans ending before they start, dates exactly on as_of. */
#include <stdio.h>

#include "generator_internal.h"

#define N(a) ((int64_t)(sizeof a / sizeof a[0]))

static const char *const assessors[] = {
    "Dr N. Dlamini", "Dr P. van der Merwe", "Sr T. Khumalo", "Dr A. Naidoo", "Sr M. Müller",
    "Dr Zoë Pillay", "OT R. Botha", "Dr J. Ferreira",
};

static int64_t geriatric_patient(const gen_context *ctx, gen_rng *r) {
  int64_t p = gen_below(r, ctx->patients);
  int32_t cutoff = ctx->options.as_of - 65 * 365;
  for (int tries = 0; tries < 6 && gen_chance(r, 0.85); tries++) {
    int32_t birth = gen_patient_birth_date(ctx, p);
    if (birth != INT32_MIN && birth <= cutoff) break;
    p = gen_below(r, ctx->patients);
  }
  return p;
}

static void put_patient_ref(gen_builder *b, gen_rng *r, int64_t patient) {
  char nr[32], padded[48];
  gen_patient_nr(patient, nr, sizeof nr);
  if (gen_chance(r, 0.002)) gen_put_null(b);
  else if (gen_chance(r, 0.02)) gen_put_str(b, gen_pad(r, nr, padded, sizeof padded));
  else gen_put_str(b, nr);
}

static void put_score(gen_builder *b, gen_rng *r, int lo, int hi, bool out_of_range) {
  if (out_of_range) gen_put_int(b, gen_chance(r, 0.5) ? hi + gen_range(r, 1, 5) : lo - gen_range(r, 1, 3));
  else if (gen_chance(r, 0.03)) gen_put_null(b);
  else gen_put_int(b, gen_range(r, lo, hi));
}

static const char *const falls[] = {"LOW", "MEDIUM", "HIGH"};

static void put_assessment(const gen_context *ctx, gen_builder *b, int64_t id, int64_t patient, int64_t seed_for_row,
                           int64_t updated) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_ASSESSMENT, (uint64_t)seed_for_row);
  gen_put_int(b, id);
  put_patient_ref(b, &r, patient);
  int32_t as_of = ctx->options.as_of;
  if (id == 1) gen_put_int(b, as_of);
  else if (gen_chance(&r, 0.002)) gen_put_null(b);
  else gen_put_int(b, as_of - (int32_t)gen_below(&r, 1095));
  int bad = gen_chance(&r, 0.01) ? (int)gen_below(&r, 4) : -1;
  put_score(b, &r, 0, 6, bad == 0);
  put_score(b, &r, 0, 8, bad == 1);
  put_score(b, &r, 0, 30, bad == 2);
  put_score(b, &r, 1, 9, bad == 3);
  if (gen_chance(&r, 0.02)) gen_put_null(b);
  else if (gen_chance(&r, 0.01)) gen_put_str(b, "UNKNOWN");
  else gen_put_dirty_code(b, &r, falls[gen_below(&r, 3)]);
  gen_put_str(b, assessors[gen_below(&r, N(assessors))]);
  gen_put_ts(b, updated);
  gen_end_row(b);
}

void gen_emit_assessment(const gen_context *ctx, int64_t assessment, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_ASSESSMENT, (uint64_t)assessment);
  int64_t patient = geriatric_patient(ctx, &r);
  int32_t day = ctx->options.as_of - (int32_t)gen_below(&r, 1095);
  int64_t created = gen_office_time(&r, day);
  int64_t updated = gen_updated_after(ctx, &r, created);
  gen_dup dup = gen_pick_dup(&r);
  /* Row contents come from their own streams so the older version differs. */
  int64_t row_seed = (int64_t)((uint64_t)assessment << 2);
  int64_t older_updated = dup == GEN_DUP_TIE ? updated : created - 10000 * gen_range(&r, 1, 86400);
  if (dup == GEN_DUP_OLDER_FIRST || dup == GEN_DUP_TIE)
    put_assessment(ctx, b, assessment + 1, patient, row_seed + 1, older_updated);
  put_assessment(ctx, b, assessment + 1, patient, row_seed, updated);
  if (dup == GEN_DUP_OLDER_LAST) put_assessment(ctx, b, assessment + 1, patient, row_seed + 2, older_updated);
}

static const char *const plan_types[] = {"CHRONIC", "PALLIATIVE", "REHAB", "PREVENTIVE"};

void gen_emit_plan(const gen_context *ctx, int64_t plan, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PLAN, (uint64_t)plan);
  int32_t as_of = ctx->options.as_of;
  int64_t patient = geriatric_patient(ctx, &r);
  char icd[16];
  if (gen_chance(&r, 0.6)) gen_pmb_icd10(gen_below(&r, ctx->pmb_conditions), icd, sizeof icd);
  else gen_other_icd10(&r, icd, sizeof icd);
  const char *type = plan_types[gen_below(&r, N(plan_types))];
  bool start_null = gen_chance(&r, 0.002);
  int32_t start = as_of - (int32_t)gen_below(&r, 1825);
  if (plan == 0) start = as_of;
  int status_pick = (int)gen_below(&r, 100);
  const char *status = status_pick < 60 ? "ACTIVE" : status_pick < 90 ? "CLOSED" : "CANCELLED";
  bool end_null = status_pick < 60 ? gen_chance(&r, 0.7) : false;
  int32_t end = start + (int32_t)gen_range(&r, 30, 900);
  if (status_pick >= 60 && end > as_of) end = as_of;
  if (plan == 1) end = as_of, end_null = false, status = "ACTIVE";
  bool end_before_start = plan == 2 || gen_chance(&r, 0.005);
  if (end_before_start) end = start - (int32_t)gen_range(&r, 1, 60), end_null = false;
  int64_t created = gen_office_time(&r, start_null ? as_of - 30 : (start < as_of ? start : as_of));
  int64_t updated = gen_updated_after(ctx, &r, created);
  gen_dup dup = gen_pick_dup(&r);
  for (int version = 0; version < 3; version++) {
    bool is_current = version == 1;
    if (!is_current && !((version == 0 && (dup == GEN_DUP_OLDER_FIRST || dup == GEN_DUP_TIE)) ||
                         (version == 2 && dup == GEN_DUP_OLDER_LAST)))
      continue;
    gen_put_int(b, plan + 1);
    put_patient_ref(b, &r, patient);
    gen_put_dirty_code(b, &r, type);
    gen_put_str(b, gen_chance(&r, 0.05) ? NULL : icd);
    if (start_null) gen_put_null(b);
    else gen_put_int(b, start);
    if (end_null) gen_put_null(b);
    else gen_put_int(b, end);
    gen_put_dirty_code(b, &r, is_current ? status : "ACTIVE");
    gen_put_ts(b, is_current ? updated : dup == GEN_DUP_TIE ? updated : created - 10000 * gen_range(&r, 1, 86400));
    gen_end_row(b);
  }
}
