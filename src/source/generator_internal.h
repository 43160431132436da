/* generator_internal.h — the synthetic clinic of PIPELINE.md §7: table
 * definitions, the PRNG, and one row producer per table.
 *
 * Every entity (a patient, a bill, an assessment, ...) draws its values from a
 * PRNG seeded by (seed, table, entity number) alone. That is what makes the data
 * identical for identical arguments, lets a table be streamed with no memory of
 * earlier rows, and lets payments recompute a bill's total without storing it.
 * Private to src/source. */
#ifndef MEDALLION_SOURCE_GENERATOR_INTERNAL_H
#define MEDALLION_SOURCE_GENERATOR_INTERNAL_H

#include "medallion/source.h"

/* ------------------------------------------------------------ table defs */

typedef enum gen_table_id {
  GEN_BILLING = 0,
  GEN_PATIENTS,
  GEN_GERIATRIC_ASSESSMENTS,
  GEN_PATIENT_PLANS,
  GEN_BILL_PAYMENTS,
  GEN_TARIFF_CODES,
  GEN_PMB_CONDITIONS,
  GEN_TABLE_COUNT
} gen_table_id;

typedef enum gen_kind { GEN_INT32, GEN_INT64, GEN_UTF8, GEN_DATE, GEN_TIMESTAMP, GEN_MONEY } gen_kind;

typedef struct gen_column_def {
  const char *name;
  gen_kind kind;
  int varchar_length; /* GEN_UTF8: VARCHAR(n) in Firebird */
} gen_column_def;

typedef struct gen_table_def {
  const char *name; /* lower case, as the Parquet file is named */
  const gen_column_def *columns;
  int num_columns;
  bool keyed_by_updated_at; /* has UPDATED_AT (everything but the reference tables) */
} gen_table_def;

const gen_table_def *generator_table(int id);
/* -1 when unknown; case-insensitive. */
int generator_table_find(const char *name);
/* The columnar schema of §1 (all columns nullable). NULL on allocation failure. */
md_schema *generator_table_schema(int id);
md_type generator_kind_type(gen_kind kind);

/* ----------------------------------------------------------------- PRNG */

/* splitmix64: tiny, fast, and good enough for synthetic data; no libc rand(). */
typedef struct gen_rng {
  uint64_t state;
} gen_rng;

static inline uint64_t gen_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static inline gen_rng gen_rng_for(uint64_t seed, uint64_t stream, uint64_t index) {
  gen_rng r = {gen_mix(seed ^ gen_mix(stream * 0x9E3779B97F4A7C15ull + gen_mix(index + 0x632BE59BD9B4E019ull)))};
  return r;
}
static inline uint64_t gen_next(gen_rng *r) { return gen_mix(r->state += 0x9E3779B97F4A7C15ull); }
/* Uniform in [0, n); n > 0. */
static inline int64_t gen_below(gen_rng *r, int64_t n) { return (int64_t)(gen_next(r) % (uint64_t)n); }
/* Uniform in [lo, hi]. */
static inline int64_t gen_range(gen_rng *r, int64_t lo, int64_t hi) { return lo + gen_below(r, hi - lo + 1); }
/* True with probability p. */
static inline bool gen_chance(gen_rng *r, double p) { return (double)(gen_next(r) >> 11) * 0x1.0p-53 < p; }

/* -------------------------------------------------------------- context */

/* Sizes derived from the options once; all row producers read it. */
typedef struct gen_context {
  md_generator_options options;
  int64_t patients;
  int64_t bills;
  int64_t assessments;
  int64_t plans;
  int64_t tariff_codes;
  int64_t pmb_conditions;
} gen_context;

md_code generator_context_init(gen_context *ctx, const md_generator_options *options, md_error *err);
/* Expected rows of a table (exact for fixed-size tables, an estimate otherwise). */
int64_t generator_expected_rows(const gen_context *ctx, int table);
/* Entities a table's producer iterates over (patients, bills, ...). */
int64_t generator_entities(const gen_context *ctx, int table);

/* --------------------------------------------------------------- dates */

int32_t gen_days_from_civil(int y, int m, int d);
void gen_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Microseconds since the epoch of a date plus a time of day in units of 100 µs:
 * Firebird's TIMESTAMP resolution, so the same data fits both sources. */
static inline int64_t gen_timestamp(int32_t days, int64_t ticks_100us) {
  return (int64_t)days * 86400000000ll + ticks_100us * 100;
}
#define GEN_TICKS_PER_DAY 864000000ll

/* -------------------------------------------------------- row building */

/* Appends one row at a time, column after column; the first error sticks so the
 * producers need not check every value. */
typedef struct gen_builder {
  md_column **columns;
  int num_columns;
  int next;
  int64_t rows;
  md_code code;
  md_error *err;
} gen_builder;

void gen_put_null(gen_builder *b);
void gen_put_int(gen_builder *b, int64_t value);          /* INT32, INT64, DATE, TIMESTAMP */
void gen_put_str(gen_builder *b, const char *value);      /* NULL appends null */
void gen_put_money(gen_builder *b, int64_t cents);        /* decimal(12,2) */
void gen_end_row(gen_builder *b);

/* ------------------------------------------------------- row producers */

/* Appends every row of entity number `entity` (0-based) of table to b. Rows of
 * one entity are contiguous; an entity yields 0 or more rows. */
void generator_emit(const gen_context *ctx, int table, int64_t entity, gen_builder *b);

void gen_emit_billing(const gen_context *ctx, int64_t bill, gen_builder *b);
void gen_emit_payments(const gen_context *ctx, int64_t bill, gen_builder *b);
void gen_emit_patient(const gen_context *ctx, int64_t patient, gen_builder *b);
void gen_emit_assessment(const gen_context *ctx, int64_t assessment, gen_builder *b);
void gen_emit_plan(const gen_context *ctx, int64_t plan, gen_builder *b);
void gen_emit_tariff(const gen_context *ctx, int64_t index, gen_builder *b);
void gen_emit_pmb(const gen_context *ctx, int64_t index, gen_builder *b);

/* Shared by the producers: the domain vocabulary and cross-table lookups. */
void gen_patient_nr(int64_t patient, char *buf, size_t size);        /* patient is 0-based */
int32_t gen_patient_birth_date(const gen_context *ctx, int64_t patient);
const char *gen_patient_medical_aid(const gen_context *ctx, int64_t patient);
void gen_tariff_code(int64_t index, char *buf, size_t size);
int64_t gen_tariff_price_cents(const gen_context *ctx, int64_t index);
void gen_pmb_icd10(int64_t index, char *buf, size_t size);
/* A valid non-PMB ICD-10 code. */
void gen_other_icd10(gen_rng *r, char *buf, size_t size);
/* Puts a code with the §7 dirt: padded or lower case at about 5%. */
void gen_put_dirty_code(gen_builder *b, gen_rng *r, const char *code);

/* A bill's shared facts and its current total (sum of non-null line amounts of
 * the surviving versions); used by billing and by payments. */
typedef struct gen_bill {
  int32_t service_date;
  bool service_date_null;
  int64_t patient;        /* -1: PATIENT_NR null */
  int lines;
  int64_t total_cents;
  bool all_rejected;
  int64_t created_ticks;  /* CREATED_AT of every line, 100 µs units since the epoch day 0 */
} gen_bill;
void gen_bill_facts(const gen_context *ctx, int64_t bill, gen_bill *out);

/* Writes every batch of stream to dir/<table>.parquet with the generator's fixed
 * writer options (deterministic bytes). */
md_code generator_write_parquet(md_source_stream *stream, const char *dir, const char *table,
                                md_generate_progress_fn progress, void *progress_context, int64_t expected,
                                md_error *err);
/* Creates dir and its missing parents. */
md_code generator_make_dir(const char *dir, md_error *err);
/* The same, then one more batch (tail) before closing. */
md_code generator_write_parquet_tail(md_source_stream *stream, const md_batch *tail, const char *dir,
                                     const char *table, md_error *err);

/* PRNG streams: one per table, and separate ones for facts other tables look up
 * (a patient's birth date and scheme), so a lookup costs a few draws. */
enum {
  GEN_STREAM_BILL = 1,
  GEN_STREAM_PAYMENT,
  GEN_STREAM_PATIENT,
  GEN_STREAM_PATIENT_BIRTH,
  GEN_STREAM_PATIENT_AID,
  GEN_STREAM_ASSESSMENT,
  GEN_STREAM_PLAN,
  GEN_STREAM_TARIFF,
  GEN_STREAM_PMB
};

/* Timestamps as 100 µs ticks since 1970-01-01T00:00. The end of as_of is the
 * latest UPDATED_AT of a generated (not updated) data set. */
static inline int64_t gen_day_ticks(int32_t day) { return (int64_t)day * GEN_TICKS_PER_DAY; }
/* A time in office hours (07:00–18:00) of day, in ticks. */
int64_t gen_office_time(gen_rng *r, int32_t day);
/* An UPDATED_AT at or after created, not after the end of as_of; about 3% of
 * rows share one bulk-import instant, so UPDATED_AT ties across keys. */
int64_t gen_updated_after(const gen_context *ctx, gen_rng *r, int64_t created);
/* How a keyed row is duplicated (§7: 1% duplicate keys with older UPDATED_AT). */
typedef enum gen_dup { GEN_DUP_NONE, GEN_DUP_OLDER_FIRST, GEN_DUP_OLDER_LAST, GEN_DUP_TIE } gen_dup;
gen_dup gen_pick_dup(gen_rng *r);
void gen_put_ts(gen_builder *b, int64_t ticks);
/* s with spaces around it, or lower-cased, in buf. */
const char *gen_pad(gen_rng *r, const char *s, char *buf, size_t size);
const char *gen_lower(const char *s, char *buf, size_t size);

#endif
