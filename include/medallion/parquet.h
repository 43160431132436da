/* parquet.h — read and write Apache Parquet files.
 *
 * Written by hand: Debian packages no C Parquet library. The format is
 * apache/parquet-format (parquet.thrift, Encodings.md, LogicalTypes.md).
 * Reading maps Parquet types to core types (logical type first, then converted
 * type, then physical type); writing maps each core type to its standard
 * logical type. Nested columns (LIST, MAP, STRUCT, any depth) are read and
 * written; the writer uses the standard three-level LIST (`list` / `element`)
 * and MAP (`key_value` / required `key`, `value`) layouts, and refuses a null
 * map key or a null under a non-nullable field. */
#ifndef MEDALLION_PARQUET_H
#define MEDALLION_PARQUET_H

#include "medallion/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values are the Thrift enum values of parquet.thrift. */
typedef enum md_parquet_codec {
  MD_PARQUET_UNCOMPRESSED = 0,
  MD_PARQUET_SNAPPY = 1,
  MD_PARQUET_GZIP = 2,
  MD_PARQUET_LZO = 3, /* never supported: no packaged library */
  MD_PARQUET_BROTLI = 4,
  MD_PARQUET_LZ4 = 5, /* deprecated Hadoop-framed LZ4 (read only) */
  MD_PARQUET_ZSTD = 6,
  MD_PARQUET_LZ4_RAW = 7
} md_parquet_codec;

/* "SNAPPY", ...; NULL for unknown values. */
const char *md_parquet_codec_name(md_parquet_codec codec);
/* Parses "snappy", "zstd", "gzip", "lz4_raw", "brotli", "none"/"uncompressed" (any case). */
md_code md_parquet_codec_parse(const char *name, md_parquet_codec *out, md_error *err);

/* ------------------------------------------------------------------ reader */

typedef struct md_parquet_reader md_parquet_reader;

/* Opens a file and parses its footer. Errors name the file. */
md_code md_parquet_reader_open(const char *path, md_parquet_reader **out, md_error *err);
/* Reads from memory (borrowed: must outlive the reader); name is used in errors. */
md_code md_parquet_reader_open_memory(const uint8_t *data, size_t size, const char *name,
                                      md_parquet_reader **out, md_error *err);
void md_parquet_reader_free(md_parquet_reader *reader);
/* INT96 (legacy Spark/Impala timestamps) decodes to timestamp[ns] by default,
 * which overflows int64 past the year 2262. Call this before reading to
 * decode INT96 columns as timestamps of another unit (MD_MICRO reaches every
 * year a Julian day can name); the schema and statistics change with it. */
md_code md_parquet_reader_set_int96_unit(md_parquet_reader *reader, md_time_unit unit, md_error *err);

/* The file's columns as core fields (top-level), with the file's key-value
 * metadata as the schema's metadata. Borrowed. */
const md_schema *md_parquet_reader_schema(const md_parquet_reader *reader);
int64_t md_parquet_reader_num_rows(const md_parquet_reader *reader);
int md_parquet_reader_num_row_groups(const md_parquet_reader *reader);
int64_t md_parquet_reader_row_group_num_rows(const md_parquet_reader *reader, int row_group);
/* "parquet-cpp-arrow version 14.0.0" or NULL. Borrowed. */
const char *md_parquet_reader_created_by(const md_parquet_reader *reader);

/* Reads one row group. columns lists top-level field indices to read (projection),
 * in the order wanted in the batch; NULL with num_columns = -1 reads all. */
md_code md_parquet_reader_read_row_group(md_parquet_reader *reader, int row_group, const int *columns,
                                         int num_columns, md_batch **out, md_error *err);
/* The same, recycling memory when reading row group after row group: *batch
 * is NULL or a batch an earlier call returned, which this call takes (also on
 * failure: then *batch is NULL). Its columns are refilled in place where they
 * can be (same position and type, a flat field, no other reference from
 * md_column_ref), so their buffers keep their size and their pages stay
 * mapped; other columns are built fresh. On success *batch is the new batch.
 * A refilled column may keep a validity bitmap with every bit set. */
md_code md_parquet_reader_read_row_group_into(md_parquet_reader *reader, int row_group, const int *columns,
                                              int num_columns, md_batch **batch, md_error *err);
/* Threads decoding a row group's fields in parallel (each field on one
 * thread, the caller's thread among them); the batch is the same whatever
 * the count. 0, the default, uses every online CPU for row groups big enough
 * to gain from it and the caller's thread alone for small ones; 1 never
 * starts a thread; n > 1 always uses up to n. */
md_code md_parquet_reader_set_threads(md_parquet_reader *reader, int threads, md_error *err);

/* Leaf columns (one per Parquet column chunk), for metadata and statistics. */
int md_parquet_reader_num_leaves(const md_parquet_reader *reader);

typedef struct md_parquet_leaf_info {
  const char *path;            /* dotted path, e.g. "a.list.element" */
  int top_level_field;         /* index into the reader's schema */
  const char *physical_type;   /* "INT32", "BYTE_ARRAY", ... */
  const char *logical_type;    /* e.g. "DECIMAL(12,2)", "STRING", "TIMESTAMP(MICROS,UTC)"; "" if none */
  int32_t type_length;         /* FIXED_LEN_BYTE_ARRAY */
  int16_t max_definition_level;
  int16_t max_repetition_level;
  md_type type;                /* the core type the leaf's values map to */
} md_parquet_leaf_info;

md_code md_parquet_reader_leaf(const md_parquet_reader *reader, int leaf, md_parquet_leaf_info *out,
                               md_error *err);

typedef struct md_parquet_chunk_info {
  md_parquet_codec codec;
  int64_t num_values;
  int64_t total_compressed_size;
  int64_t total_uncompressed_size;
  char encodings[128];        /* "PLAIN,RLE,RLE_DICTIONARY" */
  bool has_null_count;
  int64_t null_count;
  bool has_min_max;           /* min/max present and decodable for this type */
  md_scalar min;              /* typed as md_parquet_leaf_info.type; bytes borrowed from the reader */
  md_scalar max;
  bool min_max_deprecated;    /* taken from the legacy min/max fields */
} md_parquet_chunk_info;

/* Metadata and statistics of one column chunk, for pruning and `cat --schema`. */
md_code md_parquet_reader_chunk(const md_parquet_reader *reader, int row_group, int leaf,
                                md_parquet_chunk_info *out, md_error *err);

/* ------------------------------------------------------------------ writer */

typedef struct md_parquet_write_options {
  md_parquet_codec codec;          /* default SNAPPY */
  int compression_level;           /* 0 = the codec's default */
  int64_t row_group_rows;          /* default 1,048,576 */
  int64_t page_bytes;              /* target uncompressed data page size; default 1 MiB */
  bool dictionary;                 /* default true */
  int64_t dictionary_page_bytes;   /* fall back to PLAIN above this; default 1 MiB */
  const md_metadata *key_value;    /* extra file key-value metadata (borrowed), or NULL */
  int threads;                     /* columns encoded at once; default 0 = the number of online CPUs */
} md_parquet_write_options;

void md_parquet_write_options_default(md_parquet_write_options *options);

typedef struct md_parquet_writer md_parquet_writer;

/* Starts writing path through a temporary file in the same directory; nothing
 * appears at path until md_parquet_writer_close succeeds. schema is copied;
 * options may be NULL for the defaults. */
md_code md_parquet_writer_open(const char *path, const md_schema *schema,
                               const md_parquet_write_options *options, md_parquet_writer **out,
                               md_error *err);
/* Appends the batch's rows (schema must equal the writer's). Streaming: full row
 * groups are written out as they fill; the batch is not kept. */
md_code md_parquet_writer_write(md_parquet_writer *writer, const md_batch *batch, md_error *err);
/* Flushes, writes the footer, fsyncs and renames into place. */
md_code md_parquet_writer_close(md_parquet_writer *writer, md_error *err);
/* Size of the published file (valid after close). */
int64_t md_parquet_writer_file_size(const md_parquet_writer *writer);
/* Frees; if not closed, removes the temporary file (the target is untouched). */
void md_parquet_writer_free(md_parquet_writer *writer);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_PARQUET_H */
