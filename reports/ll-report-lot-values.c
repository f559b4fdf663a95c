/* ll-report-lot-values.c: the lot report's sheets made of measured values
 * (Statistics, Units, Histograms; see ll-report-lot.h).
 *
 * The values are read run by run in run order (started, then id), each
 * run's numeric measurements in the order they were stored. A group is a
 * measurement by step, name, lane and unit; most runs measure the same
 * things in the same order, so the group of the i-th value of the last run
 * is tried first and the hash of all groups only when it differs. Values
 * are the corrected ones, every stored value counts (as in
 * ll_store_stats()), and limits are those written (not tightened by a
 * guard band), in the value's unit, and only when every value of the group
 * was judged against the same. */
#include "ll-report-lot.h"
#include "ll-store.h"
#include "ll-units.h"

#include <math.h>
#include <string.h>

static const struct {
  const char *name, *title;
} key_parameters[] = {
  { "tx_power_avg", "TX power" },
  { "oma_outer", "OMA" },
  { "tdecq", "TDECQ" },
  { "extinction_ratio", "Extinction ratio" },
  { "sensitivity", "RX sensitivity" },
  { "module_power", "Module power" },
};

/* The fixed columns of the Units sheet, before one per measurement. */
static const char *const unit_titles[] = {
  "Run", "Serial", "Sequence", "Attempt", "Last run", "Part number", "Firmware", "Lot", "Station", "Site",
  "Fixture", "Operator", "Started (UTC)", "Test time (s)", "Outcome", "Bin", "Bin name", "Worst margin (%)" };
#define UNIT_FIXED G_N_ELEMENTS(unit_titles)

#define RUNS_SQL \
  "SELECT r.id, r.serial, r.operation, r.attempt," \
  " row_number() OVER (PARTITION BY r.serial, r.operation ORDER BY r.started_utc DESC, r.id DESC) = 1," \
  " r.part_number, r.firmware, r.lot, r.station_id, r.site, r.fixture, r.operator, r.started_utc," \
  " r.test_time_s, r.outcome, r.bin_number, r.bin_name, r.worst_margin_pct" \
  " FROM runs r WHERE" LL_REPORT_FILTER_SQL "ORDER BY r.started_utc, r.id"

#define VALUES_SQL \
  "SELECT step_id, name, lane, unit, corrected_value, limit_name, limit_low, limit_high, limit_unit, verdict" \
  " FROM measurements WHERE run_id = ?1 AND value_type = 'number' ORDER BY id"

static void
group_free(gpointer p)
{
  LlLotGroup *g = p;
  g_free(g->step_id);
  g_free(g->name);
  g_free(g->unit);
  g_free(g);
}

static void
key_free(gpointer p)
{
  LlLotKey *k = p;
  ll_histogram_clear(&k->histogram);
  g_free(k->unit);
  g_free(k);
}

void
ll_lot_clear(LlLot *lot)
{
  g_clear_pointer(&lot->groups, g_ptr_array_unref);
  g_clear_pointer(&lot->group_index, g_hash_table_unref);
  g_clear_pointer(&lot->by_position, g_array_unref);
  g_clear_pointer(&lot->keys, g_ptr_array_unref);
}

static gboolean
same_group(const LlLotGroup *g, const char *step, const char *name, guint lane, const char *unit)
{
  return g->lane == lane && !strcmp(g->name, name) && !strcmp(g->step_id, step) && !strcmp(g->unit, unit);
}

static LlLotKey *
key_for(LlLot *lot, const char *name, const char *unit)
{
  for (guint i = 0; i < lot->keys->len; i++) {
    LlLotKey *k = lot->keys->pdata[i];
    if (!strcmp(k->name, name))
      return strcmp(k->unit, unit) ? NULL : k; /* pooled in the unit first seen */
  }
  for (gsize i = 0; i < G_N_ELEMENTS(key_parameters); i++) {
    if (strcmp(key_parameters[i].name, name))
      continue;
    LlLotKey *k = g_new0(LlLotKey, 1);
    k->name = key_parameters[i].name;
    k->title = key_parameters[i].title;
    k->unit = g_strdup(unit);
    k->low = k->high = NAN;
    ll_capability_acc_init(&k->acc);
    g_ptr_array_add(lot->keys, k);
    return k;
  }
  return NULL;
}

/* The group of the @position-th value of a run; made when @create, else
 * NULL when unknown. */
static LlLotGroup *
lookup(LlLot *lot, guint position, const char *step, const char *name, guint lane, const char *unit,
       gboolean create)
{
  if (position < lot->by_position->len) {
    LlLotGroup *g = g_array_index(lot->by_position, LlLotGroup *, position);
    if (g && same_group(g, step, name, lane, unit))
      return g;
  }
  g_autofree gchar *key = g_strdup_printf("%s\x1f%s\x1f%u\x1f%s", step, name, lane, unit);
  LlLotGroup *g = g_hash_table_lookup(lot->group_index, key);
  if (!g && create) {
    g = g_new0(LlLotGroup, 1);
    g->step_id = g_strdup(step);
    g->name = g_strdup(name);
    g->lane = lane;
    g->unit = g_strdup(unit);
    g->index = lot->groups->len;
    g->low = g->high = NAN;
    ll_capability_acc_init(&g->acc);
    g->key = key_for(lot, name, unit);
    g_ptr_array_add(lot->groups, g);
    g_hash_table_insert(lot->group_index, g_steal_pointer(&key), g);
  }
  if (position >= lot->by_position->len)
    g_array_set_size(lot->by_position, position + 1);
  g_array_index(lot->by_position, LlLotGroup *, position) = g;
  return g;
}

static gboolean
same_limit(double a, double b)
{
  return (isnan(a) && isnan(b)) || a == b;
}

static void
note_limits(LlLotGroup *g, double low, double high)
{
  if (!g->seen_limits) {
    g->seen_limits = TRUE;
    g->low = low;
    g->high = high;
  } else if (!same_limit(g->low, low) || !same_limit(g->high, high)) {
    g->low = g->high = NAN;
  }
}

typedef void (*RunFunc)(LlLot *lot, sqlite3_stmt *run, gpointer data);
typedef void (*ValueFunc)(LlLot *lot, LlLotGroup *g, sqlite3_stmt *value, gpointer data);

/* Calls @on_value for each numeric value of each selected run in run
 * order (with the group made when @create), then @on_run (may be NULL)
 * for the run. */
static gboolean
walk(LlLot *lot, gboolean create, ValueFunc on_value, RunFunc on_run, gpointer data, GError **error)
{
  g_autoptr(sqlite3_stmt) runs = ll_report_db_prepare(lot->db, RUNS_SQL, error);
  g_autoptr(sqlite3_stmt) values = runs ? ll_report_db_prepare(lot->db, VALUES_SQL, error) : NULL;
  if (!values)
    return FALSE;
  ll_report_filter_bind(runs, lot->filter);
  while (ll_report_db_row(lot->db, runs, "reading runs", error)) {
    sqlite3_reset(values);
    sqlite3_bind_int64(values, 1, sqlite3_column_int64(runs, 0));
    guint position = 0;
    while (ll_report_db_row(lot->db, values, "reading measurements", error)) {
      const char *unit = ll_report_col_text(values, 3);
      LlLotGroup *g = lookup(lot, position++, ll_report_col_text(values, 0), ll_report_col_text(values, 1),
                             (guint) sqlite3_column_int(values, 2), unit ? unit : "", create);
      if (g)
        on_value(lot, g, values, data);
    }
    if (ll_report_db_failed(error))
      return FALSE;
    if (on_run)
      on_run(lot, runs, data);
  }
  return !ll_report_db_failed(error);
}

/* ---- first pass: statistics ---- */

static void
collect_value(LlLot *lot, LlLotGroup *g, sqlite3_stmt *v, gpointer data)
{
  double value = ll_report_col_double(v, 4);
  double low = NAN, high = NAN;
  if (sqlite3_column_type(v, 5) != SQLITE_NULL) {
    const char *limit_unit = ll_report_col_text(v, 8);
    low = ll_store_limit_in(ll_report_col_double(v, 6), limit_unit, g->unit);
    high = ll_store_limit_in(ll_report_col_double(v, 7), limit_unit, g->unit);
  }
  note_limits(g, low, high);
  ll_capability_acc_add(&g->acc, value);
  if (g_strcmp0(ll_report_col_text(v, 9), "fail") == 0)
    g->fails++;
  if (g->key)
    ll_capability_acc_add(&g->key->acc, value);
}

gboolean
ll_lot_collect(LlLot *lot, GError **error)
{
  lot->groups = g_ptr_array_new_with_free_func(group_free);
  lot->group_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  lot->by_position = g_array_new(FALSE, TRUE, sizeof(LlLotGroup *));
  lot->keys = g_ptr_array_new_with_free_func(key_free);
  if (!walk(lot, TRUE, collect_value, NULL, NULL, error))
    return FALSE;
  /* a key parameter's limits: its groups' when they all agree */
  for (guint i = 0; i < lot->keys->len; i++) {
    LlLotKey *k = lot->keys->pdata[i];
    gboolean first = TRUE;
    for (guint j = 0; j < lot->groups->len; j++) {
      const LlLotGroup *g = lot->groups->pdata[j];
      if (g->key != k)
        continue;
      if (first) {
        k->low = g->low;
        k->high = g->high;
        first = FALSE;
      } else if (!same_limit(k->low, g->low) || !same_limit(k->high, g->high)) {
        k->limits_differ = TRUE;
      }
    }
    if (k->limits_differ)
      k->low = k->high = NAN;
    ll_histogram_init(&k->histogram, k->acc.min, k->acc.max,
                      ll_histogram_bins_for(k->acc.n, k->acc.min, k->acc.max));
  }
  lot->units_columns = MIN(lot->groups->len, LL_LOT_MAX_COLUMNS - UNIT_FIXED);
  return TRUE;
}

/* ---- Statistics ---- */

enum {
  S_STEP, S_NAME, S_LANE, S_UNIT, S_N, S_MEAN, S_SD, S_MIN, S_MAX, S_LOW, S_HIGH, S_SIGMA_WITHIN, S_CPK, S_PPK,
  S_FAILS, S_COLUMNS
};

static LlXlsxStyle
capability_style(double index)
{
  if (!isfinite(index))
    return LL_XLSX_PLAIN;
  return index < 1.0 ? LL_XLSX_FAIL : index < 1.33 ? LL_XLSX_WARN : LL_XLSX_PLAIN;
}

void
ll_lot_write_statistics(LlLot *lot, lxw_worksheet *ws)
{
  LlXlsx *x = lot->x;
  static const char *const titles[S_COLUMNS] = {
    "Step", "Measurement", "Lane", "Unit", "n", "Mean", "Std dev", "Min", "Max", "Low limit", "High limit",
    "Sigma within", "Cpk", "Ppk", "Fails" };
  static const double widths[S_COLUMNS] = { 16, 26, 6, 8, 8, 11, 11, 11, 11, 11, 11, 11, 8, 8, 7 };
  ll_xlsx_columns(ws, widths, S_COLUMNS);
  worksheet_set_row(ws, 0, 30, NULL);
  ll_xlsx_header(x, ws, 0, titles, S_COLUMNS);
  worksheet_freeze_panes(ws, 1, 2);
  lxw_row_t row = 1;
  for (guint i = 0; i < lot->groups->len; i++, row++) {
    const LlLotGroup *g = lot->groups->pdata[i];
    LlSummary c;
    ll_capability_compute(&g->acc, g->low, g->high, &c);
    lxw_format *f = ll_xlsx_unit_format(x, g->unit, LL_XLSX_PLAIN);
    lxw_format *sd = ll_xlsx_format(x, "0.000E+00", LL_XLSX_PLAIN);
    ll_xlsx_text(x, ws, row, S_STEP, g->step_id, NULL);
    ll_xlsx_text(x, ws, row, S_NAME, g->name, NULL);
    ll_xlsx_number(x, ws, row, S_LANE, g->lane, NULL);
    ll_xlsx_text(x, ws, row, S_UNIT, g->unit, NULL);
    ll_xlsx_number(x, ws, row, S_N, c.n, NULL);
    ll_xlsx_number(x, ws, row, S_MEAN, c.mean, f);
    ll_xlsx_number(x, ws, row, S_SD, c.stddev, sd);
    ll_xlsx_number(x, ws, row, S_MIN, c.min, f);
    ll_xlsx_number(x, ws, row, S_MAX, c.max, f);
    ll_xlsx_number(x, ws, row, S_LOW, g->low, f);
    ll_xlsx_number(x, ws, row, S_HIGH, g->high, f);
    ll_xlsx_number(x, ws, row, S_SIGMA_WITHIN, c.sigma_within, sd);
    ll_xlsx_number(x, ws, row, S_CPK, c.cpk, ll_xlsx_format(x, "0.00", capability_style(c.cpk)));
    ll_xlsx_number(x, ws, row, S_PPK, c.ppk, ll_xlsx_format(x, "0.00", capability_style(c.ppk)));
    ll_xlsx_number(x, ws, row, S_FAILS, (double) g->fails,
                   ll_xlsx_format(x, NULL, g->fails ? LL_XLSX_FAIL : LL_XLSX_PLAIN));
  }
  worksheet_autofilter(ws, 0, 0, MAX(row - 1, 1), S_COLUMNS - 1);
}

/* ---- second pass: Units ---- */

typedef struct {
  lxw_worksheet *ws;
  double *values;            /* one per measurement column */
} UnitsRow;

static void
units_value(LlLot *lot, LlLotGroup *g, sqlite3_stmt *v, gpointer data)
{
  UnitsRow *u = data;
  double value = ll_report_col_double(v, 4);
  if (g->index < lot->units_columns)
    u->values[g->index] = value; /* a value measured again: the last one */
  if (g->key)
    ll_histogram_add(&g->key->histogram, value);
}

static void
units_run(LlLot *lot, sqlite3_stmt *r, gpointer data)
{
  UnitsRow *u = data;
  LlXlsx *x = lot->x;
  lxw_worksheet *ws = u->ws;
  if (lot->units_rows < LL_LOT_MAX_ROWS) {
    lxw_row_t row = ++lot->units_rows;
    ll_xlsx_number(x, ws, row, 0, (double) sqlite3_column_int64(r, 0), NULL);
    ll_xlsx_text(x, ws, row, 1, ll_report_col_text(r, 1), NULL);
    ll_xlsx_text(x, ws, row, 2, ll_report_col_text(r, 2), NULL);
    ll_xlsx_number(x, ws, row, 3, sqlite3_column_int(r, 3), NULL);
    ll_xlsx_text(x, ws, row, 4, sqlite3_column_int(r, 4) ? "yes" : "no", NULL);
    for (int c = 5; c <= 8; c++)
      ll_xlsx_text(x, ws, row, (lxw_col_t) c, ll_report_col_text(r, c), NULL);
    ll_xlsx_number(x, ws, row, 9, sqlite3_column_int(r, 9), NULL);
    ll_xlsx_text(x, ws, row, 10, ll_report_col_text(r, 10), NULL);
    ll_xlsx_text(x, ws, row, 11, ll_report_col_text(r, 11), NULL);
    ll_xlsx_store_time(x, ws, row, 12, ll_report_col_text(r, 12), NULL);
    ll_xlsx_number(x, ws, row, 13, ll_report_col_double(r, 13), ll_xlsx_format(x, "0.0", LL_XLSX_PLAIN));
    const char *outcome = ll_report_col_text(r, 14);
    ll_xlsx_text(x, ws, row, 14, outcome, ll_xlsx_format(x, NULL, ll_xlsx_verdict_style(outcome)));
    ll_xlsx_number(x, ws, row, 15, ll_report_col_double(r, 15), NULL);
    ll_xlsx_text(x, ws, row, 16, ll_report_col_text(r, 16), NULL);
    ll_xlsx_number(x, ws, row, 17, ll_report_col_double(r, 17), ll_xlsx_format(x, "0.0", LL_XLSX_PLAIN));
    for (guint i = 0; i < lot->units_columns; i++) {
      const LlLotGroup *g = lot->groups->pdata[i];
      ll_xlsx_number(x, ws, row, (lxw_col_t) (UNIT_FIXED + i), u->values[i],
                     ll_xlsx_unit_format(x, g->unit, LL_XLSX_PLAIN));
    }
  }
  for (guint i = 0; i < lot->units_columns; i++)
    u->values[i] = NAN;
}

/* "tx-power tx_power_avg L1 [dBm]" */
static gchar *
column_title(const LlLotGroup *g)
{
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append_printf(s, "%s %s", g->step_id, g->name);
  if (g->lane)
    g_string_append_printf(s, " L%u", g->lane);
  if (*g->unit)
    g_string_append_printf(s, " [%s]", g->unit);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean
ll_lot_write_units(LlLot *lot, lxw_worksheet *ws, GError **error)
{
  LlXlsx *x = lot->x;
  static const double widths[UNIT_FIXED] = { 7, 14, 16, 7, 7, 14, 9, 10, 10, 5, 9, 10, 19, 9, 10, 5, 16, 9 };
  ll_xlsx_columns(ws, widths, UNIT_FIXED);
  if (lot->units_columns)
    worksheet_set_column(ws, UNIT_FIXED, (lxw_col_t) (UNIT_FIXED + lot->units_columns - 1), 12, NULL);
  worksheet_set_row(ws, 0, 45, NULL);
  ll_xlsx_header(x, ws, 0, unit_titles, UNIT_FIXED);
  for (guint i = 0; i < lot->units_columns; i++) {
    g_autofree gchar *title = column_title(lot->groups->pdata[i]);
    ll_xlsx_text(x, ws, 0, (lxw_col_t) (UNIT_FIXED + i), title, x->header);
  }
  worksheet_freeze_panes(ws, 1, 2);
  g_autofree double *values = g_new(double, MAX(lot->units_columns, 1));
  for (guint i = 0; i < lot->units_columns; i++)
    values[i] = NAN;
  UnitsRow u = { ws, values };
  lot->units_rows = 0;
  if (!walk(lot, FALSE, units_value, units_run, &u, error))
    return FALSE;
  worksheet_autofilter(ws, 0, 0, MAX(lot->units_rows, 1), (lxw_col_t) (UNIT_FIXED + lot->units_columns - 1));
  return TRUE;
}

/* ---- Histograms ---- */

static void
chart_text(lxw_chart *chart, const char *title, const char *x_name, const char *y_name)
{
  lxw_chart_font font = { .size = 11, .bold = LXW_TRUE };
  chart_title_set_name(chart, title);
  chart_title_set_name_font(chart, &font);
  chart_axis_set_name(chart->x_axis, x_name);
  chart_axis_set_name(chart->y_axis, y_name);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
}

/* Rows a chart covers (288 px at 20 px a row), and the gap after it. */
#define CHART_ROWS 16

void
ll_lot_write_histograms(LlLot *lot, lxw_worksheet *ws)
{
  LlXlsx *x = lot->x;
  static const double widths[] = { 11, 11, 11, 11 };
  ll_xlsx_columns(ws, widths, G_N_ELEMENTS(widths));
  lxw_row_t row = ll_xlsx_title(x, ws, "Histograms of the key parameters, every step and lane pooled");
  if (!lot->keys->len)
    ll_xlsx_text(x, ws, row++, 0, "none of the key parameters was measured", x->note);
  for (guint i = 0; i < lot->keys->len; i++) {
    LlLotKey *k = lot->keys->pdata[i];
    LlSummary c;
    ll_capability_compute(&k->acc, k->low, k->high, &c);
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
    g_autofree gchar *limits =
      isnan(k->low) && isnan(k->high)
        ? g_strdup(k->limits_differ ? "limits differ between steps or lanes" : "no limits")
        : g_strdup_printf("limits %s to %s", isnan(k->low) ? "-" : g_ascii_formatd(a, sizeof a, "%.6g", k->low),
                          isnan(k->high) ? "-" : g_ascii_formatd(b, sizeof b, "%.6g", k->high));
    g_autofree gchar *heading = g_strdup_printf("%s: %s%s%s%s, n %u, %s", k->title, k->name, *k->unit ? " (" : "",
                                                k->unit, *k->unit ? ")" : "", c.n, limits);
    lxw_row_t top = row;
    ll_xlsx_text(x, ws, row++, 0, heading, x->heading);
    static const char *const titles[] = { "From", "To", "Centre", "Count" };
    ll_xlsx_header(x, ws, row++, titles, G_N_ELEMENTS(titles));
    lxw_format *f = ll_xlsx_unit_format(x, k->unit, LL_XLSX_PLAIN);
    const LlHistogram *h = &k->histogram;
    lxw_row_t first = row;
    for (guint j = 0; j < h->n_bins; j++, row++) {
      double from = h->min + h->width * j;
      double to = j + 1 == h->n_bins ? k->acc.max : h->min + h->width * (j + 1);
      ll_xlsx_number(x, ws, row, 0, from, f);
      ll_xlsx_number(x, ws, row, 1, to, f);
      ll_xlsx_number(x, ws, row, 2, (from + to) / 2, f);
      ll_xlsx_number(x, ws, row, 3, (double) h->counts[j], x->integer);
    }
    lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(series, "Histograms", first, 2, row - 1, 2);
    chart_series_set_values(series, "Histograms", first, 3, row - 1, 3);
    chart_set_series_gap(chart, 5);
    g_autofree gchar *title = g_strdup_printf("%s%s%s%s", k->title, *k->unit ? " (" : "", k->unit,
                                              *k->unit ? ")" : "");
    g_autofree gchar *axis = g_strdup_printf("%s%s%s", k->name, *k->unit ? ", " : "", k->unit);
    chart_text(chart, title, axis, "Count");
    if (ll_xlsx_unit_num_format(k->unit))
      chart_axis_set_num_format(chart->x_axis, ll_xlsx_unit_num_format(k->unit));
    lxw_chart_options where = { .x_offset = 10, .y_offset = 4, .description = title };
    ll_xlsx_check(x, worksheet_insert_chart_opt(ws, top, 5, chart, &where), "a histogram");
    row = MAX(row, top + CHART_ROWS) + 1;
  }
}
