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

static gboolean
wait_action(LlActionContext *ctx, GError **error)
{
  double s = ll_action_param_number(ctx, "duration");
  if (s > 0)
    ll_clock_sleep(ll_action_clock(ctx), (gint64) (s * 1e6));
  return TRUE;
}

static const LlAction wait = {
  { "station.wait", "wait on the station clock (settling, soaking)", FALSE, wait_params,
    no_measurements, NULL },
  wait_action,
};

const LlAction *const ll_actions_util[] = { &wait, NULL };
