/* ll-gui-quality.c: the Quality screen (ll-gui-pages.h). From the results
 * store (when the station records): runs, units, yield and first-pass
 * yield of this station's sequence, and the runs by bin; a lot report of
 * them. Then the units tested since the application started, newest
 * first, each with its unit report (reports/ll-report.h, the same
 * workbooks `lightline report` writes). Store queries and reports run on
 * worker threads. Without a store, the bins are this shift's. Actions:
 *   quality.unit-report (xs)  run id, .xlsx path: write that run's report
 *   quality.lot-report (s)    .xlsx path: the lot report */
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

#include "ll-report.h"

#include <adwaita.h>
#include <math.h>

#define LL_GUI_TYPE_QUALITY_PAGE (ll_gui_quality_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, LL, GUI_QUALITY_PAGE, GtkBox)

struct _LlGuiQualityPage {
  GtkBox parent;
  AdwPreferencesGroup *store_group, *bins_group, *units_group;
  GtkButton *lot_button;
  LlGuiRunner *runner;
  GCancellable *cancel;
  GPtrArray *store_rows, *bin_rows; /* of GtkWidget* in their groups */
  GtkListBox *unit_list;
  GtkWidget *empty_row;
  GHashTable *shift_bins;           /* bin or outcome -> count, without a store */
  guint shift_units;
  gboolean querying, query_again;
};

G_DEFINE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, GTK_TYPE_BOX)

static void
clear_rows(AdwPreferencesGroup *group, GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove(group, rows->pdata[i]);
  g_ptr_array_set_size(rows, 0);
}

static GtkWidget *
add_row(AdwPreferencesGroup *group, GPtrArray *rows, const char *title, const char *value,
        double fraction)
{
  GtkWidget *row = ll_gui_plain_row(title, NULL);
  if (!isnan(fraction)) {
    GtkWidget *bar = gtk_level_bar_new_for_interval(0, 1);
    gtk_level_bar_set_value(GTK_LEVEL_BAR(bar), CLAMP(fraction, 0, 1));
    gtk_widget_set_size_request(bar, 200, -1);
    gtk_widget_set_valign(bar, GTK_ALIGN_CENTER);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), bar);
  }
  GtkWidget *label = gtk_label_new(value);
  gtk_widget_add_css_class(label, "numeric");
  gtk_widget_set_size_request(label, 150, -1);
  gtk_label_set_xalign(GTK_LABEL(label), 1);
  adw_action_row_add_suffix(ADW_ACTION_ROW(row), label);
  adw_preferences_group_add(group, row);
  g_ptr_array_add(rows, row);
  return row;
}

static gchar *
percent(double v)
{
  return isnan(v) ? g_strdup("–") : g_strdup_printf("%.1f %%", 100 * v);
}

/* ---- from the store ---- */

static void
stats_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  LlGuiRunner *runner = source;
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  LlStatsFilter filter = { .station_id = c->id, .operation = ll_gui_runner_get_sequence(runner)->id };
  GError *err = NULL;
  LlStats *stats = ll_store_stats(ll_gui_runner_get_store(runner), &filter, &err);
  if (stats)
    g_task_return_pointer(task, stats, (GDestroyNotify) ll_stats_free);
  else
    g_task_return_error(task, err);
}

static void query_store(LlGuiQualityPage *self);

static void
on_stats(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStats) stats = g_task_propagate_pointer(G_TASK(result), &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiQualityPage *self = data;
  self->querying = FALSE;
  clear_rows(self->store_group, self->store_rows);
  clear_rows(self->bins_group, self->bin_rows);
  if (!stats) {
    add_row(self->store_group, self->store_rows, "The store cannot be read", err->message, NAN);
  } else {
    g_autofree gchar *runs = g_strdup_printf("%u", stats->runs);
    g_autofree gchar *units = g_strdup_printf("%u", stats->units);
    g_autofree gchar *yield = percent(stats->yield);
    g_autofree gchar *fpy = percent(stats->first_pass_yield);
    add_row(self->store_group, self->store_rows, "Runs", runs, NAN);
    add_row(self->store_group, self->store_rows, "Units", units, NAN);
    add_row(self->store_group, self->store_rows, "Yield (each unit's last run)", yield, stats->yield);
    add_row(self->store_group, self->store_rows, "First-pass yield", fpy, stats->first_pass_yield);
    for (guint i = 0; i < stats->bins->len; i++) {
      const LlBinCount *b = stats->bins->pdata[i];
      g_autofree gchar *title = b->number ? g_strdup_printf("bin %u %s", b->number, b->name)
                                          : g_strdup(b->name);
      g_autofree gchar *count = g_strdup_printf("%u run%s", b->runs, b->runs == 1 ? "" : "s");
      add_row(self->bins_group, self->bin_rows, title, count,
              stats->runs ? (double) b->runs / stats->runs : NAN);
    }
  }
  if (self->query_again) {
    self->query_again = FALSE;
    query_store(self);
  }
}

static void
query_store(LlGuiQualityPage *self)
{
  if (!ll_gui_runner_get_store(self->runner))
    return;
  if (self->querying) {
    self->query_again = TRUE;
    return;
  }
  self->querying = TRUE;
  g_autoptr(GTask) task = g_task_new(self->runner, self->cancel, on_stats, self);
  g_task_set_name(task, "ll-gui-stats");
  g_task_run_in_thread(task, stats_thread);
}

/* ---- reports ---- */

typedef struct {
  gchar *db, *path, *serial;
  gint64 run_id;   /* 0: the lot report */
  gchar *station_id, *operation;
} ReportJob;

static void
report_job_free(gpointer p)
{
  ReportJob *j = p;
  g_free(j->db);
  g_free(j->path);
  g_free(j->serial);
  g_free(j->station_id);
  g_free(j->operation);
  g_free(j);
}

static void
report_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  ReportJob *j = data;
  GError *err = NULL;
  gboolean ok;
  if (j->run_id) {
    ok = ll_report_unit(j->db, j->run_id, NULL, j->path, NULL, &err);
  } else {
    LlReportFilter filter = { .station_id = j->station_id, .operation = j->operation };
    ok = ll_report_lot(j->db, &filter, j->path, NULL, &err);
  }
  if (ok)
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, err);
}

static void
toast(LlGuiQualityPage *self, const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor(GTK_WIDGET(self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay)
    adw_toast_overlay_add_toast(ADW_TOAST_OVERLAY(overlay), adw_toast_new(text));
}

static void
on_report(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  gboolean ok = g_task_propagate_boolean(G_TASK(result), &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiQualityPage *self = data;
  ReportJob *j = g_task_get_task_data(G_TASK(result));
  g_autofree gchar *text = ok ? g_strdup_printf("Report written: %s", j->path)
                              : g_strdup_printf("No report: %s", err->message);
  toast(self, text);
}

static void
write_report(LlGuiQualityPage *self, gint64 run_id, const char *path)
{
  LlStore *store = ll_gui_runner_get_store(self->runner);
  if (!store) {
    toast(self, "No report: this station does not record its runs (no database)");
    return;
  }
  ReportJob *j = g_new0(ReportJob, 1);
  j->db = g_strdup(ll_store_path(store));
  j->path = g_strdup(path);
  j->run_id = run_id;
  j->station_id = g_strdup(ll_gui_runner_get_config(self->runner)->id);
  j->operation = g_strdup(ll_gui_runner_get_sequence(self->runner)->id);
  g_autoptr(GTask) task = g_task_new(self->runner, self->cancel, on_report, self);
  g_task_set_name(task, "ll-gui-report");
  g_task_set_task_data(task, j, report_job_free);
  g_task_run_in_thread(task, report_thread);
}

static void
unit_report_action(GtkWidget *widget, const char *action, GVariant *param)
{
  gint64 run_id = 0;
  const char *path = NULL;
  g_variant_get(param, "(x&s)", &run_id, &path);
  write_report(LL_GUI_QUALITY_PAGE(widget), run_id, path);
}

static void
lot_report_action(GtkWidget *widget, const char *action, GVariant *param)
{
  write_report(LL_GUI_QUALITY_PAGE(widget), 0, g_variant_get_string(param, NULL));
}

typedef struct {
  LlGuiQualityPage *self;
  gint64 run_id;
} Choice;

static void
on_chosen(GtkNativeDialog *dialog, int response, gpointer data)
{
  Choice *c = data;
  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
    g_autofree gchar *path = g_file_get_path(file);
    if (path)
      write_report(c->self, c->run_id, path);
  }
  g_object_unref(dialog);
  g_free(c);
}

static void
choose_file(LlGuiQualityPage *self, gint64 run_id, const char *suggested)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new(
    run_id ? "Save the Unit Report" : "Save the Lot Report",
    GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(self))), GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog), suggested);
  Choice *c = g_new(Choice, 1);
  *c = (Choice) { self, run_id };
  g_signal_connect(dialog, "response", G_CALLBACK(on_chosen), c);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}

static void
on_unit_report_clicked(GtkButton *button, LlGuiQualityPage *self)
{
  gint64 run_id = *(gint64 *) g_object_get_data(G_OBJECT(button), "run-id");
  const char *serial = g_object_get_data(G_OBJECT(button), "serial");
  g_autofree gchar *name = g_strdup_printf("%s-run%" G_GINT64_FORMAT ".xlsx", serial, run_id);
  choose_file(self, run_id, name);
}

static void
on_lot_clicked(LlGuiQualityPage *self)
{
  g_autofree gchar *name = g_strdup_printf("%s-%s.xlsx", ll_gui_runner_get_config(self->runner)->id,
                                           ll_gui_runner_get_sequence(self->runner)->id);
  choose_file(self, 0, name);
}

/* ---- this shift ---- */

static gint
by_count(gconstpointer a, gconstpointer b, gpointer data)
{
  GHashTable *bins = data;
  guint ca = GPOINTER_TO_UINT(g_hash_table_lookup(bins, a));
  guint cb = GPOINTER_TO_UINT(g_hash_table_lookup(bins, b));
  return ca != cb ? (cb > ca ? 1 : -1) : g_strcmp0(a, b);
}

/* Without a store: the bins of this shift. */
static void
show_shift_bins(LlGuiQualityPage *self)
{
  clear_rows(self->bins_group, self->bin_rows);
  g_autoptr(GList) keys = g_hash_table_get_keys(self->shift_bins);
  keys = g_list_sort_with_data(keys, by_count, self->shift_bins);
  for (GList *l = keys; l; l = l->next) {
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(self->shift_bins, l->data));
    g_autofree gchar *count = g_strdup_printf("%u unit%s", n, n == 1 ? "" : "s");
    add_row(self->bins_group, self->bin_rows, l->data, count, (double) n / self->shift_units);
  }
}

static void
on_run_finished(LlGuiRunner *runner, guint site, gpointer result, gint64 run_id,
                LlGuiQualityPage *self)
{
  const LlRunResult *r = result;
  if (self->empty_row) {
    gtk_list_box_remove(self->unit_list, self->empty_row);
    self->empty_row = NULL;
  }
  g_autoptr(GDateTime) local = r->started_utc ? g_date_time_to_local(r->started_utc) : NULL;
  g_autofree gchar *when = local ? g_date_time_format(local, "%H:%M:%S") : g_strdup("");
  const char *part = g_hash_table_lookup(r->unit_info, "part_number");
  g_autofree gchar *run = run_id ? g_strdup_printf(" · run %" G_GINT64_FORMAT, run_id) : g_strdup("");
  g_autofree gchar *sub = g_strdup_printf("%s · site %u · %s%s%s · %.0f s%s%s%s", when, r->site,
                                          ll_outcome_name(r->outcome), r->bin ? " · " : "",
                                          r->bin ? r->bin->name : "",
                                          (r->finished_us - r->started_us) / 1e6, part ? " · " : "",
                                          part ? part : "", run);
  GtkWidget *row = ll_gui_plain_row(r->serial, sub);
  const char *icon = r->outcome == LL_OUTCOME_PASS   ? "emblem-ok-symbolic"
                     : r->outcome == LL_OUTCOME_FAIL ? "dialog-error-symbolic"
                                                     : "dialog-warning-symbolic";
  adw_action_row_add_prefix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name(icon));
  if (run_id) {
    GtkWidget *button = gtk_button_new_with_label("Unit Report…");
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gint64 *id = g_new(gint64, 1);
    *id = run_id;
    g_object_set_data_full(G_OBJECT(button), "run-id", id, g_free);
    g_object_set_data_full(G_OBJECT(button), "serial", g_strdup(r->serial), g_free);
    g_signal_connect(button, "clicked", G_CALLBACK(on_unit_report_clicked), self);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), button);
  }
  gtk_list_box_prepend(self->unit_list, row);

  if (ll_gui_runner_get_store(runner)) {
    query_store(self);
    return;
  }
  self->shift_units++;
  g_autofree gchar *key = r->bin ? g_strdup_printf("bin %u %s", r->bin->number, r->bin->name)
                                 : g_strdup(ll_outcome_name(r->outcome));
  g_hash_table_insert(self->shift_bins, g_strdup(key),
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(self->shift_bins, key)) + 1));
  show_shift_bins(self);
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  query_store(LL_GUI_QUALITY_PAGE(widget));
}

static void
ll_gui_quality_page_dispose(GObject *object)
{
  LlGuiQualityPage *self = LL_GUI_QUALITY_PAGE(object);
  if (self->cancel)
    g_cancellable_cancel(self->cancel);
  g_clear_object(&self->cancel);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->shift_bins, g_hash_table_unref);
  g_clear_pointer(&self->bin_rows, g_ptr_array_unref);
  g_clear_pointer(&self->store_rows, g_ptr_array_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_QUALITY_PAGE);
  G_OBJECT_CLASS(ll_gui_quality_page_parent_class)->dispose(object);
}

static void
ll_gui_quality_page_class_init(LlGuiQualityPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_quality_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-quality.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, store_group);
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, bins_group);
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, units_group);
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, lot_button);
  gtk_widget_class_bind_template_callback(wc, on_lot_clicked);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
  gtk_widget_class_install_action(wc, "quality.unit-report", "(xs)", unit_report_action);
  gtk_widget_class_install_action(wc, "quality.lot-report", "s", lot_report_action);
}

static void
ll_gui_quality_page_init(LlGuiQualityPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->cancel = g_cancellable_new();
  self->shift_bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->bin_rows = g_ptr_array_new();
  self->store_rows = g_ptr_array_new();
}

GtkWidget *
ll_gui_quality_new(LlGuiRunner *runner)
{
  LlGuiQualityPage *self = g_object_new(LL_GUI_TYPE_QUALITY_PAGE, NULL);
  self->runner = g_object_ref(runner);
  LlStore *store = ll_gui_runner_get_store(runner);
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  g_autofree gchar *about =
    store ? g_strdup_printf("%s · every run of %s on station %s", ll_store_path(store),
                            ll_gui_runner_get_sequence(runner)->id, c->id)
          : g_strdup("This station does not record its runs: set database in the station file's "
                     "[station] group (or start with --db FILE). The bins below are this shift's.");
  adw_preferences_group_set_description(self->store_group, about);
  gtk_widget_set_sensitive(GTK_WIDGET(self->lot_button), store != NULL);
  GtkWidget *list = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class(list, "boxed-list");
  gtk_widget_set_name(list, "quality-units-list");
  self->empty_row = ll_gui_plain_row("No unit tested yet", "Units appear here as their verdicts come.");
  gtk_list_box_append(GTK_LIST_BOX(list), self->empty_row);
  adw_preferences_group_add(self->units_group, list);
  self->unit_list = GTK_LIST_BOX(list);
  g_signal_connect(runner, "run-finished", G_CALLBACK(on_run_finished), self);
  query_store(self);
  return GTK_WIDGET(self);
}
