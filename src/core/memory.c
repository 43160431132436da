/* memory.c — aligned allocation for column buffers.
 *
 * Arrow recommends 64-byte alignment so that vectorised loops never straddle a
 * cache line at a buffer's start; every buffer of ours comes from here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "medallion/core.h"

enum { MD_ALIGNMENT = 64 };

/* Large buffers (a row group's column) are written once, front to back, right
 * after allocation: with 4 KiB pages that is one page fault per 4 KiB, which
 * costs more than decoding the values. Asking for transparent huge pages
 * (where the kernel leaves them to madvise) cuts the faults 512-fold. */
enum { MD_HUGE_MIN = 4 << 20, MD_HUGE_ALIGN = 2 << 20 };

/* Huge-page advice for the whole 2 MiB pages inside [ptr, ptr + size). */
static void advise_huge(void *ptr, size_t size) {
#ifdef MADV_HUGEPAGE
  uintptr_t from = ((uintptr_t)ptr + MD_HUGE_ALIGN - 1) & ~(uintptr_t)(MD_HUGE_ALIGN - 1);
  uintptr_t to = ((uintptr_t)ptr + size) & ~(uintptr_t)(MD_HUGE_ALIGN - 1);
  if (to > from) (void)madvise((void *)from, to - from, MADV_HUGEPAGE); /* advice only: failure is harmless */
#else
  (void)ptr;
  (void)size;
#endif
}

void *md_alloc(size_t size) {
  void *ptr = NULL;
#ifdef MADV_HUGEPAGE
  if (size >= MD_HUGE_MIN) {
    if (posix_memalign(&ptr, MD_HUGE_ALIGN, size) != 0) return NULL;
    advise_huge(ptr, size);
    return ptr;
  }
#endif
  /* posix_memalign rejects size 0 on some libcs: allocate one alignment unit. */
  if (posix_memalign(&ptr, MD_ALIGNMENT, size ? size : MD_ALIGNMENT) != 0) return NULL;
  return ptr;
}

void *md_alloc_zeroed(size_t size) {
  void *ptr = md_alloc(size);
  if (ptr) memset(ptr, 0, size);
  return ptr;
}

void *md_realloc(void *ptr, size_t old_size, size_t new_size) {
  if (!ptr || new_size == 0) {
    void *fresh = md_alloc(new_size);
    if (fresh && ptr) free(ptr);
    return fresh;
  }
  /* realloc() grows a large block in place or by remapping its pages: no
   * copy and no fresh pages to fault in, which matters for columns that
   * grow to gigabytes (copying made a third of a pipeline run's page faults). */
  void *grown = realloc(ptr, new_size);
  if (!grown) return NULL; /* ptr is untouched */
  if (new_size >= MD_HUGE_MIN) advise_huge(grown, new_size);
  if (((uintptr_t)grown & (MD_ALIGNMENT - 1)) == 0) return grown;
  /* realloc() promises only malloc's alignment: move the block once more. If
   * that allocation fails the block stays where it is, 16-byte aligned, which
   * every type tolerates (64 is Arrow's advice, for speed). */
  void *aligned = md_alloc(new_size);
  if (!aligned) return grown;
  memcpy(aligned, grown, old_size < new_size ? old_size : new_size);
  free(grown);
  return aligned;
}

void md_free(void *ptr) { free(ptr); }
