/* gold_billing.c — gold/grouped_billing, gold/outstanding_balances and
 * gold/monthly_revenue (PIPELINE.md §4), each with its reconciliation check
 * against the silver totals. */
#include <stdio.h>
#include <stdlib.h>

#include "hc_internal.h"

static md_expr *money(md_expr *e) { return md_cast(e, md_type_decimal(18, 2)); }

static md_expr *money_or_zero(md_expr *e) {
  md_expr *pair[2] = {money(e), md_lit_decimal(0, 18, 2)};
  return md_coalesce(pair, 2);
}

static void reconcile(md_asset_ctx *ctx, const char *name, int64_t got, int64_t want) {
  char detail[160];
  snprintf(detail, sizeof detail, "gold %lld.%02lld, silver %lld.%02lld (cents: %lld vs %lld)", (long long)(got / 100),
           (long long)llabs(got % 100), (long long)(want / 100), (long long)llabs(want % 100), (long long)got,
           (long long)want);
  md_asset_ctx_check(ctx, name, got == want, detail);
}

md_code hc_gold_grouped_billing(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_gold_grouped_billing(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  md_batch *out = NULL;
  hc_snapshot billing = {0};
  int64_t silver_total = 0;
  static const char *const deps[] = {"silver/billing"};
  if (hc_skip_unchanged(ctx, cfg, "gold", "grouped_billing", deps, 1)) return MD_OK;
  static const char *const used[] = {"SOURCE", "SERVICE_MONTH", "TARIFF_CATEGORY", "BILL_ID", "PATIENT_KEY", "AMOUNT"};
  static const char *const amount[] = {"AMOUNT"};
  md_code rc = hc_open_snapshot(ctx, cfg, "silver", "billing", &billing, err);
  if (rc == MD_OK) rc = hc_plan_decimal_sum(cfg, hc_scan_snapshot(&billing, amount, 1), "AMOUNT", &silver_total, err);
  if (rc == MD_OK) {
    static const char *const keys[] = {"SOURCE", "SERVICE_MONTH", "TARIFF_CATEGORY"};
    md_agg aggs[] = {{MD_AGG_COUNT_ALL, NULL, "LINE_COUNT"},
                     {MD_AGG_COUNT_DISTINCT, "BILL_ID", "BILL_COUNT"},
                     {MD_AGG_COUNT_DISTINCT, "PATIENT_KEY", "PATIENT_COUNT"},
                     {MD_AGG_SUM, "AMOUNT", "_total"}};
    md_plan *p = md_plan_aggregate(hc_scan_snapshot(&billing, used, 6), keys, 3, aggs, 4);
    md_expr *e[] = {md_col("SOURCE"),       md_col("SERVICE_MONTH"), md_col("TARIFF_CATEGORY"),
                    md_col("LINE_COUNT"),   md_col("BILL_COUNT"),    md_col("PATIENT_COUNT"),
                    money(md_col("_total")), md_div(md_col("_total"), md_col("LINE_COUNT"))};
    static const char *const names[] = {"SOURCE",     "SERVICE_MONTH", "TARIFF_CATEGORY", "LINE_COUNT",
                                        "BILL_COUNT", "PATIENT_COUNT", "TOTAL_AMOUNT",    "AVG_AMOUNT"};
    rc = hc_collect_with(cfg, md_plan_project(p, e, names, 8), &out, err);
  }
  if (rc == MD_OK) rc = hc_write(ctx, cfg, "gold", "grouped_billing", out, err);
  if (rc == MD_OK) {
    reconcile(ctx, "gold_reconciles(grouped_billing.TOTAL_AMOUNT = silver billing AMOUNT)",
              hc_decimal_sum(out, "TOTAL_AMOUNT"), silver_total);
    hc_check_no_identifiers(ctx, out, "gold/grouped_billing");
  }
  hc_snapshot_close(&billing);
  md_batch_free(out);
  return rc;
}

md_code hc_gold_outstanding(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_gold_outstanding(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  md_batch *out = NULL;
  hc_snapshot billing = {0}, payments = {0};
  static const char *const deps[] = {"silver/billing", "silver/bill_payments"};
  if (hc_skip_unchanged(ctx, cfg, "gold", "outstanding_balances", deps, 2)) return MD_OK;
  static const char *const bill_cols[] = {"BILL_ID", "AMOUNT", "SERVICE_DATE", "SOURCE", "MEDICAL_AID"};
  static const char *const paid_cols[] = {"BILL_ID", "AMOUNT"};
  md_code rc = hc_open_snapshot(ctx, cfg, "silver", "billing", &billing, err);
  if (rc == MD_OK) rc = hc_open_snapshot(ctx, cfg, "silver", "bill_payments", &payments, err);
  if (rc == MD_OK) {
    const char *bill = "BILL_ID";
    md_agg per_bill[] = {{MD_AGG_SUM, "AMOUNT", "BILLED"},
                         {MD_AGG_MIN, "SERVICE_DATE", "BILL_DATE"},
                         {MD_AGG_MIN, "SOURCE", "SOURCE"},
                         {MD_AGG_MIN, "MEDICAL_AID", "MEDICAL_AID"}};
    md_agg paid[] = {{MD_AGG_SUM, "AMOUNT", "PAID"}};
    md_plan *p = md_plan_join(md_plan_aggregate(hc_scan_snapshot(&billing, bill_cols, 5), &bill, 1, per_bill, 4),
                              md_plan_aggregate(hc_scan_snapshot(&payments, paid_cols, 2), &bill, 1, paid, 1),
                              MD_JOIN_LEFT, &bill, &bill, 1);
    md_expr *paid_pair[2] = {md_col("PAID"), md_lit_decimal(0, 38, 2)};
    md_expr *aid_pair[2] = {md_col("MEDICAL_AID"), md_lit_str("PRIVATE")};
    md_expr *e1[] = {md_col("SOURCE"), md_coalesce(aid_pair, 2),
                     md_days_between(md_col("BILL_DATE"), md_lit_date(cfg->as_of)),
                     md_sub(md_col("BILLED"), md_coalesce(paid_pair, 2))};
    static const char *const n1[] = {"SOURCE", "MEDICAL_AID", "_days", "OUTSTANDING"};
    p = md_plan_filter(md_plan_project(p, e1, n1, 4), md_gt(md_col("OUTSTANDING"), md_lit_int(0)));
    md_expr *bc[4] = {md_le(md_col("_days"), md_lit_int(30)), md_le(md_col("_days"), md_lit_int(60)),
                      md_le(md_col("_days"), md_lit_int(90)), md_le(md_col("_days"), md_lit_int(180))};
    md_expr *bv[4] = {md_lit_str("0-30"), md_lit_str("31-60"), md_lit_str("61-90"), md_lit_str("91-180")};
    md_expr *e2[] = {md_col("SOURCE"), md_col("MEDICAL_AID"), md_case_when(bc, bv, 4, md_lit_str("181+")),
                     md_col("OUTSTANDING")};
    static const char *const n2[] = {"SOURCE", "MEDICAL_AID", "AGING_BUCKET", "OUTSTANDING"};
    p = md_plan_project(p, e2, n2, 4);
    md_agg g[] = {{MD_AGG_COUNT_ALL, NULL, "BILL_COUNT"}, {MD_AGG_SUM, "OUTSTANDING", "_sum"}};
    p = md_plan_aggregate(p, n2, 3, g, 2);
    md_expr *e3[] = {md_col("SOURCE"), md_col("MEDICAL_AID"), md_col("AGING_BUCKET"), md_col("BILL_COUNT"),
                     money(md_col("_sum"))};
    static const char *const n3[] = {"SOURCE", "MEDICAL_AID", "AGING_BUCKET", "BILL_COUNT", "OUTSTANDING_AMOUNT"};
    rc = hc_collect_with(cfg, md_plan_project(p, e3, n3, 5), &out, err);
  }
  if (rc == MD_OK) rc = hc_write(ctx, cfg, "gold", "outstanding_balances", out, err);
  if (rc == MD_OK) hc_check_no_identifiers(ctx, out, "gold/outstanding_balances");
  hc_snapshot_close(&billing);
  hc_snapshot_close(&payments);
  md_batch_free(out);
  return rc;
}

md_code hc_gold_monthly_revenue(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_gold_monthly_revenue(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  md_batch *out = NULL;
  hc_snapshot billing = {0}, payments = {0};
  int64_t billed_total = 0, collected_total = 0;
  static const char *const deps[] = {"silver/billing", "silver/bill_payments"};
  if (hc_skip_unchanged(ctx, cfg, "gold", "monthly_revenue", deps, 2)) return MD_OK;
  static const char *const bill_cols[] = {"SERVICE_MONTH", "AMOUNT"};
  static const char *const paid_cols[] = {"PAYMENT_DATE", "AMOUNT"};
  md_code rc = hc_open_snapshot(ctx, cfg, "silver", "billing", &billing, err);
  if (rc == MD_OK) rc = hc_open_snapshot(ctx, cfg, "silver", "bill_payments", &payments, err);
  if (rc == MD_OK) rc = hc_plan_decimal_sum(cfg, hc_scan_snapshot(&billing, bill_cols + 1, 1), "AMOUNT", &billed_total, err);
  if (rc == MD_OK)
    rc = hc_plan_decimal_sum(cfg, hc_scan_snapshot(&payments, paid_cols + 1, 1), "AMOUNT", &collected_total, err);
  if (rc == MD_OK) {
    const char *month = "MONTH";
    md_expr *be[] = {md_col("SERVICE_MONTH"), md_col("AMOUNT")};
    md_expr *pe[] = {md_first_of_month(md_col("PAYMENT_DATE")), md_col("AMOUNT")};
    static const char *const pn[] = {"MONTH", "AMOUNT"};
    md_agg bsum = {MD_AGG_SUM, "AMOUNT", "_billed"}, psum = {MD_AGG_SUM, "AMOUNT", "_collected"};
    md_plan *b = md_plan_aggregate(md_plan_project(hc_scan_snapshot(&billing, bill_cols, 2), be, pn, 2), &month, 1,
                                   &bsum, 1);
    md_plan *c = md_plan_aggregate(md_plan_project(hc_scan_snapshot(&payments, paid_cols, 2), pe, pn, 2), &month, 1,
                                   &psum, 1);
    md_plan *p = md_plan_join(b, c, MD_JOIN_FULL, &month, &month, 1);
    md_expr *e1[] = {md_col("MONTH"), money_or_zero(md_col("_billed")), money_or_zero(md_col("_collected"))};
    static const char *const n1[] = {"MONTH", "BILLED_AMOUNT", "COLLECTED_AMOUNT"};
    p = md_plan_project(p, e1, n1, 3);
    md_expr *e2[] = {md_col("MONTH"), md_col("BILLED_AMOUNT"), md_col("COLLECTED_AMOUNT"),
                     md_div(md_col("COLLECTED_AMOUNT"), md_col("BILLED_AMOUNT"))};
    static const char *const n2[] = {"MONTH", "BILLED_AMOUNT", "COLLECTED_AMOUNT", "COLLECTION_RATE"};
    rc = hc_collect_with(cfg, md_plan_project(p, e2, n2, 4), &out, err);
  }
  if (rc == MD_OK) rc = hc_write(ctx, cfg, "gold", "monthly_revenue", out, err);
  if (rc == MD_OK) {
    reconcile(ctx, "gold_reconciles(monthly_revenue.BILLED_AMOUNT = silver billing AMOUNT)",
              hc_decimal_sum(out, "BILLED_AMOUNT"), billed_total);
    reconcile(ctx, "gold_reconciles(monthly_revenue.COLLECTED_AMOUNT = silver bill_payments AMOUNT)",
              hc_decimal_sum(out, "COLLECTED_AMOUNT"), collected_total);
    hc_check_no_identifiers(ctx, out, "gold/monthly_revenue");
  }
  hc_snapshot_close(&billing);
  hc_snapshot_close(&payments);
  md_batch_free(out);
  return rc;
}
