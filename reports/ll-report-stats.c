/* ll-report-stats.c: Cpk and Ppk in one pass, and histograms (see
 * ll-report-stats.h). The running mean and sum of squared deviations are
 * Welford's, which keep their precision for values with a large common
 * offset as the two-pass form of ll_summary_compute() does. */
#include "ll-report-stats.h"

#include <math.h>

void
ll_capability_acc_init(LlCapabilityAcc *acc)
{
  *acc = (LlCapabilityAcc) { 0, 0, 0, NAN, NAN, NAN, 0 };
}

void
ll_capability_acc_add(LlCapabilityAcc *acc, double v)
{
  if (isnan(v))
    return;
  acc->n++;
  double delta = v - acc->mean;
  acc->mean += delta / (double) acc->n;
  acc->m2 += delta * (v - acc->mean);
  if (acc->n == 1) {
    acc->min = acc->max = v;
  } else {
    acc->min = MIN(acc->min, v);
    acc->max = MAX(acc->max, v);
    acc->moving_range_sum += fabs(v - acc->last);
  }
  acc->last = v;
}

void
ll_capability_compute(const LlCapabilityAcc *acc, double low, double high, LlSummary *out)
{
  *out = (LlSummary) { 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  LlSummary *s = out;
  s->n = (guint) MIN(acc->n, G_MAXUINT);
  if (!acc->n)
    return;
  s->mean = acc->mean;
  s->min = acc->min;
  s->max = acc->max;
  if (acc->n < 2)
    return;
  s->stddev = sqrt(acc->m2 / (double) (acc->n - 1));
  out->ppk = ll_cpk(s->mean, s->stddev, low, high);
  out->sigma_within = acc->moving_range_sum / (double) (acc->n - 1) / LL_MOVING_RANGE_D2;
  out->cpk = ll_cpk(s->mean, out->sigma_within, low, high);
}

guint
ll_histogram_bins_for(guint64 n, double min, double max)
{
  if (!(max > min))
    return 1;
  return (guint) CLAMP(ceil(sqrt((double) n)), 5, 30);
}

void
ll_histogram_init(LlHistogram *h, double min, double max, guint n_bins)
{
  h->min = min;
  h->n_bins = MAX(n_bins, 1);
  h->width = max > min ? (max - min) / h->n_bins : 0;
  h->counts = g_new0(guint64, h->n_bins);
}

void
ll_histogram_clear(LlHistogram *h)
{
  g_clear_pointer(&h->counts, g_free);
}

void
ll_histogram_add(LlHistogram *h, double v)
{
  if (!isfinite(v))
    return;
  double k = h->width > 0 ? floor((v - h->min) / h->width) : 0;
  h->counts[(guint) CLAMP(k, 0, (double) (h->n_bins - 1))]++;
}
