/* cmd_cp.c — `medallion cp SRC DST`: rewrite a Parquet file through our reader
 * and writer, optionally with another codec, row group size, page size or
 * without dictionaries. The file's key-value metadata is carried over.
 *
 * One row group is decoded at a time and handed to the writer, which regroups
 * rows by --row-group-rows, so memory stays near one row group. */
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "medallion/parquet.h"

enum { OPT_CODEC, OPT_ROW_GROUP_ROWS, OPT_PAGE_BYTES, OPT_NO_DICTIONARY, OPT_LEVEL };

static const cli_option cp_options[] = {
    [OPT_CODEC] = {"--codec", "NAME", "snappy (default), zstd, gzip, lz4_raw, brotli or none"},
    [OPT_ROW_GROUP_ROWS] = {"--row-group-rows", "N", "rows per row group (default 1048576)"},
    [OPT_PAGE_BYTES] = {"--page-bytes", "N", "target data page size, e.g. 64k (default 1m)"},
    [OPT_NO_DICTIONARY] = {"--no-dictionary", NULL, "write PLAIN values, no dictionary pages"},
    [OPT_LEVEL] = {"--level", "N", "compression level (default: the codec's)"},
};

static const cli_command_spec cp_spec = {
    .name = "cp",
    .usage = "SRC.parquet DST.parquet [options]",
    .summary = "Copy a Parquet file, rewriting it with Medallion's writer. DST appears only\n"
               "when complete (written to a temporary file, then renamed).",
    .options = cp_options,
    .num_options = sizeof cp_options / sizeof cp_options[0],
    .min_positional = 2,
    .max_positional = 2,
};

/* Parses the options into write options; prints the error and returns false. */
static bool parse_write_options(const cli_args *args, md_parquet_write_options *options) {
  md_parquet_write_options_default(options);
  if (args->values[OPT_CODEC]) {
    md_error err;
    md_error_clear(&err);
    if (md_parquet_codec_parse(args->values[OPT_CODEC], &options->codec, &err) != MD_OK) {
      cli_fail("cp: --codec: %s", err.message[0] ? err.message : "unknown codec");
      return false;
    }
  }
  if (args->values[OPT_ROW_GROUP_ROWS] &&
      !cli_parse_count("cp", "--row-group-rows", args->values[OPT_ROW_GROUP_ROWS], 1, &options->row_group_rows))
    return false;
  if (args->values[OPT_PAGE_BYTES] &&
      !cli_parse_count("cp", "--page-bytes", args->values[OPT_PAGE_BYTES], 1, &options->page_bytes))
    return false;
  if (args->values[OPT_LEVEL]) {
    int64_t level;
    if (!cli_parse_count("cp", "--level", args->values[OPT_LEVEL], 0, &level)) return false;
    if (level > 22) {
      cli_fail("cp: --level: must be at most 22");
      return false;
    }
    options->compression_level = (int)level;
  }
  if (args->values[OPT_NO_DICTIONARY]) options->dictionary = false;
  return true;
}

/* Copies every row group; on error err names the file and row group. */
static md_code copy_rows(md_parquet_reader *reader, md_parquet_writer *writer, const char *src, md_error *err) {
  int row_groups = md_parquet_reader_num_row_groups(reader);
  for (int rg = 0; rg < row_groups; rg++) {
    md_batch *batch = NULL;
    md_code code = md_parquet_reader_read_row_group(reader, rg, NULL, -1, &batch, err);
    if (code != MD_OK) {
      if (!strstr(err->message, src)) md_error_context(err, "%s", src);
      return code;
    }
    code = md_parquet_writer_write(writer, batch, err);
    md_batch_free(batch);
    if (code != MD_OK) return code;
  }
  return MD_OK;
}

int cmd_cp(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&cp_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *src = args.positional[0];
  const char *dst = args.positional[1];
  md_parquet_write_options options;
  if (!parse_write_options(&args, &options)) return 1;

  md_error err;
  md_error_clear(&err);
  md_parquet_reader *reader = NULL;
  if (md_parquet_reader_open(src, &reader, &err) != MD_OK) return cli_fail_error(&err, src);
  const md_schema *schema = md_parquet_reader_schema(reader);
  options.key_value = md_schema_metadata_const(schema);

  md_parquet_writer *writer = NULL;
  md_code code = md_parquet_writer_open(dst, schema, &options, &writer, &err);
  if (code != MD_OK) {
    md_parquet_reader_free(reader);
    return cli_fail_error(&err, dst);
  }
  code = copy_rows(reader, writer, src, &err);
  if (code == MD_OK) code = md_parquet_writer_close(writer, &err);
  md_parquet_writer_free(writer); /* removes the temporary file if not closed */
  md_parquet_reader_free(reader);
  if (code != MD_OK) return cli_fail_error(&err, strstr(err.message, src) ? src : dst);
  return 0;
}
