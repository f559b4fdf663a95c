/* ll-cmis-decode.c: page decoders of the CMIS codec (see ll-cmis.h): the
 * lower page, identity (00h), advertising (01h), thresholds (02h), lane
 * controls (10h), lane status and monitors (11h), PRBS (13h) and BER (14h).
 * Each reads bytes and converts units; none of them can be confused by a
 * byte value (every value decodes to something, possibly "reserved"). */
#include "ll-cmis-private.h"

#include <math.h>
#include <string.h>

/* ---- lower page --------------------------------------------------------- */

void
ll_cmis_decode_module(const LlCmisImage *img, LlCmisModule *out)
{
  const guint8 *l = ll_cmis_image_get_lower(img);
  memset(out, 0, sizeof *out);
  out->identifier = l[0];
  out->revision_major = l[1] >> 4;
  out->revision_minor = l[1] & 0x0f;
  out->flat_memory = (l[2] & 0x80) != 0;
  out->module_state = (l[3] >> 1) & 0x7;
  out->interrupt_deasserted = (l[3] & 0x1) != 0;
  out->module_flags = l[8];
  out->monitor_flags = l[9];
  out->temperature_c = ll_cmis_decode_temperature(cmis_get_u16(l + 14));
  out->vcc_v = ll_cmis_decode_vcc(cmis_get_u16(l + 16));
  out->low_power_request_sw = (l[26] & 0x10) != 0;
  out->low_power_allow_request_hw = (l[26] & 0x40) != 0;
  out->firmware_major = l[39];
  out->firmware_minor = l[40];
  out->fault_cause = l[41];
  out->media_type = l[85];
  for (guint i = 0; i < LL_CMIS_MAX_APPLICATIONS; i++) {
    const guint8 *d = l + 86 + 4 * i;
    if (d[0] == 0x00 || d[0] == 0xff)
      break;
    LlCmisApplication *a = &out->applications[out->n_applications++];
    a->app_sel = (guint8) (i + 1);
    a->host_interface_id = d[0];
    a->media_interface_id = d[1];
    a->host_lane_count = d[2] >> 4;
    a->media_lane_count = d[2] & 0x0f;
    a->host_lane_assignment = d[3];
  }
  out->password_entry = ((guint32) l[122] << 24) | ((guint32) l[123] << 16) |
                        ((guint32) l[124] << 8) | l[125];
}

/* ---- page 00h ----------------------------------------------------------- */

/* @len bytes of ASCII at @src into @dst (@len + 1 bytes): trailing spaces
 * and NULs dropped, other non-printable bytes shown as '?'. */
static void
copy_ascii(gchar *dst, const guint8 *src, guint len)
{
  guint end = len;
  while (end > 0 && (src[end - 1] == ' ' || src[end - 1] == '\0'))
    end--;
  for (guint i = 0; i < end; i++)
    dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (gchar) src[i] : '?';
  dst[end] = '\0';
}

gboolean
ll_cmis_decode_identity(const LlCmisImage *img, LlCmisIdentity *out, GError **error)
{
  const guint8 *p = ll_cmis_require_page(img, 0, 0x00, error);
  if (!p)
    return FALSE;
  memset(out, 0, sizeof *out);
  copy_ascii(out->vendor_name, &CMIS_UP(p, 129), 16);
  memcpy(out->vendor_oui, &CMIS_UP(p, 145), 3);
  copy_ascii(out->part_number, &CMIS_UP(p, 148), 16);
  copy_ascii(out->revision, &CMIS_UP(p, 164), 2);
  copy_ascii(out->serial_number, &CMIS_UP(p, 166), 16);
  copy_ascii(out->date_code, &CMIS_UP(p, 182), 8);
  copy_ascii(out->clei, &CMIS_UP(p, 190), 10);

  /* YYMMDD (years 2000-2099) then a 2-character lot */
  const gchar *dc = out->date_code;
  gboolean digits = strlen(dc) >= 6;
  for (guint i = 0; digits && i < 6; i++)
    digits = g_ascii_isdigit(dc[i]);
  if (digits) {
    guint yy = (guint) ((dc[0] - '0') * 10 + dc[1] - '0');
    guint mm = (guint) ((dc[2] - '0') * 10 + dc[3] - '0');
    guint dd = (guint) ((dc[4] - '0') * 10 + dc[5] - '0');
    if (g_date_valid_dmy((GDateDay) dd, (GDateMonth) mm, (GDateYear) (2000 + yy)))
      g_snprintf(out->manufacture_date, sizeof out->manufacture_date, "%04u-%02u-%02u",
                 2000 + yy, mm, dd);
  }
  if (strlen(dc) > 6)
    g_strlcpy(out->lot, dc + 6, sizeof out->lot);

  out->power_class = (guint8) (((CMIS_UP(p, 200) >> 5) & 0x7) + 1);
  out->max_power_w = CMIS_UP(p, 201) / 4.0;
  out->connector = CMIS_UP(p, 203);
  out->media_technology = CMIS_UP(p, 212);
  return TRUE;
}

/* ---- page 01h ----------------------------------------------------------- */

guint
ll_cmis_image_bias_multiplier(const LlCmisImage *img)
{
  const guint8 *p = ll_cmis_image_get_page(img, 0, 0x01);
  return p ? ll_cmis_bias_multiplier(CMIS_UP(p, 160)) : 1;
}

gboolean
ll_cmis_decode_advertising(const LlCmisImage *img, LlCmisAdvertising *out, GError **error)
{
  const guint8 *p = ll_cmis_require_page(img, 0, 0x01, error);
  if (!p)
    return FALSE;
  memset(out, 0, sizeof *out);
  out->wavelength_nm = cmis_get_u16(&CMIS_UP(p, 138)) / 20.0;
  guint8 pages = CMIS_UP(p, 142);
  out->diag_pages_supported = (pages & 0x20) != 0;
  static const guint banks[] = { 1, 2, 4, 0 };
  out->banks = banks[pages & 0x3];
  out->rx_power_type = (CMIS_UP(p, 151) & 0x10) ? LL_CMIS_RX_POWER_AVERAGE : LL_CMIS_RX_POWER_OMA;
  guint8 mon = CMIS_UP(p, 160);
  out->tx_bias_monitor = (mon & 0x1) != 0;
  out->tx_power_monitor = (mon & 0x2) != 0;
  out->rx_power_monitor = (mon & 0x4) != 0;
  out->tx_bias_exponent = (mon >> 3) & 0x3;
  out->tx_bias_multiplier = ll_cmis_bias_multiplier(mon);
  out->dp_init = ll_cmis_decode_duration(CMIS_UP(p, 144) & 0x0f);
  out->dp_deinit = ll_cmis_decode_duration(CMIS_UP(p, 144) >> 4);
  out->module_pwr_up = ll_cmis_decode_duration(CMIS_UP(p, 167) & 0x0f);
  out->module_pwr_dn = ll_cmis_decode_duration(CMIS_UP(p, 167) >> 4);
  out->dp_tx_turn_on = ll_cmis_decode_duration(CMIS_UP(p, 168) & 0x0f);
  out->dp_tx_turn_off = ll_cmis_decode_duration(CMIS_UP(p, 168) >> 4);
  return TRUE;
}

/* ---- page 02h ----------------------------------------------------------- */

typedef double (*ScalarDecode)(guint16 raw);

/* Four 16-bit thresholds at @addr: high alarm, low alarm, high warning, low
 * warning. */
static void
threshold_set(const guint8 *p, guint addr, ScalarDecode decode, LlCmisThresholdSet *out)
{
  out->high_alarm = decode(cmis_get_u16(&CMIS_UP(p, addr)));
  out->low_alarm = decode(cmis_get_u16(&CMIS_UP(p, addr + 2)));
  out->high_warning = decode(cmis_get_u16(&CMIS_UP(p, addr + 4)));
  out->low_warning = decode(cmis_get_u16(&CMIS_UP(p, addr + 6)));
}

static void
threshold_dbm(const LlCmisThresholdSet *mw, LlCmisThresholdSet *dbm)
{
  dbm->high_alarm = ll_cmis_mw_to_dbm(mw->high_alarm);
  dbm->low_alarm = ll_cmis_mw_to_dbm(mw->low_alarm);
  dbm->high_warning = ll_cmis_mw_to_dbm(mw->high_warning);
  dbm->low_warning = ll_cmis_mw_to_dbm(mw->low_warning);
}

gboolean
ll_cmis_decode_thresholds(const LlCmisImage *img, LlCmisThresholds *out, GError **error)
{
  const guint8 *p = ll_cmis_require_page(img, 0, 0x02, error);
  if (!p)
    return FALSE;
  threshold_set(p, 128, ll_cmis_decode_temperature, &out->temperature_c);
  threshold_set(p, 136, ll_cmis_decode_vcc, &out->vcc_v);
  threshold_set(p, 176, ll_cmis_decode_power, &out->tx_power_mw);
  threshold_set(p, 192, ll_cmis_decode_power, &out->rx_power_mw);
  threshold_dbm(&out->tx_power_mw, &out->tx_power_dbm);
  threshold_dbm(&out->rx_power_mw, &out->rx_power_dbm);
  guint mult = ll_cmis_image_bias_multiplier(img);
  double *bias[] = { &out->tx_bias_ma.high_alarm, &out->tx_bias_ma.low_alarm,
                     &out->tx_bias_ma.high_warning, &out->tx_bias_ma.low_warning };
  for (guint i = 0; i < 4; i++)
    *bias[i] = ll_cmis_decode_bias(cmis_get_u16(&CMIS_UP(p, 184 + 2 * i)), mult);
  return TRUE;
}

/* ---- page 10h ----------------------------------------------------------- */

gboolean
ll_cmis_decode_lane_controls(const LlCmisImage *img, guint bank, LlCmisLaneControls *out,
                             GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  const guint8 *p = ll_cmis_require_page(img, bank, 0x10, error);
  if (!p)
    return FALSE;
  memset(out, 0, sizeof *out);
  out->data_path_deinit = CMIS_UP(p, 128);
  out->tx_disable = CMIS_UP(p, 130);
  out->rx_disable = CMIS_UP(p, 138);
  out->apply_dp_init = CMIS_UP(p, 143);
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    guint8 b = CMIS_UP(p, 145 + i);
    out->app_sel[i] = b >> 4;
    out->data_path_id[i] = (b >> 1) & 0x7;
    out->explicit_control[i] = (b & 0x1) != 0;
  }
  return TRUE;
}

/* ---- page 11h ----------------------------------------------------------- */

/* Lane @i's nibble of the nibble array at @addr: lane 1 in the low nibble. */
static guint8
lane_nibble(const guint8 *p, guint addr, guint i)
{
  guint8 b = CMIS_UP(p, addr + i / 2);
  return i % 2 ? b >> 4 : b & 0x0f;
}

gboolean
ll_cmis_decode_lane_status(const LlCmisImage *img, guint bank, LlCmisLaneStatus *out,
                           GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  const guint8 *p = ll_cmis_require_page(img, bank, 0x11, error);
  if (!p)
    return FALSE;
  memset(out, 0, sizeof *out);
  out->tx_fault = CMIS_UP(p, 135);
  out->tx_los = CMIS_UP(p, 136);
  out->tx_lol = CMIS_UP(p, 137);
  out->rx_los = CMIS_UP(p, 147);
  out->rx_lol = CMIS_UP(p, 148);
  guint mult = ll_cmis_image_bias_multiplier(img);
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    out->data_path_state[i] = lane_nibble(p, 128, i);
    out->tx_power_mw[i] = ll_cmis_decode_power(cmis_get_u16(&CMIS_UP(p, 154 + 2 * i)));
    out->tx_power_dbm[i] = ll_cmis_mw_to_dbm(out->tx_power_mw[i]);
    out->tx_bias_ma[i] = ll_cmis_decode_bias(cmis_get_u16(&CMIS_UP(p, 170 + 2 * i)), mult);
    out->rx_power_mw[i] = ll_cmis_decode_power(cmis_get_u16(&CMIS_UP(p, 186 + 2 * i)));
    out->rx_power_dbm[i] = ll_cmis_mw_to_dbm(out->rx_power_mw[i]);
  }
  return TRUE;
}

/* ---- pages 13h and 14h -------------------------------------------------- */

gboolean
ll_cmis_decode_prbs(const LlCmisImage *img, guint bank, LlCmisPrbs *out, GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  const guint8 *p = ll_cmis_require_page(img, bank, 0x13, error);
  if (!p)
    return FALSE;
  memset(out, 0, sizeof *out);
  out->host_generator = CMIS_UP(p, 144);
  out->media_generator = CMIS_UP(p, 152);
  out->host_checker = CMIS_UP(p, 160);
  out->media_checker = CMIS_UP(p, 168);
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    out->host_generator_pattern[i] = lane_nibble(p, 148, i);
    out->media_generator_pattern[i] = lane_nibble(p, 156, i);
    out->host_checker_pattern[i] = lane_nibble(p, 164, i);
    out->media_checker_pattern[i] = lane_nibble(p, 172, i);
  }
  return TRUE;
}

gboolean
ll_cmis_decode_ber_page(const LlCmisImage *img, guint bank, LlCmisBer *out, GError **error)
{
  if (!ll_cmis_check_bank(bank, error))
    return FALSE;
  const guint8 *p = ll_cmis_require_page(img, bank, 0x14, error);
  if (!p)
    return FALSE;
  out->selector = CMIS_UP(p, 128);
  gboolean valid = out->selector == LL_CMIS_DIAG_SELECT_BER;
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    const guint8 *h = &CMIS_UP(p, 192 + 2 * i);
    const guint8 *m = &CMIS_UP(p, 208 + 2 * i);
    out->host_ber[i] = valid ? ll_cmis_decode_ber(h[0], h[1]) : NAN;
    out->media_ber[i] = valid ? ll_cmis_decode_ber(m[0], m[1]) : NAN;
  }
  return TRUE;
}
