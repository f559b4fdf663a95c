/* ll-transport-tcp.c: the `tcp:HOST:PORT` transport: a raw SCPI socket, as
 * LAN instruments serve on port 5025, through GIO. Connecting is bounded by
 * the resource's timeout; reads wait with poll() until the deadline; a peer
 * that closes the connection is a disconnect. */
#include "ll-transport-private.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

typedef struct {
  GSocketConnection *conn;
  GSocket *socket;
} TcpPriv;

static gboolean
tcp_open(LlTransport *t, GError **error)
{
  TcpPriv *p = t->priv;
  g_autoptr(GSocketClient) client = g_socket_client_new();
  g_socket_client_set_timeout(client, (t->res->timeout_ms + 999) / 1000);
  g_autoptr(GError) err = NULL;
  p->conn = g_socket_client_connect_to_host(client, t->res->host, t->res->port, NULL, &err);
  if (!p->conn) {
    int code = g_error_matches(err, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND)
                 ? LL_TRANSPORT_ERROR_NOT_FOUND
                 : g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? LL_TRANSPORT_ERROR_TIMEOUT
                                                                          : LL_TRANSPORT_ERROR_OPEN;
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: cannot connect: %s", t->res->text,
                err->message);
    return FALSE;
  }
  p->socket = g_socket_connection_get_socket(p->conn);
  g_socket_set_blocking(p->socket, FALSE);
  g_socket_set_option(p->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return TRUE;
}

static void
tcp_close(LlTransport *t)
{
  TcpPriv *p = t->priv;
  if (p->conn)
    g_io_stream_close(G_IO_STREAM(p->conn), NULL, NULL);
  g_clear_object(&p->conn);
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
  .open = tcp_open,
  .close = tcp_close,
  .write = tcp_write,
  .read = tcp_read,
  .clear = tcp_clear,
};
