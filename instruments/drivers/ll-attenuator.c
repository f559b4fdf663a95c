/* ll-attenuator.c: the variable optical attenuator class (see
 * ll-attenuator.h). One driver, keysight-n776x; its row in the table below
 * holds what is data about the family: the *IDN? makers and models accepted
 * with each model's channel count, the attenuation and wavelength limits, and
 * how long a change may take to settle. The commands:
 *   :INP<n>:ATT <dB>      :INP<n>:ATT?     attenuation
 *   :INP<n>:WAV <nm>NM    :INP<n>:WAV?     wavelength (the query answers metres)
 *   :OUTP<n>:STAT ON|OFF  :OUTP<n>:STAT?   output shutter
 *
 * Every change is followed by *OPC? (the instrument answers once the
 * attenuation settled; the wait allows the transport's timeout plus the
 * settling time), SYST:ERR? (a refused command is LL_SCPI_ERROR_INSTRUMENT)
 * and a read-back: an attenuation more than 0.01 dB from what was asked, or
 * an output or wavelength other than the one set, is LL_SCPI_ERROR_INSTRUMENT.
 * Arguments outside the limits (a channel the instrument does not have, an
 * attenuation outside 0-60 dB) are G_IO_ERROR_INVALID_ARGUMENT before
 * anything is sent.
 *
 * Threads: each call holds the SCPI session for its whole transaction. */
#include "ll-attenuator.h"
#include "ll-driver-util.h"

#include <gio/gio.h>
#include <math.h>

#define DB_READBACK_TOLERANCE 0.01
#define WAVELENGTH_READBACK_NM 0.5


typedef struct {
  const char *driver;
  const char *what;
  const char *const *makers;
  const LlDriverModel *models; /* terminated by { NULL, 0 } */
  double min_db, max_db;
  double min_nm, max_nm;
  guint settle_ms;        /* longest settling after a change */
} VoaDriver;

static const char *const n776x_makers[] = { "Keysight Technologies", "Agilent Technologies",
                                            "HEWLETT-PACKARD", NULL };
static const LlDriverModel n776x_models[] = {
  { "N7761A", 1 }, { "N7762A", 2 }, { "N7764A", 4 }, { "N7766A", 2 },
  { "N7768A", 4 }, { "HP8156A", 1 }, { "8156A", 1 }, { NULL, 0 },
};

static const VoaDriver drivers[] = {
  {
    .driver = "keysight-n776x",
    .what = "Keysight N776x attenuator",
    .makers = n776x_makers,
    .models = n776x_models,
    .min_db = 0,
    .max_db = 60,
    .min_nm = 1200,
    .max_nm = 1700,
    .settle_ms = 1000,
  },
};

struct _LlAttenuator {
  const VoaDriver *driver;
  LlScpi *scpi;
  LlIdn idn;
  guint channels;
};



static gboolean
identify(LlAttenuator *att, GError **error)
{
  const VoaDriver *d = att->driver;
  const LlDriverModel *m = ll_driver_identify(att->scpi, &att->idn, d->makers, d->models, d->what,
                                              d->driver, error);
  if (m)
    att->channels = m->channels;
  return m != NULL;
}

static gboolean
channel_ok(LlAttenuator *att, guint channel, GError **error)
{
  return ll_driver_channel_ok(att->scpi, &att->idn, att->channels, channel, error);
}

/* *OPC? allowing the transport's timeout plus the settling time. */
static gboolean
wait_settled(LlAttenuator *att, GError **error)
{
  guint timeout = ll_transport_get_timeout(ll_scpi_get_transport(att->scpi));
  return ll_scpi_wait_opc(att->scpi, timeout + att->driver->settle_ms, error);
}

LlAttenuator *
ll_attenuator_open(const char *driver, const char *resource, GError **error)
{
  const VoaDriver *d = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].driver, driver))
      d = &drivers[i];
  if (!d) {
    g_autoptr(GString) known = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
      g_string_append_printf(known, "%s%s", i ? ", " : "", drivers[i].driver);
    ll_driver_invalid(error, "'%s' is not an attenuator driver (known: %s)", driver, known->str);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  g_autoptr(LlAttenuator) att = g_new0(LlAttenuator, 1);
  att->driver = d;
  att->scpi = g_steal_pointer(&scpi);
  if (!ll_scpi_idn(att->scpi, &att->idn, error) || !identify(att, error) ||
      !ll_scpi_clear_status(att->scpi, error) || !ll_scpi_check_errors(att->scpi, error))
    return NULL;
  return g_steal_pointer(&att);
}

void
ll_attenuator_close(LlAttenuator *att)
{
  if (!att)
    return;
  ll_scpi_close(att->scpi);
  ll_idn_clear(&att->idn);
  g_free(att);
}

const LlIdn *
ll_attenuator_idn(LlAttenuator *att)
{
  return &att->idn;
}

LlScpi *
ll_attenuator_scpi(LlAttenuator *att)
{
  return att->scpi;
}

guint
ll_attenuator_channels(LlAttenuator *att)
{
  return att->channels;
}

gboolean
ll_attenuator_set_wavelength(LlAttenuator *att, guint channel, double nm, GError **error)
{
  const VoaDriver *d = att->driver;
  if (!channel_ok(att, channel, error))
    return FALSE;
  if (!(nm >= d->min_nm && nm <= d->max_nm))
    return ll_driver_invalid(error, "%s: wavelength %g nm is outside the %s's %g-%g nm",
                   ll_scpi_get_resource(att->scpi), nm, d->what, d->min_nm, d->max_nm);
  char value[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(value, sizeof value, "%.3f", nm);
  g_autofree gchar *query = g_strdup_printf(":INP%u:WAV?", channel);
  double back_m = 0;
  ll_scpi_lock(att->scpi);
  gboolean ok = ll_scpi_writef(att->scpi, error, ":INP%u:WAV %sNM", channel, value) &&
                ll_scpi_check_errors(att->scpi, error) &&
                ll_scpi_query_double(att->scpi, query, &back_m, error);
  ll_scpi_unlock(att->scpi);
  if (!ok)
    return FALSE;
  if (fabs(back_m * 1e9 - nm) > WAVELENGTH_READBACK_NM) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: wavelength set to %.3f nm reads back as %.3f nm",
                ll_scpi_get_resource(att->scpi), channel, nm, back_m * 1e9);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_attenuator_set_db(LlAttenuator *att, guint channel, double db, GError **error)
{
  const VoaDriver *d = att->driver;
  if (!channel_ok(att, channel, error))
    return FALSE;
  if (!(db >= d->min_db && db <= d->max_db))
    return ll_driver_invalid(error, "%s: attenuation %g dB is outside the %s's %g-%g dB",
                   ll_scpi_get_resource(att->scpi), db, d->what, d->min_db, d->max_db);
  char value[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(value, sizeof value, "%.4f", db);
  double back = 0;
  ll_scpi_lock(att->scpi);
  gboolean ok = ll_scpi_writef(att->scpi, error, ":INP%u:ATT %s", channel, value) &&
                wait_settled(att, error) && ll_scpi_check_errors(att->scpi, error) &&
                ll_attenuator_get_db(att, channel, &back, error);
  ll_scpi_unlock(att->scpi);
  if (!ok)
    return FALSE;
  if (fabs(back - db) > DB_READBACK_TOLERANCE + 1e-9) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: attenuation set to %.3f dB reads back as %.3f dB",
                ll_scpi_get_resource(att->scpi), channel, db, back);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_attenuator_get_db(LlAttenuator *att, guint channel, double *db, GError **error)
{
  if (!channel_ok(att, channel, error))
    return FALSE;
  g_autofree gchar *query = g_strdup_printf(":INP%u:ATT?", channel);
  return ll_scpi_query_double(att->scpi, query, db, error);
}

gboolean
ll_attenuator_set_output(LlAttenuator *att, guint channel, gboolean on, GError **error)
{
  if (!channel_ok(att, channel, error))
    return FALSE;
  g_autofree gchar *query = g_strdup_printf(":OUTP%u:STAT?", channel);
  gint64 back = -1;
  ll_scpi_lock(att->scpi);
  gboolean ok = ll_scpi_writef(att->scpi, error, ":OUTP%u:STAT %s", channel, on ? "ON" : "OFF") &&
                wait_settled(att, error) && ll_scpi_check_errors(att->scpi, error) &&
                ll_scpi_query_int(att->scpi, query, &back, error);
  ll_scpi_unlock(att->scpi);
  if (!ok)
    return FALSE;
  if ((back != 0) != (on != FALSE)) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: channel %u: output switched %s reads back as %" G_GINT64_FORMAT,
                ll_scpi_get_resource(att->scpi), channel, on ? "on" : "off", back);
    return FALSE;
  }
  return TRUE;
}
