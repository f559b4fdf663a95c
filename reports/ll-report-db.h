/* ll-report-db.h: how the reports read the results store: the file opened
 * read-only with its schema checked, one read transaction for the whole
 * report, the run filter as SQL, and column helpers; and the partial file
 * a report is written into before it takes its name. The reports query the
 * store's tables directly (the schema is in station/ll-store-schema.c and
 * docs/results-store.md); nothing here writes. Not for use outside
 * reports/. */
#pragma once

#include "ll-report.h"

#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

typedef struct {
  sqlite3 *db;
  gchar *path;
  int schema_version;
} LlReportDb;

/* Opens @path read-only, checks it is a results store of a schema this
 * build reads, and begins the read transaction every query of the report
 * shares. NULL with LL_REPORT_ERROR_STORE. */
LlReportDb *ll_report_db_open(const char *path, GError **error);
void ll_report_db_close(LlReportDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlReportDb, ll_report_db_close)

/* A statement for @sql (finalize it, or use g_autoptr(sqlite3_stmt)); NULL
 * with LL_REPORT_ERROR_STORE. */
sqlite3_stmt *ll_report_db_prepare(LlReportDb *db, const char *sql, GError **error);

/* Sets LL_REPORT_ERROR_STORE "PATH: @what: SQLite's message"; FALSE. */
gboolean ll_report_db_error(LlReportDb *db, const char *what, GError **error);

/* Steps @stmt: TRUE with a row, FALSE at the end (*@error unset) or on an
 * error (*@error set; check with ll_report_db_failed()). */
gboolean ll_report_db_row(LlReportDb *db, sqlite3_stmt *stmt, const char *what, GError **error);
#define ll_report_db_failed(error) ((error) && *(error))

/* Column helpers: the text (NULL for NULL; borrowed until the next step),
 * the number (NAN for NULL). */
const char *ll_report_col_text(sqlite3_stmt *stmt, int column);
double ll_report_col_double(sqlite3_stmt *stmt, int column);

/* The condition on runs (table alias r) a filter makes, with its values in
 * parameters ?1 to ?7: append it after "WHERE"; bind with
 * ll_report_filter_bind(). Only finished runs are selected. */
#define LL_REPORT_FILTER_SQL \
  " r.outcome IS NOT NULL AND (?1 IS NULL OR r.started_utc >= ?1) AND (?2 IS NULL OR r.started_utc < ?2)" \
  " AND (?3 IS NULL OR r.lot = ?3) AND (?4 IS NULL OR r.station_id = ?4)" \
  " AND (?5 IS NULL OR r.operation = ?5) AND (?6 IS NULL OR r.serial = ?6) AND (?7 IS NULL OR r.id = ?7)" \
  " AND (?8 OR r.purpose = 'unit') "

void ll_report_filter_bind(sqlite3_stmt *stmt, const LlReportFilter *filter);

/* A new empty file beside @out_path (".NAME.XXXXXX", made as the umask
 * allows) to write a report into and rename over @out_path when complete:
 * its path (free with g_free()) and its descriptor in *@fd, or NULL with
 * LL_REPORT_ERROR_WRITE. */
gchar *ll_report_partial_file(const char *out_path, int *fd, GError **error);

/* The filter in words ("lot L7, station ST-07, from ... to ..."; "all
 * finished runs"). Free with g_free(). */
gchar *ll_report_filter_describe(const LlReportFilter *filter);

G_END_DECLS
