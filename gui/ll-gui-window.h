/* ll-gui-window.h: the station application's window: a header bar whose
 * switcher leads to the screens (Operator, Sequences, Instruments, Module,
 * Calibration, Quality), and the window's actions:
 *   win.page(s)        show a screen by name        Alt+1 … Alt+6
 *   win.focus-serial   the first idle site's entry  Ctrl+L
 *   win.abort-all      abort every running site     Ctrl+. (asks first)
 *   win.refresh        read the screen's data again F5
 * Closing the window while units are under test asks first, then aborts
 * them and waits for their cleanup. */
#pragma once

#include "ll-gui-operator.h"
#include "ll-gui-runner.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define LL_GUI_TYPE_WINDOW (ll_gui_window_get_type())
G_DECLARE_FINAL_TYPE(LlGuiWindow, ll_gui_window, LL, GUI_WINDOW, AdwApplicationWindow)

typedef struct {
  const char *serial_pattern;  /* NULL: the product's format */
  const char *const *sequence_dirs; /* local sequence folders to browse (NULL-terminated, may be NULL) */
} LlGuiWindowOptions;

LlGuiWindow *ll_gui_window_new(GtkApplication *app, LlGuiRunner *runner,
                               const LlGuiWindowOptions *options);
LlGuiRunner *ll_gui_window_get_runner(LlGuiWindow *win);
LlGuiOperator *ll_gui_window_get_operator(LlGuiWindow *win);
/* The screen named @name ("operator", "sequences", "instruments", "module",
 * "calibration", "quality"), or NULL. */
GtkWidget *ll_gui_window_get_page(LlGuiWindow *win, const char *name);
void ll_gui_window_show_page(LlGuiWindow *win, const char *name);
void ll_gui_window_toast(LlGuiWindow *win, const char *text);

G_END_DECLS
