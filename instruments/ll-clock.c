/* ll-clock.c: the real-time clock and the virtual clock (see ll-clock.h).
 *
 * Virtual clock: `participants` is the set of threads taking part; `sleeps`
 * holds one entry (thread, wake time) per thread in sleep_until(), taking
 * part or not. While every participant has an entry and there is at least
 * one entry, time jumps to the earliest wake time and the entries due are
 * removed at once, so a participant woken counts as working from that
 * moment, before it has even been scheduled (a thread that does not take
 * part, woken, does not stop time from going on to the next wake).
 * Participants that are working keep time still.
 *
 * `managed` holds the threads that joined or left by themselves, which
 * ll_clock_virtual_join_thread() leaves alone. A thread that joins, leaves or
 * is started by ll_clock_virtual_thread_new() gets a thread-private key whose
 * destructor, when the thread ends, removes it from every live clock (the
 * registry `live`), so a thread that ends never holds time still and its
 * GThread address, if reused, means nothing to a clock. */
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
  GThread *thread;
  gint64 when;
} Sleep;

typedef struct {
  LlClock base;
  GMutex lock;
  GCond cond;
  gint64 now;
  GHashTable *participants; /* GThread* set */
  GHashTable *managed;      /* GThread* set: joined or left by themselves */
  GArray *sleeps;           /* Sleep, unordered */
} VirtualClock;

/* Every virtual clock alive, for the thread-end cleanup. Lock order:
 * live_lock, then a clock's lock. */
static GMutex live_lock;
static GHashTable *live;

static void maybe_advance(VirtualClock *v);

/* A thread that used clocks ends: it takes part in none of them any more. */
static void
thread_ended(gpointer thread)
{
  g_mutex_lock(&live_lock);
  if (live) {
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, live);
    while (g_hash_table_iter_next(&it, &v, NULL)) {
      VirtualClock *c = v;
      g_mutex_lock(&c->lock);
      g_hash_table_remove(c->managed, thread);
      if (g_hash_table_remove(c->participants, thread))
        maybe_advance(c);
      g_mutex_unlock(&c->lock);
    }
  }
  g_mutex_unlock(&live_lock);
}

static GPrivate thread_key = G_PRIVATE_INIT(thread_ended);

/* The calling thread will be cleaned up after when it ends. */
static GThread *
self_tracked(void)
{
  GThread *self = g_thread_self();
  if (!g_private_get(&thread_key))
    g_private_set(&thread_key, self);
  return self;
}

static gint64
virtual_now(LlClock *clock)
{
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  gint64 now = v->now;
  g_mutex_unlock(&v->lock);
  return now;
}

/* With the lock held. */
static gboolean
is_sleeping(VirtualClock *v, GThread *thread)
{
  for (guint i = 0; i < v->sleeps->len; i++)
    if (g_array_index(v->sleeps, Sleep, i).thread == thread)
      return TRUE;
  return FALSE;
}

/* With the lock held: while every participant sleeps, advance to the
 * earliest wake and wake the sleepers due. Waking only threads that do not
 * take part changes nothing for the participants, so time goes on to the
 * next wake (those threads do not hold it still). */
static void
maybe_advance(VirtualClock *v)
{
  for (;;) {
    if (v->sleeps->len == 0)
      return;
    GHashTableIter it;
    gpointer thread;
    g_hash_table_iter_init(&it, v->participants);
    while (g_hash_table_iter_next(&it, &thread, NULL))
      if (!is_sleeping(v, thread))
        return;
    gint64 earliest = G_MAXINT64;
    for (guint i = 0; i < v->sleeps->len; i++)
      earliest = MIN(earliest, g_array_index(v->sleeps, Sleep, i).when);
    v->now = MAX(v->now, earliest);
    for (guint i = v->sleeps->len; i-- > 0;)
      if (g_array_index(v->sleeps, Sleep, i).when <= v->now)
        g_array_remove_index_fast(v->sleeps, i);
    g_cond_broadcast(&v->cond);
  }
}

static void
virtual_sleep_until(LlClock *clock, gint64 when_us)
{
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (when_us > v->now) {
    Sleep s = { g_thread_self(), when_us };
    g_array_append_val(v->sleeps, s);
    maybe_advance(v);
    /* maybe_advance() removes the entry when it brings time to when_us */
    while (v->now < when_us)
      g_cond_wait(&v->cond, &v->lock);
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
  v->participants = g_hash_table_new(g_direct_hash, g_direct_equal);
  v->managed = g_hash_table_new(g_direct_hash, g_direct_equal);
  GThread *self = self_tracked();
  g_hash_table_add(v->participants, self);
  g_hash_table_add(v->managed, self);
  v->sleeps = g_array_new(FALSE, FALSE, sizeof(Sleep));
  g_mutex_lock(&live_lock);
  if (!live)
    live = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_hash_table_add(live, v);
  g_mutex_unlock(&live_lock);
  return &v->base;
}

void
ll_clock_virtual_free(LlClock *clock)
{
  if (!clock)
    return;
  g_return_if_fail(clock->is_virtual);
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&live_lock);
  g_hash_table_remove(live, v);
  g_mutex_unlock(&live_lock);
  g_hash_table_unref(v->participants);
  g_hash_table_unref(v->managed);
  g_array_unref(v->sleeps);
  g_mutex_clear(&v->lock);
  g_cond_clear(&v->cond);
  g_free(v);
}

void
ll_clock_virtual_join(LlClock *clock)
{
  if (!clock || !clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  GThread *self = self_tracked();
  g_mutex_lock(&v->lock);
  g_hash_table_add(v->managed, self);
  g_hash_table_add(v->participants, self);
  g_mutex_unlock(&v->lock);
}

void
ll_clock_virtual_join_thread(LlClock *clock, GThread *thread)
{
  if (!clock || !clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (!g_hash_table_contains(v->managed, thread))
    g_hash_table_add(v->participants, thread);
  g_mutex_unlock(&v->lock);
}

void
ll_clock_virtual_hand_over(LlClock *clock, GThread *thread)
{
  if (!clock || !clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  g_hash_table_add(v->participants, thread);
  g_mutex_unlock(&v->lock);
}

typedef struct {
  VirtualClock *clock;
  GThreadFunc func;
  gpointer data;
} Start;

static gpointer
thread_start(gpointer data)
{
  Start start = *(Start *) data;
  g_free(data);
  /* waits until the starting thread has made this one take part */
  g_mutex_lock(&start.clock->lock);
  self_tracked();
  g_mutex_unlock(&start.clock->lock);
  return start.func(start.data);
}

GThread *
ll_clock_virtual_thread_new(LlClock *clock, const char *name, GThreadFunc func, gpointer data)
{
  if (!clock || !clock->is_virtual)
    return g_thread_new(name, func, data);
  VirtualClock *v = (VirtualClock *) clock;
  Start *start = g_new(Start, 1);
  *start = (Start) { v, func, data };
  g_mutex_lock(&v->lock);
  GThread *thread = g_thread_new(name, thread_start, start);
  g_hash_table_add(v->participants, thread);
  g_mutex_unlock(&v->lock);
  return thread;
}

gboolean
ll_clock_virtual_leave(LlClock *clock)
{
  if (!clock || !clock->is_virtual)
    return FALSE;
  VirtualClock *v = (VirtualClock *) clock;
  GThread *self = self_tracked();
  g_mutex_lock(&v->lock);
  g_hash_table_add(v->managed, self);
  gboolean took_part = g_hash_table_remove(v->participants, self);
  if (took_part)
    maybe_advance(v);
  g_mutex_unlock(&v->lock);
  return took_part;
}

gboolean
ll_clock_virtual_takes_part(LlClock *clock)
{
  if (!clock || !clock->is_virtual)
    return FALSE;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  gboolean yes = g_hash_table_contains(v->participants, g_thread_self());
  g_mutex_unlock(&v->lock);
  return yes;
}
