/* ll-station.h: an opened station: its configuration, its simulated bench
 * (when it has one), its clock, and its instruments, each opened with its
 * class driver on first use and shared by the sites.
 *
 * Sharing is by lease: a site leases the instruments a step needs for the
 * length of the step. Leases are always taken in one global order (the
 * instruments' order in the station file), so two sites needing the same
 * instruments can never deadlock; a site waiting for a lease does not hold
 * virtual time still. */
#pragma once

#include "drivers/ll-attenuator.h"
#include "drivers/ll-bert.h"
#include "drivers/ll-evb.h"
#include "drivers/ll-optical-switch.h"
#include "drivers/ll-power-meter.h"
#include "drivers/ll-scope.h"
#include "ll-station-config.h"
#include "sim/ll-bench.h"

G_BEGIN_DECLS

typedef struct _LlStation LlStation;
typedef struct _LlInstrument LlInstrument;

/* Opens the station of @config (taking ownership of it): starts its
 * simulated bench if it has one. Instruments are opened when first leased. */
LlStation *ll_station_open(LlStationConfig *config, GError **error);
void ll_station_close(LlStation *station);

const LlStationConfig *ll_station_config(LlStation *station);
/* The simulated bench, or NULL on a real station. */
LlBench *ll_station_bench(LlStation *station);
/* The bench's clock, or the system clock. */
LlClock *ll_station_get_clock(LlStation *station);

/* The instrument named @name, or NULL. */
LlInstrument *ll_station_instrument(LlStation *station, const char *name);
/* The instrument that plays a sequence role of class @klass for @site: the
 * site's EVB for class evb; otherwise the instrument named @role if there
 * is one of that class, else the only instrument of the class. NULL with
 * @error set when there is none or the choice is ambiguous. */
LlInstrument *ll_station_resolve_role(LlStation *station, const char *role, LlInstrumentClass klass,
                                      guint site, GError **error);

/* Leases @n instruments (duplicates allowed) in the global order; blocks
 * until all are free. Then opens any not yet open; FALSE with @error (and
 * nothing leased) when one cannot be opened. */
gboolean ll_station_lease(LlStation *station, LlInstrument **instruments, guint n, GError **error);
void ll_station_release(LlStation *station, LlInstrument **instruments, guint n);

const LlInstrumentConfig *ll_instrument_config(LlInstrument *inst);
/* The driver handles; each is NULL unless the instrument is of that class
 * and open (it is while leased). */
LlPowerMeter *ll_instrument_power_meter(LlInstrument *inst);
LlAttenuator *ll_instrument_attenuator(LlInstrument *inst);
LlOpticalSwitch *ll_instrument_switch(LlInstrument *inst);
LlBert *ll_instrument_bert(LlInstrument *inst);
LlScope *ll_instrument_scope(LlInstrument *inst);
LlEvb *ll_instrument_evb(LlInstrument *inst);
/* The identity the instrument gave when opened (NULL before). */
const LlIdn *ll_instrument_idn(LlInstrument *inst);
/* Station time the instrument has been leased in all, µs (how busy it is:
 * the instrument that saturates first when sites are added). */
gint64 ll_instrument_leased_us(LlInstrument *inst);
/* Every instrument of the station, in file order. */
GPtrArray *ll_station_instruments(LlStation *station);
/* Closes the driver after a fault so the next lease reopens it. */
void ll_instrument_reset(LlInstrument *inst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStation, ll_station_close)

G_END_DECLS
