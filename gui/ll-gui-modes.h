/* ll-gui-modes.h: the application's unattended modes, each driving the
 * real window the way a person would.
 *   ll-gui-shift.c     --shift N: tests N units as a barcode scanner would
 *                      (types the serial into an idle site's entry and
 *                      presses Enter), prints each result and a summary
 *   ll-gui-tour.c      --screenshots DIR: a PNG of each screen, the operator
 *                      screen mid-run and with its verdicts
 *   ll-gui-snapshot.c  a widget rendered to a PNG file */
#pragma once

#include "ll-gui-window.h"

G_BEGIN_DECLS

typedef void (*LlGuiModeDone)(int status, gpointer data);

/* The serial number of the @index-th unit (from 0) of a shift, as the
 * demo numbers them: LL26D00001, ... Free with g_free(). */
gchar *ll_gui_shift_serial(guint index);
/* Tests @units units on @win's operator screen; calls @done with 0 when
 * every unit got a verdict (PASS, FAIL or ERROR), 3 when one was aborted. */
void ll_gui_shift_start(LlGuiWindow *win, guint units, LlGuiModeDone done, gpointer data);

/* Call before any unit runs: lets the tour hold a run at a chosen step. */
void ll_gui_tour_prepare(LlGuiRunner *runner);
/* Writes operator-mid-run.png, operator-verdict.png, module.png,
 * instruments.png, sequences.png, calibration.png, quality.png,
 * quality-browser.png and quality-charts.png into @dir;
 * @done gets 0, or 1 when a file could not be written (printed). */
void ll_gui_tour_start(LlGuiWindow *win, const char *dir, LlGuiModeDone done, gpointer data);

/* The widget named @name (gtk_widget_get_name()) at or under @root, depth
 * first, or NULL. */
GtkWidget *ll_gui_find_named(GtkWidget *root, const char *name);

/* Renders @widget as it is on screen into a PNG at @path. */
gboolean ll_gui_snapshot_png(GtkWidget *widget, const char *path, GError **error);

G_END_DECLS
