/* ll-report-db.c: opening the results store for a report, read-only, in one
 * read transaction (see ll-report-db.h). */
#include "ll-report-db.h"
#include "ll-store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>

G_DEFINE_QUARK(ll-report-error-quark, ll_report_error)

gboolean
ll_report_db_error(LlReportDb *db, const char *what, GError **error)
{
  g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE, "%s: %s: %s", db->path, what,
              sqlite3_errmsg(db->db));
  return FALSE;
}

sqlite3_stmt *
ll_report_db_prepare(LlReportDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    ll_report_db_error(db, "reading the store", error);
    return NULL;
  }
  return stmt;
}

gboolean
ll_report_db_row(LlReportDb *db, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    ll_report_db_error(db, what, error);
  return FALSE;
}

const char *
ll_report_col_text(sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text(stmt, column);
}

double
ll_report_col_double(sqlite3_stmt *stmt, int column)
{
  return sqlite3_column_type(stmt, column) == SQLITE_NULL ? NAN : sqlite3_column_double(stmt, column);
}

static gboolean
query_int(LlReportDb *db, const char *sql, gint64 *out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = ll_report_db_prepare(db, sql, error);
  if (!stmt)
    return FALSE;
  if (!ll_report_db_row(db, stmt, "reading the schema", error)) {
    if (!ll_report_db_failed(error))
      g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE, "%s: no answer to %s", db->path, sql);
    return FALSE;
  }
  *out = sqlite3_column_int64(stmt, 0);
  return TRUE;
}

void
ll_report_db_close(LlReportDb *db)
{
  if (!db)
    return;
  if (db->db) {
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(db->db);
  }
  g_free(db->path);
  g_free(db);
}

LlReportDb *
ll_report_db_open(const char *path, GError **error)
{
  g_autoptr(LlReportDb) db = g_new0(LlReportDb, 1);
  db->path = g_strdup(path);
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE, "%s: no such results store", path);
    return NULL;
  }
  if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    ll_report_db_error(db, "cannot open it", error);
    return NULL;
  }
  /* a station may be committing a step: wait for it rather than fail */
  sqlite3_busy_timeout(db->db, 10000);
  gint64 version = 0, runs = 0, app = 0;
  if (!query_int(db, "PRAGMA user_version", &version, error) ||
      !query_int(db, "PRAGMA application_id", &app, error) ||
      !query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'runs'", &runs, error)) {
    g_prefix_error(error, "not a results store: ");
    return NULL;
  }
  if (version < 1 || !runs || app != LL_STORE_APPLICATION_ID) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE, "%s: not a results store", path);
    return NULL;
  }
  if (version > LL_STORE_SCHEMA_VERSION) {
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_STORE,
                "%s: written by newer software (schema %" G_GINT64_FORMAT ", this build reads up to %d): "
                "report it with that software", path, version, LL_STORE_SCHEMA_VERSION);
    return NULL;
  }
  db->schema_version = (int) version;
  /* A store of schema 1 has no runs.purpose: a view of the runs adds it the
   * way migration 2 does (the temporary schema is the connection's own and
   * is searched first, so the queries read the view) */
  if (version < 2 &&
      sqlite3_exec(db->db,
                   "CREATE TEMP VIEW runs AS SELECT r.*, CASE WHEN EXISTS (SELECT 1 FROM main.step_results s"
                   " WHERE s.run_id = r.id AND (s.action LIKE 'cal.%' OR s.action = 'golden.compare'))"
                   " THEN 'reference' ELSE 'unit' END AS purpose FROM main.runs r",
                   NULL, NULL, NULL) != SQLITE_OK) {
    ll_report_db_error(db, "cannot read a store of schema 1", error);
    return NULL;
  }
  /* one snapshot for every query of the report: its sheets agree */
  if (sqlite3_exec(db->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    ll_report_db_error(db, "cannot begin reading", error);
    return NULL;
  }
  return g_steal_pointer(&db);
}

static void
bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_time(sqlite3_stmt *stmt, int index, GDateTime *t)
{
  if (!t)
    return;
  g_autofree gchar *text = ll_store_format_time(t);
  bind_text(stmt, index, text);
}

void
ll_report_filter_bind(sqlite3_stmt *stmt, const LlReportFilter *f)
{
  sqlite3_bind_int(stmt, 8, f && f->with_reference);
  if (!f)
    return;
  bind_time(stmt, 1, f->from);
  bind_time(stmt, 2, f->to);
  bind_text(stmt, 3, f->lot);
  bind_text(stmt, 4, f->station_id);
  bind_text(stmt, 5, f->operation);
  bind_text(stmt, 6, f->serial);
  if (f->run_id)
    sqlite3_bind_int64(stmt, 7, f->run_id);
}

gchar *
ll_report_filter_describe(const LlReportFilter *f)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
  if (f && f->lot)
    g_ptr_array_add(parts, g_strdup_printf("lot %s", f->lot));
  if (f && f->station_id)
    g_ptr_array_add(parts, g_strdup_printf("station %s", f->station_id));
  if (f && f->operation)
    g_ptr_array_add(parts, g_strdup_printf("sequence %s", f->operation));
  if (f && f->serial)
    g_ptr_array_add(parts, g_strdup_printf("serial %s", f->serial));
  if (f && f->run_id)
    g_ptr_array_add(parts, g_strdup_printf("run %" G_GINT64_FORMAT, f->run_id));
  if (f && f->with_reference)
    g_ptr_array_add(parts, g_strdup("golden-module runs included"));
  if (f && f->from) {
    g_autofree gchar *t = ll_store_format_time(f->from);
    g_ptr_array_add(parts, g_strdup_printf("started from %s", t));
  }
  if (f && f->to) {
    g_autofree gchar *t = ll_store_format_time(f->to);
    g_ptr_array_add(parts, g_strdup_printf("started before %s", t));
  }
  if (!parts->len)
    return g_strdup("all finished runs");
  g_ptr_array_add(parts, NULL);
  g_autofree gchar *joined = g_strjoinv(", ", (gchar **) parts->pdata);
  return g_strdup_printf("finished runs of %s", joined);
}

gchar *
ll_report_partial_file(const char *out_path, int *fd, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname(out_path);
  g_autofree gchar *base = g_path_get_basename(out_path);
  g_autofree gchar *tmpl = g_strdup_printf(".%s.XXXXXX", base);
  g_autofree gchar *path = g_build_filename(dir, tmpl, NULL);
  *fd = g_mkstemp_full(path, O_RDWR, 0666);
  if (*fd < 0) {
    int e = errno;
    g_set_error(error, LL_REPORT_ERROR, LL_REPORT_ERROR_WRITE, "%s: cannot write here: %s", out_path,
                g_strerror(e));
    return NULL;
  }
  return g_steal_pointer(&path);
}
