/* ll-transport-sim.c: the `sim:NAME?options` transport: an in-process
 * simulated instrument (instruments/sim/) behind the same byte interface as a
 * real port, so everything above the transport runs unchanged on the
 * simulated bench. The device splits commands and ends replies with the
 * resource's terminator (term=), as a real instrument set up that way would.
 * Its clear is a real device clear (pending replies are dropped). Waiting
 * happens on the simulator's clock. A bad simulator option value that only
 * the model can judge (more ports than a power meter has, say) is reported at
 * open as LL_RESOURCE_ERROR_OPTION, like the options ll_resource_parse()
 * checks. */
#include "ll-transport-private.h"
#include "sim/ll-sim-device.h"

typedef struct {
  LlSimDevice *dev;
} SimPriv;

static gboolean
sim_open(LlTransport *t, GError **error)
{
  SimPriv *p = t->priv;
  GError *err = NULL;
  p->dev = ll_sim_device_new(t->res->sim_name, t->res->sim_options, NULL, &err);
  if (!p->dev) {
    if (g_error_matches(err, LL_SIM_ERROR, LL_SIM_ERROR_OPTION))
      g_set_error(error, LL_RESOURCE_ERROR, LL_RESOURCE_ERROR_OPTION, "%s: %s", t->res->text,
                  err->message);
    else
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND, "%s: %s", t->res->text,
                  err->message);
    g_error_free(err);
    return FALSE;
  }
  ll_sim_device_set_terminator(p->dev, t->res->term);
  return TRUE;
}

static void
sim_close(LlTransport *t)
{
  SimPriv *p = t->priv;
  ll_sim_device_free(p->dev);
}

static gboolean
gone(GError **error)
{
  g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED,
                      "the simulated instrument disconnected");
  return FALSE;
}

static gboolean
sim_write(LlTransport *t, const guint8 *data, gsize len, GError **error)
{
  SimPriv *p = t->priv;
  if (ll_sim_device_is_gone(p->dev))
    return gone(error);
  ll_sim_device_write(p->dev, data, len, TRUE);
  return TRUE;
}

static gssize
sim_read(LlTransport *t, guint8 *buf, gsize max, gint64 deadline_us, gboolean *eom, GError **error)
{
  SimPriv *p = t->priv;
  if (!ll_sim_device_wait(p->dev, deadline_us)) {
    if (ll_sim_device_is_gone(p->dev))
      return gone(error), -1;
    g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT, "timed out");
    return -1;
  }
  return (gssize) ll_sim_device_read(p->dev, buf, max);
}

static gboolean
sim_clear(LlTransport *t, GError **error)
{
  SimPriv *p = t->priv;
  if (ll_sim_device_is_gone(p->dev))
    return gone(error);
  ll_sim_device_clear(p->dev);
  return TRUE;
}

static LlClock *
sim_get_clock(LlTransport *t)
{
  SimPriv *p = t->priv;
  return ll_sim_device_get_clock(p->dev);
}

const LlTransportOps ll_transport_sim_ops = {
  .kind = LL_RESOURCE_SIM,
  .priv_size = sizeof(SimPriv),
  .device_clear = TRUE,
  .open = sim_open,
  .close = sim_close,
  .write = sim_write,
  .read = sim_read,
  .clear = sim_clear,
  .get_clock = sim_get_clock,
};
