/* ll-module.c: CMIS module access through an EVB (see ll-module.h). */
#include "ll-module.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-module-error-quark, ll_module_error)

#define ADDR 0x50 /* the CMIS module's two-wire address */
#define POLL_US (50 * 1000)
#define ANSWER_TIMEOUT_US (2 * G_USEC_PER_SEC) /* management interface up after reset */
#define UNBOUNDED_WAIT_MS (60 * 1000.0)        /* when the module advertises ">= 50 min" */

gboolean
ll_module_read_lower(LlEvb *evb, guint8 out[128], GError **error)
{
  return ll_evb_twi_read(evb, ADDR, 0, out, 128, error);
}

static gboolean
select_page(LlEvb *evb, guint bank, guint page, GError **error)
{
  guint8 sel[2] = { (guint8) bank, (guint8) page };
  return ll_evb_twi_write(evb, ADDR, 126, sel, 2, error);
}

gboolean
ll_module_read_page(LlEvb *evb, guint bank, guint page, guint8 out[128], GError **error)
{
  return select_page(evb, bank, page, error) && ll_evb_twi_read(evb, ADDR, 128, out, 128, error);
}

gboolean
ll_module_write(LlEvb *evb, guint bank, guint page, guint addr, const guint8 *data, gsize len,
                GError **error)
{
  if (addr >= 128 && !select_page(evb, bank, page, error))
    return FALSE;
  return ll_evb_twi_write(evb, ADDR, (guint8) addr, data, len, error);
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

static guint8
lower_state(const guint8 *lower)
{
  return (lower[3] >> 1) & 0x07;
}

/* How long the module says a transition may take, µs. */
static gint64
advertised_us(LlCmisDuration d)
{
  double ms = isfinite(d.max_ms) ? d.max_ms : UNBOUNDED_WAIT_MS;
  return (gint64) (ms * 1000);
}

/* Powers the module with LPMode asserted and waits for it to answer; fills
 * @lower with its lower page. */
static gboolean
power_on_and_wait(LlEvb *evb, LlClock *clock, guint8 lower[128], GError **error)
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
    if (ll_module_read_lower(evb, lower, &err))
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
  guint8 lower[128];
  return power_on_and_wait(evb, clock, lower, error);
}

gboolean
ll_module_power_up(LlEvb *evb, LlClock *clock, GError **error)
{
  guint8 lower[128];
  if (!power_on_and_wait(evb, clock, lower, error))
    return FALSE;
  gint64 deadline;
  gint64 pwr_up_us = 5 * G_USEC_PER_SEC;
  if (!(lower[2] & 0x80)) {
    g_autoptr(LlCmisImage) img = ll_cmis_image_new();
    LlCmisAdvertising adv;
    if (!ll_module_read_page(evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error))
      return FALSE;
    if (ll_cmis_decode_advertising(img, &adv, NULL))
      pwr_up_us = advertised_us(adv.module_pwr_up);
  }
  /* release low power: hardware pin and the software request bit */
  guint8 controls = lower[26] & (guint8) ~0x10;
  if (!ll_module_write(evb, 0, 0, 26, &controls, 1, error) ||
      !ll_evb_set_pin(evb, LL_EVB_PIN_LPMODE, FALSE, error))
    return FALSE;
  deadline = ll_clock_now(clock) + pwr_up_us;
  for (;;) {
    if (!ll_module_read_lower(evb, lower, error))
      return FALSE;
    guint8 s = lower_state(lower);
    if (s == LL_CMIS_MODULE_READY)
      return TRUE;
    if (s == LL_CMIS_MODULE_FAULT) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_FAULT, "the module went to Fault (%s)",
                  ll_cmis_fault_cause_name(lower[41]));
      return FALSE;
    }
    if (ll_clock_now(clock) >= deadline) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT,
                  "the module is still %s %.1f s after power-up began (it advertises at most %.1f s)",
                  ll_cmis_module_state_name(s), pwr_up_us / 1e6, pwr_up_us / 1e6);
      return FALSE;
    }
    ll_clock_sleep(clock, POLL_US);
  }
}

gboolean
ll_module_activate(LlEvb *evb, guint app_sel, guint lanes, LlClock *clock, GError **error)
{
  g_return_val_if_fail(lanes >= 1 && lanes <= 8 && app_sel >= 1 && app_sel <= 15, FALSE);
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  LlCmisAdvertising adv;
  if (!ll_module_read_page(evb, 0, 0x01, ll_cmis_image_edit_page(img, 0, 0x01), error))
    return FALSE;
  gint64 dp_init_us = ll_cmis_decode_advertising(img, &adv, NULL) ? advertised_us(adv.dp_init)
                                                                  : 5 * G_USEC_PER_SEC;
  guint8 mask = (guint8) ((1u << lanes) - 1);
  guint8 appsel[8];
  for (guint i = 0; i < lanes; i++)
    appsel[i] = (guint8) (app_sel << 4);
  guint8 p10[2];
  if (!ll_module_read_page(evb, 0, 0x10, ll_cmis_image_edit_page(img, 0, 0x10), error))
    return FALSE;
  p10[0] = ll_cmis_image_get_page(img, 0, 0x10)[0] & (guint8) ~mask; /* clear DataPathDeinit */
  p10[1] = mask;                                                    /* ApplyDPInit */
  if (!ll_module_write(evb, 0, 0x10, 145, appsel, lanes, error) ||
      !ll_module_write(evb, 0, 0x10, 143, &p10[1], 1, error) ||
      !ll_module_write(evb, 0, 0x10, 128, &p10[0], 1, error))
    return FALSE;
  gint64 deadline = ll_clock_now(clock) + dp_init_us;
  for (;;) {
    guint8 p11[128];
    if (!ll_module_read_page(evb, 0, 0x11, p11, error))
      return FALSE;
    guint done = 0;
    GString *pending = g_string_new(NULL);
    for (guint i = 0; i < lanes; i++) {
      guint8 st = (p11[i / 2] >> (4 * (i % 2))) & 0x0F;
      if (st == LL_CMIS_DP_ACTIVATED)
        done++;
      else
        g_string_append_printf(pending, "%s lane %u %s", pending->len ? "," : "", i + 1,
                               ll_cmis_data_path_state_name(st));
    }
    if (done == lanes) {
      g_string_free(pending, TRUE);
      return TRUE;
    }
    if (ll_clock_now(clock) >= deadline) {
      g_set_error(error, LL_MODULE_ERROR, LL_MODULE_ERROR_TIMEOUT,
                  "data paths not activated within the advertised %.1f s:%s", dp_init_us / 1e6,
                  pending->str);
      g_string_free(pending, TRUE);
      return FALSE;
    }
    g_string_free(pending, TRUE);
    ll_clock_sleep(clock, POLL_US);
  }
}

gboolean
ll_module_deactivate(LlEvb *evb, guint lanes, GError **error)
{
  guint8 mask = (guint8) ((1u << lanes) - 1);
  return ll_module_write(evb, 0, 0x10, 128, &mask, 1, error);
}

gboolean
ll_module_power_down(LlEvb *evb, GError **error)
{
  /* Every step is tried. Data-path deinit fails harmlessly when the module
   * is already off, so only the pin and the supply decide the outcome. */
  g_autoptr(GError) ignored = NULL, pin = NULL, supply = NULL;
  guint8 all = 0xFF;
  ll_module_write(evb, 0, 0x10, 128, &all, 1, &ignored);
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
