/* ll-store-private.h: what the files of the results store share (ll-store.c
 * opens, migrates and recovers; ll-store-record.c records runs;
 * ll-store-query.c answers; ll-store-stats.c computes statistics): the
 * store's state, cached prepared statements, binding and column helpers,
 * transactions. Not for use outside ll-store-*.c. */
#pragma once

#include "ll-store.h"

#include <sqlite3.h>

struct _LlStore {
  gchar *path;
  sqlite3 *db;
  GRecMutex lock;       /* every use of db, a transaction included */
  GHashTable *stmts;    /* SQL text -> sqlite3_stmt*: prepared once, reused */
  int lock_fd;          /* the -lock file: shared while open (see ll-store.c) */
  guint recovered;
};

/* The schema migrations, in order: migration i brings user_version from i
 * to i + 1 (ll-store-schema.c). */
extern const char *const ll_store_migrations[LL_STORE_SCHEMA_VERSION];

/* The statement for @sql, prepared once and reset for a new use (bindings
 * cleared). NULL with @error. Call with the lock held. */
sqlite3_stmt *ll_store_stmt(LlStore *store, const char *sql, GError **error);

/* Sets LL_STORE_ERROR_SQL: "PATH: @what: SQLite's message". Returns FALSE. */
gboolean ll_store_sql_error(LlStore *store, const char *what, GError **error);

/* Runs @sql (any number of statements, no results). */
gboolean ll_store_exec(LlStore *store, const char *sql, GError **error);

/* BEGIN IMMEDIATE (the write lock taken at once: no deadlock between two
 * writers upgrading) / COMMIT / ROLLBACK. Call with the lock held. */
gboolean ll_store_begin(LlStore *store, GError **error);
gboolean ll_store_commit(LlStore *store, GError **error);
void ll_store_rollback(LlStore *store);

/* Steps @stmt that returns no row; FALSE with @error. */
gboolean ll_store_step_done(LlStore *store, sqlite3_stmt *stmt, const char *what, GError **error);

/* Binding: NULL text, NAN doubles are bound as SQL NULL. */
void ll_store_bind_text(sqlite3_stmt *stmt, int index, const char *text);
void ll_store_bind_double(sqlite3_stmt *stmt, int index, double value);
void ll_store_bind_time(sqlite3_stmt *stmt, int index, GDateTime *t);

/* Columns: a copy of the text (NULL for NULL), a double (NAN for NULL), a
 * time (NULL for NULL). */
gchar *ll_store_column_text(sqlite3_stmt *stmt, int column);
double ll_store_column_double(sqlite3_stmt *stmt, int column);
GDateTime *ll_store_column_time(sqlite3_stmt *stmt, int column);

/* The outcome named @name ("PASS"...); FALSE when none. */
gboolean ll_store_outcome_from_name(const char *name, LlOutcome *out);
