/* ll-clock.c: the real-time clock and the virtual clock (see ll-clock.h).
 *
 * Virtual clock: `participants` threads take part; `sleepers` of them are in
 * sleep_until() with their wake times in `wakes`. When every participant
 * sleeps, time jumps to the earliest wake time and the sleepers due are
 * woken. Participants that are working keep time still. */
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
  static LlClock clock = { system_now, system_sleep_until, FALSE };
  return &clock;
}

typedef struct {
  LlClock base;
  GMutex lock;
  GCond cond;
  gint64 now;
  guint participants;
  guint sleepers;
  GArray *wakes; /* gint64, unordered */
} VirtualClock;

static gint64
virtual_now(LlClock *clock)
{
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  gint64 now = v->now;
  g_mutex_unlock(&v->lock);
  return now;
}

/* With the lock held: if everyone sleeps, advance to the earliest wake. */
static void
maybe_advance(VirtualClock *v)
{
  if (v->sleepers == 0 || v->sleepers < v->participants)
    return;
  gint64 earliest = G_MAXINT64;
  for (guint i = 0; i < v->wakes->len; i++)
    earliest = MIN(earliest, g_array_index(v->wakes, gint64, i));
  if (earliest > v->now) {
    v->now = earliest;
    g_cond_broadcast(&v->cond);
  }
}

static void
virtual_sleep_until(LlClock *clock, gint64 when_us)
{
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (when_us > v->now) {
    g_array_append_val(v->wakes, when_us);
    v->sleepers++;
    maybe_advance(v);
    while (v->now < when_us)
      g_cond_wait(&v->cond, &v->lock);
    v->sleepers--;
    for (guint i = 0; i < v->wakes->len; i++)
      if (g_array_index(v->wakes, gint64, i) == when_us) {
        g_array_remove_index_fast(v->wakes, i);
        break;
      }
  }
  g_mutex_unlock(&v->lock);
}

LlClock *
ll_clock_virtual_new(gint64 start_us)
{
  VirtualClock *v = g_new0(VirtualClock, 1);
  v->base = (LlClock) { virtual_now, virtual_sleep_until, TRUE };
  g_mutex_init(&v->lock);
  g_cond_init(&v->cond);
  v->now = start_us;
  v->participants = 1;
  v->wakes = g_array_new(FALSE, FALSE, sizeof(gint64));
  return &v->base;
}

void
ll_clock_virtual_free(LlClock *clock)
{
  if (!clock)
    return;
  g_return_if_fail(clock->is_virtual);
  VirtualClock *v = (VirtualClock *) clock;
  g_array_unref(v->wakes);
  g_mutex_clear(&v->lock);
  g_cond_clear(&v->cond);
  g_free(v);
}

void
ll_clock_virtual_join(LlClock *clock)
{
  if (!clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  v->participants++;
  g_mutex_unlock(&v->lock);
}

void
ll_clock_virtual_leave(LlClock *clock)
{
  if (!clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (v->participants > 0)
    v->participants--;
  maybe_advance(v);
  g_mutex_unlock(&v->lock);
}
