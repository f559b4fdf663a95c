/* ll-gui-site.c: see ll-gui-site.h. Lanes take the worst verdict seen so
 * far for them (pending < pass < error < fail); the lane a per-lane step is
 * working on is outlined. */
#include "ll-gui-site.h"
#include "ll-gui-format.h"

enum { LANE_PENDING, LANE_PASS, LANE_ERROR, LANE_FAIL };
static const char *const lane_classes[] = { "pending", "pass", "error", "fail" };
static const char *const verdict_classes[] = { "idle", "testing", "pass", "fail", "error", "aborted" };

struct _LlGuiSite {
  GtkBox parent;
  GtkLabel *title_label, *fixture_label, *state_label, *message_label;
  GtkEntry *serial_entry;
  GtkButton *start_button, *abort_button;
  GtkLabel *step_label, *percent_label;
  GtkProgressBar *progress_bar;
  GtkBox *lanes_box, *verdict_box;
  GtkLabel *verdict_label, *bin_label, *todo_label, *detail_label;
  guint number, n_lanes;
  GPtrArray *lanes;     /* of GtkLabel* */
  guint lane_state[32];
  guint active_lane;
  gboolean running;
};

enum { SIG_START, SIG_ABORT, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(LlGuiSite, ll_gui_site, GTK_TYPE_BOX)

static void
on_serial_activate(LlGuiSite *self)
{
  g_autofree gchar *serial = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->serial_entry))));
  g_signal_emit(self, signals[SIG_START], 0, serial);
}

static void
on_abort_clicked(LlGuiSite *self)
{
  g_signal_emit(self, signals[SIG_ABORT], 0);
}

static void
ll_gui_site_dispose(GObject *object)
{
  LlGuiSite *self = LL_GUI_SITE(object);
  g_clear_pointer(&self->lanes, g_ptr_array_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_SITE);
  G_OBJECT_CLASS(ll_gui_site_parent_class)->dispose(object);
}

static void
ll_gui_site_class_init(LlGuiSiteClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_site_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-site.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiSite, title_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, fixture_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, state_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, message_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, serial_entry);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, start_button);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, abort_button);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, step_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, percent_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, progress_bar);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, lanes_box);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, verdict_box);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, verdict_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, bin_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, todo_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSite, detail_label);
  gtk_widget_class_bind_template_callback(wc, on_serial_activate);
  gtk_widget_class_bind_template_callback(wc, on_abort_clicked);
  signals[SIG_START] = g_signal_new("start", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_ABORT] = g_signal_new("abort", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 0);
}

static void
ll_gui_site_init(LlGuiSite *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->lanes = g_ptr_array_new();
}

static void
set_class_of(GtkWidget *w, const char *const *classes, gsize n, const char *which)
{
  for (gsize i = 0; i < n; i++)
    gtk_widget_remove_css_class(w, classes[i]);
  gtk_widget_add_css_class(w, which);
}

static void
set_lane(LlGuiSite *self, guint lane, guint state)
{
  if (lane < 1 || lane > self->n_lanes || state <= self->lane_state[lane - 1])
    return;
  self->lane_state[lane - 1] = state;
  GtkWidget *w = self->lanes->pdata[lane - 1];
  set_class_of(w, lane_classes, G_N_ELEMENTS(lane_classes), lane_classes[state]);
  static const char *const words[] = { "waiting", "pass", "error", "FAIL" };
  g_autofree gchar *tip = g_strdup_printf("lane %u: %s", lane, words[state]);
  gtk_widget_set_tooltip_text(w, tip);
}

static void
set_active_lane(LlGuiSite *self, guint lane)
{
  if (self->active_lane >= 1 && self->active_lane <= self->n_lanes)
    gtk_widget_remove_css_class(self->lanes->pdata[self->active_lane - 1], "active");
  self->active_lane = lane;
  if (lane >= 1 && lane <= self->n_lanes)
    gtk_widget_add_css_class(self->lanes->pdata[lane - 1], "active");
}

static void
set_verdict(LlGuiSite *self, const char *klass, const char *word, const char *bin, const char *todo,
            const char *detail)
{
  set_class_of(GTK_WIDGET(self->verdict_box), verdict_classes, G_N_ELEMENTS(verdict_classes), klass);
  gtk_label_set_label(self->verdict_label, word);
  gtk_label_set_label(self->bin_label, bin ? bin : "");
  gtk_widget_set_visible(GTK_WIDGET(self->bin_label), bin && *bin);
  gtk_label_set_label(self->todo_label, todo ? todo : "");
  gtk_widget_set_visible(GTK_WIDGET(self->todo_label), todo && *todo);
  gtk_label_set_label(self->detail_label, detail ? detail : "");
  gtk_widget_set_visible(GTK_WIDGET(self->detail_label), detail && *detail);
}

GtkWidget *
ll_gui_site_new(guint number, const char *fixture, guint lanes)
{
  LlGuiSite *self = g_object_new(LL_GUI_TYPE_SITE, NULL);
  self->number = number;
  self->n_lanes = MIN(lanes, G_N_ELEMENTS(self->lane_state));
  g_autofree gchar *title = g_strdup_printf("Site %u", number);
  gtk_label_set_label(self->title_label, title);
  gtk_label_set_label(self->fixture_label, fixture ? fixture : "");
  for (guint i = 1; i <= self->n_lanes; i++) {
    g_autofree gchar *text = g_strdup_printf("%u", i);
    GtkWidget *lane = gtk_label_new(text);
    gtk_widget_add_css_class(lane, "lane");
    gtk_widget_add_css_class(lane, "pending");
    g_autofree gchar *name = g_strdup_printf("lane-%u", i);
    gtk_widget_set_name(lane, name);
    gtk_box_append(self->lanes_box, lane);
    g_ptr_array_add(self->lanes, lane);
  }
  gtk_widget_set_visible(GTK_WIDGET(self->lanes_box), self->n_lanes > 0);
  return GTK_WIDGET(self);
}

guint
ll_gui_site_get_number(LlGuiSite *self)
{
  return self->number;
}

GtkWidget *
ll_gui_site_get_entry(LlGuiSite *self)
{
  return GTK_WIDGET(self->serial_entry);
}

gboolean
ll_gui_site_is_running(LlGuiSite *self)
{
  return self->running;
}

void
ll_gui_site_set_message(LlGuiSite *self, const char *message)
{
  gtk_label_set_label(self->message_label, message ? message : "");
  gtk_widget_set_visible(GTK_WIDGET(self->message_label), message != NULL);
}

const char *
ll_gui_site_get_message(LlGuiSite *self)
{
  return gtk_widget_get_visible(GTK_WIDGET(self->message_label))
           ? gtk_label_get_label(self->message_label)
           : NULL;
}

void
ll_gui_site_run_started(LlGuiSite *self, const char *serial)
{
  self->running = TRUE;
  ll_gui_site_set_message(self, NULL);
  gtk_editable_set_text(GTK_EDITABLE(self->serial_entry), "");
  gtk_widget_set_sensitive(GTK_WIDGET(self->abort_button), TRUE);
  gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), FALSE);
  gtk_label_set_label(self->state_label, "Testing");
  gtk_label_set_label(self->step_label, "Starting");
  gtk_label_set_label(self->percent_label, "0 %");
  gtk_progress_bar_set_fraction(self->progress_bar, 0);
  set_active_lane(self, 0);
  for (guint i = 0; i < self->n_lanes; i++) {
    self->lane_state[i] = LANE_PENDING;
    set_class_of(self->lanes->pdata[i], lane_classes, G_N_ELEMENTS(lane_classes), "pending");
    gtk_widget_set_tooltip_text(self->lanes->pdata[i], NULL);
  }
  set_verdict(self, "testing", "TESTING", serial, "Leave the unit in the fixture", NULL);
}

static void
set_progress(LlGuiSite *self, guint done, guint total)
{
  double f = total ? (double) done / total : 0;
  gtk_progress_bar_set_fraction(self->progress_bar, CLAMP(f, 0, 1));
  g_autofree gchar *pct = g_strdup_printf("%.0f %%", 100 * CLAMP(f, 0, 1));
  gtk_label_set_label(self->percent_label, pct);
}

void
ll_gui_site_event(LlGuiSite *self, const LlGuiEvent *e)
{
  if (!self->running)
    return;
  switch (e->kind) {
  case LL_EVENT_STEP_STARTED: {
    g_autofree gchar *text = e->lane ? g_strdup_printf("%s · lane %u", e->step_id, e->lane)
                                     : g_strdup(e->step_id);
    g_autofree gchar *shown = e->group == LL_GROUP_MAIN
                                ? g_steal_pointer(&text)
                                : g_strdup_printf("%s (%s)", text, ll_step_group_name(e->group));
    gtk_label_set_label(self->step_label, shown);
    set_active_lane(self, e->lane);
    set_progress(self, e->done, e->total);
    break;
  }
  case LL_EVENT_MEASUREMENT:
    if (e->judged) {
      g_autofree gchar *lane = e->lane ? g_strdup_printf(" lane %u", e->lane) : g_strdup("");
      g_autofree gchar *last = g_strdup_printf("last: %s%s · %s = %s (%s)", e->step_id, lane,
                                               e->name, e->value_text,
                                               e->verdict == LL_VERDICT_PASS   ? "pass"
                                               : e->verdict == LL_VERDICT_FAIL ? "FAIL"
                                                                               : "error");
      gtk_label_set_label(self->detail_label, last);
      gtk_widget_set_visible(GTK_WIDGET(self->detail_label), TRUE);
    }
    if (e->judged && e->lane)
      set_lane(self, e->lane, e->verdict == LL_VERDICT_PASS   ? LANE_PASS
                              : e->verdict == LL_VERDICT_FAIL ? LANE_FAIL
                                                              : LANE_ERROR);
    break;
  case LL_EVENT_STEP_FINISHED:
    if (e->lane && e->step_verdict == LL_STEP_FAIL)
      set_lane(self, e->lane, LANE_FAIL);
    else if (e->lane && e->step_verdict == LL_STEP_ERROR)
      set_lane(self, e->lane, LANE_ERROR);
    set_progress(self, e->done, e->total);
    break;
  default:
    break;
  }
}

/* The first value outside its limit, for the operator's detail line. */
static gchar *
first_failure(const LlRunResult *r)
{
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if (!m->judged || m->judgement.verdict != LL_VERDICT_FAIL)
      continue;
    g_autofree gchar *v = ll_gui_value_text(&m->value);
    g_autofree gchar *lane = m->lane ? g_strdup_printf(" lane %u", m->lane) : g_strdup("");
    g_autofree gchar *limit = m->limit ? ll_gui_limit_text(m->limit) : g_strdup(m->limit_name);
    return g_strdup_printf("%s%s: %s = %s, limit %s", m->step_id, lane, m->name, v, limit);
  }
  return NULL;
}

void
ll_gui_site_run_refused(LlGuiSite *self, const char *message)
{
  self->running = FALSE;
  gtk_widget_set_sensitive(GTK_WIDGET(self->abort_button), FALSE);
  gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), TRUE);
  gtk_label_set_label(self->state_label, "Ready for the next unit");
  gtk_label_set_label(self->step_label, "Not tested");
  set_verdict(self, "idle", "REFUSED", NULL, "Set the unit aside for the test engineer", message);
  ll_gui_site_set_message(self, message);
  gtk_widget_grab_focus(GTK_WIDGET(self->serial_entry));
}

void
ll_gui_site_run_finished(LlGuiSite *self, const LlRunResult *r, gint64 run_id)
{
  self->running = FALSE;
  set_active_lane(self, 0);
  gtk_widget_set_sensitive(GTK_WIDGET(self->abort_button), FALSE);
  gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), TRUE);
  double secs = (r->finished_us - r->started_us) / 1e6;
  g_autofree gchar *recorded = run_id ? g_strdup_printf(" · recorded as run %" G_GINT64_FORMAT, run_id)
                                      : g_strdup(" · not recorded");
  g_autofree gchar *took = g_strdup_printf("%s done in %.0f s%s", r->serial, secs, recorded);
  gtk_label_set_label(self->step_label, took);
  gtk_label_set_label(self->state_label, "Ready for the next unit");
  g_autofree gchar *bin = r->bin ? g_strdup_printf("%s · bin %u · %s", r->serial, r->bin->number,
                                                   r->bin->name)
                                 : NULL;
  g_autofree gchar *bin_todo = r->bin && r->bin->instructions
                                 ? g_strdup(r->bin->instructions)
                                 : r->bin ? g_strdup_printf("put it with bin %u", r->bin->number)
                                          : NULL;
  switch (r->outcome) {
  case LL_OUTCOME_PASS:
    set_progress(self, 1, 1);
    set_verdict(self, "pass", "PASS", bin, bin_todo, NULL);
    break;
  case LL_OUTCOME_FAIL: {
    set_progress(self, 1, 1);
    g_autofree gchar *why = first_failure(r);
    set_verdict(self, "fail", "FAIL", bin, bin_todo, why ? why : r->message);
    break;
  }
  case LL_OUTCOME_ABORTED: {
    g_autofree gchar *what = g_strdup_printf("%s · no bin", r->serial);
    set_verdict(self, "aborted", "ABORTED", what,
                "Test the unit again: the module was powered down", r->message);
    break;
  }
  case LL_OUTCOME_ERROR:
  default: {
    g_autofree gchar *what = g_strdup_printf("%s · no bin: the station could not decide", r->serial);
    set_verdict(self, "error", "ERROR", what,
                "Test the unit again; if it happens again, call the test engineer", r->message);
    break;
  }
  }
  gtk_widget_grab_focus(GTK_WIDGET(self->serial_entry));
}
