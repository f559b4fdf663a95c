/* ll-calibration.h: calibrating a station with a golden module, as the
 * command line (`lightline calibrate`) and the station application both
 * do it, and what a test session needs of the calibration
 * (docs/calibration.md).
 *
 * Path-loss calibration runs the shipped sequence path-loss-PRODUCT.yaml on
 * the golden module in a site (through a test session, so the run is
 * recorded with its instruments like any other): every lane's TX path loss
 * and RX path offset measured against the golden's reference values
 * (ll-golden.h). When the run passes (every value inside the plausible
 * window of its limits table), the values are stored as one calibration of
 * the site, valid for the station file's path-loss-expiry-h hours. The
 * station application measures first and stores what a person accepted
 * after reviewing it (measure_only, then ll_calibration_accept()).
 *
 * The golden-unit check runs golden-check-PRODUCT.yaml: the golden module
 * measured like a unit, with the site's calibration, and compared with its
 * reference values; each delta is stored in the golden-unit checks (drift
 * over time). A test session stores them after any run of a sequence with
 * a golden.compare step. */
#pragma once

#include "ll-golden.h"
#include "ll-store.h"

G_BEGIN_DECLS

#define LL_CALIBRATION_ERROR (ll_calibration_error_quark())
GQuark ll_calibration_error_quark(void);

typedef enum {
  LL_CALIBRATION_ERROR_STATION, /* the station file does not allow it (no path-loss-expiry-h,
                                   no results store, no such site) */
  LL_CALIBRATION_ERROR_REFUSED, /* the run was refused (its message says why) */
} LlCalibrationError;

typedef struct {
  const char *config_path;   /* the station file (with config_text: its name) */
  const char *config_text;   /* its text, or NULL to read config_path */
  const char *database;      /* the results store; NULL: the station file's */
  LlStoreOpenFlags store_flags;
  const char *sequences_dir; /* NULL: the shipped sequences */
  guint site;
  const char *golden_serial;
  const char *operator_name; /* may be NULL */
  GCancellable *cancel;      /* stops the run (cleanup still runs); may be NULL */
  gboolean measure_only;     /* path loss: measure, store nothing (ll_calibration_accept()) */
  /* The station of config_path / config_text already opened (the station
   * application's, whose sites keep testing meanwhile: the run leases the
   * instruments as they do) and the store to record into; both borrowed.
   * NULL: opened for the run and closed after it. */
  LlStation *station;
  LlStore *store;
  LlEventFunc progress;      /* every engine event of the run, on its thread; may be NULL */
  gpointer progress_data;
} LlCalibrationOptions;

/* How one path-loss value was judged: the plausible window of its limits
 * table (NAN for an open side) and whether the value is inside it. */
typedef struct {
  double min, max;
  gboolean pass;
} LlCalibrationJudged;

/* What a calibration or a check did. */
typedef struct {
  gchar *golden_serial;
  gchar *product;
  gchar *station_id;
  guint site;
  gchar *sequence_path;
  LlRunResult *run;          /* the run on the golden module; its bin and its measurements'
                                limits are cleared (their tables are closed): see bin_* */
  gint64 run_id;             /* its record in the store */
  guint bin_number;          /* the run's bin; 0 and NULL when it has none */
  gchar *bin_name, *bin_instructions;
  /* path loss */
  GArray *entries;           /* of LlPathLossEntry: what the run measured */
  GArray *judged;            /* of LlCalibrationJudged: each entry's window, in entries' order */
  gint64 set_id;             /* the calibration stored; 0 when the run did not pass or
                                was measured only (not accepted yet) */
  GDateTime *measured_utc, *expires_utc; /* when the run passed (its calibration's
                                times, stored or to be stored) */
  gchar *operator_name;      /* who calibrated; may be NULL */
  /* golden-unit check */
  guint checks;              /* golden-unit checks stored */
} LlCalibrationResult;

void ll_calibration_result_free(LlCalibrationResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlCalibrationResult, ll_calibration_result_free)

/* Calibrates the paths of @options->site against golden module
 * @options->golden_serial (put into the site on a simulated bench).
 * Returns what was done once the run ran (set_id 0 when it did not pass:
 * nothing is stored). NULL with @error when it could not run: the station
 * file's errors (LL_CONFIG_ERROR), the golden's reference (LL_GOLDEN_ERROR,
 * its FILE:LINE:COL problems also in @diags), the sequence's
 * (LL_SESSION_ERROR), LL_CALIBRATION_ERROR otherwise. */
LlCalibrationResult *ll_calibrate_path_loss(const LlCalibrationOptions *options, LlDiagList *diags,
                                            GError **error);

/* Stores @result, a path-loss calibration measured with measure_only whose
 * run passed, as its site's calibration in @store (the times of the
 * measurement: valid until expires_utc) and sets its set_id. FALSE with
 * LL_CALIBRATION_ERROR_REFUSED when the run did not pass or it is stored
 * already, or with the store's error. */
gboolean ll_calibration_accept(LlStore *store, LlCalibrationResult *result, GError **error);

/* The golden modules whose reference files @config's golden-references
 * folder holds (LlGoldenReference*, by serial; free with
 * g_ptr_array_unref()), only those of @product when not NULL. Files with
 * errors are left out (ll_golden_reference_find() reports them when the
 * serial is used). */
GPtrArray *ll_calibration_golden_references(const LlStationConfig *config, const char *product);

/* Checks golden module @options->golden_serial in @options->site against
 * its reference values (the site needs a valid path-loss calibration: else
 * LL_CALIBRATION_ERROR_REFUSED with the message). Errors as above. */
LlCalibrationResult *ll_golden_check(const LlCalibrationOptions *options, LlDiagList *diags,
                                     GError **error);

/* A simulated shift's start (`lightline demo`): characterizes a golden
 * module on the simulated bench of @base's station
 * (ll_golden_characterize_sim(), serial GOLD0001 or the first fit one),
 * calibrates the paths of sites 1 to @sites with it, then checks it in
 * site 1. @base gives the station, store and operator (its site and
 * golden_serial are not used). Returns the results in that order
 * (LlCalibrationResult*; free with g_ptr_array_unref()), or NULL with
 * @error when one could not run or a calibration was not stored. */
GPtrArray *ll_calibration_shift_start(const LlCalibrationOptions *base, guint sites, GError **error);

/* The shipped sequence @kind ("path-loss", "golden-check") for @product
 * under @dir (NULL: the installed or source folder). Free with g_free(). */
gchar *ll_calibration_sequence_path(const char *dir, const char *kind, const char *product);

/* ---- for test sessions ---- */

/* Before a run in @site: on a station whose file sets path-loss-expiry-h,
 * loads the site's newest calibration of every path the engine's sequence
 * measures through from @store into @engine, and checks each is still
 * valid. FALSE with LL_PATH_LOSS_ERROR_MISSING (the operator's message:
 * site, lanes, wavelengths, when they expired, how to calibrate) when one
 * is missing or expired, or with the store's error. TRUE at once on a
 * station that does not calibrate its paths or for a sequence that
 * measures no light. */
gboolean ll_calibration_prepare_run(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                                    GError **error);

/* What ll_calibration_prepare_run() checks, without loading anything into
 * @engine: whether @site may be tested with @engine's sequence now (TRUE),
 * or FALSE with the same error (the operator's message). */
gboolean ll_calibration_check_site(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                                   GError **error);

/* After run @run_id of @seq: stores a golden-unit check for every
 * golden.compare delta of @run (the value measured, the reference, the
 * station, site and operator of the run's record). The number stored goes
 * to *@stored (may be NULL). TRUE with nothing stored for other sequences. */
gboolean ll_calibration_record_golden_checks(LlStore *store, const LlSequence *seq,
                                             const LlRunResult *run, gint64 run_id, guint *stored,
                                             GError **error);

G_END_DECLS
