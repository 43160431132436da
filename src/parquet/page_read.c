/* page_read.c — one page of a column chunk: header, optional CRC, payload.
 *
 * DATA_PAGE (v1) compresses levels and values together; DATA_PAGE_V2 keeps the
 * levels uncompressed in front and compresses only the values (and only when
 * is_compressed). Uncompressed payloads are used in place, without a copy. */
#include "parquet/page_read.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "parquet/codec.h"
#include "parquet/decode.h"

/* The largest page we agree to inflate: Parquet writers use pages of about
 * 1 MiB; anything near this is a lie in the header, not data. */
enum { PAGE_SIZE_LIMIT = 512 << 20 };

/* Grows one of the cursor's reusable buffers to want bytes (contents lost). */
static md_code reserve_scratch(uint8_t **buf, size_t *cap, size_t want, size_t dst_size, md_error *err) {
  if (want <= *cap) return MD_OK;
  free(*buf);
  *cap = 0;
  if (!(*buf = malloc(want))) return md_error_set(err, MD_ERR_NOMEM, "out of memory for a %zu-byte page", dst_size);
  *cap = want;
  return MD_OK;
}

/* Pages decompress into the cursor's reusable buffers (one for data pages,
 * one for the dictionary page, which must outlive the data pages after it),
 * which saves a large malloc, the page faults of fresh memory and a free per
 * page. */
static md_code inflate_payload(pq_page_cursor *c, md_parquet_codec codec, const uint8_t *src, size_t src_size,
                               size_t dst_size, pq_page *page, const uint8_t **out, md_error *err) {
  if (codec == MD_PARQUET_UNCOMPRESSED) {
    if (src_size != dst_size)
      return md_error_set(err, MD_ERR_CORRUPT, "uncompressed page of %zu bytes claims %zu", src_size, dst_size);
    *out = src;
    return MD_OK;
  }
  /* Ratios above 1:65536 are beyond every codec's reach on real pages. */
  if (dst_size > PAGE_SIZE_LIMIT || dst_size / 65536 > src_size + 1)
    return md_error_set(err, MD_ERR_CORRUPT, "page claims %zu uncompressed bytes from %zu", dst_size, src_size);
  if (dst_size == 0 && src_size == 0) {
    *out = src;
    return MD_OK;
  }
  size_t want = dst_size + PQ_PAGE_PADDING;
  bool dictionary = page->header.type == PQ_DICTIONARY_PAGE;
  md_code rc = dictionary ? reserve_scratch(&c->dict_scratch, &c->dict_scratch_cap, want, dst_size, err)
                          : reserve_scratch(&c->scratch, &c->scratch_cap, want, dst_size, err);
  if (rc) return rc;
  uint8_t *dst = dictionary ? c->dict_scratch : c->scratch;
  rc = parquet_decompress(codec, src, src_size, dst, dst_size, err);
  if (rc) return rc;
  memset(dst + dst_size, 0, PQ_PAGE_PADDING);
  *out = dst;
  return MD_OK;
}

md_code pq_page_next(pq_page_cursor *c, pq_page *page, md_error *err) {
  memset(page, 0, sizeof *page);
  page->offset = (size_t)(c->pos - c->file);
  size_t header_size;
  md_code rc = pq_parse_page_header(c->pos, (size_t)(c->end - c->pos), &page->header, &header_size, err);
  if (rc) return md_error_context(err, "page at byte %zu", page->offset);
  const pq_page_header *h = &page->header;
  const uint8_t *payload = c->pos + header_size;
  size_t compressed = (size_t)h->compressed_page_size;
  if (compressed > (size_t)(c->end - payload))
    return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: %zu-byte payload runs past the column chunk",
                        page->offset, compressed);
  c->pos = payload + compressed;
  if (h->has_crc && (h->type == PQ_DATA_PAGE || h->type == PQ_DATA_PAGE_V2 || h->type == PQ_DICTIONARY_PAGE)) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const uint8_t *p = payload;
    size_t left = compressed;
    while (left) { /* zlib's length is a uInt */
      uInt n = left > (1u << 30) ? (1u << 30) : (uInt)left;
      crc = crc32(crc, p, n);
      p += n;
      left -= n;
    }
    if ((uint32_t)crc != h->crc)
      return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: CRC mismatch (stored %08x, computed %08x)",
                          page->offset, h->crc, (uint32_t)crc);
  }
  size_t uncompressed = (size_t)h->uncompressed_page_size;
  if (h->type == PQ_DATA_PAGE || h->type == PQ_DICTIONARY_PAGE) {
    if (h->type == PQ_DATA_PAGE && !h->has_data_header)
      return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: data page without its header", page->offset);
    if (h->type == PQ_DICTIONARY_PAGE && !h->has_dictionary_header)
      return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: dictionary page without its header",
                          page->offset);
    rc = inflate_payload(c, c->codec, payload, compressed, uncompressed, page, &page->body, err);
    if (rc) return md_error_context(err, "page at byte %zu", page->offset);
    page->body_size = uncompressed;
  } else if (h->type == PQ_DATA_PAGE_V2) {
    if (!h->has_v2_header)
      return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: v2 data page without its header", page->offset);
    if (h->def_levels_byte_length < 0 || h->rep_levels_byte_length < 0 ||
        (size_t)h->def_levels_byte_length + (size_t)h->rep_levels_byte_length > compressed ||
        (size_t)h->def_levels_byte_length + (size_t)h->rep_levels_byte_length > uncompressed)
      return md_error_set(err, MD_ERR_CORRUPT, "page at byte %zu: level lengths exceed the page", page->offset);
    size_t levels = (size_t)h->def_levels_byte_length + (size_t)h->rep_levels_byte_length;
    page->levels = payload;
    md_parquet_codec codec = h->is_compressed ? c->codec : MD_PARQUET_UNCOMPRESSED;
    rc = inflate_payload(c, codec, payload + levels, compressed - levels, uncompressed - levels, page, &page->body,
                         err);
    if (rc) return md_error_context(err, "page at byte %zu", page->offset);
    page->body_size = uncompressed - levels;
  }
  return MD_OK;
}

void pq_page_release(pq_page *page) {
  free(page->buffer);
  page->buffer = NULL;
}

void pq_page_cursor_release(pq_page_cursor *cursor) {
  free(cursor->scratch);
  free(cursor->dict_scratch);
  cursor->scratch = NULL;
  cursor->scratch_cap = 0;
  cursor->dict_scratch = NULL;
  cursor->dict_scratch_cap = 0;
}

/* v1 levels: RLE with a 4-byte length prefix, or the legacy BIT_PACKED. */
static md_code decode_v1_levels(const uint8_t **pos, const uint8_t *end, int32_t encoding, int16_t max_level,
                                int16_t *out, int64_t count, const char *what, md_error *err) {
  int width = pq_bit_width((uint64_t)max_level);
  size_t avail = (size_t)(end - *pos);
  if (encoding == PQ_ENC_RLE) {
    if (avail < 4) return md_error_set(err, MD_ERR_CORRUPT, "%s levels: length truncated", what);
    uint32_t length = (uint32_t)(*pos)[0] | (uint32_t)(*pos)[1] << 8 | (uint32_t)(*pos)[2] << 16 |
                      (uint32_t)(*pos)[3] << 24;
    if (length > avail - 4)
      return md_error_set(err, MD_ERR_CORRUPT, "%s levels: %u bytes past the page", what, length);
    rle_decoder d;
    md_code rc = rle_decoder_init(&d, *pos + 4, length, width, err);
    if (!rc) rc = rle_decode_levels(&d, out, count, err);
    if (rc) return md_error_context(err, "%s levels", what);
    *pos += 4 + length;
  } else if (encoding == PQ_ENC_BIT_PACKED) {
    size_t used;
    md_code rc = bitpacked_legacy_decode_levels(*pos, avail, width, out, count, &used, err);
    if (rc) return md_error_context(err, "%s levels", what);
    *pos += used;
  } else {
    return md_error_set(err, MD_ERR_UNSUPPORTED, "%s levels: encoding %s", what, pq_encoding_name(encoding));
  }
  for (int64_t i = 0; i < count; i++)
    if (out[i] > max_level) return md_error_set(err, MD_ERR_CORRUPT, "%s level %d above the maximum %d", what, out[i], max_level);
  return MD_OK;
}

static md_code decode_v2_levels(const uint8_t *data, size_t size, int16_t max_level, int16_t *out, int64_t count,
                                const char *what, md_error *err) {
  rle_decoder d;
  md_code rc = rle_decoder_init(&d, data, size, pq_bit_width((uint64_t)max_level), err);
  if (!rc) rc = rle_decode_levels(&d, out, count, err);
  if (rc) return md_error_context(err, "%s levels", what);
  for (int64_t i = 0; i < count; i++)
    if (out[i] > max_level) return md_error_set(err, MD_ERR_CORRUPT, "%s level %d above the maximum %d", what, out[i], max_level);
  return MD_OK;
}

md_code pq_page_decode_levels(pq_page *page, int16_t max_def, int16_t max_rep, int16_t *def, int16_t *rep,
                              md_error *err) {
  const pq_page_header *h = &page->header;
  int64_t count = h->num_values;
  if (h->type == PQ_DATA_PAGE) {
    const uint8_t *pos = page->body, *end = page->body + page->body_size;
    if (max_rep > 0) {
      md_code rc = decode_v1_levels(&pos, end, h->rep_encoding, max_rep, rep, count, "repetition", err);
      if (rc) return rc;
    }
    if (max_def > 0) {
      md_code rc = decode_v1_levels(&pos, end, h->def_encoding, max_def, def, count, "definition", err);
      if (rc) return rc;
    }
    page->values = pos;
    page->values_size = (size_t)(end - pos);
    return MD_OK;
  }
  size_t rep_len = (size_t)h->rep_levels_byte_length, def_len = (size_t)h->def_levels_byte_length;
  if (max_rep > 0) {
    md_code rc = decode_v2_levels(page->levels, rep_len, max_rep, rep, count, "repetition", err);
    if (rc) return rc;
  }
  if (max_def > 0) {
    md_code rc = decode_v2_levels(page->levels + rep_len, def_len, max_def, def, count, "definition", err);
    if (rc) return rc;
  }
  page->values = page->body;
  page->values_size = page->body_size;
  return MD_OK;
}
