/* bench-reports.c: the lot report of a large lot, against Python.
 *
 * A results store is made (the store's own schema, rows written directly)
 * with N units of 8 lanes and 40 measurements per lane (320 values a
 * unit, 5 % failing), then three programs run on it, each as a child
 * process whose time and peak memory (getrusage's ru_maxrss from wait4)
 * are printed side by side:
 *   lightline   `lightline report lot`: the whole workbook (Summary, Bins
 *               with the Pareto chart, Statistics with Cpk and Ppk,
 *               Histograms with charts, Units);
 *   xlsxwriter  Python XlsxWriter in constant_memory mode, writing the
 *               Units table alone (bench/report-table.py);
 *   openpyxl    openpyxl in write-only mode, the same table.
 * All three read the same store. Peak memory should not grow with N.
 *
 *   bench-reports            1000, 2000 and 4000 units (make bench)
 *   bench-reports --full     also 10,000 units (3.2 million values)
 *   bench-reports --units N  N units only
 *   bench-reports --keep     leave the stores and workbooks in the folder */
#include "ll-store.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LANES 8
#define STEPS 5
#define NAMES_PER_STEP 8 /* 5 steps x 8 names = 40 values per lane */

typedef struct {
  const char *name, *unit;
  double mean, sd, low, high; /* NAN: no limit */
} Param;

static const struct {
  const char *step, *action;
  Param names[NAMES_PER_STEP];
} plan[STEPS] = {
  { "tx-power", "tx.average-power",
    { { "tx_power_avg", "dBm", 0.8, 0.5, -2.9, 4.0 }, { "tx_power_meter", "dBm", -3.6, 0.5, NAN, NAN },
      { "tx_bias", "mA", 45, 3, 30, 70 }, { "tx_power_monitor", "dBm", 0.7, 0.6, NAN, NAN },
      { "laser_temperature", "C", 48, 1.5, 30, 70 }, { "wavelength", "nm", 1311, 1.2, 1304.5, 1317.5 },
      { "smsr", "dB", 42, 2, 30, NAN }, { "rin", "dB", -140, 2, NAN, -136 } } },
  { "tx-eye", "tx.eye",
    { { "oma_outer", "dBm", 1.5, 0.6, -0.8, 4.2 }, { "extinction_ratio", "dB", 5.0, 0.4, 3.5, NAN },
      { "tdecq", "dB", 1.9, 0.35, NAN, 3.4 }, { "oma_minus_tdecq", "dBm", -0.4, 0.6, -2.2, NAN },
      { "eye_height", "mW", 0.12, 0.01, 0.05, NAN }, { "eye_width", "ps", 5.2, 0.3, 3.0, NAN },
      { "level_mismatch", "%", 96, 1, 90, NAN }, { "overshoot", "%", 8, 2, NAN, 25 } } },
  { "rx-ber", "rx.ber",
    { { "ber", "ratio", 2e-7, 1e-7, NAN, 2.4e-4 }, { "ber_upper", "ratio", 4e-7, 1e-7, NAN, 2.4e-4 },
      { "ber_bits", "bits", 2e10, 1e9, NAN, NAN }, { "ber_errors", "errors", 4, 2, NAN, NAN },
      { "rx_power_set", "dBm", -4.7, 0.001, NAN, NAN }, { "rx_power_monitor", "dBm", -4.6, 0.3, NAN, NAN },
      { "cdr_lock_time", "s", 0.02, 0.004, NAN, 0.1 }, { "snr", "dB", 19, 0.8, 15, NAN } } },
  { "rx-sensitivity", "rx.sensitivity",
    { { "sensitivity", "dBm", -6.2, 0.4, NAN, -4.4 }, { "sensitivity_oma", "dBm", -5.9, 0.4, NAN, -4.1 },
      { "steps_needed", "", 6, 1, NAN, NAN }, { "search_time", "s", 1.4, 0.2, NAN, NAN },
      { "los_assert", "dBm", -12, 0.5, NAN, -9 }, { "los_deassert", "dBm", -11, 0.5, NAN, -8 },
      { "los_hysteresis", "dB", 1.0, 0.2, 0.5, NAN }, { "overload_margin", "dB", 3, 0.4, 1, NAN } } },
  { "ddm", "ddm.compare",
    { { "tx_power_monitor_error", "dB", 0, 0.5, -3, 3 }, { "rx_power_monitor_error", "dB", 0, 0.5, -3, 3 },
      { "bias_monitor_error", "%", 0, 2, -10, 10 }, { "temperature_monitor_error", "C", 3, 1.5, -3, 8 },
      { "vcc_monitor_error", "V", 0, 0.01, -0.1, 0.1 }, { "tec_current", "A", 0.4, 0.05, NAN, 1 },
      { "module_power", "W", 13.8, 0.4, NAN, 16 }, { "case_temperature", "C", 45, 1, NAN, 75 } } },
};

static void
die_sql(sqlite3 *db, const char *what)
{
  g_error("bench-reports: %s: %s", what, sqlite3_errmsg(db));
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
    die_sql(db, sql);
  return stmt;
}

static void
step_done(sqlite3 *db, sqlite3_stmt *stmt)
{
  if (sqlite3_step(stmt) != SQLITE_DONE)
    die_sql(db, "inserting");
  sqlite3_reset(stmt);
}

static void
bind_limit(sqlite3_stmt *stmt, int index, double v)
{
  if (isnan(v))
    sqlite3_bind_null(stmt, index);
  else
    sqlite3_bind_double(stmt, index, v);
}

/* A store of @units units: the schema from ll_store_open(), the rows
 * written here in one transaction. */
static void
make_store(const char *path, guint units)
{
  g_autoptr(GError) err = NULL;
  LlStore *store = ll_store_open(path, LL_STORE_OPEN_SYNC_NORMAL, &err);
  if (!store)
    g_error("bench-reports: %s", err->message);
  ll_store_close(store);
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK)
    die_sql(db, path);
  sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL);
  sqlite3_stmt *run = prepare(db,
    "INSERT INTO runs (serial, operation, attempt, sequence_version, product, part_number, vendor, firmware, lot,"
    " operator, station_id, line, site, fixture, fixture_insertion, corner, started_utc, finished_utc, test_time_s,"
    " software_version, source_revision, steps_planned, outcome, bin_number, bin_name, bin_kind, worst_margin_pct)"
    " VALUES (?1, 'final-800g-dr8', 1, '1.0.0', '800G-DR8', 'LL-800G-DR8', 'LIGHTLINE', '3.1', 'BENCH', 'bench',"
    " 'ST-BENCH', 'L1', ?2, ?3, ?4, 'room', ?5, ?6, 58.0, '0.1.0', 'bench', 40, ?7, ?8, ?9, ?10, ?11)");
  sqlite3_stmt *step = prepare(db,
    "INSERT INTO step_results (run_id, position, step_id, step_group, action, lane, verdict, attempts, retries)"
    " VALUES (?1, ?2, ?3, 'main', ?4, ?5, ?6, 1, 0)");
  sqlite3_stmt *meas = prepare(db,
    "INSERT INTO measurements (run_id, step_result_id, step_id, name, lane, attempt, value_type, raw_value,"
    " corrected_value, unit, limit_name, limit_kind, limit_unit, limit_low, limit_high, margin, verdict, time_s)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 1, 'number', ?6, ?6, ?7, ?8, ?9, ?7, ?10, ?11, ?12, ?13, ?14)");
  GRand *rand = g_rand_new_with_seed(42);
  g_autoptr(GDateTime) t0 = g_date_time_new_utc(2026, 3, 2, 6, 0, 0);
  for (guint u = 0; u < units; u++) {
    gboolean fails = g_rand_double(rand) < 0.05;
    guint fail_step = (guint) g_rand_int_range(rand, 0, 2), fail_lane = (guint) g_rand_int_range(rand, 1, LANES + 1);
    g_autofree gchar *serial = g_strdup_printf("BN26%06u", u + 1);
    g_autofree gchar *fixture = g_strdup_printf("FX-%04u", u % 4 + 1);
    g_autoptr(GDateTime) start = g_date_time_add_seconds(t0, 30.0 * u);
    g_autoptr(GDateTime) end = g_date_time_add_seconds(start, 58.0);
    g_autofree gchar *started = ll_store_format_time(start), *finished = ll_store_format_time(end);
    sqlite3_bind_text(run, 1, serial, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(run, 2, (int) (u % 4 + 1));
    sqlite3_bind_text(run, 3, fixture, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(run, 4, (int) (u / 4 + 1));
    sqlite3_bind_text(run, 5, started, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 6, finished, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 7, fails ? "FAIL" : "PASS", -1, SQLITE_STATIC);
    sqlite3_bind_int(run, 8, fails ? (fail_step ? 31 : 30) : 1);
    sqlite3_bind_text(run, 9, fails ? (fail_step ? "TX-EYE" : "TX-POWER") : "GRADE-A", -1, SQLITE_STATIC);
    sqlite3_bind_text(run, 10, fails ? "fail" : "pass", -1, SQLITE_STATIC);
    sqlite3_bind_double(run, 11, fails ? -12.0 : 35.0);
    step_done(db, run);
    gint64 run_id = sqlite3_last_insert_rowid(db);
    guint position = 0;
    for (guint s = 0; s < STEPS; s++) {
      for (guint lane = 1; lane <= LANES; lane++, position++) {
        gboolean failing = fails && s == fail_step && lane == fail_lane;
        sqlite3_bind_int64(step, 1, run_id);
        sqlite3_bind_int(step, 2, (int) position);
        sqlite3_bind_text(step, 3, plan[s].step, -1, SQLITE_STATIC);
        sqlite3_bind_text(step, 4, plan[s].action, -1, SQLITE_STATIC);
        sqlite3_bind_int(step, 5, (int) lane);
        sqlite3_bind_text(step, 6, failing ? "fail" : "pass", -1, SQLITE_STATIC);
        step_done(db, step);
        gint64 step_id = sqlite3_last_insert_rowid(db);
        for (guint k = 0; k < NAMES_PER_STEP; k++) {
          const Param *n = &plan[s].names[k];
          /* a sum of uniforms: close enough to normal for a benchmark */
          double z = g_rand_double(rand) + g_rand_double(rand) + g_rand_double(rand) - 1.5;
          double v = n->mean + 2 * z * n->sd + (failing && k == 0 ? -4 * n->sd - 4 : 0);
          gboolean judged = !isnan(n->low) || !isnan(n->high);
          double margin = MIN(isnan(n->high) ? INFINITY : n->high - v, isnan(n->low) ? INFINITY : v - n->low);
          sqlite3_bind_int64(meas, 1, run_id);
          sqlite3_bind_int64(meas, 2, step_id);
          sqlite3_bind_text(meas, 3, plan[s].step, -1, SQLITE_STATIC);
          sqlite3_bind_text(meas, 4, n->name, -1, SQLITE_STATIC);
          sqlite3_bind_int(meas, 5, (int) lane);
          sqlite3_bind_double(meas, 6, v);
          if (*n->unit)
            sqlite3_bind_text(meas, 7, n->unit, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null(meas, 7);
          if (judged) {
            sqlite3_bind_text(meas, 8, n->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(meas, 9, "range", -1, SQLITE_STATIC);
          } else {
            sqlite3_bind_null(meas, 8);
            sqlite3_bind_null(meas, 9);
          }
          bind_limit(meas, 10, n->low);
          bind_limit(meas, 11, n->high);
          bind_limit(meas, 12, judged ? margin : NAN);
          sqlite3_bind_text(meas, 13, !judged ? "info" : margin < 0 ? "fail" : "pass", -1, SQLITE_STATIC);
          sqlite3_bind_double(meas, 14, position * 1.2 + k * 0.01);
          step_done(db, meas);
        }
      }
    }
  }
  g_rand_free(rand);
  sqlite3_finalize(run);
  sqlite3_finalize(step);
  sqlite3_finalize(meas);
  if (sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    die_sql(db, "commit");
  sqlite3_close(db);
}

typedef struct {
  double seconds;
  double peak_mb;
  double file_mb;
  gboolean ok;
} Result;

/* Runs @argv as a child; its wall time and peak resident memory. */
static Result
measure(const char *const *argv, const char *out)
{
  Result r = { 0 };
  fflush(stdout);
  gint64 t0 = g_get_monotonic_time();
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout))
      _exit(127);
    execv(argv[0], (char *const *) argv);
    _exit(127);
  }
  int status = 0;
  struct rusage use = { 0 };
  if (pid < 0 || wait4(pid, &status, 0, &use) != pid)
    g_error("bench-reports: cannot run %s", argv[0]);
  r.seconds = (g_get_monotonic_time() - t0) / 1e6;
  r.peak_mb = use.ru_maxrss / 1024.0;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  GStatBuf st;
  r.file_mb = g_stat(out, &st) == 0 ? st.st_size / 1e6 : NAN;
  return r;
}

static void
cell(const Result *r)
{
  if (!r->ok) {
    printf(" %-28s |", "failed or not run");
    return;
  }
  char t[32], m[32], f[32];
  g_snprintf(t, sizeof t, "%.2f s", r->seconds);
  g_snprintf(m, sizeof m, "%.1f MB", r->peak_mb);
  g_snprintf(f, sizeof f, "%.1f MB", r->file_mb);
  printf(" %8s %9s %9s |", t, m, f);
}

int
main(int argc, char **argv)
{
  gboolean full = FALSE, keep = FALSE;
  gint64 only = 0;
  for (int i = 1; i < argc; i++) {
    if (g_str_equal(argv[i], "--full"))
      full = TRUE;
    else if (g_str_equal(argv[i], "--keep"))
      keep = TRUE;
    else if (g_str_equal(argv[i], "--units") && i + 1 < argc)
      only = g_ascii_strtoll(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench-reports [--full] [--units N] [--keep]\n");
      return 2;
    }
  }
  g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
  g_autofree gchar *bench_dir = g_path_get_dirname(exe);
  g_autofree gchar *lightline = g_build_filename(bench_dir, "..", "bin", "lightline", NULL);
  g_autofree gchar *dir = g_dir_make_tmp("ll-bench-reports-XXXXXX", NULL);
  gboolean have_xlsxwriter = system("/usr/bin/python3 -c 'import xlsxwriter' 2>/dev/null") == 0;
  gboolean have_openpyxl = system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") == 0;

  guint sizes[4] = { 1000, 2000, 4000, 10000 };
  guint n_sizes = full ? 4 : 3;
  if (only > 0) {
    sizes[0] = (guint) only;
    n_sizes = 1;
  }
  printf("Lot report of N units x %u lanes x %u measurements per lane (5 %% failing), from a results store:\n"
         "time and peak memory (ru_maxrss of the child process) and the workbook's size.\n"
         "lightline writes the whole lot report; the Python libraries the Units table alone.\n\n",
         LANES, STEPS * NAMES_PER_STEP);
  if (!full && !only)
    printf("(scaled for make bench; the full size, 10,000 units and 3.2 million values: bench-reports --full)\n\n");
  printf("%-7s %-9s |", "units", "values");
  static const char *const writers[] = { "lightline report lot (C)", "Python XlsxWriter", "Python openpyxl" };
  for (gsize i = 0; i < G_N_ELEMENTS(writers); i++)
    printf(" %-28s |", writers[i]);
  printf("\n%-7s %-9s |", "", "");
  for (gsize i = 0; i < G_N_ELEMENTS(writers); i++)
    printf(" %8s %9s %9s |", "time", "peak", "file");
  printf("\n");
  for (guint k = 0; k < n_sizes; k++) {
    guint units = sizes[k];
    g_autofree gchar *name = g_strdup_printf("lot-%u.db", units);
    g_autofree gchar *db = g_build_filename(dir, name, NULL);
    make_store(db, units);
    g_autofree gchar *out_c = g_build_filename(dir, "c.xlsx", NULL);
    g_autofree gchar *out_xw = g_build_filename(dir, "xlsxwriter.xlsx", NULL);
    g_autofree gchar *out_op = g_build_filename(dir, "openpyxl.xlsx", NULL);
    const char *c_args[] = { lightline, "report", "lot", "--db", db, "-o", out_c, NULL };
    const char *xw_args[] = { "/usr/bin/python3", LL_BENCH_SCRIPT, "xlsxwriter", db, out_xw, NULL };
    const char *op_args[] = { "/usr/bin/python3", LL_BENCH_SCRIPT, "openpyxl", db, out_op, NULL };
    Result c = measure(c_args, out_c);
    Result xw = have_xlsxwriter ? measure(xw_args, out_xw) : (Result) { 0 };
    Result op = have_openpyxl ? measure(op_args, out_op) : (Result) { 0 };
    printf("%-7u %-9u |", units, units * LANES * STEPS * NAMES_PER_STEP);
    cell(&c);
    cell(&xw);
    cell(&op);
    printf("\n");
    fflush(stdout);
    if (!keep) {
      g_autofree gchar *wal = g_strconcat(db, "-wal", NULL), *shm = g_strconcat(db, "-shm", NULL);
      g_autofree gchar *lock = g_strconcat(db, "-lock", NULL);
      const char *files[] = { db, wal, shm, lock, out_c, out_xw, out_op };
      for (gsize i = 0; i < G_N_ELEMENTS(files); i++)
        g_unlink(files[i]);
    }
  }
  if (!have_xlsxwriter)
    printf("\nPython XlsxWriter is not installed (python3-xlsxwriter): not compared.\n");
  if (keep)
    printf("\nstores and workbooks kept in %s\n", dir);
  else
    g_rmdir(dir);
  return 0;
}
