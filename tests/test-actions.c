/* test-actions.c: the EVB, transmitter, receiver and monitor actions, run
 * through the engine (ll_sequence_check_file + ll_engine_run) on the
 * simulated station of tests/data/actions/, and judged against the bench's
 * physics: every value an action reports is compared with what the module
 * twin and the bench's optical paths say it must be.
 *
 * The sequences leave the module powered (no cleanup) so the test can ask
 * the bench about the lit lanes afterwards; the true path losses (which the
 * station only estimates with tx_path_offset and rx_path_offset) come from
 * the bench: the TX loss as launch power minus the power at the meter port,
 * the RX offset by inverting the twin's BER curve at a known attenuation.
 *
 * Defect units (weak-lane, poor-sensitivity, monitor-error,
 * power-over-class) FAIL in the bin of the step that should catch them, on
 * the defect's lane only; a BERT that stops answering makes the run ERROR,
 * never PASS or FAIL; an abort ends ABORTED; the attenuator is left high and
 * the generators off. Everything runs on the bench's virtual clock. */
#include "ll-engine.h"
#include "ll-station-config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SAFE_ATTENUATION_DB 40.0 /* what the RX actions leave the attenuator at */
#define TX_PATH_OFFSET_DB 4.4    /* the actions' defaults */
#define RX_PATH_OFFSET_DB 12.0
#define REF_ER_DB 5.0

typedef struct {
  LlStation *station;
  LlBench *bench;
  LlSequence *seq;
  GPtrArray *tables;
  LlEngine *engine;
  GCancellable *cancel;
  const char *cancel_step; /* a step whose start on cancel_lane cancels the run */
  guint cancel_lane;
} Fixture;

static gchar *
data(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "actions", name, NULL);
}

static void
on_event(const LlEvent *ev, gpointer user_data)
{
  Fixture *f = user_data;
  if (ev->kind == LL_EVENT_STEP_STARTED && f->cancel_step &&
      g_str_equal(ev->step->id, f->cancel_step) && ev->lane == f->cancel_lane)
    g_cancellable_cancel(f->cancel);
}

/* Opens the station file with @from replaced by @to (when not NULL) and
 * the sequence @sequence; the engine listens for cancel_step. */
static void
open_with(Fixture *f, const char *sequence, const char *from, const char *to)
{
  g_autofree gchar *path = data("station.ini");
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  if (from)
    g_assert_cmpuint(g_string_replace(s, from, to, 0), >, 0);
  g_autofree gchar *tmp = NULL;
  int fd = g_file_open_tmp("ll-actions-XXXXXX.ini", &tmp, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(tmp, s->str, -1, NULL));
  g_autoptr(GError) err = NULL;
  LlStationConfig *cfg = ll_station_config_load(tmp, NULL, &err);
  g_assert_no_error(err);
  remove(tmp);
  f->station = ll_station_open(cfg, &err);
  g_assert_no_error(err);
  f->bench = ll_station_bench(f->station);
  g_assert_nonnull(f->bench);

  g_autofree gchar *seq = data(sequence);
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  gboolean ok = ll_sequence_check_file(seq, ll_actions_catalog(), diags, &f->seq, &f->tables);
  g_autofree gchar *msgs = ll_diag_list_format(diags);
  if (!ok)
    g_test_message("%s", msgs);
  g_assert_true(ok);
  f->engine = ll_engine_new(f->station, f->seq, f->tables);
  f->cancel = g_cancellable_new();
  ll_engine_add_listener(f->engine, on_event, f);
}

static void
close_all(Fixture *f)
{
  ll_engine_free(f->engine);
  ll_sequence_free(f->seq);
  g_ptr_array_unref(f->tables);
  ll_station_close(f->station);
  g_object_unref(f->cancel);
  ll_bench_forget_all();
  memset(f, 0, sizeof *f);
}

/* Puts @serial in @site and runs the sequence on it. */
static LlRunResult *
run_unit(Fixture *f, guint site, const char *serial)
{
  g_assert_true(ll_bench_insert(f->bench, site, serial));
  LlRunResult *r = ll_engine_run(f->engine, site, serial, f->cancel);
  g_test_message("%s site %u: %s%s%s%s%s", serial, site, ll_outcome_name(r->outcome),
                 r->bin ? " bin " : "", r->bin ? r->bin->name : "", r->message ? ": " : "",
                 r->message ? r->message : "");
  return r;
}

static const LlMeasurement *
find(const LlRunResult *r, const char *step, const char *name, guint lane)
{
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if (g_str_equal(m->step_id, step) && g_str_equal(m->name, name) && m->lane == lane)
      return m;
  }
  return NULL;
}

static double
number(const LlRunResult *r, const char *step, const char *name, guint lane)
{
  const LlMeasurement *m = find(r, step, name, lane);
  if (!m)
    g_error("no %s of step %s lane %u", name, step, lane);
  g_assert_cmpint(m->value.type, ==, LL_VALUE_NUMBER);
  return m->value.number;
}

static gboolean
boolean(const LlRunResult *r, const char *step, const char *name, guint lane)
{
  const LlMeasurement *m = find(r, step, name, lane);
  if (!m)
    g_error("no %s of step %s lane %u", name, step, lane);
  g_assert_cmpint(m->value.type, ==, LL_VALUE_BOOLEAN);
  return m->value.boolean;
}

static const LlStepResult *
step_result(const LlRunResult *r, const char *step, guint lane)
{
  for (guint i = 0; i < r->steps->len; i++) {
    const LlStepResult *s = r->steps->pdata[i];
    if (g_str_equal(s->step_id, step) && s->lane == lane)
      return s;
  }
  g_error("no result of step %s lane %u", step, lane);
}

#define assert_near(a, b, tol)                                                                 \
  G_STMT_START {                                                                               \
    double a_ = (a), b_ = (b);                                                                 \
    if (!(fabs(a_ - b_) <= (tol)))                                                             \
      g_error("%s = %.4f, %s = %.4f: differ by more than %g", #a, a_, #b, b_, (double) (tol)); \
  } G_STMT_END

/* ---- the bench's truth (each takes the bench lock) ---- */

static guint
channel(guint site, guint lane)
{
  return (site - 1) * 8 + lane;
}

/* The module twin in @site (valid while the module stays inserted). */
static const LlTwin *
twin(Fixture *f, guint site)
{
  ll_bench_lock(f->bench);
  LlModuleSim *m = ll_bench_module(f->bench, site);
  g_assert_nonnull(m);
  const LlTwin *t = ll_module_sim_twin(m);
  ll_bench_unlock(f->bench);
  return t;
}

static double
case_c(Fixture *f, guint site)
{
  ll_bench_lock(f->bench);
  double c = ll_module_sim_case_temperature(ll_bench_module(f->bench, site));
  ll_bench_unlock(f->bench);
  return c;
}

/* True power at the meter's TX port with switch section 1 on @lane. */
static double
tx_port_dbm(Fixture *f, guint site, guint lane)
{
  ll_bench_lock(f->bench);
  guint old = ll_bench_switch_get(f->bench, 1);
  ll_bench_switch_set(f->bench, 1, channel(site, lane));
  double p = ll_bench_port_power_dbm(f->bench, LL_BENCH_PORT_TX);
  ll_bench_switch_set(f->bench, 1, old);
  ll_bench_unlock(f->bench);
  return p;
}

/* The lane's launch power (the twin's). */
static double
launch_dbm(Fixture *f, guint site, guint lane)
{
  return ll_twin_tx_power_dbm(twin(f, site), lane - 1, case_c(f, site));
}

/* The true offset from the reference meter's port to the receiver of
 * @lane: the attenuator is set where the lane's BER is measurable, the
 * twin's BER curve inverted for the OMA the receiver gets, and that
 * compared with the reference port's power. The module must be up. */
static double
true_rx_offset(Fixture *f, guint site, guint lane)
{
  const LlTwin *t = twin(f, site);
  double c = case_c(f, site);
  ll_bench_lock(f->bench);
  guint ch = channel(site, lane);
  guint old_sw = ll_bench_switch_get(f->bench, 2);
  double old_db = ll_bench_voa_attenuation(f->bench);
  gboolean old_on = ll_bench_voa_enabled(f->bench);
  ll_bench_switch_set(f->bench, 2, ch);
  double ber = 0;
  for (double db = 0; db < 30; db += 0.25) {
    ll_bench_voa_set(f->bench, db, TRUE);
    ber = ll_bench_bert_ber(f->bench, ch, "PRBS31Q");
    if (ber > 1e-9)
      break;
  }
  g_assert_cmpfloat(ber, >, 1e-9);
  g_assert_cmpfloat(ber, <, 0.1);
  double lo = -30, hi = 10;
  for (int i = 0; i < 200; i++) {
    double mid = (lo + hi) / 2;
    if (ll_twin_ber(t, lane - 1, mid, c) > ber)
      lo = mid;
    else
      hi = mid;
  }
  double received_avg = (lo + hi) / 2 - (ll_oma_dbm(0, REF_ER_DB));
  double ref = ll_bench_port_power_dbm(f->bench, LL_BENCH_PORT_RX);
  ll_bench_switch_set(f->bench, 2, old_sw);
  ll_bench_voa_set(f->bench, old_db, old_on);
  ll_bench_unlock(f->bench);
  return received_avg - ref;
}

static void
assert_left_safe(Fixture *f)
{
  ll_bench_lock(f->bench);
  for (guint ch = 1; ch <= LL_BENCH_CHANNELS; ch++)
    g_assert_false(ll_bench_bert_generator(f->bench, ch, NULL));
  g_assert_true(!ll_bench_voa_enabled(f->bench) ||
                ll_bench_voa_attenuation(f->bench) >= SAFE_ATTENUATION_DB);
  ll_bench_unlock(f->bench);
}

/* The lanes (bit n-1 for lane n) whose judged @name failed in @step. */
static guint32
failed_lanes(const LlRunResult *r, const char *step, const char *name)
{
  guint32 lanes = 0;
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if (g_str_equal(m->step_id, step) && g_str_equal(m->name, name) && m->judged &&
        m->judgement.verdict == LL_VERDICT_FAIL)
      lanes |= 1u << (m->lane - 1);
  }
  return lanes;
}

/* ---- tests ---- */

static void
test_catalog(void)
{
  g_autoptr(GError) err = NULL;
  ll_action_catalog_check(ll_actions_catalog(), &err);
  g_assert_no_error(err);
  static const struct {
    const char *name;
    gboolean lane_action;
  } expected[] = {
    { "evb.supply", FALSE },       { "module.check-flags", FALSE },
    { "module.check-lane-flags", TRUE }, { "tx.average-power", TRUE },
    { "tx.eye", TRUE },            { "rx.ber", TRUE },
    { "rx.sensitivity", TRUE },    { "ddm.compare", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
    const LlAction *a = ll_actions_lookup(expected[i].name);
    g_assert_nonnull(a);
    g_assert_cmpint(a->spec.lane_action, ==, expected[i].lane_action);
    g_assert_nonnull(a->spec.summary);
    for (const LlParamSpec *p = a->spec.params; p && p->name; p++)
      g_assert_nonnull(p->summary);
    for (const LlMeasurementSpec *m = a->spec.measurements; m->name; m++) {
      g_assert_nonnull(m->summary);
      /* a lane action's values are per lane, or the engine would look for them at lane 0 */
      if (a->spec.lane_action)
        g_assert_true(m->per_lane);
    }
  }
}

static void
test_tx(void)
{
  Fixture f = { 0 };
  open_with(&f, "tx.yaml", NULL, NULL);
  /* site 2: the lane's channel is 8 + lane */
  g_autoptr(LlRunResult) r = run_unit(&f, 2, "LL26T0101");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  double c = case_c(&f, 2);
  const LlTwin *t = twin(&f, 2);
  for (guint lane = 1; lane <= 8; lane++) {
    double port = tx_port_dbm(&f, 2, lane);
    double raw = number(r, "tx-power-raw", "tx_power_avg", lane);
    double avg = number(r, "tx-power", "tx_power_avg", lane);
    /* the meter reads the port (noise ~0.005 dB at these averaging times) */
    assert_near(raw, port, 0.03);
    assert_near(avg, port + TX_PATH_OFFSET_DB, 0.03);
    /* and the launch power to within what the nominal path offset is off by */
    double loss = launch_dbm(&f, 2, lane) - port;
    g_assert_cmpfloat(loss, >, 4.0 - 1e-9);
    g_assert_cmpfloat(loss, <, 4.8 + 1e-9);
    assert_near(avg, launch_dbm(&f, 2, lane), 0.45);

    /* the eye: the scope sees the port; its noise is 0.05 dB per result */
    double er = ll_twin_er_db(t, lane - 1, c);
    g_assert_true(boolean(r, "eye", "eye_measured", lane));
    assert_near(number(r, "eye", "extinction_ratio", lane), er, 0.25);
    assert_near(number(r, "eye", "tdecq", lane), ll_twin_tdecq_db(t, lane - 1, c), 0.25);
    double oma = number(r, "eye", "oma_outer", lane);
    assert_near(oma, ll_oma_dbm(port, er) + TX_PATH_OFFSET_DB, 0.25);
    assert_near(number(r, "eye", "oma_minus_tdecq", lane),
                oma - number(r, "eye", "tdecq", lane), 1e-9);
  }
  assert_left_safe(&f);
  close_all(&f);
}

static void
test_weak_lane(void)
{
  Fixture f = { 0 };
  open_with(&f, "tx.yaml", "defects = none", "defects = weak-lane=1");
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0102");
  const LlTwin *t = twin(&f, 1);
  g_assert_true(ll_twin_has(t, LL_DEFECT_WEAK_LANE));
  guint weak = t->defect_lane + 1;
  g_test_message("weak lane %u: launch %.2f dBm", weak, launch_dbm(&f, 1, weak));
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "TX-POWER");
  g_assert_cmphex(failed_lanes(r, "tx-power", "tx_power_avg"), ==, 1u << (weak - 1));
  assert_near(number(r, "tx-power", "tx_power_avg", weak),
              tx_port_dbm(&f, 1, weak) + TX_PATH_OFFSET_DB, 0.03);
  /* the eye step ran on (on_fail: continue) and failed the lane's OMA too; TX-POWER
   * outranks TX-EYE */
  g_assert_cmphex(failed_lanes(r, "eye", "oma_outer"), ==, 1u << (weak - 1));
  g_assert_cmpint(step_result(r, "eye", weak)->verdict, ==, LL_STEP_FAIL);
  close_all(&f);
}

static void
test_dead_lane(void)
{
  /* a lane that emits nothing is the DUT's failure, never a station fault */
  Fixture f = { 0 };
  open_with(&f, "tx.yaml", "defects = none", "defects = dead-lane=1");
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0113");
  const LlTwin *t = twin(&f, 1);
  g_assert_true(ll_twin_has(t, LL_DEFECT_DEAD_LANE));
  guint dead = t->defect_lane + 1;
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "TX-POWER");
  /* the meter reads its dark floor; the scope cannot measure an eye */
  g_assert_cmphex(failed_lanes(r, "tx-power", "tx_power_avg"), ==, 1u << (dead - 1));
  g_assert_cmpfloat(number(r, "tx-power", "tx_power_avg", dead), <, -40);
  g_test_message("eye lane %u: %s", dead, step_result(r, "eye", dead)->message);
  g_assert_false(boolean(r, "eye", "eye_measured", dead));
  g_assert_null(find(r, "eye", "oma_outer", dead));
  g_assert_cmpint(step_result(r, "eye", dead)->verdict, ==, LL_STEP_FAIL);
  if (dead > 1) /* (the lanes after it were skipped: the eye step stops on a failure) */
    g_assert_true(boolean(r, "eye", "eye_measured", dead - 1));
  assert_left_safe(&f);
  close_all(&f);
}

static void
test_ber_high(void)
{
  Fixture f = { 0 };
  open_with(&f, "ber.yaml", NULL, NULL);
  g_autoptr(LlRunResult) r = run_unit(&f, 2, "LL26T0103");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  double rate = ll_product_lookup("800G-DR8")->lane_gbps * 1e9;
  for (guint lane = 1; lane <= 8; lane++) {
    double set = number(r, "ber", "rx_power_set", lane);
    assert_near(set, -3.0, 0.1);
    /* the twin's BER where the lane's receiver truly is: far below the target */
    double oma = ll_oma_dbm(set - RX_PATH_OFFSET_DB + true_rx_offset(&f, 2, lane), REF_ER_DB);
    g_assert_cmpfloat(ll_twin_ber(twin(&f, 2), lane - 1, oma, case_c(&f, 2)), <, 1e-10);
    g_assert_true(boolean(r, "ber", "ber_verdict_pass", lane));
    double bits = number(r, "ber", "ber_bits", lane);
    double errors = number(r, "ber", "ber_errors", lane);
    g_assert_cmpfloat(errors, <=, 5);
    g_assert_cmpfloat(number(r, "ber", "ber", lane), ==, errors / bits);
    /* decided at the first look, 100 ms in: 3.00 / 2.4e-4 bits were enough */
    g_assert_cmpfloat(bits, >=, 3.0 / 2.4e-4);
    g_assert_cmpfloat(bits, <=, rate * 0.11);
    double upper = number(r, "ber", "ber_upper", lane);
    if (errors == 0)
      assert_near(upper, 2.9957 / bits, 1e-3 / bits); /* -ln(5 %) expected errors */
    g_assert_cmpfloat(upper, >, errors / bits);
    g_assert_cmpfloat(upper, <, 2.4e-4);
  }
  assert_left_safe(&f);
  close_all(&f);
}

static void
test_ber_low(void)
{
  Fixture f = { 0 };
  open_with(&f, "ber-low.yaml", NULL, NULL);
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0104");
  /* a DUT verdict, not a station fault */
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "RX-BER");
  /* lane 2 at -8 dBm: synchronised, the BER is the twin's at the lane's true OMA */
  double set = number(r, "ber-mid", "rx_power_set", 2);
  assert_near(set, -8.0, 0.1);
  double oma = ll_oma_dbm(set - RX_PATH_OFFSET_DB + true_rx_offset(&f, 1, 2), REF_ER_DB);
  double truth = ll_twin_ber(twin(&f, 1), 1, oma, case_c(&f, 1));
  double ber = number(r, "ber-mid", "ber", 2);
  g_test_message("lane 2: BER %.4e, twin %.4e", ber, truth);
  g_assert_cmpfloat(truth, >, 2.4e-4);
  g_assert_cmpfloat(fabs(ber / truth - 1), <, 0.05);
  g_assert_cmpfloat(number(r, "ber-mid", "ber_upper", 2), >, ber);
  g_assert_cmpfloat(number(r, "ber-mid", "ber_upper", 2), <, ber * 1.001);
  g_assert_false(boolean(r, "ber-mid", "ber_verdict_pass", 2));
  /* lane 3 at -13 dBm: the detector cannot synchronise: BER 0.5 */
  g_assert_cmpfloat(number(r, "ber-los", "ber", 3), ==, 0.5);
  g_assert_false(boolean(r, "ber-los", "ber_verdict_pass", 3));
  g_assert_cmpint(step_result(r, "ber-los", 3)->verdict, ==, LL_STEP_FAIL);
  assert_left_safe(&f);
  close_all(&f);
}

/* Checks each lane's sensitivity against the twin's; returns the lanes that failed their limit. */
static guint32
check_sensitivity(Fixture *f, const LlRunResult *r, guint site)
{
  double worst = 0;
  for (guint lane = 1; lane <= 8; lane++) {
    g_assert_true(boolean(r, "sens", "sensitivity_found", lane));
    double s = number(r, "sens", "sensitivity", lane);
    /* the station's OMA is the estimate's: off by the path offset's error */
    double offset_error = RX_PATH_OFFSET_DB - true_rx_offset(f, site, lane);
    double truth = ll_twin_sensitivity_dbm(twin(f, site), lane - 1, case_c(f, site));
    g_test_message("lane %u: sensitivity %.3f dBm, twin %.3f dBm, estimate off by %.3f dB", lane,
                   s, truth, offset_error);
    assert_near(s, truth + offset_error, 0.1);
    worst = MAX(worst, fabs(s - truth - offset_error));
    /* every point visited is in the record: a coarse sweep and a bisection */
    const LlStepResult *res = step_result(r, "sens", lane);
    guint points = 0;
    for (guint i = 0; i < res->notes->len; i++)
      points += strstr(res->notes->pdata[i], " point ") != NULL;
    g_assert_cmpuint(points, >=, 5);
  }
  g_test_message("worst sensitivity error %.3f dB", worst);
  return failed_lanes(r, "sens", "sensitivity");
}

static void
test_sensitivity(void)
{
  Fixture f = { 0 };
  open_with(&f, "sensitivity.yaml", NULL, NULL);
  g_autoptr(LlRunResult) r = run_unit(&f, 2, "LL26T0105");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  g_assert_cmphex(check_sensitivity(&f, r, 2), ==, 0);
  assert_left_safe(&f);
  close_all(&f);
}

static void
test_poor_sensitivity(void)
{
  Fixture f = { 0 };
  open_with(&f, "sensitivity.yaml", "defects = none", "defects = poor-sensitivity=1");
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0106");
  const LlTwin *t = twin(&f, 1);
  g_assert_true(ll_twin_has(t, LL_DEFECT_POOR_SENSITIVITY));
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "SENSITIVITY");
  g_assert_cmphex(check_sensitivity(&f, r, 1), ==, 1u << t->defect_lane);
  close_all(&f);
}

static void
test_ddm(gconstpointer defect)
{
  Fixture f = { 0 };
  g_autofree gchar *mix = defect ? g_strdup_printf("defects = %s=1", (const char *) defect) : NULL;
  open_with(&f, "ddm.yaml", mix ? "defects = none" : NULL, mix);
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0107");
  const LlTwin *t = twin(&f, 1);
  if (defect) {
    g_assert_true(ll_twin_has(t, LL_DEFECT_MONITOR_ERROR));
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
    g_assert_cmpstr(r->bin->name, ==, "DDM");
    /* every lane's monitors are 4-6 dB off */
    g_assert_cmphex(failed_lanes(r, "ddm", "tx_power_monitor_error"), ==, 0xFF);
    g_assert_cmphex(failed_lanes(r, "ddm", "rx_power_monitor_error"), ==, 0xFF);
  } else {
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  }
  for (guint lane = 1; lane <= 8; lane++) {
    /* monitor = truth + its error; reference = truth + what the nominal offset is off by */
    double tx_loss = launch_dbm(&f, 1, lane) - tx_port_dbm(&f, 1, lane);
    assert_near(number(r, "ddm", "tx_power_monitor_error", lane),
                t->lane[lane - 1].txmon_error_db + tx_loss - TX_PATH_OFFSET_DB, 0.06);
    assert_near(number(r, "ddm", "rx_power_monitor_error", lane),
                t->lane[lane - 1].rxmon_error_db + true_rx_offset(&f, 1, lane) - RX_PATH_OFFSET_DB,
                0.06);
  }
  assert_near(number(r, "ddm", "temperature_monitor_error", 0),
              t->temp_rise_c + t->temp_mon_error_c, 0.3);
  assert_left_safe(&f);
  close_all(&f);
}

static void
test_evb(void)
{
  Fixture f = { 0 };
  open_with(&f, "evb.yaml", NULL, NULL);
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0108");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  const LlTwin *t = twin(&f, 1);
  double watts = number(r, "supply", "module_power", 0);
  assert_near(watts, ll_twin_power_w(t, case_c(&f, 1)), 0.03 * watts);
  assert_near(watts, number(r, "supply", "supply_voltage", 0) *
                       number(r, "supply", "supply_current", 0), 1e-9);
  assert_near(number(r, "supply", "supply_voltage", 0), 3.3, 0.1);
  g_assert_cmpfloat(number(r, "supply", "module_max_power", 0), ==, t->product->max_power_w);
  g_assert_false(boolean(r, "supply", "power_over_class", 0));
  g_assert_true(boolean(r, "flags", "module_flags_clear", 0));
  const LlMeasurement *state = find(r, "flags", "module_state", 0);
  g_assert_nonnull(state);
  g_assert_cmpstr(state->value.text, ==, "Ready");
  /* no light reaches any receiver (the attenuator was never opened) */
  for (guint lane = 1; lane <= 8; lane++) {
    g_assert_false(boolean(r, "lane-flags", "tx_fault", lane));
    g_assert_true(boolean(r, "lane-flags", "rx_los", lane));
  }

  /* light on lane 4 only: its LOS clears */
  ll_bench_lock(f.bench);
  ll_bench_voa_set(f.bench, 10.0, TRUE);
  ll_bench_switch_set(f.bench, 2, channel(1, 4));
  ll_bench_unlock(f.bench);
  g_autoptr(LlRunResult) lit = run_unit(&f, 1, "LL26T0108");
  g_assert_cmpint(lit->outcome, ==, LL_OUTCOME_PASS);
  for (guint lane = 1; lane <= 8; lane++)
    g_assert_cmpint(boolean(lit, "lane-flags", "rx_los", lane), ==, lane != 4);
  close_all(&f);
}

static void
test_power_over_class(void)
{
  Fixture f = { 0 };
  open_with(&f, "evb.yaml", "defects = none", "defects = power-over-class=1");
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0109");
  g_assert_true(ll_twin_has(twin(&f, 1), LL_DEFECT_POWER_OVER_CLASS));
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "POWER");
  g_assert_true(boolean(r, "supply", "power_over_class", 0));
  g_assert_cmpfloat(number(r, "supply", "module_power", 0), >,
                    number(r, "supply", "module_max_power", 0));
  close_all(&f);
}

static void
test_hot_flags(void)
{
  /* a case at 80 C puts the module above its 75 C temperature alarm */
  Fixture f = { 0 };
  open_with(&f, "evb.yaml", NULL, NULL);
  ll_bench_lock(f.bench);
  ll_bench_set_case_temperature(f.bench, 1, 80.0);
  ll_bench_unlock(f.bench);
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0110");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "FLAGS");
  g_assert_false(boolean(r, "flags", "module_flags_clear", 0));
  close_all(&f);
}

/* Runs fault.yaml with the BERT answering nothing after @after commands
 * (0: no fault); checks cleanup ran and the attenuator was left high. */
static LlRunResult *
run_bert_fault(guint after)
{
  Fixture f = { 0 };
  g_autofree gchar *res =
    after ? g_strdup_printf("sim:mp1900?bench=actions&fault=noreply&after=%u&timeout=500", after)
          : NULL;
  open_with(&f, "fault.yaml", res ? "sim:mp1900?bench=actions" : NULL, res);
  LlRunResult *r = run_unit(&f, 1, "LL26T0111");
  ll_bench_lock(f.bench);
  g_assert_cmpfloat(ll_module_sim_current_a(ll_bench_module(f.bench, 1)), ==, 0.0);
  g_assert_true(!ll_bench_voa_enabled(f.bench) ||
                ll_bench_voa_attenuation(f.bench) >= SAFE_ATTENUATION_DB);
  ll_bench_unlock(f.bench);
  close_all(&f);
  return r;
}

static void
test_bert_fault(void)
{
  /* without a fault the sequence passes, so an ERROR below is the fault's */
  g_autoptr(LlRunResult) good = run_bert_fault(0);
  g_assert_cmpint(good->outcome, ==, LL_OUTCOME_PASS);
  /* the BERT falls silent ever later, from its opening to past its last command */
  gboolean in_ber = FALSE, in_eye = FALSE;
  guint after;
  for (after = 1;; after += 11) {
    g_assert_cmpuint(after, <, 5000);
    g_autoptr(LlRunResult) r = run_bert_fault(after);
    if (r->outcome == LL_OUTCOME_PASS)
      break;
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ERROR);
    g_assert_null(r->bin);
    g_assert_nonnull(r->message);
    in_ber |= g_str_has_prefix(r->message, "ber lane");
    in_eye |= g_str_has_prefix(r->message, "eye lane");
  }
  /* the faults hit both actions; a fault after the last command changes nothing */
  g_assert_true(in_ber && in_eye);
  g_autoptr(LlRunResult) later = run_bert_fault(after + 50);
  g_assert_cmpint(later->outcome, ==, LL_OUTCOME_PASS);
}

static void
test_abort(void)
{
  Fixture f = { 0 };
  open_with(&f, "sensitivity.yaml", NULL, NULL);
  f.cancel_step = "sens";
  f.cancel_lane = 3;
  g_autoptr(LlRunResult) r = run_unit(&f, 1, "LL26T0112");
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_ABORTED);
  g_assert_null(r->bin);
  g_assert_true(boolean(r, "sens", "sensitivity_found", 2));
  g_assert_null(find(r, "sens", "sensitivity", 3));
  g_assert_cmpint(step_result(r, "sens", 4)->verdict, ==, LL_STEP_SKIPPED);
  assert_left_safe(&f);
  close_all(&f);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/actions/catalog", test_catalog);
  g_test_add_func("/actions/tx", test_tx);
  g_test_add_func("/actions/weak-lane", test_weak_lane);
  g_test_add_func("/actions/dead-lane", test_dead_lane);
  g_test_add_func("/actions/ber-high", test_ber_high);
  g_test_add_func("/actions/ber-low", test_ber_low);
  g_test_add_func("/actions/sensitivity", test_sensitivity);
  g_test_add_func("/actions/poor-sensitivity", test_poor_sensitivity);
  g_test_add_data_func("/actions/ddm", NULL, test_ddm);
  g_test_add_data_func("/actions/monitor-error", "monitor-error", test_ddm);
  g_test_add_func("/actions/evb", test_evb);
  g_test_add_func("/actions/power-over-class", test_power_over_class);
  g_test_add_func("/actions/hot-flags", test_hot_flags);
  g_test_add_func("/actions/bert-fault", test_bert_fault);
  g_test_add_func("/actions/abort", test_abort);
  return g_test_run();
}
