/* generate.c — `medallion generate`: the generator's tables written as a folder
 * of Parquet files and/or loaded into a Firebird database.
 *
 * Tables are streamed batch by batch from the generator source, so memory does
 * not grow with scale. The Parquet files use fixed writer options and no
 * timestamps or host names in their metadata, so identical arguments give
 * identical bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firebird_internal.h"
#include "generator_internal.h"
#include "medallion/parquet.h"
#include "source_internal.h"

#define GENERATE_BATCH_ROWS 65536

/* mkdir -p */
md_code generator_make_dir(const char *dir, md_error *err) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
    return md_error_set(err, MD_ERR_INVALID, "%.64s...: path too long", dir);
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
      return md_error_set(err, MD_ERR_IO, "%s: cannot create folder: %s", path, strerror(errno));
    *p = '/';
  }
  if (mkdir(path, 0777) == 0 || errno == EEXIST) return MD_OK;
  return md_error_set(err, MD_ERR_IO, "%s: cannot create folder: %s", dir, strerror(errno));
}

static void generate_write_options(md_parquet_write_options *options) {
  md_parquet_write_options_default(options);
  options->codec = MD_PARQUET_ZSTD;
  options->row_group_rows = 262144;
}

static md_code write_parquet(md_source_stream *stream, const md_batch *tail, const char *dir, const char *table,
                             md_generate_progress_fn progress, void *progress_context, int64_t expected,
                             md_error *err) {
  size_t size = strlen(dir) + strlen(table) + 16;
  char *path = malloc(size);
  if (!path) return md_error_set(err, MD_ERR_NOMEM, "generate: out of memory");
  snprintf(path, size, "%s/%s.parquet", dir, table);
  md_parquet_write_options options;
  generate_write_options(&options);
  md_parquet_writer *writer = NULL;
  md_code code = md_parquet_writer_open(path, md_source_stream_schema(stream), &options, &writer, err);
  int64_t done = 0;
  while (code == MD_OK) {
    md_batch *batch = NULL;
    code = md_source_stream_next(stream, &batch, err);
    if (code != MD_OK || !batch) break;
    code = md_parquet_writer_write(writer, batch, err);
    done += md_batch_num_rows(batch);
    md_batch_free(batch);
    if (code == MD_OK && progress) progress(progress_context, table, done, expected);
  }
  if (code == MD_OK && tail) code = md_parquet_writer_write(writer, tail, err);
  if (code == MD_OK) code = md_parquet_writer_close(writer, err);
  md_parquet_writer_free(writer);
  free(path);
  return code;
}

md_code generator_write_parquet(md_source_stream *stream, const char *dir, const char *table,
                                md_generate_progress_fn progress, void *progress_context, int64_t expected,
                                md_error *err) {
  return write_parquet(stream, NULL, dir, table, progress, progress_context, expected, err);
}

md_code generator_write_parquet_tail(md_source_stream *stream, const md_batch *tail, const char *dir,
                                     const char *table, md_error *err) {
  return write_parquet(stream, tail, dir, table, NULL, NULL, 0, err);
}

/* Embedded databases that do not exist yet are created; a server database is
 * attached first and created when attaching fails. */
static md_code open_or_create(const md_firebird_options *options, fb_conn *conn, md_error *err) {
  fb_conn probe;
  md_code code = fb_conn_parse(options->connection, &probe, err);
  if (code != MD_OK) return code;
  bool embedded = probe.host[0] == 0;
  bool exists = embedded ? access(probe.database, F_OK) == 0 : true;
  fb_conn_close(&probe);
  if (exists) {
    md_error attach_err;
    code = fb_conn_open(options, false, conn, &attach_err);
    if (code == MD_OK || embedded || attach_err.code == MD_ERR_INVALID) {
      if (code != MD_OK && err) *err = attach_err;
      return code;
    }
  }
  return fb_conn_open(options, true, conn, err);
}

md_code md_generate(const md_generate_options *options, md_error *err) {
  if (!options || (!options->out_dir && !options->firebird))
    return md_error_set(err, MD_ERR_INVALID, "generate: nothing to do (no output folder, no Firebird database)");
  md_source *source = NULL;
  md_code code = md_source_open_generator(&options->data, &source, err);
  if (code != MD_OK) return code;
  gen_context ctx;
  generator_context_init(&ctx, &options->data, NULL);
  if (options->out_dir) code = generator_make_dir(options->out_dir, err);
  fb_conn conn = {0};
  bool have_conn = false;
  if (code == MD_OK && options->firebird) {
    code = open_or_create(options->firebird, &conn, err);
    have_conn = code == MD_OK;
  }
  md_source_scan_options scan = {NULL, 0, false, 0, GENERATE_BATCH_ROWS};
  for (int t = 0; t < md_source_num_tables(source) && code == MD_OK; t++) {
    const char *table = md_source_table_name(source, t);
    int64_t expected = generator_expected_rows(&ctx, t);
    md_source_stream *stream = NULL;
    if (options->out_dir) {
      code = md_source_scan(source, table, &scan, &stream, err);
      if (code == MD_OK)
        code = generator_write_parquet(stream, options->out_dir, table, options->progress, options->progress_context,
                                      expected, err);
      md_source_stream_free(stream);
      stream = NULL;
    }
    if (code == MD_OK && have_conn) {
      code = md_source_scan(source, table, &scan, &stream, err);
      if (code == MD_OK)
        code = fb_load_table(&conn, table, md_generator_table_ddl(table), stream, options->progress,
                             options->progress_context, expected, err);
      md_source_stream_free(stream);
    }
  }
  if (have_conn) fb_conn_close(&conn);
  md_source_free(source);
  return code;
}
