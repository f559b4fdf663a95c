/* test-serial.c: the serial: transport through the real libserialport
 * against a port faked by umockdev (tests/support/ll-fake-serial.c) and
 * answered by the simulator: round trips with line settings applied, a
 * binary block containing the terminator, no reply, a late reply cleared
 * before the next query, a late reply that arrives after the next query was
 * sent (the SCPI session resynchronises), line noise, reply lines holding NUL
 * and stray CR bytes, a CR terminator on both sides, a timeout of 0, and the
 * adapter unplugged mid-exchange. Runs under umockdev-wrapper. */
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

/* As on tcp (test-tcp.c): the late reply arrives after the next query went
 * out, where flushing the input cannot reach it. */
static void
test_late_reply_after_next_write(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?timeout=200", &err);
  g_assert_no_error(err);
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT -3.2", &err));
  double pow = 0;
  /* 280 ms busy + a 20 ms measurement: the reply is ready 300 ms later */
  g_assert_false(ll_scpi_query_double(s, "TEST:BUSY 280;MEAS:VOLT?", &pow, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  double wav = 0;
  g_assert_true(ll_scpi_query_double(s, "TEST:ECHO? 1310", &wav, &err));
  g_assert_no_error(err);
  g_test_message("WAV = %g (expected 1310)", wav);
  g_assert_cmpfloat(wav, ==, 1310);
  g_assert_true(ll_scpi_check_errors(s, &err));
}

/* Lines are copied byte for byte: a NUL does not cut them, and only the
 * terminator (with a CR just before an LF) is removed. */
static void
test_line_bytes(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlTransport) t = ll_transport_open("serial:/dev/ttyACM0?timeout=1000", &err);
  g_assert_no_error(err);
  ll_fake_serial_inject(f->fake, "ab\0cd\r\nx\r\r\ny\n\n", 14);
  gsize len = 0;
  g_autofree gchar *l1 = ll_transport_read_line(t, &len, &err);
  g_assert_no_error(err);
  g_assert_cmpmem(l1, len, "ab\0cd", 5);
  g_autofree gchar *l2 = ll_transport_read_line(t, &len, &err);
  g_assert_cmpmem(l2, len, "x\r", 2);
  g_autofree gchar *l3 = ll_transport_read_line(t, &len, &err);
  g_assert_cmpmem(l3, len, "y", 1);
  g_autofree gchar *l4 = ll_transport_read_line(t, &len, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(len, ==, 0);

  /* under term=cr an LF is data */
  g_autoptr(LlTransport) cr = ll_transport_open("serial:/dev/ttyACM0?timeout=1000&term=cr", &err);
  g_assert_no_error(err);
  ll_fake_serial_inject(f->fake, "z\n\r", 3);
  g_autofree gchar *l5 = ll_transport_read_line(cr, &len, &err);
  g_assert_no_error(err);
  g_assert_cmpmem(l5, len, "z\n", 2);
}

/* A reply holding a NUL is not a string the session can hand over. */
static void
test_nul_reply(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?timeout=1000", &err);
  g_assert_no_error(err);
  ll_fake_serial_inject(f->fake, "1\0002\n", 4); /* the simulator never answers */
  g_usleep(50000);
  g_autofree gchar *r = ll_scpi_query(s, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "NUL"));
}

/* The simulator behind the port set to term=cr like the host. */
static void
test_term_cr(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0?term=cr&timeout=1000", &err);
  g_assert_no_error(err);
  g_auto(LlIdn) idn = { 0 };
  g_assert_true(ll_scpi_idn(s, &idn, &err));
  g_assert_no_error(err);
  g_assert_cmpstr(idn.serial, ==, "CR-1");
}

/* No "wait for ever": a timeout of 0 is 1 ms, for writes too. */
static void
test_zero_timeout(Fixture *f, gconstpointer opts)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open("serial:/dev/ttyACM0", &err);
  g_assert_no_error(err);
  LlTransport *t = ll_scpi_get_transport(s);
  ll_transport_set_timeout(t, 0);
  g_assert_cmpuint(ll_transport_get_timeout(t), ==, 1);
  g_assert_true(ll_scpi_write(s, "*CLS", &err));
  g_assert_no_error(err);
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
  ADD("/serial/late-reply-after-next-write", "seed=1", test_late_reply_after_next_write);
  ADD("/serial/line-bytes", "fault=noreply", test_line_bytes);
  ADD("/serial/nul-reply", "fault=noreply", test_nul_reply);
  ADD("/serial/term-cr", "term=cr&serial=CR-1", test_term_cr);
  ADD("/serial/zero-timeout", "seed=1", test_zero_timeout);
  ADD("/serial/garbage", "fault=garbage", test_garbage);
  ADD("/serial/unplug", "fault=vanish&after=1", test_unplug);
  g_test_add_func("/serial/missing-port", test_missing_port);
  return g_test_run();
}
