/* ll-gui-site.h: one site's panel on the operator screen: the serial
 * entry a barcode scanner types into (its Enter starts the test), the step
 * in flight and a progress bar, a grid of the product's lanes coloured by
 * verdict as results arrive, and a large verdict with the bin and what to
 * do with the unit. It only shows: starting and aborting are signals the
 * operator screen acts on.
 *
 * Signals:
 *   "start" (const char *serial): Enter or Start with the entry's text (stripped)
 *   "abort" (): the Abort button */
#pragma once

#include "ll-gui-runner.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LL_GUI_TYPE_SITE (ll_gui_site_get_type())
G_DECLARE_FINAL_TYPE(LlGuiSite, ll_gui_site, LL, GUI_SITE, GtkBox)

/* A panel for site @number (fixture may be NULL) of a product with @lanes lanes. */
GtkWidget *ll_gui_site_new(guint number, const char *fixture, guint lanes);
guint ll_gui_site_get_number(LlGuiSite *site);
GtkWidget *ll_gui_site_get_entry(LlGuiSite *site);

/* A line under the entry (a refused serial, an expired calibration); NULL hides it. */
void ll_gui_site_set_message(LlGuiSite *site, const char *message);
/* The line shown under the entry, or NULL. */
const char *ll_gui_site_get_message(LlGuiSite *site);
void ll_gui_site_run_started(LlGuiSite *site, const char *serial);
void ll_gui_site_event(LlGuiSite *site, const LlGuiEvent *event);
/* @run_id: the run in the results store, 0 when not recorded. */
void ll_gui_site_run_finished(LlGuiSite *site, const LlRunResult *result, gint64 run_id);
/* The session refused the unit as its test began (the retest limit). */
void ll_gui_site_run_refused(LlGuiSite *site, const char *message);
gboolean ll_gui_site_is_running(LlGuiSite *site);

G_END_DECLS
