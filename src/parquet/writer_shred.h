/* writer_shred.h — record shredding: from a nested core column (Arrow layout:
 * offsets, children, validity at every level) to the definition and
 * repetition levels of each of its Parquet leaf columns, and the positions of
 * the leaf values to write. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_WRITER_SHRED_H
#define MEDALLION_PARQUET_WRITER_SHRED_H

#include <stdint.h>

#include "medallion/core.h"
#include "parquet/writer_schema.h"

/* The level entries of one leaf for a range of rows. */
typedef struct shred_levels {
  int64_t count;        /* level entries */
  const uint32_t *def;
  const uint32_t *rep;
  const int64_t *pos;   /* per entry: the row of the leaf column holding its value, or -1 (no value) */
  int64_t values;       /* entries with a value (pos >= 0), in increasing pos order */
  int64_t rows;         /* records (entries with rep 0) */
} shred_levels;

/* Called once per leaf, in schema order; `column` is the leaf's core column. */
typedef md_code (*shred_leaf_fn)(void *ctx, int leaf, const md_column *column, const shred_levels *levels,
                                 md_error *err);

/* Reusable buffers: one set of entry arrays per nesting level. */
typedef struct shred_slot shred_slot;
typedef struct shred_workspace {
  shred_slot *slots;
  int num_slots;
} shred_workspace;

void shred_workspace_init(shred_workspace *ws);
void shred_workspace_free(shred_workspace *ws);

/* Shreds rows [row, row + count) of column (shaped like root) and hands each
 * leaf's levels to fn. Errors: a null under a non-nullable field, offsets out
 * of range. */
md_code shred_rows(shred_workspace *ws, const writer_node *root, const md_column *column, int64_t row,
                   int64_t count, shred_leaf_fn fn, void *ctx, md_error *err);

#endif
