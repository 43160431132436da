-- silver.sql — PIPELINE.md §3 in DuckDB SQL: normalise, deduplicate (latest
-- UPDATED_AT, ties to the later bronze row), validate (first failing rule goes to
-- <table>_rejects), pseudonymise (HMAC-SHA256 written with sha256: the key's
-- ipad/opad blocks come from duckdb_peer.mjs) and derive. Source order is the
-- bronze file's row number. Placeholders ({{NAME}}) are filled in by duckdb_peer.mjs.
CREATE TEMP MACRO norm(s) AS nullif(trim(s, chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), '');
CREATE TEMP MACRO code(s) AS upper(norm(s));
CREATE TEMP MACRO hmac(s) AS sha256(unhex('{{OPAD}}') || unhex(sha256(unhex('{{IPAD}}') || encode(s))));

-- Reference tables: null codes ignored, a duplicate code keeps its later row.
CREATE TEMP TABLE ref_tariff AS
  SELECT code(TARIFF_CODE) AS TARIFF_CODE, norm(DESCRIPTION) AS DESCRIPTION, norm(CATEGORY) AS CATEGORY
  FROM read_parquet('{{OUT}}/bronze/tariff_codes_raw.parquet', file_row_number = true)
  WHERE code(TARIFF_CODE) IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY code(TARIFF_CODE) ORDER BY file_row_number DESC) = 1;
CREATE TEMP TABLE ref_pmb AS
  SELECT code(ICD10_CODE) AS ICD10_CODE, norm(PMB_CODE) AS PMB_CODE, norm(DESCRIPTION) AS DESCRIPTION
  FROM read_parquet('{{OUT}}/bronze/pmb_conditions_raw.parquet', file_row_number = true)
  WHERE code(ICD10_CODE) IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY code(ICD10_CODE) ORDER BY file_row_number DESC) = 1;
COPY (SELECT *, '{{RUN_ID}}' AS _run_id FROM ref_tariff) TO '{{OUT}}/silver/tariff_codes.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, '{{RUN_ID}}' AS _run_id FROM ref_pmb) TO '{{OUT}}/silver/pmb_conditions.parquet' (FORMAT parquet, COMPRESSION snappy);

-- billing
CREATE TEMP TABLE v AS
  WITH n AS (
    SELECT file_row_number AS _row, BILL_ID, LINE_NR, code(SOURCE) AS SOURCE, norm(PATIENT_NR) AS PATIENT_NR,
           SERVICE_DATE, code(TARIFF_CODE) AS TARIFF_CODE, code(ICD10_CODE) AS ICD10_CODE, QUANTITY, UNIT_PRICE,
           AMOUNT, norm(MEDICAL_AID) AS MEDICAL_AID, CREATED_AT, UPDATED_AT
    FROM read_parquet('{{OUT}}/bronze/billing_raw.parquet', file_row_number = true)),
  d AS (
    SELECT * FROM n WHERE BILL_ID IS NULL OR LINE_NR IS NULL
    UNION ALL
    SELECT * FROM n WHERE BILL_ID IS NOT NULL AND LINE_NR IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY BILL_ID, LINE_NR ORDER BY UPDATED_AT DESC NULLS LAST, _row DESC) = 1)
  SELECT d.*, t.CATEGORY AS TARIFF_CATEGORY, CASE
      WHEN BILL_ID IS NULL OR LINE_NR IS NULL THEN 'key_missing'
      WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'
      WHEN SERVICE_DATE IS NULL THEN 'service_date_missing'
      WHEN SERVICE_DATE > DATE '{{AS_OF}}' THEN 'service_date_in_future'
      WHEN QUANTITY IS NULL OR QUANTITY <= 0 THEN 'quantity_not_positive'
      WHEN AMOUNT IS NULL THEN 'amount_missing'
      WHEN AMOUNT < 0 THEN 'amount_negative'
      WHEN t.TARIFF_CODE IS NULL THEN 'unknown_tariff_code'
    END AS _reject_reason
  FROM d LEFT JOIN ref_tariff t ON t.TARIFF_CODE = d.TARIFF_CODE;
COPY (SELECT BILL_ID, LINE_NR, SOURCE, hmac(PATIENT_NR) AS PATIENT_KEY, SERVICE_DATE,
             CAST(date_trunc('month', SERVICE_DATE) AS DATE) AS SERVICE_MONTH, TARIFF_CODE, TARIFF_CATEGORY, ICD10_CODE,
             coalesce(ICD10_CODE IN (SELECT ICD10_CODE FROM ref_pmb), false) AS IS_PMB, QUANTITY, UNIT_PRICE, AMOUNT,
             MEDICAL_AID, UPDATED_AT, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NULL)
  TO '{{OUT}}/silver/billing.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT BILL_ID, LINE_NR, SOURCE, hmac(PATIENT_NR) AS PATIENT_KEY, SERVICE_DATE, TARIFF_CODE, ICD10_CODE, QUANTITY,
             UNIT_PRICE, AMOUNT, MEDICAL_AID, CREATED_AT, UPDATED_AT, _reject_reason, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NOT NULL)
  TO '{{OUT}}/silver/billing_rejects.parquet' (FORMAT parquet, COMPRESSION snappy);
-- the valid bills, for bill_payments' unknown_bill
CREATE TEMP TABLE valid_bills AS SELECT DISTINCT BILL_ID FROM v WHERE _reject_reason IS NULL;
DROP TABLE v;

-- patients
CREATE TEMP TABLE v AS
  WITH n AS (
    SELECT file_row_number AS _row, norm(PATIENT_NR) AS PATIENT_NR, DATE_OF_BIRTH, code(GENDER) AS GENDER,
           norm(MEDICAL_AID) AS MEDICAL_AID, CREATED_AT, UPDATED_AT
    FROM read_parquet('{{OUT}}/bronze/patients_raw.parquet', file_row_number = true)),
  d AS (
    SELECT * FROM n WHERE PATIENT_NR IS NULL
    UNION ALL
    SELECT * FROM n WHERE PATIENT_NR IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY PATIENT_NR ORDER BY UPDATED_AT DESC NULLS LAST, _row DESC) = 1)
  SELECT *, CASE
      WHEN PATIENT_NR IS NULL THEN 'key_missing'
      WHEN DATE_OF_BIRTH IS NULL THEN 'date_of_birth_missing'
      WHEN DATE_OF_BIRTH > DATE '{{AS_OF}}' OR DATE_OF_BIRTH < DATE '1900-01-01' THEN 'date_of_birth_invalid'
    END AS _reject_reason
  FROM d;
COPY (SELECT PATIENT_KEY, GENDER, BIRTH_YEAR, AGE,
             CASE WHEN AGE < 18 THEN '0-17' WHEN AGE < 45 THEN '18-44' WHEN AGE < 65 THEN '45-64'
                  WHEN AGE < 75 THEN '65-74' WHEN AGE < 85 THEN '75-84' ELSE '85+' END AS AGE_BAND,
             MEDICAL_AID, UPDATED_AT, '{{RUN_ID}}' AS _run_id
      FROM (SELECT _row, hmac(PATIENT_NR) AS PATIENT_KEY,
                   CASE WHEN GENDER IN ('M', 'MALE') THEN 'M' WHEN GENDER IN ('F', 'FEMALE') THEN 'F' ELSE 'U' END AS GENDER,
                   CAST(year(DATE_OF_BIRTH) AS INTEGER) AS BIRTH_YEAR,
                   CAST(year(DATE '{{AS_OF}}') - year(DATE_OF_BIRTH)
                        - CASE WHEN strftime(DATE_OF_BIRTH, '%m-%d') > strftime(DATE '{{AS_OF}}', '%m-%d') THEN 1 ELSE 0 END
                        AS INTEGER) AS AGE,
                   MEDICAL_AID, UPDATED_AT
            FROM v WHERE _reject_reason IS NULL))
  TO '{{OUT}}/silver/patients.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT hmac(PATIENT_NR) AS PATIENT_KEY, GENDER, MEDICAL_AID, CREATED_AT, UPDATED_AT, _reject_reason,
             '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NOT NULL)
  TO '{{OUT}}/silver/patients_rejects.parquet' (FORMAT parquet, COMPRESSION snappy);
DROP TABLE v;

-- geriatric_assessments
CREATE TEMP TABLE v AS
  WITH n AS (
    SELECT file_row_number AS _row, ASSESSMENT_ID, norm(PATIENT_NR) AS PATIENT_NR, ASSESSMENT_DATE, ADL_SCORE,
           IADL_SCORE, MMSE_SCORE, FRAILTY_SCORE, code(FALLS_RISK) AS FALLS_RISK, norm(ASSESSOR) AS ASSESSOR, UPDATED_AT
    FROM read_parquet('{{OUT}}/bronze/geriatric_assessments_raw.parquet', file_row_number = true)),
  d AS (
    SELECT * FROM n WHERE ASSESSMENT_ID IS NULL
    UNION ALL
    SELECT * FROM n WHERE ASSESSMENT_ID IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY ASSESSMENT_ID ORDER BY UPDATED_AT DESC NULLS LAST, _row DESC) = 1)
  SELECT *, CASE
      WHEN ASSESSMENT_ID IS NULL THEN 'key_missing'
      WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'
      WHEN ASSESSMENT_DATE IS NULL THEN 'assessment_date_missing'
      WHEN ADL_SCORE NOT BETWEEN 0 AND 6 OR IADL_SCORE NOT BETWEEN 0 AND 8 OR MMSE_SCORE NOT BETWEEN 0 AND 30
        OR FRAILTY_SCORE NOT BETWEEN 1 AND 9 THEN 'score_out_of_range'
    END AS _reject_reason
  FROM d;
COPY (SELECT ASSESSMENT_ID, hmac(PATIENT_NR) AS PATIENT_KEY, ASSESSMENT_DATE, ADL_SCORE, IADL_SCORE, MMSE_SCORE,
             FRAILTY_SCORE,
             CASE WHEN FRAILTY_SCORE BETWEEN 1 AND 3 THEN 'FIT' WHEN FRAILTY_SCORE = 4 THEN 'VULNERABLE'
                  WHEN FRAILTY_SCORE BETWEEN 5 AND 6 THEN 'FRAIL' WHEN FRAILTY_SCORE BETWEEN 7 AND 9 THEN 'SEVERELY_FRAIL'
             END AS FRAILTY_BAND,
             CASE WHEN FALLS_RISK IN ('LOW', 'MEDIUM', 'HIGH') THEN FALLS_RISK END AS FALLS_RISK,
             MMSE_SCORE < 24 AS COGNITIVE_IMPAIRMENT, UPDATED_AT, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NULL)
  TO '{{OUT}}/silver/geriatric_assessments.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT ASSESSMENT_ID, hmac(PATIENT_NR) AS PATIENT_KEY, ASSESSMENT_DATE, ADL_SCORE, IADL_SCORE, MMSE_SCORE,
             FRAILTY_SCORE, FALLS_RISK, ASSESSOR, UPDATED_AT, _reject_reason, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NOT NULL)
  TO '{{OUT}}/silver/geriatric_assessments_rejects.parquet' (FORMAT parquet, COMPRESSION snappy);
DROP TABLE v;

-- patient_plans
CREATE TEMP TABLE v AS
  WITH n AS (
    SELECT file_row_number AS _row, PLAN_ID, norm(PATIENT_NR) AS PATIENT_NR, code(PLAN_TYPE) AS PLAN_TYPE,
           code(ICD10_CODE) AS ICD10_CODE, START_DATE, END_DATE, code(STATUS) AS STATUS, UPDATED_AT
    FROM read_parquet('{{OUT}}/bronze/patient_plans_raw.parquet', file_row_number = true)),
  d AS (
    SELECT * FROM n WHERE PLAN_ID IS NULL
    UNION ALL
    SELECT * FROM n WHERE PLAN_ID IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY PLAN_ID ORDER BY UPDATED_AT DESC NULLS LAST, _row DESC) = 1)
  SELECT *, CASE
      WHEN PLAN_ID IS NULL THEN 'key_missing'
      WHEN PATIENT_NR IS NULL THEN 'patient_nr_missing'
      WHEN START_DATE IS NULL THEN 'start_date_missing'
      WHEN END_DATE < START_DATE THEN 'end_before_start'
    END AS _reject_reason
  FROM d;
COPY (SELECT PLAN_ID, hmac(PATIENT_NR) AS PATIENT_KEY, PLAN_TYPE, ICD10_CODE, START_DATE, END_DATE, STATUS,
             coalesce(ICD10_CODE IN (SELECT ICD10_CODE FROM ref_pmb), false) AS IS_PMB,
             coalesce(STATUS = 'ACTIVE' AND START_DATE <= DATE '{{AS_OF}}'
                      AND (END_DATE IS NULL OR END_DATE >= DATE '{{AS_OF}}'), false) AS IS_ACTIVE,
             UPDATED_AT, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NULL)
  TO '{{OUT}}/silver/patient_plans.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT PLAN_ID, hmac(PATIENT_NR) AS PATIENT_KEY, PLAN_TYPE, ICD10_CODE, START_DATE, END_DATE, STATUS, UPDATED_AT,
             _reject_reason, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NOT NULL)
  TO '{{OUT}}/silver/patient_plans_rejects.parquet' (FORMAT parquet, COMPRESSION snappy);
DROP TABLE v;

-- bill_payments
CREATE TEMP TABLE v AS
  WITH n AS (
    SELECT file_row_number AS _row, PAYMENT_ID, BILL_ID, PAYMENT_DATE, AMOUNT, code(PAYER) AS PAYER,
           code(METHOD) AS METHOD, UPDATED_AT
    FROM read_parquet('{{OUT}}/bronze/bill_payments_raw.parquet', file_row_number = true)),
  d AS (
    SELECT * FROM n WHERE PAYMENT_ID IS NULL
    UNION ALL
    SELECT * FROM n WHERE PAYMENT_ID IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY PAYMENT_ID ORDER BY UPDATED_AT DESC NULLS LAST, _row DESC) = 1)
  SELECT d.*, CASE
      WHEN PAYMENT_ID IS NULL THEN 'key_missing'
      WHEN d.BILL_ID IS NULL THEN 'bill_id_missing'
      WHEN PAYMENT_DATE IS NULL THEN 'payment_date_missing'
      WHEN AMOUNT IS NULL OR AMOUNT <= 0 THEN 'amount_not_positive'
      WHEN b.BILL_ID IS NULL THEN 'unknown_bill'
    END AS _reject_reason
  FROM d LEFT JOIN valid_bills b ON b.BILL_ID = d.BILL_ID;
COPY (SELECT PAYMENT_ID, BILL_ID, PAYMENT_DATE, AMOUNT, PAYER, METHOD, UPDATED_AT, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NULL)
  TO '{{OUT}}/silver/bill_payments.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT PAYMENT_ID, BILL_ID, PAYMENT_DATE, AMOUNT, PAYER, METHOD, UPDATED_AT, _reject_reason, '{{RUN_ID}}' AS _run_id
      FROM v WHERE _reject_reason IS NOT NULL)
  TO '{{OUT}}/silver/bill_payments_rejects.parquet' (FORMAT parquet, COMPRESSION snappy);
DROP TABLE v;
