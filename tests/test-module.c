/* test-module.c: a module twin on the simulated bench, reached the way the
 * station reaches a real one: the EVB driver over the EVB protocol, CMIS
 * through two-wire access. Power-up within the advertised time, the memory
 * decoded (identity, checksums, monitors tracking the physics), data-path
 * activation lighting the lanes, the password-protected calibration page,
 * and the faults: empty fixture, unpowered module, a flaky bus retried.
 * Also: the wait loops leave the latched flags for the caller (an alarm
 * raised during power-up is still latched after it); a page select and the
 * access after it are one transaction (two threads on one EVB never read
 * each other's page); deactivating some lanes leaves the others' data paths
 * alone; a configuration the module rejects (ConfigStatus) fails activation
 * without releasing a data path; the activation deadline is DPInit max +
 * DPTxTurnOn max; lanes or AppSel out of range are errors; and NACKs right
 * after power-on are ridden out by retries spaced on the board's clock. */
#include "drivers/ll-evb.h"
#include "drivers/ll-module.h"
#include "sim/ll-bench.h"

#include <math.h>
#include <string.h>

typedef struct {
  LlBench *bench;
  LlEvb *evb;
  LlClock *clock;
} Fixture;

static void
setup_bench(Fixture *f, const char *name, const LlDefectMix *mix)
{
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.sites = 2;
  cfg.seed = 42;
  memset(&cfg.mix, 0, sizeof cfg.mix);
  if (mix)
    cfg.mix = *mix;
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish(name, f->bench);
  f->clock = ll_bench_clock(f->bench);
  g_autofree gchar *res = g_strdup_printf("sim:evb?bench=%s&site=1", name);
  g_autoptr(GError) err = NULL;
  f->evb = ll_evb_open("lightline-evb", res, &err);
  g_assert_no_error(err);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  setup_bench(f, "tm", NULL);
  g_assert_true(ll_bench_insert(f->bench, 1, "LL26A0001"));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_evb_close(f->evb);
  ll_bench_unref(f->bench);
  ll_bench_forget_all();
}

static void
test_power_up_and_identity(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_no_error(err);
  gint64 took = ll_clock_now(f->clock) - t0;
  /* page 01h advertises 1-5 s; the twin takes 1.6-2.0 s */
  g_assert_cmpint(took, >=, 1600000);
  g_assert_cmpint(took, <, 5000000);

  g_autoptr(LlCmisImage) img = ll_module_read_image(f->evb, &err);
  g_assert_no_error(err);
  LlCmisModule mod;
  ll_cmis_decode_module(img, &mod);
  g_assert_cmpuint(mod.module_state, ==, LL_CMIS_MODULE_READY);
  g_assert_cmpuint(mod.identifier, ==, 0x19);
  LlCmisIdentity id;
  g_assert_true(ll_cmis_decode_identity(img, &id, &err));
  g_assert_cmpstr(id.vendor_name, ==, "LIGHTLINE");
  g_assert_cmpstr(id.part_number, ==, "LL-800G-DR8");
  g_assert_cmpstr(id.serial_number, ==, "LL26A0001");
  g_assert_cmpfloat(id.max_power_w, ==, 16.0);
  for (guint p = 0; p <= 2; p++) {
    LlCmisChecksum c;
    ll_cmis_check_checksum(img, p, &c);
    g_assert_true(c.present && c.ok);
  }
  g_assert_true(ll_cmis_image_has_page(img, 0, 0x13));

  /* the supply current is the twin's power draw */
  double v, a;
  g_assert_true(ll_evb_measure(f->evb, &v, &a, &err));
  ll_bench_lock(f->bench);
  double want_w = ll_twin_power_w(ll_module_sim_twin(ll_bench_module(f->bench, 1)), 25.0);
  ll_bench_unlock(f->bench);
  g_assert_cmpfloat_with_epsilon(v * a, want_w, want_w * 0.03);
}

static void
test_activate_lights_lanes(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  ll_bench_lock(f->bench);
  LlModuleSim *m = ll_bench_module(f->bench, 1);
  g_assert_false(ll_module_sim_lane_emitting(m, 0));
  ll_bench_unlock(f->bench);
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_true(ll_module_activate(f->evb, 1, 8, f->clock, &err));
  g_assert_no_error(err);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 1100000);
  ll_bench_lock(f->bench);
  for (guint l = 0; l < 8; l++)
    g_assert_true(ll_module_sim_lane_emitting(m, l));
  const LlTwin *twin = ll_module_sim_twin(m);
  ll_bench_unlock(f->bench);

  /* the TX power monitor tracks the physics within the unit's monitor error */
  g_autoptr(LlCmisImage) img = ll_module_read_image(f->evb, &err);
  g_assert_no_error(err);
  LlCmisLaneStatus st;
  g_assert_true(ll_cmis_decode_lane_status(img, 0, &st, &err));
  for (guint l = 0; l < 8; l++) {
    g_assert_cmpuint(st.data_path_state[l], ==, LL_CMIS_DP_ACTIVATED);
    double truth = ll_twin_tx_power_dbm(twin, l, 25.0);
    g_test_message("lane %u: monitor %.2f dBm, true %.2f dBm, monitor error %.2f dB", l + 1,
                   st.tx_power_dbm[l], truth, twin->lane[l].txmon_error_db);
    g_assert_cmpfloat(fabs(st.tx_power_dbm[l] - truth - twin->lane[l].txmon_error_db), <, 0.1);
    g_assert_cmpfloat(st.tx_bias_ma[l], >, 20);
  }
  g_assert_true(ll_module_deactivate(f->evb, 8, &err));
  ll_bench_lock(f->bench);
  g_assert_false(ll_module_sim_lane_emitting(m, 3));
  ll_bench_unlock(f->bench);
  g_assert_true(ll_module_power_down(f->evb, &err));
  guint8 lower[128];
  g_assert_false(ll_module_read_lower(f->evb, lower, &err));
  g_assert_error(err, LL_EVB_ERROR, LL_EVB_ERROR_NOT_POWERED);
}

static void
test_calibration_page_protected(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  guint8 page[128], junk[8] = { 0x40, 0, 0, 0, 0x3F, 0x80, 0, 0 };
  g_assert_true(ll_module_read_page(f->evb, 0, 0x80, page, &err));
  g_assert_cmpuint(page[0], ==, 0x3F); /* 1.0f big-endian: 3F800000 */
  /* without the password the write is ignored */
  g_assert_true(ll_module_write(f->evb, 0, 0x80, 128, junk, 8, &err));
  g_assert_true(ll_module_read_page(f->evb, 0, 0x80, page, &err));
  g_assert_cmpuint(page[0], ==, 0x3F);
  g_assert_true(ll_module_enter_password(f->evb, LL_MODULE_VENDOR_PASSWORD, &err));
  g_assert_true(ll_module_write(f->evb, 0, 0x80, 128, junk, 8, &err));
  g_assert_true(ll_module_read_page(f->evb, 0, 0x80, page, &err));
  g_assert_cmpuint(page[0], ==, 0x40);
}

static void
test_temperature_flags(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  guint8 lower[128];
  g_assert_true(ll_module_read_lower(f->evb, lower, &err));
  g_assert_cmpuint(lower[9], ==, 0); /* 25 C: no temperature flag */
  ll_bench_lock(f->bench);
  ll_bench_set_case_temperature(f->bench, 1, 78.0); /* inside runs ~6 C hotter: over 75 C */
  ll_bench_unlock(f->bench);
  gboolean interrupt = FALSE;
  g_assert_true(ll_module_read_lower(f->evb, lower, &err));
  g_assert_cmpuint(lower[9] & (LL_CMIS_FLAG_TEMP_HIGH_ALARM | LL_CMIS_FLAG_TEMP_HIGH_WARNING), ==,
                   LL_CMIS_FLAG_TEMP_HIGH_ALARM | LL_CMIS_FLAG_TEMP_HIGH_WARNING);
  g_assert_cmpfloat(ll_cmis_decode_temperature((guint16) (lower[14] << 8 | lower[15])), >, 75.0);
  /* latched: the flag stays until read, then comes back while the cause stays */
  ll_bench_lock(f->bench);
  ll_bench_set_case_temperature(f->bench, 1, 25.0);
  ll_bench_unlock(f->bench);
  g_assert_true(ll_module_read_lower(f->evb, lower, &err));
  g_assert_cmpuint(lower[9], ==, 0);
  g_assert_true(ll_evb_interrupt(f->evb, &interrupt, &err));
}

/* ---- the wait loops leave the latched flags alone -------------------- */

typedef struct {
  LlBench *bench;
  LlClock *clock;
  gint64 t0;
} Excursion;

/* Heats the module's case to 80 C from 0.3 s to 0.8 s after @t0, then
 * brings it back to 25 C (the module is powering up meanwhile). */
static gpointer
excursion(gpointer data)
{
  Excursion *x = data;
  ll_clock_sleep_until(x->clock, x->t0 + 300000);
  ll_bench_lock(x->bench);
  ll_bench_set_case_temperature(x->bench, 1, 80.0);
  ll_bench_unlock(x->bench);
  ll_clock_sleep_until(x->clock, x->t0 + 800000);
  ll_bench_lock(x->bench);
  ll_bench_set_case_temperature(x->bench, 1, 25.0);
  ll_bench_unlock(x->bench);
  ll_clock_virtual_leave(x->clock);
  return NULL;
}

/* A temperature excursion while the module powers up sets its latched
 * temperature alarm; the power-up's polling must not read (and so clear)
 * it: it is still there when the flags are read after Ready, the case long
 * back at 25 C. */
static void
test_flags_survive_power_up(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  Excursion x = { f->bench, f->clock, ll_clock_now(f->clock) };
  /* it takes part from its start: its sleeps hold time as ours do */
  GThread *t = ll_clock_virtual_thread_new(f->clock, "excursion", excursion, &x);
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_no_error(err);
  g_assert_cmpint(ll_clock_now(f->clock) - x.t0, >, 1000000); /* Ready after the excursion */
  gboolean took_part = ll_clock_virtual_leave(f->clock);
  g_thread_join(t);
  if (took_part)
    ll_clock_virtual_join(f->clock);

  guint8 lower[128];
  g_assert_true(ll_module_read_lower(f->evb, lower, &err));
  g_assert_no_error(err);
  g_assert_cmpfloat(ll_cmis_decode_temperature((guint16) (lower[14] << 8 | lower[15])), <, 40.0);
  g_assert_cmpuint(lower[9] & LL_CMIS_FLAG_TEMP_HIGH_ALARM, ==, LL_CMIS_FLAG_TEMP_HIGH_ALARM);
  /* read once, the latch clears */
  g_assert_true(ll_module_read_lower(f->evb, lower, &err));
  g_assert_cmpuint(lower[9], ==, 0);
}

/* ---- page select and access are one transaction -------------------------- */

typedef struct {
  LlEvb *evb;
  guint page;
  const guint8 *want;
  guint wrong, failed;
} PageReader;

static gpointer
page_reader(gpointer data)
{
  PageReader *r = data;
  for (guint i = 0; i < 2000; i++) {
    g_autoptr(GError) err = NULL;
    guint8 got[128];
    if (!ll_module_read_page(r->evb, 0, r->page, got, &err))
      r->failed++;
    else if (memcmp(got, r->want, sizeof got) != 0)
      r->wrong++;
  }
  return NULL;
}

/* Four threads share one EVB, each reading its own page: without the page
 * select and the read in one transaction, one thread's select lands between
 * another's select and read, which then reads the wrong page. */
static void
test_page_select_atomic(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_no_error(err);
  static const guint pages[] = { 0x00, 0x01, 0x02, 0x10 };
  guint8 want[G_N_ELEMENTS(pages)][128];
  PageReader r[G_N_ELEMENTS(pages)];
  GThread *t[G_N_ELEMENTS(pages)];
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
    g_assert_true(ll_module_read_page(f->evb, 0, pages[i], want[i], &err));
    g_assert_no_error(err);
    for (guint j = 0; j < i; j++)
      g_assert_true(memcmp(want[i], want[j], 128) != 0);
    r[i] = (PageReader) { f->evb, pages[i], want[i], 0, 0 };
  }
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
    t[i] = g_thread_new("page", page_reader, &r[i]);
  gboolean took_part = ll_clock_virtual_leave(f->clock);
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
    g_thread_join(t[i]);
  if (took_part)
    ll_clock_virtual_join(f->clock);
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
    g_test_message("page %02Xh: %u wrong, %u failed", r[i].page, r[i].wrong, r[i].failed);
    g_assert_cmpuint(r[i].failed, ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
    g_assert_cmpuint(r[i].wrong, ==, 0);
}

/* ---- activation and deactivation ---------------------------------------- */

/* The data-path state of each lane (page 11h bytes 128-131). */
static void
dp_states(Fixture *f, guint8 states[8])
{
  g_autoptr(GError) err = NULL;
  guint8 p11[128];
  g_assert_true(ll_module_read_page(f->evb, 0, 0x11, p11, &err));
  g_assert_no_error(err);
  for (guint i = 0; i < 8; i++)
    states[i] = (p11[i / 2] >> (4 * (i % 2))) & 0x0F;
}

/* Deactivating lanes 1-2 sets their DataPathDeinit bits and leaves the
 * others' alone: lanes 3-8, never activated, stay deactivated. */
static void
test_deactivate_keeps_other_lanes(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_true(ll_module_activate(f->evb, 1, 2, f->clock, &err));
  g_assert_no_error(err);
  guint8 st[8];
  dp_states(f, st);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint(st[i], ==, i < 2 ? LL_CMIS_DP_ACTIVATED : LL_CMIS_DP_DEACTIVATED);
  g_assert_true(ll_module_deactivate(f->evb, 2, &err));
  g_assert_no_error(err);
  ll_clock_sleep(f->clock, 3 * G_USEC_PER_SEC); /* longer than any data path takes */
  dp_states(f, st);
  ll_bench_lock(f->bench);
  LlModuleSim *m = ll_bench_module(f->bench, 1);
  for (guint i = 0; i < 8; i++) {
    g_assert_cmpuint(st[i], ==, LL_CMIS_DP_DEACTIVATED);
    g_assert_false(ll_module_sim_lane_emitting(m, i));
  }
  ll_bench_unlock(f->bench);
  guint8 p10[128];
  g_assert_true(ll_module_read_page(f->evb, 0, 0x10, p10, &err));
  g_assert_cmphex(p10[0], ==, 0xFF);

  /* lanes out of range: an error, nothing sent */
  static const guint bad[] = { 0, 9 };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(ll_module_deactivate(f->evb, bad[i], &err));
    g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
    g_clear_error(&err);
    g_assert_false(ll_module_activate(f->evb, 1, bad[i], f->clock, &err));
    g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
    g_clear_error(&err);
  }
  g_assert_false(ll_module_activate(f->evb, 0, 8, f->clock, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_module_activate(f->evb, 16, 8, f->clock, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
}

/* An AppSel the module does not advertise: ApplyDPInit's ConfigStatus says
 * ConfigRejectedInvalidAppSel, the activation fails at once with that, and
 * no data path is released. */
static void
test_activate_config_rejected(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_false(ll_module_activate(f->evb, 2, 8, f->clock, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_REJECTED);
  g_test_message("%s", err->message);
  g_assert_nonnull(strstr(err->message, "lane 1 ConfigRejectedInvalidAppSel"));
  g_clear_error(&err);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, <, 100000);
  ll_clock_sleep(f->clock, 3 * G_USEC_PER_SEC);
  guint8 st[8];
  dp_states(f, st);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint(st[i], ==, LL_CMIS_DP_DEACTIVATED);
  /* the advertised application is accepted */
  g_assert_true(ll_module_activate(f->evb, 1, 8, f->clock, &err));
  g_assert_no_error(err);
}

/* The activation deadline is DPInit max + DPTxTurnOn max (5 s + 0.5 s as
 * page 01h advertises): a module whose data paths never come up (held in
 * low power by LPMode) is given the whole of it, and the message says where
 * the deadline comes from. */
static void
test_activate_deadline(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_true(ll_evb_set_pin(f->evb, LL_EVB_PIN_LPMODE, TRUE, &err));
  g_assert_no_error(err);
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_false(ll_module_activate(f->evb, 1, 8, f->clock, &err));
  gint64 took = ll_clock_now(f->clock) - t0;
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT);
  g_test_message("after %.3f s: %s", took / 1e6, err->message);
  g_assert_cmpint(took, >=, 5500000);
  g_assert_cmpint(took, <, 5700000);
  g_assert_nonnull(strstr(err->message, "within 5.5 s (DPInit < 5 s + DPTxTurnOn < 0.5 s)"));
}

/* ---- the EVB driver ----------------------------------------------------- */

/* Right after power-on the module does not answer for a while (60 ms for
 * the simulated one): a two-wire read then is NACKed, and the driver's
 * retries, 20, 40 and 80 ms apart on the board's clock (the bench's,
 * through the sim: transport), ride it out. */
static void
test_evb_nack_retries_spaced(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_evb_get_clock(f->evb) == f->clock);
  g_assert_true(ll_evb_set_power(f->evb, TRUE, &err));
  g_assert_no_error(err);
  gint64 t0 = ll_clock_now(f->clock);
  guint8 head[4];
  g_assert_true(ll_evb_twi_read(f->evb, 0x50, 0, head, 4, &err));
  g_assert_no_error(err);
  gint64 took = ll_clock_now(f->clock) - t0;
  g_test_message("answered after %.1f ms", took / 1e3);
  g_assert_cmpint(took, >=, 50000);  /* it had to wait for the module ... */
  g_assert_cmpint(took, <=, 150000); /* ... within the retries */
  g_assert_cmpuint(head[0], ==, 0x19);

  /* the pauses are slept on the clock set: a clock of its own lets no bench
   * time pass, so a module just powered stays silent through all four tries,
   * and that clock moved by exactly the three pauses */
  g_assert_true(ll_evb_set_power(f->evb, FALSE, &err));
  g_assert_true(ll_evb_set_power(f->evb, TRUE, &err));
  g_assert_no_error(err);
  LlClock *own = ll_clock_virtual_new(0);
  ll_evb_set_clock(f->evb, own);
  g_assert_true(ll_evb_get_clock(f->evb) == own);
  g_assert_false(ll_evb_twi_read(f->evb, 0x50, 0, head, 4, &err));
  g_assert_error(err, LL_EVB_ERROR, LL_EVB_ERROR_NACK);
  g_clear_error(&err);
  g_assert_cmpint(ll_clock_now(own), ==, 140000);
  guint8 sel = 0;
  g_assert_false(ll_evb_twi_write(f->evb, 0x50, 127, &sel, 1, &err));
  g_assert_error(err, LL_EVB_ERROR, LL_EVB_ERROR_NACK);
  g_clear_error(&err);
  g_assert_cmpint(ll_clock_now(own), ==, 280000);
  /* back to the default: the transport's (the bench's) clock */
  ll_evb_set_clock(f->evb, NULL);
  g_assert_true(ll_evb_get_clock(f->evb) == f->clock);
  ll_clock_virtual_free(own);
  g_assert_true(ll_evb_twi_write(f->evb, 0x50, 127, &sel, 1, &err));
  g_assert_no_error(err);
}

static void
test_empty_fixture(Fixture *f, gconstpointer data)
{
  ll_bench_remove(f->bench, 1);
  g_autoptr(GError) err = NULL;
  gboolean present = TRUE;
  g_assert_true(ll_evb_module_present(f->evb, &present, &err));
  g_assert_false(present);
  g_assert_false(ll_module_power_up(f->evb, f->clock, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ABSENT);
  g_clear_error(&err);
  g_assert_true(ll_evb_set_power(f->evb, TRUE, &err));
  guint8 b[4];
  g_assert_false(ll_evb_twi_read(f->evb, 0x50, 0, b, 4, &err));
  g_assert_error(err, LL_EVB_ERROR, LL_EVB_ERROR_NO_MODULE);
}

static void
test_flaky_bus(void)
{
  LlDefectMix mix = { 0 };
  mix.p[LL_DEFECT_FLAKY_TWI] = 1.0;
  Fixture f = { 0 };
  setup_bench(&f, "flaky", &mix);
  g_assert_true(ll_bench_insert(f.bench, 1, "LL26F0001"));
  g_autoptr(GError) err = NULL;
  /* NACKs come now and then; the driver retries them */
  g_assert_true(ll_module_power_up(f.evb, f.clock, &err));
  g_assert_no_error(err);
  for (int i = 0; i < 40; i++) {
    g_autoptr(LlCmisImage) img = ll_module_read_image(f.evb, &err);
    g_assert_no_error(err);
  }
  fixture_teardown(&f, NULL);
}

static void
test_wrong_protocol(void)
{
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_evb_open("lightline-evb", "sim:scpi", &err));
  g_assert_nonnull(err);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/module/power-up-identity", test_power_up_and_identity);
  ADD("/module/activate", test_activate_lights_lanes);
  ADD("/module/calibration-page", test_calibration_page_protected);
  ADD("/module/empty-fixture", test_empty_fixture);
  ADD("/module/temperature-flags", test_temperature_flags);
  ADD("/module/flags-survive-power-up", test_flags_survive_power_up);
  ADD("/module/page-select-atomic", test_page_select_atomic);
  ADD("/module/deactivate-keeps-other-lanes", test_deactivate_keeps_other_lanes);
  ADD("/module/activate-config-rejected", test_activate_config_rejected);
  ADD("/module/activate-deadline", test_activate_deadline);
  ADD("/evb/nack-retries-spaced", test_evb_nack_retries_spaced);
  g_test_add_func("/module/flaky-bus", test_flaky_bus);
  g_test_add_func("/module/wrong-protocol", test_wrong_protocol);
  return g_test_run();
}
