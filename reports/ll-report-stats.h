/* ll-report-stats.h: process capability as the lot report states it,
 * computed in one pass over values in run order with memory that does not
 * grow with the number of values.
 *
 * Two indices against the same limits (ll_cpk() of station/ll-stats.h):
 * - Ppk, from the overall sample standard deviation s of all the values
 *   (the performance the lot showed; ll_store_stats() calls this Cpk);
 * - Cpk, from the within (short-term) standard deviation estimated from
 *   the average moving range of consecutive values in run order,
 *   MR-bar / d2 with d2 = 1.128 (subgroups of one unit, as for an
 *   individuals chart).
 * A process in control has Cpk close to Ppk; Cpk well above Ppk says the
 * lot drifted or shifted between units. */
#pragma once

#include "ll-stats.h"

G_BEGIN_DECLS

/* d2 for moving ranges of two consecutive values */
#define LL_MOVING_RANGE_D2 1.128

typedef struct {
  guint64 n;
  double mean, m2;           /* running mean and sum of squared deviations (Welford) */
  double min, max;
  double last;               /* the previous value, for the moving range */
  double moving_range_sum;   /* sum of |x[i] - x[i-1]| */
} LlCapabilityAcc;

typedef struct {
  LlSummary summary;         /* n, mean, sample standard deviation, min, max; cpk = Ppk */
  double sigma_within;       /* MR-bar / d2; NAN when n < 2 */
  double cpk;                /* against sigma_within */
  double ppk;                /* against the overall standard deviation */
} LlCapability;

void ll_capability_acc_init(LlCapabilityAcc *acc);
/* Adds @v (NaN is left out). */
void ll_capability_acc_add(LlCapabilityAcc *acc, double v);
/* The capability of what was added against @low and @high (NAN: none). */
void ll_capability_compute(const LlCapabilityAcc *acc, double low, double high, LlCapability *out);

/* Ppk of @summary (its mean and sample standard deviation) against @low
 * and @high. */
double ll_ppk(const LlSummary *summary, double low, double high);

/* A histogram of values between @min and @max in @n_bins bins of equal
 * width (the last bin holds @max). */
typedef struct {
  double min, width;
  guint n_bins;
  guint64 *counts;
} LlHistogram;

/* How many bins suit @n values: about sqrt(n), from 5 to 30; 1 when all
 * values are equal (@min == @max). */
guint ll_histogram_bins_for(guint64 n, double min, double max);
void ll_histogram_init(LlHistogram *h, double min, double max, guint n_bins);
void ll_histogram_clear(LlHistogram *h);
void ll_histogram_add(LlHistogram *h, double v);

G_END_DECLS
