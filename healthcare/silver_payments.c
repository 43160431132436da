/* silver_payments.c — silver/bill_payments and its rejects (§3): a payment
 * must point at a bill that has at least one line in silver/billing. */
#include <stdlib.h>

#include "hc_internal.h"

md_code hc_silver_payments(md_asset_ctx *ctx, void *res, md_error *err);
md_code hc_silver_payments(md_asset_ctx *ctx, void *res, md_error *err) {
  const hc_config *cfg = res;
  static const char *const keys[] = {"PAYMENT_ID"};
  hc_silver_input in = {0};
  md_batch *billing = NULL;
  md_schema *src = NULL;
  static const char *const deps[] = {"bronze/bill_payments_raw", "silver/billing"};
  if (hc_skip_unchanged(ctx, cfg, "silver", "bill_payments", deps, 2)) return MD_OK;
  /* A bill gaining or losing its last line changes only the payments of that bill. */
  static const hc_lookup_dep bills[] = {{"silver/billing", "BILL_ID", "BILL_ID", NULL, true, true}};
  static const hc_silver_source source = {"bill_payments", keys, 1, NULL, bills, 1, NULL};
  static const char *const bill_id = "BILL_ID";
  md_code rc = hc_silver_begin(ctx, cfg, &source, &in, err);
  /* A narrow run got the presence of its rows' bills from the files of
   * silver/billing that changed: no distinct over every line. */
  if (rc == MD_OK && in.narrow && in.present)
    md_asset_ctx_input(ctx, "silver/billing", hc_table_version(cfg, "silver/billing"));
  else if (rc == MD_OK)
    rc = hc_read_columns(ctx, cfg, "silver", "billing", &bill_id, 1, &billing, err);
  if (rc == MD_OK && !(src = hc_source_columns(hc_silver_schema(&in))))
    rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (rc == MD_OK) {
    const char *bill = "BILL_ID";
    md_agg found = {MD_AGG_COUNT_ALL, NULL, "_bill_lines"};
    const char *present_names[2] = {bill, "_bill_lines"};
    md_plan *bills = NULL;
    if (billing) {
      bills = md_plan_aggregate(hc_scan(billing), &bill, 1, &found, 1);
    } else {
      md_expr *present[2] = {md_col(bill), md_lit_int(1)};
      bills = md_plan_project(hc_scan(in.present), present, present_names, 2);
    }
    md_plan *p = md_plan_join(hc_silver_rows(&in), bills, MD_JOIN_LEFT, &bill, &bill, 1);
    hc_rule rules[] = {
        {"bill_id_missing", md_is_null(md_col("BILL_ID"))},
        {"payment_date_missing", md_is_null(md_col("PAYMENT_DATE"))},
        {"amount_not_positive", md_or(md_is_null(md_col("AMOUNT")), md_le(md_col("AMOUNT"), md_lit_int(0)))},
        {"unknown_bill", md_is_null(md_col("_bill_lines"))},
    };
    md_expr *exprs[] = {md_col("PAYMENT_ID"), md_col("BILL_ID"), md_col("PAYMENT_DATE"), md_col("AMOUNT"),
                        md_col("PAYER"),      md_col("METHOD"),  md_col("UPDATED_AT")};
    static const char *const names[] = {"PAYMENT_ID", "BILL_ID", "PAYMENT_DATE", "AMOUNT",
                                        "PAYER",      "METHOD",  "UPDATED_AT"};
    hc_silver_table spec = {"bill_payments", keys, 1, rules, 4, exprs, names, 7};
    rc = hc_silver_finish(ctx, &in, &spec, p, src, err);
  }
  md_schema_free(src);
  hc_silver_input_free(&in);
  md_batch_free(billing);
  return rc;
}
