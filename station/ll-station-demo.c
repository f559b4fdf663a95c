/* ll-station-demo.c: see ll-station-demo.h. */
#include "ll-station-demo.h"
#include "ll-version.h"

#include <string.h>

void
ll_demo_options_default(LlDemoOptions *o)
{
  *o = (LlDemoOptions) { .units = 20, .sites = 2, .product = "800G-DR8", .seed = 1,
                         .defects = "default" };
}

/* Appends the fault options to the resource of @instrument in @text. */
static gboolean
inject_fault(GString *text, const char *spec, GError **error)
{
  g_auto(GStrv) f = g_strsplit(spec, ":", 3);
  if (g_strv_length(f) < 2 || !*f[0] || !*f[1]) {
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "fault '%s' is not INSTRUMENT:KIND[:AFTER], e.g. bert:noreply:200", spec);
    return FALSE;
  }
  g_autofree gchar *group = g_strdup_printf("[instrument %s]\n", f[0]);
  const char *at = strstr(text->str, group);
  const char *res = at ? strstr(at, "resource = ") : NULL;
  const char *eol = res ? strchr(res, '\n') : NULL;
  if (!eol) {
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "fault '%s': the demo station has no instrument '%s' (it has meter, voa, switch, "
                "bert, scope, evb1...)", spec, f[0]);
    return FALSE;
  }
  g_autofree gchar *opts = g_strdup_printf("&fault=%s&after=%s&timeout=1000", f[1], f[2] ? f[2] : "0");
  g_string_insert(text, eol - text->str, opts);
  return TRUE;
}

gchar *
ll_demo_station_text(const LlDemoOptions *o, GError **error)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
    "# A simulated final-test station: %u sites sharing one meter, attenuator,\n"
    "# switch, BERT and scope.\n"
    "[station]\nid = ST-DEMO\nline = DEMO\ndescription = simulated shift\n",
    o->sites);
  if (o->golden_references)
    g_string_append_printf(s, "path-loss-expiry-h = 12\ngolden-references = %s\n",
                           o->golden_references);
  g_string_append_printf(s,
    "\n[simulation]\nbench = demo\nsites = %u\nproduct = %s\nseed = %" G_GUINT64_FORMAT "\n"
    "defects = %s\nrealtime = %s\n\n",
    o->sites, o->product, o->seed, o->defects, o->realtime ? "yes" : "no");
  g_string_append(s,
    "[instrument meter]\nclass = power-meter\ndriver = keysight-n774x\n"
    "resource = sim:n774x?bench=demo&ports=tx,rx&serial=MY55120001\n"
    "cal-due = 2099-12-31\ncal-cert = SIM-PM-0001\n\n"
    "[instrument voa]\nclass = attenuator\ndriver = keysight-n776x\n"
    "resource = sim:n776x?bench=demo&serial=MY55130001\ncal-due = 2099-12-31\ncal-cert = SIM-VOA-0001\n\n"
    "[instrument switch]\nclass = optical-switch\ndriver = scpi-switch\n"
    "resource = sim:switch?bench=demo&serial=SW-0001\n\n"
    "[instrument bert]\nclass = bert\ndriver = anritsu-mp1900\n"
    "resource = sim:mp1900?bench=demo&serial=6201234567\ncal-due = 2099-12-31\ncal-cert = SIM-BERT-0001\n\n"
    "[instrument scope]\nclass = scope\ndriver = keysight-flexdca\n"
    "resource = sim:flexdca?bench=demo&serial=MY60010001\ncal-due = 2099-12-31\ncal-cert = SIM-DCA-0001\n\n");
  for (guint i = 1; i <= o->sites; i++)
    g_string_append_printf(s,
      "[instrument evb%u]\nclass = evb\ndriver = lightline-evb\n"
      "resource = sim:evb?bench=demo&site=%u&serial=EVB-%04u\n\n"
      "[site %u]\nevb = evb%u\nfixture = FX-%04u\n\n", i, i, i, i, i, i);
  if (o->fault && !inject_fault(s, o->fault, error)) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

gchar *
ll_demo_sequence_path(const char *dir, const char *product)
{
  if (!dir)
    dir = g_file_test(LL_SOURCE_SEQUENCES_DIR, G_FILE_TEST_IS_DIR) ? LL_SOURCE_SEQUENCES_DIR
                                                                    : LL_INSTALLED_SEQUENCES_DIR;
  g_autofree gchar *lower = g_ascii_strdown(product, -1);
  g_autofree gchar *name = g_strdup_printf("final-%s.yaml", lower);
  return g_build_filename(dir, name, NULL);
}

void
ll_station_load_unit(LlStation *station, guint site, const char *serial)
{
  LlBench *bench = ll_station_bench(station);
  if (bench)
    ll_bench_insert(bench, site, serial);
}
