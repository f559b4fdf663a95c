/* lightline.c: the `lightline` command: dispatches to command groups
 * (instruments, ...). Each group lives in its own cmd-*.c file. */
#include "ll-cli.h"
#include "ll-version.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const LlCommand commands[] = {
  { "instruments", "find instruments and ask them who they are", ll_cmd_instruments },
  { "module", "decode a transceiver's CMIS memory", ll_cmd_module },
  { "sequence", "check sequences and list the actions they can use", ll_cmd_sequence },
  { "run", "test one unit on a station and bin it", ll_cmd_run },
  { "demo", "a simulated shift on the simulated bench", ll_cmd_demo },
  { "calibrate", "calibrate a station's optical paths with a golden module; its history", ll_cmd_calibrate },
  { "unit", "a unit's history from the results store", ll_cmd_unit },
  { "stats", "yield, bins and measurement statistics from the results store", ll_cmd_stats },
  { "report", "Excel reports of a unit or a lot from the results store", ll_cmd_report },
  { "export", "the measurements of the results store as CSV or JSON", ll_cmd_export },
};

static void
usage(FILE *out)
{
  fprintf(out, "Usage: lightline COMMAND [ARGS...]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nlightline COMMAND --help shows a command's options.\n"
               "lightline --version prints the version and source revision.\n");
}

int
main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  setlocale(LC_NUMERIC, "C"); /* numbers in files and output use '.' whatever the locale */
  if (argc < 2) {
    usage(stderr);
    return LL_EXIT_USAGE;
  }
  if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h") || g_str_equal(argv[1], "help")) {
    usage(stdout);
    return LL_EXIT_OK;
  }
  if (g_str_equal(argv[1], "--version")) {
    printf("lightline %s (%s)\n", LL_VERSION, LL_SOURCE_REVISION);
    return LL_EXIT_OK;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(argv[1], commands[i].name))
      return commands[i].func(argc - 1, argv + 1);
  ll_cli_error("unknown command '%s'", argv[1]);
  usage(stderr);
  return LL_EXIT_USAGE;
}
