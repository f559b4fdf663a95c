/* ll-activity.c: activity kinds and interval arithmetic (see ll-activity.h).
 * The union sorts the intervals by start and sweeps once, merging each into
 * the last one kept when it starts before (or where) that one ends. */
#include "ll-activity.h"

static const char *const kind_names[LL_ACTIVITY_N_KINDS] = {
  [LL_ACTIVITY_MODULE_INIT] = "module management init",
  [LL_ACTIVITY_MODULE_POWER_UP] = "module power-up",
  [LL_ACTIVITY_DATA_PATH] = "data-path activation",
  [LL_ACTIVITY_BERT_GATE] = "BERT gating",
  [LL_ACTIVITY_SCOPE] = "scope acquisition",
  [LL_ACTIVITY_METER] = "meter averaging",
  [LL_ACTIVITY_ATTENUATOR] = "attenuator settling",
  [LL_ACTIVITY_SWITCH] = "switch settling",
  [LL_ACTIVITY_EVB_TWI] = "EVB two-wire",
  [LL_ACTIVITY_EVB] = "EVB supply, pins, V/I",
  [LL_ACTIVITY_THERMAL] = "thermal head",
  [LL_ACTIVITY_OTHER] = "other",
};

const char *
ll_activity_kind_name(LlActivityKind kind)
{
  return kind < LL_ACTIVITY_N_KINDS ? kind_names[kind] : "?";
}

static gint
by_start(gconstpointer a, gconstpointer b)
{
  const LlInterval *x = a, *y = b;
  return x->start_us < y->start_us ? -1 : x->start_us > y->start_us ? 1 : 0;
}

GArray *
ll_activity_union(const LlActivity *items, guint n, LlActivityKind kind)
{
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(LlInterval));
  for (guint i = 0; i < n; i++)
    if ((kind == LL_ACTIVITY_N_KINDS || items[i].kind == kind) &&
        items[i].end_us > items[i].start_us) {
      LlInterval v = { items[i].start_us, items[i].end_us };
      g_array_append_val(all, v);
    }
  g_array_sort(all, by_start);
  GArray *out = g_array_new(FALSE, FALSE, sizeof(LlInterval));
  for (guint i = 0; i < all->len; i++) {
    const LlInterval *v = &g_array_index(all, LlInterval, i);
    LlInterval *last = out->len ? &g_array_index(out, LlInterval, out->len - 1) : NULL;
    if (last && v->start_us <= last->end_us)
      last->end_us = MAX(last->end_us, v->end_us);
    else
      g_array_append_val(out, *v);
  }
  return out;
}

gint64
ll_interval_total(const GArray *intervals)
{
  gint64 total = 0;
  for (guint i = 0; i < intervals->len; i++) {
    const LlInterval *v = &g_array_index(intervals, LlInterval, i);
    total += v->end_us - v->start_us;
  }
  return total;
}

gint64
ll_interval_gap_total(const GArray *intervals, gint64 from_us, gint64 to_us)
{
  gint64 covered = 0;
  for (guint i = 0; i < intervals->len; i++) {
    const LlInterval *v = &g_array_index(intervals, LlInterval, i);
    gint64 a = MAX(v->start_us, from_us), b = MIN(v->end_us, to_us);
    if (b > a)
      covered += b - a;
  }
  return MAX(0, to_us - from_us) - covered;
}
