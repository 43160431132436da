/* expr_format.c — expressions as SQL-like text, for md_plan_explain and for
 * error messages that must say which expression failed. */
#include <inttypes.h>
#include <stdio.h>

#include "compute_internal.h"

typedef struct text {
  char *buf;
  size_t size, used;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
  if (t->used + 1 >= t->size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
  va_end(ap);
  if (n > 0) t->used += (size_t)n < t->size - t->used ? (size_t)n : t->size - t->used - 1;
}

static void put_scalar(text *t, const md_scalar *v) {
  char buf[64];
  if (v->is_null) {
    put(t, "NULL");
    return;
  }
  switch (v->type.id) {
    case MD_TYPE_BOOL: put(t, "%s", v->v.b ? "true" : "false"); break;
    case MD_TYPE_UINT8:
    case MD_TYPE_UINT16:
    case MD_TYPE_UINT32:
    case MD_TYPE_UINT64: put(t, "%" PRIu64, v->v.u); break;
    case MD_TYPE_FLOAT32:
    case MD_TYPE_FLOAT64: put(t, "%.17g", v->v.f); break;
    case MD_TYPE_UTF8:
    case MD_TYPE_BINARY:
    case MD_TYPE_FIXED_BINARY: put(t, "'%.*s'", (int)(v->v.bytes.length > 80 ? 80 : v->v.bytes.length), v->v.bytes.ptr); break;
    case MD_TYPE_DECIMAL128:
      dec_format((i128)((u128)(uint64_t)v->v.decimal.high << 64 | v->v.decimal.low), v->type.scale, buf, sizeof buf);
      put(t, "%s", buf);
      break;
    case MD_TYPE_DATE32: {
      int64_t y;
      int m, d;
      civil_from_days(v->v.i, &y, &m, &d);
      put(t, "DATE '%04" PRId64 "-%02d-%02d'", y, m, d);
      break;
    }
    default: put(t, "%" PRId64, v->v.i); break;
  }
}

static void format(text *t, const md_expr *e) {
  if (!e) {
    put(t, "<null>");
    return;
  }
  const char *name = expr_op_name(e->op);
  switch (e->op) {
    case EXPR_COLUMN: put(t, "%s", e->name); return;
    case EXPR_LITERAL: put_scalar(t, &e->literal); return;
    case EXPR_ADD:
    case EXPR_SUB:
    case EXPR_MUL:
    case EXPR_DIV:
    case EXPR_EQ:
    case EXPR_NE:
    case EXPR_LT:
    case EXPR_LE:
    case EXPR_GT:
    case EXPR_GE:
    case EXPR_AND:
    case EXPR_OR:
      put(t, "(");
      format(t, e->args[0]);
      put(t, " %s ", name);
      format(t, e->args[1]);
      put(t, ")");
      return;
    case EXPR_NEG:
      put(t, "-");
      format(t, e->args[0]);
      return;
    case EXPR_NOT:
      put(t, "NOT ");
      format(t, e->args[0]);
      return;
    case EXPR_IS_NULL:
    case EXPR_IS_NOT_NULL:
      put(t, "(");
      format(t, e->args[0]);
      put(t, " %s)", name);
      return;
    case EXPR_CASE:
      put(t, "CASE");
      for (int i = 0; i + 1 < e->num_args; i += 2) {
        put(t, " WHEN ");
        format(t, e->args[i]);
        put(t, " THEN ");
        format(t, e->args[i + 1]);
      }
      put(t, " ELSE ");
      format(t, e->args[e->num_args - 1]);
      put(t, " END");
      return;
    case EXPR_CAST: {
      char type[64];
      md_type_to_string(e->type, type, sizeof type);
      put(t, "cast(");
      format(t, e->args[0]);
      put(t, " AS %s)", type);
      return;
    }
    case EXPR_SUBSTRING:
      put(t, "substring(");
      format(t, e->args[0]);
      put(t, ", %" PRId64 ", %" PRId64 ")", e->start, e->length);
      return;
    case EXPR_STARTS_WITH:
      put(t, "starts_with(");
      format(t, e->args[0]);
      put(t, ", '%.*s')", (int)(e->bytes_len > 80 ? 80 : e->bytes_len), (const char *)e->bytes);
      return;
    case EXPR_HMAC:
      put(t, "hmac_sha256(");
      format(t, e->args[0]);
      put(t, ", <key>)"); /* the key is a secret: never rendered */
      return;
    case EXPR_IN_SET:
      put(t, "(");
      format(t, e->args[0]);
      put(t, " IN (");
      for (int i = 0; i < e->num_set; i++) {
        if (i) put(t, ", ");
        put_scalar(t, &e->set[i]);
      }
      put(t, "))");
      return;
    default:
      put(t, "%s(", name);
      for (int i = 0; i < e->num_args; i++) {
        if (i) put(t, ", ");
        format(t, e->args[i]);
      }
      put(t, ")");
      return;
  }
}

void scalar_format(const md_scalar *value, char *buf, size_t size) {
  if (!buf || size == 0) return;
  buf[0] = '\0';
  text t = {buf, size, 0};
  put_scalar(&t, value);
}

void md_expr_format(const md_expr *expr, char *buf, size_t size) {
  if (!buf || size == 0) return;
  buf[0] = '\0';
  text t = {buf, size, 0};
  format(&t, expr);
}
