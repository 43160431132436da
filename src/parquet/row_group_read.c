/* row_group_read.c — reading one row group into a batch: the projection, the
 * fields decoded on several threads, and the recycling of an earlier batch's
 * column buffers.
 *
 * Fields are independent (each has its own column chunks and builds its own
 * column), so they are the unit of parallel work: a thread takes the next
 * undecoded field, costliest first, until none is left. Every field's result
 * has its own slot, so the batch is the same whatever the thread count, and
 * when several fields fail the error reported is that of the first in the
 * projection, as a single-threaded read would report it.
 *
 * A fresh batch per row group means fresh memory per row group: the kernel
 * zeroes every page on first touch, which cost a quarter of a full read.
 * md_parquet_reader_read_row_group_into refills the columns of the batch it
 * is handed instead; their capacity stays, so after the first row group no
 * page is new. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parquet/reader_internal.h"

/* Below this many compressed bytes in the projected chunks, the automatic
 * thread count (0) keeps the read on the caller's thread: starting a thread
 * costs more than decoding a small row group. */
enum { PARALLEL_MIN_BYTES = 1 << 20 };

typedef struct field_task {
  int field;        /* top-level field index */
  int64_t cost;     /* compressed bytes of its chunks, to schedule big fields first */
  md_column *reuse; /* a recycled column to refill, or NULL */
  md_column *col;   /* the result */
  md_code rc;
  md_error err;
} field_task;

typedef struct row_group_job {
  md_parquet_reader *reader;
  int row_group;
  field_task *tasks;
  int *order; /* task indices, costliest first */
  int count;
  atomic_int next;
} row_group_job;

/* The byte range [*from, *to) of a column chunk, clamped to the file (the
 * footer is untrusted); false when it lies outside. */
static bool chunk_range(const md_parquet_reader *r, const pq_column_meta *m, uint64_t *from, uint64_t *to) {
  int64_t start = m->data_page_offset;
  if (m->has_dictionary_page_offset && m->dictionary_page_offset > 0 && m->dictionary_page_offset < start)
    start = m->dictionary_page_offset;
  if (start < 0 || (uint64_t)start >= r->size || m->total_compressed_size <= 0) return false;
  uint64_t end = (uint64_t)start + (uint64_t)m->total_compressed_size;
  *from = (uint64_t)start;
  *to = end > r->size ? r->size : end;
  return true;
}

/* Before decoding a field: map the bytes of its column chunks in one call
 * (where the kernel can) instead of one page fault per few pages. */
static void populate_field(const md_parquet_reader *r, const pq_row_group *rg, int field) {
#ifdef MADV_POPULATE_READ
  if (!r->mapping) return;
  int first = r->map.top_first_leaf[field], count = r->map.top_num_leaves[field];
  uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  for (int leaf = first; leaf < first + count; leaf++) {
    uint64_t from, to;
    if (leaf < 0 || (uint32_t)leaf >= rg->num_columns) return;
    if (!chunk_range(r, &rg->columns[leaf].meta, &from, &to)) continue;
    from &= ~(page - 1);
    (void)madvise((uint8_t *)r->mapping + from, (size_t)(to - from), MADV_POPULATE_READ); /* advice only */
  }
#else
  (void)r;
  (void)rg;
  (void)field;
#endif
}

/* After decoding a row group: drop its mapped bytes from our resident set
 * (they stay in the page cache), so that reading a file costs one row group
 * of RSS, not the file. One call for the row group's whole span (columns not
 * read were never mapped in): each call makes the kernel flush the TLBs of
 * every CPU running one of our threads, which cost 7% of a scan when it was
 * done per field. Only whole pages inside the span: a neighbouring row group
 * may be decoding on another thread (dropping a shared page of a read-only
 * file mapping would only make its next read fault it back). */
static void release_row_group(const md_parquet_reader *r, const pq_row_group *rg) {
  if (!r->mapping || rg->num_columns == 0) return;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (uint32_t c = 0; c < rg->num_columns; c++) {
    uint64_t from, to;
    if (!chunk_range(r, &rg->columns[c].meta, &from, &to)) continue;
    lo = from < lo ? from : lo;
    hi = to > hi ? to : hi;
  }
  uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  lo = (lo + page - 1) & ~(page - 1);
  hi &= ~(page - 1);
  if (hi > lo) (void)madvise((uint8_t *)r->mapping + lo, (size_t)(hi - lo), MADV_DONTNEED); /* advice only */
}

/* Compressed bytes of a field's chunks, clamped to the file (the footer is
 * untrusted). */
static int64_t field_cost(const md_parquet_reader *r, const pq_row_group *rg, int field) {
  int64_t cost = 0;
  int first = r->map.top_first_leaf[field], count = r->map.top_num_leaves[field];
  for (int leaf = first; leaf < first + count; leaf++) {
    if (leaf < 0 || (uint32_t)leaf >= rg->num_columns) break;
    int64_t size = rg->columns[leaf].meta.total_compressed_size;
    if (size > 0) cost += (uint64_t)size < r->size ? size : (int64_t)r->size;
  }
  return cost;
}

/* A scratch buffer set for one thread: the reader's last returned one (its
 * buffers are the right size already), or a new one. NULL if out of memory
 * (chunks then use temporary scratch). */
static pq_read_buffers *take_buffers(md_parquet_reader *r) {
  pq_read_buffers *b = NULL;
  pthread_mutex_lock(&r->pool_lock);
  if (r->pool_size > 0) b = r->pool[--r->pool_size];
  pthread_mutex_unlock(&r->pool_lock);
  return b ? b : pq_read_buffers_new();
}

static void give_buffers(md_parquet_reader *r, pq_read_buffers *b) {
  if (!b) return;
  pthread_mutex_lock(&r->pool_lock);
  if (r->pool_size < PARQUET_POOL_MAX) {
    r->pool[r->pool_size++] = b;
    b = NULL;
  }
  pthread_mutex_unlock(&r->pool_lock);
  pq_read_buffers_free(b);
}

static void run_task(row_group_job *job, field_task *t, pq_read_buffers *buffers) {
  md_parquet_reader *r = job->reader;
  const pq_row_group *rg = &r->meta.row_groups[job->row_group];
  md_error_clear(&t->err);
  populate_field(r, rg, t->field);
  t->rc = parquet_read_field(r, job->row_group, t->field, t->reuse, buffers, &t->col, &t->err);
  t->reuse = NULL; /* consumed: now t->col, or freed on failure */
}

static void *worker(void *arg) {
  row_group_job *job = arg;
  pq_read_buffers *buffers = NULL;
  for (;;) {
    int k = atomic_fetch_add(&job->next, 1);
    if (k >= job->count) break;
    if (!buffers) buffers = take_buffers(job->reader);
    run_task(job, &job->tasks[job->order[k]], buffers);
  }
  give_buffers(job->reader, buffers);
  return NULL;
}

static int online_cpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* How many threads decode this row group (the caller's included). */
static int thread_count(const md_parquet_reader *r, const row_group_job *job) {
  int threads = r->threads;
  if (threads == 0) {
    int64_t bytes = 0;
    for (int i = 0; i < job->count; i++) bytes += job->tasks[i].cost;
    /* Reads already running on other threads (a parallel scan) share the CPUs. */
    int active = atomic_load(&r->active_reads);
    threads = bytes < PARALLEL_MIN_BYTES ? 1 : online_cpus() / (active > 1 ? active : 1);
    if (threads < 1) threads = 1;
  }
  return threads < job->count ? threads : job->count;
}

/* Decodes every task; errors stay in the tasks. */
static void run_job(row_group_job *job) {
  /* Costliest first (insertion sort: a handful of fields), so that the last
   * field to finish is a cheap one. Ties keep projection order. */
  for (int i = 0; i < job->count; i++) {
    int k = i;
    while (k > 0 && job->tasks[job->order[k - 1]].cost < job->tasks[i].cost) {
      job->order[k] = job->order[k - 1];
      k--;
    }
    job->order[k] = i;
  }
  atomic_init(&job->next, 0);
  int threads = thread_count(job->reader, job);
  pthread_t extra[255];
  int started = 0;
  for (int t = 1; t < threads && t <= 255; t++) {
    if (pthread_create(&extra[started], NULL, worker, job) != 0) break; /* fewer threads, same result */
    started++;
  }
  worker(job);
  for (int t = 0; t < started; t++) pthread_join(extra[t], NULL);
}

/* Takes the columns out of a batch an earlier call returned, for the fields
 * of this projection that can refill them (same position, flat field of the
 * same type, referenced by nobody else). Frees the batch. */
static void recycle(md_parquet_reader *r, md_batch *old, row_group_job *job) {
  if (!old) return;
  int n = md_batch_num_columns(old);
  for (int i = 0; i < job->count && i < n; i++) {
    int field = job->tasks[i].field;
    md_column *col = md_batch_column(old, i);
    md_type type = md_field_type(md_schema_field(r->map.schema, field));
    if (r->map.top[field].leaf < 0 || type.id == MD_TYPE_NULL || !md_type_equal(md_column_type(col), type)) continue;
    job->tasks[i].reuse = md_column_ref(col);
  }
  md_batch_free(old);
  for (int i = 0; i < job->count; i++) {
    md_column *col = job->tasks[i].reuse;
    /* Reserving nothing fails exactly when the column may not be modified
     * (the caller kept a reference, or it was imported). */
    if (!col || md_column_reserve(col, 0, 0, NULL) != MD_OK) {
      md_column_free(col);
      job->tasks[i].reuse = NULL;
      continue;
    }
    md_column_set_length(col, 0);
  }
}

static md_code read_row_group(md_parquet_reader *r, int row_group, const int *columns, int num_columns,
                              md_batch *old, md_batch **out, md_error *err) {
  if (!r || !out) {
    md_batch_free(old);
    return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_read_row_group: NULL argument");
  }
  int total = r->map.num_top;
  if (!columns) num_columns = total;
  md_code rc = MD_OK;
  if (row_group < 0 || (uint32_t)row_group >= r->meta.num_row_groups)
    rc = md_error_set(err, MD_ERR_INVALID, "%s: row group %d out of range (%u row groups)", r->name, row_group,
                      r->meta.num_row_groups);
  else if (num_columns < 0)
    rc = md_error_set(err, MD_ERR_INVALID, "%s: invalid projection", r->name);
  for (int i = 0; !rc && columns && i < num_columns; i++)
    if (columns[i] < 0 || columns[i] >= total)
      rc = md_error_set(err, MD_ERR_INVALID, "%s: column index %d out of range (%d columns)", r->name, columns[i],
                        total);
  if (rc) {
    md_batch_free(old);
    return rc;
  }
  row_group_job job = {.reader = r, .row_group = row_group, .count = num_columns};
  job.tasks = calloc((size_t)num_columns + 1, sizeof *job.tasks);
  job.order = calloc((size_t)num_columns + 1, sizeof *job.order);
  md_column **cols = calloc((size_t)num_columns + 1, sizeof *cols);
  md_schema *schema = md_schema_new();
  if (!job.tasks || !job.order || !cols || !schema) rc = md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", r->name);
  const md_metadata *file_md = md_schema_metadata_const(r->map.schema);
  for (int i = 0; !rc && file_md && i < md_metadata_count(file_md); i++)
    rc = md_metadata_set(md_schema_metadata(schema), md_metadata_key(file_md, i), md_metadata_value(file_md, i), err);
  const pq_row_group *rg = rc ? NULL : &r->meta.row_groups[row_group];
  for (int i = 0; !rc && i < num_columns; i++) {
    int field = columns ? columns[i] : i;
    job.tasks[i].field = field;
    job.tasks[i].cost = field_cost(r, rg, field);
    md_field *copy = md_field_copy(md_schema_field(r->map.schema, field));
    if (!copy) rc = md_error_set(err, MD_ERR_NOMEM, "%s: out of memory", r->name);
    else rc = md_schema_add(schema, copy, err);
  }
  if (!rc) {
    recycle(r, old, &job);
    old = NULL;
    atomic_fetch_add(&r->active_reads, 1);
    run_job(&job);
    release_row_group(r, rg);
    atomic_fetch_sub(&r->active_reads, 1);
    for (int i = 0; i < num_columns; i++) {
      cols[i] = job.tasks[i].col;
      if (!rc && job.tasks[i].rc) { /* the first failure in projection order */
        rc = job.tasks[i].rc;
        if (err) {
          *err = job.tasks[i].err;
          md_error_context(err, "%s: row group %d", r->name, row_group);
        }
      }
    }
  }
  md_batch_free(old);
  if (!rc) {
    md_batch *batch = NULL;
    rc = md_batch_new(schema, cols, num_columns, &batch, err);
    schema = NULL; /* owned by the batch now, also on failure */
    if (!rc) {
      free(cols);
      free(job.tasks);
      free(job.order);
      *out = batch;
      return MD_OK;
    }
    md_error_context(err, "%s: row group %d", r->name, row_group);
    memset(cols, 0, ((size_t)num_columns + 1) * sizeof *cols); /* md_batch_new took the columns */
  }
  for (int i = 0; cols && i < num_columns; i++) md_column_free(cols[i]);
  for (int i = 0; job.tasks && i < num_columns; i++) md_column_free(job.tasks[i].reuse);
  free(cols);
  free(job.tasks);
  free(job.order);
  md_schema_free(schema);
  return rc;
}

md_code md_parquet_reader_read_row_group(md_parquet_reader *r, int row_group, const int *columns, int num_columns,
                                         md_batch **out, md_error *err) {
  return read_row_group(r, row_group, columns, num_columns, NULL, out, err);
}

md_code md_parquet_reader_read_row_group_into(md_parquet_reader *r, int row_group, const int *columns,
                                              int num_columns, md_batch **batch, md_error *err) {
  if (!batch) return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_read_row_group_into: NULL argument");
  md_batch *old = *batch;
  *batch = NULL;
  return read_row_group(r, row_group, columns, num_columns, old, batch, err);
}

md_code md_parquet_reader_set_threads(md_parquet_reader *r, int threads, md_error *err) {
  if (!r || threads < 0 || threads > 256)
    return md_error_set(err, MD_ERR_INVALID, "md_parquet_reader_set_threads: %d threads (0..256)", threads);
  r->threads = threads;
  return MD_OK;
}
