/* dv_codec.c — deletion vector bytes: Z85 text, row-range sets and the
 * RoaringTreemap "portable" serialization PROTOCOL.md prescribes.
 *
 * The treemap is a little-endian uint64 count of 32-bit bitmaps, each
 * preceded by its uint32 high key; a 32-bit bitmap is CRoaring's portable
 * format (cookie, per-container key and cardinality-1, optional offsets,
 * then array, bitmap or run containers). Every field is bounds-checked and
 * every order/cardinality invariant verified: these bytes come from files
 * other engines wrote. */
#include <stdlib.h>
#include <string.h>

#include "delta/deletion_vector.h"

#define DV_MAGIC 1681511377u
#define COOKIE_NO_RUNS 12346u
#define COOKIE_RUNS 12347u
#define ARRAY_MAX 4096u

static const char Z85_CHARS[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

static md_code nomem(md_error *err) { return md_error_set(err, MD_ERR_NOMEM, "out of memory"); }

void delta_dv_descriptor_clear(delta_dv_descriptor *dv) {
  if (!dv) return;
  free(dv->path_or_inline);
  memset(dv, 0, sizeof *dv);
}

char *delta_dv_unique_id(const delta_dv_descriptor *dv) {
  delta_buf buf;
  delta_buf_init(&buf);
  delta_buf_printf(&buf, "%c%s", dv->storage_type, dv->path_or_inline ? dv->path_or_inline : "");
  if (dv->offset >= 0) delta_buf_printf(&buf, "@%lld", (long long)dv->offset);
  return delta_buf_take(&buf, NULL);
}

/* ------------------------------------------------------------------ row sets */

void delta_row_set_clear(delta_row_set *set) {
  if (!set) return;
  free(set->ranges);
  memset(set, 0, sizeof *set);
}

md_code delta_row_set_push(delta_row_set *set, int64_t start, int64_t end, md_error *err) {
  if (start < 0 || end <= start) return md_error_set(err, MD_ERR_INTERNAL, "empty or negative row range");
  if (set->count && set->ranges[set->count - 1].end >= start) {
    delta_row_range *last = &set->ranges[set->count - 1];
    if (start < last->end) return md_error_set(err, MD_ERR_CORRUPT, "row positions are not ascending");
    set->cardinality += end - last->end;
    last->end = end;
    return MD_OK;
  }
  if (set->count == set->capacity) {
    size_t cap = set->capacity ? set->capacity * 2 : 16;
    delta_row_range *grown = realloc(set->ranges, cap * sizeof *grown);
    if (!grown) return nomem(err);
    set->ranges = grown;
    set->capacity = cap;
  }
  set->ranges[set->count++] = (delta_row_range){start, end};
  set->cardinality += end - start;
  return MD_OK;
}

md_code delta_row_set_union(const delta_row_set *a, const delta_row_set *b, delta_row_set *out, md_error *err) {
  size_t i = 0, j = 0;
  md_code rc = MD_OK;
  while (rc == MD_OK && (i < a->count || j < b->count)) {
    delta_row_range next;
    if (j >= b->count || (i < a->count && a->ranges[i].start <= b->ranges[j].start)) next = a->ranges[i++];
    else next = b->ranges[j++];
    if (out->count && out->ranges[out->count - 1].end >= next.start) {
      delta_row_range *last = &out->ranges[out->count - 1];
      if (next.end > last->end) {
        out->cardinality += next.end - last->end;
        last->end = next.end;
      }
    } else {
      rc = delta_row_set_push(out, next.start, next.end, err);
    }
  }
  return rc;
}

static int compare_rows(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

md_code delta_row_set_from_rows(const int64_t *rows, int64_t n, delta_row_set *out, md_error *err) {
  if (n <= 0) return MD_OK;
  int64_t *sorted = malloc((size_t)n * sizeof *sorted);
  if (!sorted) return nomem(err);
  memcpy(sorted, rows, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, compare_rows);
  md_code rc = MD_OK;
  if (sorted[0] < 0) rc = md_error_set(err, MD_ERR_INVALID, "negative row position %lld", (long long)sorted[0]);
  for (int64_t i = 0; rc == MD_OK && i < n;) {
    int64_t start = sorted[i], end = start + 1;
    while (++i < n && sorted[i] <= end) end = sorted[i] + 1;
    rc = delta_row_set_push(out, start, end, err);
  }
  free(sorted);
  return rc;
}

/* ---------------------------------------------------------------------- Z85 */

md_code delta_z85_decode(const char *text, size_t len, uint8_t **out, size_t *out_len, md_error *err) {
  if (len % 5) return md_error_set(err, MD_ERR_CORRUPT, "z85 text length %zu is not a multiple of 5", len);
  uint8_t *bytes = malloc(len / 5 * 4 + 1);
  if (!bytes) return nomem(err);
  for (size_t i = 0, o = 0; i < len; i += 5, o += 4) {
    uint64_t v = 0;
    for (int j = 0; j < 5; j++) {
      const char *at = text[i + j] ? strchr(Z85_CHARS, text[i + j]) : NULL;
      if (!at) {
        free(bytes);
        return md_error_set(err, MD_ERR_CORRUPT, "invalid z85 character at %zu", i + (size_t)j);
      }
      v = v * 85 + (uint64_t)(at - Z85_CHARS);
    }
    if (v > 0xFFFFFFFFu) {
      free(bytes);
      return md_error_set(err, MD_ERR_CORRUPT, "z85 group at %zu exceeds 32 bits", i);
    }
    bytes[o] = (uint8_t)(v >> 24);
    bytes[o + 1] = (uint8_t)(v >> 16);
    bytes[o + 2] = (uint8_t)(v >> 8);
    bytes[o + 3] = (uint8_t)v;
  }
  *out = bytes;
  *out_len = len / 5 * 4;
  return MD_OK;
}

void delta_z85_encode(const uint8_t *bytes, size_t len, delta_buf *out) {
  for (size_t i = 0; i + 4 <= len; i += 4) {
    uint32_t v = (uint32_t)bytes[i] << 24 | (uint32_t)bytes[i + 1] << 16 | (uint32_t)bytes[i + 2] << 8 | bytes[i + 3];
    char group[5];
    for (int j = 4; j >= 0; j--) {
      group[j] = Z85_CHARS[v % 85];
      v /= 85;
    }
    delta_buf_append(out, group, 5);
  }
}

/* ------------------------------------------------------------------ decoding */

typedef struct byte_reader {
  const uint8_t *data;
  size_t size, pos;
} byte_reader;

static bool has(const byte_reader *r, size_t n) { return r->size - r->pos >= n; }

static uint16_t u16le(byte_reader *r) {
  uint16_t v = (uint16_t)(r->data[r->pos] | r->data[r->pos + 1] << 8);
  r->pos += 2;
  return v;
}

static uint32_t u32le(byte_reader *r) {
  const uint8_t *p = r->data + r->pos;
  r->pos += 4;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static md_code truncated(const byte_reader *r, md_error *err) {
  return md_error_set(err, MD_ERR_CORRUPT, "deletion vector truncated at byte %zu of %zu", r->pos, r->size);
}

static md_code run_container(byte_reader *r, int64_t base, uint32_t card, delta_row_set *out, md_error *err) {
  if (!has(r, 2)) return truncated(r, err);
  uint16_t runs = u16le(r);
  if (!has(r, (size_t)runs * 4)) return truncated(r, err);
  int64_t next_min = 0, total = 0;
  for (uint16_t k = 0; k < runs; k++) {
    uint32_t start = u16le(r), length = u16le(r);
    if (start < next_min || start + length > 0xFFFF)
      return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: run %u out of order or past its container", k);
    md_code rc = delta_row_set_push(out, base + start, base + start + length + 1, err);
    if (rc != MD_OK) return rc;
    next_min = (int64_t)start + length + 2; /* runs never touch */
    total += length + 1;
  }
  if (total != card) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: run container holds %lld rows, header says %u", (long long)total, card);
  return MD_OK;
}

static md_code array_container(byte_reader *r, int64_t base, uint32_t card, delta_row_set *out, md_error *err) {
  if (!has(r, (size_t)card * 2)) return truncated(r, err);
  int32_t last = -1;
  for (uint32_t k = 0; k < card; k++) {
    int32_t v = u16le(r);
    if (v <= last) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: array values not ascending");
    last = v;
    md_code rc = delta_row_set_push(out, base + v, base + v + 1, err);
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

static md_code bitmap_container(byte_reader *r, int64_t base, uint32_t card, delta_row_set *out, md_error *err) {
  if (!has(r, 8192)) return truncated(r, err);
  const uint8_t *bits = r->data + r->pos;
  r->pos += 8192;
  uint32_t total = 0;
  for (int32_t v = 0; v < 65536;) {
    if (!(bits[v >> 3] >> (v & 7) & 1)) {
      v++;
      continue;
    }
    int32_t end = v;
    while (end < 65536 && bits[end >> 3] >> (end & 7) & 1) end++;
    md_code rc = delta_row_set_push(out, base + v, base + end, err);
    if (rc != MD_OK) return rc;
    total += (uint32_t)(end - v);
    v = end;
  }
  if (total != card) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: bitmap container holds %u rows, header says %u", total, card);
  return MD_OK;
}

static md_code roaring32(byte_reader *r, int64_t high, delta_row_set *out, md_error *err) {
  if (!has(r, 4)) return truncated(r, err);
  uint32_t cookie = u32le(r);
  uint32_t n;
  const uint8_t *run_bits = NULL;
  if ((cookie & 0xFFFF) == COOKIE_RUNS) {
    n = (cookie >> 16) + 1;
    if (!has(r, (n + 7) / 8)) return truncated(r, err);
    run_bits = r->data + r->pos;
    r->pos += (n + 7) / 8;
  } else if (cookie == COOKIE_NO_RUNS) {
    if (!has(r, 4)) return truncated(r, err);
    n = u32le(r);
    if (n > 65536) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: %u containers (at most 65536)", n);
  } else {
    return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: unknown roaring cookie %u", cookie);
  }
  if (!has(r, (size_t)n * 4)) return truncated(r, err);
  byte_reader header = {r->data, r->pos + (size_t)n * 4, r->pos};
  r->pos += (size_t)n * 4;
  if (!run_bits || n >= 4) {
    if (!has(r, (size_t)n * 4)) return truncated(r, err);
    r->pos += (size_t)n * 4; /* offsets: containers follow in order anyway */
  }
  int32_t last_key = -1;
  for (uint32_t i = 0; i < n; i++) {
    int32_t key = u16le(&header);
    uint32_t card = (uint32_t)u16le(&header) + 1;
    if (key <= last_key) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: container keys not ascending");
    last_key = key;
    int64_t base = high << 32 | (int64_t)key << 16;
    md_code rc;
    if (run_bits && (run_bits[i >> 3] >> (i & 7) & 1)) rc = run_container(r, base, card, out, err);
    else if (card <= ARRAY_MAX) rc = array_container(r, base, card, out, err);
    else rc = bitmap_container(r, base, card, out, err);
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

md_code delta_dv_decode_bitmap(const uint8_t *data, size_t size, delta_row_set *out, md_error *err) {
  byte_reader r = {data, size, 0};
  if (!has(&r, 12)) return truncated(&r, err);
  uint32_t magic = u32le(&r);
  if (magic != DV_MAGIC) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: bad magic %u", magic);
  uint64_t count = u32le(&r);
  count |= (uint64_t)u32le(&r) << 32;
  /* Each bitmap takes at least 12 bytes, so a larger count is a lie. */
  if (count > (size - r.pos) / 12) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: %llu bitmaps in %zu bytes", (unsigned long long)count, size);
  int64_t last_high = -1;
  for (uint64_t i = 0; i < count; i++) {
    if (!has(&r, 4)) return truncated(&r, err);
    int64_t high = u32le(&r);
    if (high <= last_high) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: bitmap keys not ascending");
    /* Positions are non-negative int64 rows of one Parquet file. The last
     * high key is refused too, so that a range's exclusive end and its next
     * 2^16 boundary never overflow int64 (found by fuzz_delta_dv). */
    if (high > 0x7FFFFFFE)
      return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: row position beyond 2^63 - 2^32");
    last_high = high;
    md_code rc = roaring32(&r, high, out, err);
    if (rc != MD_OK) return rc;
  }
  if (r.pos != size) return md_error_set(err, MD_ERR_CORRUPT, "deletion vector: %zu trailing bytes", size - r.pos);
  return MD_OK;
}

/* ------------------------------------------------------------------ encoding */

static void put_u16(delta_buf *out, uint32_t v) {
  uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  delta_buf_append(out, b, 2);
}

static void put_u32(delta_buf *out, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  delta_buf_append(out, b, 4);
}

/* Ranges [first, last) of rows, clipped to one 16-bit container. */
typedef struct container_plan {
  uint16_t key;
  uint32_t card;
  uint32_t runs;
  size_t first, last; /* range indexes */
} container_plan;

static int64_t clip_lo(int64_t v, int64_t lo) { return v < lo ? lo : v; }
static int64_t clip_hi(int64_t v, int64_t hi) { return v > hi ? hi : v; }

/* Runs when they are smaller than both the array and the bitmap form. */
static bool use_runs(const container_plan *c) {
  size_t run_bytes = 2 + (size_t)c->runs * 4;
  size_t other = c->card <= ARRAY_MAX ? (size_t)c->card * 2 : 8192;
  return run_bytes < other;
}

static size_t container_bytes(const container_plan *c) {
  if (use_runs(c)) return 2 + (size_t)c->runs * 4;
  return c->card <= ARRAY_MAX ? (size_t)c->card * 2 : 8192;
}

static void write_container(const delta_row_set *rows, const container_plan *c, int64_t base, delta_buf *out) {
  if (use_runs(c)) {
    put_u16(out, c->runs);
    for (size_t i = c->first; i < c->last; i++) {
      int64_t s = clip_lo(rows->ranges[i].start, base), e = clip_hi(rows->ranges[i].end, base + 65536);
      put_u16(out, (uint32_t)(s - base));
      put_u16(out, (uint32_t)(e - s - 1));
    }
  } else if (c->card <= ARRAY_MAX) {
    for (size_t i = c->first; i < c->last; i++) {
      int64_t s = clip_lo(rows->ranges[i].start, base), e = clip_hi(rows->ranges[i].end, base + 65536);
      for (int64_t v = s; v < e; v++) put_u16(out, (uint32_t)(v - base));
    }
  } else {
    uint8_t bits[8192];
    memset(bits, 0, sizeof bits);
    for (size_t i = c->first; i < c->last; i++) {
      int64_t s = clip_lo(rows->ranges[i].start, base), e = clip_hi(rows->ranges[i].end, base + 65536);
      for (int64_t v = s - base; v < e - base; v++) bits[v >> 3] |= (uint8_t)(1u << (v & 7));
    }
    delta_buf_append(out, bits, sizeof bits);
  }
}

/* The containers of high key `high` from ranges already split at 2^16
 * boundaries, starting at range *at; advances *at past them. NULL on no memory. */
static container_plan *plan_containers(const delta_row_set *rows, int64_t high, size_t *at, size_t *count) {
  size_t n = 0, cap = 0, i = *at;
  container_plan *plan = NULL;
  while (i < rows->count && rows->ranges[i].start >> 32 == high) {
    int64_t key_base = rows->ranges[i].start & ~(int64_t)0xFFFF;
    container_plan c = {(uint16_t)(key_base >> 16 & 0xFFFF), 0, 0, i, i};
    for (; i < rows->count && rows->ranges[i].start < key_base + 65536; i++) {
      c.card += (uint32_t)(rows->ranges[i].end - rows->ranges[i].start);
      c.runs++;
    }
    c.last = i;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      container_plan *grown = realloc(plan, cap * sizeof *grown);
      if (!grown) {
        free(plan);
        return NULL;
      }
      plan = grown;
    }
    plan[n++] = c;
  }
  *at = i;
  *count = n;
  return plan;
}

void delta_dv_encode_bitmap(const delta_row_set *rows, delta_buf *out) {
  /* Split ranges at 2^16 boundaries first so every container owns whole ranges. */
  delta_row_set split = {0};
  for (size_t i = 0; i < rows->count; i++)
    for (int64_t s = rows->ranges[i].start; s < rows->ranges[i].end;) {
      int64_t e = clip_hi(rows->ranges[i].end, (s & ~(int64_t)0xFFFF) + 65536);
      if (split.count == split.capacity) {
        size_t cap = split.capacity ? split.capacity * 2 : 16;
        delta_row_range *grown = realloc(split.ranges, cap * sizeof *grown);
        if (!grown) {
          free(split.ranges);
          out->failed = true;
          return;
        }
        split.ranges = grown;
        split.capacity = cap;
      }
      split.ranges[split.count++] = (delta_row_range){s, e};
      s = e;
    }
  put_u32(out, DV_MAGIC);
  uint64_t highs = 0;
  for (size_t i = 0; i < split.count; i++)
    if (i == 0 || split.ranges[i].start >> 32 != split.ranges[i - 1].start >> 32) highs++;
  put_u32(out, (uint32_t)highs);
  put_u32(out, (uint32_t)(highs >> 32));
  size_t at = 0;
  while (at < split.count) {
    int64_t high = split.ranges[at].start >> 32;
    size_t n = 0;
    container_plan *plan = plan_containers(&split, high, &at, &n);
    if (!plan) {
      out->failed = true;
      break;
    }
    put_u32(out, (uint32_t)high);
    put_u32(out, COOKIE_RUNS | (uint32_t)(n - 1) << 16);
    uint8_t run_bits[8192];
    memset(run_bits, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
      if (use_runs(&plan[i])) run_bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    delta_buf_append(out, run_bits, (n + 7) / 8);
    for (size_t i = 0; i < n; i++) {
      put_u16(out, plan[i].key);
      put_u16(out, plan[i].card - 1);
    }
    if (n >= 4) {
      /* Offsets count from the start of this 32-bit bitmap (its cookie). */
      size_t offset = 4 + (n + 7) / 8 + 4 * n + 4 * n;
      for (size_t i = 0; i < n; i++) {
        put_u32(out, (uint32_t)offset);
        offset += container_bytes(&plan[i]);
      }
    }
    for (size_t i = 0; i < n; i++)
      write_container(&split, &plan[i], high << 32 | (int64_t)plan[i].key << 16, out);
    free(plan);
  }
  free(split.ranges);
}
