/* ll-actions-tx.c: the transmitter actions, per lane, and what the optical
 * actions share (the leased drivers, the lane's channel, meter readings).
 *
 * Cabling (docs/simulated-bench.md): switch section 1 channel
 * (site - 1) * 8 + lane takes the lane's transmitter to a 50/50 splitter
 * feeding the power meter's TX channel and the sampling scope; BERT channel
 * (site - 1) * 8 + lane drives the lane's host input. What the meter and the
 * scope see is the launch power less the fibre, switch and splitter losses;
 * the lane's TX path loss adds them back: its path-loss calibration when
 * the run has one (ll-path-loss.h), else the step parameter
 * tx_path_offset. Both the reading and the corrected value are reported.
 * Ratios (extinction ratio, TDECQ) need no correction.
 *
 *   tx.average-power  switch the lane to the meter, read its average power
 *   tx.eye            drive the lane with a pattern, measure the eye on the
 *                     scope: outer OMA, extinction ratio, TDECQ and the
 *                     TDECQ-adjusted OMA; the generator is off again after
 *
 * A driver error is a station fault. A dark lane is a DUT matter: the meter
 * reads its floor (a value the limits fail), and the scope, which cannot
 * measure an eye without light, makes tx.eye report eye_measured = false. */
#include "ll-actions-private.h"

#include <gio/gio.h>
#include <math.h>

/* Lanes cabled per fixture site, whatever the product's lane count. */
#define CHANNELS_PER_SITE 8

/* ---- shared helpers ---- */

static void
no_instrument(GError **error, LlInstrumentClass klass)
{
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
              "the step has no %s (declare a role of class %s)", ll_instrument_class_name(klass),
              ll_instrument_class_name(klass));
}

LlPowerMeter *
ll_actions_need_power_meter(LlActionContext *ctx, GError **error)
{
  LlInstrument *inst = ll_action_instrument(ctx, LL_CLASS_POWER_METER);
  LlPowerMeter *pm = inst ? ll_instrument_power_meter(inst) : NULL;
  if (!pm)
    no_instrument(error, LL_CLASS_POWER_METER);
  return pm;
}

LlOpticalSwitch *
ll_actions_need_switch(LlActionContext *ctx, GError **error)
{
  LlInstrument *inst = ll_action_instrument(ctx, LL_CLASS_OPTICAL_SWITCH);
  LlOpticalSwitch *sw = inst ? ll_instrument_switch(inst) : NULL;
  if (!sw)
    no_instrument(error, LL_CLASS_OPTICAL_SWITCH);
  return sw;
}

LlAttenuator *
ll_actions_need_attenuator(LlActionContext *ctx, GError **error)
{
  LlInstrument *inst = ll_action_instrument(ctx, LL_CLASS_ATTENUATOR);
  LlAttenuator *att = inst ? ll_instrument_attenuator(inst) : NULL;
  if (!att)
    no_instrument(error, LL_CLASS_ATTENUATOR);
  return att;
}

LlBert *
ll_actions_need_bert(LlActionContext *ctx, GError **error)
{
  LlInstrument *inst = ll_action_instrument(ctx, LL_CLASS_BERT);
  LlBert *bert = inst ? ll_instrument_bert(inst) : NULL;
  if (!bert)
    no_instrument(error, LL_CLASS_BERT);
  return bert;
}

LlScope *
ll_actions_need_scope(LlActionContext *ctx, GError **error)
{
  LlInstrument *inst = ll_action_instrument(ctx, LL_CLASS_SCOPE);
  LlScope *scope = inst ? ll_instrument_scope(inst) : NULL;
  if (!scope)
    no_instrument(error, LL_CLASS_SCOPE);
  return scope;
}

guint
ll_actions_lane_channel(LlActionContext *ctx, guint lane)
{
  return (ll_action_site(ctx) - 1) * CHANNELS_PER_SITE + lane;
}

guint64
ll_actions_bert_parts(LlActionContext *ctx)
{
  guint64 parts = 0;
  guint32 lanes = ll_action_lanes(ctx);
  for (guint lane = 1; lane <= 32; lane++)
    if (lanes & (1u << (lane - 1))) {
      guint ch = ll_actions_lane_channel(ctx, lane);
      if (ch > LL_PARTS_MAX)
        return LL_PARTS_ALL;
      parts |= LL_PART(ch);
    }
  return parts ? parts : LL_PARTS_ALL;
}

gboolean
ll_actions_check_cancelled(LlActionContext *ctx, GError **error)
{
  if (!ll_action_cancelled(ctx))
    return TRUE;
  if (ll_action_timed_out(ctx))
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the step's timeout passed");
  else
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the run was asked to stop");
  return FALSE;
}

gboolean
ll_actions_meter_read(LlPowerMeter *pm, LlMeterSetup *setup, double *dbm, GError **error)
{
  if (!setup->configured) {
    if (!ll_power_meter_set_wavelength(pm, setup->channel, setup->wavelength_nm, error) ||
        !ll_power_meter_set_averaging(pm, setup->channel, setup->averaging_s, error))
      return FALSE;
    setup->configured = TRUE;
  }
  return ll_power_meter_read_dbm(pm, setup->channel, dbm, error);
}

LlPathOffset
ll_actions_path_offset(LlActionContext *ctx, LlPathKind path, guint lane, const char *nominal_param)
{
  double nm = path == LL_PATH_TX ? ll_path_loss_lane_wavelength(ll_action_product(ctx), lane)
                                 : ll_action_param_number(ctx, "ref_wavelength");
  const LlPathLossValue *v = ll_action_path_loss(ctx, path, lane, nm);
  if (v)
    return (LlPathOffset) { v->loss_db, v->id, TRUE };
  return (LlPathOffset) { ll_action_param_number(ctx, nominal_param), 0, FALSE };
}

const char *
ll_actions_offset_source(const LlPathOffset *offset)
{
  return offset->calibrated ? "calibrated" : "nominal";
}

double
ll_actions_oma_dbm(double avg_dbm, double er_db)
{
  double er = pow(10.0, er_db / 10.0);
  return avg_dbm + 10.0 * log10(2.0 * (er - 1.0) / (er + 1.0));
}

static const char *const meter_roles[] = { "optical-switch", "power-meter", NULL };
static const char *const eye_roles[] = { "optical-switch", "scope", "bert", NULL };

/* ---- tx.average-power ---- */

static const LlParamSpec tx_power_params[] = {
  { "wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, FALSE, "1311 nm", TRUE, TRUE, 800, 1700,
    "the lane's wavelength, for the meter's responsivity correction" },
  { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0.0001, 10,
    "the meter's averaging time per reading" },
  { "meter_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 8,
    "the meter channel switch section 1 is cabled to" },
  LL_ACTIONS_TX_PATH_OFFSET_PARAM,
  { NULL },
};

static const LlMeasurementSpec tx_power_measurements[] = {
  { "tx_power_avg", LL_UNIT_DBM, TRUE,
    "average launch power: the meter's reading plus the lane's TX path loss" },
  { NULL },
};

static gboolean
tx_power(LlActionContext *ctx, GError **error)
{
  LlOpticalSwitch *sw = ll_actions_need_switch(ctx, error);
  LlPowerMeter *pm = sw ? ll_actions_need_power_meter(ctx, error) : NULL;
  if (!pm)
    return FALSE;
  guint lane = ll_action_lane(ctx);
  LlMeterSetup meter = {
    .channel = (guint) ll_action_param_number(ctx, "meter_channel"),
    .wavelength_nm = ll_action_param_number(ctx, "wavelength"),
    .averaging_s = ll_action_param_number(ctx, "averaging"),
  };
  LlPathOffset offset = ll_actions_path_offset(ctx, LL_PATH_TX, lane, "tx_path_offset");
  double dbm;
  if (!ll_optical_switch_select(sw, 1, ll_actions_lane_channel(ctx, lane), error) ||
      !ll_actions_meter_read(pm, &meter, &dbm, error))
    return FALSE;
  ll_action_note(ctx, "lane %u: meter %.3f dBm, path loss %.3f dB (%s)", lane, dbm, offset.db,
                 ll_actions_offset_source(&offset));
  ll_action_measure_corrected(ctx, "tx_power_avg", lane, dbm, offset.db, offset.path_loss_id,
                              LL_UNIT_DBM);
  return TRUE;
}

/* Switch section 1 and the meter channel it is cabled to: the receivers'
 * path (section 2, the reference channel) stays free for another site. */
guint64
ll_actions_tx_meter_parts(LlActionContext *ctx, LlInstrumentClass klass)
{
  switch (klass) {
  case LL_CLASS_OPTICAL_SWITCH: return LL_PART(1);
  case LL_CLASS_POWER_METER: return LL_PART((guint) ll_action_param_number(ctx, "meter_channel"));
  default: return LL_PARTS_ALL;
  }
}

static const LlAction tx_power_action = {
  { "tx.average-power",
    "route the lane to the power meter (switch section 1) and read its average launch power",
    TRUE, tx_power_params, tx_power_measurements, meter_roles },
  tx_power,
  ll_actions_tx_meter_parts,
  LL_PATH_BIT(LL_PATH_TX),
};

/* ---- tx.eye ---- */

static const LlParamSpec eye_params[] = {
  { "pattern", LL_PARAM_PATTERN, LL_UNIT_NONE, FALSE, "SSPRQ", FALSE, FALSE, 0, 0,
    "the pattern the BERT generator drives the lane with" },
  { "scope_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 16,
    "the scope channel switch section 1 is cabled to" },
  { "timeout", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "10 s", TRUE, TRUE, 0.1, 600,
    "the longest an acquisition may take" },
  LL_ACTIONS_TX_PATH_OFFSET_PARAM,
  { NULL },
};

static const LlMeasurementSpec eye_measurements[] = {
  { "eye_measured", LL_UNIT_NONE, TRUE,
    "the scope measured the eye (false: no light or no pattern lock on the lane)" },
  { "oma_outer", LL_UNIT_DBM, TRUE, "outer OMA, plus the lane's TX path loss" },
  { "extinction_ratio", LL_UNIT_DB, TRUE, "outer extinction ratio" },
  { "tdecq", LL_UNIT_DB, TRUE, "transmitter and dispersion eye closure, quaternary" },
  { "oma_minus_tdecq", LL_UNIT_DBM, TRUE,
    "the TDECQ-adjusted OMA the IEEE limits: oma_outer - tdecq" },
  { NULL },
};

static gboolean
eye(LlActionContext *ctx, GError **error)
{
  LlOpticalSwitch *sw = ll_actions_need_switch(ctx, error);
  LlScope *scope = sw ? ll_actions_need_scope(ctx, error) : NULL;
  LlBert *bert = scope ? ll_actions_need_bert(ctx, error) : NULL;
  if (!bert)
    return FALSE;
  guint lane = ll_action_lane(ctx);
  guint ch = ll_actions_lane_channel(ctx, lane);
  const char *pattern = ll_action_param_string(ctx, "pattern");
  LlPathOffset offset = ll_actions_path_offset(ctx, LL_PATH_TX, lane, "tx_path_offset");
  guint timeout_ms = (guint) (ll_action_param_number(ctx, "timeout") * 1000.0);

  g_autoptr(GError) err = NULL;
  LlEyeResult r;
  gboolean ok = ll_bert_set_generator(bert, ch, pattern, TRUE, &err) &&
                ll_optical_switch_select(sw, 1, ch, &err) &&
                ll_scope_select_channel(scope, (guint) ll_action_param_number(ctx, "scope_channel"),
                                        &err) &&
                ll_actions_check_cancelled(ctx, &err) &&
                ll_scope_measure_eye(scope, timeout_ms, &r, &err);
  /* the scope saw no eye: no light or no modulation on the lane */
  gboolean dark = !ok && g_error_matches(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER);
  /* the generator goes off whatever happened; after a station fault, best effort */
  gboolean off = ll_bert_set_generator(bert, ch, pattern, FALSE, ok || dark ? error : NULL);
  if (!ok && !dark) {
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
  }
  if (!off)
    return FALSE;
  if (dark) {
    /* nothing to see on the lane: the DUT's matter (a dark or unmodulated lane) */
    ll_action_note(ctx, "lane %u: %s", lane, err->message);
    ll_action_measure_boolean(ctx, "eye_measured", FALSE);
    return TRUE;
  }
  ll_action_note(ctx, "lane %u: scope OMA %.3f dBm, average %.3f dBm, path loss %.3f dB (%s)", lane,
                 r.oma_dbm, r.avg_dbm, offset.db, ll_actions_offset_source(&offset));
  ll_action_measure_boolean(ctx, "eye_measured", TRUE);
  ll_action_measure_corrected(ctx, "oma_outer", lane, r.oma_dbm, offset.db, offset.path_loss_id,
                              LL_UNIT_DBM);
  ll_action_measure(ctx, "extinction_ratio", r.er_db, LL_UNIT_DB);
  ll_action_measure(ctx, "tdecq", r.tdecq_db, LL_UNIT_DB);
  ll_action_measure_corrected(ctx, "oma_minus_tdecq", lane, r.oma_dbm - r.tdecq_db, offset.db,
                              offset.path_loss_id, LL_UNIT_DBM);
  return TRUE;
}

/* Switch section 1, the whole scope, and the BERT channels of the lanes
 * driven (the other sites' channels stay free). */
static guint64
eye_parts(LlActionContext *ctx, LlInstrumentClass klass)
{
  switch (klass) {
  case LL_CLASS_OPTICAL_SWITCH: return LL_PART(1);
  case LL_CLASS_BERT: return ll_actions_bert_parts(ctx);
  default: return LL_PARTS_ALL;
  }
}

static const LlAction eye_action = {
  { "tx.eye",
    "drive the lane with a pattern from the BERT and measure its eye on the scope: outer OMA, "
    "extinction ratio, TDECQ",
    TRUE, eye_params, eye_measurements, eye_roles },
  eye,
  eye_parts,
  LL_PATH_BIT(LL_PATH_TX),
};

const LlAction *const ll_actions_tx[] = { &tx_power_action, &eye_action, NULL };
