/* support.h — helpers shared by the test programs: where ../shared/ is, temp
 * dirs, whole files, a Delta table's rows as canonical text. */
#ifndef MEDALLION_TEST_SUPPORT_H
#define MEDALLION_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The shared folder: $MEDALLION_SHARED, else <source>/../shared. NULL if absent
 * (the caller prints SKIPPED and returns 77, unless $MEDALLION_REQUIRE_SHARED is
 * set, as .ci/run does, in which case absence is a failure). */
const char *test_shared_dir(void);
/* Exit code for "shared/ is absent": 77 (skip), or 1 when it is required. */
int test_shared_missing(const char *what);
/* A fresh empty directory under the build tree, unique per call. Static buffer. */
const char *test_temp_dir(const char *name);
/* A whole file, NUL-terminated (malloc'd); *size (may be NULL) gets its
 * length. Fails the test when the file cannot be read. */
char *test_read_file(const char *path, size_t *size);
/* The canonical JSON lines (md_delta_snapshot_canonical) of the Delta table at
 * path, at version (-1: the latest); *version_out (may be NULL) gets the
 * version read. malloc'd. Fails the test, naming the table, on any error. */
char *test_delta_canonical(const char *path, int64_t version, int64_t *version_out);

#endif
