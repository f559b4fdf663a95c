/* test-gui-calibration.c: the station application's guided path-loss
 * calibration, in-process on an X display of its own
 * (tests/support/run-with-xvfb), in virtual time, on a simulated station
 * that calibrates its paths and has no calibration yet:
 *
 * - a unit scanned into a site without a calibration is refused with the
 *   message and nothing reaches the fixture;
 * - the guided flow driven as a person drives it (the golden module
 *   offered from the station's references, its serial typed, Run clicked,
 *   the review waited for, Accept clicked): while it runs the site refuses
 *   units; the review shows PASS and every lane's TX loss and RX offset;
 *   once accepted, the store read by `lightline calibrate history` and by
 *   a connection of the test's own holds exactly the reviewed values, the
 *   operator screen's alert no longer names the site, a unit scanned into
 *   it runs (put into the fixture, a verdict, its run recorded with the
 *   accepted calibration), while the other, uncalibrated site still
 *   refuses;
 * - Discard stores nothing (the history stays empty, the site still
 *   refuses units). */
#include "ll-gui-app.h"
#include "ll-gui-modes.h"
#include "ll-gui-window.h"
#include "ll-store-cal.h"
#include "ll-test-db.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Generous: only a hang reaches it. */
#define WAIT_S 300

static LlGuiApp *app;

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
  gchar *dir, *config, *db;
  LlGuiRunner *runner;
  LlGuiWindow *win;
  GtkWidget *page; /* the Calibration screen */
} Fixture;

/* A simulated 2-site 800G-DR8 station that calibrates its paths, with a
 * results store and a characterized golden module, in a new folder. */
static void
fixture_open(Fixture *f)
{
  f->dir = g_dir_make_tmp("ll-gui-cal-XXXXXX", NULL);
  g_autofree gchar *golden = g_build_filename(f->dir, "golden", NULL);
  LlDemoOptions d;
  ll_demo_options_default(&d);
  d.defects = "none";
  d.golden_references = golden;
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = ll_demo_station_text(&d, &err);
  g_assert_no_error(err);
  g_autoptr(GString) s = g_string_new(text);
  g_assert_cmpuint(g_string_replace(s, "[station]\n", "[station]\ndatabase = results.db\n", 1), ==, 1);
  f->config = g_build_filename(f->dir, "station.ini", NULL);
  f->db = g_build_filename(f->dir, "results.db", NULL);
  g_assert_true(g_file_set_contents(f->config, s->str, -1, NULL));
  g_autofree gchar *serial = ll_golden_characterize_sim(f->config, NULL, "GOLD", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(serial, ==, "GOLD0001");
  ll_bench_forget_all();

  LlGuiRunnerOptions o;
  ll_gui_runner_options_default(&o);
  o.config_path = f->config;
  o.operator_name = "cal-tester";
  f->runner = ll_gui_runner_new(&o, &err);
  g_assert_no_error(err);
  f->win = ll_gui_window_new(GTK_APPLICATION(app), f->runner, NULL);
  gtk_window_present(GTK_WINDOW(f->win));
  ll_gui_window_show_page(f->win, "calibration");
  f->page = ll_gui_window_get_page(f->win, "calibration");
  g_assert_nonnull(f->page);
}

static void
remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
      g_autofree gchar *p = g_build_filename(path, name, NULL);
      remove_tree(p);
    }
    g_rmdir(path);
  } else {
    g_remove(path);
  }
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
  remove_tree(f->dir);
  g_free(f->dir);
  g_free(f->config);
  g_free(f->db);
}

static GtkWidget *
named(GtkWidget *root, const char *name)
{
  GtkWidget *w = ll_gui_find_named(root, name);
  if (!w)
    g_error("no widget named %s", name);
  return w;
}

static const char *
label(GtkWidget *root, const char *name)
{
  GtkWidget *w = named(root, name);
  g_assert_true(GTK_IS_LABEL(w));
  return gtk_label_get_label(GTK_LABEL(w));
}

static GtkWidget *
operator_screen(Fixture *f)
{
  return GTK_WIDGET(ll_gui_window_get_operator(f->win));
}

static void
click(GtkWidget *root, const char *name)
{
  ll_gui_window_show_page(LL_GUI_WINDOW(gtk_widget_get_root(root)), "calibration");
  GtkWidget *button = named(root, name);
  g_assert_true(gtk_widget_is_sensitive(button));
  g_signal_emit_by_name(button, "clicked");
}

/* What a barcode scanner does at @entry: types @serial character by character. */
static void
type_into(GtkWidget *entry, const char *serial)
{
  gtk_widget_grab_focus(entry);
  gtk_editable_set_text(GTK_EDITABLE(entry), "");
  for (const char *c = serial; *c; c = g_utf8_next_char(c)) {
    gchar ch[8] = { 0 };
    g_unichar_to_utf8(g_utf8_get_char(c), ch);
    int pos = -1;
    gtk_editable_insert_text(GTK_EDITABLE(entry), ch, -1, &pos);
  }
}

/* A barcode scanner at a site's serial entry: the serial, then Enter. */
static void
scan(Fixture *f, guint site, const char *serial)
{
  ll_gui_window_show_page(f->win, "operator");
  GtkWidget *entry = ll_gui_site_get_entry(ll_gui_operator_get_site(ll_gui_window_get_operator(f->win), site));
  type_into(entry, serial);
  g_signal_emit_by_name(entry, "activate");
}

static const char *
site_message(Fixture *f, guint site)
{
  return ll_gui_site_get_message(ll_gui_operator_get_site(ll_gui_window_get_operator(f->win), site));
}

static guint
insertions(Fixture *f, guint site)
{
  return ll_bench_insertions(ll_station_bench(ll_gui_runner_get_station(f->runner)), site);
}

/* The site is refused a unit because its paths have no calibration. */
static void
assert_refused_uncalibrated(Fixture *f, guint site, const char *serial)
{
  guint before = insertions(f, site);
  scan(f, site, serial);
  g_assert_false(ll_gui_runner_is_busy(f->runner, site));
  const char *msg = site_message(f, site);
  g_assert_nonnull(msg);
  g_autofree gchar *which = g_strdup_printf("site %u: no path-loss calibration for TX lanes 1-8", site);
  g_assert_nonnull(strstr(msg, which));
  g_assert_nonnull(strstr(msg, "Calibration screen"));
  g_assert_cmpuint(insertions(f, site), ==, before);
}

/* Chooses @site on the screen and the golden module: the first offered
 * reference is GOLD0001; its serial is then typed as a scanner would. */
static void
choose(Fixture *f, guint site, const char *golden)
{
  ll_gui_window_show_page(f->win, "calibration");
  AdwComboRow *sites = ADW_COMBO_ROW(named(f->page, "calibration-site"));
  adw_combo_row_set_selected(sites, site - 1);
  AdwComboRow *refs = ADW_COMBO_ROW(named(f->page, "calibration-references"));
  GListModel *offered = adw_combo_row_get_model(refs);
  g_assert_cmpuint(g_list_model_get_n_items(offered), ==, 1);
  g_assert_true(g_str_has_prefix(gtk_string_list_get_string(GTK_STRING_LIST(offered), 0), "GOLD0001 · 800G-DR8"));
  GtkEditable *entry = GTK_EDITABLE(named(f->page, "calibration-golden"));
  g_assert_cmpstr(gtk_editable_get_text(entry), ==, "GOLD0001");
  type_into(GTK_WIDGET(entry), golden);
}

static gboolean
review_shown(gpointer data)
{
  Fixture *f = data;
  GtkStack *stack = GTK_STACK(named(f->page, "calibration-stack"));
  return g_strcmp0(gtk_stack_get_visible_child_name(stack), "review") == 0;
}

/* `lightline calibrate history --db DB --json`: its exit status and root. */
static JsonObject *
cli_history(Fixture *f, JsonParser *parser, int *status)
{
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, (const char *const[]) { "calibrate", "history", "--db", f->db, "--json", NULL });
  *status = run.status;
  g_assert_true(json_parser_load_from_data(parser, run.out, -1, NULL));
  return json_node_get_object(json_parser_get_root(parser));
}

typedef struct {
  GtkWidget *root;
  const char *name;
} Named;

static gboolean
shown(gpointer data)
{
  Named *n = data;
  return ll_gui_find_named(n->root, n->name) != NULL;
}

/* The row @root's subtitle says @name. */
static gboolean
subtitle_says(gpointer data)
{
  Named *n = data;
  return strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(n->root)), n->name) != NULL;
}

static gboolean
site_idle(gpointer data)
{
  Fixture *f = data;
  return !ll_gui_runner_is_busy(f->runner, 1);
}

static void
test_accept(void)
{
  Fixture f = { 0 };
  fixture_open(&f);
  GtkWidget *alert = named(operator_screen(&f), "calibration-alert");
  g_assert_true(gtk_widget_get_visible(alert));
  g_assert_nonnull(strstr(gtk_label_get_label(GTK_LABEL(alert)), "site 1: no path-loss calibration"));
  assert_refused_uncalibrated(&f, 1, "LL26D00001");
  wait_for(subtitle_says, &(Named) { named(f.page, "path-loss-site-1"), "no calibration" },
           "site 1's calibration state");

  /* (1) insert: the golden module's serial; (2) run */
  choose(&f, 1, "GOLD0001");
  g_assert_nonnull(strstr(label(f.page, "calibration-insert"), "Insert golden module GOLD0001 into site 1"));
  click(f.page, "calibration-run");
  g_assert_true(ll_gui_runner_is_calibrating(f.runner, 1));
  /* meanwhile the site tests no unit */
  scan(&f, 1, "LL26D00001");
  g_assert_nonnull(strstr(site_message(&f, 1), "is being calibrated with golden module GOLD0001"));

  /* (3) review */
  wait_for(review_shown, &f, "the calibration's review");
  g_assert_false(ll_gui_runner_is_calibrating(f.runner, 1));
  g_assert_true(g_str_has_prefix(label(f.page, "calibration-verdict"), "<b>PASS</b> · golden GOLD0001 in site 1"));
  double reviewed[2][9];
  for (guint lane = 1; lane <= 8; lane++) {
    for (guint p = 0; p < 2; p++) {
      g_autofree gchar *name = g_strdup_printf("review-%s-%u", p ? "rx" : "tx", lane);
      reviewed[p][lane] = g_ascii_strtod(label(f.page, name), NULL);
    }
    /* within the plausible windows of limits-path-loss-800g-dr8 */
    g_assert_cmpfloat(reviewed[0][lane], >, 3.0);
    g_assert_cmpfloat(reviewed[0][lane], <, 6.0);
    g_assert_cmpfloat(reviewed[1][lane], >, 10.0);
    g_assert_cmpfloat(reviewed[1][lane], <, 13.0);
  }
  /* nothing is stored before it is accepted */
  g_autoptr(JsonParser) before = json_parser_new();
  int status = 0;
  JsonObject *h = cli_history(&f, before, &status);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(h, "path_loss")), ==, 0);
  g_assert_cmpint(status, ==, 1);

  /* (4) accept */
  click(f.page, "calibration-accept");
  g_assert_null(ll_gui_runner_measured_calibration(f.runner, 1));
  g_autoptr(JsonParser) after = json_parser_new();
  h = cli_history(&f, after, &status);
  g_assert_cmpint(status, ==, 0);
  JsonArray *sets = json_object_get_array_member(h, "path_loss");
  g_assert_cmpuint(json_array_get_length(sets), ==, 1);
  JsonObject *set = json_array_get_object_element(sets, 0);
  g_assert_cmpint(json_object_get_int_member(set, "site"), ==, 1);
  g_assert_cmpstr(json_object_get_string_member(set, "golden"), ==, "GOLD0001");
  g_assert_cmpstr(json_object_get_string_member(set, "operator"), ==, "cal-tester");
  g_assert_false(json_object_get_boolean_member(set, "expired"));
  gint64 set_id = json_object_get_int_member(set, "set_id");
  JsonArray *entries = json_object_get_array_member(set, "entries");
  g_assert_cmpuint(json_array_get_length(entries), ==, 16);
  for (guint i = 0; i < 16; i++) {
    JsonObject *e = json_array_get_object_element(entries, i);
    guint p = g_str_equal(json_object_get_string_member(e, "path"), "rx");
    guint lane = (guint) json_object_get_int_member(e, "lane");
    /* the review shows 3 decimals of what was stored */
    g_assert_cmpfloat(fabs(json_object_get_double_member(e, "loss_db") - reviewed[p][lane]), <=, 0.0005);
  }
  /* valid for path-loss-expiry-h (12 h) from its measurement, as the store says */
  g_autoptr(LlStore) store = ll_store_open(f.db, LL_STORE_OPEN_DEFAULT, NULL);
  g_assert_nonnull(store);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlPathLoss) cur = ll_store_path_loss_current(store, ll_gui_runner_get_config(f.runner)->id, 1,
                                                         LL_PATH_TX, 3, 1311, NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(cur->set_id, ==, set_id);
  g_assert_cmpfloat(fabs(cur->loss_db - reviewed[0][3]), <=, 0.0005);
  g_assert_cmpint(g_date_time_difference(cur->expires_utc, cur->measured_utc), ==, 12 * G_TIME_SPAN_HOUR);
  /* the screen shows it as the site's calibration, and in the history */
  g_autofree gchar *history_row = g_strdup_printf("history-%" G_GINT64_FORMAT, set_id);
  wait_for(shown, &(Named) { f.page, history_row }, "the calibration in the history");
  g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(named(f.page, "path-loss-site-1"))),
                          "valid until"));
  g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(named(f.page, "path-loss-site-1"))),
                          "by cal-tester with golden GOLD0001"));

  /* the operator screen: site 1 is testable, site 2 is not */
  g_assert_null(strstr(gtk_label_get_label(GTK_LABEL(alert)), "site 1:"));
  g_assert_nonnull(strstr(gtk_label_get_label(GTK_LABEL(alert)), "site 2: no path-loss calibration"));
  assert_refused_uncalibrated(&f, 2, "LL26D00002");
  guint inserted = insertions(&f, 1);
  scan(&f, 1, "LL26D00001");
  g_assert_null(site_message(&f, 1));
  g_assert_true(ll_gui_runner_is_busy(f.runner, 1));
  wait_for(site_idle, &f, "the unit's verdict in site 1");
  const char *word = label(GTK_WIDGET(ll_gui_operator_get_site(ll_gui_window_get_operator(f.win), 1)),
                           "verdict-word");
  g_assert_true(g_str_equal(word, "PASS") || g_str_equal(word, "FAIL"));
  g_assert_cmpuint(insertions(&f, 1), ==, inserted + 1);
  /* recorded with the accepted calibration */
  sqlite3 *db = ll_test_db_open(f.db, FALSE);
  g_autofree gchar *sid = g_strdup_printf("%" G_GINT64_FORMAT, set_id);
  g_assert_cmpint(ll_test_db_int(db, "SELECT path_loss_set_id FROM runs WHERE serial = 'LL26D00001'", NULL), ==,
                  set_id);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM path_loss WHERE set_id = ?1", sid), ==, 16);
  sqlite3_close(db);
  fixture_close(&f);
}

static void
test_discard(void)
{
  Fixture f = { 0 };
  fixture_open(&f);
  choose(&f, 2, "GOLD0001");
  click(f.page, "calibration-run");
  wait_for(review_shown, &f, "the calibration's review");
  g_assert_nonnull(ll_gui_runner_measured_calibration(f.runner, 2));
  click(f.page, "calibration-discard");
  g_assert_null(ll_gui_runner_measured_calibration(f.runner, 2));
  g_assert_nonnull(strstr(label(f.page, "calibration-message"), "nothing stored"));
  GtkStack *stack = GTK_STACK(named(f.page, "calibration-stack"));
  g_assert_cmpstr(gtk_stack_get_visible_child_name(stack), ==, "insert");
  /* the store holds no calibration; the calibration run itself is on record */
  g_autoptr(JsonParser) parser = json_parser_new();
  int status = 0;
  JsonObject *h = cli_history(&f, parser, &status);
  g_assert_cmpint(status, ==, 1);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(h, "path_loss")), ==, 0);
  sqlite3 *db = ll_test_db_open(f.db, FALSE);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM path_loss", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE serial = 'GOLD0001' AND site = 2", NULL), ==, 1);
  sqlite3_close(db);
  assert_refused_uncalibrated(&f, 2, "LL26D00002");
  fixture_close(&f);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  app = ll_gui_app_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(g_application_register(G_APPLICATION(app), NULL, &err));
  g_test_add_func("/gui-calibration/accept", test_accept);
  g_test_add_func("/gui-calibration/discard", test_discard);
  int status = g_test_run();
  g_clear_object(&app);
  return status;
}
