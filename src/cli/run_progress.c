/* run_progress.c — live progress of `medallion run` (see run_progress.h).
 *
 * The runner calls run_progress_update from its worker threads (one at a
 * time); the ticker thread redraws the status line between those calls, so
 * both take the same mutex. The status line is cut to the terminal's width:
 * a wrapped line could not be redrawn with a carriage return. */
#include "cli/run_progress.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNNING 64

struct run_progress {
  FILE *out;
  bool live, quiet;
  pthread_mutex_t lock;
  pthread_cond_t stop_signal;
  bool stop;
  bool ticker_started;
  pthread_t ticker;
  struct {
    char name[128];
    double started;
  } running[MAX_RUNNING];
  int num_running;
  int done;
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int terminal_width(FILE *out) {
  struct winsize ws;
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 80;
}

/* Called with lock held. */
static void draw_status(run_progress *p) {
  char line[1024];
  int used = snprintf(line, sizeof line, "  [%d done] running:", p->done);
  double now = now_seconds();
  for (int i = 0; i < p->num_running && used < (int)sizeof line; i++)
    used += snprintf(line + used, sizeof line - (size_t)used, " %s %.1fs", p->running[i].name,
                     now - p->running[i].started);
  if (!p->num_running) snprintf(line, sizeof line, "  [%d done]", p->done);
  int width = terminal_width(p->out) - 1;
  if ((int)strlen(line) > width) line[width] = '\0';
  fprintf(p->out, "\r\033[K%s", line);
  fflush(p->out);
}

static void *tick(void *arg) {
  run_progress *p = arg;
  pthread_mutex_lock(&p->lock);
  while (!p->stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 250 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&p->stop_signal, &p->lock, &until);
    if (!p->stop) draw_status(p);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

run_progress *run_progress_new(FILE *out, bool live, bool quiet) {
  run_progress *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->out = out;
  p->live = live && !quiet;
  p->quiet = quiet;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->stop_signal, NULL);
  if (p->live) p->ticker_started = pthread_create(&p->ticker, NULL, tick, p) == 0;
  return p;
}

void run_progress_free(run_progress *p) {
  if (!p) return;
  if (p->ticker_started) {
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->stop_signal);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->ticker, NULL);
  }
  if (p->live) {
    fprintf(p->out, "\r\033[K");
    fflush(p->out);
  }
  pthread_cond_destroy(&p->stop_signal);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

/* The finished line of an asset (both modes). */
static void print_end(FILE *out, const md_asset_result *r) {
  if (r->status == MD_ASSET_SUCCEEDED) {
    fprintf(out, "  %-34s ok       %10lld rows  %7.2f s%s\n", r->name,
            (long long)(r->rows_written > 0 ? r->rows_written : 0), r->seconds,
            r->checks_failed ? "  (CHECK FAILED)" : "");
  } else if (r->status == MD_ASSET_FAILED) {
    fprintf(out, "  %-34s FAILED   %s\n", r->name, r->error);
  } else if (r->status == MD_ASSET_SKIPPED) {
    fprintf(out, "  %-34s skipped  (%s)\n", r->name, r->error);
  }
}

static void forget_running(run_progress *p, const char *name) {
  for (int i = 0; i < p->num_running; i++)
    if (strcmp(p->running[i].name, name) == 0) {
      memmove(&p->running[i], &p->running[i + 1], (size_t)(p->num_running - i - 1) * sizeof p->running[0]);
      p->num_running--;
      return;
    }
}

void run_progress_update(void *context, const md_asset_result *r) {
  run_progress *p = context;
  if (!p || p->quiet) return;
  pthread_mutex_lock(&p->lock);
  if (!p->live) {
    if (r->status == MD_ASSET_PENDING) fprintf(p->out, "  %-34s running\n", r->name);
    else print_end(p->out, r);
  } else if (r->status == MD_ASSET_PENDING) {
    if (p->num_running < MAX_RUNNING) {
      snprintf(p->running[p->num_running].name, sizeof p->running[0].name, "%s", r->name);
      p->running[p->num_running++].started = now_seconds();
    }
    draw_status(p);
  } else {
    forget_running(p, r->name);
    p->done++;
    fprintf(p->out, "\r\033[K");
    print_end(p->out, r);
    draw_status(p);
  }
  fflush(p->out);
  pthread_mutex_unlock(&p->lock);
}
