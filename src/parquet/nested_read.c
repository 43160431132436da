/* nested_read.c — building a top-level field's core column from its leaves'
 * column chunks. Flat fields are one chunk; nested fields (LIST, STRUCT, MAP)
 * are assembled from their leaves' repetition and definition levels. */
#include <stdlib.h>
#include <string.h>

#include "parquet/reader_internal.h"

md_code parquet_read_field(md_parquet_reader *r, int row_group, int field, md_column **out, md_error *err) {
  const pq_colnode *node = &r->map.top[field];
  const pq_row_group *rg = &r->meta.row_groups[row_group];
  if (node->leaf < 0 || r->map.leaves[node->leaf].max_rep > 0)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "unsupported nested column %s",
                        md_field_name(md_schema_field(r->map.schema, field)));
  const pq_leaf *leaf = &r->map.leaves[node->leaf];
  pq_chunk_data data;
  md_code rc = pq_read_chunk(&r->view, leaf, &rg->columns[node->leaf].meta, false, &data, err);
  if (rc) return md_error_context(err, "column %s", leaf->path);
  if (md_column_length(data.values) != rg->num_rows) {
    rc = md_error_set(err, MD_ERR_CORRUPT, "column %s has %lld values, the row group %lld rows", leaf->path,
                      (long long)md_column_length(data.values), (long long)rg->num_rows);
    pq_chunk_data_free(&data);
    return rc;
  }
  *out = data.values;
  data.values = NULL;
  pq_chunk_data_free(&data);
  return MD_OK;
}
