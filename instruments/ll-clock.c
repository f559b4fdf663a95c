/* ll-clock.c: the real-time clock. Virtual clocks live with the simulated bench. */
#include "ll-clock.h"

static gint64
system_now(LlClock *clock)
{
  return g_get_monotonic_time();
}

static void
system_sleep_until(LlClock *clock, gint64 when_us)
{
  gint64 now = g_get_monotonic_time();
  if (when_us > now)
    g_usleep((gulong) (when_us - now));
}

LlClock *
ll_clock_system(void)
{
  static LlClock clock = { system_now, system_sleep_until };
  return &clock;
}
