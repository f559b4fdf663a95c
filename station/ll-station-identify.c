/* ll-station-identify.c: see ll-station-identify.h. One thread per
 * instrument: each opens its own session, asks *IDN?, closes. */
#include "ll-station-identify.h"

static void
result_free(gpointer p)
{
  LlIdentifyResult *r = p;
  ll_idn_clear(&r->idn);
  g_clear_error(&r->error);
  g_free(r);
}

static gpointer
identify_one(gpointer data)
{
  LlIdentifyResult *r = data;
  g_autoptr(LlScpi) scpi = ll_scpi_open(r->instrument->resource, &r->error);
  if (scpi)
    ll_scpi_idn(scpi, &r->idn, &r->error);
  return NULL;
}

GPtrArray *
ll_station_identify(const LlStationConfig *config, const char *only, GError **error)
{
  if (only && !ll_station_config_find(config, only)) {
    g_autoptr(GString) names = g_string_new(NULL);
    for (guint i = 0; i < config->instruments->len; i++)
      g_string_append_printf(names, "%s%s", i ? ", " : "",
                             ((LlInstrumentConfig *) config->instruments->pdata[i])->name);
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID,
                "%s has no instrument named '%s' (it has: %s)", config->path, only, names->str);
    return NULL;
  }
  GPtrArray *results = g_ptr_array_new_with_free_func(result_free);
  g_autoptr(GPtrArray) threads = g_ptr_array_new();
  for (guint i = 0; i < config->instruments->len; i++) {
    const LlInstrumentConfig *ic = config->instruments->pdata[i];
    if (only && !g_str_equal(only, ic->name))
      continue;
    LlIdentifyResult *r = g_new0(LlIdentifyResult, 1);
    r->instrument = ic;
    g_ptr_array_add(results, r);
    g_ptr_array_add(threads, g_thread_new("identify", identify_one, r));
  }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join(threads->pdata[i]);
  return results;
}
