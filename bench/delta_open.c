/* delta_open.c — benchmark: open the latest snapshot of a Delta table with
 * many commits (issue 5: 10,000).
 *
 *   bench/delta_open.sh [COMMITS]     (builds this against build/ and runs it)
 *
 * The table is generated directly as JSON commits (one add per commit, every
 * tenth commit also removing an earlier file), because writing 10,000 commits
 * through md_delta_write would itself replay the log 10,000 times. Only the
 * log is measured: open (listing) and replay to the latest version; data
 * files are not read, so they need not exist. It is timed twice: as a full
 * JSON replay, then after md_delta_checkpoint of the version 10 before the
 * latest (what the writer's every-10-commits checkpoints give). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "medallion/delta.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int generate(const char *table, int commits) {
  char path[4400];
  mkdir(table, 0777);
  snprintf(path, sizeof path, "%s/_delta_log", table);
  mkdir(path, 0777);
  for (int v = 0; v < commits; v++) {
    snprintf(path, sizeof path, "%s/_delta_log/%020d.json", table, v);
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    long long ts = 1700000000000LL + v * 1000LL;
    fprintf(f, "{\"commitInfo\":{\"timestamp\":%lld,\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\"}}}\n", ts);
    if (v == 0) {
      fprintf(f, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n");
      fprintf(f, "{\"metaData\":{\"id\":\"bench\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
                 "\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":"
                 "\\\"long\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],"
                 "\"configuration\":{},\"createdTime\":%lld}}\n", ts);
    }
    if (v % 10 == 9)
      fprintf(f, "{\"remove\":{\"path\":\"part-%08d.parquet\",\"deletionTimestamp\":%lld,\"dataChange\":true}}\n", v - 5, ts);
    fprintf(f, "{\"add\":{\"path\":\"part-%08d.parquet\",\"partitionValues\":{},\"size\":1000,\"modificationTime\":%lld,"
               "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":10,\\\"minValues\\\":{\\\"id\\\":%d},"
               "\\\"maxValues\\\":{\\\"id\\\":%d},\\\"nullCount\\\":{\\\"id\\\":0}}\"}}\n", v, ts, v * 10, v * 10 + 9);
    fclose(f);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: delta_open TABLE_DIR [COMMITS]\n");
    return 2;
  }
  int commits = argc > 2 ? atoi(argv[2]) : 10000;
  if (!md_delta_is_table(argv[1]) && generate(argv[1], commits) != 0) {
    fprintf(stderr, "cannot generate %s\n", argv[1]);
    return 1;
  }
  for (int run = 0; run < 4; run++) {
    if (run == 2) {
      md_error err;
      if (md_delta_checkpoint(argv[1], commits - 10, &err) != MD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
      }
    }
    double t0 = seconds();
    md_error err;
    md_delta_table *table = NULL;
    md_delta_snapshot *snapshot = NULL;
    if (md_delta_table_open(argv[1], &table, &err) != MD_OK ||
        md_delta_snapshot_at_version(table, -1, &snapshot, &err) != MD_OK) {
      fprintf(stderr, "%s\n", err.message);
      return 1;
    }
    double t1 = seconds();
    printf("%s run %d: opened version %lld (%lld live files) in %.1f ms\n", run < 2 ? "json" : "checkpointed", run, (long long)md_delta_snapshot_version(snapshot),
           (long long)md_delta_snapshot_num_files(snapshot), (t1 - t0) * 1000);
    md_delta_snapshot_free(snapshot);
    md_delta_table_free(table);
  }
  return 0;
}
