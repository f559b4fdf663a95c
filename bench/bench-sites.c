/* bench-sites.c: units per hour as sites are added. 1, 2, 4 and 8 sites
 * share one power meter, attenuator, switch, BERT and scope; each runs the
 * shipped 800G DR8 final test on defect-free simulated units in virtual
 * time. Printed: units per hour, the fraction of linear scaling (target at
 * least 0.8 until a shared instrument saturates), and the busiest shared
 * instrument with its utilisation (the one that saturates). */
#include "ll-engine.h"
#include "ll-station-demo.h"

#include <stdio.h>
#include <string.h>

#define UNITS_PER_SITE 3

int
main(void)
{
  printf("Units per hour against sites (shipped 800G-DR8 final test, virtual time, %u units per site)\n\n",
         UNITS_PER_SITE);
  printf("%-6s %-8s %-12s %-14s %-18s %s\n", "sites", "units", "units/h", "x linear", "busiest shared",
         "utilisation");
  double uph_1 = 0;
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
    const char *busiest = "-";
    double util = 0;
    GPtrArray *insts = ll_station_instruments(station);
    for (guint i = 0; i < insts->len; i++) {
      LlInstrument *inst = insts->pdata[i];
      if (ll_instrument_config(inst)->klass == LL_CLASS_EVB)
        continue; /* one per site: not shared */
      double u = ll_instrument_leased_us(inst) / ((double) (ll_clock_now(clock) - t0));
      if (u > util) {
        util = u;
        busiest = ll_instrument_config(inst)->name;
      }
    }
    printf("%-6u %-8u %-12.1f %-14.2f %-18s %.0f %%\n", sites, units, uph, uph / (uph_1 * sites),
           busiest, 100 * util);
  }
  printf("\n(x linear: units/h divided by sites x the one-site rate; target >= 0.8 until the busiest\n"
         " shared instrument nears 100 %% utilisation)\n");
  return 0;
}
