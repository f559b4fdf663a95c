/* ll-station.h: an opened station: its configuration, its simulated bench
 * (when it has one), its clock, and its instruments, each opened with its
 * class driver on first use and shared by the sites.
 *
 * Sharing is by lease: a site leases the parts of the instruments a step
 * needs for the length of the step. A part is what one site can use while
 * another uses the rest: a switch section, a power meter or attenuator
 * channel, a BERT channel; an instrument without such parts (a scope) is
 * leased whole. A call takes all it asks for at once or waits holding
 * nothing, so two sites can never deadlock; a site waiting for a lease does
 * not hold virtual time still. Parts are granted first come, first served:
 * whoever gives parts back grants them, at that instant, to the oldest
 * calls waiting that can now go, and a call that waited for virtual time
 * takes part in it again before it is woken, so it starts at the instant
 * its parts came free. On a virtual clock, sites that ask at one instant
 * ask one after the other in site order (ll_clock_virtual_settle(), the
 * ranks of ll-clock.h), so which is served first never depends on the
 * threads' scheduling. */
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

/* Parts of an instrument: bit n-1 for part n (section, channel). */
#define LL_PARTS_ALL G_MAXUINT64
#define LL_PART(n) (G_GUINT64_CONSTANT(1) << ((n) - 1))
/* The highest part number an instrument has. */
#define LL_PARTS_MAX 64

typedef struct {
  LlInstrument *instrument;
  guint64 parts; /* LL_PART() bits, or LL_PARTS_ALL for the whole instrument */
} LlLease;

/* Leases @n parts of instruments (the same instrument may appear more than
 * once): blocks until every part asked for is free and no older call waits
 * for one of them, then takes them all at once. A call that need not wait
 * does not leave virtual time (it only lets the sites of lower rank acting
 * at this instant go first). Opens any instrument not yet open (one site opens it; others
 * leasing it wait for that). FALSE with @error, and nothing leased, when
 * one cannot be opened. */
gboolean ll_station_lease(LlStation *station, const LlLease *leases, guint n, GError **error);
void ll_station_release(LlStation *station, const LlLease *leases, guint n);
/* Whether ll_station_lease() of @leases would be granted at once now (it
 * may not be a moment later: this only helps choose what to do next). */
gboolean ll_station_lease_free(LlStation *station, const LlLease *leases, guint n);

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
/* Station time the instrument's busiest part has been leased in all, µs,
 * and that part's number in *@part (may be NULL): how busy it is, the part
 * that saturates first when sites are added. */
gint64 ll_instrument_leased_us(LlInstrument *inst, guint *part);
/* A part's name for people: "section 1", "channel 3"; "" for the whole of
 * an instrument that has no parts. */
const char *ll_instrument_part_kind(LlInstrument *inst);
/* Every instrument of the station, in file order. */
GPtrArray *ll_station_instruments(LlStation *station);
/* Marks the instrument faulty after a fault: its driver is closed when the
 * last lease on it ends, and the next lease reopens it; no new lease is
 * granted on it meanwhile. */
void ll_instrument_reset(LlStation *station, LlInstrument *inst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStation, ll_station_close)

G_END_DECLS
