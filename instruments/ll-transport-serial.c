/* ll-transport-serial.c: the `serial:PATH?baud=...` transport through
 * libserialport. Line settings come from the resource (baud, bits, parity,
 * stop, flow). Reads wait with poll() on the port's descriptor so a vanished
 * port is seen at once instead of looking like silence until the timeout:
 * when a USB adapter is unplugged the tty hangs up, poll() reports POLLHUP
 * and read() returns 0 for ever. Writes are bounded by the timeout too
 * (never 0, which sp_blocking_write() takes as "wait for ever").
 *
 * A serial line has no device clear: clear() flushes the input buffer only,
 * and the SCPI layer resynchronises for a reply still on its way. */
#include "ll-transport-private.h"

#include <errno.h>
#include <libserialport.h>
#include <poll.h>
#include <string.h>

typedef struct {
  struct sp_port *port;
  int fd;
} SerialPriv;

static int
map_sp_error(enum sp_return r)
{
  if (r == SP_ERR_FAIL) {
    int e = sp_last_error_code();
    if (e == EIO || e == ENXIO || e == ENODEV || e == EBADF)
      return LL_TRANSPORT_ERROR_DISCONNECTED;
  }
  return LL_TRANSPORT_ERROR_IO;
}

/* libserialport's message for its last error, as a GLib string. */
static gchar *
last_error_message(void)
{
  char *msg = sp_last_error_message();
  gchar *copy = g_strstrip(g_strdup(msg ? msg : "failed"));
  sp_free_error_message(msg);
  return copy;
}

static gboolean
sp_fail(GError **error, enum sp_return r, const char *what)
{
  int code = map_sp_error(r);
  g_autofree gchar *msg = r == SP_ERR_FAIL ? last_error_message() : NULL;
  g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: %s", what,
              code == LL_TRANSPORT_ERROR_DISCONNECTED ? "the port went away (device unplugged?)"
              : msg                                   ? msg
              : r == SP_ERR_ARG                       ? "invalid argument"
              : r == SP_ERR_SUPP                      ? "not supported by this port"
                                                      : "failed");
  return FALSE;
}

static gboolean
serial_open(LlTransport *t, GError **error)
{
  SerialPriv *p = t->priv;
  const LlResource *res = t->res;
  enum sp_return r = sp_get_port_by_name(res->path, &p->port);
  if (r != SP_OK) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND,
                "%s: no serial port %s", res->text, res->path);
    return FALSE;
  }
  r = sp_open(p->port, SP_MODE_READ_WRITE);
  if (r != SP_OK) {
    int e = sp_last_error_code();
    g_autofree gchar *msg = last_error_message();
    g_set_error(error, LL_TRANSPORT_ERROR,
                e == ENOENT || e == ENODEV || e == ENXIO ? LL_TRANSPORT_ERROR_NOT_FOUND
                                                         : LL_TRANSPORT_ERROR_OPEN,
                "%s: cannot open %s: %s%s", res->text, res->path, msg,
                e == EACCES ? " (is the user in the dialout group?)" : "");
    sp_free_port(p->port);
    p->port = NULL;
    return FALSE;
  }
  static const enum sp_parity parities[] = {
    [LL_PARITY_NONE] = SP_PARITY_NONE, [LL_PARITY_ODD] = SP_PARITY_ODD,
    [LL_PARITY_EVEN] = SP_PARITY_EVEN, [LL_PARITY_MARK] = SP_PARITY_MARK,
    [LL_PARITY_SPACE] = SP_PARITY_SPACE,
  };
  static const enum sp_flowcontrol flows[] = {
    [LL_FLOW_NONE] = SP_FLOWCONTROL_NONE, [LL_FLOW_RTSCTS] = SP_FLOWCONTROL_RTSCTS,
    [LL_FLOW_XONXOFF] = SP_FLOWCONTROL_XONXOFF,
  };
  g_autofree gchar *what = g_strdup_printf("%s: cannot configure %s", res->text, res->path);
  if ((r = sp_set_baudrate(p->port, (int) res->baud)) != SP_OK ||
      (r = sp_set_bits(p->port, (int) res->data_bits)) != SP_OK ||
      (r = sp_set_parity(p->port, parities[res->parity])) != SP_OK ||
      (r = sp_set_stopbits(p->port, (int) res->stop_bits)) != SP_OK ||
      (r = sp_set_flowcontrol(p->port, flows[res->flow])) != SP_OK ||
      (r = sp_get_port_handle(p->port, &p->fd)) != SP_OK) {
    sp_fail(error, r, what);
    sp_close(p->port);
    sp_free_port(p->port);
    return FALSE;
  }
  sp_flush(p->port, SP_BUF_BOTH);
  return TRUE;
}

static void
serial_close(LlTransport *t)
{
  SerialPriv *p = t->priv;
  sp_close(p->port);
  sp_free_port(p->port);
}

static gboolean
serial_write(LlTransport *t, const guint8 *data, gsize len, GError **error)
{
  SerialPriv *p = t->priv;
  /* timeout 0 would block for ever; the generic layer never sets it, but
   * this call must not depend on that */
  guint timeout_ms = MAX(t->timeout_ms, 1);
  enum sp_return r = sp_blocking_write(p->port, data, len, timeout_ms);
  if (r < 0)
    return sp_fail(error, r, "write failed");
  if ((gsize) r < len) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT,
                "only %d of %zu bytes sent within %u ms (flow control holding?)", (int) r, len,
                timeout_ms);
    return FALSE;
  }
  return TRUE;
}

static gssize
serial_read(LlTransport *t, guint8 *buf, gsize max, gint64 deadline_us, gboolean *eom,
            GError **error)
{
  SerialPriv *p = t->priv;
  for (;;) {
    enum sp_return r = sp_nonblocking_read(p->port, buf, max);
    if (r > 0)
      return r;
    if (r < 0)
      return sp_fail(error, r, "read failed"), -1;
    gint64 left = deadline_us - g_get_monotonic_time();
    if (left <= 0) {
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT, "timed out");
      return -1;
    }
    struct pollfd pfd = { p->fd, POLLIN, 0 };
    int pr = poll(&pfd, 1, (int) MAX(1, MIN(left / 1000, G_MAXINT)));
    if (pr < 0 && errno != EINTR) {
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_IO, "poll failed: %s",
                  g_strerror(errno));
      return -1;
    }
    if (pr > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
      /* hung up: hand over what it sent before going, then report it gone */
      r = sp_nonblocking_read(p->port, buf, max);
      if (r > 0)
        return r;
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED,
                          "the port went away (device unplugged?)");
      return -1;
    }
  }
}

static gboolean
serial_clear(LlTransport *t, GError **error)
{
  SerialPriv *p = t->priv;
  enum sp_return r = sp_flush(p->port, SP_BUF_INPUT);
  if (r != SP_OK)
    return sp_fail(error, r, "flush failed");
  return TRUE;
}

const LlTransportOps ll_transport_serial_ops = {
  .kind = LL_RESOURCE_SERIAL,
  .priv_size = sizeof(SerialPriv),
  .device_clear = FALSE,
  .open = serial_open,
  .close = serial_close,
  .write = serial_write,
  .read = serial_read,
  .clear = serial_clear,
};
