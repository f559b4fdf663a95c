/* ll-cli.h: what the command implementations of `lightline` share. The CLI
 * only parses arguments and prints; the work is done by functions in
 * instruments/, station/ and reports/. Exit statuses are the same everywhere. */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "ll-store.h"

G_BEGIN_DECLS

enum {
  LL_EXIT_OK = 0,
  LL_EXIT_FAIL = 1,     /* the thing asked about failed (an instrument, a unit) */
  LL_EXIT_USAGE = 2,    /* bad usage or bad input file */
  LL_EXIT_ERROR = 3,    /* the station could not decide */
  LL_EXIT_REFUSED = 4,  /* the station will not test the unit (retest limit) */
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

/* JSON members: a string or null (@text NULL), an integer, a number or
 * null (@v not finite). */
void ll_cli_json_string(JsonBuilder *b, const char *name, const char *text);
void ll_cli_json_int(JsonBuilder *b, const char *name, gint64 v);
void ll_cli_json_number(JsonBuilder *b, const char *name, double v);

/* Ctrl-C (SIGINT, SIGTERM) while a run is in flight: a small thread waits
 * for the signal and cancels @cancel (cleanup still runs); a second one
 * leaves at once (cmd-run.c). */
typedef struct {
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GCancellable *cancel;
} LlCliInterrupt;
void ll_cli_interrupt_start(LlCliInterrupt *in, GCancellable *cancel);
void ll_cli_interrupt_stop(LlCliInterrupt *in);

/* Prints "lightline: MESSAGE" on stderr. */
void ll_cli_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

int ll_cmd_instruments(int argc, char **argv);
int ll_cmd_sequence(int argc, char **argv);
int ll_cmd_run(int argc, char **argv);
int ll_cmd_demo(int argc, char **argv);
/* `lightline calibrate path-loss|golden-check|history` (cmd-calibrate.c). */
int ll_cmd_calibrate(int argc, char **argv);
/* `lightline unit history SN` (cmd-unit.c), `lightline stats` (cmd-stats.c). */
int ll_cmd_unit(int argc, char **argv);
int ll_cmd_stats(int argc, char **argv);
/* The results store a query command reads: @db, else the database of the
 * station file @config, else the demo's (lightline-demo.db here). Prints
 * the problem and returns NULL when it cannot be opened. */
LlStore *ll_cli_open_store(const char *db, const char *config);
/* `lightline module decode FILE [--json]` (cmd-module.c). */
int ll_cmd_module(int argc, char **argv);
/* `lightline report unit|lot` (cmd-report.c), `lightline export`
 * (cmd-export.c): workbooks and exports from the results store. */
int ll_cmd_report(int argc, char **argv);
int ll_cmd_export(int argc, char **argv);
/* The run selection options stats, report lot and export share
 * (cmd-report.c). Runs on reference (golden) modules are left out unless
 * --with-reference is given or --sequence names the sequence. */
typedef struct {
  gchar *from, *to, *lot, *station, *sequence;
  gboolean with_reference;
  GDateTime *from_t, *to_t;
} LlCliSelection;
#define LL_CLI_SELECTION_ENTRIES(s) \
  { "lot", 0, 0, G_OPTION_ARG_STRING, &(s).lot, "Runs of this lot / work order", "LOT" }, \
  { "from", 0, 0, G_OPTION_ARG_STRING, &(s).from, "Runs started at or after T (UTC unless a zone is given)", "T" }, \
  { "to", 0, 0, G_OPTION_ARG_STRING, &(s).to, "Runs started before T", "T" }, \
  { "station", 0, 0, G_OPTION_ARG_STRING, &(s).station, "Runs of this station id", "ID" }, \
  { "sequence", 0, 0, G_OPTION_ARG_STRING, &(s).sequence, "Runs of this sequence id", "ID" }, \
  { "with-reference", 0, 0, G_OPTION_ARG_NONE, &(s).with_reference, \
    "Also the runs on golden modules (path-loss calibrations, golden-unit checks)", NULL }
/* Reads the times of @s (printing what is wrong for @command): FALSE when
 * one is not a time. */
gboolean ll_cli_selection_parse(const char *command, LlCliSelection *s);
void ll_cli_selection_clear(LlCliSelection *s);
/* Whether @s selects reference runs too: --with-reference, or --sequence
 * (a sequence's runs are all of one kind). */
gboolean ll_cli_selection_with_reference(const LlCliSelection *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LlCliSelection, ll_cli_selection_clear)

G_END_DECLS
