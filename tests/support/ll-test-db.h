/* ll-test-db.h: reading a results store in tests with a connection of the
 * test's own (SQLite directly, not the store's code), so what the store
 * wrote is checked by an independent reader. Every helper asserts that
 * SQLite did what was asked. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Opens @path read-write (the file must exist unless @create). */
sqlite3 *ll_test_db_open(const char *path, gboolean create);
/* Runs @sql (statements without results). */
void ll_test_db_exec(sqlite3 *db, const char *sql);
/* The first column of the first row of @sql, with @param bound to ?1 when
 * not NULL: as text (NULL for SQL NULL or no row; free with g_free()), as
 * an integer (-1 for SQL NULL or no row), as a double (asserted to be
 * there). */
gchar *ll_test_db_text(sqlite3 *db, const char *sql, const char *param);
gint64 ll_test_db_int(sqlite3 *db, const char *sql, const char *param);
double ll_test_db_double(sqlite3 *db, const char *sql, const char *param);

G_END_DECLS
