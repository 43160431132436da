/* json_render.h — print rows and values as the canonical JSON lines of
 * shared/conformance/parquet/README.md (the format `medallion cat` prints and the
 * conformance corpus expects).
 *
 * Choices the README leaves open, fixed here so output is deterministic:
 *  - doubles: the shortest decimal that parses back to the same double, laid out
 *    like JavaScript's Number#toString (exponent form below 1e-6 and from 1e21),
 *    with ".0" added to integral values ("3.0"); -0.0 is "-0.0"; NaN and the
 *    infinities are the strings "NaN", "Infinity", "-Infinity". FLOAT32 values are
 *    widened to double first (1.1f prints as 1.100000023841858).
 *  - strings: escaped like JSON.stringify (\" \\ \b \f \n \r \t, other control
 *    characters as \u00xx, NUL as \u0000). Bytes that are not well-formed UTF-8
 *    are replaced one byte at a time by U+FFFD, so the output is always valid
 *    UTF-8 and the same bytes always give the same text.
 *  - interval month_day_nano: {"months":m,"days":d,"millis":ms} with
 *    ms = floor(nanoseconds / 10^6) (Parquet's INTERVAL only holds milliseconds).
 *  - TIMESTAMP with unit SECOND prints 6 fraction digits, like MILLI and MICRO.
 *  - TIME and TIMESTAMP values are split with floor division, so times before
 *    the epoch (or negative times of day) still print digits 0..9 only. */
#ifndef MEDALLION_CLI_JSON_RENDER_H
#define MEDALLION_CLI_JSON_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "cli/text_buf.h"
#include "medallion/core.h"

/* Big enough for any formatted scalar except strings and bytes. */
#define JSON_SCALAR_MAX 96

/* Appends row `row` of batch as one JSON object (keys = column names in schema
 * order), without a trailing newline. Fails only on allocation failure
 * (MD_ERR_NOMEM) or a column whose offsets are out of range (MD_ERR_CORRUPT). */
md_code json_render_row(text_buf *out, const md_batch *batch, int64_t row, md_error *err);

/* Appends the value at row of column; field supplies the names of nested children. */
md_code json_render_value(text_buf *out, const md_field *field, const md_column *column, int64_t row,
                          md_error *err);

/* Appends a scalar (e.g. a statistic) the way a column value of its type prints. */
md_code json_render_scalar(text_buf *out, const md_scalar *value, md_error *err);

/* Appends bytes as a JSON string literal (quotes included), escaped as above. */
void json_append_string(text_buf *out, const uint8_t *bytes, size_t length);
/* Appends bytes as a JSON string of lower-case hex digits. */
void json_append_hex(text_buf *out, const uint8_t *bytes, size_t length);

/* The formatters below write into out (at least JSON_SCALAR_MAX bytes), NUL-
 * terminate it and return the length. Quotes are included where the JSON value
 * is a string. */
size_t json_format_double(double value, char *out);
/* A 128-bit two's complement integer (high, low halves) with `scale` digits after
 * the point, quoted: "-12.50". scale outside 0..76 is clamped. */
size_t json_format_decimal128(int64_t high, uint64_t low, int scale, char *out);
/* Days since 1970-01-01: "YYYY-MM-DD" (4+ digit year, "-" before year 0). */
size_t json_format_date(int64_t days, char *out);
/* Ticks of unit since midnight: "HH:MM:SS" or with 6 (9 for NANO) fraction digits. */
size_t json_format_time(int64_t ticks, md_time_unit unit, char *out);
/* Ticks of unit since the epoch: "YYYY-MM-DDTHH:MM:SS.ffffff[fff]" and "Z" if utc. */
size_t json_format_timestamp(int64_t ticks, md_time_unit unit, bool utc, char *out);

#endif
