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
 * Each fixture site also keeps what its EVB drives (supply, pins, thermal
 * setpoint: LlFixtureOutputs), so that they belong to the board, not to a
 * session with it: a second session on a site sees and keeps them, and a
 * module inserted into a powered fixture is powered.
 *
 * Error detectors that are gating (a BERT's) register with the bench
 * (ll_bench_add_detector()); the bench brings them up to date before
 * anything that may change a lane's BER: whenever its lock is taken, in
 * every setter, and (ll_bench_settle()) before an instrument changes a
 * module. Bringing them up to date walks time from where they stopped in
 * steps that end at every change the modules make on their own (power-up
 * done, a data path activated), so each stretch of a gate is charged at the
 * BER that held during it.
 *
 * Simulated instruments find a bench by name (resource option bench=NAME,
 * default "default"); a bench not yet configured is created with defaults.
 * The bench owns its clock: virtual unless configured for real time.
 * Thread-safe: one lock serializes the whole model. */
#pragma once

#include "ll-activity.h"
#include "ll-clock.h"
#include "ll-module-sim.h"
#include "ll-sim-device.h"
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

/* For a bench model's init: the bench its option bench= names (NULL or
 * absent: "default"; an empty name is LL_SIM_ERROR_OPTION), with @dev put on
 * the bench's clock and reporting its busy time to the bench's activity log.
 * New reference; NULL with @error set on failure. */
LlBench *ll_bench_attach(LlSimDevice *dev, GHashTable *options, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlBench, ll_bench_unref)

const LlBenchConfig *ll_bench_config(LlBench *bench);
LlClock *ll_bench_clock(LlBench *bench);
/* The bench's random source for measurement noise: a normal deviate of
 * standard deviation @sd (call with the lock held). */
double ll_bench_noise(LlBench *bench, double sd);
/* The same from @site's own stream (its EVB's readings), so what one site
 * reads does not depend on when the other sites read. */
double ll_bench_site_noise(LlBench *bench, guint site, double sd);
/* The same for a reading of the light switch @section (1: transmitters, 2:
 * receivers) routes: from the stream of the site it selects (the bench's
 * own when it selects nothing). With the bench locked. */
double ll_bench_path_noise(LlBench *bench, guint section, double sd);

/* Takes the lock and brings every registered error detector up to now
 * (ll_bench_settle()). */
void ll_bench_lock(LlBench *bench);
void ll_bench_unlock(LlBench *bench);

/* ---- the activity log (ll-activity.h) ---- */

/* Starts (@on, with an empty log) or stops (the log is dropped) recording
 * what the bench does: every simulator's busy time (ll_sim_device_busy()),
 * every module's own transitions (management init, power-up, each lane's
 * data-path activation) and every BERT gate (STARt to STOP, or to a new
 * STARt or *RST). Off by default: a bench not asked records nothing. Takes
 * the log's lock; call without the bench lock or with it. */
void ll_bench_activity_enable(LlBench *bench, gboolean on);
/* What was recorded since enabled or last taken (an array of LlActivity, in
 * the order reported, which is not the order of start times); recording
 * goes on into a new log. Transitions the modules finished by now are
 * reported first; a gate still running is not in it. Empty when the log is
 * off. Takes the bench lock: call without it. */
GArray *ll_bench_activity_take(LlBench *bench);
/* Adds an activity to the log (nothing when it is off or the interval
 * empty). For simulators: with or without the bench lock held. */
void ll_bench_activity_record(LlBench *bench, LlActivityKind kind, const char *device,
                              gint64 start_us, gint64 end_us);

/* ---- error detectors: call with the lock held ---- */

/* Charges a detector's gate up to @until_us on the bench clock at the BERs
 * the bench gives now (ll_bench_bert_ber(); the modules are evaluated at the
 * start of the stretch). Called with the lock held; must not take it. */
typedef void (*LlBenchDetectorFunc)(LlBench *bench, gint64 until_us, gpointer data);
/* Registers @func; returns an id for ll_bench_remove_detector(). */
guint ll_bench_add_detector(LlBench *bench, LlBenchDetectorFunc func, gpointer data);
void ll_bench_remove_detector(LlBench *bench, guint id);
/* Brings every registered detector up to now. The bench does it itself
 * when its lock is taken and in its setters; an instrument calls it before
 * it changes a module directly (pins, supply, two-wire writes). */
void ll_bench_settle(LlBench *bench);

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

/* What a site's EVB drives. It belongs to the board: it outlives sessions
 * and changes only by command, *RST or ll_fixture_outputs_default(). */
typedef struct {
  gboolean power;     /* module supply on */
  double volts;       /* supply setpoint */
  gboolean resetl;    /* ResetL level (FALSE holds the module in reset) */
  gboolean lpmode;    /* LPMode level (TRUE requests low power) */
  gboolean modsell;   /* ModSelL level (FALSE selects the module) */
  double setpoint_c;  /* thermal head setpoint */
} LlFixtureOutputs;

/* The state after *RST and at power-on (docs/evb-protocol.md): supply off
 * at 3.30 V, ResetL 1, LPMode 1, ModSelL 0, setpoint 25 C. */
void ll_fixture_outputs_default(LlFixtureOutputs *outputs);
/* @site's outputs, for the EVB to read and change; NULL if no such site.
 * After a change, ll_bench_fixture_apply(). */
LlFixtureOutputs *ll_bench_fixture_outputs(LlBench *bench, guint site);
/* Drives @site's module (if any) with its outputs (supply, ResetL, LPMode),
 * settling the detectors first. */
void ll_bench_fixture_apply(LlBench *bench, guint site);

void ll_bench_switch_set(LlBench *bench, guint section, guint channel); /* section 1 or 2 */
guint ll_bench_switch_get(LlBench *bench, guint section);
guint ll_bench_switch_channels(LlBench *bench);

void ll_bench_voa_set(LlBench *bench, double attenuation_db, gboolean enabled);
double ll_bench_voa_attenuation(LlBench *bench);
gboolean ll_bench_voa_enabled(LlBench *bench);

/* True optical power at a meter port, dBm (-INFINITY when dark). */
double ll_bench_port_power_dbm(LlBench *bench, LlBenchPort port);
/* True average power at the receiver of @site's @lane (both 1-based), dBm:
 * the reference light when switch section 2 selects that lane, else
 * -INFINITY. What a calibrated RX power monitor must read. */
double ll_bench_rx_power_dbm(LlBench *bench, guint site, guint lane);
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

/* BERT channel @channel (1-based): generator on/off and patterns. The
 * module lane the channel is cabled to is told whether its host input is
 * driven (its TX LOS flag follows). */
void ll_bench_bert_set_generator(LlBench *bench, guint channel, gboolean on, const char *pattern);
gboolean ll_bench_bert_generator(LlBench *bench, guint channel, const char **pattern);
/* The pre-FEC BER the error detector of @channel would see now if it
 * expects @pattern: 0.5 when it cannot synchronise (no signal, pattern
 * mismatch, receiver off). The received OMA is the one the module is told
 * (the reference transmitter's power less the path, at its ER). */
double ll_bench_bert_ber(LlBench *bench, guint channel, const char *pattern);
/* Line bit rate of a lane, bit/s. */
double ll_bench_lane_bit_rate(LlBench *bench);

G_END_DECLS
