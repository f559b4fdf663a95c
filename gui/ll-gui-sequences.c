/* ll-gui-sequences.c: the Sequences screen (ll-gui-pages.h). A list of
 * sequence files by folder: the shipped ones, the loaded sequence's
 * folder, the user's (DATADIR/lightline/sequences) and --sequences-dir
 * folders; each checked as `lightline sequence validate` does
 * (ll_sequence_check_file() with the station's actions), its problems shown
 * as FILE:LINE:COL with their hints; the limits in effect for a chosen part
 * number and temperature corner, lane by lane; and the steps. */
#include "ll-gui-format.h"
#include "ll-gui-pages.h"

#include "ll-action.h"

#include <string.h>

#define LL_GUI_TYPE_SEQUENCES_PAGE (ll_gui_sequences_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiSequencesPage, ll_gui_sequences_page, LL, GUI_SEQUENCES_PAGE, GtkBox)

struct _LlGuiSequencesPage {
  GtkBox parent;
  GtkListBox *file_list;
  GtkLabel *title_label, *about_label;
  GtkBox *diag_box;
  GtkDropDown *part_dropdown, *corner_dropdown;
  GtkGrid *limits_grid, *steps_grid;
  LlGuiRunner *runner;
  GStrv dirs;
  /* the sequence shown */
  LlSequence *seq;
  GPtrArray *tables;
  GtkListBoxRow *loaded_row;
};

G_DEFINE_FINAL_TYPE(LlGuiSequencesPage, ll_gui_sequences_page, GTK_TYPE_BOX)

static void
grid_clear(GtkGrid *grid)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(grid))))
    gtk_grid_remove(grid, child);
}

static GtkWidget *
cell(GtkGrid *grid, int col, int row, const char *text, gboolean header)
{
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  if (header)
    gtk_widget_add_css_class(l, "header");
  gtk_grid_attach(grid, l, col, row, 1, 1);
  return l;
}

/* "1-4, 7" for lanes in @mask (bit n-1: lane n). */
static gchar *
lanes_text(guint32 mask)
{
  GString *s = g_string_new(NULL);
  for (guint l = 1; l <= 32; l++) {
    if (!(mask >> (l - 1) & 1))
      continue;
    guint end = l;
    while (end < 32 && (mask >> end & 1))
      end++;
    g_string_append_printf(s, "%s%u", s->len ? ", " : "", l);
    if (end > l)
      g_string_append_printf(s, "%s%u", end > l + 1 ? "-" : ", ", end);
    l = end;
  }
  return g_string_free(s, FALSE);
}

/* ---- limits in effect ---- */

static const char *
selected_part(LlGuiSequencesPage *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item(self->part_dropdown);
  return item ? gtk_string_object_get_string(item) : NULL;
}

static void
show_limits(LlGuiSequencesPage *self)
{
  grid_clear(self->limits_grid);
  const char *pn = selected_part(self);
  if (!self->tables || !pn) {
    cell(self->limits_grid, 0, 0, "No limits: the sequence does not validate.", FALSE);
    return;
  }
  GtkStringObject *corner_item = gtk_drop_down_get_selected_item(self->corner_dropdown);
  LlCorner corner = { LL_CORNER_ROOM, 0 };
  if (corner_item)
    ll_corner_parse(gtk_string_object_get_string(corner_item), &corner);
  const LlLimitsTable *table = ll_limits_table_for_part(
    (const LlLimitsTable *const *) self->tables->pdata, self->tables->len, pn);
  if (!table)
    return;
  static const char *const heads[] = { "Limit", "Applies to", "In effect", "Written at" };
  for (int c = 0; c < 4; c++)
    cell(self->limits_grid, c, 0, heads[c], TRUE);
  guint lanes = self->seq ? MIN(self->seq->lanes, 32u) : 8;
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  int row = 1;
  for (guint i = 0; i < table->entries->len; i++) {
    const LlLimit *entry = table->entries->pdata[i];
    if (!g_hash_table_add(seen, entry->name))
      continue;
    /* the limit in effect for the module and for each lane, grouped */
    const LlLimit *found[33];
    for (guint l = 0; l <= lanes; l++)
      found[l] = ll_limits_lookup(table, entry->name, pn, l, &corner);
    for (guint l = 0; l <= lanes; l++) {
      if (!found[l])
        continue;
      gboolean module = FALSE;
      guint32 mask = 0;
      for (guint k = l; k <= lanes; k++) {
        if (found[k] != found[l] || (k > l && !found[k]))
          continue;
        if (k == 0)
          module = TRUE;
        else
          mask |= 1u << (k - 1);
        if (k != l)
          found[k] = NULL;
      }
      const LlLimit *lim = found[l];
      found[l] = NULL;
      guint32 all = lanes >= 32 ? G_MAXUINT32 : (1u << lanes) - 1;
      g_autofree gchar *lane_list = lanes_text(mask);
      g_autofree gchar *applies = module && mask == all ? g_strdup("module, all lanes")
                                  : module && !mask     ? g_strdup("module")
                                  : module              ? g_strdup_printf("module, lanes %s", lane_list)
                                                        : g_strdup_printf("lane%s %s",
                                                                          mask & (mask - 1) ? "s" : "",
                                                                          lane_list);
      g_autofree gchar *text = ll_gui_limit_text(lim);
      g_autofree gchar *file = g_path_get_basename(table->path);
      g_autofree gchar *where = g_strdup_printf("%s:%u", file, lim->line);
      cell(self->limits_grid, 0, row, lim->name, FALSE);
      cell(self->limits_grid, 1, row, applies, FALSE);
      cell(self->limits_grid, 2, row, text, FALSE);
      cell(self->limits_grid, 3, row, where, FALSE);
      row++;
    }
  }
}

static void
on_limits_choice(GObject *dropdown, GParamSpec *pspec, LlGuiSequencesPage *self)
{
  show_limits(self);
}

/* ---- one sequence ---- */

static void
show_steps(LlGuiSequencesPage *self)
{
  grid_clear(self->steps_grid);
  if (!self->seq)
    return;
  static const char *const heads[] = { "Group", "Step", "Action", "Lanes", "Limits", "Bin" };
  for (int c = 0; c < 6; c++)
    cell(self->steps_grid, c, 0, heads[c], TRUE);
  for (guint i = 0; i < self->seq->steps->len; i++) {
    const LlStep *st = self->seq->steps->pdata[i];
    GString *limits = g_string_new(NULL);
    for (guint k = 0; k < st->limits->len; k++)
      g_string_append_printf(limits, "%s%s", k ? ", " : "", ((LlStepLimit *) st->limits->pdata[k])->limit);
    g_autofree gchar *lanes = st->per_lane ? lanes_text(st->lanes) : g_strdup("module");
    g_autofree gchar *bin = st->bin ? g_strdup_printf("%u", st->bin) : g_strdup("");
    int row = (int) i + 1;
    cell(self->steps_grid, 0, row, ll_step_group_name(st->group), FALSE);
    cell(self->steps_grid, 1, row, st->id, FALSE);
    cell(self->steps_grid, 2, row, st->action, FALSE);
    cell(self->steps_grid, 3, row, lanes, FALSE);
    cell(self->steps_grid, 4, row, limits->str, FALSE);
    cell(self->steps_grid, 5, row, bin, FALSE);
    g_string_free(limits, TRUE);
  }
}

static void
show_file(LlGuiSequencesPage *self, const char *path)
{
  g_clear_pointer(&self->seq, ll_sequence_free);
  g_clear_pointer(&self->tables, g_ptr_array_unref);
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  gboolean ok = ll_sequence_check_file(path, ll_actions_catalog(), diags, &self->seq, &self->tables);
  if (!ok)
    self->seq = ll_sequence_load(path, NULL, NULL);
  g_autofree gchar *base = g_path_get_basename(path);
  g_autofree gchar *title = self->seq ? g_strdup_printf("%s %s", self->seq->id, self->seq->version)
                                      : g_strdup(base);
  gtk_label_set_label(self->title_label, title);
  const LlSequence *loaded = ll_gui_runner_get_sequence(self->runner);
  gboolean in_use = self->seq && loaded->sha256 && self->seq->sha256 &&
                    g_str_equal(loaded->sha256, self->seq->sha256);
  g_autofree gchar *about = self->seq
    ? g_strdup_printf("%s, %u lanes%s%s\n%s\nSHA-256 %.16s…%s", self->seq->product, self->seq->lanes,
                      self->seq->description ? " · " : "",
                      self->seq->description ? self->seq->description : "", path, self->seq->sha256,
                      in_use ? "\nThis is the sequence the station runs." : "")
    : g_strdup(path);
  gtk_label_set_label(self->about_label, about);

  GtkWidget *child;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->diag_box))))
    gtk_box_remove(self->diag_box, child);
  guint n = ll_diag_list_length(diags);
  for (guint i = 0; i < n; i++) {
    const LlDiag *d = ll_diag_list_get(diags, i);
    g_autofree gchar *text = ll_diag_format(d);
    GtkWidget *l = gtk_label_new(text);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_selectable(GTK_LABEL(l), TRUE);
    gtk_widget_add_css_class(l, "monospace");
    gtk_widget_add_css_class(l, "diag");
    gtk_widget_add_css_class(l, d->severity == LL_DIAG_ERROR ? "error" : "warning");
    gtk_box_append(self->diag_box, l);
  }
  if (ok) {
    g_autofree gchar *text = g_strdup_printf("Valid: %u steps checked against the station's actions "
                                             "and %u limits table%s%s.",
                                             self->seq->steps->len, self->tables->len,
                                             self->tables->len == 1 ? "" : "s",
                                             n ? "; the warnings above do not stop it" : "");
    GtkWidget *l = gtk_label_new(text);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_widget_add_css_class(l, "success");
    gtk_box_append(self->diag_box, l);
  }

  g_autoptr(GtkStringList) parts = gtk_string_list_new(NULL);
  for (guint t = 0; self->tables && t < self->tables->len; t++) {
    const LlLimitsTable *table = self->tables->pdata[t];
    for (guint k = 0; table->part_numbers && table->part_numbers[k]; k++)
      gtk_string_list_append(parts, table->part_numbers[k]);
  }
  gtk_drop_down_set_model(self->part_dropdown, G_LIST_MODEL(parts));
  show_limits(self);
  show_steps(self);
}

static void
on_row_selected(GtkListBox *list, GtkListBoxRow *row, LlGuiSequencesPage *self)
{
  const char *path = row ? g_object_get_data(G_OBJECT(row), "path") : NULL;
  if (path)
    show_file(self, path);
}

/* ---- the list ---- */

static gboolean
is_sequence_file(const char *path)
{
  g_autofree gchar *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return FALSE;
  return g_str_has_prefix(text, "sequence:") || strstr(text, "\nsequence:") != NULL;
}

static gint
by_path(gconstpointer a, gconstpointer b)
{
  return g_strcmp0(*(const char *const *) a, *(const char *const *) b);
}

static void
add_folder(LlGuiSequencesPage *self, const char *title, const char *dir, GHashTable *listed)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (!d)
    return;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree gchar *path = g_build_filename(dir, name, NULL);
    g_autofree gchar *real = g_canonicalize_filename(path, NULL);
    if ((g_str_has_suffix(name, ".yaml") || g_str_has_suffix(name, ".yml")) &&
        !g_hash_table_contains(listed, real) && is_sequence_file(path)) {
      g_hash_table_add(listed, g_strdup(real));
      g_ptr_array_add(files, g_steal_pointer(&path));
    }
  }
  if (!files->len)
    return;
  g_ptr_array_sort(files, by_path);
  GtkWidget *head = gtk_label_new(title);
  gtk_label_set_xalign(GTK_LABEL(head), 0);
  gtk_widget_add_css_class(head, "heading");
  gtk_widget_set_margin_top(head, 8);
  gtk_widget_set_tooltip_text(head, dir);
  GtkWidget *head_row = gtk_list_box_row_new();
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(head_row), head);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(head_row), FALSE);
  gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(head_row), FALSE);
  gtk_list_box_append(self->file_list, head_row);
  const LlSequence *loaded = ll_gui_runner_get_sequence(self->runner);
  g_autofree gchar *loaded_real = g_canonicalize_filename(loaded->path, NULL);
  for (guint i = 0; i < files->len; i++) {
    const char *path = files->pdata[i];
    g_autoptr(LlDiagList) diags = ll_diag_list_new();
    g_autoptr(LlSequence) seq = NULL;
    g_autoptr(GPtrArray) tables = NULL;
    gboolean ok = ll_sequence_check_file(path, ll_actions_catalog(), diags, &seq, &tables);
    guint errors = ll_diag_list_count(diags, LL_DIAG_ERROR);
    g_autofree gchar *real = g_canonicalize_filename(path, NULL);
    gboolean in_use = g_str_equal(real, loaded_real);
    g_autofree gchar *sub = ok ? g_strdup_printf("%s %s · %s%s", seq->id, seq->version, seq->product,
                                                 in_use ? " · in use" : "")
                               : g_strdup_printf("%u error%s", errors, errors == 1 ? "" : "s");
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    g_autofree gchar *base = g_path_get_basename(path);
    GtkWidget *t = gtk_label_new(base);
    gtk_label_set_xalign(GTK_LABEL(t), 0);
    gtk_label_set_ellipsize(GTK_LABEL(t), PANGO_ELLIPSIZE_MIDDLE);
    GtkWidget *s = gtk_label_new(sub);
    gtk_label_set_xalign(GTK_LABEL(s), 0);
    gtk_widget_add_css_class(s, "caption");
    gtk_widget_add_css_class(s, ok ? "dim-label" : "error");
    gtk_box_append(GTK_BOX(box), t);
    gtk_box_append(GTK_BOX(box), s);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
    g_object_set_data_full(G_OBJECT(row), "path", g_strdup(path), g_free);
    gtk_widget_set_name(row, base);
    gtk_list_box_append(self->file_list, row);
    if (in_use)
      self->loaded_row = GTK_LIST_BOX_ROW(row);
  }
}

static void
fill_list(LlGuiSequencesPage *self)
{
  GtkWidget *child;
  self->loaded_row = NULL;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->file_list))))
    gtk_list_box_remove(self->file_list, child);
  g_autoptr(GHashTable) listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const LlSequence *loaded = ll_gui_runner_get_sequence(self->runner);
  g_autofree gchar *shipped_seq = ll_demo_sequence_path(NULL, loaded->product);
  g_autofree gchar *shipped = g_path_get_dirname(shipped_seq);
  add_folder(self, "Shipped", shipped, listed);
  g_autofree gchar *loaded_dir = g_path_get_dirname(loaded->path);
  add_folder(self, "The loaded sequence's folder", loaded_dir, listed);
  g_autofree gchar *user = g_build_filename(g_get_user_data_dir(), "lightline", "sequences", NULL);
  add_folder(self, "Yours", user, listed);
  for (guint i = 0; self->dirs && self->dirs[i]; i++)
    add_folder(self, self->dirs[i], self->dirs[i], listed);
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  LlGuiSequencesPage *self = LL_GUI_SEQUENCES_PAGE(widget);
  fill_list(self);
  if (self->loaded_row)
    gtk_list_box_select_row(self->file_list, self->loaded_row);
}

static void
ll_gui_sequences_page_dispose(GObject *object)
{
  LlGuiSequencesPage *self = LL_GUI_SEQUENCES_PAGE(object);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->seq, ll_sequence_free);
  g_clear_pointer(&self->tables, g_ptr_array_unref);
  g_clear_pointer(&self->dirs, g_strfreev);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_SEQUENCES_PAGE);
  G_OBJECT_CLASS(ll_gui_sequences_page_parent_class)->dispose(object);
}

static void
ll_gui_sequences_page_class_init(LlGuiSequencesPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_sequences_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-sequences.ui");
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, file_list);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, title_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, about_label);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, diag_box);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, part_dropdown);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, corner_dropdown);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, limits_grid);
  gtk_widget_class_bind_template_child(wc, LlGuiSequencesPage, steps_grid);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
}

static void
ll_gui_sequences_page_init(LlGuiSequencesPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *
ll_gui_sequences_new(LlGuiRunner *runner, const char *const *dirs)
{
  LlGuiSequencesPage *self = g_object_new(LL_GUI_TYPE_SEQUENCES_PAGE, NULL);
  self->runner = g_object_ref(runner);
  self->dirs = g_strdupv((gchar **) dirs);
  g_signal_connect(self->file_list, "row-selected", G_CALLBACK(on_row_selected), self);
  g_signal_connect(self->part_dropdown, "notify::selected", G_CALLBACK(on_limits_choice), self);
  g_signal_connect(self->corner_dropdown, "notify::selected", G_CALLBACK(on_limits_choice), self);
  refresh(GTK_WIDGET(self), NULL, NULL);
  return GTK_WIDGET(self);
}
