/* main.c: lightline-station, the station application (ll-gui-app.h). */
#include "ll-gui-app.h"

int
main(int argc, char **argv)
{
  g_autoptr(LlGuiApp) app = ll_gui_app_new();
  int status = g_application_run(G_APPLICATION(app), argc, argv);
  return status ? status : ll_gui_app_get_status(app);
}
