/* nested_read.c — building a top-level field's core column from its leaves'
 * column chunks.
 *
 * Flat fields are one chunk read straight into the result. Nested fields
 * (LIST, STRUCT, MAP, any depth) are assembled from levels: every leaf column
 * is first filled with its slots (see schema_map.h), then each parent's
 * validity and offsets are derived from the levels of its first leaf. Lengths
 * derived from different leaves must agree, which catches inconsistent levels
 * in malformed files. */
#include <stdlib.h>
#include <string.h>

#include "parquet/reader_internal.h"

typedef struct assembly {
  md_parquet_reader *reader;
  const pq_row_group *rg;
  int first_leaf;
  pq_chunk_data *chunks; /* per leaf of the field, levels kept */
  pq_read_buffers *buffers;
} assembly;

static md_code set_validity(md_column *col, int64_t base, const uint8_t *valid, int64_t n, md_error *err) {
  bool any_null = false;
  for (int64_t i = 0; i < n && !any_null; i++) any_null = !valid[i];
  if (!any_null && !md_column_validity(col)) return MD_OK;
  uint8_t *bits = md_column_validity_mut(col, err);
  if (!bits) return err ? err->code : MD_ERR_NOMEM;
  for (int64_t i = 0; i < n; i++) {
    if (valid[i]) md_bit_set(bits, base + i);
    else md_bit_clear(bits, base + i);
  }
  return MD_OK;
}

static md_code fill(assembly *a, const pq_colnode *cn, md_column *col, const char *path, md_error *err) {
  if (cn->leaf >= 0) {
    const pq_leaf *leaf = &a->reader->map.leaves[cn->leaf];
    md_code rc = pq_read_chunk(&a->reader->view, leaf, &a->rg->columns[cn->leaf].meta, true, col, false, a->buffers,
                               &a->chunks[cn->leaf - a->first_leaf], err);
    return rc ? md_error_context(err, "column %s", leaf->path) : MD_OK;
  }
  for (int k = 0; k < cn->num_children; k++) {
    md_code rc = fill(a, &cn->children[k], md_column_child(col, k), path, err);
    if (rc) return rc;
  }
  const pq_chunk_data *levels = &a->chunks[cn->first_leaf - a->first_leaf];
  const int16_t *def = levels->def, *rep = levels->rep;
  int64_t n = levels->num_levels;
  int64_t slots = 0;
  for (int64_t i = 0; i < n; i++) slots += rep[i] <= cn->slot_rep && def[i] >= cn->slot_def;
  int64_t base = md_column_length(col);
  md_code rc = md_column_reserve(col, slots, 0, err);
  if (rc) return rc;
  uint8_t *valid = malloc((size_t)(slots ? slots : 1));
  if (!valid) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (cn->kind == MD_TYPE_STRUCT) {
    for (int64_t i = 0, s = 0; i < n; i++)
      if (rep[i] <= cn->slot_rep && def[i] >= cn->slot_def) valid[s++] = def[i] >= cn->def;
    for (int k = 0; k < cn->num_children && !rc; k++)
      if (md_column_length(md_column_child(col, k)) != base + slots)
        rc = md_error_set(err, MD_ERR_CORRUPT, "column %s: struct fields disagree on their length (%lld, %lld)", path,
                          (long long)md_column_length(md_column_child(col, k)), (long long)(base + slots));
  } else { /* LIST or MAP */
    int32_t *offsets = md_column_offsets_mut(col);
    int64_t elems = offsets[base];
    for (int64_t i = 0, s = 0; i < n; i++) {
      if (rep[i] <= cn->slot_rep && def[i] >= cn->slot_def) {
        if (s > 0) offsets[base + s] = (int32_t)elems;
        valid[s++] = def[i] >= cn->def;
      }
      if (rep[i] <= cn->child_rep && def[i] >= cn->child_def) {
        if (s == 0 || elems >= INT32_MAX) {
          rc = md_error_set(err, MD_ERR_CORRUPT, "column %s: list element before its list", path);
          break;
        }
        elems++;
      }
    }
    if (!rc) offsets[base + slots] = (int32_t)elems;
    if (!rc && elems != md_column_length(md_column_child(col, 0)))
      rc = md_error_set(err, MD_ERR_CORRUPT, "column %s: levels give %lld list elements, the leaves %lld", path,
                        (long long)elems, (long long)md_column_length(md_column_child(col, 0)));
  }
  if (!rc) rc = set_validity(col, base, valid, slots, err);
  free(valid);
  if (!rc) md_column_set_length(col, base + slots);
  return rc;
}

md_code parquet_read_field(md_parquet_reader *r, int row_group, int field, md_column *reuse,
                           pq_read_buffers *buffers, md_column **out, md_error *err) {
  const pq_colnode *node = &r->map.top[field];
  const pq_row_group *rg = &r->meta.row_groups[row_group];
  const md_field *f = md_schema_field(r->map.schema, field);
  md_column *col = NULL;
  md_code rc;
  if (node->leaf >= 0) {
    const pq_leaf *leaf = &r->map.leaves[node->leaf];
    pq_chunk_data data;
    rc = pq_read_chunk(&r->view, leaf, &rg->columns[node->leaf].meta, false, reuse, reuse != NULL, buffers,
                       &data, err);
    if (rc) {
      md_column_free(reuse);
      return md_error_context(err, "column %s", leaf->path);
    }
    col = reuse ? reuse : data.values;
  } else {
    md_column_free(reuse); /* nested columns are built fresh */
    assembly a = {r, rg, r->map.top_first_leaf[field], NULL, buffers};
    int count = r->map.top_num_leaves[field];
    a.chunks = calloc((size_t)(count ? count : 1), sizeof *a.chunks);
    col = md_column_new_for_field(f);
    if (!a.chunks || !col) rc = md_error_set(err, MD_ERR_NOMEM, "out of memory");
    else rc = fill(&a, node, col, md_field_name(f), err);
    for (int i = 0; a.chunks && i < count; i++) pq_chunk_data_free(&a.chunks[i]);
    free(a.chunks);
    if (rc) {
      md_column_free(col);
      return rc;
    }
  }
  if (md_column_length(col) != rg->num_rows) {
    rc = md_error_set(err, MD_ERR_CORRUPT, "column %s has %lld values, the row group %lld rows", md_field_name(f),
                      (long long)md_column_length(col), (long long)rg->num_rows);
    md_column_free(col);
    return rc;
  }
  *out = col;
  return MD_OK;
}
