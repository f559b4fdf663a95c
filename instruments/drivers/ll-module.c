/* ll-module.c: CMIS module access through an EVB (see ll-module.h).
 *
 * Paged access: the 256-byte window shows the page chosen by bytes 126-127
 * (bank, page), so a page select and the access after it are one
 * transaction: the EVB session is held (ll_scpi_lock(ll_evb_scpi())) across
 * both, and two users of one EVB cannot select each other's page in between.
 * A read-modify-write of a control byte holds it across the read and the
 * write as well.
 *
 * Waiting: the wait loops read only what they wait for, never the latched
 * clear-on-read flags (lower page bytes 8-11, page 11h bytes 134-153), so a
 * flag raised while the station waits (a temperature alarm during power-up,
 * a LOS during activation) is still there when the flags are checked. Power-up
 * polls byte 3 (module state), and byte 41 (fault cause) once the state is
 * Fault; activation polls page 11h bytes 128-131 (data-path states).
 *
 * Deadlines are what page 01h advertises: ModulePwrUp max for power-up,
 * DPInit max + DPTxTurnOn max for activation (the data path initialises,
 * then its transmitters turn on). A code of ">= 50 min" has no maximum, and
 * a reserved code none either: the driver then waits at most
 * UNBOUNDED_WAIT_MS, and its timeout message says so.
 *
 * Activation stages the AppSel, triggers ApplyDPInit and then waits for
 * every lane's ConfigStatus (page 11h bytes 202-205, a nibble per lane) to
 * leave Undefined / InProgress: anything but ConfigSuccess is
 * LL_MODULE_ERROR_REJECTED naming the lane and the reason, and the data
 * paths are not released. Only then is DataPathDeinit cleared for the lanes
 * (read-modify-write: the other lanes keep theirs). */
#include "ll-module.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ll-module-error-quark, ll_module_error)

#define ADDR 0x50 /* the CMIS module's two-wire address */
#define POLL_US (50 * 1000)
#define ANSWER_TIMEOUT_US (2 * G_USEC_PER_SEC) /* management interface up after reset */
#define UNBOUNDED_WAIT_MS (60 * 1000.0)        /* when the module advertises no maximum */
#define DEFAULT_WAIT_US (5 * G_USEC_PER_SEC)   /* when page 01h cannot be read (flat memory) */

/* Lower page bytes the driver reads on its own. */
#define BYTE_FLAT 2        /* bit 7: flat memory */
#define BYTE_STATE 3       /* bits 3-1: module state */
#define BYTE_CONTROLS 26   /* bit 4: LowPwrRequestSW */
#define BYTE_FAULT_CAUSE 41
/* Page 10h / 11h bytes. */
#define BYTE_DP_DEINIT 128
#define BYTE_APPLY_DP_INIT 143
#define BYTE_STAGED_APPSEL 145
#define BYTE_DP_STATE 128  /* page 11h 128-131, a nibble per lane */
#define BYTE_CONFIG_STATUS 202 /* page 11h 202-205, a nibble per lane */

/* ConfigStatus codes (CMIS 5.2). */
#define CONFIG_UNDEFINED 0x0
#define CONFIG_SUCCESS 0x1
#define CONFIG_IN_PROGRESS 0xC

static gboolean
argument_error(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
argument_error(GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error_literal(error, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT, msg);
  return FALSE;
}

/* Holds / releases the EVB session for a transaction of several accesses. */
static void
lock(LlEvb *evb)
{
  ll_scpi_lock(ll_evb_scpi(evb));
}

static void
unlock(LlEvb *evb)
{
  ll_scpi_unlock(ll_evb_scpi(evb));
}

static gboolean
select_page(LlEvb *evb, guint bank, guint page, GError **error)
{
  guint8 sel[2] = { (guint8) bank, (guint8) page };
  return ll_evb_twi_write(evb, ADDR, 126, sel, 2, error);
}

/* Reads @len bytes at @addr (128-255) of @bank/@page: select and read in one
 * transaction. */
static gboolean
page_read(LlEvb *evb, guint bank, guint page, guint addr, guint8 *out, gsize len,
          GError **error)
{
  lock(evb);
  gboolean ok = select_page(evb, bank, page, error) &&
                ll_evb_twi_read(evb, ADDR, (guint8) addr, out, len, error);
  unlock(evb);
  return ok;
}

/* Clears the bits of @clear and sets those of @set in byte @addr (128-255)
 * of @bank/@page: select, read and write in one transaction. */
static gboolean
page_update_bits(LlEvb *evb, guint bank, guint page, guint addr, guint8 clear, guint8 set,
                 GError **error)
{
  guint8 b = 0;
  lock(evb);
  gboolean ok = select_page(evb, bank, page, error) &&
                ll_evb_twi_read(evb, ADDR, (guint8) addr, &b, 1, error);
  if (ok) {
    b = (guint8) ((b & ~clear) | set);
    ok = ll_evb_twi_write(evb, ADDR, (guint8) addr, &b, 1, error);
  }
  unlock(evb);
  return ok;
}

gboolean
ll_module_read_lower(LlEvb *evb, guint8 out[128], GError **error)
{
  return ll_evb_twi_read(evb, ADDR, 0, out, 128, error);
}

gboolean
ll_module_read_page(LlEvb *evb, guint bank, guint page, guint8 out[128], GError **error)
{
  return page_read(evb, bank, page, 128, out, 128, error);
}

gboolean
ll_module_write(LlEvb *evb, guint bank, guint page, guint addr, const guint8 *data, gsize len,
                GError **error)
{
  if (addr < 128)
    return ll_evb_twi_write(evb, ADDR, (guint8) addr, data, len, error);
  lock(evb);
  gboolean ok = select_page(evb, bank, page, error) &&
                ll_evb_twi_write(evb, ADDR, (guint8) addr, data, len, error);
  unlock(evb);
  return ok;
}

LlCmisImage *
ll_module_read_image(LlEvb *evb, GError **error)
{
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  if (!ll_module_read_lower(evb, ll_cmis_image_edit_lower(img), error))
    return NULL;
  static const guint8 pages[] = { 0x00, 0x01, 0x02, 0x10, 0x11 };
  gboolean flat = ll_cmis_image_is_flat(img);
  for (gsize i = 0; i < (flat ? 1 : G_N_ELEMENTS(pages)); i++)
    if (!ll_module_read_page(evb, 0, pages[i], ll_cmis_image_edit_page(img, 0, pages[i]), error))
      return NULL;
  LlCmisAdvertising adv;
  if (!flat && ll_cmis_decode_advertising(img, &adv, NULL) && adv.diag_pages_supported)
    for (guint8 p = 0x13; p <= 0x14; p++)
      if (!ll_module_read_page(evb, 0, p, ll_cmis_image_edit_page(img, 0, p), error))
        return NULL;
  return g_steal_pointer(&img);
}

/* How long the module says a transition may take, µs; appends "@name < 5 s"
 * (or, with no advertised maximum, what the driver waits instead) to @why. */
static gint64
advertised_us(LlCmisDuration d, const char *name, GString *why)
{
  if (why->len)
    g_string_append(why, " + ");
  if (isfinite(d.max_ms)) {
    g_string_append_printf(why, "%s < %g s", name, d.max_ms / 1000);
    return (gint64) (d.max_ms * 1000);
  }
  g_string_append_printf(why, "%s advertised as %s, no maximum: capped at %g s", name,
                         ll_cmis_duration_text(d.code), UNBOUNDED_WAIT_MS / 1000);
  return (gint64) (UNBOUNDED_WAIT_MS * 1000);
}

/* Page 01h decoded into @adv. FALSE with *@failed set and @error set when
 * it cannot be read; FALSE with neither when it does not decode. */
static gboolean
read_advertising(LlEvb *evb, LlCmisAdvertising *adv, GError **error, gboolean *failed)
{
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  *failed = !ll_module_read_page(evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error);
  return !*failed && ll_cmis_decode_advertising(img, adv, NULL);
}

/* Powers the module with LPMode asserted and waits for it to answer; fills
 * @head with lower page bytes 0-3 (identifier, revision, flat memory, state:
 * no latched flags among them). */
static gboolean
power_on_and_wait(LlEvb *evb, LlClock *clock, guint8 head[4], GError **error)
{
  gboolean present = FALSE;
  if (!ll_evb_module_present(evb, &present, error))
    return FALSE;
  if (!present) {
    g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_ABSENT, "no module in the fixture");
    return FALSE;
  }
  if (!ll_evb_set_pin(evb, LL_EVB_PIN_LPMODE, TRUE, error) ||
      !ll_evb_set_pin(evb, LL_EVB_PIN_RESETL, TRUE, error) ||
      !ll_evb_set_pin(evb, LL_EVB_PIN_MODSELL, FALSE, error) || !ll_evb_set_power(evb, TRUE, error))
    return FALSE;

  /* wait for the management interface */
  gint64 deadline = ll_clock_now(clock) + ANSWER_TIMEOUT_US;
  for (;;) {
    g_autoptr(GError) err = NULL;
    if (ll_evb_twi_read(evb, ADDR, 0, head, 4, &err))
      return TRUE;
    if (!g_error_matches(err, LL_EVB_ERROR, LL_EVB_ERROR_NACK) || ll_clock_now(clock) >= deadline) {
      g_propagate_prefixed_error(error, g_steal_pointer(&err),
                                 "the module does not answer after power-on: ");
      return FALSE;
    }
    ll_clock_sleep(clock, POLL_US);
  }
}

gboolean
ll_module_power_on_low_power(LlEvb *evb, LlClock *clock, GError **error)
{
  guint8 head[4];
  return power_on_and_wait(evb, clock, head, error);
}

gboolean
ll_module_power_up(LlEvb *evb, LlClock *clock, GError **error)
{
  guint8 head[4];
  if (!power_on_and_wait(evb, clock, head, error))
    return FALSE;
  gint64 pwr_up_us = DEFAULT_WAIT_US;
  g_autoptr(GString) why = g_string_new(NULL);
  LlCmisAdvertising adv;
  gboolean failed = FALSE;
  if (head[BYTE_FLAT] & 0x80)
    g_string_printf(why, "flat memory, no page 01h: %g s assumed", DEFAULT_WAIT_US / 1e6);
  else if (read_advertising(evb, &adv, error, &failed))
    pwr_up_us = advertised_us(adv.module_pwr_up, "ModulePwrUp", why);
  else if (failed)
    return FALSE;
  else
    g_string_printf(why, "page 01h does not decode: %g s assumed", DEFAULT_WAIT_US / 1e6);
  /* release low power: the software request bit (read-modify-write of byte
   * 26, in one transaction) and the hardware pin */
  guint8 controls = 0;
  lock(evb);
  gboolean ok = ll_evb_twi_read(evb, ADDR, BYTE_CONTROLS, &controls, 1, error);
  controls &= (guint8) ~0x10;
  ok = ok && ll_evb_twi_write(evb, ADDR, BYTE_CONTROLS, &controls, 1, error);
  unlock(evb);
  if (!ok || !ll_evb_set_pin(evb, LL_EVB_PIN_LPMODE, FALSE, error))
    return FALSE;
  gint64 deadline = ll_clock_now(clock) + pwr_up_us;
  for (;;) {
    guint8 state_byte = 0;
    if (!ll_evb_twi_read(evb, ADDR, BYTE_STATE, &state_byte, 1, error))
      return FALSE;
    guint8 s = (state_byte >> 1) & 0x07;
    if (s == LL_CMIS_MODULE_READY)
      return TRUE;
    if (s == LL_CMIS_MODULE_FAULT) {
      guint8 cause = 0;
      if (!ll_evb_twi_read(evb, ADDR, BYTE_FAULT_CAUSE, &cause, 1, error))
        return FALSE;
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_FAULT, "the module went to Fault (%s)",
                  ll_cmis_fault_cause_name(cause));
      return FALSE;
    }
    if (ll_clock_now(clock) >= deadline) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT,
                  "the module is still %s %.1f s after power-up began (%s)",
                  ll_cmis_module_state_name(s), pwr_up_us / 1e6, why->str);
      return FALSE;
    }
    ll_clock_sleep(clock, POLL_US);
  }
}

/* The mask of the first @lanes lanes, or FALSE with @error set. */
static gboolean
lane_mask(guint lanes, guint8 *mask, GError **error)
{
  if (lanes < 1 || lanes > 8)
    return argument_error(error, "%u lanes: a bank has lanes 1 to 8", lanes);
  *mask = (guint8) ((1u << lanes) - 1);
  return TRUE;
}

static const char *
config_status_name(guint8 code)
{
  static const char *const names[] = {
    "ConfigUndefined", "ConfigSuccess", "ConfigRejected", "ConfigRejectedInvalidAppSel",
    "ConfigRejectedInvalidDataPath", "ConfigRejectedInvalidSI", "ConfigRejectedLanesInUse",
    "ConfigRejectedPartialDataPath",
  };
  if (code < G_N_ELEMENTS(names))
    return names[code];
  return code == CONFIG_IN_PROGRESS ? "ConfigInProgress" : "reserved";
}

/* The nibble of lane @i (0-based) in a field of 4 bytes, lane 1 low. */
static guint8
lane_nibble(const guint8 *field, guint i)
{
  return (field[i / 2] >> (4 * (i % 2))) & 0x0F;
}

/* Waits until the ConfigStatus of each of the first @lanes lanes is final:
 * TRUE when all are ConfigSuccess; LL_MODULE_ERROR_REJECTED naming the lanes
 * otherwise, LL_MODULE_ERROR_TIMEOUT when still pending at @deadline. */
static gboolean
wait_config_status(LlEvb *evb, guint lanes, LlClock *clock, gint64 deadline, GError **error)
{
  for (;;) {
    guint8 status[4];
    if (!page_read(evb, 0, 0x11, BYTE_CONFIG_STATUS, status, sizeof status, error))
      return FALSE;
    g_autoptr(GString) rejected = g_string_new(NULL), pending = g_string_new(NULL);
    for (guint i = 0; i < lanes; i++) {
      guint8 st = lane_nibble(status, i);
      GString *to = st == CONFIG_UNDEFINED || st == CONFIG_IN_PROGRESS ? pending
                    : st != CONFIG_SUCCESS                             ? rejected
                                                                       : NULL;
      if (to)
        g_string_append_printf(to, "%s lane %u %s", to->len ? "," : "", i + 1,
                               config_status_name(st));
    }
    if (rejected->len) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_REJECTED,
                  "the module rejected the configuration (ApplyDPInit):%s", rejected->str);
      return FALSE;
    }
    if (!pending->len)
      return TRUE;
    if (ll_clock_now(clock) >= deadline) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT,
                  "ApplyDPInit has no outcome yet:%s", pending->str);
      return FALSE;
    }
    ll_clock_sleep(clock, POLL_US);
  }
}

gboolean
ll_module_activate(LlEvb *evb, guint app_sel, guint lanes, LlClock *clock, GError **error)
{
  guint8 mask = 0;
  if (!lane_mask(lanes, &mask, error))
    return FALSE;
  if (app_sel < 1 || app_sel > 15)
    return argument_error(error, "AppSel %u: applications are 1 to 15", app_sel);
  LlCmisAdvertising adv;
  gboolean failed = FALSE;
  gint64 wait_us = DEFAULT_WAIT_US;
  g_autoptr(GString) why = g_string_new(NULL);
  if (read_advertising(evb, &adv, error, &failed))
    wait_us = advertised_us(adv.dp_init, "DPInit", why) +
              advertised_us(adv.dp_tx_turn_on, "DPTxTurnOn", why);
  else if (failed)
    return FALSE;
  else
    g_string_printf(why, "page 01h does not decode: %g s assumed", DEFAULT_WAIT_US / 1e6);
  guint8 appsel[8];
  for (guint i = 0; i < lanes; i++)
    appsel[i] = (guint8) (app_sel << 4);
  gint64 deadline = ll_clock_now(clock) + wait_us;
  if (!ll_module_write(evb, 0, 0x10, BYTE_STAGED_APPSEL, appsel, lanes, error) ||
      !ll_module_write(evb, 0, 0x10, BYTE_APPLY_DP_INIT, &mask, 1, error) ||
      !wait_config_status(evb, lanes, clock, deadline, error) ||
      !page_update_bits(evb, 0, 0x10, BYTE_DP_DEINIT, mask, 0, error)) /* clear DataPathDeinit */
    return FALSE;
  for (;;) {
    guint8 states[4];
    if (!page_read(evb, 0, 0x11, BYTE_DP_STATE, states, sizeof states, error))
      return FALSE;
    guint done = 0;
    g_autoptr(GString) pending = g_string_new(NULL);
    for (guint i = 0; i < lanes; i++) {
      guint8 st = lane_nibble(states, i);
      if (st == LL_CMIS_DP_ACTIVATED)
        done++;
      else
        g_string_append_printf(pending, "%s lane %u %s", pending->len ? "," : "", i + 1,
                               ll_cmis_data_path_state_name(st));
    }
    if (done == lanes)
      return TRUE;
    if (ll_clock_now(clock) >= deadline) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT,
                  "data paths not activated within %.1f s (%s):%s", wait_us / 1e6, why->str,
                  pending->str);
      return FALSE;
    }
    ll_clock_sleep(clock, POLL_US);
  }
}

gboolean
ll_module_deactivate(LlEvb *evb, guint lanes, GError **error)
{
  guint8 mask = 0;
  /* set DataPathDeinit of these lanes only: the other lanes keep theirs */
  return lane_mask(lanes, &mask, error) &&
         page_update_bits(evb, 0, 0x10, BYTE_DP_DEINIT, 0, mask, error);
}

gboolean
ll_module_power_down(LlEvb *evb, GError **error)
{
  /* Every step is tried. Data-path deinit fails harmlessly when the module
   * is already off, so only the pin and the supply decide the outcome. */
  g_autoptr(GError) ignored = NULL, pin = NULL, supply = NULL;
  guint8 all = 0xFF;
  ll_module_write(evb, 0, 0x10, BYTE_DP_DEINIT, &all, 1, &ignored);
  ll_evb_set_pin(evb, LL_EVB_PIN_LPMODE, TRUE, &pin);
  ll_evb_set_power(evb, FALSE, &supply);
  if (pin || supply) {
    g_propagate_error(error, pin ? g_steal_pointer(&pin) : g_steal_pointer(&supply));
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_module_enter_password(LlEvb *evb, guint32 password, GError **error)
{
  guint8 pw[4] = { (guint8) (password >> 24), (guint8) (password >> 16), (guint8) (password >> 8),
                   (guint8) password };
  return ll_evb_twi_write(evb, ADDR, 122, pw, 4, error);
}
