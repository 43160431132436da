/* checkpoint.c — read a Delta checkpoint (classic single-file or multi-part
 * Parquet) as one commit's worth of actions.
 *
 * Checkpoints are Parquet files whose columns are nested structs and maps
 * (add.partitionValues is a map<string,string>), so they need the Parquet
 * reader's nested column support. Until that lands we refuse, naming the file;
 * log replay avoids checkpoints whenever every JSON commit is still present. */
#include <stdio.h>

#include "delta/log.h"

md_code delta_checkpoint_read(const char *table_path, const delta_checkpoint *checkpoint, delta_commit *out,
                              md_error *err) {
  (void)out;
  (void)table_path;
  return md_error_set(err, MD_ERR_UNSUPPORTED, "_delta_log/%s: not yet supported: reading checkpoints",
                      checkpoint->num_files ? checkpoint->files[0] : "checkpoint");
}
