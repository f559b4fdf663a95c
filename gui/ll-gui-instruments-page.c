/* ll-gui-instruments-page.c: the Instruments screen (ll-gui-pages.h): a
 * row per configured instrument with its state, identity, resource and
 * calibration, a button to connect or disconnect it; and a SCPI console
 * (ll_gui_runner_scpi_async()) with a transcript. */
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

#include <adwaita.h>

#define LL_GUI_TYPE_INSTRUMENTS_PAGE (ll_gui_instruments_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiInstrumentsPage, ll_gui_instruments_page, LL, GUI_INSTRUMENTS_PAGE, GtkBox)

typedef struct {
  AdwExpanderRow *row;
  GtkImage *icon;
  GtkButton *button;
  AdwActionRow *identity, *calibration, *error;
} Row;

struct _LlGuiInstrumentsPage {
  GtkBox parent;
  AdwPreferencesGroup *list_group;
  GtkDropDown *target_dropdown;
  GtkEntry *scpi_entry;
  GtkButton *send_button;
  GtkTextView *transcript;
  LlGuiRunner *runner;
  GHashTable *rows; /* name -> Row* */
  GCancellable *cancel;
  guint pending;
};

G_DEFINE_FINAL_TYPE(LlGuiInstrumentsPage, ll_gui_instruments_page, GTK_TYPE_BOX)

static void
update_row(LlGuiInstrumentsPage *self, const char *name)
{
  Row *row = g_hash_table_lookup(self->rows, name);
  const LlGuiInstrumentState *s = ll_gui_runner_instrument(self->runner, name);
  const LlInstrumentConfig *ic = ll_station_config_find(ll_gui_runner_get_config(self->runner), name);
  if (!row || !s || !ic)
    return;
  static const char *const words[] = { "not connected", "connecting…", "connected", "disconnected",
                                       "not answering" };
  g_autofree gchar *subtitle = s->connection == LL_GUI_INSTRUMENT_CONNECTED && s->maker
    ? g_strdup_printf("%s · %s %s · connected", ll_instrument_class_name(ic->klass), s->maker, s->model)
    : g_strdup_printf("%s · %s · %s", ll_instrument_class_name(ic->klass), ic->driver->name,
                      words[s->connection]);
  adw_expander_row_set_subtitle(row->row, subtitle);
  gboolean connected = s->connection == LL_GUI_INSTRUMENT_CONNECTED;
  gtk_image_set_from_icon_name(row->icon, connected ? "emblem-ok-symbolic"
                                          : s->connection == LL_GUI_INSTRUMENT_FAILED
                                            ? "dialog-error-symbolic"
                                            : "network-offline-symbolic");
  gtk_button_set_label(row->button, connected ? "Disconnect" : "Connect");
  gtk_widget_set_sensitive(GTK_WIDGET(row->button), s->connection != LL_GUI_INSTRUMENT_CONNECTING);
  g_autofree gchar *idn = s->maker ? g_strdup_printf("%s %s · serial %s · firmware %s", s->maker,
                                                     s->model, s->serial, s->firmware)
                                   : g_strdup("asked when connected (*IDN?)");
  adw_action_row_set_subtitle(row->identity, idn);
  GDate today;
  ll_gui_today(&today);
  g_autofree gchar *cal = ll_gui_calibration_text(ic, &today);
  g_autofree gchar *cal_full = ic->cal_cert ? g_strdup_printf("%s · certificate %s", cal, ic->cal_cert)
                                            : g_strdup(cal);
  adw_action_row_set_subtitle(row->calibration, cal_full);
  adw_action_row_set_subtitle(row->error, s->error ? s->error : "");
  gtk_widget_set_visible(GTK_WIDGET(row->error), s->error != NULL);
}

static void
on_instrument_changed(LlGuiRunner *runner, const char *name, LlGuiInstrumentsPage *self)
{
  update_row(self, name);
}

static void
on_row_button(GtkButton *button, LlGuiInstrumentsPage *self)
{
  const char *name = g_object_get_data(G_OBJECT(button), "instrument");
  const LlGuiInstrumentState *s = ll_gui_runner_instrument(self->runner, name);
  ll_gui_runner_connect_instrument(self->runner, name, s->connection != LL_GUI_INSTRUMENT_CONNECTED);
}

static void
on_connect_all(LlGuiInstrumentsPage *self)
{
  ll_gui_runner_connect_all(self->runner);
}

static AdwActionRow *
add_detail(AdwExpanderRow *row, const char *title, const char *subtitle)
{
  GtkWidget *r = ll_gui_plain_row(title, subtitle ? subtitle : "");
  adw_expander_row_add_row(row, r);
  return ADW_ACTION_ROW(r);
}

/* ---- console ---- */

static gboolean
scroll_to_end(gpointer data)
{
  GtkTextView *view = data;
  GtkTextBuffer *buf = gtk_text_view_get_buffer(view);
  gtk_text_view_scroll_to_mark(view, gtk_text_buffer_get_mark(buf, "end"), 0, FALSE, 0, 0);
  return G_SOURCE_REMOVE;
}

static void
transcript_append(LlGuiInstrumentsPage *self, const char *text)
{
  GtkTextBuffer *buf = gtk_text_view_get_buffer(self->transcript);
  GtkTextIter end;
  gtk_text_buffer_get_end_iter(buf, &end);
  gtk_text_buffer_insert(buf, &end, text, -1);
  /* once the new line is laid out */
  g_idle_add_full(G_PRIORITY_LOW, scroll_to_end, g_object_ref(self->transcript), g_object_unref);
}

typedef struct {
  LlGuiInstrumentsPage *self;
  gchar *name;
} Sent;

static void
on_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  Sent *sent = data;
  g_autoptr(GError) err = NULL;
  g_autofree gchar *reply = ll_gui_runner_scpi_finish(LL_GUI_RUNNER(source), result, &err);
  if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    LlGuiInstrumentsPage *self = sent->self;
    g_autofree gchar *line = reply ? g_strdup_printf("%s < %s\n", sent->name, reply)
                                   : g_strdup_printf("%s ! %s\n", sent->name, err->message);
    transcript_append(self, line);
    self->pending--;
  }
  g_free(sent->name);
  g_free(sent);
}

static void
on_send(LlGuiInstrumentsPage *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item(self->target_dropdown);
  const char *text = gtk_editable_get_text(GTK_EDITABLE(self->scpi_entry));
  if (!item || !*text)
    return;
  const char *name = gtk_string_object_get_string(item);
  g_autofree gchar *line = g_strdup_printf("%s > %s\n", name, text);
  transcript_append(self, line);
  Sent *sent = g_new0(Sent, 1);
  *sent = (Sent) { self, g_strdup(name) };
  self->pending++;
  ll_gui_runner_scpi_async(self->runner, name, text, self->cancel, on_reply, sent);
  gtk_editable_select_region(GTK_EDITABLE(self->scpi_entry), 0, -1);
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  LlGuiInstrumentsPage *self = LL_GUI_INSTRUMENTS_PAGE(widget);
  GHashTableIter it;
  gpointer name;
  g_hash_table_iter_init(&it, self->rows);
  while (g_hash_table_iter_next(&it, &name, NULL))
    update_row(self, name);
}

static void
ll_gui_instruments_page_dispose(GObject *object)
{
  LlGuiInstrumentsPage *self = LL_GUI_INSTRUMENTS_PAGE(object);
  if (self->cancel)
    g_cancellable_cancel(self->cancel);
  g_clear_object(&self->cancel);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->rows, g_hash_table_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_INSTRUMENTS_PAGE);
  G_OBJECT_CLASS(ll_gui_instruments_page_parent_class)->dispose(object);
}

static void
ll_gui_instruments_page_class_init(LlGuiInstrumentsPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_instruments_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-instruments.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiInstrumentsPage, list_group);
  gtk_widget_class_bind_template_child(wc, LlGuiInstrumentsPage, target_dropdown);
  gtk_widget_class_bind_template_child(wc, LlGuiInstrumentsPage, scpi_entry);
  gtk_widget_class_bind_template_child(wc, LlGuiInstrumentsPage, send_button);
  gtk_widget_class_bind_template_child(wc, LlGuiInstrumentsPage, transcript);
  gtk_widget_class_bind_template_callback(wc, on_connect_all);
  gtk_widget_class_bind_template_callback(wc, on_send);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
}

static void
ll_gui_instruments_page_init(LlGuiInstrumentsPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  self->cancel = g_cancellable_new();
  GtkTextBuffer *buf = gtk_text_view_get_buffer(self->transcript);
  GtkTextIter end;
  gtk_text_buffer_get_end_iter(buf, &end);
  gtk_text_buffer_create_mark(buf, "end", &end, FALSE);
}

GtkWidget *
ll_gui_instruments_new(LlGuiRunner *runner)
{
  LlGuiInstrumentsPage *self = g_object_new(LL_GUI_TYPE_INSTRUMENTS_PAGE, NULL);
  self->runner = g_object_ref(runner);
  GPtrArray *all = ll_station_instruments(ll_gui_runner_get_station(runner));
  g_autoptr(GtkStringList) names = gtk_string_list_new(NULL);
  for (guint i = 0; i < all->len; i++) {
    const LlInstrumentConfig *ic = ll_instrument_config(all->pdata[i]);
    Row *row = g_new0(Row, 1);
    row->row = ADW_EXPANDER_ROW(adw_expander_row_new());
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row->row), FALSE);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row->row), ic->name);
    g_autofree gchar *wname = g_strdup_printf("instrument-row-%s", ic->name);
    gtk_widget_set_name(GTK_WIDGET(row->row), wname);
    row->icon = GTK_IMAGE(gtk_image_new());
    adw_expander_row_add_prefix(row->row, GTK_WIDGET(row->icon));
    row->button = GTK_BUTTON(gtk_button_new_with_label("Connect"));
    gtk_widget_set_valign(GTK_WIDGET(row->button), GTK_ALIGN_CENTER);
    g_object_set_data_full(G_OBJECT(row->button), "instrument", g_strdup(ic->name), g_free);
    g_signal_connect(row->button, "clicked", G_CALLBACK(on_row_button), self);
    adw_expander_row_add_action(row->row, GTK_WIDGET(row->button));
    row->identity = add_detail(row->row, "Identity", NULL);
    add_detail(row->row, "Resource", ic->resource);
    row->calibration = add_detail(row->row, "Calibration", NULL);
    row->error = add_detail(row->row, "Last error", NULL);
    adw_preferences_group_add(self->list_group, GTK_WIDGET(row->row));
    g_hash_table_insert(self->rows, g_strdup(ic->name), row);
    gtk_string_list_append(names, ic->name);
    update_row(self, ic->name);
  }
  gtk_drop_down_set_model(self->target_dropdown, G_LIST_MODEL(names));
  g_signal_connect(runner, "instrument-changed", G_CALLBACK(on_instrument_changed), self);
  return GTK_WIDGET(self);
}
