/* test-resource.c: resource strings: every kind, defaults, options,
 * simulator models and options checked without creating a device, errors
 * with the column they point at, deep copies (also as a transport keeps
 * them), and which strings name the same device. */
#include "ll-resource.h"
#include "ll-transport.h"

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
    /* the simulator's model and options, checked when the string is parsed */
    { "sim:nosuch?fault=noreply", LL_RESOURCE_ERROR_KIND, 5, "no simulator named 'nosuch'" },
    { "sim:scpi?timeout=10&colour=red", LL_RESOURCE_ERROR_OPTION, 21, "unknown option 'colour'" },
    { "sim:scpi?fault=explode", LL_RESOURCE_ERROR_OPTION, 16, "fault 'explode'" },
    { "sim:scpi?delay=-5", LL_RESOURCE_ERROR_OPTION, 16, "delay='-5'" },
    { "sim:scpi?after=x", LL_RESOURCE_ERROR_OPTION, 16, "after='x'" },
    { "sim:scpi?port=1", LL_RESOURCE_ERROR_OPTION, 10, "unknown option 'port'" },
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

/* Options a model lists are accepted without creating the device (a bench
 * model would look up its bench). */
static void
test_sim_model_options(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) r =
    ll_resource_parse("sim:pm100?bench=nowhere&port=rx&seed=4", NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(g_hash_table_lookup(r->sim_options, "port"), ==, "rx");
}

static void
test_copy(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) r =
    ll_resource_parse("sim:scpi?serial=X1&fault=noreply&term=crlf&timeout=300", NULL, &err);
  g_assert_no_error(err);
  r->max_reply = 4321; /* changed after parsing: a copy keeps it */
  g_autoptr(LlResource) c = ll_resource_copy(r);
  g_assert_true(c != r);
  g_assert_cmpint(c->kind, ==, LL_RESOURCE_SIM);
  g_assert_cmpstr(c->text, ==, r->text);
  g_assert_true(c->text != r->text);
  g_assert_cmpstr(c->term, ==, "\r\n");
  g_assert_cmpuint(c->timeout_ms, ==, 300);
  g_assert_cmpuint(c->max_reply, ==, 4321);
  g_assert_cmpstr(c->sim_name, ==, "scpi");
  g_assert_true(c->sim_options != r->sim_options);
  g_assert_cmpuint(g_hash_table_size(c->sim_options), ==, 2);
  g_clear_pointer(&r, ll_resource_free); /* the copy owns all of its memory */
  g_assert_cmpstr(g_hash_table_lookup(c->sim_options, "serial"), ==, "X1");

  g_autoptr(LlResource) u = ll_resource_parse("usbtmc:1313:8072:P2001234", NULL, &err);
  g_autoptr(LlResource) uc = ll_resource_copy(u);
  g_assert_cmpstr(uc->serial, ==, "P2001234");
  g_assert_true(uc->serial != u->serial);
  g_assert_null(uc->sim_options);

  /* a transport keeps the resource as given, not as its text re-parses */
  c->max_reply = 777;
  g_autoptr(LlTransport) t = ll_transport_open_resource(c, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_transport_get_resource(t)->max_reply, ==, 777);
  g_assert_true(ll_transport_get_resource(t) != c);
}

static void
test_same_device(void)
{
  static const struct { const char *a, *b; gboolean same; } cases[] = {
    { "usbtmc:1313:8072", "usbtmc:1313:8072:P2001234", TRUE },
    { "usbtmc:1313:8072:P2001234", "usbtmc:1313:8072:P2001234?timeout=100", TRUE },
    { "usbtmc:1313:8072:P2001234", "usbtmc:1313:8072:P2009999", FALSE },
    { "usbtmc:1313:8072", "usbtmc:1313:8078", FALSE },
    { "serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0?baud=9600", TRUE },
    { "serial:/dev/ttyUSB0", "serial:/dev/ttyUSB1", FALSE },
    { "tcp:192.0.2.5:5025", "tcp:192.0.2.5:5025?timeout=5000", TRUE },
    { "tcp:Scope-7.lab:5025", "tcp:scope-7.lab:5025", TRUE },
    { "tcp:192.0.2.5:5025", "tcp:192.0.2.5:5026", FALSE },
    { "sim:scpi", "sim:scpi", FALSE },
    { "serial:/dev/ttyUSB0", "sim:scpi", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(LlResource) a = ll_resource_parse(cases[i].a, NULL, NULL);
    g_autoptr(LlResource) b = ll_resource_parse(cases[i].b, NULL, NULL);
    g_test_message("%s vs %s", cases[i].a, cases[i].b);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpint(ll_resource_same_device(a, b), ==, cases[i].same);
    g_assert_cmpint(ll_resource_same_device(b, a), ==, cases[i].same);
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
  g_test_add_func("/resource/sim-model-options", test_sim_model_options);
  g_test_add_func("/resource/copy", test_copy);
  g_test_add_func("/resource/same-device", test_same_device);
  return g_test_run();
}
