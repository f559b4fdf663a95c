/* ll-transport.c: the generic half of every transport: choosing the kind
 * from the resource, buffering, line and exact-length reads with a deadline
 * and a size bound, and the fault policy. After a timeout, an oversized reply
 * or broken framing (or a reply the layer above rejects) the transport is
 * "dirty": it clears at once and again before the next write; it stays dirty
 * until a clear succeeds. With a device clear that keeps a late reply from
 * being taken for the answer to the next query; on a byte stream it drops
 * what has arrived, and the SCPI layer resynchronises for the rest. A
 * disconnect is final.
 *
 * The end of a device message (USB-TMC EOM) is kept as a flag and an offset
 * into the receive buffer, so a message that ends exactly where a read
 * stopped (offset 0), or whose last transfer is empty, is not lost. */
#include "ll-transport-private.h"

#include <string.h>

G_DEFINE_QUARK(ll-transport-error-quark, ll_transport_error)

#define READ_CHUNK 4096

static const LlTransportOps *const kinds[] = {
  [LL_RESOURCE_SERIAL] = &ll_transport_serial_ops,
  [LL_RESOURCE_USBTMC] = &ll_transport_usbtmc_ops,
  [LL_RESOURCE_TCP] = &ll_transport_tcp_ops,
  [LL_RESOURCE_SIM] = &ll_transport_sim_ops,
};

LlTransport *
ll_transport_open_resource(const LlResource *res, GError **error)
{
  g_return_val_if_fail(res != NULL, NULL);
  LlTransport *t = g_new0(LlTransport, 1);
  t->ops = kinds[res->kind];
  t->res = ll_resource_copy(res);
  t->timeout_ms = MAX(res->timeout_ms, 1);
  t->rx = g_byte_array_new();
  t->priv = t->ops->priv_size ? g_malloc0(t->ops->priv_size) : NULL;
  if (!t->ops->open(t, error)) {
    g_byte_array_unref(t->rx);
    ll_resource_free(t->res);
    g_free(t->priv);
    g_free(t);
    return NULL;
  }
  return t;
}

LlTransport *
ll_transport_open(const char *resource, GError **error)
{
  g_autoptr(LlResource) res = ll_resource_parse(resource, NULL, error);
  if (!res)
    return NULL;
  return ll_transport_open_resource(res, error);
}

void
ll_transport_close(LlTransport *t)
{
  if (!t)
    return;
  t->ops->close(t);
  g_byte_array_unref(t->rx);
  ll_resource_free(t->res);
  g_free(t->priv);
  g_free(t);
}

const LlResource *
ll_transport_get_resource(LlTransport *t)
{
  return t->res;
}

void
ll_transport_set_timeout(LlTransport *t, guint timeout_ms)
{
  t->timeout_ms = MAX(timeout_ms, 1); /* 0 would mean "for ever" to some backends */
}

guint
ll_transport_get_timeout(LlTransport *t)
{
  return t->timeout_ms;
}

gboolean
ll_transport_is_disconnected(LlTransport *t)
{
  return t->dead;
}

gboolean
ll_transport_has_device_clear(LlTransport *t)
{
  return t->ops->device_clear;
}

LlClock *
ll_transport_get_clock(LlTransport *t)
{
  return t->ops->get_clock ? t->ops->get_clock(t) : NULL;
}

static gint64
now_us(LlTransport *t)
{
  LlClock *clock = ll_transport_get_clock(t);
  return clock ? ll_clock_now(clock) : g_get_monotonic_time();
}

static gboolean
check_alive(LlTransport *t, GError **error)
{
  if (!t->dead)
    return TRUE;
  g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED,
              "%s: the instrument was disconnected; reconnect it and open it again", t->res->text);
  return FALSE;
}

/* Records what a failed operation means for the transport's state. */
static void
note_failure(LlTransport *t, const GError *err)
{
  if (!err || err->domain != LL_TRANSPORT_ERROR)
    return;
  if (err->code == LL_TRANSPORT_ERROR_DISCONNECTED) {
    t->dead = TRUE;
    return;
  }
  if (err->code == LL_TRANSPORT_ERROR_TIMEOUT || err->code == LL_TRANSPORT_ERROR_OVERFLOW ||
      err->code == LL_TRANSPORT_ERROR_PROTOCOL)
    ll_transport_reject_reply(t);
}

void
ll_transport_reject_reply(LlTransport *t)
{
  g_autoptr(GError) ignored = NULL;
  ll_transport_clear(t, &ignored);
  t->dirty = TRUE; /* clear again before the next write: the reply may still come */
}

gboolean
ll_transport_clear(LlTransport *t, GError **error)
{
  if (!check_alive(t, error))
    return FALSE;
  g_byte_array_set_size(t->rx, 0);
  t->rx_has_eom = FALSE;
  t->rx_eom = 0;
  GError *err = NULL;
  if (!t->ops->clear(t, &err)) {
    if (err && err->domain == LL_TRANSPORT_ERROR && err->code == LL_TRANSPORT_ERROR_DISCONNECTED)
      t->dead = TRUE;
    t->dirty = TRUE; /* not cleared: try again before the next write */
    g_propagate_prefixed_error(error, err, "%s: ", t->res->text);
    return FALSE;
  }
  t->dirty = FALSE;
  return TRUE;
}

gboolean
ll_transport_write(LlTransport *t, const void *data, gsize len, GError **error)
{
  if (!check_alive(t, error))
    return FALSE;
  if (t->dirty && !ll_transport_clear(t, error))
    return FALSE;
  GError *err = NULL;
  if (!t->ops->write(t, data, len, &err)) {
    note_failure(t, err);
    g_propagate_prefixed_error(error, err, "%s: ", t->res->text);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_transport_write_line(LlTransport *t, const char *line, GError **error)
{
  g_autofree gchar *msg = g_strconcat(line, t->res->term, NULL);
  return ll_transport_write(t, msg, strlen(msg), error);
}

/* Reads more bytes into rx. */
static gboolean
fill(LlTransport *t, gint64 deadline, GError **error)
{
  guint8 buf[READ_CHUNK];
  gboolean eom = FALSE;
  GError *err = NULL;
  gssize n = t->ops->read(t, buf, sizeof buf, deadline, &eom, &err);
  if (n < 0) {
    note_failure(t, err);
    if (err->domain == LL_TRANSPORT_ERROR && err->code == LL_TRANSPORT_ERROR_TIMEOUT) {
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT,
                  "%s: no %sreply within %u ms", t->res->text, t->rx->len ? "complete " : "",
                  t->timeout_ms);
      g_error_free(err);
    } else
      g_propagate_prefixed_error(error, err, "%s: ", t->res->text);
    return FALSE;
  }
  /* n == 0 only with eom: a message whose last transfer is empty */
  g_byte_array_append(t->rx, buf, (guint) n);
  if (eom) {
    t->rx_has_eom = TRUE;
    t->rx_eom = t->rx->len;
  }
  return TRUE;
}

/* Removes the first @n bytes of rx (never past the end of a message). A line
 * read that reaches the end of the message consumes that end with it
 * (@take_eom); an exact-length read leaves it, at offset 0 if it stopped
 * there, so the line read that follows sees the message end at once. */
static void
consume(LlTransport *t, gsize n, gboolean take_eom)
{
  g_assert(!t->rx_has_eom || n <= t->rx_eom);
  g_byte_array_remove_range(t->rx, 0, (guint) n);
  if (t->rx_has_eom) {
    t->rx_eom -= n;
    if (take_eom && t->rx_eom == 0)
      t->rx_has_eom = FALSE;
  }
}

static gboolean
overflow(LlTransport *t, GError **error)
{
  g_autoptr(GError) err = g_error_new(LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OVERFLOW,
                                      "%s: reply longer than %zu bytes (raise maxreply= if the "
                                      "instrument really sends that much)",
                                      t->res->text, t->res->max_reply);
  note_failure(t, err);
  g_propagate_error(error, g_steal_pointer(&err));
  return FALSE;
}

gchar *
ll_transport_read_line(LlTransport *t, gsize *len, GError **error)
{
  if (!check_alive(t, error))
    return NULL;
  gint64 deadline = now_us(t) + (gint64) t->timeout_ms * 1000;
  /* A reply ends at the last byte of the terminator ("\n" for lf and crlf,
   * "\r" for cr), or at the transport's end of message. Only that byte is
   * removed, and a CR just before an LF terminator, so an instrument that
   * answers LF where CRLF was set up (or CRLF where LF was) is still
   * understood; any other CR or LF is data. */
  const char *term = t->res->term;
  char end = term[strlen(term) - 1];
  gsize scanned = 0;
  for (;;) {
    gsize limit = t->rx_has_eom ? t->rx_eom : t->rx->len;
    const guint8 *found = limit > scanned ? memchr(t->rx->data + scanned, end, limit - scanned) : NULL;
    if (found || t->rx_has_eom) {
      gsize body = found ? (gsize) (found - t->rx->data) : t->rx_eom;
      gsize used = found ? body + 1 : t->rx_eom;
      if (found && end == '\n' && body > 0 && t->rx->data[body - 1] == '\r')
        body--;
      if (body > t->res->max_reply)
        return overflow(t, error), NULL;
      gchar *line = g_malloc(body + 1);
      memcpy(line, t->rx->data, body);
      line[body] = '\0';
      consume(t, used, TRUE);
      if (len)
        *len = body;
      return line;
    }
    scanned = limit;
    if (t->rx->len > t->res->max_reply)
      return overflow(t, error), NULL;
    if (!fill(t, deadline, error))
      return NULL;
  }
}

gboolean
ll_transport_read_exact(LlTransport *t, void *buf, gsize len, GError **error)
{
  if (!check_alive(t, error))
    return FALSE;
  gint64 deadline = now_us(t) + (gint64) t->timeout_ms * 1000;
  while (t->rx->len < len) {
    if (t->rx_has_eom) {
      g_autoptr(GError) err = g_error_new(LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                                          "%s: message ended after %u of %zu bytes",
                                          t->res->text, t->rx->len, len);
      note_failure(t, err);
      g_propagate_error(error, g_steal_pointer(&err));
      return FALSE;
    }
    if (!fill(t, deadline, error))
      return FALSE;
  }
  memcpy(buf, t->rx->data, len);
  consume(t, len, FALSE);
  return TRUE;
}
