/* ll-gui-snapshot.c: a widget rendered to a PNG, in-process: the widget's
 * paintable snapshotted into a render node, rendered by the window's own
 * renderer into a texture, saved. What the file shows is what GTK drew. */
#include "ll-gui-modes.h"

gboolean
ll_gui_snapshot_png(GtkWidget *widget, const char *path, GError **error)
{
  int w = gtk_widget_get_width(widget), h = gtk_widget_get_height(widget);
  GtkNative *native = gtk_widget_get_native(widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer(native) : NULL;
  if (w <= 0 || h <= 0 || !renderer) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the widget is not on screen", path);
    return FALSE;
  }
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(widget);
  GtkSnapshot *snapshot = gtk_snapshot_new();
  gdk_paintable_snapshot(paintable, snapshot, w, h);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node(snapshot);
  if (!node) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the widget drew nothing", path);
    return FALSE;
  }
  graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, (float) w, (float) h);
  g_autoptr(GdkTexture) texture = gsk_renderer_render_texture(renderer, node, &bounds);
  if (!gdk_texture_save_to_png(texture, path)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot write the PNG", path);
    return FALSE;
  }
  return TRUE;
}

GtkWidget *
ll_gui_find_named(GtkWidget *root, const char *name)
{
  if (g_strcmp0(gtk_widget_get_name(root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *found = ll_gui_find_named(c, name);
    if (found)
      return found;
  }
  return NULL;
}
