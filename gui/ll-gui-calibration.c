/* ll-gui-calibration.c: the Calibration screen (ll-gui-pages.h).
 *
 * - Path-loss calibration: a row per site with its current calibration
 *   (when, by whom, with which golden module, valid until or expired).
 * - Calibrate a site, a guided flow over the runner's calibration
 *   (ll_gui_runner_calibrate(): the station functions `lightline calibrate
 *   path-loss` uses, on the runner's station): (1) insert the golden module,
 *   its serial typed or scanned, or picked from the references the station
 *   knows; (2) run, with progress (the run is on a worker thread; Stop
 *   aborts it); (3) review every lane's TX loss and RX offset against the
 *   site's previous calibration and the plausible window; (4) accept
 *   (stored) or discard (nothing stored).
 * - History and drift: the chosen site's stored calibrations and the
 *   golden-unit checks made in it (ll_store_path_loss_sets(),
 *   ll_store_golden_history(), as `lightline calibrate history` reads
 *   them; read on a worker thread), and a plot of one lane's drift.
 * - Instrument calibration: each instrument's due date and certificate. */
#include "ll-gui-format.h"
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"
#include "ll-store-cal.h"

#include <adwaita.h>
#include <math.h>

#define LL_GUI_TYPE_CALIBRATION_PAGE (ll_gui_calibration_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiCalibrationPage, ll_gui_calibration_page, LL, GUI_CALIBRATION_PAGE, GtkBox)

struct _LlGuiCalibrationPage {
  GtkBox parent;
  AdwPreferencesGroup *instruments_group, *paths_group, *guide_group, *history_group;
  AdwComboRow *site_row, *refs_row, *lane_row;
  AdwEntryRow *golden_row;
  GtkStack *stack;
  GtkLabel *insert_label, *step_label, *verdict_label, *message_label;
  GtkProgressBar *progress;
  GtkWidget *run_button, *stop_button, *accept_button, *discard_button;
  GtkGrid *review_grid, *history_grid, *checks_grid;
  GtkDrawingArea *drift_area;
  LlGuiRunner *runner;
  GPtrArray *rows;       /* of GtkWidget*, in the instruments group */
  GPtrArray *site_rows;  /* of AdwActionRow*, one per site, in the runner's order */
  GPtrArray *refs;       /* of LlGoldenReference*: the golden modules the station knows */
  GPtrArray *sets;       /* of LlPathLossSetRecord*: the station's calibrations, oldest first */
  GPtrArray *checks;     /* of LlGoldenCheck*: every golden-unit check, oldest first */
  GCancellable *loading;
};

G_DEFINE_FINAL_TYPE(LlGuiCalibrationPage, ll_gui_calibration_page, GTK_TYPE_BOX)

static guint
chosen_site(LlGuiCalibrationPage *self)
{
  guint i = adw_combo_row_get_selected(self->site_row);
  return i < ll_gui_runner_n_sites(self->runner) ? ll_gui_runner_site_number(self->runner, i) : 0;
}

static gchar *
utc_text(GDateTime *t)
{
  return t ? g_date_time_format(t, "%Y-%m-%d %H:%M UTC") : g_strdup("-");
}

static void
set_message(LlGuiCalibrationPage *self, const char *text, gboolean error)
{
  gtk_label_set_label(self->message_label, text ? text : "");
  gtk_widget_set_visible(GTK_WIDGET(self->message_label), text != NULL);
  if (error)
    gtk_widget_add_css_class(GTK_WIDGET(self->message_label), "error");
  else
    gtk_widget_remove_css_class(GTK_WIDGET(self->message_label), "error");
}

static void
clear_grid(GtkGrid *grid)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(grid))))
    gtk_grid_remove(grid, child);
}

/* A cell of @grid at @col, @row; @name (may be NULL) names the label. */
static GtkWidget *
cell(GtkGrid *grid, guint col, guint row, const char *text, const char *name, const char *css)
{
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), col ? 1 : 0);
  gtk_widget_add_css_class(l, row ? "numeric" : "caption-heading");
  if (css)
    gtk_widget_add_css_class(l, css);
  if (name)
    gtk_widget_set_name(l, name);
  gtk_grid_attach(grid, l, (int) col, (int) row, 1, 1);
  return l;
}

/* ---- the station's calibrations ---- */

/* The newest stored calibration of @site, or NULL. */
static const LlPathLossSetRecord *
newest_set(LlGuiCalibrationPage *self, guint site)
{
  const LlPathLossSetRecord *newest = NULL;
  for (guint i = 0; self->sets && i < self->sets->len; i++) {
    const LlPathLossSetRecord *s = self->sets->pdata[i];
    if (s->site == site)
      newest = s;
  }
  return newest;
}

static double
set_value(const LlPathLossSetRecord *s, LlPathKind path, guint lane, double nm)
{
  for (guint i = 0; s && i < s->entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(s->entries, LlPathLossEntry, i);
    if (e->path == path && e->lane == lane && fabs(e->wavelength_nm - nm) < LL_PATH_WAVELENGTH_TOLERANCE_NM)
      return e->loss_db;
  }
  return NAN;
}

static gboolean
set_expired(const LlPathLossSetRecord *s, GDateTime *now)
{
  return !s->expires_utc || g_date_time_compare(now, s->expires_utc) >= 0;
}

static void
update_sites(LlGuiCalibrationPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  gboolean calibrates = ll_gui_runner_calibrates_paths(self->runner);
  for (guint i = 0; i < self->site_rows->len; i++) {
    guint site = ll_gui_runner_site_number(self->runner, i);
    AdwActionRow *row = self->site_rows->pdata[i];
    const LlPathLossSetRecord *s = newest_set(self, site);
    g_autofree gchar *sub = NULL;
    const char *icon = "emblem-ok-symbolic";
    if (!calibrates) {
      sub = g_strdup("the sequences' nominal path offsets: this station does not calibrate its paths "
                     "(path-loss-expiry-h is not set)");
      icon = "list-remove-symbolic";
    } else if (!s) {
      sub = g_strdup("no calibration: testing is blocked until the site is calibrated");
      icon = "dialog-error-symbolic";
    } else {
      g_autofree gchar *when = utc_text(s->measured_utc), *until = utc_text(s->expires_utc);
      gboolean old = set_expired(s, now);
      double hours = s->expires_utc ? g_date_time_difference(s->expires_utc, now) / 3.6e9 : 0;
      g_autofree gchar *state = old ? g_strdup_printf("EXPIRED %s: testing is blocked", until)
                                    : g_strdup_printf("valid until %s (%.1f h)", until, hours);
      sub = g_strdup_printf("%s · measured %s by %s with golden %s · calibration %" G_GINT64_FORMAT, state,
                            when, s->operator_name ? s->operator_name : "-",
                            s->golden_serial ? s->golden_serial : "-", s->id);
      icon = old ? "dialog-error-symbolic" : "emblem-ok-symbolic";
    }
    adw_action_row_set_subtitle(row, sub);
    GtkWidget *prefix = g_object_get_data(G_OBJECT(row), "icon");
    gtk_image_set_from_icon_name(GTK_IMAGE(prefix), icon);
  }
}

/* One lane's values of @s for @path as "4.21 4.33 ..." (lanes in order). */
static gchar *
lane_values(const LlPathLossSetRecord *s, LlPathKind path)
{
  GString *text = g_string_new(NULL);
  for (guint i = 0; i < s->entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(s->entries, LlPathLossEntry, i);
    if (e->path == path)
      g_string_append_printf(text, "%s%.2f", text->len ? " " : "", e->loss_db);
  }
  return g_string_free(text, FALSE);
}

static void
update_history(LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  clear_grid(self->history_grid);
  static const char *const heads[] = { "Calibration", "Measured", "Expires", "State", "Operator",
                                       "Golden", "TX loss by lane (dB)", "RX offset by lane (dB)" };
  for (guint c = 0; c < G_N_ELEMENTS(heads); c++)
    cell(self->history_grid, c, 0, heads[c], NULL, NULL);
  guint row = 1;
  for (guint i = 0; self->sets && i < self->sets->len; i++) {
    const LlPathLossSetRecord *s = self->sets->pdata[i];
    if (s->site != site)
      continue;
    g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, s->id);
    g_autofree gchar *when = utc_text(s->measured_utc), *until = utc_text(s->expires_utc);
    g_autofree gchar *tx = lane_values(s, LL_PATH_TX), *rx = lane_values(s, LL_PATH_RX);
    g_autofree gchar *name = g_strdup_printf("history-%" G_GINT64_FORMAT, s->id);
    gboolean old = set_expired(s, now);
    cell(self->history_grid, 0, row, id, name, NULL);
    cell(self->history_grid, 1, row, when, NULL, NULL);
    cell(self->history_grid, 2, row, until, NULL, NULL);
    cell(self->history_grid, 3, row, old ? "expired" : "valid", NULL, old ? "dim-label" : "success");
    cell(self->history_grid, 4, row, s->operator_name ? s->operator_name : "-", NULL, NULL);
    cell(self->history_grid, 5, row, s->golden_serial ? s->golden_serial : "-", NULL, NULL);
    cell(self->history_grid, 6, row, tx, NULL, "monospace");
    cell(self->history_grid, 7, row++, rx, NULL, "monospace");
  }
  if (row == 1)
    cell(self->history_grid, 0, row, "no calibration of this site is stored", NULL, "dim-label");

  /* the golden-unit checks in this site: a row per run and quantity */
  clear_grid(self->checks_grid);
  static const char *const check_heads[] = { "Golden check", "Run", "Golden", "Measurement",
                                             "Delta by lane" };
  for (guint c = 0; c < G_N_ELEMENTS(check_heads); c++)
    cell(self->checks_grid, c, 0, check_heads[c], NULL, NULL);
  row = 1;
  for (guint i = 0; self->checks && i < self->checks->len;) {
    const LlGoldenCheck *c = self->checks->pdata[i];
    g_autoptr(GString) lanes = g_string_new(NULL);
    guint k = i;
    for (; k < self->checks->len; k++) {
      const LlGoldenCheck *d = self->checks->pdata[k];
      if (d->run_id != c->run_id || g_strcmp0(d->serial, c->serial) || g_strcmp0(d->measurement, c->measurement))
        break;
      g_string_append_printf(lanes, "%s%u:%+.3f", lanes->len ? " " : "", d->lane, d->delta);
    }
    i = k;
    if (c->site != site)
      continue;
    g_autofree gchar *when = utc_text(c->checked_utc);
    g_autofree gchar *run = g_strdup_printf("%" G_GINT64_FORMAT, c->run_id);
    cell(self->checks_grid, 0, row, when, NULL, NULL);
    cell(self->checks_grid, 1, row, run, NULL, NULL);
    cell(self->checks_grid, 2, row, c->serial, NULL, NULL);
    cell(self->checks_grid, 3, row, c->measurement, NULL, NULL);
    cell(self->checks_grid, 4, row++, lanes->str, NULL, "monospace");
  }
  if (row == 1)
    cell(self->checks_grid, 0, row, "no golden-unit check in this site", NULL, "dim-label");
  gtk_widget_queue_draw(GTK_WIDGET(self->drift_area));
}

/* The drift plot: each calibration of the chosen site, the chosen lane's
 * TX loss and RX offset minus the first calibration's, against time. */
static void
draw_drift(GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  LlGuiCalibrationPage *self = data;
  guint site = chosen_site(self), lane = adw_combo_row_get_selected(self->lane_row) + 1;
  GdkRGBA fg;
  gtk_style_context_get_color(gtk_widget_get_style_context(GTK_WIDGET(area)), &fg);
  g_autoptr(GArray) tx = g_array_new(FALSE, FALSE, sizeof(double) * 2);
  g_autoptr(GArray) rx = g_array_new(FALSE, FALSE, sizeof(double) * 2);
  GArray *pts[LL_PATH_COUNT] = { tx, rx };
  double t0 = NAN, t1 = NAN, first[LL_PATH_COUNT] = { NAN, NAN }, span = 0.1;
  for (guint i = 0; self->sets && i < self->sets->len; i++) {
    const LlPathLossSetRecord *s = self->sets->pdata[i];
    if (s->site != site)
      continue;
    double t = (double) g_date_time_to_unix(s->measured_utc);
    for (guint k = 0; k < s->entries->len; k++) {
      const LlPathLossEntry *e = &g_array_index(s->entries, LlPathLossEntry, k);
      if (e->lane != lane)
        continue;
      if (isnan(first[e->path]))
        first[e->path] = e->loss_db;
      double p[2] = { t, e->loss_db - first[e->path] };
      g_array_append_val(pts[e->path], p);
      span = MAX(span, fabs(p[1]) * 1.2);
    }
    t0 = isnan(t0) ? t : t0;
    t1 = t;
  }
  const double left = 70, right = 20, top = 14, bottom = 26;
  double w = width - left - right, h = height - top - bottom;
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgba(cr, fg.red, fg.green, fg.blue, 0.35);
  cairo_move_to(cr, left, top + h / 2);
  cairo_line_to(cr, left + w, top + h / 2);
  cairo_stroke(cr);
  cairo_set_source_rgba(cr, fg.red, fg.green, fg.blue, 0.8);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  gchar text[96];
  g_snprintf(text, sizeof text, "%+.2f dB", span);
  cairo_move_to(cr, 6, top + 10);
  cairo_show_text(cr, text);
  g_snprintf(text, sizeof text, "%+.2f dB", -span);
  cairo_move_to(cr, 6, top + h);
  cairo_show_text(cr, text);
  cairo_move_to(cr, 6, top + h / 2 + 4);
  cairo_show_text(cr, "0");
  if (isnan(t0)) {
    cairo_move_to(cr, left + 8, top + h / 2 - 8);
    cairo_show_text(cr, "no calibration of this site yet");
    return;
  }
  g_snprintf(text, sizeof text, "lane %u · %u calibration%s · TX loss (blue), RX offset (orange)", lane,
             pts[LL_PATH_TX]->len, pts[LL_PATH_TX]->len == 1 ? "" : "s");
  cairo_move_to(cr, left, height - 8);
  cairo_show_text(cr, text);
  static const double colours[LL_PATH_COUNT][3] = { { 0.21, 0.52, 0.89 }, { 0.90, 0.38, 0.0 } };
  for (guint path = 0; path < LL_PATH_COUNT; path++) {
    cairo_set_source_rgb(cr, colours[path][0], colours[path][1], colours[path][2]);
    cairo_set_line_width(cr, 2);
    for (guint i = 0; i < pts[path]->len; i++) {
      const double *p = &g_array_index(pts[path], double, 2 * i);
      double x = t1 > t0 ? left + w * (p[0] - t0) / (t1 - t0) : left + w / 2;
      double y = top + h / 2 - (h / 2) * p[1] / span;
      if (i)
        cairo_line_to(cr, x, y);
      else
        cairo_move_to(cr, x, y);
    }
    cairo_stroke(cr);
    for (guint i = 0; i < pts[path]->len; i++) {
      const double *p = &g_array_index(pts[path], double, 2 * i);
      double x = t1 > t0 ? left + w * (p[0] - t0) / (t1 - t0) : left + w / 2;
      cairo_arc(cr, x, top + h / 2 - (h / 2) * p[1] / span, 3.5, 0, 2 * G_PI);
      cairo_fill(cr);
    }
  }
}

/* ---- reading the history on a worker thread ---- */

typedef struct {
  GPtrArray *sets, *checks;
} History;

static void
history_free(History *h)
{
  g_clear_pointer(&h->sets, g_ptr_array_unref);
  g_clear_pointer(&h->checks, g_ptr_array_unref);
  g_free(h);
}

static void
history_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  LlStore *store = ll_gui_runner_get_store(LL_GUI_RUNNER(source));
  History *h = g_new0(History, 1);
  GError *err = NULL;
  const char *id = g_object_get_data(G_OBJECT(task), "station");
  if (!(h->sets = ll_store_path_loss_sets(store, id, 0, NULL, &err)) ||
      !(h->checks = ll_store_golden_history(store, NULL, NULL, &err))) {
    history_free(h);
    g_task_return_error(task, err);
    return;
  }
  g_task_return_pointer(task, h, (GDestroyNotify) history_free);
}

static void
history_read(GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) err = NULL;
  History *h = g_task_propagate_pointer(G_TASK(res), &err);
  if (!h) {
    if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      set_message(LL_GUI_CALIBRATION_PAGE(data), err->message, TRUE);
    return;
  }
  LlGuiCalibrationPage *self = data;
  g_clear_pointer(&self->sets, g_ptr_array_unref);
  g_clear_pointer(&self->checks, g_ptr_array_unref);
  self->sets = g_steal_pointer(&h->sets);
  /* only this station's checks */
  self->checks = g_ptr_array_new_with_free_func((GDestroyNotify) ll_golden_check_free);
  const char *station = ll_gui_runner_get_config(self->runner)->id;
  for (guint i = 0; i < h->checks->len; i++) {
    LlGoldenCheck *c = h->checks->pdata[i];
    if (g_strcmp0(c->station_id, station) == 0)
      g_ptr_array_add(self->checks, g_steal_pointer(&h->checks->pdata[i]));
  }
  history_free(h);
  update_sites(self);
  update_history(self);
}

static void
load_history(LlGuiCalibrationPage *self)
{
  LlStore *store = ll_gui_runner_get_store(self->runner);
  if (!store) {
    update_sites(self);
    update_history(self);
    return;
  }
  if (self->loading)
    g_cancellable_cancel(self->loading);
  g_clear_object(&self->loading);
  self->loading = g_cancellable_new();
  /* the page may go before the answer: it cancels, and the callback then
   * leaves it alone; the runner (and its store) lives as long as the task */
  GTask *task = g_task_new(self->runner, self->loading, history_read, self);
  g_object_set_data_full(G_OBJECT(task), "station", g_strdup(ll_gui_runner_get_config(self->runner)->id),
                         g_free);
  g_task_run_in_thread(task, history_thread);
  g_object_unref(task);
}

/* ---- the guided calibration ---- */

static void
update_insert(LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  g_autofree gchar *serial = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->golden_row))));
  const LlSiteConfig *sc = ll_station_config_site(ll_gui_runner_get_config(self->runner), site);
  g_autofree gchar *text = NULL;
  if (!ll_gui_runner_calibrates_paths(self->runner))
    text = g_strdup("This station uses the sequences' nominal path offsets: set path-loss-expiry-h in "
                    "its station file to calibrate its paths.");
  else
    text = g_strdup_printf("Insert golden module %s into site %u%s%s, then run the calibration. The "
                           "site tests no unit meanwhile; the other sites go on.",
                           *serial ? serial : "(enter its serial)", site,
                           sc && sc->fixture ? ", fixture " : "", sc && sc->fixture ? sc->fixture : "");
  gtk_label_set_label(self->insert_label, text);
  gtk_widget_set_sensitive(self->run_button, *serial && ll_gui_runner_calibrates_paths(self->runner));
}

/* The review: every path's value, the previous calibration's, the change
 * and the window, each judged. */
static void
show_review(LlGuiCalibrationPage *self, const LlCalibrationResult *r)
{
  clear_grid(self->review_grid);
  static const char *const heads[] = { "Path", "Lane", "Wavelength (nm)", "Measured (dB)",
                                       "Previous (dB)", "Change (dB)", "Plausible window (dB)", "" };
  for (guint c = 0; c < G_N_ELEMENTS(heads); c++)
    cell(self->review_grid, c, 0, heads[c], NULL, NULL);
  const LlPathLossSetRecord *prev = newest_set(self, r->site);
  for (guint i = 0; i < r->entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(r->entries, LlPathLossEntry, i);
    const LlCalibrationJudged *j = &g_array_index(r->judged, LlCalibrationJudged, i);
    const char *path = ll_path_kind_name(e->path);
    double before = set_value(prev, e->path, e->lane, e->wavelength_nm);
    g_autofree gchar *lane = g_strdup_printf("%u", e->lane), *nm = g_strdup_printf("%g", e->wavelength_nm);
    g_autofree gchar *value = g_strdup_printf("%.3f", e->loss_db);
    g_autofree gchar *was = isnan(before) ? g_strdup("–") : g_strdup_printf("%.3f", before);
    g_autofree gchar *change = isnan(before) ? g_strdup("–") : g_strdup_printf("%+.3f", e->loss_db - before);
    g_autofree gchar *lo = isnan(j->min) ? g_strdup("") : g_strdup_printf("%.2f", j->min);
    g_autofree gchar *hi = isnan(j->max) ? g_strdup("") : g_strdup_printf("%.2f", j->max);
    g_autofree gchar *window = g_strdup_printf("%s … %s", lo, hi);
    g_autofree gchar *name = g_strdup_printf("review-%s-%u", path, e->lane);
    guint row = i + 1;
    cell(self->review_grid, 0, row, e->path == LL_PATH_TX ? "TX loss" : "RX offset", NULL, NULL);
    cell(self->review_grid, 1, row, lane, NULL, NULL);
    cell(self->review_grid, 2, row, nm, NULL, NULL);
    cell(self->review_grid, 3, row, value, name, NULL);
    cell(self->review_grid, 4, row, was, NULL, "dim-label");
    cell(self->review_grid, 5, row, change, NULL, NULL);
    cell(self->review_grid, 6, row, window, NULL, "dim-label");
    cell(self->review_grid, 7, row, j->pass ? "pass" : "FAIL", NULL, j->pass ? "success" : "error");
  }
  const LlRunResult *run = r->run;
  gboolean pass = run->outcome == LL_OUTCOME_PASS && r->entries->len;
  g_autofree gchar *head = NULL;
  if (pass) {
    g_autofree gchar *until = utc_text(r->expires_utc);
    head = g_markup_printf_escaped("<b>PASS</b> · golden %s in site %u: every path inside its window. "
                                   "Accept stores it as the site's calibration, valid until %s.",
                                   r->golden_serial, r->site, until);
  } else {
    g_autofree gchar *bin = r->bin_name ? g_strdup_printf(" · bin %u %s: %s", r->bin_number, r->bin_name,
                                                          r->bin_instructions ? r->bin_instructions : "")
                                        : g_strdup("");
    head = g_markup_printf_escaped("<b>%s</b>%s%s%s. Nothing can be stored: the site keeps its "
                                   "calibration.", ll_outcome_name(run->outcome), bin,
                                   run->message ? " · " : "", run->message ? run->message : "");
  }
  gtk_label_set_markup(self->verdict_label, head);
  gtk_widget_set_sensitive(self->accept_button, pass);
  gtk_stack_set_visible_child_name(self->stack, "review");
}

/* The flow's step for the chosen site. */
static void
show_step(LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  const LlCalibrationResult *r = ll_gui_runner_measured_calibration(self->runner, site);
  if (ll_gui_runner_is_calibrating(self->runner, site)) {
    gtk_stack_set_visible_child_name(self->stack, "run");
  } else if (r) {
    show_review(self, r);
  } else {
    update_insert(self);
    gtk_stack_set_visible_child_name(self->stack, "insert");
  }
}

static void
on_run(GtkButton *button, LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  g_autofree gchar *serial = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->golden_row))));
  g_autoptr(GError) err = NULL;
  if (!*serial || !ll_gui_runner_calibrate(self->runner, site, serial, &err)) {
    set_message(self, err ? err->message : "enter or scan the golden module's serial first", TRUE);
    return;
  }
  set_message(self, NULL, FALSE);
  gtk_progress_bar_set_fraction(self->progress, 0);
  g_autofree gchar *text = g_strdup_printf("calibrating site %u with golden %s…", site, serial);
  gtk_label_set_label(self->step_label, text);
  gtk_stack_set_visible_child_name(self->stack, "run");
}

static void
on_golden_activate(AdwEntryRow *row, LlGuiCalibrationPage *self)
{
  if (gtk_widget_get_sensitive(self->run_button) &&
      g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "insert") == 0)
    on_run(NULL, self);
}

static void
on_stop(GtkButton *button, LlGuiCalibrationPage *self)
{
  ll_gui_runner_abort(self->runner, chosen_site(self));
}

static void
on_accept(GtkButton *button, LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  g_autoptr(GError) err = NULL;
  gint64 id = ll_gui_runner_accept_calibration(self->runner, site, &err);
  if (!id) {
    set_message(self, err->message, TRUE);
    return;
  }
  g_autofree gchar *text = g_strdup_printf("Stored as calibration %" G_GINT64_FORMAT " of site %u: the site "
                                           "tests with it.", id, site);
  set_message(self, text, FALSE);
  show_step(self);
}

static void
on_discard(GtkButton *button, LlGuiCalibrationPage *self)
{
  guint site = chosen_site(self);
  ll_gui_runner_discard_calibration(self->runner, site);
  g_autofree gchar *text = g_strdup_printf("Discarded: nothing stored; site %u keeps its calibration.", site);
  set_message(self, text, FALSE);
  show_step(self);
}

static void
on_calibration_event(LlGuiRunner *runner, LlGuiEvent *e, LlGuiCalibrationPage *self)
{
  if (e->site != chosen_site(self) || !e->total)
    return;
  gtk_progress_bar_set_fraction(self->progress, (double) e->done / e->total);
  g_autofree gchar *text = e->lane ? g_strdup_printf("%s · lane %u", e->step_id, e->lane) : g_strdup(e->step_id);
  gtk_label_set_label(self->step_label, text);
}

static void
on_calibration_finished(LlGuiRunner *runner, guint site, const char *error, LlGuiCalibrationPage *self)
{
  if (site != chosen_site(self))
    return;
  set_message(self, error, TRUE);
  show_step(self);
}

static void
on_calibration_changed(LlGuiRunner *runner, guint site, LlGuiCalibrationPage *self)
{
  load_history(self);
}

static void
on_site_chosen(GObject *row, GParamSpec *pspec, LlGuiCalibrationPage *self)
{
  set_message(self, NULL, FALSE);
  show_step(self);
  update_history(self);
}

static void
on_reference_chosen(GObject *row, GParamSpec *pspec, LlGuiCalibrationPage *self)
{
  guint i = adw_combo_row_get_selected(self->refs_row);
  if (self->refs && i < self->refs->len)
    gtk_editable_set_text(GTK_EDITABLE(self->golden_row),
                          ((LlGoldenReference *) self->refs->pdata[i])->serial);
}

static void
on_golden_changed(GtkEditable *editable, LlGuiCalibrationPage *self)
{
  update_insert(self);
}

static void
on_lane_chosen(GObject *row, GParamSpec *pspec, LlGuiCalibrationPage *self)
{
  gtk_widget_queue_draw(GTK_WIDGET(self->drift_area));
}

/* ---- instruments ---- */

static void
fill_instruments(LlGuiCalibrationPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove(self->instruments_group, self->rows->pdata[i]);
  g_ptr_array_set_size(self->rows, 0);
  GDate today;
  ll_gui_today(&today);
  const LlStationConfig *c = ll_gui_runner_get_config(self->runner);
  for (guint i = 0; i < c->instruments->len; i++) {
    const LlInstrumentConfig *ic = c->instruments->pdata[i];
    LlGuiCalState state = ll_gui_calibration_state(ic, &today, NULL);
    g_autofree gchar *text = ll_gui_calibration_text(ic, &today);
    g_autofree gchar *sub = ic->cal_cert ? g_strdup_printf("%s · certificate %s", text, ic->cal_cert)
                                         : g_strdup(text);
    g_autofree gchar *title = g_strdup_printf("%s (%s)", ic->name, ll_instrument_class_name(ic->klass));
    GtkWidget *row = ll_gui_plain_row(title, sub);
    const char *icon = state == LL_GUI_CAL_EXPIRED || state == LL_GUI_CAL_MISSING ? "dialog-error-symbolic"
                       : state == LL_GUI_CAL_DUE_SOON                            ? "dialog-warning-symbolic"
                       : state == LL_GUI_CAL_VALID                               ? "emblem-ok-symbolic"
                                                                                 : "list-remove-symbolic";
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name(icon));
    g_autofree gchar *name = g_strdup_printf("calibration-%s", ic->name);
    gtk_widget_set_name(row, name);
    adw_preferences_group_add(self->instruments_group, row);
    g_ptr_array_add(self->rows, row);
  }
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  LlGuiCalibrationPage *self = LL_GUI_CALIBRATION_PAGE(widget);
  fill_instruments(self);
  load_history(self);
}

/* ---- GObject ---- */

static void
ll_gui_calibration_page_dispose(GObject *object)
{
  LlGuiCalibrationPage *self = LL_GUI_CALIBRATION_PAGE(object);
  if (self->loading)
    g_cancellable_cancel(self->loading);
  g_clear_object(&self->loading);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->rows, g_ptr_array_unref);
  g_clear_pointer(&self->site_rows, g_ptr_array_unref);
  g_clear_pointer(&self->refs, g_ptr_array_unref);
  g_clear_pointer(&self->sets, g_ptr_array_unref);
  g_clear_pointer(&self->checks, g_ptr_array_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_CALIBRATION_PAGE);
  G_OBJECT_CLASS(ll_gui_calibration_page_parent_class)->dispose(object);
}

static void
ll_gui_calibration_page_class_init(LlGuiCalibrationPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_calibration_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-calibration.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, instruments_group);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, paths_group);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, guide_group);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, history_group);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, site_row);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, refs_row);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, lane_row);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, golden_row);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, stack);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, insert_label);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, step_label);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, verdict_label);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, message_label);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, progress);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, run_button);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, stop_button);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, accept_button);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, discard_button);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, review_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, history_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, checks_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiCalibrationPage, drift_area);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
}

static void
ll_gui_calibration_page_init(LlGuiCalibrationPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->rows = g_ptr_array_new();
  self->site_rows = g_ptr_array_new();
}

/* The combo rows' lists. */
static void
build_choices(LlGuiCalibrationPage *self)
{
  const LlStationConfig *c = ll_gui_runner_get_config(self->runner);
  const LlSequence *seq = ll_gui_runner_get_sequence(self->runner);
  g_autoptr(GtkStringList) sites = gtk_string_list_new(NULL);
  for (guint i = 0; i < ll_gui_runner_n_sites(self->runner); i++) {
    guint n = ll_gui_runner_site_number(self->runner, i);
    const LlSiteConfig *sc = ll_station_config_site(c, n);
    g_autofree gchar *title = g_strdup_printf("Site %u%s%s", n, sc && sc->fixture ? " · " : "",
                                              sc && sc->fixture ? sc->fixture : "");
    gtk_string_list_append(sites, title);
    GtkWidget *row = ll_gui_plain_row(title, "reading the results store…");
    GtkWidget *icon = gtk_image_new_from_icon_name("list-remove-symbolic");
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), icon);
    g_object_set_data(G_OBJECT(row), "icon", icon);
    g_autofree gchar *name = g_strdup_printf("path-loss-site-%u", n);
    gtk_widget_set_name(row, name);
    adw_preferences_group_add(self->paths_group, row);
    g_ptr_array_add(self->site_rows, row);
  }
  adw_combo_row_set_model(self->site_row, G_LIST_MODEL(sites));

  self->refs = ll_calibration_golden_references(c, seq->product);
  g_autoptr(GtkStringList) refs = gtk_string_list_new(NULL);
  for (guint i = 0; i < self->refs->len; i++) {
    const LlGoldenReference *r = self->refs->pdata[i];
    g_autofree gchar *when = r->characterized ? g_date_time_format(r->characterized, "%Y-%m-%d") : NULL;
    g_autofree gchar *text = g_strdup_printf("%s · %s%s%s%s%s", r->serial, r->product,
                                             when ? " · characterized " : "", when ? when : "",
                                             r->by ? " · " : "", r->by ? r->by : "");
    gtk_string_list_append(refs, text);
  }
  if (!self->refs->len) {
    g_autofree gchar *any = ll_golden_reference_path(c, "SERIAL");
    g_autofree gchar *text = g_strdup_printf("none for %s (reference files: %s)", seq->product, any);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->refs_row), text);
    gtk_widget_set_sensitive(GTK_WIDGET(self->refs_row), FALSE);
  }
  adw_combo_row_set_model(self->refs_row, G_LIST_MODEL(refs));

  g_autoptr(GtkStringList) lanes = gtk_string_list_new(NULL);
  for (guint lane = 1; lane <= seq->lanes; lane++) {
    g_autofree gchar *text = g_strdup_printf("%u", lane);
    gtk_string_list_append(lanes, text);
  }
  adw_combo_row_set_model(self->lane_row, G_LIST_MODEL(lanes));
}

GtkWidget *
ll_gui_calibration_new(LlGuiRunner *runner)
{
  LlGuiCalibrationPage *self = g_object_new(LL_GUI_TYPE_CALIBRATION_PAGE, NULL);
  self->runner = g_object_ref(runner);
  fill_instruments(self);
  build_choices(self);
  on_reference_chosen(NULL, NULL, self);
  gboolean calibrates = ll_gui_runner_calibrates_paths(runner);
  gtk_widget_set_sensitive(GTK_WIDGET(self->golden_row), calibrates);
  gtk_widget_set_sensitive(GTK_WIDGET(self->refs_row), calibrates && self->refs->len);
  gtk_drawing_area_set_draw_func(self->drift_area, draw_drift, self, NULL);
  g_signal_connect(self->run_button, "clicked", G_CALLBACK(on_run), self);
  g_signal_connect(self->stop_button, "clicked", G_CALLBACK(on_stop), self);
  g_signal_connect(self->accept_button, "clicked", G_CALLBACK(on_accept), self);
  g_signal_connect(self->discard_button, "clicked", G_CALLBACK(on_discard), self);
  g_signal_connect(self->golden_row, "entry-activated", G_CALLBACK(on_golden_activate), self);
  g_signal_connect(self->golden_row, "changed", G_CALLBACK(on_golden_changed), self);
  g_signal_connect(self->site_row, "notify::selected", G_CALLBACK(on_site_chosen), self);
  g_signal_connect(self->refs_row, "notify::selected", G_CALLBACK(on_reference_chosen), self);
  g_signal_connect(self->lane_row, "notify::selected", G_CALLBACK(on_lane_chosen), self);
  g_signal_connect(runner, "calibration-event", G_CALLBACK(on_calibration_event), self);
  g_signal_connect(runner, "calibration-finished", G_CALLBACK(on_calibration_finished), self);
  g_signal_connect(runner, "calibration-changed", G_CALLBACK(on_calibration_changed), self);
  show_step(self);
  load_history(self);
  return GTK_WIDGET(self);
}
