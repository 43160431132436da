/* generator_patients.c — the patients table, and the patient facts other tables
 * look up (number, birth date, medical scheme).
 *
 * The practice is geriatric-leaning, so ages skew old. Edge cases of §7 and §3
 * are planted at fixed patient numbers (so every scale has them) and at small
 * rates: birthdays on 29 February, a patient turning 65 exactly on as_of, dates
 * of birth missing, after as_of or before 1900, unparseable genders,
 * whitespace-only strings and non-ASCII names. */
#include <stdio.h>
#include <string.h>

#include "generator_internal.h"

static const char *const first_names[] = {
    "Thandiwe", "Sipho", "Nomvula", "Pieter", "Zoë", "Jürgen", "Ayesha", "Johan", "Lindiwe", "Bongani",
    "Anél", "Marié", "Kagiso", "José", "Chloé", "Renée", "Siobhán", "Ntombi", "Mohammed", "Sarah",
    "Themba", "Elsabé", "Priya", "David", "Nokuthula", "François", "Lerato", "Grace", "Søren", "Thabo",
    "Fatima", "Hendrik", "Mpho", "Ingrid", "Zanele", "Ruan", "Dawid", "Naledi", "Khanyisile", "Björn",
};
static const char *const surnames[] = {
    "Dlamini-Ndlovu", "van der Merwe", "Naidoo", "Botha", "Khumalo", "Müller", "Pillay", "Mokoena",
    "Ferreira", "Nel", "O'Brien", "Le Roux", "Nkosi", "Pretorius", "Govender", "du Plessis", "Mahlangu",
    "Ramaphosa", "Smith", "Søndergaard", "Coetzee", "Mthembu", "Jacobs", "Van Wyk", "Zulu", "Ngcobo",
    "Müller-Lüdenscheidt", "Moosa", "Venter", "Kruger",
};
static const char *const schemes[] = {
    "Discovery Health", "Bonitas", "Momentum Health", "GEMS", "Medshield", "Bestmed", "Fedhealth",
    "Profmed", "Polmed", "Sizwe Hosmed",
};
static const char *const genders[] = {"M", "F", "Male", "female", " f ", "m", "FEMALE", "MALE", "F", "M"};
static const char *const bad_genders[] = {"X", "unknown", "?", "   ", "", "N/A", "U", "mf"};

#define N(a) ((int64_t)(sizeof a / sizeof a[0]))

void gen_patient_nr(int64_t patient, char *buf, size_t size) {
  snprintf(buf, size, "P%08lld", (long long)(patient + 1));
}

/* INT32_MIN: null. */
int32_t gen_patient_birth_date(const gen_context *ctx, int64_t patient) {
  int32_t as_of = ctx->options.as_of;
  int y, m, d;
  gen_civil_from_days(as_of, &y, &m, &d);
  switch (patient) {
    case 0: return gen_days_from_civil(1944, 2, 29);
    case 1: /* turns 65 exactly on as_of (as_of on 29 Feb: born 28 Feb) */
      return gen_days_from_civil(y - 65, m, m == 2 && d == 29 ? 28 : d);
    case 2: return gen_days_from_civil(1960, 2, 29);
    case 3: return gen_days_from_civil(y - 65, m, m == 2 && d == 29 ? 28 : d) + 1; /* 64 until tomorrow */
    case 4: return gen_days_from_civil(1899, 12, 31);
    case 5: return as_of + 1;
    default: break;
  }
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PATIENT_BIRTH, (uint64_t)patient);
  uint64_t x = gen_next(&r) % 100000;
  if (x < 100) return INT32_MIN;
  if (x < 150) return as_of + (int32_t)gen_range(&r, 1, 400);
  if (x < 200) return gen_days_from_civil(1890, 1, 1) + (int32_t)gen_below(&r, 3650);
  if (x < 500) {
    int leap = 1924 + 4 * (int)gen_below(&r, 24); /* 1924..2016, all leap years */
    return gen_days_from_civil(leap, 2, 29);
  }
  static const int band_lo[] = {0, 18, 45, 65, 75, 85};
  static const int band_hi[] = {17, 44, 64, 74, 84, 104};
  static const int weight[] = {10, 20, 25, 18, 15, 12};
  int pick = (int)gen_below(&r, 100), band = 0;
  while (pick >= weight[band]) pick -= weight[band++];
  int age = (int)gen_range(&r, band_lo[band], band_hi[band]);
  return gen_days_from_civil(y - age - 1, m, 1) + (int32_t)gen_below(&r, 365);
}

/* NULL: a private patient. */
const char *gen_patient_medical_aid(const gen_context *ctx, int64_t patient) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PATIENT_AID, (uint64_t)patient);
  if (gen_chance(&r, 0.2)) return NULL;
  return schemes[gen_below(&r, N(schemes))];
}

/* South African ID: YYMMDD SSSS C A Z, Z the Luhn check digit. */
static void id_number(gen_rng *r, int32_t birth, bool female, char *buf, size_t size) {
  int y, m, d;
  gen_civil_from_days(birth, &y, &m, &d);
  char digits[14];
  snprintf(digits, sizeof digits, "%02d%02d%02d%04d%d8", ((y % 100) + 100) % 100, m, d,
           (int)(female ? gen_below(r, 5000) : 5000 + gen_below(r, 5000)), 0);
  int sum = 0;
  for (int i = 0; i < 12; i++) {
    int v = digits[11 - i] - '0';
    if (i % 2 == 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  digits[12] = (char)('0' + (10 - sum % 10) % 10);
  digits[13] = 0;
  if (gen_chance(r, 0.002)) /* keyed in with a no-break space from a word processor */
    snprintf(buf, size, "%.6s\xc2\xa0%.7s", digits, digits + 6);
  else
    snprintf(buf, size, "%s", digits);
}

static void phone(gen_rng *r, char *buf, size_t size) {
  int64_t n = gen_range(r, 1000000, 9999999);
  switch (gen_below(r, 4)) {
    case 0: snprintf(buf, size, "+27 8%d %03lld %04lld", (int)gen_range(r, 1, 4), (long long)(n / 10000), (long long)(n % 10000)); break;
    case 1: snprintf(buf, size, "08%d%07lld", (int)gen_range(r, 1, 4), (long long)n); break;
    case 2: snprintf(buf, size, "(021) %03lld-%04lld", (long long)(n / 10000), (long long)(n % 10000)); break;
    default: snprintf(buf, size, "0%d %07lld", (int)gen_range(r, 10, 59), (long long)n); break;
  }
}

typedef struct patient_version {
  const char *aid;
  char phone[32];
  int64_t updated;
} patient_version;

static void put_patient(const gen_context *ctx, gen_builder *b, const char *nr, const char *first,
                        const char *surname, const char *id, int32_t birth, const char *gender,
                        const char *aid_nr, int64_t created, const patient_version *v) {
  (void)ctx;
  gen_put_str(b, nr);
  gen_put_str(b, first);
  gen_put_str(b, surname);
  gen_put_str(b, id);
  if (birth == INT32_MIN) gen_put_null(b);
  else gen_put_int(b, birth);
  gen_put_str(b, gender);
  gen_put_str(b, v->aid);
  gen_put_str(b, v->aid ? aid_nr : NULL);
  gen_put_str(b, v->phone[0] ? v->phone : NULL);
  gen_put_ts(b, created);
  gen_put_ts(b, v->updated);
  gen_end_row(b);
}

void gen_emit_patient(const gen_context *ctx, int64_t patient, gen_builder *b) {
  gen_rng r = gen_rng_for(ctx->options.seed, GEN_STREAM_PATIENT, (uint64_t)patient);
  char nr[32], padded[48], id[48], aid_nr[24];
  gen_patient_nr(patient, nr, sizeof nr);
  const char *nr_value = nr;
  if (patient == 6 || gen_chance(&r, 0.002)) nr_value = NULL;
  else if (gen_chance(&r, 0.03)) nr_value = gen_pad(&r, nr, padded, sizeof padded);

  bool female = gen_chance(&r, 0.58);
  const char *first = first_names[gen_below(&r, N(first_names))];
  const char *surname = surnames[gen_below(&r, N(surnames))];
  if (patient == 7) first = "Zoë", surname = "Dlamini-Ndlovu";
  if (patient == 8 || gen_chance(&r, 0.002)) first = "   "; /* whitespace-only: null after trimming */
  int32_t birth = gen_patient_birth_date(ctx, patient);
  id[0] = 0;
  id_number(&r, birth == INT32_MIN ? ctx->options.as_of - 20000 : birth, female, id, sizeof id);
  const char *id_value = gen_chance(&r, 0.005) ? NULL : id;
  const char *gender;
  if (patient == 9 || gen_chance(&r, 0.02)) gender = bad_genders[gen_below(&r, N(bad_genders))];
  else if (gen_chance(&r, 0.01)) gender = NULL;
  else gender = genders[gen_below(&r, N(genders) / 2) * 2 + (female ? 1 : 0)];
  snprintf(aid_nr, sizeof aid_nr, "%lld", (long long)gen_range(&r, 10000000, 999999999));

  int32_t created_day = ctx->options.as_of - (int32_t)gen_range(&r, 30, 1825);
  int64_t created = gen_office_time(&r, created_day);
  patient_version current = {gen_patient_medical_aid(ctx, patient), "", 0};
  phone(&r, current.phone, sizeof current.phone);
  if (gen_chance(&r, 0.005)) strcpy(current.phone, " ");
  current.updated = gen_updated_after(ctx, &r, created);

  gen_dup dup = patient == 10 ? GEN_DUP_TIE : patient == 11 ? GEN_DUP_OLDER_LAST : gen_pick_dup(&r);
  patient_version older = current;
  phone(&r, older.phone, sizeof older.phone);
  older.aid = gen_chance(&r, 0.5) ? current.aid : NULL;
  older.updated = created;
  if (dup == GEN_DUP_TIE) older.updated = current.updated;
  else if (older.updated == current.updated) current.updated += 10000; /* one second later */

  if (dup == GEN_DUP_OLDER_FIRST || dup == GEN_DUP_TIE)
    put_patient(ctx, b, nr_value, first, surname, id_value, birth, gender, aid_nr, created, &older);
  put_patient(ctx, b, nr_value, first, surname, id_value, birth, gender, aid_nr, created, &current);
  if (dup == GEN_DUP_OLDER_LAST)
    put_patient(ctx, b, nr_value, first, surname, id_value, birth, gender, aid_nr, created, &older);
}
