/* log_replay.c — reconstruct the state of a Delta table at one version:
 * start from the newest usable checkpoint (or version 0), apply the JSON
 * commits after it in order, and reconcile files.
 *
 * A logical file is identified by (URL-decoded path, deletion vector id): a
 * `remove` cancels the `add` with the same key, and re-adding a path with a new
 * deletion vector makes a different logical file. Change data (`cdc`) files
 * never belong to a snapshot. When a checkpoint cannot be read (a V2
 * checkpoint) but every commit from 0 is still present, we replay the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log.h"

/* Commit files are small; this bounds what one malformed file can make us allocate. */
#define COMMIT_FILE_MAX_BYTES ((size_t)1 << 30)

typedef struct file_node {
  struct file_node *next;
  uint64_t hash;
  char *key;
  delta_file_action file;
} file_node;

typedef struct file_map {
  file_node **buckets;
  size_t num_buckets;
  size_t count;
} file_map;

static uint64_t hash_key(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* Path and DV id joined by a byte that cannot occur in either (both are text). */
static char *file_key(const delta_file_action *file) {
  const char *dv = file->dv_id ? file->dv_id : "";
  size_t a = strlen(file->decoded_path), b = strlen(dv);
  char *key = malloc(a + b + 2);
  if (!key) return NULL;
  memcpy(key, file->decoded_path, a);
  key[a] = '\x01';
  memcpy(key + a + 1, dv, b + 1);
  return key;
}

static void file_map_free(file_map *map) {
  for (size_t i = 0; i < map->num_buckets; i++) {
    file_node *node = map->buckets[i];
    while (node) {
      file_node *next = node->next;
      free(node->key);
      delta_file_action_clear(&node->file);
      free(node);
      node = next;
    }
  }
  free(map->buckets);
  memset(map, 0, sizeof *map);
}

static bool file_map_grow(file_map *map) {
  size_t n = map->num_buckets ? map->num_buckets * 2 : 256;
  file_node **buckets = calloc(n, sizeof *buckets);
  if (!buckets) return false;
  for (size_t i = 0; i < map->num_buckets; i++) {
    file_node *node = map->buckets[i];
    while (node) {
      file_node *next = node->next;
      node->next = buckets[node->hash & (n - 1)];
      buckets[node->hash & (n - 1)] = node;
      node = next;
    }
  }
  free(map->buckets);
  map->buckets = buckets;
  map->num_buckets = n;
  return true;
}

static file_node **file_map_slot(file_map *map, const char *key, uint64_t hash) {
  file_node **slot = &map->buckets[hash & (map->num_buckets - 1)];
  while (*slot && ((*slot)->hash != hash || strcmp((*slot)->key, key) != 0)) slot = &(*slot)->next;
  return slot;
}

static void file_map_remove(file_map *map, const delta_file_action *file) {
  if (!map->num_buckets) return;
  char *key = file_key(file);
  if (!key) return;
  file_node **slot = file_map_slot(map, key, hash_key(key));
  free(key);
  if (!*slot) return;
  file_node *node = *slot;
  *slot = node->next;
  free(node->key);
  delta_file_action_clear(&node->file);
  free(node);
  map->count--;
}

/* Takes ownership of *file (zeroing it) on success. */
static md_code file_map_put(file_map *map, delta_file_action *file, md_error *err) {
  if (map->count >= map->num_buckets && !file_map_grow(map)) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  char *key = file_key(file);
  if (!key) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  uint64_t hash = hash_key(key);
  file_node **slot = file_map_slot(map, key, hash);
  if (*slot) {
    free(key);
    delta_file_action_clear(&(*slot)->file);
    (*slot)->file = *file;
  } else {
    file_node *node = calloc(1, sizeof *node);
    if (!node) {
      free(key);
      return md_error_set(err, MD_ERR_NOMEM, "out of memory");
    }
    node->hash = hash;
    node->key = key;
    node->file = *file;
    *slot = node;
    map->count++;
  }
  memset(file, 0, sizeof *file);
  return MD_OK;
}

void delta_log_state_clear(delta_log_state *state) {
  delta_protocol_clear(&state->protocol);
  delta_metadata_clear(&state->metadata);
  for (size_t i = 0; i < state->num_files; i++) delta_file_action_clear(&state->files[i]);
  free(state->files);
  for (size_t i = 0; i < state->num_txns; i++) free(state->txns[i].app_id);
  free(state->txns);
  for (size_t i = 0; i < state->num_domains; i++) {
    free(state->domains[i].domain);
    free(state->domains[i].configuration);
  }
  free(state->domains);
  memset(state, 0, sizeof *state);
}

typedef struct replay {
  file_map files;
  bool has_protocol, has_metadata;
  delta_log_state state; /* protocol, metadata, txns, domains as they accumulate */
} replay;

static md_code upsert_txn(delta_log_state *state, delta_txn *txn, md_error *err) {
  for (size_t i = 0; i < state->num_txns; i++) {
    if (strcmp(state->txns[i].app_id, txn->app_id) == 0) {
      free(state->txns[i].app_id);
      state->txns[i] = *txn;
      memset(txn, 0, sizeof *txn);
      return MD_OK;
    }
  }
  delta_txn *grown = realloc(state->txns, (state->num_txns + 1) * sizeof *grown);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  state->txns = grown;
  state->txns[state->num_txns++] = *txn;
  memset(txn, 0, sizeof *txn);
  return MD_OK;
}

static md_code upsert_domain(delta_log_state *state, delta_domain_metadata *dm, md_error *err) {
  for (size_t i = 0; i < state->num_domains; i++) {
    if (strcmp(state->domains[i].domain, dm->domain) == 0) {
      free(state->domains[i].domain);
      free(state->domains[i].configuration);
      if (dm->removed) {
        state->domains[i] = state->domains[--state->num_domains];
        free(dm->domain);
        free(dm->configuration);
      } else {
        state->domains[i] = *dm;
      }
      memset(dm, 0, sizeof *dm);
      return MD_OK;
    }
  }
  if (dm->removed) return MD_OK;
  delta_domain_metadata *grown = realloc(state->domains, (state->num_domains + 1) * sizeof *grown);
  if (!grown) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  state->domains = grown;
  state->domains[state->num_domains++] = *dm;
  memset(dm, 0, sizeof *dm);
  return MD_OK;
}

/* Applies one commit (or checkpoint body); takes what it keeps out of commit. */
static md_code apply_commit(replay *r, delta_commit *commit, md_error *err) {
  for (size_t i = 0; i < commit->num_removes; i++) file_map_remove(&r->files, &commit->removes[i]);
  for (size_t i = 0; i < commit->num_adds; i++) {
    md_code rc = file_map_put(&r->files, &commit->adds[i], err);
    if (rc != MD_OK) return rc;
  }
  if (commit->has_protocol) {
    delta_protocol_clear(&r->state.protocol);
    r->state.protocol = commit->protocol;
    memset(&commit->protocol, 0, sizeof commit->protocol);
    r->has_protocol = true;
  }
  if (commit->has_metadata) {
    delta_metadata_clear(&r->state.metadata);
    r->state.metadata = commit->metadata;
    memset(&commit->metadata, 0, sizeof commit->metadata);
    r->has_metadata = true;
  }
  for (size_t i = 0; i < commit->num_txns; i++) {
    md_code rc = upsert_txn(&r->state, &commit->txns[i], err);
    if (rc != MD_OK) return rc;
  }
  for (size_t i = 0; i < commit->num_domains; i++) {
    md_code rc = upsert_domain(&r->state, &commit->domains[i], err);
    if (rc != MD_OK) return rc;
  }
  return MD_OK;
}

static int compare_files(const void *a, const void *b) {
  const delta_file_action *x = a, *y = b;
  int c = strcmp(x->decoded_path, y->decoded_path);
  if (c) return c;
  return strcmp(x->dv_id ? x->dv_id : "", y->dv_id ? y->dv_id : "");
}

/* Moves the live files out of the map into a sorted array. */
static md_code collect_files(replay *r, md_error *err) {
  delta_log_state *s = &r->state;
  if (r->files.count) {
    s->files = calloc(r->files.count, sizeof *s->files);
    if (!s->files) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < r->files.num_buckets; i++) {
    for (file_node *node = r->files.buckets[i]; node; node = node->next) {
      s->files[s->num_files++] = node->file;
      memset(&node->file, 0, sizeof node->file);
    }
  }
  if (s->num_files) qsort(s->files, s->num_files, sizeof *s->files, compare_files);
  return MD_OK;
}

static md_code read_commit(const char *table_path, int64_t version, delta_commit *out, md_error *err) {
  char name[64], path[4400];
  delta_commit_file_name(version, name, sizeof name);
  snprintf(path, sizeof path, "%s/_delta_log/%s", table_path, name);
  char *text = NULL;
  size_t len = 0;
  md_code rc = delta_read_file(path, COMMIT_FILE_MAX_BYTES, &text, &len, err);
  if (rc != MD_OK) return rc;
  rc = delta_commit_parse(text, len, name, out, err);
  free(text);
  return rc;
}

/* The version's timestamp: in-commit timestamp when the table records one,
 * else commitInfo.timestamp, else the commit file's modification time. We
 * prefer the recorded times to the file time because copying a table (as the
 * conformance corpus does) resets modification times. */
static int64_t commit_timestamp(const delta_commit *commit, int64_t file_mtime_ms) {
  if (commit->commit_info.in_commit_timestamp >= 0) return commit->commit_info.in_commit_timestamp;
  if (commit->commit_info.present && commit->commit_info.timestamp >= 0) return commit->commit_info.timestamp;
  return file_mtime_ms;
}

static int64_t listing_mtime(const delta_log_listing *listing, int64_t version) {
  for (size_t i = 0; i < listing->num_commits; i++)
    if (listing->commit_versions[i] == version) return listing->commit_mtimes_ms[i];
  return -1;
}

/* Chooses where replay starts: the newest complete checkpoint at or below
 * version with every later commit present (*checkpoint), else version 0 when
 * every commit 0..version exists (*from_zero). Both may hold: the JSON path
 * is the fallback when a checkpoint cannot be read. */
static md_code choose_start(const delta_log_listing *listing, int64_t version, const delta_checkpoint **checkpoint,
                            bool *from_zero, md_error *err) {
  *checkpoint = NULL;
  int64_t first_missing = -1;
  for (int64_t v = 0; v <= version && first_missing < 0; v++)
    if ((size_t)v >= listing->num_commits || listing->commit_versions[v] != v) first_missing = v;
  *from_zero = first_missing < 0;
  for (size_t i = listing->num_checkpoints; i-- > 0;) {
    const delta_checkpoint *cp = &listing->checkpoints[i];
    if (cp->version > version) continue;
    bool complete = true;
    for (int64_t v = cp->version + 1; v <= version && complete; v++) complete = delta_log_has_commit(listing, v);
    if (complete) {
      *checkpoint = cp;
      break;
    }
  }
  if (*checkpoint || *from_zero) return MD_OK;
  return md_error_set(err, MD_ERR_NOT_FOUND,
                      "version %lld cannot be reconstructed: commit %lld is missing and no checkpoint covers it",
                      (long long)version, (long long)first_missing);
}

md_code delta_log_replay(const char *table_path, const delta_log_listing *listing, int64_t version,
                         delta_log_state *out, md_error *err) {
  if (version < 0 || version > listing->latest_version)
    return md_error_set(err, MD_ERR_NOT_FOUND, "%s: version %lld does not exist (latest is %lld)", table_path,
                        (long long)version, (long long)listing->latest_version);
  const delta_checkpoint *checkpoint = NULL;
  bool from_zero = false;
  md_code rc = choose_start(listing, version, &checkpoint, &from_zero, err);
  if (rc != MD_OK) return md_error_context(err, "%s", table_path);
  replay r;
  memset(&r, 0, sizeof r);
  int64_t next = 0;
  int64_t timestamp = -1;
  if (checkpoint) {
    delta_commit body;
    memset(&body, 0, sizeof body);
    rc = delta_checkpoint_read(table_path, checkpoint, &body, err);
    if (rc == MD_OK) {
      rc = apply_commit(&r, &body, err);
      next = checkpoint->version + 1;
    } else if (rc == MD_ERR_UNSUPPORTED && from_zero) {
      rc = MD_OK; /* every commit is still there: replay them instead */
    }
    delta_commit_clear(&body);
  }
  for (int64_t v = next; rc == MD_OK && v <= version; v++) {
    delta_commit commit;
    memset(&commit, 0, sizeof commit);
    rc = read_commit(table_path, v, &commit, err);
    if (rc == MD_OK) {
      if (v == version) timestamp = commit_timestamp(&commit, listing_mtime(listing, v));
      rc = apply_commit(&r, &commit, err);
    }
    delta_commit_clear(&commit);
  }
  if (rc == MD_OK && !r.has_protocol)
    rc = md_error_set(err, MD_ERR_CORRUPT, "no protocol action at or before version %lld", (long long)version);
  if (rc == MD_OK && !r.has_metadata)
    rc = md_error_set(err, MD_ERR_CORRUPT, "no metaData action at or before version %lld", (long long)version);
  if (rc == MD_OK) rc = collect_files(&r, err);
  file_map_free(&r.files);
  if (rc != MD_OK) {
    delta_log_state_clear(&r.state);
    return md_error_context(err, "%s", table_path);
  }
  r.state.version = version;
  r.state.timestamp_ms = timestamp;
  *out = r.state;
  return MD_OK;
}

md_code delta_log_replay_commits(delta_commit *commits, size_t n, delta_log_state *out, md_error *err) {
  replay r;
  memset(&r, 0, sizeof r);
  md_code rc = MD_OK;
  for (size_t i = 0; rc == MD_OK && i < n; i++) rc = apply_commit(&r, &commits[i], err);
  if (rc == MD_OK && !r.has_protocol) rc = md_error_set(err, MD_ERR_CORRUPT, "no protocol action");
  if (rc == MD_OK && !r.has_metadata) rc = md_error_set(err, MD_ERR_CORRUPT, "no metaData action");
  if (rc == MD_OK) rc = collect_files(&r, err);
  file_map_free(&r.files);
  if (rc != MD_OK) {
    delta_log_state_clear(&r.state);
    return rc;
  }
  r.state.version = n ? commits[n - 1].version : -1;
  r.state.timestamp_ms = -1;
  *out = r.state;
  return MD_OK;
}

md_code delta_log_commit_read(const char *table_path, int64_t version, delta_commit *out, md_error *err) {
  return read_commit(table_path, version, out, err);
}

int64_t delta_log_commit_timestamp(const delta_commit *commit, int64_t file_mtime_ms) {
  return commit_timestamp(commit, file_mtime_ms);
}
