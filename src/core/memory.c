/* memory.c — aligned allocation for column buffers.
 *
 * Arrow recommends 64-byte alignment so that vectorised loops never straddle a
 * cache line at a buffer's start; every buffer of ours comes from here. */
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

void *md_alloc(size_t size) {
  void *ptr = NULL;
#ifdef MADV_HUGEPAGE
  if (size >= MD_HUGE_MIN) {
    if (posix_memalign(&ptr, MD_HUGE_ALIGN, size) != 0) return NULL;
    (void)madvise(ptr, size & ~(size_t)(MD_HUGE_ALIGN - 1), MADV_HUGEPAGE); /* advice only: failure is harmless */
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
  /* realloc() does not preserve alignment, so grow by copy. */
  void *grown = md_alloc(new_size);
  if (!grown) return NULL;
  if (ptr) {
    memcpy(grown, ptr, old_size < new_size ? old_size : new_size);
    free(ptr);
  }
  return grown;
}

void md_free(void *ptr) { free(ptr); }
