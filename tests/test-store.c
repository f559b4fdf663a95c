/* test-store.c: the results store through its API, each result read back
 * with an independent SQLite connection: the schema and its version on
 * open (and what is refused: a newer schema, a foreign database, a file
 * that is not SQLite), every step of a run committed and visible to another
 * connection while the run goes on, what a run records, unfinished runs
 * made INCOMPLETE only when no other process has the store, the retest
 * limit, path-loss calibrations, golden-unit checks, and the statistics
 * against numbers computed here. */
#include "ll-station-demo.h"
#include "ll-store-private.h"
#include "ll-test-db.h"
#include "ll-test-session.h"
#include "ll-version.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static gchar *
tmp_dir(void)
{
  g_autoptr(GError) err = NULL;
  gchar *dir = g_dir_make_tmp("ll-store-XXXXXX", &err);
  g_assert_no_error(err);
  return dir;
}

static void
remove_tree(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree gchar *p = g_build_filename(dir, name, NULL);
    g_remove(p);
  }
  g_rmdir(dir);
}

/* A demo station of @sites simulated sites; @extra goes into [station]. */
static gchar *
station_text(guint sites, const char *extra)
{
  LlDemoOptions o;
  ll_demo_options_default(&o);
  o.sites = sites;
  o.seed = 5;
  o.defects = "none";
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = ll_demo_station_text(&o, &err);
  g_assert_no_error(err);
  g_autoptr(GString) s = g_string_new(text);
  if (extra) {
    g_autofree gchar *line = g_strdup_printf("description = simulated shift\n%s\n", extra);
    g_string_replace(s, "description = simulated shift\n", line, 1);
  }
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static LlTestSession *
open_session(const char *text, const char *db, GError **error)
{
  g_autofree gchar *seq = ll_demo_sequence_path(NULL, "800G-DR8");
  LlTestSessionOptions o = { .config_path = "demo-station.ini", .config_text = text, .sequence_path = seq,
                             .database = db, .store_flags = LL_STORE_OPEN_SYNC_NORMAL,
                             .operator_name = "alice", .lot = "LOT-42" };
  return ll_test_session_open(&o, NULL, error);
}

/* ---- schema ---- */

static void
test_schema(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "s.db", NULL);
  g_autoptr(GError) err = NULL;

  /* a store that is not there is not created by a query */
  g_assert_null(ll_store_open(path, LL_STORE_OPEN_EXISTING, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_OPEN);
  g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  g_clear_error(&err);

  LlStore *store = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  ll_store_close(store);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  g_assert_cmpint(ll_test_db_int(db, "PRAGMA user_version", NULL), ==, LL_STORE_SCHEMA_VERSION);
  g_assert_cmpint(ll_test_db_int(db, "PRAGMA application_id", NULL), ==, 0x4C4C5253);
  g_autofree gchar *mode = ll_test_db_text(db, "PRAGMA journal_mode", NULL);
  g_assert_cmpstr(mode, ==, "wal");
  static const char *const tables[] = { "blobs", "fixtures", "runs", "run_documents", "run_instruments",
                                        "step_results", "step_notes", "measurements", "path_loss_sets",
                                        "path_loss", "golden_checks" };
  for (gsize i = 0; i < G_N_ELEMENTS(tables); i++)
    g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                            tables[i]), ==, 1);
  /* the columns a corrected measurement and its calibration need */
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM pragma_table_info('measurements')"
                              " WHERE name IN ('raw_value', 'corrected_value', 'path_loss_id')", NULL), ==, 3);

  /* reopening changes nothing */
  store = ll_store_open(path, LL_STORE_OPEN_EXISTING, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_store_recovered(store), ==, 0);
  /* foreign keys are enforced on the store's connection */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  LlGoldenCheckInput orphan = { .serial = "G1", .measurement = "tx_power_avg", .value = 1, .reference = 1,
                           .checked_utc = now, .run_id = 999 };
  g_assert_cmpint(ll_store_add_golden_check(store, &orphan, &err), ==, 0);
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_SQL);
  g_assert_nonnull(strstr(err->message, "FOREIGN KEY"));
  g_clear_error(&err);
  ll_store_close(store);

  /* a store written by newer software is refused, and left as it is */
  ll_test_db_exec(db, "PRAGMA user_version = 99");
  g_assert_null(ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_VERSION);
  g_assert_nonnull(strstr(err->message, "schema version 99"));
  g_clear_error(&err);
  g_assert_cmpint(ll_test_db_int(db, "PRAGMA user_version", NULL), ==, 99);
  sqlite3_close(db);

  /* another program's database */
  g_autofree gchar *other = g_build_filename(dir, "other.db", NULL);
  db = ll_test_db_open(other, TRUE);
  ll_test_db_exec(db, "CREATE TABLE customers (name TEXT)");
  sqlite3_close(db);
  g_assert_null(ll_store_open(other, LL_STORE_OPEN_DEFAULT, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_OPEN);
  g_assert_nonnull(strstr(err->message, "not a Lightline results store"));
  g_clear_error(&err);

  /* not SQLite at all */
  g_autofree gchar *text = g_build_filename(dir, "notes.db", NULL);
  g_assert_true(g_file_set_contents(text, "these are not the results you are looking for, not at all\n", -1, NULL));
  g_assert_null(ll_store_open(text, LL_STORE_OPEN_DEFAULT, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_OPEN);
  g_clear_error(&err);
  remove_tree(dir);
}

/* ---- recording ---- */

typedef struct {
  sqlite3 *db;
  GMutex lock;
  GHashTable *steps;   /* serial -> steps finished so far */
  guint checks;
} Watch;

/* After each step the store has recorded (this listener comes after it):
 * another connection sees the step and its measurements, and no outcome. */
static void
on_step(const LlEvent *ev, gpointer data)
{
  Watch *w = data;
  if (ev->kind != LL_EVENT_STEP_FINISHED)
    return;
  g_mutex_lock(&w->lock);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(w->steps, ev->serial)) + 1;
  g_hash_table_insert(w->steps, g_strdup(ev->serial), GUINT_TO_POINTER(n));
  g_assert_cmpint(ll_test_db_int(w->db, "SELECT count(*) FROM step_results s JOIN runs r ON r.id = s.run_id"
                                 " WHERE r.serial = ?1", ev->serial), ==, n);
  g_assert_cmpint(ll_test_db_int(w->db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id"
                                 " WHERE r.serial = ?1", ev->serial), ==, ev->run->measurements->len);
  g_assert_cmpint(ll_test_db_int(w->db, "SELECT count(*) FROM runs WHERE serial = ?1 AND outcome IS NULL",
                          ev->serial), ==, 1);
  w->checks++;
  g_mutex_unlock(&w->lock);
}

static gchar *
file_sha256(const char *path)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(path, &text, &len, NULL));
  return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) text, len);
}

/* Every measurement of @r is in the store, in order, with its value. */
static void
check_measurements(sqlite3 *db, gint64 run_id, const LlRunResult *r)
{
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db,
    "SELECT step_id, name, lane, attempt, value_type, raw_value, corrected_value, text_value, unit,"
    " limit_name, limit_low, limit_high, verdict, path_loss_id FROM measurements WHERE run_id = ?1 ORDER BY id",
    -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64(stmt, 1, run_id);
  guint i = 0;
  for (; sqlite3_step(stmt) == SQLITE_ROW; i++) {
    g_assert_cmpuint(i, <, r->measurements->len);
    const LlMeasurement *m = r->measurements->pdata[i];
    g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 0), ==, m->step_id);
    g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 1), ==, m->name);
    g_assert_cmpint(sqlite3_column_int(stmt, 2), ==, m->lane);
    g_assert_cmpint(sqlite3_column_int(stmt, 3), ==, m->attempt);
    /* a nominal path offset links no calibration */
    g_assert_cmpint(sqlite3_column_type(stmt, 13), ==, SQLITE_NULL);
    const char *type = (const char *) sqlite3_column_text(stmt, 4);
    if (m->value.type == LL_VALUE_NUMBER) {
      g_assert_cmpstr(type, ==, "number");
      if (isnan(m->value.number)) {
        g_assert_cmpint(sqlite3_column_type(stmt, 5), ==, SQLITE_NULL);
      } else {
        /* raw: as read (before a path correction); corrected: the value judged */
        g_assert_cmpfloat(sqlite3_column_double(stmt, 5), ==, isnan(m->raw) ? m->value.number : m->raw);
        g_assert_cmpfloat(sqlite3_column_double(stmt, 6), ==, m->value.number);
      }
      if (m->value.unit != LL_UNIT_NONE)
        g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 8), ==, ll_unit_name(m->value.unit));
    } else if (m->value.type == LL_VALUE_STRING) {
      g_assert_cmpstr(type, ==, "string");
      g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 7), ==, m->value.text);
    } else if (m->value.type == LL_VALUE_BOOLEAN) {
      g_assert_cmpstr(type, ==, "boolean");
      g_assert_cmpint(sqlite3_column_int(stmt, 5), ==, m->value.boolean);
    }
    const char *verdict = (const char *) sqlite3_column_text(stmt, 12);
    if (!m->judged) {
      g_assert_cmpstr(verdict, ==, "info");
      continue;
    }
    g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 9), ==, m->limit_name);
    g_assert_cmpstr(verdict, ==, m->judgement.verdict == LL_VERDICT_PASS ? "pass" : "fail");
    if (m->limit->kind == LL_LIMIT_RANGE && m->limit->has_min)
      g_assert_cmpfloat(sqlite3_column_double(stmt, 10), ==, m->limit->min);
    if (m->limit->kind == LL_LIMIT_RANGE && m->limit->has_max)
      g_assert_cmpfloat(sqlite3_column_double(stmt, 11), ==, m->limit->max);
  }
  sqlite3_finalize(stmt);
  g_assert_cmpuint(i, ==, r->measurements->len);
}

static void
test_record(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "r.db", NULL);
  g_autofree gchar *text = station_text(2, NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlTestSession) s = open_session(text, path, &err);
  g_assert_no_error(err);
  Watch w = { .db = ll_test_db_open(path, TRUE), .steps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
  g_mutex_init(&w.lock);
  ll_test_session_add_listener(s, on_step, &w);

  /* two sites at once, then site 1 again: its fixture's second insertion */
  LlSessionUnit units[] = { { 1, "LL26S00001" }, { 2, "LL26S00002" } };
  g_autoptr(GPtrArray) runs = ll_test_session_run(s, units, 2, NULL);
  gint64 again = 0;
  g_autoptr(LlRunResult) third = ll_test_session_run_one(s, 1, "LL26S00003", NULL, &again, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(w.checks, ==, 3 * ((LlSessionRun *) runs->pdata[0])->result->steps->len);

  sqlite3 *db = w.db;
  const LlSequence *seq = ll_test_session_sequence(s);
  for (guint i = 0; i < runs->len; i++) {
    const LlSessionRun *run = runs->pdata[i];
    const LlRunResult *r = run->result;
    g_assert_null(run->error);
    g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
    g_assert_cmpint(run->run_id, >, 0);
    g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run->run_id);
#define RUN_FIELD(col) ll_test_db_text(db, "SELECT " col " FROM runs WHERE id = ?1", id)
    g_autofree gchar *serial = RUN_FIELD("serial"), *outcome = RUN_FIELD("outcome");
    g_autofree gchar *bin = RUN_FIELD("bin_name"), *pn = RUN_FIELD("part_number");
    g_autofree gchar *fw = RUN_FIELD("firmware"), *hw = RUN_FIELD("hardware_revision");
    g_autofree gchar *op = RUN_FIELD("operator"), *lot = RUN_FIELD("lot"), *st = RUN_FIELD("station_id");
    g_autofree gchar *line = RUN_FIELD("line"), *fixture = RUN_FIELD("fixture");
    g_autofree gchar *version = RUN_FIELD("software_version"), *rev = RUN_FIELD("source_revision");
    g_autofree gchar *operation = RUN_FIELD("operation"), *planned = RUN_FIELD("steps_planned");
    g_autofree gchar *started = RUN_FIELD("started_utc"), *finished = RUN_FIELD("finished_utc");
    g_autofree gchar *attempt = RUN_FIELD("attempt"), *site = RUN_FIELD("site");
    g_assert_cmpstr(serial, ==, r->serial);
    g_assert_cmpstr(outcome, ==, "PASS");
    g_assert_cmpstr(bin, ==, r->bin->name);
    g_assert_cmpstr(pn, ==, g_hash_table_lookup(r->unit_info, "part_number"));
    g_assert_cmpstr(fw, ==, g_hash_table_lookup(r->unit_info, "firmware"));
    g_assert_cmpstr(hw, ==, g_hash_table_lookup(r->unit_info, "hardware_revision"));
    g_assert_nonnull(pn);
    g_assert_nonnull(fw);
    g_assert_cmpstr(op, ==, "alice");
    g_assert_cmpstr(lot, ==, "LOT-42");
    g_assert_cmpstr(st, ==, "ST-DEMO");
    g_assert_cmpstr(line, ==, "DEMO");
    g_assert_cmpint(atoi(site), ==, r->site);
    g_autofree gchar *want_fixture = g_strdup_printf("FX-%04u", r->site);
    g_assert_cmpstr(fixture, ==, want_fixture);
    g_assert_cmpstr(version, ==, LL_VERSION);
    g_assert_cmpstr(rev, ==, LL_SOURCE_REVISION);
    g_assert_cmpstr(operation, ==, seq->id);
    g_assert_cmpstr(attempt, ==, "1");
    g_assert_cmpint(atoi(planned), ==, r->steps->len);
    g_assert_nonnull(started);
    g_assert_nonnull(finished);
    g_assert_cmpstr(started, <, finished);
    g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM step_results WHERE run_id = ?1", id), ==, r->steps->len);
    g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM step_results WHERE run_id = ?1 AND verdict = 'pass'", id),
                    ==, r->steps->len);
    check_measurements(db, run->run_id, r);

    /* the files it ran with, by hash, with their content */
    g_autofree gchar *seq_sha = ll_test_db_text(db, "SELECT sha256 FROM run_documents WHERE run_id = ?1 AND kind = 'sequence'", id);
    g_autofree gchar *seq_file = file_sha256(seq->path);
    g_assert_cmpstr(seq_sha, ==, seq_file);
    g_autoptr(GBytes) content = ll_store_get_blob(ll_test_session_store(s), seq_sha, &err);
    g_assert_no_error(err);
    g_autofree gchar *text_sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, content);
    g_assert_cmpstr(text_sha, ==, seq_sha);
    g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM run_documents d JOIN blobs b ON b.sha256 = d.sha256"
                                " WHERE d.run_id = ?1", id), ==, 3);
    g_autofree gchar *station_sha = ll_test_db_text(db, "SELECT sha256 FROM run_documents WHERE run_id = ?1 AND kind = 'station'", id);
    g_autofree gchar *text_sha2 = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
    g_assert_cmpstr(station_sha, ==, text_sha2);

    /* the instruments as configured and as they answered */
    g_autofree gchar *meter = ll_test_db_text(db, "SELECT maker || '|' || model || '|' || serial || '|' || cal_due || '|' || cal_cert"
                                           " FROM run_instruments WHERE run_id = ?1 AND name = 'meter'", id);
    g_assert_cmpstr(meter, ==, "Keysight Technologies|N7744A|MY55120001|2099-12-31|SIM-PM-0001");
    g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM run_instruments WHERE run_id = ?1 AND firmware IS NOT NULL", id),
                    ==, 6); /* meter, voa, switch, bert, scope, and this site's EVB */
  }
  /* each file's content once, however many runs */
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM blobs", NULL), ==, 3);
  g_assert_cmpint(ll_test_db_int(db, "SELECT fixture_insertion FROM runs WHERE serial = ?1", "LL26S00003"), ==, 2);
  g_assert_cmpint(ll_test_db_int(db, "SELECT insertions FROM fixtures WHERE fixture = ?1", "FX-0001"), ==, 2);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome IS NULL", NULL), ==, 0);
  check_measurements(db, again, third);

  /* the API reads back the same */
  g_autoptr(GPtrArray) history = ll_store_unit_history(ll_test_session_store(s), "LL26S00003", &err);
  g_assert_no_error(err);
  g_assert_cmpuint(history->len, ==, 1);
  const LlRunRecord *rec = history->pdata[0];
  g_assert_cmpint(rec->id, ==, again);
  g_assert_true(rec->finished);
  g_assert_cmpint(rec->outcome, ==, LL_OUTCOME_PASS);
  g_assert_cmpuint(rec->fixture_insertion, ==, 2);
  g_assert_cmpuint(rec->steps_stored, ==, rec->steps_planned);
  sqlite3_close(db);
  g_hash_table_unref(w.steps);
  g_mutex_clear(&w.lock);
  g_clear_pointer(&s, ll_test_session_free);
  remove_tree(dir);
}

/* A run that failed stores its failing step, the skipped ones and the bin. */
static void
test_record_failure(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "f.db", NULL);
  g_autofree gchar *text = station_text(1, NULL);
  g_autoptr(GString) bad = g_string_new(text);
  g_string_replace(bad, "defects = none", "defects = corrupt-eeprom=1", 1);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlTestSession) s = open_session(bad->str, path, &err);
  g_assert_no_error(err);
  gint64 id = 0;
  g_autoptr(LlRunResult) r = ll_test_session_run_one(s, 1, "LL26F00001", NULL, &id, &err);
  g_assert_no_error(err);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  g_autofree gchar *sid = g_strdup_printf("%" G_GINT64_FORMAT, id);
  g_autofree gchar *outcome = ll_test_db_text(db, "SELECT outcome || ' ' || bin_number || ' ' || bin_name || ' ' || bin_kind"
                                           " FROM runs WHERE id = ?1", sid);
  g_autofree gchar *want = g_strdup_printf("FAIL %u %s fail", r->bin->number, r->bin->name);
  g_assert_cmpstr(outcome, ==, want);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM step_results WHERE run_id = ?1", sid), ==, r->steps->len);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM step_results WHERE run_id = ?1 AND verdict = 'skipped'", sid), >, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM step_results WHERE run_id = ?1 AND verdict = 'fail'"
                              " AND bin IS NOT NULL AND message IS NOT NULL", sid), ==, 1);
  /* positions are the run's order, without gaps */
  g_assert_cmpint(ll_test_db_int(db, "SELECT max(position) - min(position) + 1 - count(*) FROM step_results WHERE run_id = ?1", sid),
                  ==, 0);
  check_measurements(db, id, r);
  sqlite3_close(db);
  g_clear_pointer(&s, ll_test_session_free);
  remove_tree(dir);
}

/* ---- unfinished runs ---- */

static void
add_unfinished(sqlite3 *db, const char *serial)
{
  g_autofree gchar *sql = g_strdup_printf(
    "INSERT INTO runs (serial, operation, attempt, station_id, line, site, corner, started_utc,"
    " software_version, source_revision, steps_planned) VALUES ('%s', 'op', 1, 'ST', 'L', 1, 'room',"
    " '2026-01-01T00:00:00.000000Z', 'v', 'r', 10)", serial);
  ll_test_db_exec(db, sql);
}

static void
test_incomplete(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "i.db", NULL);
  g_autoptr(GError) err = NULL;
  LlStore *first = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  add_unfinished(db, "U1");

  /* while another holder has the store open, its runs may be in flight */
  LlStore *second = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_store_recovered(second), ==, 0);
  g_assert_null(ll_test_db_text(db, "SELECT outcome FROM runs WHERE serial = ?1", "U1"));
  g_autoptr(GPtrArray) h = ll_store_unit_history(second, "U1", &err);
  g_assert_no_error(err);
  g_assert_false(((LlRunRecord *) h->pdata[0])->finished);
  ll_store_close(second);
  ll_store_close(first);

  /* once nobody has it, it was left by a holder that is gone */
  LlStore *third = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_store_recovered(third), ==, 1);
  g_autofree gchar *outcome = ll_test_db_text(db, "SELECT outcome FROM runs WHERE serial = ?1", "U1");
  g_assert_cmpstr(outcome, ==, "INCOMPLETE");
  g_autofree gchar *recovered = ll_test_db_text(db, "SELECT recovered_utc FROM runs WHERE serial = ?1", "U1");
  g_assert_nonnull(recovered);
  g_autofree gchar *message = ll_test_db_text(db, "SELECT message FROM runs WHERE serial = ?1", "U1");
  g_assert_nonnull(strstr(message, "found unfinished"));
  ll_store_close(third);
  /* and only once */
  LlStore *fourth = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_cmpuint(ll_store_recovered(fourth), ==, 0);
  ll_store_close(fourth);
  sqlite3_close(db);
  remove_tree(dir);
}

/* ---- the retest limit ---- */

static void
test_retest(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "t.db", NULL);
  g_autofree gchar *text = station_text(1, "retest-limit = 2");
  g_autoptr(GError) err = NULL;

  /* a limit needs a store to count in */
  g_assert_null(open_session(text, NULL, &err));
  g_assert_error(err, LL_SESSION_ERROR, LL_SESSION_ERROR_STORE);
  g_clear_error(&err);

  g_autoptr(LlTestSession) s = open_session(text, path, &err);
  g_assert_no_error(err);
  for (guint i = 1; i <= 2; i++) {
    gint64 id = 0;
    g_autoptr(LlRunResult) r = ll_test_session_run_one(s, 1, "LL26T00001", NULL, &id, &err);
    g_assert_no_error(err);
    g_assert_nonnull(r);
    LlRunRecord *rec = ll_store_run(ll_test_session_store(s), id, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(rec->attempt, ==, i);
    ll_run_record_free(rec);
  }
  gint64 id = -1;
  g_autoptr(LlRunResult) refused = ll_test_session_run_one(s, 1, "LL26T00001", NULL, &id, &err);
  g_assert_null(refused);
  g_assert_cmpint(id, ==, 0);
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_RETEST);
  g_test_message("%s", err->message);
  g_assert_nonnull(strstr(err->message, "LL26T00001 has had 2 attempts at final-800g-dr8"));
  g_assert_nonnull(strstr(err->message, "retest limit"));
  g_assert_nonnull(strstr(err->message, "the last was PASS bin 1 GRADE-A on ST-DEMO site 1"));
  g_clear_error(&err);
  /* nothing was run or recorded for it */
  guint attempts = 0;
  g_assert_true(ll_store_count_attempts(ll_test_session_store(s), "LL26T00001", "final-800g-dr8", &attempts, &err));
  g_assert_cmpuint(attempts, ==, 2);
  /* another unit is tested */
  g_autoptr(LlRunResult) other = ll_test_session_run_one(s, 1, "LL26T00002", NULL, NULL, &err);
  g_assert_no_error(err);
  g_assert_nonnull(other);
  g_clear_pointer(&s, ll_test_session_free);
  remove_tree(dir);
}

/* ---- path loss ---- */

static GDateTime *
utc(const char *text)
{
  GDateTime *t = ll_store_parse_time(text);
  g_assert_nonnull(t);
  return t;
}

static void
test_path_loss(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "p.db", NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStore) store = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  g_autoptr(GDateTime) t8 = utc("2026-03-01T08:00:00Z"), t20 = utc("2026-03-01T20:00:00Z");
  g_autoptr(GDateTime) t10 = utc("2026-03-01T10:00:00Z"), t22 = utc("2026-03-01T22:00:00Z");
  g_autoptr(GDateTime) t12 = utc("2026-03-01T12:00:00Z"), t21 = utc("2026-03-01T21:00:00Z");
  LlPathLossEntry first[] = { { LL_PATH_TX, 1, 1311, 3.25 }, { LL_PATH_TX, 2, 1311, 3.5 },
                              { LL_PATH_RX, 2, 1311, 11.5 } };
  LlPathLossSet set = { "ST-07", 1, "alice", "GOLD-1", t8, t20, first, G_N_ELEMENTS(first) };
  gint64 a = ll_store_add_path_loss(store, &set, &err);
  g_assert_no_error(err);
  g_assert_cmpint(a, >, 0);

  g_autoptr(LlPathLoss) l = ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_TX, 2, 1311.2, t12, &err);
  g_assert_no_error(err);
  g_assert_cmpint(l->set_id, ==, a);
  g_assert_cmpfloat(l->loss_db, ==, 3.5);
  g_autoptr(LlPathLoss) rx = ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_RX, 2, 1311, t12, &err);
  g_assert_no_error(err);
  g_assert_cmpint(rx->path, ==, LL_PATH_RX);
  g_assert_cmpfloat(rx->loss_db, ==, 11.5);
  g_assert_cmpstr(l->golden_serial, ==, "GOLD-1");
  g_assert_cmpstr(l->operator_name, ==, "alice");
  g_assert_cmpint(g_date_time_compare(l->expires_utc, t20), ==, 0);

  /* another site, lane or wavelength has none */
  g_assert_null(ll_store_path_loss_current(store, "ST-07", 2, LL_PATH_TX, 2, 1311, t12, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND);
  g_clear_error(&err);
  g_assert_null(ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_TX, 2, 1271, t12, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND);
  g_clear_error(&err);
  g_assert_null(ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_RX, 1, 1311, t12, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND);
  g_clear_error(&err);
  /* expired at its expiry */
  g_assert_null(ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_TX, 1, 1311, t20, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_EXPIRED);
  g_assert_nonnull(strstr(err->message, "expired on 2026-03-01 20:00 UTC"));
  g_clear_error(&err);

  /* a newer calibration replaces it, and an expired newer one is never
   * covered up by an older still valid one */
  LlPathLossEntry second[] = { { LL_PATH_TX, 1, 1311, 3.0 } };
  LlPathLossSet set2 = { "ST-07", 1, "bob", NULL, t10, t21, second, 1 };
  gint64 b = ll_store_add_path_loss(store, &set2, &err);
  g_assert_no_error(err);
  g_autoptr(LlPathLoss) l2 = ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_TX, 1, 1311, t12, &err);
  g_assert_no_error(err);
  g_assert_cmpint(l2->set_id, ==, b);
  g_assert_cmpfloat(l2->loss_db, ==, 3.0);
  g_assert_null(l2->golden_serial);
  LlPathLossEntry third[] = { { LL_PATH_TX, 1, 1311, 2.9 } };
  LlPathLossSet set3 = { "ST-07", 1, "bob", NULL, t12, t12, third, 1 };
  ll_store_add_path_loss(store, &set3, &err);
  g_assert_no_error(err);
  g_assert_null(ll_store_path_loss_current(store, "ST-07", 1, LL_PATH_TX, 1, 1311, t22, &err));
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_EXPIRED);
  g_clear_error(&err);

  /* a set is all or nothing */
  LlPathLossEntry twice[] = { { LL_PATH_TX, 3, 1311, 1 }, { LL_PATH_TX, 3, 1311.1, 2 } };
  LlPathLossSet set4 = { "ST-07", 1, NULL, NULL, t8, t22, twice, 2 };
  g_assert_cmpint(ll_store_add_path_loss(store, &set4, &err), ==, 0);
  g_assert_error(err, LL_STORE_ERROR, LL_STORE_ERROR_INVALID);
  g_clear_error(&err);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM path_loss", NULL), ==, 5);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM path_loss_sets", NULL), ==, 3);
  sqlite3_close(db);
  g_clear_pointer(&store, ll_store_close);
  remove_tree(dir);
}

/* ---- golden-unit checks ---- */

static void
test_golden(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "g.db", NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStore) store = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  const char *times[] = { "2026-03-02T08:00:00Z", "2026-03-01T08:00:00Z", "2026-03-03T08:00:00Z" };
  const double values[] = { 1.2, 1.1, 1.5 };
  for (guint i = 0; i < 3; i++) {
    g_autoptr(GDateTime) t = utc(times[i]);
    LlGoldenCheckInput c = { .serial = "GOLD-1", .measurement = "tx_power_avg", .lane = 3, .value = values[i],
                        .reference = 1.0, .unit = "dBm", .checked_utc = t, .station_id = "ST-07",
                        .site = 1, .operator_name = "alice" };
    g_assert_cmpint(ll_store_add_golden_check(store, &c, &err), >, 0);
    g_assert_no_error(err);
  }
  g_autoptr(GDateTime) t = utc("2026-03-01T09:00:00Z");
  LlGoldenCheckInput other = { .serial = "GOLD-2", .measurement = "oma_outer", .value = 2, .reference = 2.5,
                          .checked_utc = t };
  ll_store_add_golden_check(store, &other, &err);
  g_assert_no_error(err);

  g_autoptr(GPtrArray) h = ll_store_golden_history(store, "GOLD-1", "tx_power_avg", &err);
  g_assert_no_error(err);
  g_assert_cmpuint(h->len, ==, 3);
  const double in_time_order[] = { 1.1, 1.2, 1.5 };
  for (guint i = 0; i < 3; i++) {
    const LlGoldenCheck *c = h->pdata[i];
    g_assert_cmpfloat(c->value, ==, in_time_order[i]);
    g_assert_cmpfloat_with_epsilon(c->delta, in_time_order[i] - 1.0, 1e-12);
    g_assert_cmpuint(c->lane, ==, 3);
    g_assert_cmpstr(c->unit, ==, "dBm");
    g_assert_cmpuint(c->site, ==, 1);
  }
  g_autoptr(GPtrArray) all = ll_store_golden_history(store, NULL, NULL, &err);
  g_assert_cmpuint(all->len, ==, 4);
  g_assert_cmpstr(((LlGoldenCheck *) all->pdata[1])->serial, ==, "GOLD-2");
  g_clear_pointer(&store, ll_store_close);
  remove_tree(dir);
}

/* ---- statistics ---- */

static void
test_summary(void)
{
  const double v[] = { 1, 2, 3, 4, NAN };
  LlSummary s;
  ll_summary_compute(v, G_N_ELEMENTS(v), 0, 10, &s);
  g_assert_cmpuint(s.n, ==, 4);
  g_assert_cmpfloat(s.mean, ==, 2.5);
  g_assert_cmpfloat_with_epsilon(s.stddev, sqrt(5.0 / 3.0), 1e-12);
  g_assert_cmpfloat(s.min, ==, 1);
  g_assert_cmpfloat(s.max, ==, 4);
  g_assert_cmpfloat_with_epsilon(s.ppk, 2.5 / (3 * sqrt(5.0 / 3.0)), 1e-12);
  /* moving ranges 1, 1, 1 (the NaN left out): sigma within 1 / 1.128 */
  g_assert_cmpfloat_with_epsilon(s.sigma_within, 1 / 1.128, 1e-12);
  g_assert_cmpfloat_with_epsilon(s.cpk, 2.5 * 1.128 / 3, 1e-12);
  /* run order matters to Cpk, not to Ppk */
  const double u[] = { 1, 3, 2, 4 };
  LlSummary t;
  ll_summary_compute(u, G_N_ELEMENTS(u), 0, 10, &t);
  g_assert_cmpfloat_with_epsilon(t.ppk, s.ppk, 1e-12);
  g_assert_cmpfloat_with_epsilon(t.sigma_within, 5.0 / 3 / 1.128, 1e-12);
  /* one-sided, no limit, no spread, one value */
  g_assert_cmpfloat_with_epsilon(ll_cpk(2.5, 1, NAN, 4), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon(ll_cpk(2.5, 1, 1, NAN), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon(ll_cpk(-1, 1, 0, 10), -1.0 / 3, 1e-12);
  g_assert_true(isnan(ll_cpk(2.5, 1, NAN, NAN)));
  g_assert_true(isnan(ll_cpk(2.5, 0, 0, 10)));
  ll_summary_compute(v, 1, 0, 10, &s);
  g_assert_cmpuint(s.n, ==, 1);
  g_assert_true(isnan(s.stddev) && isnan(s.cpk) && isnan(s.ppk) && isnan(s.sigma_within));
  /* precision with a large common offset */
  const double w[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
  ll_summary_compute(w, 3, NAN, NAN, &s);
  g_assert_cmpfloat_with_epsilon(s.stddev, 1.0, 1e-9);
}

static gint64
add_run(sqlite3 *db, const char *serial, const char *outcome, guint bin, const char *started, const char *lot,
        const char *station)
{
  g_autofree gchar *number = bin ? g_strdup_printf("%u", bin) : g_strdup("NULL");
  g_autofree gchar *sql = g_strdup_printf(
    "INSERT INTO runs (serial, operation, attempt, station_id, line, site, corner, started_utc,"
    " software_version, source_revision, steps_planned, outcome, bin_number, bin_name, lot)"
    " VALUES ('%s', 'final', 1, '%s', 'L', 1, 'room', '%s', 'v', 'r', 1, '%s', %s, %s, '%s')",
    serial, station, started, outcome, number, bin ? (bin < 10 ? "'GRADE'" : "'TX-POWER'") : "NULL", lot);
  ll_test_db_exec(db, sql);
  gint64 id = sqlite3_last_insert_rowid(db);
  g_autofree gchar *step = g_strdup_printf(
    "INSERT INTO step_results (run_id, position, step_id, step_group, action, lane, verdict, attempts, retries)"
    " VALUES (%" G_GINT64_FORMAT ", 0, 'tx', 'main', 'tx.average-power', 1, 'pass', 1, 0)", id);
  ll_test_db_exec(db, step);
  return id;
}

static void
add_value(sqlite3 *db, gint64 run, const char *name, guint lane, double value, const char *limits)
{
  g_autofree gchar *sql = g_strdup_printf(
    "INSERT INTO measurements (run_id, step_result_id, step_id, name, lane, attempt, value_type, raw_value,"
    " corrected_value, unit, limit_name, limit_unit, limit_low, limit_high, verdict)"
    " SELECT %" G_GINT64_FORMAT ", id, 'tx', '%s', %u, 1, 'number', %.17g, %.17g, 'dBm', %s, 'pass'"
    " FROM step_results WHERE run_id = %" G_GINT64_FORMAT,
    run, name, lane, value - 100, value, limits, run);
  ll_test_db_exec(db, sql);
}

/* A store of schema 1 opens at the current schema: migration 2 tells the
 * golden modules' runs (a calibration step or a comparison with the
 * reference recorded) from the units', and the statistics leave them out
 * unless asked for. */
static void
test_migration(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "v1.db", NULL);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  ll_test_db_exec(db, ll_store_migrations[0]);
  g_autofree gchar *mark = g_strdup_printf("PRAGMA user_version = 1; PRAGMA application_id = %d",
                                           LL_STORE_APPLICATION_ID);
  ll_test_db_exec(db, mark);
  gint64 unit = add_run(db, "A", "PASS", 1, "2026-03-01T08:00:00.000000Z", "L1", "ST-1");
  gint64 cal = add_run(db, "GOLD1", "PASS", 1, "2026-03-01T07:00:00.000000Z", "L1", "ST-1");
  gint64 check = add_run(db, "GOLD1", "FAIL", 30, "2026-03-01T07:30:00.000000Z", "L1", "ST-1");
  g_autofree gchar *steps = g_strdup_printf(
    "UPDATE step_results SET action = 'cal.path-loss-tx' WHERE run_id = %" G_GINT64_FORMAT ";"
    "UPDATE step_results SET action = 'golden.compare' WHERE run_id = %" G_GINT64_FORMAT, cal, check);
  ll_test_db_exec(db, steps);
  sqlite3_close(db);

  g_autoptr(GError) err = NULL;
  g_autoptr(LlStore) store = ll_store_open(path, LL_STORE_OPEN_EXISTING, &err);
  g_assert_no_error(err);
  db = ll_test_db_open(path, FALSE);
  g_assert_cmpint(ll_test_db_int(db, "PRAGMA user_version", NULL), ==, LL_STORE_SCHEMA_VERSION);
  g_autofree gchar *q = g_strdup_printf("SELECT group_concat(id || ':' || purpose, ' ') FROM"
                                        " (SELECT id, purpose FROM runs ORDER BY id)");
  g_autofree gchar *purposes = ll_test_db_text(db, q, NULL);
  g_autofree gchar *want = g_strdup_printf("%" G_GINT64_FORMAT ":unit %" G_GINT64_FORMAT ":reference %"
                                           G_GINT64_FORMAT ":reference", unit, cal, check);
  g_assert_cmpstr(purposes, ==, want);
  sqlite3_close(db);
  LlStatsFilter units = { 0 }, all = { .with_reference = TRUE };
  g_autoptr(LlStats) su = ll_store_stats(store, &units, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(su->runs, ==, 1);
  g_assert_cmpfloat(su->yield, ==, 1);
  g_autoptr(LlStats) sa = ll_store_stats(store, &all, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(sa->runs, ==, 3);
  g_assert_cmpuint(sa->units, ==, 2);
}

static void
test_stats(void)
{
  g_autofree gchar *dir = tmp_dir();
  g_autofree gchar *path = g_build_filename(dir, "st.db", NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStore) store = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  sqlite3 *db = ll_test_db_open(path, TRUE);
  /* A fails then passes, B passes, C fails, D errs; E is in another lot
   * and station, F in flight */
  gint64 a1 = add_run(db, "A", "FAIL", 30, "2026-03-01T08:00:00.000000Z", "L1", "ST-1");
  gint64 a2 = add_run(db, "A", "PASS", 1, "2026-03-01T09:00:00.000000Z", "L1", "ST-1");
  gint64 b = add_run(db, "B", "PASS", 1, "2026-03-01T08:30:00.000000Z", "L1", "ST-1");
  gint64 c = add_run(db, "C", "FAIL", 30, "2026-03-01T10:00:00.000000Z", "L1", "ST-1");
  add_run(db, "D", "ERROR", 0, "2026-03-01T11:00:00.000000Z", "L1", "ST-1");
  gint64 e = add_run(db, "E", "PASS", 1, "2026-03-02T08:00:00.000000Z", "L2", "ST-2");
  add_unfinished(db, "F");
  const char *limits = "'tx_power_avg', 'dBm', 0, 10";
  add_value(db, a1, "tx_power_avg", 1, 1, limits);
  add_value(db, a2, "tx_power_avg", 1, 2, limits);
  add_value(db, b, "tx_power_avg", 1, 3, limits);
  add_value(db, c, "tx_power_avg", 1, 4, limits);
  add_value(db, e, "tx_power_avg", 1, 100, limits);
  /* lane 2: limits differ between runs; a value in mW against dBm limits */
  add_value(db, a1, "tx_power_avg", 2, 1, limits);
  add_value(db, b, "tx_power_avg", 2, 3, "'tx_power_avg', 'dBm', 0, 5");
  add_value(db, c, "oma", 1, 5, "NULL, NULL, NULL, NULL");

  LlStatsFilter l1 = { .lot = "L1" };
  g_autoptr(LlStats) s = ll_store_stats(store, &l1, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(s->runs, ==, 5);
  g_assert_cmpuint(s->units, ==, 4);
  g_assert_cmpuint(s->units_passed, ==, 2);     /* A, B */
  g_assert_cmpuint(s->units_first_pass, ==, 1); /* B */
  g_assert_cmpfloat(s->yield, ==, 0.5);
  g_assert_cmpfloat(s->first_pass_yield, ==, 0.25);
  g_assert_cmpuint(s->outcomes[LL_OUTCOME_PASS], ==, 2);
  g_assert_cmpuint(s->outcomes[LL_OUTCOME_FAIL], ==, 2);
  g_assert_cmpuint(s->outcomes[LL_OUTCOME_ERROR], ==, 1);
  g_assert_cmpuint(s->bins->len, ==, 3);
  const LlBinCount *pass = s->bins->pdata[0], *fail = s->bins->pdata[1], *error = s->bins->pdata[2];
  g_assert_true(pass->outcome == LL_OUTCOME_PASS && pass->number == 1 && pass->runs == 2);
  g_assert_true(fail->outcome == LL_OUTCOME_FAIL && fail->number == 30 && fail->runs == 2);
  g_assert_cmpstr(fail->name, ==, "TX-POWER");
  g_assert_true(error->outcome == LL_OUTCOME_ERROR && error->number == 0 && error->runs == 1);
  g_assert_cmpstr(error->name, ==, "ERROR");
  g_assert_cmpuint(s->measurements->len, ==, 3);
  const LlMeasurementStats *m = s->measurements->pdata[0];
  g_assert_cmpstr(m->step_id, ==, "tx");
  g_assert_cmpstr(m->name, ==, "tx_power_avg");
  g_assert_cmpuint(m->lane, ==, 1);
  g_assert_cmpstr(m->unit, ==, "dBm");
  g_assert_cmpuint(m->summary.n, ==, 4);
  g_assert_cmpfloat(m->summary.mean, ==, 2.5); /* the corrected values, not the raw */
  g_assert_cmpfloat(m->low, ==, 0);
  g_assert_cmpfloat(m->high, ==, 10);
  g_assert_cmpfloat_with_epsilon(m->summary.ppk, 2.5 / (3 * sqrt(5.0 / 3.0)), 1e-12);
  /* in the order the runs started (A1 1, B 3, A2 2, C 4), not the order
   * the values were stored: moving ranges 2, 1, 2 */
  g_assert_cmpfloat_with_epsilon(m->summary.sigma_within, 5.0 / 3 / 1.128, 1e-12);
  g_assert_cmpfloat_with_epsilon(m->summary.cpk, 2.5 * 1.128 / 5, 1e-12);
  const LlMeasurementStats *lane2 = s->measurements->pdata[1];
  g_assert_cmpuint(lane2->lane, ==, 2);
  g_assert_true(isnan(lane2->low) && isnan(lane2->high) && isnan(lane2->summary.cpk));
  g_assert_cmpfloat(lane2->summary.mean, ==, 2);
  const LlMeasurementStats *oma = s->measurements->pdata[2];
  g_assert_cmpuint(oma->summary.n, ==, 1);
  g_assert_true(isnan(oma->summary.cpk));

  /* by time, station, and all */
  g_autoptr(GDateTime) from = utc("2026-03-01T09:00:00Z"), to = utc("2026-03-01T10:00:00Z");
  LlStatsFilter window = { .from = from, .to = to };
  g_autoptr(LlStats) w = ll_store_stats(store, &window, &err);
  g_assert_cmpuint(w->runs, ==, 1); /* A's second run: from is inclusive, to is not */
  g_assert_cmpfloat(w->first_pass_yield, ==, 1.0);
  LlStatsFilter st2 = { .station_id = "ST-2" };
  g_autoptr(LlStats) e2 = ll_store_stats(store, &st2, &err);
  g_assert_cmpuint(e2->runs, ==, 1);
  g_assert_cmpuint(e2->measurements->len, ==, 1);
  g_assert_true(isnan(((LlMeasurementStats *) e2->measurements->pdata[0])->summary.stddev));
  g_autoptr(LlStats) everything = ll_store_stats(store, NULL, &err);
  g_assert_cmpuint(everything->runs, ==, 6); /* F, in flight, is not counted */
  LlStatsFilter none = { .lot = "NOPE" };
  g_autoptr(LlStats) empty = ll_store_stats(store, &none, &err);
  g_assert_cmpuint(empty->runs, ==, 0);
  g_assert_true(isnan(empty->yield));
  sqlite3_close(db);
  g_clear_pointer(&store, ll_store_close);
  remove_tree(dir);
}

static void
test_times(void)
{
  g_autoptr(GDateTime) a = ll_store_parse_time("2026-03-01");
  g_autofree gchar *ta = ll_store_format_time(a);
  g_assert_cmpstr(ta, ==, "2026-03-01T00:00:00.000000Z");
  g_autoptr(GDateTime) b = ll_store_parse_time("2026-03-01 08:00");
  g_autofree gchar *tb = ll_store_format_time(b);
  g_assert_cmpstr(tb, ==, "2026-03-01T08:00:00.000000Z");
  g_autoptr(GDateTime) c = ll_store_parse_time("2026-03-01T08:00:00+01:00");
  g_autofree gchar *tc = ll_store_format_time(c);
  g_assert_cmpstr(tc, ==, "2026-03-01T07:00:00.000000Z");
  g_assert_null(ll_store_parse_time("yesterday"));
  g_assert_null(ll_store_parse_time("2026-13-01"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/store/schema", test_schema);
  g_test_add_func("/store/record", test_record);
  g_test_add_func("/store/record-failure", test_record_failure);
  g_test_add_func("/store/incomplete", test_incomplete);
  g_test_add_func("/store/retest", test_retest);
  g_test_add_func("/store/path-loss", test_path_loss);
  g_test_add_func("/store/golden", test_golden);
  g_test_add_func("/store/summary", test_summary);
  g_test_add_func("/store/stats", test_stats);
  g_test_add_func("/store/migration", test_migration);
  g_test_add_func("/store/times", test_times);
  return g_test_run();
}
