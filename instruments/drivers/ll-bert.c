/* ll-bert.c: the BERT class and its anritsu-mp1900 driver (see ll-bert.h).
 *
 * Command set (modelled on the Anritsu MP1900A; the simulator "mp1900" in
 * sim/ll-sim-bert.c speaks it). The instrument's unit/slot addressing is
 * flattened: one unit ID is one generator + error detector channel pair.
 *
 *   :UENTry:ID <n>                      select channel n (1-based)
 *   :UENTry:ID?                         the selected channel
 *   :UENTry:COUNt?                      number of channels installed
 *   :SOURce:PATTern:TYPE <name>         generator pattern (PRBS31Q, SSPRQ, ...)
 *   :SOURce:PATTern:TYPE?
 *   :OUTPut:STATe ON|OFF                generator output
 *   :OUTPut:STATe?
 *   :SENSe:PATTern:TYPE <name>          pattern the error detector expects
 *   :SENSe:PATTern:TYPE?
 *   :SENSe:MEASure:STARt                zero the counts and start gating
 *   :SENSe:MEASure:STOP                 stop gating; the counts freeze
 *   :SENSe:MEASure:STATe?               1 while gating runs
 *   :SENSe:MEASure:SLOSs?               1 while the detector has lost (or never
 *                                       had) pattern synchronisation, else 0
 *   :SENSe:MEASure:SLOSs:LATCh?         1 when synchronisation was lost at any
 *                                       moment since STARt (kept after STOP)
 *   :CALCulate:DATA:EALarm? "CURRENT:EC:TOTAL"   errored bits since STARt (NR1)
 *   :CALCulate:DATA:EALarm? "CURRENT:CC:TOTAL"   compared bits (clock count, NR1)
 *   :CALCulate:DATA:EALarm? "CURRENT:ER:TOTAL"   error rate (NR3)
 *
 * Every command but the channel count applies to the selected channel, so a
 * call holds the session (ll_scpi_lock) from the selection to its last
 * exchange: two threads sharing one LlBert never get each other's channel.
 * The BER returned is computed from the two counts read in the same
 * transaction, so it agrees with them exactly. The compared bits are read
 * first: while gating runs, the errors read after them were counted over an
 * interval that covers the bits' one, so the BER errs pessimistic, never
 * optimistic. A read with no compared bits is LL_BERT_ERROR_NO_BITS: a BER of
 * 0 over nothing would pass any limit.
 *
 * Synchronisation: :SENSe:MEASure:SLOSs? tells the state when asked, which
 * may be back by the time a caller reads a gate that lost it for a while; the
 * latched :SENSe:MEASure:SLOSs:LATCh? tells whether it was lost at any moment
 * of the gate. LlBertCounts.sync is TRUE only when neither says it was lost,
 * so a compromised gate never reads as synchronised.
 *
 * Model differences are data: the driver table below holds the command set
 * of each driver and the *IDN? models it accepts. */
#include "ll-bert.h"
#include "ll-instrument-class.h"

#include <math.h>

G_DEFINE_QUARK(ll-bert-error-quark, ll_bert_error)

#define MAX_CHANNELS 256

/* The class's patterns, canonical spelling, NULL-terminated: the PAM4 (Q)
 * and NRZ PRBS families and SSPRQ (what sequences may name, see
 * ll_pattern_names()). */
static const char *const class_patterns[] = {
  "PRBS31Q", "PRBS31", "PRBS23Q", "PRBS23", "PRBS15Q", "PRBS15", "PRBS13Q",
  "PRBS13",  "PRBS9Q", "PRBS9",   "PRBS7Q", "PRBS7",   "SSPRQ",  NULL,
};

typedef struct {
  const char *select;       /* + " <n>" */
  const char *count_query;
  const char *gen_pattern;  /* + " <name>" */
  const char *gen_output;   /* + " ON|OFF" */
  const char *det_pattern;  /* + " <name>" */
  const char *start;
  const char *stop;
  const char *errors_query;
  const char *bits_query;
  const char *sync_loss_query;
  const char *sync_loss_latched_query;
} BertCommands;

typedef struct {
  const char *driver;
  const char *maker;              /* *IDN? maker, compared case-insensitively */
  const char *const *models;      /* *IDN? model prefixes, NULL-terminated */
  const BertCommands *commands;
} BertDriver;

static const BertCommands mp1900_commands = {
  .select = ":UENTry:ID",
  .count_query = ":UENTry:COUNt?",
  .gen_pattern = ":SOURce:PATTern:TYPE",
  .gen_output = ":OUTPut:STATe",
  .det_pattern = ":SENSe:PATTern:TYPE",
  .start = ":SENSe:MEASure:STARt",
  .stop = ":SENSe:MEASure:STOP",
  .errors_query = ":CALCulate:DATA:EALarm? \"CURRENT:EC:TOTAL\"",
  .bits_query = ":CALCulate:DATA:EALarm? \"CURRENT:CC:TOTAL\"",
  .sync_loss_query = ":SENSe:MEASure:SLOSs?",
  .sync_loss_latched_query = ":SENSe:MEASure:SLOSs:LATCh?",
};

static const char *const mp1900_models[] = { "MP1900A", "MP1900", NULL };

static const BertDriver drivers[] = {
  { "anritsu-mp1900", "ANRITSU", mp1900_models, &mp1900_commands },
};

struct _LlBert {
  LlScpi *scpi;
  LlIdn idn;
  guint channels;
  const BertCommands *cmd;
};

static const BertDriver *
driver_lookup(const char *name)
{
  const LlDriverInfo *info = ll_driver_lookup(name);
  if (!info || info->klass != LL_CLASS_BERT)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].driver, name))
      return &drivers[i];
  return NULL;
}

static gboolean
model_known(const BertDriver *d, const LlIdn *idn)
{
  if (g_ascii_strcasecmp(idn->maker, d->maker) != 0)
    return FALSE;
  for (const char *const *m = d->models; *m; m++)
    if (g_str_has_prefix(idn->model, *m))
      return TRUE;
  return FALSE;
}

LlBert *
ll_bert_open(const char *driver, const char *resource, GError **error)
{
  const BertDriver *d = driver_lookup(driver);
  if (!d) {
    g_set_error(error, LL_BERT_ERROR, LL_BERT_ERROR_DRIVER, "'%s' is not a BERT driver (known: %s)",
                driver, drivers[0].driver);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  g_autoptr(LlBert) bert = g_new0(LlBert, 1);
  bert->scpi = g_steal_pointer(&scpi);
  bert->cmd = d->commands;
  if (!ll_scpi_idn(bert->scpi, &bert->idn, error))
    return NULL;
  if (!model_known(d, &bert->idn)) {
    g_set_error(error, LL_BERT_ERROR, LL_BERT_ERROR_MODEL,
                "%s: %s %s answered, not an instrument the %s driver knows", resource,
                bert->idn.maker, bert->idn.model, driver);
    return NULL;
  }
  gint64 n = 0;
  if (!ll_scpi_clear_status(bert->scpi, error) ||
      !ll_scpi_query_int(bert->scpi, bert->cmd->count_query, &n, error))
    return NULL;
  if (n < 1 || n > MAX_CHANNELS) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                "%s: %s: %" G_GINT64_FORMAT " channels is not a number from 1 to %d", resource,
                bert->cmd->count_query, n, MAX_CHANNELS);
    return NULL;
  }
  bert->channels = (guint) n;
  return g_steal_pointer(&bert);
}

void
ll_bert_close(LlBert *bert)
{
  if (!bert)
    return;
  ll_scpi_close(bert->scpi);
  ll_idn_clear(&bert->idn);
  g_free(bert);
}

const LlIdn *
ll_bert_idn(LlBert *bert)
{
  return &bert->idn;
}

LlScpi *
ll_bert_scpi(LlBert *bert)
{
  return bert->scpi;
}

guint
ll_bert_channels(LlBert *bert)
{
  return bert->channels;
}

/* The canonical spelling of class pattern @pattern, or NULL. */
static const char *
pattern_canonical(const char *pattern)
{
  for (gsize i = 0; pattern && class_patterns[i]; i++)
    if (g_ascii_strcasecmp(pattern, class_patterns[i]) == 0)
      return class_patterns[i];
  return NULL;
}

gboolean
ll_bert_pattern_valid(const char *pattern)
{
  return pattern_canonical(pattern) != NULL;
}

static gboolean
check_channel(LlBert *bert, guint channel, GError **error)
{
  if (channel >= 1 && channel <= bert->channels)
    return TRUE;
  g_set_error(error, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT,
              "%s: BERT channel %u does not exist (the instrument has 1 to %u)",
              ll_scpi_get_resource(bert->scpi), channel, bert->channels);
  return FALSE;
}

/* The canonical pattern name, or NULL with @error set. */
static const char *
check_pattern(LlBert *bert, const char *pattern, GError **error)
{
  const char *p = pattern_canonical(pattern);
  if (!p) {
    g_autofree gchar *known = g_strjoinv(", ", (gchar **) class_patterns);
    g_set_error(error, LL_BERT_ERROR, LL_BERT_ERROR_ARGUMENT,
                "%s: '%s' is not a BERT pattern (known: %s)", ll_scpi_get_resource(bert->scpi),
                pattern ? pattern : "(null)", known);
  }
  return p;
}

/* One transaction on @channel: selects it, sends each of the NULL-terminated
 * @commands, and checks the error queue, all with the session held. */
static gboolean
channel_commands(LlBert *bert, guint channel, const char *const *commands, GError **error)
{
  if (!check_channel(bert, channel, error))
    return FALSE;
  ll_scpi_lock(bert->scpi);
  gboolean ok = ll_scpi_writef(bert->scpi, error, "%s %u", bert->cmd->select, channel);
  for (const char *const *c = commands; ok && *c; c++)
    ok = ll_scpi_write(bert->scpi, *c, error);
  ok = ok && ll_scpi_check_errors(bert->scpi, error);
  ll_scpi_unlock(bert->scpi);
  return ok;
}

gboolean
ll_bert_set_generator(LlBert *bert, guint channel, const char *pattern, gboolean on,
                      GError **error)
{
  const char *p = check_pattern(bert, pattern, error);
  if (!p || !check_channel(bert, channel, error))
    return FALSE;
  g_autofree gchar *type = g_strdup_printf("%s %s", bert->cmd->gen_pattern, p);
  g_autofree gchar *output = g_strdup_printf("%s %s", bert->cmd->gen_output, on ? "ON" : "OFF");
  const char *const commands[] = { type, output, NULL };
  return channel_commands(bert, channel, commands, error);
}

gboolean
ll_bert_set_detector(LlBert *bert, guint channel, const char *pattern, GError **error)
{
  const char *p = check_pattern(bert, pattern, error);
  if (!p || !check_channel(bert, channel, error))
    return FALSE;
  g_autofree gchar *type = g_strdup_printf("%s %s", bert->cmd->det_pattern, p);
  const char *const commands[] = { type, NULL };
  return channel_commands(bert, channel, commands, error);
}

gboolean
ll_bert_start(LlBert *bert, guint channel, GError **error)
{
  const char *const commands[] = { bert->cmd->start, NULL };
  return channel_commands(bert, channel, commands, error);
}

gboolean
ll_bert_stop(LlBert *bert, guint channel, GError **error)
{
  const char *const commands[] = { bert->cmd->stop, NULL };
  return channel_commands(bert, channel, commands, error);
}

/* A count: a whole, non-negative number. */
static gboolean
query_count(LlBert *bert, const char *query, double *value, GError **error)
{
  double v = 0;
  if (!ll_scpi_query_double(bert->scpi, query, &v, error))
    return FALSE;
  if (v < 0 || v != floor(v)) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: %g is not a count",
                ll_scpi_get_resource(bert->scpi), query, v);
    return FALSE;
  }
  *value = v;
  return TRUE;
}

gboolean
ll_bert_read(LlBert *bert, guint channel, LlBertCounts *counts, GError **error)
{
  if (!check_channel(bert, channel, error))
    return FALSE;
  LlBertCounts c = { 0 };
  gboolean sync_loss = TRUE, sync_lost = TRUE;
  ll_scpi_lock(bert->scpi);
  /* bits before errors: see the top of the file */
  gboolean ok = ll_scpi_writef(bert->scpi, error, "%s %u", bert->cmd->select, channel) &&
                query_count(bert, bert->cmd->bits_query, &c.bits, error) &&
                query_count(bert, bert->cmd->errors_query, &c.errors, error) &&
                ll_scpi_query_bool(bert->scpi, bert->cmd->sync_loss_query, &sync_loss, error) &&
                ll_scpi_query_bool(bert->scpi, bert->cmd->sync_loss_latched_query, &sync_lost,
                                   error) &&
                ll_scpi_check_errors(bert->scpi, error);
  ll_scpi_unlock(bert->scpi);
  if (!ok)
    return FALSE;
  if (c.bits == 0) {
    g_set_error(error, LL_BERT_ERROR, LL_BERT_ERROR_NO_BITS,
                "%s: channel %u: the error detector compared no bits (%.0f errors): not gated, "
                "or read before any bit went by; there is no BER to give",
                ll_scpi_get_resource(bert->scpi), channel, c.errors);
    return FALSE;
  }
  if (c.errors > c.bits) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                "%s: channel %u: %.0f errors against %.0f compared bits: the counts cannot be "
                "trusted", ll_scpi_get_resource(bert->scpi), channel, c.errors, c.bits);
    return FALSE;
  }
  c.ber = c.errors / c.bits;
  c.sync_lost = sync_lost;
  c.sync = !sync_loss && !sync_lost;
  *counts = c;
  return TRUE;
}
