/* ll-station-module.h: the module in a site of a station, reached through
 * the site's EVB. Used by `lightline module read` and the station
 * application's module inspector. */
#pragma once

#include "cmis/ll-cmis.h"
#include "drivers/ll-evb.h"
#include "ll-clock.h"
#include "ll-station-config.h"

G_BEGIN_DECLS

/* Opens the EVB that serves @site of @config. */
LlEvb *ll_station_open_evb(const LlStationConfig *config, guint site, GError **error);

/* Reads the memory of the module in @site (lower page, 00h, 01h, 02h, 10h,
 * 11h, and 13h/14h when advertised). A module found unpowered is powered in
 * low-power mode for the read and switched off again afterwards; a powered
 * one is read as it is. Waits on @clock. */
LlCmisImage *ll_station_read_module(const LlStationConfig *config, guint site, LlClock *clock,
                                    GError **error);

G_END_DECLS
