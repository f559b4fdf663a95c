/* ll-station-module.c: see ll-station-module.h. */
#include "ll-station-module.h"
#include "drivers/ll-module.h"

LlEvb *
ll_station_open_evb(const LlStationConfig *config, guint site, GError **error)
{
  const LlSiteConfig *sc = ll_station_config_site(config, site);
  if (!sc) {
    g_autoptr(GString) have = g_string_new(NULL);
    for (guint i = 0; i < config->sites->len; i++)
      g_string_append_printf(have, "%s%u", i ? ", " : "",
                             ((LlSiteConfig *) config->sites->pdata[i])->number);
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "%s has no [site %u] (its sites: %s)", config->path, site,
                have->len ? have->str : "none; add [site 1] with evb = NAME");
    return NULL;
  }
  const LlInstrumentConfig *ic = ll_station_config_find(config, sc->evb);
  GError *err = NULL;
  LlEvb *evb = ll_evb_open(ic->driver->name, ic->resource, &err);
  if (!evb)
    g_propagate_prefixed_error(error, err, "site %u, EVB %s: ", site, ic->name);
  return evb;
}

LlCmisImage *
ll_station_read_module(const LlStationConfig *config, guint site, LlClock *clock, GError **error)
{
  g_autoptr(LlEvb) evb = ll_station_open_evb(config, site, error);
  if (!evb)
    return NULL;
  gboolean powered = FALSE;
  GError *err = NULL;
  if (!ll_evb_get_power(evb, &powered, &err) ||
      (!powered && !ll_module_power_on_low_power(evb, clock, &err))) {
    g_propagate_prefixed_error(error, err, "site %u: ", site);
    if (!powered)
      ll_evb_set_power(evb, FALSE, NULL);
    return NULL;
  }
  LlCmisImage *img = ll_module_read_image(evb, &err);
  if (!powered) {
    g_autoptr(GError) off = NULL;
    ll_evb_set_power(evb, FALSE, &off);
  }
  if (!img)
    g_propagate_prefixed_error(error, err, "site %u: reading the module: ", site);
  return img;
}
