/* ll-gui-widgets.c: see ll-gui-widgets.h. */
#include "ll-gui-widgets.h"

GtkWidget *
ll_gui_confirm(GtkWindow *parent, const char *heading, const char *body, const char *keep,
               const char *act, GCallback on_response, gpointer data, GDestroyNotify free_data)
{
  GtkWidget *dialog = adw_message_dialog_new(parent, heading, body);
  AdwMessageDialog *d = ADW_MESSAGE_DIALOG(dialog);
  adw_message_dialog_add_responses(d, "cancel", keep, "confirm", act, NULL);
  adw_message_dialog_set_response_appearance(d, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response(d, "cancel");
  adw_message_dialog_set_close_response(d, "cancel");
  g_signal_connect_data(dialog, "response", on_response, data, (GClosureNotify) (void (*)(void)) free_data,
                        0);
  gtk_window_present(GTK_WINDOW(dialog));
  return dialog;
}

GtkWidget *
ll_gui_plain_row(const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  if (subtitle)
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
  return row;
}
