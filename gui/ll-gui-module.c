/* ll-gui-module.c: the Module screen (ll-gui-pages.h), the module
 * inspector: the module in a chosen site, read through
 * ll_gui_runner_inspect_async() every second while the screen is shown
 * (or on F5), decoded with the CMIS codec: identity (page 00h), state and
 * module monitors (lower page), the EVB's supply and case temperature, and
 * per lane the data-path state and the TX power, TX bias and RX power
 * monitors (page 11h, with page 01h's bias multiplier). */
#include "ll-gui-pages.h"

#include <math.h>

#define LL_GUI_TYPE_MODULE_PAGE (ll_gui_module_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiModulePage, ll_gui_module_page, LL, GUI_MODULE_PAGE, GtkBox)

enum { COL_LANE, COL_STATE, COL_TX, COL_BIAS, COL_RX, N_COLS };

struct _LlGuiModulePage {
  GtkBox parent;
  GtkDropDown *site_dropdown;
  GtkSwitch *live_switch;
  GtkLabel *status_label;
  GtkGrid *identity_grid, *state_grid, *lane_grid, *threshold_grid;
  GtkLabel *thresholds[5][4];
  LlGuiRunner *runner;
  GCancellable *cancel;
  GHashTable *facts;  /* name -> GtkLabel* (borrowed: the grids own them) */
  GtkLabel *lanes[LL_CMIS_LANES][N_COLS];
  guint n_lanes;
  guint timer;
  gboolean reading;
};

G_DEFINE_FINAL_TYPE(LlGuiModulePage, ll_gui_module_page, GTK_TYPE_BOX)

static void
add_fact(LlGuiModulePage *self, GtkGrid *grid, int row, const char *title, const char *name)
{
  GtkWidget *key = gtk_label_new(title);
  gtk_label_set_xalign(GTK_LABEL(key), 0);
  gtk_widget_add_css_class(key, "dim-label");
  GtkWidget *value = gtk_label_new("—");
  gtk_label_set_xalign(GTK_LABEL(value), 0);
  gtk_label_set_selectable(GTK_LABEL(value), TRUE);
  gtk_label_set_ellipsize(GTK_LABEL(value), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand(value, TRUE);
  gtk_widget_set_name(value, name);
  gtk_grid_attach(grid, key, 0, row, 1, 1);
  gtk_grid_attach(grid, value, 1, row, 1, 1);
  g_hash_table_insert(self->facts, (gpointer) name, value);
}

static void
set_fact(LlGuiModulePage *self, const char *name, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
set_fact(LlGuiModulePage *self, const char *name, const char *format, ...)
{
  GtkLabel *label = g_hash_table_lookup(self->facts, name);
  if (!label)
    return;
  if (!format) {
    gtk_label_set_label(label, "—");
    return;
  }
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  gtk_label_set_label(label, text);
}

static void
clear_facts(LlGuiModulePage *self)
{
  GHashTableIter it;
  gpointer label;
  g_hash_table_iter_init(&it, self->facts);
  while (g_hash_table_iter_next(&it, NULL, &label))
    gtk_label_set_label(label, "—");
  for (guint l = 0; l < self->n_lanes; l++)
    for (guint c = COL_STATE; c < N_COLS; c++)
      gtk_label_set_label(self->lanes[l][c], "—");
  for (guint r = 0; r < 5; r++)
    for (guint c = 0; c < 4; c++)
      gtk_label_set_label(self->thresholds[r][c], "—");
}

/* Page 02h: the module's own alarm and warning thresholds. */
static void
show_thresholds(LlGuiModulePage *self, const LlCmisImage *img)
{
  LlCmisThresholds t;
  if (!ll_cmis_decode_thresholds(img, &t, NULL))
    return;
  const LlCmisThresholdSet *sets[5] = { &t.temperature_c, &t.vcc_v, &t.tx_power_dbm, &t.tx_bias_ma,
                                        &t.rx_power_dbm };
  static const int digits[5] = { 1, 3, 2, 1, 2 };
  static const char *const units[5] = { "°C", "V", "dBm", "mA", "dBm" };
  for (guint r = 0; r < 5; r++) {
    const double v[4] = { sets[r]->low_alarm, sets[r]->low_warning, sets[r]->high_warning,
                          sets[r]->high_alarm };
    for (guint c = 0; c < 4; c++) {
      g_autofree gchar *text = isfinite(v[c]) ? g_strdup_printf("%.*f %s", digits[r], v[c], units[r])
                                              : g_strdup("—");
      gtk_label_set_label(self->thresholds[r][c], text);
    }
  }
}

static gchar *
dbm_text(double dbm)
{
  return isfinite(dbm) ? g_strdup_printf("%.2f dBm", dbm) : g_strdup("dark");
}

static void
show_view(LlGuiModulePage *self, const LlModuleView *v)
{
  clear_facts(self);
  if (!v->present) {
    set_fact(self, "module-state", "no module in the fixture");
    return;
  }
  if (isfinite(v->case_c))
    set_fact(self, "module-case", "%.1f °C", v->case_c);
  if (!v->powered || !v->image) {
    set_fact(self, "module-state", "not powered (the EVB's supply is off)");
    return;
  }
  set_fact(self, "module-supply", "%.3f V, %.3f A (%.2f W)", v->supply_v, v->supply_a,
           v->supply_v * v->supply_a);
  LlCmisModule m;
  ll_cmis_decode_module(v->image, &m);
  set_fact(self, "module-state", "%s", ll_cmis_module_state_name(m.module_state));
  set_fact(self, "module-cmis", "%u.%u%s", m.revision_major, m.revision_minor,
           m.flat_memory ? ", flat memory" : "");
  set_fact(self, "module-firmware", "%u.%u", m.firmware_major, m.firmware_minor);
  set_fact(self, "module-temperature", "%.1f °C", m.temperature_c);
  set_fact(self, "module-vcc", "%.3f V", m.vcc_v);
  set_fact(self, "module-fault", "%s", ll_cmis_fault_cause_name(m.fault_cause));
  set_fact(self, "module-identifier", "%s", ll_cmis_identifier_name(m.identifier));
  LlCmisIdentity id;
  if (ll_cmis_decode_identity(v->image, &id, NULL)) {
    set_fact(self, "module-vendor", "%s", id.vendor_name);
    set_fact(self, "module-part", "%s rev %s", id.part_number, id.revision);
    set_fact(self, "module-serial", "%s", id.serial_number);
    set_fact(self, "module-date", "%s%s%s", *id.manufacture_date ? id.manufacture_date : id.date_code,
             *id.lot ? ", lot " : "", id.lot);
    set_fact(self, "module-power-class", "class %u, at most %.2f W", id.power_class, id.max_power_w);
    set_fact(self, "module-media", "%s, %s", ll_cmis_media_technology_name(id.media_technology),
             ll_cmis_connector_name(id.connector));
  }
  show_thresholds(self, v->image);
  LlCmisAdvertising adv;
  if (ll_cmis_decode_advertising(v->image, &adv, NULL))
    set_fact(self, "module-wavelength", "%.2f nm", adv.wavelength_nm);
  LlCmisLaneStatus st;
  if (ll_cmis_decode_lane_status(v->image, 0, &st, NULL)) {
    for (guint l = 0; l < self->n_lanes; l++) {
      gtk_label_set_label(self->lanes[l][COL_STATE], ll_cmis_data_path_state_name(st.data_path_state[l]));
      g_autofree gchar *tx = dbm_text(st.tx_power_dbm[l]);
      g_autofree gchar *rx = dbm_text(st.rx_power_dbm[l]);
      g_autofree gchar *bias = isfinite(st.tx_bias_ma[l]) ? g_strdup_printf("%.2f mA", st.tx_bias_ma[l])
                                                          : g_strdup("—");
      gtk_label_set_label(self->lanes[l][COL_TX], tx);
      gtk_label_set_label(self->lanes[l][COL_BIAS], bias);
      gtk_label_set_label(self->lanes[l][COL_RX], rx);
    }
  }
}

static guint
selected_site(LlGuiModulePage *self)
{
  guint i = gtk_drop_down_get_selected(self->site_dropdown);
  return i < ll_gui_runner_n_sites(self->runner) ? ll_gui_runner_site_number(self->runner, i) : 0;
}

static void
on_inspected(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlModuleView) view = ll_gui_runner_inspect_finish(LL_GUI_RUNNER(source), result, &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiModulePage *self = data;
  self->reading = FALSE;
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree gchar *when = g_date_time_format(now, "%H:%M:%S");
  if (!view) {
    clear_facts(self);
    g_autofree gchar *text = g_strdup_printf("%s: %s", when, err->message);
    gtk_label_set_label(self->status_label, text);
    return;
  }
  show_view(self, view);
  g_autofree gchar *text = g_strdup_printf("site %u read at %s", selected_site(self), when);
  gtk_label_set_label(self->status_label, text);
}

static void
read_module(LlGuiModulePage *self)
{
  guint site = selected_site(self);
  if (self->reading || !site)
    return;
  self->reading = TRUE;
  ll_gui_runner_inspect_async(self->runner, site, self->cancel, on_inspected, self);
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  read_module(LL_GUI_MODULE_PAGE(widget));
}

static gboolean
on_timer(gpointer data)
{
  LlGuiModulePage *self = data;
  if (gtk_switch_get_active(self->live_switch))
    read_module(self);
  return G_SOURCE_CONTINUE;
}

static void
on_map(GtkWidget *widget)
{
  LlGuiModulePage *self = LL_GUI_MODULE_PAGE(widget);
  GTK_WIDGET_CLASS(ll_gui_module_page_parent_class)->map(widget);
  read_module(self);
  if (!self->timer)
    self->timer = g_timeout_add_seconds(1, on_timer, self);
}

static void
on_unmap(GtkWidget *widget)
{
  LlGuiModulePage *self = LL_GUI_MODULE_PAGE(widget);
  g_clear_handle_id(&self->timer, g_source_remove);
  GTK_WIDGET_CLASS(ll_gui_module_page_parent_class)->unmap(widget);
}

static void
on_site_changed(GObject *dropdown, GParamSpec *pspec, LlGuiModulePage *self)
{
  clear_facts(self);
  read_module(self);
}

static void
ll_gui_module_page_dispose(GObject *object)
{
  LlGuiModulePage *self = LL_GUI_MODULE_PAGE(object);
  g_clear_handle_id(&self->timer, g_source_remove);
  if (self->cancel)
    g_cancellable_cancel(self->cancel);
  g_clear_object(&self->cancel);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->facts, g_hash_table_unref);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_MODULE_PAGE);
  G_OBJECT_CLASS(ll_gui_module_page_parent_class)->dispose(object);
}

static void
ll_gui_module_page_class_init(LlGuiModulePageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_module_page_dispose;
  wc->map = on_map;
  wc->unmap = on_unmap;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-module.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, site_dropdown);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, live_switch);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, status_label);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, identity_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, state_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, lane_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiModulePage, threshold_grid);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
}

static void
ll_gui_module_page_init(LlGuiModulePage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->facts = g_hash_table_new(g_str_hash, g_str_equal);
  self->cancel = g_cancellable_new();
}

GtkWidget *
ll_gui_module_new(LlGuiRunner *runner)
{
  LlGuiModulePage *self = g_object_new(LL_GUI_TYPE_MODULE_PAGE, NULL);
  self->runner = g_object_ref(runner);
  g_autoptr(GtkStringList) sites = gtk_string_list_new(NULL);
  for (guint i = 0; i < ll_gui_runner_n_sites(runner); i++) {
    g_autofree gchar *s = g_strdup_printf("%u", ll_gui_runner_site_number(runner, i));
    gtk_string_list_append(sites, s);
  }
  gtk_drop_down_set_model(self->site_dropdown, G_LIST_MODEL(sites));
  g_signal_connect(self->site_dropdown, "notify::selected", G_CALLBACK(on_site_changed), self);

  static const struct {
    const char *title, *name;
  } identity[] = {
    { "Vendor", "module-vendor" }, { "Part number", "module-part" },
    { "Serial number", "module-serial" }, { "Made", "module-date" },
    { "Type", "module-identifier" }, { "Media", "module-media" },
    { "Wavelength", "module-wavelength" }, { "Power class", "module-power-class" },
  }, state[] = {
    { "Module state", "module-state" }, { "CMIS", "module-cmis" },
    { "Firmware", "module-firmware" }, { "Temperature", "module-temperature" },
    { "Vcc", "module-vcc" }, { "Supply (EVB)", "module-supply" },
    { "Case (fixture)", "module-case" }, { "Fault cause", "module-fault" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(identity); i++)
    add_fact(self, self->identity_grid, (int) i, identity[i].title, identity[i].name);
  for (guint i = 0; i < G_N_ELEMENTS(state); i++)
    add_fact(self, self->state_grid, (int) i, state[i].title, state[i].name);

  static const char *const heads[] = { "Lane", "Data path", "TX power", "TX bias", "RX power" };
  for (guint c = 0; c < N_COLS; c++) {
    GtkWidget *h = gtk_label_new(heads[c]);
    gtk_widget_add_css_class(h, "header");
    gtk_label_set_xalign(GTK_LABEL(h), 0);
    gtk_grid_attach(self->lane_grid, h, (int) c, 0, 1, 1);
  }
  self->n_lanes = MIN(ll_gui_runner_get_sequence(runner)->lanes, LL_CMIS_LANES);
  for (guint l = 0; l < self->n_lanes; l++) {
    for (guint c = 0; c < N_COLS; c++) {
      g_autofree gchar *text = c == COL_LANE ? g_strdup_printf("%u", l + 1) : g_strdup("—");
      GtkWidget *cell = gtk_label_new(text);
      gtk_label_set_xalign(GTK_LABEL(cell), 0);
      gtk_widget_add_css_class(cell, "numeric");
      g_autofree gchar *name = g_strdup_printf("lane-%u-%u", l + 1, c);
      gtk_widget_set_name(cell, name);
      gtk_grid_attach(self->lane_grid, cell, (int) c, (int) l + 1, 1, 1);
      self->lanes[l][c] = GTK_LABEL(cell);
    }
  }
  static const char *const thead[] = { "Thresholds (page 02h)", "Low alarm", "Low warning",
                                       "High warning", "High alarm" };
  static const char *const trows[] = { "Temperature", "Vcc", "TX power", "TX bias", "RX power" };
  for (guint c = 0; c < 5; c++) {
    GtkWidget *h = gtk_label_new(thead[c]);
    gtk_widget_add_css_class(h, "header");
    gtk_label_set_xalign(GTK_LABEL(h), 0);
    gtk_grid_attach(self->threshold_grid, h, (int) c, 0, 1, 1);
  }
  for (guint r = 0; r < 5; r++) {
    GtkWidget *name = gtk_label_new(trows[r]);
    gtk_label_set_xalign(GTK_LABEL(name), 0);
    gtk_grid_attach(self->threshold_grid, name, 0, (int) r + 1, 1, 1);
    for (guint c = 0; c < 4; c++) {
      GtkWidget *cell = gtk_label_new("—");
      gtk_label_set_xalign(GTK_LABEL(cell), 0);
      gtk_widget_add_css_class(cell, "numeric");
      gtk_grid_attach(self->threshold_grid, cell, (int) c + 1, (int) r + 1, 1, 1);
      self->thresholds[r][c] = GTK_LABEL(cell);
    }
  }
  return GTK_WIDGET(self);
}
