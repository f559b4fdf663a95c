/* ll-gui-widgets.h: small pieces several screens build the same way. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Asks @heading / @body over @parent with two answers: "cancel" (@keep,
 * the default and what closing means) and "confirm" (@act, shown as
 * destructive). @on_response gets the dialog's "response" signal with
 * @data; @free_data (may be NULL) frees @data with the dialog. Returns the
 * dialog, already presented. */
GtkWidget *ll_gui_confirm(GtkWindow *parent, const char *heading, const char *body,
                          const char *keep, const char *act, GCallback on_response, gpointer data,
                          GDestroyNotify free_data);

/* An AdwActionRow showing @title and @subtitle (may be NULL) as plain text. */
GtkWidget *ll_gui_plain_row(const char *title, const char *subtitle);

G_END_DECLS
