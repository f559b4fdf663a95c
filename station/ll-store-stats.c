/* ll-store-stats.c: the statistics of a selection of finished runs (see
 * ll_store_stats() in ll-store.h): yields per unit, counts per bin, and the
 * summary of every numeric measurement by step, name and lane (ll-stats.h).
 *
 * A unit is a (serial, operation) pair. Its first selected run decides
 * first-pass yield, its last selected run the yield. Measurement values are
 * the corrected values, taken in the order the runs started (the order
 * Cpk's moving ranges need: ll-stats.h, the lot report's order); Cpk and
 * Ppk are against the limits as written (not tightened
 * by a guard band), in the value's unit, and only when every value of the
 * group was judged against the same limits. The runs selected, their
 * yields and bins are read as the Quality screen's browser reads them
 * (ll-store-browse.c, LL_STORE_FILTER_SQL). */
#include "ll-store-private.h"

#include <math.h>

static void
measurement_stats_free(gpointer p)
{
  LlMeasurementStats *m = p;
  g_free(m->step_id);
  g_free(m->name);
  g_free(m->unit);
  g_free(m);
}

void
ll_stats_free(LlStats *s)
{
  if (!s)
    return;
  g_clear_pointer(&s->bins, g_ptr_array_unref);
  g_clear_pointer(&s->measurements, g_ptr_array_unref);
  g_free(s);
}

/* Runs, units and yields (one group of all the runs), runs by outcome
 * and bin. */
static gboolean
count_runs(LlStore *store, const LlRunFilter *f, LlStats *s, GError **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func((GDestroyNotify) ll_yield_group_free);
  if (!ll_store_read_yields(store, f, LL_YIELD_ALL, groups, error) ||
      !ll_store_read_bins(store, f,
                          "CASE r.outcome WHEN 'PASS' THEN 0 WHEN 'FAIL' THEN 1 WHEN 'ERROR' THEN 2"
                          " WHEN 'ABORTED' THEN 3 ELSE 4 END, r.bin_number, r.bin_name",
                          s->bins, error))
    return FALSE;
  s->yield = s->first_pass_yield = NAN;
  if (groups->len) {
    const LlYieldGroup *all = groups->pdata[0];
    s->runs = all->runs;
    s->units = all->units;
    s->units_passed = all->units_passed;
    s->units_first_pass = all->units_first_pass;
    s->yield = all->yield;
    s->first_pass_yield = all->first_pass_yield;
  }
  for (guint i = 0; i < s->bins->len; i++) {
    const LlBinCount *b = s->bins->pdata[i];
    s->outcomes[b->outcome] += b->runs;
  }
  return TRUE;
}

typedef struct {
  LlMeasurementStats *stats;
  GArray *values;          /* of double */
  gboolean limits_differ;
  gboolean have_limits;
} Group;

static void
group_free(gpointer p)
{
  Group *g = p;
  g_array_unref(g->values);
  if (g->stats)
    measurement_stats_free(g->stats);
  g_free(g);
}

double
ll_store_limit_in(double limit, const char *limit_unit, const char *unit)
{
  LlUnit from = LL_UNIT_NONE, to = LL_UNIT_NONE;
  unit = unit ? unit : "";
  if (isnan(limit) || !limit_unit || g_str_equal(limit_unit, unit))
    return limit;
  if (!ll_unit_from_name(limit_unit, &from) || (*unit && !ll_unit_from_name(unit, &to)))
    return NAN;
  double out = NAN;
  ll_unit_convert(limit, from, to, &out, NULL);
  return out;
}

static gboolean
same(double a, double b)
{
  return (isnan(a) && isnan(b)) || a == b;
}

static gboolean
summarize_measurements(LlStore *store, const LlRunFilter *f, LlStats *s, GError **error)
{
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT m.step_id, m.name, m.lane, m.unit, m.corrected_value, m.limit_low, m.limit_high,"
    " m.limit_unit, m.limit_name FROM measurements m JOIN runs r ON r.id = m.run_id"
    " WHERE m.value_type = 'number' AND" LL_STORE_FILTER_SQL " ORDER BY r.started_utc, r.id, m.id", error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, f);
  g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, group_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const char *step = (const char *) sqlite3_column_text(stmt, 0);
    const char *name = (const char *) sqlite3_column_text(stmt, 1);
    guint lane = (guint) sqlite3_column_int(stmt, 2);
    const char *unit = (const char *) sqlite3_column_text(stmt, 3);
    unit = unit ? unit : "";
    g_autofree gchar *key = g_strdup_printf("%s\x1f%s\x1f%u\x1f%s", step, name, lane, unit);
    Group *g = g_hash_table_lookup(groups, key);
    double low = NAN, high = NAN;
    if (sqlite3_column_type(stmt, 8) != SQLITE_NULL) {
      const char *limit_unit = (const char *) sqlite3_column_text(stmt, 7);
      low = ll_store_limit_in(ll_store_column_double(stmt, 5), limit_unit, unit);
      high = ll_store_limit_in(ll_store_column_double(stmt, 6), limit_unit, unit);
    }
    if (!g) {
      g = g_new0(Group, 1);
      g->values = g_array_new(FALSE, FALSE, sizeof(double));
      g->stats = g_new0(LlMeasurementStats, 1);
      g->stats->step_id = g_strdup(step);
      g->stats->name = g_strdup(name);
      g->stats->lane = lane;
      g->stats->unit = g_strdup(unit);
      g->stats->low = low;
      g->stats->high = high;
      g_hash_table_insert(groups, g_steal_pointer(&key), g);
      g_ptr_array_add(order, g);
    } else if (!same(low, g->stats->low) || !same(high, g->stats->high)) {
      g->limits_differ = TRUE;
    }
    double v = ll_store_column_double(stmt, 4);
    g_array_append_val(g->values, v);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "reading measurements", error);
  for (guint i = 0; i < order->len; i++) {
    Group *g = order->pdata[i];
    if (g->limits_differ)
      g->stats->low = g->stats->high = NAN;
    ll_summary_compute((const double *) g->values->data, g->values->len, g->stats->low, g->stats->high,
                       &g->stats->summary);
    g_ptr_array_add(s->measurements, g_steal_pointer(&g->stats));
  }
  return TRUE;
}

typedef struct {
  LlRunFilter filter;
  LlStats *stats;
} Query;

static gboolean
read_stats(LlStore *store, gpointer data, GError **error)
{
  Query *q = data;
  return count_runs(store, &q->filter, q->stats, error) && summarize_measurements(store, &q->filter, q->stats, error);
}

LlStats *
ll_store_stats(LlStore *store, const LlStatsFilter *filter, GError **error)
{
  g_autoptr(LlStats) s = g_new0(LlStats, 1);
  s->bins = g_ptr_array_new_with_free_func((GDestroyNotify) ll_bin_count_free);
  s->measurements = g_ptr_array_new_with_free_func(measurement_stats_free);
  /* one read transaction: the answers agree with each other even while a
   * station writes */
  Query q = { { .base = filter ? *filter : (LlStatsFilter) { 0 } }, s };
  return ll_store_read_snapshot(store, read_stats, &q, error) ? g_steal_pointer(&s) : NULL;
}
