/* ll-report-unit.c: the unit report, one run of the results store as a
 * workbook (docs/reports.md):
 *   Summary       verdict and bin in large type, the unit, where, who and
 *                 when, the failures with their limits, the serial's history;
 *   Measurements  every measurement by step and lane with its limits,
 *                 margin and verdict (failures highlighted, header frozen,
 *                 autofilter, number formats by unit);
 *   Steps         every step's verdict, attempts, message and notes;
 *   Traceability  software, the files by SHA-256, the station, each
 *                 instrument's identity and calibration, the path-loss
 *                 calibration used;
 *   Module        the module's identity and what was read from it.
 * Every value comes from the store; a field the store does not keep is
 * said to be missing, never made up. */
#include "cmis/ll-cmis.h"
#include "ll-report-db.h"
#include "ll-report-xlsx.h"
#include "ll-version.h"

#include <math.h>
#include <string.h>

/* A row of a query as column name -> text (NULL for SQL NULL). */
static GHashTable *
read_row(sqlite3_stmt *stmt)
{
  GHashTable *row = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; i < sqlite3_column_count(stmt); i++)
    g_hash_table_insert(row, g_strdup(sqlite3_column_name(stmt, i)), g_strdup(ll_report_col_text(stmt, i)));
  return row;
}

static const char *
get(GHashTable *row, const char *column)
{
  return g_hash_table_lookup(row, column);
}

static double
get_double(GHashTable *row, const char *column)
{
  const char *v = get(row, column);
  return v ? g_ascii_strtod(v, NULL) : NAN;
}

typedef struct {
  LlReportDb *db;
  LlXlsx *x;
  GHashTable *run;           /* the runs row */
  gint64 run_id;
  GError *error;             /* the first store error */
} Report;

static gint64
find_run(LlReportDb *db, gint64 run_id, const char *serial, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(db,
    run_id ? "SELECT id FROM runs WHERE id = ?1"
           : "SELECT id FROM runs WHERE serial = ?2 ORDER BY started_utc DESC, id DESC LIMIT 1", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64(stmt, 1, run_id);
  if (serial)
    sqlite3_bind_text(stmt, 2, serial, -1, SQLITE_TRANSIENT);
  if (ll_report_db_row(db, stmt, "finding the run", error))
    return sqlite3_column_int64(stmt, 0);
  if (!ll_report_db_failed(error)) {
    if (run_id)
      g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT, db->path,
                  run_id);
    else
      g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_NOT_FOUND, "%s: no run of serial %s", db->path, serial);
  }
  return 0;
}

/* A statement of @sql with the run id bound to ?1, or NULL with r->error. */
static sqlite3_stmt *
run_query(Report *r, const char *sql)
{
  if (r->error)
    return NULL;
  sqlite3_stmt *stmt = ll_report_db_prepare(r->db, sql, &r->error);
  if (stmt)
    sqlite3_bind_int64(stmt, 1, r->run_id);
  return stmt;
}

static gboolean
next_row(Report *r, sqlite3_stmt *stmt)
{
  return !r->error && ll_report_db_row(r->db, stmt, "reading the run", &r->error);
}

/* ---- Summary ---- */

static void
kv_text(Report *r, lxw_worksheet *ws, lxw_row_t *row, const char *label, const char *value)
{
  ll_xlsx_text(r->x, ws, *row, 0, label, r->x->label);
  ll_xlsx_text(r->x, ws, *row, 1, value ? value : "-", r->x->text);
  (*row)++;
}

static void
kv_number(Report *r, lxw_worksheet *ws, lxw_row_t *row, const char *label, double value, lxw_format *f)
{
  ll_xlsx_text(r->x, ws, *row, 0, label, r->x->label);
  if (isfinite(value))
    ll_xlsx_number(r->x, ws, *row, 1, value, f);
  else
    ll_xlsx_text(r->x, ws, *row, 1, "-", NULL);
  (*row)++;
}

static void
kv_time(Report *r, lxw_worksheet *ws, lxw_row_t *row, const char *label, const char *store_time)
{
  ll_xlsx_text(r->x, ws, *row, 0, label, r->x->label);
  if (store_time)
    ll_xlsx_store_time(r->x, ws, *row, 1, store_time, NULL);
  else
    ll_xlsx_text(r->x, ws, *row, 1, "-", NULL);
  (*row)++;
}

/* "31 TX-EYE", "TX-EYE", or NULL. */
static gchar *
bin_text(const char *number, const char *name)
{
  if (number && name)
    return g_strdup_printf("%s %s", number, name);
  return g_strdup(name ? name : number);
}

static const char *
verdict_text(GHashTable *run)
{
  const char *outcome = get(run, "outcome");
  return outcome ? outcome : "IN FLIGHT";
}

/* The failed and errored measurements, then the failed steps with their
 * messages. */
static void
write_failures(Report *r, lxw_worksheet *ws, lxw_row_t *row)
{
  LlXlsx *x = r->x;
  ll_xlsx_text(x, ws, (*row)++, 0, "Failures", x->heading);
  static const char *const titles[] = { "Step", "Measurement", "Lane", "Value", "Unit", "Low limit", "High limit",
                                        "Limit unit", "Verdict", "Step message" };
  ll_xlsx_header(x, ws, (*row)++, titles, G_N_ELEMENTS(titles));
  guint n = 0;
  g_autoptr(sqlite3_stmt) m = run_query(r,
    "SELECT step_id, name, lane, value_type, corrected_value, text_value, unit, limit_low, limit_high,"
    " limit_unit, verdict FROM measurements WHERE run_id = ?1 AND verdict IN ('fail', 'error') ORDER BY id");
  while (m && next_row(r, m)) {
    const char *unit = ll_report_col_text(m, 6), *limit_unit = ll_report_col_text(m, 9);
    const char *verdict = ll_report_col_text(m, 10);
    lxw_format *f = ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(verdict));
    lxw_format *vf = ll_xlsx_unit_format(x, unit, ll_xlsx_verdict_style(verdict));
    lxw_format *lf = ll_xlsx_unit_format(x, limit_unit ? limit_unit : unit, ll_xlsx_verdict_style(verdict));
    ll_xlsx_text(x, ws, *row, 0, ll_report_col_text(m, 0), f);
    ll_xlsx_text(x, ws, *row, 1, ll_report_col_text(m, 1), f);
    ll_xlsx_number(x, ws, *row, 2, sqlite3_column_int(m, 2), f);
    if (g_strcmp0(ll_report_col_text(m, 3), "number") == 0)
      ll_xlsx_number(x, ws, *row, 3, ll_report_col_double(m, 4), vf);
    else
      ll_xlsx_text(x, ws, *row, 3, ll_report_col_text(m, 5), f);
    ll_xlsx_text(x, ws, *row, 4, unit, f);
    ll_xlsx_number(x, ws, *row, 5, ll_report_col_double(m, 7), lf);
    ll_xlsx_number(x, ws, *row, 6, ll_report_col_double(m, 8), lf);
    ll_xlsx_text(x, ws, *row, 7, limit_unit, f);
    ll_xlsx_text(x, ws, *row, 8, verdict, f);
    (*row)++;
    n++;
  }
  g_autoptr(sqlite3_stmt) s = run_query(r,
    "SELECT step_id, lane, verdict, message FROM step_results WHERE run_id = ?1 AND verdict IN ('fail', 'error')"
    " AND message IS NOT NULL ORDER BY position");
  while (s && next_row(r, s)) {
    lxw_format *f = ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(ll_report_col_text(s, 2)));
    ll_xlsx_text(x, ws, *row, 0, ll_report_col_text(s, 0), f);
    ll_xlsx_number(x, ws, *row, 2, sqlite3_column_int(s, 1), f);
    ll_xlsx_text(x, ws, *row, 8, ll_report_col_text(s, 2), f);
    ll_xlsx_text(x, ws, *row, 9, ll_report_col_text(s, 3), f);
    (*row)++;
    n++;
  }
  if (!n)
    ll_xlsx_text(x, ws, (*row)++, 0, "none", x->note);
}

static void
write_history(Report *r, lxw_worksheet *ws, lxw_row_t *row)
{
  LlXlsx *x = r->x;
  ll_xlsx_text(x, ws, (*row)++, 0, "History of this serial", x->heading);
  static const char *const titles[] = { "Run", "Sequence", "Attempt", "Started (UTC)", "Outcome", "Bin", "Station",
                                        "Site" };
  ll_xlsx_header(x, ws, (*row)++, titles, G_N_ELEMENTS(titles));
  g_autoptr(sqlite3_stmt) h = NULL;
  if (!r->error)
    h = ll_report_db_prepare(r->db,
      "SELECT id, operation, attempt, started_utc, outcome, bin_number, bin_name, station_id, site FROM runs"
      " WHERE serial = ?1 ORDER BY started_utc, id", &r->error);
  if (h)
    sqlite3_bind_text(h, 1, get(r->run, "serial"), -1, SQLITE_TRANSIENT);
  while (h && next_row(r, h)) {
    gboolean self = sqlite3_column_int64(h, 0) == r->run_id;
    lxw_format *bold = self ? x->label : NULL;
    ll_xlsx_number(x, ws, *row, 0, (double) sqlite3_column_int64(h, 0), bold);
    ll_xlsx_text(x, ws, *row, 1, ll_report_col_text(h, 1), bold);
    ll_xlsx_number(x, ws, *row, 2, sqlite3_column_int(h, 2), bold);
    ll_xlsx_store_time(x, ws, *row, 3, ll_report_col_text(h, 3), NULL);
    const char *outcome = ll_report_col_text(h, 4);
    ll_xlsx_text(x, ws, *row, 4, outcome ? outcome : "IN FLIGHT",
                 ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(outcome)));
    g_autofree gchar *bin = bin_text(ll_report_col_text(h, 5), ll_report_col_text(h, 6));
    ll_xlsx_text(x, ws, *row, 5, bin, bold);
    ll_xlsx_text(x, ws, *row, 6, ll_report_col_text(h, 7), bold);
    ll_xlsx_number(x, ws, *row, 7, sqlite3_column_int(h, 8), bold);
    (*row)++;
  }
}

static void
write_summary(Report *r, lxw_worksheet *ws)
{
  LlXlsx *x = r->x;
  GHashTable *run = r->run;
  static const double widths[] = { 24, 34, 14, 14, 14, 14, 14, 14, 14, 40 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Lightline unit report");
  const char *verdict = verdict_text(run);
  LlXlsxStyle style = ll_xlsx_verdict_style(get(run, "outcome"));
  worksheet_set_row(ws, row, 42, NULL);
  ll_xlsx_text(x, ws, row, 0, "Verdict", x->label);
  ll_xlsx_text(x, ws, row++, 1, verdict, x->verdict[style]);
  g_autofree gchar *bin = bin_text(get(run, "bin_number"), get(run, "bin_name"));
  worksheet_set_row(ws, row, 42, NULL);
  ll_xlsx_text(x, ws, row, 0, "Bin", x->label);
  ll_xlsx_text(x, ws, row++, 1, bin ? bin : "no bin", x->verdict[style]);
  row++;
  kv_text(r, ws, &row, "Serial number", get(run, "serial"));
  kv_text(r, ws, &row, "Part number", get(run, "part_number"));
  kv_text(r, ws, &row, "Vendor", get(run, "vendor"));
  kv_text(r, ws, &row, "Firmware", get(run, "firmware"));
  kv_text(r, ws, &row, "Hardware revision", get(run, "hardware_revision"));
  kv_text(r, ws, &row, "Lot", get(run, "lot"));
  g_autofree gchar *seq = g_strdup_printf("%s %s", get(run, "operation"),
                                          get(run, "sequence_version") ? get(run, "sequence_version") : "");
  kv_text(r, ws, &row, "Sequence", g_strstrip(seq));
  kv_number(r, ws, &row, "Attempt", get_double(run, "attempt"), x->integer);
  kv_text(r, ws, &row, "Temperature corner", get(run, "corner"));
  kv_text(r, ws, &row, "Station", get(run, "station_id"));
  kv_text(r, ws, &row, "Line", get(run, "line"));
  kv_number(r, ws, &row, "Site", get_double(run, "site"), x->integer);
  kv_text(r, ws, &row, "Fixture", get(run, "fixture"));
  kv_number(r, ws, &row, "Fixture insertion", get_double(run, "fixture_insertion"), x->integer);
  kv_text(r, ws, &row, "Operator", get(run, "operator"));
  kv_time(r, ws, &row, "Started (UTC)", get(run, "started_utc"));
  kv_time(r, ws, &row, "Finished (UTC)", get(run, "finished_utc"));
  kv_number(r, ws, &row, "Test duration (s)", get_double(run, "test_time_s"), ll_xlsx_format(x, "0.0", 0));
  kv_number(r, ws, &row, "Worst margin (%)", get_double(run, "worst_margin_pct"), ll_xlsx_format(x, "0.0", 0));
  kv_text(r, ws, &row, "Message", get(run, "message"));
  if (get(run, "recovered_utc"))
    kv_time(r, ws, &row, "Found unfinished (UTC)", get(run, "recovered_utc"));
  kv_number(r, ws, &row, "Run", get_double(run, "id"), x->integer);
  kv_text(r, ws, &row, "Results store", r->db->path);
  g_autofree gchar *made = g_date_time_format(x->created, "%Y-%m-%d %H:%M:%S UTC");
  kv_text(r, ws, &row, "Report made", made);
  row++;
  write_failures(r, ws, &row);
  row++;
  write_history(r, ws, &row);
}

/* ---- Measurements ---- */

enum {
  M_POSITION, M_STEP, M_GROUP, M_NAME, M_LANE, M_ATTEMPT, M_VALUE, M_UNIT, M_LOW, M_HIGH, M_LIMIT_UNIT,
  M_LIMIT, M_MARGIN, M_MARGIN_PCT, M_VERDICT, M_RAW, M_TIME, M_PATH_LOSS, M_COLUMNS
};

/* The limit in words: "[-2.9, 4] dBm, guard band 0.1", "3.3 ± 0.1 V",
 * "matches LL-800G-DR8", "is true". */
static gchar *
limit_words(sqlite3_stmt *m)
{
  const char *kind = ll_report_col_text(m, 12);
  if (!kind)
    return NULL;
  const char *unit = ll_report_col_text(m, 13);
  double low = ll_report_col_double(m, 14), high = ll_report_col_double(m, 15);
  double nominal = ll_report_col_double(m, 18), guard = ll_report_col_double(m, 19);
  const char *text = ll_report_col_text(m, 20);
  g_autoptr(GString) s = g_string_new(NULL);
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  if (g_str_equal(kind, "range")) {
    g_string_append_printf(s, "%s%s, %s%s", sqlite3_column_int(m, 16) ? "(" : "[",
                           isnan(low) ? "-inf" : g_ascii_formatd(a, sizeof a, "%.12g", low),
                           isnan(high) ? "+inf" : g_ascii_formatd(b, sizeof b, "%.12g", high),
                           sqlite3_column_int(m, 17) ? ")" : "]");
  } else if (g_str_equal(kind, "nominal")) {
    g_string_append_printf(s, "%s ± %s", g_ascii_formatd(a, sizeof a, "%.12g", nominal),
                           g_ascii_formatd(b, sizeof b, "%.12g", (high - low) / 2));
  } else if (g_str_equal(kind, "regex")) {
    g_string_append_printf(s, "matches %s", text ? text : "");
  } else {
    g_string_append_printf(s, "is %s", text ? text : "");
  }
  if (unit)
    g_string_append_printf(s, " %s", unit);
  if (isfinite(guard) && guard != 0)
    g_string_append_printf(s, ", guard band %s", g_ascii_formatd(a, sizeof a, "%.12g", guard));
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static void
write_measurements(Report *r, lxw_worksheet *ws)
{
  LlXlsx *x = r->x;
  static const char *const titles[M_COLUMNS] = {
    "Step #", "Step", "Group", "Measurement", "Lane", "Attempt", "Value", "Unit", "Low limit", "High limit",
    "Limit unit", "Limit", "Margin", "Margin (%)", "Verdict", "Raw value", "Time (s)", "Path-loss entry" };
  static const double widths[M_COLUMNS] = { 7, 16, 8, 26, 6, 8, 14, 8, 11, 11, 9, 24, 10, 10, 9, 14, 9, 10 };
  ll_xlsx_columns(ws, widths, M_COLUMNS);
  worksheet_set_row(ws, 0, 30, NULL);
  ll_xlsx_header(x, ws, 0, titles, M_COLUMNS);
  worksheet_freeze_panes(ws, 1, 0);
  g_autoptr(sqlite3_stmt) m = run_query(r,
    "SELECT s.position, m.step_id, s.step_group, m.name, m.lane, m.attempt, m.value_type, m.corrected_value,"
    " m.text_value, m.unit, m.raw_value, m.limit_name, m.limit_kind, m.limit_unit, m.limit_low, m.limit_high,"
    " m.limit_low_exclusive, m.limit_high_exclusive, m.limit_nominal, m.limit_guard_band, m.limit_text,"
    " m.margin, m.margin_pct, m.verdict, m.time_s, m.path_loss_id"
    " FROM measurements m JOIN step_results s ON s.id = m.step_result_id WHERE m.run_id = ?1"
    " ORDER BY s.position, m.id");
  lxw_row_t row = 1;
  while (m && next_row(r, m)) {
    const char *verdict = ll_report_col_text(m, 23);
    LlXlsxStyle style = ll_xlsx_verdict_style(verdict);
    LlXlsxStyle row_style = style == LL_XLSX_PASS ? LL_XLSX_PLAIN : style;
    const char *unit = ll_report_col_text(m, 9), *limit_unit = ll_report_col_text(m, 13);
    lxw_format *f = ll_xlsx_format(x, NULL, row_style);
    lxw_format *vf = ll_xlsx_unit_format(x, unit, row_style);
    lxw_format *lf = ll_xlsx_unit_format(x, limit_unit ? limit_unit : unit, row_style);
    ll_xlsx_number(x, ws, row, M_POSITION, sqlite3_column_int(m, 0) + 1, f);
    ll_xlsx_text(x, ws, row, M_STEP, ll_report_col_text(m, 1), f);
    ll_xlsx_text(x, ws, row, M_GROUP, ll_report_col_text(m, 2), f);
    ll_xlsx_text(x, ws, row, M_NAME, ll_report_col_text(m, 3), f);
    ll_xlsx_number(x, ws, row, M_LANE, sqlite3_column_int(m, 4), f);
    ll_xlsx_number(x, ws, row, M_ATTEMPT, sqlite3_column_int(m, 5), f);
    if (g_strcmp0(ll_report_col_text(m, 6), "number") == 0) {
      ll_xlsx_number(x, ws, row, M_VALUE, ll_report_col_double(m, 7), vf);
      ll_xlsx_number(x, ws, row, M_RAW, ll_report_col_double(m, 10), vf);
    } else {
      ll_xlsx_text(x, ws, row, M_VALUE, ll_report_col_text(m, 8), f);
      ll_xlsx_text(x, ws, row, M_RAW, NULL, f);
    }
    ll_xlsx_text(x, ws, row, M_UNIT, unit, f);
    ll_xlsx_number(x, ws, row, M_LOW, ll_report_col_double(m, 14), lf);
    ll_xlsx_number(x, ws, row, M_HIGH, ll_report_col_double(m, 15), lf);
    ll_xlsx_text(x, ws, row, M_LIMIT_UNIT, limit_unit, f);
    g_autofree gchar *words = limit_words(m);
    ll_xlsx_text(x, ws, row, M_LIMIT, words, f);
    ll_xlsx_number(x, ws, row, M_MARGIN, ll_report_col_double(m, 21), lf);
    ll_xlsx_number(x, ws, row, M_MARGIN_PCT, ll_report_col_double(m, 22), ll_xlsx_format(x, "0.0", row_style));
    ll_xlsx_text(x, ws, row, M_VERDICT, verdict, ll_xlsx_format(x, NULL, style));
    ll_xlsx_number(x, ws, row, M_TIME, ll_report_col_double(m, 24), ll_xlsx_format(x, "0.000", row_style));
    ll_xlsx_number(x, ws, row, M_PATH_LOSS, ll_report_col_double(m, 25), f);
    row++;
  }
  worksheet_autofilter(ws, 0, 0, MAX(row - 1, 1), M_COLUMNS - 1);
}

/* ---- Steps ---- */

static void
write_steps(Report *r, lxw_worksheet *ws)
{
  LlXlsx *x = r->x;
  static const char *const titles[] = { "Step #", "Step", "Group", "Action", "Lane", "Verdict", "Attempts",
                                        "Retries", "Bin", "Started (s)", "Finished (s)", "Message", "Notes" };
  static const double widths[] = { 7, 16, 8, 20, 6, 9, 9, 8, 6, 11, 11, 40, 60 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  ll_xlsx_header(x, ws, 0, titles, G_N_ELEMENTS(titles));
  worksheet_freeze_panes(ws, 1, 0);
  g_autoptr(sqlite3_stmt) s = run_query(r,
    "SELECT s.position, s.step_id, s.step_group, s.action, s.lane, s.verdict, s.attempts, s.retries, s.bin,"
    " s.started_s, s.finished_s, s.message,"
    " (SELECT group_concat(n.text, char(10)) FROM (SELECT text FROM step_notes WHERE step_result_id = s.id"
    "   ORDER BY position) n)"
    " FROM step_results s WHERE s.run_id = ?1 ORDER BY s.position, s.id");
  lxw_row_t row = 1;
  lxw_format *seconds = ll_xlsx_format(x, "0.000", LL_XLSX_PLAIN);
  while (s && next_row(r, s)) {
    const char *verdict = ll_report_col_text(s, 5);
    ll_xlsx_number(x, ws, row, 0, sqlite3_column_int(s, 0) + 1, NULL);
    for (int c = 1; c <= 3; c++)
      ll_xlsx_text(x, ws, row, (lxw_col_t) c, ll_report_col_text(s, c), NULL);
    ll_xlsx_number(x, ws, row, 4, sqlite3_column_int(s, 4), NULL);
    ll_xlsx_text(x, ws, row, 5, verdict, ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(verdict)));
    for (int c = 6; c <= 8; c++)
      ll_xlsx_number(x, ws, row, (lxw_col_t) c, ll_report_col_double(s, c), NULL);
    ll_xlsx_number(x, ws, row, 9, ll_report_col_double(s, 9), seconds);
    ll_xlsx_number(x, ws, row, 10, ll_report_col_double(s, 10), seconds);
    ll_xlsx_text(x, ws, row, 11, ll_report_col_text(s, 11), NULL);
    ll_xlsx_text(x, ws, row, 12, ll_report_col_text(s, 12), x->wrap);
    row++;
  }
  worksheet_autofilter(ws, 0, 0, MAX(row - 1, 1), G_N_ELEMENTS(titles) - 1);
}

/* ---- Traceability ---- */

/* A section: @heading, then the rows of the run's query @sql as a table
 * under @titles (text as text, numbers as numbers, times in a column whose
 * title says "(UTC)" as times), or @none when it has no row; a blank row
 * after it. */
static void
write_section(Report *r, lxw_worksheet *ws, lxw_row_t *row, const char *heading, const char *const *titles,
              guint n, const char *sql, const char *none)
{
  LlXlsx *x = r->x;
  ll_xlsx_text(x, ws, (*row)++, 0, heading, x->heading);
  ll_xlsx_header(x, ws, (*row)++, titles, n);
  g_autoptr(sqlite3_stmt) stmt = run_query(r, sql);
  guint rows = 0;
  while (stmt && next_row(r, stmt)) {
    for (guint c = 0; c < n; c++) {
      int type = sqlite3_column_type(stmt, (int) c);
      if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
        ll_xlsx_number(x, ws, *row, (lxw_col_t) c, sqlite3_column_double(stmt, (int) c), NULL);
      else if (strstr(titles[c], "(UTC)"))
        ll_xlsx_store_time(x, ws, *row, (lxw_col_t) c, ll_report_col_text(stmt, (int) c), NULL);
      else
        ll_xlsx_text(x, ws, *row, (lxw_col_t) c, ll_report_col_text(stmt, (int) c), NULL);
    }
    (*row)++;
    rows++;
  }
  if (!rows)
    ll_xlsx_text(x, ws, (*row)++, 0, none, x->note);
  (*row)++;
}

static void
write_traceability(Report *r, lxw_worksheet *ws)
{
  LlXlsx *x = r->x;
  GHashTable *run = r->run;
  static const double widths[] = { 24, 18, 18, 18, 66, 16, 16, 16, 16, 16, 16, 16 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Traceability");
  ll_xlsx_text(x, ws, row++, 0, "Software", x->heading);
  kv_text(r, ws, &row, "Tested with", get(run, "software_version"));
  kv_text(r, ws, &row, "Source revision", get(run, "source_revision"));
  kv_text(r, ws, &row, "Report made with", LL_VERSION " (" LL_SOURCE_REVISION ")");
  row++;

  ll_xlsx_text(x, ws, row++, 0, "Station", x->heading);
  kv_text(r, ws, &row, "Station", get(run, "station_id"));
  kv_text(r, ws, &row, "Line", get(run, "line"));
  kv_number(r, ws, &row, "Site", get_double(run, "site"), x->integer);
  kv_text(r, ws, &row, "Fixture", get(run, "fixture"));
  kv_number(r, ws, &row, "Fixture insertion", get_double(run, "fixture_insertion"), x->integer);
  g_autofree gchar *station_sha = NULL;
  {
    g_autoptr(sqlite3_stmt) s = run_query(r,
      "SELECT sha256 FROM run_documents WHERE run_id = ?1 AND kind = 'station' ORDER BY position LIMIT 1");
    if (s && next_row(r, s))
      station_sha = g_strdup(ll_report_col_text(s, 0));
  }
  ll_xlsx_text(x, ws, row, 0, "Station file SHA-256", x->label);
  ll_xlsx_text(x, ws, row++, 1, station_sha ? station_sha : "not recorded", x->mono);
  row++;

  static const char *const doc_titles[] = { "Kind", "Id", "Version", "Path", "SHA-256", "Size (bytes)" };
  write_section(r, ws, &row, "Sequence, limits and station files", doc_titles, G_N_ELEMENTS(doc_titles),
    "SELECT d.kind, d.name, d.version, d.path, d.sha256, b.size FROM run_documents d"
    " LEFT JOIN blobs b ON b.sha256 = d.sha256 WHERE d.run_id = ?1"
    " ORDER BY CASE d.kind WHEN 'sequence' THEN 0 WHEN 'limits' THEN 1 ELSE 2 END, d.position", "none recorded");
  static const char *const inst_titles[] = { "Name", "Class", "Driver", "Maker", "Model", "Serial", "Firmware",
                                             "Calibration due", "Certificate", "In calibration at test",
                                             "Resource" };
  write_section(r, ws, &row, "Instruments", inst_titles, G_N_ELEMENTS(inst_titles),
    "SELECT i.name, i.class, i.driver, i.maker, i.model, i.serial, i.firmware, i.cal_due, i.cal_cert,"
    " CASE WHEN i.cal_due IS NULL THEN 'no calibration recorded'"
    "  WHEN i.cal_due >= substr(r.started_utc, 1, 10) THEN 'yes' ELSE 'NO: overdue' END, i.resource"
    " FROM run_instruments i JOIN runs r ON r.id = i.run_id WHERE i.run_id = ?1 ORDER BY i.name", "none recorded");
  /* the set recorded with the run and any entry a measurement was corrected with */
  static const char *const loss_titles[] = { "Set", "Station", "Site", "Measured (UTC)", "Expires (UTC)",
                                             "Operator", "Golden unit", "Path", "Lane", "Wavelength (nm)",
                                             "Loss (dB)" };
  write_section(r, ws, &row, "Path-loss calibration", loss_titles, G_N_ELEMENTS(loss_titles),
    "SELECT s.id, s.station_id, s.site, s.measured_utc, s.expires_utc, s.operator, s.golden_serial, p.path,"
    " p.lane, p.wavelength_nm, p.loss_db FROM path_loss p JOIN path_loss_sets s ON s.id = p.set_id"
    " WHERE s.id = (SELECT path_loss_set_id FROM runs WHERE id = ?1)"
    "  OR p.id IN (SELECT path_loss_id FROM measurements WHERE run_id = ?1 AND path_loss_id IS NOT NULL)"
    " ORDER BY s.id, p.path, p.lane, p.wavelength_nm",
    "none recorded with this run: no measurement was corrected with a stored path-loss calibration "
    "(the notes on the Steps sheet say which path offsets the steps applied)");
}

/* ---- Module ---- */

/* The module's memory as a step read it (step_attachments in the CMIS dump
 * format, docs/results-store.md): per page, 16 bytes a row in hex and as
 * ASCII, under the step, size and SHA-256 of the image. */
static void
write_pages(Report *r, lxw_worksheet *ws, lxw_row_t *row)
{
  LlXlsx *x = r->x;
  if (r->db->schema_version < 2) {
    g_autofree gchar *missing = g_strdup_printf(
      "Not recorded: the results store (schema version %d) kept no image of the module's memory, only the "
      "values above that the steps recorded.", r->db->schema_version);
    ll_xlsx_text(x, ws, (*row)++, 0, missing, x->note);
    return;
  }
  g_autoptr(sqlite3_stmt) a = run_query(r,
    "SELECT s.step_id, s.action, a.size, a.sha256, a.content FROM step_attachments a"
    " JOIN step_results s ON s.id = a.step_result_id WHERE s.run_id = ?1 AND a.media_type = '"
    LL_CMIS_DUMP_MEDIA_TYPE "' ORDER BY s.position, a.position");
  static const char *const lower[] = { "Lower page" };
  static const char *const paged[] = { "Lower page", "Page 00h", "Page 01h", "Page 02h", "Page 10h", "Page 11h" };
  static const char *const titles[] = { "Page, address", "Bytes (hex)", "", "", "ASCII" };
  guint n = 0;
  while (a && next_row(r, a)) {
    gsize size = (gsize) sqlite3_column_bytes(a, 4);
    const guint8 *data = sqlite3_column_blob(a, 4);
    g_autofree gchar *what = g_strdup_printf("Read by step %s (%s): %" G_GSIZE_FORMAT " bytes, SHA-256 %s",
                                             ll_report_col_text(a, 0), ll_report_col_text(a, 1), size,
                                             ll_report_col_text(a, 3));
    ll_xlsx_text(x, ws, (*row)++, 0, what, NULL);
    ll_xlsx_header(x, ws, (*row)++, titles, G_N_ELEMENTS(titles));
    const char *const *pages = size == LL_CMIS_DUMP_PAGED_SIZE ? paged : lower;
    guint n_pages = size == LL_CMIS_DUMP_PAGED_SIZE ? G_N_ELEMENTS(paged) : size == LL_CMIS_DUMP_FLAT_SIZE ? 2 : 0;
    if (size == LL_CMIS_DUMP_FLAT_SIZE)
      pages = paged; /* lower page, page 00h */
    for (gsize off = 0; data && off < size; off += 16) {
      guint page = (guint) (off / LL_CMIS_PAGE_SIZE);
      guint address = (guint) (off % LL_CMIS_PAGE_SIZE) + (page ? LL_CMIS_PAGE_SIZE : 0);
      g_autofree gchar *where = page < n_pages ? g_strdup_printf("%s  %02Xh", pages[page], address)
                                               : g_strdup_printf("offset %" G_GSIZE_FORMAT, off);
      GString *hex = g_string_new(NULL), *ascii = g_string_new(NULL);
      for (gsize i = off; i < MIN(off + 16, size); i++) {
        g_string_append_printf(hex, "%s%02X", i > off ? " " : "", data[i]);
        g_string_append_c(ascii, data[i] >= 0x20 && data[i] < 0x7F ? (char) data[i] : '.');
      }
      ll_xlsx_text(x, ws, *row, 0, where, x->mono);
      ll_xlsx_text(x, ws, *row, 1, hex->str, x->mono);
      ll_xlsx_text(x, ws, *row, 4, ascii->str, x->mono);
      g_string_free(hex, TRUE);
      g_string_free(ascii, TRUE);
      (*row)++;
    }
    (*row)++;
    n++;
  }
  if (!n)
    ll_xlsx_text(x, ws, (*row)++, 0, "none recorded: no step of this run read the module's memory", x->note);
}

static void
write_module(Report *r, lxw_worksheet *ws)
{
  LlXlsx *x = r->x;
  GHashTable *run = r->run;
  static const double widths[] = { 26, 28, 14, 14, 14, 14, 14 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Module");
  ll_xlsx_text(x, ws, row++, 0, "Identity read from the module", x->heading);
  kv_text(r, ws, &row, "Vendor", get(run, "vendor"));
  kv_text(r, ws, &row, "Part number", get(run, "part_number"));
  kv_text(r, ws, &row, "Serial number", get(run, "module_serial"));
  kv_text(r, ws, &row, "Firmware", get(run, "firmware"));
  kv_text(r, ws, &row, "Hardware revision", get(run, "hardware_revision"));
  kv_text(r, ws, &row, "Date code", get(run, "date_code"));
  row++;
  ll_xlsx_text(x, ws, row++, 0, "Values read from the module (identity, state, flags, monitors) and its supply",
               x->heading);
  static const char *const titles[] = { "Step", "Measurement", "Lane", "Value", "Unit", "Verdict", "Action" };
  ll_xlsx_header(x, ws, row++, titles, G_N_ELEMENTS(titles));
  g_autoptr(sqlite3_stmt) m = run_query(r,
    "SELECT m.step_id, m.name, m.lane, m.value_type, m.corrected_value, m.text_value, m.unit, m.verdict, s.action"
    " FROM measurements m JOIN step_results s ON s.id = m.step_result_id"
    " WHERE m.run_id = ?1 AND (s.action LIKE 'module.%' OR s.action LIKE 'ddm.%' OR s.action = 'evb.supply')"
    " ORDER BY s.position, m.id");
  guint n = 0;
  while (m && next_row(r, m)) {
    const char *unit = ll_report_col_text(m, 6), *verdict = ll_report_col_text(m, 7);
    ll_xlsx_text(x, ws, row, 0, ll_report_col_text(m, 0), NULL);
    ll_xlsx_text(x, ws, row, 1, ll_report_col_text(m, 1), NULL);
    ll_xlsx_number(x, ws, row, 2, sqlite3_column_int(m, 2), NULL);
    if (g_strcmp0(ll_report_col_text(m, 3), "number") == 0)
      ll_xlsx_number(x, ws, row, 3, ll_report_col_double(m, 4), ll_xlsx_unit_format(x, unit, LL_XLSX_PLAIN));
    else
      ll_xlsx_text(x, ws, row, 3, ll_report_col_text(m, 5), NULL);
    ll_xlsx_text(x, ws, row, 4, unit, NULL);
    ll_xlsx_text(x, ws, row, 5, verdict, ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(verdict)));
    ll_xlsx_text(x, ws, row, 6, ll_report_col_text(m, 8), NULL);
    row++;
    n++;
  }
  if (!n)
    ll_xlsx_text(x, ws, row++, 0, "none recorded", x->note);
  row++;
  ll_xlsx_text(x, ws, row++, 0, "Raw CMIS pages", x->heading);
  write_pages(r, ws, &row);
}

/* ---- the workbook ---- */

static gboolean
read_run(Report *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(r->db, "SELECT * FROM runs WHERE id = ?1", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64(stmt, 1, r->run_id);
  if (!ll_report_db_row(r->db, stmt, "reading the run", error))
    return FALSE;
  r->run = read_row(stmt);
  return TRUE;
}

gboolean
ll_report_unit(const char *db_path, gint64 run_id, const char *serial, const char *out_path, gint64 *reported,
               GError **error)
{
  g_return_val_if_fail(run_id > 0 || serial, FALSE);
  g_autoptr(LlReportDb) db = ll_report_db_open(db_path, error);
  if (!db)
    return FALSE;
  Report r = { .db = db };
  r.run_id = find_run(db, run_id, serial, error);
  if (!r.run_id || !read_run(&r, error))
    return FALSE;
  g_autoptr(GHashTable) run = r.run;
  g_autoptr(LlXlsx) x = ll_xlsx_new(out_path, error);
  if (!x)
    return FALSE;
  r.x = x;
  write_summary(&r, ll_xlsx_sheet(x, "Summary"));
  write_measurements(&r, ll_xlsx_sheet(x, "Measurements"));
  write_steps(&r, ll_xlsx_sheet(x, "Steps"));
  write_traceability(&r, ll_xlsx_sheet(x, "Traceability"));
  write_module(&r, ll_xlsx_sheet(x, "Module"));
  if (r.error) {
    g_propagate_error(error, r.error);
    return FALSE;
  }
  g_autofree gchar *title = g_strdup_printf("Lightline unit report: %s, run %" G_GINT64_FORMAT, get(run, "serial"),
                                            r.run_id);
  g_autofree gchar *bin = bin_text(get(run, "bin_number"), get(run, "bin_name"));
  g_autofree gchar *subject = g_strdup_printf("%s%s%s", verdict_text(run), bin ? " " : "", bin ? bin : "");
  g_autofree gchar *comments = g_strdup_printf("From the results store %s", db->path);
  ll_xlsx_properties(x, title, subject, get(run, "station_id"), comments);
  if (!ll_xlsx_finish(x, error))
    return FALSE;
  if (reported)
    *reported = r.run_id;
  return TRUE;
}
