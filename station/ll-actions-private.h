/* ll-actions-private.h: what the action files share: their tables (each a
 * NULL-terminated array of LlAction pointers, collected by ll-actions.c)
 * and helpers for turning driver faults into station faults. */
#pragma once

#include "ll-action.h"

G_BEGIN_DECLS

extern const LlAction *const ll_actions_module[];
extern const LlAction *const ll_actions_util[];
extern const LlAction *const ll_actions_evb[];
extern const LlAction *const ll_actions_tx[];
extern const LlAction *const ll_actions_rx[];
extern const LlAction *const ll_actions_ddm[];
extern const LlAction *const ll_actions_cal[];
extern const LlAction *const ll_actions_golden[];

/* The leased EVB, or FALSE with @error when the step has none. */
LlEvb *ll_actions_need_evb(LlActionContext *ctx, GError **error);

/* ---- shared by the optical actions (defined in ll-actions-tx.c) ---- */

/* Parameters the optical actions share (rows of an LlParamSpec table). */
#define LL_ACTIONS_TX_PATH_OFFSET_PARAM                                                        \
  { "tx_path_offset", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "4.4 dB", TRUE, TRUE, -10, 30,       \
    "the nominal loss of fibre, switch section 1 and splitter, added to what the meter or "   \
    "scope reads to refer it to the module's output when the run has no path-loss "          \
    "calibration of the lane (4.4 dB: the simulated bench's nominal path)" }

/* The parameters ll_actions_rx_light_begin() reads. */
#define LL_ACTIONS_RX_LIGHT_PARAMS                                                             \
  { "rx_path_offset", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "12 dB", TRUE, TRUE, 0, 30,          \
    "the nominal offset added to the reference meter's reading to estimate the received "     \
    "average power (the tap's 13 dB less the through, switch and fibre losses) when the run " \
    "has no path-loss calibration of the lane" },                                             \
  { "ref_meter_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "2", TRUE, TRUE, 1, 8,         \
    "the meter channel the reference tap is cabled to" },                                     \
  { "ref_wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, FALSE, "1311 nm", TRUE, TRUE, 1200, 1700,   \
    "the reference transmitter's wavelength (meter and attenuator)" },                        \
  { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.05 s", TRUE, TRUE, 0.0001, 10,          \
    "the meters' averaging time per reading" },                                               \
  { "attenuator_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 8,        \
    "the attenuator channel in the reference path" }

/* The leased driver of each class, or NULL with @error (G_IO_ERROR_NOT_FOUND)
 * when the step has none. */
LlPowerMeter *ll_actions_need_power_meter(LlActionContext *ctx, GError **error);
LlOpticalSwitch *ll_actions_need_switch(LlActionContext *ctx, GError **error);
LlAttenuator *ll_actions_need_attenuator(LlActionContext *ctx, GError **error);
LlBert *ll_actions_need_bert(LlActionContext *ctx, GError **error);
LlScope *ll_actions_need_scope(LlActionContext *ctx, GError **error);

/* The switch channel and BERT channel cabled to @lane (1-based) of the
 * context's site: (site - 1) * 8 + lane (docs/simulated-bench.md). */
guint ll_actions_lane_channel(LlActionContext *ctx, guint lane);

/* The BERT channels (LL_PART() bits) cabled to the lanes the call covers:
 * its lane, or every lane of a module-wide call. */
guint64 ll_actions_bert_parts(LlActionContext *ctx);

/* FALSE with G_IO_ERROR_CANCELLED when the run was asked to stop, or
 * G_IO_ERROR_TIMED_OUT when the step's timeout_s passed. */
gboolean ll_actions_check_cancelled(LlActionContext *ctx, GError **error);

/* A power meter channel and the settings its readings need. */
typedef struct {
  guint channel;
  double wavelength_nm;
  double averaging_s;
  gboolean configured; /* wavelength and averaging were set */
} LlMeterSetup;

/* Reads @setup's channel in dBm, first setting its wavelength and
 * averaging time if this setup has not done so yet. */
gboolean ll_actions_meter_read(LlPowerMeter *pm, LlMeterSetup *setup, double *dbm,
                               GError **error);

/* The offset added to a reading through a path: the run's calibration of
 * it, or the step's nominal parameter. */
typedef struct {
  double db;
  gint64 path_loss_id; /* the calibrated path (LlPathLossValue.id); 0: nominal */
  gboolean calibrated;
} LlPathOffset;

/* The offset of @lane's @path: the run's path-loss calibration of it when
 * it has one, else the step's number parameter @nominal_param
 * ("tx_path_offset", "rx_path_offset"). A TX path is looked up at the
 * wavelength of the lane's light for the product, an RX path at the
 * step's ref_wavelength. */
LlPathOffset ll_actions_path_offset(LlActionContext *ctx, LlPathKind path, guint lane,
                                    const char *nominal_param);
/* "calibrated" or "nominal", for notes. */
const char *ll_actions_offset_source(const LlPathOffset *offset);

/* OMA in dBm of a signal of average power @avg_dbm and extinction ratio
 * @er_db: OMA = 2 Pavg (ER - 1) / (ER + 1), ER linear (reference section 2). */
double ll_actions_oma_dbm(double avg_dbm, double er_db);

/* ---- the receivers' light (defined in ll-actions-rx.c) ----
 *
 * The reference transmitter reaches the receivers through the attenuator,
 * a 95/5 tap (the 5 % to the reference meter) and switch section 2. The
 * received average power is estimated as the reference meter's reading plus
 * the lane's RX path offset (dB): its path-loss calibration, or the step
 * parameter rx_path_offset. */
typedef struct {
  LlAttenuator *att;
  guint att_channel;
  LlPowerMeter *pm;
  LlMeterSetup meter;
  LlPathOffset offset;   /* estimate = reference reading + offset.db */
  double attenuation_db; /* the attenuation set last (NAN before) */
  double estimate_dbm;   /* the estimate read at that attenuation (NAN before) */
} LlRxLight;

/* Fills @light from the step's parameters attenuator_channel,
 * ref_meter_channel, ref_wavelength and averaging and the RX path offset of
 * @lane (ll_actions_path_offset()), sets the attenuator's wavelength and
 * opens its output. */
gboolean ll_actions_rx_light_begin(LlActionContext *ctx, LlRxLight *light, guint lane,
                                   GError **error);
/* Makes the estimate that of @lane's RX path (the light stays as it is). */
void ll_actions_rx_light_lane(LlActionContext *ctx, LlRxLight *light, guint lane);
#define LL_ACTIONS_RX_TOLERANCE_DB 0.1

/* Brings the estimated received average power to @dbm within @tolerance_db
 * (LL_ACTIONS_RX_TOLERANCE_DB unless a search needs finer): reads the
 * reference meter, moves the attenuation by the difference (the driver
 * waits until it settled), reads again, at most a few times. The estimate
 * reached goes to *@reached. A power the attenuator cannot reach is a
 * station fault (G_IO_ERROR_INVALID_ARGUMENT). */
gboolean ll_actions_rx_light_set(LlActionContext *ctx, LlRxLight *light, double dbm,
                                 double tolerance_db, double *reached, GError **error);
/* The parts of the receivers' light (LlActionPartsFunc): switch section 2,
 * the attenuator and reference meter channels; the transmitters' path stays
 * free for another site. */
guint64 ll_actions_rx_light_parts(LlActionContext *ctx, LlInstrumentClass klass);
/* The parts of a TX meter reading (LlActionPartsFunc): switch section 1 and
 * the meter channel of the step's meter_channel (defined in ll-actions-tx.c). */
guint64 ll_actions_tx_meter_parts(LlActionContext *ctx, LlInstrumentClass klass);

/* Leaves the attenuator safe: at a high attenuation. @error may be NULL
 * (best effort, after another failure). */
gboolean ll_actions_rx_light_end(LlRxLight *light, GError **error);

G_END_DECLS
