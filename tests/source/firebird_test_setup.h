/* firebird_test_setup.h — whether a Firebird 3 engine is installed, so the
 * Firebird tests can skip (exit 77) on machines without firebird3.0-server,
 * and a helper to run SQL through the source module's connection. */
#ifndef MEDALLION_TEST_FIREBIRD_SETUP_H
#define MEDALLION_TEST_FIREBIRD_SETUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source/firebird_internal.h"

/* The Firebird client and engine keep process-lifetime caches (ICU, iconv,
 * plugin state) that they never free; LeakSanitizer reads these suppressions
 * under MEDALLION_SANITIZE. Our own allocations never pass through them. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libfbclient.so\nleak:libEngine12.so\nleak:libicuuc.so\nleak:libicui18n.so\nleak:libfbintl.so\n"
         "leak:libSrp.so\nleak:libLegacy_Auth.so\nleak:__gconv\n";
}

/* The embedded engine is a plugin of the server package. */
static const char *firebird_engine_path(void) {
  static const char *const candidates[] = {
      "/usr/lib/x86_64-linux-gnu/firebird/3.0/plugins/libEngine12.so",
      "/usr/lib/aarch64-linux-gnu/firebird/3.0/plugins/libEngine12.so",
      "/usr/lib/firebird/3.0/plugins/libEngine12.so",
      "/opt/firebird/plugins/libEngine12.so",
  };
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    if (access(candidates[i], R_OK) == 0) return candidates[i];
  return NULL;
}

/* Skips, unless $MEDALLION_REQUIRE_FIREBIRD is set (CI installs the engine, so
 * there a missing engine is a failure, not a skip). */
static int firebird_skip(const char *reason) {
  if (getenv("MEDALLION_REQUIRE_FIREBIRD")) {
    printf("FAILED: %s (MEDALLION_REQUIRE_FIREBIRD is set)\n", reason);
    return 1;
  }
  printf("SKIPPED: %s\n", reason);
  return 77;
}

/* Runs statements (one per array entry) on an existing or new database. */
static md_code firebird_run(const char *connection, bool create, const char *const *sql, int count, md_error *err) {
  md_firebird_options options = {connection, NULL, NULL};
  fb_conn conn;
  md_code code = fb_conn_open(&options, create, &conn, err);
  for (int i = 0; i < count && code == MD_OK; i++) code = fb_execute(&conn, sql[i], err);
  if (code == MD_OK || conn.db) fb_conn_close(&conn);
  return code;
}

#endif
