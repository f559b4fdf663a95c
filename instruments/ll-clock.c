/* ll-clock.c: the real-time clock and the virtual clock (see ll-clock.h).
 *
 * Virtual clock: `participants` is the set of threads taking part;
 * `waiting` holds one entry (thread, wake time, rank, arrival) per thread in
 * sleep_until() or ll_clock_virtual_settle(), taking part or not (a settle
 * is an entry due now). schedule() runs whenever a participant stops
 * working (it sleeps, settles, leaves or ends): while a participant works
 * (has no entry), nothing happens. Once none works, the one entry of a
 * participant that is due (wake time <= now) coming first by (rank,
 * arrival) is released alone, and that participant works from that moment,
 * before it has even been scheduled; when no participant's entry is due,
 * time jumps to the earliest wake time, the entries of threads that do not
 * take part that are due are released at once (they do not hold time
 * still), and the participants due are then released one by one. So the
 * participants that act at one instant act one after the other, in rank
 * order, whatever the order their threads reach the clock in.
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

/* A thread in sleep_until() or settle(), on that thread's stack. */
typedef struct {
  GThread *thread;
  gint64 when;      /* wake time; a settle: the instant it settles at */
  guint rank;
  guint64 arrival;  /* among equal ranks, the first to come goes first */
  gboolean released;
} Waiting;

typedef struct {
  LlClock base;
  GMutex lock;
  GCond cond;
  gint64 now;
  guint64 arrivals;
  GHashTable *participants; /* GThread* set */
  GHashTable *managed;      /* GThread* set: joined or left by themselves */
  GHashTable *ranks;        /* GThread* -> rank */
  GPtrArray *waiting;       /* Waiting*, not released, unordered */
} VirtualClock;

/* Every virtual clock alive, for the thread-end cleanup. Lock order:
 * live_lock, then a clock's lock. */
static GMutex live_lock;
static GHashTable *live;

static void schedule(VirtualClock *v);

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
      g_hash_table_remove(c->ranks, thread);
      if (g_hash_table_remove(c->participants, thread))
        schedule(c);
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
is_waiting(VirtualClock *v, GThread *thread)
{
  for (guint i = 0; i < v->waiting->len; i++)
    if (((Waiting *) v->waiting->pdata[i])->thread == thread)
      return TRUE;
  return FALSE;
}

/* With the lock held: whether @a goes before @b at one instant. */
static gboolean
goes_first(const Waiting *a, const Waiting *b)
{
  return a->rank != b->rank ? a->rank < b->rank : a->arrival < b->arrival;
}

/* With the lock held: the entry at @i leaves the clock, its thread runs. */
static void
release(VirtualClock *v, guint i)
{
  Waiting *w = g_ptr_array_steal_index_fast(v->waiting, i);
  w->released = TRUE;
}

/* With the lock held (see the top of the file): once no participant
 * works, lets the first participant due run, or moves time on. */
static void
schedule(VirtualClock *v)
{
  for (;;) {
    GHashTableIter it;
    gpointer thread;
    g_hash_table_iter_init(&it, v->participants);
    while (g_hash_table_iter_next(&it, &thread, NULL))
      if (!is_waiting(v, thread))
        return;
    gint64 earliest = G_MAXINT64;
    guint first = G_MAXUINT;
    for (guint i = 0; i < v->waiting->len; i++) {
      const Waiting *w = v->waiting->pdata[i];
      earliest = MIN(earliest, w->when);
      if (w->when <= v->now && g_hash_table_contains(v->participants, w->thread) &&
          (first == G_MAXUINT || goes_first(w, v->waiting->pdata[first])))
        first = i;
    }
    if (first != G_MAXUINT) {
      release(v, first);
      g_cond_broadcast(&v->cond);
      return;
    }
    if (!v->waiting->len)
      return;
    v->now = MAX(v->now, earliest);
    for (guint i = v->waiting->len; i-- > 0;) {
      const Waiting *w = v->waiting->pdata[i];
      if (w->when <= v->now && !g_hash_table_contains(v->participants, w->thread))
        release(v, i);
    }
    g_cond_broadcast(&v->cond);
  }
}

/* With the lock held: waits in the clock until released. */
static void
wait_turn(VirtualClock *v, gint64 when_us)
{
  GThread *self = g_thread_self();
  gpointer rank = NULL;
  Waiting w = { self, when_us, G_MAXUINT, v->arrivals++, FALSE };
  if (g_hash_table_lookup_extended(v->ranks, self, NULL, &rank))
    w.rank = GPOINTER_TO_UINT(rank);
  g_ptr_array_add(v->waiting, &w);
  schedule(v);
  while (!w.released)
    g_cond_wait(&v->cond, &v->lock);
}

static void
virtual_sleep_until(LlClock *clock, gint64 when_us)
{
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (when_us > v->now)
    wait_turn(v, when_us);
  g_mutex_unlock(&v->lock);
}

void
ll_clock_virtual_settle(LlClock *clock)
{
  if (!clock || !clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  g_mutex_lock(&v->lock);
  if (g_hash_table_contains(v->participants, g_thread_self()))
    wait_turn(v, v->now);
  g_mutex_unlock(&v->lock);
}

void
ll_clock_virtual_set_rank(LlClock *clock, guint rank)
{
  if (!clock || !clock->is_virtual)
    return;
  VirtualClock *v = (VirtualClock *) clock;
  GThread *self = self_tracked();
  g_mutex_lock(&v->lock);
  g_hash_table_insert(v->ranks, self, GUINT_TO_POINTER(rank));
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
  v->ranks = g_hash_table_new(g_direct_hash, g_direct_equal);
  GThread *self = self_tracked();
  g_hash_table_add(v->participants, self);
  g_hash_table_add(v->managed, self);
  v->waiting = g_ptr_array_new();
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
  g_hash_table_unref(v->ranks);
  g_ptr_array_unref(v->waiting);
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
    schedule(v);
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
