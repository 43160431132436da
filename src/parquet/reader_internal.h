/* reader_internal.h — the md_parquet_reader handle, shared by reader.c (open,
 * row groups), nested_read.c (assembly) and stats.c (chunk metadata). Private. */
#ifndef MEDALLION_PARQUET_READER_INTERNAL_H
#define MEDALLION_PARQUET_READER_INTERNAL_H

#include "medallion/parquet.h"
#include "parquet/column_read.h"
#include "parquet/metadata.h"
#include "parquet/schema_map.h"

struct md_parquet_reader {
  char *name;             /* for messages */
  const uint8_t *data;
  size_t size;
  void *mapping;          /* mmap'ed file, or NULL for memory sources */
  pq_file_meta meta;
  pq_schema_map map;
  pq_file_view view;
};

/* Decodes a column chunk's statistics into out (min/max typed as the leaf). */
void parquet_chunk_statistics(const pq_leaf *leaf, const pq_column_meta *meta, md_parquet_chunk_info *out);

/* Builds the core column of a top-level field from its leaves' chunks. */
md_code parquet_read_field(md_parquet_reader *reader, int row_group, int field, md_column **out, md_error *err);

#endif
