/* ll-test-db.c: see ll-test-db.h. */
#include "ll-test-db.h"

sqlite3 *
ll_test_db_open(const char *path, gboolean create)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  g_assert_cmpint(sqlite3_open_v2(path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  return db;
}

void
ll_test_db_exec(sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error("%s: %s", sql, msg);
}

/* @sql prepared, @param bound, stepped once: SQLITE_ROW or SQLITE_DONE. */
static sqlite3_stmt *
first_row(sqlite3 *db, const char *sql, const char *param, int *rc)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error("%s: %s", sql, sqlite3_errmsg(db));
  if (param)
    sqlite3_bind_text(stmt, 1, param, -1, SQLITE_TRANSIENT);
  *rc = sqlite3_step(stmt);
  if (*rc != SQLITE_ROW && *rc != SQLITE_DONE)
    g_error("%s: %s", sql, sqlite3_errmsg(db));
  return stmt;
}

gchar *
ll_test_db_text(sqlite3 *db, const char *sql, const char *param)
{
  int rc;
  sqlite3_stmt *stmt = first_row(db, sql, param, &rc);
  gchar *out = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL
                 ? g_strdup((const char *) sqlite3_column_text(stmt, 0))
                 : NULL;
  sqlite3_finalize(stmt);
  return out;
}

gint64
ll_test_db_int(sqlite3 *db, const char *sql, const char *param)
{
  int rc;
  sqlite3_stmt *stmt = first_row(db, sql, param, &rc);
  gint64 v = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return v;
}

double
ll_test_db_double(sqlite3 *db, const char *sql, const char *param)
{
  int rc;
  sqlite3_stmt *stmt = first_row(db, sql, param, &rc);
  g_assert_cmpint(rc, ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_type(stmt, 0), !=, SQLITE_NULL);
  double v = sqlite3_column_double(stmt, 0);
  sqlite3_finalize(stmt);
  return v;
}
