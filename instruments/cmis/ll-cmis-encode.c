/* ll-cmis-encode.c: encoders of the CMIS codec (see ll-cmis.h), what the
 * module simulator builds its memory with. Each checks everything it was
 * given before it writes a byte, so a failed call leaves the image as it
 * was. Physical values are rounded to the field's step and clamped to its
 * range; codes that do not fit their bits are errors. */
#include "ll-cmis-private.h"

#include <string.h>

static gboolean
invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid(GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error_literal(error, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID, msg);
  return FALSE;
}

/* ---- lower page --------------------------------------------------------- */

gboolean
ll_cmis_encode_module(LlCmisImage *img, const LlCmisModule *m, GError **error)
{
  if (m->revision_major > 15 || m->revision_minor > 15)
    return invalid(error, "CMIS revision %u.%u does not fit two nibbles", m->revision_major,
                   m->revision_minor);
  if (m->module_state > 7)
    return invalid(error, "module state %u does not fit 3 bits", m->module_state);
  if (m->n_applications > LL_CMIS_MAX_APPLICATIONS)
    return invalid(error, "%u applications; at most %d fit the lower page", m->n_applications,
                   LL_CMIS_MAX_APPLICATIONS);
  for (guint i = 0; i < m->n_applications; i++) {
    const LlCmisApplication *a = &m->applications[i];
    if (a->host_lane_count > 15 || a->media_lane_count > 15)
      return invalid(error, "application %u: lane counts %u/%u do not fit 4 bits", i + 1,
                     a->host_lane_count, a->media_lane_count);
    if (a->host_interface_id == 0x00 || a->host_interface_id == 0xff)
      return invalid(error, "application %u: host interface id %02Xh marks an unused descriptor",
                     i + 1, a->host_interface_id);
  }

  guint8 *l = ll_cmis_image_edit_lower(img);
  l[0] = m->identifier;
  l[1] = (guint8) ((m->revision_major << 4) | m->revision_minor);
  l[2] = (guint8) ((l[2] & 0x7f) | (m->flat_memory ? 0x80 : 0));
  l[3] = (guint8) ((l[3] & 0xf0) | (m->module_state << 1) | (m->interrupt_deasserted ? 1 : 0));
  l[8] = m->module_flags;
  l[9] = m->monitor_flags;
  cmis_put_u16(l + 14, ll_cmis_encode_temperature(m->temperature_c));
  cmis_put_u16(l + 16, ll_cmis_encode_vcc(m->vcc_v));
  l[26] = (guint8) ((l[26] & ~0x50) | (m->low_power_request_sw ? 0x10 : 0) |
                    (m->low_power_allow_request_hw ? 0x40 : 0));
  l[39] = m->firmware_major;
  l[40] = m->firmware_minor;
  l[41] = m->fault_cause;
  l[85] = m->media_type;
  for (guint i = 0; i < LL_CMIS_MAX_APPLICATIONS; i++) {
    guint8 *d = l + 86 + 4 * i;
    if (i < m->n_applications) {
      const LlCmisApplication *a = &m->applications[i];
      d[0] = a->host_interface_id;
      d[1] = a->media_interface_id;
      d[2] = (guint8) ((a->host_lane_count << 4) | a->media_lane_count);
      d[3] = a->host_lane_assignment;
    } else {
      d[0] = 0xff;
      d[1] = d[2] = d[3] = 0;
    }
  }
  l[122] = (guint8) (m->password_entry >> 24);
  l[123] = (guint8) (m->password_entry >> 16);
  l[124] = (guint8) (m->password_entry >> 8);
  l[125] = (guint8) m->password_entry;
  return TRUE;
}

void
ll_cmis_set_module_state(LlCmisImage *img, LlCmisModuleState state)
{
  guint8 *l = ll_cmis_image_edit_lower(img);
  l[3] = (guint8) ((l[3] & ~0x0e) | ((state & 0x7) << 1));
}

void
ll_cmis_set_module_monitors(LlCmisImage *img, double temperature_c, double vcc_v)
{
  guint8 *l = ll_cmis_image_edit_lower(img);
  cmis_put_u16(l + 14, ll_cmis_encode_temperature(temperature_c));
  cmis_put_u16(l + 16, ll_cmis_encode_vcc(vcc_v));
}

/* ---- page 00h ----------------------------------------------------------- */

static gboolean
check_ascii(const char *text, guint len, const char *what, GError **error)
{
  if (strlen(text) > len)
    return invalid(error, "%s \"%s\" is longer than %u characters", what, text, len);
  for (const char *c = text; *c; c++)
    if (*c < 0x20 || *c > 0x7e)
      return invalid(error, "%s holds a byte (%02Xh) that is not printable ASCII", what,
                     (guint8) *c);
  return TRUE;
}

/* Writes @text space-padded to @len bytes at @dst (already checked). */
static void
put_ascii(guint8 *dst, guint len, const char *text)
{
  gsize n = strlen(text);
  memset(dst, ' ', len);
  memcpy(dst, text, MIN(n, len));
}

gboolean
ll_cmis_set_ascii(LlCmisImage *img, guint bank, guint page, guint addr, guint len,
                  const char *text, GError **error)
{
  if (addr < LL_CMIS_PAGE_SIZE || addr + len > 2 * LL_CMIS_PAGE_SIZE)
    return invalid(error, "bytes %u-%u are not in an upper page", addr, addr + len - 1);
  if (page > 0xff)
    return invalid(error, "page %u does not exist", page);
  if (page >= 0x10 && !ll_cmis_check_bank(bank, error))
    return FALSE;
  if (!check_ascii(text, len, "text", error))
    return FALSE;
  put_ascii(&CMIS_UP(ll_cmis_image_edit_page(img, bank, page), addr), len, text);
  return TRUE;
}

gboolean
ll_cmis_encode_identity(LlCmisImage *img, const LlCmisIdentity *id, GError **error)
{
  if (!check_ascii(id->vendor_name, 16, "vendor name", error) ||
      !check_ascii(id->part_number, 16, "part number", error) ||
      !check_ascii(id->revision, 2, "revision", error) ||
      !check_ascii(id->serial_number, 16, "serial number", error) ||
      !check_ascii(id->date_code, 8, "date code", error) ||
      !check_ascii(id->clei, 10, "CLEI", error))
    return FALSE;
  if (id->power_class < 1 || id->power_class > 8)
    return invalid(error, "power class %u is not 1-8", id->power_class);

  guint8 *p = ll_cmis_image_edit_page(img, 0, 0x00);
  CMIS_UP(p, 128) = ll_cmis_image_get_lower(img)[0];
  put_ascii(&CMIS_UP(p, 129), 16, id->vendor_name);
  memcpy(&CMIS_UP(p, 145), id->vendor_oui, 3);
  put_ascii(&CMIS_UP(p, 148), 16, id->part_number);
  put_ascii(&CMIS_UP(p, 164), 2, id->revision);
  put_ascii(&CMIS_UP(p, 166), 16, id->serial_number);
  put_ascii(&CMIS_UP(p, 182), 8, id->date_code);
  put_ascii(&CMIS_UP(p, 190), 10, id->clei);
  CMIS_UP(p, 200) = (guint8) ((CMIS_UP(p, 200) & 0x1f) | ((id->power_class - 1) << 5));
  CMIS_UP(p, 201) = (guint8) ll_cmis_round_clamp(id->max_power_w * 4.0, 0, G_MAXUINT8);
  CMIS_UP(p, 203) = id->connector;
  CMIS_UP(p, 212) = id->media_technology;
  return TRUE;
}

/* ---- page 01h ----------------------------------------------------------- */

gboolean
ll_cmis_encode_advertising(LlCmisImage *img, const LlCmisAdvertising *adv, GError **error)
{
  if (adv->tx_bias_exponent > 3)
    return invalid(error, "TX bias multiplier exponent %u does not fit 2 bits",
                   adv->tx_bias_exponent);
  guint8 banks;
  switch (adv->banks) {
  case 1: banks = 0; break;
  case 2: banks = 1; break;
  case 4: banks = 2; break;
  default: return invalid(error, "%u banks: a module has 1, 2 or 4", adv->banks);
  }
  const LlCmisDuration *d[] = { &adv->dp_init, &adv->dp_deinit, &adv->module_pwr_up,
                                &adv->module_pwr_dn, &adv->dp_tx_turn_on, &adv->dp_tx_turn_off };
  for (guint i = 0; i < G_N_ELEMENTS(d); i++)
    if (d[i]->code > 15)
      return invalid(error, "duration code %u does not fit 4 bits", d[i]->code);

  guint8 *p = ll_cmis_image_edit_page(img, 0, 0x01);
  cmis_put_u16(&CMIS_UP(p, 138),
               (guint16) ll_cmis_round_clamp(adv->wavelength_nm * 20.0, 0, G_MAXUINT16));
  CMIS_UP(p, 142) = (guint8) ((CMIS_UP(p, 142) & ~0x23) | (adv->diag_pages_supported ? 0x20 : 0) |
                              banks);
  CMIS_UP(p, 151) = (guint8) ((CMIS_UP(p, 151) & ~0x10) |
                              (adv->rx_power_type == LL_CMIS_RX_POWER_AVERAGE ? 0x10 : 0));
  CMIS_UP(p, 160) = (guint8) ((CMIS_UP(p, 160) & ~0x1f) | (adv->tx_bias_monitor ? 0x1 : 0) |
                              (adv->tx_power_monitor ? 0x2 : 0) | (adv->rx_power_monitor ? 0x4 : 0) |
                              (adv->tx_bias_exponent << 3));
  CMIS_UP(p, 144) = (guint8) ((adv->dp_deinit.code << 4) | adv->dp_init.code);
  CMIS_UP(p, 167) = (guint8) ((adv->module_pwr_dn.code << 4) | adv->module_pwr_up.code);
  CMIS_UP(p, 168) = (guint8) ((adv->dp_tx_turn_off.code << 4) | adv->dp_tx_turn_on.code);
  return TRUE;
}

/* ---- page 02h ----------------------------------------------------------- */

static gboolean
check_multiplier(const LlCmisImage *img, guint *mult, GError **error)
{
  *mult = ll_cmis_image_bias_multiplier(img);
  if (*mult == 0)
    return invalid(error, "page 01h byte 160 advertises the reserved TX bias multiplier (bits 4-3 = 3)");
  return TRUE;
}

typedef guint16 (*ScalarEncode)(double value);

static void
put_threshold_set(guint8 *p, guint addr, ScalarEncode encode, const LlCmisThresholdSet *t)
{
  cmis_put_u16(&CMIS_UP(p, addr), encode(t->high_alarm));
  cmis_put_u16(&CMIS_UP(p, addr + 2), encode(t->low_alarm));
  cmis_put_u16(&CMIS_UP(p, addr + 4), encode(t->high_warning));
  cmis_put_u16(&CMIS_UP(p, addr + 6), encode(t->low_warning));
}

gboolean
ll_cmis_encode_thresholds(LlCmisImage *img, const LlCmisThresholds *t, GError **error)
{
  guint mult;
  if (!check_multiplier(img, &mult, error))
    return FALSE;
  guint8 *p = ll_cmis_image_edit_page(img, 0, 0x02);
  put_threshold_set(p, 128, ll_cmis_encode_temperature, &t->temperature_c);
  put_threshold_set(p, 136, ll_cmis_encode_vcc, &t->vcc_v);
  put_threshold_set(p, 176, ll_cmis_encode_power, &t->tx_power_mw);
  put_threshold_set(p, 192, ll_cmis_encode_power, &t->rx_power_mw);
  const double bias[] = { t->tx_bias_ma.high_alarm, t->tx_bias_ma.low_alarm,
                          t->tx_bias_ma.high_warning, t->tx_bias_ma.low_warning };
  for (guint i = 0; i < 4; i++)
    cmis_put_u16(&CMIS_UP(p, 184 + 2 * i), ll_cmis_encode_bias(bias[i], mult));
  return TRUE;
}

/* ---- page 10h ----------------------------------------------------------- */

gboolean
ll_cmis_encode_lane_controls(LlCmisImage *img, guint bank, const LlCmisLaneControls *c,
                             GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    if (c->app_sel[i] > 15)
      return invalid(error, "lane %u: AppSel %u does not fit 4 bits", i + 1, c->app_sel[i]);
    if (c->data_path_id[i] > 7)
      return invalid(error, "lane %u: data path id %u does not fit 3 bits", i + 1,
                     c->data_path_id[i]);
  }
  guint8 *p = ll_cmis_image_edit_page(img, bank, 0x10);
  CMIS_UP(p, 128) = c->data_path_deinit;
  CMIS_UP(p, 130) = c->tx_disable;
  CMIS_UP(p, 138) = c->rx_disable;
  CMIS_UP(p, 143) = c->apply_dp_init;
  for (guint i = 0; i < LL_CMIS_LANES; i++)
    CMIS_UP(p, 145 + i) = (guint8) ((c->app_sel[i] << 4) | (c->data_path_id[i] << 1) |
                                    (c->explicit_control[i] ? 1 : 0));
  return TRUE;
}

/* ---- page 11h ----------------------------------------------------------- */

/* Sets lane @i's nibble of the nibble array at @addr (lane 1 low). */
static void
put_lane_nibble(guint8 *p, guint addr, guint i, guint8 value)
{
  guint8 *b = &CMIS_UP(p, addr + i / 2);
  if (i % 2)
    *b = (guint8) ((*b & 0x0f) | (value << 4));
  else
    *b = (guint8) ((*b & 0xf0) | (value & 0x0f));
}

gboolean
ll_cmis_encode_lane_status(LlCmisImage *img, guint bank, const LlCmisLaneStatus *s,
                           GError **error)
{
  guint mult;
  if (!ll_cmis_check_bank(bank, error) || !check_multiplier(img, &mult, error))
    return FALSE;
  for (guint i = 0; i < LL_CMIS_LANES; i++)
    if (s->data_path_state[i] > 15)
      return invalid(error, "lane %u: data-path state %u does not fit 4 bits", i + 1,
                     s->data_path_state[i]);
  guint8 *p = ll_cmis_image_edit_page(img, bank, 0x11);
  CMIS_UP(p, 135) = s->tx_fault;
  CMIS_UP(p, 136) = s->tx_los;
  CMIS_UP(p, 137) = s->tx_lol;
  CMIS_UP(p, 147) = s->rx_los;
  CMIS_UP(p, 148) = s->rx_lol;
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    put_lane_nibble(p, 128, i, s->data_path_state[i]);
    cmis_put_u16(&CMIS_UP(p, 154 + 2 * i), ll_cmis_encode_power(s->tx_power_mw[i]));
    cmis_put_u16(&CMIS_UP(p, 170 + 2 * i), ll_cmis_encode_bias(s->tx_bias_ma[i], mult));
    cmis_put_u16(&CMIS_UP(p, 186 + 2 * i), ll_cmis_encode_power(s->rx_power_mw[i]));
  }
  return TRUE;
}

gboolean
ll_cmis_set_lane_monitors(LlCmisImage *img, guint lane, double tx_power_mw, double tx_bias_ma,
                          double rx_power_mw, GError **error)
{
  guint bank, i, mult;
  if (!ll_cmis_split_lane(lane, &bank, &i, error) || !check_multiplier(img, &mult, error))
    return FALSE;
  guint8 *p = ll_cmis_image_edit_page(img, bank, 0x11);
  cmis_put_u16(&CMIS_UP(p, 154 + 2 * i), ll_cmis_encode_power(tx_power_mw));
  cmis_put_u16(&CMIS_UP(p, 170 + 2 * i), ll_cmis_encode_bias(tx_bias_ma, mult));
  cmis_put_u16(&CMIS_UP(p, 186 + 2 * i), ll_cmis_encode_power(rx_power_mw));
  return TRUE;
}

gboolean
ll_cmis_set_data_path_state(LlCmisImage *img, guint lane, LlCmisDataPathState state,
                            GError **error)
{
  guint bank, i;
  if (!ll_cmis_split_lane(lane, &bank, &i, error))
    return FALSE;
  if ((guint) state > 15)
    return invalid(error, "data-path state %u does not fit 4 bits", (guint) state);
  put_lane_nibble(ll_cmis_image_edit_page(img, bank, 0x11), 128, i, (guint8) state);
  return TRUE;
}

/* ---- pages 13h and 14h -------------------------------------------------- */

gboolean
ll_cmis_encode_prbs(LlCmisImage *img, guint bank, const LlCmisPrbs *pr, GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  const guint8 *patterns[] = { pr->host_generator_pattern, pr->media_generator_pattern,
                               pr->host_checker_pattern, pr->media_checker_pattern };
  static const guint addrs[] = { 148, 156, 164, 172 };
  for (guint k = 0; k < G_N_ELEMENTS(patterns); k++)
    for (guint i = 0; i < LL_CMIS_LANES; i++)
      if (patterns[k][i] > 15)
        return invalid(error, "lane %u: pattern code %u does not fit 4 bits", i + 1,
                       patterns[k][i]);
  guint8 *p = ll_cmis_image_edit_page(img, bank, 0x13);
  CMIS_UP(p, 144) = pr->host_generator;
  CMIS_UP(p, 152) = pr->media_generator;
  CMIS_UP(p, 160) = pr->host_checker;
  CMIS_UP(p, 168) = pr->media_checker;
  for (guint k = 0; k < G_N_ELEMENTS(patterns); k++)
    for (guint i = 0; i < LL_CMIS_LANES; i++)
      put_lane_nibble(p, addrs[k], i, patterns[k][i]);
  return TRUE;
}

gboolean
ll_cmis_set_ber(LlCmisImage *img, guint lane, gboolean media_side, double ber, GError **error)
{
  guint bank, i;
  guint8 b0, b1;
  if (!ll_cmis_split_lane(lane, &bank, &i, error) || !ll_cmis_encode_ber(ber, &b0, &b1, error))
    return FALSE;
  guint8 *p = ll_cmis_image_edit_page(img, bank, 0x14);
  CMIS_UP(p, 128) = LL_CMIS_DIAG_SELECT_BER;
  guint addr = (media_side ? 208 : 192) + 2 * i;
  CMIS_UP(p, addr) = b0;
  CMIS_UP(p, addr + 1) = b1;
  return TRUE;
}
