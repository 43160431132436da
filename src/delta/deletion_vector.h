/* deletion_vector.h — the Delta module's private deletion vector (DV) model:
 * the descriptor an add action carries, the set of deleted row positions it
 * stands for, and the codecs between them (PROTOCOL.md "Deletion Vectors").
 *
 * A row set is a sorted array of disjoint, non-adjacent ranges of physical
 * row positions: a run container of 4 bytes stands for 65536 rows, so ranges
 * keep memory proportional to the DV bytes (untrusted input never makes us
 * allocate per deleted row), and filtering a row group copies the kept
 * stretches between ranges. */
#ifndef MEDALLION_DELTA_DELETION_VECTOR_H
#define MEDALLION_DELTA_DELETION_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "delta/json.h"
#include "medallion/core.h"

/* "Deletion Vector Descriptor Schema". */
typedef struct delta_dv_descriptor {
  char storage_type;    /* 'u' (UUID, relative), 'i' (inline z85), 'p' (absolute path) */
  char *path_or_inline; /* as in the log */
  int64_t offset;       /* -1 when absent (then 1, just after the version byte) */
  int64_t size_in_bytes;
  int64_t cardinality;
} delta_dv_descriptor;

void delta_dv_descriptor_clear(delta_dv_descriptor *dv);
/* The identity used to reconcile add/remove: storage type + path/inline + "@offset". */
char *delta_dv_unique_id(const delta_dv_descriptor *dv);

typedef struct delta_row_range {
  int64_t start, end; /* [start, end) */
} delta_row_range;

typedef struct delta_row_set {
  delta_row_range *ranges; /* ascending, disjoint, never touching */
  size_t count;
  size_t capacity;
  int64_t cardinality;     /* rows in all ranges */
} delta_row_set;

void delta_row_set_clear(delta_row_set *set);
/* Adds [start, end), which must start at or after the last range's end. */
md_code delta_row_set_push(delta_row_set *set, int64_t start, int64_t end, md_error *err);
/* *out = a ∪ b; out must be empty and not alias a or b. */
md_code delta_row_set_union(const delta_row_set *a, const delta_row_set *b, delta_row_set *out, md_error *err);
/* Row positions (any order, repeats allowed, each >= 0) as a row set. */
md_code delta_row_set_from_rows(const int64_t *rows, int64_t n, delta_row_set *out, md_error *err);

/* Z85 (ZeroMQ RFC 32): 5 characters per 4 bytes, big-endian groups. */
md_code delta_z85_decode(const char *text, size_t len, uint8_t **out, size_t *out_len, md_error *err);
void delta_z85_encode(const uint8_t *bytes, size_t len, delta_buf *out); /* len % 4 == 0 */

/* Decodes the DV bitmap bytes (magic 1681511377 little-endian, then a
 * RoaringTreemap in the portable format) into *out (empty). Keys, values and
 * runs must be strictly ascending and every container's cardinality must
 * match its header, so a decoded set is exactly what the writer meant. */
md_code delta_dv_decode_bitmap(const uint8_t *data, size_t size, delta_row_set *out, md_error *err);
/* The inverse: magic + RoaringTreemap of rows. */
void delta_dv_encode_bitmap(const delta_row_set *rows, delta_buf *out);

/* Loads the DV of data file data_file (named in errors) of the table at
 * table_path: reads the bytes ('u'/'p': the DV file at offset, checking its
 * size and CRC-32; 'i': inline), decodes them and checks the cardinality. */
md_code delta_dv_load(const char *table_path, const char *data_file, const delta_dv_descriptor *dv,
                      delta_row_set *out, md_error *err);

/* The DV's file, for vacuum: relative to the table ('u') or as logged,
 * decoded ('p'); *out NULL for inline DVs. Malloc'd. */
md_code delta_dv_file(const delta_dv_descriptor *dv, char **out, md_error *err);

/* Writes rows as a new DV file <table>/deletion_vector_<uuid>.bin (to a
 * temporary name, synced, then renamed, so a crash never leaves a partial
 * file under the final name) and fills *out with its 'u' descriptor;
 * *file_out (malloc'd) is the file's path, for removal if the commit fails. */
md_code delta_dv_write(const char *table_path, const delta_row_set *rows, delta_dv_descriptor *out, char **file_out,
                       md_error *err);
/* ,"deletionVector":{...} for an add or remove action. */
void delta_dv_descriptor_append_json(delta_buf *buf, const delta_dv_descriptor *dv);

/* Local file path of a log path relative to table_path (or absolute, or a
 * file: URI). Malloc'd. */
md_code delta_local_path(const char *table_path, const char *decoded, char **out, md_error *err);

#endif /* MEDALLION_DELTA_DELETION_VECTOR_H */
