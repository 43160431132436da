/* time_text.h — dates and timestamps as text, both ways: parsing Delta
 * partition values and formatting canonical rows. Proleptic Gregorian
 * calendar, days and microseconds since 1970-01-01 (UTC). */
#ifndef MEDALLION_DELTA_TIME_TEXT_H
#define MEDALLION_DELTA_TIME_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medallion/core.h"

int64_t delta_days_from_civil(int64_t year, int month, int day);
void delta_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
/* "YYYY-MM-DD" -> days since the epoch. */
bool delta_parse_date(const char *text, int64_t *days);
/* "YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z|±HH:MM]" (or a bare date) -> microseconds
 * since the epoch, UTC; without a zone the text is taken as UTC. */
bool delta_parse_timestamp_micros(const char *text, int64_t *micros);
/* A timestamp value of the given unit in microseconds (nanoseconds round down). */
int64_t delta_timestamp_to_micros(int64_t value, md_time_unit unit);
/* "YYYY-MM-DD" */
void delta_format_date(int64_t days, char *buf, size_t size);
/* "YYYY-MM-DDTHH:MM:SS.ffffff" plus "Z" when utc. */
void delta_format_timestamp_micros(int64_t micros, bool utc, char *buf, size_t size);

#endif /* MEDALLION_DELTA_TIME_TEXT_H */
