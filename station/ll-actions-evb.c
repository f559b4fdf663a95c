/* ll-actions-evb.c: what the evaluation board measures of its module, and
 * the module's own flags.
 *
 *   evb.supply               supply voltage, current and power, with the
 *                            maximum power the module advertises (page 00h
 *                            byte 201) so a limit can compare them
 *   module.check-flags       the module's state and its latched
 *                            temperature and Vcc alarms (lower page)
 *   module.check-lane-flags  one lane's TX fault and RX LOS (page 11h)
 *
 * The lane flags are a lane action of their own because a module-wide
 * action can report per-lane numbers (ll_action_measure_lane) but not
 * per-lane booleans. RX LOS is what the receiver says about its light: a
 * lane the reference light is not routed to reports it, rightly; judge it
 * where the lane is lit.
 *
 * The lower page's latched flags clear when read (CMIS), so check-flags
 * sees what latched since the last read of bytes 8-9 (module.identify
 * reads them too). A module that stops acknowledging its two-wire bus in
 * the middle of a test is treated as module.identify treats it: the
 * step is an ERROR and the unit is retested. */
#include "ll-actions-private.h"
#include "drivers/ll-module.h"

#include <string.h>

static const char *const evb_role[] = { "evb", NULL };

#define TEMP_VCC_ALARMS                                                                         \
  (LL_CMIS_FLAG_TEMP_HIGH_ALARM | LL_CMIS_FLAG_TEMP_LOW_ALARM | LL_CMIS_FLAG_VCC_HIGH_ALARM |  \
   LL_CMIS_FLAG_VCC_LOW_ALARM)

/* ---- evb.supply ---- */

static const LlMeasurementSpec supply_measurements[] = {
  { "supply_voltage", LL_UNIT_V, FALSE, "the module's supply voltage, measured by the EVB" },
  { "supply_current", LL_UNIT_A, FALSE, "the module's supply current" },
  { "module_power", LL_UNIT_W, FALSE, "supply voltage times current" },
  { "module_max_power", LL_UNIT_W, FALSE, "the maximum power the module advertises (00h:201)" },
  { "power_over_class", LL_UNIT_NONE, FALSE,
    "the module draws more than the maximum it advertises" },
  { NULL },
};

static gboolean
supply(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  double volts, amps;
  guint8 page[LL_CMIS_PAGE_SIZE];
  if (!ll_evb_measure(evb, &volts, &amps, error) ||
      !ll_module_read_page(evb, 0, 0x00, page, error))
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  memcpy(ll_cmis_image_edit_page(img, 0, 0x00), page, sizeof page);
  LlCmisIdentity id;
  if (!ll_cmis_decode_identity(img, &id, error))
    return FALSE;
  double watts = volts * amps;
  ll_action_measure(ctx, "supply_voltage", volts, LL_UNIT_V);
  ll_action_measure(ctx, "supply_current", amps, LL_UNIT_A);
  ll_action_measure(ctx, "module_power", watts, LL_UNIT_W);
  ll_action_measure(ctx, "module_max_power", id.max_power_w, LL_UNIT_W);
  ll_action_measure_boolean(ctx, "power_over_class", watts > id.max_power_w);
  return TRUE;
}

static const LlAction supply_action = {
  { "evb.supply",
    "measure the module's supply voltage, current and power, and read the maximum power it "
    "advertises",
    FALSE, NULL, supply_measurements, evb_role },
  supply,
  NULL,
  0,
};

/* ---- module.check-flags ---- */

static const LlMeasurementSpec flags_measurements[] = {
  { "module_flags_clear", LL_UNIT_NONE, FALSE,
    "no temperature or Vcc alarm latched since the flags were last read" },
  { "module_state", LL_UNIT_NONE, FALSE, "the module state: LowPwr, PwrUp, Ready, PwrDn, Fault" },
  { NULL },
};

static gboolean
check_flags(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  guint8 lower[LL_CMIS_PAGE_SIZE];
  if (!ll_module_read_lower(evb, lower, error))
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  memcpy(ll_cmis_image_edit_lower(img), lower, sizeof lower);
  LlCmisModule mod;
  ll_cmis_decode_module(img, &mod);
  if (mod.monitor_flags)
    ll_action_note(ctx, "latched temperature / Vcc flags 0x%02x", mod.monitor_flags);
  if (mod.module_state == LL_CMIS_MODULE_FAULT)
    ll_action_note(ctx, "fault cause: %s", ll_cmis_fault_cause_name(mod.fault_cause));
  ll_action_measure_boolean(ctx, "module_flags_clear", !(mod.monitor_flags & TEMP_VCC_ALARMS));
  ll_action_measure_text(ctx, "module_state", ll_cmis_module_state_name(mod.module_state));
  return TRUE;
}

static const LlAction flags_action = {
  { "module.check-flags",
    "read the module's state and its latched temperature and Vcc alarms", FALSE, NULL,
    flags_measurements, evb_role },
  check_flags,
  NULL,
  0,
};

/* ---- module.check-lane-flags ---- */

static const LlMeasurementSpec lane_flags_measurements[] = {
  { "tx_fault", LL_UNIT_NONE, TRUE, "the lane's transmitter reports a fault (11h:135)" },
  { "rx_los", LL_UNIT_NONE, TRUE, "the lane's receiver reports loss of signal (11h:147)" },
  { NULL },
};

static gboolean
check_lane_flags(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  guint lane = ll_action_lane(ctx);
  guint bank = (lane - 1) / LL_CMIS_LANES, bit = (lane - 1) % LL_CMIS_LANES;
  guint8 page[LL_CMIS_PAGE_SIZE];
  if (!ll_module_read_page(evb, bank, 0x11, page, error))
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  memcpy(ll_cmis_image_edit_page(img, bank, 0x11), page, sizeof page);
  LlCmisLaneStatus st;
  if (!ll_cmis_decode_lane_status(img, bank, &st, error))
    return FALSE;
  ll_action_measure_boolean(ctx, "tx_fault", (st.tx_fault >> bit) & 1);
  ll_action_measure_boolean(ctx, "rx_los", (st.rx_los >> bit) & 1);
  return TRUE;
}

static const LlAction lane_flags_action = {
  { "module.check-lane-flags",
    "read the lane's TX fault and RX loss-of-signal flags (RX LOS is set on a lane without "
    "light)",
    TRUE, NULL, lane_flags_measurements, evb_role },
  check_lane_flags,
  NULL,
  0,
};

const LlAction *const ll_actions_evb[] = { &supply_action, &flags_action, &lane_flags_action,
                                           NULL };
