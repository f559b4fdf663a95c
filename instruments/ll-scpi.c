/* ll-scpi.c: the SCPI session (see ll-scpi.h). Every public call takes the
 * session's recursive lock for its whole exchange, so a query's reply is
 * always read by the thread that asked.
 *
 * The lock is an owner, a depth and a queue of waiters under a mutex. A
 * thread that has to wait stops taking part in the instrument's virtual
 * clock meanwhile (the holder may be waiting for a reply on that clock,
 * which advances only once every participant sleeps). The holder's last
 * unlock hands the session to the first waiter and makes it take part again
 * (ll_clock_virtual_hand_over()) before waking it, so there is no moment in
 * which the new holder is neither waiting nor taking part, when virtual
 * time could run ahead of it. Numbers are parsed strictly: a reply
 * that is not what the query promised is an error quoting the reply, never a
 * zero, because a silently misread value is how a station produces a false
 * PASS.
 *
 * For the same reason the session keeps itself in step with the instrument.
 * When an exchange fails in a way that can leave (part of) a reply on its way
 * (a timeout, an overflow, broken framing, a refused binary block), a
 * transport with a device clear is cleared (ll_transport_reject_reply()); a
 * byte stream cannot be, so the session is marked out of step and the next
 * exchange starts with resynchronise(): a marker query whose answer the
 * instrument cannot have sent before (a random *ESE value, read back), with
 * every line before it discarded. */
#include "ll-scpi.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ll-scpi-error-quark, ll_scpi_error)

#define ERROR_QUEUE_DRAIN_MAX 64
#define BLOCK_MAX (256u * 1024 * 1024)

typedef struct {
  GThread *thread;
  gboolean took_part; /* in the transport's virtual clock, before waiting */
} Waiter;

struct _LlScpi {
  GMutex lock;        /* guards owner, depth and waiters */
  GCond handed;       /* a waiter became the owner */
  GThread *owner;     /* NULL: free */
  guint depth;        /* the owner's lock count */
  GQueue waiters;     /* Waiter*, first come first served */
  LlTransport *transport;
  gboolean out_of_step; /* a stream may still deliver (part of) an old reply */
  GRand *rand;          /* picks the resynchronisation marker */
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
  g_mutex_init(&s->lock);
  g_cond_init(&s->handed);
  g_queue_init(&s->waiters);
  s->transport = transport;
  s->rand = g_rand_new();
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
  g_rand_free(scpi->rand);
  g_mutex_clear(&scpi->lock);
  g_cond_clear(&scpi->handed);
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
  GThread *self = g_thread_self();
  g_mutex_lock(&scpi->lock);
  if (scpi->owner == self) {
    scpi->depth++;
  } else if (!scpi->owner) {
    scpi->owner = self;
    scpi->depth = 1;
  } else {
    /* Another thread holds the session, possibly while it waits for a reply
     * on the instrument's virtual clock: waiting for it is not work, or time
     * would stand still for ever (ll-clock.h). */
    Waiter w = { self, ll_clock_virtual_leave(ll_transport_get_clock(scpi->transport)) };
    g_queue_push_tail(&scpi->waiters, &w);
    while (scpi->owner != self)
      g_cond_wait(&scpi->handed, &scpi->lock);
    /* ll_scpi_unlock() set the depth and made this thread take part again */
  }
  g_mutex_unlock(&scpi->lock);
}

void
ll_scpi_unlock(LlScpi *scpi)
{
  g_mutex_lock(&scpi->lock);
  if (scpi->owner != g_thread_self() || scpi->depth == 0) {
    g_mutex_unlock(&scpi->lock);
    g_critical("ll_scpi_unlock: the session is not held by this thread");
    return;
  }
  if (--scpi->depth == 0) {
    Waiter *next = g_queue_pop_head(&scpi->waiters);
    scpi->owner = next ? next->thread : NULL;
    if (next) {
      scpi->depth = 1;
      if (next->took_part)
        ll_clock_virtual_hand_over(ll_transport_get_clock(scpi->transport), next->thread);
      g_cond_broadcast(&scpi->handed);
    }
  }
  g_mutex_unlock(&scpi->lock);
}

/* Length of the SCPI number (NR1, NR2 or NR3) at the start of @s, 0 when
 * there is none: an optional sign, digits with an optional decimal point (at
 * least one digit), an optional exponent. *@integral (optional) is set for
 * NR1 (no point, no exponent). */
static gsize
scan_number(const char *s, gboolean *integral)
{
  const char *p = s;
  gsize digits = 0;
  gboolean nr1 = TRUE;
  if (*p == '+' || *p == '-')
    p++;
  for (; g_ascii_isdigit(*p); p++)
    digits++;
  if (*p == '.') {
    nr1 = FALSE;
    for (p++; g_ascii_isdigit(*p); p++)
      digits++;
  }
  if (digits == 0)
    return 0;
  if (*p == 'E' || *p == 'e') {
    const char *q = p + 1;
    if (*q == '+' || *q == '-')
      q++;
    if (!g_ascii_isdigit(*q))
      return 0;
    while (g_ascii_isdigit(*q))
      q++;
    p = q;
    nr1 = FALSE;
  }
  if (integral)
    *integral = nr1;
  return (gsize) (p - s);
}

/* A whole line holding an integer 0..255 (NR1, surrounding white space). */
static gboolean
parse_byte_line(const char *line, gsize len, guint *out)
{
  if (strlen(line) != len)
    return FALSE;
  g_autofree gchar *s = g_strstrip(g_strdup(line));
  gboolean integral = FALSE;
  gsize n = scan_number(s, &integral);
  if (n == 0 || s[n] || !integral || n > 8)
    return FALSE;
  gint64 v = g_ascii_strtoll(s, NULL, 10);
  if (v < 0 || v > 255)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* Records what a failed exchange means for staying in step: on a transport
 * without device clear, a timeout, an overflow or broken framing may leave a
 * reply (or its rest) on its way. */
static void
note_failure(LlScpi *scpi, const GError *err)
{
  if (!err || err->domain != LL_TRANSPORT_ERROR || ll_transport_has_device_clear(scpi->transport))
    return;
  if (err->code == LL_TRANSPORT_ERROR_TIMEOUT || err->code == LL_TRANSPORT_ERROR_OVERFLOW ||
      err->code == LL_TRANSPORT_ERROR_PROTOCOL)
    scpi->out_of_step = TRUE;
}

/* The reply being read is refused: drop the rest of it (cleared on a
 * transport with device clear, resynchronised before the next exchange on a
 * stream). */
static void
reject_reply(LlScpi *scpi)
{
  ll_transport_reject_reply(scpi->transport);
  if (!ll_transport_has_device_clear(scpi->transport))
    scpi->out_of_step = TRUE;
}

/* Brings an out-of-step session back in step (see ll-scpi.h): sends
 * "*ESE?;*ESE <n>;*ESE?" with a random n, discards every line until "<n>"
 * follows a line holding 0..255, all within the session timeout, then
 * restores *ESE. Caller holds the lock. */
static gboolean
resynchronise(LlScpi *scpi, GError **error)
{
  LlTransport *t = scpi->transport;
  const char *res = ll_scpi_get_resource(scpi);
  guint timeout_ms = ll_transport_get_timeout(t);
  guint marker = (guint) g_rand_int_range(scpi->rand, 1, 256);
  g_autofree gchar *probe = g_strdup_printf("*ESE?;*ESE %u;*ESE?", marker);
  GError *err = NULL;
  if (!ll_transport_write_line(t, probe, &err)) {
    g_propagate_prefixed_error(error, err, "resynchronising with the instrument: ");
    return FALSE;
  }
  gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
  gint previous = -1; /* the last line's value when it held 0..255 */
  guint discarded = 0;
  gboolean found = FALSE;
  while (!found) {
    gint64 left = deadline - g_get_monotonic_time();
    if (left <= 0)
      break;
    ll_transport_set_timeout(t, (guint) MIN((left + 999) / 1000, (gint64) G_MAXUINT));
    gsize len = 0;
    g_autofree gchar *line = ll_transport_read_line(t, &len, &err);
    if (!line) {
      if (g_error_matches(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OVERFLOW)) {
        g_clear_error(&err); /* a long stale reply: dropped, go on */
        previous = -1;
        discarded++;
        continue;
      }
      break;
    }
    guint value = 0;
    gboolean is_byte = parse_byte_line(line, len, &value);
    if (is_byte && value == marker && previous >= 0) {
      found = TRUE;
    } else {
      previous = is_byte ? (gint) value : -1;
      discarded++;
    }
  }
  ll_transport_set_timeout(t, timeout_ms);
  if (!found) {
    if (err && !g_error_matches(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT)) {
      g_propagate_prefixed_error(error, err, "resynchronising with the instrument: ");
      return FALSE;
    }
    g_clear_error(&err);
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT,
                "%s: instrument out of step; it did not answer the resynchronisation query "
                "*ESE? within %u ms after an earlier reply was lost (%u line%s dropped)",
                res, timeout_ms, discarded, discarded == 1 ? "" : "s");
    return FALSE;
  }
  scpi->out_of_step = FALSE;
  g_autofree gchar *restore = g_strdup_printf("*ESE %d", previous);
  if (!ll_transport_write_line(t, restore, &err)) {
    note_failure(scpi, err);
    g_propagate_prefixed_error(error, err, "resynchronising with the instrument: ");
    return FALSE;
  }
  return TRUE;
}

/* Before each exchange: resynchronise when out of step. Caller holds the
 * lock. */
static gboolean
ensure_in_step(LlScpi *scpi, GError **error)
{
  return !scpi->out_of_step || resynchronise(scpi, error);
}

gboolean
ll_scpi_write(LlScpi *scpi, const char *command, GError **error)
{
  ll_scpi_lock(scpi);
  GError *err = NULL;
  gboolean ok = ensure_in_step(scpi, &err) &&
                ll_transport_write_line(scpi->transport, command, &err);
  if (!ok) {
    note_failure(scpi, err);
    g_propagate_error(error, err);
  }
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
  gsize len = 0;
  GError *err = NULL;
  if (ensure_in_step(scpi, &err) && ll_transport_write_line(scpi->transport, query, &err))
    reply = ll_transport_read_line(scpi->transport, &len, &err);
  note_failure(scpi, err);
  ll_scpi_unlock(scpi);
  if (reply && strlen(reply) != len) {
    g_autofree gchar *q = quote_reply(reply);
    g_set_error(&err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                "%s: reply %s... holds a NUL byte at offset %zu of %zu", ll_scpi_get_resource(scpi),
                q, strlen(reply), len);
    g_clear_pointer(&reply, g_free);
  }
  if (err)
    g_propagate_prefixed_error(error, err, "%s: ", query);
  return reply;
}

gboolean
ll_scpi_parse_double(const char *text, double *value, GError **error)
{
  g_autofree gchar *s = g_strstrip(g_strdup(text));
  gsize n = scan_number(s, NULL);
  double v = 0;
  gboolean ok = n > 0 && s[n] == '\0';
  if (ok) {
    errno = 0;
    v = g_ascii_strtod(s, NULL);
    ok = errno != ERANGE && isfinite(v);
  }
  if (!ok) {
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
  gboolean integral = FALSE;
  gsize n = scan_number(reply, &integral);
  if (n > 0 && reply[n] == '\0') {
    errno = 0;
    if (integral) {
      gint64 v = g_ascii_strtoll(reply, NULL, 10);
      if (errno != ERANGE) {
        *value = v;
        return TRUE;
      }
    } else {
      /* some instruments send integers in NR3 form ("+1.00000E+00") */
      double d = g_ascii_strtod(reply, NULL);
      if (errno != ERANGE && isfinite(d) && d == floor(d) && fabs(d) < 9.0e15) {
        *value = (gint64) d;
        return TRUE;
      }
    }
  }
  g_autofree gchar *q = quote_reply(reply);
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: reply %s is not an integer",
              ll_scpi_get_resource(scpi), query, q);
  return FALSE;
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

/* A refused block: the error, and the rest of the reply dropped. */
static gboolean
block_error(LlScpi *scpi, const char *query, GError **error, const char *what)
{
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE, "%s: %s: %s",
              ll_scpi_get_resource(scpi), query, what);
  reject_reply(scpi);
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
  if (!ensure_in_step(scpi, &err) || !ll_transport_write_line(t, query, &err) ||
      !ll_transport_read_exact(t, head, 2, &err))
    goto out;
  if (head[0] != '#' || !g_ascii_isdigit(head[1])) {
    block_error(scpi, query, &err, "reply does not start a binary block (#<n><length>)");
    goto out;
  }
  int ndigits = head[1] - '0';
  if (ndigits == 0) {
    /* Its end would be the first terminator byte, which the data may hold
     * as well: it cannot be framed on a stream. */
    block_error(scpi, query, &err,
                "the instrument sent an indefinite-length block (#0), which cannot be framed; "
                "set it to send definite-length blocks (#<n><length><data>)");
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
  note_failure(scpi, err);
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
  GError *err = NULL;
  ll_scpi_lock(scpi);
  for (guint i = 0; i < ERROR_QUEUE_DRAIN_MAX; i++) {
    g_autofree gchar *reply = ll_scpi_query(scpi, "SYST:ERR?", &err);
    if (!reply)
      break;
    char *end = NULL;
    g_strstrip(reply);
    gint64 code = g_ascii_strtoll(reply, &end, 10);
    if (end == reply || (*end != ',' && *end != '\0')) {
      g_autofree gchar *q = quote_reply(reply);
      g_set_error(&err, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
                  "%s: SYST:ERR?: reply %s is not <code>,\"<message>\"",
                  ll_scpi_get_resource(scpi), q);
      break;
    }
    if (code == 0)
      break;
    g_string_append_printf(found, "%s%s", count ? "; " : "", reply);
    count++;
  }
  ll_scpi_unlock(scpi);
  if (err) {
    /* the errors read before the failure are not lost with it */
    if (count)
      g_prefix_error(&err, "%s: its error queue held %u error%s (%s), then reading it failed: ",
                     ll_scpi_get_resource(scpi), count, count == 1 ? "" : "s", found->str);
    g_propagate_error(error, err);
    return FALSE;
  }
  if (count) {
    g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_INSTRUMENT, "%s reported %u error%s: %s",
                ll_scpi_get_resource(scpi), count, count == 1 ? "" : "s", found->str);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_scpi_wait_opc(LlScpi *scpi, guint timeout_ms, GError **error)
{
  ll_scpi_lock(scpi);
  guint saved = ll_transport_get_timeout(scpi->transport);
  ll_transport_set_timeout(scpi->transport, MAX(timeout_ms, 1));
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
