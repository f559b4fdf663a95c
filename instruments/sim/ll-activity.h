/* ll-activity.h: the physical activity of the simulated bench, as intervals
 * of bench time. An instrument that is busy (a meter averaging, an
 * attenuator or a switch settling, a scope acquiring, an EVB on its
 * two-wire bus), a module changing state by itself (management interface
 * starting, power-up, data-path activation) and a BERT error detector gating
 * each make one LlActivity: what kind of activity, which device, from when
 * to when.
 *
 * The bench keeps a log of them when asked (ll_bench_activity_enable() in
 * ll-bench.h); the union of the intervals is the time a test must spend on
 * the bench when everything it does is serialized, its lower bound. This
 * file holds the kinds and the interval arithmetic, pure functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LL_ACTIVITY_MODULE_INIT,    /* reset released .. management interface answers */
  LL_ACTIVITY_MODULE_POWER_UP,/* LowPwr released .. Ready */
  LL_ACTIVITY_DATA_PATH,      /* a lane's data path: DPInit requested .. Activated */
  LL_ACTIVITY_BERT_GATE,      /* an error detector: gating start .. stop */
  LL_ACTIVITY_SCOPE,          /* a scope acquisition */
  LL_ACTIVITY_METER,          /* a power meter reading: its averaging time */
  LL_ACTIVITY_ATTENUATOR,     /* an attenuator settling after a change */
  LL_ACTIVITY_SWITCH,         /* an optical switch settling after a change */
  LL_ACTIVITY_EVB_TWI,        /* an EVB's two-wire transaction */
  LL_ACTIVITY_EVB,            /* an EVB's supply or pin settling, or a V/I measurement */
  LL_ACTIVITY_THERMAL,        /* a thermal head settling to a new setpoint */
  LL_ACTIVITY_OTHER,          /* anything else a simulator is busy with */
  LL_ACTIVITY_N_KINDS
} LlActivityKind;

#define LL_ACTIVITY_DEVICE_LEN 40

typedef struct {
  LlActivityKind kind;
  char device[LL_ACTIVITY_DEVICE_LEN]; /* "flexdca MY60010001", "module site 1 lane 3" */
  gint64 start_us, end_us;             /* bench clock; end >= start */
} LlActivity;

/* Where a simulator or a module reports an activity (the bench's log). */
typedef void (*LlActivityFunc)(gpointer data, LlActivityKind kind, const char *device,
                               gint64 start_us, gint64 end_us);

/* "module power-up", "BERT gating", ...: a short name for tables. */
const char *ll_activity_kind_name(LlActivityKind kind);

/* A stretch of time [start_us, end_us). */
typedef struct {
  gint64 start_us, end_us;
} LlInterval;

/* The union of the intervals of @n @items whose kind is @kind (every kind
 * when @kind is LL_ACTIVITY_N_KINDS), as disjoint intervals sorted by
 * start; touching intervals are merged, empty ones dropped. New array of
 * LlInterval. */
GArray *ll_activity_union(const LlActivity *items, guint n, LlActivityKind kind);
/* The total length of disjoint @intervals (an array of LlInterval). */
gint64 ll_interval_total(const GArray *intervals);
/* The length of [@from_us, @to_us) that disjoint sorted @intervals leave
 * uncovered. */
gint64 ll_interval_gap_total(const GArray *intervals, gint64 from_us, gint64 to_us);

G_END_DECLS
