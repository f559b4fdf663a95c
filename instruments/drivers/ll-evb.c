/* ll-evb.c: the lightline-evb driver (see ll-evb.h and
 * docs/evb-protocol.md). A two-wire query answered with an empty line has
 * failed; the reason is the error the board queued (201 NACK, 202 no module,
 * 203 not powered). A two-wire write has no reply: the driver asks
 * SYST:ERR:COUN? right after it, in the same locked exchange, and a count
 * above 0 is the write's failure (which is why open clears the queue).
 *
 * NACK retries: a NACK is tried again after 20, 40 and 80 ms (nack_pause_ms),
 * slept on the board's clock (ll_evb_set_clock(); by default the clock the
 * transport says the board lives on: a simulated board's bench clock, the
 * system clock for a real one) with the session released in between, so
 * other users of the board get their turn (unless the caller holds the
 * session for a transaction of its own). Other failures (no module, not
 * powered, a transport error) are not retried. */
#include "ll-evb.h"
#include "ll-instrument-class.h"

#include <string.h>

G_DEFINE_QUARK(ll-evb-error-quark, ll_evb_error)

/* The pauses before the second, third and fourth try of a NACKed two-wire
 * transaction: 140 ms in all, more than the ~60 ms a module may take after
 * reset before it answers. */
static const guint nack_pause_ms[] = { 20, 40, 80 };
#define NACK_TRIES (G_N_ELEMENTS(nack_pause_ms) + 1)

struct _LlEvb {
  LlScpi *scpi;
  LlIdn idn;
  LlClock *clock;
};

LlEvb *
ll_evb_open(const char *driver, const char *resource, GError **error)
{
  const LlDriverInfo *info = ll_driver_lookup(driver);
  if (!info || info->klass != LL_CLASS_EVB) {
    g_set_error(error, LL_EVB_ERROR, LL_EVB_ERROR_PROTOCOL, "'%s' is not an EVB driver", driver);
    return NULL;
  }
  g_autoptr(LlScpi) scpi = ll_scpi_open(resource, error);
  if (!scpi)
    return NULL;
  LlEvb *evb = g_new0(LlEvb, 1);
  evb->scpi = g_steal_pointer(&scpi);
  ll_evb_set_clock(evb, NULL);
  g_autofree gchar *proto = NULL;
  if (!ll_scpi_idn(evb->scpi, &evb->idn, error) ||
      !(proto = ll_scpi_query(evb->scpi, "SYST:PROT?", error))) {
    ll_evb_close(evb);
    return NULL;
  }
  if (!g_str_has_prefix(proto, "LLEVB,1.")) {
    g_set_error(error, LL_EVB_ERROR, LL_EVB_ERROR_PROTOCOL,
                "%s: %s %s speaks '%s', not the Lightline EVB protocol 1.x", resource,
                evb->idn.maker, evb->idn.model, proto);
    ll_evb_close(evb);
    return NULL;
  }
  /* a stale error would otherwise fail the first write (see the top) */
  if (!ll_scpi_clear_status(evb->scpi, error)) {
    ll_evb_close(evb);
    return NULL;
  }
  return evb;
}

void
ll_evb_set_clock(LlEvb *evb, LlClock *clock)
{
  if (!clock)
    clock = ll_transport_get_clock(ll_scpi_get_transport(evb->scpi));
  evb->clock = clock ? clock : ll_clock_system();
}

LlClock *
ll_evb_get_clock(LlEvb *evb)
{
  return evb->clock;
}

void
ll_evb_close(LlEvb *evb)
{
  if (!evb)
    return;
  ll_scpi_close(evb->scpi);
  ll_idn_clear(&evb->idn);
  g_free(evb);
}

const LlIdn *
ll_evb_idn(LlEvb *evb)
{
  return &evb->idn;
}

LlScpi *
ll_evb_scpi(LlEvb *evb)
{
  return evb->scpi;
}

/* After a failed two-wire command: turns the board's queued error into a
 * GError (and drains the rest of the queue). Returns the LlEvbError code. */
static int
twi_failure(LlEvb *evb, const char *what, GError **error)
{
  g_autoptr(GError) queue = NULL;
  ll_scpi_check_errors(evb->scpi, &queue);
  int code = LL_EVB_ERROR_NACK;
  const char *why = "the module did not acknowledge";
  if (queue && strstr(queue->message, "202,")) {
    code = LL_EVB_ERROR_NO_MODULE;
    why = "no module in the fixture";
  } else if (queue && strstr(queue->message, "203,")) {
    code = LL_EVB_ERROR_NOT_POWERED;
    why = "the module is not powered";
  } else if (queue && !strstr(queue->message, "201,")) {
    g_propagate_prefixed_error(error, g_steal_pointer(&queue), "%s: ", what);
    return -1;
  }
  g_set_error(error, LL_EVB_ERROR, code, "%s: %s: %s", ll_scpi_get_resource(evb->scpi), what, why);
  return code;
}

gboolean
ll_evb_twi_read(LlEvb *evb, guint8 address, guint8 offset, guint8 *buf, gsize len, GError **error)
{
  g_return_val_if_fail(len >= 1 && len <= 256, FALSE);
  g_autofree gchar *cmd = g_strdup_printf("TWI:READ? %u,%u,%zu", address, offset, len);
  for (guint attempt = 0;; attempt++) {
    ll_scpi_lock(evb->scpi);
    g_autoptr(GError) err = NULL;
    g_autofree gchar *reply = ll_scpi_query(evb->scpi, cmd, &err);
    if (!reply) {
      ll_scpi_unlock(evb->scpi);
      g_propagate_error(error, g_steal_pointer(&err));
      return FALSE;
    }
    if (*reply) {
      ll_scpi_unlock(evb->scpi);
      if (strlen(reply) != 2 * len) {
        g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                    "%s: %s: %zu hex digits in the reply, expected %zu",
                    ll_scpi_get_resource(evb->scpi), cmd, strlen(reply), 2 * len);
        return FALSE;
      }
      for (gsize i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(reply[2 * i]), lo = g_ascii_xdigit_value(reply[2 * i + 1]);
        if (hi < 0 || lo < 0) {
          g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: reply is not hex",
                      ll_scpi_get_resource(evb->scpi), cmd);
          return FALSE;
        }
        buf[i] = (guint8) (hi << 4 | lo);
      }
      return TRUE;
    }
    int code = twi_failure(evb, cmd, &err);
    ll_scpi_unlock(evb->scpi);
    if (code != LL_EVB_ERROR_NACK || attempt + 1 >= NACK_TRIES) {
      g_propagate_error(error, g_steal_pointer(&err));
      return FALSE;
    }
    ll_clock_sleep(evb->clock, nack_pause_ms[attempt] * (gint64) 1000);
  }
}

gboolean
ll_evb_twi_write(LlEvb *evb, guint8 address, guint8 offset, const guint8 *data, gsize len,
                 GError **error)
{
  g_return_val_if_fail(len >= 1 && len <= 256, FALSE);
  GString *cmd = g_string_new(NULL);
  g_string_printf(cmd, "TWI:WRITE %u,%u,", address, offset);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(cmd, "%02X", data[i]);
  g_autofree gchar *text = g_string_free(cmd, FALSE);
  for (guint attempt = 0;; attempt++) {
    ll_scpi_lock(evb->scpi);
    g_autoptr(GError) err = NULL;
    gint64 count = 0;
    /* a write has no reply: ask the error count in the same exchange */
    gboolean ok = ll_scpi_write(evb->scpi, text, &err) &&
                  ll_scpi_query_int(evb->scpi, "SYST:ERR:COUN?", &count, &err);
    if (ok && count == 0) {
      ll_scpi_unlock(evb->scpi);
      return TRUE;
    }
    int code = ok ? twi_failure(evb, "TWI:WRITE", &err) : -1;
    ll_scpi_unlock(evb->scpi);
    if (code != LL_EVB_ERROR_NACK || attempt + 1 >= NACK_TRIES) {
      g_propagate_error(error, g_steal_pointer(&err));
      return FALSE;
    }
    ll_clock_sleep(evb->clock, nack_pause_ms[attempt] * (gint64) 1000);
  }
}

/* Sends @command and checks the board accepted it. */
static gboolean
command(LlEvb *evb, const char *command_text, GError **error)
{
  ll_scpi_lock(evb->scpi);
  gboolean ok = ll_scpi_write(evb->scpi, command_text, error) && ll_scpi_check_errors(evb->scpi, error);
  ll_scpi_unlock(evb->scpi);
  return ok;
}

gboolean
ll_evb_set_power(LlEvb *evb, gboolean on, GError **error)
{
  return command(evb, on ? "POW ON" : "POW OFF", error);
}

gboolean
ll_evb_get_power(LlEvb *evb, gboolean *on, GError **error)
{
  return ll_scpi_query_bool(evb->scpi, "POW?", on, error);
}

gboolean
ll_evb_set_supply_voltage(LlEvb *evb, double volts, GError **error)
{
  g_autofree gchar *cmd = g_strdup_printf("POW:VOLT %.4f", volts);
  return command(evb, cmd, error);
}

gboolean
ll_evb_measure(LlEvb *evb, double *volts, double *amps, GError **error)
{
  return ll_scpi_query_double(evb->scpi, "MEAS:VOLT?", volts, error) &&
         ll_scpi_query_double(evb->scpi, "MEAS:CURR?", amps, error);
}

gboolean
ll_evb_set_pin(LlEvb *evb, LlEvbPin pin, gboolean level, GError **error)
{
  static const char *const names[] = { "RESETL", "LPMODE", "MODSELL" };
  g_autofree gchar *cmd = g_strdup_printf("PIN:%s %d", names[pin], level ? 1 : 0);
  return command(evb, cmd, error);
}

gboolean
ll_evb_module_present(LlEvb *evb, gboolean *present, GError **error)
{
  gboolean modprsl;
  if (!ll_scpi_query_bool(evb->scpi, "PIN:MODPRSL?", &modprsl, error))
    return FALSE;
  *present = !modprsl;
  return TRUE;
}

gboolean
ll_evb_interrupt(LlEvb *evb, gboolean *asserted, GError **error)
{
  gboolean intl;
  if (!ll_scpi_query_bool(evb->scpi, "PIN:INTL?", &intl, error))
    return FALSE;
  *asserted = !intl;
  return TRUE;
}

gboolean
ll_evb_case_temperature(LlEvb *evb, double *celsius, GError **error)
{
  return ll_scpi_query_double(evb->scpi, "TEMP:CASE?", celsius, error);
}

gboolean
ll_evb_set_case_temperature(LlEvb *evb, double celsius, GError **error)
{
  g_autofree gchar *cmd = g_strdup_printf("TEMP:SETP %.2f", celsius);
  ll_scpi_lock(evb->scpi);
  gboolean ok = ll_scpi_write(evb->scpi, cmd, error) &&
                ll_scpi_wait_opc(evb->scpi, 600000, error) && ll_scpi_check_errors(evb->scpi, error);
  ll_scpi_unlock(evb->scpi);
  return ok;
}
