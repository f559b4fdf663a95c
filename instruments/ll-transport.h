/* ll-transport.h: a transport moves bytes between the station and one
 * instrument. The kind is chosen by the prefix of the resource string
 * (serial:, usbtmc:, tcp:, sim:), each kind being a const table of operations
 * with private state behind it (ll-transport-private.h).
 *
 * On top of the kind's raw reads this layer gives line reads (until the
 * resource's terminator or the transport's end-of-message), exact-length reads
 * for binary blocks, a bound on reply size and a read timeout. After a
 * timeout, an oversized or malformed reply the transport is cleared at once
 * and again before the next write. Where the kind has a real device clear
 * (USB-TMC INITIATE_CLEAR, the simulator) that is enough: a late reply can
 * not be taken for the answer to the next query. A plain byte stream (serial,
 * tcp) can only drop the bytes already received; a reply still on its way
 * arrives after the next write, so the layer above must resynchronise
 * (ll_transport_has_device_clear(); the SCPI session does it, ll-scpi.h).
 * A device that vanishes makes every later call fail at once with
 * LL_TRANSPORT_ERROR_DISCONNECTED.
 *
 * A transport is not thread-safe: one caller at a time (the SCPI session
 * serializes its users). */
#pragma once

#include <glib.h>

#include "ll-clock.h"
#include "ll-resource.h"

G_BEGIN_DECLS

#define LL_TRANSPORT_ERROR (ll_transport_error_quark())
GQuark ll_transport_error_quark(void);

typedef enum {
  LL_TRANSPORT_ERROR_NOT_FOUND,    /* no such port, device or host */
  LL_TRANSPORT_ERROR_OPEN,         /* found but could not be opened (permission, busy) */
  LL_TRANSPORT_ERROR_TIMEOUT,      /* no (complete) reply within the timeout */
  LL_TRANSPORT_ERROR_DISCONNECTED, /* the device went away */
  LL_TRANSPORT_ERROR_OVERFLOW,     /* reply longer than the resource's bound */
  LL_TRANSPORT_ERROR_PROTOCOL,     /* framing broken (USB-TMC header, bTag) */
  LL_TRANSPORT_ERROR_IO,           /* any other I/O failure */
} LlTransportError;

typedef struct _LlTransport LlTransport;

/* Opens the transport named by @resource (a resource string). On failure
 * returns NULL with @error set (LL_RESOURCE_ERROR for a bad string,
 * LL_TRANSPORT_ERROR otherwise). Close with ll_transport_close(). */
LlTransport *ll_transport_open(const char *resource, GError **error);
/* Same, from a parsed resource (deep-copied with ll_resource_copy(): the
 * fields as they are now, even if changed after parsing). */
LlTransport *ll_transport_open_resource(const LlResource *res, GError **error);
void ll_transport_close(LlTransport *t);

const LlResource *ll_transport_get_resource(LlTransport *t);
/* Read timeout in milliseconds for later reads and writes (starts as the
 * resource's). There is no "wait for ever": 0 is taken as 1 ms. */
void ll_transport_set_timeout(LlTransport *t, guint timeout_ms);
guint ll_transport_get_timeout(LlTransport *t);

/* Sends @len bytes as one message (on USB-TMC: end-of-message on the last
 * transfer). */
gboolean ll_transport_write(LlTransport *t, const void *data, gsize len, GError **error);
/* Sends @line followed by the resource's terminator, as one message. */
gboolean ll_transport_write_line(LlTransport *t, const char *line, GError **error);

/* Reads one reply line: up to the terminator or the end of the transport's
 * message, whichever comes first, within the timeout. Only the terminator is
 * removed, and with it a CR just before an LF terminator (so "\r\n" ends a
 * line under term=lf and "\n" one under term=crlf); other CR and LF bytes
 * stay. Returns a newly allocated, NUL-terminated copy of every byte; @len
 * (optional) receives its length, which is the only way to see NUL bytes
 * inside it. A line that ends exactly where an exact-length read stopped at
 * the end of a message is empty and returned at once. */
gchar *ll_transport_read_line(LlTransport *t, gsize *len, GError **error);
/* Reads exactly @len bytes within the timeout (a binary block's payload).
 * LL_TRANSPORT_ERROR_PROTOCOL at once when the device's message ends first. */
gboolean ll_transport_read_exact(LlTransport *t, void *buf, gsize len, GError **error);

/* Device clear: discards whatever the device (see
 * ll_transport_has_device_clear()) and the host side still hold of earlier
 * replies. Done automatically after a timeout or a bad reply. On failure the
 * error names the resource and the transport stays marked for clearing, so
 * the next write tries again. */
gboolean ll_transport_clear(LlTransport *t, GError **error);

/* TRUE when ll_transport_clear() reaches the device (usbtmc:, sim:), FALSE on
 * a byte stream (serial:, tcp:) where it only drops bytes already received. */
gboolean ll_transport_has_device_clear(LlTransport *t);

/* For the layer above: the reply being read is refused (a malformed binary
 * block, say) and the rest of it is not wanted. Clears now and again before
 * the next write, as after a timeout. On a transport without device clear the
 * rest may still arrive later: the caller must resynchronise. */
void ll_transport_reject_reply(LlTransport *t);

/* The clock a simulated instrument (sim:) lives on, which its replies and
 * this transport's timeouts are measured on: its bench's, virtual or real.
 * NULL for a real instrument (serial:, usbtmc:, tcp:), which lives in real
 * time. Not owned by the caller. */
LlClock *ll_transport_get_clock(LlTransport *t);

/* TRUE once the device has been found gone. */
gboolean ll_transport_is_disconnected(LlTransport *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlTransport, ll_transport_close)

G_END_DECLS
