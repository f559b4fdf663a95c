/* ll-bench.c: the simulated bench (see ll-bench.h for the cabling).
 *
 * Losses are fixed per bench, drawn once from its seed: fibres 0.2-0.6 dB,
 * switch channels 0.6-1.0 dB, the splitter 3.2 dB per arm, the attenuator's
 * insertion loss 1.1 dB, the tap 13.0 dB (5 %) and 0.25 dB (95 %). Whenever
 * the switch, the attenuator or a module changes, every module is told what
 * light reaches each of its receivers (rx_input_dbm(), the one place the RX
 * path is computed, with the reference transmitter's ER and pattern); when a
 * generator or a module changes, every module is told which of its host
 * inputs the BERT generators drive.
 *
 * Error detectors: `settled_us` is the bench time up to which every
 * registered detector has been charged. ll_bench_settle() walks from there
 * to now in stretches that end where a module changes by itself
 * (ll_module_sim_next_change_us()); for each stretch the modules are
 * evaluated at its start (ll_module_sim_evaluate_at()) and every detector is
 * charged to its end.
 *
 * Activity log: off unless enabled, so a normal run pays one atomic read
 * per report. Reports come from the simulators (ll_sim_device_busy(), with
 * or without the bench lock held), the modules (under the bench lock) and
 * the BERTs' detectors; the log has its own lock, always taken last. */
#include "ll-bench.h"
#include "ll-sim-model.h"

#include <math.h>
#include <string.h>

#define REF_TX_DBM 3.0    /* reference transmitter average power */
#define REF_TX_ER_DB 5.0
#define REF_TX_WAVELENGTH 1311.0
#define REF_TX_PATTERN "PRBS31Q"
#define SPLIT_DB 3.2
#define VOA_IL_DB 1.1
#define TAP_REF_DB 13.0
#define TAP_THROUGH_DB 0.25

typedef struct {
  LlModuleSim *module;
  guint insertions;
  double case_c;          /* NAN: ambient */
  LlFixtureOutputs evb;   /* what the site's EVB drives */
  double tx_fibre_db[LL_MAX_LANES];
  double rx_fibre_db[LL_MAX_LANES];
  GRand *noise;           /* the noise of readings of this site's light and pins */
} Site;

typedef struct {
  guint id;
  LlBenchDetectorFunc func;
  gpointer data;
} Detector;

typedef struct {
  gboolean on;
  char pattern[16];
} Generator;

struct _LlBench {
  gint ref;
  GMutex lock;
  LlBenchConfig cfg;
  LlClock *clock;
  gboolean own_clock;
  GRand *noise;
  Site site[LL_BENCH_MAX_SITES];
  guint sw[2];            /* selected channel per section, 1-based; 0 none */
  double sw_il_db[2][LL_BENCH_CHANNELS];
  double voa_db;
  gboolean voa_on;
  Generator gen[LL_BENCH_CHANNELS];
  GArray *detectors;      /* Detector */
  guint next_detector_id;
  gint64 settled_us;      /* detectors charged up to here */
  GMutex activity_lock;   /* guards activity; taken last, with or without the bench lock */
  gint activity_on;       /* atomic: the log is enabled */
  GArray *activity;       /* LlActivity; NULL when the log is off */
};

void
ll_bench_config_default(LlBenchConfig *c)
{
  memset(c, 0, sizeof *c);
  c->sites = 1;
  c->product = ll_product_lookup("800G-DR8");
  c->seed = 1;
  ll_defect_mix_default(&c->mix);
  c->ambient_c = 25.0;
}

void
ll_fixture_outputs_default(LlFixtureOutputs *o)
{
  *o = (LlFixtureOutputs) {
    .power = FALSE, .volts = 3.30, .resetl = TRUE, .lpmode = TRUE, .modsell = FALSE,
    .setpoint_c = 25.0,
  };
}

static void update_rx_inputs(LlBench *b);
static void update_host_inputs(LlBench *b);

LlBench *
ll_bench_new(const LlBenchConfig *config)
{
  LlBench *b = g_new0(LlBench, 1);
  b->ref = 1;
  g_mutex_init(&b->lock);
  g_mutex_init(&b->activity_lock);
  b->cfg = *config;
  b->cfg.sites = CLAMP(b->cfg.sites, 1, LL_BENCH_MAX_SITES);
  if (!b->cfg.product)
    b->cfg.product = ll_product_lookup("800G-DR8");
  b->own_clock = !config->realtime;
  b->clock = config->realtime ? ll_clock_system() : ll_clock_virtual_new(0);
  g_autoptr(GRand) r = g_rand_new_with_seed((guint32) (config->seed * 2654435761u + 17));
  for (guint s = 0; s < LL_BENCH_MAX_SITES; s++) {
    b->site[s].case_c = NAN;
    ll_fixture_outputs_default(&b->site[s].evb);
    b->site[s].noise = g_rand_new_with_seed((guint32) ((config->seed ^ 0x5eed) + 7919u * (s + 1)));
    for (guint l = 0; l < LL_MAX_LANES; l++) {
      b->site[s].tx_fibre_db[l] = g_rand_double_range(r, 0.2, 0.6);
      b->site[s].rx_fibre_db[l] = g_rand_double_range(r, 0.2, 0.6);
    }
  }
  for (guint k = 0; k < 2; k++)
    for (guint c = 0; c < LL_BENCH_CHANNELS; c++)
      b->sw_il_db[k][c] = g_rand_double_range(r, 0.6, 1.0);
  b->noise = g_rand_new_with_seed((guint32) (config->seed ^ 0x5eed));
  b->voa_db = 0;
  b->voa_on = FALSE;
  b->detectors = g_array_new(FALSE, FALSE, sizeof(Detector));
  b->settled_us = ll_clock_now(b->clock);
  return b;
}

LlBench *
ll_bench_ref(LlBench *b)
{
  g_atomic_int_inc(&b->ref);
  return b;
}

void
ll_bench_unref(LlBench *b)
{
  if (!b || !g_atomic_int_dec_and_test(&b->ref))
    return;
  for (guint s = 0; s < LL_BENCH_MAX_SITES; s++) {
    ll_module_sim_free(b->site[s].module);
    g_rand_free(b->site[s].noise);
  }
  if (b->own_clock)
    ll_clock_virtual_free(b->clock);
  g_array_unref(b->detectors);
  g_clear_pointer(&b->activity, g_array_unref);
  g_rand_free(b->noise);
  g_mutex_clear(&b->activity_lock);
  g_mutex_clear(&b->lock);
  g_free(b);
}

/* ---- the registry ---- */

static GMutex registry_lock;
static GHashTable *registry; /* name -> LlBench* (a ref each) */

void
ll_bench_publish(const char *name, LlBench *bench)
{
  g_mutex_lock(&registry_lock);
  if (!registry)
    registry = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) ll_bench_unref);
  g_hash_table_replace(registry, g_strdup(name), ll_bench_ref(bench));
  g_mutex_unlock(&registry_lock);
}

LlBench *
ll_bench_lookup(const char *name, GError **error)
{
  if (!name)
    name = "default";
  g_mutex_lock(&registry_lock);
  LlBench *b = registry ? g_hash_table_lookup(registry, name) : NULL;
  if (b) {
    ll_bench_ref(b);
    g_mutex_unlock(&registry_lock);
    return b;
  }
  g_mutex_unlock(&registry_lock);
  if (!g_str_equal(name, "default")) {
    g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                "no simulated bench named '%s' (a station file's [simulation] with bench = %s "
                "creates it)", name, name);
    return NULL;
  }
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  b = ll_bench_new(&cfg);
  ll_bench_publish(name, b);
  return b;
}

void
ll_bench_forget_all(void)
{
  g_mutex_lock(&registry_lock);
  g_clear_pointer(&registry, g_hash_table_unref);
  g_mutex_unlock(&registry_lock);
}

/* ---- the activity log ---- */

void
ll_bench_activity_record(LlBench *b, LlActivityKind kind, const char *device, gint64 start_us,
                         gint64 end_us)
{
  if (!g_atomic_int_get(&b->activity_on) || end_us <= start_us)
    return;
  LlActivity a = { .kind = kind, .start_us = start_us, .end_us = end_us };
  g_strlcpy(a.device, device ? device : "", sizeof a.device);
  g_mutex_lock(&b->activity_lock);
  if (b->activity)
    g_array_append_val(b->activity, a);
  g_mutex_unlock(&b->activity_lock);
}

/* The LlActivityFunc the bench gives its simulators and modules. */
static void
record_activity(gpointer data, LlActivityKind kind, const char *device, gint64 start_us,
                gint64 end_us)
{
  ll_bench_activity_record(data, kind, device, start_us, end_us);
}

void
ll_bench_activity_enable(LlBench *b, gboolean on)
{
  g_mutex_lock(&b->activity_lock);
  g_clear_pointer(&b->activity, g_array_unref);
  if (on)
    b->activity = g_array_new(FALSE, FALSE, sizeof(LlActivity));
  g_atomic_int_set(&b->activity_on, on);
  g_mutex_unlock(&b->activity_lock);
}

GArray *
ll_bench_activity_take(LlBench *b)
{
  /* transitions that ended by now are reported when a module is looked at */
  ll_bench_lock(b);
  for (guint s = 0; s < b->cfg.sites; s++)
    if (b->site[s].module)
      ll_module_sim_evaluate_at(b->site[s].module, -1);
  ll_bench_unlock(b);
  g_mutex_lock(&b->activity_lock);
  GArray *out = b->activity;
  b->activity = out ? g_array_new(FALSE, FALSE, sizeof(LlActivity)) : NULL;
  g_mutex_unlock(&b->activity_lock);
  return out ? out : g_array_new(FALSE, FALSE, sizeof(LlActivity));
}

LlBench *
ll_bench_attach(LlSimDevice *dev, GHashTable *options, GError **error)
{
  const char *name = options ? g_hash_table_lookup(options, "bench") : NULL;
  if (name && !*name) {
    g_set_error_literal(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                        "simulator option bench= needs a bench name");
    return NULL;
  }
  LlBench *b = ll_bench_lookup(name, error);
  if (b) {
    ll_sim_device_set_clock(dev, b->clock);
    ll_sim_device_set_activity(dev, record_activity, b);
  }
  return b;
}

const LlBenchConfig *
ll_bench_config(LlBench *b)
{
  return &b->cfg;
}

LlClock *
ll_bench_clock(LlBench *b)
{
  return b->clock;
}

double
ll_bench_noise(LlBench *b, double sd)
{
  return sd * ll_sim_gauss(b->noise);
}

double
ll_bench_site_noise(LlBench *b, guint site, double sd)
{
  if (site < 1 || site > LL_BENCH_MAX_SITES)
    return ll_bench_noise(b, sd);
  return sd * ll_sim_gauss(b->site[site - 1].noise);
}

double
ll_bench_path_noise(LlBench *b, guint section, double sd)
{
  guint ch = ll_bench_switch_get(b, section);
  return ch ? ll_bench_site_noise(b, (ch - 1) / LL_MAX_LANES + 1, sd) : ll_bench_noise(b, sd);
}

void
ll_bench_lock(LlBench *b)
{
  g_mutex_lock(&b->lock);
  ll_bench_settle(b);
}

void
ll_bench_unlock(LlBench *b)
{
  g_mutex_unlock(&b->lock);
}

/* ---- error detectors ---- */

guint
ll_bench_add_detector(LlBench *b, LlBenchDetectorFunc func, gpointer data)
{
  ll_bench_settle(b); /* a new detector owes nothing for the time before it */
  Detector d = { ++b->next_detector_id, func, data };
  g_array_append_val(b->detectors, d);
  return d.id;
}

void
ll_bench_remove_detector(LlBench *b, guint id)
{
  for (guint i = 0; i < b->detectors->len; i++)
    if (g_array_index(b->detectors, Detector, i).id == id) {
      g_array_remove_index(b->detectors, i);
      return;
    }
}

void
ll_bench_settle(LlBench *b)
{
  gint64 now = ll_clock_now(b->clock);
  if (now <= b->settled_us)
    return;
  gint64 t = b->settled_us;
  b->settled_us = now;
  if (!b->detectors->len)
    return;
  while (t < now) {
    /* the stretch from t to the first change a module makes by itself */
    gint64 end = now;
    for (guint s = 0; s < b->cfg.sites; s++) {
      LlModuleSim *m = b->site[s].module;
      if (!m)
        continue;
      ll_module_sim_evaluate_at(m, t);
      gint64 change = ll_module_sim_next_change_us(m);
      if (change > t)
        end = MIN(end, change);
    }
    for (guint i = 0; i < b->detectors->len; i++) {
      const Detector *d = &g_array_index(b->detectors, Detector, i);
      d->func(b, end, d->data);
    }
    t = end;
  }
  for (guint s = 0; s < b->cfg.sites; s++)
    if (b->site[s].module)
      ll_module_sim_evaluate_at(b->site[s].module, -1);
}

/* ---- fixtures ---- */

static Site *
site_of(LlBench *b, guint site)
{
  return site >= 1 && site <= b->cfg.sites ? &b->site[site - 1] : NULL;
}

/* Drives @s's module with the fixture's outputs (detectors settled). */
static void
apply_outputs(Site *s)
{
  if (!s->module)
    return;
  ll_module_sim_set_supply(s->module, s->evb.power, s->evb.volts);
  ll_module_sim_set_resetl(s->module, s->evb.resetl);
  ll_module_sim_set_lpmode(s->module, s->evb.lpmode);
}

gboolean
ll_bench_insert(LlBench *b, guint site, const char *serial)
{
  ll_bench_lock(b);
  Site *s = site_of(b, site);
  if (s) {
    ll_module_sim_free(s->module);
    s->module = ll_module_sim_new(b->cfg.product, serial, b->cfg.seed, &b->cfg.mix, b->clock);
    g_autofree gchar *label = g_strdup_printf("module site %u", site);
    ll_module_sim_set_activity(s->module, record_activity, b, label);
    ll_module_sim_set_case_temperature(s->module, isnan(s->case_c) ? b->cfg.ambient_c : s->case_c);
    s->insertions++;
    apply_outputs(s); /* into a powered fixture: powered */
    update_rx_inputs(b);
    update_host_inputs(b);
  }
  ll_bench_unlock(b);
  return s != NULL;
}

void
ll_bench_remove(LlBench *b, guint site)
{
  ll_bench_lock(b);
  Site *s = site_of(b, site);
  if (s)
    g_clear_pointer(&s->module, ll_module_sim_free);
  ll_bench_unlock(b);
}

LlFixtureOutputs *
ll_bench_fixture_outputs(LlBench *b, guint site)
{
  Site *s = site_of(b, site);
  return s ? &s->evb : NULL;
}

void
ll_bench_fixture_apply(LlBench *b, guint site)
{
  Site *s = site_of(b, site);
  if (!s)
    return;
  ll_bench_settle(b);
  apply_outputs(s);
}

guint
ll_bench_insertions(LlBench *b, guint site)
{
  ll_bench_lock(b);
  Site *s = site_of(b, site);
  guint n = s ? s->insertions : 0;
  ll_bench_unlock(b);
  return n;
}

LlModuleSim *
ll_bench_module(LlBench *b, guint site)
{
  Site *s = site_of(b, site);
  return s ? s->module : NULL;
}

void
ll_bench_set_case_temperature(LlBench *b, guint site, double celsius)
{
  Site *s = site_of(b, site);
  if (!s)
    return;
  ll_bench_settle(b); /* sensitivity moves with temperature */
  s->case_c = celsius;
  if (s->module)
    ll_module_sim_set_case_temperature(s->module, isnan(celsius) ? b->cfg.ambient_c : celsius);
}

/* ---- switch and attenuator ---- */

guint
ll_bench_switch_channels(LlBench *b)
{
  return b->cfg.sites * LL_MAX_LANES;
}

void
ll_bench_switch_set(LlBench *b, guint section, guint channel)
{
  if (section < 1 || section > 2)
    return;
  ll_bench_settle(b);
  b->sw[section - 1] = channel <= ll_bench_switch_channels(b) ? channel : 0;
  update_rx_inputs(b);
}

guint
ll_bench_switch_get(LlBench *b, guint section)
{
  return section >= 1 && section <= 2 ? b->sw[section - 1] : 0;
}

void
ll_bench_voa_set(LlBench *b, double attenuation_db, gboolean enabled)
{
  ll_bench_settle(b);
  b->voa_db = attenuation_db;
  b->voa_on = enabled;
  update_rx_inputs(b);
}

double
ll_bench_voa_attenuation(LlBench *b)
{
  return b->voa_db;
}

gboolean
ll_bench_voa_enabled(LlBench *b)
{
  return b->voa_on;
}

/* The (site, lane) a channel of a section or BERT reaches; FALSE if none. */
static gboolean
channel_lane(LlBench *b, guint channel, guint *site, guint *lane)
{
  if (channel < 1 || channel > ll_bench_switch_channels(b))
    return FALSE;
  *site = (channel - 1) / LL_MAX_LANES + 1;
  *lane = (channel - 1) % LL_MAX_LANES;
  return *lane < b->cfg.product->lanes;
}

/* Average power of the lane switch section 1 selects, at the switch
 * output (before the splitter); -INFINITY when dark. */
static double
tx_at_switch_dbm(LlBench *b, guint *site_out, guint *lane_out)
{
  guint site, lane;
  if (!channel_lane(b, b->sw[0], &site, &lane))
    return -INFINITY;
  Site *s = &b->site[site - 1]; /* channel_lane() checked it */
  if (!s->module || !ll_module_sim_lane_emitting(s->module, lane))
    return -INFINITY;
  if (site_out)
    *site_out = site, *lane_out = lane;
  double p = ll_twin_tx_power_dbm(ll_module_sim_twin(s->module), lane,
                                  ll_module_sim_case_temperature(s->module));
  return p - s->tx_fibre_db[lane] - b->sw_il_db[0][b->sw[0] - 1];
}

static double
voa_out_dbm(LlBench *b)
{
  return b->voa_on ? REF_TX_DBM - VOA_IL_DB - b->voa_db : -INFINITY;
}

/* Average power of the reference signal at the receiver of @site's @lane
 * (0-based), dBm; -INFINITY unless switch section 2 selects that lane. */
static double
rx_input_dbm(LlBench *b, guint site, guint lane)
{
  guint sel_site, sel_lane;
  if (!channel_lane(b, b->sw[1], &sel_site, &sel_lane) || sel_site != site || sel_lane != lane)
    return -INFINITY;
  return voa_out_dbm(b) - TAP_THROUGH_DB - b->sw_il_db[1][b->sw[1] - 1] -
         b->site[site - 1].rx_fibre_db[lane];
}

static void
update_rx_inputs(LlBench *b)
{
  for (guint s = 1; s <= b->cfg.sites; s++) {
    Site *st = &b->site[s - 1];
    if (!st->module)
      continue;
    for (guint l = 0; l < b->cfg.product->lanes; l++)
      ll_module_sim_set_rx_input(st->module, l, rx_input_dbm(b, s, l), REF_TX_ER_DB, REF_TX_PATTERN);
  }
}

static void
update_host_inputs(LlBench *b)
{
  for (guint s = 1; s <= b->cfg.sites; s++) {
    Site *st = &b->site[s - 1];
    if (!st->module)
      continue;
    for (guint l = 0; l < b->cfg.product->lanes; l++) {
      const Generator *g = &b->gen[(s - 1) * LL_MAX_LANES + l];
      ll_module_sim_set_host_input(st->module, l, g->on, g->pattern);
    }
  }
}

double
ll_bench_port_power_dbm(LlBench *b, LlBenchPort port)
{
  if (port == LL_BENCH_PORT_TX)
    return tx_at_switch_dbm(b, NULL, NULL) - SPLIT_DB;
  return voa_out_dbm(b) - TAP_REF_DB;
}

double
ll_bench_rx_power_dbm(LlBench *b, guint site, guint lane)
{
  if (site < 1 || site > b->cfg.sites || lane < 1 || lane > LL_MAX_LANES)
    return -INFINITY;
  return rx_input_dbm(b, site, lane - 1);
}

double
ll_bench_port_wavelength_nm(LlBench *b, LlBenchPort port)
{
  if (port == LL_BENCH_PORT_RX)
    return b->voa_on ? REF_TX_WAVELENGTH : 0;
  guint site, lane;
  if (!isfinite(tx_at_switch_dbm(b, &site, &lane)))
    return 0;
  return b->cfg.product->wavelength_nm[lane];
}

void
ll_bench_scope_view(LlBench *b, LlScopeView *v)
{
  memset(v, 0, sizeof *v);
  guint site = 0, lane = 0;
  double p = tx_at_switch_dbm(b, &site, &lane);
  v->avg_dbm = p - SPLIT_DB;
  v->light = isfinite(p);
  if (!v->light)
    return;
  const Generator *g = &b->gen[(site - 1) * LL_MAX_LANES + lane];
  v->modulated = g->on;
  v->pattern = g->on ? g->pattern : NULL;
  if (!v->modulated)
    return;
  LlModuleSim *m = b->site[site - 1].module;
  const LlTwin *t = ll_module_sim_twin(m);
  double c = ll_module_sim_case_temperature(m);
  v->er_db = ll_twin_er_db(t, lane, c);
  v->oma_dbm = ll_oma_dbm(v->avg_dbm, v->er_db);
  v->tdecq_db = ll_twin_tdecq_db(t, lane, c);
}

void
ll_bench_bert_set_generator(LlBench *b, guint channel, gboolean on, const char *pattern)
{
  if (channel < 1 || channel > LL_BENCH_CHANNELS)
    return;
  ll_bench_settle(b);
  Generator *g = &b->gen[channel - 1];
  g->on = on;
  if (pattern)
    g_strlcpy(g->pattern, pattern, sizeof g->pattern);
  update_host_inputs(b);
}

gboolean
ll_bench_bert_generator(LlBench *b, guint channel, const char **pattern)
{
  if (channel < 1 || channel > LL_BENCH_CHANNELS)
    return FALSE;
  if (pattern)
    *pattern = b->gen[channel - 1].pattern;
  return b->gen[channel - 1].on;
}

double
ll_bench_bert_ber(LlBench *b, guint channel, const char *pattern)
{
  guint site, lane;
  if (!channel_lane(b, channel, &site, &lane))
    return 0.5;
  Site *s = &b->site[site - 1];
  /* the receiver sees the reference transmitter and passes on what it
   * recovers: the reference pattern */
  if (!s->module || !ll_module_sim_lane_receiving(s->module, lane) || !pattern ||
      g_ascii_strcasecmp(pattern, REF_TX_PATTERN) != 0)
    return 0.5;
  double oma = ll_oma_dbm(rx_input_dbm(b, site, lane), REF_TX_ER_DB);
  return ll_twin_ber(ll_module_sim_twin(s->module), lane, oma, ll_module_sim_case_temperature(s->module));
}

double
ll_bench_lane_bit_rate(LlBench *b)
{
  return b->cfg.product->lane_gbps * 1e9;
}
