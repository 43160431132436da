-- gold.sql — PIPELINE.md §4 in DuckDB SQL, from the silver Parquet files.
-- Decimal sums are cast to decimal(18,2); averages and rates are float64.
-- Placeholders ({{NAME}}) are filled in by duckdb_peer.mjs.
CREATE TEMP VIEW billing AS SELECT * FROM read_parquet('{{OUT}}/silver/billing.parquet');
CREATE TEMP VIEW payments AS SELECT * FROM read_parquet('{{OUT}}/silver/bill_payments.parquet');

COPY (SELECT SOURCE, SERVICE_MONTH, TARIFF_CATEGORY, count(*) AS LINE_COUNT, count(DISTINCT BILL_ID) AS BILL_COUNT,
             count(DISTINCT PATIENT_KEY) AS PATIENT_COUNT, CAST(sum(AMOUNT) AS DECIMAL(18, 2)) AS TOTAL_AMOUNT,
             CAST(sum(AMOUNT) AS DOUBLE) / count(*) AS AVG_AMOUNT
      FROM billing GROUP BY SOURCE, SERVICE_MONTH, TARIFF_CATEGORY)
  TO '{{OUT}}/gold/grouped_billing.parquet' (FORMAT parquet, COMPRESSION snappy);

COPY (WITH eligible AS (
        SELECT PATIENT_KEY, AGE_BAND, GENDER FROM read_parquet('{{OUT}}/silver/patients.parquet')
        WHERE AGE >= 65 AND PATIENT_KEY IN (SELECT PATIENT_KEY FROM read_parquet('{{OUT}}/silver/patient_plans.parquet')
                                            WHERE IS_ACTIVE AND IS_PMB)),
      latest AS (
        SELECT PATIENT_KEY, ASSESSMENT_ID, FRAILTY_BAND, MMSE_SCORE, ADL_SCORE, COGNITIVE_IMPAIRMENT
        FROM read_parquet('{{OUT}}/silver/geriatric_assessments.parquet')
        QUALIFY row_number() OVER (PARTITION BY PATIENT_KEY ORDER BY ASSESSMENT_DATE DESC, ASSESSMENT_ID DESC) = 1),
      billed AS (
        SELECT PATIENT_KEY, sum(AMOUNT) AS amount FROM billing
        WHERE SERVICE_DATE > DATE '{{AS_OF}}' - 365 AND SERVICE_DATE <= DATE '{{AS_OF}}'
        GROUP BY PATIENT_KEY)
      SELECT e.AGE_BAND, e.GENDER, coalesce(l.FRAILTY_BAND, 'NOT_ASSESSED') AS FRAILTY_BAND, count(*) AS PATIENT_COUNT,
             count(l.ASSESSMENT_ID) AS ASSESSED_COUNT, avg(l.MMSE_SCORE) AS AVG_MMSE, avg(l.ADL_SCORE) AS AVG_ADL,
             count(*) FILTER (WHERE l.COGNITIVE_IMPAIRMENT) AS COGNITIVE_IMPAIRMENT_COUNT,
             CAST(coalesce(sum(b.amount), 0) AS DECIMAL(18, 2)) AS BILLED_12M
      FROM eligible e LEFT JOIN latest l USING (PATIENT_KEY) LEFT JOIN billed b USING (PATIENT_KEY)
      GROUP BY ALL)
  TO '{{OUT}}/gold/pmb_geriatric.parquet' (FORMAT parquet, COMPRESSION snappy);

COPY (WITH bills AS (
        SELECT BILL_ID, sum(AMOUNT) AS billed, min(SERVICE_DATE) AS bill_date, min(SOURCE) AS source,
               coalesce(min(MEDICAL_AID), 'PRIVATE') AS medical_aid
        FROM billing GROUP BY BILL_ID),
      paid AS (SELECT BILL_ID, sum(AMOUNT) AS paid FROM payments GROUP BY BILL_ID),
      open AS (
        SELECT source, medical_aid, billed - coalesce(paid, 0) AS outstanding, DATE '{{AS_OF}}' - bill_date AS d
        FROM bills LEFT JOIN paid USING (BILL_ID))
      SELECT source AS SOURCE, medical_aid AS MEDICAL_AID,
             CASE WHEN d <= 30 THEN '0-30' WHEN d <= 60 THEN '31-60' WHEN d <= 90 THEN '61-90'
                  WHEN d <= 180 THEN '91-180' ELSE '181+' END AS AGING_BUCKET,
             count(*) AS BILL_COUNT, CAST(sum(outstanding) AS DECIMAL(18, 2)) AS OUTSTANDING_AMOUNT
      FROM open WHERE outstanding > 0 GROUP BY ALL)
  TO '{{OUT}}/gold/outstanding_balances.parquet' (FORMAT parquet, COMPRESSION snappy);

COPY (WITH b AS (SELECT SERVICE_MONTH AS MONTH, sum(AMOUNT) AS s FROM billing GROUP BY 1),
      c AS (SELECT CAST(date_trunc('month', PAYMENT_DATE) AS DATE) AS MONTH, sum(AMOUNT) AS s FROM payments GROUP BY 1)
      SELECT MONTH, CAST(coalesce(b.s, 0) AS DECIMAL(18, 2)) AS BILLED_AMOUNT,
             CAST(coalesce(c.s, 0) AS DECIMAL(18, 2)) AS COLLECTED_AMOUNT,
             CASE WHEN coalesce(b.s, 0) = 0 THEN NULL ELSE CAST(coalesce(c.s, 0) AS DOUBLE) / CAST(b.s AS DOUBLE) END
               AS COLLECTION_RATE
      FROM b FULL OUTER JOIN c USING (MONTH))
  TO '{{OUT}}/gold/monthly_revenue.parquet' (FORMAT parquet, COMPRESSION snappy);
