/* ll-transport-tcp.c: the `tcp:HOST:PORT` transport: a raw SCPI socket, as
 * LAN instruments serve on port 5025, through GIO.
 *
 * Opening is bounded by the resource's timeout as a whole, name lookup
 * included: GLib 2.74 has no resolver timeout, so a host that is not an IP
 * literal is looked up with g_resolver_lookup_by_name_async() on a private
 * main context, and a timer on that context cancels the lookup when the time
 * is up. Each address found is then tried with a non-blocking connect that
 * gets whatever time is left. Reads wait with poll() until the deadline; a
 * peer that closes the connection is a disconnect.
 *
 * A socket has no device clear: clear() drops the bytes already received,
 * and the SCPI layer resynchronises for a reply still on its way. */
#include "ll-transport-private.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

typedef struct {
  GSocket *socket;
} TcpPriv;

static guint
ms_left(gint64 deadline_us)
{
  gint64 left = deadline_us - g_get_monotonic_time();
  return left <= 0 ? 0 : (guint) MIN((left + 999) / 1000, (gint64) G_MAXUINT);
}

typedef struct {
  GList *addresses; /* of GInetAddress*, owned */
  GError *error;
  gboolean done;
} Lookup;

static void
lookup_done(GObject *source, GAsyncResult *result, gpointer data)
{
  Lookup *lk = data;
  lk->addresses = g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &lk->error);
  lk->done = TRUE;
}

static gboolean
lookup_expired(gpointer data)
{
  g_cancellable_cancel(data);
  return G_SOURCE_REMOVE;
}

/* Resolves @host before @deadline_us. Returns the addresses (free with
 * g_resolver_free_addresses()), or NULL with @error set: NOT_FOUND when the
 * name does not exist, TIMEOUT when the lookup took too long. */
static GList *
resolve(LlTransport *t, const char *host, gint64 deadline_us, GError **error)
{
  if (g_hostname_is_ip_address(host)) {
    GInetAddress *a = g_inet_address_new_from_string(host);
    if (a)
      return g_list_append(NULL, a);
  }
  g_autoptr(GMainContext) ctx = g_main_context_new();
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  g_autoptr(GResolver) resolver = g_resolver_get_default();
  Lookup lk = { 0 };
  g_main_context_push_thread_default(ctx);
  g_autoptr(GSource) timer = g_timeout_source_new(MAX(ms_left(deadline_us), 1));
  g_source_set_callback(timer, lookup_expired, cancel, NULL);
  g_source_attach(timer, ctx);
  g_resolver_lookup_by_name_async(resolver, host, cancel, lookup_done, &lk);
  while (!lk.done)
    g_main_context_iteration(ctx, TRUE);
  g_source_destroy(timer);
  g_main_context_pop_thread_default(ctx);
  if (lk.addresses)
    return lk.addresses;
  int code = g_error_matches(lk.error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
               ? LL_TRANSPORT_ERROR_TIMEOUT
             : g_error_matches(lk.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND)
               ? LL_TRANSPORT_ERROR_NOT_FOUND
               : LL_TRANSPORT_ERROR_OPEN;
  if (code == LL_TRANSPORT_ERROR_TIMEOUT)
    g_set_error(error, LL_TRANSPORT_ERROR, code,
                "%s: cannot connect: looking up '%s' took more than %u ms", t->res->text, host,
                t->res->timeout_ms);
  else
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: cannot connect: %s", t->res->text,
                lk.error ? lk.error->message : "no address");
  g_clear_error(&lk.error);
  return NULL;
}

/* Connects a non-blocking socket to @addr before @deadline_us. */
static GSocket *
connect_one(GInetSocketAddress *addr, gint64 deadline_us, int *code, GError **error)
{
  GSocketFamily family = g_socket_address_get_family(G_SOCKET_ADDRESS(addr));
  g_autoptr(GSocket) sock = g_socket_new(family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                         error);
  *code = LL_TRANSPORT_ERROR_OPEN;
  if (!sock)
    return NULL;
  g_socket_set_blocking(sock, FALSE);
  g_autoptr(GError) err = NULL;
  if (!g_socket_connect(sock, G_SOCKET_ADDRESS(addr), NULL, &err)) {
    if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_PENDING)) {
      g_propagate_error(error, g_steal_pointer(&err));
      return NULL;
    }
    gint64 left = deadline_us - g_get_monotonic_time();
    g_clear_error(&err);
    if (left <= 0 || !g_socket_condition_timed_wait(sock, G_IO_OUT, left, NULL, NULL)) {
      *code = LL_TRANSPORT_ERROR_TIMEOUT;
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "connection timed out");
      return NULL;
    }
    if (!g_socket_check_connect_result(sock, error))
      return NULL;
  }
  return g_steal_pointer(&sock);
}

static gboolean
tcp_open(LlTransport *t, GError **error)
{
  TcpPriv *p = t->priv;
  gint64 deadline = g_get_monotonic_time() + (gint64) t->res->timeout_ms * 1000;
  GList *addresses = resolve(t, t->res->host, deadline, error);
  if (!addresses)
    return FALSE;
  g_autoptr(GError) err = NULL;
  int code = LL_TRANSPORT_ERROR_OPEN;
  for (GList *l = addresses; l && !p->socket; l = l->next) {
    g_clear_error(&err);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(l->data, t->res->port);
    p->socket = connect_one(G_INET_SOCKET_ADDRESS(addr), deadline, &code, &err);
    if (code == LL_TRANSPORT_ERROR_TIMEOUT)
      break;
  }
  g_resolver_free_addresses(addresses);
  if (!p->socket) {
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: cannot connect: %s", t->res->text,
                err ? err->message : "no address");
    return FALSE;
  }
  g_socket_set_option(p->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return TRUE;
}

static void
tcp_close(LlTransport *t)
{
  TcpPriv *p = t->priv;
  if (p->socket)
    g_socket_close(p->socket, NULL);
  g_clear_object(&p->socket);
}

static int
map_io_error(const GError *err)
{
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches(err, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    return LL_TRANSPORT_ERROR_DISCONNECTED;
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return LL_TRANSPORT_ERROR_TIMEOUT;
  return LL_TRANSPORT_ERROR_IO;
}

static gboolean
wait_socket(TcpPriv *p, GIOCondition cond, gint64 deadline_us)
{
  gint64 left = deadline_us - g_get_monotonic_time();
  if (left <= 0)
    return FALSE;
  g_socket_set_timeout(p->socket, 0);
  return g_socket_condition_timed_wait(p->socket, cond, left, NULL, NULL);
}

static gboolean
tcp_write(LlTransport *t, const guint8 *data, gsize len, GError **error)
{
  TcpPriv *p = t->priv;
  gint64 deadline = g_get_monotonic_time() + (gint64) t->timeout_ms * 1000;
  while (len > 0) {
    g_autoptr(GError) err = NULL;
    gssize n = g_socket_send_with_blocking(p->socket, (const gchar *) data, len, FALSE, NULL, &err);
    if (n < 0 && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      if (!wait_socket(p, G_IO_OUT, deadline)) {
        g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT,
                            "the instrument does not accept data");
        return FALSE;
      }
      continue;
    }
    if (n < 0) {
      g_set_error(error, LL_TRANSPORT_ERROR, map_io_error(err), "send failed: %s", err->message);
      return FALSE;
    }
    data += n;
    len -= (gsize) n;
  }
  return TRUE;
}

static gssize
tcp_read(LlTransport *t, guint8 *buf, gsize max, gint64 deadline_us, gboolean *eom, GError **error)
{
  TcpPriv *p = t->priv;
  for (;;) {
    g_autoptr(GError) err = NULL;
    gssize n = g_socket_receive_with_blocking(p->socket, (gchar *) buf, max, FALSE, NULL, &err);
    if (n > 0)
      return n;
    if (n == 0) {
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED,
                          "the instrument closed the connection");
      return -1;
    }
    if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_set_error(error, LL_TRANSPORT_ERROR, map_io_error(err), "receive failed: %s", err->message);
      return -1;
    }
    if (!wait_socket(p, G_IO_IN | G_IO_HUP | G_IO_ERR, deadline_us)) {
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT, "timed out");
      return -1;
    }
  }
}

static gboolean
tcp_clear(LlTransport *t, GError **error)
{
  /* A raw socket has no device clear: drop whatever has arrived. */
  TcpPriv *p = t->priv;
  guint8 buf[4096];
  for (;;) {
    g_autoptr(GError) err = NULL;
    gssize n = g_socket_receive_with_blocking(p->socket, (gchar *) buf, sizeof buf, FALSE, NULL, &err);
    if (n > 0)
      continue;
    if (n == 0) {
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED,
                          "the instrument closed the connection");
      return FALSE;
    }
    return TRUE; /* would block: nothing more pending */
  }
}

const LlTransportOps ll_transport_tcp_ops = {
  .kind = LL_RESOURCE_TCP,
  .priv_size = sizeof(TcpPriv),
  .device_clear = FALSE,
  .open = tcp_open,
  .close = tcp_close,
  .write = tcp_write,
  .read = tcp_read,
  .clear = tcp_clear,
};
