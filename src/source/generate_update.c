/* generate_update.c — placeholder until the update generator lands. */
#include "source_internal.h"

md_code md_generate_update(const md_generate_update_options *options, md_error *err) {
  (void)options;
  return md_error_set(err, MD_ERR_UNSUPPORTED, "generate: --update-of is not implemented yet");
}
