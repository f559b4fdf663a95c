/* test-store-cli.c: the results store through the `lightline` command, as
 * people use it: `demo` fills a store (its own by default, a new one each
 * shift), `run` records into the station file's database (relative to the
 * station file) or --db, with the operator and lot, and refuses a unit over
 * the retest limit (exit 4); `unit history` and `stats` answer, and what
 * they print as JSON is checked against the database read here with SQLite
 * directly. */
#include "ll-test-db.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

static gchar *
data(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "engine", name, NULL);
}

static JsonObject *
parse(JsonParser *parser, const char *text)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(parser, text, -1, &err));
  return json_node_get_object(json_parser_get_root(parser));
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

/* A shift, then what the queries say about it against the database. */
static void
test_demo_queries(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-store-cli-XXXXXX", NULL);
  g_autofree gchar *db_path = g_build_filename(dir, "shift.db", NULL);
  const char *demo[] = { "demo", "--units", "24", "--sites", "2", "--seed", "3", "--defects",
                         "weak-lane=0.3", "--db", db_path, "--lot", "W-17", NULL };
  g_auto(LlTestRun) d = { 0 };
  ll_test_run(&d, demo);
  g_assert_cmpint(d.status, ==, 0);
  g_assert_nonnull(strstr(d.out, "results in "));
  sqlite3 *db = ll_test_db_open(db_path, FALSE);
  /* the shift's units (the demo may calibrate its paths with other runs first) */
  g_assert_cmpint(sqlite3_exec(db, "CREATE TEMP VIEW shift AS SELECT * FROM main.runs WHERE operation = 'final-800g-dr8';"
                                   "CREATE TEMP VIEW shift_measurements AS SELECT m.* FROM main.measurements m"
                                   " JOIN shift r ON r.id = m.run_id", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM shift", NULL), ==, 24);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM shift WHERE outcome = 'FAIL'", NULL), >, 0);

  /* a unit's history */
  g_autofree gchar *failed = ll_test_db_text(db, "SELECT serial FROM shift WHERE outcome = 'FAIL' ORDER BY id LIMIT 1", NULL);
  const char *history[] = { "unit", "history", failed, "--db", db_path, "--json", NULL };
  g_auto(LlTestRun) h = { 0 };
  ll_test_run(&h, history);
  g_assert_cmpint(h.status, ==, 0);
  g_autoptr(JsonParser) hp = json_parser_new();
  JsonObject *ho = parse(hp, h.out);
  g_assert_cmpstr(json_object_get_string_member(ho, "serial"), ==, failed);
  JsonArray *runs = json_object_get_array_member(ho, "runs");
  g_assert_cmpuint(json_array_get_length(runs), ==, 1);
  JsonObject *run = json_array_get_object_element(runs, 0);
  g_assert_cmpint(json_object_get_int_member(run, "run_id"), ==,
                  ll_test_db_int(db, "SELECT id FROM shift WHERE serial = ?1", failed));
  g_assert_cmpstr(json_object_get_string_member(run, "outcome"), ==, "FAIL");
  JsonObject *bin = json_object_get_object_member(run, "bin");
  g_assert_cmpint(json_object_get_int_member(bin, "number"), ==,
                  ll_test_db_int(db, "SELECT bin_number FROM shift WHERE serial = ?1", failed));
  g_autofree gchar *bin_name = ll_test_db_text(db, "SELECT bin_name FROM shift WHERE serial = ?1", failed);
  g_assert_cmpstr(json_object_get_string_member(bin, "name"), ==, bin_name);
  g_autofree gchar *started = ll_test_db_text(db, "SELECT started_utc FROM shift WHERE serial = ?1", failed);
  g_assert_cmpstr(json_object_get_string_member(run, "started_utc"), ==, started);
  g_autofree gchar *fixture = ll_test_db_text(db, "SELECT fixture FROM shift WHERE serial = ?1", failed);
  g_assert_cmpstr(json_object_get_string_member(run, "fixture"), ==, fixture);
  g_assert_cmpint(json_object_get_int_member(run, "site"), ==, ll_test_db_int(db, "SELECT site FROM shift WHERE serial = ?1", failed));
  g_assert_cmpstr(json_object_get_string_member(run, "station"), ==, "ST-DEMO");
  g_assert_cmpstr(json_object_get_string_member(run, "operator"), ==, "demo");
  g_assert_cmpstr(json_object_get_string_member(run, "lot"), ==, "W-17");
  g_assert_cmpint(json_object_get_int_member(run, "steps_stored"), ==,
                  json_object_get_int_member(run, "steps_planned"));

  const char *history_text[] = { "unit", "history", failed, "--db", db_path, NULL };
  g_auto(LlTestRun) ht = { 0 };
  ll_test_run(&ht, history_text);
  g_assert_cmpint(ht.status, ==, 0);
  g_autofree gchar *head = g_strdup_printf("%s: 1 run\n", failed);
  g_assert_true(g_str_has_prefix(ht.out, head));
  g_autofree gchar *bin_text = g_strdup_printf("FAIL       %" G_GINT64_FORMAT " %s", json_object_get_int_member(bin, "number"),
                                               bin_name);
  g_assert_nonnull(strstr(ht.out, bin_text));

  const char *unknown[] = { "unit", "history", "NOPE-1", "--db", db_path, NULL };
  g_auto(LlTestRun) u = { 0 };
  ll_test_run(&u, unknown);
  g_assert_cmpint(u.status, ==, 1);
  g_assert_nonnull(strstr(u.out, "NOPE-1: no runs"));

  /* statistics: the golden module's calibration runs are left out unless
   * asked for (the demo calibrated its paths before the shift) */
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM main.runs WHERE purpose = 'reference'", NULL), >, 0);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM main.runs WHERE purpose = 'unit'"
                                     " AND operation <> 'final-800g-dr8'", NULL), ==, 0);
  const char *all_stats[] = { "stats", "--db", db_path, "--with-reference", "--json", NULL };
  g_auto(LlTestRun) as = { 0 };
  ll_test_run(&as, all_stats);
  g_assert_cmpint(as.status, ==, 0);
  g_autoptr(JsonParser) asp = json_parser_new();
  g_assert_cmpint(json_object_get_int_member(parse(asp, as.out), "runs"), ==,
                  ll_test_db_int(db, "SELECT count(*) FROM main.runs WHERE outcome IS NOT NULL", NULL));
  const char *stats[] = { "stats", "--db", db_path, "--json", NULL };
  g_auto(LlTestRun) s = { 0 };
  ll_test_run(&s, stats);
  g_assert_cmpint(s.status, ==, 0);
  g_autoptr(JsonParser) sp = json_parser_new();
  JsonObject *so = parse(sp, s.out);
  g_assert_cmpint(json_object_get_int_member(so, "runs"), ==, 24);
  g_assert_cmpint(json_object_get_int_member(so, "units"), ==, 24);
  double pass = (double) ll_test_db_int(db, "SELECT count(*) FROM shift WHERE outcome = 'PASS'", NULL);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(so, "yield"), pass / 24, 1e-12);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(so, "first_pass_yield"), pass / 24, 1e-12);
  JsonObject *outcomes = json_object_get_object_member(so, "outcomes");
  g_assert_cmpint(json_object_get_int_member(outcomes, "PASS"), ==, (gint64) pass);
  JsonArray *bins = json_object_get_array_member(so, "bins");
  gint64 binned = 0;
  for (guint i = 0; i < json_array_get_length(bins); i++) {
    JsonObject *b = json_array_get_object_element(bins, i);
    if (json_node_is_null(json_object_get_member(b, "number"))) {
      g_assert_cmpint(json_object_get_int_member(b, "runs"), ==,
                      ll_test_db_int(db, "SELECT count(*) FROM shift WHERE bin_number IS NULL AND outcome = ?1",
                              json_object_get_string_member(b, "outcome")));
    } else {
      g_autofree gchar *number = g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int_member(b, "number"));
      g_assert_cmpint(json_object_get_int_member(b, "runs"), ==,
                      ll_test_db_int(db, "SELECT count(*) FROM shift WHERE bin_number = ?1", number));
    }
    binned += json_object_get_int_member(b, "runs");
  }
  g_assert_cmpint(binned, ==, 24);
  /* tx_power_avg of lane 3: n, mean, min, max and std dev from the rows */
  JsonArray *ms = json_object_get_array_member(so, "measurements");
  JsonObject *tx = NULL;
  for (guint i = 0; i < json_array_get_length(ms) && !tx; i++) {
    JsonObject *m = json_array_get_object_element(ms, i);
    if (g_str_equal(json_object_get_string_member(m, "name"), "tx_power_avg") &&
        json_object_get_int_member(m, "lane") == 3)
      tx = m;
  }
  g_assert_nonnull(tx);
  static const char where[] = " FROM shift_measurements WHERE name = 'tx_power_avg' AND lane = 3";
  g_autofree gchar *q_n = g_strconcat("SELECT count(corrected_value)", where, NULL);
  g_autofree gchar *q_mean = g_strconcat("SELECT avg(corrected_value)", where, NULL);
  g_autofree gchar *q_var = g_strconcat("SELECT sum((corrected_value - (SELECT avg(corrected_value)", where,
                                        ")) * (corrected_value - (SELECT avg(corrected_value)", where,
                                        "))) / (count(corrected_value) - 1)", where, NULL);
  g_autofree gchar *q_min = g_strconcat("SELECT min(corrected_value)", where, NULL);
  g_autofree gchar *q_max = g_strconcat("SELECT max(corrected_value)", where, NULL);
  g_autofree gchar *q_low = g_strconcat("SELECT min(limit_low)", where, NULL);
  g_autofree gchar *q_high = g_strconcat("SELECT max(limit_high)", where, NULL);
  g_assert_cmpint(json_object_get_int_member(tx, "n"), ==, ll_test_db_int(db, q_n, NULL));
  double mean = ll_test_db_double(db, q_mean, NULL), sd = sqrt(ll_test_db_double(db, q_var, NULL));
  double low = ll_test_db_double(db, q_low, NULL), high = ll_test_db_double(db, q_high, NULL);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(tx, "mean"), mean, 1e-9);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(tx, "stddev"), sd, 1e-9);
  g_assert_cmpfloat(json_object_get_double_member(tx, "min"), ==, ll_test_db_double(db, q_min, NULL));
  g_assert_cmpfloat(json_object_get_double_member(tx, "max"), ==, ll_test_db_double(db, q_max, NULL));
  g_assert_cmpfloat(json_object_get_double_member(tx, "low"), ==, low);
  g_assert_cmpfloat(json_object_get_double_member(tx, "high"), ==, high);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(tx, "ppk"),
                                 MIN(high - mean, mean - low) / (3 * sd), 1e-9);
  /* Cpk: the within deviation from the moving ranges in the order the runs started */
  g_autofree gchar *q_mr = g_strconcat("SELECT avg(abs(v - p)) FROM (SELECT m.corrected_value AS v, lag(m.corrected_value)"
                                       " OVER (ORDER BY r.started_utc, r.id, m.id) AS p FROM shift_measurements m"
                                       " JOIN shift r ON r.id = m.run_id WHERE m.name = 'tx_power_avg' AND m.lane = 3)"
                                       " WHERE p IS NOT NULL", NULL);
  double within = ll_test_db_double(db, q_mr, NULL) / 1.128;
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(tx, "sigma_within"), within, 1e-9);
  g_assert_cmpfloat_with_epsilon(json_object_get_double_member(tx, "cpk"),
                                 MIN(high - mean, mean - low) / (3 * within), 1e-9);
  g_assert_cmpstr(json_object_get_string_member(tx, "step"), ==, "tx-power");
  g_assert_cmpstr(json_object_get_string_member(tx, "unit"), ==, "dBm");

  /* the text form says the same */
  const char *stats_text[] = { "stats", "--db", db_path, "--sequence", "final-800g-dr8", NULL };
  g_auto(LlTestRun) st = { 0 };
  ll_test_run(&st, stats_text);
  g_assert_cmpint(st.status, ==, 0);
  g_autofree gchar *line = g_strdup_printf("24 runs of 24 units: yield %.1f %%, first-pass yield %.1f %%",
                                           100 * pass / 24, 100 * pass / 24);
  g_assert_true(g_str_has_prefix(st.out, line));
  g_assert_nonnull(strstr(st.out, "tx-power         tx_power_avg"));

  /* filters */
  const char *other_lot[] = { "stats", "--db", db_path, "--lot", "W-18", "--json", NULL };
  g_auto(LlTestRun) ol = { 0 };
  ll_test_run(&ol, other_lot);
  g_autoptr(JsonParser) op = json_parser_new();
  JsonObject *oo = parse(op, ol.out);
  g_assert_cmpint(json_object_get_int_member(oo, "runs"), ==, 0);
  g_assert_true(json_node_is_null(json_object_get_member(oo, "yield")));
  const char *future[] = { "stats", "--db", db_path, "--from", "2999-01-01", "--json", NULL };
  g_auto(LlTestRun) fu = { 0 };
  ll_test_run(&fu, future);
  g_autoptr(JsonParser) fp = json_parser_new();
  g_assert_cmpint(json_object_get_int_member(parse(fp, fu.out), "runs"), ==, 0);
  const char *until_future[] = { "stats", "--db", db_path, "--to", "2999-01-01T00:00", "--station", "ST-DEMO",
                                 "--lot", "W-17", "--sequence", "final-800g-dr8", "--json", NULL };
  g_auto(LlTestRun) uf = { 0 };
  ll_test_run(&uf, until_future);
  g_autoptr(JsonParser) up = json_parser_new();
  g_assert_cmpint(json_object_get_int_member(parse(up, uf.out), "runs"), ==, 24);
  const char *bad_time[] = { "stats", "--db", db_path, "--from", "last tuesday", NULL };
  g_auto(LlTestRun) bt = { 0 };
  ll_test_run(&bt, bad_time);
  g_assert_cmpint(bt.status, ==, 2);
  g_assert_nonnull(strstr(bt.err, "--from 'last tuesday' is not a time"));
  sqlite3_close(db);

  g_autofree gchar *missing = g_build_filename(dir, "missing.db", NULL);
  const char *no_store[] = { "stats", "--db", missing, NULL };
  g_auto(LlTestRun) ns = { 0 };
  ll_test_run(&ns, no_store);
  g_assert_cmpint(ns.status, ==, 2);
  g_assert_nonnull(strstr(ns.err, "no results store there"));
  g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
  remove_tree(dir);
}

/* Without --db, the demo makes a new lightline-demo.db where it runs, and
 * the queries read it from there. */
static void
test_demo_default_store(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-store-cli-XXXXXX", NULL);
  const char *demo[] = { "demo", "--units", "3", "--sites", "1", NULL };
  for (guint i = 0; i < 2; i++) {
    g_auto(LlTestRun) d = { 0 };
    ll_test_run_in(&d, dir, demo);
    g_assert_cmpint(d.status, ==, 0);
  }
  const char *stats[] = { "stats", "--sequence", "final-800g-dr8", "--json", NULL };
  g_auto(LlTestRun) s = { 0 };
  ll_test_run_in(&s, dir, stats);
  g_assert_cmpint(s.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  g_assert_cmpint(json_object_get_int_member(parse(p, s.out), "runs"), ==, 3); /* the last shift only */
  const char *history[] = { "unit", "history", "LL26D00002", NULL };
  g_auto(LlTestRun) h = { 0 };
  ll_test_run_in(&h, dir, history);
  g_assert_cmpint(h.status, ==, 0);
  g_assert_true(g_str_has_prefix(h.out, "LL26D00002: 1 run\n"));
  remove_tree(dir);
}

/* A station file with a database and a retest limit. */
static gchar *
station_with_store(const char *dir, const char *extra)
{
  g_autofree gchar *src = data("station.ini");
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  g_autofree gchar *keys = g_strdup_printf("line = TEST\n%s\n", extra);
  g_string_replace(s, "line = TEST\n", keys, 1);
  gchar *path = g_build_filename(dir, "station.ini", NULL);
  g_assert_true(g_file_set_contents(path, s->str, -1, NULL));
  return path;
}

static void
test_run_records(void)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-store-cli-XXXXXX", NULL);
  g_autofree gchar *cfg = station_with_store(dir, "database = results.db\nretest-limit = 2");
  g_autofree gchar *seq = data("module.yaml");
  g_autofree gchar *db_path = g_build_filename(dir, "results.db", NULL);

  /* run from elsewhere: the database is next to the station file */
  const char *run[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0100", "--operator", "alice",
                        "--lot", "WO-5531", NULL };
  g_auto(LlTestRun) r1 = { 0 };
  ll_test_run(&r1, run);
  g_assert_cmpint(r1.status, ==, 0);
  g_assert_true(g_str_has_prefix(r1.out, "PASS  LL26R0100  site 1  bin 1 GRADE-A"));
  g_autofree gchar *recorded = g_strdup_printf("recorded as run 1 in %s\n", db_path);
  g_assert_nonnull(strstr(r1.out, recorded));
  g_assert_true(g_file_test(db_path, G_FILE_TEST_EXISTS));

  const char *json[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0100", "--site", "2", "--json",
                         NULL };
  g_auto(LlTestRun) r2 = { 0 };
  ll_test_run(&r2, json);
  g_assert_cmpint(r2.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  JsonObject *o = parse(p, r2.out);
  g_assert_cmpint(json_object_get_int_member(o, "run_id"), ==, 2);
  g_assert_cmpstr(json_object_get_string_member(o, "database"), ==, db_path);

  sqlite3 *db = ll_test_db_open(db_path, FALSE);
  g_autofree gchar *who = ll_test_db_text(db, "SELECT operator || ' ' || lot || ' ' || attempt FROM runs WHERE id = 1", NULL);
  g_assert_cmpstr(who, ==, "alice WO-5531 1");
  g_autofree gchar *login = ll_test_db_text(db, "SELECT operator FROM runs WHERE id = 2", NULL);
  g_assert_cmpstr(login, ==, g_get_user_name());
  g_assert_cmpint(ll_test_db_int(db, "SELECT attempt FROM runs WHERE id = 2", NULL), ==, 2);
  g_autofree gchar *station_sha = ll_test_db_text(db, "SELECT sha256 FROM run_documents WHERE run_id = 1 AND kind = 'station'", NULL);
  g_autofree gchar *cfg_text = NULL;
  gsize cfg_len = 0;
  g_assert_true(g_file_get_contents(cfg, &cfg_text, &cfg_len, NULL));
  g_autofree gchar *cfg_sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) cfg_text, cfg_len);
  g_assert_cmpstr(station_sha, ==, cfg_sha);
  sqlite3_close(db);

  /* a third attempt is refused before anything runs */
  g_auto(LlTestRun) r3 = { 0 };
  ll_test_run(&r3, run);
  g_assert_cmpint(r3.status, ==, 4);
  g_assert_cmpstr(r3.out, ==, "");
  g_assert_nonnull(strstr(r3.err, "lightline: refused: LL26R0100 has had 2 attempts at engine-module"));
  g_assert_nonnull(strstr(r3.err, "retest limit"));

  /* --db overrides the station file's */
  g_autofree gchar *other = g_build_filename(dir, "other.db", NULL);
  const char *elsewhere[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0100", "--db", other, NULL };
  g_auto(LlTestRun) r4 = { 0 };
  ll_test_run(&r4, elsewhere);
  g_assert_cmpint(r4.status, ==, 0);
  db = ll_test_db_open(other, FALSE);
  g_assert_cmpint(ll_test_db_int(db, "SELECT count(*) FROM runs", NULL), ==, 1);
  sqlite3_close(db);

  /* the history through the station file */
  const char *history[] = { "unit", "history", "LL26R0100", "--config", cfg, "--json", NULL };
  g_auto(LlTestRun) h = { 0 };
  ll_test_run(&h, history);
  g_assert_cmpint(h.status, ==, 0);
  g_autoptr(JsonParser) hp = json_parser_new();
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(parse(hp, h.out), "runs")), ==, 2);

  /* a station file without a database still tests, unrecorded, and says so */
  g_autofree gchar *plain = data("station.ini");
  const char *unrecorded[] = { "run", "--config", plain, "--sequence", seq, "--sn", "LL26R0101", NULL };
  g_auto(LlTestRun) r5 = { 0 };
  ll_test_run(&r5, unrecorded);
  g_assert_cmpint(r5.status, ==, 0);
  g_assert_nonnull(strstr(r5.err, "not recorded"));
  g_assert_null(strstr(r5.out, "recorded as run"));
  remove_tree(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/store-cli/demo-queries", test_demo_queries);
  g_test_add_func("/store-cli/demo-default-store", test_demo_default_store);
  g_test_add_func("/store-cli/run-records", test_run_records);
  return g_test_run();
}
