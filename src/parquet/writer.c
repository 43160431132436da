/* writer.c — md_parquet_writer: streaming batches into a Parquet file.
 *
 * Each column keeps one page being filled (validity bits + PLAIN values, or
 * dictionary indices) and the finished, compressed pages of the current row
 * group; a batch is encoded as it arrives and never kept. When a row group
 * reaches row_group_rows its column chunks go to the file one after another
 * (dictionary page first), and its RowGroup metadata is serialised at once so
 * that the footer needs nothing but small buffers. The file is written under a
 * temporary name in the target directory and renamed into place on close, so
 * readers never see a half-written file.
 *
 * A flat field is one leaf column whose definition levels are its validity
 * bitmap. A nested field (LIST, STRUCT, MAP) is shredded (writer_shred.c) a
 * few thousand rows at a time into definition and repetition levels for each
 * of its leaves; pages of nested leaves end only between those slices, so a
 * page always starts at a record boundary. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medallion/parquet.h"
#include "parquet/encode_dictionary.h"
#include "parquet/encode_plain.h"
#include "parquet/encode_rle.h"
#include "parquet/encode_stats.h"
#include "parquet/page_write.h"
#include "parquet/thrift_write.h"
#include "parquet/writer_buf.h"
#include "parquet/writer_schema.h"
#include "parquet/writer_shred.h"

/* Rows handed to the encoders at a time: small enough that a page overshoots
 * its target by little and the dictionary limit is checked often. */
enum { MINI_CHUNK_ROWS = 4096 };
/* Pages also end at this many rows, so that a run-length-friendly column
 * (constant, or all null) still comes in pages a reader can skip between. */
enum { MAX_PAGE_ROWS = 1 << 20 };
/* Level entries a nested field is shredded in at a time: rows per slice adapt
 * to the entries per row seen so far. */
enum { SLICE_ENTRIES = 1 << 15 };
/* Columns are encoded on several threads only for slices of at least this
 * many rows: below it, starting threads costs more than it saves. */
enum { PARALLEL_MIN_ROWS = 16384, MAX_WRITER_THREADS = 64 };

/* Buffers that encoding a page needs for a moment: one set per thread that
 * encodes columns at once. */
typedef struct encode_scratch {
  page_writer pages;
  writer_buf rle;
} encode_scratch;

typedef struct column_writer {
  writer_leaf leaf; /* a copy of the writer's leaves[i] (which owns the path) */
  /* the page being filled */
  int64_t page_rows;
  int64_t page_nulls;
  writer_buf page_bits; /* validity of the page's rows (optional flat columns) */
  int64_t page_bit_count;
  writer_buf page_def, page_rep; /* nested leaves: the page's levels, uint32 each */
  writer_buf page_values; /* PLAIN values (bool: bits) */
  int64_t page_value_bits;
  uint32_t *indices; /* dictionary indices of the page's non-null values */
  int64_t index_count, index_capacity;
  /* the column chunk of the current row group */
  bool dictionary_on; /* still dictionary-encoding this chunk */
  /* The dictionary outgrew dictionary_page_bytes in an earlier row group:
   * later chunks start PLAIN rather than rebuild a dictionary that will most
   * likely overflow again (high-cardinality columns such as ids). */
  bool dictionary_gave_up;
  encode_dict dict;
  writer_buf pages; /* finished data pages, headers included */
  int64_t pages_uncompressed, pages_compressed;
  int64_t num_values;
  int dictionary_pages, plain_pages; /* data pages by encoding */
  encode_stats stats;
  writer_buf scratch; /* converted fixed-width values */
} column_writer;

/* A top-level field: its leaves are columns[first_leaf, first_leaf + num_leaves). */
typedef struct field_writer {
  writer_node root;
  int first_leaf, num_leaves;
  bool nested;
  int64_t slice_rows; /* rows per shredding slice (nested) */
} field_writer;

struct md_parquet_writer {
  char *path;
  char *temp_path;
  int fd;
  bool closed;
  bool failed; /* an earlier call failed: the file is unusable */
  md_schema *schema;
  md_parquet_write_options options;
  md_metadata *key_value; /* schema metadata merged with the options' */
  int num_fields;
  field_writer *fields;
  int num_columns; /* leaf columns */
  writer_leaf *leaves;
  column_writer *columns;
  shred_workspace shred;
  int64_t slice_entries; /* most level entries a leaf got from the last slice */
  encode_scratch serial;    /* the calling thread's */
  encode_scratch *workers;  /* threads - 1 more, made by the first parallel slice */
  int threads;              /* columns encoded at once */
  writer_buf dictionary_page;
  writer_buf row_groups; /* serialised RowGroup structs */
  int num_row_groups;
  int64_t group_rows;
  int64_t total_rows;
  int64_t offset; /* bytes written to the file */
  int64_t file_size;
};

void md_parquet_write_options_default(md_parquet_write_options *options) {
  memset(options, 0, sizeof *options);
  options->codec = MD_PARQUET_SNAPPY;
  options->compression_level = 0;
  options->row_group_rows = 1048576;
  options->page_bytes = 1 << 20;
  options->dictionary = true;
  options->dictionary_page_bytes = 1 << 20;
  options->key_value = NULL;
  options->threads = 0;
}

/* ---------------------------------------------------------------- file i/o */

static md_code write_all(md_parquet_writer *w, const void *data, size_t size, md_error *err) {
  const uint8_t *p = data;
  while (size) {
    ssize_t n = write(w->fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return md_error_set(err, MD_ERR_IO, "write: %s", strerror(errno));
    }
    p += n;
    size -= (size_t)n;
    w->offset += n;
  }
  return MD_OK;
}

/* ---------------------------------------------------------- column writers */

static void column_reset_page(column_writer *cw) {
  cw->page_rows = 0;
  cw->page_nulls = 0;
  cw->page_bits.size = 0;
  cw->page_bit_count = 0;
  cw->page_def.size = 0;
  cw->page_rep.size = 0;
  cw->page_values.size = 0;
  cw->page_value_bits = 0;
  cw->index_count = 0;
}

static void column_reset_chunk(column_writer *cw, const md_parquet_write_options *options) {
  column_reset_page(cw);
  cw->dictionary_on = options->dictionary && cw->leaf.dictionary_allowed && !cw->dictionary_gave_up;
  encode_dict_reset(&cw->dict);
  cw->pages.size = 0;
  cw->pages_uncompressed = 0;
  cw->pages_compressed = 0;
  cw->num_values = 0;
  cw->dictionary_pages = 0;
  cw->plain_pages = 0;
  encode_stats_reset(&cw->stats);
}

static bool is_nested_leaf(const column_writer *cw) { return cw->leaf.path_len > 1; }

static void column_free(column_writer *cw) {
  writer_buf_free(&cw->page_bits);
  writer_buf_free(&cw->page_def);
  writer_buf_free(&cw->page_rep);
  writer_buf_free(&cw->page_values);
  free(cw->indices);
  encode_dict_free(&cw->dict);
  writer_buf_free(&cw->pages);
  encode_stats_free(&cw->stats);
  writer_buf_free(&cw->scratch);
}

static int dictionary_bit_width(const column_writer *cw) {
  int width = encode_bit_width(cw->dict.count ? cw->dict.count - 1 : 0);
  return width ? width : 1;
}

/* Bytes the page would take uncompressed, for the page_bytes target. */
static int64_t page_estimate(const column_writer *cw) {
  int64_t levels = cw->leaf.optional ? cw->page_rows / 8 : 0;
  if (is_nested_leaf(cw))
    levels = cw->page_rows * (encode_bit_width((uint64_t)cw->leaf.max_def) + encode_bit_width((uint64_t)cw->leaf.max_rep)) / 8;
  if (cw->dictionary_on) return levels + cw->index_count * dictionary_bit_width(cw) / 8;
  return levels + (int64_t)cw->page_values.size;
}

static md_code flush_page(encode_scratch *scratch, column_writer *cw, md_error *err) {
  if (cw->page_rows == 0) return MD_OK;
  if (cw->page_bits.failed || cw->page_values.failed || cw->page_def.failed || cw->page_rep.failed)
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  page_levels levels = {NULL, NULL, 0, NULL, 0};
  if (is_nested_leaf(cw)) {
    levels.definition = (const uint32_t *)(const void *)cw->page_def.data;
    levels.definition_width = encode_bit_width((uint64_t)cw->leaf.max_def);
    levels.repetition = (const uint32_t *)(const void *)cw->page_rep.data;
    levels.repetition_width = encode_bit_width((uint64_t)cw->leaf.max_rep);
  } else if (cw->leaf.optional) {
    levels.definition_bits = cw->page_bits.data;
  }
  page_sizes sizes;
  md_code code;
  if (cw->dictionary_on && cw->index_count > 0) {
    int width = dictionary_bit_width(cw);
    writer_buf *rle = &scratch->rle;
    rle->size = 0;
    writer_buf_append_byte(rle, (uint8_t)width);
    encode_rle_hybrid(rle, cw->indices, cw->index_count, width);
    if (rle->failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory encoding dictionary indices");
    code = page_write_data(&scratch->pages, &cw->pages, cw->page_rows, &levels, WRITER_ENCODING_RLE_DICTIONARY,
                           rle->data, rle->size, &sizes, err);
    cw->dictionary_pages++;
  } else {
    /* PLAIN; also a dictionary-mode page that is all nulls (no indices). */
    code = page_write_data(&scratch->pages, &cw->pages, cw->page_rows, &levels, WRITER_ENCODING_PLAIN,
                           cw->page_values.data, cw->page_values.size, &sizes, err);
    cw->plain_pages++;
  }
  if (code != MD_OK) return code;
  cw->pages_uncompressed += sizes.uncompressed;
  cw->pages_compressed += sizes.compressed;
  column_reset_page(cw);
  return MD_OK;
}

static bool reserve_indices(column_writer *cw, int64_t additional) {
  if (cw->index_count + additional <= cw->index_capacity) return true;
  int64_t capacity = cw->index_capacity ? cw->index_capacity : 4096;
  while (capacity < cw->index_count + additional) capacity *= 2;
  uint32_t *indices = realloc(cw->indices, (size_t)capacity * sizeof *indices);
  if (!indices) return false;
  cw->indices = indices;
  cw->index_capacity = capacity;
  return true;
}

static md_code append_byte_arrays(column_writer *cw, const md_column *column, int64_t row, int64_t count,
                                  md_error *err) {
  const int32_t *offsets = md_column_offsets(column);
  const uint8_t *data = md_column_data(column);
  const uint8_t *validity = md_column_validity(column);
  if (cw->dictionary_on) {
    if (!reserve_indices(cw, count)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    for (int64_t k = row; k < row + count; k++) {
      if (validity && !md_bit_get(validity, k)) continue;
      uint32_t length = (uint32_t)(offsets[k + 1] - offsets[k]);
      if (!encode_dict_put_bytes(&cw->dict, data + offsets[k], length, &cw->indices[cw->index_count++]))
        return md_error_set(err, MD_ERR_NOMEM, "out of memory building the dictionary");
    }
    return MD_OK;
  }
  size_t bytes = (size_t)(offsets[row + count] - offsets[row]) + 4 * (size_t)count;
  if (!writer_buf_reserve(&cw->page_values, bytes)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  uint8_t *out = cw->page_values.data + cw->page_values.size;
  for (int64_t k = row; k < row + count; k++) {
    if (validity && !md_bit_get(validity, k)) continue;
    uint32_t length = (uint32_t)(offsets[k + 1] - offsets[k]);
    const uint8_t *value = data + offsets[k];
    out[0] = (uint8_t)length;
    out[1] = (uint8_t)(length >> 8);
    out[2] = (uint8_t)(length >> 16);
    out[3] = (uint8_t)(length >> 24);
    memcpy(out + 4, value, length);
    out += 4 + length;
    encode_stats_update_bytes(&cw->stats, value, length);
  }
  cw->page_values.size = (size_t)(out - cw->page_values.data);
  return MD_OK;
}

static md_code append_fixed(column_writer *cw, const md_column *column, int64_t row, int64_t count,
                            md_error *err) {
  size_t width = (size_t)cw->leaf.value_width;
  cw->scratch.size = 0;
  if (!writer_buf_reserve(&cw->scratch, width * (size_t)count))
    return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  const uint8_t *values;
  int64_t written;
  md_code code = encode_plain_fixed(&cw->leaf, column, row, count, cw->scratch.data, &values, &written, err);
  if (code != MD_OK) return code;
  if (written == 0) return MD_OK;
  if (cw->dictionary_on) {
    if (!reserve_indices(cw, written)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    if (!encode_dict_put_fixed(&cw->dict, values, written, cw->indices + cw->index_count))
      return md_error_set(err, MD_ERR_NOMEM, "out of memory building the dictionary");
    cw->index_count += written;
    return MD_OK;
  }
  writer_buf_append(&cw->page_values, values, width * (size_t)written);
  if (cw->page_values.failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  encode_stats_update_fixed(&cw->stats, values, written);
  return MD_OK;
}

/* Encodes the non-null values of rows [row, row + count) (to the page or the
 * dictionary), updating statistics. */
static md_code append_values(column_writer *cw, const md_column *column, int64_t row, int64_t count,
                             md_error *err) {
  md_code code = MD_OK;
  switch (cw->leaf.physical) {
    case WRITER_BOOLEAN: {
      int64_t before = cw->page_value_bits;
      encode_plain_bools(&cw->page_values, &cw->page_value_bits, column, row, count);
      if (cw->page_values.failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
      encode_stats_update_bools(&cw->stats, cw->page_values.data, before, cw->page_value_bits - before);
      break;
    }
    case WRITER_BYTE_ARRAY: code = append_byte_arrays(cw, column, row, count, err); break;
    default: code = append_fixed(cw, column, row, count, err); break;
  }
  return code;
}

/* Called between slices of rows (so at a record boundary). */
static md_code check_dictionary_size(const md_parquet_writer *w, column_writer *cw, encode_scratch *scratch,
                                     md_error *err) {
  if (cw->dictionary_on && (int64_t)encode_dict_bytes(&cw->dict) > w->options.dictionary_page_bytes) {
    /* Dictionary too big: pages so far stay dictionary-encoded, the rest of
     * the chunk is PLAIN (readers handle the mix, as parquet-cpp writes it). */
    md_code code = flush_page(scratch, cw, err);
    if (code != MD_OK) return code;
    cw->dictionary_on = false;
    cw->dictionary_gave_up = true;
  }
  return MD_OK;
}

static md_code append_rows(const md_parquet_writer *w, column_writer *cw, const md_column *column, int64_t row,
                           int64_t count, encode_scratch *scratch, md_error *err) {
  const uint8_t *validity = md_column_validity(column);
  if (cw->leaf.conversion == WRITER_CONV_NULL) validity = NULL;
  int64_t nulls = cw->leaf.conversion == WRITER_CONV_NULL ? count : encode_count_zeros(validity, row, count);
  if (!cw->leaf.optional && nulls > 0)
    return md_error_set(err, MD_ERR_SCHEMA, "null value in a non-nullable column");
  if (cw->leaf.optional) {
    if (cw->leaf.conversion == WRITER_CONV_NULL) {
      /* A null column's definition levels are all 0. */
      int64_t start = cw->page_bit_count;
      cw->page_bits.size = (size_t)((start + 7) / 8);
      size_t need = (size_t)((start + count + 7) / 8) - cw->page_bits.size;
      if (!writer_buf_reserve(&cw->page_bits, need)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
      memset(cw->page_bits.data + cw->page_bits.size, 0, need);
      cw->page_bits.size += need;
      cw->page_bit_count += count;
    } else {
      encode_append_bits(&cw->page_bits, &cw->page_bit_count, validity, row, count);
    }
  }
  cw->page_rows += count;
  cw->page_nulls += nulls;
  cw->num_values += count;
  cw->stats.null_count += nulls;
  md_code code = append_values(cw, column, row, count, err);
  if (code != MD_OK) return code;
  return check_dictionary_size(w, cw, scratch, err);
}

/* How many of the next `remaining` rows to encode before checking the page size. */
static int64_t mini_chunk_rows(const md_parquet_writer *w, const column_writer *cw, const md_column *column,
                               int64_t row, int64_t remaining) {
  int64_t n = remaining < MINI_CHUNK_ROWS ? remaining : MINI_CHUNK_ROWS;
  if (n > MAX_PAGE_ROWS - cw->page_rows) n = MAX_PAGE_ROWS - cw->page_rows;
  int64_t budget = w->options.page_bytes - page_estimate(cw);
  if (budget < 1) budget = 1;
  if (!cw->dictionary_on) {
    if (cw->leaf.physical == WRITER_BYTE_ARRAY) {
      const int32_t *offsets = md_column_offsets(column);
      int64_t k = 1;
      while (k < n && (int64_t)(offsets[row + k + 1] - offsets[row]) + 4 * (k + 1) <= budget) k++;
      n = k;
    } else if (cw->leaf.value_width > 0) {
      int64_t fit = budget / cw->leaf.value_width;
      if (fit < n) n = fit < 8 ? (remaining < 8 ? remaining : 8) : fit;
    }
  }
  /* Whole bytes of validity keep the bitmap copies aligned. */
  if (n < remaining && n >= 8) n &= ~(int64_t)7;
  return n;
}

static md_code append_column(const md_parquet_writer *w, column_writer *cw, const md_column *column, int64_t row,
                             int64_t count, encode_scratch *scratch, md_error *err) {
  int64_t done = 0;
  while (done < count) {
    int64_t n = mini_chunk_rows(w, cw, column, row + done, count - done);
    md_code code = append_rows(w, cw, column, row + done, n, scratch, err);
    if (code != MD_OK) return code;
    done += n;
    if (page_estimate(cw) >= w->options.page_bytes || cw->page_rows >= MAX_PAGE_ROWS) {
      code = flush_page(scratch, cw, err);
      if (code != MD_OK) return code;
    }
  }
  return MD_OK;
}

/* shred_leaf_fn: one slice of a nested leaf's levels and values into its page. */
static md_code append_leaf_levels(void *ctx, int leaf, const md_column *column, const shred_levels *levels,
                                  md_error *err) {
  md_parquet_writer *w = ctx;
  column_writer *cw = &w->columns[leaf];
  /* Only the levels the page will hold (a struct leaf has no repetition). */
  size_t bytes = (size_t)levels->count * sizeof(uint32_t);
  if (cw->leaf.max_def > 0) writer_buf_append(&cw->page_def, levels->def, bytes);
  if (cw->leaf.max_rep > 0) writer_buf_append(&cw->page_rep, levels->rep, bytes);
  if (cw->page_def.failed || cw->page_rep.failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int64_t nulls = levels->count - levels->values;
  if (levels->count > w->slice_entries) w->slice_entries = levels->count;
  cw->page_rows += levels->count;
  cw->page_nulls += nulls;
  cw->num_values += levels->count;
  /* As parquet-cpp counts: every level entry without a value (null or empty
   * at any level above the leaf) is a null of the leaf column. */
  cw->stats.null_count += nulls;
  /* Values sit at increasing positions of the leaf column: encode them in
   * contiguous runs. */
  const int64_t *pos = levels->pos;
  for (int64_t i = 0; i < levels->count;) {
    if (pos[i] < 0) {
      i++;
      continue;
    }
    int64_t start = pos[i], j = i + 1;
    while (j < levels->count && pos[j] == start + (j - i)) j++;
    md_code code = append_values(cw, column, start, j - i, err);
    if (code != MD_OK) return md_error_context(err, "column %s", cw->leaf.dotted);
    i = j;
  }
  return MD_OK;
}

static md_code append_nested(md_parquet_writer *w, field_writer *fw, const md_column *column, int64_t row,
                             int64_t count, md_error *err) {
  int64_t done = 0;
  while (done < count) {
    int64_t n = count - done < fw->slice_rows ? count - done : fw->slice_rows;
    w->slice_entries = 0;
    md_code code = shred_rows(&w->shred, &fw->root, column, row + done, n, append_leaf_levels, w, err);
    if (code != MD_OK) return code;
    done += n;
    for (int c = fw->first_leaf; c < fw->first_leaf + fw->num_leaves; c++) {
      column_writer *cw = &w->columns[c];
      code = check_dictionary_size(w, cw, &w->serial, err);
      if (code == MD_OK && (page_estimate(cw) >= w->options.page_bytes || cw->page_rows >= MAX_PAGE_ROWS))
        code = flush_page(&w->serial, cw, err);
      if (code != MD_OK) return md_error_context(err, "column %s", cw->leaf.dotted);
    }
    /* Aim the next slice at SLICE_ENTRIES level entries per leaf. */
    int64_t per_row = (w->slice_entries + n - 1) / n;
    fw->slice_rows = per_row > 0 ? SLICE_ENTRIES / per_row : SLICE_ENTRIES;
    if (fw->slice_rows < 1) fw->slice_rows = 1;
    if (fw->slice_rows > MINI_CHUNK_ROWS) fw->slice_rows = MINI_CHUNK_ROWS;
  }
  return MD_OK;
}

/* ------------------------------------------------------- row group output */

/* One PageEncodingStats element. */
static void write_encoding_stat(thrift_writer *t, int page_type, int encoding, int count) {
  thrift_write_struct_element_begin(t);
  thrift_write_i32_field(t, 1, page_type);
  thrift_write_i32_field(t, 2, encoding);
  thrift_write_i32_field(t, 3, count);
  thrift_write_struct_end(t);
}

static void write_column_meta(md_parquet_writer *w, thrift_writer *t, column_writer *cw, int64_t dictionary_offset,
                              int64_t data_offset, int64_t uncompressed, int64_t compressed) {
  thrift_write_struct_element_begin(t); /* ColumnChunk */
  thrift_write_i64_field(t, 2, 0);      /* file_offset: no metadata outside the footer */
  thrift_write_struct_begin(t, 3);      /* ColumnMetaData */
  thrift_write_i32_field(t, 1, (int32_t)cw->leaf.physical);
  bool has_dictionary = dictionary_offset >= 0;
  bool plain = cw->plain_pages > 0 || has_dictionary;
  bool levels = cw->leaf.max_def > 0 || cw->leaf.max_rep > 0;
  int num_encodings = (plain ? 1 : 0) + (levels ? 1 : 0) + (cw->dictionary_pages > 0 ? 1 : 0);
  thrift_write_list_begin(t, 2, THRIFT_TYPE_I32, num_encodings);
  if (plain) thrift_write_i32_element(t, WRITER_ENCODING_PLAIN);
  if (levels) thrift_write_i32_element(t, WRITER_ENCODING_RLE);
  if (cw->dictionary_pages > 0) thrift_write_i32_element(t, WRITER_ENCODING_RLE_DICTIONARY);
  thrift_write_list_begin(t, 3, THRIFT_TYPE_BINARY, cw->leaf.path_len);
  for (int i = 0; i < cw->leaf.path_len; i++) thrift_write_string_element(t, cw->leaf.path[i]);
  thrift_write_i32_field(t, 4, (int32_t)w->options.codec);
  thrift_write_i64_field(t, 5, cw->num_values);
  thrift_write_i64_field(t, 6, uncompressed);
  thrift_write_i64_field(t, 7, compressed);
  thrift_write_i64_field(t, 9, data_offset);
  if (has_dictionary) thrift_write_i64_field(t, 11, dictionary_offset);
  if (!encode_stats_write(&cw->stats, t, 12)) t->failed = true;
  /* encoding_stats: lets readers see that every data page is dictionary-encoded. */
  int kinds = (has_dictionary ? 1 : 0) + (cw->dictionary_pages > 0 ? 1 : 0) + (cw->plain_pages > 0 ? 1 : 0);
  thrift_write_list_begin(t, 13, THRIFT_TYPE_STRUCT, kinds);
  if (has_dictionary) write_encoding_stat(t, WRITER_PAGE_DICTIONARY, WRITER_ENCODING_PLAIN, 1);
  if (cw->dictionary_pages > 0)
    write_encoding_stat(t, WRITER_PAGE_DATA, WRITER_ENCODING_RLE_DICTIONARY, cw->dictionary_pages);
  if (cw->plain_pages > 0) write_encoding_stat(t, WRITER_PAGE_DATA, WRITER_ENCODING_PLAIN, cw->plain_pages);
  thrift_write_struct_end(t); /* ColumnMetaData */
  thrift_write_struct_end(t); /* ColumnChunk */
}

/* Statistics of dictionary-encoded values come from the dictionary: each
 * distinct value once instead of every occurrence. */
static void add_dictionary_stats(column_writer *cw) {
  if (cw->dictionary_pages == 0) return;
  if (cw->leaf.physical != WRITER_BYTE_ARRAY) {
    encode_stats_update_fixed(&cw->stats, cw->dict.values.data, cw->dict.count);
    return;
  }
  const uint8_t *p = cw->dict.values.data;
  for (uint32_t i = 0; i < cw->dict.count; i++) {
    uint32_t length;
    memcpy(&length, p, 4);
    encode_stats_update_bytes(&cw->stats, p + 4, length);
    p += 4 + length;
  }
}

static md_code flush_column_chunk(md_parquet_writer *w, column_writer *cw, thrift_writer *t, int64_t *uncompressed,
                                  int64_t *compressed, md_error *err) {
  md_code code = flush_page(&w->serial, cw, err);
  if (code != MD_OK) return code;
  int64_t dictionary_offset = -1;
  int64_t chunk_uncompressed = cw->pages_uncompressed, chunk_compressed = cw->pages_compressed;
  if (cw->dictionary_pages > 0) {
    page_sizes sizes;
    w->dictionary_page.size = 0;
    code = page_write_dictionary(&w->serial.pages, &w->dictionary_page, cw->dict.count, cw->dict.values.data,
                                 cw->dict.values.size, &sizes, err);
    if (code != MD_OK) return code;
    dictionary_offset = w->offset;
    code = write_all(w, w->dictionary_page.data, w->dictionary_page.size, err);
    if (code != MD_OK) return code;
    chunk_uncompressed += sizes.uncompressed;
    chunk_compressed += sizes.compressed;
  }
  int64_t data_offset = w->offset;
  code = write_all(w, cw->pages.data, cw->pages.size, err);
  if (code != MD_OK) return code;
  add_dictionary_stats(cw);
  write_column_meta(w, t, cw, dictionary_offset, data_offset, chunk_uncompressed, chunk_compressed);
  *uncompressed += chunk_uncompressed;
  *compressed += chunk_compressed;
  column_reset_chunk(cw, &w->options);
  return MD_OK;
}

static md_code flush_row_group(md_parquet_writer *w, md_error *err) {
  thrift_writer t;
  thrift_writer_init(&t, &w->row_groups);
  thrift_write_struct_element_begin(&t); /* RowGroup */
  thrift_write_list_begin(&t, 1, THRIFT_TYPE_STRUCT, w->num_columns);
  int64_t group_offset = w->offset, uncompressed = 0, compressed = 0;
  for (int c = 0; c < w->num_columns; c++) {
    md_code code = flush_column_chunk(w, &w->columns[c], &t, &uncompressed, &compressed, err);
    if (code != MD_OK) return md_error_context(err, "row group %d: column %s", w->num_row_groups,
                                               w->columns[c].leaf.dotted);
  }
  thrift_write_i64_field(&t, 2, uncompressed);
  thrift_write_i64_field(&t, 3, w->group_rows);
  thrift_write_i64_field(&t, 5, group_offset);
  thrift_write_i64_field(&t, 6, compressed);
  if (w->num_row_groups <= INT16_MAX) thrift_write_i16_field(&t, 7, (int16_t)w->num_row_groups);
  thrift_write_struct_end(&t);
  if (!thrift_writer_ok(&t)) return md_error_set(err, MD_ERR_NOMEM, "out of memory writing row group metadata");
  w->num_row_groups++;
  w->total_rows += w->group_rows;
  w->group_rows = 0;
  return MD_OK;
}

/* ------------------------------------------------------------------ footer */

static md_code write_footer(md_parquet_writer *w, md_error *err) {
  writer_buf meta;
  writer_buf_init(&meta);
  thrift_writer t;
  thrift_writer_init(&t, &meta);
  /* Version 1: parquet.thrift asks writers for 1 for the widest compatibility. */
  thrift_write_i32_field(&t, 1, 1);
  int elements = 1;
  for (int f = 0; f < w->num_fields; f++) elements += writer_schema_count_elements(&w->fields[f].root);
  thrift_write_list_begin(&t, 2, THRIFT_TYPE_STRUCT, elements);
  thrift_write_struct_element_begin(&t);
  thrift_write_string_field(&t, 4, "schema");
  thrift_write_i32_field(&t, 5, w->num_fields);
  thrift_write_struct_end(&t);
  for (int f = 0; f < w->num_fields; f++) writer_schema_elements(&t, &w->fields[f].root, w->leaves);
  thrift_write_i64_field(&t, 3, w->total_rows);
  thrift_write_list_begin(&t, 4, THRIFT_TYPE_STRUCT, w->num_row_groups);
  writer_buf_append(&meta, w->row_groups.data, w->row_groups.size);
  int pairs = md_metadata_count(w->key_value);
  if (pairs > 0) {
    thrift_write_list_begin(&t, 5, THRIFT_TYPE_STRUCT, pairs);
    for (int i = 0; i < pairs; i++) {
      thrift_write_struct_element_begin(&t);
      thrift_write_string_field(&t, 1, md_metadata_key(w->key_value, i));
      thrift_write_string_field(&t, 2, md_metadata_value(w->key_value, i));
      thrift_write_struct_end(&t);
    }
  }
  char created_by[128];
  snprintf(created_by, sizeof created_by, "medallion version %s (build medallion)", md_version());
  thrift_write_string_field(&t, 6, created_by);
  /* TypeDefinedOrder for every column: min/max follow each logical type's order. */
  thrift_write_list_begin(&t, 7, THRIFT_TYPE_STRUCT, w->num_columns);
  for (int c = 0; c < w->num_columns; c++) {
    thrift_write_struct_element_begin(&t);
    thrift_write_empty_struct_field(&t, 1);
    thrift_write_struct_end(&t);
  }
  thrift_write_stop(&t);
  md_code code = MD_OK;
  if (!thrift_writer_ok(&t) || meta.size > UINT32_MAX) {
    code = md_error_set(err, MD_ERR_NOMEM, "out of memory writing the footer");
  } else {
    uint32_t length = (uint32_t)meta.size;
    writer_buf_append_u32le(&meta, length);
    writer_buf_append(&meta, "PAR1", 4);
    if (meta.failed) code = md_error_set(err, MD_ERR_NOMEM, "out of memory writing the footer");
    else code = write_all(w, meta.data, meta.size, err);
  }
  writer_buf_free(&meta);
  return code;
}

/* ---------------------------------------------------------------- public API */

static md_code validate_options(const md_parquet_write_options *o, md_error *err) {
  switch (o->codec) {
    case MD_PARQUET_UNCOMPRESSED:
    case MD_PARQUET_SNAPPY:
    case MD_PARQUET_GZIP:
    case MD_PARQUET_BROTLI:
    case MD_PARQUET_ZSTD:
    case MD_PARQUET_LZ4_RAW: break;
    default: {
      const char *name = md_parquet_codec_name(o->codec);
      return md_error_set(err, MD_ERR_UNSUPPORTED, "codec %s cannot be written", name ? name : "(unknown)");
    }
  }
  if (o->row_group_rows <= 0) return md_error_set(err, MD_ERR_INVALID, "row_group_rows must be positive");
  if (o->page_bytes <= 0 || o->page_bytes > (1 << 30))
    return md_error_set(err, MD_ERR_INVALID, "page_bytes must be in 1..1 GiB");
  if (o->dictionary_page_bytes < 0 || o->dictionary_page_bytes > (1 << 30))
    return md_error_set(err, MD_ERR_INVALID, "dictionary_page_bytes must be in 0..1 GiB");
  return MD_OK;
}

/* "ARROW:schema" is the Arrow schema of whichever writer made a file we read; we
 * write none, and a copied one contradicts our types (float16 read back as float32,
 * extension types), which Polars and pyarrow then trust over the Parquet schema. */
static bool is_stale_key(const char *key) { return strcmp(key, "ARROW:schema") == 0; }

/* The schema's metadata, then the options' (which win on equal keys). */
static md_code merge_key_value(md_parquet_writer *w, const md_metadata *extra, md_error *err) {
  w->key_value = md_metadata_new();
  if (!w->key_value) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  const md_metadata *own = md_schema_metadata_const(w->schema);
  for (int i = 0; own && i < md_metadata_count(own); i++) {
    const char *key = md_metadata_key(own, i);
    if ((extra && md_metadata_get(extra, key)) || is_stale_key(key)) continue;
    md_code code = md_metadata_set(w->key_value, key, md_metadata_value(own, i), err);
    if (code != MD_OK) return code;
  }
  for (int i = 0; extra && i < md_metadata_count(extra); i++) {
    if (is_stale_key(md_metadata_key(extra, i))) continue;
    md_code code = md_metadata_set(w->key_value, md_metadata_key(extra, i), md_metadata_value(extra, i), err);
    if (code != MD_OK) return code;
  }
  return MD_OK;
}

static md_code create_temp_file(md_parquet_writer *w, md_error *err) {
  const char *slash = strrchr(w->path, '/');
  size_t dir_len = slash ? (size_t)(slash - w->path) : 0;
  const char *base = slash ? slash + 1 : w->path;
  if (!*base) return md_error_set(err, MD_ERR_INVALID, "path names a directory");
  size_t size = dir_len + strlen(base) + 32;
  w->temp_path = malloc(size);
  if (!w->temp_path) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (slash) snprintf(w->temp_path, size, "%.*s/.%s.tmp-XXXXXX", (int)dir_len, w->path, base);
  else snprintf(w->temp_path, size, ".%s.tmp-XXXXXX", base);
  w->fd = mkstemp(w->temp_path);
  if (w->fd < 0) {
    md_code code = md_error_set(err, MD_ERR_IO, "cannot create a temporary file beside it: %s", strerror(errno));
    free(w->temp_path);
    w->temp_path = NULL;
    return code;
  }
  /* mkstemp creates 0600; a published table file should be readable like any other. */
  (void)fchmod(w->fd, 0644);
  return MD_OK;
}

static md_code writer_setup(md_parquet_writer *w, const md_schema *schema, const md_parquet_write_options *options,
                            md_error *err) {
  w->options = *options;
  w->schema = md_schema_copy(schema);
  if (!w->schema) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  int num_fields = md_schema_num_fields(w->schema), num_leaves = 0;
  for (int f = 0; f < num_fields; f++) num_leaves += writer_count_leaves(md_schema_field(w->schema, f));
  w->fields = calloc(num_fields > 0 ? (size_t)num_fields : 1, sizeof *w->fields);
  w->leaves = calloc(num_leaves > 0 ? (size_t)num_leaves : 1, sizeof *w->leaves);
  w->columns = calloc(num_leaves > 0 ? (size_t)num_leaves : 1, sizeof *w->columns);
  if (!w->fields || !w->leaves || !w->columns) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  w->num_fields = num_fields;
  w->num_columns = num_leaves;
  int next_leaf = 0;
  for (int f = 0; f < num_fields; f++) {
    field_writer *fw = &w->fields[f];
    const md_field *field = md_schema_field(w->schema, f);
    fw->first_leaf = next_leaf;
    md_code code = writer_node_build(field, w->leaves, &next_leaf, &fw->root, err);
    if (code != MD_OK) return code;
    fw->num_leaves = next_leaf - fw->first_leaf;
    fw->nested = md_type_is_nested(md_field_type(field));
    fw->slice_rows = MINI_CHUNK_ROWS;
  }
  for (int c = 0; c < w->num_columns; c++) {
    column_writer *cw = &w->columns[c];
    writer_buf_init(&cw->page_bits);
    writer_buf_init(&cw->page_def);
    writer_buf_init(&cw->page_rep);
    writer_buf_init(&cw->page_values);
    writer_buf_init(&cw->pages);
    writer_buf_init(&cw->scratch);
    cw->leaf = w->leaves[c];
    int dictionary_width = cw->leaf.physical == WRITER_BYTE_ARRAY ? 0 : cw->leaf.value_width;
    encode_dict_init(&cw->dict, dictionary_width);
    encode_stats_init(&cw->stats, cw->leaf.order, cw->leaf.value_width);
    column_reset_chunk(cw, &w->options);
  }
  return merge_key_value(w, options->key_value, err);
}

md_code md_parquet_writer_open(const char *path, const md_schema *schema, const md_parquet_write_options *options,
                               md_parquet_writer **out, md_error *err) {
  if (!path || !schema || !out) return md_error_set(err, MD_ERR_INVALID, "md_parquet_writer_open: NULL argument");
  md_parquet_write_options defaults;
  if (!options) {
    md_parquet_write_options_default(&defaults);
    options = &defaults;
  }
  md_code code = validate_options(options, err);
  if (code != MD_OK) return md_error_context(err, "%s", path);
  md_parquet_writer *w = calloc(1, sizeof *w);
  if (!w) return md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", path);
  w->fd = -1;
  page_writer_init(&w->serial.pages, options->codec, options->compression_level);
  writer_buf_init(&w->serial.rle);
  writer_buf_init(&w->dictionary_page);
  w->threads = options->threads > 0 ? options->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (w->threads < 1) w->threads = 1;
  if (w->threads > MAX_WRITER_THREADS) w->threads = MAX_WRITER_THREADS;
  shred_workspace_init(&w->shred);
  writer_buf_init(&w->row_groups);
  w->path = strdup(path);
  if (!w->path) code = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (code == MD_OK) code = writer_setup(w, schema, options, err);
  if (code == MD_OK) code = create_temp_file(w, err);
  if (code == MD_OK) code = write_all(w, "PAR1", 4, err);
  if (code != MD_OK) {
    md_error_context(err, "%s", path);
    md_parquet_writer_free(w);
    return code;
  }
  *out = w;
  return MD_OK;
}

/* ------------------------------------------------- encoding a slice of rows */

/* The flat columns of one slice, encoded by several threads: each takes the
 * next column not yet taken, so a long string column does not hold up the
 * others. Every column has its own encoder state; only the page scratch is
 * per thread. */
typedef struct slice_job {
  md_parquet_writer *w;
  const md_batch *batch;
  int64_t at, take;
  const int *fields; /* flat fields of the slice */
  int count;
  atomic_int next;
  md_code *codes; /* per entry of fields */
  md_error *errors;
} slice_job;

typedef struct slice_worker {
  slice_job *job;
  encode_scratch *scratch;
} slice_worker;

static void *encode_columns(void *arg) {
  slice_worker *me = arg;
  slice_job *job = me->job;
  for (int i = atomic_fetch_add(&job->next, 1); i < job->count; i = atomic_fetch_add(&job->next, 1)) {
    const field_writer *fw = &job->w->fields[job->fields[i]];
    job->codes[i] = append_column(job->w, &job->w->columns[fw->first_leaf], md_batch_column(job->batch, job->fields[i]),
                                  job->at, job->take, me->scratch, &job->errors[i]);
  }
  return NULL;
}

static md_code make_workers(md_parquet_writer *w, md_error *err) {
  if (w->workers) return MD_OK;
  w->workers = calloc((size_t)w->threads - 1, sizeof *w->workers);
  if (!w->workers) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  for (int t = 0; t < w->threads - 1; t++) {
    page_writer_init(&w->workers[t].pages, w->options.codec, w->options.compression_level);
    writer_buf_init(&w->workers[t].rle);
  }
  return MD_OK;
}

/* Nested fields (which share the shredding workspace) on this thread, then
 * the flat ones on up to w->threads threads; *failed gets the first field
 * (in schema order) that failed. */
static md_code encode_slice_parallel(md_parquet_writer *w, const md_batch *batch, int64_t at, int64_t take,
                                     int *failed, md_error *err) {
  for (int f = 0; f < w->num_fields; f++) {
    if (!w->fields[f].nested) continue;
    md_code code = append_nested(w, &w->fields[f], md_batch_column(batch, f), at, take, err);
    if (code != MD_OK) {
      *failed = f;
      return code;
    }
  }
  slice_job job = {.w = w, .batch = batch, .at = at, .take = take};
  int *fields = calloc((size_t)w->num_fields, sizeof *fields);
  job.codes = calloc((size_t)w->num_fields, sizeof *job.codes);
  job.errors = calloc((size_t)w->num_fields, sizeof *job.errors);
  md_code code = fields && job.codes && job.errors ? make_workers(w, err)
                                                   : md_error_set(err, MD_ERR_NOMEM, "out of memory");
  if (code == MD_OK) {
    for (int f = 0; f < w->num_fields; f++)
      if (!w->fields[f].nested) fields[job.count++] = f;
    job.fields = fields;
    atomic_init(&job.next, 0);
    int threads = w->threads < job.count ? w->threads : job.count;
    slice_worker workers[MAX_WRITER_THREADS];
    pthread_t extra[MAX_WRITER_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++) {
      workers[t] = (slice_worker){&job, &w->workers[t - 1]};
      if (pthread_create(&extra[started], NULL, encode_columns, &workers[t]) != 0) break; /* fewer threads */
      started++;
    }
    workers[0] = (slice_worker){&job, &w->serial};
    encode_columns(&workers[0]);
    for (int t = 0; t < started; t++) pthread_join(extra[t], NULL);
    for (int i = 0; i < job.count && code == MD_OK; i++) {
      if (job.codes[i] == MD_OK) continue;
      code = job.codes[i];
      *failed = fields[i];
      if (err) *err = job.errors[i];
    }
  }
  free(fields);
  free(job.codes);
  free(job.errors);
  return code;
}

/* Rows [at, at + take) of every column into the current row group. */
static md_code encode_slice(md_parquet_writer *w, const md_batch *batch, int64_t at, int64_t take, md_error *err) {
  int failed = -1;
  md_code code = MD_OK;
  if (w->threads > 1 && take >= PARALLEL_MIN_ROWS && w->num_fields > 1) {
    code = encode_slice_parallel(w, batch, at, take, &failed, err);
  } else {
    for (int f = 0; f < w->num_fields && code == MD_OK; f++) {
      field_writer *fw = &w->fields[f];
      const md_column *column = md_batch_column(batch, f);
      code = fw->nested ? append_nested(w, fw, column, at, take, err)
                         : append_column(w, &w->columns[fw->first_leaf], column, at, take, &w->serial, err);
      if (code != MD_OK) failed = f;
    }
  }
  if (code != MD_OK)
    md_error_context(err, "%s: row group %d: column %s", w->path, w->num_row_groups,
                     failed >= 0 ? w->fields[failed].root.name : "?");
  return code;
}

md_code md_parquet_writer_write(md_parquet_writer *w, const md_batch *batch, md_error *err) {
  if (!w || !batch) return md_error_set(err, MD_ERR_INVALID, "md_parquet_writer_write: NULL argument");
  if (w->closed) return md_error_set(err, MD_ERR_INVALID, "%s: writer already closed", w->path);
  if (w->failed) return md_error_set(err, MD_ERR_INVALID, "%s: writer failed earlier", w->path);
  if (!md_schema_equal(md_batch_schema(batch), w->schema))
    return md_error_set(err, MD_ERR_SCHEMA, "%s: batch schema differs from the writer's", w->path);
  int64_t rows = md_batch_num_rows(batch);
  int64_t at = 0;
  while (at < rows) {
    int64_t take = w->options.row_group_rows - w->group_rows;
    if (take > rows - at) take = rows - at;
    md_code code = encode_slice(w, batch, at, take, err);
    if (code != MD_OK) {
      w->failed = true;
      return code;
    }
    w->group_rows += take;
    at += take;
    if (w->group_rows >= w->options.row_group_rows) {
      code = flush_row_group(w, err);
      if (code != MD_OK) {
        w->failed = true;
        return md_error_context(err, "%s", w->path);
      }
    }
  }
  return MD_OK;
}

static md_code publish(md_parquet_writer *w, md_error *err) {
  if (fsync(w->fd) != 0) return md_error_set(err, MD_ERR_IO, "fsync: %s", strerror(errno));
  int fd = w->fd;
  w->fd = -1;
  if (close(fd) != 0) return md_error_set(err, MD_ERR_IO, "close: %s", strerror(errno));
  if (rename(w->temp_path, w->path) != 0) return md_error_set(err, MD_ERR_IO, "rename: %s", strerror(errno));
  free(w->temp_path);
  w->temp_path = NULL;
  /* Make the rename itself durable; not every file system can fsync a directory. */
  const char *slash = strrchr(w->path, '/');
  char *dir = slash ? strndup(w->path, (size_t)(slash - w->path) + 1) : strdup(".");
  if (dir) {
    int dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
      (void)fsync(dir_fd);
      close(dir_fd);
    }
    free(dir);
  }
  return MD_OK;
}

md_code md_parquet_writer_close(md_parquet_writer *w, md_error *err) {
  if (!w) return md_error_set(err, MD_ERR_INVALID, "md_parquet_writer_close: NULL writer");
  if (w->closed) return md_error_set(err, MD_ERR_INVALID, "%s: writer already closed", w->path);
  if (w->failed) return md_error_set(err, MD_ERR_INVALID, "%s: writer failed earlier", w->path);
  md_code code = MD_OK;
  if (w->group_rows > 0) code = flush_row_group(w, err);
  if (code == MD_OK) code = write_footer(w, err);
  if (code == MD_OK) code = publish(w, err);
  if (code != MD_OK) {
    w->failed = true;
    return md_error_context(err, "%s", w->path);
  }
  w->closed = true;
  w->file_size = w->offset;
  return MD_OK;
}

int64_t md_parquet_writer_file_size(const md_parquet_writer *w) { return w && w->closed ? w->file_size : 0; }

void md_parquet_writer_free(md_parquet_writer *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  if (w->temp_path) unlink(w->temp_path);
  free(w->temp_path);
  free(w->path);
  for (int c = 0; w->columns && c < w->num_columns; c++) column_free(&w->columns[c]);
  free(w->columns);
  for (int c = 0; w->leaves && c < w->num_columns; c++) writer_leaf_free(&w->leaves[c]);
  free(w->leaves);
  for (int f = 0; w->fields && f < w->num_fields; f++) writer_node_free(&w->fields[f].root);
  free(w->fields);
  shred_workspace_free(&w->shred);
  md_schema_free(w->schema);
  md_metadata_free(w->key_value);
  page_writer_free(&w->serial.pages);
  writer_buf_free(&w->serial.rle);
  for (int t = 0; w->workers && t < w->threads - 1; t++) {
    page_writer_free(&w->workers[t].pages);
    writer_buf_free(&w->workers[t].rle);
  }
  free(w->workers);
  writer_buf_free(&w->dictionary_page);
  writer_buf_free(&w->row_groups);
  free(w);
}
