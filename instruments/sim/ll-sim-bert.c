/* ll-sim-bert.c: the "mp1900" simulator: a multi-channel PAM4 BERT speaking
 * the command set of the anritsu-mp1900 driver (ll-bert.c documents it),
 * modelled on the Anritsu MP1900A. Options: bench=NAME (default "default").
 *
 * Channels: 8 per fixture site of the bench; channel (site-1)*8+lane+1 is
 * cabled to that module lane (ll-bench.h). The generator state lives in the
 * bench, which gives it to the module's transmitter and the scope. The error
 * detector is simulated here:
 *
 *  - while gating runs, the compared bits are the lane bit rate times the
 *    time elapsed on the bench clock since :SENSe:MEASure:STARt, computed
 *    from the start each time so that the count is exact on a virtual clock;
 *  - errors accumulate lazily, whenever the channel is looked at (a query,
 *    a pattern change, STOP): the bits gone by since the last look are charged
 *    at the BER the bench gives for this channel and pattern at that moment,
 *    as a Poisson draw (a normal approximation with binomial variance for
 *    means of 1000 and more) from a per-channel GRand seeded from the seed
 *    option, so a run is deterministic;
 *  - the detector holds synchronisation while that BER is below SYNC_BER;
 *    without it (no signal, wrong pattern, receiver off: the bench's 0.5) the
 *    sync-loss query says so and the errors pile up at that BER;
 *  - :SENSe:MEASure:STOP brings the counts up to date and freezes them.
 *
 * Each device has its own error detectors and channel selection, while the
 * generators are the bench's: two devices on one bench behave like two
 * sessions to one instrument for the generators only.
 *
 * A selected channel that is out of range, an unknown pattern or an unknown
 * result name is an SCPI error (-222 / -224), as on the instrument. */
#include "ll-bench.h"
#include "ll-sim-model.h"

#include <math.h>
#include <string.h>

/* Above this BER the detector cannot hold pattern synchronisation. */
#define SYNC_BER 0.1
/* Poisson means from here on are drawn with a normal approximation. */
#define NORMAL_MEAN 1000.0

/* The patterns the instrument knows, canonical spelling. */
static const char *const patterns[] = {
  "PRBS7",  "PRBS7Q",  "PRBS9",  "PRBS9Q",  "PRBS13", "PRBS13Q", "PRBS15",
  "PRBS15Q", "PRBS23", "PRBS23Q", "PRBS31", "PRBS31Q", "SSPRQ",
};

typedef struct {
  char pattern[16];   /* detector pattern */
  gboolean gating;
  gint64 start_us;    /* gating start on the bench clock */
  gint64 last_us;     /* when the counts were last brought up to date */
  double bits;
  double errors;
  gboolean sync;
  GRand *rand;
} Detector;

typedef struct {
  LlBench *bench;
  guint channels;
  guint selected;     /* 1-based */
  guint32 seed;
  Detector det[LL_BENCH_CHANNELS];
} Bert;

/* ---- the error detector --------------------------------------------------- */

/* A Poisson draw of mean @mean limited to @max events (errors cannot
 * outnumber the bits); beyond NORMAL_MEAN a normal approximation whose
 * variance is binomial (n p (1 - p)), right for BERs near 0.5 too. */
static double
draw_errors(GRand *r, double mean, double p, double max)
{
  if (mean <= 0)
    return 0;
  double k = 0;
  if (mean < NORMAL_MEAN) {
    /* Knuth's method in pieces of mean <= 20, so exp() never underflows */
    for (double left = mean; left > 0; left -= 20) {
      double limit = exp(-MIN(left, 20.0)), prod = g_rand_double(r);
      while (prod > limit) {
        k++;
        prod *= g_rand_double(r);
      }
    }
  } else {
    double u1 = g_rand_double_range(r, 1e-12, 1.0), u2 = g_rand_double(r);
    double z = sqrt(-2.0 * log(u1)) * cos(2 * G_PI * u2);
    k = floor(mean + z * sqrt(mean * (1.0 - MIN(p, 1.0))) + 0.5);
  }
  return CLAMP(k, 0, max);
}

/* Brings channel @ch's counts and sync state up to the bench clock's now. */
static void
detector_update(LlSimDevice *dev, Bert *b, guint ch)
{
  Detector *d = &b->det[ch - 1];
  gint64 now = ll_sim_device_now(dev);
  ll_bench_lock(b->bench);
  double ber = ll_bench_bert_ber(b->bench, ch, d->pattern);
  double rate = ll_bench_lane_bit_rate(b->bench);
  ll_bench_unlock(b->bench);
  d->sync = ber < SYNC_BER;
  if (!d->gating || now <= d->last_us)
    return;
  /* from the start each time: exact for whole microseconds on a virtual clock */
  double bits = floor(rate * (double) (now - d->start_us) / 1e6);
  double fresh = MAX(0.0, bits - d->bits);
  d->errors += draw_errors(d->rand, fresh * ber, ber, fresh);
  d->bits = bits;
  d->last_us = now;
}

/* ---- helpers ------------------------------------------------------------ */

/* The canonical name of pattern @text (case-insensitive), or NULL. */
static const char *
pattern_lookup(const char *text)
{
  for (gsize i = 0; i < G_N_ELEMENTS(patterns); i++)
    if (g_ascii_strcasecmp(text, patterns[i]) == 0)
      return patterns[i];
  return NULL;
}

/* ON|OFF|1|0 into @on; FALSE (and -224 queued) otherwise. */
static gboolean
arg_bool(LlSimDevice *dev, const char *args, gboolean *on)
{
  if (g_ascii_strcasecmp(args, "ON") == 0 || g_str_equal(args, "1"))
    *on = TRUE;
  else if (g_ascii_strcasecmp(args, "OFF") == 0 || g_str_equal(args, "0"))
    *on = FALSE;
  else {
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
    return FALSE;
  }
  return TRUE;
}

/* @args with surrounding double quotes removed, newly allocated. */
static gchar *
unquote(const char *args)
{
  gsize n = strlen(args);
  if (n >= 2 && args[0] == '"' && args[n - 1] == '"')
    return g_strndup(args + 1, n - 2);
  return g_strdup(args);
}

/* ---- handlers ------------------------------------------------------------ */

static void
bert_unit(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  if (call->query) {
    g_string_append_printf(reply, "%u", b->selected);
    return;
  }
  char *end = NULL;
  guint64 n = g_ascii_strtoull(call->args, &end, 10);
  if (!g_ascii_isdigit(call->args[0]) || *end) {
    ll_sim_device_push_error(dev, -104, "Data type error");
    return;
  }
  if (n < 1 || n > b->channels) {
    ll_sim_device_push_error(dev, -222, "Data out of range");
    return;
  }
  b->selected = (guint) n;
}

static void
bert_unit_count(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  g_string_append_printf(reply, "%u", b->channels);
}

static void
bert_source_pattern(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  ll_bench_lock(b->bench);
  const char *current = NULL;
  gboolean on = ll_bench_bert_generator(b->bench, b->selected, &current);
  if (call->query) {
    g_string_append(reply, current);
  } else {
    const char *p = pattern_lookup(call->args);
    if (p)
      ll_bench_bert_set_generator(b->bench, b->selected, on, p);
    else
      ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  }
  ll_bench_unlock(b->bench);
}

static void
bert_output(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  gboolean on = FALSE;
  if (!call->query && !arg_bool(dev, call->args, &on))
    return;
  ll_bench_lock(b->bench);
  const char *pattern = NULL;
  gboolean current = ll_bench_bert_generator(b->bench, b->selected, &pattern);
  if (call->query)
    g_string_append(reply, current ? "1" : "0");
  else
    ll_bench_bert_set_generator(b->bench, b->selected, on, pattern);
  ll_bench_unlock(b->bench);
}

static void
bert_sense_pattern(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = &b->det[b->selected - 1];
  if (call->query) {
    g_string_append(reply, d->pattern);
    return;
  }
  const char *p = pattern_lookup(call->args);
  if (!p) {
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
    return;
  }
  detector_update(dev, b, b->selected); /* errors so far at the old pattern */
  g_strlcpy(d->pattern, p, sizeof d->pattern);
}

static void
bert_start(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = &b->det[b->selected - 1];
  d->gating = TRUE;
  d->start_us = d->last_us = ll_sim_device_now(dev);
  d->bits = d->errors = 0;
  detector_update(dev, b, b->selected);
}

static void
bert_stop(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  detector_update(dev, b, b->selected);
  b->det[b->selected - 1].gating = FALSE;
}

static void
bert_gating_state(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  g_string_append(reply, b->det[b->selected - 1].gating ? "1" : "0");
}

static void
bert_sync_loss(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  detector_update(dev, b, b->selected);
  g_string_append(reply, b->det[b->selected - 1].sync ? "0" : "1");
}

static void
bert_results(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = &b->det[b->selected - 1];
  detector_update(dev, b, b->selected);
  g_autofree gchar *item = unquote(call->args);
  if (g_ascii_strcasecmp(item, "CURRENT:EC:TOTAL") == 0)
    g_string_append_printf(reply, "%.0f", d->errors);
  else if (g_ascii_strcasecmp(item, "CURRENT:CC:TOTAL") == 0)
    g_string_append_printf(reply, "%.0f", d->bits);
  else if (g_ascii_strcasecmp(item, "CURRENT:ER:TOTAL") == 0)
    g_string_append_printf(reply, "%.4E", d->bits > 0 ? d->errors / d->bits : 0.0);
  else
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
}

/* ---- the model ------------------------------------------------------------ */

static void
bert_reset(LlSimDevice *dev, gpointer state)
{
  Bert *b = state;
  b->selected = 1;
  ll_bench_lock(b->bench);
  for (guint ch = 1; ch <= b->channels; ch++) {
    Detector *d = &b->det[ch - 1];
    g_strlcpy(d->pattern, "PRBS31Q", sizeof d->pattern);
    d->gating = FALSE;
    d->bits = d->errors = 0;
    d->sync = FALSE;
    ll_bench_bert_set_generator(b->bench, ch, FALSE, "PRBS31Q");
  }
  ll_bench_unlock(b->bench);
}

static gboolean
bert_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  Bert *b = state;
  const char *bench = options ? g_hash_table_lookup(options, "bench") : NULL;
  const char *seed = options ? g_hash_table_lookup(options, "seed") : NULL;
  b->bench = ll_bench_lookup(bench, error);
  if (!b->bench)
    return FALSE;
  b->channels = MIN(LL_BENCH_CHANNELS, ll_bench_config(b->bench)->sites * LL_MAX_LANES);
  b->seed = seed ? (guint32) g_ascii_strtoull(seed, NULL, 10) : 1; /* checked by the core */
  b->selected = 1;
  for (guint ch = 1; ch <= b->channels; ch++) {
    Detector *d = &b->det[ch - 1];
    g_strlcpy(d->pattern, "PRBS31Q", sizeof d->pattern);
    d->rand = g_rand_new_with_seed(b->seed * 1000003u + ch);
  }
  /* connecting does not reset the instrument: generators keep their state,
   * and ones never set up start off at PRBS31Q */
  ll_bench_lock(b->bench);
  for (guint ch = 1; ch <= b->channels; ch++) {
    const char *p = NULL;
    gboolean on = ll_bench_bert_generator(b->bench, ch, &p);
    if (!p || !*p)
      ll_bench_bert_set_generator(b->bench, ch, on, "PRBS31Q");
  }
  ll_bench_unlock(b->bench);
  ll_sim_device_set_clock(dev, ll_bench_clock(b->bench));
  return TRUE;
}

static void
bert_finalize(gpointer state)
{
  Bert *b = state;
  for (guint ch = 1; ch <= b->channels; ch++)
    g_clear_pointer(&b->det[ch - 1].rand, g_rand_free);
  ll_bench_unref(b->bench);
}

static const LlSimCommand bert_commands[] = {
  { "UENTry:ID", bert_unit },
  { "UENTry:ID?", bert_unit },
  { "UENTry:COUNt?", bert_unit_count },
  { "SOURce:PATTern:TYPE", bert_source_pattern },
  { "SOURce:PATTern:TYPE?", bert_source_pattern },
  { "OUTPut:STATe", bert_output },
  { "OUTPut:STATe?", bert_output },
  { "SENSe:PATTern:TYPE", bert_sense_pattern },
  { "SENSe:PATTern:TYPE?", bert_sense_pattern },
  { "SENSe:MEASure:STARt", bert_start },
  { "SENSe:MEASure:STOP", bert_stop },
  { "SENSe:MEASure:STATe?", bert_gating_state },
  { "SENSe:MEASure:SLOSs?", bert_sync_loss },
  { "CALCulate:DATA:EALarm?", bert_results },
  { NULL, NULL },
};

static const char *const bert_options[] = { "bench", NULL };

const LlSimModel ll_sim_model_mp1900 = {
  .name = "mp1900",
  .maker = "ANRITSU",
  .model = "MP1900A",
  .firmware = "4.02.00",
  .serial = "6201234567",
  .state_size = sizeof(Bert),
  .options = bert_options,
  .init = bert_init,
  .reset = bert_reset,
  .finalize = bert_finalize,
  .commands = bert_commands,
};
