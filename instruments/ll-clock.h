/* ll-clock.h: the injected clock. Everything that waits or stamps time on the
 * instrument side asks a clock, never the OS directly, so a simulated bench
 * can run in virtual time (thousands of units in seconds, deterministic) or in
 * real time for a person to watch. Times are microseconds on a monotonic scale.
 *
 * The virtual clock is a conservative discrete-event clock: time stands still
 * while any participating thread is working and jumps to the earliest wake-up
 * once every participant sleeps. A thread that only ever sleeps alone (the
 * common case in tests) sees each sleep return at once with time advanced. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LlClock LlClock;

struct _LlClock {
  gint64 (*now_us)(LlClock *clock);
  /* Returns once now_us() >= @when_us. */
  void (*sleep_until)(LlClock *clock, gint64 when_us);
  gboolean is_virtual;
};

/* The process-wide real-time clock (g_get_monotonic_time, g_usleep). Never freed. */
LlClock *ll_clock_system(void);

/* A new virtual clock starting at @start_us with one participant (the
 * creating thread). Free with ll_clock_virtual_free(). */
LlClock *ll_clock_virtual_new(gint64 start_us);
void ll_clock_virtual_free(LlClock *clock);
/* Another thread takes part (its work holds time still) / stops taking part.
 * A thread blocked on something other than the clock (a lock held by another
 * participant) must not be counted as working: call ll_clock_virtual_leave()
 * before such a wait and ll_clock_virtual_join() after it. */
void ll_clock_virtual_join(LlClock *clock);
void ll_clock_virtual_leave(LlClock *clock);

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

static inline void
ll_clock_sleep(LlClock *clock, gint64 duration_us)
{
  clock->sleep_until(clock, clock->now_us(clock) + duration_us);
}

G_END_DECLS
