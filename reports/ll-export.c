/* ll-export.c: the measurements of the selected runs as CSV or JSON, one
 * row per measurement with its run's context (docs/reports.md lists the
 * columns), for MES uploads and scripts. Rows are streamed from the store
 * to the file in run order; nothing is held in memory.
 *
 * Values are written as the store holds them: integers as integers, reals
 * with the fewest digits that read back to the same double, text as text
 * (CSV quoted as RFC 4180 says, lines ending CRLF; JSON escaped), NULL as
 * an empty CSV field or JSON null. CSV is data, not a spreadsheet: a text
 * beginning with '=' is written as it is, so a program reads back exactly
 * what was stored. */
#include "ll-report-db.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
  const char *name, *expr;
} columns[] = {
  { "run_id", "r.id" },
  { "serial", "r.serial" },
  { "sequence", "r.operation" },
  { "sequence_version", "r.sequence_version" },
  { "run_attempt", "r.attempt" },
  { "part_number", "r.part_number" },
  { "vendor", "r.vendor" },
  { "firmware", "r.firmware" },
  { "hardware_revision", "r.hardware_revision" },
  { "lot", "r.lot" },
  { "operator", "r.operator" },
  { "station", "r.station_id" },
  { "line", "r.line" },
  { "site", "r.site" },
  { "fixture", "r.fixture" },
  { "corner", "r.corner" },
  { "run_started_utc", "r.started_utc" },
  { "run_outcome", "r.outcome" },
  { "bin_number", "r.bin_number" },
  { "bin_name", "r.bin_name" },
  { "measurement_id", "m.id" },
  { "step", "m.step_id" },
  { "lane", "m.lane" },
  { "name", "m.name" },
  { "attempt", "m.attempt" },
  { "value_type", "m.value_type" },
  { "value", "m.corrected_value" },
  { "raw_value", "m.raw_value" },
  { "text_value", "m.text_value" },
  { "unit", "m.unit" },
  { "limit_name", "m.limit_name" },
  { "limit_kind", "m.limit_kind" },
  { "limit_low", "m.limit_low" },
  { "limit_high", "m.limit_high" },
  { "limit_unit", "m.limit_unit" },
  { "limit_text", "m.limit_text" },
  { "margin", "m.margin" },
  { "margin_pct", "m.margin_pct" },
  { "verdict", "m.verdict" },
  { "time_s", "m.time_s" },
  { "path_loss_id", "m.path_loss_id" },
};
#define N_COLUMNS ((int) G_N_ELEMENTS(columns))

gboolean
ll_export_format_from_name(const char *name, LlExportFormat *out)
{
  if (!g_strcmp0(name, "csv"))
    *out = LL_EXPORT_CSV;
  else if (!g_strcmp0(name, "json"))
    *out = LL_EXPORT_JSON;
  else
    return FALSE;
  return TRUE;
}

/* The fewest digits that read back to @v. */
static void
put_real(FILE *f, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int digits = 15; digits <= 17; digits++) {
    g_autofree gchar *fmt = g_strdup_printf("%%.%dg", digits);
    g_ascii_formatd(buf, sizeof buf, fmt, v);
    if (g_ascii_strtod(buf, NULL) == v)
      break;
  }
  fputs(buf, f);
}

static void
put_csv_text(FILE *f, const char *text)
{
  if (!strpbrk(text, ",\"\r\n") && text[0] != ' ' && (!*text || text[strlen(text) - 1] != ' ')) {
    fputs(text, f);
    return;
  }
  fputc('"', f);
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      fputc('"', f);
    fputc(*p, f);
  }
  fputc('"', f);
}

static void
put_json_text(FILE *f, const char *text)
{
  g_autofree gchar *valid = g_utf8_validate(text, -1, NULL) ? NULL : g_utf8_make_valid(text, -1);
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *) (valid ? valid : text); *p; p++) {
    switch (*p) {
    case '"':
      fputs("\\\"", f);
      break;
    case '\\':
      fputs("\\\\", f);
      break;
    case '\n':
      fputs("\\n", f);
      break;
    case '\r':
      fputs("\\r", f);
      break;
    case '\t':
      fputs("\\t", f);
      break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

static void
put_value(FILE *f, sqlite3_stmt *stmt, int c, LlExportFormat format)
{
  switch (sqlite3_column_type(stmt, c)) {
  case SQLITE_INTEGER:
    fprintf(f, "%lld", (long long) sqlite3_column_int64(stmt, c));
    break;
  case SQLITE_FLOAT:
    put_real(f, sqlite3_column_double(stmt, c));
    break;
  case SQLITE_NULL:
    if (format == LL_EXPORT_JSON)
      fputs("null", f);
    break;
  default:
    if (format == LL_EXPORT_JSON)
      put_json_text(f, (const char *) sqlite3_column_text(stmt, c));
    else
      put_csv_text(f, (const char *) sqlite3_column_text(stmt, c));
  }
}

static void
put_head(FILE *f, LlExportFormat format, const char *source, const char *selection)
{
  if (format == LL_EXPORT_CSV) {
    for (int c = 0; c < N_COLUMNS; c++)
      fprintf(f, "%s%s", c ? "," : "", columns[c].name);
    fputs("\r\n", f);
    return;
  }
  fputs("{\n  \"format\": \"lightline-measurements\",\n  \"version\": 1,\n  \"source\": ", f);
  put_json_text(f, source);
  fputs(",\n  \"selection\": ", f);
  put_json_text(f, selection);
  fputs(",\n  \"columns\": [", f);
  for (int c = 0; c < N_COLUMNS; c++)
    fprintf(f, "%s\"%s\"", c ? ", " : "", columns[c].name);
  fputs("],\n  \"measurements\": [", f);
}

static void
put_row(FILE *f, sqlite3_stmt *stmt, LlExportFormat format, guint64 index)
{
  if (format == LL_EXPORT_CSV) {
    for (int c = 0; c < N_COLUMNS; c++) {
      if (c)
        fputc(',', f);
      put_value(f, stmt, c, format);
    }
    fputs("\r\n", f);
    return;
  }
  fputs(index ? ",\n    {" : "\n    {", f);
  for (int c = 0; c < N_COLUMNS; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", columns[c].name);
    put_value(f, stmt, c, format);
  }
  fputc('}', f);
}

static gchar *
select_sql(void)
{
  g_autoptr(GString) sql = g_string_new("SELECT ");
  for (int c = 0; c < N_COLUMNS; c++)
    g_string_append_printf(sql, "%s%s", c ? ", " : "", columns[c].expr);
  g_string_append(sql, " FROM runs r JOIN measurements m ON m.run_id = r.id WHERE" LL_REPORT_FILTER_SQL
                       "ORDER BY r.started_utc, r.id, m.id");
  return g_string_free(g_steal_pointer(&sql), FALSE);
}

gboolean
ll_export_measurements(const char *db_path, const LlReportFilter *filter, LlExportFormat format,
                       const char *out_path, guint64 *rows, GError **error)
{
  g_autoptr(LlReportDb) db = ll_report_db_open(db_path, error);
  if (!db)
    return FALSE;
  g_autofree gchar *sql = select_sql();
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(db, sql, error);
  if (!stmt)
    return FALSE;
  ll_report_filter_bind(stmt, filter);

  gboolean to_stdout = g_str_equal(out_path, "-");
  g_autofree gchar *partial = NULL;
  FILE *f = stdout;
  if (!to_stdout) {
    int fd = -1;
    partial = ll_report_partial_file(out_path, &fd, error);
    if (!partial)
      return FALSE;
    f = fdopen(fd, "w");
    if (!f) {
      int e = errno;
      close(fd);
      g_unlink(partial);
      g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s", out_path, g_strerror(e));
      return FALSE;
    }
  }
  static char buffer[1 << 16];
  if (!to_stdout)
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
  g_autofree gchar *selection = ll_report_filter_describe(filter);
  put_head(f, format, db->path, selection);
  guint64 n = 0;
  while (ll_report_db_row(db, stmt, "reading measurements", error))
    put_row(f, stmt, format, n++);
  if (format == LL_EXPORT_JSON)
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
  int write_errno = ferror(f) ? EIO : 0;
  if (fflush(f) != 0 && !write_errno)
    write_errno = errno;
  if (!to_stdout && fclose(f) != 0 && !write_errno)
    write_errno = errno;
  if (ll_report_db_failed(error) || write_errno) {
    if (!ll_report_db_failed(error))
      g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s", out_path, g_strerror(write_errno));
    if (partial)
      g_unlink(partial);
    return FALSE;
  }
  if (partial && g_rename(partial, out_path) != 0) {
    int e = errno;
    g_unlink(partial);
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: %s", out_path, g_strerror(e));
    return FALSE;
  }
  if (rows)
    *rows = n;
  return TRUE;
}
