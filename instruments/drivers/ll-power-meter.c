/* ll-power-meter.c: the optical power meter class (see ll-power-meter.h).
 *
 * One code path drives every meter; what differs between the families is a
 * row of the driver table below: the *IDN? makers and models accepted (with
 * each model's channel count), the commands as templates ("$c" becomes the
 * channel number, "$v" the value), the wavelength unit the instrument answers
 * in, and whether averaging is set as a time or as a count of samples.
 *
 * Opening a meter asks *IDN? and refuses an instrument the driver does not
 * know (LL_SCPI_ERROR_PARSE), clears the status, sets every channel to dBm
 * with auto-ranging, checks the error queue, and reads each channel's
 * averaging back so a reading's timeout can allow for it. Every setting is
 * followed by SYST:ERR? (an instrument that refused it is an
 * LL_SCPI_ERROR_INSTRUMENT error) and read back.
 *
 * The unit of a reading: the meter answers a reading in whatever unit it is
 * set to at that moment, and a meter switched to W behind the driver (a *RST:
 * the PM100's default is W; a power cycle; someone's raw SCPI) would answer a
 * dark input as ~3e-11, which taken as dBm is 0 dBm, a plausible launch
 * power. So every reading asks the channel's unit right after the reading, in
 * the same locked transaction, and refuses a reading unless the unit is dBm
 * (LL_SCPI_ERROR_INSTRUMENT; the meter must be opened again to be set up).
 * The unit is asked after the reading rather than before because the meter
 * formats its reply when the averaging ends, just before the unit query:
 * only two unit changes within the one transaction could slip through. The
 * alternative (set W, convert in the driver) was not taken: a meter reset to
 * dBm behind the driver (the N774x's *RST default) could then answer about
 * 0.001 (dBm), which taken as W converts to a plausible 0 dBm. A unit other
 * than the one set is also the sign of a reset, which loses the wavelength
 * correction: refusing is right either way. A reset that keeps the unit (the
 * N774x's default is dBm) is caught by the wavelength, also read back in the
 * reading's transaction once the driver has set one: a wavelength other than
 * the one set refuses the reading the same way.
 *
 * A reading waits for the transport's timeout plus the channel's averaging
 * time (as read at open or set through the driver: an averaging changed
 * behind the driver's back with raw SCPI is not known to it). A dark input
 * reads as the meter's floor (a very low dBm value); an over-range or
 * not-a-number reading (SCPI 9.9E37 / 9.91E37) is LL_SCPI_ERROR_NOT_A_NUMBER,
 * never a value.
 *
 * Arguments out of range (a channel the meter does not have, a wavelength or
 * averaging time outside the family's limits, an unknown driver name) are
 * G_IO_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Threads: each call holds the SCPI session for its whole transaction
 * (command, error check, read-back), so several sites may share one
 * multi-channel meter. The Keysight 816x mainframes' slot/channel addressing
 * (SENS<slot>:CHAN<n>) is not covered by the keysight-n774x row. */
#include "ll-power-meter.h"
#include "ll-driver-util.h"

#include <gio/gio.h>
#include <math.h>

#define MAX_CHANNELS 8
#define WAVELENGTH_READBACK_NM 0.5 /* instruments round the wavelength they store */


typedef struct {
  const char *driver;       /* as in a station file */
  const char *what;         /* for messages */
  const char *const *makers;
  const LlDriverModel *models;    /* terminated by { NULL, 0 } */
  const char *const *setup; /* sent for every channel at open */
  const char *set_wavelength; /* $v: nm */
  const char *get_wavelength;
  double wavelength_reply_nm; /* nm per unit of get_wavelength's reply */
  double min_nm, max_nm;
  const char *set_averaging;  /* $v: a sample count (sample_s > 0) or seconds */
  const char *get_averaging;
  double sample_s;            /* > 0: averaging is a count of samples this long */
  double min_avg_s, max_avg_s;
  const char *read;
  const char *get_unit;       /* the channel's unit, asked with every reading */
  const char *unit_dbm;       /* get_unit's reply for dBm: a number or a keyword */
} PmDriver;

static const char *const thorlabs_makers[] = { "Thorlabs", NULL };
static const LlDriverModel thorlabs_models[] = {
  { "PM100USB", 1 }, { "PM100D", 1 }, { "PM100A", 1 }, { "PM101", 1 },  { "PM101A", 1 },
  { "PM101R", 1 },   { "PM101U", 1 }, { "PM102", 1 },  { "PM102U", 1 }, { NULL, 0 },
};
static const char *const thorlabs_setup[] = { "SENS:POW:UNIT DBM", "SENS:POW:RANG:AUTO ON", NULL };

static const char *const keysight_makers[] = { "Keysight Technologies", "Agilent Technologies",
                                                NULL };
static const LlDriverModel keysight_models[] = {
  { "N7744A", 4 }, { "N7745A", 8 }, { "N7747A", 2 }, { "N7748A", 2 },
  { "N7744C", 4 }, { "N7745C", 8 }, { "N7747C", 2 }, { "N7748C", 2 }, { NULL, 0 },
};
static const char *const keysight_setup[] = { ":SENS$c:POW:UNIT 0", ":SENS$c:POW:RANG:AUTO 1",
                                              NULL };

static const PmDriver drivers[] = {
  {
    .driver = "thorlabs-pm100",
    .what = "Thorlabs PM100 power meter",
    .makers = thorlabs_makers,
    .models = thorlabs_models,
    .setup = thorlabs_setup,
    .set_wavelength = "SENS:CORR:WAV $v",
    .get_wavelength = "SENS:CORR:WAV?",
    .wavelength_reply_nm = 1.0,
    .min_nm = 400,
    .max_nm = 1800,
    .set_averaging = "SENS:AVER:COUN $v",
    .get_averaging = "SENS:AVER:COUN?",
    .sample_s = 0.003,
    .min_avg_s = 0.003,
    .max_avg_s = 30,
    .read = "MEAS:POW?",
    .get_unit = "SENS:POW:UNIT?",
    .unit_dbm = "DBM",
  },
  {
    .driver = "keysight-n774x",
    .what = "Keysight N774x power meter",
    .makers = keysight_makers,
    .models = keysight_models,
    .setup = keysight_setup,
    .set_wavelength = ":SENS$c:POW:WAV $vNM",
    .get_wavelength = ":SENS$c:POW:WAV?",
    .wavelength_reply_nm = 1e9, /* answers metres */
    .min_nm = 1250,
    .max_nm = 1650,
    .set_averaging = ":SENS$c:POW:ATIM $v",
    .get_averaging = ":SENS$c:POW:ATIM?",
    .sample_s = 0,
    .min_avg_s = 1e-4,
    .max_avg_s = 10,
    .read = ":READ$c:POW?",
    .get_unit = ":SENS$c:POW:UNIT?",
    .unit_dbm = "0", /* 0 dBm, 1 W; the meter answers "+0" */
  },
};

struct _LlPowerMeter {
  const PmDriver *driver;
  LlScpi *scpi;
  LlIdn idn;
  guint channels;
  double avg_s[MAX_CHANNELS]; /* averaging per channel as the meter reports it */
  double wavelength_nm[MAX_CHANNELS]; /* as set by the driver; 0 when never set */
};

/* A command from a template: "$c" -> @channel, "$v" -> @value. */
static gchar *
expand(const char *template, guint channel, const char *value)
{
  GString *s = g_string_new(NULL);
  for (const char *p = template; *p; p++) {
    if (p[0] == '$' && p[1] == 'c') {
      g_string_append_printf(s, "%u", channel);
      p++;
    } else if (p[0] == '$' && p[1] == 'v') {
      g_string_append(s, value ? value : "");
      p++;
    } else {
      g_string_append_c(s, *p);
    }
  }
  return g_string_free(s, FALSE);
}



/* Finds the model row for the *IDN? fields; FALSE with LL_SCPI_ERROR_PARSE
 * naming what answered when the driver does not know it. */
static gboolean
identify(LlPowerMeter *pm, GError **error)
{
  const PmDriver *d = pm->driver;
  const LlDriverModel *m = ll_driver_identify(pm->scpi, &pm->idn, d->makers, d->models, d->what,
                                              d->driver, error);
  if (m)
    pm->channels = MIN(m->channels, MAX_CHANNELS);
  return m != NULL;
}

static gboolean
channel_ok(LlPowerMeter *pm, guint channel, GError **error)
{
  return ll_driver_channel_ok(pm->scpi, &pm->idn, pm->channels, channel, error);
}

/* The channel's averaging as the meter reports it, seconds. */
static gboolean
query_averaging(LlPowerMeter *pm, guint channel, double *seconds, GError **error)
{
  const PmDriver *d = pm->driver;
  g_autofree gchar *q = expand(d->get_averaging, channel, NULL);
  if (d->sample_s > 0) {
    gint64 n = 0;
    if (!ll_scpi_query_int(pm->scpi, q, &n, error))
      return FALSE;
    *seconds = (double) n * d->sample_s;
  } else if (!ll_scpi_query_double(pm->scpi, q, seconds, error)) {
    return FALSE;
  }
  return TRUE;
}

LlPowerMeter *
ll_power_meter_open(const char *driver, const char *resource, GError **error)
{
  const PmDriver *d = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].driver, driver))
      d = &drivers[i];
  if (!d) {
    g_autoptr(GString) known = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
      g_string_append_printf(known, "%s%s", i ? ", " : "", drivers[i].driver);
    ll_driver_invalid(error, "'%s' is not a power meter driver (known: %s)", driver, known->str);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  g_autoptr(LlPowerMeter) pm = g_new0(LlPowerMeter, 1);
  pm->driver = d;
  pm->scpi = g_steal_pointer(&scpi);
  if (!ll_scpi_idn(pm->scpi, &pm->idn, error) || !identify(pm, error) ||
      !ll_scpi_clear_status(pm->scpi, error))
    return NULL;
  for (guint ch = 1; ch <= pm->channels; ch++)
    for (const char *const *c = d->setup; *c; c++) {
      g_autofree gchar *cmd = expand(*c, ch, NULL);
      if (!ll_scpi_write(pm->scpi, cmd, error))
        return NULL;
    }
  if (!ll_scpi_check_errors(pm->scpi, error))
    return NULL;
  for (guint ch = 1; ch <= pm->channels; ch++)
    if (!query_averaging(pm, ch, &pm->avg_s[ch - 1], error))
      return NULL;
  return g_steal_pointer(&pm);
}

void
ll_power_meter_close(LlPowerMeter *pm)
{
  if (!pm)
    return;
  ll_scpi_close(pm->scpi);
  ll_idn_clear(&pm->idn);
  g_free(pm);
}

const LlIdn *
ll_power_meter_idn(LlPowerMeter *pm)
{
  return &pm->idn;
}

LlScpi *
ll_power_meter_scpi(LlPowerMeter *pm)
{
  return pm->scpi;
}

guint
ll_power_meter_channels(LlPowerMeter *pm)
{
  return pm->channels;
}

gboolean
ll_power_meter_set_wavelength(LlPowerMeter *pm, guint channel, double nm, GError **error)
{
  const PmDriver *d = pm->driver;
  if (!channel_ok(pm, channel, error))
    return FALSE;
  if (!(nm >= d->min_nm && nm <= d->max_nm))
    return ll_driver_invalid(error, "%s: wavelength %g nm is outside the %s's %g-%g nm",
                   ll_scpi_get_resource(pm->scpi), nm, d->what, d->min_nm, d->max_nm);
  char value[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(value, sizeof value, "%.3f", nm);
  g_autofree gchar *cmd = expand(d->set_wavelength, channel, value);
  g_autofree gchar *query = expand(d->get_wavelength, channel, NULL);
  double back = 0;
  ll_scpi_lock(pm->scpi);
  gboolean ok = ll_scpi_write(pm->scpi, cmd, error) && ll_scpi_check_errors(pm->scpi, error) &&
                ll_scpi_query_double(pm->scpi, query, &back, error);
  ll_scpi_unlock(pm->scpi);
  if (!ok)
    return FALSE;
  back *= d->wavelength_reply_nm;
  if (fabs(back - nm) > WAVELENGTH_READBACK_NM) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: wavelength set to %.3f nm reads back as %.3f nm",
                ll_scpi_get_resource(pm->scpi), channel, nm, back);
    return FALSE;
  }
  pm->wavelength_nm[channel - 1] = nm;
  return TRUE;
}

gboolean
ll_power_meter_set_averaging(LlPowerMeter *pm, guint channel, double seconds, GError **error)
{
  const PmDriver *d = pm->driver;
  if (!channel_ok(pm, channel, error))
    return FALSE;
  if (!(seconds >= d->min_avg_s * 0.999 && seconds <= d->max_avg_s * 1.001))
    return ll_driver_invalid(error, "%s: averaging time %g s is outside the %s's %g-%g s",
                   ll_scpi_get_resource(pm->scpi), seconds, d->what, d->min_avg_s, d->max_avg_s);
  char value[G_ASCII_DTOSTR_BUF_SIZE];
  if (d->sample_s > 0)
    g_snprintf(value, sizeof value, "%ld", MAX(1L, lround(seconds / d->sample_s)));
  else
    g_ascii_formatd(value, sizeof value, "%.6g", seconds);
  g_autofree gchar *cmd = expand(d->set_averaging, channel, value);
  double back = 0;
  ll_scpi_lock(pm->scpi);
  gboolean ok = ll_scpi_write(pm->scpi, cmd, error) && ll_scpi_check_errors(pm->scpi, error) &&
                query_averaging(pm, channel, &back, error);
  if (ok)
    pm->avg_s[channel - 1] = back;
  ll_scpi_unlock(pm->scpi);
  if (!ok)
    return FALSE;
  if (fabs(back - seconds) > MAX(d->sample_s / 2, seconds * 0.01)) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: averaging set to %g s reads back as %g s",
                ll_scpi_get_resource(pm->scpi), channel, seconds, back);
    return FALSE;
  }
  return TRUE;
}

/* TRUE when @reply (to the row's get_unit) says dBm: compared as a number
 * when the row's unit_dbm is one ("+0" matches "0" and "+0.000E+00"), as a
 * keyword (any case) otherwise. */
static gboolean
unit_is_dbm(const PmDriver *d, const char *reply)
{
  double want = 0, got = 0;
  if (ll_scpi_parse_double(d->unit_dbm, &want, NULL))
    return ll_scpi_parse_double(reply, &got, NULL) && got == want;
  g_autofree gchar *r = g_strstrip(g_strdup(reply));
  return g_ascii_strcasecmp(r, d->unit_dbm) == 0;
}

gboolean
ll_power_meter_read_dbm(LlPowerMeter *pm, guint channel, double *dbm, GError **error)
{
  if (!channel_ok(pm, channel, error))
    return FALSE;
  g_autofree gchar *query = expand(pm->driver->read, channel, NULL);
  g_autofree gchar *unit_query = expand(pm->driver->get_unit, channel, NULL);
  g_autofree gchar *unit = NULL;
  double value = 0;
  LlTransport *t = ll_scpi_get_transport(pm->scpi);
  ll_scpi_lock(pm->scpi);
  /* the reply comes after the averaging time */
  guint saved = ll_transport_get_timeout(t);
  ll_transport_set_timeout(t, saved + (guint) ceil(pm->avg_s[channel - 1] * 1000));
  gboolean ok = ll_scpi_query_double(pm->scpi, query, &value, error);
  ll_transport_set_timeout(t, saved);
  /* the unit the reply was formatted in, in the same transaction */
  ok = ok && (unit = ll_scpi_query(pm->scpi, unit_query, error)) != NULL;
  /* and the wavelength the responsivity was corrected for: a reset falls
   * back to the meter's default (1550 nm on an N774x), which is off by
   * tenths of a dB at 1310 nm without changing the unit */
  double set_nm = pm->wavelength_nm[channel - 1], wl = 0;
  g_autofree gchar *wl_query = set_nm > 0 ? expand(pm->driver->get_wavelength, channel, NULL) : NULL;
  ok = ok && (!wl_query || ll_scpi_query_double(pm->scpi, wl_query, &wl, error));
  ll_scpi_unlock(pm->scpi);
  if (!ok)
    return FALSE;
  if (!unit_is_dbm(pm->driver, unit)) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: reading refused: %s answers '%s', not dBm; the unit was changed "
                "behind the driver (a *RST or a power cycle resets it, and the wavelength with "
                "it): open the meter again to set it up",
                ll_scpi_get_resource(pm->scpi), channel, unit_query, unit);
    return FALSE;
  }
  wl *= pm->driver->wavelength_reply_nm;
  if (set_nm > 0 && fabs(wl - set_nm) > WAVELENGTH_READBACK_NM) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: reading refused: the wavelength is %.1f nm, not the %.1f nm set; "
                "the meter was reset behind the driver: open it again to set it up",
                ll_scpi_get_resource(pm->scpi), channel, wl, set_nm);
    return FALSE;
  }
  *dbm = value;
  return TRUE;
}
