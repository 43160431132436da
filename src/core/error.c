/* error.c — the error value every fallible call fills: a code and a message that
 * grows context ("file: row group 3: column X: ...") as it travels up. */
#include <stdio.h>
#include <string.h>

#include "medallion/core.h"

void md_error_clear(md_error *err) {
  if (!err) return;
  err->code = MD_OK;
  err->message[0] = '\0';
}

md_code md_error_setv(md_error *err, md_code code, const char *fmt, va_list ap) {
  if (!err) return code;
  err->code = code;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  return code;
}

md_code md_error_set(md_error *err, md_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  md_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}

md_code md_error_context(md_error *err, const char *fmt, ...) {
  if (!err) return MD_ERR_INTERNAL;
  char prefix[MD_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  if (n < 0) return err->code;
  /* Rebuild as "<prefix>: <old message>", truncating the tail if it must. */
  char joined[MD_ERROR_MESSAGE_MAX];
  size_t used = strlen(prefix);
  if (used > sizeof joined - 3) used = sizeof joined - 3;
  memcpy(joined, prefix, used);
  memcpy(joined + used, ": ", 2);
  used += 2;
  size_t rest = strlen(err->message);
  if (rest > sizeof joined - 1 - used) rest = sizeof joined - 1 - used;
  memcpy(joined + used, err->message, rest);
  joined[used + rest] = '\0';
  memcpy(err->message, joined, used + rest + 1);
  return err->code;
}

const char *md_code_name(md_code code) {
  switch (code) {
    case MD_OK: return "ok";
    case MD_ERR_INVALID: return "invalid argument";
    case MD_ERR_IO: return "i/o error";
    case MD_ERR_CORRUPT: return "corrupt input";
    case MD_ERR_UNSUPPORTED: return "not supported";
    case MD_ERR_NOMEM: return "out of memory";
    case MD_ERR_SCHEMA: return "schema mismatch";
    case MD_ERR_OVERFLOW: return "overflow";
    case MD_ERR_NOT_FOUND: return "not found";
    case MD_ERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}

const char *md_version(void) { return MEDALLION_VERSION; }
