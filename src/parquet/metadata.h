/* metadata.h — Parquet's footer (FileMetaData) and page headers, parsed from
 * Thrift into plain structs.
 *
 * Field ids follow apache/parquet-format's parquet.thrift. Only what the reader
 * uses is kept; everything else is skipped. Binary fields (statistics) borrow
 * from the parsed bytes, so the footer must outlive the metadata. Private to
 * the parquet module. */
#ifndef MEDALLION_PARQUET_METADATA_H
#define MEDALLION_PARQUET_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "medallion/core.h"

/* parquet.thrift enum Type */
enum {
  PQ_BOOLEAN = 0,
  PQ_INT32 = 1,
  PQ_INT64 = 2,
  PQ_INT96 = 3,
  PQ_FLOAT = 4,
  PQ_DOUBLE = 5,
  PQ_BYTE_ARRAY = 6,
  PQ_FIXED_LEN_BYTE_ARRAY = 7
};

/* enum ConvertedType */
enum {
  PQ_CT_UTF8 = 0, PQ_CT_MAP = 1, PQ_CT_MAP_KEY_VALUE = 2, PQ_CT_LIST = 3, PQ_CT_ENUM = 4,
  PQ_CT_DECIMAL = 5, PQ_CT_DATE = 6, PQ_CT_TIME_MILLIS = 7, PQ_CT_TIME_MICROS = 8,
  PQ_CT_TIMESTAMP_MILLIS = 9, PQ_CT_TIMESTAMP_MICROS = 10, PQ_CT_UINT_8 = 11, PQ_CT_UINT_16 = 12,
  PQ_CT_UINT_32 = 13, PQ_CT_UINT_64 = 14, PQ_CT_INT_8 = 15, PQ_CT_INT_16 = 16, PQ_CT_INT_32 = 17,
  PQ_CT_INT_64 = 18, PQ_CT_JSON = 19, PQ_CT_BSON = 20, PQ_CT_INTERVAL = 21
};

/* enum FieldRepetitionType */
enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

/* union LogicalType member ids; PQ_LT_NONE when absent, PQ_LT_UNKNOWN_ID for ids
 * this reader does not know (read as if only the converted/physical type existed). */
enum {
  PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP = 2, PQ_LT_LIST = 3, PQ_LT_ENUM = 4, PQ_LT_DECIMAL = 5,
  PQ_LT_DATE = 6, PQ_LT_TIME = 7, PQ_LT_TIMESTAMP = 8, PQ_LT_INTEGER = 10, PQ_LT_NULL = 11,
  PQ_LT_JSON = 12, PQ_LT_BSON = 13, PQ_LT_UUID = 14, PQ_LT_FLOAT16 = 15, PQ_LT_VARIANT = 16,
  PQ_LT_GEOMETRY = 17, PQ_LT_GEOGRAPHY = 18, PQ_LT_VECTOR = 19, PQ_LT_UNKNOWN_ID = 100
};

/* enum Encoding */
enum {
  PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
  PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6, PQ_ENC_DELTA_BYTE_ARRAY = 7,
  PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9
};

/* enum PageType */
enum { PQ_DATA_PAGE = 0, PQ_INDEX_PAGE = 1, PQ_DICTIONARY_PAGE = 2, PQ_DATA_PAGE_V2 = 3 };

typedef struct pq_logical_type {
  int kind;             /* PQ_LT_* */
  int32_t scale, precision;  /* DECIMAL */
  bool adjusted_to_utc; /* TIME, TIMESTAMP */
  int unit;             /* TIME, TIMESTAMP: 1 millis, 2 micros, 3 nanos; 0 unknown */
  int8_t bit_width;     /* INTEGER */
  bool is_signed;       /* INTEGER */
} pq_logical_type;

typedef struct pq_schema_element {
  char *name;           /* owned, NUL-terminated */
  bool has_type;
  int32_t type;         /* PQ_BOOLEAN.. when has_type (a leaf) */
  int32_t type_length;
  bool has_repetition;
  int32_t repetition;
  int32_t num_children; /* 0 for leaves */
  bool has_converted;
  int32_t converted_type;
  int32_t scale, precision;
  pq_logical_type logical;
} pq_schema_element;

typedef struct pq_binary {
  const uint8_t *ptr; /* NULL when absent */
  uint32_t length;
} pq_binary;

typedef struct pq_statistics {
  pq_binary max, min;             /* deprecated, signed order */
  pq_binary max_value, min_value; /* by the column order */
  bool has_null_count;
  int64_t null_count;
} pq_statistics;

typedef struct pq_column_meta {
  int32_t type;
  uint32_t encodings_mask; /* bit e set when Encoding e (< 32) is listed */
  int32_t codec;
  int64_t num_values;
  int64_t total_uncompressed_size;
  int64_t total_compressed_size;
  int64_t data_page_offset;
  bool has_dictionary_page_offset;
  int64_t dictionary_page_offset;
  bool has_statistics;
  pq_statistics statistics;
  uint32_t path_length;    /* number of path_in_schema entries */
} pq_column_meta;

typedef struct pq_column_chunk {
  bool has_file_path; /* data in another file: not supported */
  bool has_meta;
  pq_column_meta meta;
} pq_column_chunk;

typedef struct pq_row_group {
  pq_column_chunk *columns; /* owned */
  uint32_t num_columns;
  int64_t num_rows;
  int64_t total_byte_size;
} pq_row_group;

typedef struct pq_key_value {
  char *key;   /* owned */
  char *value; /* owned; NULL when absent */
} pq_key_value;

typedef struct pq_file_meta {
  int32_t version;
  pq_schema_element *schema; /* owned; depth-first, schema[0] is the root */
  uint32_t num_schema;
  int64_t num_rows;
  pq_row_group *row_groups; /* owned */
  uint32_t num_row_groups;
  pq_key_value *key_values; /* owned */
  uint32_t num_key_values;
  char *created_by;         /* owned or NULL */
  bool has_column_orders;
  bool encrypted;           /* encryption_algorithm present */
} pq_file_meta;

typedef struct pq_page_header {
  int32_t type;
  int32_t uncompressed_page_size;
  int32_t compressed_page_size;
  bool has_crc;
  uint32_t crc;
  /* DATA_PAGE */
  bool has_data_header;
  int32_t num_values;
  int32_t encoding;
  int32_t def_encoding;
  int32_t rep_encoding;
  /* DICTIONARY_PAGE: num_values and encoding above */
  bool has_dictionary_header;
  /* DATA_PAGE_V2: num_values and encoding above */
  bool has_v2_header;
  int32_t num_nulls;
  int32_t num_rows;
  int32_t def_levels_byte_length;
  int32_t rep_levels_byte_length;
  bool is_compressed;
} pq_page_header;

/* Parses a FileMetaData from the footer bytes. On failure meta is left empty
 * (nothing to free) and err says what and where. */
md_code pq_parse_file_meta(const uint8_t *data, size_t size, pq_file_meta *meta, md_error *err);
void pq_file_meta_free(pq_file_meta *meta);

/* Parses one PageHeader at the start of data; *header_size receives its length. */
md_code pq_parse_page_header(const uint8_t *data, size_t size, pq_page_header *header,
                             size_t *header_size, md_error *err);

/* "INT32", ...; "?" for out-of-range values. */
const char *pq_physical_type_name(int32_t type);
const char *pq_encoding_name(int32_t encoding);

#endif
