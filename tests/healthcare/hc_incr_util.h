/* hc_incr_util.h — helpers for the incremental-run tests: run the pipeline on
 * a source folder into a home (full or incremental, optional run id and
 * selection), apply generator update batches, read table versions, and
 * compare every silver, rejects and gold table of two homes as multisets
 * (PIPELINE.md §6). */
#ifndef MEDALLION_HC_INCR_UTIL_H
#define MEDALLION_HC_INCR_UTIL_H

#include <sys/stat.h>

#include "hc_test_util.h"

static const char *const HCI_COMPARED[] = {
    "silver/tariff_codes",          "silver/pmb_conditions",
    "silver/billing",               "silver/billing_rejects",
    "silver/patients",              "silver/patients_rejects",
    "silver/geriatric_assessments", "silver/geriatric_assessments_rejects",
    "silver/patient_plans",         "silver/patient_plans_rejects",
    "silver/bill_payments",         "silver/bill_payments_rejects",
    "gold/grouped_billing",         "gold/pmb_geriatric",
    "gold/outstanding_balances",    "gold/monthly_revenue"};
#define HCI_NUM_COMPARED ((int)(sizeof HCI_COMPARED / sizeof *HCI_COMPARED))

/* The as_of of the runs below; a test may move it. */
static int32_t hci_as_of = MD_GENERATOR_DEFAULT_AS_OF;

static __attribute__((unused)) md_run *hci_run(const char *source_dir, const char *home, const char *run_id,
                                               bool incremental, const char *selection) {
  mkdir(home, 0777);
  md_error err;
  md_source *source = NULL;
  if (md_source_open_parquet_folder(source_dir, &source, &err)) fail_msg("source: %s", err.message);
  md_pipeline *p = NULL;
  if (hc_pipeline_build(&p, &err)) fail_msg("build: %s", err.message);
  hc_config cfg = {.home = home, .source = source, .source_system = md_source_kind(source), .key = HC_TEST_KEY,
                   .key_length = strlen(HC_TEST_KEY), .as_of = hci_as_of,
                   .started_at_us = 1782777600000000LL, .libduckdb = "/nonexistent/libduckdb.so",
                   .incremental = incremental};
  md_run_options o = {.run_id = run_id, .home = home, .resources = &cfg, .selection = selection};
  md_run *run = NULL;
  if (md_pipeline_run(p, &o, &run, &err)) fail_msg("run: %s", err.message);
  md_pipeline_free(p);
  md_source_free(source);
  return run;
}

/* Runs and requires success, printing failed assets. */
static __attribute__((unused)) void hci_run_ok(const char *source_dir, const char *home, const char *run_id,
                                               bool incremental, const char *selection) {
  md_run *run = hci_run(source_dir, home, run_id, incremental, selection);
  if (!md_run_succeeded(run)) {
    for (int i = 0; i < md_run_num_results(run); i++) {
      const md_asset_result *r = md_run_result(run, i);
      if (r->status == MD_ASSET_FAILED || r->checks_failed)
        fprintf(stderr, "%s: %s (%d checks failed)\n", r->name, r->error, r->checks_failed);
    }
    md_run_free(run);
    fail_msg("run on %s failed", source_dir);
  }
  md_run_free(run);
}

static __attribute__((unused)) void hci_update(const char *base, const char *out, double fraction, uint64_t seed) {
  md_generate_update_options u = {base, fraction, seed, out, NULL, NULL};
  md_error err;
  if (md_generate_update(&u, &err)) fail_msg("update of %s: %s", base, err.message);
}

static __attribute__((unused)) int64_t hci_version(const char *home, const char *table) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", home, table);
  md_delta_table *t = NULL;
  if (md_delta_table_open(path, &t, NULL) != MD_OK) return -1;
  int64_t v = md_delta_table_latest_version(t);
  md_delta_table_free(t);
  return v;
}

typedef struct hci_case {
  char src0[1500], src1[1500], home[1500], full[1500];
} hci_case;

/* dir/source0 generated (scale, seed) and run incrementally into dir/home
 * (run_id may be NULL), dir/source1 its update; dir/full is left for a full
 * refresh. */
static __attribute__((unused)) void hci_prepare(hci_case *c, const char *dir, double scale, uint64_t seed,
                                                const char *run_id, double fraction, uint64_t update_seed) {
  mkdir(dir, 0777);
  snprintf(c->src0, sizeof c->src0, "%s/source0", dir);
  snprintf(c->src1, sizeof c->src1, "%s/source1", dir);
  snprintf(c->home, sizeof c->home, "%s/home", dir);
  snprintf(c->full, sizeof c->full, "%s/full", dir);
  md_generate_options g = {{scale, seed, MD_GENERATOR_DEFAULT_AS_OF}, c->src0, NULL, NULL, NULL};
  md_error err;
  if (md_generate(&g, &err)) fail_msg("generate: %s", err.message);
  hci_run_ok(c->src0, c->home, run_id, true, NULL);
  hci_update(c->src0, c->src1, fraction, update_seed);
}

/* Number of differing rows over every compared table. */
static __attribute__((unused)) int64_t hci_compare_homes(const char *got_home, const char *want_home) {
  int64_t diffs = 0;
  for (int i = 0; i < HCI_NUM_COMPARED; i++) {
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/%s", got_home, HCI_COMPARED[i]);
    snprintf(b, sizeof b, "%s/%s", want_home, HCI_COMPARED[i]);
    hct_rows ra = hct_delta_rows_ordered(a, false, NULL, true), rb = hct_delta_rows_ordered(b, false, NULL, true);
    diffs += hct_compare(HCI_COMPARED[i], &ra, &rb);
    rows_free(&ra);
    rows_free(&rb);
  }
  return diffs;
}

#endif
