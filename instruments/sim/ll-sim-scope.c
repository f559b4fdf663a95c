/* ll-sim-scope.c: the "flexdca" simulator: a Keysight N1092D sampling scope
 * (four optical channels 1A..4A) as FlexDCA presents it remotely, speaking
 * the command set of the keysight-flexdca driver (ll-scope.c documents it).
 * Options: bench=NAME (default "default"). The bench's TX path (after the
 * switch and the splitter) is cabled to channel 1A; the others are dark.
 *
 * :ACQuire:SINGle acquires every displayed channel: the scope is busy for
 * ACQUIRE_US of bench time (*OPC? answers after it), and what it measures is
 * fixed at that moment from ll_bench_scope_view() plus measurement noise
 * (ll_bench_noise: NOISE_DB standard deviation on each result).
 * :ACQuire:CDISplay clears the acquired data. A measurement the scope cannot
 * make answers 9.91E37, SCPI's not-a-number, as FlexDCA does:
 *  - before any acquisition (or after CDISplay), or of a channel not displayed;
 *  - average power with no light;
 *  - TDECQ, outer OMA and outer ER with no light, an unmodulated signal, or
 *    pattern lock (:TRIGger:PLOCk) off when the acquisition ran;
 *  - TDECQ of a signal whose pattern is not one TDECQ is defined on (SSPRQ,
 *    or PRBS13Q which FlexDCA also accepts): any other pattern, PRBS31Q
 *    included, when the acquisition ran.
 * Units after *RST are FlexDCA's: watts for average power and OMA, a ratio
 * for ER; the driver asks for dBm and dB. */
#include "ll-bench.h"
#include "ll-sim-model.h"

#include <math.h>
#include <string.h>

#define ACQUIRE_US (1200 * 1000)
#define NOISE_DB 0.05
#define NAN_REPLY "9.91E+37"

/* The channels of the N1092D; the bench's fibre goes to the first. */
static const char *const channel_names[] = { "1A", "2A", "3A", "4A" };
#define N_CHANNELS G_N_ELEMENTS(channel_names)
#define BENCH_CHANNEL 0

typedef enum { MEAS_TDECQ, MEAS_OMA, MEAS_ER, MEAS_APOWER, N_MEAS } Meas;
typedef enum { UNIT_NONE, UNIT_POWER, UNIT_RATIO } UnitKind;

/* The measurements as data: query, source and units headers. */
static const struct {
  const char *query;
  const char *source;
  const char *units;  /* NULL: no units choice (TDECQ is always dB) */
  UnitKind unit_kind;
  gboolean eye;       /* needs a modulated signal and pattern lock */
} meas_table[N_MEAS] = {
  [MEAS_TDECQ] = { "MEASure:EYE:TDEQ?", "MEASure:EYE:TDEQ:SOURce#", NULL, UNIT_NONE, TRUE },
  [MEAS_OMA] = { "MEASure:EYE:OOMA?", "MEASure:EYE:OOMA:SOURce#", "MEASure:EYE:OOMA:UNITs",
                 UNIT_POWER, TRUE },
  [MEAS_ER] = { "MEASure:EYE:OER?", "MEASure:EYE:OER:SOURce#", "MEASure:EYE:OER:UNITs",
                UNIT_RATIO, TRUE },
  [MEAS_APOWER] = { "MEASure:EYE:APOWer?", "MEASure:EYE:APOWer:SOURce#",
                    "MEASure:EYE:APOWer:UNITs", UNIT_POWER, FALSE },
};

typedef struct {
  gboolean light, modulated, plock;
  gboolean tdecq_pattern; /* the signal's pattern is one TDECQ is defined on */
  double value[N_MEAS];   /* dB / dBm */
} Acquired;

typedef struct {
  LlBench *bench;
  gboolean display[N_CHANNELS];
  gboolean plock;
  guint source[N_MEAS];     /* index into channel_names */
  gboolean log_units[N_MEAS]; /* dBm / dB rather than W / ratio */
  gboolean acquired;
  Acquired acq[N_CHANNELS];
} Scope;

/* Index of the channel named by @text ("CHANnel1A", "CHAN1A", "1A"), or -1. */
static int
channel_index(const char *text)
{
  if (g_ascii_strncasecmp(text, "CHANNEL", 7) == 0)
    text += 7;
  else if (g_ascii_strncasecmp(text, "CHAN", 4) == 0)
    text += 4;
  for (guint i = 0; i < N_CHANNELS; i++)
    if (g_ascii_strcasecmp(text, channel_names[i]) == 0)
      return (int) i;
  return -1;
}

/* The measurement whose header (from column @col of meas_table) matches. */
static int
meas_index(const LlSimCall *call, gsize col)
{
  for (int m = 0; m < N_MEAS; m++) {
    const char *pattern = col == 0 ? meas_table[m].query : col == 1 ? meas_table[m].source : meas_table[m].units;
    if (pattern) {
      g_autofree gchar *q = g_strconcat(pattern, call->query && col != 0 ? "?" : "", NULL);
      if (ll_sim_header_match(q, call->header, NULL))
        return m;
    }
  }
  return -1;
}

/* TRUE for the patterns TDECQ is measured on. */
static gboolean
tdecq_pattern(const char *pattern)
{
  return pattern && (g_ascii_strcasecmp(pattern, "SSPRQ") == 0 ||
                     g_ascii_strcasecmp(pattern, "PRBS13Q") == 0);
}

/* ---- handlers ------------------------------------------------------------ */

static void
scope_display(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  /* the header is CHANnel<name>:DISPlay[?] */
  const char *h = call->header + (call->header[0] == ':');
  g_autofree gchar *node = g_strndup(h, strcspn(h, ":"));
  int c = channel_index(node);
  g_assert(c >= 0); /* the command table lists only known channels */
  gboolean on;
  if (call->query)
    g_string_append(reply, s->display[c] ? "1" : "0");
  else if (ll_sim_arg_bool(dev, call->args, &on))
    s->display[c] = on;
}

static void
scope_plock(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  gboolean on;
  if (call->query)
    g_string_append(reply, s->plock ? "1" : "0");
  else if (ll_sim_arg_bool(dev, call->args, &on))
    s->plock = on;
}

static void
scope_cdisplay(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  s->acquired = FALSE;
}

static void
scope_single(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  memset(s->acq, 0, sizeof s->acq);
  LlScopeView v;
  ll_bench_lock(s->bench);
  ll_bench_scope_view(s->bench, &v);
  Acquired *a = &s->acq[BENCH_CHANNEL];
  a->light = v.light;
  a->modulated = v.modulated;
  a->plock = s->plock;
  a->tdecq_pattern = tdecq_pattern(v.pattern);
  a->value[MEAS_APOWER] = v.avg_dbm + ll_bench_path_noise(s->bench, 1, NOISE_DB);
  a->value[MEAS_OMA] = v.oma_dbm + ll_bench_path_noise(s->bench, 1, NOISE_DB);
  a->value[MEAS_ER] = v.er_db + ll_bench_path_noise(s->bench, 1, NOISE_DB);
  a->value[MEAS_TDECQ] = MAX(0.0, v.tdecq_db + ll_bench_path_noise(s->bench, 1, NOISE_DB));
  ll_bench_unlock(s->bench);
  s->acquired = TRUE;
  ll_sim_device_busy(dev, ACQUIRE_US, LL_ACTIVITY_SCOPE);
}

static void
scope_source(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  int m = meas_index(call, 1);
  g_assert(m >= 0);
  if (call->query) {
    g_string_append_printf(reply, "CHAN%s", channel_names[s->source[m]]);
    return;
  }
  int c = channel_index(call->args);
  if (c < 0)
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  else
    s->source[m] = (guint) c;
}

static void
scope_units(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  int m = meas_index(call, 2);
  g_assert(m >= 0);
  gboolean power = meas_table[m].unit_kind == UNIT_POWER;
  if (call->query) {
    g_string_append(reply, s->log_units[m] ? (power ? "DBM" : "DECibel") : (power ? "WATT" : "RATio"));
    return;
  }
  if (g_ascii_strcasecmp(call->args, power ? "DBM" : "DEC") == 0 ||
      (!power && g_ascii_strcasecmp(call->args, "DECibel") == 0))
    s->log_units[m] = TRUE;
  else if (g_ascii_strcasecmp(call->args, power ? "WATT" : "RAT") == 0 ||
           (!power && g_ascii_strcasecmp(call->args, "RATio") == 0))
    s->log_units[m] = FALSE;
  else
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
}

static void
scope_measure(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Scope *s = state;
  int m = meas_index(call, 0);
  g_assert(m >= 0);
  guint c = s->source[m];
  const Acquired *a = &s->acq[c];
  if (!s->acquired || !s->display[c] || !a->light ||
      (meas_table[m].eye && (!a->modulated || !a->plock)) ||
      (m == MEAS_TDECQ && !a->tdecq_pattern)) {
    g_string_append(reply, NAN_REPLY);
    return;
  }
  double v = a->value[m];
  if (!s->log_units[m] && meas_table[m].unit_kind == UNIT_POWER)
    v = ll_dbm_to_mw(v) / 1000.0;
  else if (!s->log_units[m] && meas_table[m].unit_kind == UNIT_RATIO)
    v = pow(10.0, v / 10.0);
  g_string_append_printf(reply, "%.6E", v);
}

/* ---- the model ------------------------------------------------------------ */

static void
scope_reset(LlSimDevice *dev, gpointer state)
{
  Scope *s = state;
  memset(s->display, 0, sizeof s->display);
  s->display[0] = TRUE;
  s->plock = FALSE;
  memset(s->source, 0, sizeof s->source);
  memset(s->log_units, 0, sizeof s->log_units);
  s->log_units[MEAS_TDECQ] = TRUE;
  s->acquired = FALSE;
}

static gboolean
scope_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  Scope *s = state;
  s->bench = ll_bench_attach(dev, options, error);
  if (!s->bench)
    return FALSE;
  scope_reset(dev, state);
  return TRUE;
}

static void
scope_finalize(gpointer state)
{
  Scope *s = state;
  ll_bench_unref(s->bench);
}

static const LlSimCommand scope_commands[] = {
  { "CHANnel1A:DISPlay", scope_display },
  { "CHANnel1A:DISPlay?", scope_display },
  { "CHANnel2A:DISPlay", scope_display },
  { "CHANnel2A:DISPlay?", scope_display },
  { "CHANnel3A:DISPlay", scope_display },
  { "CHANnel3A:DISPlay?", scope_display },
  { "CHANnel4A:DISPlay", scope_display },
  { "CHANnel4A:DISPlay?", scope_display },
  { "TRIGger:PLOCk", scope_plock },
  { "TRIGger:PLOCk?", scope_plock },
  { "ACQuire:CDISplay", scope_cdisplay },
  { "ACQuire:SINGle", scope_single },
  { "MEASure:EYE:TDEQ:SOURce#", scope_source },
  { "MEASure:EYE:TDEQ:SOURce#?", scope_source },
  { "MEASure:EYE:OOMA:SOURce#", scope_source },
  { "MEASure:EYE:OOMA:SOURce#?", scope_source },
  { "MEASure:EYE:OER:SOURce#", scope_source },
  { "MEASure:EYE:OER:SOURce#?", scope_source },
  { "MEASure:EYE:APOWer:SOURce#", scope_source },
  { "MEASure:EYE:APOWer:SOURce#?", scope_source },
  { "MEASure:EYE:OOMA:UNITs", scope_units },
  { "MEASure:EYE:OOMA:UNITs?", scope_units },
  { "MEASure:EYE:OER:UNITs", scope_units },
  { "MEASure:EYE:OER:UNITs?", scope_units },
  { "MEASure:EYE:APOWer:UNITs", scope_units },
  { "MEASure:EYE:APOWer:UNITs?", scope_units },
  { "MEASure:EYE:TDEQ?", scope_measure },
  { "MEASure:EYE:OOMA?", scope_measure },
  { "MEASure:EYE:OER?", scope_measure },
  { "MEASure:EYE:APOWer?", scope_measure },
  { NULL, NULL },
};

static const char *const scope_options[] = { "bench", NULL };

const LlSimModel ll_sim_model_flexdca = {
  .name = "flexdca",
  .maker = "Keysight Technologies",
  .model = "N1092D",
  .firmware = "A.07.50.262",
  .serial = "MY61230045",
  .state_size = sizeof(Scope),
  .options = scope_options,
  .init = scope_init,
  .reset = scope_reset,
  .finalize = scope_finalize,
  .commands = scope_commands,
};
