/* keep_latest_internal.h — the state keep-latest's consuming side
 * (keep_latest.c) builds and its finishing side (keep_latest_finish.c) reads:
 * the input batches still holding some key's latest row, and which of their
 * rows those are. Private to src/compute. */
#ifndef MEDALLION_COMPUTE_KEEP_LATEST_INTERNAL_H
#define MEDALLION_COMPUTE_KEEP_LATEST_INTERNAL_H

#include "plan_internal.h"

/* One input batch, or what is left of it. Rows are named by their row number
 * in the input batch (the "input row") everywhere: in the live bitmap and in
 * the key table's references, so cutting the data down never has to tell the
 * key table where a row went. */
typedef struct held_batch {
  md_column **columns; /* the data; NULL once no row is live */
  int64_t data_rows;
  /* NULL while the data is the input batch itself (shared with the other
   * partitions' states, each holding its own rows of it); once cut down to the
   * live rows, the input row of each data row, ascending. */
  int32_t *orig;
  uint64_t *live;      /* bit per input row: some key's latest, or a null-key row */
  int64_t input_rows;
  int64_t owned;       /* rows of the data that are this state's */
  int64_t num_live;
  int64_t seq;         /* the batch's position in the input */
  key_view order;      /* over the data's order column, for order types compared in place */
  bool has_order_view;
  bool queued;         /* waiting to be checked for cutting down */
} held_batch;

/* The held batches of a state, in input order (what finishing needs). */
typedef struct latest_held {
  held_batch *held;
  int num_held;
  int num_columns;
} latest_held;

latest_held latest_state_held(latest_state *state);
/* Gives back the memory only consuming needs (the key table, dictionaries,
 * scratch); the held batches stay. */
void latest_release_keys(latest_state *state);
/* Drops a held batch's data (its entry stays, empty); columns NULL already
 * released are skipped. */
void held_release(held_batch *h, int num_columns);

#endif
