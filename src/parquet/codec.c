/* codec.c — compression codecs of Parquet pages, through the packaged libraries
 * (snappy, zlib, brotli, zstd, lz4). Each direction is one switch; the codec
 * libraries are stateless at this level so no context outlives a call. */
#include "parquet/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

const char *md_parquet_codec_name(md_parquet_codec codec) {
  switch (codec) {
    case MD_PARQUET_UNCOMPRESSED: return "UNCOMPRESSED";
    case MD_PARQUET_SNAPPY: return "SNAPPY";
    case MD_PARQUET_GZIP: return "GZIP";
    case MD_PARQUET_LZO: return "LZO";
    case MD_PARQUET_BROTLI: return "BROTLI";
    case MD_PARQUET_LZ4: return "LZ4";
    case MD_PARQUET_ZSTD: return "ZSTD";
    case MD_PARQUET_LZ4_RAW: return "LZ4_RAW";
  }
  return NULL;
}

md_code md_parquet_codec_parse(const char *name, md_parquet_codec *out, md_error *err) {
  static const struct { const char *name; md_parquet_codec codec; } names[] = {
      {"none", MD_PARQUET_UNCOMPRESSED}, {"uncompressed", MD_PARQUET_UNCOMPRESSED},
      {"snappy", MD_PARQUET_SNAPPY},     {"gzip", MD_PARQUET_GZIP},
      {"brotli", MD_PARQUET_BROTLI},     {"zstd", MD_PARQUET_ZSTD},
      {"lz4_raw", MD_PARQUET_LZ4_RAW},   {"lz4", MD_PARQUET_LZ4_RAW},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(name, names[i].name) == 0) {
      *out = names[i].codec;
      return MD_OK;
    }
  }
  return md_error_set(err, MD_ERR_INVALID,
                      "unknown codec '%s' (expected snappy, zstd, gzip, brotli, lz4_raw or none)", name);
}

static md_code size_mismatch(md_error *err, const char *codec, size_t got, size_t want) {
  return md_error_set(err, MD_ERR_CORRUPT, "%s page decompressed to %zu bytes, header says %zu", codec, got,
                      want);
}

static md_code decompress_gzip(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                               md_error *err) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* 15 + 32: accept both zlib and gzip headers; writers differ. */
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return md_error_set(err, MD_ERR_NOMEM, "gzip: cannot start inflate");
  size_t produced = 0;
  md_code code = MD_OK;
  zs.next_in = (Bytef *)src;
  zs.next_out = dst;
  /* zlib counts in uInt; feed in slices so pages above 4 GiB cannot truncate. */
  for (;;) {
    size_t in_left = src_size - (size_t)((const uint8_t *)zs.next_in - src);
    size_t out_left = dst_size - (size_t)(zs.next_out - dst);
    zs.avail_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
    zs.avail_out = out_left > UINT32_MAX ? UINT32_MAX : (uInt)out_left;
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced = (size_t)(zs.next_out - dst);
    if (rc == Z_STREAM_END) {
      /* Some writers concatenate gzip members; continue while input remains. */
      if (zs.next_in < src + src_size && produced < dst_size) {
        if (inflateReset(&zs) != Z_OK) {
          code = md_error_set(err, MD_ERR_CORRUPT, "gzip: cannot reset stream");
          break;
        }
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out == 0 && produced == dst_size) {
      code = md_error_set(err, MD_ERR_CORRUPT, "gzip page inflates beyond its header's %zu bytes", dst_size);
      break;
    }
    if (rc != Z_OK) {
      code = md_error_set(err, MD_ERR_CORRUPT, "gzip data corrupt (%s)", zs.msg ? zs.msg : "inflate failed");
      break;
    }
  }
  inflateEnd(&zs);
  if (code != MD_OK) return code;
  if (produced != dst_size) return size_mismatch(err, "gzip", produced, dst_size);
  return MD_OK;
}

static uint32_t load_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Deprecated LZ4 (codec 5): Hadoop's framing is a sequence of
 * [u32 BE decompressed size][u32 BE compressed size][raw LZ4 block]. Some old
 * writers used the same codec id for bare LZ4 blocks, so if the framing does not
 * add up we retry as one raw block. */
static md_code decompress_hadoop_lz4(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                                     md_error *err) {
  size_t in = 0, out = 0;
  bool framed = true;
  while (in < src_size) {
    if (src_size - in < 8) { framed = false; break; }
    uint32_t block_raw = load_be32(src + in), block_compressed = load_be32(src + in + 4);
    in += 8;
    if (block_compressed > src_size - in || block_raw > dst_size - out || block_compressed > INT32_MAX) {
      framed = false;
      break;
    }
    int n = LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)block_compressed, (int)block_raw);
    if (n < 0 || (uint32_t)n != block_raw) { framed = false; break; }
    in += block_compressed;
    out += block_raw;
  }
  if (framed && out == dst_size) return MD_OK;
  if (src_size > INT32_MAX || dst_size > INT32_MAX) return md_error_set(err, MD_ERR_CORRUPT, "LZ4 page too large");
  int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_size, (int)dst_size);
  if (n < 0) return md_error_set(err, MD_ERR_CORRUPT, "LZ4 data corrupt (neither Hadoop-framed nor a raw block)");
  if ((size_t)n != dst_size) return size_mismatch(err, "LZ4", (size_t)n, dst_size);
  return MD_OK;
}

md_code parquet_decompress(md_parquet_codec codec, const uint8_t *src, size_t src_size, uint8_t *dst,
                           size_t dst_size, md_error *err) {
  switch (codec) {
    case MD_PARQUET_UNCOMPRESSED:
      if (src_size != dst_size) return size_mismatch(err, "uncompressed", src_size, dst_size);
      if (dst_size) memcpy(dst, src, dst_size);
      return MD_OK;
    case MD_PARQUET_SNAPPY: {
      size_t length = 0;
      if (snappy_uncompressed_length((const char *)src, src_size, &length) != SNAPPY_OK)
        return md_error_set(err, MD_ERR_CORRUPT, "snappy data corrupt (bad length header)");
      if (length != dst_size) return size_mismatch(err, "snappy", length, dst_size);
      if (snappy_uncompress((const char *)src, src_size, (char *)dst, &length) != SNAPPY_OK)
        return md_error_set(err, MD_ERR_CORRUPT, "snappy data corrupt");
      return MD_OK;
    }
    case MD_PARQUET_GZIP: return decompress_gzip(src, src_size, dst, dst_size, err);
    case MD_PARQUET_BROTLI: {
      size_t length = dst_size;
      if (BrotliDecoderDecompress(src_size, src, &length, dst) != BROTLI_DECODER_RESULT_SUCCESS)
        return md_error_set(err, MD_ERR_CORRUPT, "brotli data corrupt or larger than its header's %zu bytes",
                            dst_size);
      if (length != dst_size) return size_mismatch(err, "brotli", length, dst_size);
      return MD_OK;
    }
    case MD_PARQUET_ZSTD: {
      size_t n = ZSTD_decompress(dst, dst_size, src, src_size);
      if (ZSTD_isError(n)) return md_error_set(err, MD_ERR_CORRUPT, "zstd data corrupt (%s)", ZSTD_getErrorName(n));
      if (n != dst_size) return size_mismatch(err, "zstd", n, dst_size);
      return MD_OK;
    }
    case MD_PARQUET_LZ4_RAW: {
      if (src_size > INT32_MAX || dst_size > INT32_MAX)
        return md_error_set(err, MD_ERR_CORRUPT, "LZ4_RAW page larger than 2 GiB");
      int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_size, (int)dst_size);
      if (n < 0) return md_error_set(err, MD_ERR_CORRUPT, "LZ4_RAW data corrupt");
      if ((size_t)n != dst_size) return size_mismatch(err, "LZ4_RAW", (size_t)n, dst_size);
      return MD_OK;
    }
    case MD_PARQUET_LZ4: return decompress_hadoop_lz4(src, src_size, dst, dst_size, err);
    case MD_PARQUET_LZO:
      return md_error_set(err, MD_ERR_UNSUPPORTED, "codec LZO is not supported (no packaged library)");
  }
  return md_error_set(err, MD_ERR_CORRUPT, "unknown codec id %d", (int)codec);
}

size_t parquet_compress_bound(md_parquet_codec codec, size_t src_size) {
  switch (codec) {
    case MD_PARQUET_SNAPPY: return snappy_max_compressed_length(src_size);
    case MD_PARQUET_GZIP: return compressBound((uLong)src_size) + 32; /* + gzip header and trailer */
    case MD_PARQUET_BROTLI: {
      size_t bound = BrotliEncoderMaxCompressedSize(src_size);
      return bound ? bound : src_size + 1024;
    }
    case MD_PARQUET_ZSTD: return ZSTD_compressBound(src_size);
    case MD_PARQUET_LZ4_RAW:
      return src_size > LZ4_MAX_INPUT_SIZE ? 0 : (size_t)LZ4_compressBound((int)src_size);
    default: return src_size;
  }
}

static md_code compress_gzip(int level, const uint8_t *src, size_t src_size, uint8_t *dst, size_t capacity,
                             size_t *dst_size, md_error *err) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* 15 + 16: gzip framing, which every Parquet reader accepts. */
  if (deflateInit2(&zs, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return md_error_set(err, MD_ERR_NOMEM, "gzip: cannot start deflate");
  if (src_size > UINT32_MAX || capacity > UINT32_MAX) {
    deflateEnd(&zs);
    return md_error_set(err, MD_ERR_UNSUPPORTED, "gzip pages above 4 GiB are not supported");
  }
  zs.next_in = (Bytef *)src;
  zs.avail_in = (uInt)src_size;
  zs.next_out = dst;
  zs.avail_out = (uInt)capacity;
  int rc = deflate(&zs, Z_FINISH);
  *dst_size = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return md_error_set(err, MD_ERR_INTERNAL, "gzip: deflate did not finish (%d)", rc);
  return MD_OK;
}

md_code parquet_compress(md_parquet_codec codec, int level, const uint8_t *src, size_t src_size, uint8_t *dst,
                         size_t dst_capacity, size_t *dst_size, md_error *err) {
  switch (codec) {
    case MD_PARQUET_UNCOMPRESSED:
      if (dst_capacity < src_size) return md_error_set(err, MD_ERR_INTERNAL, "compress: output too small");
      if (src_size) memcpy(dst, src, src_size);
      *dst_size = src_size;
      return MD_OK;
    case MD_PARQUET_SNAPPY: {
      size_t length = dst_capacity;
      if (snappy_compress((const char *)src, src_size, (char *)dst, &length) != SNAPPY_OK)
        return md_error_set(err, MD_ERR_INTERNAL, "snappy compression failed");
      *dst_size = length;
      return MD_OK;
    }
    case MD_PARQUET_GZIP: return compress_gzip(level, src, src_size, dst, dst_capacity, dst_size, err);
    case MD_PARQUET_BROTLI: {
      size_t length = dst_capacity;
      /* Quality 5 is brotli's usual speed/ratio balance for columnar pages. */
      if (!BrotliEncoderCompress(level ? level : 5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, src_size, src,
                                 &length, dst))
        return md_error_set(err, MD_ERR_INTERNAL, "brotli compression failed");
      *dst_size = length;
      return MD_OK;
    }
    case MD_PARQUET_ZSTD: {
      /* Level 1 by default: pages are small and write speed matters more. */
      size_t n = ZSTD_compress(dst, dst_capacity, src, src_size, level ? level : 1);
      if (ZSTD_isError(n)) return md_error_set(err, MD_ERR_INTERNAL, "zstd: %s", ZSTD_getErrorName(n));
      *dst_size = n;
      return MD_OK;
    }
    case MD_PARQUET_LZ4_RAW: {
      if (src_size > LZ4_MAX_INPUT_SIZE || dst_capacity > INT32_MAX)
        return md_error_set(err, MD_ERR_UNSUPPORTED, "LZ4_RAW pages above 2 GiB are not supported");
      int n = LZ4_compress_default((const char *)src, (char *)dst, (int)src_size, (int)dst_capacity);
      if (n <= 0) return md_error_set(err, MD_ERR_INTERNAL, "LZ4_RAW compression failed");
      *dst_size = (size_t)n;
      return MD_OK;
    }
    case MD_PARQUET_LZ4:
    case MD_PARQUET_LZO:
      break;
  }
  return md_error_set(err, MD_ERR_UNSUPPORTED, "writing codec %s is not supported",
                      md_parquet_codec_name(codec) ? md_parquet_codec_name(codec) : "?");
}
