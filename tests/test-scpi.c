/* test-scpi.c: the SCPI session over the sim: transport: typed queries
 * parsed strictly, *IDN?, the error queue (also when draining it fails
 * midway), *OPC? and its timeout bound, *ESE, binary blocks (the indefinite
 * form refused), the resource's terminator in both directions, threads
 * sharing a session, and every instrument fault the simulator can inject,
 * each of which must be a clear GError within the timeout, never a value. */
#include "ll-scpi.h"

#include <math.h>
#include <string.h>

static LlScpi *
open_ok(const char *resource)
{
  g_autoptr(GError) err = NULL;
  LlScpi *s = ll_scpi_open(resource, &err);
  g_assert_no_error(err);
  return s;
}

static void
test_typed(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?serial=AB12");
  g_autoptr(GError) err = NULL;
  g_auto(LlIdn) idn = { 0 };
  g_assert_true(ll_scpi_idn(s, &idn, &err));
  g_assert_cmpstr(idn.maker, ==, "Lightline");
  g_assert_cmpstr(idn.model, ==, "SIM-SCPI");
  g_assert_cmpstr(idn.serial, ==, "AB12");
  g_assert_cmpstr(idn.firmware, ==, "1.0");

  g_assert_true(ll_scpi_writef(s, &err, "SOUR:VOLT %g", -3.5));
  double v = 0;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_no_error(err);
  g_assert_cmpfloat(v, ==, -3.5);
  gint64 n = 0;
  g_assert_true(ll_scpi_query_int(s, "SYST:ERR:COUN?", &n, &err));
  g_assert_cmpint(n, ==, 0);
  gboolean b = FALSE;
  g_assert_true(ll_scpi_query_bool(s, "TEST:ECHO? ON", &b, &err));
  g_assert_true(b);
  g_assert_true(ll_scpi_query_bool(s, "TEST:ECHO? 0", &b, &err));
  g_assert_false(b);
  g_autofree gchar *str = ll_scpi_query_string(s, "TEST:ECHO? \"say \"\"hi\"\"\"", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(str, ==, "say \"hi\"");

  /* a reply of the wrong type is an error quoting it, never a zero */
  g_assert_false(ll_scpi_query_double(s, "TEST:ECHO? hello", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "\"hello\""));
  g_clear_error(&err);
  g_assert_false(ll_scpi_query_int(s, "TEST:ECHO? 12abc", &n, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  g_assert_false(ll_scpi_query_bool(s, "TEST:ECHO? 2", &b, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  g_assert_false(ll_scpi_query_double(s, "TEST:ECHO? 9.91E37", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  g_clear_error(&err);
  g_assert_true(ll_scpi_query_int(s, "TEST:ECHO? +4.00000E+00", &n, &err));
  g_assert_cmpint(n, ==, 4);
  g_assert_true(ll_scpi_query_int(s, "TEST:ECHO?  -17 ", &n, &err));
  g_assert_cmpint(n, ==, -17);

  /* strict: no hex, no units, not even after an NR3 integer */
  static const char *const not_ints[] = { "0x1A", "12 V", "+4.0E+00 A", "4.5", "1e", "nan",
                                          "9.91E37" };
  for (gsize i = 0; i < G_N_ELEMENTS(not_ints); i++) {
    g_autofree gchar *q = g_strdup_printf("TEST:ECHO? %s", not_ints[i]);
    n = 12345;
    g_assert_false(ll_scpi_query_int(s, q, &n, &err));
    g_test_message("%s -> %s", not_ints[i], err->message);
    g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
    g_assert_cmpint(n, ==, 12345);
    g_clear_error(&err);
  }
  v = 12345;
  g_assert_false(ll_scpi_query_double(s, "TEST:ECHO? 1.5UW", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_cmpfloat(v, ==, 12345);
}

static void
test_parse_double(void)
{
  static const struct { const char *text; double value; int code; } cases[] = {
    { "-3.21", -3.21, -1 }, { "+1.5E-06", 1.5e-6, -1 }, { " 7 ", 7, -1 },
    { "\t-.5e+3\r\n", -500, -1 }, { "5.", 5, -1 }, { "1e5", 1e5, -1 }, { "-0", 0, -1 },
    /* no units, no hex, nothing but the number and white space */
    { "-12.50DBM", 0, LL_SCPI_ERROR_PARSE }, { "1.31E-06 W", 0, LL_SCPI_ERROR_PARSE },
    { "1.5UW", 0, LL_SCPI_ERROR_PARSE }, { "0x1A", 0, LL_SCPI_ERROR_PARSE },
    { "0X1a", 0, LL_SCPI_ERROR_PARSE }, { "1.5e", 0, LL_SCPI_ERROR_PARSE },
    { "1e+", 0, LL_SCPI_ERROR_PARSE }, { ".", 0, LL_SCPI_ERROR_PARSE },
    { "+", 0, LL_SCPI_ERROR_PARSE }, { ".e3", 0, LL_SCPI_ERROR_PARSE },
    { "--1", 0, LL_SCPI_ERROR_PARSE }, { "1.2.3", 0, LL_SCPI_ERROR_PARSE },
    { "Infinity", 0, LL_SCPI_ERROR_PARSE }, { "-NaN", 0, LL_SCPI_ERROR_PARSE },
    { "1,5", 0, LL_SCPI_ERROR_PARSE }, { "1 e5", 0, LL_SCPI_ERROR_PARSE },
    { "9.91E37", 0, LL_SCPI_ERROR_NOT_A_NUMBER }, { "9.9E37", 0, LL_SCPI_ERROR_NOT_A_NUMBER },
    { "-9.9E+37", 0, LL_SCPI_ERROR_NOT_A_NUMBER }, { "", 0, LL_SCPI_ERROR_PARSE },
    { "abc", 0, LL_SCPI_ERROR_PARSE }, { "1.0,2.0", 0, LL_SCPI_ERROR_PARSE },
    { "nan", 0, LL_SCPI_ERROR_PARSE }, { "inf", 0, LL_SCPI_ERROR_PARSE },
    { "1e999", 0, LL_SCPI_ERROR_PARSE }, { "3.5 4", 0, LL_SCPI_ERROR_PARSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    double v = 12345;
    gboolean ok = ll_scpi_parse_double(cases[i].text, &v, &err);
    g_test_message("'%s' -> %s", cases[i].text, ok ? "ok" : err->message);
    if (cases[i].code < 0) {
      g_assert_no_error(err);
      g_assert_cmpfloat_with_epsilon(v, cases[i].value, 1e-12);
    } else {
      g_assert_false(ok);
      g_assert_error(err, LL_SCPI_ERROR, cases[i].code);
      g_assert_cmpfloat(v, ==, 12345);
    }
  }
}

static void
test_idn_parse(void)
{
  g_auto(LlIdn) idn = { 0 };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_idn_parse("Keysight Technologies,N7744A,MY12345678,1.2.3,build 7", &idn, &err));
  g_assert_cmpstr(idn.maker, ==, "Keysight Technologies");
  g_assert_cmpstr(idn.firmware, ==, "1.2.3,build 7");
  g_assert_false(ll_idn_parse("Thorlabs,PM100USB,P2001234", &idn, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  g_assert_false(ll_idn_parse(",,,", &idn, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  g_assert_false(ll_idn_parse("A\x01,B,C,D", &idn, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
}

static void
test_error_queue(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi");
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_check_errors(s, &err));
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT 500", &err));
  g_assert_true(ll_scpi_write(s, "NOT:A:COMMAND", &err));
  g_assert_false(ll_scpi_check_errors(s, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "2 errors"));
  g_assert_nonnull(strstr(err->message, "-222,\"Data out of range\""));
  g_assert_nonnull(strstr(err->message, "-113,\"Undefined header\""));
  g_clear_error(&err);
  g_assert_true(ll_scpi_check_errors(s, &err)); /* drained */

  /* *ESE holds 0..255 and survives *RST and *CLS (IEEE 488.2) */
  gint64 ese = -1;
  g_assert_true(ll_scpi_query_int(s, "*ESE?", &ese, &err));
  g_assert_cmpint(ese, ==, 0);
  g_assert_true(ll_scpi_write(s, "*ESE 37;*RST;*CLS", &err));
  g_assert_true(ll_scpi_query_int(s, "*ESE?", &ese, &err));
  g_assert_cmpint(ese, ==, 37);
  g_assert_true(ll_scpi_check_errors(s, &err));
  g_assert_true(ll_scpi_write(s, "*ESE 256", &err));
  g_assert_false(ll_scpi_check_errors(s, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-222"));
  g_clear_error(&err);
  g_assert_true(ll_scpi_query_int(s, "*ESE?", &ese, &err));
  g_assert_cmpint(ese, ==, 37);

  /* *CLS empties the queue; *RST restores defaults */
  g_assert_true(ll_scpi_write(s, "BAD", &err));
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT 9", &err));
  g_assert_true(ll_scpi_reset(s, &err));
  g_assert_no_error(err);
  g_assert_true(ll_scpi_check_errors(s, &err));
  double v;
  g_assert_true(ll_scpi_query_double(s, "SOUR:VOLT?", &v, &err));
  g_assert_cmpfloat(v, ==, 1.25);
}

/* SYST:ERR? stops answering after the first error was read: the failure is
 * reported with the errors already drained, not instead of them. */
static void
test_error_queue_fails_midway(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=noreply&after=3&timeout=200");
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT 500", &err));
  g_assert_true(ll_scpi_write(s, "NOT:A:COMMAND", &err));
  g_assert_false(ll_scpi_check_errors(s, &err));
  g_test_message("%s", err->message);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "-222,\"Data out of range\""));
  g_assert_nonnull(strstr(err->message, "no reply within 200 ms"));
}

static void
test_opc(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?timeout=100");
  g_autoptr(GError) err = NULL;
  /* an operation longer than the normal timeout: *OPC? gets its own */
  g_assert_true(ll_scpi_write(s, "TEST:BUSY 300", &err));
  gint64 t0 = g_get_monotonic_time();
  g_assert_true(ll_scpi_wait_opc(s, 2000, &err));
  g_assert_no_error(err);
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 250000);
  g_assert_cmpuint(ll_transport_get_timeout(ll_scpi_get_transport(s)), ==, 100);
  /* and with too short a wait it times out */
  g_assert_true(ll_scpi_write(s, "TEST:BUSY 500", &err));
  g_assert_false(ll_scpi_wait_opc(s, 100, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  /* no "wait for ever": a timeout of 0 is 1 ms */
  g_assert_true(ll_scpi_write(s, "TEST:BUSY 500", &err));
  t0 = g_get_monotonic_time();
  g_assert_false(ll_scpi_wait_opc(s, 0, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "within 1 ms"));
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 400000);
  LlTransport *t = ll_scpi_get_transport(s);
  ll_transport_set_timeout(t, 0);
  g_assert_cmpuint(ll_transport_get_timeout(t), ==, 1);
}

static void
test_block(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi");
  g_autoptr(GError) err = NULL;
  for (guint n = 0; n <= 100000; n = n ? n * 10 : 1) {
    g_autofree gchar *q = g_strdup_printf("TEST:BLOC? %u", n);
    g_autoptr(GBytes) b = ll_scpi_query_block(s, q, &err);
    g_assert_no_error(err);
    gsize len;
    const guint8 *d = g_bytes_get_data(b, &len);
    g_assert_cmpuint(len, ==, n);
    for (gsize i = 0; i < len; i++)
      g_assert_cmpuint(d[i], ==, (guint8) (i * 7 + 3));
  }
  /* the session is still in step afterwards */
  double v;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  /* not a block */
  g_assert_null(ll_scpi_query_block(s, "TEST:ECHO? hello", &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  /* a block longer than maxreply */
  g_autoptr(LlScpi) small = open_ok("sim:scpi?maxreply=1000");
  g_assert_null(ll_scpi_query_block(small, "TEST:BLOC? 5000", &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "over the bound"));
  g_clear_error(&err);
  g_assert_true(ll_scpi_query_double(small, "MEAS:VOLT?", &v, &err));
  g_assert_no_error(err);
  /* the indefinite form #0<data><term> cannot be framed: refused, and its
   * rest is not taken for the next answer */
  g_assert_null(ll_scpi_query_block(s, "TEST:ECHO? #0abc", &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "indefinite-length"));
  g_clear_error(&err);
  g_autofree gchar *next = ll_scpi_query(s, "TEST:ECHO? next", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(next, ==, "next");
}

/* The simulator splits commands and ends replies with the resource's
 * terminator, as a real instrument set to it does. */
static void
test_terminator(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) cr = open_ok("sim:scpi?term=cr&timeout=500");
  g_autofree gchar *idn = ll_scpi_query(cr, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,SIM0001,1.0");
  g_assert_true(ll_scpi_write(cr, "SOUR:VOLT 2.5", &err));
  double v = 0;
  g_assert_true(ll_scpi_query_double(cr, "SOUR:VOLT?", &v, &err));
  g_assert_cmpfloat(v, ==, 2.5);

  /* the reply's bytes end with CR LF under term=crlf */
  g_autoptr(LlScpi) crlf = open_ok("sim:scpi?term=crlf&timeout=500");
  LlTransport *t = ll_scpi_get_transport(crlf);
  g_assert_true(ll_transport_write_line(t, "TEST:ECHO? ab", &err));
  char raw[5] = { 0 };
  g_assert_true(ll_transport_read_exact(t, raw, 4, &err));
  g_assert_no_error(err);
  g_assert_cmpmem(raw, 4, "ab\r\n", 4);
}

typedef struct {
  LlScpi *scpi;
  guint id;
  guint mismatches;
  guint errors;
} Worker;

static gpointer
worker(gpointer data)
{
  Worker *w = data;
  for (guint i = 0; i < 300; i++) {
    g_autofree gchar *token = g_strdup_printf("thread%u-%u", w->id, i);
    g_autofree gchar *q = g_strdup_printf("TEST:ECHO? %s", token);
    g_autoptr(GError) err = NULL;
    g_autofree gchar *r = ll_scpi_query(w->scpi, q, &err);
    if (!r)
      w->errors++;
    else if (!g_str_equal(r, token))
      w->mismatches++;
  }
  return NULL;
}

static void
test_threads(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi");
  Worker w[6];
  GThread *t[6];
  for (guint i = 0; i < 6; i++) {
    w[i] = (Worker) { s, i, 0, 0 };
    t[i] = g_thread_new("w", worker, &w[i]);
  }
  for (guint i = 0; i < 6; i++) {
    g_thread_join(t[i]);
    g_assert_cmpuint(w[i].errors, ==, 0);
    g_assert_cmpuint(w[i].mismatches, ==, 0);
  }
}

static void
test_fault_noreply(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=noreply&timeout=200");
  g_autoptr(GError) err = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = ll_scpi_query(s, "*IDN?", &err);
  gint64 dt = g_get_monotonic_time() - t0;
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "no reply within 200 ms"));
  g_assert_cmpint(dt, >=, 190000);
  g_assert_cmpint(dt, <, 2000000); /* bounded: not a hang */
}

static void
test_fault_slow_not_poisoned(void)
{
  /* replies arrive 300 ms late; the timeout is 150 ms. After the timeout the
   * late reply must not be taken as the answer to the next query. */
  g_autoptr(LlScpi) s = open_ok("sim:scpi?delay=300&timeout=150");
  g_autoptr(GError) err = NULL;
  g_autofree gchar *r1 = ll_scpi_query(s, "TEST:ECHO? first", &err);
  g_assert_null(r1);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  ll_transport_set_timeout(ll_scpi_get_transport(s), 1000);
  g_autofree gchar *r2 = ll_scpi_query(s, "TEST:ECHO? second", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r2, ==, "second");
}

static void
test_fault_garbage(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=garbage&after=1");
  g_autoptr(GError) err = NULL;
  g_auto(LlIdn) idn = { 0 };
  g_assert_true(ll_scpi_idn(s, &idn, &err)); /* first command is clean */
  g_assert_false(ll_scpi_idn(s, &idn, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_clear_error(&err);
  double v = 42;
  g_assert_false(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_cmpfloat(v, ==, 42);
}

static void
test_fault_error_queue(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=error");
  g_autoptr(GError) err = NULL;
  double v;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_false(ll_scpi_check_errors(s, &err));
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT);
  g_assert_nonnull(strstr(err->message, "-200"));
}

static void
test_fault_oversize(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=oversize&after=1&maxreply=4096");
  g_autoptr(GError) err = NULL;
  double v;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_false(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OVERFLOW);
  g_assert_nonnull(strstr(err->message, "longer than 4096 bytes"));
}

static void
test_fault_vanish(void)
{
  g_autoptr(LlScpi) s = open_ok("sim:scpi?fault=vanish&after=2&timeout=5000");
  g_autoptr(GError) err = NULL;
  double v;
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  gint64 t0 = g_get_monotonic_time();
  g_assert_false(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000000); /* seen at once, not after 5 s */
  g_clear_error(&err);
  g_assert_true(ll_transport_is_disconnected(ll_scpi_get_transport(s)));
  g_assert_false(ll_scpi_write(s, "*CLS", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_nonnull(strstr(err->message, "disconnected"));
}

static void
test_open_errors(void)
{
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_scpi_open("sim:nosuchmodel", &err));
  g_assert_error(err, LL_RESOURCE_ERROR, LL_RESOURCE_ERROR_KIND);
  g_clear_error(&err);
  g_assert_null(ll_scpi_open("sim:scpi?fault=sometimes", &err));
  g_assert_error(err, LL_RESOURCE_ERROR, LL_RESOURCE_ERROR_OPTION);
  g_clear_error(&err);
  /* an option value only the model judges is still an option error, at open */
  g_assert_null(ll_scpi_open("sim:pm100?port=sideways", &err));
  g_assert_error(err, LL_RESOURCE_ERROR, LL_RESOURCE_ERROR_OPTION);
  g_assert_nonnull(strstr(err->message, "sideways"));
  g_clear_error(&err);
  g_assert_null(ll_scpi_open("bogus", &err));
  g_assert_error(err, LL_RESOURCE_ERROR, LL_RESOURCE_ERROR_SYNTAX);
  g_clear_error(&err);
  g_assert_null(ll_scpi_open("serial:/dev/ttyNOSUCH9", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scpi/typed", test_typed);
  g_test_add_func("/scpi/parse-double", test_parse_double);
  g_test_add_func("/scpi/idn-parse", test_idn_parse);
  g_test_add_func("/scpi/error-queue", test_error_queue);
  g_test_add_func("/scpi/error-queue-fails-midway", test_error_queue_fails_midway);
  g_test_add_func("/scpi/opc", test_opc);
  g_test_add_func("/scpi/block", test_block);
  g_test_add_func("/scpi/terminator", test_terminator);
  g_test_add_func("/scpi/threads", test_threads);
  g_test_add_func("/scpi/fault/noreply", test_fault_noreply);
  g_test_add_func("/scpi/fault/slow-not-poisoned", test_fault_slow_not_poisoned);
  g_test_add_func("/scpi/fault/garbage", test_fault_garbage);
  g_test_add_func("/scpi/fault/error-queue", test_fault_error_queue);
  g_test_add_func("/scpi/fault/oversize", test_fault_oversize);
  g_test_add_func("/scpi/fault/vanish", test_fault_vanish);
  g_test_add_func("/scpi/open-errors", test_open_errors);
  return g_test_run();
}
