/* ll-actions.c: the registry of the station's actions: one table of
 * LlAction rows, each an LlActionSpec for the sequence format and the C
 * function that runs it. The actions themselves live in ll-actions-*.c by
 * subject (module, EVB, transmitter, receiver, monitors, golden module). */
#include "ll-actions-private.h"

#include <string.h>

static const LlAction *const *const tables[] = {
  ll_actions_module,
  ll_actions_util,
  ll_actions_evb,
  ll_actions_tx,
  ll_actions_rx,
  ll_actions_ddm,
  ll_actions_cal,
  ll_actions_golden,
};

static GPtrArray *
all_actions(void)
{
  static gsize once = 0;
  static GPtrArray *list;
  if (g_once_init_enter(&once)) {
    list = g_ptr_array_new();
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++)
      for (const LlAction *const *a = tables[t]; *a; a++)
        g_ptr_array_add(list, (gpointer) *a);
    g_once_init_leave(&once, 1);
  }
  return list;
}

const LlActionCatalog *
ll_actions_catalog(void)
{
  static gsize once = 0;
  static LlActionCatalog catalog;
  if (g_once_init_enter(&once)) {
    GPtrArray *list = all_actions();
    LlActionSpec *specs = g_new0(LlActionSpec, list->len);
    for (guint i = 0; i < list->len; i++)
      specs[i] = ((const LlAction *) list->pdata[i])->spec;
    catalog.actions = specs;
    catalog.n_actions = list->len;
    g_once_init_leave(&once, 1);
  }
  return &catalog;
}

const LlAction *
ll_actions_lookup(const char *name)
{
  GPtrArray *list = all_actions();
  for (guint i = 0; i < list->len; i++) {
    const LlAction *a = list->pdata[i];
    if (g_str_equal(a->spec.name, name))
      return a;
  }
  return NULL;
}
