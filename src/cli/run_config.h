/* run_config.h — where `medallion run` takes its settings from: command-line
 * flags over the environment over a small config file over defaults.
 *
 * The config file is <home>/medallion.conf, or the file named by --config or
 * $MEDALLION_CONFIG (then it must exist). It holds `key = value` lines; `#`
 * starts a comment line; keys: env, home, source, as_of, hash_key, libduckdb,
 * firebird_user, firebird_password, threads. The hash key and the Firebird
 * password are secrets: this module never prints them, and callers must not
 * either. */
#ifndef MEDALLION_CLI_RUN_CONFIG_H
#define MEDALLION_CLI_RUN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_CONFIG_VALUE_MAX 4096

typedef enum run_setting {
  RUN_ENV = 0,
  RUN_HOME,
  RUN_SOURCE,
  RUN_AS_OF,
  RUN_HASH_KEY,
  RUN_LIBDUCKDB,
  RUN_FIREBIRD_USER,
  RUN_FIREBIRD_PASSWORD,
  RUN_THREADS,
  RUN_NUM_SETTINGS
} run_setting;

typedef struct run_config {
  /* Each setting's resolved value, NULL when nothing set it (no default applied
   * except home = "lakehouse" and env = "dev"). */
  const char *value[RUN_NUM_SETTINGS];
  char file[RUN_CONFIG_VALUE_MAX]; /* the config file read, "" when none */
  char storage[RUN_NUM_SETTINGS][RUN_CONFIG_VALUE_MAX]; /* values read from the file */
} run_config;

/* The config file key of a setting ("as_of"). */
const char *run_setting_key(run_setting setting);

/* Resolves every setting. flags[s] is the command-line value or NULL (there is
 * no flag for secrets); config_flag is --config or NULL. On error writes one
 * line (naming the file and line, never a secret value) to message and returns
 * false. */
bool run_config_resolve(run_config *cfg, const char *const flags[RUN_NUM_SETTINGS], const char *config_flag,
                        char *message, size_t message_size);

#endif
