/* test-module.c: a module twin on the simulated bench, reached the way the
 * station reaches a real one: the EVB driver over the EVB protocol, CMIS
 * through two-wire access. Power-up within the advertised time, the memory
 * decoded (identity, checksums, monitors tracking the physics), data-path
 * activation lighting the lanes, the password-protected calibration page,
 * and the faults: empty fixture, unpowered module, a flaky bus retried. */
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
  g_test_add_func("/module/flaky-bus", test_flaky_bus);
  g_test_add_func("/module/wrong-protocol", test_wrong_protocol);
  return g_test_run();
}
