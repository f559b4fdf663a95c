/* ll-action.h: what an action sees while it runs, and the registry of
 * actions. An action is a C function behind an LlActionSpec (the sequence
 * layer's description of its parameters, measurements and instrument
 * classes). It reads its parameters, uses the instruments the engine has
 * leased for its step, and reports measurements; the engine judges them
 * against the limits, so an action never decides pass or fail.
 *
 * Return FALSE with @error only for a station fault (an instrument that does
 * not answer, a fixture problem): the run then ends in ERROR, never in a
 * DUT bin. What the module does wrong is a measurement (a module that does
 * not reach Ready is module_ready = false), judged like any other. */
#pragma once

#include "ll-action-spec.h"
#include "ll-clock.h"
#include "ll-path-loss.h"
#include "ll-station.h"

G_BEGIN_DECLS

typedef struct _LlActionContext LlActionContext;

typedef gboolean (*LlActionFunc)(LlActionContext *ctx, GError **error);
/* The parts (LL_PART() bits: switch sections, meter, attenuator and BERT
 * channels) of the instrument of @klass a call uses, so that sites share
 * the rest meanwhile; LL_PARTS_ALL for all of it. */
typedef guint64 (*LlActionPartsFunc)(LlActionContext *ctx, LlInstrumentClass klass);

typedef struct {
  LlActionSpec spec;
  LlActionFunc run;
  LlActionPartsFunc parts; /* NULL: every instrument is leased whole */
  /* LL_PATH_BIT()s of the optical paths whose loss its power readings are
   * corrected with (ll-path-loss.h): a station that calibrates its paths
   * runs it only with a valid calibration of each; 0: none */
  guint paths;
} LlAction;

/* The station's actions as a catalog for sequence validation. */
const LlActionCatalog *ll_actions_catalog(void);
/* The action named @name, or NULL. */
const LlAction *ll_actions_lookup(const char *name);

/* ---- for actions ---- */

/* Parameters, already checked, converted to the spec's unit and defaulted. */
const LlValue *ll_action_param(LlActionContext *ctx, const char *name);
double ll_action_param_number(LlActionContext *ctx, const char *name);
const char *ll_action_param_string(LlActionContext *ctx, const char *name);
gboolean ll_action_param_boolean(LlActionContext *ctx, const char *name);

/* The lane this call is for (1-based), or 0 for a module-wide call. */
guint ll_action_lane(LlActionContext *ctx);
/* The lanes the step covers: bit n-1 for lane n. */
guint32 ll_action_lanes(LlActionContext *ctx);
/* Lanes of the product under test. */
guint ll_action_lane_count(LlActionContext *ctx);
guint ll_action_site(LlActionContext *ctx);
const char *ll_action_serial(LlActionContext *ctx);
/* The product the sequence is for ("800G-2xFR4"). */
const char *ll_action_product(LlActionContext *ctx);
LlStation *ll_action_station(LlActionContext *ctx);
LlClock *ll_action_clock(LlActionContext *ctx);
/* TRUE once the run was asked to stop or the step's timeout_s passed: long
 * actions check it and give up (the engine then makes the step an ERROR). */
gboolean ll_action_cancelled(LlActionContext *ctx);
/* TRUE once the step's timeout_s passed. */
gboolean ll_action_timed_out(LlActionContext *ctx);

/* The leased instrument of @klass for this step (its role's). */
LlInstrument *ll_action_instrument(LlActionContext *ctx, LlInstrumentClass klass);
/* The site's EVB (always available to actions that declare role evb). */
LlEvb *ll_action_evb(LlActionContext *ctx);

/* Reports a measurement of this call's lane (0: module-wide). */
void ll_action_measure(LlActionContext *ctx, const char *name, double value, LlUnit unit);
/* Reports a measurement of another lane (actions that serve lanes in parallel). */
void ll_action_measure_lane(LlActionContext *ctx, const char *name, guint lane, double value,
                            LlUnit unit);
/* Reports a value of @lane corrected for an optical path: @raw as read
 * plus @correction_db (dB), with the calibrated path it came from
 * (LlPathLossValue.id; 0 for the sequence's nominal offset). The value
 * judged is the corrected one; the record keeps both. */
void ll_action_measure_corrected(LlActionContext *ctx, const char *name, guint lane, double raw,
                                 double correction_db, gint64 path_loss_id, LlUnit unit);
void ll_action_measure_text(LlActionContext *ctx, const char *name, const char *text);
void ll_action_measure_boolean(LlActionContext *ctx, const char *name, gboolean value);
/* A note kept with the step's record (e.g. the points a search visited). */
void ll_action_note(LlActionContext *ctx, const char *format, ...) G_GNUC_PRINTF(2, 3);
/* A file kept with the step's record (LlAttachment): @name says what it
 * is, @media_type how to read it (docs/results-store.md lists them). */
void ll_action_attach(LlActionContext *ctx, const char *name, const char *media_type, GBytes *content);

/* The calibrated @path of @lane at @wavelength_nm on this run's site, or
 * NULL when the run has no path-loss calibration of it (the action then
 * uses its nominal offset parameter). Valid for the run (checked when it
 * started). */
const LlPathLossValue *ll_action_path_loss(LlActionContext *ctx, LlPathKind path, guint lane,
                                           double wavelength_nm);

/* The last value of measurement @name on @lane (0: module-wide) kept in
 * this run so far (earlier steps), or NULL. */
const LlValue *ll_action_run_value(LlActionContext *ctx, const char *name, guint lane);

/* Facts about the unit the run records (part_number, firmware, vendor,
 * hardware_revision...). part_number selects the limits in effect. */
void ll_action_set_unit_info(LlActionContext *ctx, const char *key, const char *value);
const char *ll_action_unit_info(LlActionContext *ctx, const char *key);

G_END_DECLS
