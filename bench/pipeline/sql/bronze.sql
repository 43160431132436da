-- bronze.sql — PIPELINE.md §2 in DuckDB SQL: every source table copied as read,
-- in source order, plus _source_system, _run_id and _ingested_at.
-- Placeholders ({{NAME}}) are filled in by duckdb_peer.mjs.
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/billing.parquet'))
  TO '{{OUT}}/bronze/billing_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/patients.parquet'))
  TO '{{OUT}}/bronze/patients_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/geriatric_assessments.parquet'))
  TO '{{OUT}}/bronze/geriatric_assessments_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/patient_plans.parquet'))
  TO '{{OUT}}/bronze/patient_plans_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/bill_payments.parquet'))
  TO '{{OUT}}/bronze/bill_payments_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/tariff_codes.parquet'))
  TO '{{OUT}}/bronze/tariff_codes_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT *, 'parquet' AS _source_system, '{{RUN_ID}}' AS _run_id, TIMESTAMPTZ '{{INGESTED_AT}}' AS _ingested_at
      FROM read_parquet('{{SRC}}/pmb_conditions.parquet'))
  TO '{{OUT}}/bronze/pmb_conditions_raw.parquet' (FORMAT parquet, COMPRESSION snappy);
