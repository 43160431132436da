/* fuzz_delta_dv.c — libFuzzer target for the deletion vector decoder.
 *
 * Any bytes must decode or be refused without a crash, leak, over-read or an
 * allocation out of proportion to the input (run containers stay ranges);
 * what decodes must re-encode to bytes that decode to the same set, which
 * checks the encoder against the decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta/deletion_vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  delta_row_set set = {0}, again = {0};
  md_error err;
  if (delta_dv_decode_bitmap(data, size, &set, &err) == MD_OK) {
    delta_buf buf;
    delta_buf_init(&buf);
    delta_dv_encode_bitmap(&set, &buf);
    if (!delta_buf_failed(&buf)) {
      if (delta_dv_decode_bitmap((const uint8_t *)buf.data, buf.len, &again, &err) != MD_OK) abort();
      if (again.count != set.count || again.cardinality != set.cardinality ||
          (set.count && memcmp(again.ranges, set.ranges, set.count * sizeof *set.ranges) != 0))
        abort();
    }
    delta_buf_free(&buf);
  }
  delta_row_set_clear(&set);
  delta_row_set_clear(&again);
  return 0;
}
