/* hash_join.c — equi-joins by hashing the right (build) side once and
 * streaming the left (probe) side batch by batch.
 *
 * Build rows with equal keys are chained in input order, so a probe emits
 * matches in right-input order and the join's output order is deterministic:
 * left order, then right order within a left row. Keys are coerced to their
 * common type before encoding (int32 joins int64, decimals of different scales
 * meet), and a key with a null part never matches, as in SQL. */
#include <stdlib.h>

#include "plan_internal.h"

struct join_state {
  md_join_type type;
  md_batch *right;
  md_schema *out_schema;
  int num_keys;
  char **left_keys, **right_keys; /* borrowed from the plan */
  md_type *key_types;             /* common type per key */
  int num_left_columns;
  int *right_out_columns; /* right column indices that appear in the output */
  int num_right_out;
  key_table table;
  int_table ints; /* instead of table for one integer-like key */
  bool int_key;
  /* One integer key whose build values span a range not much wider than
   * their count (surrogate keys, codes): direct[key - direct_min] is the id,
   * or -1, so a probe is one load instead of the hash table's two. */
  int32_t *direct;
  int64_t direct_min;
  uint64_t direct_range;
  int64_t *head, *tail, *next; /* chains of build rows per key id */
  uint8_t *matched;            /* FULL: right rows that found a partner */
};

void join_free(join_state *state) {
  if (!state) return;
  md_batch_free(state->right);
  md_schema_free(state->out_schema);
  free(state->key_types);
  free(state->right_out_columns);
  key_table_free(&state->table);
  int_table_free(&state->ints);
  free(state->direct);
  free(state->head);
  free(state->tail);
  free(state->next);
  free(state->matched);
  free(state);
}

/* Key columns of batch cast to the common key types, then encoded. */
static md_code encode_keys(const join_state *state, const md_batch *batch, char *const *names, key_rows *out,
                           md_error *err) {
  md_column *borrowed[16], *cast[16] = {NULL};
  if (state->num_keys > 16) return md_error_set(err, MD_ERR_UNSUPPORTED, "join: more than 16 key columns");
  md_code code = batch_columns_by_name(batch, names, state->num_keys, borrowed, err);
  for (int k = 0; k < state->num_keys && code == MD_OK; k++) code = kernel_cast(borrowed[k], state->key_types[k], &cast[k], err);
  if (code == MD_OK) code = keys_encode(cast, state->num_keys, md_batch_num_rows(batch), false, out, err);
  for (int k = 0; k < state->num_keys; k++) md_column_free(cast[k]);
  return code;
}

/* Per row of batch, the id of its key in the build table, or -1 for a key with
 * a null part or (probing) without a match. Building inserts new keys and
 * marks them in inserted. Probing only reads the table, so probes may run in
 * parallel. */
static md_code key_ids(join_state *state, const md_batch *batch, char *const *names, uint8_t *inserted, int64_t *ids,
                       md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  if (state->int_key) {
    md_column *borrowed, *cast = NULL;
    md_code code = batch_columns_by_name(batch, names, 1, &borrowed, err);
    if (code == MD_OK) code = kernel_cast(borrowed, state->key_types[0], &cast, err);
    if (code != MD_OK) return code;
    int64_t *owned = NULL;
    const int64_t *v = key_ints(cast, &owned);
    const uint8_t *valid = md_column_validity(cast);
    if (!v) code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
    if (code == MD_OK && !inserted && state->direct) {
      const int32_t *direct = state->direct;
      const int64_t min = state->direct_min;
      const uint64_t range = state->direct_range;
      for (int64_t i = 0; i < n; i++) {
        uint64_t offset = (uint64_t)v[i] - (uint64_t)min;
        ids[i] = offset < range ? direct[offset] : -1;
      }
      for (int64_t i = 0; valid && i < n; i++)
        if (!md_bit_get(valid, i)) ids[i] = -1;
    } else {
      for (int64_t i = 0; i < n && code == MD_OK; i++) {
        bool is_new = false;
        if (valid && !md_bit_get(valid, i)) ids[i] = -1;
        else if (inserted) {
          if ((ids[i] = int_table_insert(&state->ints, v[i], &is_new)) < 0) code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
          inserted[i] = is_new;
        } else {
          ids[i] = int_table_find(&state->ints, v[i]);
        }
      }
    }
    free(owned);
    md_column_free(cast);
    return code;
  }
  key_rows keys;
  md_code code = encode_keys(state, batch, names, &keys, err);
  if (code != MD_OK) return code;
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    const uint8_t *key = keys.bytes + keys.offsets[i];
    int64_t len = keys.offsets[i + 1] - keys.offsets[i];
    bool is_new = false;
    if (keys.has_null[i]) ids[i] = -1;
    else if (inserted) {
      if ((ids[i] = key_table_insert(&state->table, keys.hashes[i], key, len, &is_new, err)) < 0) code = MD_ERR_NOMEM;
      inserted[i] = is_new;
    } else {
      ids[i] = key_table_find(&state->table, keys.hashes[i], key, len);
    }
  }
  keys_free(&keys);
  return code;
}

/* Builds the direct index when the keys are dense enough (at most four slots
 * per key, 4 bytes each); otherwise probes keep the hash table. Advisory: out
 * of memory just leaves the hash table in charge. */
static void build_direct(join_state *state) {
  const int_table *t = &state->ints;
  if (t->count == 0 || t->count >= INT32_MAX) return;
  int64_t min = t->keys[0], max = t->keys[0];
  for (int64_t id = 1; id < t->count; id++) {
    min = t->keys[id] < min ? t->keys[id] : min;
    max = t->keys[id] > max ? t->keys[id] : max;
  }
  uint64_t range = (uint64_t)max - (uint64_t)min + 1; /* wraps to 0 only for the full int64 range */
  if (range == 0 || range > (uint64_t)t->count * 4 + 1024) return;
  int32_t *direct = malloc(range * sizeof *direct);
  if (!direct) return;
  memset(direct, 0xff, range * sizeof *direct); /* -1 */
  for (int64_t id = 0; id < t->count; id++) direct[(uint64_t)t->keys[id] - (uint64_t)min] = (int32_t)id;
  state->direct = direct;
  state->direct_min = min;
  state->direct_range = range;
}

md_code join_build(const md_plan *plan, md_batch *right, const md_schema *out_schema, join_state **out, md_error *err) {
  join_state *state = calloc(1, sizeof *state);
  if (!state) {
    md_batch_free(right);
    return md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  }
  state->type = plan->join_type;
  state->right = right;
  state->num_keys = plan->num_keys;
  state->left_keys = plan->left_keys;
  state->right_keys = plan->right_keys;
  state->out_schema = md_schema_copy(out_schema);
  state->key_types = calloc((size_t)plan->num_keys, sizeof *state->key_types);
  const md_schema *right_schema = md_batch_schema(right);
  int right_fields = md_schema_num_fields(right_schema);
  state->right_out_columns = calloc(right_fields > 0 ? (size_t)right_fields : 1, sizeof *state->right_out_columns);
  int64_t rows = md_batch_num_rows(right);
  size_t slots = (size_t)(rows > 0 ? rows : 1);
  state->head = malloc(slots * sizeof *state->head);
  state->tail = malloc(slots * sizeof *state->tail);
  state->next = malloc(slots * sizeof *state->next);
  state->matched = calloc(slots, 1);
  key_table_init(&state->table);
  md_code code = MD_OK;
  if (!state->out_schema || !state->key_types || !state->right_out_columns || !state->head || !state->tail ||
      !state->next || !state->matched)
    code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  for (int i = 0; i < right_fields && code == MD_OK; i++) {
    bool is_key = false;
    for (int k = 0; k < plan->num_keys; k++) is_key |= strcmp(plan->right_keys[k], md_field_name(md_schema_field(right_schema, i))) == 0;
    if (!is_key) state->right_out_columns[state->num_right_out++] = i;
  }
  state->num_left_columns = md_schema_num_fields(out_schema) -
                            (state->type == MD_JOIN_SEMI || state->type == MD_JOIN_ANTI ? 0 : state->num_right_out);
  for (int k = 0; k < plan->num_keys && code == MD_OK; k++) {
    int li = md_schema_find(out_schema, plan->left_keys[k]), ri = md_schema_find(right_schema, plan->right_keys[k]);
    if (li < 0 || ri < 0) code = md_error_set(err, MD_ERR_NOT_FOUND, "join: key %s = %s not found", plan->left_keys[k], plan->right_keys[k]);
    else code = expr_common_type(md_field_type(md_schema_field(out_schema, li)), md_field_type(md_schema_field(right_schema, ri)),
                                 true, &state->key_types[k], err);
  }
  int_table_init(&state->ints);
  state->int_key = code == MD_OK && plan->num_keys == 1 && key_is_int(state->key_types[0]);
  int64_t *ids = malloc(slots * sizeof *ids);
  uint8_t *inserted = malloc(slots);
  if (code == MD_OK && (!ids || !inserted)) code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  if (code == MD_OK) code = key_ids(state, right, state->right_keys, inserted, ids, err);
  for (int64_t i = 0; i < rows && code == MD_OK; i++) {
    state->next[i] = -1;
    int64_t id = ids[i];
    if (id < 0) continue;
    if (inserted[i]) state->head[id] = state->tail[id] = i;
    else {
      state->next[state->tail[id]] = i;
      state->tail[id] = i;
    }
  }
  free(ids);
  free(inserted);
  if (code == MD_OK && state->int_key) build_direct(state);
  if (code != MD_OK) {
    join_free(state);
    return code;
  }
  *out = state;
  return MD_OK;
}

/* Growing pair lists. */
typedef struct pairs {
  int64_t *left, *right;
  int64_t count, capacity;
} pairs;

static bool pairs_reserve(pairs *p, int64_t cap) {
  int64_t *left = realloc(p->left, (size_t)cap * sizeof *left);
  if (!left) return false;
  p->left = left;
  int64_t *right = realloc(p->right, (size_t)cap * sizeof *right);
  if (!right) return false;
  p->right = right;
  p->capacity = cap;
  return true;
}

static bool pairs_push(pairs *p, int64_t l, int64_t r) {
  if (p->count == p->capacity && !pairs_reserve(p, p->capacity ? p->capacity * 2 : 1024)) return false;
  p->left[p->count] = l;
  p->right[p->count++] = r;
  return true;
}

/* True when the pairs' left rows are exactly the left batch's rows in order
 * (every row once: a left or full join whose keys match at most one right
 * row, or a semi/anti join keeping everything) — then the left columns are
 * shared instead of copied. */
static bool left_is_identity(const md_batch *left, const pairs *p) {
  if (!left || p->count != md_batch_num_rows(left)) return false;
  for (int64_t i = 0; i < p->count; i++)
    if (p->left[i] != i) return false;
  return true;
}

/* Output batch: left columns at left[], right output columns at right[]. For
 * unmatched right rows of a full join, key_fill supplies the left key columns. */
static md_code assemble(join_state *state, const md_batch *left, const pairs *p, bool key_fill, md_batch **out,
                        md_error *err) {
  bool left_only = state->type == MD_JOIN_SEMI || state->type == MD_JOIN_ANTI;
  bool share_left = left_is_identity(left, p);
  int n = md_schema_num_fields(state->out_schema);
  md_column **columns = calloc((size_t)(n > 0 ? n : 1), sizeof *columns);
  md_schema *schema = md_schema_copy(state->out_schema);
  md_code code = columns && schema ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  for (int i = 0; i < state->num_left_columns && code == MD_OK; i++) {
    const md_field *field = md_schema_field(state->out_schema, i);
    int key = -1;
    for (int k = 0; key_fill && k < state->num_keys; k++)
      if (strcmp(state->left_keys[k], md_field_name(field)) == 0) key = k;
    if (key >= 0) {
      md_column *right_key = md_batch_column(state->right, md_schema_find(md_batch_schema(state->right), state->right_keys[key]));
      md_column *taken = NULL;
      code = column_take(right_key, p->right, p->count, &taken, err);
      if (code == MD_OK) code = kernel_cast(taken, md_field_type(field), &columns[i], err);
      md_column_free(taken);
    } else if (share_left) {
      columns[i] = md_column_ref(md_batch_column(left, i));
    } else if (left) {
      code = column_take(md_batch_column(left, i), p->left, p->count, &columns[i], err);
    } else {
      columns[i] = md_column_new_for_field(field);
      code = columns[i] ? md_column_append_nulls(columns[i], p->count, err) : md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
    }
  }
  for (int j = 0; !left_only && j < state->num_right_out && code == MD_OK; j++)
    code = column_take(md_batch_column(state->right, state->right_out_columns[j]), p->right, p->count,
                       &columns[state->num_left_columns + j], err);
  return batch_build(schema, columns, n, code, out, err);
}

md_code join_probe(join_state *state, const md_batch *left, md_batch **out, md_error *err) {
  int64_t n = md_batch_num_rows(left);
  int64_t *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
  if (!ids) return md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  md_code code = key_ids(state, left, state->left_keys, NULL, ids, err);
  pairs p = {0};
  md_join_type type = state->type;
  /* Most probes find at most one partner: size the pair lists for that. */
  if (code == MD_OK && n > 0 && !pairs_reserve(&p, n)) code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
  for (int64_t i = 0; i < n && code == MD_OK; i++) {
    int64_t id = ids[i];
    bool ok = true;
    if (type == MD_JOIN_SEMI || type == MD_JOIN_ANTI) {
      if ((id >= 0) == (type == MD_JOIN_SEMI)) ok = pairs_push(&p, i, -1);
    } else if (id < 0) {
      if (type != MD_JOIN_INNER) ok = pairs_push(&p, i, -1);
    } else {
      for (int64_t r = state->head[id]; r >= 0 && ok; r = state->next[r]) {
        ok = pairs_push(&p, i, r);
        if (type == MD_JOIN_FULL) state->matched[r] = 1; /* probes may run in parallel otherwise */
      }
    }
    if (!ok) code = md_error_set(err, MD_ERR_NOMEM, "join: out of memory for %lld output rows", (long long)p.count);
  }
  free(ids);
  if (code == MD_OK) code = assemble(state, left, &p, false, out, err);
  free(p.left);
  free(p.right);
  return code;
}

md_code join_unmatched(join_state *state, md_batch **out, md_error *err) {
  *out = NULL;
  pairs p = {0};
  int64_t rows = md_batch_num_rows(state->right);
  for (int64_t r = 0; r < rows; r++)
    if (!state->matched[r] && !pairs_push(&p, -1, r)) {
      free(p.left);
      free(p.right);
      return md_error_set(err, MD_ERR_NOMEM, "join: out of memory");
    }
  md_code code = p.count > 0 ? assemble(state, NULL, &p, true, out, err) : MD_OK;
  free(p.left);
  free(p.right);
  return code;
}
