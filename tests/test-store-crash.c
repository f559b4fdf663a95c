/* test-store-crash.c: the results store survives kill -9 at any point.
 *
 * Each trial starts the real `lightline demo` writing into a store of its
 * own, waits until it has printed a random number of units as done and
 * then a random part of a unit's time (or kills it while it starts), reads
 * everything committed so far through an independent SQLite connection (a
 * snapshot), and kills the process with SIGKILL right after.
 * Then, with the store as the kill left it:
 *   - PRAGMA integrity_check is ok;
 *   - at most one run per site is unfinished, and opening the store makes
 *     exactly those INCOMPLETE (and none is left without an outcome);
 *   - no run is PASS without all its steps, every one passed; every
 *     finished run has all its steps; a run's steps have no gap;
 *   - every step has all its measurements (as many as the same step has in
 *     a shift that was not killed), never a part of them;
 *   - nothing in the snapshot is missing or changed: every run, outcome,
 *     step and measurement value committed before the kill is there;
 *   - every unit the demo printed as done (it prints a unit once its run is
 *     committed) is there with the outcome and bin it printed;
 *   - the runs are the shift's first units, in order, without a gap.
 * LL_CRASH_TRIALS sets the number of trials (default 60);
 * scripts/crash-trials runs many more. */
#include "ll-store.h"
#include "ll-test-db.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SITES "2"
#define UNITS "8"

typedef struct {
  gchar *dir;
  GHashTable *step_measurements; /* "step_id|lane" of a passed step -> its measurement count */
  gint64 shift_us;               /* how long an unkilled shift takes */
  guint killed_in_flight;        /* trials that left a run unfinished */
  guint killed_with_steps;       /* trials whose snapshot held committed steps */
} Trials;

static gchar **
demo_argv(const char *db, gboolean calibrate)
{
  gchar *bin = g_build_filename(g_getenv("LL_BIN"), "lightline", NULL);
  const char *args[] = { "demo", "--units", UNITS, "--sites", SITES, "--seed", "9", "--defects",
                         "weak-lane=0.2,dead-lane=0.05", "--db", db, calibrate ? NULL : "--nominal-paths", NULL };
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, bin);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, g_strdup(args[i]));
  g_ptr_array_add(argv, NULL);
  return (gchar **) g_ptr_array_free(argv, FALSE);
}

/* Every row of @sql, its columns joined by '|', into @rows (a set). */
static gboolean
collect(sqlite3 *db, const char *sql, GHashTable *rows)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE; /* no schema yet */
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    GString *row = g_string_new(NULL);
    for (int c = 0; c < sqlite3_column_count(stmt); c++) {
      const char *v = (const char *) sqlite3_column_text(stmt, c);
      g_string_append_printf(row, "%s%s", c ? "|" : "", v ? v : "NULL");
    }
    g_hash_table_add(rows, g_string_free(row, FALSE));
  }
  sqlite3_finalize(stmt);
  g_assert_cmpint(rc, ==, SQLITE_DONE);
  return TRUE;
}

static const char *const committed_sql[] = {
  "SELECT 'run', id, serial, site FROM runs",
  "SELECT 'outcome', id, outcome, bin_number, bin_name FROM runs WHERE outcome IS NOT NULL",
  "SELECT 'step', s.run_id, s.position, s.step_id, s.lane, s.verdict, s.attempts, s.message FROM step_results s",
  /* values to the last bit */
  "SELECT 'measurement', m.run_id, s.position, m.name, m.lane, m.attempt, quote(m.raw_value),"
  " quote(m.corrected_value), m.text_value, m.verdict FROM measurements m"
  " JOIN step_results s ON s.id = m.step_result_id",
};

/* What another connection sees as committed now, in one read transaction. */
static GHashTable *
snapshot(const char *path)
{
  GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return rows;
  sqlite3 *db = ll_test_db_open(path, FALSE);
  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(committed_sql); i++)
    if (!collect(db, committed_sql[i], rows))
      break;
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  return rows;
}

/* The measurement count of every passed step of a shift run to its end. */
static void
reference(Trials *t)
{
  g_autofree gchar *db_path = g_build_filename(t->dir, "reference.db", NULL);
  g_auto(GStrv) argv = demo_argv(db_path, TRUE);
  int wait = 0;
  gint64 t0 = g_get_monotonic_time();
  g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &wait, NULL));
  t->shift_us = g_get_monotonic_time() - t0;
  g_assert_true(WIFEXITED(wait) && WEXITSTATUS(wait) == 0);
  sqlite3 *db = ll_test_db_open(db_path, FALSE);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db,
    "SELECT s.step_id || '|' || s.lane, count(m.id) FROM step_results s"
    " LEFT JOIN measurements m ON m.step_result_id = s.id WHERE s.verdict = 'pass' GROUP BY s.id",
    -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const char *key = (const char *) sqlite3_column_text(stmt, 0);
    guint n = (guint) sqlite3_column_int(stmt, 1);
    gpointer old = g_hash_table_lookup(t->step_measurements, key);
    if (old)
      g_assert_cmpuint(GPOINTER_TO_UINT(old) - 1, ==, n); /* the same step measures the same */
    else
      g_hash_table_insert(t->step_measurements, g_strdup(key), GUINT_TO_POINTER(n + 1));
  }
  sqlite3_finalize(stmt);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome = 'PASS'", NULL), >, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome = 'FAIL'", NULL), >, 0);
  sqlite3_close(db);
  g_test_message("an unkilled shift takes %.2f s", t->shift_us / 1e6);
}

/* Checks a store left by a kill (see the top of the file). */
static void
check(Trials *t, const char *path, GHashTable *before, const char *printed)
{
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_assert_cmpuint(g_hash_table_size(before), ==, 0);
    return;
  }
  sqlite3 *db = ll_test_db_open(path, FALSE);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
  g_assert_cmpstr((const char *) sqlite3_column_text(stmt, 0), ==, "ok");
  sqlite3_finalize(stmt);
  gboolean schema = ll_test_db_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'runs'", NULL) == 1;
  gint64 unfinished = schema ? ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome IS NULL", NULL) : 0;
  g_assert_cmpint(unfinished, <=, atoi(SITES));
  g_autofree gchar *in_flight = NULL;
  if (schema) {
    g_autoptr(GHashTable) serials = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    collect(db, "SELECT id FROM runs WHERE outcome IS NULL", serials);
    g_autoptr(GList) ids = g_hash_table_get_keys(serials);
    GString *list = g_string_new(NULL);
    for (GList *l = ids; l; l = l->next)
      g_string_append_printf(list, "%s%s", list->len ? "," : "", (const char *) l->data);
    in_flight = g_string_free(list, FALSE);
  }
  sqlite3_close(db);

  /* opening the store recovers exactly the runs in flight */
  g_autoptr(GError) err = NULL;
  LlStore *store = ll_store_open(path, LL_STORE_OPEN_DEFAULT, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(ll_store_recovered(store), ==, unfinished);
  ll_store_close(store);
  t->killed_in_flight += unfinished > 0;

  db = ll_test_db_open(path, FALSE);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome IS NULL", NULL), ==, 0);
  if (unfinished) {
    g_autofree gchar *sql = g_strdup_printf("SELECT count(*) FROM runs WHERE id IN (%s) AND outcome = 'INCOMPLETE'",
                                            in_flight);
    g_assert_cmpint(ll_test_db_int(db, sql, NULL), ==, unfinished);
  }
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs WHERE outcome = 'INCOMPLETE'", NULL), ==, unfinished);
  /* no PASS without all its steps, all passed; every finished run whole */
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs r WHERE outcome = 'PASS' AND steps_planned !="
                            " (SELECT count(*) FROM step_results s WHERE s.run_id = r.id AND s.verdict = 'pass')", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs r WHERE outcome != 'INCOMPLETE' AND steps_planned !="
                            " (SELECT count(*) FROM step_results s WHERE s.run_id = r.id)", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM step_results s WHERE s.run_id = r.id)"
                            " != coalesce((SELECT max(position) + 1 FROM step_results s WHERE s.run_id = r.id), 0)", NULL), ==, 0);
  /* the first units of the shift, each once: every batch before the last
   * whole (the sites of a batch start together, so the kill may come when
   * only some of the last batch's runs have started, in either order); the
   * demo's calibration runs before them are left out */
  g_assert_cmpint(sqlite3_exec(db, "CREATE TEMP VIEW shift AS SELECT * FROM main.runs WHERE operation GLOB 'final-*'",
                               NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM shift WHERE serial NOT GLOB 'LL26D[0-9][0-9][0-9][0-9][0-9]'", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "WITH last(n) AS (SELECT coalesce(max(CAST(substr(serial, 6) AS INTEGER)), 0) FROM shift),"
                            " done(n) AS (SELECT CASE WHEN n > 0 THEN ((n - 1) / " SITES ") * " SITES " ELSE 0 END FROM last)"
                            " SELECT (SELECT n FROM done) - count(DISTINCT serial) FROM shift"
                            " WHERE CAST(substr(serial, 6) AS INTEGER) <= (SELECT n FROM done)", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) - count(DISTINCT serial) FROM shift", NULL), ==, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT coalesce(max(id), 0) - count(*) FROM runs", NULL), ==, 0);

  /* every passed step has all its measurements */
  sqlite3_stmt *steps = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db,
    "SELECT s.step_id || '|' || s.lane, count(m.id) FROM step_results s"
    " LEFT JOIN measurements m ON m.step_result_id = s.id WHERE s.verdict = 'pass' GROUP BY s.id",
    -1, &steps, NULL), ==, SQLITE_OK);
  while (sqlite3_step(steps) == SQLITE_ROW) {
    const char *key = (const char *) sqlite3_column_text(steps, 0);
    gpointer want = g_hash_table_lookup(t->step_measurements, key);
    g_assert_nonnull(want);
    g_assert_cmpint(sqlite3_column_int(steps, 1), ==, GPOINTER_TO_UINT(want) - 1);
  }
  sqlite3_finalize(steps);

  /* nothing committed before the kill is missing or changed */
  g_autoptr(GHashTable) after = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(committed_sql); i++)
    g_assert_true(collect(db, committed_sql[i], after));
  GHashTableIter it;
  gpointer row;
  guint steps_before = 0;
  g_hash_table_iter_init(&it, before);
  while (g_hash_table_iter_next(&it, &row, NULL)) {
    if (!g_hash_table_contains(after, row))
      g_error("committed before the kill, missing after: %s", (const char *) row);
    steps_before += g_str_has_prefix(row, "step|");
  }
  t->killed_with_steps += steps_before > 0;

  /* every unit printed as done is recorded so */
  g_auto(GStrv) lines = g_strsplit(printed, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " ", -1);
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    for (guint k = 0; f[k]; k++)
      if (*f[k])
        g_ptr_array_add(words, f[k]);
    if (words->len < 5 || !g_str_has_prefix(words->pdata[1], "LL26D"))
      continue;
    const char *serial = words->pdata[1], *outcome = words->pdata[4];
    gboolean binned = g_str_equal(outcome, "PASS") || g_str_equal(outcome, "FAIL");
    sqlite3_stmt *run = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM runs WHERE serial = ?1 AND outcome = ?2"
                                           " AND (?3 IS NULL OR bin_name = ?3)", -1, &run, NULL), ==, SQLITE_OK);
    sqlite3_bind_text(run, 1, serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(run, 2, outcome, -1, SQLITE_STATIC);
    if (binned && words->len > 5)
      sqlite3_bind_text(run, 3, words->pdata[5], -1, SQLITE_STATIC);
    g_assert_cmpint(sqlite3_step(run), ==, SQLITE_ROW);
    if (sqlite3_column_int(run, 0) != 1)
      g_error("printed as done but not recorded so: %s", lines[i]);
    sqlite3_finalize(run);
  }
  sqlite3_close(db);
}

/* Reads what the demo prints until it has printed @lines unit lines (or
 * ended); appends it to @printed. */
static void
read_units(int fd, GString *printed, guint lines)
{
  char buf[4096];
  for (;;) {
    guint done = 0;
    for (const char *p = printed->str; (p = strstr(p, "  LL26D")); p++)
      done++;
    if (done >= lines)
      return;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    g_string_append_len(printed, buf, n);
  }
}

/* One trial: the demo is killed after a random number of its units were
 * printed as done, a random part of a unit's time later, or (one trial in
 * eight) at a random moment of its start: opening the store, calibrating
 * its paths with a golden module (those are runs too). Only the trials that
 * may be killed at the start calibrate: the others correct with nominal
 * path offsets, which is quicker to reach the units. */
static void
trial(Trials *t, guint i, GRand *rand)
{
  g_autofree gchar *name = g_strdup_printf("trial-%03u.db", i);
  g_autofree gchar *path = g_build_filename(t->dir, name, NULL);
  gboolean at_start = g_rand_int_range(rand, 0, 8) == 0;
  g_auto(GStrv) argv = demo_argv(path, at_start);
  GPid pid;
  int out_fd = -1;
  g_autoptr(GError) err = NULL;
  g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                         NULL, NULL, &pid, NULL, &out_fd, NULL, &err));
  GString *printed = g_string_new(NULL);
  guint units = (guint) atoi(UNITS);
  gint64 unit_us = t->shift_us / units * atoi(SITES);
  if (at_start) {
    g_usleep((gulong) (g_rand_double(rand) * 2 * unit_us));
  } else {
    read_units(out_fd, printed, (guint) g_rand_int_range(rand, 0, (gint32) units));
    g_usleep((gulong) (g_rand_double(rand) * unit_us));
  }
  g_autoptr(GHashTable) before = snapshot(path);
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid(pid);
  read_units(out_fd, printed, G_MAXUINT);
  close(out_fd);
  check(t, path, before, printed->str);
  g_string_free(printed, TRUE);
  static const char *const suffixes[] = { "", "-wal", "-shm", "-lock" };
  for (gsize k = 0; k < G_N_ELEMENTS(suffixes); k++) {
    g_autofree gchar *p = g_strconcat(path, suffixes[k], NULL);
    g_remove(p);
  }
}

static void
test_kill(void)
{
  const char *env = g_getenv("LL_CRASH_TRIALS");
  guint n_trials = env ? (guint) g_ascii_strtoull(env, NULL, 10) : 60;
  Trials t = { .dir = g_dir_make_tmp("ll-crash-XXXXXX", NULL),
               .step_measurements = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
  reference(&t);
  g_autoptr(GRand) rand = g_rand_new_with_seed(20261121);
  for (guint i = 0; i < n_trials; i++)
    trial(&t, i, rand);
  g_test_message("%u trials: %u killed a run in flight, %u after steps were committed", n_trials, t.killed_in_flight,
                 t.killed_with_steps);
  /* the kills fell inside the shift, not only before or after it */
  g_assert_cmpuint(t.killed_in_flight, >=, n_trials / 4);
  g_assert_cmpuint(t.killed_with_steps, >=, n_trials / 4);
  g_autoptr(GDir) d = g_dir_open(t.dir, 0, NULL);
  const char *f;
  while ((f = g_dir_read_name(d))) {
    g_autofree gchar *p = g_build_filename(t.dir, f, NULL);
    g_remove(p);
  }
  g_rmdir(t.dir);
  g_free(t.dir);
  g_hash_table_unref(t.step_measurements);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/store-crash/kill", test_kill);
  return g_test_run();
}
