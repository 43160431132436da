/* hc_key_set.h — a hash set of row keys (one or more key columns) with a few
 * flag bits per key, for incremental runs: which stored rows' keys were
 * recomputed is one probe per stored row instead of a join that copies every
 * stored row's key columns, and a key seen twice is counted as it is added.
 *
 * Keys compare as a join on those columns does: every integer type and
 * date32 by value (int32 5 equals int64 5), strings and binaries bytewise,
 * other fixed-width types by their bytes; a key with a null part is never
 * added and never found (null equals nothing). */
#ifndef MEDALLION_HC_KEY_SET_H
#define MEDALLION_HC_KEY_SET_H

#include "medallion/medallion.h"

typedef struct hc_key_set hc_key_set;

/* NULL when out of memory. */
hc_key_set *hc_key_set_new(void);
void hc_key_set_free(hc_key_set *set);
/* Distinct keys held; each has a dense id, 0.. in the order keys came. */
int64_t hc_key_set_count(const hc_key_set *set);
/* Adds the key of every row of batch (the columns named, at most 8) and sets
 * flag on it; *repeats (may be NULL) is increased by the rows whose key
 * already had flag; ids (may be NULL) gets each row's key id (-1: a null
 * part). Fails on a column missing or of a nested type. */
md_code hc_key_set_add(hc_key_set *set, const md_batch *batch, const char *const *columns, int num_columns,
                       unsigned flag, int64_t *repeats, int64_t *ids, md_error *err);
/* For every row of batch: flags[r] the flags of its key (0: absent), ids[r]
 * its id (-1: absent); either may be NULL. */
md_code hc_key_set_find(const hc_key_set *set, const md_batch *batch, const char *const *columns, int num_columns,
                        unsigned char *flags, int64_t *ids, md_error *err);

#endif
