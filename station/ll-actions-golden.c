/* ll-actions-golden.c: the actions that measure against a golden module's
 * reference values (ll-golden.h; docs/calibration.md): station path-loss
 * calibration and the golden-unit check. The unit under test is the golden
 * module; its reference file is found by its serial number in the station's
 * golden-references folder. A missing or bad reference file is a station
 * fault (ERROR): nothing can be measured against it.
 *
 *   cal.tx-path-loss    the lane routed to the meter (switch section 1), the
 *                       meter set to the lane's wavelength; the TX path loss
 *                       is the golden's known launch power minus the mean
 *                       of `readings` meter readings
 *   cal.rx-path-offset  the reference light routed to the lane (switch
 *                       section 2) and leveled to about rx_power with the
 *                       nominal rx_path_offset; the RX path offset is the
 *                       received power the golden's RX power monitor tells
 *                       (its reading less its known error) minus the
 *                       reference meter's reading, each the mean of
 *                       `readings` readings taken together
 *   golden.compare      for every lane and every quantity the reference
 *                       gives (tx_power_avg, oma_outer, extinction_ratio,
 *                       tdecq, sensitivity, rx_power_monitor_error) that an
 *                       earlier step of the run measured: the value minus
 *                       the reference, as NAME_delta
 *
 * The calibration actions read the meters raw: they measure the paths, so
 * no path loss corrects them (LlAction.paths is 0). An RX monitor that
 * reads OMA (page 01h byte 151) is converted to average power at the
 * reference's extinction ratio (ref_er). */
#include "ll-actions-private.h"
#include "ll-golden.h"
#include "drivers/ll-module-cal.h"
#include "drivers/ll-module.h"

#include <gio/gio.h>
#include <math.h>

#define MAX_READINGS 64

/* The run's golden reference (the unit's serial in the station's folder),
 * or NULL with @error (a station fault). */
static LlGoldenReference *
need_reference(LlActionContext *ctx, GError **error)
{
  const LlStationConfig *cfg = ll_station_config(ll_action_station(ctx));
  g_autoptr(GError) err = NULL;
  LlGoldenReference *r = ll_golden_reference_find(cfg, ll_action_serial(ctx), NULL, &err);
  if (!r) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", err->message);
    return NULL;
  }
  if (g_strcmp0(r->product, ll_action_product(ctx)) != 0) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "%s: golden module %s is a %s, the sequence is for %s", r->path, r->serial,
                r->product, ll_action_product(ctx));
    ll_golden_reference_free(r);
    return NULL;
  }
  return r;
}

#define READINGS_PARAM                                                                           \
  { "readings", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "4", TRUE, TRUE, 1, MAX_READINGS,         \
    "readings averaged (in dB) per lane" }

/* ---- cal.tx-path-loss ---- */

static const char *const tx_roles[] = { "optical-switch", "power-meter", NULL };

static const LlParamSpec tx_params[] = {
  { "meter_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 8,
    "the meter channel switch section 1 is cabled to" },
  { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0.0001, 10,
    "the meter's averaging time per reading" },
  READINGS_PARAM,
  { NULL },
};

static const LlMeasurementSpec tx_measurements[] = {
  { "tx_path_loss", LL_UNIT_DB, TRUE,
    "the golden's known launch power minus what the meter reads through the lane's TX path" },
  { NULL },
};

static gboolean
tx_path_loss(LlActionContext *ctx, GError **error)
{
  LlOpticalSwitch *sw = ll_actions_need_switch(ctx, error);
  LlPowerMeter *pm = sw ? ll_actions_need_power_meter(ctx, error) : NULL;
  g_autoptr(LlGoldenReference) ref = pm ? need_reference(ctx, error) : NULL;
  if (!ref)
    return FALSE;
  guint lane = ll_action_lane(ctx);
  double launch = ll_golden_reference_value(ref, "tx_power_avg", lane);
  LlMeterSetup meter = {
    .channel = (guint) ll_action_param_number(ctx, "meter_channel"),
    .wavelength_nm = ll_path_loss_lane_wavelength(ll_action_product(ctx), lane),
    .averaging_s = ll_action_param_number(ctx, "averaging"),
  };
  guint n = (guint) ll_action_param_number(ctx, "readings");
  double sum = 0;
  if (!ll_optical_switch_select(sw, 1, ll_actions_lane_channel(ctx, lane), error))
    return FALSE;
  for (guint i = 0; i < n; i++) {
    double dbm;
    if (!ll_actions_check_cancelled(ctx, error) || !ll_actions_meter_read(pm, &meter, &dbm, error))
      return FALSE;
    sum += dbm;
  }
  double read = sum / n;
  ll_action_note(ctx, "lane %u at %g nm: golden launches %.3f dBm, the meter reads %.3f dBm "
                 "(mean of %u): TX path loss %.3f dB", lane, meter.wavelength_nm, launch, read, n,
                 launch - read);
  ll_action_measure(ctx, "tx_path_loss", launch - read, LL_UNIT_DB);
  return TRUE;
}

static const LlAction tx_action = {
  .spec = { "cal.tx-path-loss",
            "measure the lane's TX path loss: the golden module's known launch power minus the "
            "meter's reading through switch section 1",
            TRUE, tx_params, tx_measurements, tx_roles },
  .run = tx_path_loss,
  .parts = ll_actions_tx_meter_parts,
  .paths = 0,
};

/* ---- cal.rx-path-offset ---- */

static const char *const rx_roles[] = { "evb", "optical-switch", "attenuator", "power-meter", NULL };

static const LlParamSpec rx_params[] = {
  { "rx_power", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-3 dBm", TRUE, TRUE, -20, 3,
    "the received power the light is leveled to (with the nominal rx_path_offset)" },
  { "ref_er", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "5 dB", TRUE, TRUE, 1, 20,
    "the reference transmitter's extinction ratio (for a golden whose RX monitor reads OMA)" },
  { "monitor_settle", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0, 10,
    "what the golden's monitor is given after the light changed" },
  READINGS_PARAM,
  LL_ACTIONS_RX_LIGHT_PARAMS,
  { NULL },
};

static const LlMeasurementSpec rx_measurements[] = {
  { "rx_path_offset", LL_UNIT_DB, TRUE,
    "the received power the golden's RX monitor tells, less its known error, minus the "
    "reference meter's reading" },
  { NULL },
};

/* Reads the reference meter and the golden's RX monitor @n times; their
 * means (dBm) go to *@ref_dbm and *@monitor_dbm. */
static gboolean
rx_read(LlActionContext *ctx, LlRxLight *light, LlEvb *evb, guint lane, guint n, double *ref_dbm,
        double *monitor_dbm, GError **error)
{
  double ref_sum = 0, mon_sum = 0;
  for (guint i = 0; i < n; i++) {
    double ref, mw;
    if (!ll_actions_check_cancelled(ctx, error) ||
        !ll_actions_meter_read(light->pm, &light->meter, &ref, error) ||
        !ll_module_read_power_monitor(evb, LL_CMIS_CAL_RX, lane, &mw, error))
      return FALSE;
    if (!(mw > 0)) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                  "lane %u: the golden's RX power monitor reads 0 with %.2f dBm at the reference "
                  "meter: no light reaches it", lane, ref);
      return FALSE;
    }
    ref_sum += ref;
    mon_sum += 10.0 * log10(mw);
  }
  *ref_dbm = ref_sum / n;
  *monitor_dbm = mon_sum / n;
  return TRUE;
}

static gboolean
rx_path_offset(LlActionContext *ctx, GError **error)
{
  guint lane = ll_action_lane(ctx);
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  LlOpticalSwitch *sw = evb ? ll_actions_need_switch(ctx, error) : NULL;
  g_autoptr(LlGoldenReference) ref = sw ? need_reference(ctx, error) : NULL;
  if (!ref)
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  LlCmisAdvertising adv;
  if (!ll_module_read_page(evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error) ||
      !ll_cmis_decode_advertising(img, &adv, error))
    return FALSE;
  if (!adv.rx_power_monitor) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "golden module %s advertises no RX power monitor (page 01h byte 160): it cannot "
                "calibrate RX paths", ll_action_serial(ctx));
    return FALSE;
  }
  LlRxLight light = { 0 };
  double reached, ref_dbm, monitor_dbm;
  guint n = (guint) ll_action_param_number(ctx, "readings");
  gboolean ok = ll_actions_rx_light_begin(ctx, &light, lane, error) &&
                ll_optical_switch_select(sw, 2, ll_actions_lane_channel(ctx, lane), error) &&
                ll_actions_rx_light_set(ctx, &light, ll_action_param_number(ctx, "rx_power"),
                                        LL_ACTIONS_RX_TOLERANCE_DB, &reached, error);
  if (ok) {
    ll_clock_sleep(ll_action_clock(ctx), (gint64) (ll_action_param_number(ctx, "monitor_settle") * 1e6));
    ok = rx_read(ctx, &light, evb, lane, n, &ref_dbm, &monitor_dbm, error);
  }
  if (!ok) {
    ll_actions_rx_light_end(&light, NULL);
    return FALSE;
  }
  if (!ll_actions_rx_light_end(&light, error))
    return FALSE;
  /* the golden's monitor less its known error is the true received power
   * (its OMA for a monitor of OMA: back to average power at the reference ER) */
  double oma_db = adv.rx_power_type == LL_CMIS_RX_POWER_OMA
                    ? ll_actions_oma_dbm(0, ll_action_param_number(ctx, "ref_er"))
                    : 0;
  double received = monitor_dbm - ll_golden_reference_value(ref, "rx_power_monitor_error", lane) - oma_db;
  ll_action_note(ctx, "lane %u at %g nm: golden RX monitor %.3f dBm (known error %+.3f dB%s), "
                 "reference meter %.3f dBm (mean of %u): RX path offset %.3f dB", lane,
                 light.meter.wavelength_nm, monitor_dbm,
                 ll_golden_reference_value(ref, "rx_power_monitor_error", lane),
                 oma_db ? ", reads OMA" : "", ref_dbm, n, received - ref_dbm);
  ll_action_measure(ctx, "rx_path_offset", received - ref_dbm, LL_UNIT_DB);
  return TRUE;
}

static const LlAction rx_action = {
  .spec = { "cal.rx-path-offset",
            "measure the lane's RX path offset: the received power the golden module's RX "
            "monitor tells (less its known error) minus the reference meter's reading",
            TRUE, rx_params, rx_measurements, rx_roles },
  .run = rx_path_offset,
  .parts = ll_actions_rx_light_parts,
  .paths = 0,
};

/* ---- golden.compare ---- */

static const LlMeasurementSpec compare_measurements[] = {
  { "tx_power_avg_delta", LL_UNIT_DB, TRUE, "tx_power_avg minus the golden's reference" },
  { "rx_power_monitor_error_delta", LL_UNIT_DB, TRUE,
    "rx_power_monitor_error minus the golden's reference: how far the received power estimate "
    "has drifted" },
  { "oma_outer_delta", LL_UNIT_DB, TRUE, "oma_outer minus the golden's reference" },
  { "extinction_ratio_delta", LL_UNIT_DB, TRUE, "extinction_ratio minus the golden's reference" },
  { "tdecq_delta", LL_UNIT_DB, TRUE, "tdecq minus the golden's reference" },
  { "sensitivity_delta", LL_UNIT_DB, TRUE, "sensitivity minus the golden's reference" },
  { NULL },
};

static gboolean
compare(LlActionContext *ctx, GError **error)
{
  g_autoptr(LlGoldenReference) ref = need_reference(ctx, error);
  if (!ref)
    return FALSE;
  guint nq;
  const LlGoldenQuantity *q = ll_golden_quantities(&nq);
  guint32 lanes = ll_action_lanes(ctx);
  for (guint i = 0; i < nq; i++)
    for (guint lane = 1; lane <= 32; lane++) {
      if (!((lanes >> (lane - 1)) & 1))
        continue;
      const LlValue *v = ll_action_run_value(ctx, q[i].name, lane);
      double r = ll_golden_reference_value(ref, q[i].name, lane);
      if (!v || v->type != LL_VALUE_NUMBER || !isfinite(v->number) || !isfinite(r))
        continue;
      g_autofree gchar *name = g_strconcat(q[i].name, "_delta", NULL);
      ll_action_note(ctx, "lane %u: %s %.3f %s, reference %.3f %s: %+.3f dB", lane, q[i].name,
                     v->number, q[i].unit, r, q[i].unit, v->number - r);
      ll_action_measure_lane(ctx, name, lane, v->number - r, LL_UNIT_DB);
    }
  return TRUE;
}

static const LlAction compare_action = {
  .spec = { "golden.compare",
            "compare what the run measured on a golden module with its reference values: one "
            "delta per quantity and lane",
            FALSE, NULL, compare_measurements, NULL },
  .run = compare,
  .parts = NULL,
  .paths = 0,
};

const LlAction *const ll_actions_golden[] = { &tx_action, &rx_action, &compare_action, NULL };
