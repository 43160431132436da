/* fuzz_parquet_reader.c — libFuzzer target for the Parquet reader.
 *
 * Opens the input as an in-memory Parquet file, reads every row group (all
 * columns) and every column chunk's metadata and statistics. Any crash, hang,
 * sanitizer report or oversized allocation is a bug: the reader must answer
 * malformed bytes with an error value. */
#include <stddef.h>
#include <stdint.h>

#include "medallion/parquet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  md_error err;
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open_memory(data, size, "fuzz.parquet", &reader, &err) != MD_OK) return 0;
  const md_schema *schema = md_parquet_reader_schema(reader);
  (void)md_schema_num_fields(schema);
  (void)md_parquet_reader_created_by(reader);
  int leaves = md_parquet_reader_num_leaves(reader);
  for (int l = 0; l < leaves; l++) {
    md_parquet_leaf_info leaf;
    md_parquet_reader_leaf(reader, l, &leaf, &err);
  }
  for (int g = 0; g < md_parquet_reader_num_row_groups(reader); g++) {
    for (int l = 0; l < leaves; l++) {
      md_parquet_chunk_info info;
      md_parquet_reader_chunk(reader, g, l, &info, &err);
    }
    md_batch *batch = NULL;
    if (md_parquet_reader_read_row_group(reader, g, NULL, -1, &batch, &err) == MD_OK) {
      /* Touch the results so that wrong lengths or offsets surface under ASan. */
      for (int c = 0; c < md_batch_num_columns(batch); c++)
        md_column_validate(md_batch_column(batch, c), true, &err);
      md_batch_free(batch);
    }
  }
  md_parquet_reader_free(reader);
  return 0;
}
