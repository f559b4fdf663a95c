/* test-serial.c: the serial: transport through the real libserialport
 * against a port faked by umockdev (tests/support/ll-fake-serial.c) and
 * answered by the simulator: round trips with line settings applied, a
 * binary block containing the terminator, no reply, a late reply cleared
 * before the next query, line noise, and the adapter unplugged mid-exchange.
 * Runs under umockdev-wrapper. */
#include "ll-test-util.h"
#include "ll-fake-serial.h"
#include "ll-scpi.h"

#include <string.h>

typedef struct {
  UMockdevTestbed *testbed;
  LlFakeSerial *fake;
} Fixture;


static void
fixture_setup(Fixture *f, gconstpointer opts)
{
  f->testbed = umockdev_testbed_new();
  g_assert_true(umockdev_in_mock_environment());
  LlFakeSerialInfo info = { "ttyACM0", 0x0483, 0x5740, "EVB-0001", "STMicroelectronics",
                            "Lightline EVB", 3 };
  g_autoptr(GError) err = NULL;
  f->fake = ll_fake_serial_new(f->testbed, &info, ll_test_sim_device(opts), &err);
  g_assert_no_error(err);
}

static void
fixture_teardown(Fixture *f, gconstpointer opts)
{
  ll_fake_serial_free(f->fake);
  g_object_unref(f->testbed);
}

static void
test_round_trip(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?baud=115200&parity=none&term=crlf", &err);
  g_assert_no_error(err);
  g_auto(LlIdn) idn = { 0 };
  ll_scpi_idn(s, &idn, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn.model, ==, "SIM-SCPI");
  g_assert_cmpstr(idn.serial, ==, "SER-7");
  /* the simulator saw CRLF-terminated lines and ran each exactly once */
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT 4.75", &err));
  double v;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_cmpfloat(v, ==, 4.75);
  g_assert_cmpuint(ll_sim_device_command_count(ll_fake_serial_device(f->fake)), ==, 3);
  /* binary data that contains '\n' and '\r' bytes */
  g_autoptr(GBytes) b = ll_scpi_query_block(s, "TEST:BLOC? 2000", &err);
  g_assert_no_error(err);
  gsize len;
  const guint8 *d = g_bytes_get_data(b, &len);
  g_assert_cmpuint(len, ==, 2000);
  g_assert_cmpuint(d[1999], ==, (guint8) (1999 * 7 + 3));
  g_assert_true(ll_scpi_check_errors(s, &err));
}

static void
test_noreply(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?timeout=250", &err);
  g_assert_no_error(err);
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = ll_scpi_query(s, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 1500000);
}

static void
test_late_reply(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?timeout=150", &err);
  g_assert_no_error(err);
  g_autofree gchar *r1 = ll_scpi_query(s, "TEST:ECHO? first", &err);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  g_usleep(400000); /* "first" arrives now, unasked */
  ll_transport_set_timeout(ll_scpi_get_transport(s), 2000);
  g_autofree gchar *r2 = ll_scpi_query(s, "TEST:ECHO? second", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r2, ==, "second");
}

static void
test_garbage(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0", &err);
  g_assert_no_error(err);
  double v = 7;
  g_assert_false(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_cmpfloat(v, ==, 7);
}

static void
test_unplug(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?timeout=5000", &err);
  g_assert_no_error(err);
  g_autofree gchar *ok = ll_scpi_query(s, "*IDN?", &err);
  g_assert_no_error(err);
  /* the next query makes the instrument vanish (fault=vanish&after=1) */
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = ll_scpi_query(s, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 2000000); /* not the 5 s timeout */
  g_clear_error(&err);
  g_assert_false(ll_scpi_write(s, "*CLS", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
}

static void
test_missing_port(void)
{
  g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_scpi_open("serial:/dev/ttyUSB7", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(err->message, "/dev/ttyUSB7"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, opts, fn) \
  g_test_add(path, Fixture, opts, fixture_setup, fn, fixture_teardown)
  ADD("/serial/round-trip", "serial=SER-7", test_round_trip);
  ADD("/serial/noreply", "fault=noreply", test_noreply);
  ADD("/serial/late-reply", "delay=300", test_late_reply);
  ADD("/serial/garbage", "fault=garbage", test_garbage);
  ADD("/serial/unplug", "fault=vanish&after=1", test_unplug);
  g_test_add_func("/serial/missing-port", test_missing_port);
  return g_test_run();
}
