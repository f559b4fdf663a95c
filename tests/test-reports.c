/* test-reports.c: `lightline report unit|lot` and `lightline export` end to
 * end. A results store is made by the real CLI (two simulated shifts with
 * a defect mix, the second retesting some units in another lot, an
 * operator name that looks like a formula), then a module vendor name that
 * looks like a formula is put into the store as a module could report it.
 * Every workbook and export is read back by tests/check-reports.py with
 * independent readers (openpyxl, Python's csv and json) and compared with
 * the store through Python's sqlite3; the checker is shown to fail on a
 * store that no longer matches. The statistics of ll-report-stats are
 * checked against ll-stats; a lot report converts with LibreOffice where
 * LibreOffice is installed. */
#include "ll-report-stats.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#define FORMULA_OPERATOR "=HYPERLINK(\"http://evil.example/\",\"operator\")"
#define FORMULA_VENDOR "=HYPERLINK(\"http://evil.example/\",\"vendor\")"
#define ESCAPE_LOOKALIKE "_x0041_ lot"

static gchar *dir;           /* the test's folder */
static gchar *db;            /* the store made by the demo shifts */
static gint64 vendor_run;    /* the final test whose module reported FORMULA_VENDOR */
static gchar *stats_json;    /* lightline stats --json of the whole store */

/* The first or last (@which: min, max) final-test run with @outcome. */
#define FINAL_RUN(which, outcome) \
  "SELECT " which "(id) FROM runs WHERE operation LIKE 'final-%' AND outcome = '" outcome "'"

static gchar *
path(const char *name)
{
  return g_build_filename(dir, name, NULL);
}

/* Runs tests/check-reports.py with @args; its exit status. */
static int
checker(const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup("/usr/bin/python3"));
  g_ptr_array_add(argv, g_build_filename(g_getenv("LL_SOURCE"), "tests", "check-reports.py", NULL));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, g_strdup(args[i]));
  g_ptr_array_add(argv, NULL);
  g_autofree gchar *out = NULL, *err = NULL;
  int wait = 0;
  g_assert_true(g_spawn_sync(NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait,
                             NULL));
  g_test_message("check-reports %s: %s%s", args[0], out, err);
  g_assert_true(WIFEXITED(wait));
  return WEXITSTATUS(wait);
}

static void
lightline_ok(const char *const *args)
{
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, args);
  g_assert_cmpint(run.status, ==, 0);
}

/* One number the store answers to @sql. */
static gint64
query_int(const char *sql)
{
  sqlite3 *s = NULL;
  g_assert_cmpint(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(s, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(s);
  return v;
}

/* One text the store answers to @sql (free with g_free()). */
static gchar *
query_text(const char *sql)
{
  sqlite3 *s = NULL;
  g_assert_cmpint(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(s, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
  gchar *v = g_strdup((const char *) sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(s);
  g_assert_nonnull(v);
  return v;
}

/* The start of the @n-th final-test run (from 0): a time to select from. */
static gchar *
final_start(guint n)
{
  g_autofree gchar *sql = g_strdup_printf(
    "SELECT started_utc FROM runs WHERE operation LIKE 'final-%%' ORDER BY started_utc, id LIMIT 1 OFFSET %u", n);
  return query_text(sql);
}

static void
exec_sql(const char *file, const char *sql)
{
  sqlite3 *s = NULL;
  g_assert_cmpint(sqlite3_open(file, &s), ==, SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec(s, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error("%s: %s", sql, msg);
  sqlite3_close(s);
}

static void
make_store(void)
{
  db = path("station.db");
  const char *shift1[] = { "demo", "--units", "24", "--sites", "2", "--seed", "5", "--defects",
                           "weak-lane=0.15,high-tdecq=0.15", "--db", db, "--lot", "LOT-A", "--operator",
                           FORMULA_OPERATOR, NULL };
  /* the same units again: retests, in another lot */
  const char *shift2[] = { "demo", "--units", "6", "--sites", "2", "--seed", "5", "--defects",
                           "weak-lane=0.15,high-tdecq=0.15", "--db", db, "--lot", ESCAPE_LOOKALIKE, "--operator",
                           "alice", NULL };
  g_auto(LlTestRun) r1 = { 0 }, r2 = { 0 };
  ll_test_run(&r1, shift1);
  g_assert_cmpint(r1.status, ==, 0);
  ll_test_run(&r2, shift2);
  g_assert_cmpint(r2.status, ==, 0);
  /* a module whose vendor field reads as a formula */
  vendor_run = query_int(FINAL_RUN("min", "PASS"));
  g_autofree gchar *vendor = g_strdup_printf(
    "UPDATE runs SET vendor = '" FORMULA_VENDOR "' WHERE id = %" G_GINT64_FORMAT ";"
    "UPDATE measurements SET text_value = '" FORMULA_VENDOR "' WHERE run_id = %" G_GINT64_FORMAT
    " AND name = 'vendor_name'", vendor_run, vendor_run);
  exec_sql(db, vendor);
  stats_json = path("stats.json");
  g_auto(LlTestRun) stats = { 0 };
  const char *args[] = { "stats", "--db", db, "--json", NULL };
  ll_test_run(&stats, args);
  g_assert_cmpint(stats.status, ==, 0);
  g_assert_true(g_file_set_contents(stats_json, stats.out, -1, NULL));
  g_assert_cmpint(query_int("SELECT count(*) FROM runs WHERE outcome = 'FAIL'"), >=, 2);
  g_assert_cmpint(query_int("SELECT count(*) FROM runs WHERE attempt > 1 AND operation LIKE 'final-%'"), ==, 6);
  /* the final tests' values were corrected with the path-loss calibration the demo made */
  g_assert_cmpint(query_int("SELECT count(*) FROM measurements WHERE path_loss_id IS NOT NULL"), >, 0);
}

static gchar *
unit_report(gint64 run_id)
{
  g_autofree gchar *name = g_strdup_printf("unit-%" G_GINT64_FORMAT ".xlsx", run_id);
  gchar *out = path(name);
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
  const char *args[] = { "report", "unit", "--db", db, id, "-o", out, NULL };
  lightline_ok(args);
  return out;
}

static void
check_unit(gint64 run_id)
{
  g_autofree gchar *out = unit_report(run_id);
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
  const char *check[] = { "unit", db, out, id, NULL };
  g_assert_cmpint(checker(check), ==, 0);
}

static void
test_unit_pass(void)
{
  check_unit(query_int(FINAL_RUN("min", "PASS")));
}

/* The runs of the station's calibration (path loss, golden unit) report too. */
static void
test_unit_calibration(void)
{
  check_unit(query_int("SELECT min(id) FROM runs WHERE operation NOT LIKE 'final-%'"));
  check_unit(query_int("SELECT max(id) FROM runs WHERE operation NOT LIKE 'final-%'"));
}

/* A failed unit's report shows the failing measurement and its limits
 * (the checker compares the Failures section and the highlighted rows). */
static void
test_unit_fail(void)
{
  check_unit(query_int(FINAL_RUN("min", "FAIL")));
  check_unit(query_int(FINAL_RUN("max", "FAIL")));
}

/* --sn reports the serial's newest run: its retest. */
static void
test_unit_by_serial(void)
{
  g_autofree gchar *out = path("by-serial.xlsx");
  const char *args[] = { "report", "unit", "--db", db, "--sn", "LL26D00003", "-o", out, NULL };
  g_auto(LlTestRun) run = { 0 };
  ll_test_run(&run, args);
  g_assert_cmpint(run.status, ==, 0);
  gint64 newest = query_int("SELECT max(id) FROM runs WHERE serial = 'LL26D00003'");
  g_autofree gchar *expect = g_strdup_printf("unit report of run %" G_GINT64_FORMAT " ", newest);
  g_assert_nonnull(strstr(run.out, expect));
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, newest);
  const char *check[] = { "unit", db, out, id, NULL };
  g_assert_cmpint(checker(check), ==, 0);
}

static void
test_unit_errors(void)
{
  g_autofree gchar *out = path("missing.xlsx");
  g_auto(LlTestRun) a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
  const char *no_run[] = { "report", "unit", "--db", db, "99999", "-o", out, NULL };
  ll_test_run(&a, no_run);
  g_assert_cmpint(a.status, ==, 1);
  g_assert_nonnull(strstr(a.err, "no run 99999"));
  const char *no_serial[] = { "report", "unit", "--db", db, "--sn", "NOPE", "-o", out, NULL };
  ll_test_run(&b, no_serial);
  g_assert_cmpint(b.status, ==, 1);
  g_autofree gchar *missing_db = path("no-such.db");
  const char *no_store[] = { "report", "unit", "--db", missing_db, "1", "-o", out, NULL };
  ll_test_run(&c, no_store);
  g_assert_cmpint(c.status, ==, 2);
  g_assert_false(g_file_test(missing_db, G_FILE_TEST_EXISTS)); /* read-only: nothing created */
  const char *not_a_store[] = { "report", "unit", "--db", stats_json, "1", "-o", out, NULL };
  ll_test_run(&d, not_a_store);
  g_assert_cmpint(d.status, ==, 2);
  g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
}

static void
test_lot(void)
{
  g_autofree gchar *out = path("lot.xlsx");
  const char *args[] = { "report", "lot", "--db", db, "-o", out, NULL };
  lightline_ok(args);
  const char *check[] = { "lot", db, out, stats_json, NULL };
  g_assert_cmpint(checker(check), ==, 0);
}

/* The golden module's calibration runs the demo made are left out of a
 * lot report unless asked for (the checker selects them the same way). */
static void
test_lot_with_reference(void)
{
  g_assert_cmpint(query_int("SELECT count(*) FROM runs WHERE purpose = 'reference' AND outcome IS NOT NULL"), >, 0);
  g_autofree gchar *out = path("lot-ref.xlsx");
  const char *args[] = { "report", "lot", "--db", db, "--with-reference", "-o", out, NULL };
  lightline_ok(args);
  g_autofree gchar *stats = path("stats-ref.json");
  g_auto(LlTestRun) s = { 0 };
  const char *stats_args[] = { "stats", "--db", db, "--with-reference", "--json", NULL };
  ll_test_run(&s, stats_args);
  g_assert_cmpint(s.status, ==, 0);
  g_assert_true(g_file_set_contents(stats, s.out, -1, NULL));
  const char *check[] = { "lot", db, out, stats, "--with-reference", NULL };
  g_assert_cmpint(checker(check), ==, 0);
}

static void
test_lot_selected(void)
{
  g_autofree gchar *out = path("lot-a.xlsx");
  const char *args[] = { "report", "lot", "--db", db, "--lot", "LOT-A", "--station", "ST-DEMO", "-o", out, NULL };
  lightline_ok(args);
  g_autofree gchar *stats = path("stats-a.json");
  g_auto(LlTestRun) s = { 0 };
  const char *stats_args[] = { "stats", "--db", db, "--lot", "LOT-A", "--json", NULL };
  ll_test_run(&s, stats_args);
  g_assert_true(g_file_set_contents(stats, s.out, -1, NULL));
  const char *check[] = { "lot", db, out, stats, "--lot", "LOT-A", NULL };
  g_assert_cmpint(checker(check), ==, 0);

  /* a time window of one sequence */
  g_autofree gchar *from = final_start(5), *to = final_start(20);
  g_autofree gchar *window = path("window.xlsx"), *window_stats = path("stats-window.json");
  const char *window_args[] = { "report", "lot", "--db", db, "--from", from, "--to", to, "--sequence",
                                "final-800g-dr8", "-o", window, NULL };
  lightline_ok(window_args);
  g_auto(LlTestRun) ws = { 0 };
  const char *window_stats_args[] = { "stats", "--db", db, "--from", from, "--to", to, "--sequence",
                                      "final-800g-dr8", "--json", NULL };
  ll_test_run(&ws, window_stats_args);
  g_assert_true(g_file_set_contents(window_stats, ws.out, -1, NULL));
  const char *window_check[] = { "lot", db, window, window_stats, "--from", from, "--to", to, "--sequence",
                                 "final-800g-dr8", NULL };
  g_assert_cmpint(checker(window_check), ==, 0);

  g_autofree gchar *none = path("none.xlsx");
  g_auto(LlTestRun) n = { 0 };
  const char *nothing[] = { "report", "lot", "--db", db, "--lot", "NOPE", "-o", none, NULL };
  ll_test_run(&n, nothing);
  g_assert_cmpint(n.status, ==, 1);
  g_assert_false(g_file_test(none, G_FILE_TEST_EXISTS));
  g_auto(LlTestRun) t = { 0 };
  const char *bad_time[] = { "report", "lot", "--db", db, "--from", "yesterday", "-o", none, NULL };
  ll_test_run(&t, bad_time);
  g_assert_cmpint(t.status, ==, 2);
}

/* The same selection of the same store reports the same again: with the
 * report's time fixed, the files are identical byte for byte. */
static void
test_lot_again(void)
{
  g_autofree gchar *a = path("again-1.xlsx"), *b = path("again-2.xlsx");
  g_setenv("SOURCE_DATE_EPOCH", "1800000000", TRUE);
  const char *first[] = { "report", "lot", "--db", db, "-o", a, NULL };
  const char *second[] = { "report", "lot", "--db", db, "-o", b, NULL };
  lightline_ok(first);
  lightline_ok(second);
  g_unsetenv("SOURCE_DATE_EPOCH");
  g_autofree gchar *ta = NULL, *tb = NULL;
  gsize la = 0, lb = 0;
  g_assert_true(g_file_get_contents(a, &ta, &la, NULL));
  g_assert_true(g_file_get_contents(b, &tb, &lb, NULL));
  g_assert_cmpuint(la, >, 1000);
  g_assert_cmpmem(ta, la, tb, lb);
}

/* A store of schema 1 (before runs.purpose) is reported read-only as it
 * is, with the golden modules' runs told apart by their steps: the lot
 * report is the same, byte for byte, as the one of the same runs at the
 * current schema, and the old store is left at schema 1. */
static void
test_lot_schema_1(void)
{
  /* the same file name in two folders, named relative to each: the report
   * names its store */
  g_autofree gchar *a_dir = path("current"), *b_dir = path("schema-1");
  g_assert_cmpint(g_mkdir(a_dir, 0755), ==, 0);
  g_assert_cmpint(g_mkdir(b_dir, 0755), ==, 0);
  g_autofree gchar *a_db = g_build_filename(a_dir, "station.db", NULL);
  g_autofree gchar *b_db = g_build_filename(b_dir, "station.db", NULL);
  g_autofree gchar *copy_a = g_strdup_printf("VACUUM INTO '%s'", a_db);
  g_autofree gchar *copy_b = g_strdup_printf("VACUUM INTO '%s'", b_db);
  exec_sql(db, copy_a);
  exec_sql(db, copy_b);
  exec_sql(b_db, "ALTER TABLE runs DROP COLUMN purpose; PRAGMA user_version = 1");
  g_setenv("SOURCE_DATE_EPOCH", "1800000000", TRUE);
  const char *args[] = { "report", "lot", "--db", "station.db", "-o", "lot.xlsx", NULL };
  g_auto(LlTestRun) ra = { 0 }, rb = { 0 };
  ll_test_run_in(&ra, a_dir, args);
  ll_test_run_in(&rb, b_dir, args);
  g_unsetenv("SOURCE_DATE_EPOCH");
  g_assert_cmpint(ra.status, ==, 0);
  g_assert_cmpint(rb.status, ==, 0);
  g_autofree gchar *a = g_build_filename(a_dir, "lot.xlsx", NULL), *b = g_build_filename(b_dir, "lot.xlsx", NULL);
  g_autofree gchar *ta = NULL, *tb = NULL;
  gsize la = 0, lb = 0;
  g_assert_true(g_file_get_contents(a, &ta, &la, NULL));
  g_assert_true(g_file_get_contents(b, &tb, &lb, NULL));
  g_assert_cmpmem(ta, la, tb, lb);
  sqlite3 *s = NULL;
  g_assert_cmpint(sqlite3_open_v2(b_db, &s, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(s, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_int(stmt, 0), ==, 1);
  sqlite3_finalize(stmt);
  sqlite3_close(s);
}

/* Text from people and modules is text: the formula-like operator name,
 * vendor name and an Excel escape look-alike appear literally. */
static void
test_literal_text(void)
{
  g_autofree gchar *unit = unit_report(vendor_run);
  const char *check_unit_text[] = { "literal", unit, FORMULA_OPERATOR, FORMULA_VENDOR, NULL };
  g_assert_cmpint(checker(check_unit_text), ==, 0);
  g_autofree gchar *lot = path("lot-literal.xlsx");
  const char *args[] = { "report", "lot", "--db", db, "-o", lot, NULL };
  lightline_ok(args);
  const char *check_lot_text[] = { "literal", lot, FORMULA_OPERATOR, ESCAPE_LOOKALIKE, NULL };
  g_assert_cmpint(checker(check_lot_text), ==, 0);
}

/* Text a store may hold but a workbook cannot as such: bytes that are not
 * UTF-8 (repaired, in cells and in the workbook's properties) and control
 * characters (escaped; Excel shows them). */
static void
test_odd_text(void)
{
  g_autofree gchar *odd = path("odd.db");
  const char *shift[] = { "demo", "--units", "1", "--db", odd, NULL };
  lightline_ok(shift);
  exec_sql(odd, "UPDATE runs SET lot = CAST(X'6261646C6F74FFFE' AS TEXT), operator = 'a' || char(1) || 'b'");
  g_autofree gchar *lot = path("odd-lot.xlsx"), *unit = path("odd-unit.xlsx");
  const char *lot_args[] = { "report", "lot", "--db", odd, "-o", lot, NULL };
  const char *unit_args[] = { "report", "unit", "--db", odd, "1", "-o", unit, NULL };
  lightline_ok(lot_args);
  lightline_ok(unit_args);
  const char *check_lot[] = { "literal", lot, "badlot\xef\xbf\xbd\xef\xbf\xbd", "a\001b", NULL };
  g_assert_cmpint(checker(check_lot), ==, 0);
  const char *check_unit_text[] = { "literal", unit, "badlot\xef\xbf\xbd\xef\xbf\xbd", "a\001b", NULL };
  g_assert_cmpint(checker(check_unit_text), ==, 0);
}

static void
export_and_check(const char *format, const char *name, const char *const *filter, const char *const *check_filter)
{
  g_autofree gchar *out = path(name);
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  const char *head[] = { "export", "--db", db, "--format", format, "-o", out };
  for (gsize i = 0; i < G_N_ELEMENTS(head); i++)
    g_ptr_array_add(args, (gpointer) head[i]);
  for (guint i = 0; filter && filter[i]; i++)
    g_ptr_array_add(args, (gpointer) filter[i]);
  g_ptr_array_add(args, NULL);
  lightline_ok((const char *const *) args->pdata);
  g_autoptr(GPtrArray) check = g_ptr_array_new();
  const char *check_head[] = { "export", db, out, format };
  for (gsize i = 0; i < G_N_ELEMENTS(check_head); i++)
    g_ptr_array_add(check, (gpointer) check_head[i]);
  for (guint i = 0; check_filter && check_filter[i]; i++)
    g_ptr_array_add(check, (gpointer) check_filter[i]);
  g_ptr_array_add(check, NULL);
  g_assert_cmpint(checker((const char *const *) check->pdata), ==, 0);
}

static void
test_export(void)
{
  export_and_check("csv", "all.csv", NULL, NULL);
  export_and_check("json", "all.json", NULL, NULL);
  const char *lot[] = { "--lot", "LOT-A", NULL };
  export_and_check("csv", "lot-a.csv", lot, lot);
  g_autofree gchar *from = final_start(3), *to = final_start(9);
  const char *window[] = { "--from", from, "--to", to, NULL };
  export_and_check("csv", "window.csv", window, window);
  const char *serial[] = { "--sn", "LL26D00003", "--sequence", "final-800g-dr8", NULL };
  export_and_check("json", "serial.json", serial, serial);
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, vendor_run);
  const char *run[] = { "--run", id, NULL };
  export_and_check("json", "run.json", run, run);
  /* to standard output */
  g_auto(LlTestRun) out = { 0 };
  const char *args[] = { "export", "--db", db, "--format", "csv", "--run", id, "-o", "-", NULL };
  ll_test_run(&out, args);
  g_assert_cmpint(out.status, ==, 0);
  g_autofree gchar *count = g_strdup_printf("SELECT count(*) FROM measurements WHERE run_id = %" G_GINT64_FORMAT,
                                            vendor_run);
  gint64 rows = query_int(count);
  guint lines = 0;
  for (const char *p = out.out; (p = strstr(p, "\r\n")); p += 2)
    lines++;
  g_assert_cmpuint(lines, ==, rows + 1);
  g_auto(LlTestRun) bad = { 0 };
  const char *bad_args[] = { "export", "--db", db, "--format", "xml", "-o", "-", NULL };
  ll_test_run(&bad, bad_args);
  g_assert_cmpint(bad.status, ==, 2);
}

/* The checker is not a formality: a store changed after the report no
 * longer matches it. */
static void
test_checker_fails(void)
{
  gint64 run_id = query_int(FINAL_RUN("min", "PASS"));
  g_autofree gchar *out = unit_report(run_id);
  g_autofree gchar *changed = path("changed.db");
  g_autofree gchar *text = NULL;
  gsize len = 0;
  exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true(g_file_get_contents(db, &text, &len, NULL));
  g_assert_true(g_file_set_contents(changed, text, (gssize) len, NULL));
  g_autofree gchar *sql = g_strdup_printf(
    "UPDATE measurements SET corrected_value = corrected_value + 0.01 WHERE run_id = %" G_GINT64_FORMAT
    " AND name = 'tx_power_avg' AND lane = 2", run_id);
  exec_sql(changed, sql);
  g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, run_id);
  const char *check[] = { "unit", changed, out, id, NULL };
  g_assert_cmpint(checker(check), ==, 1);
}

/* Cpk from moving ranges and Ppk from the overall deviation, against
 * ll-stats (the store's statistics) on values with a large offset. */
static void
test_capability(void)
{
  double values[200];
  LlCapabilityAcc acc;
  ll_capability_acc_init(&acc);
  GRand *rand = g_rand_new_with_seed(7);
  double ranges = 0;
  for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
    values[i] = 1311.0 + g_rand_double_range(rand, -0.05, 0.05) + (i >= 100 ? 0.04 : 0); /* a shift */
    ll_capability_acc_add(&acc, values[i]);
    if (i)
      ranges += fabs(values[i] - values[i - 1]);
  }
  g_rand_free(rand);
  ll_capability_acc_add(&acc, NAN);
  LlSummary ref;
  ll_summary_compute(values, G_N_ELEMENTS(values), 1310.8, 1311.2, &ref);
  LlSummary c;
  ll_capability_compute(&acc, 1310.8, 1311.2, &c);
  g_assert_cmpuint(c.n, ==, ref.n);
  g_assert_cmpfloat_with_epsilon(c.mean, ref.mean, 1e-10);
  g_assert_cmpfloat_with_epsilon(c.stddev, ref.stddev, 1e-12);
  g_assert_cmpfloat(c.min, ==, ref.min);
  g_assert_cmpfloat(c.max, ==, ref.max);
  g_assert_cmpfloat_with_epsilon(c.ppk, ref.ppk, 1e-9);
  g_assert_cmpfloat_with_epsilon(c.cpk, ref.cpk, 1e-9);
  g_assert_cmpfloat_with_epsilon(ref.sigma_within, ranges / (G_N_ELEMENTS(values) - 1) / 1.128, 1e-12);
  double within = ranges / (G_N_ELEMENTS(values) - 1) / 1.128;
  g_assert_cmpfloat_with_epsilon(c.sigma_within, within, 1e-12);
  g_assert_cmpfloat_with_epsilon(c.cpk, ll_cpk(ref.mean, within, 1310.8, 1311.2), 1e-9);
  /* the shift between the halves widens the overall spread, not the within */
  g_assert_cmpfloat(c.cpk, >, c.ppk);

  LlSummary one;
  LlCapabilityAcc single;
  ll_capability_acc_init(&single);
  ll_capability_acc_add(&single, 2.0);
  ll_capability_compute(&single, 0, 5, &one);
  g_assert_cmpuint(one.n, ==, 1);
  g_assert_true(isnan(one.cpk) && isnan(one.ppk) && isnan(one.stddev));

  LlHistogram h;
  ll_histogram_init(&h, 0, 10, ll_histogram_bins_for(100, 0, 10));
  g_assert_cmpuint(h.n_bins, ==, 10);
  for (int i = 0; i <= 10; i++)
    ll_histogram_add(&h, i);
  g_assert_cmpuint(h.counts[0], ==, 1);
  g_assert_cmpuint(h.counts[9], ==, 2); /* the maximum goes in the last bin */
  ll_histogram_clear(&h);
}

/* LibreOffice opens and converts a lot report, where it is installed. */
static void
test_libreoffice(void)
{
  g_autofree gchar *soffice = g_find_program_in_path("soffice");
  if (!soffice) {
    g_test_skip("soffice (LibreOffice) is not installed");
    return;
  }
  g_autofree gchar *out = path("lot-lo.xlsx");
  const char *args[] = { "report", "lot", "--db", db, "-o", out, NULL };
  lightline_ok(args);
  g_autofree gchar *profile = path("lo-profile");
  g_autofree gchar *profile_url = g_filename_to_uri(profile, NULL, NULL);
  g_autofree gchar *env = g_strdup_printf("-env:UserInstallation=%s", profile_url);
  g_autofree gchar *outdir = path("lo-out");
  const char *argv[] = { soffice, env, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", outdir, out,
                         NULL };
  g_autofree gchar *o = NULL, *e = NULL;
  int wait = 0;
  g_assert_true(g_spawn_sync(NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &wait, NULL));
  g_test_message("soffice: %s%s", o, e);
  g_assert_true(WIFEXITED(wait) && WEXITSTATUS(wait) == 0);
  g_autofree gchar *pdf = g_build_filename(outdir, "lot-lo.pdf", NULL);
  GStatBuf st;
  g_assert_cmpint(g_stat(pdf, &st), ==, 0);
  g_assert_cmpint(st.st_size, >, 1000);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  dir = g_dir_make_tmp("ll-reports-XXXXXX", NULL);
  g_assert_nonnull(dir);
  make_store();
  g_test_add_func("/reports/capability", test_capability);
  g_test_add_func("/reports/unit/pass", test_unit_pass);
  g_test_add_func("/reports/unit/fail", test_unit_fail);
  g_test_add_func("/reports/unit/calibration", test_unit_calibration);
  g_test_add_func("/reports/unit/by-serial", test_unit_by_serial);
  g_test_add_func("/reports/unit/errors", test_unit_errors);
  g_test_add_func("/reports/lot/all", test_lot);
  g_test_add_func("/reports/lot/with-reference", test_lot_with_reference);
  g_test_add_func("/reports/lot/selected", test_lot_selected);
  g_test_add_func("/reports/lot/again", test_lot_again);
  g_test_add_func("/reports/lot/schema-1", test_lot_schema_1);
  g_test_add_func("/reports/literal-text", test_literal_text);
  g_test_add_func("/reports/odd-text", test_odd_text);
  g_test_add_func("/reports/export", test_export);
  g_test_add_func("/reports/checker-fails", test_checker_fails);
  g_test_add_func("/reports/libreoffice", test_libreoffice);
  int rc = g_test_run();
  const char *rm[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync(NULL, (gchar **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free(db);
  g_free(stats_json);
  g_free(dir);
  return rc;
}
