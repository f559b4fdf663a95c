/* test-leases.c: how sites share instruments (ll_station_lease) on the
 * simulated demo station: parts of one instrument (switch sections, meter
 * channels) are leased apart, so one site can use switch section 1 while
 * another uses section 2; the same part waits for its holder; parts are
 * granted first come, first served (a site that releases a part and asks
 * again at once cannot jump ahead of a site already waiting); sites that ask
 * for one part at the same virtual instant are served in site order
 * whichever thread gets there first, and the one that waits gets the part at
 * the instant it is given back; an instrument
 * without parts (the scope) is leased whole; a faulty instrument is closed
 * only when its last lease ends and reopened by the next; and the shipped
 * sequences run their TX and RX steps of two sites at the same time. */
#include "ll-engine.h"
#include "ll-station-demo.h"

#include <string.h>

typedef struct {
  LlStation *station;
  LlInstrument *sw, *pm, *scope;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  LlDemoOptions o;
  ll_demo_options_default(&o);
  o.sites = 2;
  o.defects = "none";
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = ll_demo_station_text(&o, &err);
  g_assert_no_error(err);
  LlStationConfig *cfg = ll_station_config_load_data("leases.ini", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  f->station = ll_station_open(cfg, &err);
  g_assert_no_error(err);
  GPtrArray *insts = ll_station_instruments(f->station);
  for (guint i = 0; i < insts->len; i++) {
    LlInstrument *inst = insts->pdata[i];
    switch (ll_instrument_config(inst)->klass) {
    case LL_CLASS_OPTICAL_SWITCH: f->sw = inst; break;
    case LL_CLASS_POWER_METER: f->pm = inst; break;
    case LL_CLASS_SCOPE: f->scope = inst; break;
    default: break;
    }
  }
  g_assert_nonnull(f->sw);
  g_assert_nonnull(f->pm);
  g_assert_nonnull(f->scope);
  /* open them all here, on the thread that takes part in virtual time */
  LlLease all[] = { { f->sw, LL_PARTS_ALL }, { f->pm, LL_PARTS_ALL }, { f->scope, LL_PARTS_ALL } };
  g_assert_true(ll_station_lease(f->station, all, G_N_ELEMENTS(all), &err));
  g_assert_no_error(err);
  ll_station_release(f->station, all, G_N_ELEMENTS(all));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_station_close(f->station);
  ll_bench_forget_all();
}

static gboolean
lease_free(Fixture *f, LlInstrument *inst, guint64 parts)
{
  LlLease l = { inst, parts };
  return ll_station_lease_free(f->station, &l, 1);
}

static void
test_parts(Fixture *f, gconstpointer data)
{
  LlLease section1[] = { { f->sw, LL_PART(1) }, { f->pm, LL_PART(1) } };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_station_lease(f->station, section1, 2, &err));
  /* the receivers' path is free; the transmitters' is not */
  g_assert_true(lease_free(f, f->sw, LL_PART(2)));
  g_assert_true(lease_free(f, f->pm, LL_PART(2)));
  g_assert_false(lease_free(f, f->sw, LL_PART(1)));
  g_assert_false(lease_free(f, f->sw, LL_PART(1) | LL_PART(2)));
  g_assert_false(lease_free(f, f->sw, LL_PARTS_ALL));
  LlLease section2[] = { { f->sw, LL_PART(2) }, { f->pm, LL_PART(2) } };
  g_assert_true(ll_station_lease(f->station, section2, 2, &err));
  g_assert_false(lease_free(f, f->sw, LL_PART(2)));
  ll_station_release(f->station, section1, 2);
  g_assert_true(lease_free(f, f->sw, LL_PART(1)));
  ll_station_release(f->station, section2, 2);
  g_assert_true(lease_free(f, f->sw, LL_PARTS_ALL));

  /* a scope has no parts: any lease of it is the whole scope */
  LlLease scope = { f->scope, LL_PART(1) };
  g_assert_true(ll_station_lease(f->station, &scope, 1, &err));
  g_assert_false(lease_free(f, f->scope, LL_PART(2)));
  ll_station_release(f->station, &scope, 1);
  g_assert_true(lease_free(f, f->scope, LL_PART(2)));
  g_assert_cmpstr(ll_instrument_part_kind(f->sw), ==, "section");
  g_assert_cmpstr(ll_instrument_part_kind(f->scope), ==, "");
}

typedef struct {
  Fixture *f;
  LlLease lease;
  gint granted; /* atomic */
} Waiter;

static gpointer
waiter_thread(gpointer data)
{
  Waiter *w = data;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_station_lease(w->f->station, &w->lease, 1, &err));
  g_atomic_int_set(&w->granted, 1);
  return NULL;
}

/* Waits (in real time) until @w's lease was granted; FALSE after 5 s. */
static gboolean
granted_soon(Waiter *w)
{
  for (guint i = 0; i < 500; i++) {
    if (g_atomic_int_get(&w->granted))
      return TRUE;
    g_usleep(10000);
  }
  return FALSE;
}

static void
test_first_come(Fixture *f, gconstpointer data)
{
  LlLease held = { f->sw, LL_PART(1) };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_station_lease(f->station, &held, 1, &err));
  Waiter w = { f, { f->sw, LL_PART(1) }, 0 };
  GThread *t = g_thread_new("waiter", waiter_thread, &w);
  /* the waiter queues for section 1 */
  g_usleep(50000);
  g_assert_false(g_atomic_int_get(&w.granted));
  /* a late caller may take another part, not the one the waiter is owed */
  g_assert_true(lease_free(f, f->sw, LL_PART(2)));
  ll_station_release(f->station, &held, 1);
  /* released: asking again at once must not jump the queue (whether or not
   * the waiter has woken yet, section 1 is not free for a newcomer) */
  g_assert_false(lease_free(f, f->sw, LL_PART(1)));
  g_assert_true(granted_soon(&w));
  g_thread_join(t);
  g_assert_false(lease_free(f, f->sw, LL_PART(1)));
  ll_station_release(f->station, &w.lease, 1);
  g_assert_true(lease_free(f, f->sw, LL_PART(1)));
  guint part = 0;
  g_assert_cmpint(ll_instrument_leased_us(f->sw, &part), >=, 0);
  g_assert_cmpuint(part, >=, 1);
}

static void
test_fault_closes_after_last_lease(Fixture *f, gconstpointer data)
{
  LlLease a = { f->sw, LL_PART(1) }, b = { f->sw, LL_PART(2) };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_station_lease(f->station, &a, 1, &err));
  g_assert_true(ll_station_lease(f->station, &b, 1, &err));
  LlOpticalSwitch *before = ll_instrument_switch(f->sw);
  g_assert_nonnull(before);
  /* section 1's holder saw a fault: section 2's holder keeps its driver */
  ll_instrument_reset(f->station, f->sw);
  g_assert_true(ll_instrument_switch(f->sw) == before);
  /* no new lease is granted on a faulty instrument */
  ll_station_release(f->station, &a, 1);
  g_assert_false(lease_free(f, f->sw, LL_PART(1)));
  g_assert_nonnull(ll_instrument_switch(f->sw));
  /* the last lease ends: closed; the next lease opens it again */
  ll_station_release(f->station, &b, 1);
  g_assert_null(ll_instrument_switch(f->sw));
  g_assert_true(lease_free(f, f->sw, LL_PART(1)));
  g_assert_true(ll_station_lease(f->station, &a, 1, &err));
  g_assert_no_error(err);
  g_assert_nonnull(ll_instrument_switch(f->sw));
  ll_station_release(f->station, &a, 1);
}

/* ---- one virtual instant, site order ---- */

#define HOLD_US (3 * G_USEC_PER_SEC)
/* real time a site's thread dawdles before it asks: long enough for the
 * other to ask first if nothing put them in order */
#define DAWDLE_US (20 * 1000)

typedef struct {
  Fixture *f;
  gint64 ask_at;   /* the virtual instant both ask at */
  guint slow;      /* the site that dawdles */
  GMutex lock;
  guint order[2], n;
  gint64 granted_at[2];
} SameInstant;

typedef struct {
  SameInstant *si;
  guint site;
} SiteAsk;

static gpointer
site_ask(gpointer data)
{
  SiteAsk *a = data;
  SameInstant *si = a->si;
  LlClock *clock = ll_station_get_clock(si->f->station);
  ll_clock_virtual_set_rank(clock, a->site); /* as a site's run does */
  ll_clock_sleep_until(clock, si->ask_at);  /* nothing when it is now */
  if (a->site == si->slow)
    g_usleep(DAWDLE_US);
  LlLease l = { si->f->sw, LL_PART(1) };
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_station_lease(si->f->station, &l, 1, &err));
  g_mutex_lock(&si->lock);
  si->granted_at[si->n] = ll_clock_now(clock);
  si->order[si->n++] = a->site;
  g_mutex_unlock(&si->lock);
  ll_clock_sleep(clock, HOLD_US);
  ll_station_release(si->f->station, &l, 1);
  /* going on at once must not let time run ahead of the site given the part */
  ll_clock_sleep(clock, 10 * HOLD_US);
  return NULL;
}

/* Sites 2 and 1 (started in that order) ask for switch section 1 at one
 * instant, @wake: woken at it (else: at the instant they start), while
 * site @slow dawdles in real time: site 1 gets it at that instant, site 2
 * the moment site 1 gives it back. */
static void
check_site_order(Fixture *f, gboolean wake, guint slow)
{
  LlClock *clock = ll_station_get_clock(f->station);
  gint64 t0 = ll_clock_now(clock);
  SameInstant si = { .f = f, .ask_at = wake ? t0 + G_USEC_PER_SEC : t0, .slow = slow };
  g_mutex_init(&si.lock);
  SiteAsk asks[2] = { { &si, 2 }, { &si, 1 } };
  GThread *t[2];
  for (guint i = 0; i < 2; i++)
    t[i] = ll_clock_virtual_thread_new(clock, "site", site_ask, &asks[i]);
  g_assert_true(ll_clock_virtual_leave(clock));
  for (guint i = 0; i < 2; i++)
    g_thread_join(t[i]);
  ll_clock_virtual_join(clock);
  g_test_message("wake %d, site %u slow: site %u at %" G_GINT64_FORMAT ", site %u at %" G_GINT64_FORMAT,
                 wake, slow, si.order[0], si.granted_at[0] - t0, si.order[1], si.granted_at[1] - t0);
  g_assert_cmpuint(si.n, ==, 2);
  g_assert_cmpuint(si.order[0], ==, 1);
  g_assert_cmpuint(si.order[1], ==, 2);
  g_assert_cmpint(si.granted_at[0], ==, si.ask_at);
  g_assert_cmpint(si.granted_at[1], ==, si.ask_at + HOLD_US);
  g_mutex_clear(&si.lock);
}

static void
test_same_instant(Fixture *f, gconstpointer data)
{
  /* either thread dawdles, so either would ask first on its own */
  for (guint slow = 1; slow <= 2; slow++) {
    check_site_order(f, TRUE, slow);
    check_site_order(f, FALSE, slow);
  }
}

typedef struct {
  GMutex lock;
  guint site_in_tx[3], site_in_rx[3]; /* by site: calls in flight */
  gboolean overlapped;                /* one site in TX while the other was in RX */
} Overlap;

static void
on_step(const LlEvent *ev, gpointer data)
{
  Overlap *o = data;
  if (ev->kind != LL_EVENT_STEP_STARTED && ev->kind != LL_EVENT_STEP_FINISHED)
    return;
  gboolean tx = g_str_has_prefix(ev->step->id, "tx-"), rx = g_str_has_prefix(ev->step->id, "rx-");
  if (!tx && !rx)
    return;
  g_mutex_lock(&o->lock);
  guint *in = tx ? o->site_in_tx : o->site_in_rx;
  if (ev->kind == LL_EVENT_STEP_STARTED) {
    in[ev->site]++;
    guint other = ev->site == 1 ? 2 : 1;
    if ((tx && o->site_in_rx[other]) || (rx && o->site_in_tx[other]))
      o->overlapped = TRUE;
  } else {
    in[ev->site]--;
  }
  g_mutex_unlock(&o->lock);
}

/* Two sites on the shipped 800G DR8 test: both PASS, and while one site is
 * on the transmitters' path the other works on the receivers'. */
static void
test_sites_overlap(Fixture *f, gconstpointer data)
{
  g_autofree gchar *path = ll_demo_sequence_path(NULL, "800G-DR8");
  g_autoptr(LlSequence) seq = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_true(ll_sequence_check_file(path, ll_actions_catalog(), diags, &seq, &tables));
  g_autoptr(LlEngine) engine = ll_engine_new(f->station, seq, tables);
  Overlap o = { 0 };
  g_mutex_init(&o.lock);
  ll_engine_add_listener(engine, on_step, &o);
  ll_station_load_unit(f->station, 1, "LL26L0001");
  ll_station_load_unit(f->station, 2, "LL26L0002");
  guint sites[] = { 1, 2 };
  const char *serials[] = { "LL26L0001", "LL26L0002" };
  g_autoptr(GPtrArray) r = ll_engine_run_sites(engine, sites, serials, 2, NULL);
  for (guint i = 0; i < 2; i++) {
    const LlRunResult *res = r->pdata[i];
    g_test_message("site %u: %s %s", res->site, ll_outcome_name(res->outcome),
                   res->message ? res->message : "");
    g_assert_cmpint(res->outcome, ==, LL_OUTCOME_PASS);
  }
  g_assert_true(o.overlapped);
  g_mutex_clear(&o.lock);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD("/leases/parts", test_parts);
  ADD("/leases/first-come", test_first_come);
  ADD("/leases/fault-closes-after-last-lease", test_fault_closes_after_last_lease);
  ADD("/leases/same-instant", test_same_instant);
  ADD("/leases/sites-overlap", test_sites_overlap);
  return g_test_run();
}
