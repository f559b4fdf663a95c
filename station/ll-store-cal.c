/* ll-store-cal.c: path-loss calibrations read back from the results store
 * (see ll-store-cal.h). */
#include "ll-store-cal.h"
#include "ll-store-private.h"

#include <math.h>

static LlPathLoss *
read_path_loss(sqlite3_stmt *stmt)
{
  LlPathLoss *l = g_new0(LlPathLoss, 1);
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
  ll_path_kind_from_name((const char *) sqlite3_column_text(stmt, 11), &l->path);
  return l;
}

LlPathLoss *
ll_store_path_loss_newest(LlStore *store, const char *station_id, guint site, LlPathKind path,
                          guint lane, double wavelength_nm, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  LlPathLoss *l = NULL;
  int rc = SQLITE_ERROR;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT p.id, p.set_id, s.station_id, s.site, p.lane, p.wavelength_nm, p.loss_db, s.measured_utc,"
    " s.expires_utc, s.operator, s.golden_serial, p.path"
    " FROM path_loss p JOIN path_loss_sets s ON s.id = p.set_id"
    " WHERE s.station_id = ?1 AND s.site = ?2 AND p.path = ?3 AND p.lane = ?4"
    " AND abs(p.wavelength_nm - ?5) < 0.5 ORDER BY s.measured_utc DESC, s.id DESC LIMIT 1", error);
  if (stmt) {
    ll_store_bind_text(stmt, 1, station_id);
    sqlite3_bind_int(stmt, 2, (int) site);
    ll_store_bind_text(stmt, 3, ll_path_kind_name(path));
    sqlite3_bind_int(stmt, 4, (int) lane);
    sqlite3_bind_double(stmt, 5, wavelength_nm);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
      l = read_path_loss(stmt);
    else if (rc != SQLITE_DONE)
      ll_store_sql_error(store, "reading path-loss calibrations", error);
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  if (rc == SQLITE_DONE)
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND,
                "station %s site %u %s lane %u has no path-loss calibration at %g nm", station_id,
                site, path == LL_PATH_TX ? "TX" : "RX", lane, wavelength_nm);
  return l;
}

void
ll_path_loss_set_record_free(LlPathLossSetRecord *s)
{
  if (!s)
    return;
  g_free(s->station_id);
  g_free(s->operator_name);
  g_free(s->golden_serial);
  g_clear_pointer(&s->measured_utc, g_date_time_unref);
  g_clear_pointer(&s->expires_utc, g_date_time_unref);
  g_clear_pointer(&s->entries, g_array_unref);
  g_clear_pointer(&s->entry_ids, g_array_unref);
  g_free(s);
}

/* Reads every entry of each set of @sets (in one statement per set). */
static gboolean
read_entries(LlStore *store, GPtrArray *sets, GError **error)
{
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT id, path, lane, wavelength_nm, loss_db FROM path_loss WHERE set_id = ?1"
    " ORDER BY path DESC, lane, wavelength_nm", error);
  if (!stmt)
    return FALSE;
  for (guint i = 0; i < sets->len; i++) {
    LlPathLossSetRecord *s = sets->pdata[i];
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, s->id);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      gint64 id = sqlite3_column_int64(stmt, 0);
      LlPathLossEntry e = { LL_PATH_TX, (guint) sqlite3_column_int(stmt, 2),
                            ll_store_column_double(stmt, 3), ll_store_column_double(stmt, 4) };
      ll_path_kind_from_name((const char *) sqlite3_column_text(stmt, 1), &e.path);
      g_array_append_val(s->entries, e);
      g_array_append_val(s->entry_ids, id);
    }
    if (rc != SQLITE_DONE) {
      sqlite3_reset(stmt);
      return ll_store_sql_error(store, "reading path-loss entries", error);
    }
  }
  sqlite3_reset(stmt);
  return TRUE;
}

GPtrArray *
ll_store_path_loss_sets(LlStore *store, const char *station_id, guint site, const char *golden,
                        GError **error)
{
  g_rec_mutex_lock(&store->lock);
  GPtrArray *list = NULL;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT id, station_id, site, operator, golden_serial, measured_utc, expires_utc"
    " FROM path_loss_sets WHERE (?1 IS NULL OR station_id = ?1) AND (?2 = 0 OR site = ?2)"
    " AND (?3 IS NULL OR golden_serial = ?3) ORDER BY measured_utc, id", error);
  if (stmt) {
    ll_store_bind_text(stmt, 1, station_id);
    sqlite3_bind_int(stmt, 2, (int) site);
    ll_store_bind_text(stmt, 3, golden);
    list = g_ptr_array_new_with_free_func((GDestroyNotify) ll_path_loss_set_record_free);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      LlPathLossSetRecord *s = g_new0(LlPathLossSetRecord, 1);
      s->id = sqlite3_column_int64(stmt, 0);
      s->station_id = ll_store_column_text(stmt, 1);
      s->site = (guint) sqlite3_column_int(stmt, 2);
      s->operator_name = ll_store_column_text(stmt, 3);
      s->golden_serial = ll_store_column_text(stmt, 4);
      s->measured_utc = ll_store_column_time(stmt, 5);
      s->expires_utc = ll_store_column_time(stmt, 6);
      s->entries = g_array_new(FALSE, FALSE, sizeof(LlPathLossEntry));
      s->entry_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
      g_ptr_array_add(list, s);
    }
    if (rc != SQLITE_DONE) {
      ll_store_sql_error(store, "reading path-loss calibrations", error);
      g_clear_pointer(&list, g_ptr_array_unref);
    }
    sqlite3_reset(stmt);
  }
  if (list && !read_entries(store, list, error))
    g_clear_pointer(&list, g_ptr_array_unref);
  g_rec_mutex_unlock(&store->lock);
  return list;
}
