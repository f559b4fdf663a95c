/* ll-clock.h: the injected clock. Everything that waits or stamps time on the
 * instrument side asks a clock, never the OS directly, so a simulated bench
 * can run in virtual time (thousands of units in seconds, deterministic) or in
 * real time for a person to watch. Times are microseconds on a monotonic scale. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LlClock LlClock;

struct _LlClock {
  gint64 (*now_us)(LlClock *clock);
  /* Returns once now_us() >= @when_us. */
  void (*sleep_until)(LlClock *clock, gint64 when_us);
};

/* The process-wide real-time clock (g_get_monotonic_time, g_usleep). Never freed. */
LlClock *ll_clock_system(void);

static inline gint64
ll_clock_now(LlClock *clock)
{
  return clock->now_us(clock);
}

static inline void
ll_clock_sleep_until(LlClock *clock, gint64 when_us)
{
  clock->sleep_until(clock, when_us);
}

G_END_DECLS
