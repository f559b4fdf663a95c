/* ll-gui-calibration.c: the Calibration screen (ll-gui-pages.h): each
 * instrument's calibration state on today's date, with its certificate and
 * what to do, and a row per site for its path-loss calibration (the guided
 * path-loss flow and its history belong here when the station has them). */
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

#include <adwaita.h>

#define LL_GUI_TYPE_CALIBRATION_PAGE (ll_gui_calibration_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiCalibrationPage, ll_gui_calibration_page, LL, GUI_CALIBRATION_PAGE, GtkBox)

struct _LlGuiCalibrationPage {
  GtkBox parent;
  AdwPreferencesGroup *instruments_group, *paths_group;
  LlGuiRunner *runner;
  GPtrArray *rows; /* of GtkWidget*, in the instruments group */
};

G_DEFINE_FINAL_TYPE(LlGuiCalibrationPage, ll_gui_calibration_page, GTK_TYPE_BOX)

static void
fill(LlGuiCalibrationPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove(self->instruments_group, self->rows->pdata[i]);
  g_ptr_array_set_size(self->rows, 0);
  GDate today;
  ll_gui_today(&today);
  const LlStationConfig *c = ll_gui_runner_get_config(self->runner);
  for (guint i = 0; i < c->instruments->len; i++) {
    const LlInstrumentConfig *ic = c->instruments->pdata[i];
    LlGuiCalState state = ll_gui_calibration_state(ic, &today, NULL);
    g_autofree gchar *text = ll_gui_calibration_text(ic, &today);
    g_autofree gchar *sub = ic->cal_cert ? g_strdup_printf("%s · certificate %s", text, ic->cal_cert)
                                         : g_strdup(text);
    g_autofree gchar *title = g_strdup_printf("%s (%s)", ic->name, ll_instrument_class_name(ic->klass));
    GtkWidget *row = ll_gui_plain_row(title, sub);
    const char *icon = state == LL_GUI_CAL_EXPIRED || state == LL_GUI_CAL_MISSING ? "dialog-error-symbolic"
                       : state == LL_GUI_CAL_DUE_SOON                            ? "dialog-warning-symbolic"
                       : state == LL_GUI_CAL_VALID                               ? "emblem-ok-symbolic"
                                                                                 : "list-remove-symbolic";
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name(icon));
    g_autofree gchar *name = g_strdup_printf("calibration-%s", ic->name);
    gtk_widget_set_name(row, name);
    adw_preferences_group_add(self->instruments_group, row);
    g_ptr_array_add(self->rows, row);
  }
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  fill(LL_GUI_CALIBRATION_PAGE(widget));
}

static void
ll_gui_calibration_page_dispose(GObject *object)
{
  LlGuiCalibrationPage *self = LL_GUI_CALIBRATION_PAGE(object);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_CALIBRATION_PAGE);
  G_OBJECT_CLASS(ll_gui_calibration_page_parent_class)->dispose(object);
}

static void
ll_gui_calibration_page_class_init(LlGuiCalibrationPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_calibration_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-calibration.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, instruments_group);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, paths_group);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
}

static void
ll_gui_calibration_page_init(LlGuiCalibrationPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->rows = g_ptr_array_new();
}

GtkWidget *
ll_gui_calibration_new(LlGuiRunner *runner)
{
  LlGuiCalibrationPage *self = g_object_new(LL_GUI_TYPE_CALIBRATION_PAGE, NULL);
  self->runner = g_object_ref(runner);
  fill(self);
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  for (guint i = 0; i < ll_gui_runner_n_sites(runner); i++) {
    guint n = ll_gui_runner_site_number(runner, i);
    const LlSiteConfig *sc = ll_station_config_site(c, n);
    g_autofree gchar *title = g_strdup_printf("Site %u%s%s", n, sc && sc->fixture ? " · " : "",
                                              sc && sc->fixture ? sc->fixture : "");
    adw_preferences_group_add(self->paths_group, ll_gui_plain_row(title, "not shown in this version"));
  }
  return GTK_WIDGET(self);
}
