/* page_write.c — build, compress and frame Parquet pages.
 *
 * A v1 data page body is [repetition levels][definition levels] (each a
 * 4-byte length + RLE hybrid, present when the column's maximum level is not
 * zero) followed by the values; the whole body is compressed together, and the PageHeader
 * (uncompressed and compressed sizes, encodings) precedes it, uncompressed. */
#include "parquet/page_write.h"

#include <limits.h>

#include "parquet/codec.h"
#include "parquet/encode_rle.h"
#include "parquet/thrift_write.h"
#include "parquet/writer_schema.h"

void page_writer_init(page_writer *pw, md_parquet_codec codec, int level) {
  pw->codec = codec;
  pw->level = level;
  writer_buf_init(&pw->body);
  writer_buf_init(&pw->compressed);
  writer_buf_init(&pw->header);
}

void page_writer_free(page_writer *pw) {
  writer_buf_free(&pw->body);
  writer_buf_free(&pw->compressed);
  writer_buf_free(&pw->header);
}

/* Compresses pw->body and appends PageHeader + payload to chunk. */
static md_code finish_page(page_writer *pw, writer_buf *chunk, int page_type, int64_t num_values, int encoding,
                           page_sizes *sizes, md_error *err) {
  if (pw->body.failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory encoding a page");
  if (pw->body.size > INT32_MAX)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "page of %zu bytes exceeds Parquet's 2 GiB page limit",
                        pw->body.size);
  if (num_values > INT32_MAX)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "page of %lld values exceeds Parquet's limit",
                        (long long)num_values);
  const uint8_t *payload = pw->body.data;
  size_t payload_size = pw->body.size;
  if (pw->codec != MD_PARQUET_UNCOMPRESSED) {
    size_t bound = parquet_compress_bound(pw->codec, pw->body.size);
    pw->compressed.size = 0;
    if (!writer_buf_reserve(&pw->compressed, bound))
      return md_error_set(err, MD_ERR_NOMEM, "out of memory compressing a page of %zu bytes", pw->body.size);
    md_code code = parquet_compress(pw->codec, pw->level, pw->body.data, pw->body.size, pw->compressed.data, bound,
                                    &payload_size, err);
    if (code != MD_OK) return code;
    if (payload_size > INT32_MAX)
      return md_error_set(err, MD_ERR_UNSUPPORTED, "compressed page exceeds Parquet's 2 GiB page limit");
    payload = pw->compressed.data;
  }
  pw->header.size = 0;
  thrift_writer w;
  thrift_writer_init(&w, &pw->header);
  thrift_write_i32_field(&w, 1, page_type);
  thrift_write_i32_field(&w, 2, (int32_t)pw->body.size);
  thrift_write_i32_field(&w, 3, (int32_t)payload_size);
  if (page_type == WRITER_PAGE_DATA) {
    thrift_write_struct_begin(&w, 5);
    thrift_write_i32_field(&w, 1, (int32_t)num_values);
    thrift_write_i32_field(&w, 2, encoding);
    thrift_write_i32_field(&w, 3, WRITER_ENCODING_RLE);
    thrift_write_i32_field(&w, 4, WRITER_ENCODING_RLE);
    thrift_write_struct_end(&w);
  } else {
    thrift_write_struct_begin(&w, 7);
    thrift_write_i32_field(&w, 1, (int32_t)num_values);
    thrift_write_i32_field(&w, 2, encoding);
    thrift_write_bool_field(&w, 3, false);
    thrift_write_struct_end(&w);
  }
  thrift_write_stop(&w);
  if (!thrift_writer_ok(&w)) return md_error_set(err, MD_ERR_NOMEM, "out of memory writing a page header");
  writer_buf_append(chunk, pw->header.data, pw->header.size);
  writer_buf_append(chunk, payload, payload_size);
  if (chunk->failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory buffering a column chunk");
  sizes->uncompressed = (int64_t)(pw->header.size + pw->body.size);
  sizes->compressed = (int64_t)(pw->header.size + payload_size);
  return MD_OK;
}

/* One level section: 4-byte length, then the RLE hybrid runs. */
static md_code append_levels(writer_buf *body, const uint8_t *bits, const uint32_t *levels, int width,
                             int64_t count, md_error *err) {
  writer_buf_append_u32le(body, 0); /* length, patched below */
  size_t start = body->size;
  if (bits) encode_rle_bitmap(body, bits, count);
  else encode_rle_hybrid(body, levels, count, width);
  if (body->failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory encoding levels");
  uint32_t size = (uint32_t)(body->size - start);
  for (int b = 0; b < 4; b++) body->data[start - 4 + b] = (uint8_t)(size >> (8 * b));
  return MD_OK;
}

md_code page_write_data(page_writer *pw, writer_buf *chunk, int64_t num_values, const page_levels *levels,
                        int encoding, const uint8_t *values, size_t values_size, page_sizes *sizes,
                        md_error *err) {
  pw->body.size = 0;
  md_code code = MD_OK;
  if (levels->repetition_width > 0)
    code = append_levels(&pw->body, NULL, levels->repetition, levels->repetition_width, num_values, err);
  if (code == MD_OK && levels->definition_bits)
    code = append_levels(&pw->body, levels->definition_bits, NULL, 1, num_values, err);
  else if (code == MD_OK && levels->definition_width > 0)
    code = append_levels(&pw->body, NULL, levels->definition, levels->definition_width, num_values, err);
  if (code != MD_OK) return code;
  writer_buf_append(&pw->body, values, values_size);
  return finish_page(pw, chunk, WRITER_PAGE_DATA, num_values, encoding, sizes, err);
}

md_code page_write_dictionary(page_writer *pw, writer_buf *chunk, int64_t num_entries, const uint8_t *values,
                              size_t values_size, page_sizes *sizes, md_error *err) {
  pw->body.size = 0;
  writer_buf_append(&pw->body, values, values_size);
  return finish_page(pw, chunk, WRITER_PAGE_DICTIONARY, num_entries, WRITER_ENCODING_PLAIN, sizes, err);
}
