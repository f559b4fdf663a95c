/* ll-report-xlsx.h: what the Excel reports share on top of libxlsxwriter:
 * a workbook in constant-memory mode written to a temporary file and
 * renamed into place, the first libxlsxwriter error kept and reported,
 * safe cell writers (text always as text, never as a formula; NaN as an
 * empty cell; store times as Excel dates), the formats of the reports,
 * number formats chosen by unit, properties and sheet protection. Not for
 * use outside reports/. */
#pragma once

#include "ll-report.h"

#include <xlsxwriter.h>

#if LXW_VERSION_ID < 114
#error "libxlsxwriter 1.1.4 or newer is needed"
#endif

G_BEGIN_DECLS

/* How a cell stands out: a failed measurement, an error, a pass. */
typedef enum {
  LL_XLSX_PLAIN,
  LL_XLSX_FAIL,
  LL_XLSX_ERROR,
  LL_XLSX_PASS,
  LL_XLSX_WARN,
  LL_XLSX_N_STYLES
} LlXlsxStyle;

typedef struct {
  lxw_workbook *wb;
  gchar *path;               /* where the workbook goes once complete */
  gchar *partial;            /* where it is written first */
  GDateTime *created;        /* the report's time: now, or $SOURCE_DATE_EPOCH */
  lxw_error err;             /* the first error; LXW_NO_ERROR */
  gchar *err_where;
  GHashTable *formats;       /* "style|num format" -> lxw_format* (owned by the workbook) */
  /* formats every report uses */
  lxw_format *title, *heading, *header, *label, *text, *wrap, *integer, *percent, *datetime, *mono, *note;
  lxw_format *verdict[LL_XLSX_N_STYLES]; /* large type */
} LlXlsx;

/* A workbook to be written to @path (the partial file is created beside
 * it now, so an unwritable folder is found before any work). NULL with
 * LL_REPORT_ERROR_WRITE. */
LlXlsx *ll_xlsx_new(const char *path, GError **error);
/* Without ll_xlsx_finish(): drops the partial file. */
void ll_xlsx_free(LlXlsx *x);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlXlsx, ll_xlsx_free)

/* Protects every sheet against accidental edits (no password; selecting,
 * filtering, sorting and resizing columns stay allowed), writes the
 * workbook and renames it into place. FALSE with LL_REPORT_ERROR_WRITE
 * naming the first error met while writing cells, or the write's. */
gboolean ll_xlsx_finish(LlXlsx *x, GError **error);

/* Title, subject, author, comments; created is x->created. */
void ll_xlsx_properties(LlXlsx *x, const char *title, const char *subject, const char *author,
                        const char *comments);

lxw_worksheet *ll_xlsx_sheet(LlXlsx *x, const char *name);

/* Records @err (when it is an error and the first) as met at @where. */
void ll_xlsx_check(LlXlsx *x, lxw_error err, const char *where);

/* @text (may be NULL: an empty cell) as a text cell, whatever it looks
 * like ("=HYPERLINK(...)" stays that text): made valid UTF-8, a literal
 * "_xHHHH_" kept literal, cut to Excel's 32767 characters. */
void ll_xlsx_text(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                  lxw_format *format);
/* @v as a number; NaN or infinite: an empty cell with @format. */
void ll_xlsx_number(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *format);
/* A store time ("2026-03-01T08:15:02.123456Z", UTC) as an Excel date and
 * time (x->datetime when @format is NULL); NULL: an empty cell. */
void ll_xlsx_store_time(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                        lxw_format *format);
/* The widths of columns 0 to @n - 1, in characters. */
void ll_xlsx_columns(lxw_worksheet *ws, const double *widths, guint n);
/* @title in x->title on the first row; returns the row after a blank one. */
lxw_row_t ll_xlsx_title(LlXlsx *x, lxw_worksheet *ws, const char *title);
/* A header row of @n titles in x->header at @row. */
void ll_xlsx_header(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, const char *const *titles, guint n);

/* The format with Excel number format @num_format (NULL: General) in
 * @style, made once per workbook. */
lxw_format *ll_xlsx_format(LlXlsx *x, const char *num_format, LlXlsxStyle style);
/* The number format that suits values in @unit: dBm and dB to 2 decimals,
 * W, V, A and seconds to 3, a BER (ratio) and bit counts in scientific
 * notation, error counts as integers; NULL (General) for others. */
const char *ll_xlsx_unit_num_format(const char *unit);
/* ll_xlsx_format(x, ll_xlsx_unit_num_format(@unit), @style). */
lxw_format *ll_xlsx_unit_format(LlXlsx *x, const char *unit, LlXlsxStyle style);

/* The style of a verdict or outcome ("pass", "FAIL", "error", ...). */
LlXlsxStyle ll_xlsx_verdict_style(const char *verdict);

G_END_DECLS
