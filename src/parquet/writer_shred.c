/* writer_shred.c — record shredding, one column level at a time.
 *
 * The rows to shred start as one entry each (position = row, repetition 0).
 * Going down the node tree, every level rewrites the whole entry array in one
 * loop: a null value ends its entry (the definition level it reached is
 * recorded, position -1), a list replaces its entry by one entry per element
 * (an empty list ends its entry one level deeper than a null list), and a
 * struct passes the entries on to each of its fields. At a leaf, the entries
 * still open hold a value. So the work is a few tight loops per schema node
 * rather than a recursion per value, and the leaf values come out as
 * increasing positions that the encoders can take in contiguous runs.
 *
 * Definition levels of open entries are implicit (the node's level) and only
 * written when an entry ends or reaches its leaf. */
#include "parquet/writer_shred.h"

#include <stdlib.h>
#include <string.h>

struct shred_slot {
  int64_t count, capacity;
  int64_t *pos;
  uint32_t *def, *rep;
};

typedef struct shredder {
  shred_workspace *ws;
  shred_leaf_fn fn;
  void *ctx;
} shredder;

void shred_workspace_init(shred_workspace *ws) {
  ws->slots = NULL;
  ws->num_slots = 0;
}

void shred_workspace_free(shred_workspace *ws) {
  for (int i = 0; i < ws->num_slots; i++) {
    free(ws->slots[i].pos);
    free(ws->slots[i].def);
    free(ws->slots[i].rep);
  }
  free(ws->slots);
  ws->slots = NULL;
  ws->num_slots = 0;
}

static bool slot_reserve(shred_slot *slot, int64_t count) {
  if (count <= slot->capacity) return true;
  int64_t capacity = slot->capacity ? slot->capacity : 1024;
  while (capacity < count) capacity *= 2;
  int64_t *pos = realloc(slot->pos, (size_t)capacity * sizeof *pos);
  if (pos) slot->pos = pos;
  uint32_t *def = realloc(slot->def, (size_t)capacity * sizeof *def);
  if (def) slot->def = def;
  uint32_t *rep = realloc(slot->rep, (size_t)capacity * sizeof *rep);
  if (rep) slot->rep = rep;
  if (!pos || !def || !rep) return false;
  slot->capacity = capacity;
  return true;
}

static md_code visit(shredder *s, const writer_node *node, const md_column *column, int at, md_error *err);

/* Ends the open entries whose value is null at this node. */
static md_code end_nulls(const writer_node *node, const md_column *column, shred_slot *e, md_error *err) {
  uint32_t reached = (uint32_t)(node->def - (node->nullable ? 1 : 0));
  if (node->kind == MD_TYPE_NULL) {
    for (int64_t i = 0; i < e->count; i++)
      if (e->pos[i] >= 0) {
        e->pos[i] = -1;
        e->def[i] = reached;
      }
    return MD_OK;
  }
  const uint8_t *validity = md_column_validity(column);
  if (!validity) return MD_OK;
  int64_t length = md_column_length(column);
  for (int64_t i = 0; i < e->count; i++) {
    int64_t p = e->pos[i];
    if (p < 0) continue;
    if (p >= length) return md_error_set(err, MD_ERR_INVALID, "%s: row %lld beyond the column's %lld", node->name,
                                         (long long)p, (long long)length);
    if (md_bit_get(validity, p)) continue;
    if (!node->nullable)
      return md_error_set(err, MD_ERR_SCHEMA, "%s: null value in a non-nullable column (row %lld)", node->name,
                          (long long)p);
    e->pos[i] = -1;
    e->def[i] = reached;
  }
  return MD_OK;
}

/* One entry per list element into slot at + 1; empty lists end their entry. */
static md_code expand_lists(shredder *s, const writer_node *node, const md_column *column, int at, md_error *err) {
  shred_slot *e = &s->ws->slots[at];
  const int32_t *offsets = md_column_offsets(column);
  int64_t length = md_column_length(column);
  int64_t child_length = md_column_length(md_column_child(column, 0));
  int64_t total = 0;
  for (int64_t i = 0; i < e->count; i++) {
    int64_t p = e->pos[i];
    if (p < 0) {
      total++;
      continue;
    }
    if (p >= length) return md_error_set(err, MD_ERR_INVALID, "%s: row %lld beyond the column's %lld", node->name,
                                         (long long)p, (long long)length);
    int64_t a = offsets[p], b = offsets[p + 1];
    if (a < 0 || b < a || b > child_length)
      return md_error_set(err, MD_ERR_INVALID, "%s: row %lld: list offsets %lld..%lld outside 0..%lld", node->name,
                          (long long)p, (long long)a, (long long)b, (long long)child_length);
    total += b > a ? b - a : 1;
  }
  shred_slot *out = &s->ws->slots[at + 1];
  if (!slot_reserve(out, total)) return md_error_set(err, MD_ERR_NOMEM, "out of memory shredding %s", node->name);
  e = &s->ws->slots[at];
  uint32_t element_rep = (uint32_t)node->rep;
  int64_t *pos = out->pos;
  uint32_t *def = out->def, *rep = out->rep;
  int64_t n = 0;
  for (int64_t i = 0; i < e->count; i++) {
    int64_t p = e->pos[i];
    int64_t a = p >= 0 ? offsets[p] : 0, b = p >= 0 ? offsets[p + 1] : 0;
    if (a == b) {
      pos[n] = -1;
      def[n] = p >= 0 ? (uint32_t)node->def : e->def[i];
      rep[n++] = e->rep[i];
      continue;
    }
    pos[n] = a;
    rep[n++] = e->rep[i];
    for (int64_t k = a + 1; k < b; k++) {
      pos[n] = k;
      rep[n++] = element_rep;
    }
  }
  out->count = n;
  return visit(s, &node->children[0], md_column_child(column, 0), at + 1, err);
}

static md_code finish_leaf(shredder *s, const writer_node *node, const md_column *column, int at, md_error *err) {
  shred_slot *e = &s->ws->slots[at];
  uint32_t max_def = (uint32_t)node->def;
  int64_t values = 0, rows = 0;
  for (int64_t i = 0; i < e->count; i++) {
    rows += e->rep[i] == 0;
    if (e->pos[i] < 0) continue;
    e->def[i] = max_def;
    values++;
  }
  shred_levels levels = {e->count, e->def, e->rep, e->pos, values, rows};
  return s->fn(s->ctx, node->leaf, column, &levels, err);
}

static md_code visit(shredder *s, const writer_node *node, const md_column *column, int at, md_error *err) {
  md_code code = end_nulls(node, column, &s->ws->slots[at], err);
  if (code != MD_OK) return code;
  switch (node->kind) {
    case MD_TYPE_LIST:
    case MD_TYPE_MAP: return expand_lists(s, node, column, at, err);
    case MD_TYPE_STRUCT:
      for (int k = 0; k < node->num_children; k++) {
        const md_column *child = md_column_child(column, k);
        if (md_column_length(child) < md_column_length(column))
          return md_error_set(err, MD_ERR_INVALID, "%s: field %s is shorter than the struct", node->name,
                              node->children[k].name);
        /* The last field may consume the entries; the others work on a copy. */
        int child_at = at;
        if (k + 1 < node->num_children) {
          shred_slot *e = &s->ws->slots[at], *copy = &s->ws->slots[at + 1];
          if (!slot_reserve(copy, e->count))
            return md_error_set(err, MD_ERR_NOMEM, "out of memory shredding %s", node->name);
          e = &s->ws->slots[at];
          memcpy(copy->pos, e->pos, (size_t)e->count * sizeof *e->pos);
          memcpy(copy->def, e->def, (size_t)e->count * sizeof *e->def);
          memcpy(copy->rep, e->rep, (size_t)e->count * sizeof *e->rep);
          copy->count = e->count;
          child_at = at + 1;
        }
        code = visit(s, &node->children[k], child, child_at, err);
        if (code != MD_OK) return code;
      }
      return MD_OK;
    default: return finish_leaf(s, node, column, at, err);
  }
}

md_code shred_rows(shred_workspace *ws, const writer_node *root, const md_column *column, int64_t row,
                   int64_t count, shred_leaf_fn fn, void *ctx, md_error *err) {
  int needed = root->depth + 1;
  if (ws->num_slots < needed) {
    shred_slot *slots = realloc(ws->slots, (size_t)needed * sizeof *slots);
    if (!slots) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    memset(slots + ws->num_slots, 0, (size_t)(needed - ws->num_slots) * sizeof *slots);
    ws->slots = slots;
    ws->num_slots = needed;
  }
  shred_slot *top = &ws->slots[0];
  if (!slot_reserve(top, count)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int64_t i = 0; i < count; i++) {
    top->pos[i] = row + i;
    top->rep[i] = 0;
  }
  top->count = count;
  shredder s = {ws, fn, ctx};
  return visit(&s, root, column, 0, err);
}
