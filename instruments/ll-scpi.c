/* ll-scpi.c: the SCPI session (see ll-scpi.h). Every public call takes the
 * session's recursive lock for its whole exchange, so a query's reply is
 * always read by the thread that asked. Numbers are parsed strictly: a reply
 * that is not what the query promised is an error quoting the reply, never a
 * zero, because a silently misread value is how a station produces a false
 * PASS. */
#include "ll-scpi.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ll-scpi-error-quark, ll_scpi_error)

#define ERROR_QUEUE_DRAIN_MAX 64
#define BLOCK_MAX (256u * 1024 * 1024)

struct _LlScpi {
  GRecMutex lock;
  LlTransport *transport;
};

void
ll_idn_clear(LlIdn *idn)
{
  g_clear_pointer(&idn->maker, g_free);
  g_clear_pointer(&idn->model, g_free);
  g_clear_pointer(&idn->serial, g_free);
  g_clear_pointer(&idn->firmware, g_free);
}

/* A short, printable rendering of a reply for error messages. */
static gchar *
quote_reply(const char *reply)
{
  GString *s = g_string_new("\"");
  gsize n = 0;
  for (const guchar *p = (const guchar *) reply; *p && n < 60; p++, n++) {
    if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
      g_string_append_c(s, (char) *p);
    else
      g_string_append_printf(s, "\\x%02x", *p);
  }
  g_string_append(s, strlen(reply) > 60 ? "\"..." : "\"");
  return g_string_free(s, FALSE);
}

gboolean
ll_idn_parse(const char *reply, LlIdn *idn, GError **error)
{
  g_auto(GStrv) f = g_strsplit(reply, ",", 4);
  if (g_strv_length(f) < 4 || !*g_strstrip(f[0]) || !*g_strstrip(f[1])) {
    g_autofree gchar *q = quote_reply(reply);
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                "*IDN? reply %s is not \"maker,model,serial,firmware\"", q);
    return FALSE;
  }
  for (const char *p = reply; *p; p++)
    if (!g_ascii_isprint(*p)) {
      g_autofree gchar *q = quote_reply(reply);
      g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                  "*IDN? reply %s holds non-printable bytes", q);
      return FALSE;
    }
  ll_idn_clear(idn);
  idn->maker = g_strdup(f[0]);
  idn->model = g_strdup(f[1]);
  idn->serial = g_strdup(g_strstrip(f[2]));
  idn->firmware = g_strdup(g_strstrip(f[3]));
  return TRUE;
}

LlScpi *
ll_scpi_new(LlTransport *transport)
{
  LlScpi *s = g_new0(LlScpi, 1);
  g_rec_mutex_init(&s->lock);
  s->transport = transport;
  return s;
}

LlScpi *
ll_scpi_open(const char *resource, GError **error)
{
  LlTransport *t = ll_transport_open(resource, error);
  return t ? ll_scpi_new(t) : NULL;
}

void
ll_scpi_close(LlScpi *scpi)
{
  if (!scpi)
    return;
  ll_transport_close(scpi->transport);
  g_rec_mutex_clear(&scpi->lock);
  g_free(scpi);
}

LlTransport *
ll_scpi_get_transport(LlScpi *scpi)
{
  return scpi->transport;
}

const char *
ll_scpi_get_resource(LlScpi *scpi)
{
  return ll_transport_get_resource(scpi->transport)->text;
}

void
ll_scpi_lock(LlScpi *scpi)
{
  g_rec_mutex_lock(&scpi->lock);
}

void
ll_scpi_unlock(LlScpi *scpi)
{
  g_rec_mutex_unlock(&scpi->lock);
}

gboolean
ll_scpi_write(LlScpi *scpi, const char *command, GError **error)
{
  ll_scpi_lock(scpi);
  gboolean ok = ll_transport_write_line(scpi->transport, command, error);
  ll_scpi_unlock(scpi);
  return ok;
}

gboolean
ll_scpi_writef(LlScpi *scpi, GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *cmd = g_strdup_vprintf(format, ap);
  va_end(ap);
  return ll_scpi_write(scpi, cmd, error);
}

gchar *
ll_scpi_query(LlScpi *scpi, const char *query, GError **error)
{
  ll_scpi_lock(scpi);
  gchar *reply = NULL;
  GError *err = NULL;
  if (ll_transport_write_line(scpi->transport, query, &err))
    reply = ll_transport_read_line(scpi->transport, NULL, &err);
  ll_scpi_unlock(scpi);
  if (err)
    g_propagate_prefixed_error(error, err, "%s: ", query);
  return reply;
}

gboolean
ll_scpi_parse_double(const char *text, double *value, GError **error)
{
  g_autofree gchar *s = g_strstrip(g_strdup(text));
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(s, &end);
  /* allow a unit suffix after the number ("-3.21DBM", "1.31E-06 W") */
  const char *rest = end;
  while (*rest == ' ')
    rest++;
  gboolean unit_ok = TRUE;
  for (const char *p = rest; *p; p++)
    unit_ok &= g_ascii_isalpha(*p) != 0;
  if (end == s || !unit_ok || errno == ERANGE || !isfinite(v)) {
    g_autofree gchar *q = quote_reply(text);
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "reply %s is not a number", q);
    return FALSE;
  }
  if (fabs(v) >= 9.9e37) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_NOT_A_NUMBER,
                "the instrument answered %s, SCPI's %s: no valid measurement", s,
                fabs(v - 9.91e37) < 1e33 ? "not-a-number" : "overflow");
    return FALSE;
  }
  *value = v;
  return TRUE;
}

gboolean
ll_scpi_query_double(LlScpi *scpi, const char *query, double *value, GError **error)
{
  g_autofree gchar *reply = ll_scpi_query(scpi, query, error);
  if (!reply)
    return FALSE;
  GError *err = NULL;
  if (!ll_scpi_parse_double(reply, value, &err)) {
    g_propagate_prefixed_error(error, err, "%s: %s: ", ll_scpi_get_resource(scpi), query);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_scpi_query_int(LlScpi *scpi, const char *query, gint64 *value, GError **error)
{
  g_autofree gchar *reply = ll_scpi_query(scpi, query, error);
  if (!reply)
    return FALSE;
  g_strstrip(reply);
  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll(reply, &end, 10);
  if (end == reply || *end || errno == ERANGE) {
    /* some instruments send integers in NR3 form ("+1.00000E+00") */
    char *dend = NULL;
    double d = g_ascii_strtod(reply, &dend);
    if (dend != reply && !*dend && isfinite(d) && d == floor(d) && fabs(d) < 9.0e15) {
      *value = (gint64) d;
      return TRUE;
    }
    g_autofree gchar *q = quote_reply(reply);
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: reply %s is not an integer",
                ll_scpi_get_resource(scpi), query, q);
    return FALSE;
  }
  *value = v;
  return TRUE;
}

gboolean
ll_scpi_query_bool(LlScpi *scpi, const char *query, gboolean *value, GError **error)
{
  g_autofree gchar *reply = ll_scpi_query(scpi, query, error);
  if (!reply)
    return FALSE;
  g_strstrip(reply);
  if (g_str_equal(reply, "1") || g_ascii_strcasecmp(reply, "ON") == 0) {
    *value = TRUE;
    return TRUE;
  }
  if (g_str_equal(reply, "0") || g_ascii_strcasecmp(reply, "OFF") == 0) {
    *value = FALSE;
    return TRUE;
  }
  g_autofree gchar *q = quote_reply(reply);
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: reply %s is not a boolean",
              ll_scpi_get_resource(scpi), query, q);
  return FALSE;
}

gchar *
ll_scpi_query_string(LlScpi *scpi, const char *query, GError **error)
{
  g_autofree gchar *reply = ll_scpi_query(scpi, query, error);
  if (!reply)
    return NULL;
  g_strstrip(reply);
  gsize n = strlen(reply);
  if (n < 2 || (reply[0] != '"' && reply[0] != '\'') || reply[n - 1] != reply[0])
    return g_steal_pointer(&reply);
  char q = reply[0];
  GString *s = g_string_sized_new(n);
  for (gsize i = 1; i + 1 < n; i++) {
    if (reply[i] == q && reply[i + 1] == q && i + 2 < n)
      i++;
    g_string_append_c(s, reply[i]);
  }
  return g_string_free(s, FALSE);
}

static gboolean
block_error(LlScpi *scpi, const char *query, GError **error, const char *what)
{
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: %s",
              ll_scpi_get_resource(scpi), query, what);
  g_autoptr(GError) ignored = NULL;
  ll_transport_clear(scpi->transport, &ignored);
  return FALSE;
}

GBytes *
ll_scpi_query_block(LlScpi *scpi, const char *query, GError **error)
{
  ll_scpi_lock(scpi);
  LlTransport *t = scpi->transport;
  GBytes *result = NULL;
  GError *err = NULL;
  g_autofree gchar *tail = NULL;
  char head[2];
  if (!ll_transport_write_line(t, query, &err) || !ll_transport_read_exact(t, head, 2, &err))
    goto out;
  if (head[0] != '#' || !g_ascii_isdigit(head[1])) {
    block_error(scpi, query, &err, "reply does not start a binary block (#<n><length>)");
    goto out;
  }
  int ndigits = head[1] - '0';
  if (ndigits == 0) {
    /* indefinite length: data up to the terminator */
    gsize len = 0;
    gchar *data = ll_transport_read_line(t, &len, &err);
    if (data)
      result = g_bytes_new_take(data, len);
    goto out;
  }
  char digits[10] = { 0 };
  if (!ll_transport_read_exact(t, digits, (gsize) ndigits, &err))
    goto out;
  guint64 len = 0;
  for (int i = 0; i < ndigits; i++) {
    if (!g_ascii_isdigit(digits[i])) {
      block_error(scpi, query, &err, "binary block length is not a number");
      goto out;
    }
    len = len * 10 + (guint64) (digits[i] - '0');
  }
  if (len > BLOCK_MAX || len > ll_transport_get_resource(t)->max_reply) {
    gchar *what = g_strdup_printf("binary block of %" G_GUINT64_FORMAT
                                  " bytes is over the bound of %zu",
                                  len, MIN((gsize) BLOCK_MAX, ll_transport_get_resource(t)->max_reply));
    block_error(scpi, query, &err, what);
    g_free(what);
    goto out;
  }
  guint8 *data = g_malloc(len ? len : 1);
  if (!ll_transport_read_exact(t, data, len, &err)) {
    g_free(data);
    goto out;
  }
  /* the terminator that follows the block */
  tail = ll_transport_read_line(t, NULL, &err);
  if (!tail) {
    g_free(data);
    goto out;
  }
  if (*tail) {
    g_free(data);
    block_error(scpi, query, &err, "extra bytes after the binary block");
    goto out;
  }
  result = g_bytes_new_take(data, len);
out:
  ll_scpi_unlock(scpi);
  if (err)
    g_propagate_prefixed_error(error, err, "%s: ", query);
  return result;
}

gboolean
ll_scpi_idn(LlScpi *scpi, LlIdn *idn, GError **error)
{
  g_autofree gchar *reply = ll_scpi_query(scpi, "*IDN?", error);
  if (!reply)
    return FALSE;
  GError *err = NULL;
  if (!ll_idn_parse(reply, idn, &err)) {
    g_propagate_prefixed_error(error, err, "%s: ", ll_scpi_get_resource(scpi));
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_scpi_check_errors(LlScpi *scpi, GError **error)
{
  g_autoptr(GString) found = g_string_new(NULL);
  guint count = 0;
  gboolean ok = TRUE;
  ll_scpi_lock(scpi);
  for (guint i = 0; i < ERROR_QUEUE_DRAIN_MAX; i++) {
    g_autofree gchar *reply = ll_scpi_query(scpi, "SYST:ERR?", error);
    if (!reply) {
      ok = FALSE;
      break;
    }
    char *end = NULL;
    g_strstrip(reply);
    gint64 code = g_ascii_strtoll(reply, &end, 10);
    if (end == reply || (*end != ',' && *end != '\0')) {
      g_autofree gchar *q = quote_reply(reply);
      g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                  "%s: SYST:ERR?: reply %s is not <code>,\"<message>\"",
                  ll_scpi_get_resource(scpi), q);
      ok = FALSE;
      break;
    }
    if (code == 0)
      break;
    g_string_append_printf(found, "%s%s", count ? "; " : "", reply);
    count++;
  }
  ll_scpi_unlock(scpi);
  if (ok && count) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT, "%s reported %u error%s: %s",
                ll_scpi_get_resource(scpi), count, count == 1 ? "" : "s", found->str);
    return FALSE;
  }
  return ok;
}

gboolean
ll_scpi_wait_opc(LlScpi *scpi, guint timeout_ms, GError **error)
{
  ll_scpi_lock(scpi);
  guint saved = ll_transport_get_timeout(scpi->transport);
  ll_transport_set_timeout(scpi->transport, timeout_ms);
  gint64 v = 0;
  gboolean ok = ll_scpi_query_int(scpi, "*OPC?", &v, error);
  ll_transport_set_timeout(scpi->transport, saved);
  ll_scpi_unlock(scpi);
  if (ok && v != 1) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: *OPC? answered %" G_GINT64_FORMAT
                ", not 1", ll_scpi_get_resource(scpi), v);
    return FALSE;
  }
  return ok;
}

gboolean
ll_scpi_reset(LlScpi *scpi, GError **error)
{
  ll_scpi_lock(scpi);
  gboolean ok = ll_scpi_write(scpi, "*RST", error) && ll_scpi_write(scpi, "*CLS", error) &&
                ll_scpi_wait_opc(scpi, MAX(ll_transport_get_timeout(scpi->transport), 10000), error);
  ll_scpi_unlock(scpi);
  return ok;
}

gboolean
ll_scpi_clear_status(LlScpi *scpi, GError **error)
{
  return ll_scpi_write(scpi, "*CLS", error);
}
