/* cmd_delta_cat.c — `medallion cat TABLE_DIR [--version N | --timestamp
 * ISO8601]` for a directory holding a Delta table: print the snapshot's rows
 * as canonical JSON lines (the conformance corpus format), sorted, so outputs
 * can be diffed. A timestamp selects the newest version committed at or
 * before it (UTC unless the text has a zone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "medallion/medallion.h"

static const char USAGE[] = "usage: medallion cat TABLE_DIR [--version N | --timestamp ISO8601]\n";

/* "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH:MM]" to ms since the epoch. */
static bool parse_iso8601(const char *s, int64_t *ms) {
  struct tm tm = {0};
  int used = 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3) return false;
  s += used;
  int64_t fraction_ms = 0;
  if (*s == 'T' || *s == ' ') {
    used = 0;
    if (sscanf(s + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &used) != 2) return false;
    s += 1 + used;
    if (*s == ':') {
      used = 0;
      if (sscanf(s + 1, "%2d%n", &tm.tm_sec, &used) != 1) return false;
      s += 1 + used;
      if (*s == '.') {
        int digits = 0;
        for (s++; *s >= '0' && *s <= '9'; s++, digits++)
          if (digits < 3) fraction_ms = fraction_ms * 10 + (*s - '0');
        for (; digits < 3; digits++) fraction_ms *= 10;
      }
    }
  }
  int offset_minutes = 0;
  if (*s == 'Z') {
    s++;
  } else if (*s == '+' || *s == '-') {
    int h = 0, m = 0;
    used = 0;
    if (sscanf(s + 1, "%2d:%2d%n", &h, &m, &used) != 2) return false;
    offset_minutes = (*s == '-' ? -1 : 1) * (h * 60 + m);
    s += 1 + used;
  }
  if (*s) return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t t = timegm(&tm);
  *ms = ((int64_t)t - offset_minutes * 60) * 1000 + fraction_ms;
  return true;
}

int cmd_delta_cat(int argc, char **argv) {
  const char *path = NULL;
  int64_t version = -1, timestamp = -1;
  bool by_time = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
      char *end = NULL;
      version = strtoll(argv[++i], &end, 10);
      if (!*argv[i] || *end || version < 0) {
        fprintf(stderr, "medallion: cat: --version wants a version number, not '%s'\n", argv[i]);
        return 1;
      }
    } else if (strcmp(argv[i], "--timestamp") == 0 && i + 1 < argc) {
      by_time = parse_iso8601(argv[++i], &timestamp);
      if (!by_time) {
        fprintf(stderr, "medallion: cat: --timestamp wants ISO 8601 (2024-01-31T12:00:00Z), not '%s'\n", argv[i]);
        return 1;
      }
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("%s", USAGE);
      return 0;
    } else if (!path && argv[i][0] != '-') {
      path = argv[i];
    } else {
      fprintf(stderr, "medallion: cat: unexpected argument '%s' (try 'medallion cat --help')\n", argv[i]);
      return 1;
    }
  }
  if (!path || (by_time && version >= 0)) {
    fprintf(stderr, "medallion: cat: missing argument TABLE_DIR, or both --version and --timestamp\n");
    return 1;
  }
  md_error err;
  md_delta_table *table = NULL;
  md_delta_snapshot *snapshot = NULL;
  char *text = NULL;
  size_t len = 0;
  md_code rc = md_delta_table_open(path, &table, &err);
  if (rc == MD_OK && by_time) rc = md_delta_snapshot_at_timestamp(table, timestamp, &snapshot, &err);
  else if (rc == MD_OK) rc = md_delta_snapshot_at_version(table, version, &snapshot, &err);
  if (rc == MD_OK) rc = md_delta_snapshot_canonical(snapshot, &text, &len, &err);
  if (rc == MD_OK && fwrite(text, 1, len, stdout) != len) {
    fprintf(stderr, "medallion: cat: write failed\n");
    rc = MD_ERR_IO;
  } else if (rc != MD_OK) {
    fprintf(stderr, "medallion: cat: %s\n", err.message);
  }
  free(text);
  md_delta_snapshot_free(snapshot);
  md_delta_table_free(table);
  return rc == MD_OK ? 0 : 1;
}
