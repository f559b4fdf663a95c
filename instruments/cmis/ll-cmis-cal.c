/* ll-cmis-cal.c: the monitor calibration vendor pages (see ll-cmis-cal.h). */
#include "ll-cmis-cal.h"

#include <math.h>
#include <string.h>

#define RX_BASE 128
#define TX_BASE 192
#define TRIM_BASE 128

const char *
ll_cmis_cal_monitor_name(LlCmisCalMonitor monitor)
{
  return monitor == LL_CMIS_CAL_TX ? "TX" : "RX";
}

guint
ll_cmis_cal_address(LlCmisCalMonitor monitor, guint lane)
{
  g_return_val_if_fail(lane >= 1 && lane <= LL_CMIS_CAL_LANES, RX_BASE);
  return (monitor == LL_CMIS_CAL_TX ? TX_BASE : RX_BASE) + 8 * (lane - 1);
}

static void
put_float(guint8 *p, float v)
{
  guint32 u;
  memcpy(&u, &v, sizeof u);
  p[0] = (guint8) (u >> 24), p[1] = (guint8) (u >> 16), p[2] = (guint8) (u >> 8), p[3] = (guint8) u;
}

static float
get_float(const guint8 *p)
{
  guint32 u = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
  float v;
  memcpy(&v, &u, sizeof v);
  return v;
}

void
ll_cmis_cal_encode(const LlCmisCalCoeffs *c, guint8 out[8])
{
  put_float(out, (float) c->slope);
  put_float(out + 4, (float) c->offset_mw);
}

void
ll_cmis_cal_decode(const guint8 in[8], LlCmisCalCoeffs *c)
{
  c->slope = get_float(in);
  c->offset_mw = get_float(in + 4);
}

double
ll_cmis_cal_apply(const LlCmisCalCoeffs *c, double raw_mw)
{
  return MAX(0.0, c->slope * raw_mw + c->offset_mw);
}

guint
ll_cmis_cal_trim_address(guint lane)
{
  g_return_val_if_fail(lane >= 1 && lane <= LL_CMIS_CAL_LANES, TRIM_BASE);
  return TRIM_BASE + (lane - 1);
}

guint8
ll_cmis_cal_trim_encode(double db)
{
  double steps = isnan(db) ? 0 : CLAMP(round(db / LL_CMIS_CAL_TRIM_STEP_DB), -128, 127);
  return (guint8) (gint8) steps;
}

double
ll_cmis_cal_trim_decode(guint8 raw)
{
  return (gint8) raw / 10.0; /* steps of 0.1 dB; a division keeps -60 exactly -6.0 */
}

double
ll_cmis_cal_trim_effective(double db)
{
  return CLAMP(db, LL_CMIS_CAL_TRIM_MIN_DB, LL_CMIS_CAL_TRIM_MAX_DB);
}
