/* test-engine.c: the engine on a simulated two-site station with the
 * module bring-up sequence (tests/data/engine/): a good unit PASSes with a
 * grade and its module powered down afterwards; a DUT defect FAILs in its
 * bin; an instrument fault is an ERROR with no DUT bin, never a PASS or a
 * FAIL, and cleanup still runs; an abort ends in ABORTED after cleanup; two
 * sites run at once on virtual time; a step past its timeout_s is an ERROR. */
#include "ll-engine.h"
#include "ll-station-config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

typedef struct {
  LlStation *station;
  LlSequence *seq;
  GPtrArray *tables;
  LlEngine *engine;
  GPtrArray *events; /* of gchar*: "kind step lane" */
  GCancellable *cancel;
  const char *cancel_at; /* step id whose start cancels the run */
} Fixture;

static gchar *
data(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "engine", name, NULL);
}

static void
on_event(const LlEvent *ev, gpointer user_data)
{
  Fixture *f = user_data;
  static const char *const kinds[] = { "run-started", "step-started", "measurement",
                                       "step-finished", "run-finished" };
  g_ptr_array_add(f->events, g_strdup_printf("%s %s %u", kinds[ev->kind],
                                             ev->step ? ev->step->id : "-", ev->lane));
  if (ev->kind == LL_EVENT_STEP_STARTED && f->cancel_at && g_str_equal(ev->step->id, f->cancel_at))
    g_cancellable_cancel(f->cancel);
}

/* Opens the engine station with sequence @sequence (module.yaml when
 * NULL); @from -> @to (may be NULL) rewrites the station file text. */
static void
setup_seq(Fixture *f, const char *sequence, const char *from, const char *to)
{
  g_autofree gchar *path = data("station.ini");
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  if (from)
    g_string_replace(s, from, to, 0);
  g_autofree gchar *tmp = NULL;
  int fd = g_file_open_tmp("ll-engine-XXXXXX.ini", &tmp, NULL);
  close(fd);
  g_assert_true(g_file_set_contents(tmp, s->str, -1, NULL));
  g_autoptr(GError) err = NULL;
  LlStationConfig *cfg = ll_station_config_load(tmp, NULL, &err);
  g_assert_no_error(err);
  remove(tmp);
  f->station = ll_station_open(cfg, &err);
  g_assert_no_error(err);

  g_autofree gchar *seq = data(sequence ? sequence : "module.yaml");
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  gboolean ok = ll_sequence_check_file(seq, ll_actions_catalog(), diags, &f->seq, &f->tables);
  g_autofree gchar *msgs = ll_diag_list_format(diags);
  g_test_message("%s", msgs);
  g_assert_true(ok);
  f->engine = ll_engine_new(f->station, f->seq, f->tables);
  f->events = g_ptr_array_new_with_free_func(g_free);
  f->cancel = g_cancellable_new();
  ll_engine_add_listener(f->engine, on_event, f);
}

static void
setup_with(Fixture *f, const char *from, const char *to)
{
  setup_seq(f, NULL, from, to);
}

static void
fixture_setup(Fixture *f, gconstpointer d)
{
  setup_with(f, NULL, NULL);
}

static void
fixture_teardown(Fixture *f, gconstpointer d)
{
  ll_engine_free(f->engine);
  ll_sequence_free(f->seq);
  g_ptr_array_unref(f->tables);
  ll_station_close(f->station);
  g_ptr_array_unref(f->events);
  g_object_unref(f->cancel);
  ll_bench_forget_all();
}

static const LlMeasurement *
find(const LlRunResult *r, const char *name)
{
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if (g_str_equal(m->name, name))
      return m;
  }
  return NULL;
}

static double
module_current(Fixture *f, guint site)
{
  LlBench *b = ll_station_bench(f->station);
  ll_bench_lock(b);
  LlModuleSim *m = ll_bench_module(b, site);
  double a = m ? ll_module_sim_current_a(m) : -1;
  ll_bench_unlock(b);
  return a;
}

static void
test_pass(Fixture *f, gconstpointer d)
{
  ll_bench_insert(ll_station_bench(f->station), 1, "LL26E0001");
  g_autoptr(LlRunResult) r = ll_engine_run(f->engine, 1, "LL26E0001", NULL);
  g_test_message("outcome %s %s", ll_outcome_name(r->outcome), r->message ? r->message : "");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  g_assert_nonnull(r->bin);
  g_assert_cmpstr(r->bin->name, ==, "GRADE-A"); /* 1.6-2 s of a 0-5 s window is well inside */
  g_assert_cmpstr(g_hash_table_lookup(r->unit_info, "part_number"), ==, "LL-800G-DR8");
  const LlMeasurement *t = find(r, "power_up_time");
  g_assert_true(t && t->judged);
  g_assert_cmpfloat(t->judgement.value, >, 1.5);
  g_assert_cmpint(t->judgement.verdict, ==, LL_VERDICT_PASS);
  g_assert_cmpuint(r->steps->len, ==, 4);
  g_assert_cmpfloat(module_current(f, 1), ==, 0.0); /* cleanup powered it down */
  g_assert_cmpstr(f->events->pdata[0], ==, "run-started - 0");
  g_assert_cmpstr(f->events->pdata[f->events->len - 1], ==, "run-finished - 0");
  /* the run took its instrument time on the virtual clock, none in real time to speak of */
  g_assert_cmpint(r->finished_us - r->started_us, >, 2700000);
}

static void
test_dut_fail(Fixture *f, gconstpointer d)
{
  /* the scanned serial is not the module's: IDENTITY, the main group skipped, cleanup run */
  ll_bench_insert(ll_station_bench(f->station), 1, "LL26E0002");
  g_autoptr(LlRunResult) r = ll_engine_run(f->engine, 1, "LL26E9999", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "IDENTITY");
  g_assert_cmpstr(r->bin->instructions, ==, "put in tray F2");
  const LlStepResult *act = r->steps->pdata[2];
  g_assert_cmpstr(act->step_id, ==, "activate");
  g_assert_cmpint(act->verdict, ==, LL_STEP_SKIPPED);
  const LlStepResult *down = r->steps->pdata[3];
  g_assert_cmpint(down->verdict, ==, LL_STEP_PASS);
  g_assert_cmpfloat(module_current(f, 1), ==, 0.0);
}

static void
test_corrupt_eeprom(void)
{
  Fixture f = { 0 };
  setup_with(&f, "defects = none", "defects = corrupt-eeprom=1");
  ll_bench_insert(ll_station_bench(f.station), 2, "LL26E0003");
  g_autoptr(LlRunResult) r = ll_engine_run(f.engine, 2, "LL26E0003", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "IDENTITY");
  const LlMeasurement *c = find(r, "checksums_ok");
  g_assert_true(c && c->judgement.verdict == LL_VERDICT_FAIL);
  fixture_teardown(&f, NULL);
}

static void
test_empty_fixture_is_error(Fixture *f, gconstpointer d)
{
  /* no module in site 1: the station cannot test, so ERROR and no bin */
  g_autoptr(LlRunResult) r = ll_engine_run(f->engine, 1, "LL26E0004", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
  g_assert_null(r->bin);
  g_assert_nonnull(strstr(r->message, "no module in the fixture"));
}

static void
test_instrument_fault_is_error(void)
{
  /* the EVB stops answering in the middle of the run */
  for (guint after = 5; after <= 80; after += 15) {
    Fixture f = { 0 };
    g_autofree gchar *res = g_strdup_printf("sim:evb?bench=engine&site=1&fault=noreply&after=%u&timeout=500", after);
    setup_with(&f, "sim:evb?bench=engine&site=1", res);
    ll_bench_insert(ll_station_bench(f.station), 1, "LL26E0005");
    g_autoptr(LlRunResult) r = ll_engine_run(f.engine, 1, "LL26E0005", NULL);
    g_test_message("fault after %u commands: %s %s", after, ll_outcome_name(r->outcome),
                   r->message ? r->message : "");
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
    g_assert_null(r->bin);
    fixture_teardown(&f, NULL);
  }
}

static void
test_abort(Fixture *f, gconstpointer d)
{
  ll_bench_insert(ll_station_bench(f->station), 1, "LL26E0006");
  f->cancel_at = "activate";
  g_autoptr(LlRunResult) r = ll_engine_run(f->engine, 1, "LL26E0006", f->cancel);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ABORTED);
  g_assert_null(r->bin);
  const LlStepResult *down = r->steps->pdata[r->steps->len - 1];
  g_assert_cmpstr(down->step_id, ==, "power-down");
  g_assert_cmpint(down->verdict, ==, LL_STEP_PASS);
  g_assert_cmpfloat(module_current(f, 1), ==, 0.0);
}

static void
test_two_sites(Fixture *f, gconstpointer d)
{
  ll_bench_insert(ll_station_bench(f->station), 1, "LL26E0007");
  ll_bench_insert(ll_station_bench(f->station), 2, "LL26E0008");
  guint sites[] = { 1, 2 };
  const char *serials[] = { "LL26E0007", "LL26E0008" };
  gint64 t0 = ll_clock_now(ll_station_get_clock(f->station));
  g_autoptr(GPtrArray) results = ll_engine_run_sites(f->engine, sites, serials, 2, NULL);
  gint64 took = ll_clock_now(ll_station_get_clock(f->station)) - t0;
  for (guint i = 0; i < 2; i++) {
    const LlRunResult *r = results->pdata[i];
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
    g_assert_cmpuint(r->site, ==, sites[i]);
  }
  /* the sites share nothing here, so they overlap: less than two units' time */
  const LlRunResult *r0 = results->pdata[0];
  g_assert_cmpint(took, <, 2 * (r0->finished_us - r0->started_us));
}

/* A step that overruns its timeout_s is an ERROR at its timeout (a 30 s
 * soak stopped at 2 s), the next main steps are skipped, cleanup runs. */
static void
test_step_timeout(void)
{
  Fixture f = { 0 };
  setup_seq(&f, "timeout.yaml", NULL, NULL);
  ll_bench_insert(ll_station_bench(f.station), 1, "LL26E0009");
  g_autoptr(LlRunResult) r = ll_engine_run(f.engine, 1, "LL26E0009", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
  g_assert_null(r->bin);
  g_assert_nonnull(strstr(r->message, "soak: took longer than its timeout_s of 2 s"));
  const LlStepResult *soak = NULL, *after = NULL, *down = NULL;
  for (guint i = 0; i < r->steps->len; i++) {
    const LlStepResult *st = r->steps->pdata[i];
    if (g_str_equal(st->step_id, "soak"))
      soak = st;
    else if (g_str_equal(st->step_id, "after"))
      after = st;
    else if (g_str_equal(st->step_id, "power-down"))
      down = st;
  }
  g_assert_nonnull(soak);
  g_assert_cmpint(soak->verdict, ==, LL_STEP_ERROR);
  g_assert_cmpint(soak->finished_us - soak->started_us, >=, 2000000);
  g_assert_cmpint(soak->finished_us - soak->started_us, <, 2200000);
  g_assert_cmpint(after->verdict, ==, LL_STEP_SKIPPED);
  g_assert_cmpint(down->verdict, ==, LL_STEP_PASS);
  g_assert_cmpfloat(module_current(&f, 1), ==, 0.0);
  fixture_teardown(&f, NULL);
}

/* An instrument past its calibration due date: the run is an ERROR that
 * names it and the date, and no step touches anything (the module is never
 * powered). Before the date the same station passes the check. */
static void
test_expired_calibration(void)
{
  Fixture f = { 0 };
  setup_with(&f, "resource = sim:evb?bench=engine&site=1",
             "resource = sim:evb?bench=engine&site=1\ncal-due = 2020-01-31\ncal-cert = EVB-CAL-7");
  ll_bench_insert(ll_station_bench(f.station), 1, "LL26E0010");
  GDate before;
  g_date_set_dmy(&before, 31, G_DATE_JANUARY, 2020);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_engine_check_calibration(f.engine, 1, &before, &err));
  g_date_add_days(&before, 1);
  g_assert_false(ll_engine_check_calibration(f.engine, 1, &before, &err));
  g_assert_error(err, LL_ENGINE_ERROR, LL_ENGINE_ERROR_CALIBRATION);
  /* site 2 has its own EVB, within calibration */
  g_assert_true(ll_engine_check_calibration(f.engine, 2, &before, NULL));

  g_autoptr(LlRunResult) r = ll_engine_run(f.engine, 1, "LL26E0010", NULL);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
  g_assert_null(r->bin);
  g_assert_nonnull(strstr(r->message, "evb 'evb1' was due for calibration on 2020-01-31 "
                                      "(certificate EVB-CAL-7)"));
  g_assert_cmpuint(r->measurements->len, ==, 0);
  for (guint i = 0; i < r->steps->len; i++)
    g_assert_cmpint(((LlStepResult *) r->steps->pdata[i])->verdict, ==, LL_STEP_SKIPPED);
  /* the EVB was never even opened, and the module's supply stayed off */
  g_assert_null(ll_instrument_idn(ll_station_instrument(f.station, "evb1")));
  LlBench *b = ll_station_bench(f.station);
  ll_bench_lock(b);
  g_assert_false(ll_bench_fixture_outputs(b, 1)->power);
  ll_bench_unlock(b);
  g_assert_cmpfloat(module_current(&f, 1), ==, 0.0);
  fixture_teardown(&f, NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/engine/pass", test_pass);
  ADD("/engine/dut-fail", test_dut_fail);
  ADD("/engine/empty-fixture", test_empty_fixture_is_error);
  ADD("/engine/abort", test_abort);
  ADD("/engine/two-sites", test_two_sites);
  g_test_add_func("/engine/corrupt-eeprom", test_corrupt_eeprom);
  g_test_add_func("/engine/instrument-fault", test_instrument_fault_is_error);
  g_test_add_func("/engine/step-timeout", test_step_timeout);
  g_test_add_func("/engine/expired-calibration", test_expired_calibration);
  return g_test_run();
}
