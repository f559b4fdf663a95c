/* ll-module-cal.c: monitor calibration through the EVB (see ll-module-cal.h).
 *
 * The fit. With weights w_i = 1 / ref_i^2 the relative-error least squares
 * is a weighted linear regression of ref on raw: the normal equations
 *   a Sxx + b Sx = Sxy,   a Sx + b S = Sy
 * (S = sum w, Sx = sum w raw, Sxx = sum w raw^2, Sy = sum w ref,
 * Sxy = sum w raw ref) give slope a and offset b. Raw readings are first
 * scaled by their weighted mean so that the determinant does not lose
 * digits when they are all near one value. */
#include "ll-module-cal.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#define ADDR 0x50         /* the CMIS module's two-wire address */
#define BYTE_PASSWORD 122 /* 122-125, write-only */
#define MONITOR_TX 154    /* page 11h: TX power, 2 bytes per lane */
#define MONITOR_RX 186    /* page 11h: RX power */
#define CLIPPED_MW (LL_MODULE_MONITOR_FULL_SCALE_MW - 0.00005)

static gboolean
fail(GError **error, gint code, const char *format, ...) G_GNUC_PRINTF(3, 4);

static gboolean
fail(GError **error, gint code, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error_literal(error, LL_MODULE_ERROR, code, msg);
  return FALSE;
}

static gboolean
lane_ok(guint lane, guint max, GError **error)
{
  if (lane >= 1 && lane <= max)
    return TRUE;
  return fail(error, LL_MODULE_ERROR_ARGUMENT, "lane %u: the calibration pages hold lanes 1 to %u",
              lane, max);
}

static void
password_bytes(guint32 password, guint8 out[4])
{
  out[0] = (guint8) (password >> 24), out[1] = (guint8) (password >> 16);
  out[2] = (guint8) (password >> 8), out[3] = (guint8) password;
}

/* Enters @password, writes @len bytes at @addr of vendor page @page, clears
 * the password entry and reads the bytes back into @back: one transaction. */
static gboolean
protected_write(LlEvb *evb, guint32 password, guint page, guint addr, const guint8 *data,
                gsize len, guint8 *back, GError **error)
{
  guint8 pw[4], none[4] = { 0 };
  password_bytes(password, pw);
  ll_scpi_lock(ll_evb_scpi(evb));
  gboolean ok = ll_evb_twi_write(evb, ADDR, BYTE_PASSWORD, pw, sizeof pw, error) &&
                ll_module_write(evb, 0, page, addr, data, len, error);
  /* the privilege is taken away again even when the write failed */
  g_autoptr(GError) relock = NULL;
  gboolean locked = ll_evb_twi_write(evb, ADDR, BYTE_PASSWORD, none, sizeof none, &relock);
  if (ok && !locked) {
    g_propagate_error(error, g_steal_pointer(&relock));
    ok = FALSE;
  }
  guint8 page_buf[128];
  ok = ok && ll_module_read_page(evb, 0, page, page_buf, error);
  ll_scpi_unlock(ll_evb_scpi(evb));
  if (ok)
    memcpy(back, page_buf + (addr - 128), len);
  return ok;
}

gboolean
ll_module_cal_read(LlEvb *evb, LlCmisCalMonitor monitor, guint lane, LlCmisCalCoeffs *out,
                   GError **error)
{
  guint8 page[128];
  if (!lane_ok(lane, LL_CMIS_CAL_LANES, error) ||
      !ll_module_read_page(evb, 0, LL_CMIS_CAL_PAGE, page, error))
    return FALSE;
  ll_cmis_cal_decode(page + ll_cmis_cal_address(monitor, lane) - 128, out);
  return TRUE;
}

gboolean
ll_module_cal_write(LlEvb *evb, guint32 password, LlCmisCalMonitor monitor, guint lane,
                    const LlCmisCalCoeffs *c, GError **error)
{
  if (!lane_ok(lane, LL_CMIS_CAL_LANES, error))
    return FALSE;
  if (!isfinite(c->slope) || !isfinite(c->offset_mw) || !(c->slope > 0))
    return fail(error, LL_MODULE_ERROR_ARGUMENT,
                "lane %u %s coefficients slope %g, offset %g mW: the slope must be a number "
                "above 0 and the offset a number", lane, ll_cmis_cal_monitor_name(monitor),
                c->slope, c->offset_mw);
  guint8 bytes[8], back[8];
  ll_cmis_cal_encode(c, bytes);
  guint addr = ll_cmis_cal_address(monitor, lane);
  if (!protected_write(evb, password, LL_CMIS_CAL_PAGE, addr, bytes, sizeof bytes, back, error))
    return FALSE;
  if (memcmp(bytes, back, sizeof bytes) != 0) {
    LlCmisCalCoeffs kept;
    ll_cmis_cal_decode(back, &kept);
    return fail(error, LL_MODULE_ERROR_REJECTED,
                "lane %u %s coefficients read back as slope %g, offset %g mW after writing %g, %g "
                "mW: the module did not take them (a wrong vendor password?)", lane,
                ll_cmis_cal_monitor_name(monitor), kept.slope, kept.offset_mw, c->slope,
                c->offset_mw);
  }
  return TRUE;
}

gboolean
ll_module_cal_read_trim(LlEvb *evb, guint lane, double *db, GError **error)
{
  guint8 page[128];
  if (!lane_ok(lane, LL_CMIS_CAL_LANES, error) ||
      !ll_module_read_page(evb, 0, LL_CMIS_CAL_TRIM_PAGE, page, error))
    return FALSE;
  *db = ll_cmis_cal_trim_decode(page[ll_cmis_cal_trim_address(lane) - 128]);
  return TRUE;
}

gboolean
ll_module_cal_write_trim(LlEvb *evb, guint32 password, guint lane, double db, GError **error)
{
  if (!lane_ok(lane, LL_CMIS_CAL_LANES, error))
    return FALSE;
  if (!(db >= LL_CMIS_CAL_TRIM_MIN_DB - 1e-9 && db <= LL_CMIS_CAL_TRIM_MAX_DB + 1e-9))
    return fail(error, LL_MODULE_ERROR_ARGUMENT,
                "lane %u laser power trim %g dB: the laser follows %g to %+g dB", lane, db,
                LL_CMIS_CAL_TRIM_MIN_DB, LL_CMIS_CAL_TRIM_MAX_DB);
  guint8 b = ll_cmis_cal_trim_encode(db), back = 0;
  if (!protected_write(evb, password, LL_CMIS_CAL_TRIM_PAGE, ll_cmis_cal_trim_address(lane), &b, 1,
                       &back, error))
    return FALSE;
  if (back != b)
    return fail(error, LL_MODULE_ERROR_REJECTED,
                "lane %u laser power trim reads back as %+.1f dB after writing %+.1f dB: the "
                "module did not take it (a wrong vendor password?)", lane,
                ll_cmis_cal_trim_decode(back), ll_cmis_cal_trim_decode(b));
  return TRUE;
}

gboolean
ll_module_read_power_monitor(LlEvb *evb, LlCmisCalMonitor monitor, guint lane, double *mw,
                             GError **error)
{
  if (!lane_ok(lane, LL_CMIS_LANES * LL_CMIS_BANKS, error))
    return FALSE;
  guint bank = (lane - 1) / LL_CMIS_LANES, i = (lane - 1) % LL_CMIS_LANES;
  guint addr = (monitor == LL_CMIS_CAL_TX ? MONITOR_TX : MONITOR_RX) + 2 * i;
  guint8 raw[2];
  ll_scpi_lock(ll_evb_scpi(evb));
  guint8 sel[2] = { (guint8) bank, 0x11 };
  gboolean ok = ll_evb_twi_write(evb, ADDR, 126, sel, sizeof sel, error) &&
                ll_evb_twi_read(evb, ADDR, (guint8) addr, raw, sizeof raw, error);
  ll_scpi_unlock(ll_evb_scpi(evb));
  if (ok)
    *mw = ll_cmis_decode_power((guint16) (raw[0] << 8 | raw[1]));
  return ok;
}

/* A point a fit may use: a raw reading neither below the least count nor
 * clipped, and a reference power. */
static gboolean
usable(double raw_mw, double ref_mw)
{
  return raw_mw > 0 && raw_mw < CLIPPED_MW && ref_mw > 0 && isfinite(ref_mw);
}

gboolean
ll_module_cal_fit(const double *raw_mw, const double *ref_mw, guint n, LlCmisCalCoeffs *out,
                  guint *used, GError **error)
{
  /* the points a fit may use, and their weighted mean raw reading (the scale) */
  guint k = 0;
  double sw = 0, swx = 0;
  for (guint i = 0; i < n; i++) {
    if (!usable(raw_mw[i], ref_mw[i]))
      continue;
    double w = 1.0 / (ref_mw[i] * ref_mw[i]);
    sw += w, swx += w * raw_mw[i], k++;
  }
  if (used)
    *used = k;
  if (k < LL_MODULE_CAL_MIN_POINTS)
    return fail(error, LL_MODULE_ERROR_ARGUMENT,
                "%u of %u points usable (a raw reading of 0 or at full scale, %g mW, is left "
                "out): a fit needs %u", k, n, LL_MODULE_MONITOR_FULL_SCALE_MW,
                LL_MODULE_CAL_MIN_POINTS);
  double scale = swx / sw;
  double s = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
  for (guint i = 0; i < n; i++) {
    if (!usable(raw_mw[i], ref_mw[i]))
      continue;
    double w = 1.0 / (ref_mw[i] * ref_mw[i]), x = raw_mw[i] / scale, y = ref_mw[i];
    s += w, sx += w * x, sxx += w * x * x, sy += w * y, sxy += w * x * y;
  }
  double det = s * sxx - sx * sx;
  if (!(det > 1e-9 * s * sxx))
    return fail(error, LL_MODULE_ERROR_ARGUMENT,
                "the raw readings do not spread (all near %.4g mW): no slope can be fitted", scale);
  double a = (s * sxy - sx * sy) / det, b = (sxx * sy - sx * sxy) / det;
  out->slope = a / scale;
  out->offset_mw = b;
  if (!(out->slope > 0) || !isfinite(out->slope) || !isfinite(out->offset_mw))
    return fail(error, LL_MODULE_ERROR_ARGUMENT,
                "the fit gives slope %g, offset %g mW: the monitor does not follow the light",
                out->slope, out->offset_mw);
  return TRUE;
}
