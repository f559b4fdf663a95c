/* ll-sim-models.c: the table of simulator models reachable as sim:NAME, and
 * the generic SCPI instrument "scpi" that exercises the instrument layer: a
 * settable source and its measurement, an echo, and definite-length binary
 * blocks. The instrument classes of the simulated bench add their models here. */
#include "ll-sim-model.h"
#include "ll-sim-optical.h"

#include <string.h>

/* ---- "scpi": a small generic SCPI instrument ----------------------------- */

typedef struct {
  double volts;
} ScpiState;

static void
scpi_reset(LlSimDevice *dev, gpointer state)
{
  ScpiState *s = state;
  s->volts = 1.25;
}

static gboolean
scpi_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  scpi_reset(dev, state);
  return TRUE;
}

static void
scpi_source(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  ScpiState *s = state;
  double v;
  if (call->query)
    g_string_append_printf(reply, "%+.6E", s->volts);
  else if (ll_sim_arg_double(dev, call->args, &v)) {
    if (v < -100 || v > 100)
      ll_sim_device_push_error(dev, -222, "Data out of range");
    else
      s->volts = v;
  }
}

static void
scpi_measure(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  ScpiState *s = state;
  ll_sim_device_busy(dev, 20 * 1000, LL_ACTIVITY_OTHER); /* a 20 ms integration */
  g_string_append_printf(reply, "%+.6E", s->volts);
}

static void
scpi_echo(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  g_string_append(reply, call->args);
}

static void
scpi_block(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  guint64 n = g_ascii_strtoull(call->args, NULL, 10);
  if (!g_ascii_isdigit(call->args[0]) || n > 16 * 1024 * 1024) {
    ll_sim_device_push_error(dev, -222, "Data out of range");
    n = 0;
  }
  g_autofree gchar *len = g_strdup_printf("%" G_GUINT64_FORMAT, n);
  g_string_append_printf(reply, "#%zu%s", strlen(len), len);
  for (guint64 i = 0; i < n; i++)
    g_string_append_c(reply, (char) (i * 7 + 3)); /* every byte value, '\n' included */
}

static void
scpi_busy(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  double ms;
  if (ll_sim_arg_double(dev, call->args, &ms))
    ll_sim_device_busy(dev, (gint64) (ms * 1000), LL_ACTIVITY_OTHER);
}

static const LlSimCommand scpi_commands[] = {
  { "SOURce:VOLTage", scpi_source },
  { "SOURce:VOLTage?", scpi_source },
  { "MEASure:VOLTage[:DC]?", scpi_measure },
  { "TEST:ECHO?", scpi_echo },
  { "TEST:BLOCk?", scpi_block },
  { "TEST:BUSY", scpi_busy },
  { NULL, NULL },
};

static const LlSimModel scpi_model = {
  .name = "scpi",
  .maker = "Lightline",
  .model = "SIM-SCPI",
  .firmware = "1.0",
  .serial = "SIM0001",
  .state_size = sizeof(ScpiState),
  .init = scpi_init,
  .reset = scpi_reset,
  .commands = scpi_commands,
};

/* ---- the table ----------------------------------------------------------- */

extern const LlSimModel ll_sim_model_evb;
extern const LlSimModel ll_sim_model_mp1900;  /* ll-sim-bert.c */
extern const LlSimModel ll_sim_model_flexdca; /* ll-sim-scope.c */

static const LlSimModel *const models[] = {
  &scpi_model,
  &ll_sim_model_pm100,
  &ll_sim_model_n774x,
  &ll_sim_model_n776x,
  &ll_sim_model_switch,
  &ll_sim_model_evb,
  &ll_sim_model_mp1900,
  &ll_sim_model_flexdca,
};

const LlSimModel *
ll_sim_model_lookup(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(models); i++)
    if (g_str_equal(models[i]->name, name))
      return models[i];
  return NULL;
}

gchar *
ll_sim_model_names(void)
{
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(models); i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", models[i]->name);
  return g_string_free(s, FALSE);
}
