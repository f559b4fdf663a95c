/* cmd-export.c: `lightline export --db FILE --format csv|json [--lot L]
 * [--from T] [--to T] [--station S] [--sequence ID] [--sn SN] [--run ID]
 * -o FILE`: the measurements of the finished runs selected, one row each
 * with its run's context (reports/ll-report.h; "-o -" writes to standard
 * output). Exit status 0 written (even with no rows), 1 the file cannot be
 * written, 2 bad usage or a store that cannot be read. */
#include "ll-cli.h"
#include "ll-report.h"

#include <stdio.h>

int
ll_cmd_export(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *format = NULL, *serial = NULL, *out = NULL;
  gint64 run_id = 0;
  g_auto(LlCliSelection) sel = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "csv or json", "FORMAT" },
    LL_CLI_SELECTION_ENTRIES(sel),
    { "sn", 0, 0, G_OPTION_ARG_STRING, &serial, "Runs of this serial number", "SN" },
    { "run", 0, 0, G_OPTION_ARG_INT64, &run_id, "This run only", "RUN_ID" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The file to write (- for standard output)", "FILE" },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "export", NULL, "the measurements of the runs selected, as CSV or JSON",
                    entries))
    return LL_EXIT_USAGE;
  if (argc > 1) {
    ll_cli_error("export: unexpected '%s'", argv[1]);
    return LL_EXIT_USAGE;
  }
  if (!db || !out || !format) {
    ll_cli_error("export: %s is needed", !db ? "--db FILE" : !format ? "--format csv|json" : "-o FILE");
    return LL_EXIT_USAGE;
  }
  LlExportFormat f;
  if (!ll_export_format_from_name(format, &f)) {
    ll_cli_error("export: --format '%s': write csv or json", format);
    return LL_EXIT_USAGE;
  }
  if (run_id < 0) {
    ll_cli_error("export: --run %" G_GINT64_FORMAT ": a run id is a positive number", run_id);
    return LL_EXIT_USAGE;
  }
  if (!ll_cli_selection_parse("export", &sel))
    return LL_EXIT_USAGE;
  /* a serial number or a run named is exported whatever it measured */
  LlReportFilter filter = { sel.from_t, sel.to_t, sel.lot, sel.station, sel.sequence, serial, run_id,
                            ll_cli_selection_with_reference(&sel) || serial || run_id };
  g_autoptr(GError) err = NULL;
  guint64 rows = 0;
  if (!ll_export_measurements(db, &filter, f, out, &rows, &err)) {
    ll_cli_error("%s", err->message);
    return g_error_matches(err, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE) ? LL_EXIT_FAIL : LL_EXIT_USAGE;
  }
  if (!g_str_equal(out, "-"))
    printf("%" G_GUINT64_FORMAT " measurements written to %s\n", rows, out);
  return LL_EXIT_OK;
}
