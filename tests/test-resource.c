/* test-resource.c: resource strings: every kind, defaults, options, and
 * errors with the column they point at. */
#include "ll-resource.h"

#include <string.h>

static void
test_serial(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) r =
    ll_resource_parse("serial:/dev/ttyUSB0?baud=115200&parity=even&term=crlf&stop=2&bits=7&flow=rtscts", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(r->kind, ==, LL_RESOURCE_SERIAL);
  g_assert_cmpstr(r->path, ==, "/dev/ttyUSB0");
  g_assert_cmpuint(r->baud, ==, 115200);
  g_assert_cmpint(r->parity, ==, LL_PARITY_EVEN);
  g_assert_cmpstr(r->term, ==, "\r\n");
  g_assert_cmpuint(r->stop_bits, ==, 2);
  g_assert_cmpuint(r->data_bits, ==, 7);
  g_assert_cmpint(r->flow, ==, LL_FLOW_RTSCTS);
  g_assert_cmpuint(r->timeout_ms, ==, 2000);

  g_autoptr(LlResource) d = ll_resource_parse("serial:/dev/ttyACM0", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(d->baud, ==, 9600);
  g_assert_cmpint(d->parity, ==, LL_PARITY_NONE);
  g_assert_cmpstr(d->term, ==, "\n");
  g_assert_cmpuint(d->max_reply, ==, 1024 * 1024);
}

static void
test_usbtmc(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) r = ll_resource_parse("usbtmc:1313:8072:P2001234?timeout=500", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(r->kind, ==, LL_RESOURCE_USBTMC);
  g_assert_cmphex(r->vid, ==, 0x1313);
  g_assert_cmphex(r->pid, ==, 0x8072);
  g_assert_cmpstr(r->serial, ==, "P2001234");
  g_assert_cmpuint(r->timeout_ms, ==, 500);
  g_autoptr(LlResource) n = ll_resource_parse("usbtmc:0957:1234", NULL, &err);
  g_assert_no_error(err);
  g_assert_null(n->serial);
}

static void
test_tcp_sim(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) t = ll_resource_parse("tcp:192.0.2.10:5025", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(t->host, ==, "192.0.2.10");
  g_assert_cmpuint(t->port, ==, 5025);
  g_autoptr(LlResource) v6 = ll_resource_parse("tcp:[::1]:5025", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(v6->host, ==, "::1");
  g_autoptr(LlResource) s = ll_resource_parse("sim:scpi?fault=garbage&after=3&timeout=100", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(s->sim_name, ==, "scpi");
  g_assert_cmpuint(s->timeout_ms, ==, 100);
  g_assert_cmpstr(g_hash_table_lookup(s->sim_options, "fault"), ==, "garbage");
  g_assert_cmpstr(g_hash_table_lookup(s->sim_options, "after"), ==, "3");
  g_assert_false(g_hash_table_contains(s->sim_options, "timeout"));
}

typedef struct {
  const char *text;
  int code;
  guint column;
  const char *fragment;
} BadCase;

static void
test_errors(void)
{
  static const BadCase cases[] = {
    { "/dev/ttyUSB0", LL_RESOURCE_ERROR_SYNTAX, 1, "no kind" },
    { "gpib:1::22", LL_RESOURCE_ERROR_KIND, 1, "unknown resource kind 'gpib'" },
    { "serial:", LL_RESOURCE_ERROR_SYNTAX, 8, "port path" },
    { "serial:/dev/ttyS0?baud=fast", LL_RESOURCE_ERROR_OPTION, 24, "baud 'fast'" },
    { "serial:/dev/ttyS0?baud=9600&baud=19200", LL_RESOURCE_ERROR_OPTION, 29, "given twice" },
    { "serial:/dev/ttyS0?parity=maybe", LL_RESOURCE_ERROR_OPTION, 26, "parity 'maybe'" },
    { "serial:/dev/ttyS0?speed=9600", LL_RESOURCE_ERROR_OPTION, 19, "unknown option 'speed'" },
    { "serial:/dev/ttyS0?baud", LL_RESOURCE_ERROR_SYNTAX, 19, "KEY=VALUE" },
    { "usbtmc:1313", LL_RESOURCE_ERROR_SYNTAX, 8, "VID:PID" },
    { "usbtmc:13g3:8072", LL_RESOURCE_ERROR_SYNTAX, 8, "vendor id '13g3'" },
    { "usbtmc:1313:80720", LL_RESOURCE_ERROR_SYNTAX, 13, "product id '80720'" },
    { "usbtmc:1313:8072:", LL_RESOURCE_ERROR_SYNTAX, 18, "serial number is empty" },
    { "usbtmc:1313:8072?baud=9600", LL_RESOURCE_ERROR_OPTION, 18, "unknown option 'baud'" },
    { "tcp:10.0.0.1", LL_RESOURCE_ERROR_SYNTAX, 5, "HOST:PORT" },
    { "tcp:10.0.0.1:99999", LL_RESOURCE_ERROR_SYNTAX, 14, "port '99999'" },
    { "tcp:::1:5025", LL_RESOURCE_ERROR_SYNTAX, 5, "brackets" },
    { "tcp:h:5025?timeout=0", LL_RESOURCE_ERROR_OPTION, 20, "timeout '0'" },
    { "tcp:h:5025?term=nl", LL_RESOURCE_ERROR_OPTION, 17, "term 'nl'" },
    { "sim:", LL_RESOURCE_ERROR_SYNTAX, 5, "simulator name" },
    { "sim:a/b", LL_RESOURCE_ERROR_SYNTAX, 6, "may hold only" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    guint col = 0;
    g_autoptr(LlResource) r = ll_resource_parse(cases[i].text, &col, &err);
    g_test_message("%s -> %s (col %u)", cases[i].text, err ? err->message : "OK", col);
    g_assert_null(r);
    g_assert_error(err, LL_RESOURCE_ERROR, cases[i].code);
    g_assert_nonnull(strstr(err->message, cases[i].fragment));
    g_assert_cmpuint(col, ==, cases[i].column);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/resource/serial", test_serial);
  g_test_add_func("/resource/usbtmc", test_usbtmc);
  g_test_add_func("/resource/tcp-sim", test_tcp_sim);
  g_test_add_func("/resource/errors", test_errors);
  return g_test_run();
}
