/* export_internal.h — value formatting shared by the SQLite and DuckDB outputs. */
#ifndef MEDALLION_EXPORT_INTERNAL_H
#define MEDALLION_EXPORT_INTERNAL_H

#include "medallion/export.h"

/* Exact decimal text of a decimal128 value, e.g. "-12.30". */
void export_decimal_text(const uint8_t value[16], int scale, char *out, size_t size);
/* "YYYY-MM-DD" of a date32. */
void export_date_text(int32_t days, char *out, size_t size);
/* "YYYY-MM-DD HH:MM:SS.ffffff" of a microsecond timestamp. */
void export_timestamp_text(int64_t us, char *out, size_t size);
/* A temporary path next to path ("<path>.tmp-<pid>"). */
md_code export_temp_path(const char *path, char *out, size_t size, md_error *err);

#endif
