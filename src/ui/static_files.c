/* static_files.c — find a compiled-in page asset by its URL path. The assets
 * themselves (src/ui/assets/) are turned into C arrays at build time by
 * src/ui/embed.cmake, so the UI needs no file, CDN or network at run time. */
#include <string.h>

#include "ui/ui_internal.h"

/* Defined in the generated ui_assets_data.c. */
extern const ui_static_file ui_static_files[];
extern const size_t ui_static_file_count;

const ui_static_file *ui_static_lookup(const char *path) {
  for (size_t i = 0; i < ui_static_file_count; i++)
    if (strcmp(ui_static_files[i].path, path) == 0) return &ui_static_files[i];
  return NULL;
}
