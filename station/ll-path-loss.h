/* ll-path-loss.h: the station's optical path losses as a run uses them
 * (docs/calibration.md).
 *
 * Two paths per site and lane carry light between the module and the
 * station's meters:
 *   TX  the lane's transmitter -> fibre -> switch section 1 -> splitter ->
 *       the power meter's TX channel and the scope. Its loss is the launch
 *       power minus what the meter reads; a TX reading plus the loss is the
 *       launch power.
 *   RX  the reference transmitter -> attenuator -> tap: 5 % to the
 *       reference meter, 95 % -> switch section 2 -> fibre -> the lane's
 *       receiver. Its offset is the received power minus what the reference
 *       meter reads; the reference reading plus the offset is the received
 *       power.
 * Both are kept per wavelength: a TX path at the wavelength of the lane's
 * light (the product's), an RX path at the reference transmitter's.
 *
 * A path-loss table holds what one site's calibration says, for a run to
 * use: the engine looks values up in it (ll_action_path_loss()) instead of
 * the sequence's nominal offsets. The requirement of a sequence (which
 * paths, lanes and wavelengths its steps measure through) comes from its
 * actions (LlAction.paths). A station that sets path-loss-expiry-h in its
 * station file refuses a run whose requirement its table does not cover
 * with calibrations still valid; loading the table from the results store
 * is ll-calibration.h's. */
#pragma once

#include "ll-sequence.h"

G_BEGIN_DECLS

typedef enum {
  LL_PATH_TX, /* module transmitter to the power meter (switch section 1) */
  LL_PATH_RX, /* reference tap to the module's receiver (switch section 2) */
} LlPathKind;

#define LL_PATH_COUNT 2
/* LlAction.paths: the paths an action measures through. */
#define LL_PATH_BIT(kind) (1u << (kind))

/* "tx", "rx". */
const char *ll_path_kind_name(LlPathKind kind);
gboolean ll_path_kind_from_name(const char *name, LlPathKind *kind);

/* Wavelengths closer than this are the same (nm). */
#define LL_PATH_WAVELENGTH_TOLERANCE_NM 0.5

/* One calibrated path of a site. */
typedef struct {
  LlPathKind path;
  guint lane;                 /* 1-based */
  double wavelength_nm;
  double loss_db;             /* TX: the loss; RX: the offset (see the top) */
  gint64 id;                  /* its entry in the results store; 0: not stored */
  gint64 set_id;              /* the calibration (set of entries) it belongs to */
  GDateTime *measured_utc;
  GDateTime *expires_utc;
  gchar *golden_serial;       /* the golden module it was measured against; may be NULL */
} LlPathLossValue;

/* What a site's calibration says (reference counted; not changed once a
 * run uses it). */
typedef struct _LlPathLossTable LlPathLossTable;

LlPathLossTable *ll_path_loss_table_new(const char *station_id, guint site);
LlPathLossTable *ll_path_loss_table_ref(LlPathLossTable *table);
void ll_path_loss_table_unref(LlPathLossTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlPathLossTable, ll_path_loss_table_unref)

guint ll_path_loss_table_site(const LlPathLossTable *table);
/* Adds a copy of @value (a later value of the same path, lane and
 * wavelength replaces the earlier). */
void ll_path_loss_table_add(LlPathLossTable *table, const LlPathLossValue *value);
/* The value of @path, @lane at @wavelength_nm, or NULL (whether it has
 * expired or not). */
const LlPathLossValue *ll_path_loss_table_lookup(const LlPathLossTable *table, LlPathKind path,
                                                 guint lane, double wavelength_nm);
/* Every value, in the order added (of LlPathLossValue*; the table's). */
GPtrArray *ll_path_loss_table_values(const LlPathLossTable *table);

/* A path a sequence measures through. */
typedef struct {
  LlPathKind path;
  guint lane;
  double wavelength_nm;
} LlPathNeed;

/* The paths @seq (validated) measures through, each once, TX first, by
 * lane: an array of LlPathNeed, empty when no step measures light. TX
 * paths are at the lane's wavelength for the sequence's product, RX paths
 * at the step's ref_wavelength. */
GArray *ll_path_loss_needs(const LlSequence *seq);

/* The wavelength of @lane's light (1-based) in @product ("800G-2xFR4"),
 * nm; 0 when the product or lane is unknown. */
double ll_path_loss_lane_wavelength(const char *product, guint lane);
/* The wavelength @step of @seq measures @path of @lane at: the lane's
 * light for TX, the step's ref_wavelength (default 1311 nm) for RX. */
double ll_path_loss_step_wavelength(const LlSequence *seq, const LlStep *step, LlPathKind path,
                                    guint lane);

#define LL_PATH_LOSS_ERROR (ll_path_loss_error_quark())
GQuark ll_path_loss_error_quark(void);

typedef enum {
  LL_PATH_LOSS_ERROR_MISSING, /* a path the run needs has no calibration (or an expired one) */
  LL_PATH_LOSS_ERROR_INVALID, /* a calibration cannot be made of what was measured */
} LlPathLossError;

/* Checks that @table (NULL: none was loaded) holds a calibration valid at
 * @now (NULL: the current time) for each of @needs. FALSE with
 * LL_PATH_LOSS_ERROR_MISSING and a message for the operator naming the
 * station and site, the lanes, wavelengths and paths without a calibration
 * or with an expired one (and when it expired), and how to calibrate
 * (@config_path: the station file, for the command it shows). */
gboolean ll_path_loss_table_check(const LlPathLossTable *table, const char *station_id, guint site,
                                  const GArray *needs, GDateTime *now, const char *config_path,
                                  GError **error);

/* "1-4, 6" for the lanes of @mask (bit n-1 for lane n). Free with g_free(). */
gchar *ll_path_loss_format_lanes(guint32 mask);

G_END_DECLS
