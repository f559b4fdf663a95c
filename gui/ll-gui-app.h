/* ll-gui-app.h: lightline-station, the application: command-line options,
 * the runner and the window, application actions and keyboard shortcuts.
 *
 *   lightline-station [--config FILE] [--sequence FILE] [options]
 *
 * Without --config it opens the simulated demo station (ll-station-demo.h:
 * --product, --sites, --seed, --defects, --fault), in virtual time unless
 * --realtime. --shift N tests N units through the operator screen as a
 * barcode scanner would and exits, printing each result and a summary;
 * --screenshots DIR writes a PNG of each screen and exits. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LL_GUI_APP_ID "org.lightline.Station"

#define LL_GUI_TYPE_APP (ll_gui_app_get_type())
G_DECLARE_FINAL_TYPE(LlGuiApp, ll_gui_app, LL, GUI_APP, AdwApplication)

LlGuiApp *ll_gui_app_new(void);
/* What the process should exit with once g_application_run() returned:
 * 2 for bad usage or input, the shift's status after --shift, else 0. */
int ll_gui_app_get_status(LlGuiApp *app);

/* Registers the application's resources (templates, CSS, icons); once. */
void ll_gui_register_resources(void);

G_END_DECLS
