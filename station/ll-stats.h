/* ll-stats.h: descriptive statistics and process capability of a set of
 * measured values in run order: n, mean, sample standard deviation, min,
 * max, and two capability indices against the limits:
 * - Ppk, from the overall sample standard deviation s of all the values
 *   (the performance the lot showed);
 * - Cpk, from the within (short-term) standard deviation estimated from
 *   the average moving range of consecutive values in run order,
 *   MR-bar / d2 with d2 = 1.128 (subgroups of one unit, as for an
 *   individuals chart).
 * A process in control has Cpk close to Ppk; Cpk well above Ppk says the
 * values drifted or shifted between units. Pure functions; the results
 * store's statistics (ll_store_stats()), `lightline stats`, the reports and
 * the station application all use them, so they state the same numbers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* d2 for moving ranges of two consecutive values */
#define LL_MOVING_RANGE_D2 1.128

typedef struct {
  guint n;
  double mean;         /* NAN when n is 0 */
  double stddev;       /* sample standard deviation (n - 1); NAN when n < 2 */
  double min, max;     /* NAN when n is 0 */
  double sigma_within; /* MR-bar / d2; NAN when n < 2 */
  double cpk;          /* against sigma_within; NAN when it cannot be told (see ll_cpk()) */
  double ppk;          /* against stddev; NAN likewise */
} LlSummary;

/* The capability index of a process of @mean and @stddev against @low and
 * @high (either may be NAN: no limit on that side; the one-sided index is
 * used): Cpk with the within standard deviation, Ppk with the overall one.
 * NAN when there is no limit or @stddev is not > 0 (or not a number).
 * Negative when the mean is outside the limits. */
double ll_cpk(double mean, double stddev, double low, double high);

/* The summary of the @n @values, in run order, against @low and @high
 * (NAN: none). NaN values are left out (the moving range then joins the
 * values either side of them). */
void ll_summary_compute(const double *values, gsize n, double low, double high, LlSummary *out);

G_END_DECLS
