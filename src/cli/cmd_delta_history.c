/* cmd_delta_history.c — `medallion history TABLE_DIR`: one JSON line per
 * commit still in the Delta log, oldest first, in the form the conformance
 * oracle prints: {"version":N,"operation":"WRITE","timestamp":MS}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medallion/medallion.h"

static void print_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

int cmd_delta_history(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: medallion history TABLE_DIR\n");
    return 1;
  }
  md_error err;
  md_delta_table *table = NULL;
  md_delta_history *history = NULL;
  if (md_delta_table_open(argv[1], &table, &err) != MD_OK || md_delta_table_history(table, &history, &err) != MD_OK) {
    fprintf(stderr, "medallion history: %s\n", err.message);
    md_delta_table_free(table);
    return 1;
  }
  for (int64_t i = 0; i < md_delta_history_count(history); i++) {
    md_delta_commit_info info;
    md_delta_history_entry(history, i, &info);
    printf("{\"version\":%lld,\"operation\":", (long long)info.version);
    if (info.operation) print_json_string(info.operation);
    else printf("null");
    printf(",\"timestamp\":%lld", (long long)info.timestamp);
    if (info.operation_parameters) printf(",\"operationParameters\":%s", info.operation_parameters);
    if (info.engine_info) {
      printf(",\"engineInfo\":");
      print_json_string(info.engine_info);
    }
    printf("}\n");
  }
  md_delta_history_free(history);
  md_delta_table_free(table);
  return 0;
}
