/* test-tcp.c: the tcp: transport against a real listener on loopback (a
 * LAN instrument's raw SCPI port), answered by the simulator: round trips,
 * a reply split across packets, a slow instrument's late reply not poisoning
 * the next query, the peer closing mid-exchange, and nobody listening. */
#include "ll-test-util.h"
#include "ll-scpi.h"
#include "sim/ll-sim-device.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  GSocketListener *listener;
  guint16 port;
  gchar *options;  /* simulator options for each connection: "k=v&k=v" */
  GThread *thread;
  gboolean split;  /* send replies one byte per packet */
} Server;


/* Serves one connection, then returns. */
static gpointer
serve(gpointer data)
{
  Server *srv = data;
  g_autoptr(GError) err = NULL;
  g_autoptr(GSocketConnection) conn = g_socket_listener_accept(srv->listener, NULL, NULL, &err);
  if (!conn)
    return NULL;
  GSocket *sock = g_socket_connection_get_socket(conn);
  g_autoptr(LlSimDevice) dev = ll_test_sim_device(srv->options);
  guint8 buf[4096];
  for (;;) {
    if (g_socket_condition_timed_wait(sock, G_IO_IN, 2000, NULL, NULL)) {
      gssize n = g_socket_receive(sock, (gchar *) buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      ll_sim_device_write(dev, buf, (gsize) n, FALSE);
    }
    if (ll_sim_device_is_gone(dev))
      break; /* the instrument drops the connection */
    gsize n;
    while ((n = ll_sim_device_read(dev, buf, srv->split ? 1 : sizeof buf)) > 0) {
      g_socket_send(sock, (const gchar *) buf, n, NULL, NULL);
      if (srv->split)
        g_usleep(200);
    }
  }
  g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
  return NULL;
}

static Server *
server_start(const char *options, gboolean split)
{
  Server *srv = g_new0(Server, 1);
  srv->listener = g_socket_listener_new();
  g_autoptr(GError) err = NULL;
  srv->port = g_socket_listener_add_any_inet_port(srv->listener, NULL, &err);
  g_assert_no_error(err);
  srv->options = g_strdup(options);
  srv->split = split;
  srv->thread = g_thread_new("server", serve, srv);
  return srv;
}

static void
server_stop(Server *srv)
{
  g_socket_listener_close(srv->listener);
  g_thread_join(srv->thread);
  g_object_unref(srv->listener);
  g_free(srv->options);
  g_free(srv);
}

static gchar *
resource(Server *srv, const char *extra)
{
  return g_strdup_printf("tcp:127.0.0.1:%u%s", srv->port, extra ? extra : "");
}

static void
test_round_trip(void)
{
  Server *srv = server_start("serial=LAN01", TRUE);
  g_autofree gchar *res = resource(srv, NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_auto(LlIdn) idn = { 0 };
  g_assert_true(ll_scpi_idn(s, &idn, &err));
  g_assert_cmpstr(idn.serial, ==, "LAN01");
  double v;
  g_assert_true(ll_scpi_write(s, "SOUR:VOLT 0.125", &err));
  g_assert_true(ll_scpi_query_double(s, "MEAS:VOLT?", &v, &err));
  g_assert_cmpfloat(v, ==, 0.125);
  g_autoptr(GBytes) b = ll_scpi_query_block(s, "TEST:BLOC? 300", &err);
  g_assert_no_error(err);
  g_assert_cmpuint(g_bytes_get_size(b), ==, 300);
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

static void
test_late_reply(void)
{
  Server *srv = server_start("delay=300", FALSE);
  g_autofree gchar *res = resource(srv, "?timeout=150");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_autofree gchar *r1 = ll_scpi_query(s, "TEST:ECHO? first", &err);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  g_usleep(400000); /* the late reply arrives while nobody asks */
  ll_transport_set_timeout(ll_scpi_get_transport(s), 2000);
  g_autofree gchar *r2 = ll_scpi_query(s, "TEST:ECHO? second", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r2, ==, "second");
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

static void
test_peer_closes(void)
{
  Server *srv = server_start("fault=vanish&after=1", FALSE);
  g_autofree gchar *res = resource(srv, "?timeout=3000");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_autofree gchar *ok = ll_scpi_query(s, "*IDN?", &err);
  g_assert_no_error(err);
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = ll_scpi_query(s, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 2000000);
  g_clear_error(&err);
  g_assert_false(ll_scpi_write(s, "*CLS", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

static void
test_nobody_listening(void)
{
  /* take a free port, then close it again */
  g_autoptr(GSocketListener) l = g_socket_listener_new();
  guint16 port = g_socket_listener_add_any_inet_port(l, NULL, NULL);
  g_socket_listener_close(l);
  g_autofree gchar *res = g_strdup_printf("tcp:127.0.0.1:%u?timeout=1000", port);
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_scpi_open(res, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN);
  g_assert_nonnull(strstr(err->message, "cannot connect"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tcp/round-trip", test_round_trip);
  g_test_add_func("/tcp/late-reply", test_late_reply);
  g_test_add_func("/tcp/peer-closes", test_peer_closes);
  g_test_add_func("/tcp/nobody-listening", test_nobody_listening);
  return g_test_run();
}
