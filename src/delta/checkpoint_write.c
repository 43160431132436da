/* checkpoint_write.c — md_delta_checkpoint: writing checkpoints.
 *
 * A checkpoint is a Parquet file whose columns are the actions as nested
 * structs and maps (add.partitionValues, metaData.format.options, ...), so it
 * needs the nested Parquet writer, which is not in the tree yet. Until then
 * this says so; readers replay the JSON commits, which is always correct. */
#include "delta/write.h"

md_code md_delta_checkpoint(const char *path, int64_t version, md_error *err) {
  return md_error_set(err, MD_ERR_UNSUPPORTED,
                      "%s: version %lld: writing checkpoints is not yet supported (needs the nested Parquet writer)",
                      path ? path : "", (long long)version);
}
