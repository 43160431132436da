/* writer_schema.h — how the writer stores each core type in Parquet: the
 * physical type, the logical and converted type annotations, the conversion
 * applied to values, and the order statistics use.
 *
 * Choices (documented here because readers depend on them):
 *  - int8/16/32 -> INT32 + INT(bits, signed); uint8/16/32 -> INT32 + INT(bits,
 *    unsigned) holding the bit pattern; int64/uint64 -> INT64 likewise.
 *  - time32[s] -> INT32 TIME(MILLIS) (Parquet has no seconds unit; exact);
 *    time32[ms] -> INT32 TIME(MILLIS); time64[us|ns] -> INT64 TIME(MICROS|NANOS);
 *    isAdjustedToUTC = false, because core times carry no time zone.
 *  - timestamp[s] -> INT64 TIMESTAMP(MILLIS) (values x1000, overflow-checked);
 *    isAdjustedToUTC = the type's utc flag. The legacy TIMESTAMP_MILLIS/MICROS
 *    converted type is written only for UTC timestamps, because legacy readers
 *    take it to mean UTC-adjusted (as parquet-cpp does).
 *  - decimal128(p, s) -> INT32 for p <= 9, INT64 for p <= 18, else
 *    FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold p digits (what Spark
 *    writes by default); values that do not fit p digits' storage are refused.
 *  - interval (month_day_nano) -> FIXED_LEN_BYTE_ARRAY(12) with converted type
 *    INTERVAL (months, days, millis as little-endian uint32): nanoseconds must
 *    be whole milliseconds and every part non-negative, else MD_ERR_OVERFLOW.
 *    INTERVAL has no defined order, so it gets no min/max statistics.
 *  - null -> INT32 with logical type UNKNOWN, always optional, all values null.
 *  - list<T> -> the standard three-level LIST: `<name>` (LIST) / repeated group
 *    `list` / `element`, whatever the core child's name; map<K, V> -> `<name>`
 *    (MAP) / repeated group `key_value` / required `key`, `value`. Map keys are
 *    always required (nulls are refused when written); struct -> a plain group.
 *    Logical and converted types are both written, as for leaves.
 * Private to the parquet module. */
#ifndef MEDALLION_PARQUET_WRITER_SCHEMA_H
#define MEDALLION_PARQUET_WRITER_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "medallion/core.h"
#include "parquet/thrift_write.h"

/* parquet.thrift enum values. */
typedef enum writer_physical {
  WRITER_BOOLEAN = 0,
  WRITER_INT32 = 1,
  WRITER_INT64 = 2,
  WRITER_FLOAT = 4,
  WRITER_DOUBLE = 5,
  WRITER_BYTE_ARRAY = 6,
  WRITER_FLBA = 7
} writer_physical;

enum {
  WRITER_ENCODING_PLAIN = 0,
  WRITER_ENCODING_RLE = 3,
  WRITER_ENCODING_RLE_DICTIONARY = 8,
  WRITER_PAGE_DATA = 0,
  WRITER_PAGE_DICTIONARY = 2
};

/* How a core value becomes a physical value. */
typedef enum writer_conversion {
  WRITER_CONV_NULL,          /* no values at all */
  WRITER_CONV_BOOL,          /* bitmap */
  WRITER_CONV_COPY,          /* fixed width, same bytes (width = physical width) */
  WRITER_CONV_INT8,          /* sign-extend to int32 */
  WRITER_CONV_INT16,
  WRITER_CONV_UINT8,         /* zero-extend to int32 */
  WRITER_CONV_UINT16,
  WRITER_CONV_TIME_S_TO_MS,  /* int32 x 1000 */
  WRITER_CONV_TS_S_TO_MS,    /* int64 x 1000, overflow-checked */
  WRITER_CONV_DECIMAL_INT32, /* decimal128 -> int32 (checked) */
  WRITER_CONV_DECIMAL_INT64, /* decimal128 -> int64 (checked) */
  WRITER_CONV_DECIMAL_FLBA,  /* decimal128 -> big-endian two's complement, type_length bytes */
  WRITER_CONV_INTERVAL,      /* month_day_nano -> months, days, millis (uint32 LE each) */
  WRITER_CONV_BYTES          /* utf8 / binary: offsets + data */
} writer_conversion;

/* The order min/max statistics follow (parquet.thrift ColumnOrder notes). */
typedef enum writer_order {
  WRITER_ORDER_NONE,      /* no min/max */
  WRITER_ORDER_BOOL,
  WRITER_ORDER_INT32,
  WRITER_ORDER_UINT32,
  WRITER_ORDER_INT64,
  WRITER_ORDER_UINT64,
  WRITER_ORDER_FLOAT,
  WRITER_ORDER_DOUBLE,
  WRITER_ORDER_BYTES,     /* unsigned lexicographic */
  WRITER_ORDER_SIGNED_BE  /* big-endian two's complement (decimal FLBA) */
} writer_order;

typedef struct writer_leaf {
  const char *name;          /* the Parquet element name; borrowed from the writer's schema copy */
  md_type type;
  bool optional;             /* the leaf element itself (not its ancestors) */
  int16_t max_def, max_rep;  /* levels of the leaf's column: 0 and 0|1 for a flat column */
  const char **path;         /* path_in_schema, top-level name first (owned array, borrowed names) */
  int path_len;
  char *dotted;              /* the path joined by '.', owned: names the column in errors */
  writer_physical physical;
  int32_t type_length;       /* FLBA width; else 0 */
  int value_width;           /* bytes per physical value for fixed physical types; 0 otherwise */
  writer_conversion conversion;
  writer_order order;
  bool dictionary_allowed;
} writer_leaf;

/* A field of the written schema: the shape record shredding follows. LIST
 * and MAP nodes stand for the outer group and its repeated group together;
 * a MAP's child is its key_value STRUCT (never null). */
typedef struct writer_node {
  const char *name;     /* Parquet element name (borrowed) */
  md_type_id kind;      /* MD_TYPE_STRUCT, MD_TYPE_LIST or MD_TYPE_MAP; any other id: a leaf */
  bool nullable;        /* optional (else required) */
  int16_t def;          /* definition level of a non-null value of this node */
  int16_t rep;          /* LIST/MAP: repetition level of the second and later elements */
  int leaf;             /* leaves: index of the leaf in the writer; groups: -1 */
  int depth;            /* longest path of nodes below and including this one */
  int num_children;
  struct writer_node *children;
} writer_node;

/* Deepest nesting of core types the writer accepts (levels are int16 and the
 * shredder keeps one buffer per level). */
enum { WRITER_MAX_NESTING = 64 };

/* Number of leaf columns a top-level field becomes. */
int writer_count_leaves(const md_field *field);

/* Maps a top-level field to its node tree and fills leaves[*next_leaf ...]
 * (advancing *next_leaf) with its leaf columns, in schema order. On error the
 * leaves written so far still need writer_leaf_free. */
md_code writer_node_build(const md_field *field, writer_leaf *leaves, int *next_leaf, writer_node *out,
                          md_error *err);
void writer_node_free(writer_node *node);
void writer_leaf_free(writer_leaf *leaf);

/* How many SchemaElements writer_schema_elements writes for the field. */
int writer_schema_count_elements(const writer_node *node);
/* Writes the SchemaElement structs of a top-level field, depth first. */
void writer_schema_elements(thrift_writer *w, const writer_node *node, const writer_leaf *leaves);

#endif
