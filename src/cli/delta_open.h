/* delta_open.h — opening a Delta table (and a snapshot of it) for the Delta
 * commands, with the error reported the way every command reports it. */
#ifndef MEDALLION_CLI_DELTA_OPEN_H
#define MEDALLION_CLI_DELTA_OPEN_H

#include "medallion/delta.h"

/* Which snapshot: the latest (version -1, no timestamp), a version, or the
 * newest committed at or before timestamp_ms (when by_timestamp). */
typedef struct cli_snapshot_choice {
  int64_t version;
  bool by_timestamp;
  int64_t timestamp_ms;
} cli_snapshot_choice;

/* Opens the table at path and the chosen snapshot. On failure both outputs
 * are NULL and err names the table. The caller frees both. */
md_code cli_open_snapshot(const char *path, const cli_snapshot_choice *choice, md_delta_table **table,
                          md_delta_snapshot **snapshot, md_error *err);

#endif
