/* sort.c — stable multi-key sort over the whole input gathered into one
 * batch, and the canonical key views it shares with keep-latest.
 *
 * Keys are read through a canonical view (int64, float64, decimal128 or bytes)
 * prepared once per column, so comparing two rows is a short loop over keys
 * with no type lookups. The sort is a merge sort of row indices: stable by
 * construction, which the spec's "source order breaks ties" relies on. */
#include <stdlib.h>

#include "plan_internal.h"

md_code key_view_init(key_view *view, const md_column *column, md_error *err) {
  md_type t = md_column_type(column);
  md_type to = t;
  if (md_type_is_nested(t) || t.id == MD_TYPE_INTERVAL_MDN) {
    char name[64];
    md_type_to_string(t, name, sizeof name);
    return md_error_set(err, MD_ERR_UNSUPPORTED, "cannot order %s values", name);
  }
  if (type_is_float(t)) view->kind = VIEW_FLOAT, to = md_type_make(MD_TYPE_FLOAT64);
  else if (t.id == MD_TYPE_DECIMAL128) view->kind = VIEW_DEC;
  else if (md_type_is_variable(t) || t.id == MD_TYPE_FIXED_BINARY) view->kind = VIEW_BYTES;
  else view->kind = VIEW_INT, to = md_type_make(MD_TYPE_INT64);
  md_code code = t.id == MD_TYPE_NULL ? (view->column = md_column_ref((md_column *)column), MD_OK)
                                      : kernel_cast(column, to, &view->column, err);
  if (code != MD_OK) return code;
  view->values = md_column_values(view->column);
  view->offsets = md_column_offsets(view->column);
  view->data = column_bytes(view->column);
  view->valid = md_column_validity(view->column);
  if (t.id == MD_TYPE_NULL) view->kind = VIEW_INT;
  return MD_OK;
}

static int compare_bytes(const uint8_t *a, int64_t a_len, const uint8_t *b, int64_t b_len) {
  int64_t common = a_len < b_len ? a_len : b_len;
  int c = common > 0 ? memcmp(a, b, (size_t)common) : 0;
  if (c != 0) return c < 0 ? -1 : 1;
  return (a_len > b_len) - (a_len < b_len);
}


/* Values only (both rows valid). */
static int view_compare_values(const key_view *v, int64_t a, int64_t b) { return key_view_compare(v, a, v, b); }

bool key_view_null(const key_view *v, int64_t i) {
  return md_column_type(v->column).id == MD_TYPE_NULL || (v->valid && !md_bit_get(v->valid, i));
}

typedef struct sorter {
  key_view *views;
  int num_views;
} sorter;

static int compare_rows(const sorter *s, int64_t a, int64_t b) {
  for (int k = 0; k < s->num_views; k++) {
    const key_view *v = &s->views[k];
    bool an = key_view_null(v, a), bn = key_view_null(v, b);
    int c;
    if (an || bn) {
      if (an && bn) continue;
      c = an ? -1 : 1; /* null before values when nulls_first, regardless of direction */
      return v->nulls_first ? c : -c;
    }
    c = view_compare_values(v, a, b);
    if (c != 0) return v->descending ? -c : c;
  }
  return 0;
}

static void merge_sort(const sorter *s, int64_t *rows, int64_t *tmp, int64_t n) {
  /* Bottom-up: runs of width 1, 2, 4, ... merged into tmp and swapped back. */
  int64_t *src = rows, *dst = tmp;
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi) dst[o++] = compare_rows(s, src[j], src[i]) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    int64_t *swap = src;
    src = dst;
    dst = swap;
  }
  if (src != rows) memcpy(rows, src, (size_t)n * sizeof *rows);
}

static void views_free(key_view *views, int n) {
  for (int i = 0; views && i < n; i++) md_column_free(views[i].column);
  free(views);
}

md_code sort_batch(const md_batch *batch, const md_sort_key *keys, int num_keys, md_batch **out, md_error *err) {
  int64_t n = md_batch_num_rows(batch);
  key_view *views = calloc((size_t)num_keys, sizeof *views);
  int64_t *rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *rows), *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
  md_code code = views && rows && tmp ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "sort: out of memory");
  for (int k = 0; k < num_keys && code == MD_OK; k++) {
    int index = md_schema_find(md_batch_schema(batch), keys[k].column);
    if (index < 0) code = md_error_set(err, MD_ERR_NOT_FOUND, "sort: column %s not found", keys[k].column);
    else code = key_view_init(&views[k], md_batch_column(batch, index), err);
    if (code == MD_OK) {
      views[k].descending = keys[k].descending;
      views[k].nulls_first = keys[k].nulls_first;
    }
  }
  if (code == MD_OK) {
    for (int64_t i = 0; i < n; i++) rows[i] = i;
    sorter s = {views, num_keys};
    merge_sort(&s, rows, tmp, n);
    code = batch_take(batch, rows, n, out, err);
  }
  views_free(views, num_keys);
  free(rows);
  free(tmp);
  return code;
}

/* Values only (both rows valid), rows of two views of one kind (keep-latest
 * compares rows of different batches). */
int key_view_compare(const key_view *va, int64_t a, const key_view *vb, int64_t b) {
  switch (va->kind) {
    case VIEW_INT: {
      int64_t x = ((const int64_t *)va->values)[a], y = ((const int64_t *)vb->values)[b];
      return (x > y) - (x < y);
    }
    case VIEW_FLOAT: {
      double x = ((const double *)va->values)[a], y = ((const double *)vb->values)[b];
      bool xn = x != x, yn = y != y;
      if (xn || yn) return (int)xn - (int)yn;
      return (x > y) - (x < y);
    }
    case VIEW_DEC: {
      i128 x = dec_load((const uint8_t *)va->values + 16 * a), y = dec_load((const uint8_t *)vb->values + 16 * b);
      return (x > y) - (x < y);
    }
    case VIEW_BYTES:
      if (!va->offsets) {
        int w = md_column_type(va->column).byte_width;
        return compare_bytes((const uint8_t *)va->values + a * w, w, (const uint8_t *)vb->values + b * w, w);
      }
      return compare_bytes(va->data + va->offsets[a], va->offsets[a + 1] - va->offsets[a], vb->data + vb->offsets[b],
                           vb->offsets[b + 1] - vb->offsets[b]);
  }
  return 0;
}

