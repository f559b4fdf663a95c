/* test-bench.c: the simulated bench as a whole, driven through the
 * simulators' own protocols (SCPI sessions over sim:, the EVB protocol,
 * CMIS through two-wire access), on a bench each test creates on a virtual
 * clock.
 *
 * What is proven:
 *  - two threads taking part in the bench's virtual clock and sharing one
 *    n774x session both finish (a thread waiting for the session does not
 *    hold virtual time still while the holder waits for its reply); a
 *    watchdog fails the test instead of letting it hang; the session is
 *    handed to the waiter at the holder's release, virtual time standing
 *    still until the new holder has worked;
 *  - a BERT gate is charged for every stretch at the BER of that stretch: a
 *    lane dark for 10 s (switch elsewhere, attenuator at 40 dB, data path
 *    deinitialised and brought back) and restored before STOP counts about
 *    half its bits of that time as errors, and the latched sync-loss query
 *    says so; an untroubled gate counts none and latches nothing;
 *  - the EVB's supply and pins belong to the board: a second session on a
 *    site leaves the module powered and its lanes emitting; *RST resets them;
 *    a module inserted into a powered fixture is powered;
 *  - module semantics: a dead laser raises TX fault, not TX LOS; TX LOS
 *    follows whether the lane's BERT generator drives the host input; the
 *    built-in checker honours its pattern and whether the lane receives, and
 *    agrees with the bench; the password bytes read back as zero yet unlock
 *    page 80h; ConfigStatus after ApplyDPInit;
 *  - the scope measures TDECQ only on SSPRQ or PRBS13Q;
 *  - the shared simulator helpers (bench attach, booleans, normal deviates). */
#include "ll-scpi.h"
#include "cmis/ll-cmis.h"
#include "sim/ll-bench.h"
#include "sim/ll-sim-model.h"

#include <math.h>
#include <string.h>

#define BENCH "tbench"
#define EVB_RES "sim:evb?bench=" BENCH "&site=1"
#define BERT_RES "sim:mp1900?bench=" BENCH
#define SCOPE_RES "sim:flexdca?bench=" BENCH
#define SERIAL "LL26C0007"

typedef struct {
  LlBench *bench;
  LlClock *clock;
} Fixture;

static void
bench_setup(Fixture *f, const LlDefectMix *mix)
{
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.seed = 11;
  memset(&cfg.mix, 0, sizeof cfg.mix);
  if (mix)
    cfg.mix = *mix;
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish(BENCH, f->bench);
  f->clock = ll_bench_clock(f->bench);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  bench_setup(f, NULL);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_bench_forget_all();
  ll_bench_unref(f->bench);
}

/* ---- talking to the simulators ------------------------------------------- */

static LlScpi *
open_ok(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlScpi *s = ll_scpi_open(resource, &err);
  g_assert_no_error(err);
  return s;
}

/* Sends a command and checks the instrument queued no error for it. */
static void
send_ok(LlScpi *s, const char *command)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_write(s, command, &err));
  g_assert_true(ll_scpi_check_errors(s, &err));
  g_assert_no_error(err);
}

static gchar *
ask_ok(LlScpi *s, const char *query)
{
  g_autoptr(GError) err = NULL;
  gchar *reply = ll_scpi_query(s, query, &err);
  g_assert_no_error(err);
  return reply;
}

static double
ask_double(LlScpi *s, const char *query)
{
  g_autoptr(GError) err = NULL;
  double v = NAN;
  g_assert_true(ll_scpi_query_double(s, query, &v, &err));
  g_assert_no_error(err);
  return v;
}

static gboolean
ask_bool(LlScpi *s, const char *query)
{
  g_autoptr(GError) err = NULL;
  gboolean v = FALSE;
  g_assert_true(ll_scpi_query_bool(s, query, &v, &err));
  g_assert_no_error(err);
  return v;
}

/* Writes @len bytes at @offset of the module's window (upper half: page
 * @page). */
static void
twi_write(LlScpi *evb, guint page, guint offset, const guint8 *data, gsize len)
{
  GString *cmd = g_string_new(NULL);
  if (offset >= 128) {
    g_string_printf(cmd, "TWI:WRITE 80,127,%02X", page);
    send_ok(evb, cmd->str);
  }
  g_string_printf(cmd, "TWI:WRITE 80,%u,", offset);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(cmd, "%02X", data[i]);
  send_ok(evb, cmd->str);
  g_string_free(cmd, TRUE);
}

static void
twi_write_byte(LlScpi *evb, guint page, guint offset, guint8 value)
{
  twi_write(evb, page, offset, &value, 1);
}

/* Reads @len bytes at @offset (upper half: of page @page) into @buf. */
static void
twi_read(LlScpi *evb, guint page, guint offset, guint8 *buf, gsize len)
{
  if (offset >= 128)
    twi_write_byte(evb, page, 127, (guint8) page);
  g_autofree gchar *q = g_strdup_printf("TWI:READ? 80,%u,%zu", offset, len);
  g_autofree gchar *hex = ask_ok(evb, q);
  g_assert_cmpuint(strlen(hex), ==, 2 * len);
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) (g_ascii_xdigit_value(hex[2 * i]) << 4 | g_ascii_xdigit_value(hex[2 * i + 1]));
}

static guint8
twi_read_byte(LlScpi *evb, guint page, guint offset)
{
  guint8 b;
  twi_read(evb, page, offset, &b, 1);
  return b;
}

/* Powers the module in site 1 and activates every data path with AppSel
 * 1, through the EVB protocol, waiting on the bench clock. */
static void
module_up(Fixture *f, LlScpi *evb)
{
  send_ok(evb, "POW ON");
  send_ok(evb, "PIN:LPMODE 0");
  ll_clock_sleep(f->clock, 2500 * 1000); /* power-up: 1.6-2.0 s */
  g_assert_cmpuint((twi_read_byte(evb, 0, 3) >> 1) & 7, ==, LL_CMIS_MODULE_READY);
  guint8 appsel[8];
  memset(appsel, 1 << 4, sizeof appsel);
  twi_write(evb, 0x10, 145, appsel, 8);
  twi_write_byte(evb, 0x10, 143, 0xFF); /* ApplyDPInit */
  twi_write_byte(evb, 0x10, 128, 0x00); /* DataPathDeinit released */
  ll_clock_sleep(f->clock, 1500 * 1000); /* data path init: 1.1-1.4 s */
}

static gboolean
lane_emitting(Fixture *f, guint lane)
{
  ll_bench_lock(f->bench);
  LlModuleSim *m = ll_bench_module(f->bench, 1);
  gboolean on = m && ll_module_sim_lane_emitting(m, lane);
  ll_bench_unlock(f->bench);
  return on;
}

/* ---- 1: threads sharing one session on a virtual clock -------------------- */

typedef struct {
  LlScpi *pm;
  LlClock *clock;
  guint channel;
  guint readings;
  gboolean ok;
  GMutex *lock;
  GCond *cond;
  guint *finished;
} MeterWorker;

static gpointer
meter_worker(gpointer data)
{
  MeterWorker *w = data; /* takes part in the clock: ll_clock_virtual_thread_new() */
  w->ok = TRUE;
  for (guint i = 0; i < 20 && w->ok; i++) {
    g_autoptr(GError) err = NULL;
    double dbm = NAN;
    /* a transaction holding the session across a reply wait */
    ll_scpi_lock(w->pm);
    g_autofree gchar *atim = g_strdup_printf(":SENS%u:POW:ATIM 0.05", w->channel);
    g_autofree gchar *read = g_strdup_printf(":READ%u:POW?", w->channel);
    w->ok = ll_scpi_write(w->pm, atim, &err) && ll_scpi_query_double(w->pm, read, &dbm, &err);
    ll_scpi_unlock(w->pm);
    if (w->ok)
      w->readings++;
    else
      g_test_message("channel %u: %s", w->channel, err->message);
  }
  ll_clock_virtual_leave(w->clock);
  g_mutex_lock(w->lock);
  (*w->finished)++;
  g_cond_broadcast(w->cond);
  g_mutex_unlock(w->lock);
  return NULL;
}

static void
test_shared_session_threads(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) pm = open_ok("sim:n774x?bench=" BENCH "&ports=rx,rx");
  GMutex lock;
  GCond cond;
  guint finished = 0;
  g_mutex_init(&lock);
  g_cond_init(&cond);
  MeterWorker w[2];
  GThread *t[2];
  gint64 t0 = ll_clock_now(f->clock);
  for (guint i = 0; i < 2; i++) {
    w[i] = (MeterWorker) { pm, f->clock, i + 1, 0, FALSE, &lock, &cond, &finished };
    t[i] = ll_clock_virtual_thread_new(f->clock, "meter", meter_worker, &w[i]);
  }
  /* waiting for them is not work; the watchdog: 10 s of real time */
  ll_clock_virtual_leave(f->clock);
  gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  g_mutex_lock(&lock);
  while (finished < 2 && g_cond_wait_until(&cond, &lock, end))
    ;
  guint done = finished;
  g_mutex_unlock(&lock);
  if (done < 2)
    g_error("the threads sharing the n774x session did not finish within 10 s: deadlock on "
            "the virtual clock");
  for (guint i = 0; i < 2; i++)
    g_thread_join(t[i]);
  ll_clock_virtual_join(f->clock);
  for (guint i = 0; i < 2; i++) {
    g_assert_true(w[i].ok);
    g_assert_cmpuint(w[i].readings, ==, 20);
  }
  /* 40 readings of 50 ms, one at a time on the one instrument */
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 40 * 50000);
  g_mutex_clear(&lock);
  g_cond_clear(&cond);
}

/* The session is handed over: the waiter takes part again from the moment
 * the holder lets go, so the holder's next sleep cannot move time before the
 * new holder has worked. */
typedef struct {
  LlScpi *pm;
  LlClock *clock;
  GMutex lock;
  GCond cond;
  gboolean holding;
  gint64 released_at, got_at;
} HandOver;

static gpointer
hand_over_holder(gpointer data)
{
  HandOver *h = data;
  g_autoptr(GError) err = NULL;
  double dbm;
  ll_scpi_lock(h->pm);
  g_mutex_lock(&h->lock);
  h->holding = TRUE;
  g_cond_broadcast(&h->cond);
  g_mutex_unlock(&h->lock);
  /* a reading: its reply comes once the other thread waits for the session */
  g_assert_true(ll_scpi_query_double(h->pm, ":READ1:POW?", &dbm, &err));
  h->released_at = ll_clock_now(h->clock);
  ll_scpi_unlock(h->pm);
  ll_clock_sleep(h->clock, 10 * G_USEC_PER_SEC);
  ll_clock_virtual_leave(h->clock);
  return NULL;
}

static gpointer
hand_over_waiter(gpointer data)
{
  HandOver *h = data;
  g_mutex_lock(&h->lock);
  while (!h->holding)
    g_cond_wait(&h->cond, &h->lock); /* real time: the clock cannot move meanwhile */
  g_mutex_unlock(&h->lock);
  ll_scpi_lock(h->pm);
  h->got_at = ll_clock_now(h->clock);
  ll_scpi_unlock(h->pm);
  ll_clock_virtual_leave(h->clock);
  return NULL;
}

static void
test_session_hand_over(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) pm = open_ok("sim:n774x?bench=" BENCH "&ports=rx,rx");
  send_ok(pm, ":SENS1:POW:ATIM 0.1");
  for (guint round = 0; round < 10; round++) {
    HandOver h = { .pm = pm, .clock = f->clock };
    g_mutex_init(&h.lock);
    g_cond_init(&h.cond);
    GThread *holder = ll_clock_virtual_thread_new(f->clock, "holder", hand_over_holder, &h);
    GThread *waiter = ll_clock_virtual_thread_new(f->clock, "waiter", hand_over_waiter, &h);
    g_assert_true(ll_clock_virtual_leave(f->clock));
    g_thread_join(holder);
    g_thread_join(waiter);
    ll_clock_virtual_join(f->clock);
    g_assert_cmpint(h.got_at, ==, h.released_at);
    g_mutex_clear(&h.lock);
    g_cond_clear(&h.cond);
  }
}

/* ---- 2: BERT gates charged stretch by stretch ------------------------------ */

typedef enum { DARK_SWITCH, DARK_ATTENUATOR, DARK_DATA_PATH } DarkBy;

typedef struct {
  double bits, errors;
  gboolean sync_now, sync_lost;
} Gate;

static void
gate_read(LlScpi *bert, Gate *g)
{
  g->bits = ask_double(bert, ":CALC:DATA:EAL? \"CURRENT:CC:TOTAL\"");
  g->errors = ask_double(bert, ":CALC:DATA:EAL? \"CURRENT:EC:TOTAL\"");
  g->sync_now = !ask_bool(bert, ":SENS:MEAS:SLOS?");
  g->sync_lost = ask_bool(bert, ":SENS:MEAS:SLOS:LATC?");
}

static void
light_lane1(Fixture *f)
{
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 1);
  ll_bench_voa_set(f->bench, 3.0, TRUE);
  ll_bench_unlock(f->bench);
}

static void
test_bert_dark_gate(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  g_autoptr(LlScpi) bert = open_ok(BERT_RES);
  module_up(f, evb);
  light_lane1(f);
  double rate = ll_bench_lane_bit_rate(f->bench);
  send_ok(bert, ":UENT:ID 1");
  send_ok(bert, ":SENS:PATT:TYPE PRBS31Q");

  /* an untroubled gate: the lane is far above its sensitivity */
  send_ok(bert, ":SENS:MEAS:STAR");
  ll_clock_sleep(f->clock, 5 * G_USEC_PER_SEC);
  send_ok(bert, ":SENS:MEAS:STOP");
  Gate g;
  gate_read(bert, &g);
  g_assert_cmpfloat(g.bits, ==, 5 * rate);
  g_assert_cmpfloat(g.errors, ==, 0);
  g_assert_true(g.sync_now);
  g_assert_false(g.sync_lost);

  static const DarkBy ways[] = { DARK_SWITCH, DARK_ATTENUATOR, DARK_DATA_PATH };
  for (gsize k = 0; k < G_N_ELEMENTS(ways); k++) {
    send_ok(bert, ":SENS:MEAS:STAR");
    gint64 started = ll_clock_now(f->clock);
    ll_clock_sleep(f->clock, G_USEC_PER_SEC);
    /* 10 s without the signal */
    ll_bench_lock(f->bench);
    if (ways[k] == DARK_SWITCH)
      ll_bench_switch_set(f->bench, 2, 2);
    else if (ways[k] == DARK_ATTENUATOR)
      ll_bench_voa_set(f->bench, 40.0, TRUE);
    ll_bench_unlock(f->bench);
    if (ways[k] == DARK_DATA_PATH)
      twi_write_byte(evb, 0x10, 128, 0x01); /* lane 1's data path down */
    ll_clock_sleep(f->clock, 10 * G_USEC_PER_SEC);
    /* restored just before STOP */
    if (ways[k] == DARK_DATA_PATH)
      twi_write_byte(evb, 0x10, 128, 0x00); /* back up after its 1.1-1.4 s init */
    else
      light_lane1(f);
    ll_clock_sleep(f->clock, 2 * G_USEC_PER_SEC);
    send_ok(bert, ":SENS:MEAS:STOP");
    gint64 stopped = ll_clock_now(f->clock); /* 13 s, and the two-wire writes' time */
    gate_read(bert, &g);
    /* dark: BER 0.5 (no light, or too little) over 10 s, and for the data
     * path its init time too, which passes with nobody looking */
    double dark_s_min = 10.0, dark_s_max = ways[k] == DARK_DATA_PATH ? 11.4 : 10.0;
    g_test_message("dark by %d: %.0f errors in %.0f bits; sync now %d, lost %d", ways[k],
                   g.errors, g.bits, g.sync_now, g.sync_lost);
    g_assert_cmpfloat(g.bits, ==, floor(rate * (double) (stopped - started) / 1e6));
    g_assert_cmpint(stopped - started, <, 13 * G_USEC_PER_SEC + 10000);
    g_assert_cmpfloat(g.errors, >, 0.49 * dark_s_min * rate * (ways[k] == DARK_ATTENUATOR ? 0.7 : 1));
    g_assert_cmpfloat(g.errors, <, 0.51 * dark_s_max * rate);
    if (ways[k] == DARK_DATA_PATH)
      g_assert_cmpfloat(g.errors, >, 0.5 * 11.05 * rate); /* the init time is charged */
    g_assert_true(g.sync_now);
    g_assert_true(g.sync_lost);
  }

  /* STARt clears the latch */
  send_ok(bert, ":SENS:MEAS:STAR");
  ll_clock_sleep(f->clock, G_USEC_PER_SEC);
  gate_read(bert, &g);
  g_assert_false(g.sync_lost);
  g_assert_cmpfloat(g.errors, ==, 0);
}

/* ---- 3: the EVB's outputs belong to the board ------------------------------ */

static void
test_evb_second_session(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  module_up(f, evb);
  send_ok(evb, "POW:VOLT 3.35");
  for (guint l = 0; l < 8; l++)
    g_assert_true(lane_emitting(f, l));

  /* a module inspector opens its own session on the site */
  LlScpi *inspector = open_ok(EVB_RES);
  g_assert_true(ask_bool(inspector, "POW?"));
  g_assert_false(ask_bool(inspector, "PIN:LPMODE?"));
  g_assert_true(ask_bool(inspector, "PIN:RESETL?"));
  g_assert_cmpfloat(ask_double(inspector, "POW:VOLT?"), ==, 3.35);
  g_assert_cmpuint((twi_read_byte(inspector, 0, 3) >> 1) & 7, ==, LL_CMIS_MODULE_READY);
  ll_scpi_close(inspector);
  for (guint l = 0; l < 8; l++)
    g_assert_true(lane_emitting(f, l));
  g_assert_cmpuint((twi_read_byte(evb, 0, 3) >> 1) & 7, ==, LL_CMIS_MODULE_READY);

  /* what one session changes, the other sees */
  inspector = open_ok(EVB_RES);
  send_ok(inspector, "PIN:LPMODE 1");
  g_assert_true(ask_bool(evb, "PIN:LPMODE?"));
  g_assert_false(lane_emitting(f, 0));
  send_ok(inspector, "PIN:LPMODE 0");

  /* *RST is what resets the board: supply off, pins to their defaults */
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_reset(inspector, &err));
  g_assert_no_error(err);
  ll_scpi_close(inspector);
  g_assert_false(ask_bool(evb, "POW?"));
  g_assert_true(ask_bool(evb, "PIN:LPMODE?"));
  g_assert_cmpfloat(ask_double(evb, "POW:VOLT?"), ==, 3.30);
  g_assert_false(lane_emitting(f, 0));

  /* a module inserted into a powered fixture is powered */
  send_ok(evb, "POW ON");
  g_assert_true(ll_bench_insert(f->bench, 1, "LL26C0008"));
  ll_clock_sleep(f->clock, 100 * 1000);
  g_assert_cmpuint((twi_read_byte(evb, 0, 3) >> 1) & 7, ==, LL_CMIS_MODULE_LOW_PWR);
}

/* ---- 4: module semantics --------------------------------------------------- */

static void
test_dead_lane_flags(Fixture *f, gconstpointer data)
{
  fixture_teardown(f, data);
  LlDefectMix mix = { 0 };
  mix.p[LL_DEFECT_DEAD_LANE] = 1.0;
  bench_setup(f, &mix);
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  ll_bench_lock(f->bench);
  guint dead = ll_module_sim_twin(ll_bench_module(f->bench, 1))->defect_lane;
  ll_bench_unlock(f->bench);
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  module_up(f, evb);
  g_assert_false(lane_emitting(f, dead));

  /* no generator drives the host inputs: TX LOS on every activated lane;
   * the dead laser is a TX fault */
  guint8 flags[2];
  twi_read(evb, 0x11, 135, flags, 2);
  g_assert_cmphex(flags[0], ==, 1u << dead);
  g_assert_cmphex(flags[1], ==, 0xFF);

  /* the generators of channels 1-8 drive lanes 1-8 */
  g_autoptr(LlScpi) bert = open_ok(BERT_RES);
  for (guint ch = 1; ch <= 8; ch++) {
    g_autofree gchar *sel = g_strdup_printf(":UENT:ID %u", ch);
    send_ok(bert, sel);
    send_ok(bert, ":OUTP:STAT ON");
  }
  twi_read(evb, 0x11, 135, flags, 2);
  g_assert_cmphex(flags[0], ==, 1u << dead);
  g_assert_cmphex(flags[1], ==, 0x00);
  send_ok(bert, ":OUTP:STAT OFF"); /* channel 8 */
  twi_read(evb, 0x11, 135, flags, 2);
  g_assert_cmphex(flags[1], ==, 0x80);

  /* a disabled transmitter is not a fault */
  twi_write_byte(evb, 0x10, 130, (guint8) (1u << dead));
  twi_read(evb, 0x11, 135, flags, 2);
  g_assert_cmphex(flags[0], ==, 0x00);
}

/* The media-side BER of lane 1 in page 14h. */
static double
module_ber(LlScpi *evb)
{
  guint8 b[2];
  twi_read(evb, 0x14, 208, b, 2);
  int exponent = (b[0] >> 3) - 24;
  guint mantissa = (guint) (b[0] & 7) << 8 | b[1];
  return mantissa * pow(10.0, exponent);
}

static void
test_builtin_checker(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  module_up(f, evb);
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 1);
  /* an attenuation where the BER is measurable */
  double att = 20.0, truth = 0.5;
  for (; att > 0; att -= 0.25) {
    ll_bench_voa_set(f->bench, att, TRUE);
    truth = ll_bench_bert_ber(f->bench, 1, "PRBS31Q");
    if (truth < 1e-4)
      break;
  }
  ll_bench_unlock(f->bench);
  g_assert_cmpfloat(truth, >, 1e-7);
  g_assert_cmpfloat(truth, <, 1e-4);

  twi_write_byte(evb, 0x13, 168, 0x01); /* media checker on lane 1 */
  twi_write_byte(evb, 0x13, 172, 0x00); /* PRBS31Q, the reference's pattern */
  double ber = module_ber(evb);
  g_test_message("attenuation %.2f dB: checker %.4e, bench %.4e", att, ber, truth);
  g_assert_cmpfloat(fabs(ber / truth - 1), <, 0.01); /* the 11-bit mantissa */

  /* a checker expecting another pattern cannot lock */
  twi_write_byte(evb, 0x13, 172, 0x06); /* PRBS13Q */
  g_assert_cmpfloat(fabs(module_ber(evb) - 0.5), <, 1e-9);
  twi_write_byte(evb, 0x13, 172, 0x00);
  g_assert_cmpfloat(fabs(module_ber(evb) / truth - 1), <, 0.01);
  /* nor can it when the lane does not receive */
  twi_write_byte(evb, 0x10, 138, 0x01); /* RX disable, lane 1 */
  g_assert_cmpfloat(fabs(module_ber(evb) - 0.5), <, 1e-9);
  twi_write_byte(evb, 0x10, 138, 0x00);
  g_assert_cmpfloat(fabs(module_ber(evb) / truth - 1), <, 0.01);
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 2, 2); /* the light to lane 2 */
  ll_bench_unlock(f->bench);
  g_assert_cmpfloat(fabs(module_ber(evb) - 0.5), <, 1e-9);
}

static void
test_password_write_only(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  send_ok(evb, "POW ON");
  ll_clock_sleep(f->clock, 100 * 1000);
  static const guint8 password[4] = { 0x4C, 0x4C, 0x30, 0x31 };
  twi_write(evb, 0, 122, password, 4);
  guint8 back[4];
  twi_read(evb, 0, 122, back, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmphex(back[i], ==, 0);
  /* yet it was entered: page 80h takes writes */
  twi_write_byte(evb, LL_MODULE_CAL_PAGE, 128, 0x40);
  g_assert_cmphex(twi_read_byte(evb, LL_MODULE_CAL_PAGE, 128), ==, 0x40);
  /* a wrong password locks it again */
  static const guint8 wrong[4] = { 1, 2, 3, 4 };
  twi_write(evb, 0, 122, wrong, 4);
  twi_write_byte(evb, LL_MODULE_CAL_PAGE, 128, 0x3F);
  g_assert_cmphex(twi_read_byte(evb, LL_MODULE_CAL_PAGE, 128), ==, 0x40);
}

static void
test_config_status(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  send_ok(evb, "POW ON");
  send_ok(evb, "PIN:LPMODE 0");
  ll_clock_sleep(f->clock, 2500 * 1000);
  guint8 status[4];
  twi_read(evb, 0x11, 202, status, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmphex(status[i], ==, 0x00); /* undefined before any ApplyDPInit */

  /* lanes 1-8 staged with AppSel 1 (advertised), lane 2 then with AppSel 5 */
  guint8 appsel[8];
  memset(appsel, 1 << 4, sizeof appsel);
  twi_write(evb, 0x10, 145, appsel, 8);
  twi_write_byte(evb, 0x10, 143, 0x0F); /* ApplyDPInit, lanes 1-4 */
  twi_read(evb, 0x11, 202, status, 4);
  g_assert_cmphex(status[0], ==, 0x11);
  g_assert_cmphex(status[1], ==, 0x11);
  g_assert_cmphex(status[2], ==, 0x00);
  g_assert_cmphex(status[3], ==, 0x00);
  g_assert_cmphex(twi_read_byte(evb, 0x10, 143), ==, 0x00); /* a trigger */
  twi_write_byte(evb, 0x10, 146, 5 << 4);
  twi_write_byte(evb, 0x10, 143, 0xF2);
  twi_read(evb, 0x11, 202, status, 4);
  g_assert_cmphex(status[0], ==, 0x31); /* lane 2 rejected: invalid AppSel */
  g_assert_cmphex(status[2], ==, 0x11);
  g_assert_cmphex(status[3], ==, 0x11);

  /* cleared by a reset */
  send_ok(evb, "PIN:RESETL 0");
  send_ok(evb, "PIN:RESETL 1");
  ll_clock_sleep(f->clock, 100 * 1000);
  twi_read(evb, 0x11, 202, status, 4);
  g_assert_cmphex(status[0] | status[1] | status[2] | status[3], ==, 0x00);
}

static void
test_scope_tdecq_pattern(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
  g_autoptr(LlScpi) evb = open_ok(EVB_RES);
  module_up(f, evb);
  ll_bench_lock(f->bench);
  ll_bench_switch_set(f->bench, 1, 1);
  ll_bench_unlock(f->bench);
  g_autoptr(LlScpi) bert = open_ok(BERT_RES);
  g_autoptr(LlScpi) scope = open_ok(SCOPE_RES);
  send_ok(scope, ":TRIG:PLOC ON");
  send_ok(scope, ":MEAS:EYE:OOMA:UNIT DBM");
  send_ok(bert, ":UENT:ID 1");
  send_ok(bert, ":OUTP:STAT ON");
  static const struct {
    const char *pattern;
    gboolean tdecq;
  } cases[] = { { "PRBS31Q", FALSE }, { "SSPRQ", TRUE }, { "PRBS9Q", FALSE }, { "PRBS13Q", TRUE } };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree gchar *gen = g_strdup_printf(":SOUR:PATT:TYPE %s", cases[i].pattern);
    send_ok(bert, gen);
    send_ok(scope, ":ACQ:SING");
    g_autoptr(GError) err = NULL;
    g_assert_true(ll_scpi_wait_opc(scope, 5000, &err));
    double v;
    gboolean ok = ll_scpi_query_double(scope, ":MEAS:EYE:TDEQ?", &v, &err);
    g_test_message("%s: TDECQ %s", cases[i].pattern, ok ? "measured" : err->message);
    g_assert_cmpint(ok, ==, cases[i].tdecq);
    if (!ok)
      g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
    else
      g_assert_cmpfloat(v, >, 0.5);
    /* OMA is measured on any pattern */
    g_assert_cmpfloat(ask_double(scope, ":MEAS:EYE:OOMA?"), >, -10);
  }
}

/* ---- 6: shared simulator helpers ------------------------------------------- */

static void
test_helpers(Fixture *f, gconstpointer data)
{
  gboolean v = FALSE;
  g_assert_true(ll_sim_parse_bool("on", &v) && v);
  g_assert_true(ll_sim_parse_bool("0", &v) && !v);
  g_assert_true(ll_sim_parse_bool("1", &v) && v);
  g_assert_true(ll_sim_parse_bool("OFF", &v) && !v);
  g_assert_false(ll_sim_parse_bool("yes", &v));
  g_assert_false(ll_sim_parse_bool("", &v));

  /* normal deviates: mean 0, sd 1, deterministic for a seed */
  g_autoptr(GRand) r = g_rand_new_with_seed(5);
  g_autoptr(GRand) r2 = g_rand_new_with_seed(5);
  double sum = 0, sum2 = 0;
  const guint n = 20000;
  for (guint i = 0; i < n; i++) {
    double z = ll_sim_gauss(r);
    g_assert_cmpfloat(z, ==, ll_sim_gauss(r2));
    sum += z;
    sum2 += z * z;
  }
  g_assert_cmpfloat(fabs(sum / n), <, 0.03);
  g_assert_cmpfloat(fabs(sqrt(sum2 / n) - 1), <, 0.03);

  /* every bench model is on its bench's clock; bench= must name one */
  static const char *const models[] = { "mp1900", "flexdca", "evb", "n774x", "pm100", "n776x",
                                        "switch" };
  for (gsize i = 0; i < G_N_ELEMENTS(models); i++) {
    g_autofree gchar *res = g_strdup_printf("sim:%s?bench=" BENCH, models[i]);
    g_autoptr(GError) err = NULL;
    g_autoptr(LlSimDevice) dev = ll_sim_device_open(res, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(ll_sim_device_get_clock(dev) == f->clock);
    g_autoptr(GHashTable) empty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert(empty, g_strdup("bench"), g_strdup(""));
    g_autoptr(LlSimDevice) none = ll_sim_device_new(models[i], empty, NULL, &err);
    g_assert_null(none);
    g_assert_error(err, LL_SIM_ERROR, LL_SIM_ERROR_OPTION);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/bench/shared-session-threads", test_shared_session_threads);
  ADD("/bench/session-hand-over", test_session_hand_over);
  ADD("/bench/bert-dark-gate", test_bert_dark_gate);
  ADD("/bench/evb-second-session", test_evb_second_session);
  ADD("/bench/dead-lane-flags", test_dead_lane_flags);
  ADD("/bench/builtin-checker", test_builtin_checker);
  ADD("/bench/password-write-only", test_password_write_only);
  ADD("/bench/config-status", test_config_status);
  ADD("/bench/scope-tdecq-pattern", test_scope_tdecq_pattern);
  ADD("/bench/helpers", test_helpers);
  return g_test_run();
}
