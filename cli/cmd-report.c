/* cmd-report.c: Excel reports from the results store (reports/ll-report.h):
 *   lightline report unit --db FILE (RUN_ID | --sn SN) -o FILE.xlsx
 *   lightline report lot --db FILE [--lot L] [--from T] [--to T]
 *                        [--station S] [--sequence ID] -o FILE.xlsx
 * and the run selection options `report lot` and `export` share. Exit
 * status 0 written, 1 no such run or nothing selected or the file cannot
 * be written, 2 bad usage or a store that cannot be read. */
#include "ll-cli.h"
#include "ll-report.h"

#include <math.h>
#include <stdio.h>

void
ll_cli_selection_clear(LlCliSelection *s)
{
  g_clear_pointer(&s->from, g_free);
  g_clear_pointer(&s->to, g_free);
  g_clear_pointer(&s->lot, g_free);
  g_clear_pointer(&s->station, g_free);
  g_clear_pointer(&s->sequence, g_free);
  g_clear_pointer(&s->from_t, g_date_time_unref);
  g_clear_pointer(&s->to_t, g_date_time_unref);
}

static gboolean
parse_time(const char *command, const char *option, const char *text, GDateTime **out)
{
  if (!text)
    return TRUE;
  *out = ll_store_parse_time(text);
  if (!*out)
    ll_cli_error("%s: --%s '%s' is not a time: write 2026-03-01 or 2026-03-01T08:00 (UTC), or add a zone "
                 "(+01:00)", command, option, text);
  return *out != NULL;
}

gboolean
ll_cli_selection_parse(const char *command, LlCliSelection *s)
{
  return parse_time(command, "from", s->from, &s->from_t) && parse_time(command, "to", s->to, &s->to_t);
}

gboolean
ll_cli_selection_with_reference(const LlCliSelection *s)
{
  return s->with_reference || s->sequence;
}

/* The exit status of a report's error. */
static int
report_failed(GError *err)
{
  ll_cli_error("%s", err->message);
  return g_error_matches(err, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE) ||
             g_error_matches(err, LL_REPORT_ERROR, LL_REPORT_ERROR_INVALID)
           ? LL_EXIT_USAGE
           : LL_EXIT_FAIL;
}

static int
report_unit(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *serial = NULL, *out = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store", "FILE" },
    { "sn", 0, 0, G_OPTION_ARG_STRING, &serial, "The newest run of this serial number", "SN" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The workbook to write", "FILE.xlsx" },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "report unit", "(RUN_ID | --sn SN)",
                    "one run as a workbook: summary, measurements, traceability, module", entries))
    return LL_EXIT_USAGE;
  gint64 run_id = 0;
  if (argc == 2 && !serial) {
    guint64 id = 0;
    if (!g_ascii_string_to_unsigned(argv[1], 10, 1, G_MAXINT64, &id, NULL)) {
      ll_cli_error("report unit: '%s' is not a run id (a positive number); a serial number goes after --sn",
                   argv[1]);
      return LL_EXIT_USAGE;
    }
    run_id = (gint64) id;
  } else if (argc != 1 || !serial) {
    ll_cli_error("report unit: name one run: a RUN_ID or --sn SN");
    return LL_EXIT_USAGE;
  }
  if (!db || !out) {
    ll_cli_error("report unit: %s is needed", !db ? "--db FILE" : "-o FILE.xlsx");
    return LL_EXIT_USAGE;
  }
  g_autoptr(GError) err = NULL;
  gint64 reported = 0;
  if (!ll_report_unit(db, run_id, serial, out, &reported, &err))
    return report_failed(err);
  printf("unit report of run %" G_GINT64_FORMAT " written to %s\n", reported, out);
  return LL_EXIT_OK;
}

static int
report_lot(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *out = NULL;
  g_auto(LlCliSelection) sel = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store", "FILE" },
    LL_CLI_SELECTION_ENTRIES(sel),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The workbook to write", "FILE.xlsx" },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "report lot", NULL,
                    "the finished runs selected as a workbook: yields, bins, statistics, histograms, units",
                    entries))
    return LL_EXIT_USAGE;
  if (argc > 1) {
    ll_cli_error("report lot: unexpected '%s'", argv[1]);
    return LL_EXIT_USAGE;
  }
  if (!db || !out) {
    ll_cli_error("report lot: %s is needed", !db ? "--db FILE" : "-o FILE.xlsx");
    return LL_EXIT_USAGE;
  }
  if (!ll_cli_selection_parse("report lot", &sel))
    return LL_EXIT_USAGE;
  LlReportFilter filter = { sel.from_t, sel.to_t, sel.lot, sel.station, sel.sequence, NULL, 0,
                            ll_cli_selection_with_reference(&sel) };
  g_autoptr(GError) err = NULL;
  LlReportLotSummary s;
  if (!ll_report_lot(db, &filter, out, &s, &err))
    return report_failed(err);
  printf("lot report of %u runs of %u units (yield %.1f %%, first-pass yield %.1f %%) written to %s\n", s.runs,
         s.units, 100.0 * s.units_passed / s.units, 100.0 * s.units_first_pass / s.units, out);
  return LL_EXIT_OK;
}

int
ll_cmd_report(int argc, char **argv)
{
  if (argc >= 2 && g_str_equal(argv[1], "unit"))
    return report_unit(argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal(argv[1], "lot"))
    return report_lot(argc - 1, argv + 1);
  FILE *out = argc >= 2 && (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) ? stdout : stderr;
  if (out == stderr)
    ll_cli_error("report: say which: unit or lot");
  fprintf(out, "Usage:\n"
               "  lightline report unit --db FILE (RUN_ID | --sn SN) -o FILE.xlsx\n"
               "  lightline report lot --db FILE [--lot L] [--from T] [--to T] [--station S] [--sequence ID]"
               " -o FILE.xlsx\n");
  return out == stdout ? LL_EXIT_OK : LL_EXIT_USAGE;
}
