/* memory.c — aligned allocation for column buffers.
 *
 * Arrow recommends 64-byte alignment so that vectorised loops never straddle a
 * cache line at a buffer's start; every buffer of ours comes from here. */
#include <stdlib.h>
#include <string.h>

#include "medallion/core.h"

enum { MD_ALIGNMENT = 64 };

void *md_alloc(size_t size) {
  void *ptr = NULL;
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
