/* consumer.c — a tiny program built against the *installed* libmedallion with
 * `pkg-config --cflags --libs medallion`, by install_and_link.sh.
 *
 * It uses only the public headers, the way a user of the library would: if the
 * installed headers, the .pc file or the shared library's exports are wrong,
 * this fails to compile, link or run. The test compares its output exactly. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <medallion/medallion.h>

static int fail(const char *what, const md_error *err) {
  fprintf(stderr, "consumer: %s: %s\n", what, err->message);
  return 1;
}

int main(void) {
  md_error err;
  md_error_clear(&err);

  md_schema *schema = md_schema_new();
  if (!schema) return 1;
  if (md_schema_add(schema, md_field_new("id", md_type_make(MD_TYPE_INT64), false), &err) != MD_OK ||
      md_schema_add(schema, md_field_new("name", md_type_make(MD_TYPE_UTF8), true), &err) != MD_OK ||
      md_schema_add(schema, md_field_new("amount", md_type_decimal(12, 2), true), &err) != MD_OK) {
    md_schema_free(schema);
    return fail("schema", &err);
  }

  md_column *columns[3] = {md_column_new(md_type_make(MD_TYPE_INT64)),
                           md_column_new(md_type_make(MD_TYPE_UTF8)),
                           md_column_new(md_type_decimal(12, 2))};
  for (int i = 0; i < 3; i++) {
    if (!columns[i]) return 1;
  }
  const char *names[] = {"alpha", NULL, "gamma"};
  for (int row = 0; row < 3; row++) {
    int rc = md_column_append_int(columns[0], 100 + row, &err);
    if (rc == MD_OK) {
      rc = names[row] ? md_column_append_bytes(columns[1], names[row], (int64_t)strlen(names[row]), &err)
                      : md_column_append_null(columns[1], &err);
    }
    if (rc == MD_OK) rc = md_column_append_decimal(columns[2], 0, (uint64_t)(1250 * (row + 1)), &err);
    if (rc != MD_OK) return fail("append", &err);
  }

  md_batch *batch = NULL;
  if (md_batch_new(schema, columns, 3, &batch, &err) != MD_OK) return fail("batch", &err);

  const md_schema *bs = md_batch_schema(batch);
  printf("rows=%" PRId64 " columns=%d\n", md_batch_num_rows(batch), md_batch_num_columns(batch));
  for (int i = 0; i < md_schema_num_fields(bs); i++) {
    const md_field *field = md_schema_field(bs, i);
    char type[64];
    md_type_to_string(md_field_type(field), type, sizeof type);
    printf("%s: %s nulls=%" PRId64 "\n", md_field_name(field), type,
           md_column_null_count(md_batch_column(batch, i)));
  }
  const int64_t *ids = md_column_values(md_batch_column(batch, 0));
  printf("sum(id)=%" PRId64 "\n", ids[0] + ids[1] + ids[2]);

  /* Errors are values: a duplicate field name is refused with a message
   * (md_schema_add takes ownership of the field also on failure). */
  md_schema *other = md_schema_new();
  if (!other) return 1;
  md_code code = md_schema_add(other, md_field_new("id", md_type_make(MD_TYPE_INT64), false), &err);
  if (code == MD_OK) code = md_schema_add(other, md_field_new("id", md_type_make(MD_TYPE_INT32), true), &err);
  printf("duplicate=%s\n", code != MD_OK && err.message[0] ? "refused" : "accepted");
  md_schema_free(other);

  md_batch_free(batch);
  return 0;
}
