/* protocol.c — decide whether we can read a table's protocol.
 *
 * Reader version 1 needs nothing; version 2 means column mapping; version 3
 * lists reader features by name. We read timestampNtz and vacuumProtocolCheck
 * (the latter only constrains vacuum), and accept columnMapping when its mode
 * is "none" and deletionVectors when no live file has one (checked per
 * snapshot); every other feature is refused by name so that we never return
 * rows that differ from what the writer meant. */
#include <string.h>

#include "delta/log.h"

static bool column_mapping_active(const delta_metadata *metadata) {
  const char *mode = NULL;
  if (!delta_string_map_find(&metadata->configuration, "delta.columnMapping.mode", &mode) || !mode) return false;
  return strcmp(mode, "none") != 0;
}

md_code delta_protocol_check_readable(const delta_protocol *protocol, const delta_metadata *metadata,
                                      md_error *err) {
  int32_t reader = protocol->min_reader_version;
  if (reader > 3)
    return md_error_set(err, MD_ERR_UNSUPPORTED, "reader version %d is not supported (at most 3)", (int)reader);
  if (reader == 2 && column_mapping_active(metadata))
    return md_error_set(err, MD_ERR_UNSUPPORTED, "reader feature columnMapping is not supported");
  if (reader < 3) return MD_OK;
  for (size_t i = 0; i < protocol->num_reader_features; i++) {
    const char *feature = protocol->reader_features[i];
    if (strcmp(feature, "timestampNtz") == 0 || strcmp(feature, "vacuumProtocolCheck") == 0 ||
        strcmp(feature, "deletionVectors") == 0)
      continue;
    if (strcmp(feature, "columnMapping") == 0 && !column_mapping_active(metadata)) continue;
    return md_error_set(err, MD_ERR_UNSUPPORTED, "reader feature %s is not supported", feature);
  }
  return MD_OK;
}
