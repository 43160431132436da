/* run_config.c — resolving `medallion run`'s settings: flags, then the
 * environment, then the config file, then defaults (see run_config.h).
 *
 * The file is read whole (at most 1 MiB) and parsed line by line; errors name
 * the file, the line and the key but never quote a value, because a value may
 * be the hash key or a password. */
#include "cli/run_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_FILE_MAX (1 << 20)

static const struct {
  const char *key;
  const char *env;
} SETTINGS[RUN_NUM_SETTINGS] = {
    [RUN_ENV] = {"env", "MEDALLION_ENV"},
    [RUN_HOME] = {"home", "MEDALLION_HOME"},
    [RUN_SOURCE] = {"source", "MEDALLION_SOURCE"},
    [RUN_AS_OF] = {"as_of", "MEDALLION_AS_OF"},
    [RUN_HASH_KEY] = {"hash_key", "MEDALLION_HASH_KEY"},
    [RUN_LIBDUCKDB] = {"libduckdb", "MEDALLION_LIBDUCKDB"},
    [RUN_FIREBIRD_USER] = {"firebird_user", "FIREBIRD_USER"},
    [RUN_FIREBIRD_PASSWORD] = {"firebird_password", "FIREBIRD_PASSWORD"},
    [RUN_THREADS] = {"threads", "MEDALLION_THREADS"},
};

const char *run_setting_key(run_setting setting) { return SETTINGS[setting].key; }

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Trims [*start, *end) in place. */
static void trim(const char **start, const char **end) {
  while (*start < *end && is_space(**start)) (*start)++;
  while (*end > *start && is_space((*end)[-1])) (*end)--;
}

static bool parse_line(run_config *cfg, const char *line, const char *end, int number, char *message,
                       size_t size) {
  const char *start = line;
  trim(&start, &end);
  if (start == end || *start == '#') return true;
  const char *eq = memchr(start, '=', (size_t)(end - start));
  if (!eq) {
    snprintf(message, size, "%s:%d: expected 'key = value'", cfg->file, number);
    return false;
  }
  const char *key_end = eq, *value = eq + 1;
  trim(&start, &key_end);
  trim(&value, &end);
  if (end - value >= 2 && *value == '"' && end[-1] == '"') {
    value++;
    end--;
  }
  int found = -1;
  for (int s = 0; s < RUN_NUM_SETTINGS && found < 0; s++)
    if ((size_t)(key_end - start) == strlen(SETTINGS[s].key) && memcmp(start, SETTINGS[s].key, (size_t)(key_end - start)) == 0)
      found = s;
  if (found < 0) {
    snprintf(message, size, "%s:%d: unknown key '%.*s' (known: env, home, source, as_of, hash_key, libduckdb, "
             "firebird_user, firebird_password, threads)", cfg->file, number, (int)(key_end - start > 64 ? 64 : key_end - start), start);
    return false;
  }
  if (end - value >= RUN_CONFIG_VALUE_MAX) {
    snprintf(message, size, "%s:%d: the value of %s is too long", cfg->file, number, SETTINGS[found].key);
    return false;
  }
  memcpy(cfg->storage[found], value, (size_t)(end - value));
  cfg->storage[found][end - value] = '\0';
  return true;
}

/* Reads cfg->file; a missing file is an error only when required. */
static bool read_file(run_config *cfg, bool required, char *message, size_t size) {
  FILE *f = fopen(cfg->file, "rb");
  if (!f) {
    if (!required && errno == ENOENT) {
      cfg->file[0] = '\0';
      return true;
    }
    snprintf(message, size, "config file %s: %s", cfg->file, strerror(errno));
    return false;
  }
  char *text = malloc(CONFIG_FILE_MAX + 1);
  size_t n = text ? fread(text, 1, CONFIG_FILE_MAX + 1, f) : 0;
  bool read_error = ferror(f);
  fclose(f);
  if (!text || read_error || n > CONFIG_FILE_MAX) {
    snprintf(message, size, "config file %s: %s", cfg->file,
             !text ? "out of memory" : read_error ? "read error" : "larger than 1 MiB");
    free(text);
    return false;
  }
  bool ok = true;
  int number = 1;
  for (size_t at = 0; ok && at < n; number++) {
    const char *line = text + at, *nl = memchr(line, '\n', n - at);
    const char *end = nl ? nl : text + n;
    if (memchr(line, '\0', (size_t)(end - line))) {
      snprintf(message, size, "%s:%d: NUL byte", cfg->file, number);
      ok = false;
      break;
    }
    ok = parse_line(cfg, line, end, number, message, size);
    at = (size_t)(end - text) + 1;
  }
  free(text);
  return ok;
}

bool run_config_resolve(run_config *cfg, const char *const flags[RUN_NUM_SETTINGS], const char *config_flag,
                        char *message, size_t message_size) {
  memset(cfg, 0, sizeof *cfg);
  const char *explicit_file = config_flag ? config_flag : env("MEDALLION_CONFIG");
  if (explicit_file) {
    snprintf(cfg->file, sizeof cfg->file, "%s", explicit_file);
  } else {
    const char *home = flags[RUN_HOME] ? flags[RUN_HOME] : env("MEDALLION_HOME") ? env("MEDALLION_HOME") : "lakehouse";
    if (snprintf(cfg->file, sizeof cfg->file, "%s/medallion.conf", home) >= (int)sizeof cfg->file) {
      snprintf(message, message_size, "home path too long");
      return false;
    }
  }
  if (!read_file(cfg, explicit_file != NULL, message, message_size)) return false;
  for (int s = 0; s < RUN_NUM_SETTINGS; s++) {
    if (flags[s] && *flags[s]) cfg->value[s] = flags[s];
    else if (env(SETTINGS[s].env)) cfg->value[s] = env(SETTINGS[s].env);
    else if (cfg->storage[s][0]) cfg->value[s] = cfg->storage[s];
  }
  if (!cfg->value[RUN_ENV]) cfg->value[RUN_ENV] = "dev";
  if (!cfg->value[RUN_HOME]) cfg->value[RUN_HOME] = "lakehouse";
  return true;
}
