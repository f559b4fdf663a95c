/* ll-gui-runner.h: the station application's one door to the station
 * layer. It opens the station and the sequence the way `lightline run`
 * does (the same station functions), runs a unit in a site on a thread of
 * its own, and hands the engine's events to the main loop: the engine calls
 * its listeners on the site's thread, the runner copies what a screen needs
 * and emits it as a signal on the main context it was made on. Nothing here
 * blocks that main loop on an instrument.
 *
 * Units are tested through the station's test session (ll-test-session.h),
 * as `lightline run` and `lightline demo` test them: the retest limit is
 * checked first, and each run is recorded in the results store when the
 * station has one (the demo station's is LL_GUI_DEMO_DATABASE).
 *
 * Signals (all on the runner's main context, in the order things happened):
 *   "event"         (LlGuiEvent *event): a step started or finished, a value
 *                   was measured; the event is only valid during the emission
 *   "run-started"   (guint site, const char *serial)
 *   "run-finished"  (guint site, gpointer LlRunResult *, gint64 run_id): the
 *                   unit's result (owned by the runner, valid during the
 *                   emission) and its run in the store (0: not recorded)
 *   "run-refused"   (guint site, const char *message): the session refused
 *                   the unit when its thread started (the retest limit)
 *   "instrument-changed" (const char *name): its LlGuiInstrumentState changed
 *   "calibration-event" (LlGuiEvent *event): a step of a site's path-loss
 *                   calibration started or finished, a value was measured
 *   "calibration-finished" (guint site, const char *error): the site's
 *                   calibration ran (error NULL: its result is
 *                   ll_gui_runner_measured_calibration()) or could not run
 *   "calibration-changed" (guint site): a calibration of the site was
 *                   stored: what blocks a start may have changed */
#pragma once

#include "ll-calibration.h"
#include "ll-engine.h"
#include "ll-station-demo.h"
#include "ll-test-session.h"
#include "ll-station-inspect.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define LL_GUI_ERROR (ll_gui_error_quark())
GQuark ll_gui_error_quark(void);

typedef enum {
  LL_GUI_ERROR_BUSY,        /* the site is testing a unit already */
  LL_GUI_ERROR_NO_SITE,     /* the station has no such site */
  LL_GUI_ERROR_CALIBRATION, /* an instrument the sequence uses is out of calibration */
  LL_GUI_ERROR_SERIAL,      /* the serial number does not have the product's format */
  LL_GUI_ERROR_INPUT,       /* a station file or sequence that cannot be used */
} LlGuiError;

/* The demo station's results store (in the current folder) unless one is given. */
#define LL_GUI_DEMO_DATABASE "lightline-station-demo.db"

typedef struct {
  const char *config_path;   /* a station file; NULL: the simulated demo station */
  const char *sequence_path; /* NULL: the shipped final test of the simulated product */
  LlDemoOptions demo;        /* the demo station's options when config_path is NULL */
  gboolean realtime;         /* the demo station runs on the wall clock */
  const char *database;      /* the results store; NULL: the station file's (the demo's:
                                LL_GUI_DEMO_DATABASE) */
  const char *operator_name; /* NULL: the login name */
  const char *lot;           /* may be NULL */
} LlGuiRunnerOptions;

void ll_gui_runner_options_default(LlGuiRunnerOptions *options);

/* What a screen needs of one engine event, copied off the site's thread. */
typedef struct {
  LlEventKind kind;
  guint site;
  gchar *serial;
  gchar *step_id;        /* STEP_*, MEASUREMENT */
  LlStepGroup group;
  guint lane;            /* per-lane steps and lane measurements; 0 module-wide */
  guint done, total;     /* progress in step calls */
  /* MEASUREMENT */
  gchar *name;
  gchar *value_text;     /* "1.23 dBm" */
  gboolean judged;
  LlVerdict verdict;     /* when judged */
  gchar *limit_name;
  /* STEP_FINISHED */
  LlStepVerdict step_verdict;
  gchar *message;        /* why a step failed or errored */
} LlGuiEvent;

#define LL_GUI_TYPE_EVENT (ll_gui_event_get_type())
GType ll_gui_event_get_type(void);
LlGuiEvent *ll_gui_event_copy(const LlGuiEvent *event);
void ll_gui_event_free(LlGuiEvent *event);

/* An instrument as the application knows it. */
typedef enum {
  LL_GUI_INSTRUMENT_UNKNOWN,      /* not tried yet */
  LL_GUI_INSTRUMENT_CONNECTING,
  LL_GUI_INSTRUMENT_CONNECTED,
  LL_GUI_INSTRUMENT_DISCONNECTED, /* closed by the engineer */
  LL_GUI_INSTRUMENT_FAILED,       /* could not be opened: see error */
} LlGuiInstrumentConnection;

typedef struct {
  gchar *name;
  LlGuiInstrumentConnection connection;
  gchar *maker, *model, *serial, *firmware; /* once connected */
  gchar *error;                             /* FAILED: why */
} LlGuiInstrumentState;

/* Calibration of one instrument on a given day. */
typedef enum {
  LL_GUI_CAL_NOT_NEEDED, /* the class carries no calibration (switch, EVB) */
  LL_GUI_CAL_VALID,
  LL_GUI_CAL_DUE_SOON,   /* valid, but due within LL_GUI_CAL_WARN_DAYS */
  LL_GUI_CAL_EXPIRED,    /* the due date has passed: blocks the start */
  LL_GUI_CAL_MISSING,    /* the class needs one and the station file gives none */
} LlGuiCalState;

#define LL_GUI_CAL_WARN_DAYS 30

/* Today's local date into @out. */
void ll_gui_today(GDate *out);

/* The state of @inst's calibration on @today (a valid date); *@days_left
 * (may be NULL) receives the days until it is due (negative once past). */
LlGuiCalState ll_gui_calibration_state(const LlInstrumentConfig *inst, const GDate *today,
                                       gint *days_left);
/* What the operator reads about it, e.g. "valid until 2027-03-31" or
 * "expired on 2025-01-31: have it calibrated, then update cal-due in the
 * station file". Free with g_free(). */
gchar *ll_gui_calibration_text(const LlInstrumentConfig *inst, const GDate *today);

#define LL_GUI_TYPE_RUNNER (ll_gui_runner_get_type())
G_DECLARE_FINAL_TYPE(LlGuiRunner, ll_gui_runner, LL, GUI_RUNNER, GObject)

/* Opens the station and checks the sequence against its limits tables and
 * the station's actions. Every problem of a file is in @error's message
 * (FILE:LINE:COL lines). The calling thread's thread-default main context
 * (or the global one) receives the signals. On a simulated bench in virtual
 * time, the calling thread stops taking part in the bench clock: only the
 * site threads hold its time. */
LlGuiRunner *ll_gui_runner_new(const LlGuiRunnerOptions *options, GError **error);

LlStation *ll_gui_runner_get_station(LlGuiRunner *runner);
const LlStationConfig *ll_gui_runner_get_config(LlGuiRunner *runner);
const LlSequence *ll_gui_runner_get_sequence(LlGuiRunner *runner);
/* The sequence's limits tables (LlLimitsTable*), in the sequence's order. */
GPtrArray *ll_gui_runner_get_tables(LlGuiRunner *runner);
/* Sites of the station: numbers 1..n, in file order. */
guint ll_gui_runner_n_sites(LlGuiRunner *runner);
guint ll_gui_runner_site_number(LlGuiRunner *runner, guint index);
/* The results store, or NULL when runs are not recorded. */
LlStore *ll_gui_runner_get_store(LlGuiRunner *runner);
/* Whether the bench runs in virtual time (a simulated bench, not realtime). */
gboolean ll_gui_runner_is_virtual(LlGuiRunner *runner);

/* The instruments the sequence uses in @site, each once, in file order. */
GPtrArray *ll_gui_runner_site_instruments(LlGuiRunner *runner, guint site);
/* FALSE with LL_GUI_ERROR_CALIBRATION (the message says which instrument
 * and what to do) when an instrument the sequence uses in @site has an
 * expired or missing calibration on @today, or when a path it measures
 * through has no valid path-loss calibration
 * (ll_gui_runner_check_path_loss()). */
gboolean ll_gui_runner_check_calibration(LlGuiRunner *runner, guint site, const GDate *today,
                                         GError **error);

/* Starts testing @serial in @site: the unit is put in the site's fixture
 * (on a simulated bench) and the sequence runs on a thread of its own.
 * FALSE with @error when the site is busy (testing or being calibrated)
 * or does not exist, when the
 * calibration check fails (checked against today's date), or when the
 * unit is over the station's retest limit (LL_STORE_ERROR_RETEST). */
gboolean ll_gui_runner_start(LlGuiRunner *runner, guint site, const char *serial, GError **error);
/* Asks the run in @site (a unit's or a calibration's) to stop; its cleanup
 * still runs (the module is powered down) and it finishes ABORTED. Nothing
 * when the site is idle. */
void ll_gui_runner_abort(LlGuiRunner *runner, guint site);
gboolean ll_gui_runner_is_busy(LlGuiRunner *runner, guint site);
/* Aborts every run and waits for them to end (cleanup included). */
void ll_gui_runner_shutdown(LlGuiRunner *runner);

/* Adds a listener called on the site's thread for every engine event,
 * before the event is passed to the main loop. Only before the first run.
 * A listener that waits on anything but the station clock must leave the
 * clock first (ll_clock_virtual_leave()) and join it again after. */
void ll_gui_runner_add_thread_listener(LlGuiRunner *runner, LlEventFunc func, gpointer data);

/* ---- path-loss calibration ---- */

/* Whether the station calibrates its optical paths (path-loss-expiry-h). */
gboolean ll_gui_runner_calibrates_paths(LlGuiRunner *runner);
/* FALSE with LL_GUI_ERROR_CALIBRATION and the operator's message when the
 * sequence measures light in @site through a path whose calibration is
 * missing or expired (ll_calibration_check_site(); read from the store). */
gboolean ll_gui_runner_check_path_loss(LlGuiRunner *runner, guint site, GError **error);
/* Calibrates the paths of @site against golden module @golden_serial on a
 * thread of its own, with the station functions `lightline calibrate
 * path-loss` uses (ll_calibrate_path_loss()), on the runner's station: the
 * run leases the instruments as the other sites' tests do (they go on
 * testing) and is recorded; what it measured is stored only once accepted.
 * Progress arrives as "calibration-event", the end as
 * "calibration-finished". ll_gui_runner_abort() stops it (cleanup runs).
 * FALSE with LL_GUI_ERROR_BUSY while the site tests a unit or calibrates,
 * LL_GUI_ERROR_NO_SITE, or LL_GUI_ERROR_INPUT when the station does not
 * calibrate its paths. A calibration measured before and not yet accepted
 * is discarded. */
gboolean ll_gui_runner_calibrate(LlGuiRunner *runner, guint site, const char *golden_serial,
                                 GError **error);
gboolean ll_gui_runner_is_calibrating(LlGuiRunner *runner, guint site);
/* The calibration of @site measured last and neither accepted nor
 * discarded yet (whether it passed or not), or NULL. */
const LlCalibrationResult *ll_gui_runner_measured_calibration(LlGuiRunner *runner, guint site);
/* Stores the measured calibration of @site (ll_calibration_accept()): from
 * then on it is the site's calibration, valid for path-loss-expiry-h hours
 * from its measurement. Returns its set id, or 0 with @error (nothing
 * measured, a run that did not pass, the store's error). Emits
 * "calibration-changed". */
gint64 ll_gui_runner_accept_calibration(LlGuiRunner *runner, guint site, GError **error);
/* Forgets the measured calibration of @site: nothing is stored. */
void ll_gui_runner_discard_calibration(LlGuiRunner *runner, guint site);

/* ---- instruments (ll-gui-instruments.c) ---- */

/* The state of instrument @name (NULL if the station has none). */
const LlGuiInstrumentState *ll_gui_runner_instrument(LlGuiRunner *runner, const char *name);
/* Opens (@connect) or closes the instrument on a worker thread; the
 * result arrives as "instrument-changed". An instrument in use by a site is
 * opened or closed once the site's step releases it. */
void ll_gui_runner_connect_instrument(LlGuiRunner *runner, const char *name, gboolean connect);
/* Opens every instrument of the station at once. */
void ll_gui_runner_connect_all(LlGuiRunner *runner);
/* TRUE while an instrument is being opened or closed. */
gboolean ll_gui_runner_connecting(LlGuiRunner *runner);

/* Sends one SCPI line to instrument @name on a worker thread, leasing the
 * instrument whole for it (so it waits for a site's step using it). A line
 * with a '?' is a query and its reply is the result; a command's result is
 * the instrument's error queue ("0,No error" when empty). */
void ll_gui_runner_scpi_async(LlGuiRunner *runner, const char *name, const char *line,
                              GCancellable *cancel, GAsyncReadyCallback callback, gpointer data);
gchar *ll_gui_runner_scpi_finish(LlGuiRunner *runner, GAsyncResult *result, GError **error);

/* Looks at the module in @site (ll_station_inspect_module()) on a worker
 * thread; the result is an LlModuleView* (free with ll_module_view_free()). */
void ll_gui_runner_inspect_async(LlGuiRunner *runner, guint site, GCancellable *cancel,
                                 GAsyncReadyCallback callback, gpointer data);
LlModuleView *ll_gui_runner_inspect_finish(LlGuiRunner *runner, GAsyncResult *result,
                                           GError **error);

G_END_DECLS
