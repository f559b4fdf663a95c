/* ll-actions-cal.c: module monitor (DDM) calibration (reference section 6,
 * step 6): fit a lane's power monitor against the station's reference at
 * several powers, write the coefficients to the module's vendor calibration
 * page behind its password, and verify the monitor at the same powers
 * (docs/module-calibration.md has the page format and the method).
 *
 *   ddm.calibrate-rx  the reference light routed to the lane (switch
 *                     section 2) and leveled with the attenuator to
 *                     `levels` received powers from rx_power_max down to
 *                     rx_power_min; at each, the raw RX monitor against the
 *                     received power estimate (the reference meter plus
 *                     the lane's RX path offset)
 *   ddm.calibrate-tx  the lane routed to the meter (switch section 1); its
 *                     launch power stepped through `levels` laser power
 *                     trims (vendor page 81h) from trim_max down to
 *                     trim_min; at each, the raw TX monitor against the
 *                     meter plus the lane's TX path loss; the trim put back
 *                     after
 *
 * Both first write slope 1, offset 0 (the monitor then reports its raw
 * reading), fit slope and offset by least squares of the relative error
 * (ll_module_cal_fit()), write them, and read the monitor again at every
 * level: the verification error (monitor minus reference, dB) is reported
 * once per level, highest level first, for the limits to judge. A raw
 * reading of 0 or at the monitor's full scale is left out of the fit.
 *
 * What the module does wrong is a measurement: a password it does not take
 * (a write of coefficients or trim reads back otherwise: *_monitor_written
 * = false, the calibration stops and the lane keeps its coefficients; slope
 * 1 over slope 1 cannot tell, so this shows at the first write that changes
 * something), a monitor that cannot be fitted (*_monitor_fit_ok
 * = false: its coefficients are put back as they were), a monitor that
 * stays off after calibration (the verification error). An instrument or
 * EVB that fails is a station fault; a lane then left at slope 1 gets its
 * earlier coefficients back and the trim its earlier value (best effort).
 * A module advertising no such monitor (page 01h byte 160) has
 * *_monitor_fit_ok = false. An RX monitor of OMA (page 01h byte 151) is
 * fitted against the estimate's OMA at the reference's ER (ref_er). */
#include "ll-actions-private.h"
#include "drivers/ll-module-cal.h"

#include <gio/gio.h>
#include <math.h>

#define MAX_LEVELS 16
#define MONITOR_FLOOR_DBM -40.0 /* a monitor reading 0 is compared as its least count */

/* The measurement names of one monitor. */
typedef struct {
  const char *error_before, *slope, *offset, *fit_ok, *fit_residual, *written, *verify_error;
} Names;

#define NAMES(p)                                                                                \
  { p "_monitor_error_before", p "_monitor_slope", p "_monitor_offset", p "_monitor_fit_ok",  \
    p "_monitor_fit_residual", p "_monitor_written", p "_monitor_verify_error" }

#define MEASUREMENTS(p, what, reference)                                                        \
  { p "_monitor_error_before", LL_UNIT_DB, TRUE,                                               \
    "the raw " what " monitor minus " reference ", before calibration: the largest over the "  \
    "levels" },                                                                                \
  { p "_monitor_slope", LL_UNIT_RATIO, TRUE, "the fitted slope (mW reported per mW raw)" },    \
  { p "_monitor_offset", LL_UNIT_MW, TRUE, "the fitted offset" },                              \
  { p "_monitor_fit_ok", LL_UNIT_NONE, TRUE,                                                   \
    "the monitor could be fitted (enough readings neither 0 nor clipped, a positive slope)" }, \
  { p "_monitor_fit_residual", LL_UNIT_DB, TRUE,                                               \
    "the fitted coefficients applied to the raw readings, minus " reference ": the largest "   \
    "over the levels" },                                                                       \
  { p "_monitor_written", LL_UNIT_NONE, TRUE,                                                  \
    "the module took the coefficients (they read back as written)" },                          \
  { p "_monitor_verify_error", LL_UNIT_DB, TRUE,                                               \
    "after calibration, the " what " monitor minus " reference ": one per level, highest "    \
    "level first" },                                                                           \
  { NULL }

#define CAL_PARAMS                                                                              \
  { "password", LL_PARAM_INTEGER, LL_UNIT_NONE, TRUE, NULL, TRUE, TRUE, 0, 4294967295.0,       \
    "the module's vendor password (entered at lower page bytes 122-125)" },                    \
  { "levels", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "4", TRUE, TRUE, 4, MAX_LEVELS,            \
    "how many powers the monitor is fitted and verified at, evenly spaced in dB" },            \
  { "monitor_settle", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0, 10,            \
    "what the module's monitor is given after the light changed" }

static const Names rx_names = NAMES("rx");
static const Names tx_names = NAMES("tx");

/* One lane's calibration. */
typedef struct {
  LlActionContext *ctx;
  const Names *names;
  LlCmisCalMonitor monitor;
  guint lane;
  LlEvb *evb;
  guint32 password;
  guint levels;
  gint64 settle_us;
  LlCmisAdvertising adv;
  LlCmisCalCoeffs original;
  gboolean at_identity; /* the lane reports raw readings: put original back after a fault */
  gboolean written_reported;
  double raw_mw[MAX_LEVELS];
  double ref_dbm[MAX_LEVELS];
} Cal;

/* Reads the step's common parameters and the module's advertising; TRUE
 * with *@present FALSE (reported as fit_ok = false) when the module
 * advertises no such monitor. */
static gboolean
cal_begin(LlActionContext *ctx, Cal *c, LlCmisCalMonitor monitor, gboolean *present,
          GError **error)
{
  *c = (Cal) {
    .ctx = ctx,
    .names = monitor == LL_CMIS_CAL_RX ? &rx_names : &tx_names,
    .monitor = monitor,
    .lane = ll_action_lane(ctx),
    .password = (guint32) ll_action_param_number(ctx, "password"),
    .levels = (guint) ll_action_param_number(ctx, "levels"),
    .settle_us = (gint64) (ll_action_param_number(ctx, "monitor_settle") * 1e6),
  };
  c->evb = ll_actions_need_evb(ctx, error);
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  if (!c->evb ||
      !ll_module_read_page(c->evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error) ||
      !ll_cmis_decode_advertising(img, &c->adv, error))
    return FALSE;
  *present = monitor == LL_CMIS_CAL_RX ? c->adv.rx_power_monitor : c->adv.tx_power_monitor;
  if (!*present) {
    ll_action_note(ctx, "the module advertises no %s power monitor (page 01h byte 160)",
                   ll_cmis_cal_monitor_name(monitor));
    ll_action_measure_boolean(ctx, c->names->fit_ok, FALSE);
  }
  return TRUE;
}

/* FALSE with G_IO_ERROR_INVALID_ARGUMENT unless @hi is above @lo. */
static gboolean
check_range(const char *hi_name, double hi, const char *lo_name, double lo, const char *unit,
            GError **error)
{
  if (hi > lo)
    return TRUE;
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s (%g %s) must be above %s (%g %s)",
              hi_name, hi, unit, lo_name, lo, unit);
  return FALSE;
}

/* Level @k's setting from @hi down to @lo, evenly spaced. */
static double
cal_level(const Cal *c, double hi, double lo, guint k)
{
  return hi - (hi - lo) * k / (c->levels - 1);
}

/* A monitor reading in dBm, its least count when it reads 0. */
static double
monitor_dbm(double mw)
{
  return mw > 0 ? 10.0 * log10(mw) : MONITOR_FLOOR_DBM;
}

/* The value of @v[0..n) with the largest magnitude (NAN ones left out). */
static double
worst(const double *v, guint n)
{
  double w = NAN;
  for (guint i = 0; i < n; i++)
    if (!isnan(v[i]) && (isnan(w) || fabs(v[i]) > fabs(w)))
      w = v[i];
  return w;
}

/* Keeps the lane's coefficients and writes slope 1, offset 0 so the
 * monitor reports its raw reading. */
static gboolean
cal_reset(Cal *c, GError **error)
{
  if (!ll_module_cal_read(c->evb, c->monitor, c->lane, &c->original, error) ||
      !ll_module_cal_write(c->evb, c->password, c->monitor, c->lane, &LL_CMIS_CAL_IDENTITY, error))
    return FALSE;
  c->at_identity = TRUE;
  return TRUE;
}

/* Ends a calibration that stopped with @err: a lane left reporting raw
 * readings gets its earlier coefficients back (best effort). A module that
 * did not take a write (LL_MODULE_ERROR_REJECTED: a wrong password) is the
 * module's matter: reported as written = false, and TRUE is returned; any
 * other error is a station fault, passed on in @error. */
static gboolean
cal_stopped(Cal *c, GError *err, GError **error)
{
  if (c->at_identity &&
      ll_module_cal_write(c->evb, c->password, c->monitor, c->lane, &c->original, NULL))
    c->at_identity = FALSE;
  if (!g_error_matches(err, LL_MODULE_ERROR, LL_MODULE_ERROR_REJECTED)) {
    g_propagate_error(error, err);
    return FALSE;
  }
  ll_action_note(c->ctx, "%s", err->message);
  if (!c->written_reported)
    ll_action_measure_boolean(c->ctx, c->names->written, FALSE);
  g_error_free(err);
  return TRUE;
}

/* Records level @k: the raw reading against the reference (@verify FALSE),
 * or the calibrated reading's verification error (@verify TRUE). */
static void
cal_point(Cal *c, guint k, double monitor_mw, double ref_dbm, gboolean verify)
{
  double mon = monitor_dbm(monitor_mw);
  const char *monitor = ll_cmis_cal_monitor_name(c->monitor);
  if (!verify) {
    c->raw_mw[k] = monitor_mw;
    c->ref_dbm[k] = ref_dbm;
    ll_action_note(c->ctx, "lane %u level %u: %s reference %.3f dBm, raw monitor %.3f dBm%s",
                   c->lane, k + 1, monitor, ref_dbm, mon, monitor_mw > 0 ? "" : " (reads 0)");
    return;
  }
  ll_action_note(c->ctx, "lane %u level %u verified: %s reference %.3f dBm, monitor %.3f dBm%s: "
                 "%+.3f dB", c->lane, k + 1, monitor, ref_dbm, mon,
                 monitor_mw > 0 ? "" : " (reads 0)", mon - ref_dbm);
  ll_action_measure(c->ctx, c->names->verify_error, mon - ref_dbm, LL_UNIT_DB);
}

/* Fits the points, reports the fit and writes it; *@written is TRUE when
 * the module holds the fitted coefficients. A monitor that cannot be
 * fitted gets its earlier coefficients back. */
static gboolean
cal_fit_and_write(Cal *c, gboolean *written, GError **error)
{
  LlActionContext *ctx = c->ctx;
  const Names *n = c->names;
  const char *monitor = ll_cmis_cal_monitor_name(c->monitor);
  guint used = 0;
  double ref_mw[MAX_LEVELS], before[MAX_LEVELS], after[MAX_LEVELS];
  for (guint k = 0; k < c->levels; k++) {
    ref_mw[k] = pow(10.0, c->ref_dbm[k] / 10.0);
    before[k] = monitor_dbm(c->raw_mw[k]) - c->ref_dbm[k];
  }
  ll_action_measure(ctx, n->error_before, worst(before, c->levels), LL_UNIT_DB);
  *written = FALSE;
  g_autoptr(GError) err = NULL;
  LlCmisCalCoeffs fit;
  if (!ll_module_cal_fit(c->raw_mw, ref_mw, c->levels, &fit, &used, &err)) {
    ll_action_note(ctx, "lane %u: the %s monitor cannot be fitted: %s", c->lane, monitor,
                   err->message);
    ll_action_measure_boolean(ctx, n->fit_ok, FALSE);
    if (!ll_module_cal_write(c->evb, c->password, c->monitor, c->lane, &c->original, error))
      return FALSE;
    c->at_identity = FALSE;
    return TRUE;
  }
  for (guint k = 0; k < c->levels; k++) {
    double mw = ll_cmis_cal_apply(&fit, c->raw_mw[k]);
    after[k] = mw > 0 ? 10.0 * log10(mw) - c->ref_dbm[k] : NAN;
  }
  ll_action_note(ctx, "lane %u: %s slope %.5f, offset %.6f mW, from %u of %u levels", c->lane,
                 monitor, fit.slope, fit.offset_mw, used, c->levels);
  ll_action_measure_boolean(ctx, n->fit_ok, TRUE);
  ll_action_measure(ctx, n->slope, fit.slope, LL_UNIT_RATIO);
  ll_action_measure(ctx, n->offset, fit.offset_mw, LL_UNIT_MW);
  ll_action_measure(ctx, n->fit_residual, worst(after, c->levels), LL_UNIT_DB);
  if (!ll_module_cal_write(c->evb, c->password, c->monitor, c->lane, &fit, error))
    return FALSE;
  c->at_identity = FALSE;
  c->written_reported = *written = TRUE;
  ll_action_measure_boolean(ctx, n->written, TRUE);
  return TRUE;
}

/* ---- ddm.calibrate-rx ---- */

static const char *const rx_roles[] = { "evb", "power-meter", "optical-switch", "attenuator",
                                        NULL };

static const LlParamSpec rx_params[] = {
  CAL_PARAMS,
  { "rx_power_max", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-1 dBm", TRUE, TRUE, -30, 5,
    "the highest estimated received average power (the first level)" },
  { "rx_power_min", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-13 dBm", TRUE, TRUE, -30, 5,
    "the lowest estimated received average power (the last level)" },
  { "ref_er", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "5 dB", TRUE, TRUE, 1, 20,
    "the reference transmitter's extinction ratio (for a module whose RX monitor reads OMA)" },
  LL_ACTIONS_RX_LIGHT_PARAMS,
  { NULL },
};

static const LlMeasurementSpec rx_measurements[] = {
  MEASUREMENTS("rx", "RX power", "the received power estimate"),
};

/* Levels the light to every level in turn and reads the monitor. */
static gboolean
rx_sweep(Cal *c, LlRxLight *light, gboolean verify, GError **error)
{
  LlActionContext *ctx = c->ctx;
  double hi = ll_action_param_number(ctx, "rx_power_max");
  double lo = ll_action_param_number(ctx, "rx_power_min");
  for (guint k = 0; k < c->levels; k++) {
    double estimate, mw;
    if (!ll_actions_check_cancelled(ctx, error) ||
        !ll_actions_rx_light_set(ctx, light, cal_level(c, hi, lo, k), LL_ACTIONS_RX_TOLERANCE_DB,
                                 &estimate, error))
      return FALSE;
    ll_clock_sleep(ll_action_clock(ctx), c->settle_us);
    if (!ll_module_read_power_monitor(c->evb, LL_CMIS_CAL_RX, c->lane, &mw, error))
      return FALSE;
    double ref = c->adv.rx_power_type == LL_CMIS_RX_POWER_OMA
                   ? ll_actions_oma_dbm(estimate, ll_action_param_number(ctx, "ref_er"))
                   : estimate;
    cal_point(c, k, mw, ref, verify);
  }
  return TRUE;
}

static gboolean
calibrate_rx(LlActionContext *ctx, GError **error)
{
  Cal c;
  LlRxLight light = { 0 };
  LlOpticalSwitch *sw = NULL;
  gboolean present = FALSE, written = FALSE;
  GError *err = NULL;
  if (!check_range("rx_power_max", ll_action_param_number(ctx, "rx_power_max"), "rx_power_min",
                   ll_action_param_number(ctx, "rx_power_min"), "dBm", error) ||
      !cal_begin(ctx, &c, LL_CMIS_CAL_RX, &present, error))
    return FALSE;
  if (!present)
    return TRUE;
  gboolean ok = (sw = ll_actions_need_switch(ctx, &err)) &&
                ll_actions_rx_light_begin(ctx, &light, c.lane, &err) &&
                ll_optical_switch_select(sw, 2, ll_actions_lane_channel(ctx, c.lane), &err) &&
                (ll_action_note(ctx, "lane %u: RX path offset %.3f dB (%s)", c.lane,
                                light.offset.db, ll_actions_offset_source(&light.offset)), TRUE) &&
                cal_reset(&c, &err) && rx_sweep(&c, &light, FALSE, &err) &&
                cal_fit_and_write(&c, &written, &err) &&
                (!written || rx_sweep(&c, &light, TRUE, &err));
  if (!ok && !cal_stopped(&c, err, error)) {
    ll_actions_rx_light_end(&light, NULL);
    return FALSE;
  }
  return ll_actions_rx_light_end(&light, error);
}

static const LlAction rx_action = {
  .spec = { "ddm.calibrate-rx",
            "calibrate the lane's RX power monitor: fit it against the received power estimate "
            "at several attenuator levels, write the coefficients behind the vendor password, "
            "verify at the same levels",
            TRUE, rx_params, rx_measurements, rx_roles },
  .run = calibrate_rx,
  .parts = ll_actions_rx_light_parts,
  .paths = LL_PATH_BIT(LL_PATH_RX),
};

/* ---- ddm.calibrate-tx ---- */

static const char *const tx_roles[] = { "evb", "power-meter", "optical-switch", NULL };

static const LlParamSpec tx_params[] = {
  CAL_PARAMS,
  { "trim_max", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "0 dB", TRUE, TRUE, LL_CMIS_CAL_TRIM_MIN_DB,
    LL_CMIS_CAL_TRIM_MAX_DB, "the highest laser power trim (the first level)" },
  { "trim_min", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "-6 dB", TRUE, TRUE, LL_CMIS_CAL_TRIM_MIN_DB,
    LL_CMIS_CAL_TRIM_MAX_DB, "the lowest laser power trim (the last level)" },
  { "wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, FALSE, "1311 nm", TRUE, TRUE, 800, 1700,
    "the lane's wavelength, for the meter's responsivity" },
  { "tx_meter_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 8,
    "the meter channel switch section 1 is cabled to" },
  { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0.0001, 10,
    "the meter's averaging time per reading" },
  LL_ACTIONS_TX_PATH_OFFSET_PARAM,
  { NULL },
};

static const LlMeasurementSpec tx_measurements[] = {
  MEASUREMENTS("tx", "TX power", "the launch power estimate"),
};

typedef struct {
  LlPowerMeter *pm;
  LlMeterSetup meter;
  LlPathOffset offset;
  double original_trim_db;
  gboolean trimmed; /* the trim may differ from the original */
} Tx;

/* Steps the trim through the levels, reads meter and monitor at each, and
 * puts the trim back. */
static gboolean
tx_sweep(Cal *c, Tx *tx, gboolean verify, GError **error)
{
  LlActionContext *ctx = c->ctx;
  double hi = ll_action_param_number(ctx, "trim_max");
  double lo = ll_action_param_number(ctx, "trim_min");
  for (guint k = 0; k < c->levels; k++) {
    double meter, mw;
    tx->trimmed = TRUE;
    if (!ll_actions_check_cancelled(ctx, error) ||
        !ll_module_cal_write_trim(c->evb, c->password, c->lane, cal_level(c, hi, lo, k), error))
      return FALSE;
    ll_clock_sleep(ll_action_clock(ctx), c->settle_us);
    if (!ll_actions_meter_read(tx->pm, &tx->meter, &meter, error) ||
        !ll_module_read_power_monitor(c->evb, LL_CMIS_CAL_TX, c->lane, &mw, error))
      return FALSE;
    cal_point(c, k, mw, meter + tx->offset.db, verify);
  }
  if (!ll_module_cal_write_trim(c->evb, c->password, c->lane, tx->original_trim_db, error))
    return FALSE;
  tx->trimmed = FALSE;
  return TRUE;
}

static gboolean
calibrate_tx(LlActionContext *ctx, GError **error)
{
  Cal c;
  Tx tx = {
    .meter = {
      .channel = (guint) ll_action_param_number(ctx, "tx_meter_channel"),
      .wavelength_nm = ll_action_param_number(ctx, "wavelength"),
      .averaging_s = ll_action_param_number(ctx, "averaging"),
    },
    .offset = ll_actions_path_offset(ctx, LL_PATH_TX, ll_action_lane(ctx), "tx_path_offset"),
  };
  LlOpticalSwitch *sw = NULL;
  gboolean present = FALSE, written = FALSE;
  GError *err = NULL;
  if (!check_range("trim_max", ll_action_param_number(ctx, "trim_max"), "trim_min",
                   ll_action_param_number(ctx, "trim_min"), "dB", error) ||
      !cal_begin(ctx, &c, LL_CMIS_CAL_TX, &present, error))
    return FALSE;
  if (!present)
    return TRUE;
  ll_action_note(ctx, "lane %u: TX path loss %.3f dB (%s)", c.lane, tx.offset.db,
                 ll_actions_offset_source(&tx.offset));
  gboolean ok = (sw = ll_actions_need_switch(ctx, &err)) &&
                (tx.pm = ll_actions_need_power_meter(ctx, &err)) &&
                ll_optical_switch_select(sw, 1, ll_actions_lane_channel(ctx, c.lane), &err) &&
                ll_module_cal_read_trim(c.evb, c.lane, &tx.original_trim_db, &err) &&
                cal_reset(&c, &err) && tx_sweep(&c, &tx, FALSE, &err) &&
                cal_fit_and_write(&c, &written, &err) &&
                (!written || tx_sweep(&c, &tx, TRUE, &err));
  if (!ok && tx.trimmed)
    ll_module_cal_write_trim(c.evb, c.password, c.lane, tx.original_trim_db, NULL);
  return ok || cal_stopped(&c, err, error);
}

/* The transmitters' path: switch section 1 and its meter channel. */
static guint64
tx_parts(LlActionContext *ctx, LlInstrumentClass klass)
{
  switch (klass) {
  case LL_CLASS_OPTICAL_SWITCH: return LL_PART(1);
  case LL_CLASS_POWER_METER:
    return LL_PART((guint) ll_action_param_number(ctx, "tx_meter_channel"));
  default: return LL_PARTS_ALL;
  }
}

static const LlAction tx_action = {
  .spec = { "ddm.calibrate-tx",
            "calibrate the lane's TX power monitor: fit it against the meter at several laser "
            "power trims, write the coefficients behind the vendor password, verify at the same "
            "trims",
            TRUE, tx_params, tx_measurements, tx_roles },
  .run = calibrate_tx,
  .parts = tx_parts,
  .paths = LL_PATH_BIT(LL_PATH_TX),
};

const LlAction *const ll_actions_cal[] = { &rx_action, &tx_action, NULL };
