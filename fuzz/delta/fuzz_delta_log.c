/* fuzz_delta_log.c — libFuzzer target for the Delta log: commit parsing,
 * checkpoint parsing and log replay, over an in-memory log.
 *
 * The input is a log: segments separated by NUL bytes, one commit each
 * (newline-delimited JSON actions), except that a first segment starting
 * with "PAR1" is a checkpoint (Parquet) that the commits apply on top of.
 * Whatever parses is replayed, and the snapshot's pieces a reader goes on to
 * use are exercised too: protocol check, schemaString, typed partition
 * values, stats. Nothing may crash, leak, over-read or over-allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"
#include "delta/write.h"

enum { MAX_COMMITS = 32 };

static void use_state(const delta_log_state *state) {
  md_error err;
  (void)delta_protocol_check_readable(&state->protocol, &state->metadata, &err);
  md_schema *schema = NULL;
  if (!state->metadata.schema_string || delta_schema_parse(state->metadata.schema_string, &schema, &err) != MD_OK)
    return;
  for (size_t i = 0; i < state->num_files && i < 64; i++) {
    const delta_file_action *f = &state->files[i];
    for (size_t k = 0; k < f->partition_values.count; k++) {
      int index = md_schema_find(schema, f->partition_values.pairs[k].key);
      if (index < 0) continue;
      const md_field *field = md_schema_field(schema, index);
      char *canonical = NULL;
      if (delta_partition_value_canonical(field, f->partition_values.pairs[k].value, &canonical, &err) == MD_OK)
        free(canonical);
    }
    delta_json_doc *doc = NULL;
    if (f->stats && delta_json_parse(f->stats, strlen(f->stats), &doc, &err) == MD_OK) delta_json_doc_free(doc);
  }
  md_schema_free(schema);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  delta_commit commits[MAX_COMMITS + 1];
  memset(commits, 0, sizeof commits);
  size_t n = 0, start = 0;
  md_error err;
  bool ok = true;
  if (size >= 4 && memcmp(data, "PAR1", 4) == 0) {
    /* Parquet has NULs of its own: the checkpoint ends at the last "PAR1\0". */
    size_t cut = size;
    for (size_t i = size; i >= 5; i--)
      if (data[i - 1] == 0 && memcmp(data + i - 5, "PAR1", 4) == 0) {
        cut = i - 1;
        break;
      }
    ok = delta_checkpoint_parse_memory(data, cut, "checkpoint.parquet", &commits[n], &err) == MD_OK;
    commits[n].version = 0;
    n++;
    start = cut < size ? cut + 1 : size;
  }
  for (size_t i = start; ok && i <= size && n < MAX_COMMITS; i++) {
    if (i < size && data[i] != 0) continue;
    char name[32];
    snprintf(name, sizeof name, "%020zu.json", n);
    ok = delta_commit_parse((const char *)data + start, i - start, name, &commits[n], &err) == MD_OK;
    commits[n].version = (int64_t)n;
    n++;
    start = i + 1;
  }
  delta_log_state state;
  memset(&state, 0, sizeof state);
  if (ok && n && delta_log_replay_commits(commits, n, &state, &err) == MD_OK) {
    use_state(&state);
    delta_log_state_clear(&state);
  }
  for (size_t i = 0; i < n; i++) delta_commit_clear(&commits[i]);
  return 0;
}
