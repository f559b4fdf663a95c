/* ll-gui-operator.c: see ll-gui-operator.h. */
#include "ll-gui-operator.h"
#include "ll-gui-serial.h"
#include "ll-gui-widgets.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

typedef struct {
  GtkWidget *icon;
  GtkLabel *state, *cal;
  GtkWidget *box;
} Chip;

struct _LlGuiOperator {
  GtkBox parent;
  GtkLabel *station_label, *sequence_label, *bench_label, *calibration_label;
  GtkFlowBox *instruments_box, *sites_box;
  GtkBox *counters_box;
  LlGuiRunner *runner;
  gchar *pattern;
  const char *pattern_description, *pattern_example;
  GPtrArray *sites;        /* of LlGuiSite* */
  GHashTable *chips;       /* instrument name -> Chip* */
  LlGuiShiftCounts counts;
  GtkLabel *count_labels[5];
};

G_DEFINE_FINAL_TYPE(LlGuiOperator, ll_gui_operator, GTK_TYPE_BOX)

static void
ll_gui_operator_dispose(GObject *object)
{
  LlGuiOperator *self = LL_GUI_OPERATOR(object);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->sites, g_ptr_array_unref);
  g_clear_pointer(&self->chips, g_hash_table_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_OPERATOR);
  G_OBJECT_CLASS(ll_gui_operator_parent_class)->dispose(object);
}

static void
ll_gui_operator_finalize(GObject *object)
{
  g_free(LL_GUI_OPERATOR(object)->pattern);
  G_OBJECT_CLASS(ll_gui_operator_parent_class)->finalize(object);
}

static void
ll_gui_operator_class_init(LlGuiOperatorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_operator_dispose;
  G_OBJECT_CLASS(klass)->finalize = ll_gui_operator_finalize;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-operator.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, station_label);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, sequence_label);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, bench_label);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, calibration_label);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, instruments_box);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, sites_box);
  gtk_widget_class_bind_template_child(wc, LlGuiOperator, counters_box);
}

static void
ll_gui_operator_init(LlGuiOperator *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->sites = g_ptr_array_new();
  self->chips = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* ---- station status ---- */

static void
update_chip(LlGuiOperator *self, const char *name)
{
  Chip *chip = g_hash_table_lookup(self->chips, name);
  const LlGuiInstrumentState *s = ll_gui_runner_instrument(self->runner, name);
  if (!chip || !s)
    return;
  const LlInstrumentConfig *ic =
    ll_station_config_find(ll_gui_runner_get_config(self->runner), name);
  GDate today;
  ll_gui_today(&today);
  LlGuiCalState cal = ll_gui_calibration_state(ic, &today, NULL);
  const char *state = "not connected";
  gboolean ok = FALSE, bad = FALSE;
  switch (s->connection) {
  case LL_GUI_INSTRUMENT_CONNECTING: state = "connecting…"; break;
  case LL_GUI_INSTRUMENT_CONNECTED: state = "connected"; ok = TRUE; break;
  case LL_GUI_INSTRUMENT_DISCONNECTED: state = "disconnected"; bad = TRUE; break;
  case LL_GUI_INSTRUMENT_FAILED: state = "not answering"; bad = TRUE; break;
  default: break;
  }
  gtk_label_set_label(chip->state, state);
  gtk_widget_set_tooltip_text(chip->box, s->error ? s->error : NULL);
  g_autofree gchar *cal_text = NULL;
  gchar due[16] = "";
  if (g_date_valid(&ic->cal_due))
    g_date_strftime(due, sizeof due, "%Y-%m-%d", &ic->cal_due);
  switch (cal) {
  case LL_GUI_CAL_NOT_NEEDED: cal_text = g_strdup("no calibration needed"); break;
  case LL_GUI_CAL_VALID: cal_text = g_strdup_printf("cal. until %s", due); break;
  case LL_GUI_CAL_DUE_SOON: cal_text = g_strdup_printf("cal. due %s", due); break;
  case LL_GUI_CAL_EXPIRED: cal_text = g_strdup_printf("cal. EXPIRED %s", due); bad = TRUE; break;
  case LL_GUI_CAL_MISSING: cal_text = g_strdup("no cal. date"); bad = TRUE; break;
  }
  gtk_label_set_label(chip->cal, cal_text);
  gtk_widget_remove_css_class(chip->box, "ok");
  gtk_widget_remove_css_class(chip->box, "warn");
  gtk_widget_remove_css_class(chip->box, "bad");
  gboolean warn = cal == LL_GUI_CAL_DUE_SOON || s->connection == LL_GUI_INSTRUMENT_CONNECTING ||
                  s->connection == LL_GUI_INSTRUMENT_UNKNOWN;
  const char *klass = bad ? "bad" : warn ? "warn" : ok ? "ok" : "warn";
  gtk_widget_add_css_class(chip->box, klass);
  gtk_image_set_from_icon_name(GTK_IMAGE(chip->icon), bad    ? "dialog-error-symbolic"
                                                      : warn ? "dialog-warning-symbolic"
                                                             : "emblem-ok-symbolic");
}

/* The alert line: what blocks a start, for the first site it blocks. */
static void
update_calibration_alert(LlGuiOperator *self)
{
  GDate today;
  ll_gui_today(&today);
  g_autoptr(GString) text = g_string_new(NULL);
  for (guint i = 0; i < ll_gui_runner_n_sites(self->runner); i++) {
    g_autoptr(GError) err = NULL;
    if (!ll_gui_runner_check_calibration(self->runner, ll_gui_runner_site_number(self->runner, i),
                                         &today, &err) &&
        !strstr(text->str, err->message))
      g_string_append_printf(text, "%sTesting is blocked: %s", text->len ? "\n" : "", err->message);
  }
  gtk_label_set_label(self->calibration_label, text->str);
  gtk_widget_set_visible(GTK_WIDGET(self->calibration_label), text->len > 0);
}

static void
on_instrument_changed(LlGuiRunner *runner, const char *name, LlGuiOperator *self)
{
  update_chip(self, name);
}

static void
build_status(LlGuiOperator *self)
{
  const LlStationConfig *c = ll_gui_runner_get_config(self->runner);
  const LlSequence *seq = ll_gui_runner_get_sequence(self->runner);
  GPtrArray *tables = ll_gui_runner_get_tables(self->runner);
  g_autofree gchar *station = g_strdup_printf("%s · line %s", c->id, c->line ? c->line : "-");
  gtk_label_set_label(self->station_label, station);
  g_autoptr(GString) s = g_string_new(NULL);
  g_autofree gchar *head = g_markup_printf_escaped("Sequence <b>%s</b> %s", seq->id, seq->version);
  g_string_append(s, head);
  for (guint i = 0; i < tables->len; i++) {
    const LlLimitsTable *t = tables->pdata[i];
    g_autofree gchar *line = g_markup_printf_escaped("\nLimits <b>%s</b> %s%s", t->id, t->version,
                                                     t->provisional ? " (provisional)" : "");
    g_string_append(s, line);
  }
  g_autofree gchar *product = g_markup_printf_escaped("\n%s, %u lanes", seq->product, seq->lanes);
  g_string_append(s, product);
  gtk_label_set_markup(self->sequence_label, s->str);
  const char *bench = !c->simulation ? "real instruments"
                      : ll_gui_runner_is_virtual(self->runner) ? "simulated bench, virtual time"
                                                               : "simulated bench, real time";
  g_autofree gchar *b = g_strdup_printf("%s · serials like %s", bench,
                                        self->pattern_example ? self->pattern_example : self->pattern);
  gtk_label_set_label(self->bench_label, b);

  GPtrArray *all = ll_station_instruments(ll_gui_runner_get_station(self->runner));
  for (guint i = 0; i < all->len; i++) {
    const LlInstrumentConfig *ic = ll_instrument_config(all->pdata[i]);
    Chip *chip = g_new0(Chip, 1);
    chip->box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_widget_add_css_class(chip->box, "chip");
    g_autofree gchar *wname = g_strdup_printf("instrument-%s", ic->name);
    gtk_widget_set_name(chip->box, wname);
    chip->icon = gtk_image_new_from_icon_name("dialog-warning-symbolic");
    gtk_widget_set_valign(chip->icon, GTK_ALIGN_CENTER);
    gtk_box_append(GTK_BOX(chip->box), chip->icon);
    GtkWidget *col = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    g_autofree gchar *title = g_markup_printf_escaped("<b>%s</b> <small>%s</small>", ic->name,
                                                      ll_instrument_class_name(ic->klass));
    GtkWidget *name = gtk_label_new(NULL);
    gtk_label_set_markup(GTK_LABEL(name), title);
    gtk_label_set_xalign(GTK_LABEL(name), 0);
    gtk_label_set_ellipsize(GTK_LABEL(name), PANGO_ELLIPSIZE_END);
    chip->state = GTK_LABEL(gtk_label_new(NULL));
    chip->cal = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(chip->state, 0);
    gtk_label_set_xalign(chip->cal, 0);
    gtk_widget_add_css_class(GTK_WIDGET(chip->state), "caption");
    gtk_widget_add_css_class(GTK_WIDGET(chip->cal), "caption");
    gtk_box_append(GTK_BOX(col), name);
    gtk_box_append(GTK_BOX(col), GTK_WIDGET(chip->state));
    gtk_box_append(GTK_BOX(col), GTK_WIDGET(chip->cal));
    gtk_box_append(GTK_BOX(chip->box), col);
    gtk_flow_box_append(self->instruments_box, chip->box);
    g_hash_table_insert(self->chips, g_strdup(ic->name), chip);
    update_chip(self, ic->name);
  }
  update_calibration_alert(self);
}

/* ---- counters ---- */

double
ll_gui_shift_yield(const LlGuiShiftCounts *c)
{
  return c->tested ? 100.0 * c->passed / c->tested : NAN;
}

static void
update_counters(LlGuiOperator *self)
{
  const LlGuiShiftCounts *c = &self->counts;
  guint values[] = { c->tested, c->passed, c->failed, c->errors };
  for (guint i = 0; i < 4; i++) {
    g_autofree gchar *v = g_strdup_printf("%u", values[i]);
    gtk_label_set_label(self->count_labels[i], v);
  }
  double y = ll_gui_shift_yield(c);
  g_autofree gchar *yield = isnan(y) ? g_strdup("–") : g_strdup_printf("%.1f %%", y);
  gtk_label_set_label(self->count_labels[4], yield);
}

static void
build_counters(LlGuiOperator *self)
{
  static const char *const captions[] = { "Tested", "Passed", "Failed", "Errors (retest)",
                                          "Yield (passed / tested)" };
  static const char *const names[] = { "count-tested", "count-passed", "count-failed",
                                       "count-errors", "count-yield" };
  for (guint i = 0; i < 5; i++) {
    GtkWidget *col = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *value = gtk_label_new("0");
    gtk_widget_set_name(value, names[i]);
    gtk_widget_add_css_class(value, "title-1");
    gtk_widget_add_css_class(value, "numeric");
    GtkWidget *caption = gtk_label_new(captions[i]);
    gtk_widget_add_css_class(caption, "dim-label");
    gtk_box_append(GTK_BOX(col), value);
    gtk_box_append(GTK_BOX(col), caption);
    gtk_box_append(self->counters_box, col);
    self->count_labels[i] = GTK_LABEL(value);
  }
  update_counters(self);
}

void
ll_gui_operator_get_counts(LlGuiOperator *self, LlGuiShiftCounts *out)
{
  *out = self->counts;
}

/* ---- sites ---- */

LlGuiSite *
ll_gui_operator_get_site(LlGuiOperator *self, guint number)
{
  for (guint i = 0; i < self->sites->len; i++)
    if (ll_gui_site_get_number(self->sites->pdata[i]) == number)
      return self->sites->pdata[i];
  return NULL;
}

void
ll_gui_operator_focus_serial(LlGuiOperator *self)
{
  for (guint i = 0; i < self->sites->len; i++) {
    LlGuiSite *site = self->sites->pdata[i];
    if (!ll_gui_site_is_running(site)) {
      gtk_widget_grab_focus(ll_gui_site_get_entry(site));
      return;
    }
  }
  if (self->sites->len)
    gtk_widget_grab_focus(ll_gui_site_get_entry(self->sites->pdata[0]));
}

static void
on_site_start(LlGuiSite *site, const char *serial, LlGuiOperator *self)
{
  g_autoptr(GError) err = NULL;
  if (!ll_gui_serial_check(self->pattern, self->pattern_description, self->pattern_example, serial,
                           &err) ||
      !ll_gui_runner_start(self->runner, ll_gui_site_get_number(site), serial, &err)) {
    ll_gui_site_set_message(site, err->message);
    GtkWidget *entry = ll_gui_site_get_entry(site);
    gtk_widget_grab_focus(entry);
    /* the next scan replaces what was refused */
    gtk_editable_select_region(GTK_EDITABLE(entry), 0, -1);
    gtk_widget_error_bell(entry);
    return;
  }
  ll_gui_operator_focus_serial(self);
}

typedef struct {
  LlGuiOperator *self;
  guint site;
} AbortAsk;

static void
on_abort_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
  AbortAsk *ask = data;
  if (g_strcmp0(response, "confirm") == 0) {
    for (guint i = 0; i < ask->self->sites->len; i++) {
      guint n = ll_gui_site_get_number(ask->self->sites->pdata[i]);
      if (ask->site == 0 || ask->site == n)
        ll_gui_runner_abort(ask->self->runner, n);
    }
  }
}

void
ll_gui_operator_ask_abort(LlGuiOperator *self, guint site)
{
  g_autoptr(GString) which = g_string_new(NULL);
  guint n_running = 0;
  for (guint i = 0; i < self->sites->len; i++) {
    LlGuiSite *s = self->sites->pdata[i];
    guint n = ll_gui_site_get_number(s);
    if ((site == 0 || site == n) && ll_gui_runner_is_busy(self->runner, n)) {
      g_string_append_printf(which, "%s%u", n_running++ ? ", " : "", n);
    }
  }
  if (!n_running)
    return;
  g_autofree gchar *heading = g_strdup_printf("Abort the test on site%s %s?",
                                              n_running > 1 ? "s" : "", which->str);
  AbortAsk *ask = g_new(AbortAsk, 1);
  *ask = (AbortAsk) { self, site };
  GtkWidget *dialog = ll_gui_confirm(
    GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(self))), heading,
    "The test stops after the step in flight. Cleanup still runs: the module is powered down. "
    "The unit gets no bin; test it again.",
    "_Keep Testing", "_Abort", G_CALLBACK(on_abort_response), ask, g_free);
  gtk_widget_set_name(dialog, "abort-dialog");
}

static void
on_site_abort(LlGuiSite *site, LlGuiOperator *self)
{
  ll_gui_operator_ask_abort(self, ll_gui_site_get_number(site));
}

static void
on_run_started(LlGuiRunner *runner, guint site, const char *serial, LlGuiOperator *self)
{
  LlGuiSite *panel = ll_gui_operator_get_site(self, site);
  if (panel)
    ll_gui_site_run_started(panel, serial);
}

static void
on_event(LlGuiRunner *runner, LlGuiEvent *e, LlGuiOperator *self)
{
  LlGuiSite *panel = ll_gui_operator_get_site(self, e->site);
  if (panel)
    ll_gui_site_event(panel, e);
}

static void
on_run_finished(LlGuiRunner *runner, guint site, gpointer result, gint64 run_id,
                LlGuiOperator *self)
{
  const LlRunResult *r = result;
  LlGuiSite *panel = ll_gui_operator_get_site(self, site);
  if (panel)
    ll_gui_site_run_finished(panel, r, run_id);
  switch (r->outcome) {
  case LL_OUTCOME_PASS: self->counts.passed++; self->counts.tested++; break;
  case LL_OUTCOME_FAIL: self->counts.failed++; self->counts.tested++; break;
  case LL_OUTCOME_ERROR: self->counts.errors++; self->counts.tested++; break;
  default: self->counts.aborted++; break;
  }
  update_counters(self);
  update_calibration_alert(self);
}

static void
on_calibration_changed(LlGuiRunner *runner, guint site, LlGuiOperator *self)
{
  update_calibration_alert(self);
}

static void
on_run_refused(LlGuiRunner *runner, guint site, const char *message, LlGuiOperator *self)
{
  LlGuiSite *panel = ll_gui_operator_get_site(self, site);
  if (panel)
    ll_gui_site_run_refused(panel, message);
}

GtkWidget *
ll_gui_operator_new(LlGuiRunner *runner, const char *serial_pattern)
{
  LlGuiOperator *self = g_object_new(LL_GUI_TYPE_OPERATOR, NULL);
  self->runner = g_object_ref(runner);
  const LlSequence *seq = ll_gui_runner_get_sequence(runner);
  if (serial_pattern) {
    self->pattern = g_strdup(serial_pattern);
  } else {
    const LlGuiSerialFormat *f = ll_gui_serial_format(seq->product);
    self->pattern = g_strdup(f->pattern);
    self->pattern_description = f->description;
    self->pattern_example = f->example;
  }
  build_status(self);
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  guint n = ll_gui_runner_n_sites(runner);
  gtk_flow_box_set_min_children_per_line(self->sites_box, MIN(n, 4));
  gtk_flow_box_set_max_children_per_line(self->sites_box, MIN(n, 4));
  for (guint i = 0; i < n; i++) {
    guint number = ll_gui_runner_site_number(runner, i);
    const LlSiteConfig *sc = ll_station_config_site(c, number);
    GtkWidget *site = ll_gui_site_new(number, sc ? sc->fixture : NULL, seq->lanes);
    g_signal_connect(site, "start", G_CALLBACK(on_site_start), self);
    g_signal_connect(site, "abort", G_CALLBACK(on_site_abort), self);
    gtk_flow_box_append(self->sites_box, site);
    gtk_widget_set_focusable(gtk_widget_get_parent(site), FALSE);
    g_ptr_array_add(self->sites, site);
  }
  build_counters(self);
  g_signal_connect(runner, "instrument-changed", G_CALLBACK(on_instrument_changed), self);
  g_signal_connect(runner, "run-started", G_CALLBACK(on_run_started), self);
  g_signal_connect(runner, "event", G_CALLBACK(on_event), self);
  g_signal_connect(runner, "run-finished", G_CALLBACK(on_run_finished), self);
  g_signal_connect(runner, "run-refused", G_CALLBACK(on_run_refused), self);
  g_signal_connect(runner, "calibration-changed", G_CALLBACK(on_calibration_changed), self);
  return GTK_WIDGET(self);
}
