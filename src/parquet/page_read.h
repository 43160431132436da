/* page_read.h — walking the pages of one column chunk: page headers, CRC
 * checks, decompression, and the repetition/definition levels that start each
 * data page. Private to the parquet module. */
#ifndef MEDALLION_PARQUET_PAGE_READ_H
#define MEDALLION_PARQUET_PAGE_READ_H

#include "medallion/parquet.h"
#include "parquet/metadata.h"

typedef struct pq_page_cursor {
  const uint8_t *file;   /* the whole file, for offsets in messages */
  const uint8_t *pos;
  const uint8_t *end;    /* end of the column chunk */
  md_parquet_codec codec;
  uint8_t *scratch;      /* data pages decompress here, reused page after page */
  size_t scratch_cap;
  uint8_t *dict_scratch; /* dictionary pages decompress here: the dictionary
                            reads its values in place while data pages reuse
                            scratch, and the next chunk reuses it again */
  size_t dict_scratch_cap;
} pq_page_cursor;

/* Decompressed page buffers end with this many spare bytes, so that decoders
 * may copy short values with one fixed-size load. */
enum { PQ_PAGE_PADDING = 32 };

typedef struct pq_page {
  pq_page_header header;
  size_t offset;          /* of the page header in the file */
  const uint8_t *body;    /* DICTIONARY / DATA_PAGE: the whole decompressed page;
                             DATA_PAGE_V2: the decompressed values section */
  size_t body_size;
  const uint8_t *levels;  /* DATA_PAGE_V2: the raw level bytes (rep then def) */
  uint8_t *buffer;        /* owned decompression buffer, or NULL (pages borrow the
                             cursor's scratch buffers) */
  /* after pq_page_decode_levels: */
  const uint8_t *values;
  size_t values_size;
} pq_page;

/* Reads the next page (header + payload) and advances the cursor. Pages of
 * types other than data and dictionary pages are returned too (callers skip). */
md_code pq_page_next(pq_page_cursor *cursor, pq_page *page, md_error *err);
void pq_page_release(pq_page *page);
/* Frees the cursor's reusable decompression buffers. */
void pq_page_cursor_release(pq_page_cursor *cursor);

/* Decodes the levels of a data page into def/rep (each num_values long; NULL
 * when the max level is 0) and locates the values section. */
md_code pq_page_decode_levels(pq_page *page, int16_t max_def, int16_t max_rep, int16_t *def, int16_t *rep,
                              md_error *err);

#endif
