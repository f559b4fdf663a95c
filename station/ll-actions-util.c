/* ll-actions-util.c: actions that touch no instrument: waiting (settling,
 * soaking) on the station clock. A wait of 0 s is also what measures the
 * engine's own overhead per step (make bench). */
#include "ll-actions-private.h"

static const LlParamSpec wait_params[] = {
  { "duration", LL_PARAM_NUMBER, LL_UNIT_S, FALSE, "0 s", TRUE, TRUE, 0, 3600,
    "how long to wait" },
  { NULL },
};

static const LlMeasurementSpec no_measurements[] = { { NULL } };

#define WAIT_SLICE_US 100000

static gboolean
wait_action(LlActionContext *ctx, GError **error)
{
  LlClock *clock = ll_action_clock(ctx);
  gint64 end = ll_clock_now(clock) + (gint64) (ll_action_param_number(ctx, "duration") * 1e6);
  /* in slices, so an abort or the step's timeout ends a long soak */
  for (gint64 now = ll_clock_now(clock); now < end; now = ll_clock_now(clock)) {
    if (!ll_actions_check_cancelled(ctx, error))
      return FALSE;
    ll_clock_sleep_until(clock, MIN(end, now + WAIT_SLICE_US));
  }
  return TRUE;
}

static const LlAction wait = {
  { "station.wait", "wait on the station clock (settling, soaking)", FALSE, wait_params,
    no_measurements, NULL },
  wait_action,
  NULL,
  0,
};

const LlAction *const ll_actions_util[] = { &wait, NULL };
