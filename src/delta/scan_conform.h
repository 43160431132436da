/* scan_conform.h — make a column read from a data file match the table's
 * field type (see scan_conform.c). */
#ifndef MEDALLION_DELTA_SCAN_CONFORM_H
#define MEDALLION_DELTA_SCAN_CONFORM_H

#include "medallion/core.h"

/* src_field is the file's field for src (names of nested children).
 * *out is src itself (a new reference) when it already matches field, else a
 * converted copy. Conversions that lose information are refused (MD_ERR_SCHEMA). */
md_code delta_conform_column(md_column *src, const md_field *src_field, const md_field *field, md_column **out,
                             md_error *err);

#endif /* MEDALLION_DELTA_SCAN_CONFORM_H */
