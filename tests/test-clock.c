/* test-clock.c: the virtual clock's participation rules. Participation is
 * per thread and idempotent: the creating thread takes part; join adds the
 * calling thread once however often it is called, leave removes it only if
 * it took part (a thread that never joined cannot end another's
 * participation); a participant that works holds time still even for
 * threads that do not take part; once no participant works, time moves to
 * the earliest wake-up. A thread started by ll_clock_virtual_thread_new()
 * takes part from its first instruction; join_thread leaves alone a thread
 * that left by itself; a thread that ends stops taking part. Participants
 * that act at one instant (woken at it, or settling at it) act one at a
 * time in rank order, whichever thread gets there first. Every wait for
 * another thread is bounded in real time, so a regression fails instead of
 * hanging. */
#include "ll-clock.h"

#define REAL_TIMEOUT_US (10 * G_USEC_PER_SEC)
/* long enough for a helper thread to have gone to sleep */
#define SETTLE_US (50 * 1000)

typedef struct {
  LlClock *clock;
  gint64 wake_us;    /* virtual time to sleep until */
  gboolean join;     /* take part while sleeping */
  GMutex lock;
  GCond cond;
  gboolean done;
  gint64 woke_at;    /* virtual time when the sleep returned */
  gboolean took_part;
} Sleeper;

static gpointer
sleeper_thread(gpointer data)
{
  Sleeper *s = data;
  if (s->join)
    ll_clock_virtual_join(s->clock);
  s->took_part = ll_clock_virtual_takes_part(s->clock);
  ll_clock_sleep_until(s->clock, s->wake_us);
  gint64 woke = ll_clock_now(s->clock);
  ll_clock_virtual_leave(s->clock); /* nothing when it did not take part */
  g_mutex_lock(&s->lock);
  s->woke_at = woke;
  s->done = TRUE;
  g_cond_broadcast(&s->cond);
  g_mutex_unlock(&s->lock);
  return NULL;
}

static GThread *
sleeper_start(Sleeper *s, LlClock *clock, gint64 wake_us, gboolean join)
{
  *s = (Sleeper) { .clock = clock, .wake_us = wake_us, .join = join };
  g_mutex_init(&s->lock);
  g_cond_init(&s->cond);
  return g_thread_new("sleeper", sleeper_thread, s);
}

/* Waits up to @real_us of real time for the sleeper to wake. */
static gboolean
sleeper_wait(Sleeper *s, gint64 real_us)
{
  gint64 end = g_get_monotonic_time() + real_us;
  g_mutex_lock(&s->lock);
  while (!s->done)
    if (!g_cond_wait_until(&s->cond, &s->lock, end))
      break;
  gboolean done = s->done;
  g_mutex_unlock(&s->lock);
  return done;
}

static void
sleeper_finish(Sleeper *s, GThread *t)
{
  g_assert_true(sleeper_wait(s, REAL_TIMEOUT_US)); /* else the process aborts: no hang */
  g_thread_join(t);
  g_mutex_clear(&s->lock);
  g_cond_clear(&s->cond);
}

/* The creating thread takes part; join is idempotent, so one leave ends it. */
static void
test_idempotent(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  g_assert_true(ll_clock_virtual_takes_part(clock));
  ll_clock_virtual_join(clock);
  ll_clock_virtual_join(clock);
  g_assert_true(ll_clock_virtual_takes_part(clock));
  g_assert_true(ll_clock_virtual_leave(clock));
  g_assert_false(ll_clock_virtual_takes_part(clock));
  g_assert_false(ll_clock_virtual_leave(clock)); /* already out: nothing */

  /* with nobody taking part, a sleep returns at once with time advanced */
  ll_clock_sleep(clock, 5 * G_USEC_PER_SEC);
  g_assert_cmpint(ll_clock_now(clock), ==, 5 * G_USEC_PER_SEC);
  ll_clock_virtual_join(clock);
  g_assert_true(ll_clock_virtual_takes_part(clock));
  ll_clock_sleep(clock, 1000); /* alone: at once as well */
  g_assert_cmpint(ll_clock_now(clock), ==, 5 * G_USEC_PER_SEC + 1000);
  ll_clock_virtual_free(clock);

  /* a real-time clock (and NULL) has no participants */
  ll_clock_virtual_join(ll_clock_system());
  g_assert_false(ll_clock_virtual_leave(ll_clock_system()));
  g_assert_false(ll_clock_virtual_takes_part(ll_clock_system()));
  ll_clock_virtual_join(NULL);
  g_assert_false(ll_clock_virtual_leave(NULL));
}

/* A working participant holds time still, also for a thread that does not
 * take part; when it leaves, time moves to the sleeper's wake-up. */
static void
test_participant_holds_time(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  Sleeper s;
  GThread *t = sleeper_start(&s, clock, G_USEC_PER_SEC, FALSE);
  g_assert_false(sleeper_wait(&s, SETTLE_US));
  g_assert_cmpint(ll_clock_now(clock), ==, 0);
  g_assert_false(s.took_part);
  g_assert_true(ll_clock_virtual_leave(clock)); /* this thread stops working */
  sleeper_finish(&s, t);
  g_assert_cmpint(s.woke_at, ==, G_USEC_PER_SEC);
  ll_clock_virtual_free(clock);
}

/* A thread that never took part cannot end another thread's participation
 * by leaving: the creator keeps holding time. */
static gpointer
leave_without_joining(gpointer data)
{
  return GINT_TO_POINTER(ll_clock_virtual_leave(data));
}

static void
test_leave_is_per_thread(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  GThread *other = g_thread_new("leaver", leave_without_joining, clock);
  g_assert_false(GPOINTER_TO_INT(g_thread_join(other)));
  g_assert_true(ll_clock_virtual_takes_part(clock));
  Sleeper s;
  GThread *t = sleeper_start(&s, clock, 2 * G_USEC_PER_SEC, FALSE);
  g_assert_false(sleeper_wait(&s, SETTLE_US)); /* the creator still works */
  g_assert_cmpint(ll_clock_now(clock), ==, 0);
  ll_clock_virtual_leave(clock);
  sleeper_finish(&s, t);
  g_assert_cmpint(s.woke_at, ==, 2 * G_USEC_PER_SEC);
  ll_clock_virtual_free(clock);
}

/* Two participants: time moves only when both sleep, to the earlier wake. */
static void
test_two_participants(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  Sleeper s;
  GThread *t = sleeper_start(&s, clock, 3 * G_USEC_PER_SEC, TRUE);
  /* its sleep alone does not move time: this thread takes part and works */
  g_assert_false(sleeper_wait(&s, SETTLE_US));
  g_assert_true(s.took_part);
  g_assert_cmpint(ll_clock_now(clock), ==, 0);
  /* both asleep: time goes to the earlier wake (ours), then on to theirs */
  ll_clock_sleep_until(clock, G_USEC_PER_SEC);
  g_assert_cmpint(ll_clock_now(clock), ==, G_USEC_PER_SEC);
  g_assert_false(sleeper_wait(&s, SETTLE_US));
  ll_clock_sleep_until(clock, 4 * G_USEC_PER_SEC);
  sleeper_finish(&s, t);
  g_assert_cmpint(s.woke_at, ==, 3 * G_USEC_PER_SEC);
  g_assert_cmpint(ll_clock_now(clock), ==, 4 * G_USEC_PER_SEC);
  ll_clock_virtual_free(clock);
}

/* thread_new: the thread takes part from its first instruction, so even a
 * leave that is its very first act finds it taking part; time cannot run
 * ahead of it. */
static gpointer
first_act_leave(gpointer data)
{
  LlClock *clock = data;
  gboolean took_part = ll_clock_virtual_leave(clock);
  ll_clock_virtual_join(clock);
  ll_clock_sleep(clock, G_USEC_PER_SEC);
  ll_clock_virtual_leave(clock);
  return GINT_TO_POINTER(took_part);
}

static void
test_thread_new(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  GThread *t = ll_clock_virtual_thread_new(clock, "first-act", first_act_leave, clock);
  ll_clock_virtual_leave(clock); /* waiting for it is not work */
  g_assert_true(GPOINTER_TO_INT(g_thread_join(t)));
  ll_clock_virtual_join(clock);
  g_assert_cmpint(ll_clock_now(clock), ==, G_USEC_PER_SEC);
  ll_clock_virtual_free(clock);
  /* a real-time clock: a plain thread */
  t = ll_clock_virtual_thread_new(ll_clock_system(), "plain", first_act_leave, ll_clock_system());
  g_assert_false(GPOINTER_TO_INT(g_thread_join(t)));
}

/* join_thread leaves alone a thread that already left by itself (it may be
 * waiting elsewhere: counting it as working would stop time for good). */
typedef struct {
  LlClock *clock;
  gboolean leave_first; /* leave by itself before waiting */
  GMutex lock;
  GCond cond;
  gboolean waiting, go;
} Waiter;

/* Waits (not on the clock) until told to go, then leaves. */
static gpointer
waiter_thread(gpointer data)
{
  Waiter *w = data;
  if (w->leave_first)
    ll_clock_virtual_leave(w->clock);
  g_mutex_lock(&w->lock);
  w->waiting = TRUE;
  g_cond_broadcast(&w->cond);
  while (!w->go)
    g_cond_wait(&w->cond, &w->lock);
  g_mutex_unlock(&w->lock);
  ll_clock_virtual_leave(w->clock);
  return NULL;
}

static GThread *
waiter_start(Waiter *w, LlClock *clock, gboolean leave_first)
{
  *w = (Waiter) { .clock = clock, .leave_first = leave_first };
  g_mutex_init(&w->lock);
  g_cond_init(&w->cond);
  GThread *t = g_thread_new("waiter", waiter_thread, w);
  g_mutex_lock(&w->lock);
  while (!w->waiting)
    g_cond_wait(&w->cond, &w->lock);
  g_mutex_unlock(&w->lock);
  return t;
}

static void
waiter_finish(Waiter *w, GThread *t)
{
  g_mutex_lock(&w->lock);
  w->go = TRUE;
  g_cond_broadcast(&w->cond);
  g_mutex_unlock(&w->lock);
  g_thread_join(t);
  g_mutex_clear(&w->lock);
  g_cond_clear(&w->cond);
}

static void
test_join_thread(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  /* a thread that never used the clock is made to take part: while it
   * works (here: waits on something else), time stands still */
  Waiter w;
  GThread *t = waiter_start(&w, clock, FALSE);
  ll_clock_virtual_join_thread(clock, t);
  ll_clock_virtual_leave(clock);
  Sleeper s;
  GThread *st = sleeper_start(&s, clock, G_USEC_PER_SEC, FALSE);
  g_assert_false(sleeper_wait(&s, SETTLE_US));
  waiter_finish(&w, t); /* it leaves */
  sleeper_finish(&s, st);
  g_assert_cmpint(s.woke_at, ==, G_USEC_PER_SEC);

  /* one that already left by itself is left alone (it may be waiting
   * elsewhere: counting it as working would stop time for good) */
  t = waiter_start(&w, clock, TRUE);
  ll_clock_virtual_join_thread(clock, t);
  st = sleeper_start(&s, clock, 2 * G_USEC_PER_SEC, FALSE);
  sleeper_finish(&s, st); /* time moves: the waiter does not count */
  g_assert_cmpint(s.woke_at, ==, 2 * G_USEC_PER_SEC);
  waiter_finish(&w, t);
  ll_clock_virtual_free(clock);
}

/* A thread that does not take part, woken, does not hold time still: a
 * participant asleep until later wakes without anything else happening,
 * while the first thread goes on to wait for something else. */
static gpointer
wake_then_block(gpointer data)
{
  Waiter *w = data;
  ll_clock_sleep_until(w->clock, G_USEC_PER_SEC);
  g_mutex_lock(&w->lock);
  w->waiting = TRUE;
  g_cond_broadcast(&w->cond);
  while (!w->go)
    g_cond_wait(&w->cond, &w->lock);
  g_mutex_unlock(&w->lock);
  return NULL;
}

static void
test_outsider_woken(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  Waiter w = { .clock = clock };
  g_mutex_init(&w.lock);
  g_cond_init(&w.cond);
  Sleeper s;
  GThread *participant = sleeper_start(&s, clock, 2 * G_USEC_PER_SEC, TRUE);
  g_assert_false(sleeper_wait(&s, SETTLE_US)); /* asleep; this thread works */
  GThread *outsider = g_thread_new("outsider", wake_then_block, &w);
  g_usleep(SETTLE_US); /* asleep too */
  g_assert_cmpint(ll_clock_now(clock), ==, 0);
  ll_clock_virtual_leave(clock); /* time goes to 1 s, and on to 2 s */
  sleeper_finish(&s, participant);
  g_assert_cmpint(s.woke_at, ==, 2 * G_USEC_PER_SEC);
  waiter_finish(&w, outsider);
  ll_clock_virtual_free(clock);
}

/* A thread that ends stops taking part, even if it never left. */
static gpointer
join_and_end(gpointer data)
{
  ll_clock_virtual_join(data);
  return NULL;
}

static void
test_thread_end_leaves(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  g_thread_join(g_thread_new("joiner", join_and_end, clock));
  ll_clock_virtual_leave(clock);
  Sleeper s;
  GThread *t = sleeper_start(&s, clock, G_USEC_PER_SEC, FALSE);
  sleeper_finish(&s, t);
  g_assert_cmpint(s.woke_at, ==, G_USEC_PER_SEC);
  ll_clock_virtual_free(clock);
}

/* ---- one instant, rank order ---- */

#define RANKED 3
/* real time a thread works before it records itself: long enough for the
 * others to get there first if the clock let them run */
#define HEAD_START_US (20 * 1000)

typedef struct {
  LlClock *clock;
  gboolean settle;              /* settle at 0 instead of sleeping until 1 s */
  guint slow;                   /* the rank that dawdles in real time first */
  GMutex lock;
  guint order[RANKED], n;       /* ranks as they acted */
  gint64 at[RANKED];            /* the virtual time each acted at */
} Instant;

typedef struct {
  Instant *in;
  guint rank; /* 0: no rank */
} Ranked;

static gpointer
ranked_thread(gpointer data)
{
  Ranked *r = data;
  Instant *in = r->in;
  if (r->rank)
    ll_clock_virtual_set_rank(in->clock, r->rank);
  if (in->settle)
    ll_clock_virtual_settle(in->clock);
  else
    ll_clock_sleep_until(in->clock, G_USEC_PER_SEC);
  if (r->rank == in->slow)
    g_usleep(HEAD_START_US);
  g_mutex_lock(&in->lock);
  in->at[in->n] = ll_clock_now(in->clock);
  in->order[in->n++] = r->rank;
  g_mutex_unlock(&in->lock);
  /* acting takes time: the next one acts at the same instant all the same */
  ll_clock_sleep(in->clock, 5 * G_USEC_PER_SEC);
  return NULL;
}

/* Threads of ranks 2, 1 and none (started in that order) wake at one
 * instant, or settle at one, while the one that should go first dawdles:
 * they act in rank order, the one without a rank last, all at that
 * instant. */
static void
check_rank_order(gboolean settle, guint slow)
{
  LlClock *clock = ll_clock_virtual_new(0);
  Instant in = { .clock = clock, .settle = settle, .slow = slow };
  g_mutex_init(&in.lock);
  Ranked r[RANKED] = { { &in, 2 }, { &in, 1 }, { &in, 0 } };
  GThread *t[RANKED];
  for (guint i = 0; i < RANKED; i++)
    t[i] = ll_clock_virtual_thread_new(clock, "ranked", ranked_thread, &r[i]);
  g_assert_true(ll_clock_virtual_leave(clock));
  for (guint i = 0; i < RANKED; i++)
    g_thread_join(t[i]);
  g_assert_cmpuint(in.n, ==, RANKED);
  g_assert_cmpuint(in.order[0], ==, 1);
  g_assert_cmpuint(in.order[1], ==, 2);
  g_assert_cmpuint(in.order[2], ==, 0);
  for (guint i = 0; i < RANKED; i++)
    g_assert_cmpint(in.at[i], ==, settle ? 0 : G_USEC_PER_SEC);
  g_assert_cmpint(ll_clock_now(clock), ==, (settle ? 0 : G_USEC_PER_SEC) + 5 * G_USEC_PER_SEC);
  g_mutex_clear(&in.lock);
  ll_clock_virtual_free(clock);
}

static void
test_rank_order(void)
{
  /* whichever thread dawdles, and so whichever would get there first */
  for (guint slow = 0; slow <= 2; slow++) {
    check_rank_order(FALSE, slow);
    check_rank_order(TRUE, slow);
  }
}

/* A settle returns once no other participant works, without moving time;
 * a thread that does not take part, and a real-time clock, do not wait. */
static gpointer
settle_then_mark(gpointer data)
{
  Waiter *w = data;
  ll_clock_virtual_settle(w->clock);
  g_mutex_lock(&w->lock);
  w->waiting = TRUE; /* here: settled */
  g_cond_broadcast(&w->cond);
  g_mutex_unlock(&w->lock);
  return NULL;
}

static void
test_settle(void)
{
  LlClock *clock = ll_clock_virtual_new(0);
  Waiter w = { .clock = clock };
  g_mutex_init(&w.lock);
  g_cond_init(&w.cond);
  GThread *t = ll_clock_virtual_thread_new(clock, "settler", settle_then_mark, &w);
  g_usleep(SETTLE_US);
  /* this thread works: the settle waits */
  g_mutex_lock(&w.lock);
  g_assert_false(w.waiting);
  g_mutex_unlock(&w.lock);
  ll_clock_sleep(clock, G_USEC_PER_SEC); /* this thread sleeps: the settler goes on */
  g_thread_join(t);
  g_assert_true(w.waiting);
  g_assert_cmpint(ll_clock_now(clock), ==, G_USEC_PER_SEC);
  ll_clock_virtual_settle(clock); /* alone: at once */
  g_assert_cmpint(ll_clock_now(clock), ==, G_USEC_PER_SEC);
  /* a thread that does not take part does not wait for this one */
  w.waiting = FALSE;
  t = g_thread_new("outsider", settle_then_mark, &w);
  g_thread_join(t);
  g_assert_true(w.waiting);
  g_mutex_clear(&w.lock);
  g_cond_clear(&w.cond);
  ll_clock_virtual_free(clock);
  ll_clock_virtual_settle(ll_clock_system());
  ll_clock_virtual_set_rank(ll_clock_system(), 1);
  ll_clock_virtual_settle(NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/clock/idempotent", test_idempotent);
  g_test_add_func("/clock/participant-holds-time", test_participant_holds_time);
  g_test_add_func("/clock/leave-is-per-thread", test_leave_is_per_thread);
  g_test_add_func("/clock/two-participants", test_two_participants);
  g_test_add_func("/clock/thread-new", test_thread_new);
  g_test_add_func("/clock/join-thread", test_join_thread);
  g_test_add_func("/clock/outsider-woken", test_outsider_woken);
  g_test_add_func("/clock/thread-end-leaves", test_thread_end_leaves);
  g_test_add_func("/clock/rank-order", test_rank_order);
  g_test_add_func("/clock/settle", test_settle);
  return g_test_run();
}
