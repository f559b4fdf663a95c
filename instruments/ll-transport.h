/* ll-transport.h: a transport moves bytes between the station and one
 * instrument. The kind is chosen by the prefix of the resource string
 * (serial:, usbtmc:, tcp:, sim:), each kind being a const table of operations
 * with private state behind it (ll-transport-private.h).
 *
 * On top of the kind's raw reads this layer gives line reads (until the
 * resource's terminator or the transport's end-of-message), exact-length reads
 * for binary blocks, a bound on reply size and a read timeout. After a
 * timeout, an oversized or malformed reply the device is cleared (USB-TMC
 * INITIATE_CLEAR, stale input discarded on streams) so the next exchange is
 * not poisoned by a late reply. A device that vanishes makes every later call
 * fail at once with LL_TRANSPORT_ERROR_DISCONNECTED.
 *
 * A transport is not thread-safe: one caller at a time (the SCPI session
 * serializes its users). */
#pragma once

#include <glib.h>

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
/* Same, from a parsed resource (copied). */
LlTransport *ll_transport_open_resource(const LlResource *res, GError **error);
void ll_transport_close(LlTransport *t);

const LlResource *ll_transport_get_resource(LlTransport *t);
/* Read timeout in milliseconds for later reads (starts as the resource's). */
void ll_transport_set_timeout(LlTransport *t, guint timeout_ms);
guint ll_transport_get_timeout(LlTransport *t);

/* Sends @len bytes as one message (on USB-TMC: end-of-message on the last
 * transfer). */
gboolean ll_transport_write(LlTransport *t, const void *data, gsize len, GError **error);
/* Sends @line followed by the resource's terminator, as one message. */
gboolean ll_transport_write_line(LlTransport *t, const char *line, GError **error);

/* Reads one reply line: up to the terminator or the end of the transport's
 * message, whichever comes first, within the timeout. The terminator (and a
 * trailing "\r\n" / "\n") is removed. Returns a newly allocated string; @len
 * (optional) receives its length (it may contain NUL bytes). */
gchar *ll_transport_read_line(LlTransport *t, gsize *len, GError **error);
/* Reads exactly @len bytes within the timeout (a binary block's payload). */
gboolean ll_transport_read_exact(LlTransport *t, void *buf, gsize len, GError **error);

/* Device clear: discards whatever the device and the host side still hold of
 * earlier replies. Done automatically after a timeout or a bad reply. */
gboolean ll_transport_clear(LlTransport *t, GError **error);

/* TRUE once the device has been found gone. */
gboolean ll_transport_is_disconnected(LlTransport *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlTransport, ll_transport_close)

G_END_DECLS
