/* test-calibration.c: station path-loss calibration and the golden-unit
 * check (docs/calibration.md).
 *
 * - golden reference files: problems at FILE:LINE:COL, what was written
 *   reads back the same;
 * - on the simulated bench: a golden module characterized from its twin,
 *   both sites calibrated through the instruments; the truth is read from
 *   the bench during a final test (ll-bench: power at the meter ports with
 *   the switch on each lane, the received power at each lane): every TX
 *   loss and RX offset within 0.05 dB of it; the final test's launch power
 *   corrected with the calibration within 0.1 dB of the twin's true launch
 *   power, closer than the nominal 4.4 dB offset gets; the store keeps raw
 *   and corrected values linked to the calibration used;
 * - 800G 2xFR4: TX paths calibrated at each lane's CWDM wavelength, the
 *   final test's paths covered;
 * - an engine run on a calibrating station without a calibration is an
 *   ERROR before any step;
 * - the CLI: calibrate path-loss (exit 0, twice despite a retest limit of
 *   1), a run refused with the message naming site, lanes, wavelength and
 *   how to calibrate when the calibration is missing (exit 4) or expired
 *   (with when), golden-check refused without one, recorded with one, its
 *   history (drift over time) in JSON; bad golden references and a station
 *   that does not calibrate its paths exit 2. */
#include "ll-calibration.h"
#include "ll-station-demo.h"
#include "ll-store-cal.h"
#include "ll-test-db.h"
#include "ll-test-session.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define SEED 11

static gchar *
shipped(const char *name)
{
  return g_build_filename(g_getenv("LL_SOURCE"), "sequences", "shipped", name, NULL);
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

/* A simulated station of @sites sites of @product calibrating its paths,
 * its golden references in @dir/golden; @extra lines go into [station]. */
static gchar *
station_text(const char *dir, const char *product, guint sites, const char *extra)
{
  g_autofree gchar *golden = g_build_filename(dir, "golden", NULL);
  LlDemoOptions o;
  ll_demo_options_default(&o);
  o.sites = sites;
  o.product = product;
  o.seed = SEED;
  o.defects = "none";
  o.golden_references = golden;
  g_autoptr(GError) err = NULL;
  gchar *text = ll_demo_station_text(&o, &err);
  g_assert_no_error(err);
  if (!extra)
    return text;
  g_autoptr(GString) s = g_string_new(text);
  g_free(text);
  g_assert_cmpuint(g_string_replace(s, "[station]\n", extra, 1), ==, 1);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* ---- golden reference files ---- */

static gchar *
load_errors(const char *text)
{
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  g_autoptr(LlGoldenReference) r = ll_golden_reference_load_data("g.yaml", text, strlen(text), diags, &err);
  if (r)
    return NULL;
  g_assert_error(err, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_INVALID);
  return ll_diag_list_format(diags);
}

static void
test_reference_file(void)
{
  static const char head[] = "golden:\n  serial: GOLD7\n  product: 800G-DR8\nlanes:\n";
  g_autoptr(GString) good = g_string_new(head);
  for (guint lane = 1; lane <= 8; lane++)
    g_string_append_printf(good, "  - { lane: %u, tx_power_avg: 1.%u dBm, rx_power_monitor_error: -0.2 dB }\n",
                           lane, lane);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlGoldenReference) r = ll_golden_reference_load_data("g.yaml", good->str, good->len, NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r->serial, ==, "GOLD7");
  g_assert_cmpuint(r->lanes, ==, 8);
  g_assert_cmpfloat(ll_golden_reference_value(r, "tx_power_avg", 3), ==, 1.3);
  g_assert_cmpfloat(ll_golden_reference_value(r, "rx_power_monitor_error", 8), ==, -0.2);
  g_assert_true(isnan(ll_golden_reference_value(r, "tdecq", 1)));

  /* what is written reads back the same */
  ll_golden_reference_set(r, "tdecq", 2, 1.875);
  g_autofree gchar *text = ll_golden_reference_format(r);
  g_autoptr(LlGoldenReference) back = ll_golden_reference_load_data("h.yaml", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  for (guint lane = 1; lane <= 8; lane++)
    g_assert_cmpfloat(ll_golden_reference_value(back, "tx_power_avg", lane), ==,
                      ll_golden_reference_value(r, "tx_power_avg", lane));
  g_assert_cmpfloat(ll_golden_reference_value(back, "tdecq", 2), ==, 1.875);

  static const struct {
    const char *text, *want;
  } bad[] = {
    { "golden:\n  serial: G\n  product: 800G-DR9\nlanes: []\n",
      "g.yaml:3:12: error: unknown product '800G-DR9'\n  hint: did you mean '800G-DR8'?" },
    { "golden:\n  serial: G\n  product: 800G-DR8\nlanes:\n  - { lane: 1, tx_power_avg: 1.2, rx_power_monitor_error: 0 dB }\n",
      "g.yaml:5:30: error: '1.2' is without a unit, not in dBm" },
    { "golden:\n  serial: G\n  product: 800G-DR8\nlanes:\n  - { lane: 9, tx_power_avg: 1 dBm }\n",
      "g.yaml:5:13: error: 'lane' must be" },
    { "golden:\n  serial: G\n  product: 800G-DR8\nlanes:\n  - { lane: 1, tx_power: 1 dBm }\n",
      "g.yaml:5:16: error: unknown key 'tx_power' in a lane" },
    { "golden:\n  serial: G\n  product: 800G-DR8\nlanes:\n  - { lane: 1, tx_power_avg: 1 dBm }\n",
      "g.yaml:5:5: error: lane 1 has no rx_power_monitor_error" },
    { "golden:\n  product: 800G-DR8\nlanes: []\n", "g.yaml:2:3: error: 'golden' has no serial" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree gchar *got = load_errors(bad[i].text);
    g_test_message("case %zu: %s", i, got ? got : "(loads)");
    g_assert_nonnull(got);
    g_assert_nonnull(strstr(got, bad[i].want));
  }
  /* every missing lane is named */
  g_autofree gchar *one_lane = g_strconcat(head, "  - { lane: 1, tx_power_avg: 1 dBm, rx_power_monitor_error: 0 dB }\n", NULL);
  g_autofree gchar *missing = load_errors(one_lane);
  g_assert_nonnull(strstr(missing, "lane 8 of 800G-DR8 is missing"));
}

/* ---- the simulated bench ---- */

typedef struct {
  LlStation *station;
  guint site;
  gboolean taken;
  double tx_loss[9], rx_offset[9]; /* the bench's true paths, by lane */
  double launch[9];                /* the unit's true launch power */
} Truth;

/* At the final test's first main step (the unit is powered and its data
 * paths are active): the true paths and launch powers, read from the
 * bench with the switch put on each lane in turn (and back). */
static void
read_truth(const LlEvent *ev, gpointer data)
{
  Truth *t = data;
  if (ev->kind != LL_EVENT_STEP_STARTED || ev->site != t->site || t->taken ||
      !g_str_equal(ev->step->id, "supply"))
    return;
  LlBench *b = ll_station_bench(t->station);
  ll_bench_lock(b);
  guint sw1 = ll_bench_switch_get(b, 1), sw2 = ll_bench_switch_get(b, 2);
  double voa = ll_bench_voa_attenuation(b);
  gboolean voa_on = ll_bench_voa_enabled(b);
  LlModuleSim *m = ll_bench_module(b, t->site);
  ll_bench_voa_set(b, 10, TRUE);
  for (guint lane = 1; lane <= 8; lane++) {
    guint ch = (t->site - 1) * 8 + lane;
    ll_bench_switch_set(b, 1, ch);
    ll_bench_switch_set(b, 2, ch);
    t->launch[lane] = ll_twin_tx_power_dbm(ll_module_sim_twin(m), lane - 1, ll_module_sim_case_temperature(m));
    t->tx_loss[lane] = t->launch[lane] - ll_bench_port_power_dbm(b, LL_BENCH_PORT_TX);
    t->rx_offset[lane] = ll_bench_rx_power_dbm(b, t->site, lane) - ll_bench_port_power_dbm(b, LL_BENCH_PORT_RX);
  }
  ll_bench_switch_set(b, 1, sw1);
  ll_bench_switch_set(b, 2, sw2);
  ll_bench_voa_set(b, voa, voa_on);
  ll_bench_unlock(b);
  t->taken = TRUE;
}

static double
entry(GArray *entries, LlPathKind path, guint lane, double *nm)
{
  for (guint i = 0; i < entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(entries, LlPathLossEntry, i);
    if (e->path == path && e->lane == lane) {
      *nm = e->wavelength_nm;
      return e->loss_db;
    }
  }
  g_assert_not_reached();
}

static void
test_bench(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-cal-XXXXXX", NULL);
  g_autofree gchar *config = g_build_filename(dir, "station.ini", NULL);
  g_autofree gchar *db = g_build_filename(dir, "results.db", NULL);
  g_autofree gchar *text = station_text(dir, "800G-DR8", 2, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *golden = ll_golden_characterize_sim(config, text, "GOLD", &err);
  g_assert_no_error(err);

  LlCalibrationResult *cal[3] = { NULL };
  for (guint site = 1; site <= 2; site++) {
    LlCalibrationOptions o = { .config_path = config, .config_text = text, .database = db,
                               .site = site, .golden_serial = golden, .operator_name = "tester" };
    cal[site] = ll_calibrate_path_loss(&o, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(cal[site]->run->outcome, ==, LL_OUTCOME_PASS);
    g_assert_cmpint(cal[site]->set_id, >, 0);
    g_assert_cmpuint(cal[site]->entries->len, ==, 16);
  }

  /* a final test in each site; the truth is read from its bench meanwhile */
  g_autofree gchar *seq = shipped("final-800g-dr8.yaml");
  LlTestSessionOptions so = { .config_path = config, .config_text = text, .sequence_path = seq,
                              .database = db, .operator_name = "tester" };
  g_autoptr(LlTestSession) session = ll_test_session_open(&so, NULL, &err);
  g_assert_no_error(err);
  LlStation *station = ll_test_session_station(session);
  Truth truth[3] = { { 0 }, { .station = station, .site = 1 }, { .station = station, .site = 2 } };
  ll_test_session_add_listener(session, read_truth, &truth[1]);
  ll_test_session_add_listener(session, read_truth, &truth[2]);
  LlSessionUnit units[] = { { 1, "LL26T00001" }, { 2, "LL26T00002" } };
  g_autoptr(GPtrArray) runs = ll_test_session_run(session, units, 2, NULL);
  sqlite3 *sdb = ll_test_db_open(db, FALSE);
  for (guint site = 1; site <= 2; site++) {
    const LlSessionRun *run = runs->pdata[site - 1];
    g_autofree gchar *run_id = g_strdup_printf("%" G_GINT64_FORMAT, run->run_id);
    g_assert_no_error(run->error);
    g_assert_cmpint(run->result->outcome, ==, LL_OUTCOME_PASS);
    g_assert_true(truth[site].taken);
    g_assert_cmpint(run->result->path_loss_set_id, ==, cal[site]->set_id);
    g_assert_cmpint(ll_test_db_int(sdb, "SELECT path_loss_set_id FROM runs WHERE id = ?1", run_id), ==,
                    cal[site]->set_id);
    /* the calibration against the bench's true paths */
    for (guint lane = 1; lane <= 8; lane++) {
      double nm;
      double tx = entry(cal[site]->entries, LL_PATH_TX, lane, &nm);
      g_assert_cmpfloat(nm, ==, 1311);
      double rx = entry(cal[site]->entries, LL_PATH_RX, lane, &nm);
      g_assert_cmpfloat(nm, ==, 1311);
      g_test_message("site %u lane %u: TX %.3f dB (true %.3f), RX %.3f dB (true %.3f)", site, lane, tx,
                     truth[site].tx_loss[lane], rx, truth[site].rx_offset[lane]);
      g_assert_cmpfloat(fabs(tx - truth[site].tx_loss[lane]), <, 0.05);
      g_assert_cmpfloat(fabs(rx - truth[site].rx_offset[lane]), <, 0.05);
    }
    /* the launch power corrected with it, against the twin's; the nominal
     * offset does worse */
    double worst_cal = 0, sum_cal = 0, worst_nominal = 0, sum_nominal = 0;
    guint seen = 0;
    for (guint i = 0; i < run->result->measurements->len; i++) {
      const LlMeasurement *m = run->result->measurements->pdata[i];
      if (!g_str_equal(m->name, "tx_power_avg"))
        continue;
      seen++;
      double truth_dbm = truth[site].launch[m->lane];
      double e_cal = m->value.number - truth_dbm, e_nominal = m->raw + 4.4 - truth_dbm;
      worst_cal = MAX(worst_cal, fabs(e_cal));
      worst_nominal = MAX(worst_nominal, fabs(e_nominal));
      sum_cal += fabs(e_cal);
      sum_nominal += fabs(e_nominal);
      g_assert_cmpint(m->path_loss_id, >, 0);
      /* the store: raw and corrected, linked to the calibrated TX path of the lane */
      g_autofree gchar *sql = g_strdup_printf(
        "SELECT m.corrected_value - m.raw_value - p.loss_db FROM measurements m JOIN path_loss p"
        " ON p.id = m.path_loss_id WHERE m.run_id = ?1 AND m.name = 'tx_power_avg' AND m.lane = %u"
        " AND p.path = 'tx' AND p.lane = %u AND p.set_id = %" G_GINT64_FORMAT, m->lane, m->lane,
        cal[site]->set_id);
      g_assert_cmpfloat(fabs(ll_test_db_double(sdb, sql, run_id)), <, 1e-9);
    }
    g_test_message("site %u launch power error: calibrated worst %.3f dB, nominal worst %.3f dB",
                   site, worst_cal, worst_nominal);
    g_assert_cmpuint(seen, ==, 8);
    g_assert_cmpfloat(worst_cal, <, 0.1);
    g_assert_cmpfloat(sum_cal, <, sum_nominal);
    g_assert_cmpfloat(worst_cal, <, worst_nominal);
  }
  /* every optical value of the runs is linked to a calibration */
  g_assert_cmpint(ll_test_db_int(sdb, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id"
                                      " WHERE r.operation = 'final-800g-dr8' AND m.name IN ('tx_power_avg',"
                                      " 'oma_outer', 'sensitivity', 'rx_power_set', 'rx_power_monitor_error')"
                                      " AND m.path_loss_id IS NULL", NULL), ==, 0);
  sqlite3_close(sdb);
  g_clear_pointer(&session, ll_test_session_free);
  for (guint site = 1; site <= 2; site++)
    ll_calibration_result_free(cal[site]);
  remove_tree(dir);
}

/* 800G 2xFR4: a TX path per lane at its own wavelength. */
static void
test_cwdm(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-cal-XXXXXX", NULL);
  g_autofree gchar *config = g_build_filename(dir, "station.ini", NULL);
  g_autofree gchar *db = g_build_filename(dir, "results.db", NULL);
  g_autofree gchar *text = station_text(dir, "800G-2xFR4", 1, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *golden = ll_golden_characterize_sim(config, text, "GOLD", &err);
  g_assert_no_error(err);
  LlCalibrationOptions o = { .config_path = config, .config_text = text, .database = db, .site = 1,
                             .golden_serial = golden };
  g_autoptr(LlCalibrationResult) r = ll_calibrate_path_loss(&o, NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(r->set_id, >, 0);
  static const double cwdm[] = { 1271, 1291, 1311, 1331 };
  for (guint lane = 1; lane <= 8; lane++) {
    double nm;
    entry(r->entries, LL_PATH_TX, lane, &nm);
    g_assert_cmpfloat(nm, ==, cwdm[(lane - 1) % 4]);
    entry(r->entries, LL_PATH_RX, lane, &nm);
    g_assert_cmpfloat(nm, ==, 1311);
  }
  /* the final test's paths are what was calibrated */
  g_autofree gchar *seq = shipped("final-800g-2xfr4.yaml");
  LlTestSessionOptions so = { .config_path = config, .config_text = text, .sequence_path = seq,
                              .database = db };
  g_autoptr(LlTestSession) session = ll_test_session_open(&so, NULL, &err);
  g_assert_no_error(err);
  const GArray *needs = ll_engine_path_needs(ll_test_session_engine(session));
  g_assert_cmpuint(needs->len, ==, 16);
  g_assert_true(ll_calibration_prepare_run(ll_test_session_engine(session), ll_test_session_station(session),
                                           ll_test_session_store(session), 1, &err));
  g_assert_no_error(err);
  g_clear_pointer(&session, ll_test_session_free);
  remove_tree(dir);
}

/* The engine itself refuses a run a calibrating station has no calibration for. */
static void
test_engine_refuses(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-cal-XXXXXX", NULL);
  g_autofree gchar *text = station_text(dir, "800G-DR8", 1, NULL);
  g_autoptr(GError) err = NULL;
  LlStationConfig *cfg = ll_station_config_load_data("station.ini", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  g_autoptr(LlStation) station = ll_station_open(cfg, &err);
  g_assert_no_error(err);
  g_autofree gchar *path = shipped("final-800g-dr8.yaml");
  g_autoptr(LlSequence) seq = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_true(ll_sequence_check_file(path, ll_actions_catalog(), diags, &seq, &tables));
  g_autoptr(LlEngine) engine = ll_engine_new(station, seq, tables);
  ll_station_load_unit(station, 1, "LL26T00009");
  g_autoptr(LlRunResult) r = ll_engine_run(engine, 1, "LL26T00009", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
  g_assert_nonnull(strstr(r->message, "site 1: no path-loss calibration for TX lanes 1-8 at 1311 nm, "
                                      "RX lanes 1-8 at 1311 nm"));
  for (guint i = 0; i < r->steps->len; i++)
    g_assert_cmpint(((LlStepResult *) r->steps->pdata[i])->verdict, ==, LL_STEP_SKIPPED);
  remove_tree(dir);
}

/* ---- the command line ---- */

static JsonObject *
parse(JsonParser *p, const char *text)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, text, -1, &err));
  return json_node_get_object(json_parser_get_root(p));
}

static void
test_cli(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-cal-XXXXXX", NULL);
  g_autofree gchar *config = g_build_filename(dir, "station.ini", NULL);
  g_autofree gchar *db = g_build_filename(dir, "results.db", NULL);
  g_autofree gchar *text = station_text(dir, "800G-DR8", 2, "[station]\nretest-limit = 1\n");
  g_assert_true(g_file_set_contents(config, text, -1, NULL));
  g_autoptr(GError) err = NULL;
  g_autofree gchar *golden = ll_golden_characterize_sim(config, NULL, "GOLD", &err);
  g_assert_no_error(err);
  g_autofree gchar *seq = shipped("final-800g-dr8.yaml");

  /* calibrate site 1 (twice: the retest limit is not for golden modules) */
  const char *cal1[] = { "calibrate", "path-loss", "--config", config, "--site", "1", "--golden", golden,
                         "--db", db, "--operator", "alice", "--json", NULL };
  for (guint i = 0; i < 2; i++) {
    g_auto(LlTestRun) c = { 0 };
    ll_test_run(&c, cal1);
    g_assert_cmpint(c.status, ==, 0);
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = parse(p, c.out);
    g_assert_true(json_object_get_boolean_member(o, "stored"));
    g_assert_cmpstr(json_object_get_string_member(o, "outcome"), ==, "PASS");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "entries")), ==, 16);
  }

  /* site 2 has none: refused, with what is missing and how to calibrate */
  const char *run2[] = { "run", "--config", config, "--sequence", seq, "--sn", "LL26T00101", "--site", "2",
                         "--db", db, NULL };
  g_auto(LlTestRun) r2 = { 0 };
  ll_test_run(&r2, run2);
  g_assert_cmpint(r2.status, ==, 4);
  g_assert_nonnull(strstr(r2.err, "refused: station ST-DEMO site 2: no path-loss calibration for TX lanes "
                                  "1-8 at 1311 nm, RX lanes 1-8 at 1311 nm: calibrate the site with its "
                                  "golden module first: lightline calibrate path-loss --config"));
  g_assert_nonnull(strstr(r2.err, "--site 2 --golden SN"));
  /* site 1 has one */
  const char *run1[] = { "run", "--config", config, "--sequence", seq, "--sn", "LL26T00102", "--site", "1",
                         "--db", db, "--json", NULL };
  g_auto(LlTestRun) r1 = { 0 };
  ll_test_run(&r1, run1);
  g_assert_cmpint(r1.status, ==, 0);

  /* site 1's calibration expires: refused, saying when */
  sqlite3 *sdb = ll_test_db_open(db, FALSE);
  ll_test_db_exec(sdb, "UPDATE path_loss_sets SET expires_utc = '2026-01-02T03:04:05.000000Z' WHERE site = 1");
  sqlite3_close(sdb);
  const char *run1b[] = { "run", "--config", config, "--sequence", seq, "--sn", "LL26T00103", "--site", "1",
                          "--db", db, NULL };
  g_auto(LlTestRun) r1b = { 0 };
  ll_test_run(&r1b, run1b);
  g_assert_cmpint(r1b.status, ==, 4);
  g_autofree gchar *expired = g_strdup_printf(
    "refused: station ST-DEMO site 1: the path-loss calibration has expired for TX lanes 1-8 at 1311 nm "
    "(expired 2026-01-02 03:04:05 UTC), RX lanes 1-8 at 1311 nm (expired 2026-01-02 03:04:05 UTC): "
    "calibrate the site with its golden module first: lightline calibrate path-loss --config %s --site 1 "
    "--golden %s", config, golden);
  g_assert_nonnull(strstr(r1b.err, expired));
  const char *check[] = { "calibrate", "golden-check", "--config", config, "--site", "1", "--golden", golden,
                          "--db", db, NULL };
  g_auto(LlTestRun) c0 = { 0 };
  ll_test_run(&c0, check);
  g_assert_cmpint(c0.status, ==, 4);
  g_assert_nonnull(strstr(c0.err, "has expired for TX lanes 1-8"));

  /* calibrated again: two golden-unit checks, their drift in the history */
  g_auto(LlTestRun) again = { 0 };
  ll_test_run(&again, cal1);
  g_assert_cmpint(again.status, ==, 0);
  for (guint i = 0; i < 2; i++) {
    g_auto(LlTestRun) c = { 0 };
    ll_test_run(&c, check);
    g_assert_cmpint(c.status, ==, 0);
    g_assert_true(g_str_has_prefix(c.out, "PASS  "));
    g_assert_nonnull(strstr(c.out, "48 golden-unit checks stored"));
  }
  const char *history[] = { "calibrate", "history", "--db", db, "--site", "1", "--json", NULL };
  g_auto(LlTestRun) h = { 0 };
  ll_test_run(&h, history);
  g_assert_cmpint(h.status, ==, 0);
  g_autoptr(JsonParser) hp = json_parser_new();
  JsonObject *ho = parse(hp, h.out);
  JsonArray *sets = json_object_get_array_member(ho, "path_loss");
  g_assert_cmpuint(json_array_get_length(sets), ==, 3);
  g_assert_true(json_object_get_boolean_member(json_array_get_object_element(sets, 0), "expired"));
  JsonObject *last = json_array_get_object_element(sets, 2);
  g_assert_false(json_object_get_boolean_member(last, "expired"));
  g_assert_cmpstr(json_object_get_string_member(last, "operator"), ==, "alice");
  g_assert_cmpstr(json_object_get_string_member(last, "golden"), ==, golden);
  JsonArray *checks = json_object_get_array_member(ho, "golden_checks");
  g_assert_cmpuint(json_array_get_length(checks), ==, 96);
  guint tx_lane3 = 0;
  for (guint i = 0; i < json_array_get_length(checks); i++) {
    JsonObject *c = json_array_get_object_element(checks, i);
    g_assert_cmpstr(json_object_get_string_member(c, "golden"), ==, golden);
    double value = json_object_get_double_member(c, "value"), ref = json_object_get_double_member(c, "reference");
    g_assert_cmpfloat(fabs(json_object_get_double_member(c, "delta") - (value - ref)), <, 1e-9);
    if (g_str_equal(json_object_get_string_member(c, "measurement"), "tx_power_avg") &&
        json_object_get_int_member(c, "lane") == 3) {
      tx_lane3++;
      g_assert_cmpfloat(fabs(value - ref), <, 0.5);
    }
  }
  g_assert_cmpuint(tx_lane3, ==, 2);
  const char *history_text[] = { "calibrate", "history", "--db", db, NULL };
  g_auto(LlTestRun) ht = { 0 };
  ll_test_run(&ht, history_text);
  g_assert_cmpint(ht.status, ==, 0);
  g_assert_nonnull(strstr(ht.out, "path-loss calibrations: 3\n"));
  g_assert_nonnull(strstr(ht.out, "golden-unit checks: 96"));
  const char *other[] = { "calibrate", "history", "--db", db, "--site", "2", NULL };
  g_auto(LlTestRun) ot = { 0 };
  ll_test_run(&ot, other);
  g_assert_cmpint(ot.status, ==, 1);

  /* what keeps a calibration from running: exit 2 */
  const char *nobody[] = { "calibrate", "path-loss", "--config", config, "--golden", "NOPE1", "--db", db, NULL };
  g_auto(LlTestRun) nb = { 0 };
  ll_test_run(&nb, nobody);
  g_assert_cmpint(nb.status, ==, 2);
  g_assert_nonnull(strstr(nb.err, "no golden reference for NOPE1"));
  g_autofree gchar *bad_ref = g_build_filename(dir, "golden", "BAD1.yaml", NULL);
  g_assert_true(g_file_set_contents(bad_ref, "golden:\n  serial: BAD1\n  product: 800G-DR8\nlanes:\n"
                                             "  - { lane: 1, tx_power_avg: 1 mW }\n", -1, NULL));
  const char *bad[] = { "calibrate", "path-loss", "--config", config, "--golden", "BAD1", "--db", db, NULL };
  g_auto(LlTestRun) b = { 0 };
  ll_test_run(&b, bad);
  g_assert_cmpint(b.status, ==, 2);
  g_autofree gchar *at = g_strdup_printf("%s:5:30: error: '1 mW' is mW, not in dBm", bad_ref);
  g_assert_nonnull(strstr(b.err, at));
  g_autofree gchar *plain_config = g_build_filename(dir, "plain.ini", NULL);
  g_autoptr(GString) plain = g_string_new(text);
  g_string_replace(plain, "path-loss-expiry-h = 12\n", "", 1);
  g_assert_true(g_file_set_contents(plain_config, plain->str, -1, NULL));
  const char *nominal[] = { "calibrate", "path-loss", "--config", plain_config, "--golden", golden, "--db", db, NULL };
  g_auto(LlTestRun) n = { 0 };
  ll_test_run(&n, nominal);
  g_assert_cmpint(n.status, ==, 2);
  g_assert_nonnull(strstr(n.err, "does not calibrate its optical paths: set path-loss-expiry-h"));
  const char *usage[] = { "calibrate", "path-loss", "--config", config, NULL };
  g_auto(LlTestRun) u = { 0 };
  ll_test_run(&u, usage);
  g_assert_cmpint(u.status, ==, 2);
  remove_tree(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/calibration/reference-file", test_reference_file);
  g_test_add_func("/calibration/bench", test_bench);
  g_test_add_func("/calibration/cwdm", test_cwdm);
  g_test_add_func("/calibration/engine-refuses", test_engine_refuses);
  g_test_add_func("/calibration/cli", test_cli);
  return g_test_run();
}
