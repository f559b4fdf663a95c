/* ll-sim-optical.c: simulators of the bench's optical instruments: two power
 * meters, the attenuator and the switch (see ll-sim-optical.h). Each is a
 * command table over shared handlers; the two meters differ only in their
 * MeterSpec (data) and their tables. Every handler that looks at the bench
 * takes the bench's lock for it.
 *
 * Power meters ("pm100", "n774x"). A reading is the true power at the bench
 * port the channel is cabled to, plus
 *   - a responsivity error of RESP_DB_PER_NM per nm the set wavelength is
 *     below the light's (an InGaAs head calibrated for the wrong wavelength),
 *   - noise with a standard deviation of NOISE_DB at a 3 ms average, falling
 *     with the square root of the averaging time,
 *   - the dark floor (spec->floor_dbm, noisy), so a dark input reads about
 *     -75 dBm rather than failing.
 * Each reading keeps the meter busy for its averaging time. Ranges are 10 dB
 * decades; with auto-ranging (the default) each reading picks its decade;
 * with auto-ranging off the decade of the last auto-ranged reading stays, and
 * light above its top reads as SCPI overflow (+9.9E+37).
 *   pm100 (Thorlabs PM100USB, one channel; option port=tx|rx, default tx):
 *     SENSe:CORRection:WAVelength[?] <nm>          700..1800 nm
 *     SENSe:POWer[:DC]:UNIT[?] W|DBM               (*RST: W)
 *     SENSe:AVERage[:COUNt][?] <n>                 1..10000 samples of 3 ms
 *     SENSe:POWer[:DC]:RANGe:AUTO[?] ON|OFF|1|0
 *     MEASure[:SCALar]:POWer? and READ?            the reading in the unit set
 *   n774x (Keysight N7744A, four channels; option ports=tx,rx,none,...: the
 *   bench port of each channel, default "tx,rx"; channels beyond the list
 *   are dark):
 *     SENSe#:POWer:WAVelength[?] <x>[NM|UM|M]      a bare number is metres;
 *                                                  the query answers metres
 *     SENSe#:POWer:UNIT[?] 0|1|DBM|W               0 dBm (*RST), 1 W
 *     SENSe#:POWer:ATIMe[?] <s>                    1e-4 .. 10 s
 *     SENSe#:POWer:RANGe:AUTO[?] 1|0|ON|OFF
 *     READ#[:SCALar]:POWer[:DC]?                   the reading in the unit set
 *
 * Attenuator ("n776x": Keysight N7764A, four channels; channel 1 is the bench
 * attenuator, the others are not cabled; option resolution=DB, the step the
 * attenuation is set in, default 0.001):
 *     INPut#:ATTenuation[?] <dB>[DB]               0..60 dB; a change settles
 *                                                  in 60 ms + 1.5 ms/dB (at most 150 ms)
 *     INPut#:WAVelength[?] <x>[NM|UM|M]            1260..1640 nm; answers metres
 *     OUTPut#[:STATe][?] ON|OFF|1|0                a change settles in 60 ms
 * Channel 1 starts in the state the bench's attenuator is in (the instrument
 * keeps its state between sessions); *RST sets 0 dB, output off.
 *
 * Switch ("switch": a DiCon GP700 holding two 1xN switches, sections 1 and 2
 * of the bench, N = ll_bench_switch_channels(); option stuck=S, a fault: the
 * mechanism of section S is stuck, it accepts selections without an error
 * but stays where it is):
 *     ROUTe#:CHANnel1 A,<n>                        select channel n of section #;
 *                                                  a change settles in 20 ms
 *     ROUTe#:CHANnel1?                             "A,<n>" ("A,0": none selected yet)
 *     ROUTe#:CONFig:ROUTe?                         "A,1-<N>": the channels
 *     SYSTem:CONFig:SECTions?                      "2": the number of sections
 *   *RST selects channel 1 in both sections.
 *
 * Errors pushed: -104 a non-number, -114 a channel or section suffix that
 * does not exist, -131 a unit suffix not understood, -222 a value out of
 * range, -224 a keyword not understood. Unknown headers are the core's
 * (-113). */
#include "ll-sim-optical.h"

#include "ll-bench.h"

#include <math.h>
#include <string.h>

#define MAX_CHANNELS 8
#define RESP_DB_PER_NM 0.003 /* reading error per nm of wavelength mismatch */
#define NOISE_DB 0.02        /* reading noise (sd) at a 3 ms average */
#define NOISE_REF_S 0.003
#define FLOOR_NOISE 0.1      /* relative sd of the dark floor at a 3 ms average */
#define LOWEST_RANGE_DBM -60.0

/* ---- helpers shared by the models ---------------------------------------- */

/* A numeric header suffix (channel, section) in 1..@n; pushes -114 if not. */
static gboolean
suffix_ok(LlSimDevice *dev, guint suffix, guint n)
{
  if (suffix >= 1 && suffix <= n)
    return TRUE;
  ll_sim_device_push_error(dev, -114, "Header suffix out of range");
  return FALSE;
}

/* ON, OFF, 1 or 0; pushes -224 otherwise. */
static gboolean
arg_bool(LlSimDevice *dev, const char *args, gboolean *out)
{
  if (g_ascii_strcasecmp(args, "ON") == 0 || g_str_equal(args, "1")) {
    *out = TRUE;
    return TRUE;
  }
  if (g_ascii_strcasecmp(args, "OFF") == 0 || g_str_equal(args, "0")) {
    *out = FALSE;
    return TRUE;
  }
  ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  return FALSE;
}

/* A number with an optional unit suffix from @units (name, scale pairs,
 * NULL-terminated); a bare number is scaled by @bare. Pushes -104 for a
 * non-number, -131 for an unknown suffix. */
typedef struct {
  const char *suffix;
  double scale;
} Unit;

static gboolean
arg_with_unit(LlSimDevice *dev, const char *args, const Unit *units, double bare, double *out)
{
  char *end = NULL;
  double v = g_ascii_strtod(args, &end);
  if (end == args || !isfinite(v)) {
    ll_sim_device_push_error(dev, -104, "Data type error");
    return FALSE;
  }
  while (*end == ' ')
    end++;
  double scale = bare;
  if (*end) {
    const Unit *u;
    for (u = units; u->suffix; u++)
      if (g_ascii_strcasecmp(end, u->suffix) == 0)
        break;
    if (!u->suffix) {
      ll_sim_device_push_error(dev, -131, "Invalid suffix");
      return FALSE;
    }
    scale = u->scale;
  }
  *out = v * scale;
  return TRUE;
}

static const Unit wavelength_units[] = {
  { "NM", 1.0 }, { "UM", 1e3 }, { "M", 1e9 }, { "PM", 1e-3 }, { NULL, 0 },
};
static const Unit db_units[] = { { "DB", 1.0 }, { NULL, 0 } };

static gboolean
in_range(LlSimDevice *dev, double v, double lo, double hi)
{
  if (v >= lo && v <= hi)
    return TRUE;
  ll_sim_device_push_error(dev, -222, "Data out of range");
  return FALSE;
}

/* ---- power meters --------------------------------------------------------- */

typedef struct {
  guint channels;
  double sample_s;        /* > 0: averaging is set as a count of samples this long */
  guint max_count;        /* ... at most this many */
  double min_avg_s, max_avg_s; /* sample_s == 0: averaging time limits, seconds */
  double min_nm, max_nm;
  double bare_nm;         /* a bare wavelength number is in these many nm; queries answer in it */
  gboolean numeric_unit;  /* POW:UNIT? answers +0/+1 rather than DBM/W */
  gboolean reset_dbm;     /* the unit after *RST */
  double reset_avg_s;
  double reset_nm;
  double max_range_dbm;   /* top of the highest range */
  double floor_dbm;       /* the dark reading */
  const char *default_ports;
  const char *ports_option; /* "port" or "ports" */
} MeterSpec;

typedef struct {
  const MeterSpec *spec;
  LlBench *bench;
  gboolean cabled[MAX_CHANNELS];
  LlBenchPort port[MAX_CHANNELS];
  double nm[MAX_CHANNELS];
  gboolean dbm[MAX_CHANNELS];
  double avg_s[MAX_CHANNELS];
  gboolean auto_range[MAX_CHANNELS];
  double range_top_dbm[MAX_CHANNELS];
} MeterState;

static const MeterSpec pm100_spec = {
  .channels = 1,
  .sample_s = 0.003,
  .max_count = 10000,
  .min_nm = 700,
  .max_nm = 1800,
  .bare_nm = 1.0,
  .numeric_unit = FALSE,
  .reset_dbm = FALSE,
  .reset_avg_s = 0.003,
  .reset_nm = 1550,
  .max_range_dbm = 20,
  .floor_dbm = -75,
  .default_ports = "tx",
  .ports_option = "port",
};

static const MeterSpec n774x_spec = {
  .channels = 4,
  .sample_s = 0,
  .min_avg_s = 1e-4,
  .max_avg_s = 10,
  .min_nm = 1250,
  .max_nm = 1650,
  .bare_nm = 1e9,
  .numeric_unit = TRUE,
  .reset_dbm = TRUE,
  .reset_avg_s = 0.1,
  .reset_nm = 1550,
  .max_range_dbm = 10,
  .floor_dbm = -75,
  .default_ports = "tx,rx",
  .ports_option = "ports",
};

static void
meter_reset(LlSimDevice *dev, gpointer state)
{
  MeterState *s = state;
  for (guint i = 0; i < s->spec->channels; i++) {
    s->nm[i] = s->spec->reset_nm;
    s->dbm[i] = s->spec->reset_dbm;
    s->avg_s[i] = s->spec->reset_avg_s;
    s->auto_range[i] = TRUE;
    s->range_top_dbm[i] = s->spec->max_range_dbm;
  }
}

static gboolean
meter_init(LlSimDevice *dev, MeterState *s, const MeterSpec *spec, GHashTable *options,
           GError **error)
{
  s->spec = spec;
  const char *ports = options ? g_hash_table_lookup(options, spec->ports_option) : NULL;
  g_auto(GStrv) list = g_strsplit(ports ? ports : spec->default_ports, ",", -1);
  if (g_strv_length(list) > spec->channels) {
    g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                "simulator option %s='%s' names more than %u channel%s", spec->ports_option, ports,
                spec->channels, spec->channels == 1 ? "" : "s");
    return FALSE;
  }
  for (guint i = 0; list[i]; i++) {
    const char *p = g_strstrip(list[i]);
    s->cabled[i] = !g_str_equal(p, "none");
    if (g_str_equal(p, "tx"))
      s->port[i] = LL_BENCH_PORT_TX;
    else if (g_str_equal(p, "rx"))
      s->port[i] = LL_BENCH_PORT_RX;
    else if (s->cabled[i]) {
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "simulator option %s='%s': '%s' is not tx, rx or none", spec->ports_option,
                  ports, p);
      return FALSE;
    }
  }
  if (!(s->bench = ll_bench_attach(dev, options, error)))
    return FALSE;
  meter_reset(dev, s);
  return TRUE;
}

static gboolean
pm100_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  return meter_init(dev, state, &pm100_spec, options, error);
}

static gboolean
n774x_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  return meter_init(dev, state, &n774x_spec, options, error);
}

static void
meter_finalize(gpointer state)
{
  MeterState *s = state;
  ll_bench_unref(s->bench);
}

/* The 0-based channel a call addresses, or -1 (error pushed). */
static int
meter_channel(LlSimDevice *dev, MeterState *s, const LlSimCall *call)
{
  return suffix_ok(dev, call->suffix[0], s->spec->channels) ? (int) call->suffix[0] - 1 : -1;
}

static void
meter_wavelength(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  MeterState *s = state;
  int i = meter_channel(dev, s, call);
  double nm;
  if (i < 0)
    return;
  if (call->query)
    g_string_append_printf(reply, "%+.8E", s->nm[i] / s->spec->bare_nm);
  else if (arg_with_unit(dev, call->args, wavelength_units, s->spec->bare_nm, &nm) &&
           in_range(dev, nm, s->spec->min_nm, s->spec->max_nm))
    s->nm[i] = nm;
}

static void
meter_unit(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  MeterState *s = state;
  int i = meter_channel(dev, s, call);
  if (i < 0)
    return;
  if (call->query) {
    if (s->spec->numeric_unit)
      g_string_append(reply, s->dbm[i] ? "+0" : "+1");
    else
      g_string_append(reply, s->dbm[i] ? "DBM" : "W");
  } else if (g_ascii_strcasecmp(call->args, "DBM") == 0 || g_str_equal(call->args, "0")) {
    s->dbm[i] = TRUE;
  } else if (g_ascii_strcasecmp(call->args, "W") == 0 ||
             g_ascii_strcasecmp(call->args, "WATT") == 0 || g_str_equal(call->args, "1")) {
    s->dbm[i] = FALSE;
  } else {
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  }
}

static void
meter_averaging(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  MeterState *s = state;
  const MeterSpec *spec = s->spec;
  int i = meter_channel(dev, s, call);
  double v;
  if (i < 0)
    return;
  if (call->query) {
    if (spec->sample_s > 0)
      g_string_append_printf(reply, "%ld", lround(s->avg_s[i] / spec->sample_s));
    else
      g_string_append_printf(reply, "%+.8E", s->avg_s[i]);
    return;
  }
  if (!ll_sim_arg_double(dev, call->args, &v))
    return;
  if (spec->sample_s > 0) {
    if (v != floor(v)) {
      ll_sim_device_push_error(dev, -104, "Data type error");
      return;
    }
    if (in_range(dev, v, 1, spec->max_count))
      s->avg_s[i] = v * spec->sample_s;
  } else if (in_range(dev, v, spec->min_avg_s, spec->max_avg_s)) {
    s->avg_s[i] = v;
  }
}

static void
meter_auto_range(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  MeterState *s = state;
  int i = meter_channel(dev, s, call);
  gboolean on;
  if (i < 0)
    return;
  if (call->query)
    g_string_append(reply, s->auto_range[i] ? "1" : "0");
  else if (arg_bool(dev, call->args, &on))
    s->auto_range[i] = on;
}

static void
meter_read(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  MeterState *s = state;
  const MeterSpec *spec = s->spec;
  int i = meter_channel(dev, s, call);
  if (i < 0)
    return;
  double k = sqrt(NOISE_REF_S / MAX(s->avg_s[i], 1e-6));
  double dbm = -INFINITY, nm = 0, noise, floor_noise;
  ll_bench_lock(s->bench);
  if (s->cabled[i]) {
    dbm = ll_bench_port_power_dbm(s->bench, s->port[i]);
    nm = ll_bench_port_wavelength_nm(s->bench, s->port[i]);
  }
  guint section = s->port[i] == LL_BENCH_PORT_RX ? 2 : 1;
  noise = ll_bench_path_noise(s->bench, section, NOISE_DB * k);
  floor_noise = ll_bench_path_noise(s->bench, section, FLOOR_NOISE * k);
  ll_bench_unlock(s->bench);

  double mw = ll_dbm_to_mw(spec->floor_dbm) * MAX(0.05, 1.0 + floor_noise);
  if (isfinite(dbm))
    mw += ll_dbm_to_mw(dbm + RESP_DB_PER_NM * (nm - s->nm[i]) + noise);
  double reading = ll_mw_to_dbm(mw);
  ll_sim_device_busy(dev, (gint64) (s->avg_s[i] * 1e6), LL_ACTIVITY_METER);

  if (s->auto_range[i])
    s->range_top_dbm[i] = CLAMP(10.0 * ceil(reading / 10.0), LOWEST_RANGE_DBM, spec->max_range_dbm);
  if (reading > s->range_top_dbm[i] + 0.4) /* 10 % over the top of the range */
    g_string_append(reply, "+9.9E+37");
  else if (s->dbm[i])
    g_string_append_printf(reply, "%+.8E", reading);
  else
    g_string_append_printf(reply, "%+.8E", mw * 1e-3);
}

static const LlSimCommand pm100_commands[] = {
  { "SENSe:CORRection:WAVelength", meter_wavelength },
  { "SENSe:CORRection:WAVelength?", meter_wavelength },
  { "SENSe:POWer[:DC]:UNIT", meter_unit },
  { "SENSe:POWer[:DC]:UNIT?", meter_unit },
  { "SENSe:AVERage[:COUNt]", meter_averaging },
  { "SENSe:AVERage[:COUNt]?", meter_averaging },
  { "SENSe:POWer[:DC]:RANGe:AUTO", meter_auto_range },
  { "SENSe:POWer[:DC]:RANGe:AUTO?", meter_auto_range },
  { "MEASure[:SCALar]:POWer?", meter_read },
  { "READ?", meter_read },
  { NULL, NULL },
};

static const LlSimCommand n774x_commands[] = {
  { "SENSe#:POWer:WAVelength", meter_wavelength },
  { "SENSe#:POWer:WAVelength?", meter_wavelength },
  { "SENSe#:POWer:UNIT", meter_unit },
  { "SENSe#:POWer:UNIT?", meter_unit },
  { "SENSe#:POWer:ATIMe", meter_averaging },
  { "SENSe#:POWer:ATIMe?", meter_averaging },
  { "SENSe#:POWer:RANGe:AUTO", meter_auto_range },
  { "SENSe#:POWer:RANGe:AUTO?", meter_auto_range },
  { "READ#[:SCALar]:POWer[:DC]?", meter_read },
  { NULL, NULL },
};

static const char *const pm100_options[] = { "bench", "port", NULL };
static const char *const n774x_options[] = { "bench", "ports", NULL };

const LlSimModel ll_sim_model_pm100 = {
  .name = "pm100",
  .maker = "Thorlabs",
  .model = "PM100USB",
  .firmware = "1.7.0",
  .serial = "P2000001",
  .state_size = sizeof(MeterState),
  .options = pm100_options,
  .init = pm100_init,
  .reset = meter_reset,
  .finalize = meter_finalize,
  .commands = pm100_commands,
};

const LlSimModel ll_sim_model_n774x = {
  .name = "n774x",
  .maker = "Keysight Technologies",
  .model = "N7744A",
  .firmware = "V1.12",
  .serial = "MY56000001",
  .state_size = sizeof(MeterState),
  .options = n774x_options,
  .init = n774x_init,
  .reset = meter_reset,
  .finalize = meter_finalize,
  .commands = n774x_commands,
};

/* ---- attenuator ----------------------------------------------------------- */

#define VOA_CHANNELS 4
#define VOA_MAX_DB 60.0
#define VOA_MIN_NM 1260.0
#define VOA_MAX_NM 1640.0
#define VOA_SETTLE_US 60000
#define VOA_SETTLE_PER_DB_US 1500
#define VOA_SETTLE_MAX_US 150000

typedef struct {
  LlBench *bench;
  double resolution_db;
  double att_db[VOA_CHANNELS];
  double nm[VOA_CHANNELS];
  gboolean on[VOA_CHANNELS];
} VoaState;

/* Channel 1 is the bench's attenuator: tell the bench. */
static void
voa_apply(VoaState *s, guint i)
{
  if (i != 0)
    return;
  ll_bench_lock(s->bench);
  ll_bench_voa_set(s->bench, s->att_db[0], s->on[0]);
  ll_bench_unlock(s->bench);
}

static void
voa_reset(LlSimDevice *dev, gpointer state)
{
  VoaState *s = state;
  for (guint i = 0; i < VOA_CHANNELS; i++) {
    s->att_db[i] = 0;
    s->nm[i] = 1310;
    s->on[i] = FALSE;
  }
  voa_apply(s, 0);
}

static gboolean
voa_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  VoaState *s = state;
  const char *res = options ? g_hash_table_lookup(options, "resolution") : NULL;
  s->resolution_db = 0.001;
  if (res) {
    char *end = NULL;
    s->resolution_db = g_ascii_strtod(res, &end);
    if (end == res || *end || !(s->resolution_db > 0 && s->resolution_db <= 1)) {
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "simulator option resolution='%s' is not a step in dB from 0 to 1", res);
      return FALSE;
    }
  }
  if (!(s->bench = ll_bench_attach(dev, options, error)))
    return FALSE;
  for (guint i = 0; i < VOA_CHANNELS; i++) {
    s->att_db[i] = 0;
    s->nm[i] = 1310;
    s->on[i] = FALSE;
  }
  /* the instrument kept its state: channel 1 is what the bench holds */
  ll_bench_lock(s->bench);
  s->att_db[0] = ll_bench_voa_attenuation(s->bench);
  s->on[0] = ll_bench_voa_enabled(s->bench);
  ll_bench_unlock(s->bench);
  return TRUE;
}

static void
voa_finalize(gpointer state)
{
  VoaState *s = state;
  ll_bench_unref(s->bench);
}

static void
voa_attenuation(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  VoaState *s = state;
  double db;
  if (!suffix_ok(dev, call->suffix[0], VOA_CHANNELS))
    return;
  guint i = call->suffix[0] - 1;
  if (call->query) {
    g_string_append_printf(reply, "%+.6E", s->att_db[i]);
    return;
  }
  if (!arg_with_unit(dev, call->args, db_units, 1.0, &db) || !in_range(dev, db, 0, VOA_MAX_DB))
    return;
  db = round(db / s->resolution_db) * s->resolution_db;
  double step = fabs(db - s->att_db[i]);
  if (step > 0)
    ll_sim_device_busy(dev, MIN(VOA_SETTLE_MAX_US,
                                VOA_SETTLE_US + (gint64) (step * VOA_SETTLE_PER_DB_US)),
                       LL_ACTIVITY_ATTENUATOR);
  s->att_db[i] = db;
  voa_apply(s, i);
}

static void
voa_wavelength(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  VoaState *s = state;
  double nm;
  if (!suffix_ok(dev, call->suffix[0], VOA_CHANNELS))
    return;
  guint i = call->suffix[0] - 1;
  if (call->query)
    g_string_append_printf(reply, "%+.8E", s->nm[i] * 1e-9);
  else if (arg_with_unit(dev, call->args, wavelength_units, 1e9, &nm) &&
           in_range(dev, nm, VOA_MIN_NM, VOA_MAX_NM))
    s->nm[i] = nm;
}

static void
voa_output(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  VoaState *s = state;
  gboolean on;
  if (!suffix_ok(dev, call->suffix[0], VOA_CHANNELS))
    return;
  guint i = call->suffix[0] - 1;
  if (call->query) {
    g_string_append(reply, s->on[i] ? "1" : "0");
    return;
  }
  if (!arg_bool(dev, call->args, &on))
    return;
  if (on != s->on[i])
    ll_sim_device_busy(dev, VOA_SETTLE_US, LL_ACTIVITY_ATTENUATOR);
  s->on[i] = on;
  voa_apply(s, i);
}

static const LlSimCommand n776x_commands[] = {
  { "INPut#:ATTenuation", voa_attenuation },
  { "INPut#:ATTenuation?", voa_attenuation },
  { "INPut#:WAVelength", voa_wavelength },
  { "INPut#:WAVelength?", voa_wavelength },
  { "OUTPut#[:STATe]", voa_output },
  { "OUTPut#[:STATe]?", voa_output },
  { NULL, NULL },
};

static const char *const n776x_options[] = { "bench", "resolution", NULL };

const LlSimModel ll_sim_model_n776x = {
  .name = "n776x",
  .maker = "Keysight Technologies",
  .model = "N7764A",
  .firmware = "V1.05",
  .serial = "MY57000001",
  .state_size = sizeof(VoaState),
  .options = n776x_options,
  .init = voa_init,
  .reset = voa_reset,
  .finalize = voa_finalize,
  .commands = n776x_commands,
};

/* ---- switch --------------------------------------------------------------- */

#define SWITCH_SECTIONS 2
#define SWITCH_SETTLE_US 20000

typedef struct {
  LlBench *bench;
  guint stuck; /* a section that does not move, 0: none */
} SwitchState;

static gboolean
switch_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  SwitchState *s = state;
  const char *stuck = options ? g_hash_table_lookup(options, "stuck") : NULL;
  if (stuck) {
    if (!g_str_equal(stuck, "1") && !g_str_equal(stuck, "2")) {
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "simulator option stuck='%s' is not a section (1 or 2)", stuck);
      return FALSE;
    }
    s->stuck = (guint) (stuck[0] - '0');
  }
  return (s->bench = ll_bench_attach(dev, options, error)) != NULL;
}

static void
switch_reset(LlSimDevice *dev, gpointer state)
{
  SwitchState *s = state;
  ll_bench_lock(s->bench);
  for (guint k = 1; k <= SWITCH_SECTIONS; k++)
    if (k != s->stuck)
      ll_bench_switch_set(s->bench, k, 1);
  ll_bench_unlock(s->bench);
}

static void
switch_finalize(gpointer state)
{
  SwitchState *s = state;
  ll_bench_unref(s->bench);
}

/* Parses "A,<n>" (the common input A, output n). */
static gboolean
arg_route(LlSimDevice *dev, const char *args, guint *channel)
{
  g_auto(GStrv) f = g_strsplit(args, ",", -1);
  if (g_strv_length(f) != 2 || g_ascii_strcasecmp(g_strstrip(f[0]), "A") != 0) {
    ll_sim_device_push_error(dev, -224, "Illegal parameter value");
    return FALSE;
  }
  const char *n = g_strstrip(f[1]);
  char *end = NULL;
  guint64 v = g_ascii_strtoull(n, &end, 10);
  if (!g_ascii_isdigit(*n) || *end) {
    ll_sim_device_push_error(dev, -104, "Data type error");
    return FALSE;
  }
  *channel = (guint) MIN(v, G_MAXUINT);
  return TRUE;
}

static void
switch_channel(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  SwitchState *s = state;
  guint channel;
  if (!suffix_ok(dev, call->suffix[0], SWITCH_SECTIONS) || !suffix_ok(dev, call->suffix[1], 1))
    return;
  guint section = call->suffix[0];
  ll_bench_lock(s->bench);
  guint n = ll_bench_switch_channels(s->bench), now = ll_bench_switch_get(s->bench, section);
  if (call->query)
    g_string_append_printf(reply, "A,%u", now);
  else if (arg_route(dev, call->args, &channel) && in_range(dev, channel, 1, n)) {
    if (channel != now)
      ll_sim_device_busy(dev, SWITCH_SETTLE_US, LL_ACTIVITY_SWITCH);
    if (section != s->stuck)
      ll_bench_switch_set(s->bench, section, channel);
  }
  ll_bench_unlock(s->bench);
}

static void
switch_config(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  SwitchState *s = state;
  if (!suffix_ok(dev, call->suffix[0], SWITCH_SECTIONS))
    return;
  ll_bench_lock(s->bench);
  g_string_append_printf(reply, "A,1-%u", ll_bench_switch_channels(s->bench));
  ll_bench_unlock(s->bench);
}

static void
switch_sections(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  g_string_append_printf(reply, "%u", SWITCH_SECTIONS);
}

static const LlSimCommand switch_commands[] = {
  { "ROUTe#:CHANnel#", switch_channel },
  { "ROUTe#:CHANnel#?", switch_channel },
  { "ROUTe#:CONFig:ROUTe?", switch_config },
  { "SYSTem:CONFig:SECTions?", switch_sections },
  { NULL, NULL },
};

static const char *const switch_options[] = { "bench", "stuck", NULL };

const LlSimModel ll_sim_model_switch = {
  .name = "switch",
  .maker = "DiCon Fiberoptics Inc",
  .model = "GP700",
  .firmware = "2.3",
  .serial = "GP7000001",
  .state_size = sizeof(SwitchState),
  .options = switch_options,
  .init = switch_init,
  .reset = switch_reset,
  .finalize = switch_finalize,
  .commands = switch_commands,
};
