/* test-config.c: the station file: a good file read back field by field,
 * and a bad one whose every error must be reported at its FILE:LINE:COL with
 * a hint; plus the single-problem cases (syntax, missing station, binary,
 * group names written with extra white space, one device named by two
 * differently written resources, simulator options, an empty cal-due) and
 * the exact lists of known keys and classes in hints. */
#include "ll-station-config.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

static gchar *
data_path(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "config", name, NULL);
}

static void
test_good(void)
{
  g_autofree gchar *path = data_path("good.ini");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(path, diags, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_diag_list_length(diags), ==, 0);
  g_assert_cmpstr(cfg->id, ==, "ST-07");
  g_assert_cmpstr(cfg->line, ==, "L3-800G");
  g_assert_cmpstr(cfg->description, ==, "800G final test, bay 3");
  g_assert_cmpuint(strlen(cfg->sha256), ==, 64);
  g_assert_cmpuint(cfg->instruments->len, ==, 4);
  const LlInstrumentConfig *pm = ll_station_config_find(cfg, "pm1");
  g_assert_nonnull(pm);
  g_assert_cmpint(pm->klass, ==, LL_CLASS_POWER_METER);
  g_assert_cmpstr(pm->driver->name, ==, "thorlabs-pm100");
  g_assert_cmpstr(pm->resource, ==, "usbtmc:1313:8072:P2001234");
  g_assert_cmpstr(pm->cal_cert, ==, "TL-2026-11873");
  g_assert_true(g_date_valid(&pm->cal_due));
  g_assert_cmpint(g_date_get_year(&pm->cal_due), ==, 2027);
  g_assert_cmpint(g_date_get_month(&pm->cal_due), ==, 3);
  g_assert_cmpint(g_date_get_day(&pm->cal_due), ==, 31);
  g_assert_cmpuint(pm->line, ==, 7);
  const LlInstrumentConfig *evb = ll_station_config_find(cfg, "evb1");
  g_assert_false(g_date_valid(&evb->cal_due));
  g_assert_null(evb->cal_cert);
  g_assert_null(ll_station_config_find(cfg, "nosuch"));
}

static void
test_bad(void)
{
  g_autofree gchar *path = data_path("bad.ini");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(path, diags, &err);
  g_assert_null(cfg);
  g_assert_error(err, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID);
  /* expected, in file order: line, column, a piece of the message, a piece of the hint */
  g_autofree gchar *all = ll_diag_list_format(diags);
  g_test_message("%s", all);
  typedef struct { guint line, col; const char *msg, *hint; } Want;
  static const Want expected[] = {
    { 1, 1, "[station] has no 'line'", "line = " },
    { 3, 1, "unknown key 'lien' in [station]", "did you mean 'line'?" },
    { 8, 37, "baud 'fast' is not a rate", "docs/station-file.md" },
    { 9, 11, "'2026-02-30' is not a real calendar date", "YYYY-MM-DD" },
    { 12, 2, "duplicate instrument name 'pm1'", "already defined at line 5" },
    { 19, 10, "driver 'keysight-flexdca' is not for class bert", "class scope" },
    { 20, 16, "tcp resource is HOST:PORT", NULL },
    { 23, 1, "unknown key 'colour' in [instrument bert]", "known keys" },
    { 26, 9, "unknown instrument class 'oscilloscope'", "classes:" },
    { 29, 11, "'2027-1-5' is not a real calendar date", "YYYY-MM-DD" },
    { 31, 2, "unknown group [instrumnt x]", "[instrument NAME]" },
  };
  g_assert_cmpuint(ll_diag_list_length(diags), ==, G_N_ELEMENTS(expected));
  for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
    const LlDiag *d = ll_diag_list_get(diags, i);
    g_autofree gchar *one = ll_diag_format(d);
    g_test_message("want %u:%u %s; got %s", expected[i].line, expected[i].col, expected[i].msg, one);
    g_assert_cmpint(d->severity, ==, LL_DIAG_ERROR);
    g_assert_cmpstr(d->file, ==, path);
    g_assert_cmpuint(d->line, ==, expected[i].line);
    g_assert_cmpuint(d->column, ==, expected[i].col);
    g_assert_nonnull(strstr(d->message, expected[i].msg));
    if (expected[i].hint)
      g_assert_nonnull(d->hint && strstr(d->hint, expected[i].hint));
  }
  /* the GError carries them all, formatted FILE:LINE:COL: error: ... */
  g_autofree gchar *first = g_strdup_printf("%s:1:1: error: [station] has no 'line'", path);
  g_assert_true(g_str_has_prefix(err->message, first));
  g_assert_nonnull(strstr(err->message, "\n  hint: did you mean 'line'?"));
}

/* Writes @text to a temporary file and loads it. */
static gchar *
load_text(const char *text)
{
  g_autofree gchar *path = NULL;
  int fd = g_file_open_tmp("ll-config-XXXXXX.ini", &path, NULL);
  close(fd);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(path, NULL, &err);
  g_unlink(path);
  if (cfg)
    return NULL;
  g_assert_error(err, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID);
  /* strip the temporary file name so cases compare "LINE:COL: ..." */
  return g_strdup(err->message + strlen(path) + 1);
}

static void
test_single_problems(void)
{
  static const struct { const char *text, *want; } cases[] = {
    { "[station]\nid = A\nline = B\n", NULL },
    { "[station]\nid = A\nline = B\nthis is not ini\n", "4:1: error: line is neither" },
    { "[station]\nid = A\nline = B\n; old comment\n", "4:1: error: ';' does not start a comment" },
    { "id = A\n[station]\n", "1:1: error: key outside any group" },
    { "[station\nid = A\n", "1:1: error: malformed group header" },
    { "[station]\nid = A\nid = B\nline = C\n", "3:1: error: key 'id' given twice" },
    { "[station]\nid =\nline = C\n", "2:5: error: 'id' is empty" },
    { "[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n",
      "1:1: error: no [station] group" },
    { "[station]\nid = A\nline = B\n[instrument p m]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n",
      "4:14: error: instrument name 'p m' holds ' '" },
    { "[station]\nid = A\nline = B\n[instrument pm]\nclass = power-meter\ndriver = thorlabs-pm100\nresource = sim:scpi\n",
      "4:1: error: power-meter 'pm' has no calibration due date" },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = serial:/dev/ttyS0\n"
      "[instrument b]\nclass = evb\ndriver = lightline-evb\nresource = serial:/dev/ttyS0\n",
      "11:12: error: two instruments share the resource 'serial:/dev/ttyS0'" },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evbb\nresource = sim:scpi\n",
      "6:10: error: unknown driver 'lightline-evbb'\n  hint: did you mean 'lightline-evb'?" },
    { "[station]\r\nid = A\r\nline = B\r\n", NULL },
    /* group names are compared with white space normalised */
    { "[ station ]\nid = A\nline = B\n", NULL },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n"
      "[instrument  a]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n",
      "8:2: error: duplicate instrument name 'a'" },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n"
      "[instrument \t a ]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n",
      "8:2: error: duplicate instrument name 'a'" },
    /* the same device, written two ways */
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = serial:/dev/ttyS0\n"
      "[instrument b]\nclass = evb\ndriver = lightline-evb\nresource = serial:/dev/ttyS0?baud=9600\n",
      "11:12: error: resource 'serial:/dev/ttyS0?baud=9600' names the same device as 'serial:/dev/ttyS0'" },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = usbtmc:1313:8072:P2001234\n"
      "[instrument b]\nclass = evb\ndriver = lightline-evb\nresource = usbtmc:1313:8072\n",
      "11:12: error: resource 'usbtmc:1313:8072' names the same device as 'usbtmc:1313:8072:P2001234'" },
    /* simulator options are checked at load, at their column */
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi?colour=red\n",
      "7:21: error: bad resource: unknown option 'colour' for simulator scpi" },
    { "[station]\nid = A\nline = B\n[instrument a]\nclass = evb\ndriver = lightline-evb\nresource = sim:nosuch\n",
      "7:16: error: bad resource: no simulator named 'nosuch'" },
    /* an empty cal-due is not a due date */
    { "[station]\nid = A\nline = B\n[instrument pm]\nclass = power-meter\ndriver = thorlabs-pm100\nresource = sim:scpi\n"
      "cal-due =\ncal-cert = C-1\n",
      "8:10: error: 'cal-due' is empty; power-meter 'pm' needs a calibration due date" },
    { "[station]\nid = A\nline = B\n[instrument e]\nclass = evb\ndriver = lightline-evb\nresource = sim:scpi\n"
      "cal-due =\n", NULL },
    { "\xff\xfe[station]\n", " error: not a text file" },
    /* the simulated bench is wired by resource strings */
    { "[station]\nid = A\nline = B\n[simulation]\nbench = lab\n"
      "[instrument e]\nclass = evb\ndriver = lightline-evb\nresource = sim:evb?site=1\n[site 1]\nevb = e\n",
      "6:1: error: instrument 'e' is not on the simulated bench 'lab' of [simulation]\n  hint: add bench=lab" },
    { "[station]\nid = A\nline = B\n"
      "[instrument e]\nclass = evb\ndriver = lightline-evb\nresource = sim:evb?bench=lab\n",
      "4:1: error: instrument 'e' is on simulated bench 'lab', but the file has no [simulation]" },
    { "[station]\nid = A\nline = B\n[simulation]\nbench = lab\nsites = 2\n"
      "[instrument e]\nclass = evb\ndriver = lightline-evb\nresource = sim:evb?bench=lab&site=2\n[site 1]\nevb = e\n",
      "11:1: error: site 1's EVB 'e' is the simulated board of site 2" },
    { "[station]\nid = A\nline = B\n[simulation]\nsites = 1\nmodules = A1,A2\n",
      "4:1: error: [simulation] lists 2 modules for 1 sites" },
    { "[station]\nid = A\nline = B\n[simulation]\nbench = lab\n"
      "[instrument e]\nclass = evb\ndriver = lightline-evb\nresource = sim:evb?bench=lab&site=3\n[site 3]\nevb = e\n",
      NULL },
    /* the retest limit is a count of attempts */
    { "[station]\nid = A\nline = B\nretest-limit = 0\n",
      "4:16: error: retest-limit '0' is not a number from 1 to 1000" },
    { "[station]\nid = A\nline = B\nretest-limit = three\n",
      "4:16: error: retest-limit 'three' is not a number from 1 to 1000" },
    { "[station]\nid = A\nline = B\nretest-limit = 3\ndatabase = results.db\n", NULL },
    { "[station]\nid = A\nline = B\npath-loss-expiry-h = 0\n",
      "4:22: error: path-loss-expiry-h '0' is not a number of hours above 0 and at most 8760" },
    { "[station]\nid = A\nline = B\npath-loss-expiry-h = 12h\n",
      "4:22: error: path-loss-expiry-h '12h' is not a number of hours above 0 and at most 8760" },
    { "[station]\nid = A\nline = B\npath-loss-expiry-h = 0.5\ngolden-references = /srv/golden\n", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree gchar *got = load_text(cases[i].text);
    g_test_message("case %zu: %s", i, got ? got : "(loads)");
    if (!cases[i].want)
      g_assert_null(got);
    else
      g_assert_true(got && g_str_has_prefix(got, cases[i].want));
  }
}

/* The hint lists exactly the known words: the arrays they come from are
 * joined by count (they have no NULL at the end). */
static void
test_known_lists(void)
{
  g_autofree gchar *keys = load_text("[station]\nid = A\nline = B\nzzzzzzzz = 1\n");
  g_assert_cmpstr(keys, ==,
                  "4:1: error: unknown key 'zzzzzzzz' in [station]\n"
                  "  hint: known keys in [station]: id, line, description, database, retest-limit, "
                  "path-loss-expiry-h, golden-references");
  g_autofree gchar *ikeys = load_text("[station]\nid = A\nline = B\n[instrument e]\nclass = evb\n"
                                      "driver = lightline-evb\nresource = sim:scpi\nzzzzzzzz = 1\n");
  g_assert_cmpstr(ikeys, ==,
                  "8:1: error: unknown key 'zzzzzzzz' in [instrument e]\n"
                  "  hint: known keys in [instrument e]: class, driver, resource, cal-due, cal-cert");
  g_autofree gchar *site = load_text("[station]\nid = A\nline = B\n[instrument e]\nclass = evb\n"
                                     "driver = lightline-evb\nresource = sim:scpi\n[site 1]\n"
                                     "evb = e\nzzzzzzzz = 1\n");
  g_assert_cmpstr(site, ==,
                  "10:1: error: unknown key 'zzzzzzzz' in [site 1]\n"
                  "  hint: known keys in [site 1]: evb, fixture");
  g_autofree gchar *sim = load_text("[station]\nid = A\nline = B\n[simulation]\nzzzzzzzz = 1\n");
  g_assert_cmpstr(sim, ==,
                  "5:1: error: unknown key 'zzzzzzzz' in [simulation]\n"
                  "  hint: known keys in [simulation]: bench, sites, product, seed, defects, "
                  "realtime, modules");
  g_autofree gchar *classes = load_text("[station]\nid = A\nline = B\n[instrument e]\n"
                                        "class = zzzzzzzzzzzz\ndriver = lightline-evb\n"
                                        "resource = sim:scpi\n");
  g_assert_true(g_str_has_suffix(classes, "  hint: classes: power-meter, attenuator, "
                                          "optical-switch, bert, scope, evb"));
}

/* The results store's path is relative to the station file's folder. */
static void
test_database(void)
{
  static const char text[] = "[station]\nid = A\nline = B\ndatabase = data/results.db\nretest-limit = 3\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStationConfig) rel = ll_station_config_load_data("/srv/st07/station.ini", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(rel->database, ==, "/srv/st07/data/results.db");
  g_assert_cmpuint(rel->retest_limit, ==, 3);
  g_assert_cmpfloat(rel->path_loss_expiry_h, ==, 0);
  g_assert_cmpstr(rel->golden_references, ==, "/srv/st07/golden");
  static const char abs_text[] = "[station]\nid = A\nline = B\ndatabase = /var/lib/ll/r.db\n";
  g_autoptr(LlStationConfig) abs = ll_station_config_load_data("st/station.ini", abs_text, strlen(abs_text), NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(abs->database, ==, "/var/lib/ll/r.db");
  g_assert_cmpuint(abs->retest_limit, ==, 0);
  static const char cal_text[] = "[station]\nid = A\nline = B\npath-loss-expiry-h = 12\n"
                                 "golden-references = ref/golden\n";
  g_autoptr(LlStationConfig) cal = ll_station_config_load_data("/srv/st07/station.ini", cal_text,
                                                               strlen(cal_text), NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpfloat(cal->path_loss_expiry_h, ==, 12);
  g_assert_cmpstr(cal->golden_references, ==, "/srv/st07/ref/golden");
  static const char none[] = "[station]\nid = A\nline = B\n";
  g_autoptr(LlStationConfig) no_db = ll_station_config_load_data("station.ini", none, strlen(none), NULL, &err);
  g_assert_null(no_db->database);
}

static void
test_unreadable(void)
{
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_station_config_load("/nonexistent/station.ini", NULL, &err));
  g_assert_error(err, LL_CONFIG_ERROR, LL_CONFIG_ERROR_READ);
  g_assert_nonnull(strstr(err->message, "/nonexistent/station.ini"));
}

static void
test_closest_word(void)
{
  static const char *const words[] = { "power-meter", "attenuator", "bert", "scope" };
  g_assert_cmpstr(ll_closest_word("powermeter", words, 4), ==, "power-meter");
  g_assert_cmpstr(ll_closest_word("atennuator", words, 4), ==, "attenuator");
  g_assert_cmpstr(ll_closest_word("BRET", words, 4), ==, "bert");
  g_assert_null(ll_closest_word("oscilloscope", words, 4));
  g_assert_cmpuint(ll_edit_distance("lien", "line"), ==, 1);
  g_assert_cmpuint(ll_edit_distance("", "abc"), ==, 3);
  g_assert_cmpuint(ll_edit_distance("kitten", "sitting"), ==, 3);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/config/good", test_good);
  g_test_add_func("/config/bad", test_bad);
  g_test_add_func("/config/single-problems", test_single_problems);
  g_test_add_func("/config/known-lists", test_known_lists);
  g_test_add_func("/config/database", test_database);
  g_test_add_func("/config/unreadable", test_unreadable);
  g_test_add_func("/config/closest-word", test_closest_word);
  return g_test_run();
}
