/* ll-sim-device.c: the simulated instrument core (see ll-sim-device.h).
 *
 * Input bytes are cut into lines at the device's terminator (LF unless set);
 * a line is cut into commands at ';'; each command's header is matched first
 * against the IEEE 488.2 common commands (*IDN?, *RST, *CLS, *OPC, *OPC?,
 * *WAI, *ESE, *ESE?, *ESR?, *STB?) and the SYSTem:ERRor queue handled here,
 * then against the model's table. Replies are queued with the time they
 * become ready (now, or later when the device is busy or a delay fault is
 * set), each ending with the terminator, and read out as bytes.
 *
 * Options are checked by ll_sim_check_model() / ll_sim_check_option(), which
 * create nothing, so a resource string can be checked when a station file is
 * loaded; ll_sim_device_new() runs the same checks before the model's own. */
#include "ll-sim-model.h"
#include "ll-resource.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(ll-sim-error-quark, ll_sim_error)

#define ERROR_QUEUE_MAX 16
#define OVERSIZE_BYTES (4u * 1024 * 1024)

typedef enum { FAULT_NONE, FAULT_NOREPLY, FAULT_GARBAGE, FAULT_ERROR, FAULT_OVERSIZE, FAULT_VANISH } Fault;
static const char *const fault_names[] = { "none", "noreply", "garbage", "error", "oversize", "vanish" };

typedef struct {
  GBytes *data;
  gsize offset;
  gint64 ready_at;
} Reply;

typedef struct {
  int code;
  gchar *message;
} QueuedError;

struct _LlSimDevice {
  GMutex lock;
  const LlSimModel *model;
  gpointer state;
  LlClock *clock;
  gchar *idn;
  GString *input;
  GQueue replies;   /* of Reply* */
  GQueue errors;    /* of QueuedError* */
  gint64 busy_until;
  Fault fault;
  guint fault_after;
  gint64 delay_us;
  gboolean gone;
  guint commands;
  gchar *last_command;
  GRand *rand;
  GHashTable *options; /* kept for *RST, which re-runs init */
  gchar *term;         /* line terminator, both directions */
  guint8 ese;          /* *ESE: standard event status enable register */
  LlActivityFunc activity; /* where busy time is reported (a bench's log), or NULL */
  gpointer activity_data;
  gchar *label;        /* "MODEL SERIAL": the device in activity reports */
};

static void
reply_free(gpointer p)
{
  Reply *r = p;
  g_bytes_unref(r->data);
  g_free(r);
}

static void
queued_error_free(gpointer p)
{
  QueuedError *e = p;
  g_free(e->message);
  g_free(e);
}

/* The options every model takes, with the bound of the numeric ones (0: any
 * text). */
static const struct {
  const char *name;
  guint64 max;
} common_options[] = {
  { "fault", 0 }, { "after", G_MAXUINT }, { "delay", 3600000 }, { "serial", 0 },
  { "seed", G_MAXUINT32 },
};

static gboolean
parse_option_uint(const char *v, guint64 max, guint64 *out)
{
  char *end = NULL;
  if (!g_ascii_isdigit(*v))
    return FALSE;
  errno = 0;
  guint64 n = g_ascii_strtoull(v, &end, 10);
  if (errno || *end || n > max)
    return FALSE;
  *out = n;
  return TRUE;
}

static gboolean
parse_fault(const char *v, Fault *out)
{
  for (gsize i = 0; i < G_N_ELEMENTS(fault_names); i++)
    if (g_str_equal(v, fault_names[i])) {
      *out = (Fault) i;
      return TRUE;
    }
  return FALSE;
}

gboolean
ll_sim_check_model(const char *model_name, GError **error)
{
  if (ll_sim_model_lookup(model_name))
    return TRUE;
  g_autofree gchar *names = ll_sim_model_names();
  g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_UNKNOWN_MODEL,
              "no simulator named '%s' (known: %s)", model_name, names);
  return FALSE;
}

gboolean
ll_sim_check_option(const char *model_name, const char *key, const char *value,
                    gboolean *bad_value, GError **error)
{
  if (bad_value)
    *bad_value = FALSE;
  const LlSimModel *model = ll_sim_model_lookup(model_name);
  if (!model)
    return ll_sim_check_model(model_name, error);
  for (gsize i = 0; i < G_N_ELEMENTS(common_options); i++) {
    if (!g_str_equal(key, common_options[i].name))
      continue;
    Fault fault;
    guint64 n;
    if (g_str_equal(key, "fault") && !parse_fault(value, &fault))
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "simulator fault '%s' is not one of none, noreply, garbage, error, oversize, "
                  "vanish",
                  value);
    else if (common_options[i].max && !parse_option_uint(value, common_options[i].max, &n))
      g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
                  "simulator option %s='%s' is not a number from 0 to %" G_GUINT64_FORMAT, key,
                  value, common_options[i].max);
    else
      return TRUE;
    if (bad_value)
      *bad_value = TRUE;
    return FALSE;
  }
  for (const char *const *m = model->options; m && *m; m++)
    if (g_str_equal(key, *m))
      return TRUE;
  g_autoptr(GString) known = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(common_options); i++)
    g_string_append_printf(known, "%s%s", i ? ", " : "", common_options[i].name);
  for (const char *const *m = model->options; m && *m; m++)
    g_string_append_printf(known, ", %s", *m);
  g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION,
              "unknown option '%s' for simulator %s (known: %s)", key, model->name, known->str);
  return FALSE;
}

static guint64
option_value(GHashTable *options, const char *key, guint64 fallback)
{
  const char *v = options ? g_hash_table_lookup(options, key) : NULL;
  guint64 n;
  return v && parse_option_uint(v, G_MAXUINT64, &n) ? n : fallback;
}

LlSimDevice *
ll_sim_device_new(const char *model_name, GHashTable *options, LlClock *clock, GError **error)
{
  if (!ll_sim_check_model(model_name, error))
    return NULL;
  const LlSimModel *model = ll_sim_model_lookup(model_name);
  if (options) {
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, options);
    while (g_hash_table_iter_next(&it, &key, &value))
      if (!ll_sim_check_option(model_name, key, value, NULL, error))
        return NULL;
  }
  /* the values below were checked above */
  Fault fault = FAULT_NONE;
  const char *f = options ? g_hash_table_lookup(options, "fault") : NULL;
  if (f)
    parse_fault(f, &fault);
  guint64 after = option_value(options, "after", 0);
  guint64 delay_ms = option_value(options, "delay", 0);
  guint64 seed = option_value(options, "seed", 1);

  LlSimDevice *dev = g_new0(LlSimDevice, 1);
  g_mutex_init(&dev->lock);
  dev->model = model;
  dev->clock = clock ? clock : ll_clock_system();
  dev->input = g_string_new(NULL);
  g_queue_init(&dev->replies);
  g_queue_init(&dev->errors);
  dev->fault = fault;
  dev->fault_after = (guint) after;
  dev->delay_us = (gint64) delay_ms * 1000;
  dev->rand = g_rand_new_with_seed((guint32) seed);
  dev->term = g_strdup("\n");
  const char *serial = options ? g_hash_table_lookup(options, "serial") : NULL;
  dev->idn = g_strdup_printf("%s,%s,%s,%s", model->maker, model->model,
                             serial ? serial : model->serial, model->firmware);
  dev->label = g_strdup_printf("%s %s", model->name, serial ? serial : model->serial);
  dev->state = model->state_size ? g_malloc0(model->state_size) : NULL;
  dev->options = options ? g_hash_table_ref(options) : NULL;
  if (model->init && !model->init(dev, dev->state, options, error)) {
    dev->model = NULL; /* not initialized: nothing to finalize */
    ll_sim_device_free(dev);
    return NULL;
  }
  return dev;
}

LlSimDevice *
ll_sim_device_open(const char *resource, LlClock *clock, GError **error)
{
  g_autoptr(LlResource) res = ll_resource_parse(resource, NULL, error);
  if (!res)
    return NULL;
  if (res->kind != LL_RESOURCE_SIM) {
    g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_UNKNOWN_MODEL, "'%s' is not a sim: resource",
                resource);
    return NULL;
  }
  LlSimDevice *dev = ll_sim_device_new(res->sim_name, res->sim_options, clock, error);
  if (dev)
    ll_sim_device_set_terminator(dev, res->term);
  return dev;
}

void
ll_sim_device_free(LlSimDevice *dev)
{
  if (!dev)
    return;
  g_queue_clear_full(&dev->replies, reply_free);
  g_queue_clear_full(&dev->errors, queued_error_free);
  g_string_free(dev->input, TRUE);
  if (dev->model && dev->model->finalize)
    dev->model->finalize(dev->state);
  g_free(dev->state);
  g_clear_pointer(&dev->options, g_hash_table_unref);
  g_free(dev->idn);
  g_free(dev->label);
  g_free(dev->last_command);
  g_free(dev->term);
  g_rand_free(dev->rand);
  g_mutex_clear(&dev->lock);
  g_free(dev);
}

const char *
ll_sim_device_idn(LlSimDevice *dev)
{
  return dev->idn;
}

LlClock *
ll_sim_device_get_clock(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  LlClock *clock = dev->clock;
  g_mutex_unlock(&dev->lock);
  return clock;
}

/* Under the lock, as every reader of dev->clock outside a handler takes it
 * (a model calls this from init, never from a handler, which runs locked). */
void
ll_sim_device_set_clock(LlSimDevice *dev, LlClock *clock)
{
  g_mutex_lock(&dev->lock);
  dev->clock = clock;
  g_mutex_unlock(&dev->lock);
}

void
ll_sim_device_set_terminator(LlSimDevice *dev, const char *term)
{
  g_return_if_fail(term != NULL && *term);
  g_mutex_lock(&dev->lock);
  g_free(dev->term);
  dev->term = g_strdup(term);
  g_mutex_unlock(&dev->lock);
}

gint64
ll_sim_device_now(LlSimDevice *dev)
{
  return ll_clock_now(dev->clock);
}

void
ll_sim_device_push_error(LlSimDevice *dev, int code, const char *message)
{
  if (dev->errors.length >= ERROR_QUEUE_MAX) {
    /* IEEE 488.2: the last entry becomes "Queue overflow". */
    QueuedError *last = g_queue_peek_tail(&dev->errors);
    last->code = -350;
    g_free(last->message);
    last->message = g_strdup("Queue overflow");
    return;
  }
  QueuedError *e = g_new0(QueuedError, 1);
  e->code = code;
  e->message = g_strdup(message);
  g_queue_push_tail(&dev->errors, e);
}

void
ll_sim_device_busy(LlSimDevice *dev, gint64 duration_us, LlActivityKind kind)
{
  gint64 start = MAX(dev->busy_until, ll_clock_now(dev->clock));
  dev->busy_until = start + duration_us;
  if (dev->activity && duration_us > 0)
    dev->activity(dev->activity_data, kind, dev->label, start, dev->busy_until);
}

void
ll_sim_device_set_activity(LlSimDevice *dev, LlActivityFunc func, gpointer data)
{
  dev->activity = func;
  dev->activity_data = data;
}

gboolean
ll_sim_arg_double(LlSimDevice *dev, const char *args, double *out)
{
  char *end = NULL;
  double v = g_ascii_strtod(args, &end);
  if (end == args || *end) {
    ll_sim_device_push_error(dev, -104, "Data type error");
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean
ll_sim_parse_bool(const char *args, gboolean *out)
{
  if (g_ascii_strcasecmp(args, "ON") == 0 || g_str_equal(args, "1"))
    *out = TRUE;
  else if (g_ascii_strcasecmp(args, "OFF") == 0 || g_str_equal(args, "0"))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

gboolean
ll_sim_arg_bool(LlSimDevice *dev, const char *args, gboolean *out)
{
  if (ll_sim_parse_bool(args, out))
    return TRUE;
  ll_sim_device_push_error(dev, -224, "Illegal parameter value");
  return FALSE;
}

double
ll_sim_gauss(GRand *rand)
{
  double u1 = g_rand_double_range(rand, 1e-12, 1.0), u2 = g_rand_double(rand);
  return sqrt(-2.0 * log(u1)) * cos(2 * G_PI * u2);
}

/* ---- SCPI header matching ------------------------------------------------ */

typedef struct {
  const char *name; /* pattern node, e.g. "SENSe#" */
  gsize len;
  gboolean optional;
} Node;

#define MAX_NODES 8

/* Splits a canonical pattern (without '?') into nodes. */
static guint
split_pattern(const char *p, const char *end, Node *nodes)
{
  guint n = 0;
  while (p < end && n < MAX_NODES) {
    gboolean optional = *p == '[';
    if (optional)
      p++;
    if (*p == ':')
      p++;
    gsize len = strcspn(p, optional ? "]" : ":[");
    if (p + len > end)
      len = (gsize) (end - p);
    nodes[n++] = (Node) { p, len, optional };
    p += len;
    if (optional && *p == ']')
      p++;
    if (*p == ':')
      p++;
  }
  return n;
}

/* Matches one pattern node ("SENSe#") against one node as sent ("sens2"). */
static gboolean
match_node(const Node *node, const char *h, gsize hlen, guint *suffix_value)
{
  gsize plen = node->len;
  gboolean has_suffix = plen > 0 && node->name[plen - 1] == '#';
  gsize letters = hlen;
  if (has_suffix) {
    plen--;
    while (letters > 0 && g_ascii_isdigit(h[letters - 1]))
      letters--;
    *suffix_value = letters < hlen ? (guint) strtoul(h + letters, NULL, 10) : 1;
  }
  gsize shortlen = 0;
  while (shortlen < plen && !g_ascii_islower(node->name[shortlen]))
    shortlen++;
  if (letters != shortlen && letters != plen)
    return FALSE;
  return g_ascii_strncasecmp(node->name, h, letters) == 0;
}

static gboolean
match_nodes(const Node *nodes, guint np, gchar **hnodes, guint *suffix, guint nsuffix)
{
  if (np == 0)
    return *hnodes == NULL;
  gboolean has_suffix = nodes->len > 0 && nodes->name[nodes->len - 1] == '#';
  guint value = 1;
  if (*hnodes && match_node(nodes, *hnodes, strlen(*hnodes), &value) &&
      match_nodes(nodes + 1, np - 1, hnodes + 1, suffix, nsuffix + has_suffix)) {
    if (has_suffix && suffix && nsuffix < LL_SIM_MAX_SUFFIXES)
      suffix[nsuffix] = value;
    return TRUE;
  }
  return nodes->optional && match_nodes(nodes + 1, np - 1, hnodes, suffix, nsuffix + has_suffix);
}

gboolean
ll_sim_header_match(const char *pattern, const char *header, guint *suffix)
{
  if (suffix)
    for (guint i = 0; i < LL_SIM_MAX_SUFFIXES; i++)
      suffix[i] = 1;
  if (*header == ':')
    header++;
  gboolean pq = g_str_has_suffix(pattern, "?"), hq = g_str_has_suffix(header, "?");
  if (pq != hq || !*header)
    return FALSE;
  Node nodes[MAX_NODES];
  guint np = split_pattern(pattern, pattern + strlen(pattern) - pq, nodes);
  g_autofree gchar *h = g_strndup(header, strlen(header) - hq);
  g_auto(GStrv) hnodes = g_strsplit(h, ":", MAX_NODES + 1);
  return match_nodes(nodes, np, hnodes, suffix, 0);
}

/* ---- execution ----------------------------------------------------------- */

static gboolean
fault_active(LlSimDevice *dev)
{
  return dev->fault != FAULT_NONE && dev->commands > dev->fault_after;
}

static void
queue_reply(LlSimDevice *dev, GString *text)
{
  if (fault_active(dev)) {
    switch (dev->fault) {
    case FAULT_NOREPLY:
      return;
    case FAULT_GARBAGE: {
      gsize n = text->len > 2 ? text->len : 8;
      char end = dev->term[strlen(dev->term) - 1];
      g_string_truncate(text, 0);
      for (gsize i = 0; i < n; i++) {
        char c;
        do
          c = (char) g_rand_int_range(dev->rand, 1, 256);
        while (c == end);
        g_string_append_c(text, c);
      }
      break;
    }
    case FAULT_OVERSIZE:
      g_string_append_c_inline(text, ',');
      while (text->len < OVERSIZE_BYTES)
        g_string_append(text, "9.999999E+99,");
      break;
    default:
      break;
    }
  }
  g_string_append(text, dev->term);
  Reply *r = g_new0(Reply, 1);
  gint64 now = ll_clock_now(dev->clock);
  r->ready_at = MAX(now, dev->busy_until) + dev->delay_us;
  gsize len = text->len;
  r->data = g_bytes_new_take(g_string_free(text, FALSE), len);
  g_queue_push_tail(&dev->replies, r);
}

static void
common_reset(LlSimDevice *dev)
{
  if (dev->model->reset)
    dev->model->reset(dev, dev->state);
}

/* IEEE 488.2 common commands and the error queue. Returns FALSE when @call is
 * not one of them. */
static gboolean
execute_common(LlSimDevice *dev, const LlSimCall *call, GString *reply)
{
  if (ll_sim_header_match("*IDN?", call->header, NULL)) {
    g_string_append(reply, dev->idn);
  } else if (ll_sim_header_match("*RST", call->header, NULL)) {
    common_reset(dev);
  } else if (ll_sim_header_match("*CLS", call->header, NULL)) {
    g_queue_clear_full(&dev->errors, queued_error_free);
  } else if (ll_sim_header_match("*OPC?", call->header, NULL)) {
    g_string_append(reply, "1"); /* queued behind busy_until */
  } else if (ll_sim_header_match("*OPC", call->header, NULL) ||
             ll_sim_header_match("*WAI", call->header, NULL)) {
    /* nothing: replies already wait for the device */
  } else if (ll_sim_header_match("*ESE", call->header, NULL)) {
    /* IEEE 488.2 10.10: 0..255; kept over *RST and *CLS */
    char *end = NULL;
    guint64 v = g_ascii_strtoull(call->args, &end, 10);
    if (!call->args[0])
      ll_sim_device_push_error(dev, -109, "Missing parameter");
    else if (!g_ascii_isdigit(call->args[0]) || *end)
      ll_sim_device_push_error(dev, -104, "Data type error");
    else if (v > 255)
      ll_sim_device_push_error(dev, -222, "Data out of range");
    else
      dev->ese = (guint8) v;
  } else if (ll_sim_header_match("*ESE?", call->header, NULL)) {
    g_string_append_printf(reply, "%u", dev->ese);
  } else if (ll_sim_header_match("*ESR?", call->header, NULL)) {
    g_string_append(reply, dev->errors.length ? "32" : "0");
  } else if (ll_sim_header_match("*STB?", call->header, NULL)) {
    g_string_append(reply, dev->errors.length ? "4" : "0");
  } else if (ll_sim_header_match("SYSTem:ERRor[:NEXT]?", call->header, NULL)) {
    QueuedError *e = g_queue_pop_head(&dev->errors);
    if (e) {
      g_string_append_printf(reply, "%d,\"%s\"", e->code, e->message);
      queued_error_free(e);
    } else {
      g_string_append(reply, "0,\"No error\"");
    }
  } else if (ll_sim_header_match("SYSTem:ERRor:COUNt?", call->header, NULL)) {
    g_string_append_printf(reply, "%u", dev->errors.length);
  } else {
    return FALSE;
  }
  return TRUE;
}

static void
execute_command(LlSimDevice *dev, const char *text)
{
  g_autofree gchar *cmd = g_strstrip(g_strdup(text));
  if (!*cmd)
    return;
  gsize hl = strcspn(cmd, " \t");
  g_autofree gchar *header = g_strndup(cmd, hl);
  LlSimCall call = { .header = header, .args = g_strstrip(cmd + hl), .query = g_str_has_suffix(header, "?") };
  GString *reply = g_string_new(NULL);

  dev->commands++;
  g_free(dev->last_command);
  dev->last_command = g_strdup(cmd);

  gboolean handled = execute_common(dev, &call, reply);
  for (const LlSimCommand *c = dev->model->commands; !handled && c && c->pattern; c++)
    if (ll_sim_header_match(c->pattern, header, call.suffix)) {
      c->handler(dev, dev->state, &call, reply);
      handled = TRUE;
    }
  if (!handled)
    ll_sim_device_push_error(dev, -113, "Undefined header");
  if (fault_active(dev) && dev->fault == FAULT_ERROR)
    ll_sim_device_push_error(dev, -200, "Execution error");
  if (fault_active(dev) && dev->fault == FAULT_VANISH)
    dev->gone = TRUE;

  if (call.query && !dev->gone)
    queue_reply(dev, reply);
  else
    g_string_free(reply, TRUE);
}

static void
execute_line(LlSimDevice *dev, const char *line)
{
  /* Commands separated by ';'; quoted strings may hold ';'. */
  GString *cmd = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (const char *p = line;; p++) {
    if (*p == '"')
      quoted = !quoted;
    if ((*p == ';' && !quoted) || !*p) {
      execute_command(dev, cmd->str);
      g_string_truncate(cmd, 0);
      if (!*p)
        break;
      continue;
    }
    g_string_append_c(cmd, *p);
  }
  g_string_free(cmd, TRUE);
}

void
ll_sim_device_write(LlSimDevice *dev, const guint8 *data, gsize len, gboolean eom)
{
  g_mutex_lock(&dev->lock);
  if (!dev->gone) {
    g_string_append_len(dev->input, (const char *) data, (gssize) len);
    /* a line ends at the terminator's last byte; a CR before an LF goes too */
    char end = dev->term[strlen(dev->term) - 1];
    char *nl;
    while (!dev->gone && (nl = memchr(dev->input->str, end, dev->input->len))) {
      gsize n = (gsize) (nl - dev->input->str);
      g_autofree gchar *line = g_strndup(dev->input->str, n);
      if (end == '\n' && n && line[n - 1] == '\r')
        line[n - 1] = '\0';
      g_string_erase(dev->input, 0, (gssize) n + 1);
      execute_line(dev, line);
    }
    if (eom && dev->input->len && !dev->gone) {
      g_autofree gchar *line = g_strdup(dev->input->str);
      g_string_truncate(dev->input, 0);
      execute_line(dev, line);
    }
  }
  g_mutex_unlock(&dev->lock);
}

gsize
ll_sim_device_read(LlSimDevice *dev, guint8 *buf, gsize max)
{
  gsize n = 0;
  g_mutex_lock(&dev->lock);
  gint64 now = ll_clock_now(dev->clock);
  while (!dev->gone && n < max) {
    Reply *r = g_queue_peek_head(&dev->replies);
    if (!r || r->ready_at > now)
      break;
    gsize avail;
    const guint8 *d = g_bytes_get_data(r->data, &avail);
    gsize take = MIN(avail - r->offset, max - n);
    memcpy(buf + n, d + r->offset, take);
    n += take;
    r->offset += take;
    if (r->offset == avail)
      reply_free(g_queue_pop_head(&dev->replies));
  }
  g_mutex_unlock(&dev->lock);
  return n;
}

gint64
ll_sim_device_ready_at(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  Reply *r = g_queue_peek_head(&dev->replies);
  gint64 t = r && !dev->gone ? r->ready_at : G_MAXINT64;
  g_mutex_unlock(&dev->lock);
  return t;
}

gboolean
ll_sim_device_wait(LlSimDevice *dev, gint64 deadline_us)
{
  for (;;) {
    if (ll_sim_device_is_gone(dev))
      return FALSE;
    LlClock *clock = ll_sim_device_get_clock(dev);
    gint64 ready = ll_sim_device_ready_at(dev);
    gint64 now = ll_clock_now(clock);
    if (ready <= now)
      return TRUE;
    if (now >= deadline_us)
      return FALSE;
    ll_clock_sleep_until(clock, MIN(ready, deadline_us));
  }
}

void
ll_sim_device_clear(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  g_string_truncate(dev->input, 0);
  g_queue_clear_full(&dev->replies, reply_free);
  g_mutex_unlock(&dev->lock);
}

gboolean
ll_sim_device_is_gone(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  gboolean gone = dev->gone;
  g_mutex_unlock(&dev->lock);
  return gone;
}

guint
ll_sim_device_command_count(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  guint n = dev->commands;
  g_mutex_unlock(&dev->lock);
  return n;
}

gchar *
ll_sim_device_last_command(LlSimDevice *dev)
{
  g_mutex_lock(&dev->lock);
  gchar *s = g_strdup(dev->last_command);
  g_mutex_unlock(&dev->lock);
  return s;
}
