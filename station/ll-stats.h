/* ll-stats.h: descriptive statistics and process capability of a set of
 * measured values: n, mean, sample standard deviation, min, max and Cpk
 * against the limits. Pure functions; the results store's statistics
 * (ll_store_stats()) and the reports use them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint n;
  double mean;     /* NAN when n is 0 */
  double stddev;   /* sample standard deviation (n - 1); NAN when n < 2 */
  double min, max; /* NAN when n is 0 */
  double cpk;      /* NAN when it cannot be told (see ll_cpk()) */
} LlSummary;

/* Cpk of a process of @mean and @stddev against @low and @high (either may
 * be NAN: no limit on that side; the one-sided index is used). NAN when
 * there is no limit or @stddev is not > 0 (or not a number). Negative when
 * the mean is outside the limits. */
double ll_cpk(double mean, double stddev, double low, double high);

/* The summary of the @n @values against @low and @high (NAN: none). NaN
 * values are left out. */
void ll_summary_compute(const double *values, gsize n, double low, double high, LlSummary *out);

G_END_DECLS
