/* thread_pool.c — the executor's fork-join pool.
 *
 * Workers sleep on a condition variable until pool_run publishes a job (a
 * generation number changes); everyone, the caller included, then claims task
 * indices from one atomic counter, so uneven tasks balance themselves. Results
 * go into per-task slots chosen by the caller, which is what keeps parallel
 * execution's output in the same order as single-threaded execution. */
#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct thread_pool {
  int num_threads; /* workers + the caller */
  pthread_t *workers;
  int num_workers;
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  uint64_t generation;
  bool stopping;
  /* the current job */
  void (*fn)(void *ctx, int task);
  void *ctx;
  int num_tasks;
  atomic_int next_task;
  int finished_workers;
  atomic_bool busy;
};

static void run_tasks(thread_pool *pool) {
  for (;;) {
    int task = atomic_fetch_add(&pool->next_task, 1);
    if (task >= pool->num_tasks) return;
    pool->fn(pool->ctx, task);
  }
}

static void *worker_main(void *arg) {
  thread_pool *pool = arg;
  uint64_t seen = 0;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (!pool->stopping && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
    if (pool->stopping) break;
    seen = pool->generation;
    pthread_mutex_unlock(&pool->lock);
    run_tasks(pool);
    pthread_mutex_lock(&pool->lock);
    if (++pool->finished_workers == pool->num_workers) pthread_cond_signal(&pool->done);
  }
  pthread_mutex_unlock(&pool->lock);
  return NULL;
}

md_code pool_new(int threads, thread_pool **out, md_error *err) {
  if (threads <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (int)(cpus < 256 ? cpus : 256) : 1;
  }
  if (threads > 256) threads = 256;
  thread_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return md_error_set(err, MD_ERR_NOMEM, "thread pool: out of memory");
  pool->num_threads = threads;
  atomic_init(&pool->next_task, 0);
  atomic_init(&pool->busy, false);
  if (pthread_mutex_init(&pool->lock, NULL) != 0) {
    free(pool);
    return md_error_set(err, MD_ERR_NOMEM, "thread pool: cannot create a mutex");
  }
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->done, NULL);
  if (threads > 1 && !(pool->workers = calloc((size_t)threads - 1, sizeof *pool->workers))) {
    pool_free(pool);
    return md_error_set(err, MD_ERR_NOMEM, "thread pool: out of memory");
  }
  for (int i = 0; i < threads - 1; i++) {
    if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) break;
    pool->num_workers++;
  }
  /* Fewer threads than asked (a process limit) still works, just slower. */
  pool->num_threads = pool->num_workers + 1;
  *out = pool;
  return MD_OK;
}

void pool_free(thread_pool *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->lock);
  pool->stopping = true;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (int i = 0; i < pool->num_workers; i++) pthread_join(pool->workers[i], NULL);
  free(pool->workers);
  pthread_cond_destroy(&pool->wake);
  pthread_cond_destroy(&pool->done);
  pthread_mutex_destroy(&pool->lock);
  free(pool);
}

int pool_threads(const thread_pool *pool) { return pool ? pool->num_threads : 1; }

void pool_run(thread_pool *pool, int num_tasks, void (*fn)(void *ctx, int task), void *ctx) {
  bool expected = false;
  if (!pool || pool->num_workers == 0 || num_tasks <= 1 ||
      !atomic_compare_exchange_strong(&pool->busy, &expected, true)) {
    for (int i = 0; i < num_tasks; i++) fn(ctx, i);
    return;
  }
  pthread_mutex_lock(&pool->lock);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->num_tasks = num_tasks;
  atomic_store(&pool->next_task, 0);
  pool->finished_workers = 0;
  pool->generation++;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  run_tasks(pool);
  pthread_mutex_lock(&pool->lock);
  while (pool->finished_workers < pool->num_workers) pthread_cond_wait(&pool->done, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
  atomic_store(&pool->busy, false);
}
