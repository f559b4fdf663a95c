/* ll-module.h: the module under test, reached through its EVB's two-wire
 * bus: reading CMIS pages (bank and page select), the state machine (power
 * up from low power to Ready, data-path activation and deactivation, each
 * waited for within the duration the module itself advertises in page 01h),
 * and the vendor password. Decoding is ll-cmis.h's. Waiting polls the module
 * and sleeps on @clock between polls (the bench's clock on a simulated
 * station, the system clock otherwise); the polls read only the state bytes,
 * never the latched clear-on-read flags, so a flag raised during a wait is
 * still there for the caller. A page select and the access after it are one
 * transaction on the EVB session: several threads may share one EVB. */
#pragma once

#include "cmis/ll-cmis.h"
#include "ll-clock.h"
#include "ll-evb.h"

G_BEGIN_DECLS

#define LL_MODULE_ERROR (ll_module_error_quark())
GQuark ll_module_error_quark(void);

typedef enum {
  LL_MODULE_ERROR_TIMEOUT,  /* a state was not reached within its advertised time */
  LL_MODULE_ERROR_FAULT,    /* the module went to its Fault state */
  LL_MODULE_ERROR_ABSENT,   /* no module in the fixture */
  LL_MODULE_ERROR_ARGUMENT, /* lanes or AppSel out of range: nothing was sent */
  LL_MODULE_ERROR_REJECTED, /* the module refused a configuration (ConfigStatus) */
} LlModuleError;

/* Reads the lower page into @out. This reads (and so clears, on the module)
 * the latched flags in bytes 8-11. */
gboolean ll_module_read_lower(LlEvb *evb, guint8 out[128], GError **error);
/* Selects @bank/@page and reads the 128 bytes at 128-255 into @out, holding
 * the EVB session across both. */
gboolean ll_module_read_page(LlEvb *evb, guint bank, guint page, guint8 out[128], GError **error);
/* Writes @len bytes at @addr (128-255) of @bank/@page (select and write
 * holding the EVB session), or of the lower page when @addr < 128. */
gboolean ll_module_write(LlEvb *evb, guint bank, guint page, guint addr, const guint8 *data,
                         gsize len, GError **error);
/* Reads the lower page and pages 00h, 01h, 02h, 10h, 11h of bank 0, plus
 * 13h and 14h when page 01h advertises them (only 00h for flat memory). */
LlCmisImage *ll_module_read_image(LlEvb *evb, GError **error);

/* Supply on with LPMode asserted and ResetL released; waits until the
 * module answers on the two-wire bus (it stays in low power). */
gboolean ll_module_power_on_low_power(LlEvb *evb, LlClock *clock, GError **error);
/* Supply on, ResetL released, LPMode released; waits until the module
 * answers and reaches Ready within its advertised power-up time
 * (ModulePwrUp max; a module advertising no maximum is given 60 s, and the
 * timeout message says so). A module going to Fault is LL_MODULE_ERROR_FAULT
 * with the fault cause. */
gboolean ll_module_power_up(LlEvb *evb, LlClock *clock, GError **error);
/* Data paths off, LPMode asserted, supply off. Best effort: every step is
 * tried even when one fails; the first failure is reported. */
gboolean ll_module_power_down(LlEvb *evb, GError **error);
/* Selects application @app_sel (1-15) on the first @lanes (1-8) lanes
 * (staged AppSel, ApplyDPInit) and checks the module accepted it: a lane
 * whose ConfigStatus is not ConfigSuccess is LL_MODULE_ERROR_REJECTED, and
 * no data path is released. Then activates their data paths (the other
 * lanes' DataPathDeinit bits are kept) and waits until every one of these
 * lanes is Activated within DPInit max + DPTxTurnOn max as page 01h
 * advertises (a duration with no maximum counts as 60 s, and the timeout
 * message says so). Arguments out of range are LL_MODULE_ERROR_ARGUMENT. */
gboolean ll_module_activate(LlEvb *evb, guint app_sel, guint lanes, LlClock *clock, GError **error);
/* Sets DataPathDeinit of the first @lanes (1-8) lanes, read-modify-write:
 * the other lanes keep theirs. Does not wait. Out of range is
 * LL_MODULE_ERROR_ARGUMENT. */
gboolean ll_module_deactivate(LlEvb *evb, guint lanes, GError **error);
/* Writes the password entry bytes 122-125 (big-endian). */
gboolean ll_module_enter_password(LlEvb *evb, guint32 password, GError **error);

G_END_DECLS
