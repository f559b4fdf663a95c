/* ll-sim-evb.c: the "evb" simulator: a module evaluation board speaking the
 * Lightline EVB protocol (docs/evb-protocol.md) in front of the module twin
 * that the bench has in its site. Options: bench=NAME (default "default"),
 * site=N (default 1), head=yes|no (a thermal head: default no).
 *
 * What the board drives (supply on/off and voltage, ResetL, LPMode, ModSelL,
 * the thermal setpoint) is the board's, not a session's: it lives in the
 * bench's site (LlFixtureOutputs), so opening another session on the site
 * (a module inspector next to a running test, a reconnect) finds the module
 * as it was and leaves it so. Only *RST, and the bench's creation (power-on),
 * set the defaults of docs/evb-protocol.md; with a thermal head, *RST also
 * brings the head back to the default setpoint. */
#include "ll-bench.h"
#include "ll-sim-model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  LlBench *bench;
  guint site;
  gboolean head;
} Evb;

static LlModuleSim *
module(Evb *e)
{
  return ll_bench_module(e->bench, e->site);
}

/* The board's outputs (bench lock held; the site was checked at init). */
static LlFixtureOutputs *
outputs(Evb *e)
{
  return ll_bench_fixture_outputs(e->bench, e->site);
}

static void
evb_reset(LlSimDevice *dev, gpointer state)
{
  Evb *e = state;
  ll_bench_lock(e->bench);
  LlFixtureOutputs *o = outputs(e);
  double setpoint = o->setpoint_c;
  ll_fixture_outputs_default(o);
  ll_bench_fixture_apply(e->bench, e->site);
  if (e->head && o->setpoint_c != setpoint) {
    /* the head settles as after TEMPerature:SETPoint */
    ll_sim_device_busy(dev, (gint64) (fabs(o->setpoint_c - setpoint) * 2.0e6), LL_ACTIVITY_THERMAL);
    ll_bench_set_case_temperature(e->bench, e->site, o->setpoint_c);
  }
  ll_bench_unlock(e->bench);
}

static gboolean
evb_init(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error)
{
  Evb *e = state;
  const char *bench = options ? g_hash_table_lookup(options, "bench") : NULL;
  const char *site = options ? g_hash_table_lookup(options, "site") : NULL;
  const char *head = options ? g_hash_table_lookup(options, "head") : NULL;
  if (head && !g_str_equal(head, "yes") && !g_str_equal(head, "no")) {
    g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION, "evb: head=%s is not yes or no", head);
    return FALSE;
  }
  e->bench = ll_bench_attach(dev, options, error);
  if (!e->bench)
    return FALSE;
  e->site = site ? (guint) strtoul(site, NULL, 10) : 1;
  if (e->site < 1 || e->site > ll_bench_config(e->bench)->sites) {
    g_set_error(error, LL_SIM_ERROR, LL_SIM_ERROR_OPTION, "evb: site=%s is not a site of bench %s "
                "(it has %u)", site, bench ? bench : "default", ll_bench_config(e->bench)->sites);
    g_clear_pointer(&e->bench, ll_bench_unref); /* finalize does not run after a failed init */
    return FALSE;
  }
  e->head = head && g_str_equal(head, "yes");
  /* connecting does not reset the board: its outputs stay as they are */
  return TRUE;
}

static void
evb_finalize(gpointer state)
{
  Evb *e = state;
  ll_bench_unref(e->bench);
}

static void
protocol(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  g_string_append(reply, "LLEVB,1.0");
}

/* Parses "a,b,c" integers into @v (at most @n); returns how many. */
static guint
int_args(const char *args, guint n, long *v)
{
  g_auto(GStrv) f = g_strsplit(args, ",", (gint) n + 1);
  guint i;
  for (i = 0; f[i] && i < n; i++) {
    char *end;
    v[i] = strtol(g_strstrip(f[i]), &end, 10);
    if (end == f[i] || *end)
      return i;
  }
  return f[i] ? 0 : i;
}

/* Checks the module can be talked to; pushes the reason if not. */
static gboolean
twi_ready(LlSimDevice *dev, Evb *e)
{
  if (!module(e)) {
    ll_sim_device_push_error(dev, 202, "No module");
    return FALSE;
  }
  if (!outputs(e)->power) {
    ll_sim_device_push_error(dev, 203, "Module not powered");
    return FALSE;
  }
  return TRUE;
}

static void
twi_read(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  long v[3];
  if (int_args(call->args, 3, v) != 3 || v[0] < 0 || v[0] > 127 || v[1] < 0 || v[1] > 255 ||
      v[2] < 1 || v[2] > 256) {
    ll_sim_device_push_error(dev, -222, "Data out of range");
    return;
  }
  ll_sim_device_busy(dev, 300 + 25 * v[2], LL_ACTIVITY_EVB_TWI);
  ll_bench_lock(e->bench);
  guint8 buf[256];
  gboolean ok = twi_ready(dev, e) && !outputs(e)->modsell &&
                ll_module_sim_twi_read(module(e), (guint8) v[0], (guint8) v[1], buf, (gsize) v[2]);
  ll_bench_unlock(e->bench);
  if (!ok) {
    ll_sim_device_push_error(dev, 201, "TWI NACK");
    return;
  }
  for (long i = 0; i < v[2]; i++)
    g_string_append_printf(reply, "%02X", buf[i]);
}

static void
twi_write(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  g_auto(GStrv) f = g_strsplit(call->args, ",", 3);
  long addr = -1, offset = -1;
  guint8 data[256];
  gsize n = 0;
  if (g_strv_length(f) == 3) {
    char *end;
    addr = strtol(g_strstrip(f[0]), &end, 10);
    if (*end)
      addr = -1;
    offset = strtol(g_strstrip(f[1]), &end, 10);
    if (*end)
      offset = -1;
    const char *hex = g_strstrip(f[2]);
    gsize len = strlen(hex);
    if (len == 0 || len % 2 || len / 2 > sizeof data)
      addr = -1;
    for (gsize i = 0; addr >= 0 && i < len; i += 2) {
      int hi = g_ascii_xdigit_value(hex[i]), lo = g_ascii_xdigit_value(hex[i + 1]);
      if (hi < 0 || lo < 0)
        addr = -1;
      else
        data[n++] = (guint8) (hi << 4 | lo);
    }
  }
  if (addr < 0 || addr > 127 || offset < 0 || offset > 255) {
    ll_sim_device_push_error(dev, -222, "Data out of range");
    return;
  }
  ll_sim_device_busy(dev, 300 + 25 * (gint64) n, LL_ACTIVITY_EVB_TWI);
  ll_bench_lock(e->bench);
  gboolean ok = twi_ready(dev, e) && !outputs(e)->modsell &&
                ll_module_sim_twi_write(module(e), (guint8) addr, (guint8) offset, data, n);
  ll_bench_unlock(e->bench);
  if (!ok)
    ll_sim_device_push_error(dev, 201, "TWI NACK");
}

/* Queries or sets the boolean output at @offset in LlFixtureOutputs; a
 * change drives the module and keeps the board busy for @settle_us. */
static void
set_or_get_bool(LlSimDevice *dev, Evb *e, gsize offset, const LlSimCall *call, GString *reply,
                gint64 settle_us)
{
  gboolean value = FALSE;
  if (!call->query && !ll_sim_parse_bool(call->args, &value)) {
    ll_sim_device_push_error(dev, -104, "Data type error");
    return;
  }
  ll_bench_lock(e->bench);
  gboolean *field = G_STRUCT_MEMBER_P(outputs(e), offset);
  if (call->query) {
    g_string_append(reply, *field ? "1" : "0");
  } else {
    *field = value;
    ll_bench_fixture_apply(e->bench, e->site);
    ll_sim_device_busy(dev, settle_us, LL_ACTIVITY_EVB);
  }
  ll_bench_unlock(e->bench);
}

static void
power(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  set_or_get_bool(dev, state, G_STRUCT_OFFSET(LlFixtureOutputs, power), call, reply, 10000);
}

static void
pin_resetl(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  set_or_get_bool(dev, state, G_STRUCT_OFFSET(LlFixtureOutputs, resetl), call, reply, 100);
}

static void
pin_lpmode(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  set_or_get_bool(dev, state, G_STRUCT_OFFSET(LlFixtureOutputs, lpmode), call, reply, 100);
}

static void
pin_modsell(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  set_or_get_bool(dev, state, G_STRUCT_OFFSET(LlFixtureOutputs, modsell), call, reply, 100);
}

static void
voltage(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  double v = 0;
  if (!call->query) {
    if (!ll_sim_arg_double(dev, call->args, &v))
      return;
    if (v < 3.0 || v > 3.6) {
      ll_sim_device_push_error(dev, -222, "Data out of range");
      return;
    }
  }
  ll_bench_lock(e->bench);
  if (call->query) {
    g_string_append_printf(reply, "%.4f", outputs(e)->volts);
  } else {
    outputs(e)->volts = v;
    ll_bench_fixture_apply(e->bench, e->site);
  }
  ll_bench_unlock(e->bench);
}

static void
measure_voltage(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  ll_sim_device_busy(dev, 2000, LL_ACTIVITY_EVB);
  ll_bench_lock(e->bench);
  LlModuleSim *m = module(e);
  const LlFixtureOutputs *o = outputs(e);
  double i = m ? ll_module_sim_current_a(m) : 0;
  double v = o->power ? o->volts - 0.012 * i + ll_bench_site_noise(e->bench, e->site, 0.0005) : 0.0;
  ll_bench_unlock(e->bench);
  g_string_append_printf(reply, "%.4f", v);
}

static void
measure_current(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  ll_sim_device_busy(dev, 2000, LL_ACTIVITY_EVB);
  ll_bench_lock(e->bench);
  LlModuleSim *m = module(e);
  double i = m && outputs(e)->power ? ll_module_sim_current_a(m) * (1 + ll_bench_site_noise(e->bench, e->site, 0.002)) : 0;
  ll_bench_unlock(e->bench);
  g_string_append_printf(reply, "%.4f", MAX(0.0, i));
}

static void
pin_modprsl(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  ll_bench_lock(e->bench);
  g_string_append(reply, module(e) ? "0" : "1");
  ll_bench_unlock(e->bench);
}

static void
pin_intl(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  ll_bench_lock(e->bench);
  LlModuleSim *m = module(e);
  g_string_append(reply, m && !ll_module_sim_intl(m) ? "0" : "1");
  ll_bench_unlock(e->bench);
}

static void
temperature_case(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  ll_bench_lock(e->bench);
  LlModuleSim *m = module(e);
  double c = m ? ll_module_sim_case_temperature(m)
               : e->head ? outputs(e)->setpoint_c : ll_bench_config(e->bench)->ambient_c;
  c += ll_bench_site_noise(e->bench, e->site, 0.05);
  ll_bench_unlock(e->bench);
  g_string_append_printf(reply, "%.2f", c);
}

static void
temperature_setpoint(LlSimDevice *dev, gpointer state, const LlSimCall *call, GString *reply)
{
  Evb *e = state;
  double c;
  if (call->query) {
    ll_bench_lock(e->bench);
    g_string_append_printf(reply, "%.2f", outputs(e)->setpoint_c);
    ll_bench_unlock(e->bench);
    return;
  }
  if (!e->head) {
    ll_sim_device_push_error(dev, 204, "No thermal head");
    return;
  }
  if (!ll_sim_arg_double(dev, call->args, &c))
    return;
  if (c < -10 || c > 90) {
    ll_sim_device_push_error(dev, -222, "Data out of range");
    return;
  }
  ll_bench_lock(e->bench);
  LlFixtureOutputs *o = outputs(e);
  /* the head takes 2 s per degree to settle; modelled as busy time */
  ll_sim_device_busy(dev, (gint64) (fabs(c - o->setpoint_c) * 2.0e6), LL_ACTIVITY_THERMAL);
  o->setpoint_c = c;
  ll_bench_set_case_temperature(e->bench, e->site, c);
  ll_bench_unlock(e->bench);
}

static const LlSimCommand evb_commands[] = {
  { "SYSTem:PROTocol?", protocol },
  { "TWI:READ?", twi_read },
  { "TWI:WRITE", twi_write },
  { "POWer[:STATe]", power },
  { "POWer[:STATe]?", power },
  { "POWer:VOLTage", voltage },
  { "POWer:VOLTage?", voltage },
  { "MEASure:VOLTage?", measure_voltage },
  { "MEASure:CURRent?", measure_current },
  { "PIN:RESETL", pin_resetl },
  { "PIN:RESETL?", pin_resetl },
  { "PIN:LPMODE", pin_lpmode },
  { "PIN:LPMODE?", pin_lpmode },
  { "PIN:MODSELL", pin_modsell },
  { "PIN:MODSELL?", pin_modsell },
  { "PIN:MODPRSL?", pin_modprsl },
  { "PIN:INTL?", pin_intl },
  { "TEMPerature:CASE?", temperature_case },
  { "TEMPerature:SETPoint", temperature_setpoint },
  { "TEMPerature:SETPoint?", temperature_setpoint },
  { NULL, NULL },
};

static const char *const evb_options[] = { "bench", "site", "head", NULL };

const LlSimModel ll_sim_model_evb = {
  .name = "evb",
  .maker = "Lightline",
  .model = "EVB-OSFP-1",
  .firmware = "1.0.4",
  .serial = "EVB-0001",
  .state_size = sizeof(Evb),
  .options = evb_options,
  .init = evb_init,
  .reset = evb_reset,
  .finalize = evb_finalize,
  .commands = evb_commands,
};
