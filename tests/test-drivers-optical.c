/* test-drivers-optical.c: the power meter (thorlabs-pm100, keysight-n774x),
 * attenuator (keysight-n776x) and optical switch (scpi-switch) drivers
 * against their simulators (pm100, n774x, n776x, switch) through the sim:
 * transport, on a bench each test creates and publishes as "t1" with a
 * module in site 1. The bench runs on a virtual clock, so averaging and
 * settling times cost nothing and can be checked on the bench clock.
 *
 * What is proven: the meter on the reference port follows the attenuator
 * dB for dB and agrees with the bench's true power; a wavelength set away
 * from the light's costs the responsivity error; a reading takes its
 * averaging time on the bench clock, and longer averaging gives less noise;
 * a reading longer than the transport timeout still arrives; a dark input
 * reads the floor, an over-range input is an error; a meter whose unit was
 * changed behind the driver (raw SCPI, a *RST) gives an error, never a
 * reading in W taken for dBm; the multi-channel meter
 * keeps channels apart (also with two threads); with a Ready module brought
 * up through the EVB driver, each lane the switch selects reaches the TX
 * meters at its launch power less the path loss. The attenuator and switch
 * settle on the bench clock and read back what was set; a read-back that
 * does not match (an attenuator with a coarser step, a stuck switch) is an
 * error. Bad channels, sections and values fail before
 * anything is sent; values the driver lets through but the instrument
 * refuses fail with the instrument's error. Each driver refuses an
 * instrument of another kind; an instrument that stops answering, answers
 * garbage or disconnects at any point of a transaction gives an error,
 * never a value; and a setting the instrument reports an error for fails. */
#include "drivers/ll-attenuator.h"
#include "drivers/ll-evb.h"
#include "drivers/ll-module.h"
#include "drivers/ll-optical-switch.h"
#include "drivers/ll-power-meter.h"
#include "sim/ll-bench.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#define PM100_RX "sim:pm100?bench=t1&port=rx"
#define PM100_TX "sim:pm100?bench=t1&port=tx"
#define N774X "sim:n774x?bench=t1&ports=tx,rx"
#define VOA "sim:n776x?bench=t1"
#define SWITCH "sim:switch?bench=t1"
#define SERIAL "SN0001"

typedef struct {
  LlBench *bench;
  LlClock *clock;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.seed = 3;
  memset(&cfg.mix, 0, sizeof cfg.mix); /* no defects */
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish("t1", f->bench);
  f->clock = ll_bench_clock(f->bench);
  g_assert_true(ll_bench_insert(f->bench, 1, SERIAL));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_bench_forget_all();
  ll_bench_unref(f->bench);
}

static LlPowerMeter *
pm_open(const char *driver, const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlPowerMeter *pm = ll_power_meter_open(driver, resource, &err);
  g_assert_no_error(err);
  g_assert_nonnull(pm);
  return pm;
}

static LlAttenuator *
voa_open(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlAttenuator *a = ll_attenuator_open("keysight-n776x", resource, &err);
  g_assert_no_error(err);
  g_assert_nonnull(a);
  return a;
}

static LlOpticalSwitch *
sw_open(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlOpticalSwitch *s = ll_optical_switch_open("scpi-switch", resource, &err);
  g_assert_no_error(err);
  g_assert_nonnull(s);
  return s;
}

static double
truth_dbm(Fixture *f, LlBenchPort port)
{
  ll_bench_lock(f->bench);
  double p = ll_bench_port_power_dbm(f->bench, port);
  ll_bench_unlock(f->bench);
  return p;
}

static double
truth_nm(Fixture *f, LlBenchPort port)
{
  ll_bench_lock(f->bench);
  double nm = ll_bench_port_wavelength_nm(f->bench, port);
  ll_bench_unlock(f->bench);
  return nm;
}

static void
set_db(LlAttenuator *a, double db)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_attenuator_set_db(a, 1, db, &err));
  g_assert_no_error(err);
}

/* The reference transmitter's light through the attenuator at @db. */
static LlAttenuator *
light_on(double db)
{
  g_autoptr(GError) err = NULL;
  LlAttenuator *a = voa_open(VOA);
  g_assert_true(ll_attenuator_set_output(a, 1, TRUE, &err));
  g_assert_no_error(err);
  set_db(a, db);
  return a;
}

static void
setup_meter(LlPowerMeter *pm, guint channel, double nm, double avg_s)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_power_meter_set_wavelength(pm, channel, nm, &err));
  g_assert_no_error(err);
  g_assert_true(ll_power_meter_set_averaging(pm, channel, avg_s, &err));
  g_assert_no_error(err);
}

static double
read_ok(LlPowerMeter *pm, guint channel)
{
  g_autoptr(GError) err = NULL;
  double v = NAN;
  g_assert_true(ll_power_meter_read_dbm(pm, channel, &v, &err));
  g_assert_no_error(err);
  g_assert_true(isfinite(v));
  return v;
}

static gchar *
raw_query(LlScpi *scpi, const char *q)
{
  g_autoptr(GError) err = NULL;
  gchar *r = ll_scpi_query(scpi, q, &err);
  g_assert_no_error(err);
  return r;
}

/* The instrument's error queue is empty (nothing was sent that it refused). */
static void
assert_queue_clean(LlScpi *scpi)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_check_errors(scpi, &err));
  g_assert_no_error(err);
}

/* Sends @cmd raw and expects the instrument to report SCPI error @code. */
static void
assert_refused(LlScpi *scpi, const char *cmd, const char *code)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_write(scpi, cmd, &err));
  g_assert_false(ll_scpi_check_errors(scpi, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, code));
}

/* ---- power meters ---------------------------------------------------------- */

static void
test_pm100_open(Fixture *f, gconstpointer data)
{
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX "&serial=P2009999");
  const LlIdn *idn = ll_power_meter_idn(pm);
  g_assert_cmpstr(idn->maker, ==, "Thorlabs");
  g_assert_cmpstr(idn->model, ==, "PM100USB");
  g_assert_cmpstr(idn->serial, ==, "P2009999");
  g_assert_cmpuint(ll_power_meter_channels(pm), ==, 1);
  /* the meter starts in W: the driver put it in dBm with auto-ranging */
  g_autofree gchar *unit = raw_query(ll_power_meter_scpi(pm), "SENS:POW:UNIT?");
  g_assert_cmpstr(unit, ==, "DBM");
  g_autofree gchar *range = raw_query(ll_power_meter_scpi(pm), "SENS:POW:RANG:AUTO?");
  g_assert_cmpstr(range, ==, "1");
  assert_queue_clean(ll_power_meter_scpi(pm));
}

static void
test_pm100_follows_attenuator(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(0);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX);
  setup_meter(pm, 1, truth_nm(f, LL_BENCH_PORT_RX), 0.3);
  double at0 = read_ok(pm, 1);
  g_assert_cmpfloat_with_epsilon(at0, truth_dbm(f, LL_BENCH_PORT_RX), 0.05);
  static const double steps[] = { 1, 3, 7.5, 10, 20, 30, 40 };
  for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
    set_db(voa, steps[i]);
    double r = read_ok(pm, 1);
    g_assert_cmpfloat_with_epsilon(at0 - r, steps[i], 0.05); /* dB for dB */
    g_assert_cmpfloat_with_epsilon(r, truth_dbm(f, LL_BENCH_PORT_RX), 0.05);
  }
}

static void
test_pm100_wavelength(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(5);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX);
  g_autoptr(GError) err = NULL;
  double nm = truth_nm(f, LL_BENCH_PORT_RX);
  g_assert_cmpfloat(nm, >, 1200);
  setup_meter(pm, 1, nm, 1.0);
  double matched = read_ok(pm, 1);
  setup_meter(pm, 1, 1550, 1.0);
  double mismatched = read_ok(pm, 1);
  /* the head calibrated for 1550 nm reads 1311 nm light low: 0.003 dB/nm */
  g_assert_cmpfloat_with_epsilon(mismatched - matched, 0.003 * (nm - 1550), 0.02);
  g_autofree gchar *wav = raw_query(ll_power_meter_scpi(pm), "SENS:CORR:WAV?");
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(wav, NULL), 1550, 1e-6);

  /* outside the family's range: refused before sending */
  g_assert_false(ll_power_meter_set_wavelength(pm, 1, 300, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_power_meter_set_wavelength(pm, 1, NAN, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  assert_queue_clean(ll_power_meter_scpi(pm));
  /* inside the family's but outside this InGaAs head's: the meter refuses */
  g_assert_false(ll_power_meter_set_wavelength(pm, 1, 500, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-222"));
  g_clear_error(&err);
  /* and keeps its setting and works on */
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), mismatched, 0.02);
  g_assert_false(ll_power_meter_read_dbm(pm, 2, &nm, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static double
sd_of(const double *v, guint n)
{
  double m = 0, s = 0;
  for (guint i = 0; i < n; i++)
    m += v[i] / n;
  for (guint i = 0; i < n; i++)
    s += (v[i] - m) * (v[i] - m) / (n - 1);
  return sqrt(s);
}

static void
test_pm100_averaging(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(10);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX);
  g_autoptr(GError) err = NULL;
  double nm = truth_nm(f, LL_BENCH_PORT_RX);
  enum { N = 24 };
  double fast[N], slow[N];

  setup_meter(pm, 1, nm, 0.003);
  gint64 t0 = ll_clock_now(f->clock);
  for (guint i = 0; i < N; i++)
    fast[i] = read_ok(pm, 1);
  gint64 t1 = ll_clock_now(f->clock);
  g_assert_cmpint(t1 - t0, >=, N * 3000);
  g_assert_cmpint(t1 - t0, <, N * 3000 + 10000);

  setup_meter(pm, 1, nm, 0.6);
  g_autofree gchar *count = raw_query(ll_power_meter_scpi(pm), "SENS:AVER:COUN?");
  g_assert_cmpstr(count, ==, "200"); /* 0.6 s of 3 ms samples */
  t0 = ll_clock_now(f->clock);
  slow[0] = read_ok(pm, 1);
  t1 = ll_clock_now(f->clock);
  g_assert_cmpint(t1 - t0, >=, 600000);
  g_assert_cmpint(t1 - t0, <, 610000);
  for (guint i = 1; i < N; i++)
    slow[i] = read_ok(pm, 1);

  /* readings are measurements: noisy, less so with longer averaging */
  double sd_fast = sd_of(fast, N), sd_slow = sd_of(slow, N);
  g_assert_cmpfloat(sd_fast, >, 0.005);
  g_assert_cmpfloat(sd_slow, <, sd_fast / 5);
  g_assert_cmpfloat(sd_slow, >, 0);

  g_assert_false(ll_power_meter_set_averaging(pm, 1, 0.001, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_power_meter_set_averaging(pm, 1, 100, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  assert_queue_clean(ll_power_meter_scpi(pm));
}

static void
test_pm100_dark(Fixture *f, gconstpointer data)
{
  /* the reference port with the attenuator's output off, and the TX port
   * with the module not powered: the meter's floor, not an error */
  g_autoptr(LlAttenuator) voa = voa_open(VOA);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_attenuator_set_output(voa, 1, FALSE, &err));
  g_assert_no_error(err);
  g_assert_true(isinf(truth_dbm(f, LL_BENCH_PORT_RX)));
  g_assert_true(isinf(truth_dbm(f, LL_BENCH_PORT_TX)));
  const char *res[] = { PM100_RX, PM100_TX };
  for (guint i = 0; i < G_N_ELEMENTS(res); i++) {
    g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", res[i]);
    double r = read_ok(pm, 1);
    g_assert_cmpfloat(r, >, -80);
    g_assert_cmpfloat(r, <, -70);
  }
}

static void
test_pm100_over_range(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(35);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX);
  g_autoptr(GError) err = NULL;
  setup_meter(pm, 1, truth_nm(f, LL_BENCH_PORT_RX), 0.01);
  double low = read_ok(pm, 1);
  /* someone fixed the range at the low light's decade ... */
  g_assert_true(ll_scpi_write(ll_power_meter_scpi(pm), "SENS:POW:RANG:AUTO OFF", &err));
  g_assert_no_error(err);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), low, 0.1);
  /* ... and the light came up 30 dB: over-range is an error, not a number */
  set_db(voa, 5);
  double v = 12345;
  g_assert_false(ll_power_meter_read_dbm(pm, 1, &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_assert_cmpfloat(v, ==, 12345);
  g_clear_error(&err);
  /* auto-ranging again: the reading is back */
  g_assert_true(ll_scpi_write(ll_power_meter_scpi(pm), "SENS:POW:RANG:AUTO ON", &err));
  g_assert_no_error(err);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
}

/* Reading refused: @err is LL_SCPI_ERROR_INSTRUMENT about the unit, and
 * the value was not written. */
static void
assert_unit_refused(LlPowerMeter *pm, guint channel, const char *unit)
{
  g_autoptr(GError) err = NULL;
  double v = 12345;
  g_assert_false(ll_power_meter_read_dbm(pm, channel, &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_autofree gchar *want = g_strdup_printf("answers '%s', not dBm", unit);
  g_assert_nonnull(strstr(err->message, want));
  g_assert_cmpfloat(v, ==, 12345);
}

/* A meter whose unit was switched to W behind the driver (raw SCPI, or a
 * *RST: the PM100's default unit is W) answers a reading in W; read as dBm
 * a dark input (~3e-11 W) would be 0 dBm, a plausible launch power. The
 * driver asks the unit with every reading and refuses anything but dBm. */
static void
test_pm100_unit_changed(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(10);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_RX);
  g_autoptr(GError) err = NULL;
  setup_meter(pm, 1, truth_nm(f, LL_BENCH_PORT_RX), 0.01);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
  LlScpi *scpi = ll_power_meter_scpi(pm);
  g_assert_true(ll_scpi_write(scpi, "SENS:POW:UNIT W", &err));
  g_assert_no_error(err);
  assert_unit_refused(pm, 1, "W");
  g_assert_true(ll_scpi_write(scpi, "SENS:POW:UNIT DBM", &err));
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), truth_dbm(f, LL_BENCH_PORT_RX), 0.1);

  /* the dark input after a *RST: the meter answers a tiny positive number
   * of watts, which taken as dBm is 0 dBm, inside any launch window */
  g_assert_true(ll_attenuator_set_output(voa, 1, FALSE, &err));
  g_assert_no_error(err);
  g_assert_true(ll_scpi_reset(scpi, &err));
  g_assert_no_error(err);
  double raw = NAN;
  g_assert_true(ll_scpi_query_double(scpi, "MEAS:POW?", &raw, &err));
  g_assert_no_error(err);
  g_assert_cmpfloat(raw, >, 0);
  g_assert_cmpfloat(raw, <, 1e-9);
  assert_unit_refused(pm, 1, "W");
  /* opened again, the meter is set up again and reads the floor */
  g_clear_pointer(&pm, ll_power_meter_close);
  pm = pm_open("thorlabs-pm100", PM100_RX);
  double dark = read_ok(pm, 1);
  g_assert_cmpfloat(dark, >, -80);
  g_assert_cmpfloat(dark, <, -70);
}

/* The same on one channel of the multi-channel meter, whose unit query
 * answers a number (+0 dBm, +1 W): the other channels still read. */
static void
test_n774x_unit_changed(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(8);
  g_autoptr(LlPowerMeter) pm = pm_open("keysight-n774x", "sim:n774x?bench=t1&ports=rx,rx");
  g_autoptr(GError) err = NULL;
  double nm = truth_nm(f, LL_BENCH_PORT_RX), truth = truth_dbm(f, LL_BENCH_PORT_RX);
  setup_meter(pm, 1, nm, 0.01);
  setup_meter(pm, 2, nm, 0.01);
  LlScpi *scpi = ll_power_meter_scpi(pm);
  g_assert_true(ll_scpi_write(scpi, ":SENS2:POW:UNIT 1", &err));
  g_assert_no_error(err);
  assert_unit_refused(pm, 2, "+1");
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 1), truth, 0.1);
  g_assert_true(ll_scpi_write(scpi, ":SENS2:POW:UNIT DBM", &err));
  g_assert_no_error(err);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth, 0.1);
  assert_queue_clean(scpi);
}

static void
test_n774x_wavelength_reset(Fixture *f, gconstpointer data)
{
  /* a *RST keeps the unit (dBm) but drops the wavelength to the default:
   * the reading must be refused, not corrected for the wrong wavelength */
  g_autoptr(LlAttenuator) voa = light_on(8);
  g_autoptr(LlPowerMeter) pm = pm_open("keysight-n774x", "sim:n774x?bench=t1&ports=rx,rx");
  g_autoptr(GError) err = NULL;
  double nm = truth_nm(f, LL_BENCH_PORT_RX);
  setup_meter(pm, 2, nm, 0.01);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
  g_assert_true(ll_scpi_write(ll_power_meter_scpi(pm), "*RST", &err));
  double v = 12345;
  g_assert_false(ll_power_meter_read_dbm(pm, 2, &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "wavelength"));
  g_assert_cmpfloat(v, ==, 12345);
  g_clear_error(&err);
  /* set up again, it reads */
  setup_meter(pm, 2, nm, 0.01);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
}

static void
test_n774x_channels(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(8);
  g_autoptr(LlPowerMeter) pm = pm_open("keysight-n774x", N774X);
  g_autoptr(GError) err = NULL;
  g_assert_cmpstr(ll_power_meter_idn(pm)->maker, ==, "Keysight Technologies");
  g_assert_cmpstr(ll_power_meter_idn(pm)->model, ==, "N7744A");
  g_assert_cmpuint(ll_power_meter_channels(pm), ==, 4); /* from the driver's model row */
  double nm = truth_nm(f, LL_BENCH_PORT_RX);
  for (guint ch = 1; ch <= 4; ch++)
    setup_meter(pm, ch, nm, 0.1);
  /* the wavelength is answered in metres */
  g_autofree gchar *wav = raw_query(ll_power_meter_scpi(pm), ":SENS2:POW:WAV?");
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(wav, NULL), nm * 1e-9, 1e-12);
  g_autofree gchar *unit = raw_query(ll_power_meter_scpi(pm), ":SENS3:POW:UNIT?");
  g_assert_cmpstr(unit, ==, "+0");

  /* channel 2 is cabled to the reference port, 1 to the dark TX port, 3 and 4 to nothing */
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth_dbm(f, LL_BENCH_PORT_RX), 0.05);
  for (guint ch = 1; ch <= 4; ch += ch == 1 ? 2 : 1) {
    double r = read_ok(pm, ch);
    g_assert_cmpfloat(r, >, -80);
    g_assert_cmpfloat(r, <, -70);
  }
  set_db(voa, 18);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth_dbm(f, LL_BENCH_PORT_RX), 0.05);

  /* a channel the N7744A does not have */
  double v;
  g_assert_false(ll_power_meter_read_dbm(pm, 5, &v, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_power_meter_set_wavelength(pm, 0, nm, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_power_meter_set_averaging(pm, 2, 20, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  assert_queue_clean(ll_power_meter_scpi(pm));
  /* the instrument itself refuses a channel it does not have */
  assert_refused(ll_power_meter_scpi(pm), ":SENS5:POW:ATIM 0.1", "-114");
  assert_refused(ll_power_meter_scpi(pm), ":SENS1:POW:WAV 2000NM", "-222");

  /* averaging longer than the transport's 2 s timeout: the reading still arrives */
  setup_meter(pm, 2, nm, 5.0);
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_cmpfloat_with_epsilon(read_ok(pm, 2), truth_dbm(f, LL_BENCH_PORT_RX), 0.05);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 5000000);
}

typedef struct {
  LlPowerMeter *pm;
  guint channel;
  double nm;
  double readings[12];
  gboolean ok;
} MeterWorker;

static gpointer
meter_worker(gpointer p)
{
  MeterWorker *w = p;
  w->ok = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS(w->readings) && w->ok; i++) {
    g_autoptr(GError) err = NULL;
    w->ok = ll_power_meter_set_wavelength(w->pm, w->channel, w->nm, &err) &&
            ll_power_meter_set_averaging(w->pm, w->channel, 0.05 * w->channel, &err) &&
            ll_power_meter_read_dbm(w->pm, w->channel, &w->readings[i], &err);
  }
  return NULL;
}

static void
test_n774x_threads(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) voa = light_on(3);
  g_autoptr(LlPowerMeter) pm = pm_open("keysight-n774x", "sim:n774x?bench=t1&ports=rx,rx");
  double nm = truth_nm(f, LL_BENCH_PORT_RX), truth = truth_dbm(f, LL_BENCH_PORT_RX);
  MeterWorker w[2] = { { pm, 1, nm, { 0 }, FALSE }, { pm, 2, 1550, { 0 }, FALSE } };
  GThread *t[2];
  for (guint i = 0; i < 2; i++)
    t[i] = g_thread_new("meter", meter_worker, &w[i]);
  /* waiting for the workers is not work on the bench clock (ll-clock.h) */
  gboolean took_part = ll_clock_virtual_leave(f->clock);
  for (guint i = 0; i < 2; i++)
    g_thread_join(t[i]);
  if (took_part)
    ll_clock_virtual_join(f->clock);
  g_assert_true(w[0].ok);
  g_assert_true(w[1].ok);
  /* each channel read with its own wavelength setting */
  for (guint i = 0; i < G_N_ELEMENTS(w[0].readings); i++) {
    g_assert_cmpfloat_with_epsilon(w[0].readings[i], truth, 0.06);
    g_assert_cmpfloat_with_epsilon(w[1].readings[i], truth + 0.003 * (nm - 1550), 0.06);
  }
}

/* Brings the module the fixture put in site 1 to Ready with every data path
 * active, through the EVB driver, as a station does. */
static void
module_ready(Fixture *f)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlEvb) evb = ll_evb_open("lightline-evb", "sim:evb?bench=t1&site=1", &err);
  g_assert_no_error(err);
  g_assert_true(ll_module_power_up(evb, f->clock, &err));
  g_assert_no_error(err);
  guint lanes = ll_bench_config(f->bench)->product->lanes;
  g_assert_true(ll_module_activate(evb, 1, lanes, f->clock, &err));
  g_assert_no_error(err);
}

static void
test_tx_lanes(Fixture *f, gconstpointer data)
{
  module_ready(f);
  g_autoptr(LlOpticalSwitch) sw = sw_open(SWITCH);
  g_autoptr(LlPowerMeter) pm = pm_open("thorlabs-pm100", PM100_TX);
  g_autoptr(LlPowerMeter) nx = pm_open("keysight-n774x", N774X);
  g_autoptr(GError) err = NULL;
  const LlProduct *product = ll_bench_config(f->bench)->product;
  ll_bench_lock(f->bench);
  LlModuleSim *m = ll_bench_module(f->bench, 1);
  const LlTwin *twin = ll_module_sim_twin(m);
  double case_c = ll_module_sim_case_temperature(m);
  ll_bench_unlock(f->bench);
  for (guint lane = 1; lane <= product->lanes; lane++) {
    g_assert_true(ll_optical_switch_select(sw, 1, lane, &err));
    g_assert_no_error(err);
    double nm = product->wavelength_nm[lane - 1];
    g_assert_cmpfloat_with_epsilon(truth_nm(f, LL_BENCH_PORT_TX), nm, 1e-9);
    setup_meter(pm, 1, nm, 0.2);
    setup_meter(nx, 1, nm, 0.2);
    double truth = truth_dbm(f, LL_BENCH_PORT_TX);
    double r = read_ok(pm, 1);
    g_assert_cmpfloat_with_epsilon(r, truth, 0.05);
    g_assert_cmpfloat_with_epsilon(read_ok(nx, 1), truth, 0.05);
    /* the lane's launch power less fibre, switch and splitter: 4.0-4.8 dB */
    double launch = ll_twin_tx_power_dbm(twin, lane - 1, case_c);
    g_assert_cmpfloat(launch - r, >, 3.9);
    g_assert_cmpfloat(launch - r, <, 4.9);
  }
}

/* ---- attenuator ------------------------------------------------------------ */

static void
test_attenuator_set(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) a = voa_open(VOA);
  g_autoptr(GError) err = NULL;
  g_assert_cmpstr(ll_attenuator_idn(a)->model, ==, "N7764A");
  g_assert_cmpuint(ll_attenuator_channels(a), ==, 4);
  g_assert_true(ll_attenuator_set_wavelength(a, 1, 1311, &err));
  g_assert_no_error(err);
  g_assert_true(ll_attenuator_set_output(a, 1, TRUE, &err));
  g_assert_no_error(err);

  /* a 10 dB change settles in 60 ms + 1.5 ms/dB on the bench clock */
  gint64 t0 = ll_clock_now(f->clock);
  set_db(a, 10);
  gint64 dt = ll_clock_now(f->clock) - t0;
  g_assert_cmpint(dt, >=, 75000);
  g_assert_cmpint(dt, <, 85000);
  /* 50 dB: 135 ms; the whole range: capped at 150 ms */
  t0 = ll_clock_now(f->clock);
  set_db(a, 60);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 135000);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, <, 145000);
  t0 = ll_clock_now(f->clock);
  set_db(a, 0);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 150000);
  g_assert_cmpint(ll_clock_now(f->clock) - t0, <, 160000);

  set_db(a, 12.345);
  double db = 0;
  g_assert_true(ll_attenuator_get_db(a, 1, &db, &err));
  g_assert_cmpfloat_with_epsilon(db, 12.345, 1e-9);
  ll_bench_lock(f->bench);
  g_assert_cmpfloat_with_epsilon(ll_bench_voa_attenuation(f->bench), 12.345, 1e-9);
  g_assert_true(ll_bench_voa_enabled(f->bench));
  ll_bench_unlock(f->bench);

  /* channel 3 is set and read back, but is not the bench's attenuator */
  g_assert_true(ll_attenuator_set_db(a, 3, 40, &err));
  g_assert_no_error(err);
  g_assert_true(ll_attenuator_get_db(a, 3, &db, &err));
  g_assert_cmpfloat(db, ==, 40);
  ll_bench_lock(f->bench);
  g_assert_cmpfloat_with_epsilon(ll_bench_voa_attenuation(f->bench), 12.345, 1e-9);
  ll_bench_unlock(f->bench);

  /* the output shutter */
  g_assert_true(ll_attenuator_set_output(a, 1, FALSE, &err));
  g_assert_no_error(err);
  g_assert_true(isinf(truth_dbm(f, LL_BENCH_PORT_RX)));

  /* the instrument keeps its state between sessions */
  g_autoptr(LlAttenuator) again = voa_open(VOA);
  g_assert_true(ll_attenuator_get_db(again, 1, &db, &err));
  g_assert_cmpfloat_with_epsilon(db, 12.345, 1e-9);
}

static void
test_attenuator_bad_arguments(Fixture *f, gconstpointer data)
{
  g_autoptr(LlAttenuator) a = light_on(7);
  g_autoptr(GError) err = NULL;
  static const double bad[] = { -0.1, 60.001, 100, NAN, INFINITY };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(ll_attenuator_set_db(a, 1, bad[i], &err));
    g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&err);
  }
  g_assert_false(ll_attenuator_set_db(a, 5, 3, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_attenuator_set_output(a, 0, TRUE, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_attenuator_set_wavelength(a, 1, 900, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  /* nothing reached the instrument */
  assert_queue_clean(ll_attenuator_scpi(a));
  ll_bench_lock(f->bench);
  g_assert_cmpfloat(ll_bench_voa_attenuation(f->bench), ==, 7);
  ll_bench_unlock(f->bench);
  /* within the family's range but not this instrument's */
  g_assert_false(ll_attenuator_set_wavelength(a, 1, 1250, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-222"));
  g_clear_error(&err);
  /* the simulator's own checks */
  assert_refused(ll_attenuator_scpi(a), ":INP1:ATT 70", "-222");
  assert_refused(ll_attenuator_scpi(a), ":INP5:ATT 1", "-114");
  assert_refused(ll_attenuator_scpi(a), ":OUTP1:STAT MAYBE", "-224");
  assert_refused(ll_attenuator_scpi(a), ":INP1:ATT 3XB", "-131");
}

static void
test_attenuator_read_back(Fixture *f, gconstpointer data)
{
  /* an attenuator that sets in 0.05 dB steps: 5.02 dB comes back 5.00 */
  g_autoptr(LlAttenuator) a = voa_open(VOA "&resolution=0.05");
  g_autoptr(GError) err = NULL;
  g_assert_false(ll_attenuator_set_db(a, 1, 5.02, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "5.000"));
  g_clear_error(&err);
  g_assert_true(ll_attenuator_set_db(a, 1, 5.05, &err));
  g_assert_no_error(err);
  g_assert_true(ll_attenuator_set_db(a, 1, 5.009, &err)); /* within 0.01 dB */
  g_assert_no_error(err);
}

/* ---- switch ---------------------------------------------------------------- */

static void
test_switch_select(Fixture *f, gconstpointer data)
{
  g_autoptr(LlOpticalSwitch) sw = sw_open(SWITCH);
  g_autoptr(GError) err = NULL;
  g_assert_cmpstr(ll_optical_switch_idn(sw)->model, ==, "GP700");
  g_assert_cmpuint(ll_optical_switch_sections(sw), ==, 2);
  g_assert_cmpuint(ll_optical_switch_channels(sw), ==, 8);
  guint ch = 99;
  g_assert_true(ll_optical_switch_get(sw, 1, &ch, &err));
  g_assert_cmpuint(ch, ==, 0); /* nothing selected yet on a new bench */
  for (guint s = 1; s <= 2; s++)
    for (guint c = 8; c >= 1; c--) {
      gint64 t0 = ll_clock_now(f->clock);
      g_assert_true(ll_optical_switch_select(sw, s, c, &err));
      g_assert_no_error(err);
      g_assert_cmpint(ll_clock_now(f->clock) - t0, >=, 20000); /* settled */
      g_assert_true(ll_optical_switch_get(sw, s, &ch, &err));
      g_assert_cmpuint(ch, ==, c);
      ll_bench_lock(f->bench);
      g_assert_cmpuint(ll_bench_switch_get(f->bench, s), ==, c);
      g_assert_cmpuint(ll_bench_switch_get(f->bench, 3 - s), ==, s == 1 ? 0 : 1);
      ll_bench_unlock(f->bench);
    }
  /* selecting the channel already selected does not move anything */
  gint64 t0 = ll_clock_now(f->clock);
  g_assert_true(ll_optical_switch_select(sw, 2, 1, &err));
  g_assert_cmpint(ll_clock_now(f->clock) - t0, <, 20000);
}

static void
test_switch_bad_arguments(Fixture *f, gconstpointer data)
{
  g_autoptr(LlOpticalSwitch) sw = sw_open(SWITCH);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_optical_switch_select(sw, 1, 4, &err));
  static const guint bad[][2] = { { 0, 1 }, { 3, 1 }, { 1, 0 }, { 1, 9 }, { 2, 100 } };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(ll_optical_switch_select(sw, bad[i][0], bad[i][1], &err));
    g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&err);
  }
  guint ch;
  g_assert_false(ll_optical_switch_get(sw, 3, &ch, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  assert_queue_clean(ll_optical_switch_scpi(sw));
  ll_bench_lock(f->bench);
  g_assert_cmpuint(ll_bench_switch_get(f->bench, 1), ==, 4);
  ll_bench_unlock(f->bench);
  LlScpi *scpi = ll_optical_switch_scpi(sw);
  assert_refused(scpi, ":ROUT1:CHAN1 A,9", "-222");
  assert_refused(scpi, ":ROUT1:CHAN1 A,0", "-222");
  assert_refused(scpi, ":ROUT3:CHAN1 A,1", "-114");
  assert_refused(scpi, ":ROUT1:CHAN2 A,1", "-114");
  assert_refused(scpi, ":ROUT1:CHAN1 B,1", "-224");
  assert_refused(scpi, ":ROUT1:CHAN1 A,x", "-104");
  g_assert_true(ll_optical_switch_get(sw, 1, &ch, &err));
  g_assert_cmpuint(ch, ==, 4);
}

static void
test_switch_stuck(Fixture *f, gconstpointer data)
{
  /* section 2's mechanism is stuck: it takes the command but does not move */
  g_autoptr(LlOpticalSwitch) sw = sw_open(SWITCH "&stuck=2");
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_optical_switch_select(sw, 1, 6, &err));
  g_assert_no_error(err);
  g_assert_false(ll_optical_switch_select(sw, 2, 6, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "reports channel 0"));
}

static void
test_switch_size(Fixture *f, gconstpointer data)
{
  /* the channel count comes from the instrument: a two-site bench has 16 */
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.sites = 2;
  g_autoptr(LlBench) b = ll_bench_new(&cfg);
  ll_bench_publish("t2", b);
  g_autoptr(LlOpticalSwitch) sw = sw_open("sim:switch?bench=t2");
  g_autoptr(GError) err = NULL;
  g_assert_cmpuint(ll_optical_switch_channels(sw), ==, 16);
  g_assert_true(ll_optical_switch_select(sw, 2, 16, &err));
  g_assert_no_error(err);
  ll_bench_lock(b);
  g_assert_cmpuint(ll_bench_switch_get(b, 2), ==, 16);
  ll_bench_unlock(b);
  ll_bench_lock(f->bench);
  g_assert_cmpuint(ll_bench_switch_get(f->bench, 2), ==, 0); /* the other bench untouched */
  ll_bench_unlock(f->bench);
}

/* ---- identity, faults ------------------------------------------------------ */

static void
test_wrong_instrument(Fixture *f, gconstpointer data)
{
  static const struct {
    const char *driver, *resource, *answered;
  } cases[] = {
    { "thorlabs-pm100", "sim:scpi", "SIM-SCPI" },
    { "thorlabs-pm100", N774X, "N7744A" },
    { "keysight-n774x", PM100_RX, "PM100USB" },
    { "keysight-n776x", N774X, "N7744A" },
    { "keysight-n776x", SWITCH, "GP700" },
    { "scpi-switch", VOA, "N7764A" },
    { "scpi-switch", "sim:scpi", "SIM-SCPI" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    gboolean opened;
    if (g_str_has_prefix(cases[i].driver, "scpi-switch")) {
      g_autoptr(LlOpticalSwitch) sw =
        ll_optical_switch_open(cases[i].driver, cases[i].resource, &err);
      opened = sw != NULL;
    } else if (g_str_equal(cases[i].driver, "keysight-n776x")) {
      g_autoptr(LlAttenuator) a = ll_attenuator_open(cases[i].driver, cases[i].resource, &err);
      opened = a != NULL;
    } else {
      g_autoptr(LlPowerMeter) pm = ll_power_meter_open(cases[i].driver, cases[i].resource, &err);
      opened = pm != NULL;
    }
    g_assert_false(opened);
    g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
    g_assert_nonnull(strstr(err->message, cases[i].answered));
  }
  /* drivers of another class, or none */
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_power_meter_open("keysight-n776x", VOA, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull(strstr(err->message, "known: thorlabs-pm100, keysight-n774x"));
  g_clear_error(&err);
  g_assert_null(ll_attenuator_open("thorlabs-pm100", PM100_RX, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  g_assert_null(ll_optical_switch_open("no-such-driver", SWITCH, &err));
  g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error(&err);
  /* simulator options the model does not take, or with bad values */
  g_assert_null(ll_power_meter_open("thorlabs-pm100", "sim:pm100?ports=tx", &err));
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "'ports'"));
  g_clear_error(&err);
  g_assert_null(ll_power_meter_open("keysight-n774x", "sim:n774x?ports=tx,rx,up", &err));
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "'up' is not tx, rx or none"));
  g_clear_error(&err);
  g_assert_null(ll_power_meter_open("keysight-n774x", "sim:n774x?ports=tx,rx,tx,rx,tx", &err));
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "more than 4 channels"));
  g_clear_error(&err);
}

/* One transaction of each driver, start to finish; TRUE only when every
 * step gave what it should. */
typedef gboolean (*Scenario)(Fixture *f, const char *resource, GError **error);

static gboolean
scenario_pm100(Fixture *f, const char *resource, GError **error)
{
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open("thorlabs-pm100", resource, error);
  double v = NAN;
  if (!pm || !ll_power_meter_set_wavelength(pm, 1, 1311, error) ||
      !ll_power_meter_set_averaging(pm, 1, 0.03, error) ||
      !ll_power_meter_read_dbm(pm, 1, &v, error))
    return FALSE;
  g_assert_cmpfloat_with_epsilon(v, truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
  return TRUE;
}

static gboolean
scenario_n774x(Fixture *f, const char *resource, GError **error)
{
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open("keysight-n774x", resource, error);
  double v = NAN;
  if (!pm || !ll_power_meter_set_wavelength(pm, 2, 1311, error) ||
      !ll_power_meter_set_averaging(pm, 2, 0.05, error) ||
      !ll_power_meter_read_dbm(pm, 2, &v, error))
    return FALSE;
  g_assert_cmpfloat_with_epsilon(v, truth_dbm(f, LL_BENCH_PORT_RX), 0.1);
  return TRUE;
}

static gboolean
scenario_n776x(Fixture *f, const char *resource, GError **error)
{
  g_autoptr(LlAttenuator) a = ll_attenuator_open("keysight-n776x", resource, error);
  double db = NAN;
  if (!a || !ll_attenuator_set_wavelength(a, 1, 1311, error) ||
      !ll_attenuator_set_output(a, 1, TRUE, error) || !ll_attenuator_set_db(a, 1, 4.5, error) ||
      !ll_attenuator_get_db(a, 1, &db, error))
    return FALSE;
  g_assert_cmpfloat(db, ==, 4.5);
  return TRUE;
}

static gboolean
scenario_switch(Fixture *f, const char *resource, GError **error)
{
  g_autoptr(LlOpticalSwitch) sw = ll_optical_switch_open("scpi-switch", resource, error);
  guint ch = 0;
  if (!sw || !ll_optical_switch_select(sw, 1, 3, error) ||
      !ll_optical_switch_select(sw, 2, 5, error) || !ll_optical_switch_get(sw, 1, &ch, error))
    return FALSE;
  g_assert_cmpuint(ch, ==, 3);
  return TRUE;
}

/* Runs @run with each fault starting after each command in turn: the
 * transaction fails with a transport or SCPI error as long as the fault hits
 * any of its commands, and succeeds once it starts after the last. */
static void
sweep(Fixture *f, const char *base, Scenario run)
{
  static const char *const kinds[] = { "noreply", "garbage", "vanish" };
  g_autoptr(LlAttenuator) voa = light_on(5); /* so that readings have light */
  guint commands = 0; /* the transaction's length, the same whatever the fault */
  for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++) {
    guint first_ok = G_MAXUINT;
    for (guint after = 0; after < 60; after++) {
      g_autofree gchar *res = g_strdup_printf("%s&fault=%s&after=%u&timeout=200", base,
                                              kinds[k], after);
      g_autoptr(GError) err = NULL;
      if (run(f, res, &err)) {
        g_assert_no_error(err);
        if (first_ok == G_MAXUINT)
          first_ok = after;
      } else {
        if (first_ok != G_MAXUINT)
          g_error("%s: failed after having succeeded with an earlier fault: %s", res,
                  err ? err->message : "(no error)");
        g_assert_nonnull(err);
        g_assert_true(err->domain == LL_TRANSPORT_ERROR || err->domain == LL_SCPI_ERROR);
        if (g_str_equal(kinds[k], "noreply"))
          g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
        if (g_str_equal(kinds[k], "vanish"))
          g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
      }
    }
    g_test_message("%s, fault=%s: clean from after=%u", base, kinds[k], first_ok);
    g_assert_cmpuint(first_ok, >, 4);  /* a transaction is several commands */
    g_assert_cmpuint(first_ok, <, 60); /* and it ends */
    if (k == 0)
      commands = first_ok;
    g_assert_cmpuint(first_ok, ==, commands);
  }
  /* an instrument that reports an error for every command is refused at open */
  g_autofree gchar *res = g_strdup_printf("%s&fault=error", base);
  g_autoptr(GError) err = NULL;
  g_assert_false(run(f, res, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-200"));
}

static void
test_faults_pm100(Fixture *f, gconstpointer data)
{
  sweep(f, PM100_RX, scenario_pm100);
}

static void
test_faults_n774x(Fixture *f, gconstpointer data)
{
  sweep(f, N774X, scenario_n774x);
}

static void
test_faults_n776x(Fixture *f, gconstpointer data)
{
  sweep(f, VOA, scenario_n776x);
}

static void
test_faults_switch(Fixture *f, gconstpointer data)
{
  sweep(f, SWITCH, scenario_switch);
}

/* The smallest fault=error&after=N at which @base still opens: the fault
 * then starts with the first command after the open. */
static gchar *
error_after_open(const char *base, gboolean (*try_open)(const char *resource))
{
  for (guint after = 0; after < 40; after++) {
    gchar *res = g_strdup_printf("%s&fault=error&after=%u", base, after);
    if (try_open(res))
      return res;
    g_free(res);
  }
  g_assert_not_reached();
}

static gboolean
try_open_pm(const char *resource)
{
  g_autoptr(LlPowerMeter) pm = ll_power_meter_open(g_str_has_prefix(resource, "sim:pm100") ?
                                                   "thorlabs-pm100" : "keysight-n774x",
                                                   resource, NULL);
  return pm != NULL;
}

static gboolean
try_open_voa(const char *resource)
{
  g_autoptr(LlAttenuator) a = ll_attenuator_open("keysight-n776x", resource, NULL);
  return a != NULL;
}

static gboolean
try_open_switch(const char *resource)
{
  g_autoptr(LlOpticalSwitch) sw = ll_optical_switch_open("scpi-switch", resource, NULL);
  return sw != NULL;
}

static void
assert_refused_setting(gboolean ok, GError *err)
{
  g_assert_false(ok);
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-200"));
}

/* Every setting is followed by an error-queue check: an instrument that
 * reports an error for the setting's command makes the setting fail. */
static void
test_faults_refused_settings(Fixture *f, gconstpointer data)
{
  static const char *const meters[] = { PM100_RX, N774X };
  for (gsize m = 0; m < G_N_ELEMENTS(meters); m++)
    for (guint step = 0; step < 2; step++) {
      g_autofree gchar *res = error_after_open(meters[m], try_open_pm);
      g_autoptr(LlPowerMeter) pm = pm_open(m == 0 ? "thorlabs-pm100" : "keysight-n774x", res);
      g_autoptr(GError) err = NULL;
      gboolean ok = step == 0 ? ll_power_meter_set_wavelength(pm, 1, 1311, &err)
                              : ll_power_meter_set_averaging(pm, 1, 0.1, &err);
      assert_refused_setting(ok, err);
    }
  for (guint step = 0; step < 3; step++) {
    g_autofree gchar *res = error_after_open(VOA, try_open_voa);
    g_autoptr(LlAttenuator) a = voa_open(res);
    g_autoptr(GError) err = NULL;
    gboolean ok = step == 0   ? ll_attenuator_set_wavelength(a, 1, 1311, &err)
                  : step == 1 ? ll_attenuator_set_output(a, 1, TRUE, &err)
                              : ll_attenuator_set_db(a, 1, 3, &err);
    assert_refused_setting(ok, err);
  }
  g_autofree gchar *res = error_after_open(SWITCH, try_open_switch);
  g_autoptr(LlOpticalSwitch) sw = sw_open(res);
  g_autoptr(GError) err = NULL;
  gboolean ok = ll_optical_switch_select(sw, 1, 2, &err);
  assert_refused_setting(ok, err);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/power-meter/pm100/open", test_pm100_open);
  ADD("/power-meter/pm100/follows-attenuator", test_pm100_follows_attenuator);
  ADD("/power-meter/pm100/wavelength", test_pm100_wavelength);
  ADD("/power-meter/pm100/averaging", test_pm100_averaging);
  ADD("/power-meter/pm100/dark", test_pm100_dark);
  ADD("/power-meter/pm100/over-range", test_pm100_over_range);
  ADD("/power-meter/pm100/unit-changed", test_pm100_unit_changed);
  ADD("/power-meter/n774x/unit-changed", test_n774x_unit_changed);
  ADD("/power-meter/n774x/channels", test_n774x_channels);
  ADD("/power-meter/n774x/wavelength-reset", test_n774x_wavelength_reset);
  ADD("/power-meter/n774x/threads", test_n774x_threads);
  ADD("/power-meter/tx-lanes", test_tx_lanes);
  ADD("/attenuator/set", test_attenuator_set);
  ADD("/attenuator/bad-arguments", test_attenuator_bad_arguments);
  ADD("/attenuator/read-back", test_attenuator_read_back);
  ADD("/switch/select", test_switch_select);
  ADD("/switch/bad-arguments", test_switch_bad_arguments);
  ADD("/switch/stuck", test_switch_stuck);
  ADD("/switch/size", test_switch_size);
  ADD("/wrong-instrument", test_wrong_instrument);
  ADD("/faults/pm100", test_faults_pm100);
  ADD("/faults/n774x", test_faults_n774x);
  ADD("/faults/n776x", test_faults_n776x);
  ADD("/faults/switch", test_faults_switch);
  ADD("/faults/refused-settings", test_faults_refused_settings);
#undef ADD
  return g_test_run();
}
