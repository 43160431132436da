/* thread_pool.h — a fork-join pool of pthreads for the executor: run N
 * independent tasks and wait for all of them. One pool per executing stream
 * (no global state); a pool of one thread runs tasks on the caller. Private to
 * src/compute. */
#ifndef MEDALLION_COMPUTE_THREAD_POOL_H
#define MEDALLION_COMPUTE_THREAD_POOL_H

#include "medallion/core.h"

typedef struct thread_pool thread_pool;

/* threads <= 0 means the number of online CPUs. */
md_code pool_new(int threads, thread_pool **out, md_error *err);
void pool_free(thread_pool *pool);
/* Threads that run tasks (the caller included); 1 for a NULL pool. */
int pool_threads(const thread_pool *pool);
/* Calls fn(ctx, i) for every i in [0, num_tasks), spread over the pool, and
 * returns when all are done. Tasks must be independent. A call made while the
 * pool is busy (from inside a task) runs its tasks on the calling thread. */
void pool_run(thread_pool *pool, int num_tasks, void (*fn)(void *ctx, int task), void *ctx);

#endif
