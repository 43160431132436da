/* generator_tables.c — the seven source tables of PIPELINE.md §1: column names,
 * columnar types and the Firebird DDL, in one place so that the Parquet files,
 * the Firebird load and the sources agree.
 *
 * §1 gives VARCHAR lengths only for billing; the others are chosen to hold the
 * longest generated value with its padding. */
#include <stdio.h>
#include <string.h>

#include "generator_internal.h"
#include "source_internal.h"

static const gen_column_def billing_columns[] = {
    {"BILL_ID", GEN_INT64, 0},       {"LINE_NR", GEN_INT32, 0},      {"SOURCE", GEN_UTF8, 20},
    {"PATIENT_NR", GEN_UTF8, 20},    {"SERVICE_DATE", GEN_DATE, 0},  {"TARIFF_CODE", GEN_UTF8, 10},
    {"ICD10_CODE", GEN_UTF8, 10},    {"QUANTITY", GEN_INT32, 0},     {"UNIT_PRICE", GEN_MONEY, 0},
    {"AMOUNT", GEN_MONEY, 0},        {"MEDICAL_AID", GEN_UTF8, 40},  {"CREATED_AT", GEN_TIMESTAMP, 0},
    {"UPDATED_AT", GEN_TIMESTAMP, 0},
};
static const gen_column_def patients_columns[] = {
    {"PATIENT_NR", GEN_UTF8, 20},     {"FIRST_NAME", GEN_UTF8, 60},  {"SURNAME", GEN_UTF8, 60},
    {"ID_NUMBER", GEN_UTF8, 20},      {"DATE_OF_BIRTH", GEN_DATE, 0}, {"GENDER", GEN_UTF8, 10},
    {"MEDICAL_AID", GEN_UTF8, 40},    {"MEDICAL_AID_NR", GEN_UTF8, 20}, {"PHONE", GEN_UTF8, 20},
    {"CREATED_AT", GEN_TIMESTAMP, 0}, {"UPDATED_AT", GEN_TIMESTAMP, 0},
};
static const gen_column_def assessment_columns[] = {
    {"ASSESSMENT_ID", GEN_INT64, 0}, {"PATIENT_NR", GEN_UTF8, 20}, {"ASSESSMENT_DATE", GEN_DATE, 0},
    {"ADL_SCORE", GEN_INT32, 0},     {"IADL_SCORE", GEN_INT32, 0}, {"MMSE_SCORE", GEN_INT32, 0},
    {"FRAILTY_SCORE", GEN_INT32, 0}, {"FALLS_RISK", GEN_UTF8, 10}, {"ASSESSOR", GEN_UTF8, 60},
    {"UPDATED_AT", GEN_TIMESTAMP, 0},
};
static const gen_column_def plan_columns[] = {
    {"PLAN_ID", GEN_INT64, 0},   {"PATIENT_NR", GEN_UTF8, 20}, {"PLAN_TYPE", GEN_UTF8, 20},
    {"ICD10_CODE", GEN_UTF8, 10}, {"START_DATE", GEN_DATE, 0}, {"END_DATE", GEN_DATE, 0},
    {"STATUS", GEN_UTF8, 20},    {"UPDATED_AT", GEN_TIMESTAMP, 0},
};
static const gen_column_def payment_columns[] = {
    {"PAYMENT_ID", GEN_INT64, 0}, {"BILL_ID", GEN_INT64, 0}, {"PAYMENT_DATE", GEN_DATE, 0},
    {"AMOUNT", GEN_MONEY, 0},     {"PAYER", GEN_UTF8, 20},   {"METHOD", GEN_UTF8, 10},
    {"UPDATED_AT", GEN_TIMESTAMP, 0},
};
static const gen_column_def tariff_columns[] = {
    {"TARIFF_CODE", GEN_UTF8, 10}, {"DESCRIPTION", GEN_UTF8, 200}, {"CATEGORY", GEN_UTF8, 20},
};
static const gen_column_def pmb_columns[] = {
    {"ICD10_CODE", GEN_UTF8, 10}, {"PMB_CODE", GEN_UTF8, 10}, {"DESCRIPTION", GEN_UTF8, 200},
};

#define TABLE(name, cols, keyed) {name, cols, (int)(sizeof cols / sizeof cols[0]), keyed}
static const gen_table_def tables[GEN_TABLE_COUNT] = {
    TABLE("billing", billing_columns, true),
    TABLE("patients", patients_columns, true),
    TABLE("geriatric_assessments", assessment_columns, true),
    TABLE("patient_plans", plan_columns, true),
    TABLE("bill_payments", payment_columns, true),
    TABLE("tariff_codes", tariff_columns, false),
    TABLE("pmb_conditions", pmb_columns, false),
};

const gen_table_def *generator_table(int id) { return id >= 0 && id < GEN_TABLE_COUNT ? &tables[id] : NULL; }

int generator_table_find(const char *name) {
  for (int i = 0; i < GEN_TABLE_COUNT; i++)
    if (source_name_equal(tables[i].name, name)) return i;
  return -1;
}

md_type generator_kind_type(gen_kind kind) {
  switch (kind) {
    case GEN_INT32: return md_type_make(MD_TYPE_INT32);
    case GEN_INT64: return md_type_make(MD_TYPE_INT64);
    case GEN_UTF8: return md_type_make(MD_TYPE_UTF8);
    case GEN_DATE: return md_type_make(MD_TYPE_DATE32);
    case GEN_TIMESTAMP: return md_type_timestamp(MD_MICRO, false);
    case GEN_MONEY: return md_type_decimal(12, 2);
  }
  return md_type_make(MD_TYPE_NULL);
}

md_schema *generator_table_schema(int id) {
  const gen_table_def *def = generator_table(id);
  md_schema *schema = def ? md_schema_new() : NULL;
  if (!schema) return NULL;
  for (int i = 0; i < def->num_columns; i++) {
    md_field *field = md_field_new(def->columns[i].name, generator_kind_type(def->columns[i].kind), true);
    if (!field || md_schema_add(schema, field, NULL) != MD_OK) {
      md_schema_free(schema);
      return NULL;
    }
  }
  return schema;
}

/* Built once per table at first use would need global mutable state; the DDL is
 * small, so it is spelled out. */
static const char *const ddl[GEN_TABLE_COUNT] = {
    "CREATE TABLE BILLING (BILL_ID BIGINT, LINE_NR INTEGER, SOURCE VARCHAR(20) CHARACTER SET UTF8, "
    "PATIENT_NR VARCHAR(20) CHARACTER SET UTF8, SERVICE_DATE DATE, TARIFF_CODE VARCHAR(10) CHARACTER SET UTF8, "
    "ICD10_CODE VARCHAR(10) CHARACTER SET UTF8, QUANTITY INTEGER, UNIT_PRICE NUMERIC(12,2), AMOUNT NUMERIC(12,2), "
    "MEDICAL_AID VARCHAR(40) CHARACTER SET UTF8, CREATED_AT TIMESTAMP, UPDATED_AT TIMESTAMP)",
    "CREATE TABLE PATIENTS (PATIENT_NR VARCHAR(20) CHARACTER SET UTF8, FIRST_NAME VARCHAR(60) CHARACTER SET UTF8, "
    "SURNAME VARCHAR(60) CHARACTER SET UTF8, ID_NUMBER VARCHAR(20) CHARACTER SET UTF8, DATE_OF_BIRTH DATE, "
    "GENDER VARCHAR(10) CHARACTER SET UTF8, MEDICAL_AID VARCHAR(40) CHARACTER SET UTF8, "
    "MEDICAL_AID_NR VARCHAR(20) CHARACTER SET UTF8, PHONE VARCHAR(20) CHARACTER SET UTF8, CREATED_AT TIMESTAMP, "
    "UPDATED_AT TIMESTAMP)",
    "CREATE TABLE GERIATRIC_ASSESSMENTS (ASSESSMENT_ID BIGINT, PATIENT_NR VARCHAR(20) CHARACTER SET UTF8, "
    "ASSESSMENT_DATE DATE, ADL_SCORE INTEGER, IADL_SCORE INTEGER, MMSE_SCORE INTEGER, FRAILTY_SCORE INTEGER, "
    "FALLS_RISK VARCHAR(10) CHARACTER SET UTF8, ASSESSOR VARCHAR(60) CHARACTER SET UTF8, UPDATED_AT TIMESTAMP)",
    "CREATE TABLE PATIENT_PLANS (PLAN_ID BIGINT, PATIENT_NR VARCHAR(20) CHARACTER SET UTF8, "
    "PLAN_TYPE VARCHAR(20) CHARACTER SET UTF8, ICD10_CODE VARCHAR(10) CHARACTER SET UTF8, START_DATE DATE, "
    "END_DATE DATE, STATUS VARCHAR(20) CHARACTER SET UTF8, UPDATED_AT TIMESTAMP)",
    "CREATE TABLE BILL_PAYMENTS (PAYMENT_ID BIGINT, BILL_ID BIGINT, PAYMENT_DATE DATE, AMOUNT NUMERIC(12,2), "
    "PAYER VARCHAR(20) CHARACTER SET UTF8, METHOD VARCHAR(10) CHARACTER SET UTF8, UPDATED_AT TIMESTAMP)",
    "CREATE TABLE TARIFF_CODES (TARIFF_CODE VARCHAR(10) CHARACTER SET UTF8, "
    "DESCRIPTION VARCHAR(200) CHARACTER SET UTF8, CATEGORY VARCHAR(20) CHARACTER SET UTF8)",
    "CREATE TABLE PMB_CONDITIONS (ICD10_CODE VARCHAR(10) CHARACTER SET UTF8, PMB_CODE VARCHAR(10) CHARACTER SET UTF8, "
    "DESCRIPTION VARCHAR(200) CHARACTER SET UTF8)",
};

const char *md_generator_table_ddl(const char *table) {
  int id = generator_table_find(table);
  return id >= 0 ? ddl[id] : NULL;
}
