/* column_read.h — reading one column chunk (one leaf of one row group) into a
 * core column, keeping its levels when the leaf is nested so that the parent
 * LIST / STRUCT / MAP columns can be assembled from them. Private. */
#ifndef MEDALLION_PARQUET_COLUMN_READ_H
#define MEDALLION_PARQUET_COLUMN_READ_H

#include "medallion/core.h"
#include "parquet/metadata.h"
#include "parquet/schema_map.h"

typedef struct pq_file_view {
  const uint8_t *data;
  size_t size;
  int64_t rows_limit; /* most level entries one chunk may claim (bounds allocations) */
} pq_file_view;

typedef struct pq_chunk_data {
  md_column *values;  /* the leaf's core column: one entry per slot */
  int16_t *def;       /* every level entry of the chunk, when kept (else NULL) */
  int16_t *rep;
  int64_t num_levels;
} pq_chunk_data;

/* Scratch buffers (levels, indices, decompressed pages) reused from one chunk
 * to the next; one per thread, never shared by two reads at once. */
typedef struct pq_read_buffers pq_read_buffers;
pq_read_buffers *pq_read_buffers_new(void);
void pq_read_buffers_free(pq_read_buffers *buffers);

/* Reads the chunk's pages. keep_levels: return def/rep (needed for nesting).
 * into: append the slots to this column (borrowed; out->values stays NULL),
 * or NULL to create out->values. refill: into is a recycled column emptied
 * to length 0, whose validity bitmap may hold stale bits. buffers: scratch
 * to reuse, or NULL. */
md_code pq_read_chunk(const pq_file_view *file, const pq_leaf *leaf, const pq_column_meta *meta, bool keep_levels,
                      md_column *into, bool refill, pq_read_buffers *buffers, pq_chunk_data *out, md_error *err);
void pq_chunk_data_free(pq_chunk_data *data);

#endif
