/* test-drivers-bert-scope.c: the BERT (anritsu-mp1900) and scope
 * (keysight-flexdca) drivers against their simulators through the sim:
 * transport, on a bench each test creates and publishes as "tb". The bench
 * runs on a virtual clock, so gating minutes of bench time costs nothing and
 * bit counts can be checked exactly.
 *
 * What is proven: generator and detector settings reach the instrument (read
 * back through the bench and the instrument); bad arguments fail before
 * anything is sent; gating counts rate x bench time exactly, STARt zeroes and
 * STOP freezes; a read with no compared bits is an error, never a BER of 0;
 * the bits are read before the errors, so a read during gating errs
 * pessimistic; without a signal the detector reports sync loss and counts
 * at BER 0.5, and a gate that lost sync for a moment reads as not
 * synchronised even when sync is back; two threads sharing one BERT keep
 * their channels apart; with a
 * Ready module (brought up through the EVB driver) the BER falls
 * monotonically as the attenuation falls and agrees with the bench's truth;
 * the scope's TDECQ / OMA / ER / power agree with the module twin and the
 * bench; a dark, unmodulated or not-acquired measurement is an error, never
 * a number, and so is a result in another unit than the driver set (changed
 * behind its back); and an instrument fault at any point of a transaction
 * is an error, never a value. */
#include "drivers/ll-bert.h"
#include "ll-action-spec.h"
#include "drivers/ll-evb.h"
#include "drivers/ll-module.h"
#include "drivers/ll-scope.h"
#include "sim/ll-bench.h"

#include <math.h>
#include <string.h>

#define BERT_RES "sim:mp1900?bench=tb"
#define SCOPE_RES "sim:flexdca?bench=tb"
#define SERIAL "LL26B0042"

typedef struct {
  LlBench *bench;
  LlClock *clock;
  double rate; /* lane bit rate, bit/s */
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.seed = 7;
  memset(&cfg.mix, 0, sizeof cfg.mix); /* no defects: the physics is the product's */
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish("tb", f->bench);
  f->clock = ll_bench_clock(f->bench);
  f->rate = ll_bench_lane_bit_rate(f->bench);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_bench_forget_all();
  ll_bench_unref(f->bench);
}

static LlBert *
bert_open_ok(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlBert *b = ll_bert_open("anritsu-mp1900", resource, &err);
  g_assert_no_error(err);
  g_assert_nonnull(b);
  return b;
}

static LlScope *
scope_open_ok(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlScope *s = ll_scope_open("keysight-flexdca", resource, &err);
  g_assert_no_error(err);
  g_assert_nonnull(s);
  return s;
}

static void
sleep_us(Fixture *f, gint64 us)
{
  ll_clock_sleep(f->clock, us);
}

/* Inserts a module in site 1 and brings it to Ready with every data path
 * activated, the way a station does: through the EVB driver. */
static void
module_ready(Fixture *f)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlEvb) evb = ll_evb_open("lightline-evb", "sim:evb?bench=tb&site=1", &err);
  g_assert_no_error(err);
  g_assert_true(ll_module_power_up(evb, f->clock, &err));
  g_assert_no_error(err);
  g_assert_true(ll_module_activate(evb, 1, 8, f->clock, &err));
  g_assert_no_error(err);
}

static const LlTwin *
twin(Fixture *f)
{
  return ll_module_sim_twin(ll_bench_module(f->bench, 1));
}

/* ---- BERT ---------------------------------------------------------------- */

static void
test_bert_open(Fixture *f, gconstpointer data)
{
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_assert_cmpstr(ll_bert_idn(b)->maker, ==, "ANRITSU");
  g_assert_cmpstr(ll_bert_idn(b)->model, ==, "MP1900A");
  g_assert_cmpuint(ll_bert_channels(b), ==, 8); /* one site: 8 lanes */

  g_autoptr(GError) err = NULL;
  g_assert_null(ll_bert_open("keysight-flexdca", BERT_RES, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_DRIVER);
  g_clear_error(&err);
  g_assert_null(ll_bert_open("no-such-driver", BERT_RES, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_DRIVER);
  g_clear_error(&err);
  /* a scope answering where a BERT should be */
  g_assert_null(ll_bert_open("anritsu-mp1900", SCOPE_RES, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_MODEL);
  g_assert_nonnull(strstr(err->message, "N1092D"));
  g_clear_error(&err);

  static const char *const patterns[] = { "PRBS31Q", "PRBS31", "PRBS23Q", "PRBS15Q", "PRBS13Q",
                                          "PRBS13", "PRBS9Q", "PRBS7Q", "SSPRQ", "ssprq" };
  for (gsize i = 0; i < G_N_ELEMENTS(patterns); i++)
    g_assert_true(ll_bert_pattern_valid(patterns[i]));
  /* every pattern a sequence may name, the BERT class can run */
  const char *const *names = ll_pattern_names();
  for (gsize i = 0; names[i]; i++)
    g_assert_true(ll_bert_pattern_valid(names[i]));
  g_assert_cmpuint(g_strv_length((gchar **) names), ==, 13);
  g_assert_false(ll_bert_pattern_valid("PRBS99"));
  g_assert_false(ll_bert_pattern_valid(""));
  g_assert_false(ll_bert_pattern_valid(NULL));
}

static void
test_bert_generator_detector(Fixture *f, gconstpointer data)
{
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_bert_set_generator(b, 3, "SSPRQ", TRUE, &err));
  g_assert_no_error(err);
  g_assert_true(ll_bert_set_generator(b, 5, "prbs13q", TRUE, &err));
  g_assert_true(ll_bert_set_generator(b, 5, "PRBS13Q", FALSE, &err));
  g_assert_no_error(err);

  ll_bench_lock(f->bench);
  const char *p = NULL;
  g_assert_true(ll_bench_bert_generator(f->bench, 3, &p));
  g_assert_cmpstr(p, ==, "SSPRQ");
  g_assert_false(ll_bench_bert_generator(f->bench, 5, &p));
  g_assert_cmpstr(p, ==, "PRBS13Q");
  for (guint ch = 1; ch <= 8; ch++)
    if (ch != 3 && ch != 5) {
      g_assert_false(ll_bench_bert_generator(f->bench, ch, &p));
      g_assert_cmpstr(p, ==, "PRBS31Q");
    }
  ll_bench_unlock(f->bench);

  /* the detector: read back from the instrument itself */
  g_assert_true(ll_bert_set_detector(b, 4, "PRBS9Q", &err));
  g_assert_true(ll_bert_set_detector(b, 6, "prbs7q", &err));
  g_assert_no_error(err);
  LlScpi *s = ll_bert_scpi(b);
  static const struct { guint ch; const char *det, *gen, *out; } expect[] = {
    { 4, "PRBS9Q", "PRBS31Q", "0" }, { 6, "PRBS7Q", "PRBS31Q", "0" },
    { 3, "PRBS31Q", "SSPRQ", "1" }, { 5, "PRBS31Q", "PRBS13Q", "0" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(expect); i++) {
    g_assert_true(ll_scpi_writef(s, &err, ":UENT:ID %u", expect[i].ch));
    g_autofree gchar *det = ll_scpi_query(s, ":SENS:PATT:TYPE?", &err);
    g_autofree gchar *gen = ll_scpi_query(s, ":SOUR:PATT:TYPE?", &err);
    g_autofree gchar *out = ll_scpi_query(s, ":OUTP:STAT?", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(det, ==, expect[i].det);
    g_assert_cmpstr(gen, ==, expect[i].gen);
    g_assert_cmpstr(out, ==, expect[i].out);
  }
}

static void
test_bert_bad_arguments(Fixture *f, gconstpointer data)
{
  /* opening takes three commands (*IDN?, *CLS, :UENT:COUN?); the device
   * vanishes on the fourth, so anything sent after would disconnect it */
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES "&fault=vanish&after=3");
  g_autoptr(GError) err = NULL;
  LlBertCounts c = { .bits = -1 };
  g_assert_false(ll_bert_set_generator(b, 1, "PRBS99", TRUE, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT);
  g_assert_nonnull(strstr(err->message, "PRBS99"));
  g_clear_error(&err);
  g_assert_false(ll_bert_set_detector(b, 1, "QPRBS13", &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_bert_set_generator(b, 0, "PRBS31Q", TRUE, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_bert_start(b, 9, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_bert_read(b, 9, &c, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_cmpfloat(c.bits, ==, -1);
  g_assert_false(ll_transport_is_disconnected(ll_scpi_get_transport(ll_bert_scpi(b))));
  /* and the fourth command does go out */
  g_assert_false(ll_bert_start(b, 1, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
}

static void
test_bert_gating(Fixture *f, gconstpointer data)
{
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  LlBertCounts c;
  g_assert_cmpfloat(f->rate, ==, 106.25e9);

  /* before any gating: nothing compared, so no BER at all (a BER of 0
   * would pass any limit) */
  c.bits = c.ber = -1;
  g_assert_false(ll_bert_read(b, 2, &c, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_NO_BITS);
  g_clear_error(&err);
  g_assert_cmpfloat(c.bits, ==, -1);
  g_assert_cmpfloat(c.ber, ==, -1);

  g_assert_true(ll_bert_set_detector(b, 2, "PRBS31Q", &err));
  g_assert_true(ll_bert_start(b, 2, &err));
  g_assert_no_error(err);
  sleep_us(f, 10 * G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 2, &c, &err));
  g_assert_no_error(err);
  g_assert_cmpfloat(c.bits, ==, 1062500000000.0); /* 106.25 Gb/s x 10 s, exactly */
  /* no module in the fixture: no signal, so no sync and errors at BER 0.5 */
  g_assert_false(c.sync);
  g_assert_cmpfloat(c.ber, ==, c.errors / c.bits);
  g_assert_cmpfloat(fabs(c.errors - c.bits / 2), <, 6 * sqrt(c.bits / 4)); /* 6 sigma */
  g_assert_cmpfloat(c.errors, !=, c.bits / 2); /* a draw, not the mean */

  /* gating goes on: an odd time, still exact */
  sleep_us(f, 1234567);
  g_assert_true(ll_bert_read(b, 2, &c, &err));
  g_assert_cmpfloat(c.bits, ==, 106250.0 * 11234567.0);
  double errors_before = c.errors;

  /* STOP freezes the counts */
  g_assert_true(ll_bert_stop(b, 2, &err));
  g_assert_no_error(err);
  LlBertCounts at_stop, later;
  g_assert_true(ll_bert_read(b, 2, &at_stop, &err));
  g_assert_cmpfloat(at_stop.bits, ==, c.bits);
  g_assert_cmpfloat(at_stop.errors, ==, errors_before);
  /* the instrument's own error rate agrees (it prints 5 digits) */
  LlScpi *s = ll_bert_scpi(b);
  double er = 0;
  g_assert_true(ll_scpi_write(s, ":UENT:ID 2", &err));
  g_assert_true(ll_scpi_query_double(s, ":CALC:DATA:EAL? \"CURRENT:ER:TOTAL\"", &er, &err));
  g_assert_no_error(err);
  g_assert_cmpfloat(fabs(er / at_stop.ber - 1), <, 1e-4);
  sleep_us(f, 30 * G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 2, &later, &err));
  g_assert_cmpfloat(later.bits, ==, at_stop.bits);
  g_assert_cmpfloat(later.errors, ==, at_stop.errors);

  /* the other channels never counted */
  g_assert_false(ll_bert_read(b, 1, &c, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_NO_BITS);
  g_clear_error(&err);

  /* STARt zeroes: read at once, nothing compared yet */
  g_assert_true(ll_bert_start(b, 2, &err));
  g_assert_false(ll_bert_read(b, 2, &c, &err));
  g_assert_error(err, LL_BERT_ERROR, LL_BERT_ERROR_NO_BITS);
  g_clear_error(&err);
  g_assert_cmpfloat(c.bits, ==, 106250.0 * 11234567.0); /* untouched */
  sleep_us(f, 1000);
  g_assert_true(ll_bert_read(b, 2, &c, &err));
  g_assert_cmpfloat(c.bits, ==, 106250000.0);
}

/* While gating runs, the counts keep growing between the queries of one
 * read: the compared bits are read first, so the errors cover at least the
 * bits' interval and the BER comes out pessimistic, never optimistic. Each
 * reply here comes 100 ms of bench time after its query (delay=100), so the
 * order shows: at the bench's BER of 0.5 (no signal), bits first gives
 * 0.6 / 1.1 = 0.545, errors first would give 0.55 / 1.2 = 0.458. */
static void
test_bert_pessimistic_order(Fixture *f, gconstpointer data)
{
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES "&delay=100");
  g_autoptr(GError) err = NULL;
  LlBertCounts c;
  g_assert_true(ll_bert_start(b, 1, &err)); /* its SYST:ERR? reply ends 100 ms after STARt */
  g_assert_no_error(err);
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_no_error(err);
  g_test_message("%.0f errors in %.0f bits: BER %.4f", c.errors, c.bits, c.ber);
  g_assert_false(c.sync);
  g_assert_cmpfloat(c.ber, >, 0.5); /* never below the true 0.5 */
  g_assert_cmpfloat(fabs(c.ber - 0.6 / 1.1), <, 1e-3);
  g_assert_cmpfloat(c.bits, ==, floor(f->rate * 1.1e6 / 1e6)); /* as of its query, 1.1 s in */
}

/* Synchronisation lost for a moment during the gate and back by the time
 * the counts are read: the detector is synchronised when asked, but the
 * gate was compromised, and the counts say so (sync FALSE, sync_lost TRUE)
 * until the next STARt. */
static void
test_bert_sync_lost_during_gate(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 1); /* the reference signal to site 1 lane 1 */
  ll_bench_voa_set(f->bench, 0.0, TRUE);
  ll_bench_unlock(f->bench);
  g_assert_true(ll_bert_set_detector(b, 1, "PRBS31Q", &err));
  g_assert_true(ll_bert_start(b, 1, &err));
  g_assert_no_error(err);
  sleep_us(f, G_USEC_PER_SEC);
  LlBertCounts c;
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_no_error(err);
  g_assert_true(c.sync);
  g_assert_false(c.sync_lost);
  /* the light goes off for 10 ms, then comes back */
  ll_bench_lock(f->bench);
  ll_bench_voa_set(f->bench, 0.0, FALSE);
  ll_bench_unlock(f->bench);
  sleep_us(f, 10000);
  ll_bench_lock(f->bench);
  ll_bench_voa_set(f->bench, 0.0, TRUE);
  ll_bench_unlock(f->bench);
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_stop(b, 1, &err));
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_no_error(err);
  g_test_message("%.0f errors in %.0f bits", c.errors, c.bits);
  /* synchronised now, yet the gate lost it */
  gboolean now_lost = TRUE;
  g_assert_true(ll_scpi_query_bool(ll_bert_scpi(b), ":SENS:MEAS:SLOS?", &now_lost, &err));
  g_assert_no_error(err);
  g_assert_false(now_lost);
  g_assert_false(c.sync);
  g_assert_true(c.sync_lost);
  /* a new gate starts clean */
  g_assert_true(ll_bert_start(b, 1, &err));
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_no_error(err);
  g_assert_true(c.sync);
  g_assert_false(c.sync_lost);
}

typedef struct {
  Fixture *f;
  LlBert *bert;
  guint channel;
  gboolean expect_sync;
  guint failures;
  GString *why;
} Worker;

static void
worker_fail(Worker *w, const char *what)
{
  w->failures++;
  if (w->why->len < 400)
    g_string_append_printf(w->why, "channel %u: %s; ", w->channel, what);
}

static gpointer
worker(gpointer data)
{
  Worker *w = data;
  static const char *const gens[] = { "SSPRQ", "PRBS13Q", "PRBS9Q", "PRBS31" };
  for (guint i = 0; i < 150; i++) {
    g_autoptr(GError) err = NULL;
    const char *gen = gens[(i + w->channel) % G_N_ELEMENTS(gens)];
    gboolean on = (i + w->channel) % 2;
    LlBertCounts c1, c2;
    if (!ll_bert_set_generator(w->bert, w->channel, gen, on, &err) ||
        !ll_bert_set_detector(w->bert, w->channel, "PRBS31Q", &err) ||
        !ll_bert_start(w->bert, w->channel, &err)) {
      worker_fail(w, err->message);
      continue;
    }
    ll_bench_lock(w->f->bench);
    const char *p = NULL;
    gboolean now_on = ll_bench_bert_generator(w->f->bench, w->channel, &p);
    if (now_on != on || !g_str_equal(p, gen))
      worker_fail(w, "generator is not what this thread set");
    ll_bench_unlock(w->f->bench);
    ll_clock_sleep(w->f->clock, 1000 + 10 * w->channel);
    if (!ll_bert_stop(w->bert, w->channel, &err) || !ll_bert_read(w->bert, w->channel, &c1, &err)) {
      worker_fail(w, err->message);
      continue;
    }
    ll_clock_sleep(w->f->clock, 500);
    if (!ll_bert_read(w->bert, w->channel, &c2, &err)) {
      worker_fail(w, err->message);
      continue;
    }
    if (c1.bits <= 0 || c1.bits != c2.bits || c1.errors != c2.errors)
      worker_fail(w, "stopped counts moved");
    if (c1.sync != w->expect_sync || c2.sync != w->expect_sync)
      worker_fail(w, "another channel's sync state");
    if (!w->expect_sync && c1.errors < c1.bits / 4)
      worker_fail(w, "another channel's errors");
    if (w->expect_sync && c1.ber > 1e-3)
      worker_fail(w, "another channel's errors");
  }
  return NULL;
}

static void
test_bert_threads(Fixture *f, gconstpointer data)
{
  /* lane 1 receives the reference signal (synchronised, few errors); lane 2
   * receives nothing (sync loss, BER 0.5): counts read on the wrong channel
   * show at once */
  module_ready(f);
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 1);
  ll_bench_voa_set(f->bench, 0.0, TRUE);
  ll_bench_unlock(f->bench);

  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  Worker w[2];
  GThread *t[2];
  for (guint i = 0; i < 2; i++) {
    w[i] = (Worker) { f, b, i + 1, i == 0, 0, g_string_new(NULL) };
    t[i] = g_thread_new("bert", worker, &w[i]);
  }
  /* waiting for the workers is not work on the bench clock (ll-clock.h) */
  gboolean took_part = ll_clock_virtual_leave(f->clock);
  for (guint i = 0; i < 2; i++)
    g_thread_join(t[i]);
  if (took_part)
    ll_clock_virtual_join(f->clock);
  for (guint i = 0; i < 2; i++) {
    g_test_message("%s", w[i].why->str);
    g_assert_cmpuint(w[i].failures, ==, 0);
    g_string_free(w[i].why, TRUE);
  }
}

static void
test_bert_ber_follows_attenuation(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 1); /* the reference signal to site 1 lane 1 */
  ll_bench_unlock(f->bench);
  g_assert_true(ll_bert_set_detector(b, 1, "PRBS31Q", &err));
  g_assert_no_error(err);

  /* attenuations from high loss to low, where the BER is measurable */
  double last = 1.0;
  guint points = 0;
  for (double att = 20.0; att >= 0.0; att -= 0.5) {
    ll_bench_lock(f->bench);
    ll_bench_voa_set(f->bench, att, TRUE);
    double truth = ll_bench_bert_ber(f->bench, 1, "PRBS31Q");
    ll_bench_unlock(f->bench);
    if (truth > 1e-3 || truth < 1e-9)
      continue;
    /* gate long enough for about 400 errors */
    gint64 gate_us = (gint64) ceil(400.0 / (truth * f->rate) * 1e6);
    LlBertCounts c;
    g_assert_true(ll_bert_start(b, 1, &err));
    sleep_us(f, gate_us);
    g_assert_true(ll_bert_stop(b, 1, &err));
    g_assert_true(ll_bert_read(b, 1, &c, &err));
    g_assert_no_error(err);
    g_test_message("attenuation %.1f dB: BER %.3e (bench %.3e), %.0f errors in %.4g bits",
                   att, c.ber, truth, c.errors, c.bits);
    g_assert_true(c.sync);
    g_assert_cmpfloat(c.bits, ==, floor(f->rate * (double) gate_us / 1e6));
    g_assert_cmpfloat(fabs(c.ber / truth - 1), <, 0.3); /* 400 errors: sd 5 % */
    g_assert_cmpfloat(c.ber, <, last);
    last = c.ber;
    points++;
  }
  g_assert_cmpuint(points, >=, 4);

  /* with the attenuator's output off the detector loses sync */
  ll_bench_lock(f->bench);
  ll_bench_voa_set(f->bench, 0, FALSE);
  ll_bench_unlock(f->bench);
  LlBertCounts c;
  g_assert_true(ll_bert_start(b, 1, &err));
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_false(c.sync);
  g_assert_cmpfloat(fabs(c.ber - 0.5), <, 1e-3);
  /* a detector expecting another pattern cannot synchronise either */
  ll_bench_lock(f->bench);
  ll_bench_voa_set(f->bench, 3, TRUE);
  ll_bench_unlock(f->bench);
  g_assert_true(ll_bert_set_detector(b, 1, "PRBS13Q", &err));
  g_assert_true(ll_bert_start(b, 1, &err));
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_false(c.sync);
  g_assert_true(ll_bert_set_detector(b, 1, "PRBS31Q", &err));
  g_assert_true(ll_bert_start(b, 1, &err));
  sleep_us(f, G_USEC_PER_SEC);
  g_assert_true(ll_bert_read(b, 1, &c, &err));
  g_assert_no_error(err);
  g_assert_true(c.sync);
}

/* Runs open, detector, start, gating and read against a simulator whose
 * fault starts after @after commands. Returns TRUE when everything succeeded,
 * in which case the counts must be exact; otherwise an error was reported. */
static gboolean
bert_sequence_under_fault(Fixture *f, const char *fault, guint after)
{
  g_autofree gchar *res = g_strdup_printf(BERT_RES "&fault=%s&after=%u&timeout=200", fault, after);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlBert) b = ll_bert_open("anritsu-mp1900", res, &err);
  LlBertCounts c = { .bits = -1, .errors = -1 };
  gboolean ok = b && ll_bert_set_detector(b, 1, "PRBS31Q", &err) && ll_bert_start(b, 1, &err);
  if (ok) {
    sleep_us(f, 2 * G_USEC_PER_SEC);
    ok = ll_bert_read(b, 1, &c, &err);
  }
  if (!ok) {
    g_assert_nonnull(err);
    g_assert_true(err->domain == LL_TRANSPORT_ERROR || err->domain == LL_SCPI_ERROR);
    g_assert_cmpfloat(c.bits, ==, -1); /* nothing written on failure */
    return FALSE;
  }
  g_assert_no_error(err);
  g_assert_cmpfloat(c.bits, ==, 2 * f->rate);
  return TRUE;
}

static void
test_bert_faults(Fixture *f, gconstpointer data)
{
  static const char *const faults[] = { "noreply", "garbage", "error", "vanish" };
  for (gsize k = 0; k < G_N_ELEMENTS(faults); k++) {
    guint after = 0;
    while (!bert_sequence_under_fault(f, faults[k], after)) {
      after++;
      g_assert_cmpuint(after, <, 40);
    }
    /* every command of the sequence was hit by the fault once */
    g_test_message("fault=%s: the sequence takes %u commands", faults[k], after);
    g_assert_cmpuint(after, >=, 10);
  }
}

/* ---- scope --------------------------------------------------------------- */

static void
test_scope_open(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScope) s = scope_open_ok(SCOPE_RES);
  g_autoptr(GError) err = NULL;
  g_assert_cmpstr(ll_scope_idn(s)->model, ==, "N1092D");
  g_assert_cmpuint(ll_scope_channels(s), ==, 4);
  g_assert_cmpstr(ll_scope_channel_name(s, 1), ==, "1A");
  g_assert_cmpstr(ll_scope_channel_name(s, 4), ==, "4A");
  g_assert_null(ll_scope_channel_name(s, 5));
  g_assert_null(ll_scope_channel_name(s, 0));
  /* the setup reached the instrument */
  LlScpi *scpi = ll_scope_scpi(s);
  static const char *const expect[][2] = {
    { ":TRIG:PLOC?", "1" }, { ":MEAS:EYE:OOMA:UNIT?", "DBM" }, { ":MEAS:EYE:OER:UNIT?", "DECibel" },
    { ":MEAS:EYE:APOW:UNIT?", "DBM" }, { ":MEAS:EYE:TDEQ:SOUR1?", "CHAN1A" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(expect); i++) {
    g_autofree gchar *r = ll_scpi_query(scpi, expect[i][0], &err);
    g_assert_no_error(err);
    g_assert_cmpstr(r, ==, expect[i][1]);
  }
  g_assert_true(ll_scope_select_channel(s, 3, &err));
  g_assert_no_error(err);
  g_autofree gchar *src = ll_scpi_query(scpi, ":MEAS:EYE:APOW:SOUR1?", &err);
  g_assert_cmpstr(src, ==, "CHAN3A");
  g_autofree gchar *disp = ll_scpi_query(scpi, ":CHANnel3A:DISP?", &err);
  g_assert_cmpstr(disp, ==, "1");

  g_assert_false(ll_scope_select_channel(s, 5, &err));
  g_assert_error(err, LL_SCOPE_ERROR, LL_SCOPE_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_null(ll_scope_open("anritsu-mp1900", SCOPE_RES, &err));
  g_assert_error(err, LL_SCOPE_ERROR, LL_SCOPE_ERROR_DRIVER);
  g_clear_error(&err);
  g_assert_null(ll_scope_open("keysight-flexdca", BERT_RES, &err));
  g_assert_error(err, LL_SCOPE_ERROR, LL_SCOPE_ERROR_MODEL);
}

static void
test_scope_no_light(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScope) s = scope_open_ok(SCOPE_RES);
  g_autoptr(GError) err = NULL;
  /* measurements before any acquisition are not numbers */
  double v = 42;
  g_assert_false(ll_scpi_query_double(ll_scope_scpi(s), ":MEAS:EYE:TDEQ?", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);
  g_assert_cmpfloat(v, ==, 42);

  /* no module, so no light: an error, and it took the acquisition time */
  LlEyeResult r = { .tdecq_db = -1 };
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_assert_nonnull(strstr(err->message, "TDECQ"));
  g_clear_error(&err);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 1200000);
  g_assert_cmpfloat(r.tdecq_db, ==, -1);
  g_assert_false(ll_scpi_query_double(ll_scope_scpi(s), ":MEAS:EYE:APOW?", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);

  /* an acquisition longer than the caller allows is a timeout, and the
   * session is still in step afterwards */
  g_assert_false(ll_scope_measure_eye(s, 500, &r, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
}

static void
test_scope_eye(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlScope) s = scope_open_ok(SCOPE_RES);
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  const guint lane = 2; /* 0-based: BERT channel 3, switch channel 3 */
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 1, lane + 1);
  ll_bench_unlock(f->bench);

  /* light but no modulation: TDECQ, OMA and ER are not numbers, the
   * average power is */
  LlEyeResult r = { .tdecq_db = -1 };
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);
  g_assert_cmpfloat(r.tdecq_db, ==, -1);
  double avg;
  g_assert_true(ll_scpi_query_double(ll_scope_scpi(s), ":MEAS:EYE:APOW?", &avg, &err));
  g_assert_no_error(err);
  ll_bench_lock(f->bench);
  double port = ll_bench_port_power_dbm(f->bench, LL_BENCH_PORT_TX);
  ll_bench_unlock(f->bench);
  g_assert_cmpfloat(fabs(avg - port), <, 0.3);

  /* the lane modulated by its BERT channel */
  g_assert_true(ll_bert_set_generator(b, lane + 1, "SSPRQ", TRUE, &err));
  g_assert_no_error(err);
  const LlTwin *t = twin(f);
  double case_c = ll_module_sim_case_temperature(ll_bench_module(f->bench, 1));
  double tdecq = ll_twin_tdecq_db(t, lane, case_c), er = ll_twin_er_db(t, lane, case_c);
  double launch_oma = ll_twin_tx_oma_dbm(t, lane, case_c);
  double sum_tdecq = 0;
  for (guint i = 0; i < 8; i++) {
    g_assert_true(ll_scope_measure_eye(s, 5000, &r, &err));
    g_assert_no_error(err);
    g_test_message("TDECQ %.3f (twin %.3f) ER %.3f (twin %.3f) OMA %.3f (launch %.3f) avg %.3f",
                   r.tdecq_db, tdecq, r.er_db, er, r.oma_dbm, launch_oma, r.avg_dbm);
    g_assert_cmpfloat(fabs(r.tdecq_db - tdecq), <, 0.3); /* 6 sigma of 0.05 dB */
    g_assert_cmpfloat(fabs(r.er_db - er), <, 0.3);
    g_assert_cmpfloat(fabs(r.avg_dbm - port), <, 0.3);
    /* OMA at the scope: the launch OMA less fibre, switch and splitter */
    g_assert_cmpfloat(launch_oma - r.oma_dbm, >, 3.7);
    g_assert_cmpfloat(launch_oma - r.oma_dbm, <, 5.1);
    g_assert_cmpfloat(fabs(r.oma_dbm - ll_oma_dbm(port, er)), <, 0.3);
    sum_tdecq += r.tdecq_db;
  }
  g_assert_cmpfloat(fabs(sum_tdecq / 8 - tdecq), <, 0.1);

  /* a dark channel of the scope */
  g_assert_true(ll_scope_select_channel(s, 2, &err));
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);
  g_assert_true(ll_scope_select_channel(s, 1, &err));

  /* without pattern lock the eye measurements are not numbers */
  g_assert_true(ll_scpi_write(ll_scope_scpi(s), ":TRIG:PLOC OFF", &err));
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);
  g_assert_true(ll_scpi_write(ll_scope_scpi(s), ":TRIG:PLOC ON", &err));
  g_assert_true(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_no_error(err);

  /* the generator off again: no modulation */
  g_assert_true(ll_bert_set_generator(b, lane + 1, "SSPRQ", FALSE, &err));
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
}

/* FlexDCA answers each result in the unit set for it at that moment; set
 * to watts or a ratio behind the driver (on its screen, by a restart or a
 * *RST), an outer OMA of 5e-4 W would read as 0 dBm. The measurement asks
 * each unit in its transaction and refuses a result in another unit. */
static void
test_scope_unit_changed(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlScope) s = scope_open_ok(SCOPE_RES);
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 1, 1);
  ll_bench_unlock(f->bench);
  g_assert_true(ll_bert_set_generator(b, 1, "SSPRQ", TRUE, &err));
  g_assert_no_error(err);
  LlEyeResult r;
  g_assert_true(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_no_error(err);
  static const struct {
    const char *set, *back, *name, *answer;
  } changes[] = {
    { ":MEAS:EYE:OOMA:UNIT WATT", ":MEAS:EYE:OOMA:UNIT DBM", "outer OMA", "WATT" },
    { ":MEAS:EYE:OER:UNIT RAT", ":MEAS:EYE:OER:UNIT DEC", "outer extinction ratio", "RATio" },
    { ":MEAS:EYE:APOW:UNIT WATT", ":MEAS:EYE:APOW:UNIT DBM", "average power", "WATT" },
  };
  LlScpi *scpi = ll_scope_scpi(s);
  for (gsize i = 0; i < G_N_ELEMENTS(changes); i++) {
    g_assert_true(ll_scpi_write(scpi, changes[i].set, &err));
    g_assert_no_error(err);
    LlEyeResult untouched = { .tdecq_db = -1, .oma_dbm = -1, .er_db = -1, .avg_dbm = -1 };
    r = untouched;
    g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
    g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
    g_test_message("%s", err->message);
    g_assert_nonnull(strstr(err->message, changes[i].name));
    g_autofree gchar *answer = g_strdup_printf("'%s'", changes[i].answer);
    g_assert_nonnull(strstr(err->message, answer));
    g_clear_error(&err);
    g_assert_true(memcmp(&r, &untouched, sizeof r) == 0);
    g_assert_true(ll_scpi_write(scpi, changes[i].back, &err));
    g_assert_true(ll_scope_measure_eye(s, 5000, &r, &err));
    g_assert_no_error(err);
  }
  /* a *RST: pattern lock off and every unit back to watts and ratio; an
   * error whichever comes first, never a result */
  g_assert_true(ll_scpi_reset(scpi, &err));
  g_assert_no_error(err);
  g_assert_false(ll_scope_measure_eye(s, 5000, &r, &err));
  g_assert_true(err->domain == LL_SCPI_ERROR);
}

static gboolean
scope_sequence_under_fault(Fixture *f, const char *fault, guint after)
{
  g_autofree gchar *res = g_strdup_printf(SCOPE_RES "&fault=%s&after=%u&timeout=200", fault, after);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScope) s = ll_scope_open("keysight-flexdca", res, &err);
  LlEyeResult r = { .tdecq_db = -1 };
  if (!s || !ll_scope_measure_eye(s, 5000, &r, &err)) {
    g_assert_nonnull(err);
    g_assert_true(err->domain == LL_TRANSPORT_ERROR || err->domain == LL_SCPI_ERROR);
    g_assert_cmpfloat(r.tdecq_db, ==, -1);
    return FALSE;
  }
  g_assert_no_error(err);
  g_assert_cmpfloat(r.tdecq_db, >, 0);
  return TRUE;
}

static void
test_scope_faults(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlBert) b = bert_open_ok(BERT_RES);
  g_autoptr(GError) err = NULL;
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 1, 1);
  ll_bench_unlock(f->bench);
  g_assert_true(ll_bert_set_generator(b, 1, "PRBS13Q", TRUE, &err));
  g_assert_no_error(err);
  static const char *const faults[] = { "noreply", "garbage", "error", "vanish" };
  for (gsize k = 0; k < G_N_ELEMENTS(faults); k++) {
    guint after = 0;
    while (!scope_sequence_under_fault(f, faults[k], after)) {
      after++;
      g_assert_cmpuint(after, <, 60);
    }
    g_test_message("fault=%s: open and measure take %u commands", faults[k], after);
    g_assert_cmpuint(after, >=, 15);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/bert/open", test_bert_open);
  ADD("/bert/generator-detector", test_bert_generator_detector);
  ADD("/bert/bad-arguments", test_bert_bad_arguments);
  ADD("/bert/gating", test_bert_gating);
  ADD("/bert/pessimistic-order", test_bert_pessimistic_order);
  ADD("/bert/sync-lost-during-gate", test_bert_sync_lost_during_gate);
  ADD("/bert/threads", test_bert_threads);
  ADD("/bert/ber-follows-attenuation", test_bert_ber_follows_attenuation);
  ADD("/bert/faults", test_bert_faults);
  ADD("/scope/open", test_scope_open);
  ADD("/scope/no-light", test_scope_no_light);
  ADD("/scope/eye", test_scope_eye);
  ADD("/scope/unit-changed", test_scope_unit_changed);
  ADD("/scope/faults", test_scope_faults);
#undef ADD
  return g_test_run();
}
