/* reader_internal.h — the md_parquet_reader handle, shared by reader.c (open,
 * footer), row_group_read.c (row groups, threads), nested_read.c (assembly)
 * and stats.c (chunk metadata). Private. */
#ifndef MEDALLION_PARQUET_READER_INTERNAL_H
#define MEDALLION_PARQUET_READER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "medallion/parquet.h"
#include "parquet/column_read.h"
#include "parquet/metadata.h"
#include "parquet/schema_map.h"

/* Most scratch buffer sets a reader keeps between reads. */
enum { PARQUET_POOL_MAX = 16 };

struct md_parquet_reader {
  char *name;             /* for messages */
  const uint8_t *data;
  size_t size;
  void *mapping;          /* mmap'ed file, or NULL for memory sources */
  pq_file_meta meta;
  pq_schema_map map;
  pq_file_view view;
  int threads;            /* decoding threads; 0 = automatic (see md_parquet_reader_set_threads) */
  /* Scratch buffers between reads (see row_group_read.c). Callers may read
   * row groups of one reader from several threads at once, hence the lock. */
  pthread_mutex_t pool_lock;
  pq_read_buffers *pool[PARQUET_POOL_MAX];
  int pool_size;
  atomic_int active_reads;  /* row group reads under way, to share the CPUs among them */
};

/* Decodes a column chunk's statistics into out (min/max typed as the leaf). */
void parquet_chunk_statistics(const pq_leaf *leaf, const pq_column_meta *meta, md_parquet_chunk_info *out);

/* Builds the core column of a top-level field from its leaves' chunks.
 * reuse: an empty, unshared column of the field's type to fill instead of a
 * new one (taken, also on failure), or NULL. buffers: the calling thread's
 * scratch, or NULL. Reads the reader only, so several threads may build
 * fields of one row group (or of different ones) at once. */
md_code parquet_read_field(md_parquet_reader *reader, int row_group, int field, md_column *reuse,
                           pq_read_buffers *buffers, md_column **out, md_error *err);

#endif
