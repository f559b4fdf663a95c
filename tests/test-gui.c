/* test-gui.c: the station application in-process, on an X display of its
 * own (tests/support/run-with-xvfb starts Xvfb). The window is driven as
 * an operator drives it: a serial typed into a site's entry and Enter (the
 * entry's "activate", what a barcode scanner's Enter does), the Abort
 * button and its confirmation. What the screens show is checked against
 * independent witnesses: `lightline run` on the same station and unit, the
 * EVB itself (a second session asking whether the fixture is powered), the
 * bench's fixture outputs and insertion count; and the --shift mode of the
 * built binary against `lightline demo`. Virtual time throughout. */
#include "ll-gui-app.h"
#include "ll-gui-modes.h"
#include "ll-gui-window.h"
#include "ll-station-module.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Generous: a unit takes about a second of computer time on a virtual
 * bench (more under sanitizers); only a hang reaches it. */
#define WAIT_S 300

static LlGuiApp *app;

static gchar *
source_path(const char *rel)
{
  return g_build_filename(g_getenv("LL_SOURCE"), rel, NULL);
}

typedef gboolean (*Cond)(gpointer data);

/* Runs the main loop until @cond holds; fails the test if it never does. */
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
  /* let what was queued with it be shown */
  while (g_main_context_iteration(NULL, FALSE))
    ;
}

typedef struct {
  LlGuiRunner *runner;
  LlGuiWindow *win;
  gchar *config_path;
} Fixture;

static void
fixture_open(Fixture *f, const char *config_path)
{
  LlGuiRunnerOptions o;
  ll_gui_runner_options_default(&o);
  f->config_path = g_strdup(config_path);
  o.config_path = f->config_path;
  o.operator_name = "gui-test";
  g_autofree gchar *seq = source_path("sequences/shipped/final-800g-dr8.yaml");
  o.sequence_path = seq;
  g_autoptr(GError) err = NULL;
  f->runner = ll_gui_runner_new(&o, &err);
  g_assert_no_error(err);
}

static void
fixture_show(Fixture *f)
{
  f->win = ll_gui_window_new(GTK_APPLICATION(app), f->runner, NULL);
  gtk_window_present(GTK_WINDOW(f->win));
}

static void
fixture_close(Fixture *f)
{
  if (f->win)
    gtk_window_destroy(GTK_WINDOW(f->win));
  ll_gui_runner_shutdown(f->runner);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  g_clear_object(&f->runner);
  g_free(f->config_path);
  ll_bench_forget_all();
}

static LlGuiSite *
site_panel(Fixture *f, guint site)
{
  LlGuiSite *s = ll_gui_operator_get_site(ll_gui_window_get_operator(f->win), site);
  g_assert_nonnull(s);
  return s;
}

static const char *
label_of(GtkWidget *root, const char *name)
{
  GtkWidget *w = ll_gui_find_named(root, name);
  g_assert_nonnull(w);
  g_assert_true(GTK_IS_LABEL(w));
  return gtk_label_get_label(GTK_LABEL(w));
}

/* What a barcode scanner does: types the serial, then Enter. */
static void
scan(Fixture *f, guint site, const char *serial)
{
  GtkWidget *entry = ll_gui_site_get_entry(site_panel(f, site));
  gtk_widget_grab_focus(entry);
  gtk_editable_set_text(GTK_EDITABLE(entry), "");
  for (const char *c = serial; *c; c = g_utf8_next_char(c)) {
    gchar ch[8] = { 0 };
    g_unichar_to_utf8(g_utf8_get_char(c), ch);
    int pos = -1;
    gtk_editable_insert_text(GTK_EDITABLE(entry), ch, -1, &pos);
  }
  g_signal_emit_by_name(entry, "activate");
}

typedef struct {
  Fixture *f;
  guint site;
} SiteRef;

static gboolean
verdict_shown(gpointer data)
{
  SiteRef *ref = data;
  const char *word = label_of(GTK_WIDGET(site_panel(ref->f, ref->site)), "verdict-word");
  return !ll_gui_runner_is_busy(ref->f->runner, ref->site) && strcmp(word, "TESTING") != 0 &&
         strcmp(word, "READY") != 0;
}

static guint
insertions(Fixture *f, guint site)
{
  return ll_bench_insertions(ll_station_bench(ll_gui_runner_get_station(f->runner)), site);
}

/* Whether the fixture of @site is powered, asked of its EVB in a session
 * of our own (the EVB's state belongs to the board, not to a session). */
static gboolean
evb_powered(Fixture *f, guint site)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlEvb) evb = ll_station_open_evb(ll_gui_runner_get_config(f->runner), site, &err);
  g_assert_no_error(err);
  gboolean on = FALSE;
  g_assert_true(ll_evb_get_power(evb, &on, &err));
  g_assert_no_error(err);
  return on;
}

static gboolean
bench_powered(Fixture *f, guint site)
{
  LlBench *bench = ll_station_bench(ll_gui_runner_get_station(f->runner));
  ll_bench_lock(bench);
  gboolean on = ll_bench_fixture_outputs(bench, site)->power;
  ll_bench_unlock(bench);
  return on;
}

/* ---- enter a serial, start, see the verdict ---- */

static void
test_verdict(void)
{
  g_autofree gchar *config = source_path("examples/sim-station.ini");
  Fixture f = { 0 };
  fixture_open(&f, config);
  fixture_show(&f);
  GtkWidget *panel = GTK_WIDGET(site_panel(&f, 1));
  guint before = insertions(&f, 1);

  /* a misread label is refused and nothing is put into the fixture */
  scan(&f, 1, "LL26-0001");
  g_assert_false(ll_gui_runner_is_busy(f.runner, 1));
  g_assert_nonnull(ll_gui_site_get_message(site_panel(&f, 1)));
  g_assert_nonnull(strstr(ll_gui_site_get_message(site_panel(&f, 1)), "not a serial number"));
  g_assert_cmpuint(insertions(&f, 1), ==, before);

  scan(&f, 1, "LL26A0001");
  g_assert_true(ll_gui_runner_is_busy(f.runner, 1));
  g_assert_null(ll_gui_site_get_message(site_panel(&f, 1)));
  SiteRef ref = { &f, 1 };
  wait_for(verdict_shown, &ref, "the verdict of site 1");

  /* the same unit on the same station, through the command line */
  g_autofree gchar *seq = source_path("sequences/shipped/final-800g-dr8.yaml");
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, (const char *const[]) { "run", "--config", config, "--sequence", seq, "--sn",
                                            "LL26A0001", "--json", NULL });
  g_autoptr(JsonParser) parser = json_parser_new();
  g_assert_true(json_parser_load_from_data(parser, run.out, -1, NULL));
  JsonObject *o = json_node_get_object(json_parser_get_root(parser));
  const char *outcome = json_object_get_string_member(o, "outcome");
  g_assert_cmpstr(label_of(panel, "verdict-word"), ==, outcome);
  if (!json_object_get_null_member(o, "bin")) {
    JsonObject *bin = json_object_get_object_member(o, "bin");
    g_autofree gchar *bin_text = g_strdup_printf("LL26A0001 · bin %" G_GINT64_FORMAT " · %s",
                                                 json_object_get_int_member(bin, "number"),
                                                 json_object_get_string_member(bin, "name"));
    g_assert_cmpstr(label_of(panel, "verdict-bin"), ==, bin_text);
    /* what to do comes from the bin's instructions in the limits table */
    g_assert_cmpstr(label_of(panel, "verdict-todo"), ==,
                    json_object_get_string_member(bin, "instructions"));
  }
  /* the shift's counters saw it */
  GtkWidget *op = GTK_WIDGET(ll_gui_window_get_operator(f.win));
  g_assert_cmpstr(label_of(op, "count-tested"), ==, "1");
  g_assert_cmpstr(label_of(op, "count-passed"), ==, g_str_equal(outcome, "PASS") ? "1" : "0");
  /* the unit was put into the fixture once, and is powered down after its test */
  g_assert_cmpuint(insertions(&f, 1), ==, before + 1);
  g_assert_false(evb_powered(&f, 1));
  fixture_close(&f);
}

/* ---- abort mid-run: cleanup powers the module down ---- */

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean held, released;
  LlClock *clock;
} Hold;

static Hold hold;

/* On the site's thread: stops site 1 at the start of tx-power lane 3 until
 * the test lets it go (outside the bench clock meanwhile). */
static void
hold_listener(const LlEvent *ev, gpointer data)
{
  if (ev->kind != LL_EVENT_STEP_STARTED || ev->site != 1 || ev->lane != 3 ||
      strcmp(ev->step->id, "tx-power") != 0)
    return;
  gboolean took_part = ll_clock_virtual_leave(hold.clock);
  g_mutex_lock(&hold.lock);
  hold.held = TRUE;
  while (!hold.released)
    g_cond_wait(&hold.cond, &hold.lock);
  g_mutex_unlock(&hold.lock);
  if (took_part)
    ll_clock_virtual_join(hold.clock);
}

static gboolean
is_held(gpointer data)
{
  g_mutex_lock(&hold.lock);
  gboolean held = hold.held;
  g_mutex_unlock(&hold.lock);
  return held;
}

static GtkWidget *
find_dialog(const char *name)
{
  GListModel *tops = gtk_window_get_toplevels(); /* GTK's own list */
  for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
    g_autoptr(GtkWidget) w = g_list_model_get_item(tops, i);
    if (ADW_IS_MESSAGE_DIALOG(w) && g_strcmp0(gtk_widget_get_name(w), name) == 0 &&
        gtk_widget_get_visible(w))
      return w;
  }
  return NULL;
}

/* What a click on one of the confirmation's buttons does. */
static void
answer(const char *response)
{
  GtkWidget *dialog = find_dialog("abort-dialog");
  adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), response);
  gtk_window_close(GTK_WINDOW(dialog));
}

static gboolean
dialog_shown(gpointer data)
{
  return find_dialog("abort-dialog") != NULL;
}

static gboolean
dialog_gone(gpointer data)
{
  return find_dialog("abort-dialog") == NULL;
}

static void
test_abort(void)
{
  g_autofree gchar *config = source_path("examples/sim-station.ini");
  Fixture f = { 0 };
  fixture_open(&f, config);
  hold = (Hold) { .clock = ll_station_get_clock(ll_gui_runner_get_station(f.runner)) };
  g_mutex_init(&hold.lock);
  g_cond_init(&hold.cond);
  ll_gui_runner_add_thread_listener(f.runner, hold_listener, NULL);
  fixture_show(&f);
  GtkWidget *panel = GTK_WIDGET(site_panel(&f, 1));

  scan(&f, 1, "LL26A0002");
  wait_for(is_held, NULL, "site 1 to reach tx-power lane 3");
  /* mid-run: the module is powered, and the screen shows the step */
  g_assert_true(evb_powered(&f, 1));
  g_assert_true(bench_powered(&f, 1));
  g_assert_cmpstr(label_of(panel, "step-label"), ==, "tx-power · lane 3");
  g_assert_cmpstr(label_of(panel, "verdict-word"), ==, "TESTING");

  /* Abort asks first; keeping on testing changes nothing */
  gtk_widget_activate(ll_gui_find_named(panel, "abort-button"));
  wait_for(dialog_shown, NULL, "the abort confirmation");
  answer("cancel");
  wait_for(dialog_gone, NULL, "the confirmation to close");
  g_assert_true(ll_gui_runner_is_busy(f.runner, 1));
  gtk_widget_activate(ll_gui_find_named(panel, "abort-button"));
  wait_for(dialog_shown, NULL, "the abort confirmation");
  answer("confirm");

  g_mutex_lock(&hold.lock);
  hold.released = TRUE;
  g_cond_broadcast(&hold.cond);
  g_mutex_unlock(&hold.lock);
  SiteRef ref = { &f, 1 };
  wait_for(verdict_shown, &ref, "site 1 to finish aborted");
  g_assert_cmpstr(label_of(panel, "verdict-word"), ==, "ABORTED");
  g_assert_nonnull(strstr(label_of(panel, "verdict-detail"), "aborted"));
  /* cleanup ran: the board no longer powers the module */
  g_assert_false(evb_powered(&f, 1));
  g_assert_false(bench_powered(&f, 1));
  /* an aborted unit is not counted as tested */
  g_assert_cmpstr(label_of(GTK_WIDGET(ll_gui_window_get_operator(f.win)), "count-tested"), ==, "0");
  fixture_close(&f);
  g_mutex_clear(&hold.lock);
  g_cond_clear(&hold.cond);
}

/* A copy of examples/sim-station.ini in a new folder, with @station_keys
 * added to its [station] group. */
static gchar *
station_copy(const char *dir, const char *station_keys, const char *from, const char *to)
{
  g_autofree gchar *example = source_path("examples/sim-station.ini");
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(example, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  g_assert_cmpint(g_string_replace(s, "[station]\n", station_keys, 1), ==, 1);
  if (from)
    g_assert_cmpint(g_string_replace(s, from, to, 1), ==, 1);
  gchar *config = g_build_filename(dir, "station.ini", NULL);
  g_assert_true(g_file_set_contents(config, s->str, -1, NULL));
  return config;
}

static void
remove_dir(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree gchar *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(dir);
}

/* ---- an expired calibration blocks the start, with its message ---- */

static void
test_expired_calibration(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-gui-XXXXXX", NULL);
  g_autofree gchar *config = station_copy(dir, "[station]\n", "cal-due = 2027-03-31",
                                          "cal-due = 2020-03-31");

  Fixture f = { 0 };
  fixture_open(&f, config);
  fixture_show(&f);
  GtkWidget *op = GTK_WIDGET(ll_gui_window_get_operator(f.win));
  GtkWidget *alert = ll_gui_find_named(op, "calibration-alert");
  g_assert_true(gtk_widget_get_visible(alert));
  g_assert_nonnull(strstr(gtk_label_get_label(GTK_LABEL(alert)), "pm1"));
  g_assert_true(gtk_widget_has_css_class(ll_gui_find_named(op, "instrument-pm1"), "bad"));

  guint before = insertions(&f, 1);
  scan(&f, 1, "LL26A0001");
  g_assert_false(ll_gui_runner_is_busy(f.runner, 1));
  const char *msg = ll_gui_site_get_message(site_panel(&f, 1));
  g_assert_nonnull(msg);
  g_assert_nonnull(strstr(msg, "pm1"));
  g_assert_nonnull(strstr(msg, "expired on 2020-03-31"));
  /* nothing reached the fixture */
  g_assert_cmpuint(insertions(&f, 1), ==, before);
  g_assert_false(evb_powered(&f, 1));
  fixture_close(&f);
  remove_dir(dir);
}

/* ---- runs land in the results store; the retest limit refuses ---- */

/* Runs @argv in @dir; returns what it printed; asserts it exited 0. */
static gchar *
spawn_ok(const char *dir, const char *const *argv)
{
  gchar *out = NULL, *err = NULL;
  int wait = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true(g_spawn_sync(dir, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                             &wait, &error));
  g_test_message("%s: exit %d\nstdout:\n%s\nstderr:\n%s", argv[0], wait, out, err);
  g_free(err);
  g_assert_true(WIFEXITED(wait));
  g_assert_cmpint(WEXITSTATUS(wait), ==, 0);
  return out;
}

static gboolean
file_exists(gpointer path)
{
  return g_file_test(path, G_FILE_TEST_EXISTS);
}

static void
test_recorded(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-gui-store-XXXXXX", NULL);
  g_autofree gchar *config = station_copy(dir, "[station]\ndatabase = results.db\nretest-limit = 1\n",
                                          NULL, NULL);
  g_autofree gchar *db = g_build_filename(dir, "results.db", NULL);
  Fixture f = { 0 };
  fixture_open(&f, config);
  fixture_show(&f);
  GtkWidget *panel = GTK_WIDGET(site_panel(&f, 2));
  scan(&f, 2, "LL26A0002");
  SiteRef ref = { &f, 2 };
  wait_for(verdict_shown, &ref, "the verdict of site 2");

  /* the store, read by the command line, holds the run the screen shows */
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, (const char *const[]) { "unit", "history", "LL26A0002", "--db", db, "--json", NULL });
  g_assert_cmpint(run.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new();
  g_assert_true(json_parser_load_from_data(parser, run.out, -1, NULL));
  JsonArray *runs = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)), "runs");
  g_assert_cmpuint(json_array_get_length(runs), ==, 1);
  JsonObject *r = json_array_get_object_element(runs, 0);
  g_assert_cmpstr(json_object_get_string_member(r, "outcome"), ==, label_of(panel, "verdict-word"));
  g_assert_cmpint(json_object_get_int_member(r, "site"), ==, 2);
  g_assert_cmpstr(json_object_get_string_member(r, "operator"), ==, "gui-test");
  g_autofree gchar *recorded = g_strdup_printf("recorded as run %" G_GINT64_FORMAT,
                                               json_object_get_int_member(r, "run_id"));
  g_assert_nonnull(strstr(label_of(panel, "step-label"), recorded));

  /* its unit report, asked of the Quality screen, read back by openpyxl
   * against the store */
  g_autofree gchar *xlsx = g_build_filename(dir, "unit.xlsx", NULL);
  gint64 run_id = json_object_get_int_member(r, "run_id");
  g_assert_true(gtk_widget_activate_action(ll_gui_window_get_page(f.win, "quality"),
                                           "quality.unit-report", "(xs)", run_id, xlsx));
  wait_for(file_exists, xlsx, "the unit report");
  g_autofree gchar *checker = source_path("tests/check-reports.py");
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
  g_autofree gchar *checked = spawn_ok(dir, (const char *const[]) { "/usr/bin/python3", checker, "unit",
                                                                     db, xlsx, id, NULL });

  /* a second attempt is over the station's retest limit: refused, untested */
  guint before = insertions(&f, 2);
  scan(&f, 2, "LL26A0002");
  g_assert_false(ll_gui_runner_is_busy(f.runner, 2));
  const char *msg = ll_gui_site_get_message(site_panel(&f, 2));
  g_assert_nonnull(msg);
  g_assert_nonnull(strstr(msg, "the retest limit of this station"));
  g_assert_cmpuint(insertions(&f, 2), ==, before);
  fixture_close(&f);
  remove_dir(dir);
}

/* ---- --shift N against `lightline demo` ---- */

static gint
by_text(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The unit lines ("   1  LL26D00001  site 1  PASS    GRADE-A") of @out, as
 * "serial site outcome bin" sorted by serial: a pass with its grade (sites
 * that act at one virtual instant act in site order, so a shift's grades
 * repeat: see test-demo). */
static gchar *
unit_lines(const char *out)
{
  g_autoptr(GRegex) re = g_regex_new("^\\s*\\d+\\s+(LL\\S+)\\s+(site \\d+)\\s+(\\S+)\\s*(\\S*)",
                                     G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
  for (g_regex_match(re, out, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
    g_autofree gchar *sn = g_match_info_fetch(m, 1), *site = g_match_info_fetch(m, 2),
                     *outcome = g_match_info_fetch(m, 3), *bin = g_match_info_fetch(m, 4);
    g_ptr_array_add(lines, g_strdup_printf("%s %s %s %s", sn, site, outcome, bin));
  }
  g_ptr_array_sort(lines, by_text);
  g_ptr_array_add(lines, NULL);
  return g_strjoinv("\n", (gchar **) lines->pdata);
}

/* The shift mode of the built application and `lightline demo` on the
 * same demo station: every unit in the same site with the same verdict
 * and bin, a pass's grade included. */
static void
check_shift(const char *units, const char *sites)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-gui-shift-XXXXXX", NULL);
  g_autofree gchar *station = g_build_filename(g_getenv("LL_BIN"), "lightline-station", NULL);
  g_autofree gchar *cli = g_build_filename(g_getenv("LL_BIN"), "lightline", NULL);
  g_autofree gchar *gui_out = spawn_ok(dir, (const char *const[]) { station, "--shift", units,
                                                                    "--sites", sites, NULL });
  /* the application's shift uses the nominal path offsets */
  g_autofree gchar *demo_out = spawn_ok(dir, (const char *const[]) { cli, "demo", "--units", units,
                                                                     "--sites", sites, "--nominal-paths", NULL });
  g_autofree gchar *gui_units = unit_lines(gui_out);
  g_autofree gchar *demo_units = unit_lines(demo_out);
  g_auto(GStrv) lines = g_strsplit(gui_units, "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, (guint) atoi(units));
  g_assert_cmpstr(gui_units, ==, demo_units);
  g_autofree gchar *summary = g_strdup_printf("\n%s units: ", units);
  g_assert_nonnull(strstr(gui_out, summary));
  remove_dir(dir);
}

static void
test_shift_one_site(void)
{
  check_shift("4", "1");
}

static void
test_shift_two_sites(void)
{
  /* units 20 and 21 of seed 1 fail TX-EYE */
  check_shift("22", "2");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  app = ll_gui_app_new();
  g_autoptr(GError) err = NULL;
  /* startup: GTK, libadwaita, the application's actions and style */
  g_assert_true(g_application_register(G_APPLICATION(app), NULL, &err));
  g_test_add_func("/gui/verdict", test_verdict);
  g_test_add_func("/gui/abort", test_abort);
  g_test_add_func("/gui/expired-calibration", test_expired_calibration);
  g_test_add_func("/gui/recorded", test_recorded);
  g_test_add_func("/gui/shift/one-site", test_shift_one_site);
  g_test_add_func("/gui/shift/two-sites", test_shift_two_sites);
  int status = g_test_run();
  g_clear_object(&app);
  return status;
}
