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
 *  - the detectors are registered with the bench, which charges them
 *    (detectors_charge()) whenever its lock is taken and before anything
 *    that may change a lane's BER (switch, attenuator, a module's pins,
 *    supply, memory or own state changes, generators, temperature): the
 *    bits gone by since the last charge are owed at the BER the bench gave
 *    for this channel and pattern during that stretch. Nothing is drawn
 *    then: the errors owed are drawn when the counts are read
 *    (:CALCulate:DATA:EALarm?), as one Poisson draw (a normal approximation
 *    with binomial variance for means of 1000 and more) for all the bits
 *    since the last read, from a per-channel GRand seeded from the seed
 *    option. How often the bench charged in between (which depends on what
 *    other sites and threads did with it) changes nothing: the bits owed at
 *    one BER are one sum, however they were cut. So a gate's counts depend
 *    only on the light it saw and on when its reader read it. A gate that
 *    ran dark for a while is charged for it even when the light is back
 *    before it is read;
 *  - the detector holds synchronisation while that BER is below SYNC_BER;
 *    without it (no signal, wrong pattern, receiver off: the bench's 0.5)
 *    the errors pile up at that BER;
 *  - :SENSe:MEASure:SLOSs? tells whether synchronisation is lost now;
 *    :SENSe:MEASure:SLOSs:LATCh? answers 1 when it was lost at any moment
 *    of the gate since :SENSe:MEASure:STARt (kept after STOP, cleared by the
 *    next STARt and *RST), so a driver can tell a compromised gate from a
 *    good one even when sync is back by the time it reads;
 *  - :SENSe:MEASure:STOP brings the bits up to date and freezes them (the
 *    errors owed are drawn at the next read);
 *  - each gate is reported to the bench's activity log (LL_ACTIVITY_BERT_GATE,
 *    device "mp1900 ch N") when it ends: STOP, a new STARt, *RST, or the
 *    device closing.
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

/* Touched only with the bench lock held: the bench charges it from other
 * threads. */
typedef struct {
  char pattern[16];   /* detector pattern */
  gboolean gating;
  gint64 start_us;    /* gating start on the bench clock */
  gint64 last_us;     /* when the counts were last brought up to date */
  double bits;        /* compared so far */
  double errors;      /* drawn so far, at reads */
  /* owed since the last read: bits, and the errors expected of them, kept
   * as the stretches at the BERs before (owed_mean) and the bits at the
   * BER now (at_ber), so one BER's bits are one exact sum */
  double owed_bits, owed_mean, at_ber_bits, at_ber;
  gboolean sync_lost; /* latched: sync was lost during the gate */
  GRand *rand;
} Detector;

typedef struct {
  LlBench *bench;
  guint detector_id;  /* the bench's registration of detectors_charge() */
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
    k = floor(mean + ll_sim_gauss(r) * sqrt(mean * (1.0 - MIN(p, 1.0))) + 0.5);
  }
  return CLAMP(k, 0, max);
}

/* Owes nothing (a new gate, a reset). */
static void
owed_clear(Detector *d)
{
  d->owed_bits = d->owed_mean = d->at_ber_bits = d->at_ber = 0;
}

/* Draws the errors owed since the last read (bench lock held). */
static void
errors_draw(Detector *d)
{
  double mean = d->owed_mean + d->at_ber_bits * d->at_ber;
  if (d->owed_bits > 0)
    d->errors += draw_errors(d->rand, mean, mean / d->owed_bits, d->owed_bits);
  owed_clear(d);
}

/* The bench's LlBenchDetectorFunc (bench lock held): charges every gating
 * channel up to @until_us at the BER the bench gives now. */
static void
detectors_charge(LlBench *bench, gint64 until_us, gpointer data)
{
  Bert *b = data;
  double rate = ll_bench_lane_bit_rate(bench);
  for (guint ch = 1; ch <= b->channels; ch++) {
    Detector *d = &b->det[ch - 1];
    if (!d->gating || until_us <= d->last_us)
      continue;
    double ber = ll_bench_bert_ber(bench, ch, d->pattern);
    /* from the start each time: exact for whole microseconds on a virtual clock */
    double bits = floor(rate * (double) (until_us - d->start_us) / 1e6);
    double fresh = MAX(0.0, bits - d->bits);
    if (fresh > 0 && ber != d->at_ber) {
      d->owed_mean += d->at_ber_bits * d->at_ber;
      d->at_ber_bits = 0;
      d->at_ber = ber;
    }
    d->at_ber_bits += fresh;
    d->owed_bits += fresh;
    d->bits = bits;
    d->last_us = until_us;
    if (fresh > 0 && ber >= SYNC_BER)
      d->sync_lost = TRUE;
  }
}

/* Ends channel @ch's gate, if it runs, and reports it (bench lock held). */
static void
gate_end(Bert *b, guint ch)
{
  Detector *d = &b->det[ch - 1];
  if (!d->gating)
    return;
  d->gating = FALSE;
  char device[LL_ACTIVITY_DEVICE_LEN];
  g_snprintf(device, sizeof device, "mp1900 ch %u", ch);
  ll_bench_activity_record(b->bench, LL_ACTIVITY_BERT_GATE, device, d->start_us,
                           ll_clock_now(ll_bench_clock(b->bench)));
}

/* The selected channel's detector with the bench locked and every detector
 * charged up to now; ll_bench_unlock() when done. */
static Detector *
selected_locked(Bert *b)
{
  ll_bench_lock(b->bench);
  return &b->det[b->selected - 1];
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
  if (!call->query && !ll_sim_arg_bool(dev, call->args, &on))
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
  const char *p = call->query ? NULL : pattern_lookup(call->args);
  if (!call->query && !p) {
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
    return;
  }
  Detector *d = selected_locked(b); /* errors so far charged at the old pattern */
  if (call->query)
    g_string_append(reply, d->pattern);
  else
    g_strlcpy(d->pattern, p, sizeof d->pattern);
  ll_bench_unlock(b->bench);
}

static void
bert_start(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = selected_locked(b);
  gate_end(b, b->selected); /* a new start ends the gate that ran */
  d->gating = TRUE;
  d->start_us = d->last_us = ll_clock_now(ll_bench_clock(b->bench));
  d->bits = d->errors = 0;
  owed_clear(d);
  d->sync_lost = FALSE;
  ll_bench_unlock(b->bench);
}

static void
bert_stop(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  selected_locked(b); /* charged up to now, then frozen */
  gate_end(b, b->selected);
  ll_bench_unlock(b->bench);
}

static void
bert_gating_state(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = selected_locked(b);
  g_string_append(reply, d->gating ? "1" : "0");
  ll_bench_unlock(b->bench);
}

static void
bert_sync_loss(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = selected_locked(b);
  gboolean sync = ll_bench_bert_ber(b->bench, b->selected, d->pattern) < SYNC_BER;
  ll_bench_unlock(b->bench);
  g_string_append(reply, sync ? "0" : "1");
}

static void
bert_sync_loss_latched(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  Detector *d = selected_locked(b);
  g_string_append(reply, d->sync_lost ? "1" : "0");
  ll_bench_unlock(b->bench);
}

static void
bert_results(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Bert *b = state;
  g_autofree gchar *item = unquote(call->args);
  Detector *d = selected_locked(b);
  errors_draw(d);
  if (g_ascii_strcasecmp(item, "CURRENT:EC:TOTAL") == 0)
    g_string_append_printf(reply, "%.0f", d->errors);
  else if (g_ascii_strcasecmp(item, "CURRENT:CC:TOTAL") == 0)
    g_string_append_printf(reply, "%.0f", d->bits);
  else if (g_ascii_strcasecmp(item, "CURRENT:ER:TOTAL") == 0)
    g_string_append_printf(reply, "%.4E", d->bits > 0 ? d->errors / d->bits : 0.0);
  else
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  ll_bench_unlock(b->bench);
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
    gate_end(b, ch);
    d->bits = d->errors = 0;
    owed_clear(d);
    d->sync_lost = FALSE;
    ll_bench_bert_set_generator(b->bench, ch, FALSE, "PRBS31Q");
  }
  ll_bench_unlock(b->bench);
}

static gboolean
bert_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  Bert *b = state;
  const char *seed = options ? g_hash_table_lookup(options, "seed") : NULL;
  b->bench = ll_bench_attach(dev, options, error);
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
  b->detector_id = ll_bench_add_detector(b->bench, detectors_charge, b);
  ll_bench_unlock(b->bench);
  return TRUE;
}

static void
bert_finalize(gpointer state)
{
  Bert *b = state;
  ll_bench_lock(b->bench);
  for (guint ch = 1; ch <= b->channels; ch++)
    gate_end(b, ch);
  ll_bench_remove_detector(b->bench, b->detector_id);
  ll_bench_unlock(b->bench);
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
  { "SENSe:MEASure:SLOSs:LATCh?", bert_sync_loss_latched },
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
