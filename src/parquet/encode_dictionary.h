/* encode_dictionary.h — the dictionary of one column chunk: distinct physical
 * values in first-seen order, kept PLAIN-encoded (ready to be the dictionary
 * page), with an open-addressing hash table mapping value -> index. Private to
 * the parquet module. */
#ifndef MEDALLION_PARQUET_ENCODE_DICTIONARY_H
#define MEDALLION_PARQUET_ENCODE_DICTIONARY_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/writer_buf.h"

typedef struct encode_dict {
  int width;            /* bytes per fixed value; 0 for BYTE_ARRAY */
  writer_buf values;    /* the dictionary page body (PLAIN) */
  uint32_t count;       /* entries */
  uint32_t *entry_pos;  /* BYTE_ARRAY: offset of each entry's length prefix in values */
  uint32_t *entry_hash; /* BYTE_ARRAY: each entry's hash, to rehash without rereading */
  uint32_t entry_capacity;
  uint32_t *slots;      /* fixed widths: index + 1; 0 = empty */
  uint64_t *byte_slots; /* BYTE_ARRAY: hash's top 32 bits << 32 | (index + 1); 0 = empty */
  uint32_t slot_mask;
  int slot_shift;       /* 64 - log2(slot count), for Fibonacci hashing */
  bool failed;          /* allocation failed */
} encode_dict;

/* width: 4, 8 or a FIXED_LEN_BYTE_ARRAY width; 0 for BYTE_ARRAY. */
void encode_dict_init(encode_dict *dict, int width);
/* Empties the dictionary for the next column chunk (keeps the memory). */
void encode_dict_reset(encode_dict *dict);
void encode_dict_free(encode_dict *dict);

/* Looks up or inserts count fixed-width values, writing their indices.
 * false on allocation failure. */
bool encode_dict_put_fixed(encode_dict *dict, const uint8_t *values, int64_t count, uint32_t *indices);
/* The same for one byte array. */
bool encode_dict_put_bytes(encode_dict *dict, const uint8_t *bytes, uint32_t length, uint32_t *index);

/* Size of the dictionary page body so far. */
static inline size_t encode_dict_bytes(const encode_dict *dict) { return dict->values.size; }

#endif
