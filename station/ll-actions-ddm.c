/* ll-actions-ddm.c: the module's digital diagnostic monitors against the
 * station's references (reference section 6, step 4-5 and DDM accuracy in
 * section 2).
 *
 *   ddm.compare  for every lane of the step: the TX power monitor against
 *                the power meter (switch section 1, plus the lane's TX path
 *                loss), the RX power monitor against the received power
 *                estimate (the reference light routed by switch section 2,
 *                the attenuator leveled once to rx_power for the first
 *                lane; each lane's estimate is the reference reading plus
 *                its own RX path offset); and the module's temperature
 *                monitor against the EVB's case temperature
 *
 * Errors are monitor minus reference: dB for powers, C for temperature.
 * The power errors are reported corrected for the path (the raw value is
 * the monitor minus the meter's own reading). Path losses come from the
 * run's path-loss calibration, else the nominal tx_path_offset and
 * rx_path_offset.
 * The module's temperature runs a few degrees above its case when it is
 * working, so the temperature limit holds that rise. A module whose page
 * 01h says its RX monitor reads OMA is compared with the estimate's OMA
 * (converted with ref_er). A power monitor reading 0 (below its least
 * count, 0.1 uW) is compared as -40 dBm and noted. A monitor the module
 * does not advertise (page 01h byte 160) is not compared.
 *
 * The module's temperature is read from bytes 14-15 alone, so the latched
 * flags of bytes 8-9 (cleared by reading them) are left for
 * module.check-flags. The attenuator is left at a high attenuation. */
#include "ll-actions-private.h"
#include "drivers/ll-module.h"

#include <math.h>
#include <string.h>

#define MONITOR_FLOOR_DBM -40.0 /* 0.1 uW, a power monitor's least count */
#define CMIS_ADDRESS 0x50       /* the module on the two-wire bus (7-bit) */

static const char *const ddm_roles[] = { "evb", "power-meter", "optical-switch", "attenuator",
                                         NULL };

static const LlParamSpec ddm_params[] = {
  { "rx_power", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-3 dBm", TRUE, TRUE, -30, 5,
    "the estimated received average power the RX monitors are compared at" },
  { "wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, FALSE, "1311 nm", TRUE, TRUE, 800, 1700,
    "the lanes' wavelength, for the TX meter's responsivity" },
  { "tx_meter_channel", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 8,
    "the meter channel switch section 1 is cabled to" },
  LL_ACTIONS_TX_PATH_OFFSET_PARAM,
  { "ref_er", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "5 dB", TRUE, TRUE, 1, 20,
    "the reference transmitter's extinction ratio (for a module whose RX monitor reads OMA)" },
  { "monitor_settle", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.1 s", TRUE, TRUE, 0, 10,
    "what the module's monitors are given after the light on a lane changed" },
  LL_ACTIONS_RX_LIGHT_PARAMS,
  { NULL },
};

static const LlMeasurementSpec ddm_measurements[] = {
  { "tx_power_monitor_error", LL_UNIT_DB, TRUE,
    "TX power monitor minus the meter's launch power estimate" },
  { "rx_power_monitor_error", LL_UNIT_DB, TRUE,
    "RX power monitor minus the received power estimate" },
  { "temperature_monitor_error", LL_UNIT_C, FALSE,
    "module temperature monitor minus the EVB's case temperature" },
  { NULL },
};

/* A monitor's power in dBm, its least count when it reads 0. */
static double
monitor_dbm(LlActionContext *ctx, const char *what, guint lane, double mw)
{
  if (mw > 0)
    return 10.0 * log10(mw);
  ll_action_note(ctx, "lane %u: the %s power monitor reads 0: compared as %.0f dBm", lane, what,
                 MONITOR_FLOOR_DBM);
  return MONITOR_FLOOR_DBM;
}

typedef struct {
  LlEvb *evb;
  LlOpticalSwitch *sw;
  LlPowerMeter *pm;
  LlMeterSetup tx_meter;
  LlRxLight light;
  LlCmisImage *img; /* page 01h, and 11h of the bank last read */
  LlCmisAdvertising adv;
  double ref_reading_dbm; /* the reference meter at the leveled attenuation */
  double ref_oma_db;      /* added to an average power to compare an OMA monitor; else 0 */
  gint64 settle_us;
} Ddm;

/* Compares one lane's power monitors. */
static gboolean
compare_lane(LlActionContext *ctx, Ddm *d, guint lane, GError **error)
{
  guint ch = ll_actions_lane_channel(ctx, lane);
  guint bank = (lane - 1) / LL_CMIS_LANES, i = (lane - 1) % LL_CMIS_LANES;
  double meter;
  LlCmisLaneStatus st;
  if (!ll_actions_check_cancelled(ctx, error) || !ll_optical_switch_select(d->sw, 1, ch, error) ||
      !ll_optical_switch_select(d->sw, 2, ch, error))
    return FALSE;
  ll_clock_sleep(ll_action_clock(ctx), d->settle_us);
  if (!ll_actions_meter_read(d->pm, &d->tx_meter, &meter, error) ||
      !ll_module_read_page(d->evb, bank, 0x11, ll_cmis_image_edit_page(d->img, bank, 0x11),
                           error) ||
      !ll_cmis_decode_lane_status(d->img, bank, &st, error))
    return FALSE;
  if (d->adv.tx_power_monitor) {
    double tx = monitor_dbm(ctx, "TX", lane, st.tx_power_mw[i]);
    LlPathOffset o = ll_actions_path_offset(ctx, LL_PATH_TX, lane, "tx_path_offset");
    ll_action_note(ctx, "lane %u: TX monitor %.2f dBm, meter %.3f dBm + %.3f dB (%s)", lane, tx,
                   meter, o.db, ll_actions_offset_source(&o));
    ll_action_measure_corrected(ctx, "tx_power_monitor_error", lane, tx - meter, -o.db,
                                o.path_loss_id, LL_UNIT_DB);
  }
  if (d->adv.rx_power_monitor) {
    double rx = monitor_dbm(ctx, "RX", lane, st.rx_power_mw[i]);
    LlPathOffset o = ll_actions_path_offset(ctx, LL_PATH_RX, lane, "rx_path_offset");
    double reading = d->ref_reading_dbm + d->ref_oma_db;
    ll_action_note(ctx, "lane %u: RX monitor %.2f dBm, reference %.3f dBm + %.3f dB (%s)", lane,
                   rx, reading, o.db, ll_actions_offset_source(&o));
    ll_action_measure_corrected(ctx, "rx_power_monitor_error", lane, rx - reading, -o.db,
                                o.path_loss_id, LL_UNIT_DB);
  }
  return TRUE;
}

static gboolean
compare(LlActionContext *ctx, GError **error)
{
  Ddm d = {
    .tx_meter = {
      .channel = (guint) ll_action_param_number(ctx, "tx_meter_channel"),
      .wavelength_nm = ll_action_param_number(ctx, "wavelength"),
      .averaging_s = ll_action_param_number(ctx, "averaging"),
    },
    .settle_us = (gint64) (ll_action_param_number(ctx, "monitor_settle") * 1e6),
  };
  d.evb = ll_actions_need_evb(ctx, error);
  d.sw = d.evb ? ll_actions_need_switch(ctx, error) : NULL;
  d.pm = d.sw ? ll_actions_need_power_meter(ctx, error) : NULL;
  if (!d.pm)
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  d.img = img;
  double estimate, case_c;
  guint8 raw[2];
  guint32 lanes = ll_action_lanes(ctx);
  guint first = lanes ? (guint) __builtin_ctz(lanes) + 1 : 1;
  gboolean ok =
    ll_module_read_page(d.evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error) &&
    ll_cmis_decode_advertising(img, &d.adv, error) &&
    ll_evb_twi_read(d.evb, CMIS_ADDRESS, 14, raw, sizeof raw, error) &&
    ll_evb_case_temperature(d.evb, &case_c, error) &&
    ll_actions_rx_light_begin(ctx, &d.light, first, error) &&
    ll_actions_rx_light_set(ctx, &d.light, ll_action_param_number(ctx, "rx_power"),
                            LL_ACTIONS_RX_TOLERANCE_DB, &estimate, error);
  if (ok) {
    double module_c = ll_cmis_decode_temperature((guint16) (raw[0] << 8 | raw[1]));
    ll_action_note(ctx, "module %.2f C, case %.2f C", module_c, case_c);
    ll_action_measure(ctx, "temperature_monitor_error", module_c - case_c, LL_UNIT_C);
    d.ref_reading_dbm = estimate - d.light.offset.db;
    d.ref_oma_db = d.adv.rx_power_type == LL_CMIS_RX_POWER_OMA
                     ? ll_actions_oma_dbm(0, ll_action_param_number(ctx, "ref_er"))
                     : 0;
    if (!d.adv.tx_power_monitor || !d.adv.rx_power_monitor)
      ll_action_note(ctx, "the module advertises no %s power monitor",
                     !d.adv.tx_power_monitor ? "TX" : "RX");
  }
  for (guint lane = 1; ok && lane <= 32; lane++)
    if ((lanes >> (lane - 1)) & 1)
      ok = compare_lane(ctx, &d, lane, error);
  if (!ok) {
    ll_actions_rx_light_end(&d.light, NULL);
    return FALSE;
  }
  return ll_actions_rx_light_end(&d.light, error);
}

static const LlAction compare_action = {
  { "ddm.compare",
    "compare the module's TX power, RX power and temperature monitors with the station's "
    "references, lane by lane",
    FALSE, ddm_params, ddm_measurements, ddm_roles },
  compare,
  NULL,
  LL_PATH_BIT(LL_PATH_TX) | LL_PATH_BIT(LL_PATH_RX),
};

const LlAction *const ll_actions_ddm[] = { &compare_action, NULL };
