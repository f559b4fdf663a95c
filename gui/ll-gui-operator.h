/* ll-gui-operator.h: the operator screen. At a glance: the station, the
 * loaded sequence and limits with their versions, each instrument
 * connected or not and its calibration (an expired one blocks the start,
 * with what to do); one panel per site (ll-gui-site.h); the shift's
 * counters. A serial is checked against the product's format
 * (ll-gui-serial.h) before the runner starts it; Abort asks first. */
#pragma once

#include "ll-gui-runner.h"
#include "ll-gui-site.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LL_GUI_TYPE_OPERATOR (ll_gui_operator_get_type())
G_DECLARE_FINAL_TYPE(LlGuiOperator, ll_gui_operator, LL, GUI_OPERATOR, GtkBox)

/* @serial_pattern: a regular expression serials must match whole; NULL:
 * the format of the sequence's product. */
GtkWidget *ll_gui_operator_new(LlGuiRunner *runner, const char *serial_pattern);

LlGuiSite *ll_gui_operator_get_site(LlGuiOperator *op, guint number);
/* Focuses the serial entry of the first idle site (the first site when all are busy). */
void ll_gui_operator_focus_serial(LlGuiOperator *op);
/* Asks for confirmation, then aborts the run in @site (0: every running site). */
void ll_gui_operator_ask_abort(LlGuiOperator *op, guint site);

typedef struct {
  guint tested;  /* units with a verdict: PASS, FAIL or ERROR */
  guint passed, failed, errors, aborted;
} LlGuiShiftCounts;

void ll_gui_operator_get_counts(LlGuiOperator *op, LlGuiShiftCounts *out);
/* passed / tested, as a percentage; NAN before the first unit. */
double ll_gui_shift_yield(const LlGuiShiftCounts *counts);

G_END_DECLS
