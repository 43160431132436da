/* page_write.h — assembling one Parquet page (v1 data page or dictionary page):
 * body, compression and Thrift PageHeader, appended to a column chunk buffer.
 * Private to the parquet module. */
#ifndef MEDALLION_PARQUET_PAGE_WRITE_H
#define MEDALLION_PARQUET_PAGE_WRITE_H

#include <stdint.h>

#include "medallion/parquet.h"
#include "parquet/writer_buf.h"

/* Reused buffers and the codec, shared by every page of a writer. */
typedef struct page_writer {
  md_parquet_codec codec;
  int level;
  writer_buf body;       /* uncompressed page body */
  writer_buf compressed; /* compressed page body */
  writer_buf header;     /* serialized PageHeader */
} page_writer;

void page_writer_init(page_writer *pw, md_parquet_codec codec, int level);
void page_writer_free(page_writer *pw);

/* Sizes of a page just appended, header included. */
typedef struct page_sizes {
  int64_t uncompressed;
  int64_t compressed;
} page_sizes;

/* The levels of a data page's num_values entries. A flat column gives its
 * validity bitmap as definition_bits (levels 0/1; NULL when required); a
 * nested leaf gives definition and repetition levels, each section written
 * when its width (bits of the maximum level) is non-zero. */
typedef struct page_levels {
  const uint8_t *definition_bits;
  const uint32_t *definition;
  int definition_width;
  const uint32_t *repetition;
  int repetition_width;
} page_levels;

/* A v1 data page of num_values level entries (nulls included). values is the
 * encoded value section: PLAIN values, or for RLE_DICTIONARY the bit-width
 * byte and the RLE indices. */
md_code page_write_data(page_writer *pw, writer_buf *chunk, int64_t num_values, const page_levels *levels,
                        int encoding, const uint8_t *values, size_t values_size, page_sizes *sizes,
                        md_error *err);

/* A dictionary page of num_entries PLAIN-encoded entries. */
md_code page_write_dictionary(page_writer *pw, writer_buf *chunk, int64_t num_entries, const uint8_t *values,
                              size_t values_size, page_sizes *sizes, md_error *err);

#endif
