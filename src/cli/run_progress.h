/* run_progress.h — `medallion run`'s live progress on stderr.
 *
 * On a terminal: one finished line per asset (status, rows, seconds) and, under
 * them, a status line redrawn in place (every running asset with its elapsed
 * seconds, refreshed by a ticker thread). Otherwise: plain lines, one when an
 * asset starts and one when it ends, for logs and pipes. */
#ifndef MEDALLION_CLI_RUN_PROGRESS_H
#define MEDALLION_CLI_RUN_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "medallion/pipeline.h"

typedef struct run_progress run_progress;

/* live: redraw in place (a terminal); quiet: print nothing (--json). NULL when
 * out of memory (then pass NULL to the others: they do nothing). */
run_progress *run_progress_new(FILE *out, bool live, bool quiet);
/* An md_run_progress_fn; context is the run_progress. */
void run_progress_update(void *context, const md_asset_result *result);
/* Stops the ticker and clears the status line. */
void run_progress_free(run_progress *progress);

#endif
