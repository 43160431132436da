/* predicate.c — the replaceWhere predicate: a conjunction of `col = lit` and
 * `col IN (lit, ...)` over partition columns.
 *
 * That is the subset an overwrite of partitions needs and can decide from the
 * log alone (a file matches by its partition values, without reading it).
 * Literals are canonicalized through the column's type at parse time, so the
 * comparison is on the protocol's text form: '2024-01-01' matches a date
 * partition, 007 matches an integer 7. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "delta/write.h"

typedef struct conjunct {
  char *column;
  md_field *field; /* the column's (copied), to canonicalize file values */
  char **values;   /* canonical texts */
  size_t num_values;
} conjunct;

struct delta_predicate {
  conjunct *terms;
  size_t num_terms;
};

typedef struct parser {
  const char *text, *p;
  const md_schema *schema;
  char *const *partition_columns;
  size_t num_partition_columns;
  delta_predicate *out;
  md_error *err;
} parser;

void delta_predicate_free(delta_predicate *predicate) {
  if (!predicate) return;
  for (size_t i = 0; i < predicate->num_terms; i++) {
    free(predicate->terms[i].column);
    md_field_free(predicate->terms[i].field);
    for (size_t j = 0; j < predicate->terms[i].num_values; j++) free(predicate->terms[i].values[j]);
    free(predicate->terms[i].values);
  }
  free(predicate->terms);
  free(predicate);
}

static md_code syntax(parser *ps, const char *what) {
  return md_error_set(ps->err, MD_ERR_INVALID, "replaceWhere '%s': %s at offset %d", ps->text, what,
                      (int)(ps->p - ps->text));
}

static void skip_space(parser *ps) {
  while (isspace((unsigned char)*ps->p)) ps->p++;
}

static bool keyword(parser *ps, const char *word) {
  skip_space(ps);
  size_t n = strlen(word);
  if (strncasecmp(ps->p, word, n) != 0 || isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_') return false;
  ps->p += n;
  return true;
}

static bool punct(parser *ps, char c) {
  skip_space(ps);
  if (*ps->p != c) return false;
  ps->p++;
  return true;
}

/* An identifier or `back-quoted name`; malloc'd into *out. */
static md_code identifier(parser *ps, char **out) {
  skip_space(ps);
  const char *start = ps->p;
  if (*ps->p == '`') {
    const char *end = strchr(ps->p + 1, '`');
    if (!end) return syntax(ps, "unterminated `name`");
    *out = strndup(ps->p + 1, (size_t)(end - ps->p - 1));
    ps->p = end + 1;
  } else {
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_') ps->p++;
    if (ps->p == start) return syntax(ps, "expected a column name");
    *out = strndup(start, (size_t)(ps->p - start));
  }
  return *out ? MD_OK : md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
}

/* 'text' ('' is a quote) or a bare number / true / false; malloc'd. */
static md_code literal(parser *ps, char **out) {
  skip_space(ps);
  if (*ps->p == '\'') {
    size_t cap = strlen(ps->p) + 1, n = 0;
    char *s = malloc(cap);
    if (!s) return md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
    for (ps->p++;; ps->p++) {
      if (!*ps->p) {
        free(s);
        return syntax(ps, "unterminated string");
      }
      if (*ps->p == '\'') {
        if (ps->p[1] != '\'') break;
        ps->p++;
      }
      s[n++] = *ps->p;
    }
    ps->p++;
    s[n] = '\0';
    *out = s;
    return MD_OK;
  }
  const char *start = ps->p;
  while (isalnum((unsigned char)*ps->p) || strchr("+-._", *ps->p)) {
    if (!*ps->p) break;
    ps->p++;
  }
  if (ps->p == start) return syntax(ps, "expected a literal");
  *out = strndup(start, (size_t)(ps->p - start));
  return *out ? MD_OK : md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
}

static md_code add_value(parser *ps, conjunct *term, const md_field *field, char *text) {
  char *canonical = NULL;
  md_code rc = delta_partition_value_canonical(field, text, &canonical, ps->err);
  free(text);
  if (rc != MD_OK) return md_error_context(ps->err, "replaceWhere '%s'", ps->text);
  if (!canonical) return syntax(ps, "null literals never match (use a value)");
  char **grown = realloc(term->values, (term->num_values + 1) * sizeof *grown);
  if (!grown) {
    free(canonical);
    return md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
  }
  term->values = grown;
  term->values[term->num_values++] = canonical;
  return MD_OK;
}

static md_code comparison(parser *ps) {
  conjunct term = {0};
  md_code rc = identifier(ps, &term.column);
  const md_field *field = NULL;
  if (rc == MD_OK) {
    bool is_partition = false;
    for (size_t i = 0; i < ps->num_partition_columns; i++)
      if (strcmp(ps->partition_columns[i], term.column) == 0) is_partition = true;
    int index = md_schema_find(ps->schema, term.column);
    if (!is_partition || index < 0)
      rc = md_error_set(ps->err, MD_ERR_INVALID, "replaceWhere '%s': %s is not a partition column", ps->text,
                        term.column);
    else field = md_schema_field(ps->schema, index);
    term.field = field ? md_field_copy(field) : NULL;
    if (field && !term.field) rc = md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
  }
  char *text = NULL;
  if (rc == MD_OK && punct(ps, '=')) {
    rc = literal(ps, &text);
    if (rc == MD_OK) rc = add_value(ps, &term, field, text);
  } else if (rc == MD_OK && keyword(ps, "IN")) {
    if (!punct(ps, '(')) rc = syntax(ps, "expected (");
    do {
      if (rc == MD_OK) rc = literal(ps, &text);
      if (rc == MD_OK) rc = add_value(ps, &term, field, text);
    } while (rc == MD_OK && punct(ps, ','));
    if (rc == MD_OK && !punct(ps, ')')) rc = syntax(ps, "expected )");
  } else if (rc == MD_OK) {
    rc = syntax(ps, "expected = or IN");
  }
  conjunct *grown = rc == MD_OK ? realloc(ps->out->terms, (ps->out->num_terms + 1) * sizeof *grown) : NULL;
  if (rc == MD_OK && !grown) rc = md_error_set(ps->err, MD_ERR_NOMEM, "out of memory");
  if (rc != MD_OK) {
    free(term.column);
    md_field_free(term.field);
    for (size_t j = 0; j < term.num_values; j++) free(term.values[j]);
    free(term.values);
    return rc;
  }
  ps->out->terms = grown;
  ps->out->terms[ps->out->num_terms++] = term;
  return MD_OK;
}

/* conjunction := factor (AND factor)* ; factor := comparison | ( conjunction ) */
static md_code conjunction(parser *ps, int depth) {
  if (depth > 32) return syntax(ps, "too deeply nested");
  md_code rc;
  do {
    if (punct(ps, '(')) {
      rc = conjunction(ps, depth + 1);
      if (rc == MD_OK && !punct(ps, ')')) rc = syntax(ps, "expected )");
    } else {
      rc = comparison(ps);
    }
  } while (rc == MD_OK && keyword(ps, "AND"));
  return rc;
}

md_code delta_predicate_parse(const char *text, const md_schema *schema, char *const *partition_columns,
                              size_t num_partition_columns, delta_predicate **out, md_error *err) {
  delta_predicate *predicate = calloc(1, sizeof *predicate);
  if (!predicate) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  parser ps = {text, text, schema, partition_columns, num_partition_columns, predicate, err};
  md_code rc = conjunction(&ps, 0);
  skip_space(&ps);
  if (rc == MD_OK && *ps.p) rc = syntax(&ps, "unexpected text (only =, IN and AND are supported)");
  if (rc != MD_OK) {
    delta_predicate_free(predicate);
    return rc;
  }
  *out = predicate;
  return MD_OK;
}

static bool term_matches(const conjunct *term, const char *canonical) {
  if (!canonical) return false;
  for (size_t j = 0; j < term->num_values; j++)
    if (strcmp(term->values[j], canonical) == 0) return true;
  return false;
}

bool delta_predicate_matches_row(const delta_predicate *predicate, char *const *columns, char *const *values,
                                 size_t count) {
  for (size_t t = 0; t < predicate->num_terms; t++) {
    const char *value = NULL;
    for (size_t i = 0; i < count; i++)
      if (strcmp(columns[i], predicate->terms[t].column) == 0) value = values[i];
    if (!term_matches(&predicate->terms[t], value)) return false;
  }
  return true;
}

bool delta_predicate_matches(const delta_predicate *predicate, const delta_string_map *partition_values) {
  /* Other writers may serialize a value differently ("01", a timestamp without
   * fraction): compare canonical forms. A value that does not parse cannot match. */
  for (size_t t = 0; t < predicate->num_terms; t++) {
    const char *value = NULL;
    delta_string_map_find(partition_values, predicate->terms[t].column, &value);
    char *canonical = NULL;
    if (value && delta_partition_value_canonical(predicate->terms[t].field, value, &canonical, NULL) != MD_OK)
      canonical = NULL;
    bool match = term_matches(&predicate->terms[t], canonical);
    free(canonical);
    if (!match) return false;
  }
  return true;
}
