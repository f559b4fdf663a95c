/* test-drivers-usb.c: the thorlabs-pm100 power meter driver through the real
 * usbtmc: transport (libusb, USB-TMC framing) against a Thorlabs PM100USB
 * (VID 1313, PID 8072) faked by umockdev (tests/support/ll-fake-usbtmc.c)
 * and answered by the "pm100" simulator on the bench's reference port. The
 * attenuator sets the light through the sim: transport on the same bench.
 *
 * The bench runs in real time here: the USB-TMC transport waits in real
 * time, so nothing would advance a virtual bench clock while it waits.
 *
 * What is proven: the driver identifies the meter over USB, configures it
 * (read back over USB), and reads the light the attenuator sets, dB for dB;
 * a reading takes its averaging time; a dark input reads the floor; a
 * Thorlabs USB id with another instrument behind it is refused; and a meter
 * unplugged mid-session gives a disconnected error, never a value. The fake
 * checks every USB-TMC header the host sends.
 *
 * And the EVB driver over a serial port (USB CDC-ACM, faked the same way)
 * whose board still holds an error from an earlier session: opening clears
 * it, so the first commands and two-wire writes succeed. Runs under
 * umockdev-wrapper. */
#include "drivers/ll-attenuator.h"
#include "drivers/ll-evb.h"
#include "drivers/ll-module.h"
#include "drivers/ll-power-meter.h"
#include "ll-fake-serial.h"
#include "ll-fake-usbtmc.h"
#include "ll-test-util.h"
#include "sim/ll-bench.h"

#include <math.h>
#include <string.h>

#define THORLABS_VID 0x1313
#define PM100USB_PID 0x8072
#define SERIAL "P2001234"

typedef struct {
  UMockdevTestbed *testbed;
  LlBench *bench;
  LlFakeUsbtmc *fake;
} Fixture;

static LlFakeUsbtmc *
add_meter(UMockdevTestbed *tb, LlSimDevice *dev)
{
  LlFakeUsbtmcInfo info = { 5, THORLABS_VID, PM100USB_PID, SERIAL, "Thorlabs", "PM100USB", 0 };
  g_autoptr(GError) err = NULL;
  LlFakeUsbtmc *fake = ll_fake_usbtmc_new(tb, &info, dev, &err);
  g_assert_no_error(err);
  return fake;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  f->testbed = umockdev_testbed_new();
  g_assert_true(umockdev_in_mock_environment());
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.realtime = TRUE;
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish("u1", f->bench);
  g_autoptr(GError) err = NULL;
  LlSimDevice *dev = ll_sim_device_open("sim:pm100?bench=u1&port=rx&serial=" SERIAL, NULL, &err);
  g_assert_no_error(err);
  f->fake = add_meter(f->testbed, dev);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_fake_usbtmc_free(f->fake);
  g_object_unref(f->testbed);
  ll_bench_forget_all();
  ll_bench_unref(f->bench);
}

static double
truth_dbm(Fixture *f)
{
  ll_bench_lock(f->bench);
  double p = ll_bench_port_power_dbm(f->bench, LL_BENCH_PORT_RX);
  ll_bench_unlock(f->bench);
  return p;
}

static double
read_ok(LlPowerMeter *pm)
{
  g_autoptr(GError) err = NULL;
  double v = NAN;
  g_assert_true(ll_power_meter_read_dbm(pm, 1, &v, &err));
  g_assert_no_error(err);
  return v;
}

static void
assert_no_host_errors(Fixture *f)
{
  g_autofree gchar *e = ll_fake_usbtmc_last_host_error(f->fake);
  g_assert_cmpstr(e, ==, NULL);
}

static void
test_measure(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(g_str_has_prefix(ll_fake_usbtmc_resource(f->fake), "usbtmc:1313:8072:"));
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open("thorlabs-pm100",
                                                   ll_fake_usbtmc_resource(f->fake), &err);
  g_assert_no_error(err);
  const LlIdn *idn = ll_power_meter_idn(pm);
  g_assert_cmpstr(idn->maker, ==, "Thorlabs");
  g_assert_cmpstr(idn->model, ==, "PM100USB");
  g_assert_cmpstr(idn->serial, ==, SERIAL);
  g_assert_true(ll_power_meter_set_wavelength(pm, 1, 1311, &err));
  g_assert_no_error(err);
  g_assert_true(ll_power_meter_set_averaging(pm, 1, 0.03, &err));
  g_assert_no_error(err);

  /* dark: the attenuator's output is off */
  g_autoptr(LlAttenuator) voa = ll_attenuator_open("keysight-n776x", "sim:n776x?bench=u1", &err);
  g_assert_no_error(err);
  g_assert_true(ll_attenuator_set_output(voa, 1, FALSE, &err));
  g_assert_no_error(err);
  double dark = read_ok(pm);
  g_assert_cmpfloat(dark, >, -80);
  g_assert_cmpfloat(dark, <, -70);

  /* light, dB for dB */
  g_assert_true(ll_attenuator_set_output(voa, 1, TRUE, &err));
  g_assert_no_error(err);
  g_assert_true(ll_attenuator_set_db(voa, 1, 2, &err));
  g_assert_no_error(err);
  double at2 = read_ok(pm);
  g_assert_cmpfloat_with_epsilon(at2, truth_dbm(f), 0.1);
  g_assert_true(ll_attenuator_set_db(voa, 1, 17, &err));
  g_assert_no_error(err);
  double at17 = read_ok(pm);
  g_assert_cmpfloat_with_epsilon(at17, truth_dbm(f), 0.1);
  g_assert_cmpfloat_with_epsilon(at2 - at17, 15, 0.1);

  /* a reading takes its averaging time, in real time here */
  g_assert_true(ll_power_meter_set_averaging(pm, 1, 0.3, &err));
  g_assert_no_error(err);
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpfloat_with_epsilon(read_ok(pm), truth_dbm(f), 0.05);
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 300000);

  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.out_transfers, >=, 10);
  g_assert_cmpuint(st.in_requests, >=, 8);
  g_assert_cmpuint(st.host_errors, ==, 0);
  assert_no_host_errors(f);
}

static void
test_unplugged(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open("thorlabs-pm100",
                                                   ll_fake_usbtmc_resource(f->fake), &err);
  g_assert_no_error(err);
  read_ok(pm);
  ll_fake_usbtmc_unplug(f->fake);
  double v = 12345;
  g_assert_false(ll_power_meter_read_dbm(pm, 1, &v, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpfloat(v, ==, 12345);
  g_clear_error(&err);
  g_assert_false(ll_power_meter_set_wavelength(pm, 1, 1311, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
}

static void
test_wrong_instrument(Fixture *f, gconstpointer data)
{
  /* a Thorlabs USB id, but a generic SCPI instrument answering */
  LlFakeUsbtmcInfo info = { 6, THORLABS_VID, PM100USB_PID, "P2009999", "Thorlabs", "PM100USB", 0 };
  g_autoptr(GError) err = NULL;
  g_autoptr(LlFakeUsbtmc) other = ll_fake_usbtmc_new(f->testbed, &info,
                                                     ll_test_sim_device("serial=P2009999"), &err);
  g_assert_no_error(err);
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open("thorlabs-pm100",
                                                   ll_fake_usbtmc_resource(other), &err);
  g_assert_null(pm);
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "SIM-SCPI"));
}

/* A real board keeps its error queue between sessions (the simulator
 * behind a serial port does too, unlike a fresh sim: session): an error an
 * earlier session left there must not be taken for the failure of the
 * first command of the next one. ll_evb_open() clears the status. */
static void
test_evb_stale_error(Fixture *f, gconstpointer data)
{
  g_assert_true(ll_bench_insert(f->bench, 1, "LL26U0001"));
  g_autoptr(GError) err = NULL;
  LlSimDevice *dev = ll_sim_device_open("sim:evb?bench=u1&site=1", NULL, &err);
  g_assert_no_error(err);
  /* the earlier session's last command was one the board did not know */
  static const char bogus[] = "BOGUS:COMMand 1\n";
  ll_sim_device_write(dev, (const guint8 *) bogus, strlen(bogus), TRUE);
  LlFakeSerialInfo info = { "ttyACM0", 0x0483, 0x5740, "EVB-0001", "STMicroelectronics",
                            "Lightline EVB", 7 };
  g_autoptr(LlFakeSerial) port = ll_fake_serial_new(f->testbed, &info, dev, &err);
  g_assert_no_error(err);
  g_autoptr(LlEvb) evb = ll_evb_open("lightline-evb", "serial:/dev/ttyACM0?baud=115200", &err);
  g_assert_no_error(err);
  g_assert_true(ll_evb_get_clock(evb) == ll_clock_system()); /* a real port: real time */
  g_assert_true(ll_evb_set_power(evb, TRUE, &err));
  g_assert_no_error(err);
  g_assert_true(ll_module_power_on_low_power(evb, ll_clock_system(), &err));
  g_assert_no_error(err);
  guint8 sel[2] = { 0, 0x01 }, back[2] = { 0xAA, 0xAA };
  g_assert_true(ll_evb_twi_write(evb, 0x50, 126, sel, 2, &err));
  g_assert_no_error(err);
  g_assert_true(ll_evb_twi_read(evb, 0x50, 126, back, 2, &err));
  g_assert_no_error(err);
  g_assert_cmpmem(back, 2, sel, 2);
  g_assert_true(ll_module_power_down(evb, &err));
  g_assert_no_error(err);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/usb/pm100/measure", test_measure);
  ADD("/usb/pm100/unplugged", test_unplugged);
  ADD("/usb/pm100/wrong-instrument", test_wrong_instrument);
  ADD("/serial/evb/stale-error", test_evb_stale_error);
#undef ADD
  return g_test_run();
}
