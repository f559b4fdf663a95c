/* ll-actions-rx.c: the receiver actions, per lane, and the receivers' light
 * (ll-actions-private.h): the reference transmitter through the attenuator,
 * a 95/5 tap whose 5 % goes to the reference meter, and switch section 2
 * channel (site - 1) * 8 + lane to the lane's receiver. The received average
 * power is estimated as the reference meter's reading plus the lane's RX
 * path offset (the tap's 13 dB less the through loss, the switch and the
 * fibre: about 11.5 dB on the simulated bench): its path-loss calibration
 * when the run has one, else the step parameter rx_path_offset. Powers
 * derived from the estimate are reported with the reference reading as
 * their raw value. BERT channel (site - 1) * 8 + lane checks what the
 * lane's receiver recovers.
 *
 *   rx.ber          the BER at a stated received power, gated until its
 *                   verdict is decided at the stated confidence
 *   rx.sensitivity  the received OMA at which the BER crosses a target
 *
 * Leveling. The attenuator is moved by the difference between the estimate
 * and the power wanted, which settles (the driver waits for it), and the
 * reference meter read again; the estimate follows the attenuation dB for
 * dB, so one move normally suffices; a few are allowed.
 *
 * BER by confidence (reference section 3, ll-ber-stats.h). rx.ber starts
 * the error detector's gating and looks at the counts every 100 ms of
 * station time until ll_ber_decide() says pass or fail at the confidence,
 * or max_gating has gone by. An undecided result is measured and reported
 * as such, but ber_verdict_pass is only true for a decided pass. A
 * detector without pattern synchronisation (no light, a receiver that
 * recovers nothing) is the DUT's matter: BER 0.5, not a station fault.
 *
 * Sensitivity. From start_power (high) downwards in steps of `step` dB
 * until the BER exceeds the target (a coarse sweep), then bisection of the
 * last step down to `resolution` dB; every point is gated for `gating`
 * seconds (short: at 2.4e-4 a few hundred kbit decide a point, and a
 * lane gives 1e8 bits per millisecond) and noted. The sensitivity is then
 * read off a least-squares line of log10(-log10(BER)) against the received
 * OMA in dBm through the points visited whose BER lies between 1e-5 and
 * 1e-3 (at least three, spanning the target), solved for the target; with
 * fewer points, the same line through the two points bracketing the
 * target. OMA is the estimated average power converted with the reference
 * transmitter's extinction ratio (ref_er, 5 dB by default):
 * OMA = 2 Pavg (ER - 1) / (ER + 1). A receiver already above the target at
 * start_power, or still below it at stop_power, has no sensitivity in the
 * range: sensitivity_found = false and no sensitivity is reported.
 *
 * Every exit, normal or not, leaves the attenuator at a high attenuation
 * and the error detector's gating stopped. */
#include "ll-actions-private.h"
#include "ll-ber-stats.h"

#include <gio/gio.h>
#include <math.h>

#define SAFE_ATTENUATION_DB 40.0
#define MIN_ATTENUATION_DB 0.0
#define MAX_ATTENUATION_DB 60.0
#define LEVEL_MAX_MOVES 4
#define POLL_US (100 * 1000)
/* the window of BERs the sensitivity fit uses */
#define FIT_MIN_BER 1e-5
#define FIT_MAX_BER 1e-3
#define FIT_MIN_POINTS 3
#define MAX_BISECTIONS 12

/* ---- the receivers' light ---- */

void
ll_actions_rx_light_lane(LlActionContext *ctx, LlRxLight *light, guint lane)
{
  LlPathOffset offset = ll_actions_path_offset(ctx, LL_PATH_RX, lane, "rx_path_offset");
  if (!isnan(light->estimate_dbm))
    light->estimate_dbm += offset.db - light->offset.db;
  light->offset = offset;
}

gboolean
ll_actions_rx_light_begin(LlActionContext *ctx, LlRxLight *light, guint lane, GError **error)
{
  *light = (LlRxLight) {
    .att_channel = (guint) ll_action_param_number(ctx, "attenuator_channel"),
    .meter = {
      .channel = (guint) ll_action_param_number(ctx, "ref_meter_channel"),
      .wavelength_nm = ll_action_param_number(ctx, "ref_wavelength"),
      .averaging_s = ll_action_param_number(ctx, "averaging"),
    },
    .offset = ll_actions_path_offset(ctx, LL_PATH_RX, lane, "rx_path_offset"),
    .attenuation_db = NAN,
    .estimate_dbm = NAN,
  };
  light->att = ll_actions_need_attenuator(ctx, error);
  light->pm = light->att ? ll_actions_need_power_meter(ctx, error) : NULL;
  if (!light->pm)
    return FALSE;
  double db;
  if (!ll_attenuator_set_wavelength(light->att, light->att_channel, light->meter.wavelength_nm,
                                    error) ||
      !ll_attenuator_get_db(light->att, light->att_channel, &db, error) ||
      !ll_attenuator_set_output(light->att, light->att_channel, TRUE, error))
    return FALSE;
  light->attenuation_db = db;
  return TRUE;
}

gboolean
ll_actions_rx_light_set(LlActionContext *ctx, LlRxLight *light, double dbm, double tolerance_db,
                        double *reached, GError **error)
{
  for (guint moves = 0;; moves++) {
    if (isnan(light->estimate_dbm)) {
      double ref;
      if (!ll_actions_meter_read(light->pm, &light->meter, &ref, error))
        return FALSE;
      light->estimate_dbm = ref + light->offset.db;
    }
    double diff = light->estimate_dbm - dbm;
    if (fabs(diff) <= tolerance_db) {
      *reached = light->estimate_dbm;
      return TRUE;
    }
    double want = CLAMP(light->attenuation_db + diff, MIN_ATTENUATION_DB, MAX_ATTENUATION_DB);
    if (moves == LEVEL_MAX_MOVES || fabs(want - light->attenuation_db) < 0.001) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                  "the attenuator cannot bring the received power to %.2f dBm: %.2f dBm at "
                  "%.2f dB after %u moves", dbm, light->estimate_dbm, light->attenuation_db, moves);
      return FALSE;
    }
    if (!ll_actions_check_cancelled(ctx, error) ||
        !ll_attenuator_set_db(light->att, light->att_channel, want, error))
      return FALSE;
    light->attenuation_db = want;
    light->estimate_dbm = NAN;
  }
}

gboolean
ll_actions_rx_light_end(LlRxLight *light, GError **error)
{
  if (!light->att)
    return TRUE;
  if (!ll_attenuator_set_db(light->att, light->att_channel, SAFE_ATTENUATION_DB, error))
    return FALSE;
  light->attenuation_db = SAFE_ATTENUATION_DB;
  light->estimate_dbm = NAN;
  return TRUE;
}

#define RX_PATTERN_PARAM                                                                         \
  { "pattern", LL_PARAM_PATTERN, LL_UNIT_NONE, FALSE, "PRBS31Q", FALSE, FALSE, 0, 0,             \
    "the pattern the error detector expects: the reference transmitter's" }

static const char *const rx_roles[] = { "optical-switch", "attenuator", "bert", "power-meter",
                                        NULL };

/* The receivers' path: switch section 2, the attenuator and reference
 * meter channels, and the BERT channels of the lanes; the transmitters'
 * path (section 1, the TX meter channel, the scope) stays free for another
 * site. */
guint64
ll_actions_rx_light_parts(LlActionContext *ctx, LlInstrumentClass klass)
{
  switch (klass) {
  case LL_CLASS_OPTICAL_SWITCH: return LL_PART(2);
  case LL_CLASS_ATTENUATOR: return LL_PART((guint) ll_action_param_number(ctx, "attenuator_channel"));
  case LL_CLASS_POWER_METER:
    return LL_PART((guint) ll_action_param_number(ctx, "ref_meter_channel"));
  default: return LL_PARTS_ALL;
  }
}

static guint64
rx_parts(LlActionContext *ctx, LlInstrumentClass klass)
{
  return klass == LL_CLASS_BERT ? ll_actions_bert_parts(ctx) : ll_actions_rx_light_parts(ctx, klass);
}

/* The drivers and channels an RX action works with. */
typedef struct {
  LlActionContext *ctx;
  LlOpticalSwitch *sw;
  LlBert *bert;
  LlRxLight light;
  guint lane, channel;
  const char *pattern;
  gboolean gating;
} Rx;

/* Routes the light to the lane and sets the detector's pattern. */
static gboolean
rx_begin(LlActionContext *ctx, Rx *rx, GError **error)
{
  *rx = (Rx) { .ctx = ctx, .lane = ll_action_lane(ctx) };
  rx->channel = ll_actions_lane_channel(ctx, rx->lane);
  rx->pattern = ll_action_param_string(ctx, "pattern");
  rx->sw = ll_actions_need_switch(ctx, error);
  rx->bert = rx->sw ? ll_actions_need_bert(ctx, error) : NULL;
  return rx->bert && ll_actions_rx_light_begin(ctx, &rx->light, rx->lane, error) &&
         ll_optical_switch_select(rx->sw, 2, rx->channel, error) &&
         ll_bert_set_detector(rx->bert, rx->channel, rx->pattern, error);
}

/* Leaves everything safe; after a failure (@error NULL) on a best-effort basis. */
static gboolean
rx_end(Rx *rx, GError **error)
{
  gboolean ok = TRUE;
  if (rx->gating) {
    ok = ll_bert_stop(rx->bert, rx->channel, error);
    rx->gating = FALSE;
  }
  if (!ll_actions_rx_light_end(&rx->light, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static gboolean
rx_fail(Rx *rx)
{
  rx_end(rx, NULL);
  return FALSE;
}

/* ---- rx.ber ---- */

static const LlParamSpec ber_params[] = {
  { "rx_power", LL_PARAM_NUMBER, LL_UNIT_DBM, TRUE, NULL, TRUE, TRUE, -40, 10,
    "the estimated received average power the BER is measured at" },
  { "target", LL_PARAM_NUMBER, LL_UNIT_RATIO, FALSE, "2.4e-4", TRUE, TRUE, 1e-18, 0.1,
    "the BER the lane must be below" },
  { "confidence", LL_PARAM_NUMBER, LL_UNIT_RATIO, FALSE, "95 %", TRUE, TRUE, 0.5, 0.999999,
    "the confidence the verdict is decided at" },
  { "max_gating", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "10 s", TRUE, TRUE, 0.1, 86400,
    "gating stops here even if undecided (which is not a pass)" },
  RX_PATTERN_PARAM,
  LL_ACTIONS_RX_LIGHT_PARAMS,
  { NULL },
};

static const LlMeasurementSpec ber_measurements[] = {
  { "ber", LL_UNIT_RATIO, TRUE, "errors / bits; 0.5 when the detector lost synchronisation" },
  { "ber_upper", LL_UNIT_RATIO, TRUE, "the BER's upper bound at the confidence" },
  { "ber_bits", LL_UNIT_BITS, TRUE, "bits compared" },
  { "ber_errors", LL_UNIT_ERRORS, TRUE, "errored bits" },
  { "rx_power_set", LL_UNIT_DBM, TRUE, "the estimated received average power reached" },
  { "ber_verdict_pass", LL_UNIT_NONE, TRUE,
    "the BER is below the target at the confidence (undecided is not a pass)" },
  { NULL },
};

static gboolean
ber(LlActionContext *ctx, GError **error)
{
  Rx rx;
  double target = ll_action_param_number(ctx, "target");
  double confidence = ll_action_param_number(ctx, "confidence");
  double max_gating = ll_action_param_number(ctx, "max_gating");
  double power;
  if (!rx_begin(ctx, &rx, error) ||
      !ll_actions_rx_light_set(ctx, &rx.light, ll_action_param_number(ctx, "rx_power"),
                               LL_ACTIONS_RX_TOLERANCE_DB, &power, error) ||
      !ll_actions_check_cancelled(ctx, error) || !ll_bert_start(rx.bert, rx.channel, error))
    return rx_fail(&rx);
  rx.gating = TRUE;

  LlClock *clock = ll_action_clock(ctx);
  gint64 t0 = ll_clock_now(clock), end = t0 + (gint64) (max_gating * 1e6);
  LlBertCounts c = { 0 };
  gboolean synced = TRUE;
  for (;;) {
    ll_clock_sleep_until(clock, MIN(ll_clock_now(clock) + POLL_US, end));
    if (!ll_actions_check_cancelled(ctx, error) || !ll_bert_read(rx.bert, rx.channel, &c, error))
      return rx_fail(&rx);
    if (!c.sync) {
      synced = FALSE;
      break;
    }
    if (ll_ber_decide(c.bits, c.errors, target, confidence) != LL_BER_UNDECIDED ||
        ll_clock_now(clock) >= end)
      break;
  }
  /* the counts as they froze */
  if (!ll_bert_stop(rx.bert, rx.channel, error))
    return rx_fail(&rx);
  rx.gating = FALSE;
  if (!ll_bert_read(rx.bert, rx.channel, &c, error))
    return rx_fail(&rx);
  if (!rx_end(&rx, error))
    return FALSE;
  double gated = (ll_clock_now(clock) - t0) / 1e6;

  LlBerVerdict verdict = LL_BER_FAIL;
  double ratio = 0.5, upper = 0.5;
  if (synced) {
    verdict = ll_ber_decide(c.bits, c.errors, target, confidence);
    ratio = c.bits > 0 ? c.errors / c.bits : NAN;
    upper = ll_ber_upper_bound(c.bits, c.errors, confidence);
    ll_action_note(ctx, "lane %u at %.2f dBm: %.0f errors in %.4g bits in %.2f s: %s at %.3g %%",
                   rx.lane, power, c.errors, c.bits, gated, ll_ber_verdict_name(verdict),
                   confidence * 100);
  } else {
    ll_action_note(ctx, "lane %u at %.2f dBm: the error detector lost pattern synchronisation "
                   "(%s expected): BER taken as 0.5", rx.lane, power, rx.pattern);
  }
  if (!isnan(ratio))
    ll_action_measure(ctx, "ber", ratio, LL_UNIT_RATIO);
  ll_action_measure(ctx, "ber_upper", upper, LL_UNIT_RATIO);
  ll_action_measure(ctx, "ber_bits", c.bits, LL_UNIT_BITS);
  ll_action_measure(ctx, "ber_errors", c.errors, LL_UNIT_ERRORS);
  ll_action_measure_corrected(ctx, "rx_power_set", rx.lane, power - rx.light.offset.db,
                              rx.light.offset.db, rx.light.offset.path_loss_id, LL_UNIT_DBM);
  ll_action_measure_boolean(ctx, "ber_verdict_pass", verdict == LL_BER_PASS);
  return TRUE;
}

static const LlAction ber_action = {
  { "rx.ber",
    "set the lane's received power and gate its BER until the verdict is decided at the "
    "confidence",
    TRUE, ber_params, ber_measurements, rx_roles },
  ber,
  rx_parts,
  LL_PATH_BIT(LL_PATH_RX),
};

/* ---- rx.sensitivity ---- */

static const LlParamSpec sensitivity_params[] = {
  { "target", LL_PARAM_NUMBER, LL_UNIT_RATIO, FALSE, "2.4e-4", TRUE, TRUE, 1e-9, 0.01,
    "the BER whose received OMA is the sensitivity" },
  { "start_power", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-1 dBm", TRUE, TRUE, -40, 10,
    "the estimated received average power the sweep starts at (its highest)" },
  { "stop_power", LL_PARAM_NUMBER, LL_UNIT_DBM, FALSE, "-15 dBm", TRUE, TRUE, -40, 10,
    "the sweep gives up below this estimated received average power" },
  { "step", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "1 dB", TRUE, TRUE, 0.1, 5,
    "the coarse sweep's step" },
  { "resolution", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "0.1 dB", TRUE, TRUE, 0.01, 1,
    "bisection stops when the bracket is this narrow" },
  { "gating", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0.001 s", TRUE, TRUE, 1e-6, 10,
    "gating time per point" },
  { "ref_er", LL_PARAM_NUMBER, LL_UNIT_DB, FALSE, "5 dB", TRUE, TRUE, 1, 20,
    "the reference transmitter's extinction ratio: converts average power to OMA" },
  RX_PATTERN_PARAM,
  LL_ACTIONS_RX_LIGHT_PARAMS,
  { NULL },
};

static const LlMeasurementSpec sensitivity_measurements[] = {
  { "sensitivity_found", LL_UNIT_NONE, TRUE,
    "the BER crossed the target between start_power and stop_power" },
  { "sensitivity", LL_UNIT_DBM, TRUE, "received OMA at the target BER" },
  { NULL },
};

typedef struct {
  double avg_dbm, oma_dbm;
  double bits, errors, ber;
} Point;

typedef struct {
  double gating_s;
  double er_db;
  double tolerance_db; /* leveling: fine enough for the bisection's middle points */
} Search;

/* Measures the BER at the estimated received power @dbm. */
static gboolean
measure_point(Rx *rx, const Search *s, double dbm, GArray *points, Point *out, GError **error)
{
  LlActionContext *ctx = rx->ctx;
  Point p = { 0 };
  LlBertCounts c = { 0 };
  if (!ll_actions_rx_light_set(ctx, &rx->light, dbm, s->tolerance_db, &p.avg_dbm, error) ||
      !ll_actions_check_cancelled(ctx, error) || !ll_bert_start(rx->bert, rx->channel, error))
    return FALSE;
  rx->gating = TRUE;
  ll_clock_sleep(ll_action_clock(ctx), (gint64) ceil(s->gating_s * 1e6));
  if (!ll_bert_stop(rx->bert, rx->channel, error))
    return FALSE;
  rx->gating = FALSE;
  if (!ll_bert_read(rx->bert, rx->channel, &c, error))
    return FALSE;
  p.oma_dbm = ll_actions_oma_dbm(p.avg_dbm, s->er_db);
  p.bits = c.bits;
  p.errors = c.errors;
  p.ber = !c.sync ? 0.5 : c.bits > 0 ? c.errors / c.bits : NAN;
  if (isnan(p.ber)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "the error detector compared no bits in %g s", s->gating_s);
    return FALSE;
  }
  g_array_append_val(points, p);
  ll_action_note(ctx, "lane %u point %u: %.3f dBm average, %.3f dBm OMA: %.0f errors in %.4g "
                 "bits, BER %.3e%s", rx->lane, points->len, p.avg_dbm, p.oma_dbm, p.errors,
                 p.bits, p.ber, c.sync ? "" : " (no synchronisation)");
  *out = p;
  return TRUE;
}

static double
ber_y(double ber)
{
  return log10(-log10(ber));
}

/* The OMA at @target from the points (see the top of the file); @lo and
 * @hi bracket it. Sets *@how to say how it was found. */
static double
solve_sensitivity(GArray *points, const Point *lo, const Point *hi, double target,
                  const char **how)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  gboolean below = FALSE, above = FALSE;
  for (guint i = 0; i < points->len; i++) {
    const Point *p = &g_array_index(points, Point, i);
    if (!(p->ber >= FIT_MIN_BER && p->ber <= FIT_MAX_BER))
      continue;
    double y = ber_y(p->ber);
    sx += p->oma_dbm, sy += y, sxx += p->oma_dbm * p->oma_dbm, sxy += p->oma_dbm * y, n++;
    below |= p->ber <= target;
    above |= p->ber > target;
  }
  double yt = ber_y(target);
  double det = n * sxx - sx * sx;
  if (n >= FIT_MIN_POINTS && below && above && det > 0) {
    double b = (n * sxy - sx * sy) / det, a = (sy - b * sx) / n;
    double x = (yt - a) / b;
    /* BER falls as the power rises: the line must rise, and cross inside the bracket */
    if (b > 0 && x >= lo->oma_dbm - 0.05 && x <= hi->oma_dbm + 0.05) {
      *how = "a fit of log10(-log10(BER)) against OMA";
      return x;
    }
  }
  if (lo->ber > 0 && lo->ber < 0.5 && hi->ber > 0 && hi->ber < lo->ber) {
    double y0 = ber_y(lo->ber), y1 = ber_y(hi->ber);
    *how = "the line through the two points bracketing the target";
    return lo->oma_dbm + (yt - y0) * (hi->oma_dbm - lo->oma_dbm) / (y1 - y0);
  }
  *how = "the middle of the bracket";
  return (lo->oma_dbm + hi->oma_dbm) / 2;
}

static gboolean
sensitivity(LlActionContext *ctx, GError **error)
{
  double target = ll_action_param_number(ctx, "target");
  double start = ll_action_param_number(ctx, "start_power");
  double stop = ll_action_param_number(ctx, "stop_power");
  double step = ll_action_param_number(ctx, "step");
  double resolution = ll_action_param_number(ctx, "resolution");
  Search s = {
    .gating_s = ll_action_param_number(ctx, "gating"),
    .er_db = ll_action_param_number(ctx, "ref_er"),
    .tolerance_db = MIN(LL_ACTIONS_RX_TOLERANCE_DB, resolution / 4),
  };
  g_autoptr(GArray) points = g_array_new(FALSE, FALSE, sizeof(Point));
  Rx rx;
  Point hi = { 0 }, lo = { 0 }, p;
  if (!rx_begin(ctx, &rx, error) || !measure_point(&rx, &s, start, points, &hi, error))
    return rx_fail(&rx);
  gboolean found = hi.ber <= target;
  if (!found)
    ll_action_note(ctx, "lane %u: BER %.3e above the target already at %.2f dBm", rx.lane, hi.ber,
                   hi.avg_dbm);
  /* coarse sweep downwards */
  for (double at = start - step; found; at -= step) {
    if (at < stop - 1e-9) {
      ll_action_note(ctx, "lane %u: BER still below the target at %.2f dBm", rx.lane, hi.avg_dbm);
      found = FALSE;
      break;
    }
    if (!measure_point(&rx, &s, at, points, &p, error))
      return rx_fail(&rx);
    if (p.ber > target) {
      lo = p;
      break;
    }
    hi = p;
  }
  /* bisection of the last step */
  for (guint i = 0; found && i < MAX_BISECTIONS && hi.avg_dbm - lo.avg_dbm > resolution; i++) {
    if (!measure_point(&rx, &s, (hi.avg_dbm + lo.avg_dbm) / 2, points, &p, error))
      return rx_fail(&rx);
    if (p.ber > target)
      lo = p;
    else
      hi = p;
  }
  if (!rx_end(&rx, error))
    return FALSE;
  ll_action_measure_boolean(ctx, "sensitivity_found", found);
  if (!found)
    return TRUE;
  const char *how;
  double oma = solve_sensitivity(points, &lo, &hi, target, &how);
  ll_action_note(ctx, "lane %u: sensitivity %.3f dBm OMA at BER %.3g, by %s (%u points; RX path "
                 "offset %.3f dB, %s)", rx.lane, oma, target, how, points->len, rx.light.offset.db,
                 ll_actions_offset_source(&rx.light.offset));
  ll_action_measure_corrected(ctx, "sensitivity", rx.lane, oma - rx.light.offset.db,
                              rx.light.offset.db, rx.light.offset.path_loss_id, LL_UNIT_DBM);
  return TRUE;
}

static const LlAction sensitivity_action = {
  { "rx.sensitivity",
    "find the received OMA at which the lane's BER crosses the target: a coarse attenuator "
    "sweep, bisection, and a fit through the points",
    TRUE, sensitivity_params, sensitivity_measurements, rx_roles },
  sensitivity,
  rx_parts,
  LL_PATH_BIT(LL_PATH_RX),
};

const LlAction *const ll_actions_rx[] = { &ber_action, &sensitivity_action, NULL };
