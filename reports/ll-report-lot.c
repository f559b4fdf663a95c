/* ll-report-lot.c: the lot report (docs/reports.md): the finished runs a
 * filter selects as a workbook of five sheets,
 *   Summary     what was selected; yield and first-pass yield overall, by
 *               station and by site; retests; runs by outcome;
 *   Bins        runs and units by bin; the Pareto of the runs that did not
 *               pass, as a table and a native chart;
 *   Statistics  per measurement (step, name, lane): n, mean, standard
 *               deviation, min, max, limits, Cpk and Ppk;
 *   Histograms  the key parameters' distributions, with charts;
 *   Units       every run: its unit, outcome, bin and measured values.
 * A unit is a serial at a sequence (as in ll_store_stats()): its first
 * selected run decides first-pass yield, its last the yield. By station
 * (or site), a unit counts where it was tested, with its first and last
 * run there. Written in constant memory, sheet by sheet, row by row. */
#include "ll-report-lot.h"
#include "ll-version.h"

#include <math.h>
#include <string.h>

typedef struct {
  gchar *station;            /* NULL: overall */
  int site;                  /* 0: all sites */
  guint units, passed, first_pass, runs, retests, units_retested;
} Yield;

static void
yield_free(gpointer p)
{
  Yield *y = p;
  g_free(y->station);
  g_free(y);
}

typedef enum { BY_ALL, BY_STATION, BY_SITE } YieldScope;

static GPtrArray *
read_yields(LlLot *lot, YieldScope scope, GError **error)
{
  static const char *const partition[] = { "", ", r.station_id", ", r.station_id, r.site" };
  static const char *const columns[] = { "NULL, NULL", "station_id, NULL", "station_id, site" };
  static const char *const group[] = { "", " GROUP BY station_id ORDER BY station_id",
                                       " GROUP BY station_id, site ORDER BY station_id, site" };
  g_autofree gchar *sql = g_strdup_printf(
    "WITH sel AS (SELECT r.station_id, r.site, r.outcome,"
    " row_number() OVER (PARTITION BY r.serial, r.operation%s ORDER BY r.started_utc, r.id) AS k,"
    " count(*) OVER (PARTITION BY r.serial, r.operation%s) AS n FROM runs r WHERE" LL_REPORT_FILTER_SQL ")"
    " SELECT %s, total(k = 1), total(k = n AND outcome = 'PASS'), total(k = 1 AND outcome = 'PASS'),"
    " count(*), total(k > 1), total(k = 1 AND n > 1) FROM sel%s",
    partition[scope], partition[scope], columns[scope], group[scope]);
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(lot->db, sql, error);
  if (!stmt)
    return NULL;
  ll_report_filter_bind(stmt, lot->filter);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(yield_free);
  while (ll_report_db_row(lot->db, stmt, "counting yields", error)) {
    Yield *y = g_new0(Yield, 1);
    y->station = g_strdup(ll_report_col_text(stmt, 0));
    y->site = sqlite3_column_int(stmt, 1);
    y->units = (guint) sqlite3_column_int64(stmt, 2);
    y->passed = (guint) sqlite3_column_int64(stmt, 3);
    y->first_pass = (guint) sqlite3_column_int64(stmt, 4);
    y->runs = (guint) sqlite3_column_int64(stmt, 5);
    y->retests = (guint) sqlite3_column_int64(stmt, 6);
    y->units_retested = (guint) sqlite3_column_int64(stmt, 7);
    g_ptr_array_add(list, y);
  }
  return ll_report_db_failed(error) ? NULL : g_steal_pointer(&list);
}

typedef struct {
  gchar *outcome, *name;
  gint64 number;             /* -1: no bin */
  guint runs, units;         /* units: whose last selected run ended here */
} BinCount;

static void
bin_free(gpointer p)
{
  BinCount *b = p;
  g_free(b->outcome);
  g_free(b->name);
  g_free(b);
}

static GPtrArray *
read_bins(LlLot *lot, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(lot->db,
    "WITH sel AS (SELECT r.outcome, r.bin_number, r.bin_name,"
    " row_number() OVER (PARTITION BY r.serial, r.operation ORDER BY r.started_utc DESC, r.id DESC) = 1 AS last"
    " FROM runs r WHERE" LL_REPORT_FILTER_SQL ")"
    " SELECT outcome, bin_number, bin_name, count(*), total(last) FROM sel GROUP BY outcome, bin_number, bin_name"
    " ORDER BY CASE outcome WHEN 'PASS' THEN 0 WHEN 'FAIL' THEN 1 WHEN 'ERROR' THEN 2 WHEN 'ABORTED' THEN 3"
    " ELSE 4 END, bin_number, bin_name", error);
  if (!stmt)
    return NULL;
  ll_report_filter_bind(stmt, lot->filter);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(bin_free);
  while (ll_report_db_row(lot->db, stmt, "counting bins", error)) {
    BinCount *b = g_new0(BinCount, 1);
    b->outcome = g_strdup(ll_report_col_text(stmt, 0));
    b->number = sqlite3_column_type(stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 1);
    b->name = g_strdup(ll_report_col_text(stmt, 2));
    b->runs = (guint) sqlite3_column_int64(stmt, 3);
    b->units = (guint) sqlite3_column_int64(stmt, 4);
    g_ptr_array_add(list, b);
  }
  return ll_report_db_failed(error) ? NULL : g_steal_pointer(&list);
}

/* "31 TX-EYE", or the outcome when the run has no bin. */
static gchar *
bin_label(const BinCount *b)
{
  if (b->number >= 0)
    return g_strdup_printf("%" G_GINT64_FORMAT " %s", b->number, b->name ? b->name : "");
  return g_strdup(b->name ? b->name : b->outcome);
}

typedef struct {
  gchar *first, *last, *lots, *stations, *sequences;
} Overview;

static void
overview_clear(Overview *o)
{
  g_free(o->first);
  g_free(o->last);
  g_free(o->lots);
  g_free(o->stations);
  g_free(o->sequences);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Overview, overview_clear)

#define DISTINCT_SQL(expr) \
  "(SELECT group_concat(v, ', ') FROM (SELECT DISTINCT " expr " AS v FROM runs r WHERE" LL_REPORT_FILTER_SQL \
  "AND " expr " IS NOT NULL ORDER BY 1))"

static gboolean
read_overview(LlLot *lot, Overview *o, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(lot->db,
    "SELECT count(*), min(r.started_utc), max(r.started_utc), " DISTINCT_SQL("r.lot") ", "
    DISTINCT_SQL("r.station_id") ", " DISTINCT_SQL("r.operation || ' ' || coalesce(r.sequence_version, '')")
    " FROM runs r WHERE" LL_REPORT_FILTER_SQL, error);
  if (!stmt)
    return FALSE;
  ll_report_filter_bind(stmt, lot->filter);
  if (!ll_report_db_row(lot->db, stmt, "reading the selection", error))
    return FALSE;
  lot->runs = (guint) sqlite3_column_int64(stmt, 0);
  o->first = g_strdup(ll_report_col_text(stmt, 1));
  o->last = g_strdup(ll_report_col_text(stmt, 2));
  o->lots = g_strdup(ll_report_col_text(stmt, 3));
  o->stations = g_strdup(ll_report_col_text(stmt, 4));
  o->sequences = g_strdup(ll_report_col_text(stmt, 5));
  return TRUE;
}

/* ---- Summary ---- */

static void
label_text(LlXlsx *x, lxw_worksheet *ws, lxw_row_t *row, const char *label, const char *value)
{
  ll_xlsx_text(x, ws, *row, 0, label, x->label);
  ll_xlsx_text(x, ws, *row, 1, value ? value : "-", x->text);
  (*row)++;
}

static void
label_time(LlXlsx *x, lxw_worksheet *ws, lxw_row_t *row, const char *label, const char *value)
{
  ll_xlsx_text(x, ws, *row, 0, label, x->label);
  ll_xlsx_store_time(x, ws, *row, 1, value, NULL);
  (*row)++;
}

static double
ratio(guint a, guint b)
{
  return b ? (double) a / b : NAN;
}

static void
write_yield_rows(LlXlsx *x, lxw_worksheet *ws, lxw_row_t *row, GPtrArray *yields, const char *scope)
{
  for (guint i = 0; i < yields->len; i++, (*row)++) {
    const Yield *y = yields->pdata[i];
    ll_xlsx_text(x, ws, *row, 0, scope, NULL);
    ll_xlsx_text(x, ws, *row, 1, y->station ? y->station : "all", NULL);
    if (y->site)
      ll_xlsx_number(x, ws, *row, 2, y->site, NULL);
    else
      ll_xlsx_text(x, ws, *row, 2, "all", NULL);
    ll_xlsx_number(x, ws, *row, 3, y->units, NULL);
    ll_xlsx_number(x, ws, *row, 4, y->passed, NULL);
    ll_xlsx_number(x, ws, *row, 5, ratio(y->passed, y->units), x->percent);
    ll_xlsx_number(x, ws, *row, 6, y->first_pass, NULL);
    ll_xlsx_number(x, ws, *row, 7, ratio(y->first_pass, y->units), x->percent);
    ll_xlsx_number(x, ws, *row, 8, y->runs, NULL);
    ll_xlsx_number(x, ws, *row, 9, y->retests, NULL);
    ll_xlsx_number(x, ws, *row, 10, y->units_retested, NULL);
  }
}

static void
write_summary(LlLot *lot, lxw_worksheet *ws, const Overview *o, GPtrArray *yields[3], GPtrArray *bins)
{
  LlXlsx *x = lot->x;
  static const double widths[] = { 26, 30, 11, 11, 11, 11, 11, 11, 11, 11, 11 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Lightline lot report");
  g_autofree gchar *selection = ll_report_filter_describe(lot->filter);
  label_text(x, ws, &row, "Selection", selection);
  label_text(x, ws, &row, "Lots", o->lots);
  label_text(x, ws, &row, "Stations", o->stations);
  label_text(x, ws, &row, "Sequences", o->sequences);
  label_time(x, ws, &row, "First run started (UTC)", o->first);
  label_time(x, ws, &row, "Last run started (UTC)", o->last);
  label_text(x, ws, &row, "Results store", lot->db->path);
  g_autofree gchar *made = g_date_time_format(x->created, "%Y-%m-%d %H:%M:%S UTC");
  label_text(x, ws, &row, "Report made", made);
  label_text(x, ws, &row, "Report made with", "lightline " LL_VERSION " (" LL_SOURCE_REVISION ")");
  row++;

  const Yield *all = yields[BY_ALL]->pdata[0];
  lxw_format *big = workbook_add_format(x->wb);
  format_set_num_format(big, "0.0%");
  format_set_font_size(big, 24);
  format_set_bold(big);
  format_set_align(big, LXW_ALIGN_LEFT);
  worksheet_set_row(ws, row, 34, NULL);
  ll_xlsx_text(x, ws, row, 0, "Yield", x->label);
  ll_xlsx_number(x, ws, row++, 1, ratio(all->passed, all->units), big);
  worksheet_set_row(ws, row, 34, NULL);
  ll_xlsx_text(x, ws, row, 0, "First-pass yield", x->label);
  ll_xlsx_number(x, ws, row++, 1, ratio(all->first_pass, all->units), big);
  row++;

  ll_xlsx_text(x, ws, row++, 0, "Yield by station and site", x->heading);
  static const char *const titles[] = { "Scope", "Station", "Site", "Units", "Passed", "Yield", "First pass",
                                        "First-pass yield", "Runs", "Retest runs", "Units retested" };
  worksheet_set_row(ws, row, 30, NULL);
  ll_xlsx_header(x, ws, row++, titles, G_N_ELEMENTS(titles));
  write_yield_rows(x, ws, &row, yields[BY_ALL], "Overall");
  write_yield_rows(x, ws, &row, yields[BY_STATION], "Station");
  write_yield_rows(x, ws, &row, yields[BY_SITE], "Site");
  row++;

  ll_xlsx_text(x, ws, row++, 0, "Runs by outcome", x->heading);
  static const char *const outcome_titles[] = { "Outcome", "Runs", "Share of runs" };
  ll_xlsx_header(x, ws, row++, outcome_titles, G_N_ELEMENTS(outcome_titles));
  static const char *const outcomes[] = { "PASS", "FAIL", "ERROR", "ABORTED", "INCOMPLETE" };
  for (gsize i = 0; i < G_N_ELEMENTS(outcomes); i++, row++) {
    guint runs = 0;
    for (guint j = 0; j < bins->len; j++) {
      const BinCount *b = bins->pdata[j];
      if (!g_strcmp0(b->outcome, outcomes[i]))
        runs += b->runs;
    }
    ll_xlsx_text(x, ws, row, 0, outcomes[i], ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(outcomes[i])));
    ll_xlsx_number(x, ws, row, 1, runs, NULL);
    ll_xlsx_number(x, ws, row, 2, ratio(runs, lot->runs), x->percent);
  }
  row++;

  ll_xlsx_text(x, ws, row++, 0, "Notes", x->heading);
  static const char *const notes[] = {
    "A unit is a serial number at a sequence. Yield: units whose last selected run passed; first-pass yield: "
    "units whose first selected run passed. By station or site, a unit counts where it was tested.",
    "Retest runs: runs after a unit's first; units retested: units with more than one run.",
    "Statistics: Ppk uses the overall standard deviation; Cpk the within deviation from the average moving "
    "range of consecutive values in run order (MR-bar / 1.128).",
    "Every value comes from the results store named above; the same selection reports the same again.",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(notes); i++)
    ll_xlsx_text(x, ws, row++, 0, notes[i], x->note);
  if (lot->runs > LL_LOT_MAX_ROWS)
    ll_xlsx_text(x, ws, row++, 0, "The Units sheet holds the first 1,048,575 runs: Excel's limit.", x->note);
  if (lot->units_columns < lot->groups->len)
    ll_xlsx_text(x, ws, row++, 0, "The Units sheet holds the first measurements only: Excel's column limit.",
                 x->note);
}

/* ---- Bins ---- */

static gint
by_runs_desc(gconstpointer a, gconstpointer b)
{
  const BinCount *x = *(BinCount *const *) a, *y = *(BinCount *const *) b;
  if (x->runs != y->runs)
    return x->runs > y->runs ? -1 : 1;
  return x->number < y->number ? -1 : x->number > y->number;
}

static void
write_bins(LlLot *lot, lxw_worksheet *ws, GPtrArray *bins, guint units)
{
  LlXlsx *x = lot->x;
  static const double widths[] = { 22, 12, 12, 12, 12, 12, 12 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Bins");
  ll_xlsx_text(x, ws, row++, 0, "Runs and units by bin", x->heading);
  static const char *const titles[] = { "Bin", "Outcome", "Number", "Runs", "Share of runs", "Units (last run)",
                                        "Share of units" };
  worksheet_set_row(ws, row, 30, NULL);
  ll_xlsx_header(x, ws, row++, titles, G_N_ELEMENTS(titles));
  g_autoptr(GPtrArray) pareto = g_ptr_array_new();
  guint not_passed = 0;
  for (guint i = 0; i < bins->len; i++, row++) {
    BinCount *b = bins->pdata[i];
    g_autofree gchar *label = bin_label(b);
    ll_xlsx_text(x, ws, row, 0, label, NULL);
    ll_xlsx_text(x, ws, row, 1, b->outcome, ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(b->outcome)));
    if (b->number >= 0)
      ll_xlsx_number(x, ws, row, 2, (double) b->number, NULL);
    ll_xlsx_number(x, ws, row, 3, b->runs, NULL);
    ll_xlsx_number(x, ws, row, 4, ratio(b->runs, lot->runs), x->percent);
    ll_xlsx_number(x, ws, row, 5, b->units, NULL);
    ll_xlsx_number(x, ws, row, 6, ratio(b->units, units), x->percent);
    if (g_strcmp0(b->outcome, "PASS")) {
      g_ptr_array_add(pareto, b);
      not_passed += b->runs;
    }
  }
  row++;
  ll_xlsx_text(x, ws, row++, 0, "Pareto of the runs that did not pass", x->heading);
  static const char *const pareto_titles[] = { "Bin", "Outcome", "Runs", "Share", "Cumulative share" };
  worksheet_set_row(ws, row, 30, NULL);
  lxw_row_t top = row;
  ll_xlsx_header(x, ws, row++, pareto_titles, G_N_ELEMENTS(pareto_titles));
  if (!pareto->len) {
    ll_xlsx_text(x, ws, row++, 0, "every run passed", x->note);
    return;
  }
  g_ptr_array_sort(pareto, by_runs_desc);
  lxw_row_t first = row;
  guint cumulative = 0;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
  g_autofree lxw_chart_data_label *labels = g_new0(lxw_chart_data_label, pareto->len);
  g_autofree lxw_chart_data_label **label_list = g_new0(lxw_chart_data_label *, pareto->len + 1);
  for (guint i = 0; i < pareto->len; i++, row++) {
    const BinCount *b = pareto->pdata[i];
    cumulative += b->runs;
    g_autofree gchar *label = bin_label(b);
    ll_xlsx_text(x, ws, row, 0, label, NULL);
    ll_xlsx_text(x, ws, row, 1, b->outcome, ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(b->outcome)));
    ll_xlsx_number(x, ws, row, 2, b->runs, NULL);
    ll_xlsx_number(x, ws, row, 3, ratio(b->runs, not_passed), x->percent);
    ll_xlsx_number(x, ws, row, 4, ratio(cumulative, not_passed), x->percent);
    /* libxlsxwriter 1.1 has no secondary axis: the cumulative share is the
     * bars' label */
    gchar *text = g_strdup_printf("%u (%.0f %%)", b->runs, 100.0 * cumulative / not_passed);
    g_ptr_array_add(texts, text);
    labels[i].value = text;
    label_list[i] = &labels[i];
  }
  lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
  lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
  chart_series_set_categories(series, "Bins", first, 0, row - 1, 0);
  chart_series_set_values(series, "Bins", first, 2, row - 1, 2);
  chart_series_set_labels(series);
  ll_xlsx_check(x, chart_series_set_labels_custom(series, label_list), "the Pareto chart's labels");
  lxw_chart_fill fill = { .color = 0xC0504D };
  chart_series_set_fill(series, &fill);
  lxw_chart_font font = { .size = 11, .bold = LXW_TRUE };
  chart_title_set_name(chart, "Pareto of runs not passed (cumulative share in brackets)");
  chart_title_set_name_font(chart, &font);
  chart_axis_set_name(chart->y_axis, "Runs");
  chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  chart_set_series_gap(chart, 30);
  lxw_chart_options where = { .x_offset = 10, .x_scale = 1.3, .y_scale = 1.2,
                              .description = (char *) "Pareto of runs not passed" };
  ll_xlsx_check(x, worksheet_insert_chart_opt(ws, top, 8, chart, &where), "the Pareto chart");
}

/* ---- the workbook ---- */

gboolean
ll_report_lot(const char *db_path, const LlReportFilter *filter, const char *out_path, LlReportLotSummary *summary,
              GError **error)
{
  g_autoptr(LlReportDb) db = ll_report_db_open(db_path, error);
  if (!db)
    return FALSE;
  LlLot lot = { .db = db, .filter = filter };
  g_auto(Overview) overview = { 0 };
  if (!read_overview(&lot, &overview, error))
    return FALSE;
  if (!lot.runs) {
    g_autofree gchar *selection = ll_report_filter_describe(filter);
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_NOT_FOUND, "%s: no %s", db->path, selection);
    return FALSE;
  }
  g_autoptr(GPtrArray) all = read_yields(&lot, BY_ALL, error);
  g_autoptr(GPtrArray) stations = all ? read_yields(&lot, BY_STATION, error) : NULL;
  g_autoptr(GPtrArray) sites = stations ? read_yields(&lot, BY_SITE, error) : NULL;
  g_autoptr(GPtrArray) bins = sites ? read_bins(&lot, error) : NULL;
  if (!bins || !ll_lot_collect(&lot, error)) {
    ll_lot_clear(&lot);
    return FALSE;
  }
  g_autoptr(LlXlsx) x = ll_xlsx_new(out_path, error);
  if (!x) {
    ll_lot_clear(&lot);
    return FALSE;
  }
  lot.x = x;
  GPtrArray *yields[3] = { all, stations, sites };
  const Yield *overall = all->pdata[0];
  write_summary(&lot, ll_xlsx_sheet(x, "Summary"), &overview, yields, bins);
  write_bins(&lot, ll_xlsx_sheet(x, "Bins"), bins, overall->units);
  ll_lot_write_statistics(&lot, ll_xlsx_sheet(x, "Statistics"));
  lxw_worksheet *histograms = ll_xlsx_sheet(x, "Histograms");
  gboolean ok = ll_lot_write_units(&lot, ll_xlsx_sheet(x, "Units"), error);
  if (ok)
    ll_lot_write_histograms(&lot, histograms);
  ll_lot_clear(&lot);
  if (!ok)
    return FALSE;
  g_autofree gchar *selection = ll_report_filter_describe(filter);
  g_autofree gchar *title = g_strdup_printf("Lightline lot report: %s", overview.lots ? overview.lots : selection);
  g_autofree gchar *comments = g_strdup_printf("From the results store %s", db->path);
  ll_xlsx_properties(x, title, selection, overview.stations, comments);
  if (!ll_xlsx_finish(x, error))
    return FALSE;
  if (summary)
    *summary = (LlReportLotSummary) { lot.runs, overall->units, overall->passed, overall->first_pass };
  return TRUE;
}
