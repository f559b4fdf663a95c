/* ll-resource.c: parser for resource strings (see ll-resource.h for the
 * grammar). Each kind has its own address syntax and its own options; common
 * options (timeout, term, maxreply) are accepted by every kind. Unknown
 * options are an error for real transports (a typo in a station file must not
 * silently fall back to a default baud rate); the simulator receives the other
 * options for itself, after the simulator core has checked, without creating
 * a device, that the model exists and each option is one it knows. */
#include "ll-resource.h"
#include "sim/ll-sim-device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(ll-resource-error-quark, ll_resource_error)

static const char *const kind_names[] = {
  [LL_RESOURCE_SERIAL] = "serial",
  [LL_RESOURCE_USBTMC] = "usbtmc",
  [LL_RESOURCE_TCP] = "tcp",
  [LL_RESOURCE_SIM] = "sim",
};

const char *
ll_resource_kind_name(LlResourceKind kind)
{
  return kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "?";
}

void
ll_resource_free(LlResource *res)
{
  if (!res)
    return;
  g_free(res->text);
  g_free(res->term);
  g_free(res->path);
  g_free(res->serial);
  g_free(res->host);
  g_free(res->sim_name);
  g_clear_pointer(&res->sim_options, g_hash_table_unref);
  g_free(res);
}

static GHashTable *
copy_options(GHashTable *options)
{
  if (!options)
    return NULL;
  GHashTable *copy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, options);
  while (g_hash_table_iter_next(&it, &key, &value))
    g_hash_table_insert(copy, g_strdup(key), g_strdup(value));
  return copy;
}

LlResource *
ll_resource_copy(const LlResource *res)
{
  g_return_val_if_fail(res != NULL, NULL);
  LlResource *copy = g_new(LlResource, 1);
  *copy = *res; /* the scalars */
  copy->text = g_strdup(res->text);
  copy->term = g_strdup(res->term);
  copy->path = g_strdup(res->path);
  copy->serial = g_strdup(res->serial);
  copy->host = g_strdup(res->host);
  copy->sim_name = g_strdup(res->sim_name);
  copy->sim_options = copy_options(res->sim_options);
  return copy;
}

gboolean
ll_resource_same_device(const LlResource *a, const LlResource *b)
{
  g_return_val_if_fail(a != NULL && b != NULL, FALSE);
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind) {
  case LL_RESOURCE_SERIAL:
    return g_strcmp0(a->path, b->path) == 0;
  case LL_RESOURCE_USBTMC:
    return a->vid == b->vid && a->pid == b->pid &&
           (!a->serial || !b->serial || g_str_equal(a->serial, b->serial));
  case LL_RESOURCE_TCP:
    return a->port == b->port && a->host && b->host && g_ascii_strcasecmp(a->host, b->host) == 0;
  case LL_RESOURCE_SIM:
    return FALSE;
  }
  return FALSE;
}

static gboolean
fail(GError **error, guint *error_column, guint column, LlResourceError code, const char *fmt, ...)
  G_GNUC_PRINTF(5, 6);

static gboolean
fail(GError **error, guint *error_column, guint column, LlResourceError code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (error_column)
    *error_column = column;
  g_set_error_literal(error, LL_RESOURCE_ERROR, code, msg);
  return FALSE;
}

/* Parses an unsigned decimal (or hex with @base 16) in [min, max]. */
static gboolean
parse_uint(const char *s, int base, guint64 min, guint64 max, guint64 *out)
{
  if (!s || !*s || g_ascii_isspace(*s) || *s == '-' || *s == '+')
    return FALSE;
  char *end = NULL;
  errno = 0;
  guint64 v = g_ascii_strtoull(s, &end, base);
  if (errno || *end || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_address(LlResource *res, const char *addr, guint col, guint *error_column, GError **error)
{
  guint64 v;
  switch (res->kind) {
  case LL_RESOURCE_SERIAL:
    if (!*addr)
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "serial resource needs a port path, e.g. serial:/dev/ttyUSB0");
    res->path = g_strdup(addr);
    return TRUE;
  case LL_RESOURCE_USBTMC: {
    g_auto(GStrv) parts = g_strsplit(addr, ":", -1);
    guint n = g_strv_length(parts);
    if (n < 2 || n > 3)
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "usbtmc resource is VID:PID or VID:PID:SERIAL in hex, e.g. usbtmc:1313:8078");
    if (!parse_uint(parts[0], 16, 0, 0xffff, &v) || strlen(parts[0]) > 4)
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "USB vendor id '%s' is not a 4-digit hex number", parts[0]);
    res->vid = (guint16) v;
    guint pcol = col + (guint) strlen(parts[0]) + 1;
    if (!parse_uint(parts[1], 16, 0, 0xffff, &v) || strlen(parts[1]) > 4)
      return fail(error, error_column, pcol, LL_RESOURCE_ERROR_SYNTAX,
                  "USB product id '%s' is not a 4-digit hex number", parts[1]);
    res->pid = (guint16) v;
    if (n == 3) {
      if (!*parts[2])
        return fail(error, error_column, pcol + (guint) strlen(parts[1]) + 1,
                    LL_RESOURCE_ERROR_SYNTAX, "USB serial number is empty");
      res->serial = g_strdup(parts[2]);
    }
    return TRUE;
  }
  case LL_RESOURCE_TCP: {
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr)
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "tcp resource is HOST:PORT, e.g. tcp:192.0.2.10:5025");
    g_autofree gchar *host = g_strndup(addr, (gsize) (colon - addr));
    if (host[0] == '[') { /* [IPv6]:port */
      gsize hl = strlen(host);
      if (hl < 3 || host[hl - 1] != ']')
        return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                    "IPv6 host must be written in brackets, e.g. tcp:[::1]:5025");
      gchar *inner = g_strndup(host + 1, hl - 2);
      g_free(host);
      host = inner;
    } else if (strchr(host, ':')) {
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "IPv6 host must be written in brackets, e.g. tcp:[::1]:5025");
    }
    if (!parse_uint(colon + 1, 10, 1, 65535, &v))
      return fail(error, error_column, col + (guint) (colon - addr) + 1, LL_RESOURCE_ERROR_SYNTAX,
                  "TCP port '%s' is not a number from 1 to 65535", colon + 1);
    res->host = g_steal_pointer(&host);
    res->port = (guint16) v;
    return TRUE;
  }
  case LL_RESOURCE_SIM: {
    if (!*addr)
      return fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
                  "sim resource needs a simulator name, e.g. sim:scpi");
    for (const char *p = addr; *p; p++)
      if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
        return fail(error, error_column, col + (guint) (p - addr), LL_RESOURCE_ERROR_SYNTAX,
                    "simulator name '%s' may hold only letters, digits, '-', '_' and '.'", addr);
    g_autoptr(GError) err = NULL;
    if (!ll_sim_check_model(addr, &err))
      return fail(error, error_column, col, LL_RESOURCE_ERROR_KIND, "%s", err->message);
    res->sim_name = g_strdup(addr);
    return TRUE;
  }
  }
  g_assert_not_reached();
}

static gboolean
parse_term(const char *v, gchar **out)
{
  static const struct { const char *name, *seq; } terms[] = {
    { "lf", "\n" }, { "cr", "\r" }, { "crlf", "\r\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(terms); i++)
    if (g_ascii_strcasecmp(v, terms[i].name) == 0) {
      g_free(*out);
      *out = g_strdup(terms[i].seq);
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_enum(const char *v, const char *const *names, gsize n, int *out)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp(v, names[i]) == 0) {
      *out = (int) i;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_option(LlResource *res, const char *key, const char *val, guint col, guint vcol,
             guint *error_column, GError **error)
{
  static const char *const parities[] = { "none", "odd", "even", "mark", "space" };
  static const char *const flows[] = { "none", "rtscts", "xonxoff" };
  guint64 v;
  int e;

  if (g_str_equal(key, "timeout")) {
    if (!parse_uint(val, 10, 1, 3600000, &v))
      return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                  "timeout '%s' is not a number of milliseconds from 1 to 3600000", val);
    res->timeout_ms = (guint) v;
    return TRUE;
  }
  if (g_str_equal(key, "term")) {
    if (!parse_term(val, &res->term))
      return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                  "term '%s' is not one of lf, cr, crlf", val);
    return TRUE;
  }
  if (g_str_equal(key, "maxreply")) {
    if (!parse_uint(val, 10, 16, 256u * 1024 * 1024, &v))
      return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                  "maxreply '%s' is not a byte count from 16 to 268435456", val);
    res->max_reply = (gsize) v;
    return TRUE;
  }
  if (res->kind == LL_RESOURCE_SERIAL) {
    if (g_str_equal(key, "baud")) {
      if (!parse_uint(val, 10, 50, 4000000, &v))
        return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                    "baud '%s' is not a rate from 50 to 4000000", val);
      res->baud = (guint) v;
      return TRUE;
    }
    if (g_str_equal(key, "bits")) {
      if (!parse_uint(val, 10, 5, 8, &v))
        return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                    "bits '%s' is not 5, 6, 7 or 8", val);
      res->data_bits = (guint) v;
      return TRUE;
    }
    if (g_str_equal(key, "stop")) {
      if (!parse_uint(val, 10, 1, 2, &v))
        return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                    "stop '%s' is not 1 or 2", val);
      res->stop_bits = (guint) v;
      return TRUE;
    }
    if (g_str_equal(key, "parity")) {
      if (!parse_enum(val, parities, G_N_ELEMENTS(parities), &e))
        return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                    "parity '%s' is not one of none, odd, even, mark, space", val);
      res->parity = (LlParity) e;
      return TRUE;
    }
    if (g_str_equal(key, "flow")) {
      if (!parse_enum(val, flows, G_N_ELEMENTS(flows), &e))
        return fail(error, error_column, vcol, LL_RESOURCE_ERROR_OPTION,
                    "flow '%s' is not one of none, rtscts, xonxoff", val);
      res->flow = (LlFlow) e;
      return TRUE;
    }
  }
  if (res->kind == LL_RESOURCE_SIM) {
    g_autoptr(GError) err = NULL;
    gboolean bad_value = FALSE;
    if (!ll_sim_check_option(res->sim_name, key, val, &bad_value, &err))
      return fail(error, error_column, bad_value ? vcol : col, LL_RESOURCE_ERROR_OPTION, "%s",
                  err->message);
    g_hash_table_insert(res->sim_options, g_strdup(key), g_strdup(val));
    return TRUE;
  }
  const char *known = res->kind == LL_RESOURCE_SERIAL
                        ? "timeout, term, maxreply, baud, bits, stop, parity, flow"
                        : "timeout, term, maxreply";
  return fail(error, error_column, col, LL_RESOURCE_ERROR_OPTION,
              "unknown option '%s' for a %s resource (known: %s)", key,
              ll_resource_kind_name(res->kind), known);
}

LlResource *
ll_resource_parse(const char *text, guint *error_column, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  g_autoptr(LlResource) res = g_new0(LlResource, 1);
  res->text = g_strdup(text);
  res->timeout_ms = 2000;
  res->term = g_strdup("\n");
  res->max_reply = 1024 * 1024;
  res->baud = 9600;
  res->data_bits = 8;
  res->stop_bits = 1;

  const char *colon = strchr(text, ':');
  if (!colon || colon == text) {
    fail(error, error_column, 1, LL_RESOURCE_ERROR_SYNTAX,
         "resource '%s' has no kind; write serial:, usbtmc:, tcp: or sim: before the address", text);
    return NULL;
  }
  g_autofree gchar *kind = g_strndup(text, (gsize) (colon - text));
  int k;
  if (!parse_enum(kind, kind_names, G_N_ELEMENTS(kind_names), &k)) {
    fail(error, error_column, 1, LL_RESOURCE_ERROR_KIND,
         "unknown resource kind '%s' (known: serial, usbtmc, tcp, sim)", kind);
    return NULL;
  }
  res->kind = (LlResourceKind) k;
  if (res->kind == LL_RESOURCE_SIM)
    res->sim_options = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

  const char *addr = colon + 1;
  const char *q = strchr(addr, '?');
  g_autofree gchar *address = q ? g_strndup(addr, (gsize) (q - addr)) : g_strdup(addr);
  guint addr_col = (guint) (addr - text) + 1;
  if (!parse_address(res, address, addr_col, error_column, error))
    return NULL;

  if (q) {
    const char *p = q + 1;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    while (TRUE) {
      const char *amp = strchr(p, '&');
      g_autofree gchar *pair = amp ? g_strndup(p, (gsize) (amp - p)) : g_strdup(p);
      guint col = (guint) (p - text) + 1;
      char *eq = strchr(pair, '=');
      if (!eq || eq == pair || !eq[1]) {
        fail(error, error_column, col, LL_RESOURCE_ERROR_SYNTAX,
             "option '%s' must be written KEY=VALUE", pair);
        return NULL;
      }
      *eq = '\0';
      if (!g_hash_table_add(seen, g_strdup(pair))) {
        fail(error, error_column, col, LL_RESOURCE_ERROR_OPTION, "option '%s' is given twice", pair);
        return NULL;
      }
      if (!parse_option(res, pair, eq + 1, col, col + (guint) (eq - pair) + 1, error_column, error))
        return NULL;
      if (!amp)
        break;
      p = amp + 1;
    }
  }
  return g_steal_pointer(&res);
}
