/* ll-ber-stats.c: see ll-ber-stats.h. The Poisson CDF is summed term by
 * term with each term carried in log space, so large means and counts
 * neither overflow nor underflow the terms that matter; it is inverted by
 * bisection, which is safe because the CDF falls monotonically with the mean. */
#include "ll-ber-stats.h"

#include <math.h>

double
ll_poisson_cdf(double errors, double mean)
{
  if (errors < 0)
    return 0;
  if (mean <= 0)
    return 1;
  double k_max = floor(errors);
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
