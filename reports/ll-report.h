/* ll-report.h: reports and exports made from the results store, never from
 * a station's memory, so any past unit or lot is reported again the same
 * (docs/reports.md describes every sheet, column and export field).
 *
 * - the unit report: one run as an Excel workbook (Summary, Measurements,
 *   Traceability, Module);
 * - the lot report: the finished runs a filter selects as an Excel workbook
 *   (Summary with yields, Bins with a Pareto chart, Statistics with Cpk and
 *   Ppk, Histograms, Units), written row by row in constant memory;
 * - the export: one row per measurement with its run's context, as CSV or
 *   JSON, for MES uploads and scripts.
 *
 * Each opens the store file read-only and reads it in one transaction (a
 * consistent snapshot while a station goes on writing). Text that came
 * from modules or people is always written as text, never as a formula.
 * A report is written to a temporary file beside @out_path and renamed into
 * place when complete, so a failure never leaves half a workbook.
 * Errors are in LL_REPORT_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_REPORT_ERROR (ll_report_error_quark())
GQuark ll_report_error_quark(void);

typedef enum {
  LL_REPORT_ERROR_STORE,     /* the store cannot be opened or read, or is not a results store */
  LL_REPORT_ERROR_NOT_FOUND, /* no such run or serial; nothing selected */
  LL_REPORT_ERROR_WRITE,     /* the output cannot be written */
  LL_REPORT_ERROR_INVALID,   /* a bad argument */
} LlReportError;

/* Which runs a lot report or an export covers. Every field is optional
 * (NULL or 0: no condition); runs still in flight are never selected. */
typedef struct {
  GDateTime *from, *to;      /* runs started at or after @from and before @to */
  const char *lot;
  const char *station_id;
  const char *operation;     /* a sequence id */
  const char *serial;        /* exports only */
  gint64 run_id;             /* exports only */
  gboolean with_reference;   /* also the runs on reference (golden) modules; FALSE: units only */
} LlReportFilter;

/* The unit report of run @run_id, or when it is 0 of the newest run of
 * @serial, written to @out_path. The run reported goes to *@reported (may
 * be NULL). FALSE with @error: LL_REPORT_ERROR_NOT_FOUND when there is no
 * such run. */
gboolean ll_report_unit(const char *db_path, gint64 run_id, const char *serial, const char *out_path,
                        gint64 *reported, GError **error);

typedef struct {
  guint runs, units, units_passed, units_first_pass;
} LlReportLotSummary;

/* The lot report of the finished runs @filter selects (NULL: all), written
 * to @out_path; its headline numbers into *@summary (may be NULL). FALSE
 * with LL_REPORT_ERROR_NOT_FOUND when no run is selected. */
gboolean ll_report_lot(const char *db_path, const LlReportFilter *filter, const char *out_path,
                       LlReportLotSummary *summary, GError **error);

typedef enum {
  LL_EXPORT_CSV,
  LL_EXPORT_JSON,
} LlExportFormat;

/* "csv" or "json" into *@out; FALSE for anything else. */
gboolean ll_export_format_from_name(const char *name, LlExportFormat *out);

/* The measurements of the finished runs @filter selects (NULL: all), one
 * row each with its run's context, written to @out_path ("-": standard
 * output) as @format; the number of rows into *@rows (may be NULL). No
 * measurement selected is not an error: the file then has no rows. */
gboolean ll_export_measurements(const char *db_path, const LlReportFilter *filter, LlExportFormat format,
                                const char *out_path, guint64 *rows, GError **error);

G_END_DECLS
