/* ll-cli.h: what the command implementations of `lightline` share. The CLI
 * only parses arguments and prints; the work is done by functions in
 * instruments/, station/ and reports/. Exit statuses are the same everywhere. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

enum {
  LL_EXIT_OK = 0,
  LL_EXIT_FAIL = 1,     /* the thing asked about failed (an instrument, a unit) */
  LL_EXIT_USAGE = 2,    /* bad usage or bad input file */
  LL_EXIT_ERROR = 3,    /* the station could not decide */
};

typedef int (*LlCommandFunc)(int argc, char **argv);

typedef struct {
  const char *name;
  const char *summary;
  LlCommandFunc func;
} LlCommand;

/* Parses @argv with @entries; on error prints it with the usage and returns
 * FALSE. @parameter is the usage's argument synopsis (e.g. "[NAME]"). */
gboolean ll_cli_parse(int *argc, char ***argv, const char *command, const char *parameter,
                      const char *summary, const GOptionEntry *entries);

/* Prints @node as pretty JSON on stdout with a final newline. */
void ll_cli_print_json(JsonNode *node);

/* Prints "lightline: MESSAGE" on stderr. */
void ll_cli_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

int ll_cmd_instruments(int argc, char **argv);
int ll_cmd_sequence(int argc, char **argv);
int ll_cmd_run(int argc, char **argv);
int ll_cmd_demo(int argc, char **argv);
/* `lightline module decode FILE [--json]` (cmd-module.c). */
int ll_cmd_module(int argc, char **argv);

G_END_DECLS
