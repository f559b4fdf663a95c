/* ll-stats.c: see ll-stats.h. The mean and the deviations are computed in
 * two passes (the sum of squared deviations from the mean, not the
 * difference of two large sums), so values with a large common offset (a
 * wavelength, a power near -3 dBm with 1e-4 spread) keep their precision. */
#include "ll-stats.h"

#include <math.h>

double
ll_cpk(double mean, double stddev, double low, double high)
{
  if (!isfinite(mean) || !isfinite(stddev) || stddev <= 0 || (isnan(low) && isnan(high)))
    return NAN;
  double upper = isnan(high) ? INFINITY : (high - mean) / (3 * stddev);
  double lower = isnan(low) ? INFINITY : (mean - low) / (3 * stddev);
  return MIN(upper, lower);
}

void
ll_summary_compute(const double *values, gsize n, double low, double high, LlSummary *out)
{
  *out = (LlSummary) { 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  double sum = 0, moving_range_sum = 0, last = NAN;
  for (gsize i = 0; i < n; i++) {
    if (isnan(values[i]))
      continue;
    if (!out->n || values[i] < out->min)
      out->min = values[i];
    if (!out->n || values[i] > out->max)
      out->max = values[i];
    sum += values[i];
    if (out->n)
      moving_range_sum += fabs(values[i] - last);
    last = values[i];
    out->n++;
  }
  if (!out->n)
    return;
  out->mean = sum / out->n;
  if (out->n < 2)
    return;
  double squares = 0;
  for (gsize i = 0; i < n; i++)
    if (!isnan(values[i]))
      squares += (values[i] - out->mean) * (values[i] - out->mean);
  out->stddev = sqrt(squares / (out->n - 1));
  out->ppk = ll_cpk(out->mean, out->stddev, low, high);
  out->sigma_within = moving_range_sum / (out->n - 1) / LL_MOVING_RANGE_D2;
  out->cpk = ll_cpk(out->mean, out->sigma_within, low, high);
}
