/* ll-scpi.h: an SCPI session over any transport. Writes and queries, typed
 * queries, *IDN? parsed into its four fields, the error queue (SYST:ERR?)
 * drained and reported, *OPC?, *RST / *CLS, and IEEE 488.2 definite-length
 * binary blocks (#<n><len><data>).
 *
 * Staying in step: a reply that comes too late (after a timeout) or is only
 * partly read (too long, a refused block) must never be taken for the answer
 * to a later query. Transports with a device clear (usbtmc:, sim:) clear it.
 * On a byte stream (serial:, tcp:) the session marks itself out of step
 * instead, and before its next write or query it resynchronises: it sends
 * "*ESE?;*ESE <n>;*ESE?" with a random n from 1 to 255, reads and discards
 * lines until "<n>" follows a line holding an integer 0..255 (the old
 * value), all within the session's timeout, then restores "*ESE <old>". An
 * instrument that does not come back in time makes that call fail with
 * LL_TRANSPORT_ERROR_TIMEOUT "instrument out of step; ..." (and the next call
 * tries again). Instruments on streams must therefore implement *ESE / *ESE?.
 *
 * Several threads may share one session: each call is atomic (a query's write
 * and read are never interleaved with another thread's). A caller that needs
 * several calls in a row without interruption (a driver's transaction) holds
 * the session with ll_scpi_lock() / ll_scpi_unlock(); the lock is recursive.
 * On a simulated instrument with a virtual clock, a thread waiting in
 * ll_scpi_lock() for another one does not take part in the clock while it
 * waits (ll_clock_virtual_leave()), so the holder's wait for a reply on that
 * clock can end; the session is handed to waiters first come, first served,
 * and one that took part before takes part again from the moment it is
 * handed the session. */
#pragma once

#include <glib.h>

#include "ll-transport.h"

G_BEGIN_DECLS

#define LL_SCPI_ERROR (ll_scpi_error_quark())
GQuark ll_scpi_error_quark(void);

typedef enum {
  LL_SCPI_ERROR_PARSE,      /* the reply is not what the query promised (garbage) */
  LL_SCPI_ERROR_INSTRUMENT, /* the instrument reported errors in its queue */
  LL_SCPI_ERROR_NOT_A_NUMBER, /* the instrument answered SCPI NaN (9.91E37) or overflow */
} LlScpiError;

typedef struct _LlScpi LlScpi;

/* The four fields of an *IDN? reply. */
typedef struct {
  gchar *maker;
  gchar *model;
  gchar *serial;
  gchar *firmware;
} LlIdn;

void ll_idn_clear(LlIdn *idn);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LlIdn, ll_idn_clear)

/* Parses an *IDN? reply "maker,model,serial,firmware" (fields trimmed; a
 * firmware field may itself hold commas). FALSE with LL_SCPI_ERROR_PARSE if
 * there are fewer than four fields or the maker or model is empty. */
gboolean ll_idn_parse(const char *reply, LlIdn *idn, GError **error);

/* Opens @resource and starts a session. NULL with @error set on failure. */
LlScpi *ll_scpi_open(const char *resource, GError **error);
/* Starts a session over an open transport; the session owns it. */
LlScpi *ll_scpi_new(LlTransport *transport);
void ll_scpi_close(LlScpi *scpi);

LlTransport *ll_scpi_get_transport(LlScpi *scpi);
const char *ll_scpi_get_resource(LlScpi *scpi);

void ll_scpi_lock(LlScpi *scpi);
void ll_scpi_unlock(LlScpi *scpi);

/* Sends a command (the terminator is added). */
gboolean ll_scpi_write(LlScpi *scpi, const char *command, GError **error);
gboolean ll_scpi_writef(LlScpi *scpi, GError **error, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* Sends @query and returns the reply line without its terminator. Free with
 * g_free(). A reply holding a NUL byte is LL_SCPI_ERROR_PARSE. */
gchar *ll_scpi_query(LlScpi *scpi, const char *query, GError **error);

/* Typed queries: the reply parsed strictly (see ll_scpi_parse_double(); an
 * integer is NR1, or NR3 with an integral value); anything else is
 * LL_SCPI_ERROR_PARSE quoting the reply. */
gboolean ll_scpi_query_double(LlScpi *scpi, const char *query, double *value, GError **error);
gboolean ll_scpi_query_int(LlScpi *scpi, const char *query, gint64 *value, GError **error);
/* "1"/"0"/"ON"/"OFF" (any case). */
gboolean ll_scpi_query_bool(LlScpi *scpi, const char *query, gboolean *value, GError **error);
/* A string reply with surrounding double quotes removed ("" doubled inside
 * becomes "). */
gchar *ll_scpi_query_string(LlScpi *scpi, const char *query, GError **error);

/* Queries a definite-length binary block (#<n><len><data> and the
 * terminator). Returns the data. The indefinite form #0<data><term> is
 * refused (LL_SCPI_ERROR_PARSE): its end cannot be told from a terminator
 * byte inside the data on a stream; set the instrument to definite-length
 * blocks. After any refused block the rest of it is discarded (see "staying
 * in step" above). */
GBytes *ll_scpi_query_block(LlScpi *scpi, const char *query, GError **error);

/* *IDN? parsed. */
gboolean ll_scpi_idn(LlScpi *scpi, LlIdn *idn, GError **error);

/* Drains the error queue with SYST:ERR? until it reports 0 (at most 64
 * entries). If it held errors, returns FALSE with LL_SCPI_ERROR_INSTRUMENT
 * listing every one of them; TRUE when the queue was empty. When a SYST:ERR?
 * itself fails midway, the error is that failure's, with the instrument
 * errors already read listed in its message. */
gboolean ll_scpi_check_errors(LlScpi *scpi, GError **error);

/* *OPC? with a timeout of @timeout_ms for this one reply (the instrument
 * answers when its pending operations end). 0 is taken as 1 ms: there is no
 * "wait for ever". */
gboolean ll_scpi_wait_opc(LlScpi *scpi, guint timeout_ms, GError **error);

/* *RST then *CLS, then *OPC? so the reset is complete on return. */
gboolean ll_scpi_reset(LlScpi *scpi, GError **error);
/* *CLS. */
gboolean ll_scpi_clear_status(LlScpi *scpi, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlScpi, ll_scpi_close)

/* Parses an SCPI numeric reply strictly: an optional sign, digits with an
 * optional decimal point, an optional exponent (E or e, optional sign,
 * digits), and surrounding white space only (NR1, NR2, NR3). No unit suffix
 * ("-3.2DBM"), no hex, no "nan" / "inf", no second number. Sets
 * LL_SCPI_ERROR_NOT_A_NUMBER for 9.91E37 (NaN) and +/-9.9E37 (overflow),
 * LL_SCPI_ERROR_PARSE for anything else that is not such a number (values
 * out of the range of a double included). */
gboolean ll_scpi_parse_double(const char *text, double *value, GError **error);

G_END_DECLS
