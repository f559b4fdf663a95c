/* ll-gui-chart.h: small charts drawn with cairo in a GtkDrawingArea: bars
 * of fractions (yield by site or by day), a Pareto (counts, most first,
 * with the cumulative share as a line), and the histogram of a
 * measurement with its limits, its mean and mean ± 3 standard deviations.
 * Text and lines take the widget's colour, the bars the style's accent
 * and the limits its error colour, so a chart reads in light and dark
 * styles; GTK scales the drawing on HiDPI screens. Each chart also says
 * what it shows in words (ll_gui_chart_describe(), its tooltip). */
#pragma once

#include "ll-stats.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A chart with nothing to show yet ("No runs selected"). */
GtkWidget *ll_gui_chart_new(void);

/* Nothing to draw: @text in the middle instead. */
void ll_gui_chart_set_message(GtkWidget *chart, const char *text);

/* @n bars named @labels: fractions @values (0-1) on a 0-100 % axis, each
 * with its @notes (may be NULL) under the percentage. */
void ll_gui_chart_set_fractions(GtkWidget *chart, const char *const *labels, const double *values,
                                const char *const *notes, guint n);

/* @n bars named @labels of @counts, as given (most first for a Pareto),
 * with the cumulative share of the total as a line on a 0-100 % axis. */
void ll_gui_chart_set_pareto(GtkWidget *chart, const char *const *labels, const guint *counts, guint n);

/* The histogram of @n @values in @unit (may be ""), with the limits @low
 * and @high (NAN: none) as vertical lines and @summary's mean and
 * mean ± 3 sd. */
void ll_gui_chart_set_histogram(GtkWidget *chart, const double *values, guint n, double low, double high,
                                const LlSummary *summary, const char *unit);

/* What the chart shows, in words (one line per bar or a histogram's
 * numbers); owned by the chart. */
const char *ll_gui_chart_describe(GtkWidget *chart);

/* The number of histogram classes for @n values (5-40). */
guint ll_gui_chart_classes(guint n);

G_END_DECLS
