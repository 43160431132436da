/* sort.c — stable multi-key sort and keep-latest-by-key, both over the whole
 * input gathered into one batch.
 *
 * Keys are read through a canonical view (int64, float64, decimal128 or bytes)
 * prepared once per column, so comparing two rows is a short loop over keys
 * with no type lookups. The sort is a merge sort of row indices: stable by
 * construction, which the spec's "source order breaks ties" relies on. */
#include <stdlib.h>

#include "plan_internal.h"

typedef enum view_kind { VIEW_INT, VIEW_FLOAT, VIEW_DEC, VIEW_BYTES } view_kind;

typedef struct key_view {
  view_kind kind;
  md_column *column; /* owned (possibly a cast of the input) */
  const void *values;
  const int32_t *offsets;
  const uint8_t *data;
  const uint8_t *valid;
  bool descending, nulls_first;
} key_view;

static md_code view_init(key_view *view, const md_column *column, md_error *err) {
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

static int view_compare_across(const key_view *va, int64_t a, const key_view *vb, int64_t b);

/* Values only (both rows valid). */
static int view_compare_values(const key_view *v, int64_t a, int64_t b) { return view_compare_across(v, a, v, b); }

static bool view_null(const key_view *v, int64_t i) {
  return md_column_type(v->column).id == MD_TYPE_NULL || (v->valid && !md_bit_get(v->valid, i));
}

typedef struct sorter {
  key_view *views;
  int num_views;
} sorter;

static int compare_rows(const sorter *s, int64_t a, int64_t b) {
  for (int k = 0; k < s->num_views; k++) {
    const key_view *v = &s->views[k];
    bool an = view_null(v, a), bn = view_null(v, b);
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
    else code = view_init(&views[k], md_batch_column(batch, index), err);
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
static int view_compare_across(const key_view *va, int64_t a, const key_view *vb, int64_t b) {
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

/* One column of the kept rows: rows holds global row numbers, ascending, over
 * batches whose first global rows are starts[]. */
static md_code take_across(md_batch *const *batches, const int64_t *starts, int num_batches, int c, const int64_t *rows,
                           int64_t kept, md_column **out, md_error *err) {
  int first = -1, last = -1;
  for (int b = 0; b < num_batches; b++) {
    int64_t end = starts[b] + md_batch_num_rows(batches[b]);
    bool any = false;
    /* rows are ascending: the batch's rows form one run. */
    int64_t lo = 0, hi = kept;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (rows[mid] < starts[b]) lo = mid + 1;
      else hi = mid;
    }
    any = lo < kept && rows[lo] < end;
    if (any && first < 0) first = b;
    if (any) last = b;
  }
  if (first < 0 || first == last) {
    /* One batch holds every kept row (always so for a single input batch). */
    int b = first < 0 ? 0 : first;
    int64_t *local = malloc((size_t)(kept > 0 ? kept : 1) * sizeof *local);
    if (!local) return md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    for (int64_t i = 0; i < kept; i++) local[i] = rows[i] - starts[b];
    md_code code = column_take(md_batch_column(batches[b], c), local, kept, out, err);
    free(local);
    return code;
  }
  md_column *result = NULL; /* an empty copy gives the column's shape */
  int64_t *local = malloc((size_t)(kept > 0 ? kept : 1) * sizeof *local);
  md_code code = local ? md_column_slice_copy(md_batch_column(batches[0], c), 0, 0, &result, err)
                       : md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  if (code == MD_OK) code = md_column_reserve(result, kept, 0, err);
  int64_t i = 0;
  for (int b = 0; b < num_batches && code == MD_OK; b++) {
    int64_t end = starts[b] + md_batch_num_rows(batches[b]), count = 0;
    while (i < kept && rows[i] < end) local[count++] = rows[i++] - starts[b];
    if (count == 0) continue;
    code = md_column_append_rows(result, md_batch_column(batches[b], c), local, count, err);
  }
  free(local);
  if (code != MD_OK) {
    md_column_free(result);
    return code;
  }
  *out = result;
  return MD_OK;
}

md_code keep_latest_batches(md_batch *const *batches, int num_batches, const md_schema *schema, char *const *keys,
                            int num_keys, const char *order_column, md_batch **out, md_error *err) {
  if (num_keys > 64) return md_error_set(err, MD_ERR_UNSUPPORTED, "keep-latest: more than 64 keys");
  int order_index = md_schema_find(schema, order_column);
  if (order_index < 0) return md_error_set(err, MD_ERR_NOT_FOUND, "keep-latest: column %s not found", order_column);
  int64_t total = 0;
  int64_t *starts = malloc((size_t)(num_batches + 1) * sizeof *starts);
  key_view *views = calloc((size_t)(num_batches + 1), sizeof *views);
  key_map map;
  key_map_init(&map, false);
  md_code code = starts && views ? MD_OK : md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int b = 0; b < num_batches && code == MD_OK; b++) {
    starts[b] = total;
    total += md_batch_num_rows(batches[b]);
  }
  /* best[id]: the global row currently kept for the key; keep: rows to output. */
  int64_t *best = NULL, best_capacity = 0, *ids = NULL, ids_capacity = 0;
  int32_t *best_batch = NULL;
  uint8_t *keep = code == MD_OK ? calloc((size_t)(total > 0 ? total : 1), 1) : NULL;
  if (code == MD_OK && !keep) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int b = 0; b < num_batches && code == MD_OK; b++) {
    const md_batch *batch = batches[b];
    int64_t n = md_batch_num_rows(batch);
    md_column *columns[64];
    code = batch_columns_by_name(batch, keys, num_keys, columns, err);
    if (code == MD_OK) code = view_init(&views[b], md_batch_column(batch, order_index), err);
    if (code == MD_OK && n > ids_capacity) {
      free(ids);
      ids_capacity = n;
      if (!(ids = malloc((size_t)n * sizeof *ids))) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    }
    if (code == MD_OK) code = key_map_assign(&map, columns, num_keys, n, ids, NULL, NULL, err);
    int64_t groups = key_map_count(&map);
    if (code == MD_OK && groups > best_capacity) {
      int64_t cap = best_capacity ? best_capacity : 1024;
      while (cap < groups) cap *= 2;
      int64_t *grown = realloc(best, (size_t)cap * sizeof *grown);
      if (grown) best = grown;
      int32_t *grown_batch = grown ? realloc(best_batch, (size_t)cap * sizeof *grown_batch) : NULL;
      if (grown_batch) best_batch = grown_batch;
      if (!grown || !grown_batch) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
      else {
        for (int64_t g = best_capacity; g < cap; g++) best[g] = -1;
        best_capacity = cap;
      }
    }
    const key_view *order = &views[b];
    for (int64_t i = 0; i < n && code == MD_OK; i++) {
      int64_t id = ids[i];
      if (id < 0) {
        keep[starts[b] + i] = 1; /* a null key part is never deduplicated (silver: key_missing) */
        continue;
      }
      if (best[id] < 0) {
        best[id] = i;
        best_batch[id] = b;
        continue;
      }
      /* Later rows win ties; a null order value is older than any value. */
      const key_view *bv = &views[best_batch[id]];
      int64_t r = best[id];
      bool row_null = view_null(order, i), best_null = view_null(bv, r);
      if (row_null ? best_null : (best_null || view_compare_across(order, i, bv, r) >= 0)) {
        best[id] = i;
        best_batch[id] = b;
      }
    }
  }
  int64_t groups = key_map_count(&map), kept = 0;
  for (int64_t id = 0; code == MD_OK && id < groups; id++) keep[starts[best_batch[id]] + best[id]] = 1;
  int64_t *rows = code == MD_OK ? malloc((size_t)(total > 0 ? total : 1) * sizeof *rows) : NULL;
  if (code == MD_OK && !rows) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int64_t i = 0; code == MD_OK && i < total; i++)
    if (keep[i]) rows[kept++] = i;
  free(keep);
  free(ids);
  free(best);
  free(best_batch);
  key_map_free(&map);
  for (int b = 0; b < num_batches; b++) md_column_free(views[b].column);
  free(views);
  int nc = md_schema_num_fields(schema);
  md_column **columns = code == MD_OK ? calloc((size_t)(nc > 0 ? nc : 1), sizeof *columns) : NULL;
  if (code == MD_OK && !columns) code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
  for (int c = 0; c < nc && code == MD_OK; c++) {
    if (num_batches == 0) {
      if (!(columns[c] = md_column_new_for_field(md_schema_field(schema, c))))
        code = md_error_set(err, MD_ERR_NOMEM, "keep-latest: out of memory");
    } else {
      code = take_across(batches, starts, num_batches, c, rows, kept, &columns[c], err);
    }
    if (code != MD_OK) md_error_context(err, "column %s", md_field_name(md_schema_field(schema, c)));
  }
  free(rows);
  free(starts);
  md_schema *copy = code == MD_OK ? md_schema_copy(schema) : NULL;
  if (!columns) return code;
  return batch_build(copy, columns, nc, code, out, err);
}
