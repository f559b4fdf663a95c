/* test-twin.c: the physics of simulated modules: per-unit variation that is
 * deterministic for a serial number, a receiver whose BER falls monotonically
 * as the received OMA rises and crosses 2.4e-4 at the unit's sensitivity,
 * a plausible sensitivity spread per product, monitor errors within what the
 * defect mix says, OMA from power and extinction ratio, and defects drawn at
 * the rates of the mix. */
#include "sim/ll-twin.h"

#include <math.h>
#include <string.h>

static const LlProduct *
product(const char *id)
{
  const LlProduct *p = ll_product_lookup(id);
  g_assert_nonnull(p);
  return p;
}

static void
test_deterministic(void)
{
  LlDefectMix mix;
  ll_defect_mix_default(&mix);
  LlTwin a, b, c;
  ll_twin_init(&a, product("800G-DR8"), "LL26A0001", 7, &mix);
  ll_twin_init(&b, product("800G-DR8"), "LL26A0001", 7, &mix);
  ll_twin_init(&c, product("800G-DR8"), "LL26A0002", 7, &mix);
  g_assert_cmpmem(&a, sizeof a, &b, sizeof b);
  g_assert_cmpfloat(a.lane[0].tx_power_dbm, !=, c.lane[0].tx_power_dbm);
  LlTwin d;
  ll_twin_init(&d, product("800G-DR8"), "LL26A0001", 8, &mix); /* another bench seed */
  g_assert_cmpfloat(a.lane[0].tx_power_dbm, !=, d.lane[0].tx_power_dbm);
}

static void
test_ber_monotonic(void)
{
  LlTwin t;
  ll_twin_init(&t, product("800G-DR8"), "LL26B0001", 1, NULL);
  for (guint lane = 0; lane < 8; lane++) {
    double prev = 1.0;
    for (double oma = -12; oma <= 0; oma += 0.05) {
      double ber = ll_twin_ber(&t, lane, oma, 25);
      g_assert_cmpfloat(ber, <=, prev);
      g_assert_cmpfloat(ber, >=, 0);
      prev = ber;
    }
    g_assert_cmpfloat(prev, <, 1e-12); /* plenty of light: essentially error free */
    double s = ll_twin_sensitivity_dbm(&t, lane, 25);
    g_assert_cmpfloat_with_epsilon(ll_twin_ber(&t, lane, s, 25), 2.4e-4, 1e-6);
    g_assert_cmpfloat(ll_twin_ber(&t, lane, s - 1, 25), >, 2.4e-4);
    g_assert_cmpfloat(ll_twin_ber(&t, lane, s + 1, 25), <, 2.4e-4);
  }
  g_assert_cmpfloat(ll_twin_ber(&t, 0, -INFINITY, 25), ==, 0.5);
  /* hot units are less sensitive */
  g_assert_cmpfloat(ll_twin_sensitivity_dbm(&t, 0, 75), >, ll_twin_sensitivity_dbm(&t, 0, 25));
}

static void
test_pam4_formula(void)
{
  g_assert_cmpfloat_with_epsilon(ll_pam4_ber(0), 0.375, 1e-12);
  g_assert_cmpfloat_with_epsilon(ll_pam4_ber(3), 0.375 * erfc(3 / G_SQRT2), 1e-15);
  /* OMA = 2 Pavg (ER-1)/(ER+1): 0 dBm average, ER 5 dB (3.162) -> 1.0388 mW */
  g_assert_cmpfloat_with_epsilon(ll_oma_dbm(0, 5), 10 * log10(2 * (pow(10, 0.5) - 1) / (pow(10, 0.5) + 1)), 1e-9);
  g_assert_cmpfloat(ll_mw_to_dbm(0), ==, -INFINITY);
}

/* Mean and standard deviation of lane sensitivities over @n units. */
static void
population(const char *id, guint n, double *mean, double *sd, double *txmon_max_db)
{
  double sum = 0, sum2 = 0, mon = 0;
  guint k = 0;
  for (guint u = 0; u < n; u++) {
    g_autofree gchar *sn = g_strdup_printf("P%06u", u);
    LlTwin t;
    ll_twin_init(&t, product(id), sn, 3, NULL);
    for (guint l = 0; l < t.product->lanes; l++, k++) {
      double s = ll_twin_sensitivity_dbm(&t, l, 25);
      sum += s;
      sum2 += s * s;
      mon = MAX(mon, fabs(t.lane[l].txmon_error_db));
      mon = MAX(mon, fabs(t.lane[l].rxmon_error_db));
    }
  }
  *mean = sum / k;
  *sd = sqrt(sum2 / k - *mean * *mean);
  *txmon_max_db = mon;
}

static void
test_sensitivity_spread(void)
{
  double mean, sd, mon;
  population("800G-DR8", 500, &mean, &sd, &mon);
  g_test_message("800G-DR8 sensitivity %.2f +/- %.2f dBm, worst monitor error %.2f dB", mean, sd, mon);
  /* IEEE 802.3 DR receivers: sensitivity (OMA) max -4.4 dBm; a good population sits ~2 dB inside */
  g_assert_cmpfloat(mean, <, -5.5);
  g_assert_cmpfloat(mean, >, -8.0);
  g_assert_cmpfloat(sd, >, 0.15);
  g_assert_cmpfloat(sd, <, 0.8);
  /* without the monitor-error defect the monitors stay within +/-3 dB */
  g_assert_cmpfloat(mon, <=, 3.0);

  population("1.6T-DR8", 300, &mean, &sd, &mon);
  g_test_message("1.6T-DR8 sensitivity %.2f +/- %.2f dBm", mean, sd);
  g_assert_cmpfloat(mean, >, -6.0); /* 200G lanes need more light */
  g_assert_cmpfloat(mean, <, -3.5);
}

static void
test_defects(void)
{
  LlDefectMix mix = { 0 };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_defect_mix_parse("monitor-error=1,dead-lane=0.5", &mix, &err));
  guint dead = 0;
  for (guint u = 0; u < 400; u++) {
    g_autofree gchar *sn = g_strdup_printf("D%06u", u);
    LlTwin t;
    ll_twin_init(&t, product("800G-DR8"), sn, 5, &mix);
    g_assert_true(ll_twin_has(&t, LL_DEFECT_MONITOR_ERROR));
    for (guint l = 0; l < 8; l++)
      g_assert_cmpfloat(fabs(t.lane[l].rxmon_error_db), >=, 4.0); /* beyond the +/-3 dB spec */
    if (ll_twin_has(&t, LL_DEFECT_DEAD_LANE)) {
      dead++;
      g_assert_cmpfloat(ll_twin_tx_power_dbm(&t, t.defect_lane, 25), ==, -INFINITY);
    }
    g_assert_false(ll_twin_has(&t, LL_DEFECT_WEAK_LANE));
  }
  g_assert_cmpuint(dead, >, 160);
  g_assert_cmpuint(dead, <, 240);

  g_assert_false(ll_defect_mix_parse("weak-lane=2", &mix, &err));
  g_clear_error(&err);
  g_assert_false(ll_defect_mix_parse("weak-lan=0.1", &mix, &err));
  g_assert_nonnull(strstr(err->message, "unknown defect 'weak-lan'"));
  g_clear_error(&err);
  g_assert_true(ll_defect_mix_parse("none", &mix, &err));
  g_assert_cmpfloat(mix.p[LL_DEFECT_WEAK_LANE], ==, 0);
}

static void
test_power_and_temperature(void)
{
  LlDefectMix mix = { 0 };
  mix.p[LL_DEFECT_POWER_OVER_CLASS] = 1;
  LlTwin t, good;
  ll_twin_init(&t, product("800G-DR8"), "W0001", 1, &mix);
  ll_twin_init(&good, product("800G-DR8"), "W0001", 1, NULL);
  g_assert_cmpfloat(ll_twin_power_w(&t, 25), >, t.product->max_power_w);
  g_assert_cmpfloat(ll_twin_power_w(&good, 25), <, good.product->max_power_w);
  /* lasers lose power hot */
  g_assert_cmpfloat(ll_twin_tx_power_dbm(&good, 0, 75), <, ll_twin_tx_power_dbm(&good, 0, 25));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/twin/deterministic", test_deterministic);
  g_test_add_func("/twin/ber-monotonic", test_ber_monotonic);
  g_test_add_func("/twin/pam4-formula", test_pam4_formula);
  g_test_add_func("/twin/sensitivity-spread", test_sensitivity_spread);
  g_test_add_func("/twin/defects", test_defects);
  g_test_add_func("/twin/power-temperature", test_power_and_temperature);
  return g_test_run();
}
