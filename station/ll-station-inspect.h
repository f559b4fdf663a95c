/* ll-station-inspect.h: a look at the module in a site that changes
 * nothing a test relies on, so it can be refreshed live next to a running
 * test (the station application's module inspector). It goes through the
 * site's EVB as the station leases it (between a test's steps, never in
 * the middle of one), holds the EVB session across each page select and
 * read, and skips the clear-on-read bytes: the latched module flags (lower
 * page 8-11) and the latched lane flags (page 11h 134-153). It never
 * powers the module: an unpowered module is reported as such. */
#pragma once

#include "cmis/ll-cmis.h"
#include "ll-station.h"

G_BEGIN_DECLS

typedef struct {
  gboolean present;     /* a module is in the fixture (ModPrsL) */
  gboolean powered;     /* the EVB supplies it */
  double supply_v, supply_a; /* what the EVB measures; NAN when unpowered */
  double case_c;        /* fixture case temperature; NAN when unknown */
  /* present and powered: the lower page (bytes 8-11 read as 0), pages
   * 00h, 01h, 02h, and 11h of bank 0 (bytes 134-153 read as 0) */
  LlCmisImage *image;
} LlModuleView;

void ll_module_view_free(LlModuleView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlModuleView, ll_module_view_free)

/* Looks at the module in @site of @station. Blocks while a site's step
 * holds the EVB. NULL with @error when the site does not exist or the EVB
 * or the module does not answer. */
LlModuleView *ll_station_inspect_module(LlStation *station, guint site, GError **error);

G_END_DECLS
