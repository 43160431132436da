/* healthcare.h — the healthcare medallion pipeline of shared/spec/PIPELINE.md
 * as assets: bronze (§2), silver with rejects (§3), gold (§4) and the legacy
 * SQLite/DuckDB outputs (§5). An application of the library: it uses public
 * headers only. */
#ifndef MEDALLION_HEALTHCARE_H
#define MEDALLION_HEALTHCARE_H

#include "medallion/medallion.h"
#include "medallion/pipeline.h"

typedef struct hc_config {
  const char *home;       /* lakehouse root: bronze/, silver/, gold/, legacy/ */
  md_source *source;      /* borrowed; read by the bronze assets */
  const char *source_system; /* bronze _source_system value */
  const void *key;        /* pseudonymisation secret (never logged) */
  size_t key_length;
  int32_t as_of;          /* date32 */
  int64_t started_at_us;  /* the run's start, µs since the epoch (bronze _ingested_at) */
  const char *libduckdb;  /* path of libduckdb.so, or NULL to try the default names */
  bool incremental;       /* bronze appends rows newer than each table's watermark; silver
                           * and gold recompute only what those rows (or changed inputs) affect */
  bool patient_nr_is_key; /* internal to silver: PATIENT_NR already holds PATIENT_KEY */
  int threads;            /* compute threads inside an asset's plans (the run's --threads): 0 = every CPU */
  char duckdb_skipped[MD_ERROR_MESSAGE_MAX + 64]; /* set by the legacy asset when DuckDB output was skipped: why */
} hc_config;

/* All assets of the pipeline, checked. */
md_code hc_pipeline_build(md_pipeline **out, md_error *err);

/* The source tables of §1, in spec order (five keyed tables, two reference tables). */
extern const char *const HC_SOURCE_TABLES[7];

#endif
