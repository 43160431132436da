/* cat_schema.h — the report `medallion cat --schema` prints: the file's schema as
 * core types, its Parquet leaves, and per row group per leaf the chunk metadata
 * and statistics (min/max rendered like JSON values). */
#ifndef MEDALLION_CLI_CAT_SCHEMA_H
#define MEDALLION_CLI_CAT_SCHEMA_H

#include "cli/text_buf.h"
#include "medallion/parquet.h"

md_code cat_schema_print(const md_parquet_reader *reader, const char *path, text_buf *out, md_error *err);

#endif
