/* ll-evb.h: the module evaluation board class. Driver: lightline-evb, the
 * protocol of docs/evb-protocol.md. Two-wire transactions that the module
 * does not acknowledge are tried up to four times, 20, 40 and 80 ms apart
 * (140 ms in all: a module still initialising after reset, which may take
 * about 60 ms, or a noisy bus) before they fail with LL_EVB_ERROR_NACK. The
 * pauses are slept on the board's clock (ll_evb_set_clock()). */
#pragma once

#include "ll-clock.h"
#include "ll-scpi.h"

G_BEGIN_DECLS

#define LL_EVB_ERROR (ll_evb_error_quark())
GQuark ll_evb_error_quark(void);

typedef enum {
  LL_EVB_ERROR_NACK,        /* the module did not acknowledge */
  LL_EVB_ERROR_NO_MODULE,   /* the fixture is empty */
  LL_EVB_ERROR_NOT_POWERED, /* two-wire access with the supply off */
  LL_EVB_ERROR_PROTOCOL,    /* the board speaks another protocol version */
} LlEvbError;

typedef struct _LlEvb LlEvb;

typedef enum {
  LL_EVB_PIN_RESETL,
  LL_EVB_PIN_LPMODE,
  LL_EVB_PIN_MODSELL,
} LlEvbPin;

/* Opens the board, checks it speaks protocol LLEVB 1.x (LL_EVB_ERROR_PROTOCOL
 * otherwise) and clears its status (*CLS), so an error left queued by an
 * earlier session cannot fail a later command. The board's clock is the one
 * its transport lives on (ll_transport_get_clock(): a simulated board's
 * bench clock; the system clock for a real board) until ll_evb_set_clock(). */
LlEvb *ll_evb_open(const char *driver, const char *resource, GError **error);
void ll_evb_close(LlEvb *evb);
const LlIdn *ll_evb_idn(LlEvb *evb);
/* The session. A caller that needs several accesses in a row without
 * another user of the board in between (a page select and the access to
 * that page) holds it with ll_scpi_lock() / ll_scpi_unlock(). */
LlScpi *ll_evb_scpi(LlEvb *evb);
/* The clock the NACK retry pauses are slept on; a station sets its station
 * clock (on a simulated station the bench's virtual clock, which is also the
 * default there: a pause on the system clock would cost real time and let no
 * bench time pass). Not owned; it must outlive @evb. NULL sets the default
 * (the transport's clock, else the system clock). */
void ll_evb_set_clock(LlEvb *evb, LlClock *clock);
LlClock *ll_evb_get_clock(LlEvb *evb);

/* Two-wire access at 7-bit @address (0x50 for CMIS). @len 1..256. A NACK is
 * retried as said above; the session is not held during the pauses unless
 * the caller holds it. A write's outcome is asked with SYST:ERR:COUN? in the
 * same transaction. */
gboolean ll_evb_twi_read(LlEvb *evb, guint8 address, guint8 offset, guint8 *buf, gsize len,
                         GError **error);
gboolean ll_evb_twi_write(LlEvb *evb, guint8 address, guint8 offset, const guint8 *data,
                          gsize len, GError **error);

gboolean ll_evb_set_power(LlEvb *evb, gboolean on, GError **error);
gboolean ll_evb_get_power(LlEvb *evb, gboolean *on, GError **error);
gboolean ll_evb_set_supply_voltage(LlEvb *evb, double volts, GError **error);
gboolean ll_evb_measure(LlEvb *evb, double *volts, double *amps, GError **error);
gboolean ll_evb_set_pin(LlEvb *evb, LlEvbPin pin, gboolean level, GError **error);
/* ModPrsL low: a module is in the fixture. */
gboolean ll_evb_module_present(LlEvb *evb, gboolean *present, GError **error);
/* IntL low: the module signals an interrupt. */
gboolean ll_evb_interrupt(LlEvb *evb, gboolean *asserted, GError **error);
gboolean ll_evb_case_temperature(LlEvb *evb, double *celsius, GError **error);
gboolean ll_evb_set_case_temperature(LlEvb *evb, double celsius, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlEvb, ll_evb_close)

G_END_DECLS
