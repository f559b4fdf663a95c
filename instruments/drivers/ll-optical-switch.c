/* ll-optical-switch.c: the 1xN optical switch class (see
 * ll-optical-switch.h). One driver, scpi-switch, for switches that route with
 * ROUTe<s>:CHANnel commands; a chassis may hold several 1xN switches, its
 * "sections", each with common input A and outputs 1..N:
 *   :SYST:CONF:SECT?       the number of sections, an integer (1..16)
 *   :ROUT<s>:CONF:ROUT?    the routes of section s: "A,1-<N>" (N channels)
 *   :ROUT<s>:CHAN1 A,<n>   connect A to output n
 *   :ROUT<s>:CHAN1?        the connection: "A,<n>" ("A,0": nothing connected)
 * The driver row holds the *IDN? makers and models accepted and the longest
 * settling time allowed; sections and channels are asked of the instrument
 * at open, so one row serves every size.
 *
 * Selecting waits with *OPC? (the transport's timeout plus the settling
 * time), checks SYST:ERR? (a refusal is LL_SCPI_ERROR_INSTRUMENT) and reads
 * the connection back: another channel is LL_SCPI_ERROR_INSTRUMENT. A reply
 * of another shape is LL_SCPI_ERROR_PARSE. A section or channel the switch
 * does not have is G_IO_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Threads: each call holds the SCPI session for its whole transaction. */
#include "ll-optical-switch.h"
#include "ll-driver-util.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_SECTIONS 16
#define MAX_CHANNELS 1024

typedef struct {
  const char *driver;
  const char *what;
  const char *const *makers;
  const LlDriverModel *models; /* channels 0: the switch reports its own */
  guint settle_ms; /* longest settling after a change */
} SwitchDriver;

static const char *const scpi_switch_makers[] = { "Keysight Technologies", "Agilent Technologies",
                                                  "DiCon Fiberoptics Inc", "DiCon Fiberoptics",
                                                  NULL };
static const LlDriverModel scpi_switch_models[] = {
  { "N7731C", 0 },
  { "N7734C", 0 },
  { "N7731A", 0 },
  { "N7734A", 0 },
  { "GP700", 0 },
  { "GP750", 0 },
  { NULL, 0 },
};

static const SwitchDriver drivers[] = {
  {
    .driver = "scpi-switch",
    .what = "ROUTe:CHANnel optical switch",
    .makers = scpi_switch_makers,
    .models = scpi_switch_models,
    .settle_ms = 500,
  },
};

struct _LlOpticalSwitch {
  const SwitchDriver *driver;
  LlScpi *scpi;
  LlIdn idn;
  guint sections;
  guint channels[MAX_SECTIONS]; /* per section */
};


static gboolean
identify(LlOpticalSwitch *sw, GError **error)
{
  const SwitchDriver *d = sw->driver;
  return ll_driver_identify(sw->scpi, &sw->idn, d->makers, d->models, d->what, d->driver, error) != NULL;
}

/* Parses "A,<rest>" and returns <rest>, or NULL. */
static const char *
after_input_a(const char *reply)
{
  while (*reply == ' ')
    reply++;
  if (g_ascii_toupper(reply[0]) != 'A')
    return NULL;
  reply++;
  while (*reply == ' ')
    reply++;
  return *reply == ',' ? reply + 1 : NULL;
}

/* A whole unsigned decimal number (surrounding blanks allowed) up to @max. */
static gboolean
parse_uint(const char *text, guint max, guint *out)
{
  g_autofree gchar *s = g_strstrip(g_strdup(text));
  char *end = NULL;
  guint64 v = g_ascii_strtoull(s, &end, 10);
  if (!g_ascii_isdigit(*s) || *end || v > max)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
bad_reply(LlOpticalSwitch *sw, const char *query, const char *reply, const char *want,
          GError **error)
{
  g_autofree gchar *shown = g_strescape(reply, NULL);
  if (strlen(shown) > 60)
    strcpy(shown + 57, "...");
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: reply \"%s\" is not %s",
              ll_scpi_get_resource(sw->scpi), query, shown, want);
  return FALSE;
}

/* Asks section @section for its channel count ("A,1-<N>"). */
static gboolean
query_channels(LlOpticalSwitch *sw, guint section, guint *n, GError **error)
{
  g_autofree gchar *query = g_strdup_printf(":ROUT%u:CONF:ROUT?", section);
  g_autofree gchar *reply = ll_scpi_query(sw->scpi, query, error);
  if (!reply)
    return FALSE;
  g_strstrip(reply);
  const char *range = after_input_a(reply);
  while (range && *range == ' ')
    range++;
  if (!range || !g_str_has_prefix(range, "1-") || !parse_uint(range + 2, MAX_CHANNELS, n) ||
      *n == 0)
    return bad_reply(sw, query, reply, "\"A,1-<channels>\"", error);
  return TRUE;
}

LlOpticalSwitch *
ll_optical_switch_open(const char *driver, const char *resource, GError **error)
{
  const SwitchDriver *d = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].driver, driver))
      d = &drivers[i];
  if (!d) {
    g_autoptr(GString) known = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
      g_string_append_printf(known, "%s%s", i ? ", " : "", drivers[i].driver);
    ll_driver_invalid(error, "'%s' is not an optical switch driver (known: %s)", driver, known->str);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  g_autoptr(LlOpticalSwitch) sw = g_new0(LlOpticalSwitch, 1);
  sw->driver = d;
  sw->scpi = g_steal_pointer(&scpi);
  if (!ll_scpi_idn(sw->scpi, &sw->idn, error) || !identify(sw, error) ||
      !ll_scpi_clear_status(sw->scpi, error))
    return NULL;
  gint64 sections = 0;
  if (!ll_scpi_query_int(sw->scpi, ":SYST:CONF:SECT?", &sections, error))
    return NULL;
  if (sections < 1 || sections > MAX_SECTIONS) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                "%s: :SYST:CONF:SECT? answered %" G_GINT64_FORMAT " sections, not 1-%d",
                resource, sections, MAX_SECTIONS);
    return NULL;
  }
  sw->sections = (guint) sections;
  for (guint s = 1; s <= sw->sections; s++)
    if (!query_channels(sw, s, &sw->channels[s - 1], error))
      return NULL;
  if (!ll_scpi_check_errors(sw->scpi, error))
    return NULL;
  return g_steal_pointer(&sw);
}

void
ll_optical_switch_close(LlOpticalSwitch *sw)
{
  if (!sw)
    return;
  ll_scpi_close(sw->scpi);
  ll_idn_clear(&sw->idn);
  g_free(sw);
}

const LlIdn *
ll_optical_switch_idn(LlOpticalSwitch *sw)
{
  return &sw->idn;
}

LlScpi *
ll_optical_switch_scpi(LlOpticalSwitch *sw)
{
  return sw->scpi;
}

guint
ll_optical_switch_sections(LlOpticalSwitch *sw)
{
  return sw->sections;
}

/* The smallest section's count, so 1..channels exists in every section. */
guint
ll_optical_switch_channels(LlOpticalSwitch *sw)
{
  guint n = G_MAXUINT;
  for (guint s = 0; s < sw->sections; s++)
    n = MIN(n, sw->channels[s]);
  return n;
}

static gboolean
section_ok(LlOpticalSwitch *sw, guint section, GError **error)
{
  if (section >= 1 && section <= sw->sections)
    return TRUE;
  return ll_driver_invalid(error, "%s: section %u: the %s %s has %u section%s",
                 ll_scpi_get_resource(sw->scpi), section, sw->idn.maker, sw->idn.model,
                 sw->sections, sw->sections == 1 ? "" : "s");
}

gboolean
ll_optical_switch_select(LlOpticalSwitch *sw, guint section, guint channel, GError **error)
{
  if (!section_ok(sw, section, error))
    return FALSE;
  if (channel < 1 || channel > sw->channels[section - 1])
    return ll_driver_invalid(error, "%s: channel %u: section %u of the %s %s has channels 1-%u",
                   ll_scpi_get_resource(sw->scpi), channel, section, sw->idn.maker,
                   sw->idn.model, sw->channels[section - 1]);
  guint timeout = ll_transport_get_timeout(ll_scpi_get_transport(sw->scpi));
  guint back = 0;
  ll_scpi_lock(sw->scpi);
  gboolean ok = ll_scpi_writef(sw->scpi, error, ":ROUT%u:CHAN1 A,%u", section, channel) &&
                ll_scpi_wait_opc(sw->scpi, timeout + sw->driver->settle_ms, error) &&
                ll_scpi_check_errors(sw->scpi, error) &&
                ll_optical_switch_get(sw, section, &back, error);
  ll_scpi_unlock(sw->scpi);
  if (!ok)
    return FALSE;
  if (back != channel) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
                "%s: section %u: channel %u selected, but the switch reports channel %u",
                ll_scpi_get_resource(sw->scpi), section, channel, back);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_optical_switch_get(LlOpticalSwitch *sw, guint section, guint *channel, GError **error)
{
  if (!section_ok(sw, section, error))
    return FALSE;
  g_autofree gchar *query = g_strdup_printf(":ROUT%u:CHAN1?", section);
  g_autofree gchar *reply = ll_scpi_query(sw->scpi, query, error);
  if (!reply)
    return FALSE;
  const char *n = after_input_a(reply);
  guint v = 0;
  if (!n || !parse_uint(n, sw->channels[section - 1], &v))
    return bad_reply(sw, query, reply, "\"A,<channel>\" with a channel the section has", error);
  *channel = v;
  return TRUE;
}
