/* ll-ber-stats.h: the statistics of a bit-error-ratio measurement
 * (reference section 3). Errors in N bits at a true BER p are Poisson with
 * mean N p. The confidence that the true BER is below a target p_t after E
 * errors in N bits is
 *     CL = 1 - sum_{k=0..E} (N p_t)^k e^(-N p_t) / k!
 * A measurement can stop as soon as its verdict is decided: PASS once CL
 * reaches the asked confidence; FAIL once so many errors were seen that even
 * a BER equal to the target would produce that many with probability below
 * 1 - confidence. Pure functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LL_BER_UNDECIDED, /* keep gating */
  LL_BER_PASS,      /* BER < target at the confidence */
  LL_BER_FAIL,      /* BER > target at the confidence */
} LlBerVerdict;

/* P(X <= errors) for X ~ Poisson(@mean). */
double ll_poisson_cdf(double errors, double mean);

/* Confidence that the true BER is below @target after @errors in @bits. */
double ll_ber_confidence(double bits, double errors, double target);

/* The bits needed, with @errors seen, for the confidence to reach
 * @confidence at @target (the reference's table: 0 errors at 95 % needs
 * 3.00 / target). */
double ll_ber_bits_needed(double errors, double target, double confidence);

/* Upper bound of the BER at @confidence after @errors in @bits (the BER
 * that would make seeing at most @errors as unlikely as 1 - confidence).
 * +INFINITY when @bits is 0. */
double ll_ber_upper_bound(double bits, double errors, double confidence);

/* The verdict so far. */
LlBerVerdict ll_ber_decide(double bits, double errors, double target, double confidence);

const char *ll_ber_verdict_name(LlBerVerdict v);

G_END_DECLS
