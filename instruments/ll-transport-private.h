/* ll-transport-private.h: what a transport kind implements. Each kind is one
 * const LlTransportOps; the generic layer (ll-transport.c) owns buffering,
 * line assembly, size bounds, timeouts and the clear-after-fault policy, so
 * a kind only moves raw bytes. */
#pragma once

#include "ll-transport.h"

G_BEGIN_DECLS

typedef struct {
  LlResourceKind kind;
  gsize priv_size; /* zero-filled private state, at t->priv */
  /* TRUE when clear() reaches the device and makes it drop the replies it is
   * still producing (USB-TMC INITIATE_CLEAR, the simulator's clear). FALSE on
   * a plain byte stream (serial, tcp), where clear() can only drop bytes
   * already received and a late reply may still arrive after it; the SCPI
   * layer then resynchronises the session itself (ll-scpi.c). */
  gboolean device_clear;
  /* Opens the device named by t->res. On failure, close() is not called. */
  gboolean (*open)(LlTransport *t, GError **error);
  void (*close)(LlTransport *t);
  /* Sends all of @data as one message. */
  gboolean (*write)(LlTransport *t, const guint8 *data, gsize len, GError **error);
  /* Waits until some bytes arrive or the monotonic time @deadline_us passes.
   * Returns the count read, or -1 with @error set: TIMEOUT when the deadline
   * passed with nothing read. Sets *@eom when the transport knows the
   * device's message ended with these bytes (USB-TMC EOM). The count is > 0,
   * except that 0 is allowed together with *@eom: a message whose last
   * transfer is empty. */
  gssize (*read)(LlTransport *t, guint8 *buf, gsize max, gint64 deadline_us, gboolean *eom,
                 GError **error);
  /* Discards pending replies at the device (when device_clear) and in OS
   * buffers. */
  gboolean (*clear)(LlTransport *t, GError **error);
  /* The clock the device lives on, which deadlines are measured on (a
   * simulator's bench clock); NULL (the op or its result): a real device,
   * measured on the monotonic system clock. */
  LlClock *(*get_clock)(LlTransport *t);
} LlTransportOps;

struct _LlTransport {
  const LlTransportOps *ops;
  LlResource *res;
  guint timeout_ms; /* >= 1 */
  GByteArray *rx;   /* bytes read but not yet consumed */
  gboolean rx_has_eom; /* a device message ends at rx_eom ... */
  gsize rx_eom;        /* ... an offset into rx, possibly 0 (an empty rest of a message) */
  gboolean dirty;   /* a reply may still be in flight: clear before the next write */
  gboolean dead;    /* disconnected */
  gpointer priv;
};

extern const LlTransportOps ll_transport_serial_ops;
extern const LlTransportOps ll_transport_usbtmc_ops;
extern const LlTransportOps ll_transport_tcp_ops;
extern const LlTransportOps ll_transport_sim_ops;

G_END_DECLS
