/* ll-gui-quality.c: the Quality screen (ll-gui-pages.h): the units tested
 * since the application started, newest first, and their bins. */
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

#include <adwaita.h>

#define LL_GUI_TYPE_QUALITY_PAGE (ll_gui_quality_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, LL, GUI_QUALITY_PAGE, GtkBox)

struct _LlGuiQualityPage {
  GtkBox parent;
  AdwPreferencesGroup *bins_group, *units_group;
  LlGuiRunner *runner;
  GHashTable *bins;      /* "bin N NAME" / outcome -> count */
  GPtrArray *bin_rows;   /* of GtkWidget* */
  GtkListBox *unit_list; /* in units_group */
  GtkWidget *empty_row;
  guint units;
};

G_DEFINE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, GTK_TYPE_BOX)

static gint
by_count(gconstpointer a, gconstpointer b, gpointer data)
{
  GHashTable *bins = data;
  guint ca = GPOINTER_TO_UINT(g_hash_table_lookup(bins, a));
  guint cb = GPOINTER_TO_UINT(g_hash_table_lookup(bins, b));
  return ca != cb ? (cb > ca ? 1 : -1) : g_strcmp0(a, b);
}

static void
show_bins(LlGuiQualityPage *self)
{
  for (guint i = 0; i < self->bin_rows->len; i++)
    adw_preferences_group_remove(self->bins_group, self->bin_rows->pdata[i]);
  g_ptr_array_set_size(self->bin_rows, 0);
  g_autoptr(GList) keys = g_hash_table_get_keys(self->bins);
  keys = g_list_sort_with_data(keys, by_count, self->bins);
  for (GList *l = keys; l; l = l->next) {
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(self->bins, l->data));
    g_autofree gchar *count = g_strdup_printf("%u unit%s, %.1f %%", n, n == 1 ? "" : "s",
                                              100.0 * n / self->units);
    GtkWidget *row = ll_gui_plain_row(l->data, NULL);
    GtkWidget *label = gtk_label_new(count);
    gtk_widget_add_css_class(label, "numeric");
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), label);
    adw_preferences_group_add(self->bins_group, row);
    g_ptr_array_add(self->bin_rows, row);
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
  self->units++;
  g_autofree gchar *key = r->bin ? g_strdup_printf("bin %u %s", r->bin->number, r->bin->name)
                                 : g_strdup(ll_outcome_name(r->outcome));
  g_hash_table_insert(self->bins, g_strdup(key),
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(self->bins, key)) + 1));
  show_bins(self);
  g_autoptr(GDateTime) local = r->started_utc ? g_date_time_to_local(r->started_utc) : NULL;
  g_autofree gchar *when = local ? g_date_time_format(local, "%H:%M:%S") : g_strdup("");
  const char *part = g_hash_table_lookup(r->unit_info, "part_number");
  g_autofree gchar *sub = g_strdup_printf("%s · site %u · %s%s%s · %.0f s of station time%s%s",
                                          when, r->site, ll_outcome_name(r->outcome),
                                          r->bin ? " · " : "", r->bin ? r->bin->name : "",
                                          (r->finished_us - r->started_us) / 1e6,
                                          part ? " · " : "", part ? part : "");
  GtkWidget *row = ll_gui_plain_row(r->serial, sub);
  const char *icon = r->outcome == LL_OUTCOME_PASS   ? "emblem-ok-symbolic"
                     : r->outcome == LL_OUTCOME_FAIL ? "dialog-error-symbolic"
                                                     : "dialog-warning-symbolic";
  adw_action_row_add_prefix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name(icon));
  /* newest first: a preferences group appends, so the list is a box we prepend to */
  gtk_list_box_prepend(self->unit_list, row);
}

static void
ll_gui_quality_page_dispose(GObject *object)
{
  LlGuiQualityPage *self = LL_GUI_QUALITY_PAGE(object);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->bins, g_hash_table_unref);
  g_clear_pointer(&self->bin_rows, g_ptr_array_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_QUALITY_PAGE);
  G_OBJECT_CLASS(ll_gui_quality_page_parent_class)->dispose(object);
}

static void
ll_gui_quality_page_class_init(LlGuiQualityPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_quality_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-quality.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, bins_group);
  gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, units_group);
}

static void
ll_gui_quality_page_init(LlGuiQualityPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->bin_rows = g_ptr_array_new();
}

GtkWidget *
ll_gui_quality_new(LlGuiRunner *runner)
{
  LlGuiQualityPage *self = g_object_new(LL_GUI_TYPE_QUALITY_PAGE, NULL);
  self->runner = g_object_ref(runner);
  GtkWidget *list = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class(list, "boxed-list");
  gtk_widget_set_name(list, "quality-units-list");
  self->empty_row = ll_gui_plain_row("No unit tested yet", "Units appear here as their verdicts come.");
  gtk_list_box_append(GTK_LIST_BOX(list), self->empty_row);
  adw_preferences_group_add(self->units_group, list);
  self->unit_list = GTK_LIST_BOX(list);
  g_signal_connect(runner, "run-finished", G_CALLBACK(on_run_finished), self);
  return GTK_WIDGET(self);
}
