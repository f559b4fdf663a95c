/* ll-station-identify.h: asks each configured instrument who it is (*IDN?),
 * all of them at once, so one dead instrument costs one timeout, not one per
 * instrument. Used by `lightline instruments idn` and the station
 * application's instruments screen. */
#pragma once

#include "ll-scpi.h"
#include "ll-station-config.h"

G_BEGIN_DECLS

typedef struct {
  const LlInstrumentConfig *instrument; /* borrowed from the config */
  LlIdn idn;                            /* filled when error is NULL */
  GError *error;                        /* why it did not answer, or NULL */
} LlIdentifyResult;

/* Identifies every instrument of @config, or only the one named @only (may
 * be NULL). Returns an array of LlIdentifyResult* in the config's order;
 * NULL with @error set when @only names no instrument. */
GPtrArray *ll_station_identify(const LlStationConfig *config, const char *only, GError **error);

G_END_DECLS
