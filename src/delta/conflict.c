/* conflict.c — may a transaction still commit after another writer won the
 * version it wanted? Delta's rules (its ConflictChecker, WriteSerializable
 * isolation), restricted to what our writer does:
 *  - a winner that changed the protocol or the metadata (schema, partitioning)
 *    invalidates every plan;
 *  - a winner that recorded a txn for our application id means a duplicate run;
 *  - a winner that removed a file we remove (two overwrites of the same data);
 *  - a winner that added data (and was not itself a blind append) where our
 *    overwrite read: anywhere for a full overwrite, or in the partitions our
 *    replaceWhere covers. This is what delta-rs issue 3622 missed: the second
 *    of two overwrites of one partition silently deleted the first one's rows.
 * A blind append read nothing, so only the first two can stop it. */
#include <stdio.h>
#include <string.h>

#include "delta/write.h"

static bool winner_is_blind_append(const delta_commit *winner) {
  if (!winner->commit_info.json) return false;
  delta_json_doc *doc = NULL;
  if (delta_json_parse(winner->commit_info.json, strlen(winner->commit_info.json), &doc, NULL) != MD_OK) return false;
  bool blind = false;
  if (!delta_json_get_bool(delta_json_root(doc), "isBlindAppend", &blind)) blind = false;
  delta_json_doc_free(doc);
  return blind;
}

static md_code conflict(const delta_commit *winner, md_error *err, const char *what, const char *detail) {
  return md_error_set(err, MD_ERR_INVALID, "concurrent commit at version %lld conflicts: it %s%s%s",
                      (long long)winner->version, what, detail ? ": " : "", detail ? detail : "");
}

md_code delta_check_conflict(const delta_write_txn *txn, const delta_commit *winner, md_error *err) {
  if (winner->has_protocol) return conflict(winner, err, "changed the protocol", NULL);
  if (winner->has_metadata) return conflict(winner, err, "changed the table metadata", NULL);
  for (size_t i = 0; txn->app_id && i < winner->num_txns; i++)
    if (winner->txns[i].app_id && strcmp(winner->txns[i].app_id, txn->app_id) == 0)
      return conflict(winner, err, "committed a transaction of the same application", txn->app_id);
  if (txn->blind_append) return MD_OK;
  for (size_t i = 0; i < winner->num_removes; i++)
    for (size_t j = 0; j < txn->num_removed; j++)
      if (strcmp(winner->removes[i].decoded_path, txn->removed[j]) == 0)
        return conflict(winner, err, "deleted a file this overwrite also deletes", txn->removed[j]);
  if (txn->mode != MD_DELTA_OVERWRITE || winner_is_blind_append(winner)) return MD_OK;
  for (size_t i = 0; i < winner->num_adds; i++) {
    const delta_file_action *add = &winner->adds[i];
    if (!add->data_change) continue;
    if (!txn->replace_where || delta_predicate_matches(txn->replace_where, &add->partition_values))
      return conflict(winner, err, "added data this overwrite replaces", add->decoded_path);
  }
  return MD_OK;
}
