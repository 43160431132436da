/* delta_open.c — see delta_open.h. */
#include "cli/delta_open.h"

#include <stddef.h>

md_code cli_open_snapshot(const char *path, const cli_snapshot_choice *choice, md_delta_table **table,
                          md_delta_snapshot **snapshot, md_error *err) {
  *table = NULL;
  *snapshot = NULL;
  md_code rc = md_delta_table_open(path, table, err);
  if (rc == MD_OK && choice && choice->by_timestamp)
    rc = md_delta_snapshot_at_timestamp(*table, choice->timestamp_ms, snapshot, err);
  else if (rc == MD_OK)
    rc = md_delta_snapshot_at_version(*table, choice ? choice->version : -1, snapshot, err);
  if (rc != MD_OK) {
    md_delta_snapshot_free(*snapshot);
    md_delta_table_free(*table);
    *snapshot = NULL;
    *table = NULL;
  }
  return rc;
}
