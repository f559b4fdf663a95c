/* ll-store-browse.c: browsing the results store (see ll-store.h, "browsing
 * runs"): the finished runs a filter selects, a page at a time, newest
 * first; every measurement of one run with its limits; the values of one
 * measurement with their summary (ll_summary_compute(), the numbers
 * ll_store_stats() gives for the same selection); yields by site or by
 * day; runs by bin, most first. The station application's Quality screen
 * asks these on worker threads.
 *
 * The filter is LlStatsFilter's (times, lot, station, sequence, runs on
 * reference modules) and a serial prefix, an outcome and a bin
 * (LL_STORE_FILTER_SQL, which ll_store_stats() uses too, as it does the
 * yields and bins read here). Each answer is read in one read transaction,
 * so its parts agree while a station goes on recording. */
#include "ll-store-private.h"

#include <math.h>

#define FILTER LL_STORE_FILTER_SQL
#define FILTER_PARAMS LL_STORE_FILTER_PARAMS

void
ll_store_bind_filter(sqlite3_stmt *stmt, const LlRunFilter *f)
{
  sqlite3_bind_int(stmt, 6, f && f->base.with_reference);
  if (!f)
    return;
  ll_store_bind_time(stmt, 1, f->base.from);
  ll_store_bind_time(stmt, 2, f->base.to);
  ll_store_bind_text(stmt, 3, f->base.lot);
  ll_store_bind_text(stmt, 4, f->base.station_id);
  ll_store_bind_text(stmt, 5, f->base.operation);
  ll_store_bind_text(stmt, 7, f->serial && *f->serial ? f->serial : NULL);
  if (f->by_outcome)
    ll_store_bind_text(stmt, 8, ll_outcome_name(f->outcome));
  if (f->bin_number)
    sqlite3_bind_int(stmt, 9, (int) f->bin_number);
}

gboolean
ll_store_read_snapshot(LlStore *store, LlStoreReadFunc body, gpointer data, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  gboolean ok = ll_store_exec(store, "BEGIN", error) && body(store, data, error);
  ll_store_rollback(store);
  g_rec_mutex_unlock(&store->lock);
  return ok;
}

/* ---- runs ---- */

typedef struct {
  const LlRunFilter *filter;
  guint limit, offset, total;
  GPtrArray *runs;
} FindRuns;

static gboolean
find_runs(LlStore *store, gpointer data, GError **error)
{
  FindRuns *q = data;
  sqlite3_stmt *stmt = ll_store_stmt(store, "SELECT count(*) FROM runs r WHERE" FILTER, error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, q->filter);
  int rc = sqlite3_step(stmt);
  q->total = rc == SQLITE_ROW ? (guint) sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_reset(stmt);
  if (rc != SQLITE_ROW)
    return ll_store_sql_error(store, "counting runs", error);

  stmt = ll_store_stmt(store, "SELECT r.id FROM runs r WHERE" FILTER
                       " ORDER BY r.started_utc DESC, r.id DESC LIMIT ?10 OFFSET ?11", error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, q->filter);
  sqlite3_bind_int64(stmt, FILTER_PARAMS + 1, q->limit ? (gint64) q->limit : -1);
  sqlite3_bind_int64(stmt, FILTER_PARAMS + 2, q->offset);
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64(stmt, 0);
    g_array_append_val(ids, id);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "finding runs", error);
  /* a page is a few hundred runs at most: each is read as ll_store_run() reads it */
  for (guint i = 0; i < ids->len; i++) {
    LlRunRecord *r = ll_store_run(store, g_array_index(ids, gint64, i), error);
    if (!r)
      return FALSE;
    g_ptr_array_add(q->runs, r);
  }
  return TRUE;
}

GPtrArray *
ll_store_find_runs(LlStore *store, const LlRunFilter *filter, guint limit, guint offset, guint *total,
                   GError **error)
{
  FindRuns q = { filter, limit, offset, 0,
                 g_ptr_array_new_with_free_func((GDestroyNotify) ll_run_record_free) };
  if (!ll_store_read_snapshot(store, find_runs, &q, error)) {
    g_ptr_array_unref(q.runs);
    return NULL;
  }
  if (total)
    *total = q.total;
  return q.runs;
}

/* ---- one run's measurements ---- */

void
ll_measurement_record_free(LlMeasurementRecord *m)
{
  if (!m)
    return;
  g_free(m->step_id);
  g_free(m->name);
  g_free(m->value_type);
  g_free(m->text_value);
  g_free(m->unit);
  g_free(m->limit_name);
  g_free(m->limit_kind);
  g_free(m->limit_unit);
  g_free(m->limit_text);
  g_free(m->verdict);
  g_free(m);
}

typedef struct {
  gint64 run_id;
  GPtrArray *list;
} RunMeasurements;

static gboolean
run_measurements(LlStore *store, gpointer data, GError **error)
{
  RunMeasurements *q = data;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT m.step_id, m.name, m.lane, m.value_type, m.raw_value, m.corrected_value, m.text_value, m.unit,"
    " m.limit_name, m.limit_kind, m.limit_unit, m.limit_low, m.limit_high, m.limit_low_exclusive,"
    " m.limit_high_exclusive, m.limit_nominal, m.limit_guard_band, m.limit_text, m.margin, m.margin_pct,"
    " m.verdict FROM measurements m JOIN step_results s ON s.id = m.step_result_id"
    " WHERE m.run_id = ?1 ORDER BY s.position, m.id", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64(stmt, 1, q->run_id);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    LlMeasurementRecord *m = g_new0(LlMeasurementRecord, 1);
    int c = 0;
    m->step_id = ll_store_column_text(stmt, c++);
    m->name = ll_store_column_text(stmt, c++);
    m->lane = (guint) sqlite3_column_int(stmt, c++);
    m->value_type = ll_store_column_text(stmt, c++);
    m->raw_value = ll_store_column_double(stmt, c++);
    m->value = ll_store_column_double(stmt, c++);
    m->text_value = ll_store_column_text(stmt, c++);
    m->unit = ll_store_column_text(stmt, c++);
    m->limit_name = ll_store_column_text(stmt, c++);
    m->limit_kind = ll_store_column_text(stmt, c++);
    m->limit_unit = ll_store_column_text(stmt, c++);
    m->low = ll_store_column_double(stmt, c++);
    m->high = ll_store_column_double(stmt, c++);
    m->low_exclusive = sqlite3_column_int(stmt, c++) != 0;
    m->high_exclusive = sqlite3_column_int(stmt, c++) != 0;
    m->nominal = ll_store_column_double(stmt, c++);
    m->guard_band = ll_store_column_double(stmt, c++);
    m->limit_text = ll_store_column_text(stmt, c++);
    m->margin = ll_store_column_double(stmt, c++);
    m->margin_pct = ll_store_column_double(stmt, c++);
    m->verdict = ll_store_column_text(stmt, c++);
    g_ptr_array_add(q->list, m);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "reading measurements", error);
  return TRUE;
}

GPtrArray *
ll_store_run_measurements(LlStore *store, gint64 run_id, GError **error)
{
  RunMeasurements q = { run_id, g_ptr_array_new_with_free_func((GDestroyNotify) ll_measurement_record_free) };
  if (!ll_store_read_snapshot(store, run_measurements, &q, error)) {
    g_ptr_array_unref(q.list);
    return NULL;
  }
  return q.list;
}

/* ---- one measurement's values ---- */

void
ll_measurement_values_free(LlMeasurementValues *v)
{
  if (!v)
    return;
  g_free(v->stats.step_id);
  g_free(v->stats.name);
  g_free(v->stats.unit);
  g_clear_pointer(&v->values, g_array_unref);
  g_free(v);
}

typedef struct {
  const LlRunFilter *filter;
  guint recent;
  GPtrArray *list;
} Names;

static gboolean
measurement_names(LlStore *store, gpointer data, GError **error)
{
  Names *q = data;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT m.step_id, m.name, m.lane, coalesce(m.unit, '') FROM measurements m"
    " WHERE m.value_type = 'number' AND m.run_id IN (SELECT r.id FROM runs r WHERE" FILTER
    " ORDER BY r.started_utc DESC, r.id DESC LIMIT ?10)"
    " GROUP BY m.step_id, m.name, m.lane, coalesce(m.unit, '') ORDER BY min(m.id)", error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, q->filter);
  sqlite3_bind_int64(stmt, FILTER_PARAMS + 1, q->recent ? (gint64) q->recent : -1);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    LlMeasurementValues *v = g_new0(LlMeasurementValues, 1);
    v->stats.step_id = ll_store_column_text(stmt, 0);
    v->stats.name = ll_store_column_text(stmt, 1);
    v->stats.lane = (guint) sqlite3_column_int(stmt, 2);
    v->stats.unit = ll_store_column_text(stmt, 3);
    v->stats.low = v->stats.high = NAN;
    g_ptr_array_add(q->list, v);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "listing measurements", error);
  return TRUE;
}

GPtrArray *
ll_store_measurement_names(LlStore *store, const LlRunFilter *filter, guint recent, GError **error)
{
  Names q = { filter, recent, g_ptr_array_new_with_free_func((GDestroyNotify) ll_measurement_values_free) };
  if (!ll_store_read_snapshot(store, measurement_names, &q, error)) {
    g_ptr_array_unref(q.list);
    return NULL;
  }
  return q.list;
}

static gboolean
same(double a, double b)
{
  return (isnan(a) && isnan(b)) || a == b;
}

static gboolean
measurement_values(LlStore *store, gpointer data, GError **error)
{
  const LlRunFilter *filter = ((gpointer *) data)[0];
  LlMeasurementValues *v = ((gpointer *) data)[1];
  /* in run order, as ll_store_stats() takes them (Cpk's moving ranges) */
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT m.corrected_value, m.limit_low, m.limit_high, m.limit_unit, m.limit_name"
    " FROM measurements m JOIN runs r ON r.id = m.run_id"
    " WHERE m.value_type = 'number' AND m.step_id = ?10 AND m.name = ?11 AND m.lane = ?12"
    " AND coalesce(m.unit, '') = ?13 AND" FILTER " ORDER BY r.started_utc, r.id, m.id", error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, filter);
  ll_store_bind_text(stmt, FILTER_PARAMS + 1, v->stats.step_id);
  ll_store_bind_text(stmt, FILTER_PARAMS + 2, v->stats.name);
  sqlite3_bind_int(stmt, FILTER_PARAMS + 3, (int) v->stats.lane);
  ll_store_bind_text(stmt, FILTER_PARAMS + 4, v->stats.unit);
  gboolean first = TRUE, limits_differ = FALSE;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    double low = NAN, high = NAN;
    if (sqlite3_column_type(stmt, 4) != SQLITE_NULL) {
      const char *limit_unit = (const char *) sqlite3_column_text(stmt, 3);
      low = ll_store_limit_in(ll_store_column_double(stmt, 1), limit_unit, v->stats.unit);
      high = ll_store_limit_in(ll_store_column_double(stmt, 2), limit_unit, v->stats.unit);
    }
    if (first) {
      v->stats.low = low;
      v->stats.high = high;
      first = FALSE;
    } else if (!same(low, v->stats.low) || !same(high, v->stats.high)) {
      limits_differ = TRUE;
    }
    double x = ll_store_column_double(stmt, 0);
    g_array_append_val(v->values, x);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "reading a measurement's values", error);
  if (limits_differ)
    v->stats.low = v->stats.high = NAN;
  ll_summary_compute((const double *) v->values->data, v->values->len, v->stats.low, v->stats.high,
                     &v->stats.summary);
  return TRUE;
}

LlMeasurementValues *
ll_store_measurement_values(LlStore *store, const LlRunFilter *filter, const char *step_id,
                            const char *name, guint lane, const char *unit, GError **error)
{
  LlMeasurementValues *v = g_new0(LlMeasurementValues, 1);
  v->stats.step_id = g_strdup(step_id);
  v->stats.name = g_strdup(name);
  v->stats.lane = lane;
  v->stats.unit = g_strdup(unit ? unit : "");
  v->stats.low = v->stats.high = NAN;
  v->values = g_array_new(FALSE, FALSE, sizeof(double));
  gpointer data[] = { (gpointer) filter, v };
  if (!ll_store_read_snapshot(store, measurement_values, data, error)) {
    ll_measurement_values_free(v);
    return NULL;
  }
  return v;
}

/* ---- yields and bins ---- */

void
ll_yield_group_free(LlYieldGroup *g)
{
  if (!g)
    return;
  g_free(g->name);
  g_free(g);
}

typedef struct {
  const LlRunFilter *filter;
  LlYieldBy by;
  GPtrArray *groups;
} Yields;

static void
close_unit(LlYieldGroup *g, LlOutcome last)
{
  if (g && last == LL_OUTCOME_PASS)
    g->units_passed++;
}

gboolean
ll_store_read_yields(LlStore *store, const LlRunFilter *f, LlYieldBy by, GPtrArray *groups, GError **error)
{
  static const char *const sql[] = {
    [LL_YIELD_ALL] = "SELECT '', r.serial, r.operation, r.outcome FROM runs r WHERE" FILTER
                     " ORDER BY r.serial, r.operation, r.started_utc, r.id",
    [LL_YIELD_BY_SITE] = "SELECT r.station_id || ' site ' || r.site, r.serial, r.operation, r.outcome"
                         " FROM runs r WHERE" FILTER
                         " ORDER BY r.station_id, r.site, r.serial, r.operation, r.started_utc, r.id",
    [LL_YIELD_BY_DAY] = "SELECT substr(r.started_utc, 1, 10), r.serial, r.operation, r.outcome"
                        " FROM runs r WHERE" FILTER
                        " ORDER BY 1, r.serial, r.operation, r.started_utc, r.id",
  };
  sqlite3_stmt *stmt = ll_store_stmt(store, sql[by], error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, f);
  LlYieldGroup *g = NULL;
  g_autofree gchar *unit = NULL;
  LlOutcome last = LL_OUTCOME_INCOMPLETE;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const char *name = (const char *) sqlite3_column_text(stmt, 0);
    g_autofree gchar *key = g_strdup_printf("%s\x1f%s", sqlite3_column_text(stmt, 1),
                                            sqlite3_column_text(stmt, 2));
    LlOutcome o = LL_OUTCOME_INCOMPLETE;
    ll_store_outcome_from_name((const char *) sqlite3_column_text(stmt, 3), &o);
    if (!g || g_strcmp0(g->name, name)) {
      close_unit(g, last);
      g = g_new0(LlYieldGroup, 1);
      g->name = g_strdup(name ? name : "");
      g_ptr_array_add(groups, g);
      g_clear_pointer(&unit, g_free);
    }
    g->runs++;
    if (g_strcmp0(key, unit)) {
      if (unit)
        close_unit(g, last);
      g_free(unit);
      unit = g_steal_pointer(&key);
      g->units++;
      if (o == LL_OUTCOME_PASS)
        g->units_first_pass++;
    }
    last = o;
  }
  close_unit(g, last);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "counting units", error);
  for (guint i = 0; i < groups->len; i++) {
    LlYieldGroup *y = groups->pdata[i];
    y->yield = (double) y->units_passed / y->units;
    y->first_pass_yield = (double) y->units_first_pass / y->units;
  }
  return TRUE;
}

static gboolean
yields(LlStore *store, gpointer data, GError **error)
{
  Yields *q = data;
  return ll_store_read_yields(store, q->filter, q->by, q->groups, error);
}

GPtrArray *
ll_store_yield_by(LlStore *store, const LlRunFilter *filter, LlYieldBy by, GError **error)
{
  g_return_val_if_fail(by <= LL_YIELD_BY_DAY, NULL);
  Yields q = { filter, by, g_ptr_array_new_with_free_func((GDestroyNotify) ll_yield_group_free) };
  if (!ll_store_read_snapshot(store, yields, &q, error)) {
    g_ptr_array_unref(q.groups);
    return NULL;
  }
  return q.groups;
}

void
ll_bin_count_free(LlBinCount *b)
{
  if (!b)
    return;
  g_free(b->name);
  g_free(b);
}

typedef struct {
  const LlRunFilter *filter;
  GPtrArray *bins;
} Bins;

gboolean
ll_store_read_bins(LlStore *store, const LlRunFilter *f, const char *order_by, GPtrArray *out,
                   GError **error)
{
  g_autofree gchar *sql = g_strconcat("SELECT r.outcome, r.bin_number, r.bin_name, count(*) FROM runs r WHERE"
                                      FILTER " GROUP BY r.outcome, r.bin_number, r.bin_name ORDER BY ",
                                      order_by, NULL);
  sqlite3_stmt *stmt = ll_store_stmt(store, sql, error);
  if (!stmt)
    return FALSE;
  ll_store_bind_filter(stmt, f);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    LlBinCount *b = g_new0(LlBinCount, 1);
    b->outcome = LL_OUTCOME_INCOMPLETE;
    ll_store_outcome_from_name((const char *) sqlite3_column_text(stmt, 0), &b->outcome);
    b->number = (guint) sqlite3_column_int(stmt, 1);
    b->name = ll_store_column_text(stmt, 2);
    if (!b->name)
      b->name = g_strdup(ll_outcome_name(b->outcome));
    b->runs = (guint) sqlite3_column_int(stmt, 3);
    g_ptr_array_add(out, b);
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return ll_store_sql_error(store, "counting bins", error);
  return TRUE;
}

static gboolean
bins(LlStore *store, gpointer data, GError **error)
{
  Bins *q = data;
  return ll_store_read_bins(store, q->filter, "4 DESC, r.outcome DESC, r.bin_number", q->bins, error);
}

GPtrArray *
ll_store_bin_pareto(LlStore *store, const LlRunFilter *filter, GError **error)
{
  Bins q = { filter, g_ptr_array_new_with_free_func((GDestroyNotify) ll_bin_count_free) };
  if (!ll_store_read_snapshot(store, bins, &q, error)) {
    g_ptr_array_unref(q.bins);
    return NULL;
  }
  return q.bins;
}
