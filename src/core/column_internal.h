/* column_internal.h — the md_column struct and the helpers shared by the core's
 * column files (building, copying, validating, Arrow import/export).
 *
 * Private to src/core: other modules go through core.h, so the layout can change
 * without touching them. */
#ifndef MEDALLION_CORE_COLUMN_INTERNAL_H
#define MEDALLION_CORE_COLUMN_INTERNAL_H

#include <stdatomic.h>

#include "medallion/core.h"

/* The largest buffer we will ever try to allocate. Far above any real column,
 * far below where int64/size_t arithmetic on sizes could wrap. */
#define COLUMN_MAX_BUFFER_BYTES ((int64_t)1 << 56)

struct md_column {
  md_type type;
  atomic_int refcount;
  int64_t length;
  int64_t null_count;
  /* Rows the buffers can hold (offsets hold capacity + 1 entries). */
  int64_t capacity;
  uint8_t *validity; /* NULL while every row is valid */
  int64_t validity_bytes;
  /* Fixed-width values, BOOL's value bitmap, or UTF8/BINARY data bytes. */
  uint8_t *values;
  int64_t values_bytes;
  int32_t *offsets; /* UTF8, BINARY, LIST, MAP */
  int64_t offsets_bytes;
  int num_children;
  md_column **children;
  /* Set for columns imported through the Arrow C Data Interface: the buffers
   * belong to the producer, the column is read-only, and foreign_release drops
   * our hold on the producer when the column is freed. */
  void *foreign;
  void (*foreign_release)(void *foreign);
  /* Bitmaps an import had to copy (validity, BOOL values) because the array's
   * offset was not a multiple of 8; ours to free even on a foreign column. */
  uint8_t *import_copies[2];
};

/* A column with no buffers at all (refcount 1), for import. NULL on failure. */
md_column *column_alloc(md_type type);
/* Takes ownership of child (also on failure). */
md_code column_add_child(md_column *column, md_column *child, md_error *err);
/* An empty column of the same type and child shape. NULL on failure. */
md_column *column_new_like(const md_column *column);
/* MD_OK if the column may be modified (owned buffers, one reference). */
md_code column_check_writable(const md_column *column, md_error *err);
/* null_count from the validity bitmap (or the type, for NULL). */
void column_recount_nulls(md_column *column);
/* True if the two columns have equal types and child shapes, recursively. */
bool column_same_shape(const md_column *a, const md_column *b);

/* Bitmaps are Arrow's: bit i is byte i/8, bit i%8 (LSB first). */
int64_t bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t count);
void bitmap_copy(uint8_t *dst, int64_t dst_offset, const uint8_t *src, int64_t src_offset, int64_t count);
void bitmap_fill(uint8_t *bits, int64_t offset, int64_t count, bool value);
static inline int64_t bitmap_bytes(int64_t bits) { return (bits + 7) / 8; }

#endif
