/* test-gui-quality.c: the station application's Quality screen in-process,
 * on an X display of its own (tests/support/run-with-xvfb), over a store
 * filled by `lightline demo` (two shifts: lot DEMO with a golden-module
 * calibration first, and a few of the same serials again in lot LOT-B).
 * The filters are typed and chosen as a person would; what the browser
 * lists, a unit's detail, the histogram's numbers and the reports written
 * from the screen are checked against independent witnesses: SQLite read
 * directly (tests/support/ll-test-db), `lightline unit history --json`,
 * `lightline stats --json`, and tests/check-reports.py (openpyxl). */
#include "ll-gui-app.h"
#include "ll-gui-chart.h"
#include "ll-gui-modes.h"
#include "ll-gui-window.h"
#include "ll-test-db.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

/* only a hang reaches it */
#define WAIT_S 300

static LlGuiApp *app;
static gchar *dir, *db;

static gchar *
source_path(const char *rel)
{
  return g_build_filename(g_getenv("LL_SOURCE"), rel, NULL);
}

typedef gboolean (*Cond)(gpointer data);

static void
wait_for(Cond cond, gpointer data, const char *what)
{
  gint64 end = g_get_monotonic_time() + WAIT_S * G_USEC_PER_SEC;
  while (!cond(data)) {
    if (g_get_monotonic_time() > end)
      g_error("gave up waiting for %s", what);
    if (!g_main_context_iteration(NULL, FALSE))
      g_usleep(2000);
  }
  while (g_main_context_iteration(NULL, FALSE))
    ;
}

typedef struct {
  LlGuiRunner *runner;
  LlGuiWindow *win;
  GtkWidget *page;
} Fixture;

static GtkWidget *
named(Fixture *f, const char *name)
{
  GtkWidget *w = ll_gui_find_named(f->page, name);
  g_assert_nonnull(w);
  return w;
}

static const char *
label_text(Fixture *f, const char *name)
{
  GtkWidget *w = named(f, name);
  g_assert_true(GTK_IS_LABEL(w));
  return gtk_label_get_label(GTK_LABEL(w));
}

/* The screen has no answer outstanding: its spinner stopped (it spins
 * from a filter's change to the last answer). */
static gboolean
settled(gpointer data)
{
  Fixture *f = data;
  gboolean spinning = FALSE;
  g_object_get(named(f, "quality-busy"), "spinning", &spinning, NULL);
  return !spinning;
}

static void
settle(Fixture *f)
{
  wait_for(settled, f, "the Quality screen's answers");
}

static void
fixture_open(Fixture *f)
{
  LlGuiRunnerOptions o;
  ll_gui_runner_options_default(&o);
  g_autofree gchar *config = source_path("examples/sim-station.ini");
  g_autofree gchar *seq = source_path("sequences/shipped/final-800g-dr8.yaml");
  o.config_path = config;
  o.sequence_path = seq;
  o.database = db;
  o.operator_name = "gui-test";
  g_autoptr(GError) err = NULL;
  f->runner = ll_gui_runner_new(&o, &err);
  g_assert_no_error(err);
  f->win = ll_gui_window_new(GTK_APPLICATION(app), f->runner, NULL);
  gtk_window_set_default_size(GTK_WINDOW(f->win), 1280, 800);
  gtk_window_present(GTK_WINDOW(f->win));
  ll_gui_window_show_page(f->win, "quality");
  f->page = ll_gui_window_get_page(f->win, "quality");
  gtk_stack_set_visible_child_name(GTK_STACK(named(f, "quality-stack")), "runs");
  settle(f);
}

static void
fixture_close(Fixture *f)
{
  gtk_window_destroy(GTK_WINDOW(f->win));
  ll_gui_runner_shutdown(f->runner);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  g_clear_object(&f->runner);
  ll_bench_forget_all();
}

/* Types @text into the filter entry @name as a person would (the screen
 * applies it a moment after the last key). */
static void
type_filter(Fixture *f, const char *name, const char *text)
{
  GtkEditable *e = GTK_EDITABLE(named(f, name));
  gtk_editable_set_text(e, "");
  int pos = 0;
  gtk_editable_insert_text(e, text, -1, &pos);
  settle(f);
}

/* Chooses the entry @text of the drop-down @name; asserts there is one. */
static void
choose(Fixture *f, const char *name, const char *text)
{
  GtkDropDown *drop = GTK_DROP_DOWN(named(f, name));
  GListModel *model = gtk_drop_down_get_model(drop);
  for (guint i = 0; i < g_list_model_get_n_items(model); i++) {
    g_autoptr(GtkStringObject) item = g_list_model_get_item(model, i);
    if (g_str_equal(gtk_string_object_get_string(item), text)) {
      gtk_drop_down_set_selected(drop, i);
      settle(f);
      return;
    }
  }
  g_error("%s has no entry '%s'", name, text);
}

/* The run ids the browser lists, top down. */
static GArray *
listed_runs(Fixture *f)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  GtkListBox *list = GTK_LIST_BOX(named(f, "runs-list"));
  GtkListBoxRow *row;
  for (int i = 0; (row = gtk_list_box_get_row_at_index(list, i)); i++) {
    gint64 *id = g_object_get_data(G_OBJECT(row), "run-id");
    g_assert_nonnull(id);
    g_array_append_val(ids, *id);
  }
  return ids;
}

/* The ids @sql selects, in its order, read with SQLite directly. */
static GArray *
db_ids(const char *sql)
{
  sqlite3 *sdb = ll_test_db_open(db, FALSE);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(sdb, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64(stmt, 0);
    g_array_append_val(ids, id);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(sdb);
  return ids;
}

static void
assert_same_ids(GArray *a, GArray *b)
{
  g_assert_cmpuint(a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint(g_array_index(a, gint64, i), ==, g_array_index(b, gint64, i));
}

static JsonNode *
cli_json(const char *const *args)
{
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, args);
  g_assert_cmpint(run.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new();
  g_assert_true(json_parser_load_from_data(parser, run.out, -1, NULL));
  return json_node_copy(json_parser_get_root(parser));
}

static gchar *
count_text(guint n)
{
  return n ? g_strdup_printf("1–%u of %u run%s", MIN(n, 100), n, n == 1 ? "" : "s") : g_strdup("No run selected");
}

static gboolean
file_exists(gpointer path)
{
  return g_file_test(path, G_FILE_TEST_EXISTS);
}

static gchar *
spawn_ok(const char *const *argv)
{
  gchar *out = NULL, *err = NULL;
  int wait = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true(g_spawn_sync(dir, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, &error));
  g_test_message("%s: exit %d\nstdout:\n%s\nstderr:\n%s", argv[0], wait, out, err);
  g_free(err);
  g_assert_true(WIFEXITED(wait));
  g_assert_cmpint(WEXITSTATUS(wait), ==, 0);
  return out;
}

/* ---- the runs the filters select ---- */

static void
test_filters(void)
{
  Fixture f = { 0 };
  fixture_open(&f);

  /* no filter: every finished run on a unit, newest first; the golden
   * module's calibration runs are left out (the final test's are all) */
  g_autoptr(JsonNode) all = cli_json((const char *const[]) { "stats", "--db", db, "--sequence",
                                                             "final-800g-dr8", "--json", NULL });
  guint runs = (guint) json_object_get_int_member(json_node_get_object(all), "runs");
  g_assert_cmpuint(runs, ==, 36);
  g_autofree gchar *expect = count_text(runs);
  g_assert_cmpstr(label_text(&f, "runs-count"), ==, expect);
  g_autoptr(GArray) listed = listed_runs(&f);
  g_autoptr(GArray) newest = db_ids("SELECT id FROM runs WHERE operation = 'final-800g-dr8' AND outcome IS NOT NULL"
                                    " ORDER BY started_utc DESC, id DESC");
  assert_same_ids(listed, newest);
  /* with golden modules: their runs too */
  gtk_check_button_set_active(GTK_CHECK_BUTTON(named(&f, "filter-reference")), TRUE);
  settle(&f);
  g_autoptr(GArray) with_golden = db_ids("SELECT id FROM runs WHERE outcome IS NOT NULL"
                                         " ORDER BY started_utc DESC, id DESC");
  g_assert_cmpuint(with_golden->len, >, runs);
  g_autoptr(GArray) listed_golden = listed_runs(&f);
  assert_same_ids(listed_golden, with_golden);
  gtk_check_button_set_active(GTK_CHECK_BUTTON(named(&f, "filter-reference")), FALSE);
  settle(&f);

  /* a serial: its runs in both lots, as `lightline unit history` has them */
  type_filter(&f, "filter-serial", "LL26D00003");
  g_autoptr(JsonNode) history = cli_json((const char *const[]) { "unit", "history", "LL26D00003", "--db", db,
                                                                 "--json", NULL });
  JsonArray *hruns = json_object_get_array_member(json_node_get_object(history), "runs");
  g_assert_cmpuint(json_array_get_length(hruns), ==, 2);
  g_autoptr(GArray) by_serial = listed_runs(&f);
  g_assert_cmpuint(by_serial->len, ==, 2);
  for (guint i = 0; i < 2; i++) /* history is oldest first, the browser newest first */
    g_assert_cmpint(g_array_index(by_serial, gint64, i), ==,
                    json_object_get_int_member(json_array_get_object_element(hruns, 1 - i), "run_id"));
  type_filter(&f, "filter-serial", "");

  /* a lot: as many runs as `lightline stats --lot` counts */
  type_filter(&f, "filter-lot", "LOT-B");
  g_autoptr(JsonNode) lot = cli_json((const char *const[]) { "stats", "--db", db, "--lot", "LOT-B", "--json", NULL });
  guint lot_runs = (guint) json_object_get_int_member(json_node_get_object(lot), "runs");
  g_assert_cmpuint(lot_runs, ==, 6);
  g_autofree gchar *lot_text = count_text(lot_runs);
  g_assert_cmpstr(label_text(&f, "runs-count"), ==, lot_text);
  g_autoptr(GArray) lot_listed = listed_runs(&f);
  g_autoptr(GArray) lot_ids = db_ids("SELECT id FROM runs WHERE lot = 'LOT-B' ORDER BY started_utc DESC, id DESC");
  assert_same_ids(lot_listed, lot_ids);
  type_filter(&f, "filter-lot", "");

  /* a bin: its runs only */
  choose(&f, "filter-bin", "bin 31 TX-EYE (FAIL)");
  g_autoptr(GArray) bin_listed = listed_runs(&f);
  g_autoptr(GArray) bin_ids = db_ids("SELECT id FROM runs WHERE outcome = 'FAIL' AND bin_number = 31"
                                     " ORDER BY started_utc DESC, id DESC");
  g_assert_cmpuint(bin_ids->len, >, 0);
  assert_same_ids(bin_listed, bin_ids);
  choose(&f, "filter-bin", "Any bin");

  /* a time window: runs started from the 10th newest final-test run on */
  sqlite3 *sdb = ll_test_db_open(db, FALSE);
  g_autofree gchar *from = ll_test_db_text(sdb, "SELECT started_utc FROM runs WHERE operation = 'final-800g-dr8'"
                                                " ORDER BY started_utc DESC LIMIT 1 OFFSET 9", NULL);
  sqlite3_close(sdb);
  type_filter(&f, "filter-from", from);
  g_autofree gchar *window = g_strdup_printf("SELECT id FROM runs WHERE outcome IS NOT NULL AND purpose = 'unit'"
                                             " AND started_utc >= '%s' ORDER BY started_utc DESC, id DESC", from);
  g_autoptr(GArray) window_ids = db_ids(window);
  g_assert_cmpuint(window_ids->len, ==, 10);
  g_autoptr(GArray) window_listed = listed_runs(&f);
  assert_same_ids(window_listed, window_ids);
  /* a time that cannot be read selects nothing and says so */
  type_filter(&f, "filter-from", "yesterday");
  g_assert_nonnull(strstr(label_text(&f, "runs-count"), "cannot be read"));
  g_assert_true(gtk_widget_has_css_class(named(&f, "filter-from"), "error"));
  type_filter(&f, "filter-from", "");
  g_assert_cmpstr(label_text(&f, "runs-count"), ==, expect);
  fixture_close(&f);
}

/* ---- a failed unit's detail and its report ---- */

/* The text in column @col of the measurement table's row @row. */
static const char *
grid_text(GtkGrid *grid, int col, int row)
{
  GtkWidget *w = gtk_grid_get_child_at(grid, col, row);
  return w ? gtk_label_get_label(GTK_LABEL(w)) : NULL;
}

static gchar *
g6(double v)
{
  return isfinite(v) ? g_strdup_printf("%.6g", v) : g_strdup("");
}

static void
test_detail(void)
{
  Fixture f = { 0 };
  fixture_open(&f);
  choose(&f, "filter-bin", "bin 31 TX-EYE (FAIL)");
  GtkListBox *list = GTK_LIST_BOX(named(&f, "runs-list"));
  GtkListBoxRow *row = gtk_list_box_get_row_at_index(list, 0);
  g_assert_nonnull(row);
  gint64 run_id = *(gint64 *) g_object_get_data(G_OBJECT(row), "run-id");
  gtk_list_box_select_row(list, row);
  settle(&f);
  g_autofree gchar *serial = NULL;
  {
    sqlite3 *sdb = ll_test_db_open(db, FALSE);
    g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
    serial = ll_test_db_text(sdb, "SELECT serial FROM runs WHERE id = ?1", id);
    sqlite3_close(sdb);
  }
  g_autofree gchar *title = g_strdup_printf("%s · run %" G_GINT64_FORMAT, serial, run_id);
  g_assert_cmpstr(label_text(&f, "detail-title"), ==, title);
  g_assert_true(g_str_has_prefix(label_text(&f, "detail-facts"), "FAIL · bin 31 TX-EYE"));

  /* every measurement of the run is a row; the failing ones, as the store
   * has them, are highlighted with their limits */
  GtkGrid *grid = GTK_GRID(named(&f, "detail-measurements"));
  sqlite3 *sdb = ll_test_db_open(db, FALSE);
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
  gint64 stored = ll_test_db_int(sdb, "SELECT count(*) FROM measurements WHERE run_id = ?1", id);
  g_assert_cmpint(stored, >, 20);
  g_assert_null(grid_text(grid, 0, (int) stored + 1));
  g_assert_nonnull(grid_text(grid, 0, (int) stored));
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(sdb, "SELECT step_id, name, lane, corrected_value, unit, limit_low, limit_high"
                                          " FROM measurements WHERE run_id = ?1 AND verdict = 'fail' ORDER BY id",
                                     -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64(stmt, 1, run_id);
  guint failing = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const char *step = (const char *) sqlite3_column_text(stmt, 0);
    const char *name = (const char *) sqlite3_column_text(stmt, 1);
    g_autofree gchar *lane = g_strdup_printf("%d", sqlite3_column_int(stmt, 2));
    g_autofree gchar *value = g6(sqlite3_column_double(stmt, 3));
    g_autofree gchar *low = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? g_strdup("")
                                                                         : g6(sqlite3_column_double(stmt, 5));
    g_autofree gchar *high = sqlite3_column_type(stmt, 6) == SQLITE_NULL ? g_strdup("")
                                                                          : g6(sqlite3_column_double(stmt, 6));
    gboolean found = FALSE;
    for (int r = 1; r <= stored && !found; r++) {
      if (g_strcmp0(grid_text(grid, 0, r), step) || g_strcmp0(grid_text(grid, 2, r), name) ||
          g_strcmp0(grid_text(grid, 1, r), lane))
        continue;
      found = TRUE;
      g_assert_cmpstr(grid_text(grid, 3, r), ==, value);
      g_assert_cmpstr(grid_text(grid, 4, r), ==, (const char *) sqlite3_column_text(stmt, 4));
      g_assert_cmpstr(grid_text(grid, 5, r), ==, low);
      g_assert_cmpstr(grid_text(grid, 6, r), ==, high);
      g_assert_cmpstr(grid_text(grid, 8, r), ==, "fail");
      g_assert_true(gtk_widget_has_css_class(gtk_grid_get_child_at(grid, 3, r), "error"));
    }
    g_assert_true(found);
    /* and said above the table, with its limits */
    if (failing < 4) {
      g_autofree gchar *line = g_strdup_printf("%s %s%s%s: %s %s fail (limits %s … %s)", step, name,
                                               sqlite3_column_int(stmt, 2) ? " lane " : "",
                                               sqlite3_column_int(stmt, 2) ? lane : "", value,
                                               (const char *) sqlite3_column_text(stmt, 4), *low ? low : "–",
                                               *high ? high : "–");
      g_assert_nonnull(strstr(label_text(&f, "detail-failures"), line));
      g_assert_true(gtk_widget_get_visible(named(&f, "detail-failures")));
    }
    failing++;
  }
  sqlite3_finalize(stmt);
  g_assert_cmpuint(failing, >, 0);
  /* as many rows say fail as the store has failing values */
  guint fail_rows = 0;
  for (int r = 1; r <= stored; r++)
    fail_rows += g_strcmp0(grid_text(grid, 8, r), "fail") == 0;
  g_assert_cmpuint(fail_rows, ==, failing);
  sqlite3_close(sdb);

  /* the shown unit's report, exported from the screen, read back by openpyxl */
  g_autofree gchar *xlsx = g_build_filename(dir, "unit.xlsx", NULL);
  g_assert_true(gtk_widget_activate_action(f.page, "quality.export-unit", "s", xlsx));
  wait_for(file_exists, xlsx, "the unit report");
  g_autofree gchar *checker = source_path("tests/check-reports.py");
  g_autofree gchar *checked = spawn_ok((const char *const[]) { "/usr/bin/python3", checker, "unit", db, xlsx, id,
                                                               NULL });

  /* the lot report of the filters: lot LOT-B */
  choose(&f, "filter-bin", "Any bin");
  type_filter(&f, "filter-lot", "LOT-B");
  g_autofree gchar *lot_xlsx = g_build_filename(dir, "lot-b.xlsx", NULL);
  g_assert_true(gtk_widget_activate_action(f.page, "quality.lot-report", "s", lot_xlsx));
  wait_for(file_exists, lot_xlsx, "the lot report");
  g_auto(LlTestRun) stats = { 0 };
  ll_test_run(&stats, (const char *const[]) { "stats", "--db", db, "--lot", "LOT-B", "--json", NULL });
  g_autofree gchar *stats_json = g_build_filename(dir, "stats-b.json", NULL);
  g_assert_true(g_file_set_contents(stats_json, stats.out, -1, NULL));
  g_autofree gchar *lot_checked = spawn_ok((const char *const[]) { "/usr/bin/python3", checker, "lot", db, lot_xlsx,
                                                                   stats_json, "--lot", "LOT-B", NULL });
  fixture_close(&f);
}

/* ---- charts: the histogram's numbers are `lightline stats`' ---- */

static void
test_charts(void)
{
  Fixture f = { 0 };
  fixture_open(&f);
  gtk_stack_set_visible_child_name(GTK_STACK(named(&f, "quality-stack")), "charts");
  type_filter(&f, "filter-lot", "DEMO");
  g_autoptr(JsonNode) stats = cli_json((const char *const[]) { "stats", "--db", db, "--lot", "DEMO", "--json", NULL });
  JsonObject *s = json_node_get_object(stats);
  /* yield by site: the units of each site, as SQLite counts them */
  const char *yields = ll_gui_chart_describe(named(&f, "yield-chart"));
  g_assert_nonnull(strstr(yields, "site 1: "));
  g_assert_nonnull(strstr(yields, "site 2: "));
  /* the Pareto: TX-EYE's runs, as the store's bin counts say */
  JsonArray *bins = json_object_get_array_member(s, "bins");
  guint checked_bins = 0;
  for (guint i = 0; i < json_array_get_length(bins); i++) {
    JsonObject *b = json_array_get_object_element(bins, i);
    if (g_str_equal(json_object_get_string_member(b, "outcome"), "PASS"))
      continue;
    g_autofree gchar *line = g_strdup_printf("bin %" G_GINT64_FORMAT " %s: %" G_GINT64_FORMAT " (",
                                             json_object_get_int_member(b, "number"),
                                             json_object_get_string_member(b, "name"),
                                             json_object_get_int_member(b, "runs"));
    g_assert_nonnull(strstr(ll_gui_chart_describe(named(&f, "pareto-chart")), line));
    checked_bins++;
  }
  g_assert_cmpuint(checked_bins, >, 0);

  /* two measurements, one per lane and one with a Cpk */
  JsonArray *ms = json_object_get_array_member(s, "measurements");
  guint checked = 0;
  for (guint i = 0; i < json_array_get_length(ms) && checked < 2; i++) {
    JsonObject *m = json_array_get_object_element(ms, i);
    if (json_object_get_null_member(m, "cpk") || (checked == 0 && json_object_get_int_member(m, "lane") == 0))
      continue;
    const char *unit = json_object_get_string_member(m, "unit");
    gint64 lane = json_object_get_int_member(m, "lane");
    g_autofree gchar *lane_text = lane ? g_strdup_printf(" · lane %" G_GINT64_FORMAT, lane) : g_strdup("");
    g_autofree gchar *title = g_strdup_printf("%s · %s%s%s%s%s", json_object_get_string_member(m, "step"),
                                              json_object_get_string_member(m, "name"), lane_text,
                                              *unit ? " (" : "", unit, *unit ? ")" : "");
    choose(&f, "histogram-measurement", title);
    g_autofree gchar *n = g_strdup_printf("n %" G_GINT64_FORMAT, json_object_get_int_member(m, "n"));
    g_autofree gchar *mean = g_strdup_printf("mean %.5g", json_object_get_double_member(m, "mean"));
    g_autofree gchar *cpk = g_strdup_printf("Cpk %.2f · ", json_object_get_double_member(m, "cpk"));
    g_assert_cmpstr(label_text(&f, "histogram-n"), ==, n);
    g_assert_cmpstr(label_text(&f, "histogram-mean"), ==, mean);
    g_assert_true(g_str_has_prefix(label_text(&f, "histogram-cpk"), cpk));
    /* the chart draws those values against those limits */
    g_autofree gchar *drawn = g_strdup_printf("n %" G_GINT64_FORMAT ", mean %g, sd %g, low %g, high %g, Cpk %g",
                                              json_object_get_int_member(m, "n"),
                                              json_object_get_double_member(m, "mean"),
                                              json_object_get_double_member(m, "stddev"),
                                              json_object_get_null_member(m, "low") ? NAN
                                                : json_object_get_double_member(m, "low"),
                                              json_object_get_null_member(m, "high") ? NAN
                                                : json_object_get_double_member(m, "high"),
                                              json_object_get_double_member(m, "cpk"));
    g_assert_true(g_str_has_prefix(ll_gui_chart_describe(named(&f, "histogram-chart")), drawn));
    checked++;
  }
  g_assert_cmpuint(checked, ==, 2);

  /* a serial's values only: its one run in lot DEMO */
  type_filter(&f, "filter-serial", "LL26D00003");
  g_assert_cmpstr(label_text(&f, "histogram-n"), ==, "n 1");
  fixture_close(&f);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  dir = g_dir_make_tmp("ll-gui-quality-XXXXXX", NULL);
  db = g_build_filename(dir, "results.db", NULL);
  /* lot DEMO: the golden module calibrates both sites, then 30 units; lot
   * LOT-B: the first 6 serials again */
  g_auto(LlTestRun) demo = { 0 };
  ll_test_run_in(&demo, dir, (const char *const[]) { "demo", "--units", "30", "--sites", "2", "--db", db, NULL });
  g_assert_cmpint(demo.status, ==, 0);
  g_auto(LlTestRun) again = { 0 };
  ll_test_run_in(&again, dir, (const char *const[]) { "demo", "--units", "6", "--sites", "1", "--db", db, "--lot",
                                                      "LOT-B", "--nominal-paths", NULL });
  g_assert_cmpint(again.status, ==, 0);

  app = ll_gui_app_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(g_application_register(G_APPLICATION(app), NULL, &err));
  g_test_add_func("/gui-quality/filters", test_filters);
  g_test_add_func("/gui-quality/detail", test_detail);
  g_test_add_func("/gui-quality/charts", test_charts);
  int status = g_test_run();
  g_clear_object(&app);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree gchar *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(dir);
  g_free(db);
  g_free(dir);
  return status;
}
