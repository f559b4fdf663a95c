/* test-activity.c: the simulated bench's activity log (ll_bench_activity_*)
 * and the interval arithmetic the final-test benchmark's lower bound rests
 * on (ll-activity.h). The simulators are driven through their own protocols
 * (SCPI over sim:, the EVB protocol), on a bench each test creates on a
 * virtual clock, so every time below is bench time, exact.
 *
 * What is proven:
 *  - the union of overlapping, nested, touching and empty intervals, given
 *    out of order, and the uncovered part of a window;
 *  - nothing is recorded unless the log is enabled, nor after it is off;
 *  - a scope acquisition records one interval of the acquisition time from
 *    the moment it was asked; a second one asked at once starts when the
 *    first ends;
 *  - a meter reading records its averaging time, an attenuator change its
 *    settling, a switch change 20 ms and a selection that moves nothing no
 *    activity;
 *  - the module's power-up is recorded from LPMode release to the moment
 *    its state reads Ready (found by polling every millisecond), its
 *    management init as 60 ms from power-on; a power-up cut short by the
 *    supply going off is recorded up to that moment; each lane's data path
 *    from ApplyDPInit's release to Activated;
 *  - a BERT gate is recorded from STARt to STOP on its channel, and a
 *    restart ends the gate that ran. */
#include "ll-scpi.h"
#include "cmis/ll-cmis.h"
#include "sim/ll-activity.h"
#include "sim/ll-bench.h"

#include <string.h>

#define BENCH "tactivity"

typedef struct {
  LlBench *bench;
  LlClock *clock;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  memset(&cfg.mix, 0, sizeof cfg.mix);
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish(BENCH, f->bench);
  f->clock = ll_bench_clock(f->bench);
  g_assert_true(ll_bench_insert(f->bench, 1, "LL26E0001"));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_bench_forget_all();
  ll_bench_unref(f->bench);
}

static LlScpi *
session(const char *model)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *res = g_strdup_printf("sim:%s?bench=" BENCH, model);
  LlScpi *s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  return s;
}

/* Sends @command, then waits for the instrument to be done (*OPC?). */
static void
command_done(LlScpi *s, const char *command)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_write(s, command, &err) && ll_scpi_wait_opc(s, 10000, &err));
  g_assert_no_error(err);
}

static void
command(LlScpi *s, const char *command_text)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_write(s, command_text, &err));
  g_assert_no_error(err);
}

/* The activities of @kind in @log. */
static GPtrArray *
of_kind(GArray *log, LlActivityKind kind)
{
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < log->len; i++)
    if (g_array_index(log, LlActivity, i).kind == kind)
      g_ptr_array_add(out, &g_array_index(log, LlActivity, i));
  return out;
}

/* The one activity of @kind in @log. */
static const LlActivity *
only(GArray *log, LlActivityKind kind)
{
  g_autoptr(GPtrArray) all = of_kind(log, kind);
  g_assert_cmpuint(all->len, ==, 1);
  return all->pdata[0];
}

/* ---- interval arithmetic ------------------------------------------------- */

static void
test_union(void)
{
  static const LlActivity items[] = {
    { LL_ACTIVITY_METER, "m", 30, 40 },   /* out of order */
    { LL_ACTIVITY_SCOPE, "s", 0, 10 },
    { LL_ACTIVITY_METER, "m", 5, 20 },    /* overlaps the scope */
    { LL_ACTIVITY_SWITCH, "w", 20, 25 },  /* touches the meter */
    { LL_ACTIVITY_METER, "m", 32, 35 },   /* nested */
    { LL_ACTIVITY_EVB, "e", 50, 50 },     /* empty */
    { LL_ACTIVITY_SCOPE, "s", 60, 70 },
  };
  g_autoptr(GArray) all = ll_activity_union(items, G_N_ELEMENTS(items), LL_ACTIVITY_N_KINDS);
  static const LlInterval expect[] = { { 0, 25 }, { 30, 40 }, { 60, 70 } };
  g_assert_cmpuint(all->len, ==, G_N_ELEMENTS(expect));
  for (guint i = 0; i < all->len; i++) {
    g_assert_cmpint(g_array_index(all, LlInterval, i).start_us, ==, expect[i].start_us);
    g_assert_cmpint(g_array_index(all, LlInterval, i).end_us, ==, expect[i].end_us);
  }
  g_assert_cmpint(ll_interval_total(all), ==, 45);
  g_assert_cmpint(ll_interval_gap_total(all, 0, 100), ==, 55);
  g_assert_cmpint(ll_interval_gap_total(all, 22, 33), ==, 5); /* 25-30 */
  g_assert_cmpint(ll_interval_gap_total(all, 60, 70), ==, 0);

  g_autoptr(GArray) meter = ll_activity_union(items, G_N_ELEMENTS(items), LL_ACTIVITY_METER);
  g_assert_cmpuint(meter->len, ==, 2);
  g_assert_cmpint(ll_interval_total(meter), ==, 25);
  g_autoptr(GArray) none = ll_activity_union(items, G_N_ELEMENTS(items), LL_ACTIVITY_EVB);
  g_assert_cmpuint(none->len, ==, 0);
  g_assert_cmpstr(ll_activity_kind_name(LL_ACTIVITY_SCOPE), ==, "scope acquisition");
}

/* ---- instruments ------------------------------------------------------------ */

static void
test_off(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) scope = session("flexdca");
  command_done(scope, ":ACQ:SING");
  g_autoptr(GArray) before = ll_bench_activity_take(f->bench);
  g_assert_cmpuint(before->len, ==, 0);
  ll_bench_activity_enable(f->bench, TRUE);
  ll_bench_activity_enable(f->bench, FALSE);
  command_done(scope, ":ACQ:SING");
  g_autoptr(GArray) after = ll_bench_activity_take(f->bench);
  g_assert_cmpuint(after->len, ==, 0);
}

static void
test_scope(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) scope = session("flexdca");
  ll_bench_activity_enable(f->bench, TRUE);
  ll_clock_sleep(f->clock, 5000);
  gint64 t0 = ll_clock_now(f->clock);
  command_done(scope, ":ACQ:SING");
  g_assert_cmpint(ll_clock_now(f->clock), ==, t0 + 1200000);
  g_autoptr(GArray) one = ll_bench_activity_take(f->bench);
  g_assert_cmpuint(one->len, ==, 1);
  const LlActivity *a = only(one, LL_ACTIVITY_SCOPE);
  g_assert_cmpint(a->start_us, ==, t0);
  g_assert_cmpint(a->end_us, ==, t0 + 1200000);
  g_assert_true(g_str_has_prefix(a->device, "flexdca "));

  /* two asked at once: the second waits for the first */
  gint64 t1 = ll_clock_now(f->clock);
  command(scope, ":ACQ:SING");
  command_done(scope, ":ACQ:SING");
  g_autoptr(GArray) two = ll_bench_activity_take(f->bench);
  g_autoptr(GPtrArray) acq = of_kind(two, LL_ACTIVITY_SCOPE);
  g_assert_cmpuint(acq->len, ==, 2);
  const LlActivity *first = acq->pdata[0], *second = acq->pdata[1];
  g_assert_cmpint(first->start_us, ==, t1);
  g_assert_cmpint(second->start_us, ==, first->end_us);
  g_autoptr(GArray) u = ll_activity_union((const LlActivity *) two->data, two->len, LL_ACTIVITY_N_KINDS);
  g_assert_cmpint(ll_interval_total(u), ==, 2400000);
}

static void
test_optical(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) pm = session("n774x");
  g_autoptr(LlScpi) voa = session("n776x");
  g_autoptr(LlScpi) sw = session("switch");
  command_done(sw, "ROUT1:CHAN1 A,1");
  command_done(voa, "INP1:ATT 0");
  ll_bench_activity_enable(f->bench, TRUE);

  command_done(pm, "SENS1:POW:ATIM 0.25");
  gint64 t0 = ll_clock_now(f->clock);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *reading = ll_scpi_query(pm, "READ1:POW?", &err);
  g_assert_no_error(err);
  command_done(voa, "INP1:ATT 10");  /* 60 ms + 1.5 ms/dB */
  command_done(sw, "ROUT1:CHAN1 A,3");
  command_done(sw, "ROUT1:CHAN1 A,3"); /* already there: nothing moves */

  g_autoptr(GArray) log = ll_bench_activity_take(f->bench);
  g_assert_cmpuint(log->len, ==, 3);
  const LlActivity *m = only(log, LL_ACTIVITY_METER);
  g_assert_cmpint(m->start_us, ==, t0);
  g_assert_cmpint(m->end_us - m->start_us, ==, 250000);
  g_assert_true(g_str_has_prefix(m->device, "n774x "));
  const LlActivity *a = only(log, LL_ACTIVITY_ATTENUATOR);
  g_assert_cmpint(a->start_us, ==, m->end_us);
  g_assert_cmpint(a->end_us - a->start_us, ==, 75000);
  const LlActivity *s = only(log, LL_ACTIVITY_SWITCH);
  g_assert_cmpint(s->start_us, ==, a->end_us);
  g_assert_cmpint(s->end_us - s->start_us, ==, 20000);
}

/* ---- the module ------------------------------------------------------------- */

static guint8
module_state(LlScpi *evb)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *hex = ll_scpi_query(evb, "TWI:READ? 80,3,1", &err);
  g_assert_no_error(err);
  return (guint8) ((g_ascii_xdigit_value(hex[0]) << 4 | g_ascii_xdigit_value(hex[1])) >> 1 & 7);
}

static void
test_module(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) evb = session("evb");
  ll_bench_activity_enable(f->bench, TRUE);
  gint64 on = ll_clock_now(f->clock);
  command(evb, "POW ON");
  command_done(evb, "PIN:LPMODE 0");
  ll_clock_sleep(f->clock, 100000); /* past the management init */
  /* poll every millisecond until Ready: the module's state is read when
   * the query is executed, at the time it is sent */
  gint64 not_ready = ll_clock_now(f->clock), asked = not_ready;
  while (module_state(evb) != LL_CMIS_MODULE_READY) {
    not_ready = asked;
    g_assert_cmpint(not_ready - on, <, 3000000);
    ll_clock_sleep(f->clock, 1000);
    asked = ll_clock_now(f->clock);
  }
  gint64 ready = asked;

  g_autoptr(GArray) log = ll_bench_activity_take(f->bench);
  const LlActivity *init = only(log, LL_ACTIVITY_MODULE_INIT);
  g_assert_cmpint(init->start_us, ==, on);
  g_assert_cmpint(init->end_us, ==, on + 60000);
  g_assert_cmpstr(init->device, ==, "module site 1");
  const LlActivity *up = only(log, LL_ACTIVITY_MODULE_POWER_UP);
  g_assert_cmpint(up->start_us, ==, on);
  g_assert_cmpint(up->end_us, >, not_ready);
  g_assert_cmpint(up->end_us, <=, ready);
  g_assert_cmpint(up->end_us - up->start_us, >=, 1600000);
  g_assert_cmpint(up->end_us - up->start_us, <=, 2000000);
  g_autoptr(GPtrArray) polls = of_kind(log, LL_ACTIVITY_EVB_TWI);
  g_assert_cmpuint(polls->len, >, 1000); /* a two-wire read every millisecond */

  /* data paths: stage AppSel 1 on every lane, ApplyDPInit, release */
  command(evb, "TWI:WRITE 80,127,10");
  command(evb, "TWI:WRITE 80,145,1010101010101010");
  command(evb, "TWI:WRITE 80,143,FF");
  gint64 release = ll_clock_now(f->clock);
  command(evb, "TWI:WRITE 80,128,00");
  ll_clock_sleep(f->clock, 2000000);
  g_autoptr(GArray) dp_log = ll_bench_activity_take(f->bench);
  g_autoptr(GPtrArray) dp = of_kind(dp_log, LL_ACTIVITY_DATA_PATH);
  g_assert_cmpuint(dp->len, ==, 8);
  for (guint i = 0; i < dp->len; i++) {
    const LlActivity *a = dp->pdata[i];
    g_assert_cmpint(a->start_us, ==, release);
    g_assert_cmpint(a->end_us - a->start_us, >=, 1100000);
    g_assert_cmpint(a->end_us - a->start_us, <=, 1400000);
    g_assert_true(g_str_has_prefix(a->device, "module site 1 lane "));
  }
}

static void
test_module_cut_short(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) evb = session("evb");
  ll_bench_activity_enable(f->bench, TRUE);
  gint64 on = ll_clock_now(f->clock);
  command(evb, "POW ON");
  command(evb, "PIN:LPMODE 0");
  ll_clock_sleep(f->clock, 500000);
  gint64 off = ll_clock_now(f->clock);
  command_done(evb, "POW OFF");
  ll_clock_sleep(f->clock, 3000000);
  g_autoptr(GArray) log = ll_bench_activity_take(f->bench);
  const LlActivity *up = only(log, LL_ACTIVITY_MODULE_POWER_UP);
  g_assert_cmpint(up->start_us, ==, on);
  g_assert_cmpint(up->end_us, ==, off);
  g_assert_cmpint(only(log, LL_ACTIVITY_MODULE_INIT)->end_us, ==, on + 60000);
}

/* ---- the BERT ------------------------------------------------------------- */

static void
test_bert_gate(Fixture *f, gconstpointer data)
{
  g_autoptr(LlScpi) bert = session("mp1900");
  command_done(bert, "UENT:ID 3");
  ll_bench_activity_enable(f->bench, TRUE);
  gint64 t0 = ll_clock_now(f->clock);
  command(bert, ":SENS:MEAS:STAR");
  ll_clock_sleep(f->clock, 5000);
  command(bert, ":SENS:MEAS:STOP");
  ll_clock_sleep(f->clock, 1000);
  gint64 t1 = ll_clock_now(f->clock);
  command(bert, ":SENS:MEAS:STAR");
  ll_clock_sleep(f->clock, 7000);
  command(bert, ":SENS:MEAS:STAR"); /* a restart ends the gate that ran */
  g_autoptr(GArray) log = ll_bench_activity_take(f->bench);
  g_autoptr(GPtrArray) gates = of_kind(log, LL_ACTIVITY_BERT_GATE);
  g_assert_cmpuint(gates->len, ==, 2);
  const LlActivity *a = gates->pdata[0], *b = gates->pdata[1];
  g_assert_cmpint(a->start_us, ==, t0);
  g_assert_cmpint(a->end_us, ==, t0 + 5000);
  g_assert_cmpstr(a->device, ==, "mp1900 ch 3");
  g_assert_cmpint(b->start_us, ==, t1);
  g_assert_cmpint(b->end_us, ==, t1 + 7000);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/activity/union", test_union);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/activity/off", test_off);
  ADD("/activity/scope", test_scope);
  ADD("/activity/optical", test_optical);
  ADD("/activity/module", test_module);
  ADD("/activity/module-cut-short", test_module_cut_short);
  ADD("/activity/bert-gate", test_bert_gate);
#undef ADD
  return g_test_run();
}
