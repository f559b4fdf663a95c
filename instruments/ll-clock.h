/* ll-clock.h: the injected clock. Everything that waits or stamps time on the
 * instrument side asks a clock, never the OS directly, so a simulated bench
 * can run in virtual time (thousands of units in seconds, deterministic) or in
 * real time for a person to watch. Times are microseconds on a monotonic scale.
 *
 * The virtual clock is a conservative discrete-event clock: time stands still
 * while any participating thread is working and jumps to the earliest wake-up
 * once every participant sleeps. The participants that act at one instant
 * (woken at it, or settling at it: ll_clock_virtual_settle()) act one after
 * the other, in the order of their ranks (ll_clock_virtual_set_rank()), never
 * at the same time, so what they do to things they share (an instrument, a
 * lease) happens in the same order in every run, however the threads are
 * scheduled. Participation is per thread: the clock keeps
 * the set of threads taking part (the creating thread is one of them). A
 * thread that does not take part neither holds time still nor moves it: its
 * sleeps end when the participants' sleeping brings time to its wake-up (at
 * once when no thread takes part). A thread that only ever sleeps alone (the
 * common case in tests) sees each sleep return at once with time advanced.
 * Thread-safe. */
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

/* A new virtual clock starting at @start_us whose one participant is the
 * calling (creating) thread. Free with ll_clock_virtual_free(). */
LlClock *ll_clock_virtual_new(gint64 start_us);
void ll_clock_virtual_free(LlClock *clock);

/* The calling thread takes part (its work holds time still); nothing when it
 * already does. A thread blocked on something other than the clock (a lock
 * held by another participant, a g_thread_join()) must not be counted as
 * working: call ll_clock_virtual_leave() before such a wait and, if it
 * returned TRUE, ll_clock_virtual_join() after it. A thread that ends stops
 * taking part in every clock by itself if it ever joined or left one or was
 * started by ll_clock_virtual_thread_new(). Nothing for a real-time clock or
 * NULL. */
void ll_clock_virtual_join(LlClock *clock);
/* The calling thread stops taking part; TRUE when it took part (nothing
 * changed otherwise: leaving never ends another thread's participation).
 * FALSE for a real-time clock or NULL. */
gboolean ll_clock_virtual_leave(LlClock *clock);
/* TRUE when the calling thread takes part in @clock (a virtual clock). */
gboolean ll_clock_virtual_takes_part(LlClock *clock);

/* Sets the calling thread's rank in @clock: among the participants that
 * act at one instant, the one of the lowest rank acts first and alone, then
 * the next, until each sleeps past the instant, settles again or leaves;
 * threads without a rank come after all ranked ones, in the order they
 * reached the clock (which is the threads' scheduling: give a rank to every
 * thread whose order matters). A site's thread takes its site number.
 * Nothing for a real-time clock or NULL. */
void ll_clock_virtual_set_rank(LlClock *clock, guint rank);
/* For a participant: returns once every participant that acts at the
 * current instant and comes before the caller (by rank) has acted, and no
 * other participant is working: from then until the caller sleeps, settles
 * again or leaves, it acts alone at this instant. Time does not move
 * meanwhile. Call it before a decision that others acting at the same
 * instant could race for (ll_station_lease() does), and after being handed
 * something by another participant (ll_clock_virtual_hand_over()) that now
 * works at the same instant. Nothing for a thread that does not take part,
 * a real-time clock or NULL. */
void ll_clock_virtual_settle(LlClock *clock);

/* Starts a thread (g_thread_new()) that takes part in @clock from its first
 * instruction, so time cannot run ahead of it, whatever it does first (a
 * wait after ll_clock_virtual_leave() included). The caller must take part
 * itself until it has started all it wants to start, and should leave while
 * it waits for them. A plain g_thread_new() for a real-time clock or NULL. */
GThread *ll_clock_virtual_thread_new(LlClock *clock, const char *name, GThreadFunc func,
                                     gpointer data);
/* For a lock that hands itself over: makes @thread, which left @clock to
 * wait for the lock and is now given it by the caller, take part again
 * before it is woken, so time cannot run ahead of it in between. Only for a
 * thread that took part before it waited (ll_clock_virtual_leave() returned
 * TRUE) and that is now sure to proceed. */
void ll_clock_virtual_hand_over(LlClock *clock, GThread *thread);
/* Makes @thread, already started, take part, on its behalf, unless it has
 * already joined or left @clock itself (it then manages its own
 * participation, and adding it could count it as working while it waits
 * elsewhere). Racy by nature (the thread may have left before this call and
 * then runs without taking part): prefer ll_clock_virtual_thread_new(). A
 * thread made to take part this way must leave (or join) itself at least
 * once, or it is not cleaned up when it ends. */
void ll_clock_virtual_join_thread(LlClock *clock, GThread *thread);

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
