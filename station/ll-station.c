/* ll-station.c: see ll-station.h. */
#include "ll-station.h"
#include "ll-station-sim.h"

#include <string.h>

struct _LlInstrument {
  const LlInstrumentConfig *cfg;
  guint order;
  gboolean leased;   /* under the station's lease_lock; the holder owns the handle */
  gint64 leased_at;  /* station time of the current lease */
  gint64 leased_us;  /* station time leased in all */
  gpointer handle;   /* the class driver's object */
  LlIdn idn;
};

struct _LlStation {
  LlStationConfig *config;
  LlBench *bench;
  GMutex lease_lock;
  GCond lease_cond;
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

static gint
by_order(gconstpointer a, gconstpointer b)
{
  const LlInstrument *x = *(LlInstrument *const *) a, *y = *(LlInstrument *const *) b;
  return (gint) x->order - (gint) y->order;
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

gboolean
ll_station_lease(LlStation *s, LlInstrument **instruments, guint n, GError **error)
{
  g_autofree LlInstrument **sorted = g_memdup2(instruments, sizeof *instruments * n);
  qsort(sorted, n, sizeof *sorted, (int (*)(const void *, const void *)) by_order);
  LlClock *clock = ll_station_get_clock(s);
  /* waiting for another site is not work: let virtual time move meanwhile */
  gboolean took_part = ll_clock_virtual_leave(clock);
  g_mutex_lock(&s->lease_lock);
  for (guint i = 0; i < n; i++) {
    if (i > 0 && sorted[i] == sorted[i - 1])
      continue;
    while (sorted[i]->leased)
      g_cond_wait(&s->lease_cond, &s->lease_lock);
    sorted[i]->leased = TRUE;
    sorted[i]->leased_at = ll_clock_now(clock);
  }
  g_mutex_unlock(&s->lease_lock);
  if (took_part)
    ll_clock_virtual_join(clock);
  for (guint i = 0; i < n; i++) {
    if (i > 0 && sorted[i] == sorted[i - 1])
      continue;
    if (!instrument_ensure_open(sorted[i], error)) {
      ll_station_release(s, instruments, n);
      return FALSE;
    }
  }
  return TRUE;
}

void
ll_station_release(LlStation *s, LlInstrument **instruments, guint n)
{
  gint64 now = ll_clock_now(ll_station_get_clock(s));
  g_mutex_lock(&s->lease_lock);
  for (guint i = 0; i < n; i++) {
    if (instruments[i]->leased)
      instruments[i]->leased_us += now - instruments[i]->leased_at;
    instruments[i]->leased = FALSE;
  }
  g_cond_broadcast(&s->lease_cond);
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
ll_instrument_leased_us(LlInstrument *inst)
{
  return inst->leased_us;
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
ll_instrument_reset(LlInstrument *inst)
{
  instrument_close_handle(inst);
}
