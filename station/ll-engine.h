/* ll-engine.h: the test engine. Runs a validated sequence on one site of an
 * opened station: setup, main and cleanup groups; per-lane expansion;
 * instruments leased per step in the global order; retries; every
 * measurement judged against the limits in effect for the unit's part
 * number, lane and temperature corner; the unit binned.
 *
 * Outcomes are distinct. PASS: every step ran and every judged value is
 * inside its limit. FAIL: a value is outside its limit; the bin is the
 * failing step's by priority. ERROR: the station could not decide (an
 * instrument fault, a measurement a limit needs that was never produced);
 * no DUT bin. ABORTED: asked to stop. Cleanup always runs (the module is
 * powered down), whatever happened before; a fault in cleanup makes the
 * outcome ERROR.
 *
 * Events go to listeners synchronously on the site's thread (a GUI
 * forwards them to its main loop). One call of ll_engine_run() is one unit;
 * run sites in parallel by calling it from one thread per site (see
 * ll_engine_run_sites()). */
#pragma once

#include "ll-action.h"
#include "ll-limits.h"
#include "ll-sequence.h"
#include "ll-station.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  LL_OUTCOME_PASS,
  LL_OUTCOME_FAIL,
  LL_OUTCOME_ERROR,
  LL_OUTCOME_ABORTED,
  LL_OUTCOME_INCOMPLETE, /* found unfinished after a restart (the results store) */
} LlOutcome;

/* "PASS", "FAIL", "ERROR", "ABORTED", "INCOMPLETE". */
const char *ll_outcome_name(LlOutcome outcome);

typedef enum {
  LL_STEP_PASS,
  LL_STEP_FAIL,
  LL_STEP_ERROR,
  LL_STEP_SKIPPED,
} LlStepVerdict;

const char *ll_step_verdict_name(LlStepVerdict v);

typedef struct {
  gchar *step_id;
  LlStepGroup group;
  gchar *name;           /* the measurement */
  guint lane;            /* 0: module-wide */
  guint attempt;         /* 1-based */
  LlValue value;
  gboolean judged;       /* a step limit applies to it */
  gchar *limit_name;
  const LlLimit *limit;  /* the limit in effect (owned by the tables) */
  LlJudgement judgement;
  gint64 time_us;        /* on the station clock */
  /* a value corrected for an optical path (ll_action_measure_corrected()):
   * value = raw + correction_db */
  double raw;            /* as read; NAN when not corrected */
  double correction_db;  /* NAN when not corrected */
  gint64 path_loss_id;   /* the calibrated path used; 0: a nominal offset or none */
} LlMeasurement;

/* A file a step keeps with its record (a module's memory image): stored
 * once per content in the results store. */
typedef struct {
  gchar *name;           /* what it is, e.g. "cmis-memory" */
  gchar *media_type;     /* how to read it, e.g. "application/x-cmis-dump" */
  GBytes *content;
} LlAttachment;

typedef struct {
  gchar *step_id;
  LlStepGroup group;
  guint lane;            /* per-lane steps: one result per lane */
  LlStepVerdict verdict;
  guint attempts;
  guint bin;             /* the step's bin when it failed, else 0 */
  gchar *message;        /* why it failed or errored; NULL when it passed */
  GPtrArray *notes;      /* of gchar* */
  GPtrArray *attachments; /* of LlAttachment*, in the order attached */
  gint64 started_us, finished_us;
} LlStepResult;

typedef struct {
  guint site;
  gchar *serial;
  LlOutcome outcome;
  const LlBin *bin;      /* FAIL: the failure bin; PASS: the grade bin; else NULL */
  gchar *message;        /* ERROR / ABORTED: why */
  GHashTable *unit_info; /* part_number, firmware, vendor, ... (strings) */
  GPtrArray *measurements; /* of LlMeasurement* */
  GPtrArray *steps;        /* of LlStepResult* */
  double worst_margin_pct;
  gint64 started_us, finished_us; /* station clock */
  GDateTime *started_utc;
  gint64 path_loss_set_id; /* the newest path-loss calibration the run used; 0: none */
} LlRunResult;

void ll_run_result_free(LlRunResult *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlRunResult, ll_run_result_free)

typedef enum {
  LL_EVENT_RUN_STARTED,
  LL_EVENT_STEP_STARTED,
  LL_EVENT_MEASUREMENT,
  LL_EVENT_STEP_FINISHED,
  LL_EVENT_RUN_FINISHED,
} LlEventKind;

typedef struct {
  LlEventKind kind;
  guint site;
  const char *serial;
  const LlStep *step;               /* STEP_*, MEASUREMENT */
  guint lane;                       /* STEP_*: the lane of a per-lane step, else 0 */
  const LlMeasurement *measurement; /* MEASUREMENT */
  const LlStepResult *step_result;  /* STEP_FINISHED */
  const LlRunResult *run;           /* RUN_FINISHED (and the run so far otherwise) */
  guint done, total;                /* steps (lane calls) done and planned: progress */
} LlEvent;

typedef void (*LlEventFunc)(const LlEvent *event, gpointer user_data);

typedef struct _LlEngine LlEngine;

/* An engine for @seq, validated against @tables (an array of
 * LlLimitsTable*, in the sequence's order), on @station. Borrows all three;
 * they must outlive the engine. */
LlEngine *ll_engine_new(LlStation *station, const LlSequence *seq, GPtrArray *tables);
void ll_engine_free(LlEngine *engine);
void ll_engine_add_listener(LlEngine *engine, LlEventFunc func, gpointer user_data);
/* The temperature corner limits are looked up for (default room). */
void ll_engine_set_corner(LlEngine *engine, const LlCorner *corner);

#define LL_ENGINE_ERROR (ll_engine_error_quark())
GQuark ll_engine_error_quark(void);

typedef enum {
  LL_ENGINE_ERROR_CALIBRATION, /* an instrument the run needs is past its calibration due date */
  LL_ENGINE_ERROR_ROLES,       /* an action names more instruments than a step may lease */
} LlEngineError;

/* The path-loss calibration of @site that runs started after the call
 * correct their optical readings with (NULL: none; the nominal offsets of
 * the sequence are used). Takes a reference. On a station whose file sets
 * path-loss-expiry-h, a run whose sequence measures light through a path
 * the table does not hold valid is an ERROR before any step (the message
 * of ll_path_loss_table_check()); ll-calibration.h loads tables from the
 * results store. */
void ll_engine_set_path_loss(LlEngine *engine, guint site, LlPathLossTable *table);
/* The paths the engine's sequence measures through (ll_path_loss_needs()). */
const GArray *ll_engine_path_needs(LlEngine *engine);

/* Checks that every instrument the sequence's steps use on @site (each
 * step's roles as the engine resolves them, the site's EVB included) is
 * within its calibration on @today (NULL: today, UTC): FALSE with @error
 * (LL_ENGINE_ERROR_CALIBRATION) naming each instrument past its cal-due
 * date, the date and what to do. Instruments with no due date (an EVB, a
 * switch) are not checked. ll_engine_run() makes the same check first and
 * runs nothing when it fails (ERROR); a station refuses the run before
 * that. */
gboolean ll_engine_check_calibration(LlEngine *engine, guint site, const GDate *today, GError **error);

/* The instruments the sequence's steps use on @site (each step's roles as
 * the engine resolves them, the site's EVB included), once each, in the
 * station file's order. Free with g_ptr_array_unref(). */
GPtrArray *ll_engine_site_instruments(LlEngine *engine, guint site);

/* Runs one unit, @serial, in @site on the calling thread. @cancel (may be
 * NULL) aborts it: cleanup still runs. Never fails: every fault is an
 * outcome (an instrument past its calibration is an ERROR before any step). */
LlRunResult *ll_engine_run(LlEngine *engine, guint site, const char *serial, GCancellable *cancel);

/* Runs @n units at once, unit i in sites[i] with serials[i], one thread per
 * site, and returns their results in the same order. */
GPtrArray *ll_engine_run_sites(LlEngine *engine, const guint *sites, const char *const *serials,
                               guint n, GCancellable *cancel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlEngine, ll_engine_free)

G_END_DECLS
