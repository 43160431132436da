/* fuzz_delta_json.c — libFuzzer target for the Delta log's JSON parser.
 *
 * Any bytes must parse or be refused without a crash, leak or over-read; what
 * parses must re-serialize to text that parses again to the same text, which
 * checks the writer's escaping against the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  delta_json_doc *doc = NULL;
  md_error err;
  if (delta_json_parse((const char *)data, size, &doc, &err) != MD_OK) return 0;
  delta_buf first, second;
  delta_buf_init(&first);
  delta_buf_init(&second);
  delta_json_write_value(&first, delta_json_root(doc));
  delta_json_doc *again = NULL;
  if (!delta_buf_failed(&first)) {
    if (delta_json_parse(first.data, first.len, &again, &err) != MD_OK) abort();
    delta_json_write_value(&second, delta_json_root(again));
    if (!delta_buf_failed(&second) && (second.len != first.len || memcmp(first.data, second.data, first.len) != 0))
      abort();
  }
  delta_json_doc_free(again);
  delta_json_doc_free(doc);
  delta_buf_free(&first);
  delta_buf_free(&second);
  return 0;
}
