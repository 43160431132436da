/* schema_map.h — from the Parquet schema (a depth-first list of elements) to
 * Medallion fields, leaf descriptions and the level bookkeeping that column
 * assembly needs.
 *
 * Every core column position (a "slot") corresponds to a level entry whose
 * repetition level is <= slot_rep and definition level >= slot_def; a slot is
 * null when its definition level is below the node's def. Flat columns have
 * slot rule (0, 0): one slot per level entry. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_SCHEMA_MAP_H
#define MEDALLION_PARQUET_SCHEMA_MAP_H

#include "medallion/core.h"
#include "parquet/metadata.h"

/* How a leaf's physical values become core values. */
typedef enum pq_conv {
  PQ_CONV_BOOL,        /* BOOLEAN -> BOOL bitmap */
  PQ_CONV_INT,         /* INT32/INT64 -> signed or unsigned int of any width, dates, times, timestamps */
  PQ_CONV_FLOAT,       /* FLOAT -> FLOAT32 */
  PQ_CONV_DOUBLE,      /* DOUBLE -> FLOAT64 */
  PQ_CONV_FLOAT16,     /* FLBA(2) FLOAT16 -> FLOAT32, widened exactly */
  PQ_CONV_INT96,       /* INT96 -> TIMESTAMP(ns), or the unit the reader was asked for */
  PQ_CONV_DECIMAL_INT, /* INT32/INT64 -> DECIMAL128 */
  PQ_CONV_DECIMAL_BYTES, /* FLBA/BYTE_ARRAY big-endian two's complement -> DECIMAL128 */
  PQ_CONV_BYTES,       /* BYTE_ARRAY -> UTF8/BINARY */
  PQ_CONV_FIXED,       /* FLBA -> FIXED_BINARY */
  PQ_CONV_INTERVAL     /* FLBA(12) INTERVAL -> INTERVAL_MDN */
} pq_conv;

typedef struct pq_leaf {
  int element;          /* index into the file's schema elements */
  int top_level;        /* index of the top-level field */
  int16_t max_def, max_rep;
  int16_t slot_def, slot_rep; /* the slot rule of the leaf's core column */
  int32_t physical;     /* PQ_INT32, ... */
  int32_t type_length;
  int src_width;        /* bytes per physical value (0 for BYTE_ARRAY; BOOLEAN 1) */
  md_type type;
  pq_conv conv;
  bool is_signed;       /* PQ_CONV_INT: sign- or zero-extension when widening */
  char *path;           /* dotted, owned */
  char logical_name[48];
} pq_leaf;

/* A core column node and the Parquet levels that shape it. */
typedef struct pq_colnode {
  md_type_id kind;      /* MD_TYPE_LIST, MD_TYPE_MAP, MD_TYPE_STRUCT, or a leaf's type id */
  int16_t def;          /* value is non-null when def level >= this */
  bool nullable;
  int16_t slot_def, slot_rep;
  int16_t child_def, child_rep; /* LIST/MAP: the repeated node's levels */
  int leaf;             /* leaf index for leaves, else -1 */
  int first_leaf;       /* the first leaf below (levels come from it) */
  struct pq_colnode *children;
  int num_children;
} pq_colnode;

typedef struct pq_schema_map {
  md_schema *schema;
  pq_leaf *leaves;
  int num_leaves;
  pq_colnode *top;      /* one per top-level field */
  int num_top;
  int *top_first_leaf;  /* leaves of a top-level field are consecutive */
  int *top_num_leaves;
} pq_schema_map;

/* int96_unit: the unit INT96 leaves decode to (MD_NANO by default). */
md_code pq_schema_map_build(const pq_file_meta *meta, md_time_unit int96_unit, pq_schema_map *out, md_error *err);
void pq_schema_map_free(pq_schema_map *map);

#endif
