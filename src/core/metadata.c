/* metadata.c — ordered key/value string pairs, as Arrow schemas, Parquet footers
 * and Delta tables carry them. Small (a handful of pairs), so a linear scan
 * beats any index. */
#include <stdlib.h>
#include <string.h>

#include "medallion/core.h"

struct md_metadata {
  int count;
  int capacity;
  char **keys;
  char **values;
};

md_metadata *md_metadata_new(void) { return calloc(1, sizeof(md_metadata)); }

void md_metadata_free(md_metadata *md) {
  if (!md) return;
  for (int i = 0; i < md->count; i++) {
    free(md->keys[i]);
    free(md->values[i]);
  }
  free(md->keys);
  free(md->values);
  free(md);
}

static int find_key(const md_metadata *md, const char *key) {
  for (int i = 0; i < md->count; i++)
    if (strcmp(md->keys[i], key) == 0) return i;
  return -1;
}

md_code md_metadata_set(md_metadata *md, const char *key, const char *value, md_error *err) {
  if (!md || !key || !value) return md_error_set(err, MD_ERR_INVALID, "metadata: NULL key or value");
  char *value_copy = strdup(value);
  if (!value_copy) return md_error_set(err, MD_ERR_NOMEM, "metadata: out of memory");
  int at = find_key(md, key);
  if (at >= 0) {
    free(md->values[at]);
    md->values[at] = value_copy;
    return MD_OK;
  }
  char *key_copy = strdup(key);
  if (!key_copy) {
    free(value_copy);
    return md_error_set(err, MD_ERR_NOMEM, "metadata: out of memory");
  }
  if (md->count == md->capacity) {
    int grown = md->capacity ? md->capacity * 2 : 4;
    char **keys = realloc(md->keys, (size_t)grown * sizeof *keys);
    if (keys) md->keys = keys;
    char **values = keys ? realloc(md->values, (size_t)grown * sizeof *values) : NULL;
    if (values) md->values = values;
    if (!keys || !values) {
      free(key_copy);
      free(value_copy);
      return md_error_set(err, MD_ERR_NOMEM, "metadata: out of memory");
    }
    md->capacity = grown;
  }
  md->keys[md->count] = key_copy;
  md->values[md->count] = value_copy;
  md->count++;
  return MD_OK;
}

int md_metadata_count(const md_metadata *md) { return md ? md->count : 0; }

const char *md_metadata_key(const md_metadata *md, int i) {
  return md && i >= 0 && i < md->count ? md->keys[i] : NULL;
}

const char *md_metadata_value(const md_metadata *md, int i) {
  return md && i >= 0 && i < md->count ? md->values[i] : NULL;
}

const char *md_metadata_get(const md_metadata *md, const char *key) {
  if (!md || !key) return NULL;
  int at = find_key(md, key);
  return at >= 0 ? md->values[at] : NULL;
}

md_metadata *md_metadata_copy(const md_metadata *md) {
  md_metadata *copy = md_metadata_new();
  if (!copy || !md) return copy;
  for (int i = 0; i < md->count; i++) {
    if (md_metadata_set(copy, md->keys[i], md->values[i], NULL) != MD_OK) {
      md_metadata_free(copy);
      return NULL;
    }
  }
  return copy;
}
