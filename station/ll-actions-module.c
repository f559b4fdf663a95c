/* ll-actions-module.c: actions on the module through its EVB: power up and
 * down, identify, activate the data path. What the module does wrong (it
 * does not reach Ready in the time it advertises, its checksums are wrong,
 * its serial is not the one scanned) is reported as a measurement for the
 * limits to judge; only what stops the station from telling (no EVB, an EVB
 * that does not answer, an empty fixture) is an error. */
#include "ll-actions-private.h"
#include "drivers/ll-module.h"

#include <string.h>

LlEvb *
ll_actions_need_evb(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_action_evb(ctx);
  if (!evb)
    g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_ABSENT,
                "the step has no EVB (declare a role of class evb)");
  return evb;
}

/* TRUE when @err is about the module (a DUT matter) rather than the station. */
static gboolean
module_fault(const GError *err)
{
  return g_error_matches(err, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT) ||
         g_error_matches(err, LL_MODULE_ERROR, LL_MODULE_ERROR_FAULT) ||
         g_error_matches(err, LL_EVB_ERROR, LL_EVB_ERROR_NACK);
}

static const char *const evb_role[] = { "evb", NULL };

/* ---- module.power-up ---- */

static const LlMeasurementSpec power_up_measurements[] = {
  { "module_ready", LL_UNIT_NONE, FALSE, "the module reached Ready within its advertised time" },
  { "power_up_time", LL_UNIT_S, FALSE, "from supply on to Ready" },
  { NULL },
};

static gboolean
power_up(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  LlClock *clock = ll_action_clock(ctx);
  gint64 t0 = ll_clock_now(clock);
  g_autoptr(GError) err = NULL;
  gboolean ok = ll_module_power_up(evb, clock, &err);
  if (!ok && !module_fault(err)) {
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
  }
  if (!ok)
    ll_action_note(ctx, "%s", err->message);
  ll_action_measure_boolean(ctx, "module_ready", ok);
  if (ok)
    ll_action_measure(ctx, "power_up_time", (ll_clock_now(clock) - t0) / 1e6, LL_UNIT_S);
  return TRUE;
}

static const LlAction power_up_action = {
  { "module.power-up", "power the module and wait until it is Ready", FALSE, NULL,
    power_up_measurements, evb_role },
  power_up,
  NULL,
  0,
};

/* ---- module.power-down ---- */

static const LlMeasurementSpec no_measurements[] = { { NULL } };

static gboolean
power_down(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  return evb && ll_module_power_down(evb, error);
}

static const LlAction power_down_action = {
  { "module.power-down", "deactivate the data paths, assert LPMode, switch the supply off", FALSE,
    NULL, no_measurements, evb_role },
  power_down,
  NULL,
  0,
};

/* ---- module.identify ---- */

static const LlMeasurementSpec identify_measurements[] = {
  { "vendor_name", LL_UNIT_NONE, FALSE, "page 00h vendor name" },
  { "part_number", LL_UNIT_NONE, FALSE, "page 00h vendor part number" },
  { "serial_number", LL_UNIT_NONE, FALSE, "page 00h vendor serial number" },
  { "serial_matches", LL_UNIT_NONE, FALSE, "the module's serial number is the one scanned" },
  { "firmware", LL_UNIT_NONE, FALSE, "active firmware major.minor" },
  { "hardware_revision", LL_UNIT_NONE, FALSE, "page 00h revision" },
  { "checksums_ok", LL_UNIT_NONE, FALSE, "pages 00h, 01h and 02h checksums" },
  { NULL },
};

static gboolean
identify(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  g_autoptr(LlCmisImage) img = ll_module_read_image(evb, error);
  if (!img)
    return FALSE;
  LlCmisIdentity id;
  LlCmisModule mod;
  ll_cmis_decode_module(img, &mod);
  if (!ll_cmis_decode_identity(img, &id, error))
    return FALSE;
  g_autofree gchar *fw = g_strdup_printf("%u.%u", mod.firmware_major, mod.firmware_minor);
  gboolean checksums = TRUE;
  for (guint p = 0; p <= 2; p++) {
    LlCmisChecksum c;
    ll_cmis_check_checksum(img, p, &c);
    checksums &= !c.present || c.ok;
  }
  ll_action_measure_text(ctx, "vendor_name", id.vendor_name);
  ll_action_measure_text(ctx, "part_number", id.part_number);
  ll_action_measure_text(ctx, "serial_number", id.serial_number);
  ll_action_measure_boolean(ctx, "serial_matches", g_str_equal(id.serial_number, ll_action_serial(ctx)));
  ll_action_measure_text(ctx, "firmware", fw);
  ll_action_measure_text(ctx, "hardware_revision", id.revision);
  ll_action_measure_boolean(ctx, "checksums_ok", checksums);
  /* the memory as read, for the record (the unit report's raw pages) */
  g_autoptr(GBytes) dump = ll_cmis_image_to_dump(img);
  ll_action_attach(ctx, "cmis-memory", LL_CMIS_DUMP_MEDIA_TYPE, dump);
  ll_action_set_unit_info(ctx, "vendor", id.vendor_name);
  ll_action_set_unit_info(ctx, "part_number", id.part_number);
  ll_action_set_unit_info(ctx, "module_serial", id.serial_number);
  ll_action_set_unit_info(ctx, "firmware", fw);
  ll_action_set_unit_info(ctx, "hardware_revision", id.revision);
  ll_action_set_unit_info(ctx, "date_code", id.date_code);
  return TRUE;
}

static const LlAction identify_action = {
  { "module.identify", "read the module's identity, firmware and checksums", FALSE, NULL,
    identify_measurements, evb_role },
  identify,
  NULL,
  0,
};

/* ---- module.activate ---- */

static const LlParamSpec activate_params[] = {
  { "application", LL_PARAM_INTEGER, LL_UNIT_NONE, FALSE, "1", TRUE, TRUE, 1, 15,
    "the AppSel code of the application to select" },
  { NULL },
};

static const LlMeasurementSpec activate_measurements[] = {
  { "datapath_activated", LL_UNIT_NONE, FALSE, "every lane's data path reached Activated in time" },
  { "activate_time", LL_UNIT_S, FALSE, "from the request to every lane Activated" },
  { NULL },
};

static gboolean
activate(LlActionContext *ctx, GError **error)
{
  LlEvb *evb = ll_actions_need_evb(ctx, error);
  if (!evb)
    return FALSE;
  LlClock *clock = ll_action_clock(ctx);
  gint64 t0 = ll_clock_now(clock);
  g_autoptr(GError) err = NULL;
  guint app = (guint) ll_action_param_number(ctx, "application");
  gboolean ok = ll_module_activate(evb, app, ll_action_lane_count(ctx), clock, &err);
  if (!ok && !module_fault(err)) {
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
  }
  if (!ok)
    ll_action_note(ctx, "%s", err->message);
  ll_action_measure_boolean(ctx, "datapath_activated", ok);
  if (ok)
    ll_action_measure(ctx, "activate_time", (ll_clock_now(clock) - t0) / 1e6, LL_UNIT_S);
  return TRUE;
}

static const LlAction activate_action = {
  { "module.activate", "select an application and activate every lane's data path", FALSE,
    activate_params, activate_measurements, evb_role },
  activate,
  NULL,
  0,
};

const LlAction *const ll_actions_module[] = {
  &power_up_action, &power_down_action, &identify_action, &activate_action, NULL,
};
