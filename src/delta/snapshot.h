/* snapshot.h — the structs behind delta.h's table and snapshot handles,
 * shared by the files that implement the public API (snapshot, history, scan,
 * canonical rendering). */
#ifndef MEDALLION_DELTA_SNAPSHOT_H
#define MEDALLION_DELTA_SNAPSHOT_H

#include "delta/log.h"
#include "medallion/delta.h"

struct md_delta_table {
  char *path;
  delta_log_listing listing;
};

struct md_delta_snapshot {
  char *table_path;
  delta_log_state state;
  md_schema *schema;
  md_metadata *configuration;
};

#endif /* MEDALLION_DELTA_SNAPSHOT_H */
