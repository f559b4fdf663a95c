/* ll-ber-stats.c: see ll-ber-stats.h. Below a few hundred errors the
 * Poisson CDF is summed exactly, term by term in log space; above, it uses
 * the Wilson-Hilferty approximation of the equivalent chi-square tail
 * (P(X <= k; m) = P(chi2 with 2(k+1) degrees > 2m)), accurate to a few 1e-4
 * there and constant-time, so a detector that counted a billion errors is
 * judged at once. The upper bound inverts it in closed form above that
 * count and by bisection below (the CDF falls monotonically with the mean). */
#include "ll-ber-stats.h"

#include <math.h>

#define EXACT_MAX_ERRORS 300

/* P(chi2_nu > x) by Wilson-Hilferty. */
static double
chi2_upper_tail(double nu, double x)
{
  double v = 2.0 / (9.0 * nu);
  double z = (cbrt(x / nu) - (1.0 - v)) / sqrt(v);
  return 0.5 * erfc(z / G_SQRT2);
}

/* The standard normal quantile for @p, by bisection on erfc. */
static double
normal_quantile(double p)
{
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; i++) {
    double mid = (lo + hi) / 2;
    if (0.5 * erfc(-mid / G_SQRT2) < p)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

double
ll_poisson_cdf(double errors, double mean)
{
  if (errors < 0)
    return 0;
  if (mean <= 0)
    return 1;
  double k_max = floor(errors);
  if (k_max > EXACT_MAX_ERRORS)
    return chi2_upper_tail(2 * (k_max + 1), 2 * mean);
  /* sum_{k=0..K} e^-m m^k / k!, each term from the last */
  double log_term = -mean, sum = exp(log_term);
  for (double k = 1; k <= k_max; k++) {
    log_term += log(mean) - log(k);
    double term = exp(log_term);
    sum += term;
    if (k > mean && term < sum * 1e-17)
      break;
  }
  return MIN(1.0, sum);
}

double
ll_ber_confidence(double bits, double errors, double target)
{
  return 1.0 - ll_poisson_cdf(errors, bits * target);
}

/* Smallest mean m with P(X <= errors; m) <= 1 - confidence. */
static double
mean_for(double errors, double confidence)
{
  if (floor(errors) > EXACT_MAX_ERRORS) {
    /* Wilson-Hilferty inverted: the chi2 quantile at @confidence, halved */
    double nu = 2 * (floor(errors) + 1), v = 2.0 / (9.0 * nu);
    double z = normal_quantile(confidence);
    return nu / 2 * pow(1.0 - v + z * sqrt(v), 3);
  }
  double lo = 0, hi = MAX(1.0, errors) * 4 + 50;
  while (ll_poisson_cdf(errors, hi) > 1 - confidence)
    hi *= 2;
  for (int i = 0; i < 200; i++) {
    double mid = (lo + hi) / 2;
    if (ll_poisson_cdf(errors, mid) > 1 - confidence)
      lo = mid;
    else
      hi = mid;
  }
  return hi;
}

double
ll_ber_bits_needed(double errors, double target, double confidence)
{
  return mean_for(errors, confidence) / target;
}

double
ll_ber_upper_bound(double bits, double errors, double confidence)
{
  if (bits <= 0)
    return INFINITY;
  return mean_for(errors, confidence) / bits;
}

LlBerVerdict
ll_ber_decide(double bits, double errors, double target, double confidence)
{
  if (bits <= 0)
    return LL_BER_UNDECIDED;
  if (ll_ber_confidence(bits, errors, target) >= confidence)
    return LL_BER_PASS;
  /* would a BER equal to the target give this many errors (or more)? */
  double p_at_least = 1.0 - ll_poisson_cdf(errors - 1, bits * target);
  if (p_at_least < 1.0 - confidence)
    return LL_BER_FAIL;
  return LL_BER_UNDECIDED;
}

const char *
ll_ber_verdict_name(LlBerVerdict v)
{
  switch (v) {
  case LL_BER_PASS:
    return "pass";
  case LL_BER_FAIL:
    return "fail";
  default:
    return "undecided";
  }
}
