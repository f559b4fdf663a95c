/* ll-report-stats.h: process capability as the lot report states it,
 * computed in one pass over values in run order with memory that does not
 * grow with the number of values.
 *
 * Cpk, Ppk and the within standard deviation are those of ll-stats.h
 * (ll_summary_compute() gives the same numbers from an array). */
#pragma once

#include "ll-stats.h"

G_BEGIN_DECLS

typedef struct {
  guint64 n;
  double mean, m2;           /* running mean and sum of squared deviations (Welford) */
  double min, max;
  double last;               /* the previous value, for the moving range */
  double moving_range_sum;   /* sum of |x[i] - x[i-1]| */
} LlCapabilityAcc;

void ll_capability_acc_init(LlCapabilityAcc *acc);
/* Adds @v (NaN is left out). */
void ll_capability_acc_add(LlCapabilityAcc *acc, double v);
/* The capability of what was added against @low and @high (NAN: none). */
void ll_capability_compute(const LlCapabilityAcc *acc, double low, double high, LlSummary *out);

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
