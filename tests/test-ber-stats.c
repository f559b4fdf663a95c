/* test-ber-stats.c: BER statistics against the reference's table of bits
 * needed (as N x target) for 0, 1, 2, 3, 10 errors at 90/95/99 %, and the
 * early-stop verdicts. */
#include "ll-ber-stats.h"

#include <math.h>

static void
test_table(void)
{
  static const struct { double errors, c90, c95, c99; } table[] = {
    { 0, 2.30, 3.00, 4.61 }, { 1, 3.89, 4.74, 6.64 }, { 2, 5.32, 6.30, 8.41 },
    { 3, 6.68, 7.75, 10.05 }, { 10, 15.4, 17.0, 20.1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
    double t = 1e-12;
    g_assert_cmpfloat_with_epsilon(ll_ber_bits_needed(table[i].errors, t, 0.90) * t, table[i].c90, 0.01 * table[i].c90);
    g_assert_cmpfloat_with_epsilon(ll_ber_bits_needed(table[i].errors, t, 0.95) * t, table[i].c95, 0.01 * table[i].c95);
    g_assert_cmpfloat_with_epsilon(ll_ber_bits_needed(table[i].errors, t, 0.99) * t, table[i].c99, 0.01 * table[i].c99);
  }
  /* 1e-12 at 95 % with no errors: 3e12 bits, about 28 s at 106.25 Gb/s */
  double bits = ll_ber_bits_needed(0, 1e-12, 0.95);
  g_assert_cmpfloat_with_epsilon(bits / 106.25e9, 28.2, 0.1);
}

static void
test_confidence(void)
{
  g_assert_cmpfloat_with_epsilon(ll_ber_confidence(3e12, 0, 1e-12), 1 - exp(-3), 1e-12);
  g_assert_cmpfloat(ll_ber_confidence(0, 0, 1e-12), ==, 0);
  g_assert_cmpfloat_with_epsilon(ll_poisson_cdf(0, 2), exp(-2), 1e-15);
  g_assert_cmpfloat_with_epsilon(ll_poisson_cdf(2, 2), exp(-2) * (1 + 2 + 2), 1e-15);
  /* large counts stay finite and sensible, and the two methods meet at the seam */
  g_assert_cmpfloat_with_epsilon(ll_poisson_cdf(10000, 10000), 0.5, 0.01);
  for (double m = 250; m < 400; m += 10) {
    double pmf301 = exp(301 * log(m) - m - lgamma(302));
    g_assert_cmpfloat_with_epsilon(ll_poisson_cdf(301, m), ll_poisson_cdf(300, m) + pmf301, 0.002);
  }
  /* a billion errors is judged at once (this would take minutes term by term) */
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpfloat(ll_poisson_cdf(1e9, 2.5e9), <, 1e-12);
  double ub = ll_ber_upper_bound(2e9, 1e9, 0.95);
  g_assert_cmpfloat(ub, >, 0.5);
  g_assert_cmpfloat(ub, <, 0.5001);
  g_test_message("large counts took %" G_GINT64_FORMAT " us", g_get_monotonic_time() - t0);
}

static void
test_upper_bound(void)
{
  /* no errors in 3e12 bits: 95 % upper bound 1e-12 */
  g_assert_cmpfloat_with_epsilon(ll_ber_upper_bound(3e12, 0, 0.95) * 1e12, 0.9986, 0.001);
  /* many errors: the bound approaches the measured ratio from above */
  double ub = ll_ber_upper_bound(1e8, 24000, 0.95);
  g_assert_cmpfloat(ub, >, 2.4e-4);
  g_assert_cmpfloat(ub, <, 2.5e-4);
  g_assert_cmpfloat(ll_ber_upper_bound(0, 0, 0.95), ==, INFINITY);
}

static void
test_decide(void)
{
  double t = 1e-12, c = 0.95;
  g_assert_cmpint(ll_ber_decide(0, 0, t, c), ==, LL_BER_UNDECIDED);
  g_assert_cmpint(ll_ber_decide(2.9e12, 0, t, c), ==, LL_BER_UNDECIDED);
  g_assert_cmpint(ll_ber_decide(3.01e12, 0, t, c), ==, LL_BER_PASS);
  g_assert_cmpint(ll_ber_decide(3.01e12, 1, t, c), ==, LL_BER_UNDECIDED);
  g_assert_cmpint(ll_ber_decide(4.8e12, 1, t, c), ==, LL_BER_PASS);
  /* errors coming fast: 10 errors in 1e12 bits at a 1e-12 target is a sure fail */
  g_assert_cmpint(ll_ber_decide(1e12, 10, t, c), ==, LL_BER_FAIL);
  g_assert_cmpint(ll_ber_decide(1e12, 2, t, c), ==, LL_BER_UNDECIDED);
  /* at 2.4e-4 a few kbit decide */
  g_assert_cmpint(ll_ber_decide(20000, 0, 2.4e-4, c), ==, LL_BER_PASS);
  g_assert_cmpint(ll_ber_decide(20000, 20, 2.4e-4, c), ==, LL_BER_FAIL);
  /* decided verdicts never contradict the measured ratio at large counts */
  g_assert_cmpint(ll_ber_decide(1e9, 1e9 * 3e-4, 2.4e-4, c), ==, LL_BER_FAIL);
  g_assert_cmpint(ll_ber_decide(1e9, 1e9 * 2e-4, 2.4e-4, c), ==, LL_BER_PASS);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ber-stats/table", test_table);
  g_test_add_func("/ber-stats/confidence", test_confidence);
  g_test_add_func("/ber-stats/upper-bound", test_upper_bound);
  g_test_add_func("/ber-stats/decide", test_decide);
  return g_test_run();
}
