/* ll-bench.h: the simulated bench: one physical model that every simulated
 * instrument of a station looks at, so that what a power meter, a scope and a
 * BERT measure is the outcome of the same modules, fibres and settings.
 *
 * Cabling (docs/simulated-bench.md draws it):
 *   TX: module lane -> fibre -> switch section 1 (1xN, channel
 *       (site-1)*8+lane+1) -> 50/50 splitter -> power meter port "tx"
 *                                             -> scope
 *   RX: reference transmitter (PRBS31Q, modulated) -> attenuator -> 95/5 tap
 *       -> 5 %: power meter port "rx" (the reference meter)
 *       -> 95 %: switch section 2 (1xN) -> fibre -> module lane receiver
 *   BERT channel (site-1)*8+lane+1 is cabled to the module's host lane: its
 *       generator drives the lane's transmitter, its error detector checks the
 *       lane's receiver output.
 *
 * Simulated instruments find a bench by name (resource option bench=NAME,
 * default "default"); a bench not yet configured is created with defaults.
 * The bench owns its clock: virtual unless configured for real time.
 * Thread-safe: one lock serializes the whole model. */
#pragma once

#include "ll-clock.h"
#include "ll-module-sim.h"
#include "ll-product.h"
#include "ll-twin.h"

G_BEGIN_DECLS

#define LL_BENCH_MAX_SITES 8
#define LL_BENCH_CHANNELS (LL_BENCH_MAX_SITES * LL_MAX_LANES)

typedef struct {
  guint sites;               /* fixture sites, 1..8 (default 1) */
  const LlProduct *product;  /* the modules inserted (default 800G-DR8) */
  guint64 seed;              /* per-unit variation and noise (default 1) */
  LlDefectMix mix;           /* default: ll_defect_mix_default() */
  gboolean realtime;         /* real clock instead of virtual (default FALSE) */
  double ambient_c;          /* case temperature without a thermal head (25) */
} LlBenchConfig;

typedef struct _LlBench LlBench;

typedef enum { LL_BENCH_PORT_TX, LL_BENCH_PORT_RX } LlBenchPort;

void ll_bench_config_default(LlBenchConfig *config);

LlBench *ll_bench_new(const LlBenchConfig *config);
LlBench *ll_bench_ref(LlBench *bench);
void ll_bench_unref(LlBench *bench);

/* Makes @bench the one named @name (replacing any earlier one). */
void ll_bench_publish(const char *name, LlBench *bench);
/* The bench named @name (NULL: "default"). The default bench is created
 * with defaults on first use; any other name must have been published (a
 * station file's [simulation] does that), so a typo in bench= is an error
 * (LL_SIM_ERROR_OPTION) rather than an empty bench. New reference. */
LlBench *ll_bench_lookup(const char *name, GError **error);
/* Forgets every published bench (tests). */
void ll_bench_forget_all(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlBench, ll_bench_unref)

const LlBenchConfig *ll_bench_config(LlBench *bench);
LlClock *ll_bench_clock(LlBench *bench);
/* The bench's random source for measurement noise (call with the lock held). */
double ll_bench_noise(LlBench *bench, double sd);

void ll_bench_lock(LlBench *bench);
void ll_bench_unlock(LlBench *bench);

/* ---- fixtures: each call takes the lock itself ---- */

/* Puts a module with @serial in @site (1-based), replacing any; the module is
 * of the bench's product. FALSE if @site does not exist. */
gboolean ll_bench_insert(LlBench *bench, guint site, const char *serial);
void ll_bench_remove(LlBench *bench, guint site);
/* Number of insertions into @site's fixture so far. */
guint ll_bench_insertions(LlBench *bench, guint site);

/* ---- for simulated instruments: call with the lock held ---- */

/* The module in @site, or NULL (empty fixture or no such site). */
LlModuleSim *ll_bench_module(LlBench *bench, guint site);
/* Fixture thermal head setpoint of @site; NAN when it has none (ambient). */
void ll_bench_set_case_temperature(LlBench *bench, guint site, double celsius);

void ll_bench_switch_set(LlBench *bench, guint section, guint channel); /* section 1 or 2 */
guint ll_bench_switch_get(LlBench *bench, guint section);
guint ll_bench_switch_channels(LlBench *bench);

void ll_bench_voa_set(LlBench *bench, double attenuation_db, gboolean enabled);
double ll_bench_voa_attenuation(LlBench *bench);
gboolean ll_bench_voa_enabled(LlBench *bench);

/* True optical power at a meter port, dBm (-INFINITY when dark). */
double ll_bench_port_power_dbm(LlBench *bench, LlBenchPort port);
/* The wavelength of the light at a port, nm (0 when dark). */
double ll_bench_port_wavelength_nm(LlBench *bench, LlBenchPort port);

/* What the scope sees: the lane switch section 1 selects. */
typedef struct {
  gboolean light;       /* any light at all */
  gboolean modulated;   /* the lane's BERT generator is on */
  double avg_dbm, oma_dbm, er_db, tdecq_db;
  const char *pattern;  /* the generator's pattern */
} LlScopeView;
void ll_bench_scope_view(LlBench *bench, LlScopeView *view);

/* BERT channel @channel (1-based): generator on/off and patterns. */
void ll_bench_bert_set_generator(LlBench *bench, guint channel, gboolean on, const char *pattern);
gboolean ll_bench_bert_generator(LlBench *bench, guint channel, const char **pattern);
/* The pre-FEC BER the error detector of @channel would see now if it
 * expects @pattern: 0.5 when it cannot synchronise (no signal, pattern
 * mismatch, receiver off). */
double ll_bench_bert_ber(LlBench *bench, guint channel, const char *pattern);
/* Line bit rate of a lane, bit/s. */
double ll_bench_lane_bit_rate(LlBench *bench);

G_END_DECLS
