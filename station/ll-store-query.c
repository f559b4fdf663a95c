/* ll-store-query.c: reading runs back (a unit's history, one run), and the
 * calibration records: path-loss sets with the lookup of the one in effect,
 * golden-unit checks with their history (see ll-store.h). */
#include "ll-store-private.h"

#include <math.h>

/* ---- runs ---- */

#define RUN_COLUMNS \
  "r.id, r.serial, r.operation, r.sequence_version, r.attempt, r.outcome, r.bin_number, r.bin_name," \
  " r.message, r.part_number, r.firmware, r.hardware_revision, r.lot, r.operator, r.station_id," \
  " r.line, r.site, r.fixture, r.fixture_insertion, r.started_utc, r.finished_utc, r.test_time_s," \
  " r.steps_planned, (SELECT count(*) FROM step_results s WHERE s.run_id = r.id)"

void
ll_run_record_free(LlRunRecord *r)
{
  if (!r)
    return;
  g_free(r->serial);
  g_free(r->operation);
  g_free(r->sequence_version);
  g_free(r->bin_name);
  g_free(r->message);
  g_free(r->part_number);
  g_free(r->firmware);
  g_free(r->hardware_revision);
  g_free(r->lot);
  g_free(r->operator_name);
  g_free(r->station_id);
  g_free(r->line);
  g_free(r->fixture);
  g_clear_pointer(&r->started_utc, g_date_time_unref);
  g_clear_pointer(&r->finished_utc, g_date_time_unref);
  g_free(r);
}

static LlRunRecord *
read_run(sqlite3_stmt *stmt)
{
  LlRunRecord *r = g_new0(LlRunRecord, 1);
  int c = 0;
  r->id = sqlite3_column_int64(stmt, c++);
  r->serial = ll_store_column_text(stmt, c++);
  r->operation = ll_store_column_text(stmt, c++);
  r->sequence_version = ll_store_column_text(stmt, c++);
  r->attempt = (guint) sqlite3_column_int(stmt, c++);
  r->finished = ll_store_outcome_from_name((const char *) sqlite3_column_text(stmt, c++), &r->outcome);
  r->bin_number = (guint) sqlite3_column_int(stmt, c++);
  r->bin_name = ll_store_column_text(stmt, c++);
  r->message = ll_store_column_text(stmt, c++);
  r->part_number = ll_store_column_text(stmt, c++);
  r->firmware = ll_store_column_text(stmt, c++);
  r->hardware_revision = ll_store_column_text(stmt, c++);
  r->lot = ll_store_column_text(stmt, c++);
  r->operator_name = ll_store_column_text(stmt, c++);
  r->station_id = ll_store_column_text(stmt, c++);
  r->line = ll_store_column_text(stmt, c++);
  r->site = (guint) sqlite3_column_int(stmt, c++);
  r->fixture = ll_store_column_text(stmt, c++);
  r->fixture_insertion = (guint) sqlite3_column_int(stmt, c++);
  r->started_utc = ll_store_column_time(stmt, c++);
  r->finished_utc = ll_store_column_time(stmt, c++);
  r->test_time_s = ll_store_column_double(stmt, c++);
  r->steps_planned = (guint) sqlite3_column_int(stmt, c++);
  r->steps_stored = (guint) sqlite3_column_int(stmt, c++);
  return r;
}

/* The runs @sql selects with @text bound to ?1 (or @id when @text is NULL). */
static GPtrArray *
select_runs(LlStore *store, const char *sql, const char *text, gint64 id, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  GPtrArray *list = NULL;
  sqlite3_stmt *stmt = ll_store_stmt(store, sql, error);
  if (stmt) {
    if (text)
      ll_store_bind_text(stmt, 1, text);
    else
      sqlite3_bind_int64(stmt, 1, id);
    list = g_ptr_array_new_with_free_func((GDestroyNotify) ll_run_record_free);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
      g_ptr_array_add(list, read_run(stmt));
    if (rc != SQLITE_DONE) {
      ll_store_sql_error(store, "reading runs", error);
      g_clear_pointer(&list, g_ptr_array_unref);
    }
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  return list;
}

GPtrArray *
ll_store_unit_history(LlStore *store, const char *serial, GError **error)
{
  return select_runs(store, "SELECT " RUN_COLUMNS " FROM runs r WHERE r.serial = ?1 ORDER BY r.started_utc, r.id",
                     serial, 0, error);
}

LlRunRecord *
ll_store_run(LlStore *store, gint64 id, GError **error)
{
  g_autoptr(GPtrArray) list = select_runs(store, "SELECT " RUN_COLUMNS " FROM runs r WHERE r.id = ?1",
                                          NULL, id, error);
  if (!list)
    return NULL;
  if (!list->len) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                store->path, id);
    return NULL;
  }
  return g_ptr_array_steal_index(list, 0);
}

/* ---- path loss ---- */

gint64
ll_store_add_path_loss(LlStore *store, const LlPathLossSet *set, GError **error)
{
  if (!set->n_entries || !set->station_id || !set->measured_utc || !set->expires_utc) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_INVALID,
                "a path-loss calibration needs a station, its times and at least one entry");
    return 0;
  }
  for (guint i = 0; i < set->n_entries; i++)
    for (guint j = 0; j < i; j++)
      if (set->entries[i].path == set->entries[j].path && set->entries[i].lane == set->entries[j].lane &&
          fabs(set->entries[i].wavelength_nm - set->entries[j].wavelength_nm) < 0.5) {
        g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_INVALID,
                    "a path-loss calibration has %s lane %u at %g nm twice",
                    ll_path_kind_name(set->entries[i].path), set->entries[i].lane,
                    set->entries[i].wavelength_nm);
        return 0;
      }
  g_rec_mutex_lock(&store->lock);
  gint64 id = 0;
  gboolean ok = ll_store_begin(store, error);
  sqlite3_stmt *stmt = ok ? ll_store_stmt(store,
    "INSERT INTO path_loss_sets (station_id, site, measured_utc, expires_utc, operator, golden_serial)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error) : NULL;
  if ((ok = stmt != NULL)) {
    ll_store_bind_text(stmt, 1, set->station_id);
    sqlite3_bind_int(stmt, 2, (int) set->site);
    ll_store_bind_time(stmt, 3, set->measured_utc);
    ll_store_bind_time(stmt, 4, set->expires_utc);
    ll_store_bind_text(stmt, 5, set->operator_name);
    ll_store_bind_text(stmt, 6, set->golden_serial);
    ok = ll_store_step_done(store, stmt, "recording a path-loss calibration", error);
    id = sqlite3_last_insert_rowid(store->db);
  }
  stmt = ok ? ll_store_stmt(store,
    "INSERT INTO path_loss (set_id, lane, wavelength_nm, loss_db, path) VALUES (?1, ?2, ?3, ?4, ?5)", error) : NULL;
  ok = stmt != NULL;
  for (guint i = 0; ok && i < set->n_entries; i++) {
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int(stmt, 2, (int) set->entries[i].lane);
    ll_store_bind_double(stmt, 3, set->entries[i].wavelength_nm);
    ll_store_bind_double(stmt, 4, set->entries[i].loss_db);
    ll_store_bind_text(stmt, 5, ll_path_kind_name(set->entries[i].path));
    ok = ll_store_step_done(store, stmt, "recording a path loss", error);
  }
  if (ok)
    ok = ll_store_commit(store, error);
  else
    ll_store_rollback(store);
  g_rec_mutex_unlock(&store->lock);
  return ok ? id : 0;
}

void
ll_path_loss_free(LlPathLoss *l)
{
  if (!l)
    return;
  g_free(l->station_id);
  g_clear_pointer(&l->measured_utc, g_date_time_unref);
  g_clear_pointer(&l->expires_utc, g_date_time_unref);
  g_free(l->operator_name);
  g_free(l->golden_serial);
  g_free(l);
}

LlPathLoss *
ll_store_path_loss_current(LlStore *store, const char *station_id, guint site, LlPathKind path,
                           guint lane, double wavelength_nm, GDateTime *now, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  LlPathLoss *l = NULL;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT p.id, p.set_id, s.station_id, s.site, p.lane, p.wavelength_nm, p.loss_db, s.measured_utc,"
    " s.expires_utc, s.operator, s.golden_serial"
    " FROM path_loss p JOIN path_loss_sets s ON s.id = p.set_id"
    " WHERE s.station_id = ?1 AND s.site = ?2 AND p.lane = ?3 AND abs(p.wavelength_nm - ?4) < 0.5"
    " AND p.path = ?5 ORDER BY s.measured_utc DESC, s.id DESC LIMIT 1", error);
  int rc = SQLITE_ERROR;
  if (stmt) {
    ll_store_bind_text(stmt, 1, station_id);
    sqlite3_bind_int(stmt, 2, (int) site);
    sqlite3_bind_int(stmt, 3, (int) lane);
    sqlite3_bind_double(stmt, 4, wavelength_nm);
    ll_store_bind_text(stmt, 5, ll_path_kind_name(path));
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      l = g_new0(LlPathLoss, 1);
      l->path = path;
      l->id = sqlite3_column_int64(stmt, 0);
      l->set_id = sqlite3_column_int64(stmt, 1);
      l->station_id = ll_store_column_text(stmt, 2);
      l->site = (guint) sqlite3_column_int(stmt, 3);
      l->lane = (guint) sqlite3_column_int(stmt, 4);
      l->wavelength_nm = ll_store_column_double(stmt, 5);
      l->loss_db = ll_store_column_double(stmt, 6);
      l->measured_utc = ll_store_column_time(stmt, 7);
      l->expires_utc = ll_store_column_time(stmt, 8);
      l->operator_name = ll_store_column_text(stmt, 9);
      l->golden_serial = ll_store_column_text(stmt, 10);
    } else if (rc != SQLITE_DONE) {
      ll_store_sql_error(store, "reading path-loss calibrations", error);
    }
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  if (rc == SQLITE_DONE) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND,
                "station %s site %u %s lane %u has no path-loss calibration at %g nm: calibrate it "
                "(lightline calibrate path-loss)", station_id, site, path == LL_PATH_TX ? "TX" : "RX",
                lane, wavelength_nm);
    return NULL;
  }
  if (!l)
    return NULL;
  g_autoptr(GDateTime) current = now ? g_date_time_ref(now) : g_date_time_new_now_utc();
  if (!l->expires_utc || g_date_time_compare(current, l->expires_utc) >= 0) {
    g_autofree gchar *when = l->expires_utc ? g_date_time_format(l->expires_utc, "%Y-%m-%d %H:%M UTC")
                                            : g_strdup("?");
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_EXPIRED,
                "the path-loss calibration of station %s site %u %s lane %u at %g nm expired on %s: "
                "calibrate it again (lightline calibrate path-loss)", station_id, site,
                path == LL_PATH_TX ? "TX" : "RX", lane, l->wavelength_nm, when);
    ll_path_loss_free(l);
    return NULL;
  }
  return l;
}

/* ---- golden-unit checks ---- */

void
ll_golden_check_free(LlGoldenCheck *c)
{
  if (!c)
    return;
  g_free(c->serial);
  g_free(c->measurement);
  g_free(c->unit);
  g_clear_pointer(&c->checked_utc, g_date_time_unref);
  g_free(c->station_id);
  g_free(c->operator_name);
  g_free(c);
}

gint64
ll_store_add_golden_check(LlStore *store, const LlGoldenCheckInput *c, GError **error)
{
  if (!c->serial || !c->measurement || !c->checked_utc || !isfinite(c->value) || !isfinite(c->reference)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_INVALID,
                "a golden-unit check needs a serial, a measurement, a time, a value and a reference");
    return 0;
  }
  g_rec_mutex_lock(&store->lock);
  gint64 id = 0;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "INSERT INTO golden_checks (serial, measurement, lane, value, reference, delta, unit, checked_utc,"
    " station_id, site, operator, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    error);
  if (stmt) {
    ll_store_bind_text(stmt, 1, c->serial);
    ll_store_bind_text(stmt, 2, c->measurement);
    sqlite3_bind_int(stmt, 3, (int) c->lane);
    sqlite3_bind_double(stmt, 4, c->value);
    sqlite3_bind_double(stmt, 5, c->reference);
    sqlite3_bind_double(stmt, 6, c->value - c->reference);
    ll_store_bind_text(stmt, 7, c->unit);
    ll_store_bind_time(stmt, 8, c->checked_utc);
    ll_store_bind_text(stmt, 9, c->station_id);
    if (c->site)
      sqlite3_bind_int(stmt, 10, (int) c->site);
    ll_store_bind_text(stmt, 11, c->operator_name);
    if (c->run_id)
      sqlite3_bind_int64(stmt, 12, c->run_id);
    if (ll_store_step_done(store, stmt, "recording a golden-unit check", error))
      id = sqlite3_last_insert_rowid(store->db);
  }
  g_rec_mutex_unlock(&store->lock);
  return id;
}

GPtrArray *
ll_store_golden_history(LlStore *store, const char *serial, const char *measurement, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  GPtrArray *list = NULL;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT id, serial, measurement, lane, value, reference, delta, unit, checked_utc, station_id,"
    " site, operator, run_id FROM golden_checks"
    " WHERE (?1 IS NULL OR serial = ?1) AND (?2 IS NULL OR measurement = ?2)"
    " ORDER BY checked_utc, id", error);
  if (stmt) {
    ll_store_bind_text(stmt, 1, serial);
    ll_store_bind_text(stmt, 2, measurement);
    list = g_ptr_array_new_with_free_func((GDestroyNotify) ll_golden_check_free);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      LlGoldenCheck *c = g_new0(LlGoldenCheck, 1);
      c->id = sqlite3_column_int64(stmt, 0);
      c->serial = ll_store_column_text(stmt, 1);
      c->measurement = ll_store_column_text(stmt, 2);
      c->lane = (guint) sqlite3_column_int(stmt, 3);
      c->value = ll_store_column_double(stmt, 4);
      c->reference = ll_store_column_double(stmt, 5);
      c->delta = ll_store_column_double(stmt, 6);
      c->unit = ll_store_column_text(stmt, 7);
      c->checked_utc = ll_store_column_time(stmt, 8);
      c->station_id = ll_store_column_text(stmt, 9);
      c->site = (guint) sqlite3_column_int(stmt, 10);
      c->operator_name = ll_store_column_text(stmt, 11);
      c->run_id = sqlite3_column_int64(stmt, 12);
      g_ptr_array_add(list, c);
    }
    if (rc != SQLITE_DONE) {
      ll_store_sql_error(store, "reading golden-unit checks", error);
      g_clear_pointer(&list, g_ptr_array_unref);
    }
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  return list;
}
