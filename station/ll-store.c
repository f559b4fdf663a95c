/* ll-store.c: opening the results store (see ll-store.h): the SQLite
 * connection and its settings, schema migrations, recovery of unfinished
 * runs, the helpers the other ll-store-*.c files share, content-addressed
 * files and the retest policy.
 *
 * Who may recover: a run with no outcome is either in flight in a process
 * that has the store open, or was left by one that died. Every process that
 * opens the store holds a shared flock() on PATH-lock while it has it open;
 * the kernel drops it when the process dies, however it dies. Opening first
 * tries to take that lock exclusively without waiting: when it gets it, no
 * other process has the store open, so every run without an outcome was
 * left by a dead one and becomes INCOMPLETE; then it keeps the lock shared.
 * When another process holds it, unfinished runs are left alone. */
#include "ll-store-private.h"
#include "ll-version.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

G_DEFINE_QUARK(ll-store-error-quark, ll_store_error)


/* ---- helpers shared by ll-store-*.c ---- */

gboolean
ll_store_sql_error(LlStore *store, const char *what, GError **error)
{
  g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_SQL, "%s: %s: %s", store->path, what,
              sqlite3_errmsg(store->db));
  return FALSE;
}

sqlite3_stmt *
ll_store_stmt(LlStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup(store->stmts, sql);
  if (stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return stmt;
  }
  if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
    ll_store_sql_error(store, "preparing a statement", error);
    return NULL;
  }
  g_hash_table_insert(store->stmts, g_strdup(sql), stmt);
  return stmt;
}

gboolean
ll_store_exec(LlStore *store, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_SQL, "%s: %s", store->path,
                msg ? msg : sqlite3_errmsg(store->db));
    sqlite3_free(msg);
    return FALSE;
  }
  return TRUE;
}

gboolean
ll_store_begin(LlStore *store, GError **error)
{
  return ll_store_exec(store, "BEGIN IMMEDIATE", error);
}

gboolean
ll_store_commit(LlStore *store, GError **error)
{
  if (ll_store_exec(store, "COMMIT", error))
    return TRUE;
  ll_store_rollback(store);
  return FALSE;
}

void
ll_store_rollback(LlStore *store)
{
  if (!sqlite3_get_autocommit(store->db))
    sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
ll_store_step_done(LlStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return ll_store_sql_error(store, what, error);
  return TRUE;
}

void
ll_store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(stmt, index);
}

void
ll_store_bind_double(sqlite3_stmt *stmt, int index, double value)
{
  if (isnan(value))
    sqlite3_bind_null(stmt, index);
  else
    sqlite3_bind_double(stmt, index, value);
}

void
ll_store_bind_time(sqlite3_stmt *stmt, int index, GDateTime *t)
{
  g_autofree gchar *text = t ? ll_store_format_time(t) : NULL;
  ll_store_bind_text(stmt, index, text);
}

gchar *
ll_store_column_text(sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text(stmt, column);
  return text ? g_strdup((const char *) text) : NULL;
}

double
ll_store_column_double(sqlite3_stmt *stmt, int column)
{
  return sqlite3_column_type(stmt, column) == SQLITE_NULL ? NAN : sqlite3_column_double(stmt, column);
}

GDateTime *
ll_store_column_time(sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text(stmt, column);
  return text ? g_date_time_new_from_iso8601(text, NULL) : NULL;
}

gboolean
ll_store_outcome_from_name(const char *name, LlOutcome *out)
{
  for (LlOutcome o = LL_OUTCOME_PASS; o <= LL_OUTCOME_INCOMPLETE; o++)
    if (name && g_str_equal(name, ll_outcome_name(o))) {
      *out = o;
      return TRUE;
    }
  return FALSE;
}

gchar *
ll_store_format_time(GDateTime *t)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc(t);
  return g_date_time_format(utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

GDateTime *
ll_store_parse_time(const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
  g_autofree gchar *t = g_strstrip(g_strdup(text));
  if (strlen(t) == 10 && t[4] == '-' && t[7] == '-') {
    g_autofree gchar *midnight = g_strconcat(t, "T00:00:00", NULL);
    return g_date_time_new_from_iso8601(midnight, utc);
  }
  if (strlen(t) > 10 && t[10] == ' ')
    t[10] = 'T';
  /* a time of day without seconds ("T08:00") is ISO 8601 too */
  GDateTime *dt = g_date_time_new_from_iso8601(t, utc);
  if (!dt && strlen(t) == 16) {
    g_autofree gchar *seconds = g_strconcat(t, ":00", NULL);
    dt = g_date_time_new_from_iso8601(seconds, utc);
  }
  return dt;
}

/* ---- opening ---- */

static gboolean
query_int(LlStore *store, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return ll_store_sql_error(store, "reading the schema", error);
  int rc = sqlite3_step(stmt);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ll_store_sql_error(store, "reading the schema", error);
  return TRUE;
}

/* Brings the schema to LL_STORE_SCHEMA_VERSION, one migration per
 * transaction. */
static gboolean
migrate(LlStore *store, GError **error)
{
  for (;;) {
    if (!ll_store_begin(store, error))
      return FALSE;
    gint64 version = 0, app = 0, tables = 0;
    if (!query_int(store, "PRAGMA user_version", &version, error) ||
        !query_int(store, "PRAGMA application_id", &app, error) ||
        !query_int(store, "SELECT count(*) FROM sqlite_schema", &tables, error)) {
      ll_store_rollback(store);
      return FALSE;
    }
    if ((app && app != LL_STORE_APPLICATION_ID) || (!app && tables)) {
      ll_store_rollback(store);
      g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN,
                  "%s is an SQLite database but not a Lightline results store", store->path);
      return FALSE;
    }
    if (version > LL_STORE_SCHEMA_VERSION) {
      ll_store_rollback(store);
      g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_VERSION,
                  "%s has schema version %" G_GINT64_FORMAT ", newer than this Lightline (%s) "
                  "knows (%d): open it with the version that wrote it or a later one",
                  store->path, version, LL_VERSION, LL_STORE_SCHEMA_VERSION);
      return FALSE;
    }
    if (version == LL_STORE_SCHEMA_VERSION) {
      ll_store_rollback(store);
      return TRUE;
    }
    g_autofree gchar *bump = g_strdup_printf("PRAGMA user_version = %" G_GINT64_FORMAT ";"
                                             "PRAGMA application_id = %d;",
                                             version + 1, LL_STORE_APPLICATION_ID);
    if (!ll_store_exec(store, ll_store_migrations[version], error) || !ll_store_exec(store, bump, error)) {
      ll_store_rollback(store);
      g_prefix_error(error, "migrating to schema version %" G_GINT64_FORMAT ": ", version + 1);
      return FALSE;
    }
    if (!ll_store_commit(store, error))
      return FALSE;
  }
}

/* Every run without an outcome becomes INCOMPLETE (only called with no
 * other process having the store open). */
static gboolean
recover(LlStore *store, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "UPDATE runs SET outcome = 'INCOMPLETE', recovered_utc = ?1,"
    " message = 'found unfinished when the store was opened again: the station stopped during the run'"
    " WHERE outcome IS NULL", error);
  if (!stmt || !ll_store_begin(store, error))
    return FALSE;
  ll_store_bind_time(stmt, 1, now);
  if (!ll_store_step_done(store, stmt, "marking unfinished runs INCOMPLETE", error)) {
    ll_store_rollback(store);
    return FALSE;
  }
  store->recovered = (guint) sqlite3_changes(store->db);
  return ll_store_commit(store, error);
}

static void
finalize_stmt(gpointer stmt)
{
  sqlite3_finalize(stmt);
}

LlStore *
ll_store_open(const char *path, LlStoreOpenFlags flags, GError **error)
{
  if ((flags & LL_STORE_OPEN_EXISTING) && !g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN, "%s: no results store there", path);
    return NULL;
  }
  g_autoptr(LlStore) store = g_new0(LlStore, 1);
  store->path = g_strdup(path);
  store->lock_fd = -1;
  g_rec_mutex_init(&store->lock);
  store->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, finalize_stmt);
  g_autofree gchar *lock_path = g_strconcat(path, "-lock", NULL);
  store->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->lock_fd < 0) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN, "%s: cannot open: %s", lock_path,
                g_strerror(errno));
    return NULL;
  }
  gboolean alone = flock(store->lock_fd, LOCK_EX | LOCK_NB) == 0;
  if (!alone && flock(store->lock_fd, LOCK_SH) != 0) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN, "%s: cannot lock: %s", lock_path,
                g_strerror(errno));
    return NULL;
  }
  if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN, "%s: cannot open: %s", path,
                store->db ? sqlite3_errmsg(store->db) : "out of memory");
    return NULL;
  }
  sqlite3_busy_timeout(store->db, 10000);
  sqlite3_extended_result_codes(store->db, 1);
  gint64 ignored;
  /* a file that is not SQLite fails on its first read */
  if (!query_int(store, "PRAGMA schema_version", &ignored, NULL)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_OPEN, "%s is not a Lightline results store: %s",
                path, sqlite3_errmsg(store->db));
    return NULL;
  }
  const char *settings = flags & LL_STORE_OPEN_SYNC_NORMAL
                           ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                           : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
  if (!ll_store_exec(store, settings, error) || !migrate(store, error))
    return NULL;
  if (alone) {
    if (!recover(store, error))
      return NULL;
    flock(store->lock_fd, LOCK_SH);
  }
  return g_steal_pointer(&store);
}

void
ll_store_close(LlStore *store)
{
  if (!store)
    return;
  g_clear_pointer(&store->stmts, g_hash_table_unref);
  if (store->db)
    sqlite3_close(store->db);
  if (store->lock_fd >= 0)
    close(store->lock_fd);
  g_rec_mutex_clear(&store->lock);
  g_free(store->path);
  g_free(store);
}

const char *
ll_store_path(LlStore *store)
{
  return store->path;
}

guint
ll_store_recovered(LlStore *store)
{
  return store->recovered;
}

/* ---- content-addressed files ---- */

gchar *
ll_store_put_blob(LlStore *store, const char *kind, GBytes *content, GError **error)
{
  gsize size = 0;
  const guchar *data = g_bytes_get_data(content, &size);
  gchar *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data ? data : (const guchar *) "", size);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_rec_mutex_lock(&store->lock);
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "INSERT INTO blobs (sha256, kind, size, content, stored_utc) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (sha256) DO NOTHING", error);
  gboolean ok = stmt != NULL;
  if (ok) {
    sqlite3_bind_text(stmt, 1, sha, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64) size);
    sqlite3_bind_blob64(stmt, 4, data ? (const void *) data : "", size, SQLITE_TRANSIENT);
    ll_store_bind_time(stmt, 5, now);
    ok = ll_store_step_done(store, stmt, "storing a file", error);
  }
  g_rec_mutex_unlock(&store->lock);
  if (!ok)
    g_clear_pointer(&sha, g_free);
  return sha;
}

GBytes *
ll_store_get_blob(LlStore *store, const char *sha256, GError **error)
{
  g_rec_mutex_lock(&store->lock);
  GBytes *bytes = NULL;
  sqlite3_stmt *stmt = ll_store_stmt(store, "SELECT content FROM blobs WHERE sha256 = ?1", error);
  if (stmt) {
    ll_store_bind_text(stmt, 1, sha256);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
      bytes = g_bytes_new(sqlite3_column_blob(stmt, 0), (gsize) sqlite3_column_bytes(stmt, 0));
    else if (rc == SQLITE_DONE)
      g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND, "%s: no file with SHA-256 %s",
                  store->path, sha256);
    else
      ll_store_sql_error(store, "reading a file", error);
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  return bytes;
}

/* ---- retest policy ---- */

gboolean
ll_store_count_attempts(LlStore *store, const char *serial, const char *operation, guint *attempts,
                        GError **error)
{
  g_rec_mutex_lock(&store->lock);
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "SELECT count(*) FROM runs WHERE serial = ?1 AND operation = ?2", error);
  gboolean ok = stmt != NULL;
  if (ok) {
    ll_store_bind_text(stmt, 1, serial);
    ll_store_bind_text(stmt, 2, operation);
    ok = sqlite3_step(stmt) == SQLITE_ROW;
    if (ok)
      *attempts = (guint) sqlite3_column_int64(stmt, 0);
    else
      ll_store_sql_error(store, "counting attempts", error);
    sqlite3_reset(stmt);
  }
  g_rec_mutex_unlock(&store->lock);
  return ok;
}

gboolean
ll_store_check_retest(LlStore *store, const char *serial, const char *operation, guint limit,
                      GError **error)
{
  guint attempts = 0;
  if (!limit)
    return TRUE;
  if (!ll_store_count_attempts(store, serial, operation, &attempts, error))
    return FALSE;
  if (attempts < limit)
    return TRUE;
  g_autoptr(GPtrArray) history = ll_store_unit_history(store, serial, error);
  if (!history)
    return FALSE;
  const LlRunRecord *last = NULL;
  for (guint i = 0; i < history->len; i++) {
    const LlRunRecord *r = history->pdata[i];
    if (g_str_equal(r->operation, operation))
      last = r;
  }
  g_autoptr(GString) what = g_string_new(NULL);
  if (last) {
    g_autofree gchar *when = last->started_utc ? g_date_time_format(last->started_utc, "%Y-%m-%d %H:%M UTC")
                                               : g_strdup("?");
    g_string_printf(what, "; the last was %s", last->finished ? ll_outcome_name(last->outcome) : "still running");
    if (last->bin_name)
      g_string_append_printf(what, " bin %u %s", last->bin_number, last->bin_name);
    g_string_append_printf(what, " on %s site %u, %s", last->station_id, last->site, when);
  }
  g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_RETEST,
              "%s has had %u attempt%s at %s, the retest limit of this station%s. "
              "Do not test it again: set it aside for failure analysis",
              serial, attempts, attempts == 1 ? "" : "s", operation, what->str);
  return FALSE;
}
