/* test-tcp.c: the tcp: transport against a real listener on loopback (a
 * LAN instrument's raw SCPI port), answered by the simulator: round trips,
 * a reply split across packets, a slow instrument's late reply not poisoning
 * the next query (also when it arrives after that query was sent, which only
 * the SCPI session's resynchronisation can handle on a socket), the rest of
 * a refused binary block, an instrument that never comes back in step, the
 * peer closing mid-exchange (and during a clear), nobody listening, a host
 * name looked up (localhost) and a name lookup that never answers, bounded
 * by the timeout. */
#include "ll-test-util.h"
#include "ll-scpi.h"
#include "ll-transport-private.h"
#include "sim/ll-sim-device.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  GSocketListener *listener;
  guint16 port;
  gchar *options;  /* simulator options for each connection: "k=v&k=v" */
  GThread *thread;
  gboolean split;  /* send replies one byte per packet */
  gint hangup;     /* atomic: set to close the connection now */
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
    if (ll_sim_device_is_gone(dev) || g_atomic_int_get(&srv->hangup))
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

/* The reviewer's case: the reply to a query comes 300 ms late, the timeout is
 * 200 ms, and the next query goes out at once, so the late reply arrives
 * after it was sent. Dropping what has arrived cannot help on a socket; the
 * session must resynchronise, and the next query get its own answer. */
static void
test_late_reply_after_next_write(void)
{
  Server *srv = server_start("seed=1", FALSE);
  g_autofree gchar *res = resource(srv, "?timeout=200");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
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
  /* in step from then on, and *ESE is as it was */
  gint64 ese = -1;
  g_assert_true(ll_scpi_query_int(s, "*ESE?", &ese, &err));
  g_assert_cmpint(ese, ==, 0);
  g_assert_true(ll_scpi_check_errors(s, &err));
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

/* An instrument that stops answering altogether does not come back in step:
 * the next call says so, within the timeout. */
static void
test_out_of_step(void)
{
  Server *srv = server_start("fault=noreply&after=1", FALSE);
  g_autofree gchar *res = resource(srv, "?timeout=200");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_assert_true(ll_scpi_write(s, "*CLS", &err));
  g_autofree gchar *r1 = ll_scpi_query(s, "*IDN?", &err);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  gint64 t0 = g_get_monotonic_time();
  g_assert_false(ll_scpi_write(s, "SOUR:VOLT 1", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "instrument out of step"));
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000000);
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

/* A block over maxreply is refused after its header; the rest of it, still
 * trickling in one byte per packet, must not be read as the next answer. */
static void
test_rejected_block(void)
{
  Server *srv = server_start("seed=1", TRUE);
  g_autofree gchar *res = resource(srv, "?maxreply=100");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_autoptr(GBytes) b = ll_scpi_query_block(s, "TEST:BLOC? 600", &err);
  g_assert_null(b);
  g_assert_error(err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE);
  g_assert_nonnull(strstr(err->message, "over the bound"));
  g_clear_error(&err);
  g_autofree gchar *next = ll_scpi_query(s, "TEST:ECHO? next", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(next, ==, "next");
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

/* A clear that fails names the resource, and leaves the transport marked
 * for clearing. */
static void
test_clear_fails(void)
{
  Server *srv = server_start("fault=noreply", FALSE);
  g_autofree gchar *res = resource(srv, "?timeout=150");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlTransport) t = ll_transport_open(res, &err);
  g_assert_no_error(err);
  g_assert_true(ll_transport_write_line(t, "*IDN?", &err));
  g_autofree gchar *r = ll_transport_read_line(t, NULL, &err);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  g_assert_true(t->dirty); /* to be cleared again before the next write */
  g_atomic_int_set(&srv->hangup, 1);
  g_usleep(100000);
  g_assert_false(ll_transport_clear(t, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_autofree gchar *prefix = g_strdup_printf("%s: ", res);
  g_assert_true(g_str_has_prefix(err->message, prefix));
  g_assert_true(t->dirty);
  g_clear_pointer(&t, ll_transport_close);
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

/* A host name, looked up before connecting. */
static void
test_localhost(void)
{
  Server *srv = server_start("serial=BYNAME", FALSE);
  g_autofree gchar *res = g_strdup_printf("tcp:localhost:%u?timeout=2000", srv->port);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlScpi) s = ll_scpi_open(res, &err);
  g_assert_no_error(err);
  g_auto(LlIdn) idn = { 0 };
  g_assert_true(ll_scpi_idn(s, &idn, &err));
  g_assert_cmpstr(idn.serial, ==, "BYNAME");
  g_clear_pointer(&s, ll_scpi_close);
  server_stop(srv);
}

/* A resolver that never answers, as a dead name server looks: the blocking
 * lookup takes 2 s and then fails; the asynchronous one answers only when
 * cancelled (or after 3 s). */
typedef struct {
  GResolver parent;
} HangingResolver;
typedef struct {
  GResolverClass parent_class;
} HangingResolverClass;
static GType hanging_resolver_get_type(void);
G_DEFINE_TYPE(HangingResolver, hanging_resolver, G_TYPE_RESOLVER)

static GList *
hanging_lookup(GResolver *resolver, const gchar *hostname, GCancellable *cancellable,
               GError **error)
{
  g_usleep(2 * G_USEC_PER_SEC);
  g_set_error_literal(error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no answer");
  return NULL;
}

static GList *
hanging_lookup_with_flags(GResolver *resolver, const gchar *hostname,
                          GResolverNameLookupFlags flags, GCancellable *cancellable, GError **error)
{
  return hanging_lookup(resolver, hostname, cancellable, error);
}

static gboolean
hanging_check(gpointer data)
{
  GTask *task = data;
  gint64 *start = g_task_get_task_data(task);
  if (g_task_return_error_if_cancelled(task))
    return G_SOURCE_REMOVE;
  if (g_get_monotonic_time() - *start < 3 * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  g_task_return_new_error(task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no answer");
  return G_SOURCE_REMOVE;
}

static void
hanging_lookup_async(GResolver *resolver, const gchar *hostname, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(resolver, cancellable, callback, user_data);
  gint64 *start = g_new(gint64, 1);
  *start = g_get_monotonic_time();
  g_task_set_task_data(task, start, g_free);
  GSource *poll = g_timeout_source_new(5);
  g_source_set_callback(poll, hanging_check, task, g_object_unref);
  g_source_attach(poll, g_task_get_context(task));
  g_source_unref(poll);
}

static void
hanging_lookup_with_flags_async(GResolver *resolver, const gchar *hostname,
                                GResolverNameLookupFlags flags, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  hanging_lookup_async(resolver, hostname, cancellable, callback, user_data);
}

static GList *
hanging_lookup_finish(GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer(G_TASK(result), error);
}

static void
hanging_resolver_class_init(HangingResolverClass *klass)
{
  GResolverClass *rc = G_RESOLVER_CLASS(klass);
  rc->lookup_by_name = hanging_lookup;
  rc->lookup_by_name_async = hanging_lookup_async;
  rc->lookup_by_name_finish = hanging_lookup_finish;
  rc->lookup_by_name_with_flags = hanging_lookup_with_flags;
  rc->lookup_by_name_with_flags_async = hanging_lookup_with_flags_async;
  rc->lookup_by_name_with_flags_finish = hanging_lookup_finish;
}

static void
hanging_resolver_init(HangingResolver *self)
{
}

/* Opening is bounded by the timeout even when the name lookup never ends. */
static void
test_lookup_timeout(void)
{
  g_autoptr(GResolver) real = g_resolver_get_default();
  g_autoptr(GResolver) hanging = g_object_new(hanging_resolver_get_type(), NULL);
  g_resolver_set_default(hanging);
  g_autoptr(GError) err = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_autoptr(LlTransport) t = ll_transport_open("tcp:instrument.invalid:5025?timeout=300", &err);
  gint64 elapsed = g_get_monotonic_time() - t0;
  g_resolver_set_default(real);
  g_assert_null(t);
  g_test_message("%s after %" G_GINT64_FORMAT " us", err->message, elapsed);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "instrument.invalid"));
  g_assert_cmpint(elapsed, >=, 250000);
  g_assert_cmpint(elapsed, <, 1500000);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tcp/round-trip", test_round_trip);
  g_test_add_func("/tcp/late-reply", test_late_reply);
  g_test_add_func("/tcp/late-reply-after-next-write", test_late_reply_after_next_write);
  g_test_add_func("/tcp/out-of-step", test_out_of_step);
  g_test_add_func("/tcp/rejected-block", test_rejected_block);
  g_test_add_func("/tcp/clear-fails", test_clear_fails);
  g_test_add_func("/tcp/peer-closes", test_peer_closes);
  g_test_add_func("/tcp/nobody-listening", test_nobody_listening);
  g_test_add_func("/tcp/localhost", test_localhost);
  g_test_add_func("/tcp/lookup-timeout", test_lookup_timeout);
  return g_test_run();
}
