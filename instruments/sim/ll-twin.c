/* ll-twin.c: module physics (see ll-twin.h).
 *
 * Units are drawn from normal distributions around the product's means with
 * a random source seeded from a hash of (serial, bench seed). The receiver
 * follows the reference's PAM4 model: BER = 0.375 erfc(Q / sqrt 2) with Q
 * proportional to the received OMA in linear units, scaled so that the BER is
 * 2.4e-4 at the unit's sensitivity. Temperature moves, away from 25 C, launch
 * power (-0.005 dB/C: the laser's power control holds it), extinction ratio
 * (-0.005 dB/C), TDECQ (+0.006 dB/C), sensitivity (+0.01 dB/C) and bias
 * (+0.5 %/C: what the power control spends to hold the power). A laser
 * power trim (vendor page 81h) moves the launch power by its dB and the bias
 * in proportion. */
#include "ll-twin.h"
#include "ll-sim-device.h"

#include <math.h>
#include <string.h>

#define BER_AT_SENSITIVITY 2.4e-4

static const char *const defect_names[LL_DEFECT_COUNT] = {
  "weak-lane", "high-tdecq", "poor-sensitivity", "monitor-error",
  "power-over-class", "dead-lane", "corrupt-eeprom", "flaky-twi",
};

const char *
ll_defect_name(LlDefect d)
{
  return d < LL_DEFECT_COUNT ? defect_names[d] : "?";
}

gboolean
ll_defect_from_name(const char *name, LlDefect *d)
{
  for (int i = 0; i < LL_DEFECT_COUNT; i++)
    if (g_str_equal(name, defect_names[i])) {
      *d = (LlDefect) i;
      return TRUE;
    }
  return FALSE;
}

void
ll_defect_mix_default(LlDefectMix *mix)
{
  static const double p[LL_DEFECT_COUNT] = {
    [LL_DEFECT_WEAK_LANE] = 0.020, [LL_DEFECT_HIGH_TDECQ] = 0.015,
    [LL_DEFECT_POOR_SENSITIVITY] = 0.015, [LL_DEFECT_MONITOR_ERROR] = 0.010,
    [LL_DEFECT_POWER_OVER_CLASS] = 0.008, [LL_DEFECT_DEAD_LANE] = 0.006,
    [LL_DEFECT_CORRUPT_EEPROM] = 0.004, [LL_DEFECT_FLAKY_TWI] = 0.004,
  };
  memcpy(mix->p, p, sizeof p);
}

gboolean
ll_defect_mix_parse(const char *text, LlDefectMix *mix, GError **error)
{
  memset(mix, 0, sizeof *mix);
  if (g_str_equal(text, "default")) {
    ll_defect_mix_default(mix);
    return TRUE;
  }
  if (g_str_equal(text, "none") || !*text)
    return TRUE;
  g_auto(GStrv) items = g_strsplit(text, ",", -1);
  for (guint i = 0; items[i]; i++) {
    g_auto(GStrv) kv = g_strsplit(g_strstrip(items[i]), "=", 2);
    LlDefect d;
    char *end = NULL;
    double p = kv[1] ? g_ascii_strtod(kv[1], &end) : NAN;
    if (!ll_defect_from_name(kv[0], &d)) {
      g_autofree gchar *names = g_strjoinv(", ", (gchar **) defect_names);
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "unknown defect '%s' (known: %s)", kv[0], names);
      return FALSE;
    }
    if (!kv[1] || end == kv[1] || *end || !(p >= 0 && p <= 1)) {
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "defect %s needs a probability from 0 to 1, e.g. %s=0.02", kv[0], kv[0]);
      return FALSE;
    }
    mix->p[d] = p;
  }
  return TRUE;
}

/* Normal deviate (Box-Muller). */
static double
gauss(GRand *r)
{
  double u1 = g_rand_double_range(r, 1e-12, 1.0), u2 = g_rand_double(r);
  return sqrt(-2.0 * log(u1)) * cos(2 * G_PI * u2);
}

static guint32
seed_for(const char *serial, guint64 seed)
{
  guint32 h = 2166136261u; /* FNV-1a */
  for (const char *p = serial; *p; p++)
    h = (h ^ (guchar) *p) * 16777619u;
  for (int i = 0; i < 8; i++)
    h = (h ^ (guint8) (seed >> (8 * i))) * 16777619u;
  return h;
}

void
ll_twin_init(LlTwin *t, const LlProduct *product, const char *serial, guint64 seed,
             const LlDefectMix *mix)
{
  memset(t, 0, sizeof *t);
  t->product = product;
  g_strlcpy(t->serial, serial, sizeof t->serial);
  g_autoptr(GRand) r = g_rand_new_with_seed(seed_for(serial, seed));
  double unit_power_offset = 0.25 * gauss(r); /* lanes of one unit share a laser bin */
  for (guint i = 0; i < product->lanes; i++) {
    LlTwinLane *l = &t->lane[i];
    l->tx_power_dbm = product->tx_power_dbm + unit_power_offset + product->tx_power_sd * 0.8 * gauss(r);
    l->er_db = product->er_db + product->er_sd * gauss(r);
    double tdecq = product->tdecq_db + product->tdecq_sd * gauss(r);
    l->tdecq_db = MAX(0.6, tdecq);
    l->sens_oma_dbm = product->sens_oma_dbm + product->sens_sd * gauss(r);
    l->bias_ma = 45.0 * pow(10, (l->tx_power_dbm - product->tx_power_dbm) / 20) * (1 + 0.05 * gauss(r));
    /* uncalibrated monitors: within the +/-3 dB commonly promised (CLAMP
     * evaluates its argument more than once: draw first) */
    double tx_err = 0.9 * gauss(r), rx_err = 0.9 * gauss(r);
    l->txmon_error_db = CLAMP(tx_err, -2.8, 2.8);
    l->rxmon_error_db = CLAMP(rx_err, -2.8, 2.8);
  }
  t->power_w = product->typ_power_w * (1 + 0.03 * gauss(r));
  t->temp_rise_c = 3.0 + 0.8 * gauss(r);
  t->temp_mon_error_c = 0.8 * gauss(r);
  t->vcc_drop_v = 0.03 + 0.005 * gauss(r);
  t->noise_seed = g_rand_double(r);

  t->defect_lane = (guint) g_rand_int_range(r, 0, (gint32) product->lanes);
  for (int d = 0; mix && d < LL_DEFECT_COUNT; d++)
    if (g_rand_double(r) < mix->p[d])
      t->defects |= 1u << d;
  LlTwinLane *dl = &t->lane[t->defect_lane];
  if (ll_twin_has(t, LL_DEFECT_WEAK_LANE))
    dl->tx_power_dbm -= 3.5 + 0.5 * g_rand_double(r);
  if (ll_twin_has(t, LL_DEFECT_HIGH_TDECQ))
    dl->tdecq_db += 2.0 + 0.5 * g_rand_double(r);
  if (ll_twin_has(t, LL_DEFECT_POOR_SENSITIVITY))
    dl->sens_oma_dbm += 3.0 + 0.5 * g_rand_double(r);
  if (ll_twin_has(t, LL_DEFECT_DEAD_LANE))
    dl->dead = TRUE;
  if (ll_twin_has(t, LL_DEFECT_MONITOR_ERROR)) {
    double sign = g_rand_boolean(r) ? 1 : -1;
    for (guint i = 0; i < product->lanes; i++) {
      t->lane[i].rxmon_error_db = sign * (4.0 + 2.0 * g_rand_double(r));
      t->lane[i].txmon_error_db = sign * (4.0 + 2.0 * g_rand_double(r));
    }
  }
  if (ll_twin_has(t, LL_DEFECT_POWER_OVER_CLASS))
    t->power_w = product->max_power_w * (1.15 + 0.1 * g_rand_double(r));
}

gboolean
ll_twin_has(const LlTwin *t, LlDefect d)
{
  return (t->defects >> d) & 1;
}

double
ll_dbm_to_mw(double dbm)
{
  return pow(10.0, dbm / 10.0);
}

double
ll_mw_to_dbm(double mw)
{
  return mw > 0 ? 10.0 * log10(mw) : -INFINITY;
}

double
ll_oma_dbm(double avg_dbm, double er_db)
{
  double er = pow(10.0, er_db / 10.0);
  return ll_mw_to_dbm(2.0 * ll_dbm_to_mw(avg_dbm) * (er - 1) / (er + 1));
}

double
ll_pam4_ber(double q)
{
  return 0.375 * erfc(q / G_SQRT2);
}

/* Q at which the PAM4 BER equals @ber (bisection on the monotonic formula). */
static double
q_for_ber(double ber)
{
  double lo = 0, hi = 40;
  for (int i = 0; i < 100; i++) {
    double mid = (lo + hi) / 2;
    if (ll_pam4_ber(mid) > ber)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

double
ll_twin_tx_power_dbm(const LlTwin *t, guint lane, double case_c)
{
  if (lane >= t->product->lanes || t->lane[lane].dead)
    return -INFINITY;
  return t->lane[lane].tx_power_dbm + t->lane[lane].tx_trim_db - 0.005 * (case_c - 25.0);
}

double
ll_twin_er_db(const LlTwin *t, guint lane, double case_c)
{
  return t->lane[lane].er_db - 0.005 * (case_c - 25.0);
}

double
ll_twin_tx_oma_dbm(const LlTwin *t, guint lane, double case_c)
{
  return ll_oma_dbm(ll_twin_tx_power_dbm(t, lane, case_c), ll_twin_er_db(t, lane, case_c));
}

double
ll_twin_tdecq_db(const LlTwin *t, guint lane, double case_c)
{
  return t->lane[lane].tdecq_db + 0.006 * (case_c - 25.0);
}

double
ll_twin_bias_ma(const LlTwin *t, guint lane, double case_c)
{
  if (t->lane[lane].dead)
    return 0.0;
  /* the power control spends bias in proportion to the power trimmed */
  return t->lane[lane].bias_ma * pow(10.0, t->lane[lane].tx_trim_db / 10.0) *
         (1 + 0.005 * (case_c - 25.0));
}

double
ll_twin_sensitivity_dbm(const LlTwin *t, guint lane, double case_c)
{
  return t->lane[lane].sens_oma_dbm + 0.01 * (case_c - 25.0);
}

double
ll_twin_ber(const LlTwin *t, guint lane, double oma_dbm, double case_c)
{
  if (!isfinite(oma_dbm))
    return 0.5;
  static gsize once = 0;
  static double q_sens;
  if (g_once_init_enter(&once)) {
    q_sens = q_for_ber(BER_AT_SENSITIVITY);
    g_once_init_leave(&once, 1);
  }
  double q = q_sens * pow(10.0, (oma_dbm - ll_twin_sensitivity_dbm(t, lane, case_c)) / 10.0);
  return MIN(0.5, ll_pam4_ber(q));
}

double
ll_twin_power_w(const LlTwin *t, double case_c)
{
  return t->power_w * (1 + 0.002 * (case_c - 25.0));
}
