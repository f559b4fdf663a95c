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

/* ---- selecting runs (ll-store-browse.c) ---- */

/* The finished runs an LlRunFilter selects, as SQL on runs aliased r, with
 * parameters ?1 to ?LL_STORE_FILTER_PARAMS: ?1-?6 the LlStatsFilter (from,
 * to, lot, station, sequence, with reference runs), ?7 a serial prefix, ?8
 * an outcome, ?9 a bin. Bind them with ll_store_bind_filter(). */
#define LL_STORE_FILTER_SQL \
  " r.outcome IS NOT NULL AND (?1 IS NULL OR r.started_utc >= ?1) AND (?2 IS NULL OR r.started_utc < ?2)" \
  " AND (?3 IS NULL OR r.lot = ?3) AND (?4 IS NULL OR r.station_id = ?4) AND (?5 IS NULL OR r.operation = ?5)" \
  " AND (?6 OR r.purpose = 'unit') AND (?7 IS NULL OR substr(r.serial, 1, length(?7)) = ?7)" \
  " AND (?8 IS NULL OR r.outcome = ?8) AND (?9 IS NULL OR r.bin_number = ?9)"
#define LL_STORE_FILTER_PARAMS 9
/* @f may be NULL: every finished unit run. */
void ll_store_bind_filter(sqlite3_stmt *stmt, const LlRunFilter *f);

/* Runs @body (which reads with the lock held) in one read transaction, so
 * its parts agree while a station goes on recording. */
typedef gboolean (*LlStoreReadFunc)(LlStore *store, gpointer data, GError **error);
gboolean ll_store_read_snapshot(LlStore *store, LlStoreReadFunc body, gpointer data, GError **error);

/* With the lock held: the LlYieldGroup*s of the runs @f selects, grouped
 * @by, into @groups; their LlBinCount*s into @bins, in the order @order_by
 * (an SQL ORDER BY clause over r.outcome, r.bin_number, r.bin_name and
 * column 4, the count). */
gboolean ll_store_read_yields(LlStore *store, const LlRunFilter *f, LlYieldBy by, GPtrArray *groups,
                              GError **error);
gboolean ll_store_read_bins(LlStore *store, const LlRunFilter *f, const char *order_by, GPtrArray *bins,
                            GError **error);
