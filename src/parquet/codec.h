/* codec.h — (de)compression of Parquet page payloads, one function per direction.
 * Private to the parquet module. */
#ifndef MEDALLION_PARQUET_CODEC_H
#define MEDALLION_PARQUET_CODEC_H

#include "medallion/parquet.h"

/* Decompresses src into dst, whose size is the page header's
 * uncompressed_page_size; the result must fill dst exactly, else MD_ERR_CORRUPT.
 * Handles UNCOMPRESSED (copy), SNAPPY, GZIP (zlib or gzip framing), BROTLI,
 * ZSTD, LZ4_RAW and the deprecated LZ4 (Hadoop framing, falling back to raw LZ4
 * blocks as some writers produced). */
md_code parquet_decompress(md_parquet_codec codec, const uint8_t *src, size_t src_size, uint8_t *dst,
                           size_t dst_size, md_error *err);

/* Worst-case compressed size of src_size bytes, for sizing the output buffer. */
size_t parquet_compress_bound(md_parquet_codec codec, size_t src_size);

/* Compresses src into dst (capacity dst_capacity >= parquet_compress_bound);
 * *dst_size receives the compressed size. level 0 = the codec's default.
 * Writable codecs: UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD, LZ4_RAW. */
md_code parquet_compress(md_parquet_codec codec, int level, const uint8_t *src, size_t src_size,
                         uint8_t *dst, size_t dst_capacity, size_t *dst_size, md_error *err);

#endif
