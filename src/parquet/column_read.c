/* column_read.c — one column chunk: dictionary page, data pages, and the
 * conversion of physical values into the leaf's core column.
 *
 * Each data page is decoded in two tight loops: first its present (non-null)
 * values into a dense scratch array in physical form (PLAIN, dictionary,
 * DELTA_*, BYTE_STREAM_SPLIT all end there), then one conversion pass writes
 * them into the column's buffers at their slots, leaving nulls where the
 * definition levels say so. No per-value function calls on either side. */
#include "parquet/column_read.h"

#include <stdlib.h>
#include <string.h>

#include "parquet/decode.h"
#include "parquet/page_read.h"

typedef struct scratch {
  uint8_t *fixed;      /* dense fixed-width physical values */
  size_t fixed_cap;
  pq_view *views;      /* dense byte-array values */
  size_t views_cap;
  uint8_t *storage;    /* DELTA_BYTE_ARRAY's rebuilt values (per page) */
  uint32_t *indices;
  size_t indices_cap;
  int64_t *wide;       /* DELTA_BINARY_PACKED output */
  size_t wide_cap;
  int16_t *def, *rep;  /* levels of the current page (when not kept) */
  size_t levels_cap;
  uint8_t *present;    /* per slot of the current page: 1 = value, 0 = null */
  size_t present_cap;
  int16_t *slot_def;   /* direct path, nested leaves: the def level of each slot */
  size_t slot_def_cap;
  size_t kept_cap;     /* capacity of the chunk's kept levels (pq_chunk_data's def/rep) */
  /* The column is a recycled one: its validity bitmap, hidden while its null
   * count is 0, may hold stale bits, so every slot's bit is written. */
  bool refill;
} scratch;

/* What one thread keeps from chunk to chunk: every buffer here is sized by
 * the largest page seen so far, so after the first row group reading a chunk
 * allocates (and faults in) nothing but the column itself. */
struct pq_read_buffers {
  scratch s;
  uint8_t *page;       /* the page cursor's decompression buffers */
  size_t page_cap;
  uint8_t *dict_page;
  size_t dict_page_cap;
};

typedef struct dictionary {
  bool present;
  int64_t count;
  /* Fixed-width entries: read in place from the dictionary page (the file
   * mapping or the cursor's dictionary buffer, both alive for the chunk), so
   * a dictionary costs no copy and no fresh memory; booleans are unpacked
   * into fixed_owned. */
  const uint8_t *fixed;
  uint8_t *fixed_owned;
  pq_view *views;
  uint8_t *bytes;       /* BYTE_ARRAY entries back to back, then PQ_PAGE_PADDING spare bytes */
  uint32_t *offsets;    /* count + 1 entries into bytes */
} dictionary;

/* Never leaves *buf NULL, so that empty pages can still be memcpy'd from. */
static md_code grow(void **buf, size_t *cap, size_t count, size_t elem, md_error *err) {
  if (count <= *cap && *buf) return MD_OK;
  size_t want = count < 1024 ? 1024 : count;
  if (*buf && want < *cap + *cap / 2 && *cap + *cap / 2 <= SIZE_MAX / 2 / elem)
    want = *cap + *cap / 2; /* levels kept for a whole chunk grow page by page: not one realloc each */
  void *p = realloc(*buf, want * elem);
  if (!p) return md_error_set(err, MD_ERR_NOMEM, "out of memory for %zu values", want);
  *buf = p;
  *cap = want;
  return MD_OK;
}

pq_read_buffers *pq_read_buffers_new(void) { return calloc(1, sizeof(pq_read_buffers)); }

static void scratch_free(scratch *s);

void pq_read_buffers_free(pq_read_buffers *b) {
  if (!b) return;
  scratch_free(&b->s);
  free(b->page);
  free(b->dict_page);
  free(b);
}

static void scratch_free(scratch *s) {
  free(s->fixed);
  free(s->views);
  free(s->storage);
  free(s->indices);
  free(s->wide);
  free(s->def);
  free(s->rep);
  free(s->present);
  free(s->slot_def);
}

static void dictionary_free(dictionary *d) {
  free(d->fixed_owned);
  free(d->views);
  free(d->bytes);
  free(d->offsets);
  memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ dictionary */

static md_code read_dictionary(const pq_leaf *leaf, pq_page *page, dictionary *dict, md_error *err) {
  const pq_page_header *h = &page->header;
  if (h->encoding != PQ_ENC_PLAIN && h->encoding != PQ_ENC_PLAIN_DICTIONARY)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "dictionary page encoding %s", pq_encoding_name(h->encoding));
  dictionary_free(dict);
  int64_t count = h->num_values;
  size_t size = page->body_size, used;
  md_code rc;
  if (leaf->physical == PQ_BYTE_ARRAY) {
    if ((uint64_t)count > size / 4)
      return md_error_set(err, MD_ERR_CORRUPT, "dictionary of %lld values in %zu bytes", (long long)count, size);
    dict->views = malloc((size_t)(count ? count : 1) * sizeof *dict->views);
    if (!dict->views) return md_error_set(err, MD_ERR_NOMEM, "out of memory for the dictionary");
    rc = plain_decode_byte_array(page->body, size, count, dict->views, &used, err);
  } else if (leaf->physical == PQ_BOOLEAN) {
    if ((uint64_t)count > (uint64_t)size * 8)
      return md_error_set(err, MD_ERR_CORRUPT, "dictionary of %lld values in %zu bytes", (long long)count, size);
    dict->fixed = dict->fixed_owned = malloc((size_t)(count ? count : 1));
    if (!dict->fixed) return md_error_set(err, MD_ERR_NOMEM, "out of memory for the dictionary");
    rc = plain_decode_bool(page->body, size, count, dict->fixed_owned, &used, err);
  } else {
    size_t w = (size_t)leaf->src_width;
    if ((uint64_t)count > size / w)
      return md_error_set(err, MD_ERR_CORRUPT, "dictionary of %lld values in %zu bytes", (long long)count, size);
    dict->fixed = page->body; /* count * w bytes, checked above */
    rc = MD_OK;
  }
  if (rc) return md_error_context(err, "dictionary page");
  if (leaf->physical == PQ_BYTE_ARRAY) {
    /* One contiguous padded copy: gathers then copy short strings with one
     * fixed-size load and never look at the views again. Its size is bounded
     * by the page's, which held every byte plus a length per entry. */
    size_t total = 0;
    for (int64_t i = 0; i < count; i++) total += dict->views[i].length;
    if (total > UINT32_MAX - PQ_PAGE_PADDING)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "dictionary page of %zu bytes of values", total);
    dict->bytes = malloc(total + PQ_PAGE_PADDING);
    dict->offsets = malloc(((size_t)count + 1) * sizeof *dict->offsets);
    if (!dict->bytes || !dict->offsets) return md_error_set(err, MD_ERR_NOMEM, "out of memory for the dictionary");
    size_t pos = 0;
    for (int64_t i = 0; i < count; i++) {
      dict->offsets[i] = (uint32_t)pos;
      if (dict->views[i].length) memcpy(dict->bytes + pos, dict->views[i].ptr, dict->views[i].length);
      pos += dict->views[i].length;
    }
    dict->offsets[count] = (uint32_t)pos;
    memset(dict->bytes + pos, 0, PQ_PAGE_PADDING);
  }
  dict->present = true;
  dict->count = count;
  return MD_OK;
}

/* ---------------------------------------------------------- dense values */

static md_code decode_dictionary_indices(const pq_page *page, const dictionary *dict, const pq_leaf *leaf,
                                         int64_t n, scratch *s, md_error *err) {
  if (!dict->present) return md_error_set(err, MD_ERR_CORRUPT, "dictionary-encoded page without a dictionary");
  if (n == 0) return MD_OK;
  if (page->values_size < 1) return md_error_set(err, MD_ERR_CORRUPT, "dictionary indices missing");
  int width = page->values[0];
  rle_decoder d;
  md_code rc = rle_decoder_init(&d, page->values + 1, page->values_size - 1, width, err);
  if (!rc) rc = grow((void **)&s->indices, &s->indices_cap, (size_t)n, sizeof *s->indices, err);
  if (!rc) rc = rle_decode(&d, s->indices, n, err);
  if (rc) return md_error_context(err, "dictionary indices");
  const uint32_t *idx = s->indices;
  uint64_t count = (uint64_t)dict->count;
  for (int64_t i = 0; i < n; i++)
    if (idx[i] >= count)
      return md_error_set(err, MD_ERR_CORRUPT, "dictionary index %u out of range (%llu entries)", idx[i],
                          (unsigned long long)count);
  if (leaf->physical == PQ_BYTE_ARRAY) {
    for (int64_t i = 0; i < n; i++) s->views[i] = dict->views[idx[i]];
  } else {
    size_t w = leaf->physical == PQ_BOOLEAN ? 1 : (size_t)leaf->src_width;
    uint8_t *dst = s->fixed;
    const uint8_t *src = dict->fixed;
    switch (w) {
      case 4:
        for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * 4, src + (size_t)idx[i] * 4, 4);
        break;
      case 8:
        for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * 8, src + (size_t)idx[i] * 8, 8);
        break;
      default:
        for (int64_t i = 0; i < n; i++) memcpy(dst + (size_t)i * w, src + (size_t)idx[i] * w, w);
        break;
    }
  }
  return MD_OK;
}

/* Decodes the page's n present values into the scratch arrays. */
static md_code decode_dense(const pq_page *page, const dictionary *dict, const pq_leaf *leaf, int64_t n,
                            scratch *s, md_error *err) {
  const uint8_t *data = page->values;
  size_t size = page->values_size, used;
  int32_t enc = page->header.encoding;
  bool bytes = leaf->physical == PQ_BYTE_ARRAY;
  size_t w = leaf->physical == PQ_BOOLEAN ? 1 : (size_t)leaf->src_width;
  md_code rc = bytes ? grow((void **)&s->views, &s->views_cap, (size_t)n, sizeof *s->views, err)
                     : grow((void **)&s->fixed, &s->fixed_cap, (size_t)n * w, 1, err);
  if (rc) return rc;
  free(s->storage);
  s->storage = NULL;
  switch (enc) {
    case PQ_ENC_PLAIN:
      if (bytes) return plain_decode_byte_array(data, size, n, s->views, &used, err);
      if (leaf->physical == PQ_BOOLEAN) return plain_decode_bool(data, size, n, s->fixed, &used, err);
      return plain_decode_fixed(data, size, (int)w, n, s->fixed, &used, err);
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY:
      return decode_dictionary_indices(page, dict, leaf, n, s, err);
    case PQ_ENC_RLE: {
      if (leaf->physical != PQ_BOOLEAN) break;
      if (size < 4) return md_error_set(err, MD_ERR_CORRUPT, "RLE boolean data: length truncated");
      uint32_t length = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
      if (length > size - 4) return md_error_set(err, MD_ERR_CORRUPT, "RLE boolean data: length past the page");
      rle_decoder d;
      rc = rle_decoder_init(&d, data + 4, length, 1, err);
      if (!rc) rc = grow((void **)&s->indices, &s->indices_cap, (size_t)n, sizeof *s->indices, err);
      if (!rc) rc = rle_decode(&d, s->indices, n, err);
      for (int64_t i = 0; !rc && i < n; i++) s->fixed[i] = (uint8_t)s->indices[i];
      return rc;
    }
    case PQ_ENC_DELTA_BINARY_PACKED: {
      if (leaf->physical != PQ_INT32 && leaf->physical != PQ_INT64) break;
      delta_decoder d;
      rc = delta_decoder_init(&d, data, size, err);
      if (!rc) rc = grow((void **)&s->wide, &s->wide_cap, (size_t)n, sizeof *s->wide, err);
      if (!rc) rc = delta_decode(&d, s->wide, n, err);
      if (rc) return rc;
      if (leaf->physical == PQ_INT64) {
        memcpy(s->fixed, s->wide, (size_t)n * 8);
      } else {
        for (int64_t i = 0; i < n; i++) {
          uint32_t v = (uint32_t)(uint64_t)s->wide[i];
          memcpy(s->fixed + (size_t)i * 4, &v, 4);
        }
      }
      return MD_OK;
    }
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
      if (!bytes) break;
      return delta_length_decode(data, size, n, s->views, &used, err);
    case PQ_ENC_DELTA_BYTE_ARRAY:
      if (bytes) return delta_byte_array_decode(data, size, n, s->views, &s->storage, err);
      if (leaf->physical == PQ_FIXED_LEN_BYTE_ARRAY) {
        rc = grow((void **)&s->views, &s->views_cap, (size_t)n, sizeof *s->views, err);
        if (!rc) rc = delta_byte_array_decode(data, size, n, s->views, &s->storage, err);
        for (int64_t i = 0; !rc && i < n; i++) {
          if (s->views[i].length != w)
            return md_error_set(err, MD_ERR_CORRUPT, "DELTA_BYTE_ARRAY value of %u bytes in a %zu-byte column",
                                s->views[i].length, w);
          memcpy(s->fixed + (size_t)i * w, s->views[i].ptr, w);
        }
        return rc;
      }
      break;
    case PQ_ENC_BYTE_STREAM_SPLIT:
      if (bytes || leaf->physical == PQ_BOOLEAN) break;
      return bss_decode(data, size, (int)w, n, s->fixed, err);
    default:
      break;
  }
  return md_error_set(err, MD_ERR_UNSUPPORTED, "encoding %s for %s values", pq_encoding_name(enc),
                      pq_physical_type_name(leaf->physical));
}

/* ------------------------------------------------------------ conversion */

/* Writes n dense values converted to the column type at dst (fixed-width types). */
static md_code convert_fixed(const pq_leaf *leaf, const scratch *s, int64_t n, uint8_t *dst, md_error *err) {
  const uint8_t *src = s->fixed;
  int dw = md_type_fixed_width(leaf->type);
  switch (leaf->conv) {
    case PQ_CONV_INT: {
      int sw = leaf->src_width;
      if (sw == dw) {
        memcpy(dst, src, (size_t)n * (size_t)dw);
      } else if (dw < sw) {
        for (int64_t i = 0; i < n; i++) memcpy(dst + i * dw, src + i * sw, (size_t)dw); /* little-endian low bytes */
      } else { /* INT32 storage widened to 64 bits */
        for (int64_t i = 0; i < n; i++) {
          int32_t v;
          memcpy(&v, src + i * 4, 4);
          int64_t wide = leaf->is_signed ? (int64_t)v : (int64_t)(uint32_t)v;
          memcpy(dst + i * 8, &wide, 8);
        }
      }
      return MD_OK;
    }
    case PQ_CONV_FLOAT:
    case PQ_CONV_DOUBLE:
    case PQ_CONV_FIXED:
      memcpy(dst, src, (size_t)n * (size_t)dw);
      return MD_OK;
    case PQ_CONV_FLOAT16:
      for (int64_t i = 0; i < n; i++) {
        uint16_t h = (uint16_t)(src[i * 2] | src[i * 2 + 1] << 8);
        float f = pq_half_to_float(h);
        memcpy(dst + i * 4, &f, 4);
      }
      return MD_OK;
    case PQ_CONV_INT96:
      for (int64_t i = 0; i < n; i++) {
        int64_t ts;
        if (!pq_int96_to_unit(src + i * 12, leaf->type.unit, &ts))
          return md_error_set(err, MD_ERR_OVERFLOW, "INT96 timestamp outside the range of %s",
                              leaf->type.unit == MD_NANO ? "nanoseconds (years 1677-2262)" : "int64");
        memcpy(dst + i * 8, &ts, 8);
      }
      return MD_OK;
    case PQ_CONV_DECIMAL_INT:
      for (int64_t i = 0; i < n; i++) {
        int64_t v;
        if (leaf->src_width == 4) {
          int32_t v32;
          memcpy(&v32, src + i * 4, 4);
          v = v32;
        } else {
          memcpy(&v, src + i * 8, 8);
        }
        int64_t high = v < 0 ? -1 : 0;
        memcpy(dst + i * 16, &v, 8);
        memcpy(dst + i * 16 + 8, &high, 8);
      }
      return MD_OK;
    case PQ_CONV_DECIMAL_BYTES:
      for (int64_t i = 0; i < n; i++) {
        md_code rc = leaf->physical == PQ_BYTE_ARRAY
                         ? pq_decimal_from_be(s->views[i].ptr, s->views[i].length, dst + i * 16, err)
                         : pq_decimal_from_be(src + i * leaf->src_width, (uint32_t)leaf->src_width, dst + i * 16, err);
        if (rc) return rc;
      }
      return MD_OK;
    case PQ_CONV_INTERVAL:
      for (int64_t i = 0; i < n; i++) {
        uint32_t months, days, millis;
        memcpy(&months, src + i * 12, 4);
        memcpy(&days, src + i * 12 + 4, 4);
        memcpy(&millis, src + i * 12 + 8, 4);
        int64_t nanos = (int64_t)millis * 1000000;
        memcpy(dst + i * 16, &months, 4);
        memcpy(dst + i * 16 + 4, &days, 4);
        memcpy(dst + i * 16 + 8, &nanos, 8);
      }
      return MD_OK;
    default:
      return md_error_set(err, MD_ERR_INTERNAL, "conversion %d is not fixed-width", (int)leaf->conv);
  }
}

/* Appends the page's slots to the leaf column. def/rep may be NULL (all 0 / max). */
static md_code append_slots(md_column *col, const pq_leaf *leaf, scratch *s, const int16_t *def,
                            const int16_t *rep, int64_t num_levels, int64_t n_present, md_error *err) {
  /* Which level entries are slots of this column, and which slots hold values. */
  int64_t slots = 0;
  bool has_null = false;
  md_code rc = grow((void **)&s->present, &s->present_cap, (size_t)num_levels, 1, err);
  if (rc) return rc;
  if (!def && !rep) {
    slots = num_levels;
    memset(s->present, 1, (size_t)num_levels);
  } else {
    for (int64_t i = 0; i < num_levels; i++) {
      int16_t d = def ? def[i] : leaf->max_def;
      int16_t r = rep ? rep[i] : 0;
      if (r > leaf->slot_rep || d < leaf->slot_def) continue;
      bool value = d == leaf->max_def;
      has_null |= !value;
      s->present[slots++] = value;
    }
  }
  if (slots == 0) return MD_OK; /* e.g. a page of empty lists: nothing to write */
  int64_t base = md_column_length(col);
  bool variable = md_type_is_variable(leaf->type);
  int64_t total_bytes = 0;
  if (variable)
    for (int64_t i = 0; i < n_present; i++) total_bytes += s->views[i].length;
  rc = md_column_reserve(col, slots, total_bytes, err);
  if (rc) return rc;
  const uint8_t *present = s->present;
  if (leaf->type.id == MD_TYPE_BOOL) {
    uint8_t *bits = md_column_values_mut(col);
    for (int64_t i = 0, j = 0; i < slots; i++) {
      if (present[i] && s->fixed[j++]) md_bit_set(bits, base + i);
      else md_bit_clear(bits, base + i);
    }
  } else if (variable) {
    int32_t *offsets = md_column_offsets_mut(col);
    uint8_t *data = md_column_data_mut(col);
    int32_t pos = offsets[base];
    for (int64_t i = 0, j = 0; i < slots; i++) {
      if (present[i]) {
        const pq_view *v = &s->views[j++];
        if (v->length) memcpy(data + pos, v->ptr, v->length);
        pos += (int32_t)v->length;
      }
      offsets[base + i + 1] = pos;
    }
  } else {
    int w = md_type_fixed_width(leaf->type);
    uint8_t *values = (uint8_t *)md_column_values_mut(col) + base * w;
    rc = convert_fixed(leaf, s, n_present, values, err);
    if (rc) return rc;
    if (n_present < slots) { /* spread backwards in place: value j moves to slot i >= j */
      int64_t j = n_present;
      for (int64_t i = slots - 1; i >= 0; i--) {
        if (present[i]) {
          j--;
          if (j != i) {
            switch (w) { /* fixed sizes compile to moves, not a libc call per value */
              case 4: memmove(values + i * 4, values + j * 4, 4); break;
              case 8: memmove(values + i * 8, values + j * 8, 8); break;
              case 16: memmove(values + i * 16, values + j * 16, 16); break;
              default: memmove(values + i * w, values + j * w, (size_t)w); break;
            }
          }
        } else {
          memset(values + i * w, 0, (size_t)w);
        }
      }
    }
  }
  if (has_null || s->refill || md_column_validity(col)) {
    uint8_t *validity = md_column_validity_mut(col, err);
    if (!validity) return err ? err->code : MD_ERR_NOMEM;
    for (int64_t i = 0; i < slots; i++) {
      if (present[i]) md_bit_set(validity, base + i);
      else md_bit_clear(validity, base + i);
    }
  }
  md_column_set_length(col, base + slots);
  return MD_OK;
}

/* ---------------------------------------------------------- direct path */

/* Flat leaves (no repetition, every level entry a slot) with PLAIN or
 * dictionary pages skip the dense scratch: values go straight from the page
 * or the dictionary into their slots in the column, nulls zeroed on the way,
 * and the validity bitmap is built a byte at a time from the levels. */

typedef enum store_kind {
  STORE_NONE,
  STORE_COPY4,
  STORE_COPY8,
  STORE_WIDEN_SIGNED,   /* INT32 -> 64-bit */
  STORE_WIDEN_UNSIGNED,
  STORE_DECIMAL32,      /* INT32 / INT64 -> DECIMAL128 */
  STORE_DECIMAL64
} store_kind;

static store_kind direct_store(const pq_leaf *leaf) {
  int dw = md_type_fixed_width(leaf->type), sw = leaf->src_width;
  switch (leaf->conv) {
    case PQ_CONV_INT:
      if (sw == dw) return dw == 4 ? STORE_COPY4 : dw == 8 ? STORE_COPY8 : STORE_NONE;
      if (sw == 4 && dw == 8) return leaf->is_signed ? STORE_WIDEN_SIGNED : STORE_WIDEN_UNSIGNED;
      return STORE_NONE;
    case PQ_CONV_FLOAT:
    case PQ_CONV_DOUBLE: return sw != dw ? STORE_NONE : dw == 4 ? STORE_COPY4 : dw == 8 ? STORE_COPY8 : STORE_NONE;
    case PQ_CONV_DECIMAL_INT: return sw == 4 ? STORE_DECIMAL32 : sw == 8 ? STORE_DECIMAL64 : STORE_NONE;
    default: return STORE_NONE;
  }
}

static inline __attribute__((always_inline)) int store_width(store_kind k) {
  return k == STORE_COPY4 ? 4 : k == STORE_DECIMAL32 || k == STORE_DECIMAL64 ? 16 : 8;
}

static inline __attribute__((always_inline)) void store_one(store_kind k, uint8_t *dst, const uint8_t *src) {
  switch (k) {
    case STORE_COPY4: memcpy(dst, src, 4); break;
    case STORE_COPY8: memcpy(dst, src, 8); break;
    case STORE_WIDEN_SIGNED:
    case STORE_WIDEN_UNSIGNED: {
      uint32_t v;
      memcpy(&v, src, 4);
      int64_t wide = k == STORE_WIDEN_SIGNED ? (int64_t)(int32_t)v : (int64_t)v;
      memcpy(dst, &wide, 8);
      break;
    }
    case STORE_DECIMAL32:
    case STORE_DECIMAL64: {
      int64_t v;
      if (k == STORE_DECIMAL32) {
        int32_t v32;
        memcpy(&v32, src, 4);
        v = v32;
      } else {
        memcpy(&v, src, 8);
      }
      int64_t high = v < 0 ? -1 : 0;
      memcpy(dst, &v, 8);
      memcpy(dst + 8, &high, 8);
      break;
    }
    default: break;
  }
}

/* One loop per (kind, nulls, dictionary): the flags are constants at each call
 * site, so the compiler drops the branches that do not apply. */
static inline __attribute__((always_inline)) void fill_fixed(store_kind k, bool nulls, bool dict, uint8_t *dst,
                                                             int64_t slots, const int16_t *def, int16_t max_def,
                                                             const uint8_t *src, const uint32_t *idx) {
  const int dw = store_width(k);
  const int sw = k == STORE_COPY4 || k == STORE_WIDEN_SIGNED || k == STORE_WIDEN_UNSIGNED || k == STORE_DECIMAL32 ? 4 : 8;
  int64_t j = 0;
  for (int64_t i = 0; i < slots; i++) {
    uint8_t *d = dst + i * dw;
    if (nulls && def[i] != max_def) {
      memset(d, 0, (size_t)dw);
      continue;
    }
    const uint8_t *from = dict ? src + (size_t)idx[j] * (size_t)sw : src + j * sw;
    j++;
    store_one(k, d, from);
  }
}

#define FILL_CASES(K)                                                                 \
  case K:                                                                             \
    if (nulls && dict) fill_fixed(K, true, true, dst, slots, def, max_def, src, idx);   \
    else if (nulls) fill_fixed(K, true, false, dst, slots, def, max_def, src, idx);     \
    else if (dict) fill_fixed(K, false, true, dst, slots, def, max_def, src, idx);      \
    else fill_fixed(K, false, false, dst, slots, def, max_def, src, idx);               \
    break

static void fill_dispatch(store_kind k, bool nulls, bool dict, uint8_t *dst, int64_t slots, const int16_t *def,
                          int16_t max_def, const uint8_t *src, const uint32_t *idx) {
  if (!nulls && !dict && (k == STORE_COPY4 || k == STORE_COPY8)) {
    memcpy(dst, src, (size_t)slots * (size_t)store_width(k));
    return;
  }
  switch (k) {
    FILL_CASES(STORE_COPY4);
    FILL_CASES(STORE_COPY8);
    FILL_CASES(STORE_WIDEN_SIGNED);
    FILL_CASES(STORE_WIDEN_UNSIGNED);
    FILL_CASES(STORE_DECIMAL32);
    FILL_CASES(STORE_DECIMAL64);
    default: break;
  }
}
#undef FILL_CASES

/* Sets bits [base, base + n) of the validity bitmap from the levels. */
static void validity_from_def(uint8_t *bits, int64_t base, const int16_t *def, int16_t max_def, int64_t n) {
  int64_t i = 0;
  for (; i < n && ((base + i) & 7); i++) {
    if (!def || def[i] == max_def) md_bit_set(bits, base + i);
    else md_bit_clear(bits, base + i);
  }
  for (; i + 8 <= n; i += 8) {
    uint8_t byte = 0xff;
    if (def) {
      byte = 0;
      for (int k = 0; k < 8; k++) byte |= (uint8_t)((def[i + k] == max_def) << k);
    }
    bits[(base + i) >> 3] = byte;
  }
  for (; i < n; i++) {
    if (!def || def[i] == max_def) md_bit_set(bits, base + i);
    else md_bit_clear(bits, base + i);
  }
}

/* Copies len bytes; short values with one or two 16-byte moves when both
 * sides have PQ_PAGE_PADDING bytes of room (the caller vouches for dst;
 * src_room says whether src may be over-read). */
static inline void copy_value(uint8_t *dst, const uint8_t *src, uint32_t len, bool src_room) {
  if (len <= 16 && src_room) {
    memcpy(dst, src, 16);
  } else if (len <= 32 && src_room) {
    memcpy(dst, src, 16);
    memcpy(dst + 16, src + 16, 16);
  } else if (len) {
    memcpy(dst, src, len);
  }
}

/* Decodes dictionary indices for the page's n present values into s->indices
 * and checks them against the dictionary. */
static md_code page_indices(const pq_page *page, const dictionary *dict, int64_t n, scratch *s, md_error *err) {
  if (!dict->present) return md_error_set(err, MD_ERR_CORRUPT, "dictionary-encoded page without a dictionary");
  md_code rc = grow((void **)&s->indices, &s->indices_cap, (size_t)(n ? n : 1), sizeof *s->indices, err);
  if (rc || n == 0) return rc;
  if (page->values_size < 1) return md_error_set(err, MD_ERR_CORRUPT, "dictionary indices missing");
  rle_decoder d;
  rc = rle_decoder_init(&d, page->values + 1, page->values_size - 1, page->values[0], err);
  if (!rc) rc = rle_decode(&d, s->indices, n, err);
  if (rc) return md_error_context(err, "dictionary indices");
  uint32_t max = 0;
  for (int64_t i = 0; i < n; i++) max = s->indices[i] > max ? s->indices[i] : max;
  if ((uint64_t)max >= (uint64_t)dict->count)
    return md_error_set(err, MD_ERR_CORRUPT, "dictionary index %u out of range (%llu entries)", max,
                        (unsigned long long)dict->count);
  return MD_OK;
}

/* Reserves room for total more data bytes (plus copy slack), asking for the
 * rest of the chunk at this page's rate so later pages do not regrow. */
static md_code reserve_bytes(md_column *col, int64_t total, int64_t slots, int64_t remaining, int64_t cap,
                             md_error *err) {
  int64_t want = total + PQ_PAGE_PADDING;
  if (slots > 0 && remaining > slots) {
    double guess = (double)total / (double)slots * (double)remaining * 1.05 + PQ_PAGE_PADDING;
    if (guess > (double)cap) guess = (double)cap;
    if (guess > (double)want) want = (int64_t)guess;
  }
  md_code rc = md_column_reserve(col, 0, want, err);
  if (rc && want > total + PQ_PAGE_PADDING) { /* the guess was too greedy: settle for this page */
    return md_column_reserve(col, 0, total + PQ_PAGE_PADDING, err);
  }
  return rc;
}

/* Appends a flat page's n slots straight from the page. *handled = false when
 * the page's encoding or the leaf's conversion needs the general path. */
static md_code append_direct(md_column *col, const pq_leaf *leaf, const pq_page *page, const dictionary *dict,
                             scratch *s, const int16_t *def, const int16_t *rep, int64_t n, int64_t n_present,
                             int64_t remaining, int64_t byte_cap, bool *handled, md_error *err) {
  *handled = false;
  int32_t enc = page->header.encoding;
  bool dict_enc = enc == PQ_ENC_PLAIN_DICTIONARY || enc == PQ_ENC_RLE_DICTIONARY;
  if (!dict_enc && enc != PQ_ENC_PLAIN) return MD_OK;
  bool bytes = leaf->physical == PQ_BYTE_ARRAY && leaf->conv == PQ_CONV_BYTES;
  store_kind kind = bytes ? STORE_NONE : direct_store(leaf);
  if (!bytes && kind == STORE_NONE) return MD_OK;
  *handled = true;
  if (def && (rep || leaf->slot_def > 0)) {
    /* Nested leaf: keep the level entries that are slots of this column (an
     * empty or null list above has none); values sit at the slots whose def
     * is max_def, so the flat loops below apply to the compacted levels. */
    md_code rc = grow((void **)&s->slot_def, &s->slot_def_cap, (size_t)n, sizeof *s->slot_def, err);
    if (rc) return rc;
    int64_t slots = 0;
    for (int64_t i = 0; i < n; i++) {
      s->slot_def[slots] = def[i];
      slots += (!rep || rep[i] <= leaf->slot_rep) && def[i] >= leaf->slot_def;
    }
    def = s->slot_def;
    n = slots;
    if (n == 0) return MD_OK;
  }
  bool nulls = n_present < n;
  if (nulls && !def) return md_error_set(err, MD_ERR_INTERNAL, "nulls without levels");
  int64_t base = md_column_length(col);
  md_code rc = md_column_reserve(col, n, 0, err);
  if (rc) return rc;
  const uint32_t *idx = NULL;
  if (dict_enc) {
    rc = page_indices(page, dict, n_present, s, err);
    if (rc) return rc;
    idx = s->indices;
  }
  if (bytes) {
    int32_t *offsets = md_column_offsets_mut(col);
    int64_t total = 0;
    if (dict_enc) {
      if (!dict->offsets) return md_error_set(err, MD_ERR_CORRUPT, "dictionary of the wrong type");
      const uint32_t *doff = dict->offsets;
      for (int64_t j = 0; j < n_present; j++) total += doff[idx[j] + 1] - doff[idx[j]];
    } else {
      /* PLAIN is decoded in the copy loop below, in one pass: the page holds
       * every value's bytes plus a 4-byte length each, which bounds them. */
      if ((uint64_t)n_present > page->values_size / 4)
        return md_error_set(err, MD_ERR_CORRUPT, "PLAIN data of %zu bytes cannot hold %lld byte arrays",
                            page->values_size, (long long)n_present);
      total = (int64_t)(page->values_size - (size_t)n_present * 4);
    }
    if (total > INT32_MAX) return md_error_set(err, MD_ERR_NOMEM, "column: page data exceeds %d bytes", INT32_MAX);
    rc = reserve_bytes(col, total, n, remaining, byte_cap, err);
    if (rc) return rc;
    uint8_t *data = md_column_data_mut(col);
    int32_t pos = offsets[base];
    const uint8_t *next = page->values; /* PLAIN: the next length prefix */
    size_t left = page->values_size;
    for (int64_t i = 0, j = 0; i < n; i++) {
      if (!nulls || def[i] == leaf->max_def) {
        if (dict_enc) {
          uint32_t x = idx[j++];
          uint32_t start = dict->offsets[x], len = dict->offsets[x + 1] - start;
          copy_value(data + pos, dict->bytes + start, len, true);
          pos += (int32_t)len;
        } else {
          if (left < 4)
            return md_error_set(err, MD_ERR_CORRUPT, "PLAIN byte array %lld of %lld: length truncated",
                                (long long)j, (long long)n_present);
          uint32_t len = (uint32_t)next[0] | (uint32_t)next[1] << 8 | (uint32_t)next[2] << 16 |
                         (uint32_t)next[3] << 24;
          next += 4;
          left -= 4;
          if (len > left)
            return md_error_set(err, MD_ERR_CORRUPT, "PLAIN byte array %lld of %lld: %u bytes past the end",
                                (long long)j, (long long)n_present, len);
          copy_value(data + pos, next, len, left >= PQ_PAGE_PADDING);
          next += len;
          left -= len;
          pos += (int32_t)len;
          j++;
        }
      }
      offsets[base + i + 1] = pos;
    }
  } else {
    int sw = leaf->src_width;
    const uint8_t *src;
    if (dict_enc) {
      if (!dict->fixed) return md_error_set(err, MD_ERR_CORRUPT, "dictionary of the wrong type");
      src = dict->fixed;
    } else {
      if ((uint64_t)n_present > page->values_size / (size_t)sw)
        return md_error_set(err, MD_ERR_CORRUPT, "PLAIN data holds fewer than %lld values", (long long)n_present);
      src = page->values;
    }
    uint8_t *dst = (uint8_t *)md_column_values_mut(col) + base * store_width(kind);
    fill_dispatch(kind, nulls, dict_enc, dst, n, def, leaf->max_def, src, idx);
  }
  if (nulls || s->refill || md_column_validity(col)) {
    uint8_t *validity = md_column_validity_mut(col, err);
    if (!validity) return err ? err->code : MD_ERR_NOMEM;
    validity_from_def(validity, base, nulls ? def : NULL, leaf->max_def, n);
  }
  md_column_set_length(col, base + n);
  return MD_OK;
}

/* ------------------------------------------------------------- the chunk */

static md_code ensure_levels(pq_chunk_data *out, scratch *s, bool keep, int64_t total, md_error *err) {
  if (keep) {
    size_t cap = s->kept_cap;
    md_code rc = grow((void **)&out->def, &cap, (size_t)total, sizeof *out->def, err);
    if (rc) return rc;
    cap = s->kept_cap;
    rc = grow((void **)&out->rep, &cap, (size_t)total, sizeof *out->rep, err);
    if (!rc) s->kept_cap = cap;
    return rc;
  }
  size_t cap = s->levels_cap;
  md_code rc = grow((void **)&s->def, &cap, (size_t)total, sizeof *s->def, err);
  if (rc) return rc;
  cap = s->levels_cap;
  rc = grow((void **)&s->rep, &cap, (size_t)total, sizeof *s->rep, err);
  if (!rc) s->levels_cap = cap;
  return rc;
}

/* Hands the cursor's decompression buffers back for the next chunk. */
static void keep_page_buffer(pq_page_cursor *cursor, pq_read_buffers *b) {
  b->page = cursor->scratch;
  b->page_cap = cursor->scratch_cap;
  b->dict_page = cursor->dict_scratch;
  b->dict_page_cap = cursor->dict_scratch_cap;
  cursor->scratch = NULL;
  cursor->scratch_cap = 0;
  cursor->dict_scratch = NULL;
  cursor->dict_scratch_cap = 0;
}

static md_code read_pages(const pq_file_view *file, const pq_leaf *leaf, const pq_column_meta *meta, bool keep,
                          md_column *col, pq_chunk_data *out, pq_read_buffers *b, dictionary *dict, md_error *err) {
  scratch *s = &b->s;
  int64_t start = meta->data_page_offset;
  if (meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 &&
      meta->dictionary_page_offset < meta->data_page_offset)
    start = meta->dictionary_page_offset;
  if (start < 0 || (uint64_t)start >= file->size || meta->total_compressed_size < 0 ||
      (uint64_t)meta->total_compressed_size > file->size - (uint64_t)start)
    return md_error_set(err, MD_ERR_CORRUPT, "column chunk at byte %lld (%lld bytes) lies outside the file",
                        (long long)start, (long long)meta->total_compressed_size);
  if (meta->num_values < 0 || meta->num_values > file->rows_limit)
    return md_error_set(err, MD_ERR_CORRUPT, "column chunk claims %lld values", (long long)meta->num_values);
  if (meta->codec < 0 || meta->codec > MD_PARQUET_LZ4_RAW)
    return md_error_set(err, MD_ERR_CORRUPT, "unknown compression codec %d", meta->codec);
  pq_page_cursor cursor = {file->data, file->data + start, file->data + start + meta->total_compressed_size,
                           (md_parquet_codec)meta->codec, b->page, b->page_cap, b->dict_page, b->dict_page_cap};
  b->page = b->dict_page = NULL; /* the cursor's until they are handed back */
  b->page_cap = b->dict_page_cap = 0;
  /* Flat leaves: every level entry is a slot, so the chunk's value count is
   * its row count; reserve it once (when the chunk's size can justify it)
   * rather than regrowing, copying and faulting in fresh pages per page. */
  bool direct = leaf->max_rep == 0 && leaf->slot_def == 0 && leaf->slot_rep == 0;
  int64_t justified = meta->total_uncompressed_size > 0 && meta->total_uncompressed_size < (INT64_C(1) << 40)
                          ? meta->total_uncompressed_size * 64 + 65536
                          : 65536;
  int64_t byte_cap = justified < INT32_MAX / 2 ? justified : INT32_MAX / 2;
  if (direct && !keep && meta->num_values <= justified) {
    md_code rc = md_column_reserve(col, meta->num_values, 0, err);
    if (rc) return rc;
  }
  int64_t done = 0;
  while (done < meta->num_values) {
    if (cursor.pos >= cursor.end) {
      keep_page_buffer(&cursor, b);
      return md_error_set(err, MD_ERR_CORRUPT, "column chunk ends after %lld of %lld values", (long long)done,
                          (long long)meta->num_values);
    }
    pq_page page;
    md_code rc = pq_page_next(&cursor, &page, err);
    if (rc) {
      pq_page_release(&page);
      keep_page_buffer(&cursor, b);
      return rc;
    }
    int32_t type = page.header.type;
    if (type == PQ_DICTIONARY_PAGE) {
      rc = read_dictionary(leaf, &page, dict, err);
    } else if (type == PQ_DATA_PAGE || type == PQ_DATA_PAGE_V2) {
      int64_t n = page.header.num_values;
      if (n > meta->num_values - done) {
        rc = md_error_set(err, MD_ERR_CORRUPT, "pages hold more values than the column chunk's %lld",
                          (long long)meta->num_values);
      } else {
        rc = ensure_levels(out, s, keep, (size_t)(keep ? done + n : n), err);
      }
      int16_t *def = NULL, *rep = NULL;
      if (!rc) {
        def = keep ? out->def + done : s->def;
        rep = keep ? out->rep + done : s->rep;
        rc = pq_page_decode_levels(&page, leaf->max_def, leaf->max_rep, def, rep, err);
      }
      if (!rc) {
        if (leaf->max_def == 0) for (int64_t i = 0; i < n; i++) def[i] = 0;
        if (leaf->max_rep == 0) for (int64_t i = 0; i < n; i++) rep[i] = 0;
        int64_t present = n;
        if (leaf->max_def > 0) {
          present = 0;
          for (int64_t i = 0; i < n; i++) present += def[i] == leaf->max_def;
        }
        if (leaf->max_rep > 0 && done == 0 && n > 0 && rep[0] != 0)
          rc = md_error_set(err, MD_ERR_CORRUPT, "first repetition level is %d, not 0", rep[0]);
        bool handled = false;
        if (!rc)
          rc = append_direct(col, leaf, &page, dict, s, leaf->max_def ? def : NULL, leaf->max_rep ? rep : NULL, n,
                             present, meta->num_values - done, byte_cap, &handled, err);
        if (!rc && !handled) rc = decode_dense(&page, dict, leaf, present, s, err);
        if (!rc && !handled) {
          bool flat = leaf->max_def == 0 && leaf->max_rep == 0;
          rc = append_slots(col, leaf, s, flat ? NULL : def, leaf->max_rep ? rep : NULL, n, present, err);
        }
      }
      if (rc) md_error_context(err, "page at byte %zu", page.offset);
      done += n;
    }
    pq_page_release(&page);
    if (rc) {
      keep_page_buffer(&cursor, b);
      return rc;
    }
  }
  keep_page_buffer(&cursor, b);
  out->num_levels = done;
  return MD_OK;
}

md_code pq_read_chunk(const pq_file_view *file, const pq_leaf *leaf, const pq_column_meta *meta, bool keep_levels,
                      md_column *into, bool refill, pq_read_buffers *buffers, pq_chunk_data *out,
                      md_error *err) {
  pq_chunk_data data;
  memset(&data, 0, sizeof data);
  if (meta->type != leaf->physical)
    return md_error_set(err, MD_ERR_CORRUPT, "column chunk type %s does not match the schema's %s",
                        pq_physical_type_name(meta->type), pq_physical_type_name(leaf->physical));
  md_column *col = into;
  if (!col) {
    col = data.values = md_column_new(leaf->type);
    if (!col) return md_error_set(err, MD_ERR_NOMEM, "out of memory for a column");
  }
  pq_read_buffers *b = buffers ? buffers : pq_read_buffers_new();
  if (!b) {
    pq_chunk_data_free(&data);
    return md_error_set(err, MD_ERR_NOMEM, "out of memory for a column");
  }
  b->s.kept_cap = 0; /* data's levels start empty */
  b->s.refill = refill;
  dictionary dict;
  memset(&dict, 0, sizeof dict);
  md_code rc = read_pages(file, leaf, meta, keep_levels, col, &data, b, &dict, err);
  if (b != buffers) pq_read_buffers_free(b);
  dictionary_free(&dict);
  if (rc) {
    pq_chunk_data_free(&data);
    return rc;
  }
  *out = data;
  return MD_OK;
}

void pq_chunk_data_free(pq_chunk_data *data) {
  if (!data) return;
  md_column_free(data->values);
  free(data->def);
  free(data->rep);
  memset(data, 0, sizeof *data);
}
