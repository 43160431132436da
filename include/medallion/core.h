/* core.h — Medallion's columnar core: errors, types, schemas, columns and record
 * batches in the Apache Arrow memory layout, and the Arrow C Data Interface.
 *
 * Conventions that hold for every public function of every module:
 *  - Fallible functions return an md_code (MD_OK = 0) and fill the caller's
 *    md_error (which may be NULL when the caller does not care why).
 *  - On error, output parameters are left untouched and nothing is leaked.
 *  - md_x_new / md_x_free pairs; every *_free accepts NULL.
 *  - Borrowed pointers are const and live as long as the object they came from.
 *  - A function that takes ownership of an argument says so.
 *
 * Columns use the Arrow layout exactly (validity bitmap LSB-first, int32 offsets
 * for utf8/binary/list, 16-byte little-endian decimal128, ...), so a column can
 * be handed to another engine through md_column_export without copying. */
#ifndef MEDALLION_CORE_H
#define MEDALLION_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ errors */

typedef enum md_code {
  MD_OK = 0,
  MD_ERR_INVALID = 1,     /* bad argument or usage */
  MD_ERR_IO = 2,          /* the operating system refused (open, read, rename) */
  MD_ERR_CORRUPT = 3,     /* input bytes violate their format */
  MD_ERR_UNSUPPORTED = 4, /* valid input using a feature we do not implement */
  MD_ERR_NOMEM = 5,       /* allocation failed or a size limit was exceeded */
  MD_ERR_SCHEMA = 6,      /* a schema or type does not match what is required */
  MD_ERR_OVERFLOW = 7,    /* an arithmetic or cast result does not fit */
  MD_ERR_NOT_FOUND = 8,   /* a named file, table, column or version is missing */
  MD_ERR_INTERNAL = 9     /* a bug in Medallion: please report it */
} md_code;

#define MD_ERROR_MESSAGE_MAX 1024

/* An error value, owned by the caller (usually on the stack). The message reads
 * from the outermost context to the innermost cause, e.g.
 * "billing.parquet: row group 3: column AMOUNT: page header truncated at byte 81920".
 * Context is prepended with md_error_context as an error travels up the stack. */
typedef struct md_error {
  md_code code;
  char message[MD_ERROR_MESSAGE_MAX];
} md_error;

/* Reset to MD_OK with an empty message. */
void md_error_clear(md_error *err);
/* Set code and message (printf format); returns code so callers can
 * `return md_error_set(err, MD_ERR_CORRUPT, "...")`. err may be NULL. */
md_code md_error_set(md_error *err, md_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
md_code md_error_setv(md_error *err, md_code code, const char *fmt, va_list ap);
/* Prepend "<context>: " to the message; returns err->code. err may be NULL. */
md_code md_error_context(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "corrupt", "io", ... — a static string. */
const char *md_code_name(md_code code);

/* The library version, e.g. "0.1.0". */
const char *md_version(void);

/* ------------------------------------------------------------------ memory */

/* Buffers are 64-byte aligned (Arrow's recommendation, and what SIMD loops want).
 * These return NULL on failure; md_free accepts NULL. */
void *md_alloc(size_t size);
void *md_alloc_zeroed(size_t size);
void *md_realloc(void *ptr, size_t old_size, size_t new_size);
void md_free(void *ptr);

/* ------------------------------------------------------------------- types */

typedef enum md_type_id {
  MD_TYPE_NULL = 0,
  MD_TYPE_BOOL,
  MD_TYPE_INT8,
  MD_TYPE_INT16,
  MD_TYPE_INT32,
  MD_TYPE_INT64,
  MD_TYPE_UINT8,
  MD_TYPE_UINT16,
  MD_TYPE_UINT32,
  MD_TYPE_UINT64,
  MD_TYPE_FLOAT32,
  MD_TYPE_FLOAT64,
  MD_TYPE_UTF8,          /* int32 offsets + bytes */
  MD_TYPE_BINARY,        /* int32 offsets + bytes */
  MD_TYPE_FIXED_BINARY,  /* byte_width bytes per value */
  MD_TYPE_DATE32,        /* int32 days since 1970-01-01 */
  MD_TYPE_TIME32,        /* int32 since midnight, unit SECOND or MILLI */
  MD_TYPE_TIME64,        /* int64 since midnight, unit MICRO or NANO */
  MD_TYPE_TIMESTAMP,     /* int64 since 1970-01-01T00:00:00, unit, utc flag */
  MD_TYPE_DECIMAL128,    /* 16-byte little-endian two's complement, precision <= 38 */
  MD_TYPE_INTERVAL_MDN,  /* Arrow month_day_nano: int32 months, int32 days, int64 ns */
  MD_TYPE_LIST,          /* int32 offsets + one child column */
  MD_TYPE_STRUCT,        /* one child column per field */
  MD_TYPE_MAP,           /* int32 offsets + one child struct<key, value> */
  MD_TYPE_COUNT_         /* not a type: the number of ids */
} md_type_id;

typedef enum md_time_unit { MD_SECOND = 0, MD_MILLI = 1, MD_MICRO = 2, MD_NANO = 3 } md_time_unit;

/* A type is a small value. Parameters not used by the id are zero. Children of
 * nested types live in the md_field that carries the type. */
typedef struct md_type {
  md_type_id id;
  int32_t byte_width;   /* FIXED_BINARY */
  int16_t precision;    /* DECIMAL128: 1..38 */
  int16_t scale;        /* DECIMAL128: 0..precision */
  md_time_unit unit;    /* TIME32, TIME64, TIMESTAMP */
  bool utc;             /* TIMESTAMP: adjusted to UTC (Arrow timezone "UTC") */
} md_type;

md_type md_type_make(md_type_id id);
md_type md_type_fixed_binary(int32_t byte_width);
md_type md_type_decimal(int precision, int scale);
md_type md_type_timestamp(md_time_unit unit, bool utc);
md_type md_type_time(md_time_unit unit); /* TIME32 for s/ms, TIME64 for us/ns */
bool md_type_equal(md_type a, md_type b);
/* Bytes per value in the values buffer; 0 for bool (bits) and variable or nested types. */
int md_type_fixed_width(md_type type);
/* true for UTF8 and BINARY (offsets + data buffers). */
bool md_type_is_variable(md_type type);
bool md_type_is_nested(md_type type);
/* Human-readable, e.g. "decimal(12,2)", "timestamp[us, UTC]"; writes at most size bytes. */
void md_type_to_string(md_type type, char *buf, size_t size);

/* ----------------------------------------------------------------- scalars */

/* One value of a type, e.g. a statistic's min or max or a literal. Bytes are
 * borrowed from whatever produced the scalar (documented there). */
typedef struct md_scalar {
  md_type type;
  bool is_null;
  union {
    bool b;
    int64_t i;       /* signed ints, DATE32, TIME32/64, TIMESTAMP */
    uint64_t u;      /* unsigned ints */
    double f;        /* FLOAT32 (widened), FLOAT64 */
    struct { const uint8_t *ptr; int64_t length; } bytes; /* UTF8, BINARY, FIXED_BINARY */
    struct { int64_t high; uint64_t low; } decimal;       /* DECIMAL128 */
  } v;
} md_scalar;

/* <0, 0, >0 by the type's natural order (bytes: unsigned lexicographic; floats:
 * NaN greatest; nulls first). Both scalars must have equal type ids. */
int md_scalar_compare(const md_scalar *a, const md_scalar *b);

/* ---------------------------------------------------------------- calendar */

/* Proleptic Gregorian civil date <-> days since 1970-01-01 (date32's unit).
 * month 1..12, day 1..31; no validation of the day against the month. */
int64_t md_days_from_civil(int64_t year, int month, int day);
void md_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* ---------------------------------------------------- key-value metadata */

typedef struct md_metadata md_metadata; /* ordered string pairs; opaque */

md_metadata *md_metadata_new(void);
void md_metadata_free(md_metadata *md);
md_code md_metadata_set(md_metadata *md, const char *key, const char *value, md_error *err);
int md_metadata_count(const md_metadata *md);
const char *md_metadata_key(const md_metadata *md, int i);
const char *md_metadata_value(const md_metadata *md, int i);
/* NULL when absent. */
const char *md_metadata_get(const md_metadata *md, const char *key);
md_metadata *md_metadata_copy(const md_metadata *md);

/* ------------------------------------------------------- fields & schemas */

typedef struct md_field md_field;   /* name, type, nullability, metadata, children */
typedef struct md_schema md_schema; /* ordered top-level fields + metadata */

/* NULL on allocation failure. */
md_field *md_field_new(const char *name, md_type type, bool nullable);
void md_field_free(md_field *field);
md_field *md_field_copy(const md_field *field);
/* Takes ownership of child (also on failure). LIST has one child, MAP one
 * struct child with fields "key" and "value", STRUCT one child per field. */
md_code md_field_add_child(md_field *parent, md_field *child, md_error *err);
const char *md_field_name(const md_field *field);
md_type md_field_type(const md_field *field);
bool md_field_nullable(const md_field *field);
int md_field_num_children(const md_field *field);
const md_field *md_field_child(const md_field *field, int i);
/* Created on first use; never NULL unless allocation fails. */
md_metadata *md_field_metadata(md_field *field);
const md_metadata *md_field_metadata_const(const md_field *field);

md_schema *md_schema_new(void);
void md_schema_free(md_schema *schema);
md_schema *md_schema_copy(const md_schema *schema);
/* Takes ownership of field (also on failure). Field names must be unique. */
md_code md_schema_add(md_schema *schema, md_field *field, md_error *err);
int md_schema_num_fields(const md_schema *schema);
const md_field *md_schema_field(const md_schema *schema, int i);
/* Index of the field named name, or -1. */
int md_schema_find(const md_schema *schema, const char *name);
md_metadata *md_schema_metadata(md_schema *schema);
const md_metadata *md_schema_metadata_const(const md_schema *schema);
/* Same names, types, nullability and children (metadata ignored). */
bool md_schema_equal(const md_schema *a, const md_schema *b);

/* ------------------------------------------------------------------ columns */

/* A column is one Arrow array: type, length, validity bitmap (NULL when there are
 * no nulls), and buffers by layout:
 *   fixed width (ints, floats, dates, times, timestamps, decimal, fixed binary,
 *   interval): values
 *   BOOL: values as a bitmap
 *   UTF8 / BINARY: int32 offsets (length + 1) and data bytes
 *   LIST / MAP: int32 offsets (length + 1) and child 0
 *   STRUCT: children, one per field, each of the struct's length
 * Columns are reference counted so that batches can share them and Arrow export
 * need not copy: md_column_ref adds a reference, md_column_free drops one.
 * A column with more than one reference must not be modified. */
typedef struct md_column md_column;

/* An empty column of the given type. Nested types get their children from
 * md_column_new_for_field. NULL on allocation failure. */
md_column *md_column_new(md_type type);
/* A nested column whose children are built from field's children (recursively). */
md_column *md_column_new_for_field(const md_field *field);
md_column *md_column_ref(md_column *column);
void md_column_free(md_column *column);

md_type md_column_type(const md_column *column);
int64_t md_column_length(const md_column *column);
int64_t md_column_null_count(const md_column *column);
int md_column_num_children(const md_column *column);
md_column *md_column_child(const md_column *column, int i);

/* Read access to the Arrow buffers. validity is NULL when the column has no nulls.
 * offsets: UTF8, BINARY, LIST, MAP. data: values (or bytes for UTF8/BINARY). */
const uint8_t *md_column_validity(const md_column *column);
const void *md_column_values(const md_column *column);
const int32_t *md_column_offsets(const md_column *column);
const uint8_t *md_column_data(const md_column *column);
/* Size in bytes of the data buffer (UTF8/BINARY: offsets[length]). */
int64_t md_column_data_size(const md_column *column);

bool md_column_is_null(const md_column *column, int64_t row);
static inline bool md_bit_get(const uint8_t *bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
static inline void md_bit_set(uint8_t *bits, int64_t i) { bits[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void md_bit_clear(uint8_t *bits, int64_t i) { bits[i >> 3] &= (uint8_t)~(1u << (i & 7)); }

/* Appending, one value at a time (convenient, not the fastest path). Each value
 * append must match the column's type width:
 *   md_column_append_bool      BOOL
 *   md_column_append_int       INT*, UINT* (value truncated to the width), DATE32,
 *                              TIME32/64, TIMESTAMP
 *   md_column_append_double    FLOAT32, FLOAT64
 *   md_column_append_bytes     UTF8, BINARY, FIXED_BINARY (len must equal width)
 *   md_column_append_decimal   DECIMAL128 from (high, low) 64-bit halves
 *   md_column_append_fixed     any fixed-width type from raw little-endian bytes
 * For nested columns: append values to the children, then md_column_append_list
 * (LIST/MAP: the list ends at the child's current length) or
 * md_column_append_struct (STRUCT: children already hold the row). */
md_code md_column_append_null(md_column *column, md_error *err);
md_code md_column_append_nulls(md_column *column, int64_t count, md_error *err);
md_code md_column_append_bool(md_column *column, bool value, md_error *err);
md_code md_column_append_int(md_column *column, int64_t value, md_error *err);
md_code md_column_append_double(md_column *column, double value, md_error *err);
md_code md_column_append_bytes(md_column *column, const void *bytes, int64_t length, md_error *err);
md_code md_column_append_decimal(md_column *column, int64_t high, uint64_t low, md_error *err);
md_code md_column_append_fixed(md_column *column, const void *value, md_error *err);
md_code md_column_append_list(md_column *column, md_error *err);
md_code md_column_append_struct(md_column *column, md_error *err);

/* Bulk building, for decoders that write straight into the buffers:
 * reserve room for `additional` more values (and `additional_bytes` more data
 * bytes for UTF8/BINARY), write them past the current length through the
 * *_mut pointers, then commit with md_column_set_length. The validity bitmap is
 * created on demand by md_column_validity_mut (all bits of existing rows set). */
md_code md_column_reserve(md_column *column, int64_t additional, int64_t additional_bytes, md_error *err);
void *md_column_values_mut(md_column *column);
int32_t *md_column_offsets_mut(md_column *column);
uint8_t *md_column_data_mut(md_column *column);
uint8_t *md_column_validity_mut(md_column *column, md_error *err);
/* Commits the length (and, for UTF8/BINARY, trusts offsets[length] as data size)
 * and recounts nulls from the validity bitmap. */
void md_column_set_length(md_column *column, int64_t length);

/* A new column holding rows [offset, offset+length) (copied). */
md_code md_column_slice_copy(const md_column *column, int64_t offset, int64_t length, md_column **out,
                             md_error *err);
/* Append all rows of src to dst (same type). */
md_code md_column_append_column(md_column *dst, const md_column *src, md_error *err);
/* Append src's rows [offset, offset+length) to dst (same type): a slice_copy
 * plus append_column without the intermediate column. */
md_code md_column_append_range(md_column *dst, const md_column *src, int64_t offset, int64_t length,
                               md_error *err);
/* Append src's rows rows[0..n) (any order, repeats allowed) to dst (same type),
 * reserving once: the gather for splitting a batch by a key. */
md_code md_column_append_rows(md_column *dst, const md_column *src, const int64_t *rows, int64_t n,
                              md_error *err);
/* Check the Arrow invariants (offsets monotonic and in range, child lengths,
 * utf8 validity when check_utf8). Used on imported data. */
md_code md_column_validate(const md_column *column, bool check_utf8, md_error *err);

/* ------------------------------------------------------------ record batches */

typedef struct md_batch md_batch; /* a schema and one column per field, equal lengths */

/* Takes ownership of schema and of the columns array entries (not the array),
 * also on failure; fails if the column count, types or lengths do not match the
 * schema. */
md_code md_batch_new(md_schema *schema, md_column **columns, int num_columns, md_batch **out,
                     md_error *err);
void md_batch_free(md_batch *batch);
/* A new batch holding references to batch's columns and a copy of its schema:
 * no values are copied, and both batches are freed on their own. */
md_code md_batch_share(const md_batch *batch, md_batch **out, md_error *err);
const md_schema *md_batch_schema(const md_batch *batch);
int64_t md_batch_num_rows(const md_batch *batch);
int md_batch_num_columns(const md_batch *batch);
/* Borrowed; md_column_ref it to keep it beyond the batch. */
md_column *md_batch_column(const md_batch *batch, int i);

/* --------------------------------------------------- Arrow C Data Interface */

/* The structs of the Arrow C Data Interface, as the specification defines them
 * (ABI-stable; guarded so that a program that also includes Arrow's header sees
 * one definition). */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4
struct ArrowSchema {
  const char *format;
  const char *name;
  const char *metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema **children;
  struct ArrowSchema *dictionary;
  void (*release)(struct ArrowSchema *);
  void *private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void **buffers;
  struct ArrowArray **children;
  struct ArrowArray *dictionary;
  void (*release)(struct ArrowArray *);
  void *private_data;
};
#endif

/* Export without copying: out holds a reference to the column's buffers until
 * the consumer calls out->release. */
md_code md_field_export(const md_field *field, struct ArrowSchema *out, md_error *err);
md_code md_column_export(md_column *column, struct ArrowArray *out, md_error *err);
/* A batch is exported as a struct array whose children are its columns. */
md_code md_schema_export(const md_schema *schema, struct ArrowSchema *out, md_error *err);
md_code md_batch_export(md_batch *batch, struct ArrowArray *out, md_error *err);

/* Import without copying: takes ownership of array (moves it; array->release is
 * set to NULL) and calls its release when the last column referencing it is
 * freed. schema is borrowed. Unsupported formats are refused naming the format. */
md_code md_field_import(const struct ArrowSchema *schema, md_field **out, md_error *err);
md_code md_schema_import(const struct ArrowSchema *schema, md_schema **out, md_error *err);
md_code md_column_import(struct ArrowArray *array, const struct ArrowSchema *schema, md_column **out,
                         md_error *err);
md_code md_batch_import(struct ArrowArray *array, const struct ArrowSchema *schema, md_batch **out,
                        md_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MEDALLION_CORE_H */
