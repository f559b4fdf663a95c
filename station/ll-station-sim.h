/* ll-station-sim.h: a station whose instruments are simulated. When the
 * station file has a [simulation] group, its sim: instruments share one
 * simulated bench, which this creates (sites, product, seed, defect mix,
 * virtual or real time), loads with the modules the file names, and
 * publishes under its name for the simulators to find. */
#pragma once

#include "ll-station-config.h"
#include "sim/ll-bench.h"

G_BEGIN_DECLS

/* Creates and publishes the bench of @config's [simulation]. Returns a new
 * reference, or NULL without error when the file has no [simulation]. */
LlBench *ll_station_simulation_start(const LlStationConfig *config, GError **error);

/* The clock instruments of @config run on: the bench's, or the system's. */
LlClock *ll_station_clock(LlBench *bench);

G_END_DECLS
