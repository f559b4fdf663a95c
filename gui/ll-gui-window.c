/* ll-gui-window.c: see ll-gui-window.h. */
#include "ll-gui-window.h"
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

struct _LlGuiWindow {
  AdwApplicationWindow parent;
  AdwToastOverlay *toasts;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  LlGuiRunner *runner;
  LlGuiOperator *operator;
  gboolean closing;
};

G_DEFINE_FINAL_TYPE(LlGuiWindow, ll_gui_window, ADW_TYPE_APPLICATION_WINDOW)

static void
page_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
  ll_gui_window_show_page(data, g_variant_get_string(param, NULL));
}

static void
focus_serial_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
  LlGuiWindow *self = data;
  ll_gui_window_show_page(self, "operator");
  ll_gui_operator_focus_serial(self->operator);
}

static void
abort_all_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
  LlGuiWindow *self = data;
  ll_gui_window_show_page(self, "operator");
  ll_gui_operator_ask_abort(self->operator, 0);
}

static void
refresh_activated(GSimpleAction *action, GVariant *param, gpointer data)
{
  LlGuiWindow *self = data;
  GtkWidget *page = adw_view_stack_get_visible_child(self->stack);
  if (page)
    gtk_widget_activate_action(page, "page.refresh", NULL);
}

static const GActionEntry win_actions[] = {
  { .name = "page", .activate = page_activated, .parameter_type = "s" },
  { .name = "focus-serial", .activate = focus_serial_activated },
  { .name = "abort-all", .activate = abort_all_activated },
  { .name = "refresh", .activate = refresh_activated },
};

static gboolean
any_busy(LlGuiWindow *self)
{
  for (guint i = 0; i < ll_gui_runner_n_sites(self->runner); i++)
    if (ll_gui_runner_is_busy(self->runner, ll_gui_runner_site_number(self->runner, i)))
      return TRUE;
  return FALSE;
}

static void
on_close_response(AdwMessageDialog *dialog, const char *response, LlGuiWindow *self)
{
  if (g_strcmp0(response, "confirm") != 0)
    return;
  /* every site stops after its step and runs its cleanup */
  ll_gui_runner_shutdown(self->runner);
  self->closing = TRUE;
  gtk_window_close(GTK_WINDOW(self));
}

static gboolean
on_close_request(GtkWindow *window)
{
  LlGuiWindow *self = LL_GUI_WINDOW(window);
  if (self->closing || !self->runner || !any_busy(self))
    return FALSE;
  ll_gui_confirm(window, "Units are under test",
                 "Quitting aborts them: each site stops after its step and powers its module "
                 "down. Test those units again later.",
                 "_Keep Testing", "_Abort and Quit", G_CALLBACK(on_close_response), self, NULL);
  return TRUE;
}

static void
ll_gui_window_dispose(GObject *object)
{
  LlGuiWindow *self = LL_GUI_WINDOW(object);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_WINDOW);
  g_clear_object(&self->runner);
  G_OBJECT_CLASS(ll_gui_window_parent_class)->dispose(object);
}

static void
ll_gui_window_class_init(LlGuiWindowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_window_dispose;
  GTK_WINDOW_CLASS(klass)->close_request = on_close_request;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-window.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiWindow, toasts);
  gtk_widget_class_bind_template_child(wc, LlGuiWindow, switcher_title);
  gtk_widget_class_bind_template_child(wc, LlGuiWindow, stack);
}

static void
ll_gui_window_init(LlGuiWindow *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  g_action_map_add_action_entries(G_ACTION_MAP(self), win_actions, G_N_ELEMENTS(win_actions), self);
}

static void
add_page(LlGuiWindow *self, GtkWidget *page, const char *name, const char *title, const char *icon)
{
  AdwViewStackPage *p = adw_view_stack_add_titled(self->stack, page, name, title);
  adw_view_stack_page_set_icon_name(p, icon);
  adw_view_stack_page_set_use_underline(p, TRUE);
}

LlGuiWindow *
ll_gui_window_new(GtkApplication *app, LlGuiRunner *runner, const LlGuiWindowOptions *o)
{
  LlGuiWindow *self = g_object_new(LL_GUI_TYPE_WINDOW, "application", app, NULL);
  self->runner = g_object_ref(runner);
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  g_autofree gchar *subtitle = g_strdup_printf("%s · %s", c->id,
                                               ll_gui_runner_get_sequence(runner)->product);
  adw_view_switcher_title_set_subtitle(self->switcher_title, subtitle);
  GtkWidget *op = ll_gui_operator_new(runner, o ? o->serial_pattern : NULL);
  self->operator = LL_GUI_OPERATOR(op);
  add_page(self, op, "operator", "_Operator", "media-playback-start-symbolic");
  add_page(self, ll_gui_sequences_new(runner, o ? o->sequence_dirs : NULL), "sequences",
           "_Sequences", "view-list-symbolic");
  add_page(self, ll_gui_instruments_new(runner), "instruments", "_Instruments",
           "applications-engineering-symbolic");
  add_page(self, ll_gui_module_new(runner), "module", "_Module", "drive-harddisk-solidstate-symbolic");
  add_page(self, ll_gui_calibration_new(runner), "calibration", "_Calibration",
           "preferences-system-time-symbolic");
  add_page(self, ll_gui_quality_new(runner), "quality", "_Quality", "x-office-spreadsheet-symbolic");
  adw_view_stack_set_visible_child_name(self->stack, "operator");
  return self;
}

LlGuiRunner *
ll_gui_window_get_runner(LlGuiWindow *self)
{
  return self->runner;
}

LlGuiOperator *
ll_gui_window_get_operator(LlGuiWindow *self)
{
  return self->operator;
}

GtkWidget *
ll_gui_window_get_page(LlGuiWindow *self, const char *name)
{
  return adw_view_stack_get_child_by_name(self->stack, name);
}

void
ll_gui_window_show_page(LlGuiWindow *self, const char *name)
{
  if (adw_view_stack_get_child_by_name(self->stack, name))
    adw_view_stack_set_visible_child_name(self->stack, name);
}

void
ll_gui_window_toast(LlGuiWindow *self, const char *text)
{
  adw_toast_overlay_add_toast(self->toasts, adw_toast_new(text));
}
