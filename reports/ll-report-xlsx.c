/* ll-report-xlsx.c: the workbook helpers of the reports (see
 * ll-report-xlsx.h). Every workbook is made in libxlsxwriter's
 * constant-memory mode: each sheet is written row by row and a row leaves
 * memory when the next begins, so a report of a large lot needs no more
 * memory than one of a small lot. */
#include "ll-report-xlsx.h"
#include "ll-report-db.h"
#include "ll-units.h"
#include "ll-version.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Excel's limit is 32767 characters a cell; keep room for the mark */
#define MAX_CELL_CHARS 32000

static GDateTime *
report_time(void)
{
  /* reproducible builds' convention: a fixed time makes identical files */
  const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
  if (epoch && *epoch) {
    char *end = NULL;
    gint64 s = g_ascii_strtoll(epoch, &end, 10);
    if (end && !*end && s >= 0)
      return g_date_time_new_from_unix_utc(s);
  }
  return g_date_time_new_now_utc();
}

static lxw_format *
new_format(LlXlsx *x)
{
  return workbook_add_format(x->wb);
}

static void
make_formats(LlXlsx *x)
{
  x->title = new_format(x);
  format_set_bold(x->title);
  format_set_font_size(x->title, 16);
  x->heading = new_format(x);
  format_set_bold(x->heading);
  format_set_font_size(x->heading, 12);
  x->header = new_format(x);
  format_set_bold(x->header);
  format_set_bg_color(x->header, 0xD9E1F2);
  format_set_bottom(x->header, LXW_BORDER_THIN);
  format_set_text_wrap(x->header);
  format_set_align(x->header, LXW_ALIGN_VERTICAL_TOP);
  x->label = new_format(x);
  format_set_bold(x->label);
  x->text = new_format(x);
  format_set_num_format(x->text, "@");
  x->wrap = new_format(x);
  format_set_text_wrap(x->wrap);
  format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
  x->integer = new_format(x);
  format_set_num_format(x->integer, "0");
  x->percent = new_format(x);
  format_set_num_format(x->percent, "0.0%");
  x->datetime = new_format(x);
  format_set_num_format(x->datetime, "yyyy-mm-dd hh:mm:ss");
  format_set_align(x->datetime, LXW_ALIGN_LEFT);
  x->mono = new_format(x);
  format_set_font_name(x->mono, "Consolas");
  x->note = new_format(x);
  format_set_italic(x->note);
  format_set_font_color(x->note, LXW_COLOR_GRAY);
  static const lxw_color_t fills[LL_XLSX_N_STYLES] = { 0xFFFFFF, 0xFFC7CE, 0xFFEB9C, 0xC6EFCE, 0xFFEB9C };
  static const lxw_color_t fonts[LL_XLSX_N_STYLES] = { LXW_COLOR_BLACK, 0x9C0006, 0x9C5700, 0x006100, 0x9C5700 };
  for (int s = 0; s < LL_XLSX_N_STYLES; s++) {
    x->verdict[s] = new_format(x);
    format_set_bold(x->verdict[s]);
    format_set_font_size(x->verdict[s], 28);
    format_set_align(x->verdict[s], LXW_ALIGN_CENTER);
    format_set_align(x->verdict[s], LXW_ALIGN_VERTICAL_CENTER);
    format_set_font_color(x->verdict[s], fonts[s]);
    if (s != LL_XLSX_PLAIN) {
      format_set_pattern(x->verdict[s], LXW_PATTERN_SOLID);
      format_set_bg_color(x->verdict[s], fills[s]);
    }
  }
}

LlXlsx *
ll_xlsx_new(const char *path, GError **error)
{
  g_autoptr(LlXlsx) x = g_new0(LlXlsx, 1);
  x->path = g_strdup(path);
  int fd = -1;
  x->partial = ll_report_partial_file(path, &fd, error);
  if (!x->partial)
    return NULL;
  close(fd);
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE };
  x->wb = workbook_new_opt(x->partial, &options);
  if (!x->wb) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: cannot start a workbook", path);
    return NULL;
  }
  x->created = report_time();
  x->formats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  make_formats(x);
  return g_steal_pointer(&x);
}

void
ll_xlsx_free(LlXlsx *x)
{
  if (!x)
    return;
  if (x->wb) {
    /* not finished: the workbook must still be freed; what it wrote goes */
    workbook_close(x->wb);
  }
  if (x->partial)
    g_unlink(x->partial);
  g_free(x->partial);
  g_free(x->path);
  g_free(x->err_where);
  g_clear_pointer(&x->created, g_date_time_unref);
  g_clear_pointer(&x->formats, g_hash_table_unref);
  g_free(x);
}

void
ll_xlsx_check(LlXlsx *x, lxw_error err, const char *where)
{
  if (err == LXW_NO_ERROR || x->err != LXW_NO_ERROR)
    return;
  x->err = err;
  x->err_where = g_strdup(where);
}

gboolean
ll_xlsx_finish(LlXlsx *x, GError **error)
{
  lxw_worksheet *ws;
  /* allowed on a protected sheet: select, filter, sort, resize columns */
  lxw_protection allow = { .autofilter = 1, .sort = 1, .format_columns = 1 };
  LXW_FOREACH_WORKSHEET(ws, x->wb)
    worksheet_protect(ws, NULL, &allow);
  lxw_error err = workbook_close(x->wb);
  x->wb = NULL;
  if (x->err != LXW_NO_ERROR) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s: %s", x->path, x->err_where,
                lxw_strerror(x->err));
    return FALSE;
  }
  if (err != LXW_NO_ERROR) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s", x->path, lxw_strerror(err));
    return FALSE;
  }
  if (g_rename(x->partial, x->path) != 0) {
    int e = errno;
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s", x->path, g_strerror(e));
    return FALSE;
  }
  g_clear_pointer(&x->partial, g_free);
  return TRUE;
}

/* @text as a document property may hold it: valid UTF-8 without control
 * characters (XML 1.0 has no escape for them there). */
static gchar *
property_text(const char *text)
{
  if (!text)
    return NULL;
  gchar *valid = g_utf8_make_valid(text, -1);
  for (gchar *p = valid; *p; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  return valid;
}

void
ll_xlsx_properties(LlXlsx *x, const char *title, const char *subject, const char *author, const char *comments)
{
  g_autofree gchar *t = property_text(title), *s = property_text(subject), *a = property_text(author);
  g_autofree gchar *c = property_text(comments);
  lxw_doc_properties props = {
    .title = t,
    .subject = s,
    .author = a,
    .company = (char *) "Lightline",
    .comments = c,
    .created = (time_t) g_date_time_to_unix(x->created),
  };
  ll_xlsx_check(x, workbook_set_properties(x->wb, &props), "workbook properties");
  ll_xlsx_check(x,
                workbook_set_custom_property_string(x->wb, "Lightline version",
                                                    LL_VERSION " (" LL_SOURCE_REVISION ")"),
                "workbook properties");
}

lxw_worksheet *
ll_xlsx_sheet(LlXlsx *x, const char *name)
{
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
  if (!ws)
    ll_xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, name);
  return ws;
}

/* A literal "_xHHHH_" would be read by Excel as the escape of a character. */
static gboolean
is_escape_like(const char *p)
{
  if (p[0] != '_' || p[1] != 'x')
    return FALSE;
  for (int i = 2; i < 6; i++)
    if (!g_ascii_isxdigit(p[i]))
      return FALSE;
  return p[6] == '_';
}

/* @text as a cell may hold it; NULL when it needs no change. */
static gchar *
cell_text(const char *text)
{
  gboolean plain = TRUE;
  gsize len = 0;
  for (const char *p = text; *p; p++, len++)
    if ((guchar) *p >= 0x80 || (*p == '_' && is_escape_like(p)))
      plain = FALSE;
  if (plain && len <= MAX_CELL_CHARS)
    return NULL;
  g_autofree gchar *valid = g_utf8_make_valid(text, -1);
  GString *out = g_string_sized_new(strlen(valid) + 8);
  glong chars = 0;
  const char *p = valid;
  for (; *p && chars < MAX_CELL_CHARS; p = g_utf8_next_char(p), chars++) {
    if (*p == '_' && is_escape_like(p)) {
      g_string_append(out, "_x005F");
      chars += 6;
    }
    g_string_append_unichar(out, g_utf8_get_char(p));
  }
  if (*p)
    g_string_append(out, " [cut]");
  return g_string_free(out, FALSE);
}

void
ll_xlsx_text(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *format)
{
  if (!text || !*text) {
    if (format)
      ll_xlsx_check(x, worksheet_write_blank(ws, row, col, format), "an empty cell");
    return;
  }
  g_autofree gchar *safe = cell_text(text);
  ll_xlsx_check(x, worksheet_write_string(ws, row, col, safe ? safe : text, format), "a text cell");
}

void
ll_xlsx_number(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *format)
{
  if (!isfinite(v)) {
    if (format)
      ll_xlsx_check(x, worksheet_write_blank(ws, row, col, format), "an empty cell");
    return;
  }
  ll_xlsx_check(x, worksheet_write_number(ws, row, col, v, format), "a number cell");
}

void
ll_xlsx_store_time(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                   lxw_format *format)
{
  if (!text)
    return;
  lxw_datetime t = { 0 };
  if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%lf", &t.year, &t.month, &t.day, &t.hour, &t.min, &t.sec) != 6) {
    ll_xlsx_text(x, ws, row, col, text, NULL);
    return;
  }
  ll_xlsx_check(x, worksheet_write_datetime(ws, row, col, &t, format ? format : x->datetime), "a time cell");
}

void
ll_xlsx_columns(lxw_worksheet *ws, const double *widths, guint n)
{
  for (guint c = 0; c < n; c++)
    worksheet_set_column(ws, (lxw_col_t) c, (lxw_col_t) c, widths[c], NULL);
}

lxw_row_t
ll_xlsx_title(LlXlsx *x, lxw_worksheet *ws, const char *title)
{
  ll_xlsx_text(x, ws, 0, 0, title, x->title);
  return 2;
}

void
ll_xlsx_header(LlXlsx *x, lxw_worksheet *ws, lxw_row_t row, const char *const *titles, guint n)
{
  for (guint i = 0; i < n; i++)
    ll_xlsx_text(x, ws, row, (lxw_col_t) i, titles[i], x->header);
}

lxw_format *
ll_xlsx_format(LlXlsx *x, const char *num_format, LlXlsxStyle style)
{
  g_autofree gchar *key = g_strdup_printf("%d|%s", style, num_format ? num_format : "");
  lxw_format *f = g_hash_table_lookup(x->formats, key);
  if (f)
    return f;
  f = new_format(x);
  if (num_format)
    format_set_num_format(f, num_format);
  static const lxw_color_t fills[LL_XLSX_N_STYLES] = { 0, 0xFFC7CE, 0xFFEB9C, 0xC6EFCE, 0xFFEB9C };
  static const lxw_color_t fonts[LL_XLSX_N_STYLES] = { 0, 0x9C0006, 0x9C5700, 0x006100, 0x9C5700 };
  if (style != LL_XLSX_PLAIN) {
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_bg_color(f, fills[style]);
    format_set_font_color(f, fonts[style]);
  }
  g_hash_table_insert(x->formats, g_steal_pointer(&key), f);
  return f;
}

const char *
ll_xlsx_unit_num_format(const char *unit)
{
  LlUnit u;
  if (!unit || !*unit || !ll_unit_from_name(unit, &u))
    return NULL;
  switch (u) {
  case LL_UNIT_DBM:
  case LL_UNIT_DB:
  case LL_UNIT_NM:
    return "0.00";
  case LL_UNIT_MW:
  case LL_UNIT_W:
  case LL_UNIT_MA:
  case LL_UNIT_A:
  case LL_UNIT_V:
  case LL_UNIT_S:
    return "0.000";
  case LL_UNIT_C:
  case LL_UNIT_PS:
  case LL_UNIT_PERCENT:
    return "0.0";
  case LL_UNIT_RATIO:
  case LL_UNIT_BITS:
    return "0.00E+00";
  case LL_UNIT_ERRORS:
    return "0";
  case LL_UNIT_NONE:
  case LL_UNIT_COUNT:
    break;
  }
  return NULL;
}

lxw_format *
ll_xlsx_unit_format(LlXlsx *x, const char *unit, LlXlsxStyle style)
{
  return ll_xlsx_format(x, ll_xlsx_unit_num_format(unit), style);
}

LlXlsxStyle
ll_xlsx_verdict_style(const char *verdict)
{
  if (!verdict)
    return LL_XLSX_WARN;
  if (!g_ascii_strcasecmp(verdict, "pass"))
    return LL_XLSX_PASS;
  if (!g_ascii_strcasecmp(verdict, "fail"))
    return LL_XLSX_FAIL;
  if (!g_ascii_strcasecmp(verdict, "info") || !g_ascii_strcasecmp(verdict, "skipped"))
    return LL_XLSX_PLAIN;
  return LL_XLSX_ERROR;
}
