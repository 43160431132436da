/* cmd_demo.c — `medallion demo`: a first look at the engine end to end. Builds a
 * few hundred rows of clinic-billing-like data in memory (synthetic: a fixed
 * pseudo-random sequence, so every run writes the same file), writes them as
 * Parquet, reads the file back, prints rows with the `cat` renderer and checks
 * that what was read equals what was written.
 *
 * This stands in for the pipeline demo until the bronze/silver/gold layers exist. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_render.h"
#include "cli/text_buf.h"
#include "medallion/parquet.h"

enum { OPT_OUT, OPT_ROWS, OPT_SHOW };

static const cli_option demo_options[] = {
    [OPT_OUT] = {"--out", "DIR", "where to write billing.parquet (default ./medallion-demo)"},
    [OPT_ROWS] = {"--rows", "N", "rows to generate (default 300)"},
    [OPT_SHOW] = {"--show", "N", "rows to print back (default 10)"},
};

static const cli_command_spec demo_spec = {
    .name = "demo",
    .usage = "[--out DIR] [--rows N] [--show N]",
    .summary = "Write a sample clinic billing file (ids, amounts as decimal(12,2), dates,\n"
               "timestamps, names with non-ASCII letters, some nulls) as Parquet, read it\n"
               "back, print the first rows as JSON lines and a short summary.",
    .options = demo_options,
    .num_options = sizeof demo_options / sizeof demo_options[0],
    .min_positional = 0,
    .max_positional = 0,
};

enum { COL_CLAIM_ID, COL_PATIENT_ID, COL_PATIENT_NAME, COL_CLINIC, COL_PROCEDURE, COL_AMOUNT,
       COL_SERVICE_DATE, COL_BILLED_AT, NUM_COLUMNS };

static const char *const patient_names[] = {
    "Zoë Ødegaard",   "José Núñez",      "Łukasz Wąsowski",  "Ингрид Петрова", "Chloé Dubois",
    "Søren Kragh",    "François Lefèvre", "Ana María Pérez", "佐藤 由紀",       "Björn Ångström",
    "Siobhán O'Neil", "Mehmet Çelik",    "Anaïs Brontë",     "Ærlig Østergård", "Renée \"Ren\" Roy",
};
static const char *const clinics[] = {"Nordklinik Århus", "Clínica San José", "Praxis Dr. Müller",
                                      "Kyoto Shinryōjo", "St. Mary's Family Practice"};
static const char *const procedures[] = {"99213", "99214", "80053", "85025", "93000", "71046", "G0439"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define DAYS_2024_01_01 19723

/* A fixed xorshift sequence: the demo's data must not vary between runs. */
static uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *state = x;
  return x;
}

static md_code build_schema(md_schema **out, md_error *err) {
  md_schema *schema = md_schema_new();
  if (!schema) return md_error_set(err, MD_ERR_NOMEM, "out of memory");
  struct { const char *name; md_type type; bool nullable; } fields[NUM_COLUMNS] = {
      [COL_CLAIM_ID] = {"claim_id", md_type_make(MD_TYPE_INT64), false},
      [COL_PATIENT_ID] = {"patient_id", md_type_make(MD_TYPE_INT32), false},
      [COL_PATIENT_NAME] = {"patient_name", md_type_make(MD_TYPE_UTF8), true},
      [COL_CLINIC] = {"clinic", md_type_make(MD_TYPE_UTF8), false},
      [COL_PROCEDURE] = {"procedure_code", md_type_make(MD_TYPE_UTF8), false},
      [COL_AMOUNT] = {"amount", md_type_decimal(12, 2), true},
      [COL_SERVICE_DATE] = {"service_date", md_type_make(MD_TYPE_DATE32), false},
      [COL_BILLED_AT] = {"billed_at", md_type_timestamp(MD_MICRO, true), true},
  };
  for (int i = 0; i < NUM_COLUMNS; i++) {
    md_field *field = md_field_new(fields[i].name, fields[i].type, fields[i].nullable);
    if (!field || md_schema_add(schema, field, err) != MD_OK) {
      md_schema_free(schema);
      return field ? err->code : md_error_set(err, MD_ERR_NOMEM, "out of memory");
    }
  }
  *out = schema;
  return MD_OK;
}

static md_code append_row(md_column **columns, int64_t row, uint64_t *state, md_error *err) {
  uint64_t r = next_random(state);
  const char *name = patient_names[r % COUNT_OF(patient_names)];
  const char *clinic = clinics[(r >> 8) % COUNT_OF(clinics)];
  const char *procedure = procedures[(r >> 16) % COUNT_OF(procedures)];
  int64_t cents = 1500 + (int64_t)((r >> 24) % 248500);
  if (row % 31 == 30) cents = -cents / 4; /* a refund */
  int64_t service_date = DAYS_2024_01_01 + (int64_t)((r >> 40) % 366);
  int64_t billed_at = (service_date + 1 + (int64_t)((r >> 50) % 30)) * 86400LL * 1000000LL +
                      (int64_t)(next_random(state) % (86400ULL * 1000000ULL));
  md_code code;
  if ((code = md_column_append_int(columns[COL_CLAIM_ID], 1000000 + row, err)) != MD_OK) return code;
  if ((code = md_column_append_int(columns[COL_PATIENT_ID], 1 + (int64_t)((r >> 4) % 90), err)) != MD_OK)
    return code;
  if (row % 17 == 5) code = md_column_append_null(columns[COL_PATIENT_NAME], err);
  else code = md_column_append_bytes(columns[COL_PATIENT_NAME], name, (int64_t)strlen(name), err);
  if (code != MD_OK) return code;
  if ((code = md_column_append_bytes(columns[COL_CLINIC], clinic, (int64_t)strlen(clinic), err)) != MD_OK)
    return code;
  if ((code = md_column_append_bytes(columns[COL_PROCEDURE], procedure, (int64_t)strlen(procedure), err)) != MD_OK)
    return code;
  if (row % 23 == 7) code = md_column_append_null(columns[COL_AMOUNT], err);
  else code = md_column_append_decimal(columns[COL_AMOUNT], cents < 0 ? -1 : 0, (uint64_t)cents, err);
  if (code != MD_OK) return code;
  if ((code = md_column_append_int(columns[COL_SERVICE_DATE], service_date, err)) != MD_OK) return code;
  if (row % 41 == 13) return md_column_append_null(columns[COL_BILLED_AT], err);
  return md_column_append_int(columns[COL_BILLED_AT], billed_at, err);
}

/* The demo's rows as one batch. */
static md_code build_batch(int64_t rows, md_batch **out, md_error *err) {
  md_schema *schema = NULL;
  md_code code = build_schema(&schema, err);
  if (code != MD_OK) return code;
  md_column *columns[NUM_COLUMNS] = {0};
  for (int i = 0; i < NUM_COLUMNS && code == MD_OK; i++) {
    columns[i] = md_column_new(md_field_type(md_schema_field(schema, i)));
    if (!columns[i]) code = md_error_set(err, MD_ERR_NOMEM, "out of memory");
  }
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int64_t row = 0; row < rows && code == MD_OK; row++) code = append_row(columns, row, &state, err);
  if (code == MD_OK) return md_batch_new(schema, columns, NUM_COLUMNS, out, err);
  for (int i = 0; i < NUM_COLUMNS; i++) md_column_free(columns[i]);
  md_schema_free(schema);
  return code;
}

/* mkdir -p: creates dir and any missing parents. */
static md_code make_directories(const char *dir, md_error *err) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
    return md_error_set(err, MD_ERR_INVALID, "%s: path too long", dir);
  for (char *p = path + 1;; p++) {
    bool end = *p == '\0';
    if (*p == '/' || end) {
      *p = '\0';
      if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return md_error_set(err, MD_ERR_IO, "%s: cannot create directory: %s", path, strerror(errno));
      if (end) break;
      *p = '/';
    }
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return md_error_set(err, MD_ERR_IO, "%s: not a directory", dir);
  return MD_OK;
}

static md_code write_file(const char *path, const md_batch *batch, md_parquet_write_options *options,
                          int64_t *file_size, md_error *err) {
  md_parquet_writer *writer = NULL;
  md_code code = md_parquet_writer_open(path, md_batch_schema(batch), options, &writer, err);
  if (code != MD_OK) return code;
  code = md_parquet_writer_write(writer, batch, err);
  if (code == MD_OK) code = md_parquet_writer_close(writer, err);
  if (code == MD_OK) *file_size = md_parquet_writer_file_size(writer);
  md_parquet_writer_free(writer);
  return code;
}

typedef struct demo_summary {
  int64_t rows;
  int64_t mismatches;
  int64_t names_missing;
  int64_t amounts_missing;
  int64_t total_cents;
  int64_t first_date, last_date;
} demo_summary;

static void summarize(const md_batch *batch, demo_summary *summary) {
  const md_column *names = md_batch_column(batch, COL_PATIENT_NAME);
  const md_column *amounts = md_batch_column(batch, COL_AMOUNT);
  const int32_t *dates = md_column_values(md_batch_column(batch, COL_SERVICE_DATE));
  const uint8_t *amount_values = md_column_values(amounts);
  for (int64_t row = 0; row < md_batch_num_rows(batch); row++) {
    if (md_column_is_null(names, row)) summary->names_missing++;
    if (md_column_is_null(amounts, row)) summary->amounts_missing++;
    else {
      int64_t cents; /* the low half holds the whole value: amounts fit in 64 bits */
      memcpy(&cents, amount_values + row * 16, 8);
      summary->total_cents += cents;
    }
    if (dates[row] < summary->first_date) summary->first_date = dates[row];
    if (dates[row] > summary->last_date) summary->last_date = dates[row];
  }
}

/* Reads the file back, prints the first `show` rows and compares every row with
 * the batch that was written, through the same JSON rendering. */
static md_code read_back(const char *path, const md_batch *written, int64_t show, demo_summary *summary,
                         text_buf *out, md_error *err) {
  md_parquet_reader *reader = NULL;
  md_code code = md_parquet_reader_open(path, &reader, err);
  if (code != MD_OK) return code;
  text_buf expected, actual;
  text_buf_init(&expected);
  text_buf_init(&actual);
  for (int rg = 0; rg < md_parquet_reader_num_row_groups(reader) && code == MD_OK; rg++) {
    md_batch *batch = NULL;
    code = md_parquet_reader_read_row_group(reader, rg, NULL, -1, &batch, err);
    if (code != MD_OK) break;
    summarize(batch, summary);
    for (int64_t row = 0; row < md_batch_num_rows(batch) && code == MD_OK; row++, summary->rows++) {
      text_buf_clear(&actual);
      code = json_render_row(&actual, batch, row, err);
      if (code != MD_OK) break;
      if (summary->rows < show) {
        text_buf_append(out, actual.data, actual.length);
        text_buf_append_char(out, '\n');
      }
      if (summary->rows >= md_batch_num_rows(written)) {
        summary->mismatches++;
        continue;
      }
      text_buf_clear(&expected);
      code = json_render_row(&expected, written, summary->rows, err);
      if (code == MD_OK && (expected.length != actual.length || memcmp(expected.data, actual.data, actual.length)))
        summary->mismatches++;
    }
    md_batch_free(batch);
  }
  text_buf_free(&expected);
  text_buf_free(&actual);
  md_parquet_reader_free(reader);
  return code;
}

static void print_summary(const char *path, const demo_summary *summary, int64_t rows_written, text_buf *out) {
  /* The formatters quote their output (JSON strings); the summary is prose. */
  char first[JSON_SCALAR_MAX], last[JSON_SCALAR_MAX], total[JSON_SCALAR_MAX];
  int first_length = (int)json_format_date(summary->first_date, first) - 2;
  int last_length = (int)json_format_date(summary->last_date, last) - 2;
  int64_t cents = summary->total_cents;
  int total_length = (int)json_format_decimal128(cents < 0 ? -1 : 0, (uint64_t)cents, 2, total) - 2;
  text_buf_printf(out, "read back %lld rows: %lld without patient name, %lld without amount\n",
                  (long long)summary->rows, (long long)summary->names_missing, (long long)summary->amounts_missing);
  if (summary->rows > 0)
    text_buf_printf(out, "total billed %.*s, service dates %.*s to %.*s\n", total_length, total + 1, first_length,
                    first + 1, last_length, last + 1);
  if (summary->mismatches == 0 && summary->rows == rows_written)
    text_buf_printf(out, "round trip: every row read back equals the row written\n");
  text_buf_printf(out, "see all rows: medallion cat %s\n", path);
}

int cmd_demo(int argc, char **argv) {
  cli_args args;
  cli_parse_result parsed = cli_args_parse(&demo_spec, argc, argv, &args);
  if (parsed != CLI_PARSED) return parsed == CLI_HELP_SHOWN ? 0 : 1;
  const char *dir = args.values[OPT_OUT] ? args.values[OPT_OUT] : "medallion-demo";
  int64_t rows = 300, show = 10;
  if (args.values[OPT_ROWS] && !cli_parse_count("demo", "--rows", args.values[OPT_ROWS], 0, &rows)) return 1;
  if (args.values[OPT_SHOW] && !cli_parse_count("demo", "--show", args.values[OPT_SHOW], 0, &show)) return 1;
  if (rows > 10000000) return cli_fail("demo: --rows: at most 10000000");
  if (dir[0] == '\0') return cli_fail("demo: --out: empty directory name");

  char path[4200];
  snprintf(path, sizeof path, "%s/billing.parquet", dir);
  md_error err;
  md_error_clear(&err);
  if (make_directories(dir, &err) != MD_OK) return cli_fail_error(&err, dir);

  md_batch *batch = NULL;
  if (build_batch(rows, &batch, &err) != MD_OK) return cli_fail_error(&err, NULL);
  md_parquet_write_options options;
  md_parquet_write_options_default(&options);
  /* Several row groups even in the small default demo; big ones for big runs. */
  options.row_group_rows = rows <= 10000 ? 128 : 65536;
  int64_t file_size = 0;
  if (write_file(path, batch, &options, &file_size, &err) != MD_OK) {
    md_batch_free(batch);
    return cli_fail_error(&err, path);
  }

  text_buf out;
  text_buf_init(&out);
  text_buf_printf(&out, "wrote %s: %lld rows in row groups of %lld, %s, %lld bytes\n", path, (long long)rows,
                  (long long)options.row_group_rows, md_parquet_codec_name(options.codec), (long long)file_size);
  demo_summary summary = {.first_date = INT64_MAX, .last_date = INT64_MIN};
  md_code code = read_back(path, batch, show, &summary, &out, &err);
  if (code == MD_OK) {
    if (show > 0 && summary.rows > show) text_buf_printf(&out, "... %lld more rows\n", (long long)(summary.rows - show));
    print_summary(path, &summary, rows, &out);
  }
  md_batch_free(batch);
  bool written = text_buf_flush(&out, stdout) && fflush(stdout) == 0;
  text_buf_free(&out);
  if (code != MD_OK) return cli_fail_error(&err, path);
  if (summary.mismatches != 0 || summary.rows != rows)
    return cli_fail("%s: read back %lld rows, %lld differ from the %lld written", path, (long long)summary.rows,
                    (long long)summary.mismatches, (long long)rows);
  if (!written) return cli_fail("cannot write to standard output");
  return 0;
}
