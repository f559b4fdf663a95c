/* bench-sites.c: units per hour as sites are added. 1, 2, 4 and 8 sites
 * share one power meter, attenuator, switch, BERT and scope; each runs the
 * shipped 800G DR8 final test on defect-free simulated units in virtual
 * time, all sites starting a unit together. Printed: units per hour, the
 * fraction of linear scaling, the busiest shared instrument part (a switch
 * section, a meter or BERT channel, a scope) with its utilisation, and the
 * fraction of the bound: linear scaling until the part busiest with one
 * site is busy all the time (target at least 0.8).
 * `bench-sites --trace` also prints the steps of the two-site run. */
#include "ll-engine.h"
#include "ll-station-demo.h"

#include <stdio.h>
#include <string.h>

#define UNITS_PER_SITE 3

static void
trace(const LlEvent *ev, gpointer data)
{
  if (ev->kind != LL_EVENT_STEP_STARTED && ev->kind != LL_EVENT_STEP_FINISHED)
    return;
  printf("%10.3f site %u %s %s lane %u\n", ll_clock_now(ll_station_get_clock(data)) / 1e6, ev->site,
         ev->kind == LL_EVENT_STEP_STARTED ? "start" : "end  ", ev->step->id, ev->lane);
}

int
main(int argc, char **argv)
{
  gboolean tracing = argc > 1 && g_str_equal(argv[1], "--trace");
  printf("Units per hour against sites (shipped 800G-DR8 final test, virtual time, %u units per site)\n\n",
         UNITS_PER_SITE);
  printf("%-6s %-7s %-9s %-9s %-22s %-12s %s\n", "sites", "units", "units/h", "x linear",
         "busiest shared part", "utilisation", "x bound");
  double uph_1 = 0, capacity = 0;
  static const guint counts[] = { 1, 2, 4, 8 };
  for (gsize k = 0; k < G_N_ELEMENTS(counts); k++) {
    guint sites = counts[k];
    LlDemoOptions o;
    ll_demo_options_default(&o);
    o.sites = sites;
    o.defects = "none";
    g_autoptr(GError) err = NULL;
    g_autofree gchar *text = ll_demo_station_text(&o, &err);
    LlStationConfig *cfg = ll_station_config_load_data("bench-station.ini", text, strlen(text), NULL, &err);
    g_assert_no_error(err);
    g_autoptr(LlStation) station = ll_station_open(cfg, &err);
    g_assert_no_error(err);
    g_autofree gchar *seq_path = ll_demo_sequence_path(NULL, o.product);
    g_autoptr(LlSequence) seq = NULL;
    g_autoptr(GPtrArray) tables = NULL;
    g_autoptr(LlDiagList) diags = ll_diag_list_new();
    g_assert(ll_sequence_check_file(seq_path, ll_actions_catalog(), diags, &seq, &tables));
    g_autoptr(LlEngine) engine = ll_engine_new(station, seq, tables);
    if (tracing && sites == 2)
      ll_engine_add_listener(engine, trace, station);
    LlClock *clock = ll_station_get_clock(station);
    gint64 t0 = ll_clock_now(clock);
    guint units = 0, serial = 0;
    for (guint round = 0; round < UNITS_PER_SITE; round++) {
      guint site_list[8];
      gchar *serials[8];
      for (guint i = 0; i < sites; i++) {
        site_list[i] = i + 1;
        serials[i] = g_strdup_printf("LL26B%05u", ++serial);
        ll_station_load_unit(station, i + 1, serials[i]);
      }
      g_autoptr(GPtrArray) r = ll_engine_run_sites(engine, site_list, (const char *const *) serials, sites, NULL);
      for (guint i = 0; i < sites; i++) {
        const LlRunResult *res = r->pdata[i];
        if (res->outcome != LL_OUTCOME_PASS)
          g_printerr("(unit %s: %s%s%s)\n", res->serial, ll_outcome_name(res->outcome),
                     res->bin ? " " : "", res->bin ? res->bin->name : res->message ? res->message : "");
        g_free(serials[i]);
        units++;
      }
    }
    double hours = (ll_clock_now(clock) - t0) / 3.6e9;
    double uph = units / hours;
    if (sites == 1)
      uph_1 = uph;
    g_autofree gchar *busiest = g_strdup("-");
    double util = 0;
    GPtrArray *insts = ll_station_instruments(station);
    for (guint i = 0; i < insts->len; i++) {
      LlInstrument *inst = insts->pdata[i];
      if (ll_instrument_config(inst)->klass == LL_CLASS_EVB)
        continue; /* one per site: not shared */
      guint part = 0;
      double u = ll_instrument_leased_us(inst, &part) / ((double) (ll_clock_now(clock) - t0));
      if (u > util) {
        util = u;
        const char *kind = ll_instrument_part_kind(inst);
        g_free(busiest);
        busiest = *kind ? g_strdup_printf("%s %s %u", ll_instrument_config(inst)->name, kind, part)
                        : g_strdup(ll_instrument_config(inst)->name);
      }
    }
    if (sites == 1)
      capacity = util > 0 ? uph / util : G_MAXDOUBLE;
    double bound = MIN(uph_1 * sites, capacity);
    printf("%-6u %-7u %-9.1f %-9.2f %-22s %-12.0f %.2f\n", sites, units, uph, uph / (uph_1 * sites),
           busiest, 100 * util, uph / bound);
  }
  printf("\nx linear: units/h over sites x the one-site rate.\n"
         "x bound: units/h over the smaller of sites x the one-site rate and %.0f units/h, the rate\n"
         "at which the part busiest with one site would be busy all the time (target >= 0.8).\n",
         capacity);
  return 0;
}
