/* args.c — see args.h. Hand-rolled rather than getopt_long: the commands need
 * only long options, and owning the parser keeps every usage error one line with
 * the same "medallion: " prefix. */
#include "cli/args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("medallion: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

int cli_fail_error(const md_error *err, const char *path) {
  const char *message = err && err->message[0] ? err->message : md_code_name(err ? err->code : MD_ERR_INTERNAL);
  if (!path) return cli_fail("%s", message);
  /* The library names files as it was given them or by their base name; either
   * names the file well enough, otherwise the path is put in front. */
  const char *slash = strrchr(path, '/');
  const char *base = slash && slash[1] ? slash + 1 : path;
  if (strstr(message, path) || strstr(message, base)) return cli_fail("%s", message);
  return cli_fail("%s: %s", path, message);
}

void cli_print_command_help(const cli_command_spec *spec, FILE *out) {
  fprintf(out, "usage: medallion %s %s\n\n%s\n", spec->name, spec->usage, spec->summary);
  if (spec->num_options == 0) return;
  fprintf(out, "\noptions:\n");
  for (int i = 0; i < spec->num_options; i++) {
    const cli_option *option = &spec->options[i];
    char left[64];
    if (option->value_name) snprintf(left, sizeof left, "%s %s", option->name, option->value_name);
    else snprintf(left, sizeof left, "%s", option->name);
    fprintf(out, "  %-24s %s\n", left, option->help);
  }
  fprintf(out, "  %-24s %s\n", "-h, --help", "show this help");
}

static int find_option(const cli_command_spec *spec, const char *name, size_t name_length) {
  for (int i = 0; i < spec->num_options; i++) {
    const char *candidate = spec->options[i].name;
    if (strlen(candidate) == name_length && strncmp(candidate, name, name_length) == 0) return i;
  }
  return -1;
}

cli_parse_result cli_args_parse(const cli_command_spec *spec, int argc, char **argv, cli_args *out) {
  memset(out, 0, sizeof *out);
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
      cli_print_command_help(spec, stdout);
      return CLI_HELP_SHOWN;
    }
    if (!options_done && strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      const char *equals = strchr(arg, '=');
      size_t name_length = equals ? (size_t)(equals - arg) : strlen(arg);
      int index = find_option(spec, arg, name_length);
      if (index < 0) {
        cli_fail("%s: unknown option '%.*s' (try 'medallion %s --help')", spec->name, (int)name_length, arg,
                 spec->name);
        return CLI_FAILED;
      }
      const cli_option *option = &spec->options[index];
      if (!option->value_name) {
        if (equals) {
          cli_fail("%s: option %s takes no value", spec->name, option->name);
          return CLI_FAILED;
        }
        out->values[index] = "";
      } else if (equals) {
        out->values[index] = equals + 1;
      } else if (i + 1 < argc) {
        out->values[index] = argv[++i];
      } else {
        cli_fail("%s: option %s needs a value %s", spec->name, option->name, option->value_name);
        return CLI_FAILED;
      }
      continue;
    }
    if (out->num_positional >= spec->max_positional || out->num_positional >= CLI_MAX_POSITIONAL) {
      cli_fail("%s: unexpected argument '%s' (usage: medallion %s %s)", spec->name, arg, spec->name, spec->usage);
      return CLI_FAILED;
    }
    out->positional[out->num_positional++] = arg;
  }
  if (out->num_positional < spec->min_positional) {
    cli_fail("%s: missing argument (usage: medallion %s %s)", spec->name, spec->name, spec->usage);
    return CLI_FAILED;
  }
  return CLI_PARSED;
}

bool cli_parse_count(const char *command, const char *option, const char *text, int64_t minimum,
                     int64_t *out) {
  errno = 0;
  char *end = NULL;
  long long value = strtoll(text, &end, 10);
  if (end == text || errno == ERANGE || value < 0) {
    cli_fail("%s: %s: '%s' is not a non-negative integer", command, option, text);
    return false;
  }
  int64_t multiplier = 1;
  if (*end == 'k' || *end == 'K') multiplier = 1024, end++;
  else if (*end == 'm' || *end == 'M') multiplier = 1024 * 1024, end++;
  else if (*end == 'g' || *end == 'G') multiplier = 1024 * 1024 * 1024, end++;
  if (*end != '\0') {
    cli_fail("%s: %s: '%s' is not a non-negative integer", command, option, text);
    return false;
  }
  if (value > INT64_MAX / multiplier) {
    cli_fail("%s: %s: '%s' is too large", command, option, text);
    return false;
  }
  value *= multiplier;
  if (value < minimum) {
    cli_fail("%s: %s: must be at least %lld", command, option, (long long)minimum);
    return false;
  }
  *out = value;
  return true;
}

bool cli_parse_date(const char *text, int32_t *days) {
  int y, m, d;
  char extra;
  if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  *days = (int32_t)md_days_from_civil(y, m, d);
  return true;
}
