/* type.c — the md_type value: constructors, equality, widths and display names.
 *
 * Types are plain values so that schemas, statistics and kernels can copy and
 * compare them freely; parameters an id does not use stay zero, which is what
 * lets md_type_equal ignore them without surprises. */
#include <stdio.h>
#include <string.h>

#include "medallion/core.h"

md_type md_type_make(md_type_id id) {
  md_type type;
  memset(&type, 0, sizeof type);
  type.id = id;
  return type;
}

md_type md_type_fixed_binary(int32_t byte_width) {
  md_type type = md_type_make(MD_TYPE_FIXED_BINARY);
  type.byte_width = byte_width;
  return type;
}

md_type md_type_decimal(int precision, int scale) {
  md_type type = md_type_make(MD_TYPE_DECIMAL128);
  type.precision = (int16_t)precision;
  type.scale = (int16_t)scale;
  return type;
}

md_type md_type_timestamp(md_time_unit unit, bool utc) {
  md_type type = md_type_make(MD_TYPE_TIMESTAMP);
  type.unit = unit;
  type.utc = utc;
  return type;
}

md_type md_type_time(md_time_unit unit) {
  /* Arrow stores second and millisecond times in 32 bits, finer units in 64. */
  md_type type = md_type_make(unit == MD_SECOND || unit == MD_MILLI ? MD_TYPE_TIME32 : MD_TYPE_TIME64);
  type.unit = unit;
  return type;
}

bool md_type_equal(md_type a, md_type b) {
  if (a.id != b.id) return false;
  switch (a.id) {
    case MD_TYPE_FIXED_BINARY: return a.byte_width == b.byte_width;
    case MD_TYPE_DECIMAL128: return a.precision == b.precision && a.scale == b.scale;
    case MD_TYPE_TIME32:
    case MD_TYPE_TIME64: return a.unit == b.unit;
    case MD_TYPE_TIMESTAMP: return a.unit == b.unit && a.utc == b.utc;
    default: return true;
  }
}

int md_type_fixed_width(md_type type) {
  switch (type.id) {
    case MD_TYPE_INT8:
    case MD_TYPE_UINT8: return 1;
    case MD_TYPE_INT16:
    case MD_TYPE_UINT16: return 2;
    case MD_TYPE_INT32:
    case MD_TYPE_UINT32:
    case MD_TYPE_FLOAT32:
    case MD_TYPE_DATE32:
    case MD_TYPE_TIME32: return 4;
    case MD_TYPE_INT64:
    case MD_TYPE_UINT64:
    case MD_TYPE_FLOAT64:
    case MD_TYPE_TIME64:
    case MD_TYPE_TIMESTAMP: return 8;
    case MD_TYPE_DECIMAL128:
    case MD_TYPE_INTERVAL_MDN: return 16;
    case MD_TYPE_FIXED_BINARY: return type.byte_width > 0 ? type.byte_width : 0;
    default: return 0;
  }
}

bool md_type_is_variable(md_type type) { return type.id == MD_TYPE_UTF8 || type.id == MD_TYPE_BINARY; }

bool md_type_is_nested(md_type type) {
  return type.id == MD_TYPE_LIST || type.id == MD_TYPE_STRUCT || type.id == MD_TYPE_MAP;
}

static const char *unit_name(md_time_unit unit) {
  switch (unit) {
    case MD_SECOND: return "s";
    case MD_MILLI: return "ms";
    case MD_MICRO: return "us";
    case MD_NANO: return "ns";
  }
  return "?";
}

/* Names follow Arrow's where Arrow has a short one; parameters in Arrow's
 * brackets, except decimal which reads like SQL ("decimal(12,2)"). */
void md_type_to_string(md_type type, char *buf, size_t size) {
  if (!buf || size == 0) return;
  static const char *const names[MD_TYPE_COUNT_] = {
      [MD_TYPE_NULL] = "null",       [MD_TYPE_BOOL] = "bool",       [MD_TYPE_INT8] = "int8",
      [MD_TYPE_INT16] = "int16",     [MD_TYPE_INT32] = "int32",     [MD_TYPE_INT64] = "int64",
      [MD_TYPE_UINT8] = "uint8",     [MD_TYPE_UINT16] = "uint16",   [MD_TYPE_UINT32] = "uint32",
      [MD_TYPE_UINT64] = "uint64",   [MD_TYPE_FLOAT32] = "float32", [MD_TYPE_FLOAT64] = "float64",
      [MD_TYPE_UTF8] = "utf8",       [MD_TYPE_BINARY] = "binary",   [MD_TYPE_DATE32] = "date32",
      [MD_TYPE_INTERVAL_MDN] = "interval[month_day_nano]",
      [MD_TYPE_LIST] = "list",       [MD_TYPE_STRUCT] = "struct",   [MD_TYPE_MAP] = "map",
  };
  switch (type.id) {
    case MD_TYPE_FIXED_BINARY: snprintf(buf, size, "fixed_size_binary[%d]", (int)type.byte_width); return;
    case MD_TYPE_DECIMAL128: snprintf(buf, size, "decimal(%d,%d)", type.precision, type.scale); return;
    case MD_TYPE_TIME32: snprintf(buf, size, "time32[%s]", unit_name(type.unit)); return;
    case MD_TYPE_TIME64: snprintf(buf, size, "time64[%s]", unit_name(type.unit)); return;
    case MD_TYPE_TIMESTAMP:
      snprintf(buf, size, "timestamp[%s%s]", unit_name(type.unit), type.utc ? ", UTC" : "");
      return;
    default: break;
  }
  const char *name = (type.id >= 0 && type.id < MD_TYPE_COUNT_) ? names[type.id] : NULL;
  snprintf(buf, size, "%s", name ? name : "unknown");
}
