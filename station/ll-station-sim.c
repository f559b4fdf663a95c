/* ll-station-sim.c: see ll-station-sim.h. */
#include "ll-station-sim.h"

LlBench *
ll_station_simulation_start(const LlStationConfig *config, GError **error)
{
  const LlSimulationConfig *sim = config->simulation;
  if (!sim)
    return NULL;
  LlBenchConfig bc;
  ll_bench_config_default(&bc);
  bc.sites = sim->sites;
  bc.product = ll_product_lookup(sim->product);
  bc.seed = sim->seed;
  bc.realtime = sim->realtime;
  if (!ll_defect_mix_parse(sim->defects, &bc.mix, error))
    return NULL; /* checked when the file was loaded; kept for safety */
  LlBench *bench = ll_bench_new(&bc);
  for (guint i = 0; sim->modules && sim->modules[i]; i++)
    if (*sim->modules[i])
      ll_bench_insert(bench, i + 1, sim->modules[i]);
  ll_bench_publish(sim->bench, bench);
  return bench;
}

LlClock *
ll_station_clock(LlBench *bench)
{
  return bench ? ll_bench_clock(bench) : ll_clock_system();
}
