/* ll-gui-pages.h: the engineer and quality screens. Each is a widget made
 * for one runner; each installs the widget action "page.refresh" (F5 in
 * the window) that reads its data again.
 *   Sequences   (ll-gui-sequences.c)   shipped and local sequences, their
 *               validation with FILE:LINE:COL, the limits in effect for a
 *               part number
 *   Instruments (ll-gui-instruments-page.c) identity and state of each
 *               configured instrument, connect/disconnect, a SCPI console
 *   Module      (ll-gui-module.c)      the module in a site: identity,
 *               state and per-lane monitors decoded from CMIS, live
 *   Calibration (ll-gui-calibration.c) instruments' calibration due dates
 *   Quality     (ll-gui-quality.c)     the units tested this shift */
#pragma once

#include "ll-gui-runner.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @dirs: local folders of sequences to list besides the shipped ones
 * (NULL-terminated, may be NULL); the folder of the loaded sequence and
 * the user's data folder (lightline/sequences) are always listed. */
GtkWidget *ll_gui_sequences_new(LlGuiRunner *runner, const char *const *dirs);
GtkWidget *ll_gui_instruments_new(LlGuiRunner *runner);
GtkWidget *ll_gui_module_new(LlGuiRunner *runner);
GtkWidget *ll_gui_calibration_new(LlGuiRunner *runner);
GtkWidget *ll_gui_quality_new(LlGuiRunner *runner);

G_END_DECLS
