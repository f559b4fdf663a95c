/* ll-diag.c: diagnostics lists and the closest-word helper (see ll-diag.h). */
#include "ll-diag.h"

#include <string.h>

struct _LlDiagList {
  GPtrArray *items;
};

static void
diag_free(gpointer p)
{
  LlDiag *d = p;
  g_free(d->file);
  g_free(d->message);
  g_free(d->hint);
  g_free(d);
}

LlDiagList *
ll_diag_list_new(void)
{
  LlDiagList *l = g_new0(LlDiagList, 1);
  l->items = g_ptr_array_new_with_free_func(diag_free);
  return l;
}

void
ll_diag_list_free(LlDiagList *list)
{
  if (!list)
    return;
  g_ptr_array_unref(list->items);
  g_free(list);
}

void
ll_diag_add(LlDiagList *list, LlDiagSeverity severity, const char *file, guint line,
            guint column, const char *hint, const char *format, ...)
{
  LlDiag *d = g_new0(LlDiag, 1);
  va_list ap;
  va_start(ap, format);
  d->message = g_strdup_vprintf(format, ap);
  va_end(ap);
  d->severity = severity;
  d->file = g_strdup(file);
  d->line = line;
  d->column = column;
  d->hint = g_strdup(hint);
  g_ptr_array_add(list->items, d);
}

static gint
diag_compare(gconstpointer pa, gconstpointer pb)
{
  const LlDiag *a = *(LlDiag *const *) pa, *b = *(LlDiag *const *) pb;
  int c = g_strcmp0(a->file, b->file);
  if (c)
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  return a->column < b->column ? -1 : a->column > b->column;
}

void
ll_diag_list_sort(LlDiagList *list)
{
  /* g_ptr_array_sort is a stable merge sort in GLib */
  g_ptr_array_sort(list->items, diag_compare);
}

guint
ll_diag_list_count(const LlDiagList *list, LlDiagSeverity severity)
{
  guint n = 0;
  for (guint i = 0; i < list->items->len; i++)
    n += ((LlDiag *) list->items->pdata[i])->severity == severity;
  return n;
}

const LlDiag *
ll_diag_list_get(const LlDiagList *list, guint index)
{
  return index < list->items->len ? list->items->pdata[index] : NULL;
}

guint
ll_diag_list_length(const LlDiagList *list)
{
  return list->items->len;
}

gchar *
ll_diag_format(const LlDiag *d)
{
  GString *s = g_string_new(d->file);
  if (d->line)
    g_string_append_printf(s, ":%u", d->line);
  if (d->line && d->column)
    g_string_append_printf(s, ":%u", d->column);
  g_string_append_printf(s, ": %s: %s", d->severity == LL_DIAG_ERROR ? "error" : "warning",
                         d->message);
  if (d->hint)
    g_string_append_printf(s, "\n  hint: %s", d->hint);
  return g_string_free(s, FALSE);
}

gchar *
ll_diag_list_format(const LlDiagList *list)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < list->items->len; i++) {
    g_autofree gchar *one = ll_diag_format(list->items->pdata[i]);
    g_string_append_printf(s, "%s%s", i ? "\n" : "", one);
  }
  return g_string_free(s, FALSE);
}

guint
ll_edit_distance(const char *a, const char *b)
{
  /* optimal string alignment: insertions, deletions, substitutions and
   * transpositions of neighbours ("lien" -> "line") each cost one */
  gsize la = strlen(a), lb = strlen(b), w = lb + 1;
  g_autofree guint *d = g_new(guint, (la + 1) * w);
  for (gsize i = 0; i <= la; i++)
    d[i * w] = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    d[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++) {
      char ca = g_ascii_tolower(a[i - 1]), cb = g_ascii_tolower(b[j - 1]);
      guint v = MIN(MIN(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1),
                    d[(i - 1) * w + j - 1] + (ca != cb));
      if (i > 1 && j > 1 && ca == g_ascii_tolower(b[j - 2]) && g_ascii_tolower(a[i - 2]) == cb)
        v = MIN(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  return d[la * w + lb];
}

const char *
ll_closest_word(const char *word, const char *const *candidates, gsize n)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (gsize i = 0; i < n; i++) {
    guint d = ll_edit_distance(word, candidates[i]);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  /* a typo, not a different word: at most a third of the letters changed */
  gsize len = MAX(strlen(word), 3);
  return best && best_d <= MAX(1, len / 3) ? best : NULL;
}
