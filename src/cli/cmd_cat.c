/* cmd_cat.c — `medallion cat FILE.parquet`: the file's rows as canonical JSON
 * lines (json_render.h), or with --schema its schema and per-chunk metadata.
 *
 * Streams one row group at a time and writes in ~1 MiB chunks, so memory stays at
 * one decoded row group whatever the file's size. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/cat_schema.h"
#include "cli/commands.h"
#include "cli/json_render.h"
#include "cli/text_buf.h"
#include "medallion/parquet.h"

enum { OPT_SCHEMA, OPT_LIMIT };

static const cli_option cat_options[] = {
    [OPT_SCHEMA] = {"--schema", NULL, "print the schema, row groups and column chunk statistics"},
    [OPT_LIMIT] = {"--limit", "N", "print at most N rows"},
};

static const cli_command_spec cat_spec = {
    .name = "cat",
    .usage = "[--schema] [--limit N] FILE.parquet",
    .summary = "Print the rows of a Parquet file as JSON lines, one object per row in file order\n"
               "(the canonical format of the conformance corpus).",
    .options = cat_options,
    .num_options = sizeof cat_options / sizeof cat_options[0],
    .min_positional = 1,
    .max_positional = 1,
};

#define FLUSH_BYTES (1 << 20)

/* Prints up to limit rows (-1: all); returns MD_OK or the error with context. */
static md_code print_rows(md_parquet_reader *reader, int64_t limit, text_buf *out, md_error *err) {
  int row_groups = md_parquet_reader_num_row_groups(reader);
  int64_t printed = 0;
  for (int rg = 0; rg < row_groups && (limit < 0 || printed < limit); rg++) {
    md_batch *batch = NULL;
    md_code code = md_parquet_reader_read_row_group(reader, rg, NULL, -1, &batch, err);
    if (code != MD_OK) return code;
    int64_t rows = md_batch_num_rows(batch);
    for (int64_t row = 0; row < rows && (limit < 0 || printed < limit); row++, printed++) {
      code = json_render_row(out, batch, row, err);
      if (code != MD_OK) {
        md_batch_free(batch);
        return md_error_context(err, "row group %d: row %lld", rg, (long long)row);
      }
      text_buf_append_char(out, '\n');
      if (out->length >= FLUSH_BYTES && !text_buf_flush(out, stdout)) {
        md_batch_free(batch);
        return md_error_set(err, MD_ERR_IO, "cannot write to standard output");
      }
    }
    md_batch_free(batch);
  }
  if (out->failed) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  return MD_OK;
}

int cmd_cat(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&cat_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *path = args.positional[0];
  int64_t limit = -1;
  if (args.values[OPT_LIMIT] && !cli_parse_count("cat", "--limit", args.values[OPT_LIMIT], 0, &limit)) return 1;

  md_error err;
  md_error_clear(&err);
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open(path, &reader, &err) != MD_OK) return cli_fail_error(&err, path);

  text_buf out;
  text_buf_init(&out);
  md_code code;
  if (args.values[OPT_SCHEMA]) code = cat_schema_print(reader, path, &out, &err);
  else code = print_rows(reader, limit, &out, &err);
  md_parquet_reader_free(reader);
  /* Rows already rendered are still printed, so the output shows where it failed. */
  bool written = text_buf_flush(&out, stdout);
  text_buf_free(&out);
  if (code != MD_OK) return cli_fail_error(&err, path);
  if (!written || fflush(stdout) != 0 || ferror(stdout)) return cli_fail("%s: cannot write to standard output", path);
  return 0;
}
