/* ll-gui-chart.c: bars of fractions, a Pareto and a histogram with limits,
 * drawn with cairo in a GtkDrawingArea (ll-gui-chart.h). The chart's data
 * hangs on the drawing area; the draw function lays out a plot area with
 * axes and draws the kind of chart it holds. Colours come from the style
 * (the widget's colour for text and axes, the accent for bars, the error
 * colour for limits), text through Pango with the widget's font. */
#include "ll-gui-chart.h"

#include <math.h>

typedef enum {
  CHART_MESSAGE,
  CHART_FRACTIONS,
  CHART_PARETO,
  CHART_HISTOGRAM,
} ChartKind;

typedef struct {
  ChartKind kind;
  gchar *message;
  GPtrArray *labels, *notes; /* of gchar* */
  GArray *values;            /* of double: fractions, counts, or a histogram's values */
  double low, high;
  LlSummary summary;
  gchar *unit;
  gchar *description;
} Chart;

typedef struct {
  GdkRGBA fg, accent, error, warning;
} Palette;

#define CHART_KEY "ll-gui-chart"

static void
chart_free(gpointer p)
{
  Chart *c = p;
  g_free(c->message);
  g_clear_pointer(&c->labels, g_ptr_array_unref);
  g_clear_pointer(&c->notes, g_ptr_array_unref);
  g_clear_pointer(&c->values, g_array_unref);
  g_free(c->unit);
  g_free(c->description);
  g_free(c);
}

/* The chart's data, emptied for a new kind. */
static Chart *
chart_reset(GtkWidget *widget, ChartKind kind)
{
  Chart *c = g_new0(Chart, 1);
  c->kind = kind;
  c->labels = g_ptr_array_new_with_free_func(g_free);
  c->notes = g_ptr_array_new_with_free_func(g_free);
  c->values = g_array_new(FALSE, FALSE, sizeof(double));
  c->low = c->high = NAN;
  g_object_set_data_full(G_OBJECT(widget), CHART_KEY, c, chart_free);
  return c;
}

static void
chart_changed(GtkWidget *widget, Chart *c)
{
  gtk_widget_set_tooltip_text(widget, c->description);
  gtk_widget_queue_draw(widget);
}

/* ---- drawing helpers ---- */

static void
palette(GtkWidget *w, Palette *p)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *ctx = gtk_widget_get_style_context(w);
  gtk_style_context_get_color(ctx, &p->fg);
  if (!gtk_style_context_lookup_color(ctx, "accent_color", &p->accent))
    gdk_rgba_parse(&p->accent, "#3584e4");
  if (!gtk_style_context_lookup_color(ctx, "error_color", &p->error))
    gdk_rgba_parse(&p->error, "#e01b24");
  if (!gtk_style_context_lookup_color(ctx, "warning_color", &p->warning))
    gdk_rgba_parse(&p->warning, "#c64600");
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
set_color(cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba(cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* Writes @text with its anchor at (@x, @y): @ax, @ay 0 left/top, 0.5
 * centre, 1 right/bottom. Returns its width. */
static int
text(cairo_t *cr, GtkWidget *w, const char *str, double x, double y, double ax, double ay)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout(w, str);
  PangoAttrList *attrs = pango_attr_list_new();
  pango_attr_list_insert(attrs, pango_attr_scale_new(0.85));
  pango_layout_set_attributes(layout, attrs);
  pango_attr_list_unref(attrs);
  int tw = 0, th = 0;
  pango_layout_get_pixel_size(layout, &tw, &th);
  cairo_move_to(cr, round(x - ax * tw), round(y - ay * th));
  pango_cairo_show_layout(cr, layout);
  return tw;
}

/* A step of 1, 2 or 5 times a power of ten giving about @target ticks over @range. */
static double
nice_step(double range, int target)
{
  if (!(range > 0))
    return 1;
  double raw = range / target, p = pow(10, floor(log10(raw))), f = raw / p;
  return p * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

typedef struct {
  double x, y, w, h; /* the plot area */
} Area;

/* Horizontal grid lines and their labels on the left: 0 to @top by @step. */
static void
y_grid(cairo_t *cr, GtkWidget *w, const Palette *p, const Area *a, double top, double step,
       const char *suffix, double scale)
{
  for (double v = 0; v <= top * (1 + 1e-9); v += step) {
    double y = a->y + a->h - v / top * a->h;
    set_color(cr, &p->fg, v == 0 ? 0.5 : 0.12);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, a->x, round(y) + 0.5);
    cairo_line_to(cr, a->x + a->w, round(y) + 0.5);
    cairo_stroke(cr);
    g_autofree gchar *label = g_strdup_printf("%.0f%s", v * scale, suffix);
    set_color(cr, &p->fg, 0.7);
    text(cr, w, label, a->x - 6, y, 1, 0.5);
  }
}

/* Category labels under the bars; every k-th when they do not fit. */
static void
x_labels(cairo_t *cr, GtkWidget *w, const Palette *p, const Area *a, const Chart *c)
{
  guint n = c->labels->len;
  double slot = a->w / n;
  guint every = MAX(1, (guint) ceil(90.0 / slot));
  set_color(cr, &p->fg, 0.8);
  for (guint i = 0; i < n; i += every) {
    double x = a->x + slot * (i + 0.5);
    text(cr, w, c->labels->pdata[i], x, a->y + a->h + 4, 0.5, 0);
    if (i < c->notes->len && c->notes->pdata[i])
      text(cr, w, c->notes->pdata[i], x, a->y + a->h + 20, 0.5, 0);
  }
}

static void
bar(cairo_t *cr, double x, double y, double w, double h)
{
  cairo_rectangle(cr, round(x), round(y), MAX(1, round(w)), round(h));
  cairo_fill(cr);
}

/* ---- the kinds ---- */

static void
draw_fractions(cairo_t *cr, GtkWidget *w, const Palette *p, const Area *a, const Chart *c)
{
  y_grid(cr, w, p, a, 1, 0.25, " %", 100);
  guint n = c->values->len;
  double slot = a->w / n, bw = MIN(80, slot * 0.7);
  for (guint i = 0; i < n; i++) {
    double v = CLAMP(g_array_index(c->values, double, i), 0, 1);
    double x = a->x + slot * (i + 0.5);
    set_color(cr, &p->accent, 0.85);
    bar(cr, x - bw / 2, a->y + a->h * (1 - v), bw, a->h * v);
    g_autofree gchar *label = g_strdup_printf("%.1f %%", 100 * v);
    set_color(cr, &p->fg, 1);
    if (slot > 40)
      text(cr, w, label, x, a->y + a->h * (1 - v) - 2, 0.5, 1);
  }
  x_labels(cr, w, p, a, c);
}

static void
draw_pareto(cairo_t *cr, GtkWidget *w, const Palette *p, const Area *a, const Chart *c)
{
  guint n = c->values->len;
  double total = 0, top = 0;
  for (guint i = 0; i < n; i++) {
    double v = g_array_index(c->values, double, i);
    total += v;
    top = MAX(top, v);
  }
  double step = nice_step(top, 4);
  step = MAX(step, 1);
  top = ceil(top / step) * step;
  y_grid(cr, w, p, a, top, step, "", 1);
  /* the cumulative axis on the right */
  set_color(cr, &p->fg, 0.7);
  for (int pct = 0; pct <= 100; pct += 25) {
    g_autofree gchar *label = g_strdup_printf("%d %%", pct);
    text(cr, w, label, a->x + a->w + 6, a->y + a->h * (1 - pct / 100.0), 0, 0.5);
  }
  double slot = a->w / n, bw = MIN(80, slot * 0.7), cum = 0;
  for (guint i = 0; i < n; i++) {
    double v = g_array_index(c->values, double, i);
    double x = a->x + slot * (i + 0.5);
    set_color(cr, &p->accent, 0.85);
    bar(cr, x - bw / 2, a->y + a->h * (1 - v / top), bw, a->h * v / top);
    g_autofree gchar *label = g_strdup_printf("%.0f", v);
    set_color(cr, &p->fg, 1);
    text(cr, w, label, x, a->y + a->h * (1 - v / top) - 2, 0.5, 1);
  }
  set_color(cr, &p->warning, 1);
  cairo_set_line_width(cr, 2);
  for (guint i = 0; i < n; i++) {
    cum += g_array_index(c->values, double, i);
    double x = a->x + slot * (i + 0.5), y = a->y + a->h * (1 - cum / total);
    if (i == 0)
      cairo_move_to(cr, x, y);
    else
      cairo_line_to(cr, x, y);
  }
  cairo_stroke(cr);
  cum = 0;
  for (guint i = 0; i < n; i++) {
    cum += g_array_index(c->values, double, i);
    cairo_arc(cr, a->x + slot * (i + 0.5), a->y + a->h * (1 - cum / total), 3.5, 0, 2 * G_PI);
    cairo_fill(cr);
  }
  x_labels(cr, w, p, a, c);
}

guint
ll_gui_chart_classes(guint n)
{
  return CLAMP((guint) ceil(sqrt(n)), 5, 40);
}

/* A vertical line at value @v with @label at its top. */
static void
marker(cairo_t *cr, GtkWidget *w, const Area *a, double xa, double xb, double v, const GdkRGBA *color,
       double width, gboolean dashed, const char *label, double row)
{
  if (!isfinite(v))
    return;
  double x = a->x + (v - xa) / (xb - xa) * a->w;
  set_color(cr, color, 1);
  cairo_set_line_width(cr, width);
  if (dashed)
    cairo_set_dash(cr, (const double[]) { 5, 4 }, 2, 0);
  cairo_move_to(cr, round(x) + 0.5, a->y);
  cairo_line_to(cr, round(x) + 0.5, a->y + a->h);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  text(cr, w, label, x, a->y + row * 16, x > a->x + a->w * 0.85 ? 1.05 : -0.05, 0);
}

static void
draw_histogram(cairo_t *cr, GtkWidget *w, const Palette *p, const Area *a, const Chart *c)
{
  const LlSummary *s = &c->summary;
  double lo = s->min, hi = s->max, xa = lo, xb = hi;
  double sd3 = isfinite(s->stddev) ? 3 * s->stddev : 0;
  double cand[] = { c->low, c->high, s->mean - sd3, s->mean + sd3 };
  for (gsize i = 0; i < G_N_ELEMENTS(cand); i++)
    if (isfinite(cand[i])) {
      xa = MIN(xa, cand[i]);
      xb = MAX(xb, cand[i]);
    }
  double pad = (xb - xa) * 0.05;
  if (!(pad > 0))
    pad = fabs(xa) * 0.01 + 1e-3;
  xa -= pad;
  xb += pad;
  guint k = ll_gui_chart_classes(c->values->len);
  double width = hi > lo ? (hi - lo) / k : pad;
  g_autofree guint *counts = g_new0(guint, k);
  guint most = 1;
  for (guint i = 0; i < c->values->len; i++) {
    double v = g_array_index(c->values, double, i);
    if (!isfinite(v))
      continue;
    guint j = hi > lo ? MIN(k - 1, (guint) ((v - lo) / width)) : 0;
    most = MAX(most, ++counts[j]);
  }
  double step = MAX(1, nice_step(most, 4)), top = ceil(most / step) * step;
  y_grid(cr, w, p, a, top, step, "", 1);
  /* x ticks */
  double xs = nice_step(xb - xa, 6);
  set_color(cr, &p->fg, 0.7);
  for (double t = ceil(xa / xs) * xs; t <= xb; t += xs) {
    double x = a->x + (t - xa) / (xb - xa) * a->w;
    g_autofree gchar *label = g_strdup_printf("%g", fabs(t) < xs * 1e-6 ? 0 : t);
    text(cr, w, label, x, a->y + a->h + 4, 0.5, 0);
  }
  g_autofree gchar *axis = g_strdup_printf("%s", c->unit && *c->unit ? c->unit : "value");
  text(cr, w, axis, a->x + a->w, a->y + a->h + 20, 1, 0);
  set_color(cr, &p->accent, 0.8);
  guint classes = hi > lo ? k : 1;
  for (guint j = 0; j < classes; j++) {
    double x0 = lo + j * width, x1 = x0 + width;
    double px0 = a->x + (x0 - xa) / (xb - xa) * a->w, px1 = a->x + (x1 - xa) / (xb - xa) * a->w;
    double ph = a->h * counts[j] / top;
    bar(cr, px0 + 0.5, a->y + a->h - ph, px1 - px0 - 1, ph);
  }
  g_autofree gchar *lsl = g_strdup_printf("low %g", c->low), *usl = g_strdup_printf("high %g", c->high);
  marker(cr, w, a, xa, xb, c->low, &p->error, 2, FALSE, lsl, 0);
  marker(cr, w, a, xa, xb, c->high, &p->error, 2, FALSE, usl, 0);
  marker(cr, w, a, xa, xb, s->mean, &p->fg, 1.5, FALSE, "mean", 1);
  if (sd3 > 0) {
    marker(cr, w, a, xa, xb, s->mean - sd3, &p->fg, 1, TRUE, "−3σ", 2);
    marker(cr, w, a, xa, xb, s->mean + sd3, &p->fg, 1, TRUE, "+3σ", 2);
  }
}

static void
draw(GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  GtkWidget *w = GTK_WIDGET(area);
  const Chart *c = g_object_get_data(G_OBJECT(area), CHART_KEY);
  Palette p;
  palette(w, &p);
  if (!c || c->kind == CHART_MESSAGE || !c->values->len) {
    set_color(cr, &p.fg, 0.6);
    text(cr, w, c && c->message ? c->message : "Nothing to show", width / 2.0, height / 2.0, 0.5, 0.5);
    return;
  }
  Area a = { 52, 14, width - 52 - (c->kind == CHART_PARETO ? 48 : 16), height - 14 - 40 };
  if (a.w < 40 || a.h < 40)
    return;
  switch (c->kind) {
  case CHART_FRACTIONS:
    draw_fractions(cr, w, &p, &a, c);
    break;
  case CHART_PARETO:
    draw_pareto(cr, w, &p, &a, c);
    break;
  case CHART_HISTOGRAM:
    draw_histogram(cr, w, &p, &a, c);
    break;
  case CHART_MESSAGE:
    break;
  }
}

/* ---- the widget ---- */

GtkWidget *
ll_gui_chart_new(void)
{
  GtkWidget *area = gtk_drawing_area_new();
  gtk_widget_set_hexpand(area, TRUE);
  gtk_widget_set_vexpand(area, TRUE);
  gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(area), 200);
  gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(area), draw, NULL, NULL);
  ll_gui_chart_set_message(area, "No runs selected");
  return area;
}

void
ll_gui_chart_set_message(GtkWidget *chart, const char *str)
{
  Chart *c = chart_reset(chart, CHART_MESSAGE);
  c->message = g_strdup(str);
  c->description = g_strdup(str);
  chart_changed(chart, c);
}

void
ll_gui_chart_set_fractions(GtkWidget *chart, const char *const *labels, const double *values,
                           const char *const *notes, guint n)
{
  Chart *c = chart_reset(chart, CHART_FRACTIONS);
  GString *d = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    g_ptr_array_add(c->labels, g_strdup(labels[i]));
    g_ptr_array_add(c->notes, g_strdup(notes ? notes[i] : NULL));
    g_array_append_val(c->values, values[i]);
    g_string_append_printf(d, "%s%s: %.1f %%%s%s%s", i ? "\n" : "", labels[i], 100 * values[i],
                           notes ? " (" : "", notes ? notes[i] : "", notes ? ")" : "");
  }
  c->description = g_string_free(d, FALSE);
  chart_changed(chart, c);
}

void
ll_gui_chart_set_pareto(GtkWidget *chart, const char *const *labels, const guint *counts, guint n)
{
  Chart *c = chart_reset(chart, CHART_PARETO);
  double total = 0, cum = 0;
  for (guint i = 0; i < n; i++)
    total += counts[i];
  GString *d = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    double v = counts[i];
    cum += v;
    g_ptr_array_add(c->labels, g_strdup(labels[i]));
    g_array_append_val(c->values, v);
    g_string_append_printf(d, "%s%s: %u (%.1f %% cumulative)", i ? "\n" : "", labels[i], counts[i],
                           100 * cum / total);
  }
  c->description = g_string_free(d, FALSE);
  chart_changed(chart, c);
}

void
ll_gui_chart_set_histogram(GtkWidget *chart, const double *values, guint n, double low, double high,
                           const LlSummary *summary, const char *unit)
{
  Chart *c = chart_reset(chart, CHART_HISTOGRAM);
  g_array_append_vals(c->values, values, n);
  c->low = low;
  c->high = high;
  c->summary = *summary;
  c->unit = g_strdup(unit);
  c->description = g_strdup_printf("n %u, mean %g, sd %g, low %g, high %g, Cpk %g, Ppk %g %s (%u classes)",
                                   summary->n, summary->mean, summary->stddev, low, high, summary->cpk,
                                   summary->ppk, unit ? unit : "", ll_gui_chart_classes(n));
  chart_changed(chart, c);
}

const char *
ll_gui_chart_describe(GtkWidget *chart)
{
  const Chart *c = g_object_get_data(G_OBJECT(chart), CHART_KEY);
  return c ? c->description : "";
}
