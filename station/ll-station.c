/* ll-station.c: see ll-station.h. */
#include "ll-station.h"
#include "ll-station-sim.h"

#include <string.h>

struct _LlInstrument {
  const LlInstrumentConfig *cfg;
  guint order;
  /* under the station's lease_lock: */
  guint64 leased;    /* parts leased now */
  gboolean opening;  /* a lessee is opening the driver; others wait */
  gboolean faulty;   /* close the driver when the last lease ends */
  gint64 leased_at[LL_PARTS_MAX]; /* station time each part's lease began */
  gint64 leased_us[LL_PARTS_MAX]; /* station time each part was leased in all */
  gpointer handle;   /* the class driver's object: used by the lessees, opened and
                        closed only while no one else can use it */
  LlIdn idn;
};

struct _LlStation {
  LlStationConfig *config;
  LlBench *bench;
  GMutex lease_lock;
  GCond lease_cond;
  GQueue waiting; /* of Request*: lease calls waiting, oldest first */
  GPtrArray *instruments; /* of LlInstrument*, in file order */
};

static void
instrument_close_handle(LlInstrument *inst)
{
  if (!inst->handle)
    return;
  switch (inst->cfg->klass) {
  case LL_CLASS_POWER_METER: ll_power_meter_close(inst->handle); break;
  case LL_CLASS_ATTENUATOR: ll_attenuator_close(inst->handle); break;
  case LL_CLASS_OPTICAL_SWITCH: ll_optical_switch_close(inst->handle); break;
  case LL_CLASS_BERT: ll_bert_close(inst->handle); break;
  case LL_CLASS_SCOPE: ll_scope_close(inst->handle); break;
  case LL_CLASS_EVB: ll_evb_close(inst->handle); break;
  default: break;
  }
  inst->handle = NULL;
  ll_idn_clear(&inst->idn);
}

static void
instrument_free(gpointer p)
{
  LlInstrument *inst = p;
  instrument_close_handle(inst);
  g_free(inst);
}

LlStation *
ll_station_open(LlStationConfig *config, GError **error)
{
  g_autoptr(LlStationConfig) owned = config;
  GError *err = NULL;
  LlBench *bench = ll_station_simulation_start(config, &err);
  if (err) {
    g_propagate_error(error, err);
    return NULL;
  }
  LlStation *s = g_new0(LlStation, 1);
  s->config = g_steal_pointer(&owned);
  s->bench = bench;
  g_mutex_init(&s->lease_lock);
  g_cond_init(&s->lease_cond);
  s->instruments = g_ptr_array_new_with_free_func(instrument_free);
  for (guint i = 0; i < s->config->instruments->len; i++) {
    LlInstrument *inst = g_new0(LlInstrument, 1);
    inst->cfg = s->config->instruments->pdata[i];
    inst->order = i;
    g_ptr_array_add(s->instruments, inst);
  }
  return s;
}

void
ll_station_close(LlStation *s)
{
  if (!s)
    return;
  g_ptr_array_unref(s->instruments);
  ll_bench_unref(s->bench);
  ll_station_config_free(s->config);
  g_mutex_clear(&s->lease_lock);
  g_cond_clear(&s->lease_cond);
  g_free(s);
}

const LlStationConfig *
ll_station_config(LlStation *s)
{
  return s->config;
}

LlBench *
ll_station_bench(LlStation *s)
{
  return s->bench;
}

LlClock *
ll_station_get_clock(LlStation *s)
{
  return s->bench ? ll_bench_clock(s->bench) : ll_clock_system();
}

LlInstrument *
ll_station_instrument(LlStation *s, const char *name)
{
  for (guint i = 0; i < s->instruments->len; i++) {
    LlInstrument *inst = s->instruments->pdata[i];
    if (g_str_equal(inst->cfg->name, name))
      return inst;
  }
  return NULL;
}

LlInstrument *
ll_station_resolve_role(LlStation *s, const char *role, LlInstrumentClass klass, guint site,
                        GError **error)
{
  if (klass == LL_CLASS_EVB) {
    const LlSiteConfig *sc = ll_station_config_site(s->config, site);
    if (!sc) {
      g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                  "%s has no [site %u] to run on", s->config->path, site);
      return NULL;
    }
    return ll_station_instrument(s, sc->evb);
  }
  LlInstrument *named = role ? ll_station_instrument(s, role) : NULL;
  if (named && named->cfg->klass == klass)
    return named;
  LlInstrument *only = NULL;
  guint count = 0;
  for (guint i = 0; i < s->instruments->len; i++) {
    LlInstrument *inst = s->instruments->pdata[i];
    if (inst->cfg->klass == klass) {
      only = inst;
      count++;
    }
  }
  if (count == 1)
    return only;
  if (count)
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "%s has %u instruments of class %s and none is named '%s': name one after the role",
                s->config->path, count, ll_instrument_class_name(klass), role ? role : "");
  else
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "%s has no instrument of class %s for role '%s'", s->config->path,
                ll_instrument_class_name(klass), role ? role : "");
  return NULL;
}

/* Opens @inst with its class driver if it is not open. */
static gboolean
instrument_ensure_open(LlInstrument *inst, GError **error)
{
  if (inst->handle)
    return TRUE;
  const char *driver = inst->cfg->driver->name, *res = inst->cfg->resource;
  const LlIdn *idn = NULL;
  switch (inst->cfg->klass) {
  case LL_CLASS_POWER_METER:
    if ((inst->handle = ll_power_meter_open(driver, res, error)))
      idn = ll_power_meter_idn(inst->handle);
    break;
  case LL_CLASS_ATTENUATOR:
    if ((inst->handle = ll_attenuator_open(driver, res, error)))
      idn = ll_attenuator_idn(inst->handle);
    break;
  case LL_CLASS_OPTICAL_SWITCH:
    if ((inst->handle = ll_optical_switch_open(driver, res, error)))
      idn = ll_optical_switch_idn(inst->handle);
    break;
  case LL_CLASS_BERT:
    if ((inst->handle = ll_bert_open(driver, res, error)))
      idn = ll_bert_idn(inst->handle);
    break;
  case LL_CLASS_SCOPE:
    if ((inst->handle = ll_scope_open(driver, res, error)))
      idn = ll_scope_idn(inst->handle);
    break;
  case LL_CLASS_EVB:
    if ((inst->handle = ll_evb_open(driver, res, error)))
      idn = ll_evb_idn(inst->handle);
    break;
  default:
    break;
  }
  if (!inst->handle) {
    g_prefix_error(error, "%s: ", inst->cfg->name);
    return FALSE;
  }
  inst->idn.maker = g_strdup(idn->maker);
  inst->idn.model = g_strdup(idn->model);
  inst->idn.serial = g_strdup(idn->serial);
  inst->idn.firmware = g_strdup(idn->firmware);
  return TRUE;
}

/* The parts of @inst that @parts names (an instrument without parts has one). */
static guint64
parts_of(const LlInstrument *inst, guint64 parts)
{
  return ll_instrument_part_kind((LlInstrument *) inst)[0] ? parts : LL_PARTS_ALL;
}

/* A lease call waiting for its parts. */
typedef struct {
  const LlLease *leases;
  guint n;
  GThread *thread;
  gboolean took_part;     /* left virtual time to wait: handed back when granted */
  gboolean granted;
  LlInstrument **to_open; /* the instruments this call opens (n + 1 slots) */
  guint n_open;
} Request;

/* Whether two lease calls want a part in common. */
static gboolean
requests_overlap(const Request *a, const Request *b)
{
  for (guint i = 0; i < a->n; i++)
    for (guint j = 0; j < b->n; j++)
      if (a->leases[i].instrument == b->leases[j].instrument &&
          (parts_of(a->leases[i].instrument, a->leases[i].parts) &
           parts_of(b->leases[j].instrument, b->leases[j].parts)))
        return TRUE;
  return FALSE;
}

/* Whether a call that waited in @s->waiting since @self (NULL: a call that
 * has not queued) must still let an older one go first: parts are granted
 * first come, first served, so a site that releases a part and asks for it
 * again at once cannot starve the site waiting for it. */
static gboolean
older_request_first(LlStation *s, const Request *self, const Request *req)
{
  for (GList *l = s->waiting.head; l && l->data != self; l = l->next)
    if (requests_overlap(l->data, req))
      return TRUE;
  return FALSE;
}

/* Whether every lease of @leases can be granted now. */
static gboolean
lease_grantable(const LlLease *leases, guint n)
{
  for (guint i = 0; i < n; i++) {
    const LlInstrument *inst = leases[i].instrument;
    if (inst->opening || (inst->faulty && inst->leased) ||
        (inst->leased & parts_of(inst, leases[i].parts)))
      return FALSE;
  }
  return TRUE;
}

static void
parts_take(LlInstrument *inst, guint64 parts, gint64 now)
{
  parts &= ~inst->leased;
  for (guint p = 0; p < LL_PARTS_MAX; p++)
    if (parts & (G_GUINT64_CONSTANT(1) << p))
      inst->leased_at[p] = now;
  inst->leased |= parts;
}

static void
parts_give_back(LlInstrument *inst, guint64 parts, gint64 now)
{
  parts &= inst->leased;
  for (guint p = 0; p < LL_PARTS_MAX; p++)
    if (parts & (G_GUINT64_CONSTANT(1) << p))
      inst->leased_us[p] += now - inst->leased_at[p];
  inst->leased &= ~parts;
  if (!inst->leased && inst->faulty) {
    instrument_close_handle(inst);
    inst->faulty = FALSE;
  }
}

/* With the lock held: grants @req its parts at @now; the instruments not
 * open are marked for @req's caller to open (the others that lease them
 * wait for opening to end). */
static void
request_take(Request *req, gint64 now)
{
  for (guint i = 0; i < req->n; i++) {
    LlInstrument *inst = req->leases[i].instrument;
    parts_take(inst, parts_of(inst, req->leases[i].parts), now);
    if (!inst->handle && !inst->opening) {
      inst->opening = TRUE;
      req->to_open[req->n_open++] = inst;
    }
  }
  req->granted = TRUE;
}

/* With the lock held, after parts were given back or opened: grants the
 * waiting calls that can go now, oldest first, at this instant. A caller
 * that left virtual time to wait takes part again before it is woken
 * (ll_clock_virtual_hand_over()), so time cannot run ahead of it between
 * the grant and its going on: it starts its step at the instant the parts
 * came free, whatever the threads' scheduling. */
static void
grant_waiting(LlStation *s)
{
  LlClock *clock = ll_station_get_clock(s);
  gint64 now = ll_clock_now(clock);
  for (GList *l = s->waiting.head, *next; l; l = next) {
    next = l->next;
    Request *req = l->data;
    if (!lease_grantable(req->leases, req->n) || older_request_first(s, req, req))
      continue;
    request_take(req, now);
    g_queue_delete_link(&s->waiting, l);
    if (req->took_part)
      ll_clock_virtual_hand_over(clock, req->thread);
  }
  g_cond_broadcast(&s->lease_cond);
}

gboolean
ll_station_lease(LlStation *s, const LlLease *leases, guint n, GError **error)
{
  LlClock *clock = ll_station_get_clock(s);
  /* the sites asking at one virtual instant ask one after the other, in
   * site order (their threads' ranks), so the queue's order is theirs */
  ll_clock_virtual_settle(clock);
  g_autofree LlInstrument **to_open = g_new0(LlInstrument *, n + 1);
  Request req = { leases, n, g_thread_self(), FALSE, FALSE, to_open, 0 };
  g_mutex_lock(&s->lease_lock);
  if (lease_grantable(leases, n) && !older_request_first(s, NULL, &req)) {
    request_take(&req, ll_clock_now(clock));
  } else {
    /* waiting for another site is not work: let virtual time move
     * meanwhile (only when this call must wait: leaving virtual time lets
     * it jump ahead to the other sites' next wake); grant_waiting() hands
     * this thread back to the clock when it grants the call */
    req.took_part = ll_clock_virtual_leave(clock);
    g_queue_push_tail(&s->waiting, &req);
    while (!req.granted)
      g_cond_wait(&s->lease_cond, &s->lease_lock);
  }
  g_mutex_unlock(&s->lease_lock);
  /* granted by a site that goes on at this instant: take turns with it */
  if (req.took_part)
    ll_clock_virtual_settle(clock);
  /* the instruments this call marked are opened by it alone: the others
   * that lease them wait for opening to end */
  GError *err = NULL;
  for (guint i = 0; i < req.n_open && !err; i++)
    instrument_ensure_open(to_open[i], &err);
  if (req.n_open) {
    g_mutex_lock(&s->lease_lock);
    for (guint i = 0; i < req.n_open; i++)
      to_open[i]->opening = FALSE;
    grant_waiting(s);
    g_mutex_unlock(&s->lease_lock);
  }
  if (err) {
    g_propagate_error(error, err);
    ll_station_release(s, leases, n);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_station_lease_free(LlStation *s, const LlLease *leases, guint n)
{
  g_mutex_lock(&s->lease_lock);
  Request req = { .leases = leases, .n = n };
  gboolean free_now = lease_grantable(leases, n) && !older_request_first(s, NULL, &req);
  g_mutex_unlock(&s->lease_lock);
  return free_now;
}

void
ll_station_release(LlStation *s, const LlLease *leases, guint n)
{
  gint64 now = ll_clock_now(ll_station_get_clock(s));
  g_mutex_lock(&s->lease_lock);
  for (guint i = 0; i < n; i++)
    parts_give_back(leases[i].instrument, parts_of(leases[i].instrument, leases[i].parts), now);
  grant_waiting(s);
  g_mutex_unlock(&s->lease_lock);
}

const LlInstrumentConfig *
ll_instrument_config(LlInstrument *inst)
{
  return inst->cfg;
}

#define HANDLE(fn, type, klass_)                                                                   \
  type *fn(LlInstrument *inst)                                                                     \
  {                                                                                                \
    return inst->cfg->klass == (klass_) ? inst->handle : NULL;                                     \
  }
HANDLE(ll_instrument_power_meter, LlPowerMeter, LL_CLASS_POWER_METER)
HANDLE(ll_instrument_attenuator, LlAttenuator, LL_CLASS_ATTENUATOR)
HANDLE(ll_instrument_switch, LlOpticalSwitch, LL_CLASS_OPTICAL_SWITCH)
HANDLE(ll_instrument_bert, LlBert, LL_CLASS_BERT)
HANDLE(ll_instrument_scope, LlScope, LL_CLASS_SCOPE)
HANDLE(ll_instrument_evb, LlEvb, LL_CLASS_EVB)

gint64
ll_instrument_leased_us(LlInstrument *inst, guint *part)
{
  guint best = 0;
  for (guint p = 1; p < LL_PARTS_MAX; p++)
    if (inst->leased_us[p] > inst->leased_us[best])
      best = p;
  if (part)
    *part = best + 1;
  return inst->leased_us[best];
}

const char *
ll_instrument_part_kind(LlInstrument *inst)
{
  switch (inst->cfg->klass) {
  case LL_CLASS_OPTICAL_SWITCH: return "section";
  case LL_CLASS_POWER_METER:
  case LL_CLASS_ATTENUATOR:
  case LL_CLASS_BERT: return "channel";
  default: return "";
  }
}

GPtrArray *
ll_station_instruments(LlStation *s)
{
  return s->instruments;
}

const LlIdn *
ll_instrument_idn(LlInstrument *inst)
{
  return inst->handle ? &inst->idn : NULL;
}

void
ll_instrument_reset(LlStation *s, LlInstrument *inst)
{
  g_mutex_lock(&s->lease_lock);
  if (inst->leased)
    inst->faulty = TRUE;
  else
    instrument_close_handle(inst);
  g_mutex_unlock(&s->lease_lock);
}
