/* ll-scope.c: the scope class and its keysight-flexdca driver (see
 * ll-scope.h).
 *
 * Command set (FlexDCA's remote interface, eye/mask mode; the simulator
 * "flexdca" in sim/ll-sim-scope.c speaks it). Channels are named as FlexDCA
 * names them ("1A" ... ); the driver sends the long form CHANnel<name>.
 *
 *   :TRIGger:PLOCk ON                       pattern lock (TDECQ, OMA, ER need it)
 *   :MEASure:EYE:OOMA:UNITs DBM             outer OMA in dBm
 *   :MEASure:EYE:OER:UNITs DECibel          outer ER in dB
 *   :MEASure:EYE:APOWer:UNITs DBM           average power in dBm
 *   :CHANnel<c>:DISPlay ON                  show (and acquire) channel c
 *   :MEASure:EYE:<m>:SOURce1 CHANnel<c>     source of measurement m
 *                                           (m = TDEQ, OOMA, OER, APOWer)
 *   :ACQuire:CDISplay                       clear the acquired data
 *   :ACQuire:SINGle                         one acquisition; *OPC? answers when done
 *   :MEASure:EYE:TDEQ?                      TDECQ, dB
 *   :MEASure:EYE:OOMA?                      outer OMA
 *   :MEASure:EYE:OER?                       outer extinction ratio
 *   :MEASure:EYE:APOWer?                    average power
 *   :MEASure:EYE:<m>:UNITs?                 the unit of m (m = OOMA, OER, APOWer)
 *
 * A result FlexDCA cannot give is 9.91E37 (SCPI not-a-number), which
 * ll_scpi_parse_double turns into LL_SCPI_ERROR_NOT_A_NUMBER; the driver adds
 * which measurement it was. Setup, selection and measurement each run with
 * the session held and end with an error-queue check.
 *
 * Units: FlexDCA answers each result in the unit set for it at that moment,
 * and its defaults (after *RST, a restart of FlexDCA, or a change on its
 * screen) are watts and a ratio: an outer OMA of 5e-4 W taken as dBm reads as
 * 0 dBm, a plausible pass. So the units are not trusted from open: in the
 * measurement transaction each result with a unit choice is followed by its
 * :UNITs? query, and a result whose unit is not the one set at open (DBM,
 * DEC) makes the measurement LL_SCPI_ERROR_INSTRUMENT, never a value. A unit
 * other than the one set means the scope's setup was changed or reset behind
 * the driver (pattern lock and sources may be gone too): open it again.
 *
 * Model differences are data: the mainframe table lists each model's
 * optical channels. */
#include "ll-scope.h"
#include "ll-instrument-class.h"

#include <stddef.h>
#include <string.h>

G_DEFINE_QUARK(ll-scope-error-quark, ll_scope_error)

#define MAX_SCOPE_CHANNELS 8

typedef struct {
  const char *model;  /* *IDN? model prefix */
  const char *channels[MAX_SCOPE_CHANNELS + 1]; /* optical channels, NULL-terminated */
} ScopeMainframe;

/* The mainframes FlexDCA drives here and their optical channels. */
static const ScopeMainframe mainframes[] = {
  { "N1092A", { "1A", NULL } },
  { "N1092B", { "1A", "2A", NULL } },
  { "N1092D", { "1A", "2A", "3A", "4A", NULL } },
  { "86100D", { "1A", "1B", "2A", "2B", "3A", "3B", "4A", "4B", NULL } },
  { "N1000A", { "1A", "1B", "2A", "2B", "3A", "3B", "4A", "4B", NULL } },
};

/* The eye measurements, in the order they are read. */
static const struct {
  const char *node;   /* :MEASure:EYE:<node> */
  const char *name;   /* for messages */
  gsize offset;       /* into LlEyeResult */
  const char *unit;   /* NULL: no unit choice; else the unit set at open, which a
                       * :UNITs? reply must start with (FlexDCA may answer the
                       * short or the long form: DEC, DECibel) */
} measurements[] = {
  { "TDEQ", "TDECQ", offsetof(LlEyeResult, tdecq_db), NULL },
  { "OOMA", "outer OMA", offsetof(LlEyeResult, oma_dbm), "DBM" },
  { "OER", "outer extinction ratio", offsetof(LlEyeResult, er_db), "DEC" },
  { "APOWer", "average power", offsetof(LlEyeResult, avg_dbm), "DBM" },
};

static const char *const setup_commands[] = {
  ":TRIGger:PLOCk ON",
  ":MEASure:EYE:OOMA:UNITs DBM",
  ":MEASure:EYE:OER:UNITs DECibel",
  ":MEASure:EYE:APOWer:UNITs DBM",
};

typedef struct {
  const char *driver;
  const char *maker;  /* *IDN? maker prefix, case-insensitive */
} ScopeDriver;

static const ScopeDriver drivers[] = {
  { "keysight-flexdca", "KEYSIGHT" },
};

struct _LlScope {
  LlScpi *scpi;
  LlIdn idn;
  const ScopeMainframe *mainframe;
  guint n_channels;
};

static const ScopeDriver *
driver_lookup(const char *name)
{
  const LlDriverInfo *info = ll_driver_lookup(name);
  if (!info || info->klass != LL_CLASS_SCOPE)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].driver, name))
      return &drivers[i];
  return NULL;
}

static const ScopeMainframe *
mainframe_lookup(const ScopeDriver *d, const LlIdn *idn)
{
  if (g_ascii_strncasecmp(idn->maker, d->maker, strlen(d->maker)) != 0)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(mainframes); i++)
    if (g_str_has_prefix(idn->model, mainframes[i].model))
      return &mainframes[i];
  return NULL;
}

LlScope *
ll_scope_open(const char *driver, const char *resource, GError **error)
{
  const ScopeDriver *d = driver_lookup(driver);
  if (!d) {
    g_set_error(error, LL_SCOPE_ERROR, LL_SCOPE_ERROR_DRIVER,
                "'%s' is not a scope driver (known: %s)", driver, drivers[0].driver);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  g_autoptr(LlScope) scope = g_new0(LlScope, 1);
  scope->scpi = g_steal_pointer(&scpi);
  if (!ll_scpi_idn(scope->scpi, &scope->idn, error))
    return NULL;
  scope->mainframe = mainframe_lookup(d, &scope->idn);
  if (!scope->mainframe) {
    g_set_error(error, LL_SCOPE_ERROR, LL_SCOPE_ERROR_MODEL,
                "%s: %s %s answered, not a mainframe the %s driver knows", resource,
                scope->idn.maker, scope->idn.model, driver);
    return NULL;
  }
  while (scope->n_channels < MAX_SCOPE_CHANNELS && scope->mainframe->channels[scope->n_channels])
    scope->n_channels++;
  ll_scpi_lock(scope->scpi);
  gboolean ok = ll_scpi_clear_status(scope->scpi, error);
  for (gsize i = 0; ok && i < G_N_ELEMENTS(setup_commands); i++)
    ok = ll_scpi_write(scope->scpi, setup_commands[i], error);
  ok = ok && ll_scpi_check_errors(scope->scpi, error) && ll_scope_select_channel(scope, 1, error);
  ll_scpi_unlock(scope->scpi);
  return ok ? g_steal_pointer(&scope) : NULL;
}

void
ll_scope_close(LlScope *scope)
{
  if (!scope)
    return;
  ll_scpi_close(scope->scpi);
  ll_idn_clear(&scope->idn);
  g_free(scope);
}

const LlIdn *
ll_scope_idn(LlScope *scope)
{
  return &scope->idn;
}

LlScpi *
ll_scope_scpi(LlScope *scope)
{
  return scope->scpi;
}

guint
ll_scope_channels(LlScope *scope)
{
  return scope->n_channels;
}

const char *
ll_scope_channel_name(LlScope *scope, guint channel)
{
  return channel >= 1 && channel <= scope->n_channels ? scope->mainframe->channels[channel - 1] : NULL;
}

gboolean
ll_scope_select_channel(LlScope *scope, guint channel, GError **error)
{
  const char *name = ll_scope_channel_name(scope, channel);
  if (!name) {
    g_set_error(error, LL_SCOPE_ERROR, LL_SCOPE_ERROR_ARGUMENT,
                "%s: scope channel %u does not exist (the %s has 1 to %u)",
                ll_scpi_get_resource(scope->scpi), channel, scope->mainframe->model,
                scope->n_channels);
    return FALSE;
  }
  ll_scpi_lock(scope->scpi);
  gboolean ok = ll_scpi_writef(scope->scpi, error, ":CHANnel%s:DISPlay ON", name);
  for (gsize i = 0; ok && i < G_N_ELEMENTS(measurements); i++)
    ok = ll_scpi_writef(scope->scpi, error, ":MEASure:EYE:%s:SOURce1 CHANnel%s",
                        measurements[i].node, name);
  ok = ok && ll_scpi_check_errors(scope->scpi, error);
  ll_scpi_unlock(scope->scpi);
  return ok;
}

/* Asks measurement @i's unit and checks it is the one set at open. */
static gboolean
check_unit(LlScope *scope, gsize i, GError **error)
{
  g_autofree gchar *query = g_strdup_printf(":MEASure:EYE:%s:UNITs?", measurements[i].node);
  g_autofree gchar *unit = ll_scpi_query(scope->scpi, query, error);
  if (!unit)
    return FALSE;
  g_strstrip(unit);
  if (g_ascii_strncasecmp(unit, measurements[i].unit, strlen(measurements[i].unit)) == 0)
    return TRUE;
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT,
              "%s: %s refused: %s answers '%s', not %s; the scope's setup was changed or reset "
              "behind the driver: open it again", ll_scpi_get_resource(scope->scpi),
              measurements[i].name, query, unit, measurements[i].unit);
  return FALSE;
}

gboolean
ll_scope_measure_eye(LlScope *scope, guint timeout_ms, LlEyeResult *result, GError **error)
{
  LlEyeResult r = { 0 };
  ll_scpi_lock(scope->scpi);
  gboolean ok = ll_scpi_write(scope->scpi, ":ACQuire:CDISplay", error) &&
                ll_scpi_write(scope->scpi, ":ACQuire:SINGle", error) &&
                ll_scpi_wait_opc(scope->scpi, timeout_ms, error);
  for (gsize i = 0; ok && i < G_N_ELEMENTS(measurements); i++) {
    g_autofree gchar *query = g_strdup_printf(":MEASure:EYE:%s?", measurements[i].node);
    GError *err = NULL;
    double *value = G_STRUCT_MEMBER_P(&r, measurements[i].offset);
    ok = ll_scpi_query_double(scope->scpi, query, value, &err);
    if (!ok && g_error_matches(err, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER))
      g_propagate_prefixed_error(error, err, "%s not measured (no signal or no pattern lock): ",
                                 measurements[i].name);
    else if (!ok)
      g_propagate_error(error, err);
    /* the unit the result was given in, in the same transaction */
    ok = ok && (!measurements[i].unit || check_unit(scope, i, error));
  }
  ok = ok && ll_scpi_check_errors(scope->scpi, error);
  ll_scpi_unlock(scope->scpi);
  if (ok)
    *result = r;
  return ok;
}
